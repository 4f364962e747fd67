#pragma once
// The log explorer: fetches the services' JSON logs (/admin/v1/logs), filters them locally with the
// query language of LogQuery.h off the GUI thread, tails them live by long poll, and shows one
// line's JSON in a detail pane. A click on a trace id asks for that trace (traceRequested).

#include "logs/LogQuery.h"
#include "logs/LogStore.h"

#include <QFutureWatcher>
#include <QHash>
#include <QJsonObject>
#include <QStyledItemDelegate>
#include <QWidget>

#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class LogTableModel;

// Paints the tags column as coloured chips: "slow" amber, "error" red.
class LogTagDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

// Messages are read from their start: elided at the right, while the table elides trace ids and
// paths in the middle (both ends identify them).
class LogMessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

class LogExplorerView : public QWidget
{
    Q_OBJECT
public:
    explicit LogExplorerView(api::PlatformClient *client, QWidget *parent = nullptr);
    ~LogExplorerView() override;

    // Replaces the loaded lines (tests, benchmarks and the search's answer all come through here).
    void setLines(std::shared_ptr<LogStore> store);
    // Lines arriving from the tail: appended at the bottom without moving a scrolled-up view.
    void appendLines(const QList<QJsonObject> &lines);
    const LogStore &store() const { return *m_store; }
    LogTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QString queryError() const;
    bool isFiltering() const { return m_runningJobs > 0; }
    bool isTailing() const;
    qint64 lastFilterMs() const { return m_lastFilterMs; }

public Q_SLOTS:
    // Fetches the lines of the selected services and range from the cluster.
    void search();
    void setQuery(const QString &query);
    // Every service's lines of one trace (optionally one span), e.g. from the trace view.
    void showTraceLogs(const QString &traceId, const QString &spanId = {});
    // Every service's lines containing a text (e.g. a payment number from the payments explorer).
    void showTextLogs(const QString &text);
    // One service's lines (from its page on the health dashboard): fetched from that service only,
    // with `service:<name>` in the query box for the user to narrow down.
    void showServiceLogs(const QString &service);
    void setTailing(bool on);

Q_SIGNALS:
    void traceRequested(const QString &traceId);
    void filterApplied(int rows);
    void searchFinished(int lines);
    void linesAppended(int lines);

private:
    struct FilterResult
    {
        std::vector<quint32> rows;
        quint64 generation = 0;
        qint64 elapsedMs = 0;
    };

    void applyQuery();
    void flushPending();
    void showDetail();
    void updateStatus();
    void pollTail(const QString &service);
    QStringList selectedServices() const;

    api::PlatformClient *m_client;
    std::shared_ptr<LogStore> m_store;
    LogTableModel *m_model;

    QComboBox *m_service;
    QComboBox *m_range;
    QSpinBox *m_limit;
    QSpinBox *m_slowMs;
    QPushButton *m_searchButton;
    QCheckBox *m_tail;
    QLineEdit *m_query;
    QTimer *m_debounce; // typing re-filters after a pause; text set by code applies at once
    QLabel *m_error;
    QLabel *m_status;
    QTableView *m_table;
    QPlainTextEdit *m_detail;
    QPushButton *m_openTrace;

    std::shared_ptr<const QueryNode> m_root; // the query in force (null = everything)
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_generation = 0;
    int m_runningJobs = 0;
    qint64 m_lastFilterMs = 0;
    QList<QJsonObject> m_pending;        // tail lines held back while a filter job reads the store
    QHash<QString, qint64> m_cursors;    // service → tail cursor
    QHash<QString, quint64> m_tailEpoch; // service → epoch of its running poll
    quint64 m_epoch = 0;                 // bumped when tailing stops or a search replaces the lines
    quint64 m_searchEpoch = 0;
};

} // namespace paydesk::console
