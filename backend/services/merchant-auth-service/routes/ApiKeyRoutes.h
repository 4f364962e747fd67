#pragma once
// API key management: the admin console's routes (create, list, rotate, revoke, IP allow-list)
// and the merchant's own read-only list. Every admin change commits together with its audit
// event and a "merchant-auth.events" event; secrets appear only in the create and rotate answers.
// Threads: handlers run on the service's workers; the object is read-only after registerRoutes.

#include "platform/http/Problem.h"
#include "platform/http/Router.h"

#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace paydesk::platform {
class ServiceRuntime;
}

namespace paydesk::services::merchantauth {

struct ApiKey;

inline const QString kEventsTopic = QStringLiteral("merchant-auth.events");
inline constexpr qint64 kGraceSecondsDefault = 86400; // one day
inline constexpr qint64 kGraceSecondsMax = 7 * 86400; // a week
inline constexpr qint64 kUsableKeysPerEnvironmentMax = 25;

class ApiKeyRoutes
{
public:
    explicit ApiKeyRoutes(platform::ServiceRuntime &runtime) : m_runtime(runtime) {}
    void registerRoutes(platform::Router &router);

private:
    platform::HttpResponse create(const platform::HttpRequest &request);
    platform::HttpResponse listForMerchant(const platform::HttpRequest &request);
    platform::HttpResponse listOwn(const platform::HttpRequest &request);
    platform::HttpResponse rotate(const platform::HttpRequest &request);
    platform::HttpResponse revoke(const platform::HttpRequest &request);
    platform::HttpResponse replaceAllowlist(const platform::HttpRequest &request);

    platform::HttpResponse list(const platform::HttpRequest &request, const QString &merchantId);
    // A new key with a fresh id and secret; the secret is returned through *secret only.
    ApiKey mint(const ApiKey &shape, const QDateTime &now, QString *secret) const;
    // The shared frame of rotate/revoke/allow-list: in one transaction, loads the {key_id} key
    // FOR UPDATE and runs `change` on it. `change` returns false to roll back, with *refusal set
    // for a client error or *why for a server one; on success it fills *answer (the 2xx body).
    using KeyChange =
        std::function<bool(QSqlDatabase &db, const ApiKey &current, std::optional<platform::Problem> *refusal,
                           QJsonObject *answer, QString *why)>;
    platform::HttpResponse changeKey(const platform::HttpRequest &request, int successStatus,
                                     const KeyChange &change);
    platform::HttpResponse failure(const platform::HttpRequest &request, const QString &error) const;

    platform::ServiceRuntime &m_runtime;
};

} // namespace paydesk::services::merchantauth
