// SPDX-License-Identifier: MIT
#include "inputline.h"

#include <QKeyEvent>

InputLine::InputLine(QWidget *parent)
    : QLineEdit(parent)
{
    setPlaceholderText(tr("Type a message, or /help"));
    connect(this, &QLineEdit::returnPressed, this, [this] {
        const QString line = text();
        m_history.add(line);
        if (line.trimmed().isEmpty())
            return;
        clear();
        Q_EMIT submitted(line);
    });
}

bool InputLine::event(QEvent *event)
{
    // Tab would move the focus: take it first, for completion.
    if (event->type() == QEvent::KeyPress && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Tab) {
        const QStringList nicks = m_source ? m_source() : QStringList();
        if (const std::optional<NickCompleter::Result> r = m_completer.complete(text(), cursorPosition(), nicks)) {
            setText(r->text);
            setCursorPosition(r->cursor);
        }
        return true;
    }
    return QLineEdit::event(event);
}

void InputLine::keyPressEvent(QKeyEvent *event)
{
    m_completer.reset();
    if (event->key() == Qt::Key_Up || event->key() == Qt::Key_Down) {
        if (const std::optional<QString> line
            = event->key() == Qt::Key_Up ? m_history.older(text()) : m_history.newer())
            setText(*line);
        return;
    }
    QLineEdit::keyPressEvent(event);
}
