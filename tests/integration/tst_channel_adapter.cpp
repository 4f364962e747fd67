// channel-adapter in process on a real PostgreSQL and Redis, the sandbox plugin loaded from a
// plugin directory given by PAYDESK_PLUGIN_DIR (next to a file that is not a plugin): every card
// outcome through the internal routes, delayed results POSTed by the plugin to a receiver in this
// test and verified through /internal/v1/channel/callbacks/sandbox/verify (a tampered one
// rejected), capture/void/cancel/refunds, idempotent create, routing recorded, config changes
// (fees, failure injection, disabled channel), the statement CSV, no card number stored or logged,
// and the RBAC and audit of the admin routes.

#include "services/channel-adapter/ChannelAdapterService.h"
#include "services/channel-adapter/domain/ChannelRegistry.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/rpc/ServiceClient.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QDirIterator>
#include <QFuture>
#include <QJsonArray>
#include <QLibrary>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace paydesk::platform;
using namespace paydesk::testing;
namespace channels = paydesk::services::channels;

namespace {
constexpr quint16 kChannelSeed = 40005;
const QString kService = QStringLiteral("channel-adapter");

// A minimal HTTP endpoint standing in for payment-gateway's /api/v1/callbacks/sandbox: records
// what the plugin POSTs and answers 200.
class CallbackReceiver : public QObject
{
public:
    struct Received
    {
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
    };

    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path);
    }
    QList<Received> received;
    int failNext = 0; // answer 503 to this many requests (the sender must retry)
    int refused = 0;

    // The first callback whose JSON body has `field` == `value`.
    std::optional<Received> find(const QString &field, const QString &value) const
    {
        for (const Received &r : received)
            if (QJsonDocument::fromJson(r.body).object().value(field).toString() == value)
                return r;
        return std::nullopt;
    }

    CallbackReceiver()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
                    buffer->append(socket->readAll());
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    Received r;
                    const QList<QByteArray> lines = buffer->left(end).split('\n');
                    r.path = lines.value(0).split(' ').value(1);
                    qsizetype length = 0;
                    for (qsizetype i = 1; i < lines.size(); ++i) {
                        const qsizetype colon = lines[i].indexOf(':');
                        if (colon <= 0)
                            continue;
                        const QByteArray name = lines[i].left(colon).trimmed().toLower();
                        const QByteArray value = lines[i].mid(colon + 1).trimmed();
                        r.headers.insert(name, value);
                        if (name == "content-length")
                            length = value.toLongLong();
                    }
                    if (buffer->size() < end + 4 + length)
                        return;
                    r.body = buffer->mid(end + 4, length);
                    if (failNext > 0) {
                        --failNext;
                        ++refused;
                        socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: "
                                      "close\r\n\r\n");
                        socket->disconnectFromHost();
                        return;
                    }
                    received.append(r);
                    socket->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    socket->disconnectFromHost();
                });
            }
        });
    }

private:
    QTcpServer m_server;
};

QJsonObject card(const QString &number, int expYear = 2030)
{
    return {
        {"number", number}, {"exp_month", 12}, {"exp_year", expYear}, {"cvc", "123"}, {"holder", "T Tester"}};
}
} // namespace

class ChannelAdapterTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-channel-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::unique_ptr<ServiceClient> m_gateway; // internal calls, as payment-gateway makes them
    CallbackReceiver m_receiver;
    quint16 m_base = 0;
    int m_counter = 0;
    QByteArray m_internalToken;

    QString nextNo(const char *prefix = "PY")
    {
        return QStringLiteral("%1-it-%2").arg(QLatin1String(prefix)).arg(++m_counter);
    }
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + kChannelSeed - 40000).arg(path);
    }
    HttpResult admin(const QByteArray &method, const QString &path, const QByteArray &body = {},
                     const QStringList &permissions = {"channel.view", "channel.manage"})
    {
        QHash<QByteArray, QByteArray> headers{
            {"Authorization", "Bearer " + adminToken(m_dir.path(), permissions)}};
        if (!body.isEmpty())
            headers.insert("Content-Type", "application/json");
        return httpRequest(method, url(path), body, headers, 15000);
    }
    HttpResponse call(const QByteArray &method, const QString &path, const QJsonObject &body = {})
    {
        CallOptions options;
        options.timeoutMs = 30000;
        return m_gateway->callSync(kService, method, path,
                                   body.isEmpty() && method == "GET"
                                       ? QByteArray()
                                       : QJsonDocument(body).toJson(QJsonDocument::Compact),
                                   options);
    }
    QJsonObject paymentBody(const QString &paymentNo, const QString &number, qint64 amount = 1000,
                            const QString &currency = "USD", bool capture = true)
    {
        return {{"payment_no", paymentNo}, {"merchant_id", "m-it"},
                {"channel", "sandbox"},    {"amount_minor", amount},
                {"currency", currency},    {"pay_method", "card"},
                {"capture", capture},      {"description", "integration"},
                {"card", card(number)},    {"callback_url", m_receiver.url("/api/v1/callbacks/sandbox")}};
    }
    HttpResponse create(const QString &paymentNo, const QString &number, qint64 amount = 1000,
                        const QString &currency = "USD", bool capture = true)
    {
        return call("POST", "/internal/v1/channel/payments",
                    paymentBody(paymentNo, number, amount, currency, capture));
    }
    HttpResponse verify(const CallbackReceiver::Received &callback, const QByteArray &body)
    {
        QJsonObject headers;
        for (auto it = callback.headers.cbegin(); it != callback.headers.cend(); ++it)
            headers.insert(QString::fromUtf8(it.key()), QString::fromUtf8(it.value()));
        return call("POST", "/internal/v1/channel/callbacks/sandbox/verify",
                    {{"headers", headers}, {"body", QString::fromUtf8(body)}});
    }
    QSqlDatabase database() { return serviceDatabase(m_infra, "test-channel", "payment_channel"); }
    QString today() const { return QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate); }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        QVERIFY(m_receiver.listen());
        // The plugin directory through PAYDESK_PLUGIN_DIR: a copy of the built sandbox plugin and a
        // file that looks like a library but is not one (must be reported, not crash the service).
        const QString builtDir = channels::channelPluginDirectory(QString());
        QString built;
        for (const QFileInfo &info : QDir(builtDir).entryInfoList(QDir::Files))
            if (QLibrary::isLibrary(info.fileName()) && info.fileName().contains("sandbox"))
                built = info.absoluteFilePath();
        QVERIFY2(!built.isEmpty(), qPrintable("no sandbox plugin in " + builtDir));
        const QString pluginRoot = m_dir.path() + "/plugins";
        QVERIFY(QDir().mkpath(pluginRoot + "/channels"));
        QVERIFY(QFile::copy(built, pluginRoot + "/channels/libpaydesk_channel_sandbox.so"));
        QFile broken(pluginRoot + "/channels/libbroken_channel.so");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not an ELF file");
        broken.close();
        qputenv("PAYDESK_PLUGIN_DIR", pluginRoot.toUtf8());

        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        HostEnvironment env;
        QVERIFY2(makeHostEnvironment(m_infra, m_dir.path(), m_base, m_bus.get(), &env, &error,
                                     {{"data_dir", m_dir.path() + "/data"}, {"workers_per_service", "8"}}),
                 qPrintable(error));
        m_internalToken = env.secrets.internalToken();
        m_host = std::make_unique<ServiceHost>(env);
        m_host->add(
            channels::createChannelAdapterService({kService, kChannelSeed, "payment_channel", "channels"}));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 60000);
        m_gateway = std::make_unique<ServiceClient>(m_host->directory(), "payment-gateway");
    }

    void cleanupTestCase()
    {
        m_gateway.reset();
        if (m_host)
            m_host->stop();
    }

    void pluginDirectoryAndHealth()
    {
        const HttpResult health = httpRequest("GET", url("/api/v1/channels/health"));
        QCOMPARE(health.status, 200);
        const QJsonObject h = health.json();
        QCOMPARE(h.value("plugin_directory").toString(), m_dir.path() + "/plugins/channels");
        QCOMPARE(h.value("status").toString(), QStringLiteral("degraded")); // the broken file
        const QJsonArray failures = h.value("failures").toArray();
        QCOMPARE(failures.size(), 1);
        QVERIFY(failures[0].toObject().value("file").toString().endsWith("libbroken_channel.so"));
        QTRY_VERIFY_WITH_TIMEOUT(httpRequest("GET", url("/api/v1/channels/health"))
                                     .json()
                                     .value("channels")
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value("ok")
                                     .toBool(),
                                 10000);

        const HttpResult list = admin("GET", "/api/v1/channels", {}, {"channel.view"});
        QCOMPARE(list.status, 200);
        const QJsonArray items = list.json().value("items").toArray();
        QCOMPARE(items.size(), 1);
        const QJsonObject sandbox = items[0].toObject();
        QCOMPARE(sandbox.value("name").toString(), QStringLiteral("sandbox"));
        QVERIFY(sandbox.value("capabilities").toObject().value("pre_auth").toBool());
        QVERIFY(sandbox.value("currencies").toArray().contains("JPY"));
        QCOMPARE(sandbox.value("fee_schedule").toObject().value("percent_bps").toInt(), 290);
        QCOMPARE(
            sandbox.value("fee_schedule").toObject().value("fixed_minor").toObject().value("BHD").toInt(),
            300);
        QVERIFY(!QJsonDocument(sandbox).toJson().contains("secret\":\"")); // never the callback secret
        QCOMPARE(list.json().value("failures").toArray().size(), 1);
    }

    void everyCardOutcome_data()
    {
        QTest::addColumn<QString>("number");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("declineCode");
        QTest::addColumn<qint64>("fee");
        QTest::newRow("approved") << "4242424242424242"
                                  << "succeeded"
                                  << "" << qint64(59);
        QTest::newRow("declined") << "4000000000000002"
                                  << "declined"
                                  << "card_declined" << qint64(0);
        QTest::newRow("insufficient funds") << "4000000000009995"
                                            << "declined"
                                            << "insufficient_funds" << qint64(0);
        QTest::newRow("expired") << "4000000000000069"
                                 << "declined"
                                 << "expired_card" << qint64(0);
        QTest::newRow("processing error") << "4000000000000119"
                                          << "failed"
                                          << "processing_error" << qint64(0);
        QTest::newRow("pending ok") << "4000000000003220"
                                    << "pending"
                                    << "" << qint64(0);
        QTest::newRow("pending ko") << "4000000000003238"
                                    << "pending"
                                    << "" << qint64(0);
        QTest::newRow("luhn invalid") << "4242424242424241"
                                      << "declined"
                                      << "invalid_card_number" << qint64(0);
    }

    void everyCardOutcome()
    {
        QFETCH(QString, number);
        QFETCH(QString, status);
        QFETCH(QString, declineCode);
        QFETCH(qint64, fee);
        const QString no = nextNo();
        const HttpResponse response = create(no, number);
        QCOMPARE(response.status, 200);
        const QJsonObject json = response.jsonObject();
        QCOMPARE(json.value("status").toString(), status);
        QCOMPARE(json.value("decline_code").toString(), declineCode);
        QCOMPARE(json.value("fee_minor").toInteger(), fee);
        QCOMPARE(json.value("channel").toString(), QStringLiteral("sandbox"));
        QVERIFY(json.value("channel_trade_no").toString().startsWith("sbx_"));
        QCOMPARE(json.value("card_brand").toString(), QStringLiteral("visa"));
        QCOMPARE(json.value("card_last4").toString(), number.right(4));
        QCOMPARE(json.value("routing").toObject().value("reason").toString(), QStringLiteral("explicit"));
        // The query answers the same (and a pending one stays open until its callback).
        const HttpResponse query = call("GET", "/internal/v1/channel/payments/" + no);
        QCOMPARE(query.status, 200);
        QVERIFY(QStringList({status, "succeeded", "declined"})
                    .contains(query.jsonObject().value("status").toString()));
    }

    void internalRoutesOverHttpNeedTheInternalToken()
    {
        const QString no = nextNo();
        const QByteArray body =
            QJsonDocument(paymentBody(no, "4242424242424242")).toJson(QJsonDocument::Compact);
        const QString path = url("/internal/v1/channel/payments");
        QVERIFY(httpRequest("POST", path, body, {{"Content-Type", "application/json"}}).status >= 401);
        const HttpResult created = httpRequest(
            "POST", path, body,
            {{"Content-Type", "application/json"}, {"X-PayDesk-Internal-Token", m_internalToken}}, 15000);
        QCOMPARE(created.status, 200);
        QCOMPARE(created.json().value("status").toString(), QStringLiteral("succeeded"));
        const HttpResult query = httpRequest("GET", url("/internal/v1/channel/payments/" + no), {},
                                             {{"X-PayDesk-Internal-Token", m_internalToken}});
        QCOMPARE(query.json().value("channel_trade_no"), created.json().value("channel_trade_no"));
    }

    void pastExpiryAndBadInput()
    {
        QJsonObject body = paymentBody(nextNo(), "4242424242424242");
        body.insert("card", card("4242424242424242", 2020));
        QCOMPARE(
            call("POST", "/internal/v1/channel/payments", body).jsonObject().value("decline_code").toString(),
            QStringLiteral("expired_card"));
        body = paymentBody(nextNo(), "4242");
        HttpResponse bad = call("POST", "/internal/v1/channel/payments", body);
        QCOMPARE(bad.status, 422);
        QVERIFY(QJsonDocument(bad.jsonObject()).toJson().contains("card.number"));
        body = paymentBody(nextNo(), "4242424242424242", 0);
        QCOMPARE(call("POST", "/internal/v1/channel/payments", body).status, 422);
        body = paymentBody(nextNo(), "4242424242424242", 100, "XYZ");
        bad = call("POST", "/internal/v1/channel/payments", body);
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.jsonObject().value("code").toString(), QStringLiteral("UNSUPPORTED_CURRENCY"));
        QCOMPARE(call("GET", "/internal/v1/channel/payments/PY-nope").jsonObject().value("code").toString(),
                 QStringLiteral("CHANNEL_PAYMENT_NOT_FOUND"));
    }

    void asyncResultsArriveByCallbackAndVerify()
    {
        const QString ok = nextNo();
        const QString ko = nextNo();
        QCOMPARE(create(ok, "4000000000003220").jsonObject().value("status").toString(),
                 QStringLiteral("pending"));
        QCOMPARE(create(ko, "4000000000003238").jsonObject().value("status").toString(),
                 QStringLiteral("pending"));
        QTRY_VERIFY_WITH_TIMEOUT(m_receiver.find("payment_no", ok) && m_receiver.find("payment_no", ko),
                                 15000);
        const CallbackReceiver::Received good = *m_receiver.find("payment_no", ok);
        QCOMPARE(good.path, QByteArray("/api/v1/callbacks/sandbox"));
        QVERIFY(!good.headers.value("x-sandbox-signature").isEmpty());
        QVERIFY(!good.headers.value("x-sandbox-timestamp").isEmpty());

        // Tampered: the status changed in transit.
        const HttpResponse tampered = verify(good, QByteArray(good.body).replace("succeeded", "failed__"));
        QCOMPARE(tampered.status, 401);
        QCOMPARE(tampered.jsonObject().value("code").toString(),
                 QStringLiteral("CALLBACK_SIGNATURE_INVALID"));
        // (Read the row directly: a GET would ask the acquirer, which knows the result by now.)
        QSqlQuery q(database());
        QVERIFY(q.exec(QString("SELECT status FROM channel_transactions WHERE payment_no = '%1'").arg(ok)) &&
                q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("pending"));

        const HttpResponse verified = verify(good, good.body);
        QCOMPARE(verified.status, 200);
        QJsonObject v = verified.jsonObject();
        QVERIFY(v.value("verified").toBool());
        QCOMPARE(v.value("kind").toString(), QStringLiteral("payment"));
        QCOMPARE(v.value("payment_no").toString(), ok);
        QCOMPARE(v.value("status").toString(), QStringLiteral("succeeded"));
        QCOMPARE(v.value("fee_minor").toInteger(), 59);
        QCOMPARE(v.value("merchant_id").toString(), QStringLiteral("m-it"));
        QVERIFY(v.value("applied").toBool());
        QJsonObject row = call("GET", "/internal/v1/channel/payments/" + ok).jsonObject();
        QCOMPARE(row.value("status").toString(), QStringLiteral("succeeded"));
        QCOMPARE(row.value("captured_minor").toInteger(), 1000);
        QCOMPARE(row.value("net_minor").toInteger(), 941);
        // The same callback again: verified, nothing left to apply.
        QVERIFY(!verify(good, good.body).jsonObject().value("applied").toBool());

        const CallbackReceiver::Received bad = *m_receiver.find("payment_no", ko);
        v = verify(bad, bad.body).jsonObject();
        QCOMPARE(v.value("status").toString(), QStringLiteral("declined"));
        QCOMPARE(v.value("decline_code").toString(), QStringLiteral("card_declined"));
        QCOMPARE(call("GET", "/internal/v1/channel/payments/" + ko).jsonObject().value("status").toString(),
                 QStringLiteral("declined"));

        // Every verify request is logged for the operators, the rejected one too (without the
        // payment_no its untrusted body claims).
        const HttpResult log =
            admin("GET", "/api/v1/channel-callbacks?payment_no=" + ok, {}, {"channel.view"});
        QCOMPARE(log.status, 200);
        const QJsonArray logged = log.json().value("items").toArray();
        QCOMPARE(logged.size(), 2); // applied, then repeated
        QVERIFY(logged[0].toObject().value("verified").toBool() &&
                !logged[0].toObject().value("applied").toBool());
        QVERIFY(logged[1].toObject().value("applied").toBool());
        const QJsonArray rejected =
            admin("GET", "/api/v1/channel-callbacks?channel=sandbox&verified=false", {}, {"channel.view"})
                .json()
                .value("items")
                .toArray();
        QCOMPARE(rejected.size(), 1);
        QVERIFY(rejected[0].toObject().value("error").toString().contains("signature"));
        QCOMPARE(admin("GET", "/api/v1/channel-callbacks?verified=maybe", {}, {"channel.view"}).status, 422);

        // Headers a forger would send: unsigned, or signed with another secret.
        CallbackReceiver::Received unsigned_ = good;
        unsigned_.headers.remove("x-sandbox-signature");
        QCOMPARE(verify(unsigned_, good.body).status, 401);
        QCOMPARE(call("POST", "/internal/v1/channel/callbacks/nochannel/verify",
                      {{"headers", QJsonObject()}, {"body", "{}"}})
                     .status,
                 404);
    }

    void callbackDeliveryIsRetried()
    {
        m_receiver.failNext = 2;
        m_receiver.refused = 0;
        const QString no = nextNo();
        QCOMPARE(create(no, "4000000000003220").jsonObject().value("status").toString(),
                 QStringLiteral("pending"));
        QTRY_VERIFY_WITH_TIMEOUT(m_receiver.find("payment_no", no).has_value(), 20000);
        QCOMPARE(m_receiver.refused, 2);
        const CallbackReceiver::Received callback = *m_receiver.find("payment_no", no);
        QCOMPARE(verify(callback, callback.body).jsonObject().value("status").toString(),
                 QStringLiteral("succeeded"));
    }

    void concurrentCreatesChargeOnce()
    {
        const QString no = nextNo();
        QList<QFuture<HttpResponse>> calls;
        CallOptions options;
        options.timeoutMs = 30000;
        const QByteArray body =
            QJsonDocument(paymentBody(no, "4242424242424242", 1234)).toJson(QJsonDocument::Compact);
        for (int i = 0; i < 8; ++i)
            calls.append(m_gateway->call(kService, "POST", "/internal/v1/channel/payments", body, options));
        QSet<QString> trades;
        for (QFuture<HttpResponse> &call : calls) {
            const HttpResponse response = call.result();
            QCOMPARE(response.status, 200);
            QCOMPARE(response.jsonObject().value("status").toString(), QStringLiteral("succeeded"));
            trades.insert(response.jsonObject().value("channel_trade_no").toString());
        }
        QCOMPARE(trades.size(), 1);
        const HttpResult csv =
            admin("GET", "/api/v1/channels/sandbox/statements/" + today(), {}, {"channel.view"});
        QCOMPARE(csv.body.count(("," + no + ",payment,").toUtf8()), 1);
    }

    void preAuthCaptureVoidCancel()
    {
        const QString no = nextNo();
        QJsonObject auth = create(no, "4242424242424242", 1000, "USD", false).jsonObject();
        QCOMPARE(auth.value("status").toString(), QStringLiteral("authorized"));
        QCOMPARE(auth.value("fee_minor").toInteger(), 0);
        HttpResponse r =
            call("POST", "/internal/v1/channel/payments/" + no + "/capture", {{"amount_minor", 1001}});
        QCOMPARE(r.status, 422);
        r = call("POST", "/internal/v1/channel/payments/" + no + "/capture", {{"amount_minor", 600}});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.jsonObject().value("status").toString(), QStringLiteral("succeeded"));
        QCOMPARE(r.jsonObject().value("captured_minor").toInteger(), 600);
        QCOMPARE(r.jsonObject().value("fee_minor").toInteger(), 47);
        QCOMPARE(r.jsonObject().value("net_minor").toInteger(), 553);
        r = call("POST", "/internal/v1/channel/payments/" + no + "/capture", {{"amount_minor", 600}});
        QCOMPARE(r.status, 200); // a retry
        QVERIFY(r.jsonObject().value("replayed").toBool());
        r = call("POST", "/internal/v1/channel/payments/" + no + "/void");
        QCOMPARE(r.status, 409);
        QCOMPARE(r.jsonObject().value("code").toString(), QStringLiteral("INVALID_CHANNEL_TRANSITION"));

        const QString other = nextNo();
        create(other, "4242424242424242", 1000, "USD", false);
        r = call("POST", "/internal/v1/channel/payments/" + other + "/capture"); // no body: the full amount
        QCOMPARE(r.jsonObject().value("captured_minor").toInteger(), 1000);

        const QString voided = nextNo();
        create(voided, "4242424242424242", 1000, "USD", false);
        r = call("POST", "/internal/v1/channel/payments/" + voided + "/void", QJsonObject{});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.jsonObject().value("status").toString(), QStringLiteral("voided"));
        QCOMPARE(call("POST", "/internal/v1/channel/payments/" + voided + "/capture").status, 409);

        const QString pending = nextNo();
        create(pending, "4000000000003220");
        r = call("POST", "/internal/v1/channel/payments/" + pending + "/cancel");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.jsonObject().value("status").toString(), QStringLiteral("cancelled"));
        QCOMPARE(call("POST", "/internal/v1/channel/payments/" + no + "/cancel").status, 409);
    }

    void refundsFullPartialAsyncAndIdempotent()
    {
        const QString no = nextNo();
        QCOMPARE(create(no, "4242424242424242", 1000).jsonObject().value("status").toString(),
                 QStringLiteral("succeeded"));
        const auto refund = [&](const QString &refundNo, qint64 amount, bool async = false,
                                const QString &currency = "USD") {
            return call("POST", "/internal/v1/channel/refunds",
                        {{"refund_no", refundNo},
                         {"payment_no", no},
                         {"amount_minor", amount},
                         {"currency", currency},
                         {"async", async}});
        };
        HttpResponse r = refund(no + "-R1", 300);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.jsonObject().value("status").toString(), QStringLiteral("succeeded"));
        QVERIFY(r.jsonObject().value("channel_refund_no").toString().startsWith("sbr_"));
        r = refund(no + "-R1", 300);
        QCOMPARE(r.status, 200);
        QVERIFY(r.jsonObject().value("replayed").toBool());
        QCOMPARE(refund(no + "-R1", 200).status, 409); // same refund_no, other amount
        r = refund(no + "-R2", 701);
        QCOMPARE(r.status, 422);
        QCOMPARE(r.jsonObject().value("code").toString(), QStringLiteral("REFUND_EXCEEDS_CAPTURED"));
        QCOMPARE(refund(no + "-R2", 10, false, "EUR").jsonObject().value("code").toString(),
                 QStringLiteral("CURRENCY_MISMATCH"));

        r = refund(no + "-R3", 700, true);
        QCOMPARE(r.jsonObject().value("status").toString(), QStringLiteral("pending"));
        QCOMPARE(refund(no + "-R4", 1).status, 422); // the pending refund holds the rest
        QTRY_VERIFY_WITH_TIMEOUT(m_receiver.find("refund_no", no + "-R3").has_value(), 15000);
        const CallbackReceiver::Received callback = *m_receiver.find("refund_no", no + "-R3");
        const QJsonObject v = verify(callback, callback.body).jsonObject();
        QCOMPARE(v.value("kind").toString(), QStringLiteral("refund"));
        QCOMPARE(v.value("status").toString(), QStringLiteral("succeeded"));
        QVERIFY(v.value("applied").toBool());
        const QJsonObject payment = call("GET", "/internal/v1/channel/payments/" + no).jsonObject();
        QCOMPARE(payment.value("refunded_minor").toInteger(), 1000);
        const QJsonObject asyncRefund =
            call("GET", "/internal/v1/channel/refunds/" + no + "-R3").jsonObject();
        QCOMPARE(asyncRefund.value("status").toString(), QStringLiteral("succeeded"));
        QCOMPARE(asyncRefund.value("net_minor").toInteger(), -700);
        QCOMPARE(call("GET", "/internal/v1/channel/refunds/nope").jsonObject().value("code").toString(),
                 QStringLiteral("CHANNEL_REFUND_NOT_FOUND"));

        const QString declined = nextNo();
        create(declined, "4000000000000002");
        QCOMPARE(call("POST", "/internal/v1/channel/refunds",
                      {{"refund_no", declined + "-R"},
                       {"payment_no", declined},
                       {"amount_minor", 1},
                       {"currency", "USD"}})
                     .status,
                 409);

        QSqlQuery q(database());
        QVERIFY(
            q.exec(QString(
                       "SELECT count(*), sum(amount_minor) FROM channel_transactions WHERE payment_no = '%1' "
                       "AND transaction_type = 'refund' AND status = 'succeeded'")
                       .arg(no)) &&
            q.next());
        QCOMPARE(q.value(0).toInt(), 2);
        QCOMPARE(q.value(1).toLongLong(), 1000);
    }

    void createIsIdempotentOnPaymentNo()
    {
        const QString no = nextNo();
        const QJsonObject first = create(no, "4242424242424242").jsonObject();
        const QJsonObject again = create(no, "4242424242424242").jsonObject();
        QCOMPARE(again.value("channel_trade_no"), first.value("channel_trade_no"));
        QVERIFY(!first.value("replayed").toBool());
        QVERIFY(again.value("replayed").toBool());
        QCOMPARE(create(no, "4242424242424242", 999).jsonObject().value("code").toString(),
                 QStringLiteral("PAYMENT_NO_CONFLICT"));
        QSqlQuery q(database());
        QVERIFY(
            q.exec(QString("SELECT count(*) FROM channel_transactions WHERE payment_no = '%1'").arg(no)) &&
            q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        // Charged once at the acquirer: one settled row in its statement.
        const HttpResult csv =
            admin("GET", "/api/v1/channels/sandbox/statements/" + today(), {}, {"channel.view"});
        QCOMPARE(csv.body.count(("," + no + ",payment,").toUtf8()), 1);
    }

    void statementCsv()
    {
        const QString no = nextNo();
        const QJsonObject paid = create(no, "4242424242424242", 2000, "EUR").jsonObject();
        call("POST", "/internal/v1/channel/refunds",
             {{"refund_no", no + "-R"}, {"payment_no", no}, {"amount_minor", 500}, {"currency", "EUR"}});
        const HttpResult csv =
            admin("GET", "/api/v1/channels/sandbox/statements/" + today(), {}, {"channel.view"});
        QCOMPARE(csv.status, 200);
        QVERIFY(csv.headers.value("content-type").startsWith("text/csv"));
        QVERIFY(csv.body.startsWith(
            "date,channel_trade_no,payment_no,type,amount_minor,currency,fee_minor,net_minor,status"));
        const QString trade = paid.value("channel_trade_no").toString();
        // 2.9 % of 2000 = 58, + 30.
        QVERIFY2(
            csv.body.contains(
                QString("%1,%2,%3,payment,2000,EUR,88,1912,succeeded,\n").arg(today(), trade, no).toUtf8()),
            csv.body.constData());
        QVERIFY(csv.body.contains(
            QString("%1,%2,%3,refund,500,EUR,0,-500,succeeded,%3-R\n").arg(today(), trade, no).toUtf8()));
        // Declined and authorized payments are not settled.
        QVERIFY(!csv.body.contains("declined"));
        const HttpResult empty =
            admin("GET", "/api/v1/channels/sandbox/statements/2001-01-01", {}, {"channel.view"});
        QCOMPARE(empty.body.count('\n'), 1);
        QCOMPARE(admin("GET", "/api/v1/channels/sandbox/statements/yesterday").status, 422);
        QCOMPARE(admin("GET", "/api/v1/channels/nope/statements/" + today()).status, 404);
        // The file itself, in the channel's data directory.
        QVERIFY(QFile::exists(m_dir.path() + "/data/channels/sandbox/statements/" + today() + ".csv"));
    }

    void routingIsChosenAndRecorded()
    {
        HttpResult rule = admin("POST", "/api/v1/payment-routes",
                                R"({"name":"eur-sandbox","channel":"sandbox","priority":10,
                                    "conditions":{"currencies":["EUR"],"min_amount_minor":100}})");
        QCOMPARE(rule.status, 201);
        const qint64 ruleId = rule.json().value("id").toInteger();
        QCOMPARE(
            admin("POST", "/api/v1/payment-routes", R"({"name":"eur-sandbox","channel":"sandbox"})").status,
            409);
        QCOMPARE(admin("POST", "/api/v1/payment-routes", R"({"name":"x","channel":"nope"})").status, 422);

        const auto routed = [&](qint64 amount, const QString &currency, bool explicitChannel) {
            QJsonObject body = paymentBody(nextNo(), "4242424242424242", amount, currency);
            if (!explicitChannel)
                body.remove("channel");
            return call("POST", "/internal/v1/channel/payments", body);
        };
        QJsonObject r = routed(1000, "EUR", false).jsonObject();
        QCOMPARE(r.value("routing").toObject().value("reason").toString(),
                 QStringLiteral("rule:eur-sandbox"));
        QCOMPARE(r.value("routing").toObject().value("channel").toString(), QStringLiteral("sandbox"));
        QCOMPARE(routed(50, "EUR", false).jsonObject().value("routing").toObject().value("reason").toString(),
                 QStringLiteral("default"));
        QCOMPARE(
            routed(1000, "USD", false).jsonObject().value("routing").toObject().value("reason").toString(),
            QStringLiteral("default"));
        const HttpResponse none = routed(1000, "SEK", false);
        QCOMPARE(none.status, 422);
        QCOMPARE(none.jsonObject().value("code").toString(), QStringLiteral("NO_CHANNEL"));
        QSqlQuery q(database());
        QVERIFY(q.exec(QString("SELECT routing_reason FROM channel_transactions WHERE payment_no = '%1'")
                           .arg(r.value("payment_no").toString())) &&
                q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("rule:eur-sandbox"));

        // Channel limits and a disabled channel leave nothing to route to.
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"max_amount_minor":5000})").status, 200);
        QCOMPARE(routed(6000, "USD", false).status, 422);
        QCOMPARE(routed(6000, "USD", true).status, 422);
        QCOMPARE(
            admin("PUT", "/api/v1/channels/sandbox/config", R"({"max_amount_minor":null,"enabled":false})")
                .status,
            200);
        QCOMPARE(routed(6000, "USD", false).status, 422);
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"enabled":true})").status, 200);
        QCOMPARE(routed(6000, "USD", false).status, 200);

        // The preview answers what a create would do, without creating anything.
        HttpResult preview =
            admin("GET", "/api/v1/payment-routes/preview?merchant_id=m-it&amount_minor=1000&currency=EUR", {},
                  {"channel.view"});
        QCOMPARE(preview.status, 200);
        QCOMPARE(preview.json().value("reason").toString(), QStringLiteral("rule:eur-sandbox"));
        QCOMPARE(preview.json().value("fee_minor").toInteger(), 59);
        preview =
            admin("GET", "/api/v1/payment-routes/preview?merchant_id=m-it&amount_minor=1000&currency=SEK", {},
                  {"channel.view"});
        QVERIFY(!preview.json().value("routable").toBool());
        QVERIFY(preview.json().value("why").toString().contains("SEK"));
        QCOMPARE(admin("GET", "/api/v1/payment-routes/preview?merchant_id=m-it&amount_minor=x&currency=USD")
                     .status,
                 422);

        const HttpResult rules = admin("GET", "/api/v1/payment-routes", {}, {"channel.view"});
        QCOMPARE(rules.json().value("items").toArray().size(), 1);
        QCOMPARE(admin("PUT", QString("/api/v1/payment-routes/%1").arg(ruleId),
                       R"({"name":"eur-sandbox","channel":"sandbox","enabled":false})")
                     .status,
                 200);
        QCOMPARE(
            routed(1000, "EUR", false).jsonObject().value("routing").toObject().value("reason").toString(),
            QStringLiteral("default"));
        QCOMPARE(admin("DELETE", QString("/api/v1/payment-routes/%1").arg(ruleId)).status, 204);
        QCOMPARE(admin("DELETE", QString("/api/v1/payment-routes/%1").arg(ruleId)).status, 404);
    }

    void configChangesFeesAndFailureInjection()
    {
        HttpResult put =
            admin("PUT", "/api/v1/channels/sandbox/config", R"({"fee_percent_bps":100,"fee_fixed_minor":0})");
        QCOMPARE(put.status, 200);
        QCOMPARE(put.json().value("effective_fee_schedule").toObject().value("percent_bps").toInt(), 100);
        QCOMPARE(create(nextNo(), "4242424242424242").jsonObject().value("fee_minor").toInteger(), 10);
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config",
                       R"({"fee_percent_bps":null,"fee_fixed_minor":null})")
                     .status,
                 200);
        QCOMPARE(create(nextNo(), "4242424242424242").jsonObject().value("fee_minor").toInteger(), 59);

        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"settings":{"failure_rate":1}})").status,
                 200);
        QJsonObject failed = create(nextNo(), "4242424242424242").jsonObject();
        QCOMPARE(failed.value("status").toString(), QStringLiteral("failed"));
        QCOMPARE(failed.value("decline_code").toString(), QStringLiteral("processing_error"));
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"settings":{"timeout_rate":1}})").status,
                 200);
        QCOMPARE(create(nextNo(), "4242424242424242").jsonObject().value("decline_code").toString(),
                 QStringLiteral("timeout"));
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"settings":{"latency_ms":50}})").status,
                 200);
        QCOMPARE(create(nextNo(), "4242424242424242").jsonObject().value("status").toString(),
                 QStringLiteral("succeeded"));
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"settings":{"bogus":1}})").status, 422);
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"settings":{"failure_rate":2}})").status,
                 422);
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"currencies":["ZZZ"]})").status, 422);
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"settings":{}})").status, 200);

        // A rotated secret: callbacks signed with the old one no longer verify, new ones do.
        QVERIFY(!m_receiver.received.isEmpty());
        const CallbackReceiver::Received old = m_receiver.received.last();
        QCOMPARE(verify(old, old.body).status, 200);
        QCOMPARE(admin("PUT", "/api/v1/channels/sandbox/config", R"({"rotate_secret":true})").status, 200);
        QCOMPARE(verify(old, old.body).status, 401);
        const QString fresh = nextNo();
        create(fresh, "4000000000003220");
        QTRY_VERIFY_WITH_TIMEOUT(m_receiver.find("payment_no", fresh).has_value(), 15000);
        const CallbackReceiver::Received signedAfter = *m_receiver.find("payment_no", fresh);
        QCOMPARE(verify(signedAfter, signedAfter.body).status, 200);

        // The secret is stored sealed, not in clear.
        QSqlQuery q(database());
        QVERIFY(q.exec("SELECT secrets, settings::text FROM channel_configs WHERE channel = 'sandbox'") &&
                q.next());
        QVERIFY(q.value(0).toByteArray().size() > 28);
        QVERIFY(!q.value(0).toByteArray().contains("callback_secret"));
    }

    void adminRoutesNeedPermissionsAndAreAudited()
    {
        QCOMPARE(httpRequest("GET", url("/api/v1/channels")).status, 401);
        QCOMPARE(admin("GET", "/api/v1/channels", {}, {"order.view"}).status, 403);
        QCOMPARE(admin("GET", "/api/v1/channels/sandbox", {}, {"channel.view"}).status, 200);
        QCOMPARE(admin("GET", "/api/v1/channels/nope", {}, {"channel.view"}).status, 404);
        QCOMPARE(
            admin("PUT", "/api/v1/channels/sandbox/config", R"({"priority":5})", {"channel.view"}).status,
            403);
        QCOMPARE(
            admin("POST", "/api/v1/payment-routes", R"({"name":"r","channel":"sandbox"})", {"channel.view"})
                .status,
            403);
        QCOMPARE(admin("GET", "/api/v1/payment-routes", {}, {"payment.view"}).status, 403);
        QCOMPARE(admin("GET", "/api/v1/channels/sandbox/statements/" + today(), {}, {"payment.view"}).status,
                 403);
        QCOMPARE(admin("GET", "/api/v1/channel-transactions", {}, {"payment.view"}).status, 403);
        QCOMPARE(
            admin("PUT", "/api/v1/channels/sandbox/config", R"({"priority":5})", {"channel.manage"}).status,
            200);

        const HttpResult txs =
            admin("GET", "/api/v1/channel-transactions?type=refund&page_size=5", {}, {"channel.view"});
        QCOMPARE(txs.status, 200);
        QVERIFY(txs.json().value("total").toInteger() >= 3);
        QCOMPARE(txs.json().value("items").toArray().first().toObject().value("type").toString(),
                 QStringLiteral("refund"));

        QSqlQuery q(database());
        QVERIFY(q.exec("SELECT payload::text FROM outbox_events WHERE topic = 'audit.events' ORDER BY id"));
        QStringList actions;
        while (q.next())
            actions.append(
                QJsonDocument::fromJson(q.value(0).toByteArray()).object().value("action").toString());
        QVERIFY2(actions.contains("channel.config.update") && actions.contains("channel.route.create") &&
                     actions.contains("channel.route.update") && actions.contains("channel.route.delete"),
                 qPrintable(actions.join(',')));
    }

    void acquirerCallsAreMeasured()
    {
        const HttpResult metrics = httpRequest("GET", url("/metrics"));
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.body.contains(
            R"(channel_acquirer_requests_total{channel="sandbox",operation="create",outcome="succeeded",service="channel-adapter"})"));
        QVERIFY(metrics.body.contains(
            R"(channel_acquirer_requests_total{channel="sandbox",operation="create",outcome="declined",service="channel-adapter"})"));
        QVERIFY(
            metrics.body.contains(
                R"(channel_acquirer_requests_total{channel="sandbox",operation="capture",outcome="invalid_state",service="channel-adapter"})") ||
            metrics.body.contains(R"(operation="capture",outcome="succeeded")"));
        QVERIFY(metrics.body.contains("channel_acquirer_duration_seconds_bucket{channel=\"sandbox\""));
    }

    void cardNumbersAreNeverStoredOrLogged()
    {
        const QByteArrayList numbers = {"4242424242424242", "4000000000003220", "4000000000000002"};
        QSqlQuery q(database());
        QVERIFY(q.exec("SELECT string_agg(row_to_json(t)::text, '') FROM channel_transactions t") &&
                q.next());
        const QByteArray rows = q.value(0).toByteArray();
        QVERIFY(rows.contains("4242")); // last 4 are stored
        QVERIFY(q.exec("SELECT string_agg(payload::text, '') FROM outbox_events") && q.next());
        const QByteArray events = q.value(0).toByteArray();
        QStringList files;
        QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
        for (const QByteArray &number : numbers) {
            QVERIFY(!rows.contains(number));
            QVERIFY(!events.contains(number));
            for (const QString &file : std::as_const(files)) {
                if (file.contains("/plugins/") || file.contains("/secrets/"))
                    continue;
                QFile f(file);
                QVERIFY(f.open(QIODevice::ReadOnly));
                QVERIFY2(!f.readAll().contains(number), qPrintable(file));
            }
        }
    }
};

QTEST_GUILESS_MAIN(ChannelAdapterTest)
#include "tst_channel_adapter.moc"
