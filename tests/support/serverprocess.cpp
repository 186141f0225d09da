#include "serverprocess.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

bool ServerProcess::start(QProcess &proc, const QString &binary, const QStringList &args, QHostAddress *host, quint16 *port)
{
    proc.start(binary, args);
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
