#pragma once
// The health dashboard: a tile per service and per infrastructure part, refreshed every second with
// one GET /api/v1/system/health; Enter or double-click on a tile opens its ServicePage.

#include "health/HealthModel.h"

#include <QHash>
#include <QWidget>

class QGridLayout;
class QLabel;
class QStackedWidget;
class QTimer;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class HealthTile;
class ServicePage;

class HealthDashboard : public QWidget
{
    Q_OBJECT
public:
    explicit HealthDashboard(api::PlatformClient *client, QWidget *parent = nullptr);

    HealthModel *model() const { return m_model; }
    void setRefreshInterval(int ms);
    void refreshNow();
    void openService(const QString &name);
    void showTiles();
    ServicePage *servicePage() const { return m_page; }
    QList<HealthTile *> tiles() const { return m_tiles.values(); }
    int refreshCount() const { return m_refreshes; }

Q_SIGNALS:
    void refreshed(bool ok, const QString &error);

private:
    void applyResult(const QJsonObject &health);
    void rebuildTiles();

    api::PlatformClient *m_client;
    HealthModel *m_model;
    QStackedWidget *m_stack;
    QWidget *m_tilesPane;
    QGridLayout *m_grid;
    QLabel *m_summary;
    QLabel *m_error;
    QTimer *m_timer;
    ServicePage *m_page;
    QHash<QString, HealthTile *> m_tiles;
    bool m_inFlight = false;
    bool m_historySeeded = false;
    int m_refreshes = 0;
};

} // namespace paydesk::console
