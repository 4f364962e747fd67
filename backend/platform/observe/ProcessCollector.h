#pragma once
// Process-wide metrics (the standard process_* names) read from /proc at scrape time. One instance
// is shared by every service's registry: all 18 services are the same process.

#include <prometheus/collectable.h>

#include <memory>

namespace paydesk::platform {

class ProcessCollector : public prometheus::Collectable
{
public:
    static std::shared_ptr<ProcessCollector> shared();
    std::vector<prometheus::MetricFamily> Collect() const override;

    struct Sample
    {
        double residentBytes = 0;
        double virtualBytes = 0;
        double cpuSeconds = 0;
        double threads = 0;
        double openFds = 0;
        double startTimeSeconds = 0;
    };
    static Sample sample();
};

} // namespace paydesk::platform
