// SPDX-License-Identifier: MIT
// History with confab-server as a process and its database as a real file: it survives a
// restart and kill -9; a foreign, damaged or newer file is refused and left untouched; a full or
// read-only file system keeps chat going, logged.

#include "rawclient.h"
#include "serverprocess.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

namespace {

const QString Binary = QStringLiteral(CONFAB_SERVER_BINARY);

RawClient::Predicate privmsg(const QByteArray &text)
{
    return [text](const IrcMessage &m) { return m.command == "PRIVMSG" && m.params.last() == text; };
}

// What a file is, to tell that nothing touched it: its bytes and its modification time.
struct Snapshot {
    QByteArray sha256;
    QDateTime modified;
    qint64 size = 0;
    static Snapshot of(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return {QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256), QFileInfo(path).lastModified(),
                QFileInfo(path).size()};
    }
    bool operator==(const Snapshot &o) const { return sha256 == o.sha256 && modified == o.modified && size == o.size; }
};

// A read connection to the database file, from the test, as an operator's sqlite3 would be.
class Reader {
public:
    explicit Reader(const QString &path)
        : m_name(QStringLiteral("reader-%1").arg(quintptr(this)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~Reader() { QSqlDatabase::removeDatabase(m_name); }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name); }
    QString integrity() const
    {
        QSqlQuery q(db());
        return q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next() ? q.value(0).toString()
                                                                            : q.lastError().text();
    }
    int countOf(const QList<QByteArray> &msgids) const
    {
        int found = 0;
        QSqlQuery q(db());
        q.prepare(QStringLiteral("SELECT count(*) FROM messages WHERE msgid = ?"));
        for (const QByteArray &id : msgids) {
            q.addBindValue(QString::fromUtf8(id));
            if (q.exec() && q.next() && q.value(0).toInt() > 0)
                ++found;
        }
        return found;
    }

private:
    QString m_name;
};

bool startServer(QProcess &proc, const QStringList &args, QHostAddress *host, quint16 *port)
{
    return ServerProcess::start(
        proc, Binary, QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} + args, host, port);
}

// A server on `database` that has alice say `text` in #lobby, then stops cleanly.
bool sayOnce(const QString &database, const QByteArray &text)
{
    QProcess proc;
    QHostAddress host;
    quint16 port = 0;
    if (!startServer(proc, {QStringLiteral("--database"), database}, &host, &port))
        return false;
    RawClient alice;
    const bool said = alice.connectTo(host, port) && alice.registerAs("alice")
                      && (alice.send("PRIVMSG #lobby :" + text), alice.sync());
    proc.terminate();
    return proc.waitForFinished(10000) && said;
}

// The server must refuse `database` at start-up, saying `why`, and leave it as it was.
void expectRefused(const QString &database, const QString &why)
{
    const Snapshot before = Snapshot::of(database);
    QProcess proc;
    proc.start(Binary,
               {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--database"), database});
    QVERIFY(proc.waitForFinished(10000));
    QCOMPARE(proc.exitStatus(), QProcess::NormalExit);
    QCOMPARE(proc.exitCode(), 1);
    const QString err = QString::fromUtf8(proc.readAllStandardError());
    QVERIFY2(err.contains(why) && err.count(u'\n') == 1, qPrintable(err));
    QVERIFY2(err.contains(database), qPrintable(err));
    QVERIFY(Snapshot::of(database) == before);
    QVERIFY(!QFile::exists(database + QStringLiteral("-wal")));
    QVERIFY(!QFile::exists(database + QStringLiteral("-shm")));
}

} // namespace

class TestHistoryProcess : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void survivesRestartInTheDefaultPlace();
    void survivesKill9();
    void refusesForeignFiles();
    void refusesNewerDatabases();
    void refusesDamagedDatabases();
    void fullFileSystem();
    void readOnlyFileSystem();
};

void TestHistoryProcess::survivesRestartInTheDefaultPlace()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
    QHostAddress host;
    quint16 port = 0;
    {
        QProcess proc;
        proc.setProcessEnvironment(env);
        QVERIFY(startServer(proc, {}, &host, &port));
        RawClient alice;
        QVERIFY(alice.connectTo(host, port));
        QVERIFY(alice.registerAs("alice"));
        alice.send("TOPIC #lobby :remembered");
        alice.send("PRIVMSG #lobby :said before the restart");
        QVERIFY(alice.sync());
        proc.terminate();
        QVERIFY(proc.waitForFinished(10000));
        QByteArray why;
        QVERIFY2(ServerProcess::exitedCleanly(proc, &why), why.constData());
    }
    // Where the README says it is.
    const QString file = home.filePath(QStringLiteral("confab/confab.db"));
    QVERIFY(QFile::exists(file));
    QVERIFY(!QFile::exists(file + QStringLiteral("-wal"))); // a clean stop leaves one file

    QProcess proc;
    proc.setProcessEnvironment(env);
    QVERIFY(startServer(proc, {}, &host, &port));
    RawClient bob;
    QVERIFY(bob.connectTo(host, port));
    QVERIFY(bob.registerWithCaps("bob", "batch server-time message-tags draft/chathistory"));
    const QList<IrcMessage> topic = bob.all(RawClient::command("332"));
    QCOMPARE(topic.size(), 1);
    QCOMPARE(topic.first().params.last(), QByteArray("remembered"));
    bob.send("CHATHISTORY LATEST #lobby * 10");
    const auto batch = bob.waitForBatch("chathistory");
    QVERIFY(batch);
    QCOMPARE(batch->lines.size(), 1);
    QCOMPARE(batch->lines.first().params.last(), QByteArray("said before the restart"));
    proc.terminate();
    QVERIFY(proc.waitForFinished(10000));
}

void TestHistoryProcess::survivesKill9()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = dir.filePath(QStringLiteral("history.db"));
    constexpr int Rounds = 20;
    constexpr int PerBurst = 30;
    std::unique_ptr<Reader> reader;
    QList<QByteArray> committed; // written before an earlier kill
    for (int round = 0; round < Rounds; ++round) {
        QProcess proc;
        QHostAddress host;
        quint16 port = 0;
        QVERIFY2(startServer(proc, {QStringLiteral("--database"), database}, &host, &port),
                 qPrintable(QStringLiteral("round %1").arg(round)));
        RawClient alice, bob;
        QVERIFY(alice.connectTo(host, port) && bob.connectTo(host, port));
        QVERIFY(alice.registerAs("alice"));
        QVERIFY(bob.registerWithCaps("bob", "message-tags batch draft/chathistory"));
        // What earlier rounds committed is there, and the server reads it back.
        if (round > 0) {
            bob.send("CHATHISTORY LATEST #lobby * 100");
            const auto batch = bob.waitForBatch("chathistory");
            QVERIFY(batch);
            QList<QByteArray> ids;
            for (const IrcMessage &m : batch->lines)
                ids.append(m.tag("msgid"));
            for (qsizetype i = committed.size() - PerBurst; i < committed.size(); ++i)
                QVERIFY2(ids.contains(committed.at(i)), qPrintable(QStringLiteral("round %1").arg(round)));
        }
        QList<QByteArray> burst;
        for (int i = 0; i < PerBurst; ++i)
            alice.send("PRIVMSG #lobby :r" + QByteArray::number(round) + "-" + QByteArray::number(i));
        for (int i = 0; i < PerBurst; ++i) {
            const auto m = bob.waitFor(privmsg("r" + QByteArray::number(round) + "-" + QByteArray::number(i)));
            QVERIFY(m);
            burst.append(m->tag("msgid"));
        }
        if (!reader)
            reader = std::make_unique<Reader>(database);
        // The store writes them by itself, without being asked, within its flush interval.
        QTRY_COMPARE_WITH_TIMEOUT(reader->countOf(burst), PerBurst, 10000);
        committed += burst;
        // More in flight, and the process dies mid-write.
        for (int i = 0; i < PerBurst; ++i)
            alice.send("PRIVMSG #lobby :lost " + QByteArray::number(i));
        proc.kill();
        QVERIFY(proc.waitForFinished(10000));
        QCOMPARE(reader->integrity(), QStringLiteral("ok"));
        QCOMPARE(reader->countOf(committed), int(committed.size()));
    }
}

void TestHistoryProcess::refusesForeignFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = dir.filePath(QStringLiteral("notes.txt"));
    QFile f(database);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < 200; ++i)
        f.write("These are my notes, not a database.\n");
    f.close();
    expectRefused(database, QStringLiteral("is not a Confab database"));
}

void TestHistoryProcess::refusesNewerDatabases()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = dir.filePath(QStringLiteral("future.db"));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
        db.setDatabaseName(database);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE messages (id INTEGER PRIMARY KEY, what TEXT)")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 99")));
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("future"));
    expectRefused(database, QStringLiteral("is from a newer Confab (schema version 99"));
}

void TestHistoryProcess::refusesDamagedDatabases()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = dir.filePath(QStringLiteral("damaged.db"));
    QVERIFY(sayOnce(database, "soon damaged"));
    // The schema (on the first page, after SQLite's 100-byte header) overwritten with noise.
    QFile f(database);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.seek(100));
    f.write(QByteArray(4000, '\xa5'));
    f.close();
    expectRefused(database, QStringLiteral("it was not changed"));
}

namespace {
// A shell in a user and mount namespace of its own, where it may mount what the test needs
// and run the server; nullopt when this machine cannot make such a namespace.
bool namespacesWork(const QString &dir)
{
    QProcess probe;
    probe.start(QStringLiteral("unshare"), {QStringLiteral("--user"), QStringLiteral("--map-root-user"),
                                            QStringLiteral("--mount"), QStringLiteral("sh"), QStringLiteral("-c"),
                                            QStringLiteral("mount -t tmpfs -o size=1m none \"$0\""), dir});
    return probe.waitForFinished(10000) && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0;
}

// The server run by `script` (sh -c, with $1 = dir and $2 = the server) inside such a
// namespace; its port once it listens.
bool startInNamespace(QProcess &proc, const QString &script, const QString &dir, QByteArray *out, quint16 *port)
{
    proc.start(QStringLiteral("unshare"),
               {QStringLiteral("--user"), QStringLiteral("--map-root-user"), QStringLiteral("--mount"),
                QStringLiteral("sh"), QStringLiteral("-c"), script, QStringLiteral("sh"), dir, Binary});
    const QRegularExpression listening(QStringLiteral("listening on 127.0.0.1:(\\d+)"));
    const bool ok = QTest::qWaitFor(
        [&] {
            *out += proc.readAllStandardOutput();
            return listening.match(QString::fromUtf8(*out)).hasMatch();
        },
        10000);
    if (ok)
        *port = quint16(listening.match(QString::fromUtf8(*out)).captured(1).toUInt());
    return ok;
}

bool waitForText(QProcess &proc, QProcess::ProcessChannel channel, QByteArray *seen, const QByteArray &text)
{
    return QTest::qWaitFor(
        [&] {
            *seen += channel == QProcess::StandardOutput ? proc.readAllStandardOutput() : proc.readAllStandardError();
            return seen->contains(text);
        },
        10000);
}

bool isKept(RawClient &reader, const QByteArray &text)
{
    reader.send("CHATHISTORY LATEST #lobby * 100");
    const auto batch = reader.waitForBatch("chathistory");
    return batch && std::any_of(batch->lines.cbegin(), batch->lines.cend(), [&](const IrcMessage &m) {
               return m.params.last() == text;
           });
}
} // namespace

void TestHistoryProcess::fullFileSystem()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    if (!namespacesWork(dir.path()))
        QSKIP("this machine cannot make a user and mount namespace (unshare --user --mount): nothing to test on");
    // A 2 MB tmpfs for the database, and a shell beside the server that fills and empties it.
    const QString script = QStringLiteral(
        "mount -t tmpfs -o size=2m none \"$1\" || exit 99\n"
        "\"$2\" --listen 127.0.0.1:0 --database \"$1/history.db\" --log-level warning --flood-exempt 127.0.0.0/8 &\n"
        "server=$!\n"
        "while read -r cmd; do\n"
        "  case $cmd in\n"
        "    fill) cat /dev/zero > \"$1/filler\" 2>/dev/null ;;\n"
        "    free) rm -f \"$1/filler\" ;;\n"
        "  esac\n"
        "  echo \"done $cmd\"\n"
        "done\n"
        "kill -TERM $server; wait $server\n");
    QProcess proc;
    QByteArray out, err;
    quint16 port = 0;
    QVERIFY(startInNamespace(proc, script, dir.path(), &out, &port));
    auto command = [&](const QByteArray &cmd) {
        proc.write(cmd + '\n');
        return waitForText(proc, QProcess::StandardOutput, &out, "done " + cmd);
    };
    RawClient alice, bob;
    QVERIFY(alice.connectTo(QHostAddress::LocalHost, port) && bob.connectTo(QHostAddress::LocalHost, port));
    QVERIFY(alice.registerAs("alice"));
    QVERIFY(bob.registerWithCaps("bob", "batch draft/chathistory"));
    auto chatWorks = [&](const QByteArray &text) {
        alice.send("PRIVMSG #lobby :" + text);
        return bob.waitFor(privmsg(text)).has_value();
    };
    QVERIFY(chatWorks("before"));
    QTRY_VERIFY_WITH_TIMEOUT(isKept(bob, "before"), 10000);

    // Disk full: chat goes on, the log says so once, what is relayed meanwhile is held in memory,
    // and it is written (with what follows) when there is room.
    QVERIFY(command("fill"));
    for (int i = 0; i < 200; ++i)
        QVERIFY(chatWorks("while full " + QByteArray::number(i) + ' ' + QByteArray(300, 'x')));
    QVERIFY2(waitForText(proc, QProcess::StandardError, &err, "history: cannot write to the database"),
             err.constData());
    QVERIFY(command("free"));
    QTRY_VERIFY_WITH_TIMEOUT(chatWorks("after") && isKept(bob, "after"), 10000);
    QVERIFY2(waitForText(proc, QProcess::StandardError, &err, "history: recording again;"), err.constData());
    QCOMPARE(err.count("history: cannot write to the database"), 1);
    QVERIFY2(err.contains("events held meanwhile were written"), err.constData());
    QVERIFY(isKept(bob, "while full 199 " + QByteArray(300, 'x')));

    proc.closeWriteChannel();
    QVERIFY(proc.waitForFinished(10000));
    QCOMPARE(proc.exitCode(), 0);
}

void TestHistoryProcess::readOnlyFileSystem()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    if (!namespacesWork(dir.path()))
        QSKIP("this machine cannot make a user and mount namespace (unshare --user --mount): nothing to test on");
    const QString database = dir.filePath(QStringLiteral("history.db"));
    QVERIFY(sayOnce(database, "written while it could be"));
    const Snapshot before = Snapshot::of(database);
    // The same directory, bound read-only over itself.
    const QString script = QStringLiteral(
        "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" || exit 99\n"
        "exec \"$2\" --listen 127.0.0.1:0 --database \"$1/history.db\" --log-level warning --flood-exempt 127.0.0.0/8\n");
    QProcess proc;
    QByteArray out, err;
    quint16 port = 0;
    QVERIFY(startInNamespace(proc, script, dir.path(), &out, &port));
    QVERIFY2(waitForText(proc, QProcess::StandardError, &err, "is read-only; chat goes on"), err.constData());
    RawClient alice, bob;
    QVERIFY(alice.connectTo(QHostAddress::LocalHost, port) && bob.connectTo(QHostAddress::LocalHost, port));
    QVERIFY(alice.registerAs("alice"));
    QVERIFY(bob.registerWithCaps("bob", "batch draft/chathistory"));
    alice.send("PRIVMSG #lobby :not kept");
    QVERIFY(bob.waitFor(privmsg("not kept")));
    // What was kept can still be read; nothing new is kept.
    QVERIFY(isKept(bob, "written while it could be"));
    QVERIFY(!isKept(bob, "not kept"));
    proc.terminate();
    QVERIFY(proc.waitForFinished(10000));
    QCOMPARE(proc.exitCode(), 0);
    QVERIFY(Snapshot::of(database) == before);
}

QTEST_GUILESS_MAIN(TestHistoryProcess)
#include "tst_historyprocess.moc"
