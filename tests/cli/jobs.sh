#!/usr/bin/env bash
# -j N gives the same bytes for every N: forgec eval and report with -j1,
# -j2 and -j8 on examples/forging and on a 200,000-row file made by
# bench/gen_firms at test time (into the current directory: the build tree),
# read from a mapped file, from a pipe and gzipped.
# Usage: jobs.sh path/to/forgec path/to/source-root   (cwd: a scratch dir)
set -u
BIN=$1
ROOT=$2
T=$(mktemp -d "$PWD/jobs.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
# same_bytes NAME ARGS... : -j1 is the reference, -j2 and -j8 must match it
same_bytes() {
    local name=$1
    shift
    "$@" -j1 >"$T/ref.out" 2>"$T/ref.err"
    local rc=$?
    for j in 2 8; do
        "$@" -j$j >"$T/j.out" 2>"$T/j.err"
        local rcj=$?
        if [ "$rcj" -ne "$rc" ]; then bad "$name -j$j: exit $rcj, -j1 exit $rc"; continue; fi
        if ! cmp -s "$T/ref.out" "$T/j.out"; then bad "$name -j$j: output differs"; continue; fi
        if ! cmp -s "$T/ref.err" "$T/j.err"; then bad "$name -j$j: errors differ"; continue; fi
        pass=$((pass + 1))
    done
}

EX=$ROOT/examples/forging
for e in ${FORGE_ENGINES:-interp}; do
    same_bytes "forging eval $e" "$BIN" eval "$EX/policy.fp" "$EX/firms.csv" --engine "$e"
    same_bytes "forging report $e" "$BIN" report "$EX/policy.fp" "$EX/firms.csv" --engine "$e"
done
# -j1 still gives the expected bytes of the example
(cd "$EX" && "$BIN" eval policy.fp firms.csv -j1) >"$T/o" 2>"$T/e"
if cmp -s "$T/o" "$EX/expected.csv" && cmp -s "$T/e" "$EX/expected.err"; then
    pass=$((pass + 1))
else
    bad "forging -j1: differs from expected.csv / expected.err"
fi

GEN=$T/gen_firms
if ! ${CC:-cc} -std=c11 -O2 -o "$GEN" "$ROOT/bench/gen_firms.c" -lm; then
    echo "FAIL: cannot build bench/gen_firms"
    exit 1
fi
D=$T/firms-200k.csv
"$GEN" --rows 200000 --seed 7 >"$D" || { echo "FAIL: gen_firms"; exit 1; }
for e in ${FORGE_ENGINES:-interp}; do
    same_bytes "200k eval $e" "$BIN" eval "$ROOT/bench/policy.fp" "$D" --engine "$e" -q
done
same_bytes "200k report" "$BIN" report "$ROOT/bench/policy.fp" "$D" --format csv -q
# from a pipe and gzipped: the same bytes as the mapped file
"$BIN" eval "$ROOT/bench/policy.fp" "$D" -q -j1 >"$T/ref" 2>&1
for j in 1 2 8; do
    "$BIN" eval "$ROOT/bench/policy.fp" - -q -j$j <"$D" >"$T/p" 2>&1
    cmp -s "$T/ref" "$T/p" && pass=$((pass + 1)) || bad "200k from a pipe -j$j differs"
done
gzip -c "$D" >"$D.gz"
"$BIN" eval "$ROOT/bench/policy.fp" "$D.gz" -q -j2 >"$T/g" 2>&1
cmp -s "$T/ref" "$T/g" && pass=$((pass + 1)) || bad "200k gzipped -j2 differs"

echo "jobs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
