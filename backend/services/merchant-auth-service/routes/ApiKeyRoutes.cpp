#include "services/merchant-auth-service/routes/ApiKeyRoutes.h"

#include "services/merchant-auth-service/domain/ApiKey.h"
#include "services/merchant-auth-service/routes/ApiKeyInput.h"
#include "services/merchant-auth-service/store/ApiKeyStore.h"

#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/http/RequestBody.h"
#include "platform/observe/JsonLog.h"
#include "platform/security/Audit.h"
#include "platform/security/Crypto.h"

#include <QJsonArray>
#include <QUuid>

namespace paydesk::services::merchantauth {

using platform::BodyReader;
using platform::HttpRequest;
using platform::HttpResponse;
using platform::Problem;

namespace apikeyroutes {
const QString kServiceName = QStringLiteral("merchant-auth-service");

// The audit record for the admin and the service's own event, in the caller's transaction.
// `action` names the admin's act in the audit log ("apikey.revoke"), `eventType` the fact for
// consumers ("apikey.revoked"). Neither payload ever holds a secret: both are ApiKey::toJson.
bool recordChange(QSqlDatabase &db, const HttpRequest &request, const QString &action,
                  const QString &eventType, const ApiKey &key, const QJsonValue &before,
                  const QJsonObject &after, QString *why)
{
    if (!platform::audit::append(db, request, kServiceName,
                                 {action, QStringLiteral("api_key"), key.keyId, before, after}, why))
        return false;
    platform::Event event;
    event.eventId = QUuid::createUuid();
    event.topic = kEventsTopic;
    event.type = eventType;
    event.aggregateType = QStringLiteral("api_key");
    event.aggregateId = key.keyId;
    event.payload = after;
    event.traceparent = request.trace.toTraceparent();
    return platform::outbox::append(db, event, why) > 0;
}

HttpResponse audited(HttpResponse response)
{
    response.audited = true;
    return response;
}
} // namespace apikeyroutes

using namespace apikeyroutes;

void ApiKeyRoutes::registerRoutes(platform::Router &router)
{
    using platform::Access;
    using platform::Execution;
    const QJsonObject keyList{{"type", "object"},
                              {"description", "{items: [api key], total, page, page_size}"}};
    const QJsonObject keyWithSecret{{"type", "object"},
                                    {"description", "api key plus `secret`, shown only here"}};
    router.add({.method = "POST",
                .pattern = "/api/v1/merchants/{merchant_id}/api-keys",
                .handler = [this](const HttpRequest &r) { return create(r); },
                .execution = Execution::Worker,
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "apikey.manage",
                .summary = "Create an API key; the secret is in this answer only",
                .requestSchema = {{"type", "object"}, {"required", QJsonArray{"environment"}}},
                .responseSchema = keyWithSecret,
                .successStatus = 201});
    router.add({.method = "GET",
                .pattern = "/api/v1/merchants/{merchant_id}/api-keys",
                .handler = [this](const HttpRequest &r) { return listForMerchant(r); },
                .execution = Execution::Worker,
                .access = Access::Admin,
                .permission = "apikey.view",
                .summary = "A merchant's API keys (no secrets)",
                .responseSchema = keyList});
    router.add(
        {.method = "POST",
         .pattern = "/api/v1/api-keys/{key_id}/rotate",
         .handler = [this](const HttpRequest &r) { return rotate(r); },
         .execution = Execution::Worker,
         .access = Access::Admin,
         .permission = "apikey.manage",
         .summary = "Replace a key; the old one works until grace_until",
         .requestSchema = {{"type", "object"},
                           {"properties", QJsonObject{{"grace_seconds", QJsonObject{{"type", "integer"}}}}}},
         .responseSchema = keyWithSecret,
         .successStatus = 201});
    router.add({.method = "POST",
                .pattern = "/api/v1/api-keys/{key_id}/revoke",
                .handler = [this](const HttpRequest &r) { return revoke(r); },
                .execution = Execution::Worker,
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "apikey.manage",
                .summary = "Revoke a key now",
                .requestSchema = {{"type", "object"}, {"required", QJsonArray{"reason"}}}});
    router.add({.method = "PUT",
                .pattern = "/api/v1/api-keys/{key_id}/ip-allowlist",
                .handler = [this](const HttpRequest &r) { return replaceAllowlist(r); },
                .execution = Execution::Worker,
                .access = Access::Admin,
                .jsonBody = true,
                .permission = "apikey.manage",
                .summary = "Replace a key's IP allow-list (IPs and CIDRs; empty allows any address)",
                .requestSchema = {{"type", "object"}, {"required", QJsonArray{"ip_allowlist"}}}});
    router.add({.method = "GET",
                .pattern = "/api/v1/me/api-keys",
                .handler = [this](const HttpRequest &r) { return listOwn(r); },
                .execution = Execution::Worker,
                .access = Access::Merchant,
                .summary = "The calling merchant's API keys (no secrets)",
                .responseSchema = keyList});
}

ApiKey ApiKeyRoutes::mint(const ApiKey &shape, const QDateTime &now, QString *secret) const
{
    ApiKey key = shape;
    key.keyId = formatKeyId(key.environment, platform::crypto::randomBytes(kKeyIdRandomBytes));
    *secret = formatSecret(key.environment, platform::crypto::randomBytes(kSecretRandomBytes));
    key.secretSealed = platform::crypto::encrypt(m_runtime.environment().secrets.masterKey,
                                                 sealingPlaintext(key.keyId, *secret));
    key.status = QStringLiteral("active");
    key.createdAt = now;
    key.lastUsedAt = {};
    key.rotatedTo.clear();
    key.graceUntil = {};
    key.revokedAt = {};
    key.revokedReason.clear();
    return key;
}

HttpResponse ApiKeyRoutes::create(const HttpRequest &request)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    BodyReader body(request);
    ApiKey shape;
    shape.merchantId = canonicalUuid(request.pathParam(QStringLiteral("merchant_id")));
    if (shape.merchantId.isEmpty())
        body.fail(QStringLiteral("merchant_id"), QStringLiteral("must be a UUID"));
    shape.environment =
        body.string(QStringLiteral("environment"), {.required = true, .oneOf = kEnvironments});
    shape.label = body.string(QStringLiteral("label"), {.maxLength = 100});
    shape.ipAllowlist = readAllowlist(body, QStringLiteral("ip_allowlist"), false);
    shape.expiresAt = readFutureTime(body, QStringLiteral("expires_at"), now);
    if (!body.ok())
        return body.problem();

    QString secret;
    const ApiKey key = mint(shape, now, &secret);
    std::optional<Problem> refusal;
    QString error;
    QSqlDatabase db = m_runtime.database().connection(&error);
    platform::Database::Use use(m_runtime.database());
    const bool ok =
        db.isOpen() &&
        platform::inTransaction(
            db,
            [&](QString *why) {
                qint64 usable = 0;
                if (!store::lockMerchantAndCountUsable(db, key.merchantId, key.environment, now, &usable,
                                                       why))
                    return false;
                if (usable >= kUsableKeysPerEnvironmentMax) {
                    refusal = Problem::conflict(
                        QStringLiteral("KEY_LIMIT_REACHED"),
                        QStringLiteral("the merchant already has %1 usable %2 keys; revoke one first")
                            .arg(usable)
                            .arg(key.environment));
                    return false;
                }
                return store::insertKey(db, key, why) &&
                       recordChange(db, request, QStringLiteral("apikey.create"),
                                    QStringLiteral("apikey.created"), key, QJsonValue(), key.toJson(now),
                                    why);
            },
            &error);
    if (refusal)
        return refusal->toResponse(request.trace.traceId);
    if (!ok)
        return failure(request, error);
    m_runtime.kickOutbox();
    QJsonObject answer = key.toJson(now);
    answer.insert(QStringLiteral("secret"), secret);
    return audited(HttpResponse::json(answer, 201));
}

HttpResponse ApiKeyRoutes::listForMerchant(const HttpRequest &request)
{
    const QString merchantId = canonicalUuid(request.pathParam(QStringLiteral("merchant_id")));
    if (merchantId.isEmpty()) {
        BodyReader body(request);
        body.fail(QStringLiteral("merchant_id"), QStringLiteral("must be a UUID"));
        return body.problem();
    }
    return list(request, merchantId);
}

// The merchant comes from the verified signature only: a merchant sees its own keys and nothing
// else, whatever the query string says.
HttpResponse ApiKeyRoutes::listOwn(const HttpRequest &request)
{
    const platform::Principal &caller = request.principal;
    if (caller.kind != platform::Principal::Kind::Merchant || canonicalUuid(caller.merchantId).isEmpty())
        return Problem::unauthorized(QStringLiteral("a signed merchant request is required"))
            .toResponse(request.trace.traceId);
    return list(request, canonicalUuid(caller.merchantId));
}

HttpResponse ApiKeyRoutes::list(const HttpRequest &request, const QString &merchantId)
{
    const platform::PageRequest page = platform::PageRequest::fromQuery(request.query);
    QList<ApiKey> keys;
    qint64 total = 0;
    QString error;
    QSqlDatabase db = m_runtime.database().connection(&error);
    platform::Database::Use use(m_runtime.database());
    if (!db.isOpen() || !store::listKeys(db, merchantId, page.pageSize, page.offset(), &keys, &total, &error))
        return failure(request, error);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QJsonArray items;
    for (const ApiKey &key : keys)
        items.append(key.toJson(now));
    return HttpResponse::json(page.wrap(items, total));
}

HttpResponse ApiKeyRoutes::rotate(const HttpRequest &request)
{
    // The body is optional here ({"grace_seconds": n}), so it is parsed by hand.
    HttpRequest parsed = request;
    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError parseError;
        parsed.json = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !parsed.json.isObject())
            return Problem::malformedJson(QStringLiteral("the body must be a JSON object or empty"),
                                          parseError.offset)
                .toResponse(request.trace.traceId);
    }
    BodyReader body(parsed);
    const qint64 graceSeconds =
        body.has(QStringLiteral("grace_seconds"))
            ? body.int64(QStringLiteral("grace_seconds"), {.min = 0, .max = kGraceSecondsMax})
            : kGraceSecondsDefault;
    if (!body.ok())
        return body.problem();

    const QDateTime now = QDateTime::currentDateTimeUtc();
    return changeKey(
        request, 201,
        [&](QSqlDatabase &db, const ApiKey &old, std::optional<Problem> *refusal, QJsonObject *answer,
            QString *why) {
            if (old.usabilityAt(now) != ApiKey::Usability::Usable || !old.rotatedTo.isEmpty()) {
                *refusal = Problem::conflict(
                    QStringLiteral("KEY_NOT_ROTATABLE"),
                    QStringLiteral("the key is %1; only an active key can be rotated").arg(old.stateAt(now)));
                return false;
            }
            QString secret;
            ApiKey fresh = mint(old, now, &secret);
            fresh.rotatedFrom = old.keyId;
            ApiKey retiring = old;
            retiring.rotatedTo = fresh.keyId;
            retiring.graceUntil = now.addSecs(graceSeconds);
            const QJsonObject after{{QStringLiteral("old_key"), retiring.toJson(now)},
                                    {QStringLiteral("new_key"), fresh.toJson(now)}};
            if (!store::insertKey(db, fresh, why) ||
                !store::markRotated(db, old.keyId, fresh.keyId, retiring.graceUntil, why) ||
                !recordChange(db, request, QStringLiteral("apikey.rotate"), QStringLiteral("apikey.rotated"),
                              old, old.toJson(now), after, why))
                return false;
            *answer = fresh.toJson(now);
            answer->insert(QStringLiteral("secret"), secret);
            answer->insert(QStringLiteral("replaces"), retiring.toJson(now));
            return true;
        });
}

HttpResponse ApiKeyRoutes::revoke(const HttpRequest &request)
{
    BodyReader body(request);
    const QString reason = body.string(QStringLiteral("reason"), {.required = true, .maxLength = 500});
    if (!body.ok())
        return body.problem();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return changeKey(request, 200,
                     [&](QSqlDatabase &db, const ApiKey &current, std::optional<Problem> *refusal,
                         QJsonObject *answer, QString *why) {
                         if (current.status == QStringLiteral("revoked")) {
                             *refusal = Problem::conflict(QStringLiteral("KEY_REVOKED"),
                                                          QStringLiteral("the key is already revoked"));
                             return false;
                         }
                         ApiKey revoked = current;
                         revoked.status = QStringLiteral("revoked");
                         revoked.revokedAt = now;
                         revoked.revokedReason = reason;
                         if (!store::markRevoked(db, current.keyId, reason, now, why) ||
                             !recordChange(db, request, QStringLiteral("apikey.revoke"),
                                           QStringLiteral("apikey.revoked"), current, current.toJson(now),
                                           revoked.toJson(now), why))
                             return false;
                         *answer = revoked.toJson(now);
                         return true;
                     });
}

HttpResponse ApiKeyRoutes::replaceAllowlist(const HttpRequest &request)
{
    BodyReader body(request);
    const QStringList allowlist = readAllowlist(body, QStringLiteral("ip_allowlist"), true);
    if (!body.ok())
        return body.problem();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return changeKey(request, 200,
                     [&](QSqlDatabase &db, const ApiKey &current, std::optional<Problem> *refusal,
                         QJsonObject *answer, QString *why) {
                         if (current.status == QStringLiteral("revoked")) {
                             *refusal = Problem::conflict(QStringLiteral("KEY_REVOKED"),
                                                          QStringLiteral("the key is revoked"));
                             return false;
                         }
                         ApiKey changed = current;
                         changed.ipAllowlist = allowlist;
                         if (!store::setAllowlist(db, current.keyId, allowlist, why) ||
                             !recordChange(db, request, QStringLiteral("apikey.ip_allowlist.update"),
                                           QStringLiteral("apikey.ip_allowlist_changed"), current,
                                           current.toJson(now), changed.toJson(now), why))
                             return false;
                         *answer = changed.toJson(now);
                         return true;
                     });
}

HttpResponse ApiKeyRoutes::changeKey(const HttpRequest &request, int successStatus, const KeyChange &change)
{
    const QString keyId = request.pathParam(QStringLiteral("key_id"));
    const HttpResponse notFound = Problem::notFound(QStringLiteral("no API key %1").arg(keyId.left(64)))
                                      .toResponse(request.trace.traceId);
    if (!isWellFormedKeyId(keyId))
        return notFound;
    bool found = true;
    std::optional<Problem> refusal;
    QJsonObject answer;
    QString error;
    QSqlDatabase db = m_runtime.database().connection(&error);
    platform::Database::Use use(m_runtime.database());
    const bool ok = db.isOpen() && platform::inTransaction(
                                       db,
                                       [&](QString *why) {
                                           ApiKey current;
                                           const store::Lookup lookup =
                                               store::findKey(db, keyId, true, &current, why);
                                           found = lookup != store::Lookup::NotFound;
                                           return lookup == store::Lookup::Found &&
                                                  change(db, current, &refusal, &answer, why);
                                       },
                                       &error);
    if (!found)
        return notFound;
    if (refusal)
        return refusal->toResponse(request.trace.traceId);
    if (!ok)
        return failure(request, error);
    m_runtime.kickOutbox();
    return audited(HttpResponse::json(answer, successStatus));
}

// Database trouble: the details go to the log, the client gets a plain 500, and the thread's
// connection is dropped so that the next request reconnects (e.g. after a server restart).
HttpResponse ApiKeyRoutes::failure(const HttpRequest &request, const QString &error) const
{
    m_runtime.database().dropConnection();
    m_runtime.log().write(platform::LogLevel::Error, QStringLiteral("api key storage failed: %1").arg(error),
                          {{QStringLiteral("trace_id"), QString::fromLatin1(request.trace.traceId)}});
    return Problem::internal(QStringLiteral("the API key store failed; see the service log for trace %1")
                                 .arg(QString::fromLatin1(request.trace.traceId)))
        .toResponse(request.trace.traceId);
}

} // namespace paydesk::services::merchantauth
