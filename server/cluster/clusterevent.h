// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>

#include <optional>

// One entry of the cluster's event stream (docs/cluster.md): a change to the shared registry,
// made by one node and applied by every node in the stream's order. On the wire (a Redis stream
// entry) it is a flat list of field and value: "t" its type, "n" the node that made it, and the
// type's own fields. Nothing read from the stream is trusted: decode() accepts only a complete,
// well-formed entry.
struct ClusterEvent {
    enum class Type {
        NickTake,    // node's client takes nick (giving up the one it had); claim: the node's sequence
        NickRelease, // node's client gives up its nick (it quit, or went back to none)
        NodeLost,    // node found lost's lease expired: everything of lost (that incarnation) goes
        Account,     // node changed the account (registered, dropped, a new password or certificate)
    };

    Type type = Type::NickTake;
    QByteArray node;
    quint64 client = 0;
    QByteArray nick;
    quint64 claim = 0;
    QByteArray lost;
    qint64 incarnation = 0; // the lost node's start time, from its lease
    QByteArray account;
    QByteArray id; // the stream's id for it, once read

    QList<QByteArray> encode() const;
    static std::optional<ClusterEvent> decode(const QList<QByteArray> &fields);

    // A node's name: 1 to 32 of A-Z, a-z, 0-9 and '-'.
    static bool isValidNodeName(QByteArrayView name);
};
