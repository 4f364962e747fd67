#pragma once
// SQL for settlement bank accounts. The account number arrives here already encrypted: this
// layer never sees the plaintext. Error conventions as in MerchantStore.h.

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace paydesk::services::merchant {

struct BankAccountRecord
{
    QString id;
    QString merchantId;
    QString accountHolder;
    QString scheme; // iban | domestic
    QByteArray accountNumberEncrypted;
    QString accountNumberMasked;
    QString bankCode;
    QString currency;
    bool isDefault = false;
    QDateTime createdAt;
    QDateTime updatedAt;

    QJsonObject toJson() const; // masked number only
};

namespace bank_account_store {

std::optional<BankAccountRecord> find(QSqlDatabase &db, const QString &merchantId, const QString &id,
                                      QString *error);
bool list(QSqlDatabase &db, const QString &merchantId, QList<BankAccountRecord> *accounts, QString *error);
// Inserts and fills id and timestamps. When record->isDefault, the merchant's other accounts stop being
// default.
bool insert(QSqlDatabase &db, BankAccountRecord *record, QString *error);
bool update(QSqlDatabase &db, BankAccountRecord *record, QString *error);
bool remove(QSqlDatabase &db, const QString &id, QString *error);

} // namespace bank_account_store
} // namespace paydesk::services::merchant
