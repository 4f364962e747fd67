#pragma once
// Keys one installation generates once and keeps in <data>/secrets (mode 0600, folder 0700):
// the JWT signing key, the master key that encrypts stored secrets (API key secrets, encrypted
// config values), and the key behind the internal service token. Several processes of one
// cluster share them by sharing that folder (or the files, mounted as Kubernetes secrets).

#include <QByteArray>
#include <QString>

namespace paydesk::platform {

struct ServerSecrets
{
    QByteArray jwtKey;      // 32 bytes
    QByteArray masterKey;   // 32 bytes, AES-256-GCM
    QByteArray internalKey; // 32 bytes

    // Loads the keys from `directory`, creating missing ones. False with *error on I/O problems
    // or a key file of the wrong size (a truncated key must not silently become a new key).
    static bool loadOrCreate(const QString &directory, ServerSecrets *secrets, QString *error);

    // Value of X-PayDesk-Internal-Token: proves a caller holds this installation's secrets.
    QByteArray internalToken() const;
};

} // namespace paydesk::platform
