#include "services/notification-service/NotificationService.h"

#include "services/notification-service/DeliveryWorker.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::notification {

using namespace platform;

void NotificationService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    addEndpointRoutes(router, runtime, m_context);
    addAdminDeliveryRoutes(router, runtime, m_context);
}

QList<QPair<QString, QString>> NotificationService::consumedTopics() const
{
    return {{kPaymentTopic, kServiceName}};
}

void NotificationService::onReady(ServiceRuntime &runtime)
{
    // Parented to the runtime (service thread): it outlives every pass, which the runtime's worker
    // pool finishes before its children are deleted.
    auto *worker =
        new DeliveryWorker(runtime, m_context.settings, DeliveryMetrics::registerIn(runtime), &runtime);
    m_context.worker = worker;
    if (EventBus *bus = runtime.environment().bus) {
        bus->subscribe(kPaymentTopic, kServiceName, &runtime, [&runtime, this](const Event &event) {
            return applyPaymentEvent(runtime, m_context, event);
        });
    }
    worker->start();
}

std::unique_ptr<Service> createNotificationService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<NotificationService>(descriptor);
}

} // namespace paydesk::services::notification
