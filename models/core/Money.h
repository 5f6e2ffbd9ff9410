#pragma once

#include <QString>
#include <QStringView>

#include <optional>

// Amounts are integers in the currency's minor units; text in major units is read and written
// here, exactly, never through a floating point number.
namespace Money {
// ISO 4217 minor units: 2 for most, 0 for JPY and the like, 3 for the dinars.
int exponent(const QString &currency);
// "18.15" at exponent 2 is 1815; "6800," (MT940) is 680000; "-6.60" is -660. Nothing when the
// text is not a plain decimal number or has more non-zero decimals than the currency.
std::optional<qint64> parseMajor(QStringView text, int exponent, QChar decimalSeparator = QLatin1Char('.'));
// 1815 at exponent 2 is "18.15".
QString formatMajor(qint64 minor, int exponent);
// The same at the currency's own exponent: 1815 EUR is "18.15", 2700 JPY "2700".
QString formatIn(qint64 minor, const QString &currency);
} // namespace Money
