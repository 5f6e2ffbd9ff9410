// The Diff workspace as support staff use it (offscreen): open a record from the workbench,
// see only what differs, accept / push / ignore per field, scan for drift and accept one field
// in bulk; admins change who owns a field.
#include "ConsoleParts.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "events/EventStore.h"
#include "operations/OperationsModel.h"
#include "operations/OperationsWorkspace.h"
#include "records/CustomerStore.h"
#include "records/DiffWorkspace.h"
#include "records/DriftScanPanel.h"
#include "records/DriftScanner.h"
#include "records/FieldMapDialog.h"
#include "records/FieldMapStore.h"
#include "records/RecordDiffView.h"
#include "sandbox/DemoData.h"
#include "shell/MainWindow.h"
#include "shell/Prompts.h"
#include "timeline/TimelineModel.h"
#include "timeline/TimelineWorkspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSqlQuery>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

namespace {
QJsonObject ours(const QString &email, const QString &phone, const QString &access)
{
    return { { QStringLiteral("email"), email }, { QStringLiteral("first_name"), QStringLiteral("Ann") },
        { QStringLiteral("last_name"), QStringLiteral("Lee") }, { QStringLiteral("phone"), phone },
        { QStringLiteral("access"), access } };
}

QJsonObject crm(const QString &email, const QString &phone)
{
    return { { QStringLiteral("email"), email }, { QStringLiteral("firstname"), QStringLiteral("Ann") },
        { QStringLiteral("lastname"), QStringLiteral("Lee") }, { QStringLiteral("phone"), phone },
        { QStringLiteral("reconsole_access"), QStringLiteral("basic") } };
}

QString addCustomer(const Database &db, SandboxFixture &f, int i, bool phoneDrift, bool accessDrift)
{
    const QString email = QStringLiteral("c%1@example.com").arg(i);
    const QString contact
        = f.sandbox.crm().addContact(crm(email, phoneDrift ? QStringLiteral("+9") : QStringLiteral("+1")));
    const QString id = QStringLiteral("CUS-%1").arg(i);
    EXPECT_OK(CustomerStore(db).upsert(
        id, ours(email, QStringLiteral("+1"), accessDrift ? QStringLiteral("premium") : QStringLiteral("basic"))));
    EXPECT_OK(CustomerStore(db).linkExternal(QStringLiteral("customer"), id, QStringLiteral("crm-sandbox"), contact));
    return contact;
}

int rowOf(QTableWidget *table, const QString &field)
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, RecordDiffView::Field)->text() == field)
            return row;
    }
    return -1;
}
} // namespace

class TestDiffWorkspace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void compareAcceptPushIgnore()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        const QString contact = addCustomer(db, f, 1, true, true);
        // A CRM operation in the workbench leads to the contact's diff.
        Operation upsert;
        upsert.action = QStringLiteral("upsert_contact");
        upsert.entityType = QStringLiteral("customer");
        upsert.entityId = QStringLiteral("CUS-1");
        upsert.providerId = QStringLiteral("crm-sandbox");
        upsert.idempotencyKey = QStringLiteral("gui-crm-1");
        upsert.state = OperationState::RetryScheduled;
        const qint64 upsertId = OperationStore(db).insert(upsert).value();

        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        OperationsModel *model = window.operationsWorkspace()->model();
        QTRY_VERIFY(model->isReady());
        window.operationsWorkspace()->selectOperation(upsertId);
        auto *compare = window.operationsWorkspace()->findChild<QPushButton *>(QStringLiteral("compareButton"));
        QTRY_VERIFY(compare->isEnabled());
        QTest::mouseClick(compare, Qt::LeftButton);
        auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
        QCOMPARE(navigation->currentItem()->text(), QStringLiteral("Diff"));

        RecordDiffView *view = window.diffWorkspace()->diffView();
        QTableWidget *table = view->table();
        // The picker suggests customers by id or e-mail as you type.
        auto *idField = view->findChild<QLineEdit *>(QStringLiteral("diffId"));
        QTRY_VERIFY_WITH_TIMEOUT(view->comparison().has_value(), 10000);
        idField->clear();
        QTest::keyClicks(idField, QStringLiteral("c1@"));
        QCOMPARE(idField->completer()->model()->rowCount(), 1);
        QCOMPARE(idField->completer()->model()->index(0, 0).data().toString(), QStringLiteral("c1@example.com"));
        auto *summary = view->findChild<QLabel *>(QStringLiteral("diffSummary"));
        auto *showAll = view->findChild<QCheckBox *>(QStringLiteral("showAllFields"));
        auto *accept = view->findChild<QPushButton *>(QStringLiteral("acceptButton"));
        auto *push = view->findChild<QPushButton *>(QStringLiteral("pushButton"));
        auto *ignore = view->findChild<QPushButton *>(QStringLiteral("ignoreButton"));
        auto *message = view->findChild<QLabel *>(QStringLiteral("diffMessage"));
        // Only the two differing fields, each with its owner and verdict.
        QTRY_VERIFY_WITH_TIMEOUT(view->comparison().has_value(), 10000);
        QVERIFY(summary->text().contains(QStringLiteral("CUS-1")) && summary->text().contains(contact));
        QCOMPARE(table->rowCount(), 2);
        const int phone = rowOf(table, QStringLiteral("phone"));
        QCOMPARE(table->item(phone, RecordDiffView::Ours)->text(), QStringLiteral("+1"));
        QCOMPARE(table->item(phone, RecordDiffView::Provider)->text(), QStringLiteral("+9"));
        QCOMPARE(table->item(phone, RecordDiffView::Owner)->text(), QStringLiteral("crm-sandbox"));
        QVERIFY(table->item(phone, RecordDiffView::Verdict)->text().contains(QStringLiteral("ours is wrong")));
        showAll->setChecked(true);
        QCOMPARE(table->rowCount(), 5);
        showAll->setChecked(false);
        QCOMPARE(table->rowCount(), 2);

        // Accept the CRM's phone: only accept is offered for a field the CRM owns.
        QVERIFY(!accept->isEnabled());
        QVERIFY(view->selectField(QStringLiteral("phone")));
        QVERIFY(accept->isEnabled() && !push->isEnabled() && ignore->isEnabled());
        QTest::mouseClick(accept, Qt::LeftButton);
        QTRY_COMPARE(table->rowCount(), 1);
        QCOMPARE(CustomerStore(db).get(QStringLiteral("CUS-1"))->value(QStringLiteral("phone")).toString(),
            QStringLiteral("+9"));

        // Push our access: a new operation, sent, and the row leaves.
        QVERIFY(view->selectField(QStringLiteral("subscription access")));
        QVERIFY(!accept->isEnabled() && push->isEnabled());
        const qint64 before = OperationStore(db).count().value();
        QTest::mouseClick(push, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QStringLiteral("the provider has it")), 10000);
        QCOMPARE(OperationStore(db).count().value(), before + 1);
        QTRY_COMPARE(table->rowCount(), 0);
        QVERIFY(summary->text().contains(QStringLiteral("agrees on every mapped field")));
        QVERIFY(
            message->isVisible() && message->text().contains(QStringLiteral("the provider has it"))); // still in view

        // Ignore a new difference with a reason: shown as ignored, no longer asking.
        f.sandbox.crm().changeContact(contact, { { QStringLiteral("lastname"), QStringLiteral("Lee-Park") } });
        view->compare(QStringLiteral("contact"), QStringLiteral("CUS-1"));
        QTRY_COMPARE(table->rowCount(), 1);
        QVERIFY(view->selectField(QStringLiteral("last name")));
        Prompts::setTestHooks({ [](const QString &) { return QStringLiteral("married name, CRM only"); }, {} });
        QTest::mouseClick(ignore, Qt::LeftButton);
        Prompts::setTestHooks({});
        QTRY_VERIFY(table->rowCount() == 1
            && table->item(0, RecordDiffView::Verdict)->text().startsWith(QStringLiteral("ignored")));
        QVERIFY(summary->text().contains(QStringLiteral("agrees")));
        QVERIFY(view->selectField(QStringLiteral("last name")));
        QVERIFY(!ignore->isEnabled());

        QStringList actions;
        for (const AuditEntry &e : AuditLog(db).entriesFor(QStringLiteral("contact:CUS-1")).value())
            actions << e.action;
        QCOMPARE(actions,
            (QStringList {
                QStringLiteral("record.accept"), QStringLiteral("record.push"), QStringLiteral("record.ignore") }));
    }

    // Issue 10, item 4: accepting the provider's status in Diff shows in the Operations row at
    // once, no F5, with the row still selected and the table where it was scrolled.
    void acceptedStatusReachesOperations()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        OperationStore store(db);
        QVERIFY(store.insertMany(DemoData().operations(300)));
        Operation payment = SandboxFixture::payment(QStringLiteral("gui-accept-status"));
        payment.createdAt = nowMs() - 5 * 86400000LL; // some fifty rows down: the table scrolls to it
        const qint64 id = store.insert(payment).value();
        std::optional<Result<Operation>> ran;
        f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { ran = r; });
        QTRY_VERIFY_WITH_TIMEOUT(ran.has_value(), 10000);
        // Our row says failed though the provider charged.
        QSqlQuery broken(db.connection());
        QVERIFY(broken.exec(QStringLiteral("UPDATE operations SET state = 'failed_permanent' WHERE id = %1").arg(id)));

        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.resize(1200, 700);
        window.show();
        OperationsWorkspace *operations = window.operationsWorkspace();
        OperationsModel *model = operations->model();
        auto *table = operations->findChild<QTableView *>(QStringLiteral("operationsTable"));
        QTRY_VERIFY(model->isReady());
        operations->selectOperation(id);
        QTRY_COMPARE(table->selectionModel()->selectedRows().size(), 1);
        const int row = table->selectionModel()->selectedRows().first().row();
        QCOMPARE(model->operationIdAt(row), id);
        QCOMPARE(model->data(model->index(row, 0), OperationsModel::StateRole).toInt(),
            static_cast<int>(OperationState::FailedPermanent));
        const int scrolled = table->verticalScrollBar()->value();
        QVERIFY(scrolled > 0);

        window.showWorkspace(QStringLiteral("Diff"));
        RecordDiffView *view = window.diffWorkspace()->diffView();
        view->compare(QStringLiteral("payment"), QString::number(id));
        QTRY_VERIFY_WITH_TIMEOUT(view->comparison().has_value(), 10000);
        QVERIFY(view->selectField(QStringLiteral("status")));
        auto *accept = view->findChild<QPushButton *>(QStringLiteral("acceptButton"));
        QVERIFY(accept->isEnabled());
        QTest::mouseClick(accept, Qt::LeftButton);
        QCOMPARE(store.get(id)->state, OperationState::Succeeded);

        // Nobody pressed F5: the Operations row shows the new state, still selected, same scroll.
        QTRY_COMPARE(model->data(model->index(row, 0), OperationsModel::StateRole).toInt(),
            static_cast<int>(OperationState::Succeeded));
        QCOMPARE(model->operationIdAt(row), id);
        QTRY_COMPARE(table->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(table->selectionModel()->selectedRows().first().row(), row);
        QCOMPARE(table->verticalScrollBar()->value(), scrolled);
    }

    // An action taken elsewhere than the console's own buttons (reconsolectl, the agent, another
    // window) through the same service reaches the workbench too.
    void resolvedThroughTheServiceShowsAtOnce()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        Operation op = SandboxFixture::payment(QStringLiteral("gui-resolve-elsewhere"));
        op.state = OperationState::FailedPermanent;
        const qint64 id = OperationStore(db).insert(op).value();
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        OperationsModel *model = window.operationsWorkspace()->model();
        QTRY_VERIFY(model->isReady());
        QCOMPARE(model->operationIdAt(0), id);
        QVERIFY(f.service->resolve(id, QStringLiteral("settled by phone")));
        QTRY_COMPARE(model->data(model->index(0, 0), OperationsModel::StateRole).toInt(),
            static_cast<int>(OperationState::Resolved));
    }

    // From a timeline line to its payment beside the provider's copy.
    void timelineLineOpensItsPayment()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        const qint64 id = OperationStore(db).insert(SandboxFixture::payment(QStringLiteral("gui-diff-tl"))).value();
        std::optional<Result<Operation>> ran;
        f.runner->run(id, QStringLiteral("tester"), [&](Result<Operation> r) { ran = r; });
        QTRY_VERIFY_WITH_TIMEOUT(ran.has_value(), 10000);
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        window.showWorkspace(QStringLiteral("Timeline"));
        TimelineWorkspace *timeline = window.timelineWorkspace();
        timeline->showEntity(QStringLiteral("ORD-gui-diff-tl"));
        auto *compare = timeline->findChild<QPushButton *>(QStringLiteral("compareButton"));
        QVERIFY(!compare->isEnabled());
        auto *lines = timeline->findChild<QTableView *>(QStringLiteral("timelineTable"));
        lines->selectRow(0);
        QVERIFY(compare->isEnabled());
        QTest::mouseClick(compare, Qt::LeftButton);
        RecordDiffView *view = window.diffWorkspace()->diffView();
        QTRY_VERIFY_WITH_TIMEOUT(view->comparison().has_value(), 10000);
        QCOMPARE(view->comparison()->ours.entityId, QString::number(id));
        QCOMPARE(view->comparison()->differing(), 0);
        QVERIFY(view->findChild<QLabel *>(QStringLiteral("diffSummary"))->text().contains(QStringLiteral("agrees")));
    }

    // A customer's CRM change on the timeline opens the customer's contact diff.
    void timelineCustomerOpensItsContact()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        const QString contact = addCustomer(db, f, 3, true, false);
        Event heard;
        heard.source = QStringLiteral("crm-sandbox");
        heard.externalId = QStringLiteral("4242");
        heard.type = QStringLiteral("contact.propertyChange");
        heard.entityType = QStringLiteral("customer");
        heard.entityId = QStringLiteral("CUS-3");
        heard.occurredAt = heard.receivedAt = heard.processedAt = nowMs();
        heard.channel = QStringLiteral("webhook");
        heard.note = QStringLiteral("phone changed in the CRM");
        heard.payload = QStringLiteral(R"({"eventId":4242,"subscriptionType":"contact.propertyChange","objectId":%1,)"
                                       R"("propertyName":"phone","propertyValue":"+9"})")
                            .arg(contact);
        QVERIFY(EventStore(db).insertIfNew(heard));
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        TimelineWorkspace *timeline = window.timelineWorkspace();
        window.showWorkspace(QStringLiteral("Timeline"));
        timeline->showEntity(QStringLiteral("CUS-3"));
        QCOMPARE(timeline->model()->rowCount(), 1);
        timeline->findChild<QTableView *>(QStringLiteral("timelineTable"))->selectRow(0);
        auto *compare = timeline->findChild<QPushButton *>(QStringLiteral("compareButton"));
        QVERIFY(compare->isEnabled());
        QTest::mouseClick(compare, Qt::LeftButton);
        RecordDiffView *view = window.diffWorkspace()->diffView();
        QTRY_VERIFY_WITH_TIMEOUT(view->comparison().has_value(), 10000);
        QCOMPARE(view->comparison()->ours.entityId, QStringLiteral("CUS-3"));
        // What the webhook said is the third column; it agrees with the CRM, so ours is simply behind.
        const FieldDiff *phone = view->comparison()->field(QStringLiteral("phone"));
        QCOMPARE(phone->lastWebhook.toString(), QStringLiteral("+9"));
        QCOMPARE(phone->verdict, FieldDiff::Verdict::OursIsWrong);
        QCOMPARE(view->table()->item(0, RecordDiffView::LastWebhook)->text(), QStringLiteral("+9"));
    }

    void driftScanAndBulkAccept()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        f.addCrm(db);
        for (int i = 0; i < 120; ++i)
            addCustomer(db, f, i, i % 10 == 0, i == 55);
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f, f.sandbox.baseUrl()));
        window.show();
        window.showWorkspace(QStringLiteral("Diff"));
        DriftScanPanel *panel = window.diffWorkspace()->scanPanel();
        auto *scan = panel->findChild<QPushButton *>(QStringLiteral("scanButton"));
        auto *progress = panel->findChild<QProgressBar *>(QStringLiteral("scanProgress"));
        auto *field = panel->findChild<QComboBox *>(QStringLiteral("bulkField"));
        auto *bulk = panel->findChild<QPushButton *>(QStringLiteral("bulkAcceptButton"));
        QCOMPARE(panel->findChild<QComboBox *>(QStringLiteral("scanProvider"))->currentText(),
            QStringLiteral("crm-sandbox"));
        auto *status = panel->findChild<QLabel *>(QStringLiteral("scanStatus"));
        // Cancelled after the first page: what it found is listed, and Scan resumes.
        auto cancelOnce = connect(panel->scanner(), &DriftScanner::progress, panel, [panel] { panel->cancel(); });
        QTest::mouseClick(scan, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("stopped part-way")), 15000);
        disconnect(cancelOnce);
        QCOMPARE(panel->table()->rowCount(), 11); // the first hundred: 10 phones and the access level
        QVERIFY(progress->value() < progress->maximum());
        QTest::mouseClick(scan, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(panel->table()->rowCount(), 13, 15000); // 12 phones and one access level
        QCOMPARE(progress->value(), progress->maximum());
        QCOMPARE(progress->maximum(), 120);

        // A result opens in the diff view.
        emit panel->table()->cellDoubleClicked(0, 0);
        RecordDiffView *view = window.diffWorkspace()->diffView();
        QTRY_VERIFY_WITH_TIMEOUT(view->comparison().has_value(), 10000);
        QCOMPARE(view->comparison()->ours.entityId, panel->table()->item(0, 0)->text());

        // Bulk: the CRM's phone for every selected record; the access record is left alone.
        panel->table()->selectAll();
        QCOMPARE(field->currentText(), QStringLiteral("phone")); // what the selection most often has wrong
        QVERIFY(bulk->isEnabled());
        Prompts::setTestHooks({ {}, [](const QString &) { return true; } });
        QTest::mouseClick(bulk, Qt::LeftButton);
        Prompts::setTestHooks({});
        QTRY_COMPARE(panel->table()->rowCount(), 1);
        QVERIFY(panel->table()->item(0, 2)->text().startsWith(QStringLiteral("subscription access")));
        for (int i = 0; i < 120; i += 10)
            QCOMPARE(CustomerStore(db).get(QStringLiteral("CUS-%1").arg(i))->value(QStringLiteral("phone")).toString(),
                QStringLiteral("+9"));
    }

    void adminsEditFieldMaps()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture admin(db, 1500, { Role::Admin });
        FieldMapDialog dialog(*admin.records);
        QTableWidget *table = dialog.table();
        int phone = -1;
        for (int row = 0; row < table->rowCount(); ++row)
            phone = table->item(row, FieldMapDialog::Field)->text() == QLatin1String("phone") ? row : phone;
        QVERIFY(phone >= 0);
        qobject_cast<QComboBox *>(table->cellWidget(phone, FieldMapDialog::Owner))->setCurrentIndex(1); // our database
        Prompts::setTestHooks({ [](const QString &) { return QStringLiteral("support keeps phones now"); }, {} });
        QVERIFY(dialog.save());
        Prompts::setTestHooks({});
        QCOMPARE(
            FieldMapStore(db).load(QStringLiteral("contact"))->rule(QStringLiteral("phone"))->owner, FieldOwner::Ours);
        QCOMPARE(AuditLog(db).entriesFor(QStringLiteral("fieldmap:contact"))->last().reason,
            QStringLiteral("support keeps phones now"));
        // A path that is not one is refused before anything is asked or stored.
        table->item(phone, FieldMapDialog::ProviderPath)->setText(QStringLiteral("properties..phone"));
        QVERIFY(!dialog.save());

        // Support sees the map but cannot change it.
        SandboxFixture support(db, 1500, { Role::Support });
        FieldMapDialog readOnly(*support.records);
        QVERIFY(!readOnly.findChild<QPushButton *>(QStringLiteral("saveFieldMap"))->isEnabled());
        QVERIFY(!(readOnly.table()->item(0, FieldMapDialog::ProviderPath)->flags() & Qt::ItemIsEditable));
    }
};

QTEST_MAIN(TestDiffWorkspace)
#include "tst_diffworkspace.moc"
