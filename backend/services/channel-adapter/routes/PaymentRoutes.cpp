// The internal routes payment-gateway calls (docs/contracts/payment-flow.md, channel-adapter).
// The acquirer is called outside any database transaction (it may take seconds); the row is
// written before (status processing, so a retry finds it) and after (the answer). The plugin is
// itself idempotent on payment_no / refund_no, so a retry never charges twice.

#include "services/channel-adapter/plugin/ChannelSupport.h"
#include "services/channel-adapter/routes/ChannelRoutes.h"
#include "services/channel-adapter/store/ChannelStore.h"

#include "platform/db/Database.h"
#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/observe/JsonLog.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::services::channels {

using namespace platform;
using ::paydesk::channels::ChannelPlugin;
using ::paydesk::channels::PaymentRequest;
using ::paydesk::channels::PaymentResult;
using ::paydesk::channels::RefundRequest;
using ::paydesk::channels::RefundResult;
using store::ChannelTransaction;

std::optional<HttpResponse> ensureConfigured(ServiceRuntime &runtime, ChannelRegistry &registry,
                                             const HttpRequest &request)
{
    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    if (!db.isOpen())
        return respond(request, Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error));
    Database::Use use(runtime.database());
    if (!registry.ensureConfigured(db, &error)) {
        runtime.log().write(LogLevel::Error, QStringLiteral("channel configs: %1").arg(error));
        return respond(request, Problem::internal(QStringLiteral("channel configuration cannot be loaded")));
    }
    return std::nullopt;
}

namespace payment_routes {
const QRegularExpression kReference(QStringLiteral("^[A-Za-z0-9_.:-]{1,64}$"));
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));

Problem problem(int status, const char *code, const QString &title, const QString &detail)
{
    return Problem{status, QLatin1String(code), title, detail, {}};
}

HttpResponse noChannel(const HttpRequest &request, const QString &detail)
{
    return respond(request,
                   problem(422, "NO_CHANNEL", QStringLiteral("No channel can take the payment"), detail));
}

HttpResponse paymentNotFound(const HttpRequest &request, const QString &paymentNo)
{
    return notFound(request, QStringLiteral("CHANNEL_PAYMENT_NOT_FOUND"),
                    QStringLiteral("no channel payment %1").arg(paymentNo));
}

HttpResponse invalidTransition(const HttpRequest &request, const QString &detail)
{
    return respond(request,
                   problem(409, "INVALID_CHANNEL_TRANSITION",
                           QStringLiteral("The payment is not in a state that allows this"), detail));
}

// A refusal of the acquirer (not a decline) as a problem.
HttpResponse pluginRefusal(const HttpRequest &request, const QString &error, const QString &message)
{
    if (error == QLatin1String("not_found"))
        return notFound(request, QStringLiteral("CHANNEL_PAYMENT_NOT_FOUND"), message);
    if (error == QLatin1String("invalid_state"))
        return invalidTransition(request, message);
    if (error == QLatin1String("invalid_amount"))
        return respond(request,
                       problem(422, "INVALID_AMOUNT", QStringLiteral("Amount not allowed"), message));
    if (error == QLatin1String("unsupported_currency"))
        return respond(
            request, problem(400, "UNSUPPORTED_CURRENCY", QStringLiteral("Currency not supported"), message));
    return respond(request,
                   problem(422, "CHANNEL_REQUEST_INVALID", QStringLiteral("The channel refused the request"),
                           error + QStringLiteral(": ") + message));
}

HttpResponse databaseError(ServiceRuntime &runtime, const HttpRequest &request, const QString &error)
{
    runtime.log().write(LogLevel::Error, QStringLiteral("channel-adapter database error: %1").arg(error));
    return respond(request, Problem::internal(QStringLiteral("database error")));
}

// The acquirer's answer on the payment row. Refunded amounts are the adapter's own bookkeeping.
void applyPayment(ChannelTransaction *tx, const PaymentResult &result)
{
    tx->status = result.status;
    if (!result.channelTradeNo.isEmpty())
        tx->channelTradeNo = result.channelTradeNo;
    tx->declineCode = result.declineCode;
    tx->declineMessage = result.declineMessage;
    tx->capturedMinor = result.capturedMinor;
    tx->feeMinor = result.feeMinor;
    tx->netMinor = result.status == QLatin1String("succeeded") ? result.capturedMinor - result.feeMinor : 0;
    if (tx->cardBrand.isEmpty())
        tx->cardBrand = result.cardBrand;
    if (tx->cardLast4.isEmpty())
        tx->cardLast4 = result.cardLast4;
}

HttpResponse paymentResponse(const ChannelTransaction &tx, bool replayed = false)
{
    QJsonObject json = tx.toJson();
    json.insert(QStringLiteral("replayed"), replayed);
    return HttpResponse::json(json);
}

// Reloads the row under lock and writes `change` to it in one transaction.
HttpResponse updatePayment(ServiceRuntime &runtime, const HttpRequest &request, const QString &paymentNo,
                           const std::function<void(ChannelTransaction *)> &change)
{
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<ChannelTransaction> tx;
        if (!store::loadPayment(db, paymentNo, true, &tx, why))
            return std::nullopt;
        if (!tx)
            return paymentNotFound(request, paymentNo);
        change(&*tx);
        if (!store::saveResult(db, *tx, why) || !store::loadPayment(db, paymentNo, false, &tx, why))
            return std::nullopt;
        return paymentResponse(*tx);
    });
}

std::optional<ChannelTransaction> readPayment(ServiceRuntime &runtime, const HttpRequest &request,
                                              const QString &paymentNo, HttpResponse *failure)
{
    std::optional<ChannelTransaction> tx;
    *failure = withConnection(runtime, request, [&](QSqlDatabase &db) {
        QString why;
        if (!store::loadPayment(db, paymentNo, false, &tx, &why))
            return databaseError(runtime, request, why);
        if (!tx)
            return paymentNotFound(request, paymentNo);
        return HttpResponse::empty(200);
    });
    return failure->isSuccess() ? tx : std::nullopt;
}

ChannelPlugin *pluginOf(ChannelRegistry &registry, const ChannelTransaction &tx)
{
    return registry.plugin(tx.channel);
}

HttpResponse channelGone(const HttpRequest &request, const QString &channel)
{
    return respond(request, Problem::unavailable(QStringLiteral("CHANNEL_UNAVAILABLE"),
                                                 QStringLiteral("channel %1 is not loaded").arg(channel)));
}

// Runs one acquirer call and records it in the metrics.
template <typename Result, typename Call>
Result timed(ChannelRegistry &registry, const QString &channel, const char *operation, Call call)
{
    QElapsedTimer clock;
    clock.start();
    Result result = call();
    registry.recordCall(channel, operation, result.error.isEmpty() ? result.status : result.error,
                        clock.nsecsElapsed() / 1e9);
    return result;
}

// ---- create ----

struct CreateInput
{
    PaymentRequest payment;
    QString channel;
};

std::optional<HttpResponse> readCreate(const HttpRequest &request, CreateInput *in)
{
    BodyReader body(request);
    PaymentRequest &p = in->payment;
    p.paymentNo = body.string(QStringLiteral("payment_no"), {.required = true, .maxLength = 64});
    if (!p.paymentNo.isEmpty() && !kReference.match(p.paymentNo).hasMatch())
        body.fail(QStringLiteral("payment_no"), QStringLiteral("letters, digits and _ . : - only"));
    p.merchantId = body.string(QStringLiteral("merchant_id"), {.required = true, .maxLength = 64});
    in->channel = body.string(QStringLiteral("channel"), {.maxLength = 64});
    p.amountMinor = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
    p.currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
    p.payMethod = body.has(QStringLiteral("pay_method"))
                      ? body.string(QStringLiteral("pay_method"), {.maxLength = 32})
                      : QStringLiteral("card");
    p.capture = body.boolean(QStringLiteral("capture"), true);
    p.description = body.string(QStringLiteral("description"), {.maxLength = 500});
    const QString callback = body.string(QStringLiteral("callback_url"), {.maxLength = 2048});
    if (!callback.isEmpty()) {
        p.callbackUrl = QUrl(callback, QUrl::StrictMode);
        if (!p.callbackUrl.isValid() || (p.callbackUrl.scheme() != QLatin1String("http") &&
                                         p.callbackUrl.scheme() != QLatin1String("https")))
            body.fail(QStringLiteral("callback_url"), QStringLiteral("must be an http(s) URL"));
    }
    if (p.payMethod == QLatin1String("card")) {
        const QJsonObject card = body.object(QStringLiteral("card"), true);
        QString number = card.value(QStringLiteral("number")).toString();
        number.remove(u' ');
        number.remove(u'-');
        static const QRegularExpression digits(QStringLiteral("^[0-9]{12,19}$"));
        if (!digits.match(number).hasMatch())
            body.fail(QStringLiteral("card.number"), QStringLiteral("12 to 19 digits"));
        const QJsonValue month = card.value(QStringLiteral("exp_month"));
        const QJsonValue year = card.value(QStringLiteral("exp_year"));
        if (!month.isDouble() || month.toInt() < 1 || month.toInt() > 12 || month.toDouble() != month.toInt())
            body.fail(QStringLiteral("card.exp_month"), QStringLiteral("an integer from 1 to 12"));
        if (!year.isDouble() || year.toInt() < 2000 || year.toInt() > 2099 || year.toDouble() != year.toInt())
            body.fail(QStringLiteral("card.exp_year"), QStringLiteral("a four-digit year"));
        const QString cvc = card.value(QStringLiteral("cvc")).toString();
        static const QRegularExpression cvcDigits(QStringLiteral("^[0-9]{3,4}$"));
        if (!cvcDigits.match(cvc).hasMatch())
            body.fail(QStringLiteral("card.cvc"), QStringLiteral("3 or 4 digits"));
        p.card = {number, month.toInt(), year.toInt(), cvc,
                  card.value(QStringLiteral("holder")).toString().left(128)};
    }
    if (!body.ok())
        return body.problem();
    if (!kCurrency.match(p.currency).hasMatch() || ::paydesk::channels::currencyExponent(p.currency) < 0)
        return respond(request,
                       problem(400, "UNSUPPORTED_CURRENCY", QStringLiteral("Currency not supported"),
                               QStringLiteral("%1 is not a supported ISO 4217 code").arg(p.currency)));
    return std::nullopt;
}

bool samePayment(const ChannelTransaction &tx, const PaymentRequest &p)
{
    return tx.merchantId == p.merchantId && tx.amountMinor == p.amountMinor && tx.currency == p.currency;
}

HttpResponse createPayment(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    CreateInput in;
    if (auto bad = readCreate(request, &in))
        return *bad;
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    PaymentRequest &p = in.payment;

    // Insert the row first (idempotency); an existing final row is the answer to a retry.
    std::optional<ChannelTransaction> existing;
    ChannelTransaction tx;
    const HttpResponse reserved =
        transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            if (!store::loadPayment(db, p.paymentNo, false, &existing, why))
                return std::nullopt;
            if (!existing) {
                QList<RouteRule> rules;
                if (!store::listRules(db, &rules, why))
                    return std::nullopt;
                const RoutingDecision route =
                    decideRoute({in.channel, p.merchantId, p.amountMinor, p.currency, p.payMethod},
                                registry.offers(), rules);
                if (!route.ok())
                    return noChannel(request, route.why);
                tx.paymentNo = p.paymentNo;
                tx.merchantId = p.merchantId;
                tx.channel = route.channel;
                tx.amountMinor = p.amountMinor;
                tx.currency = p.currency;
                tx.capture = p.capture;
                tx.payMethod = p.payMethod;
                if (p.payMethod == QLatin1String("card")) {
                    tx.cardBrand = ::paydesk::channels::cardBrand(p.card.number);
                    tx.cardLast4 = ::paydesk::channels::cardLast4(p.card.number);
                }
                tx.routingReason = route.reason;
                tx.callbackUrl = p.callbackUrl.toString();
                bool inserted = false;
                if (!store::insertTransaction(db, &tx, &inserted, why))
                    return std::nullopt;
                if (!inserted && !store::loadPayment(db, p.paymentNo, false, &existing, why))
                    return std::nullopt; // a concurrent create won: continue with its row
            }
            return HttpResponse::empty(200);
        });
    if (!reserved.isSuccess())
        return reserved;
    if (existing) {
        if (!samePayment(*existing, p))
            return respond(request,
                           Problem::conflict(QStringLiteral("PAYMENT_NO_CONFLICT"),
                                             QStringLiteral("payment %1 exists with another merchant, "
                                                            "amount or currency")
                                                 .arg(p.paymentNo)));
        if (existing->status != QLatin1String("processing"))
            return paymentResponse(*existing, true);
        tx = *existing; // in flight elsewhere or interrupted: ask the (idempotent) acquirer again
    }
    ChannelPlugin *plugin = pluginOf(registry, tx);
    if (!plugin)
        return channelGone(request, tx.channel);
    PaymentResult result =
        timed<PaymentResult>(registry, tx.channel, "create", [&] { return plugin->createPayment(p); });
    if (!result.error.isEmpty()) {
        result.status = QStringLiteral("failed");
        result.declineCode = result.error;
        result.declineMessage = result.errorMessage;
    }
    return updatePayment(runtime, request, p.paymentNo, [&](ChannelTransaction *row) {
        if (row->status == QLatin1String("processing")) // a callback may already have finished it
            applyPayment(row, result);
    });
}

// ---- query, capture, void, cancel ----

HttpResponse queryPayment(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    const QString paymentNo = request.pathParam(QStringLiteral("payment_no"));
    HttpResponse failure;
    const std::optional<ChannelTransaction> tx = readPayment(runtime, request, paymentNo, &failure);
    if (!tx)
        return failure;
    ChannelPlugin *plugin = pluginOf(registry, *tx);
    const bool open = tx->status == QLatin1String("pending") || tx->status == QLatin1String("processing");
    if (!open || !plugin || tx->channelTradeNo.isEmpty())
        return paymentResponse(*tx);
    // Still open here: the acquirer may know more (a callback that never arrived).
    const PaymentResult result = timed<PaymentResult>(
        registry, tx->channel, "query", [&] { return plugin->queryPayment(tx->channelTradeNo); });
    if (!result.error.isEmpty() || result.status == tx->status)
        return paymentResponse(*tx);
    return updatePayment(runtime, request, paymentNo, [&](ChannelTransaction *row) {
        if (row->status == QLatin1String("pending") || row->status == QLatin1String("processing"))
            applyPayment(row, result);
    });
}

QJsonObject bodyObject(const HttpRequest &request)
{
    return QJsonDocument::fromJson(request.body).object();
}

enum class Action { Capture, Void, Cancel };

HttpResponse act(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request,
                 Action action)
{
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    const QString paymentNo = request.pathParam(QStringLiteral("payment_no"));
    HttpResponse failure;
    const std::optional<ChannelTransaction> tx = readPayment(runtime, request, paymentNo, &failure);
    if (!tx)
        return failure;
    ChannelPlugin *plugin = pluginOf(registry, *tx);
    if (!plugin)
        return channelGone(request, tx->channel);
    PaymentResult result;
    switch (action) {
    case Action::Capture: {
        const QJsonValue asked = bodyObject(request).value(QStringLiteral("amount_minor"));
        if (!asked.isUndefined() && !asked.isNull() &&
            (!asked.isDouble() || asked.toDouble() != asked.toInteger()))
            return respond(request, Problem::validation(QStringLiteral("amount_minor must be an integer")));
        const qint64 amount = asked.isDouble() ? asked.toInteger() : tx->amountMinor;
        if (amount < 1 || amount > tx->amountMinor)
            return respond(request, problem(422, "INVALID_AMOUNT", QStringLiteral("Amount not allowed"),
                                            QStringLiteral("capture between 1 and %1").arg(tx->amountMinor)));
        if (tx->status == QLatin1String("succeeded") && !tx->capture && tx->capturedMinor == amount)
            return paymentResponse(*tx, true);
        if (tx->status != QLatin1String("authorized"))
            return invalidTransition(request,
                                     QStringLiteral("a %1 payment cannot be captured").arg(tx->status));
        if (amount < tx->amountMinor && !plugin->capabilities().partialCapture)
            return respond(
                request,
                problem(422, "INVALID_AMOUNT", QStringLiteral("Amount not allowed"),
                        QStringLiteral("channel %1 captures the full amount only").arg(tx->channel)));
        result = timed<PaymentResult>(registry, tx->channel, "capture",
                                      [&] { return plugin->capture(tx->channelTradeNo, amount); });
        break;
    }
    case Action::Void:
        if (tx->status == QLatin1String("voided"))
            return paymentResponse(*tx, true);
        if (tx->status != QLatin1String("authorized"))
            return invalidTransition(request,
                                     QStringLiteral("a %1 payment cannot be voided").arg(tx->status));
        result = timed<PaymentResult>(registry, tx->channel, "void",
                                      [&] { return plugin->voidAuthorization(tx->channelTradeNo); });
        break;
    case Action::Cancel:
        if (tx->status == QLatin1String("cancelled"))
            return paymentResponse(*tx, true);
        if (tx->status != QLatin1String("pending"))
            return invalidTransition(request,
                                     QStringLiteral("a %1 payment cannot be cancelled").arg(tx->status));
        result = timed<PaymentResult>(registry, tx->channel, "cancel",
                                      [&] { return plugin->cancelPayment(tx->channelTradeNo); });
        break;
    }
    if (!result.error.isEmpty())
        return pluginRefusal(request, result.error, result.errorMessage);
    return updatePayment(runtime, request, paymentNo,
                         [&](ChannelTransaction *row) { applyPayment(row, result); });
}

// ---- refunds ----

QJsonObject refundJson(const ChannelTransaction &refund, bool replayed)
{
    QJsonObject json = refund.toJson();
    json.insert(QStringLiteral("replayed"), replayed);
    return json;
}

HttpResponse createRefund(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    BodyReader body(request);
    const QString refundNo = body.string(QStringLiteral("refund_no"), {.required = true, .maxLength = 64});
    const QString paymentNo = body.string(QStringLiteral("payment_no"), {.required = true, .maxLength = 64});
    const qint64 amount = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
    const QString currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
    const bool async = body.boolean(QStringLiteral("async"), false);
    const QString callback = body.string(QStringLiteral("callback_url"), {.maxLength = 2048});
    if (!refundNo.isEmpty() && !kReference.match(refundNo).hasMatch())
        body.fail(QStringLiteral("refund_no"), QStringLiteral("letters, digits and _ . : - only"));
    if (!body.ok())
        return body.problem();
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;

    std::optional<ChannelTransaction> replay;
    ChannelTransaction refund;
    ChannelTransaction payment;
    const HttpResponse reserved =
        transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            if (!store::loadRefund(db, refundNo, &replay, why))
                return std::nullopt;
            if (replay) {
                if (replay->paymentNo != paymentNo || replay->amountMinor != amount ||
                    replay->currency != currency)
                    return respond(request,
                                   Problem::conflict(QStringLiteral("REFUND_NO_CONFLICT"),
                                                     QStringLiteral("refund %1 exists for another payment "
                                                                    "or amount")
                                                         .arg(refundNo)));
                return HttpResponse::empty(200);
            }
            std::optional<ChannelTransaction> found;
            if (!store::loadPayment(db, paymentNo, true, &found, why))
                return std::nullopt;
            if (!found)
                return paymentNotFound(request, paymentNo);
            payment = *found;
            if (payment.status != QLatin1String("succeeded"))
                return invalidTransition(
                    request, QStringLiteral("a %1 payment cannot be refunded").arg(payment.status));
            if (payment.currency != currency)
                return respond(request,
                               problem(422, "CURRENCY_MISMATCH", QStringLiteral("Currency mismatch"),
                                       QStringLiteral("the payment is in %1").arg(payment.currency)));
            ChannelPlugin *plugin = registry.plugin(payment.channel);
            if (!plugin)
                return channelGone(request, payment.channel);
            const auto capabilities = plugin->capabilities();
            qint64 reservedMinor = 0;
            if (!store::refundsReserved(db, paymentNo, &reservedMinor, why))
                return std::nullopt;
            if (!capabilities.refunds || (!capabilities.partialRefunds && amount != payment.capturedMinor))
                return respond(
                    request,
                    problem(422, "REFUND_NOT_SUPPORTED", QStringLiteral("Refund not supported"),
                            QStringLiteral("channel %1 does not take this refund").arg(payment.channel)));
            if (reservedMinor + amount > payment.capturedMinor)
                return respond(request, problem(422, "REFUND_EXCEEDS_CAPTURED",
                                                QStringLiteral("Refund exceeds the captured amount"),
                                                QStringLiteral("refundable: %1 %2")
                                                    .arg(payment.capturedMinor - reservedMinor)
                                                    .arg(currency)));
            refund.type = QStringLiteral("refund");
            refund.refundNo = refundNo;
            refund.paymentNo = paymentNo;
            refund.merchantId = payment.merchantId;
            refund.channel = payment.channel;
            refund.channelTradeNo = payment.channelTradeNo;
            refund.amountMinor = amount;
            refund.currency = currency;
            refund.routingReason = QStringLiteral("payment");
            refund.callbackUrl = callback.isEmpty() ? payment.callbackUrl : callback;
            bool inserted = false;
            if (!store::insertTransaction(db, &refund, &inserted, why))
                return std::nullopt;
            if (!inserted && !store::loadRefund(db, refundNo, &replay, why))
                return std::nullopt;
            return HttpResponse::empty(200);
        });
    if (!reserved.isSuccess())
        return reserved;
    if (replay && replay->status != QLatin1String("processing"))
        return HttpResponse::json(refundJson(*replay, true));
    if (replay)
        refund = *replay;
    ChannelPlugin *plugin = registry.plugin(refund.channel);
    if (!plugin)
        return channelGone(request, refund.channel);
    RefundResult result = timed<RefundResult>(registry, refund.channel, "refund", [&] {
        return plugin->refund(
            {refundNo, paymentNo, refund.channelTradeNo, amount, currency, async, QUrl(refund.callbackUrl)});
    });
    if (!result.error.isEmpty()) {
        result.status = QStringLiteral("failed");
        result.declineCode = result.error;
        result.declineMessage = result.errorMessage;
    }
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<ChannelTransaction> row;
        std::optional<ChannelTransaction> paid;
        if (!store::loadRefund(db, refundNo, &row, why) ||
            !store::loadPayment(db, paymentNo, true, &paid, why))
            return std::nullopt;
        if (!row || !paid)
            return paymentNotFound(request, paymentNo);
        if (row->status == QLatin1String("processing")) {
            row->status = result.status;
            row->channelRefundNo = result.channelRefundNo;
            row->declineCode = result.declineCode;
            row->declineMessage = result.declineMessage;
            row->netMinor = result.status == QLatin1String("succeeded") ? -row->amountMinor : 0;
            if (!store::saveResult(db, *row, why))
                return std::nullopt;
            if (result.status == QLatin1String("succeeded")) {
                paid->refundedMinor += row->amountMinor;
                if (!store::saveResult(db, *paid, why))
                    return std::nullopt;
            }
            if (!store::loadRefund(db, refundNo, &row, why))
                return std::nullopt;
        }
        return HttpResponse::json(refundJson(*row, false));
    });
}

HttpResponse queryRefund(ServiceRuntime &runtime, const HttpRequest &request)
{
    const QString refundNo = request.pathParam(QStringLiteral("refund_no"));
    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        std::optional<ChannelTransaction> refund;
        QString why;
        if (!store::loadRefund(db, refundNo, &refund, &why))
            return databaseError(runtime, request, why);
        if (!refund)
            return notFound(request, QStringLiteral("CHANNEL_REFUND_NOT_FOUND"),
                            QStringLiteral("no channel refund %1").arg(refundNo));
        return HttpResponse::json(refundJson(*refund, false));
    });
}

// ---- callbacks ----

HttpResponse verifyCallback(ServiceRuntime &runtime, ChannelRegistry &registry, const HttpRequest &request)
{
    const QString channel = request.pathParam(QStringLiteral("channel"));
    ChannelPlugin *plugin = registry.plugin(channel);
    if (!plugin)
        return notFound(request, QStringLiteral("CHANNEL_NOT_FOUND"),
                        QStringLiteral("no channel %1").arg(channel));
    const QJsonObject body = request.json.object();
    if (!body.value(QStringLiteral("body")).isString() || !body.value(QStringLiteral("headers")).isObject())
        return respond(
            request, Problem::validation(QStringLiteral("headers (object) and body (string) are required")));
    if (auto failed = ensureConfigured(runtime, registry, request))
        return *failed;
    QHash<QByteArray, QByteArray> headers;
    const QJsonObject given = body.value(QStringLiteral("headers")).toObject();
    for (auto it = given.begin(); it != given.end(); ++it)
        headers.insert(it.key().toLower().toUtf8(), it.value().toString().toUtf8());
    const QByteArray raw = body.value(QStringLiteral("body")).toString().toUtf8();
    const auto result = plugin->verifyCallback(headers, raw);
    store::CallbackRecord record;
    record.channel = channel;
    record.verified = result.verified;
    record.error = result.error;
    record.bodySha256 =
        QString::fromLatin1(QCryptographicHash::hash(raw, QCryptographicHash::Sha256).toHex());
    if (!result.verified) {
        runtime.log().write(LogLevel::Warn, QStringLiteral("channel callback rejected: %1").arg(result.error),
                            {{QStringLiteral("channel"), channel}});
        // Kept for the operators although the answer is an error (so outside a transaction).
        withConnection(runtime, request, [&](QSqlDatabase &db) {
            QString why;
            if (!store::insertCallback(db, record, &why))
                runtime.log().write(LogLevel::Error, QStringLiteral("channel_callbacks: %1").arg(why));
            return HttpResponse::empty(204);
        });
        return respond(request,
                       problem(401, "CALLBACK_SIGNATURE_INVALID",
                               QStringLiteral("The callback signature does not verify"), result.error));
    }
    record.eventId = result.eventId;
    record.kind = result.kind;
    record.paymentNo = result.paymentNo;
    record.refundNo = result.refundNo;
    record.status = result.status;
    return transact(runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
        std::optional<ChannelTransaction> payment;
        if (!store::loadPayment(db, result.paymentNo, true, &payment, why))
            return std::nullopt;
        bool applied = false;
        const auto open = [](const ChannelTransaction &tx) {
            return tx.status == QLatin1String("pending") || tx.status == QLatin1String("processing");
        };
        if (payment && payment->channel == channel && result.kind == QLatin1String("payment") &&
            open(*payment)) {
            PaymentResult normalized;
            normalized.status = result.status;
            normalized.channelTradeNo = result.channelTradeNo;
            normalized.declineCode = result.declineCode;
            normalized.declineMessage = result.declineMessage;
            normalized.feeMinor = result.feeMinor;
            normalized.capturedMinor = result.status == QLatin1String("succeeded") ? result.amountMinor : 0;
            applyPayment(&*payment, normalized);
            if (!store::saveResult(db, *payment, why))
                return std::nullopt;
            applied = true;
        } else if (payment && result.kind == QLatin1String("refund")) {
            std::optional<ChannelTransaction> refund;
            if (!store::loadRefund(db, result.refundNo, &refund, why))
                return std::nullopt;
            if (refund && refund->channel == channel && open(*refund)) {
                refund->status = result.status;
                refund->channelRefundNo = result.channelRefundNo;
                refund->declineCode = result.declineCode;
                refund->netMinor = result.status == QLatin1String("succeeded") ? -refund->amountMinor : 0;
                if (!store::saveResult(db, *refund, why))
                    return std::nullopt;
                if (result.status == QLatin1String("succeeded")) {
                    payment->refundedMinor += refund->amountMinor;
                    if (!store::saveResult(db, *payment, why))
                        return std::nullopt;
                }
                applied = true;
            }
        }
        record.applied = applied;
        if (!store::insertCallback(db, record, why))
            return std::nullopt;
        const auto text = [](const QString &value) {
            return value.isEmpty() ? QJsonValue() : QJsonValue(value);
        };
        return HttpResponse::json(QJsonObject{
            {QStringLiteral("verified"), true},
            {QStringLiteral("channel"), channel},
            {QStringLiteral("kind"), result.kind},
            {QStringLiteral("event_id"), text(result.eventId)},
            {QStringLiteral("payment_no"), result.paymentNo},
            {QStringLiteral("merchant_id"), payment ? QJsonValue(payment->merchantId) : QJsonValue()},
            {QStringLiteral("channel_trade_no"), result.channelTradeNo},
            {QStringLiteral("status"), result.status},
            {QStringLiteral("decline_code"), text(result.declineCode)},
            {QStringLiteral("decline_message"), text(result.declineMessage)},
            {QStringLiteral("amount_minor"), result.amountMinor},
            {QStringLiteral("fee_minor"), result.feeMinor},
            {QStringLiteral("currency"), result.currency},
            {QStringLiteral("refund_no"), text(result.refundNo)},
            {QStringLiteral("channel_refund_no"), text(result.channelRefundNo)},
            {QStringLiteral("applied"), applied}});
    });
}
} // namespace payment_routes

void addPaymentRoutes(Router &router, ServiceRuntime &runtime, ChannelRegistry &registry)
{
    using namespace payment_routes;
    auto *r = &registry;
    const auto required = [](std::initializer_list<const char *> fields) {
        QJsonArray names;
        for (const char *field : fields)
            names.append(QLatin1String(field));
        return QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                           {QStringLiteral("required"), names}};
    };
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/internal/v1/channel/payments"),
         .handler = [&runtime, r](const HttpRequest &q) { return createPayment(runtime, *r, q); },
         .access = Access::Internal,
         .jsonBody = true,
         .summary = QStringLiteral("Route and create a payment at the acquirer (idempotent on payment_no)"),
         .requestSchema = required({"payment_no", "merchant_id", "amount_minor", "currency", "card"})});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/internal/v1/channel/payments/{payment_no}"),
                .handler = [&runtime, r](const HttpRequest &q) { return queryPayment(runtime, *r, q); },
                .access = Access::Internal,
                .summary = QStringLiteral("The channel payment; asks the acquirer while it is pending")});
    const std::pair<const char *, Action> actions[] = {
        {"capture", Action::Capture}, {"void", Action::Void}, {"cancel", Action::Cancel}};
    for (const auto &[name, action] : actions) {
        const Action a = action;
        router.add(
            {.method = "POST",
             .pattern = QStringLiteral("/internal/v1/channel/payments/{payment_no}/") + QLatin1String(name),
             .handler = [&runtime, r, a](const HttpRequest &q) { return act(runtime, *r, q, a); },
             .access = Access::Internal,
             .summary = QStringLiteral("%1 the payment at the acquirer").arg(QLatin1String(name))});
    }
    router.add({.method = "POST",
                .pattern = QStringLiteral("/internal/v1/channel/refunds"),
                .handler = [&runtime, r](const HttpRequest &q) { return createRefund(runtime, *r, q); },
                .access = Access::Internal,
                .jsonBody = true,
                .summary = QStringLiteral("Refund (part of) a captured payment (idempotent on refund_no)"),
                .requestSchema = required({"refund_no", "payment_no", "amount_minor", "currency"})});
    router.add({.method = "GET",
                .pattern = QStringLiteral("/internal/v1/channel/refunds/{refund_no}"),
                .handler = [&runtime](const HttpRequest &q) { return queryRefund(runtime, q); },
                .access = Access::Internal,
                .summary = QStringLiteral("The channel refund")});
    router.add({.method = "POST",
                .pattern = QStringLiteral("/internal/v1/channel/callbacks/{channel}/verify"),
                .handler = [&runtime, r](const HttpRequest &q) { return verifyCallback(runtime, *r, q); },
                .access = Access::Internal,
                .jsonBody = true,
                .summary = QStringLiteral("Verify a channel callback and apply its result"),
                .requestSchema = required({"headers", "body"})});
}

} // namespace paydesk::services::channels
