// refunds.

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
const QString kRefundColumns =
    QStringLiteral("refund_no, payment_no, merchant_id, amount_minor, currency, status, reason, "
                   "channel_refund_no, error_code, operator_type, operator_id, created_at, updated_at, "
                   "refunded_at");

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
} // namespace

bool insertRefund(QSqlDatabase &db, const Refund &r, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO refunds (refund_no, payment_no, merchant_id, amount_minor, currency, "
                       "status, reason, operator_type, operator_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {r.refundNo, r.paymentNo, r.merchantId, r.amountMinor, r.currency, toString(r.status),
         sql::nullableText(r.reason), r.operatorType, sql::nullableText(r.operatorId)},
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
              {toString(r.status), sql::nullableText(r.channelRefundNo), sql::nullableText(r.errorCode),
               sql::nullableTime(r.refundedAt), r.refundNo, toString(expected)},
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

} // namespace paydesk::services::gateway::store
