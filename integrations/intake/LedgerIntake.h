#pragma once

#include "intake/IntakeService.h"
#include "ledger/LedgerEntry.h"
#include "ledger/LedgerStore.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

class Database;

// A ledger entry handed in, replayed or refused; nothing is stored for a refusal.
struct [[nodiscard]] LedgerIntakeOutcome
{
    std::optional<IntakeRefusal> refusal;
    LedgerEntry entry; // as stored
    bool replayed = false; // the same entry was there already: the same answer again

    explicit operator bool() const { return !refusal; }
};

// POST /v1/ledger_entries and GET /v1/ledger_entries/{id} (docs/intake.md): a backend books
// entries of its own ledger with the intake token it uses for operations. The entry's own id is
// the idempotency key: the same id with the same entry is a replay, with another a 409. A plain
// insert needs no outbox: a backend that retries after a lost answer gets the same entry back.
class LedgerIntake
{
public:
    explicit LedgerIntake(const Database &db);

    // The entry in a POST body, or a 400 naming the field (entity[type], amount_minor, …).
    static LedgerIntakeOutcome parse(const QByteArray &body);
    // Parses and stores, as handed in under the intake token `tokenId`.
    LedgerIntakeOutcome submit(const QByteArray &body, const QString &tokenId);
    LedgerIntakeOutcome get(const QString &entryId) const;
    // The entry as the API shows it.
    static QJsonObject describe(const LedgerEntry &entry);

private:
    const Database &m_db;
    LedgerStore m_store; // one prepared insert for every request
};
