#include "platform/security/Jwt.h"

#include "platform/security/Crypto.h"

#include <QJsonDocument>
#include <QList>

namespace paydesk::platform::jwt {

QByteArray sign(const QJsonObject &claims, const QByteArray &key)
{
    static const QByteArray kHeader = crypto::base64Url(
        QJsonDocument(QJsonObject{{"alg", "HS256"}, {"typ", "JWT"}}).toJson(QJsonDocument::Compact));
    const QByteArray signingInput =
        kHeader + '.' + crypto::base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return signingInput + '.' + crypto::base64Url(crypto::hmacSha256(key, signingInput));
}

bool verify(const QByteArray &token, const QByteArray &key, qint64 nowSeconds, QJsonObject *claims,
            QString *reason)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3) {
        *reason = QStringLiteral("malformed token");
        return false;
    }
    bool ok = false;
    const QJsonObject header = QJsonDocument::fromJson(crypto::fromBase64Url(parts[0], &ok)).object();
    if (!ok || header.value(QStringLiteral("alg")).toString() != QStringLiteral("HS256")) {
        *reason = QStringLiteral("unsupported token algorithm");
        return false;
    }
    const QByteArray signature = crypto::fromBase64Url(parts[2], &ok);
    if (!ok || !crypto::constantTimeEquals(signature, crypto::hmacSha256(key, parts[0] + '.' + parts[1]))) {
        *reason = QStringLiteral("invalid token signature");
        return false;
    }
    const QJsonObject body = QJsonDocument::fromJson(crypto::fromBase64Url(parts[1], &ok)).object();
    if (!ok || body.isEmpty()) {
        *reason = QStringLiteral("malformed token claims");
        return false;
    }
    const QJsonValue exp = body.value(QStringLiteral("exp"));
    if (!exp.isDouble() || static_cast<qint64>(exp.toDouble()) <= nowSeconds) {
        *reason = QStringLiteral("token expired");
        return false;
    }
    if (body.contains(QStringLiteral("nbf")) &&
        static_cast<qint64>(body.value(QStringLiteral("nbf")).toDouble()) > nowSeconds) {
        *reason = QStringLiteral("token not yet valid");
        return false;
    }
    *claims = body;
    return true;
}

} // namespace paydesk::platform::jwt
