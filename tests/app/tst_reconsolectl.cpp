// reconsolectl as a person runs it: real processes, exit codes and messages.
#include "CtlRunner.h"
#include "TestSupport.h"
#include "access/AuditLog.h"
#include "operations/OperationState.h"
#include "operations/OperationStore.h"
#include "records/CustomerStore.h"
#include "sandbox/DemoData.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

using Run = CtlRun;

namespace {

// A file of the repository, found by walking up from this source file (so the test keeps
// working wherever the tests move): the nearest `name` that contains `mark`.
QString repositoryFile(const QString &name, const QString &mark)
{
    QDir dir = QFileInfo(QStringLiteral(__FILE__)).absoluteDir();
    do {
        QFile file(dir.filePath(name));
        if (file.open(QIODevice::ReadOnly) && QString::fromUtf8(file.readAll()).contains(mark))
            return file.fileName();
    } while (dir.cdUp());
    return {};
}

QString readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// The listing under "Commands:" in a --help page, line by line.
QStringList commandsBlock(const QString &help)
{
    const QStringList lines = help.split(QLatin1Char('\n'));
    const qsizetype start = lines.indexOf(QStringLiteral("Commands:"));
    QStringList block;
    for (qsizetype i = start + 1; start >= 0 && i < lines.size() && !lines.at(i).isEmpty(); ++i)
        block << lines.at(i);
    return block;
}

// The command a synopsis line names: its words up to the first argument or option.
QStringList commandOf(const QString &synopsis)
{
    QStringList path;
    static const QRegularExpression word(QStringLiteral("^[a-z][a-z-]*$"));
    for (const QString &w : synopsis.split(QLatin1Char(' '), Qt::SkipEmptyParts).mid(1)) {
        if (!word.match(w).hasMatch())
            break;
        path << w;
    }
    return path;
}

// The lines of a README section, up to the next heading of its level.
QStringList readmeSection(const QString &readme, const QString &heading)
{
    QStringList section;
    bool inside = false;
    for (const QString &line : readme.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("## ")))
            inside = line == heading;
        else if (inside)
            section << line;
    }
    return section;
}

QStringList trimmed(const QStringList &lines)
{
    QStringList result;
    for (const QString &line : lines)
        result << line.trimmed();
    return result;
}
} // namespace

class TestReconsolectl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpAndUsage()
    {
        QCOMPARE(ctl({ QStringLiteral("--help") }).code, 0);
        const Run sub = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--help") });
        QCOMPARE(sub.code, 0);
        QVERIFY(sub.out.contains(QLatin1String("--database")));
        const Run unknown = ctl({ QStringLiteral("explode") });
        QCOMPARE(unknown.code, 2);
        QVERIFY(unknown.err.contains(QLatin1String("Usage")));
    }

    // The usage, every command's --help and the README's command list come from one table.
    void helpListsEveryCommand()
    {
        const Run help = ctl({ QStringLiteral("--help") });
        QCOMPARE(help.code, 0);
        const QStringList block = commandsBlock(help.out);
        QVERIFY2(!block.isEmpty(), qPrintable(help.out));
        QStringList listed;
        for (const QString &line : block) {
            if (line.startsWith(QLatin1String("  reconsolectl ")))
                listed << commandOf(line).join(QLatin1Char(' '));
        }
        for (const char *command : { "demo", "sandbox", "serve", "events list", "timeline", "ops list", "ops retry",
                 "ops resolve", "ops cancel", "audit verify", "audit export", "credentials list", "credentials add",
                 "credentials verify", "credentials rotate", "credentials revoke", "diff", "drift scan", "roles",
                 "roles set", "roles setup", "roles assign", "database password", "bench table", "bench webhooks",
                 "bench drift" })
            QVERIFY2(listed.contains(QLatin1String(command)), command);
        // Each entry's own --help starts from the same synopsis.
        for (const QString &line : block) {
            if (!line.startsWith(QLatin1String("  reconsolectl ")))
                continue;
            const Run own = ctl(commandOf(line) + QStringList { QStringLiteral("--help") });
            QCOMPARE(own.code, 0);
            QVERIFY2(own.out.contains(line.trimmed()), qPrintable(line + QStringLiteral(" / ") + own.out));
        }

        const Run ops = ctl({ QStringLiteral("ops"), QStringLiteral("--help") });
        QCOMPARE(ops.code, 0);
        for (const char *sub : { "list", "retry", "resolve", "cancel" })
            QVERIFY2(
                ops.out.contains(QStringLiteral("  reconsolectl ops %1").arg(QLatin1String(sub))), qPrintable(ops.out));
        const Run list = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--help") });
        QCOMPARE(list.code, 0);
        QVERIFY(list.out.startsWith(QLatin1String("Usage: reconsolectl ops list ")));
        QVERIFY(list.out.contains(QLatin1String("--state <s>")));
        QVERIFY(list.out.contains(QLatin1String("--json")));
        // --help may come first, as with any global option.
        QCOMPARE(ctl({ QStringLiteral("--help"), QStringLiteral("ops"), QStringLiteral("list") }).out, list.out);
    }

    // README.md's "Command line" shows the generated usage: every line of it, and no other.
    void readmeShowsTheGeneratedUsage()
    {
        const QString readmePath = repositoryFile(QStringLiteral("README.md"), QStringLiteral("\n## Command line\n"));
        QVERIFY2(!readmePath.isEmpty(), "README.md with a \"## Command line\" section not found above " __FILE__);
        const QStringList section = trimmed(readmeSection(readAll(readmePath), QStringLiteral("## Command line")));
        const QStringList usage = trimmed(commandsBlock(ctl({ QStringLiteral("--help") }).out));
        QVERIFY(!usage.isEmpty());
        for (const QString &line : usage)
            QVERIFY2(section.contains(line), qPrintable(QStringLiteral("README.md lacks: ") + line));
        for (const QString &line : section) {
            if (line.startsWith(QLatin1String("reconsolectl ")))
                QVERIFY2(usage.contains(line),
                    qPrintable(QStringLiteral("README.md has, reconsolectl --help not: ") + line));
        }
    }

    void versionIsPrinted()
    {
        const QString cmake
            = readAll(repositoryFile(QStringLiteral("CMakeLists.txt"), QStringLiteral("project(Reconsole")));
        const QString version
            = QRegularExpression(QStringLiteral("project\\(Reconsole VERSION ([0-9.]+)")).match(cmake).captured(1);
        QVERIFY(!version.isEmpty());
        const Run run = ctl({ QStringLiteral("--version") });
        QCOMPARE(run.code, 0);
        QCOMPARE(run.out, QStringLiteral("reconsolectl %1\n").arg(version));
    }

    // --database and --json before the command or after it; refused by name where they mean nothing.
    void globalOptionsBeforeOrAfterTheCommand()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(40)));
        const QString db = scratch.url();
        const QString database = QStringLiteral("--database");
        const QString json = QStringLiteral("--json");
        const QString ops = QStringLiteral("ops");
        const QString list = QStringLiteral("list");
        const Run after = ctl({ ops, list, json, database, db });
        QCOMPARE(after.code, 0);
        QCOMPARE(QJsonDocument::fromJson(after.out.toUtf8()).array().size(), 40);
        for (const QStringList &args : { QStringList { database, db, ops, list, json },
                 QStringList { json, database, db, ops, list }, QStringList { ops, database, db, list, json },
                 QStringList { database + QLatin1Char('=') + db, json, ops, list } }) {
            const Run before = ctl(args);
            QVERIFY2(before.code == 0, qPrintable(args.join(QLatin1Char(' ')) + QStringLiteral(": ") + before.err));
            QCOMPARE(before.out, after.out);
        }
        const Run table = ctl({ database, db, ops, list });
        QCOMPARE(table.code, 0);
        QVERIFY(table.out.startsWith(QLatin1String("     ID  STATE")));

        const Run noJson = ctl({ json, QStringLiteral("audit"), QStringLiteral("verify"), database, db });
        QCOMPARE(noJson.code, 2);
        QVERIFY2(noJson.err.contains(QLatin1String("'audit verify' prints no JSON; leave out --json")),
            qPrintable(noJson.err));
        const Run noDatabase
            = ctl({ database, db, QStringLiteral("sandbox"), QStringLiteral("--port"), QStringLiteral("0") });
        QCOMPARE(noDatabase.code, 2);
        QVERIFY2(noDatabase.err.contains(QLatin1String("'sandbox' uses no database")), qPrintable(noDatabase.err));
    }

    // A slip of the keyboard is named, with what was probably meant.
    void unknownNamesAreSuggested()
    {
        const Run command = ctl({ QStringLiteral("opps") });
        QCOMPARE(command.code, 2);
        QVERIFY2(command.err.startsWith(QLatin1String("reconsolectl: unknown command 'opps'; did you mean 'ops'? "
                                                      "(see reconsolectl --help)\nUsage: reconsolectl ")),
            qPrintable(command.err));
        const Run sub = ctl({ QStringLiteral("ops"), QStringLiteral("retyr"), QStringLiteral("1") });
        QCOMPARE(sub.code, 2);
        QVERIFY2(sub.err.contains(QLatin1String(
                     "unknown command 'ops retyr'; did you mean 'ops retry'? (see reconsolectl ops --help)")),
            qPrintable(sub.err));
        const Run option = ctl(
            { QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--stat"), QStringLiteral("failed") });
        QCOMPARE(option.code, 2);
        QVERIFY2(option.err.contains(QLatin1String(
                     "unknown option '--stat'; did you mean '--state'? (see reconsolectl ops list --help)")),
            qPrintable(option.err));
        QVERIFY2(
            option.err.contains(QLatin1String("\nUsage: reconsolectl ops list [--state S]")), qPrintable(option.err));
        const Run global = ctl(
            { QStringLiteral("--databse"), QStringLiteral("x.sqlite"), QStringLiteral("ops"), QStringLiteral("list") });
        QCOMPARE(global.code, 2);
        QVERIFY2(global.err.contains(QLatin1String("did you mean '--database'?")), qPrintable(global.err));

        const Run farOff = ctl({ QStringLiteral("explode") });
        QCOMPARE(farOff.code, 2);
        QVERIFY(farOff.err.contains(QLatin1String("unknown command 'explode' (see reconsolectl --help)")));
        const Run noSub = ctl({ QStringLiteral("ops") });
        QCOMPARE(noSub.code, 2);
        QVERIFY2(noSub.err.contains(QLatin1String("'ops' needs one of: list, retry, plan, runs, groups, submit, "
                                                  "resolve, cancel (see reconsolectl ops --help)")),
            qPrintable(noSub.err));
        // The option that takes a secret only to refuse it is never offered.
        const Run hidden = ctl(
            { QStringLiteral("credentials"), QStringLiteral("add"), QStringLiteral("--secrets"), QStringLiteral("x") });
        QCOMPARE(hidden.code, 2);
        QVERIFY2(!hidden.err.contains(QLatin1String("'--secret'")), qPrintable(hidden.err));
    }

    // A mistake is named with what would work instead, never answered with the whole usage.
    void mistakesSayWhatWasWrong()
    {
        const auto refused = [](const QStringList &args, const QString &expected) {
            const Run r = ctl(args);
            const QString what = args.join(QLatin1Char(' ')) + QStringLiteral(" → ") + r.err;
            QVERIFY2(r.code == 2, qPrintable(what));
            QVERIFY2(r.err.contains(expected), qPrintable(what));
            QVERIFY2(!r.err.contains(QLatin1String("Commands:")) && r.out.isEmpty(), qPrintable(what));
        };
        const QString ops = QStringLiteral("ops");
        const QString list = QStringLiteral("list");
        const QString state = QStringLiteral("--state");
        const QString failed = QStringLiteral("failed");
        // An option before the command it belongs to: the command line that works.
        refused({ state, failed, ops, list },
            QStringLiteral("'--state' belongs to 'ops list' and comes after it: reconsolectl ops list --state failed "
                           "(see reconsolectl ops list --help)"));
        refused({ QStringLiteral("--json"), state, failed, ops, list },
            QStringLiteral("comes after it: reconsolectl --json ops list --state failed"));
        refused({ ops, state, failed, list }, QStringLiteral("comes after it: reconsolectl ops list --state failed"));
        refused({ state, failed },
            QStringLiteral("'--state' is an option of 'ops list', 'ops plan', 'ops groups list'; give it after the "
                           "command's name"));
        refused({ QStringLiteral("--stat"), failed, ops, list },
            QStringLiteral("unknown option '--stat'; did you mean '--state'? (see reconsolectl ops list --help)"));
        // Unknown commands, sub-commands and options, with the closest known one.
        refused({ QStringLiteral("opz") }, QStringLiteral("unknown command 'opz'; did you mean 'ops'?"));
        refused(
            { ops, QStringLiteral("lisst") }, QStringLiteral("unknown command 'ops lisst'; did you mean 'ops list'?"));
        refused({ ops, list, QStringLiteral("--limt"), QStringLiteral("3") },
            QStringLiteral("unknown option '--limt'; did you mean '--limit'?"));
        // Missing and unexpected values.
        refused({ ops, list, state },
            QStringLiteral("'--state' needs a value: --state S (see reconsolectl ops list --help)"));
        refused({ QStringLiteral("--database") }, QStringLiteral("'--database' needs a value: --database URL"));
        refused({ ops, list, QStringLiteral("--json=yes") }, QStringLiteral("'--json' takes no value"));
        refused({ ops, list, QStringLiteral("--limit"), QStringLiteral("abc") },
            QStringLiteral("--limit must be a positive number."));
        refused({ QStringLiteral("events"), list, QStringLiteral("--limit"), QStringLiteral("0") },
            QStringLiteral("--limit must be a positive number."));
        refused({ QStringLiteral("sandbox"), QStringLiteral("--create") },
            QStringLiteral("'sandbox' creates no database; leave out --create"));
    }

    // A mistyped --database is an error that names the path and how to make one; no folder,
    // no file appears. Only migrate, demo and --create make a database.
    void missingDatabaseIsNeverCreated()
    {
        QTemporaryDir dir;
        const QString typo = dir.filePath(QStringLiteral("tpyo/reconsole.sqlite"));
        const QString explained = QStringLiteral("No database at %1. Create one with `reconsolectl migrate --database "
                                                 "%1`, or fill one with demo data: `reconsolectl demo --database %1`")
                                      .arg(typo);
        for (const QStringList &command : { QStringList { QStringLiteral("ops"), QStringLiteral("list") },
                 QStringList { QStringLiteral("ops"), QStringLiteral("retry"), QStringLiteral("1") },
                 QStringList { QStringLiteral("audit"), QStringLiteral("verify") },
                 QStringList { QStringLiteral("credentials"), QStringLiteral("list") },
                 QStringList { QStringLiteral("events"), QStringLiteral("list") },
                 QStringList { QStringLiteral("timeline"), QStringLiteral("ORD-1") },
                 QStringList { QStringLiteral("diff"), QStringLiteral("payment"), QStringLiteral("1") },
                 QStringList { QStringLiteral("drift"), QStringLiteral("scan"), QStringLiteral("payment") },
                 QStringList { QStringLiteral("roles") },
                 QStringList { QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0") } }) {
            const Run r = ctl(command + QStringList { QStringLiteral("--database"), typo }, {}, 20000);
            const QString what = command.join(QLatin1Char(' ')) + QStringLiteral(" → ") + r.err;
            QVERIFY2(r.code == 1, qPrintable(what));
            QVERIFY2(r.err.contains(explained), qPrintable(what));
            QVERIFY2(!QFileInfo::exists(dir.filePath(QStringLiteral("tpyo"))), qPrintable(what));
        }
        // An empty one (a variable that was not set) is not the default database either.
        const Run empty = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--database=") });
        QCOMPARE(empty.code, 1);
        QVERIFY2(empty.err.contains(QLatin1String("The database path is empty")), qPrintable(empty.err));
        const Run created = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--create"),
            QStringLiteral("--database"), typo });
        QVERIFY2(created.code == 0, qPrintable(created.err));
        QVERIFY(QFileInfo::exists(typo));

        const QString fresh = dir.filePath(QStringLiteral("new/team.sqlite"));
        const Run migrated = ctl({ QStringLiteral("migrate"), QStringLiteral("--database"), fresh });
        QVERIFY2(migrated.code == 0, qPrintable(migrated.err));
        QVERIFY2(migrated.out.startsWith(QStringLiteral("sqlite:%1 is at schema version ").arg(fresh)),
            qPrintable(migrated.out));
        const Run none = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--json"),
            QStringLiteral("--database"), fresh });
        QCOMPARE(none.code, 0);
        QVERIFY(QJsonDocument::fromJson(none.out.toUtf8()).isArray());
        QVERIFY(QJsonDocument::fromJson(none.out.toUtf8()).array().isEmpty());
    }

    // After `reconsole --demo`, a plain `reconsolectl ops list` says where the demo's data is
    // and the --database that opens it; both demos agree where that is. The console still makes
    // its own default database on a fresh machine, but not one a mistyped --database names.
    void theCommandLineFindsTheDemo()
    {
        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("RECONSOLE_NO_DIALOGS"), QStringLiteral("1"));
        const QString data = home.filePath(QStringLiteral("data/Reconsole/reconsole"));
        const QString defaultDb = data + QStringLiteral("/reconsole.sqlite");
        const QString demoDb = data + QStringLiteral("/demo.sqlite");
        const QString console = QFileInfo(QStringLiteral(RECONSOLECTL)).dir().filePath(QStringLiteral("reconsole"));
        QVERIFY2(QFileInfo(console).isExecutable(), qPrintable(console));
        const auto reconsolectl
            = [&](const QStringList &args) { return runProgram(QStringLiteral(RECONSOLECTL), args, env); };

        const Run nothing = reconsolectl({ QStringLiteral("ops"), QStringLiteral("list") });
        QCOMPARE(nothing.code, 1);
        QVERIFY2(nothing.err.contains(QStringLiteral("No database at %1 (the default). Create it with `reconsolectl "
                                                     "migrate`, or try the demo: `reconsole --demo`")
                                          .arg(defaultDb)),
            qPrintable(nothing.err));
        QVERIFY(!QFileInfo::exists(defaultDb)); // (its folder holds the logs)

        // Both demos name the same file (help text wraps long paths, so compare without spaces).
        const auto flat = [](QString text) { return text.remove(QRegularExpression(QStringLiteral("\\s+"))); };
        QVERIFY2(flat(reconsolectl({ QStringLiteral("demo"), QStringLiteral("--help") }).out).contains(flat(demoDb)),
            "reconsolectl demo does not default to the demo's database");
        QVERIFY2(flat(runProgram(console, { QStringLiteral("--help") }, env).out).contains(flat(demoDb)),
            "reconsole --demo does not name the demo's database");

        const QString shot = home.filePath(QStringLiteral("demo.png"));
        const Run demo
            = runProgram(console, { QStringLiteral("--demo"), QStringLiteral("--screenshot"), shot }, env, {}, 180000);
        QVERIFY2(demo.code == 0 && QFileInfo::exists(demoDb), qPrintable(demo.err));
        const Run pointed = reconsolectl({ QStringLiteral("ops"), QStringLiteral("list") });
        QCOMPARE(pointed.code, 1);
        QVERIFY2(pointed.err.contains(QStringLiteral("The demo's data is in %1: add `--database %1`.").arg(demoDb)),
            qPrintable(pointed.err));
        const Run listed = reconsolectl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--json"),
            QStringLiteral("--database"), demoDb });
        QCOMPARE(listed.code, 0);
        QVERIFY(QJsonDocument::fromJson(listed.out.toUtf8()).array().size() > 100);

        // The console refuses a --database that names nothing, and says so on stderr.
        const QString typo = home.filePath(QStringLiteral("tpyo/x.sqlite"));
        const Run mistyped = runProgram(console, { QStringLiteral("--database"), typo }, env, {}, 30000);
        QCOMPARE(mistyped.code, 1);
        QVERIFY2(mistyped.err.contains(QStringLiteral("No database at %1. Create one with `reconsolectl migrate "
                                                      "--database %1`")
                                           .arg(typo)),
            qPrintable(mistyped.err));
        QVERIFY(!QFileInfo::exists(home.filePath(QStringLiteral("tpyo"))));
        // Without --database it starts on a fresh machine, on a database of its own.
        const Run first = runProgram(
            console, { QStringLiteral("--screenshot"), home.filePath(QStringLiteral("first.png")) }, env, {}, 60000);
        QVERIFY2(first.code == 0 && QFileInfo::exists(defaultDb), qPrintable(first.err));
        QCOMPARE(reconsolectl({ QStringLiteral("ops"), QStringLiteral("list") }).code, 0);
    }

    // One vocabulary: the machine names in and out, the console's labels accepted too, in any case.
    void statesByNameOrLabel()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(500)));
        const QString db = scratch.url();
        const auto listed = [&](const QString &state) {
            return ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"), state,
                QStringLiteral("--json"), QStringLiteral("--database"), db });
        };
        const Run byName = listed(QStringLiteral("failed_permanent"));
        QCOMPARE(byName.code, 0);
        const QJsonArray rows = QJsonDocument::fromJson(byName.out.toUtf8()).array();
        QVERIFY(!rows.isEmpty());
        for (const QJsonValue &row : rows)
            QCOMPARE(row.toObject()[QStringLiteral("state")].toString(), QStringLiteral("failed_permanent"));
        for (const QString &typed : { OperationStates::label(OperationState::FailedPermanent),
                 QStringLiteral("FAILED_PERMANENT"), QStringLiteral("failed permanently") }) {
            const Run r = listed(typed);
            QVERIFY2(r.code == 0, qPrintable(typed + QStringLiteral(": ") + r.err));
            QCOMPARE(r.out, byName.out);
        }
        // `failed` stays every state that needs a person, as the console's "Needs action (failed)".
        const Run needing = listed(QStringLiteral("failed"));
        QCOMPARE(listed(QStringLiteral("Failed")).out, needing.out);
        QVERIFY(QJsonDocument::fromJson(needing.out.toUtf8()).array().size() > rows.size());
        const Run mixed = listed(QStringLiteral("Unknown outcome,needs_attention"));
        QVERIFY2(mixed.code == 0, qPrintable(mixed.err));
        // The help lists the names, as typed.
        const Run help = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--help") });
        for (OperationState s : OperationStates::all())
            QVERIFY2(help.out.contains(OperationStates::name(s)), qPrintable(OperationStates::name(s)));
    }

    // With the sandbox stopped, a diff or a scan says the provider could not be reached, and
    // where; only a real 404 says the record is missing. Scans suggest only providers that exist.
    void errorsSayWhatHappened()
    {
        REQUIRE_SECRET_SERVICE();
        START_CTL_DEMO(world, QStringLiteral("errors.sqlite"), 50);
        QString payment;
        {
            auto opened = Database::open(world.db);
            QVERIFY(CustomerStore(*opened.value())
                        .linkExternal(QStringLiteral("customer"), QStringLiteral("CUS-0001"),
                            QStringLiteral("crm-sandbox"), QStringLiteral("112")));
            QSqlQuery q(opened.value()->connection());
            QVERIFY(q.exec(QStringLiteral("SELECT id FROM operations WHERE external_id <> '' LIMIT 1")) && q.next());
            payment = q.value(0).toString();
        }
        const QStringList onDb { QStringLiteral("--database"), world.db };
        const QStringList contact { QStringLiteral("diff"), QStringLiteral("contact"), QStringLiteral("CUS-0001") };
        // Up, the CRM answers 404: that, and only that, is "no contact".
        const Run missing = ctl(contact + onDb);
        QCOMPARE(missing.code, 1);
        QVERIFY2(missing.err.contains(QLatin1String("The CRM has no contact 112.")), qPrintable(missing.err));
        QVERIFY2(!missing.err.contains(QLatin1String("try again")), qPrintable(missing.err));

        world.sandbox.terminate();
        QVERIFY(world.sandbox.waitForFinished(10000));
        const Run down = ctl(contact + onDb);
        QCOMPARE(down.code, 1);
        QVERIFY2(down.err.contains(QStringLiteral("Could not reach the CRM at %1: connection refused. Is the sandbox "
                                                  "running?")
                                       .arg(world.url)),
            qPrintable(down.err));
        QVERIFY2(!down.err.contains(QLatin1String("no contact")), qPrintable(down.err));
        const Run paymentDown = ctl(QStringList { QStringLiteral("diff"), QStringLiteral("payment"), payment } + onDb);
        QCOMPARE(paymentDown.code, 1);
        QVERIFY2(paymentDown.err.contains(
                     QStringLiteral("Could not reach the payments provider at %1: connection refused.").arg(world.url)),
            qPrintable(paymentDown.err));

        const QStringList scan { QStringLiteral("drift"), QStringLiteral("scan"), QStringLiteral("contact") };
        const Run scanDown = ctl(scan + onDb); // the only CRM there is
        QCOMPARE(scanDown.code, 1);
        QVERIFY2(
            scanDown.err.contains(QStringLiteral("Could not reach the CRM at %1: connection refused.").arg(world.url)),
            qPrintable(scanDown.err));
        const Run noSuch = ctl(scan + QStringList { QStringLiteral("--provider"), QStringLiteral("crm") } + onDb);
        QCOMPARE(noSuch.code, 2);
        QVERIFY2(noSuch.err.contains(QLatin1String("No provider 'crm' in sqlite:"))
                && noSuch.err.contains(QLatin1String("Use --provider crm-sandbox.")),
            qPrintable(noSuch.err));
        const Run wrongKind
            = ctl(scan + QStringList { QStringLiteral("--provider"), QStringLiteral("stripe-sandbox") } + onDb);
        QCOMPARE(wrongKind.code, 2);
        QVERIFY2(wrongKind.err.contains(QLatin1String(
                     "Provider stripe-sandbox is a payments provider; contact records live at a CRM provider. Use "
                     "--provider crm-sandbox.")),
            qPrintable(wrongKind.err));
    }

    void listsAndRefusesBadInput()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QVERIFY(OperationStore(*scratch.db()).insertMany(DemoData().operations(500)));
        const QString db = scratch.url();

        const Run json = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"),
            QStringLiteral("failed"), QStringLiteral("--json"), QStringLiteral("--database"), db });
        QCOMPARE(json.code, 0);
        const QJsonArray rows = QJsonDocument::fromJson(json.out.toUtf8()).array();
        QSqlQuery q(scratch.db()->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM operations WHERE state <> 'succeeded'")) && q.next());
        QCOMPARE(rows.size(), q.value(0).toInt());
        QVERIFY(!rows.isEmpty());
        QVERIFY(!rows.first().toObject()[QStringLiteral("last_error")].toString().isEmpty());

        const Run badState = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--state"),
            QStringLiteral("exploded"), QStringLiteral("--database"), db });
        QCOMPARE(badState.code, 2);
        QVERIFY(badState.err.contains(QLatin1String("unknown_outcome")));

        const Run noReason = ctl({ QStringLiteral("ops"), QStringLiteral("resolve"), QStringLiteral("1"),
            QStringLiteral("--database"), db });
        QCOMPARE(noReason.code, 2);
        QVERIFY(noReason.err.contains(QLatin1String("--reason")));

        const Run noIds = ctl({ QStringLiteral("ops"), QStringLiteral("retry"), QStringLiteral("--database"), db });
        QCOMPARE(noIds.code, 2);
    }

    void auditVerifyReportsTheFirstBrokenLink()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        AuditLog audit(*scratch.db());
        for (int i = 0; i < 3; ++i)
            QVERIFY(audit.append({ 0, 0, QStringLiteral("alice"), QStringLiteral("operation.resolve"),
                QStringLiteral("operation:%1").arg(i), QStringLiteral("why"), {}, {}, {}, {} }));
        const Run intact
            = ctl({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--database"), scratch.url() });
        QCOMPARE(intact.code, 0);
        QVERIFY(intact.out.contains(QLatin1String("3 entries")));
        QSqlQuery q(scratch.db()->connection());
        QVERIFY(q.exec(QStringLiteral("DROP TRIGGER audit_log_no_update"))); // what an attacker with the file would do
        QVERIFY(q.exec(QStringLiteral("UPDATE audit_log SET actor = 'mallory' WHERE id = 2")));
        const Run broken
            = ctl({ QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--database"), scratch.url() });
        QCOMPARE(broken.code, 3);
        QVERIFY2(broken.err.contains(QLatin1String("entry 2 was changed")), qPrintable(broken.err));
    }

    void newerSchemaIsRefused()
    {
        SCRATCH_DATABASE(scratch, QStringLiteral("sqlite"));
        QSqlQuery q(scratch.db()->connection());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version VALUES (999, 0)")));
        const Run run
            = ctl({ QStringLiteral("ops"), QStringLiteral("list"), QStringLiteral("--database"), scratch.url() });
        QCOMPARE(run.code, 1);
        QVERIFY(run.err.contains(QLatin1String("upgrade Reconsole")));
    }
};

QTEST_GUILESS_MAIN(TestReconsolectl)
#include "tst_reconsolectl.moc"
