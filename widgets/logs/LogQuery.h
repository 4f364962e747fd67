#pragma once
// The log explorer's query language, a small Kibana-like one:
//   service:payment-gateway AND level:ERROR AND duration_ms>1000
//   (timeout OR "connection reset") AND NOT service:cashier-service
//   trace:4bf92f3577b34da6a3ce929d0e0e4736   tag:slow   status>=500   level>=WARN
// Bare words and quoted phrases are case-insensitive full-text terms over the whole JSON line;
// juxtaposition means AND; precedence NOT > AND > OR; keywords are case-insensitive.
// Fields: service, level, message, trace (trace_id), tag (tags), duration_ms, status, time
// (timestamp, ISO 8601); comparisons : = > >= < <=. Any other field compares the JSON value.
// `:` on text fields is a case-insensitive match where `*` is a wildcard.

#include "logs/LogStore.h"

#include <QString>

#include <atomic>
#include <memory>
#include <vector>

namespace paydesk::console {

struct QueryNode
{
    enum class Kind { All, And, Or, Not, Text, Compare };
    enum class Op { Match, Eq, Gt, Ge, Lt, Le };
    Kind kind = Kind::All;
    std::vector<std::unique_ptr<QueryNode>> children;
    QString field; // canonical: service, level, message, trace, tag, duration_ms, status, time, or other
    Op op = Op::Match;
    QString text;      // the value as written (Text: the term)
    double number = 0; // numeric fields, level rank, time in ms
    int position = 0;  // 0-based offset of the term in the query
};

struct QueryParseResult
{
    std::unique_ptr<QueryNode> root; // null when the query is invalid
    QString error;                   // "at column 12: expected a value after 'duration_ms>'"
    int errorPosition = -1;          // 0-based
    bool ok() const { return root != nullptr; }
};

QueryParseResult parseLogQuery(const QString &query);
// A canonical rendering (explicit AND/OR/NOT and parentheses) for tests and tooltips.
QString describe(const QueryNode &node);

// Evaluates a parsed query over the store's first `rows` lines (a frozen prefix) and returns the
// matching row numbers in order. Works column-wise on bitsets; full-text terms scan the raw arena
// once. Returns early (empty) when `cancelled` becomes true.
struct FilterOptions
{
    double slowThresholdMs = 1000;
    const std::atomic<bool> *cancelled = nullptr;
};
std::vector<quint32> filterLog(const LogStore &store, const QueryNode &query, qsizetype firstRow,
                               qsizetype endRow, const FilterOptions &options = {});

// The reference: one line judged on its own, used by the tests against filterLog.
bool matchesLine(const LogStore &store, qsizetype row, const QueryNode &query, double slowThresholdMs = 1000);

} // namespace paydesk::console
