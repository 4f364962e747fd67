#pragma once
// The KYC review queue (GET /api/v1/kyc/queue) as a table: case, merchant, target level, status,
// documents, opened. Rows keep the case JSON for the detail pane.

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>

namespace paydesk::console {

class KycQueueModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        CaseColumn,
        MerchantColumn,
        LevelColumn,
        StatusColumn,
        DocumentsColumn,
        OpenedColumn,
        ColumnCount
    };
    static constexpr int CaseJsonRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setPage(const QJsonObject &page); // {items, total, ...}
    QJsonObject caseAt(int row) const { return m_cases.at(row).toObject(); }
    int rowOfCase(const QString &caseId) const;
    int total() const { return m_total; }

private:
    QJsonArray m_cases;
    int m_total = 0;
};

} // namespace paydesk::console
