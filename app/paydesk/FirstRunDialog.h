#pragma once
// The console's first run, and every start of a single-site profile: either create a single-site
// installation (data directory, private PostgreSQL and Redis, migrations, first admin) with each
// real start-up step shown as it happens, or connect to a remote cluster profile. Ends logged in.

#include "profiles/ConnectionProfile.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class EmbeddedBackend;
class SecretStore;
class Session;

class FirstRunDialog : public QDialog
{
    Q_OBJECT
public:
    FirstRunDialog(SecretStore *secrets, QWidget *parent = nullptr);
    ~FirstRunDialog() override;

    // Starts an existing single-site profile (no choice page): progress, then login.
    void resumeEmbedded(const ConnectionProfile &profile);
    // Non-interactive first run: as if "Install and start" was pressed with these values.
    void createSingleSite(const QString &dataDir, quint16 basePort);
    // An existing remote profile: asks for the password only when no refresh token works.
    void resumeRemote(const ConnectionProfile &profile);

    // After accept(): what the console runs on. Ownership goes to the caller.
    EmbeddedBackend *takeBackend();
    api::PlatformClient *takeClient();
    Session *takeSession();
    ConnectionProfile profile() const { return m_profile; }
    qint64 readyAfterMs() const { return m_readyAfterMs; }

Q_SIGNALS:
    // "infrastructure" (PostgreSQL and Redis up), "ready" (every service ready), "password" (the
    // first admin's password is shown): moments worth a screenshot.
    void stageReached(const QString &stage);

private:
    QWidget *buildChoicePage();
    QWidget *buildSingleSitePage();
    QWidget *buildRemotePage();
    QWidget *buildProgressPage();
    QWidget *buildPasswordPage();
    void startEmbedded();
    void connectRemote();
    void step(const QString &text, bool done = false);
    void makeSession();
    void showPassword(const QString &password);

    SecretStore *m_secrets;
    QStackedWidget *m_pages;
    // single-site
    QLineEdit *m_dataDir;
    QSpinBox *m_basePort;
    // remote
    QLineEdit *m_url, *m_username, *m_password, *m_caFile, *m_certFile, *m_keyFile;
    QLabel *m_remoteError;
    // progress
    QListWidget *m_steps;
    QProgressBar *m_progress;
    QLabel *m_progressError;
    // first admin
    QLineEdit *m_adminPassword;
    QWidget *m_progressPage, *m_passwordPage;

    ConnectionProfile m_profile;
    EmbeddedBackend *m_backend = nullptr;
    api::PlatformClient *m_client = nullptr;
    Session *m_session = nullptr;
    bool m_firstInstall = false;
    bool m_triedInitialPassword = false;
    qint64 m_readyAfterMs = 0;
};

} // namespace paydesk::console
