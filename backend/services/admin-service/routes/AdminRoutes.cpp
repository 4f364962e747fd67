// Admin accounts: list, read, create, update, disable, reset password, assign roles.

#include "../domain/PasswordPolicy.h"
#include "../store/AdminStore.h"
#include "../store/RoleStore.h"
#include "../store/SessionStore.h"
#include "RouteContext.h"

#include <QJsonArray>

namespace paydesk::services::admin {

using platform::Access;
using platform::BodyReader;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::Router;
using store::AdminRecord;

namespace admin_routes {

const QStringList kStatuses{QStringLiteral("active"), QStringLiteral("disabled"), QStringLiteral("locked")};

bool loadTarget(QSqlDatabase &db, const HttpRequest &request, AdminRecord *admin, HttpResponse *response,
                QString *why)
{
    bool found = false;
    if (!store::loadAdmin(db, QStringLiteral("id"), request.pathParam(QStringLiteral("id")), true, admin,
                          &found, why))
        return false;
    if (!found)
        return reject(
            response,
            Problem::notFound(QStringLiteral("no admin %1").arg(request.pathParam(QStringLiteral("id")))),
            request);
    return true;
}

Problem superRequired()
{
    return Problem{403,
                   QStringLiteral("SUPER_ADMIN_REQUIRED"),
                   QStringLiteral("Forbidden"),
                   QStringLiteral("only a super admin (permission *) may grant or revoke is_super"),
                   {}};
}

HttpResponse list(const RouteContext &context, const HttpRequest &request)
{
    const platform::PageRequest page = platform::PageRequest::fromQuery(request.query);
    store::AdminFilter filter;
    filter.status = request.query.queryItemValue(QStringLiteral("status"));
    filter.search = request.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
    filter.limit = page.pageSize;
    filter.offset = page.offset();
    if (!filter.status.isEmpty() && !kStatuses.contains(filter.status))
        return Problem::validation(QStringLiteral("status must be one of active, disabled, locked"))
            .toResponse(request.trace.traceId);
    return context.read(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        QList<AdminRecord> admins;
        qint64 total = 0;
        if (!store::listAdmins(db, filter, &admins, &total, why))
            return false;
        QJsonArray items;
        for (const AdminRecord &admin : admins)
            items.append(admin.toJson());
        *response = HttpResponse::json(page.wrap(items, total));
        return true;
    });
}

HttpResponse get(const RouteContext &context, const HttpRequest &request)
{
    return context.read(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord admin;
        bool found = false;
        if (!store::loadAdmin(db, QStringLiteral("id"), request.pathParam(QStringLiteral("id")), false,
                              &admin, &found, why))
            return false;
        if (!found)
            return reject(
                response,
                Problem::notFound(QStringLiteral("no admin %1").arg(request.pathParam(QStringLiteral("id")))),
                request);
        *response = HttpResponse::json(admin.toJson());
        return true;
    });
}

HttpResponse create(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString username =
        body.string(QStringLiteral("username"), {.required = true, .minLength = 3, .maxLength = 64});
    const QString email = body.string(QStringLiteral("email"), {.maxLength = 254});
    const QString fullName = body.string(QStringLiteral("full_name"), {.maxLength = 128});
    const QString requested = passwordField(body, request, QStringLiteral("password"), false);
    const bool isSuper = body.boolean(QStringLiteral("is_super"));
    const QStringList roleNames = stringList(body, QStringLiteral("roles"), false);
    if (!username.isEmpty() && !isValidUsername(username))
        body.fail(QStringLiteral("username"),
                  QStringLiteral("must be 3-64 characters of a-z, 0-9, '.', '_' and '-'"));
    if (!email.isEmpty() && !email.contains(u'@'))
        body.fail(QStringLiteral("email"), QStringLiteral("must be an email address"));
    if (!body.ok())
        return body.problem();
    if (isSuper && !request.principal.permissions.contains(QStringLiteral("*")))
        return superRequired().toResponse(request.trace.traceId);
    if (!roleNames.isEmpty() && !request.principal.can(QStringLiteral("role.manage")))
        return Problem::forbidden(QStringLiteral("assigning roles needs permission role.manage"))
            .toResponse(request.trace.traceId);
    NewPassword password;
    if (auto problem = choosePassword(context, request, requested, &password))
        return *problem;
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        QStringList roleIds, unknown;
        if (!store::roleIdsByName(db, roleNames, &roleIds, &unknown, why))
            return false;
        if (!unknown.isEmpty())
            return reject(response,
                          Problem::validation(
                              QStringLiteral("unknown roles: %1").arg(unknown.join(QStringLiteral(", ")))),
                          request);
        QString id;
        if (!store::insertAdmin(db, {username, email, fullName, password.hash, isSuper, password.generated},
                                &id, why))
            return false;
        if (id.isEmpty())
            return reject(response,
                          Problem::conflict(QStringLiteral("USERNAME_TAKEN"),
                                            QStringLiteral("username %1 is taken").arg(username)),
                          request);
        AdminRecord admin;
        bool found = false;
        if (!store::setAdminRoles(db, id, roleIds, why) ||
            !store::loadAdmin(db, QStringLiteral("id"), id, false, &admin, &found, why))
            return false;
        QJsonObject result{{QStringLiteral("admin"), admin.toJson()}};
        if (password.generated)
            result.insert(QStringLiteral("initial_password"), password.clear);
        *response = HttpResponse::json(result, 201);
        return context.audit(
            db, request,
            {QStringLiteral("admin.create"), QStringLiteral("admin"), id, QJsonValue(), admin.toJson()},
            response, why);
    });
}

// Applies a status change and ends the sessions of an admin who may no longer log in.
bool applyProfile(QSqlDatabase &db, const RouteContext &context, const HttpRequest &request,
                  const AdminRecord &before, AdminRecord after, const QString &action, int status,
                  HttpResponse *response, QString *why)
{
    if (after.status != before.status) {
        if (after.id == request.principal.id && after.status != QStringLiteral("active"))
            return reject(
                response,
                Problem::conflict(QStringLiteral("CANNOT_DISABLE_SELF"),
                                  QStringLiteral("an admin cannot disable or lock their own account")),
                request);
        after.lockedUntil = QDateTime(); // locked by an admin: until an admin unlocks
    }
    if (!store::updateProfile(db, after, why))
        return false;
    if (after.status != QStringLiteral("active") && !store::revokeAllOf(db, after.id, why))
        return false;
    AdminRecord stored;
    bool found = false;
    if (!store::loadAdmin(db, QStringLiteral("id"), after.id, false, &stored, &found, why))
        return false;
    *response = HttpResponse::json(stored.toJson(), status);
    return context.audit(db, request,
                         {action, QStringLiteral("admin"), after.id, before.toJson(), stored.toJson()},
                         response, why);
}

HttpResponse update(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const bool hasEmail = body.has(QStringLiteral("email")), hasName = body.has(QStringLiteral("full_name"));
    const bool hasStatus = body.has(QStringLiteral("status")),
               hasSuper = body.has(QStringLiteral("is_super"));
    const QString email = body.string(QStringLiteral("email"), {.maxLength = 254});
    const QString fullName = body.string(QStringLiteral("full_name"), {.maxLength = 128});
    const QString status = body.string(QStringLiteral("status"), {.oneOf = kStatuses});
    const bool isSuper = body.boolean(QStringLiteral("is_super"));
    if (hasEmail && !email.isEmpty() && !email.contains(u'@'))
        body.fail(QStringLiteral("email"), QStringLiteral("must be an email address"));
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord before;
        if (!loadTarget(db, request, &before, response, why))
            return false;
        AdminRecord after = before;
        if (hasEmail)
            after.email = email;
        if (hasName)
            after.fullName = fullName;
        if (hasStatus)
            after.status = status;
        if (hasSuper && isSuper != before.isSuper) {
            if (!request.principal.permissions.contains(QStringLiteral("*")))
                return reject(response, superRequired(), request);
            if (before.id == request.principal.id && !isSuper)
                return reject(
                    response,
                    Problem::conflict(QStringLiteral("LAST_SUPER_ROLE"),
                                      QStringLiteral("an admin cannot revoke their own super admin status")),
                    request);
            after.isSuper = isSuper;
        }
        return applyProfile(db, context, request, before, after, QStringLiteral("admin.update"), 200,
                            response, why);
    });
}

HttpResponse disable(const RouteContext &context, const HttpRequest &request)
{
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord before;
        if (!loadTarget(db, request, &before, response, why))
            return false;
        AdminRecord after = before;
        after.status = QStringLiteral("disabled");
        return applyProfile(db, context, request, before, after, QStringLiteral("admin.disable"), 200,
                            response, why);
    });
}

HttpResponse resetPassword(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString requested = passwordField(body, request, QStringLiteral("password"), false);
    if (!body.ok())
        return body.problem();
    NewPassword password;
    if (auto problem = choosePassword(context, request, requested, &password))
        return *problem;
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord before;
        if (!loadTarget(db, request, &before, response, why) ||
            !acceptNewPassword(db, before.id, password.clear, request, response, why))
            return false;
        AdminRecord after;
        bool found = false;
        if (!store::setPassword(db, before.id, password.hash, true, why) ||
            !store::revokeAllOf(db, before.id, why) ||
            !store::loadAdmin(db, QStringLiteral("id"), before.id, false, &after, &found, why))
            return false;
        QJsonObject result{{QStringLiteral("admin"), after.toJson()}};
        if (password.generated)
            result.insert(QStringLiteral("temporary_password"), password.clear);
        *response = HttpResponse::json(result);
        auto passwordState = [](const AdminRecord &a) {
            return QJsonObject{{QStringLiteral("password_changed_at"),
                                a.toJson().value(QStringLiteral("password_changed_at"))},
                               {QStringLiteral("must_change_password"), a.mustChangePassword}};
        };
        return context.audit(db, request,
                             {QStringLiteral("admin.reset_password"), QStringLiteral("admin"), before.id,
                              passwordState(before), passwordState(after)},
                             response, why);
    });
}

HttpResponse setRoles(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QStringList roleNames = stringList(body, QStringLiteral("roles"), true);
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord before;
        if (!loadTarget(db, request, &before, response, why))
            return false;
        QStringList roleIds, unknown, currentIds, ignored;
        if (!store::roleIdsByName(db, roleNames, &roleIds, &unknown, why) ||
            !store::roleIdsByName(db, before.roles, &currentIds, &ignored, why))
            return false;
        if (!unknown.isEmpty())
            return reject(response,
                          Problem::validation(
                              QStringLiteral("unknown roles: %1").arg(unknown.join(QStringLiteral(", ")))),
                          request);
        if (before.id == request.principal.id && !before.isSuper) {
            bool hadAll = false, keepsAll = false;
            if (!store::anyRoleGrantsAll(db, currentIds, &hadAll, why) ||
                !store::anyRoleGrantsAll(db, roleIds, &keepsAll, why))
                return false;
            if (hadAll && !keepsAll)
                return reject(response,
                              Problem::conflict(
                                  QStringLiteral("LAST_SUPER_ROLE"),
                                  QStringLiteral("an admin cannot remove their own last super admin role")),
                              request);
        }
        AdminRecord after;
        bool found = false;
        if (!store::setAdminRoles(db, before.id, roleIds, why) ||
            !store::loadAdmin(db, QStringLiteral("id"), before.id, false, &after, &found, why))
            return false;
        *response = HttpResponse::json(after.toJson());
        return context.audit(
            db, request,
            {QStringLiteral("admin.set_roles"), QStringLiteral("admin"), before.id,
             QJsonObject{{QStringLiteral("roles"), QJsonArray::fromStringList(before.roles)}},
             QJsonObject{{QStringLiteral("roles"), QJsonArray::fromStringList(after.roles)}}},
            response, why);
    });
}

} // namespace admin_routes

void registerAdminRoutes(Router &router, const RouteContext &context)
{
    using namespace admin_routes;
    const QJsonObject adminSchema =
        objectSchema({{QStringLiteral("id"), stringSchema(QStringLiteral("uuid"))},
                      {QStringLiteral("username"), stringSchema()},
                      {QStringLiteral("email"), stringSchema()},
                      {QStringLiteral("full_name"), stringSchema()},
                      {QStringLiteral("status"), stringSchema()},
                      {QStringLiteral("roles"), arraySchema(stringSchema())}});
    const QJsonObject boolean{{QStringLiteral("type"), QStringLiteral("boolean")}};
    router.add({.method = "GET",
                .pattern = "/api/v1/admins",
                .handler = [context](const HttpRequest &r) { return list(context, r); },
                .access = Access::Admin,
                .permission = "admin.view",
                .summary = "List admins (?status=&q=&page=&page_size=)",
                .responseSchema = pageSchema(adminSchema)});
    router.add({.method = "POST",
                .pattern = "/api/v1/admins",
                .handler = [context](const HttpRequest &r) { return create(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "admin.manage",
                .summary = "Create an admin; without a password one is generated and returned once",
                .requestSchema =
                    objectSchema({{QStringLiteral("username"), stringSchema()},
                                  {QStringLiteral("email"), stringSchema(QStringLiteral("email"))},
                                  {QStringLiteral("full_name"), stringSchema()},
                                  {QStringLiteral("password"), stringSchema(QStringLiteral("password"))},
                                  {QStringLiteral("is_super"), boolean},
                                  {QStringLiteral("roles"), arraySchema(stringSchema())}},
                                 {QStringLiteral("username")}),
                .responseSchema = objectSchema({{QStringLiteral("admin"), adminSchema},
                                                {QStringLiteral("initial_password"), stringSchema()}}),
                .successStatus = 201});
    router.add({.method = "GET",
                .pattern = "/api/v1/admins/{id}",
                .handler = [context](const HttpRequest &r) { return get(context, r); },
                .access = Access::Admin,
                .permission = "admin.view",
                .summary = "One admin",
                .responseSchema = adminSchema});
    router.add(
        {.method = "PUT",
         .pattern = "/api/v1/admins/{id}",
         .handler = [context](const HttpRequest &r) { return update(context, r); },
         .access = Access::Admin,
         .jsonBody = true,
         .permission = "admin.manage",
         .summary = "Update email, full name, status (active|disabled|locked) or is_super",
         .requestSchema = objectSchema({{QStringLiteral("email"), stringSchema(QStringLiteral("email"))},
                                        {QStringLiteral("full_name"), stringSchema()},
                                        {QStringLiteral("status"), stringSchema()},
                                        {QStringLiteral("is_super"), boolean}}),
         .responseSchema = adminSchema});
    router.add({.method = "POST",
                .pattern = "/api/v1/admins/{id}/disable",
                .handler = [context](const HttpRequest &r) { return disable(context, r); },
                .access = Access::Admin,
                .permission = "admin.manage",
                .summary = "Disable an admin and end their sessions",
                .responseSchema = adminSchema});
    router.add({.method = "POST",
                .pattern = "/api/v1/admins/{id}/reset-password",
                .handler = [context](const HttpRequest &r) { return resetPassword(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "admin.manage",
                .summary = "Set a temporary password (generated when absent); the admin must change it",
                .requestSchema =
                    objectSchema({{QStringLiteral("password"), stringSchema(QStringLiteral("password"))}}),
                .responseSchema = objectSchema({{QStringLiteral("admin"), adminSchema},
                                                {QStringLiteral("temporary_password"), stringSchema()}})});
    router.add({.method = "PUT",
                .pattern = "/api/v1/admins/{id}/roles",
                .handler = [context](const HttpRequest &r) { return setRoles(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "role.manage",
                .summary = "Replace the roles of an admin",
                .requestSchema = objectSchema({{QStringLiteral("roles"), arraySchema(stringSchema())}},
                                              {QStringLiteral("roles")}),
                .responseSchema = adminSchema});
}

} // namespace paydesk::services::admin
