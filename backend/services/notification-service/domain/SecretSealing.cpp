#include "services/notification-service/domain/SecretSealing.h"

#include "platform/security/Crypto.h"

namespace paydesk::services::notification {

namespace {
QByteArray seal(const QByteArray &masterKey, const QByteArray &owner, const QByteArray &secret)
{
    return platform::crypto::encrypt(masterKey, owner + '\n' + secret);
}

bool open(const QByteArray &masterKey, const QByteArray &owner, const QByteArray &sealed, QByteArray *secret)
{
    QByteArray plaintext;
    if (!platform::crypto::decrypt(masterKey, sealed, &plaintext) || !plaintext.startsWith(owner + '\n'))
        return false;
    *secret = plaintext.mid(owner.size() + 1);
    return !secret->isEmpty();
}

QByteArray endpointOwner(const QUuid &id)
{
    return "endpoint:" + id.toByteArray(QUuid::WithoutBraces);
}

QByteArray merchantOwner(const QString &merchantId)
{
    return "merchant:" + merchantId.toUtf8();
}
} // namespace

QByteArray sealEndpointSecret(const QByteArray &masterKey, const QUuid &endpointId, const QByteArray &secret)
{
    return seal(masterKey, endpointOwner(endpointId), secret);
}

bool openEndpointSecret(const QByteArray &masterKey, const QUuid &endpointId, const QByteArray &sealed,
                        QByteArray *secret)
{
    return open(masterKey, endpointOwner(endpointId), sealed, secret);
}

QByteArray sealMerchantSecret(const QByteArray &masterKey, const QString &merchantId,
                              const QByteArray &secret)
{
    return seal(masterKey, merchantOwner(merchantId), secret);
}

bool openMerchantSecret(const QByteArray &masterKey, const QString &merchantId, const QByteArray &sealed,
                        QByteArray *secret)
{
    return open(masterKey, merchantOwner(merchantId), sealed, secret);
}

} // namespace paydesk::services::notification
