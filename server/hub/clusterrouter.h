// SPDX-License-Identifier: MIT
#pragma once

#include "router.h"

#include <functional>
#include <memory>

// The router of a node of a cluster (docs/cluster.md): this node's users get a frame from the
// local router, as without a cluster; other nodes' users get it through their node, one
// publication per node with the ids of its receivers there, the line serialised once with every
// tag any of them may be sent. That node makes its receivers' variants, as for its own messages.
class ClusterRouter final : public Router {
public:
    using Publish
        = std::function<void(const QByteArray &node, const QList<quint64> &recipients, const QByteArray &line)>;
    ClusterRouter(std::unique_ptr<Router> local, Publish publish);

    void deliver(const QList<HubClient *> &recipients, OutboundFrame &frame,
                 const HubClient *except = nullptr) override;
    // Lines made for one client are answers to what it sent: always one of this node's.
    void send(const HubClient &client, const QByteArray &bytes) override;
    void close(const HubClient &client) override;

private:
    std::unique_ptr<Router> m_local;
    Publish m_publish;
};
