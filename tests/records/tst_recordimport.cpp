// Importing our side of the record diff from files: CSV and JSON Lines read through named
// presets, all or nothing with bad rows named by line and column, idempotent re-imports, every
// external id kept, imported rows diffable like the demo's — through the service on both
// backends, through reconsolectl as a process, and through the Diff workspace's dialog.
#include "CtlRunner.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "core/CsvReader.h"
#include "records/CustomerStore.h"
#include "records/DiffWorkspace.h"
#include "records/ImportPresetStore.h"
#include "records/RecordImport.h"
#include "records/RecordImportDialog.h"
#include "records/RecordService.h"
#include "shell/Prompts.h"

#include <QAbstractButton>
#include <QBuffer>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

namespace {
QString fixture(const QString &name)
{
    return QStringLiteral(RECONSOLE_FIXTURES "/records/") + name;
}

RecordImportRequest request(
    RecordService &records, const QString &target, const QString &path, const QString &preset = {}, bool dryRun = false)
{
    RecordImportRequest r;
    r.path = path;
    r.preset = records.importPreset(preset.isEmpty() ? ImportPreset::defaultName(target) : preset).value();
    r.dryRun = dryRun;
    return r;
}

Result<RecordComparison> compareNow(
    RecordService &service, const QString &type, const QString &id, const QString &provider = {})
{
    std::optional<Result<RecordComparison>> result;
    service.compare(type, id, provider, [&](Result<RecordComparison> r) { result = r; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 15000); // no answer: the caller sees the failure below
    return result.value_or(failure(ErrorClass::Server, QStringLiteral("no answer within 15 s")));
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
        return {};
    return f.fileName();
}

QList<QStringList> readCsv(const QByteArray &text, QList<int> *lines = nullptr, QString *error = nullptr)
{
    QBuffer buffer;
    buffer.setData(text);
    buffer.open(QIODevice::ReadOnly);
    CsvReader csv(buffer);
    QList<QStringList> records;
    QStringList fields;
    while (csv.next(fields)) {
        records << fields;
        if (lines)
            *lines << csv.line();
    }
    if (error)
        *error = csv.error().isEmpty() ? QString() : QStringLiteral("line %1 %2").arg(csv.line()).arg(csv.error());
    return records;
}

int countOf(const Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    return q.exec(sql) && q.next() ? q.value(0).toInt() : -1;
}

// The combo box that picks the file's column for one of our fields, found by its row.
QComboBox *columnFor(RecordImportDialog *dialog, const QString &field)
{
    auto *table = dialog->findChild<QTableWidget *>(QStringLiteral("recordImportMapping"));
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString shown = table->item(row, RecordImportDialog::OurField)->text();
        if (shown == field || shown == field + QStringLiteral(" *"))
            return qobject_cast<QComboBox *>(table->cellWidget(row, RecordImportDialog::FileColumn));
    }
    return nullptr;
}

// As a person picks one: the dialog hears `activated`, not a programmatic index change.
bool pick(RecordImportDialog *dialog, const QString &field, const QString &column)
{
    QComboBox *combo = columnFor(dialog, field);
    const int index = combo ? combo->findData(column) : -1;
    if (index < 0)
        return false;
    combo->setCurrentIndex(index);
    Q_EMIT combo->activated(index);
    return true;
}

// With RECONSOLE_SCREENSHOT_DIR set (under Xvfb), the dialog as it looks at this step.
void screenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("RECONSOLE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(widget->grab().save(QDir(dir).filePath(name)));
}

int importAudits(const Database &db)
{
    return countOf(db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'records.import'"));
}
} // namespace

class TestRecordImport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void csvReader()
    {
        QList<int> lines;
        // A byte-order mark, CRLF, quotes with the delimiter, doubled quotes and a line break inside.
        const auto records = readCsv(
            "\xEF\xBB\xBFid,name\r\n1,\"Lee, Ann\"\r\n\r\n2,\"O\"\"Brien\"\r\n3,\"two\r\nlines\"\r\n4,last", &lines);
        QCOMPARE(records.size(), 5);
        QCOMPARE(records.at(0), (QStringList { QStringLiteral("id"), QStringLiteral("name") }));
        QCOMPARE(records.at(1).at(1), QStringLiteral("Lee, Ann"));
        QCOMPARE(records.at(2).at(1), QStringLiteral("O\"Brien"));
        QCOMPARE(records.at(3).at(1), QStringLiteral("two\nlines"));
        QCOMPARE(records.at(4), (QStringList { QStringLiteral("4"), QStringLiteral("last") }));
        QCOMPARE(lines, (QList<int> { 1, 2, 4, 5, 7 })); // the blank line 3 counts; record 4 spans 5-6

        QString error;
        readCsv("id,name\n1,\"never closed\n2,x\n", nullptr, &error);
        QCOMPARE(error, QStringLiteral("line 2 has a quoted field that is never closed"));
        readCsv("id,name\n1,\"Lee\"x\n", nullptr, &error);
        QVERIFY2(error.startsWith(QStringLiteral("line 2 has text after a closing quote")), qPrintable(error));
        readCsv("id,name\n1,Lee\n2,M\xFC\x6cler\n", nullptr, &error); // Latin-1, not UTF-8
        QCOMPARE(error, QStringLiteral("line 3 is not UTF-8 text (save the file as UTF-8)"));
        // A sequence cut off at the end of the last line is that line's error, not nothing.
        readCsv("id,name\n1,Caf\xE9\n", nullptr, &error);
        QCOMPARE(error, QStringLiteral("line 2 is not UTF-8 text (save the file as UTF-8)"));
        readCsv("id,name\n1,Caf\xE9", nullptr, &error);
        QCOMPARE(error, QStringLiteral("line 2 is not UTF-8 text (save the file as UTF-8)"));
        readCsv(QByteArray("id\n\x01\x00\x02\n", 6), nullptr, &error);
        QCOMPARE(error, QStringLiteral("line 2 holds binary data (a NUL byte), not text"));
    }

    void goodCsv_data() { ADD_BACKEND_ROWS(); }
    void goodCsv()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        QSignalSpy changed(f.records.get(), &RecordService::recordsChanged);
        auto outcome = f.records->importRecords(
            request(*f.records, QStringLiteral("customers"), fixture(QStringLiteral("customers.csv"))));
        QVERIFY2(outcome, qPrintable(outcome.message()));
        QCOMPARE(outcome->summary(), QStringLiteral("4 new, 0 changed, 0 unchanged"));
        CustomerStore customers(db);
        QCOMPARE(customers.count().value(), 4);
        // Quoting, the byte-order mark before the first column's name, UTF-8 and CRLF all read right.
        QCOMPARE(customers.get(QStringLiteral("CUS-9001"))->value(QStringLiteral("email")).toString(),
            QStringLiteral("ann.lee@example.com"));
        QCOMPARE(customers.get(QStringLiteral("CUS-9002"))->value(QStringLiteral("last_name")).toString(),
            QStringLiteral("O\"Brien"));
        QCOMPARE(customers.get(QStringLiteral("CUS-9003"))->value(QStringLiteral("first_name")).toString(),
            QStringLiteral("Chloé"));
        QCOMPARE(customers.get(QStringLiteral("CUS-9003"))->value(QStringLiteral("last_name")).toString(),
            QStringLiteral("Martin, Jr."));
        QCOMPARE(customers.get(QStringLiteral("CUS-9004"))->value(QStringLiteral("phone")).toString(),
            QStringLiteral("+49 30 1000004"));
        QCOMPARE(customers.get(QStringLiteral("CUS-9004"))->value(QStringLiteral("access")).toString(),
            QStringLiteral("basic")); // empty: the default
        QCOMPARE(
            customers
                .externalId(QStringLiteral("customer"), QStringLiteral("CUS-9001"), QStringLiteral("stripe-sandbox"))
                .value(),
            QStringLiteral("cus_ann9001"));
        // Audited as the person who imported, and open workspaces told which records changed.
        const QList<AuditEntry> audit = AuditLog(db).entriesFor(QStringLiteral("records:customers")).value();
        QCOMPARE(audit.size(), 1);
        QCOMPARE(audit.first().actor, QStringLiteral("tester"));
        QCOMPARE(audit.first().reason, QStringLiteral("customers.csv: 4 new, 0 changed, 0 unchanged"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toString(), QStringLiteral("contact"));
        QCOMPARE(changed.first().at(1).toStringList().size(), 4);
    }

    void goodJsonLinesWithSavedPreset_data() { ADD_BACKEND_ROWS(); }
    void goodJsonLinesWithSavedPreset()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        // The shop's export names its columns its own way: mapped once, saved, reused by name.
        ImportPreset preset = f.records->importPreset(QStringLiteral("customers-default")).value();
        preset.name = QStringLiteral("shop-jsonl");
        preset.format = QStringLiteral("jsonl");
        for (const auto &[field, column] :
            ImportPreset::parseMapping(QStringLiteral("id=customer_no,email=mail,first_name=given,last_name=family,"
                                                      "phone=tel,external_id:stripe-sandbox=stripe"))
                .value())
            preset.setColumn(field, column);
        QVERIFY(f.records->saveImportPreset(preset));
        const ImportPreset saved = f.records->importPreset(QStringLiteral("shop-jsonl")).value();
        QCOMPARE(saved.mappingText(), preset.mappingText());
        QCOMPARE(saved.target, QStringLiteral("customers"));
        QCOMPARE(saved.updatedBy, QStringLiteral("tester"));
        QVERIFY(!saved.shipped);
        QCOMPARE(AuditLog(db).entriesFor(QStringLiteral("preset:shop-jsonl"))->size(), 1);
        const auto listed = f.records->importPresets(QStringLiteral("customers")).value();
        QStringList names;
        for (const ImportPreset &p : listed)
            names << p.name;
        QCOMPARE(names, (QStringList { QStringLiteral("customers-default"), QStringLiteral("shop-jsonl") }));

        const QString path = fixture(QStringLiteral("shop-customers.jsonl"));
        auto outcome = f.records->importRecords(request(*f.records, QStringLiteral("customers"), path, saved.name));
        QVERIFY2(outcome, qPrintable(outcome.message()));
        QCOMPARE(outcome->summary(), QStringLiteral("3 new, 0 changed, 0 unchanged"));
        QCOMPARE(outcome->changes.first(), QStringLiteral("CUS-9101 (line 1): new"));
        QCOMPARE(outcome->changes.at(1), QStringLiteral("CUS-9102 (line 3): new")); // line 2 is blank
        const QJsonObject hans = CustomerStore(db).get(QStringLiteral("CUS-9103")).value();
        QCOMPARE(hans.value(QStringLiteral("last_name")).toString(), QStringLiteral("Weber"));
        QCOMPARE(hans.value(QStringLiteral("phone")).toString(), QString()); // null
        QCOMPARE(
            CustomerStore(db)
                .externalId(QStringLiteral("customer"), QStringLiteral("CUS-9102"), QStringLiteral("stripe-sandbox"))
                .value(),
            QStringLiteral("cus_gina"));
        // Without the preset the file has none of our columns: named, nothing imported.
        auto unmapped = f.records->importRecords(request(*f.records, QStringLiteral("customers"), path));
        QVERIFY(!unmapped);
        QVERIFY2(unmapped.message().startsWith(QStringLiteral("shop-customers.jsonl: nothing gives our field id")),
            qPrintable(unmapped.message()));
    }

    void badRowImportsNothing_data() { ADD_BACKEND_ROWS(); }
    void badRowImportsNothing()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        QSignalSpy changed(f.records.get(), &RecordService::recordsChanged);
        auto refused = f.records->importRecords(
            request(*f.records, QStringLiteral("customers"), fixture(QStringLiteral("customers-bad.csv"))));
        QVERIFY(!refused);
        QCOMPARE(refused.error().errorClass, ErrorClass::Input);
        QCOMPARE(refused.message(),
            QStringLiteral("customers-bad.csv line 4, column email: expected an e-mail address, got 'bob@'\n"
                           "customers-bad.csv line 5, column access: expected basic or premium, got 'gold'\n"
                           "Nothing was imported."));
        QCOMPARE(CustomerStore(db).count().value(), 0); // the good lines 2 and 3 neither
        QCOMPARE(importAudits(db), 0);
        QCOMPARE(changed.size(), 0);

        // What only the database can tell is named the same way, and also rolls back the rows before it.
        EXPECT_OK(CustomerStore(db).upsert(
            QStringLiteral("CUS-1"), { { QStringLiteral("email"), QStringLiteral("a@example.com") } }));
        EXPECT_OK(CustomerStore(db).linkExternal(QStringLiteral("customer"), QStringLiteral("CUS-1"),
            QStringLiteral("stripe-sandbox"), QStringLiteral("cus_taken")));
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("clash.csv"),
            "id,email,stripe\nCUS-2,b@example.com,cus_new\nCUS-3,c@example.com,cus_taken\n");
        RecordImportRequest clash = request(*f.records, QStringLiteral("customers"), path);
        clash.preset.setColumn(QStringLiteral("external_id:stripe-sandbox"), QStringLiteral("stripe"));
        refused = f.records->importRecords(clash);
        QVERIFY(!refused);
        QCOMPARE(refused.message().section(QLatin1Char('\n'), 0, 0),
            QStringLiteral("clash.csv line 3, column stripe: expected an id no other customer of ours has at "
                           "stripe-sandbox, got 'cus_taken' (customer CUS-1 has it)"));
        QCOMPARE(CustomerStore(db).count().value(), 1);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM external_ids")), 1);

        // A file that is no CSV of ours: binary data, a short row, an unknown provider's column.
        const QString binary
            = writeFile(dir, QStringLiteral("binary.csv"), QByteArray("id,email\n\x7f\x45LF\x00\x01", 14));
        QCOMPARE(f.records->importRecords(request(*f.records, QStringLiteral("customers"), binary)).message(),
            QStringLiteral("binary.csv line 2 holds binary data (a NUL byte), not text\nNothing was imported."));
        const QString shortRow = writeFile(dir, QStringLiteral("short.csv"), "id,email\nCUS-5\n");
        QCOMPARE(f.records->importRecords(request(*f.records, QStringLiteral("customers"), shortRow)).message(),
            QStringLiteral("short.csv line 2: expected 2 fields as the header has, got 1\nNothing was imported."));
        const QString unknown
            = writeFile(dir, QStringLiteral("unknown.csv"), "id,email,external_id:nowhere\nCUS-6,d@example.com,x\n");
        QVERIFY2(
            f.records->importRecords(request(*f.records, QStringLiteral("customers"), unknown))
                .message()
                .startsWith(QStringLiteral("unknown.csv line 1, column external_id:nowhere: expected "
                                           "external_id:<provider> naming one of the providers (stripe-sandbox) our")),
            "an unknown provider's column is named");
        // JSON Lines: a line that is no object, and a key holding an object where text belongs.
        const QString jsonl = writeFile(dir, QStringLiteral("bad.jsonl"),
            "{\"id\": \"CUS-7\", \"email\": \"e@example.com\"}\n{\"id\": \"CUS-8\", \"email\": }\n"
            "{\"id\": \"CUS-9\", \"email\": {\"work\": \"f@example.com\"}}\n");
        const QStringList lines = f.records->importRecords(request(*f.records, QStringLiteral("customers"), jsonl))
                                      .message()
                                      .split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("bad.jsonl line 2 is not one JSON object (")),
            qPrintable(lines.at(0)));
        QCOMPARE(lines.at(1),
            QStringLiteral("bad.jsonl line 3, column email: expected text or a number, got an object or a list"));
        QCOMPARE(CustomerStore(db).count().value(), 1);
    }

    void reimportChangesNothing_data() { ADD_BACKEND_ROWS(); }
    void reimportChangesNothing()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        const QString path = fixture(QStringLiteral("customers.csv"));
        QVERIFY(f.records->importRecords(request(*f.records, QStringLiteral("customers"), path)));
        const int stamps = countOf(db, QStringLiteral("SELECT SUM(updated_at) % 1000000007 FROM customers"));
        QTest::qWait(5); // a rewrite would stamp a later time
        QSignalSpy changed(f.records.get(), &RecordService::recordsChanged);
        auto again = f.records->importRecords(request(*f.records, QStringLiteral("customers"), path));
        QVERIFY2(again, qPrintable(again.message()));
        QCOMPARE(again->summary(), QStringLiteral("0 new, 0 changed, 4 unchanged"));
        QVERIFY(again->changes.isEmpty());
        QCOMPARE(countOf(db, QStringLiteral("SELECT SUM(updated_at) % 1000000007 FROM customers")), stamps);
        QCOMPARE(changed.size(), 0); // nothing for the workspaces to read again
    }

    void changedRowUpdatesAndDryRun_data() { ADD_BACKEND_ROWS(); }
    void changedRowUpdatesAndDryRun()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        QVERIFY(f.records->importRecords(
            request(*f.records, QStringLiteral("customers"), fixture(QStringLiteral("customers.csv")))));
        const QString changedPath = fixture(QStringLiteral("customers-changed.csv"));
        // A dry run says exactly what the import would do and leaves everything as it was.
        auto dry = f.records->importRecords(request(*f.records, QStringLiteral("customers"), changedPath, {}, true));
        QVERIFY2(dry, qPrintable(dry.message()));
        QCOMPARE(dry->summary(), QStringLiteral("1 new, 1 changed, 3 unchanged"));
        QCOMPARE(CustomerStore(db).count().value(), 4);
        QCOMPARE(importAudits(db), 1);

        QSignalSpy changed(f.records.get(), &RecordService::recordsChanged);
        auto outcome = f.records->importRecords(request(*f.records, QStringLiteral("customers"), changedPath));
        QVERIFY2(outcome, qPrintable(outcome.message()));
        QCOMPARE(outcome->summary(), QStringLiteral("1 new, 1 changed, 3 unchanged"));
        QCOMPARE(outcome->changes,
            (QStringList { QStringLiteral("CUS-9002 (line 3): phone '+49 30 1000002' → '+49 30 2222222'"),
                QStringLiteral("CUS-9005 (line 6): new") }));
        QCOMPARE(CustomerStore(db).get(QStringLiteral("CUS-9002"))->value(QStringLiteral("phone")).toString(),
            QStringLiteral("+49 30 2222222"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(1).toStringList(),
            (QStringList { QStringLiteral("CUS-9002"), QStringLiteral("CUS-9005") }));
        QCOMPARE(importAudits(db), 2);
    }

    void externalIdsKeptAndDiffable_data() { ADD_BACKEND_ROWS(); }
    void externalIdsKeptAndDiffable()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        // The CRM knows Ann by its own id, with another phone number than ours.
        const QString contact
            = f.sandbox.crm().addContact({ { QStringLiteral("email"), QStringLiteral("ann.lee@example.com") },
                { QStringLiteral("firstname"), QStringLiteral("Ann") },
                { QStringLiteral("lastname"), QStringLiteral("Lee") },
                { QStringLiteral("phone"), QStringLiteral("+49 170 999") },
                { QStringLiteral("reconsole_access"), QStringLiteral("basic") } });
        QTemporaryDir dir;
        // First the CRM's id alone, then a file with only Stripe's: both stay.
        const QString crmFile = writeFile(dir, QStringLiteral("crm.csv"),
            QStringLiteral("id,email,first_name,last_name,phone,external_id:crm-sandbox\n"
                           "CUS-9001,ann.lee@example.com,Ann,Lee,+49 30 1000001,%1\n")
                .arg(contact)
                .toUtf8());
        QVERIFY(f.records->importRecords(request(*f.records, QStringLiteral("customers"), crmFile)));
        auto outcome = f.records->importRecords(
            request(*f.records, QStringLiteral("customers"), fixture(QStringLiteral("customers.csv"))));
        QVERIFY2(outcome, qPrintable(outcome.message()));
        QCOMPARE(outcome->changes.first(),
            QStringLiteral("CUS-9001 (line 2): external_id:stripe-sandbox '' → 'cus_ann9001'"));
        CustomerStore customers(db);
        QCOMPARE(
            customers.externalId(QStringLiteral("customer"), QStringLiteral("CUS-9001"), QStringLiteral("crm-sandbox"))
                .value(),
            contact);
        QCOMPARE(
            customers
                .externalId(QStringLiteral("customer"), QStringLiteral("CUS-9001"), QStringLiteral("stripe-sandbox"))
                .value(),
            QStringLiteral("cus_ann9001"));

        // Diffable as a demo row is: found by our id, the CRM's object fetched over HTTP.
        auto c = compareNow(
            *f.records, QStringLiteral("contact"), QStringLiteral("CUS-9001"), QStringLiteral("crm-sandbox"));
        QVERIFY2(c, qPrintable(c.message()));
        QCOMPARE(c->ours.externalId, contact);
        const FieldDiff *phone = c->field(QStringLiteral("phone"));
        QVERIFY(phone);
        QCOMPARE(phone->ours.toString(), QStringLiteral("+49 30 1000001"));
        QCOMPARE(phone->provider.toString(), QStringLiteral("+49 170 999"));
        QCOMPARE(phone->verdict, FieldDiff::Verdict::OursIsWrong);
        QCOMPARE(c->differing(), 1);
    }

    void paymentsImportedAsOurOperations_data() { ADD_BACKEND_ROWS(); }
    void paymentsImportedAsOurOperations()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db); // a CRM's ids cannot be a payment's
        const QString path = fixture(QStringLiteral("payments.csv"));
        QSignalSpy operations(f.records.get(), &RecordService::operationsChanged);
        auto outcome = f.records->importRecords(request(*f.records, QStringLiteral("payments"), path));
        QVERIFY2(outcome, qPrintable(outcome.message()));
        QCOMPARE(outcome->summary(), QStringLiteral("3 new, 0 changed, 0 unchanged"));
        QCOMPARE(operations.size(), 1);
        QCOMPARE(operations.first().at(0).value<QList<qint64>>().size(), 3);
        const Operation first
            = OperationStore(db)
                  .byExternalIds(QStringLiteral("stripe-sandbox"), { QStringLiteral("pi_import7001") })
                  ->first();
        QCOMPARE(first.entityId, QStringLiteral("ORD-7001"));
        QCOMPARE(first.state, OperationState::Succeeded);
        QCOMPARE(first.payload.value(QStringLiteral("amount")).toInteger(), 2599);
        QCOMPARE(first.payload.value(QStringLiteral("currency")).toString(), QStringLiteral("eur"));
        QCOMPARE(first.attempts, 0); // nothing was sent: the backend made it
        QCOMPARE(OperationStore(db).byIdempotencyKey(QStringLiteral("import-stripe-sandbox-ORD-7003"))->state,
            OperationState::FailedPermanent);
        QCOMPARE(f.records->importRecords(request(*f.records, QStringLiteral("payments"), path))->summary(),
            QStringLiteral("0 new, 0 changed, 3 unchanged"));

        // The provider's copy differs in amount: the diff, found by our order id, says so.
        f.sandbox.importPaymentIntent({ { QStringLiteral("id"), QStringLiteral("pi_import7001") },
            { QStringLiteral("object"), QStringLiteral("payment_intent") }, { QStringLiteral("amount"), 2699 },
            { QStringLiteral("currency"), QStringLiteral("eur") },
            { QStringLiteral("status"), QStringLiteral("succeeded") },
            { QStringLiteral("description"), QStringLiteral("Order ORD-7001") } });
        auto c = compareNow(*f.records, QStringLiteral("payment"), QStringLiteral("ORD-7001"));
        QVERIFY2(c, qPrintable(c.message()));
        QCOMPARE(c->ours.entityId, QString::number(first.id));
        QCOMPARE(c->field(QStringLiteral("amount"))->verdict, FieldDiff::Verdict::OursIsWrong);
        QCOMPARE(c->field(QStringLiteral("status"))->verdict, FieldDiff::Verdict::InSync);

        // A changed file corrects what we recorded; a status off the state machine's edges is refused by line.
        QTemporaryDir dir;
        const QString changed = writeFile(dir, QStringLiteral("payments.csv"),
            "id,amount,currency,status,description,external_id:stripe-sandbox\n"
            "ORD-7001,2699,eur,succeeded,Order ORD-7001,pi_import7001\n"
            "ORD-7003,990,eur,succeeded,Order ORD-7003,pi_import7003\n");
        outcome = f.records->importRecords(request(*f.records, QStringLiteral("payments"), changed));
        QVERIFY2(outcome, qPrintable(outcome.message()));
        QCOMPARE(outcome->changes,
            (QStringList { QStringLiteral("ORD-7001 (line 2): amount '2599' → '2699'"),
                QStringLiteral("ORD-7003 (line 3): status 'failed' → 'succeeded'") }));
        QCOMPARE(OperationStore(db).get(first.id)->payload.value(QStringLiteral("amount")).toInteger(), 2699);
        const QString backwards = writeFile(dir, QStringLiteral("backwards.csv"),
            "id,amount,currency,status,external_id:stripe-sandbox\nORD-7002,1250,eur,failed,pi_import7002\n");
        auto refused = f.records->importRecords(request(*f.records, QStringLiteral("payments"), backwards));
        QVERIFY(!refused);
        QVERIFY2(
            refused.message().startsWith(QStringLiteral(
                "backwards.csv line 2, column status: expected a status payment ORD-7002 can take from succeeded")),
            qPrintable(refused.message()));
        const QString crmIds = writeFile(
            dir, QStringLiteral("crm.csv"), "id,amount,currency,external_id:crm-sandbox\nORD-9,100,eur,123\n");
        QVERIFY2(
            f.records->importRecords(request(*f.records, QStringLiteral("payments"), crmIds))
                .message()
                .startsWith(QStringLiteral("crm.csv line 1, column external_id:crm-sandbox: expected "
                                           "external_id:<provider> naming one of the providers (stripe-sandbox) our")),
            "a CRM is no payments provider");
    }

    void refusedWithoutTheSupportRole()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db, 1500, { Role::Finance });
        f.addCrm(db);
        const RecordImportRequest r
            = request(*f.records, QStringLiteral("customers"), fixture(QStringLiteral("customers.csv")));
        auto refused = f.records->importRecords(r);
        QVERIFY(!refused);
        QCOMPARE(refused.error().errorClass, ErrorClass::Auth);
        QCOMPARE(CustomerStore(db).count().value(), 0);
        QCOMPARE(AuditLog(db).entriesFor(QStringLiteral("records:customers"))->last().action,
            QStringLiteral("records.import.refused"));
        RecordImportRequest dry = r;
        dry.dryRun = true; // looking changes nothing, so anyone may
        QCOMPARE(f.records->importRecords(dry)->summary(), QStringLiteral("4 new, 0 changed, 0 unchanged"));
        QCOMPARE(CustomerStore(db).count().value(), 0);
    }

    void fromTheCommandLine()
    {
        QTemporaryDir dir;
        const QString dbPath = dir.filePath(QStringLiteral("ctl.db"));
        QCOMPARE(ctl({ QStringLiteral("migrate"), QStringLiteral("--database"), dbPath }).code, 0);
        {
            auto db = Database::open(dbPath);
            QVERIFY2(db, qPrintable(db.message()));
            EXPECT_OK(ProviderStore(*db.value())
                          .upsert(ProviderConfig { QStringLiteral("stripe-sandbox"), QStringLiteral("payments"),
                              QStringLiteral("Stripe"), QStringLiteral("http://127.0.0.1:1"), {}, 10, 10, 1000 }));
            EXPECT_OK(ProviderStore(*db.value())
                          .upsert(ProviderConfig { QStringLiteral("crm-sandbox"), QStringLiteral("crm"),
                              QStringLiteral("CRM"), QStringLiteral("http://127.0.0.1:1"), {}, 10, 10, 1000 }));
        }
        const QStringList on { QStringLiteral("--database"), dbPath };
        auto import = [&](const QStringList &args) {
            return ctl(QStringList { QStringLiteral("records"), QStringLiteral("import") } + args + on);
        };
        CtlRun run = import({ QStringLiteral("customers"), fixture(QStringLiteral("customers.csv")) });
        QVERIFY2(run.code == 0, qPrintable(run.err));
        QVERIFY2(
            run.out.endsWith(QStringLiteral("customers.csv: 4 new, 0 changed, 0 unchanged\n")), qPrintable(run.out));
        run = import({ QStringLiteral("customers"), fixture(QStringLiteral("customers.csv")) });
        QCOMPARE(run.out, QStringLiteral("customers.csv: 0 new, 0 changed, 4 unchanged\n"));
        run = import({ QStringLiteral("customers"), fixture(QStringLiteral("customers-changed.csv")),
            QStringLiteral("--dry-run") });
        QVERIFY2(run.out.endsWith(QStringLiteral(
                     "customers-changed.csv: 1 new, 1 changed, 3 unchanged (dry run: nothing was changed)\n")),
            qPrintable(run.out));
        run = import({ QStringLiteral("customers"), fixture(QStringLiteral("customers-bad.csv")) });
        QCOMPARE(run.code, 1);
        QVERIFY2(run.err.contains(
                     QStringLiteral("customers-bad.csv line 4, column email: expected an e-mail address, got 'bob@'")),
            qPrintable(run.err));
        QVERIFY(run.err.contains(QStringLiteral("Nothing was imported.")));

        // --map over the default, saved with --save-preset, reused with --preset.
        run = import({ QStringLiteral("customers"), fixture(QStringLiteral("shop-customers.jsonl")),
            QStringLiteral("--map"), QStringLiteral("id=customer_no,email=mail,first_name=given,last_name=family"),
            QStringLiteral("--map"), QStringLiteral("phone=tel,external_id:stripe-sandbox=stripe"),
            QStringLiteral("--save-preset"), QStringLiteral("shop"), QStringLiteral("--json") });
        QVERIFY2(run.code == 0, qPrintable(run.err));
        const QJsonObject json = QJsonDocument::fromJson(run.out.toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("new")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("customers"));
        run = import({ QStringLiteral("customers"), fixture(QStringLiteral("shop-customers.jsonl")),
            QStringLiteral("--preset"), QStringLiteral("shop") });
        QCOMPARE(run.out, QStringLiteral("shop-customers.jsonl: 0 new, 0 changed, 3 unchanged\n"));
        run = ctl(QStringList { QStringLiteral("records"), QStringLiteral("presets"), QStringLiteral("list") } + on);
        QCOMPARE(run.code, 0);
        const QRegularExpression shop(QStringLiteral("^shop +customers +jsonl +id=customer_no,email=mail,"
                                                     "first_name=given,last_name=family,phone=tel,"
                                                     "external_id:stripe-sandbox=stripe  \\(.+, 20\\d\\d-"),
            QRegularExpression::MultilineOption);
        QVERIFY2(run.out.contains(shop), qPrintable(run.out));
        QVERIFY(run.out.contains(QStringLiteral("payments-default")));

        run = import({ QStringLiteral("payments"), fixture(QStringLiteral("payments.csv")) });
        QVERIFY2(
            run.out.endsWith(QStringLiteral("payments.csv: 3 new, 0 changed, 0 unchanged\n")), qPrintable(run.err));
        run = import({ QStringLiteral("orders"), fixture(QStringLiteral("payments.csv")) });
        QCOMPARE(run.code, 2);
        QVERIFY2(run.err.contains(QStringLiteral("the kinds are customers, payments")), qPrintable(run.err));
    }

    void importFromTheDiffWorkspace()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        DiffWorkspace workspace(*f.registry, *f.records);
        workspace.resize(1200, 800);
        workspace.show();
        QSignalSpy messages(&workspace, &DiffWorkspace::message);
        QSignalSpy changed(f.records.get(), &RecordService::recordsChanged);

        QTest::mouseClick(
            workspace.findChild<QAbstractButton *>(QStringLiteral("importRecordsButton")), Qt::LeftButton);
        RecordImportDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = workspace.findChild<RecordImportDialog *>(QStringLiteral("recordImportDialog"))));
        QTRY_VERIFY(dialog->isVisible());
        auto *problems = dialog->findChild<QListWidget *>(QStringLiteral("recordImportProblems"));
        auto *preview = dialog->findChild<QTableWidget *>(QStringLiteral("recordImportPreview"));
        auto *result = dialog->findChild<QLabel *>(QStringLiteral("recordImportResult"));
        auto *run = dialog->findChild<QPushButton *>(QStringLiteral("recordImportRun"));
        auto *presets = dialog->findChild<QComboBox *>(QStringLiteral("recordImportPreset"));
        QCOMPARE(presets->currentData().toString(), QStringLiteral("customers-default"));
        auto choose = [&](const QString &path) {
            Prompts::setTestHooks({ [path](const QString &) { return path; }, {} });
            QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("recordImportBrowse")), Qt::LeftButton);
            Prompts::setTestHooks({});
        };

        // A bad file: every problem named by line and column, nothing to import.
        choose(fixture(QStringLiteral("customers-bad.csv")));
        QCOMPARE(problems->count(), 2);
        QCOMPARE(problems->item(0)->text(),
            QStringLiteral("customers-bad.csv line 4, column email: expected an e-mail address, got 'bob@'"));
        QCOMPARE(problems->item(1)->text(),
            QStringLiteral("customers-bad.csv line 5, column access: expected basic or premium, got 'gold'"));
        QVERIFY(!run->isEnabled());
        // The preview shows the refused value where the file has it, with what was expected.
        QCOMPARE(preview->verticalHeaderItem(2)->text(), QStringLiteral("4"));
        QCOMPARE(preview->item(2, 1)->text(), QStringLiteral("bob@"));
        QCOMPARE(preview->item(2, 1)->toolTip(), QStringLiteral("expected an e-mail address, got 'bob@'"));
        QVERIFY(preview->item(1, 1)->toolTip().isEmpty());
        screenshot(dialog, QStringLiteral("record-import-problems.png"));

        // The shop's JSON Lines name their keys their own way: mapped from the file's keys.
        choose(fixture(QStringLiteral("shop-customers.jsonl")));
        QVERIFY(
            problems->item(0)->text().startsWith(QStringLiteral("shop-customers.jsonl: nothing gives our field id")));
        QVERIFY(columnFor(dialog, QStringLiteral("email"))->findData(QStringLiteral("mail")) > 0);
        QCOMPARE(columnFor(dialog, QStringLiteral("phone"))->currentText(), QStringLiteral("—")); // no such column
        QVERIFY(pick(dialog, QStringLiteral("id"), QStringLiteral("customer_no")));
        QVERIFY(pick(dialog, QStringLiteral("email"), QStringLiteral("mail")));
        QVERIFY(pick(dialog, QStringLiteral("first_name"), QStringLiteral("given")));
        QVERIFY(pick(dialog, QStringLiteral("last_name"), QStringLiteral("family")));
        QVERIFY(pick(dialog, QStringLiteral("external_id:stripe-sandbox"), QStringLiteral("stripe")));
        QCOMPARE(preview->rowCount(), 3);
        QCOMPARE(preview->verticalHeaderItem(1)->text(), QStringLiteral("3")); // the file's line
        QCOMPARE(preview->horizontalHeaderItem(1)->text(), QStringLiteral("email"));
        QCOMPARE(preview->item(0, 1)->text(), QStringLiteral("finn@example.com"));
        QCOMPARE(result->text(), QStringLiteral("3 rows read. Importing would make 3 new, 0 changed, 0 unchanged."));
        QCOMPARE(CustomerStore(db).count().value(), 0); // the dry run changed nothing
        QVERIFY(run->isEnabled());

        // Saved as a preset, then chosen from the list and used as it was saved.
        dialog->findChild<QLineEdit *>(QStringLiteral("recordImportPresetName"))->setText(QStringLiteral("shop-jsonl"));
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("recordImportSavePreset")), Qt::LeftButton);
        QCOMPARE(presets->currentData().toString(), QStringLiteral("shop-jsonl"));
        const ImportPreset saved = f.records->importPreset(QStringLiteral("shop-jsonl")).value();
        QCOMPARE(saved.format, QStringLiteral("jsonl"));
        QCOMPARE(saved.column(QStringLiteral("id")), QStringLiteral("customer_no"));
        QCOMPARE(saved.column(QStringLiteral("external_id:stripe-sandbox")), QStringLiteral("stripe"));
        QCOMPARE(saved.mappingText(),
            QStringLiteral(
                "id=customer_no,email=mail,first_name=given,last_name=family,external_id:stripe-sandbox=stripe"));
        QCOMPARE(columnFor(dialog, QStringLiteral("first_name"))->currentData().toString(), QStringLiteral("given"));
        screenshot(dialog, QStringLiteral("record-import-preview.png"));

        QTest::mouseClick(run, Qt::LeftButton);
        QCOMPARE(result->text(), QStringLiteral("Imported shop-customers.jsonl: 3 new, 0 changed, 0 unchanged."));
        QCOMPARE(problems->item(0)->text(), QStringLiteral("CUS-9101 (line 1): new"));
        QCOMPARE(CustomerStore(db).count().value(), 3);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(changed.size(), 1); // what open workspaces refresh on
        QCOMPARE(AuditLog(db).entriesFor(QStringLiteral("records:customers"))->last().actor, QStringLiteral("tester"));
        QVERIFY(!run->isEnabled());
        screenshot(dialog, QStringLiteral("record-import-done.png"));

        // The same file again: nothing would change, so there is nothing to import.
        choose(fixture(QStringLiteral("shop-customers.jsonl")));
        QCOMPARE(result->text(), QStringLiteral("3 rows read. Importing would make 0 new, 0 changed, 3 unchanged."));
        QVERIFY(!run->isEnabled());
        dialog->close();
    }
};

QTEST_MAIN(TestRecordImport)
#include "tst_recordimport.moc"
