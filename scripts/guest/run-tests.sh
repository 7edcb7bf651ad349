#!/bin/sh
# Count the checkpoint KUnit suites that ran at boot, run every checkpoint
# selftest, then the stress list; print a closing CKPT_RESULT line.
# Counts kselftest harness results (top level "ok N"/"not ok N" lines); a
# binary that dies without reporting counts as one failure. A KUnit suite
# (ckpt_*, built in on the sanitizer kernel) counts as one result.
#
# The stress list (/selftests/checkpoint/stress.list) names the cases that
# signal, thaw or kill a tree right after restart() returns: a race there
# shows only now and then, so each runs REPEAT more times (default 20,
# enough to catch a 1-in-10 race with 88% odds per case; REPEAT=0 skips).
pass=0; fail=0
cd /selftests/checkpoint

# run BINARY [HARNESS ARGS...]: one harness run, counted
run() {
	out=/tmp/$(basename "$1").out
	"$@" > "$out" 2>&1
	rc=$?
	p=$(grep -cE '^ok [0-9]+ ' "$out")
	f=$(grep -cE '^not ok [0-9]+ ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!!! $* exited with $rc without reporting a failure"
		f=1
	fi
	pass=$((pass + p)); fail=$((fail + f))
}

# KUnit: the checkpoint suites (ckpt_*) built into the sanitizer kernel
# ran at boot; debugfs keeps each one's results, which end with the
# suite's line "ok 1 NAME" or "not ok 1 NAME". Each suite counts as one.
[ -d /sys/kernel/debug/kunit ] ||
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
if ls -d /sys/kernel/debug/kunit/ckpt_* > /dev/null 2>&1; then
	echo "=== kunit"
	p=0; f=0
	for d in /sys/kernel/debug/kunit/ckpt_*; do
		cat "$d/results"
		if tail -n 1 "$d/results" | grep -qE '^ok 1 '; then
			p=$((p + 1))
		else
			echo "!!! kunit suite ${d##*/} failed"
			f=$((f + 1))
		fi
	done
	echo "kunit: $p ckpt_* suites passed, $f failed"
	pass=$((pass + p)); fail=$((fail + f))
else
	echo "=== kunit: no checkpoint suites in this kernel, nothing counted"
fi

for t in ./*_test; do
	[ -x "$t" ] || continue
	echo "=== $t"
	run "$t"
	cat "$out"
done

REPEAT=${REPEAT:-20}
if [ -f stress.list ] && [ "$REPEAT" -gt 0 ]; then
	grep -vE '^(#|$)' stress.list > /tmp/stress.cases
	while read -r line; do
		echo "=== stress x$REPEAT: $line"
		i=0; bad=0
		while [ $i -lt "$REPEAT" ]; do
			f0=$fail
			# shellcheck disable=SC2086
			run ./$line
			if [ "$fail" -ne "$f0" ]; then
				echo "!!! stress run $((i + 1)) of $line failed:"
				cat "$out"
				bad=$((bad + 1))
			fi
			i=$((i + 1))
		done
		echo "stress: $line: $((REPEAT - bad)) of $REPEAT passed"
	done < /tmp/stress.cases
fi
echo "CKPT_RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
