// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

// Lines the user has sent, walked with Up/Down as in a shell: the line being typed is kept as a
// draft and comes back after the newest entry. Shared by both clients' input lines.
class InputHistory {
public:
    void add(const QString &line);
    // The line to show after Up (given what is typed now), or nothing when there is no older one.
    std::optional<QString> older(const QString &current);
    // The line to show after Down, or nothing when not walking the history.
    std::optional<QString> newer();

    static constexpr int MaxLines = 500;

private:
    QStringList m_lines;
    int m_pos = -1; // -1: not walking
    QString m_draft;
};
