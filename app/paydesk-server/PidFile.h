#pragma once
// <data>/paydesk-server.pid, held with an exclusive flock(2) for the life of the server: the lock,
// not the file's existence, says whether a server runs (a crash releases it).

#include <QString>

namespace paydesk::app {

class PidFile
{
public:
    explicit PidFile(QString path) : m_path(std::move(path)) {}
    ~PidFile();

    // Takes the lock and writes our pid; false with *error when another server holds it.
    bool acquire(QString *error);
    // Pid of the server holding the lock, or 0 when none runs.
    qint64 runningPid() const;
    const QString &path() const { return m_path; }

private:
    QString m_path;
    int m_fd = -1;
};

} // namespace paydesk::app
