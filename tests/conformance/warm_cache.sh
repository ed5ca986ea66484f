#!/bin/sh
# warm_cache.sh — the golden cases on the JIT with a warm compiled-code
# cache, so that runtime/objload.c (not LLVM) maps every case's code: a
# first run fills an empty cache, then a second run must pass with
# FORGE_JIT_MODULE naming no file — forge-jit.so (hence LLVM) cannot be
# loaded, so any case that would need it fails. Then, with the module
# missing and a cold cache: `--engine jit` is a usage error (exit 2) naming
# forge-jit.so, and the default engine falls back to the interpreter.
# Usage: warm_cache.sh FORGEC   (in tests/conformance)
set -u
[ $# -eq 1 ] || { echo "usage: $0 FORGEC" >&2; exit 2; }
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
cd "$(dirname "$0")" || exit 2
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT
export FORGE_ENGINES=jit XDG_CACHE_HOME="$TMP/cache"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

./run.sh "$BIN" >"$TMP/cold.log" 2>&1 || { cat "$TMP/cold.log"; fail "cold run"; }
n=$(find "$TMP/cache" -type f | wc -l)
[ "$n" -gt 50 ] || fail "the cold run cached only $n objects"
FORGE_JIT_MODULE="$TMP/no-such-module.so" ./run.sh "$BIN" >"$TMP/warm.log" 2>&1 ||
    { cat "$TMP/warm.log"; fail "warm run without forge-jit.so"; }
tail -n 1 "$TMP/warm.log"

# module missing, cold cache
export XDG_CACHE_HOME="$TMP/cold" FORGE_JIT_MODULE="$TMP/no-such-module.so"
c=005-interpolation
"$BIN" eval --engine jit "$c/policy.fp" "$c/data.csv" >"$TMP/jit.out" 2>"$TMP/jit.err"
rc=$?
[ $rc -eq 2 ] || fail "--engine jit without the module: exit $rc, not 2"
grep -q "the jit engine is not available: cannot load forge-jit.so" "$TMP/jit.err" ||
    { cat "$TMP/jit.err"; fail "--engine jit without the module: no clear message"; }
"$BIN" eval "$c/policy.fp" "$c/data.csv" >"$TMP/def.out" 2>"$TMP/def.err"
rc=$?
"$BIN" eval --engine interp "$c/policy.fp" "$c/data.csv" >"$TMP/int.out" 2>"$TMP/int.err"
[ $rc -eq $? ] && cmp -s "$TMP/def.out" "$TMP/int.out" && cmp -s "$TMP/def.err" "$TMP/int.err" ||
    fail "the default engine without the module is not the interpreter ($c)"
[ -z "$(find "$TMP/cold" -type f 2>/dev/null)" ] || fail "something was cached without the module"

[ $fails -eq 0 ] && echo "warm cache: every case mapped without LLVM; missing module handled"
[ $fails -eq 0 ]
