#pragma once
// The socket side of a service: a QAbstractHttpServer whose every request goes through the
// service's pipeline (ServiceRuntime::dispatch). Created and used on the service thread.

#include <QAbstractHttpServer>
#include <QSslConfiguration>

namespace paydesk::platform {

class Config;
class ServiceRuntime;

class HttpListener : public QAbstractHttpServer
{
    Q_OBJECT
public:
    explicit HttpListener(ServiceRuntime &runtime);

    // Binds bind_address:port; sets up TLS when tls_cert_file is configured, and requires
    // client certificates signed by tls_ca_file when enable_mtls is on.
    bool listenOn(const Config &config, quint16 port, QString *error);
    void stopAccepting();
    bool isListening() const; // some server of it accepts connections

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    bool setUpTls(const Config &config, QSslConfiguration *tls, QString *error);
    ServiceRuntime &m_runtime;
};

} // namespace paydesk::platform
