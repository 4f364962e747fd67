#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps,
// 6 digits, as every authenticator app expects. Secrets travel as RFC 4648 base32.

#include <QByteArray>
#include <QString>

#include <optional>

namespace paydesk::services::admin::totp {

inline constexpr int kStepSeconds = 30;
inline constexpr int kDigits = 6;
inline constexpr int kSecretBytes = 20; // 160 bits, the RFC 4226 recommendation for SHA-1

QByteArray hmacSha1(const QByteArray &key, const QByteArray &data);
// RFC 4226 §5.3 with dynamic truncation; `digits` 6..8.
QString hotp(const QByteArray &secret, quint64 counter, int digits = kDigits);
qint64 stepAt(qint64 unixSeconds);
QString codeAt(const QByteArray &secret, qint64 unixSeconds, int digits = kDigits);

// The time step whose code equals `code`, searching now-1 … now+1 (clock drift), or nullopt.
// The caller accepts a step only if it is newer than the last one used (no replay, §5.2).
std::optional<qint64> matchingStep(const QByteArray &secret, const QString &code, qint64 unixSeconds);

QString base32Encode(const QByteArray &data);                     // upper case, no padding
QByteArray base32Decode(const QString &text, bool *ok = nullptr); // case- and padding-tolerant

// otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
QString provisioningUri(const QString &issuer, const QString &account, const QByteArray &secret);

} // namespace paydesk::services::admin::totp
