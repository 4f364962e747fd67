#pragma once
// Where each service of a cluster answers: host plus base port (single-site and the default
// cluster layout), with optional per-service URL overrides (services behind their own hosts).

#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace paydesk::api {

struct ServiceEndpoint
{
    QString name;
    quint16 seedPort;
};

// The 18 services and their seed ports (docs/ARCHITECTURE.md). A unit test keeps this list in
// step with the server's catalog.
const QList<ServiceEndpoint> &knownServices();

struct ServiceMap
{
    QString scheme = QStringLiteral("http");
    QString host = QStringLiteral("127.0.0.1");
    quint16 basePort = 40000;
    QHash<QString, QUrl> overrides; // service name → base URL

    QUrl urlFor(const QString &service, const QString &pathAndQuery) const;
    static ServiceMap fromUrl(const QUrl &clusterUrl); // http(s)://host:basePort
};

} // namespace paydesk::api
