# Thin wrapper over CMake. `make demo` and `make test` are the README's two
# commands: each installs missing dependencies, configures, builds, then runs.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test clean format

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

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
