// payment_tasks, the expiry scan and payment_callbacks.

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

bool appendTask(QSqlDatabase &db, const QString &paymentNo, const QString &kind, const QJsonObject &payload,
                qint64 *id, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("INSERT INTO payment_tasks (payment_no, kind, payload, next_attempt_at) VALUES "
                             "(?, ?, ?::jsonb, now() + interval '30 seconds') RETURNING id"),
              {paymentNo, kind, jsonbText(payload)}, error))
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

bool markTaskDone(QSqlDatabase &db, qint64 id, const QString &note, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("UPDATE payment_tasks SET done_at = now(), attempts = attempts + 1, "
                               "last_error = coalesce(?, last_error) WHERE id = ?"),
                {sql::nullableText(note.left(1000)), id}, error);
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
                {channel, sql::nullableText(verified.value(QStringLiteral("payment_no")).toString()),
                 sql::nullableText(verified.value(QStringLiteral("refund_no")).toString()),
                 sql::nullableText(verified.value(QStringLiteral("kind")).toString()),
                 sql::nullableText(verified.value(QStringLiteral("status")).toString()), applied, rawBody},
                error);
}

} // namespace paydesk::services::gateway::store
