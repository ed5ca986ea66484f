#!/bin/sh
# install_test.sh SRC_DIR [BUILD_DIR] — libforge installed like a real
# library, then used from outside the source tree: `cmake --install` into a
# temporary prefix (from BUILD_DIR, or from a fresh configure + build when
# none is given), checks of what was installed (SONAME, exported symbols,
# headers, forge.pc, the CMake package, forgec, the man page), then
# examples/embed built against it both ways (pkg-config + make, and
# find_package(Forge CONFIG)) and run on every engine of the build.
set -eu
src=$(cd "${1:?usage: install_test.sh SRC_DIR [BUILD_DIR]}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/forge-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
if [ -n "${2:-}" ]; then
    build=$(cd "$2" && pwd)
else
    build=$tmp/build
    cmake -S "$src" -B "$build" -DFORGE_TESTS=OFF >/dev/null
    cmake --build "$build" -j "${JOBS:-2}" >/dev/null
fi
cmake --install "$build" --prefix "$prefix" >/dev/null

fail() { echo "install_test: $*" >&2; exit 1; }
libdir=$(dirname "$(find "$prefix" -name forge.pc | head -n 1)")/..
libdir=$(cd "$libdir" && pwd)
[ -f "$libdir/pkgconfig/forge.pc" ] || fail "forge.pc not installed"
[ -f "$libdir/libforge.a" ] || fail "libforge.a not installed"
[ -f "$libdir/cmake/Forge/ForgeConfig.cmake" ] || fail "ForgeConfig.cmake not installed"
[ -f "$libdir/cmake/Forge/ForgeConfigVersion.cmake" ] || fail "ForgeConfigVersion.cmake not installed"
[ -f "$prefix/include/forge.h" ] && [ -f "$prefix/include/forge_aot.h" ] || fail "headers not installed"
[ -x "$prefix/bin/forgec" ] || fail "forgec not installed"
[ -f "$prefix/share/man/man1/forgec.1" ] || fail "forgec.1 not installed"
soname=$(readelf -d "$libdir/libforge.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libforge.so.0 ] || fail "SONAME is '$soname', not libforge.so.0"
"$src/tests/api/check_exports.sh" "$libdir/libforge.so"
"$prefix/bin/forgec" --version >/dev/null

# LLVM is linked only into LIBDIR/forge/forge-jit.so, loaded at first need
engines=interp
if [ -f "$libdir/forge/forge-jit.so" ]; then engines="interp jit"; fi
for f in "$libdir/libforge.so" "$prefix/bin/forgec"; do
    ! readelf -d "$f" | grep -q 'NEEDED.*LLVM' || fail "$f links LLVM"
done
! grep -q LLVM "$libdir/pkgconfig/forge.pc" || fail "forge.pc names LLVM"

# 1. pkg-config + make (shared, and static with Libs.private)
cp -r "$src/examples/embed" "$tmp/pc"
PKG_CONFIG_PATH=$libdir/pkgconfig make -s -C "$tmp/pc" all static
# 2. find_package(Forge CONFIG)
cmake -S "$src/examples/embed" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/cm" >/dev/null

export XDG_CACHE_HOME=$tmp/cache
for e in $engines; do
    for exe in "$tmp/pc/embed_rows" "$tmp/pc/embed_rows_static" "$tmp/cm/embed_rows" \
               "$tmp/cm/embed_rows_static"; do
        out=$("$exe" "$e") || fail "$exe $e failed"
        echo "$out" | grep -q "engine $e" || fail "$exe $e: wrong engine: $out"
        echo "$out" | grep -q '^F1: admitted' || fail "$exe $e: unexpected output: $out"
        echo "$out" | grep -q '^F4: error: permits.fp:' || fail "$exe $e: no row error: $out"
    done
    for exe in "$tmp/pc/embed_threads" "$tmp/cm/embed_threads"; do
        "$exe" "$e" 4 20000 | grep -q '0 rows differ from one thread' || fail "$exe $e"
    done
    echo "install_test: examples built with pkg-config and CMake ran on the $e engine"
done

# The JIT from the installed prefix: with a cold cache, libforge.so and the
# installed forgec each find the installed forge-jit.so (next to
# libforge.so, and in ../lib/forge from bin/), not the build tree's; with a
# warm cache neither loads it.
if [ "$engines" = "interp jit" ]; then
    export XDG_CACHE_HOME=$tmp/cache-cold
    LD_DEBUG=files "$tmp/pc/embed_rows" jit >"$tmp/out" 2>"$tmp/ld" || fail "embed_rows jit (cold)"
    grep -q "file=$prefix/[^ ]*/forge/forge-jit.so .*loaded by $prefix/" "$tmp/ld" ||
        fail "libforge.so did not load the installed forge-jit.so"
    LD_DEBUG=files "$tmp/pc/embed_rows" jit >"$tmp/out" 2>"$tmp/ld" || fail "embed_rows jit (warm)"
    ! grep -q "forge-jit.so" "$tmp/ld" || fail "a warm run loaded forge-jit.so"
    grep -q '^F1: admitted' "$tmp/out" || fail "embed_rows jit (warm): $(cat "$tmp/out")"
    rm -rf "$XDG_CACHE_HOME"
    rc=0
    LD_DEBUG=files "$prefix/bin/forgec" eval --engine jit "$src/examples/forging/policy.fp" \
        "$src/examples/forging/firms.csv" >"$tmp/out" 2>"$tmp/ld" || rc=$?
    [ $rc -le 3 ] || fail "installed forgec --engine jit: $(grep -v '^ *[0-9]*:' "$tmp/ld")"
    grep -q "file=$prefix/bin/../${libdir#"$prefix"/}/forge/forge-jit.so " "$tmp/ld" ||
        fail "the installed forgec did not load the installed forge-jit.so"
    echo "install_test: the installed forge-jit.so compiles, a warm cache needs no LLVM"
fi
