#pragma once
// SQL for table api_keys (migrations/0001_api_keys.sql). Every function runs on the caller's
// connection and, where it matters, inside the caller's transaction. Times cross the boundary as
// epoch milliseconds so no driver time-zone conversion is involved.
// Threads: worker threads only (blocking QSqlQuery on the thread's own connection).

#include "services/merchant-auth-service/domain/ApiKey.h"

#include <QList>
#include <QSqlDatabase>

namespace paydesk::services::merchantauth::store {

enum class Lookup { Found, NotFound, Error };

bool insertKey(QSqlDatabase &db, const ApiKey &key, QString *error);

// `forUpdate` locks the row until the transaction ends.
Lookup findKey(QSqlDatabase &db, const QString &keyId, bool forUpdate, ApiKey *key, QString *error);

// One page of a merchant's keys, newest first.
bool listKeys(QSqlDatabase &db, const QString &merchantId, int limit, int offset, QList<ApiKey> *keys,
              qint64 *total, QString *error);

// Serialises key creation per merchant for the rest of the transaction, then counts the keys of
// `environment` that are neither revoked nor past their expiry or grace.
bool lockMerchantAndCountUsable(QSqlDatabase &db, const QString &merchantId, const QString &environment,
                                const QDateTime &now, qint64 *count, QString *error);

bool markRotated(QSqlDatabase &db, const QString &keyId, const QString &rotatedTo,
                 const QDateTime &graceUntil, QString *error);
bool markRevoked(QSqlDatabase &db, const QString &keyId, const QString &reason, const QDateTime &now,
                 QString *error);
bool setAllowlist(QSqlDatabase &db, const QString &keyId, const QStringList &allowlist, QString *error);

// Records a use, at most once a minute per key: every signed request would otherwise write (and
// lock) the same row, serialising a merchant's concurrent requests on it.
bool touchLastUsed(QSqlDatabase &db, const QString &keyId, const QDateTime &now, QString *error);

// merchant_standing (migrations/0002): the last status merchant-service announced.
bool setMerchantStanding(QSqlDatabase &db, const QString &merchantId, const QString &status, QString *error);
// Empty when the merchant was never announced.
bool merchantStanding(QSqlDatabase &db, const QString &merchantId, QString *status, QString *error);

} // namespace paydesk::services::merchantauth::store
