#include "ledger/LedgerImport.h"

#include "core/CsvReader.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

namespace {
// A JSON value as the text a CSV cell would hold; false for objects and arrays.
bool textOf(const QJsonValue &v, QString &text)
{
    switch (v.type()) {
    case QJsonValue::String:
        text = v.toString();
        return true;
    case QJsonValue::Double: {
        const double d = v.toDouble();
        // Whole numbers as digits (an amount in minor units); others as JSON wrote them, near
        // enough for the check to refuse a fraction of a minor unit.
        text = d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d, 'g', 17);
        return true;
    }
    case QJsonValue::Bool:
        text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        return true;
    case QJsonValue::Null:
        text.clear();
        return true;
    default:
        return false;
    }
}
} // namespace

LedgerImport::LedgerImport(
    QIODevice &in, const QString &fileName, const QString &format, const ImportPreset &preset, const QString &account)
    : m_in(in)
    , m_fileName(fileName)
    , m_format(format)
    , m_preset(preset)
    , m_account(account)
    , m_options(preset.options)
{
    m_cellOf.fill(-1);
}

LedgerImport::~LedgerImport() = default;

bool LedgerImport::problem(int line, const QString &column, const QString &message)
{
    if (m_problems.size() >= kMaxProblems) {
        m_truncated = true;
        m_stopped = true;
        return false;
    }
    m_problems << ImportProblem { m_fileName, line, column, message };
    return true;
}

QString LedgerImport::problemText() const
{
    QStringList lines;
    for (const ImportProblem &p : m_problems)
        lines << p.text();
    if (m_truncated)
        lines << QStringLiteral("(and more after these)");
    lines << QStringLiteral("Nothing was imported.");
    return lines.join(QLatin1Char('\n'));
}

QString LedgerImport::columnOf(LedgerFields::Field field) const
{
    const QString mapped = m_preset.column(LedgerFields::name(field));
    return mapped.isEmpty() ? LedgerFields::name(field) : mapped;
}

bool LedgerImport::readHeader()
{
    m_csv = std::make_unique<CsvReader>(m_in, m_options.delimiter);
    QStringList header;
    if (!m_csv->next(header)) {
        if (m_csv->error().isEmpty())
            problem(0, {}, QStringLiteral("is empty: expected a header line naming the columns"));
        else
            problem(m_csv->line(), {}, m_csv->error());
        return false;
    }
    for (QString &h : header)
        h = h.trimmed();
    for (int f = 0; f < LedgerFields::Count; ++f)
        m_cellOf[f] = int(header.indexOf(columnOf(LedgerFields::Field(f))));
    for (const QString &h : header) {
        bool used = false;
        for (int f = 0; f < LedgerFields::Count; ++f)
            used = used || columnOf(LedgerFields::Field(f)) == h;
        if (!used)
            m_ignored << h;
    }
    using namespace LedgerFields;
    const QString columns = header.join(QStringLiteral(", "));
    const int before = int(m_problems.size());
    for (Field required : { Id, BookedOn, Currency })
        if (m_cellOf[required] < 0)
            problem(1, {},
                QStringLiteral("has no column '%1' (the %2 of each entry); the columns are: %3")
                    .arg(columnOf(required), name(required), columns));
    if (m_cellOf[AmountMinor] < 0 && m_cellOf[Amount] < 0)
        problem(1, {},
            QStringLiteral("has no column '%1' (the amount in minor units) nor '%2' (in major units); the columns "
                           "are: %3")
                .arg(columnOf(AmountMinor), columnOf(Amount), columns));
    if (m_cellOf[Account] < 0 && m_account.isEmpty())
        problem(1, {},
            QStringLiteral("has no column '%1': give the account these entries are booked to with --account")
                .arg(columnOf(Account)));
    const bool ok = m_problems.size() == before;
    return ok;
}

bool LedgerImport::nextValues(LedgerFields::Values &values, int &line)
{
    QStringList cells;
    if (!m_csv->next(cells)) {
        if (!m_csv->error().isEmpty())
            problem(m_csv->line(), {}, m_csv->error());
        return false;
    }
    line = m_csv->line();
    for (int f = 0; f < LedgerFields::Count; ++f)
        values[f] = m_cellOf[f] >= 0 ? std::optional(cells.value(m_cellOf[f])) : std::nullopt;
    return true;
}

bool LedgerImport::nextJsonValues(LedgerFields::Values &values, int &line)
{
    static thread_local QStringDecoder utf8(QStringDecoder::Utf8);
    for (;;) {
        if (m_in.atEnd()) {
            if (m_jsonLine == 0)
                problem(0, {}, QStringLiteral("is empty: expected one JSON object per line"));
            return false;
        }
        QByteArray bytes = m_in.readLine();
        line = ++m_jsonLine;
        if (line == 1 && bytes.startsWith("\xEF\xBB\xBF"))
            bytes.remove(0, 3);
        if (bytes.contains('\0')) {
            problem(line, {}, QStringLiteral("holds binary data (a NUL byte), not text"));
            m_stopped = true;
            return false;
        }
        (void)utf8.decode(bytes);
        if (utf8.hasError()) {
            utf8 = QStringDecoder(QStringDecoder::Utf8);
            problem(line, {}, QStringLiteral("is not UTF-8 text (save the file as UTF-8)"));
            m_stopped = true;
            return false;
        }
        if (bytes.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            if (!problem(line, {},
                    error.error != QJsonParseError::NoError
                        ? QStringLiteral("is not one JSON object (%1 at character %2)")
                              .arg(error.errorString())
                              .arg(error.offset + 1)
                        : QStringLiteral("expected one JSON object")))
                return false;
            continue;
        }
        const QJsonObject object = doc.object();
        bool good = true;
        for (int f = 0; f < LedgerFields::Count && good; ++f) {
            const QString key = columnOf(LedgerFields::Field(f));
            const QJsonValue v = object.value(key);
            QString text;
            if (v.isUndefined()) {
                values[f] = std::nullopt;
            } else if (textOf(v, text)) {
                values[f] = text;
            } else {
                good = false;
                if (!problem(line, key, QStringLiteral("expected a string or a number, got an object or an array")))
                    return false;
            }
        }
        for (auto it = object.begin(); it != object.end(); ++it) {
            bool used = false;
            for (int f = 0; f < LedgerFields::Count; ++f)
                used = used || columnOf(LedgerFields::Field(f)) == it.key();
            if (!used && !m_ignored.contains(it.key()))
                m_ignored << it.key();
        }
        if (good)
            return true;
    }
}

bool LedgerImport::next(LedgerEntry &entry)
{
    using namespace LedgerFields;
    const bool csv = m_format == QLatin1String("csv");
    if (!m_started) {
        m_started = true;
        // A binary file named .csv: said as such, not as the first line that fails to decode.
        if (m_in.peek(4096).contains('\0')) {
            problem(0, {},
                QStringLiteral("holds binary data (a NUL byte in its first 4 KiB): it is not a CSV or JSON Lines "
                               "file"));
            m_stopped = true;
        } else if (csv && !readHeader()) {
            m_stopped = true;
        }
    }
    while (!m_stopped) {
        Values values;
        int line = 0;
        if (!(csv ? nextValues(values, line) : nextJsonValues(values, line)))
            return false;
        ++m_rows;
        const QString given = values[Account].value_or(QString()).trimmed();
        if (given.isEmpty())
            values[Account] = m_account;
        else if (!m_account.isEmpty() && given != m_account) {
            if (!problem(line, columnOf(Account),
                    QStringLiteral("expected account %1 (as --account says), got '%2'; nothing of another account "
                                   "is booked here")
                        .arg(m_account, given)))
                return false;
            continue;
        }
        entry = LedgerEntry {};
        if (auto bad = read(values, m_options, entry)) {
            if (!problem(line, columnOf(bad->field), bad->message))
                return false;
            continue;
        }
        entry.source = LedgerEntry::Source::Import;
        entry.sourceDetail = QStringLiteral("%1 line %2").arg(m_fileName).arg(line);
        m_line = line;
        return true;
    }
    return false;
}
