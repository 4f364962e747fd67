#include "platform/http/Router.h"

namespace paydesk::platform {

namespace {
bool isParam(const QString &segment)
{
    return segment.size() > 2 && segment.startsWith(u'{') && segment.endsWith(u'}');
}
} // namespace

QStringList Router::segments(const QString &path)
{
    QString trimmed = path;
    if (trimmed.size() > 1 && trimmed.endsWith(u'/'))
        trimmed.chop(1);
    return trimmed.split(u'/', Qt::SkipEmptyParts);
}

void Router::add(Route route)
{
    Q_ASSERT(route.handler);
    Q_ASSERT(route.pattern.startsWith(u'/'));
    m_compiled.push_back({segments(route.pattern)});
    m_routes.push_back(std::move(route));
}

RouteMatch Router::match(const QByteArray &method, const QString &path) const
{
    const QStringList parts = segments(path);
    RouteMatch result;
    for (size_t i = 0; i < m_routes.size(); ++i) {
        const QStringList &pattern = m_compiled[i].segments;
        if (pattern.size() != parts.size())
            continue;
        QHash<QString, QString> params;
        bool matches = true;
        for (qsizetype s = 0; s < pattern.size() && matches; ++s) {
            if (isParam(pattern[s]))
                params.insert(pattern[s].mid(1, pattern[s].size() - 2), parts[s]);
            else
                matches = pattern[s] == parts[s];
        }
        if (!matches)
            continue;
        const Route &route = m_routes[i];
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            result.kind = RouteMatch::Kind::Found;
            result.route = &route;
            result.params = std::move(params);
            return result;
        }
        result.kind = RouteMatch::Kind::MethodNotAllowed;
        if (!result.allowedMethods.contains(QString::fromLatin1(route.method)))
            result.allowedMethods.append(QString::fromLatin1(route.method));
    }
    return result;
}

} // namespace paydesk::platform
