// bench_payments: end-to-end payments per second through the signed merchant API of a fresh
// paydesk-server (signature check, idempotency, risk, limits, order, sandbox channel, ledger and
// webhook events through the outbox), with concurrent keep-alive clients; latency percentiles;
// then pgbench's TPC-B on the same PostgreSQL in the same run as the reference for what this
// machine's durable commits allow. Prints figures; judges nothing.
//
//   bench_payments [--seconds N] [--connections C] [--pgbench-seconds N]

#include "support/BenchServer.h"
#include "support/MerchantFixture.h"
#include "support/TestSupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

using namespace paydesk;

namespace {
constexpr int kReadyTimeoutMs = 120000;
constexpr qsizetype kHeaderBytesMax = 64 * 1024;

struct LoadFigures
{
    double seconds = 0;
    qint64 completed = 0;
    std::map<int, qint64> statuses; // HTTP status → count (0 = socket error)
    QList<double> latenciesMs;
    QByteArray firstFailureBody;

    double perSecond() const { return seconds > 0 ? completed / seconds : 0; }
    // Payments created (201) per second: what the ratio and the target are about.
    double createdPerSecond() const
    {
        const auto it = statuses.find(201);
        return seconds > 0 && it != statuses.end() ? it->second / seconds : 0;
    }
    double percentile(double p) const
    {
        if (latenciesMs.isEmpty())
            return -1;
        QList<double> sorted = latenciesMs;
        std::sort(sorted.begin(), sorted.end());
        const qsizetype at =
            std::min<qsizetype>(sorted.size() - 1, static_cast<qsizetype>(p * sorted.size()));
        return sorted[at];
    }
};

// `connections` keep-alive connections, one request in flight each, for `seconds`: every request a
// new signed payment (own order_no, Idempotency-Key and nonce) with the approving test card.
LoadFigures runPayments(const QUrl &base, const testing::TestMerchant &merchant, int connections, int seconds,
                        const QString &runTag)
{
    struct Connection
    {
        QTcpSocket socket;
        QByteArray buffer;
        QElapsedTimer sentAt;
    };
    const QByteArray path = "/api/v1/payments";
    const QByteArray hostHeader = base.host().toLatin1() + ':' + QByteArray::number(base.port());
    LoadFigures figures;
    qint64 sequence = 0;
    bool running = true;
    QEventLoop loop;
    std::vector<std::unique_ptr<Connection>> pool;

    auto send = [&](Connection &c) {
        const QByteArray orderNo = QStringLiteral("bench-%1-%2").arg(runTag).arg(++sequence).toLatin1();
        const QByteArray body = QJsonDocument(QJsonObject{{"order_no", QString::fromLatin1(orderNo)},
                                                          {"amount_minor", 1000 + sequence % 5000},
                                                          {"currency", "USD"},
                                                          {"pay_method", "card"},
                                                          {"card", QJsonObject{{"number", "4242424242424242"},
                                                                               {"exp_month", 12},
                                                                               {"exp_year", 2031},
                                                                               {"cvc", "123"}}},
                                                          {"customer_email", "buyer@example.com"}})
                                    .toJson(QJsonDocument::Compact);
        QByteArray request = "POST " + path + " HTTP/1.1\r\nHost: " + hostHeader +
                             "\r\nContent-Type: application/json\r\nIdempotency-Key: " + orderNo +
                             "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        const auto headers = testing::signedHeaders(merchant.apiKey, merchant.secret, "POST", path, body);
        for (auto it = headers.begin(); it != headers.end(); ++it)
            request += it.key() + ": " + it.value() + "\r\n";
        request += "\r\n" + body;
        c.sentAt.start();
        c.socket.write(request);
    };
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
            const int status = head.mid(9, 3).toInt();
            ++figures.statuses[status];
            if (status != 201 && figures.firstFailureBody.isEmpty())
                figures.firstFailureBody = c.buffer.mid(headEnd + 4, std::min<qint64>(length, 400));
            figures.latenciesMs.append(static_cast<double>(c.sentAt.nsecsElapsed()) / 1e6);
            ++figures.completed;
            c.buffer.remove(0, headEnd + 4 + length);
            if (running)
                send(c);
        }
    };
    for (int i = 0; i < connections; ++i) {
        auto c = std::make_unique<Connection>();
        Connection *raw = c.get();
        QObject::connect(&raw->socket, &QTcpSocket::connected, &loop, [&, raw] { send(*raw); });
        QObject::connect(&raw->socket, &QTcpSocket::readyRead, &loop, [&, raw] { consume(*raw); });
        QObject::connect(&raw->socket, &QTcpSocket::errorOccurred, &loop, [&] {
            if (running)
                ++figures.statuses[0];
        });
        raw->socket.connectToHost(base.host(), static_cast<quint16>(base.port()));
        pool.push_back(std::move(c));
    }
    QElapsedTimer clock;
    clock.start();
    QTimer::singleShot(seconds * 1000, &loop, [&] {
        running = false;
        figures.seconds = static_cast<double>(clock.nsecsElapsed()) / 1e9;
        // Let the requests in flight finish so the server is idle for what follows.
        QTimer::singleShot(2000, &loop, [&loop] { loop.quit(); });
    });
    loop.exec();
    // Only what completed inside the measured window counts towards the rate: the requests that
    // finished in the grace period are few (one per connection at most) and are left in.
    return figures;
}

void printLoad(const char *label, const LoadFigures &f, int connections)
{
    std::printf("%s: %d connections, %.1f s\n", label, connections, f.seconds);
    std::printf("  payments/s %10.1f created (201)   %.1f answers/s, %lld answers\n", f.createdPerSecond(),
                f.perSecond(), static_cast<long long>(f.completed));
    std::printf("  latency ms  p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n", f.percentile(0.50),
                f.percentile(0.95), f.percentile(0.99), f.percentile(1.0));
    std::printf("  statuses   ");
    for (const auto &[status, count] : f.statuses)
        std::printf(" %d×%lld", status, static_cast<long long>(count));
    std::printf("\n");
    if (!f.firstFailureBody.isEmpty())
        std::printf("  first non-201 answer: %s\n", f.firstFailureBody.constData());
    std::fflush(stdout);
}

// Where a payment's time goes: the gateway's recent spans (server span of POST /api/v1/payments and
// its client spans to other services), averaged per operation.
void printSpanBreakdown(const bench::BenchServer &server, const QByteArray &token)
{
    const testing::HttpResult answer = testing::httpRequest(
        "GET", server.url(QStringLiteral("payment-gateway"), QStringLiteral("/admin/v1/spans?limit=2000")),
        {}, {{"Authorization", "Bearer " + token}}, 15000);
    struct Sum
    {
        double totalMs = 0;
        int count = 0;
    };
    std::map<QString, Sum> byOperation;
    for (const QJsonValue &item : answer.json().value(QStringLiteral("items")).toArray()) {
        const QJsonObject span = item.toObject();
        const QString key = span.value(QStringLiteral("kind")).toString() + QStringLiteral("  ") +
                            span.value(QStringLiteral("operation")).toString();
        Sum &sum = byOperation[key];
        sum.totalMs += span.value(QStringLiteral("duration_us")).toDouble() / 1000.0;
        ++sum.count;
    }
    std::printf("\nwhere the time goes (payment-gateway's last %d spans, mean per operation):\n",
                static_cast<int>(answer.json().value(QStringLiteral("items")).toArray().size()));
    for (const auto &[operation, sum] : byOperation)
        std::printf("  %8.2f ms  ×%-5d %s\n", sum.totalMs / sum.count, sum.count,
                    qPrintable(operation.left(90)));
    std::fflush(stdout);
}

// pgbench TPC-B (the default script) against the server's own PostgreSQL, in a database of its own.
double runPgbench(const bench::BenchServer &server, int seconds, int clients)
{
    QFile passwordFile(server.dataDir() + QStringLiteral("/secrets/postgres.password"));
    if (!passwordFile.open(QIODevice::ReadOnly)) {
        std::printf("pgbench: no PostgreSQL password at %s\n", qPrintable(passwordFile.fileName()));
        return -1;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSWORD"), QString::fromUtf8(passwordFile.readAll().trimmed()));
    env.insert(QStringLiteral("PGHOST"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("PGPORT"), QString::number(server.basePort() + 432));
    env.insert(QStringLiteral("PGUSER"), QStringLiteral("paydesk"));
    auto run = [&](const QString &program, const QStringList &args, QByteArray *out) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        if (!p.waitForFinished(600000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            std::printf("pgbench: %s %s failed: %s\n", qPrintable(program), qPrintable(args.join(u' ')),
                        p.readAll().constData());
            return false;
        }
        if (out)
            *out = p.readAll();
        return true;
    };
    run(QStringLiteral("psql"), {"-d", "postgres", "-qc", "DROP DATABASE IF EXISTS bench_pgbench"}, nullptr);
    if (!run(QStringLiteral("psql"), {"-d", "postgres", "-qc", "CREATE DATABASE bench_pgbench"}, nullptr) ||
        !run(QStringLiteral("pgbench"), {"-i", "-q", "-s", "10", "bench_pgbench"}, nullptr))
        return -1;
    QByteArray out;
    if (!run(QStringLiteral("pgbench"),
             {"-c", QString::number(clients), "-j", "2", "-T", QString::number(seconds), "-M", "prepared",
              "bench_pgbench"},
             &out))
        return -1;
    const QRegularExpressionMatch m =
        QRegularExpression(QStringLiteral("tps = ([0-9.]+) \\((?:without initial connection time|excluding)"))
            .match(QString::fromUtf8(out));
    run(QStringLiteral("psql"), {"-d", "postgres", "-qc", "DROP DATABASE IF EXISTS bench_pgbench"}, nullptr);
    if (!m.hasMatch()) {
        std::printf("pgbench: no tps in its output:\n%s\n", out.constData());
        return -1;
    }
    return m.captured(1).toDouble();
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOption({"seconds", "measured seconds per load phase", "N", "15"});
    cli.addOption({"connections", "concurrent keep-alive clients in the main phase", "C", "32"});
    cli.addOption({"pgbench-seconds", "seconds of pgbench TPC-B", "N", "15"});
    cli.process(app);
    const int seconds = std::max(1, cli.value("seconds").toInt());
    const int connections = std::max(1, cli.value("connections").toInt());

    bench::BenchServer server(QStringLiteral("payments"));
    bench::printHeader("bench_payments", server);
    QString error;
    if (!server.start(&error) || server.waitAllReady(kReadyTimeoutMs, &error) < 0) {
        std::fprintf(stderr, "bench_payments: %s\n%s\n", qPrintable(error), qPrintable(server.output()));
        return 1;
    }
    const QByteArray token = testing::adminToken(server.dataDir(), {QStringLiteral("*")}, 3600);
    const auto merchant = testing::onboardMerchant(
        [&](quint16 seed, const QString &path) {
            return QStringLiteral("http://127.0.0.1:%1%2").arg(server.basePort() + seed - 40000).arg(path);
        },
        token, {}, &error);
    if (!merchant) {
        std::fprintf(stderr, "bench_payments: onboarding failed: %s\n", qPrintable(error));
        return 1;
    }
    const QUrl gateway(server.url(QStringLiteral("payment-gateway"), QStringLiteral("/")));
    std::printf("  merchant %s, key %s; card 4242 4242 4242 4242 (approved), USD\n\n",
                qPrintable(merchant->id), merchant->apiKey.constData());

    // Warm-up: connections, prepared statements, JIT-free caches of every service.
    runPayments(gateway, *merchant, 4, 2, QStringLiteral("warm"));
    const LoadFigures full = runPayments(gateway, *merchant, connections, seconds, QStringLiteral("full"));
    printLoad("saturating load", full, connections);
    const int light = std::max(1, connections / 8);
    const LoadFigures half = runPayments(gateway, *merchant, light, seconds, QStringLiteral("light"));
    printLoad("light load", half, light);

    printSpanBreakdown(server, token);

    const double tps = runPgbench(server, std::max(1, cli.value("pgbench-seconds").toInt()), connections);
    std::printf("\npgbench TPC-B (scale 10, %d clients, prepared) on the same PostgreSQL: %.1f tps\n",
                connections, tps);
    if (tps > 0)
        std::printf(
            "ratio payments/s ÷ pgbench tps = %.3f   (target 10,000 payments/s ≈ %.1f × pgbench here)\n",
            full.createdPerSecond() / tps, 10000.0 / tps);
    std::fflush(stdout);
    const int exitCode = server.stop();
    if (exitCode != 0)
        std::printf("note: paydesk-server exited with %d\n", exitCode);
    return 0;
}
