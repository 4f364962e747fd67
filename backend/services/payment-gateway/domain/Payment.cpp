#include "services/payment-gateway/domain/Payment.h"

namespace paydesk::services::gateway {

QString isoTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

namespace {
QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(isoTime(time)) : QJsonValue();
}
QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}
} // namespace

QJsonObject Payment::toJson() const
{
    QJsonObject json{{QStringLiteral("payment_no"), paymentNo},
                     {QStringLiteral("merchant_id"), merchantId},
                     {QStringLiteral("environment"), environment},
                     {QStringLiteral("order_no"), orderNo},
                     {QStringLiteral("amount_minor"), amountMinor},
                     {QStringLiteral("currency"), currency},
                     {QStringLiteral("status"), toString(status)},
                     {QStringLiteral("capture"), capture},
                     {QStringLiteral("pay_method"), payMethod},
                     {QStringLiteral("channel"), textOrNull(channel)},
                     {QStringLiteral("channel_trade_no"), textOrNull(channelTradeNo)},
                     {QStringLiteral("channel_fee_minor"), channelFeeMinor},
                     {QStringLiteral("captured_minor"), capturedMinor},
                     {QStringLiteral("refunded_minor"), refundedMinor},
                     {QStringLiteral("card"), QJsonObject{{QStringLiteral("brand"), textOrNull(cardBrand)},
                                                          {QStringLiteral("last4"), textOrNull(cardLast4)}}},
                     {QStringLiteral("description"), textOrNull(description)},
                     {QStringLiteral("customer_email"), textOrNull(customerEmail)},
                     {QStringLiteral("notify_url"), textOrNull(notifyUrl)},
                     {QStringLiteral("return_url"), textOrNull(returnUrl)},
                     {QStringLiteral("metadata"), metadata},
                     {QStringLiteral("created_at"), timeOrNull(createdAt)},
                     {QStringLiteral("updated_at"), timeOrNull(updatedAt)},
                     {QStringLiteral("expires_at"), timeOrNull(expiresAt)},
                     {QStringLiteral("paid_at"), timeOrNull(paidAt)},
                     {QStringLiteral("trace_id"), textOrNull(traceId)}};
    if (!riskDecision.isEmpty())
        json.insert(QStringLiteral("risk"), QJsonObject{{QStringLiteral("decision"), riskDecision},
                                                        {QStringLiteral("score"), riskScore},
                                                        {QStringLiteral("level"), riskLevel},
                                                        {QStringLiteral("reasons"), riskReasons}});
    if (!errorCode.isEmpty())
        json.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), errorCode},
                                                         {QStringLiteral("message"), errorMessage}});
    if (status == PaymentStatus::Authorized)
        json.insert(QStringLiteral("authorization_expires_at"), timeOrNull(authorizationExpiresAt));
    // What the merchant does next while the payment is open.
    if (status == PaymentStatus::Processing)
        json.insert(QStringLiteral("next_action"),
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("wait_for_callback")}});
    else if (status == PaymentStatus::Authorized)
        json.insert(QStringLiteral("next_action"),
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("capture_or_void")}});
    return json;
}

QJsonObject Refund::toJson() const
{
    return {{QStringLiteral("refund_no"), refundNo},
            {QStringLiteral("payment_no"), paymentNo},
            {QStringLiteral("merchant_id"), merchantId},
            {QStringLiteral("amount_minor"), amountMinor},
            {QStringLiteral("currency"), currency},
            {QStringLiteral("status"), toString(status)},
            {QStringLiteral("reason"), textOrNull(reason)},
            {QStringLiteral("channel_refund_no"), textOrNull(channelRefundNo)},
            {QStringLiteral("error_code"), textOrNull(errorCode)},
            {QStringLiteral("operator_type"), operatorType},
            {QStringLiteral("created_at"), timeOrNull(createdAt)},
            {QStringLiteral("refunded_at"), timeOrNull(refundedAt)}};
}

QJsonObject TimelineEntry::toJson() const
{
    return {
        {QStringLiteral("at"), timeOrNull(at)},           {QStringLiteral("kind"), kind},
        {QStringLiteral("step"), textOrNull(step)},       {QStringLiteral("from"), textOrNull(fromStatus)},
        {QStringLiteral("to"), textOrNull(toStatus)},     {QStringLiteral("detail"), detail},
        {QStringLiteral("trace_id"), textOrNull(traceId)}};
}

TimelineEntry statusChange(PaymentStatus from, PaymentStatus to, const QString &step,
                           const QJsonObject &detail)
{
    Q_ASSERT(canTransition(from, to));
    return {QStringLiteral("status"), step, toString(from), toString(to), detail, {}};
}

TimelineEntry stepDone(const QString &step, const QJsonObject &detail)
{
    return {QStringLiteral("step"), step, {}, {}, detail, {}};
}

bool luhnValid(QStringView digits)
{
    if (digits.size() < 12 || digits.size() > 19)
        return false;
    int sum = 0;
    bool doubled = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        const QChar c = digits[i];
        if (c < u'0' || c > u'9')
            return false;
        int d = c.unicode() - u'0';
        if (doubled && (d *= 2) > 9)
            d -= 9;
        sum += d;
        doubled = !doubled;
    }
    return sum % 10 == 0;
}

QString cardLast4(QStringView number)
{
    return number.right(4).toString();
}

QString cardBin(QStringView number)
{
    return number.left(6).toString();
}

} // namespace paydesk::services::gateway
