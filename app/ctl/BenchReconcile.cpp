#include "BenchReconcile.h"

#include "Console.h"
#include "reconciliation/Matcher.h"

#include <QDate>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <charconv>
#include <random>
#include <unistd.h>

// A seeded ledger and provider transaction list written as CSV, read back as the engine's sides,
// and matched with the default rules: the figures issue 12 asks for, and the files the pandas
// peer (tests/reconciliation/reconcile_pandas.py) reads.

namespace {
using namespace Console;

const QByteArray kLedgerHeader = "id,reference,amount_minor,currency,booked_on,description\n";
const QByteArray kTransactionsHeader = "id,reference,amount_minor,currency,booked_on,description,fee_minor,payout_id\n";

// Rows appended to a CSV file through a buffer, ids counted from 1.
class CsvOut
{
public:
    CsvOut(const QString &path, const QByteArray &header)
        : m_file(path)
    {
        m_ok = m_file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        m_buffer = header;
    }
    ~CsvOut() { flush(); }
    qint64 rows() const { return m_rows; }
    void row(const QByteArray &reference, qint64 amount, int day, const char *description, qint64 fee = -1,
        const QByteArray &payout = {})
    {
        const QDate date = QDate::fromJulianDay(day);
        m_buffer += QByteArray::number(++m_rows) + ',' + reference + ',' + QByteArray::number(amount) + ",EUR,"
            + date.toString(Qt::ISODate).toLatin1() + ',' + description;
        if (fee >= 0)
            m_buffer += ',' + QByteArray::number(fee) + ',' + payout;
        m_buffer += '\n';
        if (m_buffer.size() > (1 << 20))
            flush();
    }
    bool flush()
    {
        m_ok = m_ok && m_file.write(m_buffer) == m_buffer.size();
        m_buffer.clear();
        return m_ok;
    }
    // On disk before anything is timed: the kernel writing it back during the match skewed it.
    bool sync() { return flush() && m_file.flush() && ::fsync(m_file.handle()) == 0; }
    QString error() const { return m_file.fileName() + QStringLiteral(": ") + m_file.errorString(); }

private:
    QFile m_file;
    QByteArray m_buffer;
    qint64 m_rows = 0;
    bool m_ok = false;
};

// What was generated, by kind, per thousand draws: 890 exact pairs, 10 the ledger booked net
// (fee rule), 50 a few cents apart, 30 two or three days apart with other references (tolerance),
// 1 a payout of ten lines booked as one entry, 2 a bank line for two or three entries (grouped),
// 17 unmatched on both sides (ledger negative; transactions ending in 37 cents, which no group
// of whole euros adds up to, though one may still fall within a tolerance of another row).
// Each kind has references of its own, so none is shared by chance.
struct Generated
{
    qint64 exact = 0, fee = 0, cents = 0, daysApart = 0, payouts = 0, payoutLines = 0, subsetGroups = 0,
           unmatchedLedger = 0, unmatchedTransactions = 0;

    QJsonObject toJson() const
    {
        return { { QStringLiteral("exact_pairs"), exact }, { QStringLiteral("net_booked_pairs"), fee },
            { QStringLiteral("cents_apart_pairs"), cents }, { QStringLiteral("days_apart_pairs"), daysApart },
            { QStringLiteral("payouts"), payouts }, { QStringLiteral("payout_lines"), payoutLines },
            { QStringLiteral("subset_groups"), subsetGroups }, { QStringLiteral("unmatched_ledger"), unmatchedLedger },
            { QStringLiteral("unmatched_transactions"), unmatchedTransactions } };
    }
};

Result<Generated> generate(const QDir &dir, qint64 n)
{
    CsvOut ledger(dir.filePath(QStringLiteral("ledger.csv")), kLedgerHeader);
    CsvOut txns(dir.filePath(QStringLiteral("transactions.csv")), kTransactionsHeader);
    std::mt19937_64 random(20261202);
    auto below = [&](qint64 bound) { return qint64(random() % quint64(bound)); };
    const int firstDay = int(QDate(2026, 1, 1).toJulianDay());
    auto amount = [&] { return 1000 + below(4'999'001); };
    auto fee = [](qint64 gross) { return (gross * 29 + 500) / 1000 + 30; };
    auto ref = [](const char *prefix, qint64 k) { return prefix + QByteArray::number(k, 36).toUpper(); };
    Generated g;
    qint64 k = 0;
    while (txns.rows() < n) {
        ++k;
        const qint64 draw = below(1000);
        const int day = firstDay + int(below(365));
        const qint64 a = amount();
        const qint64 roomLedger = n - ledger.rows(), roomTxns = n - txns.rows();
        const QByteArray payout = "PAYOUT-D" + QByteArray::number(day - firstDay); // the day's payout
        if (draw < 890 && roomLedger >= 1) {
            ledger.row(ref("CH_", k), a, day, "card sale");
            txns.row(ref("CH_", k), a, day + int(below(2)), "charge", fee(a), payout);
            ++g.exact;
        } else if (draw < 900 && roomLedger >= 1) {
            ledger.row(ref("CH_", k), a - fee(a), day, "card sale net of fees");
            txns.row(ref("CH_", k), a, day + int(below(2)), "charge", fee(a), payout);
            ++g.fee;
        } else if (draw < 950 && roomLedger >= 1) {
            const qint64 cents = 1 + below(50);
            ledger.row(ref("INV-", k), a, day, "invoice paid");
            txns.row(ref("BNK-", k), below(2) ? a + cents : a - cents, day + int(below(3)), "transfer", 0);
            ++g.cents;
        } else if (draw < 980 && roomLedger >= 1) {
            ledger.row(ref("INV-", k), a, day, "invoice paid");
            txns.row(ref("BNK-", k), a, day + 2 + int(below(2)), "transfer", 0);
            ++g.daysApart;
        } else if (draw < 981 && roomLedger >= 1 && roomTxns >= 10) {
            const QByteArray id = ref("PO_", k);
            qint64 sum = 0;
            for (int line = 0; line < 10; ++line) {
                const qint64 gross = amount();
                sum += gross - fee(gross);
                txns.row(ref("PCH_", k * 100 + line), gross, day + int(below(3)), "charge", fee(gross), id);
            }
            ledger.row(id, sum, day + 4, "payout received");
            ++g.payouts;
            g.payoutLines += 10;
        } else if (draw < 983 && roomLedger >= 3) {
            const int members = 2 + int(below(2));
            qint64 sum = 0;
            for (int m = 0; m < members; ++m) {
                const qint64 whole = 100 * (10 + below(49'990)); // whole euros: sums of these never end in 37 cents
                sum += whole;
                ledger.row(ref("GINV-", k * 10 + m), whole, day + int(below(2)), "invoice paid");
            }
            txns.row(ref("BNK-", k), sum, day, "bank transfer for several invoices", 0);
            ++g.subsetGroups;
        } else {
            txns.row(ref("BNK-", k), a / 100 * 100 + 37, day, "unknown transfer", 0);
            ++g.unmatchedTransactions;
            if (ledger.rows() < n) {
                ledger.row(ref("ADJ-", k), -a, day, "adjustment");
                ++g.unmatchedLedger;
            }
        }
    }
    for (; ledger.rows() < n; ++g.unmatchedLedger)
        ledger.row(ref("ADJ-", ++k), -amount(), firstDay + int(below(365)), "adjustment");
    if (!ledger.sync())
        return failure(ErrorClass::Storage, ledger.error());
    if (!txns.sync())
        return failure(ErrorClass::Storage, txns.error());
    return g;
}

qint64 number(QByteArrayView text, bool &ok)
{
    qint64 v = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
    ok = ok && error == std::errc() && end == text.data() + text.size();
    return v;
}

// YYYY-MM-DD as QDate::toJulianDay(), without a QString for each of a million dates.
int isoDay(QByteArrayView text, bool &ok)
{
    bool parts = text.size() == 10 && text[4] == '-' && text[7] == '-';
    if (!parts) {
        ok = false;
        return 0;
    }
    const QDate date(int(number(text.first(4), parts)), int(number(text.sliced(5, 2), parts)),
        int(number(text.sliced(8, 2), parts)));
    ok = ok && parts && date.isValid();
    return int(date.toJulianDay());
}

// One generated file back into a side: the columns above, nothing quoted (no field holds a comma).
Result<ReconSide> load(const QString &path, bool transactions)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(ErrorClass::Storage, path + QStringLiteral(": ") + file.errorString());
    const qint64 size = file.size();
    const char *bytes = size ? reinterpret_cast<const char *>(file.map(0, size)) : "";
    if (!bytes)
        return failure(ErrorClass::Storage, path + QStringLiteral(": cannot map it"));
    const QByteArrayView all(bytes, size);
    const QByteArray &header = transactions ? kTransactionsHeader : kLedgerHeader;
    if (!all.startsWith(header))
        return failure(ErrorClass::Input, path + QStringLiteral(": not a file bench reconcile wrote (its header)"));
    ReconSide side;
    side.reserve(qsizetype(size / 48));
    qsizetype line = 1;
    for (qsizetype at = header.size(); at < size;) {
        qsizetype end = all.indexOf('\n', at);
        if (end < 0)
            end = size;
        ++line;
        QByteArrayView fields[8];
        int count = 0;
        for (qsizetype from = at; count < 8;) {
            const qsizetype comma = all.sliced(from, end - from).indexOf(',');
            fields[count++] = all.sliced(from, (comma < 0 ? end - from : comma));
            if (comma < 0)
                break;
            from += comma + 1;
        }
        bool ok = count == (transactions ? 8 : 6);
        ReconItemUtf8 item;
        if (ok) {
            item.id = number(fields[0], ok);
            item.reference = fields[1];
            item.amountMinor = number(fields[2], ok);
            item.currency = fields[3];
            item.day = isoDay(fields[4], ok);
            item.description = fields[5];
            if (transactions) {
                item.feeMinor = number(fields[6], ok);
                item.groupId = fields[7];
            }
        }
        if (!ok)
            return failure(
                ErrorClass::Input, QStringLiteral("%1:%2: not a row bench reconcile wrote").arg(path).arg(line));
        side.append(item);
        at = end + 1;
    }
    return side;
}

int runBenchReconcile(const QCommandLineParser &args)
{
    const qint64 rows = args.value(QStringLiteral("rows")).toLongLong();
    if (rows < 1 || rows > 50'000'000)
        return fail(QStringLiteral("--rows must be a number from 1 to 50000000."), 2);
    QTemporaryDir temporary;
    const QString outDir = args.value(QStringLiteral("out"));
    if (!outDir.isEmpty() && !QDir().mkpath(outDir))
        return fail(QStringLiteral("Cannot create --out %1.").arg(outDir));
    const QDir dir(outDir.isEmpty() ? temporary.path() : outDir);
    QElapsedTimer timer;
    timer.start();
    auto generated = generate(dir, rows);
    if (!generated)
        return fail(generated.message());
    const qint64 writeMs = timer.restart();
    auto ledger = load(dir.filePath(QStringLiteral("ledger.csv")), false);
    if (!ledger)
        return fail(ledger.message());
    auto txns = load(dir.filePath(QStringLiteral("transactions.csv")), true);
    if (!txns)
        return fail(txns.message());
    const qint64 loadMs = timer.restart();
    auto ran = Matcher::run(ledger.value(), txns.value(), MatchRules::defaults());
    const qint64 matchMs = timer.elapsed();
    if (!ran)
        return fail(ran.message());
    QJsonObject matched, ruleMs;
    qint64 ledgerRows = 0, txnRows = 0;
    for (const ReconResult::RuleCount &c : ran->perRule()) {
        matched.insert(c.rule, c.matches);
        ruleMs.insert(c.rule, qRound(c.ms * 10) / 10.0);
        ledgerRows += c.leftRows;
        txnRows += c.rightRows;
    }
    out() << QJsonDocument(
        QJsonObject { { QStringLiteral("rows"), rows }, { QStringLiteral("generated"), generated->toJson() },
            { QStringLiteral("matched"), matched }, { QStringLiteral("rule_ms"), ruleMs },
            { QStringLiteral("matched_rows"),
                QJsonObject { { QStringLiteral("ledger"), ledgerRows }, { QStringLiteral("transactions"), txnRows } } },
            { QStringLiteral("unmatched"),
                QJsonObject { { QStringLiteral("ledger"), ran->unmatchedLeft().size() },
                    { QStringLiteral("transactions"), ran->unmatchedRight().size() } } },
            { QStringLiteral("searches_capped"), ran->searchesCapped() }, { QStringLiteral("write_ms"), writeMs },
            { QStringLiteral("load_ms"), loadMs }, { QStringLiteral("match_ms"), matchMs },
            { QStringLiteral("peak_rss_mb"), peakRssMb() },
            { QStringLiteral("out"), outDir.isEmpty() ? QJsonValue() : QJsonValue(dir.path()) } })
                 .toJson(QJsonDocument::Indented);
    out().flush();
    return 0;
}
} // namespace

namespace Commands {

Command benchReconcile()
{
    return { .name = QStringLiteral("reconcile"),
        .summary = QStringLiteral("Measure the matching engine: a seeded ledger and provider list of N rows each."),
        .details = QStringLiteral(
            "Writes ledger.csv (id,reference,amount_minor,currency,booked_on,description) and transactions.csv "
            "(the same, plus fee_minor,payout_id) of N rows each: about 90 % matching exactly, 5 % a few cents "
            "apart, 3 % days apart, 2 % unmatched, plus payouts and bank lines for the grouped rule. Reads them "
            "back (load ms) and matches them with the default rules (match ms). Prints matches per rule, "
            "unmatched rows per side, the times and peak RSS. Without --out the files go to a temporary "
            "folder."),
        .options = { { .name = QStringLiteral("rows"),
                         .description = QStringLiteral("Rows on each side (default 100000)."),
                         .valueName = QStringLiteral("N"),
                         .defaultValue = QStringLiteral("100000") },
            { .name = QStringLiteral("out"),
                .description = QStringLiteral("Keep the two files in this folder."),
                .valueName = QStringLiteral("DIR") } },
        .json = JsonOutput::Always,
        .run = Handler(runBenchReconcile) };
}

} // namespace Commands
