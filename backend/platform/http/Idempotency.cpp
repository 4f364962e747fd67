#include "platform/http/Idempotency.h"

#include "platform/db/Database.h"
#include "platform/db/Sql.h"
#include "platform/http/Problem.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QThread>

namespace paydesk::platform::idempotency {

namespace {
enum class Claim { Acquired, Replay, Reused, InProgress, Gone, Failed };

struct Stored
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
};

HttpResponse problem(const HttpRequest &request, int status, const QString &code, const QString &title,
                     const QString &detail)
{
    return respond(request, Problem{status, code, title, detail, {}});
}

bool insertClaim(QSqlDatabase &db, const QString &scope, const QString &key, const QByteArray &hash,
                 bool *inserted, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q,
                   QStringLiteral("INSERT INTO idempotency_keys (scope, idempotency_key, request_hash) "
                                  "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
                   {scope, key, QString::fromLatin1(hash)}, error))
        return false;
    *inserted = q.numRowsAffected() == 1;
    return true;
}

// What the existing row says to a request that did not insert it.
Claim inspect(QSqlDatabase &db, const QString &scope, const QString &key, const QByteArray &hash,
              int leaseSeconds, Stored *stored, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q,
                   QStringLiteral("SELECT request_hash, status_code, response_body, response_type, "
                                  "expires_at < now(), created_at < now() - make_interval(secs => ?) "
                                  "FROM idempotency_keys WHERE scope = ? AND idempotency_key = ?"),
                   {leaseSeconds, scope, key}, error))
        return Claim::Failed;
    if (!q.next())
        return Claim::Gone; // deleted after a 5xx or on expiry since our insert: try again
    if (q.value(4).toBool()) {
        QSqlQuery del(db);
        if (!sql::exec(del,
                       QStringLiteral("DELETE FROM idempotency_keys WHERE scope = ? AND idempotency_key = ? "
                                      "AND expires_at < now()"),
                       {scope, key}, error))
            return Claim::Failed;
        return Claim::Gone;
    }
    if (q.value(0).toString().toLatin1() != hash)
        return Claim::Reused;
    if (!q.value(1).isNull()) {
        stored->status = q.value(1).toInt();
        stored->body = q.value(2).toByteArray();
        stored->contentType = q.value(3).toString().toLatin1();
        return Claim::Replay;
    }
    if (q.value(5).toBool()) {
        // The holder never finished (crashed, killed): the first to move the claim forward owns it.
        QSqlQuery take(db);
        if (!sql::exec(take,
                       QStringLiteral("UPDATE idempotency_keys SET created_at = now() WHERE scope = ? "
                                      "AND idempotency_key = ? AND status_code IS NULL "
                                      "AND created_at < now() - make_interval(secs => ?)"),
                       {scope, key, leaseSeconds}, error))
            return Claim::Failed;
        if (take.numRowsAffected() == 1)
            return Claim::Acquired;
    }
    return Claim::InProgress;
}

void finish(QSqlDatabase &db, const QString &scope, const QString &key, const HttpResponse &response,
            QString *error)
{
    QSqlQuery q(db);
    if (response.status >= 500) {
        sql::exec(q,
                  QStringLiteral("DELETE FROM idempotency_keys WHERE scope = ? AND idempotency_key = ? "
                                 "AND status_code IS NULL"),
                  {scope, key}, error);
        return;
    }
    sql::exec(q,
              QStringLiteral("UPDATE idempotency_keys SET status_code = ?, response_body = ?, "
                             "response_type = ?, completed_at = now() "
                             "WHERE scope = ? AND idempotency_key = ?"),
              {response.status, response.body, QString::fromLatin1(response.contentType), scope, key}, error);
}
} // namespace

QByteArray requestHash(const HttpRequest &request)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(request.method);
    hash.addData(QByteArrayView("\n"));
    hash.addData(request.path.toUtf8());
    hash.addData(QByteArrayView("\n"));
    QJsonDocument document = request.json;
    if (document.isNull())
        document = QJsonDocument::fromJson(request.body);
    // QJsonObject keeps keys sorted, so its compact form is canonical.
    hash.addData(document.isObject() ? document.toJson(QJsonDocument::Compact) : request.body);
    return hash.result().toHex();
}

HttpResponse run(Database &database, const HttpRequest &request, const QString &scope,
                 const std::function<HttpResponse()> &work, const Options &options)
{
    const QString key = QString::fromUtf8(request.header(kHeader)).trimmed();
    if (key.isEmpty())
        return work();
    if (key.size() > kKeyLengthMax)
        return problem(request, 400, QStringLiteral("IDEMPOTENCY_KEY_INVALID"),
                       QStringLiteral("Invalid Idempotency-Key"),
                       QStringLiteral("an Idempotency-Key has 1 to %1 characters").arg(kKeyLengthMax));
    const QByteArray hash = requestHash(request);

    QString error;
    QSqlDatabase db = database.connection(&error);
    if (!db.isOpen())
        return respond(request, Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error));

    QElapsedTimer waited;
    waited.start();
    Stored stored;
    Claim claim = Claim::Gone;
    // Bounded: each round either decides or sleeps pollMs, and sleeping stops at waitMs.
    const int roundsMax = options.waitMs / qMax(1, options.pollMs) + 8;
    for (int round = 0; round < roundsMax; ++round) {
        bool inserted = false;
        {
            Database::Use use(database);
            if (!insertClaim(db, scope, key, hash, &inserted, &error))
                return respond(request, Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error));
            claim = inserted ? Claim::Acquired
                             : inspect(db, scope, key, hash, options.leaseSeconds, &stored, &error);
        }
        if (claim == Claim::Failed)
            return respond(request, Problem::unavailable(QStringLiteral("DATABASE_UNAVAILABLE"), error));
        if (claim != Claim::Gone && claim != Claim::InProgress)
            break;
        if (claim == Claim::InProgress) {
            const qint64 left =
                request.deadline.isForever() ? options.waitMs : request.deadline.remainingTime();
            if (waited.elapsed() + options.pollMs > qMin<qint64>(options.waitMs, left))
                break;
            QThread::msleep(static_cast<unsigned long>(options.pollMs));
        }
    }

    switch (claim) {
    case Claim::Acquired: {
        HttpResponse response = work();
        Database::Use use(database);
        finish(db, scope, key, response, &error);
        return response;
    }
    case Claim::Replay: {
        HttpResponse response = HttpResponse::text(stored.body, stored.contentType, stored.status);
        response.setHeader(kReplayedHeader, "true");
        return response;
    }
    case Claim::Reused:
        return problem(request, 422, QStringLiteral("IDEMPOTENCY_KEY_REUSED"),
                       QStringLiteral("Idempotency-Key reused"),
                       QStringLiteral("this Idempotency-Key was used with a different request"));
    case Claim::InProgress:
    case Claim::Gone:
    case Claim::Failed:
        break;
    }
    return problem(
        request, 409, QStringLiteral("IDEMPOTENCY_IN_PROGRESS"), QStringLiteral("Request in progress"),
        QStringLiteral("a request with this Idempotency-Key is still being processed; retry later"));
}

int purgeExpired(QSqlDatabase &db, int batchMax, QString *error)
{
    QSqlQuery q(db);
    if (!sql::exec(q,
                   QStringLiteral("DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM "
                                  "idempotency_keys WHERE expires_at < now() LIMIT ?)"),
                   {batchMax}, error))
        return -1;
    return q.numRowsAffected();
}

} // namespace paydesk::platform::idempotency
