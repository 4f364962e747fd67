// POST /api/v1/callbacks/{channel} (public, verified by channel-adapter) and
// POST /internal/v1/payments/expire-due (one sweep now; tests and operators).

#include "services/payment-gateway/flow/PaymentActions.h"
#include "services/payment-gateway/routes/GatewayRoutes.h"

namespace paydesk::services::gateway {

using namespace platform;

void addCallbackRoutes(Router &router, Gateway &gateway)
{
    Gateway *g = &gateway;
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/callbacks/{channel}"),
                .handler =
                    [g](const HttpRequest &r) {
                        return handleCallback(*g, r, r.pathParam(QStringLiteral("channel")));
                    },
                .access = Access::Public,
                .summary = QStringLiteral("Channel result callback (raw body; its signature is verified by "
                                          "channel-adapter before anything changes)")});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/internal/v1/payments/expire-due"),
                .handler =
                    [g](const HttpRequest &) {
                        const SweepResult result = sweepOnce(*g);
                        return HttpResponse::json(QJsonObject{
                            {QStringLiteral("expired"), result.expired},
                            {QStringLiteral("tasks_run"), result.tasks},
                            {QStringLiteral("idempotency_keys_purged"), result.idempotencyKeysPurged}});
                    },
                .access = Access::Internal,
                .summary = QStringLiteral("Run one expiry and follow-up sweep now")});
}

} // namespace paydesk::services::gateway
