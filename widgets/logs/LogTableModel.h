#pragma once
// The table over a LogStore: rows are either every line or the filter's index vector (a plain
// std::vector<quint32>), so a million lines cost no per-row object. data() reads the columns on
// demand for the rows being painted.

#include "logs/LogStore.h"

#include <QAbstractTableModel>

#include <vector>

namespace paydesk::console {

class LogTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        LevelColumn,
        ServiceColumn,
        DurationColumn,
        StatusColumn,
        TagsColumn,
        TraceColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role {
        RawJsonRole = Qt::UserRole + 1, // QString: the line's JSON
        TraceIdRole,                    // QString
        TagsRole,                       // int: LogTag bits (threshold applied)
        LevelRole,                      // int: LogLevel
        StoreRowRole,                   // qint64: row in the LogStore
        TimeMsRole,                     // qint64: ms since the epoch (UTC)
    };

    explicit LogTableModel(const LogStore *store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Another store (a new search): shows all of its lines.
    void setStore(const LogStore *store);
    const LogStore *store() const { return m_store; }
    // Every line of the store (no filter).
    void showAll();
    // The rows a filter kept, in store order.
    void showRows(std::vector<quint32> rows);
    // New store lines [first, end) appended; `kept` are those the current filter accepts (ignored
    // when no filter is set). Views keep their scroll position.
    void appendRows(qsizetype first, qsizetype end, const std::vector<quint32> &kept);
    bool isFiltered() const { return m_filtered; }
    qsizetype storeRow(int row) const { return m_filtered ? qsizetype(m_rows[size_t(row)]) : row; }

    void setSlowThresholdMs(double ms);
    double slowThresholdMs() const { return m_slowMs; }

private:
    const LogStore *m_store;
    std::vector<quint32> m_rows;
    bool m_filtered = false;
    qsizetype m_shown = 0; // rows visible when unfiltered (the store may hold lines not yet announced)
    double m_slowMs = 1000;
};

} // namespace paydesk::console
