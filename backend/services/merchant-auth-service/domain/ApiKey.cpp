#include "services/merchant-auth-service/domain/ApiKey.h"

#include "platform/security/Crypto.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::services::merchantauth {

QString formatKeyId(const QString &environment, const QByteArray &random)
{
    Q_ASSERT(kEnvironments.contains(environment) && random.size() == kKeyIdRandomBytes);
    return QStringLiteral("pk_%1_%2").arg(environment, QString::fromLatin1(random.toHex()));
}

QString formatSecret(const QString &environment, const QByteArray &random)
{
    Q_ASSERT(kEnvironments.contains(environment) && random.size() == kSecretRandomBytes);
    return QStringLiteral("sk_%1_%2")
        .arg(environment, QString::fromLatin1(platform::crypto::base64Url(random)));
}

bool isWellFormedKeyId(const QString &keyId)
{
    static const QRegularExpression pattern(QStringLiteral("^pk_(test|live)_[0-9a-f]{32}\\z"));
    return pattern.match(keyId).hasMatch();
}

ApiKey::Usability ApiKey::usabilityAt(const QDateTime &now) const
{
    if (status != QStringLiteral("active"))
        return Usability::Revoked;
    if (expiresAt.isValid() && now >= expiresAt)
        return Usability::Expired;
    if (graceUntil.isValid() && now >= graceUntil)
        return Usability::GraceOver;
    return Usability::Usable;
}

QString ApiKey::stateAt(const QDateTime &now) const
{
    switch (usabilityAt(now)) {
    case Usability::Revoked:
        return QStringLiteral("revoked");
    case Usability::Expired:
        return QStringLiteral("expired");
    case Usability::GraceOver:
        return QStringLiteral("retired");
    case Usability::Usable:
        break;
    }
    return graceUntil.isValid() ? QStringLiteral("grace") : QStringLiteral("active");
}

QJsonObject ApiKey::toJson(const QDateTime &now) const
{
    auto orNull = [](const QString &text) { return text.isEmpty() ? QJsonValue() : QJsonValue(text); };
    auto timeOrNull = [](const QDateTime &time) {
        return time.isValid() ? QJsonValue(toRfc3339(time)) : QJsonValue();
    };
    return {
        {QStringLiteral("key_id"), keyId},
        {QStringLiteral("merchant_id"), merchantId},
        {QStringLiteral("environment"), environment},
        {QStringLiteral("status"), status},
        {QStringLiteral("state"), stateAt(now)},
        {QStringLiteral("label"), label},
        {QStringLiteral("ip_allowlist"), QJsonArray::fromStringList(ipAllowlist)},
        {QStringLiteral("created_at"), timeOrNull(createdAt)},
        {QStringLiteral("expires_at"), timeOrNull(expiresAt)},
        {QStringLiteral("last_used_at"), timeOrNull(lastUsedAt)},
        {QStringLiteral("rotated_from"), orNull(rotatedFrom)},
        {QStringLiteral("rotated_to"), orNull(rotatedTo)},
        {QStringLiteral("grace_until"), timeOrNull(graceUntil)},
        {QStringLiteral("revoked_at"), timeOrNull(revokedAt)},
        {QStringLiteral("revoked_reason"), orNull(revokedReason)},
    };
}

QByteArray sealingPlaintext(const QString &keyId, const QString &secret)
{
    return keyId.toLatin1() + '\n' + secret.toLatin1();
}

QString secretFromSealingPlaintext(const QString &keyId, const QByteArray &plaintext)
{
    const QByteArray prefix = keyId.toLatin1() + '\n';
    if (!plaintext.startsWith(prefix))
        return {};
    return QString::fromLatin1(plaintext.mid(prefix.size()));
}

QString toRfc3339(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace paydesk::services::merchantauth
