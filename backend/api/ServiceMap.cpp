#include "api/ServiceMap.h"

namespace paydesk::api {

const QList<ServiceEndpoint> &knownServices()
{
    static const QList<ServiceEndpoint> kServices = {
        {"admin-service", 40001},         {"merchant-service", 40002},
        {"payment-gateway", 40003},       {"order-service", 40004},
        {"channel-adapter", 40005},       {"risk-service", 40006},
        {"accounting-service", 40007},    {"notification-service", 40008},
        {"analytics-service", 40009},     {"config-service", 40010},
        {"merchant-auth-service", 40011}, {"settlement-service", 40013},
        {"withdrawal-service", 40014},    {"kyc-service", 40015},
        {"cashier-service", 40016},       {"reconciliation-service", 40020},
        {"dispute-service", 40021},       {"merchant-limit-service", 40022},
    };
    return kServices;
}

QUrl ServiceMap::urlFor(const QString &service, const QString &pathAndQuery) const
{
    if (overrides.contains(service))
        return overrides.value(service).resolved(QUrl(pathAndQuery));
    quint16 seed = 0;
    for (const ServiceEndpoint &endpoint : knownServices()) {
        if (endpoint.name == service)
            seed = endpoint.seedPort;
    }
    if (seed == 0)
        return {};
    QUrl url;
    url.setScheme(scheme);
    url.setHost(host);
    url.setPort(basePort + (seed - 40000));
    return url.resolved(QUrl(pathAndQuery));
}

ServiceMap ServiceMap::fromUrl(const QUrl &clusterUrl)
{
    ServiceMap map;
    map.scheme = clusterUrl.scheme().isEmpty() ? QStringLiteral("http") : clusterUrl.scheme();
    map.host = clusterUrl.host().isEmpty() ? QStringLiteral("127.0.0.1") : clusterUrl.host();
    map.basePort = static_cast<quint16>(clusterUrl.port(40000));
    return map;
}

} // namespace paydesk::api
