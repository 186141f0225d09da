// SPDX-License-Identifier: MIT
#include "localrouter.h"

#include "hubclient.h"
#include "net/hostlink.h"
#include "outboundframe.h"

#include <QHash>
#include <QVarLengthArray>

void LocalRouter::deliver(const QList<HubClient *> &recipients, OutboundFrame &frame, const HubClient *except)
{
    // One group per (route, wire variant): the first pass finds each receiver's group and counts
    // them, the second writes the ids into lists of the exact size through a pointer (appending
    // id by id cost more than the rest of the loop). A pool has a few routes and one or two
    // variants, found by a linear scan; one thread per connection has a route per receiver,
    // found by a hash once there are more than a few.
    struct Fill {
        HostLink *route;
        const char *bytes; // the variant's data, its identity
        qsizetype batch;   // indices, not pointers: a batch's groups move as it grows
        qsizetype group;
        qsizetype count = 0;
        ClientId *next = nullptr;
    };
    constexpr qsizetype ScanUpTo = 16;
    QVarLengthArray<std::pair<HostLink *, FrameBatch>, 8> batches;
    QVarLengthArray<Fill, 16> fills;
    QHash<std::pair<HostLink *, const char *>, qsizetype> fillByKey; // past ScanUpTo fills
    QHash<HostLink *, qsizetype> batchByRoute;                       // past ScanUpTo batches
    const qint64 routed = frame.routedNs();
    auto fillFor = [&](HostLink *route, const QByteArray &bytes) -> qsizetype {
        const std::pair<HostLink *, const char *> key {route, bytes.constData()};
        if (fills.size() <= ScanUpTo) {
            for (qsizetype i = 0; i < fills.size(); ++i)
                if (fills[i].route == route && fills[i].bytes == key.second)
                    return i;
        } else if (const auto it = fillByKey.constFind(key); it != fillByKey.cend()) {
            return *it;
        }
        qsizetype batch = -1;
        if (batches.size() <= ScanUpTo) {
            for (qsizetype i = 0; i < batches.size() && batch < 0; ++i)
                if (batches[i].first == route)
                    batch = i;
        } else {
            batch = batchByRoute.value(route, -1);
        }
        if (batch < 0) {
            batch = batches.size();
            batches.append({route, {}});
            if (batches.size() > ScanUpTo) {
                if (batchByRoute.isEmpty())
                    for (qsizetype i = 0; i < batches.size() - 1; ++i)
                        batchByRoute.insert(batches[i].first, i);
                batchByRoute.insert(route, batch);
            }
        }
        batches[batch].second.append({bytes, {}, routed});
        fills.append({route, key.second, batch, batches[batch].second.size() - 1});
        const qsizetype fill = fills.size() - 1;
        if (fills.size() > ScanUpTo) {
            if (fillByKey.isEmpty())
                for (qsizetype i = 0; i < fill; ++i)
                    fillByKey.insert({fills[i].route, fills[i].bytes}, i);
            fillByKey.insert(key, fill);
        }
        return fill;
    };
    QVarLengthArray<qsizetype, 512> fillOf; // each receiver's, or -1
    fillOf.reserve(recipients.size());
    for (HubClient *client : recipients) {
        qsizetype fill = -1;
        if (client != except && !client->closing) {
            const QByteArray &bytes = frame.bytesFor(client->caps);
            if (!bytes.isEmpty()) {
                fill = fillFor(client->route, bytes);
                ++fills[fill].count;
            }
        }
        fillOf.append(fill);
    }
    for (Fill &f : fills) {
        QList<ClientId> &ids = batches[f.batch].second[f.group].ids;
        ids.resize(f.count);
        f.next = ids.data();
    }
    for (qsizetype i = 0; i < recipients.size(); ++i)
        if (fillOf[i] >= 0)
            *fills[fillOf[i]].next++ = recipients.at(i)->id;
    for (const auto &[route, batch] : batches)
        route->deliver(batch);
}

void LocalRouter::send(const HubClient &client, const QByteArray &bytes)
{
    if (!client.closing && !bytes.isEmpty())
        client.route->deliver({FrameGroup {bytes, {client.id}}});
}

void LocalRouter::close(const HubClient &client) { client.route->close(client.id); }
