// TOTP second factor for the calling admin: setup (secret shown once) → verify (enables) → disable.

#include "../domain/Totp.h"
#include "../store/AdminStore.h"
#include "RouteContext.h"

#include "platform/security/Crypto.h"

namespace paydesk::services::admin {

using platform::Access;
using platform::BodyReader;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::Router;
using store::AdminRecord;

namespace two_factor_routes {

const QString kIssuer = QStringLiteral("PayDesk");

Problem invalidCode()
{
    return Problem{422,
                   QStringLiteral("TOTP_INVALID"),
                   QStringLiteral("Invalid second factor"),
                   QStringLiteral("the code is wrong, expired or already used"),
                   {}};
}

QJsonObject totpState(const AdminRecord &admin)
{
    return {{QStringLiteral("totp_enabled"), admin.totpEnabled},
            {QStringLiteral("totp_pending"), !admin.totpPendingSecret.isEmpty()}};
}

// Loads the caller for update; a problem when the token's admin is gone.
bool loadCaller(QSqlDatabase &db, const HttpRequest &request, AdminRecord *admin, HttpResponse *response,
                QString *why)
{
    bool found = false;
    if (!store::loadAdmin(db, QStringLiteral("id"), request.principal.id, true, admin, &found, why))
        return false;
    if (!found)
        return reject(response, Problem::notFound(QStringLiteral("the token's admin no longer exists")),
                      request);
    return true;
}

// Checks `code` against the sealed secret and burns its step. False with a problem or *why.
bool acceptCode(QSqlDatabase &db, const RouteContext &context, const HttpRequest &request,
                const AdminRecord &admin, const QByteArray &sealed, const QString &code,
                HttpResponse *response, QString *why)
{
    QByteArray secret;
    if (!platform::crypto::decrypt(context.runtime.environment().secrets.masterKey, sealed, &secret)) {
        *why = QStringLiteral("the stored TOTP secret does not decrypt with this installation's master key");
        return false;
    }
    const auto step = totp::matchingStep(secret, code, QDateTime::currentSecsSinceEpoch());
    if (!step || *step <= admin.totpLastStep)
        return reject(response, invalidCode(), request);
    return store::setTotpLastStep(db, admin.id, *step, why);
}

HttpResponse setup(const RouteContext &context, const HttpRequest &request)
{
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord admin;
        if (!loadCaller(db, request, &admin, response, why))
            return false;
        if (admin.totpEnabled)
            return reject(
                response,
                Problem::conflict(QStringLiteral("TOTP_ALREADY_ENABLED"),
                                  QStringLiteral("disable the second factor before setting up a new one")),
                request);
        const QByteArray secret = platform::crypto::randomBytes(totp::kSecretBytes);
        const QByteArray sealed =
            platform::crypto::encrypt(context.runtime.environment().secrets.masterKey, secret);
        if (!store::setTotp(db, admin.id, {}, sealed, false, why))
            return false;
        AdminRecord after = admin;
        after.totpPendingSecret = sealed;
        *response = HttpResponse::json(QJsonObject{
            {QStringLiteral("secret"), totp::base32Encode(secret)},
            {QStringLiteral("otpauth_uri"), totp::provisioningUri(kIssuer, admin.username, secret)},
            {QStringLiteral("digits"), totp::kDigits},
            {QStringLiteral("period"), totp::kStepSeconds}});
        return context.audit(db, request,
                             {QStringLiteral("admin.2fa_setup"), QStringLiteral("admin"), admin.id,
                              totpState(admin), totpState(after)},
                             response, why);
    });
}

HttpResponse verify(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString code = body.string(QStringLiteral("code"), {.required = true, .maxLength = 10});
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord admin;
        if (!loadCaller(db, request, &admin, response, why))
            return false;
        if (admin.totpPendingSecret.isEmpty())
            return reject(
                response,
                Problem::conflict(QStringLiteral("TOTP_NOT_SET_UP"), QStringLiteral("call 2fa/setup first")),
                request);
        if (!acceptCode(db, context, request, admin, admin.totpPendingSecret, code, response, why) ||
            !store::setTotp(db, admin.id, admin.totpPendingSecret, {}, true, why))
            return false;
        AdminRecord after = admin;
        after.totpEnabled = true;
        after.totpPendingSecret.clear();
        *response = HttpResponse::json(totpState(after));
        return context.audit(db, request,
                             {QStringLiteral("admin.2fa_enable"), QStringLiteral("admin"), admin.id,
                              totpState(admin), totpState(after)},
                             response, why);
    });
}

HttpResponse disable(const RouteContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    const QString code = body.string(QStringLiteral("code"), {.required = true, .maxLength = 10});
    if (!body.ok())
        return body.problem();
    return context.transact(request, [&](QSqlDatabase &db, HttpResponse *response, QString *why) {
        AdminRecord admin;
        if (!loadCaller(db, request, &admin, response, why))
            return false;
        if (!admin.totpEnabled)
            return reject(response,
                          Problem::conflict(QStringLiteral("TOTP_NOT_ENABLED"),
                                            QStringLiteral("no second factor is enabled")),
                          request);
        if (!acceptCode(db, context, request, admin, admin.totpSecret, code, response, why) ||
            !store::setTotp(db, admin.id, {}, {}, false, why))
            return false;
        AdminRecord after = admin;
        after.totpEnabled = false;
        *response = HttpResponse::json(totpState(after));
        return context.audit(db, request,
                             {QStringLiteral("admin.2fa_disable"), QStringLiteral("admin"), admin.id,
                              totpState(admin), totpState(after)},
                             response, why);
    });
}

} // namespace two_factor_routes

void registerTwoFactorRoutes(Router &router, const RouteContext &context)
{
    using namespace two_factor_routes;
    const QJsonObject codeBody =
        objectSchema({{QStringLiteral("code"), stringSchema()}}, {QStringLiteral("code")});
    const QJsonObject state = objectSchema(
        {{QStringLiteral("totp_enabled"), QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")}}},
         {QStringLiteral("totp_pending"), QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")}}}});
    router.add({.method = "POST",
                .pattern = "/api/v1/auth/2fa/setup",
                .handler = [context](const HttpRequest &r) { return setup(context, r); },
                .access = Access::Admin,
                .summary = "Start TOTP setup: a new secret and otpauth URI, shown once",
                .responseSchema =
                    objectSchema({{QStringLiteral("secret"), stringSchema()},
                                  {QStringLiteral("otpauth_uri"), stringSchema(QStringLiteral("uri"))}})});
    router.add({.method = "POST",
                .pattern = "/api/v1/auth/2fa/verify",
                .handler = [context](const HttpRequest &r) { return verify(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .summary = "Enable TOTP by proving the authenticator has the secret",
                .requestSchema = codeBody,
                .responseSchema = state});
    router.add({.method = "POST",
                .pattern = "/api/v1/auth/2fa/disable",
                .handler = [context](const HttpRequest &r) { return disable(context, r); },
                .access = Access::Admin,
                .jsonBody = true,
                .summary = "Disable TOTP with a current code",
                .requestSchema = codeBody,
                .responseSchema = state});
}

} // namespace paydesk::services::admin
