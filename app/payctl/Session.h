#pragma once
// payctl's saved session: the cluster URL and the admin tokens, in
// $XDG_CONFIG_HOME/paydesk/payctl.json with mode 0600 (like kubectl's config). Tokens are
// short-lived; the refresh token renews them.

#include <QString>

namespace paydesk::payctl {

struct Session
{
    QString url = QStringLiteral("http://127.0.0.1:40000");
    QString accessToken;
    QString refreshToken;
    QString username;

    static QString path();
    static Session load();
    bool save(QString *error) const;
    bool clear(QString *error);
};

} // namespace paydesk::payctl
