// The routes behind each console operation (docs/api/). PlatformOperations.cpp wraps them in
// blocking calls for payctl; the desktop console sends them asynchronously.

#include "api/ApiRequests.h"

#include <QUrl>

namespace paydesk::api::requests {

namespace {
const QString kAdmin = QStringLiteral("admin-service");
const QString kMerchant = QStringLiteral("merchant-service");
const QString kKyc = QStringLiteral("kyc-service");
const QString kAuth = QStringLiteral("merchant-auth-service");
const QString kLimit = QStringLiteral("merchant-limit-service");
const QString kConfig = QStringLiteral("config-service");
const QString kAccounting = QStringLiteral("accounting-service");
const QString kGateway = QStringLiteral("payment-gateway");
const QString kNotification = QStringLiteral("notification-service");

QString withQuery(const QString &path, const QUrlQuery &query)
{
    return query.isEmpty() ? path : path + u'?' + query.toString(QUrl::FullyEncoded);
}

QString segment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}
} // namespace

ApiRequest login(const QString &username, const QString &password, const QString &totpCode)
{
    QJsonObject body{{QStringLiteral("username"), username}, {QStringLiteral("password"), password}};
    if (!totpCode.isEmpty())
        body.insert(QStringLiteral("totp_code"), totpCode);
    return {kAdmin, "POST", QStringLiteral("/api/v1/auth/login"), body};
}

ApiRequest refresh(const QString &refreshToken)
{
    return {kAdmin,
            "POST",
            QStringLiteral("/api/v1/auth/refresh"),
            {{QStringLiteral("refresh_token"), refreshToken}}};
}

ApiRequest logout(const QString &refreshToken)
{
    return {kAdmin,
            "POST",
            QStringLiteral("/api/v1/auth/logout"),
            {{QStringLiteral("refresh_token"), refreshToken}}};
}

ApiRequest systemHealth()
{
    return {kAdmin, "GET", QStringLiteral("/api/v1/system/health"), {}, 3000};
}

ApiRequest systemHealthHistory(const QString &service, int seconds)
{
    QUrlQuery query;
    if (!service.isEmpty())
        query.addQueryItem(QStringLiteral("service"), service);
    query.addQueryItem(QStringLiteral("seconds"), QString::number(seconds));
    return {kAdmin, "GET", withQuery(QStringLiteral("/api/v1/system/health/history"), query), {}, 3000};
}

ApiRequest controlService(const QString &service, const QString &action)
{
    // The server bounds a stop by shutdown_timeout_ms (+10 s) and a start by 60 s; a restart is both.
    return {kAdmin,
            "POST",
            QStringLiteral("/api/v1/system/services/%1/%2").arg(segment(service), action),
            {},
            120000};
}

ApiRequest serviceLogs(const QString &service, int limit, const QString &minLevel)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    if (!minLevel.isEmpty())
        query.addQueryItem(QStringLiteral("level"), minLevel);
    return {service, "GET", withQuery(QStringLiteral("/admin/v1/logs"), query)};
}

ApiRequest merchants(const QUrlQuery &filter)
{
    return {kMerchant, "GET", withQuery(QStringLiteral("/api/v1/merchants"), filter)};
}

ApiRequest merchant(const QString &id)
{
    return {kMerchant, "GET", QStringLiteral("/api/v1/merchants/") + segment(id)};
}

ApiRequest createMerchant(const QJsonObject &merchant)
{
    return {kMerchant, "POST", QStringLiteral("/api/v1/merchants"), merchant};
}

ApiRequest changeMerchantStatus(const QString &id, const QString &action, const QString &reason)
{
    return {kMerchant,
            "POST",
            QStringLiteral("/api/v1/merchants/%1/%2").arg(segment(id), segment(action)),
            {{QStringLiteral("reason"), reason}}};
}

ApiRequest kycQueue(const QUrlQuery &filter)
{
    return {kKyc, "GET", withQuery(QStringLiteral("/api/v1/kyc/queue"), filter)};
}

ApiRequest kycCase(const QString &caseId)
{
    return {kKyc, "GET", QStringLiteral("/api/v1/kyc/cases/") + segment(caseId)};
}

ApiRequest decideKyc(const QString &caseId, bool approve, const QString &reason)
{
    QJsonObject body;
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    return {kKyc, "POST",
            QStringLiteral("/api/v1/kyc/cases/%1/%2").arg(segment(caseId), approve ? "approve" : "reject"),
            body};
}

ApiRequest merchantKyc(const QString &merchantId)
{
    return {kKyc, "GET", QStringLiteral("/api/v1/merchants/%1/kyc").arg(segment(merchantId))};
}

ApiRequest kycDocumentContent(const QString &documentId)
{
    return {
        kKyc, "GET", QStringLiteral("/api/v1/kyc/documents/%1/content").arg(segment(documentId)), {}, 30000};
}

ApiRequest uploadKycDocument(const QString &merchantId, const QJsonObject &document)
{
    return {kKyc, "POST", QStringLiteral("/api/v1/merchants/%1/kyc/documents").arg(segment(merchantId)),
            document, 30000};
}

ApiRequest apiKeys(const QString &merchantId)
{
    return {kAuth, "GET", QStringLiteral("/api/v1/merchants/%1/api-keys").arg(segment(merchantId))};
}

ApiRequest createApiKey(const QString &merchantId, const QString &environment, const QString &label)
{
    QJsonObject body{{QStringLiteral("environment"), environment}};
    if (!label.isEmpty())
        body.insert(QStringLiteral("label"), label);
    return {kAuth, "POST", QStringLiteral("/api/v1/merchants/%1/api-keys").arg(segment(merchantId)), body};
}

ApiRequest rotateApiKey(const QString &keyId, int graceSeconds)
{
    return {kAuth,
            "POST",
            QStringLiteral("/api/v1/api-keys/%1/rotate").arg(segment(keyId)),
            {{QStringLiteral("grace_seconds"), graceSeconds}}};
}

ApiRequest revokeApiKey(const QString &keyId, const QString &reason)
{
    return {kAuth,
            "POST",
            QStringLiteral("/api/v1/api-keys/%1/revoke").arg(segment(keyId)),
            {{QStringLiteral("reason"), reason}}};
}

ApiRequest limits(const QString &merchantId)
{
    return {kLimit, "GET", QStringLiteral("/api/v1/merchants/%1/limits").arg(segment(merchantId))};
}

ApiRequest setLimits(const QString &merchantId, const QJsonObject &limits)
{
    return {kLimit, "PUT", QStringLiteral("/api/v1/merchants/%1/limits").arg(segment(merchantId)), limits};
}

ApiRequest configValue(const QString &key)
{
    return {kConfig, "GET", QStringLiteral("/api/v1/configs/") + segment(key)};
}

ApiRequest setConfigValue(const QString &key, const QJsonValue &value, std::optional<bool> secret)
{
    QJsonObject body{{QStringLiteral("value"), value}};
    if (secret)
        body.insert(QStringLiteral("is_secret"), *secret);
    return {kConfig, "PUT", QStringLiteral("/api/v1/configs/") + segment(key), body};
}

ApiRequest flags()
{
    return {kConfig, "GET", QStringLiteral("/api/v1/flags")};
}

ApiRequest flag(const QString &name)
{
    return {kConfig, "GET", QStringLiteral("/api/v1/flags/") + segment(name)};
}

ApiRequest setFlag(const QString &name, const QJsonObject &flag)
{
    return {kConfig, "PUT", QStringLiteral("/api/v1/flags/") + segment(name), flag};
}

ApiRequest payments(const QUrlQuery &filter)
{
    return {kGateway, "GET", withQuery(QStringLiteral("/api/v1/admin/payments"), filter)};
}

ApiRequest payment(const QString &paymentNo)
{
    return {kGateway, "GET", QStringLiteral("/api/v1/admin/payments/") + segment(paymentNo)};
}

ApiRequest refundPayment(const QString &paymentNo, qint64 amountMinor, const QString &reason)
{
    return {kGateway, "POST", QStringLiteral("/api/v1/admin/payments/%1/refunds").arg(segment(paymentNo)),
            QJsonObject{{QStringLiteral("amount_minor"), amountMinor}, {QStringLiteral("reason"), reason}}};
}

ApiRequest ledgerBalances(const QUrlQuery &filter)
{
    return {kAccounting, "GET", withQuery(QStringLiteral("/api/v1/ledger/balances"), filter)};
}

ApiRequest verifyLedger()
{
    // Recomputes every balance from its lines: give a large ledger time.
    return {kAccounting, "POST", QStringLiteral("/api/v1/ledger/verify"), {}, 60000};
}

ApiRequest webhookDeliveries(const QUrlQuery &filter)
{
    return {kNotification, "GET", withQuery(QStringLiteral("/api/v1/admin/webhooks/deliveries"), filter)};
}

ApiRequest redeliverWebhook(const QString &deliveryId)
{
    return {kNotification, "POST",
            QStringLiteral("/api/v1/admin/webhooks/deliveries/%1/redeliver").arg(segment(deliveryId))};
}

} // namespace paydesk::api::requests
