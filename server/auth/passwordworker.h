// SPDX-License-Identifier: MIT
#pragma once

#include "passwordjob.h"

#include <QObject>

// Derives keys from passwords (PBKDF2-SHA256, Scram::DefaultIterations), in a thread of its own:
// a login that must derive takes tens of milliseconds of CPU, which the hub's thread never spends.
// Jobs are done one at a time, in order; a storm of logins queues here and delays nobody's chat.
class PasswordWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

public Q_SLOTS:
    void run(PasswordJob job);

Q_SIGNALS:
    void done(const PasswordJob &job);
};
