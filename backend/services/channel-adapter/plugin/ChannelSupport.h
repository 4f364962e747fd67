#pragma once
// Helpers shared by channel-adapter and channel plugins (header-only, Qt Core only): currency
// exponents, card checks, callback signatures. The exponent table stands in for
// platform/money/Currency.h until that lands on main (then currencyExponent() should forward to it).

#include <QByteArray>
#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QString>
#include <QStringView>

namespace paydesk::channels {

// ISO 4217 minor-unit digits; -1 for a code this table does not know.
inline int currencyExponent(QStringView code)
{
    static const char *const kZero[] = {"JPY", "KRW", "VND", "ISK", "CLP", "PYG", "UGX", "XAF", "XOF"};
    static const char *const kThree[] = {"BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"};
    static const char *const kTwo[] = {"USD", "EUR", "GBP", "CNY", "CAD", "AUD", "CHF", "SGD", "HKD",
                                       "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "MXN", "BRL", "INR",
                                       "ZAR", "AED", "SAR", "THB", "MYR", "PHP", "IDR", "TRY", "ILS"};
    for (const char *c : kZero)
        if (code == QLatin1String(c))
            return 0;
    for (const char *c : kThree)
        if (code == QLatin1String(c))
            return 3;
    for (const char *c : kTwo)
        if (code == QLatin1String(c))
            return 2;
    return -1;
}

// Luhn (mod 10) check over a digits-only string.
inline bool luhnValid(QStringView digits)
{
    if (digits.size() < 12 || digits.size() > 19)
        return false;
    int sum = 0;
    bool doubleIt = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        const QChar c = digits[i];
        if (!c.isDigit())
            return false;
        int d = c.digitValue();
        if (doubleIt) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        doubleIt = !doubleIt;
    }
    return sum % 10 == 0;
}

// The card network from the leading digits (IIN ranges); "unknown" otherwise.
inline QString cardBrand(QStringView digits)
{
    const auto prefix = [&](int n) { return digits.size() >= n ? digits.left(n).toInt() : -1; };
    if (digits.startsWith(u'4'))
        return QStringLiteral("visa");
    const int two = prefix(2);
    const int four = prefix(4);
    if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720))
        return QStringLiteral("mastercard");
    if (two == 34 || two == 37)
        return QStringLiteral("amex");
    if (four == 6011 || two == 65 || (prefix(3) >= 644 && prefix(3) <= 649))
        return QStringLiteral("discover");
    if (four >= 3528 && four <= 3589)
        return QStringLiteral("jcb");
    if (two == 62)
        return QStringLiteral("unionpay");
    if (two == 36 || two == 38 || (prefix(3) >= 300 && prefix(3) <= 305))
        return QStringLiteral("diners");
    return QStringLiteral("unknown");
}

inline QString cardLast4(QStringView digits)
{
    return digits.size() >= 4 ? digits.right(4).toString() : QString();
}

// Lower-case hex HMAC-SHA256 over `timestamp + "." + body` (the sandbox callback signature).
inline QByteArray callbackSignature(const QByteArray &secret, const QByteArray &timestamp,
                                    const QByteArray &body)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret);
    mac.addData(timestamp);
    mac.addData(".");
    mac.addData(body);
    return mac.result().toHex();
}

// Compares in time independent of where the inputs differ.
inline bool sameBytes(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

// How old a callback may be (and how far in the future its clock may run) before it is refused.
constexpr qint64 kCallbackToleranceSeconds = 300;

// Checks the signature and freshness of a callback; `error` says which check failed.
inline bool verifyCallbackSignature(const QByteArray &secret, const QByteArray &timestamp,
                                    const QByteArray &signature, const QByteArray &body, qint64 nowSeconds,
                                    QString *error)
{
    bool ok = false;
    const qint64 sent = timestamp.toLongLong(&ok);
    if (timestamp.isEmpty() || signature.isEmpty()) {
        *error = QStringLiteral("signature or timestamp header missing");
        return false;
    }
    if (!ok) {
        *error = QStringLiteral("timestamp is not a number of seconds");
        return false;
    }
    if (nowSeconds - sent > kCallbackToleranceSeconds || sent - nowSeconds > kCallbackToleranceSeconds) {
        *error = QStringLiteral("timestamp outside the 5 minute window");
        return false;
    }
    if (!sameBytes(callbackSignature(secret, timestamp, body), signature.toLower())) {
        *error = QStringLiteral("signature does not match");
        return false;
    }
    return true;
}

} // namespace paydesk::channels
