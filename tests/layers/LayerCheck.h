#pragma once

#include <QString>
#include <QStringList>

// The layer rules of docs/architecture.md, read off a source tree: which layer may include
// which, where SQL, HTTP and the database may appear, and who may link the sandbox library.
// Each violation names the file, the line and the rule it breaks.
namespace LayerCheck {
QStringList violations(const QString &sourceRoot);
} // namespace LayerCheck
