#pragma once
// Opens the operations-room wallboard (qml/Main.qml, module PayDesk.Wallboard): a full-screen
// QQuickView showing a WallboardModel fed from `client`. F11 toggles full screen, Esc leaves it.

#include "api/PlatformClient.h"

class QQuickView;

namespace paydesk::console {

class WallboardModel;

class Wallboard
{
public:
    // The view with its model (a child of the view) loaded and polling, not shown yet.
    static QQuickView *create(api::PlatformClient *client);
    // create() shown full screen; deleted when closed.
    static QQuickView *open(api::PlatformClient *client);
    static WallboardModel *model(QQuickView *view);
};

} // namespace paydesk::console
