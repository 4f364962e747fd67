#pragma once
// HS256 JSON Web Tokens (RFC 7519) for admin sessions. Only HS256 is accepted: a token naming
// another algorithm ("none", RS256 with a public key as HMAC secret, …) is rejected outright.

#include <QJsonObject>
#include <QString>

namespace paydesk::platform::jwt {

QByteArray sign(const QJsonObject &claims, const QByteArray &key);

// Verifies signature, `exp` (required) and `nbf`, with `nowSeconds` as the clock. On failure
// returns false and a reason fit for a 401 detail (never the token itself).
bool verify(const QByteArray &token, const QByteArray &key, qint64 nowSeconds, QJsonObject *claims,
            QString *reason);

} // namespace paydesk::platform::jwt
