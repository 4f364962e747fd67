#include "platform/observe/JsonLog.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace paydesk::platform {

LogLevel parseLogLevel(const QString &text, bool *ok)
{
    const QString lower = text.trimmed().toLower();
    if (ok)
        *ok = true;
    if (lower == QStringLiteral("debug"))
        return LogLevel::Debug;
    if (lower == QStringLiteral("info"))
        return LogLevel::Info;
    if (lower == QStringLiteral("warn") || lower == QStringLiteral("warning"))
        return LogLevel::Warn;
    if (lower == QStringLiteral("error"))
        return LogLevel::Error;
    if (ok)
        *ok = false;
    return LogLevel::Info;
}

QString toString(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return QStringLiteral("DEBUG");
    case LogLevel::Info:
        return QStringLiteral("INFO");
    case LogLevel::Warn:
        return QStringLiteral("WARN");
    case LogLevel::Error:
        return QStringLiteral("ERROR");
    }
    return {};
}

JsonLog::JsonLog(QString service, QString filePath, qint64 maxBytes, int maxFiles)
    : m_service(std::move(service)), m_path(std::move(filePath)), m_maxBytes(maxBytes), m_maxFiles(maxFiles),
      m_file(m_path)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    if (!m_file.open(QIODevice::Append | QIODevice::WriteOnly))
        qWarning("cannot open log file %s: %s", qPrintable(m_path), qPrintable(m_file.errorString()));
}

JsonLog::~JsonLog() = default;

void JsonLog::write(LogLevel level, const QString &message, const QJsonObject &fields)
{
    if (!enabled(level))
        return;
    QJsonObject line = fields;
    line.insert(QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    line.insert(QStringLiteral("level"), toString(level));
    line.insert(QStringLiteral("service"), m_service);
    line.insert(QStringLiteral("message"), message);
    QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact);
    bytes.append('\n');

    QMutexLocker lock(&m_mutex);
    if (!m_file.isOpen())
        return;
    if (m_file.size() + bytes.size() > m_maxBytes)
        rotateLocked();
    m_file.write(bytes);
    m_file.flush();
}

void JsonLog::rotateLocked()
{
    m_file.close();
    QFile::remove(m_path + u'.' + QString::number(m_maxFiles));
    for (int i = m_maxFiles - 1; i >= 1; --i)
        QFile::rename(m_path + u'.' + QString::number(i), m_path + u'.' + QString::number(i + 1));
    QFile::rename(m_path, m_path + QStringLiteral(".1"));
    if (!m_file.open(QIODevice::Append | QIODevice::WriteOnly))
        qWarning("cannot reopen log file %s: %s", qPrintable(m_path), qPrintable(m_file.errorString()));
}

} // namespace paydesk::platform
