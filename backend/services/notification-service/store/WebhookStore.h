#pragma once
// SQL of notification-service's own database (migrations/0001_webhooks.sql). Every function runs
// on the caller's connection and inside the caller's transaction when there is one; false with
// *error set on a database error.

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QStringList>
#include <QUuid>

#include <optional>

namespace paydesk::services::notification::store {

struct Endpoint
{
    QUuid id;
    QString merchantId;
    QString url;
    QString description;
    QStringList events;
    bool enabled = true;
    QByteArray secretSealed;
    QDateTime secretRotatedAt;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool deleted = false;

    QJsonObject toJson() const; // never the secret
};

bool insertEndpoint(QSqlDatabase &db, const Endpoint &endpoint, QString *error);
bool updateEndpoint(QSqlDatabase &db, const Endpoint &endpoint, QString *error);
bool setEndpointSecret(QSqlDatabase &db, const QUuid &id, const QByteArray &sealed, QString *error);
bool softDeleteEndpoint(QSqlDatabase &db, const QUuid &id, QString *error);
// A live (not deleted) endpoint of `merchantId`; nullopt when there is none.
bool loadEndpoint(QSqlDatabase &db, const QString &merchantId, const QUuid &id,
                  std::optional<Endpoint> *endpoint, QString *error);
// Any endpoint by id, deleted or not (the delivery worker needs the secret and the state).
bool loadEndpointById(QSqlDatabase &db, const QUuid &id, std::optional<Endpoint> *endpoint, QString *error);
// Live endpoints of a merchant, oldest first (bounded: a merchant has at most kEndpointsMax).
bool listEndpoints(QSqlDatabase &db, const QString &merchantId, QList<Endpoint> *endpoints, QString *error);
inline constexpr int kEndpointsMax = 20;

struct MerchantSecret
{
    QByteArray sealed;
    QDateTime createdAt;
    QDateTime rotatedAt;
};
bool loadMerchantSecret(QSqlDatabase &db, const QString &merchantId, std::optional<MerchantSecret> *secret,
                        QString *error);
// Inserts the merchant's secret, or replaces it when `replace` (rotation). With !replace an
// existing secret is kept and *inserted is false (two first uses racing keep the first).
bool saveMerchantSecret(QSqlDatabase &db, const QString &merchantId, const QByteArray &sealed, bool replace,
                        bool *inserted, QString *error);

struct NewDelivery
{
    QString merchantId;
    std::optional<QUuid> endpointId; // none: the payment's notify_url
    QString url;
    QUuid eventId;
    QString eventType;
    QString paymentNo;
    QString refundNo;
    QByteArray body;
    int maxAttempts = 8;
};
bool insertDelivery(QSqlDatabase &db, const NewDelivery &delivery, QUuid *id, QString *error);

// One attempt a worker holds: the delivery as claimed, with its attempt number already counted.
struct Claim
{
    QUuid id;
    QString merchantId;
    std::optional<QUuid> endpointId;
    QString url;
    QString eventId;
    QString eventType;
    QByteArray body;
    int round = 1;
    int attempt = 1;
    int maxAttempts = 8;
    QUuid claimToken;
};
// Claims up to `limit` due deliveries (pending/retrying, next_attempt_at <= now) with
// FOR UPDATE SKIP LOCKED, so concurrent claimers (threads or processes) take disjoint sets and
// never wait on each other. Each claimed row gets attempts + 1, the claim token and a lease
// (next_attempt_at = now + leaseMs): a sender that dies mid-attempt leaves the row due again
// when the lease ends. Run inside a transaction; commit before sending.
bool claimDue(QSqlDatabase &db, int limit, qint64 leaseMs, QList<Claim> *claims, QString *error);

struct AttemptRecord
{
    QJsonObject requestHeaders;
    QByteArray requestBody;
    std::optional<int> responseStatus;
    QByteArray responseBody; // truncated by the caller
    QString error;
    qint64 durationMs = 0;
    std::optional<qint64> retryDelayMs;
    QDateTime startedAt;
};
enum class Outcome { Delivered, Retry, Dead };
// Records the attempt and moves the delivery on, unless another worker holds it now (the lease
// ran out): then only the attempt is recorded and *applied is false.
bool finishAttempt(QSqlDatabase &db, const Claim &claim, const AttemptRecord &record, Outcome outcome,
                   bool *applied, QString *error);

struct DeliveryFilter
{
    QString merchantId;
    QString paymentNo;
    QString status;
    QString eventType;
    int offset = 0;
    int limit = 20;
};
bool listDeliveries(QSqlDatabase &db, const DeliveryFilter &filter, QJsonArray *items, qint64 *total,
                    QString *error);
// One delivery (merchant-scoped when merchantId is not empty) with its payload; nullopt if none.
bool loadDelivery(QSqlDatabase &db, const QUuid &id, const QString &merchantId,
                  std::optional<QJsonObject> *delivery, QString *error);
bool loadAttempts(QSqlDatabase &db, const QUuid &id, QJsonArray *attempts, QString *error);
// Dead or delivered → pending and due now, in a new round of `maxAttempts`. *reset false when the
// delivery is still in flight (pending/retrying).
bool redeliver(QSqlDatabase &db, const QUuid &id, int maxAttempts, bool *reset, QString *error);

// Due deliveries not yet claimed and how long the oldest has waited (0 when none).
bool dueBacklog(QSqlDatabase &db, qint64 *count, qint64 *oldestLagMs, QString *error);

} // namespace paydesk::services::notification::store
