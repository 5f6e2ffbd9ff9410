#include "operations/SparklineDelegate.h"

#include "shell/Tints.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

SparklineDelegate::SparklineDelegate(int role, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_role(role)
{ }

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    // The cell's background and selection as any other cell, without text.
    QStyleOptionViewItem cell = option;
    initStyleOption(&cell, index);
    cell.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &cell, painter, widget);

    const QVector<qint64> values = index.data(m_role).value<QVector<qint64>>();
    if (values.size() < 2)
        return;
    const qint64 peak = *std::max_element(values.cbegin(), values.cend());
    const QRectF area = QRectF(option.rect).adjusted(4, 4, -4, -4);
    if (area.width() <= 0 || area.height() <= 0)
        return;
    const bool selected = option.state & QStyle::State_Selected;
    const QColor ink = selected ? option.palette.color(QPalette::HighlightedText)
        : peak > 0              ? Tints::text(Tints::Tone::Error, option.palette)
                                : Tints::text(Tints::Tone::Muted, option.palette);
    const double step = area.width() / (values.size() - 1);
    QPainterPath line;
    for (int i = 0; i < values.size(); ++i) {
        const double y = peak > 0 ? area.bottom() - area.height() * double(values.at(i)) / double(peak) : area.bottom();
        const QPointF point(area.left() + i * step, y);
        if (i == 0)
            line.moveTo(point);
        else
            line.lineTo(point);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    if (peak > 0) {
        QPainterPath fill = line;
        fill.lineTo(area.right(), area.bottom());
        fill.lineTo(area.left(), area.bottom());
        fill.closeSubpath();
        QColor wash = ink;
        wash.setAlphaF(0.18);
        painter->fillPath(fill, wash);
    }
    painter->setPen(QPen(ink, 1.4));
    painter->drawPath(line);
    painter->restore();
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    return { 120, QStyledItemDelegate::sizeHint(option, index).height() };
}
