#include "FirstAdmin.h"

#include "domain/PasswordPolicy.h"
#include "routes/RouteContext.h"

#include "platform/db/Database.h"
#include "platform/observe/JsonLog.h"
#include "platform/security/Crypto.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>

#include <cstdio>

namespace paydesk::services::admin {

namespace {
constexpr qint64 kFirstAdminLock = 727364101; // pg_advisory_xact_lock key
const QString kFirstUsername = QStringLiteral("admin");

bool writeSecretFile(const QString &path, const QByteArray &content, QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile::remove(path);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(content) != content.size() || !file.flush()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}
} // namespace

QString initialPasswordFile(const QString &dataDir)
{
    return dataDir + QStringLiteral("/secrets/initial-admin-password");
}

bool createSuperAdmin(QSqlDatabase &db, const RouteContext &context, const platform::HttpRequest &request,
                      const QString &username, const QString &passwordHash, bool mustChangePassword,
                      store::AdminRecord *admin, platform::HttpResponse *response, QString *why)
{
    QString id;
    QStringList roleIds, unknown;
    if (!store::insertAdmin(db, {username, {}, {}, passwordHash, false, mustChangePassword}, &id, why))
        return false;
    if (id.isEmpty())
        return true;
    bool found = false;
    if (!store::roleIdsByName(db, {QStringLiteral("super_admin")}, &roleIds, &unknown, why) ||
        !store::setAdminRoles(db, id, roleIds, why) ||
        !store::loadAdmin(db, QStringLiteral("id"), id, false, admin, &found, why))
        return false;
    return context.audit(
        db, request,
        {QStringLiteral("admin.create"), QStringLiteral("admin"), id, QJsonValue(), admin->toJson()},
        response, why);
}

bool ensureFirstAdmin(const RouteContext &context, QString *error)
{
    QSqlDatabase db = context.runtime.database().connection(error);
    if (!db.isOpen())
        return false;
    platform::Database::Use use(context.runtime.database());
    platform::HttpRequest request;
    request.method = "BOOTSTRAP";
    request.path = QStringLiteral("first-admin");
    request.inProcess = true;
    request.principal.kind = platform::Principal::Kind::Service;
    request.principal.id = context.serviceName();
    request.principal.name = context.serviceName();

    const QString password = PasswordPolicy::generate(20);
    const QString file = initialPasswordFile(context.runtime.environment().config.dataDir());
    bool created = false;
    const bool committed = platform::inTransaction(
        db,
        [&](QString *why) {
            QSqlQuery lock(db);
            lock.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(?)"));
            lock.addBindValue(kFirstAdminLock);
            qint64 count = 0;
            if (!lock.exec() || !store::countAdmins(db, &count, why))
                return false;
            if (count > 0)
                return true;
            store::AdminRecord admin;
            platform::HttpResponse response;
            const QString hash =
                platform::crypto::hashPassword(password, context.settings.passwordIterations);
            if (!createSuperAdmin(db, context, request, kFirstUsername, hash, true, &admin, &response, why))
                return false;
            // Written before the commit: an admin that exists always has its password on disk.
            if (admin.id.isEmpty())
                return true;
            created = writeSecretFile(file, password.toUtf8() + '\n', why);
            return created;
        },
        error);
    if (!committed) {
        if (created)
            QFile::remove(file);
        return false;
    }
    if (created) {
        context.runtime.kickOutbox();
        std::printf("First admin: %s / %s (also in %s; change it at first login)\n",
                    qPrintable(kFirstUsername), qPrintable(password), qPrintable(file));
        std::fflush(stdout);
        context.runtime.log().write(
            platform::LogLevel::Warn,
            QStringLiteral("created the first admin '%1'; its password is in %2").arg(kFirstUsername, file));
    }
    return true;
}

} // namespace paydesk::services::admin
