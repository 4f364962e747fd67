#include "services/risk-service/store/BlacklistStore.h"
#include "platform/db/SqlValues.h"

#include "platform/db/Sql.h"

#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::risk::store {

using platform::sql::exec;
using namespace platform::sql;

namespace blacklist_store {
const char *const kBlacklistColumns =
    "id, entity_type, entity_value, COALESCE(reason, ''), status, expires_at, COALESCE(added_by, ''), "
    "created_at, COALESCE(removed_by, ''), removed_at";
BlacklistEntry blacklistFrom(const QSqlQuery &q)
{
    BlacklistEntry e;
    e.id = q.value(0).toLongLong();
    e.entityType = q.value(1).toString();
    e.entityValue = q.value(2).toString();
    e.reason = q.value(3).toString();
    e.status = q.value(4).toString();
    e.expiresAt = q.value(5).toDateTime();
    e.addedBy = q.value(6).toString();
    e.createdAt = q.value(7).toDateTime();
    e.removedBy = q.value(8).toString();
    e.removedAt = q.value(9).toDateTime();
    return e;
}

} // namespace blacklist_store

using namespace blacklist_store;

QJsonObject BlacklistEntry::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("entity_type"), entityType},
            {QStringLiteral("entity_value"), entityValue},
            {QStringLiteral("reason"), reason.isEmpty() ? QJsonValue() : QJsonValue(reason)},
            {QStringLiteral("status"), status},
            {QStringLiteral("expires_at"), jsonTime(expiresAt)},
            {QStringLiteral("added_by"), addedBy.isEmpty() ? QJsonValue() : QJsonValue(addedBy)},
            {QStringLiteral("created_at"), jsonTime(createdAt)},
            {QStringLiteral("removed_by"), removedBy.isEmpty() ? QJsonValue() : QJsonValue(removedBy)},
            {QStringLiteral("removed_at"), jsonTime(removedAt)}};
}

bool findBlacklisted(QSqlDatabase &db, const QList<QPair<QString, QString>> &keys,
                     QList<BlacklistEntry> *hits, QString *error)
{
    hits->clear();
    if (keys.isEmpty())
        return true;
    QStringList pairs;
    QVariantList values;
    for (const auto &[type, value] : keys) {
        pairs.append(QStringLiteral("(entity_type = ? AND entity_value = ?)"));
        values << type << value;
    }
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM blacklist WHERE status = 'active' AND (expires_at IS NULL OR "
                             "expires_at > now()) AND (%2) ORDER BY id")
                  .arg(QLatin1String(kBlacklistColumns), pairs.join(QStringLiteral(" OR "))),
              values, error))
        return false;
    while (q.next())
        hits->append(blacklistFrom(q));
    return true;
}

bool insertBlacklist(QSqlDatabase &db, const BlacklistEntry &entry, qint64 *id, bool *conflict,
                     QString *error)
{
    QSqlQuery q(db);
    // An expired active row no longer blocks anything: retire it so that the value can be added again.
    if (!exec(q,
              QStringLiteral(
                  "UPDATE blacklist SET status = 'removed', removed_at = now(), removed_by = 'expiry' "
                  "WHERE entity_type = ? AND entity_value = ? AND status = 'active' AND expires_at "
                  "<= now()"),
              {entry.entityType, entry.entityValue}, error))
        return false;
    if (!exec(
            q,
            QStringLiteral("INSERT INTO blacklist (entity_type, entity_value, reason, expires_at, added_by) "
                           "VALUES (?, ?, ?, ?::timestamptz, ?) ON CONFLICT (entity_type, entity_value) "
                           "WHERE status = 'active' DO NOTHING RETURNING id"),
            {entry.entityType, entry.entityValue, nullableText(entry.reason), nullableTime(entry.expiresAt),
             nullableText(entry.addedBy)},
            error))
        return false;
    *conflict = !q.next();
    *id = *conflict ? 0 : q.value(0).toLongLong();
    return true;
}

bool loadBlacklist(QSqlDatabase &db, qint64 id, std::optional<BlacklistEntry> *entry, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM blacklist WHERE id = ?").arg(QLatin1String(kBlacklistColumns)),
              {id}, error))
        return false;
    *entry = q.next() ? std::optional<BlacklistEntry>(blacklistFrom(q)) : std::nullopt;
    return true;
}

bool removeBlacklist(QSqlDatabase &db, qint64 id, const QString &actor, bool *removed, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("UPDATE blacklist SET status = 'removed', removed_by = ?, removed_at = now() "
                             "WHERE id = ? AND status = 'active'"),
              {nullableText(actor), id}, error))
        return false;
    *removed = q.numRowsAffected() > 0;
    return true;
}

bool listBlacklist(QSqlDatabase &db, const BlacklistFilter &filter, QList<BlacklistEntry> *entries,
                   qint64 *total, QString *error)
{
    QVariantList values;
    const QString where = whereEquals(
        {{"entity_type", filter.entityType}, {"entity_value", filter.entityValue}, {"status", filter.status}},
        &values);
    QSqlQuery q(db);
    if (!exec(q, QStringLiteral("SELECT count(*) FROM blacklist ") + where, values, error))
        return false;
    *total = q.next() ? q.value(0).toLongLong() : 0;
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM blacklist %2 ORDER BY id DESC LIMIT ? OFFSET ?")
                  .arg(QLatin1String(kBlacklistColumns), where),
              values + QVariantList{filter.limit, filter.offset}, error))
        return false;
    entries->clear();
    while (q.next())
        entries->append(blacklistFrom(q));
    return true;
}

} // namespace paydesk::services::risk::store
