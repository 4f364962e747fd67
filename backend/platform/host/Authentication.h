#pragma once
// The authentication stage of the request pipeline, enforced for every route by its Access:
//  Admin    Bearer JWT (HS256, typ=access) and the route's permission → 401 / 403
//  Internal in-process callers, or X-PayDesk-Internal-Token of this installation → 403
//  Merchant X-API-Key + X-Signature + X-Timestamp + X-Nonce, verified by merchant-auth-service
//           (spec §3.1) → its 401 / 403 / 429; only on Worker routes (it blocks on a call)
// On success it fills request.principal.

#include "platform/http/Router.h"

#include <optional>

namespace paydesk::platform {

struct HostEnvironment;
class ServiceClient;

// Cheap checks (Admin, Internal): safe on the service thread.
std::optional<HttpResponse> authenticateLocally(const Route &route, HttpRequest &request,
                                                const HostEnvironment &env);

// Merchant signatures: a blocking call to merchant-auth-service; worker threads only.
std::optional<HttpResponse> authenticateMerchant(HttpRequest &request, const ServiceClient &client);

inline constexpr char kMerchantAuthService[] = "merchant-auth-service";
inline constexpr char kSignatureVerifyPath[] = "/internal/v1/signatures/verify";

} // namespace paydesk::platform
