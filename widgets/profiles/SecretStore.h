#pragma once
// Where the console keeps secrets of its connection profiles (refresh tokens, passwords): never in
// QSettings. KeychainSecretStore uses the desktop's Secret Service through qtkeychain;
// InMemorySecretStore serves unit tests and machines without a keyring.
// Thread: GUI thread; every call is asynchronous (the keyring answers over D-Bus).

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QString>

#include <optional>

namespace paydesk::console {

struct SecretResult
{
    bool ok = false;              // false: the store failed (error says why)
    std::optional<QString> value; // read: nullopt when there is no such secret
    QString error;
};

class SecretStore : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual QFuture<SecretResult> read(const QString &key) = 0;
    virtual QFuture<SecretResult> write(const QString &key, const QString &value) = 0;
    virtual QFuture<SecretResult> remove(const QString &key) = 0; // ok when it was absent
};

class InMemorySecretStore : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;
    QFuture<SecretResult> read(const QString &key) override;
    QFuture<SecretResult> write(const QString &key, const QString &value) override;
    QFuture<SecretResult> remove(const QString &key) override;

private:
    QHash<QString, QString> m_values;
};

class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    // `service` names the entries in the keyring (e.g. "PayDesk Console").
    explicit KeychainSecretStore(QString service, QObject *parent = nullptr);
    QFuture<SecretResult> read(const QString &key) override;
    QFuture<SecretResult> write(const QString &key, const QString &value) override;
    QFuture<SecretResult> remove(const QString &key) override;

private:
    QString m_service;
};

// Keys of a profile's secrets.
QString refreshTokenKey(const QString &profile);
QString passwordKey(const QString &profile);

} // namespace paydesk::console
