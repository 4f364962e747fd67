#pragma once
// Signing secrets at rest: AES-256-GCM under the installation's master key (security/Crypto), the
// plaintext bound to its owner ("endpoint:<id>" or "merchant:<id>") so a sealed value copied into
// another row does not open there — as merchant-auth-service seals API secrets.

#include <QByteArray>
#include <QString>
#include <QUuid>

namespace paydesk::services::notification {

QByteArray sealEndpointSecret(const QByteArray &masterKey, const QUuid &endpointId, const QByteArray &secret);
bool openEndpointSecret(const QByteArray &masterKey, const QUuid &endpointId, const QByteArray &sealed,
                        QByteArray *secret);
QByteArray sealMerchantSecret(const QByteArray &masterKey, const QString &merchantId,
                              const QByteArray &secret);
bool openMerchantSecret(const QByteArray &masterKey, const QString &merchantId, const QByteArray &sealed,
                        QByteArray *secret);

} // namespace paydesk::services::notification
