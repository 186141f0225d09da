// SPDX-License-Identifier: MIT
#include "stdinreader.h"

#include "text/irctext.h"

#include <QSocketNotifier>
#include <cerrno>
#include <unistd.h>

StdinReader::StdinReader(QObject *parent)
    : QObject(parent)
    , m_notifier(new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this))
{
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinReader::onReadable);
}

void StdinReader::onReadable()
{
    char buf[16384];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        m_notifier->setEnabled(false);
        if (!m_buffer.isEmpty())
            Q_EMIT lineRead(IrcText::decode(std::exchange(m_buffer, {})));
        Q_EMIT endOfInput();
        return;
    }
    m_buffer.append(buf, n);
    qsizetype start = 0;
    for (qsizetype nl; (nl = m_buffer.indexOf('\n', start)) >= 0; start = nl + 1) {
        QByteArray line = m_buffer.mid(start, nl - start);
        if (line.endsWith('\r'))
            line.chop(1);
        Q_EMIT lineRead(IrcText::decode(line));
    }
    m_buffer.remove(0, start);
}
