// reconsole: the desktop console. Solo mode hosts the sandbox in-process for --demo.
#include "AppContext.h"
#include "Await.h"
#include "Logging.h"
#include "agent/Agent.h"
#include "credentials/CredentialsModel.h"
#include "ctl/ManPage.h"
#include "events/ActivityMonitor.h"
#include "events/EventStore.h"
#include "keychain/Keychain.h"
#include "operations/FailuresView.h"
#include "operations/OperationsModel.h"
#include "operations/OperationsWorkspace.h"
#include "operations/RetryRunService.h"
#include "providers/CircuitBreakerReader.h"
#include "providers/ProviderService.h"
#include "providers/ProvidersWorkspace.h"
#include "reconciliation/ExceptionsModel.h"
#include "reconciliation/MatchesModel.h"
#include "reconciliation/ReconRowsModel.h"
#include "reconciliation/ReconciliationDesk.h"
#include "reconciliation/ReconciliationReport.h"
#include "records/DiffWorkspace.h"
#include "records/DriftScanPanel.h"
#include "records/RecordDiffView.h"
#include "sandbox/DemoData.h"
#include "sandbox/DemoReconciliation.h"
#include "sandbox/DemoSetup.h"
#include "sandbox/SandboxServer.h"
#include "shell/MainWindow.h"
#include "shell/Tints.h"
#include "store/Database.h"
#include "timeline/TimelineModel.h"
#include "timeline/TimelineWorkspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QIcon>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

namespace {
int failAndExplain(const QString &message)
{
    qCritical("reconsole: %s", qPrintable(message));
    if (qEnvironmentVariableIsEmpty("RECONSOLE_NO_DIALOGS"))
        QMessageBox::critical(nullptr, QObject::tr("Reconsole cannot start"), message);
    return 1;
}

// What --show opens before a screenshot: "menu:NAME" pops that menu up; "about", "palette",
// "shortcuts" and "guide" open their dialog. Returns whether something outside the window is shown.
bool showForScreenshot(MainWindow &window, const QString &what)
{
    if (what.startsWith(QLatin1String("menu:"))) {
        QMenu *menu = window.menuNamed(what.mid(5));
        if (!menu)
            return false;
        const QRect title = window.menuBar()->actionGeometry(menu->menuAction());
        menu->popup(window.menuBar()->mapToGlobal(title.bottomLeft()));
        return true;
    }
    if (what == QLatin1String("palette"))
        window.showCommandPalette();
    else if (what == QLatin1String("about"))
        QTimer::singleShot(0, &window, [&window] { window.showAbout(); }); // modal: runs inside the grab's wait
    else if (what == QLatin1String("shortcuts"))
        QTimer::singleShot(0, &window, [&window] { window.showShortcuts(); });
    else if (what == QLatin1String("guide"))
        window.showUserGuide();
    else
        return false;
    return true;
}

// Grabs the window once the first page is in, writes it and quits (documentation, CI). With
// --show, the whole screen: menus and dialogs are windows of their own.
void scheduleScreenshot(MainWindow &window, const QString &path, int delayMs, const QString &show)
{
    auto grab = [&window, path, delayMs, show] {
        const bool wholeScreen = !show.isEmpty() && showForScreenshot(window, show);
        QTimer::singleShot(delayMs, &window, [&window, path, wholeScreen] {
            const QPixmap picture = wholeScreen ? window.screen()->grabWindow(0) : window.grab();
            if (!picture.save(path))
                qCritical("reconsole: cannot write %s", qPrintable(path));
            QApplication::quit();
        });
    };
    OperationsModel *model = window.operationsWorkspace()->model();
    if (model->isReady())
        grab();
    else
        QObject::connect(model, &OperationsModel::ready, &window, grab, Qt::SingleShotConnection);
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QStringLiteral("Reconsole: retry and resolve failed operations, reconcile, and "
                                                    "manage provider credentials."));
    parser.addHelpOption();
    parser.addVersionOption();
    AppContext::addDatabaseOption(parser);
    parser.addOption({ QStringLiteral("demo"),
        QStringLiteral("Open on demo data, with the sandbox providers running in-process. The demo's "
                       "database is %1 unless --database is given; `reconsolectl demo` uses the same.")
            .arg(DatabaseLocation::demoSqlitePath()) });
    parser.addOption({ QStringLiteral("sandbox-port"), QStringLiteral("Port of the in-process sandbox (default: any)."),
        QStringLiteral("n"), QStringLiteral("0") });
    parser.addOption({ QStringLiteral("screenshot"), QStringLiteral("Save a picture of the window to FILE and quit."),
        QStringLiteral("file") });
    parser.addOption(
        { QStringLiteral("select"), QStringLiteral("Open with this operation selected."), QStringLiteral("id") });
    parser.addOption({ QStringLiteral("entity"), QStringLiteral("Open the timeline of this entity (order id, pi_…)."),
        QStringLiteral("id") });
    parser.addOption({ QStringLiteral("compare"),
        QStringLiteral("Open the Diff workspace on a record: contact:ID or payment:ID."), QStringLiteral("type:id") });
    parser.addOption({ QStringLiteral("drift-scan"),
        QStringLiteral("Open the Diff workspace and scan this record type "
                       "(contact or payment) for drift."),
        QStringLiteral("type") });
    parser.addOption({ QStringLiteral("show"),
        QStringLiteral("With --screenshot: open menu:NAME (menu:File, …), about, palette, shortcuts or guide first."),
        QStringLiteral("what") });
    parser.addOption({ QStringLiteral("dark"),
        QStringLiteral("Use a dark palette (Fusion style), whatever the desktop's theme hands over.") });
    parser.addOption({ QStringLiteral("workspace"),
        QStringLiteral(
            "Open this workspace (Operations, Reconciliation, Credentials, …); Failures opens the Operations "
            "workspace on its failure groups."),
        QStringLiteral("name") });
}

// Starts the in-process sandbox and seeds the demo. A keychain that cannot be used is a
// problem to show (browsing works without it); anything else stops the start.
Result<QString> startDemo(AppContext &context, SandboxServer &sandbox, const QString &port)
{
    if (!DemoSetup::startSandbox(sandbox, static_cast<quint16>(port.toUInt())))
        return failure(ErrorClass::Network,
            QObject::tr("The sandbox cannot listen on 127.0.0.1:%1; pick another --sandbox-port.").arg(port));
    DemoSetup setup(context.database(), context.credentials(), context.transport(), AppContext::agentActor());
    const Status prepared
        = await<Status>([&](auto done) { setup.run(sandbox.baseUrl(), DemoData::kMonthOfOrders, done); });
    if (!prepared && prepared.error().errorClass != ErrorClass::Keychain)
        return prepared.error();
    if (Status mirrored = setup.mirrorRecords(sandbox); !mirrored)
        return mirrored.error();
    if (Status reconciliation = DemoReconciliation::seed(context.database(), AppContext::actor()); !reconciliation)
        return reconciliation.error();
    return prepared ? QString() : prepared.message();
}

// Solo mode (one SQLite file) hosts the agent; in team mode agents run on their own. Returns
// what kept the receiver from starting, or nothing.
QString startAgent(AppContext &context, Agent &agent, bool demo)
{
    if (context.database().location().dialect != QLatin1String("sqlite"))
        return {};
    for (const QString &problem : await<QStringList>([&](auto done) { agent.loadWebhookSecrets(done); }))
        qWarning("%s", qPrintable(problem));
    Agent::Options options;
    options.port
        = demo ? 0 : static_cast<quint16>(QSettings().value(QStringLiteral("agent/webhookPort"), 8123).toUInt());
    if (agent.start(options))
        return {};
    return QObject::tr("Webhook receiver not started: port %1 is taken (is `reconsolectl serve` running?)")
        .arg(options.port);
}

// The sandbox signs its webhooks with the secrets the receiver holds and sends them to it, then
// "loses" some answers, so lost charges are settled by webhooks as you watch; the CRM announces
// changes the way HubSpot does, so contact diffs have a third column. No secret: no deliveries.
void sendDemoWebhooks(AppContext &context, SandboxServer &sandbox, const Agent &agent)
{
    auto hooksFor = [&](const char *providerId, const char *credentialId) {
        SandboxWebhooks hooks;
        const auto secret = await<Result<QString>>(
            [&](auto done) { context.credentials().read(QString::fromLatin1(credentialId), done); });
        if (secret) {
            hooks.target = agent.webhookBaseUrl() + QStringLiteral("/webhooks/") + QString::fromLatin1(providerId);
            hooks.secret = secret.value();
            hooks.delayMs = 300;
        }
        return hooks;
    };
    sandbox.setWebhooks(hooksFor(DemoData::kProviderId, DemoSetup::kWebhookCredentialId));
    sandbox.setCrmWebhooks(hooksFor(DemoData::kCrmProviderId, DemoSetup::kCrmWebhookCredentialId));
    DemoSetup setup(context.database(), context.credentials(), context.transport(), AppContext::agentActor());
    if (Status lost = await<Status>([&](auto done) { setup.replayLostCharges(done); }); !lost)
        qWarning("The sandbox was not given back the demo's lost charges: %s", qPrintable(lost.message()));
}

// Opens what the command line asked for; returns how long a screenshot waits for it to settle.
int openRequested(MainWindow &window, const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("workspace"))) {
        const QString name = parser.value(QStringLiteral("workspace"));
        const bool failures = name.compare(QLatin1String("Failures"), Qt::CaseInsensitive) == 0;
        window.showWorkspace(failures ? QStringLiteral("Operations") : name);
        if (failures)
            window.operationsWorkspace()->showFailures();
    }
    if (parser.isSet(QStringLiteral("entity"))) {
        window.showWorkspace(QStringLiteral("Timeline"));
        window.timelineWorkspace()->showEntity(parser.value(QStringLiteral("entity")));
    }
    if (parser.isSet(QStringLiteral("select")))
        window.operationsWorkspace()->selectOperation(parser.value(QStringLiteral("select")).toLongLong());
    int settleMs = 600;
    if (parser.isSet(QStringLiteral("drift-scan"))) {
        window.showWorkspace(QStringLiteral("Diff"));
        DriftScanPanel *scan = window.diffWorkspace()->scanPanel();
        scan->setEntityType(parser.value(QStringLiteral("drift-scan")));
        scan->scan(true);
        settleMs = 6000;
    }
    if (parser.isSet(QStringLiteral("compare"))) {
        const QString record = parser.value(QStringLiteral("compare"));
        window.showWorkspace(QStringLiteral("Diff"));
        window.diffWorkspace()->diffView()->compare(
            record.section(QLatin1Char(':'), 0, 0), record.section(QLatin1Char(':'), 1));
        settleMs = qMax(settleMs, 2000);
    }
    return settleMs;
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Reconsole"));
    QApplication::setApplicationName(QStringLiteral("reconsole"));
    QApplication::setApplicationDisplayName(QStringLiteral("Reconsole"));
    QApplication::setApplicationVersion(QStringLiteral(RECONSOLE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/org.reconsole.Reconsole.svg")));
    QApplication::setDesktopFileName(QStringLiteral("org.reconsole.Reconsole")); // Wayland finds the icon by it
    Logging::install(QStringLiteral("reconsole"));

    QCommandLineParser parser;
    addOptions(parser);
    parser.addOption(ManPage::option()); // hidden; the build makes reconsole(1) with it
    parser.process(app);
    if (parser.isSet(ManPage::kOption))
        return ManPage::print(ManPage::console(parser));

    if (parser.isSet(QStringLiteral("dark"))) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(Tints::darkPalette());
    }
    const bool demo = parser.isSet(QStringLiteral("demo"));
    // A desktop application starts on a fresh machine: its default database and the demo's are
    // made on first run. A --database that names no file is a mistake to show, never a new file.
    const bool mayCreate = demo || !parser.isSet(QStringLiteral("database"));
    auto ctx = AppContext::open(parser, demo ? DatabaseLocation::demoSqlitePath() : QString(),
        mayCreate ? Database::IfMissing::Create : Database::IfMissing::Refuse);
    if (!ctx)
        return failAndExplain(ctx.message());
    AppContext &context = *ctx.value();

    SandboxServer sandbox;
    QString keychainProblem;
    if (demo) {
        // The first start runs the demo's month against the sandbox, a few seconds: say so.
        QLabel preparing(QObject::tr("Preparing the demo: the sandbox and its month of orders…"));
        preparing.setObjectName(QStringLiteral("demoPreparing"));
        preparing.setWindowFlag(Qt::SplashScreen);
        preparing.setMargin(24);
        preparing.adjustSize();
        if (const QScreen *screen = QGuiApplication::primaryScreen())
            preparing.move(screen->availableGeometry().center() - preparing.rect().center());
        preparing.show();
        auto started = startDemo(context, sandbox, parser.value(QStringLiteral("sandbox-port")));
        preparing.close();
        if (!started)
            return failAndExplain(started.message());
        keychainProblem = started.value();
    }

    Agent agent(context.database(), context.credentials(), context.providers(), context.agentOperations());
    const QString agentProblem = startAgent(context, agent, demo);
    if (demo && keychainProblem.isEmpty() && agentProblem.isEmpty())
        sendDemoWebhooks(context, sandbox, agent);

    // The read models the workspaces show, over this database; the window itself reaches none.
    OperationsModel operationsModel(context.sharedDatabase());
    TimelineModel timelineModel(context.database());
    CredentialsModel credentialsModel(context.database());
    ActivityMonitor activity(context.database());
    ProviderService providerService(context.database(), context.access());
    RetryRunService retryRuns(context.database(), context.access()); // bulk retries and failure groups
    ReconciliationDesk reconciliation(context.database(), context.access());
    ReconRowsModel reconLedger(context.sharedDatabase(), RowSide::Ledger);
    ReconRowsModel reconStatement(context.sharedDatabase(), RowSide::Statement);
    MatchesModel reconMatches(context.sharedDatabase());
    ExceptionsModel reconExceptions(context.sharedDatabase());
    const ReconciliationReportSource reconciliationReport = [&context](qint64 periodId) {
        return ReconciliationReport::read(context.database(), periodId, context.access().actor());
    };
    // Where providers reach the agent: the address published for it (a proxy in front of the
    // agent), else the in-process agent's own; unknown in team mode until set.
    const QString agentUrl
        = QSettings()
              .value(QStringLiteral("agent/publicUrl"),
                  agentProblem.isEmpty() && context.database().location().dialect == QLatin1String("sqlite")
                      ? agent.webhookBaseUrl()
                      : QString())
              .toString();
    MainWindow window({ context.database().location().display(), &context.operations(), &context.credentialService(),
        &context.access(), &context.providers(), &context.records(), &operationsModel, &timelineModel,
        &credentialsModel, &activity, demo ? sandbox.baseUrl() : QString(), &context.agentOperations(),
        &providerService, agentUrl, &reconciliation, &reconLedger, &reconStatement, &reconMatches, &reconExceptions,
        reconciliationReport });
    window.operationsWorkspace()->setRetryRuns(retryRuns);
    // The breakers live in the agent (in-process or another machine's); the console reads what it records.
    const CircuitBreakerReader breakers(
        providerService, [&context](const QString &providerId) -> Result<CircuitBreakerReader::RecordedChange> {
            auto latest = EventStore(context.database())
                              .latest(QStringLiteral("provider"), providerId, QStringLiteral("circuit_breaker."));
            if (!latest)
                return latest.error();
            return CircuitBreakerReader::RecordedChange { latest->type, latest->occurredAt, latest->note };
        });
    window.operationsWorkspace()->failuresView()->setCircuitBreakers(breakers);
    if (window.providersWorkspace())
        window.providersWorkspace()->setCircuitBreakers(breakers);
    // Webhooks the in-process agent takes in settle operations too; which ones it does not say.
    QObject::connect(&agent.receiver(), &WebhookReceiver::processed, &window, [&window](int events) {
        if (events > 0)
            window.operationsChanged({});
    });
    // Reopening in-process would rebuild every service, model and the agent under a live window;
    // a new process on the chosen database is simpler and cannot leave half of the old one behind.
    QObject::connect(&window, &MainWindow::openDatabaseRequested, &app, [&window](const QString &url) {
        QStringList arguments { QStringLiteral("--database"), url };
        if (!QProcess::startDetached(QApplication::applicationFilePath(), arguments)) {
            window.statusBar()->showMessage(QObject::tr("Could not start Reconsole on %1.").arg(url));
            return;
        }
        window.close();
    });
    window.show();
    if (!agentProblem.isEmpty())
        window.statusBar()->showMessage(agentProblem);
    if (!keychainProblem.isEmpty())
        QTimer::singleShot(0, &window, [&window, keychainProblem] {
            QMessageBox::warning(&window, QObject::tr("Keychain unavailable"),
                keychainProblem
                    + QObject::tr("\n\nRetries need the key and will say so; "
                                  "browsing and resolving work."));
        });
    const int settleMs = openRequested(window, parser);
    if (parser.isSet(QStringLiteral("screenshot")))
        scheduleScreenshot(
            window, parser.value(QStringLiteral("screenshot")), settleMs, parser.value(QStringLiteral("show")));
    return QApplication::exec();
}
