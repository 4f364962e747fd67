#pragma once
// What a service is to the kernel: a name, a seed port, its own database, its migrations and its
// routes. Everything else (listener, health, metrics, logs, outbox relay, readiness) comes from
// the ServiceRuntime that hosts it, so 18 services share one implementation of those.

#include "platform/host/HealthSnapshot.h"

#include <QList>
#include <QPair>
#include <QString>

namespace paydesk::platform {

class Router;
class ServiceRuntime;

struct ServiceDescriptor
{
    QString name;     // "payment-gateway"
    quint16 seedPort; // 40003; shifted by base_port
    QString database; // "payment_gateway"
    QString title;    // one line for /openapi.json and status tables
};

class Service
{
public:
    explicit Service(ServiceDescriptor descriptor) : m_descriptor(std::move(descriptor)) {}
    virtual ~Service() = default;

    const ServiceDescriptor &descriptor() const { return m_descriptor; }

    // Qt resource directory holding NNNN_*.sql for this service (may be absent: platform tables only).
    virtual QString migrationsDirectory() const
    {
        return QStringLiteral(":/migrations/") + m_descriptor.name;
    }

    // Called once on the service thread before the listener opens; the router is frozen afterwards.
    virtual void registerRoutes(Router &router, ServiceRuntime &runtime)
    {
        Q_UNUSED(router);
        Q_UNUSED(runtime);
    }

    // (topic, consumer group) pairs this service subscribes to in onReady(); declared to the bus
    // before any service starts so that no event is acknowledged before its consumer listens.
    virtual QList<QPair<QString, QString>> consumedTopics() const { return {}; }

    // Called on the service thread when the service becomes ready (database migrated): subscribe
    // to events (ServiceRuntime::subscribe), start timers. Runs again each time the service is
    // started after a controlled stop (ServiceControl), so it must be safe to repeat: subscriptions
    // replace the previous one of the same (topic, group); create timers and workers once and only
    // (re)start them here — they stop on ServiceRuntime::stopped.
    virtual void onReady(ServiceRuntime &runtime) { Q_UNUSED(runtime); }

    // The service's own checks (plugins loaded, a worker keeping up…), appended to /health after
    // postgres, migrations and redis at every readiness round. Called on a worker thread: quick and
    // thread-safe. A failing check with `critical` set makes the service unready.
    virtual QList<HealthCheck> healthChecks(ServiceRuntime &runtime)
    {
        Q_UNUSED(runtime);
        return {};
    }

private:
    ServiceDescriptor m_descriptor;
};

} // namespace paydesk::platform
