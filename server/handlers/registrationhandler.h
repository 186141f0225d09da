// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"
#include "hub/capabilities.h"

#include <functional>

class ChannelHandler;
class InfoHandler;
class Hub;
class IrcMessage;
struct HubClient;

// Connection registration and its neighbours: CAP, PASS, NICK, USER, QUIT, PING/PONG, MOTD,
// and the welcome burst that ends registration.
class RegistrationHandler : public CommandHandler {
public:
    // `channels` joins a newly registered client to the autojoin channel; `info` gives the
    // welcome burst its ISUPPORT and LUSERS.
    RegistrationHandler(Hub &hub, ChannelHandler &channels, InfoHandler &info);

    void sendMotd(HubClient &client);
    // Ends registration if nothing it waits for is missing (NICK, USER, CAP END, a login being
    // checked).
    void tryComplete(HubClient &client);
    // Called on CAP END before registration ends (a SASL exchange still open is aborted).
    void onCapEnd(std::function<void(HubClient &)> fn) { m_capEnd = std::move(fn); }
    // Called when a registered client has a nick: at the end of registration, and after NICK.
    void onNickTaken(std::function<void(HubClient &)> fn) { m_nickTaken = std::move(fn); }

private:
    void cap(HubClient &client, const IrcMessage &msg);
    void pass(HubClient &client, const IrcMessage &msg);
    void nick(HubClient &client, const IrcMessage &msg);
    // The nick is the client's to take (alone, or confirmed by the cluster).
    void takeNick(HubClient &client, const QByteArray &wanted);
    void user(HubClient &client, const IrcMessage &msg);
    void quit(HubClient &client, const IrcMessage &msg);
    void ping(HubClient &client, const IrcMessage &msg);
    void welcome(HubClient &client);
    Capability::Mask offered() const;

    ChannelHandler &m_channels;
    InfoHandler &m_info;
    std::function<void(HubClient &)> m_capEnd;
    std::function<void(HubClient &)> m_nickTaken;
};
