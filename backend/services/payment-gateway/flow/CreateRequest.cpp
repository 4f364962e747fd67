// Reading and validating a create request (card checks, URLs, metadata bound, currency).

#include "services/payment-gateway/flow/PaymentFlow.h"

#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/money/Currency.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

namespace paydesk::services::gateway {

using namespace platform;

namespace {
const QRegularExpression kOrderNo(QStringLiteral("^[A-Za-z0-9._:-]{1,64}$"));
const QRegularExpression kCvc(QStringLiteral("^[0-9]{3,4}$"));
constexpr int kMetadataBytesMax = 4096;

bool validUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == u"https" || url.scheme() == u"http") && !url.host().isEmpty();
}

void readCard(BodyReader &body, CardInput *card)
{
    const QJsonObject object = body.object(QStringLiteral("card"), true);
    if (object.isEmpty())
        return;
    QString number = object.value(QStringLiteral("number")).toString();
    number.remove(u' ');
    if (!luhnValid(number))
        body.fail(QStringLiteral("card.number"), QStringLiteral("is not a valid card number"));
    card->number = number;
    const QJsonValue month = object.value(QStringLiteral("exp_month"));
    const QJsonValue year = object.value(QStringLiteral("exp_year"));
    card->expMonth = month.isDouble() ? month.toInt() : 0;
    card->expYear = year.isDouble() ? year.toInt() : 0;
    if (card->expMonth < 1 || card->expMonth > 12)
        body.fail(QStringLiteral("card.exp_month"), QStringLiteral("must be an integer from 1 to 12"));
    if (card->expYear < 2000 || card->expYear > 2100)
        body.fail(QStringLiteral("card.exp_year"), QStringLiteral("must be a four-digit year"));
    card->cvc = object.value(QStringLiteral("cvc")).toString();
    if (!kCvc.match(card->cvc).hasMatch())
        body.fail(QStringLiteral("card.cvc"), QStringLiteral("must be 3 or 4 digits"));
    card->holder = object.value(QStringLiteral("holder")).toString().left(128);
}
} // namespace

std::optional<CreateCommand> parseCreate(const HttpRequest &request, const QString &merchantId,
                                         const QString &environment, HttpResponse *problem)
{
    BodyReader body(request);
    CreateCommand c;
    Payment &p = c.payment;
    p.merchantId = merchantId;
    p.environment = environment.isEmpty() ? QStringLiteral("test") : environment;
    p.orderNo = body.string(QStringLiteral("order_no"), {.required = true, .maxLength = 64});
    if (!p.orderNo.isEmpty() && !kOrderNo.match(p.orderNo).hasMatch())
        body.fail(QStringLiteral("order_no"), QStringLiteral("may hold letters, digits and . _ : - only"));
    p.amountMinor = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
    p.currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
    p.payMethod = body.has(QStringLiteral("pay_method"))
                      ? body.string(QStringLiteral("pay_method"), {.oneOf = {QStringLiteral("card")}})
                      : QStringLiteral("card");
    p.channel = body.string(QStringLiteral("channel"), {.maxLength = 32});
    p.capture = body.boolean(QStringLiteral("capture"), true);
    readCard(body, &c.card);
    p.description = body.string(QStringLiteral("description"), {.maxLength = 255});
    p.customerEmail = body.string(QStringLiteral("customer_email"), {.maxLength = 254});
    if (!p.customerEmail.isEmpty() && !p.customerEmail.contains(u'@'))
        body.fail(QStringLiteral("customer_email"), QStringLiteral("must be an e-mail address"));
    p.customerIp = body.string(QStringLiteral("customer_ip"), {.maxLength = 45});
    if (!p.customerIp.isEmpty() && QHostAddress(p.customerIp).isNull())
        body.fail(QStringLiteral("customer_ip"), QStringLiteral("must be an IPv4 or IPv6 address"));
    p.deviceId = body.string(QStringLiteral("device_id"), {.maxLength = 128});
    p.notifyUrl = body.string(QStringLiteral("notify_url"), {.maxLength = 2048});
    if (!p.notifyUrl.isEmpty() && !validUrl(p.notifyUrl))
        body.fail(QStringLiteral("notify_url"), QStringLiteral("must be an http(s) URL"));
    p.returnUrl = body.string(QStringLiteral("return_url"), {.maxLength = 2048});
    if (!p.returnUrl.isEmpty() && !validUrl(p.returnUrl))
        body.fail(QStringLiteral("return_url"), QStringLiteral("must be an http(s) URL"));
    const qint64 expireMinutes = body.has(QStringLiteral("expire_minutes"))
                                     ? body.int64(QStringLiteral("expire_minutes"), {.min = 1, .max = 10080})
                                     : 30;
    p.metadata = body.object(QStringLiteral("metadata"));
    if (QJsonDocument(p.metadata).toJson(QJsonDocument::Compact).size() > kMetadataBytesMax)
        body.fail(QStringLiteral("metadata"),
                  QStringLiteral("must be at most %1 bytes").arg(kMetadataBytesMax));
    if (!body.ok()) {
        *problem = body.problem();
        return std::nullopt;
    }
    if (!currency(p.currency)) {
        *problem = respond(request,
                           Problem{400,
                                   QStringLiteral("UNSUPPORTED_CURRENCY"),
                                   QStringLiteral("Unsupported currency"),
                                   QStringLiteral("%1 is not a supported ISO 4217 currency").arg(p.currency),
                                   {}});
        return std::nullopt;
    }
    p.paymentNo = newPaymentNo();
    p.idempotencyKey = QString::fromUtf8(request.header("idempotency-key")).trimmed();
    // The trace of this request (the caller's, when it sent a traceparent): the console opens it.
    p.traceId = QString::fromLatin1(request.trace.traceId);
    p.status = PaymentStatus::Pending;
    p.cardLast4 = cardLast4(c.card.number);
    p.expiresAt = QDateTime::currentDateTimeUtc().addSecs(expireMinutes * 60);
    return c;
}

} // namespace paydesk::services::gateway
