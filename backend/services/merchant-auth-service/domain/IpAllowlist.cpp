#include "services/merchant-auth-service/domain/IpAllowlist.h"

#include <QRegularExpression>

namespace paydesk::services::merchantauth {

namespace ipallowlist {
// ::ffff:0:0/96. QHostAddress::toIPv4Address also answers "ok" for "::", so it cannot tell.
bool isIpv4Mapped(const QHostAddress &address)
{
    static const QHostAddress kMappedPrefix(QStringLiteral("::ffff:0.0.0.0"));
    return address.protocol() == QAbstractSocket::IPv6Protocol && address.isInSubnet(kMappedPrefix, 96);
}

// Four decimal octets 0-255 without leading zeros (a leading zero means octal to inet_aton).
bool isDottedQuad(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-"
                       "9]|[1-9]?[0-9])\\z"));
    return pattern.match(text).hasMatch();
}

std::optional<QHostAddress> parseLiteral(const QString &text, QString *reason)
{
    if (text.contains(u':')) {
        if (text.contains(u'%')) {
            *reason = QStringLiteral("must not carry an IPv6 scope id");
            return std::nullopt;
        }
        QHostAddress address;
        if (!address.setAddress(text) || address.protocol() != QAbstractSocket::IPv6Protocol) {
            *reason = QStringLiteral("is not an IPv6 address");
            return std::nullopt;
        }
        if (isIpv4Mapped(address)) {
            *reason = QStringLiteral("is an IPv4-mapped IPv6 address; write the IPv4 form");
            return std::nullopt;
        }
        return address;
    }
    if (!isDottedQuad(text)) {
        *reason = QStringLiteral("is not an IPv4 address in dotted-quad form");
        return std::nullopt;
    }
    return QHostAddress(text);
}
} // namespace ipallowlist

QString IpNetwork::toString() const
{
    const int full = network.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
    return prefixLength == full ? network.toString()
                                : QStringLiteral("%1/%2").arg(network.toString()).arg(prefixLength);
}

bool IpNetwork::contains(const QHostAddress &address) const
{
    return address.protocol() == network.protocol() && address.isInSubnet(network, prefixLength);
}

std::optional<IpNetwork> parseIpNetwork(const QString &entry, QString *reason)
{
    const QString text = entry.trimmed();
    const qsizetype slash = text.indexOf(u'/');
    const QString addressText = slash < 0 ? text : text.left(slash);
    const auto address = ipallowlist::parseLiteral(addressText, reason);
    if (!address)
        return std::nullopt;
    const int full = address->protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
    int prefix = full;
    if (slash >= 0) {
        static const QRegularExpression digits(QStringLiteral("^(0|[1-9][0-9]{0,2})\\z"));
        const QString prefixText = text.mid(slash + 1);
        if (!digits.match(prefixText).hasMatch() || prefixText.toInt() > full) {
            *reason = QStringLiteral("has a prefix length that is not a number from 0 to %1").arg(full);
            return std::nullopt;
        }
        prefix = prefixText.toInt();
    }
    const QPair<QHostAddress, int> subnet =
        QHostAddress::parseSubnet(QStringLiteral("%1/%2").arg(address->toString()).arg(prefix));
    if (subnet.second != prefix || subnet.first.isNull()) {
        *reason = QStringLiteral("is not a valid network");
        return std::nullopt;
    }
    if (subnet.first != *address) {
        *reason = QStringLiteral("has host bits set below the prefix; the network is %1/%2")
                      .arg(subnet.first.toString())
                      .arg(prefix);
        return std::nullopt;
    }
    return IpNetwork{subnet.first, prefix};
}

QHostAddress normalizeClientAddress(const QString &text)
{
    QHostAddress address;
    if (!address.setAddress(text.trimmed()))
        return {};
    address.setScopeId(QString());
    if (ipallowlist::isIpv4Mapped(address))
        return QHostAddress(address.toIPv4Address());
    return address;
}

IpAllowlist IpAllowlist::parse(const QStringList &entries, QList<QPair<int, QString>> *errors)
{
    IpAllowlist list;
    QStringList seen;
    for (int i = 0; i < entries.size(); ++i) {
        QString reason;
        const auto network = parseIpNetwork(entries[i], &reason);
        if (!network) {
            errors->append({i, reason});
            continue;
        }
        const QString canonical = network->toString();
        if (seen.contains(canonical))
            continue;
        seen.append(canonical);
        list.m_networks.append(*network);
    }
    return list;
}

bool IpAllowlist::allows(const QHostAddress &client) const
{
    if (m_networks.isEmpty())
        return true;
    if (client.isNull())
        return false;
    for (const IpNetwork &network : m_networks) {
        if (network.contains(client))
            return true;
    }
    return false;
}

QStringList IpAllowlist::toStringList() const
{
    QStringList out;
    for (const IpNetwork &network : m_networks)
        out.append(network.toString());
    return out;
}

} // namespace paydesk::services::merchantauth
