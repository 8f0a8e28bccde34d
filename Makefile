# vhgate: every entry point does its own set-up (packages, configure, build, certificates).
#   make run    set up, build, create example certs and keys, serve examples/gateway.json
#   make test   set up, build, run the whole suite, the console in a real browser, then
#               the suite again under ASan+UBSan
#   make demo   one information-request round end to end; stops what it started
#   make format apply .clang-format to the sources (make test fails on an unformatted file)
#   make install  the binary, systemd unit, examples and docs (PREFIX=/usr/local, DESTDIR)
#   make test-faults  the fault suite (tests/faults) against real processes (root)
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
CMAKE_FLAGS ?=
# ccache (when present) shares its cache between clones of the repository.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps configure build certs keys run test test-fast test-browser browser-deps test-asan test-tsan test-faults demo bench fuzz format format-check install clean

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

# The web console in Debian's Chromium against the real gateway (tests/browser,
# Node's test runner; playwright-core and axe-core from its package-lock.json).
BROWSER_TESTS := tests/browser
browser-deps: deps
	@[ -f $(BROWSER_TESTS)/node_modules/.package-lock.json ] || \
	  (cd $(BROWSER_TESTS) && npm ci --no-audit --no-fund --loglevel=error)

test-browser: build certs browser-deps
	@cd $(BROWSER_TESTS) && VH_BUILD_DIR=$(CURDIR)/$(BUILD) VH_CERTS_DIR=$(CURDIR)/build/certs \
	  node --test --test-concurrency=1 *.test.mjs

test-asan: deps certs
	@$(MAKE) --no-print-directory BUILD=build-asan CMAKE_FLAGS="-DVH_SANITIZE=ON" build
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test-tsan: deps certs
	@$(MAKE) --no-print-directory BUILD=build-tsan CMAKE_FLAGS="-DVH_TSAN=ON" build
	@cd build-tsan && ctest --output-on-failure -j $(JOBS)

# The fault suite against the real processes of the same build; needs root (a
# private mount namespace with a small tmpfs: tests/faults/run.sh).
test-faults: build certs
	@tests/faults/run.sh $(BUILD)

test: format-check test-fast test-browser test-asan

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

# docs/operations.md "Install". DESTDIR stages the tree (packaging, tests).
install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

clean:
	rm -rf build build-asan build-tsan build-bench build-fuzz
