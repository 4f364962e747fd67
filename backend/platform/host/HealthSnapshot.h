#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace paydesk::platform {

enum class ServiceState { Starting, Running, Failed, Stopping, Stopped };
QString toString(ServiceState state);

struct HealthCheck
{
    QString name; // "postgres", "redis", "migrations"
    bool ok = false;
    bool critical = true; // a failing critical check makes the service unready
    double latencyMs = 0;
    QString message;
    QDateTime checkedAt;
};

struct HealthSnapshot
{
    QString service;
    quint16 port = 0;
    ServiceState state = ServiceState::Starting;
    bool ready = false;
    QString error; // why the service failed to start or is not ready
    QDateTime startedAt;
    QDateTime readySince;
    QList<HealthCheck> checks;
    int inFlight = 0;

    // healthy: running and every check passes; degraded: ready but a non-critical check fails;
    // stopped: stopped by an administrator (or the host shutting down); unhealthy: not ready or failed.
    QString status() const;
    QJsonObject toJson(const QString &version) const;
};

} // namespace paydesk::platform
