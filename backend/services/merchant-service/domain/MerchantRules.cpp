#include "services/merchant-service/domain/MerchantRules.h"

#include <QLocale>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

namespace paydesk::services::merchant {

namespace merchant_rules {
const QStringList kCurrencies{
    QStringLiteral("USD"), QStringLiteral("EUR"), QStringLiteral("GBP"), QStringLiteral("CNY"),
    QStringLiteral("JPY"), QStringLiteral("KRW"), QStringLiteral("HKD"), QStringLiteral("SGD"),
    QStringLiteral("AUD"), QStringLiteral("CAD"), QStringLiteral("INR"), QStringLiteral("BRL"),
    QStringLiteral("MXN"), QStringLiteral("RUB"), QStringLiteral("TRY"), QStringLiteral("ZAR"),
    QStringLiteral("CHF"), QStringLiteral("SEK"), QStringLiteral("NOK"), QStringLiteral("DKK"),
    QStringLiteral("PLN"), QStringLiteral("CZK"), QStringLiteral("HUF"), QStringLiteral("THB"),
    QStringLiteral("IDR"), QStringLiteral("MYR"), QStringLiteral("PHP"), QStringLiteral("VND"),
    QStringLiteral("AED"), QStringLiteral("SAR"), QStringLiteral("ILS"), QStringLiteral("EGP")};
} // namespace merchant_rules

bool isValidEmail(const QString &email)
{
    // Deliberately plain: one @, a dotted domain, no spaces; deliverability is not ours to judge.
    static const QRegularExpression pattern(
        QStringLiteral(R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$)"));
    return email.size() <= 254 && pattern.match(email).hasMatch();
}

bool isValidCountry(const QString &code)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Z]{2}$"));
    return pattern.match(code).hasMatch() && QLocale::codeToTerritory(code) != QLocale::AnyTerritory;
}

bool isValidWebsite(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    return parsed.isValid() &&
           (parsed.scheme() == QStringLiteral("https") || parsed.scheme() == QStringLiteral("http")) &&
           !parsed.host().isEmpty();
}

bool isSupportedCurrency(const QString &code)
{
    return merchant_rules::kCurrencies.contains(code);
}

QString normalizeIban(const QString &iban)
{
    QString normalized = iban.toUpper();
    normalized.remove(u' ');
    return normalized;
}

bool isValidIban(const QString &iban)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"));
    if (!pattern.match(iban).hasMatch())
        return false;
    // Move the first four characters to the end, letters become 10..35, the number mod 97 is 1.
    const QString rearranged = iban.mid(4) + iban.left(4);
    int remainder = 0;
    for (const QChar c : rearranged) {
        const int value = c.isDigit() ? c.digitValue() : c.unicode() - 'A' + 10;
        remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
    }
    return remainder == 1;
}

bool isValidAccountNumber(const QString &number)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9]{4,34}$"));
    return pattern.match(number).hasMatch();
}

bool isValidBankCode(const QString &code)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9]{2,20}$"));
    return pattern.match(code).hasMatch();
}

QString maskAccountNumber(const QString &number, bool iban)
{
    return (iban ? number.left(4) : QString()) + QStringLiteral("****") + number.right(4);
}

} // namespace paydesk::services::merchant
