#!/bin/bash
# Boot the guest and run a job in it. Usage:
#   vm.sh BZIMAGE INITRAMFS demo|check|bench
#   vm.sh BZIMAGE INITRAMFS cmd 'COMMAND' [EXTRA_DIR]
# Exit status: the job's; non-zero as well when the guest's kernel log
# shows a splat, the guest dies, or VM_TIMEOUT (seconds) runs out.
set -e
K=$1; I=$2; MODE=$3; CMD=$4; EXTRA=$5
VM_MEM=${VM_MEM:-1G}
VM_TIMEOUT=${VM_TIMEOUT:-1500}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/job"
case "$MODE" in
demo)  echo 'exec /bin/demo.sh' > "$W/job/job.sh" ;;
check) echo "REPEAT=${REPEAT:-20} exec /bin/run-tests.sh" > "$W/job/job.sh" ;;
bench) echo 'exec /bin/ckpt-bench' > "$W/job/job.sh" ;;
cmd)   printf 'cd /\n%s\n' "$CMD" > "$W/job/job.sh" ;;
*) echo "vm.sh: unknown mode $MODE" >&2; exit 2 ;;
esac
if [ -n "$EXTRA" ]; then
	[ -d "$EXTRA" ] || { echo "vm.sh: EXTRA=$EXTRA is not a directory" >&2; exit 2; }
	mkdir -p "$W/job/extra"
	cp -a "$EXTRA"/. "$W/job/extra/"
fi
(cd "$W/job" && find . | cpio -o -H newc --quiet | gzip -1 > "$W/job.cpio.gz")
cat "$I" "$W/job.cpio.gz" > "$W/initrd"
LOG=${VM_LOG:-$W/console.log}
set +e
timeout --foreground -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
	-machine q35,accel=tcg -cpu max -smp 2 -m "$VM_MEM" \
	-kernel "$K" -initrd "$W/initrd" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=4 quiet numa=fake=2" \
	-nographic -no-reboot -nic none -monitor none -serial stdio \
	< /dev/null 2>&1 | sed -u 's/\r//g; s/\x1b[[?0-9;]*[a-zA-Z]//g' | \
	tee "$LOG" | grep --line-buffered -vE \
		'^CKPT_VM_(BOOTED|RC=|DONE|SPLAT)|^CKPT_RESULT|^SeaBIOS|^Booting from ROM|^reboot: Restarting'

qrc=${PIPESTATUS[0]}
set -e
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	echo "vm.sh: guest timed out after ${VM_TIMEOUT}s" >&2
fi
rc=$(sed -n 's/^CKPT_VM_RC=\([0-9]*\).*/\1/p' "$LOG" | tail -1)
splat=0
grep -q '^CKPT_VM_SPLAT' "$LOG" && splat=1
grep -qE 'Kernel panic|BUG: |Oops' "$LOG" && splat=1
if [ "$MODE" = check ]; then
	res=$(grep '^CKPT_RESULT' "$LOG" | tail -1)
	p=$(echo "$res" | sed -n 's/.*passed=\([0-9]*\).*/\1/p'); p=${p:-0}
	f=$(echo "$res" | sed -n 's/.*failed=\([0-9]*\).*/\1/p'); f=${f:-0}
	[ -z "$rc" ] && { echo "vm.sh: the guest died before the tests finished" >&2; f=$((f + 1)); }
	[ $splat -eq 1 ] && { echo "vm.sh: kernel log shows a splat (see above)" >&2; f=$((f + 1)); }
	echo "$p passed, $f failed"
	[ "$f" -eq 0 ] && [ "$p" -gt 0 ] && exit 0
	exit 1
fi
if [ -z "$rc" ]; then
	echo "vm.sh: the guest died before the job finished" >&2
	exit 1
fi
if [ $splat -eq 1 ]; then
	echo "vm.sh: kernel log shows a splat (see above)" >&2
	exit 1
fi
exit "$rc"
