#pragma once
// Helpers shared by the integration and e2e tests.

#include <QString>
#include <QStringList>

namespace paydesk::testing {

// A TCP port nobody listens on right now (bound to port 0 and released).
quint16 freePort();
// A base port with room for every PayDesk port (base .. base+432) free at the moment.
quint16 freeBasePort();

// An admin access token signed with the installation's key in <dataDir>/secrets/jwt.key.
QByteArray adminToken(const QString &dataDir, const QStringList &permissions, int ttlSeconds = 600);

} // namespace paydesk::testing
