# vhgate: every entry point does its own set-up (packages, configure, build, certificates).
#   make run    set up, build, create example certs and keys, serve examples/gateway.json
#   make test   set up, build, run the whole suite, then again under ASan+UBSan
#   make demo   one information-request round end to end; stops what it started
#   make format apply .clang-format to the sources (make test fails on an unformatted file)
#   make test-faults  the fault suite (tests/faults) against real processes, in build-faults/
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# ccache (when present) shares its cache between clones of the repository.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps configure build certs keys run test test-fast test-asan test-tsan test-faults demo bench fuzz format format-check clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

configure: deps $(BUILD)/build.ninja

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

certs: deps
	@certs-example/make-certs.sh build/certs

keys: build
	@$(BUILD)/vhgate keys init --config examples/gateway.json

run: build certs keys
	$(BUILD)/vhgate serve --config examples/gateway.json

test-fast: build certs
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps certs
	@$(MAKE) --no-print-directory BUILD=build-asan CMAKE_FLAGS="-DVH_SANITIZE=ON" build
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test-tsan: deps certs
	@$(MAKE) --no-print-directory BUILD=build-tsan CMAKE_FLAGS="-DVH_TSAN=ON" build
	@cd build-tsan && ctest --output-on-failure -j $(JOBS)

# The fault suite needs the gateway built with its test-only clock (VH_FAULTS)
# and root (a private mount namespace with a small tmpfs: tests/faults/run.sh).
test-faults: deps certs
	@$(MAKE) --no-print-directory BUILD=build-faults CMAKE_FLAGS="-DVH_FAULTS=ON" configure
	@cmake --build build-faults -j $(JOBS) --target vhgate vhgate-partner vhgate-faults
	@tests/faults/run.sh build-faults

test: format-check test-fast test-asan

format: deps
	@scripts/format.sh

format-check: deps
	@scripts/format.sh --check

demo: build certs
	@scripts/demo.sh

bench: deps certs
	@$(MAKE) --no-print-directory BUILD=build-bench CMAKE_FLAGS="-DVH_BENCH=ON -DCMAKE_BUILD_TYPE=Release" build
	@bench/run.sh build-bench

fuzz: deps
	@scripts/fuzz.sh

clean:
	rm -rf build build-asan build-tsan build-bench build-fuzz build-faults
