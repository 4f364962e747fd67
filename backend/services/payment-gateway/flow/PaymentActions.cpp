#include "services/payment-gateway/flow/PaymentActions.h"

#include "services/payment-gateway/flow/RefundFlow.h"
#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/db/Database.h"
#include "platform/host/Transaction.h"
#include "platform/http/Idempotency.h"
#include "platform/http/Problem.h"
#include "platform/observe/JsonLog.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QUrl>

namespace paydesk::services::gateway {

using namespace platform;

namespace {
HttpResponse paymentNotFound(const HttpRequest &request, const QString &paymentNo)
{
    return notFound(request, QStringLiteral("PAYMENT_NOT_FOUND"),
                    QStringLiteral("no payment %1").arg(paymentNo));
}

HttpResponse wrongStatus(const HttpRequest &request, const QString &code, const Payment &p,
                         const QString &detail)
{
    Problem problem = Problem::conflict(code, detail);
    problem.extra.insert(QStringLiteral("status"), toString(p.status));
    return respond(request, problem);
}

QString channelPath(const QString &paymentNo, const QString &action)
{
    return QStringLiteral("/internal/v1/channel/payments/%1/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(paymentNo)), action);
}

// Loads the payment under lock, lets `decide` change it (or refuse with a response), and stores
// the change with its timeline, event and follow-ups. Runs the follow-ups after the commit.
using Decide = std::function<std::optional<HttpResponse>(Payment &p, QString *step, QJsonObject *detail,
                                                         QList<FollowUp> *followUps)>;
HttpResponse lockedChange(Gateway &gateway, const HttpRequest &request, const QString &merchantId,
                          const QString &paymentNo, const Decide &decide)
{
    QList<qint64> taskIds;
    const HttpResponse response = transact(
        gateway.runtime, request, [&](QSqlDatabase &db, QString *why) -> std::optional<HttpResponse> {
            std::optional<Payment> payment;
            if (!store::loadPayment(db, paymentNo, merchantId, true, &payment, why))
                return std::nullopt;
            if (!payment)
                return paymentNotFound(request, paymentNo);
            const PaymentStatus from = payment->status;
            QString step;
            QJsonObject detail;
            QList<FollowUp> followUps;
            if (std::optional<HttpResponse> refused = decide(*payment, &step, &detail, &followUps))
                return refused;
            bool applied = false;
            if (!changeStatus(db, *payment, from, step, detail, {}, followUps, &applied, &taskIds, why,
                              request.trace.traceId))
                return std::nullopt;
            Q_ASSERT(applied); // the row is locked: nobody changed it since the load
            return HttpResponse::json(payment->toJson());
        });
    runFollowUps(gateway, taskIds, &request);
    return response;
}

// Reads the payment without locking it, for the checks made before a channel call; nullopt with
// *refusal set (404, 503) when there is none to act on.
std::optional<Payment> peek(Gateway &gateway, const HttpRequest &request, const QString &merchantId,
                            const QString &paymentNo, HttpResponse *refusal)
{
    QString error;
    std::optional<Payment> payment;
    QSqlDatabase db = gateway.runtime.database().connection(&error);
    Database::Use use(gateway.runtime.database());
    if (!db.isOpen() || !store::loadPayment(db, paymentNo, merchantId, false, &payment, &error))
        *refusal = respond(request, Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error));
    else if (!payment)
        *refusal = paymentNotFound(request, paymentNo);
    return payment;
}

// The claim of an authorisation (store::claimCapture) when `amountMinor` is set, else its release
// after the channel refused or could not be reached.
bool setCaptureClaim(Gateway &gateway, const QString &paymentNo, std::optional<qint64> amountMinor,
                     bool *claimed = nullptr)
{
    QString error;
    QSqlDatabase db = gateway.runtime.database().connection(&error);
    Database::Use use(gateway.runtime.database());
    if (!db.isOpen())
        return false;
    if (amountMinor)
        return store::claimCapture(db, paymentNo, *amountMinor, claimed, &error);
    return store::releaseCaptureClaim(db, paymentNo, &error);
}

// Claims the one capture (amountMinor > 0) or void (0) of an authorisation before the channel
// call; a refusal when another came first or the claim could not be stored.
std::optional<HttpResponse> claimAuthorization(Gateway &gateway, const HttpRequest &request,
                                               const Payment &payment, qint64 amountMinor)
{
    bool claimed = false;
    if (!setCaptureClaim(gateway, payment.paymentNo, amountMinor, &claimed))
        return respond(request,
                       Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"),
                                            QStringLiteral("the authorization could not be claimed")));
    if (!claimed)
        return wrongStatus(request, QStringLiteral("CAPTURE_ALREADY_REQUESTED"), payment,
                           QStringLiteral("this authorization was already captured or voided"));
    return std::nullopt;
}

HttpResponse channelRefused(const HttpRequest &request, const HttpResponse &answer, const QString &code)
{
    if (isTransient(answer))
        return respond(request,
                       Problem::unavailable(QStringLiteral("CHANNEL_UNAVAILABLE"),
                                            QStringLiteral("the channel could not be reached; retry")));
    Problem problem{422,
                    code,
                    QStringLiteral("Refused by the channel"),
                    answer.jsonObject().value(QStringLiteral("detail")).toString(),
                    {}};
    problem.extra.insert(QStringLiteral("channel_code"), answer.jsonObject().value(QStringLiteral("code")));
    return respond(request, problem);
}
} // namespace

HttpResponse capturePayment(Gateway &gateway, const HttpRequest &request, const QString &merchantId,
                            const QString &paymentNo, std::optional<qint64> amountMinor)
{
    QElapsedTimer clock;
    clock.start();
    HttpResponse refusal;
    const std::optional<Payment> payment = peek(gateway, request, merchantId, paymentNo, &refusal);
    if (!payment)
        return refusal;
    const qint64 amount = amountMinor.value_or(payment->amountMinor);
    switch (
        checkCapture(payment->status, payment->captureRequestedMinor >= 0, payment->amountMinor, amount)) {
    case CaptureVerdict::NotAuthorized:
        return wrongStatus(request, QStringLiteral("PAYMENT_NOT_CAPTURABLE"), *payment,
                           QStringLiteral("only an authorized payment can be captured"));
    case CaptureVerdict::AlreadyRequested:
        return wrongStatus(request, QStringLiteral("CAPTURE_ALREADY_REQUESTED"), *payment,
                           QStringLiteral("this authorization was already captured or voided"));
    case CaptureVerdict::ExceedsAuthorized:
        return respond(
            request, Problem{422,
                             QStringLiteral("CAPTURE_AMOUNT_INVALID"),
                             QStringLiteral("Invalid capture amount"),
                             QStringLiteral("a capture takes 1 to %1 minor units").arg(payment->amountMinor),
                             {}});
    case CaptureVerdict::Allowed:
        break;
    }
    if (std::optional<HttpResponse> refused = claimAuthorization(gateway, request, *payment, amount))
        return *refused;
    const HttpResponse answer = gateway.call(&request, QStringLiteral("channel-adapter"), "POST",
                                             channelPath(paymentNo, QStringLiteral("capture")),
                                             {{QStringLiteral("amount_minor"), amount}});
    const QJsonObject body = answer.jsonObject();
    if (!answer.isSuccess() ||
        body.value(QStringLiteral("status")).toString() != QStringLiteral("succeeded")) {
        setCaptureClaim(gateway, paymentNo, std::nullopt);
        gateway.metrics.duration(QStringLiteral("capture"), QStringLiteral("failed"),
                                 clock.elapsed() / 1000.0);
        return channelRefused(request, answer, QStringLiteral("CAPTURE_FAILED"));
    }
    const HttpResponse response = lockedChange(
        gateway, request, merchantId, paymentNo,
        [&](Payment &p, QString *step, QJsonObject *detail,
            QList<FollowUp> *followUps) -> std::optional<HttpResponse> {
            if (p.status != PaymentStatus::Authorized)
                return wrongStatus(request, QStringLiteral("PAYMENT_NOT_CAPTURABLE"), p,
                                   QStringLiteral("the authorization ended before the capture was recorded"));
            p.status = PaymentStatus::Success;
            p.capturedMinor = amount;
            p.channelFeeMinor = body.value(QStringLiteral("fee_minor")).toInteger(p.channelFeeMinor);
            p.paidAt = QDateTime::currentDateTimeUtc();
            *step = QStringLiteral("capture");
            *detail = {{QStringLiteral("captured_minor"), amount},
                       {QStringLiteral("authorized_minor"), p.amountMinor}};
            followUps->append(
                orderFollowUp(task::kOrderPay, p, {{QStringLiteral("payment_no"), p.paymentNo}}));
            return std::nullopt;
        });
    gateway.metrics.duration(QStringLiteral("capture"),
                             response.isSuccess() ? QStringLiteral("success") : QStringLiteral("failed"),
                             clock.elapsed() / 1000.0);
    return response;
}

HttpResponse voidPayment(Gateway &gateway, const HttpRequest &request, const QString &merchantId,
                         const QString &paymentNo)
{
    HttpResponse refusal;
    const std::optional<Payment> payment = peek(gateway, request, merchantId, paymentNo, &refusal);
    if (!payment)
        return refusal;
    if (payment->status != PaymentStatus::Authorized)
        return wrongStatus(request, QStringLiteral("PAYMENT_NOT_VOIDABLE"), *payment,
                           QStringLiteral("only an authorized payment can be voided"));
    if (std::optional<HttpResponse> refused = claimAuthorization(gateway, request, *payment, 0))
        return *refused;
    const HttpResponse answer = gateway.call(&request, QStringLiteral("channel-adapter"), "POST",
                                             channelPath(paymentNo, QStringLiteral("void")));
    if (!answer.isSuccess()) {
        setCaptureClaim(gateway, paymentNo, std::nullopt);
        return channelRefused(request, answer, QStringLiteral("VOID_FAILED"));
    }
    return lockedChange(
        gateway, request, merchantId, paymentNo,
        [&](Payment &p, QString *step, QJsonObject *detail,
            QList<FollowUp> *followUps) -> std::optional<HttpResponse> {
            if (p.status != PaymentStatus::Authorized)
                return wrongStatus(request, QStringLiteral("PAYMENT_NOT_VOIDABLE"), p,
                                   QStringLiteral("the authorization ended before the void"));
            p.status = PaymentStatus::Cancelled;
            *step = QStringLiteral("void");
            *detail = {
                {QStringLiteral("channel_status"), answer.jsonObject().value(QStringLiteral("status"))}};
            followUps->append({task::kLimitRelease, {}});
            followUps->append(
                orderFollowUp(task::kOrderCancel, p, {{QStringLiteral("reason"), QStringLiteral("voided")}}));
            return std::nullopt;
        });
}

HttpResponse cancelPayment(Gateway &gateway, const HttpRequest &request, const QString &merchantId,
                           const QString &paymentNo)
{
    HttpResponse refusal;
    const std::optional<Payment> payment = peek(gateway, request, merchantId, paymentNo, &refusal);
    if (!payment)
        return refusal;
    const QString notCancellable = QStringLiteral("PAYMENT_NOT_CANCELLABLE");
    if (payment->status != PaymentStatus::Pending && payment->status != PaymentStatus::Processing)
        return wrongStatus(request, notCancellable, *payment,
                           QStringLiteral("only a pending or processing payment can be cancelled"));
    if (payment->status == PaymentStatus::Pending &&
        payment->createdAt > QDateTime::currentDateTimeUtc().addSecs(-gateway.flowMaxSeconds))
        return wrongStatus(request, QStringLiteral("PAYMENT_IN_PROGRESS"), *payment,
                           QStringLiteral("the payment is still being processed; retry in a moment"));
    // A processing payment is with the channel: it must agree first, or the result could still come.
    QJsonObject channelAnswer;
    if (payment->status == PaymentStatus::Processing) {
        const HttpResponse answer = gateway.call(&request, QStringLiteral("channel-adapter"), "POST",
                                                 channelPath(paymentNo, QStringLiteral("cancel")));
        if (isTransient(answer))
            return channelRefused(request, answer, notCancellable);
        if (!answer.isSuccess())
            return wrongStatus(request, notCancellable, *payment,
                               QStringLiteral("the channel refused the cancel: %1")
                                   .arg(answer.jsonObject().value(QStringLiteral("code")).toString()));
        channelAnswer = answer.jsonObject();
    }
    return lockedChange(
        gateway, request, merchantId, paymentNo,
        [&](Payment &p, QString *step, QJsonObject *detail,
            QList<FollowUp> *followUps) -> std::optional<HttpResponse> {
            if (p.status != payment->status)
                return wrongStatus(request, notCancellable, p,
                                   QStringLiteral("the payment changed meanwhile"));
            if (p.status == PaymentStatus::Pending)
                followUps->append({task::kChannelCancel, {}}); // the flow may reach the channel still
            p.status = PaymentStatus::Cancelled;
            *step = QStringLiteral("cancel");
            *detail = {{QStringLiteral("channel_status"), channelAnswer.value(QStringLiteral("status"))}};
            followUps->append({task::kLimitRelease, {}});
            followUps->append(orderFollowUp(task::kOrderCancel, p,
                                            {{QStringLiteral("reason"), QStringLiteral("cancelled")}}));
            return std::nullopt;
        });
}

} // namespace paydesk::services::gateway
