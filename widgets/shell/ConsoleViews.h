#pragma once
// Registers this branch's views and actions on a MainWindow: Health (Ctrl+1), Merchants (Ctrl+2),
// KYC review (Ctrl+3). The log, trace and payment explorers are added the same way (addView) by
// whoever assembles the console; Ctrl+4… are left for them.

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class HealthDashboard;
class KycView;
class MainWindow;
class MerchantsView;

struct ConsoleViews
{
    HealthDashboard *health = nullptr;
    MerchantsView *merchants = nullptr;
    KycView *kyc = nullptr;
};

ConsoleViews addConsoleViews(MainWindow &window, api::PlatformClient *client);

} // namespace paydesk::console
