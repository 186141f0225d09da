#include "localrouter.h"

#include "hubclient.h"
#include "outboundframe.h"
#include "net/workerhost.h"

#include "system/crossthread.h"
#include <QVarLengthArray>

void LocalRouter::deliver(const QList<HubClient *> &recipients, OutboundFrame &frame)
{
    // Few distinct hosts per message (one per pool thread, or one per receiver without a pool):
    // a linear scan over a small array beats a hash here.
    QVarLengthArray<std::pair<WorkerHost *, WorkerHost::Batch>, 8> batches;
    for (HubClient *client : recipients) {
        if (client->closing)
            continue;
        const QByteArray &bytes = frame.bytesFor(client->caps);
        if (bytes.isEmpty())
            continue;
        auto it = std::find_if(batches.begin(), batches.end(),
                               [client](const auto &b) { return b.first == client->host; });
        if (it == batches.end()) {
            batches.append({client->host, {}});
            it = batches.end() - 1;
        }
        it->second.append({client->id, bytes});
    }
    for (auto &[host, batch] : batches) {
        CrossThread::post(host, [host, batch = std::move(batch)] { host->deliver(batch); });
    }
}

void LocalRouter::close(const HubClient &client)
{
    WorkerHost *host = client.host;
    const ClientId id = client.id;
    CrossThread::post(host, [host, id] { host->closeClient(id); });
}
