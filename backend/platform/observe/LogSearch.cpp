#include "platform/observe/LogSearch.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace paydesk::platform {

namespace {
constexpr qint64 kChunkBytes = 64 * 1024;
// The request line JsonLog writes for a call to this very route (see RequestPipeline).
constexpr QByteArrayView kLogRouteMarker = "\"route\":\"/admin/v1/logs\"";

int levelRank(const QString &level)
{
    static const QStringList kLevels{QStringLiteral("DEBUG"), QStringLiteral("INFO"), QStringLiteral("WARN"),
                                     QStringLiteral("ERROR")};
    return static_cast<int>(kLevels.indexOf(level.toUpper()));
}

// Cheap checks on the raw bytes first; JSON is parsed only for candidate lines.
bool matches(const QByteArray &line, const LogQuery &query, QJsonObject *parsed)
{
    if (!query.traceId.isEmpty() && !line.contains(query.traceId.toLatin1()))
        return false;
    if (!query.spanId.isEmpty() && !line.contains(query.spanId.toLatin1()))
        return false;
    if (!query.text.isEmpty() && !QString::fromUtf8(line).contains(query.text, Qt::CaseInsensitive))
        return false;
    const QJsonObject object = QJsonDocument::fromJson(line).object();
    if (object.isEmpty())
        return false;
    if (!query.traceId.isEmpty() && object.value(QStringLiteral("trace_id")).toString() != query.traceId)
        return false;
    if (!query.spanId.isEmpty() && object.value(QStringLiteral("span_id")).toString() != query.spanId)
        return false;
    if (!query.minLevel.isEmpty() &&
        levelRank(object.value(QStringLiteral("level")).toString()) < levelRank(query.minLevel))
        return false;
    if (query.since.isValid() || query.until.isValid()) {
        const QDateTime at =
            QDateTime::fromString(object.value(QStringLiteral("timestamp")).toString(), Qt::ISODateWithMs);
        if ((query.since.isValid() && at < query.since) || (query.until.isValid() && at >= query.until))
            return false;
    }
    *parsed = object;
    return true;
}

// Reads `file` backwards chunk by chunk, handing complete lines to `visit` newest first.
// Returns false when `visit` asked to stop.
bool scanBackwards(QFile &file, qint64 *budget, const std::function<bool(const QByteArray &)> &visit)
{
    qint64 position = file.size();
    QByteArray carry; // the start of a line whose beginning lies in the previous chunk
    while (position > 0 && *budget > 0) {
        const qint64 length = qMin(kChunkBytes, position);
        position -= length;
        file.seek(position);
        QByteArray chunk = file.read(length) + carry;
        *budget -= length;
        qsizetype end = chunk.size();
        for (qsizetype i = chunk.size() - 1; i >= 0; --i) {
            if (chunk[i] != '\n')
                continue;
            if (end - i > 1 && !visit(chunk.mid(i + 1, end - i - 1)))
                return false;
            end = i;
        }
        carry = chunk.left(end);
    }
    if (position == 0 && !carry.isEmpty())
        return visit(carry);
    return true;
}
} // namespace

LogSearchResult searchLog(const QString &path, int rotatedFiles, const LogQuery &query)
{
    LogSearchResult result;
    const int limit = qBound(1, query.limit, 5000);
    qint64 budget = query.scanBytesMax;
    int toSkip = qMax(0, query.offset);
    for (int index = 0; index <= rotatedFiles; ++index) {
        QFile file(index == 0 ? path : path + u'.' + QString::number(index));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const qint64 before = budget;
        const bool more = scanBackwards(file, &budget, [&](const QByteArray &line) {
            QJsonObject parsed;
            if (matches(line, query, &parsed)) {
                if (toSkip > 0)
                    --toSkip;
                else
                    result.lines.append(parsed);
            }
            return result.lines.size() < limit;
        });
        result.scannedBytes += before - budget;
        if (!more)
            return result;
        if (budget <= 0) {
            result.truncated = true;
            return result;
        }
    }
    return result;
}

qint64 logEndCursor(const QString &path)
{
    return QFileInfo(path).size();
}

LogTailResult tailLog(const QString &path, qint64 cursor, const LogQuery &filter)
{
    LogTailResult result;
    const int limit = qBound(1, filter.limit, 5000);
    LogQuery lineFilter = filter;
    lineFilter.since = lineFilter.until = QDateTime(); // a tail is bounded by the cursor, not by time
    QFile current(path);
    if (!current.open(QIODevice::ReadOnly)) {
        result.cursor = 0;
        return result;
    }
    const qint64 size = current.size();
    if (cursor < 0 || cursor == size) {
        result.cursor = size;
        return result;
    }
    // Reads complete lines of `file` from `from`; returns the offset after the last consumed line.
    const auto readForward = [&](QFile &file, qint64 from) {
        file.seek(from);
        qint64 position = from;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine();
            if (!line.endsWith('\n'))
                break; // a line being written: pick it up next time
            position += line.size();
            // A tail's own requests are logged too: returning them would wake the next poll at once,
            // forever. The cursor moves past them.
            if (line.contains(kLogRouteMarker))
                continue;
            QJsonObject parsed;
            if (matches(line.chopped(1), lineFilter, &parsed)) {
                result.lines.append(parsed);
                if (result.lines.size() >= limit) {
                    result.truncated = !file.atEnd();
                    break;
                }
            }
        }
        return position;
    };
    if (cursor > size) { // rotated since the last call
        QFile previous(path + QStringLiteral(".1"));
        if (previous.open(QIODevice::ReadOnly) && previous.size() >= cursor) {
            readForward(previous, cursor);
            if (result.truncated || result.lines.size() >= limit) {
                // The rest of the rotated file is given up rather than tracked with a second cursor.
                result.truncated = true;
                result.cursor = 0;
                return result;
            }
        }
        cursor = 0;
    }
    result.cursor = readForward(current, cursor);
    return result;
}

} // namespace paydesk::platform
