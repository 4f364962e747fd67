#include "logs/LogTableModel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QJsonDocument>

namespace paydesk::console {

LogTableModel::LogTableModel(const LogStore *store, QObject *parent)
    : QAbstractTableModel(parent), m_store(store), m_shown(store->size())
{
}

int LogTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_filtered ? qsizetype(m_rows.size()) : m_shown);
}

int LogTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const kTitles[] = {"Time (UTC)", "Level", "Service", "ms",
                                          "Status",     "Tags",  "Trace",   "Message"};
    return tr(kTitles[section]);
}

QVariant LogTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const qsizetype row = storeRow(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: {
            const qint64 ms = m_store->timeMs(row);
            return ms ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                            .toString(QStringLiteral("MM-dd HH:mm:ss.zzz"))
                      : QString();
        }
        case LevelColumn:
            return logLevelText(m_store->level(row));
        case ServiceColumn:
            return m_store->serviceName(m_store->serviceIndex(row));
        case DurationColumn: {
            const float ms = m_store->durationMs(row);
            return std::isnan(ms) ? QString() : QString::number(double(ms), 'f', ms < 10 ? 2 : 0);
        }
        case StatusColumn:
            return m_store->status(row) ? QString::number(m_store->status(row)) : QString();
        case TagsColumn:
            return QString(); // painted as chips by LogTagDelegate
        case TraceColumn:
            return QString::fromLatin1(m_store->traceId(row));
        case MessageColumn:
            return m_store->message(row);
        }
        return {};
    case Qt::ForegroundRole: {
        const LogLevel level = m_store->level(row);
        if (index.column() == LevelColumn || index.column() == MessageColumn) {
            if (level >= LogLevel::Error && level != LogLevel::Unknown)
                return QBrush(QColor(0xB0, 0x1E, 0x1E));
            if (level == LogLevel::Warn)
                return QBrush(QColor(0x9A, 0x5B, 0x00));
            if (level == LogLevel::Debug)
                return QBrush(QColor(0x6B, 0x6B, 0x6B));
        }
        if (index.column() == TraceColumn)
            return QBrush(QColor(0x1A, 0x5F, 0xB4)); // looks like a link: a click opens the trace
        return {};
    }
    case Qt::TextAlignmentRole:
        if (index.column() == DurationColumn || index.column() == StatusColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (index.column() == TraceColumn && m_store->traceIndex(row))
            return tr("Open trace %1").arg(QString::fromLatin1(m_store->traceId(row)));
        if (index.column() == MessageColumn)
            return m_store->message(row);
        return {};
    case RawJsonRole:
        return QString::fromUtf8(m_store->raw(row));
    case TraceIdRole:
        return QString::fromLatin1(m_store->traceId(row));
    case TagsRole:
        return int(m_store->tags(row, m_slowMs));
    case LevelRole:
        return int(m_store->level(row));
    case StoreRowRole:
        return qint64(row);
    case TimeMsRole:
        return m_store->timeMs(row);
    default:
        return {};
    }
}

void LogTableModel::setStore(const LogStore *store)
{
    beginResetModel();
    m_store = store;
    m_filtered = false;
    m_rows = {};
    m_shown = store->size();
    endResetModel();
}

void LogTableModel::showAll()
{
    beginResetModel();
    m_filtered = false;
    m_rows = {};
    m_shown = m_store->size();
    endResetModel();
}

void LogTableModel::showRows(std::vector<quint32> rows)
{
    beginResetModel();
    m_filtered = true;
    m_rows = std::move(rows);
    m_shown = m_store->size();
    endResetModel();
}

void LogTableModel::appendRows(qsizetype first, qsizetype end, const std::vector<quint32> &kept)
{
    Q_ASSERT(first == m_shown);
    if (m_filtered) {
        m_shown = end;
        if (kept.empty())
            return;
        const int at = int(m_rows.size());
        beginInsertRows({}, at, at + int(kept.size()) - 1);
        m_rows.insert(m_rows.end(), kept.begin(), kept.end());
        endInsertRows();
        return;
    }
    if (end <= first)
        return;
    beginInsertRows({}, int(first), int(end) - 1);
    m_shown = end;
    endInsertRows();
}

void LogTableModel::setSlowThresholdMs(double ms)
{
    m_slowMs = ms;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, TagsColumn), index(rowCount() - 1, TagsColumn), {TagsRole});
}

} // namespace paydesk::console
