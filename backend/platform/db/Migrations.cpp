#include "platform/db/Migrations.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace paydesk::platform {

QByteArray Migration::checksum() const
{
    return QCryptographicHash::hash(sql, QCryptographicHash::Sha256).toHex();
}

QList<Migration> loadMigrations(const QString &component, const QString &directory, QString *error)
{
    static const QRegularExpression kName(QStringLiteral("^(\\d{4})_[a-z0-9_]+\\.sql$"));
    QList<Migration> result;
    const QStringList files = QDir(directory).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    QSet<int> versions;
    for (const QString &file : files) {
        const auto match = kName.match(file);
        if (!match.hasMatch()) {
            *error =
                QStringLiteral("migration file %1/%2 is not named NNNN_description.sql").arg(directory, file);
            return {};
        }
        QFile f(directory + u'/' + file);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read migration %1: %2").arg(f.fileName(), f.errorString());
            return {};
        }
        Migration migration{component, match.captured(1).toInt(), file, f.readAll()};
        if (versions.contains(migration.version)) {
            *error =
                QStringLiteral("two migrations of %1 share version %2").arg(component).arg(migration.version);
            return {};
        }
        versions.insert(migration.version);
        result.append(migration);
    }
    std::sort(result.begin(), result.end(),
              [](const Migration &a, const Migration &b) { return a.version < b.version; });
    return result;
}

QList<Migration> pendingMigrations(const QList<Migration> &available, const QList<AppliedMigration> &applied,
                                   QString *error)
{
    QList<Migration> pending;
    for (const AppliedMigration &done : applied) {
        const auto it = std::find_if(available.begin(), available.end(), [&](const Migration &m) {
            return m.component == done.component && m.version == done.version;
        });
        if (it == available.end()) {
            *error =
                QStringLiteral("migration %1/%2 (version %3) is recorded as applied but no longer exists; "
                               "migrations are append-only: restore the file")
                    .arg(done.component, done.name)
                    .arg(done.version);
            return {};
        }
        if (it->checksum() != done.checksum) {
            *error =
                QStringLiteral("migration %1/%2 was edited after it was applied (recorded sha256 %3, file "
                               "sha256 %4); restore the original file and put the change in a new migration")
                    .arg(done.component, it->name, QString::fromLatin1(done.checksum.left(12)),
                         QString::fromLatin1(it->checksum().left(12)));
            return {};
        }
    }
    for (const Migration &migration : available) {
        const bool done = std::any_of(applied.begin(), applied.end(), [&](const AppliedMigration &a) {
            return a.component == migration.component && a.version == migration.version;
        });
        if (!done)
            pending.append(migration);
    }
    return pending;
}

namespace {
bool exec(QSqlQuery &query, const QString &sql, QString *error)
{
    if (query.exec(sql))
        return true;
    *error = query.lastError().text();
    return false;
}
} // namespace

bool applyMigrations(QSqlDatabase &db, const QList<Migration> &available, int *appliedCount, QString *error)
{
    *appliedCount = 0;
    QSqlQuery query(db);
    if (!exec(query,
              QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                             " component text NOT NULL, version integer NOT NULL, name text NOT NULL,"
                             " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
                             " PRIMARY KEY (component, version))"),
              error)) {
        *error = QStringLiteral("cannot create schema_migrations: %1").arg(*error);
        return false;
    }
    // Session-level lock: released below or when the connection ends. The key is arbitrary but fixed.
    if (!exec(query, QStringLiteral("SELECT pg_advisory_lock(727364001)"), error))
        return false;
    auto unlock =
        qScopeGuard([&] { QSqlQuery(db).exec(QStringLiteral("SELECT pg_advisory_unlock(727364001)")); });

    QList<AppliedMigration> applied;
    if (!exec(query, QStringLiteral("SELECT component, version, name, checksum FROM schema_migrations"),
              error))
        return false;
    while (query.next()) {
        applied.append({query.value(0).toString(), query.value(1).toInt(), query.value(2).toString(),
                        query.value(3).toByteArray()});
    }
    query.finish();
    const QList<Migration> pending = pendingMigrations(available, applied, error);
    if (!error->isEmpty())
        return false;
    for (const Migration &migration : pending) {
        if (!db.transaction()) {
            *error = db.lastError().text();
            return false;
        }
        QSqlQuery step(db);
        QSqlQuery record(db);
        record.prepare(QStringLiteral(
            "INSERT INTO schema_migrations (component, version, name, checksum) VALUES (?, ?, ?, ?)"));
        record.addBindValue(migration.component);
        record.addBindValue(migration.version);
        record.addBindValue(migration.name);
        record.addBindValue(QString::fromLatin1(migration.checksum()));
        if (!step.exec(QString::fromUtf8(migration.sql)) || !record.exec()) {
            const QString why =
                step.lastError().isValid() ? step.lastError().text() : record.lastError().text();
            db.rollback();
            *error =
                QStringLiteral("migration %1/%2 failed: %3").arg(migration.component, migration.name, why);
            return false;
        }
        step.finish();
        record.finish();
        if (!db.commit()) {
            *error = QStringLiteral("migration %1/%2 failed to commit: %3")
                         .arg(migration.component, migration.name, db.lastError().text());
            return false;
        }
        ++*appliedCount;
    }
    return true;
}

} // namespace paydesk::platform
