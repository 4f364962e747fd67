#include "services/cashier-service/domain/CheckoutRules.h"

#include "platform/money/Currency.h"
#include "platform/security/Crypto.h"

#include <QRegularExpression>
#include <QUrl>

namespace paydesk::services::cashier {

std::optional<int> currencyExponent(const QString &code)
{
    const std::optional<platform::Currency> known = platform::currency(code);
    return known ? std::optional<int>(known->exponent) : std::nullopt;
}

QString formatAmount(qint64 amountMinor, const QString &currency, int exponent)
{
    Q_ASSERT(exponent >= 0 && exponent <= 4);
    const bool negative = amountMinor < 0;
    // Unsigned so that INT64_MIN has a magnitude.
    const quint64 magnitude =
        negative ? 0 - static_cast<quint64>(amountMinor) : static_cast<quint64>(amountMinor);
    quint64 scale = 1;
    for (int i = 0; i < exponent; ++i)
        scale *= 10;
    const QString whole = QString::number(magnitude / scale);
    QString grouped;
    for (qsizetype i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0)
            grouped += u',';
        grouped += whole[i];
    }
    QString text = (negative ? QStringLiteral("-") : QString()) + grouped;
    if (exponent > 0)
        text += u'.' + QString::number(magnitude % scale).rightJustified(exponent, u'0');
    return text + u' ' + currency;
}

QString htmlEscape(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '&':
            out += QStringLiteral("&amp;");
            break;
        case '<':
            out += QStringLiteral("&lt;");
            break;
        case '>':
            out += QStringLiteral("&gt;");
            break;
        case '"':
            out += QStringLiteral("&quot;");
            break;
        case '\'':
            out += QStringLiteral("&#39;");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString newToken()
{
    return QString::fromLatin1(platform::crypto::base64Url(platform::crypto::randomBytes(32)));
}

QString tokenHash(const QString &token)
{
    return QString::fromLatin1(platform::crypto::sha256(token.toLatin1()).toHex());
}

bool looksLikeToken(const QString &token)
{
    static const QRegularExpression kToken(QStringLiteral("^[A-Za-z0-9_-]{43}$"));
    return kToken.match(token).hasMatch();
}

QUrlQuery parseForm(const QByteArray &body)
{
    QByteArray text = body;
    text.replace('+', "%20");
    QUrlQuery form;
    form.setQuery(QString::fromLatin1(text));
    return form;
}

bool luhnValid(const QString &digits)
{
    int sum = 0;
    bool twice = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        int d = digits[i].digitValue();
        if (d < 0)
            return false;
        if (twice && (d *= 2) > 9)
            d -= 9;
        sum += d;
        twice = !twice;
    }
    return !digits.isEmpty() && sum % 10 == 0;
}

CardCheck readCard(const QUrlQuery &form, const QDate &today)
{
    const auto field = [&form](const char *name) {
        return form.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded).trimmed();
    };
    CardCheck check;
    QString number = field("card_number");
    number.remove(QRegularExpression(QStringLiteral("[ -]")));
    static const QRegularExpression kDigits(QStringLiteral("^[0-9]{12,19}$"));
    if (!kDigits.match(number).hasMatch() || !luhnValid(number))
        check.errors.append({QStringLiteral("card_number"), QStringLiteral("Enter a valid card number.")});
    check.card.number = number;

    static const QRegularExpression kExpiry(QStringLiteral("^(0?[1-9]|1[0-2])\\s*/\\s*([0-9]{2}|[0-9]{4})$"));
    const QRegularExpressionMatch expiry = kExpiry.match(field("expiry"));
    if (!expiry.hasMatch()) {
        check.errors.append({QStringLiteral("expiry"), QStringLiteral("Enter the expiry date as MM/YY.")});
    } else {
        check.card.expMonth = expiry.captured(1).toInt();
        const int year = expiry.captured(2).toInt();
        check.card.expYear = year < 100 ? 2000 + year : year;
        const QDate lastDay = QDate(check.card.expYear, check.card.expMonth, 1).addMonths(1).addDays(-1);
        if (lastDay < today)
            check.errors.append({QStringLiteral("expiry"), QStringLiteral("This card has expired.")});
        else if (check.card.expYear > today.year() + 20)
            check.errors.append(
                {QStringLiteral("expiry"), QStringLiteral("Enter the expiry date as MM/YY.")});
    }

    static const QRegularExpression kCvc(QStringLiteral("^[0-9]{3,4}$"));
    check.card.cvc = field("cvc");
    if (!kCvc.match(check.card.cvc).hasMatch())
        check.errors.append({QStringLiteral("cvc"), QStringLiteral("Enter the 3 or 4 digit security code.")});

    check.card.holder = field("holder");
    if (check.card.holder.isEmpty() || check.card.holder.size() > 64)
        check.errors.append({QStringLiteral("holder"), QStringLiteral("Enter the name on the card.")});
    return check;
}

QString returnLink(const QString &returnUrl, const QString &paymentNo, const QString &status)
{
    QUrl url(returnUrl);
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("payment_no"));
    query.removeAllQueryItems(QStringLiteral("status"));
    query.addQueryItem(QStringLiteral("payment_no"), QString::fromLatin1(QUrl::toPercentEncoding(paymentNo)));
    query.addQueryItem(QStringLiteral("status"), QString::fromLatin1(QUrl::toPercentEncoding(status)));
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

} // namespace paydesk::services::cashier
