// Atomic check-and-consume and release (spec §4.19, done properly): one transaction per call,
// usage rows locked by conditional UPDATEs, idempotent on the caller's reference.

#include "services/merchant-limit-service/routes/LimitRoutes.h"
#include "services/merchant-limit-service/store/LimitStore.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::services::limits {

using namespace platform;

namespace consumption_routes {
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));

struct Decline
{
    QString limit;     // single | daily_amount | daily_count | monthly_amount | monthly_count
    qint64 limitValue; // the limit that refused
    qint64 remaining;  // what is left of it (amount or count)
};

HttpResponse declined(const Decline &d, const QByteArray &traceId)
{
    Problem problem{422,
                    QStringLiteral("LIMIT_EXCEEDED"),
                    QStringLiteral("Limit exceeded"),
                    QStringLiteral("the %1 limit does not allow this amount").arg(d.limit),
                    {}};
    problem.extra.insert(QStringLiteral("limit"), d.limit);
    problem.extra.insert(QStringLiteral("limit_value"), d.limitValue);
    problem.extra.insert(QStringLiteral("remaining"), d.remaining);
    return problem.toResponse(traceId);
}

Event warningEvent(const store::WindowKey &key, const store::Usage &usage, qint64 maxMinor, qint64 countMax,
                   int level)
{
    Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kLimitTopic;
    event.type = QStringLiteral("limit.warning");
    event.aggregateType = QStringLiteral("merchant_limit");
    event.aggregateId = key.merchantId;
    event.payload = {{QStringLiteral("merchant_id"), key.merchantId},
                     {QStringLiteral("currency"), key.currency},
                     {QStringLiteral("window"), windowName(key.window)},
                     {QStringLiteral("window_start"), key.start.toString(Qt::ISODate)},
                     {QStringLiteral("threshold_percent"), level},
                     {QStringLiteral("used_minor"), usage.usedMinor},
                     {QStringLiteral("limit_minor"), maxMinor},
                     {QStringLiteral("used_count"), usage.usedCount},
                     {QStringLiteral("count_max"), countMax}};
    return event;
}

// The answer for a reference that was consumed before: the same result again, or a conflict
// when the caller reuses a reference for another payment.
HttpResponse replay(const store::Consumption &existing, const store::Consumption &asked,
                    const QByteArray &traceId)
{
    if (existing.merchantId != asked.merchantId || existing.currency != asked.currency ||
        existing.amountMinor != asked.amountMinor)
        return Problem::conflict(
                   QStringLiteral("REFERENCE_CONFLICT"),
                   QStringLiteral("reference %1 was consumed with other values").arg(asked.reference))
            .toResponse(traceId);
    QJsonObject body = existing.toJson();
    body.insert(QStringLiteral("replayed"), true);
    return HttpResponse::json(body);
}

struct Consumed
{
    std::optional<Decline> decline;
    QJsonObject remaining;
    int events = 0;
};

// Adds the consumption to its day and month windows, each only if it stays within that window's
// amount and count limits, and announces newly crossed warning thresholds. Inside the caller's
// transaction: a decline leaves it to the caller to roll back.
bool consumeWindows(QSqlDatabase &db, const store::Consumption &c, const LimitSet &limits, Consumed *out,
                    QString *why)
{
    const struct
    {
        Window window;
        QDate start;
        qint64 maxMinor;
        qint64 countMax;
        QString prefix;
    } windows[] = {
        {Window::Day, c.dayStart, limits.dailyMaxMinor, limits.dailyCountMax, QStringLiteral("daily")},
        {Window::Month, c.monthStart, limits.monthlyMaxMinor, limits.monthlyCountMax,
         QStringLiteral("monthly")}};
    for (const auto &w : windows) {
        const store::WindowKey key{c.merchantId, c.currency, w.window, w.start};
        bool accepted = false;
        store::Usage after;
        if (!store::addUsage(db, key, c.amountMinor, w.maxMinor, w.countMax, &accepted, &after, why))
            return false;
        if (!accepted) {
            store::Usage now;
            if (!store::loadUsage(db, key, &now, why))
                return false;
            out->decline = w.countMax - now.usedCount < 1
                               ? Decline{w.prefix + QStringLiteral("_count"), w.countMax, 0}
                               : Decline{w.prefix + QStringLiteral("_amount"), w.maxMinor,
                                         qMax<qint64>(0, w.maxMinor - now.usedMinor)};
            return true;
        }
        out->remaining.insert(w.prefix + QStringLiteral("_remaining_minor"), w.maxMinor - after.usedMinor);
        out->remaining.insert(w.prefix + QStringLiteral("_count_remaining"), w.countMax - after.usedCount);
        const int level =
            qMax(warningLevel(after.usedMinor, w.maxMinor), warningLevel(after.usedCount, w.countMax));
        if (level > after.warnedLevel) {
            if (!store::setWarnedLevel(db, key, level, why) ||
                outbox::append(db, warningEvent(key, after, w.maxMinor, w.countMax, level), why) < 0)
                return false;
            ++out->events;
        }
    }
    return true;
}

HttpResponse consume(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    store::Consumption c;
    c.merchantId = body.string(QStringLiteral("merchant_id"), {.required = true, .maxLength = 64});
    c.currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
    c.amountMinor = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
    c.reference = body.string(QStringLiteral("reference"), {.required = true, .maxLength = 128});
    if (!c.currency.isEmpty() && !kCurrency.match(c.currency).hasMatch())
        body.fail(QStringLiteral("currency"),
                  QStringLiteral("must be an ISO 4217 code (3 upper-case letters)"));
    if (!body.ok())
        return body.problem();
    c.consumedAt = QDateTime::currentDateTimeUtc();
    c.dayStart = windowStart(Window::Day, c.consumedAt);
    c.monthStart = windowStart(Window::Month, c.consumedAt);

    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    if (!db.isOpen())
        return Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error)
            .toResponse(request.trace.traceId);
    Database::Use use(runtime.database());

    std::optional<HttpResponse> outcome; // set when the transaction is rolled back on purpose
    Consumed consumed;
    const bool committed = inTransaction(
        db,
        [&](QString *why) {
            bool inserted = false;
            if (!store::insertConsumption(db, c, &inserted, why))
                return false;
            if (!inserted) {
                std::optional<store::Consumption> existing;
                if (!store::loadConsumption(db, c.reference, &existing, why) || !existing)
                    return false;
                outcome = replay(*existing, c, request.trace.traceId);
                return false;
            }
            store::MerchantProfile profile;
            std::optional<LimitOverride> override;
            if (!store::loadProfile(db, c.merchantId, &profile, why) ||
                !store::loadOverride(db, c.merchantId, c.currency, &override, why))
                return false;
            const LimitSet limits =
                effectiveLimits(profile.tier, profile.kycLevel, override.value_or(LimitOverride{})).limits;
            if (c.amountMinor > limits.singleMaxMinor)
                consumed.decline =
                    Decline{QStringLiteral("single"), limits.singleMaxMinor, limits.singleMaxMinor};
            else if (!consumeWindows(db, c, limits, &consumed, why))
                return false;
            if (consumed.decline)
                outcome = declined(*consumed.decline, request.trace.traceId);
            return !consumed.decline;
        },
        &error);
    if (outcome)
        return *outcome;
    if (!committed)
        return Problem::internal(error).toResponse(request.trace.traceId);
    if (consumed.events > 0)
        runtime.kickOutbox();
    QJsonObject result = c.toJson();
    result.insert(QStringLiteral("replayed"), false);
    result.insert(QStringLiteral("remaining"), consumed.remaining);
    return HttpResponse::json(result);
}

HttpResponse release(ServiceRuntime &runtime, const HttpRequest &request)
{
    BodyReader body(request);
    const QString reference = body.string(QStringLiteral("reference"), {.required = true, .maxLength = 128});
    if (!body.ok())
        return body.problem();
    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    if (!db.isOpen())
        return Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error)
            .toResponse(request.trace.traceId);
    Database::Use use(runtime.database());

    std::optional<store::Consumption> consumption;
    bool marked = false;
    const bool committed = inTransaction(
        db,
        [&](QString *why) {
            if (!store::markReleased(db, reference, &marked, why) ||
                !store::loadConsumption(db, reference, &consumption, why))
                return false;
            if (!marked || !consumption)
                return true;
            // Given back to the windows it was taken from: a refund next month does not raise this
            // month's allowance.
            return store::subtractUsage(
                       db,
                       {consumption->merchantId, consumption->currency, Window::Day, consumption->dayStart},
                       consumption->amountMinor, why) &&
                   store::subtractUsage(db,
                                        {consumption->merchantId, consumption->currency, Window::Month,
                                         consumption->monthStart},
                                        consumption->amountMinor, why);
        },
        &error);
    if (!committed)
        return Problem::internal(error).toResponse(request.trace.traceId);
    if (!consumption)
        return Problem{404,
                       QStringLiteral("CONSUMPTION_NOT_FOUND"),
                       QStringLiteral("Consumption not found"),
                       QStringLiteral("no consumption with reference %1").arg(reference),
                       {}}
            .toResponse(request.trace.traceId);
    QJsonObject result = consumption->toJson();
    result.insert(QStringLiteral("released"), true);
    result.insert(QStringLiteral("already_released"), !marked);
    return HttpResponse::json(result);
}
} // namespace consumption_routes

void addConsumptionRoutes(Router &router, ServiceRuntime &runtime)
{
    const QJsonObject consumeSchema{
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("required"),
         QJsonArray{QStringLiteral("merchant_id"), QStringLiteral("currency"), QStringLiteral("amount_minor"),
                    QStringLiteral("reference")}}};
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/internal/v1/limits/consume"),
         .handler = [&runtime](const HttpRequest &r) { return consumption_routes::consume(runtime, r); },
         .access = Access::Internal,
         .jsonBody = true,
         .summary = QStringLiteral(
             "Check single/daily/monthly limits and consume atomically (idempotent on reference)"),
         .requestSchema = consumeSchema});
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/internal/v1/limits/release"),
         .handler = [&runtime](const HttpRequest &r) { return consumption_routes::release(runtime, r); },
         .access = Access::Internal,
         .jsonBody = true,
         .summary = QStringLiteral("Give back a consumption once (declined payment or refund)")});
}

} // namespace paydesk::services::limits
