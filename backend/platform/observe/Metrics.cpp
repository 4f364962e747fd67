#include "platform/observe/Metrics.h"
#include "platform/observe/ProcessCollector.h"

#include <prometheus/text_serializer.h>

namespace paydesk::platform {

namespace {
const prometheus::Histogram::BucketBoundaries &latencyBuckets()
{
    // 1 ms … 10 s: the seed's alerting looks at p95 > 1 s and p99 > 2 s.
    static const prometheus::Histogram::BucketBoundaries kBuckets = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0};
    return kBuckets;
}
} // namespace

ServiceMetrics::ServiceMetrics(const QString &service)
    : m_service(service.toStdString()), m_registry(std::make_shared<prometheus::Registry>())
{
    const prometheus::Labels labels{{"service", m_service}};
    m_requests = &prometheus::BuildCounter()
                      .Name("http_requests_total")
                      .Help("HTTP requests handled, by route template and status")
                      .Register(*m_registry);
    m_duration = &prometheus::BuildHistogram()
                      .Name("http_request_duration_seconds")
                      .Help("HTTP request latency from routing to the last byte handed to the socket")
                      .Register(*m_registry);
    auto &pool = prometheus::BuildGauge()
                     .Name("db_pool_connections")
                     .Help("Database connections of this service by state")
                     .Register(*m_registry);
    m_dbOpen = &pool.Add({{"service", m_service}, {"state", "open"}});
    m_dbInUse = &pool.Add({{"service", m_service}, {"state", "in_use"}});
    m_dbMax = &prometheus::BuildGauge()
                   .Name("db_pool_max_connections")
                   .Help("Upper bound of database connections of this service")
                   .Register(*m_registry)
                   .Add(labels);
    m_ready = &prometheus::BuildGauge()
                   .Name("service_ready")
                   .Help("1 when the service's readiness checks pass")
                   .Register(*m_registry)
                   .Add(labels);
    m_outboxPublished = &prometheus::BuildCounter()
                             .Name("outbox_events_published_total")
                             .Help("Outbox events handed to the event bus and acknowledged")
                             .Register(*m_registry)
                             .Add(labels);
    m_outboxPending = &prometheus::BuildGauge()
                           .Name("outbox_events_pending")
                           .Help("Outbox events not yet published at the last relay pass")
                           .Register(*m_registry)
                           .Add(labels);
}

void ServiceMetrics::recordRequest(const QByteArray &method, const QString &route, int status, double seconds)
{
    QByteArray key = method;
    key.append('\0').append(route.toUtf8()).append('\0').append(QByteArray::number(status));
    auto it = m_series.find(key);
    if (it == m_series.end()) {
        const std::string routeText = route.toStdString();
        const std::string methodText = method.toStdString();
        Series series;
        series.requests = &m_requests->Add({{"service", m_service},
                                            {"method", methodText},
                                            {"route", routeText},
                                            {"status", std::to_string(status)}});
        QByteArray durationKey = method + '\0' + route.toUtf8();
        auto histogram = m_durationByRoute.value(durationKey);
        if (!histogram) {
            histogram = &m_duration->Add(
                {{"service", m_service}, {"method", methodText}, {"route", routeText}}, latencyBuckets());
            m_durationByRoute.insert(durationKey, histogram);
        }
        series.duration = histogram;
        it = m_series.insert(key, series);
    }
    it->requests->Increment();
    it->duration->Observe(seconds);
}

QByteArray ServiceMetrics::exposition() const
{
    std::vector<prometheus::MetricFamily> families = m_registry->Collect();
    for (auto &family : ProcessCollector::shared()->Collect())
        families.push_back(std::move(family));
    const std::string text = prometheus::TextSerializer().Serialize(families);
    return QByteArray::fromStdString(text);
}

} // namespace paydesk::platform
