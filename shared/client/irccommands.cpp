// SPDX-License-Identifier: MIT
#include "irccommands.h"

#include "ctcp.h"

namespace IrcCommands {
namespace {
QByteArray utf8(const QString &s) { return s.toUtf8(); }

// A command whose last parameter is text, written after " :" so that it may hold spaces.
IrcMessage withText(const QByteArray &command, QList<QByteArray> params)
{
    IrcMessage msg(command, std::move(params));
    msg.trailing = true;
    return msg;
}

QList<QByteArray> splitText(const QByteArray &text, qsizetype budget)
{
    QList<QByteArray> parts;
    qsizetype pos = 0;
    while (text.size() - pos > budget) {
        qsizetype cut = pos + budget;
        while (cut > pos && (uchar(text.at(cut)) & 0xc0) == 0x80)
            --cut;
        const qsizetype space = text.lastIndexOf(' ', cut);
        if (space > pos + budget / 2)
            cut = space + 1;
        parts.append(text.mid(pos, cut - pos));
        pos = cut;
    }
    parts.append(text.mid(pos));
    return parts;
}
} // namespace

QList<IrcMessage> privmsg(const QString &target, const QString &text)
{
    const QByteArray t = utf8(target);
    // 512 less CR LF, "PRIVMSG ", " :", and room for ":nick!user@host " (up to about 100 bytes).
    const qsizetype budget = std::max<qsizetype>(64, 400 - t.size());
    QList<IrcMessage> out;
    for (const QByteArray &part : splitText(utf8(text), budget))
        out.append(withText("PRIVMSG", {t, part}));
    return out;
}

IrcMessage action(const QString &target, const QString &text)
{
    return withText("PRIVMSG", {utf8(target), "\x01"
                                              "ACTION "
                                                  + utf8(text) + "\x01"});
}

IrcMessage notice(const QString &target, const QString &text) { return withText("NOTICE", {utf8(target), utf8(text)}); }

IrcMessage ctcp(const QString &target, const QString &command, const QString &args)
{
    return withText("PRIVMSG", {utf8(target), utf8(Ctcp::quote(command.toUpper(), args))});
}

IrcMessage ctcpReply(const QString &target, const QString &command, const QString &args)
{
    return withText("NOTICE", {utf8(target), utf8(Ctcp::quote(command.toUpper(), args))});
}

IrcMessage join(const QString &channel, const QString &key)
{
    IrcMessage msg("JOIN", {utf8(channel)});
    if (!key.isEmpty())
        msg.params.append(utf8(key));
    return msg;
}

IrcMessage part(const QString &channel, const QString &reason)
{
    return reason.isEmpty() ? IrcMessage("PART", {utf8(channel)}) : withText("PART", {utf8(channel), utf8(reason)});
}

IrcMessage topic(const QString &channel, const QString &text) { return withText("TOPIC", {utf8(channel), utf8(text)}); }

IrcMessage topicQuery(const QString &channel) { return IrcMessage("TOPIC", {utf8(channel)}); }

IrcMessage away(const QString &message)
{
    return message.isEmpty() ? IrcMessage("AWAY") : withText("AWAY", {utf8(message)});
}

IrcMessage nick(const QString &nick) { return IrcMessage("NICK", {utf8(nick)}); }

IrcMessage who(const QString &mask) { return IrcMessage("WHO", {utf8(mask)}); }

IrcMessage whois(const QString &nick) { return IrcMessage("WHOIS", {utf8(nick)}); }

IrcMessage names(const QString &channel) { return IrcMessage("NAMES", {utf8(channel)}); }

IrcMessage kick(const QString &channel, const QString &nick, const QString &reason)
{
    return withText("KICK", {utf8(channel), utf8(nick), utf8(reason)});
}

IrcMessage invite(const QString &nick, const QString &channel)
{
    return IrcMessage("INVITE", {utf8(nick), utf8(channel)});
}

IrcMessage mode(const QString &target, const QString &change)
{
    IrcMessage msg("MODE", {utf8(target)});
    for (const QString &word : change.split(u' ', Qt::SkipEmptyParts))
        msg.params.append(utf8(word));
    return msg;
}

IrcMessage oper(const QString &name, const QString &password) { return withText("OPER", {utf8(name), utf8(password)}); }

IrcMessage quit(const QString &reason) { return withText("QUIT", {utf8(reason)}); }

IrcMessage list() { return IrcMessage("LIST"); }

namespace {
QByteArray timestamp(const QDateTime &time)
{
    return "timestamp=" + time.toUTC().toString(Qt::ISODateWithMs).toLatin1();
}
} // namespace

IrcMessage historyLatest(const QString &target, int limit)
{
    return IrcMessage("CHATHISTORY", {"LATEST", utf8(target), "*", QByteArray::number(limit)});
}

IrcMessage historyBefore(const QString &target, const QString &msgid, const QDateTime &time, int limit)
{
    const QByteArray bound = msgid.isEmpty() ? timestamp(time) : "msgid=" + utf8(msgid);
    return IrcMessage("CHATHISTORY", {"BEFORE", utf8(target), bound, QByteArray::number(limit)});
}

IrcMessage search(const QString &target, const QString &words)
{
    return withText("SEARCH", {utf8(target), utf8(words)});
}

IrcMessage markRead(const QString &target, const QDateTime &time)
{
    return IrcMessage("MARKREAD", {utf8(target), timestamp(time)});
}

IrcMessage version() { return IrcMessage("VERSION"); }

IrcMessage registerAccount(const QString &password, bool draftRegistration)
{
    if (draftRegistration)
        return withText("REGISTER", {"*", "*", utf8(password)});
    return withText("PRIVMSG", {"NickServ", "REGISTER " + utf8(password)});
}

} // namespace IrcCommands
