// Admin routes for the rules and thresholds of the risk check: rules CRUD with enable / disable and
// the risk_settings thresholds. Reads need risk.view, changes risk.manage and append an audit event
// in the same transaction. A change bumps risk_config_version (trigger), so every worker's cache
// follows on its next check.

#include "services/risk-service/routes/RiskRoutes.h"
#include "services/risk-service/store/RiskStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

#include <QJsonArray>

namespace paydesk::services::risk {

using namespace platform;

namespace rule_routes {
HttpResponse ruleNotFound(const HttpRequest &request)
{
    return notFound(request, QStringLiteral("RISK_RULE_NOT_FOUND"),
                    QStringLiteral("no risk rule %1").arg(request.pathParam(QStringLiteral("id"))));
}

// Reads a whole rule (POST creates it, PUT replaces every field); conditions are validated and
// normalised by RuleConditions.
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

HttpResponse enable(ServiceRuntime &runtime, const HttpRequest &request)
{
    return enableRule(runtime, request, true);
}

HttpResponse disable(ServiceRuntime &runtime, const HttpRequest &request)
{
    return enableRule(runtime, request, false);
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
} // namespace rule_routes

void addAdminRoutes(Router &router, ServiceRuntime &runtime, const QList<AdminRoute> &routes)
{
    for (const AdminRoute &route : routes) {
        const auto handler = route.handler;
        router.add({.method = route.method,
                    .pattern = route.pattern,
                    .handler = [&runtime, handler](const HttpRequest &r) { return handler(runtime, r); },
                    .access = Access::Admin,
                    .jsonBody = route.jsonBody,
                    .permission = route.manage ? kManagePermission : kViewPermission,
                    .summary = route.summary,
                    .successStatus = route.successStatus});
    }
}

void addRuleRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace rule_routes;
    const QString rule = QStringLiteral("/api/v1/risk/rules/{id}");
    addAdminRoutes(
        router, runtime,
        {{"GET", QStringLiteral("/api/v1/risk/rules"), false, false, listRules,
          QStringLiteral("Risk rules in evaluation order (priority, id)")},
         {"POST", QStringLiteral("/api/v1/risk/rules"), true, true, createRule,
          QStringLiteral("Create a rule {name, priority, conditions, action reject|review, enabled}"), 201},
         {"GET", rule, false, false, getRule, QStringLiteral("One risk rule")},
         {"PUT", rule, true, true, updateRule, QStringLiteral("Replace a risk rule")},
         {"DELETE", rule, true, false, deleteRule, QStringLiteral("Delete a risk rule"), 204},
         {"POST", rule + QStringLiteral("/enable"), true, false, enable,
          QStringLiteral("Enable a risk rule")},
         {"POST", rule + QStringLiteral("/disable"), true, false, disable,
          QStringLiteral("Disable a risk rule")},
         {"GET", QStringLiteral("/api/v1/risk/settings"), false, false, listSettings,
          QStringLiteral("Scoring thresholds (velocity limits and windows, device set sizes, large amount)")},
         {"PUT", QStringLiteral("/api/v1/risk/settings"), true, true, putSettings,
          QStringLiteral("Change thresholds {name: value, ...}; applies to the next check")}});
}

} // namespace paydesk::services::risk
