#pragma once
// Who is calling, as established by the request pipeline before a handler runs. Handlers take
// identities from here only: a merchant id in a request body is never trusted.

#include <QString>
#include <QStringList>

namespace paydesk::platform {

struct Principal
{
    enum class Kind { Anonymous, Admin, Merchant, Service };
    Kind kind = Kind::Anonymous;
    QString id;              // admin id, merchant id, or calling service name
    QString name;            // admin username, API key id, service name
    QStringList permissions; // admins: "resource.action", "resource.*" or "*"
    QString merchantId;      // merchants
    QString apiKeyId;        // merchants
    QString environment;     // merchants: test | live

    // "*" grants everything; "merchant.*" grants every merchant action.
    bool can(const QString &permission) const
    {
        if (permission.isEmpty() || permissions.contains(QStringLiteral("*")) ||
            permissions.contains(permission))
            return true;
        const QString resourceWildcard = permission.section(u'.', 0, 0) + QStringLiteral(".*");
        return permissions.contains(resourceWildcard);
    }
};

} // namespace paydesk::platform
