// Merchant side of checkout sessions. The merchant is the verified key's; the session token is
// returned once at creation (only its hash is stored) and is the handle for GET and DELETE.

#include "services/cashier-service/domain/CheckoutRules.h"
#include "services/cashier-service/routes/CashierRoutes.h"
#include "services/cashier-service/store/SessionStore.h"

#include "platform/host/Transaction.h"
#include "platform/http/HttpUrl.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/rpc/ServiceClient.h"

#include <QRegularExpression>

namespace paydesk::services::cashier {

using namespace platform;

namespace session_routes {
constexpr qint64 kAmountMax = 1'000'000'000'000'000; // 10^15 minor units: far above any limit
constexpr int kChannelsMax = 10;

HttpResponse sessionNotFound(const HttpRequest &request)
{
    return notFound(request, QStringLiteral("SESSION_NOT_FOUND"), QStringLiteral("no such checkout session"));
}

QJsonObject sessionJson(const store::Session &session, const QString &token, const CashierContext &context)
{
    QJsonObject json = session.toJson();
    json.insert(QStringLiteral("session_token"), token);
    json.insert(QStringLiteral("checkout_url"), context.checkoutBase + QStringLiteral("/checkout/") + token);
    return json;
}

// Reads and validates the body into `session`; the caller answers body.problem() when not ok.
void readSession(BodyReader &body, store::Session *session, int *expiresInMinutes)
{
    static const QRegularExpression kOrderNo(QStringLiteral("^[A-Za-z0-9._:-]+$"));
    static const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));
    static const QRegularExpression kChannel(QStringLiteral("^[a-z0-9_-]{1,32}$"));
    session->orderNo = body.string(QStringLiteral("order_no"), {.required = true, .maxLength = 64});
    if (!session->orderNo.isEmpty() && !kOrderNo.match(session->orderNo).hasMatch())
        body.fail(QStringLiteral("order_no"), QStringLiteral("may hold letters, digits and . _ : - only"));
    session->amountMinor =
        body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1, .max = kAmountMax});
    session->currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
    if (!session->currency.isEmpty() && !kCurrency.match(session->currency).hasMatch())
        body.fail(QStringLiteral("currency"),
                  QStringLiteral("must be an ISO 4217 code (3 upper-case letters)"));
    session->description = body.string(QStringLiteral("description"), {.maxLength = 256});
    session->returnUrl = body.string(QStringLiteral("return_url"), {.required = true, .maxLength = 2048});
    if (!session->returnUrl.isEmpty()) {
        if (const QString why = httpUrlProblem(session->returnUrl); !why.isEmpty())
            body.fail(QStringLiteral("return_url"), why);
    }
    *expiresInMinutes = body.has(QStringLiteral("expires_in_minutes"))
                            ? int(body.int64(QStringLiteral("expires_in_minutes"), {.min = 1, .max = 1440}))
                            : 30;
    session->customerEmail = body.string(QStringLiteral("customer_email"), {.maxLength = 254});
    if (!session->customerEmail.isEmpty() && !session->customerEmail.contains(u'@'))
        body.fail(QStringLiteral("customer_email"), QStringLiteral("must be an e-mail address"));
    const QJsonArray channels = body.array(QStringLiteral("allowed_channels"));
    if (channels.size() > kChannelsMax)
        body.fail(QStringLiteral("allowed_channels"),
                  QStringLiteral("at most %1 channels").arg(kChannelsMax));
    for (const QJsonValue &channel : channels) {
        if (!kChannel.match(channel.toString()).hasMatch())
            body.fail(QStringLiteral("allowed_channels"),
                      QStringLiteral("channel names are [a-z0-9_-]{1,32}"));
        else if (!session->allowedChannels.contains(channel.toString()))
            session->allowedChannels.append(channel.toString());
    }
}

// The merchant's display name from merchant-service; empty when it does not answer (the page
// then shows no name rather than failing the session).
QString merchantName(ServiceRuntime &runtime, const HttpRequest &request, const CashierContext &context)
{
    CallOptions options;
    options.timeoutMs = context.settings.merchantLookupTimeoutMs;
    options.parent = request.trace;
    const HttpResponse profile = runtime.client().callSync(
        QStringLiteral("merchant-service"), "GET",
        QStringLiteral("/internal/v1/merchants/") + request.principal.merchantId, {}, options);
    return profile.isSuccess() ? profile.jsonObject().value(QStringLiteral("name")).toString().left(200)
                               : QString();
}

HttpResponse create(ServiceRuntime &runtime, const CashierContext &context, const HttpRequest &request)
{
    BodyReader body(request);
    store::Session session;
    int expiresInMinutes = 30;
    readSession(body, &session, &expiresInMinutes);
    if (!body.ok())
        return body.problem();
    const std::optional<int> exponent = currencyExponent(session.currency);
    if (!exponent) {
        Problem problem{400,
                        QStringLiteral("UNSUPPORTED_CURRENCY"),
                        QStringLiteral("Unsupported currency"),
                        QStringLiteral("%1 is not a currency PayDesk supports").arg(session.currency),
                        {}};
        return respond(request, problem);
    }
    const QString token = newToken();
    session.tokenHash = tokenHash(token);
    session.formToken = newToken();
    session.merchantId = request.principal.merchantId;
    session.environment = request.principal.environment;
    session.merchantName = merchantName(runtime, request, context);
    session.expiresAt = QDateTime::currentDateTimeUtc().addSecs(qint64(expiresInMinutes) * 60);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        bool duplicate = false;
        if (!store::insertSession(db, session, &duplicate, why))
            return std::nullopt;
        if (duplicate) {
            return respond(
                request,
                Problem::conflict(
                    QStringLiteral("SESSION_EXISTS"),
                    QStringLiteral("order %1 already has an open checkout session").arg(session.orderNo)));
        }
        std::optional<store::Session> saved;
        if (!store::loadSession(db, session.tokenHash, false, &saved, why) || !saved)
            return std::nullopt;
        return HttpResponse::json(sessionJson(*saved, token, context), 201);
    });
}

HttpResponse get(ServiceRuntime &runtime, const CashierContext &context, const HttpRequest &request)
{
    const QString token = request.pathParam(QStringLiteral("token"));
    if (!looksLikeToken(token))
        return sessionNotFound(request);
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        std::optional<store::Session> session;
        QString error;
        if (!store::loadSession(db, tokenHash(token), false, &session, &error))
            return respond(request, Problem::internal(error));
        if (!session || session->merchantId != request.principal.merchantId)
            return sessionNotFound(request);
        return HttpResponse::json(sessionJson(*session, token, context));
    });
}

HttpResponse cancel(ServiceRuntime &runtime, const CashierContext &context, const HttpRequest &request)
{
    const QString token = request.pathParam(QStringLiteral("token"));
    if (!looksLikeToken(token))
        return sessionNotFound(request);
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<store::Session> session;
        if (!store::loadSession(db, tokenHash(token), true, &session, why))
            return std::nullopt;
        if (!session || session->merchantId != request.principal.merchantId)
            return sessionNotFound(request);
        const auto notOpen = [&] {
            return respond(
                request,
                Problem::conflict(QStringLiteral("SESSION_NOT_OPEN"),
                                  QStringLiteral("the session is %1, not open")
                                      .arg(session->toJson().value(QStringLiteral("status")).toString())));
        };
        if (session->isLapsed(QDateTime::currentDateTimeUtc()))
            return notOpen();
        bool moved = false;
        if (!store::closeSession(db, *session, QStringLiteral("cancelled"), &moved, why))
            return std::nullopt;
        if (!moved)
            return notOpen();
        std::optional<store::Session> after;
        if (!store::loadSession(db, session->tokenHash, false, &after, why) || !after)
            return std::nullopt;
        return HttpResponse::json(sessionJson(*after, token, context));
    });
}
} // namespace session_routes

void addSessionRoutes(Router &router, ServiceRuntime &runtime, const CashierContext &context)
{
    using namespace session_routes;
    router.add({.method = "POST",
                .pattern = QStringLiteral("/api/v1/cashier/sessions"),
                .handler = [&runtime, &context](const HttpRequest &r) { return create(runtime, context, r); },
                .access = Access::Merchant,
                .jsonBody = true,
                .summary = QStringLiteral("Open a hosted checkout session {order_no, amount_minor, currency, "
                                          "description?, return_url, expires_in_minutes? (30, 1..1440), "
                                          "allowed_channels?[], customer_email?}"),
                .successStatus = 201});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/api/v1/cashier/sessions/{token}"),
                .handler = [&runtime, &context](const HttpRequest &r) { return get(runtime, context, r); },
                .access = Access::Merchant,
                .summary = QStringLiteral("A session of the signed merchant, with the payment once paid")});
    router.add({.method = "DELETE",
                .pattern = QStringLiteral("/api/v1/cashier/sessions/{token}"),
                .handler = [&runtime, &context](const HttpRequest &r) { return cancel(runtime, context, r); },
                .access = Access::Merchant,
                .summary = QStringLiteral("Cancel an open session (409 SESSION_NOT_OPEN otherwise)")});
}

} // namespace paydesk::services::cashier
