#pragma once
// Role grants and the permissions an access token carries. A grant is a permission code
// ("merchant.view") or a pattern: "*" (everything), "<resource>.*" (every action on a resource)
// or "*.<action>" (that action on every resource). Principal::can understands "*" and
// "<resource>.*" itself, so tokens carry those as they are; "*.<action>" is expanded against the
// known permission codes, because nothing downstream matches it.

#include <QStringList>

namespace paydesk::services::admin {

// True when `grant` is a known code or a pattern that matches at least one known code.
bool isValidGrant(const QString &grant, const QStringList &knownCodes);

// The sorted, de-duplicated permission list for a token from the grants of every role (plus "*"
// for super admins). "*" absorbs everything else.
QStringList flattenGrants(const QStringList &grants, const QStringList &knownCodes, bool isSuper);

} // namespace paydesk::services::admin
