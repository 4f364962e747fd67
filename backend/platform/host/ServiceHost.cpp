#include "platform/host/ServiceHost.h"

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"

#include <QEventLoop>
#include <QSemaphore>
#include <QTimer>

namespace paydesk::platform {

ServiceHost::ServiceHost(HostEnvironment environment, QObject *parent)
    : QObject(parent), m_environment(std::move(environment))
{
    m_environment.directory = &m_directory;
    m_environment.control = this;
}

ServiceHost::~ServiceHost()
{
    stop();
}

void ServiceHost::add(std::unique_ptr<Service> service)
{
    Q_ASSERT(!m_started);
    const quint16 port = m_environment.config.portFor(service->descriptor().seedPort);
    if (m_environment.bus) {
        for (const auto &[topic, group] : service->consumedTopics())
            m_environment.bus->declareConsumer(topic, group);
    }
    Hosted hosted;
    hosted.runtime = std::make_unique<ServiceRuntime>(std::move(service), m_environment, port);
    hosted.thread = std::make_unique<QThread>();
    hosted.thread->setObjectName(hosted.runtime->name());
    m_directory.addLocal(hosted.runtime->name(), hosted.runtime.get());
    m_hosted.push_back(std::move(hosted));
}

void ServiceHost::addRemote(const QString &name, const QUrl &baseUrl)
{
    Q_ASSERT(!m_started);
    m_directory.addRemote(name, baseUrl);
}

void ServiceHost::start()
{
    Q_ASSERT(!m_started);
    m_started = true;
    for (Hosted &hosted : m_hosted) {
        ServiceRuntime *runtime = hosted.runtime.get();
        QThread *thread = hosted.thread.get();
        runtime->moveToThread(thread);
        connect(thread, &QThread::started, runtime, &ServiceRuntime::start);
        connect(
            runtime, &ServiceRuntime::stopped, thread,
            [thread, shuttingDown = m_shuttingDown] {
                if (shuttingDown->load())
                    thread->quit();
            },
            Qt::DirectConnection);
        thread->start();
    }
}

void ServiceHost::stop()
{
    if (!m_started)
        return;
    m_started = false;
    // From now on every `stopped` ends its thread. A service an administrator stopped gets
    // beginStop too: it closes the port it kept and emits `stopped` again.
    m_shuttingDown->store(true);
    for (Hosted &hosted : m_hosted) {
        if (hosted.thread->isRunning())
            QMetaObject::invokeMethod(hosted.runtime.get(), &ServiceRuntime::beginStop, Qt::QueuedConnection);
    }
    // Every runtime bounds its own drain; the extra margin covers the worker pool joining.
    const qint64 limitMs = m_environment.config.int64Value(QStringLiteral("shutdown_timeout_ms")) + 10000;
    for (Hosted &hosted : m_hosted) {
        if (!hosted.thread->wait(QDeadlineTimer(limitMs))) {
            qWarning("%s did not stop in time; terminating its thread", qPrintable(hosted.runtime->name()));
            hosted.thread->terminate();
            hosted.thread->wait();
        }
    }
    m_hosted.clear();
}

QList<HealthSnapshot> ServiceHost::health() const
{
    QList<HealthSnapshot> result;
    for (const Hosted &hosted : m_hosted)
        result.append(hosted.runtime->health());
    return result;
}

bool ServiceHost::allReady() const
{
    for (const Hosted &hosted : m_hosted) {
        if (!hosted.runtime->health().ready)
            return false;
    }
    return !m_hosted.empty();
}

ServiceRuntime *ServiceHost::runtime(const QString &name) const
{
    for (const Hosted &hosted : m_hosted) {
        if (hosted.runtime->name() == name)
            return hosted.runtime.get();
    }
    return nullptr;
}

namespace {
constexpr qint64 kStartTimeoutMs = 60000; // migrations are done; readiness is a few probes
} // namespace

bool ServiceHost::controls(const QString &name) const
{
    return runtime(name) != nullptr;
}

std::optional<HealthSnapshot> ServiceHost::serviceHealth(const QString &name) const
{
    if (const ServiceRuntime *target = runtime(name))
        return target->health();
    return std::nullopt;
}

// The control calls post to the service's thread and wait on a semaphore; the answer may come
// after the bound, so what it touches is shared, not on this stack.
bool ServiceHost::stopService(const QString &name, QString *error)
{
    ServiceRuntime *target = runtime(name);
    if (!target || !m_started) {
        *error = QStringLiteral("%1 does not run in this process").arg(name);
        return false;
    }
    if (QThread::currentThread() == target->thread()) {
        *error = QStringLiteral("%1 cannot stop itself").arg(name);
        return false;
    }
    auto done = std::make_shared<QSemaphore>(0);
    QMetaObject::invokeMethod(
        target, [target, done] { target->stopControlled([done] { done->release(); }); },
        Qt::QueuedConnection);
    // The runtime bounds its own drain by shutdown_timeout_ms; the margin covers the workers joining.
    const qint64 limitMs = m_environment.config.int64Value(QStringLiteral("shutdown_timeout_ms")) + 10000;
    if (!done->tryAcquire(1, int(limitMs))) {
        *error = QStringLiteral("%1 did not stop within %2 ms").arg(name).arg(limitMs);
        return false;
    }
    return true;
}

bool ServiceHost::startService(const QString &name, QString *error)
{
    ServiceRuntime *target = runtime(name);
    if (!target || !m_started) {
        *error = QStringLiteral("%1 does not run in this process").arg(name);
        return false;
    }
    if (QThread::currentThread() == target->thread()) {
        *error = QStringLiteral("%1 cannot start itself").arg(name);
        return false;
    }
    struct Answer
    {
        QSemaphore done;
        HealthSnapshot health;
    };
    auto answer = std::make_shared<Answer>();
    QMetaObject::invokeMethod(
        target,
        [target, answer] {
            target->startControlled([answer](const HealthSnapshot &health) {
                answer->health = health;
                answer->done.release();
            });
        },
        Qt::QueuedConnection);
    if (!answer->done.tryAcquire(1, int(kStartTimeoutMs))) {
        const HealthSnapshot now = target->health();
        *error =
            QStringLiteral("%1 did not become ready within %2 ms (state %3%4)")
                .arg(name)
                .arg(kStartTimeoutMs)
                .arg(toString(now.state), now.error.isEmpty() ? QString() : QStringLiteral(": ") + now.error);
        return false;
    }
    // Released after the semaphore: reading the snapshot is ordered after its write.
    const HealthSnapshot &health = answer->health;
    if (health.state == ServiceState::Running && health.ready)
        return true;
    *error = health.state == ServiceState::Stopping
                 ? QStringLiteral("%1 is stopping; start it once it is stopped").arg(name)
             : health.state == ServiceState::Failed
                 ? QStringLiteral("%1 failed: %2 (restart it)").arg(name, health.error)
                 : QStringLiteral("%1 did not start (state %2%3)")
                       .arg(name, toString(health.state),
                            health.error.isEmpty() ? QString() : QStringLiteral(": ") + health.error);
    return false;
}

bool ServiceHost::restartService(const QString &name, QString *error)
{
    return stopService(name, error) && startService(name, error);
}

} // namespace paydesk::platform
