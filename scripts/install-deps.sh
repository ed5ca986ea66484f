#!/bin/sh
# Installs forgec's build and test dependencies from the distribution's
# packages when they are missing. Idempotent: does nothing when all are there.
set -eu

# clang + libclang-rt-14-dev: the libFuzzer targets (make fuzz); valgrind:
# make test-valgrind; python3-*: the Python binding and its Dask cluster test.
pkgs="cmake make gcc flex bison libcmocka-dev zlib1g-dev pkg-config llvm-19-dev clang libclang-rt-14-dev valgrind \
python3 python3-cffi python3-pandas python3-dask python3-distributed"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "forgec: installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || true
    apt-get install -y -q $missing
else
    echo "forgec: not root; run:  sudo apt-get install -y$missing" >&2
    exit 1
fi
