// The desktop-console issue's "done when", step by step, in the real main window against a real
// single-site installation (EmbeddedBackend: every service in this process, private PostgreSQL and
// Redis), driven through its widgets as a user would: widgets found by objectName, buttons clicked,
// fields typed into, modal reason dialogs answered by a timer.
//   a. install (first-run dialog, one-time password), quit, start again (the profile resumed with
//      the stored refresh token), the health dashboard comes up;
//   b. a merchant applies for KYC with documents through the signed merchant API; the admin opens
//      the KYC queue, previews the document and approves with a reason;
//   c. the admin activates the merchant in the Merchants view with a reason;
//   d. a payment through the signed merchant API (sandbox test card) appears in the Payments
//      explorer with its timeline (status changes, ledger posting, webhook delivery); Trace opens
//      the trace the gateway recorded for it;
//   e. a declined payment: from the health dashboard to payment-gateway's page, to its logs, filtered
//      to warnings and the payment number — the line naming the failed payment is in the table.
// A screenshot per step goes to <build>/screenshots/walkthrough.

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
#include "logs/LogTableModel.h"
#include "merchants/KycQueueModel.h"
#include "merchants/KycView.h"
#include "merchants/MerchantsView.h"
#include "payments/PaymentsView.h"
#include "profiles/SecretStore.h"
#include "profiles/Session.h"
#include "shell/ConsoleViews.h"
#include "shell/MainWindow.h"
#include "support/ServerProcess.h"
#include "support/TestSupport.h"
#include "support/WebhookReceiver.h"
#include "traces/TraceView.h"
#include "traces/WaterfallWidget.h"

#include <QApplication>
#include <QBuffer>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUuid>

#include <cstdlib>

using namespace paydesk;
using namespace paydesk::console;
using namespace paydesk::testing;

namespace {
const QString kShots = QStringLiteral(PAYDESK_SCREENSHOT_DIR "/walkthrough");
const char kApprovedCard[] = "4242424242424242";
const char kDeclinedCard[] = "4000000000000002";

// An identity card as a merchant would scan it: a PNG with some structure to preview.
QByteArray idCardPng()
{
    QImage image(480, 300, QImage::Format_RGB32);
    image.fill(QColor("#e8f0fe"));
    QPainter painter(&image);
    painter.fillRect(0, 0, 480, 56, QColor("#1a73e8"));
    painter.setPen(Qt::white);
    QFont font = painter.font();
    font.setPixelSize(26);
    font.setBold(true);
    painter.setFont(font);
    painter.drawText(QRect(16, 0, 448, 56), Qt::AlignVCenter, QStringLiteral("IDENTITY CARD"));
    painter.fillRect(24, 84, 120, 150, QColor("#9aa0a6"));
    painter.setPen(QColor("#202124"));
    font.setPixelSize(20);
    font.setBold(false);
    painter.setFont(font);
    painter.drawText(170, 110, QStringLiteral("Name: Mara Lindqvist"));
    painter.drawText(170, 145, QStringLiteral("Born: 1984-03-12"));
    painter.drawText(170, 180, QStringLiteral("No: D-4471-2290"));
    painter.drawText(170, 215, QStringLiteral("Valid to: 2031-06-30"));
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

// Clicks the centre of a view's row as a user would (selection follows the click).
void clickRow(QAbstractItemView *view, const QModelIndex &index)
{
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
}
} // namespace

class ConsoleWalkthroughTest : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-walkthrough-XXXXXX")};
    InMemorySecretStore m_secrets;
    EmbeddedBackend *m_backend = nullptr;
    api::PlatformClient *m_client = nullptr;
    Session *m_session = nullptr;
    MainWindow *m_window = nullptr;
    ConsoleViews m_views;
    WebhookReceiver m_receiver;

    QString m_merchantId;
    QByteArray m_keyId, m_secret;
    QString m_caseId;
    QString m_paymentNo, m_traceId;
    QString m_declinedNo, m_declinedOrder, m_declinedTrace;

    void shot(QWidget *widget, const QString &name)
    {
        QCoreApplication::processEvents();
        // Readable at 1280×800: no view may force the window wider or taller.
        if (widget == m_window)
            QCOMPARE(m_window->size(), QSize(1280, 800));
        const QString path = kShots + u'/' + name + QStringLiteral(".png");
        QVERIFY2(widget->grab().save(path), qPrintable(path));
        qInfo("screenshot %s", qPrintable(path));
    }

    template <typename T> T *widget(QWidget *parent, const char *name)
    {
        T *found = parent->findChild<T *>(QLatin1String(name));
        if (!found)
            qWarning("no %s named %s", T::staticMetaObject.className(), name);
        return found;
    }

    QString serviceUrl(const QString &service, const QString &path) const
    {
        return m_client->serviceMap().urlFor(service, path).toString();
    }

    // A signed request as the merchant's own system sends it (spec §3.1).
    HttpResult merchantCall(const QString &service, const QByteArray &method, const QString &path,
                            const QJsonObject &body = {})
    {
        const QByteArray payload =
            body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
        QHash<QByteArray, QByteArray> headers =
            signedHeaders(m_keyId, m_secret, method, path.toUtf8(), payload);
        if (!payload.isEmpty())
            headers.insert("Content-Type", "application/json");
        return httpRequest(method, serviceUrl(service, path), payload, headers, 30000);
    }

    HttpResult pay(const QString &card, qint64 amountMinor, const QString &orderNo)
    {
        return merchantCall(QStringLiteral("payment-gateway"), "POST", QStringLiteral("/api/v1/payments"),
                            {{"order_no", orderNo},
                             {"amount_minor", amountMinor},
                             {"currency", "USD"},
                             {"description", "2 × hardcover"},
                             {"customer_email", "reader@example.org"},
                             {"card", QJsonObject{{"number", card},
                                                  {"exp_month", 12},
                                                  {"exp_year", 2031},
                                                  {"cvc", "123"},
                                                  {"holder", "R. Reader"}}}});
    }

    // Answers the next modal ReasonDialog: types `reason`, optionally saves the dialog, clicks OK.
    void answerReasonDialog(const QString &reason, const QString &shotName = {})
    {
        auto *timer = new QTimer(this);
        timer->setInterval(50);
        auto tries = std::make_shared<int>(0);
        connect(timer, &QTimer::timeout, this, [timer, tries, reason, shotName] {
            auto *dialog = qobject_cast<ReasonDialog *>(QApplication::activeModalWidget());
            if (!dialog) {
                if (++*tries > 400) // 20 s: the test's own wait then fails with a reason
                    timer->deleteLater();
                return;
            }
            timer->stop();
            timer->deleteLater();
            QTest::keyClicks(dialog->findChild<QPlainTextEdit *>(), reason);
            if (!shotName.isEmpty()) {
                const QString path = kShots + u'/' + shotName + QStringLiteral(".png");
                dialog->grab().save(path);
                qInfo("screenshot %s", qPrintable(path));
            }
            QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
            QTest::mouseClick(ok, Qt::LeftButton);
        });
        timer->start();
    }

    // Back to the main window after a dialog, as a user's click would.
    void focusWindow()
    {
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window));
    }

    void clickSidebar(const QString &viewId)
    {
        auto *sidebar = widget<QListWidget>(m_window, "sidebar");
        QVERIFY(sidebar);
        for (int i = 0; i < sidebar->count(); ++i) {
            if (sidebar->item(i)->data(Qt::UserRole).toString() == viewId) {
                QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {},
                                  sidebar->visualItemRect(sidebar->item(i)).center());
                QCOMPARE(m_window->currentViewId(), viewId);
                return;
            }
        }
        QFAIL(qPrintable(QStringLiteral("no sidebar entry for ") + viewId));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings of this test only
        QSettings().clear();
        QDir(kShots).removeRecursively();
        QDir().mkpath(kShots);
        applyTheme(Theme::Light);
    }

    // a. Install (first run: data dir, PostgreSQL, Redis, migrations, first admin), then quit.
    void install()
    {
        FirstRunDialog setup(&m_secrets);
        setup.resize(760, 560);
        bool passwordShown = false;
        connect(&setup, &FirstRunDialog::stageReached, this, [&](const QString &stage) {
            if (stage == QStringLiteral("password")) {
                passwordShown = true;
                shot(&setup, QStringLiteral("a1-installed"));
            }
        });
        setup.show();
        setup.createSingleSite(m_dir.path() + QStringLiteral("/data"), freeBasePort());
        QTRY_VERIFY_WITH_TIMEOUT(passwordShown, 180000);
        QTest::mouseClick(widget<QPushButton>(&setup, "openConsole"), Qt::LeftButton);
        QCOMPARE(setup.result(), int(QDialog::Accepted));
        // The console is closed: the embedded installation stops with it.
        delete setup.takeSession();
        delete setup.takeClient();
        delete setup.takeBackend();
        const auto profile = ProfileStore().profile(QStringLiteral("single-site"));
        QVERIFY(profile && profile->isEmbedded());
    }

    // a. Start: a later launch resumes the profile (no questions: the refresh token is in the
    // secret store), starts the installation again and opens the main window on the dashboard.
    void start()
    {
        const auto profile = ProfileStore().profile(QStringLiteral("single-site"));
        QVERIFY(profile);
        FirstRunDialog setup(&m_secrets);
        setup.resize(760, 560);
        connect(&setup, &FirstRunDialog::stageReached, this, [&](const QString &stage) {
            if (stage == QStringLiteral("ready"))
                shot(&setup, QStringLiteral("a2-started"));
        });
        setup.show();
        setup.resumeEmbedded(*profile);
        QTRY_COMPARE_WITH_TIMEOUT(setup.result(), int(QDialog::Accepted), 180000);
        m_backend = setup.takeBackend();
        m_client = setup.takeClient();
        m_session = setup.takeSession();
        QVERIFY(m_backend && m_client && m_session);
        QVERIFY(!m_client->accessToken().isEmpty());

        m_window = new MainWindow;
        m_views = addConsoleViews(*m_window, m_client);
        m_window->setProfileText(
            QStringLiteral("Profile: %1 · signed in as %2").arg(profile->describe(), profile->username));
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        QCOMPARE(m_window->currentViewId(), QStringLiteral("health"));
        QTRY_COMPARE_WITH_TIMEOUT(m_views.health->model()->countInState(QStringLiteral("healthy")), 20,
                                  60000);
        shot(m_window, QStringLiteral("a3-health"));
    }

    // b. The merchant applies through the API (as its portal would), the admin reviews in the GUI.
    void merchantAppliesForKyc()
    {
        QVERIFY(m_client);
        // Sign-up and the merchant's API key: what the onboarding team does before KYC.
        const api::ApiResult merchant =
            m_client->sendSync(api::requests::createMerchant({{"name", "Lindqvist Books"},
                                                              {"email", "mara@lindqvist-books.example"},
                                                              {"country", "SE"},
                                                              {"business_type", "individual"},
                                                              {"company_name", "Lindqvist Books AB"}}));
        QVERIFY2(merchant.ok(), qPrintable(errorText(merchant)));
        m_merchantId = merchant.object().value("id").toString();
        QCOMPARE(merchant.object().value("status").toString(), QStringLiteral("pending"));
        const api::ApiResult key = m_client->sendSync(
            api::requests::createApiKey(m_merchantId, QStringLiteral("test"), QStringLiteral("shop")));
        QVERIFY2(key.ok(), qPrintable(errorText(key)));
        m_keyId = key.object().value("key_id").toString().toLatin1();
        m_secret = key.object().value("secret").toString().toLatin1();

        // The merchant's KYC application: its identity card and a bank statement, signed requests.
        const HttpResult card =
            merchantCall(QStringLiteral("kyc-service"), "POST", QStringLiteral("/api/v1/me/kyc/documents"),
                         {{"type", "id_card"},
                          {"content_type", "image/png"},
                          {"file_name", "identity-card.png"},
                          {"content_base64", QString::fromLatin1(idCardPng().toBase64())}});
        QVERIFY2(card.status == 201, card.body.constData());
        m_caseId = card.json().value("case").toObject().value("id").toString();
        const QByteArray pdf =
            "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
        const HttpResult statement =
            merchantCall(QStringLiteral("kyc-service"), "POST", QStringLiteral("/api/v1/me/kyc/documents"),
                         {{"type", "bank_statement"},
                          {"content_type", "application/pdf"},
                          {"file_name", "statement-2026-10.pdf"},
                          {"content_base64", QString::fromLatin1(pdf.toBase64())}});
        QVERIFY2(statement.status == 201, statement.body.constData());
        QCOMPARE(statement.json().value("case").toObject().value("id").toString(), m_caseId);
    }

    void adminReviewsAndApprovesTheApplication()
    {
        QVERIFY(m_window && !m_caseId.isEmpty());
        clickSidebar(QStringLiteral("kyc"));
        QSignalSpy queue(m_views.kyc, &KycView::queueLoaded);
        auto *refresh = widget<QPushButton>(m_views.kyc, "kycRefresh");
        QVERIFY(refresh);
        QTest::mouseClick(refresh, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(queue.count() >= 1, 10000);
        const int row = m_views.kyc->model()->rowOfCase(m_caseId);
        QVERIFY(row >= 0);

        QSignalSpy preview(m_views.kyc, &KycView::previewLoaded);
        auto *table = widget<QTableView>(m_views.kyc, "kycQueue");
        QVERIFY(table);
        clickRow(table, table->model()->index(row, 0));
        QTRY_VERIFY_WITH_TIMEOUT(preview.count() >= 1, 10000);
        QCOMPARE(m_views.kyc->currentCaseId(), m_caseId);
        auto *documents = widget<QTableWidget>(m_views.kyc, "kycDocuments");
        QVERIFY(documents);
        QCOMPARE(documents->rowCount(), 2);
        QCOMPARE(documents->item(0, 1)->text(), QStringLiteral("identity-card.png"));
        auto *previewLabel = widget<QLabel>(m_views.kyc, "kycPreview");
        QVERIFY(previewLabel);
        QVERIFY(!previewLabel->pixmap().isNull()); // the PNG, decoded and shown
        QVERIFY(widget<QLabel>(m_views.kyc, "kycCaseInfo")->text().contains(m_merchantId));
        shot(m_window, QStringLiteral("b1-kyc-application"));

        QSignalSpy decided(m_views.kyc, &KycView::decided);
        answerReasonDialog(QStringLiteral("Identity card matches the owner; statement in the company's name"),
                           QStringLiteral("b2-kyc-approve-reason"));
        auto *approve = widget<QPushButton>(m_views.kyc, "kycApprove");
        QVERIFY(approve && approve->isEnabled());
        QTest::mouseClick(approve, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(decided.count() == 1, 15000);
        QCOMPARE(decided.first().at(1).toBool(), true);
        focusWindow();
        QTRY_VERIFY_WITH_TIMEOUT(widget<QLabel>(m_views.kyc, "kycCaseTitle")->text().contains("approved"),
                                 10000);
        QVERIFY(!approve->isEnabled());
        QCOMPARE(m_client->sendSync(api::requests::kycCase(m_caseId)).object().value("status").toString(),
                 QStringLiteral("approved"));
        shot(m_window, QStringLiteral("b3-kyc-approved"));
    }

    // c. Activation in the Merchants view, with a reason.
    void adminActivatesTheMerchant()
    {
        QVERIFY(!m_merchantId.isEmpty());
        // kyc.approved reaches merchant-service through the outbox and the bus.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_client->sendSync(api::requests::merchant(m_merchantId)).object().value("kyc_status").toString(),
            QStringLiteral("verified"), 20000);
        clickSidebar(QStringLiteral("merchants"));
        QSignalSpy searched(m_views.merchants, &MerchantsView::searched);
        auto *query = widget<QLineEdit>(m_views.merchants, "merchantQuery");
        QVERIFY(query);
        query->setFocus();
        QTest::keyClicks(query, QStringLiteral("Lindqvist"));
        QTest::keyClick(query, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(searched.count() >= 1 && m_views.merchants->resultCount() == 1, 10000);
        auto *results = widget<QTableView>(m_views.merchants, "merchantResults");
        QVERIFY(results);
        QCOMPARE(results->model()->index(0, 0).data(Qt::UserRole).toString(), m_merchantId);
        QSignalSpy loaded(m_views.merchants, &MerchantsView::merchantLoaded);
        clickRow(results, results->model()->index(0, 0));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 10000);
        auto *activate = widget<QPushButton>(m_views.merchants, "merchantActivate");
        QVERIFY(activate);
        QTRY_VERIFY_WITH_TIMEOUT(activate->isEnabled(), 5000);

        answerReasonDialog(QStringLiteral("KYC approved (case %1)").arg(m_caseId.left(8)),
                           QStringLiteral("c1-activate-reason"));
        QTest::mouseClick(activate, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(
            m_client->sendSync(api::requests::merchant(m_merchantId)).object().value("status").toString(),
            QStringLiteral("active"), 15000);
        focusWindow();
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 2, 10000);
        auto *history = widget<QTableWidget>(m_views.merchants, "merchantHistory");
        QVERIFY(history);
        QTRY_VERIFY_WITH_TIMEOUT(history->rowCount() >= 1, 10000);
        bool recorded = false;
        for (int r = 0; r < history->rowCount(); ++r)
            recorded =
                recorded || (history->item(r, 2) && history->item(r, 2)->text() == QStringLiteral("active") &&
                             history->item(r, 4)->text().contains(QStringLiteral("KYC approved")));
        QVERIFY2(recorded, "the status history shows the activation with its reason");
        QVERIFY(
            widget<QLabel>(m_views.merchants, "merchantOverview")->text().contains(QStringLiteral("active")));
        shot(m_window, QStringLiteral("c2-merchant-active"));
    }

    // d. A payment through the merchant API: found by number, timeline, trace.
    void paymentAppearsWithTimelineAndTrace()
    {
        QVERIFY(!m_keyId.isEmpty());
        // The merchant's webhook endpoint. notification-service refuses loopback targets, so the
        // receiver listens on every interface and is addressed by this machine's own address.
        QVERIFY(m_receiver.start(QHostAddress::AnyIPv4));
        const QString hookUrl = m_receiver.reachableUrl();
        if (hookUrl.isEmpty())
            qWarning("no non-loopback IPv4 address: the webhook part of the timeline is not checked");
        else {
            const HttpResult endpoint = merchantCall(
                QStringLiteral("notification-service"), "POST", QStringLiteral("/api/v1/webhooks/endpoints"),
                {{"url", hookUrl}, {"events", QJsonArray{"payment.success", "payment.failed"}}});
            QVERIFY2(endpoint.status == 201, endpoint.body.constData());
        }

        const QString orderNo =
            QStringLiteral("LB-2026-") + QUuid::createUuid().toString(QUuid::Id128).left(6);
        const HttpResult created = pay(QString::fromLatin1(kApprovedCard), 2599, orderNo);
        QVERIFY2(created.status == 201, created.body.constData());
        QCOMPARE(created.json().value("status").toString(), QStringLiteral("success"));
        m_paymentNo = created.json().value("payment_no").toString();
        m_traceId = created.json().value("trace_id").toString();
        // The trace the gateway answered in (no traceparent sent: the trace it started).
        QCOMPARE(m_traceId.toLatin1(), created.headers.value("traceparent").split('-').value(1));

        // The asynchronous parts the timeline merges: the ledger posting and the webhook.
        QTRY_VERIFY_WITH_TIMEOUT(
            !m_client
                 ->sendSync(QStringLiteral("accounting-service"), "GET",
                            QStringLiteral("/api/v1/ledger/journal?payment_no=") + m_paymentNo)
                 .items()
                 .isEmpty(),
            20000);
        if (!hookUrl.isEmpty())
            QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    const QJsonArray items =
                        m_client
                            ->sendSync(QStringLiteral("notification-service"), "GET",
                                       QStringLiteral("/api/v1/admin/webhooks/deliveries?payment_no=") +
                                           m_paymentNo)
                            .items();
                    return !items.isEmpty() &&
                           items.first().toObject().value("status").toString() == QStringLiteral("delivered");
                }(),
                30000);

        clickSidebar(QStringLiteral("payments"));
        auto *paymentNo = widget<QLineEdit>(m_views.payments, "paymentNo");
        QVERIFY(paymentNo);
        QSignalSpy found(m_views.payments, &PaymentsView::searchFinished);
        paymentNo->setFocus();
        QTest::keyClicks(paymentNo, m_paymentNo);
        QTest::keyClick(paymentNo, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(found.count() >= 1, 15000);
        QCOMPARE(found.last().at(0).toInt(), 1);
        auto *results = widget<QTreeWidget>(m_views.payments, "paymentResults");
        QVERIFY(results);
        QTreeWidgetItem *item = results->topLevelItem(0);
        QCOMPARE(item->text(1), m_paymentNo);
        QCOMPARE(item->text(2), orderNo);
        QCOMPARE(item->text(4), QStringLiteral("25.99 USD"));
        QCOMPARE(item->text(5), QStringLiteral("success"));

        QSignalSpy loaded(m_views.payments, &PaymentsView::paymentLoaded);
        QTest::mouseClick(results->viewport(), Qt::LeftButton, {}, results->visualItemRect(item).center());
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 15000);
        auto *timeline = widget<QTreeWidget>(m_views.payments, "paymentTimeline");
        QVERIFY(timeline);
        QStringList events;
        for (int i = 0; i < timeline->topLevelItemCount(); ++i)
            events << timeline->topLevelItem(i)->text(1) + u' ' + timeline->topLevelItem(i)->text(2);
        const QString all = events.join(QStringLiteral(" | "));
        QVERIFY2(events.contains(QStringLiteral("gateway status pending")), qPrintable(all));
        QVERIFY2(events.contains(QStringLiteral("gateway status pending → success")), qPrintable(all));
        QVERIFY2(events.filter(QStringLiteral("gateway risk risk_check")).size() == 1, qPrintable(all));
        QVERIFY2(events.filter(QStringLiteral("accounting ledger payment")).size() == 1, qPrintable(all));
        if (!hookUrl.isEmpty())
            QVERIFY2(events.contains(QStringLiteral("notification webhook payment.success delivered")),
                     qPrintable(all));
        QVERIFY(widget<QLabel>(m_views.payments, "paymentFacts")->text().contains(m_traceId));
        // The webhook delivery selected: its detail (the merchant's HTTP 200) below the timeline.
        for (int i = 0; i < timeline->topLevelItemCount(); ++i)
            if (timeline->topLevelItem(i)->text(1) == QStringLiteral("notification"))
                QTest::mouseClick(timeline->viewport(), Qt::LeftButton, {},
                                  timeline->visualItemRect(timeline->topLevelItem(i)).center());
        shot(m_window, QStringLiteral("d1-payment-timeline"));
        if (!hookUrl.isEmpty()) {
            QVERIFY(widget<QPlainTextEdit>(m_views.payments, "paymentEntryDetail")
                        ->toPlainText()
                        .contains(QStringLiteral("\"last_status_code\": 200")));
            QTRY_VERIFY_WITH_TIMEOUT(!m_receiver.deliveries.isEmpty(), 5000);
        }

        // Trace: the exact trace the gateway recorded, with its spans and its callees'.
        QSignalSpy traced(m_views.traces, &TraceView::traceLoaded);
        auto *traceButton = widget<QPushButton>(m_views.payments, "paymentTrace");
        QVERIFY(traceButton && traceButton->isEnabled());
        QTest::mouseClick(traceButton, Qt::LeftButton);
        QCOMPARE(m_window->currentViewId(), QStringLiteral("traces"));
        QTRY_VERIFY_WITH_TIMEOUT(traced.count() >= 1, 15000);
        QVERIFY(traced.last().at(0).toInt() > 0);
        QCOMPARE(widget<QLineEdit>(m_views.traces, "traceId")->text(), m_traceId);
        const Trace &trace = m_views.traces->waterfall()->trace();
        QCOMPARE(trace.traceId, m_traceId);
        QStringList operations;
        for (const TraceSpan &span : trace.spans) {
            QCOMPARE(span.traceId, m_traceId);
            operations << span.service + u' ' + span.operation;
        }
        QVERIFY2(operations.contains(QStringLiteral("payment-gateway POST /api/v1/payments")),
                 qPrintable(operations.join(QStringLiteral(", "))));
        for (const char *callee :
             {"risk-service", "merchant-limit-service", "order-service", "channel-adapter"})
            QVERIFY2(trace.services().contains(QLatin1String(callee)), callee);
        QTRY_VERIFY_WITH_TIMEOUT(
            widget<QTreeWidget>(m_views.traces, "traceAttributes")->topLevelItemCount() > 0, 10000);
        shot(m_window, QStringLiteral("d2-payment-trace"));
    }

    // e. A declined payment, found by an operator from the dashboard.
    void operatorFindsTheFailedPaymentsLogLine()
    {
        QVERIFY(!m_keyId.isEmpty());
        m_declinedOrder = QStringLiteral("LB-2026-") + QUuid::createUuid().toString(QUuid::Id128).left(6);
        const HttpResult declined = pay(QString::fromLatin1(kDeclinedCard), 4200, m_declinedOrder);
        QVERIFY2(declined.status == 201, declined.body.constData());
        QCOMPARE(declined.json().value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(declined.json().value("error").toObject().value("code").toString(),
                 QStringLiteral("card_declined"));
        m_declinedNo = declined.json().value("payment_no").toString();
        m_declinedTrace = declined.json().value("trace_id").toString();

        // The dashboard, payment-gateway's tile (double-click), its page.
        clickSidebar(QStringLiteral("health"));
        HealthDashboard *health = m_views.health;
        health->showTiles();
        auto *tile = widget<HealthTile>(health, "tile-payment-gateway");
        QVERIFY(tile);
        QSignalSpy pageLoaded(health->servicePage(), &ServicePage::loaded);
        QTest::mouseDClick(tile, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(pageLoaded.count() >= 1, 10000);
        QCOMPARE(health->servicePage()->service(), QStringLiteral("payment-gateway"));
        QVERIFY(health->servicePage()->isVisible());
        // Its recent lines include the warning already; the explorer is where an operator digs.
        QTRY_VERIFY_WITH_TIMEOUT(health->servicePage()->historyPoints() >= 2, 15000);
        shot(m_window, QStringLiteral("e1-gateway-service-page"));

        // "Logs": the explorer, fetched from payment-gateway, query service:payment-gateway.
        QSignalSpy searched(m_views.logs, &LogExplorerView::searchFinished);
        auto *logsButton = widget<QPushButton>(health->servicePage(), "serviceLogs");
        QVERIFY(logsButton);
        QTest::mouseClick(logsButton, Qt::LeftButton);
        QCOMPARE(m_window->currentViewId(), QStringLiteral("logs"));
        QTRY_VERIFY_WITH_TIMEOUT(searched.count() >= 1, 20000);
        QVERIFY(searched.last().at(0).toInt() > 0);
        auto *query = widget<QLineEdit>(m_views.logs, "logQuery");
        QVERIFY(query);
        QCOMPARE(query->text(), QStringLiteral("service:payment-gateway"));
        QCOMPARE(widget<QComboBox>(m_views.logs, "logService")->currentText(),
                 QStringLiteral("payment-gateway"));
        LogTableModel *model = m_views.logs->model();
        QTRY_VERIFY_WITH_TIMEOUT(!m_views.logs->isFiltering(), 10000);
        // The page's and the explorer's own log reads are not in the log (DEBUG, not INFO).
        for (int r = 0; r < model->rowCount(); ++r) {
            QCOMPARE(model->index(r, LogTableModel::ServiceColumn).data().toString(),
                     QStringLiteral("payment-gateway"));
            QVERIFY(!model->index(r, LogTableModel::MessageColumn)
                         .data()
                         .toString()
                         .contains(QStringLiteral("/admin/v1/logs")));
        }
        shot(m_window, QStringLiteral("e2-gateway-logs"));

        // The operator narrows to warnings and worse: typed, then Enter.
        const auto findDeclineRow = [&]() {
            for (int r = 0; r < model->rowCount(); ++r)
                if (model->index(r, LogTableModel::MessageColumn).data().toString().contains(m_declinedNo))
                    return r;
            return -1;
        };
        QSignalSpy filtered(m_views.logs, &LogExplorerView::filterApplied);
        query->setFocus();
        QTest::keyClick(query, Qt::Key_End);
        QTest::keyClicks(query, QStringLiteral(" AND level>=WARN"));
        QTest::keyClick(query, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(filtered.count() >= 1 && !m_views.logs->isFiltering(), 10000);
        QVERIFY(m_views.logs->queryError().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(findDeclineRow() >= 0, 5000);
        for (int r = 0; r < model->rowCount(); ++r)
            QVERIFY(QStringList({"WARN", "ERROR"})
                        .contains(model->index(r, LogTableModel::LevelColumn).data().toString()));
        auto *table = widget<QTableView>(m_views.logs, "logTable");
        QVERIFY(table);
        clickRow(table, model->index(findDeclineRow(), LogTableModel::MessageColumn));
        QVERIFY(table->viewport()->rect().contains(
            table->visualRect(model->index(findDeclineRow(), 0)).center()));
        shot(m_window, QStringLiteral("e3-logs-warnings"));

        // And to the payment number: exactly its line, whose JSON says what happened.
        query->setFocus();
        QTest::keyClick(query, Qt::Key_End);
        QTest::keyClicks(query, QStringLiteral(" AND ") + m_declinedNo);
        QTest::keyClick(query, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!m_views.logs->isFiltering() && model->rowCount() == 1, 10000);
        const int row = findDeclineRow();
        QCOMPARE(row, 0);
        QCOMPARE(model->index(row, LogTableModel::LevelColumn).data().toString(), QStringLiteral("WARN"));
        QCOMPARE(model->index(row, LogTableModel::ServiceColumn).data().toString(),
                 QStringLiteral("payment-gateway"));
        QCOMPARE(model->index(row, LogTableModel::TraceColumn).data(LogTableModel::TraceIdRole).toString(),
                 m_declinedTrace);
        const QString message = model->index(row, LogTableModel::MessageColumn).data().toString();
        QVERIFY2(message.contains(QStringLiteral("card_declined")) && message.contains(m_declinedOrder) &&
                     message.contains(m_merchantId),
                 qPrintable(message));
        clickRow(table, model->index(row, LogTableModel::MessageColumn));
        const QJsonObject line =
            QJsonDocument::fromJson(widget<QPlainTextEdit>(m_views.logs, "logDetail")->toPlainText().toUtf8())
                .object();
        QCOMPARE(line.value("payment_no").toString(), m_declinedNo);
        QCOMPARE(line.value("order_no").toString(), m_declinedOrder);
        QCOMPARE(line.value("merchant_id").toString(), m_merchantId);
        QCOMPARE(line.value("code").toString(), QStringLiteral("card_declined"));
        QCOMPARE(line.value("trace_id").toString(), m_declinedTrace);
        QVERIFY(widget<QPushButton>(m_views.logs, "logOpenTrace")->isEnabled());
        shot(m_window, QStringLiteral("e4-failed-payment-line"));
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
    paydesk::testing::runEmbeddedGuiTest<ConsoleWalkthroughTest>(argc, argv);
}
#include "tst_console_walkthrough.moc"
