#include "profiles/Session.h"

#include "api/PlatformClient.h"
#include "common/Dialogs.h"
#include "platform/async/WhenFinished.h"
#include "profiles/SecretStore.h"

#include <QTimer>

namespace paydesk::console {

Session::Session(ConnectionProfile profile, SecretStore *secrets, api::PlatformClient *client,
                 QObject *parent)
    : QObject(parent), m_profile(std::move(profile)), m_secrets(secrets), m_client(client),
      m_refresh(new QTimer(this))
{
    m_refresh->setSingleShot(true);
    connect(m_refresh, &QTimer::timeout, this, &Session::refreshNow);
}

void Session::accept(const QJsonObject &tokens)
{
    m_client->setAccessToken(tokens.value(QStringLiteral("access_token")).toString().toLatin1());
    m_refreshToken = tokens.value(QStringLiteral("refresh_token")).toString();
    if (!m_refreshToken.isEmpty())
        m_secrets->write(refreshTokenKey(m_profile.name), m_refreshToken);
    // Refresh at 80 % of the access token's life (15 min by default).
    const int ttl = tokens.value(QStringLiteral("expires_in")).toInt(900);
    m_refresh->start(qMax(30, ttl * 4 / 5) * 1000);
}

void Session::login(const QString &password, bool remember)
{
    platform::whenFinished(this, m_client->send(api::requests::login(m_profile.username, password)),
                           [this, password, remember](const api::ApiResult &r) {
                               if (!r.ok()) {
                                   emit loginFailed(errorText(r));
                                   return;
                               }
                               if (remember)
                                   m_secrets->write(passwordKey(m_profile.name), password);
                               accept(r.object());
                               emit loggedIn(m_profile.username);
                           });
}

void Session::resume()
{
    platform::whenFinished(
        this, m_secrets->read(refreshTokenKey(m_profile.name)), [this](const SecretResult &token) {
            if (token.ok && token.value && !token.value->isEmpty()) {
                platform::whenFinished(this, m_client->send(api::requests::refresh(*token.value)),
                                       [this](const api::ApiResult &r) {
                                           if (r.ok()) {
                                               accept(r.object());
                                               emit loggedIn(m_profile.username);
                                               return;
                                           }
                                           m_secrets->remove(refreshTokenKey(m_profile.name));
                                           resume(); // the stored token is spent: fall back to the password
                                       });
                return;
            }
            platform::whenFinished(
                this, m_secrets->read(passwordKey(m_profile.name)),
                [this, token](const SecretResult &password) {
                    if (password.ok && password.value && !password.value->isEmpty()) {
                        login(*password.value, false);
                        return;
                    }
                    emit needsPassword(token.ok
                                           ? tr("Sign in to %1").arg(m_profile.name)
                                           : tr("The keyring is unavailable (%1): sign in").arg(token.error));
                });
        });
}

void Session::refreshNow()
{
    if (m_refreshToken.isEmpty())
        return;
    platform::whenFinished(this, m_client->send(api::requests::refresh(m_refreshToken)),
                           [this](const api::ApiResult &r) {
                               if (r.ok())
                                   accept(r.object());
                               else
                                   emit needsPassword(tr("Session expired — %1").arg(errorText(r)));
                           });
}

void Session::logout()
{
    m_refresh->stop();
    if (!m_refreshToken.isEmpty())
        m_client->send(api::requests::logout(m_refreshToken));
    m_secrets->remove(refreshTokenKey(m_profile.name));
    m_refreshToken.clear();
    m_client->setAccessToken({});
}

} // namespace paydesk::console
