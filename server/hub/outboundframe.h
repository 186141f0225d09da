// SPDX-License-Identifier: MIT
#pragma once

#include "capabilities.h"
#include "protocol/ircmessage.h"

#include <QByteArray>

// One outgoing message, serialised at most once per wire variant and shared (QByteArray is
// implicitly shared) by every receiver of that variant. The variants differ only in the tags a
// receiver asked for: server-time, message tags (the msgid and the sender's client tags) and
// account-tag, in any combination. No receiver ever costs a parse or a format of its own.
class OutboundFrame {
public:
    // `clientTags` are the sender's "+" tags, relayed only to message-tags receivers.
    explicit OutboundFrame(IrcMessage message, QList<IrcTag> clientTags = {});

    // The message's identity and time, when it has them (it is kept in history): sent as the
    // msgid tag to message-tags receivers, and as the time tag.
    void setStamp(const QByteArray &msgid, qint64 timeMs);
    // The sender's account, sent as the account tag to account-tag receivers.
    void setAccount(const QByteArray &account) { m_account = account; }
    // The sender is a bot: the bot tag goes to message-tags receivers.
    void setBot(bool bot) { m_bot = bot; }
    // When the hub handed a relayed message over, for DeliveryStages; 0 (untimed) for the rest.
    void setRoutedNs(qint64 ns) { m_routedNs = ns; }
    qint64 routedNs() const { return m_routedNs; }

    const QByteArray &bytesFor(Capability::Mask caps);
    const IrcMessage &message() const { return m_message; }
    bool isValid() { return !bytesFor(Capability::None).isEmpty(); }

    // "2026-11-29T10:40:12.345Z", the server-time form.
    static QByteArray isoTime(qint64 timeMs);

private:
    IrcMessage m_message;
    QList<IrcTag> m_clientTags;
    QByteArray m_msgid;
    QByteArray m_account;
    bool m_bot = false;
    qint64 m_routedNs = 0;
    qint64 m_timeMs = -1; // -1: the time of the first server-time variant built
    QByteArray m_variants[8];
    bool m_built[8] = {};
};
