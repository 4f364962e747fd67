#pragma once
// Idempotency-Key for mutating APIs (Stripe semantics) over the platform table idempotency_keys
// (db/migrations/0001_outbox_idempotency.sql), which every service database carries.
//
//   return idempotency::run(runtime.database(), request, QStringLiteral("merchant:") + merchantId,
//                           [&] { return createPayment(...); });
//
// - No header: `work` runs as usual.
// - First request with a key: a row (scope, key, request hash) is inserted ON CONFLICT DO NOTHING
//   in its own autocommit statement, which claims the key; `work` runs; a status below 500 is
//   stored with the body and replayed verbatim (header `Idempotent-Replayed: true`) to every later
//   request with the same key and the same request hash, for 24 hours.
// - Same key, different request (method, path or canonical JSON body) → 422 IDEMPOTENCY_KEY_REUSED.
// - Same key while the first is still running: the duplicate waits (polling, bounded by
//   Options::waitMs and the request's deadline) and then replays; past the bound 409
//   IDEMPOTENCY_IN_PROGRESS.
// - A 5xx outcome is not stored (the row is deleted), so a retry runs `work` again. A claim whose
//   holder died (no outcome after Options::leaseSeconds) is taken over by the next request.
//
// Worker threads only (blocks, uses the calling thread's connection). `work` must not run inside a
// transaction opened before the call: the claim is committed on its own so duplicates see it.

#include "platform/http/HttpTypes.h"

#include <QSqlDatabase>

#include <functional>

namespace paydesk::platform {

class Database;

namespace idempotency {

inline constexpr char kHeader[] = "idempotency-key"; // lower case, as HttpRequest keeps names
inline constexpr char kReplayedHeader[] = "Idempotent-Replayed";
inline constexpr int kKeyLengthMax = 255;

struct Options
{
    int waitMs = 10000;     // how long a duplicate waits for the first request's outcome
    int pollMs = 20;        // how often it looks
    int leaseSeconds = 120; // an unfinished claim older than this is abandoned
};

// SHA-256 hex over method, path and the body; a JSON object body is hashed in its canonical
// form (keys sorted, compact), so the same parameters in another order or spacing are the same
// request.
QByteArray requestHash(const HttpRequest &request);

HttpResponse run(Database &database, const HttpRequest &request, const QString &scope,
                 const std::function<HttpResponse()> &work, const Options &options = {});

// Deletes up to `batchMax` expired rows; the number deleted, -1 with *error on a database error.
int purgeExpired(QSqlDatabase &db, int batchMax, QString *error);

} // namespace idempotency
} // namespace paydesk::platform
