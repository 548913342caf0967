# pxekit's front door: a thin wrapper over CMake and CTest.
#   make            build every program into build/bin/
#   make check      install missing packages (as root), build, run every test
#                   but the QEMU boots, list the skipped ones and why
#   make check-boot the same for the QEMU boot tests (firmware to kernel, the
#                   lab's day); .ci/run runs both
#   make install    PREFIX=/usr/local DESTDIR=
#   make check-asan the same suite built with ASan and UBSan in build-asan/,
#                   daemons under test included; stops at the first finding
#   make check-release  everything built as a distribution would (-O3,
#                   Debian's hardening flags) in build-release/, then the
#                   unit, fuzz-replay and CLI tests on those binaries
#   make fuzz       libFuzzer runs (clang): FUZZ_SECONDS or FUZZ_RUNS each,
#                   FUZZ_TARGETS to pick some (tests/fuzz/README.md)
#   make demo       PXE-boot a VM in a private namespace (as root)
#   make clean

BUILD_DIR ?= build
FUZZ_DIR ?= build-fuzz
ASAN_DIR ?= build-asan
RELEASE_DIR ?= build-release
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

.PHONY: all build configure check check-boot check-asan check-release deps test install fuzz demo clean

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
	@$(RUN_TESTS) -LE boot

# The QEMU boot tests (label "boot": BIOS, UEFI, proxyDHCP, the lab's day).
check-boot: deps
	@$(MAKE) --no-print-directory build
	@$(RUN_TESTS) -L boot

test: build
	@$(RUN_TESTS)

# The whole suite again, every program built with -fsanitize=address,undefined
# (PXEKIT_SANITIZE): the script tests take their programs from $(ASAN_DIR)/bin,
# so the daemons in the namespace tests run sanitized too. As `make check`, it
# leaves the QEMU boots (label "boot") to check-boot. A finding aborts the
# program (halt_on_error, -fno-sanitize-recover=all); leaks are reported when
# it exits (LeakSanitizer). Every report also goes to a file in
# $(ASAN_DIR)/sanitizer-reports (log_path), so that a finding in a daemon whose
# exit status or stderr a test ignores still fails the run; the directory is
# open to all (1777, as /tmp), as daemons write there after dropping to nobody.
# tests/support/sanitizer_reports.sh shows them and tells findings from
# LeakSanitizer's note that a program was killed during its exit-time scan.
ASAN_REPORTS = $(abspath $(ASAN_DIR))/sanitizer-reports
ASAN_COMMON = halt_on_error=1:log_path=$(ASAN_REPORTS)/report:log_exe_name=1
ASAN_ENV = ASAN_OPTIONS=$(ASAN_COMMON):detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1 \
  UBSAN_OPTIONS=$(ASAN_COMMON):print_stacktrace=1 \
  PXEKIT_SANITIZER_REPORTS=$(ASAN_REPORTS)
check-asan: deps
	@$(PACKAGES) check $(BUILD_PACKAGES)
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DPXEKIT_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_DIR) -j$(JOBS)
	@rm -rf $(ASAN_REPORTS) && mkdir -p $(ASAN_REPORTS) && chmod 1777 $(ASAN_REPORTS)
	@status=0; $(ASAN_ENV) tests/support/run_tests.sh $(ASAN_DIR) -j$(JOBS) -LE boot || status=$$?; \
	tests/support/sanitizer_reports.sh $(ASAN_REPORTS) || status=1; \
	exit $$status

# -O3 (CMAKE_BUILD_TYPE=Release) and the flags dpkg-buildflags gives a Debian
# package (-D_FORTIFY_SOURCE=2, stack protector, format checks, relro and
# now): GCC warns of things at -O3 and with fortified headers that it does not
# at -O2, and -Werror makes each one a failed build for whoever packages
# pxekit. Then the tests that need no namespace, on the optimised binaries.
RELEASE_CXXFLAGS := -Wdate-time -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wformat -Werror=format-security
RELEASE_LDFLAGS := -Wl,-z,relro -Wl,-z,now
check-release: deps
	@$(PACKAGES) check $(BUILD_PACKAGES)
	@cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_CXX_FLAGS="$(RELEASE_CXXFLAGS)" -DCMAKE_EXE_LINKER_FLAGS="$(RELEASE_LDFLAGS)" >/dev/null
	@cmake --build $(RELEASE_DIR) -j$(JOBS)
	@tests/support/run_tests.sh $(RELEASE_DIR) -j$(JOBS) -R '^(unit|fuzz|cli)/'

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

# As root: a day of a diskless lab in a private namespace: QEMU machines woken
# by wakeonlan, PXE-booted by pxe-dhcpd, pxe-tftpd and pxe-mkcfg configs to a
# root on NFS (pxe-exports, Ganesha), powered off by pxe-poweroff, woken again.
# DEMO_ARGS: --machines N (default 3), --servers dnsmasq, --nfs ganesha|knfsd
# (knfsd needs a kernel with nfsd), --one-day.
# A fresh machine has no compiler or libraries yet: install them first, as
# `make check` does; the demo script installs QEMU and the boot files itself.
demo:
	@$(PACKAGES) install $(BUILD_PACKAGES)
	@$(MAKE) --no-print-directory build
	@PXEKIT_BIN=$(abspath $(BUILD_DIR))/bin PXEKIT_TEST_BIN=$(abspath $(BUILD_DIR))/tests/bin \
	  bash tests/support/demo.sh $(DEMO_ARGS)

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR) $(ASAN_DIR) $(RELEASE_DIR)
