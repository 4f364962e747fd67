// POST /internal/v1/risk/check: the pre-payment risk check of payment-gateway (contract
// docs/contracts/payment-flow.md). Few queries per check: the config version (rules and thresholds
// are cached per worker thread), one blacklist lookup, one insert; velocity and device sets live in
// Redis and take one script call.

#include "services/risk-service/routes/RiskRoutes.h"
#include "services/risk-service/store/BlacklistStore.h"
#include "services/risk-service/store/RiskStore.h"

#include "platform/cache/ThreadRedis.h"
#include "platform/db/Database.h"
#include "platform/host/Transaction.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestBody.h"
#include "platform/observe/JsonLog.h"

#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>

namespace paydesk::services::risk {

using namespace platform;

RiskMetrics::RiskMetrics(prometheus::Registry &registry)
{
    auto &checks = prometheus::BuildCounter()
                       .Name("risk_checks_total")
                       .Help("Risk checks answered, by decision")
                       .Register(registry);
    pass = &checks.Add({{"decision", "pass"}});
    review = &checks.Add({{"decision", "review"}});
    reject = &checks.Add({{"decision", "reject"}});
    duration = &prometheus::BuildHistogram()
                    .Name("risk_check_duration_seconds")
                    .Help("Time to score one risk check, database and Redis included")
                    .Register(registry)
                    .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                     0.1, 0.25, 0.5, 1.0, 2.5});
}

namespace check_routes {
const QRegularExpression kCurrency(QStringLiteral("^[A-Z]{3}$"));
const QRegularExpression kCountry(QStringLiteral("^[A-Z]{2}$"));
constexpr qint64 kRedisBackoffMs = 5000;

// Rules and thresholds of one service as a worker thread last read them.
struct ConfigCache
{
    qint64 version = -1;
    QList<Rule> rules;
    Thresholds thresholds;
};

// Re-reads rules and thresholds only when risk_config_version moved (triggers bump it on every
// change of risk_rules or risk_settings, by the admin routes or by hand). The version is read
// before the rules, so a change committed in between only causes one more reload, never a stale
// cache under a new version.
bool currentConfig(const ServiceRuntime &runtime, QSqlDatabase &db, const ConfigCache **config, QString *why)
{
    thread_local QHash<const ServiceRuntime *, ConfigCache> caches;
    ConfigCache &cache = caches[&runtime];
    qint64 version = 0;
    if (!store::loadConfigVersion(db, &version, why))
        return false;
    if (version != cache.version) {
        QList<Rule> rules;
        QHash<QString, qint64> settings;
        if (!store::loadEnabledRules(db, &rules, why) || !store::loadSettings(db, &settings, why))
            return false;
        cache.rules = std::move(rules);
        cache.thresholds = Thresholds{};
        cache.thresholds.apply(settings);
        cache.version = version;
    }
    *config = &cache;
    return true;
}

// All velocity counters and device sets of one check in one atomic round trip. KEYS: the velocity
// counters, then the device sets; ARGV[1]: how many counters; then each counter's window and each
// set's member and lifetime. Returns the counts, then the set sizes, in KEYS order. A counter gets
// its window when created, in the same atomic step, so no key is ever left without one.
const QByteArray kCountersScript = R"lua(
local counters = tonumber(ARGV[1])
local arg = 2
local out = {}
for i = 1, counters do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[arg]) end
  arg = arg + 1
  out[#out + 1] = count
end
for i = counters + 1, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[arg])
  redis.call('EXPIRE', KEYS[i], ARGV[arg + 1])
  arg = arg + 2
  out[#out + 1] = redis.call('SCARD', KEYS[i])
end
return out
)lua";

// Velocity (risk:freq:*) and device anomalies (risk:device:*) in one script call. When Redis cannot
// answer, both are skipped and the check goes on (`velocity_unavailable`); *error says why.
void velocityAndDevice(RedisConnection &redis, const CheckInput &in, const Thresholds &t, Factors *factors,
                       QString *error)
{
    const QList<RedisProbe> probes = redisProbes(in, t);
    QList<QByteArray> keys;
    QList<QByteArray> counterArgs;
    QList<QByteArray> setArgs;
    for (const RedisProbe &probe : probes) {
        keys.append(probe.key);
        if (probe.isSet)
            setArgs << probe.member << QByteArray::number(probe.lifetimeS);
        else
            counterArgs.append(QByteArray::number(probe.lifetimeS));
    }
    QList<QByteArray> args{"EVAL", kCountersScript, QByteArray::number(keys.size())};
    args << keys << QByteArray::number(counterArgs.size()) << counterArgs << setArgs;

    // After a failure this worker leaves Redis alone for a while: a Redis that hangs instead of
    // refusing would otherwise cost every check the full command timeout.
    thread_local QDeadlineTimer backoff; // default: expired
    if (!backoff.hasExpired()) {
        *error = QStringLiteral("Redis failed less than %1 ms ago").arg(kRedisBackoffMs);
        factors->velocityUnavailable = true;
        return;
    }
    QVariant reply;
    const QVariantList answer = redis.command(args, &reply, error) ? reply.toList() : QVariantList();
    if (answer.size() != probes.size()) {
        if (error->isEmpty())
            *error = QStringLiteral("unexpected reply to the counters script");
        factors->velocityUnavailable = true;
        backoff.setRemainingTime(kRedisBackoffMs);
        return;
    }
    QList<qint64> counts;
    for (const QVariant &count : answer)
        counts.append(count.toLongLong());
    applyRedisCounts(probes, counts, factors);
}

// The check's fields, normalised; a 422 listing every bad field otherwise.
std::optional<HttpResponse> readInput(const HttpRequest &request, CheckInput *in)
{
    BodyReader body(request);
    in->merchantId = body.string(QStringLiteral("merchant_id"), {.required = true, .maxLength = 64});
    in->paymentNo = body.string(QStringLiteral("payment_no"), {.required = true, .maxLength = 64});
    in->amountMinor = body.int64(QStringLiteral("amount_minor"), {.required = true, .min = 1});
    in->currency = body.string(QStringLiteral("currency"), {.required = true, .maxLength = 3});
    in->payMethod = body.string(QStringLiteral("pay_method"), {.maxLength = 32}).toLower();
    in->email = normaliseEmail(body.string(QStringLiteral("customer_email"), {.maxLength = 254}));
    in->ip = body.string(QStringLiteral("customer_ip"), {.maxLength = 64}).trimmed();
    in->phone = normalisePhone(body.string(QStringLiteral("customer_phone"), {.maxLength = 32}));
    in->deviceId = body.string(QStringLiteral("device_id"), {.maxLength = 128}).trimmed();
    in->cardBin = body.string(QStringLiteral("card_bin"), {.maxLength = 8}).trimmed();
    in->cardFingerprint = body.string(QStringLiteral("card_fingerprint"), {.maxLength = 128}).trimmed();
    in->cardCountry = body.string(QStringLiteral("card_country"), {.maxLength = 2}).toUpper();
    in->ipCountry = body.string(QStringLiteral("ip_country"), {.maxLength = 2}).toUpper();
    if (!in->currency.isEmpty() && !kCurrency.match(in->currency).hasMatch())
        body.fail(QStringLiteral("currency"),
                  QStringLiteral("must be an ISO 4217 code (3 upper-case letters)"));
    if (!in->cardCountry.isEmpty() && !kCountry.match(in->cardCountry).hasMatch())
        body.fail(QStringLiteral("card_country"), QStringLiteral("must be an ISO 3166 alpha-2 code"));
    if (!in->ipCountry.isEmpty() && !kCountry.match(in->ipCountry).hasMatch())
        body.fail(QStringLiteral("ip_country"), QStringLiteral("must be an ISO 3166 alpha-2 code"));
    if (!body.ok())
        return body.problem();
    return std::nullopt;
}

void record(RiskMetrics &metrics, Decision decision, const QElapsedTimer &clock)
{
    prometheus::Counter *counter = decision == Decision::Pass     ? metrics.pass
                                   : decision == Decision::Review ? metrics.review
                                                                  : metrics.reject;
    counter->Increment();
    metrics.duration->Observe(static_cast<double>(clock.nsecsElapsed()) / 1e9);
}

HttpResponse check(ServiceRuntime &runtime, RiskMetrics &metrics, const HttpRequest &request)
{
    QElapsedTimer clock;
    clock.start();
    CheckInput in;
    if (auto bad = readInput(request, &in))
        return *bad;

    return withConnection(runtime, request, [&](QSqlDatabase &db) {
        QString why;
        const ConfigCache *config = nullptr;
        QList<store::BlacklistEntry> hits;
        if (!currentConfig(runtime, db, &config, &why) ||
            !store::findBlacklisted(db, blacklistKeys(in), &hits, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);

        Factors factors;
        for (const store::BlacklistEntry &hit : std::as_const(hits)) {
            if (!factors.blacklistHits.contains(hit.entityType))
                factors.blacklistHits.append(hit.entityType);
        }
        // A blacklist hit rejects at once: no counters are touched, no rule can lower it.
        if (!factors.blacklisted()) {
            factors.largeAmount = in.amountMinor > config->thresholds.largeAmountMinor;
            QString redisError;
            velocityAndDevice(threadRedis(runtime.environment().redis), in, config->thresholds, &factors,
                              &redisError);
            if (factors.velocityUnavailable)
                runtime.log().write(LogLevel::Warn,
                                    QStringLiteral("risk check without velocity: %1").arg(redisError));
            factors.geoHits = geoHits(in);
            if (const Rule *rule = firstMatch(config->rules, in))
                factors.rule = *rule;
        }

        store::CheckRow row{QUuid::createUuid(), in, in.toJson(), assess(factors), std::nullopt, {}, {}};
        if (factors.rule) {
            row.ruleId = factors.rule->id;
            row.ruleName = factors.rule->name;
        }
        if (!store::insertCheck(db, row, &why))
            return Problem::internal(why).toResponse(request.trace.traceId);
        record(metrics, row.assessment.decision, clock);
        return HttpResponse::json(row.toJson());
    });
}
} // namespace check_routes

void addCheckRoutes(Router &router, ServiceRuntime &runtime, std::shared_ptr<RiskMetrics> metrics)
{
    const QJsonObject schema{
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("required"), QJsonArray{QStringLiteral("merchant_id"), QStringLiteral("payment_no"),
                                                QStringLiteral("amount_minor"), QStringLiteral("currency")}}};
    router.add(
        {.method = "POST",
         .pattern = QStringLiteral("/internal/v1/risk/check"),
         .handler = [&runtime,
                     metrics](const HttpRequest &r) { return check_routes::check(runtime, *metrics, r); },
         .access = Access::Internal,
         .jsonBody = true,
         .summary = QStringLiteral("Score a payment: blacklist, amount, velocity, device, geography, rules"),
         .requestSchema = schema});
}

} // namespace paydesk::services::risk
