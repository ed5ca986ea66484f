#!/usr/bin/env bash
# large.sh — the analyst tools on a large generated file: 200,000 rows made
# by bench/gen_firms at test time, evaluated with bench/policy.fp. Each
# command's figures are checked against an independent count: awk over the
# rows `forgec eval` writes (eval itself is checked against a reference by
# tests/cli/example.sh and the benchmark's peers). explain --key / --line /
# --where --limit, report (firms, admitted, relief, average capacity by
# region), diff against a draft raising the eastern minimum capacity (rows
# changed, the transition matrix, totals) and test --coverage (on
# bench/policy.fp, and on a generated policy with a 5,000-row table).
# About 5 s in a debug build; bounded by the ctest timeout.
# Usage: large.sh path/to/forgec path/to/source-root   (cwd: a scratch dir)
set -u
BIN=$1
ROOT=$2
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
case $ROOT in /*) ;; *) ROOT=$PWD/$ROOT ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/large.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $*"
}
eq() { # eq NAME GOT WANT
    if [ "$2" == "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
near() { # near NAME GOT WANT: equal to 1e-9 relative (awk adds in doubles, forgec exactly)
    if awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b;
                                         exit !(a != "" && b != "" && d <= 1e-9 * (m > 1 ? m : 1)) }'; then
        ok
    else
        bad "$1: got '$2', want '$3'"
    fi
}
same_file() { # same_file NAME GOT-FILE WANT-FILE
    if cmp -s "$2" "$3"; then ok; else
        bad "$1 differs (--- want, +++ got)"
        diff -u "$3" "$2" | head -20 | sed 's/^/    /'
    fi
}

N=200000
cd "$T" || exit 1
if ! ${CC:-cc} -std=c11 -O2 -o gen_firms "$ROOT/bench/gen_firms.c" -lm; then
    echo "FAIL: cannot build bench/gen_firms"
    exit 1
fi
./gen_firms --rows $N --seed 11 >firms.csv || { echo "FAIL: gen_firms"; exit 1; }
P=$ROOT/bench/policy.fp
# The same policy writing region and capacity too, for the independent counts.
{ cat "$P"; printf 'output region\noutput capacity_t\n'; } >policy.fp
# The draft: the eastern minimum capacity raised from 8,000 t to 9,500 t.
sed 's/^\(  | "east" *=> \)8_000$/\19_500/' policy.fp >raised.fp
eq "draft: one line changed" "$(diff policy.fp raised.fp | grep -c '^>')" 1

# --- eval: the reference rows (TSV: id status tax_relief reasons region capacity_t) ---
"$BIN" eval policy.fp firms.csv --format tsv -q >old.tsv 2>old.err
eq "eval exit" $? 0
"$BIN" eval raised.fp firms.csv --format tsv -q >new.tsv 2>new.err
eq "eval draft exit" $? 0
eq "eval header" "$(head -n 1 old.tsv)" "$(printf 'id\tstatus\ttax_relief\treasons\tregion\tcapacity_t')"
eq "eval rows" "$(($(wc -l <old.tsv) - 1))" $N
eq "eval draft rows" "$(($(wc -l <new.tsv) - 1))" $N

# --- report: by region, firms / admitted / relief / avg capacity ---
"$BIN" report "$P" firms.csv --format csv -q >report.csv 2>report.err
eq "report exit" $? 0
eq "report header" "$(head -n 1 report.csv)" "region,firms,admitted,relief,capacity"
awk -F'\t' 'NR > 1 { n[$5]++; a[$5] += ($2 == "admitted") }
            END { for (r in n) print r "," n[r] "," a[r] }' old.tsv | LC_ALL=C sort >want.counts
tail -n +2 report.csv | cut -d, -f1-3 >got.counts
same_file "report: firms and admitted by region" got.counts want.counts
eq "report: regions" "$(wc -l <got.counts)" 7
eq "report: firms add up" "$(awk -F, '{ s += $2 } END { print s }' got.counts)" $N
awk -F'\t' 'NR > 1 { s[$5] += $3; c[$5] += $6 } END { for (r in s) printf "%s %.17g %.17g\n", r, s[r], c[r] }' \
    old.tsv >want.sums
while IFS=, read -r region firms admitted relief capacity; do
    read -r _ s c <<<"$(grep "^$region " want.sums)"
    near "report: relief of $region" "$relief" "$s"
    near "report: avg capacity of $region" "$capacity" "$(awk -v c="$c" -v n="$firms" 'BEGIN { printf "%.17g", c / n }')"
done < <(tail -n +2 report.csv)

# --- explain --key: a firm told to upgrade, far into the file ---
row=$(awk -F'\t' 'NR > 150000 && $2 == "upgrade" { print NR; exit }' old.tsv)
key=$(sed -n "${row}p" old.tsv | cut -f1)
relief=$(sed -n "${row}p" old.tsv | cut -f3)
reasons=$(sed -n "${row}p" old.tsv | cut -f4)
"$BIN" explain "$P" firms.csv --key "$key" >explain.txt 2>explain.err
eq "explain --key exit" $? 0
eq "explain --key: the row" "$(head -n 1 explain.txt)" "firms.csv:$row: key $key"
eq "explain --key: status" "$(grep -c '^  decide  status  *= "upgrade"$' explain.txt)" 1
eq "explain --key: tax_relief" "$(grep -c "^  output  tax_relief  *= $relief\$" explain.txt)" 1
eq "explain --key: reasons" "$(grep -cF "= \"$reasons\"" explain.txt)" 1
eq "explain --key: a failed rule" "$(grep -c '^  rule  .* FAIL ' explain.txt)" \
    "$(($(grep -o '; ' <<<"$reasons" | wc -l) + 1))"

# --- explain --line: the last record ---
last=$(tail -n 1 old.tsv | cut -f1)
"$BIN" explain "$P" firms.csv --line $((N + 1)) >line.txt 2>line.err
eq "explain --line exit" $? 0
eq "explain --line: the row" "$(head -n 1 line.txt)" "firms.csv:$((N + 1)): key $last"

# --- explain --where --limit: the first western firms told to exit, in input order ---
awk -F'\t' 'NR > 1 && $2 == "exit" && $5 == "west" { print "firms.csv:" NR ": key " $1; if (++n == 3) exit }' \
    old.tsv >want.where
"$BIN" explain "$P" firms.csv --where 'status == "exit" and region == "west"' --limit 3 >where.txt 2>where.err
eq "explain --where exit" $? 0
grep '^firms.csv:' where.txt >got.where
same_file "explain --where --limit 3: the rows" got.where want.where
eq "explain --where: each traced to exit" "$(grep -c '^  decide  status  *= "exit"$' where.txt)" 3
"$BIN" explain "$P" firms.csv --where 'capacity_t < 0' >none.txt 2>none.err
eq "explain --where nothing: exit" $? 1
eq "explain --where nothing: message" "$(tail -n 1 none.err)" "forgec: no row selected ($N rows read)"

# --- diff: the draft against the policy ---
"$BIN" diff policy.fp raised.fp firms.csv --format csv -q >diff.csv 2>diff.err
eq "diff exit" $? 0
changed=$(paste old.tsv new.tsv | awk -F'\t' 'NR > 1 { for (i = 1; i <= 6; i++) if ($i != $(i + 6)) { n++; break } }
                                            END { print n + 0 }')
eq "diff: rows" "$(sed -n 2p diff.csv)" "$N,$N,0,$changed"
# each block of the CSV: from its header line to the next empty line
block() { awk -v h="$1" '$0 == h { on = 1; next } on && $0 == "" { exit } on' diff.csv; }
block "output,old,new,rows" >got.trans
eq "diff: transitions add up" "$(awk -F, '{ s += $4 } END { print s }' got.trans)" $N
paste old.tsv new.tsv | awk -F'\t' 'NR > 1 { c[$2 "," $8]++ } END { for (k in c) print "status," k "," c[k] }' |
    LC_ALL=C sort >want.trans
LC_ALL=C sort got.trans >got.trans.sorted
same_file "diff: the transition matrix" got.trans.sorted want.trans
eq "diff: some firms move" "$(grep -c '^status,admitted,upgrade,' got.trans)" 1
block "output,old,new,change" | grep '^tax_relief,' >got.totals
IFS=, read -r _ old new change <got.totals
near "diff: old tax_relief total" "$old" "$(awk -F'\t' 'NR > 1 { s += $3 } END { printf "%.17g", s }' old.tsv)"
near "diff: new tax_relief total" "$new" "$(awk -F'\t' 'NR > 1 { s += $3 } END { printf "%.17g", s }' new.tsv)"
near "diff: change" "$change" "$(awk -v a="$old" -v b="$new" 'BEGIN { printf "%.17g", b - a }')"
"$BIN" diff policy.fp raised.fp firms.csv -q --fail-on-change >/dev/null 2>&1
eq "diff --fail-on-change exit" $? 5

# --- test --coverage: bench/policy.fp (2 tests), then a generated policy ---
"$BIN" test "$P" --coverage >cov.txt 2>cov.err
eq "coverage exit" $? 0
eq "coverage: total" "$(grep '^coverage:' cov.txt)" "coverage: 11 of 20 items (55.0%)"
eq "coverage: last line" "$(tail -n 1 cov.txt)" "2 passed, 0 failed"
eq "coverage: items listed" "$(grep -c 'never' cov.txt)" 9
# 5,000 table rows and a catch-all, 50 tests hitting rows 1, 101, ..., 4901.
{
    printf 'input {\n  id : str key\n  n  : int\n}\ntable band(n: int) -> int {\n'
    awk 'BEGIN { for (i = 0; i < 5000; i++) print "  | " i " => " 2 * i; print "  | _ => -1\n}" }'
    printf 'rule known: band(n) >= 0\noutput known\nfixture base = { id: "A", n: 0 }\n'
    awk 'BEGIN { for (t = 0; t < 50; t++) printf "test \"row %d\" {\n  given base with { n: %d }\n  expect known\n}\n", t * 100 + 1, t * 100 }'
} >big.fp
"$BIN" test big.fp --coverage --coverage-min 1 >bigcov.txt 2>bigcov.err
eq "big coverage exit" $? 0
eq "big coverage: total" "$(grep '^coverage:' bigcov.txt)" "coverage: 51 of 5003 items (1.0%)"
eq "big coverage: rows never taken" "$(grep -c ': table band: row [0-9]* never taken$' bigcov.txt)" 4951
eq "big coverage: row 5001 (the catch-all) listed" "$(grep -c 'table band: row 5001 never taken' bigcov.txt)" 1
eq "big coverage: rule never failed" "$(grep -c 'rule known never failed' bigcov.txt)" 1
eq "big coverage: last line" "$(tail -n 1 bigcov.txt)" "50 passed, 0 failed"
"$BIN" test big.fp --coverage-min 1.1 >/dev/null 2>bigmin.err
eq "big coverage-min 1.1 exit" $? 1
eq "big coverage-min message" "$(tail -n 1 bigmin.err)" "forgec: coverage 1.0% is below --coverage-min 1.1%"

echo "large: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
