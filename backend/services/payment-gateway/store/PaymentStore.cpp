#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/db/Sql.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace paydesk::services::gateway::store {

using platform::sql::exec;

namespace {
const QString kPaymentColumns = QStringLiteral(
    "payment_no, merchant_id, environment, order_no, idempotency_key, amount_minor, currency, status, "
    "capture, pay_method, channel, channel_trade_no, channel_fee_minor, captured_minor, "
    "capture_requested_minor, refunded_minor, card_brand, card_last4, risk_decision, risk_score, risk_level, "
    "risk_reasons::text, error_code, error_message, description, customer_email, customer_ip, device_id, "
    "notify_url, return_url, metadata::text, created_at, updated_at, expires_at, authorization_expires_at, "
    "paid_at");
const QString kRefundColumns =
    QStringLiteral("refund_no, payment_no, merchant_id, amount_minor, currency, status, reason, "
                   "channel_refund_no, error_code, operator_type, operator_id, created_at, updated_at, "
                   "refunded_at");

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}
QVariant nullable(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toUTC()) : QVariant(QMetaType(QMetaType::QDateTime));
}
QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}
QDateTime utc(const QVariant &value)
{
    QDateTime time = value.toDateTime();
    return time.isValid() ? time.toUTC() : QDateTime();
}

Payment readPayment(const QSqlQuery &q)
{
    Payment p;
    int i = 0;
    p.paymentNo = q.value(i++).toString();
    p.merchantId = q.value(i++).toString();
    p.environment = q.value(i++).toString();
    p.orderNo = q.value(i++).toString();
    p.idempotencyKey = q.value(i++).toString();
    p.amountMinor = q.value(i++).toLongLong();
    p.currency = q.value(i++).toString();
    p.status = paymentStatus(q.value(i++).toString()).value_or(PaymentStatus::Failed);
    p.capture = q.value(i++).toBool();
    p.payMethod = q.value(i++).toString();
    p.channel = q.value(i++).toString();
    p.channelTradeNo = q.value(i++).toString();
    p.channelFeeMinor = q.value(i++).toLongLong();
    p.capturedMinor = q.value(i++).toLongLong();
    p.captureRequestedMinor = q.value(i).isNull() ? -1 : q.value(i).toLongLong();
    ++i;
    p.refundedMinor = q.value(i++).toLongLong();
    p.cardBrand = q.value(i++).toString();
    p.cardLast4 = q.value(i++).toString();
    p.riskDecision = q.value(i++).toString();
    p.riskScore = q.value(i).isNull() ? -1 : q.value(i).toInt();
    ++i;
    p.riskLevel = q.value(i++).toString();
    p.riskReasons = QJsonDocument::fromJson(q.value(i++).toByteArray()).array();
    p.errorCode = q.value(i++).toString();
    p.errorMessage = q.value(i++).toString();
    p.description = q.value(i++).toString();
    p.customerEmail = q.value(i++).toString();
    p.customerIp = q.value(i++).toString();
    p.deviceId = q.value(i++).toString();
    p.notifyUrl = q.value(i++).toString();
    p.returnUrl = q.value(i++).toString();
    p.metadata = QJsonDocument::fromJson(q.value(i++).toByteArray()).object();
    p.createdAt = utc(q.value(i++));
    p.updatedAt = utc(q.value(i++));
    p.expiresAt = utc(q.value(i++));
    p.authorizationExpiresAt = utc(q.value(i++));
    p.paidAt = utc(q.value(i++));
    return p;
}

Refund readRefund(const QSqlQuery &q)
{
    Refund r;
    int i = 0;
    r.refundNo = q.value(i++).toString();
    r.paymentNo = q.value(i++).toString();
    r.merchantId = q.value(i++).toString();
    r.amountMinor = q.value(i++).toLongLong();
    r.currency = q.value(i++).toString();
    r.status = refundStatus(q.value(i++).toString()).value_or(RefundStatus::Failed);
    r.reason = q.value(i++).toString();
    r.channelRefundNo = q.value(i++).toString();
    r.errorCode = q.value(i++).toString();
    r.operatorType = q.value(i++).toString();
    r.operatorId = q.value(i++).toString();
    r.createdAt = utc(q.value(i++));
    r.updatedAt = utc(q.value(i++));
    r.refundedAt = utc(q.value(i++));
    return r;
}

bool loadOnePayment(QSqlDatabase &db, const QString &where, const QVariantList &values,
                    std::optional<Payment> *payment, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT ") + kPaymentColumns + QStringLiteral(" FROM payments WHERE ") + where,
              values, error))
        return false;
    *payment = q.next() ? std::optional<Payment>(readPayment(q)) : std::nullopt;
    return true;
}
} // namespace

bool insertPayment(QSqlDatabase &db, const Payment &p, bool *inserted, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "INSERT INTO payments (payment_no, merchant_id, environment, order_no, idempotency_key, "
                  "amount_minor, currency, status, capture, pay_method, channel, card_last4, description, "
                  "customer_email, customer_ip, device_id, notify_url, return_url, metadata, expires_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) "
                  "ON CONFLICT (merchant_id, order_no) DO NOTHING"),
              {p.paymentNo,
               p.merchantId,
               p.environment,
               p.orderNo,
               nullable(p.idempotencyKey),
               p.amountMinor,
               p.currency,
               toString(p.status),
               p.capture,
               p.payMethod,
               nullable(p.channel),
               nullable(p.cardLast4),
               nullable(p.description),
               nullable(p.customerEmail),
               nullable(p.customerIp),
               nullable(p.deviceId),
               nullable(p.notifyUrl),
               nullable(p.returnUrl),
               jsonText(p.metadata),
               p.expiresAt.toUTC()},
              error))
        return false;
    *inserted = q.numRowsAffected() == 1;
    return true;
}

bool loadPayment(QSqlDatabase &db, const QString &paymentNo, const QString &merchantId, bool forUpdate,
                 std::optional<Payment> *payment, QString *error)
{
    const QString lock = forUpdate ? QStringLiteral(" FOR UPDATE") : QString();
    if (merchantId.isEmpty())
        return loadOnePayment(db, QStringLiteral("payment_no = ?") + lock, {paymentNo}, payment, error);
    return loadOnePayment(db, QStringLiteral("payment_no = ? AND merchant_id = ?") + lock,
                          {paymentNo, merchantId}, payment, error);
}

bool loadPaymentByOrder(QSqlDatabase &db, const QString &merchantId, const QString &orderNo,
                        std::optional<Payment> *payment, QString *error)
{
    return loadOnePayment(db, QStringLiteral("merchant_id = ? AND order_no = ?"), {merchantId, orderNo},
                          payment, error);
}

bool savePayment(QSqlDatabase &db, const Payment &p, PaymentStatus expected, bool *updated, QString *error)
{
    QSqlQuery q(db);
    if (!exec(
            q,
            QStringLiteral(
                "UPDATE payments SET status = ?, channel = ?, channel_trade_no = ?, channel_fee_minor = ?, "
                "captured_minor = ?, refunded_minor = ?, card_brand = ?, card_last4 = ?, risk_decision = ?, "
                "risk_score = ?, risk_level = ?, risk_reasons = ?::jsonb, error_code = ?, error_message = ?, "
                "authorization_expires_at = ?, paid_at = ?, updated_at = now() "
                "WHERE payment_no = ? AND status = ?"),
            {toString(p.status), nullable(p.channel), nullable(p.channelTradeNo), p.channelFeeMinor,
             p.capturedMinor, p.refundedMinor, nullable(p.cardBrand), nullable(p.cardLast4),
             nullable(p.riskDecision),
             p.riskScore < 0 ? QVariant(QMetaType(QMetaType::Int)) : QVariant(p.riskScore),
             nullable(p.riskLevel),
             p.riskReasons.isEmpty()
                 ? QVariant(QMetaType(QMetaType::QString))
                 : QVariant(QString::fromUtf8(QJsonDocument(p.riskReasons).toJson(QJsonDocument::Compact))),
             nullable(p.errorCode), nullable(p.errorMessage), nullable(p.authorizationExpiresAt),
             nullable(p.paidAt), p.paymentNo, toString(expected)},
            error))
        return false;
    *updated = q.numRowsAffected() == 1;
    return true;
}

bool claimCapture(QSqlDatabase &db, const QString &paymentNo, qint64 amountMinor, bool *claimed,
                  QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "UPDATE payments SET capture_requested_minor = ?, updated_at = now() "
                  "WHERE payment_no = ? AND status = 'authorized' AND capture_requested_minor IS NULL"),
              {amountMinor, paymentNo}, error))
        return false;
    *claimed = q.numRowsAffected() == 1;
    return true;
}

bool releaseCaptureClaim(QSqlDatabase &db, const QString &paymentNo, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("UPDATE payments SET capture_requested_minor = NULL WHERE payment_no = ? "
                               "AND status = 'authorized'"),
                {paymentNo}, error);
}

bool listPayments(QSqlDatabase &db, const PaymentFilter &f, QList<Payment> *payments, qint64 *total,
                  QString *error)
{
    QStringList where;
    QVariantList values;
    auto add = [&](const QString &clause, const QVariant &value) {
        where.append(clause);
        values.append(value);
    };
    if (!f.merchantId.isEmpty())
        add(QStringLiteral("merchant_id = ?"), f.merchantId);
    if (!f.paymentNo.isEmpty())
        add(QStringLiteral("payment_no = ?"), f.paymentNo);
    if (!f.orderNo.isEmpty())
        add(QStringLiteral("order_no = ?"), f.orderNo);
    if (!f.status.isEmpty())
        add(QStringLiteral("status = ?"), f.status);
    if (f.from.isValid())
        add(QStringLiteral("created_at >= ?"), f.from.toUTC());
    if (f.to.isValid())
        add(QStringLiteral("created_at < ?"), f.to.toUTC());
    values << f.limit << f.offset;
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT ") + kPaymentColumns +
                  QStringLiteral(", count(*) OVER () FROM payments") +
                  (where.isEmpty() ? QString()
                                   : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))) +
                  QStringLiteral(" ORDER BY created_at DESC, payment_no DESC LIMIT ? OFFSET ?"),
              values, error))
        return false;
    *total = 0;
    while (q.next()) {
        payments->append(readPayment(q));
        *total = q.value(36).toLongLong();
    }
    if (payments->isEmpty() && f.offset > 0) {
        // Past the last page: the window count is not there, ask for it.
        QSqlQuery c(db);
        values.removeLast();
        values.removeLast();
        if (!exec(c,
                  QStringLiteral("SELECT count(*) FROM payments") +
                      (where.isEmpty() ? QString()
                                       : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))),
                  values, error))
            return false;
        *total = c.next() ? c.value(0).toLongLong() : 0;
    }
    return true;
}

bool appendTimeline(QSqlDatabase &db, const QString &paymentNo, const QList<TimelineEntry> &entries,
                    QString *error)
{
    if (entries.isEmpty())
        return true;
    // One multi-row INSERT: the hot path writes several entries per change.
    QStringList rows;
    QVariantList values;
    for (const TimelineEntry &e : entries) {
        rows.append(QStringLiteral("(?, ?, ?, ?, ?, ?::jsonb)"));
        values << paymentNo << e.kind << nullable(e.step) << nullable(e.fromStatus) << nullable(e.toStatus)
               << jsonText(e.detail);
    }
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("INSERT INTO payment_events (payment_no, kind, step, from_status, to_status, "
                               "detail) VALUES ") +
                    rows.join(QStringLiteral(", ")),
                values, error);
}

bool loadTimeline(QSqlDatabase &db, const QString &paymentNo, QList<TimelineEntry> *entries, QString *error)
{
    QSqlQuery q(db);
    if (!exec(
            q,
            QStringLiteral("SELECT kind, step, from_status, to_status, detail::text, at FROM payment_events "
                           "WHERE payment_no = ? ORDER BY id"),
            {paymentNo}, error))
        return false;
    while (q.next())
        entries->append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                         q.value(3).toString(), QJsonDocument::fromJson(q.value(4).toByteArray()).object(),
                         utc(q.value(5))});
    return true;
}

bool insertRefund(QSqlDatabase &db, const Refund &r, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO refunds (refund_no, payment_no, merchant_id, amount_minor, currency, "
                       "status, reason, operator_type, operator_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {r.refundNo, r.paymentNo, r.merchantId, r.amountMinor, r.currency, toString(r.status),
         nullable(r.reason), r.operatorType, nullable(r.operatorId)},
        error);
}

bool loadRefund(QSqlDatabase &db, const QString &refundNo, const QString &merchantId, bool forUpdate,
                std::optional<Refund> *refund, QString *error)
{
    QSqlQuery q(db);
    QString statement =
        QStringLiteral("SELECT ") + kRefundColumns + QStringLiteral(" FROM refunds WHERE refund_no = ?");
    QVariantList values{refundNo};
    if (!merchantId.isEmpty()) {
        statement += QStringLiteral(" AND merchant_id = ?");
        values.append(merchantId);
    }
    if (forUpdate)
        statement += QStringLiteral(" FOR UPDATE");
    if (!exec(q, statement, values, error))
        return false;
    *refund = q.next() ? std::optional<Refund>(readRefund(q)) : std::nullopt;
    return true;
}

bool reservedRefundMinor(QSqlDatabase &db, const QString &paymentNo, qint64 *reservedMinor, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT coalesce(sum(amount_minor), 0) FROM refunds WHERE payment_no = ? "
                             "AND status IN ('pending', 'processing', 'success')"),
              {paymentNo}, error))
        return false;
    *reservedMinor = q.next() ? q.value(0).toLongLong() : 0;
    return true;
}

bool saveRefund(QSqlDatabase &db, const Refund &r, RefundStatus expected, bool *updated, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "UPDATE refunds SET status = ?, channel_refund_no = ?, error_code = ?, refunded_at = ?, "
                  "updated_at = now() WHERE refund_no = ? AND status = ?"),
              {toString(r.status), nullable(r.channelRefundNo), nullable(r.errorCode), nullable(r.refundedAt),
               r.refundNo, toString(expected)},
              error))
        return false;
    *updated = q.numRowsAffected() == 1;
    return true;
}

bool addRefunded(QSqlDatabase &db, const QString &paymentNo, qint64 amountMinor, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("UPDATE payments SET refunded_minor = refunded_minor + ?, updated_at = now() "
                               "WHERE payment_no = ?"),
                {amountMinor, paymentNo}, error);
}

bool listRefunds(QSqlDatabase &db, const RefundFilter &f, QList<Refund> *refunds, qint64 *total,
                 QString *error)
{
    QStringList where;
    QVariantList values;
    if (!f.merchantId.isEmpty()) {
        where.append(QStringLiteral("merchant_id = ?"));
        values.append(f.merchantId);
    }
    if (!f.paymentNo.isEmpty()) {
        where.append(QStringLiteral("payment_no = ?"));
        values.append(f.paymentNo);
    }
    if (!f.status.isEmpty()) {
        where.append(QStringLiteral("status = ?"));
        values.append(f.status);
    }
    values << f.limit << f.offset;
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT ") + kRefundColumns + QStringLiteral(", count(*) OVER () FROM refunds") +
                  (where.isEmpty() ? QString()
                                   : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "))) +
                  QStringLiteral(" ORDER BY created_at DESC, refund_no DESC LIMIT ? OFFSET ?"),
              values, error))
        return false;
    *total = 0;
    while (q.next()) {
        refunds->append(readRefund(q));
        *total = q.value(14).toLongLong();
    }
    return true;
}

bool appendTask(QSqlDatabase &db, const QString &paymentNo, const QString &kind, const QJsonObject &payload,
                qint64 *id, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("INSERT INTO payment_tasks (payment_no, kind, payload, next_attempt_at) VALUES "
                             "(?, ?, ?::jsonb, now() + interval '30 seconds') RETURNING id"),
              {paymentNo, kind, jsonText(payload)}, error))
        return false;
    *id = q.next() ? q.value(0).toLongLong() : 0;
    return true;
}

namespace {
bool readTasks(QSqlQuery &q, QList<Task> *tasks)
{
    while (q.next())
        tasks->append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                       QJsonDocument::fromJson(q.value(3).toByteArray()).object(), q.value(4).toInt()});
    return true;
}
} // namespace

bool claimDueTasks(QSqlDatabase &db, int limit, int leaseSeconds, QList<Task> *tasks, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "UPDATE payment_tasks SET next_attempt_at = now() + make_interval(secs => ?) "
                  "WHERE id IN (SELECT id FROM payment_tasks WHERE done_at IS NULL AND "
                  "next_attempt_at <= now() ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) "
                  "RETURNING id, payment_no, kind, payload::text, attempts"),
              {leaseSeconds, limit}, error))
        return false;
    return readTasks(q, tasks);
}

bool loadTasks(QSqlDatabase &db, const QList<qint64> &ids, QList<Task> *tasks, QString *error)
{
    if (ids.isEmpty())
        return true;
    QStringList list;
    for (qint64 id : ids)
        list.append(QString::number(id));
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT id, payment_no, kind, payload::text, attempts FROM payment_tasks "
                             "WHERE id = ANY(?::bigint[]) AND done_at IS NULL ORDER BY id"),
              {QStringLiteral("{") + list.join(u',') + u'}'}, error))
        return false;
    return readTasks(q, tasks);
}

bool markTaskDone(QSqlDatabase &db, qint64 id, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q, QStringLiteral("UPDATE payment_tasks SET done_at = now(), attempts = attempts + 1 WHERE id = ?"),
        {id}, error);
}

bool markTaskFailed(QSqlDatabase &db, qint64 id, const QString &reason, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("UPDATE payment_tasks SET attempts = attempts + 1, last_error = ?, "
                       "next_attempt_at = now() + make_interval(secs => least(600, power(2, attempts)::int)) "
                       "WHERE id = ?"),
        {reason.left(1000), id}, error);
}

bool dueExpiries(QSqlDatabase &db, int limit, QStringList *paymentNos, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "(SELECT payment_no, expires_at AS due FROM payments WHERE status IN ('pending', "
                  "'processing') AND expires_at <= now() ORDER BY expires_at LIMIT ?) UNION ALL "
                  "(SELECT payment_no, authorization_expires_at FROM payments WHERE status = "
                  "'authorized' AND authorization_expires_at <= now() ORDER BY authorization_expires_at "
                  "LIMIT ?) ORDER BY due LIMIT ?"),
              {limit, limit, limit}, error))
        return false;
    while (q.next())
        paymentNos->append(q.value(0).toString());
    return true;
}

bool insertCallback(QSqlDatabase &db, const QString &channel, const QJsonObject &verified,
                    const QByteArray &rawBody, bool applied, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("INSERT INTO payment_callbacks (channel, payment_no, refund_no, kind, status, "
                               "applied, raw_body) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                {channel, nullable(verified.value(QStringLiteral("payment_no")).toString()),
                 nullable(verified.value(QStringLiteral("refund_no")).toString()),
                 nullable(verified.value(QStringLiteral("kind")).toString()),
                 nullable(verified.value(QStringLiteral("status")).toString()), applied, rawBody},
                error);
}

} // namespace paydesk::services::gateway::store
