#include "Sessions.h"

#include "../domain/Grants.h"
#include "../domain/PasswordPolicy.h"
#include "../store/SessionStore.h"

#include "platform/security/Crypto.h"
#include "platform/security/Jwt.h"

#include <QJsonArray>
#include <QUuid>

namespace paydesk::services::admin {

bool permissionsOf(QSqlDatabase &db, const store::AdminRecord &admin, QStringList *permissions, QString *why)
{
    QStringList grants;
    QStringList codes;
    if (!store::grantsOf(db, admin.id, &grants, why) || !store::knownPermissionCodes(db, &codes, why))
        return false;
    *permissions = flattenGrants(grants, codes, admin.isSuper);
    return true;
}

bool issueSession(QSqlDatabase &db, const RouteContext &context, const store::AdminRecord &admin,
                  QString familyId, QJsonObject *body, QString *why)
{
    QStringList permissions;
    if (!permissionsOf(db, admin, &permissions, why))
        return false;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject claims{{QStringLiteral("sub"), admin.id},
                             {QStringLiteral("username"), admin.username},
                             {QStringLiteral("typ"), QStringLiteral("access")},
                             {QStringLiteral("permissions"), QJsonArray::fromStringList(permissions)},
                             {QStringLiteral("iss"), QStringLiteral("paydesk")},
                             {QStringLiteral("iat"), now},
                             {QStringLiteral("exp"), now + context.settings.accessTokenTtlSeconds},
                             {QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces)}};
    const QByteArray accessToken = platform::jwt::sign(claims, context.runtime.environment().secrets.jwtKey);
    const QString refreshToken =
        QString::fromLatin1(platform::crypto::base64Url(platform::crypto::randomBytes(32)));
    if (familyId.isEmpty())
        familyId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!store::insertRefreshToken(db, admin.id, familyId, refreshTokenHash(refreshToken),
                                   context.settings.refreshTokenTtlSeconds, why))
        return false;
    *body = {{QStringLiteral("access_token"), QString::fromLatin1(accessToken)},
             {QStringLiteral("token_type"), QStringLiteral("Bearer")},
             {QStringLiteral("expires_in"), context.settings.accessTokenTtlSeconds},
             {QStringLiteral("refresh_token"), refreshToken},
             {QStringLiteral("refresh_expires_in"), context.settings.refreshTokenTtlSeconds},
             {QStringLiteral("admin"), admin.toJson()},
             {QStringLiteral("permissions"), QJsonArray::fromStringList(permissions)},
             {QStringLiteral("password_expired"),
              PasswordPolicy::isExpired(admin.passwordChangedAt, QDateTime::currentDateTimeUtc())},
             {QStringLiteral("must_change_password"), admin.mustChangePassword}};
    return true;
}

QString refreshTokenHash(const QString &token)
{
    return QString::fromLatin1(platform::crypto::sha256(token.toUtf8()).toHex());
}

platform::HttpRequest actingAs(const platform::HttpRequest &request, const store::AdminRecord &admin)
{
    platform::HttpRequest copy = request;
    copy.principal.kind = platform::Principal::Kind::Admin;
    copy.principal.id = admin.id;
    copy.principal.name = admin.username;
    return copy;
}

QJsonObject sessionSchema()
{
    const QJsonObject integer{{QStringLiteral("type"), QStringLiteral("integer")}};
    const QJsonObject boolean{{QStringLiteral("type"), QStringLiteral("boolean")}};
    return objectSchema(
        {{QStringLiteral("access_token"), stringSchema()},
         {QStringLiteral("token_type"), stringSchema()},
         {QStringLiteral("expires_in"), integer},
         {QStringLiteral("refresh_token"), stringSchema()},
         {QStringLiteral("refresh_expires_in"), integer},
         {QStringLiteral("admin"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}},
         {QStringLiteral("permissions"), arraySchema(stringSchema())},
         {QStringLiteral("password_expired"), boolean},
         {QStringLiteral("must_change_password"), boolean}});
}

} // namespace paydesk::services::admin
