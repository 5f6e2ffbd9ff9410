// CSV statements through the shipped statement presets, on both backends: Stripe's report
// exports as the provider's account (gross, fee, payout, category, the balance transaction as
// identity), bank CSVs with a decimal point or comma; presets keep their CSV options; a CSV
// without a preset is told which presets there are; records import refuses a statement preset.
#include "CtlRunner.h"
#include "TestSupport.h"
#include "access/AccessPolicy.h"
#include "records/ImportPresetStore.h"
#include "records/ImportTarget.h"
#include "records/RecordImport.h"
#include "statements/StatementService.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
QString fixture(const QString &name)
{
    return QStringLiteral(RECONSOLE_FIXTURES "/statements/csv/") + name;
}

const AccessPolicy kFinance({ Role::Finance }, QStringLiteral("fiona@example.com"));
} // namespace

class TestStatementCsv : public QObject
{
    Q_OBJECT
private slots:
    void targetsAreOneTable()
    {
        const ImportTarget *statements = ImportTargets::find(QStringLiteral("statements"));
        QVERIFY(statements);
        QCOMPARE(statements->command, QStringLiteral("import"));
        QVERIFY(statements->field(QStringLiteral("amount"))->required);
        QCOMPARE(statements->field(QStringLiteral("amount"))->kind, FieldKind::MajorUnits);
        QVERIFY(!statements->field(QStringLiteral("fee"))->required);
        // records import reads only its own targets; the rest are other commands'.
        QCOMPARE(RecordImport::targets(), (QStringList { QStringLiteral("customers"), QStringLiteral("payments") }));
        QVERIFY(ImportTargets::names().contains(QStringLiteral("statements")));
        QCOMPARE(RecordImport::fieldsOf(QStringLiteral("payments")).first(), QStringLiteral("id"));

        ImportOptions comma;
        comma.decimalSeparator = QLatin1Char(',');
        QString value = QStringLiteral(" -12,50 ");
        QCOMPARE(
            ImportTargets::check(*statements, *statements->field(QStringLiteral("amount")), value, comma), QString());
        value = QStringLiteral("twelve");
        QCOMPARE(ImportTargets::check(*statements, *statements->field(QStringLiteral("amount")), value, comma),
            QStringLiteral("expected an amount such as -1234,56, got 'twelve'"));
        ImportOptions seconds;
        seconds.dateFormat = QStringLiteral("unix");
        QCOMPARE(seconds.date(QStringLiteral("1678043844")), QDate(2023, 3, 5));
        QVERIFY(!seconds.date(QStringLiteral("2023-03-05")).isValid());
        ImportOptions stamp;
        stamp.dateFormat = QStringLiteral("yyyy-MM-dd HH:mm:ss");
        QCOMPARE(stamp.date(QStringLiteral("2024-03-31 02:30:00")), QDate(2024, 3, 31)); // a DST gap somewhere
        ImportOptions bad;
        bad.dateFormat = QStringLiteral("MM/yy");
        QVERIFY(bad.problem().contains(QLatin1String("does not give a day")));
        bad = comma;
        bad.delimiter = QLatin1Char(',');
        QVERIFY(bad.problem().contains(QLatin1String("cannot also be the delimiter")));
    }

    void presetsKeepTheirOptions_data() { ADD_BACKEND_ROWS(); }
    void presetsKeepTheirOptions()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        ImportPresetStore store(*scratch.db());
        auto shipped = store.all(QStringLiteral("statements"));
        QVERIFY(shipped);
        QStringList names;
        for (const ImportPreset &p : shipped.value())
            names << p.name;
        for (const char *name :
            { "bank-csv", "bank-csv-decimal-comma", "stripe-payout-reconciliation", "stripe-balance-change" })
            QVERIFY2(names.contains(QLatin1String(name)), qPrintable(names.join(QLatin1Char(' '))));

        ImportPreset mine = store.get(QStringLiteral("bank-csv-decimal-comma")).value();
        mine.name = QStringLiteral("sparkasse");
        mine.options.dateFormat = QStringLiteral("dd.MM.yy");
        mine.setColumn(QStringLiteral("booking_date"), QStringLiteral("Buchungstag"));
        QVERIFY(store.save(mine, QStringLiteral("fiona@example.com")));
        const ImportPreset back = store.get(QStringLiteral("sparkasse")).value();
        QCOMPARE(back.options.delimiter, QLatin1Char(';'));
        QCOMPARE(back.options.decimalSeparator, QLatin1Char(','));
        QCOMPARE(back.options.dateFormat, QStringLiteral("dd.MM.yy"));
        QCOMPARE(back.column(QStringLiteral("booking_date")), QStringLiteral("Buchungstag"));
        QVERIFY(!back.shipped);

        ImportPreset jsonl = mine;
        jsonl.format = QStringLiteral("jsonl");
        QVERIFY(!store.save(jsonl, QStringLiteral("fiona@example.com")));
    }

    void stripeReportIsTheProvidersAccount_data() { ADD_BACKEND_ROWS(); }
    void stripeReportIsTheProvidersAccount()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        StatementService service(db, kFinance);
        const QString file = fixture(QStringLiteral("stripe-payout-reconciliation.csv"));
        auto read = service.importFile(
            file, std::nullopt, QStringLiteral("stripe-sandbox"), QStringLiteral("stripe-payout-reconciliation"));
        QVERIFY2(read, qPrintable(read.message()));
        QCOMPARE(read->format, StatementFormat::Csv);
        QCOMPARE(read->stored.linesImported, 4);
        QCOMPARE(read->statements.size(), 1);
        QCOMPARE(read->statements[0].check(), Statement::Check::Unknown); // a CSV has no balances

        auto lines = StatementStore(db).lines(QStringLiteral("stripe-sandbox"));
        QVERIFY(lines);
        QCOMPARE(lines->size(), 4);
        const StatementLine &charge = lines->at(0);
        QCOMPARE(charge.identity, QStringLiteral("bank:stripe-sandbox:txn_1PayA001"));
        QCOMPARE(charge.signedMinor(), 2599);
        QCOMPARE(charge.feeMinor, 105);
        QCOMPARE(charge.currency, QStringLiteral("EUR"));
        QCOMPARE(charge.payoutId, QStringLiteral("po_1PayoutMarch04"));
        QCOMPARE(charge.category, QStringLiteral("charge"));
        QCOMPARE(charge.bookingDate, QDate(2024, 3, 1));
        QCOMPARE(charge.valueDate, QDate(2024, 3, 3));
        QCOMPARE(charge.references, QStringList { QStringLiteral("ch_3PayA001") });
        QCOMPARE(charge.description, QStringLiteral("Order 1001, two items"));
        QCOMPARE(lines->at(1).signedMinor(), -1000);
        QCOMPARE(lines->at(1).direction, Direction::Debit);
        QCOMPARE(lines->at(2).currency, QStringLiteral("JPY"));
        QCOMPARE(lines->at(2).signedMinor(), 2700); // exponent 0: 2700 yen
        QCOMPARE(lines->at(2).exponent, 0);
        QCOMPARE(lines->at(3).category, QStringLiteral("payout"));

        auto again = service.importFile(
            file, std::nullopt, QStringLiteral("stripe-sandbox"), QStringLiteral("stripe-payout-reconciliation"));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->stored.linesImported, 0);
        QCOMPARE(again->stored.duplicatesSkipped, 4);

        auto balance = service.importFile(fixture(QStringLiteral("stripe-balance-change.csv")), std::nullopt,
            QStringLiteral("stripe-sandbox"), QStringLiteral("stripe-balance-change"));
        QVERIFY2(balance, qPrintable(balance.message()));
        QCOMPARE(balance->stored.linesImported, 2);
        QCOMPARE(StatementStore(db).lineCount().value(), 6);
    }

    void bankCsvWithPointOrComma_data() { ADD_BACKEND_ROWS(); }
    void bankCsvWithPointOrComma()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        StatementService service(db, kFinance);
        auto plain = service.importFile(fixture(QStringLiteral("bank.csv")), StatementFormat::Csv,
            QStringLiteral("DE89370400440532013000"), QStringLiteral("bank-csv"));
        QVERIFY2(plain, qPrintable(plain.message()));
        QCOMPARE(plain->stored.linesImported, 3);
        // The same three lines as another bank writes them, into another account: the same amounts.
        auto comma = service.importFile(fixture(QStringLiteral("bank-decimal-comma.csv")), StatementFormat::Csv,
            QStringLiteral("DE02120300000000202051"), QStringLiteral("bank-csv-decimal-comma"));
        QVERIFY2(comma, qPrintable(comma.message()));
        QCOMPARE(comma->stored.linesImported, 3);
        const auto a = StatementStore(db).lines(QStringLiteral("DE89370400440532013000")).value();
        const auto b = StatementStore(db).lines(QStringLiteral("DE02120300000000202051")).value();
        QCOMPARE(b.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(b[i].signedMinor(), a[i].signedMinor());
            QCOMPARE(b[i].bookingDate, a[i].bookingDate);
        }
        QCOMPARE(a[0].signedMinor(), 125000);
        QCOMPARE(b[1].counterpartyName, QStringLiteral("Bürobedarf Müller"));
        QCOMPARE(b[2].description, QStringLiteral("STRIPE; AUSZAHLUNG"));
        QVERIFY(a[0].identity.startsWith(QLatin1String("sha256:"))); // no bank id: the documented hash
    }

    void csvNeedsAPresetAndAnAccount()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        StatementService service(*scratch.db(), kFinance);
        auto guessed = service.importFile(fixture(QStringLiteral("bank.csv")));
        QVERIFY(!guessed);
        QVERIFY2(guessed.message().contains(QLatin1String("bank.csv is not a camt.053, MT940 or OFX statement")),
            qPrintable(guessed.message()));
        QVERIFY2(guessed.message().contains(QLatin1String("--preset NAME")), qPrintable(guessed.message()));
        QVERIFY2(guessed.message().contains(QLatin1String("bank-csv-decimal-comma")), qPrintable(guessed.message()));
        auto noPreset = service.importFile(fixture(QStringLiteral("bank.csv")), StatementFormat::Csv);
        QVERIFY(!noPreset);
        QVERIFY2(noPreset.message().contains(QLatin1String("needs --preset")), qPrintable(noPreset.message()));
        auto noAccount
            = service.importFile(fixture(QStringLiteral("bank.csv")), std::nullopt, {}, QStringLiteral("bank-csv"));
        QVERIFY(!noAccount);
        QVERIFY2(
            noAccount.message().contains(QLatin1String("give it with --account")), qPrintable(noAccount.message()));
        auto customers = service.importFile(fixture(QStringLiteral("bank.csv")), std::nullopt, QStringLiteral("A"),
            QStringLiteral("customers-default"));
        QVERIFY(!customers);
        QVERIFY2(customers.message().contains(QLatin1String("imports customers, not statements")),
            qPrintable(customers.message()));
        auto wrongPreset = service.importFile(fixture(QStringLiteral("bank.csv")), std::nullopt, QStringLiteral("A"),
            QStringLiteral("stripe-payout-reconciliation"));
        QVERIFY(!wrongPreset);
        QVERIFY2(wrongPreset.message().contains(QLatin1String("bank.csv line 1: expected a column 'created_utc'")),
            qPrintable(wrongPreset.message()));
        QCOMPARE(StatementStore(*scratch.db()).lineCount().value(), 0);
    }

    void recordsImportRefusesAStatementPreset()
    {
        ImportPreset bank;
        for (const ImportPreset &p : ImportPreset::shippedPresets()) {
            if (p.name == QLatin1String("bank-csv"))
                bank = p;
        }
        QCOMPARE(bank.target, QStringLiteral("statements"));
        QBuffer in;
        in.setData("date,amount,currency\n2024-03-01,1.00,EUR\n");
        QVERIFY(in.open(QIODevice::ReadOnly));
        const ImportFile file = RecordImport::read(in, QStringLiteral("bank.csv"), bank, {});
        QVERIFY(!file.ok());
        QVERIFY2(file.problemText().contains(QLatin1String(
                     "bank.csv cannot be imported as our records with preset bank-csv: it is for statements, which "
                     "reconsolectl import reads")),
            qPrintable(file.problemText()));
        QVERIFY(file.rows.isEmpty());
    }

    void fromTheCommandLine()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("finance.sqlite"));
        QCOMPARE(ctl({ QStringLiteral("migrate"), QStringLiteral("--database"), db }).code, 0);
        const CtlRun json = ctl({ QStringLiteral("import"), fixture(QStringLiteral("stripe-payout-reconciliation.csv")),
            QStringLiteral("--preset"), QStringLiteral("stripe-payout-reconciliation"), QStringLiteral("--account"),
            QStringLiteral("stripe-sandbox"), QStringLiteral("--json"), QStringLiteral("--database"), db });
        QVERIFY2(json.code == 0, qPrintable(json.err));
        const QJsonObject o = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("lines_imported")).toInt(), 4);
        QCOMPARE(o.value(QStringLiteral("format")).toString(), QStringLiteral("csv"));
        const QJsonObject s = o.value(QStringLiteral("statements")).toArray()[0].toObject();
        QCOMPARE(s.value(QStringLiteral("account")).toString(), QStringLiteral("stripe-sandbox"));
        QCOMPARE(s.value(QStringLiteral("lines")).toInt(), 4);
        QVERIFY(s.value(QStringLiteral("balanced")).isBool());
        QVERIFY(!s.value(QStringLiteral("balanced")).toBool());
        QVERIFY(s.value(QStringLiteral("opening")).isNull());

        const CtlRun text = ctl(
            { QStringLiteral("import"), fixture(QStringLiteral("bank-decimal-comma.csv")), QStringLiteral("--format"),
                QStringLiteral("csv"), QStringLiteral("--preset"), QStringLiteral("bank-csv-decimal-comma"),
                QStringLiteral("--account"), QStringLiteral("DE02"), QStringLiteral("--database"), db });
        QVERIFY2(text.code == 0, qPrintable(text.err));
        QVERIFY2(
            text.out.contains(QLatin1String("(csv, preset bank-csv-decimal-comma): 1 statement, 3 lines imported")),
            qPrintable(text.out));
        QVERIFY2(text.out.contains(QLatin1String("cannot be checked: the file has no balances")), qPrintable(text.out));

        const CtlRun noPreset
            = ctl({ QStringLiteral("import"), fixture(QStringLiteral("bank.csv")), QStringLiteral("--database"), db });
        QCOMPARE(noPreset.code, 1);
        QVERIFY2(noPreset.err.contains(QLatin1String("stripe-payout-reconciliation")), qPrintable(noPreset.err));

        const CtlRun records = ctl({ QStringLiteral("records"), QStringLiteral("import"), QStringLiteral("customers"),
            fixture(QStringLiteral("bank.csv")), QStringLiteral("--preset"), QStringLiteral("bank-csv"),
            QStringLiteral("--database"), db });
        QVERIFY(records.code != 0);
        QVERIFY2(records.err.contains(QLatin1String("bank-csv imports statements")), qPrintable(records.err));
    }
};

QTEST_GUILESS_MAIN(TestStatementCsv)
#include "tst_statementcsv.moc"
