#include "support/ServerProcess.h"

#include "services/ServiceCatalog.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QThread>
#include <QTimer>

#include <csignal>

namespace paydesk::testing {

QJsonObject HttpResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpResult httpRequest(const QByteArray &method, const QString &url, const QByteArray &body,
                       const QHash<QByteArray, QByteArray> &headers, int timeoutMs)
{
    static thread_local QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setTransferTimeout(timeoutMs);
    for (auto it = headers.begin(); it != headers.end(); ++it)
        request.setRawHeader(it.key(), it.value());
    if (!body.isEmpty() && !headers.contains("Content-Type"))
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs + 500, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        result.headers.insert(name.toLower(), value);
    if (result.status == 0)
        result.error = reply->errorString();
    reply->abort();
    reply->deleteLater();
    return result;
}

QString ServerProcess::binary()
{
    return qEnvironmentVariable("PAYDESK_SERVER_BIN");
}

QList<quint16> ServerProcess::seedPorts()
{
    QList<quint16> ports;
    for (const auto &entry : services::catalog())
        ports.append(entry.descriptor.seedPort);
    return ports;
}

ServerProcess::ServerProcess(QString dataDir, quint16 basePort, QStringList extraArgs,
                             QHash<QString, QString> environment)
    : m_dataDir(std::move(dataDir)), m_basePort(basePort), m_extraArgs(std::move(extraArgs)),
      m_environment(std::move(environment))
{
}

ServerProcess::~ServerProcess()
{
    if (isRunning())
        stop();
}

bool ServerProcess::start(QString *error)
{
    if (binary().isEmpty()) {
        *error = QStringLiteral("PAYDESK_SERVER_BIN is not set (ctest sets it)");
        return false;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(QStringLiteral("PAYDESK_")) && key != QStringLiteral("PAYDESK_SERVER_BIN"))
            env.remove(key); // the developer's own settings must not leak into a test
    }
    for (auto it = m_environment.begin(); it != m_environment.end(); ++it)
        env.insert(it.key(), it.value());
    m_process.setProcessEnvironment(env);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_dataDir + QStringLiteral(".out"), QIODevice::Append);
    m_process.start(binary(), QStringList{QStringLiteral("run"), QStringLiteral("--data-dir"), m_dataDir,
                                          QStringLiteral("--base-port"), QString::number(m_basePort)} +
                                  m_extraArgs);
    if (!m_process.waitForStarted(10000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(binary(), m_process.errorString());
        return false;
    }
    return true;
}

bool ServerProcess::waitAllReady(int timeoutMs, QString *error)
{
    QElapsedTimer clock;
    clock.start();
    QList<quint16> pending = seedPorts();
    while (!pending.isEmpty()) {
        if (!isRunning()) {
            *error = QStringLiteral("paydesk-server exited: %1").arg(output().right(2000));
            return false;
        }
        if (clock.elapsed() > timeoutMs) {
            *error = QStringLiteral("%1 services not ready after %2 ms; output:\n%3")
                         .arg(pending.size())
                         .arg(timeoutMs)
                         .arg(output().right(2000));
            return false;
        }
        pending.removeIf([&](quint16 seed) {
            return httpRequest("GET", url(seed, "/health/ready"), {}, {}, 1000).status == 200;
        });
        if (!pending.isEmpty())
            QThread::msleep(50);
    }
    return true;
}

int ServerProcess::stop(int timeoutMs)
{
    if (!isRunning())
        return m_process.exitCode();
    ::kill(static_cast<pid_t>(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(timeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(5000);
        return -1;
    }
    return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
}

QString ServerProcess::url(quint16 seedPort, const QString &path) const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(port(seedPort)).arg(path);
}

QString ServerProcess::output() const
{
    QFile file(m_dataDir + QStringLiteral(".out"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace paydesk::testing
