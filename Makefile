# Thin wrapper over CMake. `make demo` and `make test` are the README's two
# commands: each installs missing dependencies, configures, builds, then runs.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench clean format fuzz test-asan test-valgrind test-nollvm test-tsan

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@echo "== forgec eval examples/forging/policy.fp examples/forging/firms.csv"
	@$(BUILD)/forgec eval examples/forging/policy.fp examples/forging/firms.csv; \
	  rc=$$?; echo "(exit status $$rc: 3 means some rows are in error, listed above)"; \
	  [ $$rc -eq 0 ] || [ $$rc -eq 3 ]

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Throughput against peers (DuckDB, mawk, Python, hand-written C): see
# docs/performance.md. Not part of `make test`; takes a while at 10M rows.
BENCH_ROWS ?= 1000000,10000000
BENCH_RUNS ?= 5
bench: build
	bench/run.sh --rows $(BENCH_ROWS) --runs $(BENCH_RUNS)

# Hardening (docs/limits.md). test-asan: the whole suite under ASan+UBSan
# (leaks included) in build-asan/. test-valgrind: the CLI tests with forgec
# under valgrind memcheck. fuzz: each libFuzzer target of tests/fuzz/ for
# FUZZ_SECONDS seconds, built with clang in build-fuzz/.
ASAN_CTEST_ARGS ?= -LE nosan
# use_tls=0: LeakSanitizer's scan of dynamic TLS crashes ("Tracer caught
# signal 11", a DTLS entry it misreads) once the JIT module has loaded LLVM,
# whose thread_local blocks are dynamic TLS. Not scanning TLS can only add
# leak reports (fewer roots), never hide one; our own code has no TLS.
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
test-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFORGE_WERROR=ON \
	  -DCMAKE_C_FLAGS="$(SAN_FLAGS)" -DCMAKE_EXE_LINKER_FLAGS="$(SAN_FLAGS)" \
	  -DCMAKE_SHARED_LINKER_FLAGS="$(SAN_FLAGS)"
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 \
	  LSAN_OPTIONS=use_tls=0:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) $(ASAN_CTEST_ARGS)

# The build without LLVM: interpreter only, `--engine jit` a clear usage error.
test-nollvm: deps
	cmake -S . -B build-nollvm -DFORGE_WITH_LLVM=OFF -DFORGE_WERROR=ON
	cmake --build build-nollvm -j $(JOBS)
	cd build-nollvm && ctest --output-on-failure -j $(JOBS) -LE limits

# The public API's thread test (8 threads, one policy, both engines) under ThreadSanitizer.
TSAN_FLAGS = -fsanitize=thread -fno-omit-frame-pointer
test-tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$(TSAN_FLAGS) -O1" \
	  -DCMAKE_EXE_LINKER_FLAGS="$(TSAN_FLAGS)" -DCMAKE_SHARED_LINKER_FLAGS="$(TSAN_FLAGS)"
	cmake --build build-tsan -j $(JOBS) --target test_api
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -R 'unit/test_api'

test-valgrind: build
	tests/valgrind.sh $(BUILD)/forgec

FUZZ_SECONDS ?= 60
FUZZ_TARGETS = fuzz_compile fuzz_csv fuzz_pipeline fuzz_diff
build-fuzz/CMakeCache.txt:
	CC=clang cmake -S . -B build-fuzz -DFORGE_FUZZ=ON -DFORGE_TESTS=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link $(SAN_FLAGS)"
fuzz: deps build-fuzz/CMakeCache.txt
	cmake --build build-fuzz -j $(JOBS) --target $(FUZZ_TARGETS)
	tests/fuzz/run.sh build-fuzz/tests/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan build-fuzz
