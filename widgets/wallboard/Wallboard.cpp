#include "wallboard/Wallboard.h"

#include "wallboard/WallboardModel.h"

#include <QQmlContext>
#include <QQuickView>

namespace paydesk::console {

QQuickView *Wallboard::create(api::PlatformClient *client)
{
    auto *view = new QQuickView;
    auto *model = new WallboardModel(client, view);
    model->setObjectName(QStringLiteral("wallboardModel"));
    view->setTitle(QStringLiteral("PayDesk wallboard"));
    view->setColor(QColor(0x0b, 0x0f, 0x14));
    view->setResizeMode(QQuickView::SizeRootObjectToView);
    view->rootContext()->setContextProperty(QStringLiteral("wallboard"), model);
    // The module's files are compiled in by qt_add_qml_module (qml/CMakeLists.txt).
    view->setSource(QUrl(QStringLiteral("qrc:/PayDesk/Wallboard/Main.qml")));
    model->start();
    return view;
}

QQuickView *Wallboard::open(api::PlatformClient *client)
{
    QQuickView *view = create(client);
    // Closed (hidden) for good: QQuickView::closing's event type is private in 6.4, so watch visibility.
    QObject::connect(view, &QWindow::visibleChanged, view, [view](bool visible) {
        if (!visible)
            view->deleteLater();
    });
    view->resize(1920, 1080);
    view->showFullScreen();
    return view;
}

WallboardModel *Wallboard::model(QQuickView *view)
{
    return view->findChild<WallboardModel *>(QStringLiteral("wallboardModel"));
}

} // namespace paydesk::console
