// SPDX-License-Identifier: MIT
// Linked into every test program of a sanitizer build (CONFAB_SANITIZE), and only there.
//
// Qt 6.4's QProcess starts a child with clone(CLONE_VM | CLONE_VFORK): until it execs, the child
// runs in the parent's memory, on a stack inside the parent's stack, and calls libc functions
// that the sanitizer intercepts. Those interceptors then update the runtime state of the parent's
// thread as if the parent had made the calls, unordered with the parent's other threads. Under
// TSan this produced a race report in tst_consoleplain (an in-process server plus client
// processes): a hub-thread read against an older main-thread write, ordered by a lock that TSan
// had seen; with this file the report is gone. Later Qt versions stop using vfork when Qt itself is built with a
// sanitizer; Debian's Qt is not, so the test programs make the same choice here: such a clone becomes a fork(), which
// the sanitizers intercept and handle. Nothing else calls clone() with CLONE_VFORK in Confab.

#include <cstdarg>
#include <dlfcn.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

extern "C" int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...) noexcept
{
    va_list rest;
    va_start(rest, arg);
    int *parentTid = va_arg(rest, int *);
    void *tls = va_arg(rest, void *);
    int *childTid = va_arg(rest, int *);
    va_end(rest);
    if ((flags & CLONE_VM) && (flags & CLONE_VFORK)) {
        const pid_t pid = ::fork();
        if (pid == 0)
            ::_exit(fn(arg));
        // forkfd asks for a pidfd to watch the child with; fork() cannot return one.
        if (pid > 0 && (flags & CLONE_PIDFD))
            *parentTid = int(::syscall(SYS_pidfd_open, pid, 0));
        return pid;
    }
    using Clone = int (*)(int (*)(void *), void *, int, void *, ...);
    static const auto next = reinterpret_cast<Clone>(::dlsym(RTLD_NEXT, "clone"));
    return next(fn, stack, flags, arg, parentTid, tls, childTid);
}
