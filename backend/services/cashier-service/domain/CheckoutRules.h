#pragma once
// Pure rules of the hosted checkout: tokens, amounts shown by currency exponent, HTML escaping, the
// posted card form and the link back to the merchant. No I/O; unit-tested in tst_notify_cashier_domain.

#include <QByteArray>
#include <QDate>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace paydesk::services::cashier {

// Minor-unit digits of an ISO 4217 code (platform/money/Currency.h: JPY 0, BHD 3, most 2); nullopt
// when the code is not one PayDesk supports.
std::optional<int> currencyExponent(const QString &code);
// "1,234.56 EUR", "1,250 JPY", "1.250 BHD": grouped major units, exactly `exponent` decimals.
QString formatAmount(qint64 amountMinor, const QString &currency, int exponent);

// Escapes & < > " ' for text and attribute values (QString::toHtmlEscaped leaves ' alone).
QString htmlEscape(const QString &text);

// 32 random bytes, base64url without padding (43 characters): the session token and the form token.
QString newToken();
// What the database keeps of a session token (lowercase hex SHA-256).
QString tokenHash(const QString &token);
// Tokens are 43 base64url characters; anything else is not worth a database lookup.
bool looksLikeToken(const QString &token);

// application/x-www-form-urlencoded → fields ('+' is a space there, unlike in QUrlQuery).
QUrlQuery parseForm(const QByteArray &body);

struct CardInput
{
    QString number; // digits only
    int expMonth = 0;
    int expYear = 0; // four digits
    QString cvc;
    QString holder;
};
struct CardCheck
{
    CardInput card;
    QList<QPair<QString, QString>> errors; // field → message for people
    bool ok() const { return errors.isEmpty(); }
};
// Reads card_number, expiry (MM/YY or MM/YYYY), cvc, holder; `today` decides expiry.
CardCheck readCard(const QUrlQuery &form, const QDate &today);
bool luhnValid(const QString &digits);

// return_url with payment_no and status added to its query (existing parameters kept).
QString returnLink(const QString &returnUrl, const QString &paymentNo, const QString &status);

} // namespace paydesk::services::cashier
