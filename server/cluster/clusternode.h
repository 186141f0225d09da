// SPDX-License-Identifier: MIT
#pragma once

#include "clusterregistry.h"

#include <QObject>

#include <memory>

class ClusterStream;
class NodeLease;
struct ServerConfig;

// This server as one node of a cluster (docs/cluster.md), in a thread of its own: the event
// stream, the registry built from it and the node's lease. The hub asks it for nicks with
// queued signals and is answered the same way; it never waits on Redis.
class ClusterNode : public QObject {
    Q_OBJECT
public:
    explicit ClusterNode(std::shared_ptr<const ServerConfig> config, QObject *parent = nullptr);
    ~ClusterNode() override;

    // In the node's thread: connects to Redis and takes this node's lease. The node's earlier
    // incarnation (a crash, a restart) is cleared from the registry first.
    void start();
    // In the node's thread, last: this node's users leave the registry (waiting a moment for
    // Redis to have it), its lease is given up, and its connections to Redis are closed.
    void stop();

public Q_SLOTS:
    // From the hub: claim `nick` for the client; answered with nickClaimAnswered(ticket, ...).
    void claimNick(quint64 client, const QByteArray &nick, quint64 ticket);
    void releaseNick(quint64 client);
    // From the hub: an account change this node wrote, for the other nodes.
    void announceAccount(const QByteArray &account);

Q_SIGNALS:
    // `result` is a ClusterRegistry::Claim.
    void nickClaimAnswered(quint64 ticket, int result);
    // Another node changed this account in the shared database: read it again.
    void accountChangedElsewhere(const QByteArray &account);

private:
    std::shared_ptr<const ServerConfig> m_config;
    qint64 m_incarnation;
    ClusterStream *m_stream = nullptr;
    ClusterRegistry *m_registry = nullptr;
    NodeLease *m_lease = nullptr;
    bool m_startedClean = false;
};
