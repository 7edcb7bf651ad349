#!/bin/sh
# What every scenario's run.sh needs, sourced in the guest from
# /extra/lib.sh. The scenario sets NAME (for its messages), D (its work
# directory), CG and CG2 (the container's cgroup before and after the
# restart) and LOGS (the files of $D to show when it fails).

fail() {
	echo "scenario $NAME: FAILED: $*"
	for f in $LOGS; do
		echo "--- $f"
		cat $D/$f 2>/dev/null
	done
	echo 1 > $CG/cgroup.kill 2>/dev/null
	echo 1 > $CG2/cgroup.kill 2>/dev/null
	exit 1
}

# wait_for FILE TEXT [COUNT]: until FILE has COUNT lines with TEXT (60 s)
wait_for() {
	i=0
	while :; do
		n=$(grep -cF -- "$2" "$1" 2>/dev/null)
		[ "${n:-0}" -ge "${3:-1}" ] && return 0
		i=$((i + 1))
		[ $i -gt 300 ] && fail "no \"$2\" (x${3:-1}) in $1"
		sleep 0.2
	done
}

# freeze the container and wait until cgroup.events says so (60 s)
freeze() {
	echo 1 > $CG/cgroup.freeze
	i=0
	until grep -q "frozen 1" $CG/cgroup.events; do
		i=$((i + 1))
		[ $i -gt 300 ] && fail "the container does not freeze"
		sleep 0.2
	done
}
