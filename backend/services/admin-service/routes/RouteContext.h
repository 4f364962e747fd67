#pragma once
// What every admin-service handler shares: the runtime, the settings, and the one-transaction
// shape of a change (validate → transaction with audit → response).

#include "../AdminService.h"

#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/security/Audit.h"

#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace paydesk::services::admin {

struct RouteContext
{
    platform::ServiceRuntime &runtime;
    AdminSettings settings;

    QString serviceName() const { return runtime.name(); }

    // Runs `work` in one transaction on this worker's connection. `work` fills *response and
    // returns true to commit; returning false rolls back and answers *response when it was set
    // (a problem), else 500 with *why. Unlike platform::transact, a refusal can be committed: a
    // failed login is counted and a reused refresh token revokes its family before the 401.
    using Work = std::function<bool(QSqlDatabase &db, platform::HttpResponse *response, QString *why)>;
    platform::HttpResponse transact(const platform::HttpRequest &request, const Work &work) const;

    // Read-only variant: no transaction, the same error handling.
    platform::HttpResponse read(const platform::HttpRequest &request, const Work &work) const;

    // `transact` and `read` share this; `transaction` says which.
    platform::HttpResponse run(const platform::HttpRequest &request, const Work &work,
                               bool transaction) const;

    // Appends the audit event and marks *response audited: call it after *response is set.
    bool audit(QSqlDatabase &db, const platform::HttpRequest &request, const platform::audit::Change &change,
               platform::HttpResponse *response, QString *why) const;
};

// Sets *response to `problem` and returns false: `return reject(response, Problem::notFound(...), request)`.
bool reject(platform::HttpResponse *response, const platform::Problem &problem,
            const platform::HttpRequest &request);

// A password field as sent (BodyReader trims, which would change a password).
QString passwordField(platform::BodyReader &body, const platform::HttpRequest &request, const QString &field,
                      bool required);

// 422 PASSWORD_POLICY listing the broken rules.
platform::Problem passwordPolicyProblem(const QStringList &violations);

// A password set by an admin route: as requested, or generated when `requested` is empty.
struct NewPassword
{
    QString clear;
    QString hash;
    bool generated = false;
};
// The policy problem when `requested` breaks a rule; otherwise fills *password (hashing included).
std::optional<platform::HttpResponse> choosePassword(const RouteContext &context,
                                                     const platform::HttpRequest &request,
                                                     const QString &requested, NewPassword *password);
// False with *response set when `password` is one of the admin's last five (or with *why on a
// database error): `if (!acceptNewPassword(...)) return false;` inside a transaction.
bool acceptNewPassword(QSqlDatabase &db, const QString &adminId, const QString &password,
                       const platform::HttpRequest &request, platform::HttpResponse *response, QString *why);

// A JSON array of strings (role names, grants); other elements are a validation error.
QStringList stringList(platform::BodyReader &body, const QString &field, bool required);

// Small OpenAPI schema helpers.
QJsonObject objectSchema(const QJsonObject &properties, const QStringList &required = {});
QJsonObject stringSchema(const QString &format = {});
QJsonObject arraySchema(const QJsonObject &items);
QJsonObject pageSchema(const QJsonObject &item);

void registerAuthRoutes(platform::Router &router, const RouteContext &context);
void registerTwoFactorRoutes(platform::Router &router, const RouteContext &context);
void registerAdminRoutes(platform::Router &router, const RouteContext &context);
void registerRoleRoutes(platform::Router &router, const RouteContext &context);
void registerAuditRoutes(platform::Router &router, const RouteContext &context);
void registerInternalRoutes(platform::Router &router, const RouteContext &context);
// POST /api/v1/system/services/{name}/stop|start|restart (ServiceControlRoutes.cpp).
void registerServiceControlRoutes(platform::Router &router, const RouteContext &context);

} // namespace paydesk::services::admin
