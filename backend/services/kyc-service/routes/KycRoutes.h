#pragma once
// Route tables and shared handler support of kyc-service. Handlers run on workers (database,
// files, other services); `KycContext` outlives the router (it belongs to the KycService).

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/Router.h"

#include <QDateTime>
#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace paydesk::services::kyc {

struct CaseRecord;

inline const QString kServiceName = QStringLiteral("kyc-service");
inline const QString kKycEventsTopic = QStringLiteral("kyc.events");

// The service's clock: approvals are stamped with it and the expiry sweep compares against it.
// Injectable so tests can move a year forward.
using Clock = std::function<QDateTime()>;

struct KycContext
{
    platform::ServiceRuntime *runtime = nullptr;
    Clock clock;
};

// Documents: merchant and admin upload, reviewer download.
void registerDocumentRoutes(platform::Router &router, const KycContext &context);
// Cases: review queue, case detail, approve / reject, a merchant's level and limits.
void registerCaseRoutes(platform::Router &router, const KycContext &context);

// Expires approved cases older than kReviewValidityDays at context.clock() (at most `batchMax`
// per call) with a kyc.expired event each. Worker threads. Returns the number expired, -1 on error.
int expireDueCases(const KycContext &context, int batchMax, QString *error);

// --- shared by the route files ---

using platform::notFound;
using platform::respond;
using platform::transact;
bool isUuid(const QString &text);
QString actorOf(const platform::HttpRequest &request);

// A kyc.events event about `kycCase`; payload carries merchant_id, case_id, level (the case's
// target), status, and the merchant's current_level after the change.
platform::Event kycEvent(const QString &type, const CaseRecord &kycCase, const QString &currentLevel,
                         const QByteArray &traceparent, const QJsonObject &extra = {});

} // namespace paydesk::services::kyc
