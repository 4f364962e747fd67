// The payment.events consumer (docs/contracts/payment-flow.md, Events): counts and amounts into the
// (merchant, currency, minute) bucket of the event's occurred_at, and the created → success/failed
// latency into the histogram of the outcome's minute.

#include "services/analytics-service/domain/LatencyHistogram.h"
#include "services/analytics-service/routes/AnalyticsRoutes.h"
#include "services/analytics-service/store/AnalyticsStore.h"

#include "platform/db/Database.h"
#include "platform/observe/JsonLog.h"

#include <QRegularExpression>

namespace paydesk::services::analytics {

using namespace platform;

namespace payment_events {
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));

enum class Kind { None, Created, Succeeded, Failed, Cancelled, Expired, Refunded };

Kind kindOf(const QString &type)
{
    static const QHash<QString, Kind> kinds{{QStringLiteral("payment.created"), Kind::Created},
                                            {QStringLiteral("payment.success"), Kind::Succeeded},
                                            {QStringLiteral("payment.failed"), Kind::Failed},
                                            {QStringLiteral("payment.cancelled"), Kind::Cancelled},
                                            {QStringLiteral("payment.expired"), Kind::Expired},
                                            {QStringLiteral("refund.success"), Kind::Refunded}};
    return kinds.value(type, Kind::None);
}

// An amount field; -1 when absent or not an integer.
qint64 minor(const QJsonObject &payload, const char *field)
{
    return payload.value(QLatin1String(field)).toInteger(-1);
}

// The payload's occurred_at (the producer's clock), else the event's, else now.
QDateTime occurredAt(const Event &event)
{
    QDateTime at = QDateTime::fromString(event.payload.value(QStringLiteral("occurred_at")).toString(),
                                         Qt::ISODateWithMs);
    if (!at.isValid())
        at = event.occurredAt;
    if (!at.isValid())
        at = QDateTime::currentDateTimeUtc();
    return at.toUTC();
}

QDateTime minuteOf(const QDateTime &at)
{
    const qint64 secs = at.toSecsSinceEpoch();
    return QDateTime::fromSecsSinceEpoch(secs - ((secs % 60) + 60) % 60, Qt::UTC);
}

// The delta of one event; false when the payload cannot be counted.
bool deltaOf(Kind kind, const QJsonObject &payload, store::MinuteFigures *d, QString *why)
{
    const qint64 amount = minor(payload, "amount_minor");
    switch (kind) {
    case Kind::Created:
        d->createdCount = 1;
        d->createdMinor = amount;
        break;
    case Kind::Succeeded: {
        // A partial capture moves captured_minor, not the authorised amount.
        const qint64 captured = minor(payload, "captured_minor");
        d->succeededCount = 1;
        d->succeededMinor = captured > 0 ? captured : amount;
        break;
    }
    case Kind::Failed:
        d->failedCount = 1;
        d->failedMinor = amount;
        break;
    case Kind::Cancelled:
        d->cancelledCount = 1;
        return true;
    case Kind::Expired:
        d->expiredCount = 1;
        return true;
    case Kind::Refunded:
        d->refundedCount = 1;
        d->refundedMinor = minor(payload, "refund_amount_minor");
        if (d->refundedMinor < 0)
            *why = QStringLiteral("bad refund_amount_minor");
        return d->refundedMinor >= 0;
    case Kind::None:
        return true;
    }
    if (amount < 0)
        *why = QStringLiteral("bad amount_minor");
    return amount >= 0;
}
} // namespace payment_events

bool applyPaymentEvent(ServiceRuntime &runtime, const Event &event)
{
    using namespace payment_events;
    const Kind kind = kindOf(event.type);
    if (kind == Kind::None)
        return true; // authorized, voided, refund.failed: nothing counted (README)
    const QJsonObject &p = event.payload;
    const QString merchantId = p.value(QStringLiteral("merchant_id")).toString();
    const QString currency = p.value(QStringLiteral("currency")).toString();
    const QString paymentNo = p.value(QStringLiteral("payment_no")).toString();
    store::MinuteFigures delta;
    QString why;
    if (merchantId.isEmpty() || merchantId.size() > 64)
        why = QStringLiteral("bad merchant_id");
    else if (!kCurrency.match(currency).hasMatch())
        why = QStringLiteral("bad currency");
    else if (paymentNo.size() > 64)
        why = QStringLiteral("bad payment_no");
    if (!why.isEmpty() || !deltaOf(kind, p, &delta, &why)) {
        // Redelivery cannot fix a malformed event: log it and move on rather than block the topic.
        runtime.log().write(LogLevel::Warn,
                            QStringLiteral("ignored %1 %2: %3")
                                .arg(event.type, event.eventId.toString(QUuid::WithoutBraces), why));
        return true;
    }
    const QDateTime at = occurredAt(event);
    QString error;
    QSqlDatabase db = runtime.database().connection(&error);
    if (!db.isOpen())
        return false;
    const bool ok = inTransaction(
        db,
        [&](QString *err) {
            bool first = false;
            if (!store::markProcessed(db, kServiceName, event.eventId, &first, err))
                return false;
            if (!first)
                return true;
            if (!store::addToMinute(db, {merchantId, currency, minuteOf(at)}, delta, err))
                return false;
            if (paymentNo.isEmpty() ||
                (kind != Kind::Created && kind != Kind::Succeeded && kind != Kind::Failed))
                return true;
            std::optional<store::CompletedLatency> completed;
            if (!store::notePaymentTime(db, paymentNo, merchantId, currency,
                                        kind == Kind::Created ? store::PaymentEnd::Created
                                                              : store::PaymentEnd::Outcome,
                                        at, &completed, err))
                return false;
            return !completed ||
                   store::addLatency(db, completed->key, latencyBucket(completed->latencyMs), err);
        },
        &error);
    if (!ok)
        runtime.log().write(LogLevel::Error,
                            QStringLiteral("analytics of %1 %2 failed: %3")
                                .arg(event.type, event.eventId.toString(QUuid::WithoutBraces), error));
    return ok;
}

} // namespace paydesk::services::analytics
