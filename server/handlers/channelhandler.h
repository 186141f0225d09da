// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"

#include <QByteArray>

class HistoryHandler;
class Hub;
class IrcMessage;
struct HubChannel;
struct HubClient;

// Channel membership and channel state: JOIN (with keys, limits, bans and invitations), PART,
// TOPIC, NAMES, LIST. MODE is ModeHandler's, KICK and INVITE OperatorHandler's.
class ChannelHandler : public CommandHandler {
public:
    // `history` replays a channel's last lines to whoever joins it.
    ChannelHandler(Hub &hub, HistoryHandler &history);

    // Joins one channel by name, with every check and reply a JOIN command would get.
    void join(HubClient &client, const QByteArray &name, const QByteArray &key = {});
    void sendNames(HubClient &client, const HubChannel &channel);

private:
    void joinCommand(HubClient &client, const IrcMessage &msg);
    void announceJoin(HubClient &client, HubChannel &channel);
    void part(HubClient &client, const IrcMessage &msg);
    void topic(HubClient &client, const IrcMessage &msg);
    void names(HubClient &client, const IrcMessage &msg);
    void list(HubClient &client, const IrcMessage &msg);
    void sendTopic(HubClient &client, const HubChannel &channel, bool evenIfEmpty);

    HistoryHandler &m_history;
};
