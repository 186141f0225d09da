// SPDX-License-Identifier: MIT
#include "outboundframe.h"

#include <QDateTime>

OutboundFrame::OutboundFrame(IrcMessage message, QList<IrcTag> clientTags)
    : m_message(std::move(message))
    , m_clientTags(std::move(clientTags))
{
}

void OutboundFrame::setStamp(const QByteArray &msgid, qint64 timeMs)
{
    m_msgid = msgid;
    m_timeMs = timeMs;
}

QByteArray OutboundFrame::isoTime(qint64 timeMs)
{
    return QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
}

const QByteArray &OutboundFrame::bytesFor(Capability::Mask caps)
{
    const int index = ((caps & Capability::ServerTime) ? 1 : 0) | ((caps & Capability::MessageTags) ? 2 : 0)
                      | ((caps & Capability::AccountTag) && !m_account.isEmpty() ? 4 : 0);
    if (!m_built[index]) {
        m_built[index] = true;
        IrcMessage msg = m_message;
        if (index & 1) {
            // One timestamp for every receiver: it is when the server handled the message.
            if (m_timeMs < 0)
                m_timeMs = QDateTime::currentMSecsSinceEpoch();
            msg.setTag("time", isoTime(m_timeMs));
        }
        if (index & 2) {
            if (!m_msgid.isEmpty())
                msg.setTag("msgid", m_msgid);
            if (m_bot)
                msg.setTag("bot", {});
            msg.tags.append(m_clientTags);
        }
        if (index & 4)
            msg.setTag("account", m_account);
        // A message that cannot be serialised (it would carry CR, LF or NUL) is sent to no one.
        m_variants[index] = msg.serialize().value_or(QByteArray());
    }
    return m_variants[index];
}
