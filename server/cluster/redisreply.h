// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

// One Redis reply, copied out of hiredis's reply (which lives only during its callback).
// A command that never got an answer (the connection was lost, or there was none) is an Error
// whose text says so: every command gets exactly one reply.
struct RedisReply {
    enum class Type { Nil, Status, Error, Integer, String, Array };

    Type type = Type::Nil;
    QByteArray string; // Status, Error, String
    qint64 integer = 0;
    QList<RedisReply> elements;

    bool isError() const { return type == Type::Error; }
    bool isNil() const { return type == Type::Nil; }
    static RedisReply error(const QByteArray &text)
    {
        RedisReply r;
        r.type = Type::Error;
        r.string = text;
        return r;
    }
};
