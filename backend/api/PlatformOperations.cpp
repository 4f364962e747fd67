// The typed operations of PlatformClient: one function per console action, named after what the
// operator does, mapping onto the services' routes (docs/api/).

#include "api/PlatformClient.h"

#include "api/ApiRequests.h"

#include <QUrlQuery>

namespace paydesk::api {

ApiResult PlatformClient::login(const QString &username, const QString &password, const QString &totpCode)
{
    ApiResult result = sendSync(requests::login(username, password, totpCode));
    if (result.ok())
        m_accessToken = result.object().value(QStringLiteral("access_token")).toString().toLatin1();
    return result;
}

ApiResult PlatformClient::refresh(const QString &refreshToken)
{
    ApiResult result = sendSync(requests::refresh(refreshToken));
    if (result.ok())
        m_accessToken = result.object().value(QStringLiteral("access_token")).toString().toLatin1();
    return result;
}

ApiResult PlatformClient::controlService(const QString &service, const QString &action)
{
    return sendSync(requests::controlService(service, action));
}

ApiResult PlatformClient::merchants(const QUrlQuery &filter)
{
    return sendSync(requests::merchants(filter));
}

ApiResult PlatformClient::merchant(const QString &id)
{
    return sendSync(requests::merchant(id));
}

ApiResult PlatformClient::createMerchant(const QJsonObject &merchant)
{
    return sendSync(requests::createMerchant(merchant));
}

ApiResult PlatformClient::changeMerchantStatus(const QString &id, const QString &action,
                                               const QString &reason)
{
    return sendSync(requests::changeMerchantStatus(id, action, reason));
}

ApiResult PlatformClient::kycQueue(const QUrlQuery &filter)
{
    return sendSync(requests::kycQueue(filter));
}

ApiResult PlatformClient::kycCase(const QString &caseId)
{
    return sendSync(requests::kycCase(caseId));
}

ApiResult PlatformClient::decideKyc(const QString &caseId, bool approve, const QString &reason)
{
    return sendSync(requests::decideKyc(caseId, approve, reason));
}

ApiResult PlatformClient::apiKeys(const QString &merchantId)
{
    return sendSync(requests::apiKeys(merchantId));
}

ApiResult PlatformClient::createApiKey(const QString &merchantId, const QString &environment,
                                       const QString &label)
{
    return sendSync(requests::createApiKey(merchantId, environment, label));
}

ApiResult PlatformClient::rotateApiKey(const QString &keyId, int graceSeconds)
{
    return sendSync(requests::rotateApiKey(keyId, graceSeconds));
}

ApiResult PlatformClient::revokeApiKey(const QString &keyId, const QString &reason)
{
    return sendSync(requests::revokeApiKey(keyId, reason));
}

ApiResult PlatformClient::limits(const QString &merchantId)
{
    return sendSync(requests::limits(merchantId));
}

ApiResult PlatformClient::setLimits(const QString &merchantId, const QJsonObject &limits)
{
    return sendSync(requests::setLimits(merchantId, limits));
}

ApiResult PlatformClient::payments(const QUrlQuery &filter)
{
    return sendSync(requests::payments(filter));
}

ApiResult PlatformClient::payment(const QString &paymentNo)
{
    return sendSync(requests::payment(paymentNo));
}

ApiResult PlatformClient::refundPayment(const QString &paymentNo, qint64 amountMinor, const QString &reason)
{
    return sendSync(requests::refundPayment(paymentNo, amountMinor, reason));
}

ApiResult PlatformClient::ledgerBalances(const QUrlQuery &filter)
{
    return sendSync(requests::ledgerBalances(filter));
}

ApiResult PlatformClient::verifyLedger()
{
    return sendSync(requests::verifyLedger());
}

ApiResult PlatformClient::configValue(const QString &key)
{
    return sendSync(requests::configValue(key));
}

ApiResult PlatformClient::setConfigValue(const QString &key, const QJsonValue &value,
                                         std::optional<bool> secret)
{
    return sendSync(requests::setConfigValue(key, value, secret));
}

ApiResult PlatformClient::flag(const QString &name)
{
    return sendSync(requests::flag(name));
}

ApiResult PlatformClient::flags()
{
    return sendSync(requests::flags());
}

ApiResult PlatformClient::setFlag(const QString &name, const QJsonObject &flag)
{
    return sendSync(requests::setFlag(name, flag));
}

ApiResult PlatformClient::webhookDeliveries(const QUrlQuery &filter)
{
    return sendSync(requests::webhookDeliveries(filter));
}

ApiResult PlatformClient::redeliverWebhook(const QString &deliveryId)
{
    return sendSync(requests::redeliverWebhook(deliveryId));
}

} // namespace paydesk::api
