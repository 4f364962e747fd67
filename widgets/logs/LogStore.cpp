#include "logs/LogStore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace paydesk::console {

LogLevel logLevelFromText(QStringView text, bool *ok)
{
    if (ok)
        *ok = true;
    if (text.compare(u"DEBUG", Qt::CaseInsensitive) == 0)
        return LogLevel::Debug;
    if (text.compare(u"INFO", Qt::CaseInsensitive) == 0)
        return LogLevel::Info;
    if (text.compare(u"WARN", Qt::CaseInsensitive) == 0 || text.compare(u"WARNING", Qt::CaseInsensitive) == 0)
        return LogLevel::Warn;
    if (text.compare(u"ERROR", Qt::CaseInsensitive) == 0)
        return LogLevel::Error;
    if (text.compare(u"FATAL", Qt::CaseInsensitive) == 0)
        return LogLevel::Fatal;
    if (ok)
        *ok = false;
    return LogLevel::Unknown;
}

QString logLevelText(LogLevel level)
{
    static const QString kNames[] = {QStringLiteral("DEBUG"), QStringLiteral("INFO"),  QStringLiteral("WARN"),
                                     QStringLiteral("ERROR"), QStringLiteral("FATAL"), QStringLiteral("?")};
    return kNames[static_cast<int>(level)];
}

void LogStore::reserve(qsizetype lines, qsizetype rawBytes)
{
    const auto n = size_t(lines);
    m_time.reserve(n);
    m_level.reserve(n);
    m_service.reserve(n);
    m_duration.reserve(n);
    m_status.reserve(n);
    m_trace.reserve(n);
    m_tags.reserve(n);
    m_rawOffset.reserve(n + 1);
    m_textOffset.reserve(n + 1);
    m_messageLength.reserve(n);
    m_raw.reserve(size_t(rawBytes));
    m_text.reserve(size_t(rawBytes) / 4);
}

void LogStore::clear()
{
    *this = LogStore();
}

quint16 LogStore::internService(QStringView name)
{
    const QString key = name.toString();
    auto it = m_serviceIndex.constFind(key);
    if (it != m_serviceIndex.constEnd())
        return it.value();
    const auto index = static_cast<quint16>(m_services.size());
    m_services.append(key);
    m_serviceIndex.insert(key, index);
    return index;
}

quint32 LogStore::internTrace(const QByteArray &id)
{
    if (id.isEmpty())
        return 0;
    auto it = m_traceIndex.constFind(id);
    if (it != m_traceIndex.constEnd())
        return quint32(it.value());
    const auto index = qint32(m_traces.size());
    m_traces.append(id);
    m_traceIndex.insert(id, index);
    return quint32(index);
}

void LogStore::appendText(QStringView message, QByteArrayView extra)
{
    const QByteArray utf8 = message.toUtf8();
    m_text.insert(m_text.end(), utf8.begin(), utf8.end());
    m_messageLength.push_back(quint32(utf8.size()));
    if (!extra.isEmpty()) {
        m_text.push_back(kFieldSeparator);
        m_text.insert(m_text.end(), extra.begin(), extra.end());
    }
    m_textOffset.push_back(m_text.size());
}

void LogStore::appendJsonLine(QByteArrayView line)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &error);
    if (error.error == QJsonParseError::NoError && document.isObject()) {
        appendParsed(document.object(), line);
        return;
    }
    // Not JSON: kept as an unknown-level line whose message is the text.
    m_time.push_back(0);
    m_level.push_back(quint8(LogLevel::Unknown));
    m_service.push_back(internService(u""));
    m_duration.push_back(kNoDuration);
    m_status.push_back(0);
    m_trace.push_back(0);
    m_tags.push_back(TagNone);
    m_raw.insert(m_raw.end(), line.begin(), line.end());
    m_rawOffset.push_back(m_raw.size());
    appendText(QString::fromUtf8(line), {});
}

void LogStore::appendObject(const QJsonObject &object)
{
    appendParsed(object, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

void LogStore::append(const LogLineFields &line)
{
    m_time.push_back(line.timeMs);
    m_level.push_back(quint8(line.level));
    m_service.push_back(internService(line.service));
    m_duration.push_back(line.durationMs);
    m_status.push_back(qint16(line.status));
    m_trace.push_back(internTrace(line.traceId));
    m_tags.push_back(line.tags);
    m_raw.insert(m_raw.end(), line.raw.begin(), line.raw.end());
    m_rawOffset.push_back(m_raw.size());
    appendText(line.message, line.extraText);
}

void LogStore::appendParsed(const QJsonObject &object, QByteArrayView raw)
{
    const QDateTime at =
        QDateTime::fromString(object.value(QLatin1String("timestamp")).toString(), Qt::ISODateWithMs);
    m_time.push_back(at.isValid() ? at.toMSecsSinceEpoch() : 0);
    m_level.push_back(quint8(logLevelFromText(object.value(QLatin1String("level")).toString())));
    m_service.push_back(internService(object.value(QLatin1String("service")).toString()));
    const QJsonValue duration = object.value(QLatin1String("duration_ms"));
    m_duration.push_back(duration.isDouble() ? float(duration.toDouble()) : kNoDuration);
    m_status.push_back(qint16(object.value(QLatin1String("status")).toInt()));
    m_trace.push_back(internTrace(object.value(QLatin1String("trace_id")).toString().toLatin1()));
    quint8 tags = TagNone;
    for (const QJsonValue &tag : object.value(QLatin1String("tags")).toArray()) {
        if (tag.toString() == QLatin1String("slow"))
            tags |= TagSlow;
        else if (tag.toString() == QLatin1String("error"))
            tags |= TagError;
    }
    m_tags.push_back(tags);
    m_raw.insert(m_raw.end(), raw.begin(), raw.end());
    m_rawOffset.push_back(m_raw.size());
    // Searchable text: every value that has no column of its own.
    QByteArray extra;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString &key = it.key();
        if (key == QLatin1String("message") || key == QLatin1String("timestamp") ||
            key == QLatin1String("level") || key == QLatin1String("service") ||
            key == QLatin1String("trace_id") || key == QLatin1String("duration_ms") ||
            key == QLatin1String("status") || key == QLatin1String("tags"))
            continue;
        const QJsonValue value = it.value();
        QByteArray text;
        if (value.isString())
            text = value.toString().toUtf8();
        else if (value.isDouble())
            text = QByteArray::number(value.toDouble(), 'g', 17);
        else if (value.isBool())
            text = value.toBool() ? "true" : "false";
        else if (value.isArray() || value.isObject())
            text = QJsonDocument(value.isArray() ? QJsonDocument(value.toArray())
                                                 : QJsonDocument(value.toObject()))
                       .toJson(QJsonDocument::Compact);
        text.replace(kFieldSeparator, ' ');
        if (text.isEmpty())
            continue;
        if (!extra.isEmpty())
            extra.append(kFieldSeparator);
        extra.append(text);
    }
    appendText(object.value(QLatin1String("message")).toString(), extra);
}

quint8 LogStore::tags(qsizetype row, double slowThresholdMs) const
{
    quint8 tags = m_tags[size_t(row)];
    const float duration = m_duration[size_t(row)];
    if (!std::isnan(duration) && duration >= slowThresholdMs)
        tags |= TagSlow;
    const auto lvl = level(row);
    if (lvl == LogLevel::Error || lvl == LogLevel::Fatal || m_status[size_t(row)] >= 500)
        tags |= TagError;
    return tags;
}

QByteArrayView LogStore::raw(qsizetype row) const
{
    const quint64 begin = m_rawOffset[size_t(row)];
    const quint64 end = m_rawOffset[size_t(row) + 1];
    return QByteArrayView(m_raw.data() + begin, qsizetype(end - begin));
}

QString LogStore::message(qsizetype row) const
{
    return QString::fromUtf8(m_text.data() + m_textOffset[size_t(row)],
                             qsizetype(m_messageLength[size_t(row)]));
}

QByteArrayView LogStore::text(qsizetype row) const
{
    const quint64 begin = m_textOffset[size_t(row)];
    const quint64 end = m_textOffset[size_t(row) + 1];
    return QByteArrayView(m_text.data() + begin, qsizetype(end - begin));
}

} // namespace paydesk::console
