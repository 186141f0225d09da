// SPDX-License-Identifier: MIT
#pragma once

#include "config/postgresaddress.h"
#include "sqlhistorystore.h"

#include <QElapsedTimer>

// History and accounts in PostgreSQL (Qt's QPSQL driver), for several nodes sharing one
// database (docs/cluster.md): --database postgresql://USER:PASSWORD@HOST:PORT/DB. The schema is
// the SQLite one where SQL allows, with a version in confab_schema and numbered migrations run
// under an advisory lock (nodes starting together upgrade once); full-text search is a tsvector
// column with a GIN index. A database from a newer Confab, or one that holds tables of
// something else, is refused untouched. When PostgreSQL goes away, chat goes on: writes are
// counted as lost and the log says so once, and the store reconnects by itself (at most once a
// second) when it next has something to write or a question to answer.
class PostgresHistoryStore final : public SqlHistoryStore {
    Q_OBJECT
public:
    static constexpr int SchemaVersion = 1;
    // Events written per INSERT statement (8 parameters each, far below PostgreSQL's 65535).
    static constexpr int InsertRows = 500;

    PostgresHistoryStore(std::shared_ptr<const ServerConfig> config, std::shared_ptr<HistoryBacklog> backlog,
                         QObject *parent = nullptr);
    ~PostgresHistoryStore() override;

    // SEARCH's words as a websearch_to_tsquery() expression: each word a quoted phrase, all of
    // them required, so that nothing the client typed is query syntax.
    static QString searchExpression(const QList<QByteArray> &words);

    bool open(QString *error, QList<ChannelState> *channels, QList<ReadMarker> *markers) override;
    void close() override;

private:
    bool connectToServer(QString *error);
    bool checkExisting(QString *error);
    bool migrate(QString *error);

    bool writeEvents(const QList<HistoryBatch> &batches, QString *why) override;
    bool canWrite() override;
    QString greatest(const QString &a, const QString &b) const override;
    QString searchStatement() const override;
    QString searchPattern(const QList<QByteArray> &words) const override;
    void releaseStatements() override;

    PostgresAddress m_address;
    std::unique_ptr<QSqlQuery> m_insertFull; // InsertRows rows at once
    QElapsedTimer m_lastReconnect;
};
