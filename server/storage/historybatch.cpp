// SPDX-License-Identifier: MIT
#include "historybatch.h"

#include <cstring>

namespace {
// Each event: its time, whether it is a message, the lengths of its eight fields, then their
// bytes in Entry's order. Lengths and time are copied in and out whole (no alignment is assumed).
struct Header {
    qint64 timeMs;
    quint32 isMessage;
    quint32 lengths[8];
};
} // namespace

void HistoryBatch::add(const HistoryEvent &event)
{
    static const QByteArray none;
    const qsizetype n = event.params.size();
    const QByteArray &first = n > 0 ? event.params.first() : none;
    const QByteArray &text = n > 0 ? event.params.last() : none;
    // Most events have one parameter before their text, and no join to make.
    const QByteArray params = n == 2 ? first : event.params.first(qMax<qsizetype>(n - 1, 0)).join('\n');
    const QByteArray *fields[8]
        = {&event.msgid, &event.target, &event.command, &event.source, &params, &text, &event.tags, &first};
    Header header {event.timeMs, event.isMessage(), {}};
    qsizetype total = sizeof header;
    for (int i = 0; i < 8; ++i) {
        header.lengths[i] = quint32(fields[i]->size());
        total += fields[i]->size();
    }
    const qsizetype at = m_bytes.size();
    if (at + total > m_bytes.capacity())
        m_bytes.reserve(qMax(2 * m_bytes.capacity(), qMax<qsizetype>(at + total, 4096)));
    m_bytes.resize(at + total);
    char *out = m_bytes.data() + at;
    std::memcpy(out, &header, sizeof header);
    out += sizeof header;
    for (const QByteArray *field : fields) {
        if (!field->isEmpty())
            std::memcpy(out, field->constData(), field->size());
        out += field->size();
    }
    ++m_count;
}

const char *HistoryBatch::read(const char *at, Entry *entry)
{
    Header header;
    std::memcpy(&header, at, sizeof header);
    at += sizeof header;
    entry->timeMs = header.timeMs;
    entry->isMessage = header.isMessage != 0;
    QByteArrayView *fields[8] = {&entry->msgid,  &entry->target, &entry->command, &entry->source,
                                 &entry->params, &entry->text,   &entry->tags,    &entry->first};
    for (int i = 0; i < 8; ++i) {
        *fields[i] = QByteArrayView(at, header.lengths[i]);
        at += header.lengths[i];
    }
    return at;
}
