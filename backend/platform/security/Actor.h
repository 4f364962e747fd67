#pragma once
// The actor a history row or event records for a change: who made it, as one string.

#include "platform/security/Principal.h"

namespace paydesk::platform {

// "admin:<id>", "merchant:<merchant id>" or "service:<name>"; `anonymous` (e.g. "public" for
// self-registration, "system" for a scheduled sweep) when nobody is signed in.
QString actorOf(const Principal &principal, const QString &anonymous);

} // namespace paydesk::platform
