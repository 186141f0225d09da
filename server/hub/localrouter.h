#pragma once

#include "router.h"

// Delivers to the connections of this process: one queued call per worker thread, carrying
// every (connection, bytes) pair for that thread, which then fans out locally. With a thread
// pool that is one wake-up per thread per message instead of one per receiver.
class LocalRouter final : public Router {
public:
    void deliver(const QList<HubClient *> &recipients, OutboundFrame &frame) override;
    void close(const HubClient &client) override;
};
