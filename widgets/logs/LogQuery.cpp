#include "logs/LogQuery.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QTimeZone>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <thread>

namespace paydesk::console {

namespace {

// ---------------------------------------------------------------- parsing

bool isOpChar(QChar c)
{
    return c == u':' || c == u'=' || c == u'>' || c == u'<';
}

bool endsWord(QChar c)
{
    return c.isSpace() || c == u'(' || c == u')' || c == u'"';
}

QString canonicalField(const QString &name)
{
    const QString lower = name.toLower();
    if (lower == u"trace_id")
        return QStringLiteral("trace");
    if (lower == u"tags")
        return QStringLiteral("tag");
    if (lower == u"duration")
        return QStringLiteral("duration_ms");
    if (lower == u"timestamp" || lower == u"@timestamp")
        return QStringLiteral("time");
    if (lower == u"msg")
        return QStringLiteral("message");
    if (lower == u"span")
        return QStringLiteral("span_id");
    return lower;
}

std::optional<qint64> parseTime(const QString &text)
{
    QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!at.isValid())
        at = QDateTime::fromString(text, Qt::ISODate);
    if (!at.isValid())
        return std::nullopt;
    if (at.timeSpec() == Qt::LocalTime) // no offset written: logs are UTC
        at.setTimeZone(QTimeZone::utc());
    return at.toMSecsSinceEpoch();
}

class Parser
{
public:
    explicit Parser(const QString &text) : m_s(text) {}

    QueryParseResult run()
    {
        QueryParseResult result;
        skipSpace();
        if (m_pos >= m_s.size()) {
            result.root = std::make_unique<QueryNode>(); // empty query: everything
            return result;
        }
        auto root = parseOr();
        if (root && (skipSpace(), m_pos < m_s.size()))
            fail(m_pos, m_s.at(m_pos) == u')' ? QStringLiteral("unexpected ')' (no '(' to close)")
                                              : QStringLiteral("expected AND, OR or the end of the query"));
        if (!m_error.isEmpty()) {
            result.error = QStringLiteral("at column %1: %2").arg(m_errorPos + 1).arg(m_error);
            result.errorPosition = m_errorPos;
            return result;
        }
        result.root = std::move(root);
        return result;
    }

private:
    using Node = std::unique_ptr<QueryNode>;

    void skipSpace()
    {
        while (m_pos < m_s.size() && m_s.at(m_pos).isSpace())
            ++m_pos;
    }

    void fail(int position, const QString &what)
    {
        if (m_error.isEmpty()) {
            m_error = what;
            m_errorPos = position;
        }
    }

    // A keyword stands alone: AND / OR / NOT (any case), && / || / !.
    bool atKeyword(QStringView keyword)
    {
        skipSpace();
        const qsizetype n = keyword.size();
        if (m_s.size() - m_pos < n)
            return false;
        if (QStringView(m_s).mid(m_pos, n).compare(keyword, Qt::CaseInsensitive) != 0)
            return false;
        if (keyword.front().isLetter())
            return m_pos + n == m_s.size() || endsWord(m_s.at(m_pos + n));
        return true;
    }

    Node parseOr()
    {
        Node left = parseAnd();
        while (left && m_error.isEmpty() && (atKeyword(u"OR") || atKeyword(u"||"))) {
            const bool symbol = m_s.at(m_pos) == u'|';
            m_last = symbol ? QStringLiteral("||") : QStringLiteral("OR");
            m_pos += 2;
            Node right = parseAnd();
            if (!right)
                return nullptr;
            if (left->kind != QueryNode::Kind::Or) {
                auto node = std::make_unique<QueryNode>();
                node->kind = QueryNode::Kind::Or;
                node->position = left->position;
                node->children.push_back(std::move(left));
                left = std::move(node);
            }
            left->children.push_back(std::move(right));
        }
        return left;
    }

    Node parseAnd()
    {
        Node left = parseUnary();
        while (left && m_error.isEmpty()) {
            skipSpace();
            if (m_pos >= m_s.size() || m_s.at(m_pos) == u')' || atKeyword(u"OR") || atKeyword(u"||"))
                break;
            if (atKeyword(u"AND") || atKeyword(u"&&")) {
                m_last = m_s.at(m_pos) == u'&' ? QStringLiteral("&&") : QStringLiteral("AND");
                m_pos += m_last.size();
            }
            Node right = parseUnary();
            if (!right)
                return nullptr;
            if (left->kind != QueryNode::Kind::And) {
                auto node = std::make_unique<QueryNode>();
                node->kind = QueryNode::Kind::And;
                node->position = left->position;
                node->children.push_back(std::move(left));
                left = std::move(node);
            }
            left->children.push_back(std::move(right));
        }
        return left;
    }

    Node parseUnary()
    {
        skipSpace();
        const int at = int(m_pos);
        if (atKeyword(u"NOT") || (m_pos < m_s.size() && m_s.at(m_pos) == u'!')) {
            const bool bang = m_s.at(m_pos) == u'!';
            m_pos += bang ? 1 : 3;
            m_last = bang ? QStringLiteral("!") : QStringLiteral("NOT");
            Node child = parseUnary();
            if (!child)
                return nullptr;
            auto node = std::make_unique<QueryNode>();
            node->kind = QueryNode::Kind::Not;
            node->position = at;
            node->children.push_back(std::move(child));
            return node;
        }
        return parsePrimary();
    }

    QString expectedTerm() const
    {
        const QString what = QStringLiteral("expected a term (word, \"phrase\", field:value or '(')");
        return m_last.isEmpty() ? what : what + QStringLiteral(" after '%1'").arg(m_last);
    }

    // A quoted phrase starting at m_pos ('"'); backslash escapes the next character.
    std::optional<QString> readPhrase()
    {
        const int open = int(m_pos);
        ++m_pos;
        QString value;
        while (m_pos < m_s.size() && m_s.at(m_pos) != u'"') {
            if (m_s.at(m_pos) == u'\\' && m_pos + 1 < m_s.size())
                ++m_pos;
            value.append(m_s.at(m_pos++));
        }
        if (m_pos >= m_s.size()) {
            fail(open, QStringLiteral("unterminated phrase: expected a closing '\"'"));
            return std::nullopt;
        }
        ++m_pos;
        return value;
    }

    Node parsePrimary()
    {
        skipSpace();
        const int at = int(m_pos);
        if (m_pos >= m_s.size()) {
            fail(at, expectedTerm() + QStringLiteral(", found the end of the query"));
            return nullptr;
        }
        const QChar c = m_s.at(m_pos);
        if (c == u'(') {
            ++m_pos;
            m_last = QStringLiteral("(");
            Node inner = parseOr();
            if (!inner)
                return nullptr;
            skipSpace();
            if (m_pos >= m_s.size() || m_s.at(m_pos) != u')') {
                fail(int(m_pos), QStringLiteral("expected ')' to close the '(' at column %1").arg(at + 1));
                return nullptr;
            }
            ++m_pos;
            m_last = QStringLiteral(")");
            return inner;
        }
        if (c == u')') {
            fail(at, expectedTerm() + QStringLiteral(", found ')'"));
            return nullptr;
        }
        if (c == u'"') {
            const auto phrase = readPhrase();
            if (!phrase)
                return nullptr;
            if (phrase->isEmpty()) {
                fail(at, QStringLiteral("empty phrase"));
                return nullptr;
            }
            return textNode(*phrase, at);
        }
        if (isOpChar(c)) {
            fail(at, expectedTerm() + QStringLiteral(", found '%1'").arg(c));
            return nullptr;
        }
        QString word;
        while (m_pos < m_s.size() && !endsWord(m_s.at(m_pos)) && !isOpChar(m_s.at(m_pos)))
            word.append(m_s.at(m_pos++));
        m_last = word;
        if (m_pos < m_s.size() && isOpChar(m_s.at(m_pos)))
            return parseComparison(word, at);
        return textNode(word, at);
    }

    Node textNode(const QString &term, int at)
    {
        auto node = std::make_unique<QueryNode>();
        node->kind = QueryNode::Kind::Text;
        node->text = term;
        node->position = at;
        m_last = term;
        return node;
    }

    Node parseComparison(const QString &name, int at)
    {
        const int opAt = int(m_pos);
        QueryNode::Op op = QueryNode::Op::Match;
        QString opText = m_s.at(m_pos);
        ++m_pos;
        if (opText == u">" || opText == u"<") {
            const bool orEqual = m_pos < m_s.size() && m_s.at(m_pos) == u'=';
            if (orEqual) {
                opText += u'=';
                ++m_pos;
            }
            op = opText == u">"    ? QueryNode::Op::Gt
                 : opText == u">=" ? QueryNode::Op::Ge
                 : opText == u"<"  ? QueryNode::Op::Lt
                                   : QueryNode::Op::Le;
        } else if (opText == u"=") {
            op = QueryNode::Op::Eq;
        }
        m_last = name + opText;
        const int valueAt = int(m_pos);
        QString value;
        if (m_pos < m_s.size() && m_s.at(m_pos) == u'"') {
            const auto phrase = readPhrase();
            if (!phrase)
                return nullptr;
            value = *phrase;
        } else {
            while (m_pos < m_s.size() && !m_s.at(m_pos).isSpace() && m_s.at(m_pos) != u')' &&
                   m_s.at(m_pos) != u'(')
                value.append(m_s.at(m_pos++));
        }
        if (value.isEmpty()) {
            fail(valueAt, QStringLiteral("expected a value after '%1'").arg(m_last));
            return nullptr;
        }
        if (name.isEmpty()) {
            fail(opAt, QStringLiteral("expected a field name before '%1'").arg(opText));
            return nullptr;
        }
        auto node = std::make_unique<QueryNode>();
        node->kind = QueryNode::Kind::Compare;
        node->field = canonicalField(name);
        node->op = op;
        node->text = value;
        node->position = at;
        const bool ordered = op != QueryNode::Op::Match && op != QueryNode::Op::Eq;
        const QString &field = node->field;
        if (field == u"duration_ms" || field == u"status") {
            bool ok = false;
            node->number = value.toDouble(&ok);
            if (!ok) {
                fail(valueAt, QStringLiteral("expected a number for %1, found '%2'").arg(field, value));
                return nullptr;
            }
        } else if (field == u"level") {
            bool ok = false;
            node->number = double(logLevelFromText(value, &ok));
            if (!ok) {
                fail(valueAt, QStringLiteral("expected a level (DEBUG, INFO, WARN, ERROR, FATAL), found '%1'")
                                  .arg(value));
                return nullptr;
            }
        } else if (field == u"time") {
            const auto ms = parseTime(value);
            if (!ms) {
                fail(valueAt,
                     QStringLiteral("expected an ISO 8601 time such as 2026-11-25T12:00:00Z, found '%1'")
                         .arg(value));
                return nullptr;
            }
            node->number = double(*ms);
        } else if (field == u"tag") {
            if (ordered || (value.compare(u"slow", Qt::CaseInsensitive) != 0 &&
                            value.compare(u"error", Qt::CaseInsensitive) != 0)) {
                fail(valueAt, QStringLiteral("expected tag:slow or tag:error"));
                return nullptr;
            }
        } else if (ordered) {
            bool ok = false;
            node->number = value.toDouble(&ok);
            if (!ok || field == u"service" || field == u"message" || field == u"trace") {
                fail(opAt,
                     QStringLiteral("'%1' compares numbers (duration_ms, status, level, time or a numeric "
                                    "field), not %2")
                         .arg(opText, field));
                return nullptr;
            }
        }
        return node;
    }

    const QString &m_s;
    qsizetype m_pos = 0;
    QString m_error;
    int m_errorPos = -1;
    QString m_last; // the previous token, for "expected … after X"
};

// ---------------------------------------------------------------- matching helpers

// Case-insensitive match where '*' stands for any run of characters; anchored at both ends.
bool wildcardMatch(QStringView text, QStringView pattern)
{
    const auto parts = pattern.split(u'*');
    if (parts.size() == 1)
        return text.compare(pattern, Qt::CaseInsensitive) == 0;
    qsizetype at = 0;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QStringView part = parts.at(i);
        if (part.isEmpty())
            continue;
        if (i == 0) {
            if (!text.startsWith(part, Qt::CaseInsensitive))
                return false;
            at = part.size();
        } else if (i == parts.size() - 1) {
            return text.size() - at >= part.size() && text.endsWith(part, Qt::CaseInsensitive);
        } else {
            const qsizetype found = text.indexOf(part, at, Qt::CaseInsensitive);
            if (found < 0)
                return false;
            at = found + part.size();
        }
    }
    return true;
}

// The longest run between '*' wildcards: every match contains it.
QString longestLiteral(const QString &pattern)
{
    QString longest;
    for (const QString &part : pattern.split(u'*'))
        if (part.size() > longest.size())
            longest = part;
    return longest;
}

bool compareNumber(double value, QueryNode::Op op, double operand)
{
    switch (op) {
    case QueryNode::Op::Match:
    case QueryNode::Op::Eq:
        return value == operand;
    case QueryNode::Op::Gt:
        return value > operand;
    case QueryNode::Op::Ge:
        return value >= operand;
    case QueryNode::Op::Lt:
        return value < operand;
    case QueryNode::Op::Le:
        return value <= operand;
    }
    return false;
}

bool matchText(QStringView value, const QueryNode &node, bool containsOnMatch)
{
    if (node.op == QueryNode::Op::Eq)
        return value.compare(node.text, Qt::CaseInsensitive) == 0;
    if (node.text.contains(u'*'))
        return wildcardMatch(value, node.text);
    return containsOnMatch ? value.contains(node.text, Qt::CaseInsensitive)
                           : value.compare(node.text, Qt::CaseInsensitive) == 0;
}

// Any other field: the JSON value of that key, as text or number.
bool matchGeneric(QByteArrayView raw, const QueryNode &node)
{
    const QJsonObject object = QJsonDocument::fromJson(raw.toByteArray()).object();
    const QJsonValue value = object.value(node.field);
    if (value.isUndefined() || value.isNull())
        return false;
    if (value.isDouble()) {
        bool ok = false;
        const double operand = node.text.toDouble(&ok);
        return ok && compareNumber(value.toDouble(), node.op, operand);
    }
    if (node.op != QueryNode::Op::Match && node.op != QueryNode::Op::Eq)
        return false;
    const QString text =
        value.isString()
            ? value.toString()
            : QString::fromUtf8(
                  QJsonDocument(QJsonObject{{QStringLiteral("v"), value}}).toJson(QJsonDocument::Compact));
    return matchText(text, node, false);
}

bool textContains(const LogStore &store, qsizetype row, const QString &term)
{
    bool isNumber = false;
    const int status = term.toInt(&isNumber);
    return QString::fromUtf8(store.text(row)).contains(term, Qt::CaseInsensitive) ||
           store.serviceName(store.serviceIndex(row)).contains(term, Qt::CaseInsensitive) ||
           logLevelText(store.level(row)).contains(term, Qt::CaseInsensitive) ||
           QString::fromLatin1(store.traceId(row)).contains(term, Qt::CaseInsensitive) ||
           (isNumber && status > 0 && store.status(row) == status);
}

// ---------------------------------------------------------------- bitset evaluation

struct Bits
{
    std::vector<quint64> words;
    qsizetype n = 0;
    explicit Bits(qsizetype size, bool value = false)
        : words(size_t((size + 63) / 64), value ? ~quint64(0) : 0), n(size)
    {
        trim();
    }
    void set(qsizetype i) { words[size_t(i >> 6)] |= quint64(1) << (i & 63); }
    bool test(qsizetype i) const { return (words[size_t(i >> 6)] >> (i & 63)) & 1; }
    void trim()
    {
        if (n % 64 && !words.empty())
            words.back() &= (quint64(1) << (n % 64)) - 1;
    }
};

std::array<unsigned char, 256> foldTable()
{
    std::array<unsigned char, 256> table{};
    for (int i = 0; i < 256; ++i)
        table[size_t(i)] =
            (i >= 'A' && i <= 'Z') ? static_cast<unsigned char>(i + 32) : static_cast<unsigned char>(i);
    return table;
}
const std::array<unsigned char, 256> kFold = foldTable();

// Boyer-Moore-Horspool over the arena slice of rows [first, end), ASCII case folded: one pass over
// the bytes, each hit marks its line and the scan resumes at the next line. The skip table is
// indexed by the raw byte (folding built in) and is 0 exactly for bytes that fold to the needle's
// last byte, so the hot loop is one load, one lookup and one add.
struct Needle
{
    std::vector<unsigned char> folded;
    std::array<quint32, 256> skip{}; // by raw byte
    size_t shift = 0;                // after a candidate that did not match
};

Needle makeNeedle(const QByteArray &text)
{
    Needle needle;
    const size_t m = size_t(text.size());
    needle.folded.resize(m);
    for (size_t i = 0; i < m; ++i)
        needle.folded[i] = kFold[static_cast<unsigned char>(text[qsizetype(i)])];
    std::array<quint32, 256> folded;
    folded.fill(quint32(m));
    for (size_t i = 0; i + 1 < m; ++i)
        folded[needle.folded[i]] = quint32(m - 1 - i);
    needle.shift = folded[needle.folded[m - 1]];
    for (int c = 0; c < 256; ++c)
        needle.skip[size_t(c)] = kFold[size_t(c)] == needle.folded[m - 1] ? 0 : folded[kFold[size_t(c)]];
    return needle;
}

void scanRows(const unsigned char *hay, const std::vector<quint64> &offsets, qsizetype first, qsizetype end,
              qsizetype bitBase, const Needle &needle, Bits &out, const std::atomic<bool> *cancelled)
{
    const size_t m = needle.folded.size();
    size_t pos = offsets[size_t(first)];
    const size_t stop = offsets[size_t(end)];
    qsizetype row = first;
    size_t checkAt = pos + (1 << 22);
    while (pos + m <= stop) {
        quint32 step;
        while ((step = needle.skip[hay[pos + m - 1]]) != 0) {
            pos += step;
            if (pos + m > stop)
                return;
        }
        size_t i = 0;
        while (i + 1 < m && kFold[hay[pos + i]] == needle.folded[i])
            ++i;
        if (i + 1 == m) {
            // The line holding pos: offsets are sorted, search forward from the last hit's line.
            const auto it = std::upper_bound(offsets.begin() + row, offsets.begin() + end + 1, quint64(pos));
            row = qsizetype(it - offsets.begin()) - 1;
            if (pos + m <= offsets[size_t(row) + 1]) { // the hit lies inside one line
                out.set(row - bitBase);
                pos = offsets[size_t(row) + 1];
                continue;
            }
        }
        pos += needle.shift;
        if (pos > checkAt) {
            if (cancelled && cancelled->load(std::memory_order_relaxed))
                return;
            checkAt = pos + (1 << 22);
        }
    }
}

// Large slices are split in two halves scanned on two threads (this machine class has two cores);
// the split falls on a multiple of 64 rows so the halves never write the same bitset word.
void scanArena(const std::vector<char> &arena, const std::vector<quint64> &offsets, qsizetype first,
               qsizetype end, const QByteArray &needleText, Bits &out, const std::atomic<bool> *cancelled)
{
    if (needleText.isEmpty() || end <= first)
        return;
    const Needle needle = makeNeedle(needleText);
    const auto *hay = reinterpret_cast<const unsigned char *>(arena.data());
    const quint64 bytes = offsets[size_t(end)] - offsets[size_t(first)];
    const qsizetype middle = first + ((end - first) / 2 / 64) * 64;
    if (bytes < (quint64(16) << 20) || middle <= first || QThread::idealThreadCount() < 2) {
        scanRows(hay, offsets, first, end, first, needle, out, cancelled);
        return;
    }
    std::thread second([&] { scanRows(hay, offsets, middle, end, first, needle, out, cancelled); });
    scanRows(hay, offsets, first, middle, first, needle, out, cancelled);
    second.join();
}

class Evaluator
{
public:
    Evaluator(const LogStore &store, qsizetype first, qsizetype end, const FilterOptions &options)
        : m_store(store), m_first(first), m_end(end), m_options(options)
    {
    }

    bool cancelled() const
    {
        return m_options.cancelled && m_options.cancelled->load(std::memory_order_relaxed);
    }

    Bits eval(const QueryNode &node)
    {
        const qsizetype n = m_end - m_first;
        switch (node.kind) {
        case QueryNode::Kind::All:
            return Bits(n, true);
        case QueryNode::Kind::And: {
            Bits acc = eval(*node.children.front());
            for (size_t c = 1; c < node.children.size() && !cancelled(); ++c) {
                const Bits next = eval(*node.children[c]);
                for (size_t w = 0; w < acc.words.size(); ++w)
                    acc.words[w] &= next.words[w];
            }
            return acc;
        }
        case QueryNode::Kind::Or: {
            Bits acc = eval(*node.children.front());
            for (size_t c = 1; c < node.children.size() && !cancelled(); ++c) {
                const Bits next = eval(*node.children[c]);
                for (size_t w = 0; w < acc.words.size(); ++w)
                    acc.words[w] |= next.words[w];
            }
            return acc;
        }
        case QueryNode::Kind::Not: {
            Bits acc = eval(*node.children.front());
            for (quint64 &word : acc.words)
                word = ~word;
            acc.trim();
            return acc;
        }
        case QueryNode::Kind::Text:
            return fullText(node);
        case QueryNode::Kind::Compare:
            return compare(node);
        }
        return Bits(n);
    }

private:
    // A bare word or phrase: the text arena (message and the other values) in one scan, plus the
    // column fields through their small dictionaries (service, level, trace) and the status code.
    Bits fullText(const QueryNode &node)
    {
        Bits out(m_end - m_first);
        scanArena(m_store.textArena(), m_store.textOffsets(), m_first, m_end, node.text.toUtf8(), out,
                  m_options.cancelled);
        std::vector<char> service(size_t(m_store.services().size()));
        bool anyService = false;
        for (qsizetype i = 0; i < m_store.services().size(); ++i) {
            service[size_t(i)] = m_store.services().at(i).contains(node.text, Qt::CaseInsensitive);
            anyService = anyService || service[size_t(i)];
        }
        std::array<char, 6> level{};
        bool anyLevel = false;
        for (int i = 0; i < 6; ++i) {
            level[size_t(i)] = logLevelText(LogLevel(i)).contains(node.text, Qt::CaseInsensitive);
            anyLevel = anyLevel || level[size_t(i)];
        }
        std::vector<char> trace;
        bool anyTrace = false;
        const QByteArray term = node.text.toLatin1().toLower();
        const bool hexTerm = !term.isEmpty() && std::all_of(term.begin(), term.end(), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c)) != 0;
        });
        if (hexTerm) { // trace ids are hex: any other term cannot be in one
            trace.resize(size_t(m_store.traces().size()));
            for (qsizetype i = 1; i < m_store.traces().size(); ++i) {
                trace[size_t(i)] = m_store.traces().at(i).toLower().contains(term);
                anyTrace = anyTrace || trace[size_t(i)];
            }
        }
        bool isNumber = false;
        const int status = node.text.toInt(&isNumber);
        const bool byStatus = isNumber && status > 0;
        if (!anyService && !anyLevel && !anyTrace && !byStatus)
            return out;
        for (qsizetype row = m_first; row < m_end; ++row) {
            if ((anyService && service[m_store.serviceIndex(row)]) ||
                (anyLevel && level[size_t(m_store.level(row))]) ||
                (anyTrace && trace[m_store.traceIndex(row)]) || (byStatus && m_store.status(row) == status))
                out.set(row - m_first);
        }
        return out;
    }

    template <typename Predicate> Bits each(Predicate predicate)
    {
        Bits out(m_end - m_first);
        for (qsizetype row = m_first; row < m_end; ++row) {
            if (predicate(row))
                out.set(row - m_first);
            if ((row & 0xFFFF) == 0 && cancelled())
                break;
        }
        return out;
    }

    Bits compare(const QueryNode &node)
    {
        const QString &field = node.field;
        if (field == u"service") {
            std::vector<char> wanted(size_t(m_store.services().size()), 0);
            for (qsizetype i = 0; i < m_store.services().size(); ++i)
                wanted[size_t(i)] = matchText(m_store.services().at(i), node, false);
            return each([&](qsizetype row) { return wanted[m_store.serviceIndex(row)] != 0; });
        }
        if (field == u"level") {
            const double rank = node.number;
            return each([&](qsizetype row) {
                const LogLevel level = m_store.level(row);
                return level != LogLevel::Unknown && compareNumber(double(level), node.op, rank);
            });
        }
        if (field == u"duration_ms") {
            return each([&](qsizetype row) {
                const float duration = m_store.durationMs(row);
                return !std::isnan(duration) && compareNumber(double(duration), node.op, node.number);
            });
        }
        if (field == u"status") {
            return each([&](qsizetype row) {
                const int status = m_store.status(row);
                return status != 0 && compareNumber(status, node.op, node.number);
            });
        }
        if (field == u"time") {
            return each([&](qsizetype row) {
                const qint64 at = m_store.timeMs(row);
                return at != 0 && compareNumber(double(at), node.op, node.number);
            });
        }
        if (field == u"trace") {
            const qint32 wanted = m_store.findTrace(node.text.toLower().toLatin1());
            const qint32 exact = wanted >= 0 ? wanted : m_store.findTrace(node.text.toLatin1());
            if (exact < 0)
                return Bits(m_end - m_first);
            return each([&](qsizetype row) { return m_store.traceIndex(row) == quint32(exact); });
        }
        if (field == u"tag") {
            const quint8 bit = node.text.compare(u"slow", Qt::CaseInsensitive) == 0 ? TagSlow : TagError;
            const double threshold = m_options.slowThresholdMs;
            return each([&](qsizetype row) { return (m_store.tags(row, threshold) & bit) != 0; });
        }
        // Text fields: lines whose raw bytes hold the pattern's longest literal part (a one-pass
        // arena scan), then the exact test on those only.
        const QString literal = longestLiteral(node.text);
        const bool prefilter = !literal.isEmpty() && std::all_of(literal.begin(), literal.end(), [](QChar c) {
            return c.unicode() < 128 && c != u'"' && c != u'\\';
        });
        Bits candidates(m_end - m_first);
        const bool message = field == u"message";
        if (prefilter)
            scanArena(message ? m_store.textArena() : m_store.rawArena(),
                      message ? m_store.textOffsets() : m_store.rawOffsets(), m_first, m_end,
                      literal.toUtf8(), candidates, m_options.cancelled);
        if (message)
            return each([&](qsizetype row) {
                return (!prefilter || candidates.test(row - m_first)) &&
                       matchText(m_store.message(row), node, true);
            });
        // Any other field: the JSON value itself.
        return each([&](qsizetype row) {
            return (!prefilter || candidates.test(row - m_first)) && matchGeneric(m_store.raw(row), node);
        });
    }

    const LogStore &m_store;
    const qsizetype m_first;
    const qsizetype m_end;
    const FilterOptions &m_options;
};

const char *opText(QueryNode::Op op)
{
    switch (op) {
    case QueryNode::Op::Match:
        return ":";
    case QueryNode::Op::Eq:
        return "=";
    case QueryNode::Op::Gt:
        return ">";
    case QueryNode::Op::Ge:
        return ">=";
    case QueryNode::Op::Lt:
        return "<";
    case QueryNode::Op::Le:
        return "<=";
    }
    return "?";
}

} // namespace

QueryParseResult parseLogQuery(const QString &query)
{
    return Parser(query).run();
}

QString describe(const QueryNode &node)
{
    switch (node.kind) {
    case QueryNode::Kind::All:
        return QStringLiteral("*");
    case QueryNode::Kind::And:
    case QueryNode::Kind::Or: {
        QStringList parts;
        for (const auto &child : node.children)
            parts.append(describe(*child));
        return u'(' + parts.join(node.kind == QueryNode::Kind::And ? u" AND " : u" OR ") + u')';
    }
    case QueryNode::Kind::Not:
        return QStringLiteral("NOT ") + describe(*node.children.front());
    case QueryNode::Kind::Text:
        return u'"' + node.text + u'"';
    case QueryNode::Kind::Compare:
        return node.field + QLatin1String(opText(node.op)) + node.text;
    }
    return {};
}

std::vector<quint32> filterLog(const LogStore &store, const QueryNode &query, qsizetype firstRow,
                               qsizetype endRow, const FilterOptions &options)
{
    std::vector<quint32> rows;
    if (endRow <= firstRow)
        return rows;
    Evaluator evaluator(store, firstRow, endRow, options);
    const Bits bits = evaluator.eval(query);
    if (evaluator.cancelled())
        return rows;
    qsizetype count = 0;
    for (quint64 word : bits.words)
        count += qPopulationCount(word);
    rows.reserve(size_t(count));
    for (size_t w = 0; w < bits.words.size(); ++w) {
        quint64 word = bits.words[w];
        while (word) {
            const int bit = qCountTrailingZeroBits(word);
            rows.push_back(quint32(qsizetype(w * 64 + size_t(bit)) + firstRow));
            word &= word - 1;
        }
    }
    return rows;
}

bool matchesLine(const LogStore &store, qsizetype row, const QueryNode &node, double slowThresholdMs)
{
    switch (node.kind) {
    case QueryNode::Kind::All:
        return true;
    case QueryNode::Kind::And:
        return std::all_of(node.children.begin(), node.children.end(), [&](const auto &child) {
            return matchesLine(store, row, *child, slowThresholdMs);
        });
    case QueryNode::Kind::Or:
        return std::any_of(node.children.begin(), node.children.end(), [&](const auto &child) {
            return matchesLine(store, row, *child, slowThresholdMs);
        });
    case QueryNode::Kind::Not:
        return !matchesLine(store, row, *node.children.front(), slowThresholdMs);
    case QueryNode::Kind::Text:
        return textContains(store, row, node.text);
    case QueryNode::Kind::Compare:
        break;
    }
    const QString &field = node.field;
    if (field == u"service")
        return matchText(store.serviceName(store.serviceIndex(row)), node, false);
    if (field == u"level")
        return store.level(row) != LogLevel::Unknown &&
               compareNumber(double(store.level(row)), node.op, node.number);
    if (field == u"duration_ms")
        return !std::isnan(store.durationMs(row)) &&
               compareNumber(double(store.durationMs(row)), node.op, node.number);
    if (field == u"status")
        return store.status(row) != 0 && compareNumber(store.status(row), node.op, node.number);
    if (field == u"time")
        return store.timeMs(row) != 0 && compareNumber(double(store.timeMs(row)), node.op, node.number);
    if (field == u"trace")
        return !store.traceId(row).isEmpty() &&
               QString::fromLatin1(store.traceId(row)).compare(node.text, Qt::CaseInsensitive) == 0;
    if (field == u"tag") {
        const quint8 bit = node.text.compare(u"slow", Qt::CaseInsensitive) == 0 ? TagSlow : TagError;
        return (store.tags(row, slowThresholdMs) & bit) != 0;
    }
    if (field == u"message")
        return matchText(store.message(row), node, true);
    return matchGeneric(store.raw(row), node);
}

} // namespace paydesk::console
