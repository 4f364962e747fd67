#pragma once
// The installation's health as a list model: one row per service and per infrastructure part
// (PostgreSQL, Redis), fed by GET /api/v1/system/health (one request per refresh). apply() changes
// only the rows whose values changed and keeps a short local history per row for sparklines.

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace paydesk::console {

struct HealthRow
{
    QString name;
    bool infrastructure = false;
    QString state; // healthy | degraded | unhealthy | unreachable | unknown
    bool ready = false;
    double requestsPerSecond = 0;
    double p95Ms = -1;
    double errorRate = 0;
    double latencyMs = 0;
    QString detail; // error or infrastructure message
    QJsonArray checks;
    QList<double> rpsHistory; // newest last
    QList<double> p95History;

    bool sameFigures(const HealthRow &other) const;
};

class HealthModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        InfrastructureRole,
        StateRole,
        ReadyRole,
        RequestsPerSecondRole,
        P95Role,
        ErrorRateRole,
        LatencyRole,
        DetailRole,
        RpsHistoryRole,
        P95HistoryRole,
    };
    static constexpr int kHistoryLength = 120;

    explicit HealthModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // A /api/v1/system/health document. Returns the number of rows that changed.
    int apply(const QJsonObject &health);
    // Seeds the sparklines from GET /api/v1/system/health/history (all services).
    void seedHistory(const QJsonObject &history);

    const HealthRow *row(const QString &name) const;
    const QList<HealthRow> &rows() const { return m_rows; }
    QDateTime sampledAt() const { return m_sampledAt; }
    int countInState(const QString &state) const;

private:
    QList<HealthRow> m_rows;
    QDateTime m_sampledAt;
};

} // namespace paydesk::console
