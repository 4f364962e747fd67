#pragma once
// Versioned, append-only SQL migrations. Files are named NNNN_description.sql and compiled into
// the binary as Qt resources under :/migrations/<component>/. Each applied migration is recorded
// in schema_migrations with the SHA-256 of its text; a file edited after it was applied is a
// start-up error, because the database no longer matches what the code believes it contains.

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace paydesk::platform {

struct Migration
{
    QString component; // "platform" or the service name
    int version = 0;
    QString name; // file name
    QByteArray sql;
    QByteArray checksum() const; // lower-case hex SHA-256 of sql
};

struct AppliedMigration
{
    QString component;
    int version = 0;
    QString name;
    QByteArray checksum;
};

// Reads :/migrations/<component>/*.sql (or any directory path) sorted by version.
QList<Migration> loadMigrations(const QString &component, const QString &directory, QString *error);

// Pure decision: which of `available` must run, or why start-up must stop (edited or missing
// applied migrations, duplicate versions). No I/O; unit-tested.
QList<Migration> pendingMigrations(const QList<Migration> &available, const QList<AppliedMigration> &applied,
                                   QString *error);

// Applies what is pending, each file in its own transaction together with its record. Holds a
// PostgreSQL advisory lock so two processes migrating the same database take turns.
bool applyMigrations(QSqlDatabase &db, const QList<Migration> &available, int *appliedCount, QString *error);

} // namespace paydesk::platform
