#!/bin/sh
# Installs forgec's build and test dependencies from the distribution's
# packages when they are missing. Idempotent: does nothing when all are there.
set -eu

pkgs="cmake make gcc flex bison libcmocka-dev zlib1g-dev pkg-config llvm-19-dev"
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
