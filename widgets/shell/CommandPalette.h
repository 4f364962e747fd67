#pragma once
// Ctrl+K: every registered view and action in one list, filtered as you type with a fuzzy match
// (the letters in order, consecutive letters and word starts score higher). Enter runs the best.

#include <QDialog>
#include <QKeySequence>
#include <functional>

class QLineEdit;
class QListWidget;

namespace paydesk::console {

struct PaletteEntry
{
    QString id;
    QString title;
    QString kind; // "View" or "Action"
    QKeySequence shortcut;
    std::function<void()> run;
};

// Score of `pattern` in `text` (case-insensitive): -1 when the letters do not all appear in order.
int fuzzyScore(const QString &pattern, const QString &text);

class CommandPalette : public QDialog
{
    Q_OBJECT
public:
    explicit CommandPalette(QWidget *parent = nullptr);
    void setEntries(const QList<PaletteEntry> &entries);
    void popup();
    QStringList visibleTitles() const;
    void setFilter(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refilter();
    void runCurrent();

    QLineEdit *m_filter;
    QListWidget *m_list;
    QList<PaletteEntry> m_entries;
};

} // namespace paydesk::console
