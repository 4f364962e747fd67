#pragma once
// Refresh tokens (table refresh_tokens), stored as SHA-256 hex of the token (caller's transaction).

#include <QDateTime>
#include <QSqlDatabase>

namespace paydesk::services::admin::store {

struct RefreshRecord
{
    QString id;
    QString adminId;
    QString familyId;
    QDateTime expiresAt;
    bool rotated = false;
    bool revoked = false;
};

bool insertRefreshToken(QSqlDatabase &db, const QString &adminId, const QString &familyId,
                        const QString &tokenHash, qint64 ttlSeconds, QString *error);
bool loadRefreshToken(QSqlDatabase &db, const QString &tokenHash, RefreshRecord *token, bool *found,
                      QString *error);
bool markRotated(QSqlDatabase &db, const QString &id, QString *error);
bool revokeFamily(QSqlDatabase &db, const QString &familyId, QString *error);
bool revokeAllOf(QSqlDatabase &db, const QString &adminId, QString *error);

} // namespace paydesk::services::admin::store
