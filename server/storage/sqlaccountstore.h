// SPDX-License-Identifier: MIT
#pragma once

#include "accountstore.h"

#include <QSqlDatabase>

class SqlHistoryStore;

// Accounts in the database that the history store opens (SQLite or PostgreSQL): the same
// connection, in the same storage thread, so that accounts and history share one schema version
// and one backup. Its SQL is what both engines understand.
class SqlAccountStore final : public AccountStore {
    Q_OBJECT
public:
    explicit SqlAccountStore(SqlHistoryStore &database, QObject *parent = nullptr);

    // After the history store has opened the database.
    bool load(QString *error, QList<AccountRecord> *accounts) override;
    // Before the history store closes it.
    void close() override;

    void write(const AccountWrite &change) override;
    void reload(const QByteArray &name) override;

private:
    QString apply(const AccountWrite &change);
    // Appends every account (key null) or the one with this folded key.
    bool read(const QString &key, QList<AccountRecord> *accounts, QString *error);

    SqlHistoryStore &m_database;
    QSqlDatabase m_db;
};
