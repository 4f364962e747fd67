#pragma once
// ISO 4217 currencies PayDesk accepts, with their minor-unit exponents, and the conversions between
// minor units (the only form money takes inside PayDesk) and the decimal text people read and type.
// Pure functions over a constant table: any thread.

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace paydesk::platform {

struct Currency
{
    QString code;     // "USD", upper case
    int exponent = 2; // minor-unit digits: JPY 0, USD 2, BHD 3
    int numeric = 0;  // ISO 4217 numeric code (840 for USD)

    // 10^exponent: minor units in one major unit.
    qint64 minorPerMajor() const;
    bool operator==(const Currency &other) const { return code == other.code; }
};

// The currency for an upper-case ISO 4217 code; nullopt for anything else (lower case included:
// codes are exact on the wire). Routes answer 400 UNSUPPORTED_CURRENCY for nullopt.
std::optional<Currency> currency(QStringView code);
// Every supported code, sorted.
QStringList supportedCurrencyCodes();

// Money as PayDesk carries it: integer minor units and the currency they count.
struct Money
{
    qint64 minor = 0;
    Currency currency;
};

// "12.34" for 1234 USD, "1234" for 1234 JPY, "-0.050" for -50 BHD: exact, no floating point.
QString formatMinor(qint64 minor, const Currency &currency);
// The inverse: "12.34", "12.3", "12" → 1234 for USD; a sign, digits and at most `exponent`
// decimals, nothing else (no grouping, no exponent notation). nullopt when the text is not such a
// number or the result does not fit int64.
std::optional<qint64> parseMajor(QStringView text, const Currency &currency);

} // namespace paydesk::platform
