#pragma once
// notification-service: merchant webhooks: endpoints, signed deliveries, retries. See README.md in this
// folder.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::notification {

class NotificationService : public platform::Service
{
public:
    explicit NotificationService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createNotificationService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::notification
