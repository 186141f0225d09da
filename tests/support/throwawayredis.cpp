// SPDX-License-Identifier: MIT
#include "throwawayredis.h"

#include "loopbackport.h"

#include <QDeadlineTimer>
#include <QStandardPaths>

ThrowawayRedis::ThrowawayRedis(QByteArray password)
    : m_password(std::move(password))
{
}

ThrowawayRedis::~ThrowawayRedis() { stop(); }

bool ThrowawayRedis::start()
{
    const QString binary = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (binary.isEmpty()) {
        m_error = QStringLiteral("redis-server is not installed (apt-get install redis-server)");
        return false;
    }
    // Another test may take a probed port before redis binds it: try a few.
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (m_port == 0 || attempt > 0)
            m_port = freeLoopbackPort();
        QStringList args {QStringLiteral("--bind"),       QStringLiteral("127.0.0.1"),
                          QStringLiteral("--port"),       QString::number(m_port),
                          QStringLiteral("--save"),       QString(),
                          QStringLiteral("--appendonly"), m_persistent ? QStringLiteral("yes") : QStringLiteral("no"),
                          QStringLiteral("--dir"),        m_dir.path(),
                          QStringLiteral("--daemonize"),  QStringLiteral("no"),
                          QStringLiteral("--logfile"),    QString()};
        if (!m_password.isEmpty())
            args << QStringLiteral("--requirepass") << QString::fromUtf8(m_password);
        if (m_persistent)
            args << QStringLiteral("--appendfsync") << QStringLiteral("always");
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(binary, args);
        if (!m_process.waitForStarted(5000)) {
            m_error = QStringLiteral("redis-server did not start: %1").arg(m_process.errorString());
            return false;
        }
        // Ready when it says so (its log is on stdout); a taken port ends it instead.
        const QDeadlineTimer deadline(10000);
        QByteArray log;
        while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
            log += m_process.readAll();
            if (log.contains("Ready to accept connections"))
                return true;
        }
        log += m_process.readAll();
        m_error = QStringLiteral("redis-server on port %1 was not ready: %2")
                      .arg(m_port)
                      .arg(QString::fromUtf8(log.right(400)));
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    return false;
}

void ThrowawayRedis::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

QString ThrowawayRedis::url(int database) const
{
    QString out = QStringLiteral("redis://");
    if (!m_password.isEmpty())
        out += u':' + QString::fromUtf8(m_password.toPercentEncoding()) + u'@';
    out += QStringLiteral("127.0.0.1:%1").arg(m_port);
    if (database)
        out += u'/' + QString::number(database);
    return out;
}

RedisAddress ThrowawayRedis::address(int database) const
{
    QString error;
    const std::optional<RedisAddress> a = RedisAddress::parse(url(database), &error);
    Q_ASSERT_X(a, "ThrowawayRedis::address", qPrintable(error));
    return *a;
}
