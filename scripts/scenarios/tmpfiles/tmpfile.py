"""A temporary file of tempfile.TemporaryFile(), for the tmpfiles scenario.

On Linux TemporaryFile() opens the directory with O_TMPFILE: a file
without a name from the start. It is written (three pages and a bit of
a pattern, a hole, a tail), then read back once the file GO appears -
after the restart - and written again. Lines in LOG: "tmpfile ready",
then "tmpfile ok" or "tmpfile bad: why", then "tmpfile done".

  tmpfile.py LOG GO DIR
  tmpfile.py --modules     print the Python files it imports
"""
import os
import sys
import tempfile
import time

if sys.argv[1:] == ["--modules"]:
    for name, m in list(sys.modules.items()):
        f = getattr(m, "__file__", None)
        if f and name != "__main__":
            print(f)
    sys.exit(0)

LOG, GO, DIR = sys.argv[1:4]
HOLE_AT = 8 * 4096
HEAD = bytes((i * 7 + i // 4096) % 251 for i in range(3 * 4096 + 123))
TAIL = b"the tail, past a hole"
WANT = HEAD + bytes(HOLE_AT - len(HEAD)) + TAIL
logf = open(LOG, "a", buffering=1)


def log(msg):
    logf.write(msg + "\n")


f = tempfile.TemporaryFile(dir=DIR)
f.write(HEAD)
f.seek(HOLE_AT)
f.write(TAIL)
f.flush()
fd = f.fileno()


def link():
    return os.readlink("/proc/self/fd/%d" % fd)


st = os.fstat(fd)
log("tmpfile ready %d bytes nlink %d %s" % (st.st_size, st.st_nlink, link()))
while not os.path.exists(GO):
    time.sleep(0.2)
f.seek(0)
got = f.read()
st = os.fstat(fd)
if got != WANT:
    log("tmpfile bad: read %d bytes, %d of them as written" %
        (len(got), sum(a == b for a, b in zip(got, WANT))))
elif st.st_nlink or not link().endswith(" (deleted)"):
    log("tmpfile bad: %d links, %s" % (st.st_nlink, link()))
else:
    # and it takes more
    f.write(b"after")
    f.flush()
    f.seek(-5, os.SEEK_END)
    more = f.read()
    st = os.fstat(fd)
    if more != b"after" or st.st_size != len(WANT) + 5:
        log("tmpfile bad: wrote 5 bytes more, read back %r, size %d" %
            (more, st.st_size))
    else:
        log("tmpfile ok %d bytes %s" % (st.st_size, link()))
f.close()
log("tmpfile done")
