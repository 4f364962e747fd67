#pragma once
// Runs `handler` on `context`'s thread when a PlatformClient call finishes, and never after
// `context` is gone; a call cancelled because the client went away (no result) is ignored.
// See platform/async/WhenFinished.h for why QFuture::then(context, …) is not used.

#include "api/PlatformClient.h"
#include "platform/async/WhenFinished.h"

namespace paydesk::console {

template <typename Handler>
void onResult(QObject *context, const QFuture<api::ApiResult> &future, Handler handler)
{
    platform::whenFinished(context, future, std::move(handler));
}

} // namespace paydesk::console
