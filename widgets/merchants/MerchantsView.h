#pragma once
// Merchants: search (name, e-mail, company) with a status filter, and the selected merchant in
// tabs: overview with status history, activate / suspend with a required reason; limits and
// usage; API keys (create with the secret shown once, rotate, revoke).

#include <QJsonObject>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStandardItemModel;
class QTableView;
class QTableWidget;
class QTabWidget;
class QTimer;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class MerchantsView : public QWidget
{
    Q_OBJECT
public:
    explicit MerchantsView(api::PlatformClient *client, QWidget *parent = nullptr);
    void search();
    void selectMerchant(const QString &id);
    QString currentMerchantId() const { return m_merchant.value(QStringLiteral("id")).toString(); }
    int resultCount() const;
    QTabWidget *tabs() const { return m_tabs; }
    int apiKeyCount() const;

Q_SIGNALS:
    void searched();
    void merchantLoaded();
    void apiKeysLoaded();
    void limitsLoaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void loadMerchant(const QString &id);
    void loadLimits();
    void loadKeys();
    void changeStatus(const QString &action);
    void createKey();
    void rotateKey();
    void revokeKey();
    QString selectedKeyId() const;
    void showError(const QString &text);

    api::PlatformClient *m_client;
    QLineEdit *m_query;
    QComboBox *m_statusFilter;
    QTableView *m_results;
    QStandardItemModel *m_resultModel;
    QLabel *m_error;
    QTabWidget *m_tabs;
    QLabel *m_overview;
    QTableWidget *m_history;
    QPushButton *m_activate;
    QPushButton *m_suspend;
    QTableWidget *m_limits;
    QLabel *m_limitProfile;
    QTableWidget *m_keys;
    QTimer *m_debounce;
    QJsonObject m_merchant;
    bool m_loadedOnce = false;
};

} // namespace paydesk::console
