// SPDX-License-Identifier: MIT
#pragma once

#include "historystore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSqlDatabase>
#include <memory>

class HistoryBacklog;
class QSqlQuery;
struct sqlite3;
struct sqlite3_stmt;
class QTimer;
struct ServerConfig;

// The embedded history store: one SQLite file (Qt's QSQLITE driver), in WAL mode, with a
// versioned schema (PRAGMA user_version and numbered migrations) and full-text search (FTS5).
// It lives in the storage thread and owns its database connection there; writes are gathered
// and committed in one transaction per flush (every FlushIntervalMs, or sooner once
// FlushEvents are waiting). When a write fails (disk full, read-only, locked) the batch is
// dropped and counted, the log says so once per episode, and the next flush tries again.
class SqliteHistoryStore final : public HistoryStore {
    Q_OBJECT
public:
    static constexpr int SchemaVersion = 3;
    static constexpr int FlushIntervalMs = 100;
    static constexpr int FlushEvents = 20000;
    static constexpr int FirstExpireMs = 2000;

    SqliteHistoryStore(std::shared_ptr<const ServerConfig> config, std::shared_ptr<HistoryBacklog> backlog,
                       QObject *parent = nullptr);
    ~SqliteHistoryStore() override;

    // The FTS5 MATCH expression for SEARCH's words: every word a quoted string ("" inside
    // stands for "), all of them required, so that nothing the client typed is query syntax.
    static QString matchExpression(const QList<QByteArray> &words);

    bool open(QString *error, QList<ChannelState> *channels, QList<ReadMarker> *markers) override;
    void close() override;

    void append(const HistoryBatch &events) override;
    void saveChannel(const ChannelState &state) override;
    void saveReadMarker(const ReadMarker &marker) override;
    void query(const HistoryQuery &query) override;

    // The name of the open database connection (QSqlDatabase), for the other stores of this
    // thread; empty when there is none (history could not open a database).
    QString connectionName() const;
    // Whether writes are possible (the file is not read-only).
    bool isWritable() const { return m_writable; }

private:
    // Checks what is there before anything may write to it: SQLite's header and the schema
    // version, so that a foreign, corrupt or newer file is refused untouched.
    bool checkExisting(const QString &path, QString *error) const;
    bool migrate(QString *error);
    bool prepare(QString *error);
    QList<ChannelState> loadChannels();
    QList<ReadMarker> loadReadMarkers();
    void startTimers();
    void flush();
    void expire();
    QList<HistoryEvent> select(const QString &where, const QVariantList &values, bool newestFirst, int limit,
                               bool events);
    bool resolve(const QByteArray &target, const HistoryBound &bound, qint64 *time, qint64 *id);
    HistoryAnswer answer(const HistoryQuery &query);
    // Logs a failed write once per episode.
    void writeFailed(const QString &what, qsizetype lost);

    const std::shared_ptr<const ServerConfig> m_config;
    const std::shared_ptr<HistoryBacklog> m_backlog;
    const QString m_connection; // this object's own QSqlDatabase connection name
    QSqlDatabase m_db;
    // The hot path, writing events, binds UTF-8 bytes straight to SQLite through the handle of
    // Qt's own connection: through QSqlQuery, converting every value to QString and QVariant and
    // back cost more than SQLite itself (perf, docs/performance.md).
    sqlite3 *m_handle = nullptr;
    sqlite3_stmt *m_insert = nullptr;
    sqlite3_stmt *m_insertText = nullptr;
    std::unique_ptr<QSqlQuery> m_saveChannel;
    std::unique_ptr<QSqlQuery> m_touchChannel;
    QHash<std::pair<QByteArray, QByteArray>, qint64> m_pendingMarkers; // (owner, target) -> time
    QList<HistoryBatch> m_pending;                                     // as handed over
    qsizetype m_pendingCount = 0;
    QHash<QByteArray, ChannelState> m_pendingChannels; // by key: only the latest counts
    QTimer *m_flushTimer = nullptr;
    QTimer *m_expireTimer = nullptr;
    bool m_failing = false;
    bool m_writable = false;
    qint64 m_dropped = 0; // in the current failure episode
};
