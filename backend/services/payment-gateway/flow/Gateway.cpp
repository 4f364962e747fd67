#include "services/payment-gateway/flow/Gateway.h"

#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/bus/Outbox.h"
#include "platform/observe/Metrics.h"
#include "platform/rpc/ServiceClient.h"

#include <QJsonDocument>

namespace paydesk::services::gateway {

using namespace platform;

namespace {
const prometheus::Histogram::BucketBoundaries kAmountBuckets{100, 1000, 10000, 100000, 1000000};
const prometheus::Histogram::BucketBoundaries kDurationBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                               0.5,   1.0,  2.5,   5.0,  10.0};
} // namespace

GatewayMetrics::GatewayMetrics(prometheus::Registry &registry)
    : m_payments(&prometheus::BuildCounter()
                      .Name("payment_gateway_payment_total")
                      .Help("Payments created, by outcome (success, failed, processing, authorized, "
                            "risk_rejected, limit_exceeded, duplicate), channel and currency")
                      .Register(registry)),
      m_amount(&prometheus::BuildHistogram()
                    .Name("payment_gateway_payment_amount")
                    .Help("Amounts of created payments in minor units")
                    .Register(registry)),
      m_duration(&prometheus::BuildHistogram()
                      .Name("payment_gateway_payment_duration_seconds")
                      .Help("Duration of payment operations (create_payment, capture, void, cancel, refund)")
                      .Register(registry)),
      m_refunds(&prometheus::BuildCounter()
                     .Name("payment_gateway_refund_total")
                     .Help("Refunds by outcome and currency")
                     .Register(registry)),
      m_refundAmount(&prometheus::BuildHistogram()
                          .Name("payment_gateway_refund_amount")
                          .Help("Amounts of refunds in minor units")
                          .Register(registry))
{
}

void GatewayMetrics::payment(const QString &status, const QString &channel, const QString &currency,
                             qint64 amountMinor)
{
    m_payments
        ->Add({{"status", status.toStdString()},
               {"channel", channel.isEmpty() ? std::string("none") : channel.toStdString()},
               {"currency", currency.toStdString()}})
        .Increment();
    m_amount
        ->Add({{"currency", currency.toStdString()},
               {"channel", channel.isEmpty() ? std::string("none") : channel.toStdString()}},
              kAmountBuckets)
        .Observe(double(amountMinor));
}

void GatewayMetrics::duration(const QString &operation, const QString &status, double seconds)
{
    m_duration
        ->Add({{"operation", operation.toStdString()}, {"status", status.toStdString()}}, kDurationBuckets)
        .Observe(seconds);
}

void GatewayMetrics::refund(const QString &status, const QString &currency, qint64 amountMinor)
{
    m_refunds->Add({{"status", status.toStdString()}, {"currency", currency.toStdString()}}).Increment();
    if (status == QStringLiteral("success"))
        m_refundAmount->Add({{"currency", currency.toStdString()}}, kAmountBuckets)
            .Observe(double(amountMinor));
}

Gateway::Gateway(ServiceRuntime &runtime_) : runtime(runtime_), metrics(*runtime_.metrics().registry())
{
    const int interval = qEnvironmentVariableIntValue("PAYMENT_GATEWAY_SWEEP_INTERVAL_MS");
    if (interval > 0)
        sweepIntervalMs = interval;
}

HttpResponse Gateway::call(const HttpRequest *parent, const QString &service, const QByteArray &method,
                           const QString &path, const QJsonObject &body) const
{
    CallOptions options;
    options.timeoutMs = stepTimeoutMs;
    if (parent) {
        options.parent = parent->trace;
        if (!parent->deadline.isForever())
            options.timeoutMs =
                int(qBound<qint64>(1, parent->deadline.remainingTime(), qint64(stepTimeoutMs)));
    }
    const QByteArray payload =
        method == "GET" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    return runtime.client().callSync(service, method, path, payload, options);
}

QString Gateway::callbackUrl(const QString &channel) const
{
    const QString host = runtime.environment().config.value(QStringLiteral("bind_address"));
    return QStringLiteral("http://%1:%2/api/v1/callbacks/%3")
        .arg(host.isEmpty() || host == QStringLiteral("0.0.0.0") ? QStringLiteral("127.0.0.1") : host)
        .arg(runtime.port())
        .arg(channel.isEmpty() ? QStringLiteral("sandbox") : channel);
}

Event paymentEvent(const Payment &p, const QString &type, const Refund *refund)
{
    Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kPaymentTopic;
    event.type = type;
    event.aggregateType = QStringLiteral("payment");
    event.aggregateId = p.paymentNo;
    event.occurredAt = QDateTime::currentDateTimeUtc();
    QJsonObject payload{{QStringLiteral("payment_no"), p.paymentNo},
                        {QStringLiteral("merchant_id"), p.merchantId},
                        {QStringLiteral("order_no"), p.orderNo},
                        {QStringLiteral("amount_minor"), p.amountMinor},
                        {QStringLiteral("currency"), p.currency},
                        {QStringLiteral("status"), toString(p.status)},
                        {QStringLiteral("channel"), p.channel},
                        {QStringLiteral("channel_trade_no"), p.channelTradeNo},
                        {QStringLiteral("channel_fee_minor"), p.channelFeeMinor},
                        {QStringLiteral("captured_minor"), p.capturedMinor},
                        {QStringLiteral("environment"), p.environment},
                        {QStringLiteral("occurred_at"), isoTime(event.occurredAt)}};
    if (!p.notifyUrl.isEmpty())
        payload.insert(QStringLiteral("notify_url"), p.notifyUrl);
    if (!p.errorCode.isEmpty())
        payload.insert(QStringLiteral("error_code"), p.errorCode);
    if (refund) {
        payload.insert(QStringLiteral("refund_no"), refund->refundNo);
        payload.insert(QStringLiteral("refund_amount_minor"), refund->amountMinor);
        payload.insert(QStringLiteral("refund_status"), toString(refund->status));
    }
    event.payload = payload;
    return event;
}

bool changeStatus(QSqlDatabase &db, const Payment &payment, PaymentStatus from, const QString &step,
                  const QJsonObject &detail, const QList<TimelineEntry> &extra,
                  const QList<FollowUp> &followUps, bool *applied, QList<qint64> *taskIds, QString *error,
                  const QByteArray &traceId)
{
    Q_ASSERT(canTransition(from, payment.status));
    if (!store::savePayment(db, payment, from, applied, error))
        return false;
    if (!*applied)
        return true;
    QList<TimelineEntry> entries = extra;
    entries.append(statusChange(from, payment.status, step, detail));
    if (!store::appendTimeline(db, payment.paymentNo, entries, error, traceId))
        return false;
    const QString type = eventType(from, payment.status);
    if (!type.isEmpty() && outbox::append(db, paymentEvent(payment, type), error) < 0)
        return false;
    for (const FollowUp &followUp : followUps) {
        qint64 id = 0;
        if (!store::appendTask(db, payment.paymentNo, followUp.kind, followUp.payload, &id, error))
            return false;
        taskIds->append(id);
    }
    return true;
}

} // namespace paydesk::services::gateway
