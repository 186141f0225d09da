// SPDX-License-Identifier: MIT
#pragma once

#include "historyevent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QMetaType>

// History events on their way from the hub to the store, packed one after another in one
// buffer: the hub copies each event's bytes once, and the store binds them where they lie.
// Handing over HistoryEvent values instead left the store with the last reference to bytes the
// hub and the workers had allocated: every free crossed threads and the hub's allocator ran cold,
// which cost more than writing the rows (docs/performance.md, "History's share").
class HistoryBatch {
public:
    // One event as the store writes it, viewing the batch's buffer.
    struct Entry {
        QByteArrayView msgid;
        qint64 timeMs = 0;
        QByteArrayView target;
        QByteArrayView command;
        QByteArrayView source;
        QByteArrayView params; // all but the last, joined by newlines
        QByteArrayView text;   // the last parameter (a message's text)
        QByteArrayView tags;
        QByteArrayView first; // the first parameter (a channel event's channel)
        bool isMessage = false;
    };

    void add(const HistoryEvent &event);
    qsizetype size() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }

    // Calls f(const Entry &) for each event, in the order they were added; stops early if f
    // returns false.
    template <typename F> void forEach(F f) const
    {
        const char *at = m_bytes.constData();
        const char *end = at + m_bytes.size();
        while (at < end) {
            Entry e;
            at = read(at, &e);
            if (!f(e))
                return;
        }
    }

private:
    static const char *read(const char *at, Entry *entry);

    QByteArray m_bytes;
    qsizetype m_count = 0;
};
Q_DECLARE_METATYPE(HistoryBatch)
