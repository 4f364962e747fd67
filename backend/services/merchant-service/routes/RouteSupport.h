#pragma once
// What every merchant-service handler shares: the transaction frame, problem responses, the
// actor recorded in history, and event construction for topic merchant.events.
// Worker threads only (they use the worker's database connection).

#include "platform/bus/EventBus.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"

#include <QSqlDatabase>

#include <functional>
#include <optional>

namespace paydesk::services::merchant {

struct MerchantRecord;

inline const QString kServiceName = QStringLiteral("merchant-service");
inline const QString kMerchantEventsTopic = QStringLiteral("merchant.events");

using platform::respond;
using platform::transact;

platform::HttpResponse merchantNotFound(const platform::HttpRequest &request, const QString &id);

bool isUuid(const QString &text);
// "admin:<id>", "merchant:<id>", or "public" for self-registration.
QString actorOf(const platform::HttpRequest &request);

// A merchant.events event (merchant.created, merchant.activated, ...) for `merchant` in its new state.
platform::Event merchantEvent(const QString &type, const MerchantRecord &merchant,
                              const platform::HttpRequest &request, const QJsonObject &extra = {});

} // namespace paydesk::services::merchant
