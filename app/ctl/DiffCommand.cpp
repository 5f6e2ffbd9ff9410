#include "AppContext.h"
#include "Commands.h"
#include "Database.h"
#include "DriftScanner.h"
#include "EventStore.h"
#include "OperationStore.h"
#include "ProviderAdapter.h"
#include "ProviderRegistry.h"
#include "RecordDiff.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>

namespace {
using namespace Commands;

QString shown(const QJsonValue &v)
{
    if (v.isUndefined())
        return QStringLiteral("—");
    if (v.isNull())
        return QStringLiteral("null");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    return v.toString();
}

// The object as the last webhook about the operation carried it.
QJsonObject lastWebhookObject(const Database &db, qint64 operationId)
{
    QJsonObject object;
    for (const Event &e : EventStore(db).forOperations({operationId}, {}).value_or({})) {
        if (e.channel != QLatin1String("webhook") && e.channel != QLatin1String("sync"))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(e.payload.toUtf8()).object()[QStringLiteral("data")]
                                  .toObject()[QStringLiteral("object")]
                                  .toObject();
        if (!o.isEmpty())
            object = o; // events come oldest first: the last one wins
    }
    return object;
}
} // namespace

namespace Commands {

int diff(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Our record beside the provider's live object and the last "
                                                    "webhook's copy, field by field, with the owner of each field "
                                                    "and which side is wrong by that rule."));
    AppContext::addDatabaseOption(parser);
    parser.addPositionalArgument(QStringLiteral("type"), QStringLiteral("payment"));
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("Operation id."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON instead of a table.")});
    parser.addOption({QStringLiteral("all"), QStringLiteral("Also the fields that agree.")});
    int code = 0;
    if (!parse(parser, args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2 || positional.first() != QLatin1String("payment"))
        return fail(QStringLiteral("Usage: reconsolectl diff payment OPERATION_ID [--json] (contacts come with the CRM "
                                   "provider)."),
                    2);
    auto ctx = AppContext::open(parser);
    if (!ctx)
        return fail(ctx.message());
    Database &db = ctx.value()->database();
    auto op = OperationStore(db).get(positional.at(1).toLongLong());
    if (!op)
        return fail(op.message());
    if (op->externalId.isEmpty())
        return fail(QStringLiteral("Operation %1 has no provider object yet (state %2): there is nothing to compare.")
                        .arg(op->id)
                        .arg(OperationStates::name(op->state)));
    auto adapter = ctx.value()->providers().adapterFor(op->providerId);
    if (!adapter)
        return fail(adapter.message());

    std::optional<Result<QJsonObject>> live;
    QEventLoop loop;
    adapter.value()->prepare([&](Status prepared) {
        if (!prepared) {
            live = Result<QJsonObject>(prepared.error());
            loop.quit();
            return;
        }
        adapter.value()->fetchRecord(op->externalId, [&](Result<QJsonObject> r) {
            live = r;
            loop.quit();
        });
    });
    if (!live)
        loop.exec();
    if (!*live)
        return fail(live->message());

    const auto diffs = RecordDiff::compare(FieldMap::defaults(QStringLiteral("payment")),
                                           RecordDiff::paymentRecordOf(op.value()), live->value(),
                                           lastWebhookObject(db, op->id));
    const bool all = parser.isSet(QStringLiteral("all"));
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const FieldDiff &d : diffs) {
            if (!all && d.verdict == FieldDiff::Verdict::InSync)
                continue;
            array.append(QJsonObject{{QStringLiteral("field"), d.field},
                                     {QStringLiteral("ours"), d.ours.isUndefined() ? QJsonValue() : d.ours},
                                     {QStringLiteral("provider"), d.provider.isUndefined() ? QJsonValue() : d.provider},
                                     {QStringLiteral("last_webhook"), d.lastWebhook.isUndefined() ? QJsonValue() : d.lastWebhook},
                                     {QStringLiteral("owner"), RecordDiff::ownerName(d.owner)},
                                     {QStringLiteral("verdict"), d.verdictText()}});
        }
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        int differing = 0;
        for (const FieldDiff &d : diffs) {
            differing += d.verdict == FieldDiff::Verdict::InSync ? 0 : 1;
            if (!all && d.verdict == FieldDiff::Verdict::InSync)
                continue;
            out() << QStringLiteral("%1  ours: %2  provider: %3  last webhook: %4  owner: %5  → %6\n")
                         .arg(d.field.leftJustified(16), shown(d.ours), shown(d.provider), shown(d.lastWebhook),
                              RecordDiff::ownerName(d.owner), d.verdictText());
        }
        if (differing == 0)
            out() << "Operation " << op->id << " agrees with " << op->externalId << " on every mapped field." << Qt::endl;
    }
    out().flush();
    return 0;
}

int drift(const QStringList &args)
{
    if (args.value(1) != QLatin1String("scan"))
        return fail(QStringLiteral("Usage: reconsolectl drift scan contact --provider P [--restart] [--json]"), 2);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Compares every record of a type at the provider with ours, within "
                                                    "its rate limit, and lists the drifted ones. Resumes where a "
                                                    "stopped scan ended unless --restart."));
    AppContext::addDatabaseOption(parser);
    parser.addPositionalArgument(QStringLiteral("type"), QStringLiteral("contact"));
    parser.addOption({QStringLiteral("provider"), QStringLiteral("The CRM provider id."), QStringLiteral("p")});
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
    std::optional<Result<DriftReport>> report;
    QEventLoop loop;
    scanner.scan(parser.positionalArguments().first(), parser.value(QStringLiteral("provider")),
                 parser.isSet(QStringLiteral("restart")), [&](Result<DriftReport> r) {
                     report = r;
                     loop.quit();
                 });
    if (!report)
        loop.exec();
    err() << Qt::endl;
    if (!*report)
        return fail(report->message() + QStringLiteral(" Run the scan again to resume."));
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const DriftedRecord &r : report->value().drifted) {
            QJsonArray fields;
            for (const FieldDiff &d : r.fields)
                fields.append(QJsonObject{{QStringLiteral("field"), d.field},
                                          {QStringLiteral("ours"), d.ours.isUndefined() ? QJsonValue() : d.ours},
                                          {QStringLiteral("provider"), d.provider.isUndefined() ? QJsonValue() : d.provider},
                                          {QStringLiteral("owner"), RecordDiff::ownerName(d.owner)},
                                          {QStringLiteral("verdict"), d.verdictText()}});
            array.append(QJsonObject{{QStringLiteral("entity"), r.entityId},
                                     {QStringLiteral("external_id"), r.externalId},
                                     {QStringLiteral("fields"), fields}});
        }
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    } else {
        for (const DriftedRecord &r : report->value().drifted)
            for (const FieldDiff &d : r.fields)
                out() << QStringLiteral("%1 (%2)  %3: ours %4, provider %5 → %6\n")
                             .arg(r.entityId.isEmpty() ? QStringLiteral("not ours") : r.entityId, r.externalId, d.field,
                                  shown(d.ours), shown(d.provider), d.verdictText());
        out() << report->value().compared << " compared, " << report->value().drifted.size() << " drifted" << Qt::endl;
    }
    out().flush();
    return 0;
}

} // namespace Commands
