#!/usr/bin/env bash
# run.sh — the golden conformance cases. Each folder NNN-name holds a
# policy.fp, optional data files, and the expected results, all derived
# from docs/SPEC by hand (never from forgec's own output):
#   args                  command line after `forgec` (default: `eval policy.fp
#                         data.csv` when data.csv exists, else `check policy.fp`)
#   stdin                 fed to standard input (else /dev/null)
#   NAME.gz.plain         compressed at run time into NAME.gz (gzip -n)
#   expected.exit         exit status (default 0)
#   expected.out          exact stdout        expected.err  exact stderr
#   expected.out.contains / expected.err.contains / expected.any.contains
#                         lines that must each appear (as substrings) in
#                         stdout / stderr / either
#   expected.last         the last line of stdout (of stderr when stdout is empty)
#   expected.file.NAME    exact contents of file NAME written by the command
# Every case runs in a scratch copy of its folder, once per engine in
# ${FORGE_ENGINES:-interp}; `--engine E` goes right after the subcommand of
# eval/report/test. Usage: run.sh FORGEC [CASE...]
set -u
if [ $# -lt 1 ]; then
    echo "usage: $0 FORGEC [CASE...]" >&2
    exit 2
fi
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
shift
cd "$(dirname "$0")" || exit 2
ENGINES=${FORGE_ENGINES:-interp}
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT

if [ $# -gt 0 ]; then
    CASES=()
    for c in "$@"; do CASES+=("${c%/}"); done
else
    CASES=()
    for d in [0-9][0-9][0-9]-*/; do CASES+=("${d%/}"); done
fi

pass=0
fail=0
failed_names=()

# contains FILE-WITH-LINES TEXT-FILE: every line of the first is a substring of the second.
contains() {
    local line ok=0
    while IFS= read -r line || [ -n "$line" ]; do
        [ -z "$line" ] && continue
        if ! grep -qF -- "$line" "$2"; then
            echo "    missing: $line"
            ok=1
        fi
    done <"$1"
    return $ok
}

run_case() { # case engine
    local c=$1 e=$2 w="$TMP/work" problems=0 args rc
    rm -rf "$w"
    cp -R "$c" "$w" || return 1
    for f in "$w"/*.gz.plain; do
        [ -e "$f" ] || continue
        gzip -nc "$f" >"${f%.plain}" || return 1
    done
    if [ -f "$c/args" ]; then
        args=$(head -n 1 "$c/args")
    elif [ -f "$c/data.csv" ]; then
        args="eval policy.fp data.csv"
    else
        args="check policy.fp"
    fi
    eval "set -- $args"
    local sub=${1:-}
    [ $# -gt 0 ] && shift
    local cmd=("$BIN")
    [ -n "$sub" ] && cmd+=("$sub")
    # a case with a `default-engine` file tests the engine forgec picks itself
    case $sub in eval | report | test) [ -f "$c/default-engine" ] || cmd+=(--engine "$e") ;; esac
    cmd+=("$@")
    local in=/dev/null
    [ -f "$c/stdin" ] && in="$w/stdin"
    (cd "$w" && "${cmd[@]}" <"$in" >"$TMP/out" 2>"$TMP/err")
    rc=$?
    local want_rc=0
    [ -f "$c/expected.exit" ] && want_rc=$(tr -d ' \n' <"$c/expected.exit")
    local report="$TMP/report"
    : >"$report"
    {
        if [ "$rc" != "$want_rc" ]; then
            echo "  exit status: expected $want_rc, got $rc"
            problems=1
        fi
        if [ -f "$c/expected.out" ] && ! cmp -s "$c/expected.out" "$TMP/out"; then
            echo "  stdout differs (--- expected, +++ actual):"
            diff -u "$c/expected.out" "$TMP/out" | tail -n +3 | sed 's/^/    /'
            problems=1
        fi
        if [ -f "$c/expected.err" ] && ! cmp -s "$c/expected.err" "$TMP/err"; then
            echo "  stderr differs (--- expected, +++ actual):"
            diff -u "$c/expected.err" "$TMP/err" | tail -n +3 | sed 's/^/    /'
            problems=1
        fi
        if [ -f "$c/expected.out.contains" ] && ! contains "$c/expected.out.contains" "$TMP/out"; then
            echo "  stdout lacks expected text"
            problems=1
        fi
        if [ -f "$c/expected.err.contains" ] && ! contains "$c/expected.err.contains" "$TMP/err"; then
            echo "  stderr lacks expected text; stderr was:"
            sed 's/^/    | /' "$TMP/err"
            problems=1
        fi
        if [ -f "$c/expected.any.contains" ]; then
            cat "$TMP/out" "$TMP/err" >"$TMP/any"
            if ! contains "$c/expected.any.contains" "$TMP/any"; then
                echo "  output lacks expected text"
                problems=1
            fi
        fi
        if [ -f "$c/expected.last" ]; then
            local src="$TMP/out"
            [ -s "$src" ] || src="$TMP/err"
            local got want
            got=$(tail -n 1 "$src")
            want=$(head -n 1 "$c/expected.last")
            if [ "$got" != "$want" ]; then
                echo "  last line: expected '$want', got '$got'"
                problems=1
            fi
        fi
        for f in "$c"/expected.file.*; do
            [ -e "$f" ] || continue
            local name=${f##*/expected.file.}
            if [ ! -f "$w/$name" ]; then
                echo "  file $name was not written"
                problems=1
            elif ! cmp -s "$f" "$w/$name"; then
                echo "  file $name differs (--- expected, +++ actual):"
                diff -u "$f" "$w/$name" | tail -n +3 | sed 's/^/    /'
                problems=1
            fi
        done
        if [ $problems -ne 0 ] && [ ! -f "$c/expected.err" ] && [ -s "$TMP/err" ]; then
            echo "  stderr was:"
            head -n 20 "$TMP/err" | sed 's/^/    | /'
        fi
    } >"$report"
    if [ $problems -ne 0 ]; then
        echo "  command: ${cmd[*]}" >>"$report"
    fi
    cat "$report"
    return $problems
}

for e in $ENGINES; do
    for c in "${CASES[@]}"; do
        if [ ! -f "$c/policy.fp" ]; then
            echo "FAIL $c [$e]: no such case"
            fail=$((fail + 1))
            failed_names+=("$c[$e]")
            continue
        fi
        out=$(run_case "$c" "$e")
        if [ $? -eq 0 ]; then
            echo "ok   $c [$e]"
            pass=$((pass + 1))
        else
            echo "FAIL $c [$e]"
            printf '%s\n' "$out"
            fail=$((fail + 1))
            failed_names+=("$c[$e]")
        fi
    done
done

echo "conformance: $pass passed, $fail failed"
if [ $fail -ne 0 ]; then
    printf '  failed: %s\n' "${failed_names[@]}"
    exit 1
fi
exit 0
