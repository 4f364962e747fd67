// The follow-up tasks of payment_tasks: calls to order-service, merchant-limit-service and
// channel-adapter that must happen after a committed change. Every call here is idempotent at the
// callee (order transitions, release by reference, channel cancel/void/refund by number), so a
// task that ran but whose "done" mark was lost is harmless to run again.

#include "services/payment-gateway/flow/Gateway.h"
#include "services/payment-gateway/flow/RefundFlow.h"
#include "services/payment-gateway/store/PaymentStore.h"

#include "platform/db/Database.h"
#include "platform/observe/JsonLog.h"

#include <QUrl>

namespace paydesk::services::gateway {

using namespace platform;

FollowUp orderFollowUp(const QString &kind, const Payment &payment, const QJsonObject &body)
{
    return {kind, QJsonObject{{QStringLiteral("merchant_id"), payment.merchantId},
                              {QStringLiteral("order_no"), payment.orderNo},
                              {QStringLiteral("body"), body}}};
}

namespace {
QString segment(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

// Done, or a reason to try again later.
std::optional<QString> execute(Gateway &gateway, const store::Task &t, const HttpRequest *parent,
                               QString *note)
{
    const auto failure = [](const HttpResponse &r) {
        return QStringLiteral("HTTP %1 %2").arg(r.status).arg(QString::fromUtf8(r.body.left(300)));
    };
    HttpResponse response;
    if (t.kind.startsWith(QStringLiteral("order_"))) {
        const QString action = t.kind.mid(6); // pay | fail | cancel | expire | refund
        response =
            gateway.call(parent, QStringLiteral("order-service"), "POST",
                         QStringLiteral("/internal/v1/orders/%1/%2/%3")
                             .arg(segment(t.payload.value(QStringLiteral("merchant_id")).toString()),
                                  segment(t.payload.value(QStringLiteral("order_no")).toString()), action),
                         t.payload.value(QStringLiteral("body")).toObject());
    } else if (t.kind == task::kLimitRelease) {
        response = gateway.call(parent, QStringLiteral("merchant-limit-service"), "POST",
                                QStringLiteral("/internal/v1/limits/release"),
                                {{QStringLiteral("reference"), t.paymentNo}});
    } else if (t.kind == task::kChannelCancel || t.kind == task::kChannelVoid) {
        response = gateway.call(
            parent, QStringLiteral("channel-adapter"), "POST",
            QStringLiteral("/internal/v1/channel/payments/%1/%2").arg(segment(t.paymentNo), t.kind.mid(8)));
    } else if (t.kind == task::kChannelRefund) {
        return executeChannelRefund(gateway, t.payload.value(QStringLiteral("refund_no")).toString(), parent);
    } else {
        gateway.runtime.log().write(LogLevel::Error, QStringLiteral("unknown follow-up task %1").arg(t.kind));
        return std::nullopt;
    }
    if (isTransient(response))
        return failure(response);
    // 4xx: nothing left to do (no order or consumption, already in that state); logged and noted
    // on the task, not retried.
    if (!response.isSuccess()) {
        *note = failure(response);
        gateway.runtime.log().write(
            LogLevel::Warn, QStringLiteral("follow-up %1 of %2 refused: %3").arg(t.kind, t.paymentNo, *note));
    }
    return std::nullopt;
}

int runTasks(Gateway &gateway, const QList<store::Task> &tasks, const HttpRequest *parent)
{
    QString error;
    for (const store::Task &t : tasks) {
        QString note;
        const std::optional<QString> retry = execute(gateway, t, parent, &note);
        QSqlDatabase db = gateway.runtime.database().connection(&error);
        Database::Use use(gateway.runtime.database());
        bool stored = false;
        if (!retry) {
            stored = store::markTaskDone(db, t.id, note, &error);
        } else if (t.attempts + 1 >= gateway.taskAttemptsMax) {
            gateway.runtime.log().write(LogLevel::Error,
                                        QStringLiteral("follow-up %1 of %2 given up after %3 attempts: %4")
                                            .arg(t.kind, t.paymentNo)
                                            .arg(t.attempts + 1)
                                            .arg(*retry));
            stored = store::markTaskDone(db, t.id, *retry, &error);
        } else {
            stored = store::markTaskFailed(db, t.id, *retry, &error);
        }
        if (!stored)
            gateway.runtime.log().write(
                LogLevel::Warn, QStringLiteral("follow-up %1 state not stored: %2").arg(t.kind, error));
    }
    return int(tasks.size());
}
} // namespace

void runFollowUps(Gateway &gateway, const QList<qint64> &taskIds, const HttpRequest *parent)
{
    if (taskIds.isEmpty())
        return;
    QString error;
    QList<store::Task> tasks;
    {
        QSqlDatabase db = gateway.runtime.database().connection(&error);
        Database::Use use(gateway.runtime.database());
        if (!db.isOpen() || !store::loadTasks(db, taskIds, &tasks, &error)) {
            gateway.runtime.log().write(LogLevel::Warn,
                                        QStringLiteral("follow-ups left to the sweep: %1").arg(error));
            return;
        }
    }
    runTasks(gateway, tasks, parent);
}

int runDueFollowUps(Gateway &gateway)
{
    QString error;
    QList<store::Task> tasks;
    {
        QSqlDatabase db = gateway.runtime.database().connection(&error);
        Database::Use use(gateway.runtime.database());
        if (!db.isOpen() || !store::claimDueTasks(db, gateway.sweepBatchMax, 120, &tasks, &error)) {
            gateway.runtime.log().write(LogLevel::Warn, QStringLiteral("task sweep failed: %1").arg(error));
            return 0;
        }
    }
    return runTasks(gateway, tasks, nullptr);
}

} // namespace paydesk::services::gateway
