#pragma once
// Running parameterised statements with the driver's error text out: the step every store repeats.

#include <QSqlQuery>
#include <QString>
#include <QVariantList>

namespace paydesk::platform::sql {

// Executes the prepared `query`; false with *error set to the driver's message otherwise.
bool exec(QSqlQuery &query, QString *error);
// Binds `values` in order to the prepared `query` and executes it.
bool exec(QSqlQuery &query, const QVariantList &values, QString *error);
// Prepares `statement`, binds `values` in order and executes it.
bool exec(QSqlQuery &query, const QString &statement, const QVariantList &values, QString *error);

} // namespace paydesk::platform::sql
