#include "health/BareHealthServer.h"

#include <QHttpServer>
#include <QHttpServerResponse>

#include <chrono>
#include <future>
#include <memory>

namespace paydesk::bench {

namespace {
constexpr auto kListenTimeout = std::chrono::seconds(5);
constexpr unsigned long kThreadStopTimeoutMs = 5000;
} // namespace

BareHealthServer::BareHealthServer(QByteArray body, QByteArray contentType)
    : m_body(std::move(body)), m_contentType(std::move(contentType))
{
    m_thread.setObjectName(QStringLiteral("bare-http"));
}

BareHealthServer::~BareHealthServer()
{
    m_thread.quit();
    m_thread.wait(kThreadStopTimeoutMs);
}

quint16 BareHealthServer::start(QString *error)
{
    // The server is created, listens and is deleted on m_thread, as QHttpServer requires; the port
    // comes back through a future.
    auto listened = std::make_shared<std::promise<quint16>>();
    std::future<quint16> port = listened->get_future();
    QObject::connect(
        &m_thread, &QThread::started, &m_thread,
        [this, listened] {
            auto *server = new QHttpServer;
            server->route("/health",
                          [body = m_body, type = m_contentType] { return QHttpServerResponse(type, body); });
            QObject::connect(&m_thread, &QThread::finished, server, &QObject::deleteLater);
            listened->set_value(server->listen(QHostAddress::LocalHost, 0));
        },
        Qt::DirectConnection);
    m_thread.start();
    if (port.wait_for(kListenTimeout) != std::future_status::ready) {
        *error = QStringLiteral("the bare QHttpServer did not listen within 5 s");
        return 0;
    }
    const quint16 value = port.get();
    if (value == 0)
        *error = QStringLiteral("the bare QHttpServer cannot listen on 127.0.0.1");
    return value;
}

} // namespace paydesk::bench
