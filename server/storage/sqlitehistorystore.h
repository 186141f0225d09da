// SPDX-License-Identifier: MIT
#pragma once

#include "sqlhistorystore.h"

struct sqlite3;
struct sqlite3_stmt;

// The embedded history store: one SQLite file (Qt's QSQLITE driver), in WAL mode, with a
// versioned schema (PRAGMA user_version and numbered migrations) and full-text search (FTS5).
// A file that is not a Confab database, is damaged or comes from a newer Confab is refused
// untouched.
class SqliteHistoryStore final : public SqlHistoryStore {
    Q_OBJECT
public:
    static constexpr int SchemaVersion = 3;

    SqliteHistoryStore(std::shared_ptr<const ServerConfig> config, std::shared_ptr<HistoryBacklog> backlog,
                       QObject *parent = nullptr);
    ~SqliteHistoryStore() override;

    // The FTS5 MATCH expression for SEARCH's words: every word a quoted string ("" inside
    // stands for "), all of them required, so that nothing the client typed is query syntax.
    static QString matchExpression(const QList<QByteArray> &words);

    bool open(QString *error, QList<ChannelState> *channels, QList<ReadMarker> *markers) override;
    void close() override;

private:
    // Checks what is there before anything may write to it: SQLite's header and the schema
    // version, so that a foreign, corrupt or newer file is refused untouched.
    bool checkExisting(const QString &path, QString *error) const;
    bool migrate(QString *error);
    bool prepare(QString *error);

    bool writeEvents(const QList<HistoryBatch> &batches, QString *why) override;
    bool canWrite() override;
    QString greatest(const QString &a, const QString &b) const override;
    QString searchStatement() const override;
    QString searchPattern(const QList<QByteArray> &words) const override;
    void releaseStatements() override;

    // The hot path, writing events, binds UTF-8 bytes straight to SQLite through the handle of
    // Qt's own connection: through QSqlQuery, converting every value to QString and QVariant and
    // back cost more than SQLite itself (perf, docs/performance.md).
    sqlite3 *m_handle = nullptr;
    sqlite3_stmt *m_insert = nullptr;
    sqlite3_stmt *m_insertText = nullptr;
};
