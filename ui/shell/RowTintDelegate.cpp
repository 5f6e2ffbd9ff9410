#include "shell/RowTintDelegate.h"

#include "shell/Tints.h"

RowTintDelegate::RowTintDelegate(TintOf tintOf, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_tintOf(std::move(tintOf))
{ }

void RowTintDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const RowTint tint = m_tintOf(index);
    // Colours come from the palette the view is drawn with, so dark desktops get light tints.
    const QPalette &palette = option->palette;
    Tints::Tone tone = Tints::Tone::Muted;
    switch (tint.kind) {
    case RowTint::None:
        return;
    case RowTint::Urgent:
        tone = Tints::Tone::Error;
        break;
    case RowTint::Unknown:
        tone = Tints::Tone::Unknown;
        break;
    case RowTint::Waiting:
        tone = Tints::Tone::Warning;
        break;
    case RowTint::Anomaly:
        tone = Tints::Tone::Warning;
        option->backgroundBrush = Tints::background(Tints::Tone::Warning, palette);
        break;
    case RowTint::Muted:
        tone = Tints::Tone::Muted;
        break;
    }
    option->palette.setColor(QPalette::Text, Tints::text(tone, palette));
    option->font.setBold(tint.bold);
}
