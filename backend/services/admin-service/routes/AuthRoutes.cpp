// Login, refresh, logout, the caller's own profile and password (spec §3.2, §3.5).

#include "../domain/PasswordPolicy.h"
#include "../domain/Totp.h"
#include "../store/SessionStore.h"
#include "RouteContext.h"
#include "Sessions.h"

#include "platform/security/Crypto.h"

#include <QJsonArray>

namespace paydesk::services::admin {

using platform::Access;
using platform::BodyReader;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::Route;
using platform::Router;
using store::AdminRecord;

namespace auth_routes {

Problem invalidCredentials()
{
    return Problem{401,
                   QStringLiteral("INVALID_CREDENTIALS"),
                   QStringLiteral("Invalid credentials"),
                   QStringLiteral("the username or password is wrong"),
                   {}};
}

Problem accountLocked(const QDateTime &until)
{
    Problem problem{423,
                    QStringLiteral("ACCOUNT_LOCKED"),
                    QStringLiteral("Account locked"),
                    QStringLiteral("too many failed logins or locked by an administrator"),
                    {}};
    if (until.isValid()) {
        problem.extra.insert(QStringLiteral("locked_until"), until.toUTC().toString(Qt::ISODate));
        problem.extra.insert(QStringLiteral("retry_after_seconds"),
                             qMax<qint64>(1, QDateTime::currentDateTimeUtc().secsTo(until)));
    }
    return problem;
}

// A hash to verify against when the username is unknown, so that both answers take as long.
const QString &decoyHash(int iterations)
{
    static const QString hash = platform::crypto::hashPassword(PasswordPolicy::generate(), iterations);
    return hash;
}

bool lockedNow(const AdminRecord &admin, const QDateTime &now)
{
    return admin.status == QStringLiteral("locked") &&
           (!admin.lockedUntil.isValid() || admin.lockedUntil > now);
}

// Counts a failed attempt; the attempt that reaches the limit inside the window locks the account.
// Returns true when it did.
bool countFailure(AdminRecord *admin, const AdminSettings &settings, const QDateTime &now)
{
    if (!admin->firstFailedAt.isValid() ||
        admin->firstFailedAt.secsTo(now) >= settings.lockoutWindowSeconds) {
        admin->failedAttempts = 0;
        admin->firstFailedAt = now;
    }
    if (admin->status == QStringLiteral("locked")) // an expired lock: the account is usable again
        admin->status = QStringLiteral("active");
    if (++admin->failedAttempts < settings.lockoutAttempts)
        return false;
    admin->status = QStringLiteral("locked");
    admin->lockedUntil = now.addSecs(settings.lockoutSeconds);
    admin->failedAttempts = 0;
    admin->firstFailedAt = QDateTime();
    return true;
}

HttpResponse login(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString username =
        body.string(QStringLiteral("username"), {.required = true, .maxLength = 64}).toLower();
    const QString password = passwordField(body, request, QStringLiteral("password"), true);
    const QString totpCode = body.string(QStringLiteral("totp_code"), {.maxLength = 10});
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord admin;
        bool found = false;
        if (!store::loadAdmin(db, QStringLiteral("username"), username, true, &admin, &found, why))
            return false;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (!found) {
            platform::crypto::verifyPassword(password, decoyHash(context.settings.passwordIterations));
            return reject(response, invalidCredentials(), request);
        }
        if (lockedNow(admin, now))
            return reject(response, accountLocked(admin.lockedUntil), request);

        const HttpRequest actor = actingAs(request, admin);
        auto fail = [&](const Problem &problem) {
            const bool locked = countFailure(&admin, context.settings, now);
            if (!store::recordLoginFailure(db, admin, why))
                return false;
            if (locked && !context.audit(db, actor,
                                         {QStringLiteral("auth.lockout"), QStringLiteral("admin"), admin.id,
                                          QJsonObject{{QStringLiteral("status"), QStringLiteral("active")}},
                                          QJsonObject{{QStringLiteral("status"), QStringLiteral("locked")}}},
                                         response, why))
                return false;
            *response =
                (locked ? accountLocked(admin.lockedUntil) : problem).toResponse(request.trace.traceId);
            return true; // commit the failure count
        };
        if (!platform::crypto::verifyPassword(password, admin.passwordHash))
            return fail(invalidCredentials());
        if (admin.status == QStringLiteral("disabled"))
            return reject(response,
                          Problem{403,
                                  QStringLiteral("ACCOUNT_DISABLED"),
                                  QStringLiteral("Account disabled"),
                                  QStringLiteral("this account is disabled"),
                                  {}},
                          request);
        if (admin.totpEnabled) {
            if (totpCode.isEmpty())
                return reject(response,
                              Problem{401,
                                      QStringLiteral("TOTP_REQUIRED"),
                                      QStringLiteral("Second factor required"),
                                      QStringLiteral("send totp_code from the authenticator app"),
                                      {}},
                              request);
            QByteArray secret;
            if (!platform::crypto::decrypt(context.runtime.environment().secrets.masterKey, admin.totpSecret,
                                           &secret)) {
                *why = QStringLiteral(
                    "the stored TOTP secret does not decrypt with this installation's master key");
                return false;
            }
            const auto step = totp::matchingStep(secret, totpCode, now.toSecsSinceEpoch());
            if (!step || *step <= admin.totpLastStep)
                return fail(Problem{401,
                                    QStringLiteral("TOTP_INVALID"),
                                    QStringLiteral("Invalid second factor"),
                                    QStringLiteral("the code is wrong, expired or already used"),
                                    {}});
            if (!store::setTotpLastStep(db, admin.id, *step, why))
                return false;
        }
        const QString ip =
            request.inProcess ? QStringLiteral("in-process") : request.remoteAddress.toString();
        if (!store::recordLoginSuccess(db, admin.id, ip, why))
            return false;
        admin.status = QStringLiteral("active");
        admin.lastLoginAt = now;
        admin.lastLoginIp = ip;
        QJsonObject session;
        if (!issueSession(db, context, admin, {}, &session, why))
            return false;
        *response = HttpResponse::json(session);
        return context.audit(db, actor,
                             {QStringLiteral("auth.login"), QStringLiteral("admin"), admin.id, QJsonValue(),
                              QJsonObject{{QStringLiteral("ip"), ip}}},
                             response, why);
    });
}

Problem invalidRefreshToken(const QString &code = QStringLiteral("INVALID_REFRESH_TOKEN"))
{
    return Problem{401,
                   code,
                   QStringLiteral("Invalid refresh token"),
                   QStringLiteral("the refresh token is unknown, expired or revoked; log in again"),
                   {}};
}

HttpResponse refresh(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString token = body.string(QStringLiteral("refresh_token"), {.required = true, .maxLength = 128});
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        store::RefreshRecord stored;
        bool found = false;
        if (!store::loadRefreshToken(db, refreshTokenHash(token), &stored, &found, why))
            return false;
        if (!found)
            return reject(response, invalidRefreshToken(), request);
        if (stored.rotated || stored.revoked) {
            // A rotated token came back: someone holds a copy. End every session of the family.
            if (!store::revokeFamily(db, stored.familyId, why))
                return false;
            *response =
                invalidRefreshToken(QStringLiteral("REFRESH_TOKEN_REUSED")).toResponse(request.trace.traceId);
            return true;
        }
        if (stored.expiresAt <= QDateTime::currentDateTimeUtc())
            return reject(response, invalidRefreshToken(), request);
        AdminRecord admin;
        if (!store::loadAdmin(db, QStringLiteral("id"), stored.adminId, false, &admin, &found, why))
            return false;
        if (!found || admin.status == QStringLiteral("disabled") ||
            lockedNow(admin, QDateTime::currentDateTimeUtc())) {
            if (!store::revokeFamily(db, stored.familyId, why))
                return false;
            *response = invalidRefreshToken().toResponse(request.trace.traceId);
            return true;
        }
        QJsonObject session;
        if (!store::markRotated(db, stored.id, why) ||
            !issueSession(db, context, admin, stored.familyId, &session, why))
            return false;
        *response = HttpResponse::json(session);
        return true;
    });
}

HttpResponse logout(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString token = body.string(QStringLiteral("refresh_token"), {.required = true, .maxLength = 128});
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        store::RefreshRecord stored;
        bool found = false;
        if (!store::loadRefreshToken(db, refreshTokenHash(token), &stored, &found, why))
            return false;
        // Unknown tokens get the same answer: logout reveals nothing.
        if (found && !store::revokeFamily(db, stored.familyId, why))
            return false;
        *response = HttpResponse::empty(204);
        return true;
    });
}

HttpResponse me(const RouteContext &context, const HttpRequest &request)
{
    return context.read(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord admin;
        bool found = false;
        if (!store::loadAdmin(db, QStringLiteral("id"), request.principal.id, false, &admin, &found, why))
            return false;
        if (!found)
            return reject(response, Problem::notFound(QStringLiteral("the token's admin no longer exists")),
                          request);
        QJsonObject body = admin.toJson();
        body.insert(QStringLiteral("permissions"), QJsonArray::fromStringList(request.principal.permissions));
        body.insert(QStringLiteral("password_expired"),
                    PasswordPolicy::isExpired(admin.passwordChangedAt, QDateTime::currentDateTimeUtc()));
        *response = HttpResponse::json(body);
        return true;
    });
}

HttpResponse changePassword(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString current = passwordField(body, request, QStringLiteral("current_password"), true);
    const QString next = passwordField(body, request, QStringLiteral("new_password"), true);
    if (!body.ok())
        return body.problem();
    if (const QStringList broken = PasswordPolicy::violations(next); !broken.isEmpty())
        return passwordPolicyProblem(broken).toResponse(request.trace.traceId);
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord admin;
        bool found = false;
        if (!store::loadAdmin(db, QStringLiteral("id"), request.principal.id, true, &admin, &found, why))
            return false;
        if (!found)
            return reject(response, Problem::notFound(QStringLiteral("the token's admin no longer exists")),
                          request);
        if (!platform::crypto::verifyPassword(current, admin.passwordHash))
            return reject(response,
                          Problem{403,
                                  QStringLiteral("INVALID_CREDENTIALS"),
                                  QStringLiteral("Invalid credentials"),
                                  QStringLiteral("current_password is wrong"),
                                  {}},
                          request);
        if (!acceptNewPassword(db, admin.id, next, request, response, why))
            return false;
        const QString hash = platform::crypto::hashPassword(next, context.settings.passwordIterations);
        if (!store::setPassword(db, admin.id, hash, false, why))
            return false;
        const QJsonObject before{{QStringLiteral("password_changed_at"),
                                  admin.toJson().value(QStringLiteral("password_changed_at"))},
                                 {QStringLiteral("must_change_password"), admin.mustChangePassword}};
        const QJsonObject after{
            {QStringLiteral("password_changed_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
            {QStringLiteral("must_change_password"), false}};
        *response = HttpResponse::empty(204);
        return context.audit(
            db, request,
            {QStringLiteral("admin.change_password"), QStringLiteral("admin"), admin.id, before, after},
            response, why);
    });
}

} // namespace auth_routes

void registerAuthRoutes(Router &router, const RouteContext &context)
{
    using namespace auth_routes;
    const QJsonObject tokenBody =
        objectSchema({{QStringLiteral("refresh_token"), stringSchema()}}, {QStringLiteral("refresh_token")});
    router.add({.method = "POST",
                .pattern = "/api/v1/auth/login",
                .handler = [context](const HttpRequest &r) { return login(context, r); },
                .access = Access::Public,
                .jsonBody = true,
                .summary = "Log in with username, password and (when enabled) a TOTP code",
                .requestSchema =
                    objectSchema({{QStringLiteral("username"), stringSchema()},
                                  {QStringLiteral("password"), stringSchema(QStringLiteral("password"))},
                                  {QStringLiteral("totp_code"), stringSchema()}},
                                 {QStringLiteral("username"), QStringLiteral("password")}),
                .responseSchema = sessionSchema()});
    router.add({.method = "POST",
                .pattern = "/api/v1/auth/refresh",
                .handler = [context](const HttpRequest &r) { return refresh(context, r); },
                .access = Access::Public,
                .jsonBody = true,
                .summary = "Exchange a refresh token for new tokens (the old one stops working)",
                .requestSchema = tokenBody,
                .responseSchema = sessionSchema()});
    router.add({.method = "POST",
                .pattern = "/api/v1/auth/logout",
                .handler = [context](const HttpRequest &r) { return logout(context, r); },
                .access = Access::Public,
                .jsonBody = true,
                .summary = "Revoke a refresh token and every token rotated from the same login",
                .requestSchema = tokenBody,
                .successStatus = 204});
    router.add({.method = "GET",
                .pattern = "/api/v1/auth/me",
                .handler = [context](const HttpRequest &r) { return me(context, r); },
                .access = Access::Admin,
                .summary = "The calling admin and the permissions of its token",
                .responseSchema = objectSchema({})});
    router.add({.method = "POST",
                .pattern = "/api/v1/auth/change-password",
                .handler = [context](const HttpRequest &r) { return changePassword(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .summary = "Change the caller's own password (policy and history apply)",
                .requestSchema = objectSchema(
                    {{QStringLiteral("current_password"), stringSchema(QStringLiteral("password"))},
                     {QStringLiteral("new_password"), stringSchema(QStringLiteral("password"))}},
                    {QStringLiteral("current_password"), QStringLiteral("new_password")}),
                .successStatus = 204});
}

} // namespace paydesk::services::admin
