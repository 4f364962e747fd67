// Admin routes for the blacklist (add, remove, list, check one value) and the stored risk checks.
// Reads need risk.view, changes risk.manage and append an audit event in the same transaction.

#include "services/risk-service/routes/RiskRoutes.h"
#include "services/risk-service/store/BlacklistStore.h"
#include "services/risk-service/store/RiskStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

#include <QJsonArray>

namespace paydesk::services::risk {

using namespace platform;

namespace blacklist_routes {
// ---- blacklist ----

HttpResponse addBlacklist(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    store::BlacklistEntry entry;
    entry.entityType =
        body.string(QStringLiteral("entity_type"), {.required = true, .oneOf = blacklistTypes()});
    entry.entityValue = normaliseValue(
        entry.entityType, body.string(QStringLiteral("entity_value"), {.required = true, .maxLength = 256}));
    entry.reason = body.string(QStringLiteral("reason"), {.maxLength = 1000});
    const QString expires = body.string(QStringLiteral("expires_at"), {.maxLength = 64});
    if (!expires.isEmpty()) {
        entry.expiresAt = QDateTime::fromString(expires, Qt::ISODateWithMs);
        if (!entry.expiresAt.isValid() || entry.expiresAt <= QDateTime::currentDateTimeUtc())
            body.fail(QStringLiteral("expires_at"), QStringLiteral("must be an ISO 8601 time in the future"));
    }
    if (body.ok() && entry.entityValue.isEmpty())
        body.fail(QStringLiteral("entity_value"), QStringLiteral("is empty once normalised"));
    if (!body.ok())
        return body.problem();
    entry.addedBy = request.principal.id;
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        bool conflict = false;
        std::optional<store::BlacklistEntry> created;
        if (!store::insertBlacklist(db, entry, &entry.id, &conflict, why))
            return std::nullopt;
        if (conflict)
            return Problem::conflict(QStringLiteral("BLACKLIST_EXISTS"),
                                     QStringLiteral("%1 %2 is already blacklisted")
                                         .arg(entry.entityType, entry.entityValue))
                .toResponse(request.trace.traceId);
        if (!store::loadBlacklist(db, entry.id, &created, why) || !created)
            return std::nullopt;
        const audit::Change change{QStringLiteral("risk.blacklist.add"), QStringLiteral("risk_blacklist"),
                                   QString::number(entry.id), QJsonValue(), created->toJson()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        return audited(HttpResponse::json(created->toJson(), 201));
    });
}

HttpResponse removeBlacklist(ServiceRuntime &runtime, const HttpRequest &request)
{
    const auto id = idParam(request);
    auto missing = [&] {
        return notFound(
            request, QStringLiteral("BLACKLIST_ENTRY_NOT_FOUND"),
            QStringLiteral("no active blacklist entry %1").arg(request.pathParam(QStringLiteral("id"))));
    };
    if (!id)
        return missing();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::BlacklistEntry> before;
        std::optional<store::BlacklistEntry> after;
        bool removed = false;
        if (!store::loadBlacklist(db, *id, &before, why) ||
            !store::removeBlacklist(db, *id, request.principal.id, &removed, why))
            return std::nullopt;
        if (!removed)
            return missing();
        if (!store::loadBlacklist(db, *id, &after, why) || !after)
            return std::nullopt;
        const audit::Change change{QStringLiteral("risk.blacklist.remove"), QStringLiteral("risk_blacklist"),
                                   QString::number(*id), before->toJson(), after->toJson()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        return audited(HttpResponse::empty(204));
    });
}

HttpResponse listBlacklist(ServiceRuntime &runtime, const HttpRequest &request)
{
    const PageRequest page = PageRequest::fromQuery(request.query);
    store::BlacklistFilter filter;
    filter.entityType = request.query.queryItemValue(QStringLiteral("entity_type"), QUrl::FullyDecoded);
    filter.entityValue = normaliseValue(
        filter.entityType, request.query.queryItemValue(QStringLiteral("entity_value"), QUrl::FullyDecoded));
    filter.status = request.query.queryItemValue(QStringLiteral("status"), QUrl::FullyDecoded);
    if (!filter.entityType.isEmpty() && !blacklistTypes().contains(filter.entityType))
        return Problem::validation(
                   QStringLiteral("entity_type must be one of %1").arg(blacklistTypes().join(u',')))
            .toResponse(request.trace.traceId);
    if (!filter.status.isEmpty() && filter.status != QLatin1String("active") &&
        filter.status != QLatin1String("removed"))
        return Problem::validation(QStringLiteral("status must be active or removed"))
            .toResponse(request.trace.traceId);
    filter.limit = page.pageSize;
    filter.offset = page.offset();
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<store::BlacklistEntry> entries;
        qint64 total = 0;
        QString why;
        if (!store::listBlacklist(db, filter, &entries, &total, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        QJsonArray items;
        for (const store::BlacklistEntry &entry : std::as_const(entries))
            items.append(entry.toJson());
        return HttpResponse::json(page.wrap(items, total));
    });
}

HttpResponse checkBlacklist(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString type = request.query.queryItemValue(QStringLiteral("entity_type"), QUrl::FullyDecoded);
    const QString value = normaliseValue(
        type, request.query.queryItemValue(QStringLiteral("entity_value"), QUrl::FullyDecoded));
    if (!blacklistTypes().contains(type) || value.isEmpty())
        return Problem::validation(QStringLiteral("entity_type (one of %1) and entity_value are required")
                                       .arg(blacklistTypes().join(u',')))
            .toResponse(request.trace.traceId);
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<store::BlacklistEntry> hits;
        QString why;
        if (!store::findBlacklisted(db, {{type, value}}, &hits, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        return HttpResponse::json(QJsonObject{
            {QStringLiteral("entity_type"), type},
            {QStringLiteral("entity_value"), value},
            {QStringLiteral("blacklisted"), !hits.isEmpty()},
            {QStringLiteral("entry"), hits.isEmpty() ? QJsonValue() : QJsonValue(hits.first().toJson())}});
    });
}

// ---- checks ----

HttpResponse listChecks(ServiceRuntime &runtime, const HttpRequest &request)
{
    const PageRequest page = PageRequest::fromQuery(request.query);
    store::CheckFilter filter;
    filter.merchantId = request.query.queryItemValue(QStringLiteral("merchant_id"), QUrl::FullyDecoded);
    filter.decision = request.query.queryItemValue(QStringLiteral("decision"), QUrl::FullyDecoded);
    filter.paymentNo = request.query.queryItemValue(QStringLiteral("payment_no"), QUrl::FullyDecoded);
    if (!filter.decision.isEmpty() &&
        !QStringList{QStringLiteral("pass"), QStringLiteral("review"), QStringLiteral("reject")}.contains(
            filter.decision))
        return Problem::validation(QStringLiteral("decision must be pass, review or reject"))
            .toResponse(request.trace.traceId);
    filter.limit = page.pageSize;
    filter.offset = page.offset();
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QJsonArray items;
        qint64 total = 0;
        QString why;
        if (!store::listChecks(db, filter, &items, &total, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        return HttpResponse::json(page.wrap(items, total));
    });
}

HttpResponse getCheck(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QUuid id = QUuid::fromString(request.pathParam(QStringLiteral("id")));
    auto missing = [&] {
        return notFound(request, QStringLiteral("RISK_CHECK_NOT_FOUND"),
                        QStringLiteral("no risk check %1").arg(request.pathParam(QStringLiteral("id"))));
    };
    if (id.isNull())
        return missing();
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        std::optional<QJsonObject> check;
        QString why;
        if (!store::loadCheck(db, id, &check, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        return check ? HttpResponse::json(*check) : missing();
    });
}
} // namespace blacklist_routes

void addBlacklistRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace blacklist_routes;
    addAdminRoutes(
        router, runtime,
        {{"GET", QStringLiteral("/api/v1/risk/blacklist"), false, false, listBlacklist,
          QStringLiteral("Blacklist entries (filters entity_type, entity_value, status; paging)")},
         {"POST", QStringLiteral("/api/v1/risk/blacklist"), true, true, addBlacklist,
          QStringLiteral("Blacklist a value {entity_type, entity_value, reason?, expires_at?}"), 201},
         {"GET", QStringLiteral("/api/v1/risk/blacklist/check"), false, false, checkBlacklist,
          QStringLiteral("Is entity_type/entity_value actively blacklisted?")},
         {"DELETE", QStringLiteral("/api/v1/risk/blacklist/{id}"), true, false, removeBlacklist,
          QStringLiteral("Remove an active blacklist entry (kept as history)"), 204},
         {"GET", QStringLiteral("/api/v1/risk/checks"), false, false, listChecks,
          QStringLiteral(
              "Stored risk checks, newest first (filters merchant_id, decision, payment_no; paging)")},
         {"GET", QStringLiteral("/api/v1/risk/checks/{id}"), false, false, getCheck,
          QStringLiteral("One stored risk check with its factors")}});
}

} // namespace paydesk::services::risk
