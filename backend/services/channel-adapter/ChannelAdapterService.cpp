#include "services/channel-adapter/ChannelAdapterService.h"

#include "services/channel-adapter/domain/ChannelRegistry.h"
#include "services/channel-adapter/routes/ChannelRoutes.h"

#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"

namespace paydesk::services::channels {

using namespace platform;

ChannelAdapterService::ChannelAdapterService(ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}

ChannelAdapterService::~ChannelAdapterService() = default;

void ChannelAdapterService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    m_registry = std::make_unique<ChannelRegistry>(runtime);
    m_registry->load(
        channelPluginDirectory(runtime.environment().config.value(QStringLiteral("plugin_dir"))));
    addPaymentRoutes(router, runtime, *m_registry);
    addAdminChannelRoutes(router, runtime, *m_registry);
}

QList<HealthCheck> ChannelAdapterService::healthChecks(ServiceRuntime &)
{
    // Not critical: the service answers without plugins, but no payment can be routed.
    HealthCheck plugins{QStringLiteral("channel_plugins"), false, false, 0, {},
                        QDateTime::currentDateTimeUtc()};
    if (!m_registry)
        return {};
    const QStringList loaded = m_registry->names();
    QStringList failed;
    for (const PluginFailure &failure : m_registry->failures())
        failed.append(QStringLiteral("%1 (%2)").arg(failure.file, failure.error));
    plugins.ok = !loaded.isEmpty() && failed.isEmpty();
    plugins.message = loaded.isEmpty()
                          ? QStringLiteral("no channel plugin in %1").arg(m_registry->directory())
                          : QStringLiteral("loaded: %1").arg(loaded.join(QStringLiteral(", ")));
    if (!failed.isEmpty())
        plugins.message += QStringLiteral("; failed: ") + failed.join(QStringLiteral("; "));
    return {plugins};
}

void ChannelAdapterService::onReady(ServiceRuntime &runtime)
{
    // Initialize the plugins now rather than on the first payment: pending results journalled by
    // a plugin before a restart are delivered without waiting for traffic.
    ChannelRegistry *registry = m_registry.get();
    runtime.runOnWorker([&runtime, registry] {
        QString error;
        QSqlDatabase db = runtime.database().connection(&error);
        if (!db.isOpen() || !registry->ensureConfigured(db, &error))
            runtime.log().write(LogLevel::Warn,
                                QStringLiteral("channel configs not loaded yet: %1").arg(error));
    });
}

std::unique_ptr<Service> createChannelAdapterService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<ChannelAdapterService>(descriptor);
}

} // namespace paydesk::services::channels
