// The public hosted checkout page. Anyone holding the session token may view and pay it; the form
// carries the session's form token (CSRF). The card is read from the form, passed to payment-gateway
// and forgotten: never stored, logged or echoed back into a page.
//
// A decline ends the session (status failed): the gateway call's Idempotency-Key is the session
// token, so a second card on the same session would be an idempotency conflict. The customer goes
// back to the merchant, which opens a new session to retry. An unknown outcome (gateway down,
// timeout) leaves the session open, and submitting again replays the same key.

#include "services/cashier-service/domain/CheckoutPage.h"
#include "services/cashier-service/domain/CheckoutRules.h"
#include "services/cashier-service/domain/GatewayOutcome.h"
#include "services/cashier-service/routes/CashierRoutes.h"
#include "services/cashier-service/store/SessionStore.h"

#include "platform/db/Database.h"
#include "platform/host/Transaction.h"
#include "platform/observe/JsonLog.h"
#include "platform/rpc/ServiceClient.h"
#include "platform/security/Crypto.h"

#include <QHostAddress>

namespace paydesk::services::cashier {

using namespace platform;

namespace checkout_routes {
constexpr qint64 kFormBodyMaxBytes = 8 * 1024;

HttpResponse page(const QByteArray &html, int status = 200)
{
    HttpResponse response = HttpResponse::text(html, "text/html; charset=utf-8", status);
    for (const auto &[name, value] : pageHeaders())
        response.setHeader(name, value);
    return response;
}

HttpResponse unknownPage()
{
    return page(
        errorPage(QStringLiteral("Checkout not found"),
                  QStringLiteral("This payment link is not valid. Please return to the merchant's site "
                                 "and start again.")),
        404);
}

QString amountText(const store::Session &session)
{
    return formatAmount(session.amountMinor, session.currency,
                        currencyExponent(session.currency).value_or(2));
}

// The 410 page of a session that cannot be paid any more (or nullopt when it is open).
std::optional<HttpResponse> closedPage(const store::Session &session)
{
    const QString status = session.status;
    if (status == QStringLiteral("open"))
        return std::nullopt;
    QString title = QStringLiteral("Checkout expired");
    QString message =
        QStringLiteral("This payment link has expired. Please return to the merchant to start again.");
    QString link;
    if (status == QStringLiteral("completed")) {
        title = QStringLiteral("Already paid");
        message = QStringLiteral("This order has already been paid.");
        link = returnLink(session.returnUrl, session.paymentNo, QStringLiteral("success"));
    } else if (status == QStringLiteral("failed")) {
        title = QStringLiteral("Payment declined");
        message =
            QStringLiteral("The payment for this order was declined. Return to the merchant to try again.");
        link = returnLink(session.returnUrl, session.paymentNo, QStringLiteral("failed"));
    } else if (status == QStringLiteral("cancelled")) {
        title = QStringLiteral("Checkout cancelled");
        message = QStringLiteral("The merchant cancelled this checkout.");
    }
    return page(errorPage(title, message, link), 410);
}

// Runs `work` in one transaction on this worker's connection; a database error becomes a 500 page.
// Unlike transact(), a non-2xx page (410 after marking a session expired) still commits.
HttpResponse
inPageTransaction(ServiceRuntime &runtime, const HttpRequest &request,
                  const std::function<std::optional<HttpResponse>(QSqlDatabase &, QString *)> &work)
{
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        std::optional<HttpResponse> answer;
        QString error;
        const bool ok = inTransaction(
            db,
            [&](QString *why) {
                answer = work(db, why);
                return answer.has_value();
            },
            &error);
        if (!ok) {
            runtime.log().write(LogLevel::Error, QStringLiteral("checkout page: %1").arg(error));
            return page(errorPage(QStringLiteral("Something went wrong"),
                                  QStringLiteral("Please try again in a moment.")),
                        500);
        }
        return *answer;
    });
}

// Loads the session of `token` for update and settles expiry: nullopt with *answer set when the
// page to show is an error page (unknown, lapsed, closed).
std::optional<store::Session> openSession(QSqlDatabase &db, const QString &token,
                                          std::optional<HttpResponse> *answer, QString *why)
{
    std::optional<store::Session> session;
    if (!store::loadSession(db, tokenHash(token), true, &session, why))
        return std::nullopt; // *answer stays empty: database error
    if (!session) {
        *answer = unknownPage();
        return std::nullopt;
    }
    if (session->isLapsed(QDateTime::currentDateTimeUtc())) {
        bool moved = false;
        if (!store::closeSession(db, *session, QStringLiteral("expired"), &moved, why) ||
            (moved && !store::recordEvent(db, *session, store::Step::Expired, {}, why)))
            return std::nullopt;
        session->status = QStringLiteral("expired");
    }
    if (auto closed = closedPage(*session)) {
        *answer = closed;
        return std::nullopt;
    }
    return session;
}

CheckoutView viewOf(const store::Session &session, const QString &token)
{
    CheckoutView view;
    view.token = token;
    view.formToken = session.formToken;
    view.merchantName = session.merchantName;
    view.orderNo = session.orderNo;
    view.description = session.description;
    view.amountText = amountText(session);
    view.testMode = session.environment != QStringLiteral("live");
    view.channels = session.allowedChannels;
    return view;
}

HttpResponse show(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString token = request.pathParam(QStringLiteral("token"));
    if (!looksLikeToken(token))
        return unknownPage();
    return inPageTransaction(
        runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<HttpResponse> answer;
            const std::optional<store::Session> session = openSession(db, token, &answer, why);
            if (!session)
                return answer;
            if (!store::recordEvent(db, *session, store::Step::PageView, {}, why))
                return std::nullopt;
            return page(checkoutPage(viewOf(*session, token)));
        });
}

// The browser's address goes along as customer_ip: risk-service's velocity rules count per address.
QJsonObject paymentRequest(const store::Session &session, const CardInput &card, const QString &channel,
                           const QHostAddress &customer)
{
    QJsonObject body{{QStringLiteral("merchant_id"), session.merchantId},
                     {QStringLiteral("environment"), session.environment},
                     {QStringLiteral("order_no"), session.orderNo},
                     {QStringLiteral("amount_minor"), session.amountMinor},
                     {QStringLiteral("currency"), session.currency},
                     {QStringLiteral("pay_method"), QStringLiteral("card")},
                     {QStringLiteral("card"), QJsonObject{{QStringLiteral("number"), card.number},
                                                          {QStringLiteral("exp_month"), card.expMonth},
                                                          {QStringLiteral("exp_year"), card.expYear},
                                                          {QStringLiteral("cvc"), card.cvc},
                                                          {QStringLiteral("holder"), card.holder}}},
                     {QStringLiteral("return_url"), session.returnUrl},
                     {QStringLiteral("description"), session.description}};
    if (!channel.isEmpty())
        body.insert(QStringLiteral("channel"), channel);
    if (!session.customerEmail.isEmpty())
        body.insert(QStringLiteral("customer_email"), session.customerEmail);
    bool mapped = false;
    const QHostAddress v4(customer.toIPv4Address(&mapped));
    if (!customer.isNull())
        body.insert(QStringLiteral("customer_ip"), mapped ? v4.toString() : customer.toString());
    return body;
}

// Step 1 of a payment: checks the session, the CSRF token and the card, records form_submit.
// Returns the session when the payment may be attempted; otherwise *answer is the page to show.
std::optional<store::Session> acceptSubmission(ServiceRuntime &runtime, const HttpRequest &request,
                                               const QString &token, const QUrlQuery &form, CardCheck *card,
                                               HttpResponse *answer)
{
    std::optional<store::Session> accepted;
    *answer = inPageTransaction(
        runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<HttpResponse> refused;
            std::optional<store::Session> session = openSession(db, token, &refused, why);
            if (!session)
                return refused;
            const QByteArray sent = form.queryItemValue(QStringLiteral("form_token")).toLatin1();
            if (sent.isEmpty() || !crypto::constantTimeEquals(sent, session->formToken.toLatin1()))
                return page(
                    errorPage(QStringLiteral("Form expired"),
                              QStringLiteral("This form is no longer valid. Reload the payment page and try "
                                             "again.")),
                    403);
            *card = readCard(form, QDate::currentDate());
            if (!card->ok()) {
                CheckoutView view = viewOf(*session, token);
                view.errors = card->errors;
                view.holder = card->card.holder;
                view.expiry = form.queryItemValue(QStringLiteral("expiry"), QUrl::FullyDecoded).left(7);
                return page(checkoutPage(view), 422);
            }
            if (!store::recordEvent(db, *session, store::Step::FormSubmit, {}, why))
                return std::nullopt;
            accepted = session;
            return HttpResponse::empty(204);
        });
    return answer->status == 204 ? accepted : std::nullopt;
}

// Step 3: records the outcome on the session (if still open) and the funnel.
HttpResponse settle(ServiceRuntime &runtime, const HttpRequest &request, store::Session session,
                    const GatewayOutcome &outcome)
{
    return inPageTransaction(
        runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            const bool declined = outcome.kind == GatewayOutcome::Kind::Declined;
            session.paymentNo = outcome.paymentNo;
            session.paymentStatus = outcome.paymentStatus;
            session.declineReason =
                declined ? (outcome.reason.isEmpty() ? QStringLiteral("declined") : outcome.reason)
                         : QString();
            bool moved = false;
            if (!store::closeSession(db, session,
                                     declined ? QStringLiteral("failed") : QStringLiteral("completed"),
                                     &moved, why))
                return std::nullopt;
            // Once per session (a concurrent submit may have settled it first); a payment still
            // processing is neither step yet.
            if (moved && outcome.kind != GatewayOutcome::Kind::Processing &&
                !store::recordEvent(db, session,
                                    declined ? store::Step::PaymentDeclined : store::Step::PaymentSucceeded,
                                    declined ? session.declineReason : outcome.paymentStatus, why))
                return std::nullopt;
            ResultView view;
            view.kind = declined                                           ? ResultView::Kind::Declined
                        : outcome.kind == GatewayOutcome::Kind::Processing ? ResultView::Kind::Processing
                                                                           : ResultView::Kind::Paid;
            view.merchantName = session.merchantName;
            view.orderNo = session.orderNo;
            view.amountText = amountText(session);
            view.paymentNo = outcome.paymentNo;
            view.reason = outcome.reason;
            view.returnHref = returnLink(session.returnUrl, outcome.paymentNo, outcome.merchantStatus());
            return page(resultPage(view), declined ? 402 : 200);
        });
}

HttpResponse pay(ServiceRuntime &runtime, const CashierContext &context, const HttpRequest &request)
{
    const QString token = request.pathParam(QStringLiteral("token"));
    if (!looksLikeToken(token))
        return unknownPage();
    const QUrlQuery form = parseForm(request.body);
    CardCheck card;
    HttpResponse refused;
    const std::optional<store::Session> session =
        acceptSubmission(runtime, request, token, form, &card, &refused);
    if (!session)
        return refused;

    QString channel = form.queryItemValue(QStringLiteral("channel"), QUrl::FullyDecoded);
    if (!session->allowedChannels.contains(channel))
        channel = session->allowedChannels.value(0);
    CallOptions options;
    options.timeoutMs = context.settings.gatewayTimeoutMs;
    options.parent = request.trace;
    options.headers.insert("Idempotency-Key", token.toLatin1());
    options.headers.insert("Content-Type", "application/json");
    const HttpResponse answer = runtime.client().callSync(
        kGatewayService, "POST", QStringLiteral("/internal/v1/payments"),
        QJsonDocument(paymentRequest(*session, card.card, channel, request.remoteAddress))
            .toJson(QJsonDocument::Compact),
        options);
    const GatewayOutcome outcome = interpretGatewayAnswer(answer.status, answer.jsonObject());
    if (outcome.kind == GatewayOutcome::Kind::Unavailable) {
        runtime.log().write(LogLevel::Warn,
                            QStringLiteral("checkout of order %1: payment-gateway answered %2")
                                .arg(session->orderNo)
                                .arg(answer.status));
        return page(
            errorPage(QStringLiteral("Payment service unavailable"),
                      QStringLiteral("We could not reach the payment service. Nothing was charged twice: "
                                     "go back and submit the form again in a moment.")),
            502);
    }
    return settle(runtime, request, *session, outcome);
}
} // namespace checkout_routes

void addCheckoutRoutes(Router &router, ServiceRuntime &runtime, const CashierContext &context)
{
    using namespace checkout_routes;
    router.add(
        {.method = "GET",
         .pattern = QStringLiteral("/checkout/{token}"),
         .handler = [&runtime](const HttpRequest &r) { return show(runtime, r); },
         .access = Access::Public,
         .summary = QStringLiteral("Hosted checkout page (HTML); 404 unknown, 410 expired or closed")});
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/checkout/{token}/pay"),
         .handler = [&runtime, &context](const HttpRequest &r) { return pay(runtime, context, r); },
         .access = Access::Public,
         .summary = QStringLiteral("Card form post (x-www-form-urlencoded): pays through payment-gateway, "
                                   "answers the result page"),
         .bodyLimitBytes = kFormBodyMaxBytes});
}

} // namespace paydesk::services::cashier
