#!/bin/sh
# check_exports.sh LIBFORGE.so — fails when the shared library exports a
# symbol that is not part of the public API (every public name starts with
# forge_; everything else is built with hidden visibility).
set -eu
lib=${1:?usage: check_exports.sh path/to/libforge.so}
syms=$(nm -D --defined-only "$lib" | awk '{print $NF}')
[ -n "$syms" ] || { echo "check_exports: no exported symbols in $lib" >&2; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -v '^forge_' || true)
if [ -n "$bad" ]; then
    echo "check_exports: $lib exports symbols outside the forge_ API:" >&2
    printf '  %s\n' $bad >&2
    exit 1
fi
echo "check_exports: $(printf '%s\n' "$syms" | wc -l) symbols, all forge_*"
