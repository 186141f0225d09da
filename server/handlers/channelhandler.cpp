// SPDX-License-Identifier: MIT
#include "channelhandler.h"

#include "config/serverconfig.h"
#include "historyhandler.h"
#include "hub/hub.h"
#include "hub/outboundframe.h"
#include "protocol/ircnames.h"
#include "protocol/numerics.h"

#include <QDateTime>
#include <functional>

ChannelHandler::ChannelHandler(Hub &hub, HistoryHandler &history)
    : CommandHandler(hub)
    , m_history(history)
{
    using namespace std::placeholders;
    hub.addCommand("JOIN", 1, true, std::bind(&ChannelHandler::joinCommand, this, _1, _2));
    hub.addCommand("PART", 1, true, std::bind(&ChannelHandler::part, this, _1, _2));
    hub.addCommand("TOPIC", 1, true, std::bind(&ChannelHandler::topic, this, _1, _2));
    hub.addCommand("NAMES", 0, true, std::bind(&ChannelHandler::names, this, _1, _2));
    hub.addCommand("LIST", 0, true, std::bind(&ChannelHandler::list, this, _1, _2));
}

void ChannelHandler::joinCommand(HubClient &client, const IrcMessage &msg)
{
    if (msg.params.at(0) == "0") {
        // "JOIN 0" leaves every channel.
        const auto channels = client.channels;
        for (HubChannel *ch : channels) {
            IrcMessage partMsg("PART", {ch->name, "Left all channels"}, client.prefix);
            partMsg.trailing = true;
            m_hub.announce(*ch, std::move(partMsg), client.account);
            m_hub.leaveChannel(client, ch);
        }
        return;
    }
    const QList<QByteArray> names = msg.params.at(0).split(',');
    const QList<QByteArray> keys = msg.param(1).split(',');
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (!names.at(i).isEmpty())
            join(client, names.at(i), keys.value(i));
    }
}

void ChannelHandler::join(HubClient &client, const QByteArray &name, const QByteArray &key)
{
    if (!IrcNames::isValidChannel(name, m_hub.config().channelLen)) {
        m_hub.reply(client, Numeric::ERR_NOSUCHCHANNEL, {name, "No such channel"});
        return;
    }
    if (HubChannel *existing = m_hub.findChannel(name)) {
        if (existing->contains(&client))
            return;
        // An invitation lets one in past +i, +l and a ban, but not past a key.
        const bool invited = existing->invited.contains(client.id) || client.isOper();
        const bool excepted = invited || existing->isInviteException(client);
        auto refuse = [&](int numeric, const char *why) { m_hub.reply(client, numeric, {existing->name, why}); };
        if (!m_hub.reaches(*existing))
            return refuse(Numeric::ERR_UNAVAILRESOURCE,
                          "Nick/channel is temporarily unavailable (the cluster is unreachable)");
        if (!existing->key.isEmpty() && key != existing->key && !client.isOper())
            return refuse(Numeric::ERR_BADCHANNELKEY, "Cannot join channel (+k)");
        if (!excepted && existing->inviteOnly)
            return refuse(Numeric::ERR_INVITEONLYCHAN, "Cannot join channel (+i)");
        if (!invited && existing->accountsOnly && client.account.isEmpty())
            return refuse(Numeric::ERR_NEEDREGGEDNICK, "Cannot join channel (+R): log in to an account first");
        if (!invited && existing->isBanned(client))
            return refuse(Numeric::ERR_BANNEDFROMCHAN, "Cannot join channel (+b)");
        if (!invited && existing->limit > 0 && existing->members.size() >= existing->limit)
            return refuse(Numeric::ERR_CHANNELISFULL, "Cannot join channel (+l)");
    }
    if (client.channels.size() >= m_hub.config().maxChannelsPerClient) {
        m_hub.reply(client, Numeric::ERR_TOOMANYCHANNELS, {name, "You have joined too many channels"});
        return;
    }
    HubChannel *channel = m_hub.joinChannel(client, name);
    announceJoin(client, *channel);
    sendTopic(client, *channel, false);
    m_history.sendReadMarker(client, channel->name);
    sendNames(client, *channel);
    m_history.playback(client, *channel);
}

void ChannelHandler::announceJoin(HubClient &client, HubChannel &channel)
{
    // extended-join receivers get the account and real name in the JOIN itself; the history and
    // everyone else get the plain one, all with one stamp.
    IrcMessage join("JOIN", {channel.name}, client.prefix);
    const Hub::Stamp stamp = m_hub.stamp();
    m_hub.record(channel, join, stamp);
    QList<HubClient *> plain, extended;
    for (HubClient *member : std::as_const(channel.memberClients))
        ((member->caps & Capability::ExtendedJoin) ? extended : plain).append(member);
    OutboundFrame plainFrame(std::move(join));
    plainFrame.setStamp(stamp.msgid, stamp.timeMs);
    plainFrame.setAccount(client.account);
    m_hub.deliver(plain, plainFrame);
    IrcMessage full("JOIN",
                    {channel.name, client.account.isEmpty() ? QByteArray("*") : client.account, client.realname},
                    client.prefix);
    full.trailing = true;
    OutboundFrame extendedFrame(std::move(full));
    extendedFrame.setStamp(stamp.msgid, stamp.timeMs);
    extendedFrame.setAccount(client.account);
    m_hub.deliver(extended, extendedFrame);
    // away-notify: whoever sees someone join who is away is told so at once.
    if (!client.away.isEmpty()) {
        QList<HubClient *> notified;
        for (HubClient *member : std::as_const(channel.memberClients))
            if (member != &client && (member->caps & Capability::AwayNotify))
                notified.append(member);
        IrcMessage away("AWAY", {client.away}, client.prefix);
        away.trailing = true;
        OutboundFrame awayFrame(std::move(away));
        awayFrame.setAccount(client.account);
        m_hub.deliver(notified, awayFrame);
    }
}

void ChannelHandler::part(HubClient &client, const IrcMessage &msg)
{
    const QByteArray reason = msg.param(1);
    for (const QByteArray &name : msg.params.at(0).split(',')) {
        if (name.isEmpty())
            continue;
        HubChannel *channel = m_hub.findChannel(name);
        if (!channel) {
            m_hub.reply(client, Numeric::ERR_NOSUCHCHANNEL, {name, "No such channel"});
            continue;
        }
        if (!channel->contains(&client)) {
            m_hub.reply(client, Numeric::ERR_NOTONCHANNEL, {channel->name, "You're not on that channel"});
            continue;
        }
        IrcMessage partMsg("PART", {channel->name}, client.prefix);
        if (!reason.isEmpty()) {
            partMsg.params.append(reason);
            partMsg.trailing = true;
        }
        m_hub.announce(*channel, std::move(partMsg), client.account);
        m_hub.leaveChannel(client, channel);
    }
}

void ChannelHandler::topic(HubClient &client, const IrcMessage &msg)
{
    HubChannel *channel = m_hub.findChannel(msg.params.at(0));
    if (!channel) {
        m_hub.reply(client, Numeric::ERR_NOSUCHCHANNEL, {msg.params.at(0), "No such channel"});
        return;
    }
    if (!channel->contains(&client)) {
        m_hub.reply(client, Numeric::ERR_NOTONCHANNEL, {channel->name, "You're not on that channel"});
        return;
    }
    if (msg.params.size() < 2) {
        sendTopic(client, *channel, true);
        return;
    }
    if (channel->topicLocked && !channel->isOperator(&client) && !client.isOper()) {
        m_hub.reply(client, Numeric::ERR_CHANOPRIVSNEEDED, {channel->name, "You're not channel operator"});
        return;
    }
    channel->topic = msg.params.at(1).left(IrcNames::TopicLen);
    channel->topicSetBy = client.prefix;
    channel->topicSetAt = QDateTime::currentSecsSinceEpoch();
    IrcMessage topicMsg("TOPIC", {channel->name, channel->topic}, client.prefix);
    topicMsg.trailing = true;
    m_hub.announce(*channel, std::move(topicMsg), client.account);
    m_hub.channelChanged(*channel);
}

void ChannelHandler::sendTopic(HubClient &client, const HubChannel &channel, bool evenIfEmpty)
{
    if (channel.topic.isEmpty()) {
        if (evenIfEmpty)
            m_hub.reply(client, Numeric::RPL_NOTOPIC, {channel.name, "No topic is set"});
        return;
    }
    m_hub.reply(client, Numeric::RPL_TOPIC, {channel.name, channel.topic});
    IrcMessage who(Numeric::code(Numeric::RPL_TOPICWHOTIME),
                   {client.nick, channel.name, channel.topicSetBy, QByteArray::number(channel.topicSetAt)});
    m_hub.send(client, std::move(who));
}

void ChannelHandler::sendNames(HubClient &client, const HubChannel &channel)
{
    const bool full = client.caps & Capability::UserhostInNames;
    const QByteArray symbol(1, channel.namesSymbol());
    const QByteArray head
        = ":" + m_hub.config().name + " 353 " + client.nick + " " + symbol + " " + channel.name + " :";
    // Keep each 353 line inside the 512-byte limit, however many members there are.
    const qsizetype budget = 510 - head.size();
    QByteArray names;
    auto flush = [&] {
        if (!names.isEmpty())
            m_hub.reply(client, Numeric::RPL_NAMREPLY, {symbol, channel.name, names});
        names.clear();
    };
    for (const HubChannel::Member &m : channel.members) {
        QByteArray entry = m.prefix(client.caps & Capability::MultiPrefix);
        entry += full ? m.client->prefix : m.client->nick;
        if (!names.isEmpty() && names.size() + 1 + entry.size() > budget)
            flush();
        if (!names.isEmpty())
            names.append(' ');
        names.append(entry);
    }
    flush();
    m_hub.reply(client, Numeric::RPL_ENDOFNAMES, {channel.name, "End of /NAMES list"});
}

void ChannelHandler::names(HubClient &client, const IrcMessage &msg)
{
    if (msg.params.isEmpty()) {
        m_hub.reply(client, Numeric::RPL_ENDOFNAMES, {"*", "End of /NAMES list"});
        return;
    }
    for (const QByteArray &name : msg.params.at(0).split(',')) {
        const HubChannel *channel = m_hub.findChannel(name);
        // A secret or private channel's members are for its members to see.
        if (channel && (!channel->isHidden() || channel->contains(&client)))
            sendNames(client, *channel);
        else
            m_hub.reply(client, Numeric::RPL_ENDOFNAMES, {name, "End of /NAMES list"});
    }
}

void ChannelHandler::list(HubClient &client, const IrcMessage &msg)
{
    m_hub.reply(client, Numeric::RPL_LISTSTART, {"Channel", "Users  Name"});
    // ELIST: every word is a condition, all of them must hold: ">N"/"<N" users, "C>N"/"C<N"
    // created more/less than N minutes ago, "T>N"/"T<N" topic set more/less than N minutes ago,
    // "!mask" not matching, and anything else a channel name or mask (any of them).
    QList<QByteArray> masks;
    QList<std::function<bool(const HubChannel &)>> conditions;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    bool valid = true;
    for (const QByteArray &word : msg.param(0).split(',')) {
        if (word.isEmpty())
            continue;
        const auto number = [&](qsizetype from, bool *ok) { return word.mid(from).toLongLong(ok); };
        bool ok = true;
        if (word.startsWith('>') || word.startsWith('<')) {
            const qint64 n = number(1, &ok);
            const bool more = word.startsWith('>');
            conditions.append(
                [n, more](const HubChannel &c) { return more ? c.members.size() > n : c.members.size() < n; });
        } else if ((word.startsWith("C>") || word.startsWith("C<") || word.startsWith("T>") || word.startsWith("T<"))) {
            const qint64 minutes = number(2, &ok);
            const bool topic = word.startsWith('T'), longer = word.at(1) == '>';
            conditions.append([=](const HubChannel &c) {
                const qint64 at = topic ? c.topicSetAt : c.createdAt;
                if (topic && at == 0)
                    return false;
                const qint64 age = (now - at) / 60;
                return longer ? age > minutes : age < minutes;
            });
        } else if (word.startsWith('!')) {
            const QByteArray mask = word.mid(1);
            conditions.append([mask](const HubChannel &c) { return !IrcNames::matchesMask(mask, c.name); });
        } else {
            masks.append(word);
        }
        valid = valid && ok;
    }
    for (const HubChannel *ch : m_hub.channels()) {
        if (!valid)
            break;
        if (ch->isHidden() && !ch->contains(&client))
            continue;
        if (!masks.isEmpty() && std::none_of(masks.begin(), masks.end(), [&](const QByteArray &m) {
                return IrcNames::matchesMask(m, ch->name);
            }))
            continue;
        if (std::all_of(conditions.begin(), conditions.end(), [&](const auto &cond) { return cond(*ch); }))
            m_hub.reply(client, Numeric::RPL_LIST, {ch->name, QByteArray::number(ch->members.size()), ch->topic});
    }
    m_hub.reply(client, Numeric::RPL_LISTEND, {"End of /LIST"});
}
