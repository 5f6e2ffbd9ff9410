#include "shell/RowTintDelegate.h"

RowTintDelegate::RowTintDelegate(TintOf tintOf, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_tintOf(std::move(tintOf))
{ }

void RowTintDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const RowTint tint = m_tintOf(index);
    QColor text;
    switch (tint.kind) {
    case RowTint::None:
        return;
    case RowTint::Urgent:
        text = QColor(0xb7, 0x1c, 0x1c);
        break;
    case RowTint::Unknown:
        text = QColor(0xc2, 0x5e, 0x00);
        break;
    case RowTint::Waiting:
        text = QColor(0x8d, 0x5a, 0x00);
        break;
    case RowTint::Anomaly:
        text = QColor(0x8d, 0x5a, 0x00);
        option->backgroundBrush = QColor(0xff, 0xf4, 0xe0);
        break;
    case RowTint::Muted:
        text = QColor(0x9e, 0x9e, 0x9e);
        break;
    }
    option->palette.setColor(QPalette::Text, text);
    option->font.setBold(tint.bold);
}
