// payments and their timeline.

#include "services/payment-gateway/store/PaymentStore.h"
#include "services/payment-gateway/store/StoreSupport.h"

#include "platform/db/Sql.h"
#include "platform/db/SqlValues.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace paydesk::services::gateway::store {

using platform::sql::exec;
namespace sql = platform::sql;
using namespace detail;

namespace {
const QString kPaymentColumns = QStringLiteral(
    "payment_no, merchant_id, environment, order_no, idempotency_key, amount_minor, currency, status, "
    "capture, pay_method, channel, channel_trade_no, channel_fee_minor, captured_minor, "
    "capture_requested_minor, refunded_minor, card_brand, card_last4, risk_decision, risk_score, risk_level, "
    "risk_reasons::text, error_code, error_message, description, customer_email, customer_ip, device_id, "
    "notify_url, return_url, metadata::text, created_at, updated_at, expires_at, authorization_expires_at, "
    "paid_at, trace_id");
// Index of the column after kPaymentColumns (listPayments' window count).
constexpr int kPaymentColumnCount = 37;
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
    p.traceId = q.value(i++).toString();
    Q_ASSERT(i == kPaymentColumnCount);
    return p;
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
                  "customer_email, customer_ip, device_id, notify_url, return_url, metadata, expires_at, "
                  "trace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) "
                  "ON CONFLICT (merchant_id, order_no) DO NOTHING"),
              {p.paymentNo,
               p.merchantId,
               p.environment,
               p.orderNo,
               sql::nullableText(p.idempotencyKey),
               p.amountMinor,
               p.currency,
               toString(p.status),
               p.capture,
               p.payMethod,
               sql::nullableText(p.channel),
               sql::nullableText(p.cardLast4),
               sql::nullableText(p.description),
               sql::nullableText(p.customerEmail),
               sql::nullableText(p.customerIp),
               sql::nullableText(p.deviceId),
               sql::nullableText(p.notifyUrl),
               sql::nullableText(p.returnUrl),
               jsonbText(p.metadata),
               p.expiresAt.toUTC(),
               sql::nullableText(p.traceId)},
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
            {toString(p.status), sql::nullableText(p.channel), sql::nullableText(p.channelTradeNo),
             p.channelFeeMinor, p.capturedMinor, p.refundedMinor, sql::nullableText(p.cardBrand),
             sql::nullableText(p.cardLast4), sql::nullableText(p.riskDecision),
             p.riskScore < 0 ? QVariant(QMetaType(QMetaType::Int)) : QVariant(p.riskScore),
             sql::nullableText(p.riskLevel),
             p.riskReasons.isEmpty()
                 ? QVariant(QMetaType(QMetaType::QString))
                 : QVariant(QString::fromUtf8(QJsonDocument(p.riskReasons).toJson(QJsonDocument::Compact))),
             sql::nullableText(p.errorCode), sql::nullableText(p.errorMessage),
             sql::nullableTime(p.authorizationExpiresAt), sql::nullableTime(p.paidAt), p.paymentNo,
             toString(expected)},
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
        *total = q.value(kPaymentColumnCount).toLongLong();
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
                    QString *error, const QByteArray &traceId)
{
    if (entries.isEmpty())
        return true;
    // One multi-row INSERT: the hot path writes several entries per change.
    QStringList rows;
    QVariantList values;
    for (const TimelineEntry &e : entries) {
        rows.append(QStringLiteral("(?, ?, ?, ?, ?, ?::jsonb, ?)"));
        values << paymentNo << e.kind << sql::nullableText(e.step) << sql::nullableText(e.fromStatus)
               << sql::nullableText(e.toStatus) << jsonbText(e.detail)
               << sql::nullableText(e.traceId.isEmpty() ? QString::fromLatin1(traceId) : e.traceId);
    }
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("INSERT INTO payment_events (payment_no, kind, step, from_status, to_status, "
                               "detail, trace_id) VALUES ") +
                    rows.join(QStringLiteral(", ")),
                values, error);
}

bool loadTimeline(QSqlDatabase &db, const QString &paymentNo, QList<TimelineEntry> *entries, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral(
                  "SELECT kind, step, from_status, to_status, detail::text, at, trace_id FROM payment_events "
                  "WHERE payment_no = ? ORDER BY id"),
              {paymentNo}, error))
        return false;
    while (q.next())
        entries->append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                         q.value(3).toString(), QJsonDocument::fromJson(q.value(4).toByteArray()).object(),
                         utc(q.value(5)), q.value(6).toString()});
    return true;
}

} // namespace paydesk::services::gateway::store
