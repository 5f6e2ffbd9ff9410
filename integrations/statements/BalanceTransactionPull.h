#pragma once

#include "core/Result.h"

#include <QDate>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class AccessPolicy;
class Database;
class ProviderRegistry;

// What to pull from a payments provider: its balance transactions (all, or of one type, each
// its own cursor) or its payouts (each payout's transactions linked to it).
struct PullRequest
{
    enum class Stream
    {
        BalanceTransactions,
        Payouts,
    };
    QString providerId;
    Stream stream = Stream::BalanceTransactions;
    std::optional<QDate> since; // the first pull's floor (created on or after, UTC); later pulls continue
    QString type; // balance transactions of this type only
    int pageSize = 100;
};

struct PullReport
{
    QString providerId;
    QString stream; // as the cursor is kept: "balance_transactions", "balance_transactions:type=charge", "payouts"
    int fetched = 0; // objects the provider listed: balance transactions, or payouts
    int linesNew = 0;
    int duplicates = 0; // lines already there
    int pages = 0;
    int payoutsLinked = 0; // payouts whose transactions were linked to them
    int rateLimited = 0; // 429s waited out (the transport holds the provider's bucket for Retry-After)
    bool sinceIgnored = false; // --since given, but the stream was pulled before: it continues from its cursor
    QString cursor; // where the next pull starts
};

// Brings a payments provider's balance transactions in as statement lines of its account (the
// account is the provider id), a page at a time, each page stored with its audit entry and the
// cursor in one transaction: a pull that stops (a garbage page, the network, the database)
// keeps the pages before and the next pull goes on from there; nothing of a bad page is kept.
// A payout's transactions are listed (GET /v1/balance_transactions?payout=po_…) and linked to it.
// Needs the finance role; a disabled provider is not contacted.
class BalanceTransactionPull
{
public:
    BalanceTransactionPull(const Database &db, ProviderRegistry &providers, const AccessPolicy &access);
    ~BalanceTransactionPull();

    void pull(const PullRequest &request, std::function<void(Result<PullReport>)> done);

    static QString streamName(const PullRequest &request);
    // 429s in a row on one page before the pull gives up.
    static constexpr int kRateLimitRetries = 5;

    struct Run; // one pull's state, shared by its callbacks

private:
    void fetchPage(std::shared_ptr<Run> run);
    void linkPayouts(std::shared_ptr<Run> run, qsizetype next);
    void fetchCarried(
        std::shared_ptr<Run> run, const QString &payoutId, const QString &after, std::function<void(Status)> done);
    void storePage(std::shared_ptr<Run> run);
    static void finish(const std::shared_ptr<Run> &run, Result<PullReport> result);

    const Database &m_db;
    ProviderRegistry &m_providers;
    const AccessPolicy &m_access;
};
