// SPDX-License-Identifier: MIT
#pragma once

#include "protocol/ircmessage.h"

// What a worker hands the hub for each line it read: a parsed message, or why there is none.
// Errors travel the same queue as messages so that replies keep the order of the input.
struct InboundLine {
    // InvalidUtf8 keeps the parsed message, so the reply can name its command.
    enum class Error { None, TooLong, Malformed, InvalidUtf8 };
    IrcMessage message;
    Error error = Error::None;
    qsizetype size = 0;  // bytes on the wire, for the receive queue cap
    qint64 parsedNs = 0; // when its worker parsed it (LatencyHistogram::now()), for DeliveryStages
};
