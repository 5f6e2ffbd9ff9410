#include "core/Money.h"

#include <QSet>

int Money::exponent(const QString &currency)
{
    const QString code = currency.toUpper();
    static const QSet<QString> none { QStringLiteral("BIF"), QStringLiteral("CLP"), QStringLiteral("DJF"),
        QStringLiteral("GNF"), QStringLiteral("ISK"), QStringLiteral("JPY"), QStringLiteral("KMF"),
        QStringLiteral("KRW"), QStringLiteral("PYG"), QStringLiteral("RWF"), QStringLiteral("UGX"),
        QStringLiteral("UYI"), QStringLiteral("VND"), QStringLiteral("VUV"), QStringLiteral("XAF"),
        QStringLiteral("XOF"), QStringLiteral("XPF") };
    static const QSet<QString> three { QStringLiteral("BHD"), QStringLiteral("IQD"), QStringLiteral("JOD"),
        QStringLiteral("KWD"), QStringLiteral("LYD"), QStringLiteral("OMR"), QStringLiteral("TND") };
    return none.contains(code) ? 0 : three.contains(code) ? 3 : 2;
}

std::optional<qint64> Money::parseMajor(QStringView text, int exponent, QChar decimalSeparator)
{
    text = text.trimmed();
    bool negative = false;
    if (!text.isEmpty() && (text.front() == QLatin1Char('-') || text.front() == QLatin1Char('+'))) {
        negative = text.front() == QLatin1Char('-');
        text = text.mid(1);
    }
    const qsizetype point = text.indexOf(decimalSeparator);
    const QStringView whole = point < 0 ? text : text.left(point);
    QStringView fraction = point < 0 ? QStringView() : text.mid(point + 1);
    if (whole.isEmpty() && fraction.isEmpty())
        return std::nullopt;
    while (fraction.size() > exponent && fraction.back() == QLatin1Char('0'))
        fraction.chop(1);
    if (fraction.size() > exponent || whole.size() > 15)
        return std::nullopt;
    qint64 minor = 0;
    for (const QChar c : whole) {
        if (!c.isDigit())
            return std::nullopt;
        minor = minor * 10 + c.digitValue();
    }
    for (int i = 0; i < exponent; ++i) {
        const QChar c = i < fraction.size() ? fraction[i] : QLatin1Char('0');
        if (!c.isDigit())
            return std::nullopt;
        minor = minor * 10 + c.digitValue();
    }
    return negative ? -minor : minor;
}

QString Money::formatMajor(qint64 minor, int exponent)
{
    const QString sign = minor < 0 ? QStringLiteral("-") : QString();
    const QString digits = QString::number(minor < 0 ? -minor : minor).rightJustified(exponent + 1, QLatin1Char('0'));
    if (exponent == 0)
        return sign + digits;
    return sign + digits.left(digits.size() - exponent) + QLatin1Char('.') + digits.right(exponent);
}

QString Money::formatIn(qint64 minor, const QString &currency)
{
    return formatMajor(minor, exponent(currency));
}
