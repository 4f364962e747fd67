#include "shell/ConsoleViews.h"

#include "health/HealthDashboard.h"
#include "merchants/KycView.h"
#include "merchants/MerchantsView.h"
#include "shell/MainWindow.h"

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

    HealthDashboard *health = views.health;
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
