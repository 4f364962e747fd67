#include "services/merchant-limit-service/MerchantLimitService.h"

#include "services/merchant-limit-service/routes/LimitRoutes.h"

namespace paydesk::services::limits {

using namespace platform;

void MerchantLimitService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    addConsumptionRoutes(router, runtime);
    addAdminLimitRoutes(router, runtime);
}

QList<QPair<QString, QString>> MerchantLimitService::consumedTopics() const
{
    return {{kMerchantTopic, kServiceName}, {kKycTopic, kServiceName}};
}

void MerchantLimitService::onReady(ServiceRuntime &runtime)
{
    for (const auto &[topic, group] : consumedTopics())
        runtime.subscribe(topic, group,
                          [&runtime](const Event &event) { return applyProfileEvent(runtime, event); });
}

std::unique_ptr<Service> createMerchantLimitService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<MerchantLimitService>(descriptor);
}

} // namespace paydesk::services::limits
