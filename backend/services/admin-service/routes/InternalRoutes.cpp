// Routes for the installation itself (internal token or in-process callers only):
// `paydesk-server admin create` creates super admins through POST /internal/v1/admins.

#include "../FirstAdmin.h"
#include "../domain/PasswordPolicy.h"
#include "RouteContext.h"

namespace paydesk::services::admin {

using platform::Access;
using platform::BodyReader;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::Router;

namespace internal_routes {

HttpResponse createAdmin(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString username =
        body.string(QStringLiteral("username"), {.required = true, .minLength = 3, .maxLength = 64});
    const QString requested = passwordField(body, request, QStringLiteral("password"), false);
    if (!username.isEmpty() && !isValidUsername(username))
        body.fail(QStringLiteral("username"),
                  QStringLiteral("must be 3-64 characters of a-z, 0-9, '.', '_' and '-'"));
    if (!body.ok())
        return body.problem();
    NewPassword password;
    if (auto problem = choosePassword(context, request, requested, &password))
        return *problem;
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        store::AdminRecord admin;
        if (!createSuperAdmin(db, context, request, username, password.hash, password.generated, &admin,
                              response, why))
            return false;
        if (admin.id.isEmpty())
            return reject(response,
                          Problem::conflict(QStringLiteral("USERNAME_TAKEN"),
                                            QStringLiteral("username %1 is taken").arg(username)),
                          request);
        QJsonObject result{{QStringLiteral("admin"), admin.toJson()}};
        if (password.generated)
            result.insert(QStringLiteral("password"), password.clear);
        const bool audited = response->audited;
        *response = HttpResponse::json(result, 201);
        response->audited = audited;
        return true;
    });
}

} // namespace internal_routes

void registerInternalRoutes(Router &router, const RouteContext &context)
{
    router.add(
        {.method = "POST",
         .pattern = "/internal/v1/admins",
         .handler = [context](const HttpRequest &r) { return internal_routes::createAdmin(context, r); },
         .access = Access::Internal,
         .jsonBody = true,
         .summary =
             "Create a super admin (paydesk-server admin create); a generated password is returned once",
         .requestSchema =
             objectSchema({{QStringLiteral("username"), stringSchema()},
                           {QStringLiteral("password"), stringSchema(QStringLiteral("password"))}},
                          {QStringLiteral("username")}),
         .responseSchema = objectSchema(
             {{QStringLiteral("admin"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}},
              {QStringLiteral("password"), stringSchema()}}),
         .successStatus = 201});
}

} // namespace paydesk::services::admin
