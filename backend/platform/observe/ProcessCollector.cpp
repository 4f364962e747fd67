#include "platform/observe/ProcessCollector.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <QDir>
#include <QFile>

#include <unistd.h>

namespace paydesk::platform {

std::shared_ptr<ProcessCollector> ProcessCollector::shared()
{
    static const auto kInstance = std::make_shared<ProcessCollector>();
    return kInstance;
}

ProcessCollector::Sample ProcessCollector::sample()
{
    Sample s;
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray line = stat.readAll();
        // Fields after the parenthesised command name; see proc(5). utime=14, stime=15,
        // num_threads=20, starttime=22, vsize=23, rss=24 (1-based over the whole line).
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
        const double pageSize = static_cast<double>(sysconf(_SC_PAGESIZE));
        if (fields.size() > 21) {
            s.cpuSeconds = (fields[11].toDouble() + fields[12].toDouble()) / ticks;
            s.threads = fields[17].toDouble();
            s.virtualBytes = fields[20].toDouble();
            s.residentBytes = fields[21].toDouble() * pageSize;
            QFile uptime(QStringLiteral("/proc/uptime"));
            if (uptime.open(QIODevice::ReadOnly)) {
                const double up = uptime.readAll().split(' ').value(0).toDouble();
                const double startedAfterBoot = fields[19].toDouble() / ticks;
                s.startTimeSeconds = static_cast<double>(time(nullptr)) - (up - startedAfterBoot);
            }
        }
    }
    s.openFds = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size();
    return s;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const
{
    const Sample s = sample();
    auto gauge = [](const char *name, const char *help, double value, prometheus::MetricType type) {
        prometheus::MetricFamily family;
        family.name = name;
        family.help = help;
        family.type = type;
        prometheus::ClientMetric metric;
        if (type == prometheus::MetricType::Counter)
            metric.counter.value = value;
        else
            metric.gauge.value = value;
        family.metric.push_back(metric);
        return family;
    };
    using prometheus::MetricType;
    return {
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", s.residentBytes,
              MetricType::Gauge),
        gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", s.virtualBytes,
              MetricType::Gauge),
        gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", s.cpuSeconds,
              MetricType::Counter),
        gauge("process_threads", "Number of OS threads in the process.", s.threads, MetricType::Gauge),
        gauge("process_open_fds", "Number of open file descriptors.", s.openFds, MetricType::Gauge),
        gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
              s.startTimeSeconds, MetricType::Gauge),
    };
}

} // namespace paydesk::platform
