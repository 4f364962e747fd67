#pragma once
// Route groups and the event consumer of notification-service. Handlers run on workers.

#include "services/notification-service/domain/WebhookRules.h"

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"

#include <QPointer>

namespace paydesk::services::notification {

class DeliveryWorker;
namespace store {
struct DeliveryFilter;
}

inline const QString kServiceName = QStringLiteral("notification-service");
inline const QString kPaymentTopic = QStringLiteral("payment.events");

// What the routes and the consumer share with the service. `worker` is set in onReady (service
// thread) before the service answers requests; handlers only post kick() to it.
struct NotificationContext
{
    DeliverySettings settings;
    QPointer<DeliveryWorker> worker;
    void kickWorker() const; // any thread
};

// Merchant (signed): /api/v1/webhooks/endpoints…, /api/v1/webhooks/deliveries…, /api/v1/webhooks/secret….
void addEndpointRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                       const NotificationContext &context);
// Admin: /api/v1/admin/webhooks/deliveries… (webhook.view, webhook.redeliver).
void addAdminDeliveryRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                            const NotificationContext &context);
// A page of deliveries matching `filter` (its offset and limit come from the query's paging):
// the merchant's and the admin's delivery lists.
platform::HttpResponse deliveryPage(platform::ServiceRuntime &runtime, const platform::HttpRequest &request,
                                    store::DeliveryFilter filter);
// payment.events: one delivery per subscribed enabled endpoint and one for the notify_url, once
// per event id. Runs on the service thread (the bus needs the answer synchronously); one short
// transaction. False asks for redelivery.
bool applyPaymentEvent(platform::ServiceRuntime &runtime, const NotificationContext &context,
                       const platform::Event &event);
// The merchant's notify_url secret, created (sealed) on first need. Inside the caller's transaction.
bool ensureMerchantSecret(QSqlDatabase &db, platform::ServiceRuntime &runtime, const QString &merchantId,
                          QString *error);

} // namespace paydesk::services::notification
