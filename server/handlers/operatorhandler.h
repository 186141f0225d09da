// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"

class AccountService;
class Hub;
class IrcMessage;
struct HubClient;

// Authority: OPER (server operators), KILL, and the channel operator's KICK and INVITE. OPER's
// password is checked on the auth thread (`accounts`), as every password is.
class OperatorHandler : public CommandHandler {
public:
    OperatorHandler(Hub &hub, AccountService &accounts);

private:
    void oper(HubClient &client, const IrcMessage &msg);
    void kill(HubClient &client, const IrcMessage &msg);
    void kick(HubClient &client, const IrcMessage &msg);
    // CHGHOST <nick> <user> <host>: an operator sets someone's hostmask (a cloak, a vhost).
    void chghost(HubClient &client, const IrcMessage &msg);
    void invite(HubClient &client, const IrcMessage &msg);

    AccountService &m_accounts;
};
