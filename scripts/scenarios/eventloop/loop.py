#!/usr/bin/python3
"""An event loop that needs no socket, for the checkpoint scenario.

One epoll set (selectors.EpollSelector) serves an eventfd, a signalfd
(SIGUSR1), a periodic timerfd, an inotify watch, the stdout of a child
process (a shell that echoes what it reads), and a control FIFO; timers
of its own (like asyncio's call_later) run off the select timeout. Every
event goes to the log, one line each; `ckpt_scenario.sh` drives it
through the FIFO and from outside and reads the log.

  loop.py LOG FIFO WATCHDIR      run
  loop.py --modules              print the Python files it imports
"""
import ctypes
import heapq
import os
import selectors
import signal
import struct
import subprocess
import sys
import time

if sys.argv[1:] == ["--modules"]:
    for name, m in list(sys.modules.items()):
        f = getattr(m, "__file__", None)
        if f and name != "__main__":
            print(f)
    sys.exit(0)

LOG, FIFO, WATCH = sys.argv[1:4]
IN_CREATE = 0x100
libc = ctypes.CDLL(None, use_errno=True)


def check(ret, what):
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))
    return ret


logf = open(LOG, "a", buffering=1)


def log(msg):
    logf.write(msg + "\n")


sel = selectors.EpollSelector()

efd = os.eventfd(0, os.EFD_NONBLOCK)

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
mask = ctypes.c_uint64(1 << (signal.SIGUSR1 - 1))
sfd = check(libc.signalfd(-1, ctypes.byref(mask), os.O_NONBLOCK),
            "signalfd")

tfd = check(libc.timerfd_create(time.CLOCK_MONOTONIC, os.O_NONBLOCK),
            "timerfd_create")
spec = struct.pack("qqqq", 0, 100000000, 0, 100000000)  # every 100 ms
check(libc.timerfd_settime(tfd, 0, spec, None), "timerfd_settime")

ifd = check(libc.inotify_init1(os.O_NONBLOCK), "inotify_init1")
check(libc.inotify_add_watch(ifd, WATCH.encode(), IN_CREATE),
      "inotify_add_watch")

child = subprocess.Popen(
    ["/bin/sh", "-c", 'while read l; do echo "echo:$l"; done'],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
os.set_blocking(child.stdout.fileno(), False)

ctl = os.open(FIFO, os.O_RDWR | os.O_NONBLOCK)

ticks = 0
later = 0
timers = []


def call_later(delay, fn):
    heapq.heappush(timers, (time.monotonic() + delay, id(fn), fn))


def every_300ms():
    global later
    later += 1
    call_later(0.3, every_300ms)


def on_eventfd():
    log("eventfd %d" % os.eventfd_read(efd))


def on_signalfd():
    while True:
        try:
            si = os.read(sfd, 128)
        except BlockingIOError:
            return
        log("signal %d" % struct.unpack_from("I", si)[0])


def on_timerfd():
    global ticks
    ticks += struct.unpack("Q", os.read(tfd, 8))[0]


def on_inotify():
    buf = os.read(ifd, 4096)
    off = 0
    while off < len(buf):
        wd, m, cookie, n = struct.unpack_from("iIII", buf, off)
        name = buf[off + 16:off + 16 + n].rstrip(b"\0").decode()
        log("inotify wd %d mask %#x %s" % (wd, m, name))
        off += 16 + n


def on_child():
    data = child.stdout.read()
    for line in (data or b"").decode().splitlines():
        log("child " + line)


def command(line):
    words = line.split()
    if not words:
        return True
    if words[0] == "efd":
        os.eventfd_write(efd, int(words[1]))
    elif words[0] == "sig":
        os.kill(os.getpid(), signal.SIGUSR1)
    elif words[0] == "child":
        child.stdin.write((" ".join(words[1:]) + "\n").encode())
    elif words[0] == "status":
        log("status ticks %d later %d" % (ticks, later))
    elif words[0] == "quit":
        log("quit")
        return False
    else:
        log("unknown command " + line)
    return True


pending = b""


def on_ctl():
    global pending
    pending += os.read(ctl, 4096)
    *lines, pending = pending.split(b"\n")
    for line in lines:
        if not command(line.decode()):
            return False
    return True


handlers = {efd: on_eventfd, sfd: on_signalfd, tfd: on_timerfd,
            ifd: on_inotify, child.stdout.fileno(): on_child, ctl: on_ctl}
for fd in handlers:
    sel.register(fd, selectors.EVENT_READ)

call_later(0.3, every_300ms)
log("READY %d" % os.getpid())
running = True
while running:
    timeout = max(0.0, timers[0][0] - time.monotonic()) if timers else None
    for key, _ in sel.select(timeout):
        if handlers[key.fd]() is False:
            running = False
    now = time.monotonic()
    while timers and timers[0][0] <= now:
        heapq.heappop(timers)[2]()
child.stdin.close()
child.wait()
log("done ticks %d later %d" % (ticks, later))
