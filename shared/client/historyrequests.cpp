// SPDX-License-Identifier: MIT
#include "historyrequests.h"

#include "serverevents.h"

#include "protocol/ircmessage.h"
#include "text/irctext.h"

void HistoryRequests::reset()
{
    m_batches.clear();
    m_asked.clear();
    m_markers.clear();
}

void HistoryRequests::asked(const QString &target, const QString &kind) { m_asked[target.toLower()].append(kind); }

std::optional<ChatEvent> HistoryRequests::batch(const IrcMessage &msg)
{
    const QByteArray name = msg.param(0);
    if (name.startsWith('+') && name.size() > 1) {
        m_batches.insert(name.mid(1), Batch {msg.param(1), IrcText::decode(msg.param(2)), {}});
        return std::nullopt;
    }
    if (!name.startsWith('-'))
        return std::nullopt;
    const Batch batch = m_batches.take(name.mid(1));
    if (!isHistory(batch.type))
        return std::nullopt;
    // A search batch says what it is; history answers the oldest request for its target.
    QString kind = QStringLiteral("search");
    if (batch.type == "chathistory") {
        QStringList &asked = m_asked[batch.target.toLower()];
        kind = asked.isEmpty() ? QStringLiteral("latest") : asked.takeFirst();
    }
    ChatEvent ev = ChatEvent::make(ChatEvent::Type::History, kind, {}, batch.target);
    ev.messages = batch.messages;
    ev.count = int(batch.messages.size());
    return ev;
}

bool HistoryRequests::take(const IrcMessage &msg, const QString &ownNick)
{
    const QByteArray ref = msg.tag("batch");
    const auto it = ref.isEmpty() ? m_batches.end() : m_batches.find(ref);
    if (it == m_batches.end() || !isHistory(it->type))
        return false;
    // Messages are gathered and shown together when the batch ends; other events (without
    // draft/event-playback there are none) are not news.
    if ((msg.command == "PRIVMSG" || msg.command == "NOTICE") && msg.params.size() >= 2) {
        const ChatMessage m = ServerEvents::message(msg, ownNick);
        if (!m.text.startsWith(QChar(1)))
            it->messages.append(m);
    }
    return true;
}

void HistoryRequests::noteMarker(const QString &target, const QDateTime &time)
{
    QDateTime &known = m_markers[target.toLower()];
    if (time.isValid() && (!known.isValid() || time > known))
        known = time;
}

bool HistoryRequests::advanceMarker(const QString &target, const QDateTime &time)
{
    QDateTime &known = m_markers[target.toLower()];
    if (!time.isValid() || (known.isValid() && time <= known))
        return false;
    known = time;
    return true;
}
