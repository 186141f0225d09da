// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>

#include <optional>

// One entry of the cluster's event stream (docs/cluster.md): a change to the shared registry,
// made by one node and applied by every node in the stream's order. On the wire (a Redis stream
// entry) it is a flat list of field and value: "t" its type, "n" the node that made it, and the
// type's own fields, each one lower-case letter. Nothing read from the stream is trusted:
// decode() accepts only a complete, well-formed entry.
struct ClusterEvent {
    enum class Type {
        NickTake,    // node's client takes nick (giving up the one it had); claim: the node's sequence
        NickRelease, // node's client gives up its nick (it quit, or went back to none)
        NodeLost,    // node found lost's lease expired: everything of lost (that incarnation) goes
        Account,     // node changed the account (registered, dropped, a new password or certificate)
        User,        // node's client registered, or what others see of it changed (away, modes, ...)
        Join,        // node's client joined channel (op: it created it; rejoin: after a split, told again)
        Part,        // target's client left channel (it parted, or node kicked it)
        Kill,        // node disconnects target's client (KILL), with reason
        Channel,     // channel's topic, modes or lists changed on node: the whole of them
        Member,      // target's client's status in channel is now modes ("o", "v", "ov" or "")
    };

    Type type = Type::NickTake;
    QByteArray node;
    quint64 client = 0;
    QByteArray nick;
    quint64 claim = 0;
    QByteArray lost;
    qint64 incarnation = 0; // the lost node's start time, from its lease
    QByteArray account;
    // User: what other nodes show of the client.
    QByteArray user;
    QByteArray host;
    QByteArray realname;
    QByteArray away;
    QByteArray modes; // User: of "Biow"; Channel: of "tmiRspC"; Member: of "ov"
    quint64 caps = 0; // User: its capabilities (the bits of Capability), for what it is sent
    // Join, Part, Kill, Channel, Member.
    QByteArray channel;
    bool op = false;
    bool rejoin = false; // Join: made again after a split (docs/cluster.md): announced where applied
    QByteArray target;   // the node whose client it is (Part, Kill, Member); the event's node if empty
    QByteArray reason;
    // Channel: its state.
    QByteArray topic;
    QByteArray topicSetBy;
    qint64 topicSetAt = 0;
    QByteArray key;
    int limit = 0;
    // Each "mask setter time" (+b, +e, +I).
    QList<QByteArray> bans;
    QList<QByteArray> exceptions;
    QList<QByteArray> inviteExceptions;
    QByteArray id; // the stream's id for it, once read

    QList<QByteArray> encode() const;
    static std::optional<ClusterEvent> decode(const QList<QByteArray> &fields);
    // The node whose client the event is about.
    const QByteArray &subjectNode() const { return target.isEmpty() ? node : target; }

    // A node's name: 1 to 32 of A-Z, a-z, 0-9 and '-'.
    static bool isValidNodeName(QByteArrayView name);
    friend bool operator==(const ClusterEvent &, const ClusterEvent &) = default;
};
Q_DECLARE_METATYPE(ClusterEvent)
