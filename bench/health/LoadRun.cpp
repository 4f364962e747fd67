#include "health/LoadRun.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QList>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <memory>
#include <vector>

namespace paydesk::bench {

namespace {
constexpr int kWrkSlackMs = 15000;           // beyond the run itself: start, connect, report
constexpr qsizetype kHeaderBytesMax = 16384; // a response head larger than this is an error
constexpr qsizetype kLatencySamplesMax = 4'000'000;

// "738.00us", "2.31ms", "1.02s" as milliseconds; -1 when the text is none of these.
double toMs(const QString &value, const QString &unit)
{
    const double number = value.toDouble();
    return unit == QStringLiteral("us")   ? number / 1000.0
           : unit == QStringLiteral("ms") ? number
           : unit == QStringLiteral("s")  ? number * 1000.0
                                          : -1;
}

double percentileMs(const QList<double> &sorted, double fraction)
{
    if (sorted.isEmpty())
        return -1;
    const auto index = static_cast<qsizetype>(fraction * static_cast<double>(sorted.size() - 1));
    return sorted[index];
}
} // namespace

QString findWrk()
{
    return QStandardPaths::findExecutable(QStringLiteral("wrk"));
}

LoadResult runWrk(const QString &wrk, const LoadSpec &spec)
{
    LoadResult result;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(wrk, {QStringLiteral("-t1"), QStringLiteral("-c%1").arg(spec.connections),
                        QStringLiteral("-d%1s").arg(spec.seconds), QStringLiteral("--latency"), spec.url});
    if (!process.waitForFinished(spec.seconds * 1000 + kWrkSlackMs)) {
        process.kill();
        process.waitForFinished(2000);
        result.error = QStringLiteral("wrk did not finish in time");
        return result;
    }
    const QString text = QString::fromUtf8(process.readAll());
    static const QRegularExpression kRate(QStringLiteral("Requests/sec:\\s+([\\d.]+)"));
    static const QRegularExpression kLatency(QStringLiteral("^\\s+(50|99)%\\s+([\\d.]+)(us|ms|s)\\s*$"),
                                             QRegularExpression::MultilineOption);
    static const QRegularExpression kNon2xx(QStringLiteral("Non-2xx or 3xx responses: (\\d+)"));
    static const QRegularExpression kSocket(
        QStringLiteral("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)"));
    const auto rate = kRate.match(text);
    if (!rate.hasMatch()) {
        result.error = QStringLiteral("no Requests/sec in wrk's output:\n%1").arg(text.left(2000));
        return result;
    }
    result.ok = true;
    result.requestsPerSec = rate.captured(1).toDouble();
    for (auto it = kLatency.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        (m.captured(1) == QStringLiteral("50") ? result.latencyP50Ms : result.latencyP99Ms) =
            toMs(m.captured(2), m.captured(3));
    }
    result.failures = kNon2xx.match(text).captured(1).toLongLong();
    if (const auto socket = kSocket.match(text); socket.hasMatch()) {
        for (int i = 1; i <= 4; ++i)
            result.failures += socket.captured(i).toLongLong();
    }
    return result;
}

LoadResult runKeepAliveLoad(const LoadSpec &spec)
{
    struct Connection
    {
        QTcpSocket socket;
        QByteArray buffer;
        QElapsedTimer sentAt;
    };
    const QUrl url(spec.url);
    const QByteArray request = "GET " + url.path().toLatin1() +
                               " HTTP/1.1\r\nHost: " + url.host().toLatin1() + ':' +
                               QByteArray::number(url.port()) + "\r\n\r\n";
    std::vector<std::unique_ptr<Connection>> connections;
    QList<double> latenciesMs;
    qint64 completed = 0;
    LoadResult result;
    bool running = true;
    QEventLoop loop;

    auto send = [&](Connection &c) {
        c.sentAt.start();
        c.socket.write(request);
    };
    // Consumes every complete response in the buffer; Content-Length framing only (what both servers send).
    auto consume = [&](Connection &c) {
        c.buffer += c.socket.readAll();
        for (;;) {
            const qsizetype headEnd = c.buffer.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                if (c.buffer.size() > kHeaderBytesMax)
                    c.socket.abort();
                return;
            }
            const QByteArray head = c.buffer.left(headEnd).toLower();
            const qsizetype at = head.indexOf("\r\ncontent-length:");
            const qsizetype lineEnd = head.indexOf("\r\n", at + 2);
            const qint64 length =
                at < 0 ? 0 : head.mid(at + 17, lineEnd < 0 ? -1 : lineEnd - at - 17).trimmed().toLongLong();
            if (c.buffer.size() < headEnd + 4 + length)
                return;
            if (!head.startsWith("http/1.1 2"))
                ++result.failures;
            if (latenciesMs.size() < kLatencySamplesMax)
                latenciesMs.append(static_cast<double>(c.sentAt.nsecsElapsed()) / 1e6);
            ++completed;
            c.buffer.remove(0, headEnd + 4 + length);
            if (running)
                send(c);
        }
    };
    for (int i = 0; i < spec.connections; ++i) {
        auto c = std::make_unique<Connection>();
        Connection *raw = c.get();
        QObject::connect(&raw->socket, &QTcpSocket::connected, &loop, [&, raw] { send(*raw); });
        QObject::connect(&raw->socket, &QTcpSocket::readyRead, &loop, [&, raw] { consume(*raw); });
        QObject::connect(&raw->socket, &QTcpSocket::errorOccurred, &loop,
                         [&] { result.failures += running ? 1 : 0; });
        raw->socket.connectToHost(url.host(), static_cast<quint16>(url.port()));
        connections.push_back(std::move(c));
    }
    QElapsedTimer clock;
    clock.start();
    QTimer::singleShot(spec.seconds * 1000, &loop, [&] {
        running = false;
        loop.quit();
    });
    loop.exec();
    const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    for (auto &c : connections)
        c->socket.abort();
    std::sort(latenciesMs.begin(), latenciesMs.end());
    result.ok = completed > 0;
    result.error = result.ok ? QString() : QStringLiteral("no response completed");
    result.requestsPerSec = static_cast<double>(completed) / seconds;
    result.latencyP50Ms = percentileMs(latenciesMs, 0.50);
    result.latencyP99Ms = percentileMs(latenciesMs, 0.99);
    return result;
}

} // namespace paydesk::bench
