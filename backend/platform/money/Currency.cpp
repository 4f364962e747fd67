#include "platform/money/Currency.h"

#include <array>
#include <limits>

namespace paydesk::platform {

namespace {
struct Entry
{
    const char *code;
    int exponent;
    int numeric;
};

// Sorted by code (binary search). Exponents from ISO 4217 (amendment 176): the seed's 32 currencies
// and the common others, including every 0- and 3-decimal currency a card channel may see.
constexpr std::array kCurrencies{
    Entry{"AED", 2, 784}, Entry{"ARS", 2, 32},  Entry{"AUD", 2, 36},  Entry{"BGN", 2, 975},
    Entry{"BHD", 3, 48},  Entry{"BIF", 0, 108}, Entry{"BRL", 2, 986}, Entry{"CAD", 2, 124},
    Entry{"CHF", 2, 756}, Entry{"CLP", 0, 152}, Entry{"CNY", 2, 156}, Entry{"COP", 2, 170},
    Entry{"CZK", 2, 203}, Entry{"DJF", 0, 262}, Entry{"DKK", 2, 208}, Entry{"EGP", 2, 818},
    Entry{"EUR", 2, 978}, Entry{"GBP", 2, 826}, Entry{"GNF", 0, 324}, Entry{"HKD", 2, 344},
    Entry{"HUF", 2, 348}, Entry{"IDR", 2, 360}, Entry{"ILS", 2, 376}, Entry{"INR", 2, 356},
    Entry{"IQD", 3, 368}, Entry{"ISK", 0, 352}, Entry{"JOD", 3, 400}, Entry{"JPY", 0, 392},
    Entry{"KES", 2, 404}, Entry{"KMF", 0, 174}, Entry{"KRW", 0, 410}, Entry{"KWD", 3, 414},
    Entry{"LYD", 3, 434}, Entry{"MAD", 2, 504}, Entry{"MXN", 2, 484}, Entry{"MYR", 2, 458},
    Entry{"NGN", 2, 566}, Entry{"NOK", 2, 578}, Entry{"NZD", 2, 554}, Entry{"OMR", 3, 512},
    Entry{"PEN", 2, 604}, Entry{"PHP", 2, 608}, Entry{"PKR", 2, 586}, Entry{"PLN", 2, 985},
    Entry{"PYG", 0, 600}, Entry{"QAR", 2, 634}, Entry{"RON", 2, 946}, Entry{"RUB", 2, 643},
    Entry{"RWF", 0, 646}, Entry{"SAR", 2, 682}, Entry{"SEK", 2, 752}, Entry{"SGD", 2, 702},
    Entry{"THB", 2, 764}, Entry{"TND", 3, 788}, Entry{"TRY", 2, 949}, Entry{"TWD", 2, 901},
    Entry{"UAH", 2, 980}, Entry{"UGX", 0, 800}, Entry{"USD", 2, 840}, Entry{"UYI", 0, 940},
    Entry{"VND", 0, 704}, Entry{"VUV", 0, 548}, Entry{"XAF", 0, 950}, Entry{"XOF", 0, 952},
    Entry{"XPF", 0, 953}, Entry{"ZAR", 2, 710},
};

constexpr bool sortedByCode()
{
    for (std::size_t i = 1; i < kCurrencies.size(); ++i) {
        const char *a = kCurrencies[i - 1].code;
        const char *b = kCurrencies[i].code;
        int k = 0;
        while (k < 3 && a[k] == b[k])
            ++k;
        if (k == 3 || a[k] > b[k])
            return false;
    }
    return true;
}
static_assert(sortedByCode(), "kCurrencies must be sorted by code and unique");

constexpr qint64 kPowersOfTen[] = {1, 10, 100, 1000};
} // namespace

qint64 Currency::minorPerMajor() const
{
    Q_ASSERT(exponent >= 0 && exponent <= 3);
    return kPowersOfTen[exponent];
}

std::optional<Currency> currency(QStringView code)
{
    if (code.size() != 3)
        return std::nullopt;
    const QByteArray wanted = code.toLatin1();
    std::size_t low = 0;
    std::size_t high = kCurrencies.size();
    while (low < high) {
        const std::size_t mid = (low + high) / 2;
        const int order = qstrncmp(kCurrencies[mid].code, wanted.constData(), 3);
        if (order == 0)
            return Currency{QString::fromLatin1(kCurrencies[mid].code), kCurrencies[mid].exponent,
                            kCurrencies[mid].numeric};
        if (order < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return std::nullopt;
}

QStringList supportedCurrencyCodes()
{
    QStringList codes;
    codes.reserve(int(kCurrencies.size()));
    for (const Entry &entry : kCurrencies)
        codes.append(QString::fromLatin1(entry.code));
    return codes;
}

QString formatMinor(qint64 minor, const Currency &currency)
{
    // Digits of |minor| as unsigned so that INT64_MIN formats too.
    const quint64 magnitude = minor < 0 ? quint64(0) - quint64(minor) : quint64(minor);
    QString digits = QString::number(magnitude);
    const QString sign = minor < 0 ? QStringLiteral("-") : QString();
    if (currency.exponent == 0)
        return sign + digits;
    if (digits.size() <= currency.exponent)
        digits = QString(currency.exponent + 1 - digits.size(), u'0') + digits;
    return sign + digits.left(digits.size() - currency.exponent) + u'.' + digits.right(currency.exponent);
}

std::optional<qint64> parseMajor(QStringView text, const Currency &currency)
{
    qsizetype i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == u'-' || text[i] == u'+'))
        negative = text[i++] == u'-';
    quint64 units = 0;
    int integerDigits = 0;
    int decimals = 0;
    bool point = false;
    constexpr quint64 kMax = quint64(std::numeric_limits<qint64>::max());
    for (; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == u'.' && !point) {
            point = true;
            continue;
        }
        if (c < u'0' || c > u'9')
            return std::nullopt;
        if (point && ++decimals > currency.exponent)
            return std::nullopt;
        if (!point)
            ++integerDigits;
        if (units > (kMax - quint64(c.unicode() - u'0')) / 10)
            return std::nullopt;
        units = units * 10 + quint64(c.unicode() - u'0');
    }
    if (integerDigits == 0 && decimals == 0)
        return std::nullopt;
    if (point && decimals == 0)
        return std::nullopt; // "12." is a typo more often than a number
    for (int pad = decimals; pad < currency.exponent; ++pad) {
        if (units > kMax / 10)
            return std::nullopt;
        units *= 10;
    }
    return negative ? -qint64(units) : qint64(units);
}

} // namespace paydesk::platform
