#include "localrouter.h"

#include "hubclient.h"
#include "net/hostlink.h"
#include "outboundframe.h"

#include <QVarLengthArray>

void LocalRouter::deliver(const QList<HubClient *> &recipients, OutboundFrame &frame, const HubClient *except)
{
    // Few distinct routes per message (one per pool thread, or one per receiver without a pool),
    // and one or two wire variants: a linear scan over small arrays beats a hash here. Each
    // (route, variant) group's id list is sized for every recipient once and written through a
    // pointer, then cut to what it got: appending id by id cost more than the rest of the loop.
    struct Fill {
        HostLink *route;
        const char *bytes; // the variant's data, its identity
        qsizetype batch;   // indices, not pointers: a batch's groups move as it grows
        qsizetype group;
        ClientId *begin; // the ids' data, which does not move
        ClientId *next;
    };
    QVarLengthArray<std::pair<HostLink *, FrameBatch>, 8> batches;
    QVarLengthArray<Fill, 16> fills;
    const qsizetype most = recipients.size();
    const qint64 routed = frame.routedNs();
    for (HubClient *client : recipients) {
        if (client == except || client->closing)
            continue;
        const QByteArray &bytes = frame.bytesFor(client->caps);
        if (bytes.isEmpty())
            continue;
        auto fill = std::find_if(fills.begin(), fills.end(), [&](const Fill &f) {
            return f.route == client->route && f.bytes == bytes.constData();
        });
        if (fill == fills.end()) {
            auto batch = std::find_if(batches.begin(), batches.end(),
                                      [client](const auto &b) { return b.first == client->route; });
            if (batch == batches.end()) {
                batches.append({client->route, {}});
                batch = batches.end() - 1;
            }
            batch->second.append({bytes, {}, routed});
            QList<ClientId> &ids = batch->second.last().ids;
            ids.resize(most);
            fills.append({client->route, bytes.constData(), batch - batches.begin(), batch->second.size() - 1,
                          ids.data(), ids.data()});
            fill = fills.end() - 1;
        }
        *fill->next++ = client->id;
    }
    for (const Fill &f : fills)
        batches[f.batch].second[f.group].ids.resize(f.next - f.begin);
    for (const auto &[route, batch] : batches)
        route->deliver(batch);
}

void LocalRouter::send(const HubClient &client, const QByteArray &bytes)
{
    if (!client.closing && !bytes.isEmpty())
        client.route->deliver({FrameGroup{bytes, {client.id}}});
}

void LocalRouter::close(const HubClient &client) { client.route->close(client.id); }
