"""The tcpsrv scenario's Python side (scripts/scenarios/tcpsrv/run.sh).

  web.py server DIR PORT LOG   Python's own http.server (the module
                               `python3 -m http.server` runs: a
                               ThreadingHTTPServer, a thread per
                               connection) serving DIR on 127.0.0.1:PORT,
                               its log lines to LOG
  web.py make FILE SIZE        FILE of SIZE bytes: 32-bit big-endian
                               counters, so a lost, doubled or moved byte
                               shows
  web.py get PORT PATH LOG     a client that downloads PATH with HTTP/1.0
                               slowly (16 KiB every 50 ms), checks every
                               byte, and logs its progress and at the end
                               the longest pause between two reads
  web.py --modules             print the Python files it imports
"""
import encodings.idna  # noqa: F401 (http.server's getfqdn() needs it)
import http.server
import socket
import struct
import sys
import time

if sys.argv[1:] == ["--modules"]:
    for name, m in list(sys.modules.items()):
        f = getattr(m, "__file__", None)
        if f and name != "__main__":
            print(f)
    sys.exit(0)


def counters(off, n):
    """n bytes of the counter stream from byte off"""
    first = off // 4
    words = (off + n + 3) // 4 - first
    b = b"".join(struct.pack(">I", first + i) for i in range(words))
    return b[off - first * 4:off - first * 4 + n]


def server(root, port, logpath):
    log = open(logpath, "a", buffering=1)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=root, **kw)

        def log_message(self, fmt, *args):
            log.write("%s %s\n" % (self.client_address[1], fmt % args))

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    log.write("READY %d\n" % httpd.server_address[1])
    httpd.serve_forever()


def make(path, size):
    with open(path, "wb") as f:
        off = 0
        while off < size:
            n = min(1 << 20, size - off)
            f.write(counters(off, n))
            off += n


def get(port, path, logpath):
    log = open(logpath, "a", buffering=1)
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("GET %s HTTP/1.0\r\n\r\n" % path).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        b = s.recv(1)
        if not b:
            log.write("FAILED: the connection ended in the header\n")
            return 1
        head += b
    lines = head.decode().split("\r\n")
    if not lines[0].startswith("HTTP/1.0 200"):
        log.write("FAILED: %s\n" % lines[0])
        return 1
    size = [int(l.split(":")[1]) for l in lines
            if l.lower().startswith("content-length:")][0]
    log.write("START %d bytes\n" % size)
    got, last, pause, step = 0, time.monotonic(), 0.0, 1
    while got < size:
        try:
            b = s.recv(16384)
        except OSError as e:
            log.write("FAILED: after %d bytes: %s\n" % (got, e))
            return 1
        now = time.monotonic()
        if not b:
            log.write("FAILED: the connection ended after %d bytes\n" % got)
            return 1
        if b != counters(got, len(b)):
            log.write("FAILED: bytes %d to %d are not the file's\n"
                      % (got, got + len(b)))
            return 1
        pause = max(pause, now - last)
        last = now
        got += len(b)
        if got >= step * size // 8:
            log.write("GOT %d\n" % got)
            step += 1
        time.sleep(0.05)
    if s.recv(1):
        log.write("FAILED: more bytes than Content-Length\n")
        return 1
    log.write("DONE %d bytes, each once, in order; longest pause %.0f ms\n"
              % (got, pause * 1000))
    return 0


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "server":
        server(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "make":
        make(sys.argv[2], int(sys.argv[3]))
    elif cmd == "get":
        sys.exit(get(int(sys.argv[2]), sys.argv[3], sys.argv[4]))
