#pragma once
// The console's main window: a sidebar of views with a stack, keyboard-first. Every view (this
// branch's and the log/trace/payment explorers the integrator adds) goes through addView(); actions
// through addCommand(); Ctrl+K lists both. Status bar: the profile and the connection state.

#include <QKeySequence>
#include <QMainWindow>

#include <functional>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace paydesk::console {

class CommandPalette;
struct PaletteEntry;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Registers a view: sidebar entry, stack page, shortcut (e.g. Ctrl+1) and palette entry.
    void addView(const QString &id, const QString &title, const QKeySequence &shortcut, QWidget *view);
    // Registers an action for the palette (and its shortcut when given).
    void addCommand(const QString &id, const QString &title, const QKeySequence &shortcut,
                    std::function<void()> run);

    void showView(const QString &id);
    QString currentViewId() const;
    QWidget *view(const QString &id) const;
    QStringList viewIds() const;
    CommandPalette *palette() const { return m_palette; }
    void openPalette();

    void setProfileText(const QString &text);
    void setConnectionState(bool ok, const QString &text);
    void toggleTheme();

private:
    QList<PaletteEntry> paletteEntries() const;

    struct View
    {
        QString id, title;
        QKeySequence shortcut;
        QWidget *widget;
    };
    struct Command
    {
        QString id, title;
        QKeySequence shortcut;
        std::function<void()> run;
    };
    QList<View> m_views;
    QList<Command> m_commands;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    CommandPalette *m_palette;
    QLabel *m_profile;
    QLabel *m_connection;
};

} // namespace paydesk::console
