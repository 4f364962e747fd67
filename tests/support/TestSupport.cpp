#include "support/TestSupport.h"

#include "platform/security/Jwt.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTcpServer>

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
        bool free = true;
        for (int offset : kOffsets) {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, static_cast<quint16>(base + offset))) {
                free = false;
                break;
            }
        }
        if (free)
            return base;
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
