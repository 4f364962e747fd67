#include "services/cashier-service/store/SessionStore.h"

#include "platform/db/Sql.h"
#include "platform/db/SqlValues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::cashier::store {

using platform::sql::exec;

namespace session_store {
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

const char *const kColumns =
    "token_hash, merchant_id, merchant_name, environment, order_no, amount_minor, currency, description, "
    "return_url, customer_email, allowed_channels::text, form_token, status, payment_no, payment_status, "
    "decline_reason, expires_at, completed_at, created_at";

Session sessionFrom(const QSqlQuery &q)
{
    Session s;
    s.tokenHash = q.value(0).toString();
    s.merchantId = q.value(1).toString();
    s.merchantName = q.value(2).toString();
    s.environment = q.value(3).toString();
    s.orderNo = q.value(4).toString();
    s.amountMinor = q.value(5).toLongLong();
    s.currency = q.value(6).toString();
    s.description = q.value(7).toString();
    s.returnUrl = q.value(8).toString();
    s.customerEmail = q.value(9).toString();
    for (const QJsonValue &channel : QJsonDocument::fromJson(q.value(10).toByteArray()).array())
        s.allowedChannels.append(channel.toString());
    s.formToken = q.value(11).toString();
    s.status = q.value(12).toString();
    s.paymentNo = q.value(13).toString();
    s.paymentStatus = q.value(14).toString();
    s.declineReason = q.value(15).toString();
    s.expiresAt = q.value(16).toDateTime();
    s.completedAt = q.value(17).toDateTime();
    s.createdAt = q.value(18).toDateTime();
    return s;
}
} // namespace session_store

using namespace session_store;

QJsonObject Session::toJson() const
{
    const bool lapsed = isLapsed(QDateTime::currentDateTimeUtc());
    return {{QStringLiteral("status"), lapsed ? QStringLiteral("expired") : status},
            {QStringLiteral("merchant_id"), merchantId},
            {QStringLiteral("order_no"), orderNo},
            {QStringLiteral("amount_minor"), amountMinor},
            {QStringLiteral("currency"), currency},
            {QStringLiteral("description"), description},
            {QStringLiteral("return_url"), returnUrl},
            {QStringLiteral("customer_email"), platform::sql::jsonText(customerEmail)},
            {QStringLiteral("allowed_channels"), QJsonArray::fromStringList(allowedChannels)},
            {QStringLiteral("payment_no"), platform::sql::jsonText(paymentNo)},
            {QStringLiteral("payment_status"), platform::sql::jsonText(paymentStatus)},
            {QStringLiteral("decline_reason"), platform::sql::jsonText(declineReason)},
            {QStringLiteral("expires_at"), platform::sql::jsonTime(expiresAt)},
            {QStringLiteral("completed_at"), platform::sql::jsonTime(completedAt)},
            {QStringLiteral("created_at"), platform::sql::jsonTime(createdAt)}};
}

bool insertSession(QSqlDatabase &db, const Session &s, bool *duplicate, QString *error)
{
    QSqlQuery q(db);
    // The partial unique index allows one open session per order; a second is not inserted.
    if (!exec(
            q,
            QStringLiteral(
                "INSERT INTO cashier_sessions (token_hash, merchant_id, merchant_name, environment, "
                "order_no, amount_minor, currency, description, return_url, customer_email, "
                "allowed_channels, form_token, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) "
                "ON CONFLICT (merchant_id, order_no) WHERE status = 'open' DO NOTHING"),
            {s.tokenHash, s.merchantId, text(s.merchantName), text(s.environment), s.orderNo, s.amountMinor,
             s.currency, text(s.description), s.returnUrl, text(s.customerEmail),
             QString::fromUtf8(
                 QJsonDocument(QJsonArray::fromStringList(s.allowedChannels)).toJson(QJsonDocument::Compact)),
             s.formToken, s.expiresAt.toUTC()},
            error))
        return false;
    *duplicate = q.numRowsAffected() == 0;
    return true;
}

bool loadSession(QSqlDatabase &db, const QString &tokenHash, bool forUpdate, std::optional<Session> *session,
                 QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM cashier_sessions WHERE token_hash = ?%2")
                  .arg(QLatin1String(kColumns), forUpdate ? QStringLiteral(" FOR UPDATE") : QString()),
              {tokenHash}, error))
        return false;
    *session = q.next() ? std::optional<Session>(sessionFrom(q)) : std::nullopt;
    return true;
}

bool closeSession(QSqlDatabase &db, const Session &s, const QString &status, bool *moved, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("UPDATE cashier_sessions SET status = ?, payment_no = ?, payment_status = ?, "
                             "decline_reason = ?, completed_at = now(), updated_at = now() "
                             "WHERE token_hash = ? AND status = 'open'"),
              {status, platform::sql::nullableText(s.paymentNo), platform::sql::nullableText(s.paymentStatus),
               platform::sql::nullableText(s.declineReason), s.tokenHash},
              error))
        return false;
    *moved = q.numRowsAffected() == 1;
    return true;
}

QString stepName(Step step)
{
    switch (step) {
    case Step::PageView:
        return QStringLiteral("page_view");
    case Step::FormSubmit:
        return QStringLiteral("form_submit");
    case Step::PaymentSucceeded:
        return QStringLiteral("payment_succeeded");
    case Step::PaymentDeclined:
        return QStringLiteral("payment_declined");
    case Step::Expired:
        return QStringLiteral("expired");
    }
    return {};
}

bool recordEvent(QSqlDatabase &db, const Session &s, Step step, const QString &detail, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO cashier_events (token_hash, merchant_id, step, elapsed_ms, detail) "
                       "SELECT token_hash, merchant_id, ?, "
                       "(extract(epoch FROM now() - created_at) * 1000)::bigint, ? "
                       "FROM cashier_sessions WHERE token_hash = ?"),
        {stepName(step), text(detail.left(200)), s.tokenHash}, error);
}

bool expireLapsed(QSqlDatabase &db, int limit, int *count, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("WITH lapsed AS (SELECT token_hash FROM cashier_sessions WHERE status = 'open' "
                             "AND expires_at <= now() ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED), "
                             "moved AS (UPDATE cashier_sessions s SET status = 'expired', updated_at = now() "
                             "FROM lapsed WHERE s.token_hash = lapsed.token_hash "
                             "RETURNING s.token_hash, s.merchant_id, s.created_at) "
                             "INSERT INTO cashier_events (token_hash, merchant_id, step, elapsed_ms) "
                             "SELECT token_hash, merchant_id, 'expired', "
                             "(extract(epoch FROM now() - created_at) * 1000)::bigint FROM moved"),
              {limit}, error))
        return false;
    *count = q.numRowsAffected();
    return true;
}

bool funnel(QSqlDatabase &db, const QString &merchantId, const QDateTime &from, const QDateTime &to,
            qint64 *sessionsCreated, QList<FunnelStep> *steps, QString *error)
{
    const QVariantList window{text(merchantId), text(merchantId), from.toUTC(), to.toUTC()};
    QSqlQuery created(db);
    if (!exec(created,
              QStringLiteral("SELECT count(*) FROM cashier_sessions WHERE (? = '' OR merchant_id = ?) "
                             "AND created_at >= ? AND created_at < ?"),
              window, error) ||
        !created.next())
        return false;
    *sessionsCreated = created.value(0).toLongLong();
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT step, count(DISTINCT token_hash), count(*), avg(elapsed_ms)::bigint "
                             "FROM cashier_events WHERE (? = '' OR merchant_id = ?) AND created_at >= ? "
                             "AND created_at < ? GROUP BY step"),
              window, error))
        return false;
    QHash<QString, FunnelStep> found;
    while (q.next()) {
        FunnelStep step{q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                        std::nullopt};
        if (!q.value(3).isNull())
            step.avgElapsedMs = q.value(3).toLongLong();
        found.insert(step.step, step);
    }
    steps->clear();
    for (Step step :
         {Step::PageView, Step::FormSubmit, Step::PaymentSucceeded, Step::PaymentDeclined, Step::Expired})
        steps->append(found.value(stepName(step), FunnelStep{stepName(step), 0, 0, std::nullopt}));
    return true;
}

} // namespace paydesk::services::cashier::store
