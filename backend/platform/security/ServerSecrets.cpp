#include "platform/security/ServerSecrets.h"

#include "platform/security/Crypto.h"

#include <QDir>
#include <QFile>

namespace paydesk::platform {

namespace {
constexpr int kKeyBytes = 32;

bool loadKey(const QString &path, QByteArray *key, QString *error)
{
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
        *key = QByteArray::fromHex(file.readAll().trimmed());
        if (key->size() != kKeyBytes) {
            *error = QStringLiteral("%1 does not hold a %2-byte hex key; restore it from backup")
                         .arg(path)
                         .arg(kKeyBytes);
            return false;
        }
        return true;
    }
    *key = crypto::randomBytes(kKeyBytes);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(key->toHex() + '\n') < 0) {
        *error = QStringLiteral("cannot create %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}
} // namespace

bool ServerSecrets::loadOrCreate(const QString &directory, ServerSecrets *secrets, QString *error)
{
    if (!QDir().mkpath(directory)) {
        *error = QStringLiteral("cannot create %1").arg(directory);
        return false;
    }
    QFile::setPermissions(directory,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return loadKey(directory + QStringLiteral("/jwt.key"), &secrets->jwtKey, error) &&
           loadKey(directory + QStringLiteral("/master.key"), &secrets->masterKey, error) &&
           loadKey(directory + QStringLiteral("/internal.key"), &secrets->internalKey, error);
}

QByteArray ServerSecrets::internalToken() const
{
    return crypto::hmacSha256(internalKey, "paydesk-internal-v1").toHex();
}

} // namespace paydesk::platform
