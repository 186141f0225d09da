#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the whole tree under a sanitizer and runs every test there:
#   resources/scripts/sanitize.sh address   # ASan + UBSan (+ LeakSanitizer), in build-asan
#   resources/scripts/sanitize.sh thread    # TSan, in build-tsan, with tests/tsan.supp
# Any report fails the run (halt_on_error / abort_on_error).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mode=${1:-address}
case "$mode" in
address) build="$root/build-asan"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" ;;
thread) build="$root/build-tsan"
    # Debian's Qt is not built with TSan: its own memory accesses are invisible anyway, and the
    # frees, copies and waits it makes through intercepted libc calls would be reported without
    # the ordering (futexes) behind them. ignore_noninstrumented_modules drops exactly those
    # reports; Confab's own cross-thread hand-offs are made visible by CrossThread.
    # die_after_fork=0: a test program with server threads running forks its client processes
    # (tests/support/sanitizerfork.cpp); each child only execs, which TSan cannot tell from a
    # child that goes on running threads.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:die_after_fork=0:suppressions=$root/tests/tsan.supp:print_suppressions=0" ;;
*) echo "usage: $0 address|thread" >&2; exit 2 ;;
esac
CONFAB_EXTRA_PACKAGES="tmux openssl redis-server postgresql" CONFAB_BUILD_DIR="$build" "$root/resources/scripts/build.sh" -DCONFAB_SANITIZE="$mode"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 900
