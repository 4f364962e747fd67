#include "PasswordPolicy.h"

#include "platform/security/Crypto.h"

#include <QRegularExpression>

namespace paydesk::services::admin {

QStringList PasswordPolicy::violations(const QString &password)
{
    QStringList broken;
    if (password.size() < kMinLength || password.size() > kMaxLength)
        broken << QStringLiteral("must have %1 to %2 characters").arg(kMinLength).arg(kMaxLength);
    bool upper = false, lower = false, digit = false, special = false;
    for (const QChar c : password) {
        upper = upper || (c >= u'A' && c <= u'Z');
        lower = lower || (c >= u'a' && c <= u'z');
        digit = digit || (c >= u'0' && c <= u'9');
        special = special || kSpecialCharacters.contains(c);
    }
    if (!upper)
        broken << QStringLiteral("must contain an upper-case letter");
    if (!lower)
        broken << QStringLiteral("must contain a lower-case letter");
    if (!digit)
        broken << QStringLiteral("must contain a digit");
    if (!special)
        broken << QStringLiteral("must contain one of %1").arg(kSpecialCharacters);
    return broken;
}

bool PasswordPolicy::isExpired(const QDateTime &changedAt, const QDateTime &now)
{
    return changedAt.isValid() && changedAt.addDays(kMaxAgeDays) <= now;
}

QString PasswordPolicy::generate(int length)
{
    Q_ASSERT(length >= kMinLength && length <= kMaxLength);
    static const QString kUpper = QStringLiteral("ABCDEFGHJKLMNPQRSTUVWXYZ");
    static const QString kLower = QStringLiteral("abcdefghijkmnopqrstuvwxyz");
    static const QString kDigits = QStringLiteral("23456789");
    static const QString kSpecial = QStringLiteral("!@#%^*-_+="); // shell- and URL-friendly subset
    static const QString kAll = kUpper + kLower + kDigits + kSpecial;
    // Rejection sampling keeps every choice uniform (n ≤ 256).
    auto randomBelow = [](int n, QByteArray &pool) -> int {
        const int limit = 256 - 256 % n;
        for (;;) {
            if (pool.isEmpty())
                pool = platform::crypto::randomBytes(64);
            const int byte = static_cast<unsigned char>(pool.back());
            pool.chop(1);
            if (byte < limit)
                return byte % n;
        }
    };
    auto pick = [&](const QString &alphabet, QByteArray &pool) {
        return alphabet.at(randomBelow(static_cast<int>(alphabet.size()), pool));
    };
    QByteArray pool;
    QString password;
    password += pick(kUpper, pool);
    password += pick(kLower, pool);
    password += pick(kDigits, pool);
    password += pick(kSpecial, pool);
    while (password.size() < length)
        password += pick(kAll, pool);
    // Shuffle so the classes are not always in the first four positions (Fisher–Yates).
    for (qsizetype i = password.size() - 1; i > 0; --i) {
        const qsizetype j = randomBelow(static_cast<int>(i + 1), pool);
        std::swap(password[i], password[j]);
    }
    Q_ASSERT(violations(password).isEmpty());
    return password;
}

bool isValidUsername(const QString &username)
{
    static const QRegularExpression kPattern(QStringLiteral("^[a-z0-9._-]{3,64}$"));
    return kPattern.match(username).hasMatch();
}

} // namespace paydesk::services::admin
