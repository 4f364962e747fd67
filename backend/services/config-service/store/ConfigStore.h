#pragma once
// SQL for payment_config (migrations/0001_config.sql). Functions run on the caller's connection
// (inside its transaction when it has one) and return false with *error on a database error.
// Secret values are sealed here with the master key, so no plaintext secret reaches a SQL statement.

#include "services/config-service/domain/ConfigRules.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSqlDatabase>

#include <optional>

namespace paydesk::services::config::store {

struct ConfigVersion
{
    QString key;
    int version = 0;
    QJsonValue value; // decrypted
    bool isSecret = false;
    QString description;
    QString changeType; // set | rollback
    int rollbackOf = 0;
    QDateTime createdAt;
    QString createdBy;
    // `masked` replaces a secret value with "******".
    QJsonObject toJson(bool masked) const;
};

// Locks the key's row (creating a version-0 row for a new key) and returns its current version,
// 0 when the key has none yet. Concurrent writers of one key queue here.
bool lockKey(QSqlDatabase &db, const QString &key, int *currentVersion, QString *error);
// Writes version `v.version` and makes it current (the key must be locked by lockKey).
bool insertVersion(QSqlDatabase &db, const QByteArray &masterKey, const ConfigVersion &v, QString *error);
// version 0 = current. Empty optional when absent.
bool loadVersion(QSqlDatabase &db, const QByteArray &masterKey, const QString &key, int version,
                 std::optional<ConfigVersion> *out, QString *error);
bool history(QSqlDatabase &db, const QByteArray &masterKey, const QString &key, QList<ConfigVersion> *out,
             QString *error);
// Current versions of keys starting with `prefix`, by key.
bool listCurrent(QSqlDatabase &db, const QByteArray &masterKey, const QString &prefix, int offset, int limit,
                 QList<ConfigVersion> *out, qint64 *total, QString *error);

bool loadFlag(QSqlDatabase &db, const QString &name, std::optional<FeatureFlag> *flag, QString *error);
bool saveFlag(QSqlDatabase &db, const FeatureFlag &flag, const QString &actor, QString *error);
bool listFlags(QSqlDatabase &db, QList<FeatureFlag> *flags, QString *error);

struct Registration
{
    QString name;
    QString url;
    QString version;
    int port = 0;
    QDateTime registeredAt;
    QDateTime lastSeen;
    QJsonObject toJson() const;
};
bool registerService(QSqlDatabase &db, const Registration &registration, QString *error);
bool listRegistrations(QSqlDatabase &db, QList<Registration> *out, QString *error);

} // namespace paydesk::services::config::store
