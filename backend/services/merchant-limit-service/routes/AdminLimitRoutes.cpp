// Admin view and control of a merchant's limits: usage with 80 % / 95 % warning flags, per-currency
// overrides, and the tier / KYC level when an admin must set them without waiting for events.

#include "services/merchant-limit-service/routes/LimitRoutes.h"
#include "services/merchant-limit-service/store/LimitStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::services::limits {

using namespace platform;

namespace admin_limit_routes {
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));
const char *const kOverrideFields[] = {"single_max_minor", "daily_max_minor", "monthly_max_minor",
                                       "daily_count_max", "monthly_count_max"};

QJsonObject windowView(Window window, const QDate &start, const store::Usage &usage, qint64 maxMinor,
                       qint64 countMax)
{
    const int level = qMax(warningLevel(usage.usedMinor, maxMinor), warningLevel(usage.usedCount, countMax));
    return {{QStringLiteral("window_start"), start.toString(Qt::ISODate)},
            {QStringLiteral("window_end"), windowEnd(window, start).toString(Qt::ISODate)},
            {QStringLiteral("used_minor"), usage.usedMinor},
            {QStringLiteral("limit_minor"), maxMinor},
            {QStringLiteral("remaining_minor"), qMax<qint64>(0, maxMinor - usage.usedMinor)},
            {QStringLiteral("used_count"), usage.usedCount},
            {QStringLiteral("count_max"), countMax},
            {QStringLiteral("remaining_count"), qMax<qint64>(0, countMax - usage.usedCount)},
            {QStringLiteral("warning_80"), level >= kWarnPercentLow},
            {QStringLiteral("warning_95"), level >= kWarnPercentHigh}};
}

// Effective limits, their sources, the override and this day's / month's usage for one currency.
bool currencyView(QSqlDatabase &db, const QString &merchantId, const QString &currency,
                  const store::MerchantProfile &profile, QJsonObject *view, QString *why)
{
    std::optional<LimitOverride> override;
    if (!store::loadOverride(db, merchantId, currency, &override, why))
        return false;
    const EffectiveLimits effective =
        effectiveLimits(profile.tier, profile.kycLevel, override.value_or(LimitOverride{}));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QJsonObject usage;
    for (const Window window : {Window::Day, Window::Month}) {
        const QDate start = windowStart(window, now);
        store::Usage used;
        if (!store::loadUsage(db, {merchantId, currency, window, start}, &used, why))
            return false;
        const bool day = window == Window::Day;
        usage.insert(windowName(window),
                     windowView(window, start, used,
                                day ? effective.limits.dailyMaxMinor : effective.limits.monthlyMaxMinor,
                                day ? effective.limits.dailyCountMax : effective.limits.monthlyCountMax));
    }
    *view = {{QStringLiteral("currency"), currency},
             {QStringLiteral("effective"), effective.limits.toJson()},
             {QStringLiteral("sources"), effective.sources},
             {QStringLiteral("override"), override ? QJsonValue(override->toJson()) : QJsonValue()},
             {QStringLiteral("usage"), usage}};
    return true;
}

QJsonObject profileJson(const QString &merchantId, const store::MerchantProfile &profile)
{
    return {{QStringLiteral("merchant_id"), merchantId},
            {QStringLiteral("tier"), profile.tier.isEmpty() ? QJsonValue() : QJsonValue(profile.tier)},
            {QStringLiteral("kyc_level"),
             profile.kycLevel.isEmpty() ? QJsonValue() : QJsonValue(profile.kycLevel)},
            {QStringLiteral("effective_tier"), tierDefaults(profile.tier) ? profile.tier : kDefaultTier},
            {QStringLiteral("effective_kyc_level"),
             kycLevelLimits(profile.kycLevel) ? profile.kycLevel : kDefaultKycLevel}};
}

std::optional<HttpResponse> badMerchantId(const HttpRequest &request)
{
    const QString id = request.pathParam(QStringLiteral("merchant_id"));
    if (id.isEmpty() || id.size() > 64)
        return Problem::validation(QStringLiteral("merchant_id must have 1 to 64 characters"))
            .toResponse(request.trace.traceId);
    return std::nullopt;
}

HttpResponse view(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badMerchantId(request))
        return *bad;
    const QString merchantId = request.pathParam(QStringLiteral("merchant_id"));
    const QString asked = request.query.queryItemValue(QStringLiteral("currency"));
    if (!asked.isEmpty() && !kCurrency.match(asked).hasMatch())
        return Problem::validation(QStringLiteral("currency must be an ISO 4217 code"))
            .toResponse(request.trace.traceId);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        store::MerchantProfile profile;
        QStringList currencies;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (!store::loadProfile(db, merchantId, &profile, why) ||
            !store::knownCurrencies(db, merchantId, windowStart(Window::Day, now),
                                    windowStart(Window::Month, now), &currencies, why))
            return std::nullopt;
        if (!asked.isEmpty() && !currencies.contains(asked))
            currencies.append(asked);
        QJsonArray limits;
        for (const QString &currency : std::as_const(currencies)) {
            QJsonObject entry;
            if (!currencyView(db, merchantId, currency, profile, &entry, why))
                return std::nullopt;
            limits.append(entry);
        }
        QJsonObject result = profileJson(merchantId, profile);
        result.insert(QStringLiteral("defaults"),
                      effectiveLimits(profile.tier, profile.kycLevel, {}).limits.toJson());
        result.insert(QStringLiteral("limits"), limits);
        return HttpResponse::json(result);
    });
}

HttpResponse putOverride(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badMerchantId(request))
        return *bad;
    const QString merchantId = request.pathParam(QStringLiteral("merchant_id"));
    BodyReader body(request);
    const QString currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
    if (!currency.isEmpty() && !kCurrency.match(currency).hasMatch())
        body.fail(QStringLiteral("currency"),
                  QStringLiteral("must be an ISO 4217 code (3 upper-case letters)"));
    std::optional<qint64> fields[5];
    for (int i = 0; i < 5; ++i) {
        const QString name = QString::fromLatin1(kOverrideFields[i]);
        if (body.has(name))
            fields[i] = body.int64(name, {.min = 0});
    }
    const LimitOverride override{fields[0], fields[1], fields[2], fields[3], fields[4]};
    if (override.isEmpty())
        body.fail(QStringLiteral("single_max_minor"), QStringLiteral("at least one limit field is required"));
    if (!body.ok())
        return body.problem();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<LimitOverride> before;
        store::MerchantProfile profile;
        QJsonObject view;
        if (!store::loadOverride(db, merchantId, currency, &before, why) ||
            !store::saveOverride(db, merchantId, currency, override, request.principal.id, why) ||
            !store::loadProfile(db, merchantId, &profile, why) ||
            !currencyView(db, merchantId, currency, profile, &view, why))
            return std::nullopt;
        const audit::Change change{QStringLiteral("limit.override.set"), QStringLiteral("merchant_limit"),
                                   merchantId + u'/' + currency,
                                   before ? QJsonValue(before->toJson()) : QJsonValue(), override.toJson()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        HttpResponse response = HttpResponse::json(view);
        response.audited = true;
        return response;
    });
}

HttpResponse deleteOverride(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badMerchantId(request))
        return *bad;
    const QString merchantId = request.pathParam(QStringLiteral("merchant_id"));
    const QString currency = request.pathParam(QStringLiteral("currency"));
    if (!kCurrency.match(currency).hasMatch())
        return Problem::validation(QStringLiteral("currency must be an ISO 4217 code"))
            .toResponse(request.trace.traceId);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<LimitOverride> before;
        bool existed = false;
        if (!store::loadOverride(db, merchantId, currency, &before, why) ||
            !store::deleteOverride(db, merchantId, currency, &existed, why))
            return std::nullopt;
        if (!existed) {
            return Problem::notFound(
                       QStringLiteral("merchant %1 has no %2 override").arg(merchantId, currency))
                .toResponse(request.trace.traceId);
        }
        const audit::Change change{QStringLiteral("limit.override.delete"), QStringLiteral("merchant_limit"),
                                   merchantId + u'/' + currency, before->toJson(), QJsonValue()};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        HttpResponse response = HttpResponse::empty(204);
        response.audited = true;
        return response;
    });
}

HttpResponse putProfile(ServiceRuntime &runtime, const HttpRequest &request)
{
    if (auto bad = badMerchantId(request))
        return *bad;
    const QString merchantId = request.pathParam(QStringLiteral("merchant_id"));
    BodyReader body(request);
    std::optional<QString> tier;
    std::optional<QString> level;
    if (body.has(QStringLiteral("tier")))
        tier = body.string(QStringLiteral("tier"), {.required = true, .oneOf = tierNames()});
    if (body.has(QStringLiteral("kyc_level")))
        level = body.string(QStringLiteral("kyc_level"), {.required = true, .oneOf = kycLevelNames()});
    if (!tier && !level)
        body.fail(QStringLiteral("tier"), QStringLiteral("tier or kyc_level is required"));
    if (!body.ok())
        return body.problem();
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        store::MerchantProfile before;
        store::MerchantProfile after;
        if (!store::loadProfile(db, merchantId, &before, why) ||
            !store::saveProfile(db, merchantId, tier, level, why) ||
            !store::loadProfile(db, merchantId, &after, why))
            return std::nullopt;
        const audit::Change change{QStringLiteral("limit.profile.set"),
                                   QStringLiteral("merchant_limit_profile"), merchantId,
                                   profileJson(merchantId, before), profileJson(merchantId, after)};
        if (!audit::append(db, request, kServiceName, change, why))
            return std::nullopt;
        HttpResponse response = HttpResponse::json(profileJson(merchantId, after));
        response.audited = true;
        return response;
    });
}
} // namespace admin_limit_routes

void addAdminLimitRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace admin_limit_routes;
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/merchants/{merchant_id}/limits"),
                .handler = [&runtime](const HttpRequest &r) { return view(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("limit.view"),
                .summary = QStringLiteral(
                    "Effective limits, usage and 80 %/95 % warnings per currency (?currency= adds one)")});
    router.add({.method = "PUT",
                .pattern = QStringLiteral("/api/v1/merchants/{merchant_id}/limits"),
                .handler = [&runtime](const HttpRequest &r) { return putOverride(runtime, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = QStringLiteral("limit.update"),
                .summary = QStringLiteral(
                    "Replace the override of one currency (absent fields are not overridden)")});
    router.add({.method = "DELETE",
                .pattern = QStringLiteral("/api/v1/merchants/{merchant_id}/limits/overrides/{currency}"),
                .handler = [&runtime](const HttpRequest &r) { return deleteOverride(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("limit.update"),
                .summary = QStringLiteral("Remove the override of one currency"),
                .successStatus = 204});
    router.add({.method = "PUT",
                .pattern = QStringLiteral("/api/v1/merchants/{merchant_id}/limit-profile"),
                .handler = [&runtime](const HttpRequest &r) { return putProfile(runtime, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = QStringLiteral("limit.update"),
                .summary = QStringLiteral("Set the merchant's tier and/or KYC level directly")});
}

} // namespace paydesk::services::limits
