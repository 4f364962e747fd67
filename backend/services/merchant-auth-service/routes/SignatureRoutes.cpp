#include "services/merchant-auth-service/routes/SignatureRoutes.h"

#include "services/merchant-auth-service/domain/ApiKey.h"
#include "services/merchant-auth-service/domain/IpAllowlist.h"
#include "services/merchant-auth-service/domain/RequestSignature.h"
#include "services/merchant-auth-service/store/ApiKeyStore.h"

#include "platform/cache/ThreadRedis.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/Problem.h"
#include "platform/observe/JsonLog.h"
#include "platform/security/Crypto.h"

#include <QJsonArray>

namespace paydesk::services::merchantauth {

using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;
using platform::RedisConnection;

// A replayed request must fail on its timestamp once its nonce has expired from Redis.
static_assert(kNonceTtlSeconds > 2 * kTimestampWindowSeconds, "nonces must outlive the timestamp window");

struct SignatureRoutes::Ask
{
    QString apiKey, signature, timestamp, nonce, version, method, path, clientIp;
    QByteArray body;
    bool bodyDecoded = false;
};

struct SignatureRoutes::Outcome
{
    enum class Verdict {
        Accepted,
        Rejected,
        IpDenied,
        MerchantInactive,
        Unavailable,
        Broken
    } verdict = Verdict::Rejected;
    QString reason; // for the log only
    ApiKey key;
};

namespace signatureroutes {
using Verdict = SignatureRoutes::Outcome::Verdict;

SignatureRoutes::Ask readAsk(const QJsonObject &json)
{
    auto text = [&](const char *field) { return json.value(QLatin1String(field)).toString(); };
    SignatureRoutes::Ask ask{text("api_key"),
                             text("signature"),
                             text("timestamp"),
                             text("nonce"),
                             text("version"),
                             text("method"),
                             text("path"),
                             text("client_ip"),
                             {},
                             false};
    const auto decoded = QByteArray::fromBase64Encoding(text("body_base64").toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    ask.bodyDecoded = decoded.decodingStatus == QByteArray::Base64DecodingStatus::Ok;
    ask.body = decoded.decoded;
    return ask;
}

QByteArray failuresKey(const QString &apiKey)
{
    return "sig_failed:" + apiKey.toLatin1();
}

// INCR and the window's EXPIRE in one atomic step: a counter without a TTL would lock the key out
// for good if the two were split by a crash.
const QByteArray kCountFailure = "local n = redis.call('INCR', KEYS[1]) "
                                 "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n";

Problem authenticationFailed()
{
    return Problem{401,
                   QStringLiteral("AUTHENTICATION_FAILED"),
                   QStringLiteral("Authentication failed"),
                   QStringLiteral("authentication failed"),
                   {}};
}

HttpResponse tooManyFailures(const HttpRequest &request, RedisConnection &redis, const QString &apiKey)
{
    HttpResponse response = Problem{
        429,
        QStringLiteral("TOO_MANY_FAILURES"),
        QStringLiteral("Too many failed attempts"),
        QStringLiteral("too many failed signature attempts with this key; retry later"),
        {}}.toResponse(request.trace.traceId);
    QVariant ttl;
    QString error;
    if (redis.command({"TTL", failuresKey(apiKey)}, &ttl, &error) && ttl.toLongLong() > 0)
        response.setHeader("Retry-After", QByteArray::number(ttl.toLongLong()));
    return response;
}

SignatureRoutes::Outcome verdict(Verdict v, const QString &reason)
{
    return {v, reason, {}};
}
} // namespace signatureroutes

using namespace signatureroutes;

void SignatureRoutes::registerRoutes(platform::Router &router)
{
    router.add(
        {.method = "POST",
         .pattern = "/internal/v1/signatures/verify",
         .handler = [this](const HttpRequest &r) { return verify(r); },
         .execution = platform::Execution::Worker,
         .access = platform::Access::Internal,
         .jsonBody = true,
         .summary = "Verify a signed merchant request (spec 3.1); 200 with the merchant, or 401/403/429",
         .requestSchema = {{"type", "object"},
                           {"required", QJsonArray{"api_key", "signature", "timestamp", "nonce", "method",
                                                   "path", "body_base64", "client_ip"}}},
         .responseSchema = {{"type", "object"},
                            {"properties", QJsonObject{{"merchant_id", QJsonObject{{"type", "string"}}},
                                                       {"key_id", QJsonObject{{"type", "string"}}},
                                                       {"environment", QJsonObject{{"type", "string"}}}}}}});
}

HttpResponse SignatureRoutes::verify(const HttpRequest &request)
{
    const Ask ask = readAsk(request.json.object());
    if (!isWellFormedKeyId(ask.apiKey))
        return rejected(request, ask, QStringLiteral("missing or malformed X-API-Key"), nullptr);

    RedisConnection &redis = platform::threadRedis(m_runtime.environment().redis);
    QVariant reply;
    QString error;
    if (!redis.command({"GET", failuresKey(ask.apiKey)}, &reply, &error))
        return unavailable(request, error);
    if (reply.toLongLong() > kFailuresMax) {
        logRejection(request, ask, QStringLiteral("locked out after repeated failures"), 429);
        return tooManyFailures(request, redis, ask.apiKey);
    }

    const Outcome outcome = check(ask, redis);
    switch (outcome.verdict) {
    case Verdict::Rejected:
        return rejected(request, ask, outcome.reason, &redis);
    case Verdict::Unavailable:
        return unavailable(request, outcome.reason);
    case Verdict::Broken:
        m_runtime.log().write(platform::LogLevel::Error, outcome.reason, {{"key_id", ask.apiKey}});
        return Problem::internal(QStringLiteral("signature verification failed"))
            .toResponse(request.trace.traceId);
    case Verdict::IpDenied:
        logRejection(request, ask, outcome.reason, 403);
        return Problem{403,
                       QStringLiteral("IP_NOT_ALLOWED"),
                       QStringLiteral("Access denied from this IP"),
                       QStringLiteral("this API key may not be used from this address"),
                       {}}
            .toResponse(request.trace.traceId);
    case Verdict::MerchantInactive:
        logRejection(request, ask, outcome.reason, 403);
        return Problem{403,
                       QStringLiteral("MERCHANT_NOT_ACTIVE"),
                       QStringLiteral("Merchant not active"),
                       QStringLiteral("this merchant is suspended or rejected; its API keys do not work"),
                       {}}
            .toResponse(request.trace.traceId);
    case Verdict::Accepted:
        break;
    }

    // The request is authentic; bookkeeping failures below are logged, not held against it.
    if (!redis.command({"DEL", failuresKey(ask.apiKey)}, &reply, &error))
        m_runtime.log().write(platform::LogLevel::Warn,
                              QStringLiteral("cannot clear signature failures: %1").arg(error));
    QSqlDatabase db = m_runtime.database().connection(&error);
    platform::Database::Use use(m_runtime.database());
    if (!db.isOpen() || !store::touchLastUsed(db, outcome.key.keyId, QDateTime::currentDateTimeUtc(), &error))
        m_runtime.log().write(platform::LogLevel::Warn,
                              QStringLiteral("cannot record key use: %1").arg(error));
    return HttpResponse::json(QJsonObject{{QStringLiteral("merchant_id"), outcome.key.merchantId},
                                          {QStringLiteral("key_id"), outcome.key.keyId},
                                          {QStringLiteral("environment"), outcome.key.environment}});
}

// Steps 3 and 4 of the header comment. Cheap format checks first, then the key, the HMAC, the
// allow-list and last the nonce, which is the only step with a lasting effect.
SignatureRoutes::Outcome SignatureRoutes::check(const Ask &ask, RedisConnection &redis) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto version = parseSignatureVersion(ask.version);
    if (!version)
        return verdict(Verdict::Rejected, QStringLiteral("unknown signature version"));
    if (!isWellFormedSignature(ask.signature) || !isWellFormedNonce(ask.nonce) || !ask.bodyDecoded)
        return verdict(Verdict::Rejected, QStringLiteral("missing or malformed signature, nonce or body"));
    const auto timestamp = parseRfc3339(ask.timestamp);
    if (!timestamp)
        return verdict(Verdict::Rejected, QStringLiteral("timestamp is not RFC 3339"));
    if (!isWithinWindow(*timestamp, now))
        return verdict(Verdict::Rejected, QStringLiteral("timestamp outside the 2-minute window"));

    Outcome outcome{Verdict::Accepted, {}, {}};
    QString error;
    QSqlDatabase db = m_runtime.database().connection(&error);
    platform::Database::Use use(m_runtime.database());
    const store::Lookup lookup =
        db.isOpen() ? store::findKey(db, ask.apiKey, false, &outcome.key, &error) : store::Lookup::Error;
    if (lookup == store::Lookup::Error) {
        m_runtime.database().dropConnection(); // reconnect on next use, e.g. after a server restart
        return verdict(Verdict::Unavailable, error);
    }
    if (lookup == store::Lookup::NotFound)
        return verdict(Verdict::Rejected, QStringLiteral("unknown key"));
    if (outcome.key.usabilityAt(now) != ApiKey::Usability::Usable)
        return verdict(Verdict::Rejected, QStringLiteral("key is %1").arg(outcome.key.stateAt(now)));

    QByteArray opened;
    if (!platform::crypto::decrypt(m_runtime.environment().secrets.masterKey, outcome.key.secretSealed,
                                   &opened))
        return verdict(Verdict::Broken, QStringLiteral("sealed secret of %1 does not open").arg(ask.apiKey));
    const QString secret = secretFromSealingPlaintext(outcome.key.keyId, opened);
    if (secret.isEmpty())
        return verdict(Verdict::Broken,
                       QStringLiteral("sealed secret of %1 belongs to another key").arg(ask.apiKey));
    const QByteArray canonical =
        canonicalString(*version, ask.method.toLatin1(), ask.path, ask.timestamp, ask.nonce, ask.body);
    if (!platform::crypto::constantTimeEquals(signatureHex(secret.toLatin1(), canonical),
                                              ask.signature.toLatin1()))
        return verdict(Verdict::Rejected, QStringLiteral("signature mismatch"));

    // Authentic, but the merchant may have been suspended since the key was issued.
    QString standing;
    if (!store::merchantStanding(db, outcome.key.merchantId, &standing, &error))
        return verdict(Verdict::Unavailable, error);
    if (standing == QStringLiteral("suspended") || standing == QStringLiteral("rejected"))
        return verdict(Verdict::MerchantInactive, QStringLiteral("merchant is %1").arg(standing));

    QList<QPair<int, QString>> ignored; // stored entries are canonical
    if (!IpAllowlist::parse(outcome.key.ipAllowlist, &ignored).allows(normalizeClientAddress(ask.clientIp)))
        return verdict(Verdict::IpDenied,
                       QStringLiteral("client address %1 not in the allow-list").arg(ask.clientIp));

    QVariant claimed;
    const QByteArray nonceKey = "nonce:" + ask.apiKey.toLatin1() + ':' + ask.nonce.toLatin1();
    if (!redis.command({"SET", nonceKey, "1", "NX", "EX", QByteArray::number(kNonceTtlSeconds)}, &claimed,
                       &error))
        return verdict(Verdict::Unavailable, error);
    if (claimed.isNull())
        return verdict(Verdict::Rejected, QStringLiteral("nonce already used"));
    return outcome;
}

// A 401 that counts against the key; the failure that crosses the limit already answers 429.
HttpResponse SignatureRoutes::rejected(const HttpRequest &request, const Ask &ask, const QString &reason,
                                       RedisConnection *redis) const
{
    if (redis) {
        QVariant count;
        QString error;
        if (!redis->command({"EVAL", kCountFailure, "1", failuresKey(ask.apiKey),
                             QByteArray::number(kFailureWindowSeconds)},
                            &count, &error))
            return unavailable(request, error);
        if (count.toLongLong() > kFailuresMax) {
            logRejection(request, ask, reason + QStringLiteral("; now locked out"), 429);
            return tooManyFailures(request, *redis, ask.apiKey);
        }
    }
    logRejection(request, ask, reason, 401);
    return authenticationFailed().toResponse(request.trace.traceId);
}

HttpResponse SignatureRoutes::unavailable(const HttpRequest &request, const QString &error) const
{
    m_runtime.log().write(platform::LogLevel::Error,
                          QStringLiteral("signature verification unavailable: %1").arg(error),
                          {{"trace_id", QString::fromLatin1(request.trace.traceId)}});
    return Problem::unavailable(QStringLiteral("VERIFICATION_UNAVAILABLE"),
                                QStringLiteral("signature verification is temporarily unavailable"))
        .toResponse(request.trace.traceId);
}

// Never logs the signature, the body or anything derived from the secret.
void SignatureRoutes::logRejection(const HttpRequest &request, const Ask &ask, const QString &reason,
                                   int status) const
{
    m_runtime.log().write(platform::LogLevel::Warn, QStringLiteral("signature rejected: %1").arg(reason),
                          {{"key_id", ask.apiKey.left(64)},
                           {"status", status},
                           {"client_ip", ask.clientIp.left(64)},
                           {"caller", request.principal.id},
                           {"trace_id", QString::fromLatin1(request.trace.traceId)}});
}

} // namespace paydesk::services::merchantauth
