#!/usr/bin/env bash
# run.sh — runs each libFuzzer target for a bounded time and sums up.
# Usage: run.sh BINDIR SECONDS TARGET...
# Each target starts from its seed corpus (tests/fuzz/corpus/TARGET, kept in
# the repo) plus what earlier runs found (BINDIR/corpus/TARGET, not kept).
# Prints per target the executions and the coverage reached (libFuzzer's
# cov: edges and ft: features); a crash leaves its reproducer in
# BINDIR/crashes/ and fails the run (exit 1).
set -u
BIN=$1
SECS=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
status=0
mkdir -p "$BIN/crashes"
for t in "$@"; do
    work="$BIN/corpus/$t"
    mkdir -p "$work"
    log="$BIN/$t.log"
    dict=()
    [ -f "$HERE/$t.dict" ] && dict=(-dict="$HERE/$t.dict")
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$BIN/$t" -max_total_time="$SECS" -timeout=20 -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$BIN/crashes/$t-" "${dict[@]}" \
        "$work" "$HERE/corpus/$t" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    if [ $rc -ne 0 ]; then
        status=1
        echo "$t: FAILED (exit $rc) after ${execs:-?} executions; see $log"
        grep -E 'ERROR|SUMMARY|runtime error|engines differ' "$log" | head -5 | sed 's/^/    /'
    else
        echo "$t: ${execs:-0} executions in ${SECS}s, ${cov:-cov: ?}"
    fi
done
exit $status
