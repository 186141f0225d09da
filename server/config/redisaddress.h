// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

// Where a node finds the cluster's Redis, from redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]
// (--cluster). The password is kept for AUTH and never shown: toString() leaves it out, so that
// the address can be logged.
struct RedisAddress {
    static constexpr quint16 DefaultPort = 6379;

    QString host;
    quint16 port = DefaultPort;
    int database = 0;
    QByteArray user;     // empty: the default user (AUTH with the password alone)
    QByteArray password; // empty: no AUTH

    // nullopt, with *error saying what is wrong, for anything but a well-formed URL.
    static std::optional<RedisAddress> parse(const QString &url, QString *error);
    QString toString() const;
};
