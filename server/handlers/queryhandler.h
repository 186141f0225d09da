#pragma once

#include "commandhandler.h"

#include <QByteArray>

class Hub;
class IrcMessage;
struct HubClient;

// Questions about users: WHO, WHOIS, WHOWAS, USERHOST, ISON.
class QueryHandler : public CommandHandler {
public:
    explicit QueryHandler(Hub &hub);

private:
    void who(HubClient &client, const IrcMessage &msg);
    void whois(HubClient &client, const IrcMessage &msg);
    void userhost(HubClient &client, const IrcMessage &msg);
    void ison(HubClient &client, const IrcMessage &msg);
    void whowas(HubClient &client, const IrcMessage &msg);
    void whoReply(HubClient &client, const HubClient &user, const QByteArray &channel, const QByteArray &prefix);
};
