#include "common/Theme.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyleFactory>

namespace paydesk::console {

namespace {
Theme g_theme = Theme::Light;

const ThemeColors kLight{QColor("#1e8e3e"), QColor("#e37400"), QColor("#d93025"), QColor("#80868b"),
                         QColor("#ffffff"), QColor("#dadce0"), QColor("#1a73e8"), QColor("#202124"),
                         QColor("#5f6368"), QColor("#1a73e8")};
const ThemeColors kDark{QColor("#81c995"), QColor("#fdd663"), QColor("#f28b82"), QColor("#9aa0a6"),
                        QColor("#2a2c30"), QColor("#3c4043"), QColor("#8ab4f8"), QColor("#e8eaed"),
                        QColor("#bdc1c6"), QColor("#8ab4f8")};

QPalette paletteFor(Theme theme)
{
    QPalette p;
    if (theme == Theme::Light) {
        p.setColor(QPalette::Window, QColor("#f1f3f4"));
        p.setColor(QPalette::WindowText, QColor("#202124"));
        p.setColor(QPalette::Base, QColor("#ffffff"));
        p.setColor(QPalette::AlternateBase, QColor("#f8f9fa"));
        p.setColor(QPalette::Text, QColor("#202124"));
        p.setColor(QPalette::Button, QColor("#ffffff"));
        p.setColor(QPalette::ButtonText, QColor("#202124"));
        p.setColor(QPalette::Highlight, QColor("#1a73e8"));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor("#ffffff"));
        p.setColor(QPalette::ToolTipText, QColor("#202124"));
        p.setColor(QPalette::PlaceholderText, QColor("#80868b"));
        p.setColor(QPalette::Link, QColor("#1a73e8"));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor("#9aa0a6"));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor("#9aa0a6"));
    } else {
        p.setColor(QPalette::Window, QColor("#202124"));
        p.setColor(QPalette::WindowText, QColor("#e8eaed"));
        p.setColor(QPalette::Base, QColor("#292a2d"));
        p.setColor(QPalette::AlternateBase, QColor("#303134"));
        p.setColor(QPalette::Text, QColor("#e8eaed"));
        p.setColor(QPalette::Button, QColor("#303134"));
        p.setColor(QPalette::ButtonText, QColor("#e8eaed"));
        p.setColor(QPalette::Highlight, QColor("#8ab4f8"));
        p.setColor(QPalette::HighlightedText, QColor("#202124"));
        p.setColor(QPalette::ToolTipBase, QColor("#303134"));
        p.setColor(QPalette::ToolTipText, QColor("#e8eaed"));
        p.setColor(QPalette::PlaceholderText, QColor("#9aa0a6"));
        p.setColor(QPalette::Link, QColor("#8ab4f8"));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor("#80868b"));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor("#80868b"));
    }
    return p;
}

QString styleSheetFor(Theme theme)
{
    const ThemeColors &c = theme == Theme::Light ? kLight : kDark;
    return QStringLiteral(
               "QListWidget#sidebar { border: none; background: %1; font-size: 14px; padding-top: 8px; }"
               "QListWidget#sidebar::item { padding: 9px 14px; border-radius: 6px; margin: 1px 6px; }"
               "QListWidget#sidebar::item:selected { background: %2; color: %3; }"
               "QLabel#viewTitle { font-size: 20px; font-weight: 600; }"
               "QLabel#muted { color: %4; }"
               "QLabel#error { color: %5; font-weight: 600; }"
               "QLineEdit, QComboBox, QPlainTextEdit { padding: 4px; }"
               "QTableView { gridline-color: %6; }"
               "QHeaderView::section { padding: 4px 6px; font-weight: 600; }")
        .arg(theme == Theme::Light ? QStringLiteral("#e8eaed") : QStringLiteral("#292a2d"),
             c.tileFocus.name(),
             theme == Theme::Light ? QStringLiteral("#ffffff") : QStringLiteral("#202124"),
             c.mutedText.name(), c.unhealthy.name(), c.tileBorder.name());
}
} // namespace

void applyTheme(Theme theme)
{
    g_theme = theme;
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(paletteFor(theme));
    qApp->setStyleSheet(styleSheetFor(theme));
}

Theme currentTheme()
{
    return g_theme;
}

Theme savedTheme()
{
    return QSettings().value(QStringLiteral("ui/theme")).toString() == QStringLiteral("dark") ? Theme::Dark
                                                                                              : Theme::Light;
}

void saveTheme(Theme theme)
{
    QSettings().setValue(QStringLiteral("ui/theme"),
                         theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light"));
}

const ThemeColors &themeColors()
{
    return g_theme == Theme::Light ? kLight : kDark;
}

QColor stateColor(const QString &state)
{
    const ThemeColors &c = themeColors();
    if (state == QStringLiteral("healthy"))
        return c.healthy;
    if (state == QStringLiteral("degraded"))
        return c.degraded;
    if (state == QStringLiteral("unhealthy") || state == QStringLiteral("unreachable"))
        return c.unhealthy;
    return c.unknown; // unknown, and "stopped" (on purpose, by an administrator: grey, not red)
}

} // namespace paydesk::console
