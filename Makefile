# pxekit's front door: a thin wrapper over CMake and CTest.
#   make            build every program into build/bin/
#   make check      install missing packages (as root), build, run every test,
#                   list the skipped ones and why
#   make install    PREFIX=/usr/local DESTDIR=
#   make fuzz       libFuzzer runs (clang): FUZZ_SECONDS or FUZZ_RUNS each,
#                   FUZZ_TARGETS to pick some (tests/fuzz/README.md)
#   make demo       PXE-boot a VM in a private namespace (as root)
#   make clean

BUILD_DIR ?= build
FUZZ_DIR ?= build-fuzz
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
PREFIX ?= /usr/local
DESTDIR ?=
FUZZ_SECONDS ?= 30
FUZZ_RUNS ?=
FUZZ_TARGETS ?=

# Debian 12 packages. Build: compiler and libraries. Test: the real peers and
# linters the tests drive.
BUILD_PACKAGES := cmake make g++ pkg-config libcli11-dev libfmt-dev \
  libnl-3-dev libnl-route-3-dev libnl-genl-3-dev catch2 libssl-dev libpq-dev
# Each test area lists its packages in tests/packages/*.txt, so that adding a
# test never means editing this file.
TEST_PACKAGES := $(shell sed -e 's/\#.*//' tests/packages/*.txt)
FUZZ_PACKAGES := clang libclang-rt-14-dev
# Only the fuzz binaries are built for `make fuzz` (not the tools and tests).
FUZZ_BUILD_TARGETS := $(if $(FUZZ_TARGETS),$(addprefix fuzz_,$(patsubst fuzz_%,%,$(FUZZ_TARGETS))),$(basename $(notdir $(wildcard tests/fuzz/fuzz_*.cc))))

PACKAGES := tests/support/packages.sh

.PHONY: all build configure check deps test install fuzz demo clean

all: build

configure:
	@$(PACKAGES) check $(BUILD_PACKAGES)
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

deps:
	@$(PACKAGES) install $(BUILD_PACKAGES) $(TEST_PACKAGES)

# The suite, then every skipped test with its reason (tests/support/run_tests.sh).
RUN_TESTS = tests/support/run_tests.sh $(BUILD_DIR) -j$(JOBS)

check: deps
	@$(MAKE) --no-print-directory build
	@$(RUN_TESTS)

test: build
	@$(RUN_TESTS)

install: build
	@DESTDIR=$(DESTDIR) cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# FUZZ_RUNS=N: N executions per target (else FUZZ_SECONDS each);
# FUZZ_TARGETS="tftp_request dhcpd_conf": only those (default: all).
# Summary table: $(FUZZ_DIR)/summary.md (see tests/fuzz/README.md).
fuzz:
	@$(PACKAGES) install $(BUILD_PACKAGES) $(FUZZ_PACKAGES)
	@CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DPXEKIT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(FUZZ_DIR) -j$(JOBS) --target $(FUZZ_BUILD_TARGETS)
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_TARGETS)

# As root: PXE-boot a QEMU VM from pxe-dhcpd, pxe-tftpd and pxe-mkcfg in a
# private namespace. DEMO_ARGS: --uefi, --both, --servers dnsmasq.
# A fresh machine has no compiler or libraries yet: install them first, as
# `make check` does; the demo script installs QEMU and the boot files itself.
demo:
	@$(PACKAGES) install $(BUILD_PACKAGES)
	@$(MAKE) --no-print-directory build
	@PXEKIT_BIN=$(abspath $(BUILD_DIR))/bin bash tests/support/demo.sh $(DEMO_ARGS)

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
