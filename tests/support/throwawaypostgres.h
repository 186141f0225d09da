// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

// A PostgreSQL cluster of a test's own (Debian's postgresql): initdb and pg_ctl in a temporary
// directory, listening on 127.0.0.1 on a free port, with password (SCRAM) logins for the user
// confab. As root (CI) it runs as the unprivileged user postgres (or nobody), since PostgreSQL
// refuses to run as root. The destructor stops it; stop() and start() again keep its data and
// its port, for tests of a database that goes away and comes back.
class ThrowawayPostgres {
public:
    static constexpr const char *User = "confab";
    static constexpr const char *Password = "test-password";

    ThrowawayPostgres();
    ~ThrowawayPostgres();

    // False with error() saying why (PostgreSQL missing, initdb or start failed).
    bool start();
    void stop();
    quint16 port() const { return m_port; }
    // A new, empty database; false with error() saying why.
    bool createDatabase(const QByteArray &name);
    QString url(const QByteArray &database) const;
    QString error() const { return m_error; }

private:
    bool run(const QString &program, const QStringList &args, int timeoutMs);
    QString binary(const char *name) const;

    QTemporaryDir m_dir;
    QString m_bin;
    QString m_runAs; // empty: as ourselves
    quint16 m_port = 0;
    bool m_initialised = false;
    bool m_running = false;
    QString m_error;
};
