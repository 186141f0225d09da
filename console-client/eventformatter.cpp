// SPDX-License-Identifier: MIT
#include "eventformatter.h"

#include "text/irctext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <iterator>

namespace EventFormatter {

QString Line::text() const
{
    QString out = time;
    if (!marker.isEmpty())
        out += u' ' + marker;
    if (!body.isEmpty())
        out += u' ' + body;
    return out;
}

QList<ChatEvent> historyMessages(const ChatEvent &history)
{
    QList<ChatEvent> out;
    for (const ChatMessage &m : history.messages) {
        ChatEvent ev = ChatEvent::make(ChatEvent::Type::Message, m.text, m.from, m.target, m.isOwn);
        ev.session = history.session;
        ev.time = m.time;
        ev.message = m;
        ev.message.isHighlight = false; // old news
        out.append(ev);
    }
    return out;
}

Line format(const ChatEvent &ev, const QString &current, IrcText::Style style)
{
    using T = ChatEvent::Type;
    auto safe = [style](const QString &s) { return IrcText::sanitize(s, style); };
    Line line;
    line.time = ev.time.toLocalTime().toString(QStringLiteral("[HH:mm]"));
    const QString nick = safe(ev.nick);
    const QString channel = safe(ev.channel);
    const bool elsewhere = !channel.isEmpty() && channel.compare(current, Qt::CaseInsensitive) != 0;
    const QString where = elsewhere ? channel + u' ' : QString();
    switch (ev.type) {
    case T::Message: {
        const ChatMessage &m = ev.message;
        const QString text = safe(m.text);
        for (IrcText::Span span : IrcText::spans(m.text)) {
            span.text = safe(span.text);
            line.bodySpans.append(span);
        }
        line.nick = nick;
        line.isHighlight = m.isHighlight;
        // In the private chat's own window it reads as a channel does.
        const bool inItsWindow = m.isPrivate && !current.isEmpty()
                                 && current.compare(m.isOwn ? m.target : m.from, Qt::CaseInsensitive) == 0;
        if (inItsWindow && m.kind != ChatMessage::Kind::Notice) {
            line.marker = m.kind == ChatMessage::Kind::Action ? QStringLiteral("*") : u'<' + nick + u'>';
            line.body = m.kind == ChatMessage::Kind::Action ? nick + u' ' + text : text;
            if (m.kind == ChatMessage::Kind::Action)
                line.bodySpans.prepend(IrcText::Span {nick + u' ', {}});
        } else if (m.kind == ChatMessage::Kind::Action) {
            // A private one is marked as private messages are, never shown as if said in a channel.
            if (m.isPrivate)
                line.marker = m.isOwn ? QStringLiteral("-> %1: *").arg(channel) : QStringLiteral("<- %1: *").arg(nick);
            else
                line.marker = where + u'*';
            line.body = nick + u' ' + text;
            line.bodySpans.prepend(IrcText::Span {nick + u' ', {}});
        } else if (m.kind == ChatMessage::Kind::Notice) {
            line.marker = (m.isPrivate ? QString() : where) + u'-' + nick + u'-';
            line.body = text;
        } else if (m.isPrivate) {
            if (m.isOwn) {
                line.marker = QStringLiteral("-> %1:").arg(channel);
                line.nick = channel;
            } else {
                line.marker = QStringLiteral("<- %1:").arg(nick);
            }
            line.body = text;
        } else {
            line.marker = where + u'<' + nick + u'>';
            line.body = text;
        }
        break;
    }
    case T::Join:
        line.marker = QStringLiteral("-->");
        line.body = QStringLiteral("%1 joined %2").arg(nick, channel);
        line.isQuiet = true;
        break;
    case T::Part:
        line.marker = QStringLiteral("<--");
        line.body = QStringLiteral("%1 left %2").arg(nick, channel);
        if (!ev.text.isEmpty())
            line.body += QStringLiteral(" (%1)").arg(safe(ev.text));
        line.isQuiet = true;
        break;
    case T::Kick:
        line.marker = QStringLiteral("<--");
        line.body = QStringLiteral("%1 was kicked from %2 by %3").arg(nick, channel, safe(ev.list.value(0)));
        if (!ev.text.isEmpty())
            line.body += QStringLiteral(" (%1)").arg(safe(ev.text));
        line.isQuiet = !ev.own;
        line.isError = ev.own;
        break;
    case T::Mode:
        line.marker = QStringLiteral("---");
        line.body = QStringLiteral("%1 sets mode %2 on %3").arg(nick, safe(ev.text), channel);
        line.isQuiet = true;
        break;
    case T::Quit:
        line.marker = QStringLiteral("<--");
        line.body = QStringLiteral("%1 quit (%2)").arg(nick, safe(ev.text));
        line.isQuiet = true;
        break;
    case T::Nick:
        line.marker = QStringLiteral("---");
        line.body = QStringLiteral("%1 is now known as %2").arg(nick, safe(ev.text));
        break;
    case T::Topic:
        if (ev.text.isEmpty() && ev.nick.isEmpty()) {
            line.skip = true; // "no topic", said only when /topic asked
            break;
        }
        line.marker = QStringLiteral("---");
        line.body = nick.isEmpty() ? (where.isEmpty() ? QStringLiteral("Topic: %1").arg(safe(ev.text))
                                                      : QStringLiteral("Topic of %1: %2").arg(channel, safe(ev.text)))
                                   : QStringLiteral("%1 set the topic of %2: %3").arg(nick, channel, safe(ev.text));
        break;
    case T::Away:
        line.marker = QStringLiteral("---");
        line.body = ev.text.isEmpty() ? QStringLiteral("%1 is back").arg(nick)
                                      : QStringLiteral("%1 is away: %2").arg(nick, safe(ev.text));
        line.isQuiet = true;
        break;
    case T::Who:
        line.marker = QStringLiteral("---");
        line.nick = nick;
        line.body = QStringLiteral("%1 %2").arg(nick, safe(ev.text));
        break;
    case T::Info:
    case T::Server:
    case T::Connection:
        line.marker = QStringLiteral("---");
        line.body = safe(ev.text);
        line.isQuiet = true;
        break;
    case T::NickList: {
        const QString count
            = ev.list.size() == 1 ? QStringLiteral("1 user") : QStringLiteral("%1 users").arg(ev.list.size());
        line.marker = QStringLiteral("---");
        line.body = QStringLiteral("%1 (%2): %3").arg(channel, count, safe(ev.list.join(u' ')));
        line.isQuiet = true;
        break;
    }
    case T::ChannelListed:
        line.marker = QStringLiteral("---");
        line.nick = channel;
        line.body = QStringLiteral("%1 %2 %3").arg(channel, -16).arg(ev.count, 4).arg(safe(ev.text));
        break;
    case T::Names:
    case T::State:
    case T::Support:
    case T::History: // each view lays its messages out itself (historyMessages)
    case T::ReadMarker:
        line.skip = true;
        break;
    case T::Error:
        line.marker = QStringLiteral("!!!");
        line.body = safe(ev.text);
        line.isError = true;
        break;
    }
    return line;
}

QByteArray toJson(const ChatEvent &ev)
{
    using T = ChatEvent::Type;
    static const char *const names[]
        = {"message",    "join",  "part",    "kick",   "quit",     "nick",    "topic",
           "names",      "mode",  "away",    "who",    "info",     "server",  "error",
           "connection", "state", "support", "listed", "nicklist", "history", "readmarker"};
    static_assert(std::size(names) == size_t(T::ReadMarker) + 1, "every event type has its JSON name");
    QJsonObject o;
    o.insert(QStringLiteral("type"), QString::fromLatin1(names[int(ev.type)]));
    o.insert(QStringLiteral("time"), ev.time.toUTC().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("session"), ev.session);
    const auto messageJson = [](const ChatMessage &m) {
        static const char *const kinds[] = {"privmsg", "action", "notice"};
        QJsonObject o;
        o.insert(QStringLiteral("kind"), QString::fromLatin1(kinds[int(m.kind)]));
        o.insert(QStringLiteral("from"), m.from);
        o.insert(QStringLiteral("target"), m.target);
        o.insert(QStringLiteral("text"), m.text);
        o.insert(QStringLiteral("private"), m.isPrivate);
        o.insert(QStringLiteral("own"), m.isOwn);
        if (!m.msgid.isEmpty())
            o.insert(QStringLiteral("msgid"), m.msgid);
        return o;
    };
    if (ev.type == T::Message) {
        const QJsonObject m = messageJson(ev.message);
        for (auto it = m.begin(); it != m.end(); ++it)
            o.insert(it.key(), it.value());
    } else if (ev.type == T::History) {
        o.insert(QStringLiteral("channel"), ev.channel);
        QJsonArray messages;
        for (const ChatMessage &m : ev.messages) {
            QJsonObject one = messageJson(m);
            one.insert(QStringLiteral("time"), m.time.toUTC().toString(Qt::ISODateWithMs));
            messages.append(one);
        }
        o.insert(QStringLiteral("messages"), messages);
    } else {
        if (ev.type == T::ReadMarker)
            o.insert(QStringLiteral("read_until"),
                     ev.stamp.isValid() ? ev.stamp.toUTC().toString(Qt::ISODateWithMs) : QString());
        if (!ev.nick.isEmpty())
            o.insert(QStringLiteral("nick"), ev.nick);
        if (!ev.channel.isEmpty())
            o.insert(QStringLiteral("channel"), ev.channel);
        if (!ev.text.isEmpty())
            o.insert(QStringLiteral("text"), ev.text);
        if (ev.own)
            o.insert(QStringLiteral("own"), true);
        if (ev.type == T::Names || ev.type == T::NickList)
            o.insert(QStringLiteral("names"), QJsonArray::fromStringList(ev.list));
        if (ev.type == T::Mode)
            o.insert(QStringLiteral("modes"), QJsonArray::fromStringList(ev.list));
        if (ev.type == T::Kick)
            o.insert(QStringLiteral("by"), ev.list.value(0));
        if (ev.type == T::ChannelListed)
            o.insert(QStringLiteral("users"), ev.count);
        if (ev.type == T::State)
            o.insert(QStringLiteral("state"), sessionStateName(ev.state));
    }
    const QByteArray json = QJsonDocument(o).toJson(QJsonDocument::Compact);
    // QJsonDocument escapes C0 controls but writes DEL and C1 controls (U+0080-U+009F) as they
    // are; some terminals act on those, so escape them too. The text stays exact for jq.
    QByteArray out;
    out.reserve(json.size());
    for (qsizetype i = 0; i < json.size(); ++i) {
        const uchar c = uchar(json.at(i));
        if (c == 0x7f) {
            out += "\\u007f";
        } else if (c == 0xc2 && i + 1 < json.size() && uchar(json.at(i + 1)) >= 0x80 && uchar(json.at(i + 1)) < 0xa0) {
            out += "\\u00" + QByteArray::number(uchar(json.at(i + 1)), 16);
            ++i;
        } else {
            out += char(c);
        }
    }
    return out;
}

} // namespace EventFormatter
