// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/ircmessage.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

// The IRC commands a client sends, built as messages from typed arguments: a parameter with a
// space stays one parameter, and text that would break the line (CR, LF, NUL) is refused when the
// message is serialised. Both clients send through these; none formats a raw line by hand.
namespace IrcCommands {

// A PRIVMSG's text, split so that each line fits the 512-byte limit once the server prefixes it
// with our full hostmask, never inside a UTF-8 sequence and preferably at a space.
QList<IrcMessage> privmsg(const QString &target, const QString &text);
IrcMessage action(const QString &target, const QString &text);
IrcMessage notice(const QString &target, const QString &text);
// A CTCP request: "\x01COMMAND args\x01", the command upper-cased.
IrcMessage ctcp(const QString &target, const QString &command, const QString &args);
IrcMessage ctcpReply(const QString &target, const QString &command, const QString &args);
IrcMessage join(const QString &channel, const QString &key = {});
IrcMessage part(const QString &channel, const QString &reason = {});
// TOPIC with a text sets it (an empty text clears it); topicQuery asks for it.
IrcMessage topic(const QString &channel, const QString &text);
IrcMessage topicQuery(const QString &channel);
// AWAY with a message, or back with none.
IrcMessage away(const QString &message);
IrcMessage nick(const QString &nick);
IrcMessage who(const QString &mask);
IrcMessage whois(const QString &nick);
IrcMessage names(const QString &channel);
IrcMessage kick(const QString &channel, const QString &nick, const QString &reason);
IrcMessage invite(const QString &nick, const QString &channel);
// MODE target [modes [args...]]: `change` is as typed ("+o bob"), split at spaces.
IrcMessage mode(const QString &target, const QString &change = {});
IrcMessage oper(const QString &name, const QString &password);
IrcMessage quit(const QString &reason);
IrcMessage list();
// CHATHISTORY LATEST <target> * <limit>, and BEFORE the message with `msgid` (or, without one,
// before `time`).
IrcMessage historyLatest(const QString &target, int limit);
IrcMessage historyBefore(const QString &target, const QString &msgid, const QDateTime &time, int limit);
// SEARCH <target> :<words> (confab/search): the conversation's messages holding every word.
IrcMessage search(const QString &target, const QString &words);
// MARKREAD <target> timestamp=T: read up to T.
IrcMessage markRead(const QString &target, const QDateTime &time);
IrcMessage version();
// Registers the current nick as an account: REGISTER where the server offers
// draft/account-registration, else a message to NickServ.
IrcMessage registerAccount(const QString &password, bool draftRegistration);

} // namespace IrcCommands
