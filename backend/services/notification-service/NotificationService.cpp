#include "services/notification-service/NotificationService.h"

#include "services/notification-service/DeliveryWorker.h"

#include "services/notification-service/store/WebhookStore.h"

#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"

#include <QElapsedTimer>

namespace paydesk::services::notification {

using namespace platform;

namespace {
// A minute behind means the worker is stuck or overwhelmed, not merely busy.
constexpr qint64 kBacklogLagMaxMs = 60'000;
} // namespace

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
    // pool finishes before its children are deleted. Created once: onReady runs again after a
    // controlled stop, and the worker stops its own timer on ServiceRuntime::stopped.
    if (!m_context.worker)
        m_context.worker =
            new DeliveryWorker(runtime, m_context.settings, DeliveryMetrics::registerIn(runtime), &runtime);
    runtime.subscribe(kPaymentTopic, kServiceName, [&runtime, this](const Event &event) {
        return applyPaymentEvent(runtime, m_context, event);
    });
    m_context.worker->start();
}

QList<HealthCheck> NotificationService::healthChecks(ServiceRuntime &runtime)
{
    HealthCheck check{.name = QStringLiteral("webhook_backlog"), .critical = false};
    QElapsedTimer clock;
    clock.start();
    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    qint64 due = 0;
    qint64 lagMs = 0;
    if (db.isOpen() && store::dueBacklog(db, &due, &lagMs, &error)) {
        check.ok = lagMs <= kBacklogLagMaxMs;
        check.message = QStringLiteral("%1 due, oldest waiting %2 ms").arg(due).arg(lagMs);
    } else {
        check.message = error;
    }
    check.latencyMs = double(clock.nsecsElapsed()) / 1e6;
    check.checkedAt = QDateTime::currentDateTimeUtc();
    return {check};
}

std::unique_ptr<Service> createNotificationService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<NotificationService>(descriptor);
}

} // namespace paydesk::services::notification
