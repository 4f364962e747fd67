#pragma once
// POST /internal/v1/signatures/verify: the verdict on one signed merchant request (spec §3.1),
// asked by the request pipeline of whichever service received it (host/Authentication.cpp).
//
// Order of checks, and what the caller learns:
//   1. X-API-Key well formed                         else 401 (not counted: no such key can exist)
//   2. failures recorded for the key > 10 in 15 min  → 429 TOO_MANY_FAILURES (nothing else checked)
//   3. version, headers, RFC 3339 timestamp within ±2 min, key usable (active, not expired, not
//      past its rotation grace), HMAC in constant time
//                                                    else 401 AUTHENTICATION_FAILED, counted
//   4. client IP in the key's allow-list             else 403 IP_NOT_ALLOWED (not counted)
//   5. nonce claimed with SET NX EX 600              else 401 AUTHENTICATION_FAILED, counted
// All 401s carry the same generic detail, so a caller cannot tell which check failed; the reason
// goes to this service's log only. The IP check runs after the signature on purpose: before it,
// a 403 would tell an unauthenticated caller that a key id exists and has an allow-list.
// The nonce is claimed only once the signature is good, so garbage requests cannot burn a
// merchant's nonces. Redis or PostgreSQL unavailable → 503 (fail closed; the nonce check is
// never skipped). Success: 200 {merchant_id, key_id, environment}, failure counter cleared.
// Threads: worker threads (Redis and SQL calls block).

#include "platform/http/Router.h"

namespace paydesk::platform {
class ServiceRuntime;
class RedisConnection;
} // namespace paydesk::platform

namespace paydesk::services::merchantauth {

inline constexpr qint64 kFailuresMax = 10;               // the 11th failure answers 429
inline constexpr qint64 kFailureWindowSeconds = 15 * 60; // counter TTL from the first failure
inline constexpr qint64 kNonceTtlSeconds = 600;

class SignatureRoutes
{
public:
    explicit SignatureRoutes(platform::ServiceRuntime &runtime) : m_runtime(runtime) {}
    void registerRoutes(platform::Router &router);

    struct Ask;
    struct Outcome;

private:
    platform::HttpResponse verify(const platform::HttpRequest &request);
    Outcome check(const Ask &ask, platform::RedisConnection &redis) const;
    platform::HttpResponse rejected(const platform::HttpRequest &request, const Ask &ask,
                                    const QString &reason, platform::RedisConnection *redis) const;
    platform::HttpResponse unavailable(const platform::HttpRequest &request, const QString &error) const;
    void logRejection(const platform::HttpRequest &request, const Ask &ask, const QString &reason,
                      int status) const;

    platform::ServiceRuntime &m_runtime;
};

} // namespace paydesk::services::merchantauth
