#include "EmbeddedBackend.h"

#include "api/PlatformClient.h"
#include "platform/async/WhenFinished.h"
#include "platform/host/Server.h"
#include "services/ServiceCatalog.h"

#include <QDir>
#include <QFile>
#include <QThread>
#include <QTimer>

namespace paydesk::console {

EmbeddedBackend::EmbeddedBackend(QString dataDir, quint16 basePort, QObject *parent)
    : QObject(parent), m_dataDir(std::move(dataDir)), m_basePort(basePort), m_probe(nullptr),
      m_poll(new QTimer(this))
{
    m_probe = new api::PlatformClient(serviceMap(), this);
    m_poll->setInterval(200);
    connect(m_poll, &QTimer::timeout, this, &EmbeddedBackend::pollReadiness);
}

EmbeddedBackend::~EmbeddedBackend()
{
    stop();
}

api::ServiceMap EmbeddedBackend::serviceMap() const
{
    api::ServiceMap map;
    map.basePort = m_basePort;
    return map;
}

int EmbeddedBackend::serviceCount() const
{
    return int(api::knownServices().size());
}

QString EmbeddedBackend::initialPasswordFile() const
{
    return m_dataDir + QStringLiteral("/secrets/initial-admin-password");
}

void EmbeddedBackend::start()
{
    if (m_thread)
        return;
    m_clock.start();
    QString error;
    platform::Config config = platform::Config::load(
        {{QStringLiteral("data_dir"), m_dataDir}, {QStringLiteral("base_port"), QString::number(m_basePort)}},
        {}, &error);
    if (!error.isEmpty()) {
        emit failed(error);
        return;
    }
    emit progress(tr("Data directory: %1").arg(config.dataDir()));
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("embedded-server"));
    // The server and its supervisors (PostgreSQL, Redis) live on this thread and its event loop.
    connect(
        m_thread, &QThread::started, m_thread,
        [this, config] {
            auto *server = new platform::Server(config);
            QString startError;
            const bool ok = server->start(services::catalog(), &startError,
                                          [this](const QString &step) { emit progress(step); });
            QMetaObject::invokeMethod(this, [this, server, ok, startError] {
                if (!ok) {
                    emit failed(startError);
                    return;
                }
                m_server = server;
                connect(server, &platform::Server::infrastructureFailed, this, &EmbeddedBackend::failed);
                emit serverStarted();
                m_poll->start();
            });
            if (!ok) {
                server->stop();
                delete server;
            }
        },
        Qt::DirectConnection);
    m_thread->start();
}

void EmbeddedBackend::pollReadiness()
{
    const int total = serviceCount();
    for (const api::ServiceEndpoint &endpoint : api::knownServices()) {
        if (m_ready.contains(endpoint.name) || m_probing.contains(endpoint.name))
            continue;
        m_probing.insert(endpoint.name);
        platform::whenFinished(this,
                               m_probe->send(endpoint.name, "GET", QStringLiteral("/health/ready"), {}, 2000),
                               [this, name = endpoint.name, total](const api::ApiResult &result) {
                                   m_probing.remove(name);
                                   if (!result.ok() || m_ready.contains(name))
                                       return;
                                   m_ready.insert(name);
                                   emit serviceReady(name, int(m_ready.size()), total);
                                   if (m_ready.size() == total) {
                                       m_poll->stop();
                                       emit allReady(m_clock.elapsed());
                                       lookForInitialPassword();
                                   }
                               });
    }
}

void EmbeddedBackend::lookForInitialPassword()
{
    // admin-service writes the file on its first readiness (a worker task): it may lag a little.
    QFile file(initialPasswordFile());
    if (file.open(QIODevice::ReadOnly)) {
        emit initialPasswordFound(QString::fromUtf8(file.readAll().trimmed()));
        return;
    }
    if (++m_passwordTries < 25) {
        QTimer::singleShot(200, this, &EmbeddedBackend::lookForInitialPassword);
        return;
    }
    emit initialPasswordFound({});
}

void EmbeddedBackend::stop()
{
    m_poll->stop();
    if (!m_thread)
        return;
    if (m_server) {
        platform::Server *server = m_server;
        m_server = nullptr;
        QMetaObject::invokeMethod(
            server,
            [server] {
                server->stop();
                delete server;
            },
            Qt::BlockingQueuedConnection);
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

} // namespace paydesk::console
