#pragma once
// Stopping, starting and restarting one service of this process while the others keep running
// (admin-service's POST /api/v1/system/services/{name}/stop|start|restart). The ServiceHost
// implements it and publishes itself in HostEnvironment::control.
//
// A controlled stop drains the service like a shutdown (readiness false, timers stop, in-flight
// requests drained within shutdown_timeout_ms) but keeps its runtime object, thread and port:
// callers, in process and over HTTP, get 503 SERVICE_STOPPED at once (GET /health: 503, status
// "stopped"), and events for it are refused (the bus redelivers them after the start, in order).
// Keeping the port means a refused connection never looks like a crash and nothing else takes the
// port before the start. A start resumes readiness checks and runs the service's onReady again
// once it is ready. A host shutdown closes the port of a stopped service like any other.
//
// Threads: any thread except the controlled service's own; every call blocks until the service
// reached the state asked for, failed, or the bound passed.

#include "platform/host/HealthSnapshot.h"

#include <QString>

#include <optional>

namespace paydesk::platform {

class ServiceControl
{
public:
    virtual ~ServiceControl() = default;

    // True when `name` runs in this process (a remote service of a cluster is controlled by the
    // admin-service of its own node).
    virtual bool controls(const QString &name) const = 0;
    // The service's current snapshot; empty when it is not hosted here.
    virtual std::optional<HealthSnapshot> serviceHealth(const QString &name) const = 0;

    // Each returns false with *error when the service is not hosted here, cannot reach the state
    // (a start whose port is taken) or did not reach it within its bound. Stopping a stopped
    // service and starting a running one succeed without doing anything.
    virtual bool stopService(const QString &name, QString *error) = 0;
    virtual bool startService(const QString &name, QString *error) = 0;
    virtual bool restartService(const QString &name, QString *error) = 0;
};

} // namespace paydesk::platform
