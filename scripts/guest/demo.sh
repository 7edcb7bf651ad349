#!/bin/sh
# The checkpoint/restart demo, run in the guest by `make run`.
#
# Part 1: ckpt-demo runs a stateful workload and checkpoints itself to an
# image file part way through, then keeps going for a while; we kill it
# with SIGKILL, as a crash would, show the image with `ckpt info`, and
# restart it with `ckpt restart`: the restored program resumes right after
# its checkpoint, runs to the end and checks its result against a run from
# scratch.
#
# Part 2: ckpt-demo-container starts a small container - an init, a
# producer and a consumer of numbers in a pipe, in their own pid namespace
# and cgroup. `ckpt checkpoint --cgroup` freezes it, checkpoints it and
# kills it; `ckpt restart -i` brings it back, in a new pid namespace with
# the same pids, with the numbers that were in the pipe; it runs to the
# end and checks that no number was lost.
#
# Exits 0 only if both parts pass.

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

section "1/4  part 1: run the workload; it checkpoints itself after step $AT"
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
if [ "$rc" -eq 0 ]; then
	echo "demo.sh: the restored program finished and checked its result: OK"
else
	fail "the restored program exited with status $rc"
fi

# ---- part 2: a container ----------------------------------------------

CG=/sys/fs/cgroup/demo
CTIMG=/tmp/ct.img
CTLOG=/tmp/ct.log
CTINFO=/tmp/ct.info
COUNT=${DEMO_CT_COUNT:-120}
DELAY=${DEMO_CT_DELAY:-40}
AT=${DEMO_CT_AT:-30}

# pid, pid in its namespace, name of a process
show_pid() {
	ns=$(sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null | tr '\t' ' ')
	printf '  pid %-5s NSpid %-10s %s\n' "$1" "$ns" "$(cat "/proc/$1/comm" 2>/dev/null)"
}

# "consumer 3": each writer of log lines with its pid in the namespace
log_pids() {
	sed -n 's/^\([a-z]*\) (pid-in-ns \([0-9]*\)).*/\1 \2/p' "$@" | sort -u
}

# the children of a process (the guest kernel has no /proc/PID/task/TID/children)
children_of() {
	parent=$1
	for d in /proc/[0-9]*; do
		st=$(sed 's/.*) //' "$d/stat" 2>/dev/null) || continue
		set -- $st
		[ "$2" = "$parent" ] && echo "${d#/proc/}"
	done
}

ct_cleanup() {
	[ -d "$CG" ] || return 0
	echo 1 > "$CG/cgroup.kill" 2>/dev/null
	echo 0 > "$CG/cgroup.freeze" 2>/dev/null
	sleep 0.2
	rmdir "$CG" 2>/dev/null
}

ct_cleanup
rm -f "$CTIMG" "$CTLOG" "$CTINFO"

section "1/4  part 2: a container: init, producer and consumer in a pid namespace"
ckpt-demo-container -c "$CG" -l "$CTLOG" -n "$COUNT" -d "$DELAY" &
launcher=$!
waited=0
until grep -q "received $AT numbers" "$CTLOG" 2>/dev/null; do
	if ! kill -0 "$launcher" 2>/dev/null; then
		cat "$CTLOG"
		fail "the container ended before it was checkpointed"
	fi
	waited=$((waited + 1))
	[ "$waited" -gt 600 ] && { ct_cleanup; fail "the container made no progress in 60 s"; }
	sleep 0.1
done
echo "demo.sh: the container's processes (cgroup $CG):"
for p in $(cat "$CG/cgroup.procs"); do show_pid "$p"; done
echo "demo.sh: its log so far:"
cat "$CTLOG"

section "2/4  freeze, checkpoint and kill it: ckpt checkpoint --cgroup $CG -o $CTIMG --kill"
ckpt checkpoint --cgroup "$CG" -o "$CTIMG" --kill -v || { ct_cleanup; fail "ckpt checkpoint failed"; }
wait "$launcher"
echo "demo.sh: the container's init is gone (its launcher exited with status $?)"
before=$(wc -l < "$CTLOG")
ckpt info "$CTIMG" > "$CTINFO" || fail "ckpt info: the image does not verify"
grep -E '^(image|header|  checkpoint id|tree|  pid |task|  zombie|pipe|file #.*pipe|totals|checksum)' "$CTINFO"
grep -q '^pipe #' "$CTINFO" || fail "the image has no pipe"

section "3/4  restart it: ckpt restart -i $CTIMG"
ckpt restart -i "$CTIMG" &
restarter=$!
root=
waited=0
while [ -z "$root" ]; do
	root=$(children_of "$restarter")
	root=${root%%[!0-9]*}
	if [ -z "$root" ] && ! kill -0 "$restarter" 2>/dev/null; then
		wait "$restarter"
		fail "ckpt restart exited with status $? before the container ran"
	fi
	waited=$((waited + 1))
	[ "$waited" -gt 600 ] && fail "no restored container after 60 s"
	[ -z "$root" ] && sleep 0.1
done
echo "demo.sh: the restored container, child of ckpt restart (pid $restarter):"
show_pid "$root"
for p in $(children_of "$root"); do show_pid "$p"; done
sleep 1
echo "demo.sh: its log since the restart:"
tail -n "+$((before + 1))" "$CTLOG"

section "4/4  wait for it to finish and check"
wait "$restarter"
rc=$?
echo "demo.sh: ckpt restart exited with status $rc (the container init's)"
echo "demo.sh: the log since the restart:"
tail -n "+$((before + 1))" "$CTLOG"
ok=1
[ "$rc" -eq 0 ] || { echo "demo.sh: the container failed (status $rc)"; ok=0; }
grep -q "all $COUNT numbers received in order.*: OK" "$CTLOG" ||
	{ echo "demo.sh: the consumer did not report all $COUNT numbers"; ok=0; }
grep -q "GAP\|FAILED" "$CTLOG" && { echo "demo.sh: the log shows a failure"; ok=0; }
head -n "$before" "$CTLOG" > /tmp/ct.before
tail -n "+$((before + 1))" "$CTLOG" > /tmp/ct.after
if [ -s /tmp/ct.after ] && [ "$(log_pids /tmp/ct.before | grep -v producer)" = "$(log_pids /tmp/ct.after | grep -v producer)" ]; then
	echo "demo.sh: the same pids inside the namespace before and after the restart:"
	log_pids /tmp/ct.before | sed 's/^/  /'
else
	echo "demo.sh: pids inside the namespace differ:"
	echo " before:"; log_pids /tmp/ct.before
	echo " after:"; log_pids /tmp/ct.after
	ok=0
fi
ct_cleanup

section "result"
if [ "$ok" -eq 1 ]; then
	echo "demo.sh: the self-checkpointed program and the container both resumed and checked their results: OK"
	exit 0
fi
echo "demo.sh: FAILED"
exit 1
