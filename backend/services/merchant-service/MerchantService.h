#pragma once
// merchant-service: merchant master data, tiers, the merchant lifecycle (domain/MerchantStatus.h),
// settlement bank accounts, self-registration, and kyc_status kept in step with kyc-service
// through topic kyc.events.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::merchant {

inline const QString kKycEventsTopic = QStringLiteral("kyc.events");
inline const QString kKycConsumerGroup = QStringLiteral("merchant-service-kyc");

class MerchantService : public platform::Service
{
public:
    explicit MerchantService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}

    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    QList<QPair<QString, QString>> consumedTopics() const override;
    // Service thread: subscribes to kyc.events.
    void onReady(platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createMerchantService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::merchant
