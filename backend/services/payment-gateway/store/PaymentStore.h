#pragma once
// SQL for payment_gateway (migrations/0001_payments.sql). Every function runs on the caller's
// connection, inside the caller's transaction when it has one, and returns false with *error on a
// database error. Worker threads only.

#include "services/payment-gateway/domain/Payment.h"

#include <QSqlDatabase>

#include <optional>

namespace paydesk::services::gateway::store {

// Inserts a new payment; *inserted false when (merchant_id, order_no) exists already.
bool insertPayment(QSqlDatabase &db, const Payment &payment, bool *inserted, QString *error);
// `merchantId` empty: any merchant. `forUpdate` locks the row until the transaction ends.
bool loadPayment(QSqlDatabase &db, const QString &paymentNo, const QString &merchantId, bool forUpdate,
                 std::optional<Payment> *payment, QString *error);
bool loadPaymentByOrder(QSqlDatabase &db, const QString &merchantId, const QString &orderNo,
                        std::optional<Payment> *payment, QString *error);
// Writes every mutable column of `payment` if the row is still in `expected`; *updated false when
// another change came first (the caller's view is stale).
bool savePayment(QSqlDatabase &db, const Payment &payment, PaymentStatus expected, bool *updated,
                 QString *error);
// Claims the one capture (amount > 0) or the void (0) of an authorised payment: sets
// capture_requested_minor when it is unset; *claimed false when another came first.
bool claimCapture(QSqlDatabase &db, const QString &paymentNo, qint64 amountMinor, bool *claimed,
                  QString *error);
bool releaseCaptureClaim(QSqlDatabase &db, const QString &paymentNo, QString *error);

struct PaymentFilter
{
    QString merchantId;
    QString paymentNo;
    QString orderNo;
    QString status;
    QDateTime from;
    QDateTime to;
    int offset = 0;
    int limit = 20;
};
// Newest first; *total counts every match (one query: count(*) OVER ()).
bool listPayments(QSqlDatabase &db, const PaymentFilter &filter, QList<Payment> *payments, qint64 *total,
                  QString *error);

// `traceId` (the writing request's) goes to the entries that do not carry their own.
bool appendTimeline(QSqlDatabase &db, const QString &paymentNo, const QList<TimelineEntry> &entries,
                    QString *error, const QByteArray &traceId = {});
bool loadTimeline(QSqlDatabase &db, const QString &paymentNo, QList<TimelineEntry> *entries, QString *error);

// ---- refunds ----
bool insertRefund(QSqlDatabase &db, const Refund &refund, QString *error);
bool loadRefund(QSqlDatabase &db, const QString &refundNo, const QString &merchantId, bool forUpdate,
                std::optional<Refund> *refund, QString *error);
// Σ of the payment's refunds that are pending, processing or succeeded.
bool reservedRefundMinor(QSqlDatabase &db, const QString &paymentNo, qint64 *reservedMinor, QString *error);
bool saveRefund(QSqlDatabase &db, const Refund &refund, RefundStatus expected, bool *updated, QString *error);
bool addRefunded(QSqlDatabase &db, const QString &paymentNo, qint64 amountMinor, QString *error);
struct RefundFilter
{
    QString merchantId;
    QString paymentNo;
    QString status;
    int offset = 0;
    int limit = 20;
};
bool listRefunds(QSqlDatabase &db, const RefundFilter &filter, QList<Refund> *refunds, qint64 *total,
                 QString *error);

// ---- follow-up tasks (payment_tasks) ----
struct Task
{
    qint64 id = 0;
    QString paymentNo;
    QString kind;
    QJsonObject payload;
    int attempts = 0;
};
// Returns the new task's id through *id. The task is first due 30 s later: the writer runs it
// right after its commit, the sweep only when that did not happen (crash) or failed.
bool appendTask(QSqlDatabase &db, const QString &paymentNo, const QString &kind, const QJsonObject &payload,
                qint64 *id, QString *error);
// Up to `limit` due tasks, each claimed for `leaseSeconds` (next_attempt_at moved forward with
// SKIP LOCKED) so that two sweeps never run the same task at once.
bool claimDueTasks(QSqlDatabase &db, int limit, int leaseSeconds, QList<Task> *tasks, QString *error);
bool loadTasks(QSqlDatabase &db, const QList<qint64> &ids, QList<Task> *tasks, QString *error);
// `note` (when not empty) says why a task ended without effect (a 4xx answer, given up).
bool markTaskDone(QSqlDatabase &db, qint64 id, const QString &note, QString *error);
// Next attempt after an exponential back-off (2^attempts seconds, at most 10 minutes).
bool markTaskFailed(QSqlDatabase &db, qint64 id, const QString &reason, QString *error);

// ---- expiry ----
// Payments open past their expiry (pending|processing past expires_at, authorized past
// authorization_expires_at), oldest first.
bool dueExpiries(QSqlDatabase &db, int limit, QStringList *paymentNos, QString *error);

bool insertCallback(QSqlDatabase &db, const QString &channel, const QJsonObject &verified,
                    const QByteArray &rawBody, bool applied, QString *error);

} // namespace paydesk::services::gateway::store
