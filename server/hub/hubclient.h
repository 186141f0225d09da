// SPDX-License-Identifier: MIT
#pragma once

#include "capabilities.h"
#include "net/clientid.h"
#include "net/inboundbacklog.h"
#include "net/inboundline.h"

#include <QByteArray>
#include <QList>
#include <QSet>

class HostLink;
struct HubChannel;

// The hub's record of one connection. Owned and touched only by the hub's thread. In a cluster
// (docs/cluster.md) the hub also keeps one for every user of the other nodes: it has no route,
// and what is delivered to it goes to its node.
struct HubClient {
    ClientId id = 0;
    HostLink *route = nullptr; // the link into the thread that hosts its worker; null for another node's
    QByteArray node;           // another node's user: that node's name; empty for this node's
    ClientId remoteId = 0;     // another node's user: its id there
    InboundBacklogPtr backlog; // its lines not yet handled here: lowered as they are
    QByteArray address;        // peer IP
    QByteArray host;           // shown in hostmasks: the address, unless an operator set another (CHGHOST)
    QByteArray limitKey;       // what the connection limit counts: the address, or the local user
    quint16 port = 0;

    QByteArray nick; // empty until NICK
    QByteArray user; // empty until USER
    QByteArray realname;
    QByteArray prefix;   // "nick!user@host", kept up to date with the nick
    QByteArray password; // from PASS, checked at registration
    QByteArray away;     // empty: present
    Capability::Mask caps = 0;
    int capVersion = 0;          // from CAP LS: 302 shows capability values
    bool capNegotiating = false; // CAP LS/REQ seen and no CAP END yet: registration waits
    QByteArray account;          // the account logged in to; empty: none
    QByteArray certificate;      // the TLS client certificate's SHA-256 fingerprint (hex), if any
    bool tls = false;            // connected to a TLS listener
    bool loopback = false;       // connected from this machine
    QByteArray localUser;        // its login name on this machine, when known (loopback)
    // A password is being checked off the hub's thread (SASL PLAIN, REGISTER): registration and
    // further authentication wait for the answer.
    bool authPending = false;
    // The cluster is deciding a nick for it (docs/cluster.md): its lines wait in `held`, in
    // order, until the answer has been applied.
    bool awaitingCluster = false;
    QList<InboundLine> held;
    bool registered = false;
    QByteArray operName;      // set once OPER succeeded: an IRC operator (user mode +o)
    bool invisible = false;   // user mode +i: hidden from WHO and LUSERS' visible count
    bool wallops = false;     // user mode +w: receives WALLOPS
    bool bot = false;         // user mode +B: a bot (the bot tag, WHO flag B, WHOIS 335)
    bool closing = false;     // removed from the registry, its connection is closing
    QByteArray closeReason;   // why the hub closed it, for the log
    qint64 signonTime = 0;    // seconds since the epoch
    qint64 connectedMs = 0;   // on the hub's monotonic clock
    qint64 lastMessageMs = 0; // for WHOIS idle time

    QList<HubChannel *> channels;
    QSet<QByteArray> monitoring; // MONITOR: folded nicks this client watches

    bool isOper() const { return !operName.isEmpty(); }
    bool isRemote() const { return !node.isEmpty(); }
    // "+iow" and the like.
    QByteArray userModes() const
    {
        return QByteArray("+") + (bot ? "B" : "") + (invisible ? "i" : "") + (isOper() ? "o" : "")
               + (wallops ? "w" : "");
    }
    QByteArray displayNick() const { return nick.isEmpty() ? QByteArray("*") : nick; }
    void updatePrefix() { prefix = nick + '!' + user + '@' + host; }
    bool hostHidden() const { return host != address; }
};
