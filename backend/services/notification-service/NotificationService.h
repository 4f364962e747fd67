#pragma once
// notification-service (spec §3.3, §4.8): merchant webhooks: endpoints with sealed signing secrets,
// signed deliveries of payment.events to endpoints and the payment's notify_url, retries with
// exponential back-off and full jitter, manual redelivery. See README.md in this folder.

#include "services/notification-service/routes/NotificationRoutes.h"

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::notification {

class NotificationService : public platform::Service
{
public:
    explicit NotificationService(platform::ServiceDescriptor descriptor, DeliverySettings settings = {})
        : Service(std::move(descriptor))
    {
        m_context.settings = settings;
    }
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    QList<QPair<QString, QString>> consumedTopics() const override;
    void onReady(platform::ServiceRuntime &runtime) override;
    // "webhook_backlog" (not critical): due deliveries and the oldest one's wait; failing when the
    // worker falls more than kBacklogLagMaxMs behind.
    QList<platform::HealthCheck> healthChecks(platform::ServiceRuntime &runtime) override;

private:
    NotificationContext m_context; // read by handlers on workers; worker set once in onReady
};

std::unique_ptr<platform::Service> createNotificationService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::notification
