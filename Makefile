# Linux checkpoint/restart: build, boot and test the patched 6.12 kernel.
#
#   make run       build what is missing, boot, run the demo
#   make check     build, boot, run every selftest; "N passed, N failed"
#                  (on the sanitizer kernel; KERNEL=normal for the plain one;
#                  REPEAT=N runs the racy cases of stress.list N more times)
#   make bench     checkpoint/restart throughput, in one guest boot
#   make fuzz ITER=N SEED=S   a long image-fuzzing campaign (sanitizer kernel)
#   make vm-run CMD='...' [EXTRA=DIR]   run CMD as root in the guest
#   make scenario  real programs from Debian's packages (python3,
#                  inotifywait, tail -F, sqlite3, flock), checkpointed and
#                  restarted; part of make check
#   make kernel | tools | initramfs | clean | checkpatch
#
# CKPT_CACHE (default /var/cache/linux-ckpt) holds the extracted kernel
# source and the build output, outside the checkout, so a fresh clone on the
# same machine builds incrementally. VM_MEM (default 1G) sizes the guest.

ROOT      := $(CURDIR)
CKPT_CACHE ?= /var/cache/linux-ckpt
KERNEL    ?= debug
KSRC      := $(CKPT_CACHE)/linux-source-6.12
BZ        = $(CKPT_CACHE)/build-$(1)/arch/x86/boot/bzImage
B         := $(ROOT)/build
VM_MEM    ?= 1G
VM_TIMEOUT ?= 3600
REPEAT    ?= 20
export CKPT_CACHE VM_MEM VM_TIMEOUT REPEAT

CC        := gcc
CFLAGS    := -O2 -g -Wall -Wextra -Wno-unused-parameter -static \
	     -I$(ROOT)/include/uapi -I$(ROOT)/tools/checkpoint
HARNESS   := -I$(KSRC)/tools/testing/selftests

TOOL_SRCS := $(wildcard tools/checkpoint/*.c tools/checkpoint/*.h)
TESTS_C   := $(wildcard tools/testing/selftests/checkpoint/*_test.c)
TESTS     := $(patsubst tools/testing/selftests/checkpoint/%.c,$(B)/selftests/%,$(TESTS_C))
TEST_HELPERS := $(wildcard tools/testing/selftests/checkpoint/*.h)
UAPI      := include/uapi/linux/checkpoint.h include/uapi/linux/checkpoint_hdr.h

.PHONY: all deps kernel kernel-debug kernel-$(KERNEL) tools initramfs run check bench fuzz vm-run scenario clean checkpatch

all: kernel initramfs

deps:
	@bash scripts/deps.sh

kernel: deps
	@KCONFIG=normal bash scripts/build-kernel.sh

kernel-debug: deps
	@KCONFIG=debug bash scripts/build-kernel.sh

kernel-normal: kernel

$(B)/ckpt: $(TOOL_SRCS) $(UAPI) | deps
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -o $@ tools/checkpoint/ckpt.c tools/checkpoint/image.c

$(B)/ckpt-demo: tools/checkpoint/demo.c $(UAPI) | deps
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -o $@ $<

$(B)/ckpt-demo-container: tools/checkpoint/demo-container.c | deps
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -o $@ $<

$(B)/ckpt-bench: tools/checkpoint/bench.c tools/checkpoint/image.c $(UAPI) | deps
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -o $@ $< tools/checkpoint/image.c

# selftests need the kselftest harness from the kernel source, as our
# patches leave it (0024), and are built again when a patch changes it
$(KSRC)/.ckpt-extracted: | deps
	@bash scripts/build-kernel.sh

HARNESS_H := $(KSRC)/tools/testing/selftests/kselftest_harness.h
$(HARNESS_H): | $(KSRC)/.ckpt-extracted

$(B)/selftests/%: tools/testing/selftests/checkpoint/%.c $(TEST_HELPERS) $(UAPI) $(TOOL_SRCS) $(HARNESS_H) | $(KSRC)/.ckpt-extracted
	@mkdir -p $(B)/selftests
	$(CC) $(CFLAGS) $(HARNESS) -o $@ $< tools/checkpoint/image.c -lpthread

tools: $(B)/ckpt $(B)/ckpt-demo $(B)/ckpt-demo-container $(B)/ckpt-bench $(TESTS)

initramfs: tools
	@TESTS="$(TESTS)" bash scripts/mkinitramfs.sh $(B)

run: kernel initramfs
	@bash scripts/vm.sh $(call BZ,normal) $(B)/initramfs.cpio.gz demo

check: kernel-$(KERNEL) initramfs
	@bash scripts/vm.sh $(call BZ,$(KERNEL)) $(B)/initramfs.cpio.gz check
	@$(MAKE) --no-print-directory scenario

# the scenarios (scripts/scenarios/*/): each packed with the programs and
# libraries it needs, booted with them as the job's extra files
SCENARIOS := eventloop locks tmpfiles unixsrv tcpsrv
scenario: kernel-$(KERNEL) initramfs
	@set -e; for s in $(SCENARIOS); do \
		bash scripts/scenarios/$$s/pack.sh $(B)/scenario-$$s; \
		bash scripts/vm.sh $(call BZ,$(KERNEL)) $(B)/initramfs.cpio.gz \
			cmd 'sh /extra/run.sh' $(B)/scenario-$$s; \
	done

bench: kernel initramfs
	@VM_MEM=$${VM_MEM_BENCH:-2G} bash scripts/vm.sh $(call BZ,normal) $(B)/initramfs.cpio.gz bench

# a long fuzzing campaign on the sanitizer kernel: make fuzz ITER=N SEED=S
ITER ?= 20000
SEED ?= $(shell date +%s)
fuzz: kernel-$(KERNEL) initramfs
	@echo ">> fuzzing: $(ITER) mutants, seed $(SEED)"
	@VM_TIMEOUT=$${VM_TIMEOUT:-36000} bash scripts/vm.sh $(call BZ,$(KERNEL)) $(B)/initramfs.cpio.gz cmd \
		"CKPT_FUZZ_ITER=$(ITER) CKPT_FUZZ_SEED=$(SEED) /selftests/checkpoint/fuzz_test"

vm-run: kernel initramfs
	@bash scripts/vm.sh $(call BZ,normal) $(B)/initramfs.cpio.gz cmd "$(CMD)" "$(EXTRA)"

checkpatch: kernel
	@bash scripts/checkpatch.sh

clean:
	rm -rf $(B)
