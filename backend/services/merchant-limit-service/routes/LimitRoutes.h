#pragma once
// Route groups and event consumers of merchant-limit-service. Handlers run on workers unless noted.

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::limits {

inline const QString kServiceName = QStringLiteral("merchant-limit-service");
inline const QString kLimitTopic = QStringLiteral("limit.events");
inline const QString kMerchantTopic = QStringLiteral("merchant.events");
inline const QString kKycTopic = QStringLiteral("kyc.events");

// POST /internal/v1/limits/consume and /release (payment-gateway).
void addConsumptionRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// /api/v1/merchants/{merchant_id}/limits…: view, override, clear override, set tier / KYC level.
void addAdminLimitRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// merchant.events (merchant.created, merchant.tier_changed) and kyc.events (kyc.approved,
// kyc.expired): records
// the merchant's tier / KYC level once per event id. Runs on the service thread (the bus delivers
// there and needs the answer synchronously); one short transaction. False asks for redelivery.
bool applyProfileEvent(platform::ServiceRuntime &runtime, const platform::Event &event);

} // namespace paydesk::services::limits
