// SPDX-License-Identifier: MIT
#pragma once

#include "clusterframe.h"
#include "clusterregistry.h"
#include "nodelease.h"

#include <QHash>
#include <QObject>

#include <memory>

class ClusterStream;
class RedisConnection;
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

    // For the operator console, in the node's thread.
    struct Status {
        QByteArray node;
        bool available = false;
        QList<NodeLease::NodeInfo> nodes;
        quint64 eventsDropped = 0; // stream entries that did not decode
        quint64 framesDropped = 0;
        quint64 framesMissed = 0;
        quint64 framesUnsent = 0;
    };
    Status status() const;

public Q_SLOTS:
    // From the hub: claim `nick` for the client; answered with nickClaimAnswered(ticket, ...).
    void claimNick(quint64 client, const QByteArray &nick, quint64 ticket);
    void releaseNick(quint64 client);
    // From the hub: an account change this node wrote, for the other nodes.
    void announceAccount(const QByteArray &account);
    // From the hub: a change of its users or channels, for the other nodes' hubs.
    void publishEvent(const ClusterEvent &event);
    // From the hub: a line for `recipients` (their ids on `node`), serialised with every tag.
    void publishFrame(const QByteArray &node, const QList<quint64> &recipients, const QByteArray &line);

Q_SIGNALS:
    // `result` is a ClusterRegistry::Claim.
    void nickClaimAnswered(quint64 ticket, int result);
    // Another node changed this account in the shared database: read it again.
    void accountChangedElsewhere(const QByteArray &account);
    // To the hub, in the stream's order: what it applies (ClusterRegistry::applied).
    void eventApplied(const ClusterEvent &event);
    // To the hub: a line another node relayed to users of this one, checked and in order.
    void frameArrived(const ClusterFrame &frame);
    // To the hub: Redis is reachable (what needs the other nodes works) or not.
    void availabilityChanged(bool available);
    // To the hub: after a split this node's users are in the registry no more; it claims their
    // nicks again and tells their channels (docs/cluster.md). `streamLost`: Redis lost its data,
    // and with it every other node's users too.
    void resyncNeeded(bool streamLost);

private:
    void takeFrame(const QByteArray &payload);
    void setAvailable(bool available);
    void resync(bool streamLost);

    std::shared_ptr<const ServerConfig> m_config;
    qint64 m_incarnation;
    ClusterStream *m_stream = nullptr;
    ClusterRegistry *m_registry = nullptr;
    NodeLease *m_lease = nullptr;
    // Messages to other nodes' users: published on one connection (so that Redis keeps their
    // order), received on another (a subscriber can do nothing else).
    RedisConnection *m_publisher = nullptr;
    RedisConnection *m_subscriber = nullptr;
    QHash<QByteArray, quint64> m_sent; // by node: the last sequence number published to it
    struct Heard {
        qint64 incarnation = 0;
        quint64 sequence = 0;
    };
    QHash<QByteArray, Heard> m_heard; // by node: the last frame taken from it
    quint64 m_framesDropped = 0;      // did not decode, or came twice
    quint64 m_framesMissed = 0;       // gaps in a node's sequence
    quint64 m_framesUnsent = 0;       // Redis was away
    bool m_startedClean = false;
    bool m_available = false;
    bool m_stopping = false;
    bool m_streamReset = false; // Redis came back without the stream: a resync once it is ready
};
