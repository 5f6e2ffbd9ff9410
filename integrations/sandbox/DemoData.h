#pragma once

#include "core/Result.h"
#include "operations/Operation.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

class Database;
struct DemoFailure;

// One operation of the demo's history as it is to happen: submitted pending at its time, then
// run once per entry of `runs` (the first send, then the agent's scheduled retries), each time
// with that fault queued at the sandbox ("" for none; see SandboxFault).
struct DemoStory
{
    Operation operation;
    QStringList runs;
    int refundOf = -1; // a refund: the index of the story whose payment it refunds
    const DemoFailure *failure = nullptr; // none: it goes through
};

// Realistic data for a small shop: payments and refunds, about 5 % of them failed across the
// error classes (declines, rate limits, lost answers with unknown outcome, server errors).
// stories() is the demo's history to be run against the sandbox (DemoHistory); operations() are
// the same orders as rows already in their final state, without attempts, for tables and
// benchmarks that need many rows and no network.
class DemoData
{
public:
    static constexpr auto kProviderId = "stripe-sandbox";
    static constexpr auto kCredentialId = "stripe-sandbox-test";
    static constexpr auto kCrmProviderId = "crm-sandbox";
    static constexpr auto kCrmCredentialId = "crm-sandbox-token";
    // A month of a small shop, about 50 orders a day: run for real on the first start (DemoHistory).
    static constexpr int kMonthOfOrders = 1500;

    explicit DemoData(quint32 seed = 20261127);

    // `count` orders spread over the last `days` days, oldest first, as they are to happen.
    // Among them the charges left needing attention by 3-D Secure that the customer completed
    // later: the provider's copy says succeeded, the record diff shows both.
    QList<DemoStory> stories(int count, int days = 30) const;
    // CRM updates that were rate limited a moment ago and fall due one after another.
    static QList<DemoStory> crmStories();
    // The same orders as rows in their final state (no attempts).
    QList<Operation> operations(int count, int days = 30);

    // The shop's customers (ids CUS-0001…), as our customers table holds them.
    static QList<QJsonObject> customers(int count = 240);
    // Stores the customers and the story the record diff tells about descriptions changed on our
    // side after the last webhook (the provider changes its side in the sandbox).
    Status seedRecords(const Database &db);
    // Operations whose payment the diff should show as settled at the provider / in conflict.
    static bool completedLater(int operationIndex) { return operationIndex % 997 == 13; }
    static bool describedOnBothSides(int operationIndex) { return operationIndex % 1201 == 21; }
    // Of the answers lost, which came after the provider had charged (the rest never arrived).
    static bool lostAfterCharge(int operationIndex) { return operationIndex % 2 == 0; }
    static int indexOf(const Operation &op) { return op.idempotencyKey.section(QLatin1Char('-'), -1).toInt(); }
    static QString conflictingDescription(const QString &entityId, bool ours);

private:
    DemoStory story(int index, qint64 createdAt) const;
    // A story as a row in the state its runs would leave it in.
    static Operation asRow(const DemoStory &story);

    quint32 m_seed;
    quint64 m_state;
};
