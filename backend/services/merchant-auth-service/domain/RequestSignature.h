#pragma once
// The merchant request signature of spec §3.1, as pure functions.
//
//   X-Signature = lowercase hex HMAC-SHA256(secret, canonical)
//   v1 (default) canonical = timestamp + nonce + body
//   v2           canonical = METHOD + path + timestamp + nonce + body
//
// The parts are concatenated without separators, exactly as the seed did, so existing merchant
// SDKs keep working. `secret` is the whole "sk_…" string as shown at creation; `timestamp` and
// `nonce` are the header values as sent; `path` is the decoded request path without the query
// string (what the platform pipeline forwards); `body` is the raw body bytes.
//
// X-Timestamp is RFC 3339 only ("2026-11-25T10:00:00Z", fraction and numeric offset allowed, a
// zone designator required). Unix seconds are refused: one accepted form means one thing to
// document and test, and the seed's SDKs already send RFC 3339.

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace paydesk::services::merchantauth {

enum class SignatureVersion { V1, V2 };

inline constexpr qint64 kTimestampWindowSeconds = 120; // |now − X-Timestamp| ≤ 2 min
inline constexpr int kNonceLengthMin = 8;
inline constexpr int kNonceLengthMax = 128;

// "" and "v1" → V1, "v2" → V2, anything else → nullopt.
std::optional<SignatureVersion> parseSignatureVersion(const QString &text);

QByteArray canonicalString(SignatureVersion version, const QByteArray &method, const QString &path,
                           const QString &timestamp, const QString &nonce, const QByteArray &body);

// Lowercase hex HMAC-SHA256.
QByteArray signatureHex(const QByteArray &secret, const QByteArray &canonical);

// Strict RFC 3339 date-time (section 5.6). Returns a UTC QDateTime, or nullopt.
std::optional<QDateTime> parseRfc3339(const QString &text);

bool isWithinWindow(const QDateTime &timestamp, const QDateTime &now,
                    qint64 windowSeconds = kTimestampWindowSeconds);

// 8–128 characters of [A-Za-z0-9._~-]: UUIDs and random tokens fit; the nonce becomes part of a
// Redis key, so nothing else is accepted.
bool isWellFormedNonce(const QString &nonce);

// 64 lowercase hex characters.
bool isWellFormedSignature(const QString &signature);

} // namespace paydesk::services::merchantauth
