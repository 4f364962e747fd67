#pragma once
// One service in depth: its checks (live from the health model), req/s and p95 over the last five
// minutes (QtCharts, from /api/v1/system/health/history) and its 50 most recent log lines.

#include <QWidget>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
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

Q_SIGNALS:
    void backRequested();
    void loaded();
    // The log explorer, filtered to this service.
    void logsRequested(const QString &service);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void showChecks();
    void refreshHistory();
    void showHistory(const QJsonObject &history);

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
    int m_pending = 0;
    bool m_historyInFlight = false;
};

} // namespace paydesk::console
