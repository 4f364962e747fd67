#pragma once
// Login sessions: a short access token (HS256 JWT, typ=access) and a rotating refresh token.

#include "../store/AdminStore.h"
#include "RouteContext.h"

namespace paydesk::services::admin {

// The permissions the admin's token carries (roles flattened; is_super → "*").
bool permissionsOf(QSqlDatabase &db, const store::AdminRecord &admin, QStringList *permissions, QString *why);

// Signs an access token and stores a new refresh token in `familyId` (a new family when empty).
// *body gets {access_token, token_type, expires_in, refresh_token, refresh_expires_in, admin,
// permissions, password_expired, must_change_password}.
bool issueSession(QSqlDatabase &db, const RouteContext &context, const store::AdminRecord &admin,
                  QString familyId, QJsonObject *body, QString *why);

// SHA-256 hex of a refresh token: the form it is stored and looked up in.
QString refreshTokenHash(const QString &token);

// The admin an anonymous request acts for (login, refresh), so its audit event names an actor.
platform::HttpRequest actingAs(const platform::HttpRequest &request, const store::AdminRecord &admin);

QJsonObject sessionSchema();

} // namespace paydesk::services::admin
