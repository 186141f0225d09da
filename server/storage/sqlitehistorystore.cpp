// SPDX-License-Identifier: MIT
#include "sqlitehistorystore.h"

#include "config/serverconfig.h"
#include "config/serverlog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>
#include <QtEndian>
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

} // namespace

SqliteHistoryStore::SqliteHistoryStore(std::shared_ptr<const ServerConfig> config,
                                       std::shared_ptr<HistoryBacklog> backlog, QObject *parent)
    : SqlHistoryStore(std::move(config), std::move(backlog), QStringLiteral("confab-history"), parent)
{
    Q_ASSERT(Migrations.size() == SchemaVersion);
}

SqliteHistoryStore::~SqliteHistoryStore() = default;

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
    return prepareShared(error);
}

void SqliteHistoryStore::close() { closeShared(); }

void SqliteHistoryStore::releaseStatements()
{
    sqlite3_finalize(m_insert);
    m_insert = nullptr;
    sqlite3_finalize(m_insertText);
    m_insertText = nullptr;
    m_handle = nullptr;
}

bool SqliteHistoryStore::canWrite() { return m_insert != nullptr; }

QString SqliteHistoryStore::greatest(const QString &a, const QString &b) const
{
    return QStringLiteral("max(%1, %2)").arg(a, b);
}

QString SqliteHistoryStore::searchStatement() const
{
    // The matching ids first (one pass over the full-text index), then the conversation newest
    // first through its own index until enough of them are found: measured 200 times faster
    // than letting SQLite join the other way round (docs/performance.md).
    return QStringLiteral("SELECT %1 FROM messages WHERE id IN (SELECT rowid FROM messages_fts WHERE"
                          " messages_fts MATCH ?) AND target = ? ORDER BY time DESC, id DESC LIMIT ?")
        .arg(QLatin1String(EventColumns));
}

QString SqliteHistoryStore::searchPattern(const QList<QByteArray> &words) const { return matchExpression(words); }

bool SqliteHistoryStore::writeEvents(const QList<HistoryBatch> &batches, QString *why)
{
    bool ok = true;
    // SQLITE_STATIC: the bytes stay where they are until the statement has run.
    auto bind = [](sqlite3_stmt *st, int column, QByteArrayView bytes) {
        sqlite3_bind_text(st, column, bytes.isEmpty() ? "" : bytes.data(), int(bytes.size()), SQLITE_STATIC);
    };
    auto step = [&](sqlite3_stmt *st) {
        ok = sqlite3_step(st) == SQLITE_DONE;
        if (!ok)
            *why = QString::fromUtf8(sqlite3_errmsg(m_handle));
        sqlite3_reset(st);
    };
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
            return true;
        });
    }
    return ok;
}

QString SqliteHistoryStore::matchExpression(const QList<QByteArray> &words)
{
    QStringList phrases;
    for (const QByteArray &word : words)
        phrases.append(u'"' + QString::fromUtf8(word).replace(u'"', QStringLiteral("\"\"")) + u'"');
    return phrases.join(u' ');
}
