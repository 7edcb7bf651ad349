#!/bin/sh
# Run every checkpoint selftest; print a closing CKPT_RESULT line.
# Counts kselftest harness results (top level "ok N"/"not ok N" lines); a
# binary that dies without reporting counts as one failure.
pass=0; fail=0
cd /selftests/checkpoint
for t in ./*_test; do
	[ -x "$t" ] || continue
	echo "=== $t"
	out=/tmp/$(basename "$t").out
	"$t" > "$out" 2>&1
	rc=$?
	cat "$out"
	p=$(grep -cE '^ok [0-9]+ ' "$out")
	f=$(grep -cE '^not ok [0-9]+ ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!!! $t exited with $rc without reporting a failure"
		f=1
	fi
	pass=$((pass + p)); fail=$((fail + f))
done
echo "CKPT_RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
