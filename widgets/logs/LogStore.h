#pragma once
// The log explorer's lines in columns: one flat vector per field the filters and the table read
// (time, level, service, duration, status, trace, tags) plus two byte arenas (the raw JSON line and
// its message). No object per line: 1,000,000 lines cost ~250 MB and filter as flat scans.
// Append-only; not thread-safe: the GUI thread appends, a filter job reads a frozen prefix while
// the explorer holds appends back (see LogExplorerView).

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace paydesk::console {

enum class LogLevel : quint8 { Debug = 0, Info = 1, Warn = 2, Error = 3, Fatal = 4, Unknown = 5 };
LogLevel logLevelFromText(QStringView text, bool *ok = nullptr);
QString logLevelText(LogLevel level);

enum LogTag : quint8 { TagNone = 0, TagSlow = 1, TagError = 2 };

// One line already taken apart (generators and benchmarks append without JSON parsing).
struct LogLineFields
{
    qint64 timeMs = 0;
    LogLevel level = LogLevel::Info;
    QStringView service;
    float durationMs = std::numeric_limits<float>::quiet_NaN();
    int status = 0;
    QByteArray traceId;
    quint8 tags = 0; // explicit LogTag bits
    QStringView message;
    QByteArrayView extraText; // the other fields' values, UTF-8, separated by LogStore::kFieldSeparator
    QByteArrayView raw;       // the compact JSON line
};

class LogStore
{
public:
    static constexpr float kNoDuration = std::numeric_limits<float>::quiet_NaN();
    // Between field values in the text arena: no search term contains it, so no hit spans fields.
    static constexpr char kFieldSeparator = '\x1f';

    // One compact JSON log line (the services' JsonLog format). Lines that are not JSON objects
    // are kept as text with level Unknown, so nothing a service wrote disappears.
    void appendJsonLine(QByteArrayView line);
    void appendObject(const QJsonObject &object);
    void append(const LogLineFields &line);
    void reserve(qsizetype lines, qsizetype rawBytes);
    void clear();

    qsizetype size() const { return static_cast<qsizetype>(m_time.size()); }
    qint64 timeMs(qsizetype row) const { return m_time[size_t(row)]; }
    LogLevel level(qsizetype row) const { return static_cast<LogLevel>(m_level[size_t(row)]); }
    quint16 serviceIndex(qsizetype row) const { return m_service[size_t(row)]; }
    const QString &serviceName(quint16 index) const { return m_services.at(index); }
    float durationMs(qsizetype row) const { return m_duration[size_t(row)]; }
    int status(qsizetype row) const { return m_status[size_t(row)]; }
    quint32 traceIndex(qsizetype row) const { return m_trace[size_t(row)]; }
    QByteArray traceId(qsizetype row) const { return m_traces.at(m_trace[size_t(row)]); }
    // Tags written by the service itself ("tags":["slow"]); the explorer adds threshold tags.
    quint8 explicitTags(qsizetype row) const { return m_tags[size_t(row)]; }
    quint8 tags(qsizetype row, double slowThresholdMs) const;
    QByteArrayView raw(qsizetype row) const;
    QString message(qsizetype row) const;

    // Dictionaries behind the index columns (small: tens of services, one entry per trace).
    const QStringList &services() const { return m_services; }
    const QList<QByteArray> &traces() const { return m_traces; }
    qint32 findTrace(const QByteArray &traceId) const { return m_traceIndex.value(traceId, -1); }

    // The whole raw arena and each line's start offset (size()+1 entries).
    const std::vector<char> &rawArena() const { return m_raw; }
    const std::vector<quint64> &rawOffsets() const { return m_rawOffset; }
    // The searchable text of each line: the message, then the values of the fields that have no
    // column (span_id, path, code…), without keys, timestamps or JSON syntax: a quarter of the raw
    // bytes, which is what full-text search scans in one pass.
    const std::vector<char> &textArena() const { return m_text; }
    const std::vector<quint64> &textOffsets() const { return m_textOffset; }
    QByteArrayView text(qsizetype row) const;

private:
    quint16 internService(QStringView name);
    quint32 internTrace(const QByteArray &id);
    void appendText(QStringView message, QByteArrayView extra);
    void appendParsed(const QJsonObject &object, QByteArrayView raw);

    std::vector<qint64> m_time;
    std::vector<quint8> m_level;
    std::vector<quint16> m_service;
    std::vector<float> m_duration;
    std::vector<qint16> m_status;
    std::vector<quint32> m_trace;
    std::vector<quint8> m_tags;
    std::vector<quint64> m_rawOffset{0};
    std::vector<char> m_raw;
    std::vector<quint64> m_textOffset{0};
    std::vector<char> m_text;             // UTF-8: message, then kFieldSeparator + value per other field
    std::vector<quint32> m_messageLength; // bytes of the message at the start of each line's text

    QStringList m_services;
    QHash<QString, quint16> m_serviceIndex;
    QList<QByteArray> m_traces{QByteArray()}; // 0 = no trace
    QHash<QByteArray, qint32> m_traceIndex;
};

} // namespace paydesk::console
