// Admin routes of risk-service: rules (CRUD, enable/disable), blacklist (add, remove, list, check)
// and the stored checks. Reads need risk.view, changes risk.manage and append an audit event in the
// same transaction.

#include "services/risk-service/routes/RiskRoutes.h"
#include "services/risk-service/store/RiskStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

#include <QJsonArray>

namespace paydesk::services::risk {

using namespace platform;

namespace admin_risk_routes {
const QString kView = QStringLiteral("risk.view");
const QString kManage = QStringLiteral("risk.manage");

std::optional<qint64> idParam(const HttpRequest &request)
{
    bool ok = false;
    const qint64 id = request.pathParam(QStringLiteral("id")).toLongLong(&ok);
    return ok && id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

HttpResponse ruleNotFound(const HttpRequest &request)
{
    return notFound(request, QStringLiteral("RISK_RULE_NOT_FOUND"),
                    QStringLiteral("no risk rule %1").arg(request.pathParam(QStringLiteral("id"))));
}

HttpResponse audited(HttpResponse response)
{
    response.audited = true;
    return response;
}

// Reads name, description, priority, conditions, action, enabled; `existing` supplies absent
// fields on PUT (a full replacement needs nothing from it but the id).
std::optional<store::RuleRow> readRule(BodyReader &body, const HttpRequest &request)
{
    store::RuleRow rule;
    rule.name = body.string(QStringLiteral("name"), {.required = true, .minLength = 1, .maxLength = 128});
    rule.description = body.string(QStringLiteral("description"), {.maxLength = 1000});
    rule.priority =
        static_cast<int>(body.has(QStringLiteral("priority"))
                             ? body.int64(QStringLiteral("priority"), {.min = 0, .max = 1'000'000})
                             : 100);
    rule.action =
        body.string(QStringLiteral("action"),
                    {.required = true, .oneOf = {QStringLiteral("reject"), QStringLiteral("review")}});
    rule.enabled = body.boolean(QStringLiteral("enabled"), true);
    const QJsonObject conditions = body.object(QStringLiteral("conditions"), true);
    QStringList errors;
    const auto parsed = RuleConditions::fromJson(conditions, &errors);
    for (const QString &error : std::as_const(errors))
        body.fail(QStringLiteral("conditions"), error);
    if (parsed)
        rule.conditions = parsed->toJson(); // normalised (upper-case currency, lower-case domain…)
    rule.updatedBy = request.principal.id;
    if (!body.ok())
        return std::nullopt;
    return rule;
}

HttpResponse listRules(ServiceRuntime &runtime, const HttpRequest &request)
{
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<store::RuleRow> rules;
        QString why;
        if (!store::listRules(db, &rules, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        QJsonArray items;
        for (const store::RuleRow &rule : std::as_const(rules))
            items.append(rule.toJson());
        return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
    });
}

HttpResponse getRule(ServiceRuntime &runtime, const HttpRequest &request)
{
    const auto id = idParam(request);
    if (!id)
        return ruleNotFound(request);
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        std::optional<store::RuleRow> rule;
        QString why;
        if (!store::loadRule(db, *id, &rule, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        return rule ? HttpResponse::json(rule->toJson()) : ruleNotFound(request);
    });
}

HttpResponse createRule(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    auto rule = readRule(body, request);
    if (!rule)
        return body.problem();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::RuleRow> created;
        if (!store::insertRule(db, *rule, &rule->id, why) || !store::loadRule(db, rule->id, &created, why) ||
            !created)
            return std::nullopt;
        const audit::Change change{QStringLiteral("risk.rule.create"), QStringLiteral("risk_rule"),
                                   QString::number(rule->id), QJsonValue(), created->toJson()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        return audited(HttpResponse::json(created->toJson(), 201));
    });
}

HttpResponse updateRule(ServiceRuntime &runtime, const HttpRequest &request)
{
    const auto id = idParam(request);
    if (!id)
        return ruleNotFound(request);
    BodyReader body(request);
    auto rule = readRule(body, request);
    if (!rule)
        return body.problem();
    rule->id = *id;
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::RuleRow> before;
        std::optional<store::RuleRow> after;
        bool found = false;
        if (!store::loadRule(db, *id, &before, why))
            return std::nullopt;
        if (!before)
            return ruleNotFound(request);
        if (!store::updateRule(db, *rule, &found, why) || !store::loadRule(db, *id, &after, why) || !after)
            return std::nullopt;
        const audit::Change change{QStringLiteral("risk.rule.update"), QStringLiteral("risk_rule"),
                                   QString::number(*id), before->toJson(), after->toJson()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        return audited(HttpResponse::json(after->toJson()));
    });
}

HttpResponse enableRule(ServiceRuntime &runtime, const HttpRequest &request, bool enabled)
{
    const auto id = idParam(request);
    if (!id)
        return ruleNotFound(request);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::RuleRow> before;
        std::optional<store::RuleRow> after;
        bool found = false;
        if (!store::loadRule(db, *id, &before, why))
            return std::nullopt;
        if (!before)
            return ruleNotFound(request);
        if (!store::setRuleEnabled(db, *id, enabled, request.principal.id, &found, why) ||
            !store::loadRule(db, *id, &after, why) || !after)
            return std::nullopt;
        const audit::Change change{
            enabled ? QStringLiteral("risk.rule.enable") : QStringLiteral("risk.rule.disable"),
            QStringLiteral("risk_rule"), QString::number(*id), before->toJson(), after->toJson()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        return audited(HttpResponse::json(after->toJson()));
    });
}

HttpResponse deleteRule(ServiceRuntime &runtime, const HttpRequest &request)
{
    const auto id = idParam(request);
    if (!id)
        return ruleNotFound(request);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::RuleRow> before;
        bool found = false;
        if (!store::loadRule(db, *id, &before, why))
            return std::nullopt;
        if (!before)
            return ruleNotFound(request);
        if (!store::deleteRule(db, *id, &found, why))
            return std::nullopt;
        const audit::Change change{QStringLiteral("risk.rule.delete"), QStringLiteral("risk_rule"),
                                   QString::number(*id), before->toJson(), QJsonValue()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        return audited(HttpResponse::empty(204));
    });
}

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

// ---- thresholds ----

HttpResponse listSettings(ServiceRuntime &runtime, const HttpRequest &request)
{
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QJsonArray items;
        QString why;
        if (!store::listSettings(db, &items, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
    });
}

// Body {name: value, ...}: every name must exist, every value an integer >= 0 (a window or TTL >= 1).
HttpResponse putSettings(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    QHash<QString, qint64> values;
    const QJsonObject object = request.json.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const bool duration = it.key().endsWith(QLatin1String("_s"));
        values.insert(it.key(), body.int64(it.key(), {.required = true, .min = duration ? 1 : 0}));
    }
    if (values.isEmpty())
        body.fail(QStringLiteral("body"), QStringLiteral("at least one setting is required"));
    if (!body.ok())
        return body.problem();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        QJsonArray before;
        QJsonArray after;
        QStringList unknown;
        if (!store::listSettings(db, &before, why) || !store::saveSettings(db, values, &unknown, why))
            return std::nullopt;
        if (!unknown.isEmpty()) {
            BodyReader refusal(request);
            for (const QString &name : std::as_const(unknown))
                refusal.fail(name, QStringLiteral("unknown setting"));
            return refusal.problem();
        }
        if (!store::listSettings(db, &after, why))
            return std::nullopt;
        const audit::Change change{QStringLiteral("risk.settings.update"), QStringLiteral("risk_settings"),
                                   QStringLiteral("thresholds"), before, after};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        return audited(HttpResponse::json(QJsonObject{{QStringLiteral("items"), after}}));
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
} // namespace admin_risk_routes

void addAdminRiskRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace admin_risk_routes;
    auto add = [&](const QByteArray &method, const QString &pattern, const QString &permission,
                   std::function<HttpResponse(const HttpRequest &)> handler, const QString &summary,
                   int successStatus = 200) {
        router.add({.method = method,
                    .pattern = pattern,
                    .handler = std::move(handler),
                    .access = Access::Admin,
                    .jsonBody = method == "POST" || method == "PUT",
                    .permission = permission,
                    .summary = summary,
                    .successStatus = successStatus});
    };
    auto &rt = runtime;
    add(
        "GET", QStringLiteral("/api/v1/risk/rules"), kView,
        [&rt](const HttpRequest &r) { return listRules(rt, r); },
        QStringLiteral("Risk rules in evaluation order (priority, id)"));
    add(
        "POST", QStringLiteral("/api/v1/risk/rules"), kManage,
        [&rt](const HttpRequest &r) { return createRule(rt, r); },
        QStringLiteral("Create a rule {name, priority, conditions, action reject|review, enabled}"), 201);
    add(
        "GET", QStringLiteral("/api/v1/risk/rules/{id}"), kView,
        [&rt](const HttpRequest &r) { return getRule(rt, r); }, QStringLiteral("One risk rule"));
    add(
        "PUT", QStringLiteral("/api/v1/risk/rules/{id}"), kManage,
        [&rt](const HttpRequest &r) { return updateRule(rt, r); }, QStringLiteral("Replace a risk rule"));
    add(
        "DELETE", QStringLiteral("/api/v1/risk/rules/{id}"), kManage,
        [&rt](const HttpRequest &r) { return deleteRule(rt, r); }, QStringLiteral("Delete a risk rule"), 204);
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/risk/rules/{id}/enable"),
                .handler = [&rt](const HttpRequest &r) { return enableRule(rt, r, true); },
                .access = Access::Admin,
                .permission = kManage,
                .summary = QStringLiteral("Enable a risk rule")});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/risk/rules/{id}/disable"),
                .handler = [&rt](const HttpRequest &r) { return enableRule(rt, r, false); },
                .access = Access::Admin,
                .permission = kManage,
                .summary = QStringLiteral("Disable a risk rule")});
    add(
        "GET", QStringLiteral("/api/v1/risk/blacklist"), kView,
        [&rt](const HttpRequest &r) { return listBlacklist(rt, r); },
        QStringLiteral("Blacklist entries (filters entity_type, entity_value, status; paging)"));
    add(
        "POST", QStringLiteral("/api/v1/risk/blacklist"), kManage,
        [&rt](const HttpRequest &r) { return addBlacklist(rt, r); },
        QStringLiteral("Blacklist a value {entity_type, entity_value, reason?, expires_at?}"), 201);
    add(
        "GET", QStringLiteral("/api/v1/risk/blacklist/check"), kView,
        [&rt](const HttpRequest &r) { return checkBlacklist(rt, r); },
        QStringLiteral("Is entity_type/entity_value actively blacklisted?"));
    add(
        "DELETE", QStringLiteral("/api/v1/risk/blacklist/{id}"), kManage,
        [&rt](const HttpRequest &r) { return removeBlacklist(rt, r); },
        QStringLiteral("Remove an active blacklist entry (kept as history)"), 204);
    add(
        "GET", QStringLiteral("/api/v1/risk/settings"), kView,
        [&rt](const HttpRequest &r) { return listSettings(rt, r); },
        QStringLiteral("Scoring thresholds (velocity limits and windows, device set sizes, large amount)"));
    add(
        "PUT", QStringLiteral("/api/v1/risk/settings"), kManage,
        [&rt](const HttpRequest &r) { return putSettings(rt, r); },
        QStringLiteral("Change thresholds {name: value, ...}; applies to the next check"));
    add(
        "GET", QStringLiteral("/api/v1/risk/checks"), kView,
        [&rt](const HttpRequest &r) { return listChecks(rt, r); },
        QStringLiteral(
            "Stored risk checks, newest first (filters merchant_id, decision, payment_no; paging)"));
    add(
        "GET", QStringLiteral("/api/v1/risk/checks/{id}"), kView,
        [&rt](const HttpRequest &r) { return getCheck(rt, r); },
        QStringLiteral("One stored risk check with its factors"));
}

} // namespace paydesk::services::risk
