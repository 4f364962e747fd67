#pragma once
// Each console operation as a request description (service, method, path, body), shared by the
// blocking typed calls of PlatformClient (payctl) and the asynchronous ones of the desktop console:
// `client.send(requests::merchant(id))` returns a QFuture, `client.sendSync(...)` blocks.

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace paydesk::api {

struct ApiRequest
{
    QString service;
    QByteArray method;
    QString pathAndQuery;
    QJsonObject body;
    int timeoutMs = 10000;
};

namespace requests {

ApiRequest login(const QString &username, const QString &password, const QString &totpCode = {});
ApiRequest refresh(const QString &refreshToken);
ApiRequest logout(const QString &refreshToken);

// admin-service: the installation's aggregated health and its 1 s history
ApiRequest systemHealth();
ApiRequest systemHealthHistory(const QString &service, int seconds);
// admin-service: stop, start or restart one service of the server ("stop" | "start" | "restart");
// answers the service's health after the action. Blocks until the service got there: long timeout.
ApiRequest controlService(const QString &service, const QString &action);
// any service: its recent log lines (newest first)
ApiRequest serviceLogs(const QString &service, int limit, const QString &minLevel = {});

// merchant-service
ApiRequest merchants(const QUrlQuery &filter);
ApiRequest merchant(const QString &id);
ApiRequest createMerchant(const QJsonObject &merchant);
ApiRequest changeMerchantStatus(const QString &id, const QString &action, const QString &reason);

// kyc-service
ApiRequest kycQueue(const QUrlQuery &filter);
ApiRequest kycCase(const QString &caseId);
ApiRequest decideKyc(const QString &caseId, bool approve, const QString &reason);
ApiRequest merchantKyc(const QString &merchantId);
ApiRequest kycDocumentContent(const QString &documentId);
ApiRequest uploadKycDocument(const QString &merchantId, const QJsonObject &document);

// merchant-auth-service
ApiRequest apiKeys(const QString &merchantId);
ApiRequest createApiKey(const QString &merchantId, const QString &environment, const QString &label);
ApiRequest rotateApiKey(const QString &keyId, int graceSeconds);
ApiRequest revokeApiKey(const QString &keyId, const QString &reason);

// merchant-limit-service
ApiRequest limits(const QString &merchantId);
ApiRequest setLimits(const QString &merchantId, const QJsonObject &limits);

// payment-gateway (admin routes)
ApiRequest payments(const QUrlQuery &filter);
ApiRequest payment(const QString &paymentNo); // with its timeline and refunds
ApiRequest refundPayment(const QString &paymentNo, qint64 amountMinor, const QString &reason);

// accounting-service
ApiRequest ledgerBalances(const QUrlQuery &filter);
ApiRequest verifyLedger();

// notification-service
ApiRequest webhookDeliveries(const QUrlQuery &filter);
ApiRequest redeliverWebhook(const QString &deliveryId);

// config-service
ApiRequest configValue(const QString &key);
// `secret` unset keeps the key's current secrecy (a secret stays sealed).
ApiRequest setConfigValue(const QString &key, const QJsonValue &value, std::optional<bool> secret = {});
ApiRequest flags();
ApiRequest flag(const QString &name);
ApiRequest setFlag(const QString &name, const QJsonObject &flag);

} // namespace requests
} // namespace paydesk::api
