// SPDX-License-Identifier: MIT
#pragma once

#include "net/clientid.h"
#include "storage/channelstate.h"

#include <QByteArray>
#include <QList>

struct HubClient;

// The hub's record of one channel. Owned and touched only by the hub's thread.
struct HubChannel {
    struct Member {
        HubClient *client;
        bool op = false;
        bool voice = false;
        // The NAMES/WHO prefix: all of them with multi-prefix, else the highest.
        QByteArray prefix(bool all) const;
    };
    using Ban = ChannelState::Ban;
    static constexpr int MaxBans = 100;

    QByteArray name;   // as first created (case preserved)
    QByteArray folded; // its name folded: its key in the hub and in history
    QByteArray topic;
    QByteArray topicSetBy;
    qint64 topicSetAt = 0;
    qint64 createdAt = 0;
    // Modes. +n (no messages from outside) is always on.
    bool topicLocked = false;    // +t: only operators set the topic
    bool moderated = false;      // +m: only operators and voiced members speak
    bool inviteOnly = false;     // +i: JOIN needs an INVITE
    bool accountsOnly = false;   // +R: JOIN needs a logged-in account
    bool secret = false;         // +s: hidden from LIST, WHO, WHOIS and NAMES for non-members
    bool privateChannel = false; // +p: hidden the same way (the older form of +s)
    bool noCtcp = false;         // +C: no CTCP but ACTION
    QByteArray key;              // +k
    int limit = 0;               // +l, 0: none
    QList<Ban> bans;             // +b
    QList<Ban> exceptions;       // +e: not banned after all
    QList<Ban> inviteExceptions; // +I: in past +i without an INVITE
    QList<ClientId> invited;     // by INVITE, until they join (ids: an invitee may quit meanwhile)
    qint64 usedAtMs = 0;         // when anything last happened in it (history)
    QList<HistoryEvent> recent;  // its last messages, oldest first, for playback on JOIN
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
    Member *member(const HubClient *c)
    {
        const qsizetype i = indexOf(c);
        return i < 0 ? nullptr : &members[i];
    }
    const Member *member(const HubClient *c) const
    {
        const qsizetype i = indexOf(c);
        return i < 0 ? nullptr : &members.at(i);
    }
    bool isOperator(const HubClient *c) const
    {
        const Member *m = member(c);
        return m && m->op;
    }
    // Banned: a +b mask matches and no +e mask does.
    bool isBanned(const HubClient &c) const;
    bool isInviteException(const HubClient &c) const;
    // +s or +p: only members see it in LIST, WHO, WHOIS and NAMES.
    bool isHidden() const { return secret || privateChannel; }
    // The NAMES symbol: '@' secret, '*' private, '=' public.
    char namesSymbol() const { return secret ? '@' : privateChannel ? '*' : '='; }
    // "+nt", "+ntkl key 10": the key only for those who may see it.
    QList<QByteArray> modeParams(bool showKey) const;
    // What is kept of it across restarts and while it is empty, and the way back.
    ChannelState state() const;
    void restore(const ChannelState &state);
};
