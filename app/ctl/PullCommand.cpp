#include "AppContext.h"
#include "Await.h"
#include "Commands.h"
#include "Console.h"
#include "statements/BalanceTransactionPull.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {
using namespace Console;

Status checkPull(const QCommandLineParser &args)
{
    if (args.isSet(QStringLiteral("since"))
        && !QDate::fromString(args.value(QStringLiteral("since")), Qt::ISODate).isValid())
        return failure(ErrorClass::Input,
            QStringLiteral("--since must be a date as YYYY-MM-DD, not '%1'.").arg(args.value(QStringLiteral("since"))));
    return success();
}

int pull(const QCommandLineParser &args, AppContext &app, PullRequest::Stream stream)
{
    PullRequest request;
    request.providerId = args.value(QStringLiteral("provider"));
    request.stream = stream;
    if (args.isSet(QStringLiteral("since")))
        request.since = QDate::fromString(args.value(QStringLiteral("since")), Qt::ISODate);
    if (stream == PullRequest::Stream::BalanceTransactions)
        request.type = args.value(QStringLiteral("type"));
    BalanceTransactionPull puller(app.database(), app.providers(), app.access());
    const Result<PullReport> pulled = await<Result<PullReport>>([&](auto done) { puller.pull(request, done); });
    if (!pulled)
        return fail(pulled.message());
    const PullReport &r = pulled.value();
    if (args.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(
            QJsonObject { { QStringLiteral("provider"), r.providerId }, { QStringLiteral("stream"), r.stream },
                { QStringLiteral("fetched"), r.fetched }, { QStringLiteral("new_lines"), r.linesNew },
                { QStringLiteral("duplicates"), r.duplicates }, { QStringLiteral("pages"), r.pages },
                { QStringLiteral("payouts_linked"), r.payoutsLinked },
                { QStringLiteral("rate_limited"), r.rateLimited }, { QStringLiteral("since_ignored"), r.sinceIgnored },
                { QStringLiteral("cursor"), r.cursor } })
                     .toJson(QJsonDocument::Indented);
        return 0;
    }
    const QString what
        = stream == PullRequest::Stream::Payouts ? QStringLiteral("payouts") : QStringLiteral("balance transactions");
    out() << r.providerId << ' ' << what << ": " << r.fetched << " fetched in " << r.pages
          << (r.pages == 1 ? " page, " : " pages, ") << r.linesNew << " new lines, " << r.duplicates
          << " already there, " << r.payoutsLinked << " payouts linked";
    if (r.rateLimited > 0)
        out() << ", " << r.rateLimited << " rate-limited answers waited out";
    out() << "; cursor " << r.cursor << '.' << Qt::endl;
    if (r.sinceIgnored)
        out() << "--since applies to the first pull only: this one went on from the cursor." << Qt::endl;
    return 0;
}

QList<Option> pullOptions(bool types)
{
    QList<Option> options { { .name = QStringLiteral("provider"),
                                .description = QStringLiteral("The payments provider to pull from."),
                                .valueName = QStringLiteral("P"),
                                .required = true },
        { .name = QStringLiteral("since"),
            .description = QStringLiteral("The first pull goes back to this day (UTC); later pulls fetch what is new "
                                          "since the last."),
            .valueName = QStringLiteral("DATE") } };
    if (types)
        options << Option { .name = QStringLiteral("type"),
            .description = QStringLiteral("Only transactions of this type (charge, refund, payout, …), with a cursor "
                                          "of its own."),
            .valueName = QStringLiteral("T") };
    return options;
}
} // namespace

namespace Commands {

Command pull()
{
    const QString details = QStringLiteral(
        "A payments provider's balance transactions become statement lines of its account (the provider id), each "
        "once however often it is pulled: gross amount, fee, reporting category, and the payout that carried it. "
        "Each page is stored with its audit entry and the cursor; a pull that stops keeps the pages before, and "
        "the next goes on from there. Within the provider's rate limit. Needs the finance role; a disabled "
        "provider is refused.");
    return { .name = QStringLiteral("pull"),
        .summary = QStringLiteral("Pull a payments provider's balance transactions or payouts for reconciliation."),
        .subcommands = { { .name = QStringLiteral("balance-transactions"),
                             .summary = QStringLiteral("Pull the provider's balance transactions (charges, refunds, "
                                                       "payouts, fees) as its statement lines."),
                             .details = details,
                             .options = pullOptions(true),
                             .json = JsonOutput::OnRequest,
                             .check = checkPull,
                             .run = DatabaseHandler([](const QCommandLineParser &args, AppContext &app) {
                                 return ::pull(args, app, PullRequest::Stream::BalanceTransactions);
                             }) },
            { .name = QStringLiteral("payouts"),
                .summary = QStringLiteral("Pull the provider's payouts and link each to the balance transactions it "
                                          "carried."),
                .details = details,
                .options = pullOptions(false),
                .json = JsonOutput::OnRequest,
                .check = checkPull,
                .run = DatabaseHandler([](const QCommandLineParser &args, AppContext &app) {
                    return ::pull(args, app, PullRequest::Stream::Payouts);
                }) } } };
}

} // namespace Commands
