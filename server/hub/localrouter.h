// SPDX-License-Identifier: MIT
#pragma once

#include "router.h"

// Delivers to the connections of this process: one batch of (connection, bytes) pairs per worker
// thread, sent through that thread's HostLink as one queued signal, which the thread's host then
// fans out locally. With a thread pool that is one wake-up per thread per message instead of one
// per receiver.
class LocalRouter final : public Router {
public:
    void deliver(const QList<HubClient *> &recipients, OutboundFrame &frame,
                 const HubClient *except = nullptr) override;
    void send(const HubClient &client, const QByteArray &bytes) override;
    void close(const HubClient &client) override;
};
