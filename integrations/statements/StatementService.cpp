#include "statements/StatementService.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "records/ImportPresetStore.h"
#include "statements/CsvStatementReader.h"
#include "statements/StatementIdentity.h"
#include "store/Database.h"

#include <QFile>
#include <QFileInfo>

namespace {
// Streams what a reader gives into the store, checking each statement's account first and
// summing its lines for the balance check.
class StoringSink : public StatementSink
{
public:
    StoringSink(StatementWriter &writer, StatementFileImport &result, const QString &account)
        : m_writer(writer)
        , m_result(result)
        , m_account(account)
    { }

    Status begin(const Statement &header) override
    {
        Statement s = header;
        if (s.account.isEmpty() && !m_account.isEmpty())
            s.account = m_account;
        else if (!m_account.isEmpty() && s.account != m_account)
            return failure(ErrorClass::Input,
                QStringLiteral("%1 is a statement of account %2, not %3; nothing was imported. Leave out --account, or "
                               "pick the right file.")
                    .arg(m_result.fileName, s.account, m_account));
        if (s.account.isEmpty())
            return failure(ErrorClass::Input,
                QStringLiteral("%1 names no account; give it with --account (a bank account's IBAN, or the provider "
                               "for its report, such as stripe-sandbox). Nothing was imported.")
                    .arg(m_result.fileName));
        m_identity.emplace(s.account);
        m_result.statements << StatementSummary { s, 0, 0, true };
        return m_writer.begin(s);
    }

    Status line(StatementLine &line) override
    {
        m_identity->assign(line);
        StatementSummary &summary = m_result.statements.last();
        ++summary.lines;
        summary.total += line.signedMinor();
        const auto &opening = summary.statement.opening;
        summary.linesInCurrency = summary.linesInCurrency && opening && opening->currency == line.currency;
        return m_writer.add(line);
    }

    Status end(const Statement &statement) override
    {
        Statement &s = m_result.statements.last().statement;
        s.opening = statement.opening;
        s.closing = statement.closing;
        s.currency = statement.currency;
        StatementSummary &summary = m_result.statements.last();
        // Lines before an opening balance given late could not be compared with it.
        if (summary.lines == 0)
            summary.linesInCurrency = true;
        return m_writer.end(s);
    }

private:
    StatementWriter &m_writer;
    StatementFileImport &m_result;
    QString m_account;
    std::optional<StatementIdentity::Assigner> m_identity;
};
} // namespace

StatementService::StatementService(const Database &db, const AccessPolicy &access)
    : m_db(db)
    , m_access(access)
{ }

QStringList StatementService::presetNames() const
{
    QStringList names;
    for (const ImportPreset &p : ImportPresetStore(m_db).all(QStringLiteral("statements")).value_or({}))
        names << p.name;
    return names;
}

Result<StatementFormat> StatementService::formatOf(
    const QString &path, std::optional<StatementFormat> format, const QString &preset) const
{
    if (!format && !preset.isEmpty())
        return StatementFormat::Csv;
    if (format == StatementFormat::Csv && preset.isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("A CSV statement needs --preset NAME, which says what its columns are; the statement "
                           "presets are %1.")
                .arg(presetNames().join(QStringLiteral(", "))));
    if (format && format != StatementFormat::Csv && !preset.isEmpty())
        return failure(ErrorClass::Input,
            QStringLiteral("--preset is for CSV statements; a %1 file says what its fields are itself. Leave out "
                           "--preset, or give --format csv.")
                .arg(StatementReader::formatName(*format)));
    if (format)
        return *format;
    return StatementReader::detectFile(path, presetNames());
}

Result<StatementFileImport> StatementService::importFile(
    const QString &path, std::optional<StatementFormat> format, const QString &account, const QString &preset)
{
    const QString fileName = QFileInfo(path).fileName();
    Status allowed = m_access.require(
        Permission::Reconcile, m_db, QStringLiteral("statement.import"), QStringLiteral("file:") + fileName);
    if (!allowed)
        return allowed.error();
    auto resolved = formatOf(path, format, preset);
    if (!resolved)
        return resolved.error();
    StatementFileImport result { fileName, resolved.value(), preset, {}, {} };
    std::optional<ImportPreset> csvPreset;
    if (result.format == StatementFormat::Csv) {
        auto found = ImportPresetStore(m_db).get(preset);
        if (!found)
            return found.error();
        csvPreset = found.value();
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(ErrorClass::Input, QStringLiteral("Cannot open %1: %2").arg(path, file.errorString()));

    Transaction tx(m_db.connection());
    const QString formatName = StatementReader::formatName(result.format);
    StatementWriter writer(m_db, tx, formatName, fileName, m_access.actor());
    StoringSink sink(writer, result, account);
    Status read = csvPreset ? CsvStatementReader::read(file, fileName, *csvPreset, account, sink)
                            : StatementReader::read(result.format, file, fileName, sink);
    if (!read)
        return read.error(); // the transaction rolls back: nothing of the file stays
    result.stored = writer.result();
    qsizetype lines = 0;
    for (const StatementSummary &s : result.statements)
        lines += s.lines;
    AuditEntry e;
    e.actor = m_access.actor();
    e.action = QStringLiteral("statement.import");
    e.target = QStringLiteral("file:") + fileName;
    e.reason = preset.isEmpty() ? QStringLiteral("imported %1 (%2)").arg(fileName, formatName)
                                : QStringLiteral("imported %1 (%2, preset %3)").arg(fileName, formatName, preset);
    e.after = QStringLiteral("%1 statements, %2 lines: %3 new, %4 already there, %5 in signed-off periods")
                  .arg(result.stored.statements)
                  .arg(lines)
                  .arg(result.stored.linesImported)
                  .arg(result.stored.duplicatesSkipped)
                  .arg(result.stored.lockedSkipped);
    if (Status committed = AuditLog(m_db).commitWith(tx, e, QStringLiteral("the import of %1").arg(fileName));
        !committed)
        return committed.error();
    return result;
}
