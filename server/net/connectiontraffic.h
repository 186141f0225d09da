// SPDX-License-Identifier: MIT
#pragma once

#include "clientid.h"

#include <QtGlobal>

// One connection's counters as its worker thread sees them.
struct ConnectionTraffic {
    ClientId id = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 queuedBytes = 0;      // routed to it, not yet taken by the kernel: what the sendq caps
    qint64 unprocessedBytes = 0; // read, handed to the hub, not yet handled there
    bool readingPaused = false;  // stopped reading until the hub catches up
};
