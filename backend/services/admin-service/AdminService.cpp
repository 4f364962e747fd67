#include "AdminService.h"

#include "AuditConsumer.h"
#include "FirstAdmin.h"
#include "health/SystemHealthMonitor.h"
#include "routes/RouteContext.h"

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"
#include "platform/security/Audit.h"

namespace paydesk::services::admin {

AdminService::AdminService(platform::ServiceDescriptor descriptor, AdminSettings settings)
    : Service(std::move(descriptor)), m_settings(settings)
{
    m_auditThread.setObjectName(this->descriptor().name + QStringLiteral("-audit"));
    m_healthThread.setObjectName(this->descriptor().name + QStringLiteral("-health"));
}

AdminService::~AdminService()
{
    stopHealthMonitor();
    m_auditThread.quit();
    m_auditThread.wait();
    delete m_auditConsumer; // its thread has ended: nothing can call it any more
}

void AdminService::registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime)
{
    const RouteContext context{runtime, m_settings};
    registerAuthRoutes(router, context);
    registerTwoFactorRoutes(router, context);
    registerAdminRoutes(router, context);
    registerRoleRoutes(router, context);
    registerAuditRoutes(router, context);
    registerInternalRoutes(router, context);
    registerServiceControlRoutes(router, context);
    m_healthMonitor = std::make_shared<SystemHealthMonitor>(runtime);
    m_healthMonitor->moveToThread(&m_healthThread);
    registerSystemRoutes(router, m_healthMonitor);
}

void AdminService::stopHealthMonitor()
{
    if (m_healthThread.isRunning()) {
        // Its timer must stop on its own thread before the thread ends.
        QMetaObject::invokeMethod(m_healthMonitor.get(), &SystemHealthMonitor::stop,
                                  Qt::BlockingQueuedConnection);
        m_healthThread.quit();
        m_healthThread.wait();
    }
}

QList<QPair<QString, QString>> AdminService::consumedTopics() const
{
    return {{platform::audit::kTopic, kAuditGroup}};
}

void AdminService::onReady(platform::ServiceRuntime &runtime)
{
    // admin-service refuses to control itself (it serves the control request), so this runs once
    // per process; the guard keeps a second run from starting a second consumer and monitor.
    if (m_readyOnce)
        return;
    m_readyOnce = true;
    if (runtime.environment().bus) {
        m_auditConsumer = new AuditConsumer(runtime.name(), runtime.environment().database,
                                            runtime.database().name(), runtime.log());
        m_auditConsumer->moveToThread(&m_auditThread);
        m_auditThread.start();
        AuditConsumer *consumer = m_auditConsumer;
        runtime.subscribe(
            platform::audit::kTopic, kAuditGroup,
            [consumer](const platform::Event &event) { return consumer->handle(event); }, consumer);
        // The consumer writes to the runtime's log: it stops with the runtime, before the log goes.
        QObject::connect(&runtime, &platform::ServiceRuntime::stopped, &runtime, [this] {
            m_auditThread.quit();
            m_auditThread.wait();
        });
    }
    if (m_healthMonitor) {
        m_healthThread.start();
        QMetaObject::invokeMethod(m_healthMonitor.get(), &SystemHealthMonitor::start, Qt::QueuedConnection);
        QObject::connect(&runtime, &platform::ServiceRuntime::stopped, &runtime,
                         [this] { stopHealthMonitor(); });
    }
    const RouteContext context{runtime, m_settings};
    runtime.runOnWorker([context] {
        QString error;
        if (!ensureFirstAdmin(context, &error))
            context.runtime.log().write(platform::LogLevel::Error,
                                        QStringLiteral("cannot create the first admin: %1").arg(error));
    });
}

std::unique_ptr<platform::Service> createAdminService(const platform::ServiceDescriptor &descriptor)
{
    return std::make_unique<AdminService>(descriptor);
}

std::unique_ptr<platform::Service> createAdminService(const platform::ServiceDescriptor &descriptor,
                                                      AdminSettings settings)
{
    return std::make_unique<AdminService>(descriptor, settings);
}

} // namespace paydesk::services::admin
