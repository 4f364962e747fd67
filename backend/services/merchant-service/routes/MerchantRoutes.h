#pragma once
// Route tables of merchant-service, one function per resource file. Handlers capture the
// runtime, which outlives its router.

#include "platform/http/RequestBody.h"
#include "platform/http/Router.h"

#include <QSqlDatabase>

#include <optional>

namespace paydesk::platform {
class ServiceRuntime;
}

namespace paydesk::services::merchant {

struct MerchantRecord;

// Admin: create, list, get (with history), update, activate / suspend / reject; tiers.
void registerMerchantRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// Public self-registration and the signed merchant's own profile.
void registerSelfServiceRoutes(platform::Router &router, platform::ServiceRuntime &runtime);
// Admin: settlement bank accounts of a merchant.
void registerBankAccountRoutes(platform::Router &router, platform::ServiceRuntime &runtime);

// Reads the profile fields present in the body into `merchant`. When `creating`, name, email,
// business_type and country are required. Problems are collected in `body`.
void readProfile(platform::BodyReader &body, MerchantRecord *merchant, bool creating);

// Stores a new pending merchant with its first history entry and the merchant.created event in
// the caller's transaction. Returns the 409 EMAIL_TAKEN response when the address is in use, an
// empty 201 placeholder on success, nullopt with *why on a database error.
std::optional<platform::HttpResponse> storeNewMerchant(QSqlDatabase &db, const platform::HttpRequest &request,
                                                       MerchantRecord *merchant, const QString &reason,
                                                       QString *why);

} // namespace paydesk::services::merchant
