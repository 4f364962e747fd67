#pragma once
// SQL for admins, their password history and their roles. Every function runs on the caller's
// connection inside the caller's transaction; false means a database error in *error.

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QStringList>

namespace paydesk::services::admin::store {

struct AdminRecord
{
    QString id;
    QString username;
    QString email;
    QString fullName;
    QString status; // active | disabled | locked
    QString passwordHash;
    QDateTime passwordChangedAt;
    QDateTime lockedUntil;
    QDateTime firstFailedAt;
    QDateTime lastLoginAt;
    QString lastLoginIp;
    QDateTime createdAt;
    QDateTime updatedAt;
    QByteArray totpSecret;        // sealed
    QByteArray totpPendingSecret; // sealed
    qint64 totpLastStep = 0;
    int failedAttempts = 0;
    bool mustChangePassword = false;
    bool isSuper = false;
    bool totpEnabled = false;
    QStringList roles; // role names, sorted

    // The public view: never hashes or secrets.
    QJsonObject toJson() const;
};

struct NewAdmin
{
    QString username;
    QString email;
    QString fullName;
    QString passwordHash;
    bool isSuper = false;
    bool mustChangePassword = false;
};

// `key` is "id" or "username". *found is false when no row matches (or the id is not a uuid).
bool loadAdmin(QSqlDatabase &db, const QString &key, const QString &value, bool forUpdate, AdminRecord *admin,
               bool *found, QString *error);
bool countAdmins(QSqlDatabase &db, qint64 *count, QString *error);
// Inserts the admin and its first password_history row. *id stays empty when the username is taken.
bool insertAdmin(QSqlDatabase &db, const NewAdmin &admin, QString *id, QString *error);

struct AdminFilter
{
    QString status;
    QString search; // substring of username, email or full name
    int limit = 20;
    int offset = 0;
};
bool listAdmins(QSqlDatabase &db, const AdminFilter &filter, QList<AdminRecord> *admins, qint64 *total,
                QString *error);

// Applies the profile fields of `admin` (email, full_name, status, is_super, locked_until).
bool updateProfile(QSqlDatabase &db, const AdminRecord &admin, QString *error);
// Failed-login bookkeeping and the lockout (status/locked_until) in one statement.
bool recordLoginFailure(QSqlDatabase &db, const AdminRecord &admin, QString *error);
bool recordLoginSuccess(QSqlDatabase &db, const QString &adminId, const QString &ip, QString *error);

// True in *reused when `password` matches one of the last PasswordPolicy::kHistoryDepth hashes.
bool passwordReused(QSqlDatabase &db, const QString &adminId, const QString &password, bool *reused,
                    QString *error);
bool setPassword(QSqlDatabase &db, const QString &adminId, const QString &hash, bool mustChange,
                 QString *error);

bool setTotp(QSqlDatabase &db, const QString &adminId, const QByteArray &secret, const QByteArray &pending,
             bool enabled, QString *error);
bool setTotpLastStep(QSqlDatabase &db, const QString &adminId, qint64 step, QString *error);

// Role ids by name; *unknown lists names that do not exist.
bool roleIdsByName(QSqlDatabase &db, const QStringList &names, QStringList *ids, QStringList *unknown,
                   QString *error);
bool setAdminRoles(QSqlDatabase &db, const QString &adminId, const QStringList &roleIds, QString *error);
// Every grant of every role of the admin.
bool grantsOf(QSqlDatabase &db, const QString &adminId, QStringList *grants, QString *error);
bool knownPermissionCodes(QSqlDatabase &db, QStringList *codes, QString *error);

} // namespace paydesk::services::admin::store
