#include "PidFile.h"

#include <QFile>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace paydesk::app {

PidFile::~PidFile()
{
    if (m_fd >= 0) {
        QFile::remove(m_path);
        ::close(m_fd);
    }
}

bool PidFile::acquire(QString *error)
{
    m_fd = ::open(QFile::encodeName(m_path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) {
        *error = QStringLiteral("cannot open pid file %1: %2")
                     .arg(m_path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        *error = QStringLiteral("another paydesk-server (pid %1) already runs on this data directory")
                     .arg(runningPid());
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    const QByteArray pid = QByteArray::number(static_cast<qint64>(getpid())) + '\n';
    if (::ftruncate(m_fd, 0) != 0 ||
        ::write(m_fd, pid.constData(), static_cast<size_t>(pid.size())) != pid.size()) {
        *error = QStringLiteral("cannot write pid file %1").arg(m_path);
        return false;
    }
    return true;
}

qint64 PidFile::runningPid() const
{
    const int fd = ::open(QFile::encodeName(m_path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    qint64 pid = 0;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) { // held: a server is running
        char buffer[32] = {};
        const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
        pid = n > 0 ? QByteArray(buffer, static_cast<qsizetype>(n)).trimmed().toLongLong() : 0;
    }
    ::close(fd);
    return pid;
}

} // namespace paydesk::app
