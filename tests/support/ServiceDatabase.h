#pragma once
// A test's own connection to one service database on the test PostgreSQL, for checks the API
// cannot show (rows, outbox, audit). Test thread only.

#include "support/Infrastructure.h"

#include <QSqlDatabase>

namespace paydesk::testing {

// The connection named `connection`, opened on database `databaseName` the first time and reused
// after that. A failed open is logged; the caller's queries then fail visibly.
QSqlDatabase serviceDatabase(const Infrastructure &infra, const QString &connection,
                             const QString &databaseName);

} // namespace paydesk::testing
