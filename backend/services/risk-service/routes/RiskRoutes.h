#pragma once
// Route groups of risk-service. Handlers run on workers.

#include "platform/host/ServiceRuntime.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include <memory>
#include <optional>

namespace paydesk::services::risk {

inline const QString kServiceName = QStringLiteral("risk-service");

// risk_checks_total{decision} and risk_check_duration_seconds on the service's /metrics.
struct RiskMetrics
{
    explicit RiskMetrics(prometheus::Registry &registry);
    prometheus::Counter *pass = nullptr;
    prometheus::Counter *review = nullptr;
    prometheus::Counter *reject = nullptr;
    prometheus::Histogram *duration = nullptr;
};

// POST /internal/v1/risk/check (payment-gateway).
void addCheckRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                    std::shared_ptr<RiskMetrics> metrics);
// /api/v1/risk/rules… and /api/v1/risk/settings (routes/RuleRoutes.cpp).
void addRuleRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// /api/v1/risk/blacklist… and /api/v1/risk/checks… (routes/BlacklistRoutes.cpp).
void addBlacklistRoutes(platform::Router &router, platform::ServiceRuntime &runtime);

// ---- shared by the admin route files ----
inline const QString kViewPermission = QStringLiteral("risk.view");
inline const QString kManagePermission = QStringLiteral("risk.manage");

// One Access::Admin route: risk.manage when `manage`, risk.view otherwise.
struct AdminRoute
{
    QByteArray method;
    QString pattern;
    bool manage = false;
    bool jsonBody = false;
    platform::HttpResponse (*handler)(platform::ServiceRuntime &, const platform::HttpRequest &) = nullptr;
    QString summary;
    int successStatus = 200;
};
void addAdminRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                    const QList<AdminRoute> &routes);

// The positive integer {id} of the path, if it is one.
inline std::optional<qint64> idParam(const platform::HttpRequest &request)
{
    bool ok = false;
    const qint64 id = request.pathParam(QStringLiteral("id")).toLongLong(&ok);
    return ok && id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

// A mutating admin answer whose audit event was appended in its transaction.
inline platform::HttpResponse audited(platform::HttpResponse response)
{
    response.audited = true;
    return response;
}

} // namespace paydesk::services::risk
