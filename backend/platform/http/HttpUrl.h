#pragma once
// Validation of URLs that PayDesk will call or send a browser to (webhook endpoints, notify_url,
// checkout return_url).

#include <QString>

namespace paydesk::platform {

// An absolute http(s) URL with a host, no user info, at most 2048 characters: empty when valid,
// else why (a phrase that follows the field name: "must be an http or https URL").
QString httpUrlProblem(const QString &url);

} // namespace paydesk::platform
