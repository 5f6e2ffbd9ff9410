#pragma once

#include <QStyledItemDelegate>

// Draws a row's counts over time (a QVector<qint64> in `role`, oldest first) as a small line,
// scaled to the row's own peak: a trend at a glance, the numbers in the tooltip.
class SparklineDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    SparklineDelegate(int role, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_role;
};
