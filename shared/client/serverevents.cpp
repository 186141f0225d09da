// SPDX-License-Identifier: MIT
#include "serverevents.h"

#include "protocol/ircmessage.h"
#include "protocol/numerics.h"
#include "text/irctext.h"

#include <QObject>

namespace ServerEvents {

QString humanDuration(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    const qint64 days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60, secs = seconds % 60;
    if (days > 0)
        return QObject::tr("%1 days %2 h").arg(days).arg(hours);
    if (hours > 0)
        return QObject::tr("%1 h %2 min").arg(hours).arg(minutes);
    if (minutes > 0)
        return QObject::tr("%1 min %2 s").arg(minutes).arg(secs);
    return QObject::tr("%1 s").arg(secs);
}

QString humanTime(qint64 secondsSinceEpoch)
{
    return QDateTime::fromSecsSinceEpoch(secondsSinceEpoch).toString(QStringLiteral("ddd d MMM yyyy HH:mm"));
}

namespace {
bool isChannel(const QString &target) { return target.startsWith(u'#') || target.startsWith(u'&'); }
} // namespace

ChatMessage message(const IrcMessage &msg, const QString &ownNick)
{
    ChatMessage m;
    const QByteArray time = msg.tag("time");
    m.time = time.isEmpty() ? QDateTime::currentDateTime()
                            : QDateTime::fromString(QString::fromLatin1(time), Qt::ISODateWithMs).toLocalTime();
    if (!m.time.isValid())
        m.time = QDateTime::currentDateTime();
    m.from = IrcText::decode(msg.sourceNick());
    m.target = IrcText::decode(msg.param(0));
    QByteArray text = msg.param(1);
    m.kind = msg.command == "NOTICE" ? ChatMessage::Kind::Notice : ChatMessage::Kind::Message;
    if (text.startsWith("\x01"
                        "ACTION ")
        || text
               == "\x01"
                  "ACTION\x01") {
        m.kind = ChatMessage::Kind::Action;
        text = text.mid(8);
        if (text.endsWith('\x01'))
            text.chop(1);
    }
    m.text = IrcText::decode(text);
    m.isOwn = !ownNick.isEmpty() && m.from.compare(ownNick, Qt::CaseInsensitive) == 0;
    m.isPrivate = !isChannel(m.target);
    m.isHighlight = !m.isOwn && !ownNick.isEmpty() && m.text.contains(ownNick, Qt::CaseInsensitive);
    m.msgid = QString::fromUtf8(msg.tag("msgid"));
    return m;
}

std::optional<ChatEvent> fromCommand(const IrcMessage &msg, const QString &ownNick)
{
    using T = ChatEvent::Type;
    const QByteArray &cmd = msg.command;
    const QString from = IrcText::decode(msg.sourceNick());
    const auto isOwn = [&ownNick](const QString &nick) {
        return !ownNick.isEmpty() && nick.compare(ownNick, Qt::CaseInsensitive) == 0;
    };
    const auto param = [&msg](qsizetype i) { return IrcText::decode(msg.param(int(i))); };
    if ((cmd == "PRIVMSG" || cmd == "NOTICE") && msg.params.size() >= 2) {
        const ChatMessage m = message(msg, ownNick);
        ChatEvent ev = ChatEvent::make(T::Message, m.text, m.from, m.target, m.isOwn);
        ev.time = m.time;
        ev.message = m;
        return ev;
    }
    if (cmd == "JOIN")
        return ChatEvent::make(T::Join, {}, from, param(0), isOwn(from));
    if (cmd == "PART")
        return ChatEvent::make(T::Part, param(1), from, param(0), isOwn(from));
    if (cmd == "KICK") {
        ChatEvent ev = ChatEvent::make(T::Kick, param(2), param(1), param(0), isOwn(param(1)));
        ev.list = QStringList {from};
        return ev;
    }
    if (cmd == "QUIT")
        return ChatEvent::make(T::Quit, param(0), from, {}, isOwn(from));
    if (cmd == "NICK")
        return ChatEvent::make(T::Nick, param(0), from, {}, isOwn(from));
    if (cmd == "TOPIC")
        return ChatEvent::make(T::Topic, param(1), from, param(0));
    if (cmd == "AWAY")
        return ChatEvent::make(T::Away, param(0), from, {}, isOwn(from));
    if (cmd == "INVITE")
        return ChatEvent::make(T::Info, QObject::tr("%1 invites you to %2 (/join %2)").arg(from, param(1)));
    if (cmd == "MODE" && msg.params.size() >= 2) {
        ChatEvent ev = ChatEvent::make(T::Mode, {}, from, param(0), isOwn(from));
        for (qsizetype i = 1; i < msg.params.size(); ++i)
            ev.list.append(param(i));
        ev.text = ev.list.join(u' ');
        return ev;
    }
    if (cmd == "MARKREAD" && msg.params.size() >= 2) {
        // MARKREAD <target> timestamp=T, or * for nothing read yet.
        ChatEvent ev = ChatEvent::make(T::ReadMarker, {}, {}, param(0));
        if (msg.param(1).startsWith("timestamp="))
            ev.stamp = QDateTime::fromString(QString::fromLatin1(msg.param(1).mid(10)), Qt::ISODateWithMs);
        return ev;
    }
    if (cmd == "REGISTER" && msg.param(0) == "SUCCESS")
        return ChatEvent::make(
            T::Info, QObject::tr("Account %1 registered; log in with it next time: confab --account %1").arg(param(1)));
    if (cmd == "FAIL" && msg.params.size() >= 3) {
        // IRCv3 standard replies: FAIL <command> <code> [context...] :<description>
        return ChatEvent::make(T::Error,
                               QObject::tr("%1 refused: %2").arg(param(0), IrcText::decode(msg.params.last())));
    }
    return std::nullopt;
}

std::optional<ChatEvent> fromReply(int code, const IrcMessage &msg)
{
    using T = ChatEvent::Type;
    const auto text = [&msg] { return IrcText::decode(msg.params.isEmpty() ? QByteArray() : msg.params.last()); };
    const auto param = [&msg](qsizetype i) { return IrcText::decode(msg.param(int(i))); };
    const auto info = [](const QString &s) { return ChatEvent::make(T::Info, s); };
    switch (code) {
    case Numeric::RPL_MYINFO:
    case Numeric::RPL_TOPICWHOTIME:
    case Numeric::RPL_ENDOFWHOIS:
    case Numeric::ERR_SASLALREADY:
    case Numeric::RPL_SASLMECHS:
        return std::nullopt; // bookkeeping, or said by the reply that follows
    case Numeric::RPL_ISUPPORT: {
        // "<me> TOKEN[=VALUE]... :are supported by this server"
        ChatEvent ev = ChatEvent::make(T::Support, {});
        for (qsizetype i = 1; i + 1 < msg.params.size(); ++i)
            ev.list.append(param(i));
        return ev;
    }
    case Numeric::RPL_CHANNELMODEIS: {
        // <me> <channel> <modes> [args...]
        QStringList modes;
        for (qsizetype i = 2; i < msg.params.size(); ++i)
            modes.append(param(i));
        return info(QObject::tr("%1 modes: %2").arg(param(1), modes.join(u' ')));
    }
    case Numeric::RPL_CREATIONTIME:
        return info(QObject::tr("%1 was made %2").arg(param(1), humanTime(param(2).toLongLong())));
    case Numeric::RPL_WHOISUSER:
        return info(QObject::tr("%1 is %2@%3 (%4)").arg(param(1), param(2), param(3), text()));
    case Numeric::RPL_WHOISSERVER:
        return info(QObject::tr("%1 is on server %2 (%3)").arg(param(1), param(2), text()));
    case Numeric::RPL_WHOISIDLE:
        // <me> <nick> <idle seconds> <signon> :seconds idle, signon time
        return info(QObject::tr("%1 has been idle %2, and connected %3")
                        .arg(param(1), humanDuration(param(2).toLongLong()), humanTime(param(3).toLongLong())));
    case Numeric::RPL_WHOISCHANNELS:
        return info(QObject::tr("%1 is on %2").arg(param(1), text()));
    case Numeric::RPL_WHOISACCOUNT:
        return info(QObject::tr("%1 is logged in as %2").arg(param(1), param(2)));
    case Numeric::RPL_AWAY:
        return info(QObject::tr("%1 is away: %2").arg(param(1), text()));
    case Numeric::RPL_WHOREPLY:
        // <me> <channel> <user> <host> <server> <nick> <flags> :<hops> <realname>
        return ChatEvent::make(T::Who, QStringLiteral("(%1@%2) %3").arg(param(2), param(3), text().section(u' ', 1)),
                               param(5), param(1));
    case Numeric::RPL_LISTSTART:
        return std::nullopt;
    case Numeric::RPL_LIST: {
        // <me> <channel> <visible users> :<topic>
        ChatEvent ev = ChatEvent::make(T::ChannelListed, text(), {}, param(1));
        ev.count = param(2).toInt();
        return ev;
    }
    case Numeric::RPL_LISTEND:
        return info(QObject::tr("End of /list"));
    case Numeric::RPL_ENDOFWHO:
        return info(QObject::tr("End of /who %1").arg(param(1)));
    default:
        break;
    }
    if (code >= 400 && code < 600 && code != Numeric::ERR_NOMOTD) {
        // "<me> <thing> :<explanation>" reads best as "<thing>: <explanation>".
        const QString subject = msg.params.size() > 2 ? param(1) : QString();
        return ChatEvent::make(T::Error, subject.isEmpty() ? text() : subject + QStringLiteral(": ") + text());
    }
    // Everything after our nick: "254 me 3 :channels formed" reads "3 channels formed".
    QStringList words;
    // 265/266 repeat their numbers in the text; elsewhere the middle parameters matter.
    const bool textOnly = code == Numeric::RPL_LOCALUSERS || code == Numeric::RPL_GLOBALUSERS;
    for (qsizetype i = textOnly ? msg.params.size() - 1 : 1; i < msg.params.size(); ++i)
        words.append(param(i));
    const bool welcome = code < 100 || (code >= 250 && code <= 266) || code == Numeric::RPL_MOTDSTART
                         || code == Numeric::RPL_MOTD || code == Numeric::RPL_ENDOFMOTD || code == Numeric::ERR_NOMOTD;
    return ChatEvent::make(welcome ? T::Server : T::Info, words.join(u' '));
}

} // namespace ServerEvents
