#pragma once
// The trace view: searches recent spans across services (service, operation, minimum duration,
// time range, errors), lists them, and draws a chosen trace as a waterfall across every service
// (each one asked for its spans of that trace, in parallel). Selecting a span shows its attributes
// and its log lines (log search by trace id + span id).

#include "logs/LogStore.h"
#include "traces/TraceTree.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTreeWidget;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class LogTableModel;
class WaterfallWidget;

class TraceView : public QWidget
{
    Q_OBJECT
public:
    explicit TraceView(api::PlatformClient *client, QWidget *parent = nullptr);
    ~TraceView() override;

    WaterfallWidget *waterfall() const { return m_waterfall; }
    QTreeWidget *results() const { return m_results; }
    QTreeWidget *attributes() const { return m_attributes; }
    LogTableModel *spanLogs() const { return m_logModel; }
    void setSearch(const QString &service, const QString &operation, int minDurationMs, bool errorsOnly);

public Q_SLOTS:
    void search();
    void openTrace(const QString &traceId);

Q_SIGNALS:
    // Every log line of the trace (the log explorer shows them).
    void logsRequested(const QString &traceId);
    void searchFinished(int spans);
    void traceLoaded(int spans);
    void spanLogsLoaded(int lines);

private:
    void showSpan(int spanIndex);

    api::PlatformClient *m_client;
    QComboBox *m_service;
    QLineEdit *m_operation;
    QSpinBox *m_minDuration;
    QComboBox *m_range;
    QCheckBox *m_errorsOnly;
    QCheckBox *m_hidePlatform;
    QPushButton *m_searchButton;
    QLineEdit *m_traceId;
    QLabel *m_status;
    QTreeWidget *m_results;
    WaterfallWidget *m_waterfall;
    QTreeWidget *m_attributes;
    QLabel *m_logsTitle;
    QTableView *m_logs;
    std::unique_ptr<LogStore> m_logStore;
    LogTableModel *m_logModel;
    QPushButton *m_allLogs;
    quint64 m_searchEpoch = 0;
    quint64 m_traceEpoch = 0;
    quint64 m_spanEpoch = 0;
};

} // namespace paydesk::console
