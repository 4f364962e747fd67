// accounting-service in process on a real PostgreSQL: payment.events and merchant.events published
// through a test service's outbox (as payment-gateway and merchant-service do) post double-entry
// journal entries; once-only posting; 1,000 random events leave a consistent ledger; verify finds
// a tampered cache row; the journal is append-only; reversals; admin reads, RBAC and audit;
// `paydesk-server ledger verify` and `payctl ledger` against the running service, and
// `paydesk-server ledger verify` against a whole server started as a process.

#include "services/accounting-service/AccountingService.h"

#include "platform/bus/InProcessEventBus.h"
#include "platform/bus/Outbox.h"
#include "platform/db/Database.h"
#include "platform/host/ServiceHost.h"
#include "platform/host/ServiceRuntime.h"
#include "platform/rpc/ServiceClient.h"
#include "support/Infrastructure.h"
#include "support/ServerProcess.h"
#include "support/ServiceDatabase.h"
#include "support/TestHost.h"
#include "support/TestSupport.h"

#include <QJsonArray>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace paydesk::platform;
using namespace paydesk::testing;
namespace accounting = paydesk::services::accounting;

namespace {
// Publishes events through its outbox (POST /api/v1/emit {events:[{topic, type, payload, event_id?}]},
// all in one transaction) and records accounting.events.
class EmitterService : public Service
{
public:
    struct Seen
    {
        QMutex mutex;
        QList<Event> events;
    };
    EmitterService(quint16 seedPort, std::shared_ptr<Seen> seen)
        : Service({"emitter", seedPort, "paydesk_test_emitter", "test service"}), m_seen(std::move(seen))
    {
    }
    void registerRoutes(Router &router, ServiceRuntime &runtime) override
    {
        router.add({.method = "POST",
                    .pattern = "/api/v1/emit",
                    .handler =
                        [&runtime](const HttpRequest &request) {
                            QString error;
                            QSqlDatabase db = runtime.database().connection(&error);
                            const bool ok = inTransaction(
                                db,
                                [&](QString *why) {
                                    for (const QJsonValue &value :
                                         request.json.object().value("events").toArray()) {
                                        const QJsonObject body = value.toObject();
                                        const Event event{
                                            .eventId = QUuid::fromString(body.value("event_id").toString()),
                                            .topic = body.value("topic").toString(),
                                            .type = body.value("type").toString(),
                                            .aggregateType = "test",
                                            .aggregateId = "1",
                                            .payload = body.value("payload").toObject()};
                                        if (outbox::append(db, event, why) <= 0)
                                            return false;
                                    }
                                    return true;
                                },
                                &error);
                            if (!ok)
                                return HttpResponse::json(QJsonObject{{"error", error}}, 500);
                            runtime.kickOutbox();
                            return HttpResponse::empty(202);
                        },
                    .jsonBody = true,
                    .bodyLimitBytes = 16 * 1024 * 1024});
    }
    QList<QPair<QString, QString>> consumedTopics() const override
    {
        return {{"accounting.events", "emitter"}};
    }
    void onReady(ServiceRuntime &runtime) override
    {
        runtime.environment().bus->subscribe("accounting.events", "emitter", &runtime,
                                             [seen = m_seen](const Event &event) {
                                                 QMutexLocker lock(&seen->mutex);
                                                 seen->events.append(event);
                                                 return true;
                                             });
    }

private:
    std::shared_ptr<Seen> m_seen;
};

constexpr quint16 kAccountingSeed = 40007;
constexpr quint16 kEmitterSeed = 40103;

// The tier rates of spec §4.2 in basis points, and the fee rule, written out independently of
// the service's code.
qint64 expectedFee(qint64 amount, const QString &tier)
{
    const int bp = tier == "business" ? 60 : tier == "enterprise" ? 45 : tier == "premium" ? 30 : 80;
    return (amount * bp * 2 + 10'000) / 20'000;
}

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};
} // namespace

class AccountingTest : public QObject
{
    Q_OBJECT
    Infrastructure m_infra;
    QTemporaryDir m_dir{QStringLiteral("/tmp/paydesk-accounting-test-XXXXXX")};
    std::unique_ptr<InProcessEventBus> m_bus;
    std::unique_ptr<ServiceHost> m_host;
    std::unique_ptr<ServiceClient> m_cli; // internal calls
    std::shared_ptr<EmitterService::Seen> m_seen = std::make_shared<EmitterService::Seen>();
    quint16 m_base = 0;
    // Unique per run so that names never collide with an earlier run's rows.
    const QString m_run = QString::number(QRandomGenerator::global()->bounded(1'000'000));

    QString dataDir() const { return m_dir.path() + "/data"; }
    QString url(quint16 seed, const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_base + seed - 40000).arg(path);
    }
    QHash<QByteArray, QByteArray> admin(const QStringList &permissions) const
    {
        return {{"Authorization", "Bearer " + adminToken(dataDir(), permissions)}};
    }
    HttpResult ledger(const QByteArray &method, const QString &path, const QByteArray &body = {},
                      const QStringList &permissions = {"accounting.view", "accounting.verify",
                                                        "accounting.adjust"})
    {
        return httpRequest(method, url(kAccountingSeed, path), body, admin(permissions), 30000);
    }
    QSqlDatabase database() { return serviceDatabase(m_infra, "test-accounting", "payment_accounting"); }

    static QJsonObject event(const QString &topic, const QString &type, const QJsonObject &payload,
                             const QUuid &id = QUuid::createUuid())
    {
        return {{"topic", topic},
                {"type", type},
                {"payload", payload},
                {"event_id", id.toString(QUuid::WithoutBraces)}};
    }
    // Emits the events in one outbox transaction and waits until every one is acknowledged by
    // every consumer (accounting-service has committed its effect by then).
    // `whileWaiting` runs at every poll until then.
    void emitAndWait(const QJsonArray &events, const std::function<void()> &whileWaiting = {})
    {
        const HttpResult result =
            httpRequest("POST", url(kEmitterSeed, "/api/v1/emit"),
                        QJsonDocument(QJsonObject{{"events", events}}).toJson(), {}, 30000);
        QCOMPARE(result.status, 202);
        QSqlDatabase emitter = serviceDatabase(m_infra, "test-emitter", "paydesk_test_emitter");
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                if (whileWaiting)
                    whileWaiting();
                QSqlQuery q(emitter);
                return q.exec("SELECT count(*) FROM outbox_events WHERE published_at IS NULL") && q.next() &&
                       q.value(0).toInt() == 0;
            }(),
            120000);
    }
    static QJsonObject success(const QString &merchant, const QString &paymentNo, qint64 amount,
                               qint64 channelFee, const QString &currency = "USD",
                               const QString &channel = "sandbox")
    {
        return {{"payment_no", paymentNo},
                {"merchant_id", merchant},
                {"order_no", "O-" + paymentNo},
                {"amount_minor", amount},
                {"captured_minor", amount},
                {"currency", currency},
                {"status", "success"},
                {"channel", channel},
                {"channel_trade_no", "ch_" + paymentNo},
                {"channel_fee_minor", channelFee},
                {"environment", "test"},
                {"occurred_at", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
    }
    static QJsonObject refund(const QJsonObject &payment, const QString &refundNo, qint64 amount)
    {
        QJsonObject r = payment;
        r["refund_no"] = refundNo;
        r["refund_amount_minor"] = amount;
        return r;
    }
    QJsonObject verifyInternal()
    {
        CallOptions options;
        options.timeoutMs = 60000;
        const HttpResponse response =
            m_cli->callSync("accounting-service", "POST", "/internal/v1/ledger/verify", {}, options);
        [&] { QCOMPARE(response.status, 200); }();
        return response.jsonObject();
    }
    // Cached balance of one account from the admin API (balances filtered by merchant/currency).
    qint64 balance(const QString &account)
    {
        QSqlQuery q(database());
        q.prepare(
            "SELECT b.balance_minor FROM ledger_balances b JOIN ledger_accounts a ON a.id = b.account_id "
            "WHERE a.code = ?");
        q.addBindValue(account);
        return q.exec() && q.next() ? q.value(0).toLongLong() : LLONG_MIN;
    }
    Run command(const QString &program, const QStringList &args, const QHash<QString, QString> &env = {})
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (auto it = env.begin(); it != env.end(); ++it)
            environment.insert(it.key(), it.value());
        process.setProcessEnvironment(environment);
        process.start(program, args);
        Run run;
        if (!process.waitForFinished(120000)) {
            process.kill();
            process.waitForFinished();
            return run;
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }
    Run ledgerVerifyCli(bool json = false)
    {
        QStringList args{"ledger", "verify", "--data-dir", dataDir(), "--base-port", QString::number(m_base)};
        if (json)
            args << "--json";
        return command(qEnvironmentVariable("PAYDESK_SERVER_BIN"), args);
    }
    Run payctl(const QStringList &args)
    {
        return command(qEnvironmentVariable("PAYCTL_BIN"),
                       QStringList{"--url", QStringLiteral("http://127.0.0.1:%1").arg(m_base)} + args,
                       {{"XDG_CONFIG_HOME", m_dir.path() + "/config"}});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("PAYDESK_SERVER_BIN"), "ctest sets PAYDESK_SERVER_BIN");
        QString error;
        QVERIFY2(m_infra.start(&error), qPrintable(error));
        m_base = freeBasePort();
        m_bus = std::make_unique<InProcessEventBus>();
        HostEnvironment env;
        // The CLI finds the internal token in <data_dir>/secrets, as with a real server.
        QVERIFY2(makeHostEnvironment(m_infra, dataDir(), m_base, m_bus.get(), &env, &error,
                                     {{"workers_per_service", "8"}}),
                 qPrintable(error));
        m_host = std::make_unique<ServiceHost>(env);
        m_host->add(accounting::createAccountingService(
            {"accounting-service", kAccountingSeed, "payment_accounting", "accounting"}));
        m_host->add(std::make_unique<EmitterService>(kEmitterSeed, m_seen));
        m_host->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_host->allReady(), 60000);
        m_cli = std::make_unique<ServiceClient>(m_host->directory(), "paydesk-server-cli");
    }

    void paymentAndPartialRefundPostTheRightLines()
    {
        const QString merchant = "m-pay-" + m_run;
        const QString paymentNo = "PY-pay-" + m_run;
        emitAndWait({event("merchant.events", "merchant.created",
                           {{"merchant_id", merchant}, {"tier", "business"}})});
        const QJsonObject payment = success(merchant, paymentNo, 10'000, 59);
        emitAndWait({event("payment.events", "payment.created", payment),
                     event("payment.events", "payment.success", payment),
                     event("payment.events", "refund.success", refund(payment, "RF-pay-" + m_run, 2'500))});

        const HttpResult journal = ledger("GET", "/api/v1/ledger/journal?payment_no=" + paymentNo);
        QCOMPARE(journal.status, 200);
        const QJsonArray entries = journal.json().value("items").toArray();
        QCOMPARE(entries.size(), 2);                           // payment.created posts nothing
        const QJsonObject refundEntry = entries[0].toObject(); // newest first
        const QJsonObject capture = entries[1].toObject();
        QCOMPARE(capture.value("kind").toString(), QStringLiteral("payment_capture"));
        QCOMPARE(capture.value("merchant_fee_minor").toInteger(), 60); // business 0.6 % of 10,000
        QCOMPARE(capture.value("fee_rate_bp").toInt(), 60);
        QVERIFY(capture.value("entry_no").toString().startsWith("JE"));
        auto lines = [](const QJsonObject &entry) {
            QStringList out;
            for (const QJsonValue &line : entry.value("lines").toArray())
                out << QStringLiteral("%1 Dr %2 Cr %3")
                           .arg(line.toObject().value("account").toString())
                           .arg(line.toObject().value("debit_minor").toInteger())
                           .arg(line.toObject().value("credit_minor").toInteger());
            return out;
        };
        const QString payable = "merchant_payable:" + merchant + ":USD";
        QCOMPARE(lines(capture),
                 (QStringList{"channel_clearing:sandbox:USD Dr 10000 Cr 0", payable + " Dr 0 Cr 9940",
                              "fee_revenue:USD Dr 0 Cr 60", "channel_fee_expense:USD Dr 59 Cr 0",
                              "channel_clearing:sandbox:USD Dr 0 Cr 59"}));
        QCOMPARE(refundEntry.value("kind").toString(), QStringLiteral("refund"));
        QCOMPARE(refundEntry.value("refund_no").toString(), "RF-pay-" + m_run);
        QCOMPARE(lines(refundEntry),
                 (QStringList{payable + " Dr 2500 Cr 0", "channel_clearing:sandbox:USD Dr 0 Cr 2500"}));

        // The merchant's balance: 10,000 − 60 − 2,500.
        const HttpResult balances =
            ledger("GET", "/api/v1/ledger/balances?merchant_id=" + merchant + "&currency=USD");
        QCOMPARE(balances.status, 200);
        const QJsonArray items = balances.json().value("items").toArray();
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0].toObject().value("account").toString(), payable);
        QCOMPARE(items[0].toObject().value("balance_minor").toInteger(), 7'440);
        QCOMPARE(items[0].toObject().value("normal_side").toString(), QStringLiteral("credit"));

        // accounting.entry.posted for each entry, small payload.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QMutexLocker lock(&m_seen->mutex);
                int found = 0;
                for (const Event &e : m_seen->events)
                    found += e.type == "accounting.entry.posted" &&
                             e.payload.value("payment_no").toString() == paymentNo;
                return found == 2;
            }(),
            10000);
        QVERIFY(verifyInternal().value("ok").toBool());
    }

    void theSameEventDeliveredTwicePostsOnce()
    {
        const QString merchant = "m-twice-" + m_run;
        const QUuid id = QUuid::createUuid();
        const QJsonObject payment = success(merchant, "PY-twice-" + m_run, 5'000, 0, "EUR");
        emitAndWait({event("payment.events", "payment.success", payment, id)});
        // Redelivery straight through the bus with the same event id (at-least-once delivery).
        const Event again{.eventId = id,
                          .topic = "payment.events",
                          .type = "payment.success",
                          .aggregateType = "payment",
                          .aggregateId = "PY-twice-" + m_run,
                          .payload = payment};
        for (int i = 0; i < 2; ++i) {
            QFuture<bool> ack = m_bus->publish(again);
            QTRY_VERIFY_WITH_TIMEOUT(ack.isFinished(), 10000);
            QVERIFY(ack.result());
        }
        QSqlQuery q(database());
        q.prepare("SELECT count(*) FROM journal_entries WHERE source_event_id = ?::uuid");
        q.addBindValue(id.toString(QUuid::WithoutBraces));
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QCOMPARE(balance("merchant_payable:" + merchant + ":EUR"), 5'000 - 40); // starter (no tier known)

        // The same capture or refund announced again under another event id posts nothing either;
        // the event is kept in unposted_events for operators.
        const QUuid otherCapture = QUuid::createUuid();
        const QUuid refundOnce = QUuid::createUuid();
        const QUuid refundAgain = QUuid::createUuid();
        emitAndWait(
            {event("payment.events", "payment.success", payment, otherCapture),
             event("payment.events", "refund.success", refund(payment, "RF-twice-" + m_run, 700), refundOnce),
             event("payment.events", "refund.success", refund(payment, "RF-twice-" + m_run, 700),
                   refundAgain)});
        QCOMPARE(balance("merchant_payable:" + merchant + ":EUR"), 5'000 - 40 - 700);
        QCOMPARE(
            ledger("GET", "/api/v1/ledger/journal?merchant_id=" + merchant).json().value("total").toInteger(),
            2);
        QSqlQuery unposted(database());
        QVERIFY(unposted.exec("SELECT event_id::text, reason FROM unposted_events ORDER BY received_at"));
        QHash<QString, QString> reasons;
        while (unposted.next())
            reasons.insert(unposted.value(0).toString(), unposted.value(1).toString());
        QCOMPARE(reasons.size(), 2);
        QVERIFY(reasons.value(otherCapture.toString(QUuid::WithoutBraces))
                    .contains("already has a capture entry"));
        QVERIFY(reasons.value(refundAgain.toString(QUuid::WithoutBraces)).contains("already posted"));

        // The database refuses a second entry for the same event even if the consumer did not.
        QSqlQuery dup(database());
        dup.prepare(
            "INSERT INTO journal_entries (entry_no, kind, source_event_id, currency) VALUES ('JEdup', "
            "'refund', ?::uuid, 'EUR')");
        dup.addBindValue(id.toString(QUuid::WithoutBraces));
        QVERIFY(!dup.exec());
        QVERIFY2(dup.lastError().text().contains("source_event_id"), qPrintable(dup.lastError().text()));
    }

    void aThousandRandomEventsLeaveAConsistentLedger()
    {
        const quint32 seed = qEnvironmentVariableIsSet("LEDGER_SEED")
                                 ? qEnvironmentVariable("LEDGER_SEED").toUInt()
                                 : QRandomGenerator::global()->generate();
        qInfo("LEDGER_SEED=%u (set it to replay this sequence)", seed);
        QRandomGenerator random(seed);
        const QStringList tiers{"starter", "business", "enterprise", "premium", "", "platinum"};
        const QStringList currencies{"USD", "JPY", "KWD", "EUR"};
        const QStringList channels{"sandbox", "stripe"};
        QList<QPair<QString, QString>> merchants; // (id, tier)
        QJsonArray events;
        for (int m = 0; m < tiers.size(); ++m) {
            const QString id = QStringLiteral("m-rand-%1-%2").arg(m_run).arg(m);
            merchants.append({id, tiers[m]});
            if (!tiers[m].isEmpty())
                events.append(event("merchant.events", m == 3 ? "merchant.tier_changed" : "merchant.created",
                                    {{"merchant_id", id}, {"tier", tiers[m]}}));
        }
        struct Captured
        {
            QJsonObject payload;
            qint64 refundable;
        };
        QList<Captured> captured;
        QHash<QString, qint64> expectedPayable; // account code → Σ(A − Fm) − Σ R
        qint64 expectedEntries = 0;
        for (int i = 0; i < 1000; ++i) {
            const int roll = random.bounded(100);
            if (roll < 25 && !captured.isEmpty()) { // refund part or all of what is left of a capture
                const int pick = random.bounded(captured.size());
                Captured &c = captured[pick];
                const qint64 amount = 1 + random.bounded(c.refundable);
                c.refundable -= amount;
                events.append(event("payment.events", "refund.success",
                                    refund(c.payload, QStringLiteral("RF-%1-%2").arg(m_run).arg(i), amount)));
                expectedPayable["merchant_payable:" + c.payload.value("merchant_id").toString() + ":" +
                                c.payload.value("currency").toString()] -= amount;
                ++expectedEntries;
                if (c.refundable == 0)
                    captured.removeAt(pick);
                continue;
            }
            const auto &[merchant, tier] = merchants[random.bounded(merchants.size())];
            const QString currency = currencies[random.bounded(currencies.size())];
            const qint64 amount = 1 + random.bounded(5'000'000);
            const qint64 fee = random.bounded(amount / 20 + 1);
            const QJsonObject payment =
                success(merchant, QStringLiteral("PY-%1-%2").arg(m_run).arg(i), amount, fee, currency,
                        channels[random.bounded(channels.size())]);
            if (roll < 40) { // failed, cancelled or expired: no posting
                const QStringList failures{"payment.failed", "payment.cancelled", "payment.expired"};
                events.append(event("payment.events", failures[random.bounded(failures.size())], payment));
                continue;
            }
            events.append(event("payment.events", "payment.success", payment));
            expectedPayable["merchant_payable:" + merchant + ":" + currency] +=
                amount - expectedFee(amount, tier);
            captured.append({payment, amount});
            ++expectedEntries;
        }
        QSqlQuery q(database());
        QVERIFY(q.exec("SELECT count(*) FROM journal_entries") && q.next());
        const qint64 entriesBefore = q.value(0).toLongLong();
        // Verify while the events are being posted: it reads one snapshot, so entries committing
        // meanwhile never show up as differences.
        int verifiedWhilePosting = 0;
        QStringList dirty;
        emitAndWait(events, [&] {
            const QJsonObject report = verifyInternal();
            ++verifiedWhilePosting;
            if (!report.value("ok").toBool())
                dirty << QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact));
        });
        QVERIFY2(dirty.isEmpty(), qPrintable(dirty.join('\n')));
        qInfo("verified %d times while posting", verifiedWhilePosting);

        QVERIFY(q.exec("SELECT count(*) FROM journal_entries") && q.next());
        QCOMPARE(q.value(0).toLongLong() - entriesBefore, expectedEntries);
        const QJsonObject verified = verifyInternal();
        QVERIFY2(verified.value("ok").toBool(), QJsonDocument(verified).toJson().constData());
        QCOMPARE(verified.value("differences").toArray().size(), 0);
        QVERIFY(verified.value("checked_entries").toInteger() >= expectedEntries);

        // Every cached balance equals the sum of its lines (independently of verify's SQL).
        QVERIFY(q.exec(
            "SELECT a.code, b.balance_minor, CASE a.normal_side WHEN 'debit' THEN "
            "coalesce(sum(l.debit_minor - l.credit_minor), 0) ELSE coalesce(sum(l.credit_minor - "
            "l.debit_minor), 0) END FROM ledger_accounts a JOIN ledger_balances b ON b.account_id = a.id "
            "LEFT JOIN entry_lines l ON l.account_id = a.id GROUP BY a.code, a.normal_side, "
            "b.balance_minor"));
        int accounts = 0;
        while (q.next()) {
            QVERIFY2(q.value(1).toLongLong() == q.value(2).toLongLong(), qPrintable(q.value(0).toString()));
            ++accounts;
        }
        QVERIFY(accounts > 10);
        // merchant_payable = Σ(A − Fm) − Σ R per merchant and currency.
        QVERIFY(expectedPayable.size() > 10);
        for (auto it = expectedPayable.cbegin(); it != expectedPayable.cend(); ++it)
            QCOMPARE(balance(it.key()), it.value());
        // Per currency, the whole ledger balances: Σ debit-normal balances = Σ credit-normal ones.
        QVERIFY(q.exec(
            "SELECT a.currency, sum(CASE a.normal_side WHEN 'debit' THEN b.balance_minor ELSE 0 END), "
            "sum(CASE a.normal_side WHEN 'credit' THEN b.balance_minor ELSE 0 END) FROM ledger_accounts a "
            "JOIN ledger_balances b ON b.account_id = a.id GROUP BY a.currency"));
        while (q.next())
            QCOMPARE(q.value(1).toLongLong(), q.value(2).toLongLong());
    }

    void aTamperedCacheRowIsReportedAlone()
    {
        const QString account = "merchant_payable:m-pay-" + m_run + ":USD";
        QSqlQuery q(database());
        auto tamper = [&](qint64 delta) {
            q.prepare("UPDATE ledger_balances SET balance_minor = balance_minor + ? WHERE account_id = "
                      "(SELECT id FROM "
                      "ledger_accounts WHERE code = ?)");
            q.addBindValue(delta);
            q.addBindValue(account);
            return q.exec() && q.numRowsAffected() == 1;
        };
        QVERIFY(tamper(1'000));
        const QJsonObject report = verifyInternal();
        QCOMPARE(report.value("ok").toBool(), false);
        const QJsonArray differences = report.value("differences").toArray();
        QCOMPARE(differences.size(), 1);
        QCOMPARE(differences[0].toObject().value("account").toString(), account);
        QCOMPARE(differences[0].toObject().value("cached").toInteger(), 8'440);
        QCOMPARE(differences[0].toObject().value("computed").toInteger(), 7'440);

        // The CLI says the same and fails; payctl too.
        const Run cli = ledgerVerifyCli();
        QVERIFY2(cli.exitCode == 1, qPrintable(cli.out + cli.err));
        QVERIFY2(cli.out.contains(account) && cli.out.contains("cached balance 8440") &&
                     cli.out.contains("computed from lines 7440"),
                 qPrintable(cli.out));
        const Run json = ledgerVerifyCli(true);
        QCOMPARE(json.exitCode, 1);
        QCOMPARE(QJsonDocument::fromJson(json.out.toUtf8()).object().value("differences").toArray().size(),
                 1);
        writePayctlSession();
        const Run ctl = payctl({"ledger", "verify"});
        QVERIFY2(ctl.exitCode == 1 && ctl.out.contains(account), qPrintable(ctl.out + ctl.err));

        QVERIFY(tamper(-1'000));
        QVERIFY(verifyInternal().value("ok").toBool());
        const Run clean = ledgerVerifyCli();
        QVERIFY2(clean.exitCode == 0, qPrintable(clean.out + clean.err));
        QVERIFY2(clean.out.contains("Ledger is consistent"), qPrintable(clean.out));
        const Run ctlClean = payctl({"ledger", "verify"});
        QVERIFY2(ctlClean.exitCode == 0, qPrintable(ctlClean.out + ctlClean.err));
        const Run ctlBalances =
            payctl({"ledger", "balances", "--merchant", "m-pay-" + m_run, "--currency", "USD"});
        QVERIFY2(ctlBalances.exitCode == 0 && ctlBalances.out.contains(account) &&
                     ctlBalances.out.contains("7440"),
                 qPrintable(ctlBalances.out + ctlBalances.err));

        // A deleted cache row is a difference too.
        QVERIFY(q.exec(
            "CREATE TEMP TABLE saved AS SELECT * FROM ledger_balances WHERE account_id = (SELECT id FROM "
            "ledger_accounts WHERE code = 'fee_revenue:USD')"));
        QVERIFY(q.exec("DELETE FROM ledger_balances WHERE account_id IN (SELECT account_id FROM saved)"));
        const QJsonArray missing = verifyInternal().value("differences").toArray();
        QCOMPARE(missing.size(), 1);
        QCOMPARE(missing[0].toObject().value("account").toString(), QStringLiteral("fee_revenue:USD"));
        QVERIFY(missing[0].toObject().value("cached").isNull());
        QVERIFY(q.exec("INSERT INTO ledger_balances SELECT * FROM saved"));
        QVERIFY(q.exec("DROP TABLE saved"));
        QVERIFY(verifyInternal().value("ok").toBool());
    }

    void theJournalIsAppendOnlyAndBalanced()
    {
        QSqlQuery q(database());
        QVERIFY(!q.exec("UPDATE entry_lines SET debit_minor = debit_minor + 1 WHERE id = (SELECT min(id) "
                        "FROM entry_lines)"));
        QVERIFY2(q.lastError().text().contains("append-only"), qPrintable(q.lastError().text()));
        QVERIFY(!q.exec("DELETE FROM entry_lines WHERE id = (SELECT min(id) FROM entry_lines)"));
        QVERIFY(!q.exec(
            "UPDATE journal_entries SET merchant_id = 'x' WHERE id = (SELECT min(id) FROM journal_entries)"));
        QVERIFY(!q.exec("DELETE FROM journal_entries WHERE id = (SELECT min(id) FROM journal_entries)"));
        QVERIFY(!q.exec("TRUNCATE entry_lines"));

        // An unbalanced entry cannot commit (checked at COMMIT by the deferred constraint trigger).
        QSqlDatabase db = database();
        auto failsAtCommit = [&](const QString &secondLine) {
            QVERIFY(db.transaction());
            QSqlQuery t(db);
            QVERIFY2(t.exec("INSERT INTO journal_entries (entry_no, kind, source_event_id, currency) VALUES "
                            "('JEbad', 'refund', gen_random_uuid(), 'USD')"),
                     qPrintable(t.lastError().text()));
            QVERIFY(t.exec(
                "INSERT INTO entry_lines (entry_id, line_no, account_id, currency, debit_minor) SELECT "
                "currval('journal_entries_id_seq'), 1, id, 'USD', 100 FROM ledger_accounts WHERE code = "
                "'fee_revenue:USD'"));
            if (!secondLine.isEmpty())
                QVERIFY(t.exec(secondLine));
            QVERIFY(!db.commit()); // rolled back by the server
            QVERIFY2(db.lastError().text().contains("does not balance"), qPrintable(db.lastError().text()));
        };
        failsAtCommit({});
        failsAtCommit(
            "INSERT INTO entry_lines (entry_id, line_no, account_id, currency, credit_minor) SELECT "
            "currval('journal_entries_id_seq'), 2, id, 'USD', 99 FROM ledger_accounts WHERE code = "
            "'fee_revenue:USD'");
        // An entry without lines cannot commit either.
        QVERIFY(db.transaction());
        QVERIFY(q.exec(
            "INSERT INTO journal_entries (entry_no, kind, source_event_id, currency) VALUES ('JEempty', "
            "'refund', gen_random_uuid(), 'USD')"));
        QVERIFY(!db.commit());
        // A line in another currency than its account's is refused at once.
        QVERIFY(!q.exec(
            "INSERT INTO entry_lines (entry_id, line_no, account_id, currency, debit_minor) SELECT "
            "min(e.id), 99, (SELECT id FROM ledger_accounts WHERE code = 'fee_revenue:USD'), 'EUR', 1 "
            "FROM journal_entries e"));
        QVERIFY(verifyInternal().value("ok").toBool());
    }

    void malformedMoneyEventsAreKeptNotPosted()
    {
        QJsonObject bad = success("m-bad-" + m_run, "PY-bad-" + m_run, 100, 0, "usd");
        const QUuid id = QUuid::createUuid();
        emitAndWait({event("payment.events", "payment.success", bad, id)});
        QSqlQuery q(database());
        q.prepare("SELECT reason FROM unposted_events WHERE event_id = ?::uuid");
        q.addBindValue(id.toString(QUuid::WithoutBraces));
        QVERIFY(q.exec() && q.next());
        QVERIFY(q.value(0).toString().contains("currency"));
        const QJsonObject report = verifyInternal();
        QVERIFY(report.value("ok").toBool()); // nothing inconsistent, but counted
        QVERIFY(report.value("unposted_events").toInteger() >= 1);
    }

    void anEntryIsCorrectedByItsReversal()
    {
        const QString merchant = "m-rev-" + m_run;
        emitAndWait(
            {event("payment.events", "payment.success", success(merchant, "PY-rev-" + m_run, 20'000, 100))});
        const QString payable = "merchant_payable:" + merchant + ":USD";
        QCOMPARE(balance(payable), 20'000 - 160);
        const qint64 revenueBefore = balance("fee_revenue:USD");
        const QString entryNo = ledger("GET", "/api/v1/ledger/journal?merchant_id=" + merchant)
                                    .json()
                                    .value("items")
                                    .toArray()[0]
                                    .toObject()
                                    .value("entry_no")
                                    .toString();
        const HttpResult reversed = ledger("POST", "/api/v1/ledger/entries/" + entryNo + "/reverse",
                                           R"({"reason":"posted twice by mistake"})");
        QCOMPARE(reversed.status, 201);
        QCOMPARE(reversed.json().value("kind").toString(), QStringLiteral("reversal"));
        QCOMPARE(reversed.json().value("reverses_entry_no").toString(), entryNo);
        QCOMPARE(reversed.json().value("lines").toArray().size(), 5);
        QCOMPARE(balance(payable), 0);
        QCOMPARE(balance("fee_revenue:USD"), revenueBefore - 160);
        const HttpResult again =
            ledger("POST", "/api/v1/ledger/entries/" + entryNo + "/reverse", R"({"reason":"again"})");
        QCOMPARE(again.status, 409);
        QCOMPARE(again.json().value("code").toString(), QStringLiteral("ENTRY_ALREADY_REVERSED"));
        const QString reversalNo = reversed.json().value("entry_no").toString();
        QCOMPARE(ledger("POST", "/api/v1/ledger/entries/" + reversalNo + "/reverse", R"({"reason":"undo"})")
                     .json()
                     .value("code")
                     .toString(),
                 QStringLiteral("CANNOT_REVERSE_REVERSAL"));
        QCOMPARE(
            ledger("POST", "/api/v1/ledger/entries/JE9999999999/reverse", R"({"reason":"nothing"})").status,
            404);
        QCOMPARE(ledger("POST", "/api/v1/ledger/entries/" + entryNo + "/reverse", "{}").status, 422);
        QVERIFY(verifyInternal().value("ok").toBool());
    }

    void metricsCountPostings()
    {
        const HttpResult metrics = httpRequest("GET", url(kAccountingSeed, "/metrics"));
        QCOMPARE(metrics.status, 200);
        const QString text = QString::fromUtf8(metrics.body);
        auto value = [&](const QString &series) {
            const QRegularExpression line("^" + QRegularExpression::escape(series) + " (\\d+)",
                                          QRegularExpression::MultilineOption);
            return line.match(text).captured(1).toLongLong();
        };
        QCOMPARE(value(R"(ledger_entries_posted_total{kind="reversal",service="accounting-service"})"), 1);
        QVERIFY(value(R"(ledger_entries_posted_total{kind="payment_capture",service="accounting-service"})") >
                100);
        QVERIFY(value(R"(ledger_entries_posted_total{kind="refund",service="accounting-service"})") > 10);
        QCOMPARE(value(R"(ledger_events_unposted_total{service="accounting-service"})"),
                 3); // 2 duplicates, 1 bad
    }

    void adminReadsFilterAndPage()
    {
        const HttpResult accounts = ledger("GET", "/api/v1/ledger/accounts?page_size=5");
        QCOMPARE(accounts.status, 200);
        QCOMPARE(accounts.json().value("chart").toArray().size(), 4);
        QCOMPARE(accounts.json().value("items").toArray().size(), 5);
        QVERIFY(accounts.json().value("total").toInteger() > 10);
        const HttpResult platform = ledger("GET", "/api/v1/ledger/balances?type=fee_revenue");
        QCOMPARE(platform.status, 200);
        for (const QJsonValue &row : platform.json().value("items").toArray())
            QVERIFY(row.toObject().value("account").toString().startsWith("fee_revenue:"));

        // Newest first, paged, time window.
        const HttpResult page1 = ledger("GET", "/api/v1/ledger/journal?page_size=3");
        const HttpResult page2 = ledger("GET", "/api/v1/ledger/journal?page_size=3&page=2");
        QCOMPARE(page1.status, 200);
        const QJsonArray first = page1.json().value("items").toArray();
        const QJsonArray second = page2.json().value("items").toArray();
        QCOMPARE(first.size(), 3);
        QCOMPARE(second.size(), 3);
        QVERIFY(first[0].toObject().value("entry_no").toString() >
                first[2].toObject().value("entry_no").toString());
        QVERIFY(first[2].toObject().value("entry_no").toString() >
                second[0].toObject().value("entry_no").toString());
        const QString future = QDateTime::currentDateTimeUtc().addDays(1).toString(Qt::ISODate);
        QCOMPARE(ledger("GET", "/api/v1/ledger/journal?from=" + future).json().value("total").toInteger(), 0);
        const QString past = QDateTime::currentDateTimeUtc().addDays(-1).toString(Qt::ISODate);
        QCOMPARE(ledger("GET", "/api/v1/ledger/journal?from=" + past + "&merchant_id=m-pay-" + m_run)
                     .json()
                     .value("total")
                     .toInteger(),
                 2);

        const HttpResult bad = ledger("GET", "/api/v1/ledger/journal?from=yesterday");
        QCOMPARE(bad.status, 422);
        QCOMPARE(bad.json().value("code").toString(), QStringLiteral("VALIDATION_FAILED"));
        QCOMPARE(ledger("GET", "/api/v1/ledger/balances?currency=usd").status, 422);
        QCOMPARE(ledger("GET", "/api/v1/ledger/balances?type=bank").status, 422);
    }

    void everyAdminRouteChecksTokenAndPermission()
    {
        int checked = 0;
        for (const Route &route : m_host->runtime("accounting-service")->router().routes()) {
            if (route.access != Access::Admin || !route.pattern.startsWith("/api/v1/"))
                continue; // the platform's own admin routes are tested with the platform
            QVERIFY2(!route.permission.isEmpty(), qPrintable(route.pattern));
            QString path = route.pattern;
            path.replace(QRegularExpression("\\{entry_no\\}"), "JE0000000000");
            const QByteArray body = route.jsonBody ? R"({"reason":"rbac probe"})" : QByteArray();
            const QString where = QString::fromLatin1(route.method) + ' ' + route.pattern;
            QCOMPARE(httpRequest(route.method, url(kAccountingSeed, path), body).status, 401);
            const int forbidden =
                httpRequest(route.method, url(kAccountingSeed, path), body, admin({"unrelated.view"})).status;
            QVERIFY2(forbidden == 403, qPrintable(where + QString(" -> %1").arg(forbidden)));
            const int allowed =
                httpRequest(route.method, url(kAccountingSeed, path), body, admin({route.permission}), 30000)
                    .status;
            QVERIFY2(allowed != 401 && allowed != 403 && allowed < 500,
                     qPrintable(where + QString(" -> %1").arg(allowed)));
            ++checked;
        }
        QCOMPARE(checked,
                 5); // verify, balances, accounts, journal, reverse: a new route must be counted here
        // The internal route answers only to the internal token when called over HTTP.
        QCOMPARE(httpRequest("POST", url(kAccountingSeed, "/internal/v1/ledger/verify")).status, 403);
        QCOMPARE(
            httpRequest("POST", url(kAccountingSeed, "/internal/v1/ledger/verify"), {}, admin({"*"})).status,
            403);
    }

    void verifyAndReversalsAreAudited()
    {
        QCOMPARE(ledger("POST", "/api/v1/ledger/verify").json().value("ok").toBool(), true);
        QCOMPARE(ledger("POST", "/api/v1/ledger/verify", {}, {"accounting.view"}).status, 403);
        QSqlQuery q(database());
        QVERIFY(q.exec("SELECT payload::text FROM outbox_events WHERE topic = 'audit.events' ORDER BY id"));
        QStringList actions;
        while (q.next()) {
            const QJsonObject audit = QJsonDocument::fromJson(q.value(0).toByteArray()).object();
            actions << audit.value("action").toString();
            QCOMPARE(audit.value("service").toString(), QStringLiteral("accounting-service"));
            QCOMPARE(audit.value("actor_id").toString(),
                     QStringLiteral("00000000-0000-0000-0000-00000000a001"));
        }
        QCOMPARE(actions.count("ledger.verify"), 4); // payctl ×2, the RBAC probe and this one
        QCOMPARE(actions.count("ledger.entry.reverse"), 1);
        QCOMPARE(actions.size(), 5);
    }

    void ledgerVerifyAgainstAWholeServer()
    {
        // The in-process host stops first: the server process uses the same PostgreSQL databases.
        m_cli.reset();
        m_host->stop();
        m_host.reset();
        QTemporaryDir dir(QStringLiteral("/tmp/paydesk-accounting-server-XXXXXX"));
        const quint16 base = freeBasePort();
        ServerProcess server(
            dir.path() + "/data", base, {},
            {{"PAYDESK_DATABASE_URL", m_infra.databaseUrl()}, {"PAYDESK_REDIS_URL", m_infra.redisUrl()}});
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        QVERIFY2(server.waitAllReady(120000, &error), qPrintable(error + server.output()));
        const Run run =
            command(ServerProcess::binary(), {"ledger", "verify", "--data-dir", dir.path() + "/data",
                                              "--base-port", QString::number(base)});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY2(run.out.contains("Ledger is consistent"), qPrintable(run.out));
        // Without the server's secrets the command cannot prove who it is.
        const Run stranger =
            command(ServerProcess::binary(), {"ledger", "verify", "--data-dir", dir.path() + "/nothing",
                                              "--base-port", QString::number(base)});
        QCOMPARE(stranger.exitCode, 1);
        QVERIFY(stranger.err.contains("no server secrets"));
        QCOMPARE(command(ServerProcess::binary(), {"ledger", "balance"}).exitCode, 2);
        QCOMPARE(server.stop(), 0);
    }

    void cleanupTestCase()
    {
        m_cli.reset();
        if (m_host)
            m_host->stop();
    }

private:
    void writePayctlSession()
    {
        QDir().mkpath(m_dir.path() + "/config/paydesk");
        QFile file(m_dir.path() + "/config/paydesk/payctl.json");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(QJsonObject{{"url", QStringLiteral("http://127.0.0.1:%1").arg(m_base)},
                                             {"access_token",
                                              QString::fromLatin1(adminToken(
                                                  dataDir(), {"accounting.view", "accounting.verify"}))}})
                       .toJson());
    }
};

QTEST_GUILESS_MAIN(AccountingTest)
#include "tst_accounting.moc"
