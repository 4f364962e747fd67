#pragma once
// Where each service runs: in this process (its ServiceRuntime) or at a remote base URL. Filled
// before any service thread starts and read-only afterwards, so lookups need no lock.

#include <QHash>
#include <QString>
#include <QUrl>

namespace paydesk::platform {

class ServiceRuntime;

class ServiceDirectory
{
public:
    struct Target
    {
        ServiceRuntime *local = nullptr;
        QUrl remote;
        bool isValid() const { return local || remote.isValid(); }
    };

    void addLocal(const QString &name, ServiceRuntime *runtime) { m_targets.insert(name, {runtime, {}}); }
    void addRemote(const QString &name, const QUrl &baseUrl) { m_targets.insert(name, {nullptr, baseUrl}); }
    Target find(const QString &name) const { return m_targets.value(name); }
    QStringList names() const { return m_targets.keys(); }

private:
    QHash<QString, Target> m_targets;
};

} // namespace paydesk::platform
