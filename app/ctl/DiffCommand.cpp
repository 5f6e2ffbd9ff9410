#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "records/DriftScanner.h"
#include "records/RecordService.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace {
using namespace Commands;

QJsonArray fieldsJson(const QList<FieldDiff> &fields, bool all)
{
    QJsonArray array;
    for (const FieldDiff &d : fields) {
        if (!all && !d.differs())
            continue;
        QJsonObject o = d.toJson();
        o.insert(QStringLiteral("explanation"), d.verdictText());
        array.append(o);
    }
    return array;
}

QString fieldLine(const FieldDiff &d)
{
    return QStringLiteral("%1  ours: %2  provider: %3  last webhook: %4  owner: %5  → %6%7\n")
        .arg(d.field.leftJustified(20), RecordDiff::shown(d.ours), RecordDiff::shown(d.provider), RecordDiff::shown(d.lastWebhook),
             RecordDiff::ownerName(d.owner), d.verdictText(),
             d.ignoredBecause.isEmpty() ? QString() : QStringLiteral(" (ignored: %1)").arg(d.ignoredBecause));
}
} // namespace

namespace Commands {

int diff(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Our record beside the provider's live object and the last "
                                                    "webhook's copy, field by field, with the owner of each field "
                                                    "and which side is wrong by that rule. With --accept, --push or "
                                                    "--ignore, fixes one field the way its owner allows."));
    AppContext::addDatabaseOption(parser);
    parser.addPositionalArgument(QStringLiteral("type"), QStringLiteral("contact or payment"));
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Contact: our customer id, e-mail or the CRM's id. "
                                                                      "Payment: operation id or the provider's pi_… id."));
    parser.addOption({QStringLiteral("provider"), QStringLiteral("The system to compare with (a contact linked to several)."),
                      QStringLiteral("id")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON instead of a table.")});
    parser.addOption({QStringLiteral("all"), QStringLiteral("Also the fields that agree.")});
    parser.addOption({QStringLiteral("accept"), QStringLiteral("Take the provider's value of FIELD into our record."),
                      QStringLiteral("field")});
    parser.addOption({QStringLiteral("push"), QStringLiteral("Send our value of FIELD to the provider as a new operation."),
                      QStringLiteral("field")});
    parser.addOption({QStringLiteral("ignore"), QStringLiteral("Leave FIELD's difference as it is (needs --reason)."),
                      QStringLiteral("field")});
    parser.addOption({QStringLiteral("reason"), QStringLiteral("Why, for the audit log (needed to ignore or settle a conflict)."),
                      QStringLiteral("text")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return fail(QStringLiteral("Usage: reconsolectl diff contact|payment ID [--json] [--all] "
                                   "[--accept FIELD | --push FIELD | --ignore FIELD --reason TEXT]"),
                    2);
    int actions = 0;
    for (const char *option : {"accept", "push", "ignore"})
        actions += parser.isSet(QLatin1String(option)) ? 1 : 0;
    if (actions > 1)
        return fail(QStringLiteral("Give one of --accept, --push and --ignore at a time."), 2);
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    RecordService &records = ctx.value()->records();
    auto compareNow = [&] {
        return await<Result<RecordComparison>>([&](auto done) {
            records.compare(positional.at(0), positional.at(1), parser.value(QStringLiteral("provider")), done);
        });
    };
    auto comparison = compareNow();
    if (!comparison)
        return fail(comparison.message());

    const QString reason = parser.value(QStringLiteral("reason"));
    if (parser.isSet(QStringLiteral("accept")) || parser.isSet(QStringLiteral("ignore"))) {
        const bool accepting = parser.isSet(QStringLiteral("accept"));
        const QString field = parser.value(accepting ? QStringLiteral("accept") : QStringLiteral("ignore"));
        Status done = accepting ? records.accept(comparison.value(), field, reason) : records.ignore(comparison.value(), field, reason);
        if (!done)
            return fail(done.message());
        err() << (accepting ? "Accepted the provider's " : "Ignoring the difference in ") << field << '.' << Qt::endl;
        comparison = compareNow();
    } else if (parser.isSet(QStringLiteral("push"))) {
        const QString field = parser.value(QStringLiteral("push"));
        const auto pushed = await<Result<Operation>>([&](auto done) { records.push(comparison.value(), field, done, reason); });
        if (!pushed)
            return fail(pushed.message());
        err() << "Operation " << pushed->id << " (key " << pushed->idempotencyKey << ") is "
              << OperationStates::name(pushed->state) << (pushed->lastError.isEmpty() ? QString() : QStringLiteral(": ") + pushed->lastError)
              << Qt::endl;
        if (pushed->state != OperationState::Succeeded)
            return 1; // it waits in the workbench to be retried
        comparison = compareNow();
    }
    if (!comparison)
        return fail(comparison.message());

    const RecordComparison &c = comparison.value();
    const bool all = parser.isSet(QStringLiteral("all"));
    if (parser.isSet(QStringLiteral("json"))) {
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
    return 0;
}

int drift(const QStringList &args)
{
    if (args.value(1) != QLatin1String("scan"))
        return fail(QStringLiteral("Usage: reconsolectl drift scan contact|payment --provider P [--restart] [--json]"), 2);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Compares every record of a type at the provider with ours, within "
                                                    "its rate limit, and lists the drifted ones. Resumes where a "
                                                    "stopped scan ended unless --restart."));
    AppContext::addDatabaseOption(parser);
    parser.addPositionalArgument(QStringLiteral("type"), QStringLiteral("contact or payment"));
    parser.addOption({QStringLiteral("provider"), QStringLiteral("The provider to scan (a CRM for contacts)."), QStringLiteral("p")});
    parser.addOption({QStringLiteral("restart"), QStringLiteral("Start from the first record.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON instead of a table.")});
    int code = 0;
    if (!parse(parser, QStringList{args.value(0) + QStringLiteral(" scan")} + args.mid(2), &code))
        return code;
    if (parser.positionalArguments().size() != 1 || parser.value(QStringLiteral("provider")).isEmpty())
        return fail(QStringLiteral("Give the record type and --provider, e.g. `drift scan contact --provider crm`."), 2);
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    DriftScanner scanner(ctx.value()->database(), ctx.value()->providers());
    QObject::connect(&scanner, &DriftScanner::progress, &scanner, [](int compared, int drifted) {
        err() << "\r" << compared << " compared, " << drifted << " drifted" << Qt::flush;
    });
    const auto report = await<Result<DriftReport>>([&](auto done) {
        scanner.scan(parser.positionalArguments().first(), parser.value(QStringLiteral("provider")),
                     parser.isSet(QStringLiteral("restart")), done);
    });
    err() << Qt::endl;
    if (!report)
        return fail(report.message() + QStringLiteral(" Run the scan again to resume."));
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const DriftedRecord &r : report.value().drifted) {
            const QJsonArray fields = fieldsJson(r.fields, true);
            array.append(QJsonObject{{QStringLiteral("entity"), r.entityId},
                                     {QStringLiteral("external_id"), r.externalId},
                                     {QStringLiteral("fields"), fields}});
        }
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const DriftedRecord &r : report.value().drifted)
            for (const FieldDiff &d : r.fields)
                out() << QStringLiteral("%1 (%2)  %3: ours %4, provider %5 → %6\n")
                             .arg(r.entityId.isEmpty() ? QStringLiteral("not ours") : r.entityId, r.externalId, d.field,
                                  RecordDiff::shown(d.ours), RecordDiff::shown(d.provider), d.verdictText());
        out() << report.value().compared << " compared in this run, " << report.value().drifted.size()
              << " drifted in all" << Qt::endl;
    }
    out().flush();
    return 0;
}

} // namespace Commands
