#include "merchants/KycQueueModel.h"

#include <QDateTime>

namespace paydesk::console {

int KycQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_cases.size());
}

int KycQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KycQueueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_cases.size())
        return {};
    const QJsonObject c = m_cases.at(index.row()).toObject();
    if (role == CaseJsonRole)
        return c;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case CaseColumn:
        return role == Qt::ToolTipRole ? c.value(QStringLiteral("id")).toString()
                                       : c.value(QStringLiteral("id")).toString().left(8);
    case MerchantColumn: {
        // A name when the queue carries one; else the id's first block, like the case column
        // (the full id is the tooltip and in the case's detail).
        const QString id = c.value(QStringLiteral("merchant_id")).toString();
        const QString name = c.value(QStringLiteral("merchant_name")).toString();
        if (role == Qt::ToolTipRole)
            return id;
        return name.isEmpty() ? id.left(8) : name;
    }
    case LevelColumn:
        return c.value(QStringLiteral("target_level")).toString();
    case StatusColumn:
        return c.value(QStringLiteral("status")).toString();
    case DocumentsColumn:
        return c.value(QStringLiteral("document_count")).toInt();
    case OpenedColumn: {
        const QDateTime opened =
            QDateTime::fromString(c.value(QStringLiteral("created_at")).toString(), Qt::ISODateWithMs)
                .toLocalTime();
        // Short in the narrow column; the whole date in the tooltip (and in the case detail).
        return opened.toString(role == Qt::ToolTipRole ? QStringLiteral("yyyy-MM-dd HH:mm:ss")
                                                       : QStringLiteral("MM-dd HH:mm"));
    }
    default:
        return {};
    }
}

QVariant KycQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList headers{tr("Case"),   tr("Merchant"), tr("Target level"),
                                     tr("Status"), tr("Docs"),     tr("Opened")};
    return headers.value(section);
}

void KycQueueModel::setPage(const QJsonObject &page)
{
    beginResetModel();
    m_cases = page.value(QStringLiteral("items")).toArray();
    m_total = page.value(QStringLiteral("total")).toInt(int(m_cases.size()));
    endResetModel();
}

int KycQueueModel::rowOfCase(const QString &caseId) const
{
    for (int i = 0; i < m_cases.size(); ++i) {
        if (m_cases.at(i).toObject().value(QStringLiteral("id")).toString() == caseId)
            return i;
    }
    return -1;
}

} // namespace paydesk::console
