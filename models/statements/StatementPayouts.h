#pragma once

#include "core/Result.h"

#include <QString>
#include <QStringList>

class Database;

// Which payout carried a provider's statement lines. A balance transaction is pulled when it
// is made, days before the payout that carries it exists, so its line is stored without one
// and linked here when the payout comes (StatementStore stores a line once and never again).
class StatementPayouts
{
public:
    explicit StatementPayouts(const Database &db);

    // Sets `payoutId` on the lines of `account` with these identities, on the caller's
    // connection (inside its transaction). Returns how many lines it changed.
    Result<int> link(const QString &account, const QStringList &identities, const QString &payoutId);

private:
    const Database &m_db;
};
