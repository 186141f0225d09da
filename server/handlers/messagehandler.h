#pragma once

#include "commandhandler.h"

#include <QByteArray>

class Hub;
class IrcMessage;
struct HubClient;

// Message relay: PRIVMSG, NOTICE and TAGMSG to channels and nicks, and AWAY.
class MessageHandler : public CommandHandler {
public:
    explicit MessageHandler(Hub &hub);

private:
    void relay(HubClient &client, const IrcMessage &msg);
    void away(HubClient &client, const IrcMessage &msg);
};
