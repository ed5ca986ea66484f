#!/bin/sh
# example.sh — golden test of examples/forging on the real binary: `eval`
# (stdout, stderr, exit 3 since firms.csv holds bad rows), `test` (exit 0,
# last line `N passed, 0 failed`) and `report` (stdout), once per engine in
# ${FORGE_ENGINES:-interp}. Expected files come from an independent reference
# (tests/conformance/reference/forging_ref.py), never from forgec itself.
# Usage: example.sh FORGEC
set -u
[ $# -ge 1 ] || { echo "usage: $0 FORGEC" >&2; exit 2; }
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
cd "$(dirname "$0")/../../examples/forging" || exit 2
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT
fails=0

check() { # name expected-file actual-file
    if cmp -s "$2" "$3"; then
        echo "ok   $1"
    else
        echo "FAIL $1"
        diff -u "$2" "$3" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
}

for e in ${FORGE_ENGINES:-interp}; do
    "$BIN" eval --engine "$e" policy.fp firms.csv >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "eval [$e] stdout" expected.csv "$TMP/out"
    check "eval [$e] stderr" expected.err "$TMP/err"
    echo 3 >"$TMP/rc.want"; echo "$rc" >"$TMP/rc.got"
    check "eval [$e] exit status" "$TMP/rc.want" "$TMP/rc.got"

    "$BIN" test --engine "$e" policy.fp >"$TMP/tout" 2>&1
    rc=$?
    n=$(grep -c '^test "' policy.fp)
    echo "$n passed, 0 failed" >"$TMP/tlast.want"
    tail -n 1 "$TMP/tout" >"$TMP/tlast.got"
    check "test [$e] last line" "$TMP/tlast.want" "$TMP/tlast.got"
    echo 0 >"$TMP/rc.want"; echo "$rc" >"$TMP/rc.got"
    check "test [$e] exit status" "$TMP/rc.want" "$TMP/rc.got"
    [ "$rc" -eq 0 ] || sed 's/^/    | /' "$TMP/tout"

    "$BIN" report --engine "$e" policy.fp firms.csv >"$TMP/rout" 2>"$TMP/rerr"
    rc=$?
    check "report [$e] stdout" expected-report.csv "$TMP/rout"
    echo 3 >"$TMP/rc.want"; echo "$rc" >"$TMP/rc.got"
    check "report [$e] exit status" "$TMP/rc.want" "$TMP/rc.got"
done

if [ "$fails" -ne 0 ]; then
    echo "example: $fails check(s) failed"
    exit 1
fi
echo "example: all checks passed"
