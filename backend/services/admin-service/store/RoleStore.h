#pragma once
// SQL for roles, their grants and the permission catalogue (caller's transaction).

#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QStringList>

namespace paydesk::services::admin::store {

struct RoleRecord
{
    QString id;
    QString name;
    QString displayName;
    QString description;
    bool isSystem = false;
    QStringList permissions; // grants, sorted
    qint64 adminCount = 0;
    QJsonObject toJson() const;
};

bool loadRole(QSqlDatabase &db, const QString &id, bool forUpdate, RoleRecord *role, bool *found,
              QString *error);
bool listRoles(QSqlDatabase &db, QList<RoleRecord> *roles, QString *error);
// *id stays empty when the name is taken.
bool insertRole(QSqlDatabase &db, const RoleRecord &role, QString *id, QString *error);
bool updateRole(QSqlDatabase &db, const RoleRecord &role, QString *error);
bool deleteRole(QSqlDatabase &db, const QString &id, QString *error);
bool setRolePermissions(QSqlDatabase &db, const QString &roleId, const QStringList &grants, QString *error);
// True in *result when one of the roles grants "*".
bool anyRoleGrantsAll(QSqlDatabase &db, const QStringList &roleIds, bool *result, QString *error);
bool listPermissions(QSqlDatabase &db, QJsonArray *permissions, QString *error);

} // namespace paydesk::services::admin::store
