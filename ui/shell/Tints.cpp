#include "shell/Tints.h"

#include <QPalette>

namespace Tints {
namespace {
int hueOf(Tone tone)
{
    switch (tone) {
    case Tone::Error:
        return 0;
    case Tone::Unknown:
        return 25;
    case Tone::Warning:
        return 40;
    case Tone::Success:
        return 125;
    case Tone::Info:
        return 210;
    case Tone::Muted:
        break;
    }
    return 0;
}

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t);
}
} // namespace

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor text(Tone tone, const QPalette &palette)
{
    if (tone == Tone::Muted)
        return mix(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.45);
    // Dark red/amber on light bases, light ones on dark bases: both keep a contrast above 4.5:1.
    return QColor::fromHsl(hueOf(tone), 190, isDark(palette) ? 175 : 70);
}

QColor background(Tone tone, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    if (tone == Tone::Muted)
        return mix(base, palette.color(QPalette::Text), 0.06);
    return mix(base, QColor::fromHsl(hueOf(tone), 200, 128), isDark(palette) ? 0.22 : 0.12);
}

QString bannerStyle(Tone tone, const QPalette &palette)
{
    const QColor fg = text(tone, palette);
    return QStringLiteral("QLabel { background: %1; color: %2; padding: 6px 30px 6px 6px; border: 1px solid %3; "
                          "border-radius: 3px; }")
        .arg(background(tone, palette).name(), fg.name(), mix(background(tone, palette), fg, 0.35).name());
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80), highlight(0x3d, 0x6f, 0xb4);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    p.setColor(QPalette::LinkVisited, QColor(0xc5, 0x8a, 0xf9));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4d));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3c, 0x40));
    p.setColor(QPalette::Mid, QColor(0x33, 0x35, 0x39));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x44, 0x46, 0x4a));
    return p;
}
} // namespace Tints
