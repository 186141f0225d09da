// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/ircmessage.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>

#include <optional>

// One message relayed to another node's users (docs/cluster.md), as published on that node's
// channel (confab:to:NODE): the line as its sender's node made it, with every tag a receiver may
// be sent (time, msgid, account, bot and the sender's client tags), plus the relay's own tags:
// the sending node, its incarnation, its sequence number towards this node, and the ids (on the
// receiving node) of those to deliver it to. The receiving node builds its receivers' variants
// from it once, as for a message of its own. Nothing read from the bus is trusted: decode()
// accepts only a well-formed frame.
struct ClusterFrame {
    QByteArray node;
    qint64 incarnation = 0;
    quint64 sequence = 0;
    QList<quint64> recipients;
    IrcMessage message; // its tags: only time, msgid, account, bot and client ("+") tags

    // `line`: the serialised message (CR LF optional), with its tags for a receiver of every kind.
    static QByteArray encode(const QByteArray &node, qint64 incarnation, quint64 sequence,
                             const QList<quint64> &recipients, QByteArrayView line);
    static std::optional<ClusterFrame> decode(QByteArrayView payload);

    static constexpr int MaxRecipients = 100000;
};
Q_DECLARE_METATYPE(ClusterFrame)
