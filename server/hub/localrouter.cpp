#include "localrouter.h"

#include "hubclient.h"
#include "net/hostlink.h"
#include "outboundframe.h"

#include <QVarLengthArray>

void LocalRouter::deliver(const QList<HubClient *> &recipients, OutboundFrame &frame)
{
    // Few distinct routes per message (one per pool thread, or one per receiver without a pool):
    // a linear scan over a small array beats a hash here.
    QVarLengthArray<std::pair<HostLink *, FrameBatch>, 8> batches;
    for (HubClient *client : recipients) {
        if (client->closing)
            continue;
        const QByteArray &bytes = frame.bytesFor(client->caps);
        if (bytes.isEmpty())
            continue;
        auto it = std::find_if(batches.begin(), batches.end(),
                               [client](const auto &b) { return b.first == client->route; });
        if (it == batches.end()) {
            batches.append({client->route, {}});
            it = batches.end() - 1;
        }
        // One group per wire variant (one or two per message, by the receivers' capabilities).
        FrameBatch &batch = it->second;
        auto group = std::find_if(batch.begin(), batch.end(),
                                  [&bytes](const FrameGroup &g) { return g.bytes.constData() == bytes.constData(); });
        if (group == batch.end()) {
            batch.append({bytes, {}});
            group = batch.end() - 1;
            group->ids.reserve(recipients.size());
        }
        group->ids.append(client->id);
    }
    for (const auto &[route, batch] : batches)
        route->deliver(batch);
}

void LocalRouter::send(const HubClient &client, const QByteArray &bytes)
{
    if (!client.closing && !bytes.isEmpty())
        client.route->deliver({FrameGroup{bytes, {client.id}}});
}

void LocalRouter::close(const HubClient &client) { client.route->close(client.id); }
