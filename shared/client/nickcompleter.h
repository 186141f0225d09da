// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

// Tab completion of nicks in an input line, shared by both clients. The first Tab completes the
// word before the cursor with the first matching nick (alphabetically, case-insensitively);
// each further Tab replaces it with the next match. At the start of the line the nick gets
// ": " after it, elsewhere a space. Any other key ends the cycle (reset()).
class NickCompleter {
public:
    struct Result {
        QString text;
        int cursor;
    };
    std::optional<Result> complete(const QString &text, int cursor, const QStringList &nicks);
    void reset() { m_active = false; }

private:
    QStringList m_candidates;
    int m_index = -1;
    int m_start = 0;
    int m_end = 0;
    bool m_active = false;
};
