// SPDX-License-Identifier: MIT
#include "throwawaypostgres.h"

#include "loopbackport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <pwd.h>
#include <unistd.h>

namespace {

// The newest installed major version's programs (/usr/lib/postgresql/15/bin on Debian 12).
QString findBinDir()
{
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(versions.begin(), versions.end(),
              [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
    for (const QString &v : versions) {
        const QString bin = root.filePath(v + QStringLiteral("/bin"));
        if (QFile::exists(bin + QStringLiteral("/initdb")))
            return bin;
    }
    return {};
}

} // namespace

ThrowawayPostgres::ThrowawayPostgres() = default;

ThrowawayPostgres::~ThrowawayPostgres() { stop(); }

QString ThrowawayPostgres::binary(const char *name) const { return m_bin + u'/' + QLatin1String(name); }

bool ThrowawayPostgres::run(const QString &program, const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(m_dir.path());
    if (m_runAs.isEmpty())
        p.start(program, args);
    else
        p.start(QStringLiteral("setpriv"),
                QStringList {QStringLiteral("--reuid=") + m_runAs, QStringLiteral("--regid=") + m_runAs,
                             QStringLiteral("--init-groups"), program}
                    + args);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        m_error = QStringLiteral("%1 failed: %2")
                      .arg(QFileInfo(program).fileName(), QString::fromUtf8(p.readAll().right(600)) + p.errorString());
        return false;
    }
    return true;
}

bool ThrowawayPostgres::start()
{
    if (m_running)
        return true;
    if (m_bin.isEmpty())
        m_bin = findBinDir();
    if (m_bin.isEmpty()) {
        m_error = QStringLiteral("PostgreSQL is not installed (apt-get install postgresql)");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    const QString data = m_dir.filePath(QStringLiteral("data"));
    if (!m_initialised) {
        if (geteuid() == 0) {
            // PostgreSQL refuses to run as root: the directory goes to an unprivileged user.
            m_runAs = getpwnam("postgres") ? QStringLiteral("postgres") : QStringLiteral("nobody");
            if (QProcess::execute(QStringLiteral("chown"), {QStringLiteral("-R"), m_runAs, m_dir.path()}) != 0) {
                m_error = QStringLiteral("cannot give %1 to %2").arg(m_dir.path(), m_runAs);
                return false;
            }
        }
        QFile password(m_dir.filePath(QStringLiteral("password")));
        if (!password.open(QIODevice::WriteOnly) || password.write(Password) < 0)
            return false;
        password.close();
        if (!m_runAs.isEmpty())
            QProcess::execute(QStringLiteral("chown"), {m_runAs, password.fileName()});
        if (!run(binary("initdb"),
                 {QStringLiteral("-D"), data, QStringLiteral("-U"), QLatin1String(User),
                  QStringLiteral("--pwfile=") + password.fileName(), QStringLiteral("--auth-local=scram-sha-256"),
                  QStringLiteral("--auth-host=scram-sha-256"), QStringLiteral("--encoding=UTF8"),
                  QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
                 60000))
            return false;
        m_initialised = true;
    }
    // Another test may take a probed port before PostgreSQL binds it: try a few.
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (m_port == 0 || attempt > 0)
            m_port = freeLoopbackPort();
        const QString options = QStringLiteral("-c listen_addresses=127.0.0.1 -p %1 -k %2 -c fsync=off"
                                               " -c synchronous_commit=off -c full_page_writes=off")
                                    .arg(m_port)
                                    .arg(m_dir.path());
        if (run(binary("pg_ctl"),
                {QStringLiteral("start"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("30"),
                 QStringLiteral("-D"), data, QStringLiteral("-l"), m_dir.filePath(QStringLiteral("log")),
                 QStringLiteral("-o"), options},
                60000)) {
            m_running = true;
            return true;
        }
        QFile log(m_dir.filePath(QStringLiteral("log")));
        if (log.open(QIODevice::ReadOnly))
            m_error += u'\n' + QString::fromUtf8(log.readAll().right(600));
    }
    return false;
}

void ThrowawayPostgres::stop()
{
    if (!m_running)
        return;
    run(binary("pg_ctl"),
        {QStringLiteral("stop"), QStringLiteral("-w"), QStringLiteral("-m"), QStringLiteral("fast"),
         QStringLiteral("-D"), m_dir.filePath(QStringLiteral("data"))},
        60000);
    m_running = false;
}

bool ThrowawayPostgres::createDatabase(const QByteArray &name)
{
    const QString connection = QStringLiteral("throwaway-postgres-%1").arg(quintptr(this));
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_port);
        db.setUserName(QLatin1String(User));
        db.setPassword(QLatin1String(Password));
        db.setDatabaseName(QStringLiteral("postgres"));
        if (!db.open()) {
            m_error = db.lastError().text();
        } else {
            QSqlQuery q(db);
            ok = q.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(QString::fromLatin1(name)));
            if (!ok)
                m_error = q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return ok;
}

QString ThrowawayPostgres::url(const QByteArray &database) const
{
    return QStringLiteral("postgresql://%1:%2@127.0.0.1:%3/%4")
        .arg(QLatin1String(User), QLatin1String(Password))
        .arg(m_port)
        .arg(QString::fromLatin1(database));
}
