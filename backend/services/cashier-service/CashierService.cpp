#include "services/cashier-service/CashierService.h"

#include "services/cashier-service/store/SessionStore.h"

#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"

#include <QHostAddress>

namespace paydesk::services::cashier {

using namespace platform;

namespace {
constexpr int kExpireBatchMax = 500;

// Where customers' browsers reach this service. A wildcard bind address is not an address to
// browse to: loopback then (single-site installs; a cluster puts a proxy in front).
QString checkoutBase(const ServiceRuntime &runtime)
{
    QString host = runtime.environment().config.value(QStringLiteral("bind_address"));
    const QHostAddress address(host);
    if (host.isEmpty() || address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6 ||
        address == QHostAddress::Any)
        host = QStringLiteral("127.0.0.1");
    else if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = u'[' + host + u']';
    const bool tls = !runtime.environment().config.value(QStringLiteral("tls_cert_file")).isEmpty();
    return QStringLiteral("%1://%2:%3")
        .arg(tls ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(runtime.port());
}

void sweep(ServiceRuntime &runtime)
{
    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    if (!db.isOpen())
        return;
    Database::Use use(runtime.database());
    int expired = 0;
    if (!inTransaction(
            db, [&](QString *why) { return store::expireLapsed(db, kExpireBatchMax, &expired, why); },
            &error))
        runtime.log().write(LogLevel::Warn, QStringLiteral("session expiry sweep failed: %1").arg(error));
}
} // namespace

void CashierService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    m_context.checkoutBase = checkoutBase(runtime);
    addSessionRoutes(router, runtime, m_context);
    addCheckoutRoutes(router, runtime, m_context);
    addFunnelRoutes(router, runtime);
}

void CashierService::onReady(ServiceRuntime &runtime)
{
    // Created once: onReady runs again after a controlled stop.
    if (!m_sweepTimer) {
        m_sweepTimer = new QTimer(&runtime);
        m_sweepTimer->setInterval(m_context.settings.sweepIntervalMs);
        QObject::connect(m_sweepTimer, &QTimer::timeout, &runtime,
                         [&runtime] { runtime.runOnWorker([&runtime] { sweep(runtime); }); });
        // The runtime is deleted from the host's thread: stop the timer while still on ours.
        QObject::connect(&runtime, &ServiceRuntime::stopped, m_sweepTimer, &QTimer::stop);
    }
    m_sweepTimer->start();
}

std::unique_ptr<Service> createCashierService(const ServiceDescriptor &descriptor)
{
    return std::make_unique<CashierService>(descriptor);
}

} // namespace paydesk::services::cashier
