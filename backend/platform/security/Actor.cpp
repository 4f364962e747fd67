#include "platform/security/Actor.h"

namespace paydesk::platform {

QString actorOf(const Principal &principal, const QString &anonymous)
{
    switch (principal.kind) {
    case Principal::Kind::Admin:
        return QStringLiteral("admin:") + principal.id;
    case Principal::Kind::Merchant:
        return QStringLiteral("merchant:") + principal.merchantId;
    case Principal::Kind::Service:
        return QStringLiteral("service:") + principal.id;
    case Principal::Kind::Anonymous:
        break;
    }
    return anonymous;
}

} // namespace paydesk::platform
