// Deliveries, their attempts, claiming and processed events (the rest of WebhookStore.h).

#include "services/notification-service/store/StoreValues.h"
#include "services/notification-service/store/WebhookStore.h"

#include "platform/db/Sql.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::notification::store {

using platform::sql::exec;
using namespace values;

namespace delivery_store {
const char *const kDeliveryColumns =
    "id, merchant_id, endpoint_id, target, url, event_id, event_type, payment_no, refund_no, status, round, "
    "attempts, max_attempts, next_attempt_at, last_status_code, last_error, delivered_at, created_at, "
    "updated_at";

QJsonObject deliveryFrom(const QSqlQuery &q)
{
    const QString status = q.value(9).toString();
    const bool open = status == QStringLiteral("pending") || status == QStringLiteral("retrying");
    return {{QStringLiteral("id"), q.value(0).toString()},
            {QStringLiteral("merchant_id"), q.value(1).toString()},
            {QStringLiteral("endpoint_id"), q.value(2).isNull() ? QJsonValue() : q.value(2).toString()},
            {QStringLiteral("target"), q.value(3).toString()},
            {QStringLiteral("url"), q.value(4).toString()},
            {QStringLiteral("event_id"), q.value(5).toString()},
            {QStringLiteral("event"), q.value(6).toString()},
            {QStringLiteral("payment_no"), q.value(7).toString()},
            {QStringLiteral("refund_no"), q.value(8).toString()},
            {QStringLiteral("status"), status},
            {QStringLiteral("round"), q.value(10).toInt()},
            {QStringLiteral("attempts"), q.value(11).toInt()},
            {QStringLiteral("max_attempts"), q.value(12).toInt()},
            {QStringLiteral("next_attempt_at"), open ? timeOrNull(q.value(13)) : QJsonValue()},
            {QStringLiteral("last_status_code"), q.value(14).isNull() ? QJsonValue() : q.value(14).toInt()},
            {QStringLiteral("last_error"), q.value(15).isNull() ? QJsonValue() : q.value(15).toString()},
            {QStringLiteral("delivered_at"), timeOrNull(q.value(16))},
            {QStringLiteral("created_at"), timeOrNull(q.value(17))},
            {QStringLiteral("updated_at"), timeOrNull(q.value(18))}};
}
} // namespace delivery_store

using namespace delivery_store;

bool insertDelivery(QSqlDatabase &db, const NewDelivery &d, QUuid *id, QString *error)
{
    *id = QUuid::createUuid();
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO webhook_deliveries (id, merchant_id, endpoint_id, target, url, event_id, "
                       "event_type, payment_no, refund_no, body, max_attempts) "
                       "VALUES (?::uuid, ?, ?::uuid, ?, ?, ?::uuid, ?, ?, ?, ?, ?)"),
        {uuidText(*id), d.merchantId, nullableUuid(d.endpointId),
         d.endpointId ? QStringLiteral("endpoint") : QStringLiteral("notify_url"), d.url, uuidText(d.eventId),
         d.eventType, text(d.paymentNo), text(d.refundNo), text(QString::fromUtf8(d.body)), d.maxAttempts},
        error);
}

bool claimDue(QSqlDatabase &db, int limit, qint64 leaseMs, QList<Claim> *claims, QString *error)
{
    const QUuid token = QUuid::createUuid();
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "WITH due AS (SELECT id FROM webhook_deliveries WHERE status IN ('pending', 'retrying') "
                  "AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) "
                  "UPDATE webhook_deliveries d SET attempts = d.attempts + 1, claim_token = ?::uuid, "
                  "next_attempt_at = now() + ? * interval '1 millisecond', updated_at = now() FROM due "
                  "WHERE d.id = due.id RETURNING d.id, d.merchant_id, d.endpoint_id, d.url, d.event_id, "
                  "d.event_type, d.body, d.round, d.attempts, d.max_attempts"),
              {limit, uuidText(token), leaseMs}, error))
        return false;
    claims->clear();
    while (q.next()) {
        Claim c;
        c.id = QUuid::fromString(q.value(0).toString());
        c.merchantId = q.value(1).toString();
        if (!q.value(2).isNull())
            c.endpointId = QUuid::fromString(q.value(2).toString());
        c.url = q.value(3).toString();
        c.eventId = q.value(4).toString();
        c.eventType = q.value(5).toString();
        c.body = q.value(6).toString().toUtf8();
        c.round = q.value(7).toInt();
        c.attempt = q.value(8).toInt();
        c.maxAttempts = q.value(9).toInt();
        c.claimToken = token;
        claims->append(c);
    }
    return true;
}

bool finishAttempt(QSqlDatabase &db, const Claim &claim, const AttemptRecord &r, Outcome outcome,
                   bool *applied, QString *error)
{
    QSqlQuery q(db);
    const QVariant noInt(QMetaType(QMetaType::Int));
    const QVariant noLong(QMetaType(QMetaType::LongLong));
    if (!exec(q,
              QStringLiteral(
                  "INSERT INTO webhook_attempts (delivery_id, round, attempt, request_headers, "
                  "request_body, response_status, response_body, error, duration_ms, retry_delay_ms, "
                  "started_at) VALUES (?::uuid, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (delivery_id, round, attempt) DO NOTHING"),
              {uuidText(claim.id), claim.round, claim.attempt,
               QString::fromUtf8(QJsonDocument(r.requestHeaders).toJson(QJsonDocument::Compact)),
               text(QString::fromUtf8(r.requestBody)), r.responseStatus ? QVariant(*r.responseStatus) : noInt,
               text(QString::fromUtf8(r.responseBody)), text(r.error), r.durationMs,
               r.retryDelayMs ? QVariant(*r.retryDelayMs) : noLong, r.startedAt.toUTC()},
              error))
        return false;
    QString set;
    switch (outcome) {
    case Outcome::Delivered:
        set = QStringLiteral("status = 'delivered', delivered_at = now()");
        break;
    case Outcome::Retry:
        set = QStringLiteral("status = 'retrying', next_attempt_at = now() + ? * interval '1 millisecond'");
        break;
    case Outcome::Dead:
        set = QStringLiteral("status = 'dead'");
        break;
    }
    QVariantList values;
    if (outcome == Outcome::Retry)
        values.append(r.retryDelayMs.value_or(0));
    values << (r.responseStatus ? QVariant(*r.responseStatus) : noInt)
           << (r.error.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(r.error))
           << uuidText(claim.id) << uuidText(claim.claimToken);
    QSqlQuery u(db);
    if (!exec(u,
              QStringLiteral(
                  "UPDATE webhook_deliveries SET %1, last_status_code = ?, last_error = ?, "
                  "claim_token = NULL, updated_at = now() WHERE id = ?::uuid AND claim_token = ?::uuid")
                  .arg(set),
              values, error))
        return false;
    *applied = u.numRowsAffected() == 1;
    return true;
}

bool listDeliveries(QSqlDatabase &db, const DeliveryFilter &f, QJsonArray *items, qint64 *total,
                    QString *error)
{
    QVariantList values;
    const QString condition = platform::sql::whereEquals({{"merchant_id", f.merchantId},
                                                          {"payment_no", f.paymentNo},
                                                          {"status", f.status},
                                                          {"event_type", f.eventType}},
                                                         &values);
    QSqlQuery count(db);
    if (!exec(count, QStringLiteral("SELECT count(*) FROM webhook_deliveries ") + condition, values, error) ||
        !count.next())
        return false;
    *total = count.value(0).toLongLong();
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM webhook_deliveries %2 ORDER BY created_at DESC, id LIMIT %3 "
                             "OFFSET %4")
                  .arg(QLatin1String(kDeliveryColumns), condition)
                  .arg(f.limit)
                  .arg(f.offset),
              values, error))
        return false;
    *items = {};
    while (q.next())
        items->append(deliveryFrom(q));
    return true;
}

bool loadDelivery(QSqlDatabase &db, const QUuid &id, const QString &merchantId,
                  std::optional<QJsonObject> *delivery, QString *error)
{
    QSqlQuery q(db);
    if (!exec(
            q,
            QStringLiteral(
                "SELECT %1, body FROM webhook_deliveries WHERE id = ?::uuid AND (? = '' OR merchant_id = ?)")
                .arg(QLatin1String(kDeliveryColumns)),
            {uuidText(id), text(merchantId), text(merchantId)}, error))
        return false;
    if (!q.next()) {
        *delivery = std::nullopt;
        return true;
    }
    QJsonObject object = deliveryFrom(q);
    object.insert(QStringLiteral("payload"), QJsonDocument::fromJson(q.value(19).toByteArray()).object());
    *delivery = object;
    return true;
}

bool loadAttempts(QSqlDatabase &db, const QUuid &id, QJsonArray *attempts, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "SELECT round, attempt, request_headers::text, response_status, response_body, error, "
                  "duration_ms, retry_delay_ms, started_at FROM webhook_attempts WHERE delivery_id = "
                  "?::uuid ORDER BY round, attempt"),
              {uuidText(id)}, error))
        return false;
    *attempts = {};
    while (q.next()) {
        attempts->append(QJsonObject{
            {QStringLiteral("round"), q.value(0).toInt()},
            {QStringLiteral("attempt"), q.value(1).toInt()},
            {QStringLiteral("request_headers"), QJsonDocument::fromJson(q.value(2).toByteArray()).object()},
            {QStringLiteral("response_status"), q.value(3).isNull() ? QJsonValue() : q.value(3).toInt()},
            {QStringLiteral("response_body"), q.value(4).toString()},
            {QStringLiteral("error"), q.value(5).toString()},
            {QStringLiteral("duration_ms"), q.value(6).toInt()},
            {QStringLiteral("retry_delay_ms"), q.value(7).isNull() ? QJsonValue() : q.value(7).toLongLong()},
            {QStringLiteral("started_at"), timeOrNull(q.value(8))}});
    }
    return true;
}

bool redeliver(QSqlDatabase &db, const QUuid &id, int maxAttempts, bool *reset, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "UPDATE webhook_deliveries SET status = 'pending', round = round + 1, attempts = 0, "
                  "max_attempts = ?, next_attempt_at = now(), claim_token = NULL, delivered_at = NULL, "
                  "updated_at = now() WHERE id = ?::uuid AND status IN ('dead', 'delivered')"),
              {maxAttempts, uuidText(id)}, error))
        return false;
    *reset = q.numRowsAffected() == 1;
    return true;
}

bool dueBacklog(QSqlDatabase &db, qint64 *count, qint64 *oldestLagMs, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "SELECT count(*), COALESCE((extract(epoch FROM now() - min(next_attempt_at)) * 1000)"
                  "::bigint, 0) FROM webhook_deliveries WHERE status IN ('pending', 'retrying') "
                  "AND next_attempt_at <= now()"),
              {}, error) ||
        !q.next())
        return false;
    *count = q.value(0).toLongLong();
    *oldestLagMs = q.value(1).toLongLong();
    return true;
}

} // namespace paydesk::services::notification::store
