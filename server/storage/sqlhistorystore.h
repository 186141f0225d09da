// SPDX-License-Identifier: MIT
#pragma once

#include "historystore.h"

#include <QHash>
#include <QSqlDatabase>

#include <memory>

class HistoryBacklog;
class QSqlQuery;
class QTimer;
struct ServerConfig;

// What the SQL engines (SQLite, PostgreSQL) share: one database connection (Qt's QtSql) owned
// in the storage thread, writes gathered and committed in one transaction per flush (every
// FlushIntervalMs, or sooner once FlushEvents are waiting), channels' state and read markers,
// expiry, and every question of CHATHISTORY and SEARCH, in SQL both understand. An engine opens
// and upgrades its database, writes the events themselves as fast as it can, and says how it
// searches. When a write fails (disk full, the server gone) the log and the operators are told
// once per episode, what was to be written is held in memory (at most the history backlog, the
// oldest dropped and counted past it) and tried again every second, in order, until it is
// written; a commit whose outcome is unknown is looked up first, so nothing is written twice.
class SqlHistoryStore : public HistoryStore {
    Q_OBJECT
public:
    static constexpr int FlushIntervalMs = 100;
    static constexpr int FlushEvents = 20000;
    static constexpr int FirstExpireMs = 2000;
    static constexpr int RetryIntervalMs = 1000;

    ~SqlHistoryStore() override;

    void append(const HistoryBatch &events) override;
    void saveChannel(const ChannelState &state) override;
    void saveReadMarker(const ReadMarker &marker) override;
    void query(const HistoryQuery &query) override;

    // The name of the open database connection (QSqlDatabase), for the other stores of this
    // thread; empty when there is none (history could not open a database).
    QString connectionName() const;
    // Whether writes are possible (the database is not read-only).
    bool isWritable() const { return m_writable; }

protected:
    SqlHistoryStore(std::shared_ptr<const ServerConfig> config, std::shared_ptr<HistoryBacklog> backlog,
                    const QString &connectionPrefix, QObject *parent);

    // The engine's part. In the flush's transaction: writes the batches' events in order.
    virtual bool writeEvents(const QList<HistoryBatch> &batches, QString *why) = 0;
    // Whether a flush can write at all (false: what it has is counted as lost).
    virtual bool canWrite() = 0;
    // SQL that differs: the larger of two values, and SEARCH (a statement with three
    // placeholders, the pattern, the target and the limit, giving EventColumns newest first,
    // and the pattern for the words).
    virtual QString greatest(const QString &a, const QString &b) const = 0;
    virtual QString searchStatement() const = 0;
    virtual QString searchPattern(const QList<QByteArray> &words) const = 0;
    // Before the connection closes: the engine lets go of what it holds of it.
    virtual void releaseStatements() { }

    // For the engines' open(): after the schema is current.
    bool prepareShared(QString *error);
    QList<ChannelState> loadChannels();
    QList<ReadMarker> loadReadMarkers();
    void startTimers();
    // For the engines' close(): writes what is pending and closes the connection.
    void closeShared();
    // Every prepared statement, the engine's and the shared ones, before the connection goes.
    void dropStatements();
    void flush();
    void writeFailed(const QString &what, qsizetype lost);
    // One flush's events in one transaction; *committing once the commit was asked for.
    bool writeUnit(const QList<HistoryBatch> &batches, QString *why, bool *committing);
    bool writeState(const QHash<QByteArray, ChannelState> &channels,
                    const QHash<std::pair<QByteArray, QByteArray>, qint64> &markers, QString *why);
    // Commits the transaction if all went well (else rolls it back); false with *why if not.
    bool finish(bool ok, QString *why);
    // Whether a flush whose commit failed was written after all (its first event is there).
    bool alreadyWritten(const QList<HistoryBatch> &batches);

    static constexpr const char *EventColumns = "msgid, time, target, command, source, params, text, tags";

    const std::shared_ptr<const ServerConfig> m_config;
    const std::shared_ptr<HistoryBacklog> m_backlog;
    const QString m_connection; // this object's own QSqlDatabase connection name
    QSqlDatabase m_db;
    bool m_failing = false;
    bool m_writable = false;

private:
    void expire();
    QList<HistoryEvent> select(const QString &where, const QVariantList &values, bool newestFirst, int limit,
                               bool events);
    bool resolve(const QByteArray &target, const HistoryBound &bound, qint64 *time, qint64 *id);
    HistoryAnswer answer(const HistoryQuery &query);

    std::unique_ptr<QSqlQuery> m_saveChannel;
    std::unique_ptr<QSqlQuery> m_touchChannel;
    QHash<std::pair<QByteArray, QByteArray>, qint64> m_pendingMarkers; // (owner, target) -> time
    QList<HistoryBatch> m_pending;                                     // as handed over
    qsizetype m_pendingCount = 0;
    QHash<QByteArray, ChannelState> m_pendingChannels; // by key: only the latest counts
    QTimer *m_flushTimer = nullptr;
    QTimer *m_expireTimer = nullptr;
    qint64 m_dropped = 0; // in the current failure episode: not held (past the bound)
    qint64 m_written = 0; // in the current failure episode: held, then written
    struct HeldWrite {
        QList<HistoryBatch> batches;
        qsizetype count = 0;
        bool maybeWritten = false;
    };
    QList<HeldWrite> m_held; // flushes not written yet, oldest first
    qsizetype m_heldCount = 0;
};
