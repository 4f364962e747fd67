#pragma once
// Reading the admin routes' inputs: path ids, IP allow-lists and future instants. Each problem
// is added to the BodyReader, so a client gets one 422 listing every bad field.

#include "platform/http/RequestBody.h"

#include <QDateTime>

namespace paydesk::services::merchantauth {

// Lower-case uuid without braces, or "" when `text` is not one.
QString canonicalUuid(const QString &text);

// A list of IPs/CIDRs (IpAllowlist.h), in canonical form; every bad entry is its own error,
// named "<field>[<index>]".
QStringList readAllowlist(platform::BodyReader &body, const QString &field, bool required);

// An optional RFC 3339 instant that must lie after `now`; null when absent or invalid.
QDateTime readFutureTime(platform::BodyReader &body, const QString &field, const QDateTime &now);

} // namespace paydesk::services::merchantauth
