// SPDX-License-Identifier: MIT
#pragma once

#include "config/redisaddress.h"

#include <QHash>
#include <QObject>
#include <QTimer>

class RedisConnection;

// A node's lease in the cluster's Redis, and its watch over the others' (docs/cluster.md). The
// node registers itself (name and incarnation, its start time) and holds the key
// confab:node:NAME, which expires unless refreshed. Every check it looks for registered nodes
// whose key has expired; one Lua script takes such a node off the register atomically, so that
// of all the nodes that notice, exactly one gets nodeLost() and does the cleanup. A node whose
// own registration was taken away (it was paused longer than its lease) gets selfLost(): its
// users have been announced as gone, and it must start again as a new incarnation.
class NodeLease : public QObject {
    Q_OBJECT
public:
    static constexpr const char *NodesKey = "confab:nodes";
    struct Timing {
        int leaseMs = 10000;
        int refreshMs = 3000;
        int checkMs = 1000;
    };

    NodeLease(const RedisAddress &address, QByteArray node, qint64 incarnation, Timing timing,
              QObject *parent = nullptr);
    NodeLease(const RedisAddress &address, QByteArray node, qint64 incarnation, QObject *parent = nullptr)
        : NodeLease(address, std::move(node), incarnation, Timing(), parent)
    {
    }
    ~NodeLease() override;

    void start();
    // Stops refreshing and watching (a clean stop also takes the node off the register).
    void stop(bool deregister);
    // The node goes on as a new incarnation (after a split, docs/cluster.md): registered again
    // under it, refreshed and watching as before.
    void renew(qint64 incarnation);
    const QByteArray &node() const { return m_node; }
    qint64 incarnation() const { return m_incarnation; }
    // The other nodes registered at the last check, with their incarnations.
    const QHash<QByteArray, qint64> &others() const { return m_others; }
    // Every node registered at the last check, this one included, with what was left of its
    // lease then (-1: none, it is expired or gone), for the operator console.
    struct NodeInfo {
        QByteArray name;
        qint64 incarnation = 0;
        qint64 leaseLeftMs = -1;
    };
    QList<NodeInfo> nodes() const;

Q_SIGNALS:
    void registered();
    void nodeLost(const QByteArray &node, qint64 incarnation);
    void selfLost();
    // A check is done: the register was read and every expired node it named was dealt with.
    void checked();

private:
    void registerSelf();
    void refresh();
    void check();

    RedisConnection *m_redis;
    QByteArray m_node;
    qint64 m_incarnation;
    Timing m_timing;
    QTimer m_refresh;
    QTimer m_check;
    QHash<QByteArray, NodeInfo> m_seen; // by name, at the last check
    bool m_registered = false;
    QHash<QByteArray, qint64> m_others;
};
