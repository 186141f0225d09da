// SPDX-License-Identifier: MIT
#include "postgreshistorystore.h"

#include "config/serverconfig.h"
#include "config/serverlog.h"
#include "historybacklog.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

namespace {

// Numbered migrations, as SQLite's (entry i takes the schema from version i to i + 1). Columns
// compared as byte strings (targets, keys) use the "C" collation, so that ranges and order mean
// the same as in SQLite whatever the database's locale.
const QList<QStringList> Migrations = {
    {
        QStringLiteral("CREATE TABLE messages ("
                       " id bigserial PRIMARY KEY,"
                       " msgid text NOT NULL,"
                       " time bigint NOT NULL,"
                       " target text COLLATE \"C\" NOT NULL,"
                       " command text NOT NULL,"
                       " source text NOT NULL,"
                       " params text NOT NULL,"
                       " text text NOT NULL,"
                       " tags text NOT NULL,"
                       // Only messages' text is searched; 'simple': words as typed, no stemming.
                       " search tsvector GENERATED ALWAYS AS (CASE WHEN command IN ('PRIVMSG', 'NOTICE')"
                       " THEN to_tsvector('simple', text) END) STORED)"),
        QStringLiteral("CREATE INDEX messages_by_target ON messages (target, time, id)"),
        QStringLiteral("CREATE INDEX messages_search ON messages USING gin (search)"),
        QStringLiteral("CREATE TABLE channels ("
                       " key text COLLATE \"C\" PRIMARY KEY,"
                       " name text NOT NULL,"
                       " topic text NOT NULL DEFAULT '',"
                       " topic_set_by text NOT NULL DEFAULT '',"
                       " topic_set_at bigint NOT NULL DEFAULT 0,"
                       " created_at bigint NOT NULL DEFAULT 0,"
                       " modes text NOT NULL DEFAULT '',"
                       " chan_key text NOT NULL DEFAULT '',"
                       " user_limit integer NOT NULL DEFAULT 0,"
                       " bans text NOT NULL DEFAULT '',"
                       " used_at bigint NOT NULL)"),
        QStringLiteral("CREATE TABLE accounts ("
                       " key text COLLATE \"C\" PRIMARY KEY,"
                       " name text NOT NULL,"
                       " salt bytea NOT NULL,"
                       " iterations integer NOT NULL,"
                       " stored_key bytea NOT NULL,"
                       " server_key bytea NOT NULL,"
                       " created_at bigint NOT NULL)"),
        QStringLiteral("CREATE TABLE account_certs ("
                       " fingerprint text COLLATE \"C\" PRIMARY KEY,"
                       " account text COLLATE \"C\" NOT NULL)"),
        QStringLiteral("CREATE INDEX account_certs_by_account ON account_certs (account)"),
        QStringLiteral("CREATE TABLE read_markers ("
                       " owner text COLLATE \"C\" NOT NULL,"
                       " target text COLLATE \"C\" NOT NULL,"
                       " time bigint NOT NULL,"
                       " PRIMARY KEY (owner, target))"),
    },
};

// Any number, the same for every Confab: nodes that start together take turns to upgrade.
constexpr qint64 MigrationLock = 0x636f6e666162; // "confab"
constexpr int ReconnectEveryMs = 1000;

QString insertStatement(int rows)
{
    QStringList values;
    values.reserve(rows);
    for (int i = 0; i < rows; ++i)
        values.append(QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?)"));
    return QStringLiteral("INSERT INTO messages (msgid, time, target, command, source, params, text, tags) VALUES ")
           + values.join(u',');
}

QString text(QByteArrayView bytes) { return bytes.isEmpty() ? QStringLiteral("") : QString::fromUtf8(bytes); }

} // namespace

PostgresHistoryStore::PostgresHistoryStore(std::shared_ptr<const ServerConfig> config,
                                           std::shared_ptr<HistoryBacklog> backlog, QObject *parent)
    : SqlHistoryStore(std::move(config), std::move(backlog), QStringLiteral("confab-postgres"), parent)
{
    Q_ASSERT(Migrations.size() == SchemaVersion);
}

PostgresHistoryStore::~PostgresHistoryStore() = default;

bool PostgresHistoryStore::connectToServer(QString *error)
{
    if (!m_db.isValid()) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connection);
        m_db.setHostName(m_address.host);
        m_db.setPort(m_address.port);
        m_db.setUserName(m_address.user);
        m_db.setPassword(m_address.password);
        m_db.setDatabaseName(m_address.database);
        m_db.setConnectOptions(QStringLiteral("connect_timeout=5;application_name=confab-server"));
    }
    if (m_db.open()) {
        // The server's notices (a search of stop words only) are no news for the log.
        QSqlQuery(m_db).exec(QStringLiteral("SET client_min_messages = warning"));
        return true;
    }
    *error = QStringLiteral("cannot connect to %1: %2").arg(m_address.toString(), m_db.lastError().text().trimmed());
    return false;
}

bool PostgresHistoryStore::open(QString *error, QList<ChannelState> *channels, QList<ReadMarker> *markers)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const std::optional<PostgresAddress> address = PostgresAddress::parse(m_config->database, error);
    if (!address)
        return false;
    m_address = *address;
    if (!m_config->databasePassword.isEmpty())
        m_address.password = m_config->databasePassword;
    auto refuse = [&] {
        close();
        return false;
    };
    if (!connectToServer(error) || !checkExisting(error) || !migrate(error))
        return refuse();
    if (!prepareShared(error))
        return refuse();
    m_writable = true;
    *channels = loadChannels();
    *markers = loadReadMarkers();
    startTimers();
    m_lastReconnect.start();
    return true;
}

bool PostgresHistoryStore::checkExisting(QString *error)
{
    // Read before anything writes: a newer Confab's database, or someone else's, is left alone.
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT to_regclass('confab_schema') IS NOT NULL,"
                               " (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())"))
        || !q.next()) {
        *error = QStringLiteral("%1 cannot be read: %2").arg(m_address.toString(), q.lastError().text());
        return false;
    }
    const bool ours = q.value(0).toBool();
    if (!ours) {
        if (q.value(1).toLongLong() > 0) {
            *error
                = QStringLiteral("%1 holds tables that are not Confab's; it was not changed").arg(m_address.toString());
            return false;
        }
        return true; // an empty database: created below
    }
    if (!q.exec(QStringLiteral("SELECT max(version) FROM confab_schema")) || !q.next()) {
        *error
            = QStringLiteral("%1 is damaged (%2); it was not changed").arg(m_address.toString(), q.lastError().text());
        return false;
    }
    const int version = q.value(0).toInt();
    if (version > SchemaVersion) {
        *error = QStringLiteral("%1 is from a newer Confab (schema version %2; this one knows up to %3); it was not "
                                "changed")
                     .arg(m_address.toString(), QString::number(version), QString::number(SchemaVersion));
        return false;
    }
    return true;
}

bool PostgresHistoryStore::migrate(QString *error)
{
    QSqlQuery q(m_db);
    auto fail = [&](const QString &what) {
        *error = QStringLiteral("cannot upgrade %1 (%2): %3").arg(m_address.toString(), what, q.lastError().text());
        m_db.rollback();
        return false;
    };
    if (!m_db.transaction())
        return fail(QStringLiteral("no transaction"));
    // One node upgrades; the others wait here and find it done.
    if (!q.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(MigrationLock)))
        return fail(QStringLiteral("lock"));
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS confab_schema (version integer NOT NULL)")))
        return fail(QStringLiteral("schema table"));
    if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM confab_schema")) || !q.next())
        return fail(QStringLiteral("version"));
    const int from = q.value(0).toInt();
    if (from > SchemaVersion)
        return fail(QStringLiteral("a newer Confab upgraded it meanwhile"));
    for (int version = from; version < SchemaVersion; ++version) {
        for (const QString &statement : Migrations.at(version)) {
            if (!q.exec(statement))
                return fail(QStringLiteral("schema version %1").arg(version + 1));
        }
    }
    if (from < SchemaVersion) {
        if (!q.exec(QStringLiteral("DELETE FROM confab_schema"))
            || !q.exec(QStringLiteral("INSERT INTO confab_schema (version) VALUES (%1)").arg(SchemaVersion)))
            return fail(QStringLiteral("version"));
    }
    if (!m_db.commit())
        return fail(QStringLiteral("commit"));
    if (from > 0 && from < SchemaVersion)
        qCInfo(lcServer, "history: database upgraded to schema version %d", SchemaVersion);
    return true;
}

void PostgresHistoryStore::close() { closeShared(); }

void PostgresHistoryStore::releaseStatements() { m_insertFull.reset(); }

bool PostgresHistoryStore::canWrite()
{
    if (!m_writable)
        return false;
    if (!m_failing)
        return true;
    // After a failure the connection is likely gone: a new one, at most once a second.
    if (m_lastReconnect.isValid() && m_lastReconnect.elapsed() < ReconnectEveryMs)
        return false;
    m_lastReconnect.start();
    dropStatements();
    m_db.close();
    QString why;
    return connectToServer(&why) && prepareShared(&why);
}

bool PostgresHistoryStore::writeEvents(const QList<HistoryBatch> &batches, QString *why)
{
    // Several rows per statement: one round trip for InsertRows events instead of one each.
    QList<QVariant> values;
    values.reserve(InsertRows * 8);
    bool ok = true;
    auto write = [&] {
        const int rows = int(values.size() / 8);
        QSqlQuery partial(m_db);
        QSqlQuery *q = &partial;
        if (rows == InsertRows) {
            if (!m_insertFull) {
                m_insertFull = std::make_unique<QSqlQuery>(m_db);
                m_insertFull->prepare(insertStatement(InsertRows));
            }
            q = m_insertFull.get();
        } else {
            partial.prepare(insertStatement(rows));
        }
        for (const QVariant &v : std::as_const(values))
            q->addBindValue(v);
        ok = q->exec();
        if (!ok)
            *why = q->lastError().text();
        values.clear();
    };
    for (const HistoryBatch &events : batches) {
        events.forEach([&](const HistoryBatch::Entry &e) {
            values << text(e.msgid) << e.timeMs << text(e.target) << text(e.command) << text(e.source) << text(e.params)
                   << text(e.text) << text(e.tags);
            if (values.size() == InsertRows * 8)
                write();
            return ok;
        });
        if (!ok)
            return false;
    }
    if (!values.isEmpty())
        write();
    return ok;
}

QString PostgresHistoryStore::greatest(const QString &a, const QString &b) const
{
    return QStringLiteral("GREATEST(%1, %2)").arg(a, b);
}

QString PostgresHistoryStore::searchStatement() const
{
    return QStringLiteral("SELECT %1 FROM messages WHERE search @@ websearch_to_tsquery('simple', ?) AND target = ?"
                          " ORDER BY time DESC, id DESC LIMIT ?")
        .arg(QLatin1String(EventColumns));
}

QString PostgresHistoryStore::searchPattern(const QList<QByteArray> &words) const { return searchExpression(words); }

QString PostgresHistoryStore::searchExpression(const QList<QByteArray> &words)
{
    // Inside a quoted phrase websearch_to_tsquery() reads no operators; a quote would end it, so
    // quotes become spaces (they are no part of a word to the parser anyway).
    QStringList phrases;
    for (const QByteArray &word : words)
        phrases.append(u'"' + QString::fromUtf8(word).replace(u'"', u' ') + u'"');
    return phrases.join(u' ');
}
