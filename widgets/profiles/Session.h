#pragma once
// A logged-in console session on one profile: logs in with a password or resumes with the refresh
// token kept in the SecretStore, refreshes the access token before it expires, and stores the new
// refresh token each time (refresh tokens rotate).
// Thread: GUI thread.

#include "profiles/ConnectionProfile.h"

#include <QObject>

class QTimer;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class SecretStore;

class Session : public QObject
{
    Q_OBJECT
public:
    Session(ConnectionProfile profile, SecretStore *secrets, api::PlatformClient *client,
            QObject *parent = nullptr);

    const ConnectionProfile &profile() const { return m_profile; }
    // Logs in; `remember` keeps the password in the SecretStore (single-site installations).
    void login(const QString &password, bool remember);
    // Refresh token, else the remembered password; needsPassword() when neither works.
    void resume();
    void logout();

Q_SIGNALS:
    void loggedIn(const QString &username);
    void loginFailed(const QString &error);
    void needsPassword(const QString &why);

private:
    void accept(const QJsonObject &tokens);
    void refreshNow();

    ConnectionProfile m_profile;
    SecretStore *m_secrets;
    api::PlatformClient *m_client;
    QTimer *m_refresh;
    QString m_refreshToken;
};

} // namespace paydesk::console
