#pragma once
// Connection profiles of the console, kept in QSettings (group "profiles/<name>"): an embedded
// single-site installation (data directory, base port) or a remote cluster (URL, TLS files).
// Secrets (password, refresh token) never go here: see SecretStore.

#include "api/ServiceMap.h"

#include <QList>
#include <QString>

#include <optional>

namespace paydesk::console {

struct ConnectionProfile
{
    enum class Mode { Embedded, Remote };
    QString name;
    Mode mode = Mode::Embedded;
    QString dataDir;          // embedded
    quint16 basePort = 40000; // embedded: where its services listen on loopback
    QString url;              // remote: http(s)://host:basePort
    QString username = QStringLiteral("admin");
    QString caFile, certFile, keyFile; // remote TLS (optional client certificate)

    bool isEmbedded() const { return mode == Mode::Embedded; }
    api::ServiceMap serviceMap() const;
    QString describe() const; // for the status bar
};

class ProfileStore
{
public:
    QList<ConnectionProfile> profiles() const;
    std::optional<ConnectionProfile> profile(const QString &name) const;
    void save(const ConnectionProfile &profile);
    void remove(const QString &name);
    QString lastUsed() const;
    void setLastUsed(const QString &name);
};

} // namespace paydesk::console
