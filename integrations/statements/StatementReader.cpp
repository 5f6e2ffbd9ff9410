#include "statements/StatementReader.h"

#include "statements/Camt053Reader.h"
#include "statements/Mt940Reader.h"
#include "statements/OfxReader.h"
#include "statements/StatementIdentity.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringDecoder>

QString StatementReader::formatName(StatementFormat format)
{
    switch (format) {
    case StatementFormat::Camt053:
        return QStringLiteral("camt053");
    case StatementFormat::Mt940:
        return QStringLiteral("mt940");
    case StatementFormat::Ofx:
        return QStringLiteral("ofx");
    case StatementFormat::Csv:
        return QStringLiteral("csv");
    }
    return {};
}

QStringList StatementReader::formatNames()
{
    return { QStringLiteral("camt053"), QStringLiteral("mt940"), QStringLiteral("ofx"), QStringLiteral("csv") };
}

std::optional<StatementFormat> StatementReader::formatFromName(const QString &name)
{
    for (StatementFormat f :
        { StatementFormat::Camt053, StatementFormat::Mt940, StatementFormat::Ofx, StatementFormat::Csv }) {
        if (formatName(f) == name.toLower())
            return f;
    }
    return std::nullopt;
}

std::optional<StatementFormat> StatementReader::detect(const QByteArray &head)
{
    if (head.contains("OFXHEADER") || head.contains("<OFX>") || head.contains("<?OFX"))
        return StatementFormat::Ofx;
    if (head.contains("BkToCstmrStmt") || head.contains("BkToCstmrAcctRpt") || head.contains("BkToCstmrDbtCdtNtfctn")
        || head.contains(":camt.05"))
        return StatementFormat::Camt053;
    static const QRegularExpression mt940Field(QStringLiteral("(^|[\\r\\n{])(:20:|\\{4:)"));
    if (mt940Field.match(QString::fromLatin1(head)).hasMatch())
        return StatementFormat::Mt940;
    return std::nullopt;
}

Status StatementReader::read(StatementFormat format, QIODevice &in, const QString &fileName, StatementSink &sink)
{
    switch (format) {
    case StatementFormat::Camt053:
        return Camt053Reader::read(in, fileName, sink);
    case StatementFormat::Mt940:
        return Mt940Reader::read(in, fileName, sink);
    case StatementFormat::Ofx:
        return OfxReader::read(in, fileName, sink);
    case StatementFormat::Csv:
        break;
    }
    return failure(ErrorClass::Input, QStringLiteral("%1: a CSV is read through a preset (--preset).").arg(fileName));
}

namespace {
// Keeps what a reader streams, for callers that want the list.
class ListSink : public StatementSink
{
public:
    Status begin(const Statement &header) override
    {
        statements << header;
        return success();
    }
    Status line(StatementLine &line) override
    {
        statements.last().lines << line;
        return success();
    }
    Status end(const Statement &statement) override
    {
        Statement &s = statements.last();
        s.opening = statement.opening;
        s.closing = statement.closing;
        s.currency = statement.currency;
        return success();
    }
    QList<Statement> statements;
};

bool looksLikeText(const QByteArray &head)
{
    if (head.isEmpty() || head.contains('\0'))
        return false;
    QStringDecoder utf8(QStringDecoder::Utf8);
    // The head may end inside a character: only what comes before the last line break counts.
    const qsizetype end = head.lastIndexOf('\n');
    const QString text = utf8.decode(end > 0 ? head.left(end) : head); // decode() is lazy: it decodes when converted
    return !utf8.hasError();
}
} // namespace

Result<QList<Statement>> StatementReader::read(StatementFormat format, QIODevice &in, const QString &fileName)
{
    ListSink sink;
    if (Status read = StatementReader::read(format, in, fileName, sink); !read)
        return read.error();
    for (Statement &s : sink.statements)
        StatementIdentity::assign(s);
    return sink.statements;
}

Result<StatementFormat> StatementReader::detectFile(const QString &path, const QStringList &statementPresets)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(ErrorClass::Input, QStringLiteral("Cannot open %1: %2").arg(path, file.errorString()));
    const QByteArray head = file.peek(4096);
    if (auto format = detect(head))
        return *format;
    const QString name = QFileInfo(path).fileName();
    if (!looksLikeText(head))
        return failure(ErrorClass::Input,
            QStringLiteral("%1 is not a statement: it is not text (binary data, or not UTF-8), so neither camt.053, "
                           "MT940, OFX nor CSV. Is it the bank's export?")
                .arg(name));
    const QString presets = statementPresets.isEmpty()
        ? QStringLiteral("listed by reconsolectl records presets list --kind statements")
        : statementPresets.join(QStringLiteral(", "));
    return failure(ErrorClass::Input,
        QStringLiteral("%1 is not a camt.053, MT940 or OFX statement; if it is a CSV, say how its columns read with "
                       "--preset NAME (the statement presets are %2).")
            .arg(name, presets));
}

Result<QList<Statement>> StatementReader::readFile(const QString &path, std::optional<StatementFormat> format)
{
    if (!format) {
        auto detected = detectFile(path);
        if (!detected)
            return detected.error();
        format = detected.value();
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(ErrorClass::Input, QStringLiteral("Cannot open %1: %2").arg(path, file.errorString()));
    return read(*format, file, QFileInfo(path).fileName());
}
