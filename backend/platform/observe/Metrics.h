#pragma once
// Prometheus metrics of one service, served on its /metrics. Metric references are cached per
// label set because Family::Add locks and searches; the cache belongs to the service thread (the
// only thread that records request metrics), so it needs no lock of its own.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <QByteArray>
#include <QHash>
#include <QString>

#include <memory>

namespace paydesk::platform {

class ServiceMetrics
{
public:
    explicit ServiceMetrics(const QString &service);

    // Service thread only.
    void recordRequest(const QByteArray &method, const QString &route, int status, double seconds);

    // Any thread: gauges are atomic.
    prometheus::Gauge &dbPoolOpen() { return *m_dbOpen; }
    prometheus::Gauge &dbPoolInUse() { return *m_dbInUse; }
    prometheus::Gauge &dbPoolMax() { return *m_dbMax; }
    prometheus::Gauge &ready() { return *m_ready; }
    prometheus::Counter &outboxPublished() { return *m_outboxPublished; }
    prometheus::Gauge &outboxPending() { return *m_outboxPending; }

    std::shared_ptr<prometheus::Registry> registry() const { return m_registry; }
    QByteArray exposition() const; // Prometheus text format 0.0.4

private:
    const std::string m_service;
    std::shared_ptr<prometheus::Registry> m_registry;
    prometheus::Family<prometheus::Counter> *m_requests = nullptr;
    prometheus::Family<prometheus::Histogram> *m_duration = nullptr;
    prometheus::Gauge *m_dbOpen = nullptr;
    prometheus::Gauge *m_dbInUse = nullptr;
    prometheus::Gauge *m_dbMax = nullptr;
    prometheus::Gauge *m_ready = nullptr;
    prometheus::Counter *m_outboxPublished = nullptr;
    prometheus::Gauge *m_outboxPending = nullptr;

    struct Series
    {
        prometheus::Counter *requests;
        prometheus::Histogram *duration;
    };
    QHash<QByteArray, Series> m_series; // key: method \0 route \0 status
    QHash<QByteArray, prometheus::Histogram *> m_durationByRoute;
};

} // namespace paydesk::platform
