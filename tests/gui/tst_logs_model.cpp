// The log model and explorer with a million lines: row count, roles, the off-thread filter applied
// as an index vector, tail appends that keep a scrolled-up view in place; and the explorer's picture.

#include "logs/LogExplorerView.h"
#include "logs/LogGenerator.h"
#include "logs/LogTableModel.h"

#include <QDir>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace paydesk::console;

class LogModelTest : public QObject
{
    Q_OBJECT
    std::shared_ptr<LogStore> m_million;

    static void save(QWidget &widget, const QString &name)
    {
        QDir().mkpath(QStringLiteral(PAYDESK_SCREENSHOT_DIR));
        const QString path = QStringLiteral(PAYDESK_SCREENSHOT_DIR "/%1.png").arg(name);
        QVERIFY2(widget.grab().save(path), qPrintable(path));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_million = std::make_shared<LogStore>();
        m_million->reserve(1000000, 1000000 * 260);
        generateLogLines(*m_million, 1000000, 42);
        QCOMPARE(m_million->size(), 1000000);
    }

    void modelServesAMillionRows()
    {
        LogTableModel model(m_million.get());
        QCOMPARE(model.rowCount(), 1000000);
        QCOMPARE(model.columnCount(), int(LogTableModel::ColumnCount));
        const QModelIndex last = model.index(999999, LogTableModel::MessageColumn);
        QCOMPARE(last.data().toString(), m_million->message(999999));
        const QJsonObject json =
            QJsonDocument::fromJson(last.data(LogTableModel::RawJsonRole).toString().toUtf8()).object();
        QCOMPARE(json.value("message").toString(), m_million->message(999999));
        QCOMPARE(model.index(999999, LogTableModel::ServiceColumn).data().toString(),
                 json.value("service").toString());
        QCOMPARE(model.index(999999, LogTableModel::LevelColumn).data().toString(),
                 json.value("level").toString());
        QCOMPARE(model.index(999999, LogTableModel::TraceColumn).data(LogTableModel::TraceIdRole).toString(),
                 json.value("trace_id").toString());
        QCOMPARE(model.index(999999, 0).data(LogTableModel::TimeMsRole).toLongLong(),
                 m_million->timeMs(999999));
        // Tags: a slow error line carries both bits; the threshold moves "slow".
        qsizetype slowError = -1;
        for (qsizetype row = 0; row < m_million->size() && slowError < 0; ++row)
            if (m_million->level(row) == LogLevel::Error && m_million->durationMs(row) > 2000)
                slowError = row;
        QVERIFY(slowError >= 0);
        const QModelIndex tags = model.index(int(slowError), LogTableModel::TagsColumn);
        QCOMPARE(tags.data(LogTableModel::TagsRole).toInt(), int(TagSlow | TagError));
        model.setSlowThresholdMs(100000);
        QCOMPARE(tags.data(LogTableModel::TagsRole).toInt(), int(TagError));
        QVERIFY(model.index(0, LogTableModel::LevelColumn).data(Qt::ForegroundRole).isValid() ||
                m_million->level(0) == LogLevel::Info);

        model.showRows({5, 7, 999999});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.storeRow(2), 999999);
        QCOMPARE(model.index(1, LogTableModel::MessageColumn).data().toString(), m_million->message(7));
    }

    void explorerFiltersOffTheGuiThread()
    {
        LogExplorerView view(nullptr);
        view.resize(1280, 760);
        view.setLines(m_million);
        QCOMPARE(view.model()->rowCount(), 1000000);
        QVERIFY(view.table()->verticalHeader()->sectionResizeMode(0) == QHeaderView::Fixed);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        QSignalSpy applied(&view, &LogExplorerView::filterApplied);
        view.setQuery("service:payment-gateway AND level:ERROR AND duration_ms>1000");
        QVERIFY(view.isFiltering() || applied.count() == 1); // runs in the pool, not in setQuery
        QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, 30000);
        const int matches = view.model()->rowCount();
        QVERIFY(matches > 0 && matches < 1000000);
        for (int row = 0; row < matches; row += qMax(1, matches / 50)) {
            const qsizetype line = view.model()->storeRow(row);
            QCOMPARE(m_million->level(line), LogLevel::Error);
            QVERIFY(m_million->durationMs(line) > 1000);
        }
        qInfo("filtered 1,000,000 lines in %lld ms (debug build, offscreen)", view.lastFilterMs());

        // A newer query replaces a running one: only the last one's rows land.
        applied.clear();
        view.setQuery("timeout");
        view.setQuery("\"card declined\" AND tag:slow");
        QTRY_VERIFY_WITH_TIMEOUT(!view.isFiltering(), 30000);
        QCOMPARE(applied.count(), 1);
        const int declinedSlow = view.model()->rowCount();
        QVERIFY(declinedSlow > 0);
        QVERIFY(view.model()->index(0, LogTableModel::MessageColumn).data().toString().contains("declined"));

        // An invalid query shows where it broke and keeps the rows on screen.
        view.setQuery("level:ERROR AND (");
        QVERIFY2(view.queryError().contains("at column 18"), qPrintable(view.queryError()));
        QCOMPARE(view.model()->rowCount(), declinedSlow);
        save(view, "logs_explorer_error");

        view.setQuery("service:payment-gateway AND (level:ERROR OR tag:slow)");
        QTRY_VERIFY_WITH_TIMEOUT(!view.isFiltering() && view.queryError().isEmpty(), 30000);
        view.table()->selectRow(3);
        view.table()->setCurrentIndex(view.model()->index(3, 0));
        QVERIFY(view.findChild<QPlainTextEdit *>()->toPlainText().contains("\"trace_id\""));
        save(view, "logs_explorer");

        // The trace cell asks for the trace.
        QSignalSpy trace(&view, &LogExplorerView::traceRequested);
        const QModelIndex cell = view.model()->index(3, LogTableModel::TraceColumn);
        QTest::mouseClick(view.table()->viewport(), Qt::LeftButton, {},
                          view.table()->visualRect(cell).center());
        QCOMPARE(trace.count(), 1);
        QCOMPARE(trace.first().first().toString(), cell.data(LogTableModel::TraceIdRole).toString());
    }

    void tailAppendsWithoutJumping()
    {
        auto store = std::make_shared<LogStore>();
        generateLogLines(*store, 5000, 3);
        LogExplorerView view(nullptr);
        view.resize(1000, 600);
        view.setLines(store);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QScrollBar *bar = view.table()->verticalScrollBar();
        // At the bottom: the view follows new lines.
        view.table()->scrollToBottom();
        QCoreApplication::processEvents();
        const auto line = [](int i, const char *level) {
            return QJsonObject{{"timestamp", "2026-11-25T13:00:00.000Z"},
                               {"level", level},
                               {"service", "payment-gateway"},
                               {"message", QString("tail line %1").arg(i)},
                               {"duration_ms", 12.5},
                               {"status", 200}};
        };
        view.appendLines({line(1, "INFO"), line(2, "ERROR")});
        QCoreApplication::processEvents();
        QCOMPARE(view.model()->rowCount(), 5002);
        QTRY_COMPARE(bar->value(), bar->maximum());
        // Scrolled up: the rows in view stay where they are.
        bar->setValue(100);
        const QModelIndex top = view.table()->indexAt(QPoint(5, 5));
        view.appendLines({line(3, "INFO")});
        QCoreApplication::processEvents();
        QCOMPARE(bar->value(), 100);
        QCOMPARE(view.table()->indexAt(QPoint(5, 5)).row(), top.row());
        QCOMPARE(view.model()->rowCount(), 5003);
        // With a filter in force, appended lines are filtered too.
        QSignalSpy applied(&view, &LogExplorerView::filterApplied);
        view.setQuery("message:\"tail line\"");
        QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, 10000);
        QCOMPARE(view.model()->rowCount(), 3);
        view.appendLines({line(4, "INFO"), QJsonObject{{"message", "something else"}}});
        QTRY_COMPARE(view.model()->rowCount(), 4);
        QCOMPARE(view.store().size(), 5005);

        // Typing filters after a pause (the debounce).
        QLineEdit *edit = view.findChild<QLineEdit *>();
        QVERIFY(edit);
        applied.clear();
        edit->selectAll();
        QTest::keyClicks(edit, "level:ERROR AND \"tail line\"");
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty() && !view.isFiltering(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 1, 10000);
        QVERIFY(view.queryError().isEmpty());
    }
};

QTEST_MAIN(LogModelTest)
#include "tst_logs_model.moc"
