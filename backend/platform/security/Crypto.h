#pragma once
// Small, audited wrappers over OpenSSL's libcrypto: the only place PayDesk does cryptography.

#include <QByteArray>
#include <QString>

namespace paydesk::platform::crypto {

QByteArray randomBytes(int count); // from the OS CSPRNG (RAND_bytes); asserts on failure
QByteArray hmacSha256(const QByteArray &key, const QByteArray &data);
QByteArray sha256(const QByteArray &data);
// Compares in time independent of where the inputs differ (signatures, tokens).
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

// PBKDF2-HMAC-SHA256 (RFC 8018). Stored form: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".
QString hashPassword(const QString &password, int iterations = 120000);
bool verifyPassword(const QString &password, const QString &stored);

// AES-256-GCM with a random 96-bit nonce. Output: nonce | ciphertext | 16-byte tag. `key` must be
// 32 bytes. decrypt returns false when the tag does not verify (tampered or wrong key).
QByteArray encrypt(const QByteArray &key, const QByteArray &plaintext);
bool decrypt(const QByteArray &key, const QByteArray &sealed, QByteArray *plaintext);

QByteArray base64Url(const QByteArray &data); // no padding
QByteArray fromBase64Url(const QByteArray &text, bool *ok = nullptr);

} // namespace paydesk::platform::crypto
