// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <optional>

// CTCP: requests quoted in \x01 inside a PRIVMSG, replies likewise inside a NOTICE. What the
// client understands of them, what it answers, and how often, so that nobody can use it to
// flood its own connection off the server.
class Ctcp {
public:
    struct Message {
        QString command; // upper case: "VERSION"
        QString args;    // the rest, possibly empty
    };
    // "\x01VERSION\x01", "\x01PING 123\x01" (the closing \x01 is optional, as in the wild).
    static std::optional<Message> parse(const QString &text);
    static QString quote(const QString &command, const QString &args = {});
    // This client's answer to a request, or none (ACTION, and what it does not know).
    static std::optional<QString> answer(const Message &request, const QDateTime &now);
    // What CLIENTINFO lists.
    static QString supported();

    // At most Burst answers at once, then Rate a second; false: leave this one unanswered.
    bool allowAnswer(qint64 nowMs);
    static constexpr int Burst = 4;
    static constexpr double Rate = 1.0;

private:
    double m_tokens = Burst;
    qint64 m_lastMs = -1;
};
