#pragma once
// Searches one service's JSON log (the current file, then its rotated files) newest first, for
// the console's log explorer: level, text, trace id and time filters, bounded in lines returned
// and bytes scanned so a query never reads an unbounded amount of disk.

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace paydesk::platform {

struct LogQuery
{
    QString minLevel; // DEBUG | INFO | WARN | ERROR; empty = all
    QString text;     // case-insensitive substring of the raw line
    QString traceId;  // exact trace_id
    QDateTime since;  // inclusive; invalid = unbounded
    QDateTime until;  // exclusive; invalid = unbounded
    int limit = 200;  // at most 5000
    qint64 scanBytesMax = 64ll * 1024 * 1024;
};

struct LogSearchResult
{
    QList<QJsonObject> lines; // newest first
    qint64 scannedBytes = 0;
    bool truncated = false; // stopped at scanBytesMax before reaching the oldest line
};

LogSearchResult searchLog(const QString &path, int rotatedFiles, const LogQuery &query);

} // namespace paydesk::platform
