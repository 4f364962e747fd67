#include "AuditStore.h"

#include "Sql.h"

namespace paydesk::services::admin::store {

namespace {
const QString kAuditSelect =
    QStringLiteral("SELECT id, event_id, service, actor_id, actor_name, action, resource, resource_id, "
                   "before::text, after::text,"
                   " method, path, ip, trace_id, occurred_at, recorded_at FROM audit_logs");

QJsonObject readAudit(const QSqlQuery &q)
{
    return {{QStringLiteral("id"), q.value(0).toLongLong()},
            {QStringLiteral("event_id"), q.value(1).toString()},
            {QStringLiteral("service"), q.value(2).toString()},
            {QStringLiteral("actor_id"), q.value(3).toString()},
            {QStringLiteral("actor_name"), q.value(4).toString()},
            {QStringLiteral("action"), q.value(5).toString()},
            {QStringLiteral("resource"), q.value(6).toString()},
            {QStringLiteral("resource_id"), q.value(7).toString()},
            {QStringLiteral("before"), sql::json(q.value(8))},
            {QStringLiteral("after"), sql::json(q.value(9))},
            {QStringLiteral("method"), q.value(10).toString()},
            {QStringLiteral("path"), q.value(11).toString()},
            {QStringLiteral("ip"), q.value(12).toString()},
            {QStringLiteral("trace_id"), q.value(13).toString()},
            {QStringLiteral("occurred_at"), sql::timestamp(q.value(14))},
            {QStringLiteral("recorded_at"), sql::timestamp(q.value(15))}};
}

QVariant orNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}
QVariant orNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toUTC()) : QVariant(QMetaType::fromType<QDateTime>());
}
} // namespace

bool insertAuditEvent(QSqlDatabase &db, const platform::Event &event, QString *error)
{
    const QJsonObject p = event.payload;
    const QDateTime occurred =
        QDateTime::fromString(p.value(QStringLiteral("occurred_at")).toString(), Qt::ISODateWithMs);
    QSqlQuery q(db);
    return sql::exec(
        q,
        QStringLiteral(
            "INSERT INTO audit_logs (event_id, service, actor_id, actor_name, action, resource, resource_id,"
            " before, after, method, path, ip, trace_id, occurred_at)"
            " VALUES (?::uuid, coalesce(?, ''), coalesce(?, ''), coalesce(?, ''), coalesce(?, ''), "
            "coalesce(?, ''),"
            " coalesce(?, ''), ?::jsonb, ?::jsonb, coalesce(?, ''), coalesce(?, ''), coalesce(?, ''),"
            " coalesce(?, ''), ?)"
            " ON CONFLICT (event_id) DO NOTHING"),
        {event.eventId.toString(QUuid::WithoutBraces),
         p.value(QStringLiteral("service")).toString(event.source),
         p.value(QStringLiteral("actor_id")).toString(), p.value(QStringLiteral("actor_name")).toString(),
         p.value(QStringLiteral("action")).toString(),
         p.value(QStringLiteral("resource")).toString(event.aggregateType),
         p.value(QStringLiteral("resource_id")).toString(event.aggregateId),
         sql::jsonParameter(p.value(QStringLiteral("before"))),
         sql::jsonParameter(p.value(QStringLiteral("after"))), p.value(QStringLiteral("method")).toString(),
         p.value(QStringLiteral("path")).toString(), p.value(QStringLiteral("ip")).toString(),
         p.value(QStringLiteral("trace_id")).toString(),
         occurred.isValid()
             ? occurred.toUTC()
             : (event.occurredAt.isValid() ? event.occurredAt : QDateTime::currentDateTimeUtc())},
        error);
}

bool listAudit(QSqlDatabase &db, const AuditFilter &filter, QJsonArray *rows, qint64 *total, QString *error)
{
    const QString where = QStringLiteral(
        " WHERE (?::text IS NULL OR actor_id = ? OR actor_name = ?) AND (?::text IS NULL OR resource = ?)"
        " AND (?::text IS NULL OR action = ?) AND (?::timestamptz IS NULL OR occurred_at >= ?)"
        " AND (?::timestamptz IS NULL OR occurred_at < ?)");
    const QVariant actor = orNull(filter.actor), resource = orNull(filter.resource),
                   action = orNull(filter.action);
    const QVariant from = orNull(filter.from), to = orNull(filter.to);
    const QVariantList binds{actor, actor, actor, resource, resource, action, action, from, from, to, to};
    QSqlQuery count(db);
    if (!sql::exec(count, QStringLiteral("SELECT count(*) FROM audit_logs") + where, binds, error) ||
        !count.next())
        return false;
    *total = count.value(0).toLongLong();
    QSqlQuery q(db);
    if (!sql::exec(
            q, kAuditSelect + where + QStringLiteral(" ORDER BY occurred_at DESC, id DESC LIMIT ? OFFSET ?"),
            binds + QVariantList{filter.limit, filter.offset}, error))
        return false;
    while (q.next())
        rows->append(readAudit(q));
    return true;
}

bool loadAudit(QSqlDatabase &db, qint64 id, QJsonObject *row, bool *found, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q, kAuditSelect + QStringLiteral(" WHERE id = ?"), {id}, error))
        return false;
    *found = q.next();
    if (*found)
        *row = readAudit(q);
    return true;
}

} // namespace paydesk::services::admin::store
