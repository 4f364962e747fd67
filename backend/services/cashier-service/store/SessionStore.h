#pragma once
// SQL of cashier-service's own database (migrations/0001_cashier.sql). Each function runs on the
// caller's connection (inside its transaction when there is one); false with *error on a database
// error.

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QStringList>

#include <optional>

namespace paydesk::services::cashier::store {

struct Session
{
    QString tokenHash;
    QString merchantId;
    QString merchantName;
    QString environment;
    QString orderNo;
    qint64 amountMinor = 0;
    QString currency;
    QString description;
    QString returnUrl;
    QString customerEmail;
    QStringList allowedChannels;
    QString formToken;
    QString status = QStringLiteral("open"); // open | completed | failed | cancelled | expired
    QString paymentNo;
    QString paymentStatus;
    QString declineReason;
    QDateTime expiresAt;
    QDateTime completedAt;
    QDateTime createdAt;

    // Open by status but past its expiry: treated as expired everywhere.
    bool isLapsed(const QDateTime &now) const { return status == QStringLiteral("open") && expiresAt <= now; }
    QJsonObject toJson() const; // merchant view; never the form token
};

// *duplicate (and nothing inserted) when an open session exists for (merchant, order_no).
bool insertSession(QSqlDatabase &db, const Session &session, bool *duplicate, QString *error);
// `forUpdate` locks the row for the rest of the caller's transaction.
bool loadSession(QSqlDatabase &db, const QString &tokenHash, bool forUpdate, std::optional<Session> *session,
                 QString *error);
// Moves an open session to `status` with the payment's outcome; *moved false when it was not open.
bool closeSession(QSqlDatabase &db, const Session &session, const QString &status, bool *moved,
                  QString *error);

enum class Step { PageView, FormSubmit, PaymentSucceeded, PaymentDeclined, Expired };
QString stepName(Step step);
bool recordEvent(QSqlDatabase &db, const Session &session, Step step, const QString &detail, QString *error);

// Open sessions past expires_at → expired, each with an `expired` funnel event; at most `limit`
// per call. *count is how many moved.
bool expireLapsed(QSqlDatabase &db, int limit, int *count, QString *error);

struct FunnelStep
{
    QString step;
    qint64 sessions = 0; // distinct sessions that reached the step
    qint64 events = 0;
    std::optional<qint64> avgElapsedMs; // since session creation
};
bool funnel(QSqlDatabase &db, const QString &merchantId, const QDateTime &from, const QDateTime &to,
            qint64 *sessionsCreated, QList<FunnelStep> *steps, QString *error);

} // namespace paydesk::services::cashier::store
