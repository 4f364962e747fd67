#include "shell/MainWindow.h"

#include "common/Theme.h"
#include "shell/CommandPalette.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyledItemDelegate>

namespace paydesk::console {

namespace {
constexpr int kShortcutRole = Qt::UserRole + 1;

// Sidebar entries: the title on the left, the view's shortcut right-aligned and muted.
class SidebarDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        const QString shortcut = index.data(kShortcutRole).toString();
        if (shortcut.isEmpty())
            return;
        painter->save();
        QColor colour = option.palette.color(
            option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::PlaceholderText);
        painter->setPen(colour);
        QFont small = option.font;
        small.setPointSizeF(small.pointSizeF() * 0.85);
        painter->setFont(small);
        painter->drawText(option.rect.adjusted(0, 0, -14, 0), Qt::AlignRight | Qt::AlignVCenter, shortcut);
        painter->restore();
    }
};
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_sidebar(new QListWidget), m_stack(new QStackedWidget),
      m_palette(new CommandPalette(this)), m_profile(new QLabel), m_connection(new QLabel)
{
    setWindowTitle(tr("PayDesk Console"));
    resize(1280, 800);
    auto *central = new QWidget;
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setFixedWidth(210);
    m_sidebar->setItemDelegate(new SidebarDelegate(m_sidebar));
    m_sidebar->setFocusPolicy(Qt::StrongFocus);
    layout->addWidget(m_sidebar);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    connect(m_sidebar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    statusBar()->addWidget(m_profile, 1);
    statusBar()->addPermanentWidget(m_connection);
    m_connection->setText(tr("not connected"));

    auto *paletteShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_K), this);
    connect(paletteShortcut, &QShortcut::activated, this, &MainWindow::openPalette);
    addCommand(QStringLiteral("theme.toggle"), tr("Toggle light / dark theme"),
               QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), [this] { toggleTheme(); });
    addCommand(QStringLiteral("sidebar.focus"), tr("Focus the sidebar"), QKeySequence(Qt::CTRL | Qt::Key_0),
               [this] { m_sidebar->setFocus(); });
}

MainWindow::~MainWindow() = default;

void MainWindow::addView(const QString &id, const QString &title, const QKeySequence &shortcut, QWidget *view)
{
    view->setObjectName(QStringLiteral("view-") + id);
    m_views.append({id, title, shortcut, view});
    m_stack->addWidget(view);
    auto *item = new QListWidgetItem(
        shortcut.isEmpty() ? title
                           : QStringLiteral("%1\t%2").arg(title, shortcut.toString(QKeySequence::NativeText)),
        m_sidebar);
    item->setData(Qt::UserRole, id);
    item->setToolTip(shortcut.toString(QKeySequence::NativeText));
    if (!shortcut.isEmpty()) {
        auto *sc = new QShortcut(shortcut, this);
        connect(sc, &QShortcut::activated, this, [this, id] { showView(id); });
    }
    if (m_sidebar->currentRow() < 0)
        m_sidebar->setCurrentRow(0);
}

void MainWindow::addCommand(const QString &id, const QString &title, const QKeySequence &shortcut,
                            std::function<void()> run)
{
    m_commands.append({id, title, shortcut, run});
    if (!shortcut.isEmpty()) {
        auto *sc = new QShortcut(shortcut, this);
        connect(sc, &QShortcut::activated, this, [run] { run(); });
    }
}

void MainWindow::showView(const QString &id)
{
    for (qsizetype i = 0; i < m_views.size(); ++i) {
        if (m_views[i].id == id) {
            m_sidebar->setCurrentRow(int(i));
            m_views[i].widget->setFocus();
            if (QWidget *first = m_views[i].widget->nextInFocusChain();
                first && m_views[i].widget->isAncestorOf(first))
                first->setFocus();
            return;
        }
    }
}

QString MainWindow::currentViewId() const
{
    const int row = m_sidebar->currentRow();
    return row >= 0 && row < m_views.size() ? m_views[row].id : QString();
}

QWidget *MainWindow::view(const QString &id) const
{
    for (const View &v : m_views) {
        if (v.id == id)
            return v.widget;
    }
    return nullptr;
}

QStringList MainWindow::viewIds() const
{
    QStringList ids;
    for (const View &v : m_views)
        ids.append(v.id);
    return ids;
}

QList<PaletteEntry> MainWindow::paletteEntries() const
{
    QList<PaletteEntry> entries;
    for (const View &v : m_views)
        entries.append({v.id, v.title, tr("View"), v.shortcut,
                        [this, id = v.id] { const_cast<MainWindow *>(this)->showView(id); }});
    for (const Command &c : m_commands)
        entries.append({c.id, c.title, tr("Action"), c.shortcut, c.run});
    return entries;
}

void MainWindow::openPalette()
{
    m_palette->setEntries(paletteEntries());
    m_palette->popup();
}

void MainWindow::setProfileText(const QString &text)
{
    m_profile->setText(text);
}

void MainWindow::setConnectionState(bool ok, const QString &text)
{
    const QString html =
        QStringLiteral("<span style='color:%1'>●</span> %2")
            .arg(stateColor(ok ? QStringLiteral("healthy") : QStringLiteral("unhealthy")).name(),
                 text.toHtmlEscaped());
    if (m_connection->text() != html)
        m_connection->setText(html);
}

void MainWindow::toggleTheme()
{
    const Theme next = currentTheme() == Theme::Light ? Theme::Dark : Theme::Light;
    applyTheme(next);
    saveTheme(next);
    update();
}

} // namespace paydesk::console
