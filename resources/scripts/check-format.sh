#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails, naming the files, when a C++ source does not follow .clang-format (clang-format 14, as
# Debian 12 ships it: another version formats a few constructs differently). Installs it when
# missing. To format what you changed: clang-format-14 -i FILE...
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
if ! command -v clang-format-14 > /dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends clang-format-14
fi
bad=()
while IFS= read -r -d '' f; do
    clang-format-14 --dry-run --Werror "$f" > /dev/null 2>&1 || bad+=("$f")
done < <(git ls-files -z '*.cpp' '*.h')
if [ ${#bad[@]} -gt 0 ]; then
    echo "Not formatted as .clang-format says (clang-format-14 -i FILE fixes it):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "format OK: $(git ls-files '*.cpp' '*.h' | wc -l) files"
