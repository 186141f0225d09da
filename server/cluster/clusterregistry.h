// SPDX-License-Identifier: MIT
#pragma once

#include "clusterevent.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <optional>

class ClusterStream;

// One node's copy of the network's registry (docs/cluster.md), built only by applying the
// cluster's event stream in order, so that every node's copy agrees. A claim (a nick) is
// appended to the stream and decided when it comes back: whoever's entry is first wins, on
// every node alike. It keeps nicks; users and channels are the hubs', which it hands on.
class ClusterRegistry : public QObject {
    Q_OBJECT
public:
    struct Holder {
        QByteArray node;
        quint64 client = 0;
        QByteArray nick; // as its holder spelled it
        bool operator==(const Holder &) const = default;
    };
    enum class Claim { Won, Taken, Unavailable };

    ClusterRegistry(QByteArray node, ClusterStream *stream, QObject *parent = nullptr);

    // Asks for `nick` for this node's `client`; done() says how it ended, once its entry came
    // back in the stream (Won, Taken), or at once when Redis is unreachable (Unavailable).
    void claimNick(quint64 client, const QByteArray &nick, std::function<void(Claim)> done);
    void releaseNick(quint64 client);
    // The node lost, in that incarnation: its clients' nicks are freed, once, by whichever node
    // reports it first (the others' reports are no-ops when applied).
    void reportNodeLost(const QByteArray &lost, qint64 incarnation);
    // This node changed `account` in the shared database: the others read it again.
    void announceAccount(const QByteArray &account);
    // The stream was lost with Redis's data: nothing known from it holds any more; claims in
    // flight are answered Unavailable.
    void reset();
    // A change of this node's users or channels (a user, a join, a part, ...), made by its hub.
    void publish(ClusterEvent event);

    std::optional<Holder> holderOf(QByteArrayView nick) const;
    int nickCount() const { return int(m_nicks.size()); }
    const QByteArray &node() const { return m_node; }

Q_SIGNALS:
    // Applied from the stream, this node's own changes included.
    void nickTaken(const ClusterRegistry::Holder &holder, const QByteArray &previousNick);
    void nickReleased(const ClusterRegistry::Holder &holder);
    // Another node changed this account.
    void accountChangedElsewhere(const QByteArray &account);
    // What the hub applies, in the stream's order: another node's nick taken (won) or given up,
    // a node lost (by anyone), every change of another node's users and memberships, and every
    // node's channel states and member statuses (this node's own included).
    void applied(const ClusterEvent &event);

private:
    void apply(const ClusterEvent &event);
    bool release(const QByteArray &node, quint64 client);

    QByteArray m_node;
    ClusterStream *m_stream;
    quint64 m_nextClaim = 1;
    QHash<quint64, std::function<void(Claim)>> m_claims; // by claim number
    QHash<QByteArray, Holder> m_nicks;                   // by folded nick
    QHash<QByteArray, QByteArray> m_nickOf;              // node + '/' + client -> folded nick
    QHash<QByteArray, qint64> m_lostIncarnations;
};
