#pragma once
// The password rules for operators (spec §3.5): 8–128 characters with at least one upper-case
// letter, one lower-case letter, one digit and one special character from kSpecialCharacters;
// none of the last kHistoryDepth hashes may be reused; a password expires after kMaxAgeDays
// (login still works, the response says password_expired so the console forces a change).

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace paydesk::services::admin {

class PasswordPolicy
{
public:
    static constexpr int kMinLength = 8;
    static constexpr int kMaxLength = 128;
    static constexpr int kHistoryDepth = 5;
    static constexpr int kMaxAgeDays = 90;
    static inline const QString kSpecialCharacters = QStringLiteral("!@#$%^&*()_+-=[]{}|;:,.<>?");

    // Every rule the password breaks, as short sentences; empty when it is acceptable.
    static QStringList violations(const QString &password);
    static bool isExpired(const QDateTime &changedAt, const QDateTime &now);
    // A random password of `length` characters (≥ 8) that satisfies every rule.
    static QString generate(int length = 20);
};

// Usernames: 3–64 characters of [a-z0-9._-].
bool isValidUsername(const QString &username);

} // namespace paydesk::services::admin
