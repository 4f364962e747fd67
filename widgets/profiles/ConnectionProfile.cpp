#include "profiles/ConnectionProfile.h"

#include <QSettings>
#include <QUrl>

namespace paydesk::console {

api::ServiceMap ConnectionProfile::serviceMap() const
{
    if (isEmbedded()) {
        api::ServiceMap map;
        map.basePort = basePort;
        return map;
    }
    return api::ServiceMap::fromUrl(QUrl(url));
}

QString ConnectionProfile::describe() const
{
    return isEmbedded()
               ? QStringLiteral("single-site installation in %1 (ports from %2)").arg(dataDir).arg(basePort)
               : QStringLiteral("cluster %1 (%2)").arg(name, url);
}

QList<ConnectionProfile> ProfileStore::profiles() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("profiles"));
    QList<ConnectionProfile> result;
    const QStringList names = settings.childGroups();
    settings.endGroup();
    for (const QString &name : names) {
        if (auto p = profile(name))
            result.append(*p);
    }
    return result;
}

std::optional<ConnectionProfile> ProfileStore::profile(const QString &name) const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("profiles/") + name);
    if (settings.childKeys().isEmpty())
        return std::nullopt;
    ConnectionProfile p;
    p.name = name;
    p.mode = settings.value(QStringLiteral("mode")).toString() == QStringLiteral("remote")
                 ? ConnectionProfile::Mode::Remote
                 : ConnectionProfile::Mode::Embedded;
    p.dataDir = settings.value(QStringLiteral("data_dir")).toString();
    p.basePort = quint16(settings.value(QStringLiteral("base_port"), 40000).toUInt());
    p.url = settings.value(QStringLiteral("url")).toString();
    p.username = settings.value(QStringLiteral("username"), QStringLiteral("admin")).toString();
    p.caFile = settings.value(QStringLiteral("ca_file")).toString();
    p.certFile = settings.value(QStringLiteral("cert_file")).toString();
    p.keyFile = settings.value(QStringLiteral("key_file")).toString();
    return p;
}

void ProfileStore::save(const ConnectionProfile &p)
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("profiles/") + p.name);
    settings.setValue(QStringLiteral("mode"),
                      p.isEmbedded() ? QStringLiteral("embedded") : QStringLiteral("remote"));
    settings.setValue(QStringLiteral("data_dir"), p.dataDir);
    settings.setValue(QStringLiteral("base_port"), p.basePort);
    settings.setValue(QStringLiteral("url"), p.url);
    settings.setValue(QStringLiteral("username"), p.username);
    settings.setValue(QStringLiteral("ca_file"), p.caFile);
    settings.setValue(QStringLiteral("cert_file"), p.certFile);
    settings.setValue(QStringLiteral("key_file"), p.keyFile);
}

void ProfileStore::remove(const QString &name)
{
    QSettings().remove(QStringLiteral("profiles/") + name);
}

QString ProfileStore::lastUsed() const
{
    return QSettings().value(QStringLiteral("last_profile")).toString();
}

void ProfileStore::setLastUsed(const QString &name)
{
    QSettings().setValue(QStringLiteral("last_profile"), name);
}

} // namespace paydesk::console
