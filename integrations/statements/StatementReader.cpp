#include "statements/StatementReader.h"

#include "statements/Camt053Reader.h"
#include "statements/Mt940Reader.h"
#include "statements/OfxReader.h"
#include "statements/StatementIdentity.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

QString StatementReader::formatName(StatementFormat format)
{
    switch (format) {
    case StatementFormat::Camt053:
        return QStringLiteral("camt053");
    case StatementFormat::Mt940:
        return QStringLiteral("mt940");
    case StatementFormat::Ofx:
        return QStringLiteral("ofx");
    }
    return {};
}

std::optional<StatementFormat> StatementReader::formatFromName(const QString &name)
{
    for (StatementFormat f : { StatementFormat::Camt053, StatementFormat::Mt940, StatementFormat::Ofx }) {
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

Result<QList<Statement>> StatementReader::read(StatementFormat format, QIODevice &in, const QString &fileName)
{
    Result<QList<Statement>> read = format == StatementFormat::Camt053 ? Camt053Reader::read(in, fileName)
        : format == StatementFormat::Mt940                             ? Mt940Reader::read(in, fileName)
                                                                       : OfxReader::read(in, fileName);
    if (!read)
        return read;
    QList<Statement> statements = std::move(read).value();
    for (Statement &s : statements)
        StatementIdentity::assign(s);
    return statements;
}

Result<StatementFormat> StatementReader::detectFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(ErrorClass::Input, QStringLiteral("Cannot open %1: %2").arg(path, file.errorString()));
    if (auto format = detect(file.peek(4096)))
        return *format;
    return failure(ErrorClass::Input,
        QStringLiteral("%1 is not a camt.053, MT940 or OFX statement; give --format, or a --preset for a CSV.")
            .arg(QFileInfo(path).fileName()));
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
