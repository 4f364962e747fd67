#include "support/ProcessTree.h"

#include <QDir>
#include <QFile>
#include <QHash>

namespace paydesk::bench {

namespace {
QByteArray readProcFile(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    // /proc files report size 0: read them whole, bounded (status and smaps_rollup are ~1-2 KB).
    return file.open(QIODevice::ReadOnly) ? file.read(64 * 1024) : QByteArray();
}

// The value in kB of a "Key:   1234 kB" line, 0 when absent.
qint64 kbField(const QByteArray &text, const QByteArray &key)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}
} // namespace

ProcessInfo readProcess(qint64 pid)
{
    // stat: "pid (comm) state ppid ... starttime(22nd) ..."; comm may hold spaces and parentheses.
    const QByteArray stat = readProcFile(pid, "stat");
    const qsizetype open = stat.indexOf('(');
    const qsizetype close = stat.lastIndexOf(')');
    if (open < 0 || close < open)
        return {};
    const QList<QByteArray> fields = stat.mid(close + 2).split(' '); // fields[0] is the 3rd field
    if (fields.size() < 20 || fields[0] == "Z")
        return {}; // a zombie has exited already and holds no memory
    ProcessInfo info;
    info.pid = pid;
    info.name = QString::fromUtf8(stat.mid(open + 1, close - open - 1));
    info.ppid = fields[1].toLongLong();
    info.startTicks = fields[19].toLongLong();
    const QByteArray status = readProcFile(pid, "status");
    info.rssKb = kbField(status, "VmRSS:");
    info.hwmKb = kbField(status, "VmHWM:");
    info.pssKb = kbField(readProcFile(pid, "smaps_rollup"), "Pss:");
    return info;
}

QList<ProcessInfo> descendantsOf(qint64 pid)
{
    QHash<qint64, QList<qint64>> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 child = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        const QByteArray stat = readProcFile(child, "stat");
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1)
            children[fields[1].toLongLong()].append(child);
    }
    QList<ProcessInfo> found;
    QList<qint64> frontier{pid};
    // A pid tree has no cycles; the bound only guards against a /proc read racing with pid reuse.
    for (int depth = 0; depth < 16 && !frontier.isEmpty(); ++depth) {
        QList<qint64> next;
        for (qint64 parent : frontier) {
            for (qint64 child : children.value(parent)) {
                const ProcessInfo info = readProcess(child);
                if (info.pid != 0)
                    found.append(info);
                next.append(child);
            }
        }
        frontier = next;
    }
    return found;
}

bool isSameProcessAlive(const ProcessInfo &info)
{
    const ProcessInfo now = readProcess(info.pid);
    return now.pid != 0 && now.startTicks == info.startTicks;
}

} // namespace paydesk::bench
