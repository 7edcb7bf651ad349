#!/usr/bin/python3
"""A line echo service over a unix stream socket, for the checkpoint
scenario unixsrv.

The server binds a listener to SOCK, a path taken as it is given
(relative to its working directory when it is relative), accepts
connections, numbers them 1, 2, ... in the order it accepts them, and
sends each line back upper-cased; one epoll set (selectors) serves the
listener and every connection. It logs "READY", "accept N",
"conn N: LINE" for each line and "close N".

The client connects once and never again: every line that appears in
FIFO (opened read-write, so that it never sees an end of file) goes
through that one connection, and the reply is appended to OUT as
"reply LINE"; a connection that ends is logged ("lost the connection")
and ends the client, which has no other. The line "quit" shuts its
sending side down instead, and once the server has closed the
connection in turn the client logs "done" and exits 0.

"once" connects, sends LINE, prints the reply and exits.

"syslog" is a syslog client the way programs are: openlog(TAG) with
LOG_NDELAY, so that the C library connects its datagram socket to
/dev/log at once and keeps it, then syslog() for each line written to
FIFO, logging "logged LINE" to OUT; "quit" logs "done" and exits 0.

  echo.py server SOCK LOG
  echo.py client SOCK FIFO OUT
  echo.py once SOCK LINE
  echo.py syslog TAG FIFO OUT
  echo.py --modules            print the Python files it imports
"""
import os
import selectors
import socket
import sys

if sys.argv[1:] == ["--modules"]:
    for name, m in list(sys.modules.items()):
        f = getattr(m, "__file__", None)
        if f and name != "__main__":
            print(f)
    sys.exit(0)


def logger(path):
    f = open(path, "a", buffering=1)
    return lambda msg: f.write(msg + "\n")


def server(path, logpath):
    log = logger(logpath)
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(path)
    lsock.listen(8)
    lsock.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(lsock, selectors.EVENT_READ)
    conns = {}              # socket -> [number, bytes not yet a line]
    count = 0
    log("READY %d" % os.getpid())
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is lsock:
                try:
                    c, _ = lsock.accept()
                except BlockingIOError:
                    continue
                count += 1
                conns[c] = [count, b""]
                sel.register(c, selectors.EVENT_READ)
                log("accept %d" % count)
                continue
            st = conns[s]
            data = s.recv(4096)
            if not data:
                log("close %d" % st[0])
                sel.unregister(s)
                del conns[s]
                s.close()
                continue
            st[1] += data
            *lines, st[1] = st[1].split(b"\n")
            for line in lines:
                text = line.decode()
                log("conn %d: %s" % (st[0], text))
                s.sendall((text.upper() + "\n").encode())


def read_line(s, pending):
    """A line from s (without its newline) and what came after it,
    or None at the end of the connection."""
    while b"\n" not in pending:
        data = s.recv(4096)
        if not data:
            return None, pending
        pending += data
    line, rest = pending.split(b"\n", 1)
    return line.decode(), rest


def client(path, fifo, outpath):
    log = logger(outpath)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    ctl = os.open(fifo, os.O_RDWR)
    log("READY %d" % os.getpid())
    pending = b""
    replies = b""
    while True:
        pending += os.read(ctl, 4096)
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            if line.strip() == b"quit":
                s.shutdown(socket.SHUT_WR)
                while s.recv(4096):
                    pass
                log("done")
                sys.exit(0)
            s.sendall(line + b"\n")
            reply, replies = read_line(s, replies)
            if reply is None:
                log("lost the connection")
                sys.exit(1)
            log("reply " + reply)


def fifo_lines(fifo):
    """The lines written to fifo (opened read-write: no end of file)."""
    ctl = os.open(fifo, os.O_RDWR)
    pending = b""
    while True:
        pending += os.read(ctl, 4096)
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line.strip():
                yield line.strip().decode()


def syslogger(tag, fifo, outpath):
    import syslog
    log = logger(outpath)
    syslog.openlog(tag, syslog.LOG_NDELAY, syslog.LOG_USER)
    log("READY %d" % os.getpid())
    for line in fifo_lines(fifo):
        if line == "quit":
            log("done")
            sys.exit(0)
        syslog.syslog(syslog.LOG_INFO, line)
        log("logged " + line)


def once(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall((line + "\n").encode())
    reply, _ = read_line(s, b"")
    if reply is None:
        print("no reply", file=sys.stderr)
        sys.exit(1)
    print(reply)
    s.close()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "server":
        server(*sys.argv[2:4])
    elif mode == "client":
        client(*sys.argv[2:5])
    elif mode == "once":
        once(*sys.argv[2:4])
    elif mode == "syslog":
        syslogger(*sys.argv[2:5])
    else:
        sys.exit("echo.py: unknown mode " + mode)
