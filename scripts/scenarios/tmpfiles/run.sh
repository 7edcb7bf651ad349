#!/bin/sh
# The tmpfiles scenario, run in the guest (make scenario): real programs
# from Debian's packages holding deleted files, in a container that is
# frozen, checkpointed, killed and restarted:
#
#   bash       a `while read` loop fed by a here-document: bash writes a
#              document larger than a pipe holds to a temporary file and
#              deletes it, so the loop reads a deleted file (heredoc.sh);
#              it reads three lines, then waits for a file to appear;
#   python3    tempfile.TemporaryFile(): an O_TMPFILE file, without a name
#              from the start, written and kept (tmpfile.py);
#   sh         a loop appending to a log it opened with exec 3>> and then
#              removed (dlog.sh).
#
# The image holds the three files. After the restart the loop reads the
# rest of the document, in order, from the file made again; python reads
# back what it wrote and writes more; the log grows on, entry after
# entry, as read through /proc/PID/fd/3 of the restored shell. Prints
# "scenario tmpfiles: ok", or what went wrong and exits 1.
set -u
S=/extra
NAME=tmpfiles
LOGS="heredoc.out py.log err info ckpt.log restart.log"
D=/tmp/scnt
CG=/sys/fs/cgroup/scnt
CG2=/sys/fs/cgroup/scnt-restored
IMG=$D/img
PY=/usr/bin/python3.11
BASH_BIN=/usr/bin/bash
NL=40			# lines of the here-document: 40 x 4 kB

. $S/lib.sh
cp -a $S/root/. /
[ -x $BASH_BIN ] || BASH_BIN=/bin/bash
rm -rf $D
mkdir -p $D $CG $CG2

# the host pid of the process in cgroup $1 whose command line has $2
pid_of() {
	for p in $(cat "$1/cgroup.procs"); do
		tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null |
			grep -q -- "$2" && echo $p && return
	done
}

# the entries of the deleted log of dlog.sh $1, read through its fd 3:
# how many, or -1 when one is left out or repeated
entries() {
	cat /proc/$1/fd/3 2>/dev/null |
		awk '$1 == "entry" { if ($2 != n) bad = 1; n++ }
		     END { print bad ? -1 : n + 0 }'
}

# wait_entries PID N: until the log of dlog.sh PID has N entries (60 s)
wait_entries() {
	i=0
	while :; do
		n=$(entries $1)
		[ "$n" -lt 0 ] &&
			fail "the deleted log left out or repeated an entry: $(cat /proc/$1/fd/3 | tr '\n' ' ')"
		[ "$n" -ge $2 ] && return 0
		i=$((i + 1))
		[ $i -gt 300 ] && fail "the deleted log has $n entries, not $2"
		sleep 0.2
	done
}

echo "scenario tmpfiles: start the container"
# (the container opens its own files: one shared with unshare, outside
# it, would be a leak that checkpoint refuses)
unshare -p -f sh -c "echo 1 > $CG/cgroup.procs
	exec 2> $D/err
	TMPDIR=$D $BASH_BIN $S/heredoc.sh $D/heredoc.out $D/go $NL &
	$PY -I -S $S/tmpfile.py $D/py.log $D/go $D &
	exec sh $S/dlog.sh $D/dlog $D/stop $D/dlog.ready" \
	< /dev/null > /dev/null 2>&1 &
wait_for $D/dlog.ready ready
wait_for $D/heredoc.out "got 2"
wait_for $D/py.log "tmpfile ready"
pid=$(pid_of $CG /dlog.sh)
[ -n "$pid" ] || fail "no log loop in $CG"
grep -q "^fd0 $D/sh-thd.* (deleted)$" $D/heredoc.out ||
	fail "bash does not read its here-document from a deleted file: $(grep '^fd0' $D/heredoc.out)"
grep -q "^tmpfile ready .* nlink 0 $D/#[0-9]* (deleted)$" $D/py.log ||
	fail "TemporaryFile() is not an unnamed file in $D"
readlink /proc/$pid/fd/3 | grep -q "^$D/dlog (deleted)$" ||
	fail "fd 3 of the log loop is $(readlink /proc/$pid/fd/3), not the deleted log"
wait_entries $pid 3

echo "scenario tmpfiles: freeze, checkpoint and kill"
freeze
before=$(entries $pid)
ckpt checkpoint --cgroup $CG -o $IMG --kill --log $D/ckpt.log ||
	fail "ckpt checkpoint failed"
wait
ckpt info $IMG > $D/info || fail "ckpt info: the image does not verify"
nd=$(grep -c '^deleted #' $D/info)
[ "$nd" -ge 3 ] ||
	fail "ckpt info shows $nd deleted files, expected the here-document's, python's and the log"
echo "scenario tmpfiles: image of $(wc -c < $IMG) bytes, $nd deleted files in ckpt info, $before log entries"

echo "scenario tmpfiles: restart"
sh -c "echo \$\$ > $CG2/cgroup.procs
	exec ckpt restart -i $IMG --log $D/restart.log" &
restarter=$!
i=0
pid=
while [ -z "$pid" ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "no restored log loop in $CG2"
	sleep 0.2
	pid=$(pid_of $CG2 /dlog.sh)
done
readlink /proc/$pid/fd/3 | grep -q "^$D/#[0-9]* (deleted)$" ||
	fail "fd 3 of the restored log loop is $(readlink /proc/$pid/fd/3), not a deleted file made again in $D"
wait_entries $pid $((before + 3))

echo "scenario tmpfiles: the restored programs go on"
touch $D/go
wait_for $D/heredoc.out "heredoc done"
wait_for $D/py.log "tmpfile done"
grep -q "^bad line" $D/heredoc.out &&
	fail "bash read lines that are not the document's"
got=$(awk '$1 == "got" { if ($2 != n) bad = 1; n++ }
	   END { print bad ? -1 : n + 0 }' $D/heredoc.out)
[ "$got" = $NL ] || fail "bash read $got lines of $NL, in order (-1: not)"
grep -q "^fd0 after $D/#[0-9]* (deleted)$" $D/heredoc.out ||
	fail "the restored bash reads its here-document from $(grep '^fd0 after' $D/heredoc.out)"
grep -q "^tmpfile ok " $D/py.log ||
	fail "python: $(grep '^tmpfile' $D/py.log | tail -2 | head -1)"
after=$(entries $pid)
touch $D/stop
wait $restarter
rc=$?
[ $rc -eq 0 ] || fail "the restored log loop exited with $rc"
echo 1 > $CG2/cgroup.kill
echo "scenario tmpfiles: log entries $before -> $after, here-document lines 3 -> $got"
echo "scenario tmpfiles: ok"
