#include "support/TestSupport.h"

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
        const auto base = static_cast<quint16>(20000 + QRandomGenerator::global()->bounded(20000) / 500 * 500);
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

} // namespace paydesk::testing
