#include "health/HealthDashboard.h"

#include "api/PlatformClient.h"
#include "common/Dialogs.h"
#include "health/HealthTile.h"
#include "health/ServicePage.h"
#include "platform/async/WhenFinished.h"

#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace paydesk::console {

namespace {
constexpr int kColumns = 4;
}

HealthDashboard::HealthDashboard(api::PlatformClient *client, QWidget *parent)
    : QWidget(parent), m_client(client), m_model(new HealthModel(this)), m_stack(new QStackedWidget(this)),
      m_tilesPane(new QWidget), m_grid(new QGridLayout), m_summary(new QLabel), m_error(new QLabel),
      m_timer(new QTimer(this)), m_page(new ServicePage(client, m_model))
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);

    auto *paneLayout = new QVBoxLayout(m_tilesPane);
    paneLayout->setContentsMargins(16, 12, 16, 8);
    auto *title = new QLabel(tr("Health"));
    title->setObjectName(QStringLiteral("viewTitle"));
    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addSpacing(16);
    header->addWidget(m_summary, 1);
    paneLayout->addLayout(header);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->hide();
    paneLayout->addWidget(m_error);
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *gridHost = new QWidget;
    gridHost->setLayout(m_grid);
    m_grid->setSpacing(6);
    m_grid->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(gridHost);
    paneLayout->addWidget(scroll, 1);
    auto *hint = new QLabel(tr("Tab / arrows move between tiles · Enter opens a service · F5 refreshes now"));
    hint->setObjectName(QStringLiteral("muted"));
    paneLayout->addWidget(hint);
    m_summary->setText(tr("waiting for the first sample…"));

    m_stack->addWidget(m_tilesPane);
    m_stack->addWidget(m_page);
    connect(m_page, &ServicePage::backRequested, this, &HealthDashboard::showTiles);

    connect(m_model, &QAbstractItemModel::modelReset, this, &HealthDashboard::rebuildTiles);
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                for (int r = from.row(); r <= to.row(); ++r) {
                    const HealthRow &row = m_model->rows().at(r);
                    if (HealthTile *tile = m_tiles.value(row.name))
                        tile->setRow(row);
                }
            });

    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &HealthDashboard::refreshNow);
    m_timer->start();
    QTimer::singleShot(0, this, &HealthDashboard::refreshNow);
}

void HealthDashboard::setRefreshInterval(int ms)
{
    m_timer->setInterval(ms);
}

void HealthDashboard::refreshNow()
{
    if (m_inFlight)
        return; // a slow answer: skip this tick rather than queue requests
    m_inFlight = true;
    platform::whenFinished(this, m_client->send(api::requests::systemHealth()),
                           [this](const api::ApiResult &result) {
                               m_inFlight = false;
                               ++m_refreshes;
                               if (!result.ok()) {
                                   m_error->setText(tr("Health unavailable — %1").arg(errorText(result)));
                                   m_error->show();
                                   emit refreshed(false, errorText(result));
                                   return;
                               }
                               m_error->hide();
                               applyResult(result.object());
                               emit refreshed(true, {});
                           });
}

void HealthDashboard::applyResult(const QJsonObject &health)
{
    m_model->apply(health);
    const int stopped = m_model->countInState(QStringLiteral("stopped"));
    const QString summary = tr("%1 healthy · %2 degraded · %3 unhealthy%4  —  sampled %5")
                                .arg(m_model->countInState(QStringLiteral("healthy")))
                                .arg(m_model->countInState(QStringLiteral("degraded")))
                                .arg(m_model->countInState(QStringLiteral("unhealthy")) +
                                     m_model->countInState(QStringLiteral("unreachable")))
                                .arg(stopped > 0 ? tr(" · %1 stopped").arg(stopped) : QString())
                                .arg(m_model->sampledAt().toLocalTime().toString(QStringLiteral("HH:mm:ss")));
    if (m_summary->text() != summary)
        m_summary->setText(summary);
    if (!m_historySeeded && m_model->rowCount() > 0) {
        m_historySeeded = true;
        platform::whenFinished(
            this, m_client->send(api::requests::systemHealthHistory({}, HealthModel::kHistoryLength)),
            [this](const api::ApiResult &result) {
                if (result.ok())
                    m_model->seedHistory(result.object());
            });
    }
}

void HealthDashboard::rebuildTiles()
{
    qDeleteAll(m_tiles);
    m_tiles.clear();
    const QList<HealthRow> &rows = m_model->rows();
    QWidget *previous = nullptr;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        auto *tile = new HealthTile;
        tile->setObjectName(QStringLiteral("tile-") + rows[i].name);
        tile->setRow(rows[i]);
        m_grid->addWidget(tile, int(i) / kColumns, int(i) % kColumns);
        connect(tile, &HealthTile::activated, this, &HealthDashboard::openService);
        connect(tile, &HealthTile::moveRequested, this, [this, i](QPoint step) {
            const qsizetype target = i + step.x() + step.y() * kColumns;
            if (target >= 0 && target < m_model->rows().size())
                if (HealthTile *next = m_tiles.value(m_model->rows().at(target).name))
                    next->setFocus(Qt::TabFocusReason);
        });
        m_tiles.insert(rows[i].name, tile);
        if (previous)
            setTabOrder(previous, tile);
        previous = tile;
    }
    m_grid->setRowStretch(int(rows.size() + kColumns - 1) / kColumns, 1);
}

void HealthDashboard::openService(const QString &name)
{
    const HealthRow *row = m_model->row(name);
    if (!row || row->infrastructure)
        return; // PostgreSQL and Redis have no service page: their tile says it all
    m_page->open(name);
    m_stack->setCurrentWidget(m_page);
}

void HealthDashboard::showTiles()
{
    const QString service = m_page->service();
    m_stack->setCurrentWidget(m_tilesPane);
    if (HealthTile *tile = m_tiles.value(service))
        tile->setFocus();
}

} // namespace paydesk::console
