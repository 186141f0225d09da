// SPDX-License-Identifier: MIT
#include "nickcompleter.h"

std::optional<NickCompleter::Result> NickCompleter::complete(const QString &text, int cursor, const QStringList &nicks)
{
    if (!m_active) {
        m_start = cursor;
        while (m_start > 0 && text.at(m_start - 1) != u' ')
            --m_start;
        const QString prefix = text.mid(m_start, cursor - m_start);
        if (prefix.isEmpty())
            return std::nullopt;
        m_candidates.clear();
        for (const QString &n : nicks)
            if (n.startsWith(prefix, Qt::CaseInsensitive))
                m_candidates.append(n);
        if (m_candidates.isEmpty())
            return std::nullopt;
        std::sort(m_candidates.begin(), m_candidates.end(),
                  [](const QString &a, const QString &b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
        m_index = -1;
        m_active = true;
    } else {
        cursor = m_end; // replace the previous completion
    }
    m_index = (m_index + 1) % int(m_candidates.size());
    const QString word = m_candidates.at(m_index) + (m_start == 0 ? QStringLiteral(": ") : QStringLiteral(" "));
    QString out = text;
    out.replace(m_start, cursor - m_start, word);
    m_end = int(m_start + word.size());
    return Result {out, m_end};
}
