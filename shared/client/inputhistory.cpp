// SPDX-License-Identifier: MIT
#include "inputhistory.h"

void InputHistory::add(const QString &line)
{
    m_pos = -1;
    if (line.trimmed().isEmpty() || (!m_lines.isEmpty() && m_lines.last() == line))
        return;
    m_lines.append(line);
    if (m_lines.size() > MaxLines)
        m_lines.removeFirst();
}

std::optional<QString> InputHistory::older(const QString &current)
{
    if (m_lines.isEmpty())
        return std::nullopt;
    if (m_pos < 0) {
        m_draft = current;
        m_pos = int(m_lines.size());
    }
    if (m_pos == 0)
        return std::nullopt;
    return m_lines.at(--m_pos);
}

std::optional<QString> InputHistory::newer()
{
    if (m_pos < 0)
        return std::nullopt;
    if (++m_pos >= m_lines.size()) {
        m_pos = -1;
        return m_draft;
    }
    return m_lines.at(m_pos);
}
