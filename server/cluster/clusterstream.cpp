// SPDX-License-Identifier: MIT
#include "clusterstream.h"

#include "redisconnection.h"

#include <utility>

namespace {
// A read waits this long for new entries, then asks again: a connection closing never waits on
// a read that would never end.
constexpr const char *BlockMs = "2000";
constexpr const char *ReadCount = "1000";
} // namespace

ClusterStream::ClusterStream(const RedisAddress &address, QObject *parent)
    : QObject(parent)
    , m_writer(new RedisConnection(address, this))
    , m_reader(new RedisConnection(address, this))
{
    connect(m_reader, &RedisConnection::ready, this, [this] {
        if (m_lastId == "0-0") {
            m_checked = true;
            readNext();
            if (m_writer->isReady())
                Q_EMIT ready();
            return;
        }
        // Back after an outage: is the last entry read still there? If not, Redis lost the
        // stream (it restarted without its data) and everything is read again from its start.
        m_checked = false;
        m_reader->command({"XRANGE", Key, m_lastId, m_lastId}, [this](const RedisReply &reply) {
            if (reply.isError())
                return; // lost again: checked on the next ready()
            m_checked = true;
            if (reply.type == RedisReply::Type::Array && reply.elements.isEmpty()) {
                m_lastId = "0-0";
                Q_EMIT reset();
            }
            readNext();
            if (m_writer->isReady())
                Q_EMIT ready();
        });
    });
    connect(m_writer, &RedisConnection::ready, this, [this] {
        if (m_reader->isReady() && m_checked)
            Q_EMIT ready();
    });
    connect(m_reader, &RedisConnection::lost, this, &ClusterStream::lost);
    connect(m_writer, &RedisConnection::lost, this, &ClusterStream::lost);
}

ClusterStream::~ClusterStream() = default;

void ClusterStream::open()
{
    m_reader->open();
    m_writer->open();
}

bool ClusterStream::isReady() const { return m_reader->isReady() && m_writer->isReady() && m_checked; }

bool ClusterStream::takeAppendFailed() { return std::exchange(m_appendFailed, false); }

void ClusterStream::append(const ClusterEvent &event, std::function<void(bool)> done)
{
    // Never trimmed yet: a node that starts replays the stream from its first entry, and one
    // cut off at the front would leave its registry short of nicks taken long ago (trimming
    // waits for snapshots, docs/cluster.md).
    QList<QByteArray> args {"XADD", Key, "*"};
    args += event.encode();
    m_writer->command(args, [this, done = std::move(done)](const RedisReply &reply) {
        const bool added = reply.type == RedisReply::Type::String;
        m_appendFailed = m_appendFailed || !added;
        if (done)
            done(added);
    });
}

void ClusterStream::readNext()
{
    if (m_reading || !m_reader->isReady() || !m_checked)
        return;
    m_reading = true;
    m_reader->command({"XREAD", "COUNT", ReadCount, "BLOCK", BlockMs, "STREAMS", Key, m_lastId},
                      [this](const RedisReply &reply) {
                          m_reading = false;
                          if (reply.isError())
                              return; // lost: reading resumes on ready()
                          takeEntries(reply);
                          readNext();
                      });
}

void ClusterStream::takeEntries(const RedisReply &reply)
{
    // [[key, [[id, [field, value, ...]], ...]]], or nil when nothing came within BlockMs.
    if (reply.type != RedisReply::Type::Array)
        return;
    for (const RedisReply &stream : reply.elements) {
        if (stream.elements.size() != 2)
            continue;
        for (const RedisReply &entry : stream.elements.at(1).elements) {
            if (entry.elements.size() != 2 || entry.elements.at(0).type != RedisReply::Type::String)
                continue;
            m_lastId = entry.elements.at(0).string;
            QList<QByteArray> fields;
            fields.reserve(entry.elements.at(1).elements.size());
            bool strings = true;
            for (const RedisReply &f : entry.elements.at(1).elements) {
                strings = strings && f.type == RedisReply::Type::String;
                fields.append(f.string);
            }
            std::optional<ClusterEvent> e = strings ? ClusterEvent::decode(fields) : std::nullopt;
            if (!e) {
                ++m_dropped;
                continue;
            }
            e->id = m_lastId;
            Q_EMIT event(*e);
        }
    }
}
