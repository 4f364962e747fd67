#include "shell/ConsoleViews.h"

#include "health/HealthDashboard.h"
#include "health/ServicePage.h"
#include "logs/LogExplorerView.h"
#include "merchants/KycView.h"
#include "merchants/MerchantsView.h"
#include "payments/PaymentsView.h"
#include "shell/MainWindow.h"
#include "traces/TraceView.h"

#include <QDateTime>

namespace paydesk::console {

ConsoleViews addConsoleViews(MainWindow &window, api::PlatformClient *client)
{
    ConsoleViews views;
    views.health = new HealthDashboard(client);
    views.merchants = new MerchantsView(client);
    views.kyc = new KycView(client);
    window.addView(QStringLiteral("health"), QObject::tr("Health"), QKeySequence(Qt::CTRL | Qt::Key_1),
                   views.health);
    window.addView(QStringLiteral("merchants"), QObject::tr("Merchants"), QKeySequence(Qt::CTRL | Qt::Key_2),
                   views.merchants);
    window.addView(QStringLiteral("kyc"), QObject::tr("KYC review"), QKeySequence(Qt::CTRL | Qt::Key_3),
                   views.kyc);
    views.payments = new PaymentsView(client);
    views.logs = new LogExplorerView(client);
    views.traces = new TraceView(client);
    window.addView(QStringLiteral("payments"), QObject::tr("Payments"), QKeySequence(Qt::CTRL | Qt::Key_4),
                   views.payments);
    window.addView(QStringLiteral("logs"), QObject::tr("Logs"), QKeySequence(Qt::CTRL | Qt::Key_5),
                   views.logs);
    window.addView(QStringLiteral("traces"), QObject::tr("Traces"), QKeySequence(Qt::CTRL | Qt::Key_6),
                   views.traces);
    LogExplorerView *logs = views.logs;
    TraceView *traces = views.traces;
    auto openTrace = [&window, traces](const QString &traceId) {
        window.showView(QStringLiteral("traces"));
        traces->openTrace(traceId);
    };
    QObject::connect(logs, &LogExplorerView::traceRequested, &window, openTrace);
    QObject::connect(views.payments, &PaymentsView::traceRequested, &window, openTrace);
    QObject::connect(traces, &TraceView::logsRequested, &window, [&window, logs](const QString &traceId) {
        window.showView(QStringLiteral("logs"));
        logs->showTraceLogs(traceId);
    });
    QObject::connect(views.payments, &PaymentsView::logsQueryRequested, &window,
                     [&window, logs](const QString &text) {
                         window.showView(QStringLiteral("logs"));
                         logs->showTextLogs(text);
                     });

    HealthDashboard *health = views.health;
    QObject::connect(health->servicePage(), &ServicePage::logsRequested, &window,
                     [&window, logs](const QString &service) {
                         window.showView(QStringLiteral("logs"));
                         logs->showServiceLogs(service);
                     });
    KycView *kyc = views.kyc;
    MerchantsView *merchants = views.merchants;
    window.addCommand(QStringLiteral("health.refresh"), QObject::tr("Refresh health now"),
                      QKeySequence(Qt::Key_F5), [health] { health->refreshNow(); });
    window.addCommand(QStringLiteral("kyc.reload"), QObject::tr("Reload the KYC queue"), {}, [&window, kyc] {
        window.showView(QStringLiteral("kyc"));
        kyc->reload();
    });
    window.addCommand(QStringLiteral("merchants.search"), QObject::tr("Search merchants"), {},
                      [&window, merchants] {
                          window.showView(QStringLiteral("merchants"));
                          merchants->search();
                      });
    // The status bar follows the health refreshes: the console's one periodic request.
    QObject::connect(health, &HealthDashboard::refreshed, &window, [&window](bool ok, const QString &error) {
        window.setConnectionState(ok, ok ? QObject::tr("connected") : error.left(80));
    });
    return views;
}

} // namespace paydesk::console
