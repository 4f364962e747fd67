#pragma once
// SQL of analytics-service (migrations/0001_analytics.sql). Every function runs on the caller's
// connection and transaction; false with *error set on a database error.

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QUuid>

#include <optional>

namespace paydesk::services::analytics::store {

// The figures of one bucket row; an event adds a delta with one or two fields set.
struct MinuteFigures
{
    qint64 createdCount = 0;
    qint64 createdMinor = 0;
    qint64 succeededCount = 0;
    qint64 succeededMinor = 0;
    qint64 failedCount = 0;
    qint64 failedMinor = 0;
    qint64 cancelledCount = 0;
    qint64 expiredCount = 0;
    qint64 refundedCount = 0;
    qint64 refundedMinor = 0;

    void add(const MinuteFigures &other);
};

struct BucketKey
{
    QString merchantId;
    QString currency;
    QDateTime minute; // UTC, seconds zero
};

// processed_events: *first false when `consumer` already handled `eventId`.
bool markProcessed(QSqlDatabase &db, const QString &consumer, const QUuid &eventId, bool *first,
                   QString *error);
bool addToMinute(QSqlDatabase &db, const BucketKey &key, const MinuteFigures &delta, QString *error);

// A latency both of whose ends are now known, to be recorded in the outcome's minute.
struct CompletedLatency
{
    BucketKey key;
    qint64 latencyMs = 0;
};
enum class PaymentEnd { Created, Outcome };
// Keeps the first time seen of `end` for the payment; when both ends are known and the latency was
// not recorded yet, marks it recorded and returns it.
bool notePaymentTime(QSqlDatabase &db, const QString &paymentNo, const QString &merchantId,
                     const QString &currency, PaymentEnd end, const QDateTime &at,
                     std::optional<CompletedLatency> *completed, QString *error);
bool addLatency(QSqlDatabase &db, const BucketKey &key, int bucket, QString *error);

// Summed figures per (minute, currency) of [from, to), all merchants or one.
struct MinuteRow
{
    QDateTime minute;
    QString currency;
    MinuteFigures figures;
};
bool loadMinutes(QSqlDatabase &db, const QDateTime &from, const QDateTime &to, const QString &merchantId,
                 QList<MinuteRow> *rows, QString *error);
// Latency counts per bucket (index = bucket) of [from, to), all merchants or one: merged over the
// window in *counts, and per minute (epoch seconds → counts) in *perMinute.
bool loadLatency(QSqlDatabase &db, const QDateTime &from, const QDateTime &to, const QString &merchantId,
                 QList<qint64> *counts, QHash<qint64, QList<qint64>> *perMinute, QString *error);

// One merchant's figures per (UTC day, currency) of [from, to] (days), oldest first.
struct DayRow
{
    QDate day;
    QString currency;
    MinuteFigures figures;
};
bool loadDaily(QSqlDatabase &db, const QString &merchantId, const QDate &from, const QDate &to,
               QList<DayRow> *rows, QString *error);

} // namespace paydesk::services::analytics::store
