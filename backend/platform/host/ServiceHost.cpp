#include "platform/host/ServiceHost.h"

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"

#include <QEventLoop>
#include <QTimer>

namespace paydesk::platform {

ServiceHost::ServiceHost(HostEnvironment environment, QObject *parent)
    : QObject(parent), m_environment(std::move(environment))
{
    m_environment.directory = &m_directory;
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
        connect(runtime, &ServiceRuntime::stopped, thread, &QThread::quit, Qt::DirectConnection);
        thread->start();
    }
}

void ServiceHost::stop()
{
    if (!m_started)
        return;
    m_started = false;
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

} // namespace paydesk::platform
