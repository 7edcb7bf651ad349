#!/bin/sh
# The checkpoint/restart demo, run in the guest by `make run`.
#
# ckpt-demo runs a stateful workload and checkpoints itself to an image
# file part way through, then keeps going for a while; we kill it with
# SIGKILL, as a crash would, show the image with `ckpt info`, and restart
# it with `ckpt restart`: the restored program resumes right after its
# checkpoint, runs to the end and checks its result against a run from
# scratch. Exits with the restored program's status.

IMG=/tmp/demo.img
LOG=/tmp/demo.log
MARK=/tmp/demo.waiting
INFO=/tmp/demo.info
STEPS=${DEMO_STEPS:-20}
AT=${DEMO_AT:-8}

section() {
	echo
	echo "======== $* ========"
}

fail() {
	echo "demo.sh: $*"
	echo "demo.sh: FAILED"
	exit 1
}

rm -f "$IMG" "$LOG" "$MARK" "$INFO"
echo "Linux checkpoint/restart demo on $(uname -sr)"

section "1/4  run the workload; it checkpoints itself after step $AT"
ckpt-demo -n "$STEPS" -c "$AT" -i "$IMG" -l "$LOG" -w "$MARK" &
pid=$!
waited=0
while [ ! -e "$MARK" ]; do
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		fail "the workload exited with status $? before its checkpoint"
	fi
	waited=$((waited + 1))
	if [ "$waited" -gt 1200 ]; then
		kill -9 "$pid"
		fail "the workload did not reach its checkpoint in 4 minutes"
	fi
	sleep 0.2
done

section "2/4  kill it with SIGKILL (pid $pid), as a crash would"
kill -9 "$pid"
wait "$pid" 2>/dev/null
echo "demo.sh: pid $pid is gone (exit status $?); its work after the checkpoint is lost"

section "3/4  the image: ckpt info $IMG"
ls -l "$IMG"
ckpt info "$IMG" > "$INFO"
rc=$?
n=$(wc -l < "$INFO")
if [ "$n" -le 60 ]; then
	cat "$INFO"
else
	head -40 "$INFO"
	echo "... ($((n - 42)) more lines)"
	tail -2 "$INFO"
fi
[ "$rc" -eq 0 ] || fail "ckpt info: the image does not verify"

section "4/4  restart: ckpt restart $IMG"
ckpt restart "$IMG"
rc=$?

section "result"
if [ "$rc" -eq 0 ]; then
	echo "demo.sh: the restored program finished and checked its result: OK"
else
	echo "demo.sh: the restored program exited with status $rc: FAILED"
fi
exit "$rc"
