#include "AdminStore.h"

#include "../domain/PasswordPolicy.h"
#include "Sql.h"

#include "platform/security/Crypto.h"

#include <QJsonArray>
#include <QUuid>

namespace paydesk::services::admin::store {

namespace {
const QString kAdminColumns = QStringLiteral(
    "a.id, a.username, a.email, a.full_name, a.status, a.password_hash, a.password_changed_at, "
    "a.locked_until,"
    " a.first_failed_at, a.last_login_at, a.last_login_ip, a.created_at, a.updated_at, a.totp_secret,"
    " a.totp_pending_secret, a.totp_last_step, a.failed_attempts, a.must_change_password, a.is_super,"
    " a.totp_enabled, (SELECT string_agg(r.name, ',' ORDER BY r.name) FROM admin_roles ar"
    " JOIN roles r ON r.id = ar.role_id WHERE ar.admin_id = a.id)");

AdminRecord readAdmin(const QSqlQuery &q)
{
    AdminRecord a;
    a.id = q.value(0).toString();
    a.username = q.value(1).toString();
    a.email = q.value(2).toString();
    a.fullName = q.value(3).toString();
    a.status = q.value(4).toString();
    a.passwordHash = q.value(5).toString();
    a.passwordChangedAt = q.value(6).toDateTime();
    a.lockedUntil = q.value(7).toDateTime();
    a.firstFailedAt = q.value(8).toDateTime();
    a.lastLoginAt = q.value(9).toDateTime();
    a.lastLoginIp = q.value(10).toString();
    a.createdAt = q.value(11).toDateTime();
    a.updatedAt = q.value(12).toDateTime();
    a.totpSecret = q.value(13).toByteArray();
    a.totpPendingSecret = q.value(14).toByteArray();
    a.totpLastStep = q.value(15).toLongLong();
    a.failedAttempts = q.value(16).toInt();
    a.mustChangePassword = q.value(17).toBool();
    a.isSuper = q.value(18).toBool();
    a.totpEnabled = q.value(19).toBool();
    a.roles = q.value(20).toString().split(u',', Qt::SkipEmptyParts);
    return a;
}

QVariant nullableTime(const QDateTime &time)
{
    return time.isValid() ? QVariant(time) : QVariant(QMetaType::fromType<QDateTime>());
}
} // namespace

QJsonObject AdminRecord::toJson() const
{
    auto time = [](const QDateTime &t) {
        return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
    };
    return {{QStringLiteral("id"), id},
            {QStringLiteral("username"), username},
            {QStringLiteral("email"), email},
            {QStringLiteral("full_name"), fullName},
            {QStringLiteral("status"), status},
            {QStringLiteral("is_super"), isSuper},
            {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
            {QStringLiteral("totp_enabled"), totpEnabled},
            {QStringLiteral("must_change_password"), mustChangePassword},
            {QStringLiteral("password_changed_at"), time(passwordChangedAt)},
            {QStringLiteral("locked_until"), time(lockedUntil)},
            {QStringLiteral("last_login_at"), time(lastLoginAt)},
            {QStringLiteral("last_login_ip"), lastLoginIp.isEmpty() ? QJsonValue() : QJsonValue(lastLoginIp)},
            {QStringLiteral("created_at"), time(createdAt)},
            {QStringLiteral("updated_at"), time(updatedAt)}};
}

bool loadAdmin(QSqlDatabase &db, const QString &key, const QString &value, bool forUpdate, AdminRecord *admin,
               bool *found, QString *error)
{
    Q_ASSERT(key == QStringLiteral("id") || key == QStringLiteral("username"));
    *found = false;
    if (key == QStringLiteral("id") && QUuid::fromString(value).isNull())
        return true;
    QSqlQuery q(db);
    if (!sql::exec(q,
                   QStringLiteral("SELECT %1 FROM admins a WHERE a.%2 = ?%3")
                       .arg(kAdminColumns, key, forUpdate ? QStringLiteral(" FOR UPDATE OF a") : QString()),
                   {value}, error))
        return false;
    if (q.next()) {
        *admin = readAdmin(q);
        *found = true;
    }
    return true;
}

bool countAdmins(QSqlDatabase &db, qint64 *count, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q, QStringLiteral("SELECT count(*) FROM admins"), {}, error) || !q.next())
        return false;
    *count = q.value(0).toLongLong();
    return true;
}

bool insertAdmin(QSqlDatabase &db, const NewAdmin &admin, QString *id, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(
            q,
            QStringLiteral("INSERT INTO admins (username, email, full_name, password_hash, is_super,"
                           " must_change_password) VALUES (?, coalesce(?, ''), coalesce(?, ''), ?, ?, ?)"
                           " ON CONFLICT (username) DO NOTHING RETURNING id"),
            {admin.username, admin.email, admin.fullName, admin.passwordHash, admin.isSuper,
             admin.mustChangePassword},
            error))
        return false;
    id->clear();
    if (!q.next())
        return true;
    *id = q.value(0).toString();
    QSqlQuery history(db);
    return sql::exec(
        history, QStringLiteral("INSERT INTO password_history (admin_id, password_hash) VALUES (?::uuid, ?)"),
        {*id, admin.passwordHash}, error);
}

bool listAdmins(QSqlDatabase &db, const AdminFilter &filter, QList<AdminRecord> *admins, qint64 *total,
                QString *error)
{
    const QString where = QStringLiteral(" WHERE (?::text IS NULL OR a.status = ?) AND (?::text IS NULL OR "
                                         "a.username ILIKE ? OR a.email ILIKE ?"
                                         " OR a.full_name ILIKE ?)");
    const QVariant status =
        filter.status.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(filter.status);
    QString escaped = filter.search;
    escaped.replace(u'\\', QStringLiteral("\\\\"))
        .replace(u'%', QStringLiteral("\\%"))
        .replace(u'_', QStringLiteral("\\_"));
    const QVariant like =
        filter.search.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(u'%' + escaped + u'%');
    const QVariantList binds{status, status, like, like, like, like};
    QSqlQuery count(db);
    if (!sql::exec(count, QStringLiteral("SELECT count(*) FROM admins a") + where, binds, error) ||
        !count.next())
        return false;
    *total = count.value(0).toLongLong();
    QSqlQuery q(db);
    if (!sql::exec(q,
                   QStringLiteral("SELECT %1 FROM admins a%2 ORDER BY a.username LIMIT ? OFFSET ?")
                       .arg(kAdminColumns, where),
                   binds + QVariantList{filter.limit, filter.offset}, error))
        return false;
    while (q.next())
        admins->append(readAdmin(q));
    return true;
}

bool updateProfile(QSqlDatabase &db, const AdminRecord &admin, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(
        q,
        QStringLiteral("UPDATE admins SET email = coalesce(?, ''), full_name = coalesce(?, ''), status = ?, "
                       "is_super = ?, locked_until = ?,"
                       " failed_attempts = CASE WHEN ? = 'active' THEN 0 ELSE failed_attempts END,"
                       " updated_at = now() WHERE id = ?::uuid"),
        {admin.email, admin.fullName, admin.status, admin.isSuper, nullableTime(admin.lockedUntil),
         admin.status, admin.id},
        error);
}

bool recordLoginFailure(QSqlDatabase &db, const AdminRecord &admin, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(q,
                     QStringLiteral("UPDATE admins SET failed_attempts = ?, first_failed_at = ?, status = ?,"
                                    " locked_until = ? WHERE id = ?::uuid"),
                     {admin.failedAttempts, nullableTime(admin.firstFailedAt), admin.status,
                      nullableTime(admin.lockedUntil), admin.id},
                     error);
}

bool recordLoginSuccess(QSqlDatabase &db, const QString &adminId, const QString &ip, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(
        q,
        QStringLiteral("UPDATE admins SET failed_attempts = 0, first_failed_at = NULL, status = 'active',"
                       " locked_until = NULL, last_login_at = now(), last_login_ip = ? WHERE id = ?::uuid"),
        {ip, adminId}, error);
}

bool passwordReused(QSqlDatabase &db, const QString &adminId, const QString &password, bool *reused,
                    QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q,
                   QStringLiteral("SELECT password_hash FROM password_history WHERE admin_id = ?::uuid"
                                  " ORDER BY id DESC LIMIT ?"),
                   {adminId, PasswordPolicy::kHistoryDepth}, error))
        return false;
    *reused = false;
    while (q.next() && !*reused)
        *reused = platform::crypto::verifyPassword(password, q.value(0).toString());
    return true;
}

bool setPassword(QSqlDatabase &db, const QString &adminId, const QString &hash, bool mustChange,
                 QString *error)
{
    QSqlQuery q(db);
    QSqlQuery history(db);
    return sql::exec(q,
                     QStringLiteral("UPDATE admins SET password_hash = ?, password_changed_at = now(),"
                                    " must_change_password = ?, updated_at = now() WHERE id = ?::uuid"),
                     {hash, mustChange, adminId}, error) &&
           sql::exec(
               history,
               QStringLiteral("INSERT INTO password_history (admin_id, password_hash) VALUES (?::uuid, ?)"),
               {adminId, hash}, error);
}

bool setTotp(QSqlDatabase &db, const QString &adminId, const QByteArray &secret, const QByteArray &pending,
             bool enabled, QString *error)
{
    auto bytes = [](const QByteArray &b) {
        return b.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(b);
    };
    QSqlQuery q(db);
    return sql::exec(
        q,
        QStringLiteral("UPDATE admins SET totp_secret = ?, totp_pending_secret = ?, totp_enabled = ?,"
                       " updated_at = now() WHERE id = ?::uuid"),
        {bytes(secret), bytes(pending), enabled, adminId}, error);
}

bool setTotpLastStep(QSqlDatabase &db, const QString &adminId, qint64 step, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(q, QStringLiteral("UPDATE admins SET totp_last_step = ? WHERE id = ?::uuid"),
                     {step, adminId}, error);
}

bool roleIdsByName(QSqlDatabase &db, const QStringList &names, QStringList *ids, QStringList *unknown,
                   QString *error)
{
    for (const QString &name : names) {
        QSqlQuery q(db);
        if (!sql::exec(q, QStringLiteral("SELECT id FROM roles WHERE name = ?"), {name}, error))
            return false;
        if (q.next())
            ids->append(q.value(0).toString());
        else
            unknown->append(name);
    }
    return true;
}

bool setAdminRoles(QSqlDatabase &db, const QString &adminId, const QStringList &roleIds, QString *error)
{
    QSqlQuery clear(db);
    if (!sql::exec(clear, QStringLiteral("DELETE FROM admin_roles WHERE admin_id = ?::uuid"), {adminId},
                   error))
        return false;
    for (const QString &roleId : roleIds) {
        QSqlQuery q(db);
        if (!sql::exec(q,
                       QStringLiteral("INSERT INTO admin_roles (admin_id, role_id) VALUES (?::uuid, ?::uuid)"
                                      " ON CONFLICT DO NOTHING"),
                       {adminId, roleId}, error))
            return false;
    }
    QSqlQuery touch(db);
    return sql::exec(touch, QStringLiteral("UPDATE admins SET updated_at = now() WHERE id = ?::uuid"),
                     {adminId}, error);
}

bool grantsOf(QSqlDatabase &db, const QString &adminId, QStringList *grants, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q,
                   QStringLiteral(
                       "SELECT DISTINCT rp.permission FROM admin_roles ar"
                       " JOIN role_permissions rp ON rp.role_id = ar.role_id WHERE ar.admin_id = ?::uuid"),
                   {adminId}, error))
        return false;
    while (q.next())
        grants->append(q.value(0).toString());
    return true;
}

bool knownPermissionCodes(QSqlDatabase &db, QStringList *codes, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q, QStringLiteral("SELECT code FROM permissions ORDER BY code"), {}, error))
        return false;
    while (q.next())
        codes->append(q.value(0).toString());
    return true;
}

} // namespace paydesk::services::admin::store
