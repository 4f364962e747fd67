// Endpoints and merchant signing secrets (deliveries are in DeliveryStore.cpp).

#include "services/notification-service/store/WebhookStore.h"
#include "services/notification-service/store/StoreValues.h"

#include "platform/db/Sql.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QVariant>

namespace paydesk::services::notification::store {

using platform::sql::exec;
using namespace values;

namespace endpoint_store {
const char *const kEndpointColumns =
    "id, merchant_id, url, description, events::text, enabled, secret_sealed, secret_rotated_at, "
    "created_at, updated_at, deleted_at IS NOT NULL";

Endpoint endpointFrom(const QSqlQuery &q)
{
    Endpoint e;
    e.id = QUuid::fromString(q.value(0).toString());
    e.merchantId = q.value(1).toString();
    e.url = q.value(2).toString();
    e.description = q.value(3).toString();
    for (const QJsonValue &event : QJsonDocument::fromJson(q.value(4).toByteArray()).array())
        e.events.append(event.toString());
    e.enabled = q.value(5).toBool();
    e.secretSealed = q.value(6).toByteArray();
    e.secretRotatedAt = q.value(7).toDateTime();
    e.createdAt = q.value(8).toDateTime();
    e.updatedAt = q.value(9).toDateTime();
    e.deleted = q.value(10).toBool();
    return e;
}

QString eventsJson(const QStringList &events)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(events)).toJson(QJsonDocument::Compact));
}
} // namespace endpoint_store

using namespace endpoint_store;

QJsonObject Endpoint::toJson() const
{
    return {{QStringLiteral("id"), uuidText(id)},
            {QStringLiteral("merchant_id"), merchantId},
            {QStringLiteral("url"), url},
            {QStringLiteral("description"), description},
            {QStringLiteral("events"), QJsonArray::fromStringList(events)},
            {QStringLiteral("enabled"), enabled},
            {QStringLiteral("secret_rotated_at"), platform::sql::jsonTime(secretRotatedAt)},
            {QStringLiteral("created_at"), createdAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("updated_at"), updatedAt.toUTC().toString(Qt::ISODateWithMs)}};
}

bool insertEndpoint(QSqlDatabase &db, const Endpoint &e, QString *error)
{
    QSqlQuery q(db);
    return exec(
        q,
        QStringLiteral("INSERT INTO webhook_endpoints (id, merchant_id, url, description, events, enabled, "
                       "secret_sealed) VALUES (?::uuid, ?, ?, ?, ?::jsonb, ?, ?)"),
        {uuidText(e.id), e.merchantId, e.url, text(e.description), eventsJson(e.events), e.enabled,
         e.secretSealed},
        error);
}

bool updateEndpoint(QSqlDatabase &db, const Endpoint &e, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("UPDATE webhook_endpoints SET url = ?, description = ?, events = ?::jsonb, "
                               "enabled = ?, updated_at = now() WHERE id = ?::uuid AND deleted_at IS NULL"),
                {e.url, text(e.description), eventsJson(e.events), e.enabled, uuidText(e.id)}, error);
}

bool setEndpointSecret(QSqlDatabase &db, const QUuid &id, const QByteArray &sealed, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("UPDATE webhook_endpoints SET secret_sealed = ?, secret_rotated_at = now(), "
                               "updated_at = now() WHERE id = ?::uuid"),
                {sealed, uuidText(id)}, error);
}

bool softDeleteEndpoint(QSqlDatabase &db, const QUuid &id, QString *error)
{
    QSqlQuery q(db);
    return exec(q,
                QStringLiteral("UPDATE webhook_endpoints SET deleted_at = now(), enabled = false, "
                               "updated_at = now() WHERE id = ?::uuid AND deleted_at IS NULL"),
                {uuidText(id)}, error);
}

bool loadEndpoint(QSqlDatabase &db, const QString &merchantId, const QUuid &id,
                  std::optional<Endpoint> *endpoint, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM webhook_endpoints WHERE id = ?::uuid AND merchant_id = ? "
                             "AND deleted_at IS NULL")
                  .arg(QLatin1String(kEndpointColumns)),
              {uuidText(id), merchantId}, error))
        return false;
    *endpoint = q.next() ? std::optional<Endpoint>(endpointFrom(q)) : std::nullopt;
    return true;
}

bool loadEndpointById(QSqlDatabase &db, const QUuid &id, std::optional<Endpoint> *endpoint, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM webhook_endpoints WHERE id = ?::uuid")
                  .arg(QLatin1String(kEndpointColumns)),
              {uuidText(id)}, error))
        return false;
    *endpoint = q.next() ? std::optional<Endpoint>(endpointFrom(q)) : std::nullopt;
    return true;
}

bool listEndpoints(QSqlDatabase &db, const QString &merchantId, QList<Endpoint> *endpoints, QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT %1 FROM webhook_endpoints WHERE merchant_id = ? AND deleted_at IS NULL "
                             "ORDER BY created_at, id LIMIT %2")
                  .arg(QLatin1String(kEndpointColumns))
                  .arg(kEndpointsMax),
              {merchantId}, error))
        return false;
    endpoints->clear();
    while (q.next())
        endpoints->append(endpointFrom(q));
    return true;
}

bool loadMerchantSecret(QSqlDatabase &db, const QString &merchantId, std::optional<MerchantSecret> *secret,
                        QString *error)
{
    QSqlQuery q(db);
    if (!exec(q,
              QStringLiteral("SELECT secret_sealed, created_at, rotated_at FROM merchant_signing_secrets "
                             "WHERE merchant_id = ?"),
              {merchantId}, error))
        return false;
    *secret = q.next() ? std::optional<MerchantSecret>(
                             {q.value(0).toByteArray(), q.value(1).toDateTime(), q.value(2).toDateTime()})
                       : std::nullopt;
    return true;
}

bool saveMerchantSecret(QSqlDatabase &db, const QString &merchantId, const QByteArray &sealed, bool replace,
                        bool *inserted, QString *error)
{
    QSqlQuery q(db);
    const QString conflict = replace ? QStringLiteral("DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, "
                                                      "rotated_at = now()")
                                     : QStringLiteral("DO NOTHING");
    if (!exec(
            q,
            QStringLiteral("INSERT INTO merchant_signing_secrets (merchant_id, secret_sealed) VALUES (?, ?) "
                           "ON CONFLICT (merchant_id) %1")
                .arg(conflict),
            {merchantId, sealed}, error))
        return false;
    if (inserted)
        *inserted = q.numRowsAffected() == 1;
    return true;
}

} // namespace paydesk::services::notification::store
