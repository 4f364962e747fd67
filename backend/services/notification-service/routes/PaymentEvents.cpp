// Consumer of payment.events: turns each deliverable event into deliveries, once per event id.

#include "services/notification-service/DeliveryWorker.h"
#include "services/notification-service/domain/SecretSealing.h"
#include "services/notification-service/routes/NotificationRoutes.h"
#include "services/notification-service/store/WebhookStore.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/EventOnce.h"
#include "platform/observe/JsonLog.h"

namespace paydesk::services::notification {

using namespace platform;

void NotificationContext::kickWorker() const
{
    if (DeliveryWorker *target = worker.data())
        QMetaObject::invokeMethod(target, &DeliveryWorker::kick, Qt::QueuedConnection);
}

bool ensureMerchantSecret(QSqlDatabase &db, ServiceRuntime &runtime, const QString &merchantId,
                          QString *error)
{
    std::optional<store::MerchantSecret> existing;
    if (!store::loadMerchantSecret(db, merchantId, &existing, error))
        return false;
    if (existing)
        return true;
    // Nobody has seen this secret yet: the merchant reads a new one with POST /webhooks/secret/rotate.
    const QByteArray sealed =
        sealMerchantSecret(runtime.environment().secrets.masterKey, merchantId, newSigningSecret());
    return store::saveMerchantSecret(db, merchantId, sealed, false, nullptr, error);
}

namespace payment_events {
QList<store::NewDelivery> plannedDeliveries(const Event &event, const QList<store::Endpoint> &endpoints,
                                            const DeliverySettings &settings)
{
    const QJsonObject &payload = event.payload;
    store::NewDelivery base;
    base.merchantId = payload.value(QStringLiteral("merchant_id")).toString();
    base.eventId = event.eventId;
    base.eventType = event.type;
    base.paymentNo = payload.value(QStringLiteral("payment_no")).toString();
    base.refundNo = payload.value(QStringLiteral("refund_no")).toString();
    const QDateTime occurred =
        event.occurredAt.isValid() ? event.occurredAt : QDateTime::currentDateTimeUtc();
    base.body = deliveryBody(event.eventId.toString(QUuid::WithoutBraces), event.type,
                             occurred.toUTC().toString(Qt::ISODateWithMs), payload);
    base.maxAttempts = settings.maxAttempts;
    QList<store::NewDelivery> planned;
    for (const store::Endpoint &endpoint : endpoints) {
        if (!endpoint.enabled || !subscribes(endpoint.events, event.type))
            continue;
        store::NewDelivery delivery = base;
        delivery.endpointId = endpoint.id;
        delivery.url = endpoint.url;
        planned.append(delivery);
    }
    const QString notifyUrl = payload.value(QStringLiteral("notify_url")).toString();
    if (!notifyUrl.isEmpty() && targetProblem(notifyUrl, settings.allowLoopbackTargets).isEmpty()) {
        store::NewDelivery delivery = base;
        delivery.url = notifyUrl;
        planned.append(delivery);
    }
    return planned;
}
} // namespace payment_events

bool applyPaymentEvent(ServiceRuntime &runtime, const NotificationContext &context, const Event &event)
{
    if (event.topic != kPaymentTopic || !isDeliverable(event.type))
        return true; // payment.created, payment.voided: nothing for merchants
    const QString merchantId = event.payload.value(QStringLiteral("merchant_id")).toString();
    if (merchantId.isEmpty() || merchantId.size() > 64 || event.eventId.isNull()) {
        // Redelivery cannot fix a malformed event: log it and move on rather than block the topic.
        runtime.log().write(LogLevel::Warn,
                            QStringLiteral("ignored %1 %2: no merchant_id or event id")
                                .arg(event.type, event.eventId.toString(QUuid::WithoutBraces)));
        return true;
    }
    int created = 0;
    const bool ok = applyEventOnce(
        runtime, kServiceName, event, QStringLiteral("payment event"), LogLevel::Warn,
        [&](QSqlDatabase &db, QString *why) {
            QList<store::Endpoint> endpoints;
            if (!store::listEndpoints(db, merchantId, &endpoints, why))
                return false;
            const QList<store::NewDelivery> planned =
                payment_events::plannedDeliveries(event, endpoints, context.settings);
            for (const store::NewDelivery &delivery : planned) {
                if (!delivery.endpointId && !ensureMerchantSecret(db, runtime, merchantId, why))
                    return false;
                QUuid id;
                if (!store::insertDelivery(db, delivery, &id, why))
                    return false;
                ++created;
            }
            return true;
        });
    if (!ok)
        return false;
    if (created > 0)
        context.kickWorker();
    return true;
}

} // namespace paydesk::services::notification
