#!/usr/bin/python3
"""An asyncio program, for the checkpoint scenario.

asyncio's own event loop: its epoll selector, its self-pipe (a unix
socket pair, which signal.set_wakeup_fd() writes to when a signal
arrives), a signal handler (SIGUSR1), a periodic call_later() timer, a
child process made with create_subprocess_exec() (pipes, and a pidfd of
it in the loop's epoll set: PidfdChildWatcher, the watcher Python 3.12
makes its default), a control FIFO read with
add_reader(), and a stream over a socket pair of its own in which a
message can be left unread in the kernel ("stash", read back by
"unstash"). Every
event goes to the log, one line each; run.sh drives it through the FIFO
and reads the log.

  aloop.py LOG FIFO      run
  aloop.py --modules     print the Python files it imports
"""
import asyncio
import os
import signal
import socket
import sys

if sys.argv[1:] == ["--modules"]:
    for name, m in list(sys.modules.items()):
        f = getattr(m, "__file__", None)
        if f and name != "__main__":
            print(f)
    sys.exit(0)

LOG, FIFO = sys.argv[1:3]
logf = open(LOG, "a", buffering=1)


def log(msg):
    logf.write(msg + "\n")


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    ticks = 0

    def tick():
        nonlocal ticks
        ticks += 1
        loop.call_later(0.2, tick)

    loop.call_later(0.2, tick)
    loop.add_signal_handler(signal.SIGUSR1, lambda: log("signal 10"))

    child = await asyncio.create_subprocess_exec(
        "/bin/sh", "-c", 'while read l; do echo "echo:$l"; done',
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

    async def child_lines():
        async for line in child.stdout:
            log("child " + line.decode().rstrip("\n"))

    reader_task = asyncio.ensure_future(child_lines())

    # a socket pair of its own: what "stash" sends stays queued in the
    # kernel until "unstash" reads it
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)

    async def unstash():
        data = await loop.sock_recv(b, 4096)
        log("unstash " + data.decode().rstrip("\n"))

    ctl = os.open(FIFO, os.O_RDWR | os.O_NONBLOCK)
    pending = b""

    def command(words):
        if words[0] == "child":
            child.stdin.write((" ".join(words[1:]) + "\n").encode())
        elif words[0] == "stash":
            a.send((" ".join(words[1:]) + "\n").encode())
        elif words[0] == "unstash":
            asyncio.ensure_future(unstash())
        elif words[0] == "status":
            log("status ticks %d" % ticks)
        elif words[0] == "quit":
            log("quit")
            done.set_result(None)
        else:
            log("unknown command " + " ".join(words))

    def on_ctl():
        nonlocal pending
        pending += os.read(ctl, 4096)
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line.split():
                command(line.decode().split())

    loop.add_reader(ctl, on_ctl)
    log("READY %d" % os.getpid())
    await done
    child.stdin.close()
    await child.wait()
    await reader_task
    log("done ticks %d" % ticks)


# the child's exit comes through its pidfd (os.pidfd_open())
asyncio.get_event_loop_policy().set_child_watcher(asyncio.PidfdChildWatcher())
asyncio.run(main())
