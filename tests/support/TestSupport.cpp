#include "support/TestSupport.h"

#include "platform/security/Jwt.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QLockFile>
#include <QMessageAuthenticationCode>
#include <QMutex>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QUuid>

#include <memory>
#include <vector>

namespace paydesk::testing {

quint16 freePort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

quint16 freeBasePort()
{
    // Ports in use by PayDesk relative to the base: services 1..22, Redis 379, PostgreSQL 432.
    static const int kOffsets[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 20, 21, 22, 379, 432};
    for (int attempt = 0; attempt < 200; ++attempt) {
        // Below the kernel's ephemeral range (32768+ on Linux), so no outgoing connection of a
        // parallel test can take a port between the probe and the server's listen().
        const auto base =
            static_cast<quint16>(10000 + QRandomGenerator::global()->bounded(22000) / 500 * 500);
        // Reserve the slot across the test programs ctest runs in parallel: a probe alone cannot
        // stop two tests from choosing the same free base before either server listens. The lock
        // is held until this process exits (a dead holder's lock is stale and taken over).
        auto reservation = std::make_unique<QLockFile>(
            QStringLiteral("%1/paydesk-test-base-%2.lock").arg(QDir::tempPath()).arg(base));
        reservation->setStaleLockTime(0);
        if (!reservation->tryLock(0))
            continue;
        bool free = true;
        for (int offset : kOffsets) {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, static_cast<quint16>(base + offset))) {
                free = false;
                break;
            }
        }
        if (free) {
            static QMutex mutex;
            static std::vector<std::unique_ptr<QLockFile>> held;
            QMutexLocker lock(&mutex);
            held.push_back(std::move(reservation));
            return base;
        }
    }
    return 0;
}

QByteArray adminToken(const QString &dataDir, const QStringList &permissions, int ttlSeconds)
{
    QFile file(dataDir + QStringLiteral("/secrets/jwt.key"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray key = QByteArray::fromHex(file.readAll().trimmed());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return platform::jwt::sign({{"sub", "00000000-0000-0000-0000-00000000a001"},
                                {"username", "tester"},
                                {"typ", "access"},
                                {"permissions", QJsonArray::fromStringList(permissions)},
                                {"iat", now},
                                {"exp", now + ttlSeconds}},
                               key);
}

} // namespace paydesk::testing

namespace paydesk::testing {

QHash<QByteArray, QByteArray> signedHeaders(const QByteArray &apiKey, const QByteArray &secret,
                                            const QByteArray &method, const QByteArray &pathAndQuery,
                                            const QByteArray &body, bool v2)
{
    const QByteArray timestamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toLatin1();
    const QByteArray nonce = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    const QByteArray path =
        pathAndQuery.left(pathAndQuery.indexOf('?') < 0 ? pathAndQuery.size() : pathAndQuery.indexOf('?'));
    const QByteArray canonical = v2 ? method + path + timestamp + nonce + body : timestamp + nonce + body;
    QHash<QByteArray, QByteArray> headers{
        {"X-API-Key", apiKey},
        {"X-Timestamp", timestamp},
        {"X-Nonce", nonce},
        {"X-Signature",
         QMessageAuthenticationCode::hash(canonical, secret, QCryptographicHash::Sha256).toHex()}};
    if (v2)
        headers.insert("X-Signature-Version", "v2");
    return headers;
}

} // namespace paydesk::testing
