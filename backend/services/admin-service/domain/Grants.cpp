#include "Grants.h"

#include <algorithm>

namespace paydesk::services::admin {

namespace {
bool matches(const QString &grant, const QString &code)
{
    if (grant == QStringLiteral("*") || grant == code)
        return true;
    const QString resource = code.section(u'.', 0, 0);
    const QString action = code.section(u'.', 1);
    return grant == resource + QStringLiteral(".*") || grant == QStringLiteral("*.") + action;
}
} // namespace

bool isValidGrant(const QString &grant, const QStringList &knownCodes)
{
    if (grant.count(u'.') != 1 && grant != QStringLiteral("*"))
        return false;
    return std::any_of(knownCodes.begin(), knownCodes.end(),
                       [&](const QString &code) { return matches(grant, code); });
}

QStringList flattenGrants(const QStringList &grants, const QStringList &knownCodes, bool isSuper)
{
    if (isSuper || grants.contains(QStringLiteral("*")))
        return {QStringLiteral("*")};
    QStringList permissions;
    for (const QString &grant : grants) {
        if (grant.startsWith(QStringLiteral("*."))) {
            for (const QString &code : knownCodes) {
                if (matches(grant, code))
                    permissions.append(code);
            }
        } else {
            permissions.append(grant);
        }
    }
    permissions.sort();
    permissions.removeDuplicates();
    return permissions;
}

} // namespace paydesk::services::admin
