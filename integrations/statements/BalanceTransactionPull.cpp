#include "statements/BalanceTransactionPull.h"

#include "access/AccessPolicy.h"
#include "access/AuditLog.h"
#include "providers/PaymentsAdapter.h"
#include "providers/ProviderRegistry.h"
#include "providers/ProviderStore.h"
#include "providers/PullCursorStore.h"
#include "statements/BalanceTransactionLine.h"
#include "statements/StatementIdentity.h"
#include "statements/StatementPayouts.h"
#include "statements/StatementStore.h"
#include "store/Database.h"

#include <QDateTime>
#include <QHash>

#include <utility>

struct BalanceTransactionPull::Run
{
    PullRequest request;
    PullReport report;
    PullCursor cursor;
    bool backfill = false; // going from the newest back (a first pull), else forward from the cursor
    int stored = 0; // pages committed
    std::shared_ptr<PaymentsAdapter> adapter;
    QString actor;
    std::function<void(Result<PullReport>)> done;
    // The page in hand, until it is stored.
    ListPage page;
    QList<StatementLine> lines;
    QStringList payouts;
    QHash<QString, QList<StatementLine>> carried; // payout → the lines it carried

    bool payoutStream() const { return request.stream == PullRequest::Stream::Payouts; }
    QString what() const { return payoutStream() ? QStringLiteral("payouts") : QStringLiteral("balance transactions"); }
};

namespace {
using Run = std::shared_ptr<BalanceTransactionPull::Run>;

// One list page, a 429 waited out and asked again: the transport holds the provider's bucket for
// its Retry-After, so the next request leaves only when the provider said it may.
void listPage(
    const Run &r, bool payouts, const ListQuery &query, std::function<void(Result<ListPage>)> then, int attempt = 0)
{
    auto answered = [r, payouts, query, then, attempt](Result<ListPage> page) {
        if (!page && page.error().errorClass == ErrorClass::RateLimited
            && attempt < BalanceTransactionPull::kRateLimitRetries) {
            ++r->report.rateLimited;
            listPage(r, payouts, query, then, attempt + 1);
            return;
        }
        then(std::move(page));
    };
    if (payouts)
        r->adapter->listPayouts(query, answered);
    else
        r->adapter->listBalanceTransactions(query, answered);
}

// What a stop means for what is stored: the committed pages stay, and the cursor with them.
Error stopped(const Run &r, const Error &why)
{
    QString text = QStringLiteral("Pulling %1's %2 stopped at page %3: %4")
                       .arg(r->request.providerId, r->what())
                       .arg(r->stored + 1)
                       .arg(why.message);
    if (r->stored > 0)
        text
            += QStringLiteral(" The %1 page(s) before it are stored; the next pull goes on from there.").arg(r->stored);
    return failure(why.errorClass, text);
}
} // namespace

BalanceTransactionPull::BalanceTransactionPull(
    const Database &db, ProviderRegistry &providers, const AccessPolicy &access)
    : m_db(db)
    , m_providers(providers)
    , m_access(access)
{ }

BalanceTransactionPull::~BalanceTransactionPull() = default;

QString BalanceTransactionPull::streamName(const PullRequest &request)
{
    if (request.stream == PullRequest::Stream::Payouts)
        return QStringLiteral("payouts");
    return request.type.isEmpty() ? QStringLiteral("balance_transactions")
                                  : QStringLiteral("balance_transactions:type=") + request.type;
}

void BalanceTransactionPull::pull(const PullRequest &request, std::function<void(Result<PullReport>)> done)
{
    auto r = std::make_shared<Run>();
    r->request = request;
    r->request.pageSize = qBound(1, request.pageSize, 100);
    r->report.providerId = request.providerId;
    r->report.stream = streamName(request);
    r->actor = m_access.actor();
    r->done = std::move(done);
    const QString action
        = r->payoutStream() ? QStringLiteral("payouts.pull") : QStringLiteral("balance_transactions.pull");
    if (Status allowed
        = m_access.require(Permission::Reconcile, m_db, action, QStringLiteral("provider:") + request.providerId);
        !allowed) {
        finish(r, allowed.error());
        return;
    }
    auto provider = ProviderStore(m_db).get(request.providerId);
    if (!provider) {
        finish(r, provider.error());
        return;
    }
    if (!provider->enabled) {
        finish(r,
            failure(ErrorClass::State,
                QStringLiteral("Provider %1 is disabled: nothing was pulled from it. An admin enables it in the "
                               "Providers workspace or with `reconsolectl providers enable %1`.")
                    .arg(request.providerId)));
        return;
    }
    auto adapter = m_providers.adapterFor(request.providerId);
    if (!adapter) {
        finish(r, adapter.error());
        return;
    }
    r->adapter = std::dynamic_pointer_cast<PaymentsAdapter>(adapter.value());
    if (!r->adapter) {
        finish(r,
            failure(ErrorClass::Input,
                QStringLiteral("Provider %1 is of kind '%2': balance transactions and payouts come from a payments "
                               "provider.")
                    .arg(request.providerId, provider->kind)));
        return;
    }
    auto cursor = PullCursorStore(m_db).get(request.providerId, r->report.stream);
    if (!cursor) {
        finish(r, cursor.error());
        return;
    }
    r->cursor = cursor.value();
    r->backfill = r->cursor.newest.isEmpty() || !r->cursor.backfillAfter.isEmpty();
    if (!r->cursor.started() && request.since)
        r->cursor.since = QDateTime(*request.since, QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    r->report.sinceIgnored = request.since && r->cursor.started();
    r->adapter->prepare([this, r](Status prepared) {
        if (!prepared)
            finish(r, prepared.error()); // no key: nothing was asked
        else
            fetchPage(r);
    });
}

void BalanceTransactionPull::fetchPage(std::shared_ptr<Run> r)
{
    ListQuery query;
    query.limit = r->request.pageSize;
    query.type = r->request.type;
    if (r->backfill) {
        query.startingAfter = r->cursor.backfillAfter;
        query.createdGte = r->cursor.since > 0 ? r->cursor.since : -1;
    } else
        query.endingBefore = r->cursor.newest; // only what came after it
    listPage(r, r->payoutStream(), query, [this, r](Result<ListPage> page) {
        if (!page) {
            finish(r, stopped(r, page.error()));
            return;
        }
        ++r->report.pages;
        r->report.fetched += page->data.size();
        r->page = std::move(page).value();
        r->lines.clear();
        r->payouts.clear();
        r->carried.clear();
        const QString where = QStringLiteral("page %1 of %2").arg(r->report.pages).arg(r->page.request);
        for (const QJsonObject &item : std::as_const(r->page.data)) {
            if (r->payoutStream()) {
                r->payouts << item.value(QStringLiteral("id")).toString();
                continue;
            }
            auto line = BalanceTransactionLine::fromJson(item, where);
            if (!line) {
                finish(r, stopped(r, line.error()));
                return;
            }
            if (item.value(QStringLiteral("type")).toString() == QLatin1String("payout") && !line->payoutId.isEmpty())
                r->payouts << line->payoutId;
            r->lines << line.value();
        }
        linkPayouts(r, 0);
    });
}

void BalanceTransactionPull::linkPayouts(std::shared_ptr<Run> r, qsizetype next)
{
    if (next == r->payouts.size()) {
        storePage(r);
        return;
    }
    fetchCarried(r, r->payouts.at(next), {}, [this, r, next](Status fetched) {
        if (!fetched)
            finish(r, stopped(r, fetched.error()));
        else
            linkPayouts(r, next + 1);
    });
}

void BalanceTransactionPull::fetchCarried(
    std::shared_ptr<Run> r, const QString &payoutId, const QString &after, std::function<void(Status)> done)
{
    ListQuery query;
    query.payout = payoutId;
    query.startingAfter = after;
    query.limit = 100;
    listPage(r, false, query, [this, r, payoutId, done](Result<ListPage> page) {
        if (!page) {
            done(page.error());
            return;
        }
        QList<StatementLine> &lines = r->carried[payoutId];
        for (const QJsonObject &item : page->data) {
            auto line = BalanceTransactionLine::fromJson(item, page->request);
            if (!line) {
                done(line.error());
                return;
            }
            line.value().payoutId = payoutId;
            lines << line.value();
        }
        if (page->hasMore)
            fetchCarried(r, payoutId, page->data.last().value(QStringLiteral("id")).toString(), done);
        else
            done(success());
    });
}

void BalanceTransactionPull::storePage(std::shared_ptr<Run> r)
{
    if (r->page.data.isEmpty()) {
        finish(r, r->report); // nothing new: nothing to store or audit
        return;
    }
    // One statement per stream: the provider's account, its lines each once.
    Statement s;
    s.id = QStringLiteral("api:") + r->report.stream;
    s.account = r->request.providerId;
    QHash<QString, qsizetype> at; // txn id → its line, so a txn both listed and carried is one line
    const auto add = [&](const StatementLine &line) {
        if (const auto it = at.constFind(line.bankEntryId); it != at.constEnd())
            s.lines[*it] = line;
        else {
            at.insert(line.bankEntryId, s.lines.size());
            s.lines << line;
        }
    };
    for (const StatementLine &line : std::as_const(r->lines))
        add(line);
    for (const QString &payout : std::as_const(r->payouts))
        for (const StatementLine &line : r->carried.value(payout))
            add(line);
    StatementIdentity::assign(s);

    Transaction tx(m_db.connection());
    auto stored = StatementStore(m_db).store(tx, { s }, QStringLiteral("api"), r->page.request, r->actor);
    if (!stored) {
        finish(r, stopped(r, stored.error()));
        return;
    }
    // Lines pulled before their payout existed get it now.
    for (const QString &payout : std::as_const(r->payouts)) {
        QStringList identities;
        for (const StatementLine &line : r->carried.value(payout))
            identities << s.lines.at(at.value(line.bankEntryId)).identity;
        auto linked = StatementPayouts(m_db).link(s.account, identities, payout);
        if (!linked) {
            finish(r, stopped(r, linked.error()));
            return;
        }
    }
    PullCursor next = r->cursor;
    const QString first = r->page.data.first().value(QStringLiteral("id")).toString();
    if (r->backfill) {
        if (next.newest.isEmpty())
            next.newest = first; // the newest there is; the next pulls go on from it
        next.backfillAfter = r->page.hasMore ? r->page.data.last().value(QStringLiteral("id")).toString() : QString();
    } else
        next.newest = first;
    if (Status kept = PullCursorStore(m_db).set(r->request.providerId, r->report.stream, next, r->actor); !kept) {
        finish(r, stopped(r, kept.error()));
        return;
    }
    AuditEntry e;
    e.actor = r->actor;
    e.action = r->payoutStream() ? QStringLiteral("payouts.pull") : QStringLiteral("balance_transactions.pull");
    e.target = QStringLiteral("provider:") + r->request.providerId;
    e.reason = QStringLiteral("pulled %1").arg(r->page.request);
    e.after = QStringLiteral("%1 %2: %3 lines, %4 new, %5 already there; %6 payouts linked; cursor %7")
                  .arg(r->page.data.size())
                  .arg(r->what())
                  .arg(s.lines.size())
                  .arg(stored->linesImported)
                  .arg(stored->duplicatesSkipped)
                  .arg(r->payouts.size())
                  .arg(next.describe());
    if (Status committed = AuditLog(m_db).commitWith(tx, e, QStringLiteral("page %1 of the pull").arg(r->report.pages));
        !committed) {
        finish(r, stopped(r, committed.error()));
        return;
    }
    ++r->stored;
    r->cursor = next;
    r->report.linesNew += stored->linesImported;
    r->report.duplicates += stored->duplicatesSkipped;
    r->report.payoutsLinked += r->payouts.size();
    if (r->page.hasMore)
        fetchPage(r);
    else
        finish(r, r->report);
}

void BalanceTransactionPull::finish(const std::shared_ptr<Run> &r, Result<PullReport> result)
{
    auto done = std::exchange(r->done, nullptr);
    if (!done)
        return;
    if (result) {
        PullReport report = result.value();
        report.cursor = r->cursor.describe();
        result = report;
    }
    done(std::move(result));
}
