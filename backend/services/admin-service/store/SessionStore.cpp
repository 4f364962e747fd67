#include "SessionStore.h"

#include "Sql.h"

namespace paydesk::services::admin::store {

bool insertRefreshToken(QSqlDatabase &db, const QString &adminId, const QString &familyId,
                        const QString &tokenHash, qint64 ttlSeconds, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(q,
                     QStringLiteral("INSERT INTO refresh_tokens (admin_id, family_id, token_hash, expires_at)"
                                    " VALUES (?::uuid, ?::uuid, ?, now() + make_interval(secs => ?))"),
                     {adminId, familyId, tokenHash, ttlSeconds}, error);
}

bool loadRefreshToken(QSqlDatabase &db, const QString &tokenHash, RefreshRecord *token, bool *found,
                      QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(
            q,
            QStringLiteral("SELECT id, admin_id, family_id, expires_at, rotated_at IS NOT NULL,"
                           " revoked_at IS NOT NULL FROM refresh_tokens WHERE token_hash = ? FOR UPDATE"),
            {tokenHash}, error))
        return false;
    *found = q.next();
    if (*found) {
        token->id = q.value(0).toString();
        token->adminId = q.value(1).toString();
        token->familyId = q.value(2).toString();
        token->expiresAt = q.value(3).toDateTime();
        token->rotated = q.value(4).toBool();
        token->revoked = q.value(5).toBool();
    }
    return true;
}

bool markRotated(QSqlDatabase &db, const QString &id, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(q, QStringLiteral("UPDATE refresh_tokens SET rotated_at = now() WHERE id = ?::uuid"),
                     {id}, error);
}

bool revokeFamily(QSqlDatabase &db, const QString &familyId, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(q,
                     QStringLiteral("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = ?::uuid"
                                    " AND revoked_at IS NULL"),
                     {familyId}, error);
}

bool revokeAllOf(QSqlDatabase &db, const QString &adminId, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(q,
                     QStringLiteral("UPDATE refresh_tokens SET revoked_at = now() WHERE admin_id = ?::uuid"
                                    " AND revoked_at IS NULL"),
                     {adminId}, error);
}

} // namespace paydesk::services::admin::store
