#include "core/Redactor.h"

#include <QRegularExpression>

namespace {
bool passesLuhn(const QString &digits)
{
    int sum = 0;
    bool doubleIt = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        int d = digits.at(i).digitValue();
        if (doubleIt && (d *= 2) > 9)
            d -= 9;
        sum += d;
        doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
}

// Only Luhn-valid numbers of a card network's leading digit count, so timestamps and amounts survive.
QString redactCardNumbers(const QString &text, const QRegularExpression &pattern)
{
    QString out;
    qsizetype last = 0;
    for (auto it = pattern.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString digits = m.captured();
        digits.remove(QLatin1Char(' ')).remove(QLatin1Char('-'));
        if (!passesLuhn(digits))
            continue;
        out += text.mid(last, m.capturedStart() - last) + QStringLiteral("[card redacted]");
        last = m.capturedEnd();
    }
    return out + text.mid(last);
}
} // namespace

namespace Redactor {

QString redact(const QString &text)
{
    static const QRegularExpression authorization(QStringLiteral("(?i)(authorization\\s*[:=]\\s*)[^\\r\\n]*"));
    static const QRegularExpression bearer(QStringLiteral("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]+"));
    // rci_: Reconsole's own intake tokens (CredentialService::createIntakeToken).
    static const QRegularExpression keys(
        QStringLiteral("\\b((?:sk|rk|pk)_(?:test|live)_|whsec_|rci_)[A-Za-z0-9+/=_-]+"));
    static const QRegularExpression cardFields(
        QStringLiteral("(card(?:\\[|%5B)(?:number|cvc|exp_month|exp_year)(?:\\]|%5D)=)[^&\\s]*"));
    static const QRegularExpression cardNumber(QStringLiteral("\\b[2-6](?:[ -]?\\d){12,18}\\b"));

    QString out = text;
    out.replace(authorization, QStringLiteral("\\1[redacted]"));
    out.replace(bearer, QStringLiteral("Bearer [redacted]"));
    out.replace(keys, QStringLiteral("\\1[redacted]"));
    out.replace(cardFields, QStringLiteral("\\1[redacted]"));
    return redactCardNumbers(out, cardNumber);
}

QString fingerprint(const QString &secret)
{
    return QStringLiteral("…") + secret.right(4);
}

} // namespace Redactor
