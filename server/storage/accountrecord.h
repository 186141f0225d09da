// SPDX-License-Identifier: MIT
#pragma once

#include "auth/scram.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>

// One account as it is stored: its name (as registered; the key is its folded form), how to check
// its password, and the client certificates that log in to it (SASL EXTERNAL).
struct AccountRecord {
    QByteArray name;
    Scram::Verifier verifier;
    qint64 createdAt = 0;           // seconds since the epoch
    QList<QByteArray> certificates; // SHA-256 fingerprints, lowercase hex
};

// A change to write. Answered by AccountStore::written() with the same request number.
struct AccountWrite {
    enum Operation { Save, Drop };
    quint64 request = 0;
    Operation operation = Save;
    AccountRecord record; // all of it for Save (it replaces what was there); the name for Drop
};

Q_DECLARE_METATYPE(AccountRecord)
Q_DECLARE_METATYPE(AccountWrite)
