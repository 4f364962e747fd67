#include "platform/security/Crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <QList>

#include <memory>

namespace paydesk::platform::crypto {

namespace {
constexpr int kGcmNonceBytes = 12;
constexpr int kGcmTagBytes = 16;
} // namespace

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    const int ok = RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), count);
    Q_ASSERT(ok == 1);
    if (ok != 1)
        qFatal("RAND_bytes failed: no secure randomness available");
    return bytes;
}

QByteArray hmacSha256(const QByteArray &key, const QByteArray &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.constData(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char *>(data.constData()), static_cast<size_t>(data.size()), out,
         &length);
    return QByteArray(reinterpret_cast<const char *>(out), static_cast<qsizetype>(length));
}

QByteArray sha256(const QByteArray &data)
{
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(data.constData()), static_cast<size_t>(data.size()), out);
    return QByteArray(reinterpret_cast<const char *>(out), SHA256_DIGEST_LENGTH);
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.constData(), b.constData(), static_cast<size_t>(a.size())) == 0;
}

namespace {
QByteArray pbkdf2(const QString &password, const QByteArray &salt, int iterations)
{
    const QByteArray utf8 = password.toUtf8();
    QByteArray out(32, Qt::Uninitialized);
    PKCS5_PBKDF2_HMAC(utf8.constData(), static_cast<int>(utf8.size()),
                      reinterpret_cast<const unsigned char *>(salt.constData()),
                      static_cast<int>(salt.size()), iterations, EVP_sha256(), static_cast<int>(out.size()),
                      reinterpret_cast<unsigned char *>(out.data()));
    return out;
}
} // namespace

QString hashPassword(const QString &password, int iterations)
{
    const QByteArray salt = randomBytes(16);
    return QStringLiteral("pbkdf2-sha256$%1$%2$%3")
        .arg(iterations)
        .arg(QString::fromLatin1(salt.toBase64()),
             QString::fromLatin1(pbkdf2(password, salt, iterations).toBase64()));
}

bool verifyPassword(const QString &password, const QString &stored)
{
    const QStringList parts = stored.split(u'$');
    if (parts.size() != 4 || parts[0] != QStringLiteral("pbkdf2-sha256"))
        return false;
    bool ok = false;
    const int iterations = parts[1].toInt(&ok);
    if (!ok || iterations < 1000 || iterations > 10'000'000)
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts[2].toLatin1());
    const QByteArray expected = QByteArray::fromBase64(parts[3].toLatin1());
    return constantTimeEquals(pbkdf2(password, salt, iterations), expected);
}

QByteArray encrypt(const QByteArray &key, const QByteArray &plaintext)
{
    Q_ASSERT(key.size() == 32);
    const QByteArray nonce = randomBytes(kGcmNonceBytes);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    QByteArray out(kGcmNonceBytes + plaintext.size() + kGcmTagBytes, Qt::Uninitialized);
    auto *dst = reinterpret_cast<unsigned char *>(out.data());
    memcpy(dst, nonce.constData(), kGcmNonceBytes);
    int length = 0;
    int total = 0;
    EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                       reinterpret_cast<const unsigned char *>(key.constData()),
                       reinterpret_cast<const unsigned char *>(nonce.constData()));
    EVP_EncryptUpdate(ctx.get(), dst + kGcmNonceBytes, &length,
                      reinterpret_cast<const unsigned char *>(plaintext.constData()),
                      static_cast<int>(plaintext.size()));
    total = length;
    EVP_EncryptFinal_ex(ctx.get(), dst + kGcmNonceBytes + total, &length);
    total += length;
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagBytes, dst + kGcmNonceBytes + total);
    Q_ASSERT(total == plaintext.size());
    return out;
}

bool decrypt(const QByteArray &key, const QByteArray &sealed, QByteArray *plaintext)
{
    if (key.size() != 32 || sealed.size() < kGcmNonceBytes + kGcmTagBytes)
        return false;
    const auto *src = reinterpret_cast<const unsigned char *>(sealed.constData());
    const int cipherLength = static_cast<int>(sealed.size()) - kGcmNonceBytes - kGcmTagBytes;
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    QByteArray out(cipherLength, Qt::Uninitialized);
    int length = 0;
    EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                       reinterpret_cast<const unsigned char *>(key.constData()), src);
    EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &length, src + kGcmNonceBytes,
                      cipherLength);
    QByteArray tag(reinterpret_cast<const char *>(src + kGcmNonceBytes + cipherLength), kGcmTagBytes);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag.data());
    int finalLength = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + length,
                            &finalLength) != 1)
        return false;
    *plaintext = out;
    return true;
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray fromBase64Url(const QByteArray &text, bool *ok)
{
    auto result = QByteArray::fromBase64Encoding(text, QByteArray::Base64UrlEncoding |
                                                           QByteArray::AbortOnBase64DecodingErrors);
    if (ok)
        *ok = result.decodingStatus == QByteArray::Base64DecodingStatus::Ok;
    return result.decoded;
}

} // namespace paydesk::platform::crypto
