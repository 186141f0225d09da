// SPDX-License-Identifier: MIT
#pragma once

#include "commandhandler.h"

#include <QByteArray>
#include <deque>

#include <QByteArray>

class Hub;
class IrcMessage;
struct HubClient;

// Questions about users: WHO, WHOIS, WHOWAS, USERHOST, ISON.
// Who is who: WHO, WHOIS, WHOWAS (a bounded memory of nicks that quit or changed), USERHOST, ISON.
class QueryHandler : public CommandHandler {
public:
    explicit QueryHandler(Hub &hub);

private:
    static bool sharesChannel(const HubClient &a, const HubClient &b);
    void who(HubClient &client, const IrcMessage &msg);
    void whois(HubClient &client, const IrcMessage &msg);
    void userhost(HubClient &client, const IrcMessage &msg);
    void ison(HubClient &client, const IrcMessage &msg);
    void whowas(HubClient &client, const IrcMessage &msg);
    void monitor(HubClient &client, const IrcMessage &msg);
    // 730 and 731 for these folded nicks, in lines that fit.
    void monitorStatus(HubClient &client, const QList<QByteArray> &nicks);
    void sendInLines(HubClient &client, int numeric, const QList<QByteArray> &items);
    struct WhoxRequest {
        QByteArray fields; // empty: a plain WHO (352)
        QByteArray token;
    };
    void whoReply(HubClient &client, const HubClient &user, const QByteArray &channel, const QByteArray &prefix,
                  const WhoxRequest &whox);
    // WHOWAS: who used a nick before, newest last, bounded.
    void remember(const HubClient &user, const QByteArray &nick);

    struct Former {
        QByteArray nick;
        QByteArray user;
        QByteArray host;
        QByteArray realname;
        qint64 leftAt = 0; // seconds since the epoch
    };
    static constexpr qsizetype MaxFormer = 2000;
    std::deque<Former> m_former;
};
