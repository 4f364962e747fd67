#include "FirstRunDialog.h"

#include "EmbeddedBackend.h"
#include "api/PlatformClient.h"
#include "common/Dialogs.h"
#include "profiles/SecretStore.h"
#include "profiles/Session.h"

#include <QApplication>
#include <QClipboard>
#include <QCommandLinkButton>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace paydesk::console {

namespace {
QLabel *heading(const QString &text)
{
    auto *label = new QLabel(text);
    label->setObjectName(QStringLiteral("viewTitle"));
    return label;
}

QLineEdit *fileField(QFormLayout *form, const QString &label, QWidget *parent)
{
    auto *edit = new QLineEdit;
    auto *browse = new QPushButton(QObject::tr("Browse…"));
    auto *row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    QObject::connect(browse, &QPushButton::clicked, parent, [edit, parent] {
        const QString file = QFileDialog::getOpenFileName(parent, QObject::tr("Choose a PEM file"));
        if (!file.isEmpty())
            edit->setText(file);
    });
    return edit;
}

// Steps of a single-site start: data directory, PostgreSQL prepared and started, Redis, services starting;
// then one per service ready, then the sign-in.
constexpr int kInfrastructureSteps = 5;
} // namespace

FirstRunDialog::FirstRunDialog(SecretStore *secrets, QWidget *parent)
    : QDialog(parent), m_secrets(secrets), m_pages(new QStackedWidget)
{
    setWindowTitle(tr("PayDesk Console — set up"));
    resize(760, 560);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    m_pages->addWidget(buildChoicePage());
    m_pages->addWidget(buildSingleSitePage());
    m_pages->addWidget(buildRemotePage());
    m_pages->addWidget(m_progressPage = buildProgressPage());
    m_pages->addWidget(m_passwordPage = buildPasswordPage());
}

FirstRunDialog::~FirstRunDialog()
{
    delete m_session;
    delete m_client;
    delete m_backend;
}

EmbeddedBackend *FirstRunDialog::takeBackend()
{
    return std::exchange(m_backend, nullptr);
}

api::PlatformClient *FirstRunDialog::takeClient()
{
    return std::exchange(m_client, nullptr);
}

Session *FirstRunDialog::takeSession()
{
    return std::exchange(m_session, nullptr);
}

QWidget *FirstRunDialog::buildChoicePage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(heading(tr("Welcome to PayDesk")));
    auto *intro = new QLabel(
        tr("Run everything on this computer, or connect to a PayDesk cluster that runs elsewhere."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *single =
        new QCommandLinkButton(tr("Create a single-site installation"),
                               tr("A private PostgreSQL and Redis in a data directory, all 18 services "
                                  "inside this console, and a first admin account."));
    auto *remote =
        new QCommandLinkButton(tr("Connect to a cluster"),
                               tr("A PayDesk cluster reachable over HTTP(S), optionally with a TLS client "
                                  "certificate."));
    layout->addWidget(single);
    layout->addWidget(remote);
    layout->addStretch(1);
    connect(single, &QPushButton::clicked, this, [this] { m_pages->setCurrentIndex(1); });
    connect(remote, &QPushButton::clicked, this, [this] { m_pages->setCurrentIndex(2); });
    return page;
}

QWidget *FirstRunDialog::buildSingleSitePage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(heading(tr("Single-site installation")));
    auto *form = new QFormLayout;
    m_dataDir = new QLineEdit(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
                              QStringLiteral("/site"));
    form->addRow(tr("Data directory:"), m_dataDir);
    m_basePort = new QSpinBox;
    m_basePort->setRange(1024, 65000);
    m_basePort->setValue(40000);
    form->addRow(tr("Base port:"), m_basePort);
    layout->addLayout(form);
    auto *hint = new QLabel(
        tr("Services listen on 127.0.0.1 only, from the base port upwards (base + 0 … base + 432)."));
    hint->setObjectName(QStringLiteral("muted"));
    hint->setWordWrap(true);
    layout->addWidget(hint);
    layout->addStretch(1);
    auto *buttons = new QHBoxLayout;
    auto *back = new QPushButton(tr("Back"));
    auto *install = new QPushButton(tr("Install and start"));
    install->setDefault(true);
    buttons->addWidget(back);
    buttons->addStretch(1);
    buttons->addWidget(install);
    layout->addLayout(buttons);
    connect(back, &QPushButton::clicked, this, [this] { m_pages->setCurrentIndex(0); });
    connect(install, &QPushButton::clicked, this,
            [this] { createSingleSite(m_dataDir->text().trimmed(), quint16(m_basePort->value())); });
    return page;
}

QWidget *FirstRunDialog::buildRemotePage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(heading(tr("Connect to a cluster")));
    auto *form = new QFormLayout;
    m_url = new QLineEdit(QStringLiteral("https://paydesk.example:40000"));
    m_username = new QLineEdit(QStringLiteral("admin"));
    m_password = new QLineEdit;
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Cluster URL:"), m_url);
    form->addRow(tr("Username:"), m_username);
    form->addRow(tr("Password:"), m_password);
    m_caFile = fileField(form, tr("CA certificate:"), this);
    m_certFile = fileField(form, tr("Client certificate:"), this);
    m_keyFile = fileField(form, tr("Client key:"), this);
    layout->addLayout(form);
    m_remoteError = new QLabel;
    m_remoteError->setObjectName(QStringLiteral("error"));
    m_remoteError->setWordWrap(true);
    layout->addWidget(m_remoteError);
    layout->addStretch(1);
    auto *buttons = new QHBoxLayout;
    auto *back = new QPushButton(tr("Back"));
    auto *connectButton = new QPushButton(tr("Connect"));
    connectButton->setDefault(true);
    buttons->addWidget(back);
    buttons->addStretch(1);
    buttons->addWidget(connectButton);
    layout->addLayout(buttons);
    connect(back, &QPushButton::clicked, this, [this] { m_pages->setCurrentIndex(0); });
    connect(connectButton, &QPushButton::clicked, this, &FirstRunDialog::connectRemote);
    return page;
}

QWidget *FirstRunDialog::buildProgressPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(heading(tr("Starting PayDesk")));
    m_progress = new QProgressBar;
    m_progress->setRange(0, kInfrastructureSteps + int(api::knownServices().size()) + 1);
    layout->addWidget(m_progress);
    m_steps = new QListWidget;
    layout->addWidget(m_steps, 1);
    m_progressError = new QLabel;
    m_progressError->setObjectName(QStringLiteral("error"));
    m_progressError->setWordWrap(true);
    layout->addWidget(m_progressError);
    return page;
}

QWidget *FirstRunDialog::buildPasswordPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(heading(tr("Your first admin account")));
    auto *label = new QLabel(tr("PayDesk created the account <b>admin</b> with this one-time password. "
                                "You are signed in with it."));
    label->setWordWrap(true);
    layout->addWidget(label);
    m_adminPassword = new QLineEdit;
    m_adminPassword->setReadOnly(true);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_adminPassword->setFont(mono);
    auto *copy = new QPushButton(tr("Copy"));
    auto *row = new QHBoxLayout;
    row->addWidget(m_adminPassword, 1);
    row->addWidget(copy);
    layout->addLayout(row);
    auto *advice = new QLabel(
        tr("Store it in your password manager now: this is the only time the console shows it. The console "
           "keeps "
           "it in your desktop keyring to sign you in on this computer. Change it (payctl or the admin API) "
           "before you give anyone else access, and create a personal account for every operator."));
    advice->setWordWrap(true);
    advice->setObjectName(QStringLiteral("muted"));
    layout->addWidget(advice);
    layout->addStretch(1);
    auto *open = new QPushButton(tr("Open the console"));
    open->setObjectName(QStringLiteral("openConsole"));
    open->setDefault(true);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(open);
    layout->addLayout(buttons);
    connect(copy, &QPushButton::clicked, this, [this, copy] {
        QApplication::clipboard()->setText(m_adminPassword->text());
        copy->setText(tr("Copied"));
    });
    connect(open, &QPushButton::clicked, this, &QDialog::accept);
    return page;
}

void FirstRunDialog::step(const QString &text, bool done)
{
    auto *item = new QListWidgetItem((done ? QStringLiteral("✓  ") : QStringLiteral("…  ")) + text, m_steps);
    m_steps->scrollToItem(item);
    if (done)
        m_progress->setValue(m_progress->value() + 1);
}

void FirstRunDialog::makeSession()
{
    delete m_session;
    m_session = new Session(m_profile, m_secrets, m_client);
}

void FirstRunDialog::createSingleSite(const QString &dataDir, quint16 basePort)
{
    m_profile = {};
    m_profile.name = QStringLiteral("single-site");
    m_profile.mode = ConnectionProfile::Mode::Embedded;
    m_profile.dataDir = QDir::cleanPath(QDir(dataDir).absolutePath());
    m_profile.basePort = basePort;
    m_firstInstall = true;
    startEmbedded();
}

void FirstRunDialog::resumeEmbedded(const ConnectionProfile &profile)
{
    m_profile = profile;
    m_firstInstall = false;
    startEmbedded();
}

void FirstRunDialog::startEmbedded()
{
    m_pages->setCurrentWidget(m_progressPage);
    setWindowTitle(tr("PayDesk Console — starting %1").arg(m_profile.dataDir));
    m_steps->clear();
    m_progress->setValue(0);
    m_backend = new EmbeddedBackend(m_profile.dataDir, m_profile.basePort);
    m_client = new api::PlatformClient(m_backend->serviceMap());
    makeSession();
    connect(m_backend, &EmbeddedBackend::progress, this, [this](const QString &text) {
        // The server's own steps: PostgreSQL prepared/started, Redis started, services starting.
        const bool milestone = text.startsWith(QStringLiteral("PostgreSQL: starting")) ||
                               text.startsWith(QStringLiteral("Data directory")) ||
                               text.startsWith(QStringLiteral("Redis:")) ||
                               text.startsWith(QStringLiteral("PostgreSQL: preparing")) ||
                               text.startsWith(QStringLiteral("Services:"));
        step(text, milestone);
    });
    connect(m_backend, &EmbeddedBackend::failed, this,
            [this](const QString &error) { m_progressError->setText(tr("Start-up failed: %1").arg(error)); });
    connect(m_backend, &EmbeddedBackend::serverStarted, this,
            [this] { emit stageReached(QStringLiteral("infrastructure")); });
    connect(m_backend, &EmbeddedBackend::serviceReady, this,
            [this](const QString &service, int ready, int total) {
                step(tr("%1 ready (%2/%3)").arg(service).arg(ready).arg(total), true);
            });
    connect(m_backend, &EmbeddedBackend::allReady, this, [this](qint64 ms) {
        m_readyAfterMs = ms;
        step(tr("All services ready in %1 s").arg(ms / 1000.0, 0, 'f', 1));
        emit stageReached(QStringLiteral("ready"));
    });
    connect(m_backend, &EmbeddedBackend::initialPasswordFound, this, [this](const QString &password) {
        connect(m_session, &Session::loggedIn, this, [this, password](const QString &user) {
            step(tr("Signed in as %1").arg(user), true);
            ProfileStore().save(m_profile);
            ProfileStore().setLastUsed(m_profile.name);
            if (m_firstInstall && !password.isEmpty())
                showPassword(password);
            else
                accept();
        });
        connect(m_session, &Session::loginFailed, this, [this](const QString &error) {
            step(tr("Sign-in failed: %1").arg(error));
            bool ok = false;
            const QString typed =
                QInputDialog::getText(this, tr("Sign in"), tr("Password of %1:").arg(m_profile.username),
                                      QLineEdit::Password, {}, &ok);
            if (ok)
                m_session->login(typed, true);
        });
        connect(m_session, &Session::needsPassword, this, [this, password](const QString &why) {
            // Nothing in the secret store: a single-site installation whose one-time password was
            // never changed still has it in its secrets folder (readable only by this user).
            if (!password.isEmpty() && !m_triedInitialPassword) {
                m_triedInitialPassword = true;
                step(tr("Signing in with the installation's initial admin password"));
                m_session->login(password, true);
                return;
            }
            bool ok = false;
            const QString typed =
                QInputDialog::getText(this, tr("Sign in"), why, QLineEdit::Password, {}, &ok);
            if (ok)
                m_session->login(typed, true);
            else
                reject();
        });
        if (m_firstInstall && !password.isEmpty()) {
            step(tr("First admin created; signing in with its one-time password"));
            m_session->login(password, true);
        } else {
            step(tr("Signing in"));
            m_session->resume();
        }
    });
    m_backend->start();
}

void FirstRunDialog::showPassword(const QString &password)
{
    m_adminPassword->setText(password);
    m_pages->setCurrentWidget(m_passwordPage);
    emit stageReached(QStringLiteral("password"));
}

void FirstRunDialog::connectRemote()
{
    m_profile = {};
    m_profile.name = QUrl(m_url->text().trimmed()).host();
    m_profile.mode = ConnectionProfile::Mode::Remote;
    m_profile.url = m_url->text().trimmed();
    m_profile.username = m_username->text().trimmed();
    m_profile.caFile = m_caFile->text().trimmed();
    m_profile.certFile = m_certFile->text().trimmed();
    m_profile.keyFile = m_keyFile->text().trimmed();
    if (m_profile.name.isEmpty()) {
        m_remoteError->setText(tr("The URL needs a host: https://host:port"));
        return;
    }
    delete m_client;
    m_client = new api::PlatformClient(m_profile.serviceMap());
    QString error;
    if (!m_client->setTls(m_profile.caFile, m_profile.certFile, m_profile.keyFile, &error)) {
        m_remoteError->setText(error);
        return;
    }
    makeSession();
    m_remoteError->setText(tr("Connecting…"));
    connect(m_session, &Session::loggedIn, this, [this] {
        ProfileStore().save(m_profile);
        ProfileStore().setLastUsed(m_profile.name);
        accept();
    });
    connect(m_session, &Session::loginFailed, this, [this](const QString &e) { m_remoteError->setText(e); });
    m_session->login(m_password->text(), false);
}

void FirstRunDialog::resumeRemote(const ConnectionProfile &profile)
{
    m_profile = profile;
    m_url->setText(profile.url);
    m_username->setText(profile.username);
    m_caFile->setText(profile.caFile);
    m_certFile->setText(profile.certFile);
    m_keyFile->setText(profile.keyFile);
    m_pages->setCurrentIndex(2);
    m_client = new api::PlatformClient(profile.serviceMap());
    QString error;
    if (!m_client->setTls(profile.caFile, profile.certFile, profile.keyFile, &error)) {
        m_remoteError->setText(error);
        return;
    }
    makeSession();
    connect(m_session, &Session::loggedIn, this, &QDialog::accept);
    connect(m_session, &Session::needsPassword, this,
            [this](const QString &why) { m_remoteError->setText(why); });
    m_session->resume();
}

} // namespace paydesk::console
