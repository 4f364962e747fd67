#include "platform/host/Authentication.h"

#include "platform/host/HostEnvironment.h"
#include "platform/http/Problem.h"
#include "platform/rpc/ServiceClient.h"
#include "platform/security/Crypto.h"
#include "platform/security/Jwt.h"

#include <QDateTime>
#include <QJsonArray>

namespace paydesk::platform {

namespace {
std::optional<HttpResponse> authenticateAdmin(const Route &route, HttpRequest &request,
                                              const HostEnvironment &env)
{
    const QByteArray authorization = request.header("authorization");
    if (!authorization.startsWith("Bearer "))
        return Problem::unauthorized(QStringLiteral("an admin bearer token is required"))
            .toResponse(request.trace.traceId);
    QJsonObject claims;
    QString reason;
    if (!jwt::verify(authorization.mid(7).trimmed(), env.secrets.jwtKey, QDateTime::currentSecsSinceEpoch(),
                     &claims, &reason) ||
        claims.value(QStringLiteral("typ")).toString() != QStringLiteral("access")) {
        return Problem::unauthorized(reason.isEmpty() ? QStringLiteral("not an access token") : reason)
            .toResponse(request.trace.traceId);
    }
    Principal principal;
    principal.kind = Principal::Kind::Admin;
    principal.id = claims.value(QStringLiteral("sub")).toString();
    principal.name = claims.value(QStringLiteral("username")).toString();
    for (const QJsonValue &permission : claims.value(QStringLiteral("permissions")).toArray())
        principal.permissions.append(permission.toString());
    if (!principal.can(route.permission)) {
        return Problem::forbidden(QStringLiteral("permission %1 is required").arg(route.permission))
            .toResponse(request.trace.traceId);
    }
    request.principal = principal;
    return std::nullopt;
}

std::optional<HttpResponse> authenticateInternal(HttpRequest &request, const HostEnvironment &env)
{
    const bool trusted =
        request.inProcess ||
        crypto::constantTimeEquals(request.header("x-paydesk-internal-token"), env.secrets.internalToken());
    if (!trusted)
        return Problem::forbidden(QStringLiteral("internal route: service callers only"))
            .toResponse(request.trace.traceId);
    request.principal.kind = Principal::Kind::Service;
    request.principal.id = QString::fromLatin1(request.header("x-paydesk-caller"));
    request.principal.name = request.principal.id;
    return std::nullopt;
}
} // namespace

std::optional<HttpResponse> authenticateLocally(const Route &route, HttpRequest &request,
                                                const HostEnvironment &env)
{
    switch (route.access) {
    case Access::Public:
    case Access::Merchant:
        return std::nullopt;
    case Access::Admin:
        return authenticateAdmin(route, request, env);
    case Access::Internal:
        return authenticateInternal(request, env);
    }
    return std::nullopt;
}

std::optional<HttpResponse> authenticateMerchant(HttpRequest &request, const ServiceClient &client)
{
    // Everything the signature covers travels to merchant-auth-service, which owns the keys,
    // the nonce store and the failure counters; the verdict comes back as a problem or identity.
    const QJsonObject ask{
        {QStringLiteral("api_key"), QString::fromLatin1(request.header("x-api-key"))},
        {QStringLiteral("signature"), QString::fromLatin1(request.header("x-signature"))},
        {QStringLiteral("timestamp"), QString::fromLatin1(request.header("x-timestamp"))},
        {QStringLiteral("nonce"), QString::fromLatin1(request.header("x-nonce"))},
        {QStringLiteral("version"), QString::fromLatin1(request.header("x-signature-version"))},
        {QStringLiteral("method"), QString::fromLatin1(request.method)},
        {QStringLiteral("path"), request.path},
        {QStringLiteral("body_base64"), QString::fromLatin1(request.body.toBase64())},
        {QStringLiteral("client_ip"), request.remoteAddress.toString()},
    };
    CallOptions options;
    options.parent = request.trace;
    options.timeoutMs = 3000;
    const HttpResponse verdict = client.callSync(QString::fromLatin1(kMerchantAuthService), "POST",
                                                 QString::fromLatin1(kSignatureVerifyPath),
                                                 QJsonDocument(ask).toJson(QJsonDocument::Compact), options);
    if (!verdict.isSuccess()) {
        HttpResponse response = verdict;
        response.headers.removeIf([](const auto &h) {
            return h.first.compare("traceparent", Qt::CaseInsensitive) == 0 ||
                   h.first.compare("x-request-id", Qt::CaseInsensitive) == 0;
        });
        if (response.status >= 500) // the verifier is down: fail closed, and say so
            return Problem::unavailable(QStringLiteral("AUTH_UNAVAILABLE"),
                                        QStringLiteral("signature verification is unavailable"))
                .toResponse(request.trace.traceId);
        return response;
    }
    const QJsonObject identity = verdict.jsonObject();
    request.principal.kind = Principal::Kind::Merchant;
    request.principal.merchantId = identity.value(QStringLiteral("merchant_id")).toString();
    request.principal.id = request.principal.merchantId;
    request.principal.apiKeyId = identity.value(QStringLiteral("key_id")).toString();
    request.principal.name = request.principal.apiKeyId;
    request.principal.environment = identity.value(QStringLiteral("environment")).toString();
    if (request.principal.merchantId.isEmpty())
        return Problem::unauthorized(QStringLiteral("authentication failed"))
            .toResponse(request.trace.traceId);
    return std::nullopt;
}

} // namespace paydesk::platform
