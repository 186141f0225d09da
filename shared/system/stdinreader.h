// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;

// Lines from standard input through the event loop. Reads the descriptor with ::read(): stdio
// buffering would hide data from the notifier.
class StdinReader : public QObject {
    Q_OBJECT
public:
    explicit StdinReader(QObject *parent = nullptr);

Q_SIGNALS:
    void lineRead(const QString &line);
    void endOfInput();

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_buffer;
};
