// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QProcess>
#include <QStringList>

// confab-server as a child process, for tests that need it whole (signals, exit codes, its
// memory and descriptors as the kernel sees them).
namespace ServerProcess {
// Starts `binary` with `args` and waits for its first "listening on HOST:PORT" line. Without
// --database (or --no-history) in `args`, or XDG_DATA_HOME in proc's environment (for the
// default database), the server keeps its history in memory.
bool start(QProcess &proc, const QString &binary, const QStringList &args, QHostAddress *host, quint16 *port);
// After proc ended: whether it exited with 0 rather than crashing or failing; if not, *why says
// how it ended and what it wrote to stderr (after `stderrSoFar`, what the test already read).
bool exitedCleanly(QProcess &proc, QByteArray *why, const QByteArray &stderrSoFar = {});
// From /proc/PID/status: a "kB" field such as VmRSS (in bytes), or Threads. -1 if unreadable.
qint64 statusField(qint64 pid, const QByteArray &field);
// Open descriptors of the process (/proc/PID/fd), -1 if unreadable.
int openDescriptors(qint64 pid);
// How many of those are TCP connections (not listening sockets), matched by inode against
// /proc/PID/net/tcp and tcp6; -1 if unreadable. Not a snapshot: compare it with QTRY.
int connectionDescriptors(qint64 pid);
} // namespace ServerProcess
