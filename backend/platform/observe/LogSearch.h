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
    QString spanId;   // exact span_id (a span's own lines in the trace view)
    QDateTime since;  // inclusive; invalid = unbounded
    QDateTime until;  // exclusive; invalid = unbounded
    int limit = 200;  // at most 5000
    int offset = 0;   // matches to skip before the first returned one (paging, newest first)
    qint64 scanBytesMax = 64ll * 1024 * 1024;
};

struct LogSearchResult
{
    QList<QJsonObject> lines; // newest first
    qint64 scannedBytes = 0;
    bool truncated = false; // stopped at scanBytesMax before reaching the oldest line
};

LogSearchResult searchLog(const QString &path, int rotatedFiles, const LogQuery &query);

// Live tail: the lines written after `cursor` (a byte offset in the current file, as returned by the
// previous call), oldest first, filtered like searchLog (time bounds ignored). A cursor < 0 starts at
// the end (nothing returned, only the cursor). When the file rotated since (its size fell below the
// cursor) the rest of `<path>.1` is read first, then the new file from its start. The request lines
// of /admin/v1/logs itself are skipped: a tail would otherwise keep waking itself up.
struct LogTailResult
{
    QList<QJsonObject> lines; // oldest first
    qint64 cursor = 0;        // pass back as `after` for the next call
    bool truncated = false;   // more than `limit` new lines: the cursor stops after the last returned
};

LogTailResult tailLog(const QString &path, qint64 cursor, const LogQuery &filter);
// The cursor that tailLog would return now without reading (the current file's size).
qint64 logEndCursor(const QString &path);

} // namespace paydesk::platform
