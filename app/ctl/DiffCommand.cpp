#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "Console.h"
#include "DiffOutput.h"
#include "records/RecordService.h"

#include <QJsonDocument>

namespace {
using namespace Console;

QString fieldLine(const FieldDiff &d)
{
    return QStringLiteral("%1  ours: %2  provider: %3  last webhook: %4  owner: %5  → %6%7\n")
        .arg(d.field.leftJustified(20), RecordDiff::shown(d.ours), RecordDiff::shown(d.provider),
            RecordDiff::shown(d.lastWebhook), RecordDiff::ownerName(d.owner), d.verdictText(),
            d.ignoredBecause.isEmpty() ? QString() : QStringLiteral(" (ignored: %1)").arg(d.ignoredBecause));
}

Status checkDiff(const QCommandLineParser &args)
{
    int actions = 0;
    for (const char *option : { "accept", "push", "ignore" })
        actions += args.isSet(QLatin1String(option)) ? 1 : 0;
    if (actions > 1)
        return failure(ErrorClass::Input, QStringLiteral("Give one of --accept, --push and --ignore at a time."));
    return success();
}

void print(const RecordComparison &c, const QCommandLineParser &args)
{
    const bool all = args.isSet(QStringLiteral("all"));
    if (args.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(fieldsJson(c.fields, all)).toJson(QJsonDocument::Indented);
    } else {
        for (const FieldDiff &d : c.fields) {
            if (all || d.differs())
                out() << fieldLine(d);
        }
        if (c.differing() == 0)
            out() << c.ours.entityType << ' ' << c.ours.entityId << " agrees with " << c.ours.externalId << " at "
                  << c.ours.providerId << " on every mapped field that asks for a decision." << Qt::endl;
    }
    out().flush();
}

// Settles one field as the options say; returns the exit code to stop with, or -1 to go on.
int fix(RecordService &records, const RecordComparison &comparison, const QCommandLineParser &args)
{
    const QString reason = args.value(QStringLiteral("reason"));
    if (args.isSet(QStringLiteral("accept")) || args.isSet(QStringLiteral("ignore"))) {
        const bool accepting = args.isSet(QStringLiteral("accept"));
        const QString field = args.value(accepting ? QStringLiteral("accept") : QStringLiteral("ignore"));
        Status done = accepting ? records.accept(comparison, field, reason) : records.ignore(comparison, field, reason);
        if (!done)
            return fail(done.message());
        err() << (accepting ? "Accepted the provider's " : "Ignoring the difference in ") << field << '.' << Qt::endl;
        return -1;
    }
    const QString field = args.value(QStringLiteral("push"));
    const auto pushed = await<Result<Operation>>([&](auto done) { records.push(comparison, field, done, reason); });
    if (!pushed)
        return fail(pushed.message());
    err() << "Operation " << pushed->id << " (key " << pushed->idempotencyKey << ") is "
          << OperationStates::name(pushed->state)
          << (pushed->lastError.isEmpty() ? QString() : QStringLiteral(": ") + pushed->lastError) << Qt::endl;
    return pushed->state == OperationState::Succeeded ? -1 : 1; // else it waits in the workbench to be retried
}

int diff(const QCommandLineParser &args, AppContext &app)
{
    const QStringList positional = args.positionalArguments();
    RecordService &records = app.records();
    auto compareNow = [&] {
        return await<Result<RecordComparison>>([&](auto done) {
            records.compare(positional.at(0), positional.at(1), args.value(QStringLiteral("provider")), done);
        });
    };
    auto comparison = compareNow();
    if (!comparison)
        return fail(comparison.message());
    if (args.isSet(QStringLiteral("accept")) || args.isSet(QStringLiteral("ignore"))
        || args.isSet(QStringLiteral("push"))) {
        if (const int code = fix(records, comparison.value(), args); code >= 0)
            return code;
        comparison = compareNow();
        if (!comparison)
            return fail(comparison.message());
    }
    print(comparison.value(), args);
    return 0;
}
} // namespace

namespace Commands {

Command diff()
{
    const auto field = [](const QString &name, const QString &description) {
        return Option { .name = name, .description = description, .valueName = QStringLiteral("field") };
    };
    return { .name = QStringLiteral("diff"),
        .summary = QStringLiteral("Our record beside the provider's and the last webhook's copy, field by field."),
        .details = QStringLiteral("Each field shows its owner and which side is wrong by that rule. With --accept, "
                                  "--push or --ignore, fixes one field the way its owner allows."),
        .options = { { .name = QStringLiteral("provider"),
                         .description = QStringLiteral("The system to compare with (a contact linked to several)."),
                         .valueName = QStringLiteral("p") },
            { .name = QStringLiteral("all"), .description = QStringLiteral("Also the fields that agree.") },
            field(QStringLiteral("accept"), QStringLiteral("Take the provider's value of FIELD into our record.")),
            field(
                QStringLiteral("push"), QStringLiteral("Send our value of FIELD to the provider as a new operation.")),
            field(QStringLiteral("ignore"), QStringLiteral("Leave FIELD's difference as it is (needs --reason).")),
            { .name = QStringLiteral("reason"),
                .description = QStringLiteral("Why, for the audit log (needed to ignore or settle a conflict)."),
                .valueName = QStringLiteral("text") } },
        .arguments
        = { { .name = QStringLiteral("contact|payment"), .description = QStringLiteral("The kind of record.") },
            { .name = QStringLiteral("ID"),
                .description = QStringLiteral("Contact: our customer id, e-mail or the CRM's id. Payment: "
                                              "operation id, our order id or the provider's pi_… id.") } },
        .json = JsonOutput::OnRequest,
        .check = checkDiff,
        .run = DatabaseHandler(::diff) };
}

} // namespace Commands
