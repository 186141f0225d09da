// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

// Nick and channel name rules and the server's case mapping. Confab uses CASEMAPPING=ascii:
// only A-Z fold to a-z. It is the mapping IRCv3 recommends and the only one whose meaning no
// two clients disagree about (rfc1459's "[]\~" folding is implemented inconsistently).
namespace IrcNames {
inline constexpr const char *CaseMapping = "ascii";
// Defaults; a server may configure shorter or longer names (up to MaxNameLen) and says so in
// ISUPPORT (NICKLEN, CHANNELLEN).
inline constexpr int NickLen = 30;
inline constexpr int ChannelLen = 50;
inline constexpr int MaxNameLen = 64;
inline constexpr int UserLen = 18;
inline constexpr int HostLen = 63;
inline constexpr int TopicLen = 390;
inline constexpr int AwayLen = 200;
inline constexpr char ChannelPrefix = '#';

QByteArray fold(QByteArrayView name);
bool equals(QByteArrayView a, QByteArrayView b);

// nick = ( letter / special ) *( letter / digit / special / "-" ), at most maxLen bytes.
bool isValidNick(QByteArrayView nick, int maxLen = NickLen);
// "#" followed by 1..maxLen-1 bytes, none of them NUL, BEL, CR, LF, space, comma or colon.
bool isValidChannel(QByteArrayView name, int maxLen = ChannelLen);
bool isChannel(QByteArrayView target);
// A glob mask match ('*' and '?'), case-insensitive under the case mapping.
bool matchesMask(QByteArrayView mask, QByteArrayView name);
} // namespace IrcNames
