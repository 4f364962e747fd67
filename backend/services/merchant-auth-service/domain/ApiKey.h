#pragma once
// An API key of one merchant in one environment, and the rules that decide whether it may sign a
// request at a given moment. Pure: no database, no clock of its own (callers pass `now`).
//
// Formats (the prefixes let secret scanners and people tell the two apart at a glance):
//   key id  pk_<environment>_<32 lowercase hex>   (128 random bits, public: sent in X-API-Key)
//   secret  sk_<environment>_<43 base64url chars> (256 random bits, shown once, HMAC key as-is)

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace paydesk::services::merchantauth {

inline const QStringList kEnvironments{QStringLiteral("test"), QStringLiteral("live")};

inline constexpr int kKeyIdRandomBytes = 16;
inline constexpr int kSecretRandomBytes = 32;

// `random` must hold kKeyIdRandomBytes / kSecretRandomBytes bytes from a CSPRNG.
QString formatKeyId(const QString &environment, const QByteArray &random);
QString formatSecret(const QString &environment, const QByteArray &random);

// True for exactly the shape formatKeyId produces; anything else is rejected before any lookup
// (bounds what reaches Redis keys and SQL).
bool isWellFormedKeyId(const QString &keyId);

struct ApiKey
{
    QString keyId;
    QString merchantId;                        // uuid, lower case, no braces
    QString environment;                       // test | live
    QString status = QStringLiteral("active"); // active | revoked
    QString label;
    QStringList ipAllowlist; // canonical entries (IpAllowlist.h); empty = any address
    QDateTime createdAt;
    QDateTime expiresAt;  // null = never
    QDateTime lastUsedAt; // null = never used
    QString rotatedFrom;  // the key this one replaced
    QString rotatedTo;    // the key that replaced this one
    QDateTime graceUntil; // set when rotated: the key keeps working until then
    QDateTime revokedAt;
    QString revokedReason;
    QByteArray secretSealed; // crypto::encrypt output; never serialised

    enum class Usability { Usable, Revoked, Expired, GraceOver };
    Usability usabilityAt(const QDateTime &now) const;

    // What a reader sees: active | grace (rotated, still usable) | retired (rotated, grace over)
    // | expired | revoked.
    QString stateAt(const QDateTime &now) const;

    // Public view for responses, events and audit records. Never contains the secret.
    QJsonObject toJson(const QDateTime &now) const;
};

// Sealed form binds the secret to its key id, so a sealed value copied into another row fails
// to open there.
QByteArray sealingPlaintext(const QString &keyId, const QString &secret);
// Returns the secret, or an empty string when `plaintext` was sealed for a different key.
QString secretFromSealingPlaintext(const QString &keyId, const QByteArray &plaintext);

QString toRfc3339(const QDateTime &time); // UTC with milliseconds and "Z"; "" for null

} // namespace paydesk::services::merchantauth
