// Admin view and control of the channels: plugins with capabilities and health, channel config,
// routing rules, the transaction log and the settlement statements. Mutations are audited.

#include "services/channel-adapter/plugin/ChannelSupport.h"
#include "services/channel-adapter/routes/ChannelRoutes.h"
#include "services/channel-adapter/store/ChannelStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Actor.h"
#include "platform/security/Audit.h"
#include "platform/security/Crypto.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::services::channels {

using namespace platform;
using ::paydesk::channels::ChannelPlugin;
using ::paydesk::channels::FeeSchedule;

namespace admin_channel_routes {
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));

QJsonObject feesJson(const FeeSchedule &fees)
{
    QJsonObject fixed;
    for (auto it = fees.fixedMinor.cbegin(); it != fees.fixedMinor.cend(); ++it)
        fixed.insert(it.key(), it.value());
    return {{QStringLiteral("percent_bps"), fees.percentBps}, {QStringLiteral("fixed_minor"), fixed}};
}

QJsonObject channelJson(const ChannelRegistry &registry, const QString &name)
{
    ChannelPlugin *plugin = registry.plugin(name);
    const auto caps = plugin->capabilities();
    return {{QStringLiteral("name"), name},
            {QStringLiteral("version"), plugin->version()},
            {QStringLiteral("file"), registry.pluginFile(name)},
            {QStringLiteral("capabilities"),
             QJsonObject{{QStringLiteral("pre_auth"), caps.preAuth},
                         {QStringLiteral("partial_capture"), caps.partialCapture},
                         {QStringLiteral("refunds"), caps.refunds},
                         {QStringLiteral("partial_refunds"), caps.partialRefunds},
                         {QStringLiteral("async_results"), caps.asyncResults},
                         {QStringLiteral("pay_methods"), QJsonArray::fromStringList(caps.payMethods)}}},
            {QStringLiteral("currencies"), QJsonArray::fromStringList(plugin->currencies())},
            {QStringLiteral("fee_schedule"), feesJson(plugin->feeSchedule())},
            {QStringLiteral("effective_fee_schedule"), feesJson(registry.effectiveFees(name))},
            {QStringLiteral("config"), registry.config(name).toJson()},
            {QStringLiteral("health"), registry.health(name)}};
}

QJsonArray failuresJson(const ChannelRegistry &registry)
{
    QJsonArray failures;
    for (const PluginFailure &failure : registry.failures())
        failures.append(
            QJsonObject{{QStringLiteral("file"), failure.file}, {QStringLiteral("error"), failure.error}});
    return failures;
}

HttpResponse unknownChannel(const HttpRequest &request, const QString &name)
{
    return notFound(request, QStringLiteral("CHANNEL_NOT_FOUND"), QStringLiteral("no channel %1").arg(name));
}

HttpResponse listChannels(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    QJsonArray items;
    for (const QString &name : registry.names())
        items.append(channelJson(registry, name));
    return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items},
                                          {QStringLiteral("plugin_directory"), registry.directory()},
                                          {QStringLiteral("failures"), failuresJson(registry)}});
}

HttpResponse getChannel(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    const QString name = request.pathParam(QStringLiteral("name"));
    if (!registry.plugin(name))
        return unknownChannel(request, name);
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    return HttpResponse::json(channelJson(registry, name));
}

// Public: what /health cannot show yet (services have no hook for extra checks there).
HttpResponse health(ChannelRegistry &registry)
{
    QJsonArray channels;
    bool ok = registry.failures().isEmpty();
    for (const QString &name : registry.names()) {
        QJsonObject check = registry.health(name);
        check.insert(QStringLiteral("name"), name);
        ok = ok && check.value(QStringLiteral("ok")).toBool();
        channels.append(check);
    }
    return HttpResponse::json(
        QJsonObject{{QStringLiteral("status"), ok ? QStringLiteral("healthy") : QStringLiteral("degraded")},
                    {QStringLiteral("plugin_directory"), registry.directory()},
                    {QStringLiteral("channels"), channels},
                    {QStringLiteral("failures"), failuresJson(registry)}});
}

// Reads an optional integer that may be null (= clear the override).
void readOptional(BodyReader &body, const QJsonObject &json, const QString &field, const IntRule &rule,
                  std::optional<qint64> *target)
{
    if (!json.contains(field))
        return;
    if (json.value(field).isNull())
        target->reset();
    else
        *target = body.int64(field, rule);
}

QStringList readCurrencies(BodyReader &body, const QJsonArray &array, const QString &field,
                           const QStringList &allowed = {})
{
    QStringList list;
    for (const QJsonValue &v : array) {
        const QString code = v.toString();
        if (!kCurrency.match(code).hasMatch() || (!allowed.isEmpty() && !allowed.contains(code)))
            body.fail(field, QStringLiteral("%1 is not a supported currency").arg(v.toVariant().toString()));
        else if (!list.contains(code))
            list.append(code);
    }
    return list;
}

bool readSettings(BodyReader &body, const QJsonObject &settings)
{
    const QString field = QStringLiteral("settings");
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        if (key == QLatin1String("latency_ms") || key == QLatin1String("async_delay_ms")) {
            if (!v.isDouble() || v.toDouble() != v.toInteger() || v.toInteger() < 0 || v.toInteger() > 30000)
                body.fail(field + u'.' + key, QStringLiteral("an integer from 0 to 30000"));
        } else if (key == QLatin1String("failure_rate") || key == QLatin1String("timeout_rate")) {
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 1)
                body.fail(field + u'.' + key, QStringLiteral("a probability from 0 to 1"));
        } else if (key == QLatin1String("async_refunds")) {
            if (!v.isBool())
                body.fail(field + u'.' + key, QStringLiteral("true or false"));
        } else {
            body.fail(field + u'.' + key, QStringLiteral("unknown setting"));
        }
    }
    return body.ok();
}

HttpResponse updateConfig(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    const QString name = request.pathParam(QStringLiteral("name"));
    ChannelPlugin *plugin = registry.plugin(name);
    if (!plugin)
        return unknownChannel(request, name);
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    const ChannelConfig before = registry.config(name);
    ChannelConfig after = before;
    const QJsonObject json = request.json.object();
    BodyReader body(request);
    if (body.has(QStringLiteral("enabled")))
        after.enabled = body.boolean(QStringLiteral("enabled"), after.enabled);
    if (body.has(QStringLiteral("mode")))
        after.mode =
            body.string(QStringLiteral("mode"), {.oneOf = {QStringLiteral("test"), QStringLiteral("live")}});
    std::optional<qint64> bps = before.feePercentBps;
    readOptional(body, json, QStringLiteral("fee_percent_bps"), {.min = 0, .max = 10000}, &bps);
    after.feePercentBps = bps ? std::optional<int>(static_cast<int>(*bps)) : std::nullopt;
    readOptional(body, json, QStringLiteral("fee_fixed_minor"), {.min = 0}, &after.feeFixedMinor);
    readOptional(body, json, QStringLiteral("min_amount_minor"), {.min = 1}, &after.minAmountMinor);
    readOptional(body, json, QStringLiteral("max_amount_minor"), {.min = 1}, &after.maxAmountMinor);
    if (after.minAmountMinor && after.maxAmountMinor && *after.minAmountMinor > *after.maxAmountMinor)
        body.fail(QStringLiteral("min_amount_minor"), QStringLiteral("must not exceed max_amount_minor"));
    if (json.contains(QStringLiteral("currencies")))
        after.currencies = readCurrencies(body, body.array(QStringLiteral("currencies")),
                                          QStringLiteral("currencies"), plugin->currencies());
    if (body.has(QStringLiteral("priority")))
        after.priority = static_cast<int>(body.int64(QStringLiteral("priority"), {.min = 0, .max = 1000000}));
    if (json.contains(QStringLiteral("settings"))) {
        const QJsonObject settings = body.object(QStringLiteral("settings"));
        if (readSettings(body, settings))
            after.settings = settings;
    }
    const bool rotate = body.boolean(QStringLiteral("rotate_secret"), false);
    if (rotate)
        after.callbackSecret = crypto::randomBytes(32).toHex();
    if (!body.ok())
        return body.problem();
    after.updatedBy = actorOf(request.principal, QStringLiteral("system"));
    const HttpResponse response =
        transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<ChannelConfig> saved;
            if (!store::saveConfig(db, runtime.environment().secrets.masterKey, name, after, after.updatedBy,
                                   why) ||
                !store::loadConfig(db, runtime.environment().secrets.masterKey, name, &saved, why))
                return std::nullopt;
            if (!saved)
                return unknownChannel(request, name);
            after = *saved;
            QJsonObject afterJson = after.toJson();
            afterJson.insert(QStringLiteral("secret_rotated"), rotate);
            const audit::Change change{QStringLiteral("channel.config.update"),
                                       QStringLiteral("channel_config"), name, before.toJson(), afterJson};
            if (!audit::append(db, request, kServiceName, change, why))
                return std::nullopt;
            HttpResponse ok = HttpResponse::empty(200);
            ok.audited = true;
            return ok;
        });
    if (!response.isSuccess())
        return response;
    registry.setConfig(name, after);
    HttpResponse answer = HttpResponse::json(channelJson(registry, name));
    answer.audited = true;
    return answer;
}

// ---- routing rules ----

std::optional<HttpResponse> readRule(const HttpRequest &request, const ChannelRegistry &registry,
                                     RouteRule *rule)
{
    BodyReader body(request);
    rule->name = body.string(QStringLiteral("name"), {.required = true, .maxLength = 64});
    rule->channel = body.string(QStringLiteral("channel"), {.required = true, .maxLength = 64});
    if (!rule->channel.isEmpty() && !registry.plugin(rule->channel))
        body.fail(QStringLiteral("channel"), QStringLiteral("no channel %1 is loaded").arg(rule->channel));
    if (body.has(QStringLiteral("priority")))
        rule->priority = static_cast<int>(body.int64(QStringLiteral("priority"), {.min = 0, .max = 1000000}));
    rule->enabled = body.boolean(QStringLiteral("enabled"), true);
    const QJsonObject conditions = body.object(QStringLiteral("conditions"));
    rule->currencies = readCurrencies(body, conditions.value(QStringLiteral("currencies")).toArray(),
                                      QStringLiteral("conditions.currencies"));
    for (const char *field : {"min_amount_minor", "max_amount_minor"}) {
        const QJsonValue v = conditions.value(QLatin1String(field));
        std::optional<qint64> &target =
            qstrcmp(field, "min_amount_minor") == 0 ? rule->minAmountMinor : rule->maxAmountMinor;
        if (v.isUndefined() || v.isNull())
            target.reset();
        else if (!v.isDouble() || v.toDouble() != v.toInteger() || v.toInteger() < 1)
            body.fail(QStringLiteral("conditions.") + QLatin1String(field),
                      QStringLiteral("a positive integer"));
        else
            target = v.toInteger();
    }
    if (rule->minAmountMinor && rule->maxAmountMinor && *rule->minAmountMinor > *rule->maxAmountMinor)
        body.fail(QStringLiteral("conditions.min_amount_minor"),
                  QStringLiteral("must not exceed max_amount_minor"));
    rule->merchantIds.clear();
    for (const QJsonValue &v : conditions.value(QStringLiteral("merchant_ids")).toArray()) {
        if (!v.isString() || v.toString().isEmpty() || v.toString().size() > 64)
            body.fail(QStringLiteral("conditions.merchant_ids"),
                      QStringLiteral("merchant ids are 1 to 64 characters"));
        else
            rule->merchantIds.append(v.toString());
    }
    if (!body.ok())
        return body.problem();
    return std::nullopt;
}

HttpResponse listRules(ServiceRuntime &runtime, const HttpRequest &request)
{
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<RouteRule> rules;
        QString why;
        if (!store::listRules(db, &rules, &why))
            return respond(request, Problem::internal(why));
        QJsonArray items;
        for (const RouteRule &rule : std::as_const(rules))
            items.append(rule.toJson());
        return HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
    });
}

HttpResponse duplicateRule(const HttpRequest &request, const QString &name)
{
    return respond(request, Problem::conflict(QStringLiteral("ROUTE_NAME_TAKEN"),
                                              QStringLiteral("a route named %1 exists").arg(name)));
}

qint64 ruleId(const HttpRequest &request)
{
    bool ok = false;
    const qint64 id = request.pathParam(QStringLiteral("id")).toLongLong(&ok);
    return ok && id > 0 ? id : 0;
}

HttpResponse routeNotFound(const HttpRequest &request)
{
    return notFound(request, QStringLiteral("ROUTE_NOT_FOUND"),
                    QStringLiteral("no payment route %1").arg(request.pathParam(QStringLiteral("id"))));
}

HttpResponse createRule(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    RouteRule rule;
    if (auto bad = readRule(request, registry, &rule))
        return *bad;
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        bool duplicate = false;
        if (!store::insertRule(db, &rule, &duplicate, why))
            return std::nullopt;
        if (duplicate)
            return duplicateRule(request, rule.name);
        const audit::Change change{QStringLiteral("channel.route.create"), QStringLiteral("payment_route"),
                                   QString::number(rule.id), QJsonValue(), rule.toJson()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        HttpResponse response = HttpResponse::json(rule.toJson(), 201);
        response.audited = true;
        return response;
    });
}

HttpResponse updateRule(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    const qint64 id = ruleId(request);
    if (id == 0)
        return routeNotFound(request);
    RouteRule rule;
    if (auto bad = readRule(request, registry, &rule))
        return *bad;
    rule.id = id;
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<RouteRule> before;
        bool duplicate = false;
        if (!store::loadRule(db, id, &before, why))
            return std::nullopt;
        if (!before)
            return routeNotFound(request);
        if (!store::updateRule(db, rule, &duplicate, why))
            return std::nullopt;
        if (duplicate)
            return duplicateRule(request, rule.name);
        const audit::Change change{QStringLiteral("channel.route.update"), QStringLiteral("payment_route"),
                                   QString::number(id), before->toJson(), rule.toJson()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        HttpResponse response = HttpResponse::json(rule.toJson());
        response.audited = true;
        return response;
    });
}

HttpResponse deleteRule(ServiceRuntime &runtime, const HttpRequest &request)
{
    const qint64 id = ruleId(request);
    if (id == 0)
        return routeNotFound(request);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<RouteRule> before;
        bool existed = false;
        if (!store::loadRule(db, id, &before, why) || !store::deleteRule(db, id, &existed, why))
            return std::nullopt;
        if (!existed || !before)
            return routeNotFound(request);
        const audit::Change change{QStringLiteral("channel.route.delete"), QStringLiteral("payment_route"),
                                   QString::number(id), before->toJson(), QJsonValue()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        HttpResponse response = HttpResponse::empty(204);
        response.audited = true;
        return response;
    });
}

// ---- transactions, statements ----

HttpResponse listTransactions(ServiceRuntime &runtime, const HttpRequest &request)
{
    const PageRequest page = PageRequest::fromQuery(request.query);
    store::TransactionFilter filter;
    filter.paymentNo = request.query.queryItemValue(QStringLiteral("payment_no"));
    filter.merchantId = request.query.queryItemValue(QStringLiteral("merchant_id"));
    filter.channel = request.query.queryItemValue(QStringLiteral("channel"));
    filter.status = request.query.queryItemValue(QStringLiteral("status"));
    filter.type = request.query.queryItemValue(QStringLiteral("type"));
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<store::ChannelTransaction> items;
        qint64 total = 0;
        QString why;
        if (!store::listTransactions(db, filter, page.offset(), page.pageSize, &items, &total, &why))
            return respond(request, Problem::internal(why));
        QJsonArray array;
        for (const auto &tx : std::as_const(items))
            array.append(tx.toJson());
        return HttpResponse::json(page.wrap(array, total));
    });
}

// Where a payment would go now, without creating it (the console's "test this rule").
HttpResponse previewRoute(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    const QUrlQuery &query = request.query;
    RoutingInput input;
    input.explicitChannel = query.queryItemValue(QStringLiteral("channel"));
    input.merchantId = query.queryItemValue(QStringLiteral("merchant_id"));
    bool amountOk = false;
    input.amountMinor = query.queryItemValue(QStringLiteral("amount_minor")).toLongLong(&amountOk);
    input.currency = query.queryItemValue(QStringLiteral("currency"));
    if (query.hasQueryItem(QStringLiteral("pay_method")))
        input.payMethod = query.queryItemValue(QStringLiteral("pay_method"));
    if (input.merchantId.isEmpty() || !amountOk || input.amountMinor < 1 ||
        !kCurrency.match(input.currency).hasMatch())
        return respond(request,
                       Problem::validation(QStringLiteral(
                           "merchant_id, amount_minor (a positive integer) and currency are required")));
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<RouteRule> rules;
        QString why;
        if (!store::listRules(db, &rules, &why))
            return respond(request, Problem::internal(why));
        const RoutingDecision decision = decideRoute(input, registry.offers(), rules);
        QJsonObject json{
            {QStringLiteral("routable"), decision.ok()},
            {QStringLiteral("channel"), decision.ok() ? QJsonValue(decision.channel) : QJsonValue()},
            {QStringLiteral("reason"), decision.ok() ? QJsonValue(decision.reason) : QJsonValue()},
            {QStringLiteral("why"), decision.ok() ? QJsonValue() : QJsonValue(decision.why)}};
        if (decision.ok())
            json.insert(QStringLiteral("fee_minor"),
                        registry.effectiveFees(decision.channel).feeFor(input.amountMinor, input.currency));
        return HttpResponse::json(json);
    });
}

HttpResponse listCallbacks(ServiceRuntime &runtime, const HttpRequest &request)
{
    const PageRequest page = PageRequest::fromQuery(request.query);
    const QString verifiedText = request.query.queryItemValue(QStringLiteral("verified"));
    std::optional<bool> verified;
    if (verifiedText == QLatin1String("true") || verifiedText == QLatin1String("false"))
        verified = verifiedText == QLatin1String("true");
    else if (!verifiedText.isEmpty())
        return respond(request, Problem::validation(QStringLiteral("verified must be true or false")));
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<store::CallbackRecord> items;
        qint64 total = 0;
        QString why;
        if (!store::listCallbacks(db, request.query.queryItemValue(QStringLiteral("channel")),
                                  request.query.queryItemValue(QStringLiteral("payment_no")), verified,
                                  page.offset(), page.pageSize, &items, &total, &why))
            return respond(request, Problem::internal(why));
        QJsonArray array;
        for (const auto &record : std::as_const(items))
            array.append(record.toJson());
        return HttpResponse::json(page.wrap(array, total));
    });
}

HttpResponse statement(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    const QString name = request.pathParam(QStringLiteral("name"));
    ChannelPlugin *plugin = registry.plugin(name);
    if (!plugin)
        return unknownChannel(request, name);
    const QDate day = QDate::fromString(request.pathParam(QStringLiteral("date")), Qt::ISODate);
    if (!day.isValid())
        return respond(request, Problem::validation(QStringLiteral("date must be YYYY-MM-DD")));
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    QByteArray csv;
    QString error;
    if (!plugin->exportStatement(day, &csv, &error))
        return respond(request, Problem::internal(QStringLiteral("statement export failed: %1").arg(error)));
    HttpResponse response = HttpResponse::text(csv, "text/csv; charset=utf-8");
    response.setHeader(
        "Content-Disposition",
        QStringLiteral("attachment; filename=\"%1-%2.csv\"").arg(name, day.toString(Qt::ISODate)).toUtf8());
    return response;
}
} // namespace admin_channel_routes

void addAdminChannelRoutes(Router &router, ServiceRuntime &runtime, ChannelRegistry &registry)
{
    using namespace admin_channel_routes;
    auto *r = &registry;
    const QString view = QStringLiteral("channel.view");
    const QString manage = QStringLiteral("channel.manage");
    // Before /api/v1/channels/{name}: the first matching pattern wins.
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/channels/health"),
                .handler = [r](const HttpRequest &) { return health(*r); },
                .access = Access::Public,
                .summary = QStringLiteral("Channel plugins loaded, initialized or failed")});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/channels"),
         .handler = [&runtime, r](const HttpRequest &q) { return listChannels(runtime, *r, q); },
         .access = Access::Admin,
         .permission = view,
         .summary = QStringLiteral("Channels with capabilities, fees, config and health; plugin failures")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/channels/{name}"),
                .handler = [&runtime, r](const HttpRequest &q) { return getChannel(runtime, *r, q); },
                .access = Access::Admin,
                .permission = view,
                .summary = QStringLiteral("One channel")});
    router.add({.method = "PUT",
                .pattern = QStringLiteral("/api/v1/channels/{name}/config"),
                .handler = [&runtime, r](const HttpRequest &q) { return updateConfig(runtime, *r, q); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = manage,
                .summary = QStringLiteral(
                    "Change a channel's config (absent fields stay, null clears an override)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/channels/{name}/statements/{date}"),
                .handler = [&runtime, r](const HttpRequest &q) { return statement(runtime, *r, q); },
                .access = Access::Admin,
                .permission = view,
                .summary = QStringLiteral("The channel's settlement statement of one UTC day (CSV)")});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/payment-routes"),
                .handler = [&runtime](const HttpRequest &q) { return listRules(runtime, q); },
                .access = Access::Admin,
                .permission = view,
                .summary = QStringLiteral("Routing rules by priority")});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/payment-routes"),
                .handler = [&runtime, r](const HttpRequest &q) { return createRule(runtime, *r, q); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = manage,
                .summary = QStringLiteral("Add a routing rule"),
                .successStatus = 201});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/payment-routes/preview"),
         .handler = [&runtime, r](const HttpRequest &q) { return previewRoute(runtime, *r, q); },
         .access = Access::Admin,
         .permission = view,
         .summary = QStringLiteral("Which channel a payment (?merchant_id&amount_minor&currency&channel) "
                                   "would be routed to now, and its fee")});
    router.add({.method = "PUT",
                .pattern = QStringLiteral("/api/v1/payment-routes/{id}"),
                .handler = [&runtime, r](const HttpRequest &q) { return updateRule(runtime, *r, q); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = manage,
                .summary = QStringLiteral("Replace a routing rule")});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/channel-callbacks"),
         .handler = [&runtime](const HttpRequest &q) { return listCallbacks(runtime, q); },
         .access = Access::Admin,
         .permission = view,
         .summary = QStringLiteral("Callbacks verified or rejected (filters channel, payment_no, verified; "
                                   "paging)")});
    router.add({.method = "DELETE",
                .pattern = QStringLiteral("/api/v1/payment-routes/{id}"),
                .handler = [&runtime](const HttpRequest &q) { return deleteRule(runtime, q); },
                .access = Access::Admin,
                .permission = manage,
                .summary = QStringLiteral("Remove a routing rule"),
                .successStatus = 204});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/channel-transactions"),
         .handler = [&runtime](const HttpRequest &q) { return listTransactions(runtime, q); },
         .access = Access::Admin,
         .permission = view,
         .summary = QStringLiteral("Channel payments and refunds (filters payment_no, merchant_id, channel, "
                                   "status, type; paging)")});
}

} // namespace paydesk::services::channels
