#pragma once
// Super admins created outside the admin API: the first admin of a fresh installation and
// `paydesk-server admin create` (POST /internal/v1/admins). Worker threads only.

#include "AdminService.h"
#include "store/AdminStore.h"

#include "platform/http/HttpTypes.h"

namespace paydesk::platform {
class ServiceRuntime;
}

namespace paydesk::services::admin {

struct RouteContext;

// Creates `username` with the super_admin role and audits it as `request` (caller's transaction).
// *id stays empty when the username is taken.
bool createSuperAdmin(QSqlDatabase &db, const RouteContext &context, const platform::HttpRequest &request,
                      const QString &username, const QString &passwordHash, bool mustChangePassword,
                      store::AdminRecord *admin, platform::HttpResponse *response, QString *why);

// When no admin exists: creates `admin` with a generated password, writes the password once to
// <data_dir>/secrets/initial-admin-password (0600) and prints one line to stdout. Serialised
// by an advisory lock, so two processes on one database create one admin.
bool ensureFirstAdmin(const RouteContext &context, QString *error);

QString initialPasswordFile(const QString &dataDir);

} // namespace paydesk::services::admin
