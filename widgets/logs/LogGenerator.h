#pragma once
// Synthetic log lines in the services' JsonLog format, for the explorer's tests, its benchmark and
// demos: deterministic for a seed, built without JSON parsing so a million lines take ~1 s.

#include "logs/LogStore.h"

namespace paydesk::console {

void generateLogLines(LogStore &store, qsizetype count, quint32 seed, qint64 startMs = 1795600000000);

} // namespace paydesk::console
