#include "Session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace paydesk::payctl {

QString Session::path()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/paydesk/payctl.json");
}

Session Session::load()
{
    Session session;
    QFile file(path());
    if (!file.open(QIODevice::ReadOnly))
        return session;
    const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
    session.url = object.value(QStringLiteral("url")).toString(session.url);
    session.accessToken = object.value(QStringLiteral("access_token")).toString();
    session.refreshToken = object.value(QStringLiteral("refresh_token")).toString();
    session.username = object.value(QStringLiteral("username")).toString();
    return session;
}

bool Session::save(QString *error) const
{
    QDir().mkpath(QFileInfo(path()).absolutePath());
    QSaveFile file(path());
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path(), file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QJsonObject object{{QStringLiteral("url"), url},
                             {QStringLiteral("access_token"), accessToken},
                             {QStringLiteral("refresh_token"), refreshToken},
                             {QStringLiteral("username"), username}};
    file.write(QJsonDocument(object).toJson());
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path(), file.errorString());
        return false;
    }
    return true;
}

bool Session::clear(QString *error)
{
    accessToken.clear();
    refreshToken.clear();
    username.clear();
    return save(error);
}

} // namespace paydesk::payctl
