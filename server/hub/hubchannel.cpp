// SPDX-License-Identifier: MIT
#include "hubchannel.h"

#include "channelmodes.h"
#include "hubclient.h"
#include "protocol/ircnames.h"

QByteArray HubChannel::Member::prefix(bool all) const
{
    QByteArray out;
    if (op)
        out += '@';
    if (voice && (all || out.isEmpty()))
        out += '+';
    return out;
}

namespace {
bool anyMatches(const QList<HubChannel::Ban> &masks, const HubClient &c)
{
    for (const HubChannel::Ban &b : masks)
        if (IrcNames::matchesMask(b.mask, c.prefix))
            return true;
    return false;
}
} // namespace

bool HubChannel::isBanned(const HubClient &c) const { return anyMatches(bans, c) && !anyMatches(exceptions, c); }

bool HubChannel::isInviteException(const HubClient &c) const { return anyMatches(inviteExceptions, c); }

QList<QByteArray> HubChannel::modeParams(bool showKey) const
{
    QByteArray modes = QByteArray("+") + ChannelModes::AlwaysOn;
    QList<QByteArray> args;
    for (const ChannelModes::Flag &f : ChannelModes::Flags)
        if (this->*f.field)
            modes += f.letter;
    if (!key.isEmpty()) {
        modes += ChannelModes::Key;
        args.append(showKey ? key : QByteArray("*"));
    }
    if (limit > 0) {
        modes += ChannelModes::Limit;
        args.append(QByteArray::number(limit));
    }
    args.prepend(modes);
    return args;
}

ChannelState HubChannel::state() const
{
    ChannelState s;
    s.name = name;
    s.topic = topic;
    s.topicSetBy = topicSetBy;
    s.topicSetAt = topicSetAt;
    s.createdAt = createdAt;
    s.topicLocked = topicLocked;
    s.moderated = moderated;
    s.inviteOnly = inviteOnly;
    s.accountsOnly = accountsOnly;
    s.key = key;
    s.limit = limit;
    s.bans = bans;
    s.exceptions = exceptions;
    s.inviteExceptions = inviteExceptions;
    s.secret = secret;
    s.privateChannel = privateChannel;
    s.noCtcp = noCtcp;
    s.usedAtMs = usedAtMs;
    s.recent = recent;
    return s;
}

void HubChannel::restore(const ChannelState &s)
{
    topic = s.topic;
    topicSetBy = s.topicSetBy;
    topicSetAt = s.topicSetAt;
    if (s.createdAt > 0)
        createdAt = s.createdAt;
    topicLocked = s.topicLocked;
    moderated = s.moderated;
    inviteOnly = s.inviteOnly;
    accountsOnly = s.accountsOnly;
    key = s.key;
    limit = s.limit;
    bans = s.bans;
    exceptions = s.exceptions;
    inviteExceptions = s.inviteExceptions;
    secret = s.secret;
    privateChannel = s.privateChannel;
    noCtcp = s.noCtcp;
    usedAtMs = s.usedAtMs;
    recent = s.recent;
}
