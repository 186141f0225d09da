#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer target (clang, ASan + UBSan) in build-fuzz and runs it for FUZZ_SECONDS
# (default 60) on a copy of the seed corpus (tests/fuzz/corpus). Any crash, leak, sanitizer report
# or broken property fails it; the input that did it is left in build-fuzz/.
#   FUZZ_SECONDS=600 resources/scripts/fuzz.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$root/build-fuzz"
CONFAB_EXTRA_PACKAGES="clang libclang-rt-14-dev" CONFAB_BUILD_DIR="$build" CONFAB_BUILD_TARGET=fuzzprotocol \
    "$root/resources/scripts/build.sh" -DCMAKE_CXX_COMPILER=clang++ -DCONFAB_FUZZ=ON
corpus="$build/corpus"
mkdir -p "$corpus"
cp -n "$root"/tests/fuzz/corpus/* "$corpus"/
cd "$build"
# The framer's own bound is checked inside the target; the RSS limit only catches runaway growth.
"$build/tests/fuzz/fuzzprotocol" -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048 -max_len=16384 \
    -timeout=10 -print_final_stats=1 "$corpus"
