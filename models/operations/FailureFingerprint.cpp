#include "operations/FailureFingerprint.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QStringList>

namespace {
constexpr int kMaxLength = 200;

struct Rule
{
    QRegularExpression pattern;
    QString placeholder;
};

// In this order: a rule may only see what the rules before it left, so a quoted URL becomes
// one '<value>', a URL's digits never become <n> and a date is one <time>, not three numbers.
QList<Rule> buildRules()
{
    const auto option = QRegularExpression::UseUnicodePropertiesOption;
    // Codes common enough to appear in provider messages; a wider list would catch English words
    // ("try", "all" are currencies too) and group unrelated messages.
    const QString currency
        = QStringLiteral("(?:EUR|USD|GBP|CHF|JPY|CNY|SEK|NOK|DKK|PLN|CZK|HUF|CAD|AUD|NZD|INR|BRL|MXN|ZAR|SGD|HKD)");
    const QString symbol = QStringLiteral("[€$£¥₹]");
    QList<Rule> list = {
        // An apostrophe inside a word (customer's, wasn't) opens or closes nothing.
        { QRegularExpression(QStringLiteral(R"((?<!\w)'[^']*'(?!\w)|"[^"]*"|“[^”]*”)"), option),
            QStringLiteral("'<value>'") },
        { QRegularExpression(QStringLiteral(R"(\b(?:https?|wss?|ftp)://[^\s'"<>]*[^\s'"<>.,;:!?)\]])"),
              option | QRegularExpression::CaseInsensitiveOption),
            QStringLiteral("<url>") },
        { QRegularExpression(QStringLiteral(R"([\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})"), option),
            QStringLiteral("<email>") },
        { QRegularExpression(
              QStringLiteral(R"(\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)"),
              option),
            QStringLiteral("<uuid>") },
        { QRegularExpression(
              QStringLiteral(
                  R"(\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\w))"
                  R"(|\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?(?!\w))"),
              option),
            QStringLiteral("<time>") },
        // Needs a digit and a letter: a pure digit run is an id or a number, a pure letter run a word.
        { QRegularExpression(
              QStringLiteral(R"(\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b)"),
              option),
            QStringLiteral("<hex>") },
        // pi_3MtwBwLkdIwHu7ix28a3tqPa, sk_test_4eC39Hq…: a lower-case prefix and a segment of at least
        // six that has a digit or a capital. Codes (card_declined, idempotency_key_in_use) have neither.
        { QRegularExpression(
              QStringLiteral(R"((?<!\w)[a-z]{2,}(?:_[a-z]+)*_(?=[a-z]*[A-Z0-9])[A-Za-z0-9]{6,}(?:_\w+)?(?!\w))"),
              option),
            QStringLiteral("<id>") },
        // HubSpot's object ids: long digit runs with no separators or decimals.
        { QRegularExpression(QStringLiteral(R"((?<![\w.,])\d{8,}(?![\w]|[.,]\d))"), option), QStringLiteral("<id>") },
        // Amounts and numbers: a sign, thousands separators, decimals, a currency code or symbol on
        // either side (EUR 12.50, €12,50, 12.50 eur, -1,234.56).
        { QRegularExpression(QStringLiteral("(?<![\\w.,])(?:(?i:%1)\\s?|%2\\s?)?[-+]?(?:%2)?\\d+(?:[.,']\\d+)*"
                                            "(?:\\s?(?i:%1)(?!\\w)|\\s?%2)?(?!\\w)")
                                 .arg(currency, symbol),
              option),
            QStringLiteral("<n>") },
    };
    // Compiled here, once, so threads that normalize at the same time only ever read them.
    for (const Rule &rule : list) {
        [[maybe_unused]] const bool valid = rule.pattern.isValid();
        Q_ASSERT_X(valid, "FailureFingerprint", qPrintable(rule.pattern.errorString()));
    }
    return list;
}

const QList<Rule> &rules()
{
    static const QList<Rule> list = buildRules();
    return list;
}

// A cut through a placeholder ("<uu") would show people half a word; cut before it instead.
QString capped(const QString &text)
{
    if (text.size() <= kMaxLength)
        return text;
    QString cut = text.left(kMaxLength);
    const qsizetype open = cut.lastIndexOf(QLatin1Char('<'));
    if (open >= 0 && cut.indexOf(QLatin1Char('>'), open) < 0)
        cut.truncate(open);
    return cut.trimmed();
}
} // namespace

QString FailureFingerprint::normalize(const QString &message)
{
    QString text = message.simplified();
    for (const Rule &rule : rules())
        text.replace(rule.pattern, rule.placeholder);
    return capped(text);
}

FailureFingerprint FailureFingerprint::of(
    const QString &providerId, const QString &action, ErrorClass errorClass, const QString &message)
{
    return { providerId.trimmed(), action.trimmed(), errorClass, normalize(message) };
}

QString FailureFingerprint::key() const
{
    // A separator no provider writes in an id or a message: ("a b", "c") and ("a", "b c") differ.
    const QString joined = QStringList { providerId, action, errorClassName(errorClass), normalized }.join(QChar(0x1f));
    return QString::fromLatin1(QCryptographicHash::hash(joined.toUtf8(), QCryptographicHash::Sha256).toHex().left(32));
}

QString FailureFingerprint::title() const
{
    QStringList parts;
    for (const QString &part : { providerId, action, errorClassName(errorClass) }) {
        if (!part.isEmpty())
            parts << part;
    }
    QString head = parts.join(QStringLiteral(" · "));
    if (normalized.isEmpty())
        return head;
    return head.isEmpty() ? normalized : head + QStringLiteral(": ") + normalized;
}
