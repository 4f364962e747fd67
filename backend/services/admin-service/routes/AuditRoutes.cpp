// The audit log, read-only: there is no route that changes or deletes an entry.

#include "../store/AuditStore.h"
#include "RouteContext.h"

namespace paydesk::services::admin {

using platform::Access;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::Router;

namespace audit_routes {

HttpResponse list(const RouteContext &context, const HttpRequest &request)
{
    const platform::PageRequest page = platform::PageRequest::fromQuery(request.query);
    store::AuditFilter filter;
    filter.actor = request.query.queryItemValue(QStringLiteral("actor"), QUrl::FullyDecoded);
    filter.resource = request.query.queryItemValue(QStringLiteral("resource"), QUrl::FullyDecoded);
    filter.action = request.query.queryItemValue(QStringLiteral("action"), QUrl::FullyDecoded);
    const QString from = request.query.queryItemValue(QStringLiteral("from"), QUrl::FullyDecoded);
    const QString to = request.query.queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded);
    filter.from = QDateTime::fromString(from, Qt::ISODateWithMs);
    filter.to = QDateTime::fromString(to, Qt::ISODateWithMs);
    QStringList bad;
    if (!from.isEmpty() && !filter.from.isValid())
        bad << QStringLiteral("from");
    if (!to.isEmpty() && !filter.to.isValid())
        bad << QStringLiteral("to");
    if (!bad.isEmpty())
        return Problem::validation(
                   QStringLiteral("%1 must be ISO 8601 date-times").arg(bad.join(QStringLiteral(" and "))))
            .toResponse(request.trace.traceId);
    filter.limit = page.pageSize;
    filter.offset = page.offset();
    return context.read(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        QJsonArray rows;
        qint64 total = 0;
        if (!store::listAudit(db, filter, &rows, &total, why))
            return false;
        *response = HttpResponse::json(page.wrap(rows, total));
        return true;
    });
}

HttpResponse get(const RouteContext &context, const HttpRequest &request)
{
    bool numeric = false;
    const qint64 id = request.pathParam(QStringLiteral("id")).toLongLong(&numeric);
    if (!numeric)
        return Problem::notFound(
                   QStringLiteral("no audit entry %1").arg(request.pathParam(QStringLiteral("id"))))
            .toResponse(request.trace.traceId);
    return context.read(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        QJsonObject row;
        bool found = false;
        if (!store::loadAudit(db, id, &row, &found, why))
            return false;
        if (!found)
            return reject(response, Problem::notFound(QStringLiteral("no audit entry %1").arg(id)), request);
        *response = HttpResponse::json(row);
        return true;
    });
}

} // namespace audit_routes

void registerAuditRoutes(Router &router, const RouteContext &context)
{
    using namespace audit_routes;
    const QJsonObject entry = objectSchema(
        {{QStringLiteral("id"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}}},
         {QStringLiteral("service"), stringSchema()},
         {QStringLiteral("actor_id"), stringSchema()},
         {QStringLiteral("actor_name"), stringSchema()},
         {QStringLiteral("action"), stringSchema()},
         {QStringLiteral("resource"), stringSchema()},
         {QStringLiteral("resource_id"), stringSchema()},
         {QStringLiteral("before"), QJsonObject{}},
         {QStringLiteral("after"), QJsonObject{}},
         {QStringLiteral("occurred_at"), stringSchema(QStringLiteral("date-time"))}});
    router.add({.method = "GET",
                .pattern = "/api/v1/audit-logs",
                .handler = [context](const HttpRequest &r) { return list(context, r); },
                .access = Access::Admin,
                .permission = "audit.view",
                .summary = "Search the audit log (?actor=&resource=&action=&from=&to=&page=&page_size=)",
                .responseSchema = pageSchema(entry)});
    router.add({.method = "GET",
                .pattern = "/api/v1/audit-logs/{id}",
                .handler = [context](const HttpRequest &r) { return get(context, r); },
                .access = Access::Admin,
                .permission = "audit.view",
                .summary = "One audit entry",
                .responseSchema = entry});
}

} // namespace paydesk::services::admin
