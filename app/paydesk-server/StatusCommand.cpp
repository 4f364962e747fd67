// `paydesk-server status`: asks every service for /health and probes PostgreSQL and Redis, the
// way an operator would, so it works for a server started by anyone on this data directory.

#include "PidFile.h"
#include "ServerCommands.h"
#include "platform/cache/RedisConnection.h"
#include "platform/db/Database.h"
#include "services/ServiceCatalog.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpSocket>
#include <QTimer>

#include <cstdio>

namespace paydesk::app {

using platform::Config;

namespace {
constexpr int kProbeTimeoutMs = 1500;

QString readSecret(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

QString uptimeText(double seconds)
{
    const qint64 s = static_cast<qint64>(seconds);
    if (s >= 3600)
        return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1s").arg(s);
}

bool tcpReachable(const QString &host, quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(host, port);
    return socket.waitForConnected(kProbeTimeoutMs);
}

QJsonObject probePostgres(const Config &config)
{
    QString error;
    platform::DatabaseUrl url;
    const bool embedded = config.value(QStringLiteral("database_url")).isEmpty();
    if (embedded)
        url.port = config.portFor(40432);
    else
        url = platform::DatabaseUrl::parse(config.value(QStringLiteral("database_url")), &error);
    const bool up = error.isEmpty() && tcpReachable(url.host, static_cast<quint16>(url.port));
    return {{QStringLiteral("name"), QStringLiteral("postgresql")},
            {QStringLiteral("port"), url.port},
            {QStringLiteral("embedded"), embedded},
            {QStringLiteral("state"), up ? QStringLiteral("up") : QStringLiteral("down")},
            {QStringLiteral("ready"), up}};
}

QJsonObject probeRedis(const Config &config)
{
    QString error;
    platform::RedisUrl url;
    const bool embedded = config.value(QStringLiteral("redis_url")).isEmpty();
    if (embedded) {
        url.port = config.portFor(40379);
        url.password = readSecret(config.dataDir() + QStringLiteral("/secrets/redis.password"));
    } else {
        url = platform::RedisUrl::parse(config.value(QStringLiteral("redis_url")), &error);
    }
    platform::RedisConnection redis(url, kProbeTimeoutMs);
    const bool up = error.isEmpty() && redis.ping(&error);
    return {{QStringLiteral("name"), QStringLiteral("redis")},
            {QStringLiteral("port"), url.port},
            {QStringLiteral("embedded"), embedded},
            {QStringLiteral("state"), up ? QStringLiteral("up") : QStringLiteral("down")},
            {QStringLiteral("ready"), up}};
}

// On a TLS install the probe trusts tls_ca_file (or the server's own certificate when it is
// self-signed) and, under mTLS, presents the server's certificate as its client certificate: the
// operator running `status` on the machine can read those files anyway.
QSslConfiguration probeTls(const Config &config)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    const QString ca = config.value(QStringLiteral("tls_ca_file"));
    tls.setCaCertificates(
        QSslCertificate::fromPath(ca.isEmpty() ? config.value(QStringLiteral("tls_cert_file")) : ca));
    if (config.boolValue(QStringLiteral("enable_mtls"))) {
        tls.setLocalCertificateChain(
            QSslCertificate::fromPath(config.value(QStringLiteral("tls_cert_file"))));
        QFile keyFile(config.value(QStringLiteral("tls_key_file")));
        if (keyFile.open(QIODevice::ReadOnly)) {
            const QByteArray pem = keyFile.readAll();
            QSslKey key(pem, QSsl::Rsa);
            tls.setPrivateKey(key.isNull() ? QSslKey(pem, QSsl::Ec) : key);
        }
    }
    return tls;
}

// GET /health of every service at once; unanswered services are reported as down.
QJsonArray probeServices(const Config &config)
{
    QNetworkAccessManager network;
    QEventLoop loop;
    // Only the services this configuration runs here (cluster mode runs a subset).
    const QString selection = config.value(QStringLiteral("services"));
    auto catalog = services::catalog();
    if (selection != QStringLiteral("all")) {
        const QStringList chosen = selection.split(u',', Qt::SkipEmptyParts);
        catalog.removeIf([&](const auto &entry) { return !chosen.contains(entry.descriptor.name); });
    }
    QList<QNetworkReply *> replies;
    int pending = static_cast<int>(catalog.size());
    const bool tls = !config.value(QStringLiteral("tls_cert_file")).isEmpty();
    const QSslConfiguration tlsConfig = tls ? probeTls(config) : QSslConfiguration();
    for (const auto &entry : catalog) {
        QNetworkRequest request(QUrl(QStringLiteral("%1://%2:%3/health")
                                         .arg(tls ? QStringLiteral("https") : QStringLiteral("http"),
                                              config.value(QStringLiteral("bind_address")))
                                         .arg(config.portFor(entry.descriptor.seedPort))));
        request.setTransferTimeout(kProbeTimeoutMs);
        if (tls)
            request.setSslConfiguration(tlsConfig);
        QNetworkReply *reply = network.get(request);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&] {
            if (--pending == 0)
                loop.quit();
        });
        replies.append(reply);
    }
    QTimer::singleShot(kProbeTimeoutMs + 500, &loop, &QEventLoop::quit);
    if (pending > 0)
        loop.exec();
    QJsonArray result;
    for (qsizetype i = 0; i < catalog.size(); ++i) {
        QNetworkReply *reply = replies[i];
        const QJsonObject health =
            reply->isFinished() ? QJsonDocument::fromJson(reply->readAll()).object() : QJsonObject();
        QJsonObject row{
            {QStringLiteral("name"), catalog[i].descriptor.name},
            {QStringLiteral("port"), config.portFor(catalog[i].descriptor.seedPort)},
            {QStringLiteral("state"), health.value(QStringLiteral("state")).toString(QStringLiteral("down"))},
            {QStringLiteral("status"),
             health.value(QStringLiteral("status")).toString(QStringLiteral("unreachable"))},
            {QStringLiteral("ready"), health.value(QStringLiteral("ready")).toBool()},
            {QStringLiteral("uptime_seconds"), health.value(QStringLiteral("uptime_seconds")).toDouble()}};
        if (health.contains(QStringLiteral("error")))
            row.insert(QStringLiteral("error"), health.value(QStringLiteral("error")));
        result.append(row);
        reply->deleteLater();
    }
    return result;
}
} // namespace

QJsonObject collectStatus(const Config &config)
{
    const qint64 pid = PidFile(config.dataDir() + QStringLiteral("/paydesk-server.pid")).runningPid();
    const QJsonArray services = probeServices(config);
    const QJsonArray infrastructure{probePostgres(config), probeRedis(config)};
    bool allReady = !services.isEmpty();
    for (const auto &row : services)
        allReady = allReady && row.toObject().value(QStringLiteral("ready")).toBool();
    for (const auto &row : infrastructure)
        allReady = allReady && row.toObject().value(QStringLiteral("ready")).toBool();
    return {{QStringLiteral("pid"), pid},
            {QStringLiteral("data_dir"), config.dataDir()},
            {QStringLiteral("all_ready"), allReady},
            {QStringLiteral("services"), services},
            {QStringLiteral("infrastructure"), infrastructure}};
}

int showStatus(const Config &config, bool json)
{
    const QJsonObject status = collectStatus(config);
    const qint64 pid = status.value(QStringLiteral("pid")).toInteger();
    const QJsonArray services = status.value(QStringLiteral("services")).toArray();
    const QJsonArray infrastructure = status.value(QStringLiteral("infrastructure")).toArray();
    const bool allReady = status.value(QStringLiteral("all_ready")).toBool();
    if (json) {
        std::fputs(QJsonDocument(status).toJson(QJsonDocument::Indented).constData(), stdout);
        return allReady ? 0 : 1;
    }
    std::printf("paydesk-server: %s   data: %s\n\n",
                pid ? qPrintable(QStringLiteral("running, pid %1").arg(pid))
                    : "no server process on this data dir",
                qPrintable(config.dataDir()));
    std::printf("%-24s %6s  %-9s %-6s %-10s %s\n", "SERVICE", "PORT", "STATE", "READY", "UPTIME", "NOTE");
    for (const auto &value : services) {
        const QJsonObject row = value.toObject();
        std::printf("%-24s %6d  %-9s %-6s %-10s %s\n",
                    qPrintable(row.value(QStringLiteral("name")).toString()),
                    row.value(QStringLiteral("port")).toInt(),
                    qPrintable(row.value(QStringLiteral("state")).toString()),
                    row.value(QStringLiteral("ready")).toBool() ? "yes" : "no",
                    row.value(QStringLiteral("state")).toString() == QStringLiteral("down")
                        ? "-"
                        : qPrintable(uptimeText(row.value(QStringLiteral("uptime_seconds")).toDouble())),
                    qPrintable(row.value(QStringLiteral("error")).toString().left(60)));
    }
    for (const auto &value : infrastructure) {
        const QJsonObject row = value.toObject();
        std::printf("%-24s %6d  %-9s %-6s %-10s %s\n",
                    qPrintable(row.value(QStringLiteral("name")).toString()),
                    row.value(QStringLiteral("port")).toInt(),
                    qPrintable(row.value(QStringLiteral("state")).toString()),
                    row.value(QStringLiteral("ready")).toBool() ? "yes" : "no", "-",
                    row.value(QStringLiteral("embedded")).toBool() ? "private, in the data dir" : "external");
    }
    return allReady ? 0 : 1;
}

} // namespace paydesk::app
