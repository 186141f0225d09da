#pragma once

#include "chatevent.h"

#include <optional>

class IrcMessage;

// How a server's replies read to a person: WHOIS details, a channel's modes and age, the
// welcome burst, error numerics. A pure translation, one numeric in and at most one event out,
// for the replies that need nothing of the session's state; ClientSession handles the rest
// (registration, NAMES, topics, login).
namespace ServerReplies {

// The event a numeric reply shows as, or none for replies that are only bookkeeping.
std::optional<ChatEvent> describe(int code, const IrcMessage &msg);

// "45 s", "3 min 12 s", "2 h 5 min", "4 days 2 h": the two largest units.
QString humanDuration(qint64 seconds);
// A moment from the server (seconds since the epoch) in local time, as the user reads dates.
QString humanTime(qint64 secondsSinceEpoch);

} // namespace ServerReplies
