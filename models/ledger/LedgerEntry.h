#pragma once

#include <QDate>
#include <QString>

#include <optional>

// One entry of our books (schema 16): what we say happened to an account, which
// reconciliation matches against the bank's statement lines and a provider's balance
// transactions. The entry id is ours and unique, so the same entry brought in again (a
// re-imported file, a backend's retried POST, a success recorded twice) is recognised.
struct LedgerEntry
{
    enum class Source
    {
        Import, // a CSV or JSON Lines file (reconsolectl ledger import)
        Intake, // POST /v1/ledger_entries
        Operation, // booked by one of our own captures or refunds when it succeeded
    };

    QString entryId;
    QString account; // our account, or for a provider's clearing account the provider id
    QDate bookedOn;
    qint64 amountMinor = 0; // signed: money into the account positive
    QString currency; // ISO 4217, upper case
    int exponent = 2; // of the currency (Money::exponent)
    QString reference;
    QString counterparty;
    QString description;
    QString entityType; // the business object it belongs to, as on an operation (order, customer…)
    QString entityId;
    Source source = Source::Import;
    QString sourceDetail; // "ledger.csv line 14", "intake token <id>", "operation 17"
    qint64 operationId = 0; // the operation that booked it, 0 when none
    qint64 createdAt = 0; // epoch ms
    QString createdBy;

    // The SHA-256 (hex) of what the entry says, not how or when it came: the same entry
    // brought again has the same fingerprint, another one under the same id does not.
    QString fingerprint() const;
    // The fields in which `other` says something else ("amount_minor, booked_on").
    QString differences(const LedgerEntry &other) const;

    static QString sourceName(Source source); // import, intake, operation
    static std::optional<Source> sourceFromName(const QString &name);
    // Entry ids of bookings ("op:17:capture_payment"): refused from imports and intake, so no
    // one else's entry can ever take the id a booking needs.
    static bool isBookingId(const QString &entryId) { return entryId.startsWith(QLatin1String("op:")); }
};
