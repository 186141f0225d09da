#pragma once

#include "commandhandler.h"

class ChannelHandler;
class Hub;
class IrcMessage;
struct HubClient;

// Connection registration and its neighbours: CAP, PASS, NICK, USER, QUIT, PING/PONG, MOTD,
// and the welcome burst that ends registration.
class RegistrationHandler : public CommandHandler {
public:
    // `channels` joins a newly registered client to the autojoin channel.
    RegistrationHandler(Hub &hub, ChannelHandler &channels);

    void sendMotd(HubClient &client);

private:
    void cap(HubClient &client, const IrcMessage &msg);
    void pass(HubClient &client, const IrcMessage &msg);
    void nick(HubClient &client, const IrcMessage &msg);
    void user(HubClient &client, const IrcMessage &msg);
    void quit(HubClient &client, const IrcMessage &msg);
    void ping(HubClient &client, const IrcMessage &msg);
    void tryComplete(HubClient &client);
    void welcome(HubClient &client);

    ChannelHandler &m_channels;
};
