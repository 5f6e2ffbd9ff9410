#pragma once

#include "Operation.h"
#include "Result.h"

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

    explicit DemoData(quint32 seed = 20261127);

    // `count` operations spread over the last `days` days, newest last.
    QList<Operation> operations(int count, int days = 30);
    // Stores operations with their attempts; `now` anchors the timestamps.
    Status seed(const Database &db, int count);

private:
    Operation makeOperation(int index, qint64 createdAt);

    quint32 m_seed;
    quint64 m_state;
};
