#pragma once
// merchant-limit-service (spec §4.19): per-merchant, per-currency amount and count limits with an
// atomic check-and-consume for payment-gateway. Tier and KYC level arrive as events from
// merchant-service and kyc-service (or are set by an admin); admins override limits per currency.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::limits {

class MerchantLimitService : public platform::Service
{
public:
    explicit MerchantLimitService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    QList<QPair<QString, QString>> consumedTopics() const override;
    void onReady(platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createMerchantLimitService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::limits
