#include "platform/host/HealthSnapshot.h"

#include <QJsonArray>

namespace paydesk::platform {

QString toString(ServiceState state)
{
    switch (state) {
    case ServiceState::Starting:
        return QStringLiteral("starting");
    case ServiceState::Running:
        return QStringLiteral("running");
    case ServiceState::Failed:
        return QStringLiteral("failed");
    case ServiceState::Stopping:
        return QStringLiteral("stopping");
    case ServiceState::Stopped:
        return QStringLiteral("stopped");
    }
    return {};
}

QString HealthSnapshot::status() const
{
    if (state == ServiceState::Stopped)
        return QStringLiteral("stopped"); // on purpose (a controlled stop) or shutting down: not an error
    if (state != ServiceState::Running || !ready)
        return QStringLiteral("unhealthy");
    for (const HealthCheck &check : checks) {
        if (!check.ok)
            return QStringLiteral("degraded");
    }
    return QStringLiteral("healthy");
}

QJsonObject HealthSnapshot::toJson(const QString &version) const
{
    QJsonArray checkArray;
    for (const HealthCheck &check : checks) {
        checkArray.append(QJsonObject{
            {QStringLiteral("name"), check.name},
            {QStringLiteral("status"), check.ok ? QStringLiteral("healthy") : QStringLiteral("unhealthy")},
            {QStringLiteral("critical"), check.critical},
            {QStringLiteral("latency_ms"), check.latencyMs},
            {QStringLiteral("message"), check.message},
            {QStringLiteral("checked_at"), check.checkedAt.toString(Qt::ISODateWithMs)},
        });
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QJsonObject object{
        {QStringLiteral("service"), service},
        {QStringLiteral("status"), status()},
        {QStringLiteral("state"), toString(state)},
        {QStringLiteral("ready"), ready},
        {QStringLiteral("version"), version},
        {QStringLiteral("port"), port},
        {QStringLiteral("uptime_seconds"), startedAt.isValid() ? startedAt.msecsTo(now) / 1000.0 : 0.0},
        {QStringLiteral("timestamp"), now.toString(Qt::ISODateWithMs)},
        {QStringLiteral("in_flight"), inFlight},
        {QStringLiteral("checks"), checkArray},
    };
    if (!error.isEmpty())
        object.insert(QStringLiteral("error"), error);
    return object;
}

} // namespace paydesk::platform
