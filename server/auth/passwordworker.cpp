// SPDX-License-Identifier: MIT
#include "passwordworker.h"

#include "config/serverconfig.h"

void PasswordWorker::run(PasswordJob job)
{
    switch (job.kind) {
    case PasswordJob::Make:
        job.verifier = Scram::makeVerifier(job.password, job.iterations);
        break;
    case PasswordJob::Check:
        job.matched = Scram::matches(job.verifier, job.password);
        break;
    case PasswordJob::CheckOperator:
        job.matched = OperAccount {{}, job.secret}.matches(job.password);
        job.secret.clear();
        break;
    }
    job.password.fill('\0'); // not left in freed memory longer than needed
    job.password.clear();
    Q_EMIT done(job);
}
