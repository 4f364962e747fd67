#include "services/merchant-auth-service/store/ApiKeyStore.h"

#include "platform/db/Sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::merchantauth::store {

namespace apikeystore {
const QString kColumns = QStringLiteral(
    "key_id, merchant_id::text, environment, status, label, ip_allowlist::text,"
    " (extract(epoch FROM created_at) * 1000)::bigint, (extract(epoch FROM expires_at) * 1000)::bigint,"
    " (extract(epoch FROM last_used_at) * 1000)::bigint, rotated_from, rotated_to,"
    " (extract(epoch FROM grace_until) * 1000)::bigint, (extract(epoch FROM revoked_at) * 1000)::bigint,"
    " revoked_reason, secret_sealed");

QVariant timeValue(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(text);
}

QDateTime timeFrom(const QVariant &value)
{
    return value.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

ApiKey keyFrom(const QSqlQuery &query)
{
    ApiKey key;
    key.keyId = query.value(0).toString();
    key.merchantId = query.value(1).toString();
    key.environment = query.value(2).toString();
    key.status = query.value(3).toString();
    key.label = query.value(4).toString();
    for (const QJsonValue &entry : QJsonDocument::fromJson(query.value(5).toByteArray()).array())
        key.ipAllowlist.append(entry.toString());
    key.createdAt = timeFrom(query.value(6));
    key.expiresAt = timeFrom(query.value(7));
    key.lastUsedAt = timeFrom(query.value(8));
    key.rotatedFrom = query.value(9).toString();
    key.rotatedTo = query.value(10).toString();
    key.graceUntil = timeFrom(query.value(11));
    key.revokedAt = timeFrom(query.value(12));
    key.revokedReason = query.value(13).toString();
    key.secretSealed = query.value(14).toByteArray();
    return key;
}

QString allowlistJson(const QStringList &allowlist)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(allowlist)).toJson(QJsonDocument::Compact));
}

bool exec(QSqlQuery &query, const char *what, QString *error)
{
    if (platform::sql::exec(query, error))
        return true;
    *error = QStringLiteral("%1: %2").arg(QString::fromLatin1(what), *error);
    return false;
}

// UPDATE … WHERE key_id = ?: one row must change.
bool execOne(QSqlQuery &query, const char *what, QString *error)
{
    if (!exec(query, what, error))
        return false;
    if (query.numRowsAffected() != 1) {
        *error = QStringLiteral("%1: key not found").arg(QString::fromLatin1(what));
        return false;
    }
    return true;
}
} // namespace apikeystore

using namespace apikeystore;

bool insertKey(QSqlDatabase &db, const ApiKey &key, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO api_keys (key_id, merchant_id, environment, status, "
                                 "secret_sealed, label, ip_allowlist, created_at,"
                                 " updated_at, expires_at, rotated_from)"
                                 " VALUES (?, ?::uuid, ?, 'active', ?, ?, ?::jsonb, to_timestamp(?::bigint / "
                                 "1000.0), to_timestamp(?::bigint / 1000.0),"
                                 " to_timestamp(?::bigint / 1000.0), ?)"));
    query.addBindValue(key.keyId);
    query.addBindValue(key.merchantId);
    query.addBindValue(key.environment);
    query.addBindValue(key.secretSealed);
    query.addBindValue(key.label.isEmpty() ? QStringLiteral("") : key.label); // a null QString binds NULL
    query.addBindValue(allowlistJson(key.ipAllowlist));
    query.addBindValue(key.createdAt.toMSecsSinceEpoch());
    query.addBindValue(key.createdAt.toMSecsSinceEpoch());
    query.addBindValue(timeValue(key.expiresAt));
    query.addBindValue(textOrNull(key.rotatedFrom));
    return exec(query, "insert api key", error);
}

Lookup findKey(QSqlDatabase &db, const QString &keyId, bool forUpdate, ApiKey *key, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM api_keys WHERE key_id = ?%2")
                      .arg(kColumns, forUpdate ? QStringLiteral(" FOR UPDATE") : QString()));
    query.addBindValue(keyId);
    if (!exec(query, "find api key", error))
        return Lookup::Error;
    if (!query.next())
        return Lookup::NotFound;
    *key = keyFrom(query);
    return Lookup::Found;
}

bool listKeys(QSqlDatabase &db, const QString &merchantId, int limit, int offset, QList<ApiKey> *keys,
              qint64 *total, QString *error)
{
    QSqlQuery count(db);
    count.prepare(QStringLiteral("SELECT count(*) FROM api_keys WHERE merchant_id = ?::uuid"));
    count.addBindValue(merchantId);
    if (!exec(count, "count api keys", error) || !count.next())
        return false;
    *total = count.value(0).toLongLong();

    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM api_keys WHERE merchant_id = ?::uuid"
                                 " ORDER BY created_at DESC, key_id LIMIT ? OFFSET ?")
                      .arg(kColumns));
    query.addBindValue(merchantId);
    query.addBindValue(limit);
    query.addBindValue(offset);
    if (!exec(query, "list api keys", error))
        return false;
    while (query.next())
        keys->append(keyFrom(query));
    return true;
}

bool lockMerchantAndCountUsable(QSqlDatabase &db, const QString &merchantId, const QString &environment,
                                const QDateTime &now, qint64 *count, QString *error)
{
    QSqlQuery lock(db);
    lock.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))"));
    lock.addBindValue(QStringLiteral("api_keys:") + merchantId);
    if (!exec(lock, "lock merchant keys", error))
        return false;
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "SELECT count(*) FROM api_keys WHERE merchant_id = ?::uuid AND environment = ? AND status = 'active'"
        " AND (expires_at IS NULL OR expires_at > to_timestamp(?::bigint / 1000.0))"
        " AND (grace_until IS NULL OR grace_until > to_timestamp(?::bigint / 1000.0))"));
    query.addBindValue(merchantId);
    query.addBindValue(environment);
    query.addBindValue(now.toMSecsSinceEpoch());
    query.addBindValue(now.toMSecsSinceEpoch());
    if (!exec(query, "count usable api keys", error) || !query.next())
        return false;
    *count = query.value(0).toLongLong();
    return true;
}

bool markRotated(QSqlDatabase &db, const QString &keyId, const QString &rotatedTo,
                 const QDateTime &graceUntil, QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("UPDATE api_keys SET rotated_to = ?, grace_until = to_timestamp(?::bigint / 1000.0),"
                       " updated_at = now() WHERE key_id = ?"));
    query.addBindValue(rotatedTo);
    query.addBindValue(graceUntil.toMSecsSinceEpoch());
    query.addBindValue(keyId);
    return execOne(query, "mark api key rotated", error);
}

bool markRevoked(QSqlDatabase &db, const QString &keyId, const QString &reason, const QDateTime &now,
                 QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "UPDATE api_keys SET status = 'revoked', revoked_at = to_timestamp(?::bigint / 1000.0),"
        " revoked_reason = ?, updated_at = now() WHERE key_id = ?"));
    query.addBindValue(now.toMSecsSinceEpoch());
    query.addBindValue(reason);
    query.addBindValue(keyId);
    return execOne(query, "revoke api key", error);
}

bool setAllowlist(QSqlDatabase &db, const QString &keyId, const QStringList &allowlist, QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("UPDATE api_keys SET ip_allowlist = ?::jsonb, updated_at = now() WHERE key_id = ?"));
    query.addBindValue(allowlistJson(allowlist));
    query.addBindValue(keyId);
    return execOne(query, "set api key ip allowlist", error);
}

bool touchLastUsed(QSqlDatabase &db, const QString &keyId, const QDateTime &now, QString *error)
{
    QSqlQuery query(db);
    query.prepare(
        QStringLiteral("UPDATE api_keys SET last_used_at = to_timestamp(?::bigint / 1000.0) WHERE key_id = ?"
                       " AND (last_used_at IS NULL OR last_used_at < to_timestamp(?::bigint / 1000.0) - "
                       "interval '1 minute')"));
    query.addBindValue(now.toMSecsSinceEpoch());
    query.addBindValue(keyId);
    query.addBindValue(now.toMSecsSinceEpoch());
    return exec(query, "touch api key", error);
}

bool setMerchantStanding(QSqlDatabase &db, const QString &merchantId, const QString &status, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral(
        "INSERT INTO merchant_standing (merchant_id, status) VALUES (?, ?)"
        " ON CONFLICT (merchant_id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()"));
    query.addBindValue(merchantId);
    query.addBindValue(status);
    return exec(query, "record merchant standing", error);
}

bool merchantStanding(QSqlDatabase &db, const QString &merchantId, QString *status, QString *error)
{
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT status FROM merchant_standing WHERE merchant_id = ?"));
    query.addBindValue(merchantId);
    if (!exec(query, "read merchant standing", error))
        return false;
    *status = query.next() ? query.value(0).toString() : QString();
    return true;
}

} // namespace paydesk::services::merchantauth::store
