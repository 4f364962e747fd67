// PlatformClient's asynchronous operations behind the console's log, trace and payment explorers.

#include "api/PlatformClient.h"

#include <QUrlQuery>

namespace paydesk::api {

namespace {
QString withQuery(const QString &path, const QUrlQuery &query)
{
    return query.isEmpty() ? path : path + u'?' + query.toString(QUrl::FullyEncoded);
}

QUrlQuery single(const QString &key, const QString &value)
{
    QUrlQuery query;
    query.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    return query;
}
} // namespace

QFuture<ApiResult> PlatformClient::searchLogs(const QString &service, const QUrlQuery &filter)
{
    return send(service, "GET", withQuery(QStringLiteral("/admin/v1/logs"), filter), {}, 20000);
}

QFuture<ApiResult> PlatformClient::tailLogs(const QString &service, qint64 cursor, int waitMs,
                                            const QUrlQuery &filter)
{
    QUrlQuery query = filter;
    query.addQueryItem(QStringLiteral("after"), QString::number(cursor));
    query.addQueryItem(QStringLiteral("wait_ms"), QString::number(waitMs));
    return send(service, "GET", withQuery(QStringLiteral("/admin/v1/logs"), query), {}, waitMs + 10000);
}

QFuture<ApiResult> PlatformClient::spans(const QString &service, const QUrlQuery &filter)
{
    return send(service, "GET", withQuery(QStringLiteral("/admin/v1/spans"), filter), {}, 5000);
}

QFuture<ApiResult> PlatformClient::ledgerJournal(const QString &paymentNo)
{
    return send(
        QStringLiteral("accounting-service"), "GET",
        withQuery(QStringLiteral("/api/v1/ledger/journal"), single(QStringLiteral("payment_no"), paymentNo)));
}

QFuture<ApiResult> PlatformClient::paymentWebhookDeliveries(const QString &paymentNo)
{
    return send(QStringLiteral("notification-service"), "GET",
                withQuery(QStringLiteral("/api/v1/admin/webhooks/deliveries"),
                          single(QStringLiteral("payment_no"), paymentNo)));
}

} // namespace paydesk::api
