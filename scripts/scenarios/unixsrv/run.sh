#!/bin/sh
# The unixsrv scenario, run in the guest (make scenario): real servers
# from Debian's packages on unix sockets, with their clients, in a
# container that is frozen, checkpointed, killed and restarted (the
# guest has no TCP/IP):
#
#   redis-server      (redis-server) listening on a path only (port 0,
#                     unixsocket, unixsocketperm 700), a key set from
#                     outside; a subscriber, redis-cli SUBSCRIBE
#                     (redis-tools), connected to it from inside the
#                     container, its stdout in a file;
#   syslogd           busybox syslogd -n, bound to /dev/log (a datagram
#                     socket), logging to a file; busybox logger from
#                     outside, and inside the container a Python
#                     program that called openlog() (echo.py syslog):
#                     its socket connected to /dev/log, which is not
#                     connected back;
#   python3 echo.py   a server that binds a stream listener to a path
#                     relative to its working directory and echoes each
#                     line upper-cased, and a client that holds one
#                     connection to it and sends through it each line
#                     written to a FIFO, logging the replies (echo.py).
#
# Before the checkpoint everything works once: SET, a PUBLISH the
# subscriber prints, a line logged, a line echoed. While the container
# is frozen a line waits in the client's FIFO, and two lines logged from
# outside (busybox logger, gone since) wait on syslogd's /dev/log socket:
# datagrams from senders that are not its peer, checkpointed with it.
# After the restart the data is still there (GET k gives v1; syslogd
# logs the two lines, in order, before one logged then), the restored
# listeners accept new connections from outside (redis-cli SET and GET,
# logger, a new echo client) and the connections made before go on: the
# subscriber prints the next PUBLISH, and the client's one connection
# (number 1 on the server's side) carries the waiting line and one more,
# each echoed.
# Then redis shuts down, the client quits and the container ends.
# Prints "scenario unixsrv: ok", or what went wrong and exits 1.
set -u
S=/extra
NAME=unixsrv
LOGS="server.log client.log logger.log sub.out messages redis.log err outside.err info ckpt.log restart.log"
D=/tmp/scnu
CG=/sys/fs/cgroup/scnu
CG2=/sys/fs/cgroup/scnu-restored
IMG=$D/img
PY=/usr/bin/python3.11

. $S/lib.sh
cp -a $S/root/. /
rm -rf $D
mkdir -p $D $CG $CG2
mkfifo $D/ctl $D/lctl
# syslogd binds /dev/log itself; its directory is the guest's devtmpfs
[ -d /dev ] || fail "the guest has no /dev for syslogd's /dev/log"
rm -f /dev/log
cat > $D/redis.conf <<EOF
port 0
unixsocket $D/redis.sock
unixsocketperm 700
daemonize no
save ""
appendonly no
dir $D
logfile $D/redis.log
EOF

# the host pid of the process in cgroup $1 whose command line has $2
pid_of() {
	for p in $(cat "$1/cgroup.procs"); do
		tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null |
			grep -q -- "$2" && echo $p && return
	done
}

# how many sockets process $1 has open
sockets() {
	for f in /proc/$1/fd/*; do
		readlink $f
	done 2>/dev/null | grep -c '^socket:'
}

# redis-cli from outside the container
rcli() {
	/usr/bin/redis-cli -s $D/redis.sock "$@" 2>> $D/outside.err
}

# a line to the in-container client, which sends it to the echo server
# (opened read-write: no wait for a reader, the client holds the FIFO)
ctl() {
	echo "$*" 1<> $D/ctl
}

# a line for the in-container syslog client to log
lctl() {
	echo "$*" 1<> $D/lctl
}

echo "scenario unixsrv: start the container"
# (the container opens its own files: one shared with unshare, outside
# it, would be a leak that checkpoint refuses). The clients start once
# run.sh has seen both servers listen and made $D/go.
unshare -p -f sh -c "echo 1 > $CG/cgroup.procs
	exec 2> $D/err
	cd $D
	busybox syslogd -n -O $D/messages &
	/usr/bin/redis-server $D/redis.conf &
	$PY -I -S $S/echo.py server echo.sock $D/server.log &
	while [ ! -e $D/go ]; do sleep 0.2; done
	$PY -I -S $S/echo.py syslog unixsrv-py $D/lctl $D/logger.log &
	/usr/bin/redis-cli -s $D/redis.sock SUBSCRIBE chan > $D/sub.out &
	exec $PY -I -S $S/echo.py client $D/echo.sock $D/ctl $D/client.log" \
	< /dev/null > /dev/null 2>&1 &
wait_for $D/redis.log "ready to accept connections"
wait_for $D/server.log READY
wait_for $D/messages "syslogd started"
[ -S /dev/log ] || fail "syslogd runs, but /dev/log is no socket"
touch $D/go
wait_for $D/client.log READY
wait_for $D/logger.log READY
wait_for $D/sub.out subscribe

echo "scenario unixsrv: each server works before the checkpoint"
[ "$(rcli SET k v1)" = OK ] || fail "redis-cli SET k v1 from outside failed"
n=$(rcli PUBLISH chan before-the-checkpoint)
[ "$n" = 1 ] || fail "PUBLISH before the checkpoint reached \"$n\" subscribers, not 1"
wait_for $D/sub.out before-the-checkpoint
busybox logger -t unixsrv before-the-checkpoint
wait_for $D/messages "unixsrv: before-the-checkpoint"
lctl before-the-checkpoint
wait_for $D/messages "unixsrv-py: before-the-checkpoint"
ctl before-the-checkpoint
wait_for $D/client.log "reply BEFORE-THE-CHECKPOINT"
wait_for $D/server.log "conn 1: before-the-checkpoint"
# the connections of the outside redis-cli are closed once redis has
# read their end: one still open would be a socket whose SO_PEERCRED
# names a process outside the tree. Left: the listener, the subscriber's.
rpid=$(pid_of $CG /redis-server)
[ -n "$rpid" ] || fail "no redis-server in $CG"
i=0
until [ "$(sockets $rpid)" -eq 2 ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "redis-server holds $(sockets $rpid) sockets, not its listener and the subscriber's"
	sleep 0.2
done

echo "scenario unixsrv: freeze; a line waits in the FIFO, two on /dev/log; checkpoint and kill"
freeze
ctl during-the-freeze
# queued on syslogd's socket, from logger's, closed once logger is done
# (two lines: a datagram socket's queue is short, and logger would wait)
for l in first-while-frozen second-while-frozen; do
	busybox logger -t unixsrv $l 2>> $D/outside.err ||
		fail "busybox logger $l, while the container is frozen, failed"
done
grep -q "while-frozen" $D/messages &&
	fail "the frozen syslogd logged a line"
ckpt checkpoint --cgroup $CG -o $IMG --kill --log $D/ckpt.log ||
	fail "ckpt checkpoint failed"
wait
ckpt info $IMG > $D/info || fail "ckpt info: the image does not verify"
grep -F "\"$D/redis.sock\"" $D/info | grep -q "listening, backlog 511" ||
	fail "ckpt info shows no redis listener on $D/redis.sock, backlog 511"
grep -F '"echo.sock"' $D/info | grep -q "listening, backlog 8" ||
	fail "ckpt info shows no echo listener bound to \"echo.sock\", backlog 8"
grep -qF 'bound to "/dev/log"' $D/info ||
	fail "ckpt info shows no socket bound to /dev/log"
np=$(grep -c '^unix pair #' $D/info)
[ "$np" -ge 2 ] ||
	fail "ckpt info shows $np unix pairs, expected the subscriber's and the echo client's"
nu=$(grep -c '^file #[0-9]*: unix' $D/info)
echo "scenario unixsrv: image of $(wc -c < $IMG) bytes, $nu unix sockets and $np pairs in ckpt info"

echo "scenario unixsrv: restart"
sh -c "echo \$\$ > $CG2/cgroup.procs
	exec ckpt restart -i $IMG --log $D/restart.log" &
restarter=$!
# the client reads the line left in its FIFO, through the old connection
wait_for $D/client.log "reply DURING-THE-FREEZE"
wait_for $D/server.log "conn 1: during-the-freeze"

echo "scenario unixsrv: the restored servers and connections go on"
i=0
until [ "$(rcli PING)" = PONG ]; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "the restored redis-server does not answer PING"
	sleep 0.2
done
v=$(rcli GET k)
[ "$v" = v1 ] || fail "GET k after the restart gives \"$v\", not v1"
[ "$(rcli SET k v2)" = OK ] || fail "SET k v2 after the restart failed"
v=$(rcli GET k)
[ "$v" = v2 ] || fail "GET k after SET k v2 gives \"$v\""
n=$(rcli PUBLISH chan after-the-restart)
[ "$n" = 1 ] || fail "PUBLISH after the restart reached \"$n\" subscribers, not 1"
wait_for $D/sub.out after-the-restart
# the lines queued while frozen, then one logged now, in that order
wait_for $D/messages "unixsrv: first-while-frozen"
wait_for $D/messages "unixsrv: second-while-frozen"
busybox logger -t unixsrv after-the-restart
wait_for $D/messages "unixsrv: after-the-restart"
# the restored openlog() socket is still connected to /dev/log
lctl after-the-restart
wait_for $D/logger.log "logged after-the-restart"
wait_for $D/messages "unixsrv-py: after-the-restart"
order=$(grep -F -e "unixsrv: first-while-frozen" \
	-e "unixsrv: second-while-frozen" -e "unixsrv: after-the-restart" \
	$D/messages | sed 's/.*unixsrv: //' | tr '\n' ' ')
[ "$order" = "first-while-frozen second-while-frozen after-the-restart " ] ||
	fail "syslogd logged \"$order\", not the two lines queued while frozen, then after-the-restart"
r=$($PY -I -S $S/echo.py once $D/echo.sock from-outside 2>> $D/outside.err)
[ "$r" = FROM-OUTSIDE ] ||
	fail "a new connection to the echo server got \"$r\", not FROM-OUTSIDE"
wait_for $D/server.log "accept 2"
ctl after-the-restart
wait_for $D/client.log "reply AFTER-THE-RESTART"
wait_for $D/server.log "conn 1: after-the-restart"
grep -q "lost the connection" $D/client.log &&
	fail "the client lost its connection"

echo "scenario unixsrv: stop"
rcli SHUTDOWN NOSAVE
wait_for $D/redis.log "ready to exit"
# the subscriber sees its connection end
wait_for $D/err "Server closed the connection"
lctl quit
wait_for $D/logger.log done
# the client's quit ends the container (it is its init): the rest go
ctl quit
wait_for $D/server.log "close 1"
wait_for $D/client.log done
wait $restarter
rc=$?
[ $rc -eq 0 ] || fail "the restored client exited with $rc"
echo 1 > $CG2/cgroup.kill
echo "scenario unixsrv: k kept v1 and took $v; $(grep -c '^reply' $D/client.log) lines echoed over the client's one connection"
echo "scenario unixsrv: ok"
