#include "services/merchant-auth-service/routes/ApiKeyInput.h"

#include "services/merchant-auth-service/domain/IpAllowlist.h"
#include "services/merchant-auth-service/domain/RequestSignature.h"

#include <QJsonArray>
#include <QUuid>

namespace paydesk::services::merchantauth {

namespace apikeyinput {
constexpr int kEntryLengthMax = 64; // longer than any IPv6 CIDR
} // namespace apikeyinput

QString canonicalUuid(const QString &text)
{
    const QUuid uuid = QUuid::fromString(text);
    return uuid.isNull() ? QString() : uuid.toString(QUuid::WithoutBraces);
}

QStringList readAllowlist(platform::BodyReader &body, const QString &field, bool required)
{
    const QJsonArray entries = body.array(field, required);
    if (entries.size() > kIpAllowlistEntriesMax) {
        body.fail(field, QStringLiteral("must have at most %1 entries").arg(kIpAllowlistEntriesMax));
        return {};
    }
    QStringList texts;
    for (int i = 0; i < entries.size(); ++i) {
        if (!entries[i].isString() || entries[i].toString().size() > apikeyinput::kEntryLengthMax)
            body.fail(QStringLiteral("%1[%2]").arg(field).arg(i),
                      QStringLiteral("must be an IP address or CIDR string"));
        texts.append(entries[i].toString());
    }
    QList<QPair<int, QString>> errors;
    const IpAllowlist list = IpAllowlist::parse(texts, &errors);
    for (const auto &[index, reason] : errors) {
        if (entries[index].isString() && entries[index].toString().size() <= apikeyinput::kEntryLengthMax)
            body.fail(QStringLiteral("%1[%2]").arg(field).arg(index), reason);
    }
    return list.toStringList();
}

QDateTime readFutureTime(platform::BodyReader &body, const QString &field, const QDateTime &now)
{
    const QString text = body.string(field, {.maxLength = 64});
    if (text.isEmpty())
        return {};
    const auto time = parseRfc3339(text);
    if (!time)
        body.fail(field,
                  QStringLiteral("must be an RFC 3339 date-time with a zone, e.g. 2030-01-31T00:00:00Z"));
    else if (*time <= now)
        body.fail(field, QStringLiteral("must be in the future"));
    return time.value_or(QDateTime());
}

} // namespace paydesk::services::merchantauth
