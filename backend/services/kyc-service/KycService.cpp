#include "services/kyc-service/KycService.h"

#include "platform/host/ServiceRuntime.h"
#include "platform/observe/JsonLog.h"

namespace paydesk::services::kyc {

using namespace platform;

KycService::KycService(ServiceDescriptor descriptor, KycOptions options)
    : Service(std::move(descriptor)), m_options(std::move(options))
{
    if (!m_options.clock)
        m_options.clock = [] { return QDateTime::currentDateTimeUtc(); };
    m_context.clock = m_options.clock;
}

void KycService::registerRoutes(Router &router, ServiceRuntime &runtime)
{
    m_context.runtime = &runtime;
    registerDocumentRoutes(router, m_context);
    registerCaseRoutes(router, m_context);
}

void KycService::onReady(ServiceRuntime &runtime)
{
    // Created once: onReady runs again after a controlled stop.
    if (!m_sweepTimer) {
        m_sweepTimer = std::make_unique<QTimer>();
        m_sweepTimer->setInterval(m_options.expirySweepIntervalMs);
        QObject::connect(m_sweepTimer.get(), &QTimer::timeout, m_sweepTimer.get(), [this] { sweep(); });
        // Stopped on the service thread: the timer itself is destroyed later, with the service.
        QObject::connect(&runtime, &ServiceRuntime::stopped, m_sweepTimer.get(), &QTimer::stop);
    }
    m_sweepTimer->start();
    sweep();
}

// On a worker: the sweep blocks on SQL. Overlapping sweeps are harmless (rows are taken with
// FOR UPDATE SKIP LOCKED); a sweep that fills its batch asks for another one at once.
void KycService::sweep()
{
    const KycContext context = m_context;
    const int batchMax = m_options.expiryBatchMax;
    QTimer *timer = m_sweepTimer.get();
    context.runtime->runOnWorker([this, context, batchMax, timer] {
        QString error;
        const int expired = expireDueCases(context, batchMax, &error);
        if (expired < 0)
            context.runtime->log().write(LogLevel::Error,
                                         QStringLiteral("KYC expiry sweep failed: %1").arg(error));
        else if (expired > 0)
            context.runtime->log().write(LogLevel::Info,
                                         QStringLiteral("KYC approvals expired: %1").arg(expired));
        if (expired == batchMax)
            QMetaObject::invokeMethod(
                timer, [this] { sweep(); }, Qt::QueuedConnection);
    });
}

std::unique_ptr<Service> createKycService(const ServiceDescriptor &descriptor, KycOptions options)
{
    return std::make_unique<KycService>(descriptor, std::move(options));
}

std::unique_ptr<Service> createKycService(const ServiceDescriptor &descriptor)
{
    return createKycService(descriptor, {});
}

} // namespace paydesk::services::kyc
