// SPDX-License-Identifier: MIT
#include "clusterrouter.h"

#include "hubclient.h"
#include "outboundframe.h"

#include <QVarLengthArray>

ClusterRouter::ClusterRouter(std::unique_ptr<Router> local, Publish publish)
    : m_local(std::move(local))
    , m_publish(std::move(publish))
{
}

void ClusterRouter::deliver(const QList<HubClient *> &recipients, OutboundFrame &frame, const HubClient *except)
{
    // Most frames have no receiver on another node: they go on as they are, uncopied.
    qsizetype firstRemote = -1;
    for (qsizetype i = 0; i < recipients.size() && firstRemote < 0; ++i)
        if (recipients.at(i)->isRemote())
            firstRemote = i;
    if (firstRemote < 0) {
        m_local->deliver(recipients, frame, except);
        return;
    }
    QList<HubClient *> local;
    local.reserve(recipients.size());
    struct Group {
        QByteArray node;
        QList<quint64> ids;
    };
    QVarLengthArray<Group, 4> groups; // a handful of nodes: found by a scan
    for (HubClient *client : recipients) {
        if (client == except || client->closing)
            continue;
        if (!client->isRemote()) {
            local.append(client);
            continue;
        }
        Group *group = nullptr;
        for (Group &g : groups)
            if (g.node == client->node)
                group = &g;
        if (!group) {
            groups.append({client->node, {}});
            group = &groups.back();
        }
        group->ids.append(client->remoteId);
    }
    if (!local.isEmpty())
        m_local->deliver(local, frame);
    const QByteArray &line = frame.bytesFor(Capability::ServerTime | Capability::MessageTags | Capability::AccountTag);
    if (line.isEmpty())
        return;
    for (const Group &g : groups)
        m_publish(g.node, g.ids, line);
}

void ClusterRouter::send(const HubClient &client, const QByteArray &bytes)
{
    if (!client.isRemote())
        m_local->send(client, bytes);
}

void ClusterRouter::close(const HubClient &client)
{
    if (!client.isRemote())
        m_local->close(client);
}
