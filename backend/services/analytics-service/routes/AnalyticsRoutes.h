#pragma once
// analytics-service's routes and its payment.events consumer.

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Router.h"

namespace paydesk::services::analytics {

inline const QString kServiceName = QStringLiteral("analytics-service");
inline const QString kPaymentTopic = QStringLiteral("payment.events");

// GET /api/v1/analytics/summary and /api/v1/analytics/merchants/{merchant_id}/daily (payment.view).
void addAnalyticsRoutes(platform::Router &router, platform::ServiceRuntime &runtime);

// One payment.events event into the minute buckets, once per event id, in one short transaction on
// the service thread. False asks for redelivery (database unavailable).
bool applyPaymentEvent(platform::ServiceRuntime &runtime, const platform::Event &event);

} // namespace paydesk::services::analytics
