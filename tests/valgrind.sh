#!/usr/bin/env bash
# valgrind.sh — the CLI tests (tests/cli/run.sh) and the example with forgec
# under valgrind memcheck: any memory error or definite/indirect leak makes
# that forgec run exit 99, which the tests report as a failure.
# Usage: valgrind.sh path/to/forgec   (`make test-valgrind`)
set -u
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# JIT code compiled once per policy, then loaded from this cache: keeps valgrind runs short.
export XDG_CACHE_HOME="$T/cache"
cat >"$T/forgec" <<SH
#!/bin/sh
exec valgrind --quiet --error-exitcode=99 --leak-check=full --suppressions="$HERE/valgrind.supp" \\
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \\
  --log-file="$T/vg.%p.log" "$BIN" "\$@"
SH
chmod +x "$T/forgec"
status=0
(cd "$HERE/cli" && ./run.sh "$T/forgec") || status=1
(cd "$HERE/../examples/forging" && "$HERE/cli/example.sh" "$T/forgec") || status=1
for f in "$T"/vg.*.log; do
    [ -s "$f" ] || continue
    echo "valgrind reports ($f):"
    head -40 "$f"
    status=1
done
[ $status -eq 0 ] && echo "valgrind: no errors, no leaks"
exit $status
