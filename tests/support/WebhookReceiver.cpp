#include "support/WebhookReceiver.h"

#include <QNetworkInterface>
#include <QTcpSocket>

namespace paydesk::testing {

WebhookReceiver::WebhookReceiver()
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        }
    });
}

bool WebhookReceiver::start(const QHostAddress &address)
{
    return m_server.listen(address, 0);
}

QString WebhookReceiver::url() const
{
    return QStringLiteral("http://127.0.0.1:%1/hooks").arg(m_server.serverPort());
}

QString WebhookReceiver::reachableUrl() const
{
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback() &&
            !address.isLinkLocal())
            return QStringLiteral("http://%1:%2/hooks").arg(address.toString()).arg(m_server.serverPort());
    }
    return {};
}

void WebhookReceiver::read(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    Delivery delivery;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            delivery.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                    lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = delivery.headers.value("content-length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return;
    delivery.body = buffer.mid(end + 4, length);
    deliveries.append(delivery);
    m_buffers.remove(socket);
    socket->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    socket->disconnectFromHost();
}

} // namespace paydesk::testing
