#pragma once
// The yardstick for bench_health: a bare QHttpServer that answers GET /health with a fixed body
// and Content-Type, on its own QThread, so that it costs what the HTTP stack alone costs.
// start() and the destructor are called from the thread that owns the object.

#include <QByteArray>
#include <QString>
#include <QThread>

namespace paydesk::bench {

class BareHealthServer
{
public:
    BareHealthServer(QByteArray body, QByteArray contentType);
    ~BareHealthServer();

    // Listens on 127.0.0.1 at a free port and returns it; 0 on failure (error says why).
    quint16 start(QString *error);

private:
    QByteArray m_body;
    QByteArray m_contentType;
    QThread m_thread;
};

} // namespace paydesk::bench
