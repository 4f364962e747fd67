#pragma once
// Helpers shared by the integration and e2e tests.

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace paydesk::testing {

// A TCP port nobody listens on right now (bound to port 0 and released).
quint16 freePort();
// A base port with room for every PayDesk port (base .. base+432) free at the moment.
quint16 freeBasePort();

// An admin access token signed with the installation's key in <dataDir>/secrets/jwt.key.
QByteArray adminToken(const QString &dataDir, const QStringList &permissions, int ttlSeconds = 600);

// Headers of a signed merchant API request (spec §3.1): X-API-Key, X-Timestamp (now, RFC 3339),
// a fresh X-Nonce and X-Signature. v2 (the default here) signs METHOD + path + timestamp + nonce +
// body; v1 signs timestamp + nonce + body. Add Idempotency-Key and Content-Type yourself.
QHash<QByteArray, QByteArray> signedHeaders(const QByteArray &apiKey, const QByteArray &secret,
                                            const QByteArray &method, const QByteArray &pathAndQuery,
                                            const QByteArray &body, bool v2 = true);

} // namespace paydesk::testing
