#include "platform/http/HttpUrl.h"

#include <QUrl>

namespace paydesk::platform {

QString httpUrlProblem(const QString &url)
{
    if (url.isEmpty() || url.size() > 2048)
        return QStringLiteral("must have 1 to 2048 characters");
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    if (!parsed.isValid() || (scheme != QStringLiteral("http") && scheme != QStringLiteral("https")))
        return QStringLiteral("must be an http or https URL");
    if (parsed.host().isEmpty())
        return QStringLiteral("must name a host");
    if (!parsed.userInfo().isEmpty())
        return QStringLiteral("must not carry credentials");
    return {};
}

} // namespace paydesk::platform
