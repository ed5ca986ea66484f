#!/bin/sh
# split_test.sh FORGEC — the streaming contract (docs/scaling.md): a CSV
# file split into N headerless parts, each part evaluated on its own with
# `--no-header --columns` (or `--schema-from-header`), gives, concatenated,
# exactly the whole file's output (minus its one header line) and the whole
# file's error lines once part line numbers are shifted by the part's start.
set -eu
forgec=$(cd "$(dirname "${1:?usage: split_test.sh FORGEC}")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
ex=$here/../../examples/forging
tmp=$(mktemp -d "${TMPDIR:-/tmp}/forge-split.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "split_test: $*" >&2; exit 1; }

# The example data (rows with errors of every kind) four times over, with
# distinct keys, as one whole file; no record spans lines.
head -n 1 "$ex/firms.csv" >"$tmp/whole.csv"
for r in 1 2 3 4; do
    tail -n +2 "$ex/firms.csv" | sed "s/^F0/R${r}F0/" >>"$tmp/whole.csv"
done
cols=$(head -n 1 "$tmp/whole.csv")
head -n 1 "$ex/expected.csv" >"$tmp/whole.out.head"
cd "$ex"
rc=0
"$forgec" eval policy.fp "$tmp/whole.csv" -q -j 1 >"$tmp/whole.out" 2>"$tmp/whole.err" || rc=$?
[ $rc -eq 3 ] || fail "whole file: exit $rc, expected 3"
"$forgec" report policy.fp "$tmp/whole.csv" --format csv >"$tmp/whole.rep" 2>/dev/null || true

for n in 1 3 7; do
    rm -rf "$tmp/parts"; mkdir "$tmp/parts"
    tail -n +2 "$tmp/whole.csv" >"$tmp/body.csv"
    split -n "l/$n" -d -a 3 "$tmp/body.csv" "$tmp/parts/p"
    : >"$tmp/cat.out"; : >"$tmp/cat.err"
    start=1 # line of the whole file before the part's first line
    i=0
    for part in "$tmp/parts"/p*; do
        if [ $((i % 2)) -eq 0 ]; then
            set -- --no-header --columns "$cols"
        else
            set -- --schema-from-header "$tmp/whole.csv"
        fi
        "$forgec" eval policy.fp "$part" "$@" -q -j 1 >"$tmp/part.out" 2>"$tmp/part.err" || true
        head -n 1 "$tmp/part.out" | cmp -s - "$tmp/whole.out.head" ||
            fail "part $i: header line differs"
        tail -n +2 "$tmp/part.out" >>"$tmp/cat.out"
        # part:LINE -> whole.csv:(LINE + start)
        awk -v off="$start" -v name="$tmp/whole.csv" '{
            p = index($0, ": error: "); pre = substr($0, 1, p - 1)
            n = split(pre, a, ":"); line = a[n] + off
            print name ":" line substr($0, p) }' "$tmp/part.err" >>"$tmp/cat.err"
        start=$((start + $(wc -l <"$part")))
        i=$((i + 1))
    done
    tail -n +2 "$tmp/whole.out" | cmp -s - "$tmp/cat.out" || fail "$n parts: outputs differ"
    cmp -s "$tmp/whole.err" "$tmp/cat.err" || { diff "$tmp/whole.err" "$tmp/cat.err" | head >&2; fail "$n parts: error lines differ"; }
    echo "split_test: $n parts: $(wc -l <"$tmp/cat.out") rows and $(wc -l <"$tmp/cat.err") error lines equal the whole file's"
done
# report over headerless stdin equals the whole file's report
tail -n +2 "$tmp/whole.csv" | "$forgec" report policy.fp - --no-header --columns "$cols" --format csv 2>/dev/null |
    cmp -s - "$tmp/whole.rep" || fail "report over headerless stdin differs"
# usage: --no-header alone
if "$forgec" eval policy.fp "$tmp/whole.csv" --no-header >/dev/null 2>&1; then fail "--no-header alone accepted"; fi
echo "split_test: ok"
