#pragma once
// The single-site backend inside the console process: platform::Server (private PostgreSQL and
// Redis in the data directory, all 18 services) on a thread of its own. The console talks to it
// only over loopback HTTP through api::PlatformClient, exactly as to a remote cluster; this class
// reports real start-up events: the server's own steps, then each service once its /health/ready
// answers 200, then the first admin's one-time password file.
// Thread: create and use on the GUI thread.

#include "api/ServiceMap.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>

class QThread;
class QTimer;

namespace paydesk::platform {
class Server;
}
namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class EmbeddedBackend : public QObject
{
    Q_OBJECT
public:
    EmbeddedBackend(QString dataDir, quint16 basePort, QObject *parent = nullptr);
    ~EmbeddedBackend() override; // stops the server (drains services, stops PostgreSQL and Redis)

    void start();
    void stop();
    bool isRunning() const { return m_server != nullptr; }
    api::ServiceMap serviceMap() const;
    QString dataDir() const { return m_dataDir; }
    QString initialPasswordFile() const;
    int serviceCount() const;

Q_SIGNALS:
    void progress(const QString &step);
    void failed(const QString &error);
    void serverStarted(); // infrastructure up, service threads starting
    void serviceReady(const QString &service, int ready, int total);
    void allReady(qint64 elapsedMs);
    // The first admin's one-time password (empty when the file is gone: not a first run).
    void initialPasswordFound(const QString &password);

private:
    void pollReadiness();
    void lookForInitialPassword();

    QString m_dataDir;
    quint16 m_basePort;
    QThread *m_thread = nullptr;
    platform::Server *m_server = nullptr; // lives on m_thread
    api::PlatformClient *m_probe;
    QTimer *m_poll;
    QSet<QString> m_ready;
    QSet<QString> m_probing;
    QElapsedTimer m_clock;
    int m_passwordTries = 0;
};

} // namespace paydesk::console
