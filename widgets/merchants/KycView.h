#pragma once
// KYC review: the queue (filter by status), a case with its documents, a preview of the selected
// document (images scaled to fit; PDFs listed with type, size, SHA-256 and upload time) and
// approve / reject with a reason.

#include <QJsonArray>
#include <QJsonObject>
#include <QPixmap>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;
class QTableWidget;

namespace paydesk::api {
class PlatformClient;
}

namespace paydesk::console {

class KycQueueModel;

class KycView : public QWidget
{
    Q_OBJECT
public:
    explicit KycView(api::PlatformClient *client, QWidget *parent = nullptr);
    KycQueueModel *model() const { return m_model; }
    void reload();
    void selectCase(const QString &caseId);
    QString currentCaseId() const { return m_case.value(QStringLiteral("id")).toString(); }
    bool previewShowsImage() const;

Q_SIGNALS:
    void queueLoaded();
    void caseLoaded();
    void previewLoaded();
    void decided(const QString &caseId, bool approved);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void loadCase(const QString &caseId);
    void showDocument(int row);
    void decide(bool approve);

    api::PlatformClient *m_client;
    KycQueueModel *m_model;
    QComboBox *m_status;
    QTableView *m_queue;
    QLabel *m_caseTitle;
    QLabel *m_caseInfo;
    QLabel *m_error;
    QTableWidget *m_documents;
    QLabel *m_preview;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QJsonObject m_case;
    QJsonArray m_caseDocuments;
    QPixmap m_previewPixmap;
    bool m_loadedOnce = false;
};

} // namespace paydesk::console
