#include "services/analytics-service/AnalyticsService.h"

#include "services/analytics-service/routes/AnalyticsRoutes.h"

namespace paydesk::services::analytics {

using namespace platform;

void AnalyticsService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    addAnalyticsRoutes(router, runtime);
}

QList<QPair<QString, QString>> AnalyticsService::consumedTopics() const
{
    return {{kPaymentTopic, kServiceName}};
}

void AnalyticsService::onReady(ServiceRuntime &runtime)
{
    runtime.subscribe(kPaymentTopic, kServiceName,
                      [&runtime](const Event &event) { return applyPaymentEvent(runtime, event); });
}

std::unique_ptr<Service> createAnalyticsService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<AnalyticsService>(descriptor);
}

} // namespace paydesk::services::analytics
