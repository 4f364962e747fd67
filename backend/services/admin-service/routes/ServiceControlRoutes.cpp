// Service control for admins (system.control): stop, start or restart one service of this process
// through HostEnvironment::control (platform/host/ServiceControl.h). The call blocks this worker
// until the service is stopped, or running and ready, or its bound passed; every attempt, failed
// ones included, leaves an audit record with the outcome.

#include "RouteContext.h"

#include "platform/host/ServiceControl.h"
#include "platform/rpc/ServiceDirectory.h"

namespace paydesk::services::admin {

using platform::Access;
using platform::HealthSnapshot;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::Router;

namespace {
enum class Action { Stop, Start, Restart };

QString actionName(Action action)
{
    switch (action) {
    case Action::Stop:
        return QStringLiteral("stop");
    case Action::Start:
        return QStringLiteral("start");
    case Action::Restart:
        return QStringLiteral("restart");
    }
    return {};
}

QJsonObject stateOf(const std::optional<HealthSnapshot> &health)
{
    if (!health)
        return {};
    return {{QStringLiteral("state"), platform::toString(health->state)},
            {QStringLiteral("status"), health->status()},
            {QStringLiteral("ready"), health->ready}};
}

Problem notControllable(const QString &detail)
{
    return {409,
            QStringLiteral("SERVICE_NOT_CONTROLLABLE"),
            QStringLiteral("Service not controllable"),
            detail,
            {}};
}

HttpResponse control(const RouteContext &context, const HttpRequest &request, Action action)
{
    const QString name = request.pathParam(QStringLiteral("name"));
    const platform::HostEnvironment &environment = context.runtime.environment();
    if (!environment.directory || !environment.directory->find(name).isValid())
        return Problem{404,
                       QStringLiteral("SERVICE_NOT_FOUND"),
                       QStringLiteral("Unknown service"),
                       QStringLiteral("no service named %1 in this installation").arg(name),
                       {}}
            .toResponse(request.trace.traceId);
    if (name == context.serviceName())
        return notControllable(QStringLiteral("%1 serves this request and cannot %2 itself; restart the "
                                              "server process (paydesk-server) instead")
                                   .arg(name, actionName(action)))
            .toResponse(request.trace.traceId);
    platform::ServiceControl *control = environment.control;
    if (!control || !control->controls(name))
        return notControllable(QStringLiteral("%1 does not run in this process (cluster mode): control it "
                                              "through the admin-service of the node that hosts it")
                                   .arg(name))
            .toResponse(request.trace.traceId);

    const std::optional<HealthSnapshot> before = control->serviceHealth(name);
    QString error;
    bool ok = false;
    switch (action) {
    case Action::Stop:
        ok = control->stopService(name, &error);
        break;
    case Action::Start:
        ok = control->startService(name, &error);
        break;
    case Action::Restart:
        ok = control->restartService(name, &error);
        break;
    }
    const std::optional<HealthSnapshot> after = control->serviceHealth(name);
    QJsonObject outcome = stateOf(after);
    outcome.insert(QStringLiteral("result"), ok ? QStringLiteral("ok") : QStringLiteral("failed"));
    if (!ok)
        outcome.insert(QStringLiteral("error"), error);

    // The action already happened: its record is committed whatever the outcome.
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        if (ok) {
            *response = HttpResponse::json(after->toJson(QStringLiteral(PAYDESK_VERSION)));
        } else {
            Problem problem{503,
                            QStringLiteral("SERVICE_CONTROL_FAILED"),
                            QStringLiteral("Service control failed"),
                            error,
                            {}};
            problem.extra.insert(QStringLiteral("health"), after->toJson(QStringLiteral(PAYDESK_VERSION)));
            *response = problem.toResponse(request.trace.traceId);
        }
        return context.audit(db, request,
                             {QStringLiteral("service.") + actionName(action), QStringLiteral("service"),
                              name, stateOf(before), outcome},
                             response, why);
    });
}
} // namespace

void registerServiceControlRoutes(Router &router, const RouteContext &context)
{
    const QJsonObject healthSchema = objectSchema(
        {{QStringLiteral("service"), stringSchema()},
         {QStringLiteral("status"), stringSchema()},
         {QStringLiteral("state"), stringSchema()},
         {QStringLiteral("ready"), QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")}}},
         {QStringLiteral("port"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}}},
         {QStringLiteral("checks"), arraySchema(QJsonObject{})}});
    const QList<std::pair<Action, QString>> actions{
        {Action::Stop, QStringLiteral("Stop one service of this process: it drains its in-flight requests "
                                      "(shutdown_timeout_ms), then answers every call 503 SERVICE_STOPPED "
                                      "(its port stays open); events for it wait until it starts")},
        {Action::Start, QStringLiteral("Start a stopped service again; answers once it is ready (events held "
                                       "while it was stopped are then delivered)")},
        {Action::Restart, QStringLiteral("Stop, then start one service of this process")},
    };
    for (const auto &[action, summary] : actions) {
        router.add({.method = "POST",
                    .pattern = QStringLiteral("/api/v1/system/services/{name}/") + actionName(action),
                    .handler = [context, action = action](
                                   const HttpRequest &r) { return control(context, r, action); },
                    .access = Access::Admin,
                    .permission = QStringLiteral("system.control"),
                    .summary = summary,
                    .responseSchema = healthSchema});
    }
}

} // namespace paydesk::services::admin
