#pragma once

#include "protocol/ircmessage.h"

// What a worker hands the hub for each line it read: a parsed message, or why there is none.
// Errors travel the same queue as messages so that replies keep the order of the input.
struct InboundLine {
    enum class Error { None, TooLong, Malformed };
    IrcMessage message;
    Error error = Error::None;
};
