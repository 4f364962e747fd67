#pragma once
// Route groups and event consumers of accounting-service. Handlers run on workers unless noted.

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"

#include <QSqlDatabase>

namespace prometheus {
class Counter;
}
namespace paydesk::platform {
class ServiceMetrics;
}

namespace paydesk::services::accounting {

namespace store {
struct EntryHeader;
struct PostedEntry;
} // namespace store
struct Posting;

inline const QString kServiceName = QStringLiteral("accounting-service");
inline const QString kPaymentTopic = QStringLiteral("payment.events");
inline const QString kMerchantTopic = QStringLiteral("merchant.events");
inline const QString kAccountingTopic = QStringLiteral("accounting.events");

// Counters on the service's /metrics: ledger_entries_posted_total{kind}, ledger_events_unposted_total.
struct LedgerMetrics
{
    prometheus::Counter *captures = nullptr;
    prometheus::Counter *refunds = nullptr;
    prometheus::Counter *reversals = nullptr;
    prometheus::Counter *unposted = nullptr;

    static LedgerMetrics create(platform::ServiceMetrics &metrics, const QString &service);
    void posted(const QString &kind) const; // Posting::kind
    void rejected() const;
};

// POST /internal/v1/ledger/verify (paydesk-server ledger verify) and the admin routes under
// /api/v1/ledger: balances, accounts, journal, verify (audited), reversal of an entry (audited).
void addLedgerRoutes(platform::Router &router, platform::ServiceRuntime &runtime,
                     const LedgerMetrics &metrics);

// payment.events → postings, merchant.events → the merchant's tier. Runs on the service thread
// (the bus delivers there and needs the answer synchronously): one short transaction per event,
// the event id recorded in processed_events in it. False asks for redelivery (database error).
bool applyEvent(platform::ServiceRuntime &runtime, const LedgerMetrics &metrics,
                const platform::Event &event);

// Posts `posting` and appends accounting.entry.posted to the outbox in the caller's transaction.
// *duplicate: the source event / reversed entry already has an entry (nothing written).
bool postWithEvent(QSqlDatabase &db, const store::EntryHeader &header, const Posting &posting,
                   store::PostedEntry *posted, bool *duplicate, QString *error);

} // namespace paydesk::services::accounting
