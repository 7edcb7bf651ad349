// SPDX-License-Identifier: GPL-2.0
/*
 * The supported-resource matrix: one fixture, one variant per resource.
 *
 * The root of a small tree sets a resource up (the variant's setup()),
 * says it is ready and waits for SIGUSR1. The test freezes its cgroup,
 * checkpoints it, kills it, restarts the image and sends SIGUSR1: the
 * restored root runs the variant's verify(), which uses the resource as
 * the program would (reads what was buffered, writes and reads again,
 * checks the flags) and reports "VERIFY ok" or what was wrong.
 *
 * A new resource type adds one FIXTURE_VARIANT_ADD with its setup() and
 * verify(). Refusals (what a type must not save) are TESTs below it, and
 * then what restart does with a file replaced at its path meanwhile.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <time.h>
#include <sys/syscall.h>
#include <linux/checkpoint.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/io_uring.h>

#include "kselftest_harness.h"
#include "ck_lite.h"

#define CG	"/sys/fs/cgroup/ckpt-matrix"
#define IMG	"/tmp/ckpt-matrix.img"
#define REPORT	"/tmp/ckpt-matrix-report"
#define LOG	"/tmp/ckpt-matrix.log"
#define DATA	"/tmp/ckpt-matrix.data"
#define WDIR	"/tmp/ckpt-matrix.dir"
#define SOCK	"/tmp/ckpt-matrix.sock"
#define QMAX	"/proc/sys/fs/inotify/max_queued_events"

/* what setup() made, for verify() in the restored program */
static int fds[10];

/* verify()'s complaint, for the report */
static char why[8192];

#define NOPE(fmt, ...) ({						\
	snprintf(why, sizeof(why), fmt, ##__VA_ARGS__);			\
	-1;								\
})

static bool nonblocking(int fd)
{
	return fcntl(fd, F_GETFL) & O_NONBLOCK;
}

/* ---- a pipe with bytes in it ------------------------------------------- */

static int pipe_setup(void)
{
	return pipe(fds) || write(fds[1], "hello", 5) != 5 ? -1 : 0;
}

static int pipe_verify(void)
{
	char buf[8] = "";

	if (read(fds[0], buf, 5) != 5 || memcmp(buf, "hello", 5))
		return NOPE("read \"%.5s\", expected the buffered hello", buf);
	if (write(fds[1], "again", 5) != 5 || read(fds[0], buf, 5) != 5 ||
	    memcmp(buf, "again", 5))
		return NOPE("the pipe does not carry new bytes");
	return 0;
}

/* ---- a regular file and its offset ------------------------------------- */

static int reg_setup(void)
{
	fds[0] = open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fds[0] < 0 || write(fds[0], "abcdef", 6) != 6)
		return -1;
	return lseek(fds[0], 2, SEEK_SET) == 2 ? 0 : -1;
}

static int reg_verify(void)
{
	char buf[4] = "";

	if ((fcntl(fds[0], F_GETFL) & O_ACCMODE) != O_RDWR)
		return NOPE("not O_RDWR any more");
	if (read(fds[0], buf, 2) != 2 || memcmp(buf, "cd", 2))
		return NOPE("read \"%.2s\" at the offset, expected cd", buf);
	return 0;
}

/* ---- eventfd ----------------------------------------------------------- */

static int efd_add(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static int efd_get(int fd, uint64_t *v)
{
	return read(fd, v, sizeof(*v)) == sizeof(*v) ? 0 : -1;
}

/* 42, then the counter goes on counting */
static int efd_count_setup(void)
{
	fds[0] = eventfd(0, EFD_CLOEXEC);
	return fds[0] < 0 || efd_add(fds[0], 7) || efd_add(fds[0], 35) ?
	       -1 : 0;
}

static int efd_count_verify(void)
{
	struct pollfd p = { .events = POLLIN };
	uint64_t v = 0;

	p.fd = fds[0];
	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
		return NOPE("a counter of 42 does not poll readable");
	if (efd_get(fds[0], &v) || v != 42)
		return NOPE("read %llu, expected 42", (unsigned long long)v);
	if (!(fcntl(fds[0], F_GETFD) & FD_CLOEXEC) || nonblocking(fds[0]))
		return NOPE("fd flags or status flags changed");
	if (efd_add(fds[0], 5) || efd_get(fds[0], &v) || v != 5)
		return NOPE("counted %llu after adding 5",
			    (unsigned long long)v);
	return 0;
}

/* a semaphore of 3, non-blocking: three 1s, then EAGAIN */
static int efd_sem_setup(void)
{
	fds[0] = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	return fds[0] < 0 ? -1 : 0;
}

static int efd_sem_verify(void)
{
	uint64_t v;
	int i;

	if (!nonblocking(fds[0]))
		return NOPE("O_NONBLOCK lost");
	for (i = 0; i < 3; i++)
		if (efd_get(fds[0], &v) || v != 1)
			return NOPE("read %d of the semaphore gave %llu", i,
				    (unsigned long long)v);
	if (read(fds[0], &v, sizeof(v)) != -1 || errno != EAGAIN)
		return NOPE("an empty semaphore did not say EAGAIN");
	return 0;
}

/* the largest counter a write can make, beyond eventfd2()'s 32 bits */
static int efd_max_setup(void)
{
	fds[0] = eventfd(0, EFD_NONBLOCK);
	return fds[0] < 0 || efd_add(fds[0], UINT64_MAX - 1) ? -1 : 0;
}

static int efd_max_verify(void)
{
	uint64_t v = 0;

	if (!efd_add(fds[0], 1) || errno != EAGAIN)
		return NOPE("a full counter took one more");
	if (efd_get(fds[0], &v) || v != UINT64_MAX - 1)
		return NOPE("read %#llx, expected 2^64 - 2",
			    (unsigned long long)v);
	return 0;
}

/* one eventfd behind two fds, and in a child: still one */
static int efd_shared_setup(void)
{
	pid_t child;

	fds[0] = eventfd(0, 0);
	fds[1] = dup(fds[0]);
	if (fds[0] < 0 || fds[1] < 0)
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		/* adds 9 through its own fd once its parent asks */
		sigset_t set;
		int sig;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		while (sigwait(&set, &sig))
			;
		_exit(efd_add(fds[0], 9) ? 1 : 0);
	}
	fds[2] = child;
	return 0;
}

static int efd_shared_verify(void)
{
	int status;
	uint64_t v = 0;

	if (efd_add(fds[0], 1) || efd_get(fds[1], &v) || v != 1)
		return NOPE("written through one fd, not read through its dup");
	kill(fds[2], SIGUSR2);
	if (waitpid(fds[2], &status, 0) != fds[2] || status)
		return NOPE("the child could not write");
	if (efd_get(fds[1], &v) || v != 9)
		return NOPE("the child's 9 did not arrive: %llu",
			    (unsigned long long)v);
	return 0;
}

/* ---- epoll ------------------------------------------------------------- */

static int ep_add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

#define EXPECT_READY(ep, want) do {					\
	const char *got = ck_ep_ready(ep);					\
									\
	if (strcmp(got, want))						\
		return NOPE("%s: epoll reports \"%s\", expected \"%s\"",	\
			    #want, got, want);				\
} while (0)

/*
 * An event loop's set: a pipe with bytes waiting (level-triggered), an
 * eventfd (edge-triggered), a one-shot pipe that fired already, and
 * another eventfd the loop watches for writability only.
 */
static int ep_loop_setup(void)
{
	int p[2], q[2];

	fds[0] = epoll_create1(EPOLL_CLOEXEC);
	if (fds[0] < 0 || pipe(p) || pipe(q))
		return -1;
	fds[1] = p[0];
	fds[2] = p[1];
	fds[3] = q[0];
	fds[4] = q[1];
	fds[5] = eventfd(0, EFD_NONBLOCK);
	if (fds[5] < 0 || write(p[1], "ping", 4) != 4 ||
	    write(q[1], "once", 4) != 4 ||
	    ep_add(fds[0], fds[1], EPOLLIN, 0x11) ||
	    ep_add(fds[0], fds[5], EPOLLIN | EPOLLET, 0x22) ||
	    ep_add(fds[0], fds[3], EPOLLIN | EPOLLONESHOT, 0x33))
		return -1;
	/* the one-shot item fires once, and the pipe keeps its bytes */
	if (strcmp(ck_ep_ready(fds[0]), "11:1 33:1"))
		return -1;
	return strcmp(ck_ep_ready(fds[0]), "11:1") ? -1 : 0;
}

static int ep_loop_verify(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x33 };
	char buf[8];
	uint64_t one = 1;

	/* ready before, ready after; the one-shot stays disarmed */
	EXPECT_READY(fds[0], "11:1");
	if (write(fds[5], &one, 8) != 8)
		return NOPE("eventfd write");
	EXPECT_READY(fds[0], "11:1 22:1");
	/* edge-triggered: reported once */
	EXPECT_READY(fds[0], "11:1");
	if (read(fds[1], buf, sizeof(buf)) != 4)
		return NOPE("the pipe lost its bytes");
	EXPECT_READY(fds[0], "");
	/* the items are keyed by the fds they were added under */
	if (epoll_ctl(fds[0], EPOLL_CTL_MOD, fds[3], &ev))
		return NOPE("EPOLL_CTL_MOD of the one-shot item: %s",
			    strerror(errno));
	EXPECT_READY(fds[0], "33:1");
	if (epoll_ctl(fds[0], EPOLL_CTL_DEL, fds[1], NULL))
		return NOPE("EPOLL_CTL_DEL: %s", strerror(errno));
	if (!(fcntl(fds[0], F_GETFD) & FD_CLOEXEC))
		return NOPE("EPOLL_CLOEXEC lost");
	return 0;
}

/* an epoll set in an epoll set */
static int ep_nested_setup(void)
{
	fds[0] = epoll_create1(0);
	fds[1] = epoll_create1(0);
	fds[2] = eventfd(0, EFD_NONBLOCK);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
		return -1;
	/* the outer one first: its items are written before the inner's */
	return ep_add(fds[0], fds[1], EPOLLIN, 0x1) ||
	       ep_add(fds[1], fds[2], EPOLLIN, 0x2) ? -1 : 0;
}

static int ep_nested_verify(void)
{
	uint64_t one = 1;

	EXPECT_READY(fds[0], "");
	if (write(fds[2], &one, 8) != 8)
		return NOPE("eventfd write");
	EXPECT_READY(fds[0], "1:1");
	EXPECT_READY(fds[1], "2:1");
	return 0;
}

/* an item whose fd was closed while its file stays open under another */
static int ep_closed_fd_setup(void)
{
	fds[0] = epoll_create1(0);
	fds[1] = eventfd(0, EFD_NONBLOCK);
	if (fds[0] < 0 || fds[1] < 0 ||
	    ep_add(fds[0], fds[1], EPOLLIN, 0x5))
		return -1;
	fds[2] = dup(fds[1]);
	return fds[2] < 0 || close(fds[1]) ? -1 : 0;
}

static int ep_closed_fd_verify(void)
{
	uint64_t one = 1;

	EXPECT_READY(fds[0], "");
	if (write(fds[2], &one, 8) != 8)
		return NOPE("eventfd write");
	EXPECT_READY(fds[0], "5:1");
	/* the item is still known by the closed fd's number */
	if (!epoll_ctl(fds[0], EPOLL_CTL_DEL, fds[2], NULL) || errno != ENOENT)
		return NOPE("the item answers to the new fd");
	return 0;
}

/*
 * A target only a child holds: the parent watches an eventfd it closed,
 * its child has it (and the parent's epoll set is written before the
 * child's files).
 */
static int ep_child_target_setup(void)
{
	pid_t child;

	fds[0] = epoll_create1(0);
	fds[1] = eventfd(0, EFD_NONBLOCK);
	if (fds[0] < 0 || fds[1] < 0 ||
	    ep_add(fds[0], fds[1], EPOLLIN, 0x7))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		sigset_t set;
		uint64_t one = 1;
		int sig;

		close(fds[0]);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		while (sigwait(&set, &sig))
			;
		if (write(fds[1], &one, 8) != 8)
			_exit(1);
		/* and keeps the eventfd (and so the item) until killed */
		for (;;)
			pause();
	}
	fds[2] = child;
	return close(fds[1]);
}

static int ep_child_target_verify(void)
{
	struct epoll_event ev;
	int status;
	int n;

	EXPECT_READY(fds[0], "");
	kill(fds[2], SIGUSR2);
	n = epoll_wait(fds[0], &ev, 1, 10000);
	kill(fds[2], SIGKILL);
	waitpid(fds[2], &status, 0);
	if (n != 1 || ev.data.u64 != 0x7)
		return NOPE("the child's write was not reported");
	return 0;
}

/* ---- signalfd ------------------------------------------------------------ */

static sigset_t sfd_mask(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	return set;
}

static int sfd_read(int fd, struct signalfd_siginfo *si)
{
	return read(fd, si, sizeof(*si)) == sizeof(*si) ? (int)si->ssi_signo :
							-errno;
}

/* two signals wait in the queue a non-blocking signalfd reads */
static int sfd_setup(void)
{
	sigset_t set = sfd_mask();
	union sigval v = { .sival_int = 77 };

	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	fds[0] = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fds[0] < 0 || sigqueue(getpid(), SIGRTMIN + 1, v) ||
	    kill(getpid(), SIGUSR2))
		return -1;
	return 0;
}

static int sfd_verify(void)
{
	struct signalfd_siginfo si;
	int got;

	if (!nonblocking(fds[0]) || !(fcntl(fds[0], F_GETFD) & FD_CLOEXEC))
		return NOPE("flags changed");
	if ((got = sfd_read(fds[0], &si)) != SIGUSR2)
		return NOPE("first read gave %d, expected SIGUSR2", got);
	if ((got = sfd_read(fds[0], &si)) != SIGRTMIN + 1 || si.ssi_int != 77)
		return NOPE("second read gave %d (%d), expected SIGRTMIN+1 (77)",
			    got, si.ssi_int);
	if ((got = sfd_read(fds[0], &si)) != -EAGAIN)
		return NOPE("an empty queue read %d", got);
	kill(getpid(), SIGUSR2);
	if ((got = sfd_read(fds[0], &si)) != SIGUSR2)
		return NOPE("a new signal read %d", got);
	return 0;
}

/* a signalfd in an epoll set: a signal pending, and the next one */
static int sfd_epoll_setup(void)
{
	sigset_t set = sfd_mask();

	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	fds[0] = epoll_create1(0);
	fds[1] = signalfd(-1, &set, SFD_NONBLOCK);
	if (fds[0] < 0 || fds[1] < 0 ||
	    ep_add(fds[0], fds[1], EPOLLIN, 0x51))
		return -1;
	return kill(getpid(), SIGUSR2);
}

static int sfd_epoll_verify(void)
{
	struct signalfd_siginfo si;
	struct epoll_event ev;

	EXPECT_READY(fds[0], "51:1");
	if (sfd_read(fds[1], &si) != SIGUSR2)
		return NOPE("the pending SIGUSR2 is not there");
	EXPECT_READY(fds[0], "");
	/* the item follows the restored process's signals */
	kill(getpid(), SIGUSR2);
	if (epoll_wait(fds[0], &ev, 1, 5000) != 1 || ev.data.u64 != 0x51)
		return NOPE("a new signal does not wake the epoll set");
	return 0;
}

/* ---- timerfd ------------------------------------------------------------- */

#define MS(n)	((long)(n) * 1000000L)

static long long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int tfd_arm(int fd, int flags, long long value, long long interval)
{
	struct itimerspec its = {
		.it_value = { value / 1000000000LL, value % 1000000000LL },
		.it_interval = { interval / 1000000000LL,
				 interval % 1000000000LL },
	};

	return timerfd_settime(fd, flags, &its, NULL);
}

static long long tfd_left(int fd, long long *interval)
{
	struct itimerspec its;

	if (timerfd_gettime(fd, &its))
		return -1;
	if (interval)
		*interval = its.it_interval.tv_sec * 1000000000LL +
			    its.it_interval.tv_nsec;
	return its.it_value.tv_sec * 1000000000LL + its.it_value.tv_nsec;
}

/* a 50 ms period, two expirations unread when checkpointed */
static int tfd_periodic_setup(void)
{
	fds[0] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (fds[0] < 0 || tfd_arm(fds[0], 0, MS(50), MS(50)))
		return -1;
	usleep(130000);
	return 0;
}

static int tfd_periodic_verify(void)
{
	struct pollfd p = { .events = POLLIN };
	long long interval = 0;
	uint64_t ticks = 0;

	if (read(fds[0], &ticks, 8) != 8 || ticks < 2)
		return NOPE("read %llu expirations, expected the 2 unread",
			    (unsigned long long)ticks);
	if (tfd_left(fds[0], &interval) < 0 || interval != MS(50))
		return NOPE("the period is %lld ns", interval);
	p.fd = fds[0];
	if (poll(&p, 1, 5000) != 1 || read(fds[0], &ticks, 8) != 8 ||
	    !ticks)
		return NOPE("the timer does not tick on");
	return 0;
}

/* 30 s to go on CLOCK_BOOTTIME: the time left is kept */
static int tfd_oneshot_setup(void)
{
	fds[0] = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	return fds[0] < 0 || tfd_arm(fds[0], 0, 30000000000LL, 0) ? -1 : 0;
}

static int tfd_oneshot_verify(void)
{
	long long left = tfd_left(fds[0], NULL);
	uint64_t ticks;

	if (left <= 0 || left > 30000000000LL)
		return NOPE("%lld ns left, expected at most 30 s", left);
	if (read(fds[0], &ticks, 8) != -1 || errno != EAGAIN)
		return NOPE("it fired early");
	if (!(fcntl(fds[0], F_GETFD) & FD_CLOEXEC) || !nonblocking(fds[0]))
		return NOPE("flags changed");
	return 0;
}

/* an absolute wall-clock timer 1.5 s ahead: it fires at that time */
static long long tfd_target;

static int tfd_abs_setup(void)
{
	fds[0] = timerfd_create(CLOCK_REALTIME, 0);
	tfd_target = now_ns(CLOCK_REALTIME) + MS(1500);
	return fds[0] < 0 ||
	       tfd_arm(fds[0], TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
		       tfd_target, 0) ? -1 : 0;
}

static int tfd_abs_verify(void)
{
	uint64_t ticks = 0;

	if (read(fds[0], &ticks, 8) != 8 || ticks != 1)
		return NOPE("read %llu", (unsigned long long)ticks);
	if (now_ns(CLOCK_REALTIME) < tfd_target)
		return NOPE("fired %lld ns before its time",
			    tfd_target - now_ns(CLOCK_REALTIME));
	return 0;
}

/* one that fired and was not read, and one never armed */
static int tfd_idle_setup(void)
{
	fds[0] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	fds[1] = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	if (fds[0] < 0 || fds[1] < 0 || tfd_arm(fds[0], 0, MS(10), 0))
		return -1;
	usleep(60000);
	return 0;
}

static int tfd_idle_verify(void)
{
	uint64_t ticks = 0;
	long long interval = 1;

	if (tfd_left(fds[0], NULL) != 0)
		return NOPE("the fired one-shot is armed again");
	if (read(fds[0], &ticks, 8) != 8 || ticks != 1)
		return NOPE("the unread expiration is lost");
	if (tfd_left(fds[1], &interval) != 0 || interval != 0)
		return NOPE("the unarmed timer is armed");
	if (read(fds[1], &ticks, 8) != -1 || errno != EAGAIN)
		return NOPE("the unarmed timer is readable");
	return 0;
}

/* ---- inotify ------------------------------------------------------------ */

/* the next event of @fd (non-blocking), its name in @name */
static int in_next(int fd, struct inotify_event *ev, char *name, size_t len)
{
	static char buf[4096] __attribute__((aligned(8)));
	static size_t have, at;
	struct inotify_event *e;
	ssize_t n;

	if (at == have) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		have = n;
		at = 0;
	}
	e = (struct inotify_event *)(buf + at);
	*ev = *e;
	snprintf(name, len, "%s", e->len ? e->name : "");
	at += sizeof(*e) + e->len;
	return 0;
}

#define EXPECT_EVENT(fd, w, m, n) do {					\
	struct inotify_event ev;					\
	char name[256];							\
									\
	if (in_next(fd, &ev, name, sizeof(name)))			\
		return NOPE("no event, expected %#x on wd %d", m, w);	\
	if (ev.wd != (w) || ev.mask != (m) || strcmp(name, n))		\
		return NOPE("event %#x on wd %d \"%s\", expected %#x on wd %d \"%s\"", \
			    ev.mask, ev.wd, name, m, w, n);		\
} while (0)

/* the "inotify wd:" lines of @fd's fdinfo, sorted by wd, into @buf */
static char *in_fdinfo(int fd, char *buf, size_t len)
{
	char path[64], line[512], *lines[16];
	int i, j, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	buf[0] = '\0';
	if (!f)
		return buf;
	while (n < 16 && fgets(line, sizeof(line), f))
		if (!strncmp(line, "inotify wd:", 11))
			lines[n++] = strdup(line);
	fclose(f);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strtol(lines[j] + 11, NULL, 16) <
			    strtol(lines[i] + 11, NULL, 16)) {
				char *t = lines[i];

				lines[i] = lines[j];
				lines[j] = t;
			}
	for (i = 0; i < n; i++) {
		strncat(buf, lines[i], len - strlen(buf) - 1);
		free(lines[i]);
	}
	return buf;
}

static char in_before[2048];

/*
 * A watcher: a directory (creations, deletions), a file (one-shot
 * modification), a watch added and removed (the next watch descriptor is
 * 4), and a creation queued and not read yet.
 */
static int in_setup(void)
{
	int wd;

	mkdir(WDIR, 0755);
	unlink(WDIR "/queued");
	unlink(WDIR "/after");
	fds[1] = open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0600);
	fds[0] = inotify_init1(IN_NONBLOCK);
	if (fds[0] < 0 || fds[1] < 0 ||
	    inotify_add_watch(fds[0], WDIR, IN_CREATE | IN_DELETE) != 1 ||
	    inotify_add_watch(fds[0], DATA, IN_MODIFY | IN_ONESHOT) != 2)
		return -1;
	wd = inotify_add_watch(fds[0], "/tmp", IN_ATTRIB);
	if (wd != 3 || inotify_rm_watch(fds[0], wd))
		return -1;
	/* the IN_IGNORED of the watch removed, then a creation */
	fds[2] = open(WDIR "/queued", O_CREAT | O_WRONLY, 0600);
	if (fds[2] < 0)
		return -1;
	in_fdinfo(fds[0], in_before, sizeof(in_before));
	return 0;
}

static int in_verify(void)
{
	char after[2048];

	if (!nonblocking(fds[0]))
		return NOPE("not IN_NONBLOCK any more");
	if (strcmp(in_fdinfo(fds[0], after, sizeof(after)), in_before))
		return NOPE("watches before:\n%safter:\n%s", in_before, after);
	EXPECT_EVENT(fds[0], 3, IN_IGNORED, "");
	EXPECT_EVENT(fds[0], 1, IN_CREATE, "queued");
	if (read(fds[0], after, sizeof(after)) != -1 || errno != EAGAIN)
		return NOPE("more events were queued than before");
	/* the watches go on seeing */
	if (unlink(WDIR "/queued") || write(fds[1], "x", 1) != 1 ||
	    write(fds[1], "y", 1) != 1)
		return NOPE("could not touch the watched files");
	EXPECT_EVENT(fds[0], 1, IN_DELETE, "queued");
	EXPECT_EVENT(fds[0], 2, IN_MODIFY, "");
	/* one-shot: removed after its event */
	EXPECT_EVENT(fds[0], 2, IN_IGNORED, "");
	if (inotify_add_watch(fds[0], "/tmp", IN_ATTRIB) != 4)
		return NOPE("the next watch descriptor is not 4");
	return 0;
}

/* create WDIR/<c><i> for i in [0, n) */
static int in_create(char c, int n)
{
	char name[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), WDIR "/%c%d", c, i);
		if (close(open(name, O_CREAT | O_WRONLY, 0600)))
			return -1;
	}
	return 0;
}

/* expect the creations of WDIR/<c><i> for i in [0, n) */
static int in_expect_created(int fd, char c, int n)
{
	char name[8];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%c%d", c, i);
		EXPECT_EVENT(fd, 1, IN_CREATE, name);
	}
	return 0;
}

/*
 * A queue that overflowed: its limit (4, the sysctl's when it was made),
 * its events (distinct, so none is merged), the overflow event.
 */
static int in_overflow_setup(void)
{
	char old[32] = "";
	int fd, ret = 0;

	mkdir(WDIR, 0755);
	fd = open(QMAX, O_RDWR);
	if (fd < 0 || read(fd, old, sizeof(old) - 1) <= 0)
		return -1;
	/* the instance keeps the limit it was made with */
	if (pwrite(fd, "4\n", 2, 0) != 2)
		ret = -1;
	fds[0] = inotify_init1(0);
	if (pwrite(fd, old, strlen(old), 0) != (ssize_t)strlen(old))
		ret = -1;
	close(fd);
	if (ret || fds[0] < 0 ||
	    inotify_add_watch(fds[0], WDIR, IN_CREATE) != 1)
		return -1;
	return in_create('o', 6);
}

static int in_overflow_verify(void)
{
	if (in_expect_created(fds[0], 'o', 4))
		return -1;
	EXPECT_EVENT(fds[0], -1, IN_Q_OVERFLOW, "");
	/* room again, for 4 */
	if (in_create('p', 6))
		return NOPE("could not create files");
	if (in_expect_created(fds[0], 'p', 4))
		return -1;
	EXPECT_EVENT(fds[0], -1, IN_Q_OVERFLOW, "");
	return 0;
}

/*
 * An event loop with everything: an epoll set over an eventfd, a
 * signalfd, a periodic timerfd, a pipe, an inotify watcher and a unix
 * stream socket with a byte waiting, served until each has spoken.
 */
static int loop_setup(void)
{
	sigset_t set = sfd_mask();
	int p[2];

	if (sigprocmask(SIG_BLOCK, &set, NULL) || pipe2(p, O_NONBLOCK))
		return -1;
	fds[0] = epoll_create1(EPOLL_CLOEXEC);
	fds[1] = eventfd(0, EFD_NONBLOCK);
	fds[2] = signalfd(-1, &set, SFD_NONBLOCK);
	fds[3] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	fds[4] = p[0];
	fds[5] = p[1];
	fds[6] = inotify_init1(IN_NONBLOCK);
	mkdir(WDIR, 0755);
	unlink(WDIR "/loop");
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0 ||
	    fds[6] < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds + 7) ||
	    write(fds[8], "u", 1) != 1 ||
	    ep_add(fds[0], fds[7], EPOLLIN, 6) ||
	    inotify_add_watch(fds[6], WDIR, IN_CREATE) != 1 ||
	    ep_add(fds[0], fds[6], EPOLLIN, 5) ||
	    ep_add(fds[0], fds[1], EPOLLIN, 1) ||
	    ep_add(fds[0], fds[2], EPOLLIN, 2) ||
	    ep_add(fds[0], fds[3], EPOLLIN, 3) ||
	    ep_add(fds[0], fds[4], EPOLLIN | EPOLLET, 4) ||
	    tfd_arm(fds[3], 0, MS(200), MS(200)))
		return -1;
	return 0;
}

static int loop_verify(void)
{
	struct epoll_event ev[4];
	unsigned int seen = 0;
	uint64_t v = 1;
	int i, n, rounds = 0;
	char c;

	if (write(fds[1], &v, 8) != 8 || kill(getpid(), SIGUSR2) ||
	    write(fds[5], "x", 1) != 1 ||
	    close(open(WDIR "/loop", O_CREAT | O_WRONLY, 0600)))
		return NOPE("could not poke the loop");
	while (seen != 0x7e && rounds++ < 50) {
		n = epoll_wait(fds[0], ev, 4, 200);
		for (i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			seen |= 1u << ev[i].data.u64;
			switch (ev[i].data.u64) {
			case 1:
			case 3:
				read(ev[i].data.u64 == 1 ? fds[1] : fds[3],
				     &v, 8);
				break;
			case 2:
				sfd_read(fds[2], &si);
				break;
			case 4:
				read(fds[4], &c, 1);
				break;
			case 5:
				EXPECT_EVENT(fds[6], 1, IN_CREATE, "loop");
				break;
			case 6:
				read(fds[7], &c, 1);
				break;
			}
		}
	}
	if (seen != 0x7e)
		return NOPE("the loop heard from %#x, expected 0x7e", seen);
	return 0;
}

/* ---- unix sockets -------------------------------------------------------- */

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD	76
#endif

/* an int option of @fd, or -1 */
static int sock_int(int fd, int opt)
{
	socklen_t len = sizeof(int);
	int v;

	return getsockopt(fd, SOL_SOCKET, opt, &v, &len) ? -1 : v;
}

static int set_int(int fd, int opt, int v)
{
	return setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
}

/* @len bytes that depend on @seed and on their place, so a lost one shows */
static void fill(char *buf, size_t len, int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(i * 31 + i / 251 + seed);
}

/*
 * Take the next @len bytes of @fd (a stream, or one datagram of @len
 * bytes) and expect @want: they are queued already (sent before the
 * checkpoint, or just now), so nothing waits for them.
 */
static bool took(int fd, const char *want, size_t len)
{
	static char buf[65536];
	size_t got = 0;
	ssize_t n;

	while (got < len && len <= sizeof(buf)) {
		n = recv(fd, buf + got, len - got, MSG_DONTWAIT);
		if (n <= 0)
			return false;
		got += n;
	}
	return got == len && !memcmp(buf, want, len);
}

/* nothing more is queued on @fd */
static bool drained(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN;
}

#define US_BIG	40000

/*
 * A stream pair, with bytes both ways: A (fds[0]) sent "hello " and
 * "world" to B, which read "hel" of it (a buffer partly consumed); B
 * (fds[1], O_NONBLOCK) sent "abc" and 40000 more bytes that A has not
 * read.
 */
static int us_data_setup(void)
{
	static char big[US_BIG];
	char buf[3];

	fill(big, US_BIG, 1);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    write(fds[0], "hello ", 6) != 6 || write(fds[0], "world", 5) != 5 ||
	    read(fds[1], buf, 3) != 3 || write(fds[1], "abc", 3) != 3 ||
	    write(fds[1], big, US_BIG) != US_BIG)
		return -1;
	return fcntl(fds[1], F_SETFL, O_NONBLOCK);
}

static int us_data_verify(void)
{
	static char want[US_BIG];
	char c;

	if (sock_int(fds[0], SO_TYPE) != SOCK_STREAM ||
	    sock_int(fds[1], SO_TYPE) != SOCK_STREAM)
		return NOPE("not stream sockets any more");
	if (nonblocking(fds[0]) || !nonblocking(fds[1]))
		return NOPE("O_NONBLOCK is not on B alone any more");
	/* B goes on where it stopped reading; O_NONBLOCK: EAGAIN when empty */
	if (!took(fds[1], "lo world", 8))
		return NOPE("B did not read the \"lo world\" left");
	if (read(fds[1], &c, 1) != -1 || errno != EAGAIN)
		return NOPE("B read more than was sent, or blocked");
	fill(want, US_BIG, 1);
	if (!took(fds[0], "abc", 3) || !took(fds[0], want, US_BIG))
		return NOPE("A did not read the 40003 bytes B sent");
	if (!drained(fds[0]))
		return NOPE("A read more than B sent");
	if (write(fds[0], "ping", 4) != 4 || !took(fds[1], "ping", 4) ||
	    write(fds[1], "pong", 4) != 4 || !took(fds[0], "pong", 4))
		return NOPE("no round trip after the restart");
	return 0;
}

/* the datagrams A sends B: a zero-length one, a few KB, two to cut short */
static const size_t ud_sizes[] = { 3, 0, 4096, 1, 100, 40 };

static int ud_setup(void)
{
	char buf[4096];
	size_t i;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, fds))
		return -1;
	for (i = 0; i < ARRAY_SIZE(ud_sizes); i++) {
		fill(buf, ud_sizes[i], i);
		if (send(fds[0], buf, ud_sizes[i], 0) != (ssize_t)ud_sizes[i])
			return -1;
	}
	return 0;
}

static int ud_verify(void)
{
	char want[4096], buf[8192];
	struct iovec iov = { .iov_base = buf, .iov_len = 2 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int i;

	if (sock_int(fds[1], SO_TYPE) != SOCK_DGRAM)
		return NOPE("not a datagram socket any more");
	/* one datagram per recv(), however large the buffer */
	for (i = 0; i < 4; i++) {
		fill(want, ud_sizes[i], i);
		n = recv(fds[1], buf, sizeof(buf), MSG_DONTWAIT);
		if (n != (ssize_t)ud_sizes[i] || memcmp(buf, want, n))
			return NOPE("datagram %d: %zd bytes, expected %zu", i,
				    n, ud_sizes[i]);
	}
	/* MSG_TRUNC tells the length; a short buffer drops the rest */
	fill(want, 100, 4);
	n = recv(fds[1], buf, 10, MSG_DONTWAIT | MSG_TRUNC);
	if (n != 100 || memcmp(buf, want, 10))
		return NOPE("MSG_TRUNC gave %zd, expected datagram 4's 100", n);
	fill(want, 40, 5);
	n = recvmsg(fds[1], &msg, MSG_DONTWAIT);
	if (n != 2 || !(msg.msg_flags & MSG_TRUNC) || memcmp(buf, want, 2))
		return NOPE("datagram 5 into 2 bytes: %zd, flags %#x", n,
			    msg.msg_flags);
	if (!drained(fds[1]))
		return NOPE("more datagrams than were sent");
	if (send(fds[1], "back", 4, 0) != 4 ||
	    recv(fds[0], buf, sizeof(buf), MSG_DONTWAIT) != 4 ||
	    memcmp(buf, "back", 4))
		return NOPE("no datagram the other way");
	return 0;
}

static const char *const ushut_recs[] = { "one", "two two", "three" };

/*
 * Ends shut down: A (fds[0]) of a seqpacket pair sent three records to
 * B, then shut down for writing; C (fds[2]) of a stream pair, with
 * "late" queued to it by D, shut down for reading.
 */
static int ushut_setup(void)
{
	size_t len;
	int i;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, fds + 2))
		return -1;
	for (i = 0; i < 3; i++) {
		len = strlen(ushut_recs[i]);
		if (send(fds[0], ushut_recs[i], len, 0) != (ssize_t)len)
			return -1;
	}
	return shutdown(fds[0], SHUT_WR) || write(fds[3], "late", 4) != 4 ||
	       shutdown(fds[2], SHUT_RD) ? -1 : 0;
}

static int ushut_verify(void)
{
	char buf[16];
	ssize_t n;
	int i;

	for (i = 0; i < 3; i++) {
		n = recv(fds[1], buf, sizeof(buf), MSG_DONTWAIT);
		if (n != (ssize_t)strlen(ushut_recs[i]) ||
		    memcmp(buf, ushut_recs[i], n))
			return NOPE("record %d: %zd bytes", i, n);
	}
	n = recv(fds[1], buf, sizeof(buf), MSG_DONTWAIT);
	if (n)
		return NOPE("after the records: %zd (%s), expected 0: EOF", n,
			    n < 0 ? strerrorname_np(errno) : "data");
	if (send(fds[0], "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		return NOPE("A, shut for writing, sends");
	/* the other way is open */
	if (send(fds[1], "back", 4, MSG_NOSIGNAL) != 4 ||
	    recv(fds[0], buf, sizeof(buf), MSG_DONTWAIT) != 4)
		return NOPE("B cannot send to A");
	/* shut for reading: what was queued, then EOF; D cannot send */
	if (!took(fds[2], "late", 4) || recv(fds[2], buf, 1, MSG_DONTWAIT))
		return NOPE("C, shut for reading: not \"late\" then EOF");
	if (send(fds[3], "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		return NOPE("D sends to C, which is shut for reading");
	if (write(fds[2], "still", 5) != 5 || !took(fds[3], "still", 5))
		return NOPE("C cannot write");
	return 0;
}

/* the options a unix socket keeps, as getsockopt() reports them */
#define UO(o)	{ o, #o, false }
static const struct {
	int opt;
	const char *name;
	bool tv;
} uo_opts[] = {
	UO(SO_SNDBUF), UO(SO_RCVBUF), UO(SO_RCVLOWAT), UO(SO_PASSCRED),
	UO(SO_PASSSEC), UO(SO_PASSPIDFD), UO(SO_PEEK_OFF), UO(SO_PRIORITY),
	UO(SO_MARK), UO(SO_KEEPALIVE), UO(SO_REUSEADDR),
	{ SO_RCVTIMEO, "SO_RCVTIMEO", true },
	{ SO_SNDTIMEO, "SO_SNDTIMEO", true },
};

static char *uo_show(int fd, char *buf, size_t len)
{
	struct timeval tv;
	size_t i, at = 0;
	socklen_t sl;
	int v;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(uo_opts) && at < len; i++) {
		sl = uo_opts[i].tv ? sizeof(tv) : sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, uo_opts[i].opt,
			       uo_opts[i].tv ? (void *)&tv : (void *)&v, &sl))
			at += snprintf(buf + at, len - at, "%s=%s ",
				       uo_opts[i].name, strerrorname_np(errno));
		else if (uo_opts[i].tv)
			at += snprintf(buf + at, len - at, "%s=%ld.%06ld ",
				       uo_opts[i].name, (long)tv.tv_sec,
				       (long)tv.tv_usec);
		else
			at += snprintf(buf + at, len - at, "%s=%d ",
				       uo_opts[i].name, v);
	}
	return buf;
}

static char uo_before[2][1024];

/*
 * Options on both ends of a stream pair: A (fds[0]) with its buffers,
 * low mark, timeouts, credentials, priority and mark set; B (fds[1])
 * passing its peer's security label and pidfd, with a peek offset that
 * a peek moved to 2, and SO_KEEPALIVE and SO_REUSEADDR (which redis
 * sets on its unix sockets) on. What getsockopt() reported is kept for verify().
 */
static int uo_setup(void)
{
	struct timeval rcv = { 0, 200000 }, snd = { 1, 500000 };
	char buf[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    set_int(fds[0], SO_SNDBUF, 12345) ||
	    set_int(fds[0], SO_RCVBUF, 23456) ||
	    set_int(fds[0], SO_RCVLOWAT, 3) ||
	    set_int(fds[0], SO_PASSCRED, 1) ||
	    set_int(fds[0], SO_PRIORITY, 5) ||
	    set_int(fds[0], SO_MARK, 42) ||
	    set_int(fds[1], SO_KEEPALIVE, 1) ||
	    set_int(fds[1], SO_REUSEADDR, 1) ||
	    setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)) ||
	    setsockopt(fds[0], SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd)) ||
	    set_int(fds[1], SO_PASSSEC, 1) ||
	    set_int(fds[1], SO_PASSPIDFD, 1) ||
	    set_int(fds[1], SO_PEEK_OFF, 0))
		return -1;
	if (write(fds[0], "abcdef", 6) != 6 ||
	    recv(fds[1], buf, 2, MSG_PEEK) != 2)
		return -1;
	uo_show(fds[0], uo_before[0], sizeof(uo_before[0]));
	uo_show(fds[1], uo_before[1], sizeof(uo_before[1]));
	return 0;
}

static int uo_verify(void)
{
	char after[1024], buf[2] = "";
	ssize_t n;
	int i;

	for (i = 0; i < 2; i++)
		if (strcmp(uo_show(fds[i], after, sizeof(after)),
			   uo_before[i]))
			return NOPE("end %d before: %s\nafter: %s", i,
				    uo_before[i], after);
	/* the next peek starts at the peek offset */
	if (recv(fds[1], buf, 2, MSG_PEEK | MSG_DONTWAIT) != 2 ||
	    memcmp(buf, "cd", 2))
		return NOPE("peeked \"%.2s\", expected cd", buf);
	/* a read of the empty A gives up after SO_RCVTIMEO (200 ms) */
	alarm(10);
	n = read(fds[0], buf, 1);
	alarm(0);
	if (n != -1 || errno != EAGAIN)
		return NOPE("a read of the empty A gave %zd (%s), not EAGAIN",
			    n, strerrorname_np(errno));
	return 0;
}

/*
 * A pair of @type whose end A was closed, having sent "to B" and "again"
 * to B; when @unread, B had sent "to A", which A never read. Returns B.
 */
static int half_closed(int type, bool unread)
{
	int sv[2];

	if (socketpair(AF_UNIX, type, 0, sv))
		return -1;
	if (send(sv[0], "to B", 4, 0) != 4 || send(sv[0], "again", 5, 0) != 5 ||
	    (unread && send(sv[1], "to A", 4, 0) != 4)) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	close(sv[0]);
	return sv[1];
}

static const struct {
	int type;
	bool unread;
} uh_cases[] = {
	{ SOCK_STREAM, true }, { SOCK_STREAM, false },
	{ SOCK_SEQPACKET, true }, { SOCK_DGRAM, true },
};

/*
 * What a program sees of @fd, an end whose peer was closed: poll(),
 * receptions until EOF (at most 6), two sends, poll() again.
 */
static char *uh_story(int fd, char *out, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP };
	size_t at = 0;
	char buf[16];
	ssize_t n;
	int i;

	p.revents = 0;
	poll(&p, 1, 0);
	at += snprintf(out + at, len - at, "poll %#x;", p.revents);
	for (i = 0; i < 6; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			at += snprintf(out + at, len - at, " recv %s;",
				       strerrorname_np(errno));
		else
			at += snprintf(out + at, len - at, " recv \"%.*s\";",
				       (int)n, buf);
		if (!n || at >= len)
			break;
	}
	for (i = 0; i < 2 && at < len; i++) {
		n = send(fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		at += snprintf(out + at, len - at, " send %s;",
			       n < 0 ? strerrorname_np(errno) : "ok");
	}
	p.revents = 0;
	poll(&p, 1, 0);
	if (at < len)
		snprintf(out + at, len - at, " poll %#x", p.revents);
	return out;
}

/*
 * Ends whose peer was closed: stream with unread data at the peer (a
 * pending ECONNRESET), stream without, seqpacket, datagram; each must
 * behave as such an end made now does.
 */
static int uh_setup(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(uh_cases); i++) {
		fds[i] = half_closed(uh_cases[i].type, uh_cases[i].unread);
		if (fds[i] < 0)
			return -1;
	}
	return 0;
}

static int uh_verify(void)
{
	char got[512], want[512];
	size_t i;
	int ref;

	for (i = 0; i < ARRAY_SIZE(uh_cases); i++) {
		ref = half_closed(uh_cases[i].type, uh_cases[i].unread);
		if (ref < 0)
			return NOPE("cannot make a reference pair");
		uh_story(fds[i], got, sizeof(got));
		uh_story(ref, want, sizeof(want));
		close(ref);
		if (strcmp(got, want))
			return NOPE("case %zu: %s\nexpected: %s", i, got, want);
	}
	return 0;
}

/* recvmsg() of @fd, without waiting, and the credentials (pid 0: none) */
static ssize_t recv_cred(int fd, char *buf, size_t len, struct ucred *uc)
{
	char cbuf[CMSG_SPACE(sizeof(*uc))] __attribute__((aligned(8)));
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	memset(uc, 0, sizeof(*uc));
	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	cm = n < 0 ? NULL : CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_level == SOL_SOCKET &&
	    cm->cmsg_type == SCM_CREDENTIALS)
		memcpy(uc, CMSG_DATA(cm), sizeof(*uc));
	return n;
}

/* the next message of @fd is @want, from @pid with our uid and gid */
static int expect_from(int fd, const char *want, pid_t pid)
{
	struct ucred uc;
	char buf[64];
	ssize_t n = recv_cred(fd, buf, sizeof(buf), &uc);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		return NOPE("read %zd bytes, expected \"%s\"", n, want);
	if (uc.pid != pid || uc.uid != getuid() || uc.gid != getgid())
		return NOPE("\"%s\" from pid %d uid %u gid %u, expected %d %u %u",
			    want, uc.pid, uc.uid, uc.gid, pid, getuid(),
			    getgid());
	return 0;
}

/* SO_PEERCRED of @fd: @pid, with our uid and gid */
static int expect_peercred(int fd, pid_t pid)
{
	struct ucred uc = {};
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) ||
	    uc.pid != pid || uc.uid != getuid() || uc.gid != getgid())
		return NOPE("SO_PEERCRED of fd %d: pid %d uid %u gid %u, expected %d",
			    fd, uc.pid, uc.uid, uc.gid, pid);
	return 0;
}

/*
 * Credentials: a datagram pair and a stream pair made by the root, whose
 * receiving ends (fds[0], fds[2]) pass credentials. A child of the tree
 * (fds[4], alive) sent "child" on each, then the root sent "root": a
 * stream read does not glue the bytes of two writers.
 */
static int ucred_setup(void)
{
	pid_t child;
	char c;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, fds) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, fds + 2) ||
	    set_int(fds[0], SO_PASSCRED, 1) || set_int(fds[2], SO_PASSCRED, 1))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		if (send(fds[1], "child", 5, 0) != 5 ||
		    write(fds[3], "child", 5) != 5)
			_exit(1);
		for (;;)
			pause();
	}
	fds[4] = child;
	/* wait for the child's messages: they come first */
	if (recv(fds[0], &c, 1, MSG_PEEK) != 1 ||
	    recv(fds[2], &c, 1, MSG_PEEK) != 1)
		return -1;
	return send(fds[1], "root", 4, 0) != 4 ||
	       write(fds[3], "root", 4) != 4 ? -1 : 0;
}

static int ucred_verify(void)
{
	int i, ret;

	ret = expect_from(fds[0], "child", fds[4]) ?:
	      expect_from(fds[0], "root", getpid()) ?:
	      expect_from(fds[2], "child", fds[4]) ?:
	      expect_from(fds[2], "root", getpid());
	for (i = 0; i < 4 && !ret; i++)
		ret = expect_peercred(fds[i], getpid());
	kill(fds[4], SIGKILL);
	waitpid(fds[4], NULL, 0);
	return ret;
}

/* the child of upc_setup(): answers each message in capitals, until EOF */
static void upc_child(int fd)
{
	char buf[64];
	ssize_t n, i;

	if (write(fd, "hello parent", 12) != 12)
		_exit(1);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++)
			buf[i] = toupper((unsigned char)buf[i]);
		if (write(fd, buf, n) != n)
			_exit(1);
	}
	_exit(n ? 2 : 0);
}

/*
 * A stream pair between the root (fds[0]) and its child (fds[2]), which
 * holds the other end and sits in read(); its greeting waits unread.
 */
static int upc_setup(void)
{
	pid_t child;
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		close(fds[0]);
		upc_child(fds[1]);
	}
	fds[2] = child;
	return close(fds[1]) || recv(fds[0], &c, 1, MSG_PEEK) != 1 ? -1 : 0;
}

static int upc_verify(void)
{
	struct pollfd p = { .events = POLLIN };
	char msg[8], want[8];
	int i, status;

	if (!took(fds[0], "hello parent", 12))
		return NOPE("the child's greeting is lost");
	p.fd = fds[0];
	for (i = 0; i < 3; i++) {
		snprintf(msg, sizeof(msg), "ping %d", i);
		snprintf(want, sizeof(want), "PING %d", i);
		if (write(fds[0], msg, 6) != 6 || poll(&p, 1, 10000) != 1 ||
		    !took(fds[0], want, 6))
			return NOPE("no answer to \"%s\"", msg);
	}
	/* EOF ends the child */
	close(fds[0]);
	status = lite_status(fds[2], 10);
	if (status)
		return NOPE("the child ended with status %#x", status);
	return 0;
}

/* this test's abstract name @tag: "\0ckpt-matrix-PID-TAG" */
static socklen_t un_name(struct sockaddr_un *a, const char *tag)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1,
		     "ckpt-matrix-%d-%s", getpid(), tag);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

/* the errno of a send() on a new unconnected socket of @type */
static int fresh_send_errno(int type)
{
	int fd = socket(AF_UNIX, type, 0), err;

	if (fd < 0)
		return -1;
	err = send(fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? errno : 0;
	close(fd);
	return err;
}

/* sockets never bound nor connected: datagram, and stream non-blocking */
static int uu_setup(void)
{
	fds[0] = socket(AF_UNIX, SOCK_DGRAM, 0);
	fds[1] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	return fds[0] < 0 || fds[1] < 0 ? -1 : 0;
}

static int uu_verify(void)
{
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
	struct sockaddr_un a;
	socklen_t len;
	int i, want, s, c;

	for (i = 0; i < 2; i++) {
		if (sock_int(fds[i], SO_TYPE) != types[i])
			return NOPE("fd %d: SO_TYPE %d, expected %d", fds[i],
				    sock_int(fds[i], SO_TYPE), types[i]);
		len = sizeof(a);
		if (getsockname(fds[i], (struct sockaddr *)&a, &len) ||
		    len != sizeof(sa_family_t))
			return NOPE("fd %d is bound", fds[i]);
		want = fresh_send_errno(types[i]);
		if (send(fds[i], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT) != -1 ||
		    errno != want)
			return NOPE("send on fd %d: %s, on a new socket: %s",
				    fds[i], strerrorname_np(errno),
				    strerrorname_np(want));
	}
	if (!nonblocking(fds[1]))
		return NOPE("the stream socket lost O_NONBLOCK");
	/* still sockets: one binds and receives, the other connects */
	len = un_name(&a, "dgram");
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s < 0 || bind(fds[0], (struct sockaddr *)&a, len) ||
	    sendto(s, "hi", 2, 0, (struct sockaddr *)&a, len) != 2 ||
	    !took(fds[0], "hi", 2))
		return NOPE("the datagram socket cannot be bound and used: %s",
			    strerror(errno));
	close(s);
	len = un_name(&a, "stream");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) || listen(s, 1) ||
	    connect(fds[1], (struct sockaddr *)&a, len))
		return NOPE("the stream socket cannot connect: %s",
			    strerror(errno));
	c = accept(s, NULL, NULL);
	if (c < 0 || write(c, "hi", 2) != 2 || !took(fds[1], "hi", 2))
		return NOPE("the stream socket cannot read: %s",
			    strerror(errno));
	close(c);
	close(s);
	return 0;
}

/* ---- unix sockets with names ------------------------------------------- */

/* getsockname() of @fd (with @peer getpeername()) reports @want */
static bool has_name(int fd, bool peer, const struct sockaddr_un *want,
		     socklen_t want_len)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	if (peer ? getpeername(fd, (struct sockaddr *)&a, &len) :
		   getsockname(fd, (struct sockaddr *)&a, &len))
		return false;
	return len == want_len && !memcmp(&a, want, len);
}

static ino_t ub_ino;	/* SOCK's socket inode, as the socket was bound */

/* a datagram socket (fds[0]) bound to the path SOCK */
static int ub_path_setup(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = SOCK };
	struct stat st;

	unlink(SOCK);
	fds[0] = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fds[0] < 0 || bind(fds[0], (struct sockaddr *)&a, sizeof(a)) ||
	    stat(SOCK, &st))
		return -1;
	ub_ino = st.st_ino;
	return 0;
}

/*
 * Restored, it is bound again to its socket inode at SOCK (the one the
 * killed original left there), reports that name, and receives what is
 * sent to the path.
 */
static int ub_path_verify(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = SOCK };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + sizeof(SOCK);
	struct stat st;
	int s;

	if (stat(SOCK, &st) || !S_ISSOCK(st.st_mode) || st.st_ino != ub_ino)
		return NOPE("%s is not the socket inode %lu any more", SOCK,
			    (unsigned long)ub_ino);
	if (!has_name(fds[0], false, &a, len))
		return NOPE("getsockname() does not report %s", SOCK);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (s < 0 || sendto(s, "hi", 2, 0, (struct sockaddr *)&a,
			    sizeof(a)) != 2 || !took(fds[0], "hi", 2))
		return NOPE("the socket bound to %s does not receive", SOCK);
	close(s);
	return 0;
}

/*
 * A connection through an abstract name whose listener is closed: the
 * client (fds[0]) is connected to the name, the accepted end (fds[1])
 * has it and has "queued" waiting.
 */
static int ub_conn_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = un_name(&a, "conn");
	int l = socket(AF_UNIX, SOCK_STREAM, 0);

	fds[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || fds[0] < 0 || bind(l, (struct sockaddr *)&a, len) ||
	    listen(l, 1) || connect(fds[0], (struct sockaddr *)&a, len))
		return -1;
	fds[1] = accept(l, NULL, NULL);
	if (fds[1] < 0 || close(l))
		return -1;
	return write(fds[0], "queued", 6) != 6 ? -1 : 0;
}

/*
 * Restored: the accepted end reads what waited, has the listener's name
 * and the client sees it as its peer's, SO_PEERCRED of both is the root
 * (which connected and listened); the connection carries bytes both ways;
 * and the accepted end is not bound to the name: nothing listens there.
 */
static int ub_conn_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = un_name(&a, "conn");
	int s, ret;

	if (!took(fds[1], "queued", 6))
		return NOPE("the accepted end lost the bytes that waited");
	if (!has_name(fds[1], false, &a, len) || !has_name(fds[0], true, &a, len))
		return NOPE("the accepted end, or the client's peer, does not have the listener's name");
	ret = expect_peercred(fds[0], getpid()) ?:
	      expect_peercred(fds[1], getpid());
	if (ret)
		return ret;
	if (write(fds[0], "ab", 2) != 2 || !took(fds[1], "ab", 2) ||
	    write(fds[1], "cd", 2) != 2 || !took(fds[0], "cd", 2))
		return NOPE("the connection does not carry bytes");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ret = connect(s, (struct sockaddr *)&a, len);
	close(s);
	if (ret != -1 || errno != ECONNREFUSED)
		return NOPE("connect to the closed listener's name: %s, expected ECONNREFUSED",
			    ret ? strerrorname_np(errno) : "connected");
	return 0;
}

/* a listening socket (bound too: unix sockets listen on a name) */
static int ul_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = un_name(&a, "listen");

	fds[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	return fds[0] < 0 || bind(fds[0], (struct sockaddr *)&a, len) ||
	       listen(fds[0], 4) ? -1 : 0;
}

/*
 * Restored, it listens on its name again: a new client connects, is
 * accepted and served, and SO_PEERCRED tells it the root listened.
 */
static int ul_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = un_name(&a, "listen");
	int c = socket(AF_UNIX, SOCK_STREAM, 0), s;

	if (!has_name(fds[0], false, &a, len))
		return NOPE("the listener lost its name");
	if (c < 0 || connect(c, (struct sockaddr *)&a, len))
		return NOPE("cannot connect to the listener: %s",
			    strerror(errno));
	if (expect_peercred(c, getpid()))
		return -1;
	s = accept(fds[0], NULL, NULL);
	if (s < 0 || write(c, "hi", 2) != 2 || !took(s, "hi", 2) ||
	    write(s, "ho", 2) != 2 || !took(c, "ho", 2))
		return NOPE("the listener does not accept");
	if (!has_name(s, false, &a, len))
		return NOPE("the accepted socket does not have the listener's name");
	close(s);
	close(c);
	return 0;
}

/* ---- madvise() advice ----------------------------------------------------- */

#define ADV_PAGE	4096
#define ADV_N		6

static const int adv_advice[ADV_N] = {
	MADV_DONTFORK, MADV_WIPEONFORK, MADV_DONTDUMP, MADV_HUGEPAGE,
	MADV_NOHUGEPAGE, MADV_MERGEABLE,
};

/* what /proc/PID/smaps's VmFlags shows for each */
static const char *const adv_flag[ADV_N] = { "dc", "wf", "dd", "hg", "nh", "mg" };

static char *adv_map;

/* advice i on page 2i + 1 of the mapping, the pages between without */
static char *adv_page(int i)
{
	return adv_map + (2 * i + 1) * ADV_PAGE;
}

/* The VmFlags of the vma at @addr in /proc/self/smaps, or "" */
static const char *adv_vmflags(const void *addr)
{
	static char buf[1 << 18], out[256];
	char head[32], *p, *f;
	size_t len = 0;
	ssize_t n;
	int fd;

	/* smaps comes a few vmas per read() */
	out[0] = '\0';
	fd = open("/proc/self/smaps", O_RDONLY);
	if (fd < 0)
		return out;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	snprintf(head, sizeof(head), "\n%lx-", (unsigned long)addr);
	p = strstr(buf, head);
	if (!p)
		return out;
	f = strstr(p, "\nVmFlags:");
	if (f)
		snprintf(out, sizeof(out), "%.*s ", (int)strcspn(f + 9, "\n"),
			 f + 9);
	return out;
}

static bool adv_has(const void *addr, const char *flag)
{
	char word[8];

	snprintf(word, sizeof(word), " %s ", flag);
	return strstr(adv_vmflags(addr), word);
}

static int adv_setup(void)
{
	int i;

	adv_map = mmap(NULL, (2 * ADV_N + 1) * ADV_PAGE,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (adv_map == MAP_FAILED)
		return -1;
	for (i = 0; i < 2 * ADV_N + 1; i++)
		memset(adv_map + i * ADV_PAGE, 'a' + i, ADV_PAGE);
	for (i = 0; i < ADV_N; i++)
		if (madvise(adv_page(i), ADV_PAGE, adv_advice[i]))
			return -1;
	return 0;
}

static int adv_verify(void)
{
	int i, status;
	pid_t child;

	for (i = 0; i < ADV_N; i++) {
		if (!adv_has(adv_page(i), adv_flag[i]))
			return NOPE("page %d: VmFlags \"%s\" without %s", i,
				    adv_vmflags(adv_page(i)), adv_flag[i]);
		if (adv_has(adv_page(i) + ADV_PAGE, adv_flag[i]))
			return NOPE("the page after %d has %s too", i,
				    adv_flag[i]);
		if (adv_page(i)[0] != 'a' + 2 * i + 1 ||
		    adv_page(i)[ADV_PAGE - 1] != 'a' + 2 * i + 1)
			return NOPE("page %d lost its bytes", i);
	}
	/* what the advice does: fork leaves one out and wipes another */
	child = fork();
	if (child < 0)
		return NOPE("fork: %s", strerror(errno));
	if (!child)
		_exit(adv_vmflags(adv_page(0))[0] ? 1 :
		      adv_page(1)[0] != 0 ? 2 :
		      adv_page(2)[0] != 'a' + 5 ? 3 : 0);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return NOPE("the forked child found %#x (1: the DONTFORK page is mapped, 2: the WIPEONFORK page is not wiped)",
			    status);
	return 0;
}

/* ---- locked memory ------------------------------------------------------- */

#define LCK_N		4	/* pages of each locked mapping */

/* mlock(), mlock2(MLOCK_ONFAULT) with one page touched, MAP_LOCKED */
static char *lck_map[3];
static const char *const lck_how[3] = { "mlock()", "mlock2(MLOCK_ONFAULT)",
					"MAP_LOCKED" };

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT	0x01
#endif

/* How many of the @n pages at @addr are resident */
static int mincore_resident(void *addr, int n)
{
	unsigned char vec[LCK_N];
	int i, got = 0;

	if (n > LCK_N || mincore(addr, n * ADV_PAGE, vec))
		return -1;
	for (i = 0; i < n; i++)
		got += vec[i] & 1;
	return got;
}

/* The kB a "Key:" line of /proc/self/status shows */
static long lck_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static int lck_setup(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		lck_map[i] = mmap(NULL, LCK_N * ADV_PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS |
				  (i == 2 ? MAP_LOCKED : 0), -1, 0);
		if (lck_map[i] == MAP_FAILED)
			return -1;
	}
	if (mlock(lck_map[0], LCK_N * ADV_PAGE) ||
	    syscall(SYS_mlock2, lck_map[1], LCK_N * ADV_PAGE, MLOCK_ONFAULT))
		return -1;
	for (i = 0; i < LCK_N; i++)
		lck_map[0][i * ADV_PAGE] = 'A' + i;
	lck_map[1][0] = 'o';
	lck_map[2][ADV_PAGE] = 'm';
	return 0;
}

static int lck_verify(void)
{
	char status[4096];
	const char *f;
	long kb;
	int i;

	for (i = 0; i < 3; i++) {
		f = adv_vmflags(lck_map[i]);
		if (!strstr(f, " lo "))
			return NOPE("%s: VmFlags \"%s\" without lo", lck_how[i], f);
		if (!strstr(f, " lf ") != (i != 1))
			return NOPE("%s: VmFlags \"%s\" %s lf", lck_how[i], f,
				    i == 1 ? "without" : "with");
	}
	for (i = 0; i < LCK_N; i++)
		if (lck_map[0][i * ADV_PAGE] != 'A' + i)
			return NOPE("mlock()ed page %d lost its byte", i);
	if (lck_map[1][0] != 'o' || lck_map[2][ADV_PAGE] != 'm')
		return NOPE("a locked page lost its byte");
	/*
	 * Locked and resident: the whole mlock() and MAP_LOCKED mappings,
	 * the one page touched of the MLOCK_ONFAULT one
	 */
	if (lite_slurp("/proc/self/status", status, sizeof(status)) <= 0)
		return NOPE("/proc/self/status: %s", strerror(errno));
	kb = lck_kb(status, "VmLck:");
	if (kb < 3 * LCK_N * ADV_PAGE / 1024)
		return NOPE("VmLck: %ld kB, expected at least %d", kb,
			    3 * LCK_N * ADV_PAGE / 1024);
	if (mincore_resident(lck_map[0], LCK_N) != LCK_N ||
	    mincore_resident(lck_map[2], LCK_N) != LCK_N)
		return NOPE("a locked mapping is not all resident");
	if (mincore_resident(lck_map[1], LCK_N) != 1)
		return NOPE("the MLOCK_ONFAULT mapping has %d pages resident, not the one touched",
			    mincore_resident(lck_map[1], LCK_N));
	/* and the locks are the program's: munlock() takes one away */
	if (munlock(lck_map[0], LCK_N * ADV_PAGE))
		return NOPE("munlock: %s", strerror(errno));
	if (strstr(adv_vmflags(lck_map[0]), " lo "))
		return NOPE("still locked after munlock()");
	return 0;
}

/*
 * mlockall(MCL_FUTURE | MCL_ONFAULT): what the program maps after the
 * restart is locked on fault; what it mapped before and never locked is
 * not locked by the restart.
 */
static char *lcf_before;

static int lcf_setup(void)
{
	lcf_before = mmap(NULL, ADV_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (lcf_before == MAP_FAILED)
		return -1;
	lcf_before[0] = 'b';
	return mlockall(MCL_FUTURE | MCL_ONFAULT);
}

static int lcf_verify(void)
{
	const char *f = adv_vmflags(lcf_before);
	char *after;

	if (strstr(f, " lo ") || lcf_before[0] != 'b')
		return NOPE("the mapping made before mlockall(): VmFlags \"%s\"", f);
	after = mmap(NULL, 2 * ADV_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (after == MAP_FAILED)
		return NOPE("mmap: %s", strerror(errno));
	f = adv_vmflags(after);
	if (!strstr(f, " lo ") || !strstr(f, " lf "))
		return NOPE("a mapping made after the restart: VmFlags \"%s\", expected lo and lf",
			    f);
	if (mincore_resident(after, 2))
		return NOPE("MCL_ONFAULT: the new mapping was populated");
	return 0;
}

/* ---- memfd --------------------------------------------------------------- */

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL	0x0008U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC	0x0020
#endif

#define MFD_PAGE	4096
#define MFD_SIZE	(3 * MFD_PAGE + 100)	/* memfd_kept's: not page aligned */
#define MFD_MARK	"written by the child"

/* Byte @off of page @page of a memfd's contents: never 0 */
static char mfd_byte(int page, int off)
{
	return 1 + (page * 37 + off * 13) % 251;
}

static void mfd_fill(char *buf, int page)
{
	int i;

	for (i = 0; i < MFD_PAGE; i++)
		buf[i] = mfd_byte(page, i);
}

/* Does page @page of @fd (pread) hold its bytes? */
static bool mfd_page_ok(int fd, int page)
{
	char buf[MFD_PAGE], want[MFD_PAGE];

	mfd_fill(want, page);
	return pread(fd, buf, MFD_PAGE, (off_t)page * MFD_PAGE) == MFD_PAGE &&
	       !memcmp(buf, want, MFD_PAGE);
}

/* Are the @len bytes of @fd at @off (pread) all zero? */
static bool mfd_zero(int fd, off_t off, size_t len)
{
	char buf[MFD_PAGE];
	size_t i;

	if (len > sizeof(buf) || pread(fd, buf, len, off) != (ssize_t)len)
		return false;
	for (i = 0; i < len; i++)
		if (buf[i])
			return false;
	return true;
}

/* What /proc/self/fd/@fd links to, or "" */
static const char *fd_link(int fd)
{
	static char link[2][256];
	static int k;
	char path[64];
	char *l = link[k++ % 2];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, l, sizeof(link[0]) - 1);
	l[n > 0 ? n : 0] = '\0';
	return l;
}

/* The line of /proc/self/maps of the mapping at @addr, or "" */
static const char *map_line(const void *addr)
{
	static char buf[1 << 17], out[512];
	char head[32], *p;
	size_t len = 0;
	ssize_t n;
	int fd;

	out[0] = '\0';
	fd = open("/proc/self/maps", O_RDONLY);
	if (fd < 0)
		return out;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	snprintf(head, sizeof(head), "%lx-", (unsigned long)addr);
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, head, strlen(head))) {
			snprintf(out, sizeof(out), "%.*s", (int)strcspn(p, "\n"), p);
			break;
		}
	return out;
}

/* Does the string @s end with @tail? */
static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && !strcmp(s + n - k, tail);
}

/*
 * memfd_kept: the sealable memfd "ckpt-memfd" at fds[0], of MFD_SIZE
 * bytes: page 0 written through the fd, page 2 through the root's
 * MAP_SHARED mapping of 4 pages, page 1 and the tail holes; fchmod()ed to
 * 0640, at offset 1000, sealed against shrinking and growing. At fds[1],
 * another open file of it, O_RDONLY through /proc/self/fd, at offset
 * 2 pages + 5. A child (fds[2]) maps it MAP_SHARED itself, keeps no fd of
 * it, and writes MFD_MARK at offset 64 through its mapping once the
 * restored root sends SIGUSR2.
 */
static char *mfd_map;
static unsigned int mfd_seals;	/* what F_GET_SEALS said before */
static mode_t mfd_mode;		/* and fstat() */

static __attribute__((noreturn)) void mfd_child(int ready)
{
	sigset_t set;
	char *m;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	munmap(mfd_map, 4 * MFD_PAGE);
	m = mmap(NULL, 3 * MFD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fds[0], 0);
	if (m == MAP_FAILED || close(fds[0]) || close(fds[1]) ||
	    write(ready, "r", 1) != 1)
		_exit(2);
	close(ready);
	while (sigwait(&set, &sig))
		;
	/* pages 0 and 2, never the hole: a read fault would fill it */
	if (m[0] != mfd_byte(0, 0) || m[2 * MFD_PAGE + 1] != mfd_byte(2, 1))
		_exit(3);
	memcpy(m + 64, MFD_MARK, sizeof(MFD_MARK));
	_exit(0);
}

static int mfd_setup(void)
{
	char page[MFD_PAGE], path[64], c;
	struct stat st;
	int p[2];
	pid_t child;

	fds[0] = memfd_create("ckpt-memfd", MFD_ALLOW_SEALING);
	if (fds[0] < 0)
		return -1;
	mfd_fill(page, 0);
	if (pwrite(fds[0], page, MFD_PAGE, 0) != MFD_PAGE ||
	    ftruncate(fds[0], MFD_SIZE) || fchmod(fds[0], 0640))
		return -1;
	mfd_map = mmap(NULL, 4 * MFD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fds[0], 0);
	if (mfd_map == MAP_FAILED)
		return -1;
	mfd_fill(mfd_map + 2 * MFD_PAGE, 2);
	if (fcntl(fds[0], F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) ||
	    fstat(fds[0], &st))
		return -1;
	/* F_SEAL_EXEC too, if vm.memfd_noexec asks for it */
	mfd_seals = fcntl(fds[0], F_GET_SEALS);
	mfd_mode = st.st_mode;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	fds[1] = open(path, O_RDONLY);
	if (fds[1] < 0 || lseek(fds[0], 1000, SEEK_SET) != 1000 ||
	    lseek(fds[1], 2 * MFD_PAGE + 5, SEEK_SET) != 2 * MFD_PAGE + 5 ||
	    pipe(p))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		close(p[0]);
		mfd_child(p[1]);
	}
	fds[2] = child;
	close(p[1]);
	/* the child has its mapping and no fd before the checkpoint */
	if (read(p[0], &c, 1) != 1)
		return -1;
	close(p[0]);
	return 0;
}

static int mfd_verify(void)
{
	static const char *const want = "/memfd:ckpt-memfd (deleted)";
	char buf[sizeof(MFD_MARK)];
	struct stat a, b;
	int i, status;
	off_t o;

	for (i = 0; i < 2; i++)
		if (strcmp(fd_link(fds[i]), want))
			return NOPE("fd %d links to \"%s\", expected \"%s\"",
				    fds[i], fd_link(fds[i]), want);
	if (fstat(fds[0], &a) || fstat(fds[1], &b))
		return NOPE("fstat: %s", strerror(errno));
	if (a.st_size != MFD_SIZE)
		return NOPE("size %lld, expected %d", (long long)a.st_size,
			    MFD_SIZE);
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		return NOPE("the two fds are not of one memfd any more");
	if (a.st_mode != mfd_mode || (a.st_mode & 07777) != 0640)
		return NOPE("mode %#o, expected %#o", a.st_mode, mfd_mode);
	if (a.st_uid != getuid() || a.st_gid != getgid())
		return NOPE("owned by %d:%d", a.st_uid, a.st_gid);
	/* each open file its own offset and access mode */
	if (lseek(fds[0], 0, SEEK_CUR) != 1000 ||
	    lseek(fds[1], 0, SEEK_CUR) != 2 * MFD_PAGE + 5)
		return NOPE("offsets %lld and %lld, expected 1000 and %d",
			    (long long)lseek(fds[0], 0, SEEK_CUR),
			    (long long)lseek(fds[1], 0, SEEK_CUR),
			    2 * MFD_PAGE + 5);
	if ((fcntl(fds[0], F_GETFL) & O_ACCMODE) != O_RDWR ||
	    (fcntl(fds[1], F_GETFL) & O_ACCMODE) != O_RDONLY)
		return NOPE("access modes %#o and %#o, expected O_RDWR and O_RDONLY",
			    fcntl(fds[0], F_GETFL) & O_ACCMODE,
			    fcntl(fds[1], F_GETFL) & O_ACCMODE);
	if (write(fds[1], "x", 1) != -1 || errno != EBADF)
		return NOPE("the O_RDONLY fd writes");
	if (lseek(fds[0], 7, SEEK_SET) != 7 ||
	    lseek(fds[1], 0, SEEK_CUR) != 2 * MFD_PAGE + 5)
		return NOPE("lseek() on one fd moved the other: one open file");
	/* the bytes, and the holes: zero, and still holes */
	if (!mfd_page_ok(fds[0], 0) || !mfd_page_ok(fds[1], 2))
		return NOPE("pages 0 and 2 lost their bytes");
	if (!mfd_zero(fds[0], MFD_PAGE, MFD_PAGE) ||
	    !mfd_zero(fds[0], 3 * MFD_PAGE, 100))
		return NOPE("the holes read other bytes than zeroes");
	if (pread(fds[0], buf, 1, MFD_SIZE) != 0)
		return NOPE("bytes past the end");
	o = lseek(fds[1], 0, SEEK_HOLE);
	if (o != MFD_PAGE || lseek(fds[1], MFD_PAGE, SEEK_DATA) != 2 * MFD_PAGE ||
	    lseek(fds[1], 2 * MFD_PAGE, SEEK_HOLE) != 3 * MFD_PAGE)
		return NOPE("the first hole at %lld, data at %lld, the next hole at %lld: expected %d, %d and %d",
			    (long long)o, (long long)lseek(fds[1], MFD_PAGE, SEEK_DATA),
			    (long long)lseek(fds[1], 2 * MFD_PAGE, SEEK_HOLE),
			    MFD_PAGE, 2 * MFD_PAGE, 3 * MFD_PAGE);
	/* sealed: neither shrunk nor grown, but written */
	if (fcntl(fds[0], F_GET_SEALS) != (int)mfd_seals)
		return NOPE("seals %#x, expected %#x", fcntl(fds[0], F_GET_SEALS),
			    mfd_seals);
	if (ftruncate(fds[0], MFD_PAGE) != -1 || errno != EPERM)
		return NOPE("ftruncate() to less: %s, expected EPERM",
			    strerrorname_np(errno));
	if (pwrite(fds[0], "x", 1, MFD_SIZE) != -1 || errno != EPERM)
		return NOPE("a write past the end: %s, expected EPERM",
			    strerrorname_np(errno));
	/* the root's mapping is of the memfd */
	if (mfd_map[0] != mfd_byte(0, 0) ||
	    mfd_map[2 * MFD_PAGE + 9] != mfd_byte(2, 9))
		return NOPE("the root's mapping does not show the memfd's bytes");
	if (pwrite(fds[0], "Z", 1, 2 * MFD_PAGE + 7) != 1 ||
	    mfd_map[2 * MFD_PAGE + 7] != 'Z')
		return NOPE("a write through the fd is not seen through the mapping");
	/* and so is the child's */
	kill(fds[2], SIGUSR2);
	if (waitpid(fds[2], &status, 0) != fds[2] || status)
		return NOPE("the child could not write through its mapping: status %#x",
			    status);
	if (lseek(fds[0], 64, SEEK_SET) != 64 ||
	    read(fds[0], buf, sizeof(buf)) != sizeof(buf) ||
	    memcmp(buf, MFD_MARK, sizeof(buf)))
		return NOPE("the child's write is not in the memfd: \"%.*s\"",
			    (int)sizeof(buf), buf);
	return 0;
}

/*
 * memfd_write_sealed_kept: "ckpt-sealed", 2 pages; a MAP_PRIVATE mapping
 * of it, then F_SEAL_WRITE | F_SEAL_SEAL, a MAP_SHARED PROT_READ mapping,
 * and the private mapping written: its own copy of page 1.
 */
static char *mfd_priv, *mfd_ro;

static int mfd_sealed_setup(void)
{
	char page[MFD_PAGE];
	int i;

	fds[0] = memfd_create("ckpt-sealed", MFD_ALLOW_SEALING);
	if (fds[0] < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		mfd_fill(page, i);
		if (pwrite(fds[0], page, MFD_PAGE, i * MFD_PAGE) != MFD_PAGE)
			return -1;
	}
	mfd_priv = mmap(NULL, 2 * MFD_PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE, fds[0], 0);
	if (mfd_priv == MAP_FAILED ||
	    fcntl(fds[0], F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL))
		return -1;
	mfd_seals = fcntl(fds[0], F_GET_SEALS);
	mfd_ro = mmap(NULL, 2 * MFD_PAGE, PROT_READ, MAP_SHARED, fds[0], 0);
	if (mfd_ro == MAP_FAILED)
		return -1;
	memcpy(mfd_priv + MFD_PAGE + 10, "private", 7);
	return 0;
}

static int mfd_sealed_verify(void)
{
	char *m;

	if (fcntl(fds[0], F_GET_SEALS) != (int)mfd_seals ||
	    !(mfd_seals & F_SEAL_WRITE) || !(mfd_seals & F_SEAL_SEAL))
		return NOPE("seals %#x, expected %#x", fcntl(fds[0], F_GET_SEALS),
			    mfd_seals);
	if (!mfd_page_ok(fds[0], 0) || !mfd_page_ok(fds[0], 1))
		return NOPE("the memfd lost its bytes");
	if (write(fds[0], "x", 1) != -1 || errno != EPERM)
		return NOPE("write(): %s, expected EPERM", strerrorname_np(errno));
	if (mprotect(mfd_ro, 2 * MFD_PAGE, PROT_READ | PROT_WRITE) != -1 ||
	    errno != EACCES)
		return NOPE("mprotect(PROT_WRITE) of the shared mapping: %s, expected EACCES",
			    strerrorname_np(errno));
	m = mmap(NULL, MFD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	if (m != MAP_FAILED || errno != EPERM)
		return NOPE("a writable shared mmap(): %s, expected EPERM",
			    m == MAP_FAILED ? strerrorname_np(errno) : "mapped");
	if (fcntl(fds[0], F_ADD_SEALS, F_SEAL_GROW) != -1 || errno != EPERM)
		return NOPE("F_ADD_SEALS after F_SEAL_SEAL: %s, expected EPERM",
			    strerrorname_np(errno));
	/* the private copy is the program's, the memfd's bytes its own */
	if (memcmp(mfd_priv + MFD_PAGE + 10, "private", 7))
		return NOPE("the private mapping lost what was written to it");
	if (mfd_ro[MFD_PAGE + 10] != mfd_byte(1, 10) ||
	    mfd_ro[0] != mfd_byte(0, 0) || mfd_priv[0] != mfd_byte(0, 0))
		return NOPE("the mappings do not show the memfd's bytes");
	mfd_priv[1] = 'p';
	if (!mfd_page_ok(fds[0], 0) || mfd_ro[1] != mfd_byte(0, 1))
		return NOPE("a write to the private mapping reached the memfd");
	return 0;
}

/* memfd_mapped_only_kept: "ckpt-mapped", mapped MAP_SHARED, fd closed */
static char *mfd_only;

static int mfd_mapped_setup(void)
{
	int fd = memfd_create("ckpt-mapped", 0);

	if (fd < 0 || ftruncate(fd, 2 * MFD_PAGE))
		return -1;
	mfd_only = mmap(NULL, 2 * MFD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			fd, 0);
	if (mfd_only == MAP_FAILED || close(fd))
		return -1;
	mfd_fill(mfd_only, 0);
	mfd_fill(mfd_only + MFD_PAGE, 1);
	return 0;
}

static int mfd_mapped_verify(void)
{
	const char *line = map_line(mfd_only);
	char want[MFD_PAGE];
	int i;

	for (i = 0; i < 2; i++) {
		mfd_fill(want, i);
		if (memcmp(mfd_only + i * MFD_PAGE, want, MFD_PAGE))
			return NOPE("page %d of the mapping lost its bytes", i);
	}
	if (!ends_with(line, " /memfd:ckpt-mapped (deleted)") ||
	    !strstr(line, " rw-s "))
		return NOPE("/proc/self/maps: \"%s\", expected a rw-s mapping of /memfd:ckpt-mapped (deleted)",
			    line);
	return 0;
}

/*
 * memfd_future_write_kept: "ckpt-future", made with MFD_NOEXEC_SEAL
 * (F_SEAL_EXEC), mapped MAP_SHARED writable, then F_SEAL_FUTURE_WRITE:
 * the mapping writes on, nothing new may.
 */
static char *mfd_fw;

static int mfd_future_setup(void)
{
	struct stat st;

	fds[0] = memfd_create("ckpt-future", MFD_NOEXEC_SEAL);
	if (fds[0] < 0 || ftruncate(fds[0], 2 * MFD_PAGE))
		return -1;
	mfd_fw = mmap(NULL, 2 * MFD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fds[0], 0);
	if (mfd_fw == MAP_FAILED)
		return -1;
	mfd_fill(mfd_fw, 0);
	if (fcntl(fds[0], F_ADD_SEALS, F_SEAL_FUTURE_WRITE) || fstat(fds[0], &st))
		return -1;
	mfd_seals = fcntl(fds[0], F_GET_SEALS);
	mfd_mode = st.st_mode;
	return 0;
}

static int mfd_future_verify(void)
{
	struct stat st;
	char buf[8];
	char *m;

	if (fcntl(fds[0], F_GET_SEALS) != (int)mfd_seals ||
	    !(mfd_seals & F_SEAL_FUTURE_WRITE) || !(mfd_seals & F_SEAL_EXEC))
		return NOPE("seals %#x, expected %#x", fcntl(fds[0], F_GET_SEALS),
			    mfd_seals);
	if (fstat(fds[0], &st) || st.st_mode != mfd_mode)
		return NOPE("mode %#o, expected %#o", st.st_mode, mfd_mode);
	if (!mfd_page_ok(fds[0], 0) || !mfd_zero(fds[0], MFD_PAGE, 100))
		return NOPE("the memfd lost its bytes");
	/* the mapping made before the seal still writes */
	memcpy(mfd_fw + MFD_PAGE + 100, "after", 5);
	if (pread(fds[0], buf, 5, MFD_PAGE + 100) != 5 || memcmp(buf, "after", 5))
		return NOPE("a write through the mapping is not in the memfd");
	if (write(fds[0], "x", 1) != -1 || errno != EPERM)
		return NOPE("write(): %s, expected EPERM", strerrorname_np(errno));
	m = mmap(NULL, MFD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	if (m != MAP_FAILED || errno != EPERM)
		return NOPE("a new writable shared mmap(): %s, expected EPERM",
			    m == MAP_FAILED ? strerrorname_np(errno) : "mapped");
	/* F_SEAL_EXEC: the exec bits stay as they are */
	if (fchmod(fds[0], 0755) != -1 || errno != EPERM)
		return NOPE("fchmod(0755) under F_SEAL_EXEC: %s, expected EPERM",
			    strerrorname_np(errno));
	return 0;
}

/* ---- deleted files ------------------------------------------------------- */

#define DLOG	"/tmp/ckpt-matrix.dlog"		/* deleted_log_kept */
#define DMAP	"/tmp/ckpt-matrix.dmap"		/* deleted_mapped_kept */
#define DLINK	"/tmp/ckpt-matrix.linked"	/* tmpfile_kept's linkat() */
#define DOUT	"/tmp/ckpt-matrix.dout"		/* the refusals' */

/* Write all of the string @s to @fd */
static bool put_str(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s);
}

/*
 * Does @fd link to the name restart gives a deleted file it made again
 * with O_TMPFILE in /tmp: "/tmp/#INO (deleted)"?
 */
static bool remade_link(int fd)
{
	const char *l = fd_link(fd);

	return !strncmp(l, "/tmp/#", 6) && ends_with(l, " (deleted)");
}

/*
 * deleted_log_kept: the log DLOG (mode dlog_mode), at fds[0] O_WRONLY |
 * O_APPEND, and at fds[1] O_RDONLY at offset DLOG_POS, opened before the
 * unlink; lines written before it and after. A child (fds[2]) holds the
 * append fd too, the same open file, and appends DLOG_CHILD once the
 * restored root sends SIGUSR2.
 */
#define DLOG_BEFORE	"line 0\nline 1\nline 2\n"
#define DLOG_AFTER	"line 3\nline 4\n"
#define DLOG_CHILD	"the child's line\n"
#define DLOG_ROOT	"the root's line\n"
#define DLOG_POS	7		/* at "line 1" */
static mode_t dlog_mode;

static __attribute__((noreturn)) void dlog_child(int ready)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (close(fds[1]) || write(ready, "r", 1) != 1)
		_exit(2);
	close(ready);
	while (sigwait(&set, &sig))
		;
	_exit(put_str(fds[0], DLOG_CHILD) ? 0 : 3);
}

static int dlog_setup(void)
{
	struct stat st;
	pid_t child;
	int p[2];
	char c;

	unlink(DLOG);
	fds[0] = open(DLOG, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0640);
	if (fds[0] < 0 || !put_str(fds[0], DLOG_BEFORE))
		return -1;
	fds[1] = open(DLOG, O_RDONLY);
	if (fds[1] < 0 || lseek(fds[1], DLOG_POS, SEEK_SET) != DLOG_POS ||
	    unlink(DLOG) || !put_str(fds[0], DLOG_AFTER) ||
	    fstat(fds[0], &st) || pipe(p))
		return -1;
	dlog_mode = st.st_mode;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		close(p[0]);
		dlog_child(p[1]);
	}
	fds[2] = child;
	close(p[1]);
	/* the child has closed its O_RDONLY fd before the checkpoint */
	if (read(p[0], &c, 1) != 1)
		return -1;
	close(p[0]);
	return 0;
}

static int dlog_verify(void)
{
	static const char want[] = DLOG_BEFORE DLOG_AFTER DLOG_CHILD DLOG_ROOT;
	const off_t before = strlen(DLOG_BEFORE DLOG_AFTER);
	char buf[256] = "";
	struct stat a, b;
	int i, status;
	ssize_t n;

	for (i = 0; i < 2; i++)
		if (!remade_link(fds[i]))
			return NOPE("fd %d links to \"%s\", expected /tmp/#INO (deleted)",
				    fds[i], fd_link(fds[i]));
	if (fstat(fds[0], &a) || fstat(fds[1], &b))
		return NOPE("fstat: %s", strerror(errno));
	if (a.st_nlink || a.st_size != before || a.st_mode != dlog_mode)
		return NOPE("%lu links, %lld bytes, mode %#o: expected none, %lld and %#o",
			    (unsigned long)a.st_nlink, (long long)a.st_size,
			    a.st_mode, (long long)before, dlog_mode);
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		return NOPE("the two fds are not of one file any more");
	if ((fcntl(fds[0], F_GETFL) & (O_ACCMODE | O_APPEND)) !=
	    (O_WRONLY | O_APPEND) ||
	    (fcntl(fds[1], F_GETFL) & (O_ACCMODE | O_APPEND)) != O_RDONLY)
		return NOPE("flags %#o and %#o, expected O_WRONLY | O_APPEND and O_RDONLY",
			    fcntl(fds[0], F_GETFL), fcntl(fds[1], F_GETFL));
	/* each open file its own offset */
	if (lseek(fds[0], 0, SEEK_CUR) != before ||
	    lseek(fds[1], 0, SEEK_CUR) != DLOG_POS)
		return NOPE("offsets %lld and %lld, expected %lld and %d",
			    (long long)lseek(fds[0], 0, SEEK_CUR),
			    (long long)lseek(fds[1], 0, SEEK_CUR),
			    (long long)before, DLOG_POS);
	if (read(fds[1], buf, 7) != 7 || memcmp(buf, "line 1\n", 7))
		return NOPE("read \"%.7s\" at the offset, expected line 1", buf);
	/* the child appends through the open file it shares with the root */
	kill(fds[2], SIGUSR2);
	if (waitpid(fds[2], &status, 0) != fds[2] || status)
		return NOPE("the child could not append: status %#x", status);
	if (lseek(fds[0], 0, SEEK_CUR) != before + (off_t)strlen(DLOG_CHILD))
		return NOPE("the root's offset is %lld after the child's line: not one open file",
			    (long long)lseek(fds[0], 0, SEEK_CUR));
	if (!put_str(fds[0], DLOG_ROOT))
		return NOPE("the root cannot append: %s", strerror(errno));
	/* every line, in order, through the O_RDONLY fd */
	n = pread(fds[1], buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (strcmp(buf, want))
		return NOPE("the log reads \"%s\", expected \"%s\"", buf, want);
	if (fstat(fds[1], &b) || b.st_size != (off_t)strlen(want) || b.st_nlink)
		return NOPE("%lld bytes and %lu links after the appends",
			    (long long)b.st_size, (unsigned long)b.st_nlink);
	return 0;
}

/*
 * deleted_mapped_kept: DMAP, DMAP_SIZE bytes, pages 0 and 3 written, the
 * rest holes; at fds[0] (O_RDWR, at offset DMAP_POS), mapped MAP_SHARED
 * (DMAP_PAGES pages) through an open of its own that is closed, and
 * MAP_PRIVATE (4 pages) through fds[0]. The shared mapping wrote "shared"
 * into page 3, the private one has its own copy of page 0.
 */
#define DMAP_SIZE	(5 * MFD_PAGE + 10)
#define DMAP_PAGES	6
#define DMAP_POS	(3 * MFD_PAGE + 1)
static char *dmap_sh, *dmap_pr;
static off_t dmap_seek[4];	/* SEEK_HOLE and SEEK_DATA said this before */

/* Where the first hole, the data after it, the hole after that... are */
static void dmap_seeks(int fd, off_t *s)
{
	s[0] = lseek(fd, 0, SEEK_HOLE);
	s[1] = lseek(fd, s[0], SEEK_DATA);
	s[2] = lseek(fd, s[1], SEEK_HOLE);
	s[3] = lseek(fd, s[2], SEEK_DATA);
}

/* The inode number /proc/self/maps shows for the mapping at @addr, or 0 */
static unsigned long map_ino(const void *addr)
{
	unsigned long ino;

	return sscanf(map_line(addr), "%*s %*s %*s %*s %lu", &ino) == 1 ?
	       ino : 0;
}

static int dmap_setup(void)
{
	char page[MFD_PAGE];
	int fd;

	unlink(DMAP);
	fds[0] = open(DMAP, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fds[0] < 0)
		return -1;
	mfd_fill(page, 0);
	if (pwrite(fds[0], page, MFD_PAGE, 0) != MFD_PAGE)
		return -1;
	mfd_fill(page, 3);
	if (pwrite(fds[0], page, MFD_PAGE, 3 * MFD_PAGE) != MFD_PAGE ||
	    ftruncate(fds[0], DMAP_SIZE))
		return -1;
	fd = open(DMAP, O_RDWR);
	if (fd < 0)
		return -1;
	dmap_sh = mmap(NULL, DMAP_PAGES * MFD_PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);
	if (dmap_sh == MAP_FAILED || close(fd))
		return -1;
	dmap_pr = mmap(NULL, 4 * MFD_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		       fds[0], 0);
	if (dmap_pr == MAP_FAILED || unlink(DMAP))
		return -1;
	/* data pages only: a fault on a hole would fill it */
	memcpy(dmap_sh + 3 * MFD_PAGE + 100, "shared", 6);
	memcpy(dmap_pr + 10, "private", 7);
	dmap_seeks(fds[0], dmap_seek);
	return lseek(fds[0], DMAP_POS, SEEK_SET) == DMAP_POS ? 0 : -1;
}

static int dmap_verify(void)
{
	char want[MFD_PAGE], buf[MFD_PAGE], c = 0;
	struct stat st;
	off_t seek[4];

	if (!remade_link(fds[0]))
		return NOPE("fd %d links to \"%s\", expected /tmp/#INO (deleted)",
			    fds[0], fd_link(fds[0]));
	if (fstat(fds[0], &st) || st.st_nlink || st.st_size != DMAP_SIZE)
		return NOPE("%lu links, %lld bytes: expected none and %d",
			    (unsigned long)st.st_nlink, (long long)st.st_size,
			    DMAP_SIZE);
	if (lseek(fds[0], 0, SEEK_CUR) != DMAP_POS ||
	    (fcntl(fds[0], F_GETFL) & O_ACCMODE) != O_RDWR)
		return NOPE("offset %lld, flags %#o: expected %d and O_RDWR",
			    (long long)lseek(fds[0], 0, SEEK_CUR),
			    fcntl(fds[0], F_GETFL), DMAP_POS);
	/* the holes, before any fault could fill them: zeroes, and holes */
	if (!mfd_zero(fds[0], MFD_PAGE, MFD_PAGE) ||
	    !mfd_zero(fds[0], 2 * MFD_PAGE, MFD_PAGE) ||
	    !mfd_zero(fds[0], 4 * MFD_PAGE, MFD_PAGE) ||
	    !mfd_zero(fds[0], 5 * MFD_PAGE, 10))
		return NOPE("the holes read other bytes than zeroes");
	if (pread(fds[0], buf, 1, DMAP_SIZE) != 0)
		return NOPE("bytes past the end");
	dmap_seeks(fds[0], seek);
	if (memcmp(seek, dmap_seek, sizeof(seek)))
		return NOPE("SEEK_HOLE/DATA: %lld %lld %lld %lld, before %lld %lld %lld %lld",
			    (long long)seek[0], (long long)seek[1],
			    (long long)seek[2], (long long)seek[3],
			    (long long)dmap_seek[0], (long long)dmap_seek[1],
			    (long long)dmap_seek[2], (long long)dmap_seek[3]);
	/* the data: page 0 as written, page 3 with the shared mapping's word */
	if (!mfd_page_ok(fds[0], 0))
		return NOPE("page 0 lost its bytes (or has the private copy's)");
	mfd_fill(want, 3);
	memcpy(want + 100, "shared", 6);
	if (pread(fds[0], buf, MFD_PAGE, 3 * MFD_PAGE) != MFD_PAGE ||
	    memcmp(buf, want, MFD_PAGE))
		return NOPE("page 3 lost its bytes or what the shared mapping wrote");
	/* the mappings: of the file, shared and private (one line at a time) */
	if (map_ino(dmap_sh) != st.st_ino || !strstr(map_line(dmap_sh), " rw-s ") ||
	    !strstr(map_line(dmap_sh), " /tmp/#") ||
	    !ends_with(map_line(dmap_sh), " (deleted)"))
		return NOPE("/proc/self/maps: \"%s\", not a rw-s mapping of /tmp/#%lu (deleted)",
			    map_line(dmap_sh), (unsigned long)st.st_ino);
	if (map_ino(dmap_pr) != st.st_ino || !strstr(map_line(dmap_pr), " rw-p "))
		return NOPE("/proc/self/maps: \"%s\", not a rw-p mapping of /tmp/#%lu (deleted)",
			    map_line(dmap_pr), (unsigned long)st.st_ino);
	if (memcmp(dmap_sh + 3 * MFD_PAGE, want, MFD_PAGE) ||
	    memcmp(dmap_pr + 3 * MFD_PAGE, want, MFD_PAGE) ||
	    dmap_sh[10] != mfd_byte(0, 10))
		return NOPE("the mappings do not show the file's bytes");
	mfd_fill(want, 0);
	memcpy(want + 10, "private", 7);
	if (memcmp(dmap_pr, want, MFD_PAGE))
		return NOPE("the private mapping lost its own copy of page 0");
	/* writes through the shared mapping reach the file, and back */
	dmap_sh[50] = 'Z';
	if (pread(fds[0], &c, 1, 50) != 1 || c != 'Z')
		return NOPE("a write through the shared mapping is not in the file");
	if (dmap_pr[50] != mfd_byte(0, 50))
		return NOPE("the private copy of page 0 follows the file");
	if (pwrite(fds[0], "Y", 1, 3 * MFD_PAGE + 7) != 1 ||
	    dmap_sh[3 * MFD_PAGE + 7] != 'Y' || dmap_pr[3 * MFD_PAGE + 7] != 'Y')
		return NOPE("a write through the fd is not seen through the mappings");
	return 0;
}

/*
 * tmpfile_kept: fds[0] made with O_TMPFILE (linkable), fchmod()ed to
 * 0640, TMPF_DATA at 0 and TMPF_FAR two pages further; fds[1] made with
 * O_TMPFILE | O_EXCL (never linkable), mode 0600, TMPF_EXCL.
 */
#define TMPF_DATA	"made with O_TMPFILE"
#define TMPF_FAR	"two pages on"
#define TMPF_EXCL	"made with O_TMPFILE | O_EXCL"

static int tmpf_setup(void)
{
	unlink(DLINK);
	fds[0] = open("/tmp", O_TMPFILE | O_RDWR, 0640);
	fds[1] = open("/tmp", O_TMPFILE | O_RDWR | O_EXCL, 0600);
	if (fds[0] < 0 || fds[1] < 0 || !put_str(fds[0], TMPF_DATA) ||
	    pwrite(fds[0], TMPF_FAR, strlen(TMPF_FAR), 2 * MFD_PAGE) !=
	    (ssize_t)strlen(TMPF_FAR) || !put_str(fds[1], TMPF_EXCL))
		return -1;
	return fchmod(fds[0], 0640) || fchmod(fds[1], 0600) ? -1 : 0;
}

/* Are the bytes of @fd at @off those of @s? */
static bool reads(int fd, off_t off, const char *s)
{
	char buf[64] = "";
	size_t n = strlen(s);

	return n < sizeof(buf) && pread(fd, buf, n, off) == (ssize_t)n &&
	       !memcmp(buf, s, n);
}

static int tmpf_verify(void)
{
	const off_t size = 2 * MFD_PAGE + strlen(TMPF_FAR);
	struct stat a, b, l;
	char path[64];
	int i, fd, ret;

	for (i = 0; i < 2; i++)
		if (!remade_link(fds[i]))
			return NOPE("fd %d links to \"%s\", expected /tmp/#INO (deleted)",
				    fds[i], fd_link(fds[i]));
	if (fstat(fds[0], &a) || fstat(fds[1], &b))
		return NOPE("fstat: %s", strerror(errno));
	if (a.st_nlink || b.st_nlink || (a.st_mode & 07777) != 0640 ||
	    (b.st_mode & 07777) != 0600 || !S_ISREG(a.st_mode) ||
	    a.st_size != size || b.st_size != (off_t)strlen(TMPF_EXCL))
		return NOPE("modes %#o and %#o, sizes %lld and %lld, links %lu and %lu",
			    a.st_mode, b.st_mode, (long long)a.st_size,
			    (long long)b.st_size, (unsigned long)a.st_nlink,
			    (unsigned long)b.st_nlink);
	if (!reads(fds[0], 0, TMPF_DATA) || !reads(fds[0], 2 * MFD_PAGE, TMPF_FAR) ||
	    !mfd_zero(fds[0], MFD_PAGE, MFD_PAGE) || !reads(fds[1], 0, TMPF_EXCL))
		return NOPE("the files lost their bytes");
	if (lseek(fds[0], 0, SEEK_CUR) != (off_t)strlen(TMPF_DATA) ||
	    lseek(fds[1], 0, SEEK_CUR) != (off_t)strlen(TMPF_EXCL))
		return NOPE("offsets %lld and %lld",
			    (long long)lseek(fds[0], 0, SEEK_CUR),
			    (long long)lseek(fds[1], 0, SEEK_CUR));
	/* made with O_EXCL: never a name */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[1]);
	ret = linkat(AT_FDCWD, path, AT_FDCWD, DLINK, AT_SYMLINK_FOLLOW);
	if (!ret)
		unlink(DLINK);
	if (ret != -1 || errno != ENOENT)
		return NOPE("linkat() of the O_EXCL file: %s, expected ENOENT",
			    ret ? strerrorname_np(errno) : "linked");
	/* and without: a name again */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	if (linkat(AT_FDCWD, path, AT_FDCWD, DLINK, AT_SYMLINK_FOLLOW))
		return NOPE("linkat() of the linkable file: %s",
			    strerrorname_np(errno));
	fd = open(DLINK, O_RDONLY);
	ret = fd < 0 || fstat(fd, &l) || l.st_ino != a.st_ino ||
	      l.st_dev != a.st_dev || !reads(fd, 0, TMPF_DATA) ||
	      fstat(fds[0], &a) || a.st_nlink != 1;
	if (fd >= 0)
		close(fd);
	unlink(DLINK);
	if (ret)
		return NOPE("the name linkat() gave is not of the file");
	return 0;
}

/* ---- pidfds -------------------------------------------------------------- */

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK	O_NONBLOCK
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal	424
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open		434
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd	438
#endif
#ifndef P_PIDFD
#define P_PIDFD		3
#endif

/* the status flags a pidfd may have */
#define PFD_FLAGS	(O_ACCMODE | O_NONBLOCK | PIDFD_THREAD)

static int pfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

static int pfd_signal(int fd, int sig)
{
	return syscall(__NR_pidfd_send_signal, fd, sig, NULL, 0);
}

/*
 * The number on the line @key (such as "\nPid:") of the pidfd @fd's
 * fdinfo; -2 if there is no such line
 */
static long pfd_info(int fd, const char *key)
{
	char path[64], buf[1024];
	const char *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (lite_slurp(path, buf, sizeof(buf)) <= 0)
		return -2;
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -2;
}

/*
 * The "Pid:" line of the pidfd @fd's fdinfo: the pid it refers to, -1
 * once that task is reaped; -2 if there is no such line
 */
static long pfd_pid(int fd)
{
	return pfd_info(fd, "\nPid:");
}

/* Does the pidfd @fd poll readable (its task exited) now? */
static bool pfd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static pid_t pfd_live, pfd_zombie;

/*
 * Two children: one that waits forever, one that exited with status 7 and
 * was not reaped (a zombie). fds[0]: a pidfd of the live one, fds[1] its
 * dup; fds[2]: a pidfd of the zombie, PIDFD_NONBLOCK; fds[3]: an epoll
 * set with an item on each, EPOLLIN: 0xa on fds[0], 0xb on fds[2].
 */
static int pfd_procs_setup(void)
{
	siginfo_t si;

	pfd_live = fork();
	if (pfd_live < 0)
		return -1;
	if (!pfd_live)
		for (;;)
			pause();
	pfd_zombie = fork();
	if (pfd_zombie < 0)
		return -1;
	if (!pfd_zombie)
		_exit(7);
	/* exited, and left a zombie */
	if (waitid(P_PID, pfd_zombie, &si, WEXITED | WNOWAIT))
		return -1;
	fds[0] = pfd_open(pfd_live, 0);
	fds[1] = dup(fds[0]);
	fds[2] = pfd_open(pfd_zombie, PIDFD_NONBLOCK);
	fds[3] = epoll_create1(0);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0 ||
	    ep_add(fds[3], fds[0], EPOLLIN, 0xa) ||
	    ep_add(fds[3], fds[2], EPOLLIN, 0xb))
		return -1;
	/* the zombie's exit is there to read, not the live child's */
	return strcmp(ck_ep_ready(fds[3]), "b:1") ? -1 : 0;
}

static int pfd_procs_verify(void)
{
	struct epoll_event ev;
	siginfo_t si;
	int fl;

	if (pfd_pid(fds[0]) != pfd_live || pfd_pid(fds[1]) != pfd_live ||
	    pfd_pid(fds[2]) != pfd_zombie)
		return NOPE("fdinfo Pid: %ld, %ld and %ld, expected %d, %d and %d",
			    pfd_pid(fds[0]), pfd_pid(fds[1]), pfd_pid(fds[2]),
			    pfd_live, pfd_live, pfd_zombie);
	if (pfd_readable(fds[0]) || !pfd_readable(fds[2]))
		return NOPE("poll: the live child's pidfd %sreadable, the zombie's %sreadable",
			    pfd_readable(fds[0]) ? "" : "not ",
			    pfd_readable(fds[2]) ? "" : "not ");
	if ((fcntl(fds[0], F_GETFL) & PFD_FLAGS) != O_RDWR ||
	    (fcntl(fds[2], F_GETFL) & PFD_FLAGS) != (O_RDWR | O_NONBLOCK))
		return NOPE("status flags %#x and %#x, expected O_RDWR and O_RDWR | O_NONBLOCK",
			    fcntl(fds[0], F_GETFL), fcntl(fds[2], F_GETFL));
	/* fds[0] and its dup: one open file description */
	fl = fcntl(fds[1], F_GETFL);
	if (fcntl(fds[1], F_SETFL, fl | O_NONBLOCK) || !nonblocking(fds[0]))
		return NOPE("O_NONBLOCK set through the dup is not seen through fds[0]");
	/* of the live child: nothing to wait for yet */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, fds[0], &si, WEXITED) != -1 || errno != EAGAIN)
		return NOPE("waitid() on the non-blocking pidfd of a live child: %s",
			    strerrorname_np(errno) ?: "no error");
	if (fcntl(fds[0], F_SETFL, fl) || nonblocking(fds[1]))
		return NOPE("O_NONBLOCK cleared through fds[0] is still seen through the dup");
	EXPECT_READY(fds[3], "b:1");
	/* the zombie: reaped through its pidfd, with its status */
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, fds[2], &si, WEXITED) || si.si_pid != pfd_zombie ||
	    si.si_code != CLD_EXITED || si.si_status != 7)
		return NOPE("waitid() on the zombie's pidfd: %s, pid %d code %d status %d",
			    strerrorname_np(errno) ?: "ok", si.si_pid, si.si_code,
			    si.si_status);
	if (pfd_pid(fds[2]) != -1)
		return NOPE("the reaped zombie's pidfd still names pid %ld",
			    pfd_pid(fds[2]));
	if (epoll_ctl(fds[3], EPOLL_CTL_DEL, fds[2], NULL))
		return NOPE("EPOLL_CTL_DEL of the zombie's item: %s",
			    strerror(errno));
	EXPECT_READY(fds[3], "");
	/* the live child: killed through its pidfd, its exit reported */
	if (pfd_signal(fds[0], SIGTERM))
		return NOPE("pidfd_send_signal(SIGTERM): %s", strerror(errno));
	if (epoll_wait(fds[3], &ev, 1, 10000) != 1 || ev.data.u64 != 0xa)
		return NOPE("epoll did not report the live child's exit");
	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, fds[0], &si, WEXITED) || si.si_pid != pfd_live ||
	    si.si_code != CLD_KILLED || si.si_status != SIGTERM)
		return NOPE("waitid() on the killed child's pidfd: %s, pid %d code %d status %d",
			    strerrorname_np(errno) ?: "ok", si.si_pid, si.si_code,
			    si.si_status);
	return 0;
}

static pthread_t pfd_thread;
static volatile pid_t pfd_tid, pfd_sig_tid;
static volatile unsigned long pfd_ticks;
static volatile sig_atomic_t pfd_stop;

static void pfd_on_usr2(int sig)
{
	pfd_sig_tid = gettid();
}

/* a second thread of the root: it ticks until told to stop */
static void *pfd_thread_fn(void *arg)
{
	pfd_tid = gettid();
	while (!pfd_stop) {
		pfd_ticks++;
		usleep(1000);
	}
	return NULL;
}

/*
 * A thread of the root, and fds[0] a PIDFD_THREAD pidfd of it; fds[1] a
 * pidfd of the root itself. A handler of SIGUSR2 notes the thread it
 * runs on.
 */
static int pfd_thread_setup(void)
{
	int i;

	if (signal(SIGUSR2, pfd_on_usr2) == SIG_ERR)
		return -1;
	errno = pthread_create(&pfd_thread, NULL, pfd_thread_fn, NULL);
	if (errno)
		return -1;
	for (i = 0; i < 5000 && !pfd_tid; i++)
		usleep(1000);
	fds[0] = pfd_open(pfd_tid, PIDFD_THREAD);
	fds[1] = pfd_open(getpid(), 0);
	if (!pfd_tid || fds[0] < 0 || fds[1] < 0)
		return -1;
	return fcntl(fds[0], F_GETFL) & PIDFD_THREAD ? 0 : -1;
}

static int pfd_thread_verify(void)
{
	unsigned long ticks = pfd_ticks;
	int i;

	if ((fcntl(fds[0], F_GETFL) & PFD_FLAGS) != (O_RDWR | PIDFD_THREAD) ||
	    (fcntl(fds[1], F_GETFL) & PFD_FLAGS) != O_RDWR)
		return NOPE("status flags %#x and %#x, expected O_RDWR | PIDFD_THREAD and O_RDWR",
			    fcntl(fds[0], F_GETFL), fcntl(fds[1], F_GETFL));
	if (pfd_pid(fds[0]) != pfd_tid || pfd_pid(fds[1]) != getpid())
		return NOPE("fdinfo Pid: %ld and %ld, expected the thread %d and the root %d",
			    pfd_pid(fds[0]), pfd_pid(fds[1]), pfd_tid, getpid());
	if (pfd_readable(fds[0]) || pfd_readable(fds[1]))
		return NOPE("the pidfd of a running thread or process polls readable");
	for (i = 0; i < 5000 && pfd_ticks == ticks; i++)
		usleep(1000);
	if (pfd_ticks == ticks)
		return NOPE("the thread does not run");
	/* a thread's pidfd signals that thread */
	if (pfd_signal(fds[0], SIGUSR2))
		return NOPE("pidfd_send_signal() to the thread: %s",
			    strerror(errno));
	for (i = 0; i < 5000 && !pfd_sig_tid; i++)
		usleep(1000);
	if (pfd_sig_tid != pfd_tid)
		return NOPE("SIGUSR2 sent through the thread's pidfd was handled by %d, not by the thread %d",
			    pfd_sig_tid, pfd_tid);
	/* the thread ends: its pidfd polls readable, the process's does not */
	pfd_stop = 1;
	errno = pthread_join(pfd_thread, NULL);
	if (errno)
		return NOPE("pthread_join(): %s", strerror(errno));
	for (i = 0; i < 5000 && !pfd_readable(fds[0]); i++)
		usleep(1000);
	if (!pfd_readable(fds[0]) || pfd_readable(fds[1]))
		return NOPE("after the thread ended: its pidfd %sreadable, the process's %sreadable",
			    pfd_readable(fds[0]) ? "" : "not ",
			    pfd_readable(fds[1]) ? "" : "not ");
	return 0;
}

/*
 * Two children that exited at once, A with status 3 and B with 5, both
 * reaped; their pidfds were taken while they were zombies. fds[0] and
 * fds[1]: pidfds of A from two pidfd_open() calls, fds[1] PIDFD_NONBLOCK;
 * fds[2] a dup of fds[1]; fds[3] a PIDFD_THREAD pidfd of B. Each is then
 * a pidfd of a pid that no task has: it polls as exited (POLLIN and
 * POLLHUP), its fdinfo names pid -1, pidfd_send_signal() fails with ESRCH
 * and waitid() with ECHILD; A's two pidfds still refer to one pid (one
 * inode), B's to another; fds[2] shares its open file with fds[1] only.
 * setup() checks all this of stock Linux and records it; verify() checks
 * that the restored program sees it again.
 */
#define PFD_REAPED_N	4

static pid_t pfd_reaped_a, pfd_reaped_b;

/* what is seen of fds[0] to fds[3] */
struct pfd_reaped_view {
	int fl[PFD_REAPED_N];	/* F_GETFL & PFD_FLAGS */
	int fdfl[PFD_REAPED_N];	/* F_GETFD */
	bool a_one_pid;		/* fds[0], fds[1] and fds[2]: one st_ino */
	bool b_another_pid;	/* fds[3]: another st_ino */
};

/* what setup() saw before the checkpoint */
static struct pfd_reaped_view pfd_reaped_before;

/* and what it expects to see of stock Linux */
static const struct pfd_reaped_view pfd_reaped_want = {
	.fl = { O_RDWR, O_RDWR | O_NONBLOCK, O_RDWR | O_NONBLOCK,
		O_RDWR | PIDFD_THREAD },
	/* pidfd_open() gives a close-on-exec fd, dup() does not */
	.fdfl = { FD_CLOEXEC, FD_CLOEXEC, 0, FD_CLOEXEC },
	.a_one_pid = true,
	.b_another_pid = true,
};

/* @v, seen @when, differs from @w? Then why, with @what @w is */
static int pfd_reaped_cmp(const struct pfd_reaped_view *v, const char *when,
			  const struct pfd_reaped_view *w, const char *what)
{
	int i;

	for (i = 0; i < PFD_REAPED_N; i++)
		if (v->fl[i] != w->fl[i] || v->fdfl[i] != w->fdfl[i])
			return NOPE("%s: fds[%d]: status flags %#x and fd flags %#x, %s %#x and %#x",
				    when, i, v->fl[i], v->fdfl[i], what,
				    w->fl[i], w->fdfl[i]);
	if (v->a_one_pid != w->a_one_pid || v->b_another_pid != w->b_another_pid)
		return NOPE("%s: A's pidfds of one pid: %d, B's of another: %d; %s %d and %d",
			    when, v->a_one_pid, v->b_another_pid, what,
			    w->a_one_pid, w->b_another_pid);
	return 0;
}

/*
 * Fill @v from fds[0] to fds[3] and check what a pidfd of a reaped task
 * does, as seen @when; their status flags are left as they were.
 */
static int pfd_reaped_look(struct pfd_reaped_view *v, const char *when)
{
	struct stat st[PFD_REAPED_N];
	struct pollfd p;
	siginfo_t si;
	int i, fl;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < PFD_REAPED_N; i++) {
		v->fl[i] = fcntl(fds[i], F_GETFL);
		v->fdfl[i] = fcntl(fds[i], F_GETFD);
		if (v->fl[i] < 0 || v->fdfl[i] < 0 || fstat(fds[i], &st[i]))
			return NOPE("%s: fds[%d] (%d): %s", when, i, fds[i],
				    strerror(errno));
		v->fl[i] &= PFD_FLAGS;
		/* exited: readable, and hung up as no task has the pid */
		p = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (poll(&p, 1, 0) != 1 ||
		    (p.revents & (POLLIN | POLLHUP)) != (POLLIN | POLLHUP))
			return NOPE("%s: fds[%d] polls %#x, expected POLLIN | POLLHUP",
				    when, i, p.revents);
		/* NSpid: only with CONFIG_PID_NS */
		if (pfd_pid(fds[i]) != -1 ||
		    (pfd_info(fds[i], "\nNSpid:") != -1 &&
		     pfd_info(fds[i], "\nNSpid:") != -2))
			return NOPE("%s: fds[%d]'s fdinfo Pid: %ld NSpid: %ld, expected -1",
				    when, i, pfd_pid(fds[i]),
				    pfd_info(fds[i], "\nNSpid:"));
		errno = 0;
		if (pfd_signal(fds[i], 0) != -1 || errno != ESRCH)
			return NOPE("%s: pidfd_send_signal(fds[%d], 0): %s, expected ESRCH",
				    when, i, strerrorname_np(errno) ?: "no error");
		memset(&si, 0, sizeof(si));
		errno = 0;
		if (waitid(P_PIDFD, fds[i], &si, WEXITED | WNOHANG) != -1 ||
		    errno != ECHILD)
			return NOPE("%s: waitid(P_PIDFD, fds[%d], WEXITED | WNOHANG): %s (pid %d), expected ECHILD",
				    when, i, strerrorname_np(errno) ?: "no error",
				    si.si_pid);
	}
	/* the dup and both pidfd_open()s of A: one pid; B: another */
	v->a_one_pid = st[0].st_ino == st[1].st_ino &&
		       st[1].st_ino == st[2].st_ino;
	v->b_another_pid = st[3].st_ino != st[0].st_ino;
	/* fds[1] and its dup fds[2]: one open file; fds[0] another */
	fl = fcntl(fds[2], F_GETFL);
	if (fcntl(fds[2], F_SETFL, fl & ~O_NONBLOCK) || nonblocking(fds[1]))
		return NOPE("%s: O_NONBLOCK cleared through the dup fds[2] is still seen through fds[1]",
			    when);
	if (fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK) ||
	    nonblocking(fds[1]) || nonblocking(fds[2]))
		return NOPE("%s: O_NONBLOCK set through fds[0], of another pidfd_open(), is seen through fds[1] or its dup",
			    when);
	if (fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) & ~O_NONBLOCK) ||
	    fcntl(fds[2], F_SETFL, fl) || !nonblocking(fds[1]) ||
	    nonblocking(fds[0]))
		return NOPE("%s: O_NONBLOCK set again through the dup fds[2] is not seen through fds[1]",
			    when);
	/* B's PIDFD_THREAD stays through F_SETFL */
	fl = fcntl(fds[3], F_GETFL);
	if (fcntl(fds[3], F_SETFL, fl | O_NONBLOCK) ||
	    (fcntl(fds[3], F_GETFL) & PFD_FLAGS) !=
	    (O_RDWR | O_NONBLOCK | PIDFD_THREAD) || fcntl(fds[3], F_SETFL, fl))
		return NOPE("%s: fds[3]'s status flags %#x with O_NONBLOCK set, expected O_RDWR | O_NONBLOCK | PIDFD_THREAD",
			    when, fcntl(fds[3], F_GETFL));
	return 0;
}

/* A child that exits at once with @status, left a zombie: its pid */
static pid_t pfd_zombie_child(int status)
{
	siginfo_t si;
	pid_t pid;

	pid = fork();
	if (!pid)
		_exit(status);
	memset(&si, 0, sizeof(si));
	if (pid < 0 || waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		return NOPE("a child that exits with %d: %s", status,
			    strerror(errno));
	if (si.si_pid != pid || si.si_code != CLD_EXITED ||
	    si.si_status != status)
		return NOPE("child %d: pid %d code %d status %d, expected an exit with %d",
			    pid, si.si_pid, si.si_code, si.si_status, status);
	return pid;
}

/* Reap the zombie @pid, which exited with @status */
static int pfd_reap(pid_t pid, int status)
{
	int got;

	if (waitpid(pid, &got, 0) != pid)
		return NOPE("waitpid(%d): %s", pid, strerror(errno));
	if (!WIFEXITED(got) || WEXITSTATUS(got) != status)
		return NOPE("child %d: status %#x, expected an exit with %d",
			    pid, got, status);
	return 0;
}

static int pfd_reaped_setup(void)
{
	pfd_reaped_a = pfd_zombie_child(3);
	if (pfd_reaped_a < 0)
		return -1;
	pfd_reaped_b = pfd_zombie_child(5);
	if (pfd_reaped_b < 0)
		return -1;
	fds[0] = pfd_open(pfd_reaped_a, 0);
	fds[1] = pfd_open(pfd_reaped_a, PIDFD_NONBLOCK);
	fds[2] = dup(fds[1]);
	fds[3] = pfd_open(pfd_reaped_b, PIDFD_THREAD);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0)
		return NOPE("pidfds of the zombies %d and %d: %s",
			    pfd_reaped_a, pfd_reaped_b, strerror(errno));
	/* zombies: their pidfds name them */
	if (pfd_pid(fds[0]) != pfd_reaped_a || pfd_pid(fds[1]) != pfd_reaped_a ||
	    pfd_pid(fds[2]) != pfd_reaped_a || pfd_pid(fds[3]) != pfd_reaped_b)
		return NOPE("the zombies' pidfds: fdinfo Pid: %ld, %ld, %ld and %ld, expected %d, %d, %d and %d",
			    pfd_pid(fds[0]), pfd_pid(fds[1]), pfd_pid(fds[2]),
			    pfd_pid(fds[3]), pfd_reaped_a, pfd_reaped_a,
			    pfd_reaped_a, pfd_reaped_b);
	if (pfd_reap(pfd_reaped_a, 3) || pfd_reap(pfd_reaped_b, 5))
		return -1;
	/* what stock Linux does, recorded for verify() */
	if (pfd_reaped_look(&pfd_reaped_before, "before the checkpoint") ||
	    pfd_reaped_cmp(&pfd_reaped_before, "before the checkpoint",
			   &pfd_reaped_want, "expected"))
		return -1;
	return 0;
}

static int pfd_reaped_verify(void)
{
	struct pfd_reaped_view now;

	if (pfd_reaped_look(&now, "after the restart") ||
	    pfd_reaped_cmp(&now, "after the restart", &pfd_reaped_before,
			   "before the checkpoint"))
		return -1;
	return 0;
}

/* ---- files of the tree's own directories in /proc ------------------------ */

/*
 * The root holds files of its own and of its child's directory in /proc:
 * after the restart they are the restored tasks', by the numbers these
 * have now - which the test does not assume are the old ones. fds[0]
 * /proc/self/status, PRC_POS bytes read; fds[1] /proc/CHILD/stat; fds[2]
 * /proc/self/task/TID/comm of a second thread, named PRC_COMM; fds[3] an
 * O_PATH | O_DIRECTORY descriptor of /proc/CHILD; fds[4] the directory
 * /proc/self/fd; fds[5] the root's end of a socket pair with the child,
 * which answers a byte with its pid as it sees it (getpid()).
 */
#define PRC_POS		10
#define PRC_COMM	"ckpt-worker"

static pthread_t prc_thread;
static volatile pid_t prc_tid;
static volatile sig_atomic_t prc_stop;

/* the second thread: it says which thread it is, as long as it runs */
static void *prc_thread_fn(void *arg)
{
	prctl(PR_SET_NAME, PRC_COMM);
	while (!prc_stop) {
		prc_tid = gettid();
		usleep(1000);
	}
	return NULL;
}

/* the child: its pid, as it sees it, for each byte the root sends */
static void prc_child(int fd)
{
	pid_t me;
	char c;

	while (read(fd, &c, 1) == 1) {
		me = getpid();
		if (write(fd, &me, sizeof(me)) != sizeof(me))
			break;
	}
	_exit(0);
}

static int prc_setup(void)
{
	char path[64], head[PRC_POS];
	int sv[2], i;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		close(sv[0]);
		prc_child(sv[1]);
	}
	close(sv[1]);
	errno = pthread_create(&prc_thread, NULL, prc_thread_fn, NULL);
	if (errno)
		return -1;
	for (i = 0; i < 5000 && !prc_tid; i++)
		usleep(1000);
	fds[0] = open("/proc/self/status", O_RDONLY);
	if (fds[0] < 0 || read(fds[0], head, PRC_POS) != PRC_POS)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	fds[1] = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", prc_tid);
	fds[2] = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/%d", child);
	fds[3] = open(path, O_PATH | O_DIRECTORY);
	fds[4] = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
	fds[5] = sv[0];
	return !prc_tid || fds[1] < 0 || fds[2] < 0 || fds[3] < 0 ||
	       fds[4] < 0 ? -1 : 0;
}

/* The whole of the /proc file at fd @fd, read from offset 0 */
static const char *prc_pread(int fd)
{
	static char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Does the directory at fd @dir (from its start) list the name @name? */
static bool prc_lists(int dir, const char *name)
{
	char buf[8192] __attribute__((aligned(8)));
	long n, at;

	if (lseek(dir, 0, SEEK_SET))
		return false;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (at = 0; at < n;) {
			/* struct linux_dirent64: d_ino, d_off, d_reclen, d_type, d_name */
			unsigned short reclen;

			memcpy(&reclen, buf + at + 16, sizeof(reclen));
			if (!strcmp(buf + at + 19, name))
				return true;
			at += reclen;
		}
	}
	return false;
}

static int prc_verify(void)
{
	char next[PRC_POS], want[96], name[16];
	pid_t me = getpid(), kid = 0, tid = 0;
	int fd, i, status, ppid = 0;
	const char *text, *p;
	char state;

	/* the root's status: its offset kept, under the pid it has now */
	if (lseek(fds[0], 0, SEEK_CUR) != PRC_POS)
		return NOPE("the status fd is at %lld, expected %d",
			    (long long)lseek(fds[0], 0, SEEK_CUR), PRC_POS);
	if (read(fds[0], next, PRC_POS) != PRC_POS)
		return NOPE("reading the status fd at its offset: %s",
			    strerror(errno));
	text = prc_pread(fds[0]);
	if (strlen(text) < 2 * PRC_POS || memcmp(text + PRC_POS, next, PRC_POS))
		return NOPE("the status fd read \"%.*s\" at its offset, not what follows \"%.*s\"",
			    PRC_POS, next, PRC_POS, text);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", me);
	if (!strstr(text, want))
		return NOPE("no \"Pid:\t%d\" in the status fd: %.300s", me, text);
	snprintf(want, sizeof(want), "/proc/%d/status", me);
	if (strcmp(fd_link(fds[0]), want))
		return NOPE("the status fd is %s, expected %s", fd_link(fds[0]),
			    want);

	/* the child, as it says it is now */
	if (write(fds[5], "?", 1) != 1 ||
	    read(fds[5], &kid, sizeof(kid)) != sizeof(kid) || kid <= 0)
		return NOPE("the child does not say its pid: %s", strerror(errno));
	/* "pid (comm) state ppid ..." */
	text = prc_pread(fds[1]);
	p = strrchr(text, ')');
	if (atoi(text) != kid || !p || sscanf(p, ") %c %d", &state, &ppid) != 2 ||
	    ppid != me)
		return NOPE("the stat fd of the child %d of %d reads %.120s", kid,
			    me, text);
	snprintf(want, sizeof(want), "/proc/%d/stat", kid);
	if (strcmp(fd_link(fds[1]), want))
		return NOPE("the stat fd is %s, expected %s", fd_link(fds[1]), want);

	/* the child's directory, O_PATH: its files open through it */
	if (!(fcntl(fds[3], F_GETFL) & O_PATH))
		return NOPE("the O_PATH descriptor lost O_PATH: %#x",
			    fcntl(fds[3], F_GETFL));
	snprintf(want, sizeof(want), "/proc/%d", kid);
	if (strcmp(fd_link(fds[3]), want))
		return NOPE("the directory fd is %s, expected %s",
			    fd_link(fds[3]), want);
	fd = openat(fds[3], "status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NOPE("openat(\"status\") through the child's directory: %s",
			    strerror(errno));
	text = prc_pread(fd);
	close(fd);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", kid);
	if (!strstr(text, want))
		return NOPE("the child's status names another: %.300s", text);

	/* the second thread's comm, under the thread's number now */
	prc_tid = 0;
	for (i = 0; i < 5000 && !prc_tid; i++)
		usleep(1000);
	tid = prc_tid;
	snprintf(want, sizeof(want), "/proc/%d/task/%d/comm", me, tid);
	if (!tid || strcmp(fd_link(fds[2]), want))
		return NOPE("the comm fd is %s, expected %s", fd_link(fds[2]),
			    want);
	if (strcmp(prc_pread(fds[2]), PRC_COMM "\n"))
		return NOPE("the thread's comm reads \"%s\"", prc_pread(fds[2]));

	/* the fd directory lists the root's fds, itself among them */
	snprintf(want, sizeof(want), "/proc/%d/fd", me);
	if (strcmp(fd_link(fds[4]), want))
		return NOPE("the fd directory is %s, expected %s",
			    fd_link(fds[4]), want);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "%d", fds[i]);
		if (!prc_lists(fds[4], name))
			return NOPE("the fd directory does not list fd %d",
				    fds[i]);
	}

	/* the child is the root's child, by the pid it said */
	prc_stop = 1;
	errno = pthread_join(prc_thread, NULL);
	if (errno)
		return NOPE("pthread_join(): %s", strerror(errno));
	close(fds[5]);
	if (waitpid(kid, &status, 0) != kid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return NOPE("waitpid(%d): %s, status %#x", kid, strerror(errno),
			    status);
	return 0;
}

/* ---- owners of open files (F_SETOWN, F_SETOWN_EX) and their signal ------ */

/*
 * The root leads a process group of its own, with a child in it and a
 * second thread (prc_thread_fn(): it says which thread it is). fds[0]
 * and fds[1] a pipe: the read end owned by the child (F_SETOWN pid) with
 * OWN_SIG (F_SETSIG), the write end by the root's process group
 * (F_SETOWN -pgid); fds[2] the root's end of a socket pair with the
 * child, owned by the second thread (F_SETOWN_EX F_OWNER_TID). After the
 * restart F_GETOWN, F_GETOWN_EX and F_GETSIG read the same, by the
 * numbers the owners have now, which the child and the thread say; and
 * the owners get what an owner gets: with O_ASYNC set now, a write to
 * the pipe signals the child with OWN_SIG for fd fds[0], and an
 * out-of-band byte the child sends gives the second thread SIGURG.
 */
#define OWN_SIG		34	/* glibc's SIGRTMIN */

static volatile sig_atomic_t own_sigs, own_sig_fd = -1;
static volatile pid_t own_urg_tid;

static void own_on_sig(int sig, siginfo_t *si, void *uc)
{
	own_sig_fd = si->si_fd;
	own_sigs++;
}

static void own_on_urg(int sig)
{
	own_urg_tid = gettid();
}

/*
 * The child, for each byte the root sends: '?' its pid as it sees it;
 * 'n' how many OWN_SIG it got (waiting up to 5 s for one) and the si_fd
 * of the last; '!' an out-of-band byte to the root
 */
static __attribute__((noreturn)) void own_child(int fd)
{
	struct sigaction sa = { .sa_sigaction = own_on_sig,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	int got[2], i;
	pid_t me;
	char c;

	if (sigaction(OWN_SIG, &sa, NULL))
		_exit(1);
	while (read(fd, &c, 1) == 1) {
		if (c == '!') {
			if (send(fd, "u", 1, MSG_OOB) != 1)
				break;
		} else if (c == 'n') {
			for (i = 0; i < 5000 && !own_sigs; i++)
				usleep(1000);
			got[0] = own_sigs;
			got[1] = own_sig_fd;
			if (write(fd, got, sizeof(got)) != sizeof(got))
				break;
		} else {
			me = getpid();
			if (write(fd, &me, sizeof(me)) != sizeof(me))
				break;
		}
	}
	_exit(0);
}

static int own_setup(void)
{
	struct sigaction sa = { .sa_handler = own_on_urg,
				.sa_flags = SA_RESTART };
	struct f_owner_ex ex = { .type = F_OWNER_TID };
	int sv[2], i;
	pid_t child;

	if (setpgid(0, 0) || sigaction(SIGURG, &sa, NULL) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	/* before the pipe: the child holds none of the root's files */
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		close(sv[0]);
		own_child(sv[1]);
	}
	close(sv[1]);
	errno = pthread_create(&prc_thread, NULL, prc_thread_fn, NULL);
	if (errno)
		return -1;
	for (i = 0; i < 5000 && !prc_tid; i++)
		usleep(1000);
	if (!prc_tid || pipe(fds))
		return -1;
	fds[2] = sv[0];
	ex.pid = prc_tid;
	return fcntl(fds[0], F_SETOWN, child) ||
	       fcntl(fds[0], F_SETSIG, OWN_SIG) ||
	       fcntl(fds[1], F_SETOWN, -getpgrp()) ||
	       fcntl(fds[2], F_SETOWN_EX, &ex) ? -1 : 0;
}

/* F_GETOWN_EX of @fd: "type pid", or "error" */
static const char *own_ex(int fd)
{
	static char buf[4][32];
	static int n;
	struct f_owner_ex ex = { 0 };
	char *b = buf[n++ % 4];

	if (fcntl(fd, F_GETOWN_EX, &ex))
		return "error";
	snprintf(b, sizeof(buf[0]), "%d %d", ex.type, ex.pid);
	return b;
}

static int own_verify(void)
{
	char want[3][32];
	pid_t kid = 0, tid, me = getpid();
	int got[2] = { 0, -1 }, i, status;

	/* the child, and the thread, as they say they are now */
	if (write(fds[2], "?", 1) != 1 ||
	    read(fds[2], &kid, sizeof(kid)) != sizeof(kid) || kid <= 0)
		return NOPE("the child does not say its pid: %s", strerror(errno));
	prc_tid = 0;
	for (i = 0; i < 5000 && !prc_tid; i++)
		usleep(1000);
	tid = prc_tid;
	if (!tid)
		return NOPE("the second thread does not say which it is");
	if (getpgrp() != me || getpgid(kid) != me)
		return NOPE("the root %d is in group %d, its child %d in %d",
			    me, getpgrp(), kid, getpgid(kid));

	/* F_GETOWN, F_GETOWN_EX and F_GETSIG, by the numbers of now */
	snprintf(want[0], sizeof(want[0]), "%d %d", F_OWNER_PID, kid);
	snprintf(want[1], sizeof(want[1]), "%d %d", F_OWNER_PGRP, me);
	snprintf(want[2], sizeof(want[2]), "%d %d", F_OWNER_TID, tid);
	if (fcntl(fds[0], F_GETOWN) != kid || fcntl(fds[1], F_GETOWN) != -me)
		return NOPE("F_GETOWN %d and %d, expected the child %d and the group -%d",
			    fcntl(fds[0], F_GETOWN), fcntl(fds[1], F_GETOWN),
			    kid, me);
	if (strcmp(own_ex(fds[0]), want[0]) || strcmp(own_ex(fds[1]), want[1]) ||
	    strcmp(own_ex(fds[2]), want[2]))
		return NOPE("F_GETOWN_EX \"%s\", \"%s\" and \"%s\", expected \"%s\", \"%s\" and \"%s\"",
			    own_ex(fds[0]), own_ex(fds[1]), own_ex(fds[2]),
			    want[0], want[1], want[2]);
	if (fcntl(fds[0], F_GETSIG) != OWN_SIG || fcntl(fds[1], F_GETSIG) ||
	    fcntl(fds[2], F_GETSIG))
		return NOPE("F_GETSIG %d, %d and %d, expected %d, 0 and 0",
			    fcntl(fds[0], F_GETSIG), fcntl(fds[1], F_GETSIG),
			    fcntl(fds[2], F_GETSIG), OWN_SIG);

	/* O_ASYNC now: a write to the pipe signals its read end's owner */
	if (fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_ASYNC) ||
	    write(fds[1], "x", 1) != 1)
		return NOPE("O_ASYNC, then a write to the pipe: %s",
			    strerror(errno));
	if (write(fds[2], "n", 1) != 1 ||
	    read(fds[2], got, sizeof(got)) != sizeof(got) || got[0] < 1 ||
	    got[1] != fds[0])
		return NOPE("the child got signal %d %d times, for fd %d; expected for fd %d",
			    OWN_SIG, got[0], got[1], fds[0]);
	/* an out-of-band byte: SIGURG to the socket's owner, the thread */
	if (write(fds[2], "!", 1) != 1)
		return NOPE("asking the child for an out-of-band byte: %s",
			    strerror(errno));
	for (i = 0; i < 5000 && !own_urg_tid; i++)
		usleep(1000);
	if (own_urg_tid != tid)
		return NOPE("SIGURG for the socket was handled by %d, not by its owner, the thread %d",
			    own_urg_tid, tid);

	prc_stop = 1;
	errno = pthread_join(prc_thread, NULL);
	if (errno)
		return NOPE("pthread_join(): %s", strerror(errno));
	close(fds[2]);
	if (waitpid(kid, &status, 0) != kid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return NOPE("waitpid(%d): %s, status %#x", kid, strerror(errno),
			    status);
	return 0;
}

/* ---- O_ASYNC and the fd its signals name -------------------------------- */

/*
 * fds[0] and fds[1] a pipe, fds[2] and fds[3] a unix socket pair, fds[4]
 * an inotify instance watching DATA for writes, fds[5] DATA (a regular
 * file). The pipe's read end, fds[2] and the inotify instance are the
 * root's (F_SETOWN) with ASY_SIG (F_SETSIG), and O_ASYNC was set on each
 * through another number, ASY_FD + 0, 1 and 2, closed since: their
 * signals name that number (si_fd). The regular file has no signal list:
 * O_ASYNC is a bare flag on it, which only open() sets. fds[6] and fds[7] a second socket pair,
 * fds[6] non-blocking with O_ASYNC (through ASY_FD + 3) written until it
 * is full: a writer waiting for space. After the restart F_GETFL has
 * O_ASYNC on the five; a write to the pipe, bytes the peer sends, a write
 * to DATA (an inotify event) and the full socket's peer reading each
 * give the root ASY_SIG for its number.
 */
#define ASY_SIG		35	/* glibc's SIGRTMIN + 1 */
#define ASY_FD		40

static volatile sig_atomic_t asy_sigs, asy_fd = -1;

static void asy_on_sig(int sig, siginfo_t *si, void *uc)
{
	asy_fd = si->si_fd;
	asy_sigs++;
}

/* The root owns @fd with ASY_SIG; O_ASYNC set through fd @as, closed */
static int asy_set(int fd, int as)
{
	if (dup2(fd, as) != as || fcntl(as, F_SETOWN, getpid()) ||
	    fcntl(as, F_SETSIG, ASY_SIG) ||
	    fcntl(as, F_SETFL, fcntl(as, F_GETFL) | O_ASYNC))
		return -1;
	return close(as);
}

static int asy_setup(void)
{
	struct sigaction sa = { .sa_sigaction = asy_on_sig,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	static char buf[4096];

	if (sigaction(ASY_SIG, &sa, NULL) || pipe(fds) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, fds + 2))
		return -1;
	/* F_SETFL sets O_ASYNC only through ->fasync(); open() sets it bare */
	fds[5] = open(DATA, O_RDWR | O_CREAT | O_TRUNC | O_ASYNC, 0600);
	fds[4] = inotify_init1(IN_NONBLOCK);
	if (fds[4] < 0 || fds[5] < 0 ||
	    inotify_add_watch(fds[4], DATA, IN_MODIFY) != 1)
		return -1;
	if (asy_set(fds[0], ASY_FD) || asy_set(fds[2], ASY_FD + 1) ||
	    asy_set(fds[4], ASY_FD + 2) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, fds + 6) ||
	    fcntl(fds[6], F_SETFL, O_NONBLOCK) || asy_set(fds[6], ASY_FD + 3))
		return -1;
	/* full: the socket now waits for space, and says so with a signal */
	while (write(fds[6], buf, sizeof(buf)) > 0)
		;
	if (errno != EAGAIN)
		return -1;
	asy_sigs = 0;
	return 0;
}

/* @done (what should signal) succeeded, then ASY_SIG came for fd @fd */
static int asy_got(bool done, const char *what, int fd)
{
	int i;

	if (!done)
		return NOPE("%s: %s", what, strerror(errno));
	for (i = 0; i < 5000 && !asy_sigs; i++)
		usleep(1000);
	if (!asy_sigs || asy_fd != fd)
		return NOPE("%s: signal %d came %d times, for fd %d; expected for fd %d",
			    what, ASY_SIG, asy_sigs, asy_fd, fd);
	asy_sigs = 0;
	asy_fd = -1;
	return 0;
}

static int asy_verify(void)
{
	static const int has[8] = { 1, 0, 1, 0, 1, 1, 1, 0 };
	static char buf[4096];
	ssize_t n;
	int i;

	for (i = 0; i < 8; i++)
		if (!(fcntl(fds[i], F_GETFL) & O_ASYNC) != !has[i])
			return NOPE("fd %d (fds[%d]) %s O_ASYNC", fds[i], i,
				    has[i] ? "lost" : "got");
	for (i = 0; i < 4; i++)
		if (fcntl(ASY_FD + i, F_GETFD) != -1)
			return NOPE("fd %d, closed before the checkpoint, is open",
				    ASY_FD + i);
	asy_sigs = 0;
	asy_fd = -1;
	if (asy_got(write(fds[1], "x", 1) == 1, "a write to the pipe",
		    ASY_FD) ||
	    asy_got(send(fds[3], "y", 1, 0) == 1, "bytes from the peer",
		    ASY_FD + 1) ||
	    asy_got(write(fds[5], "z", 1) == 1, "a write to the watched file",
		    ASY_FD + 2))
		return -1;
	/* the full socket's peer reads it all: space, and a signal for it */
	while ((n = recv(fds[7], buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	return asy_got(n < 0 && errno == EAGAIN,
		       "reading what the full socket sent", ASY_FD + 3);
}

/* ---- the fixture --------------------------------------------------------- */

/* WDIR and what the inotify variants made in it */
static void rm_wdir(void)
{
	static const char *const names[] = { "queued", "after", "loop" };
	char name[64];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), WDIR "/%s", names[i]);
		unlink(name);
	}
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), WDIR "/%c%d", i < 6 ? 'o' : 'p',
			 i % 6);
		unlink(name);
	}
	rmdir(WDIR);
}

FIXTURE(matrix) {
	pid_t root;
};

FIXTURE_VARIANT(matrix) {
	int (*setup)(void);
	int (*verify)(void);
};

/* an out-of-band byte after "ab", on a stream pair */
static int uoob_setup(void)
{
	return socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	       send(fds[0], "ab", 2, 0) != 2 ||
	       send(fds[0], "x", 1, MSG_OOB) != 1 ? -1 : 0;
}

/* a read stops at the mark, MSG_OOB takes the byte */
static int uoob_verify(void)
{
	char buf[8] = "";

	if (recv(fds[1], buf, sizeof(buf), MSG_DONTWAIT) != 2 ||
	    memcmp(buf, "ab", 2))
		return NOPE("the bytes before the mark are not \"ab\": %s",
			    strerror(errno));
	if (recv(fds[1], buf, 1, MSG_OOB | MSG_DONTWAIT) != 1 || buf[0] != 'x')
		return NOPE("the out-of-band byte is lost: %s",
			    strerror(errno));
	return 0;
}

/*
 * A file in flight in the tree's own pair: /dev/null, sent by fds[0],
 * not received by fds[1], and closed by its sender. Once refused ("files
 * in flight"); scm_test.c has files in flight of every kind.
 */
static int urights_setup(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8))) = "";
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		return -1;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(fds[0], &msg, 0) != 1 || close(fd) ? -1 : 0;
}

static int urights_verify(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8))) = "";
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	struct stat st;
	int fd;

	if (recvmsg(fds[1], &msg, MSG_DONTWAIT) != 1 || c != 'f')
		return NOPE("the message with the file is lost");
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return NOPE("the file in flight is lost");
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(1, 3))
		return NOPE("the file received is not /dev/null");
	if ((fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDWR ||
	    write(fd, "x", 1) != 1)
		return NOPE("the /dev/null received is not open for writing");
	if (!drained(fds[1]))
		return NOPE("more than the message is queued");
	return close(fd);
}

/*
 * A UDP socket on the loopback, bound to a port the kernel chose and
 * connected to itself; its name, as the program saw it then
 */
static struct sockaddr_in udp_name;

static int udp_setup(void)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(a);

	fds[0] = socket(AF_INET, SOCK_DGRAM, 0);
	if (fds[0] < 0 || bind(fds[0], (void *)&a, sizeof(a)) ||
	    getsockname(fds[0], (void *)&a, &len) ||
	    connect(fds[0], (void *)&a, len))
		return -1;
	udp_name = a;
	return 0;
}

/*
 * Restored: the same name and the same peer (itself), and a datagram it
 * sends itself comes back, from itself; nothing else is queued
 */
static int udp_verify(void)
{
	struct sockaddr_in a = {}, from = {};
	socklen_t len = sizeof(a), flen = sizeof(from);
	struct pollfd p = { .events = POLLIN };
	char buf[8] = "";

	if (getsockname(fds[0], (void *)&a, &len) || len != sizeof(a) ||
	    memcmp(&a, &udp_name, sizeof(a)))
		return NOPE("the UDP socket's name is %#x:%u, was %#x:%u",
			    ntohl(a.sin_addr.s_addr), ntohs(a.sin_port),
			    ntohl(udp_name.sin_addr.s_addr),
			    ntohs(udp_name.sin_port));
	len = sizeof(a);
	if (getpeername(fds[0], (void *)&a, &len) || len != sizeof(a) ||
	    memcmp(&a, &udp_name, sizeof(a)))
		return NOPE("the UDP socket is not connected to itself: %s",
			    strerror(errno));
	if (!drained(fds[0]))
		return NOPE("the UDP socket has a datagram queued");
	p.fd = fds[0];
	if (send(fds[0], "dgram", 5, 0) != 5 || poll(&p, 1, 20000) != 1 ||
	    recvfrom(fds[0], buf, sizeof(buf), MSG_DONTWAIT, (void *)&from,
		     &flen) != 5 || memcmp(buf, "dgram", 5))
		return NOPE("the UDP socket does not carry datagrams: %s",
			    strerror(errno));
	if (flen != sizeof(from) || memcmp(&from, &udp_name, sizeof(from)))
		return NOPE("the datagram came from %#x:%u, not from the socket",
			    ntohl(from.sin_addr.s_addr), ntohs(from.sin_port));
	return 0;
}

/*
 * An established TCP connection on the loopback, both ends in the tree,
 * and its listener, still listening: fds[0] the listener, fds[1] the
 * client, fds[2] what the listener accepted (on the listener's port).
 * Each end sent the other bytes it did not read, acknowledged before the
 * checkpoint. The tree is killed after the checkpoint, which is taken
 * with CHECKPOINT_NET_LOCK: the kill says nothing to the peers, the
 * restart takes the connection over.
 */
static int inet_pair(int family)
{
	struct sockaddr_in6 a6 = {
		.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT,
	};
	struct sockaddr_in a4 = {
		.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sockaddr *a = family == AF_INET ? (void *)&a4 : (void *)&a6;
	socklen_t len = family == AF_INET ? sizeof(a4) : sizeof(a6);

	fds[0] = socket(family, SOCK_STREAM, 0);
	if (fds[0] < 0 || bind(fds[0], a, len) || listen(fds[0], 4) ||
	    getsockname(fds[0], a, &len))
		return -1;
	fds[1] = socket(family, SOCK_STREAM, 0);
	if (fds[1] < 0 || connect(fds[1], a, len))
		return -1;
	fds[2] = accept(fds[0], NULL, NULL);
	return fds[2] < 0 ? -1 : 0;
}

#define TCP_FWD		"from the client"
#define TCP_BACK	"and back from the accepted end"

static int tcp_conn_setup(int family)
{
	int k, in1 = -1, in2 = -1, out1 = -1, out2 = -1;

	if (inet_pair(family) ||
	    write(fds[1], TCP_FWD, strlen(TCP_FWD)) != (ssize_t)strlen(TCP_FWD) ||
	    write(fds[2], TCP_BACK, strlen(TCP_BACK)) !=
	    (ssize_t)strlen(TCP_BACK))
		return -1;
	/* received, not read; acknowledged */
	for (k = 0; k < 1000; k++) {
		if (ioctl(fds[1], SIOCINQ, &in1) || ioctl(fds[2], SIOCINQ, &in2) ||
		    ioctl(fds[1], SIOCOUTQ, &out1) ||
		    ioctl(fds[2], SIOCOUTQ, &out2))
			return -1;
		if (in1 == (int)strlen(TCP_BACK) && in2 == (int)strlen(TCP_FWD) &&
		    !out1 && !out2)
			return 0;
		usleep(10000);
	}
	return NOPE("the bytes were not received and acknowledged: %d, %d queued, %d, %d to acknowledge",
		    in1, in2, out1, out2);
}

static int tcp_setup(void)
{
	return tcp_conn_setup(AF_INET);
}

static int tcp6_setup(void)
{
	return tcp_conn_setup(AF_INET6);
}

/* the connection carries bytes both ways */
static int tcp_verify(void)
{
	char c = 0;

	if (write(fds[1], "t", 1) != 1 || read(fds[2], &c, 1) != 1 ||
	    c != 't' || write(fds[2], "u", 1) != 1 ||
	    read(fds[1], &c, 1) != 1 || c != 'u')
		return NOPE("the TCP connection does not carry bytes");
	return 0;
}

/* @fd has @want queued, at once, and nothing more */
static int tcp_queued(int fd, const char *want)
{
	char buf[64] = "";
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		return NOPE("\"%s\" queued, expected \"%s\"", buf, want);
	if (recv(fd, buf, 1, MSG_DONTWAIT) != -1 || errno != EAGAIN)
		return NOPE("more than \"%s\" queued", want);
	return 0;
}

/*
 * Restored: the bytes sent before the checkpoint are there to read, each
 * end's peer is the other, the connection carries bytes both ways, and
 * the listener, on the port of the connection it accepted, accepts
 * another
 */
static int tcp_conn_verify(void)
{
	struct sockaddr_storage a, b;
	socklen_t la = sizeof(a), lb = sizeof(b);
	int c, s;

	if (tcp_queued(fds[2], TCP_FWD) || tcp_queued(fds[1], TCP_BACK))
		return -1;
	if (getpeername(fds[1], (void *)&a, &la) ||
	    getsockname(fds[2], (void *)&b, &lb) || la != lb ||
	    memcmp(&a, &b, la))
		return NOPE("the client's peer is not the accepted end");
	if (tcp_verify())
		return -1;
	la = sizeof(a);
	if (getsockname(fds[0], (void *)&a, &la))
		return NOPE("the listener has no name");
	c = socket(a.ss_family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (void *)&a, la))
		return NOPE("no connection to the listener: %s", strerror(errno));
	s = accept(fds[0], NULL, NULL);
	if (s < 0)
		return NOPE("the listener accepts nothing");
	close(s);
	close(c);
	return 0;
}

FIXTURE_VARIANT_ADD(matrix, tcp_listener_and_connection) {
	.setup = tcp_setup, .verify = tcp_conn_verify,
};

FIXTURE_VARIANT_ADD(matrix, tcp6_listener_and_connection) {
	.setup = tcp6_setup, .verify = tcp_conn_verify,
};

FIXTURE_VARIANT_ADD(matrix, pipe_with_data) {
	.setup = pipe_setup, .verify = pipe_verify,
};

FIXTURE_VARIANT_ADD(matrix, regular_file_offset) {
	.setup = reg_setup, .verify = reg_verify,
};

FIXTURE_VARIANT_ADD(matrix, eventfd_counter) {
	.setup = efd_count_setup, .verify = efd_count_verify,
};

FIXTURE_VARIANT_ADD(matrix, eventfd_semaphore_nonblock) {
	.setup = efd_sem_setup, .verify = efd_sem_verify,
};

FIXTURE_VARIANT_ADD(matrix, eventfd_largest_counter) {
	.setup = efd_max_setup, .verify = efd_max_verify,
};

FIXTURE_VARIANT_ADD(matrix, eventfd_shared_by_dup_and_fork) {
	.setup = efd_shared_setup, .verify = efd_shared_verify,
};

FIXTURE_VARIANT_ADD(matrix, epoll_loop_serves_events) {
	.setup = ep_loop_setup, .verify = ep_loop_verify,
};

FIXTURE_VARIANT_ADD(matrix, epoll_nested) {
	.setup = ep_nested_setup, .verify = ep_nested_verify,
};

FIXTURE_VARIANT_ADD(matrix, epoll_item_of_closed_fd) {
	.setup = ep_closed_fd_setup, .verify = ep_closed_fd_verify,
};

FIXTURE_VARIANT_ADD(matrix, signalfd_reads_pending_signals) {
	.setup = sfd_setup, .verify = sfd_verify,
};

FIXTURE_VARIANT_ADD(matrix, epoll_on_signalfd) {
	.setup = sfd_epoll_setup, .verify = sfd_epoll_verify,
};

FIXTURE_VARIANT_ADD(matrix, timerfd_periodic_keeps_ticking) {
	.setup = tfd_periodic_setup, .verify = tfd_periodic_verify,
};

FIXTURE_VARIANT_ADD(matrix, timerfd_keeps_time_left) {
	.setup = tfd_oneshot_setup, .verify = tfd_oneshot_verify,
};

FIXTURE_VARIANT_ADD(matrix, timerfd_absolute_wall_clock) {
	.setup = tfd_abs_setup, .verify = tfd_abs_verify,
};

FIXTURE_VARIANT_ADD(matrix, timerfd_fired_and_unarmed) {
	.setup = tfd_idle_setup, .verify = tfd_idle_verify,
};

FIXTURE_VARIANT_ADD(matrix, inotify_watches_and_queue) {
	.setup = in_setup, .verify = in_verify,
};

FIXTURE_VARIANT_ADD(matrix, inotify_queue_overflowed) {
	.setup = in_overflow_setup, .verify = in_overflow_verify,
};

FIXTURE_VARIANT_ADD(matrix, event_loop_with_everything) {
	.setup = loop_setup, .verify = loop_verify,
};

FIXTURE_VARIANT_ADD(matrix, epoll_target_only_in_child) {
	.setup = ep_child_target_setup, .verify = ep_child_target_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_stream_pair_with_data) {
	.setup = us_data_setup, .verify = us_data_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_dgram_pair_keeps_boundaries) {
	.setup = ud_setup, .verify = ud_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_pairs_shut_down) {
	.setup = ushut_setup, .verify = ushut_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_pair_options) {
	.setup = uo_setup, .verify = uo_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_peer_closed) {
	.setup = uh_setup, .verify = uh_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_credentials_of_queued_data) {
	.setup = ucred_setup, .verify = ucred_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_pair_between_parent_and_child) {
	.setup = upc_setup, .verify = upc_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_unconnected_sockets) {
	.setup = uu_setup, .verify = uu_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_socket_bound_to_path) {
	.setup = ub_path_setup, .verify = ub_path_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_connection_through_abstract_name) {
	.setup = ub_conn_setup, .verify = ub_conn_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_listening_socket) {
	.setup = ul_setup, .verify = ul_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_out_of_band_byte) {
	.setup = uoob_setup, .verify = uoob_verify,
};

FIXTURE_VARIANT_ADD(matrix, unix_file_in_flight) {
	.setup = urights_setup, .verify = urights_verify,
};

FIXTURE_VARIANT_ADD(matrix, madvise_advice_kept) {
	.setup = adv_setup, .verify = adv_verify,
};

FIXTURE_VARIANT_ADD(matrix, mlock_kept) {
	.setup = lck_setup, .verify = lck_verify,
};

FIXTURE_VARIANT_ADD(matrix, mlockall_future_kept) {
	.setup = lcf_setup, .verify = lcf_verify,
};

FIXTURE_VARIANT_ADD(matrix, memfd_kept) {
	.setup = mfd_setup, .verify = mfd_verify,
};

FIXTURE_VARIANT_ADD(matrix, memfd_write_sealed_kept) {
	.setup = mfd_sealed_setup, .verify = mfd_sealed_verify,
};

FIXTURE_VARIANT_ADD(matrix, memfd_mapped_only_kept) {
	.setup = mfd_mapped_setup, .verify = mfd_mapped_verify,
};

FIXTURE_VARIANT_ADD(matrix, memfd_future_write_kept) {
	.setup = mfd_future_setup, .verify = mfd_future_verify,
};

FIXTURE_VARIANT_ADD(matrix, deleted_log_kept) {
	.setup = dlog_setup, .verify = dlog_verify,
};

FIXTURE_VARIANT_ADD(matrix, deleted_mapped_kept) {
	.setup = dmap_setup, .verify = dmap_verify,
};

FIXTURE_VARIANT_ADD(matrix, tmpfile_kept) {
	.setup = tmpf_setup, .verify = tmpf_verify,
};

FIXTURE_VARIANT_ADD(matrix, pidfd_live_and_zombie_children) {
	.setup = pfd_procs_setup, .verify = pfd_procs_verify,
};

FIXTURE_VARIANT_ADD(matrix, pidfd_of_a_thread) {
	.setup = pfd_thread_setup, .verify = pfd_thread_verify,
};

FIXTURE_VARIANT_ADD(matrix, pidfd_of_a_reaped_child) {
	.setup = pfd_reaped_setup, .verify = pfd_reaped_verify,
};

FIXTURE_VARIANT_ADD(matrix, proc_files_of_the_tree) {
	.setup = prc_setup, .verify = prc_verify,
};

FIXTURE_VARIANT_ADD(matrix, fd_owners_kept) {
	.setup = own_setup, .verify = own_verify,
};

FIXTURE_VARIANT_ADD(matrix, o_async_kept) {
	.setup = asy_setup, .verify = asy_verify,
};

FIXTURE_VARIANT_ADD(matrix, udp_socket) {
	.setup = udp_setup, .verify = udp_verify,
};

static volatile sig_atomic_t go;
static void on_usr1(int sig) { go = 1; }

/*
 * The root of the tree: @setup (none: made before the fork), say ready,
 * wait for SIGUSR1, then @verify and report.
 */
static void tree_root(int (*setup)(void), int (*verify)(void))
{
	lite_cg_enter(CG);
	lite_block(SIGUSR1);
	signal(SIGUSR1, on_usr1);
	if (setup && setup()) {
		/* what setup() checked and found wrong, or its errno */
		lite_say(REPORT, "SETUP failed: %s\n",
			 *why ? why : strerror(errno));
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

FIXTURE_SETUP(matrix)
{
	char rep[1024] = "";

	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	self->root = fork();
	ASSERT_LE(0, self->root);
	if (!self->root)
		tree_root(variant->setup, variant->verify);
	ASSERT_EQ(self->root, lite_line_pid(REPORT, "READY ", 30))
		TH_LOG("report: %s",
		       (lite_slurp(REPORT, rep, sizeof(rep)), rep));
}

FIXTURE_TEARDOWN(matrix)
{
	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_reap_all();
	rmdir(CG);
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	unlink(DATA);
	unlink(DLOG);
	unlink(DMAP);
	unlink(DLINK);
	unlink(SOCK);
	rm_wdir();
}

TEST_F_TIMEOUT(matrix, restored_program_verifies_itself, 120)
{
	char rep[1024] = "";
	pid_t got;
	int status;

	/* killed once checkpointed: its TCP connections kept silent */
	got = lite_migrate(CG, self->root, IMG);
	ASSERT_EQ(self->root, got) TH_LOG("step %d: %s", got, strerror(errno));
	ASSERT_EQ(0, kill(got, SIGUSR1));
	status = lite_status(got, 60);
	lite_slurp(REPORT, rep, sizeof(rep));
	EXPECT_NE(NULL, strstr(rep, "VERIFY ok\n")) TH_LOG("report: %s", rep);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("restored root: status %#x", status);
}

/* ---- refusals ------------------------------------------------------------ */

/*
 * Checkpoint the frozen tree under @root and expect it to fail with @err
 * and a log line containing @line; then thaw it: the tree must be
 * untouched, so the root's own check still passes.
 */
static void expect_refused(struct __test_metadata *_metadata, pid_t root,
			   int err, const char *line)
{
	char log[2048] = "", rep[1024] = "";
	int fd, logfd, status;
	long ret;

	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, logfd);
	ret = syscall(__NR_checkpoint, root, fd, CHECKPOINT_SUBTREE, logfd);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(err, errno) TH_LOG("errno %s", strerrorname_np(errno));
	close(fd);
	close(logfd);
	lite_slurp(LOG, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, line)) TH_LOG("log: %s", log);
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "0"));
	ASSERT_EQ(0, kill(root, SIGUSR1));
	status = lite_status(root, 60);
	lite_slurp(REPORT, rep, sizeof(rep));
	EXPECT_NE(NULL, strstr(rep, "VERIFY ok\n")) TH_LOG("report: %s", rep);
	EXPECT_EQ(0, status);
}

static int io_uring_setup(unsigned int entries, struct io_uring_params *p)
{
	return syscall(__NR_io_uring_setup, entries, p);
}

/* an eventfd that io_uring signals: the kernel holds it too */
static int efd_uring_setup(void)
{
	struct io_uring_params p = {};

	fds[0] = eventfd(4, 0);
	fds[1] = io_uring_setup(4, &p);
	if (fds[0] < 0 || fds[1] < 0)
		return -1;
	return syscall(__NR_io_uring_register, fds[1],
		       IORING_REGISTER_EVENTFD, &fds[0], 1) ? -1 : 0;
}

static int efd_uring_verify(void)
{
	uint64_t v = 0;

	if (efd_get(fds[0], &v) || v != 4)
		return NOPE("the eventfd changed: %llu", (unsigned long long)v);
	return 0;
}

FIXTURE(refuse) {
	pid_t root;
	int outside;
	char old_max[32];	/* kernel.ckpt_deleted_max before the test */
};

FIXTURE_VARIANT(refuse) {
	int (*setup)(void);
	int (*verify)(void);
	bool share_outside;	/* the test keeps fds[0], made before fork */
	/* the test opens the root's fd that links to this, by /proc/PID/fd */
	const char *reopen_outside;
	/* the test takes the root's fd that links to this, pidfd_getfd() */
	const char *getfd_outside;
	/* kernel.ckpt_deleted_max while the test runs */
	const char *deleted_max;
	int err;
	const char *line;
	/* @line is a format of the test process's pid (the root's parent) */
	bool line_has_test_pid;
};

FIXTURE_VARIANT_ADD(refuse, eventfd_held_by_io_uring) {
	.setup = efd_uring_setup, .verify = efd_uring_verify,
	.err = EBUSY, .line = "eventfd that a kernel user holds too",
};

static int ep_outside_setup(void)
{
	fds[0] = epoll_create1(0);
	return fds[0] < 0 ? -1 : 0;
}

static int ep_outside_verify(void)
{
	EXPECT_READY(fds[0], "");
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, epoll_shared_with_outside) {
	.setup = ep_outside_setup, .verify = ep_outside_verify,
	.share_outside = true, .err = EOPNOTSUPP,
	.line = "epoll instance shared with a process outside the tree",
};

FIXTURE_VARIANT_ADD(refuse, eventfd_shared_with_outside) {
	.setup = efd_count_setup, .verify = efd_count_verify,
	.share_outside = true, .err = EOPNOTSUPP,
	.line = "eventfd shared with a process outside the tree",
};

/* a watch on a file deleted while the tree holds it open: no name */
static int in_deleted_setup(void)
{
	fds[0] = inotify_init1(0);
	fds[1] = open(DATA, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fds[0] < 0 || fds[1] < 0 ||
	    inotify_add_watch(fds[0], DATA, IN_MODIFY) != 1)
		return -1;
	return unlink(DATA);
}

static int in_deleted_verify(void)
{
	struct inotify_event ev;
	char name[256];

	/* thawed: the watch still reports */
	if (write(fds[1], "x", 1) != 1 || in_next(fds[0], &ev, name, 256) ||
	    ev.wd != 1 || !(ev.mask & IN_MODIFY))
		return NOPE("the watch of the deleted file is gone");
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, inotify_watch_of_deleted_file) {
	.setup = in_deleted_setup, .verify = in_deleted_verify,
	.err = EOPNOTSUPP,
	.line = "inotify watch 1: inode",
};

static int in_outside_setup(void)
{
	fds[0] = inotify_init1(0);
	return fds[0] < 0 ? -1 : 0;
}

static int in_outside_verify(void)
{
	return inotify_add_watch(fds[0], "/tmp", IN_ATTRIB) == 1 ? 0 :
	       NOPE("the watcher does not watch");
}

FIXTURE_VARIANT_ADD(refuse, inotify_shared_with_outside) {
	.setup = in_outside_setup, .verify = in_outside_verify,
	.share_outside = true, .err = EOPNOTSUPP,
	.line = "inotify instance shared with a process outside the tree",
};

/*
 * A TCP connection in another state than ESTABLISHED is refused with its
 * state: one its peer closed, CLOSE_WAIT (the peer, closed by the
 * program, is an orphan in FIN_WAIT2, no file of the tree's); sockets of
 * other families and protocols than unix, TCP and UDP with their
 * family, type and protocol. Their checks go through the guest's
 * loopback, which the guest's init brings up.
 */
static int tcp_closed_setup(void)
{
	struct pollfd p = { .events = POLLRDHUP };

	if (inet_pair(AF_INET))
		return -1;
	close(fds[1]);
	fds[1] = -1;
	/* the peer's FIN came: CLOSE_WAIT */
	p.fd = fds[2];
	return poll(&p, 1, 10000) == 1 && p.revents & POLLRDHUP ? 0 : -1;
}

/* thawed, the connection reads its end, and the listener listens */
static int tcp_closed_verify(void)
{
	char c;

	if (read(fds[2], &c, 1) != 0)
		return NOPE("the connection its peer closed does not read its end");
	return sock_int(fds[0], SO_ACCEPTCONN) == 1 ? 0 :
	       NOPE("the listener does not listen any more");
}

FIXTURE_VARIANT_ADD(refuse, tcp_connection_closed_by_its_peer) {
	.setup = tcp_closed_setup, .verify = tcp_closed_verify,
	.err = EOPNOTSUPP,
	.line = "is a TCP connection (CLOSE_WAIT): not supported yet",
};

/* a netlink socket a program keeps (for route events, say) */
static int netlink_setup(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };

	fds[0] = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	return fds[0] < 0 || bind(fds[0], (void *)&a, sizeof(a)) ? -1 : 0;
}

static int netlink_verify(void)
{
	struct sockaddr_nl a;
	socklen_t len = sizeof(a);

	if (getsockname(fds[0], (void *)&a, &len) || a.nl_family != AF_NETLINK)
		return NOPE("the netlink socket is not bound");
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, netlink_socket) {
	.setup = netlink_setup, .verify = netlink_verify, .err = EOPNOTSUPP,
	.line = "is an AF_NETLINK raw socket: not supported yet",
};

/* options that are not saved: SO_TIMESTAMP, a socket filter */
static int uts_setup(void)
{
	return socketpair(AF_UNIX, SOCK_DGRAM, 0, fds) ||
	       set_int(fds[1], SO_TIMESTAMP, 1) ? -1 : 0;
}

static int uts_verify(void)
{
	if (sock_int(fds[1], SO_TIMESTAMP) != 1)
		return NOPE("SO_TIMESTAMP is off");
	if (send(fds[0], "hi", 2, 0) != 2 || !took(fds[1], "hi", 2))
		return NOPE("the pair does not carry datagrams");
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, unix_so_timestamp) {
	.setup = uts_setup, .verify = uts_verify,
	.err = EOPNOTSUPP, .line = "socket options that are not saved",
};

static int ufilter_setup(void)
{
	/* accepts every datagram whole */
	struct sock_filter code[] = { BPF_STMT(BPF_RET | BPF_K, 0xffff) };
	struct sock_fprog prog = { .len = 1, .filter = code };

	return socketpair(AF_UNIX, SOCK_DGRAM, 0, fds) ||
	       setsockopt(fds[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			  sizeof(prog)) ? -1 : 0;
}

static int ufilter_verify(void)
{
	if (send(fds[0], "hi", 2, 0) != 2 || !took(fds[1], "hi", 2))
		return NOPE("the filtered end does not receive");
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, unix_socket_filter) {
	.setup = ufilter_setup, .verify = ufilter_verify,
	.err = EOPNOTSUPP, .line = "socket options that are not saved",
};

/*
 * A message whose credentials name a process that is gone: a child
 * (fds[2]) sent "bye" to fds[0], which passes credentials, and was
 * reaped.
 */
static int ureaped_setup(void)
{
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, fds) ||
	    set_int(fds[0], SO_PASSCRED, 1))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child)
		_exit(send(fds[1], "bye", 3, 0) == 3 ? 0 : 1);
	fds[2] = child;
	return lite_status(child, 10) ? -1 : 0;
}

static int ureaped_verify(void)
{
	return expect_from(fds[0], "bye", fds[2]);
}

FIXTURE_VARIANT_ADD(refuse, unix_credentials_of_reaped_child) {
	.setup = ureaped_setup, .verify = ureaped_verify,
	.err = EOPNOTSUPP, .line = "sent by pid",
};

/*
 * A pair made by a child (fds[2]) that handed both ends to the root
 * through another pair and was reaped: SO_PEERCRED names it.
 */
static int upeer_setup(void)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))] __attribute__((aligned(8)));
	struct iovec iov = { .iov_base = "p", .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	int t[2], sv[2];
	pid_t child;
	char c;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, t))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			_exit(1);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(sv));
		memcpy(CMSG_DATA(cm), sv, sizeof(sv));
		_exit(sendmsg(t[1], &msg, 0) == 1 ? 0 : 1);
	}
	fds[2] = child;
	iov.iov_base = &c;
	if (recvmsg(t[0], &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(sv)))
		return -1;
	memcpy(fds, CMSG_DATA(cm), sizeof(sv));
	close(t[0]);
	close(t[1]);
	return lite_status(child, 10) ? -1 : 0;
}

static int upeer_verify(void)
{
	if (write(fds[0], "ab", 2) != 2 || !took(fds[1], "ab", 2))
		return NOPE("the pair does not carry bytes");
	return expect_peercred(fds[0], fds[2]) ?:
	       expect_peercred(fds[1], fds[2]);
}

FIXTURE_VARIANT_ADD(refuse, unix_pair_made_by_reaped_child) {
	.setup = upeer_setup, .verify = upeer_verify,
	.err = EOPNOTSUPP, .line = "SO_PEERCRED names pid",
};

/*
 * Open, O_RDONLY, what the fd of @pid whose link starts with @name leads
 * to, through /proc/PID/fd: another open file of it. The fd, or -1.
 */
static int open_fd_of(pid_t pid, const char *name)
{
	char dir[64], path[320], link[256];
	struct dirent *d;
	int fd = -1;
	ssize_t n;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return -1;
	while (fd < 0 && (d = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		if (n > 0 && !strncmp(link, name, strlen(name)))
			fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	closedir(dp);
	return fd;
}

/* a memfd of the tree, with bytes in it */
static int mfd_outside_setup(void)
{
	fds[0] = memfd_create("ckpt-outside", 0);
	return fds[0] < 0 || write(fds[0], "kept", 4) != 4 ? -1 : 0;
}

/* the memfd or deleted file at fds[0] keeps its bytes, and takes more */
static int kept_verify(void)
{
	char buf[4];

	if (pread(fds[0], buf, 4, 0) != 4 || memcmp(buf, "kept", 4) ||
	    write(fds[0], "more", 4) != 4)
		return NOPE("the file does not keep its bytes");
	return 0;
}

/* the very open file held outside */
FIXTURE_VARIANT_ADD(refuse, memfd_shared_with_outside) {
	.setup = mfd_outside_setup, .verify = kept_verify,
	.share_outside = true, .err = EBUSY,
	.line = "is shared with a process outside the tree",
};

/* the memfd opened again from outside: another open file of it */
FIXTURE_VARIANT_ADD(refuse, memfd_reopened_from_outside) {
	.setup = mfd_outside_setup, .verify = kept_verify,
	.reopen_outside = "/memfd:ckpt-outside", .err = EBUSY,
	.line = "is shared with a process outside the tree",
};

/* a deleted file of the tree, with bytes in it */
static int del_outside_setup(void)
{
	unlink(DOUT);
	fds[0] = open(DOUT, O_RDWR | O_CREAT | O_TRUNC, 0600);
	return fds[0] < 0 || !put_str(fds[0], "kept") || unlink(DOUT) ? -1 : 0;
}

/* the very open file held outside */
FIXTURE_VARIANT_ADD(refuse, deleted_file_shared_with_outside) {
	.setup = del_outside_setup, .verify = kept_verify,
	.share_outside = true, .err = EBUSY,
	.line = "is shared with a process outside the tree",
};

/* the deleted file opened again from outside, through /proc/PID/fd */
FIXTURE_VARIANT_ADD(refuse, deleted_file_reopened_from_outside) {
	.setup = del_outside_setup, .verify = kept_verify,
	.reopen_outside = DOUT " (deleted)", .err = EBUSY,
	.line = "is shared with a process outside the tree",
};

/* a deleted file of three pages, above a kernel.ckpt_deleted_max of one */
#define DEL_MAX		"/proc/sys/kernel/ckpt_deleted_max"

static int del_big_setup(void)
{
	char page[MFD_PAGE];
	int i;

	unlink(DOUT);
	fds[0] = open(DOUT, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fds[0] < 0)
		return -1;
	for (i = 0; i < 3; i++) {
		mfd_fill(page, i);
		if (write(fds[0], page, MFD_PAGE) != MFD_PAGE)
			return -1;
	}
	return unlink(DOUT);
}

static int del_big_verify(void)
{
	struct stat st;
	int i;

	for (i = 0; i < 3; i++)
		if (!mfd_page_ok(fds[0], i))
			return NOPE("page %d of the deleted file lost its bytes", i);
	if (fstat(fds[0], &st) || st.st_nlink || st.st_size != 3 * MFD_PAGE)
		return NOPE("%lu links, %lld bytes", (unsigned long)st.st_nlink,
			    (long long)st.st_size);
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, deleted_file_above_limit) {
	.setup = del_big_setup, .verify = del_big_verify,
	.deleted_max = "4096", .err = EOPNOTSUPP,
	.line = "kernel.ckpt_deleted_max",
};

/* a pidfd of the test process, outside the tree */
static int pfd_parent_setup(void)
{
	fds[0] = pfd_open(getppid(), 0);
	return fds[0] < 0 ? -1 : 0;
}

static int pfd_parent_verify(void)
{
	if (pfd_pid(fds[0]) != getppid() || pfd_readable(fds[0]))
		return NOPE("the pidfd of the test process names %ld (readable: %d)",
			    pfd_pid(fds[0]), pfd_readable(fds[0]));
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, pidfd_of_a_process_outside_the_tree) {
	.setup = pfd_parent_setup, .verify = pfd_parent_verify,
	.err = EOPNOTSUPP, .line = ", outside the tree: not supported",
};

/* a pidfd of the root itself; the test takes it with pidfd_getfd() */
static int pfd_self_setup(void)
{
	fds[0] = pfd_open(getpid(), 0);
	return fds[0] < 0 ? -1 : 0;
}

static int pfd_self_verify(void)
{
	if (pfd_pid(fds[0]) != getpid() || pfd_readable(fds[0]))
		return NOPE("the root's pidfd of itself names %ld (readable: %d)",
			    pfd_pid(fds[0]), pfd_readable(fds[0]));
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, pidfd_shared_with_outside) {
	.setup = pfd_self_setup, .verify = pfd_self_verify,
	.getfd_outside = "anon_inode:[pidfd]", .err = EOPNOTSUPP,
	.line = "is a pidfd shared with a process outside the tree: not supported",
};

/* /proc/PID/status of the test process, outside the tree */
static int prc_parent_setup(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", getppid());
	fds[0] = open(path, O_RDONLY);
	return fds[0] < 0 ? -1 : 0;
}

static int prc_parent_verify(void)
{
	char want[64];

	snprintf(want, sizeof(want), "\nPid:\t%d\n", getppid());
	if (!strstr(prc_pread(fds[0]), want))
		return NOPE("the status fd of the test process reads %.200s",
			    prc_pread(fds[0]));
	return 0;
}

/* the line names the test process's pid: the test's getpid() */
FIXTURE_VARIANT_ADD(refuse, proc_file_of_a_process_outside_the_tree) {
	.setup = prc_parent_setup, .verify = prc_parent_verify,
	.err = EOPNOTSUPP, .line_has_test_pid = true,
	.line = "is a /proc file of pid %d, outside the tree: not supported",
};

/*
 * A file of the directory in /proc of a child (fds[1]) taken before it
 * was reaped: @path under /proc/CHILD ("" for the directory itself, then
 * O_PATH), opened while it was a zombie
 */
static int prc_reaped_open(const char *path, int flags)
{
	char name[64];
	siginfo_t si;
	pid_t child;

	child = fork();
	if (child < 0)
		return -1;
	if (!child)
		_exit(0);
	if (waitid(P_PID, child, &si, WEXITED | WNOWAIT))
		return -1;
	snprintf(name, sizeof(name), "/proc/%d%s%s", child, *path ? "/" : "",
		 path);
	fds[0] = open(name, flags);
	fds[1] = child;
	return fds[0] < 0 || waitpid(child, NULL, 0) != child ? -1 : 0;
}

static int prc_reaped_dir_setup(void)
{
	return prc_reaped_open("", O_PATH | O_DIRECTORY);
}

static int prc_reaped_file_setup(void)
{
	return prc_reaped_open("status", O_RDONLY);
}

/* the file stays open, and shows nothing of the reaped child */
static int prc_reaped_verify(void)
{
	char buf[64];
	int fd;

	if (fcntl(fds[0], F_GETFD) < 0)
		return NOPE("the fd of the reaped child's /proc file is gone");
	if (fcntl(fds[0], F_GETFL) & O_PATH) {
		fd = openat(fds[0], "status", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return NOPE("the reaped child's /proc/%d still opens its status",
				    fds[1]);
	} else if (read(fds[0], buf, sizeof(buf)) >= 0) {
		return NOPE("the reaped child's /proc/%d/status still reads",
			    fds[1]);
	}
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, proc_dir_of_a_reaped_child) {
	.setup = prc_reaped_dir_setup, .verify = prc_reaped_verify,
	.err = EOPNOTSUPP,
	.line = "is a /proc file of a task that exited: not supported",
};

/*
 * The same for a file below that directory: its dentry stays hashed when
 * the task is reaped (only the task's directory is invalidated), so the
 * path still reads /proc/CHILD/status - and CHILD may be a task of the
 * tree by then
 */
FIXTURE_VARIANT_ADD(refuse, proc_file_of_a_reaped_child) {
	.setup = prc_reaped_file_setup, .verify = prc_reaped_verify,
	.err = EOPNOTSUPP,
	.line = "is a /proc file of a task that exited: not supported",
};

/* a pipe whose read end the test process owns (F_SETOWN), outside */
static int own_outside_setup(void)
{
	return pipe(fds) || fcntl(fds[0], F_SETOWN, getppid()) ? -1 : 0;
}

static int own_outside_verify(void)
{
	if (fcntl(fds[0], F_GETOWN) != getppid())
		return NOPE("the pipe's owner is %d, not the test process %d",
			    fcntl(fds[0], F_GETOWN), getppid());
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, owner_outside_the_tree) {
	.setup = own_outside_setup, .verify = own_outside_verify,
	.err = EOPNOTSUPP,
	.line = "has an owner (F_SETOWN) outside the tree: not supported",
};

/*
 * a pipe owned by the root's process group, which the test process
 * leads: a group whose leader is outside the tree
 */
static int own_group_setup(void)
{
	return getpgrp() == getpid() || pipe(fds) ||
	       fcntl(fds[0], F_SETOWN, -getpgrp()) ? -1 : 0;
}

static int own_group_verify(void)
{
	if (fcntl(fds[0], F_GETOWN) != -getpgrp())
		return NOPE("the pipe's owner is %d, not the group -%d",
			    fcntl(fds[0], F_GETOWN), getpgrp());
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, owner_group_led_outside_the_tree) {
	.setup = own_group_setup, .verify = own_group_verify,
	.err = EOPNOTSUPP,
	.line = "has an owner (F_SETOWN) outside the tree: not supported",
};

/*
 * the root owns the pipe's read end, then its real uid changes (its
 * effective one stays 0): the ids F_SETOWN took are not its ids now,
 * which restart would set the owner with
 */
static int own_ids_setup(void)
{
	return pipe(fds) || fcntl(fds[0], F_SETOWN, getpid()) ||
	       setresuid(65534, 0, 0) ? -1 : 0;
}

static int own_ids_verify(void)
{
	if (fcntl(fds[0], F_GETOWN) != getpid() || getuid() != 65534)
		return NOPE("the pipe's owner is %d, not the root %d (uid %d)",
			    fcntl(fds[0], F_GETOWN), getpid(), getuid());
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, owner_set_under_other_ids) {
	.setup = own_ids_setup, .verify = own_ids_verify,
	.err = EOPNOTSUPP,
	.line = "has an owner (F_SETOWN) set by a process with other ids: not supported",
};

/* O_ASYNC on /dev/urandom: the device's signal list is not saved */
static int async_dev_setup(void)
{
	fds[0] = open("/dev/urandom", O_RDONLY);
	return fds[0] < 0 || fcntl(fds[0], F_SETFL, O_ASYNC) ? -1 : 0;
}

static int async_dev_verify(void)
{
	if (!(fcntl(fds[0], F_GETFL) & O_ASYNC))
		return NOPE("/dev/urandom lost O_ASYNC");
	return 0;
}

FIXTURE_VARIANT_ADD(refuse, o_async_on_a_device) {
	.setup = async_dev_setup, .verify = async_dev_verify,
	.err = EOPNOTSUPP,
	.line = "has O_ASYNC on a file whose signal list is not saved: not supported yet",
};

/*
 * A memfd (fds[0]) opened again with O_ASYNC through /proc, that open
 * file only mapped (MAP_SHARED): no fd to save its O_ASYNC with
 */
static char *async_map;

static int async_mapped_setup(void)
{
	char path[64];
	int fd;

	fds[0] = memfd_create("ckpt-async", 0);
	if (fds[0] < 0 || ftruncate(fds[0], 4096))
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	fd = open(path, O_RDWR | O_ASYNC);
	if (fd < 0)
		return -1;
	async_map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 0);
	if (async_map == MAP_FAILED)
		return -1;
	memcpy(async_map, "mapped", 7);
	return close(fd);
}

static int async_mapped_verify(void)
{
	char buf[8] = "";

	if (pread(fds[0], buf, 7, 0) != 7 || strcmp(buf, "mapped"))
		return NOPE("the memfd reads \"%s\", not what its mapping wrote",
			    buf);
	return 0;
}

/*
 * DATA, opened with O_ASYNC (@arg 0) or flock()ed (@arg 1), then only
 * mapped (MAP_SHARED): the open file, which restart would open again by
 * path, keeps its O_ASYNC, or its lock, through the mapping alone
 */
static int mapped_state_setup(bool lock)
{
	int fd = open(DATA, O_RDWR | O_CREAT | O_TRUNC | (lock ? 0 : O_ASYNC),
		      0600);

	if (fd < 0 || ftruncate(fd, 4096) || (lock && flock(fd, LOCK_EX)))
		return -1;
	async_map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 0);
	if (async_map == MAP_FAILED)
		return -1;
	memcpy(async_map, "mapped", 7);
	return close(fd);
}

static int mapped_async_setup(void)
{
	return mapped_state_setup(false);
}

static int mapped_lock_setup(void)
{
	return mapped_state_setup(true);
}

/* DATA holds what the mapping wrote; locked still, for the lock's */
static int mapped_state_verify(bool lock)
{
	char buf[8] = "";
	int fd = open(DATA, O_RDONLY), locked;

	if (fd < 0 || pread(fd, buf, 7, 0) != 7 || strcmp(buf, "mapped"))
		return NOPE("DATA reads \"%s\", not what its mapping wrote",
			    buf);
	locked = flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	if (lock && !locked)
		return NOPE("the mapping's flock() lock on DATA is gone");
	return 0;
}

static int mapped_async_verify(void)
{
	return mapped_state_verify(false);
}

static int mapped_lock_verify(void)
{
	return mapped_state_verify(true);
}

FIXTURE_VARIANT_ADD(refuse, o_async_on_a_regular_file_only_mapped) {
	.setup = mapped_async_setup, .verify = mapped_async_verify,
	.err = EOPNOTSUPP, .line = DATA ": O_ASYNC is not supported yet",
};

FIXTURE_VARIANT_ADD(refuse, flock_on_a_regular_file_only_mapped) {
	.setup = mapped_lock_setup, .verify = mapped_lock_verify,
	.err = EOPNOTSUPP,
	.line = DATA ": a flock() lock on a file the tree also maps is not supported yet",
};

FIXTURE_VARIANT_ADD(refuse, o_async_on_a_file_only_mapped) {
	.setup = async_mapped_setup, .verify = async_mapped_verify,
	.err = EOPNOTSUPP, .line = "ckpt-async (deleted): O_ASYNC is not supported yet",
};

/*
 * The very open file of the fd of @pid whose link starts with @name,
 * taken with pidfd_getfd(): the fd, or -1
 */
static int take_fd_of(pid_t pid, const char *name)
{
	char dir[64], path[320], link[256];
	int fd = -1, pfd, n_fd = -1;
	struct dirent *d;
	ssize_t n;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return -1;
	while (n_fd < 0 && (d = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		if (n > 0 && !strncmp(link, name, strlen(name)))
			n_fd = atoi(d->d_name);
	}
	closedir(dp);
	pfd = pfd_open(pid, 0);
	if (n_fd >= 0 && pfd >= 0)
		fd = syscall(__NR_pidfd_getfd, pfd, n_fd, 0);
	if (pfd >= 0)
		close(pfd);
	return fd;
}

/* Write @val to the file @path: 0 or -1 */
static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = put_str(fd, val) ? 0 : -1;
	close(fd);
	return ret;
}

FIXTURE_SETUP(refuse)
{
	self->outside = -1;
	self->old_max[0] = '\0';
	if (variant->deleted_max) {
		ASSERT_LT(0, lite_slurp(DEL_MAX, self->old_max,
					sizeof(self->old_max)));
		ASSERT_EQ(0, write_str(DEL_MAX, variant->deleted_max));
	}
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	if (variant->share_outside)
		ASSERT_EQ(0, variant->setup());
	self->root = fork();
	ASSERT_LE(0, self->root);
	if (!self->root)
		tree_root(variant->share_outside ? NULL : variant->setup,
			  variant->verify);
	ASSERT_EQ(self->root, lite_line_pid(REPORT, "READY ", 30));
	if (variant->reopen_outside) {
		self->outside = open_fd_of(self->root, variant->reopen_outside);
		ASSERT_LE(0, self->outside)
			TH_LOG("no fd of %d leads to %s", self->root,
			       variant->reopen_outside);
	}
	if (variant->getfd_outside) {
		self->outside = take_fd_of(self->root, variant->getfd_outside);
		ASSERT_LE(0, self->outside)
			TH_LOG("no fd of %d leads to %s: %s", self->root,
			       variant->getfd_outside, strerror(errno));
	}
}

FIXTURE_TEARDOWN(refuse)
{
	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_reap_all();
	if (self->outside >= 0)
		close(self->outside);
	if (self->old_max[0])
		write_str(DEL_MAX, self->old_max);
	rmdir(CG);
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	unlink(DOUT);
	unlink(DATA);
}

TEST_F_TIMEOUT(refuse, checkpoint_refused_tree_untouched, 120)
{
	char line[256];

	snprintf(line, sizeof(line), "%s", variant->line);
	if (variant->line_has_test_pid)
		snprintf(line, sizeof(line), variant->line, getpid());
	expect_refused(_metadata, self->root, variant->err, line);
}

/* ---- a file replaced at its path while the tree was down ---------------- */

/*
 * The root holds RDATA open O_RDWR at offset R_POS, and maps the two
 * pages of RMAP MAP_PRIVATE (then closes that fd): page 0 only read, the
 * file's page; page 1 written, its own copy, which the image holds. While
 * the tree is down, the test does something to one of the files.
 */
#define RDATA		"/tmp/ckpt-matrix.rdata"
#define RMAP		"/tmp/ckpt-matrix.rmap"
#define RNEW		"/tmp/ckpt-matrix.rnew"
#define R_OLD		"the data file, as the program opened it\n"
#define R_NEW		"ANOTHER FILE, written and renamed over it\n"
#define R_MORE		"a line appended in place\n"
#define R_POS		4
#define R_PAGE		4096
#define R_SEED_OLD	1	/* RMAP's pages, as the root mapped them */
#define R_SEED_NEW	2	/* the pages of the file renamed over RMAP */
#define R_SEED_OWN	3	/* what the root wrote to its page 1 */

static char *r_map;

/* what verify() expects: set before the fork, the image has it */
static const char *r_want_data;
static int r_want_seed;

/* Make @path anew: @text, or (NULL) two pages of fill(@seed), fill(@seed + 10) */
static int r_make(const char *path, const char *text, int seed)
{
	char page[R_PAGE];
	int fd, ok;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (text) {
		ok = put_str(fd, text);
	} else {
		fill(page, R_PAGE, seed);
		ok = write(fd, page, R_PAGE) == R_PAGE;
		fill(page, R_PAGE, seed + 10);
		ok = ok && write(fd, page, R_PAGE) == R_PAGE;
	}
	return close(fd) || !ok ? -1 : 0;
}

static int rpl_setup(void)
{
	char page[R_PAGE];
	int fd;

	fds[0] = open(RDATA, O_RDWR);
	if (fds[0] < 0 || lseek(fds[0], R_POS, SEEK_SET) != R_POS)
		return -1;
	fd = open(RMAP, O_RDONLY);
	if (fd < 0)
		return -1;
	r_map = mmap(NULL, 2 * R_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
		     fd, 0);
	close(fd);
	if (r_map == MAP_FAILED)
		return -1;
	fill(page, R_PAGE, R_SEED_OLD);
	if (memcmp(r_map, page, R_PAGE))
		return -1;
	fill(r_map + R_PAGE, R_PAGE, R_SEED_OWN);
	return 0;
}

/*
 * The restored root: its fd is an open of the file at RDATA now, at its
 * offset, and reads what that file has; page 0 of its mapping is the
 * page of the file at RMAP now, page 1 what it wrote there.
 */
static int rpl_verify(void)
{
	char buf[256] = "", page[R_PAGE];
	struct stat fst, pst;
	ssize_t n;

	if (fstat(fds[0], &fst) || stat(RDATA, &pst) ||
	    fst.st_ino != pst.st_ino || fst.st_dev != pst.st_dev)
		return NOPE("the fd is not an open of the file at " RDATA);
	if ((fcntl(fds[0], F_GETFL) & O_ACCMODE) != O_RDWR ||
	    lseek(fds[0], 0, SEEK_CUR) != R_POS)
		return NOPE("the fd is not O_RDWR at offset %d any more", R_POS);
	n = pread(fds[0], buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (strcmp(buf, r_want_data))
		return NOPE("the fd reads \"%s\", expected \"%s\"", buf,
			    r_want_data);
	fill(page, R_PAGE, r_want_seed);
	if (memcmp(r_map, page, R_PAGE))
		return NOPE("page 0 of the mapping is not the page of the %s file",
			    r_want_seed == R_SEED_NEW ? "new" : "old");
	fill(page, R_PAGE, R_SEED_OWN);
	if (memcmp(r_map + R_PAGE, page, R_PAGE))
		return NOPE("page 1 of the mapping lost what the program wrote");
	return 0;
}

FIXTURE(replaced) {
	pid_t root;
};

FIXTURE_VARIANT(replaced) {
	const char *replace;	/* the file renamed over at its path */
	bool append;		/* or: RDATA appended to in place */
	bool rewrite;		/* or: RDATA truncated and written again */
	const char *data;	/* what the fd reads after the restart */
	int seed;		/* page 0 of the mapping after the restart */
};

/* another file at the path of the open file */
FIXTURE_VARIANT_ADD(replaced, data_file_replaced) {
	.replace = RDATA, .data = R_NEW, .seed = R_SEED_OLD,
};

/* another file at the path of the mapped file */
FIXTURE_VARIANT_ADD(replaced, mapped_file_replaced) {
	.replace = RMAP, .data = R_OLD, .seed = R_SEED_NEW,
};

/* the controls: the same file, changed in place */
FIXTURE_VARIANT_ADD(replaced, data_file_appended_in_place) {
	.append = true, .data = R_OLD R_MORE, .seed = R_SEED_OLD,
};

FIXTURE_VARIANT_ADD(replaced, data_file_rewritten_in_place) {
	.rewrite = true, .data = R_NEW, .seed = R_SEED_OLD,
};

FIXTURE_SETUP(replaced)
{
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	unlink(RNEW);
	rmdir(CG);
	ASSERT_EQ(0, r_make(RDATA, R_OLD, 0));
	ASSERT_EQ(0, r_make(RMAP, NULL, R_SEED_OLD));
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	r_want_data = variant->data;
	r_want_seed = variant->seed;
	self->root = fork();
	ASSERT_LE(0, self->root);
	if (!self->root)
		tree_root(rpl_setup, rpl_verify);
	ASSERT_EQ(self->root, lite_line_pid(REPORT, "READY ", 30));
}

FIXTURE_TEARDOWN(replaced)
{
	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_reap_all();
	rmdir(CG);
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	unlink(RDATA);
	unlink(RMAP);
	unlink(RNEW);
}

/*
 * restart(0, IMG, @flags, LOG), or with RESTART_VALIDATE in @flags the
 * check alone; what it logged in @log. Its return value, errno kept.
 */
static long r_restart(unsigned long flags, char *log, size_t len)
{
	int fd = open(IMG, O_RDONLY | O_CLOEXEC);
	int logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	long ret = -1;
	int err = EBADF;

	if (fd >= 0 && logfd >= 0) {
		ret = syscall(__NR_restart, 0, fd, flags, logfd);
		err = errno;
	}
	if (fd >= 0)
		close(fd);
	if (logfd >= 0)
		close(logfd);
	lite_slurp(LOG, log, len);
	errno = err;
	return ret;
}

/*
 * The tree is checkpointed and killed; then the file at RDATA or at RMAP
 * is replaced - a new file written and renamed over it: the same path,
 * another inode. The restart fails with ESTALE, its log line naming the
 * path, the inode there and the one the image saw, and nothing is left
 * running; restart(RESTART_VALIDATE) says so too. With
 * RESTART_ACCEPT_REPLACED the restart takes the file as it is: the
 * restored program reads the new file through its fd, or sees its page
 * in its mapping (and keeps the page it wrote). The controls change the
 * file in place (the same inode): the restart takes it without the flag,
 * and the program reads what the file has now.
 */
TEST_F_TIMEOUT(replaced, restart_checks_the_file_at_its_path, 120)
{
	const char *path = variant->replace;
	char log[4096] = "", rep[1024] = "", line[1024];
	struct stat before, after;
	int fd, status;
	long pid;

	if (path)
		ASSERT_EQ(0, stat(path, &before));
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, ck_checkpoint_validated(self->root, fd, CHECKPOINT_SUBTREE,
					     2));
	close(fd);
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.kill", "1"));
	lite_cg_write(CG, "cgroup.freeze", "0");
	ASSERT_NE(-1, lite_status(self->root, 30));
	lite_reap_all();

	/* meanwhile */
	if (path) {
		ASSERT_EQ(0, r_make(RNEW, !strcmp(path, RDATA) ? R_NEW : NULL,
				    R_SEED_NEW));
		ASSERT_EQ(0, rename(RNEW, path));
		ASSERT_EQ(0, stat(path, &after));
		ASSERT_NE(before.st_ino, after.st_ino);
	}
	if (variant->append) {
		fd = open(RDATA, O_WRONLY | O_APPEND);
		ASSERT_LE(0, fd);
		ASSERT_TRUE(put_str(fd, R_MORE));
		close(fd);
	}
	if (variant->rewrite)
		ASSERT_EQ(0, r_make(RDATA, R_NEW, 0));

	pid = r_restart(0, log, sizeof(log));
	if (path) {
		EXPECT_EQ(-1, pid);
		EXPECT_EQ(ESTALE, errno) TH_LOG("restart: %s", strerror(errno));
		snprintf(line, sizeof(line),
			 "%s was replaced since the checkpoint: inode %llu on %u:%u, was %llu on %u:%u; RESTART_ACCEPT_REPLACED (ckpt restart --accept-replaced) takes it as it is",
			 path, (unsigned long long)after.st_ino,
			 major(after.st_dev), minor(after.st_dev),
			 (unsigned long long)before.st_ino,
			 major(before.st_dev), minor(before.st_dev));
		EXPECT_NE(NULL, strstr(log, line))
			TH_LOG("no line \"%s\" in the log: %s", line, log);
		/* nothing restored is left running */
		EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG | __WALL));
		EXPECT_EQ(ECHILD, errno);
		/* the check alone says the same, and takes it with the flag */
		EXPECT_EQ(-1, r_restart(RESTART_VALIDATE, log, sizeof(log)));
		EXPECT_EQ(ESTALE, errno);
		EXPECT_EQ(0, r_restart(RESTART_VALIDATE | RESTART_ACCEPT_REPLACED,
				       log, sizeof(log)))
			TH_LOG("RESTART_VALIDATE | RESTART_ACCEPT_REPLACED: %s; log: %s",
			       strerror(errno), log);
		pid = r_restart(RESTART_ACCEPT_REPLACED, log, sizeof(log));
	}
	ASSERT_EQ(self->root, pid)
		TH_LOG("restart: %s; log: %s", strerror(errno), log);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	status = lite_status(pid, 60);
	lite_slurp(REPORT, rep, sizeof(rep));
	EXPECT_NE(NULL, strstr(rep, "VERIFY ok\n")) TH_LOG("report: %s", rep);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("restored root: status %#x", status);
}

TEST_HARNESS_MAIN
