#include "api/PlatformClient.h"

#include "platform/async/WhenFinished.h"

#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QSslKey>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

namespace paydesk::api {

namespace {
ApiResult resultFrom(QNetworkReply *reply)
{
    ApiResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray bytes = reply->readAll();
    result.traceId = QString::fromLatin1(reply->rawHeader("traceparent").split('-').value(1));
    if (result.status == 0) {
        result.errorCode = QStringLiteral("NETWORK_ERROR");
        result.errorMessage =
            QStringLiteral("%1: %2").arg(reply->url().toString(QUrl::RemoveUserInfo), reply->errorString());
        return result;
    }
    const QString contentType = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    if (result.ok() && !bytes.isEmpty() && !contentType.isEmpty() &&
        !contentType.contains(QStringLiteral("json"))) {
        result.raw = bytes;
        result.contentType = contentType;
        return result;
    }
    QJsonParseError parseError;
    if (!bytes.isEmpty())
        result.body = QJsonDocument::fromJson(bytes, &parseError);
    if (!bytes.isEmpty() && parseError.error != QJsonParseError::NoError && result.status != 204) {
        result.errorCode = QStringLiteral("BAD_RESPONSE");
        result.errorMessage =
            QStringLiteral("the server answered %1 with a body that is not JSON").arg(result.status);
        return result;
    }
    if (!result.ok()) {
        const QJsonObject problem = result.body.object();
        result.errorCode =
            problem.value(QStringLiteral("code")).toString(QStringLiteral("HTTP_%1").arg(result.status));
        result.errorMessage = problem.value(QStringLiteral("detail"))
                                  .toString(problem.value(QStringLiteral("title")).toString());
        if (result.traceId.isEmpty())
            result.traceId = problem.value(QStringLiteral("trace_id")).toString();
    }
    return result;
}
} // namespace

PlatformClient::PlatformClient(ServiceMap map, QObject *parent)
    : QObject(parent), m_map(std::move(map)), m_network(new QNetworkAccessManager(this))
{
}

PlatformClient::~PlatformClient() = default;

bool PlatformClient::setTls(const QString &caFile, const QString &certFile, const QString &keyFile,
                            QString *error)
{
    m_tls = QSslConfiguration::defaultConfiguration();
    if (!caFile.isEmpty()) {
        const auto cas = QSslCertificate::fromPath(caFile);
        if (cas.isEmpty()) {
            *error = QStringLiteral("no certificate in %1").arg(caFile);
            return false;
        }
        m_tls.setCaCertificates(cas);
    }
    if (!certFile.isEmpty()) {
        const auto chain = QSslCertificate::fromPath(certFile);
        QFile key(keyFile);
        if (chain.isEmpty() || !key.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot load client certificate %1 / key %2").arg(certFile, keyFile);
            return false;
        }
        const QByteArray pem = key.readAll();
        QSslKey privateKey(pem, QSsl::Rsa);
        if (privateKey.isNull())
            privateKey = QSslKey(pem, QSsl::Ec);
        if (privateKey.isNull()) {
            *error = QStringLiteral("cannot read the private key %1").arg(keyFile);
            return false;
        }
        m_tls.setLocalCertificateChain(chain);
        m_tls.setPrivateKey(privateKey);
    }
    return true;
}

QFuture<ApiResult> PlatformClient::send(const QString &service, const QByteArray &method,
                                        const QString &pathAndQuery, const QJsonObject &body, int timeoutMs)
{
    auto promise = std::make_shared<QPromise<ApiResult>>();
    promise->start();
    const QUrl url = m_map.urlFor(service, pathAndQuery);
    if (!url.isValid()) {
        ApiResult unknown;
        unknown.errorCode = QStringLiteral("UNKNOWN_SERVICE");
        unknown.errorMessage = QStringLiteral("no service named %1").arg(service);
        promise->addResult(unknown);
        promise->finish();
        return promise->future();
    }
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    if (!m_tls.isNull())
        request.setSslConfiguration(m_tls);
    if (!m_accessToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_accessToken);
    QByteArray payload;
    if (!body.isEmpty() || method == "POST" || method == "PUT") {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    }
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, payload);
    connect(reply, &QNetworkReply::finished, this, [reply, promise] {
        promise->addResult(resultFrom(reply));
        promise->finish();
        reply->deleteLater();
    });
    return promise->future();
}

ApiResult PlatformClient::sendSync(const QString &service, const QByteArray &method,
                                   const QString &pathAndQuery, const QJsonObject &body, int timeoutMs)
{
    QFuture<ApiResult> future = send(service, method, pathAndQuery, body, timeoutMs);
    if (!platform::waitInEventLoop(future, timeoutMs + 1000)) { // the transfer timeout fires first
        ApiResult timedOut;
        timedOut.errorCode = QStringLiteral("NETWORK_ERROR");
        timedOut.errorMessage = QStringLiteral("%1 did not answer within %2 ms").arg(service).arg(timeoutMs);
        return timedOut;
    }
    return future.result();
}

ApiResult PlatformClient::health(const QString &service)
{
    return sendSync(service, "GET", QStringLiteral("/health"), {}, 3000);
}

QList<QPair<QString, ApiResult>> PlatformClient::healthOfAll(int timeoutMs)
{
    QList<QPair<QString, QFuture<ApiResult>>> pending;
    for (const ServiceEndpoint &endpoint : knownServices())
        pending.append({endpoint.name, send(endpoint.name, "GET", QStringLiteral("/health"), {}, timeoutMs)});
    QList<QPair<QString, ApiResult>> results;
    for (auto &[name, future] : pending) {
        results.append({name, platform::waitInEventLoop(future, timeoutMs + 1000)
                                  ? future.result()
                                  : ApiResult{0, {}, "NETWORK_ERROR", "no answer", {}}});
    }
    return results;
}

} // namespace paydesk::api
