#pragma once
// kyc-service: KYC documents (checked, content-addressed on disk), review cases per merchant and
// target level (domain/KycCase.h), levels and their limits (domain/KycLevel.h), and events on
// topic kyc.events. Approvals expire after a year: a periodic sweep started in onReady.

#include "platform/host/Service.h"
#include "services/kyc-service/routes/KycRoutes.h"

#include <QTimer>

#include <memory>

namespace paydesk::services::kyc {

struct KycOptions
{
    Clock clock;                           // default: the system clock, UTC
    int expirySweepIntervalMs = 3'600'000; // hourly
    int expiryBatchMax = 200;              // cases expired per sweep transaction
};

class KycService : public platform::Service
{
public:
    KycService(platform::ServiceDescriptor descriptor, KycOptions options);

    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    // Service thread: starts the expiry sweep (now, then every expirySweepIntervalMs).
    void onReady(platform::ServiceRuntime &runtime) override;

private:
    void sweep();

    KycOptions m_options;
    KycContext m_context;
    std::unique_ptr<QTimer> m_sweepTimer; // service thread
};

// The catalog's factory (system clock, hourly sweep), and the one tests use to inject a clock.
std::unique_ptr<platform::Service> createKycService(const platform::ServiceDescriptor &descriptor);
std::unique_ptr<platform::Service> createKycService(const platform::ServiceDescriptor &descriptor,
                                                    KycOptions options);

} // namespace paydesk::services::kyc
