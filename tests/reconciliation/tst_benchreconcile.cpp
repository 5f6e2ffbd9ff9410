// `reconsolectl bench reconcile` as the closing note runs it, small: the files it writes have the
// columns issue 12 gives, the engine finds what the generator made, and the pandas peer
// (reconcile_pandas.py) finds the same exact and tolerance counts on the same files.
#include "CtlRunner.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

namespace {
QJsonObject json(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QByteArray firstLine(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readLine() : QByteArray();
}
} // namespace

class TestBenchReconcile : public QObject
{
    Q_OBJECT
private slots:
    void engineAndPandasAgree()
    {
        QTemporaryDir dir;
        const CtlRun bench = ctl({ "bench", "reconcile", "--rows", "30000", "--out", dir.path() }, {}, 120000);
        QVERIFY2(bench.code == 0, qPrintable(bench.err));
        const QJsonObject figures = json(bench.out);
        QCOMPARE(figures.value("rows").toInt(), 30000);
        QCOMPARE(firstLine(dir.filePath("ledger.csv")),
            QByteArray("id,reference,amount_minor,currency,booked_on,description\n"));
        QCOMPARE(firstLine(dir.filePath("transactions.csv")),
            QByteArray("id,reference,amount_minor,currency,booked_on,description,fee_minor,payout_id\n"));

        const QJsonObject generated = figures.value("generated").toObject();
        const QJsonObject matched = figures.value("matched").toObject();
        const QJsonObject unmatched = figures.value("unmatched").toObject();
        // The exact pairs all match exactly; chance pairings may move a few of the others.
        QCOMPARE(matched.value("exact").toInt(), generated.value("exact_pairs").toInt());
        const int close = generated.value("cents_apart_pairs").toInt() + generated.value("days_apart_pairs").toInt();
        QVERIFY2(std::abs(matched.value("tolerance").toInt() - close) <= close / 50, qPrintable(bench.out));
        QVERIFY2(matched.value("fee").toInt() >= generated.value("net_booked_pairs").toInt() * 9 / 10,
            qPrintable(bench.out));
        const int groups = generated.value("payouts").toInt() + generated.value("subset_groups").toInt();
        QVERIFY2(groups > 0 && matched.value("grouped").toInt() >= groups * 8 / 10, qPrintable(bench.out));
        QVERIFY2(unmatched.value("transactions").toInt() >= generated.value("unmatched_transactions").toInt(),
            qPrintable(bench.out));
        QVERIFY2(unmatched.value("ledger").toInt() <= 30000 * 4 / 100, qPrintable(bench.out));
        for (const char *figure : { "load_ms", "match_ms", "peak_rss_mb" })
            QVERIFY2(figures.contains(figure), figure);

        QProcess pandas;
        pandas.start("/usr/bin/python3", { RECONCILE_PANDAS, dir.path() });
        QVERIFY(pandas.waitForFinished(120000));
        QVERIFY2(pandas.exitCode() == 0, pandas.readAllStandardError().constData());
        const QJsonObject peer = json(QString::fromUtf8(pandas.readAllStandardOutput()));
        QCOMPARE(peer.value("matched").toObject().value("exact").toInt(), matched.value("exact").toInt());
        QCOMPARE(peer.value("matched").toObject().value("tolerance").toInt(), matched.value("tolerance").toInt());
    }

    void badRowsAreRefused()
    {
        const CtlRun none = ctl({ "bench", "reconcile", "--rows", "0" });
        QCOMPARE(none.code, 2);
        QVERIFY2(none.err.contains("--rows must be a number"), qPrintable(none.err));
    }

    // The workspace's figures come from the workspace's own models and desk over a real period:
    // every figure is there, the filtered table has its first page, the selected row its line.
    void workspaceBenchPrintsItsFigures()
    {
        const CtlRun bench = ctl({ "bench", "workspace", "--rows", "3000" }, {}, 120000);
        QVERIFY2(bench.code == 0, qPrintable(bench.err));
        const QJsonObject o = json(bench.out);
        for (const char *key :
            { "first_page_ledger_ms", "first_page_statement_ms", "filter_text_ms", "filter_rare_text_ms",
                "filter_amount_ms", "sort_amount_ms", "filter_and_sort_ms", "suggestions_ms", "load_ms" })
            QVERIFY2(o.value(QLatin1String(key)).isDouble(), key);
        QCOMPARE(o.value("rows_per_side").toInt(), 3000);
        QVERIFY(o.value("text_filter_first_page_rows").toInt() > 0);
        QVERIFY(o.value("suggestions").toInt() >= 1);
        QCOMPARE(ctl({ "bench", "workspace", "--rows", "10" }).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestBenchReconcile)
#include "tst_benchreconcile.moc"
