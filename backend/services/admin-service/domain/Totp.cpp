#include "Totp.h"

#include "platform/security/Crypto.h"

#include <QUrl>

#include <cstring>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace paydesk::services::admin::totp {

namespace {
const char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

QByteArray hmacSha1(const QByteArray &key, const QByteArray &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha1(), key.constData(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char *>(data.constData()), static_cast<size_t>(data.size()), out,
         &length);
    return QByteArray(reinterpret_cast<const char *>(out), static_cast<qsizetype>(length));
}

QString hotp(const QByteArray &secret, quint64 counter, int digits)
{
    Q_ASSERT(digits >= 6 && digits <= 8);
    QByteArray message(8, '\0');
    for (int i = 7; i >= 0; --i, counter >>= 8)
        message[i] = static_cast<char>(counter & 0xff);
    const QByteArray mac = hmacSha1(secret, message);
    const int offset = mac.at(mac.size() - 1) & 0x0f;
    const quint32 binary = (static_cast<quint32>(mac.at(offset) & 0x7f) << 24) |
                           (static_cast<quint32>(static_cast<unsigned char>(mac.at(offset + 1))) << 16) |
                           (static_cast<quint32>(static_cast<unsigned char>(mac.at(offset + 2))) << 8) |
                           static_cast<quint32>(static_cast<unsigned char>(mac.at(offset + 3)));
    quint32 modulus = 1;
    for (int i = 0; i < digits; ++i)
        modulus *= 10;
    return QStringLiteral("%1").arg(binary % modulus, digits, 10, QLatin1Char('0'));
}

qint64 stepAt(qint64 unixSeconds)
{
    return unixSeconds / kStepSeconds;
}

QString codeAt(const QByteArray &secret, qint64 unixSeconds, int digits)
{
    return hotp(secret, static_cast<quint64>(stepAt(unixSeconds)), digits);
}

std::optional<qint64> matchingStep(const QByteArray &secret, const QString &code, qint64 unixSeconds)
{
    if (code.size() != kDigits)
        return std::nullopt;
    const qint64 now = stepAt(unixSeconds);
    for (qint64 step = now - 1; step <= now + 1; ++step) {
        if (platform::crypto::constantTimeEquals(hotp(secret, static_cast<quint64>(step)).toLatin1(),
                                                 code.toLatin1()))
            return step;
    }
    return std::nullopt;
}

QString base32Encode(const QByteArray &data)
{
    QString text;
    quint32 buffer = 0;
    int bits = 0;
    for (const char byte : data) {
        buffer = (buffer << 8) | static_cast<unsigned char>(byte);
        bits += 8;
        while (bits >= 5) {
            text += QLatin1Char(kBase32Alphabet[(buffer >> (bits - 5)) & 0x1f]);
            bits -= 5;
        }
    }
    if (bits > 0)
        text += QLatin1Char(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
    return text;
}

QByteArray base32Decode(const QString &text, bool *ok)
{
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    bool valid = true;
    for (const QChar c : text) {
        if (c == u'=' || c == u' ')
            continue;
        const char *hit = std::strchr(kBase32Alphabet, c.toUpper().toLatin1());
        if (c.unicode() > 127 || !hit || *hit == '\0') {
            valid = false;
            break;
        }
        buffer = (buffer << 5) | static_cast<quint32>(hit - kBase32Alphabet);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    if (ok)
        *ok = valid;
    return valid ? out : QByteArray();
}

QString provisioningUri(const QString &issuer, const QString &account, const QByteArray &secret)
{
    const QString label =
        QString::fromLatin1(QUrl::toPercentEncoding(issuer) + ':' + QUrl::toPercentEncoding(account));
    return QStringLiteral("otpauth://totp/%1?secret=%2&issuer=%3&algorithm=SHA1&digits=%4&period=%5")
        .arg(label, base32Encode(secret), QString::fromLatin1(QUrl::toPercentEncoding(issuer)))
        .arg(kDigits)
        .arg(kStepSeconds);
}

} // namespace paydesk::services::admin::totp
