#!/usr/bin/env bash
# Installs, builds and runs every test. This is the README's test command and what CI runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
"$root/resources/scripts/build.sh" "$@"
ctest --test-dir "$root/build" --output-on-failure --parallel "$(nproc)" --timeout 600
