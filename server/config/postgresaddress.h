// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

// Where the PostgreSQL database of history and accounts is, from --database
// postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (postgres:// too). The password may instead
// come from a file (--database-password-file); it is never shown: toString() leaves it out, so
// that the address can be logged.
struct PostgresAddress {
    static constexpr quint16 DefaultPort = 5432;

    QString host;
    quint16 port = DefaultPort;
    QString user;
    QString password;
    QString database;

    static bool looksLikeOne(const QString &text);
    // nullopt, with *error saying what is wrong, for anything but a well-formed URL.
    static std::optional<PostgresAddress> parse(const QString &url, QString *error);
    QString toString() const;
};
