// paydesk: the desktop console. First run: create a single-site installation (the backend runs
// inside this process, on its own threads) or connect to a cluster. Later runs resume the last
// profile. Options: --profile NAME, --screenshots DIR (save a PNG of every view, then quit),
// --startup-report (print the time to an interactive main window, then quit).

#include "EmbeddedBackend.h"
#include "FirstRunDialog.h"
#include "api/PlatformClient.h"
#include "common/Theme.h"
#include "health/HealthDashboard.h"
#include "health/HealthTile.h"
#include "health/ServicePage.h"
#include "merchants/KycView.h"
#include "merchants/MerchantsView.h"
#include "profiles/SecretStore.h"
#include "profiles/Session.h"
#include "shell/CommandPalette.h"
#include "shell/ConsoleViews.h"
#include "shell/MainWindow.h"
#include "wallboard/Wallboard.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QQmlContext>
#include <QQuickView>
#include <QTableView>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstdlib>

using namespace paydesk::console;

namespace {
// Walks every view and saves what it shows (used for reviews and the README's pictures).
void captureViews(MainWindow &window, const ConsoleViews &views, const QString &dir,
                  const std::function<QQuickView *()> &openWallboard, std::function<void()> done)
{
    QDir().mkpath(dir);
    auto shots = std::make_shared<QList<std::function<void()>>>();
    const auto save = [&window, dir](const QString &name) {
        window.grab().save(dir + u'/' + name + QStringLiteral(".png"));
        std::printf("screenshot %s/%s.png\n", qPrintable(dir), qPrintable(name));
    };
    shots->append([&window] { window.showView(QStringLiteral("health")); });
    shots->append([save] { save(QStringLiteral("01-health")); });
    shots->append([views] { views.health->openService(QStringLiteral("kyc-service")); });
    shots->append([] {});
    shots->append([save] { save(QStringLiteral("02-service-page")); });
    shots->append([views, &window] {
        views.health->showTiles();
        window.showView(QStringLiteral("merchants"));
    });
    // Select the first row of a view's main table, as Down in the table would.
    const auto selectFirst = [](QWidget *view) {
        if (auto *table = view->findChild<QTableView *>(); table && table->model()->rowCount() > 0) {
            table->setFocus();
            table->setCurrentIndex(table->model()->index(0, 0));
        }
    };
    shots->append([views, selectFirst] { selectFirst(views.merchants); });
    shots->append([save] { save(QStringLiteral("03-merchants")); });
    shots->append([&window] { window.showView(QStringLiteral("kyc")); });
    shots->append([views, selectFirst] { selectFirst(views.kyc); });
    shots->append([save] { save(QStringLiteral("04-kyc")); });
    shots->append([&window] { window.openPalette(); });
    shots->append([&window, dir] {
        window.palette()->grab().save(dir + QStringLiteral("/05-palette.png"));
        window.palette()->hide();
        window.toggleTheme();
        window.showView(QStringLiteral("health"));
    });
    shots->append([save, &window] {
        save(QStringLiteral("06-health-dark"));
        window.toggleTheme();
    });
    shots->append([openWallboard] { openWallboard(); });
    shots->append([openWallboard, dir] {
        openWallboard()->grabWindow().save(dir + QStringLiteral("/08-wallboard.png"));
        std::printf("screenshot %s/08-wallboard.png\n", qPrintable(dir));
    });
    auto next = std::make_shared<std::function<void()>>();
    *next = [shots, next, done] {
        if (shots->isEmpty()) {
            done();
            return;
        }
        shots->takeFirst()();
        QTimer::singleShot(1500, *next); // let the views load and paint
    };
    (*next)();
}
} // namespace

int main(int argc, char **argv)
{
    QElapsedTimer clock;
    clock.start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PayDesk"));
    QApplication::setApplicationName(QStringLiteral("PayDesk Console"));
    QApplication::setApplicationVersion(QStringLiteral(PAYDESK_VERSION));
    std::signal(SIGPIPE, SIG_IGN);

    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("profile"), QStringLiteral("Connection profile to open"), QStringLiteral("name")});
    parser.addOption({QStringLiteral("screenshots"),
                      QStringLiteral("Save every view as PNG into DIR, then quit"), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("startup-report"), QStringLiteral("Print the start-up time and quit")});
    parser.addOption({QStringLiteral("data-dir"),
                      QStringLiteral("Create (or open) a single-site installation here without asking"),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("base-port"),
                      QStringLiteral("Base port of that installation (default 40000)"),
                      QStringLiteral("port"), QStringLiteral("40000")});
    parser.addOption({QStringLiteral("memory-secrets"),
                      QStringLiteral("Keep secrets in memory only (no desktop keyring)")});
    parser.process(app);

    applyTheme(savedTheme());
    SecretStore *secrets = parser.isSet(QStringLiteral("memory-secrets"))
                               ? static_cast<SecretStore *>(new InMemorySecretStore(&app))
                               : new KeychainSecretStore(QStringLiteral("PayDesk Console"), &app);

    ProfileStore profiles;
    const QString wanted = parser.isSet(QStringLiteral("profile")) ? parser.value(QStringLiteral("profile"))
                                                                   : profiles.lastUsed();
    FirstRunDialog setup(secrets);
    const QString shots = parser.value(QStringLiteral("screenshots"));
    if (!shots.isEmpty()) {
        QDir().mkpath(shots);
        QObject::connect(
            &setup, &FirstRunDialog::stageReached, &setup, [&setup, shots](const QString &stage) {
                setup.grab().save(QStringLiteral("%1/00-setup-%2.png").arg(shots, stage));
                std::printf("screenshot %s/00-setup-%s.png\n", qPrintable(shots), qPrintable(stage));
                if (stage == QStringLiteral("password"))
                    QTimer::singleShot(300, &setup, &QDialog::accept);
            });
    }
    if (parser.isSet(QStringLiteral("startup-report"))) {
        // Measuring, not reading: go past the one-time password page at once.
        QObject::connect(&setup, &FirstRunDialog::stageReached, &setup, [&setup](const QString &stage) {
            if (stage == QStringLiteral("password"))
                setup.accept();
        });
    }
    if (parser.isSet(QStringLiteral("data-dir"))) {
        const QString dir = parser.value(QStringLiteral("data-dir"));
        const auto existing = profiles.profile(QStringLiteral("single-site"));
        if (existing && existing->dataDir == QDir::cleanPath(QDir(dir).absolutePath()))
            setup.resumeEmbedded(*existing);
        else
            setup.createSingleSite(dir, quint16(parser.value(QStringLiteral("base-port")).toUInt()));
    } else if (const auto profile = profiles.profile(wanted)) {
        if (profile->isEmbedded())
            setup.resumeEmbedded(*profile);
        else
            setup.resumeRemote(*profile);
    }
    setup.show();
    if (setup.exec() != QDialog::Accepted)
        return 1;

    EmbeddedBackend *backend = setup.takeBackend();
    paydesk::api::PlatformClient *client = setup.takeClient();
    Session *session = setup.takeSession();
    client->setParent(&app);
    session->setParent(&app);

    MainWindow window;
    const ConsoleViews views = addConsoleViews(window, client);
    window.setProfileText(QObject::tr("Profile: %1 · signed in as %2")
                              .arg(setup.profile().describe(), setup.profile().username));
    window.addCommand(QStringLiteral("session.logout"), QObject::tr("Sign out and quit"), {}, [session] {
        session->logout();
        QApplication::quit();
    });
    // The operations-room wallboard (qml/, widgets/wallboard): health grid and payment numbers.
    QQuickView *wallboard = nullptr;
    const std::function<QQuickView *()> openWallboard = [&wallboard, client] {
        if (!wallboard) {
            wallboard = Wallboard::create(client);
            wallboard->setTitle(QObject::tr("PayDesk wallboard"));
            wallboard->resize(1280, 800);
        }
        wallboard->show();
        wallboard->raise();
        return wallboard;
    };
    window.addCommand(QStringLiteral("wallboard.open"), QObject::tr("Open the wallboard"),
                      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W), [openWallboard] { openWallboard(); });
    window.show();

    if (parser.isSet(QStringLiteral("startup-report"))) {
        QObject::connect(views.health, &HealthDashboard::refreshed, &app, [&clock, &setup](bool ok) {
            std::printf(
                "interactive main window with live health after %lld ms (services ready after %lld ms), "
                "first health answer ok=%d\n",
                static_cast<long long>(clock.elapsed()), static_cast<long long>(setup.readyAfterMs()), ok);
            std::fflush(stdout);
            QApplication::quit();
        });
    }
    if (parser.isSet(QStringLiteral("screenshots"))) {
        QTimer::singleShot(
            2500, &window,
            [&window, views, openWallboard, dir = parser.value(QStringLiteral("screenshots"))] {
                captureViews(window, views, dir, openWallboard, [] { QApplication::quit(); });
            });
    }
    const int code = QApplication::exec();
    // Stop the embedded server (drain services, stop PostgreSQL and Redis), then leave like
    // paydesk-server does: without static destructors of plugins and driver registries.
    delete backend;
    std::fflush(nullptr);
    std::_Exit(code);
}
