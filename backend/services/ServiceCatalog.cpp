#include "services/ServiceCatalog.h"

#include "services/accounting-service/AccountingService.h"
#include "services/admin-service/AdminService.h"
#include "services/analytics-service/AnalyticsService.h"
#include "services/cashier-service/CashierService.h"
#include "services/channel-adapter/ChannelAdapterService.h"
#include "services/config-service/ConfigService.h"
#include "services/kyc-service/KycService.h"
#include "services/merchant-auth-service/MerchantAuthService.h"
#include "services/merchant-limit-service/MerchantLimitService.h"
#include "services/merchant-service/MerchantService.h"
#include "services/notification-service/NotificationService.h"
#include "services/order-service/OrderService.h"
#include "services/payment-gateway/PaymentGatewayService.h"
#include "services/risk-service/RiskService.h"

namespace paydesk::services {

using platform::Service;
using platform::ServiceCatalogEntry;
using platform::ServiceDescriptor;

namespace {
// Services whose domain is still to come get the platform's behaviour only: health, readiness,
// metrics, logs, OpenAPI, their own migrated database with outbox and idempotency tables.
ServiceCatalogEntry platformOnly(ServiceDescriptor descriptor)
{
    return {descriptor, [descriptor](const QString &) { return std::make_unique<Service>(descriptor); }};
}

// Services with their own domain code: `create` builds the Service subclass for `descriptor`.
ServiceCatalogEntry hosted(ServiceDescriptor descriptor,
                           std::unique_ptr<Service> (*create)(const ServiceDescriptor &))
{
    return {descriptor, [descriptor, create](const QString &) { return create(descriptor); }};
}
} // namespace

QList<ServiceCatalogEntry> catalog()
{
    return {
        hosted({"admin-service", 40001, "payment_admin", "Admin users, roles and permissions, audit log"},
               admin::createAdminService),
        hosted({"merchant-service", 40002, "payment_merchant", "Merchant master data, tiers and status"},
               merchant::createMerchantService),
        hosted({"payment-gateway", 40003, "payment_gateway", "Signed merchant payment and refund API"},
               gateway::createPaymentGatewayService),
        hosted({"order-service", 40004, "payment_order", "Order lifecycle"}, orders::createOrderService),
        hosted({"channel-adapter", 40005, "payment_channel", "Payment channel plugins and routing"},
               channels::createChannelAdapterService),
        hosted({"risk-service", 40006, "payment_risk", "Risk scoring, rules and blacklist"},
               risk::createRiskService),
        hosted({"accounting-service", 40007, "payment_accounting", "Double-entry ledger and balances"},
               accounting::createAccountingService),
        hosted({"notification-service", 40008, "payment_notify", "Merchant webhooks and notifications"},
               notification::createNotificationService),
        hosted({"analytics-service", 40009, "payment_analytics", "Volumes, success rates and revenue"},
               analytics::createAnalyticsService),
        hosted({"config-service", 40010, "payment_config", "Dynamic config, feature flags, service registry"},
               config::createConfigService),
        hosted({"merchant-auth-service", 40011, "payment_merchant_auth", "API keys and request signatures"},
               merchantauth::createMerchantAuthService),
        platformOnly(
            {"settlement-service", 40013, "payment_settlement", "Settlement cycles, fees and statements"}),
        platformOnly(
            {"withdrawal-service", 40014, "payment_withdrawal", "Withdrawals with approvals and payouts"}),
        hosted({"kyc-service", 40015, "payment_kyc", "KYC documents, review and levels"},
               kyc::createKycService),
        hosted({"cashier-service", 40016, "payment_cashier", "Hosted checkout sessions"},
               cashier::createCashierService),
        platformOnly(
            {"reconciliation-service", 40020, "payment_reconciliation", "Channel statement reconciliation"}),
        platformOnly({"dispute-service", 40021, "payment_dispute", "Chargebacks, evidence and outcomes"}),
        hosted({"merchant-limit-service", 40022, "payment_merchant_limit",
                "Per-merchant amount and count limits"},
               limits::createMerchantLimitService),
    };
}

} // namespace paydesk::services
