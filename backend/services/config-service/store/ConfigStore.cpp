#include "services/config-service/store/ConfigStore.h"

#include "platform/db/Sql.h"
#include "platform/security/Crypto.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::config::store {

namespace config_store {
const char *const kVersionColumns =
    "key, version, value::text, value_sealed, is_secret, description, change_type, COALESCE(rollback_of, 0), "
    "created_at, created_by";

bool readVersion(const QSqlQuery &q, const QByteArray &masterKey, ConfigVersion *v, QString *error)
{
    v->key = q.value(0).toString();
    v->version = q.value(1).toInt();
    v->isSecret = q.value(4).toBool();
    v->description = q.value(5).toString();
    v->changeType = q.value(6).toString();
    v->rollbackOf = q.value(7).toInt();
    v->createdAt = q.value(8).toDateTime().toUTC();
    v->createdBy = q.value(9).toString();
    QByteArray text = q.value(2).toByteArray();
    if (v->isSecret && !platform::crypto::decrypt(masterKey, q.value(3).toByteArray(), &text)) {
        *error =
            QStringLiteral("config %1 version %2 cannot be decrypted with this installation's master key")
                .arg(v->key)
                .arg(v->version);
        return false;
    }
    if (!valueFromJson(text, &v->value)) {
        *error = QStringLiteral("config %1 version %2 holds invalid JSON").arg(v->key).arg(v->version);
        return false;
    }
    return true;
}

bool readVersions(QSqlQuery &q, const QByteArray &masterKey, QList<ConfigVersion> *out, QString *error)
{
    out->clear();
    while (q.next()) {
        ConfigVersion v;
        if (!readVersion(q, masterKey, &v, error))
            return false;
        out->append(v);
    }
    return true;
}

QStringList stringList(const QVariant &jsonText)
{
    QStringList result;
    for (const QJsonValue &v : QJsonDocument::fromJson(jsonText.toByteArray()).array())
        result.append(v.toString());
    return result;
}
} // namespace config_store

QJsonObject ConfigVersion::toJson(bool masked) const
{
    const bool hide = masked && isSecret;
    return {{QStringLiteral("key"), key},
            {QStringLiteral("version"), version},
            {QStringLiteral("value"), hide ? QJsonValue(QStringLiteral("******")) : value},
            {QStringLiteral("masked"), hide},
            {QStringLiteral("is_secret"), isSecret},
            {QStringLiteral("description"), description},
            {QStringLiteral("change_type"), changeType},
            {QStringLiteral("rollback_of"), rollbackOf > 0 ? QJsonValue(rollbackOf) : QJsonValue()},
            {QStringLiteral("created_at"), createdAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("created_by"), createdBy}};
}

bool lockKey(QSqlDatabase &db, const QString &key, int *currentVersion, QString *error)
{
    QSqlQuery create(db);
    create.prepare(QStringLiteral(
        "INSERT INTO config_keys (key, current_version) VALUES (?, 0) ON CONFLICT DO NOTHING"));
    if (!platform::sql::exec(create, {key}, error))
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT current_version FROM config_keys WHERE key = ? FOR UPDATE"));
    if (!platform::sql::exec(q, {key}, error))
        return false;
    if (!q.next()) {
        *error = QStringLiteral("config key %1 vanished while locked").arg(key);
        return false;
    }
    *currentVersion = q.value(0).toInt();
    return true;
}

bool insertVersion(QSqlDatabase &db, const QByteArray &masterKey, const ConfigVersion &v, QString *error)
{
    const QByteArray text = valueToJson(v.value);
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO config_versions (key, version, value, value_sealed, is_secret, description, "
        "change_type, "
        "rollback_of, created_by) VALUES (?, ?, ?::jsonb, ?, ?, COALESCE(?, ''), ?, ?, COALESCE(?, ''))"));
    const QVariant nullText(QMetaType(QMetaType::QString));
    const QVariant nullBytes(QMetaType(QMetaType::QByteArray));
    const QVariant nullInt(QMetaType(QMetaType::Int));
    if (!platform::sql::exec(q,
                             {v.key, v.version, v.isSecret ? nullText : QVariant(QString::fromUtf8(text)),
                              v.isSecret ? QVariant(platform::crypto::encrypt(masterKey, text)) : nullBytes,
                              v.isSecret, v.description, v.changeType,
                              v.rollbackOf > 0 ? QVariant(v.rollbackOf) : nullInt, v.createdBy},
                             error))
        return false;
    QSqlQuery current(db);
    current.prepare(
        QStringLiteral("UPDATE config_keys SET current_version = ?, updated_at = now() WHERE key = ?"));
    return platform::sql::exec(current, {v.version, v.key}, error);
}

bool loadVersion(QSqlDatabase &db, const QByteArray &masterKey, const QString &key, int version,
                 std::optional<ConfigVersion> *out, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT ") + QLatin1String(config_store::kVersionColumns) +
              QStringLiteral(" FROM config_versions WHERE key = ? AND version = CASE WHEN ? > 0 THEN ? ELSE "
                             "(SELECT current_version FROM config_keys WHERE key = ?) END"));
    if (!platform::sql::exec(q, {key, version, version, key}, error))
        return false;
    out->reset();
    if (!q.next())
        return true;
    ConfigVersion v;
    if (!config_store::readVersion(q, masterKey, &v, error))
        return false;
    *out = v;
    return true;
}

bool history(QSqlDatabase &db, const QByteArray &masterKey, const QString &key, QList<ConfigVersion> *out,
             QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT ") + QLatin1String(config_store::kVersionColumns) +
              QStringLiteral(" FROM config_versions WHERE key = ? ORDER BY version DESC LIMIT 1000"));
    if (!platform::sql::exec(q, {key}, error))
        return false;
    return config_store::readVersions(q, masterKey, out, error);
}

bool listCurrent(QSqlDatabase &db, const QByteArray &masterKey, const QString &prefix, int offset, int limit,
                 QList<ConfigVersion> *out, qint64 *total, QString *error)
{
    // starts_with() needs no LIKE escaping of '_' and '%'.
    QSqlQuery count(db);
    count.prepare(
        QStringLiteral("SELECT count(*) FROM config_keys WHERE current_version > 0 AND starts_with(key, ?)"));
    if (!platform::sql::exec(count, {prefix}, error) || !count.next())
        return false;
    *total = count.value(0).toLongLong();
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT ") + QLatin1String(config_store::kVersionColumns) +
        QStringLiteral(
            " FROM config_versions v WHERE (key, version) IN (SELECT key, current_version FROM "
            "config_keys WHERE current_version > 0 AND starts_with(key, ?)) ORDER BY key OFFSET ? LIMIT ?"));
    if (!platform::sql::exec(q, {prefix, offset, limit}, error))
        return false;
    return config_store::readVersions(q, masterKey, out, error);
}

bool loadFlag(QSqlDatabase &db, const QString &name, std::optional<FeatureFlag> *flag, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT enabled, rollout_percent, allow_merchants::text, deny_merchants::text "
                             "FROM feature_flags WHERE name = ?"));
    if (!platform::sql::exec(q, {name}, error))
        return false;
    flag->reset();
    if (q.next())
        *flag = FeatureFlag{name, q.value(0).toBool(), q.value(1).toInt(),
                            config_store::stringList(q.value(2)), config_store::stringList(q.value(3))};
    return true;
}

bool saveFlag(QSqlDatabase &db, const FeatureFlag &flag, const QString &actor, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO feature_flags (name, enabled, rollout_percent, allow_merchants, deny_merchants, "
        "updated_by) "
        "VALUES (?, ?, ?, ?::jsonb, ?::jsonb, COALESCE(?, '')) ON CONFLICT (name) DO UPDATE SET enabled = "
        "EXCLUDED.enabled, "
        "rollout_percent = EXCLUDED.rollout_percent, allow_merchants = EXCLUDED.allow_merchants, "
        "deny_merchants = EXCLUDED.deny_merchants, updated_by = EXCLUDED.updated_by, updated_at = now()"));
    const auto json = [](const QStringList &list) {
        return QString::fromUtf8(
            QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
    };
    return platform::sql::exec(q,
                               {flag.name, flag.enabled, flag.rolloutPercent, json(flag.allowMerchants),
                                json(flag.denyMerchants), actor},
                               error);
}

bool listFlags(QSqlDatabase &db, QList<FeatureFlag> *flags, QString *error)
{
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT name, enabled, rollout_percent, allow_merchants::text, deny_merchants::text "
                       "FROM feature_flags ORDER BY name LIMIT 1000"));
    if (!platform::sql::exec(q, {}, error))
        return false;
    flags->clear();
    while (q.next())
        flags->append({q.value(0).toString(), q.value(1).toBool(), q.value(2).toInt(),
                       config_store::stringList(q.value(3)), config_store::stringList(q.value(4))});
    return true;
}

QJsonObject Registration::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("url"), url},
            {QStringLiteral("version"), version},
            {QStringLiteral("port"), port},
            {QStringLiteral("registered_at"), registeredAt.toString(Qt::ISODateWithMs)},
            {QStringLiteral("last_seen"), lastSeen.toString(Qt::ISODateWithMs)}};
}

bool registerService(QSqlDatabase &db, const Registration &r, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO service_registry (name, url, version, port) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO "
        "UPDATE "
        "SET url = EXCLUDED.url, version = EXCLUDED.version, port = EXCLUDED.port, last_seen = now()"));
    return platform::sql::exec(q, {r.name, r.url, r.version, r.port}, error);
}

bool listRegistrations(QSqlDatabase &db, QList<Registration> *out, QString *error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT name, url, version, port, registered_at, last_seen FROM "
                             "service_registry ORDER BY name LIMIT 1000"));
    if (!platform::sql::exec(q, {}, error))
        return false;
    out->clear();
    while (q.next())
        out->append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toInt(),
                     q.value(4).toDateTime().toUTC(), q.value(5).toDateTime().toUTC()});
    return true;
}

} // namespace paydesk::services::config::store
