#!/bin/sh
# The event-loop scenario, run in the guest (make scenario): real programs
# from Debian's packages, each an event loop that needs no socket, in a
# container that is frozen, checkpointed, killed and restarted:
#
#   python3 loop.py   one epoll set over an eventfd, a signalfd, a periodic
#                     timerfd, an inotify watch, a child's pipe and a
#                     control FIFO, and timers of its own (loop.py)
#   inotifywait -m    (inotify-tools) prints every creation in a directory
#   tail -F           (coreutils) follows a file through inotify
#   python3 aloop.py  asyncio: its self-pipe (a unix socket pair) woken
#                     by a signal, call_later(), a child process over
#                     pipes whose exit it learns through a pidfd in its
#                     epoll set, and a socket pair of its own with a
#                     message left unread (aloop.py)
#
# While the container is frozen, work is left pending for each: a file
# created in each watched directory, a signal, a command in the FIFO, a
# line appended to the followed file; aloop.py has a message queued in
# its socket pair since before. The restored programs must report
# all of it, then go on serving new events, the timers still running.
# Prints "scenario eventloop: ok", or what went wrong and exits 1.
set -u
S=/extra
NAME=eventloop
LOGS="log alog err inotifywait.out tail.out ckpt.log restart.log"
D=/tmp/scn
CG=/sys/fs/cgroup/scn
CG2=/sys/fs/cgroup/scn-restored
IMG=$D/img
PY=/usr/bin/python3.11

. $S/lib.sh
cp -a $S/root/. /
rm -rf $D
mkdir -p $D/watch $D/w2 $CG $CG2
mkfifo $D/ctl $D/actl
: > $D/followed

# the host pid of the Python program $2 (loop.py) in cgroup $1
loop_pid() {
	for p in $(cat "$1/cgroup.procs"); do
		tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null |
			grep -q "/${2:-loop.py}" && echo $p && return
	done
}

ctl() {
	echo "$*" > $D/ctl
}

actl() {
	echo "$*" > $D/actl
}

# "status ticks T later L", the latest, as "T L"
status() {
	grep '^status' $D/log | tail -1 | cut -d' ' -f3,5
}

echo "scenario eventloop: start the container"
# (the container opens its own files: one shared with unshare, outside
# it, would be a leak that checkpoint refuses)
unshare -p -f sh -c "echo 1 > $CG/cgroup.procs
	exec 2> $D/err
	/usr/bin/inotifywait -m -q -e create -o $D/inotifywait.out $D/w2 &
	/usr/bin/tail -F $D/followed > $D/tail.out 2>/dev/null &
	$PY -I -S $S/aloop.py $D/alog $D/actl &
	exec $PY -I -S $S/loop.py $D/log $D/ctl $D/watch" \
	< /dev/null > /dev/null 2>&1 &
wait_for $D/log READY
wait_for $D/alog READY
# the watchers watch once they report something
i=0
until grep -q probe $D/inotifywait.out 2>/dev/null; do
	touch $D/w2/probe$i
	i=$((i + 1))
	[ $i -gt 60 ] && fail "inotifywait reports nothing"
	sleep 1
done
echo probe >> $D/followed
wait_for $D/tail.out probe
touch $D/watch/before
ctl child one
actl child one
actl stash queued-in-the-pair
wait_for $D/log "inotify wd 1 mask 0x100 before"
wait_for $D/log "child echo:one"
wait_for $D/alog "child echo:one"
sleep 1
ctl status
wait_for $D/log status
before=$(status)
pid=$(loop_pid $CG)
[ -n "$pid" ] || fail "no Python loop in $CG"
apid=$(loop_pid $CG aloop.py)
[ -n "$apid" ] || fail "no asyncio program in $CG"
actl status
wait_for $D/alog status
abefore=$(grep '^status' $D/alog | tail -1 | cut -d' ' -f3)

echo "scenario eventloop: freeze; leave work pending; checkpoint and kill"
freeze
touch $D/watch/queued $D/w2/queued
kill -USR1 "$pid"
kill -USR1 "$apid"
ctl efd 7
actl child two
echo queued-line >> $D/followed
ckpt checkpoint --cgroup $CG -o $IMG --kill --log $D/ckpt.log ||
	fail "ckpt checkpoint failed"
wait
ckpt info $IMG > $D/info || fail "ckpt info: the image does not verify"
n=$(grep -c 'inotify' $D/info)
u=$(grep -c 'unix' $D/info)
p=$(grep -c 'pidfd' $D/info)
[ "$p" -gt 0 ] || fail "no pidfd in the image: asyncio's PidfdChildWatcher did not run"
echo "scenario eventloop: image of $(wc -c < $IMG) bytes, $n inotify, $u unix socket and $p pidfd lines in ckpt info"

echo "scenario eventloop: restart"
sh -c "echo \$\$ > $CG2/cgroup.procs
	exec ckpt restart -i $IMG --log $D/restart.log" &
restarter=$!
wait_for $D/log "inotify wd 1 mask 0x100 queued"
wait_for $D/log "signal 10"
wait_for $D/log "eventfd 7"
wait_for $D/inotifywait.out queued
wait_for $D/tail.out queued-line
wait_for $D/alog "signal 10"
wait_for $D/alog "child echo:two"

echo "scenario eventloop: the restored programs go on"
pid=$(loop_pid $CG2)
[ -n "$pid" ] || fail "no restored Python loop in $CG2"
apid=$(loop_pid $CG2 aloop.py)
[ -n "$apid" ] || fail "no restored asyncio program in $CG2"
touch $D/watch/after $D/w2/after
kill -USR1 "$pid"
kill -USR1 "$apid"
ctl efd 3
ctl child two
actl unstash
actl child three
echo after-line >> $D/followed
wait_for $D/log "inotify wd 1 mask 0x100 after"
wait_for $D/log "signal 10" 2
wait_for $D/log "eventfd 3"
wait_for $D/log "child echo:two"
wait_for $D/inotifywait.out after
wait_for $D/tail.out after-line
wait_for $D/alog "unstash queued-in-the-pair"
wait_for $D/alog "signal 10" 2
wait_for $D/alog "child echo:three"
sleep 1
actl status
wait_for $D/alog status 2
aafter=$(grep '^status' $D/alog | tail -1 | cut -d' ' -f3)
[ "$aafter" -gt "$abefore" ] ||
	fail "asyncio's call_later() stopped: $abefore ticks before, $aafter after"
# done comes once the child's exit came through its restored pidfd
actl quit
wait_for $D/alog done
ctl status
wait_for $D/log status 2
after=$(status)
set -- $before $after
[ "$3" -gt "$1" ] || fail "the timerfd stopped: $1 ticks before, $3 after"
[ "$4" -gt "$2" ] || fail "the loop's timers stopped: $2 before, $4 after"
ctl quit
wait $restarter
rc=$?
[ $rc -eq 0 ] || fail "the restored loop exited with $rc"
grep -q '^done' $D/log || fail "the loop did not finish"
echo 1 > $CG2/cgroup.kill
echo "scenario eventloop: ticks $1 -> $3, timers $2 -> $4, asyncio $abefore -> $aafter"
echo "scenario eventloop: ok"
