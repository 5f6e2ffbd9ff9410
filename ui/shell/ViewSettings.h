#pragma once

class QSettings;
class QWidget;

// What a person arranged in a workspace, kept per workspace in QSettings: splitter positions, and
// each table's column widths, order and sort. Widgets are found by object name, so a renamed
// splitter starts fresh instead of taking another's sizes.
namespace ViewSettings {
void save(const QWidget &workspace, QSettings &settings);
// Column widths, order and sort: any time before the table is used.
void restoreTables(QWidget &workspace, const QSettings &settings);
// Splitter positions: once the workspace is shown and laid out, or a splitter squeezed into an
// unshown widget keeps its squeezed sizes.
void restoreSplitters(QWidget &workspace, const QSettings &settings);
} // namespace ViewSettings
