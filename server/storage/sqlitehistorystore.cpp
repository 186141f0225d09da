// SPDX-License-Identifier: MIT
#include "sqlitehistorystore.h"

#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "historybacklog.h"
#include "historykey.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QtEndian>
#include <limits>
#include <sqlite3.h>

namespace {

// Numbered migrations: entry i takes a database from version i to version i + 1. A step is never
// changed once released; a new version appends one. This store opens the database, so the schema
// of every table in it is here, the accounts' too.
const QList<QStringList> Migrations = {
    {
        // Every event, in the order it was relayed. Its parameters but the last are in `params`,
        // joined by newlines (no IRC parameter holds one; the first is never empty); the last, a
        // message's text, is in `text`, which the full-text index reads.
        QStringLiteral("CREATE TABLE messages ("
                       " id INTEGER PRIMARY KEY,"
                       " msgid TEXT NOT NULL,"
                       " time INTEGER NOT NULL,"
                       " target TEXT NOT NULL,"
                       " command TEXT NOT NULL,"
                       " source TEXT NOT NULL,"
                       " params TEXT NOT NULL,"
                       " text TEXT NOT NULL,"
                       " tags TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX messages_by_target ON messages (target, time, id)"),
        // The full-text index of messages' text (not of other events'), filled by the store as it
        // inserts (a trigger measured three times slower) and emptied by a trigger as rows go.
        // No sizes per row (columnsize=0: nothing is ranked), and segments merged in larger steps:
        // each saves indexing work on every insert (measured: docs/performance.md).
        QStringLiteral("CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content='messages', content_rowid='id',"
                       " columnsize=0)"),
        QStringLiteral("INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 16)"),
        QStringLiteral("INSERT INTO messages_fts (messages_fts, rank) VALUES ('crisismerge', 64)"),
        QStringLiteral(
            "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
            " WHEN old.command IN ('PRIVMSG', 'NOTICE') BEGIN"
            " INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END"),
        // What a channel keeps. `bans` holds "mask setter time" lines.
        QStringLiteral("CREATE TABLE channels ("
                       " key TEXT PRIMARY KEY,"
                       " name TEXT NOT NULL,"
                       " topic TEXT NOT NULL DEFAULT '',"
                       " topic_set_by TEXT NOT NULL DEFAULT '',"
                       " topic_set_at INTEGER NOT NULL DEFAULT 0,"
                       " created_at INTEGER NOT NULL DEFAULT 0,"
                       " modes TEXT NOT NULL DEFAULT '',"
                       " chan_key TEXT NOT NULL DEFAULT '',"
                       " user_limit INTEGER NOT NULL DEFAULT 0,"
                       " bans TEXT NOT NULL DEFAULT '',"
                       " used_at INTEGER NOT NULL) WITHOUT ROWID"),
    },
    {
        // Accounts (SqliteAccountStore reads and writes them through this store's connection):
        // SCRAM-SHA-256 verifiers, never a password. `key` is the folded name.
        QStringLiteral("CREATE TABLE accounts ("
                       " key TEXT PRIMARY KEY,"
                       " name TEXT NOT NULL,"
                       " salt BLOB NOT NULL,"
                       " iterations INTEGER NOT NULL,"
                       " stored_key BLOB NOT NULL,"
                       " server_key BLOB NOT NULL,"
                       " created_at INTEGER NOT NULL) WITHOUT ROWID"),
        // Client certificates' SHA-256 fingerprints (lowercase hex) for SASL EXTERNAL.
        QStringLiteral("CREATE TABLE account_certs ("
                       " fingerprint TEXT PRIMARY KEY,"
                       " account TEXT NOT NULL) WITHOUT ROWID"),
        QStringLiteral("CREATE INDEX account_certs_by_account ON account_certs (account)"),
    },
    {
        // Read markers (draft/read-marker): where each user has read up to in each conversation.
        // `owner` is "@account" or a nick, folded; `target` a folded channel or nick.
        QStringLiteral("CREATE TABLE read_markers ("
                       " owner TEXT NOT NULL,"
                       " target TEXT NOT NULL,"
                       " time INTEGER NOT NULL,"
                       " PRIMARY KEY (owner, target)) WITHOUT ROWID"),
    },
};
static_assert(true, "SchemaVersion must equal Migrations.size()");

constexpr qint64 MaxId = std::numeric_limits<qint64>::max();
// Expiry deletes this many rows per transaction, so that queries are never held up for long.
constexpr int ExpireChunk = 5000;
constexpr int ExpireIntervalMs = 3600 * 1000;
const char EventColumns[] = "msgid, time, target, command, source, params, text, tags";

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

SqliteHistoryStore::SqliteHistoryStore(std::shared_ptr<const ServerConfig> config,
                                       std::shared_ptr<HistoryBacklog> backlog, QObject *parent)
    : HistoryStore(parent)
    , m_config(std::move(config))
    , m_backlog(std::move(backlog))
    , m_connection(QStringLiteral("confab-history-%1").arg(quintptr(this)))
{
    Q_ASSERT(Migrations.size() == SchemaVersion);
}

SqliteHistoryStore::~SqliteHistoryStore() { Q_ASSERT(!m_db.isValid()); }

bool SqliteHistoryStore::checkExisting(const QString &path, QString *error) const
{
    QFile file(path);
    if (!file.exists() || file.size() == 0)
        return true; // a new database (SQLite takes an empty file as one)
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the database %1: %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray header = file.read(100);
    if (header.size() < 100 || !header.startsWith(QByteArrayView("SQLite format 3\0", 16))) {
        *error = QStringLiteral("%1 is not a Confab database (not SQLite); it was not opened or changed").arg(path);
        return false;
    }
    // The schema version is PRAGMA user_version, a big-endian integer at offset 60.
    const qint32 version = qFromBigEndian<qint32>(header.constData() + 60);
    if (version > SchemaVersion) {
        *error = QStringLiteral("%1 is from a newer Confab (schema version %2; this one knows up to %3); it was not "
                                "opened or changed")
                     .arg(path)
                     .arg(version)
                     .arg(SchemaVersion);
        return false;
    }
    return true;
}

bool SqliteHistoryStore::open(QString *error, QList<ChannelState> *channels, QList<ReadMarker> *markers)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QString path = m_config->database;
    const bool inMemory = path == u":memory:";
    bool writable = true;
    if (!inMemory) {
        if (!checkExisting(path, error))
            return false;
        const QFileInfo file(path);
        QDir().mkpath(file.absolutePath());
        writable = QFileInfo(file.absolutePath()).isWritable() && (!file.exists() || file.isWritable());
        if (!writable && !file.exists()) {
            // Chat needs no database: it goes on, and says so.
            qCWarning(lcServer, "history: cannot create %s (not writable); chat goes on, but no history is kept",
                      qPrintable(path));
            m_failing = true;
            startTimers();
            return true;
        }
    }
    // Every connection of this process is used by one thread at a time (each store its own), so
    // SQLite's multi-thread mode serves, without the lock it takes on every call in its default
    // serialised mode; and nothing reads its memory statistics, which cost a lock on every
    // allocation. Only possible before SQLite's first use in the process; otherwise the defaults
    // stay, which are merely slower.
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    Q_UNUSED(configured);
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (writable) {
        m_db.setDatabaseName(path);
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
    } else {
        // On a read-only file system a WAL database opens only as immutable: nobody writes it.
        m_db.setDatabaseName(QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toString(QUrl::FullyEncoded)
                             + QStringLiteral("?mode=ro&immutable=1"));
        m_db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY"));
    }
    auto refuse = [&](const QString &why) {
        *error = why;
        close();
        return false;
    };
    if (!m_db.open())
        return refuse(QStringLiteral("cannot open %1: %2").arg(path, m_db.lastError().text()));
    // Read before anything writes: a damaged file fails here, and a newer version that the
    // header did not show (still in the write-ahead log) is caught.
    int version = 0;
    {
        QSqlQuery check(m_db);
        if (!check.exec(QStringLiteral("PRAGMA user_version")) || !check.next())
            return refuse(QStringLiteral("%1 cannot be read as a Confab database (%2); it was not changed")
                              .arg(path, check.lastError().text()));
        version = check.value(0).toInt();
        if (version > SchemaVersion)
            return refuse(QStringLiteral("%1 is from a newer Confab (schema version %2; this one knows up to %3); it "
                                         "was not changed")
                              .arg(path)
                              .arg(version)
                              .arg(SchemaVersion));
        if (!check.exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")))
            return refuse(QStringLiteral("%1 is damaged (%2); it was not changed").arg(path, check.lastError().text()));
        // A new database gets 16 KB pages (measured: fewer, fuller pages for what is only ever
        // appended); it must be said before anything is written.
        if (writable && version == 0)
            check.exec(QStringLiteral("PRAGMA page_size=16384"));
        // WAL: readers never wait for the writer, and a commit costs no fsync (synchronous=NORMAL
        // keeps every commit across a crash of the process; only a power cut may lose the last).
        if (writable
            && (!check.exec(QStringLiteral("PRAGMA journal_mode=WAL"))
                || !check.exec(QStringLiteral("PRAGMA synchronous=NORMAL"))
                // The indexes' pages stay in memory between flushes.
                || !check.exec(QStringLiteral("PRAGMA cache_size=-16384"))
                || !check.exec(QStringLiteral("PRAGMA mmap_size=268435456"))))
            return refuse(QStringLiteral("cannot set up %1: %2").arg(path, check.lastError().text()));
    }
    if (!writable) {
        m_failing = true; // every write would fail: this is the one warning for them
        if (version < SchemaVersion) {
            qCWarning(lcServer, "history: %s is read-only and needs an upgrade; chat goes on without history",
                      qPrintable(path));
            close();
            startTimers();
            return true;
        }
        qCWarning(lcServer,
                  "history: %s is read-only; chat goes on and its history can be read, but nothing new is "
                  "kept",
                  qPrintable(path));
    } else if (!migrate(error) || !prepare(error)) {
        close();
        return false;
    }
    m_writable = writable;
    *channels = loadChannels();
    *markers = loadReadMarkers();
    startTimers();
    return true;
}

QString SqliteHistoryStore::connectionName() const { return m_db.isOpen() ? m_connection : QString(); }

void SqliteHistoryStore::startTimers()
{
    m_flushTimer = new QTimer(this);
    m_flushTimer->setSingleShot(true);
    connect(m_flushTimer, &QTimer::timeout, this, &SqliteHistoryStore::flush);
    m_expireTimer = new QTimer(this);
    connect(m_expireTimer, &QTimer::timeout, this, &SqliteHistoryStore::expire);
    // The first expiry runs soon after the server has started, then hourly. Not at once: on a
    // million rows its scans take 0.1 s, which the start-up's next calls into this thread (the
    // accounts) would wait for before the server listens.
    m_expireTimer->start(FirstExpireMs);
}

bool SqliteHistoryStore::migrate(QString *error)
{
    QSqlQuery q(m_db);
    q.exec(QStringLiteral("PRAGMA user_version"));
    q.next();
    const int from = q.value(0).toInt();
    for (int version = from; version < SchemaVersion; ++version) {
        m_db.transaction();
        for (const QString &statement : Migrations.at(version)) {
            if (!q.exec(statement)) {
                *error = QStringLiteral("cannot upgrade the database to schema version %1: %2")
                             .arg(version + 1)
                             .arg(q.lastError().text());
                m_db.rollback();
                return false;
            }
        }
        q.exec(QStringLiteral("PRAGMA user_version=%1").arg(version + 1));
        if (!m_db.commit()) {
            *error = QStringLiteral("cannot upgrade the database: %1").arg(m_db.lastError().text());
            return false;
        }
        if (version > 0)
            qCInfo(lcServer, "history: database upgraded to schema version %d", version + 1);
    }
    return true;
}

bool SqliteHistoryStore::prepare(QString *error)
{
    const QVariant handle = m_db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0) {
        *error = QStringLiteral("the SQLite driver gives no handle to its connection");
        return false;
    }
    m_handle = *static_cast<sqlite3 *const *>(handle.constData());
    const QByteArray insert = "INSERT INTO messages (" + QByteArray(EventColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    if (sqlite3_prepare_v2(m_handle, insert.constData(), -1, &m_insert, nullptr) != SQLITE_OK
        || sqlite3_prepare_v2(m_handle, "INSERT INTO messages_fts (rowid, text) VALUES (?, ?)", -1, &m_insertText,
                              nullptr)
               != SQLITE_OK) {
        *error = QStringLiteral("cannot prepare the database's statements: %1")
                     .arg(QString::fromUtf8(sqlite3_errmsg(m_handle)));
        return false;
    }
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
                             " ON CONFLICT (key) DO UPDATE SET used_at = max(used_at, excluded.used_at)"));
    if (!ok)
        *error = QStringLiteral("cannot prepare the database's statements: %1").arg(m_saveChannel->lastError().text());
    return ok;
}

QList<ChannelState> SqliteHistoryStore::loadChannels()
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

void SqliteHistoryStore::close()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_db.isOpen())
        flush();
    delete m_flushTimer;
    m_flushTimer = nullptr;
    delete m_expireTimer;
    m_expireTimer = nullptr;
    sqlite3_finalize(m_insert);
    m_insert = nullptr;
    sqlite3_finalize(m_insertText);
    m_insertText = nullptr;
    m_handle = nullptr;
    m_saveChannel.reset();
    m_touchChannel.reset();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

void SqliteHistoryStore::append(const HistoryBatch &events)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_pending.append(events); // the hub's buffer itself, shared: no event is copied
    m_pendingCount += events.size();
    if (m_pendingCount >= FlushEvents)
        flush();
    else if (m_flushTimer && !m_flushTimer->isActive())
        m_flushTimer->start(FlushIntervalMs);
}

QList<ReadMarker> SqliteHistoryStore::loadReadMarkers()
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

void SqliteHistoryStore::saveReadMarker(const ReadMarker &marker)
{
    Q_ASSERT(QThread::currentThread() == thread());
    qint64 &time = m_pendingMarkers[{marker.owner, marker.target}];
    time = std::max(time, marker.timeMs);
    if (m_flushTimer && !m_flushTimer->isActive())
        m_flushTimer->start(FlushIntervalMs);
}

void SqliteHistoryStore::saveChannel(const ChannelState &state)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_pendingChannels.insert(HistoryKey::channel(state.name), state);
    if (m_flushTimer && !m_flushTimer->isActive())
        m_flushTimer->start(FlushIntervalMs);
}

void SqliteHistoryStore::flush()
{
    if (m_flushTimer)
        m_flushTimer->stop();
    const QList<HistoryBatch> batches = std::exchange(m_pending, {});
    const qsizetype count = std::exchange(m_pendingCount, 0);
    const QHash<QByteArray, ChannelState> channels = std::exchange(m_pendingChannels, {});
    const QHash<std::pair<QByteArray, QByteArray>, qint64> markers = std::exchange(m_pendingMarkers, {});
    if (count == 0 && channels.isEmpty() && markers.isEmpty())
        return;
    if (!m_insert) { // no database, or a read-only one
        m_backlog->done(count);
        writeFailed(QStringLiteral("not writable"), count);
        return;
    }
    // Channels with something new: their last use, for what is remembered across restarts.
    QHash<QByteArray, std::pair<QByteArray, qint64>> used;
    bool ok = m_db.transaction();
    QString why = ok ? QString() : m_db.lastError().text();
    auto run = [&](QSqlQuery &q) {
        ok = q.exec();
        if (!ok)
            why = q.lastError().text();
    };
    // SQLITE_STATIC: the bytes stay where they are until the statement has run.
    auto bind = [](sqlite3_stmt *st, int column, QByteArrayView bytes) {
        sqlite3_bind_text(st, column, bytes.isEmpty() ? "" : bytes.data(), int(bytes.size()), SQLITE_STATIC);
    };
    auto step = [&](sqlite3_stmt *st) {
        ok = sqlite3_step(st) == SQLITE_DONE;
        if (!ok)
            why = QString::fromUtf8(sqlite3_errmsg(m_handle));
        sqlite3_reset(st);
    };
    QByteArrayView lastTarget;
    std::pair<QByteArray, qint64> *lastUse = nullptr;
    for (const HistoryBatch &events : batches) {
        events.forEach([&](const HistoryBatch::Entry &e) {
            if (!ok)
                return false;
            bind(m_insert, 1, e.msgid);
            sqlite3_bind_int64(m_insert, 2, e.timeMs);
            bind(m_insert, 3, e.target);
            bind(m_insert, 4, e.command);
            bind(m_insert, 5, e.source);
            bind(m_insert, 6, e.params);
            bind(m_insert, 7, e.text);
            bind(m_insert, 8, e.tags);
            step(m_insert);
            if (ok && e.isMessage) {
                sqlite3_bind_int64(m_insertText, 1, sqlite3_last_insert_rowid(m_handle));
                bind(m_insertText, 2, e.text);
                step(m_insertText);
            }
            if (!HistoryKey::isPrivate(e.target) && !e.first.isEmpty()) {
                // A batch is mostly runs of one channel: one lookup per run.
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
    for (auto it = channels.cbegin(); ok && it != channels.cend(); ++it) {
        const ChannelState &s = it.value();
        for (const QVariant &v :
             QVariantList {str(it.key()), str(s.name), str(s.topic), str(s.topicSetBy), s.topicSetAt, s.createdAt,
                           modesOf(s), str(s.key), s.limit, bansOf(s), s.usedAtMs})
            m_saveChannel->addBindValue(v);
        run(*m_saveChannel);
    }
    for (auto it = used.cbegin(); ok && it != used.cend(); ++it) {
        m_touchChannel->addBindValue(str(it.key()));
        m_touchChannel->addBindValue(str(it.value().first));
        m_touchChannel->addBindValue(it.value().second);
        run(*m_touchChannel);
    }
    if (!markers.isEmpty()) {
        // Only ever forwards, whatever order the writes come in.
        QSqlQuery mark(m_db);
        mark.prepare(QStringLiteral("INSERT INTO read_markers (owner, target, time) VALUES (?, ?, ?)"
                                    " ON CONFLICT (owner, target) DO UPDATE SET time = max(time, excluded.time)"));
        for (auto it = markers.cbegin(); ok && it != markers.cend(); ++it) {
            mark.addBindValue(str(it.key().first));
            mark.addBindValue(str(it.key().second));
            mark.addBindValue(it.value());
            run(mark);
        }
    }
    if (ok) {
        ok = m_db.commit();
        if (!ok)
            why = m_db.lastError().text();
    }
    m_backlog->done(count);
    if (!ok) {
        m_db.rollback();
        writeFailed(why, count);
        return;
    }
    if (m_failing) {
        qCWarning(lcServer, "history: recording again; %lld events were not recorded meanwhile", m_dropped);
        m_failing = false;
        m_dropped = 0;
    }
}

void SqliteHistoryStore::writeFailed(const QString &what, qsizetype lost)
{
    m_dropped += lost;
    if (m_failing)
        return;
    m_failing = true;
    qCWarning(lcServer,
              "history: cannot write to the database (%s); chat goes on, but events are not recorded "
              "until writing works again",
              qPrintable(what));
}

void SqliteHistoryStore::expire()
{
    m_expireTimer->start(ExpireIntervalMs);
    flush();
    if (!m_insert)
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

QList<HistoryEvent> SqliteHistoryStore::select(const QString &where, const QVariantList &values, bool newestFirst,
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

bool SqliteHistoryStore::resolve(const QByteArray &target, const HistoryBound &bound, qint64 *time, qint64 *id)
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

QString SqliteHistoryStore::matchExpression(const QList<QByteArray> &words)
{
    QStringList phrases;
    for (const QByteArray &word : words)
        phrases.append(u'"' + QString::fromUtf8(word).replace(u'"', QStringLiteral("\"\"")) + u'"');
    return phrases.join(u' ');
}

void SqliteHistoryStore::query(const HistoryQuery &query)
{
    Q_ASSERT(QThread::currentThread() == thread());
    // What was relayed before the question must be in the answer.
    flush();
    Q_EMIT answered(answer(query));
}

HistoryAnswer SqliteHistoryStore::answer(const HistoryQuery &query)
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
        // The matching ids first (one pass over the full-text index), then the conversation
        // newest first through its own index until enough of them are found: measured 200 times
        // faster than letting SQLite join the other way round (docs/performance.md).
        s.prepare(QStringLiteral("SELECT %1 FROM messages WHERE id IN (SELECT rowid FROM messages_fts WHERE"
                                 " messages_fts MATCH ?) AND target = ? ORDER BY time DESC, id DESC LIMIT ?")
                      .arg(QLatin1String(EventColumns)));
        s.addBindValue(matchExpression(query.words));
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
