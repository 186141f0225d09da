#pragma once

#include <QByteArray>
#include <QList>

struct HubClient;

// The hub's record of one channel. Owned and touched only by the hub's thread.
struct HubChannel {
    struct Member {
        HubClient *client;
        bool op;
    };

    QByteArray name;        // as first created (case preserved)
    QByteArray topic;
    QByteArray topicSetBy;
    qint64 topicSetAt = 0;
    qint64 createdAt = 0;
    // A list rather than a hash: joins keep their order for NAMES, and the broadcast loop over a
    // contiguous array is the hottest loop in the server.
    QList<Member> members;
    QList<HubClient *> memberClients; // the same clients, ready to hand to the router

    qsizetype indexOf(const HubClient *c) const
    {
        for (qsizetype i = 0; i < members.size(); ++i)
            if (members.at(i).client == c)
                return i;
        return -1;
    }
    bool contains(const HubClient *c) const { return indexOf(c) >= 0; }
};
