// Admin funnel of the hosted checkout: sessions created, then page_view → form_submit →
// payment_succeeded / payment_declined, and expired, with conversion between the steps.

#include "services/cashier-service/routes/CashierRoutes.h"
#include "services/cashier-service/store/SessionStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"

#include <QJsonArray>

namespace paydesk::services::cashier {

using namespace platform;

namespace funnel_routes {
constexpr qint64 kWindowMaxDays = 366;

// An RFC 3339 time or a date (midnight UTC); invalid when neither.
QDateTime parseTime(const QString &text)
{
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (date.isValid())
            time = date.startOfDay(Qt::UTC);
    }
    return time.toUTC();
}

QJsonValue ratio(qint64 part, qint64 whole)
{
    if (whole <= 0)
        return QJsonValue();
    return qRound(double(part) / double(whole) * 10000.0) / 10000.0;
}

HttpResponse funnel(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString merchantId = request.query.queryItemValue(QStringLiteral("merchant_id"));
    const QString fromText = request.query.queryItemValue(QStringLiteral("from"));
    const QString toText = request.query.queryItemValue(QStringLiteral("to"));
    const QDateTime to = toText.isEmpty() ? QDateTime::currentDateTimeUtc() : parseTime(toText);
    const QDateTime from = fromText.isEmpty() ? to.addDays(-30) : parseTime(fromText);
    if (!from.isValid() || !to.isValid() || from >= to || from.daysTo(to) > kWindowMaxDays ||
        merchantId.size() > 64)
        return respond(request,
                       Problem::validation(QStringLiteral("from and to must be RFC 3339 times or dates, "
                                                          "from before to, at most %1 days apart")
                                               .arg(kWindowMaxDays)));
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        qint64 created = 0;
        QList<store::FunnelStep> steps;
        QString error;
        if (!store::funnel(db, merchantId, from, to, &created, &steps, &error))
            return respond(request, Problem::internal(error));
        QJsonArray items;
        QHash<QString, qint64> sessions;
        for (const store::FunnelStep &step : std::as_const(steps)) {
            sessions.insert(step.step, step.sessions);
            items.append(QJsonObject{{QStringLiteral("step"), step.step},
                                     {QStringLiteral("sessions"), step.sessions},
                                     {QStringLiteral("events"), step.events},
                                     {QStringLiteral("avg_ms_since_created"),
                                      step.avgElapsedMs ? QJsonValue(*step.avgElapsedMs) : QJsonValue()}});
        }
        const qint64 views = sessions.value(QStringLiteral("page_view"));
        const qint64 submits = sessions.value(QStringLiteral("form_submit"));
        const qint64 paid = sessions.value(QStringLiteral("payment_succeeded"));
        return HttpResponse::json(QJsonObject{
            {QStringLiteral("merchant_id"), merchantId.isEmpty() ? QJsonValue() : QJsonValue(merchantId)},
            {QStringLiteral("from"), from.toString(Qt::ISODateWithMs)},
            {QStringLiteral("to"), to.toString(Qt::ISODateWithMs)},
            {QStringLiteral("sessions_created"), created},
            {QStringLiteral("steps"), items},
            {QStringLiteral("conversion"),
             QJsonObject{{QStringLiteral("created_to_view"), ratio(views, created)},
                         {QStringLiteral("view_to_submit"), ratio(submits, views)},
                         {QStringLiteral("submit_to_success"), ratio(paid, submits)},
                         {QStringLiteral("view_to_success"), ratio(paid, views)}}}});
    });
}
} // namespace funnel_routes

void addFunnelRoutes(Router &router, ServiceRuntime &runtime)
{
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/api/v1/admin/cashier/funnel"),
         .handler = [&runtime](const HttpRequest &r) { return funnel_routes::funnel(runtime, r); },
         .access = Access::Admin,
         .permission = QStringLiteral("cashier.view"),
         .summary = QStringLiteral("Checkout funnel per step with conversion (?merchant_id, ?from, ?to; "
                                   "default the last 30 days)")});
}

} // namespace paydesk::services::cashier
