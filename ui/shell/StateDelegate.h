#pragma once

#include <QStyledItemDelegate>

// Colours a state by urgency — declined and needing attention red, unknown outcome orange,
// scheduled retries amber — so what needs a person stands out in a long list.
class StateDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};
