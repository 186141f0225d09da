// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"

#include <QByteArray>

class Hub;
class IrcMessage;
struct HubClient;

// Message relay: PRIVMSG, NOTICE and TAGMSG to channels (STATUSMSG included) and nicks; AWAY and
// SETNAME, told to those who asked for them.
class MessageHandler : public CommandHandler {
public:
    static constexpr int MaxRealNameBytes = 200;

    explicit MessageHandler(Hub &hub);

private:
    void relay(HubClient &client, const IrcMessage &msg);
    void away(HubClient &client, const IrcMessage &msg);
    void setName(HubClient &client, const IrcMessage &msg);
};
