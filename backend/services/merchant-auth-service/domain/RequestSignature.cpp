#include "services/merchant-auth-service/domain/RequestSignature.h"

#include "platform/security/Crypto.h"

#include <QRegularExpression>

namespace paydesk::services::merchantauth {

std::optional<SignatureVersion> parseSignatureVersion(const QString &text)
{
    if (text.isEmpty() || text == QStringLiteral("v1"))
        return SignatureVersion::V1;
    if (text == QStringLiteral("v2"))
        return SignatureVersion::V2;
    return std::nullopt;
}

QByteArray canonicalString(SignatureVersion version, const QByteArray &method, const QString &path,
                           const QString &timestamp, const QString &nonce, const QByteArray &body)
{
    QByteArray canonical;
    if (version == SignatureVersion::V2)
        canonical += method.toUpper() + path.toUtf8();
    canonical += timestamp.toUtf8() + nonce.toUtf8() + body;
    return canonical;
}

QByteArray signatureHex(const QByteArray &secret, const QByteArray &canonical)
{
    return platform::crypto::hmacSha256(secret, canonical).toHex();
}

std::optional<QDateTime> parseRfc3339(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\\.[0-9]{1,9})?"
                       "([Zz]|([+-])([0-9]{2}):([0-9]{2}))\\z"));
    const QRegularExpressionMatch m = pattern.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const int milliseconds =
        m.captured(7).isEmpty() ? 0 : m.captured(7).mid(1).left(3).leftJustified(3, u'0').toInt();
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt(), milliseconds);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    int offsetSeconds = 0;
    if (!m.captured(9).isEmpty()) {
        const int hours = m.captured(10).toInt();
        const int minutes = m.captured(11).toInt();
        if (hours > 23 || minutes > 59)
            return std::nullopt;
        offsetSeconds = (hours * 3600 + minutes * 60) * (m.captured(9) == QStringLiteral("-") ? -1 : 1);
    }
    const QDateTime asIfUtc(date, time, Qt::UTC);
    if (!asIfUtc.isValid())
        return std::nullopt;
    return asIfUtc.addSecs(-offsetSeconds);
}

bool isWithinWindow(const QDateTime &timestamp, const QDateTime &now, qint64 windowSeconds)
{
    return qAbs(now.msecsTo(timestamp)) <= windowSeconds * 1000;
}

bool isWellFormedNonce(const QString &nonce)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[A-Za-z0-9._~-]{%1,%2}\\z").arg(kNonceLengthMin).arg(kNonceLengthMax));
    return pattern.match(nonce).hasMatch();
}

bool isWellFormedSignature(const QString &signature)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{64}\\z"));
    return pattern.match(signature).hasMatch();
}

} // namespace paydesk::services::merchantauth
