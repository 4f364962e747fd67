// The typed operations of PlatformClient: one function per console action, named after what the
// operator does, mapping onto the services' routes (docs/api/).

#include "api/PlatformClient.h"

#include <QUrlQuery>

namespace paydesk::api {

namespace {
QString withQuery(const QString &path, const QUrlQuery &query)
{
    return query.isEmpty() ? path : path + u'?' + query.toString(QUrl::FullyEncoded);
}

QString segment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}
} // namespace

ApiResult PlatformClient::login(const QString &username, const QString &password, const QString &totpCode)
{
    QJsonObject body{{QStringLiteral("username"), username}, {QStringLiteral("password"), password}};
    if (!totpCode.isEmpty())
        body.insert(QStringLiteral("totp_code"), totpCode);
    ApiResult result =
        sendSync(QStringLiteral("admin-service"), "POST", QStringLiteral("/api/v1/auth/login"), body);
    if (result.ok())
        m_accessToken = result.object().value(QStringLiteral("access_token")).toString().toLatin1();
    return result;
}

ApiResult PlatformClient::refresh(const QString &refreshToken)
{
    ApiResult result =
        sendSync(QStringLiteral("admin-service"), "POST", QStringLiteral("/api/v1/auth/refresh"),
                 {{QStringLiteral("refresh_token"), refreshToken}});
    if (result.ok())
        m_accessToken = result.object().value(QStringLiteral("access_token")).toString().toLatin1();
    return result;
}

ApiResult PlatformClient::merchants(const QUrlQuery &filter)
{
    return sendSync(QStringLiteral("merchant-service"), "GET",
                    withQuery(QStringLiteral("/api/v1/merchants"), filter));
}

ApiResult PlatformClient::merchant(const QString &id)
{
    return sendSync(QStringLiteral("merchant-service"), "GET",
                    QStringLiteral("/api/v1/merchants/") + segment(id));
}

ApiResult PlatformClient::createMerchant(const QJsonObject &merchant)
{
    return sendSync(QStringLiteral("merchant-service"), "POST", QStringLiteral("/api/v1/merchants"),
                    merchant);
}

ApiResult PlatformClient::changeMerchantStatus(const QString &id, const QString &action,
                                               const QString &reason)
{
    return sendSync(QStringLiteral("merchant-service"), "POST",
                    QStringLiteral("/api/v1/merchants/%1/%2").arg(segment(id), segment(action)),
                    {{QStringLiteral("reason"), reason}});
}

ApiResult PlatformClient::kycQueue(const QUrlQuery &filter)
{
    return sendSync(QStringLiteral("kyc-service"), "GET",
                    withQuery(QStringLiteral("/api/v1/kyc/queue"), filter));
}

ApiResult PlatformClient::kycCase(const QString &caseId)
{
    return sendSync(QStringLiteral("kyc-service"), "GET",
                    QStringLiteral("/api/v1/kyc/cases/") + segment(caseId));
}

ApiResult PlatformClient::decideKyc(const QString &caseId, bool approve, const QString &reason)
{
    QJsonObject body;
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    return sendSync(
        QStringLiteral("kyc-service"), "POST",
        QStringLiteral("/api/v1/kyc/cases/%1/%2").arg(segment(caseId), approve ? "approve" : "reject"), body);
}

ApiResult PlatformClient::apiKeys(const QString &merchantId)
{
    return sendSync(QStringLiteral("merchant-auth-service"), "GET",
                    QStringLiteral("/api/v1/merchants/%1/api-keys").arg(segment(merchantId)));
}

ApiResult PlatformClient::createApiKey(const QString &merchantId, const QString &environment,
                                       const QString &label)
{
    QJsonObject body{{QStringLiteral("environment"), environment}};
    if (!label.isEmpty())
        body.insert(QStringLiteral("label"), label);
    return sendSync(QStringLiteral("merchant-auth-service"), "POST",
                    QStringLiteral("/api/v1/merchants/%1/api-keys").arg(segment(merchantId)), body);
}

ApiResult PlatformClient::rotateApiKey(const QString &keyId, int graceSeconds)
{
    return sendSync(QStringLiteral("merchant-auth-service"), "POST",
                    QStringLiteral("/api/v1/api-keys/%1/rotate").arg(segment(keyId)),
                    {{QStringLiteral("grace_seconds"), graceSeconds}});
}

ApiResult PlatformClient::revokeApiKey(const QString &keyId, const QString &reason)
{
    return sendSync(QStringLiteral("merchant-auth-service"), "POST",
                    QStringLiteral("/api/v1/api-keys/%1/revoke").arg(segment(keyId)),
                    {{QStringLiteral("reason"), reason}});
}

ApiResult PlatformClient::limits(const QString &merchantId)
{
    return sendSync(QStringLiteral("merchant-limit-service"), "GET",
                    QStringLiteral("/api/v1/merchants/%1/limits").arg(segment(merchantId)));
}

ApiResult PlatformClient::setLimits(const QString &merchantId, const QJsonObject &limits)
{
    return sendSync(QStringLiteral("merchant-limit-service"), "PUT",
                    QStringLiteral("/api/v1/merchants/%1/limits").arg(segment(merchantId)), limits);
}

ApiResult PlatformClient::ledgerBalances(const QUrlQuery &filter)
{
    return sendSync(QStringLiteral("accounting-service"), "GET",
                    withQuery(QStringLiteral("/api/v1/ledger/balances"), filter));
}

ApiResult PlatformClient::verifyLedger()
{
    return sendSync(QStringLiteral("accounting-service"), "POST", QStringLiteral("/api/v1/ledger/verify"), {},
                    60000);
}

ApiResult PlatformClient::configValue(const QString &key)
{
    return sendSync(QStringLiteral("config-service"), "GET",
                    QStringLiteral("/api/v1/configs/") + segment(key));
}

ApiResult PlatformClient::setConfigValue(const QString &key, const QJsonValue &value,
                                         std::optional<bool> secret)
{
    QJsonObject body{{QStringLiteral("value"), value}};
    if (secret)
        body.insert(QStringLiteral("is_secret"), *secret);
    return sendSync(QStringLiteral("config-service"), "PUT",
                    QStringLiteral("/api/v1/configs/") + segment(key), body);
}

ApiResult PlatformClient::flag(const QString &name)
{
    return sendSync(QStringLiteral("config-service"), "GET",
                    QStringLiteral("/api/v1/flags/") + segment(name));
}

ApiResult PlatformClient::flags()
{
    return sendSync(QStringLiteral("config-service"), "GET", QStringLiteral("/api/v1/flags"));
}

ApiResult PlatformClient::setFlag(const QString &name, const QJsonObject &flag)
{
    return sendSync(QStringLiteral("config-service"), "PUT", QStringLiteral("/api/v1/flags/") + segment(name),
                    flag);
}

ApiResult PlatformClient::webhookDeliveries(const QUrlQuery &filter)
{
    return sendSync(QStringLiteral("notification-service"), "GET",
                    withQuery(QStringLiteral("/api/v1/admin/webhooks/deliveries"), filter));
}

ApiResult PlatformClient::redeliverWebhook(const QString &deliveryId)
{
    return sendSync(
        QStringLiteral("notification-service"), "POST",
        QStringLiteral("/api/v1/admin/webhooks/deliveries/%1/redeliver").arg(segment(deliveryId)));
}

} // namespace paydesk::api
