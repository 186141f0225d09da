// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>

class OutboundFrame;
struct HubClient;

// The hub's one way out: it decides who receives a frame, the router decides how it gets there.
// A history store or a multi-node backplane is another Router (or wraps this one); the workers
// never see the difference.
class Router {
public:
    virtual ~Router() = default;
    // `except`, when given, is one of `recipients` that does not get it (a sender without
    // echo-message): a channel's member list is passed as it is, never copied to leave one out.
    virtual void deliver(const QList<HubClient *> &recipients, OutboundFrame &frame, const HubClient *except = nullptr)
        = 0;
    // Bytes made for one client alone (one or more whole lines).
    virtual void send(const HubClient &client, const QByteArray &bytes) = 0;
    // Flush what was delivered so far to this client, then close its connection.
    virtual void close(const HubClient &client) = 0;
};
