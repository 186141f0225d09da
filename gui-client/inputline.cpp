#include "inputline.h"

#include <QKeyEvent>

InputLine::InputLine(QWidget *parent)
    : QLineEdit(parent)
{
    setPlaceholderText(tr("Type a message, or /help"));
    connect(this, &QLineEdit::returnPressed, this, [this] {
        const QString line = text();
        if (line.trimmed().isEmpty())
            return;
        if (m_history.isEmpty() || m_history.last() != line)
            m_history.append(line);
        m_historyPos = -1;
        clear();
        Q_EMIT submitted(line);
    });
}

bool InputLine::event(QEvent *event)
{
    // Tab would move the focus: take it first, for completion.
    if (event->type() == QEvent::KeyPress && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Tab) {
        complete();
        return true;
    }
    return QLineEdit::event(event);
}

void InputLine::keyPressEvent(QKeyEvent *event)
{
    m_completing = false;
    if (event->key() == Qt::Key_Up && !m_history.isEmpty()) {
        if (m_historyPos < 0) {
            m_draft = text();
            m_historyPos = int(m_history.size());
        }
        if (m_historyPos > 0)
            setText(m_history.at(--m_historyPos));
        return;
    }
    if (event->key() == Qt::Key_Down && m_historyPos >= 0) {
        if (++m_historyPos >= m_history.size()) {
            m_historyPos = -1;
            setText(m_draft);
        } else {
            setText(m_history.at(m_historyPos));
        }
        return;
    }
    QLineEdit::keyPressEvent(event);
}

void InputLine::complete()
{
    QString line = text();
    if (!m_completing) {
        const int cursor = cursorPosition();
        m_completeStart = cursor;
        while (m_completeStart > 0 && line.at(m_completeStart - 1) != u' ')
            --m_completeStart;
        const QString prefix = line.mid(m_completeStart, cursor - m_completeStart);
        m_candidates.clear();
        if (prefix.isEmpty() || !m_source)
            return;
        for (const QString &n : m_source())
            if (n.startsWith(prefix, Qt::CaseInsensitive))
                m_candidates.append(n);
        if (m_candidates.isEmpty())
            return;
        m_candidateIndex = -1;
        m_completing = true;
    }
    m_candidateIndex = (m_candidateIndex + 1) % int(m_candidates.size());
    const QString word = m_candidates.at(m_candidateIndex) + (m_completeStart == 0 ? QStringLiteral(": ") : QStringLiteral(" "));
    line.replace(m_completeStart, cursorPosition() - m_completeStart, word);
    setText(line);
    setCursorPosition(int(m_completeStart + word.size()));
}
