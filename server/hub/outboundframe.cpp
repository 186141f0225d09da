#include "outboundframe.h"

#include <QDateTime>

OutboundFrame::OutboundFrame(IrcMessage message, QList<IrcTag> clientTags)
    : m_message(std::move(message))
    , m_clientTags(std::move(clientTags))
{
}

const QByteArray &OutboundFrame::bytesFor(Capability::Mask caps)
{
    const int index = ((caps & Capability::ServerTime) ? 1 : 0) | ((caps & Capability::MessageTags) ? 2 : 0);
    if (!m_built[index]) {
        m_built[index] = true;
        IrcMessage msg = m_message;
        if (index & 1) {
            // One timestamp for every receiver: it is when the server handled the message.
            if (m_time.isEmpty())
                m_time = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toLatin1();
            msg.setTag("time", m_time);
        }
        if (index & 2)
            msg.tags.append(m_clientTags);
        // A message that cannot be serialised (it would carry CR, LF or NUL) is sent to no one.
        m_variants[index] = msg.serialize().value_or(QByteArray());
    }
    return m_variants[index];
}
