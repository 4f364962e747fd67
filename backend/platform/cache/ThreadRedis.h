#pragma once
// The calling thread's Redis connection for `url`: hiredis contexts are not thread-safe, so each
// worker thread keeps its own, opened on first use and closed when the thread ends.

#include "platform/cache/RedisConnection.h"

namespace paydesk::platform {

RedisConnection &threadRedis(const RedisUrl &url);

} // namespace paydesk::platform
