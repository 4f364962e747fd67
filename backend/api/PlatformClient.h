#pragma once
// The typed client of a PayDesk cluster (single-site or remote) over HTTP(S): what the desktop
// console and payctl use, and nothing else does. Every call answers an ApiResult: a 2xx body, or
// a problem's stable code and readable message, or NETWORK_ERROR when nothing answered.
// Thread: create and use on one thread with an event loop (GUI) or call the *Sync forms (CLI).

#include "api/ApiRequests.h"
#include "api/ServiceMap.h"

#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QSslConfiguration>
#include <QUrlQuery>

#include <optional>

class QNetworkAccessManager;

namespace paydesk::api {

struct ApiResult
{
    int status = 0; // 0: no HTTP answer
    QJsonDocument body;
    QString errorCode;    // problem code, NETWORK_ERROR or BAD_RESPONSE
    QString errorMessage; // for people: the problem's detail or the network error
    QString traceId;
    QByteArray raw;      // a 2xx body that is not JSON (document content): the bytes as sent
    QString contentType; // of that body

    bool ok() const { return status >= 200 && status < 300; }
    QJsonObject object() const { return body.object(); }
    QJsonArray items() const { return body.object().value(QStringLiteral("items")).toArray(); }
};

class PlatformClient : public QObject
{
    Q_OBJECT
public:
    explicit PlatformClient(ServiceMap map, QObject *parent = nullptr);
    ~PlatformClient() override;

    const ServiceMap &serviceMap() const { return m_map; }
    void setAccessToken(const QByteArray &token) { m_accessToken = token; }
    QByteArray accessToken() const { return m_accessToken; }
    // TLS profile: CA to trust and an optional client certificate (mTLS clusters).
    bool setTls(const QString &caFile, const QString &certFile, const QString &keyFile, QString *error);

    QFuture<ApiResult> send(const QString &service, const QByteArray &method, const QString &pathAndQuery,
                            const QJsonObject &body = {}, int timeoutMs = 10000);
    ApiResult sendSync(const QString &service, const QByteArray &method, const QString &pathAndQuery,
                       const QJsonObject &body = {}, int timeoutMs = 10000);
    // An operation of api/ApiRequests.h: `client.send(requests::merchant(id))`.
    QFuture<ApiResult> send(const ApiRequest &request)
    {
        return send(request.service, request.method, request.pathAndQuery, request.body, request.timeoutMs);
    }
    ApiResult sendSync(const ApiRequest &request)
    {
        return sendSync(request.service, request.method, request.pathAndQuery, request.body,
                        request.timeoutMs);
    }

    // Health of one service; of all 18 at once (in parallel).
    ApiResult health(const QString &service);
    QList<QPair<QString, ApiResult>> healthOfAll(int timeoutMs = 2000);

    // admin-service
    // Stop, start or restart one service ("stop" | "start" | "restart"); its health afterwards.
    ApiResult controlService(const QString &service, const QString &action);
    ApiResult login(const QString &username, const QString &password, const QString &totpCode = {});
    ApiResult refresh(const QString &refreshToken);

    // merchant-service
    ApiResult merchants(const QUrlQuery &filter);
    ApiResult merchant(const QString &id);
    ApiResult createMerchant(const QJsonObject &merchant);
    ApiResult changeMerchantStatus(const QString &id, const QString &action, const QString &reason);

    // kyc-service
    ApiResult kycQueue(const QUrlQuery &filter);
    ApiResult kycCase(const QString &caseId);
    ApiResult decideKyc(const QString &caseId, bool approve, const QString &reason);

    // merchant-auth-service
    ApiResult apiKeys(const QString &merchantId);
    ApiResult createApiKey(const QString &merchantId, const QString &environment, const QString &label);
    ApiResult rotateApiKey(const QString &keyId, int graceSeconds);
    ApiResult revokeApiKey(const QString &keyId, const QString &reason);

    // merchant-limit-service
    ApiResult limits(const QString &merchantId);
    ApiResult setLimits(const QString &merchantId, const QJsonObject &limits);

    // payment-gateway (admin routes)
    ApiResult payments(const QUrlQuery &filter);
    ApiResult payment(const QString &paymentNo); // with its timeline and refunds
    ApiResult refundPayment(const QString &paymentNo, qint64 amountMinor, const QString &reason);

    // accounting-service
    ApiResult ledgerBalances(const QUrlQuery &filter);
    ApiResult verifyLedger();

    // config-service
    ApiResult configValue(const QString &key);
    // `secret` unset keeps the key's current secrecy (a secret stays sealed).
    ApiResult setConfigValue(const QString &key, const QJsonValue &value, std::optional<bool> secret = {});
    ApiResult flags();
    ApiResult flag(const QString &name);
    ApiResult setFlag(const QString &name, const QJsonObject &flag);

    // notification-service
    ApiResult webhookDeliveries(const QUrlQuery &filter); // merchant_id, payment_no, status, event, page
    ApiResult redeliverWebhook(const QString &deliveryId);

    // Observability and payments for the console's explorers (ObserveOperations.cpp). Asynchronous:
    // the GUI fans these out to many services and must not block.
    // One service's log lines, newest first (/admin/v1/logs: level, q, trace_id, span_id, since,
    // until, limit, offset); the answer's `cursor` starts a tail.
    QFuture<ApiResult> searchLogs(const QString &service, const QUrlQuery &filter);
    // Long poll: lines after `cursor`, oldest first, waiting up to waitMs for the first one.
    QFuture<ApiResult> tailLogs(const QString &service, qint64 cursor, int waitMs,
                                const QUrlQuery &filter = {});
    // One service's recent spans (/admin/v1/spans: trace_id, operation, min_duration_ms, from_us,
    // to_us, errors, kind, limit).
    QFuture<ApiResult> spans(const QString &service, const QUrlQuery &filter);
    // A payment's ledger journal and webhook deliveries (docs/contracts/payment-flow.md); the
    // payment itself: send(requests::payment(no)).
    QFuture<ApiResult> ledgerJournal(const QString &paymentNo);
    QFuture<ApiResult> paymentWebhookDeliveries(const QString &paymentNo);

private:
    ServiceMap m_map;
    QByteArray m_accessToken;
    QSslConfiguration m_tls;
    QNetworkAccessManager *m_network;
};

} // namespace paydesk::api
