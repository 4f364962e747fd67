#pragma once
// A per-key list of client addresses allowed to use the key: single IPs and CIDR networks, IPv4
// and IPv6. Parsing is strict on purpose. QHostAddress alone accepts inet_aton shorthands
// ("10.1" is 10.0.0.1, "010.1.1.1" is octal 8.1.1.1), which in a security setting would silently
// allow a different network than the operator typed; here each entry must be a dotted quad or
// an IPv6 literal, an optional decimal prefix, and no host bits below the prefix.

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

namespace paydesk::services::merchantauth {

inline constexpr int kIpAllowlistEntriesMax = 100;

struct IpNetwork
{
    QHostAddress network;
    int prefixLength = 0;

    // "1.2.3.4" for a single address, "10.0.0.0/8", "2001:db8::/32".
    QString toString() const;
    bool contains(const QHostAddress &address) const;
};

// Parses one entry; on failure returns nullopt and a reason fit for a 422 message.
std::optional<IpNetwork> parseIpNetwork(const QString &entry, QString *reason);

// The client address as matched against the list: IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes
// IPv4, and a scope id is dropped. Null when `text` is not an address.
QHostAddress normalizeClientAddress(const QString &text);

class IpAllowlist
{
public:
    // Parses every entry, collecting (index, reason) for the bad ones; duplicates are dropped.
    static IpAllowlist parse(const QStringList &entries, QList<QPair<int, QString>> *errors);

    bool isEmpty() const { return m_networks.isEmpty(); }
    // An empty list allows every address; otherwise the address must fall in one entry.
    bool allows(const QHostAddress &client) const;
    QStringList toStringList() const;

private:
    QList<IpNetwork> m_networks;
};

} // namespace paydesk::services::merchantauth
