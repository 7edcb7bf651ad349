// SPDX-License-Identifier: GPL-2.0
/*
 * File locks of a checkpointed tree.
 *
 * checkpoint() saves the locks the tree holds on regular files and
 * directories, and restart() puts them back before any task runs, each
 * to its owner: a POSIX (F_SETLK) lock to its process, an OFD
 * (F_OFD_SETLK) or flock() lock to its open file, shared by every task
 * that shares that open file. A task blocked in F_SETLKW or flock()
 * waits again after the restart and gets the lock once it is released.
 *
 * The "locks" fixture follows matrix_test.c: the root of a small tree in
 * a cgroup takes locks (the variant's setup()), says READY and waits for
 * SIGUSR1; the test migrates the tree (freeze, checkpoint, kill,
 * restart) and sends SIGUSR1; the restored root runs verify(), which
 * looks at the locks from its own side and from other processes (its
 * children, new opens of the file), then releases them and checks that
 * the others can take them.
 *
 * "refuse": what checkpoint() does not save yet (a lease, a flock() lock
 * on a file the tree maps, a POSIX lock on a pipe) fails with EOPNOTSUPP
 * and a line naming it, and leaves the tree running untouched.
 *
 * "conflict": a process outside the tree takes a lock conflicting with
 * a saved one between checkpoint and restart. restart() fails with
 * EBUSY, names the file, the lock and the range, and leaves nothing
 * behind; once the other process lets go, the same image restarts.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"
#include "ck_lite.h"

#define CG	"/sys/fs/cgroup/ckpt-locks"
#define IMG	"/tmp/ckpt-locks.img"
#define REPORT	"/tmp/ckpt-locks.report"
#define LOG	"/tmp/ckpt-locks.log"
#define DATA	"/tmp/ckpt-locks.data"
#define WDIR	"/tmp/ckpt-locks.dir"

/* the bound of every wait on an event, in seconds */
#define SECS	10

/* sqlite's lock bytes: PENDING, then the SHARED range after RESERVED */
#define PENDING_BYTE	0x40000000LL
#define SHARED_FIRST	(PENDING_BYTE + 2)
#define SHARED_SIZE	510

/* what setup() made, for verify() in the restored program */
static int fds[10];
static char *map;

/* verify()'s complaint, for the report */
static char why[1024];

#define NOPE(fmt, ...) ({						\
	snprintf(why, sizeof(why), fmt, ##__VA_ARGS__);			\
	-1;								\
})

/* ---- helpers --------------------------------------------------------- */

/* Put @what before the complaint in why */
static int why_in(const char *what)
{
	char tmp[sizeof(why)];

	memcpy(tmp, why, sizeof(tmp));
	return NOPE("%s: %.900s", what, tmp);
}

static int open_data(void)
{
	return open(DATA, O_RDWR | O_CREAT, 0600);
}

static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {
		.l_type = type, .l_whence = SEEK_SET,
		.l_start = start, .l_len = len,
	};

	return fcntl(fd, cmd, &fl);
}

/*
 * F_GETLK (or F_OFD_GETLK) for a lock of @type on [@start, @start + @len):
 * 0 if the answer is a lock of @want_type on exactly [@want_start,
 * @want_start + @want_len) of @want_pid (F_UNLCK: no conflicting lock),
 * or -1 and the complaint.
 */
static int expect_getlk(int fd, int cmd, short type, off_t start, off_t len,
			short want_type, off_t want_start, off_t want_len,
			pid_t want_pid)
{
	struct flock fl = {
		.l_type = type, .l_whence = SEEK_SET,
		.l_start = start, .l_len = len,
	};

	if (fcntl(fd, cmd, &fl))
		return NOPE("%s on [%lld, +%lld): %s",
			    cmd == F_GETLK ? "F_GETLK" : "F_OFD_GETLK",
			    (long long)start, (long long)len, strerror(errno));
	if (fl.l_type != want_type)
		return NOPE("[%lld, +%lld): l_type %d, expected %d",
			    (long long)start, (long long)len, fl.l_type,
			    want_type);
	if (want_type == F_UNLCK)
		return 0;
	if (fl.l_start != want_start || fl.l_len != want_len ||
	    fl.l_pid != want_pid)
		return NOPE("[%lld, +%lld): lock [%lld, +%lld) of pid %d, expected [%lld, +%lld) of pid %d",
			    (long long)start, (long long)len,
			    (long long)fl.l_start, (long long)fl.l_len,
			    fl.l_pid, (long long)want_start,
			    (long long)want_len, want_pid);
	return 0;
}

/* flock(@fd, @op) must fail with EWOULDBLOCK */
static int expect_flock_busy(int fd, int op, const char *what)
{
	if (!flock(fd, op | LOCK_NB))
		return NOPE("%s: got the lock another open file holds", what);
	if (errno != EWOULDBLOCK)
		return NOPE("%s: %s, expected EWOULDBLOCK", what,
			    strerror(errno));
	return 0;
}

/*
 * Run @fn in a child of the caller (a process of its own, with its own
 * fd table and its own opens); its complaint comes back through a pipe.
 */
static int in_child(int (*fn)(void))
{
	char buf[sizeof(why)] = "";
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(p))
		return NOPE("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return NOPE("fork: %s", strerror(errno));
	if (!pid) {
		int ret;

		close(p[0]);
		ret = fn();
		if (ret && write(p[1], why, strlen(why)) < 0)
			_exit(2);
		_exit(ret ? 1 : 0);
	}
	close(p[1]);
	status = lite_status(pid, SECS);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	if (!status)
		return 0;
	buf[n > 0 ? n : 0] = '\0';
	return NOPE("child %d (status %#x): %.900s", pid, status, buf);
}

/* a byte from the pipe @fd within @ms, or 0 if none came, or -1 (EOF) */
static int byte_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(fd, &c, 1) == 1 ? c : -1;
}

/*
 * Is @pid asleep (state S) in system call @nr with @arg as its second
 * argument? /proc/PID/syscall reads the call only of a task that is not
 * running; a running one reads "running".
 */
static bool asleep_in(pid_t pid, long nr, unsigned long arg)
{
	char path[64], buf[512], *p;
	unsigned long a0, a1;
	long n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (lite_slurp(path, buf, sizeof(buf)) <= 0)
		return false;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] != 'S')
		return false;
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	if (lite_slurp(path, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%ld %lx %lx", &n, &a0, &a1) != 3)
		return false;
	return n == nr && a1 == arg;
}

/* Wait until @pid is seen asleep in @nr twice in a row, 20 ms apart. */
static int wait_asleep_in(pid_t pid, long nr, unsigned long arg)
{
	int i, seen = 0;

	for (i = 0; i < SECS * 50; i++) {
		if (!asleep_in(pid, nr, arg))
			seen = 0;
		else if (++seen == 2)
			return 0;
		usleep(20000);
	}
	return -1;
}

/* the "pos:" of fd @fd of process @pid, or -1 */
static long long fd_pos(pid_t pid, int fd)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	if (lite_slurp(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "pos:");
	return p ? atoll(p + 4) : -1;
}

/*
 * A child that waits on a pipe: fds[1] is the read end of its commands
 * (it exits 0 at the end of file), fds[2] the write end the root keeps.
 * It first runs @first (its status: nonzero exits at once).
 */
static pid_t waiting_child(int (*first)(void))
{
	pid_t pid;
	char c;

	if (pipe(&fds[1]))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(fds[2]);
		if (first && first())
			_exit(3);
		while (read(fds[1], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[1]);
	return pid;
}

/* Tell the child of waiting_child() to exit, and reap it. */
static int end_child(pid_t pid)
{
	int status;

	close(fds[2]);
	status = lite_status(pid, SECS);
	return status ? NOPE("child %d: status %#x", pid, status) : 0;
}

/* ---- 1. an exclusive flock() lock -------------------------------------- */

static int flock_ex_setup(void)
{
	fds[0] = open_data();
	return fds[0] < 0 || flock(fds[0], LOCK_EX) ? -1 : 0;
}

static int flock_ex_busy(void)
{
	int fd = open(DATA, O_RDWR), ret;

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	ret = expect_flock_busy(fd, LOCK_EX, "LOCK_EX of a new open") ?:
	      expect_flock_busy(fd, LOCK_SH, "LOCK_SH of a new open");
	close(fd);
	return ret;
}

static int flock_ex_verify(void)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	if (flock_ex_busy() || in_child(flock_ex_busy))
		return -1;
	/* the lock is fds[0]'s own: taking it again through fds[0] works */
	if (flock(fds[0], LOCK_EX | LOCK_NB))
		return NOPE("LOCK_EX through fds[0]: %s, its own lock",
			    strerror(errno));
	if (flock(fds[0], LOCK_UN))
		return NOPE("LOCK_UN: %s", strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB))
		return NOPE("released, but a new open cannot take it: %s",
			    strerror(errno));
	close(fd);
	return 0;
}

/* ---- 2. a shared flock() lock of an open file a child shares ----------- */

static int flock_shared_setup(void)
{
	fds[0] = open_data();
	if (fds[0] < 0 || flock(fds[0], LOCK_SH))
		return -1;
	fds[3] = waiting_child(NULL);
	return fds[3] < 0 ? -1 : 0;
}

static int flock_shared_verify(void)
{
	int a = open(DATA, O_RDWR), b = open(DATA, O_RDWR);

	if (a < 0 || b < 0)
		return NOPE("open: %s", strerror(errno));
	/* the child still has the very open file of the root */
	if (lseek(fds[0], 77, SEEK_SET) != 77 || fd_pos(fds[3], fds[0]) != 77)
		return NOPE("the child's fd %d is not the root's open file: pos %lld",
			    fds[0], fd_pos(fds[3], fds[0]));
	if (flock(a, LOCK_SH | LOCK_NB))
		return NOPE("LOCK_SH of a new open: %s", strerror(errno));
	if (flock(a, LOCK_UN) ||
	    expect_flock_busy(b, LOCK_EX, "LOCK_EX of a new open"))
		return -1;
	/* one lock, of the one open file: the root's LOCK_UN releases it */
	if (flock(fds[0], LOCK_UN))
		return NOPE("LOCK_UN: %s", strerror(errno));
	if (flock(b, LOCK_EX | LOCK_NB))
		return NOPE("LOCK_EX after the root's LOCK_UN: %s (the child has a lock of its own?)",
			    strerror(errno));
	close(a);
	close(b);
	return end_child(fds[3]);
}

/* ---- 3. POSIX locks on byte ranges ------------------------------------- */

static int posix_ranges_setup(void)
{
	fds[0] = open_data();
	return fds[0] < 0 || lk(fds[0], F_SETLK, F_WRLCK, 0, 10) ||
	       lk(fds[0], F_SETLK, F_RDLCK, 20, 10) ||
	       lk(fds[0], F_SETLK, F_WRLCK, 100, 0) ? -1 : 0;
}

static pid_t root_pid;

static int posix_ranges_seen(void)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	return expect_getlk(fd, F_GETLK, F_WRLCK, 0, 10,
			    F_WRLCK, 0, 10, root_pid) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, 3, 1,
			    F_WRLCK, 0, 10, root_pid) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, 10, 10, F_UNLCK, 0, 0, 0) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, 20, 10,
			    F_RDLCK, 20, 10, root_pid) ?:
	       expect_getlk(fd, F_GETLK, F_RDLCK, 20, 10, F_UNLCK, 0, 0, 0) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, 30, 70, F_UNLCK, 0, 0, 0) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, 100, 1,
			    F_WRLCK, 100, 0, root_pid) ?:
	       expect_getlk(fd, F_GETLK, F_RDLCK, 1LL << 40, 0,
			    F_WRLCK, 100, 0, root_pid) ?:
	       (!lk(fd, F_SETLK, F_WRLCK, 0, 10) ?
		NOPE("F_SETLK took [0, 10) of the root") :
		errno != EAGAIN && errno != EACCES ?
		NOPE("F_SETLK on [0, 10): %s", strerror(errno)) : 0);
}

static int posix_ranges_after(void)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	if (lk(fd, F_SETLK, F_WRLCK, 0, 10))
		return NOPE("F_SETLK on the released [0, 10): %s",
			    strerror(errno));
	if (lk(fd, F_SETLK, F_RDLCK, 20, 10))
		return NOPE("F_SETLK F_RDLCK on [20, 30): %s", strerror(errno));
	return expect_getlk(fd, F_GETLK, F_WRLCK, 20, 10,
			    F_RDLCK, 20, 10, root_pid);
}

static int posix_ranges_verify(void)
{
	root_pid = getpid();
	/* the root's own locks never conflict with it */
	if (expect_getlk(fds[0], F_GETLK, F_WRLCK, 0, 200, F_UNLCK, 0, 0, 0))
		return why_in("the root's own view");
	if (in_child(posix_ranges_seen))
		return -1;
	if (lk(fds[0], F_SETLK, F_UNLCK, 0, 10))
		return NOPE("F_UNLCK of [0, 10): %s", strerror(errno));
	return in_child(posix_ranges_after);
}

/* ---- 4. a POSIX lock of a child, on the root's open file --------------- */

/* in the child: lock [0, 1) through the root's open file, say 'L' */
static int posix_child_lock(void)
{
	char c = lk(fds[0], F_SETLK, F_WRLCK, 0, 1) ? 'E' : 'L';

	return write(fds[5], &c, 1) == 1 && c == 'L' ? 0 : -1;
}

static int posix_child_setup(void)
{
	int st[2];

	fds[0] = open_data();
	if (fds[0] < 0 || pipe(st))
		return -1;
	fds[4] = st[0];
	fds[5] = st[1];
	fds[3] = waiting_child(posix_child_lock);
	if (fds[3] < 0)
		return -1;
	close(fds[5]);
	return byte_within(fds[4], SECS * 1000) == 'L' ? 0 : -1;
}

static int posix_child_verify(void)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	if (expect_getlk(fd, F_GETLK, F_WRLCK, 0, 1, F_WRLCK, 0, 1, fds[3]))
		return -1;
	if (!lk(fd, F_SETLK, F_WRLCK, 0, 1))
		return NOPE("the root took the child's lock");
	if (end_child(fds[3]))
		return -1;
	if (lk(fd, F_SETLK, F_WRLCK, 0, 1))
		return NOPE("the child is gone, its lock is not: %s",
			    strerror(errno));
	close(fd);
	return 0;
}

/* ---- 5. OFD locks ------------------------------------------------------ */

static int ofd_setup(void)
{
	fds[0] = open_data();
	return fds[0] < 0 || lk(fds[0], F_OFD_SETLK, F_WRLCK, 0, 4) ||
	       lk(fds[0], F_OFD_SETLK, F_RDLCK, 8, 4) ? -1 : 0;
}

/* a process of its own sees the OFD lock as a lock of no process */
static int ofd_seen(void)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	return expect_getlk(fd, F_GETLK, F_WRLCK, 0, 4, F_WRLCK, 0, 4, -1);
}

static int ofd_verify(void)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	if (expect_getlk(fd, F_OFD_GETLK, F_WRLCK, 0, 4, F_WRLCK, 0, 4, -1) ||
	    expect_getlk(fd, F_OFD_GETLK, F_WRLCK, 8, 4, F_RDLCK, 8, 4, -1) ||
	    expect_getlk(fd, F_OFD_GETLK, F_WRLCK, 4, 4, F_UNLCK, 0, 0, 0) ||
	    in_child(ofd_seen))
		return -1;
	if (!lk(fd, F_OFD_SETLK, F_WRLCK, 8, 4) || errno != EAGAIN)
		return NOPE("F_OFD_SETLK F_WRLCK on the read-locked [8, 12): %s",
			    errno == EAGAIN ? "taken" : strerror(errno));
	if (lk(fd, F_OFD_SETLK, F_RDLCK, 8, 4))
		return NOPE("F_OFD_SETLK F_RDLCK on [8, 12): %s",
			    strerror(errno));
	/* the locks are fds[0]'s own */
	if (lk(fds[0], F_OFD_SETLK, F_WRLCK, 0, 4))
		return NOPE("F_OFD_SETLK on [0, 4) through its own open file: %s",
			    strerror(errno));
	if (expect_getlk(fds[0], F_OFD_GETLK, F_WRLCK, 0, 4,
			 F_UNLCK, 0, 0, 0))
		return why_in("through fds[0]");
	/* and go with it */
	close(fds[0]);
	if (lk(fd, F_OFD_SETLK, F_WRLCK, 0, 4))
		return NOPE("fds[0] closed, [0, 4) still locked: %s",
			    strerror(errno));
	close(fd);
	return 0;
}

/* ---- 6, 7. waiters --------------------------------------------------- */

/*
 * The waiter, a child: fds[4] is its report pipe: 'W' before it blocks,
 * then 'G' when it got the lock and sees it as its own, or 'V' if its
 * F_GETLK view is wrong, 'E' if the wait failed. Then it waits for its
 * command (waiting_child()), holding the lock.
 */
static int posix_waiter(void)
{
	char c;

	if (write(fds[5], "W", 1) != 1)
		return -1;
	if (lk(fds[0], F_SETLKW, F_WRLCK, 0, 1))
		c = 'E';
	else if (expect_getlk(fds[0], F_GETLK, F_WRLCK, 0, 1,
			      F_UNLCK, 0, 0, 0))
		c = 'V';
	else
		c = 'G';
	return write(fds[5], &c, 1) == 1 && c == 'G' ? 0 : -1;
}

static int flock_waiter(void)
{
	int fd = open(DATA, O_RDWR);
	char c;

	if (fd < 0 || write(fds[5], "W", 1) != 1)
		return -1;
	c = flock(fd, LOCK_EX) ? 'E' : 'G';
	return write(fds[5], &c, 1) == 1 && c == 'G' ? 0 : -1;
}

static int waiter_setup(bool posix)
{
	int st[2];

	fds[0] = open_data();
	if (fds[0] < 0 || pipe(st))
		return -1;
	if (posix ? lk(fds[0], F_SETLK, F_WRLCK, 0, 1) :
		    flock(fds[0], LOCK_EX))
		return -1;
	fds[4] = st[0];
	fds[5] = st[1];
	fds[3] = waiting_child(posix ? posix_waiter : flock_waiter);
	if (fds[3] < 0)
		return -1;
	close(fds[5]);
	/* it said it goes to wait, and it sleeps in the call */
	if (byte_within(fds[4], SECS * 1000) != 'W')
		return -1;
	return posix ? wait_asleep_in(fds[3], SYS_fcntl, F_SETLKW) :
		       wait_asleep_in(fds[3], SYS_flock, LOCK_EX);
}

static int posix_waiter_setup(void)
{
	return waiter_setup(true);
}

static int flock_waiter_setup(void)
{
	return waiter_setup(false);
}

static int waiter_verify(bool posix)
{
	int c, fd;

	/* its call was restarted: it waits again, and does not get it */
	if (posix ? wait_asleep_in(fds[3], SYS_fcntl, F_SETLKW) :
		    wait_asleep_in(fds[3], SYS_flock, LOCK_EX))
		return NOPE("the waiter %d does not wait in %s", fds[3],
			    posix ? "F_SETLKW" : "flock()");
	c = byte_within(fds[4], 300);
	if (c)
		return NOPE("the waiter reported '%c' while the root holds the lock",
			    c > 0 ? c : '?');
	if (posix ? lk(fds[0], F_SETLK, F_UNLCK, 0, 1) :
		    flock(fds[0], LOCK_UN))
		return NOPE("unlock: %s", strerror(errno));
	c = byte_within(fds[4], SECS * 1000);
	if (c != 'G')
		return NOPE("the waiter, the lock released: %s",
			    c == 'V' ? "its F_GETLK does not see its own lock" :
			    c == 'E' ? "its wait failed" :
			    c ? "gone" : "still waiting");
	/* the lock is the waiter's now */
	if (posix) {
		if (expect_getlk(fds[0], F_GETLK, F_WRLCK, 0, 1,
				 F_WRLCK, 0, 1, fds[3]))
			return -1;
		fd = fds[0];
	} else {
		fd = open(DATA, O_RDWR);
		if (fd < 0)
			return NOPE("open: %s", strerror(errno));
		if (expect_flock_busy(fd, LOCK_EX, "the waiter's lock"))
			return -1;
	}
	if (end_child(fds[3]))
		return -1;
	if (posix ? lk(fd, F_SETLK, F_WRLCK, 0, 1) :
		    flock(fd, LOCK_EX | LOCK_NB))
		return NOPE("the waiter is gone, its lock is not: %s",
			    strerror(errno));
	return 0;
}

static int posix_waiter_verify(void)
{
	return waiter_verify(true);
}

static int flock_waiter_verify(void)
{
	return waiter_verify(false);
}

/* ---- 8. flock() on a directory ------------------------------------------ */

static int dir_setup(void)
{
	if (mkdir(WDIR, 0700) && errno != EEXIST)
		return -1;
	fds[0] = open(WDIR, O_RDONLY | O_DIRECTORY);
	return fds[0] < 0 || flock(fds[0], LOCK_EX) ? -1 : 0;
}

static int dir_verify(void)
{
	int fd = open(WDIR, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	if (expect_flock_busy(fd, LOCK_EX, "LOCK_EX of the directory") ||
	    expect_flock_busy(fd, LOCK_SH, "LOCK_SH of the directory"))
		return -1;
	if (flock(fds[0], LOCK_UN) || flock(fd, LOCK_EX | LOCK_NB))
		return NOPE("released, but a new open cannot take it: %s",
			    strerror(errno));
	close(fd);
	return 0;
}

/* ---- 9. sqlite's lock bytes, past 1 GiB -------------------------------- */

static int far_setup(void)
{
	fds[0] = open_data();
	return fds[0] < 0 ||
	       lk(fds[0], F_SETLK, F_WRLCK, PENDING_BYTE, 1) ||
	       lk(fds[0], F_SETLK, F_RDLCK, SHARED_FIRST, SHARED_SIZE) ?
	       -1 : 0;
}

static int far_seen(void)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	return expect_getlk(fd, F_GETLK, F_WRLCK, PENDING_BYTE, 1,
			    F_WRLCK, PENDING_BYTE, 1, root_pid) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, PENDING_BYTE + 1, 1,
			    F_UNLCK, 0, 0, 0) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, SHARED_FIRST, SHARED_SIZE,
			    F_RDLCK, SHARED_FIRST, SHARED_SIZE, root_pid) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, SHARED_FIRST + SHARED_SIZE - 1,
			    1, F_RDLCK, SHARED_FIRST, SHARED_SIZE, root_pid) ?:
	       expect_getlk(fd, F_GETLK, F_RDLCK, SHARED_FIRST, SHARED_SIZE,
			    F_UNLCK, 0, 0, 0) ?:
	       expect_getlk(fd, F_GETLK, F_WRLCK, 0, PENDING_BYTE,
			    F_UNLCK, 0, 0, 0) ?:
	       /* a reader takes SHARED as sqlite does */
	       (lk(fd, F_SETLK, F_RDLCK, SHARED_FIRST, SHARED_SIZE) ?
		NOPE("F_RDLCK on the SHARED range: %s", strerror(errno)) : 0);
}

static int far_verify(void)
{
	root_pid = getpid();
	return in_child(far_seen);
}

/* ---- 10. compatible locks of two processes on one file ---------------- */

/* the fd the child of readers_setup() locks through */
#define READER_FD	20

/* the child: its own open, a shared flock() lock and a read lock on 0-9 */
static int readers_child(void)
{
	int fd = open(DATA, O_RDWR);
	char c = fd >= 0 && dup2(fd, READER_FD) == READER_FD && !close(fd) &&
		 !flock(READER_FD, LOCK_SH) &&
		 !lk(READER_FD, F_SETLK, F_RDLCK, 0, 10) ? 'L' : 'E';

	return write(fds[5], &c, 1) == 1 && c == 'L' ? 0 : -1;
}

static int readers_setup(void)
{
	int st[2];

	fds[0] = open_data();
	if (fds[0] < 0 || flock(fds[0], LOCK_SH) ||
	    lk(fds[0], F_SETLK, F_RDLCK, 0, 10) || pipe(st))
		return -1;
	fds[4] = st[0];
	fds[5] = st[1];
	fds[3] = waiting_child(readers_child);
	if (fds[3] < 0)
		return -1;
	close(fds[5]);
	return byte_within(fds[4], SECS * 1000) == 'L' ? 0 : -1;
}

/*
 * Does fd @fd of @pid carry a shared flock() lock of its own open file?
 * Its fdinfo lists the locks of that open file ("lock:\t1: FLOCK
 * ADVISORY  READ ..."), the POSIX ones too when @pid took them through it.
 */
static bool has_flock_sh(pid_t pid, int fd)
{
	char path[64], buf[1024], *l;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	if (lite_slurp(path, buf, sizeof(buf)) <= 0)
		return false;
	for (l = strstr(buf, "lock:"); l; l = strstr(l + 1, "lock:")) {
		char *eol = strchrnul(l, '\n'), *f = strstr(l, "FLOCK");

		if (f && f < eol && strstr(f, "READ") &&
		    strstr(f, "READ") < eol)
			return true;
	}
	return false;
}

/* seen from a third process: readers only; the root's, or either's */
static int readers_seen(bool root_only)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	if (flock(fd, LOCK_SH | LOCK_NB) || flock(fd, LOCK_UN))
		return NOPE("LOCK_SH of a new open: %s", strerror(errno));
	if (expect_flock_busy(fd, LOCK_EX, "LOCK_EX of a new open") ||
	    expect_getlk(fd, F_GETLK, F_RDLCK, 0, 10, F_UNLCK, 0, 0, 0))
		return -1;
	if (!root_only && !expect_getlk(fd, F_GETLK, F_WRLCK, 0, 10,
					F_RDLCK, 0, 10, fds[3]))
		return 0;
	return expect_getlk(fd, F_GETLK, F_WRLCK, 0, 10,
			    F_RDLCK, 0, 10, root_pid);
}

static int readers_either(void)
{
	return readers_seen(false);
}

static int readers_root_only(void)
{
	return readers_seen(true);
}

static int readers_none(void)
{
	int fd = open(DATA, O_RDWR);

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) || lk(fd, F_SETLK, F_WRLCK, 0, 10))
		return NOPE("the readers are gone, their locks are not: %s",
			    strerror(errno));
	return 0;
}

static int readers_verify(void)
{
	root_pid = getpid();
	if (in_child(readers_either))
		return -1;
	/* the child's read lock: the root's own does not hide it */
	if (expect_getlk(fds[0], F_GETLK, F_WRLCK, 0, 10,
			 F_RDLCK, 0, 10, fds[3]))
		return why_in("the root's view of the child's lock");
	/* each open file has its own shared flock() lock */
	if (!has_flock_sh(getpid(), fds[0]))
		return NOPE("the root's open file has no flock() lock");
	if (!has_flock_sh(fds[3], READER_FD))
		return NOPE("the child's open file has no flock() lock");
	/* the child goes: the root's locks stay */
	if (end_child(fds[3]) || in_child(readers_root_only))
		return -1;
	if (flock(fds[0], LOCK_UN) || lk(fds[0], F_SETLK, F_UNLCK, 0, 10))
		return NOPE("unlock: %s", strerror(errno));
	return in_child(readers_none);
}

/* ---- the fixture --------------------------------------------------------- */

static volatile sig_atomic_t go;
static void on_usr1(int sig) { go = 1; }

/*
 * The root of the tree: @setup, say ready, wait for SIGUSR1, then
 * @verify and report.
 */
static void tree_root(int (*setup)(void), int (*verify)(void))
{
	lite_cg_enter(CG);
	lite_block(SIGUSR1);
	signal(SIGUSR1, on_usr1);
	if (setup()) {
		lite_say(REPORT, "SETUP failed: %s\n", strerror(errno));
		_exit(1);
	}
	lite_say(REPORT, "READY %d\n", getpid());
	lite_wait_flag(&go, SIGUSR1);
	if (verify()) {
		lite_say(REPORT, "VERIFY failed: %s\n", why);
		_exit(1);
	}
	lite_say(REPORT, "VERIFY ok\n");
	_exit(0);
}

/*
 * Kill every descendant of the test: the restored tasks are children of
 * the test (restart() makes them so), outside CG, and their orphans come
 * to the test, their subreaper. A few passes, for what forks meanwhile.
 */
static void kill_descendants(void)
{
	static pid_t pid[4096], ppid[4096];
	int pass, n, i, j, depth, found;
	char path[64], buf[512], *p;
	struct dirent *de;
	DIR *d;

	for (pass = 0; pass < 10; pass++) {
		d = opendir("/proc");
		if (!d)
			return;
		n = 0;
		while ((de = readdir(d)) && n < 4096) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			pid[n] = atoi(de->d_name);
			snprintf(path, sizeof(path), "/proc/%d/stat", pid[n]);
			if (lite_slurp(path, buf, sizeof(buf)) <= 0)
				continue;
			p = strrchr(buf, ')');
			if (p && sscanf(p + 1, " %*c %d", &ppid[n]) == 1)
				n++;
		}
		closedir(d);
		found = 0;
		for (i = 0; i < n; i++) {
			pid_t up = ppid[i];

			for (depth = 0; depth < 64 && up > 1 &&
			     up != getpid(); depth++) {
				for (j = 0; j < n && pid[j] != up; j++)
					;
				up = j < n ? ppid[j] : 0;
			}
			if (up == getpid()) {
				kill(pid[i], SIGKILL);
				found++;
			}
		}
		if (!found)
			return;
		/* reap what is ours; the rest is reparented to us */
		usleep(20000);
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
	}
}

/* Everything of a test gone: its tasks, files and cgroup. */
static void cleanup(void)
{
	char events[256];
	int i;

	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	kill_descendants();
	lite_reap_all();
	/* what is not ours (left by a test that crashed) goes too */
	for (i = 0; i < SECS * 50; i++) {
		if (lite_slurp(CG "/cgroup.events", events,
			       sizeof(events)) <= 0 ||
		    !strstr(events, "populated 1"))
			break;
		usleep(20000);
	}
	rmdir(CG);
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	unlink(DATA);
	rmdir(WDIR);
}

/* Start the tree with @setup and @verify; its root's pid. */
static pid_t start_tree(struct __test_metadata *_metadata,
			int (*setup)(void), int (*verify)(void))
{
	char rep[1024];
	pid_t root;
	int i;

	cleanup();
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	root = fork();
	ASSERT_LE(0, root);
	if (!root)
		tree_root(setup, verify);
	/* READY, or the root failed */
	for (i = 0; i < 30 * 50; i++) {
		lite_slurp(REPORT, rep, sizeof(rep));
		if (strstr(rep, "READY ") ||
		    waitpid(root, NULL, WNOHANG) == root)
			break;
		usleep(20000);
	}
	if (lite_line_pid(REPORT, "READY ", 1) != root) {
		lite_slurp(REPORT, rep, sizeof(rep));
		/* no teardown after a failed setup */
		cleanup();
		ASSERT_TRUE(false) TH_LOG("the tree is not ready: %s", rep);
	}
	return root;
}

/* SIGUSR1 to the restored root @root: its report must say VERIFY ok */
static void expect_verified(struct __test_metadata *_metadata, pid_t root)
{
	char rep[1024] = "";
	int status;

	ASSERT_EQ(0, kill(root, SIGUSR1));
	status = lite_status(root, 60);
	lite_slurp(REPORT, rep, sizeof(rep));
	EXPECT_NE(NULL, strstr(rep, "VERIFY ok\n")) TH_LOG("report: %s", rep);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("restored root: status %#x", status);
}

FIXTURE(locks) {
	pid_t root;
};

FIXTURE_VARIANT(locks) {
	int (*setup)(void);
	int (*verify)(void);
};

FIXTURE_VARIANT_ADD(locks, flock_exclusive_kept) {
	.setup = flock_ex_setup, .verify = flock_ex_verify,
};

FIXTURE_VARIANT_ADD(locks, flock_shared_by_parent_and_child) {
	.setup = flock_shared_setup, .verify = flock_shared_verify,
};

FIXTURE_VARIANT_ADD(locks, posix_byte_ranges) {
	.setup = posix_ranges_setup, .verify = posix_ranges_verify,
};

FIXTURE_VARIANT_ADD(locks, posix_lock_of_a_child) {
	.setup = posix_child_setup, .verify = posix_child_verify,
};

FIXTURE_VARIANT_ADD(locks, ofd_locks) {
	.setup = ofd_setup, .verify = ofd_verify,
};

FIXTURE_VARIANT_ADD(locks, posix_waiter_resumes) {
	.setup = posix_waiter_setup, .verify = posix_waiter_verify,
};

FIXTURE_VARIANT_ADD(locks, flock_waiter_resumes) {
	.setup = flock_waiter_setup, .verify = flock_waiter_verify,
};

FIXTURE_VARIANT_ADD(locks, directory_flock) {
	.setup = dir_setup, .verify = dir_verify,
};

FIXTURE_VARIANT_ADD(locks, posix_lock_far_offset) {
	.setup = far_setup, .verify = far_verify,
};

FIXTURE_VARIANT_ADD(locks, readers_in_two_processes) {
	.setup = readers_setup, .verify = readers_verify,
};

FIXTURE_SETUP(locks)
{
	self->root = start_tree(_metadata, variant->setup, variant->verify);
}

FIXTURE_TEARDOWN(locks)
{
	cleanup();
}

TEST_F_TIMEOUT(locks, restored_program_verifies_itself, 120)
{
	pid_t got;

	got = lite_migrate(CG, self->root, IMG);
	ASSERT_EQ(self->root, got) TH_LOG("step %d: %s", got, strerror(errno));
	expect_verified(_metadata, got);
}

/* ---- refusals ------------------------------------------------------------ */

/* a read lease on a file the root owns and opened read-only */
static int lease_setup(void)
{
	int fd = open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, "leased", 6) != 6 || close(fd))
		return -1;
	fds[0] = open(DATA, O_RDONLY);
	return fds[0] < 0 || fcntl(fds[0], F_SETLEASE, F_RDLCK) ? -1 : 0;
}

static int lease_verify(void)
{
	int got = fcntl(fds[0], F_GETLEASE);

	return got == F_RDLCK ? 0 : NOPE("F_GETLEASE: %d", got);
}

/* flock() on an open file the tree maps MAP_SHARED through the same fd */
static int flock_mapped_setup(void)
{
	fds[0] = open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fds[0] < 0 || ftruncate(fds[0], 4096) || flock(fds[0], LOCK_EX))
		return -1;
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	if (map == MAP_FAILED)
		return -1;
	map[0] = 'm';
	return 0;
}

static int flock_mapped_verify(void)
{
	int fd = open(DATA, O_RDWR);
	char c = 0;

	if (fd < 0)
		return NOPE("open: %s", strerror(errno));
	if (map[0] != 'm' || pread(fd, &c, 1, 0) != 1 || c != 'm')
		return NOPE("the mapping lost its byte");
	return expect_flock_busy(fd, LOCK_EX, "LOCK_EX of a new open");
}

/* a POSIX lock on the write end of a pipe */
static int pipe_lock_setup(void)
{
	return pipe(fds) || lk(fds[1], F_SETLK, F_WRLCK, 0, 0) ? -1 : 0;
}

static int pipe_lock_seen(void)
{
	return expect_getlk(fds[1], F_GETLK, F_WRLCK, 0, 1,
			    F_WRLCK, 0, 0, root_pid);
}

static int pipe_lock_verify(void)
{
	char buf[2];

	root_pid = getpid();
	if (write(fds[1], "ok", 2) != 2 || read(fds[0], buf, 2) != 2)
		return NOPE("the pipe does not carry bytes");
	return in_child(pipe_lock_seen);
}

FIXTURE(refuse) {
	pid_t root;
};

FIXTURE_VARIANT(refuse) {
	int (*setup)(void);
	int (*verify)(void);
	const char *line;
};

FIXTURE_VARIANT_ADD(refuse, lease) {
	.setup = lease_setup, .verify = lease_verify,
	.line = "a lease (F_SETLEASE) is not supported yet",
};

FIXTURE_VARIANT_ADD(refuse, flock_on_mapped_file) {
	.setup = flock_mapped_setup, .verify = flock_mapped_verify,
	.line = "a flock() lock on a file the tree also maps is not supported yet",
};

FIXTURE_VARIANT_ADD(refuse, posix_lock_on_pipe) {
	.setup = pipe_lock_setup, .verify = pipe_lock_verify,
	.line = "carries a POSIX lock (F_SETLK): only the locks of regular files and directories are saved",
};

FIXTURE_SETUP(refuse)
{
	self->root = start_tree(_metadata, variant->setup, variant->verify);
}

FIXTURE_TEARDOWN(refuse)
{
	cleanup();
}

/*
 * Checkpoint fails with EOPNOTSUPP and the variant's line; thawed, the
 * tree is untouched and its root's own check passes.
 */
TEST_F_TIMEOUT(refuse, checkpoint_refused_tree_untouched, 120)
{
	char log[2048] = "";
	int fd, logfd;
	long ret;

	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, logfd);
	ret = syscall(__NR_checkpoint, self->root, fd, CHECKPOINT_SUBTREE,
		      logfd);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("errno %s",
					    strerrorname_np(errno));
	close(fd);
	close(logfd);
	lite_slurp(LOG, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, variant->line)) TH_LOG("log: %s", log);
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "0"));
	expect_verified(_metadata, self->root);
}

/* ---- a lock taken by another process before the restart --------------- */

/* the root's POSIX write lock on bytes 0-9 */
static int wrlck_setup(void)
{
	fds[0] = open_data();
	return fds[0] < 0 || lk(fds[0], F_SETLK, F_WRLCK, 0, 10) ? -1 : 0;
}

static int wrlck_seen(void)
{
	return expect_getlk(fds[0], F_GETLK, F_WRLCK, 5, 2,
			    F_WRLCK, 0, 10, root_pid);
}

static int wrlck_verify(void)
{
	root_pid = getpid();
	return in_child(wrlck_seen);
}

/* what the process outside takes: bytes 5-6, or the flock() lock */
static int hold_posix(int fd)
{
	return lk(fd, F_SETLK, F_WRLCK, 5, 2);
}

static int hold_flock(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB);
}

FIXTURE(conflict) {
	pid_t root;
	pid_t holder;
	int cmd;	/* the holder exits when it is closed */
};

FIXTURE_VARIANT(conflict) {
	int (*setup)(void);
	int (*verify)(void);
	int (*hold)(int fd);
	const char *what;	/* what the log line says of the lock */
};

FIXTURE_VARIANT_ADD(conflict, posix_write_lock) {
	.setup = wrlck_setup, .verify = wrlck_verify, .hold = hold_posix,
	.what = "bytes 0-9",
};

FIXTURE_VARIANT_ADD(conflict, flock_exclusive) {
	.setup = flock_ex_setup, .verify = flock_ex_verify,
	.hold = hold_flock, .what = "a flock() exclusive lock",
};

FIXTURE_SETUP(conflict)
{
	self->holder = 0;
	self->cmd = -1;
	self->root = start_tree(_metadata, variant->setup, variant->verify);
}

FIXTURE_TEARDOWN(conflict)
{
	if (self->cmd >= 0)
		close(self->cmd);
	cleanup();
}

/*
 * Start a process outside the tree (the test's child, in the test's
 * cgroup) that takes @hold on its own open of DATA and keeps it until
 * its command pipe closes.
 */
static pid_t start_holder(struct __test_metadata *_metadata,
			  int (*hold)(int fd), int *cmd)
{
	int st[2], cm[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(st));
	ASSERT_EQ(0, pipe(cm));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open(DATA, O_RDWR);

		close(st[0]);
		close(cm[1]);
		c = fd >= 0 && !hold(fd) ? 'H' : 'E';
		if (write(st[1], &c, 1) != 1 || c != 'H')
			_exit(1);
		while (read(cm[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(st[1]);
	close(cm[0]);
	c = byte_within(st[0], SECS * 1000);
	close(st[0]);
	*cmd = cm[1];
	ASSERT_EQ('H', c) TH_LOG("the process outside could not take its lock");
	return pid;
}

/* A line of LOG that starts with @prefix and contains @a, @b and @c */
static bool log_line_has(const char *prefix, const char *a, const char *b,
			 const char *c)
{
	static char text[4096];
	char *line, *save;

	if (lite_slurp(LOG, text, sizeof(text)) <= 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, prefix, strlen(prefix)) &&
		    strstr(line, a) && strstr(line, b) && strstr(line, c))
			return true;
	return false;
}

/* A process of pid @pid, alive or a zombie: its state letter, or 0 */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (lite_slurp(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* The children of the test but @except (and reap the zombies) */
static int other_children(pid_t except)
{
	char path[64], buf[512], *p;
	struct dirent *de;
	int n = 0, ppid;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    atoi(de->d_name) == except)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat",
			 atoi(de->d_name));
		if (lite_slurp(path, buf, sizeof(buf)) <= 0)
			continue;
		p = strrchr(buf, ')');
		if (p && sscanf(p + 1, " %*c %d", &ppid) == 1 &&
		    ppid == getpid())
			n++;
	}
	closedir(d);
	return n;
}

/*
 * Checkpoint the tree, kill it; another process takes a conflicting lock:
 * restart fails with EBUSY, says why, and leaves nothing. The other
 * process lets go: the same image restarts and its root finds its lock.
 */
TEST_F_TIMEOUT(conflict, restart_refused_while_another_holds, 120)
{
	char log[2048] = "", procs[256] = "", rep[1024] = "";
	int fd, logfd, err, i;
	long ret;

	/* lite_migrate()'s steps, with the restart apart */
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, logfd);
	ret = ck_checkpoint_validated(self->root, fd, CHECKPOINT_SUBTREE,
				      logfd);
	err = errno;
	close(fd);
	close(logfd);
	lite_slurp(LOG, log, sizeof(log));
	ASSERT_LT(0, ret) TH_LOG("checkpoint: %s; log: %s", strerror(err),
				 log);
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.kill", "1"));
	lite_cg_write(CG, "cgroup.freeze", "0");
	ASSERT_NE(-1, lite_status(self->root, 30));
	lite_reap_all();

	self->holder = start_holder(_metadata, variant->hold, &self->cmd);

	/* refused: EBUSY, and a line naming the file, the lock, the range */
	fd = open(IMG, O_RDONLY);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, logfd);
	ret = syscall(__NR_restart, 0, fd, 0, logfd);
	err = errno;
	close(fd);
	close(logfd);
	lite_slurp(LOG, log, sizeof(log));
	/* restored all the same: teardown kills it */
	ASSERT_EQ(-1, ret) TH_LOG("restarted (%ld) while a lock is held outside; log: %s",
				  ret, log);
	EXPECT_EQ(EBUSY, err) TH_LOG("errno %s; log: %s",
				     strerrorname_np(err), log);
	EXPECT_TRUE(log_line_has("restart: ",
				 "conflicts with a lock another process holds",
				 DATA, variant->what))
		TH_LOG("no line with the conflict, %s and \"%s\" in the log: %s",
		       DATA, variant->what, log);

	/*
	 * Nothing of the tree: no task in the cgroup, none restored (alive,
	 * or a zombie left to the test, the subreaper), nothing of it ran.
	 */
	lite_slurp(CG "/cgroup.procs", procs, sizeof(procs));
	EXPECT_STREQ("", procs);
	for (i = 0; i < 150 && proc_state(self->root); i++) {
		waitpid(self->root, NULL, WNOHANG | __WALL);
		usleep(20000);
	}
	lite_slurp(REPORT, rep, sizeof(rep));
	EXPECT_EQ(NULL, strstr(rep, "VERIFY")) TH_LOG("report: %s", rep);
	/* (the pids must be free for the restart below) */
	ASSERT_EQ(0, proc_state(self->root))
		TH_LOG("pid %d of the image is there after the failed restart",
		       self->root);
	ASSERT_EQ(0, other_children(self->holder))
		TH_LOG("the test has children besides the holder");
	/* the process outside still waits, with its lock */
	EXPECT_EQ('S', proc_state(self->holder));
	fd = open(DATA, O_RDWR);
	ASSERT_LE(0, fd);
	if (variant->hold == hold_posix) {
		EXPECT_EQ(0, expect_getlk(fd, F_GETLK, F_WRLCK, 0, 10,
					  F_WRLCK, 5, 2, self->holder))
			TH_LOG("%s", why);
	} else {
		EXPECT_EQ(0, expect_flock_busy(fd, LOCK_EX, "its flock()"))
			TH_LOG("%s", why);
	}
	close(fd);

	/* it lets go: the same image restarts, with the lock */
	close(self->cmd);
	self->cmd = -1;
	ASSERT_EQ(0, lite_status(self->holder, SECS));
	fd = open(IMG, O_RDONLY);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, logfd);
	ret = syscall(__NR_restart, 0, fd, 0, logfd);
	err = errno;
	close(fd);
	close(logfd);
	lite_slurp(LOG, log, sizeof(log));
	ASSERT_EQ(self->root, ret) TH_LOG("restart: %s; log: %s",
					  strerror(err), log);
	expect_verified(_metadata, self->root);
}

TEST_HARNESS_MAIN
