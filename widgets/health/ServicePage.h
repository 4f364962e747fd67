#pragma once
// One service in depth: its checks (live from the health model), req/s and p95 over the last five
// minutes (QtCharts, from /api/v1/system/health/history), its 50 most recent log lines, and Stop /
// Start / Restart (admin-service, permission system.control) after a confirmation.

#include <QWidget>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QPushButton;
class QTableWidget;
class QValueAxis;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class HealthModel;

class ServicePage : public QWidget
{
    Q_OBJECT
public:
    ServicePage(api::PlatformClient *client, HealthModel *model, QWidget *parent = nullptr);
    void open(const QString &service);
    QString service() const { return m_service; }
    void reload();
    int logRowCount() const;
    int historyPoints() const;

    // "stop" | "start" | "restart". requestControl asks for confirmation first (the buttons);
    // control sends at once. The answer arrives asynchronously: controlFinished.
    void requestControl(const QString &action);
    void control(const QString &action);
    QPushButton *stopButton() const { return m_stopButton; }
    QPushButton *startButton() const { return m_startButton; }
    QPushButton *restartButton() const { return m_restartButton; }
    QString controlResult() const;

Q_SIGNALS:
    void backRequested();
    void loaded();
    // The log explorer, filtered to this service.
    void logsRequested(const QString &service);
    void controlFinished(bool ok, const QString &text);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void showChecks();
    void refreshHistory();
    void showHistory(const QJsonObject &history);
    void updateControls();

    api::PlatformClient *m_client;
    HealthModel *m_model;
    QString m_service;
    QLabel *m_title;
    QLabel *m_status;
    QLabel *m_error;
    QTableWidget *m_checks;
    QTableWidget *m_logs;
    QLineSeries *m_rps;
    QLineSeries *m_p95;
    QValueAxis *m_rpsY;
    QValueAxis *m_p95Y;
    QValueAxis *m_rpsX;
    QValueAxis *m_p95X;
    QPushButton *m_stopButton;
    QPushButton *m_startButton;
    QPushButton *m_restartButton;
    QLabel *m_controlResult;
    bool m_controlInFlight = false;
    // The state a control call answered, preferred to the model's until its next sample agrees
    // (the dashboard samples once a second and would briefly show the old state).
    QString m_answeredState;
    int m_pending = 0;
    bool m_historyInFlight = false;
};

} // namespace paydesk::console
