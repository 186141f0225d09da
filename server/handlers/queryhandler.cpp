// SPDX-License-Identifier: MIT
#include "queryhandler.h"

#include "config/serverconfig.h"
#include "hub/hub.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"

#include <QDateTime>

QueryHandler::QueryHandler(Hub &hub)
    : CommandHandler(hub)
{
    using namespace std::placeholders;
    hub.addCommand("WHO", 0, true, std::bind(&QueryHandler::who, this, _1, _2));
    hub.addCommand("WHOIS", 1, true, std::bind(&QueryHandler::whois, this, _1, _2));
    hub.addCommand("USERHOST", 1, true, std::bind(&QueryHandler::userhost, this, _1, _2));
    hub.addCommand("ISON", 1, true, std::bind(&QueryHandler::ison, this, _1, _2));
    hub.addCommand("WHOWAS", 0, true, std::bind(&QueryHandler::whowas, this, _1, _2));
    hub.addCommand("MONITOR", 1, true, std::bind(&QueryHandler::monitor, this, _1, _2));
    hub.onClientGone([this](HubClient &client) {
        if (client.registered)
            remember(client, client.nick);
    });
    hub.onNickChanged([this](HubClient &client, const QByteArray &oldNick) { remember(client, oldNick); });
}

void QueryHandler::sendInLines(HubClient &client, int numeric, const QList<QByteArray> &items)
{
    QByteArray line;
    for (const QByteArray &item : items) {
        if (!line.isEmpty() && line.size() + 1 + item.size() > 400) {
            m_hub.reply(client, numeric, {line});
            line.clear();
        }
        if (!line.isEmpty())
            line += ',';
        line += item;
    }
    if (!line.isEmpty())
        m_hub.reply(client, numeric, {line});
}

void QueryHandler::monitorStatus(HubClient &client, const QList<QByteArray> &nicks)
{
    QList<QByteArray> online, offline;
    for (const QByteArray &nick : nicks) {
        const HubClient *user = m_hub.findNick(nick);
        if (user && user->registered)
            online.append(user->prefix);
        else
            offline.append(nick);
    }
    sendInLines(client, Numeric::RPL_MONONLINE, online);
    sendInLines(client, Numeric::RPL_MONOFFLINE, offline);
}

void QueryHandler::monitor(HubClient &client, const IrcMessage &msg)
{
    const QByteArray sub = msg.params.at(0);
    QList<QByteArray> targets;
    for (const QByteArray &t : msg.param(1).split(','))
        if (!t.isEmpty())
            targets.append(t);
    if ((sub == "+" || sub == "-") && targets.isEmpty()) {
        m_hub.reply(client, Numeric::ERR_NEEDMOREPARAMS, {"MONITOR", "Not enough parameters"});
        return;
    }
    if (sub == "+") {
        QList<QByteArray> added;
        for (qsizetype i = 0; i < targets.size(); ++i) {
            const QByteArray &nick = targets.at(i);
            if (!IrcNames::isValidNick(nick, IrcNames::MaxNameLen))
                continue;
            if (!client.monitoring.contains(IrcNames::fold(nick)) && client.monitoring.size() >= Hub::MonitorLimit) {
                m_hub.reply(client, Numeric::ERR_MONLISTFULL,
                            {QByteArray::number(Hub::MonitorLimit), targets.mid(i).join(','), "Monitor list is full."});
                break;
            }
            m_hub.monitorAdd(client, nick);
            added.append(nick);
        }
        monitorStatus(client, added);
    } else if (sub == "-") {
        for (const QByteArray &nick : targets)
            m_hub.monitorRemove(client, nick);
    } else if (sub == "C" || sub == "c") {
        m_hub.monitorClear(client);
    } else if (sub == "L" || sub == "l") {
        QList<QByteArray> nicks(client.monitoring.begin(), client.monitoring.end());
        std::sort(nicks.begin(), nicks.end());
        sendInLines(client, Numeric::RPL_MONLIST, nicks);
        m_hub.reply(client, Numeric::RPL_ENDOFMONLIST, {"End of MONITOR list"});
    } else if (sub == "S" || sub == "s") {
        QList<QByteArray> nicks(client.monitoring.begin(), client.monitoring.end());
        std::sort(nicks.begin(), nicks.end());
        monitorStatus(client, nicks);
    }
}

void QueryHandler::remember(const HubClient &user, const QByteArray &nick)
{
    m_former.push_back({nick, user.user, user.host, user.realname, QDateTime::currentSecsSinceEpoch()});
    if (qsizetype(m_former.size()) > MaxFormer)
        m_former.pop_front();
}

void QueryHandler::whoReply(HubClient &client, const HubClient &user, const QByteArray &channel,
                            const QByteArray &prefix, const WhoxRequest &whox)
{
    const QByteArray flags = (user.away.isEmpty() ? "H" : "G") + QByteArray(user.isOper() ? "*" : "") + prefix
                             + QByteArray(user.bot ? "B" : "");
    if (whox.fields.isEmpty()) {
        m_hub.reply(client, Numeric::RPL_WHOREPLY,
                    {channel, user.user, user.host, m_hub.config().name, user.nick, flags, "0 " + user.realname});
        return;
    }
    // WHOX: the asked fields, always in this order, the real name last (it may hold spaces).
    QList<QByteArray> params;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (char field : QByteArrayView("tcuihsnfdlaor")) {
        if (!whox.fields.contains(field))
            continue;
        switch (field) {
        case 't':
            params.append(whox.token.isEmpty() ? QByteArray("0") : whox.token);
            break;
        case 'c':
            params.append(channel);
            break;
        case 'u':
            params.append(user.user);
            break;
        case 'i': // a changed host hides the address from everyone but operators and its user
            params.append(user.hostHidden() && !client.isOper() && &user != &client ? QByteArray("255.255.255.255")
                                                                                    : user.address);
            break;
        case 'h':
            params.append(user.host);
            break;
        case 's':
            params.append(m_hub.config().name);
            break;
        case 'n':
            params.append(user.nick);
            break;
        case 'f':
            params.append(flags);
            break;
        case 'd':
            params.append("0");
            break;
        case 'l':
            params.append(QByteArray::number(user.lastMessageMs ? (now - user.lastMessageMs) / 1000 : 0));
            break;
        case 'a':
            params.append(user.account.isEmpty() ? QByteArray("0") : user.account);
            break;
        case 'o':
            params.append("n/a");
            break;
        case 'r':
            params.append(user.realname);
            break;
        }
    }
    IrcMessage reply(Numeric::code(Numeric::RPL_WHOSPCRPL), params, m_hub.config().name);
    reply.params.prepend(client.displayNick());
    reply.trailing = whox.fields.contains('r');
    m_hub.send(client, std::move(reply));
}

bool QueryHandler::sharesChannel(const HubClient &a, const HubClient &b)
{
    for (const HubChannel *channel : a.channels)
        if (channel->contains(&b))
            return true;
    return false;
}

void QueryHandler::who(HubClient &client, const IrcMessage &msg)
{
    QByteArray mask = msg.param(0);
    if (mask.isEmpty() || mask == "0")
        mask = "*";
    const bool multiPrefix = client.caps & Capability::MultiPrefix;
    // WHOX: "%fields[,token]" as the second parameter.
    WhoxRequest whox;
    if (msg.param(1).startsWith('%')) {
        const QByteArray spec = msg.param(1).mid(1);
        const qsizetype comma = spec.indexOf(',');
        whox.fields = comma < 0 ? spec : spec.left(comma);
        if (comma >= 0)
            whox.token = spec.mid(comma + 1).left(3);
        if (whox.fields.isEmpty())
            whox.fields = "n"; // "%" alone: the nick, as other servers do
    }
    // Invisible users (+i) are shown only to those who share a channel with them.
    if (IrcNames::isChannel(mask)) {
        const HubChannel *channel = m_hub.findChannel(mask);
        if (channel && (!channel->isHidden() || channel->contains(&client))) {
            const bool member = channel->contains(&client);
            for (const HubChannel::Member &m : channel->members)
                if (member || !m.client->invisible)
                    whoReply(client, *m.client, channel->name, m.prefix(multiPrefix), whox);
        }
    } else {
        for (const HubClient *user : m_hub.registeredClients()) {
            if (user->invisible && user != &client && !sharesChannel(client, *user))
                continue;
            if (IrcNames::matchesMask(mask, user->nick)) {
                // The first channel of theirs the asker may see.
                const HubChannel *shared = nullptr;
                for (const HubChannel *ch : user->channels)
                    if (!ch->isHidden() || ch->contains(&client)) {
                        shared = ch;
                        break;
                    }
                whoReply(client, *user, shared ? shared->name : QByteArray("*"),
                         shared ? shared->members.at(shared->indexOf(user)).prefix(multiPrefix) : QByteArray(), whox);
            }
        }
    }
    m_hub.reply(client, Numeric::RPL_ENDOFWHO, {mask, "End of /WHO list"});
}

void QueryHandler::whois(HubClient &client, const IrcMessage &msg)
{
    // "WHOIS server nick" and "WHOIS nick nick" both name the nick last.
    const QByteArray nicks = msg.params.size() > 1 ? msg.params.at(1) : msg.params.at(0);
    if (nicks.isEmpty()) {
        m_hub.reply(client, Numeric::ERR_NONICKNAMEGIVEN, {"No nickname given"});
        return;
    }
    const QByteArray nick = nicks.split(',').first();
    const HubClient *user = m_hub.findNick(nick);
    if (!user || !user->registered) {
        m_hub.reply(client, Numeric::ERR_NOSUCHNICK, {nick, "No such nick/channel"});
        m_hub.reply(client, Numeric::RPL_ENDOFWHOIS, {nick, "End of /WHOIS list"});
        return;
    }
    const ServerConfig &config = m_hub.config();
    m_hub.reply(client, Numeric::RPL_WHOISUSER, {user->nick, user->user, user->host, "*", user->realname});
    QByteArray list;
    for (const HubChannel *ch : user->channels) {
        if (ch->isHidden() && !ch->contains(&client))
            continue; // a secret channel is not told to outsiders
        if (!list.isEmpty())
            list += ' ';
        list += ch->members.at(ch->indexOf(user)).prefix(client.caps & Capability::MultiPrefix) + ch->name;
    }
    if (!list.isEmpty())
        m_hub.reply(client, Numeric::RPL_WHOISCHANNELS, {user->nick, list});
    m_hub.reply(client, Numeric::RPL_WHOISSERVER, {user->nick, config.name, config.network + " server"});
    if (!user->account.isEmpty())
        m_hub.reply(client, Numeric::RPL_WHOISACCOUNT, {user->nick, user->account, "is logged in as"});
    if (user->bot)
        m_hub.reply(client, Numeric::RPL_WHOISBOT, {user->nick, "is a bot on " + m_hub.config().network});
    if (user->isOper())
        m_hub.reply(client, Numeric::RPL_WHOISOPERATOR, {user->nick, "is an IRC operator"});
    // The address behind a changed host, to operators and to the user alone.
    if (user->hostHidden() && (client.isOper() || user == &client))
        m_hub.reply(client, Numeric::RPL_WHOISHOST,
                    {user->nick, "is connecting from *@" + user->address + ' ' + user->address});
    if (!user->away.isEmpty())
        m_hub.reply(client, Numeric::RPL_AWAY, {user->nick, user->away});
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 idle = user->lastMessageMs ? (now - user->lastMessageMs) / 1000 : now / 1000 - user->signonTime;
    m_hub.reply(
        client, Numeric::RPL_WHOISIDLE,
        {user->nick, QByteArray::number(idle), QByteArray::number(user->signonTime), "seconds idle, signon time"});
    m_hub.reply(client, Numeric::RPL_ENDOFWHOIS, {user->nick, "End of /WHOIS list"});
}

void QueryHandler::userhost(HubClient &client, const IrcMessage &msg)
{
    QByteArray out;
    for (qsizetype i = 0; i < msg.params.size() && i < 5; ++i) {
        const HubClient *user = m_hub.findNick(msg.params.at(i));
        if (!user || !user->registered)
            continue;
        if (!out.isEmpty())
            out += ' ';
        out += user->nick + '=' + (user->away.isEmpty() ? '+' : '-') + user->user + '@' + user->host;
    }
    m_hub.reply(client, Numeric::RPL_USERHOST, {out});
}

void QueryHandler::ison(HubClient &client, const IrcMessage &msg)
{
    QByteArray out;
    for (const QByteArray &param : msg.params) {
        for (const QByteArray &nick : param.split(' ')) {
            const HubClient *user = nick.isEmpty() ? nullptr : m_hub.findNick(nick);
            if (!user || !user->registered)
                continue;
            if (!out.isEmpty())
                out += ' ';
            out += user->nick;
        }
    }
    m_hub.reply(client, Numeric::RPL_ISON, {out});
}

void QueryHandler::whowas(HubClient &client, const IrcMessage &msg)
{
    const QByteArray nick = msg.param(0);
    if (nick.isEmpty()) {
        m_hub.reply(client, Numeric::ERR_NONICKNAMEGIVEN, {"No nickname given"});
        return;
    }
    // A count of 0 or less, or none, means every entry; newest first.
    const int count = msg.params.size() > 1 ? msg.params.at(1).toInt() : 0;
    int shown = 0;
    const QByteArray folded = IrcNames::fold(nick);
    for (auto it = m_former.rbegin(); it != m_former.rend() && (count <= 0 || shown < count); ++it) {
        if (IrcNames::fold(it->nick) != folded)
            continue;
        ++shown;
        m_hub.reply(client, Numeric::RPL_WHOWASUSER, {it->nick, it->user, it->host, "*", it->realname});
        m_hub.reply(client, Numeric::RPL_WHOISSERVER,
                    {it->nick, m_hub.config().name,
                     QDateTime::fromSecsSinceEpoch(it->leftAt, Qt::UTC).toString(Qt::RFC2822Date).toLatin1()});
    }
    if (shown == 0)
        m_hub.reply(client, Numeric::ERR_WASNOSUCHNICK, {nick, "There was no such nickname"});
    m_hub.reply(client, Numeric::RPL_ENDOFWHOWAS, {nick, "End of WHOWAS"});
}
