#include "LayerCheck.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace {
// The folders a quoted include is looked up in, one include root per library.
enum class Layer
{
    Models,
    Integrations,
    Sandbox,
    Ui,
    App,
    Tests,
    None
};

struct Source
{
    QString path; // relative to the root, with '/'
    Layer layer = Layer::None;
};

Layer layerOf(const QString &path)
{
    if (path.startsWith(QLatin1String("models/")))
        return Layer::Models;
    if (path.startsWith(QLatin1String("integrations/sandbox/")))
        return Layer::Sandbox;
    if (path.startsWith(QLatin1String("integrations/")))
        return Layer::Integrations;
    if (path.startsWith(QLatin1String("ui/")))
        return Layer::Ui;
    if (path.startsWith(QLatin1String("app/")))
        return Layer::App;
    if (path.startsWith(QLatin1String("tests/")))
        return Layer::Tests;
    return Layer::None;
}

QString nameOf(Layer layer)
{
    switch (layer) {
    case Layer::Models:
        return QStringLiteral("models/");
    case Layer::Integrations:
        return QStringLiteral("integrations/");
    case Layer::Sandbox:
        return QStringLiteral("integrations/sandbox/");
    case Layer::Ui:
        return QStringLiteral("ui/");
    case Layer::App:
        return QStringLiteral("app/");
    case Layer::Tests:
        return QStringLiteral("tests/");
    case Layer::None:
        break;
    }
    return QStringLiteral("elsewhere");
}

// Who may include a header of `to` (docs/architecture.md: models <- integrations <- ui <- app; the sandbox
// library only for app/ and tests/).
bool mayInclude(Layer from, Layer to)
{
    if (from == to || from == Layer::App || from == Layer::Tests)
        return true;
    switch (to) {
    case Layer::Models:
        return true;
    case Layer::Integrations:
        return from == Layer::Ui || from == Layer::Sandbox;
    case Layer::Sandbox:
    case Layer::Ui:
    case Layer::App:
    case Layer::Tests:
    case Layer::None:
        return false;
    }
    return false;
}

// The layer whose include root holds `include` (a sandbox header is found through the
// integrations root, as "sandbox/…").
Layer resolve(const QString &root, const QString &include)
{
    if (QFileInfo::exists(root + QStringLiteral("/models/") + include))
        return Layer::Models;
    if (QFileInfo::exists(root + QStringLiteral("/integrations/") + include))
        return include.startsWith(QLatin1String("sandbox/")) ? Layer::Sandbox : Layer::Integrations;
    if (QFileInfo::exists(root + QStringLiteral("/ui/") + include))
        return Layer::Ui;
    return Layer::None; // a file beside the includer, or app's and tests' own
}

const QRegularExpression &quotedInclude()
{
    static const QRegularExpression re(QStringLiteral(R"re(^\s*#\s*include\s+"([^"]+)")re"));
    return re;
}

const QRegularExpression &systemInclude()
{
    static const QRegularExpression re(QStringLiteral(R"re(^\s*#\s*include\s+<([^>]+)>)re"));
    return re;
}

bool isSql(const QString &header)
{
    return header.startsWith(QLatin1String("QSql")) || header.startsWith(QLatin1String("QtSql"));
}

bool isNetworkOrHttp(const QString &header)
{
    static const QRegularExpression re(
        QStringLiteral(R"re(^(QtNetwork|QNetwork|QHttpServer|QAbstractHttpServer|QTcp|QSsl|QUdp|QtHttpServer))re"));
    return re.match(header).hasMatch();
}

QStringList checkSource(const QString &root, const Source &source)
{
    QStringList found;
    QFile file(root + QLatin1Char('/') + source.path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return { QStringLiteral("%1: cannot be read").arg(source.path) };
    static const QRegularExpression databaseType(QStringLiteral(R"re(\bDatabase\b)re"));
    int number = 0;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine());
        ++number;
        const QString where = QStringLiteral("%1:%2: ").arg(source.path).arg(number);
        if (const auto m = systemInclude().match(line); m.hasMatch()) {
            const QString header = m.captured(1);
            if (isSql(header) && source.layer != Layer::Models && source.layer != Layer::Tests)
                found << where + QStringLiteral("includes <%1>: SQL belongs in models/").arg(header);
            if (isNetworkOrHttp(header) && (source.layer == Layer::Ui || source.layer == Layer::Models))
                found << where + QStringLiteral("includes <%1>: HTTP belongs in integrations/").arg(header);
            continue;
        }
        if (const auto m = quotedInclude().match(line); m.hasMatch()) {
            const QString include = m.captured(1);
            const Layer to = resolve(root, include);
            if (to != Layer::None && !mayInclude(source.layer, to))
                found << where
                        + QStringLiteral("includes \"%1\" from %2, which %3 may not use")
                              .arg(include, nameOf(to), nameOf(source.layer));
            if (source.layer == Layer::Ui && to == Layer::Models
                && (include.startsWith(QLatin1String("store/")) || include.endsWith(QLatin1String("Store.h"))))
                found << where
                        + QStringLiteral("includes \"%1\": ui/ builds no store; take a service or read model from app/")
                              .arg(include);
            continue;
        }
        if (source.layer == Layer::Ui && databaseType.match(line).hasMatch()
            && !line.trimmed().startsWith(QLatin1String("//")))
            found << where + QStringLiteral("names Database: ui/ gets services and read models, never the database");
        // Certificates are always verified: an untrusted one is fixed with the provider's extra CA.
        if (line.contains(QLatin1String("ignoreSslErrors")) && !line.trimmed().startsWith(QLatin1String("//")))
            found << where
                    + QStringLiteral("ignores SSL errors: certificates are always verified; trust a CA per provider "
                                     "(extra CA) instead");
    }
    return found;
}

// CMake: only app/ and tests/ link reconsole_sandbox (and the sandbox's own folder defines it).
QStringList checkLinks(const QString &root, const QString &path)
{
    QFile file(root + QLatin1Char('/') + path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const QString text = QString::fromUtf8(file.readAll());
    static const QRegularExpression link(QStringLiteral(R"re(target_link_libraries\s*\(([^)]*)\))re"));
    QStringList found;
    for (auto it = link.globalMatch(text); it.hasNext();) {
        const QString call = it.next().captured(1);
        if (call.contains(QRegularExpression(QStringLiteral(R"re(\breconsole_sandbox\b)re"))))
            found << QStringLiteral("%1: links reconsole_sandbox; only app/ and tests/ may").arg(path);
    }
    return found;
}
} // namespace

namespace LayerCheck {

QStringList violations(const QString &sourceRoot)
{
    const QString root = QDir::cleanPath(sourceRoot);
    QStringList found;
    for (const QString folder :
        { QStringLiteral("models"), QStringLiteral("integrations"), QStringLiteral("ui"), QStringLiteral("app") }) {
        QDirIterator it(root + QLatin1Char('/') + folder, { QStringLiteral("*.h"), QStringLiteral("*.cpp") },
            QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = QDir(root).relativeFilePath(it.next());
            found << checkSource(root, { path, layerOf(path) });
        }
        QDirIterator cmake(root + QLatin1Char('/') + folder, { QStringLiteral("CMakeLists.txt") }, QDir::Files,
            QDirIterator::Subdirectories);
        while (cmake.hasNext()) {
            const QString path = QDir(root).relativeFilePath(cmake.next());
            const Layer layer = layerOf(path);
            if (layer != Layer::App && layer != Layer::Sandbox)
                found << checkLinks(root, path);
        }
    }
    found << checkLinks(root, QStringLiteral("CMakeLists.txt"));
    found.sort();
    return found;
}

} // namespace LayerCheck
