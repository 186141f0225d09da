// SPDX-License-Identifier: MIT
#include "sqlhistorystore.h"

#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "historybacklog.h"
#include "historykey.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <limits>

namespace {

constexpr qint64 MaxId = std::numeric_limits<qint64>::max();
// Expiry deletes this many rows per transaction, so that queries are never held up for long.
constexpr int ExpireChunk = 5000;
constexpr int ExpireIntervalMs = 3600 * 1000;

// Text columns are NOT NULL: an empty value is an empty string, never a null QString.
QString str(const QByteArray &bytes) { return bytes.isEmpty() ? QStringLiteral("") : QString::fromUtf8(bytes); }

HistoryEvent eventFrom(const QSqlQuery &q)
{
    HistoryEvent e;
    e.msgid = q.value(0).toString().toUtf8();
    e.timeMs = q.value(1).toLongLong();
    e.target = q.value(2).toString().toUtf8();
    e.command = q.value(3).toString().toUtf8();
    e.source = q.value(4).toString().toUtf8();
    const QByteArray params = q.value(5).toString().toUtf8();
    if (!params.isEmpty())
        e.params = params.split('\n');
    e.params.append(q.value(6).toString().toUtf8());
    e.tags = q.value(7).toString().toUtf8();
    return e;
}

QString modesOf(const ChannelState &s)
{
    QString out = QStringLiteral("");
    if (s.topicLocked)
        out += u't';
    if (s.moderated)
        out += u'm';
    if (s.inviteOnly)
        out += u'i';
    if (s.accountsOnly)
        out += u'R';
    if (s.secret)
        out += u's';
    if (s.privateChannel)
        out += u'p';
    if (s.noCtcp)
        out += u'C';
    return out;
}

QString bansOf(const ChannelState &s)
{
    QStringList lines;
    // "mask setter time" for a ban; exceptions (+e) and invite exceptions (+I) carry their letter
    // first, so that a line of three words stays a ban for any version.
    for (const ChannelState::Ban &b : s.bans)
        lines.append(QStringLiteral("%1 %2 %3").arg(str(b.mask), str(b.setBy)).arg(b.setAt));
    for (const ChannelState::Ban &b : s.exceptions)
        lines.append(QStringLiteral("e %1 %2 %3").arg(str(b.mask), str(b.setBy)).arg(b.setAt));
    for (const ChannelState::Ban &b : s.inviteExceptions)
        lines.append(QStringLiteral("I %1 %2 %3").arg(str(b.mask), str(b.setBy)).arg(b.setAt));
    return lines.isEmpty() ? QStringLiteral("") : lines.join(u'\n');
}

qint64 cutoffMs(const ServerConfig &config)
{
    return config.historyDays > 0 ? QDateTime::currentMSecsSinceEpoch() - qint64(config.historyDays) * 86'400'000 : 0;
}

} // namespace

SqlHistoryStore::SqlHistoryStore(std::shared_ptr<const ServerConfig> config, std::shared_ptr<HistoryBacklog> backlog,
                                 const QString &connectionPrefix, QObject *parent)
    : HistoryStore(parent)
    , m_config(std::move(config))
    , m_backlog(std::move(backlog))
    , m_connection(QStringLiteral("%1-%2").arg(connectionPrefix).arg(quintptr(this)))
{
}

SqlHistoryStore::~SqlHistoryStore() { Q_ASSERT(!m_db.isValid()); }

QString SqlHistoryStore::connectionName() const { return m_db.isOpen() ? m_connection : QString(); }

void SqlHistoryStore::startTimers()
{
    m_flushTimer = new QTimer(this);
    m_flushTimer->setSingleShot(true);
    connect(m_flushTimer, &QTimer::timeout, this, &SqlHistoryStore::flush);
    m_expireTimer = new QTimer(this);
    connect(m_expireTimer, &QTimer::timeout, this, &SqlHistoryStore::expire);
    // The first expiry runs soon after the server has started, then hourly. Not at once: on a
    // million rows its scans take 0.1 s, which the start-up's next calls into this thread (the
    // accounts) would wait for before the server listens.
    m_expireTimer->start(FirstExpireMs);
}

bool SqlHistoryStore::prepareShared(QString *error)
{
    m_saveChannel = std::make_unique<QSqlQuery>(m_db);
    m_touchChannel = std::make_unique<QSqlQuery>(m_db);
    const bool ok
        = m_saveChannel->prepare(QStringLiteral(
              "INSERT INTO channels (key, name, topic, topic_set_by, topic_set_at, created_at, modes, chan_key, user_limit,"
              " bans, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
              " name = excluded.name, topic = excluded.topic, topic_set_by = excluded.topic_set_by,"
              " topic_set_at = excluded.topic_set_at, created_at = excluded.created_at, modes = excluded.modes,"
              " chan_key = excluded.chan_key, user_limit = excluded.user_limit, bans = excluded.bans,"
              " used_at = excluded.used_at"))
          && m_touchChannel->prepare(
              QStringLiteral("INSERT INTO channels (key, name, used_at) VALUES (?, ?, ?)"
                             " ON CONFLICT (key) DO UPDATE SET used_at = %1")
                  .arg(greatest(QStringLiteral("channels.used_at"), QStringLiteral("excluded.used_at"))));
    if (!ok)
        *error = QStringLiteral("cannot prepare the database's statements: %1").arg(m_saveChannel->lastError().text());
    return ok;
}

QList<ChannelState> SqlHistoryStore::loadChannels()
{
    QList<ChannelState> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT key, name, topic, topic_set_by, topic_set_at, created_at, modes, chan_key,"
                             " user_limit, bans, used_at FROM channels WHERE used_at >= ?"));
    q.addBindValue(cutoffMs(*m_config));
    if (!q.exec()) {
        qCWarning(lcServer, "history: cannot read the channels: %s", qPrintable(q.lastError().text()));
        return out;
    }
    while (q.next()) {
        ChannelState s;
        const QByteArray key = q.value(0).toString().toUtf8();
        s.name = q.value(1).toString().toUtf8();
        s.topic = q.value(2).toString().toUtf8();
        s.topicSetBy = q.value(3).toString().toUtf8();
        s.topicSetAt = q.value(4).toLongLong();
        s.createdAt = q.value(5).toLongLong();
        const QString modes = q.value(6).toString();
        s.topicLocked = modes.contains(u't');
        s.moderated = modes.contains(u'm');
        s.inviteOnly = modes.contains(u'i');
        s.accountsOnly = modes.contains(u'R');
        s.secret = modes.contains(u's');
        s.privateChannel = modes.contains(u'p');
        s.noCtcp = modes.contains(u'C');
        s.key = q.value(7).toString().toUtf8();
        s.limit = q.value(8).toInt();
        for (const QString &line : q.value(9).toString().split(u'\n', Qt::SkipEmptyParts)) {
            const QStringList parts = line.split(u' ');
            if (parts.size() == 3)
                s.bans.append({parts.at(0).toUtf8(), parts.at(1).toUtf8(), parts.at(2).toLongLong()});
            else if (parts.size() == 4 && (parts.at(0) == u"e" || parts.at(0) == u"I"))
                (parts.at(0) == u"e" ? s.exceptions : s.inviteExceptions)
                    .append({parts.at(1).toUtf8(), parts.at(2).toUtf8(), parts.at(3).toLongLong()});
        }
        s.usedAtMs = q.value(10).toLongLong();
        if (m_config->historyPlayback > 0) {
            s.recent = select(QStringLiteral("target = ?"), {str(key)}, true, m_config->historyPlayback, false);
            std::reverse(s.recent.begin(), s.recent.end());
        }
        out.append(s);
    }
    return out;
}

void SqlHistoryStore::dropStatements()
{
    releaseStatements();
    m_saveChannel.reset();
    m_touchChannel.reset();
}

void SqlHistoryStore::closeShared()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_db.isOpen())
        flush();
    if (m_heldCount > 0)
        qCWarning(lcServer, "history: %lld events held while the database was unavailable are lost: the server stops",
                  qlonglong(m_heldCount));
    delete m_flushTimer;
    m_flushTimer = nullptr;
    delete m_expireTimer;
    m_expireTimer = nullptr;
    dropStatements();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

void SqlHistoryStore::append(const HistoryBatch &events)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_pending.append(events); // the hub's buffer itself, shared: no event is copied
    m_pendingCount += events.size();
    if (m_pendingCount >= FlushEvents)
        flush();
    else if (m_flushTimer && !m_flushTimer->isActive())
        m_flushTimer->start(FlushIntervalMs);
}

QList<ReadMarker> SqlHistoryStore::loadReadMarkers()
{
    QList<ReadMarker> out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT owner, target, time FROM read_markers"))) {
        qCWarning(lcServer, "history: cannot read the read markers: %s", qPrintable(q.lastError().text()));
        return out;
    }
    while (q.next())
        out.append({q.value(0).toString().toUtf8(), q.value(1).toString().toUtf8(), q.value(2).toLongLong()});
    return out;
}

void SqlHistoryStore::saveReadMarker(const ReadMarker &marker)
{
    Q_ASSERT(QThread::currentThread() == thread());
    qint64 &time = m_pendingMarkers[{marker.owner, marker.target}];
    time = std::max(time, marker.timeMs);
    if (m_flushTimer && !m_flushTimer->isActive())
        m_flushTimer->start(FlushIntervalMs);
}

void SqlHistoryStore::saveChannel(const ChannelState &state)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_pendingChannels.insert(HistoryKey::channel(state.name), state);
    if (m_flushTimer && !m_flushTimer->isActive())
        m_flushTimer->start(FlushIntervalMs);
}

void SqlHistoryStore::flush()
{
    if (m_flushTimer)
        m_flushTimer->stop();
    const QList<HistoryBatch> batches = std::exchange(m_pending, {});
    const qsizetype count = std::exchange(m_pendingCount, 0);
    QHash<QByteArray, ChannelState> channels = std::exchange(m_pendingChannels, {});
    QHash<std::pair<QByteArray, QByteArray>, qint64> markers = std::exchange(m_pendingMarkers, {});
    // The hub counts what it handed over until the store has taken it, written or held.
    if (m_backlog)
        m_backlog->done(count);
    if (count == 0 && channels.isEmpty() && markers.isEmpty() && m_held.isEmpty())
        return;
    if (!m_writable) { // no database, or a read-only one: nothing will ever be written
        writeFailed(QStringLiteral("not writable"), count);
        return;
    }
    if (count > 0) {
        m_held.append({batches, count, false});
        m_heldCount += count;
    }
    // Written in the order they were flushed, one transaction each (as they would have been),
    // then the channels' state and the read markers.
    QString why;
    bool ok = canWrite();
    if (!ok)
        why = QStringLiteral("no connection");
    while (ok && !m_held.isEmpty()) {
        HeldWrite &unit = m_held.first();
        bool committing = false;
        if (!(unit.maybeWritten && alreadyWritten(unit.batches)))
            ok = writeUnit(unit.batches, &why, &committing);
        if (!ok) {
            // A commit that failed may have happened all the same: looked up before it is tried again.
            unit.maybeWritten = unit.maybeWritten || committing;
            break;
        }
        m_heldCount -= unit.count;
        m_written += unit.count;
        m_held.removeFirst();
    }
    if (ok && (!channels.isEmpty() || !markers.isEmpty()))
        ok = writeState(channels, markers, &why);
    if (!ok) {
        // Kept for the next try, unless newer ones came meanwhile.
        for (auto it = channels.cbegin(); it != channels.cend(); ++it)
            if (!m_pendingChannels.contains(it.key()))
                m_pendingChannels.insert(it.key(), it.value());
        for (auto it = markers.cbegin(); it != markers.cend(); ++it) {
            qint64 &time = m_pendingMarkers[it.key()];
            time = std::max(time, it.value());
        }
        // Held within a bound: past it, the oldest go, counted.
        while (m_heldCount > m_config->historyBacklog && m_held.size() > 1) {
            m_heldCount -= m_held.first().count;
            m_dropped += m_held.first().count;
            m_held.removeFirst();
        }
        writeFailed(why, 0);
        if (m_flushTimer)
            m_flushTimer->start(RetryIntervalMs); // without waiting for the next event
        return;
    }
    if (m_failing) {
        qCWarning(lcServer,
                  "history: recording again; %lld events held meanwhile were written, %lld could not be held and "
                  "were not recorded",
                  m_written, m_dropped);
        m_failing = false;
        m_dropped = 0;
        Q_EMIT availabilityChanged(true);
    }
    m_written = 0;
}

bool SqlHistoryStore::alreadyWritten(const QList<HistoryBatch> &batches)
{
    QByteArray msgid, target;
    for (const HistoryBatch &events : batches) {
        events.forEach([&](const HistoryBatch::Entry &e) {
            msgid = e.msgid.toByteArray();
            target = e.target.toByteArray();
            return false;
        });
        if (!msgid.isEmpty())
            break;
    }
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT 1 FROM messages WHERE msgid = ? AND target = ?"));
    q.addBindValue(str(msgid));
    q.addBindValue(str(target));
    return q.exec() && q.next();
}

bool SqlHistoryStore::writeUnit(const QList<HistoryBatch> &batches, QString *why, bool *committing)
{
    // Channels with something new: their last use, for what is remembered across restarts. A
    // batch is mostly runs of one channel: one lookup per run.
    QHash<QByteArray, std::pair<QByteArray, qint64>> used;
    QByteArrayView lastTarget;
    std::pair<QByteArray, qint64> *lastUse = nullptr;
    for (const HistoryBatch &events : batches) {
        events.forEach([&](const HistoryBatch::Entry &e) {
            if (!HistoryKey::isPrivate(e.target) && !e.first.isEmpty()) {
                if (!lastUse || e.target != lastTarget) {
                    lastUse = &used[e.target.toByteArray()];
                    lastUse->first = e.first.toByteArray();
                    lastTarget = e.target;
                }
                lastUse->second = e.timeMs;
            }
            return true;
        });
    }
    if (!m_db.transaction()) {
        *why = m_db.lastError().text();
        return false;
    }
    bool ok = writeEvents(batches, why);
    for (auto it = used.cbegin(); ok && it != used.cend(); ++it) {
        m_touchChannel->addBindValue(str(it.key()));
        m_touchChannel->addBindValue(str(it.value().first));
        m_touchChannel->addBindValue(it.value().second);
        ok = m_touchChannel->exec();
        if (!ok)
            *why = m_touchChannel->lastError().text();
    }
    if (ok)
        *committing = true;
    return finish(ok, why);
}

bool SqlHistoryStore::writeState(const QHash<QByteArray, ChannelState> &channels,
                                 const QHash<std::pair<QByteArray, QByteArray>, qint64> &markers, QString *why)
{
    if (!m_db.transaction()) {
        *why = m_db.lastError().text();
        return false;
    }
    bool ok = true;
    auto run = [&](QSqlQuery &q) {
        ok = q.exec();
        if (!ok)
            *why = q.lastError().text();
    };
    for (auto it = channels.cbegin(); ok && it != channels.cend(); ++it) {
        const ChannelState &s = it.value();
        for (const QVariant &v :
             QVariantList {str(it.key()), str(s.name), str(s.topic), str(s.topicSetBy), s.topicSetAt, s.createdAt,
                           modesOf(s), str(s.key), s.limit, bansOf(s), s.usedAtMs})
            m_saveChannel->addBindValue(v);
        run(*m_saveChannel);
    }
    if (ok && !markers.isEmpty()) {
        // Only ever forwards, whatever order the writes come in.
        QSqlQuery mark(m_db);
        mark.prepare(QStringLiteral("INSERT INTO read_markers (owner, target, time) VALUES (?, ?, ?)"
                                    " ON CONFLICT (owner, target) DO UPDATE SET time = %1")
                         .arg(greatest(QStringLiteral("read_markers.time"), QStringLiteral("excluded.time"))));
        for (auto it = markers.cbegin(); ok && it != markers.cend(); ++it) {
            mark.addBindValue(str(it.key().first));
            mark.addBindValue(str(it.key().second));
            mark.addBindValue(it.value());
            run(mark);
        }
    }
    return finish(ok, why);
}

bool SqlHistoryStore::finish(bool ok, QString *why)
{
    if (ok) {
        ok = m_db.commit();
        if (!ok)
            *why = m_db.lastError().text();
    }
    if (!ok)
        m_db.rollback();
    return ok;
}

void SqlHistoryStore::writeFailed(const QString &what, qsizetype lost)
{
    m_dropped += lost;
    if (m_failing)
        return;
    m_failing = true;
    if (!m_writable) {
        qCWarning(lcServer, "history: cannot write to the database (%s); chat goes on, but events are not recorded",
                  qPrintable(what.simplified()));
        return;
    }
    qCWarning(lcServer,
              "history: cannot write to the database (%s); chat goes on, and events are held in memory (up to "
              "%lld) until writing works again",
              qPrintable(what.simplified()), // an engine's message may run over several lines
              m_config->historyBacklog);
    Q_EMIT availabilityChanged(false);
}

void SqlHistoryStore::expire()
{
    m_expireTimer->start(ExpireIntervalMs);
    flush();
    if (!canWrite())
        return;
    QSqlQuery q(m_db);
    const qint64 cutoff = cutoffMs(*m_config);
    qint64 deleted = 0;
    if (cutoff > 0) {
        // Conversation by conversation, through the index on (target, time): no index of its own
        // on time, which would cost every insert. One chunk per statement, so that a query
        // waits for one chunk at most.
        QSqlQuery targets(m_db);
        targets.exec(QStringLiteral("SELECT DISTINCT target FROM messages"));
        while (targets.next()) {
            for (;;) {
                q.prepare(QStringLiteral("DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE target = ?"
                                         " AND time < ? ORDER BY time LIMIT ?)"));
                q.addBindValue(targets.value(0));
                q.addBindValue(cutoff);
                q.addBindValue(ExpireChunk);
                if (!q.exec() || q.numRowsAffected() <= 0)
                    break;
                deleted += q.numRowsAffected();
                if (q.numRowsAffected() < ExpireChunk)
                    break;
            }
        }
        q.prepare(QStringLiteral("DELETE FROM channels WHERE used_at < ?"));
        q.addBindValue(cutoff);
        q.exec();
    }
    // The cap per conversation: the oldest beyond it go.
    QSqlQuery over(m_db);
    over.prepare(QStringLiteral("SELECT target FROM messages GROUP BY target HAVING count(*) > ?"));
    over.addBindValue(m_config->historyPerTarget);
    if (over.exec()) {
        while (over.next()) {
            q.prepare(
                QStringLiteral("DELETE FROM messages WHERE target = ? AND id NOT IN"
                               " (SELECT id FROM messages WHERE target = ? ORDER BY time DESC, id DESC LIMIT ?)"));
            q.addBindValue(over.value(0));
            q.addBindValue(over.value(0));
            q.addBindValue(m_config->historyPerTarget);
            if (q.exec())
                deleted += q.numRowsAffected();
        }
    }
    if (deleted > 0)
        qCInfo(lcServer, "history: %lld old events deleted", deleted);
}

QList<HistoryEvent> SqlHistoryStore::select(const QString &where, const QVariantList &values, bool newestFirst,
                                            int limit, bool events)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM messages WHERE %2%3 ORDER BY time %4, id %4 LIMIT ?")
                  .arg(QLatin1String(EventColumns), where,
                       events ? QString() : QStringLiteral(" AND command IN ('PRIVMSG', 'NOTICE')"),
                       newestFirst ? QStringLiteral("DESC") : QStringLiteral("ASC")));
    for (const QVariant &v : values)
        q.addBindValue(v);
    q.addBindValue(limit);
    QList<HistoryEvent> out;
    if (!q.exec()) {
        qCWarning(lcServer, "history: a query failed: %s", qPrintable(q.lastError().text()));
        return out;
    }
    while (q.next())
        out.append(eventFrom(q));
    return out;
}

bool SqlHistoryStore::resolve(const QByteArray &target, const HistoryBound &bound, qint64 *time, qint64 *id)
{
    const std::optional<qint64> when = HistoryEvent::msgidTime(bound.msgid);
    if (!when)
        return false; // not one of ours
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT time, id FROM messages WHERE target = ? AND time = ? AND msgid = ?"));
    q.addBindValue(str(target));
    q.addBindValue(*when);
    q.addBindValue(str(bound.msgid));
    if (!q.exec() || !q.next())
        return false;
    *time = q.value(0).toLongLong();
    *id = q.value(1).toLongLong();
    return true;
}

void SqlHistoryStore::query(const HistoryQuery &query)
{
    Q_ASSERT(QThread::currentThread() == thread());
    // What was relayed before the question must be in the answer.
    flush();
    Q_EMIT answered(answer(query));
}

HistoryAnswer SqlHistoryStore::answer(const HistoryQuery &query)
{
    HistoryAnswer a;
    a.query = query;
    if (!m_db.isOpen()) {
        a.status = HistoryAnswer::Status::Failed;
        return a;
    }
    const QString target = str(query.target);
    // A bound as a (time, id) pair, so that messages with the same time still have one order.
    // A timestamp lies before every id of its millisecond ("after" it excludes that millisecond)
    // or after all of them ("before" it excludes it).
    struct Point {
        qint64 time;
        qint64 id;
    };
    auto point = [&](const HistoryBound &b, bool forAfter, Point *p) {
        if (b.kind == HistoryBound::Kind::Msgid)
            return resolve(query.target, b, &p->time, &p->id);
        *p = {b.timeMs, forAfter ? MaxId : -1};
        return true;
    };
    auto unknown = [&] {
        a.status = HistoryAnswer::Status::UnknownMsgid;
        return a;
    };
    auto ascending = [](QList<HistoryEvent> list) {
        std::reverse(list.begin(), list.end());
        return list;
    };
    const QString after = QStringLiteral("target = ? AND (time, id) > (?, ?)");
    const QString before = QStringLiteral("target = ? AND (time, id) < (?, ?)");
    Point p {}, q {};
    switch (query.kind) {
    case HistoryQuery::Kind::Latest:
        if (query.from.kind == HistoryBound::Kind::None) {
            a.events = ascending(select(QStringLiteral("target = ?"), {target}, true, query.limit, query.events));
        } else {
            if (!point(query.from, true, &p))
                return unknown();
            a.events = ascending(select(after, {target, p.time, p.id}, true, query.limit, query.events));
        }
        break;
    case HistoryQuery::Kind::Before:
        if (!point(query.from, false, &p))
            return unknown();
        a.events = ascending(select(before, {target, p.time, p.id}, true, query.limit, query.events));
        break;
    case HistoryQuery::Kind::After:
        if (!point(query.from, true, &p))
            return unknown();
        a.events = select(after, {target, p.time, p.id}, false, query.limit, query.events);
        break;
    case HistoryQuery::Kind::Around: {
        // Half before the point, the rest from it on (the message itself included).
        if (!point(query.from, false, &p))
            return unknown();
        const int earlier = query.limit / 2;
        a.events = ascending(select(before, {target, p.time, p.id}, true, earlier, query.events));
        a.events += select(QStringLiteral("target = ? AND (time, id) >= (?, ?)"), {target, p.time, p.id}, false,
                           query.limit - earlier, query.events);
        break;
    }
    case HistoryQuery::Kind::Between: {
        Point firstAfter {}, firstBefore {};
        if (!point(query.from, true, &firstAfter) || !point(query.from, false, &firstBefore)
            || !point(query.to, true, &p) || !point(query.to, false, &q))
            return unknown();
        // Forwards when the first bound is the earlier one, else backwards; always reported
        // oldest first.
        const bool forwards = firstBefore.time < q.time || (firstBefore.time == q.time && firstBefore.id < q.id);
        if (forwards) {
            a.events = select(QStringLiteral("target = ? AND (time, id) > (?, ?) AND (time, id) < (?, ?)"),
                              {target, firstAfter.time, firstAfter.id, q.time, q.id}, false, query.limit, query.events);
        } else {
            a.events = ascending(select(QStringLiteral("target = ? AND (time, id) < (?, ?) AND (time, id) > (?, ?)"),
                                        {target, firstBefore.time, firstBefore.id, p.time, p.id}, true, query.limit,
                                        query.events));
        }
        break;
    }
    case HistoryQuery::Kind::Targets: {
        QStringList keys;
        QVariantList values;
        for (const QByteArray &channel : query.channels) {
            keys.append(QStringLiteral("?"));
            values.append(str(channel));
        }
        QByteArray prefixEnd = query.privatePrefix;
        prefixEnd.back() = char(prefixEnd.back() + 1); // the prefix ends in ' ': the next byte
        values += QVariantList {str(query.privatePrefix), str(prefixEnd), qMin(query.from.timeMs, query.to.timeMs),
                                qMax(query.from.timeMs, query.to.timeMs), query.limit};
        QSqlQuery t(m_db);
        t.prepare(QStringLiteral("SELECT target, max(time) AS latest FROM messages WHERE (target IN (%1) OR"
                                 " (target >= ? AND target < ?)) AND time > ? AND time < ? AND command IN"
                                 " ('PRIVMSG', 'NOTICE') GROUP BY target ORDER BY latest, target LIMIT ?")
                      .arg(keys.isEmpty() ? QStringLiteral("NULL") : keys.join(u',')));
        for (const QVariant &v : values)
            t.addBindValue(v);
        if (!t.exec()) {
            a.status = HistoryAnswer::Status::Failed;
            break;
        }
        while (t.next())
            a.targets.append({t.value(0).toString().toUtf8(), t.value(1).toLongLong()});
        break;
    }
    case HistoryQuery::Kind::Search: {
        QSqlQuery s(m_db);
        s.prepare(searchStatement());
        s.addBindValue(searchPattern(query.words));
        s.addBindValue(target);
        s.addBindValue(query.limit);
        if (!s.exec()) {
            a.status = HistoryAnswer::Status::Failed;
            break;
        }
        while (s.next())
            a.events.append(eventFrom(s));
        a.events = ascending(a.events);
        break;
    }
    }
    return a;
}
