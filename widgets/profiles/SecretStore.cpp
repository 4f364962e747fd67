#include "profiles/SecretStore.h"

#include <QPromise>

#include <qt6keychain/keychain.h>

#include <memory>

namespace paydesk::console {

namespace {
QFuture<SecretResult> ready(SecretResult result)
{
    QPromise<SecretResult> promise;
    promise.start();
    promise.addResult(std::move(result));
    promise.finish();
    return promise.future();
}

// Runs a qtkeychain job and completes the future when it finishes (the job deletes itself).
QFuture<SecretResult> runJob(QKeychain::Job *job, bool isRead, bool isDelete)
{
    auto promise = std::make_shared<QPromise<SecretResult>>();
    promise->start();
    job->setAutoDelete(true);
    QObject::connect(job, &QKeychain::Job::finished, job, [promise, isRead, isDelete](QKeychain::Job *done) {
        SecretResult result;
        if (done->error() == QKeychain::NoError) {
            result.ok = true;
            if (isRead)
                result.value = static_cast<QKeychain::ReadPasswordJob *>(done)->textData();
        } else if (done->error() == QKeychain::EntryNotFound && (isRead || isDelete)) {
            result.ok = true; // absent: nothing to read or delete
        } else {
            result.error = done->errorString();
        }
        promise->addResult(result);
        promise->finish();
    });
    job->start();
    return promise->future();
}
} // namespace

QFuture<SecretResult> InMemorySecretStore::read(const QString &key)
{
    SecretResult result{true, {}, {}};
    if (m_values.contains(key))
        result.value = m_values.value(key);
    return ready(result);
}

QFuture<SecretResult> InMemorySecretStore::write(const QString &key, const QString &value)
{
    m_values.insert(key, value);
    return ready({true, {}, {}});
}

QFuture<SecretResult> InMemorySecretStore::remove(const QString &key)
{
    m_values.remove(key);
    return ready({true, {}, {}});
}

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent), m_service(std::move(service))
{
}

QFuture<SecretResult> KeychainSecretStore::read(const QString &key)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(key);
    return runJob(job, true, false);
}

QFuture<SecretResult> KeychainSecretStore::write(const QString &key, const QString &value)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(key);
    job->setTextData(value);
    return runJob(job, false, false);
}

QFuture<SecretResult> KeychainSecretStore::remove(const QString &key)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(key);
    return runJob(job, false, true);
}

QString refreshTokenKey(const QString &profile)
{
    return QStringLiteral("profile/%1/refresh_token").arg(profile);
}

QString passwordKey(const QString &profile)
{
    return QStringLiteral("profile/%1/password").arg(profile);
}

} // namespace paydesk::console
