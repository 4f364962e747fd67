#include "wallboard/WallboardModel.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QJsonArray>

namespace paydesk::console {

namespace wallboard_model {
const QString kAdmin = QStringLiteral("admin-service");
const QString kAnalytics = QStringLiteral("analytics-service");

// Every service of the cluster, then the infrastructure, all unknown: the board before (or
// without) a health answer.
QList<HealthTileModel::Tile> unknownTiles()
{
    QList<HealthTileModel::Tile> tiles;
    for (const api::ServiceEndpoint &service : api::knownServices())
        tiles.append({service.name});
    tiles.append({QStringLiteral("postgresql")});
    tiles.append({QStringLiteral("redis")});
    return tiles;
}

double numberOr(const QJsonValue &value, double fallback)
{
    return value.isDouble() ? value.toDouble() : fallback;
}
} // namespace wallboard_model

using namespace wallboard_model;

HealthTileModel::HealthTileModel(QObject *parent) : QAbstractListModel(parent), m_tiles(unknownTiles()) {}

int HealthTileModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tiles.size());
}

QVariant HealthTileModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_tiles.size())
        return {};
    const Tile &tile = m_tiles[index.row()];
    switch (role) {
    case NameRole:
        return tile.name;
    case StateRole:
        return tile.state;
    case RequestsPerSecondRole:
        return tile.requestsPerSecond;
    case P95Role:
        return tile.p95Ms;
    default:
        return {};
    }
}

QHash<int, QByteArray> HealthTileModel::roleNames() const
{
    return {{NameRole, "name"},
            {StateRole, "state"},
            {RequestsPerSecondRole, "reqPerSecond"},
            {P95Role, "p95Ms"}};
}

void HealthTileModel::setTiles(const QList<Tile> &tiles)
{
    // Same names in the same order (the usual case): update in place so the grid does not flicker.
    bool sameNames = tiles.size() == m_tiles.size();
    for (int i = 0; sameNames && i < tiles.size(); ++i)
        sameNames = tiles[i].name == m_tiles[i].name;
    if (!sameNames) {
        beginResetModel();
        m_tiles = tiles;
        endResetModel();
        return;
    }
    m_tiles = tiles;
    if (!m_tiles.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_tiles.size()) - 1));
}

WallboardModel::WallboardModel(api::PlatformClient *client, QObject *parent)
    : QObject(parent), m_client(client)
{
    m_timer.setInterval(kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &WallboardModel::refresh);
    m_statusText = QStringLiteral("connecting…");
}

void WallboardModel::start()
{
    refresh();
    m_timer.start();
}

void WallboardModel::stop()
{
    m_timer.stop();
}

void WallboardModel::refresh()
{
    // A slow cluster must not pile up requests: the next poll starts once both answers are in.
    if (!m_client || m_partsPending > 0)
        return;
    m_partsPending = 2;
    watch(m_client->send(kAdmin, "GET", QStringLiteral("/api/v1/system/health"), {}, kIntervalMs),
          &WallboardModel::applyHealth);
    watch(m_client->send(kAnalytics, "GET",
                         QStringLiteral("/api/v1/analytics/summary?minutes=%1").arg(kWindowMinutes), {},
                         kIntervalMs),
          &WallboardModel::applySummary);
}

void WallboardModel::watch(const QFuture<api::ApiResult> &future,
                           void (WallboardModel::*apply)(const api::ApiResult &))
{
    // A watcher owned by the model (not QFuture::then with a context: in 6.4 a continuation may
    // still run after its context is gone, e.g. when the client is destroyed first).
    auto *watcher = new QFutureWatcher<api::ApiResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, apply] {
        api::ApiResult result;
        if (watcher->future().resultCount() > 0)
            result = watcher->future().result();
        else
            result.errorCode = QStringLiteral("NETWORK_ERROR"); // cancelled: the client went away
        watcher->deleteLater();
        (this->*apply)(result);
        finishPart();
    });
    watcher->setFuture(future);
}

void WallboardModel::finishPart()
{
    if (--m_partsPending > 0)
        return;
    ++m_completedPolls;
    const QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
    QStringList problems;
    if (!m_healthError.isEmpty())
        problems << QStringLiteral("health: %1").arg(m_healthError);
    if (!m_paymentsError.isEmpty())
        problems << QStringLiteral("payments: %1").arg(m_paymentsError);
    m_statusText = problems.isEmpty()
                       ? QStringLiteral("updated %1").arg(time)
                       : QStringLiteral("updated %1 · %2").arg(time, problems.join(QStringLiteral(" · ")));
    Q_EMIT changed();
    Q_EMIT pollCompleted();
}

int WallboardModel::healthyCount() const
{
    int healthy = 0;
    for (const HealthTileModel::Tile &tile : m_tiles.tiles())
        healthy += tile.state == QStringLiteral("healthy") ? 1 : 0;
    return healthy;
}

void WallboardModel::applyHealth(const api::ApiResult &result)
{
    const QJsonObject body = result.object();
    if (!result.ok() || !body.value(QStringLiteral("services")).isArray()) {
        // No health route (older admin-service), no permission, or no answer: say so, keep the
        // board up with every tile unknown.
        m_healthKnown = false;
        m_healthError = result.ok()
                            ? QStringLiteral("unexpected answer")
                            : (result.errorCode.isEmpty() ? QStringLiteral("HTTP %1").arg(result.status)
                                                          : result.errorCode);
        m_tiles.setTiles(unknownTiles());
        return;
    }
    QHash<QString, HealthTileModel::Tile> byName;
    auto take = [&](const QJsonArray &items, const QString &nameKey) {
        for (const QJsonValue &value : items) {
            const QJsonObject item = value.toObject();
            HealthTileModel::Tile tile{item.value(nameKey).toString()};
            tile.state = item.value(QStringLiteral("state")).toString(QStringLiteral("unknown"));
            tile.requestsPerSecond = numberOr(item.value(QStringLiteral("req_per_s")), -1);
            tile.p95Ms = numberOr(item.value(QStringLiteral("p95_ms")), -1);
            byName.insert(tile.name, tile);
        }
    };
    take(body.value(QStringLiteral("services")).toArray(), QStringLiteral("service"));
    take(body.value(QStringLiteral("infrastructure")).toArray(), QStringLiteral("name"));
    // The known layout first (stable tile positions), then anything else the cluster reports.
    QList<HealthTileModel::Tile> tiles;
    QHash<QString, HealthTileModel::Tile> rest = byName;
    for (const HealthTileModel::Tile &known : unknownTiles())
        tiles.append(rest.contains(known.name) ? rest.take(known.name) : known);
    QStringList others = rest.keys();
    others.sort();
    for (const QString &name : others)
        tiles.append(rest.value(name));
    m_tiles.setTiles(tiles);
    m_healthKnown = true;
    m_healthError.clear();
}

void WallboardModel::applySummary(const api::ApiResult &result)
{
    if (!result.ok()) {
        m_paymentsKnown = false;
        m_paymentsError =
            result.errorCode.isEmpty() ? QStringLiteral("HTTP %1").arg(result.status) : result.errorCode;
        return;
    }
    const QJsonObject s = result.object();
    m_paymentsKnown = true;
    m_paymentsError.clear();
    m_paymentsPerMinute = s.value(QStringLiteral("payments_per_minute"))
                              .toObject()
                              .value(QStringLiteral("last_full_minute"))
                              .toDouble();
    m_successRate = numberOr(s.value(QStringLiteral("success_rate")), -1);
    m_p95Ms = numberOr(s.value(QStringLiteral("p95_ms")), -1);
    m_failed = s.value(QStringLiteral("failed")).toInt();
    // Per-minute trends come from the series; a minute without outcomes (or latency samples) keeps
    // the previous success rate (or p95).
    m_paymentsTrend.clear();
    m_failedTrend.clear();
    m_successTrend.clear();
    m_p95Trend.clear();
    double lastRate = -1;
    double lastP95 = -1;
    for (const QJsonValue &value : s.value(QStringLiteral("series")).toArray()) {
        const QJsonObject minute = value.toObject();
        const double succeeded = minute.value(QStringLiteral("succeeded")).toDouble();
        const double failed = minute.value(QStringLiteral("failed")).toDouble();
        m_paymentsTrend.append(minute.value(QStringLiteral("created")).toDouble());
        m_failedTrend.append(failed);
        if (succeeded + failed > 0)
            lastRate = succeeded / (succeeded + failed);
        if (lastRate >= 0)
            m_successTrend.append(lastRate);
        lastP95 = numberOr(minute.value(QStringLiteral("p95_ms")), lastP95);
        if (lastP95 >= 0)
            m_p95Trend.append(lastP95);
    }
}

} // namespace paydesk::console
