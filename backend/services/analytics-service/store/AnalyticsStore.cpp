#include "services/analytics-service/store/AnalyticsStore.h"

#include "services/analytics-service/domain/LatencyHistogram.h"

#include "platform/db/Sql.h"

#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::analytics::store {

using platform::sql::exec;

namespace analytics_store {
// Column order of MinuteFigures in every statement below.
const char kSums[] = "sum(created_count), sum(created_minor), sum(succeeded_count), sum(succeeded_minor), "
                     "sum(failed_count), sum(failed_minor), sum(cancelled_count), sum(expired_count), "
                     "sum(refunded_count), sum(refunded_minor)";

QString iso(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}

MinuteFigures figuresAt(const QSqlQuery &q, int first)
{
    auto v = [&](int i) { return q.value(first + i).toLongLong(); };
    return {v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7), v(8), v(9)};
}

QString merchantFilter(const QString &merchantId, QVariantList *values)
{
    if (merchantId.isEmpty())
        return {};
    values->append(merchantId);
    return QStringLiteral(" AND merchant_id = ?");
}
} // namespace analytics_store

using namespace analytics_store;

void MinuteFigures::add(const MinuteFigures &o)
{
    createdCount += o.createdCount;
    createdMinor += o.createdMinor;
    succeededCount += o.succeededCount;
    succeededMinor += o.succeededMinor;
    failedCount += o.failedCount;
    failedMinor += o.failedMinor;
    cancelledCount += o.cancelledCount;
    expiredCount += o.expiredCount;
    refundedCount += o.refundedCount;
    refundedMinor += o.refundedMinor;
}

bool markProcessed(QSqlDatabase &db, const QString &consumer, const QUuid &eventId, bool *first,
                   QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("INSERT INTO processed_events (consumer, event_id) VALUES (?, ?::uuid) "
                             "ON CONFLICT DO NOTHING"),
              {consumer, eventId.toString(QUuid::WithoutBraces)}, error))
        return false;
    *first = q.numRowsAffected() == 1;
    return true;
}

bool addToMinute(QSqlDatabase &db, const BucketKey &key, const MinuteFigures &d, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral(
            "INSERT INTO analytics_minutes (merchant_id, currency, minute, created_count, created_minor, "
            "succeeded_count, succeeded_minor, failed_count, failed_minor, cancelled_count, expired_count, "
            "refunded_count, refunded_minor) VALUES (?, ?, ?::timestamptz, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (merchant_id, currency, minute) DO UPDATE SET "
            "created_count = analytics_minutes.created_count + EXCLUDED.created_count, "
            "created_minor = analytics_minutes.created_minor + EXCLUDED.created_minor, "
            "succeeded_count = analytics_minutes.succeeded_count + EXCLUDED.succeeded_count, "
            "succeeded_minor = analytics_minutes.succeeded_minor + EXCLUDED.succeeded_minor, "
            "failed_count = analytics_minutes.failed_count + EXCLUDED.failed_count, "
            "failed_minor = analytics_minutes.failed_minor + EXCLUDED.failed_minor, "
            "cancelled_count = analytics_minutes.cancelled_count + EXCLUDED.cancelled_count, "
            "expired_count = analytics_minutes.expired_count + EXCLUDED.expired_count, "
            "refunded_count = analytics_minutes.refunded_count + EXCLUDED.refunded_count, "
            "refunded_minor = analytics_minutes.refunded_minor + EXCLUDED.refunded_minor"),
        {key.merchantId, key.currency, iso(key.minute), d.createdCount, d.createdMinor, d.succeededCount,
         d.succeededMinor, d.failedCount, d.failedMinor, d.cancelledCount, d.expiredCount, d.refundedCount,
         d.refundedMinor},
        error);
}

bool notePaymentTime(QSqlDatabase &db, const QString &paymentNo, const QString &merchantId,
                     const QString &currency, PaymentEnd end, const QDateTime &at,
                     std::optional<CompletedLatency> *completed, QString *error)
{
    const QString column =
        end == PaymentEnd::Created ? QStringLiteral("created_at") : QStringLiteral("outcome_at");
    QSqlQuery q(db);
    // The first time seen of each end wins: a second outcome event does not move the latency.
    if (!exec(q,
              QStringLiteral("INSERT INTO analytics_payment_times (payment_no, merchant_id, currency, %1) "
                             "VALUES (?, ?, ?, ?::timestamptz) ON CONFLICT (payment_no) DO UPDATE SET "
                             "%1 = COALESCE(analytics_payment_times.%1, EXCLUDED.%1)")
                  .arg(column),
              {paymentNo, merchantId, currency, iso(at)}, error))
        return false;
    if (!exec(q,
              QStringLiteral(
                  "UPDATE analytics_payment_times SET recorded = true WHERE payment_no = ? AND NOT recorded "
                  "AND created_at IS NOT NULL AND outcome_at IS NOT NULL RETURNING merchant_id, currency, "
                  "extract(epoch from date_trunc('minute', outcome_at))::bigint, "
                  "round(extract(epoch from (outcome_at - created_at)) * 1000)::bigint"),
              {paymentNo}, error))
        return false;
    if (q.next())
        *completed = CompletedLatency{{q.value(0).toString(), q.value(1).toString(),
                                       QDateTime::fromSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC)},
                                      q.value(3).toLongLong()};
    return true;
}

bool addLatency(QSqlDatabase &db, const BucketKey &key, int bucket, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO analytics_latency (merchant_id, currency, minute, bucket, count) "
                       "VALUES (?, ?, ?::timestamptz, ?, 1) ON CONFLICT (merchant_id, currency, minute, "
                       "bucket) DO UPDATE SET count = analytics_latency.count + 1"),
        {key.merchantId, key.currency, iso(key.minute), bucket}, error);
}

bool loadMinutes(QSqlDatabase &db, const QDateTime &from, const QDateTime &to, const QString &merchantId,
                 QList<MinuteRow> *rows, QString *error)
{
    QVariantList values{iso(from), iso(to)};
    const QString filter = merchantFilter(merchantId, &values);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!exec(q,
              QStringLiteral("SELECT extract(epoch from minute)::bigint, currency, %1 FROM analytics_minutes "
                             "WHERE minute >= ?::timestamptz AND minute < ?::timestamptz%2 "
                             "GROUP BY minute, currency ORDER BY minute, currency")
                  .arg(QLatin1String(kSums), filter),
              values, error))
        return false;
    while (q.next())
        rows->append({QDateTime::fromSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC), q.value(1).toString(),
                      figuresAt(q, 2)});
    return true;
}

bool loadLatency(QSqlDatabase &db, const QDateTime &from, const QDateTime &to, const QString &merchantId,
                 QList<qint64> *counts, QHash<qint64, QList<qint64>> *perMinute, QString *error)
{
    QVariantList values{iso(from), iso(to)};
    const QString filter = merchantFilter(merchantId, &values);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!exec(q,
              QStringLiteral(
                  "SELECT extract(epoch from minute)::bigint, bucket, sum(count) FROM analytics_latency "
                  "WHERE minute >= ?::timestamptz AND minute < ?::timestamptz%1 GROUP BY minute, bucket")
                  .arg(filter),
              values, error))
        return false;
    const int buckets = latencyBucketCount();
    counts->fill(0, buckets);
    while (q.next()) {
        const int bucket = q.value(1).toInt();
        if (bucket < 0 || bucket >= buckets)
            continue;
        const qint64 count = q.value(2).toLongLong();
        (*counts)[bucket] += count;
        QList<qint64> &minute = (*perMinute)[q.value(0).toLongLong()];
        if (minute.isEmpty())
            minute.fill(0, buckets);
        minute[bucket] += count;
    }
    return true;
}

bool loadDaily(QSqlDatabase &db, const QString &merchantId, const QDate &from, const QDate &to,
               QList<DayRow> *rows, QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!exec(q,
              QStringLiteral("SELECT to_char(minute AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, currency, %1 "
                             "FROM analytics_minutes WHERE merchant_id = ? AND minute >= ?::timestamptz "
                             "AND minute < ?::timestamptz GROUP BY day, currency ORDER BY day, currency")
                  .arg(QLatin1String(kSums)),
              {merchantId, iso(from.startOfDay(Qt::UTC)), iso(to.addDays(1).startOfDay(Qt::UTC))}, error))
        return false;
    while (q.next())
        rows->append(
            {QDate::fromString(q.value(0).toString(), Qt::ISODate), q.value(1).toString(), figuresAt(q, 2)});
    return true;
}

} // namespace paydesk::services::analytics::store
