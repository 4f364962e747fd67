// HealthModel and the palette's fuzzy match on synthetic data (no server): which rows change when
// a sample arrives, histories kept across a layout change, history seeding, fuzzy ranking.

#include "health/HealthModel.h"
#include "shell/CommandPalette.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace paydesk::console;

namespace {
QJsonObject service(const QString &name, double rps, const QString &state = QStringLiteral("healthy"))
{
    return {{"service", name},
            {"state", state},
            {"ready", state == QStringLiteral("healthy")},
            {"req_per_s", rps},
            {"p95_ms", rps > 0 ? QJsonValue(12.5) : QJsonValue()},
            {"error_rate", 0.0},
            {"latency_ms", 1.0},
            {"checks", QJsonArray{}}};
}

QJsonObject sample(const QList<QJsonObject> &services)
{
    QJsonArray array;
    for (const QJsonObject &s : services)
        array.append(s);
    return {{"sampled_at", "2026-11-25T12:00:00.000Z"},
            {"services", array},
            {"infrastructure", QJsonArray{QJsonObject{{"name", "postgresql"},
                                                      {"state", "healthy"},
                                                      {"up", true},
                                                      {"services_ok", 2},
                                                      {"services_checked", 2}},
                                          QJsonObject{{"name", "redis"},
                                                      {"state", "healthy"},
                                                      {"up", true},
                                                      {"services_ok", 2},
                                                      {"services_checked", 2}}}}};
}
} // namespace

class TestHealthModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void onlyChangedRowsAreSignalled()
    {
        HealthModel model;
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QCOMPARE(model.apply(sample({service("a-service", 0), service("b-service", 0)})), 4);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rows().at(0).name, QStringLiteral("postgresql")); // infrastructure first
        QVERIFY(model.rows().at(0).infrastructure);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // Idle and unchanged: nothing to repaint, though the sparkline histories grow.
        QCOMPARE(model.apply(sample({service("a-service", 0), service("b-service", 0)})), 0);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(model.row(QStringLiteral("a-service"))->rpsHistory.size(), 2);

        // Traffic on b-service: that row only.
        QCOMPARE(model.apply(sample({service("a-service", 0), service("b-service", 5)})), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().data(HealthModel::NameRole).toString(),
                 QStringLiteral("b-service"));
        QCOMPARE(model.row(QStringLiteral("b-service"))->p95Ms, 12.5);
        QCOMPARE(model.row(QStringLiteral("a-service"))->p95Ms, -1.0); // null: no request

        // The same 5 req/s again: b's sparkline still moves (0, 0, 5, 5), so it changes again.
        changed.clear();
        QCOMPARE(model.apply(sample({service("a-service", 0), service("b-service", 5)})), 1);
        // A state change is a change.
        changed.clear();
        model.apply(sample({service("a-service", 0, "unhealthy"), service("b-service", 5)}));
        QVERIFY(std::any_of(changed.begin(), changed.end(), [](const QList<QVariant> &s) {
            return s.at(0).toModelIndex().data(HealthModel::NameRole).toString() ==
                   QStringLiteral("a-service");
        }));
        QCOMPARE(model.countInState(QStringLiteral("unhealthy")), 1);
        QVERIFY(!model.row(QStringLiteral("a-service"))->ready);
    }

    void historiesSurviveANewService()
    {
        HealthModel model;
        model.apply(sample({service("a-service", 1)}));
        model.apply(sample({service("a-service", 2)}));
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.apply(sample({service("a-service", 3), service("c-service", 0)}));
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.row(QStringLiteral("a-service"))->rpsHistory, (QList<double>{1, 2, 3}));
        QCOMPARE(model.row(QStringLiteral("c-service"))->rpsHistory, (QList<double>{0}));
    }

    void historyIsBoundedAndSeeded()
    {
        HealthModel model;
        for (int i = 0; i < HealthModel::kHistoryLength + 30; ++i)
            model.apply(sample({service("a-service", i)}));
        QCOMPARE(model.row(QStringLiteral("a-service"))->rpsHistory.size(), HealthModel::kHistoryLength);
        QCOMPARE(model.row(QStringLiteral("a-service"))->rpsHistory.last(),
                 double(HealthModel::kHistoryLength + 29));
        const QJsonObject history{
            {"services", QJsonObject{{"a-service",
                                      QJsonArray{QJsonObject{{"req_per_s", 7}, {"p95_ms", 3}},
                                                 QJsonObject{{"req_per_s", 8}, {"p95_ms", QJsonValue()}}}}}}};
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.seedHistory(history);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.row(QStringLiteral("a-service"))->rpsHistory, (QList<double>{7, 8}));
        QCOMPARE(model.row(QStringLiteral("a-service"))->p95History, (QList<double>{3, 0}));
    }

    void fuzzyMatchRanksWordStartsAndRuns()
    {
        QVERIFY(fuzzyScore(QStringLiteral("kyc"), QStringLiteral("KYC review")) >
                fuzzyScore(QStringLiteral("kyc"), QStringLiteral("Reload the KYC queue")));
        QVERIFY(fuzzyScore(QStringLiteral("mrch"), QStringLiteral("Merchants")) >= 0);
        QVERIFY(fuzzyScore(QStringLiteral("zz"), QStringLiteral("Merchants")) < 0);
        QVERIFY(fuzzyScore(QStringLiteral("dark"), QStringLiteral("Toggle light / dark theme")) >= 0);
        QCOMPARE(fuzzyScore(QString(), QStringLiteral("anything")), 0);
    }
};

QTEST_MAIN(TestHealthModel)
#include "tst_health_model.moc"
