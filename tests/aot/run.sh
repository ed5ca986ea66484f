#!/bin/sh
# run.sh — the ahead-of-time test: the example policy compiled to an object
# and linked with libforge.a (aot_driver) must write exactly what
# `forgec eval` writes for examples/forging/firms.csv (stdout, stderr, exit).
# Usage: run.sh FORGEC AOT_DRIVER   (run in examples/forging)
set -u
[ $# -eq 2 ] || { echo "usage: $0 FORGEC AOT_DRIVER" >&2; exit 2; }
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT
"$1" eval --engine interp policy.fp firms.csv >"$TMP/want.out" 2>"$TMP/want.err"
want=$?
"$2" policy.fp firms.csv >"$TMP/got.out" 2>"$TMP/got.err"
got=$?
fails=0
cmp -s "$TMP/want.out" "$TMP/got.out" || { echo "FAIL stdout"; diff -u "$TMP/want.out" "$TMP/got.out"; fails=1; }
cmp -s "$TMP/want.err" "$TMP/got.err" || { echo "FAIL stderr"; diff -u "$TMP/want.err" "$TMP/got.err"; fails=1; }
[ "$want" -eq "$got" ] || { echo "FAIL exit status: forgec $want, aot $got"; fails=1; }
[ $fails -eq 0 ] && echo "aot: same rows, errors and exit status as forgec eval"
exit $fails
