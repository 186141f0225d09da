// SPDX-License-Identifier: MIT
#pragma once

#include "chatevent.h"

#include <optional>

class IrcMessage;

// What a server's lines mean to a view: a message, someone joining, leaving or renamed, a
// topic, a mode change; WHOIS details, a channel's modes and age, the welcome burst, error
// numerics. A pure translation, one line in and at most one event out, given only our own nick;
// ClientSession adds what needs its state (registration, NAMES in several lines, CTCP answers,
// the channels to rejoin).
namespace ServerEvents {

// A PRIVMSG or NOTICE (with at least a target and a text), as a view sees it.
ChatMessage message(const IrcMessage &msg, const QString &ownNick);
// The event a command (not a numeric) is, or none for one that is not a view's business.
std::optional<ChatEvent> fromCommand(const IrcMessage &msg, const QString &ownNick);
// The event a numeric reply shows as, or none for replies that are only bookkeeping.
std::optional<ChatEvent> fromReply(int code, const IrcMessage &msg);

// "45 s", "3 min 12 s", "2 h 5 min", "4 days 2 h": the two largest units.
QString humanDuration(qint64 seconds);
// A moment from the server (seconds since the epoch) in local time, as the user reads dates.
QString humanTime(qint64 secondsSinceEpoch);

} // namespace ServerEvents
