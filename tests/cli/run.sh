#!/usr/bin/env bash
# CLI tests on the real forgec binary: commands, options, streams, files,
# exit codes. Usage: run.sh path/to/forgec   (cwd: tests/cli)
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
# expect_rc NAME WANT cmd...   runs cmd, stdout -> $T/out, stderr -> $T/err
expect_rc() {
    local name=$1 want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else
        bad "$name: exit $rc, want $want"
        sed 's/^/    err: /' "$T/err" | head -5
    fi
}
has() { # has NAME FILE TEXT
    if grep -qF -- "$3" "$2"; then ok; else
        bad "$1: $2 lacks: $3"
        sed 's/^/    got: /' "$2" | head -8
    fi
}
same() { # same NAME FILE EXPECTED-TEXT
    if [ "$(cat "$2")" == "$3" ]; then ok; else
        bad "$1: $2 differs"
        diff <(printf '%s\n' "$3") "$2" | head -20
    fi
}

cd "$HERE" || exit 1
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
P=policy.fp
D=data.csv
ROWS='id,decision,score
A1,high,15
A2,low,2.5
A4,high,30'

# --- help, version, usage ---
expect_rc "help" 0 "$BIN" --help
has "help lists commands" "$T/out" "eval POLICY DATA"
expect_rc "eval --help" 0 "$BIN" eval --help
has "eval help lists --format" "$T/out" "--format"
expect_rc "version" 0 "$BIN" --version
has "version text" "$T/out" "forgec 0."
expect_rc "no command" 2 "$BIN"
has "usage on error" "$T/err" "usage: forgec"
expect_rc "unknown command" 2 "$BIN" frobnicate
expect_rc "unknown option" 2 "$BIN" eval "$P" "$D" --bogus
has "names the option" "$T/err" "--bogus"
expect_rc "missing data arg" 2 "$BIN" eval "$P"
expect_rc "bad format" 2 "$BIN" eval "$P" "$D" --format xml
expect_rc "bad engine" 2 "$BIN" eval "$P" "$D" --engine fast

# --- eval basics: stdout rows, stderr error lines + summary, exit 3 ---
expect_rc "eval" 3 "$BIN" eval "$P" "$D"
same "eval rows" "$T/out" "$ROWS"
has "row error line" "$T/err" "data.csv:4: error: key A3: column n: bad num \"x1\""
has "summary" "$T/err" "forgec: 4 rows read, 3 evaluated, 1 in error"
expect_rc "eval quiet" 3 "$BIN" eval -q "$P" "$D"
if grep -q "rows read" "$T/err"; then bad "-q still prints the summary"; else ok; fi

# options after or before positionals, --opt=value form
expect_rc "option order" 3 "$BIN" eval --format=csv "$P" "$D" -q
same "option order rows" "$T/out" "$ROWS"

# --- stdin ---
expect_rc "stdin" 3 sh -c "\"$BIN\" eval \"$P\" - < \"$D\""
same "stdin rows" "$T/out" "$ROWS"
has "stdin name" "$T/err" "<stdin>:4: error: key A3"

# --- gzip (by content, any name) ---
gzip -c "$D" >"$T/data.csv.gz"
expect_rc "gzip" 3 "$BIN" eval "$P" "$T/data.csv.gz"
same "gzip rows" "$T/out" "$ROWS"
head -c 40 "$T/data.csv.gz" >"$T/trunc.csv.gz"
expect_rc "truncated gzip" 4 "$BIN" eval "$P" "$T/trunc.csv.gz"

# --- TSV by extension and by --delimiter ---
tr ',' '\t' <"$D" >"$T/data.tsv"
expect_rc "tsv by extension" 3 "$BIN" eval "$P" "$T/data.tsv"
same "tsv rows" "$T/out" "$ROWS"
tr ',' ';' <"$D" >"$T/semi.txt"
expect_rc "--delimiter" 3 "$BIN" eval "$P" "$T/semi.txt" --delimiter ';'
same "--delimiter rows" "$T/out" "$ROWS"

# --- --na markers ---
printf 'id,n\nB1,NA\nB2,4\n' >"$T/na.csv"
expect_rc "--na" 0 "$BIN" eval "$P" "$T/na.csv" --na "NA,N/A"
same "--na rows" "$T/out" 'id,decision,score
B1,none,0
B2,low,4'
expect_rc "no --na: NA is a bad num" 3 "$BIN" eval "$P" "$T/na.csv"

# --- output formats ---
expect_rc "jsonl" 3 "$BIN" eval "$P" "$D" --format jsonl
same "jsonl rows" "$T/out" '{"id":"A1","decision":"high","score":15}
{"id":"A2","decision":"low","score":2.5}
{"id":"A4","decision":"high","score":30}'
expect_rc "tsv out" 3 "$BIN" eval "$P" "$D" --format tsv
same "tsv out rows" "$T/out" "$(printf 'id\tdecision\tscore\nA1\thigh\t15\nA2\tlow\t2.5\nA4\thigh\t30')"
expect_rc "table out" 3 "$BIN" eval "$P" "$D" --format table
has "table header" "$T/out" "id"
has "table rule" "$T/out" "--"

# --- -o FILE and --errors FILE ---
expect_rc "-o" 3 "$BIN" eval "$P" "$D" -o "$T/result.csv" --errors "$T/errors.txt"
same "-o rows" "$T/result.csv" "$ROWS"
same "-o stdout empty" "$T/out" ""
same "--errors file" "$T/errors.txt" 'data.csv:4: error: key A3: column n: bad num "x1"'
if ls "$T" | grep -q '\.tmp\.'; then bad "-o left a temporary file"; else ok; fi
# a failing run (absent column) leaves no output file
printf 'id,other\nZ,1\n' >"$T/nocol.csv"
expect_rc "absent column" 4 "$BIN" eval "$P" "$T/nocol.csv" -o "$T/none.csv"
has "absent column message" "$T/err" 'column "n" is not in the header'
if [ -e "$T/none.csv" ]; then bad "failed run left an output file"; else ok; fi

# --- I/O failures ---
expect_rc "missing data file" 4 "$BIN" eval "$P" "$T/nope.csv"
has "missing data message" "$T/err" "nope.csv"
expect_rc "missing policy file" 4 "$BIN" eval "$T/nope.fp" "$D"
if [ -w /dev/full ]; then
    expect_rc "disk full" 4 sh -c "\"$BIN\" eval \"$P\" \"$D\" > /dev/full"
    # -o naming a device is written in place, never renamed over
    expect_rc "diff -o disk full" 4 "$BIN" diff "$P" "$P" "$D" -o /dev/full
    if [ -c /dev/full ]; then ok; else bad "diff -o replaced /dev/full"; fi
fi
printf 'id,n,n\nA,1,2\n' >"$T/dup.csv"
expect_rc "duplicate header" 4 "$BIN" eval "$P" "$T/dup.csv"
: >"$T/empty.csv"
expect_rc "empty input" 4 "$BIN" eval "$P" "$T/empty.csv"

# --- check, test, report ---
expect_rc "check ok" 0 "$BIN" check "$P"
expect_rc "check --dump-ir" 0 "$BIN" check "$P" --dump-ir
has "dump shows slots" "$T/out" "decision"
printf 'let x = y + 1\noutput x\n' >"$T/bad.fp"
expect_rc "check error" 1 "$BIN" check "$T/bad.fp"
has "diagnostic location" "$T/err" "bad.fp:1:9: error:"
expect_rc "eval of a bad policy" 1 "$BIN" eval "$T/bad.fp" "$D"
expect_rc "test" 0 "$BIN" test "$P"
has "test tally" "$T/out" "2 passed, 0 failed"
expect_rc "report (a row in error: exit 3)" 3 "$BIN" report "$P" "$D" -q
same "report csv when not a tty" "$T/out" 'decision,firms,total
high,2,45
low,1,2.5'

# --- a stale code-cache entry (intact, but calling runtime entry points
# this build lacks, as one from another build would) is compiled afresh,
# with the same output and nothing extra on stderr ---
printf 'input {\n  id : str key\n  x  : num\n}\nrule pos: x > 0 else "x is {x}"\noutput why = failed()\n' >"$T/stale.fp"
printf 'id,x\na,1\nb,-2.5\n' >"$T/stale.csv"
STALE_WANT='id,why
a,
b,x is -2.5'
if "$BIN" eval "$T/stale.fp" "$T/stale.csv" --engine jit --no-cache >/dev/null 2>&1; then
    XDG_CACHE_HOME=$T/cache "$BIN" eval "$T/stale.fp" "$T/stale.csv" --engine jit >/dev/null 2>&1
    entry=$(find "$T/cache" -type f | head -1)
    if [ -n "$entry" ] && python3 - "$entry" <<'PY'; then
import sys
path = sys.argv[1]
b = bytearray(open(path, "rb").read())
if b[:-8].count(b"fg_jit_rt_") == 0:
    sys.exit(1)
body = b[:-8].replace(b"fg_jit_rt_", b"fg_jit_XX_")
h = 0xcbf29ce484222325
for x in body:  # FNV-1a of all before the checksum (jit_cache.c)
    h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
open(path, "wb").write(body + h.to_bytes(8, sys.byteorder))
PY
        expect_rc "stale cache entry" 0 env XDG_CACHE_HOME="$T/cache" \
            "$BIN" eval "$T/stale.fp" "$T/stale.csv" --engine jit
        same "stale cache entry: output" "$T/out" "$STALE_WANT"
        same "stale cache entry: stderr" "$T/err" "forgec: 2 rows read, 2 evaluated, 0 in error"
    else
        bad "stale cache entry: could not make one"
    fi
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
