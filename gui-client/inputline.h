#pragma once

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
    void complete();

    std::function<QStringList()> m_source;
    QStringList m_history;
    int m_historyPos = -1;
    QString m_draft;
    QStringList m_candidates;
    int m_candidateIndex = -1;
    int m_completeStart = 0;
    bool m_completing = false;
};
