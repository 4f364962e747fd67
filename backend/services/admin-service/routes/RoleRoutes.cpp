// Roles and the permission catalogue. System roles (seeded by migration) cannot be deleted and
// their grants cannot be changed; a role still assigned to an admin cannot be deleted.

#include "../domain/Grants.h"
#include "../store/AdminStore.h"
#include "../store/RoleStore.h"
#include "RouteContext.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::services::admin {

using platform::Access;
using platform::BodyReader;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::Router;
using store::RoleRecord;

namespace role_routes {

bool loadTarget(QSqlDatabase &db, const HttpRequest &request, RoleRecord *role, HttpResponse *response,
                QString *why)
{
    bool found = false;
    if (!store::loadRole(db, request.pathParam(QStringLiteral("id")), true, role, &found, why))
        return false;
    if (!found)
        return reject(
            response,
            Problem::notFound(QStringLiteral("no role %1").arg(request.pathParam(QStringLiteral("id")))),
            request);
    return true;
}

Problem systemRole(const RoleRecord &role)
{
    return Problem::conflict(QStringLiteral("SYSTEM_ROLE"),
                             QStringLiteral("%1 is a system role").arg(role.name));
}

// The "permissions" array of grants, sorted; checked against the catalogue in the transaction.
QStringList readGrants(BodyReader &body, bool required)
{
    QStringList grants = stringList(body, QStringLiteral("permissions"), required);
    grants.sort();
    return grants;
}

// A problem listing the grants that are neither a known code nor a pattern matching one.
bool checkGrants(QSqlDatabase &db, const QStringList &grants, const HttpRequest &request,
                 HttpResponse *response, QString *why)
{
    QStringList codes;
    if (!store::knownPermissionCodes(db, &codes, why))
        return false;
    QStringList bad;
    for (const QString &grant : grants) {
        if (!isValidGrant(grant, codes))
            bad.append(grant);
    }
    if (!bad.isEmpty())
        return reject(response,
                      Problem::validation(
                          QStringLiteral("unknown permissions: %1").arg(bad.join(QStringLiteral(", ")))),
                      request);
    return true;
}

HttpResponse list(const RouteContext &context, const HttpRequest &request)
{
    return context.read(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        QList<RoleRecord> roles;
        if (!store::listRoles(db, &roles, why))
            return false;
        QJsonArray items;
        for (const RoleRecord &role : roles)
            items.append(role.toJson());
        *response = HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
        return true;
    });
}

HttpResponse get(const RouteContext &context, const HttpRequest &request)
{
    return context.read(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        RoleRecord role;
        bool found = false;
        if (!store::loadRole(db, request.pathParam(QStringLiteral("id")), false, &role, &found, why))
            return false;
        if (!found)
            return reject(
                response,
                Problem::notFound(QStringLiteral("no role %1").arg(request.pathParam(QStringLiteral("id")))),
                request);
        *response = HttpResponse::json(role.toJson());
        return true;
    });
}

HttpResponse create(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    RoleRecord role;
    role.name = body.string(QStringLiteral("name"), {.required = true, .minLength = 2, .maxLength = 64});
    role.displayName = body.string(QStringLiteral("display_name"), {.maxLength = 128});
    role.description = body.string(QStringLiteral("description"), {.maxLength = 1000});
    role.permissions = readGrants(body, false);
    static const QRegularExpression kName(QStringLiteral("^[a-z0-9_]{2,64}$"));
    if (!role.name.isEmpty() && !kName.match(role.name).hasMatch())
        body.fail(QStringLiteral("name"), QStringLiteral("must be 2-64 characters of a-z, 0-9 and '_'"));
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        if (!checkGrants(db, role.permissions, request, response, why))
            return false;
        QString id;
        if (!store::insertRole(db, role, &id, why))
            return false;
        if (id.isEmpty())
            return reject(response,
                          Problem::conflict(QStringLiteral("ROLE_NAME_TAKEN"),
                                            QStringLiteral("role %1 exists").arg(role.name)),
                          request);
        RoleRecord stored;
        bool found = false;
        if (!store::setRolePermissions(db, id, role.permissions, why) ||
            !store::loadRole(db, id, false, &stored, &found, why))
            return false;
        *response = HttpResponse::json(stored.toJson(), 201);
        return context.audit(
            db, request,
            {QStringLiteral("role.create"), QStringLiteral("role"), id, QJsonValue(), stored.toJson()},
            response, why);
    });
}

HttpResponse update(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const bool hasDisplay = body.has(QStringLiteral("display_name")),
               hasDescription = body.has(QStringLiteral("description"));
    const QString displayName = body.string(QStringLiteral("display_name"), {.maxLength = 128});
    const QString description = body.string(QStringLiteral("description"), {.maxLength = 1000});
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        RoleRecord before;
        if (!loadTarget(db, request, &before, response, why))
            return false;
        RoleRecord after = before;
        if (hasDisplay)
            after.displayName = displayName;
        if (hasDescription)
            after.description = description;
        if (!store::updateRole(db, after, why))
            return false;
        *response = HttpResponse::json(after.toJson());
        return context.audit(db, request,
                             {QStringLiteral("role.update"), QStringLiteral("role"), before.id,
                              before.toJson(), after.toJson()},
                             response, why);
    });
}

HttpResponse remove(const RouteContext &context, const HttpRequest &request)
{
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        RoleRecord role;
        if (!loadTarget(db, request, &role, response, why))
            return false;
        if (role.isSystem)
            return reject(response, systemRole(role), request);
        if (role.adminCount > 0)
            return reject(
                response,
                Problem::conflict(
                    QStringLiteral("ROLE_IN_USE"),
                    QStringLiteral("role %1 is assigned to %2 admin(s)").arg(role.name).arg(role.adminCount)),
                request);
        if (!store::deleteRole(db, role.id, why))
            return false;
        *response = HttpResponse::empty(204);
        return context.audit(
            db, request,
            {QStringLiteral("role.delete"), QStringLiteral("role"), role.id, role.toJson(), QJsonValue()},
            response, why);
    });
}

HttpResponse setPermissions(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QStringList grants = readGrants(body, true);
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        RoleRecord before;
        if (!loadTarget(db, request, &before, response, why))
            return false;
        if (before.isSystem)
            return reject(response, systemRole(before), request);
        if (!checkGrants(db, grants, request, response, why) ||
            !store::setRolePermissions(db, before.id, grants, why))
            return false;
        RoleRecord after = before;
        after.permissions = grants;
        *response = HttpResponse::json(after.toJson());
        return context.audit(
            db, request,
            {QStringLiteral("role.set_permissions"), QStringLiteral("role"), before.id,
             QJsonObject{{QStringLiteral("permissions"), QJsonArray::fromStringList(before.permissions)}},
             QJsonObject{{QStringLiteral("permissions"), QJsonArray::fromStringList(grants)}}},
            response, why);
    });
}

HttpResponse permissions(const RouteContext &context, const HttpRequest &request)
{
    return context.read(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        QJsonArray items;
        if (!store::listPermissions(db, &items, why))
            return false;
        *response = HttpResponse::json(QJsonObject{{QStringLiteral("items"), items}});
        return true;
    });
}

} // namespace role_routes

void registerRoleRoutes(Router &router, const RouteContext &context)
{
    using namespace role_routes;
    const QJsonObject roleSchema = objectSchema(
        {{QStringLiteral("id"), stringSchema(QStringLiteral("uuid"))},
         {QStringLiteral("name"), stringSchema()},
         {QStringLiteral("display_name"), stringSchema()},
         {QStringLiteral("description"), stringSchema()},
         {QStringLiteral("is_system"), QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")}}},
         {QStringLiteral("permissions"), arraySchema(stringSchema())}});
    const QJsonObject grants = objectSchema({{QStringLiteral("permissions"), arraySchema(stringSchema())}},
                                            {QStringLiteral("permissions")});
    router.add({.method = "GET",
                .pattern = "/api/v1/roles",
                .handler = [context](const HttpRequest &r) { return list(context, r); },
                .access = Access::Admin,
                .permission = "role.view",
                .summary = "Every role with its grants",
                .responseSchema = objectSchema({{QStringLiteral("items"), arraySchema(roleSchema)}})});
    router.add({.method = "POST",
                .pattern = "/api/v1/roles",
                .handler = [context](const HttpRequest &r) { return create(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "role.manage",
                .summary = "Create a role with grants (codes, resource.*, *.action or *)",
                .requestSchema = objectSchema({{QStringLiteral("name"), stringSchema()},
                                               {QStringLiteral("display_name"), stringSchema()},
                                               {QStringLiteral("description"), stringSchema()},
                                               {QStringLiteral("permissions"), arraySchema(stringSchema())}},
                                              {QStringLiteral("name")}),
                .responseSchema = roleSchema,
                .successStatus = 201});
    router.add({.method = "GET",
                .pattern = "/api/v1/roles/{id}",
                .handler = [context](const HttpRequest &r) { return get(context, r); },
                .access = Access::Admin,
                .permission = "role.view",
                .summary = "One role",
                .responseSchema = roleSchema});
    router.add({.method = "PUT",
                .pattern = "/api/v1/roles/{id}",
                .handler = [context](const HttpRequest &r) { return update(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "role.manage",
                .summary = "Update a role's display name and description",
                .requestSchema = objectSchema({{QStringLiteral("display_name"), stringSchema()},
                                               {QStringLiteral("description"), stringSchema()}}),
                .responseSchema = roleSchema});
    router.add({.method = "DELETE",
                .pattern = "/api/v1/roles/{id}",
                .handler = [context](const HttpRequest &r) { return remove(context, r); },
                .access = Access::Admin,
                .permission = "role.manage",
                .summary = "Delete a role that is neither a system role nor assigned",
                .successStatus = 204});
    router.add({.method = "PUT",
                .pattern = "/api/v1/roles/{id}/permissions",
                .handler = [context](const HttpRequest &r) { return setPermissions(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "role.manage",
                .summary = "Replace the grants of a (non-system) role",
                .requestSchema = grants,
                .responseSchema = roleSchema});
    router.add({.method = "GET",
                .pattern = "/api/v1/permissions",
                .handler = [context](const HttpRequest &r) { return permissions(context, r); },
                .access = Access::Admin,
                .permission = "role.view",
                .summary = "The permission catalogue (resource.action codes)",
                .responseSchema = objectSchema(
                    {{QStringLiteral("items"),
                      arraySchema(objectSchema({{QStringLiteral("code"), stringSchema()},
                                                {QStringLiteral("name"), stringSchema()},
                                                {QStringLiteral("resource"), stringSchema()},
                                                {QStringLiteral("action"), stringSchema()}}))}})});
}

} // namespace paydesk::services::admin
