// The console end to end, offscreen: the first-run flow creates a single-site installation whose
// backend runs in this process (EmbeddedBackend: platform::Server on its own thread, reached over
// loopback HTTP), signs in with the first admin's one-time password, and the main window is driven
// through every view by keyboard, with a merchant and a KYC case (PNG + PDF) created through the
// API. Each view is saved as a PNG under <build>/screenshots/main-window.

#include "EmbeddedBackend.h"
#include "FirstRunDialog.h"
#include "api/PlatformClient.h"
#include "common/Dialogs.h"
#include "common/Theme.h"
#include "gui/EmbeddedGuiTest.h"
#include "health/HealthDashboard.h"
#include "health/HealthTile.h"
#include "health/ServicePage.h"
#include "logs/LogExplorerView.h"
#include "merchants/KycQueueModel.h"
#include "merchants/KycView.h"
#include "merchants/MerchantsView.h"
#include "payments/PaymentsView.h"
#include "profiles/SecretStore.h"
#include "profiles/Session.h"
#include "shell/CommandPalette.h"
#include "shell/ConsoleViews.h"
#include "shell/MainWindow.h"
#include "support/TestSupport.h"
#include "traces/TraceView.h"

#include <QApplication>
#include <QBuffer>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cstdlib>

using namespace paydesk;
using namespace paydesk::console;

namespace {
const QString kShots = QStringLiteral(PAYDESK_SCREENSHOT_DIR "/main-window");

QByteArray pngBytes()
{
    QImage image(320, 200, QImage::Format_RGB32);
    image.fill(QColor("#e8f0fe"));
    for (int y = 60; y < 140; ++y)
        for (int x = 40; x < 280; ++x)
            image.setPixelColor(x, y, QColor("#1a73e8"));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

// Answers the next modal ReasonDialog with `reason`.
void answerReasonDialog(const QString &reason)
{
    QTimer::singleShot(100, [reason] {
        auto *dialog = qobject_cast<ReasonDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        dialog->findChild<QPlainTextEdit *>()->setPlainText(reason);
        dialog->accept();
    });
}
// Answers the next confirmation (common/Dialogs confirmAction): its action button, or Cancel.
void answerConfirmation(bool confirm)
{
    QTimer::singleShot(100, [confirm] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        for (QAbstractButton *button : box->buttons()) {
            if (box->buttonRole(button) == (confirm ? QMessageBox::AcceptRole : QMessageBox::RejectRole)) {
                button->click();
                return;
            }
        }
    });
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-console-XXXXXX")};
    InMemorySecretStore m_secrets;
    EmbeddedBackend *m_backend = nullptr;
    api::PlatformClient *m_client = nullptr;
    Session *m_session = nullptr;
    MainWindow *m_window = nullptr;
    ConsoleViews m_views;
    QString m_merchantId, m_caseId, m_firstPassword;

    void shot(QWidget *widget, const QString &name)
    {
        QCoreApplication::processEvents();
        const QString path = kShots + u'/' + name + QStringLiteral(".png");
        QVERIFY2(widget->grab().save(path), qPrintable(path));
        qInfo("screenshot %s", qPrintable(path));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings of this test only
        QSettings().clear();
        QDir().mkpath(kShots);
        applyTheme(Theme::Light);
    }

    void firstRunCreatesASingleSiteInstallationAndSignsIn()
    {
        FirstRunDialog setup(&m_secrets);
        setup.resize(760, 560);
        QStringList stages;
        connect(&setup, &FirstRunDialog::stageReached, this, [&](const QString &stage) {
            stages << stage;
            shot(&setup, QStringLiteral("00-setup-") + stage);
        });
        setup.show();
        setup.createSingleSite(m_dir.path() + QStringLiteral("/data"), testing::freeBasePort());
        QTRY_VERIFY_WITH_TIMEOUT(stages.contains(QStringLiteral("password")), 180000);
        QCOMPARE(stages, (QStringList{"infrastructure", "ready", "password"}));
        for (QLineEdit *edit : setup.findChildren<QLineEdit *>()) {
            if (edit->isReadOnly() && edit->isVisible())
                m_firstPassword = edit->text();
        }
        QFile file(m_dir.path() + QStringLiteral("/data/secrets/initial-admin-password"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(m_firstPassword, QString::fromUtf8(file.readAll().trimmed()));
        setup.accept();
        QVERIFY(setup.readyAfterMs() > 0);
        m_backend = setup.takeBackend();
        m_client = setup.takeClient();
        m_session = setup.takeSession();
        QVERIFY(m_backend && m_client && m_session);
        QVERIFY(!m_client->accessToken().isEmpty());
        // The profile is remembered, its password kept in the secret store (never in QSettings).
        const auto profile = ProfileStore().profile(QStringLiteral("single-site"));
        QVERIFY(profile && profile->isEmbedded());
        QCOMPARE(ProfileStore().lastUsed(), QStringLiteral("single-site"));
        QVERIFY(!QSettings().allKeys().join(u' ').contains(m_firstPassword));
        SecretResult stored;
        m_secrets.read(passwordKey(QStringLiteral("single-site"))).then([&](const SecretResult &r) {
            stored = r;
        });
        QTRY_VERIFY(stored.ok);
        QCOMPARE(stored.value, m_firstPassword);
    }

    void createTestData()
    {
        QVERIFY(m_client);
        const api::ApiResult merchant =
            m_client->sendSync(api::requests::createMerchant({{"name", "Corner Books"},
                                                              {"email", "owner@cornerbooks.example"},
                                                              {"country", "DE"},
                                                              {"business_type", "individual"},
                                                              {"company_name", "Corner Books GmbH"}}));
        QVERIFY2(merchant.ok(), qPrintable(errorText(merchant)));
        m_merchantId = merchant.object().value("id").toString();
        const api::ApiResult image = m_client->sendSync(api::requests::uploadKycDocument(
            m_merchantId, {{"type", "id_card"},
                           {"content_type", "image/png"},
                           {"file_name", "id-card.png"},
                           {"content_base64", QString::fromLatin1(pngBytes().toBase64())}}));
        QVERIFY2(image.ok(), qPrintable(errorText(image)));
        m_caseId = image.object().value("case").toObject().value("id").toString();
        const QByteArray pdf =
            "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
        const api::ApiResult statement = m_client->sendSync(api::requests::uploadKycDocument(
            m_merchantId, {{"type", "bank_statement"},
                           {"content_type", "application/pdf"},
                           {"file_name", "statement-2026-10.pdf"},
                           {"content_base64", QString::fromLatin1(pdf.toBase64())}}));
        QVERIFY2(statement.ok(), qPrintable(errorText(statement)));
        const api::ApiResult key = m_client->sendSync(
            api::requests::createApiKey(m_merchantId, QStringLiteral("test"), QStringLiteral("shop")));
        QVERIFY2(key.ok(), qPrintable(errorText(key)));
    }

    void mainWindowShowsTheHealthDashboard()
    {
        m_window = new MainWindow;
        m_views = addConsoleViews(*m_window, m_client);
        m_window->setProfileText(QStringLiteral("Profile: %1 · signed in as admin")
                                     .arg(ProfileStore().profile(QStringLiteral("single-site"))->describe()));
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        QCOMPARE(m_window->viewIds(),
                 (QStringList{"health", "merchants", "kyc", "payments", "logs", "traces"}));
        QCOMPARE(m_window->currentViewId(), QStringLiteral("health"));
        QSignalSpy refreshed(m_views.health, &HealthDashboard::refreshed);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 3, 15000); // once a second
        QVERIFY(refreshed.last().at(0).toBool());
        QCOMPARE(m_views.health->tiles().size(), 20);
        QTRY_COMPARE_WITH_TIMEOUT(m_views.health->model()->countInState(QStringLiteral("healthy")), 20,
                                  30000);
        shot(m_window, QStringLiteral("01-health"));
    }

    void enterOnATileOpensTheServicePage()
    {
        HealthTile *tile = nullptr;
        for (HealthTile *t : m_views.health->tiles())
            if (t->name() == QStringLiteral("merchant-service"))
                tile = t;
        QVERIFY(tile);
        tile->setFocus();
        QSignalSpy loaded(m_views.health->servicePage(), &ServicePage::loaded);
        QTest::keyClick(tile, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 10000);
        QCOMPARE(m_views.health->servicePage()->service(), QStringLiteral("merchant-service"));
        QVERIFY(m_views.health->servicePage()->isVisible());
        QVERIFY(m_views.health->servicePage()->historyPoints() >= 2);
        QVERIFY(m_views.health->servicePage()->logRowCount() > 0);
        shot(m_window, QStringLiteral("02-service-page"));
        QTest::keyClick(m_views.health->servicePage(), Qt::Key_Escape);
        QVERIFY(!m_views.health->servicePage()->isVisible());
    }

    // Stop / Start on the service page drive the embedded backend: the tile and the page say
    // "stopped", the buttons follow the state, and the service is healthy again after the start.
    void servicePageStopsAndStartsAService()
    {
        const QString name = QStringLiteral("analytics-service");
        ServicePage *page = m_views.health->servicePage();
        m_views.health->openService(name);
        QTRY_VERIFY(page->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(page->stopButton()->isEnabled(), 10000);
        QVERIFY(page->restartButton()->isEnabled());
        QVERIFY(!page->startButton()->isEnabled());
        QSignalSpy finished(page, &ServicePage::controlFinished);

        answerConfirmation(false); // Cancel: nothing is sent
        page->stopButton()->click();
        QCOMPARE(finished.count(), 0);
        QVERIFY(page->stopButton()->isEnabled());

        // By keyboard: focus the button, Space, confirm.
        answerConfirmation(true);
        page->stopButton()->setFocus();
        QTest::keyClick(page->stopButton(), Qt::Key_Space);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QVERIFY2(page->controlResult().contains(QStringLiteral("stopped at")),
                 qPrintable(page->controlResult()));
        QVERIFY(!page->stopButton()->isEnabled());
        QVERIFY(!page->restartButton()->isEnabled());
        QVERIFY(page->startButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(m_views.health->model()->row(name)->state, QStringLiteral("stopped"),
                                  10000);
        QVERIFY(page->startButton()->isEnabled());
        shot(m_window, QStringLiteral("02b-service-stopped"));
        m_views.health->showTiles();
        HealthTile *tile = nullptr;
        for (HealthTile *t : m_views.health->tiles())
            if (t->name() == name)
                tile = t;
        QVERIFY(tile);
        QCOMPARE(tile->accessibleName(), name + QStringLiteral(" stopped"));
        shot(m_window, QStringLiteral("02c-health-one-stopped"));

        m_views.health->openService(name);
        answerConfirmation(true);
        page->startButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QVERIFY(page->stopButton()->isEnabled());
        QVERIFY(!page->startButton()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(m_views.health->model()->row(name)->state, QStringLiteral("healthy"),
                                  10000);

        // admin-service serves these calls: its buttons stay disabled.
        m_views.health->openService(QStringLiteral("admin-service"));
        QVERIFY(!page->stopButton()->isEnabled());
        QVERIFY(!page->restartButton()->isEnabled());
        QTest::keyClick(page, Qt::Key_Escape);
        QVERIFY(!page->isVisible());
        m_window->activateWindow(); // back from the confirmations
        QVERIFY(QTest::qWaitForWindowActive(m_window));
    }

    void merchantsViewSearchesAndShowsDetail()
    {
        QSignalSpy searched(m_views.merchants, &MerchantsView::searched);
        QTest::keyClick(m_window, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(m_window->currentViewId(), QStringLiteral("merchants"));
        QTRY_VERIFY_WITH_TIMEOUT(searched.count() >= 1, 10000);
        QCOMPARE(m_views.merchants->resultCount(), 1);
        QSignalSpy keys(m_views.merchants, &MerchantsView::apiKeysLoaded);
        QSignalSpy limits(m_views.merchants, &MerchantsView::limitsLoaded);
        m_views.merchants->selectMerchant(m_merchantId);
        QTRY_VERIFY_WITH_TIMEOUT(keys.count() >= 1 && limits.count() >= 1, 10000);
        QCOMPARE(m_views.merchants->currentMerchantId(), m_merchantId);
        QCOMPARE(m_views.merchants->apiKeyCount(), 1);
        shot(m_window, QStringLiteral("03-merchant-overview"));

        // Activation before KYC is refused: the problem's code and detail are shown, nothing hangs.
        answerReasonDialog(QStringLiteral("trying too early"));
        QPushButton *activate = nullptr;
        for (QPushButton *b : m_views.merchants->findChildren<QPushButton *>())
            if (b->text().contains(QStringLiteral("tivate")))
                activate = b;
        QVERIFY(activate && activate->isEnabled());
        activate->click();
        auto *error = m_views.merchants->findChild<QLabel *>(QStringLiteral("error"));
        QVERIFY(error);
        QTRY_VERIFY_WITH_TIMEOUT(
            error->isVisible() && error->text().contains(QStringLiteral("KYC_NOT_VERIFIED")), 10000);
        shot(m_window, QStringLiteral("03e-merchant-refused"));
        m_views.merchants->tabs()->setCurrentIndex(1);
        shot(m_window, QStringLiteral("03b-merchant-limits"));
        m_views.merchants->tabs()->setCurrentIndex(2);
        shot(m_window, QStringLiteral("03c-merchant-api-keys"));
        m_views.merchants->tabs()->setCurrentIndex(0);
    }

    void kycReviewPreviewsAndApproves()
    {
        QSignalSpy queue(m_views.kyc, &KycView::queueLoaded);
        m_window->activateWindow(); // back from the reason dialog
        QVERIFY(QTest::qWaitForWindowActive(m_window));
        QTest::keyClick(m_window, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(m_window->currentViewId(), QStringLiteral("kyc"));
        QTRY_VERIFY_WITH_TIMEOUT(queue.count() >= 1, 10000);
        QVERIFY(m_views.kyc->model()->rowOfCase(m_caseId) >= 0);
        QSignalSpy preview(m_views.kyc, &KycView::previewLoaded);
        m_views.kyc->selectCase(m_caseId);
        QTRY_VERIFY_WITH_TIMEOUT(preview.count() >= 1, 10000);
        QCOMPARE(m_views.kyc->currentCaseId(), m_caseId);
        QVERIFY(m_views.kyc->previewShowsImage()); // the PNG, decoded and scaled
        shot(m_window, QStringLiteral("04-kyc-image"));
        auto *documents = m_views.kyc->findChild<QTableWidget *>();
        QVERIFY(documents);
        QCOMPARE(documents->rowCount(), 2);
        documents->setCurrentCell(1, 0);
        QTRY_VERIFY_WITH_TIMEOUT(preview.count() >= 2, 10000);
        shot(m_window, QStringLiteral("04b-kyc-pdf"));

        QSignalSpy decided(m_views.kyc, &KycView::decided);
        answerReasonDialog(QStringLiteral("ID card matches the owner"));
        QPushButton *approve = nullptr;
        for (QPushButton *b : m_views.kyc->findChildren<QPushButton *>())
            if (b->text().contains(QStringLiteral("Approve")))
                approve = b;
        QVERIFY(approve && approve->isEnabled());
        approve->click();
        QTRY_VERIFY_WITH_TIMEOUT(decided.count() == 1, 10000);
        QCOMPARE(decided.first().at(1).toBool(), true);
        QCOMPARE(m_client->sendSync(api::requests::kycCase(m_caseId)).object().value("status").toString(),
                 QStringLiteral("approved"));
    }

    void activationNeedsAReasonAndIsAudited()
    {
        // kyc.events reach merchant-service through the outbox: wait for verified, then activate.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_client->sendSync(api::requests::merchant(m_merchantId)).object().value("kyc_status").toString(),
            QStringLiteral("verified"), 15000);
        // The reason dialog took the focus: give it back to the main window for its shortcuts.
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window));
        QTest::keyClick(m_window, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(m_window->currentViewId(), QStringLiteral("merchants"));
        QSignalSpy loaded(m_views.merchants, &MerchantsView::merchantLoaded);
        m_views.merchants->selectMerchant(m_merchantId);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 10000);
        answerReasonDialog(QStringLiteral("KYC approved in the console test"));
        QPushButton *activate = nullptr;
        for (QPushButton *b : m_views.merchants->findChildren<QPushButton *>())
            if (b->text().contains(QStringLiteral("tivate")))
                activate = b;
        QVERIFY(activate);
        QTRY_VERIFY_WITH_TIMEOUT(activate->isEnabled(), 5000);
        activate->click();
        QTRY_COMPARE_WITH_TIMEOUT(
            m_client->sendSync(api::requests::merchant(m_merchantId)).object().value("status").toString(),
            QStringLiteral("active"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 2, 10000);
        shot(m_window, QStringLiteral("03d-merchant-activated"));
    }

    void explorersSearchTheRunningBackend()
    {
        // Payments (none made in this installation: an empty, well-formed answer), then the logs
        // and spans the requests above left behind.
        m_window->showView(QStringLiteral("payments"));
        QSignalSpy payments(m_views.payments, &PaymentsView::searchFinished);
        m_views.payments->search();
        QTRY_COMPARE_WITH_TIMEOUT(payments.count(), 1, 15000);
        QCOMPARE(payments.last().at(0).toInt(), 0);
        shot(m_window, QStringLiteral("09-payments"));

        m_window->showView(QStringLiteral("logs"));
        QSignalSpy logs(m_views.logs, &LogExplorerView::searchFinished);
        m_views.logs->search();
        QTRY_VERIFY_WITH_TIMEOUT(logs.count() >= 1, 20000);
        QVERIFY(logs.last().at(0).toInt() > 0);
        shot(m_window, QStringLiteral("10-logs"));

        m_window->showView(QStringLiteral("traces"));
        QSignalSpy traces(m_views.traces, &TraceView::searchFinished);
        m_views.traces->search();
        QTRY_VERIFY_WITH_TIMEOUT(traces.count() >= 1, 20000);
        QVERIFY(traces.last().at(0).toInt() > 0);
        shot(m_window, QStringLiteral("11-traces"));
    }

    void paletteFiltersViewsAndActions()
    {
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window));
        QTest::keyClick(m_window, Qt::Key_K, Qt::ControlModifier);
        CommandPalette *palette = m_window->palette();
        QTRY_VERIFY(palette->isVisible());
        QVERIFY(palette->visibleTitles().contains(QStringLiteral("Health")));
        QVERIFY(palette->visibleTitles().contains(QStringLiteral("Toggle light / dark theme")));
        palette->setFilter(QStringLiteral("kyc"));
        QCOMPARE(palette->visibleTitles().value(0), QStringLiteral("KYC review"));
        palette->setFilter(QStringLiteral("mrch"));
        QCOMPARE(palette->visibleTitles().value(0), QStringLiteral("Merchants"));
        shot(palette, QStringLiteral("05-palette"));
        QTest::keyClick(palette->findChild<QLineEdit *>(), Qt::Key_Return);
        QVERIFY(!palette->isVisible());
        QCOMPARE(m_window->currentViewId(), QStringLiteral("merchants"));
        QVERIFY(fuzzyScore(QStringLiteral("xyz"), QStringLiteral("Health")) < 0);
    }

    void darkThemeIsRemembered()
    {
        m_window->showView(QStringLiteral("health"));
        m_window->toggleTheme();
        QCOMPARE(currentTheme(), Theme::Dark);
        QCOMPARE(savedTheme(), Theme::Dark);
        QTest::qWait(1200); // one refresh
        shot(m_window, QStringLiteral("06-health-dark"));
        m_window->showView(QStringLiteral("kyc"));
        shot(m_window, QStringLiteral("07-kyc-dark"));
        m_window->toggleTheme();
        QCOMPARE(savedTheme(), Theme::Light);
    }

    void sessionResumesWithTheStoredRefreshToken()
    {
        api::PlatformClient fresh(m_client->serviceMap());
        Session resumed(*ProfileStore().profile(QStringLiteral("single-site")), &m_secrets, &fresh);
        QSignalSpy in(&resumed, &Session::loggedIn);
        resumed.resume();
        QTRY_VERIFY_WITH_TIMEOUT(in.count() == 1, 10000);
        QVERIFY(fresh.sendSync(api::requests::systemHealth()).ok());
    }

    void cleanupTestCase()
    {
        // The client first: its requests still in flight (the dashboard's once-a-second refresh)
        // end while the views that wait for them are alive.
        delete m_session;
        delete m_client;
        delete m_window;
        delete m_backend; // stops the services, PostgreSQL and Redis
    }
};

int main(int argc, char **argv)
{
    paydesk::testing::runEmbeddedGuiTest<TestMainWindow>(argc, argv);
}
#include "tst_main_window.moc"
