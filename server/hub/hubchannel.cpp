#include "hubchannel.h"

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

bool HubChannel::isBanned(const HubClient &c) const
{
    for (const Ban &b : bans)
        if (IrcNames::matchesMask(b.mask, c.prefix))
            return true;
    return false;
}

QList<QByteArray> HubChannel::modeParams(bool showKey) const
{
    QByteArray modes = "+n";
    QList<QByteArray> args;
    if (inviteOnly)
        modes += 'i';
    if (moderated)
        modes += 'm';
    if (topicLocked)
        modes += 't';
    if (!key.isEmpty()) {
        modes += 'k';
        args.append(showKey ? key : QByteArray("*"));
    }
    if (limit > 0) {
        modes += 'l';
        args.append(QByteArray::number(limit));
    }
    args.prepend(modes);
    return args;
}
