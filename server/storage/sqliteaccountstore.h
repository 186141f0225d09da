// SPDX-License-Identifier: MIT
#pragma once

#include "accountstore.h"

#include <QSqlDatabase>

class SqliteHistoryStore;

// Accounts in the SQLite database that the history store opens: the same file and connection, in
// the same storage thread, so that accounts and history share one schema version and one backup.
class SqliteAccountStore final : public AccountStore {
    Q_OBJECT
public:
    explicit SqliteAccountStore(SqliteHistoryStore &database, QObject *parent = nullptr);

    // After the history store has opened the database.
    bool load(QString *error, QList<AccountRecord> *accounts) override;
    // Before the history store closes it.
    void close() override;

    void write(const AccountWrite &change) override;

private:
    QString apply(const AccountWrite &change);

    SqliteHistoryStore &m_database;
    QSqlDatabase m_db;
};
