#pragma once
// A merchant's webhook endpoint for tests: a minimal HTTP/1.1 server on the calling thread that
// answers 200 and keeps what it received (the test's QTRY loops run its events).

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

namespace paydesk::testing {

class WebhookReceiver : public QObject
{
public:
    struct Delivery
    {
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
    };
    QList<Delivery> deliveries;

    WebhookReceiver();
    // Loopback by default. notification-service refuses loopback targets unless its settings allow
    // them: an in-process installation with default settings needs `AnyIPv4` and reachableUrl().
    bool start(const QHostAddress &address = QHostAddress::LocalHost);
    QString url() const; // http://127.0.0.1:<port>/hooks
    // The same port on this machine's first non-loopback IPv4 address; empty when there is none.
    QString reachableUrl() const;

private:
    void read(QTcpSocket *socket);

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace paydesk::testing
