// The Failures view as support staff use it (offscreen), on SQLite and PostgreSQL: thirty
// operations that failed the same way are one group; a bulk retry of it is planned, confirmed,
// waits for a second person, is approved by another one and sent by the agent's worker to a
// real sandbox, which leaves the group resolved with nothing failing. Also: the group's
// operations in the table behind a removable chip, a plan of the table's filter discarded, and
// a group ignored until it fails a few more times, and a warning above the groups while a
// provider's circuit breaker is open.
#include "ConsoleParts.h"
#include "SandboxFixture.h"
#include "TestSupport.h"
#include "access/TeamRoles.h"
#include "events/EventStore.h"
#include "operations/FailureGroupsModel.h"
#include "operations/FailuresView.h"
#include "operations/OperationsWorkspace.h"
#include "operations/RetryPlanDialog.h"
#include "operations/RetryRunService.h"
#include "operations/RetryRunWorker.h"
#include "operations/RetryRunsModel.h"
#include "operations/RetryRunsPanel.h"
#include "providers/CircuitBreakerReader.h"
#include "providers/ProviderService.h"
#include "providers/ProviderStore.h"
#include "shell/MainWindow.h"
#include "shell/Prompts.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QCoreApplication>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QSqlError>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolButton>
#include <QUrl>

#include <numeric>

namespace {
constexpr int kLimited = 30;
constexpr int kServer = 3;

// Fourteen characters as a provider's request ids have them ("8fj2KsLm3Qp9Ab"): a digit first,
// so the fingerprint always sees an id, never a word.
QString randomToken()
{
    static const QString alphabet = QStringLiteral("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    QRandomGenerator *random = QRandomGenerator::global();
    QString token = QString::number(random->bounded(10));
    while (token.size() < 14)
        token += alphabet.at(random->bounded(static_cast<int>(alphabet.size())));
    return token;
}

// `count` payments that failed the same way (the id in each message differs), stored as
// failed: OperationStore::insert counts them in their failure group as it writes them.
QList<qint64> seedFailures(
    const Database &db, int count, ErrorClass errorClass, const QString &message, const QString &tag, qint64 failedAt)
{
    OperationStore store(db);
    QList<qint64> ids;
    for (int i = 0; i < count; ++i) {
        Operation op = SandboxFixture::payment(QStringLiteral("fv-%1-%2-%3").arg(tag).arg(i).arg(randomToken()));
        op.state = OperationState::RetryScheduled;
        op.attempts = 1;
        op.lastErrorClass = errorClass;
        op.lastError = message.arg(randomToken());
        op.createdAt = failedAt - 1000;
        op.updatedAt = failedAt;
        op.nextAttemptAt = failedAt + 3600 * 1000; // nothing but the bulk retry sends them in this test
        auto id = store.insert(op);
        if (!id) {
            qWarning().noquote() << id.message();
            return {};
        }
        ids << id.value();
    }
    return ids;
}

void requireApprovalAbove(const Database &db, int sends)
{
    auto provider = ProviderStore(db).get(QStringLiteral("stripe-sandbox"));
    QVERIFY2(provider, qPrintable(provider.message()));
    ProviderConfig p = provider.value();
    p.bulkApprovalAbove = sends;
    QVERIFY(ProviderStore(db).upsert(p));
}

int rowOfClass(const FailureGroupsModel *model, ErrorClass errorClass)
{
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->groupAt(row)->errorClass == errorClass)
            return row;
    return -1;
}

QString cell(const QAbstractItemModel *model, int row, FailureGroupsModel::Column column)
{
    return model->index(row, static_cast<int>(column)).data().toString();
}

QString runCell(const QAbstractItemModel *model, int row, RetryRunsModel::Column column)
{
    return model->index(row, static_cast<int>(column)).data().toString();
}

// A second person. On PostgreSQL, where the store itself refuses an approval by the database user
// who planned the run, a second database user with the support role; on SQLite (one user) the
// same database. Dropped again when the test ends.
class Colleague
{
public:
    Colleague(const TestSupport::ScratchDatabase &scratch, const QString &name)
        : m_owner(scratch.db())
    {
        if (m_owner->location().dialect != QLatin1String("postgresql")) {
            m_db = m_owner;
            return;
        }
        m_user = name + QLatin1Char('_') + QString::number(QCoreApplication::applicationPid());
        QSqlQuery q(m_owner->connection());
        if (!q.exec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(m_user, kPassword))) {
            m_error = q.lastError().text();
            m_user.clear();
            return;
        }
        if (Status set = TeamRoles::setUp(*m_owner); !set) {
            m_error = set.message();
            return;
        }
        if (Status assigned = TeamRoles::assign(*m_owner, m_user, { Role::Support }); !assigned) {
            m_error = assigned.message();
            return;
        }
        QUrl url(scratch.url());
        url.setUserName(m_user);
        url.setPassword(kPassword);
        auto db = Database::open(url.toString());
        if (!db)
            m_error = db.message();
        else
            m_db = db.value();
    }
    ~Colleague()
    {
        if (m_user.isEmpty())
            return;
        m_db.reset();
        QSqlQuery q(m_owner->connection());
        if (!q.exec(QStringLiteral("DROP OWNED BY %1").arg(m_user))
            || !q.exec(QStringLiteral("DROP ROLE %1").arg(m_user)))
            qWarning("Cannot drop %s: %s", qPrintable(m_user), qPrintable(q.lastError().text()));
    }
    const Database *db() const { return m_db.get(); }
    QString error() const { return m_error; }

private:
    static constexpr auto kPassword = "four-eyes-password-2";
    std::shared_ptr<Database> m_owner;
    std::shared_ptr<Database> m_db;
    QString m_user;
    QString m_error;
};

// The event the agent's OperationRunner records when a breaker changes state, `ago` ms back.
void recordBreaker(const Database &db, const QString &state, const QString &note, qint64 ago)
{
    const qint64 at = QDateTime::currentMSecsSinceEpoch() - ago;
    Event e;
    e.source = QStringLiteral("reconsole");
    e.externalId = QStringLiteral("breaker-stripe-sandbox-%1-%2").arg(at).arg(state);
    e.type = QStringLiteral("circuit_breaker.") + state;
    e.entityType = QStringLiteral("provider");
    e.entityId = QStringLiteral("stripe-sandbox");
    e.occurredAt = at;
    e.processedAt = at;
    e.channel = QStringLiteral("internal");
    e.note = note;
    QVERIFY(EventStore(db).insertIfNew(e).value_or(false));
}

template <typename T> T *child(QWidget &root, const char *name)
{
    return root.findChild<T *>(QString::fromLatin1(name));
}
} // namespace

class TestFailuresView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { Prompts::setTestHooks({}); }

    void retryGroupWithSecondPersonApproval_data() { ADD_BACKEND_ROWS(); }
    void retryGroupWithSecondPersonApproval()
    {
        QFETCH(QString, backend);
        SCRATCH_DATABASE(scratch, backend);
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        requireApprovalAbove(db, 10);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QList<qint64> limited = seedFailures(
            db, kLimited, ErrorClass::RateLimited, QStringLiteral("Too many requests (req_%1)"), "rl", now - 60000);
        const QList<qint64> server = seedFailures(db, kServer, ErrorClass::Server,
            QStringLiteral("api_error: An unknown error occurred (req_%1)"), "srv", now - 2 * 3600 * 1000);
        QCOMPARE(limited.size(), kLimited);
        QCOMPARE(server.size(), kServer);

        // The console as the app wires it, with the agent's own service (whose sends the window hears).
        AccessPolicy agentAccess({ Role::Support }, QStringLiteral("agent"));
        OperationService agentOperations(db, *f.runner, agentAccess);
        RetryRunService runs(db, f.access); // signed in as "tester"
        ConsoleParts parts(scratch.db());
        WorkbenchContext context = parts.context(f, f.sandbox.baseUrl());
        context.agentOperations = &agentOperations;
        MainWindow window(context);
        OperationsWorkspace *workspace = window.operationsWorkspace();
        workspace->setRetryRuns(runs);
        window.show();
        workspace->showFailures();
        auto *views = child<QTabWidget>(window, "operationsViews");
        FailuresView *failures = workspace->failuresView();
        QVERIFY(views && failures);
        QCOMPARE(views->currentWidget(), failures);
        QCOMPARE(workspace->mainTable(), failures->table());
        FailureGroupsModel *groups = failures->model();
        QAbstractItemModelTester groupsTester(groups, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RetryRunsModel *runRows = failures->runsPanel()->model();
        QAbstractItemModelTester runsTester(runRows, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto *stateFilter = child<QComboBox>(window, "groupStateFilter");
        auto *retryGroup = child<QPushButton>(window, "retryGroupButton");
        auto *approve = child<QPushButton>(window, "approveRunButton");
        auto *pause = child<QPushButton>(window, "pauseRunButton");
        auto *runStatus = child<QLabel>(window, "runStatus");
        auto *banner = child<QLabel>(window, "actionMessage");
        QVERIFY(stateFilter && retryGroup && approve && pause && runStatus && banner);

        // Two groups, the most recently seen first; thirty failing the same way are one line.
        QTRY_COMPARE(groups->rowCount(), 2);
        QCOMPARE(stateFilter->currentText(), QStringLiteral("Open and acknowledged"));
        const int row = rowOfClass(groups, ErrorClass::RateLimited);
        QCOMPARE(row, 0);
        QCOMPARE(rowOfClass(groups, ErrorClass::Server), 1);
        const qint64 groupId = groups->groupAt(row)->id;
        QCOMPARE(OperationStore(db).get(limited.first())->failureGroupId, groupId);
        const QString title = cell(groups, row, FailureGroupsModel::Column::Title);
        QVERIFY2(title.startsWith(QStringLiteral("stripe-sandbox · capture_payment · rate_limited: Too many requests")),
            qPrintable(title));
        QCOMPARE(cell(groups, row, FailureGroupsModel::Column::State), QStringLiteral("open"));
        QCOMPARE(cell(groups, row, FailureGroupsModel::Column::Failing), QStringLiteral("30"));
        QCOMPARE(cell(groups, row, FailureGroupsModel::Column::Affected), QStringLiteral("30"));
        QCOMPARE(cell(groups, row, FailureGroupsModel::Column::Failures), QStringLiteral("30"));
        QCOMPARE(cell(groups, row, FailureGroupsModel::Column::LastSeen), QStringLiteral("1 min ago"));
        QCOMPARE(cell(groups, 1, FailureGroupsModel::Column::LastSeen), QStringLiteral("2 h ago"));
        // The trend: 48 half hours, the thirty failures in the last one, the server's three hours back.
        const auto trend = groups->index(row, static_cast<int>(FailureGroupsModel::Column::Trend))
                               .data(FailureGroupsModel::SparklineRole)
                               .value<QVector<qint64>>();
        QCOMPARE(trend.size(), FailuresView::kSparkBuckets);
        QCOMPARE(trend.last(), qint64(30));
        QCOMPARE(std::accumulate(trend.cbegin(), trend.cend(), qint64(0)), qint64(30));
        const auto serverTrend = groups->index(1, static_cast<int>(FailureGroupsModel::Column::Trend))
                                     .data(FailureGroupsModel::SparklineRole)
                                     .value<QVector<qint64>>();
        QCOMPARE(std::accumulate(serverTrend.cbegin(), serverTrend.cend(), qint64(0)), qint64(3));
        QCOMPARE(serverTrend.last(), qint64(0));

        // Retry group…: the plan, with every skip reason counted and the approval said plainly.
        QVERIFY(!retryGroup->isEnabled());
        failures->table()->selectRow(row);
        QCOMPARE(failures->selectedGroupId(), groupId);
        QVERIFY(retryGroup->isEnabled());
        QTest::mouseClick(retryGroup, Qt::LeftButton);
        RetryPlanDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = failures->findChild<RetryPlanDialog *>(QStringLiteral("retryPlanDialog"))));
        QVERIFY(dialog->isVisible());
        auto *explanation = child<QLabel>(*dialog, "planExplanation");
        auto *headline = child<QLabel>(*dialog, "planHeadline");
        auto *approvalNote = child<QLabel>(*dialog, "approvalNote");
        auto *notRetryable = child<QLabel>(*dialog, "skip_not_retryable");
        auto *skips = child<QGroupBox>(*dialog, "skipCounts");
        auto *confirm = child<QPushButton>(*dialog, "confirmRunButton");
        QVERIFY(explanation && headline && approvalNote && notRetryable && skips && confirm);
        QCOMPARE(headline->text(), QStringLiteral("30 of 30 operations will be sent, oldest first."));
        QVERIFY2(explanation->text().startsWith(QLatin1String("stripe-sandbox: 30 sends and 0 lookups")),
            qPrintable(explanation->text()));
        auto *eta = child<QLabel>(*dialog, "planEta");
        QVERIFY(eta && eta->text().contains(QLatin1String("ETA: about 1 s")));
        QCOMPARE(skips->title(), QStringLiteral("Skipped: 0 operations"));
        QCOMPARE(notRetryable->text(), QStringLiteral("0"));
        QVERIFY(approvalNote->isVisible());
        QVERIFY(approvalNote->text().contains(QLatin1String("second person: support or admin")));
        QVERIFY(confirm->isEnabled());
        const qint64 runId = dialog->runId();
        QCOMPARE(runs.get(runId)->state, RetryRun::State::Planned);
        QTest::mouseClick(confirm, Qt::LeftButton);
        QTRY_VERIFY(!failures->findChild<RetryPlanDialog *>(QStringLiteral("retryPlanDialog")));

        // Confirmed: it waits for someone else, and the planner cannot be that someone.
        QCOMPARE(runs.get(runId)->state, RetryRun::State::AwaitingApproval);
        QVERIFY2(banner->text().contains(QLatin1String("Waiting for a second person: support or admin")),
            qPrintable(banner->text()));
        QTRY_COMPARE(runRows->rowCount(), 1);
        QCOMPARE(runRows->runAt(0)->id, runId);
        QCOMPARE(runCell(runRows, 0, RetryRunsModel::Column::State), QStringLiteral("awaiting approval"));
        QCOMPARE(runCell(runRows, 0, RetryRunsModel::Column::Progress), QStringLiteral("0 of 30"));
        QVERIFY2(runStatus->text().contains(QLatin1String("Waiting for a second person: support or admin")),
            qPrintable(runStatus->text()));
        QVERIFY(!approve->isEnabled());
        QVERIFY(approve->toolTip().contains(QLatin1String("You planned this run")));
        QVERIFY(!pause->isEnabled());
        QCOMPARE(runs.approve(runId, {}).error().errorClass, ErrorClass::Auth);

        // Bob (support) sees the same run in his console, where Approve is his to press.
        Colleague bob(scratch, QStringLiteral("bob"));
        QVERIFY2(bob.db(), qPrintable(bob.error()));
        AccessPolicy bobAccess({ Role::Support }, QStringLiteral("bob"));
        RetryRunService bobRuns(*bob.db(), bobAccess);
        FailuresView bobView(bobRuns);
        QStringList bobHeard; // what bob's banner would say
        connect(&bobView, &FailuresView::message, this, [&bobHeard](const QString &text) { bobHeard << text; });
        bobView.show();
        auto *bobApprove = child<QPushButton>(bobView, "approveRunButton");
        QVERIFY(bobApprove);
        QTRY_COMPARE(bobView.runsPanel()->model()->rowCount(), 1);
        bobView.runsPanel()->selectRun(runId);
        QVERIFY(bobApprove->isEnabled());
        QString asked;
        Prompts::setTestHooks({ {}, [&asked](const QString &title) {
                                   asked = title;
                                   return true;
                               } });
        QTest::mouseClick(bobApprove, Qt::LeftButton);
        QCOMPARE(asked, QStringLiteral("Approve retry run %1").arg(runId));
        QVERIFY2(bobHeard.contains(QStringLiteral("Retry run %1 approved: it is sending.").arg(runId)),
            qPrintable(bobHeard.join(u'\n')));
        const RetryRun approved = bobRuns.get(runId).value();
        QCOMPARE(approved.state, RetryRun::State::Running);
        QCOMPARE(approved.approvedBy, QStringLiteral("bob"));

        // The agent sends it; the tester's view follows it to the end without being told.
        RetryRunWorker worker(db, agentOperations);
        worker.start(50);
        QTRY_VERIFY_WITH_TIMEOUT(runs.get(runId)->state == RetryRun::State::Finished, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(
            runCell(runRows, runRows->rowOf(runId), RetryRunsModel::Column::State), QStringLiteral("finished"), 5000);
        const RetryRun *shown = runRows->runAt(runRows->rowOf(runId));
        QCOMPARE(shown->succeeded, qint64(30));
        QCOMPARE(shown->failed, qint64(0));
        QCOMPARE(runCell(runRows, runRows->rowOf(runId), RetryRunsModel::Column::Progress), QStringLiteral("30 of 30"));
        QVERIFY(runCell(runRows, runRows->rowOf(runId), RetryRunsModel::Column::Outcome)
                    .startsWith(QStringLiteral("30 succeeded · 0 failed")));
        for (qint64 id : limited) {
            const Operation op = OperationStore(db).get(id).value();
            QCOMPARE(op.state, OperationState::Succeeded);
            QCOMPARE(f.sandbox.chargesForKey(op.idempotencyKey), 1);
        }

        // Nothing of it fails any more: resolved, it leaves the default list.
        QTRY_COMPARE_WITH_TIMEOUT(groups->rowOf(groupId), -1, 5000);
        QCOMPARE(groups->rowCount(), 1);
        stateFilter->setCurrentIndex(stateFilter->findText(QStringLiteral("All states")));
        QTRY_VERIFY(groups->rowOf(groupId) >= 0);
        const int resolvedRow = groups->rowOf(groupId);
        QCOMPARE(cell(groups, resolvedRow, FailureGroupsModel::Column::State), QStringLiteral("resolved"));
        QCOMPARE(cell(groups, resolvedRow, FailureGroupsModel::Column::Failing), QStringLiteral("0"));
        QCOMPARE(cell(groups, resolvedRow, FailureGroupsModel::Column::Affected), QStringLiteral("30"));
        QCOMPARE(groups->groupAt(resolvedRow)->stateBy, QStringLiteral("agent"));
        QCOMPARE(OperationStore(db).get(server.first())->state, OperationState::RetryScheduled);
        worker.stop();
    }

    // "Show operations" filters the table to the group behind a chip that removes the filter.
    void showOperationsBehindAChip()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(
            seedFailures(db, 5, ErrorClass::RateLimited, QStringLiteral("Too many requests (req_%1)"), "a", now).size(),
            5);
        QCOMPARE(
            seedFailures(db, 2, ErrorClass::Server, QStringLiteral("Bad gateway (req_%1)"), "b", now - 5000).size(), 2);
        RetryRunService runs(db, f.access);
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f));
        OperationsWorkspace *workspace = window.operationsWorkspace();
        workspace->setRetryRuns(runs);
        window.show();
        OperationsModel *operations = workspace->model();
        QTRY_VERIFY(operations->isReady());
        QCOMPARE(operations->rowCount(), 7);
        auto *chip = child<QToolButton>(window, "groupFilterChip");
        auto *show = child<QPushButton>(window, "showGroupOperationsButton");
        auto *views = child<QTabWidget>(window, "operationsViews");
        QVERIFY(chip && show && views);
        QVERIFY(!chip->isVisible());

        workspace->showFailures();
        FailureGroupsModel *groups = workspace->failuresView()->model();
        QTRY_COMPARE(groups->rowCount(), 2);
        const int row = rowOfClass(groups, ErrorClass::RateLimited);
        const qint64 groupId = groups->groupAt(row)->id;
        workspace->failuresView()->table()->selectRow(row);
        QTest::mouseClick(show, Qt::LeftButton);
        QCOMPARE(views->currentIndex(), 0);
        QVERIFY(chip->isVisible());
        QCOMPARE(chip->text().trimmed(), QStringLiteral("failure group %1  ✕").arg(groupId));
        QCOMPARE(operations->filter().failureGroupId, groupId);
        QTRY_VERIFY(operations->isReady() && operations->rowCount() == 5);
        QTest::mouseClick(chip, Qt::LeftButton);
        QVERIFY(!chip->isVisible());
        QCOMPARE(operations->filter().failureGroupId, qint64(0));
        QTRY_VERIFY(operations->isReady() && operations->rowCount() == 7);
    }

    // "Retry all matching…" plans the table's filter; Discard drops the plan and sends nothing.
    void retryAllMatchingDiscarded()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(seedFailures(db, 4, ErrorClass::Server, QStringLiteral("Bad gateway (req_%1)"), "m", now).size(), 4);
        Operation declined = SandboxFixture::payment(QStringLiteral("fv-declined"));
        declined.state = OperationState::FailedPermanent;
        declined.lastErrorClass = ErrorClass::Client;
        declined.lastError = QStringLiteral("Card declined");
        EXPECT_OK(OperationStore(db).insert(declined));
        RetryRunService runs(db, f.access);
        ConsoleParts parts(scratch.db());
        MainWindow window(parts.context(f));
        OperationsWorkspace *workspace = window.operationsWorkspace();
        auto *retryMatching = child<QPushButton>(window, "retryMatchingButton");
        QVERIFY(retryMatching);
        window.show();
        QVERIFY(!retryMatching->isVisible()); // no retry runs, no bulk retry
        workspace->setRetryRuns(runs);
        QVERIFY(retryMatching->isVisible());
        QTRY_VERIFY(workspace->model()->isReady());

        QTest::mouseClick(retryMatching, Qt::LeftButton);
        RetryPlanDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = workspace->findChild<RetryPlanDialog *>(QStringLiteral("retryPlanDialog"))));
        QCOMPARE(child<QLabel>(*dialog, "planHeadline")->text(),
            QStringLiteral("4 of 5 operations will be sent, oldest first."));
        QCOMPARE(child<QLabel>(*dialog, "skip_not_retryable")->text(), QStringLiteral("1"));
        QVERIFY(!child<QLabel>(*dialog, "approvalNote")->isVisible());
        const qint64 runId = dialog->runId();
        QTest::mouseClick(child<QPushButton>(*dialog, "discardRunButton"), Qt::LeftButton);
        QTRY_VERIFY(!workspace->findChild<RetryPlanDialog *>(QStringLiteral("retryPlanDialog")));
        QCOMPARE(runs.get(runId)->state, RetryRun::State::Cancelled);
        QCOMPARE(runs.get(runId)->done, qint64(0));
        QVERIFY(child<QLabel>(window, "actionMessage")->text().contains(QLatin1String("discarded")));
    }

    // Ignore…: until it fails a few more times; it leaves the default list meanwhile.
    void ignoreUntilMoreFailures()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        QCOMPARE(seedFailures(db, 3, ErrorClass::Timeout, QStringLiteral("No answer (req_%1)"), "t",
                     QDateTime::currentMSecsSinceEpoch())
                     .size(),
            3);
        RetryRunService runs(db, f.access);
        FailuresView view(runs);
        view.show();
        QTRY_COMPARE(view.model()->rowCount(), 1);
        const qint64 groupId = view.model()->groupAt(0)->id;
        view.table()->selectRow(0);
        auto *ignore = child<QPushButton>(view, "ignoreGroupButton");
        auto *reopen = child<QPushButton>(view, "reopenGroupButton");
        QVERIFY(ignore && reopen && ignore->isEnabled() && !reopen->isEnabled());
        QTest::mouseClick(ignore, Qt::LeftButton);
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = view.findChild<QDialog *>(QStringLiteral("ignoreGroupDialog"))));
        child<QRadioButton>(*dialog, "ignoreCount")->setChecked(true);
        child<QSpinBox>(*dialog, "ignoreCountSpin")->setValue(5);
        QTest::mouseClick(child<QPushButton>(*dialog, "ignoreOkButton"), Qt::LeftButton);
        const FailureGroup ignored = runs.group(groupId).value();
        QCOMPARE(ignored.state, FailureGroup::State::Ignored);
        QCOMPARE(ignored.ignoreUntilFailures, ignored.failures + 5);
        QCOMPARE(ignored.ignoreUntil, qint64(0));
        QTRY_COMPARE(view.model()->rowCount(), 0);
        auto *empty = view.table()->findChild<QLabel *>(QStringLiteral("failureGroupsTableEmptyState"));
        QVERIFY(empty && empty->isVisible() && empty->text().contains(QLatin1String("Show all states")));
        child<QComboBox>(view, "groupStateFilter")->setCurrentIndex(4); // Ignored
        QTRY_COMPARE(view.model()->rowCount(), 1);
        QCOMPARE(
            cell(view.model(), 0, FailureGroupsModel::Column::State), QStringLiteral("ignored for 5 more failures"));
    }

    // A tripped breaker is named above the groups, with what it means for the operations; a
    // probe that succeeded takes the warning away.
    void circuitBreakerWarning()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        const Database &db = *scratch.db();
        SandboxFixture f(db);
        RetryRunService runs(db, f.access);
        ProviderService providers(db, f.access);
        const CircuitBreakerReader breakers(
            providers, [&db](const QString &providerId) -> Result<CircuitBreakerReader::RecordedChange> {
                auto latest
                    = EventStore(db).latest(QStringLiteral("provider"), providerId, QStringLiteral("circuit_breaker."));
                if (!latest)
                    return latest.error();
                return CircuitBreakerReader::RecordedChange { latest->type, latest->occurredAt, latest->note };
            });
        FailuresView view(runs);
        view.setCircuitBreakers(breakers);
        view.show();
        auto *banner = child<QLabel>(view, "circuitBreakerBanner");
        QVERIFY(banner);
        QVERIFY(!banner->isVisible()); // no trips recorded

        recordBreaker(db, QStringLiteral("open"),
            QStringLiteral("closed → open: 20 of 20 requests failed in the last 60 s"), 2000);
        view.refresh();
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->text().startsWith(QStringLiteral("⚠ stripe-sandbox: circuit breaker open since ")),
            qPrintable(banner->text()));
        QVERIFY(banner->text().endsWith(QStringLiteral("— nothing is sent until a probe succeeds")));
        QVERIFY(banner->toolTip().contains(QLatin1String("20 of 20 requests failed")));

        recordBreaker(db, QStringLiteral("half_open"), QStringLiteral("open → half_open: the cool-down ended"), 1000);
        view.refresh();
        QVERIFY2(banner->text().contains(QLatin1String("circuit breaker half-open since")), qPrintable(banner->text()));

        recordBreaker(db, QStringLiteral("closed"), QStringLiteral("half_open → closed: the probe succeeded"), 0);
        view.refresh();
        QVERIFY(!banner->isVisible());
    }
};

QTEST_MAIN(TestFailuresView)
#include "tst_failuresview.moc"
