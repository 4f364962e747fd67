// Consumers of payment.events (postings) and merchant.events (tier → merchant fee rate).
// Payloads: docs/contracts/payment-flow.md, Events; merchant.created / merchant.tier_changed
// {merchant_id, tier}.

#include "services/accounting-service/routes/LedgerRoutes.h"
#include "services/accounting-service/store/LedgerStore.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/EventOnce.h"
#include "platform/observe/JsonLog.h"
#include "platform/observe/Metrics.h"

#include <prometheus/counter.h>

namespace paydesk::services::accounting {

using namespace platform;

namespace ledger_events {
bool applyTier(ServiceRuntime &runtime, const Event &event)
{
    if (event.type != QStringLiteral("merchant.created") &&
        event.type != QStringLiteral("merchant.tier_changed"))
        return true; // other merchant events do not change fees
    const QString merchantId = event.payload.value(QStringLiteral("merchant_id")).toString();
    const QString tier = event.payload.value(QStringLiteral("tier")).toString();
    if (merchantId.isEmpty() || merchantId.size() > 64 || tier.isEmpty() || tier.size() > 32) {
        // Redelivery cannot fix a malformed event: log it and move on rather than block the topic.
        runtime.log().write(LogLevel::Warn,
                            QStringLiteral("ignored %1 %2: bad merchant_id or tier")
                                .arg(event.type, event.eventId.toString(QUuid::WithoutBraces)));
        return true;
    }
    // An unknown tier is kept as sent and charged at the starter rate (merchantFeeRateBp).
    return applyEventOnce(
        runtime, kServiceName, event, QStringLiteral("tier event"), LogLevel::Warn,
        [&](QSqlDatabase &db, QString *why) { return store::saveTier(db, merchantId, tier, why); });
}

bool applyPayment(ServiceRuntime &runtime, const LedgerMetrics &metrics, const Event &event)
{
    if (!postingEventTypes().contains(event.type))
        return true; // failed, cancelled, expired, created, authorized, voided: no money moved (README)
    EventPlan plan;
    bool posted = false;
    const bool ok = applyEventOnce(
        runtime, kServiceName, event, QStringLiteral("posting"), LogLevel::Error,
        [&](QSqlDatabase &db, QString *why) {
            QString tier;
            if (!store::loadTier(db, event.payload.value(QStringLiteral("merchant_id")).toString(), &tier,
                                 why))
                return false;
            plan = planForEvent(event.type, event.payload, tier);
            if (plan.action == EventPlan::Action::Reject)
                return store::recordUnposted(db, event.eventId, event.type, plan.reason, event.payload, why);
            const bool capture = event.type == QStringLiteral("payment.success");
            store::EntryHeader header{
                .kind = plan.posting.kind,
                .sourceEventId = event.eventId,
                .paymentNo = plan.paymentNo,
                .refundNo = capture ? QString() : plan.refundNo,
                .merchantId = plan.merchantId,
                .channel = plan.channel,
                .amountMinor = plan.amountMinor,
                .merchantFeeMinor = plan.merchantFeeMinor,
                .feeRateBp = capture ? std::optional<int>(plan.feeRateBp) : std::nullopt,
                .description = capture ? QStringLiteral("capture %1").arg(plan.paymentNo)
                                       : QStringLiteral("refund %1 of %2").arg(plan.refundNo, plan.paymentNo),
                .occurredAt = QDateTime::fromString(
                    event.payload.value(QStringLiteral("occurred_at")).toString(), Qt::ISODateWithMs)};
            store::PostedEntry entry;
            bool duplicate = false;
            if (!postWithEvent(db, header, plan.posting, &entry, &duplicate, why))
                return false;
            posted = !duplicate;
            if (posted)
                return true;
            // processed_events let this event id through, so the conflict is the business key:
            // another event already posted this capture or refund. Kept for operators, not posted.
            plan.action = EventPlan::Action::Reject;
            plan.reason = capture
                              ? QStringLiteral("payment %1 already has a capture entry").arg(plan.paymentNo)
                              : QStringLiteral("refund %1 is already posted").arg(plan.refundNo);
            return store::recordUnposted(db, event.eventId, event.type, plan.reason, event.payload, why);
        });
    if (!ok)
        return false;
    if (plan.action == EventPlan::Action::Reject) {
        metrics.rejected();
        runtime.log().write(LogLevel::Warn,
                            QStringLiteral("unposted %1 %2: %3")
                                .arg(event.type, event.eventId.toString(QUuid::WithoutBraces), plan.reason));
    }
    if (posted) {
        metrics.posted(plan.posting.kind);
        runtime.kickOutbox();
    }
    return true;
}
} // namespace ledger_events

bool postWithEvent(QSqlDatabase &db, const store::EntryHeader &header, const Posting &posting,
                   store::PostedEntry *posted, bool *duplicate, QString *error)
{
    if (!store::postEntry(db, header, posting, posted, duplicate, error))
        return false;
    if (*duplicate)
        return true;
    Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kAccountingTopic;
    event.type = QStringLiteral("accounting.entry.posted");
    event.aggregateType = QStringLiteral("journal_entry");
    event.aggregateId = posted->entryNo;
    event.payload = {{QStringLiteral("entry_no"), posted->entryNo},
                     {QStringLiteral("kind"), posting.kind},
                     {QStringLiteral("merchant_id"), header.merchantId},
                     {QStringLiteral("payment_no"), header.paymentNo},
                     {QStringLiteral("refund_no"), header.refundNo},
                     {QStringLiteral("currency"), posting.currency},
                     {QStringLiteral("amount_minor"), header.amountMinor},
                     {QStringLiteral("merchant_fee_minor"), header.merchantFeeMinor},
                     {QStringLiteral("source_event_id"),
                      header.sourceEventId.isNull()
                          ? QJsonValue()
                          : QJsonValue(header.sourceEventId.toString(QUuid::WithoutBraces))}};
    return outbox::append(db, event, error) > 0;
}

bool applyEvent(ServiceRuntime &runtime, const LedgerMetrics &metrics, const Event &event)
{
    if (event.topic == kMerchantTopic)
        return ledger_events::applyTier(runtime, event);
    return ledger_events::applyPayment(runtime, metrics, event);
}

LedgerMetrics LedgerMetrics::create(ServiceMetrics &metrics, const QString &service)
{
    const std::string name = service.toStdString();
    auto &posted = prometheus::BuildCounter()
                       .Name("ledger_entries_posted_total")
                       .Help("Journal entries posted, by kind")
                       .Register(*metrics.registry());
    auto &unposted = prometheus::BuildCounter()
                         .Name("ledger_events_unposted_total")
                         .Help("Money events that could not be posted (kept in unposted_events)")
                         .Register(*metrics.registry());
    return {&posted.Add({{"service", name}, {"kind", "payment_capture"}}),
            &posted.Add({{"service", name}, {"kind", "refund"}}),
            &posted.Add({{"service", name}, {"kind", "reversal"}}), &unposted.Add({{"service", name}})};
}

void LedgerMetrics::posted(const QString &kind) const
{
    prometheus::Counter *counter = kind == QStringLiteral("refund")     ? refunds
                                   : kind == QStringLiteral("reversal") ? reversals
                                                                        : captures;
    if (counter)
        counter->Increment();
}

void LedgerMetrics::rejected() const
{
    if (unposted)
        unposted->Increment();
}

} // namespace paydesk::services::accounting
