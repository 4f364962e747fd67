#pragma once
// Registers the console's views and actions on a MainWindow: Health (Ctrl+1), Merchants (Ctrl+2),
// KYC review (Ctrl+3), Payments (Ctrl+4), Logs (Ctrl+5), Traces (Ctrl+6), and wires the jumps
// between them (a trace id opens the trace, a trace or payment opens its logs).

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class HealthDashboard;
class KycView;
class MainWindow;
class MerchantsView;
class LogExplorerView;
class TraceView;
class PaymentsView;

struct ConsoleViews
{
    HealthDashboard *health = nullptr;
    MerchantsView *merchants = nullptr;
    KycView *kyc = nullptr;
    PaymentsView *payments = nullptr;
    LogExplorerView *logs = nullptr;
    TraceView *traces = nullptr;
};

ConsoleViews addConsoleViews(MainWindow &window, api::PlatformClient *client);

} // namespace paydesk::console
