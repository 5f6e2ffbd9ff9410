#pragma once

#include <QList>
#include <QString>
#include <QStringList>

struct ImportOptions;

// What a value of one of our fields must look like. The checks live in one place
// (ImportTargets::check), so a new target only says which kind each of its fields is.
enum class FieldKind
{
    Id, // one word, no spaces: our id, a bank's or a provider's id
    Text, // any text: names, references, descriptions
    Email,
    Choice, // one of ImportField::choices (case-insensitive), or empty unless required
    Currency, // ISO 4217 letters, stored lower-case
    MinorUnits, // a whole number of minor units, never negative (2599 for 25.99)
    SignedMinorUnits, // the same, with a sign: a debit is negative
    MajorUnits, // a signed decimal in major units, with the preset's decimal separator (25,99)
    Date, // in the preset's date format
};

struct ImportField
{
    QString name;
    FieldKind kind = FieldKind::Text;
    bool required = false;
    QStringList choices; // FieldKind::Choice only, lower-case
};

// One kind of thing a file can be imported as: its fields, which command reads it, and how
// its rows name the providers' ids. Declared once in ImportTargets::all(); a new target is one
// entry there.
struct ImportTarget
{
    QString name; // customers, payments, statements
    QString noun; // customer, payment, statement line: "expected our id for the customer"
    QString command; // what imports it: "records import", "import"
    QString entityType; // the record diff's type (contact, payment); empty when not diffed
    // external_id:<provider> columns: none, any number, or exactly one (a payment is one
    // provider's capture).
    enum class ProviderIds
    {
        None,
        Any,
        ExactlyOne,
    } providerIds
        = ProviderIds::None;
    QStringList formats; // of ImportPreset::formats(): those its reader reads
    QList<ImportField> fields; // required ones first

    const ImportField *field(const QString &name) const;
    QStringList fieldNames() const;
};

namespace ImportTargets {
const QList<ImportTarget> &all();
const ImportTarget *find(const QString &name); // nullptr when there is none
QStringList names(); // every target
QStringList namesFor(const QString &command); // those that `command` imports
// Checks and tidies one value (trimmed; a currency lower-cased, a choice lower-cased): the
// reason it is refused ("expected …, got '…'"), or empty. An empty value passes unless the
// field is required; the caller says "got nothing" for those.
QString check(const ImportTarget &target, const ImportField &field, QString &value, const ImportOptions &options);
// '…' around a value as a message shows it, cut at 40 characters.
QString quoted(const QString &value);
} // namespace ImportTargets
