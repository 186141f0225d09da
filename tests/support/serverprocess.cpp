// SPDX-License-Identifier: MIT
#include "serverprocess.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <unistd.h>

bool ServerProcess::start(QProcess &proc, const QString &binary, const QStringList &args, QHostAddress *host,
                          quint16 *port)
{
    // Each server keeps its history in memory unless the test says where (a --database, or a
    // data directory of its own for the default one): no test reads another's database.
    QStringList all = args;
    if (!args.contains(QStringLiteral("--database")) && !args.contains(QStringLiteral("--no-history"))
        && !proc.processEnvironment().contains(QStringLiteral("XDG_DATA_HOME")))
        all << QStringLiteral("--database") << QStringLiteral(":memory:");
    // As TestServer does: tests drive many lines at once from loopback.
    if (!args.contains(QStringLiteral("--flood-exempt")))
        all << QStringLiteral("--flood-exempt") << QStringLiteral("127.0.0.0/8");
    if (!args.contains(QStringLiteral("--no-local-ident")))
        all << QStringLiteral("--no-local-ident");
    proc.start(binary, all);
    if (!proc.waitForStarted(5000))
        return false;
    QByteArray out;
    const QRegularExpression re(QStringLiteral("listening on \\[?([0-9a-f:.]+)\\]?:(\\d+)"));
    const bool ok = QTest::qWaitFor(
        [&] {
            out += proc.readAllStandardOutput();
            return re.match(QString::fromUtf8(out)).hasMatch();
        },
        10000);
    if (!ok)
        return false;
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(out));
    host->setAddress(m.captured(1));
    *port = quint16(m.captured(2).toUInt());
    return true;
}

bool ServerProcess::exitedCleanly(QProcess &proc, QByteArray *why, const QByteArray &stderrSoFar)
{
    if (proc.exitStatus() == QProcess::NormalExit && proc.exitCode() == 0)
        return true;
    *why = (proc.exitStatus() == QProcess::CrashExit ? "killed by signal " : "exit code ")
           + QByteArray::number(proc.exitCode()) + "; stderr:\n" + stderrSoFar + proc.readAllStandardError();
    return false;
}

qint64 ServerProcess::statusField(qint64 pid, const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (!line.startsWith(field + ':'))
            continue;
        const QList<QByteArray> words = line.mid(field.size() + 1).simplified().split(' ');
        const qint64 value = words.value(0).toLongLong();
        return words.value(1) == "kB" ? value * 1024 : value;
    }
    return -1;
}

int ServerProcess::openDescriptors(qint64 pid)
{
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    return fds.exists() ? int(fds.entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System).size()) : -1;
}

int ServerProcess::connectionDescriptors(qint64 pid)
{
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    if (!fds.exists())
        return -1;
    QSet<QByteArray> sockets;
    for (const QString &name : fds.entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)) {
        // QFileInfo would resolve "socket:[INODE]" as a path; the raw link text is what counts.
        char target[64] = {};
        const ssize_t n = ::readlink(QFile::encodeName(fds.filePath(name)).constData(), target, sizeof target - 1);
        const QByteArray link(target, n > 0 ? n : 0);
        if (link.startsWith("socket:[") && link.endsWith(']'))
            sockets.insert(link.mid(8, link.size() - 9));
    }
    // The kernel does not snapshot these tables: while other sockets come and go, a line can be
    // read twice or skipped. Counting distinct inodes removes the doubles; callers retry (QTRY)
    // for the skips.
    QSet<QByteArray> connections;
    for (const char *table : {"tcp", "tcp6"}) {
        QFile file(QStringLiteral("/proc/%1/net/%2").arg(pid).arg(QLatin1String(table)));
        if (!file.open(QIODevice::ReadOnly))
            return -1;
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) { // line 0 names the columns
            const QList<QByteArray> fields = lines.at(i).simplified().split(' ');
            // st is field 3 (0A = LISTEN), inode field 9.
            if (fields.size() > 9 && fields.at(3) != "0A" && sockets.contains(fields.at(9)))
                connections.insert(fields.at(9));
        }
    }
    return int(connections.size());
}
