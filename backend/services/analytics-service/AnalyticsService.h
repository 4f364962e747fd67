#pragma once
// analytics-service (spec §4.9): payment.events into per-minute buckets per merchant and currency
// (counts, amounts, created → outcome latency histogram) and the admin reads the wallboard and the
// console show. README.md has the tables and rules.

#include "platform/host/Service.h"

#include <memory>

namespace paydesk::services::analytics {

class AnalyticsService : public platform::Service
{
public:
    explicit AnalyticsService(platform::ServiceDescriptor descriptor) : Service(std::move(descriptor)) {}
    void registerRoutes(platform::Router &router, platform::ServiceRuntime &runtime) override;
    QList<QPair<QString, QString>> consumedTopics() const override;
    void onReady(platform::ServiceRuntime &runtime) override;
};

std::unique_ptr<platform::Service> createAnalyticsService(const platform::ServiceDescriptor &descriptor);

} // namespace paydesk::services::analytics
