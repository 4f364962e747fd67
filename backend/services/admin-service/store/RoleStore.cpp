#include "RoleStore.h"

#include "Sql.h"

#include <QUuid>

namespace paydesk::services::admin::store {

namespace {
const QString kRoleSelect = QStringLiteral(
    "SELECT r.id, r.name, r.display_name, r.description, r.is_system,"
    " (SELECT string_agg(permission, ',' ORDER BY permission) FROM role_permissions WHERE role_id = r.id),"
    " (SELECT count(*) FROM admin_roles WHERE role_id = r.id) FROM roles r");

RoleRecord readRole(const QSqlQuery &q)
{
    RoleRecord r;
    r.id = q.value(0).toString();
    r.name = q.value(1).toString();
    r.displayName = q.value(2).toString();
    r.description = q.value(3).toString();
    r.isSystem = q.value(4).toBool();
    r.permissions = q.value(5).toString().split(u',', Qt::SkipEmptyParts);
    r.adminCount = q.value(6).toLongLong();
    return r;
}
} // namespace

QJsonObject RoleRecord::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("display_name"), displayName},
            {QStringLiteral("description"), description},
            {QStringLiteral("is_system"), isSystem},
            {QStringLiteral("permissions"), QJsonArray::fromStringList(permissions)},
            {QStringLiteral("admin_count"), adminCount}};
}

bool loadRole(QSqlDatabase &db, const QString &id, bool forUpdate, RoleRecord *role, bool *found,
              QString *error)
{
    *found = false;
    if (QUuid::fromString(id).isNull())
        return true;
    QSqlQuery q(db);
    if (!sql::exec(q,
                   kRoleSelect + QStringLiteral(" WHERE r.id = ?::uuid") +
                       (forUpdate ? QStringLiteral(" FOR UPDATE OF r") : QString()),
                   {id}, error))
        return false;
    if (q.next()) {
        *role = readRole(q);
        *found = true;
    }
    return true;
}

bool listRoles(QSqlDatabase &db, QList<RoleRecord> *roles, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q, kRoleSelect + QStringLiteral(" ORDER BY r.is_system DESC, r.name"), {}, error))
        return false;
    while (q.next())
        roles->append(readRole(q));
    return true;
}

bool insertRole(QSqlDatabase &db, const RoleRecord &role, QString *id, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q,
                   QStringLiteral("INSERT INTO roles (name, display_name, description) VALUES (?, "
                                  "coalesce(?, ''), coalesce(?, ''))"
                                  " ON CONFLICT (name) DO NOTHING RETURNING id"),
                   {role.name, role.displayName, role.description}, error))
        return false;
    id->clear();
    if (q.next())
        *id = q.value(0).toString();
    return true;
}

bool updateRole(QSqlDatabase &db, const RoleRecord &role, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(q,
                     QStringLiteral("UPDATE roles SET display_name = coalesce(?, ''), description = "
                                    "coalesce(?, ''), updated_at = now() WHERE id = ?::uuid"),
                     {role.displayName, role.description, role.id}, error);
}

bool deleteRole(QSqlDatabase &db, const QString &id, QString *error)
{
    QSqlQuery q(db);
    return sql::exec(q, QStringLiteral("DELETE FROM roles WHERE id = ?::uuid AND NOT is_system"), {id},
                     error);
}

bool setRolePermissions(QSqlDatabase &db, const QString &roleId, const QStringList &grants, QString *error)
{
    QSqlQuery clear(db);
    if (!sql::exec(clear, QStringLiteral("DELETE FROM role_permissions WHERE role_id = ?::uuid"), {roleId},
                   error))
        return false;
    for (const QString &grant : grants) {
        QSqlQuery q(db);
        if (!sql::exec(q,
                       QStringLiteral("INSERT INTO role_permissions (role_id, permission) VALUES (?::uuid, ?)"
                                      " ON CONFLICT DO NOTHING"),
                       {roleId, grant}, error))
            return false;
    }
    QSqlQuery touch(db);
    return sql::exec(touch, QStringLiteral("UPDATE roles SET updated_at = now() WHERE id = ?::uuid"),
                     {roleId}, error);
}

bool anyRoleGrantsAll(QSqlDatabase &db, const QStringList &roleIds, bool *result, QString *error)
{
    *result = false;
    for (const QString &roleId : roleIds) {
        QSqlQuery q(db);
        if (!sql::exec(
                q,
                QStringLiteral("SELECT 1 FROM role_permissions WHERE role_id = ?::uuid AND permission = '*'"),
                {roleId}, error))
            return false;
        *result = *result || q.next();
    }
    return true;
}

bool listPermissions(QSqlDatabase &db, QJsonArray *permissions, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(
            q,
            QStringLiteral("SELECT code, name, resource, action FROM permissions ORDER BY resource, action"),
            {}, error))
        return false;
    while (q.next()) {
        permissions->append(QJsonObject{{QStringLiteral("code"), q.value(0).toString()},
                                        {QStringLiteral("name"), q.value(1).toString()},
                                        {QStringLiteral("resource"), q.value(2).toString()},
                                        {QStringLiteral("action"), q.value(3).toString()}});
    }
    return true;
}

} // namespace paydesk::services::admin::store
