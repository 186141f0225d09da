// SPDX-License-Identifier: MIT
#include "operatorhandler.h"

#include "accountservice.h"
#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "hub/hub.h"
#include "hub/outboundframe.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"

OperatorHandler::OperatorHandler(Hub &hub, AccountService &accounts)
    : CommandHandler(hub)
    , m_accounts(accounts)
{
    using namespace std::placeholders;
    hub.addCommand("OPER", 2, true, std::bind(&OperatorHandler::oper, this, _1, _2));
    hub.addCommand("KILL", 1, true, std::bind(&OperatorHandler::kill, this, _1, _2));
    hub.addCommand("KICK", 2, true, std::bind(&OperatorHandler::kick, this, _1, _2));
    hub.addCommand("INVITE", 2, true, std::bind(&OperatorHandler::invite, this, _1, _2));
    hub.addCommand("CHGHOST", 3, true, std::bind(&OperatorHandler::chghost, this, _1, _2));
}

void OperatorHandler::oper(HubClient &client, const IrcMessage &msg)
{
    const QByteArray &name = msg.params.at(0);
    const QList<OperAccount> &accounts = m_hub.config().opers;
    const auto account
        = std::find_if(accounts.begin(), accounts.end(), [&](const OperAccount &a) { return a.name == name; });
    if (account == accounts.end()) {
        qCWarning(lcServer, "failed OPER #%llu %s: no account %s", qulonglong(client.id), client.prefix.constData(),
                  name.constData());
        m_hub.reply(client, Numeric::ERR_NOOPERHOST, {"No O-lines for your host"});
        return;
    }
    if (client.authPending)
        return; // a password of this client's is being checked; one at a time
    // A hashed secret takes a key derivation to check: on the auth thread, never here.
    m_accounts.checkOperator(
        client, account->secret, msg.params.at(1), [this, name](HubClient *c, const PasswordJob &job) {
            if (!c)
                return;
            if (!job.matched) {
                qCWarning(lcServer, "failed OPER #%llu %s: wrong password for %s", qulonglong(c->id),
                          c->prefix.constData(), name.constData());
                m_hub.reply(*c, Numeric::ERR_PASSWDMISMATCH, {"Password incorrect"});
                return;
            }
            const bool already = c->isOper();
            m_hub.setOperName(*c, name);
            qCInfo(lcServer, "oper #%llu %s as %s", qulonglong(c->id), c->prefix.constData(), name.constData());
            m_hub.reply(*c, Numeric::RPL_YOUREOPER, {"You are now an IRC operator"});
            if (!already)
                m_hub.send(*c, IrcMessage("MODE", {c->nick, "+o"}, c->prefix));
        });
}

void OperatorHandler::kill(HubClient &client, const IrcMessage &msg)
{
    if (!m_hub.requireOperator(client))
        return;
    HubClient *victim = m_hub.findNick(msg.params.at(0));
    if (!victim || !victim->registered) {
        m_hub.reply(client, Numeric::ERR_NOSUCHNICK, {msg.params.at(0), "No such nick/channel"});
        return;
    }
    const QByteArray reason = msg.param(1).isEmpty() ? QByteArray("no reason") : msg.param(1);
    qCInfo(lcServer, "kill #%llu %s by %s", qulonglong(victim->id), victim->nick.constData(), client.nick.constData());
    m_hub.disconnect(*victim, "Killed (" + client.nick + " (" + reason + "))");
}

namespace {
// What may stand in a hostmask: no separators, spaces or controls, nothing a client could read
// as the start of a trailing parameter.
bool validUsername(const QByteArray &user)
{
    if (user.isEmpty() || user.size() > IrcNames::UserLen || user.startsWith(':'))
        return false;
    return std::all_of(user.begin(), user.end(), [](char c) { return c > ' ' && c < 0x7f && c != '@' && c != '!'; });
}

bool validHost(const QByteArray &host)
{
    if (host.isEmpty() || host.size() > IrcNames::HostLen || host.startsWith(':') || host.startsWith('-'))
        return false;
    return std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
               || c == ':' || c == '/' || c == '_';
    });
}
} // namespace

void OperatorHandler::chghost(HubClient &client, const IrcMessage &msg)
{
    if (!m_hub.requireOperator(client))
        return;
    HubClient *target = m_hub.findNick(msg.params.at(0));
    if (!target || !target->registered) {
        m_hub.reply(client, Numeric::ERR_NOSUCHNICK, {msg.params.at(0), "No such nick/channel"});
        return;
    }
    const QByteArray &user = msg.params.at(1);
    const QByteArray &host = msg.params.at(2);
    if (!validUsername(user) || !validHost(host)) {
        IrcMessage fail("FAIL", {"CHGHOST", "INVALID_PARAMS", target->nick,
                                 "A username is 1 to " + QByteArray::number(IrcNames::UserLen)
                                     + " printable characters without @ or !; a host is 1 to "
                                     + QByteArray::number(IrcNames::HostLen) + " letters, digits and . - : / _"});
        fail.trailing = true;
        m_hub.send(client, std::move(fail));
        return;
    }
    qCInfo(lcServer, "chghost #%llu %s to %s@%s by %s", qulonglong(target->id), target->prefix.constData(),
           user.constData(), host.constData(), client.nick.constData());
    m_hub.changeHost(*target, user, host);
    if (target != &client)
        m_hub.noticeTo(client.id, target->nick + "'s hostmask is now " + target->prefix);
}

void OperatorHandler::kick(HubClient &client, const IrcMessage &msg)
{
    HubChannel *channel = m_hub.findChannel(msg.params.at(0));
    if (!channel) {
        m_hub.reply(client, Numeric::ERR_NOSUCHCHANNEL, {msg.params.at(0), "No such channel"});
        return;
    }
    const bool member = channel->contains(&client);
    if (!member && !client.isOper()) {
        m_hub.reply(client, Numeric::ERR_NOTONCHANNEL, {channel->name, "You're not on that channel"});
        return;
    }
    if (!channel->isOperator(&client) && !client.isOper()) {
        m_hub.reply(client, Numeric::ERR_CHANOPRIVSNEEDED, {channel->name, "You're not channel operator"});
        return;
    }
    const QByteArray reason = msg.param(2).isEmpty() ? client.nick : msg.param(2);
    for (const QByteArray &nick : msg.params.at(1).split(',')) {
        HubClient *victim = m_hub.findNick(nick);
        if (!victim || !channel->contains(victim)) {
            m_hub.reply(client, Numeric::ERR_USERNOTINCHANNEL, {nick, channel->name, "They aren't on that channel"});
            continue;
        }
        IrcMessage kickMsg("KICK", {channel->name, victim->nick, reason}, client.prefix);
        kickMsg.trailing = true;
        m_hub.announce(*channel, std::move(kickMsg), client.account); // the victim included
        const bool last = channel->members.size() == 1;
        m_hub.leaveChannel(*victim, channel);
        if (last)
            return; // the channel is gone
    }
}

void OperatorHandler::invite(HubClient &client, const IrcMessage &msg)
{
    HubClient *target = m_hub.findNick(msg.params.at(0));
    const QByteArray &channelName = msg.params.at(1);
    if (!target || !target->registered) {
        m_hub.reply(client, Numeric::ERR_NOSUCHNICK, {msg.params.at(0), "No such nick/channel"});
        return;
    }
    HubChannel *channel = m_hub.findChannel(channelName);
    if (channel) {
        if (!channel->contains(&client)) {
            m_hub.reply(client, Numeric::ERR_NOTONCHANNEL, {channel->name, "You're not on that channel"});
            return;
        }
        if (channel->inviteOnly && !channel->isOperator(&client) && !client.isOper()) {
            m_hub.reply(client, Numeric::ERR_CHANOPRIVSNEEDED, {channel->name, "You're not channel operator"});
            return;
        }
        if (channel->contains(target)) {
            m_hub.reply(client, Numeric::ERR_USERONCHANNEL, {target->nick, channel->name, "is already on channel"});
            return;
        }
        if (!channel->invited.contains(target->id))
            channel->invited.append(target->id);
    }
    const QByteArray shownChannel = channel ? channel->name : channelName;
    m_hub.reply(client, Numeric::RPL_INVITING, {target->nick, shownChannel});
    m_hub.send(*target, IrcMessage("INVITE", {target->nick, shownChannel}, client.prefix));
    // invite-notify: the channel's other members who asked for it see the invitation too.
    if (channel) {
        QList<HubClient *> told;
        for (HubClient *member : std::as_const(channel->memberClients))
            if (member != &client && member != target && (member->caps & Capability::InviteNotify))
                told.append(member);
        OutboundFrame frame(IrcMessage("INVITE", {target->nick, shownChannel}, client.prefix));
        frame.setAccount(client.account);
        m_hub.deliver(told, frame);
    }
}
