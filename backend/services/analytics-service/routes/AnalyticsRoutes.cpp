// Admin reads of the minute buckets: the operations summary of the last N minutes (wallboard,
// console) and one merchant's daily totals per currency.

#include "services/analytics-service/routes/AnalyticsRoutes.h"
#include "services/analytics-service/domain/LatencyHistogram.h"
#include "services/analytics-service/store/AnalyticsStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"

#include <QJsonArray>
#include <QMap>

#include <cmath>

namespace paydesk::services::analytics {

using namespace platform;

namespace analytics_routes {
constexpr int kDefaultMinutes = 15;
constexpr int kMaxMinutes = 1440;
constexpr int kDefaultDays = 30;
constexpr int kMaxDays = 366;

HttpResponse invalid(const HttpRequest &request, const QString &detail)
{
    return Problem::validation(detail).toResponse(request.trace.traceId);
}

QString iso(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODate);
}

QJsonValue latencyValue(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(*ms) : QJsonValue();
}

QJsonObject figuresJson(const store::MinuteFigures &f)
{
    return {{QStringLiteral("created_count"), f.createdCount},
            {QStringLiteral("created_minor"), f.createdMinor},
            {QStringLiteral("succeeded_count"), f.succeededCount},
            {QStringLiteral("succeeded_minor"), f.succeededMinor},
            {QStringLiteral("failed_count"), f.failedCount},
            {QStringLiteral("failed_minor"), f.failedMinor},
            {QStringLiteral("cancelled_count"), f.cancelledCount},
            {QStringLiteral("expired_count"), f.expiredCount},
            {QStringLiteral("refunded_count"), f.refundedCount},
            {QStringLiteral("refunded_minor"), f.refundedMinor}};
}

struct SummaryWindow
{
    QDateTime from; // inclusive, minute aligned
    QDateTime to;   // exclusive
    int minutes = kDefaultMinutes;
    QString merchantId;
};

std::optional<HttpResponse> parseWindow(const HttpRequest &request, SummaryWindow *w)
{
    const QString minutes = request.query.queryItemValue(QStringLiteral("minutes"));
    if (!minutes.isEmpty()) {
        bool ok = false;
        w->minutes = minutes.toInt(&ok);
        if (!ok || w->minutes < 1 || w->minutes > kMaxMinutes)
            return invalid(request, QStringLiteral("minutes must be 1 to %1").arg(kMaxMinutes));
    }
    w->merchantId = request.query.queryItemValue(QStringLiteral("merchant_id"));
    if (w->merchantId.size() > 64)
        return invalid(request, QStringLiteral("merchant_id must have at most 64 characters"));
    // `to` (exclusive) pins the window for reports and tests; by default the window ends with the
    // current, still partial minute.
    const QString to = request.query.queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded);
    QDateTime end;
    if (to.isEmpty()) {
        end = QDateTime::currentDateTimeUtc().addSecs(60);
    } else {
        end = QDateTime::fromString(to, Qt::ISODateWithMs);
        if (!end.isValid())
            return invalid(request, QStringLiteral("to must be an ISO 8601 date-time"));
    }
    const qint64 secs = end.toSecsSinceEpoch();
    w->to = QDateTime::fromSecsSinceEpoch(secs - ((secs % 60) + 60) % 60, Qt::UTC);
    w->from = w->to.addSecs(-60LL * w->minutes);
    return std::nullopt;
}

QJsonObject summaryJson(const SummaryWindow &w, const QList<store::MinuteRow> &rows,
                        const QList<qint64> &latency, const QHash<qint64, QList<qint64>> &latencyPerMinute)
{
    QMap<qint64, store::MinuteFigures> perMinute; // all currencies
    QMap<QString, store::MinuteFigures> perCurrency;
    store::MinuteFigures total;
    for (const store::MinuteRow &row : rows) {
        perMinute[row.minute.toSecsSinceEpoch()].add(row.figures);
        perCurrency[row.currency].add(row.figures);
        total.add(row.figures);
    }
    QJsonArray series;
    for (QDateTime m = w.from; m < w.to; m = m.addSecs(60)) {
        const store::MinuteFigures f = perMinute.value(m.toSecsSinceEpoch());
        const QList<qint64> minuteLatency = latencyPerMinute.value(m.toSecsSinceEpoch());
        series.append(
            QJsonObject{{QStringLiteral("minute"), iso(m)},
                        {QStringLiteral("created"), f.createdCount},
                        {QStringLiteral("succeeded"), f.succeededCount},
                        {QStringLiteral("failed"), f.failedCount},
                        {QStringLiteral("p95_ms"), latencyValue(latencyQuantile(minuteLatency, 0.95))}});
    }
    // The last full minute: the window's last minute once it has ended, else the one before.
    QDateTime lastFull = w.to.addSecs(-60);
    if (w.to > QDateTime::currentDateTimeUtc())
        lastFull = lastFull.addSecs(-60);
    const qint64 lastFullCreated =
        lastFull >= w.from ? perMinute.value(lastFull.toSecsSinceEpoch()).createdCount : 0;
    QJsonArray volume;
    for (auto it = perCurrency.cbegin(); it != perCurrency.cend(); ++it)
        volume.append(QJsonObject{{QStringLiteral("currency"), it.key()},
                                  {QStringLiteral("created_count"), it->createdCount},
                                  {QStringLiteral("created_minor"), it->createdMinor},
                                  {QStringLiteral("succeeded_count"), it->succeededCount},
                                  {QStringLiteral("succeeded_minor"), it->succeededMinor},
                                  {QStringLiteral("refunded_minor"), it->refundedMinor}});
    const qint64 outcomes = total.succeededCount + total.failedCount;
    qint64 samples = 0;
    for (qint64 c : latency)
        samples += c;
    return {{QStringLiteral("from"), iso(w.from)},
            {QStringLiteral("to"), iso(w.to)},
            {QStringLiteral("minutes"), w.minutes},
            {QStringLiteral("merchant_id"), w.merchantId.isEmpty() ? QJsonValue() : QJsonValue(w.merchantId)},
            {QStringLiteral("payments_per_minute"),
             QJsonObject{{QStringLiteral("last_full_minute"), lastFullCreated},
                         {QStringLiteral("last_full_minute_at"), iso(lastFull)},
                         {QStringLiteral("average"),
                          std::round(100.0 * double(total.createdCount) / w.minutes) / 100.0}}},
            {QStringLiteral("created"), total.createdCount},
            {QStringLiteral("succeeded"), total.succeededCount},
            {QStringLiteral("failed"), total.failedCount},
            {QStringLiteral("cancelled"), total.cancelledCount},
            {QStringLiteral("expired"), total.expiredCount},
            {QStringLiteral("refunded"), total.refundedCount},
            {QStringLiteral("success_rate"),
             outcomes > 0
                 ? QJsonValue(std::round(10000.0 * double(total.succeededCount) / double(outcomes)) / 10000.0)
                 : QJsonValue()},
            {QStringLiteral("volume"), volume},
            {QStringLiteral("latency_samples"), samples},
            {QStringLiteral("p50_ms"), latencyValue(latencyQuantile(latency, 0.50))},
            {QStringLiteral("p95_ms"), latencyValue(latencyQuantile(latency, 0.95))},
            {QStringLiteral("series"), series}};
}

HttpResponse summary(ServiceRuntime &runtime, const HttpRequest &request)
{
    SummaryWindow window;
    if (auto bad = parseWindow(request, &window))
        return *bad;
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<store::MinuteRow> rows;
        QList<qint64> latency;
        QHash<qint64, QList<qint64>> latencyPerMinute;
        QString why;
        if (!store::loadMinutes(db, window.from, window.to, window.merchantId, &rows, &why) ||
            !store::loadLatency(db, window.from, window.to, window.merchantId, &latency, &latencyPerMinute,
                                &why))
            return Problem::internal(QStringLiteral("analytics read failed: %1").arg(why))
                .toResponse(request.trace.traceId);
        return HttpResponse::json(summaryJson(window, rows, latency, latencyPerMinute));
    });
}

// The date query parameter `name`, `fallback` when absent; *ok false when it is not a date.
QDate dateParam(const HttpRequest &request, const QString &name, const QDate &fallback, bool *ok)
{
    const QString text = request.query.queryItemValue(name);
    if (text.isEmpty())
        return fallback;
    const QDate date = QDate::fromString(text, Qt::ISODate);
    *ok = *ok && date.isValid();
    return date;
}

HttpResponse daily(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString merchantId = request.pathParam(QStringLiteral("merchant_id"));
    if (merchantId.isEmpty() || merchantId.size() > 64)
        return invalid(request, QStringLiteral("merchant_id must have 1 to 64 characters"));
    bool ok = true;
    const QDate to = dateParam(request, QStringLiteral("to"), QDateTime::currentDateTimeUtc().date(), &ok);
    const QDate from = dateParam(request, QStringLiteral("from"), to.addDays(1 - kDefaultDays), &ok);
    if (!ok)
        return invalid(request, QStringLiteral("from and to must be dates (YYYY-MM-DD)"));
    if (from > to)
        return invalid(request, QStringLiteral("from must not be after to"));
    if (from.daysTo(to) >= kMaxDays)
        return invalid(request, QStringLiteral("at most %1 days at once").arg(kMaxDays));
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QList<store::DayRow> rows;
        QString why;
        if (!store::loadDaily(db, merchantId, from, to, &rows, &why))
            return Problem::internal(QStringLiteral("analytics read failed: %1").arg(why))
                .toResponse(request.trace.traceId);
        QJsonArray items;
        for (const store::DayRow &row : rows) {
            QJsonObject item = figuresJson(row.figures);
            item.insert(QStringLiteral("date"), row.day.toString(Qt::ISODate));
            item.insert(QStringLiteral("currency"), row.currency);
            items.append(item);
        }
        return HttpResponse::json(QJsonObject{{QStringLiteral("merchant_id"), merchantId},
                                              {QStringLiteral("from"), from.toString(Qt::ISODate)},
                                              {QStringLiteral("to"), to.toString(Qt::ISODate)},
                                              {QStringLiteral("items"), items}});
    });
}
// OpenAPI: an object of the named properties, each a type name or a schema.
QJsonObject objectOf(std::initializer_list<std::pair<const char *, QJsonValue>> fields)
{
    QJsonObject properties;
    for (const auto &[name, schema] : fields)
        properties.insert(QLatin1String(name),
                          schema.isString() ? QJsonObject{{QStringLiteral("type"), schema}} : schema);
    return {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}};
}

QJsonObject arrayOf(const QJsonObject &items)
{
    return {{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("items"), items}};
}

QJsonObject summarySchema()
{
    return objectOf({{"from", "string"},
                     {"to", "string"},
                     {"minutes", "integer"},
                     {"merchant_id", "string"},
                     {"payments_per_minute", objectOf({{"last_full_minute", "integer"},
                                                       {"last_full_minute_at", "string"},
                                                       {"average", "number"}})},
                     {"created", "integer"},
                     {"succeeded", "integer"},
                     {"failed", "integer"},
                     {"cancelled", "integer"},
                     {"expired", "integer"},
                     {"refunded", "integer"},
                     {"success_rate", "number"},
                     {"volume", arrayOf(objectOf({{"currency", "string"},
                                                  {"created_count", "integer"},
                                                  {"created_minor", "integer"},
                                                  {"succeeded_count", "integer"},
                                                  {"succeeded_minor", "integer"},
                                                  {"refunded_minor", "integer"}}))},
                     {"latency_samples", "integer"},
                     {"p50_ms", "integer"},
                     {"p95_ms", "integer"},
                     {"series", arrayOf(objectOf({{"minute", "string"},
                                                  {"created", "integer"},
                                                  {"succeeded", "integer"},
                                                  {"failed", "integer"},
                                                  {"p95_ms", "integer"}}))}});
}

QJsonObject dailySchema()
{
    return objectOf({{"merchant_id", "string"},
                     {"from", "string"},
                     {"to", "string"},
                     {"items", arrayOf(objectOf({{"date", "string"},
                                                 {"currency", "string"},
                                                 {"created_count", "integer"},
                                                 {"created_minor", "integer"},
                                                 {"succeeded_count", "integer"},
                                                 {"succeeded_minor", "integer"},
                                                 {"failed_count", "integer"},
                                                 {"failed_minor", "integer"},
                                                 {"cancelled_count", "integer"},
                                                 {"expired_count", "integer"},
                                                 {"refunded_count", "integer"},
                                                 {"refunded_minor", "integer"}}))}});
}
} // namespace analytics_routes

void addAnalyticsRoutes(Router &router, ServiceRuntime &runtime)
{
    using namespace analytics_routes;
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/analytics/summary"),
                .handler = [&runtime](const HttpRequest &r) { return summary(runtime, r); },
                .access = Access::Admin,
                .permission = QStringLiteral("payment.view"),
                .summary = QStringLiteral("Payments per minute, success rate, failures, volume per currency, "
                                          "p50/p95 latency and a per-minute series of the last ?minutes= "
                                          "(1-1440, default 15), all merchants or ?merchant_id="),
                .responseSchema = summarySchema()});
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/analytics/merchants/{merchant_id}/daily"),
         .handler = [&runtime](const HttpRequest &r) { return daily(runtime, r); },
         .access = Access::Admin,
         .permission = QStringLiteral("payment.view"),
         .summary = QStringLiteral("One merchant's daily totals per currency of ?from=&to= (UTC dates, "
                                   "default the last 30 days, at most 366)"),
         .responseSchema = dailySchema()});
}

} // namespace paydesk::services::analytics
