#!/bin/sh
# The locks scenario, run in the guest (make scenario): real programs from
# Debian's packages holding file locks, in a container that is frozen,
# checkpointed, killed and restarted:
#
#   flock(1)   holds flock(LOCK_EX) on a lock file around a shell loop
#              that appends a line every 0.2 s;
#   sqlite3    inside a write transaction (BEGIN IMMEDIATE and an INSERT
#              not committed): its POSIX locks on the database keep every
#              other writer out, its journal is open.
#
# Before the checkpoint and after the restart, processes outside the
# container must be locked out the same way: `flock -n` fails, another
# sqlite3's INSERT finds the database locked. Then the restored programs
# go on: the loop appends, the transaction commits, and once they end
# the locks are free. Prints "scenario locks: ok", or what went wrong and
# exits 1.
set -u
S=/extra
NAME=locks
LOGS="ticks sql.out sql.err outside.err ckpt.log restart.log"
D=/tmp/scnl
CG=/sys/fs/cgroup/scnl
CG2=/sys/fs/cgroup/scnl-restored
IMG=$D/img

. $S/lib.sh
cp -a $S/root/. /
rm -rf $D
mkdir -p $D $CG $CG2
mkfifo $D/sql

ticks() {
	wc -l < $D/ticks
}

# locked_out WHEN: another process cannot take either lock
locked_out() {
	/usr/bin/flock -n $D/lockfile true 2>> $D/outside.err &&
		fail "$1: flock -n took the lock flock(1) holds"
	/usr/bin/sqlite3 $D/db "INSERT INTO t VALUES ('outside');" \
		> $D/outside.out 2>&1 &&
		fail "$1: another sqlite3 wrote during the transaction"
	grep -q "database is locked" $D/outside.out ||
		fail "$1: another sqlite3 failed otherwise: $(cat $D/outside.out)"
}

/usr/bin/sqlite3 $D/db "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('first');" ||
	fail "cannot make the database"

echo "scenario locks: start the container"
# the FIFO stays open in the container (fd 3), so that sqlite3 reads
# commands written from outside, one open at a time, without an EOF
unshare -p -f sh -c "echo 1 > $CG/cgroup.procs
	exec 3<> $D/sql
	/usr/bin/flock $D/lockfile sh -c 'while [ ! -e $D/stop ]; do
		echo tick >> $D/ticks; sleep 0.2; done' &
	exec /usr/bin/sqlite3 -batch $D/db < $D/sql > $D/sql.out 2> $D/sql.err" \
	< /dev/null > /dev/null 2>&1 &
wait_for $D/ticks tick 3
echo "BEGIN IMMEDIATE; INSERT INTO t VALUES ('in-the-transaction');" > $D/sql
# the transaction holds its locks once the journal exists
i=0
until [ -e $D/db-journal ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "sqlite3 does not start the transaction"
	sleep 0.2
done
locked_out "before the checkpoint"

echo "scenario locks: freeze, checkpoint and kill"
freeze
ckpt checkpoint --cgroup $CG -o $IMG --kill --log $D/ckpt.log ||
	fail "ckpt checkpoint failed"
wait
ckpt info $IMG > $D/info || fail "ckpt info: the image does not verify"
before=$(ticks)
nl=$(grep -o 'locks: [0-9]*' $D/info | awk '{ n += $2 } END { print n + 0 }')
[ "$nl" -ge 3 ] || fail "ckpt info shows $nl locks, expected flock(1)'s and sqlite3's"
echo "scenario locks: image of $(wc -c < $IMG) bytes, $nl locks in ckpt info"
# the killed tree's locks went with it
/usr/bin/flock -n $D/lockfile true ||
	fail "the lock file is still locked with the container dead"

echo "scenario locks: restart"
sh -c "echo \$\$ > $CG2/cgroup.procs
	exec ckpt restart -i $IMG --log $D/restart.log" &
restarter=$!
wait_for $D/ticks tick $((before + 3))
locked_out "after the restart"

echo "scenario locks: the restored programs go on and end"
echo "INSERT INTO t VALUES ('after-restart'); COMMIT;" > $D/sql
echo "SELECT 'count', count(*) FROM t;" > $D/sql
echo ".quit" > $D/sql
touch $D/stop
wait $restarter
rc=$?
[ $rc -eq 0 ] || fail "the restored sqlite3 exited with $rc"
grep -q "count|3" $D/sql.out || fail "the transaction did not commit"
i=0
until /usr/bin/flock -n $D/lockfile true 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "flock(1) never released its lock"
	sleep 0.2
done
/usr/bin/sqlite3 $D/db "INSERT INTO t VALUES ('outside');" ||
	fail "the database stays locked"
n=$(/usr/bin/sqlite3 $D/db "SELECT count(*) FROM t;")
[ "$n" = 4 ] || fail "$n rows, expected 4"
echo 1 > $CG2/cgroup.kill
echo "scenario locks: ticks $before -> $(ticks), rows 1 -> $n"
echo "scenario locks: ok"
