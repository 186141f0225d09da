#include "passwordworker.h"

void PasswordWorker::run(PasswordJob job)
{
    if (job.kind == PasswordJob::Make)
        job.verifier = Scram::makeVerifier(job.password, job.iterations);
    else
        job.matched = Scram::matches(job.verifier, job.password);
    job.password.fill('\0'); // not left in freed memory longer than needed
    job.password.clear();
    Q_EMIT done(job);
}
