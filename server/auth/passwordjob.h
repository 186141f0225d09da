// SPDX-License-Identifier: MIT
#pragma once

#include "auth/scram.h"

#include <QByteArray>
#include <QMetaType>

// One piece of password work for the PasswordWorker, and its answer (the same value, filled in).
struct PasswordJob {
    enum Kind {
        Check,         // does `password` match `verifier`? -> matched
        Make,          // a new verifier for `password` -> verifier
        CheckOperator, // does `password` match `secret` (an OPER password or its hash)? -> matched
    };
    quint64 request = 0;
    Kind kind = Check;
    QByteArray password;
    Scram::Verifier verifier;
    QByteArray secret;                         // CheckOperator
    int iterations = Scram::DefaultIterations; // Make
    bool matched = false;
};

Q_DECLARE_METATYPE(PasswordJob)
