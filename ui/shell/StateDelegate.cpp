#include "shell/StateDelegate.h"

#include "operations/OperationState.h"
#include "operations/OperationsModel.h"

void StateDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant state = index.data(OperationsModel::StateRole);
    if (!state.isValid())
        return;
    QColor color;
    switch (static_cast<OperationState>(state.toInt())) {
    case OperationState::FailedPermanent:
    case OperationState::NeedsAttention:
        color = QColor(0xb7, 0x1c, 0x1c);
        break;
    case OperationState::UnknownOutcome:
        color = QColor(0xc2, 0x5e, 0x00);
        break;
    case OperationState::RetryScheduled:
        color = QColor(0x8d, 0x6e, 0x00);
        break;
    default:
        return;
    }
    option->palette.setColor(QPalette::Text, color);
    option->font.setBold(true);
}
