#pragma once
// The wallboard's data: every 2 s (when started) it asks admin-service for the installation's
// health (GET /api/v1/system/health) and analytics-service for the payment summary of the last
// 15 minutes, through PlatformClient's asynchronous send — the GUI thread never waits. A missing
// or refused health route leaves every tile "unknown" instead of failing the board.

#include "api/PlatformClient.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QTimer>
#include <QVariantList>

namespace paydesk::console {

// One tile per service plus postgresql and redis.
class HealthTileModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { NameRole = Qt::UserRole + 1, StateRole, RequestsPerSecondRole, P95Role };
    struct Tile
    {
        QString name;
        QString state = QStringLiteral("unknown"); // healthy | degraded | unhealthy | unreachable | unknown
        double requestsPerSecond = -1;             // -1: unknown
        double p95Ms = -1;
    };
    explicit HealthTileModel(QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    void setTiles(const QList<Tile> &tiles);
    const QList<Tile> &tiles() const { return m_tiles; }

private:
    QList<Tile> m_tiles;
};

class WallboardModel : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QObject *tiles READ tiles CONSTANT)
    Q_PROPERTY(bool healthKnown READ healthKnown NOTIFY changed)
    Q_PROPERTY(bool paymentsKnown READ paymentsKnown NOTIFY changed)
    Q_PROPERTY(double paymentsPerMinute READ paymentsPerMinute NOTIFY changed)
    Q_PROPERTY(double successRate READ successRate NOTIFY changed) // 0..1, -1 when no outcome yet
    Q_PROPERTY(double p95Ms READ p95Ms NOTIFY changed)             // -1 when no sample
    Q_PROPERTY(int failed READ failed NOTIFY changed)              // in the last 15 minutes
    Q_PROPERTY(QVariantList paymentsTrend READ paymentsTrend NOTIFY changed)
    Q_PROPERTY(QVariantList successTrend READ successTrend NOTIFY changed)
    Q_PROPERTY(QVariantList p95Trend READ p95Trend NOTIFY changed)
    Q_PROPERTY(QVariantList failedTrend READ failedTrend NOTIFY changed)
    Q_PROPERTY(QString statusText READ statusText NOTIFY changed)
    Q_PROPERTY(int healthyCount READ healthyCount NOTIFY changed)
public:
    static constexpr int kIntervalMs = 2000;
    static constexpr int kWindowMinutes = 15;

    explicit WallboardModel(api::PlatformClient *client, QObject *parent = nullptr);

    void start(); // polls now and every kIntervalMs
    void stop();
    // One poll of both sources; the properties change when the answers arrive.
    void refresh();
    int completedPolls() const { return m_completedPolls; }
    bool polling() const { return m_partsPending > 0; }

    QObject *tiles() { return &m_tiles; }
    const HealthTileModel &tileModel() const { return m_tiles; }
    bool healthKnown() const { return m_healthKnown; }
    bool paymentsKnown() const { return m_paymentsKnown; }
    double paymentsPerMinute() const { return m_paymentsPerMinute; }
    double successRate() const { return m_successRate; }
    double p95Ms() const { return m_p95Ms; }
    int failed() const { return m_failed; }
    QVariantList paymentsTrend() const { return m_paymentsTrend; }
    QVariantList successTrend() const { return m_successTrend; }
    QVariantList p95Trend() const { return m_p95Trend; }
    QVariantList failedTrend() const { return m_failedTrend; }
    QString statusText() const { return m_statusText; }
    int healthyCount() const;

    // Exposed for tests: apply an answer as if it had arrived.
    void applyHealth(const api::ApiResult &result);
    void applySummary(const api::ApiResult &result);

Q_SIGNALS:
    void changed();
    void pollCompleted();

private:
    void watch(const QFuture<api::ApiResult> &future, void (WallboardModel::*apply)(const api::ApiResult &));
    void finishPart();

    QPointer<api::PlatformClient> m_client;
    QTimer m_timer;
    HealthTileModel m_tiles;
    int m_partsPending = 0;
    int m_completedPolls = 0;
    bool m_healthKnown = false;
    bool m_paymentsKnown = false;
    double m_paymentsPerMinute = 0;
    double m_successRate = -1;
    double m_p95Ms = -1;
    int m_failed = 0;
    QVariantList m_paymentsTrend;
    QVariantList m_successTrend;
    QVariantList m_p95Trend;
    QVariantList m_failedTrend;
    QString m_healthError;
    QString m_paymentsError;
    QString m_statusText;
};

} // namespace paydesk::console
