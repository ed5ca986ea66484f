#!/usr/bin/env bash
# run.sh — forgec's throughput benchmark against peers on the same job: the
# SPEC's example policy (bench/policy.fp) over generated firm data.
#
#   bench/run.sh [--rows N[,N...]] [--runs R] [--quick] [--seed S]
#                [--only REGEX] [--skip REGEX]
#
# Builds the C tools (cc -O2) into bench/out/bin, installs missing peers
# (npm @duckdb/node-api into bench/node_modules; Debian packages mawk and
# time when run as root), generates bench/data/firms-N.csv if absent,
# checks that every peer's output is byte-identical to `forgec eval
# bench/policy.fp DATA` (a mismatch is reported loudly and the peer's row
# marked), then times each tool: one warm-up run, then R runs; the table
# shows the median wall time, the median CPU time (user+sys), rows/s and
# MB/s from that wall time, and the peak RSS (GNU time's %M, the largest
# resident set of the command's processes). Defaults: --rows 1000000,
# --runs 5; --quick is --rows 100000 --runs 3. forgec variants: every engine
# the binary accepts (--engine interp, --engine jit), and `-j 1` / `-j
# NPROC` when it accepts -j (otherwise that variant is skipped with a note).
# The table for each row count is printed and saved as
# bench/out/results-N.md. Environment: FORGEC (default build/forgec), CC,
# PY (default /usr/bin/python3).
set -u

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
FORGEC=${FORGEC:-$ROOT/build/forgec}
CC=${CC:-cc}
PY=${PY:-/usr/bin/python3}
[ -x "$PY" ] || PY=$(command -v python3)
DATA_DIR=$BENCH/data
OUT=$BENCH/out
BIN=$OUT/bin
NPROC=$(nproc 2>/dev/null || echo 2)

ROWS_LIST=1000000
RUNS=5
SEED=1
ONLY=
SKIP=
NOTES=()
MISMATCHES=0

usage() {
    sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --rows) ROWS_LIST=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --quick) ROWS_LIST=100000; RUNS=3; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --skip) SKIP=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "run.sh: unknown option $1" >&2; usage ;;
    esac
done

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# ---- tools ----

[ -x "$FORGEC" ] || die "$FORGEC not found; run 'make build' first (or set FORGEC)"
[ -x /usr/bin/time ] || {
    say "installing GNU time"
    [ "$(id -u)" = 0 ] && apt-get install -y time >/dev/null 2>&1
}
[ -x /usr/bin/time ] || die "/usr/bin/time (Debian package 'time') is required"
if ! command -v mawk >/dev/null; then
    say "installing mawk"
    [ "$(id -u)" = 0 ] && apt-get install -y mawk >/dev/null 2>&1
fi
HAVE_MAWK=$(command -v mawk >/dev/null && echo 1 || echo 0)
HAVE_DUCKDB=0
if command -v node >/dev/null; then
    if [ ! -d "$BENCH/node_modules/@duckdb/node-api" ] && command -v npm >/dev/null; then
        say "installing @duckdb/node-api into bench/node_modules"
        (cd "$BENCH" && npm install --no-audit --no-fund >/dev/null 2>&1)
    fi
    [ -d "$BENCH/node_modules/@duckdb/node-api" ] && HAVE_DUCKDB=1
fi

mkdir -p "$DATA_DIR" "$OUT" "$BIN" || die "cannot create bench/data, bench/out"
for t in gen_firms tokenize handwritten; do
    if [ ! -x "$BIN/$t" ] || [ "$BENCH/$t.c" -nt "$BIN/$t" ]; then
        say "cc -O2 bench/$t.c"
        "$CC" -std=c11 -O2 -Wall -Wextra -o "$BIN/$t" "$BENCH/$t.c" -lm || die "cannot build $t"
    fi
done

# ---- data ----

data_file() { # rows -> path, generated when absent
    local f=$DATA_DIR/firms-$1.csv
    if [ "$SEED" != 1 ]; then f=$DATA_DIR/firms-$1-s$SEED.csv; fi
    if [ ! -s "$f" ]; then
        say "generating $f"
        "$BIN/gen_firms" --rows "$1" --seed "$SEED" >"$f.tmp" && mv "$f.tmp" "$f" ||
            die "cannot generate $f"
    fi
    echo "$f"
}

POLICY=$BENCH/policy.fp
TINY=$(data_file 1000)

# Which forgec variants exist: an engine or option is there when a tiny run
# succeeds with it.
forgec_ok() { "$FORGEC" eval "$POLICY" "$TINY" -q "$@" >/dev/null 2>&1; }
forgec_ok --engine interp || die "forgec eval fails on $TINY: $("$FORGEC" eval "$POLICY" "$TINY" -q 2>&1 >/dev/null | head -3)"
ENGINES=interp
if forgec_ok --engine jit; then ENGINES="interp jit"; else NOTES+=("forgec --engine jit: not available in this build, skipped"); fi
HAVE_J=0
if forgec_ok -j 1; then HAVE_J=1; else NOTES+=("forgec -j N: option not available yet, -j variants skipped"); fi
[ "$HAVE_MAWK" = 1 ] || NOTES+=("mawk: not installed, skipped")
[ "$HAVE_DUCKDB" = 1 ] || NOTES+=("duckdb: node or @duckdb/node-api missing, skipped")

# ---- peers: NAME<TAB>KIND<TAB>COMMAND (KIND out: writes $O, checked; yard: no output) ----

peers() {
    local e
    for e in $ENGINES; do
        if [ "$HAVE_J" = 1 ]; then
            printf 'forgec %s -j 1\tout\t"$FORGEC" eval "$POLICY" "$D" --engine %s -j 1 -q >"$O"\n' "$e" "$e"
            printf 'forgec %s -j %s\tout\t"$FORGEC" eval "$POLICY" "$D" --engine %s -j %s -q >"$O"\n' \
                "$e" "$NPROC" "$e" "$NPROC"
        else
            printf 'forgec %s\tout\t"$FORGEC" eval "$POLICY" "$D" --engine %s -q >"$O"\n' "$e" "$e"
        fi
    done
    printf 'handwritten C\tout\t"$BIN/handwritten" "$D" >"$O"\n'
    if [ "$HAVE_DUCKDB" = 1 ]; then
        printf 'duckdb %s threads\tout\tnode "$BENCH/peers/duckdb.mjs" "$D" "$O"\n' "$NPROC"
        printf 'duckdb 1 thread\tout\tnode "$BENCH/peers/duckdb.mjs" "$D" "$O" 1\n'
    fi
    [ "$HAVE_MAWK" = 1 ] && printf 'mawk\tout\tmawk -f "$BENCH/peers/policy.awk" "$D" >"$O"\n'
    printf 'python3 csv\tout\t"$PY" "$BENCH/peers/policy.py" "$D" >"$O"\n'
    printf 'cat > /dev/null\tyard\tcat "$D" >/dev/null\n'
    printf 'wc -l\tyard\twc -l <"$D" >/dev/null\n'
    printf 'tokenize (C)\tyard\t"$BIN/tokenize" "$D" >/dev/null\n'
    printf 'tokenize x2 (2 halves side by side)\tyard\t"$BIN/tokenize" "$D" --part 0/2 >/dev/null & "$BIN/tokenize" "$D" --part 1/2 >/dev/null; wait\n'
}

# run_once CMD -> sets WALL CPU RSS RC
run_once() {
    local tf=$OUT/.time t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S %M %x' -o "$tf" bash -c "$1" 2>"$OUT/.stderr"
    t1=$(date +%s%N)
    read -r u s m RC <<<"$(tail -n 1 "$tf")"
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    RSS=$m
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench_rows() {
    local rows=$1 D O bytes ref name kind cmd status wall cpu rss walls cpus i
    D=$(data_file "$rows")
    bytes=$(stat -c %s "$D")
    ref=$OUT/ref-$rows.csv
    say "reference output: forgec eval bench/policy.fp $(basename "$D")"
    "$FORGEC" eval "$POLICY" "$D" --engine interp -q >"$ref" ||
        say "WARNING: forgec exited with status $? on $D (the data should have no row errors)"
    export FORGEC POLICY BIN BENCH PY D
    local load0
    load0=$(cut -d' ' -f1 /proc/loadavg)
    local table
    table="| tool | wall s | CPU s | rows/s | MB/s | peak RSS MiB | output |"$'\n'
    table+="|---|---:|---:|---:|---:|---:|---|"$'\n'
    while IFS=$'\t' read -r name kind cmd; do
        [ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && continue
        [ -n "$SKIP" ] && [[ $name =~ $SKIP ]] && continue
        O=$OUT/$(echo "$name" | tr -c 'A-Za-z0-9\n' '_').csv
        export O
        say "$rows rows: $name (warm-up + $RUNS runs)"
        run_once "$cmd"
        status="= forgec"
        if [ "$RC" != 0 ]; then
            status="**FAILED (exit $RC)**"
            say "!!! $name exited with status $RC: $(head -c 300 "$OUT/.stderr")"
        elif [ "$kind" = out ]; then
            if cmp -s "$O" "$ref"; then
                status="= forgec"
            else
                status="**MISMATCH**"
                MISMATCHES=$((MISMATCHES + 1))
                say "!!! MISMATCH: $name output differs from forgec's: $(cmp "$O" "$ref" 2>&1 | head -1)"
                say "!!! kept as $O; first differing lines:"
                diff "$O" "$ref" 2>/dev/null | head -6 >&2
            fi
        else
            status="(no output)"
        fi
        walls=() cpus=() rss=0
        for ((i = 0; i < RUNS; i++)); do
            run_once "$cmd"
            walls+=("$WALL") cpus+=("$CPU")
            [ "$RSS" -gt "$rss" ] && rss=$RSS
        done
        wall=$(printf '%s\n' "${walls[@]}" | median)
        cpu=$(printf '%s\n' "${cpus[@]}" | median)
        if [ "$kind" = out ] && [ "$status" = "= forgec" ]; then rm -f "$O"; fi
        [ "$status" = "**MISMATCH**" ] && name="$name (MISMATCH)"
        table+=$(awk -v n="$name" -v w="$wall" -v c="$cpu" -v r="$rows" -v b="$bytes" \
            -v m="$rss" -v s="$status" 'BEGIN {
                printf "| %s | %.2f | %.2f | %.2f M | %.0f | %.0f | %s |\n",
                    n, w, c, r / w / 1e6, b / 1e6 / w, m / 1024, s }')$'\n'
    done < <(peers)
    local head
    head="### $rows rows ($(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }'), $(basename "$D"), seed $SEED)"$'\n\n'
    head+="$(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $NPROC cores, "
    head+="load average $load0 at start, $(cut -d' ' -f1 /proc/loadavg) at end; "
    head+="median of $RUNS runs after a warm-up; forgec $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
    head+="$(cd "$ROOT" && [ -n "$(git status --porcelain -- base lang runtime stdlib cli include 2>/dev/null)" ] && echo ' (+ uncommitted changes)')"$'\n\n'
    local notes=""
    for n in "${NOTES[@]}"; do notes+="- $n"$'\n'; done
    [ -n "$notes" ] && notes=$'\n'"$notes"
    printf '%s%s%s' "$head" "$table" "$notes" | tee "$OUT/results-$rows.md"
    echo
}

IFS=',' read -r -a ROWS_ARR <<<"$ROWS_LIST"
for r in "${ROWS_ARR[@]}"; do bench_rows "$r"; done
rm -f "$OUT/.time" "$OUT/.stderr"
if [ "$MISMATCHES" -gt 0 ]; then
    say "$MISMATCHES peer run(s) gave output different from forgec's (see MISMATCH above)"
    exit 1
fi
exit 0
