#include "health/HealthModel.h"

#include <QJsonArray>

#include <algorithm>

namespace paydesk::console {

namespace {
void push(QList<double> *history, double value)
{
    history->append(value);
    if (history->size() > HealthModel::kHistoryLength)
        history->remove(0, history->size() - HealthModel::kHistoryLength);
}

HealthRow serviceRow(const QJsonObject &s)
{
    HealthRow row;
    row.name = s.value(QStringLiteral("service")).toString();
    row.state = s.value(QStringLiteral("state")).toString(QStringLiteral("unknown"));
    row.ready = s.value(QStringLiteral("ready")).toBool();
    row.requestsPerSecond = s.value(QStringLiteral("req_per_s")).toDouble();
    row.p95Ms =
        s.value(QStringLiteral("p95_ms")).isNull() ? -1 : s.value(QStringLiteral("p95_ms")).toDouble();
    row.errorRate = s.value(QStringLiteral("error_rate")).toDouble();
    row.latencyMs = s.value(QStringLiteral("latency_ms")).toDouble();
    row.detail = s.value(QStringLiteral("error")).toString();
    row.checks = s.value(QStringLiteral("checks")).toArray();
    return row;
}

HealthRow infrastructureRow(const QJsonObject &i)
{
    HealthRow row;
    row.name = i.value(QStringLiteral("name")).toString();
    row.infrastructure = true;
    row.state = i.value(QStringLiteral("state")).toString(QStringLiteral("unknown"));
    row.ready = i.value(QStringLiteral("up")).toBool();
    row.latencyMs = i.value(QStringLiteral("worst_latency_ms")).toDouble();
    row.detail = i.value(QStringLiteral("message")).toString();
    if (row.detail.isEmpty())
        row.detail = QStringLiteral("%1/%2 services connected")
                         .arg(i.value(QStringLiteral("services_ok")).toInt())
                         .arg(i.value(QStringLiteral("services_checked")).toInt());
    return row;
}
} // namespace

bool HealthRow::sameFigures(const HealthRow &o) const
{
    return state == o.state && ready == o.ready &&
           qFuzzyCompare(1 + requestsPerSecond, 1 + o.requestsPerSecond) &&
           qFuzzyCompare(2 + p95Ms, 2 + o.p95Ms) && qFuzzyCompare(1 + errorRate, 1 + o.errorRate) &&
           detail == o.detail && checks == o.checks;
}

HealthModel::HealthModel(QObject *parent) : QAbstractListModel(parent) {}

int HealthModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant HealthModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const HealthRow &r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return r.name;
    case InfrastructureRole:
        return r.infrastructure;
    case StateRole:
        return r.state;
    case ReadyRole:
        return r.ready;
    case RequestsPerSecondRole:
        return r.requestsPerSecond;
    case P95Role:
        return r.p95Ms;
    case ErrorRateRole:
        return r.errorRate;
    case LatencyRole:
        return r.latencyMs;
    case DetailRole:
        return r.detail;
    case RpsHistoryRole:
        return QVariant::fromValue(r.rpsHistory);
    case P95HistoryRole:
        return QVariant::fromValue(r.p95History);
    default:
        return {};
    }
}

QHash<int, QByteArray> HealthModel::roleNames() const
{
    return {{NameRole, "name"},
            {InfrastructureRole, "infrastructure"},
            {StateRole, "state"},
            {ReadyRole, "ready"},
            {RequestsPerSecondRole, "reqPerS"},
            {P95Role, "p95Ms"},
            {ErrorRateRole, "errorRate"},
            {LatencyRole, "latencyMs"},
            {DetailRole, "detail"}};
}

int HealthModel::apply(const QJsonObject &health)
{
    m_sampledAt =
        QDateTime::fromString(health.value(QStringLiteral("sampled_at")).toString(), Qt::ISODateWithMs);
    QList<HealthRow> incoming;
    for (const QJsonValue &v : health.value(QStringLiteral("infrastructure")).toArray())
        incoming.append(infrastructureRow(v.toObject()));
    for (const QJsonValue &v : health.value(QStringLiteral("services")).toArray())
        incoming.append(serviceRow(v.toObject()));

    bool sameLayout = incoming.size() == m_rows.size();
    for (qsizetype i = 0; sameLayout && i < incoming.size(); ++i)
        sameLayout = incoming[i].name == m_rows[i].name;
    if (!sameLayout) {
        // New set of services (first answer, or a service appeared): rebuild, keeping histories.
        beginResetModel();
        for (HealthRow &row : incoming) {
            if (const HealthRow *old = this->row(row.name)) {
                row.rpsHistory = old->rpsHistory;
                row.p95History = old->p95History;
            }
            push(&row.rpsHistory, row.requestsPerSecond);
            push(&row.p95History, qMax(0.0, row.p95Ms));
        }
        m_rows = incoming;
        endResetModel();
        return int(m_rows.size());
    }
    int changed = 0;
    for (qsizetype i = 0; i < incoming.size(); ++i) {
        HealthRow &row = m_rows[i];
        const bool figuresChanged = !row.sameFigures(incoming[i]);
        // Sparklines scroll every sample, but a flat line that stays flat looks the same: an idle
        // installation repaints nothing.
        const auto flatAt = [](const QList<double> &h, double v) {
            return std::all_of(h.begin(), h.end(), [v](double x) { return qFuzzyCompare(1 + x, 1 + v); });
        };
        const bool historyMoves =
            !row.infrastructure && !(flatAt(row.rpsHistory, incoming[i].requestsPerSecond) &&
                                     flatAt(row.p95History, qMax(0.0, incoming[i].p95Ms)));
        incoming[i].rpsHistory = row.rpsHistory;
        incoming[i].p95History = row.p95History;
        row = incoming[i];
        if (!row.infrastructure) {
            push(&row.rpsHistory, row.requestsPerSecond);
            push(&row.p95History, qMax(0.0, row.p95Ms));
        }
        if (figuresChanged || historyMoves) {
            ++changed;
            emit dataChanged(index(int(i)), index(int(i)));
        }
    }
    return changed;
}

void HealthModel::seedHistory(const QJsonObject &history)
{
    const QJsonObject services = history.value(QStringLiteral("services")).toObject();
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        HealthRow &row = m_rows[i];
        const QJsonArray samples = services.value(row.name).toArray();
        if (samples.isEmpty())
            continue;
        QList<double> rps, p95;
        for (const QJsonValue &s : samples) {
            rps.append(s.toObject().value(QStringLiteral("req_per_s")).toDouble());
            p95.append(qMax(0.0, s.toObject().value(QStringLiteral("p95_ms")).toDouble()));
        }
        row.rpsHistory = rps.mid(qMax<qsizetype>(0, rps.size() - kHistoryLength));
        row.p95History = p95.mid(qMax<qsizetype>(0, p95.size() - kHistoryLength));
        emit dataChanged(index(int(i)), index(int(i)));
    }
}

const HealthRow *HealthModel::row(const QString &name) const
{
    for (const HealthRow &r : m_rows) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

int HealthModel::countInState(const QString &state) const
{
    int n = 0;
    for (const HealthRow &r : m_rows)
        n += r.state == state ? 1 : 0;
    return n;
}

} // namespace paydesk::console
