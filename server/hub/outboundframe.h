#pragma once

#include "capabilities.h"
#include "protocol/ircmessage.h"

#include <QByteArray>

// One outgoing message, serialised at most once per wire variant and shared (QByteArray is
// implicitly shared) by every receiver of that variant. The variants differ only in the tags a
// receiver asked for: none, server-time, client tags (message-tags), or both. No receiver ever
// costs a parse or a format of its own.
class OutboundFrame {
public:
    // `clientTags` are the sender's "+" tags, relayed only to message-tags receivers.
    explicit OutboundFrame(IrcMessage message, QList<IrcTag> clientTags = {});

    const QByteArray &bytesFor(Capability::Mask caps);
    const IrcMessage &message() const { return m_message; }
    bool isValid() { return !bytesFor(Capability::None).isEmpty(); }

private:
    IrcMessage m_message;
    QList<IrcTag> m_clientTags;
    QByteArray m_time;
    QByteArray m_variants[4];
    bool m_built[4] = {};
};
