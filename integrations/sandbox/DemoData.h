#pragma once

#include "core/Result.h"
#include "operations/Operation.h"

#include <QJsonObject>
#include <QList>

class Database;

// Realistic data for a small shop: payments and refunds, about 5 % of them failed across the
// error classes (declines, rate limits, timeouts with unknown outcome, server errors), each
// failure with the attempts that led to it.
class DemoData
{
public:
    static constexpr auto kProviderId = "stripe-sandbox";
    static constexpr auto kCredentialId = "stripe-sandbox-test";
    static constexpr auto kCrmProviderId = "crm-sandbox";
    static constexpr auto kCrmCredentialId = "crm-sandbox-token";

    explicit DemoData(quint32 seed = 20261127);

    // `count` operations spread over the last `days` days, newest last. Among them the
    // charges our side left needing attention (3-D Secure pending) that the customer completed
    // later: the provider's copy says succeeded, the record diff shows both.
    QList<Operation> operations(int count, int days = 30);
    // Stores operations with their attempts; `now` anchors the timestamps.
    Status seed(const Database &db, int count);

    // The shop's customers (ids CUS-0001…), as our customers table holds them.
    static QList<QJsonObject> customers(int count = 240);
    // Stores the customers, CRM updates waiting for a retry, and the story the record diff tells
    // about descriptions changed on our side after the last webhook (the provider changes its
    // side in the sandbox).
    Status seedRecords(const Database &db);
    // Operations whose payment the diff should show as settled at the provider / in conflict.
    static bool completedLater(int operationIndex) { return operationIndex % 997 == 13; }
    static bool describedOnBothSides(int operationIndex) { return operationIndex % 1201 == 21; }
    static QString conflictingDescription(const QString &entityId, bool ours);

private:
    Operation makeOperation(int index, qint64 createdAt);

    quint32 m_seed;
    quint64 m_state;
};
