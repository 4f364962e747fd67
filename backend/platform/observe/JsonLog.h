#pragma once
// One JSON object per line in <data>/logs/<service>.log. Fields follow the seed's Zap logger
// (timestamp, level, service, message, trace_id, method, path, duration) plus span_id, status and
// duration_ms. Thread-safe: the service thread and its workers write to the same file. Rotation is
// size based (log.1 … log.N), bounded by log_max_files.

#include <QFile>
#include <QJsonObject>
#include <QMutex>
#include <QString>

namespace paydesk::platform {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };
LogLevel parseLogLevel(const QString &text, bool *ok = nullptr);
QString toString(LogLevel level);

class JsonLog
{
public:
    JsonLog(QString service, QString filePath, qint64 maxBytes, int maxFiles);
    ~JsonLog();

    void setLevel(LogLevel level) { m_level.storeRelaxed(static_cast<int>(level)); }
    LogLevel level() const { return static_cast<LogLevel>(m_level.loadRelaxed()); }
    bool enabled(LogLevel level) const { return static_cast<int>(level) >= m_level.loadRelaxed(); }

    // `fields` may carry trace_id, span_id, method, path, status, duration_ms and anything else.
    void write(LogLevel level, const QString &message, const QJsonObject &fields = {});
    QString filePath() const { return m_path; }

private:
    void rotateLocked();

    const QString m_service;
    const QString m_path;
    const qint64 m_maxBytes;
    const int m_maxFiles;
    QAtomicInt m_level{static_cast<int>(LogLevel::Info)};
    QMutex m_mutex; // guards m_file and rotation; held only for one append
    QFile m_file;
};

} // namespace paydesk::platform
