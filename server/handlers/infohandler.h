// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"

#include <QByteArray>

class IrcMessage;
struct HubClient;

// What a client may ask about the server: VERSION, TIME, INFO, ADMIN, LINKS, STATS, LUSERS,
// HELP (HELPOP), and the ISUPPORT and LUSERS parts of the welcome burst; and WALLOPS, the
// operators' message to everyone with user mode +w.
class InfoHandler : public CommandHandler {
public:
    explicit InfoHandler(Hub &hub);

    void sendIsupport(HubClient &client);
    void sendLusers(HubClient &client);

    // The help text of a command ("" for the overview): its lines, empty if there is none.
    static QList<QByteArray> helpFor(const QByteArray &subject);

private:
    void version(HubClient &client, const IrcMessage &msg);
    void time(HubClient &client, const IrcMessage &msg);
    void info(HubClient &client, const IrcMessage &msg);
    void admin(HubClient &client, const IrcMessage &msg);
    void links(HubClient &client, const IrcMessage &msg);
    void stats(HubClient &client, const IrcMessage &msg);
    void help(HubClient &client, const IrcMessage &msg);
    void wallops(HubClient &client, const IrcMessage &msg);

    int m_maxUsers = 0; // the most registered users seen at once
    int m_maxLocal = 0; // of this node alone (in a cluster)
};
