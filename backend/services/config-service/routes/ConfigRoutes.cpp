// Versioned config values: every change is a new version row, optimistic concurrency on
// expected_version, rollback as a new version, secrets sealed at rest and masked on read, and a
// config.changed event (key and version only, never the value) for ConfigClient caches.

#include "services/config-service/routes/ConfigRoutes.h"
#include "services/config-service/store/ConfigStore.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

namespace paydesk::services::config {

using namespace platform;

namespace config_routes {
constexpr int kValueMaxBytes = 64 * 1024; // one config value; bigger blobs do not belong here

std::optional<HttpResponse> badKey(const HttpRequest &request)
{
    if (!isValidKey(request.pathParam(QStringLiteral("key"))))
        return Problem::validation(QStringLiteral("key must be 1-128 characters of [a-z0-9_.-]"))
            .toResponse(request.trace.traceId);
    return std::nullopt;
}

// Secrets are shown only with ?reveal=true and config.update.
std::optional<HttpResponse> revealRefused(const HttpRequest &request, bool *reveal)
{
    *reveal = request.query.queryItemValue(QStringLiteral("reveal")) == QStringLiteral("true");
    if (*reveal && !request.principal.can(QStringLiteral("config.update")))
        return Problem::forbidden(QStringLiteral("revealing secrets requires config.update"))
            .toResponse(request.trace.traceId);
    return std::nullopt;
}

HttpResponse versionNotFound(const HttpRequest &request, const QString &key, int version)
{
    return Problem{404,
                   QStringLiteral("CONFIG_NOT_FOUND"),
                   QStringLiteral("Config not found"),
                   version > 0 ? QStringLiteral("config %1 has no version %2").arg(key).arg(version)
                               : QStringLiteral("no config %1").arg(key),
                   {}}
        .toResponse(request.trace.traceId);
}

// What the audit trail keeps of a version: never a secret's value.
QJsonValue auditView(const std::optional<store::ConfigVersion> &v)
{
    if (!v)
        return QJsonValue();
    QJsonObject object{{QStringLiteral("version"), v->version},
                       {QStringLiteral("is_secret"), v->isSecret},
                       {QStringLiteral("description"), v->description}};
    if (!v->isSecret)
        object.insert(QStringLiteral("value"), v->value);
    return object;
}

// Appends version `next` (the key is locked), its event and its audit record.
bool writeVersion(ServiceRuntime &runtime, const HttpRequest &request, QSqlDatabase &db,
                  const std::optional<store::ConfigVersion> &before, const store::ConfigVersion &next,
                  QString *why)
{
    const QByteArray &masterKey = runtime.environment().secrets.masterKey;
    if (!store::insertVersion(db, masterKey, next, why))
        return false;
    Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kConfigTopic;
    event.type = QStringLiteral("config.changed");
    event.aggregateType = QStringLiteral("config");
    event.aggregateId = next.key;
    event.traceparent = request.trace.toTraceparent();
    event.payload = {{QStringLiteral("key"), next.key}, {QStringLiteral("version"), next.version}};
    const audit::Change change{next.changeType == QStringLiteral("rollback")
                                   ? QStringLiteral("config.rollback")
                                   : QStringLiteral("config.set"),
                               QStringLiteral("config"), next.key, auditView(before), auditView(next)};
    return outbox::append(db, event, why) > 0 && audit::append(db, request, kServiceName, change, why);
}

HttpResponse conflict(const HttpRequest &request, int expected, int current)
{
    Problem problem = Problem::conflict(
        QStringLiteral("VERSION_CONFLICT"),
        QStringLiteral("expected version %1, current version is %2").arg(expected).arg(current));
    problem.extra.insert(QStringLiteral("current_version"), current);
    return problem.toResponse(request.trace.traceId);
}

HttpResponse put(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badKey(request))
        return *bad;
    const QString key = request.pathParam(QStringLiteral("key"));
    BodyReader body(request);
    const QJsonObject object = request.json.object();
    if (!object.contains(QStringLiteral("value")))
        body.fail(QStringLiteral("value"), QStringLiteral("is required (any JSON value)"));
    else if (valueToJson(object.value(QStringLiteral("value"))).size() > kValueMaxBytes)
        body.fail(QStringLiteral("value"),
                  QStringLiteral("must be at most %1 bytes of JSON").arg(kValueMaxBytes));
    const std::optional<bool> isSecret = body.has(QStringLiteral("is_secret"))
                                             ? std::optional<bool>(body.boolean(QStringLiteral("is_secret")))
                                             : std::nullopt;
    const bool hasDescription = body.has(QStringLiteral("description"));
    const QString description = body.string(QStringLiteral("description"), {.maxLength = 1000});
    const bool hasExpected = body.has(QStringLiteral("expected_version"));
    const int expected =
        static_cast<int>(body.int64(QStringLiteral("expected_version"), {.min = 0, .max = 1'000'000'000}));
    if (!body.ok())
        return body.problem();
    const HttpResponse response =
        transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            int current = 0;
            std::optional<store::ConfigVersion> before;
            if (!store::lockKey(db, key, &current, why) ||
                !store::loadVersion(db, runtime.environment().secrets.masterKey, key, current, &before, why))
                return std::nullopt;
            if (hasExpected && expected != current) {
                return conflict(request, expected, current);
            }
            store::ConfigVersion next;
            next.key = key;
            next.version = current + 1;
            next.value = object.value(QStringLiteral("value"));
            // A secret stays secret unless the change says otherwise; so does the description.
            next.isSecret = isSecret.value_or(before && before->isSecret);
            next.description = hasDescription ? description : (before ? before->description : QString());
            next.changeType = QStringLiteral("set");
            next.createdBy = request.principal.id;
            next.createdAt = QDateTime::currentDateTimeUtc();
            if (!writeVersion(runtime, request, db, before, next, why))
                return std::nullopt;
            HttpResponse ok = HttpResponse::json(next.toJson(true), current == 0 ? 201 : 200);
            ok.audited = true;
            return ok;
        });
    return response;
}

HttpResponse rollback(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badKey(request))
        return *bad;
    const QString key = request.pathParam(QStringLiteral("key"));
    BodyReader body(request);
    const int target = static_cast<int>(
        body.int64(QStringLiteral("version"), {.required = true, .min = 1, .max = 1'000'000'000}));
    const bool hasExpected = body.has(QStringLiteral("expected_version"));
    const int expected =
        static_cast<int>(body.int64(QStringLiteral("expected_version"), {.min = 0, .max = 1'000'000'000}));
    if (!body.ok())
        return body.problem();
    const QByteArray &masterKey = runtime.environment().secrets.masterKey;
    const HttpResponse response =
        transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            int current = 0;
            std::optional<store::ConfigVersion> before;
            std::optional<store::ConfigVersion> old;
            if (!store::lockKey(db, key, &current, why) ||
                !store::loadVersion(db, masterKey, key, current, &before, why) ||
                !store::loadVersion(db, masterKey, key, target, &old, why))
                return std::nullopt;
            if (!old) {
                return versionNotFound(request, key, target);
            }
            if (hasExpected && expected != current) {
                return conflict(request, expected, current);
            }
            store::ConfigVersion next = *old;
            next.version = current + 1;
            next.changeType = QStringLiteral("rollback");
            next.rollbackOf = target;
            next.createdBy = request.principal.id;
            next.createdAt = QDateTime::currentDateTimeUtc();
            if (!writeVersion(runtime, request, db, before, next, why))
                return std::nullopt;
            HttpResponse ok = HttpResponse::json(next.toJson(true));
            ok.audited = true;
            return ok;
        });
    return response;
}

// GET one key: admins (masked unless revealed) and services (always clear: they need the value).
HttpResponse get(ServiceRuntime &runtime, const HttpRequest &request, bool internal)
{
    if (auto bad = badKey(request))
        return *bad;
    bool reveal = internal;
    if (!internal) {
        if (auto refused = revealRefused(request, &reveal))
            return *refused;
    }
    const QString key = request.pathParam(QStringLiteral("key"));
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::ConfigVersion> current;
        if (!store::loadVersion(db, runtime.environment().secrets.masterKey, key, 0, &current, why))
            return std::nullopt;
        return current ? HttpResponse::json(current->toJson(!reveal)) : versionNotFound(request, key, 0);
    });
}

HttpResponse historyOf(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badKey(request))
        return *bad;
    bool reveal = false;
    if (auto refused = revealRefused(request, &reveal))
        return *refused;
    const QString key = request.pathParam(QStringLiteral("key"));
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        QList<store::ConfigVersion> versions;
        if (!store::history(db, runtime.environment().secrets.masterKey, key, &versions, why))
            return std::nullopt;
        if (versions.isEmpty()) {
            return versionNotFound(request, key, 0);
        }
        QJsonArray items;
        for (const store::ConfigVersion &v : std::as_const(versions))
            items.append(v.toJson(!reveal));
        return HttpResponse::json(
            QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("versions"), items}});
    });
}

HttpResponse list(ServiceRuntime &runtime, const HttpRequest &request)
{
    const PageRequest page = PageRequest::fromQuery(request.query);
    const QString prefix = request.query.queryItemValue(QStringLiteral("prefix"));
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        QList<store::ConfigVersion> versions;
        qint64 total = 0;
        if (!store::listCurrent(db, runtime.environment().secrets.masterKey, prefix, page.offset(),
                                page.pageSize, &versions, &total, why))
            return std::nullopt;
        QJsonArray items;
        for (const store::ConfigVersion &v : std::as_const(versions))
            items.append(v.toJson(true));
        return HttpResponse::json(page.wrap(items, total));
    });
}
} // namespace config_routes

void addConfigRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace config_routes;
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/configs"),
         .handler = [&runtime](const HttpRequest &r) { return list(runtime, r); },
         .access = Access::Admin,
         .permission = QStringLiteral("config.view"),
         .summary = QStringLiteral("Current config values (secrets masked); ?prefix=, page, page_size")});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/configs/{key}"),
         .handler = [&runtime](const HttpRequest &r) { return get(runtime, r, false); },
         .access = Access::Admin,
         .permission = QStringLiteral("config.view"),
         .summary = QStringLiteral("Current value; a secret only with ?reveal=true and config.update")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/configs/{key}/history"),
                .handler = [&runtime](const HttpRequest &r) { return historyOf(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("config.view"),
                .summary = QStringLiteral("Every version of a key, newest first")});
    router.add({.method = "PUT",
                .pattern = QStringLiteral("/api/v1/configs/{key}"),
                .handler = [&runtime](const HttpRequest &r) { return put(runtime, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = QStringLiteral("config.update"),
                .summary = QStringLiteral(
                    "Write a new version {value, is_secret?, description?, expected_version?}")});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/configs/{key}/rollback"),
                .handler = [&runtime](const HttpRequest &r) { return rollback(runtime, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = QStringLiteral("config.update"),
                .summary = QStringLiteral("New version equal to an old one {version, expected_version?}")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/internal/v1/configs/{key}"),
                .handler = [&runtime](const HttpRequest &r) { return get(runtime, r, true); },
                .access = Access::Internal,
                .summary = QStringLiteral("Current value and version, secrets in clear (ConfigClient)")});
}

} // namespace paydesk::services::config
