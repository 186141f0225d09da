// SPDX-License-Identifier: MIT
#pragma once

#include "client/inputhistory.h"
#include "client/nickcompleter.h"

#include <QLineEdit>
#include <QStringList>
#include <functional>

// The line the user types in: Enter sends, Up/Down walk the history, Tab completes nicks.
class InputLine : public QLineEdit {
    Q_OBJECT
public:
    explicit InputLine(QWidget *parent = nullptr);

    // Where completion candidates come from (the current conversation's users).
    void setCompletionSource(std::function<QStringList()> source) { m_source = std::move(source); }

Q_SIGNALS:
    void submitted(const QString &text);

protected:
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    std::function<QStringList()> m_source;
    InputHistory m_history;
    NickCompleter m_completer;
};
