// The create flow: one request through risk, limit, order and channel (see PaymentFlow.h).

#include "services/payment-gateway/flow/PaymentFlow.h"

#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/http/Problem.h"
#include "platform/observe/JsonLog.h"

#include <QElapsedTimer>

namespace paydesk::services::gateway {

using namespace platform;

namespace {
HttpResponse withPayment(const HttpRequest &request, Problem problem, const Payment &payment)
{
    problem.extra.insert(QStringLiteral("payment_no"), payment.paymentNo);
    problem.extra.insert(QStringLiteral("status"), toString(payment.status));
    return respond(request, problem);
}

// One create request as it moves through the steps.
class CreateRun
{
public:
    CreateRun(Gateway &gateway, const HttpRequest &request, CreateCommand command)
        : m_gateway(gateway), m_request(request), m_p(std::move(command.payment)),
          m_card(std::move(command.card))
    {
        m_clock.start();
    }

    HttpResponse run()
    {
        if (std::optional<HttpResponse> refused = insertPending())
            return finish(*refused, QStringLiteral("duplicate"));
        if (std::optional<HttpResponse> refused = checkRisk())
            return *refused;
        if (std::optional<HttpResponse> refused = consumeLimit())
            return *refused;
        if (std::optional<HttpResponse> refused = createOrder())
            return *refused;
        return chargeChannel();
    }

private:
    struct Step
    {
        HttpResponse response;
        bool transient() const { return isTransient(response); }
    };

    Step step(const QString &name, const QString &service, const QString &path, const QJsonObject &body)
    {
        QElapsedTimer clock;
        clock.start();
        Step s{m_gateway.call(&m_request, service, "POST", path, body)};
        QJsonObject detail{{QStringLiteral("service"), service},
                           {QStringLiteral("http_status"), s.response.status},
                           {QStringLiteral("ms"), clock.elapsed()}};
        if (!s.response.isSuccess())
            detail.insert(QStringLiteral("code"), s.response.jsonObject().value(QStringLiteral("code")));
        m_steps.append(stepDone(name, detail));
        return s;
    }

    std::optional<HttpResponse> insertPending()
    {
        std::optional<Payment> existing;
        QString error;
        QSqlDatabase db = m_gateway.runtime.database().connection(&error);
        Database::Use use(m_gateway.runtime.database());
        bool inserted = false;
        const bool committed =
            db.isOpen() &&
            inTransaction(
                db,
                [&](QString *why) {
                    if (!store::insertPayment(db, m_p, &inserted, why))
                        return false;
                    if (!inserted)
                        return store::loadPaymentByOrder(db, m_p.merchantId, m_p.orderNo, &existing, why);
                    TimelineEntry created{QStringLiteral("status"),
                                          QStringLiteral("create"),
                                          {},
                                          toString(m_p.status),
                                          QJsonObject{{QStringLiteral("amount_minor"), m_p.amountMinor},
                                                      {QStringLiteral("currency"), m_p.currency}},
                                          {}};
                    return store::appendTimeline(db, m_p.paymentNo, {created}, why,
                                                 m_request.trace.traceId) &&
                           outbox::append(db, paymentEvent(m_p, QStringLiteral("payment.created")), why) > 0;
                },
                &error);
        if (!committed)
            return respond(m_request, Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error));
        if (inserted) {
            m_gateway.runtime.kickOutbox();
            return std::nullopt;
        }
        if (!existing)
            return respond(m_request,
                           Problem::internal(QStringLiteral("order_no conflict without a payment")));
        // The same Idempotency-Key asking again after a 5xx (not stored): the payment it made.
        if (!m_p.idempotencyKey.isEmpty() && existing->idempotencyKey == m_p.idempotencyKey)
            return HttpResponse::json(existing->toJson(), 200);
        Problem problem = Problem::conflict(
            QStringLiteral("DUPLICATE_ORDER_NO"),
            QStringLiteral("order %1 already has payment %2").arg(m_p.orderNo, existing->paymentNo));
        return withPayment(m_request, problem, *existing);
    }

    std::optional<HttpResponse> checkRisk()
    {
        QJsonObject body{{QStringLiteral("merchant_id"), m_p.merchantId},
                         {QStringLiteral("payment_no"), m_p.paymentNo},
                         {QStringLiteral("amount_minor"), m_p.amountMinor},
                         {QStringLiteral("currency"), m_p.currency},
                         {QStringLiteral("pay_method"), m_p.payMethod},
                         {QStringLiteral("card_bin"), cardBin(m_card.number)}};
        if (!m_p.customerEmail.isEmpty())
            body.insert(QStringLiteral("customer_email"), m_p.customerEmail);
        if (!m_p.customerIp.isEmpty())
            body.insert(QStringLiteral("customer_ip"), m_p.customerIp);
        if (!m_p.deviceId.isEmpty())
            body.insert(QStringLiteral("device_id"), m_p.deviceId);
        const Step s = step(QStringLiteral("risk_check"), QStringLiteral("risk-service"),
                            QStringLiteral("/internal/v1/risk/check"), body);
        if (!s.response.isSuccess())
            return fail(QStringLiteral("RISK_UNAVAILABLE"),
                        QStringLiteral("the risk check could not be made"), {},
                        Problem::unavailable(QStringLiteral("RISK_UNAVAILABLE"),
                                             QStringLiteral("the risk check could not be made")));
        const QJsonObject risk = s.response.jsonObject();
        m_p.riskDecision = risk.value(QStringLiteral("decision")).toString();
        m_p.riskScore = risk.value(QStringLiteral("risk_score")).toInt();
        m_p.riskLevel = risk.value(QStringLiteral("risk_level")).toString();
        m_p.riskReasons = risk.value(QStringLiteral("reasons")).toArray();
        m_steps.append({QStringLiteral("risk"),
                        QStringLiteral("risk_check"),
                        {},
                        {},
                        QJsonObject{{QStringLiteral("decision"), m_p.riskDecision},
                                    {QStringLiteral("score"), m_p.riskScore},
                                    {QStringLiteral("level"), m_p.riskLevel},
                                    {QStringLiteral("reasons"), m_p.riskReasons},
                                    {QStringLiteral("check_id"), risk.value(QStringLiteral("check_id"))}},
                        {}});
        if (m_p.riskDecision != QStringLiteral("reject"))
            return std::nullopt; // review: recorded on the payment, the flow goes on
        Problem problem{422,
                        QStringLiteral("RISK_REJECTED"),
                        QStringLiteral("Payment rejected by risk checks"),
                        QStringLiteral("the payment was rejected by the risk checks"),
                        {}};
        problem.extra.insert(QStringLiteral("reasons"), m_p.riskReasons);
        return fail(QStringLiteral("RISK_REJECTED"), problem.detail, {}, problem,
                    QStringLiteral("risk_rejected"));
    }

    std::optional<HttpResponse> consumeLimit()
    {
        const Step s = step(QStringLiteral("limit_consume"), QStringLiteral("merchant-limit-service"),
                            QStringLiteral("/internal/v1/limits/consume"),
                            {{QStringLiteral("merchant_id"), m_p.merchantId},
                             {QStringLiteral("currency"), m_p.currency},
                             {QStringLiteral("amount_minor"), m_p.amountMinor},
                             {QStringLiteral("reference"), m_p.paymentNo}});
        if (s.response.isSuccess())
            return std::nullopt;
        if (s.transient()) // it may have been consumed before the deadline: give it back
            return fail(QStringLiteral("LIMIT_UNAVAILABLE"),
                        QStringLiteral("the limit check could not be made"), {{task::kLimitRelease, {}}},
                        Problem::unavailable(QStringLiteral("LIMIT_UNAVAILABLE"),
                                             QStringLiteral("the limit check could not be made")));
        const QJsonObject declined = s.response.jsonObject();
        Problem problem{s.response.status,
                        declined.value(QStringLiteral("code")).toString(),
                        declined.value(QStringLiteral("title")).toString(),
                        declined.value(QStringLiteral("detail")).toString(),
                        {}};
        for (const char *field : {"limit", "limit_value", "remaining"})
            if (declined.contains(QLatin1StringView(field)))
                problem.extra.insert(QLatin1StringView(field), declined.value(QLatin1StringView(field)));
        if (problem.code.isEmpty())
            problem.code = QStringLiteral("LIMIT_EXCEEDED");
        return fail(problem.code, problem.detail, {}, problem, QStringLiteral("limit_exceeded"));
    }

    std::optional<HttpResponse> createOrder()
    {
        QJsonObject body{{QStringLiteral("merchant_id"), m_p.merchantId},
                         {QStringLiteral("order_no"), m_p.orderNo},
                         {QStringLiteral("payment_no"), m_p.paymentNo},
                         {QStringLiteral("amount_minor"), m_p.amountMinor},
                         {QStringLiteral("currency"), m_p.currency}};
        if (!m_p.description.isEmpty())
            body.insert(QStringLiteral("description"), m_p.description);
        if (!m_p.customerEmail.isEmpty())
            body.insert(QStringLiteral("customer_email"), m_p.customerEmail);
        const Step s = step(QStringLiteral("order_create"), QStringLiteral("order-service"),
                            QStringLiteral("/internal/v1/orders"), body);
        if (s.response.isSuccess())
            return std::nullopt;
        const QList<FollowUp> undo{
            {task::kLimitRelease, {}},
            orderFollowUp(task::kOrderFail, m_p,
                          {{QStringLiteral("reason"), QStringLiteral("order_create_failed")}})};
        if (s.transient())
            return fail(QStringLiteral("ORDER_UNAVAILABLE"), QStringLiteral("the order could not be created"),
                        undo,
                        Problem::unavailable(QStringLiteral("ORDER_UNAVAILABLE"),
                                             QStringLiteral("the order could not be created")));
        const QString code = s.response.jsonObject().value(QStringLiteral("code")).toString();
        // A refused create left no order of ours behind: only the limit is given back.
        return fail(code, QStringLiteral("the order was refused"), {{task::kLimitRelease, {}}},
                    Problem{s.response.status == 409 ? 409 : 422,
                            code.isEmpty() ? QStringLiteral("ORDER_REFUSED") : code,
                            QStringLiteral("Order refused"),
                            s.response.jsonObject().value(QStringLiteral("detail")).toString(),
                            {}});
    }

    HttpResponse chargeChannel()
    {
        QJsonObject body{{QStringLiteral("payment_no"), m_p.paymentNo},
                         {QStringLiteral("merchant_id"), m_p.merchantId},
                         {QStringLiteral("amount_minor"), m_p.amountMinor},
                         {QStringLiteral("currency"), m_p.currency},
                         {QStringLiteral("pay_method"), m_p.payMethod},
                         {QStringLiteral("capture"), m_p.capture},
                         {QStringLiteral("card"), QJsonObject{{QStringLiteral("number"), m_card.number},
                                                              {QStringLiteral("exp_month"), m_card.expMonth},
                                                              {QStringLiteral("exp_year"), m_card.expYear},
                                                              {QStringLiteral("cvc"), m_card.cvc},
                                                              {QStringLiteral("holder"), m_card.holder}}},
                         {QStringLiteral("callback_url"), m_gateway.callbackUrl(m_p.channel)}};
        if (!m_p.channel.isEmpty())
            body.insert(QStringLiteral("channel"), m_p.channel);
        if (!m_p.description.isEmpty())
            body.insert(QStringLiteral("description"), m_p.description);
        const Step s = step(QStringLiteral("channel_create"), QStringLiteral("channel-adapter"),
                            QStringLiteral("/internal/v1/channel/payments"), body);
        m_card = {}; // the number is not needed any more
        const QList<FollowUp> undo{
            {task::kLimitRelease, {}},
            orderFollowUp(task::kOrderFail, m_p,
                          {{QStringLiteral("reason"), QStringLiteral("payment_failed")}})};
        if (s.transient()) {
            // A timeout leaves the charge unknown: ask the channel to cancel whatever it did.
            QList<FollowUp> all = undo;
            all.append({task::kChannelCancel, {}});
            return *fail(QStringLiteral("CHANNEL_UNAVAILABLE"),
                         QStringLiteral("the channel could not be reached"), all,
                         Problem::unavailable(QStringLiteral("CHANNEL_UNAVAILABLE"),
                                              QStringLiteral("the channel could not be reached")));
        }
        const QJsonObject answer = s.response.jsonObject();
        if (!s.response.isSuccess()) {
            const QString code =
                answer.value(QStringLiteral("code")).toString(QStringLiteral("CHANNEL_REFUSED"));
            return *fail(code, answer.value(QStringLiteral("detail")).toString(), undo,
                         Problem{422,
                                 code,
                                 QStringLiteral("Payment not accepted by any channel"),
                                 answer.value(QStringLiteral("detail")).toString(),
                                 {}});
        }
        return applyChannelAnswer(answer, undo);
    }

    HttpResponse applyChannelAnswer(const QJsonObject &answer, const QList<FollowUp> &undo)
    {
        const std::optional<ChannelOutcome> outcome =
            channelOutcome(answer.value(QStringLiteral("status")).toString());
        m_p.channel = answer.value(QStringLiteral("channel")).toString(m_p.channel);
        m_p.channelTradeNo = answer.value(QStringLiteral("channel_trade_no")).toString();
        m_p.cardBrand = answer.value(QStringLiteral("card_brand")).toString();
        m_p.cardLast4 = answer.value(QStringLiteral("card_last4")).toString(m_p.cardLast4);
        const PaymentStatus from = m_p.status;
        m_p.status = outcome ? statusAfter(*outcome) : PaymentStatus::Failed;
        QList<FollowUp> followUps;
        switch (m_p.status) {
        case PaymentStatus::Success:
            m_p.capturedMinor = m_p.amountMinor;
            m_p.channelFeeMinor = answer.value(QStringLiteral("fee_minor")).toInteger();
            m_p.paidAt = QDateTime::currentDateTimeUtc();
            followUps.append(
                orderFollowUp(task::kOrderPay, m_p, {{QStringLiteral("payment_no"), m_p.paymentNo}}));
            break;
        case PaymentStatus::Authorized:
            m_p.authorizationExpiresAt =
                QDateTime::currentDateTimeUtc().addDays(m_gateway.preAuthorizationDays);
            break;
        case PaymentStatus::Failed:
            m_p.errorCode =
                answer.value(QStringLiteral("decline_code")).toString(QStringLiteral("channel_failed"));
            m_p.errorMessage = answer.value(QStringLiteral("decline_message")).toString();
            followUps = undo;
            break;
        default:
            break;
        }
        QJsonObject detail{{QStringLiteral("channel"), m_p.channel},
                           {QStringLiteral("channel_status"), answer.value(QStringLiteral("status"))},
                           {QStringLiteral("routing"), answer.value(QStringLiteral("routing"))}};
        if (!m_p.errorCode.isEmpty())
            detail.insert(QStringLiteral("decline_code"), m_p.errorCode);
        std::optional<HttpResponse> problem =
            commit(from, QStringLiteral("channel_result"), detail, followUps);
        if (problem)
            return *problem;
        if (m_p.status == PaymentStatus::Failed)
            logFailure();
        return finish(HttpResponse::json(m_p.toJson(), 201), toString(m_p.status));
    }

    // Fails the pending payment with `code`, records the steps so far, queues `undo`, and answers
    // `problem` (with the payment number).
    std::optional<HttpResponse> fail(const QString &code, const QString &message, const QList<FollowUp> &undo,
                                     const Problem &problem,
                                     const QString &metricStatus = QStringLiteral("failed"))
    {
        const PaymentStatus from = m_p.status;
        m_p.status = PaymentStatus::Failed;
        m_p.errorCode = code;
        m_p.errorMessage = message;
        if (std::optional<HttpResponse> failed =
                commit(from, QStringLiteral("fail"), {{QStringLiteral("code"), code}}, undo))
            return finish(*failed, metricStatus);
        logFailure();
        return finish(withPayment(m_request, problem, m_p), metricStatus);
    }

    // The line an operator finds from the console (log explorer, a span's logs): which payment,
    // order and merchant, why it failed, and the request's trace and span ids.
    void logFailure() const
    {
        JsonLog &log = m_gateway.runtime.log();
        if (!log.enabled(LogLevel::Warn))
            return;
        const QString reason = m_p.errorMessage.isEmpty() ? m_p.errorCode : m_p.errorMessage;
        const QString why = m_p.errorMessage.isEmpty()
                                ? m_p.errorCode
                                : m_p.errorCode + QStringLiteral(" — ") + m_p.errorMessage;
        log.write(LogLevel::Warn,
                  QStringLiteral("payment %1 failed: %2 · order %3 · merchant %4")
                      .arg(m_p.paymentNo, why, m_p.orderNo, m_p.merchantId),
                  {{QStringLiteral("trace_id"), QString::fromLatin1(m_request.trace.traceId)},
                   {QStringLiteral("span_id"), QString::fromLatin1(m_request.trace.spanId)},
                   {QStringLiteral("payment_no"), m_p.paymentNo},
                   {QStringLiteral("order_no"), m_p.orderNo},
                   {QStringLiteral("merchant_id"), m_p.merchantId},
                   {QStringLiteral("code"), m_p.errorCode},
                   {QStringLiteral("reason"), reason},
                   {QStringLiteral("amount_minor"), m_p.amountMinor},
                   {QStringLiteral("currency"), m_p.currency},
                   {QStringLiteral("channel"), m_p.channel}});
    }

    // The final transaction of the flow. nullopt when stored; a response when it could not be or
    // when the payment changed meanwhile (cancelled by the merchant, expired, settled by callback).
    std::optional<HttpResponse> commit(PaymentStatus from, const QString &stepName, const QJsonObject &detail,
                                       QList<FollowUp> followUps)
    {
        QString error;
        QList<qint64> taskIds;
        bool applied = false;
        std::optional<Payment> current;
        QSqlDatabase db = m_gateway.runtime.database().connection(&error);
        {
            Database::Use use(m_gateway.runtime.database());
            const bool committed =
                db.isOpen() &&
                inTransaction(
                    db,
                    [&](QString *why) {
                        if (!changeStatus(db, m_p, from, stepName, detail, m_steps, followUps, &applied,
                                          &taskIds, why, m_request.trace.traceId))
                            return false;
                        if (applied)
                            return true;
                        // Changed under us: keep the steps, undo what the channel may hold.
                        if (!store::loadPayment(db, m_p.paymentNo, {}, true, &current, why) || !current)
                            return false;
                        QList<TimelineEntry> notes = m_steps;
                        notes.append(stepDone(QStringLiteral("late_result"),
                                              {{QStringLiteral("result"), toString(m_p.status)},
                                               {QStringLiteral("current"), toString(current->status)}}));
                        if (!store::appendTimeline(db, m_p.paymentNo, notes, why, m_request.trace.traceId))
                            return false;
                        // Settled by a callback meanwhile: nothing to undo. Cancelled or expired
                        // while the flow ran: the cancel's own follow-ups may have run before this
                        // flow consumed the limit or created the order, so give back everything
                        // again (each call is idempotent) and let the channel let go of it.
                        const bool closedUnderUs = current->status == PaymentStatus::Cancelled ||
                                                   current->status == PaymentStatus::Expired;
                        if (!closedUnderUs)
                            return true;
                        QList<FollowUp> undo{
                            {task::kLimitRelease, {}},
                            current->status == PaymentStatus::Cancelled
                                ? orderFollowUp(task::kOrderCancel, m_p,
                                                {{QStringLiteral("reason"), QStringLiteral("cancelled")}})
                                : orderFollowUp(task::kOrderExpire, m_p)};
                        if (m_p.status == PaymentStatus::Authorized)
                            undo.append({task::kChannelVoid, {}});
                        else if (m_p.status != PaymentStatus::Failed)
                            undo.append({task::kChannelCancel, {}});
                        for (const FollowUp &followUp : undo) {
                            qint64 id = 0;
                            if (!store::appendTask(db, m_p.paymentNo, followUp.kind, followUp.payload, &id,
                                                   why))
                                return false;
                            taskIds.append(id);
                        }
                        return true;
                    },
                    &error);
            if (!committed) {
                m_gateway.runtime.log().write(
                    LogLevel::Error, QStringLiteral("payment %1 not stored: %2").arg(m_p.paymentNo, error));
                // Left pending: the expiry sweep compensates it.
                return respond(m_request,
                               Problem::internal(QStringLiteral("the payment could not be stored")));
            }
        }
        m_steps.clear();
        m_gateway.runtime.kickOutbox();
        // After the answer, on another worker: the merchant does not wait for the order to be paid
        // or a consumption given back (the tasks are stored; the sweep finishes what this does not).
        if (!taskIds.isEmpty())
            m_gateway.runtime.runOnWorker(
                [gateway = &m_gateway, taskIds] { runFollowUps(*gateway, taskIds, nullptr); });
        if (!applied && current)
            return finish(HttpResponse::json(current->toJson(), 201), toString(current->status));
        return std::nullopt;
    }

    HttpResponse finish(const HttpResponse &response, const QString &metricStatus)
    {
        m_gateway.metrics.payment(metricStatus, m_p.channel, m_p.currency, m_p.amountMinor);
        m_gateway.metrics.duration(QStringLiteral("create_payment"), metricStatus,
                                   m_clock.elapsed() / 1000.0);
        return response;
    }

    Gateway &m_gateway;
    const HttpRequest &m_request;
    Payment m_p;
    CardInput m_card;
    QList<TimelineEntry> m_steps; // written with the next status change
    QElapsedTimer m_clock;
};
} // namespace

HttpResponse createPayment(Gateway &gateway, const HttpRequest &request, CreateCommand command)
{
    CreateRun run(gateway, request, std::move(command));
    return run.run();
}

} // namespace paydesk::services::gateway
