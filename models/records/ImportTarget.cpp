#include "records/ImportTarget.h"

#include "core/Money.h"
#include "records/ImportPreset.h"

#include <QRegularExpression>

namespace {
ImportField field(const char *name, FieldKind kind, bool required = false, QStringList choices = {})
{
    return { QString::fromLatin1(name), kind, required, std::move(choices) };
}

QList<ImportTarget> declare()
{
    using K = FieldKind;
    using P = ImportTarget::ProviderIds;
    return {
        { QStringLiteral("customers"), QStringLiteral("customer"), QStringLiteral("records import"),
            QStringLiteral("contact"), P::Any, { QStringLiteral("csv"), QStringLiteral("jsonl") },
            { field("id", K::Id, true), field("email", K::Email, true), field("first_name", K::Text),
                field("last_name", K::Text), field("phone", K::Text),
                field("access", K::Choice, false, { QStringLiteral("basic"), QStringLiteral("premium") }) } },
        { QStringLiteral("payments"), QStringLiteral("payment"), QStringLiteral("records import"),
            QStringLiteral("payment"), P::ExactlyOne, { QStringLiteral("csv"), QStringLiteral("jsonl") },
            { field("id", K::Id, true), field("amount", K::MinorUnits, true), field("currency", K::Currency, true),
                field("status", K::Choice, false, { QStringLiteral("succeeded"), QStringLiteral("failed") }),
                field("description", K::Text) } },
        // A bank's or a provider's statement lines (reconsolectl import --preset): amounts in major
        // units, signed (a debit negative), in the preset's decimal separator and date format.
        { QStringLiteral("statements"), QStringLiteral("statement line"), QStringLiteral("import"), QString(), P::None,
            { QStringLiteral("csv") },
            { field("booking_date", K::Date, true), field("amount", K::MajorUnits, true),
                field("currency", K::Currency, true), field("value_date", K::Date), field("bank_entry_id", K::Id),
                field("end_to_end_id", K::Id), field("reference", K::Text), field("counterparty_name", K::Text),
                field("counterparty_account", K::Text), field("description", K::Text), field("fee", K::MajorUnits),
                field("payout_id", K::Id), field("category", K::Text) } },
        // Our books' entries (reconsolectl ledger import, models/ledger/LedgerImport): the columns
        // of `bench reconcile --out`'s ledger.csv; amount_minor signed, or a preset's amount in major units.
        { QStringLiteral("ledger"), QStringLiteral("ledger entry"), QStringLiteral("ledger import"), QString(), P::None,
            { QStringLiteral("csv"), QStringLiteral("jsonl") },
            { field("id", K::Id, true), field("booked_on", K::Date, true), field("currency", K::Currency, true),
                field("amount_minor", K::SignedMinorUnits), field("amount", K::MajorUnits), field("account", K::Id),
                field("reference", K::Text), field("counterparty", K::Text), field("description", K::Text),
                field("entity_type", K::Id), field("entity_id", K::Id) } },
    };
}
} // namespace

const ImportField *ImportTarget::field(const QString &fieldName) const
{
    for (const ImportField &f : fields) {
        if (f.name == fieldName)
            return &f;
    }
    return nullptr;
}

QStringList ImportTarget::fieldNames() const
{
    QStringList list;
    for (const ImportField &f : fields)
        list << f.name;
    return list;
}

namespace ImportTargets {

const QList<ImportTarget> &all()
{
    static const QList<ImportTarget> targets = declare();
    return targets;
}

const ImportTarget *find(const QString &name)
{
    for (const ImportTarget &t : all()) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

QStringList names()
{
    QStringList list;
    for (const ImportTarget &t : all())
        list << t.name;
    return list;
}

QStringList namesFor(const QString &command)
{
    QStringList list;
    for (const ImportTarget &t : all()) {
        if (t.command == command)
            list << t.name;
    }
    return list;
}

QString quoted(const QString &value)
{
    QString shown = value.size() > 40 ? value.left(40) + QStringLiteral("…") : value;
    return QStringLiteral("'%1'").arg(shown.replace(QLatin1Char('\n'), QLatin1Char(' ')));
}

QString check(const ImportTarget &target, const ImportField &field, QString &value, const ImportOptions &options)
{
    value = value.trimmed();
    if (value.isEmpty())
        return {};
    switch (field.kind) {
    case FieldKind::Id: {
        static const QRegularExpression plain(QStringLiteral("^\\S+$"));
        if (!plain.match(value).hasMatch())
            return field.name == QLatin1String("id")
                ? QStringLiteral("expected our id for the %1 (no spaces), got %2").arg(target.noun, quoted(value))
                : QStringLiteral("expected an id without spaces, got %1").arg(quoted(value));
        return {};
    }
    case FieldKind::Text:
        return {};
    case FieldKind::Email: {
        static const QRegularExpression email(QStringLiteral("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$"));
        if (!email.match(value).hasMatch())
            return QStringLiteral("expected an e-mail address, got %1").arg(quoted(value));
        return {};
    }
    case FieldKind::Choice:
        value = value.toLower();
        if (!field.choices.contains(value))
            return QStringLiteral("expected %1, got %2").arg(field.choices.join(QStringLiteral(" or ")), quoted(value));
        return {};
    case FieldKind::Currency: {
        static const QRegularExpression code(QStringLiteral("^[A-Za-z]{3}$"));
        if (!code.match(value).hasMatch())
            return QStringLiteral("expected a three-letter currency code such as eur, got %1").arg(quoted(value));
        value = value.toLower();
        return {};
    }
    case FieldKind::MinorUnits:
    case FieldKind::SignedMinorUnits: {
        static const QRegularExpression whole(QStringLiteral("^\\d{1,15}$"));
        static const QRegularExpression signedWhole(QStringLiteral("^[-+]?\\d{1,15}$"));
        const bool isSigned = field.kind == FieldKind::SignedMinorUnits;
        if (!(isSigned ? signedWhole : whole).match(value).hasMatch())
            return QStringLiteral("expected an amount in minor units (a whole number such as %1 for 25.99), got %2")
                .arg(isSigned ? QStringLiteral("2599 or -2599") : QStringLiteral("2599"), quoted(value));
        return {};
    }
    case FieldKind::MajorUnits:
        // The currency's exponent is the reader's to apply; here only the shape, at the largest one.
        if (!Money::parseMajor(value, 3, options.decimalSeparator))
            return QStringLiteral("expected an amount such as -1234") + options.decimalSeparator
                + QStringLiteral("56, got ") + quoted(value);
        return {};
    case FieldKind::Date:
        if (!options.date(value).isValid())
            return QStringLiteral("expected a date as %1, got %2").arg(options.dateFormatText(), quoted(value));
        return {};
    }
    return {};
}

} // namespace ImportTargets
