#pragma once
// Processes as /proc shows them (Linux): who descends from whom, and how much memory each holds.

#include <QList>
#include <QString>

namespace paydesk::bench {

struct ProcessInfo
{
    qint64 pid = 0;
    qint64 ppid = 0;
    qint64 startTicks = 0; // start time since boot: tells a live process from a reused pid
    QString name;          // comm, e.g. "postgres", "redis-server"
    qint64 rssKb = 0;      // VmRSS: counts shared pages in every process that maps them
    qint64 hwmKb = 0;      // VmHWM: peak VmRSS
    qint64 pssKb = 0;      // Pss from smaps_rollup: shared pages divided among their users
};

// One process, or pid 0 when it does not exist (any more).
ProcessInfo readProcess(qint64 pid);
// Every process below pid, at any depth (not pid itself).
QList<ProcessInfo> descendantsOf(qint64 pid);
// True while the very process of `info` runs (not a later one that got its pid).
bool isSameProcessAlive(const ProcessInfo &info);

} // namespace paydesk::bench
