#pragma once
// A paydesk-server child process for end-to-end tests: started with `run`, probed over HTTP,
// stopped with SIGTERM. Its output goes to a file that failing tests print.

#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace paydesk::testing {

struct HttpResult
{
    int status = 0; // 0 = no HTTP answer
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QString error;
    QJsonObject json() const;
};

// Synchronous HTTP for tests (own event loop, bounded by timeoutMs).
HttpResult httpRequest(const QByteArray &method, const QString &url, const QByteArray &body = {},
                       const QHash<QByteArray, QByteArray> &headers = {}, int timeoutMs = 5000);

class ServerProcess
{
public:
    ServerProcess(QString dataDir, quint16 basePort, QStringList extraArgs = {},
                  QHash<QString, QString> environment = {});
    ~ServerProcess();

    bool start(QString *error);
    // Until every service answers 200 on /health/ready, bounded by timeoutMs.
    bool waitAllReady(int timeoutMs, QString *error);
    // SIGTERM, then wait; returns the exit code (-1 if it had to be killed).
    int stop(int timeoutMs = 120000);

    QString url(quint16 seedPort, const QString &path) const;
    quint16 port(quint16 seedPort) const { return static_cast<quint16>(m_basePort + seedPort - 40000); }
    qint64 pid() const { return m_process.processId(); }
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    QString output() const;
    const QString &dataDir() const { return m_dataDir; }

    static QString binary();
    static QList<quint16> seedPorts();

private:
    QString m_dataDir;
    quint16 m_basePort;
    QStringList m_extraArgs;
    QHash<QString, QString> m_environment;
    QProcess m_process;
};

} // namespace paydesk::testing
