#pragma once

#include "ledger/LedgerEntry.h"
#include "records/ImportPreset.h"

#include <QString>
#include <QStringList>

#include <array>
#include <optional>

// A ledger entry's fields as a file or a request gives them (text), and the one way each is
// read: the import and the intake API both go through read(), so a value one accepts the other
// accepts too. Money is read by models/core/Money, never through a floating point number.
namespace LedgerFields {
enum Field
{
    Id,
    Account,
    BookedOn,
    AmountMinor, // signed minor units: -2599
    Amount, // signed major units: -25.99 (a preset maps this instead of amount_minor)
    Currency,
    Reference,
    Counterparty,
    Description,
    EntityType,
    EntityId,
    Count
};
using Values = std::array<std::optional<QString>, Count>; // nullopt: the file has no such column

QString name(Field field); // id, account, booked_on, amount_minor, …
std::optional<Field> fromName(const QString &name);
QStringList names();

using Options = ImportOptions; // the preset's decimal separator (of amount) and date format

struct Problem
{
    Field field = Id;
    QString message; // "expected …, got '…'"
};

// Fills `entry` from `values`, or names the first field at fault and what was expected.
std::optional<Problem> read(const Values &values, const Options &options, LedgerEntry &entry);
} // namespace LedgerFields
