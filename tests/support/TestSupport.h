#pragma once
// Helpers shared by the integration and e2e tests.

#include <QString>

namespace paydesk::testing {

// A TCP port nobody listens on right now (bound to port 0 and released).
quint16 freePort();
// A base port with room for every PayDesk port (base .. base+432) free at the moment.
quint16 freeBasePort();

} // namespace paydesk::testing
