// SPDX-License-Identifier: MIT
#include "sqlaccountstore.h"

#include "config/serverlog.h"
#include "protocol/ircnames.h"
#include "sqlhistorystore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

SqlAccountStore::SqlAccountStore(SqlHistoryStore &database, QObject *parent)
    : AccountStore(parent)
    , m_database(database)
{
}

bool SqlAccountStore::load(QString *error, QList<AccountRecord> *accounts)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QString connection = m_database.connectionName();
    if (connection.isEmpty()) {
        *error = QStringLiteral("no database is open");
        return false;
    }
    m_db = QSqlDatabase::database(connection, false);
    if (!read({}, accounts, error)) {
        m_db = QSqlDatabase();
        return false;
    }
    return true;
}

bool SqlAccountStore::read(const QString &key, QList<AccountRecord> *accounts, QString *error)
{
    // Every account, or the one whose key is `key`.
    const QString where = key.isNull() ? QString() : QStringLiteral(" WHERE key = ?");
    QHash<QByteArray, qsizetype> byKey;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT key, name, salt, iterations, stored_key, server_key, created_at FROM accounts")
              + where);
    if (!key.isNull())
        q.addBindValue(key);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    while (q.next()) {
        AccountRecord record;
        record.name = q.value(1).toString().toUtf8();
        record.verifier
            = {q.value(2).toByteArray(), q.value(3).toInt(), q.value(4).toByteArray(), q.value(5).toByteArray()};
        record.createdAt = q.value(6).toLongLong();
        byKey.insert(q.value(0).toString().toUtf8(), accounts->size());
        accounts->append(record);
    }
    q.prepare(QStringLiteral("SELECT account, fingerprint FROM account_certs")
              + (key.isNull() ? QString() : QStringLiteral(" WHERE account = ?")));
    if (!key.isNull())
        q.addBindValue(key);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    while (q.next()) {
        const qsizetype index = byKey.value(q.value(0).toString().toUtf8(), -1);
        if (index >= 0)
            (*accounts)[index].certificates.append(q.value(1).toString().toUtf8());
    }
    return true;
}

void SqlAccountStore::reload(const QByteArray &name)
{
    QList<AccountRecord> found;
    QString error;
    if (!m_db.isOpen() || !read(QString::fromUtf8(IrcNames::fold(name)), &found, &error)) {
        qCWarning(lcServer, "accounts: cannot read account %s again: %s", name.constData(),
                  qPrintable(error.isEmpty() ? QStringLiteral("no database is open") : error));
        return; // the registry keeps what it had
    }
    Q_EMIT reloaded(name, found.value(0), !found.isEmpty());
}

void SqlAccountStore::close() { m_db = QSqlDatabase(); }

void SqlAccountStore::write(const AccountWrite &change)
{
    const QString error = apply(change);
    if (!error.isEmpty())
        qCWarning(lcServer, "accounts: cannot write account %s: %s", change.record.name.constData(), qPrintable(error));
    Q_EMIT written(change.request, error);
}

QString SqlAccountStore::apply(const AccountWrite &change)
{
    if (!m_db.isOpen())
        return QStringLiteral("no database is open");
    if (!m_database.isWritable())
        return QStringLiteral("the database is read-only");
    const QString key = QString::fromUtf8(IrcNames::fold(change.record.name));
    if (!m_db.transaction())
        return m_db.lastError().text();
    QSqlQuery q(m_db);
    auto failed = [&] {
        const QString why = q.lastError().text();
        m_db.rollback();
        return why;
    };
    q.prepare(QStringLiteral("DELETE FROM account_certs WHERE account = ?"));
    q.addBindValue(key);
    if (!q.exec())
        return failed();
    if (change.operation == AccountWrite::Drop) {
        q.prepare(QStringLiteral("DELETE FROM accounts WHERE key = ?"));
        q.addBindValue(key);
        if (!q.exec())
            return failed();
    } else {
        const AccountRecord &r = change.record;
        q.prepare(
            QStringLiteral("INSERT INTO accounts (key, name, salt, iterations, stored_key, server_key, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET name = excluded.name,"
                           " salt = excluded.salt, iterations = excluded.iterations,"
                           " stored_key = excluded.stored_key, server_key = excluded.server_key,"
                           " created_at = excluded.created_at"));
        q.addBindValue(key);
        q.addBindValue(QString::fromUtf8(r.name));
        q.addBindValue(r.verifier.salt);
        q.addBindValue(r.verifier.iterations);
        q.addBindValue(r.verifier.storedKey);
        q.addBindValue(r.verifier.serverKey);
        q.addBindValue(r.createdAt);
        if (!q.exec())
            return failed();
        for (const QByteArray &fingerprint : r.certificates) {
            q.prepare(QStringLiteral("INSERT INTO account_certs (fingerprint, account) VALUES (?, ?)"
                                     " ON CONFLICT (fingerprint) DO UPDATE SET account = excluded.account"));
            q.addBindValue(QString::fromLatin1(fingerprint));
            q.addBindValue(key);
            if (!q.exec())
                return failed();
        }
    }
    if (!m_db.commit())
        return failed();
    return {};
}
