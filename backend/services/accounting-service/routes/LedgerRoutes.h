#pragma once
// Route groups and event consumers of accounting-service. Handlers run on workers unless noted.

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"

#include <QSqlDatabase>

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

// POST /internal/v1/ledger/verify (paydesk-server ledger verify) and the admin routes under
// /api/v1/ledger: balances, accounts, journal, verify (audited), reversal of an entry (audited).
void addLedgerRoutes(platform::Router &router, platform::ServiceRuntime &runtime);

// payment.events → postings, merchant.events → the merchant's tier. Runs on the service thread
// (the bus delivers there and needs the answer synchronously): one short transaction per event,
// the event id recorded in processed_events in it. False asks for redelivery (database error).
bool applyEvent(platform::ServiceRuntime &runtime, const platform::Event &event);

// Posts `posting` and appends accounting.entry.posted to the outbox in the caller's transaction.
// *duplicate: the source event / reversed entry already has an entry (nothing written).
bool postWithEvent(QSqlDatabase &db, const store::EntryHeader &header, const Posting &posting,
                   store::PostedEntry *posted, bool *duplicate, QString *error);

} // namespace paydesk::services::accounting
