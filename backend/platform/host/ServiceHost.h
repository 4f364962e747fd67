#pragma once
// Runs a set of services in this process, each on its own QThread with its own event loop and
// listener. A service that fails to start is reported unhealthy; the others keep running. It is
// the process's ServiceControl (HostEnvironment::control): one service can be stopped, started or
// restarted while its runtime and thread stay alive, so ServiceDirectory's pointers stay valid.
// Thread: the main thread creates, starts and stops the host; the ServiceControl calls come from
// any other thread (admin-service's workers).

#include "platform/host/HealthSnapshot.h"
#include "platform/host/HostEnvironment.h"
#include "platform/host/Service.h"
#include "platform/host/ServiceControl.h"
#include "platform/rpc/ServiceDirectory.h"

#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

namespace paydesk::platform {

class ServiceRuntime;

class ServiceHost : public QObject, public ServiceControl
{
    Q_OBJECT
public:
    // `environment.directory` is replaced by the host's own directory.
    explicit ServiceHost(HostEnvironment environment, QObject *parent = nullptr);
    ~ServiceHost() override;

    // Before start(): services hosted here, and services reached over HTTP (cluster mode).
    void add(std::unique_ptr<Service> service);
    void addRemote(const QString &name, const QUrl &baseUrl);

    void start();
    // Graceful: every service stops accepting, drains in-flight requests (bounded by
    // shutdown_timeout_ms), then its thread ends. Blocks until all threads are joined.
    void stop();

    QList<HealthSnapshot> health() const;
    bool allReady() const;
    ServiceRuntime *runtime(const QString &name) const;
    const HostEnvironment &environment() const { return m_environment; }
    const ServiceDirectory &directory() const { return m_directory; }

    // ServiceControl
    bool controls(const QString &name) const override;
    std::optional<HealthSnapshot> serviceHealth(const QString &name) const override;
    bool stopService(const QString &name, QString *error) override;
    bool startService(const QString &name, QString *error) override;
    bool restartService(const QString &name, QString *error) override;

private:
    struct Hosted
    {
        std::unique_ptr<ServiceRuntime> runtime;
        std::unique_ptr<QThread> thread;
    };
    HostEnvironment m_environment;
    ServiceDirectory m_directory;
    std::vector<Hosted> m_hosted;
    bool m_started = false;
    // Set before the host asks its services to stop: only then does a `stopped` end the thread
    // (a controlled stop keeps it).
    std::shared_ptr<std::atomic<bool>> m_shuttingDown = std::make_shared<std::atomic<bool>>(false);
};

} // namespace paydesk::platform
