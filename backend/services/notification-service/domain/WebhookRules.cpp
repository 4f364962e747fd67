#include "services/notification-service/domain/WebhookRules.h"

#include "platform/http/HttpUrl.h"
#include "platform/security/Crypto.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUrl>

namespace paydesk::services::notification {

const QStringList &deliverableEvents()
{
    static const QStringList kEvents{QStringLiteral("payment.success"),    QStringLiteral("payment.failed"),
                                     QStringLiteral("payment.cancelled"),  QStringLiteral("payment.expired"),
                                     QStringLiteral("payment.authorized"), QStringLiteral("refund.success"),
                                     QStringLiteral("refund.failed")};
    return kEvents;
}

bool isDeliverable(const QString &eventType)
{
    return deliverableEvents().contains(eventType);
}

bool subscribes(const QStringList &events, const QString &eventType)
{
    return events.contains(QStringLiteral("*")) || events.contains(eventType);
}

QString targetProblem(const QString &url, bool allowLoopback)
{
    if (const QString why = platform::httpUrlProblem(url); !why.isEmpty())
        return why;
    if (allowLoopback)
        return {};
    const QString host = QUrl(url).host().toLower();
    const QHostAddress address(host);
    if (host == QStringLiteral("localhost") || host.endsWith(QStringLiteral(".localhost")) ||
        (!address.isNull() && (address.isLoopback() || address.isLinkLocal() ||
                               address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6)))
        return QStringLiteral("must not point at a loopback, link-local or unspecified address");
    return {};
}

QString eventsProblem(const QStringList &events)
{
    if (events.isEmpty() || events.size() > 32)
        return QStringLiteral("must list 1 to 32 event types");
    for (const QString &event : events) {
        if (event != QStringLiteral("*") && !isDeliverable(event))
            return QStringLiteral("unknown event type '%1' (use one of %2 or *)")
                .arg(event.left(64), deliverableEvents().join(QStringLiteral(", ")));
    }
    return {};
}

QByteArray newSigningSecret()
{
    return "whsec_" + platform::crypto::base64Url(platform::crypto::randomBytes(32));
}

QByteArray webhookSignature(const QByteArray &secret, qint64 timestampSeconds, const QByteArray &body)
{
    return platform::crypto::hmacSha256(secret, QByteArray::number(timestampSeconds) + '.' + body).toHex();
}

QByteArray deliveryBody(const QString &eventId, const QString &eventType, const QString &createdAt,
                        const QJsonObject &payload)
{
    QJsonObject data = payload;
    data.remove(QStringLiteral("notify_url"));
    const QJsonObject body{{QStringLiteral("id"), eventId},
                           {QStringLiteral("event"), eventType},
                           {QStringLiteral("created_at"), createdAt},
                           {QStringLiteral("data"), data}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

qint64 backoffCeilingMs(int attempt, const DeliverySettings &settings)
{
    Q_ASSERT(attempt >= 1);
    const qint64 cap = qMax<qint64>(settings.maxDelayMs, 1);
    qint64 ceiling = qMax<qint64>(settings.baseDelayMs, 1);
    // Doubling stops at the cap, so no shift can overflow however many attempts are configured.
    for (int i = 1; i < attempt && ceiling < cap; ++i)
        ceiling *= 2;
    return qMin(ceiling, cap);
}

qint64 retryDelayMs(int attempt, const DeliverySettings &settings,
                    const std::function<qint64(qint64)> &uniform)
{
    const qint64 ceiling = backoffCeilingMs(attempt, settings);
    const qint64 delay = uniform
                             ? uniform(ceiling)
                             : static_cast<qint64>(QRandomGenerator::global()->bounded(quint64(ceiling) + 1));
    return qBound<qint64>(0, delay, ceiling);
}

} // namespace paydesk::services::notification
