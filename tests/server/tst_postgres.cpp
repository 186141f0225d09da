// SPDX-License-Identifier: MIT
// PostgreSQL as the database of history and accounts, on a throw-away cluster the test starts
// (ThrowawayPostgres): two servers on one database share history and accounts, as nodes of one
// network will; a database from a newer Confab or of something else is refused untouched; and
// when PostgreSQL goes away chat goes on, and history is kept again once it is back.
// (Every CHATHISTORY and account test also runs on PostgreSQL: tst_history_postgres and
// tst_accounts_postgres.)

#include "config/postgresaddress.h"
#include "testserver.h"
#include "throwawaypostgres.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

namespace {

const QByteArray HistoryCaps = "server-time batch message-tags draft/chathistory";

ServerConfig configFor(const QString &url)
{
    ServerConfig config = TestServer::defaultConfig();
    config.database = url;
    return config;
}

RawClient::Predicate privmsg(const QByteArray &text)
{
    return [text](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last() == text; };
}

QList<QByteArray> historyTexts(RawClient &c, const QByteArray &target)
{
    c.send("CHATHISTORY LATEST " + target + " * 100");
    QList<QByteArray> out;
    if (const auto batch = c.waitForBatch("chathistory")) {
        for (const IrcMessage &m : batch->lines)
            out.append(m.params.last());
    }
    return out;
}

// Runs SQL on the test's database directly, as its administrator would.
bool execute(const ThrowawayPostgres &pg, const QByteArray &database, const QStringList &statements)
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("admin"));
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(pg.port());
        db.setUserName(QLatin1String(ThrowawayPostgres::User));
        db.setPassword(QLatin1String(ThrowawayPostgres::Password));
        db.setDatabaseName(QString::fromLatin1(database));
        ok = db.open();
        QSqlQuery q(db);
        for (const QString &s : statements)
            ok = ok && q.exec(s);
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("admin"));
    return ok;
}

} // namespace

class TestPostgres : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void addressParsing_data();
    void addressParsing();
    void twoServersShareHistoryAndAccounts();
    void newerSchemaIsRefusedUntouched();
    void foreignDatabaseIsRefusedUntouched();
    void unreachableServerIsAClearError();
    void passwordFromItsOwnFile();
    void chatGoesOnWhilePostgresIsAway();

private:
    ThrowawayPostgres m_pg;
    int m_databases = 0;
    QByteArray newDatabase();
};

void TestPostgres::initTestCase() { QVERIFY2(m_pg.start(), qPrintable(m_pg.error())); }

void TestPostgres::cleanupTestCase() { m_pg.stop(); }

QByteArray TestPostgres::newDatabase()
{
    const QByteArray name = "pg" + QByteArray::number(++m_databases);
    if (!m_pg.createDatabase(name))
        qFatal("cannot create a database: %s", qPrintable(m_pg.error()));
    return name;
}

void TestPostgres::addressParsing_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("shown"); // toString(), or a word of the error
    QTest::newRow("full") << "postgresql://confab:s3cret@db.example:5433/chat" << true
                          << "postgresql://confab:***@db.example:5433/chat";
    QTest::newRow("default port, no password")
        << "postgres://confab@10.0.0.2/chat" << true << "postgresql://confab@10.0.0.2:5432/chat";
    QTest::newRow("escaped password") << "postgresql://u:p%40ss@h/db" << true << "postgresql://u:***@h:5432/db";
    QTest::newRow("user with a percent escape")
        << "postgresql://m=n:p@h/db" << true << "postgresql://m%3Dn:***@h:5432/db";
    QTest::newRow("no user") << "postgresql://h/db" << false << "user";
    QTest::newRow("no database") << "postgresql://u@h" << false << "database";
    QTest::newRow("nested path") << "postgresql://u@h/a/b" << false << "database";
    QTest::newRow("query") << "postgresql://u@h/db?sslmode=disable" << false << "query";
    QTest::newRow("bad host") << "postgresql://u@h_st/db" << false << "host";
    QTest::newRow("port 0") << "postgresql://u@h:0/db" << false << "port";
}

void TestPostgres::addressParsing()
{
    QFETCH(QString, url);
    QFETCH(bool, valid);
    QFETCH(QString, shown);
    QString error;
    const std::optional<PostgresAddress> a = PostgresAddress::parse(url, &error);
    QCOMPARE(a.has_value(), valid);
    if (valid) {
        QCOMPARE(a->toString(), shown);
        QVERIFY(!a->toString().contains(u"s3cret"));
    } else {
        QVERIFY2(error.contains(shown), qPrintable(error));
    }
}

void TestPostgres::twoServersShareHistoryAndAccounts()
{
    const QString url = m_pg.url(newDatabase());
    // Node one: a conversation, and an account.
    TestServer one(configFor(url));
    QVERIFY(one.start());
    auto alice = one.client("alice");
    QVERIFY(alice);
    alice->send("REGISTER * * :alice-password");
    QVERIFY(
        alice->waitFor([](const IrcMessage &m) { return m.command == "REGISTER" && m.param(0) == "SUCCESS"; }, 20000));
    for (int i = 1; i <= 5; ++i)
        alice->send("PRIVMSG #lobby :from node one " + QByteArray::number(i));
    QVERIFY(alice->sync());

    // Node two, on the same database, while node one runs: it reads node one's history, and
    // the account logs in there.
    TestServer two(configFor(url));
    QVERIFY(two.start());
    auto bob = two.client();
    QVERIFY(bob->registerWithCaps("bob", HistoryCaps));
    QTRY_COMPARE_WITH_TIMEOUT(historyTexts(*bob, "#lobby").count("from node one 5"), 1, 5000);
    const QList<QByteArray> seen = historyTexts(*bob, "#lobby");
    for (int i = 1; i <= 5; ++i)
        QVERIFY(seen.contains("from node one " + QByteArray::number(i)));
    bob->send("PRIVMSG NickServ :IDENTIFY alice alice-password");
    QVERIFY(bob->waitFor([](const IrcMessage &m) { return m.command == "900"; }, 20000));

    // SEARCH uses PostgreSQL's full-text index.
    bob->send("SEARCH #lobby :node one 3");
    const auto found = bob->waitForBatch("confab/search");
    QVERIFY(found);
    QCOMPARE(found->lines.size(), 1);
    QCOMPARE(found->lines.first().params.last(), QByteArray("from node one 3"));
}

void TestPostgres::newerSchemaIsRefusedUntouched()
{
    const QByteArray name = newDatabase();
    QVERIFY(execute(m_pg, name,
                    {QStringLiteral("CREATE TABLE confab_schema (version integer NOT NULL)"),
                     QStringLiteral("INSERT INTO confab_schema VALUES (99)")}));
    ChatServer server(configFor(m_pg.url(name)));
    QString error;
    QVERIFY(!server.start(&error));
    QVERIFY2(error.contains(u"newer Confab") && error.contains(u"not changed"), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String(ThrowawayPostgres::Password)), qPrintable(error));
    // Nothing was added to it.
    QVERIFY(execute(m_pg, name, {QStringLiteral("SELECT 1 FROM confab_schema WHERE version = 99")}));
    QVERIFY(!execute(m_pg, name, {QStringLiteral("SELECT 1 FROM messages")}));
}

void TestPostgres::foreignDatabaseIsRefusedUntouched()
{
    const QByteArray name = newDatabase();
    QVERIFY(execute(m_pg, name, {QStringLiteral("CREATE TABLE invoices (id integer)")}));
    ChatServer server(configFor(m_pg.url(name)));
    QString error;
    QVERIFY(!server.start(&error));
    QVERIFY2(error.contains(u"not Confab's"), qPrintable(error));
    QVERIFY(!execute(m_pg, name, {QStringLiteral("SELECT 1 FROM confab_schema")}));
}

void TestPostgres::unreachableServerIsAClearError()
{
    ThrowawayPostgres stopped; // never started: nothing listens on its port
    const QString url = QStringLiteral("postgresql://confab:hidden@127.0.0.1:1/none");
    ChatServer server(configFor(url));
    QString error;
    QVERIFY(!server.start(&error));
    QVERIFY2(error.contains(u"cannot connect to postgresql://confab:***@127.0.0.1:1/none"), qPrintable(error));
    QVERIFY(!error.contains(u"hidden"));
}

void TestPostgres::passwordFromItsOwnFile()
{
    // The URL without its password, which --database-password-file gives instead (its reading is
    // tested with the command line, tst_serverprocess).
    const QString url = m_pg.url(newDatabase());
    ServerConfig config = configFor(QString(url).replace(
        QStringLiteral(":") + QLatin1String(ThrowawayPostgres::Password) + u'@', QStringLiteral("@")));
    QVERIFY(!config.database.contains(QLatin1String(ThrowawayPostgres::Password)));
    {
        ChatServer without(config);
        QString error;
        QVERIFY(!without.start(&error)); // scram-sha-256: no password, no entry
    }
    config.databasePassword = QLatin1String(ThrowawayPostgres::Password);
    TestServer server(config);
    QVERIFY(server.start());
    auto alice = server.client("alice");
    QVERIFY(alice);
}

void TestPostgres::chatGoesOnWhilePostgresIsAway()
{
    const QString url = m_pg.url(newDatabase());
    ServerConfig config = configFor(url);
    config.opers = {{"root", "rootpw"}};
    TestServer server(config);
    QVERIFY(server.start());
    auto alice = server.client();
    QVERIFY(alice->registerWithCaps("alice", HistoryCaps));
    auto bob = server.client("bob");
    QVERIFY(bob);
    auto root = server.client("root");
    QVERIFY(root);
    root->send("OPER root rootpw");
    QVERIFY(root->waitFor(RawClient::command("381")));
    alice->send("PRIVMSG #lobby :before");
    QTRY_VERIFY_WITH_TIMEOUT(historyTexts(*alice, "#lobby").contains("before"), 5000);

    m_pg.stop();
    alice->send("PRIVMSG #lobby :while away");
    QVERIFY(bob->waitFor(privmsg("while away"))); // delivered all the same
    QVERIFY(alice->sync());
    // The operators are told, and what is relayed meanwhile is held in memory.
    const auto away = root->waitFor(
        [](const IrcMessage &m) { return m.command == "NOTICE" && m.params.last().contains("cannot be written"); },
        10000);
    QVERIFY(away);
    alice->send("PRIVMSG #lobby :still away");
    QVERIFY(bob->waitFor(privmsg("still away")));

    QVERIFY2(m_pg.start(), qPrintable(m_pg.error()));
    // The store reconnects by itself (every second while it holds something) and writes what it
    // held, in order, once.
    QVERIFY(root->waitFor(
        [](const IrcMessage &m) { return m.command == "NOTICE" && m.params.last().contains("written to again"); },
        20000));
    alice->send("PRIVMSG #lobby :after");
    QTRY_VERIFY_WITH_TIMEOUT(historyTexts(*alice, "#lobby").contains("after"), 5000);
    QList<QByteArray> texts = historyTexts(*alice, "#lobby");
    texts.removeIf([](const QByteArray &t) {
        return !QList<QByteArray> {"before", "while away", "still away", "after"}.contains(t);
    });
    QCOMPARE(texts, (QList<QByteArray> {"before", "while away", "still away", "after"}));
}

QTEST_GUILESS_MAIN(TestPostgres)
#include "tst_postgres.moc"
