#include "platform/http/HttpListener.h"

#include "platform/config/Config.h"
#include "platform/host/ServiceRuntime.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QMetaEnum>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>
#include <memory>

namespace paydesk::platform {

namespace {
QByteArray methodName(QHttpServerRequest::Method method)
{
    using M = QHttpServerRequest::Method;
    switch (method) {
    case M::Get:
        return "GET";
    case M::Put:
        return "PUT";
    case M::Delete:
        return "DELETE";
    case M::Post:
        return "POST";
    case M::Head:
        return "HEAD";
    case M::Options:
        return "OPTIONS";
    case M::Patch:
        return "PATCH";
    case M::Connect:
        return "CONNECT";
    case M::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

// QHttpServerResponder::writeStatusLine looks the reason phrase up in a fixed table: only pass
// codes it knows.
QHttpServerResponder::StatusCode statusCode(int status)
{
    const QMetaEnum meta = QMetaEnum::fromType<QHttpServerResponder::StatusCode>();
    return meta.valueToKey(status) ? static_cast<QHttpServerResponder::StatusCode>(status)
                                   : QHttpServerResponder::StatusCode::InternalServerError;
}
} // namespace

HttpListener::HttpListener(ServiceRuntime &runtime) : m_runtime(runtime) {}

bool HttpListener::setUpTls(const Config &config, QSslConfiguration *tls, QString *error)
{
    const QString certFile = config.value(QStringLiteral("tls_cert_file"));
    if (certFile.isEmpty()) {
        if (config.boolValue(QStringLiteral("enable_mtls"))) {
            *error = QStringLiteral("enable_mtls needs tls_cert_file, tls_key_file and tls_ca_file");
            return false;
        }
        return true;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certFile);
    QFile keyFile(config.value(QStringLiteral("tls_key_file")));
    if (chain.isEmpty() || !keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot load TLS certificate %1 or key %2").arg(certFile, keyFile.fileName());
        return false;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key(pem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec, QSsl::Pem);
    *tls = QSslConfiguration::defaultConfiguration();
    tls->setLocalCertificateChain(chain);
    tls->setPrivateKey(key);
    tls->setProtocol(QSsl::TlsV1_2OrLater);
    if (key.isNull()) {
        *error = QStringLiteral("cannot read the private key %1 (PEM RSA or EC)").arg(keyFile.fileName());
        return false;
    }
    if (config.boolValue(QStringLiteral("enable_mtls"))) {
        const QList<QSslCertificate> cas =
            QSslCertificate::fromPath(config.value(QStringLiteral("tls_ca_file")));
        if (cas.isEmpty()) {
            *error = QStringLiteral("enable_mtls is on but tls_ca_file has no certificate");
            return false;
        }
        tls->setCaCertificates(cas);
        tls->setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    return true;
}

bool HttpListener::listenOn(const Config &config, quint16 port, QString *error)
{
    QSslConfiguration tls;
    if (!setUpTls(config, &tls, error))
        return false;
    const QHostAddress address(config.value(QStringLiteral("bind_address")));
    if (address.isNull()) {
        *error = QStringLiteral("bind_address '%1' is not an IP address")
                     .arg(config.value(QStringLiteral("bind_address")));
        return false;
    }
    if (!tls.isNull()) {
        // QtHttpServer 6.4 wraps accepted sockets in TLS only for servers created by its own
        // listen() after sslSetup(); a QTcpServer handed to bind() would serve plain HTTP.
        sslSetup(tls);
        if (listen(address, port) == 0) {
            *error = QStringLiteral("cannot listen with TLS on %1:%2 (port in use?)")
                         .arg(address.toString())
                         .arg(port);
            return false;
        }
        return true;
    }
    auto *server = new QTcpServer(this);
    if (!server->listen(address, port)) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(server->errorString());
        delete server;
        return false;
    }
    bind(server);
    return true;
}

bool HttpListener::isListening() const
{
    const QList<QTcpServer *> all = servers();
    return std::any_of(all.begin(), all.end(),
                       [](const QTcpServer *server) { return server->isListening(); });
}

void HttpListener::stopAccepting()
{
    for (QTcpServer *server : servers())
        server->close();
}

bool HttpListener::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpRequest req;
    req.method = methodName(request.method());
    req.path = request.url().path();
    req.query = request.query();
    for (const auto &[name, value] : request.headers())
        req.headers.insert(name.toLower(), value);
    req.body = request.body();
    req.remoteAddress = request.remoteAddress();

    // The responder keeps a raw socket pointer: answer only while the socket still exists.
    auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
    QPointer<QTcpSocket> alive(socket);
    m_runtime.dispatch(std::move(req), [responder, alive](HttpResponse response) {
        if (alive.isNull() || !alive->isOpen())
            return;
        responder->writeStatusLine(statusCode(response.status));
        if (!response.contentType.isEmpty())
            responder->writeHeader("Content-Type", response.contentType);
        for (const auto &[name, value] : response.headers)
            responder->writeHeader(name, value);
        responder->writeHeader("Content-Length", QByteArray::number(response.body.size()));
        responder->writeBody(response.body);
    });
    return true;
}

void HttpListener::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    Q_UNUSED(request);
    Q_UNUSED(socket);
    // Unreachable: handleRequest accepts every request and routes it itself.
}

} // namespace paydesk::platform
