#pragma once

#include <QColor>
#include <QString>

class QPalette;

// The console's few signal colours, derived from the palette in use so they read on a light
// desktop and a dark one alike: the hue says what it means, the lightness follows the base.
namespace Tints {
enum class Tone
{
    Error,
    Unknown,
    Warning,
    Success,
    Info,
    Muted
};

bool isDark(const QPalette &palette);
// Text in this tone, readable on the palette's base and window colours.
QColor text(Tone tone, const QPalette &palette);
// A faint wash of the tone over the palette's base, for banners and anomalous rows.
QColor background(Tone tone, const QPalette &palette);
// A banner's style sheet in this tone.
QString bannerStyle(Tone tone, const QPalette &palette);
// A dark palette for Fusion, for desktops that do not hand one over (and for checking).
QPalette darkPalette();
} // namespace Tints
