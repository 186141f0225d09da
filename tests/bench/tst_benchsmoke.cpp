// SPDX-License-Identifier: MIT
// Every confab-bench workload, run with tiny sizes against a real confab-server process, so that
// the benchmark cannot rot between the runs that measure. Nothing here is timed: each workload
// must finish, say what it measured as one JSON line, and lose nothing.

#include "serverprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
const QString Server = QStringLiteral(CONFAB_SERVER_BINARY);
const QString Bench = QStringLiteral(CONFAB_BENCH_BINARY);
} // namespace

class TestBenchSmoke : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void workload_data();
    void workload();
};

void TestBenchSmoke::workload_data()
{
    QTest::addColumn<QStringList>("benchArgs");
    QTest::addColumn<QStringList>("serverArgs");
    // The JSON fields that must be there, and those that must equal another one.
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QStringList>("equal");
    const QStringList memory {QStringLiteral("--no-history")};
    QTest::newRow("seed") << QStringList {"--workload", "seed"} << memory << QStringList {"total_s", "mean_ms"}
                          << QStringList {"deliveries=expected"};
    QTest::newRow("fanout") << QStringList {"--workload", "fanout", "--fanout-clients", "20",
                                            "--senders",  "2",      "--duration",       "1"}
                            << memory << QStringList {"p99_ms", "deliveries_per_s"}
                            << QStringList {"deliveries=expected"};
    QTest::newRow("saturation") << QStringList {"--workload", "saturation", "--saturation-clients",
                                                "10",         "--duration", "1"}
                                << memory << QStringList {"deliveries_per_s", "server_cpu_us_per_delivery"}
                                << QStringList {};
    QTest::newRow("idle") << QStringList {"--workload", "idle", "--idle-clients", "50"} << memory
                          << QStringList {"bytes_per_connection", "connect_s"} << QStringList {};
    QTest::newRow("reconnect") << QStringList {"--workload", "reconnect", "--reconnect-clients", "50"} << memory
                               << QStringList {"all_in_s", "register_p99_ms"} << QStringList {"joined=clients"};
    QTest::newRow("bigchannel") << QStringList {"--workload", "bigchannel", "--big-channel", "50", "--rounds", "3"}
                                << memory << QStringList {"join_p99_ms", "who_p99_ms", "fanout_p99_ms"}
                                << QStringList {};
    QTest::newRow("history") << QStringList {"--workload", "history", "--history-messages", "1000"} << QStringList {}
                             << QStringList {"latest_p99_ms", "search_p99_ms"} << QStringList {};
    QTest::newRow("loginstorm") << QStringList {"--workload", "loginstorm", "--fanout-clients", "10", "--senders", "2",
                                                "--duration", "1",          "--storm-logins",   "2"}
                                << QStringList {} << QStringList {"p99_ms"} << QStringList {"deliveries=expected"};
}

void TestBenchSmoke::workload()
{
    QFETCH(QStringList, benchArgs);
    QFETCH(QStringList, serverArgs);
    QFETCH(QStringList, fields);
    QFETCH(QStringList, equal);
    QTemporaryDir data;
    QVERIFY(data.isValid());
    QProcess server;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), data.path()); // a fresh history database, if any
    server.setProcessEnvironment(env);
    QHostAddress host;
    quint16 port = 0;
    // The bench's clients are one local user on loopback: flood control and the per-user limit
    // would pace and refuse them.
    QVERIFY(ServerProcess::start(
        server, Server,
        QStringList {"--listen", "127.0.0.1:0", "--autojoin", "", "--flood-exempt", "127.0.0.0/8", "--max-per-ip", "0"}
            + serverArgs,
        &host, &port));
    QProcess bench;
    bench.start(Bench, QStringList {"--port", QString::number(port), "--server-pid",
                                    QString::number(server.processId()), "--label", "smoke"}
                           + benchArgs);
    QVERIFY(bench.waitForFinished(120'000));
    const QByteArray out = bench.readAllStandardOutput();
    QVERIFY2(bench.exitStatus() == QProcess::NormalExit && bench.exitCode() == 0,
             (out + bench.readAllStandardError()).constData());
    int lines = 0;
    for (const QByteArray &line : out.split('\n')) {
        if (!line.startsWith('{'))
            continue;
        ++lines;
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        QCOMPARE(o.value("server").toString(), QStringLiteral("smoke"));
        for (const QString &f : fields) {
            // loginstorm's lines have p99_ms; a field must be a real, non-negative figure.
            QVERIFY2(o.contains(f), qPrintable(f + " missing in " + line));
            QVERIFY2(o.value(f).toDouble() >= 0, qPrintable(f + " in " + line));
        }
        for (const QString &pair : equal) {
            const QStringList sides = pair.split('=');
            QVERIFY2(o.value(sides.at(0)).toDouble() == o.value(sides.at(1)).toDouble(), line.constData());
        }
    }
    QVERIFY2(lines > 0, out.constData());
    server.terminate();
    QByteArray why;
    QVERIFY(server.waitForFinished(30'000));
    QVERIFY2(ServerProcess::exitedCleanly(server, &why), why.constData());
}

QTEST_GUILESS_MAIN(TestBenchSmoke)
#include "tst_benchsmoke.moc"
