#include "shell/CommandPalette.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace paydesk::console {

int fuzzyScore(const QString &pattern, const QString &text)
{
    if (pattern.isEmpty())
        return 0;
    int score = 0;
    qsizetype at = 0;
    qsizetype previous = -2;
    for (const QChar ch : pattern) {
        if (ch.isSpace())
            continue;
        const qsizetype found = text.indexOf(ch, at, Qt::CaseInsensitive);
        if (found < 0)
            return -1;
        score += 1;
        if (found == previous + 1)
            score += 5; // consecutive letters
        if (found == 0 || !text.at(found - 1).isLetterOrNumber())
            score += 8; // start of a word
        previous = found;
        at = found + 1;
    }
    return score * 100 - int(text.size()); // shorter titles win ties
}

CommandPalette::CommandPalette(QWidget *parent)
    : QDialog(parent, Qt::Popup | Qt::FramelessWindowHint), m_filter(new QLineEdit), m_list(new QListWidget)
{
    setObjectName(QStringLiteral("commandPalette"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    m_filter->setPlaceholderText(tr("Type a view or an action…"));
    layout->addWidget(m_filter);
    layout->addWidget(m_list);
    resize(560, 380);
    m_filter->installEventFilter(this);
    connect(m_filter, &QLineEdit::textChanged, this, &CommandPalette::refilter);
    connect(m_list, &QListWidget::itemActivated, this, &CommandPalette::runCurrent);
}

void CommandPalette::setEntries(const QList<PaletteEntry> &entries)
{
    m_entries = entries;
    refilter();
}

void CommandPalette::popup()
{
    m_filter->clear();
    refilter();
    if (parentWidget()) {
        const QRect area = parentWidget()->window()->geometry();
        move(area.center().x() - width() / 2, area.top() + 80);
    }
    show();
    raise();
    activateWindow();
    m_filter->setFocus();
}

void CommandPalette::setFilter(const QString &text)
{
    m_filter->setText(text);
}

QStringList CommandPalette::visibleTitles() const
{
    QStringList titles;
    for (int i = 0; i < m_list->count(); ++i)
        titles.append(m_list->item(i)->data(Qt::UserRole + 1).toString());
    return titles;
}

void CommandPalette::refilter()
{
    const QString pattern = m_filter->text().trimmed();
    QList<QPair<int, qsizetype>> ranked;
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        const int score = fuzzyScore(pattern, m_entries[i].title);
        if (score >= 0 || pattern.isEmpty())
            ranked.append({pattern.isEmpty() ? -int(i) : score, i});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](auto a, auto b) { return a.first > b.first; });
    m_list->clear();
    for (const auto &[score, i] : ranked) {
        const PaletteEntry &e = m_entries[i];
        QString label = QStringLiteral("%1 — %2").arg(e.kind, e.title);
        if (!e.shortcut.isEmpty())
            label += QStringLiteral("    [%1]").arg(e.shortcut.toString(QKeySequence::NativeText));
        auto *item = new QListWidgetItem(label, m_list);
        item->setData(Qt::UserRole, int(i));
        item->setData(Qt::UserRole + 1, e.title);
    }
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
}

void CommandPalette::runCurrent()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const PaletteEntry entry = m_entries.value(item->data(Qt::UserRole).toInt());
    hide();
    if (entry.run)
        entry.run();
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        switch (key->key()) {
        case Qt::Key_Down:
            m_list->setCurrentRow(qMin(m_list->currentRow() + 1, m_list->count() - 1));
            return true;
        case Qt::Key_Up:
            m_list->setCurrentRow(qMax(m_list->currentRow() - 1, 0));
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            runCurrent();
            return true;
        case Qt::Key_Escape:
            hide();
            return true;
        default:
            break;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace paydesk::console
