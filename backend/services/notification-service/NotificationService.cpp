#include "services/notification-service/NotificationService.h"

#include "platform/host/ServiceRuntime.h"

namespace paydesk::services::notification {

using namespace platform;

void NotificationService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    Q_UNUSED(router);
    Q_UNUSED(runtime);
}

std::unique_ptr<Service> createNotificationService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<NotificationService>(descriptor);
}

} // namespace paydesk::services::notification
