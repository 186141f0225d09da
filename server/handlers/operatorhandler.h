#pragma once

#include "commandhandler.h"

class Hub;
class IrcMessage;
struct HubClient;

// Authority: OPER (server operators), KILL, and the channel operator's KICK and INVITE.
class OperatorHandler : public CommandHandler {
public:
    explicit OperatorHandler(Hub &hub);

private:
    void oper(HubClient &client, const IrcMessage &msg);
    void kill(HubClient &client, const IrcMessage &msg);
    void kick(HubClient &client, const IrcMessage &msg);
    void invite(HubClient &client, const IrcMessage &msg);
};
