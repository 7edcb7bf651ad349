// SPDX-License-Identifier: GPL-2.0
/*
 * The image as untrusted input, and the image as written.
 *
 * Every restart of a damaged image runs in a forked child. The allowed
 * outcomes are "restart() returned an error" (the child reports it and
 * exits normally: it was left unharmed) and "the child was killed by
 * SIGKILL" (a failure after the point of no return). A restored program
 * that runs, recognised by the "RESUMED" line and exit code of the
 * victim, is a failure - except where a mutation with a good checksum
 * changed only data (register values, memory contents...), where any end
 * but a hang is accepted: those runs look for hangs, wrong errnos and
 * kernel splats.
 *
 * A restart() that returned must also have left its caller as it was
 * (memory map and contents, fds, cwd, umask, creds, signal state): see
 * ck_restarter_harm().
 *
 * Sweeps are bounded - about a thousand restarts in all, which take about
 * ten seconds in the QEMU TCG guest of `make check` - so that the file
 * stays well under three minutes even on a much slower machine.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/sockios.h>

#include "ckpt_test.h"
#include "image.h"

#define PAGE		4096UL
#define TRY_SECS	30	/* one restart attempt */
#define MAX_LOGGED	8	/* failures shown per test */

/* ---- the victim ----------------------------------------------------- */

static char victim_area[8 * PAGE];
static bool victim_pipe;	/* a pipe with both ends inside, at 33/34 */
static bool victim_epoll;	/* and epoll sets watching it (VICTIM_EPOLL) */
static volatile int victim_signals;

/*
 * The epoll victim (make_victim() with VICTIM_EPOLL): the pipe, eventfds
 * at 35 (nothing to read) and 36 (a count of 1), an epoll instance A at
 * 37 (O_NONBLOCK) with the items, by data: 0x11 the pipe's read end 33,
 * EPOLLIN (ready); 0x22 the eventfd 35, EPOLLIN | EPOLLET; 0x33 the
 * eventfd 36, EPOLLIN | EPOLLONESHOT, which fired (disarmed); 0x44 the
 * epoll instance B at 38, EPOLLIN (ready). B has one item: 0x66 the
 * pipe's write end 34, EPOLLOUT (ready). And fd 41, the read end of a
 * pipe the test holds: inherited, watched by nothing (an item on it that
 * an edit adds, data 0x55, is dropped when the restarter leaves the fd
 * closed: see victim_inh_closed_ok()).
 */
#define VICTIM_EPOLL	((void *)2)
#define VICTIM_EP_A	37
#define VICTIM_EP_B	38
#define VICTIM_INH_FD	41

static int ep_add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* The epoll sets, before the pipe is read: as they were, and working */
static bool victim_epoll_intact(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
				  .data.u64 = 0x33 };
	uint64_t one = 1;

	/* ready before, ready after; the one-shot item stays disarmed */
	if (!(fcntl(VICTIM_EP_A, F_GETFL) & O_NONBLOCK) ||
	    strcmp(ck_ep_ready(VICTIM_EP_A), "11:1 44:1") ||
	    strcmp(ck_ep_ready(VICTIM_EP_B), "66:4"))
		return false;
	/* edge-triggered: reported once */
	if (write(35, &one, 8) != 8 ||
	    strcmp(ck_ep_ready(VICTIM_EP_A), "11:1 22:1 44:1") ||
	    strcmp(ck_ep_ready(VICTIM_EP_A), "11:1 44:1"))
		return false;
	/* known by the fd it was added under; fires once more */
	return !epoll_ctl(VICTIM_EP_A, EPOLL_CTL_MOD, 36, &ev) &&
	       !strcmp(ck_ep_ready(VICTIM_EP_A), "11:1 33:1 44:1") &&
	       !strcmp(ck_ep_ready(VICTIM_EP_A), "11:1 44:1");
}

/*
 * The inherited fd VICTIM_INH_FD, when the restarter left it closed: no
 * item of A is on it any more. With a file there again (an eventfd with a
 * count, ready), A has no item for that fd: EPOLL_CTL_DEL finds none, and
 * epoll_wait() reports nothing new. The fd is closed again after.
 */
static bool victim_inh_closed_ok(void)
{
	int fd, err = 0;
	bool ok;

	if (fcntl(VICTIM_INH_FD, F_GETFD) >= 0 || errno != EBADF)
		return true;	/* the restarter gave its own file */
	fd = eventfd(1, EFD_NONBLOCK);
	if (fd < 0 || ck_move_fd(fd, VICTIM_INH_FD) != VICTIM_INH_FD)
		return false;
	if (epoll_ctl(VICTIM_EP_A, EPOLL_CTL_DEL, VICTIM_INH_FD, NULL))
		err = errno;
	ok = err == ENOENT && !strcmp(ck_ep_ready(VICTIM_EP_A), "11:1 44:1");
	close(VICTIM_INH_FD);
	return ok;
}

static void victim_handler(int sig)
{
	victim_signals++;
}

/*
 * The locks of fd 30's file, seen by other owners: a new open of the file
 * finds this process's POSIX write lock on bytes 0-9 and cannot take a
 * flock() lock. That open stays open: closing it would drop the POSIX
 * lock.
 */
static bool victim_locks_intact(void)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_len = 10 };
	int fd = open(ck_path("victim-file"), O_RDONLY | O_CLOEXEC);

	return fd >= 0 && !fcntl(fd, F_OFD_GETLK, &fl) &&
	       fl.l_type == F_WRLCK && fl.l_pid == getpid() &&
	       fl.l_start == 0 && fl.l_len == 10 &&
	       flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

/* 1000 bytes buffered in the pipe 33 -> 34, read end non-blocking */
static bool victim_pipe_intact(void)
{
	char buf[1001];

	if (read(33, buf, sizeof(buf)) != 1000 ||
	    ck_check_fill(buf, 1000, 98) != -1)
		return false;
	return write(34, "y", 1) == 1 && read(33, buf, 2) == 1 &&
	       buf[0] == 'y';
}

/* The CPUs the victim may run on: "CPUS 0-1", from /proc/self/status */
static void victim_cpus(void)
{
	static const char key[] = "\nCpus_allowed_list:";
	static char status[8192];
	const char *p;

	if (ck_read_file("/proc/self/status", status, sizeof(status)) <= 0)
		return;
	p = strstr(status, key);
	if (!p)
		return;
	p += strlen(key);
	p += strspn(p, " \t");
	ck_report("CPUS %.*s", (int)strcspn(p, "\n"), p);
}

/*
 * The owners (F_GETOWN_EX) and signals (F_GETSIG) of fds 30-34, those
 * open: "OWNERS 30 none 0, 33 pid self 34 O_ASYNC, 34 thread self 0" -
 * "self" for the victim's pid as it is now, "none" for no owner (or a
 * process group nobody is in), " O_ASYNC" when F_GETFL has it.
 */
static void victim_owners(void)
{
	char line[256] = "", who[24];
	struct f_owner_ex ex;
	size_t at = 0;
	int fd;

	for (fd = 30; fd <= 34 && at < sizeof(line); fd++) {
		memset(&ex, 0, sizeof(ex));
		if (fcntl(fd, F_GETOWN_EX, &ex))
			continue;
		if (!ex.pid)
			snprintf(who, sizeof(who), "none");
		else if (ex.pid == getpid())
			snprintf(who, sizeof(who), "%s self",
				 ex.type == F_OWNER_TID ? "thread" :
				 ex.type == F_OWNER_PGRP ? "group" : "pid");
		else
			snprintf(who, sizeof(who), "%d %d", ex.type, ex.pid);
		at += snprintf(line + at, sizeof(line) - at, "%s%d %s %d%s",
			       at ? ", " : "", fd, who, fcntl(fd, F_GETSIG),
			       fcntl(fd, F_GETFL) & O_ASYNC ? " O_ASYNC" : "");
	}
	ck_report("OWNERS %s", line);
}

/*
 * The restored victim looks at itself: "RESUMED intact" if all it checks
 * is as it was, "RESUMED altered: ..." if not; before that line, the CPUs
 * it may run on ("CPUS 0-1") and the owners of its files ("OWNERS ...").
 */
static void victim_check(const char *region)
{
	struct sigaction sa;
	struct stat st, dir;
	char link[256] = "";
	const char *what = NULL;
	sigset_t set;
	ssize_t n;

	n = readlink("/proc/self/fd/30", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	sigaction(SIGUSR1, NULL, &sa);
	sigprocmask(SIG_BLOCK, NULL, &set);
	if (ck_check_fill(victim_area, sizeof(victim_area), 99) != -1)
		what = "memory";
	else if (region[3 * PAGE] != 3 || region[40 * PAGE + 17] != 40 ||
		 region[0] || region[63 * PAGE])
		what = "region";
	else if (strcmp(link, ck_path("victim-file")) ||
		 lseek(30, 0, SEEK_CUR) != 3 ||
		 (fcntl(30, F_GETFL) & O_ACCMODE) != O_RDWR)
		what = "fd 30";
	else if (fstat(31, &st) || st.st_rdev != makedev(1, 3))
		what = "fd 31";
	else if (fstat(32, &st) || stat(ck.dir, &dir) ||
		 st.st_ino != dir.st_ino)
		what = "fd 32";
	else if (sa.sa_handler != victim_handler)
		what = "SIGUSR1 handler";
	else if (!sigismember(&set, SIGUSR2))
		what = "blocked mask";
	else if (sigpending(&set) || !sigismember(&set, SIGUSR2))
		what = "pending SIGUSR2";
	else if (getuid() || getgid())
		what = "credentials";
	else if (victim_epoll && !victim_inh_closed_ok())
		what = "epoll: an item on the inherited fd left closed";
	else if (victim_epoll && !victim_epoll_intact())
		what = "epoll";
	else if (victim_pipe && !victim_pipe_intact())
		what = "pipe";
	else if (!victim_locks_intact())
		what = "locks";
	victim_cpus();
	victim_owners();
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/*
 * A program with a bit of everything in its image: files of each kind,
 * a flock() exclusive lock and a POSIX write lock on bytes 0-9 of its
 * file at fd 30, a handler and a pending signal, touched and untouched
 * anonymous memory.
 */
static void victim_body(void *arg)
{
	struct sigaction sa = { .sa_handler = victim_handler };
	char *region;
	sigset_t set;
	int fd;

	sigemptyset(&sa.sa_mask);
	CK_ASSERT(!sigaction(SIGUSR1, &sa, NULL), "sigaction");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	fd = open(ck_path("victim-file"), O_RDWR | O_CREAT, 0666);
	CK_ASSERT(fd >= 0 && write(fd, "victim", 6) == 6, "victim-file");
	CK_ASSERT(lseek(fd, 3, SEEK_SET) == 3 && ck_move_fd(fd, 30) == 30,
		  "fd 30");
	/* no fd of the file is closed after: that would drop the POSIX lock */
	CK_ASSERT(!flock(30, LOCK_EX | LOCK_NB) &&
		  !fcntl(30, F_SETLK, &(struct flock){ .l_type = F_WRLCK,
						       .l_whence = SEEK_SET,
						       .l_len = 10 }),
		  "fd 30 locks");
	fd = open("/dev/null", O_RDWR);
	CK_ASSERT(ck_move_fd(fd, 31) == 31, "fd 31");
	fd = open(ck.dir, O_RDONLY | O_DIRECTORY);
	CK_ASSERT(ck_move_fd(fd, 32) == 32, "fd 32");
	if (arg) {
		char buf[1000];
		int p[2];

		victim_pipe = true;
		ck_fill(buf, sizeof(buf), 98);
		CK_ASSERT(!pipe2(p, O_NONBLOCK) && write(p[1], buf, 1000) == 1000,
			  "pipe");
		CK_ASSERT(ck_move_fd(p[0], 33) == 33 &&
			  ck_move_fd(p[1], 34) == 34, "fds 33/34");
	}
	if (arg == VICTIM_EPOLL) {
		victim_epoll = true;
		CK_ASSERT(ck_move_fd(eventfd(0, EFD_NONBLOCK), 35) == 35 &&
			  ck_move_fd(eventfd(1, EFD_NONBLOCK), 36) == 36 &&
			  ck_move_fd(epoll_create1(0), VICTIM_EP_A) == VICTIM_EP_A &&
			  ck_move_fd(epoll_create1(0), VICTIM_EP_B) == VICTIM_EP_B,
			  "fds 35-38");
		CK_ASSERT(!fcntl(VICTIM_EP_A, F_SETFL, O_NONBLOCK), "O_NONBLOCK");
		CK_ASSERT(!ep_add(VICTIM_EP_B, 34, EPOLLOUT, 0x66) &&
			  !ep_add(VICTIM_EP_A, 33, EPOLLIN, 0x11) &&
			  !ep_add(VICTIM_EP_A, 35, EPOLLIN | EPOLLET, 0x22) &&
			  !ep_add(VICTIM_EP_A, 36, EPOLLIN | EPOLLONESHOT, 0x33) &&
			  !ep_add(VICTIM_EP_A, VICTIM_EP_B, EPOLLIN, 0x44),
			  "epoll items");
		/* the one-shot item fires, once */
		CK_ASSERT(!strcmp(ck_ep_ready(VICTIM_EP_A), "11:1 33:1 44:1") &&
			  !strcmp(ck_ep_ready(VICTIM_EP_A), "11:1 44:1"),
			  "epoll set");
		CK_ASSERT(fcntl(VICTIM_INH_FD, F_GETFD) >= 0, "fd %d",
			  VICTIM_INH_FD);
	}
	region = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(region != MAP_FAILED, "mmap");
	region[3 * PAGE] = 3;
	region[40 * PAGE + 17] = 40;
	ck_report("REGION %#lx", (unsigned long)region);
	ck_report("PID %d", getpid());
	ck_fill(victim_area, sizeof(victim_area), 99);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	victim_check(region);
}

/* ---- records -------------------------------------------------------- */

struct rec {
	size_t off;
	uint32_t type;
	uint32_t len;
};

#define MAX_RECS 4096

FIXTURE(image) {
	struct ckpt_image img;
	long id;
	unsigned long region;
	long pid;
	struct rec recs[MAX_RECS];
	int nr;
	int kmsg;
	char mut[192];
};

static int collect(const struct ckpt_hdr *h, size_t off, void *arg)
{
	FIXTURE_DATA(image) *self = arg;

	if (self->nr >= MAX_RECS)
		return -E2BIG;
	self->recs[self->nr++] = (struct rec){ off, h->type, h->len };
	return 0;
}

/* Open /dev/kmsg positioned at its end, to see what the test adds */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Did the kernel log a warning, BUG, oops... since kmsg_open()? */
static bool kmsg_splat(struct __test_metadata *_metadata, int fd)
{
	static const char * const marks[] = {
		"WARNING:", "BUG:", "Oops", "general protection",
		"Call Trace", "UBSAN", "KASAN", "kernel BUG", "RIP:",
	};
	char rec[8192];
	bool splat = false;
	unsigned int i;
	ssize_t n;

	if (fd < 0)
		return false;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		/*
		 * A user-mode fault of a damaged program the image test
		 * restored ("traps: prog[pid] general protection fault
		 * ip:..."), not the kernel's: a kernel fault says "Oops".
		 */
		if (strstr(rec, ";traps: "))
			continue;
		for (i = 0; i < ARRAY_SIZE(marks); i++) {
			if (strstr(rec, marks[i])) {
				if (!splat)
					TH_LOG("kernel log: %s", rec);
				splat = true;
			}
		}
	}
	return splat;
}

/* Load the image at ck.img and its records */
static void load_image(struct __test_metadata *_metadata,
		       FIXTURE_DATA(image) *self)
{
	char err[256] = "";
	int ret;

	ckpt_image_free(&self->img);
	self->nr = 0;
	ASSERT_EQ(0, ckpt_image_load(ck.img, &self->img));
	ret = ckpt_image_walk(&self->img, collect, self, err, sizeof(err));
	ASSERT_EQ(0, ret) TH_LOG("the fresh image does not parse: %s", err);
	ASSERT_LT(2, self->nr);
}

/*
 * Checkpoint the victim (@arg: with a pipe; VICTIM_EPOLL: and epoll sets,
 * and the read end of a pipe the test holds at VICTIM_INH_FD) and load
 * its image
 */
static void make_victim(struct __test_metadata *_metadata,
			FIXTURE_DATA(image) *self, void *arg)
{
	struct ck_fdmap map = { -1, -1 };
	int p[2] = { -1, -1 };

	if (arg == VICTIM_EPOLL) {
		ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
		map = (struct ck_fdmap){ p[0], VICTIM_INH_FD };
	}
	self->id = ck_checkpoint_child(_metadata, &map, p[0] >= 0, victim_body,
				       arg);
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	ASSERT_EQ(0, ck_line_int("REGION ", (long *)&self->region));
	ASSERT_EQ(0, ck_line_int("PID ", &self->pid));
	load_image(_metadata, self);
}

FIXTURE_SETUP(image)
{
	ck_setup(_metadata);
	self->kmsg = kmsg_open();
	snprintf(self->mut, sizeof(self->mut), "%s/mutated", ck.dir);
	make_victim(_metadata, self, NULL);
}

/* a test's tree left running, killed (unix_embryos_damaged) */
static void emb_teardown(void);

FIXTURE_TEARDOWN(image)
{
	emb_teardown();
	ckpt_image_free(&self->img);
	if (self->kmsg >= 0)
		close(self->kmsg);
	ck_cleanup();
}

/* ---- one restart attempt -------------------------------------------- */

enum outcome {
	OUT_ERROR,	/* restart() returned, the caller reported it */
	OUT_HARMED,	/* restart() returned, but changed the caller */
	OUT_KILLED,	/* SIGKILL after the point of no return */
	OUT_RESUMED,	/* the victim runs again, as it was */
	OUT_ALTERED,	/* the victim runs again, but not as it was */
	OUT_CRASHED,	/* another signal */
	OUT_HANG,	/* had to be killed */
	OUT_OTHER,	/* some other exit */
	OUT_NR,
};

static const char * const outcome_name[OUT_NR] = {
	"error", "error but caller changed", "SIGKILL", "resumed", "resumed altered", "crashed", "hang",
	"other exit",
};

struct trial {
	enum outcome out;
	int err;	/* OUT_ERROR: errno */
	int status;
};

struct stats {
	int n, by_outcome[OUT_NR], failures;
	int errnos[134];
};

/*
 * How try_image() restarts: as root or as @try_uid, with RESTART_TASKSELF
 * and @try_flags; and what the restarter has at VICTIM_INH_FD (the epoll
 * victim's inherited fd).
 */
enum { INH_NONE, INH_EVENTFD, INH_CLOSED };
static int try_uid;
static int try_inh;
static unsigned long try_flags;

static void inh_hook(void *arg)
{
	int fd = -1;

	if (try_inh == INH_EVENTFD)
		fd = eventfd(0, EFD_NONBLOCK);
	else if (try_inh == INH_CLOSED)
		fd = open("/dev/null", O_PATH);	/* leave it closed */
	if (fd >= 0)
		ck_move_fd(fd, VICTIM_INH_FD);
}

/*
 * Write @len bytes of @data as the image to restart and start the
 * restarter on it: its pid, or -1 if the image could not be written
 */
static pid_t spawn_image(FIXTURE_DATA(image) *self, const void *data,
			 size_t len)
{
	struct ck_restart_args args = { .img = self->mut, .uid = try_uid,
					.hook = inh_hook,
					.flags = RESTART_TASKSELF | try_flags,
					.flags_set = true };
	int fd;

	fd = open(self->mut, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return ck_spawn(NULL, 0, ck_restart_child, &args);
}

static void try_image(FIXTURE_DATA(image) *self, const void *data,
		      size_t len, struct trial *t)
{
	long err = 0;
	int status;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	pid = spawn_image(self, data, len);
	if (pid < 0) {
		t->out = OUT_OTHER;
		t->status = -2;
		return;
	}
	status = ck_wait_secs(pid, TRY_SECS);
	t->status = status;
	if (status == -1)
		t->out = OUT_HANG;
	else if (WIFSIGNALED(status))
		t->out = WTERMSIG(status) == SIGKILL ? OUT_KILLED : OUT_CRASHED;
	else if (ck_line("RESUMED intact"))
		t->out = OUT_RESUMED;
	else if (WEXITSTATUS(status) == CK_EXIT_RESUMED || ck_line("RESUMED"))
		t->out = OUT_ALTERED;
	else if (WEXITSTATUS(status) == CK_EXIT_RESTART_ERR &&
		 !ck_line_int("RESTART-ERROR ", &err))
		t->out = !strstr(ck_line("RESTART-ERROR "), " ret=-1 ") ?
			 OUT_OTHER :
			 strstr(ck_line("RESTART-ERROR "), " unharmed") ?
			 OUT_ERROR : OUT_HARMED;
	else
		t->out = OUT_OTHER;
	t->err = err;
}

static bool valid_errno(int err)
{
	return err > 0 && err < 134;
}

/* Error (a real errno) or SIGKILL */
static bool strict_ok(const struct trial *t)
{
	return (t->out == OUT_ERROR && valid_errno(t->err)) ||
	       t->out == OUT_KILLED;
}

/* Refused, or a restored program just as it was checkpointed */
static bool intact_ok(const struct trial *t)
{
	return strict_ok(t) || t->out == OUT_RESUMED;
}

/* Anything that ends, with a real errno if restart() returned */
static bool lenient_ok(const struct trial *t)
{
	if (t->out == OUT_HANG || t->out == OUT_HARMED)
		return false;
	return t->out != OUT_ERROR || valid_errno(t->err);
}

static void account(struct __test_metadata *_metadata, struct stats *st,
		    const struct trial *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void account(struct __test_metadata *_metadata, struct stats *st,
		    const struct trial *t, bool ok, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	st->n++;
	st->by_outcome[t->out]++;
	if (t->out == OUT_ERROR && valid_errno(t->err))
		st->errnos[t->err]++;
	if (ok)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (st->failures++ < MAX_LOGGED) {
		TH_LOG("%s: %s%s%s (%s)", what, outcome_name[t->out],
		       t->out == OUT_ERROR ? " " : "",
		       t->out == OUT_ERROR ? strerrorname_np(t->err) ?: "?" : "",
		       ck_status_str(t->status));
		ck_dump(_metadata, what, t->status);
	}
}

static void report(struct __test_metadata *_metadata, const struct stats *st)
{
	char line[512];
	int i, n = 0;

	n += snprintf(line + n, sizeof(line) - n, "%d restarts:", st->n);
	for (i = 0; i < OUT_NR; i++)
		if (st->by_outcome[i])
			n += snprintf(line + n, sizeof(line) - n, " %s %d",
				      outcome_name[i], st->by_outcome[i]);
	n += snprintf(line + n, sizeof(line) - n, "; errnos:");
	for (i = 0; i < 134 && n < (int)sizeof(line) - 32; i++)
		if (st->errnos[i])
			n += snprintf(line + n, sizeof(line) - n, " %s %d",
				      strerrorname_np(i) ?: "?",
				      st->errnos[i]);
	TH_LOG("%s", line);
}

/* A copy of the image to damage */
static unsigned char *copy_image(FIXTURE_DATA(image) *self)
{
	unsigned char *p = malloc(self->img.len);

	if (p)
		memcpy(p, self->img.data, self->img.len);
	return p;
}

static int rec_index_at(FIXTURE_DATA(image) *self, size_t off)
{
	int i;

	for (i = self->nr - 1; i >= 0; i--)
		if (self->recs[i].off <= off)
			return i;
	return 0;
}

static const char *rec_name_at(FIXTURE_DATA(image) *self, size_t off)
{
	return ckpt_hdr_name(self->recs[rec_index_at(self, off)].type);
}

static void check_no_splat(struct __test_metadata *_metadata,
			   FIXTURE_DATA(image) *self)
{
	EXPECT_FALSE(kmsg_splat(_metadata, self->kmsg))
		TH_LOG("the kernel complained during this test");
}

/* ---- the image as written ------------------------------------------- */

/* the control: the untouched image restarts and the victim runs */
TEST_F_TIMEOUT(image, pristine_image_resumes, CK_TIMEOUT)
{
	struct trial t;
	char err[256] = "";

	EXPECT_EQ(0, ckpt_image_verify(&self->img, err, sizeof(err)))
		TH_LOG("%s", err);
	try_image(self, self->img.data, self->img.len, &t);
	EXPECT_EQ((int)OUT_RESUMED, (int)t.out) {
		TH_LOG("outcome: %s", outcome_name[t.out]);
		ck_dump(_metadata, "restart", t.status);
	}
	check_no_splat(_metadata, self);
}

static const void *rec_at(FIXTURE_DATA(image) *self, int i)
{
	return self->img.data + self->recs[i].off;
}

/*
 * The records that follow a FILE record of @type, 0-terminated; or NULL.
 * The PIPE record of a pipe's first end comes right before its FILE_PIPE,
 * the UNIX_PAIR of a socket pair's first end right before its FILE_UNIX,
 * and so does the INODE of a unix socket bound to a path, whose FILE_UNIX
 * a STRING follows (ux_has_path(), order_ok()); a UNIX_QUEUE is followed
 * by its UNIX_SENDER records, then its messages, UNIX_MSG, UNIX_MSG_FROM
 * and UNIX_MSG_FDS records (ux_queue_recs_ok()); a listening socket's, by
 * its connections waiting in its backlog, each a UNIX_EMBRYO (its
 * UNIX_PAIR before it, if first) and a UNIX_QUEUE (ux_embryos_ok()). A
 * UDP socket's FILE_INET is followed by its INET_DGRAM records, an
 * established TCP connection's by its TCP_CONN (order_ok()).
 */
static const uint32_t *file_records(uint32_t type)
{
	static const uint32_t recs[CKPT_FILE_MAX][4] = {
		[CKPT_FILE_REG] = { CKPT_HDR_STRING },
		[CKPT_FILE_DIR] = { CKPT_HDR_STRING },
		[CKPT_FILE_CHR] = { CKPT_HDR_FILE_CHR, CKPT_HDR_STRING },
		[CKPT_FILE_INHERITED] = { CKPT_HDR_FILE_INHERIT },
		[CKPT_FILE_PIPE] = { CKPT_HDR_FILE_PIPE },
		[CKPT_FILE_FIFO] = { CKPT_HDR_FILE_PIPE, CKPT_HDR_STRING },
		[CKPT_FILE_EVENTFD] = { CKPT_HDR_FILE_EVENTFD },
		[CKPT_FILE_EPOLL] = { CKPT_HDR_FILE_EPOLL },
		[CKPT_FILE_SIGNALFD] = { CKPT_HDR_FILE_SIGNALFD },
		[CKPT_FILE_TIMERFD] = { CKPT_HDR_FILE_TIMERFD },
		[CKPT_FILE_INOTIFY] = { CKPT_HDR_FILE_INOTIFY,
					CKPT_HDR_INOTIFY_WATCHES,
					CKPT_HDR_INOTIFY_EVENTS },
		[CKPT_FILE_UNIX] = { CKPT_HDR_FILE_UNIX, CKPT_HDR_UNIX_QUEUE },
		[CKPT_FILE_MEMFD] = { CKPT_HDR_FILE_MEMFD },
		[CKPT_FILE_DELETED] = { CKPT_HDR_FILE_DELETED },
		[CKPT_FILE_PIDFD] = { CKPT_HDR_FILE_PIDFD },
		[CKPT_FILE_PROC] = { CKPT_HDR_FILE_PROC, CKPT_HDR_STRING,
				     CKPT_HDR_STRING },
		[CKPT_FILE_INET] = { CKPT_HDR_FILE_INET },
	};

	return type && type < CKPT_FILE_MAX ? recs[type] : NULL;
}

/*
 * A record of the ones that follow a FILE record (a PIPE, a UNIX_PAIR
 * among them)
 */
static bool file_type_record(uint32_t type)
{
	return type == CKPT_HDR_STRING || type == CKPT_HDR_FILE_CHR ||
	       type == CKPT_HDR_FILE_INHERIT || type == CKPT_HDR_FILE_PIPE ||
	       type == CKPT_HDR_FILE_EVENTFD || type == CKPT_HDR_FILE_EPOLL ||
	       type == CKPT_HDR_FILE_SIGNALFD || type == CKPT_HDR_FILE_TIMERFD ||
	       type == CKPT_HDR_FILE_INOTIFY || type == CKPT_HDR_INOTIFY_WATCHES ||
	       type == CKPT_HDR_INOTIFY_EVENTS || type == CKPT_HDR_PIPE ||
	       type == CKPT_HDR_UNIX_PAIR || type == CKPT_HDR_FILE_UNIX ||
	       type == CKPT_HDR_UNIX_QUEUE || type == CKPT_HDR_UNIX_MSG ||
	       type == CKPT_HDR_UNIX_SENDER || type == CKPT_HDR_UNIX_MSG_FROM ||
	       type == CKPT_HDR_UNIX_EMBRYO || type == CKPT_HDR_UNIX_MSG_FDS ||
	       type == CKPT_HDR_FILE_MEMFD || type == CKPT_HDR_FILE_DELETED ||
	       type == CKPT_HDR_FILE_PIDFD || type == CKPT_HDR_FILE_PROC ||
	       type == CKPT_HDR_FILE_INET || type == CKPT_HDR_INET_DGRAM ||
	       type == CKPT_HDR_TCP_CONN;
}

/*
 * The record of @type among those that follow the FILE record @i, or -1.
 * An INODE among them is stepped over: the INODE of a unix socket bound
 * to a path comes between its FILE and its FILE_UNIX (any other INODE is
 * followed by a FILE or a VMA, where the search ends).
 */
static int file_part(FIXTURE_DATA(image) *self, int i, uint32_t type)
{
	for (i++; i < self->nr && (file_type_record(self->recs[i].type) ||
				   self->recs[i].type == CKPT_HDR_INODE); i++)
		if (self->recs[i].type == type)
			return i;
	return -1;
}

/* The @n-th FILE record of file type @ftype, or -1 */
static int find_file(FIXTURE_DATA(image) *self, uint32_t ftype, int n)
{
	int i;

	for (i = 0; i < self->nr; i++)
		if (self->recs[i].type == CKPT_HDR_FILE &&
		    ((const struct ckpt_hdr_file *)rec_at(self, i))->type ==
		    ftype && n-- == 0)
			return i;
	return -1;
}

/* The FILE record of objref @ref, or -1 */
static int find_objref(FIXTURE_DATA(image) *self, uint32_t ref)
{
	int i;

	for (i = 0; i < self->nr; i++)
		if (self->recs[i].type == CKPT_HDR_FILE &&
		    ((const struct ckpt_hdr_file *)rec_at(self, i))->objref == ref)
			return i;
	return -1;
}

/* The string of the STRING record @i, or NULL if it is malformed */
static const char *string_at(FIXTURE_DATA(image) *self, int i)
{
	const struct ckpt_hdr_string *st;
	const char *str;

	if (i < 0 || self->recs[i].type != CKPT_HDR_STRING)
		return NULL;
	st = rec_at(self, i);
	str = (const char *)(st + 1);
	if (!st->len || st->len > CKPT_PATH_MAX ||
	    st->h.len != CKPT_REC_MAX_LEN(*st, st->len) ||
	    strnlen(str, st->len) != st->len - 1)
		return NULL;
	return str;
}

/* Is a file of @type reopened by its path, its FILE naming an INODE? */
static bool by_path(uint32_t type)
{
	return type == CKPT_FILE_REG || type == CKPT_FILE_DIR;
}

/* The INODE record of objref @ref among records 0..@i - 1, or -1 */
static int inode_before(FIXTURE_DATA(image) *self, uint32_t ref, int i)
{
	while (--i >= 0)
		if (self->recs[i].type == CKPT_HDR_INODE &&
		    ((const struct ckpt_hdr_inode *)rec_at(self, i))->objref == ref)
			return i;
	return -1;
}

/*
 * The INODE that record @i (a FILE or a VMA) names: 0 when it names none,
 * or -1 when it names one that is not an INODE record before it
 */
static int inode_named(FIXTURE_DATA(image) *self, int i)
{
	const struct ckpt_hdr_file *f = rec_at(self, i);
	const struct ckpt_hdr_vma *v = rec_at(self, i);
	uint32_t ref;

	if (self->recs[i].type == CKPT_HDR_FILE)
		ref = by_path(f->type) ? f->inode_objref : 0;
	else
		ref = v->type == CKPT_VMA_FILE ? v->shm_objref : 0;
	if (!ref)
		return 0;
	return inode_before(self, ref, i) >= 0 ? (int)ref : -1;
}

/*
 * An INODE record at @i: the record after it names it. Else false, and
 * @why says so.
 */
static bool inode_at_ok(FIXTURE_DATA(image) *self, int i, char *why,
			size_t size)
{
	const struct ckpt_hdr_inode *h = rec_at(self, i);

	if (i + 1 < self->nr &&
	    (self->recs[i + 1].type == CKPT_HDR_FILE ||
	     self->recs[i + 1].type == CKPT_HDR_VMA) &&
	    inode_named(self, i + 1) == (int)h->objref)
		return true;
	snprintf(why, size, "record %d: INODE #%u not right before the FILE or VMA that names it",
		 i, h->objref);
	return false;
}

/*
 * Is the unix socket of the FILE_UNIX record @u bound to a path? Then its
 * FILE_UNIX names the INODE of its socket inode, and a STRING follows it:
 * where that inode is. As restart reads it: bound, a name not abstract.
 */
static bool ux_has_path(const struct ckpt_hdr_file_unix *u)
{
	return (u->flags & CKPT_UNIX_BOUND) && u->name[0];
}

/*
 * The FILE_UNIX record @i: bound to a path, it names an INODE written
 * before it (right before it, between its FILE and it, at the inode's
 * first use); else it names none. Else false, and @why says so.
 */
static bool ux_inode_ok(FIXTURE_DATA(image) *self, int i, char *why,
			size_t size)
{
	const struct ckpt_hdr_file_unix *u = rec_at(self, i);

	if (ux_has_path(u) ? u->inode_objref &&
	    inode_before(self, u->inode_objref, i) >= 0 : !u->inode_objref)
		return true;
	snprintf(why, size, "record %d: FILE_UNIX (flags 0x%x) names inode #%u",
		 i, u->flags, u->inode_objref);
	return false;
}

/*
 * The UNIX_QUEUE record @q as restart reads it: an older, shorter one
 * (CKPT_REC_UNIX_QUEUE_MIN) has no senders
 */
static struct ckpt_hdr_unix_queue ux_queue_at(FIXTURE_DATA(image) *self, int q)
{
	struct ckpt_hdr_unix_queue h = { 0 };

	memcpy(&h, rec_at(self, q), self->recs[q].len < sizeof(h) ?
	       self->recs[q].len : sizeof(h));
	return h;
}

/*
 * The records after the UNIX_QUEUE record @q: its nr_senders UNIX_SENDER
 * records, then its nr_msgs messages, each a UNIX_MSG (from the peer, on
 * an end of a pair, @paired), a UNIX_MSG_FROM (of a queue with senders)
 * or a UNIX_MSG_FDS (a message that carries files: from the peer, sender
 * 0, or from one of the senders), in queue order. *@next: the record
 * after them. Else false, and @why says so.
 */
static bool ux_queue_recs_ok(FIXTURE_DATA(image) *self, int q, bool paired,
			     int *next, char *why, size_t size)
{
	const struct ckpt_hdr_unix_queue h = ux_queue_at(self, q);
	int i = q + 1;
	uint32_t k;

	for (k = 0; k < h.nr_senders; k++, i++)
		if (i >= self->nr || self->recs[i].type != CKPT_HDR_UNIX_SENDER) {
			snprintf(why, size, "record %d: %s, expected sender %u of the UNIX_QUEUE at %d",
				 i, i < self->nr ? ckpt_hdr_name(self->recs[i].type) :
				 "(end)", k + 1, q);
			return false;
		}
	for (k = 0; k < h.nr_msgs; k++, i++)
		if (i >= self->nr ||
		    !((self->recs[i].type == CKPT_HDR_UNIX_MSG && paired) ||
		      (self->recs[i].type == CKPT_HDR_UNIX_MSG_FROM &&
		       h.nr_senders) ||
		      (self->recs[i].type == CKPT_HDR_UNIX_MSG_FDS &&
		       (((const struct ckpt_hdr_unix_msg_fds *)
			 rec_at(self, i))->sender ? h.nr_senders : paired)))) {
			snprintf(why, size, "record %d: %s, expected message %u of the UNIX_QUEUE at %d (%u senders, %s)",
				 i, i < self->nr ? ckpt_hdr_name(self->recs[i].type) :
				 "(end)", k + 1, q, h.nr_senders,
				 paired ? "an end of a pair" : "unconnected");
			return false;
		}
	*next = i;
	return true;
}

/*
 * The records after the UNIX_QUEUE (and its records) of the listening
 * socket of FILE_UNIX @u, from @i on: its nr_embryos connections waiting
 * in its backlog, each a UNIX_EMBRYO (right after the UNIX_PAIR it names,
 * at the pair's first use) and a UNIX_QUEUE of what its client sent, with
 * its records. *@next: the record after them. Else false, and @why says
 * so.
 */
static bool ux_embryos_ok(FIXTURE_DATA(image) *self,
			  const struct ckpt_hdr_file_unix *u, int i, int *next,
			  char *why, size_t size)
{
	uint32_t k;

	for (k = 0; k < u->nr_embryos; k++) {
		if (i < self->nr && self->recs[i].type == CKPT_HDR_UNIX_PAIR)
			i++;
		if (i + 1 >= self->nr ||
		    self->recs[i].type != CKPT_HDR_UNIX_EMBRYO ||
		    self->recs[i + 1].type != CKPT_HDR_UNIX_QUEUE) {
			snprintf(why, size, "record %d: %s, expected connection %u of %u waiting in a backlog",
				 i, i < self->nr ? ckpt_hdr_name(self->recs[i].type) :
				 "(end)", k + 1, u->nr_embryos);
			return false;
		}
		if (!ux_queue_recs_ok(self, i + 1, true, &i, why, size))
			return false;
	}
	*next = i;
	return true;
}

/* The records in the order checkpoint_hdr.h documents for one task */
static bool order_ok(FIXTURE_DATA(image) *self, char *why, size_t size)
{
	static const uint32_t head[] = {
		CKPT_HDR_HEADER, CKPT_HDR_TREE, CKPT_HDR_TASK, CKPT_HDR_CREDS,
		CKPT_HDR_RLIMITS, CKPT_HDR_TIMERS, CKPT_HDR_FS,
	};
	static const uint32_t mid[] = {
		CKPT_HDR_FDTABLE, CKPT_HDR_SIGHAND, CKPT_HDR_SIGNAL,
		CKPT_HDR_CPU, CKPT_HDR_FPU, CKPT_HDR_MM,
	};
	unsigned int j;
	int i = 0;

#define EXPECT_REC(t) do {						\
	if (i >= self->nr || self->recs[i].type != (t)) {		\
		snprintf(why, size, "record %d is %s, expected %s", i,	\
			 i < self->nr ?					\
			 ckpt_hdr_name(self->recs[i].type) : "(end)",	\
			 ckpt_hdr_name(t));				\
		return false;						\
	}								\
	i++;								\
} while (0)

	for (j = 0; j < ARRAY_SIZE(head); j++)
		EXPECT_REC(head[j]);
	/*
	 * Each FILE record followed by the records of its type; a PIPE
	 * record right before the FILE_PIPE of the first end of its pipe, a
	 * UNIX_PAIR right before the FILE_UNIX of the first end of its pair;
	 * the UNIX_SENDER records of a UNIX_QUEUE after it, then its
	 * messages (ux_queue_recs_ok()), then a listener's connections
	 * waiting (ux_embryos_ok()); a UDP socket's FILE_INET by its
	 * nr_dgrams INET_DGRAM records, an established TCP connection's
	 * by its TCP_CONN; a MEMFD and its
	 * PAGES right before the FILE_MEMFD of the first open of its memfd,
	 * a DELETED and its PAGES right before the FILE_DELETED of the first
	 * open of its file. The FILE of a regular file or a directory names
	 * an INODE: right before it, at the first open of its inode. A unix
	 * socket bound to a path: the INODE of its socket inode right before
	 * its FILE_UNIX (after its UNIX_PAIR), a STRING right after it. The
	 * late records of the files (an epoll set's items, a unix socket's
	 * files in flight) after them, with the FILE records of the files
	 * they name that were not written yet (files in flight that no fd
	 * holds) among them.
	 */
	while (i < self->nr && (self->recs[i].type == CKPT_HDR_FILE ||
				self->recs[i].type == CKPT_HDR_INODE ||
				self->recs[i].type == CKPT_HDR_EPOLL_ITEMS ||
				self->recs[i].type == CKPT_HDR_UNIX_FDS)) {
		const struct ckpt_hdr_file_unix *u = NULL;
		const struct ckpt_hdr_file *f;
		const uint32_t *want;
		bool paired = false;

		if (self->recs[i].type == CKPT_HDR_EPOLL_ITEMS ||
		    self->recs[i].type == CKPT_HDR_UNIX_FDS) {
			i++;
			continue;
		}
		if (self->recs[i].type == CKPT_HDR_INODE) {
			if (!inode_at_ok(self, i, why, size))
				return false;
			i++;
		}
		f = rec_at(self, i++);
		want = file_records(f->type);
		if (!want) {
			snprintf(why, size, "record %d: FILE of type %u", i - 1,
				 f->type);
			return false;
		}
		if (inode_named(self, i - 1) < 0 ||
		    (!by_path(f->type) && f->inode_objref)) {
			snprintf(why, size, "record %d: FILE (type %u) names inode #%u",
				 i - 1, f->type, f->inode_objref);
			return false;
		}
		for (; *want; want++) {
			if (*want == CKPT_HDR_FILE_PIPE && i < self->nr &&
			    self->recs[i].type == CKPT_HDR_PIPE)
				i++;
			if (*want == CKPT_HDR_FILE_UNIX && i < self->nr &&
			    self->recs[i].type == CKPT_HDR_UNIX_PAIR)
				i++;
			if (*want == CKPT_HDR_FILE_UNIX && i + 1 < self->nr &&
			    self->recs[i].type == CKPT_HDR_INODE) {
				const struct ckpt_hdr_inode *in = rec_at(self, i);
				const struct ckpt_hdr_file_unix *u =
					rec_at(self, i + 1);

				if (self->recs[i + 1].type != CKPT_HDR_FILE_UNIX ||
				    !ux_has_path(u) || u->inode_objref != in->objref) {
					snprintf(why, size, "record %d: INODE #%u not right before the FILE_UNIX that names it",
						 i, in->objref);
					return false;
				}
				i++;
			}
			if (i < self->nr &&
			    ((*want == CKPT_HDR_FILE_MEMFD &&
			      self->recs[i].type == CKPT_HDR_MEMFD) ||
			     (*want == CKPT_HDR_FILE_DELETED &&
			      self->recs[i].type == CKPT_HDR_DELETED)))
				while (++i < self->nr &&
				       self->recs[i].type == CKPT_HDR_PAGES)
					;
			EXPECT_REC(*want);
			/* a UDP socket's datagrams, after its FILE_INET */
			if (*want == CKPT_HDR_FILE_INET) {
				const struct ckpt_hdr_file_inet *fi =
					rec_at(self, i - 1);
				uint32_t k;

				for (k = 0; k < fi->nr_dgrams; k++)
					EXPECT_REC(CKPT_HDR_INET_DGRAM);
				/* 1: TCP_ESTABLISHED */
				if (fi->protocol == IPPROTO_TCP && fi->state == 1)
					EXPECT_REC(CKPT_HDR_TCP_CONN);
			}
			if (*want == CKPT_HDR_UNIX_QUEUE &&
			    (!ux_queue_recs_ok(self, i - 1, paired, &i, why, size) ||
			     (u->flags & CKPT_UNIX_LISTEN &&
			      !ux_embryos_ok(self, u, i, &i, why, size))))
				return false;
			if (*want != CKPT_HDR_FILE_UNIX)
				continue;
			u = rec_at(self, i - 1);
			paired = u->pair_objref != 0;
			if (!ux_inode_ok(self, i - 1, why, size))
				return false;
			/* where the inode of a socket bound to a path is */
			if (ux_has_path(rec_at(self, i - 1)))
				EXPECT_REC(CKPT_HDR_STRING);
		}
	}
	for (j = 0; j < ARRAY_SIZE(mid); j++) {
		EXPECT_REC(mid[j]);
		/* the LOCKS record of an fd table with locks, right after it */
		if (mid[j] == CKPT_HDR_FDTABLE &&
		    ((const struct ckpt_hdr_fdtable *)rec_at(self, i - 1))->nr_locks)
			EXPECT_REC(CKPT_HDR_LOCKS);
	}
	/*
	 * a vma's first memfd or deleted file: its MEMFD or DELETED and
	 * PAGES right before it; a mapped file's inode: its INODE right
	 * before the first vma that names it
	 */
	while (i < self->nr && (self->recs[i].type == CKPT_HDR_VMA ||
				self->recs[i].type == CKPT_HDR_MEMFD ||
				self->recs[i].type == CKPT_HDR_DELETED ||
				self->recs[i].type == CKPT_HDR_INODE)) {
		if (self->recs[i].type == CKPT_HDR_INODE) {
			if (!inode_at_ok(self, i, why, size))
				return false;
			i++;
			continue;
		}
		if (self->recs[i].type == CKPT_HDR_VMA &&
		    inode_named(self, i) < 0) {
			snprintf(why, size, "record %d: VMA names no INODE before it",
				 i);
			return false;
		}
		i++;
		while (i < self->nr && self->recs[i].type == CKPT_HDR_PAGES)
			i++;
	}
	EXPECT_REC(CKPT_HDR_TRAILER);
	if (i != self->nr) {
		snprintf(why, size, "%d records after the trailer",
			 self->nr - i);
		return false;
	}
#undef EXPECT_REC
	return true;
}

/*
 * The header, the record order, the record lengths, the memory records
 * and the trailer are what checkpoint_hdr.h says.
 */
TEST_F_TIMEOUT(image, image_follows_the_format, CK_TIMEOUT)
{
	const struct ckpt_hdr_header *h = rec_at(self, 0);
	const struct ckpt_hdr_tree *tree = rec_at(self, 1);
	const struct ckpt_task_pids *pids = (const void *)(tree + 1);
	const struct ckpt_hdr_trailer *tr = rec_at(self, self->nr - 1);
	const struct ckpt_hdr_vma *vma = NULL;
	uint64_t next_addr = 0;
	unsigned int nr_vmas = 0, nr_mm = 0;
	bool vma_open = false;
	struct utsname u;
	char why[256] = "";
	int i;

	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_EQ(CKPT_MAGIC, h->magic);
	EXPECT_EQ((uint32_t)CKPT_VERSION, h->version);
	EXPECT_EQ((uint32_t)CKPT_ARCH_X86_64, h->arch);
	EXPECT_EQ((uint32_t)PAGE, h->page_size);
	EXPECT_EQ((uint32_t)CKPT_CSUM_XXH64, h->csum_alg);
	EXPECT_EQ((uint64_t)CKPT_IMG_SELF, h->flags);
	EXPECT_EQ((uint64_t)self->id, h->ckpt_id);
	EXPECT_EQ(1U, h->nr_tasks);
	EXPECT_EQ(0U, h->__reserved);
	ASSERT_EQ(0, uname(&u));
	EXPECT_STREQ(u.sysname, h->sysname);
	EXPECT_STREQ(u.nodename, h->nodename);
	EXPECT_STREQ(u.release, h->release);
	EXPECT_STREQ(u.machine, h->machine);
	EXPECT_EQ(1U, tree->nr_tasks);
	EXPECT_EQ(sizeof(*tree) + sizeof(*pids), tree->h.len);
	EXPECT_EQ(self->pid, pids->pid);
	EXPECT_EQ(self->pid, pids->tgid);

	for (i = 0; i < self->nr; i++) {
		const struct rec *r = &self->recs[i];

		EXPECT_EQ(0U, r->len % 8) TH_LOG("record %d", i);
		if (r->type == CKPT_HDR_MM) {
			const struct ckpt_hdr_mm *mm = rec_at(self, i);

			nr_mm = mm->nr_vmas;
			EXPECT_GE((uint32_t)CKPT_AUXV_MAX, mm->nr_auxv);
			/* one process: no parent whose mm it copies */
			EXPECT_EQ(0U, mm->flags & CKPT_MM_F_FORKED);
		}
		if (r->type == CKPT_HDR_VMA) {
			EXPECT_FALSE(vma_open)
				TH_LOG("vma %u not ended by an empty PAGES",
				       nr_vmas);
			vma = rec_at(self, i);
			vma_open = true;
			next_addr = vma->start;
			nr_vmas++;
			EXPECT_EQ(0U, vma->start % PAGE);
			EXPECT_EQ(0U, vma->end % PAGE);
			EXPECT_LT(vma->start, vma->end);
			EXPECT_EQ(0U, vma->flags & CKPT_VMA_F_INHERITED);
		}
		if (r->type == CKPT_HDR_PAGES) {
			const struct ckpt_hdr_pages *p = rec_at(self, i);
			const uint64_t *addr = (const void *)(p + 1);
			unsigned int k;

			ASSERT_TRUE(vma_open) TH_LOG("PAGES outside a vma");
			EXPECT_GE((uint32_t)CKPT_PAGES_MAX, p->nr_pages);
			/* the addresses, then the contents of those not the parent's */
			EXPECT_GE(p->nr_pages, p->nr_parent);
			EXPECT_EQ(sizeof(*p) + p->nr_pages * 8 +
				  (size_t)(p->nr_pages - p->nr_parent) * PAGE,
				  (size_t)p->h.len);
			/* and none is: no vma is inherited */
			EXPECT_EQ(0U, p->nr_parent);
			if (!p->nr_pages)
				vma_open = false;
			for (k = 0; k < p->nr_pages &&
			     sizeof(*p) + (k + 1) * 8 <= p->h.len; k++) {
				EXPECT_TRUE(addr[k] % PAGE == 0 &&
					    addr[k] >= next_addr &&
					    addr[k] < vma->end)
					TH_LOG("page %#llx in vma %#llx-%#llx",
					       (unsigned long long)addr[k],
					       (unsigned long long)vma->start,
					       (unsigned long long)vma->end);
				next_addr = addr[k] + PAGE;
			}
		}
	}
	EXPECT_FALSE(vma_open) TH_LOG("last vma not ended");
	EXPECT_EQ(nr_mm, nr_vmas);
	EXPECT_EQ(CKPT_TRAILER_MAGIC, tr->magic);
	EXPECT_EQ(ckpt_xxh64(self->img.data, self->recs[self->nr - 1].off, 0),
		  tr->csum);
	EXPECT_EQ(self->img.len,
		  self->recs[self->nr - 1].off + self->recs[self->nr - 1].len);
}

/* new_encode_dev() of @dev: what an INODE record's dev holds */
static uint64_t inode_dev(dev_t dev)
{
	uint64_t ma = major(dev), mi = minor(dev);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffULL) << 12);
}

/*
 * The INODE record @k is the identity of the file at @path: its device
 * and number (its generation the test cannot see), an objref, no more
 * than its struct
 */
static void expect_identity(struct __test_metadata *_metadata,
			    FIXTURE_DATA(image) *self, int k, const char *path)
{
	const struct ckpt_hdr_inode *h;
	struct stat st;

	ASSERT_LE(0, k) TH_LOG("%s: no INODE", path);
	h = rec_at(self, k);
	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
	EXPECT_EQ(sizeof(*h), (size_t)h->h.len);
	EXPECT_NE(0U, h->objref);
	EXPECT_EQ((uint64_t)st.st_ino, h->ino) TH_LOG("%s", path);
	EXPECT_EQ(inode_dev(st.st_dev), h->dev) TH_LOG("%s", path);
	EXPECT_GE(0xffffffffULL, h->dev);
}

/*
 * The fd table: the victim's fds, each pointing at a FILE of the right
 * kind, followed by the records of its kind: the paths, the device, the
 * restarter's fd of the inherited report pipe. A regular file and a
 * directory name the INODE of the file at their path, the others none.
 * Right after it, the LOCKS record of its two locks: fd 30's flock() and
 * POSIX locks.
 */
TEST_F_TIMEOUT(image, image_describes_the_fds, CK_TIMEOUT)
{
	static const struct {
		uint32_t fd, type;
	} want[] = {
		{ 0, CKPT_FILE_CHR }, { 1, CKPT_FILE_REG }, { 2, CKPT_FILE_REG },
		{ 30, CKPT_FILE_REG }, { 31, CKPT_FILE_CHR },
		{ 32, CKPT_FILE_DIR }, { CK_REPORT_FD, CKPT_FILE_INHERITED },
		{ CK_IMG_FD, CKPT_FILE_REG }, { CK_LOG_FD, CKPT_FILE_REG },
	};
	/* (1, 3), /dev/null, as new_encode_dev() has it */
	const uint64_t null_rdev = (1 << 8) | 3;
	const struct ckpt_hdr_fdtable *t;
	const struct ckpt_hdr_locks *lk;
	const struct ckpt_file_lock *l;
	const struct ckpt_fd *fds;
	unsigned int i, nflock = 0, nposix = 0;
	char why[256] = "";
	long off;
	int j, k, x;

	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	off = ckpt_image_find(&self->img, CKPT_HDR_FDTABLE, 0);
	ASSERT_LE(0, off);
	t = (const void *)(self->img.data + off);
	fds = (const void *)(t + 1);
	ASSERT_EQ(ARRAY_SIZE(want), t->nr_fds);
	ASSERT_EQ(sizeof(*t) + t->nr_fds * sizeof(*fds), (size_t)t->h.len);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct ckpt_hdr_file *f;
		const char *path;

		EXPECT_EQ(want[i].fd, fds[i].fd);
		EXPECT_EQ(0U, fds[i].__reserved);
		j = find_objref(self, fds[i].objref);
		EXPECT_LE(0, j) TH_LOG("fd %u: objref %u has no FILE",
				       fds[i].fd, fds[i].objref);
		if (j < 0)
			continue;
		f = rec_at(self, j);
		EXPECT_EQ(want[i].type, f->type) TH_LOG("fd %u", fds[i].fd);
		/* written as this struct, nothing more */
		EXPECT_EQ(sizeof(*f), (size_t)f->h.len);
		/* a file reopened by path names its INODE, others none */
		if (by_path(f->type)) {
			EXPECT_LT(0, inode_named(self, j))
				TH_LOG("fd %u: no INODE", fds[i].fd);
		} else {
			EXPECT_EQ(0U, f->inode_objref) TH_LOG("fd %u", fds[i].fd);
		}
		if (fds[i].fd == 30) {
			EXPECT_EQ(3, f->pos);
			EXPECT_EQ((uint32_t)O_RDWR, f->f_flags & O_ACCMODE);
		}
		/* a path for what is reopened by one, and only for that */
		x = file_part(self, j, CKPT_HDR_STRING);
		path = string_at(self, x);
		if (f->type == CKPT_FILE_INHERITED) {
			EXPECT_EQ(-1, x) TH_LOG("fd %u: a STRING", fds[i].fd);
		} else {
			EXPECT_NE(NULL, path) TH_LOG("fd %u: no good STRING",
						     fds[i].fd);
			if (path)
				EXPECT_EQ('/', path[0]) TH_LOG("%s", path);
		}
		if (path && by_path(f->type) && inode_named(self, j) > 0)
			expect_identity(_metadata, self,
					inode_before(self, f->inode_objref, j),
					path);
		if (path && fds[i].fd == 30)
			EXPECT_STREQ(ck_path("victim-file"), path);
		if (path && fds[i].fd == 31)
			EXPECT_STREQ("/dev/null", path);
		if (path && fds[i].fd == 32)
			EXPECT_STREQ(ck.dir, path);
		/* the device of the character devices */
		x = file_part(self, j, CKPT_HDR_FILE_CHR);
		EXPECT_EQ(f->type == CKPT_FILE_CHR, x >= 0)
			TH_LOG("fd %u: FILE_CHR record %d", fds[i].fd, x);
		if (x >= 0) {
			const struct ckpt_hdr_file_chr *c = rec_at(self, x);

			EXPECT_EQ(sizeof(*c), (size_t)c->h.len);
			if (fds[i].fd == 31)
				EXPECT_EQ(null_rdev, c->rdev);
		}
		/* the report pipe: its read end is the test's */
		x = file_part(self, j, CKPT_HDR_FILE_INHERIT);
		EXPECT_EQ(fds[i].fd == CK_REPORT_FD, x >= 0)
			TH_LOG("fd %u: FILE_INHERIT record %d", fds[i].fd, x);
		if (x >= 0) {
			const struct ckpt_hdr_file_inherit *ih = rec_at(self, x);

			EXPECT_EQ(sizeof(*ih), (size_t)ih->h.len);
			EXPECT_EQ((uint32_t)CK_REPORT_FD, ih->fd);
			EXPECT_EQ((uint32_t)CKPT_INHERIT_PIPE, ih->kind);
		}
		EXPECT_EQ(-1, file_part(self, j, CKPT_HDR_FILE_PIPE))
			TH_LOG("fd %u", fds[i].fd);
	}
	/* fd 30's locks, in the LOCKS record right after the FDTABLE */
	EXPECT_EQ(2U, t->nr_locks);
	off = ckpt_image_find(&self->img, CKPT_HDR_LOCKS, 0);
	ASSERT_EQ((long)((const unsigned char *)t - self->img.data) +
		  (long)t->h.len, off);
	lk = (const void *)(self->img.data + off);
	l = (const void *)(lk + 1);
	ASSERT_EQ(t->nr_locks, lk->nr_locks);
	EXPECT_EQ(0U, lk->__reserved);
	ASSERT_EQ(sizeof(*lk) + lk->nr_locks * sizeof(*l), (size_t)lk->h.len);
	for (i = 0; i < lk->nr_locks; i++) {
		EXPECT_EQ(30U, l[i].fd);
		EXPECT_EQ(F_WRLCK, l[i].type);
		EXPECT_EQ(0, l[i].start);
		if (l[i].kind == CKPT_LOCK_FLOCK) {
			nflock++;
			EXPECT_EQ(0, l[i].len);
		} else {
			nposix++;
			EXPECT_EQ(CKPT_LOCK_POSIX, l[i].kind);
			EXPECT_EQ(10, l[i].len);
		}
	}
	EXPECT_EQ(1U, nflock);
	EXPECT_EQ(1U, nposix);
	/* objrefs are unique */
	for (j = 0; j < self->nr; j++)
		for (k = j + 1; k < self->nr; k++)
			if (self->recs[j].type == CKPT_HDR_FILE &&
			    self->recs[k].type == CKPT_HDR_FILE)
				EXPECT_NE(((const struct ckpt_hdr_file *)
					   rec_at(self, j))->objref,
					  ((const struct ckpt_hdr_file *)
					   rec_at(self, k))->objref);
}

/*
 * Pages never touched are not in the image: of the victim's 64-page
 * region, only the two pages it wrote.
 */
TEST_F_TIMEOUT(image, untouched_pages_not_saved, CK_TIMEOUT)
{
	const unsigned long start = self->region, end = start + 64 * PAGE;
	unsigned long seen[8];
	unsigned int nseen = 0;
	bool in_region = false;
	int i;

	for (i = 0; i < self->nr; i++) {
		const struct rec *r = &self->recs[i];

		if (r->type == CKPT_HDR_VMA) {
			const struct ckpt_hdr_vma *v = rec_at(self, i);

			in_region = v->start <= start && v->end >= end;
		} else if (r->type == CKPT_HDR_PAGES && in_region) {
			const struct ckpt_hdr_pages *p = rec_at(self, i);
			const uint64_t *addr = (const void *)(p + 1);
			unsigned int k;

			for (k = 0; k < p->nr_pages; k++) {
				/* a parent's page (none here): its mark */
				unsigned long a = addr[k] & ~(unsigned long)CKPT_PAGE_PARENT;

				if (a >= start && a < end && nseen < ARRAY_SIZE(seen))
					seen[nseen++] = a;
			}
		}
	}
	ASSERT_EQ(2U, nseen) {
		for (i = 0; i < (int)nseen; i++)
			TH_LOG("saved page %lu of the region",
			       (seen[i] - start) / PAGE);
	}
	EXPECT_EQ(start + 3 * PAGE, seen[0]);
	EXPECT_EQ(start + 40 * PAGE, seen[1]);
}

/* ---- garbage -------------------------------------------------------- */

static void expect_einval(struct __test_metadata *_metadata,
			  FIXTURE_DATA(image) *self, const void *data,
			  size_t len, const char *what)
{
	struct trial t;

	try_image(self, data, len, &t);
	EXPECT_TRUE(t.out == OUT_ERROR && t.err == EINVAL) {
		TH_LOG("%s: %s %s", what, outcome_name[t.out],
		       t.out == OUT_ERROR ? strerrorname_np(t.err) : "");
		ck_dump(_metadata, what, t.status);
	}
}

/* nothing, zeros, random bytes: EINVAL before anything happens */
TEST_F_TIMEOUT(image, garbage_images, CK_TIMEOUT)
{
	unsigned char buf[2 * PAGE];
	char what[64];
	int seed;

	expect_einval(_metadata, self, buf, 0, "empty image");
	memset(buf, 0, sizeof(buf));
	expect_einval(_metadata, self, buf, 8, "8 zero bytes");
	expect_einval(_metadata, self, buf, sizeof(buf), "zero-filled image");
	for (seed = 1; seed <= 4; seed++) {
		ck_fill(buf, sizeof(buf), seed);
		snprintf(what, sizeof(what), "random bytes (seed %d)", seed);
		expect_einval(_metadata, self, buf, sizeof(buf), what);
	}
	check_no_splat(_metadata, self);
}

/* a good header followed by random bytes */
TEST_F_TIMEOUT(image, garbage_after_header, CK_TIMEOUT)
{
	struct stats st = { 0 };
	unsigned char *buf = copy_image(self);
	size_t hlen = self->recs[0].len;
	struct trial t;
	int seed;

	ASSERT_NE(NULL, buf);
	for (seed = 1; seed <= 4; seed++) {
		ck_fill(buf + hlen, self->img.len - hlen, seed);
		try_image(self, buf, self->img.len, &t);
		account(_metadata, &st, &t, strict_ok(&t), "seed %d", seed);
		ckpt_image_fix_csum(&(struct ckpt_image){ buf, self->img.len });
		try_image(self, buf, self->img.len, &t);
		account(_metadata, &st, &t, strict_ok(&t),
			"seed %d, checksum fixed", seed);
	}
	free(buf);
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/* ---- header and trailer --------------------------------------------- */

/* Set @size bytes at @off of a copy to @val, fix the checksum, try */
static void expect_field_einval(struct __test_metadata *_metadata,
				FIXTURE_DATA(image) *self, size_t off,
				size_t size, uint64_t val, const char *what)
{
	unsigned char *buf = copy_image(self);
	struct ckpt_image img = { buf, self->img.len };

	ASSERT_NE(NULL, buf);
	memcpy(buf + off, &val, size);
	ASSERT_EQ(0, ckpt_image_fix_csum(&img));
	expect_einval(_metadata, self, buf, self->img.len, what);
	free(buf);
}

#define HDR_FIELD(f) offsetof(struct ckpt_hdr_header, f), \
		     sizeof(((struct ckpt_hdr_header *)0)->f)

/* wrong magic, version, arch, page size, checksum algorithm: EINVAL */
TEST_F_TIMEOUT(image, header_fields_rejected, CK_TIMEOUT)
{
	expect_field_einval(_metadata, self, HDR_FIELD(magic),
			    CKPT_MAGIC ^ 1, "magic");
	expect_field_einval(_metadata, self, HDR_FIELD(magic), 0, "magic 0");
	expect_field_einval(_metadata, self, HDR_FIELD(version),
			    CKPT_VERSION + 1, "version + 1");
	expect_field_einval(_metadata, self, HDR_FIELD(version), 0,
			    "version 0");
	expect_field_einval(_metadata, self, HDR_FIELD(arch), 0, "arch 0");
	expect_field_einval(_metadata, self, HDR_FIELD(arch),
			    CKPT_ARCH_X86_64 + 1, "arch + 1");
	expect_field_einval(_metadata, self, HDR_FIELD(page_size), 2 * PAGE,
			    "page size 8192");
	expect_field_einval(_metadata, self, HDR_FIELD(csum_alg), 0,
			    "checksum algorithm 0");
	expect_field_einval(_metadata, self, HDR_FIELD(csum_alg),
			    CKPT_CSUM_XXH64 + 1, "checksum algorithm + 1");
	expect_field_einval(_metadata, self, HDR_FIELD(nr_tasks), 0,
			    "0 tasks");
	expect_field_einval(_metadata, self, HDR_FIELD(__reserved), 1,
			    "reserved header field");
	check_no_splat(_metadata, self);
}

/* a checksum that does not match: EINVAL, returned to the caller */
TEST_F_TIMEOUT(image, checksum_mismatch, CK_TIMEOUT)
{
	size_t csum = self->recs[self->nr - 1].off +
		      offsetof(struct ckpt_hdr_trailer, csum);
	unsigned char *buf = copy_image(self);
	size_t mid = self->img.len / 2;

	ASSERT_NE(NULL, buf);
	buf[csum] ^= 0x01;
	expect_einval(_metadata, self, buf, self->img.len,
		      "trailer checksum off by one bit");
	buf[csum] ^= 0x01;
	/* a flipped bit in the middle of the image, checksum not fixed */
	buf[mid] ^= 0x10;
	expect_einval(_metadata, self, buf, self->img.len,
		      "one bit flipped mid-image");
	free(buf);
	check_no_splat(_metadata, self);
}

/* ---- truncation ----------------------------------------------------- */

/* the image cut right before each record, and the trailer cut short */
TEST_F_TIMEOUT(image, truncated_at_record_boundaries, 2 * CK_TIMEOUT)
{
	struct stats st = { 0 };
	struct trial t;
	size_t len;
	int i;

	for (i = 1; i <= self->nr; i++) {
		len = i < self->nr ? self->recs[i].off : self->img.len - 8;
		try_image(self, self->img.data, len, &t);
		account(_metadata, &st, &t, strict_ok(&t),
			"cut at %zu, before record %d (%s)", len, i,
			i < self->nr ? ckpt_hdr_name(self->recs[i].type) :
				       "end of TRAILER");
	}
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/* the image cut inside records: in the header, in the payload */
TEST_F_TIMEOUT(image, truncated_inside_records, 2 * CK_TIMEOUT)
{
	struct stats st = { 0 };
	int i, step = self->nr / 100 + 1;
	struct trial t;
	size_t cut[3];
	unsigned int k;

	for (i = 0; i < self->nr; i += step) {
		const struct rec *r = &self->recs[i];

		cut[0] = r->off + 4;
		cut[1] = r->off + r->len / 2;
		cut[2] = r->off + r->len - 1;
		for (k = 0; k < 3; k++) {
			if (k && cut[k] == cut[k - 1])
				continue;
			try_image(self, self->img.data, cut[k], &t);
			account(_metadata, &st, &t, strict_ok(&t),
				"cut at %zu, inside record %d (%s, len %u)",
				cut[k], i, ckpt_hdr_name(r->type), r->len);
		}
	}
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/* ---- flipped bytes -------------------------------------------------- */

static void flip_try(struct __test_metadata *_metadata,
		     FIXTURE_DATA(image) *self, unsigned char *buf,
		     size_t off, bool fix, bool strict, struct stats *st)
{
	struct ckpt_image img = { buf, self->img.len };
	struct trial t;

	memcpy(buf, self->img.data, self->img.len);
	buf[off] ^= 0xff;
	if (fix)
		ckpt_image_fix_csum(&img);
	try_image(self, buf, self->img.len, &t);
	account(_metadata, st, &t, strict ? strict_ok(&t) : lenient_ok(&t),
		"byte %zu flipped (%s at +%zu)%s", off, rec_name_at(self, off),
		off - self->recs[rec_index_at(self, off)].off,
		fix ? ", checksum fixed" : "");
}

/*
 * Flipped bytes with the checksum left alone: the checksum catches them
 * all, or the parsers do first. Every record's type and len, a byte in
 * each record's payload, and bytes spread over the whole image.
 */
TEST_F_TIMEOUT(image, flipped_bytes_bad_checksum, 2 * CK_TIMEOUT)
{
	unsigned char *buf = copy_image(self);
	int i, step = self->nr / 100 + 1;
	struct stats st = { 0 };
	size_t off;

	ASSERT_NE(NULL, buf);
	for (i = 0; i < self->nr; i += step) {
		const struct rec *r = &self->recs[i];

		flip_try(_metadata, self, buf, r->off, false, true, &st);
		flip_try(_metadata, self, buf, r->off + 4, false, true, &st);
		if (r->len > 8)
			flip_try(_metadata, self, buf,
				 r->off + 8 + (i * 37) % (r->len - 8), false,
				 true, &st);
	}
	for (off = 13; off < self->img.len; off += self->img.len / 100 + 1)
		flip_try(_metadata, self, buf, off, false, true, &st);
	free(buf);
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/* A field whose damage always makes the image invalid */
struct field {
	uint32_t type;
	size_t off;	/* of the byte to flip, in the record */
	const char *name;
};

#define F(t, s, m, b) { CKPT_HDR_##t, offsetof(struct s, m) + (b), #t "." #m }

static const struct field structural[] = {
	F(HEADER, ckpt_hdr_header, magic, 0),
	F(HEADER, ckpt_hdr_header, version, 0),
	F(HEADER, ckpt_hdr_header, arch, 0),
	F(HEADER, ckpt_hdr_header, page_size, 1),
	F(HEADER, ckpt_hdr_header, csum_alg, 0),
	F(HEADER, ckpt_hdr_header, nr_tasks, 0),
	F(HEADER, ckpt_hdr_header, __reserved, 0),
	F(TREE, ckpt_hdr_tree, nr_tasks, 0),
	F(TREE, ckpt_hdr_tree, __reserved, 3),
	{ CKPT_HDR_TREE, sizeof(struct ckpt_hdr_tree) +
	  offsetof(struct ckpt_task_pids, flags), "TREE.pids[0].flags" },
	F(TASK, ckpt_hdr_task, task_flags, 0),
	F(TASK, ckpt_hdr_task, __reserved, 0),
	F(TASK, ckpt_hdr_task, __reserved2, 0),
	F(TASK, ckpt_hdr_task, ioprio, 1),		/* class 4-7 */
	F(TASK, ckpt_hdr_task, ioprio, 2),		/* above 0xffff */
	F(TASK, ckpt_hdr_task, nr_cpus, 1),		/* > CKPT_MAX_CPUS */
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, cpus) +
	  sizeof(((struct ckpt_hdr_task *)0)->cpus) - 1,
	  "TASK.cpus[15]" },				/* CPU >= nr_cpus */
	F(TASK, ckpt_hdr_task, stop_signal, 0),		/* no signal */
	F(TASK, ckpt_hdr_task, stop_code, 0),		/* not stopped */
	F(TASK, ckpt_hdr_task, stop_flags, 0),		/* unknown */
	F(TASK, ckpt_hdr_task, __reserved3, 3),
	F(CREDS, ckpt_hdr_creds, ngroups, 0),
	F(CREDS, ckpt_hdr_creds, ngroups, 2),
	F(RLIMITS, ckpt_hdr_rlimits, nr_limits, 0),
	F(RLIMITS, ckpt_hdr_rlimits, __reserved, 0),
	F(TIMERS, ckpt_hdr_timers, nr_timers, 0),
	F(TIMERS, ckpt_hdr_timers, nr_timers, 2),
	F(FS, ckpt_hdr_fs, cwd_len, 0),
	F(FS, ckpt_hdr_fs, root_len, 1),
	F(FS, ckpt_hdr_fs, __reserved, 0),
	F(FILE, ckpt_hdr_file, objref, 0),
	F(FILE, ckpt_hdr_file, type, 0),
	/* of no INODE; on a file not reopened by path, any */
	F(FILE, ckpt_hdr_file, inode_objref, 0),
	F(FILE, ckpt_hdr_file, pos, 7),			/* negative */
	F(FILE, ckpt_hdr_file, owner, 0),		/* without a type */
	F(FILE, ckpt_hdr_file, owner, 3),		/* negative */
	F(FILE, ckpt_hdr_file, owner_type, 0),		/* unknown */
	F(FILE, ckpt_hdr_file, signum, 0),		/* 255 */
	F(FILE, ckpt_hdr_file, async_fd, 0),		/* no O_ASYNC */
	F(INODE, ckpt_hdr_inode, objref, 0),		/* its file's is gone */
	F(INODE, ckpt_hdr_inode, dev, 4),		/* above 32 bits */
	F(INODE, ckpt_hdr_inode, ino, 0),		/* another file */
	F(INODE, ckpt_hdr_inode, generation, 0),	/* another file */
	F(STRING, ckpt_hdr_string, len, 0),
	F(STRING, ckpt_hdr_string, __reserved, 0),
	{ CKPT_HDR_STRING, sizeof(struct ckpt_hdr_string),
	  "STRING.str[0]" },				/* not '/' */
	F(FILE_CHR, ckpt_hdr_file_chr, rdev, 0),	/* (1, 252) */
	F(FILE_CHR, ckpt_hdr_file_chr, rdev, 1),	/* (254, 3) */
	F(FILE_INHERIT, ckpt_hdr_file_inherit, fd, 2),	/* >= CKPT_MAX_FDS */
	F(FILE_INHERIT, ckpt_hdr_file_inherit, kind, 0),
	F(FILE_PIPE, ckpt_hdr_file_pipe, pipe_objref, 3),
	F(FILE_PIPE, ckpt_hdr_file_pipe, __reserved, 0),
	F(PIPE, ckpt_hdr_pipe, objref, 0),
	F(PIPE, ckpt_hdr_pipe, nr_bytes, 1),
	F(PIPE, ckpt_hdr_pipe, nr_bytes, 3),
	F(PIPE, ckpt_hdr_pipe, size, 3),
	F(PIPE, ckpt_hdr_pipe, __reserved, 0),
	F(FDTABLE, ckpt_hdr_fdtable, nr_fds, 0),
	F(FDTABLE, ckpt_hdr_fdtable, nr_locks, 0),	/* not LOCKS's */
	F(FDTABLE, ckpt_hdr_fdtable, nr_locks, 2),	/* > CKPT_MAX_LOCKS */
	{ CKPT_HDR_FDTABLE, sizeof(struct ckpt_hdr_fdtable) +
	  offsetof(struct ckpt_fd, flags), "FDTABLE.fds[0].flags" },
	{ CKPT_HDR_FDTABLE, sizeof(struct ckpt_hdr_fdtable) +
	  offsetof(struct ckpt_fd, __reserved) + 2, "FDTABLE.fds[0].reserved" },
	F(LOCKS, ckpt_hdr_locks, nr_locks, 0),
	F(LOCKS, ckpt_hdr_locks, __reserved, 0),
	{ CKPT_HDR_LOCKS, sizeof(struct ckpt_hdr_locks) +
	  offsetof(struct ckpt_file_lock, fd) + 2,
	  "LOCKS.locks[0].fd" },			/* not in the FDTABLE */
	{ CKPT_HDR_LOCKS, sizeof(struct ckpt_hdr_locks) +
	  offsetof(struct ckpt_file_lock, kind), "LOCKS.locks[0].kind" },
	{ CKPT_HDR_LOCKS, sizeof(struct ckpt_hdr_locks) +
	  offsetof(struct ckpt_file_lock, type), "LOCKS.locks[0].type" },
	{ CKPT_HDR_LOCKS, sizeof(struct ckpt_hdr_locks) +
	  offsetof(struct ckpt_file_lock, start) + 7,
	  "LOCKS.locks[0].start" },			/* negative */
	{ CKPT_HDR_LOCKS, sizeof(struct ckpt_hdr_locks) +
	  offsetof(struct ckpt_file_lock, len) + 7,
	  "LOCKS.locks[0].len" },			/* negative */
	{ CKPT_HDR_LOCKS, sizeof(struct ckpt_hdr_locks) +
	  sizeof(struct ckpt_file_lock) + offsetof(struct ckpt_file_lock, len) + 7,
	  "LOCKS.locks[1].len" },			/* negative */
	F(SIGHAND, ckpt_hdr_sighand, nr_signals, 0),
	F(SIGHAND, ckpt_hdr_sighand, __reserved, 0),
	F(SIGNAL, ckpt_hdr_signal, nr_pending, 0),
	F(SIGNAL, ckpt_hdr_signal, nr_pending, 3),
	F(CPU, ckpt_hdr_cpu, ip, 7),
	F(CPU, ckpt_hdr_cpu, sp, 7),
	F(FPU, ckpt_hdr_fpu, size, 0),
	F(FPU, ckpt_hdr_fpu, __reserved, 0),
	F(MM, ckpt_hdr_mm, nr_vmas, 0),
	F(MM, ckpt_hdr_mm, nr_auxv, 0),
	F(MM, ckpt_hdr_mm, exe_len, 0),
	/*
	 * its low byte is all flags now: a flipped second byte is unknown
	 * ones (and CKPT_MM_F_FORKED, refused in the first task)
	 */
	F(MM, ckpt_hdr_mm, flags, 1),
	F(VMA, ckpt_hdr_vma, start, 0),
	F(VMA, ckpt_hdr_vma, end, 0),
	F(VMA, ckpt_hdr_vma, type, 0),
	F(VMA, ckpt_hdr_vma, prot, 0),
	F(VMA, ckpt_hdr_vma, flags, 0),
	F(VMA, ckpt_hdr_vma, path_len, 0),
	F(VMA, ckpt_hdr_vma, __reserved, 0),
	F(VMA, ckpt_hdr_vma, shm_size, 1),
	F(PAGES, ckpt_hdr_pages, nr_pages, 0),
	F(PAGES, ckpt_hdr_pages, nr_pages, 1),
	F(PAGES, ckpt_hdr_pages, nr_parent, 0),		/* no inherited vma */
	{ CKPT_HDR_PAGES, sizeof(struct ckpt_hdr_pages), "PAGES.addr[0]" },
	F(TRAILER, ckpt_hdr_trailer, magic, 0),
};

/*
 * Damage that no valid image has - lengths, counts, enums, reserved
 * fields, unaligned or non-canonical addresses - with the checksum fixed
 * so that the parsers see it: always refused. Records of a repeated type
 * are sampled.
 */
TEST_F_TIMEOUT(image, flipped_structure_good_checksum, 3 * CK_TIMEOUT)
{
	unsigned char *buf = copy_image(self);
	int seen[CKPT_HDR_MAX] = { 0 };
	struct stats st = { 0 };
	unsigned int j;
	int i;

	ASSERT_NE(NULL, buf);
	for (i = 0; i < self->nr; i++) {
		const struct rec *r = &self->recs[i];
		bool last = i == self->nr - 1;
		int nth;

		if (r->type >= CKPT_HDR_MAX)
			continue;
		nth = seen[r->type]++;
		/* VMA, PAGES, FILE: a good many, spread out, and the last */
		if (nth >= 8 && nth % 4 && !last)
			continue;
		/* every record's type and len */
		flip_try(_metadata, self, buf, r->off, !last, true, &st);
		flip_try(_metadata, self, buf, r->off + 4 + (nth & 1) * 2,
			 !last, true, &st);
		for (j = 0; j < ARRAY_SIZE(structural); j++) {
			const struct field *f = &structural[j];

			if (f->type != r->type || f->off >= r->len)
				continue;
			if (r->type == CKPT_HDR_PAGES && f->off >=
			    sizeof(struct ckpt_hdr_pages) &&
			    !((const struct ckpt_hdr_pages *)
			      rec_at(self, i))->nr_pages)
				continue;
			/* the trailer's own fields are not covered */
			flip_try(_metadata, self, buf, r->off + f->off, !last,
				 true, &st);
		}
	}
	free(buf);
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/*
 * Flipped data bytes with the checksum fixed: the image may be valid and
 * restart with other state, or be refused. It must not hang, nor return
 * a bogus errno, nor upset the kernel.
 */
TEST_F_TIMEOUT(image, flipped_data_good_checksum, 2 * CK_TIMEOUT)
{
	unsigned char *buf = copy_image(self);
	size_t end = self->recs[self->nr - 1].off;
	uint64_t x = 0x2545f4914f6cdd1dULL;
	struct stats st = { 0 };
	int i;

	ASSERT_NE(NULL, buf);
	for (i = 0; i < 200; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		flip_try(_metadata, self, buf, x % end, true, false, &st);
	}
	free(buf);
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/* every record type with a huge len: refused before allocating it */
TEST_F_TIMEOUT(image, huge_record_lengths, 2 * CK_TIMEOUT)
{
	static const uint32_t lens[] = { 0xfffffff8, 0x80000000, 0x00100008 };
	unsigned char *buf = copy_image(self);
	struct ckpt_image img = { buf, self->img.len };
	int seen[CKPT_HDR_MAX] = { 0 };
	struct stats st = { 0 };
	struct trial t;
	unsigned int k;
	int i;

	ASSERT_NE(NULL, buf);
	for (i = 0; i < self->nr - 1; i++) {
		struct ckpt_hdr *h;

		if (self->recs[i].type >= CKPT_HDR_MAX ||
		    seen[self->recs[i].type]++)
			continue;
		for (k = 0; k < ARRAY_SIZE(lens); k++) {
			memcpy(buf, self->img.data, self->img.len);
			h = (struct ckpt_hdr *)(buf + self->recs[i].off);
			h->len = lens[k];
			ckpt_image_fix_csum(&img);
			try_image(self, buf, self->img.len, &t);
			account(_metadata, &st, &t, strict_ok(&t),
				"record %d (%s) with len %#x", i,
				ckpt_hdr_name(self->recs[i].type), lens[k]);
		}
	}
	free(buf);
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/* Build an image from records of the original, in the order of @idx */
static size_t rebuild(FIXTURE_DATA(image) *self, unsigned char *buf,
		      const int *idx, int n)
{
	size_t len = 0;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(buf + len, rec_at(self, idx[i]),
		       self->recs[idx[i]].len);
		len += self->recs[idx[i]].len;
	}
	return len;
}

/*
 * Records swapped, repeated or left out (checksum fixed): refused, or (a
 * reader that does not mind the order) a restored program that is
 * exactly the one checkpointed.
 */
TEST_F_TIMEOUT(image, records_out_of_order, 2 * CK_TIMEOUT)
{
	unsigned char *buf = malloc(2 * self->img.len);
	int *idx = calloc(self->nr + 1, sizeof(int));
	struct stats st = { 0 };
	struct ckpt_image img;
	struct trial t;
	int i, j, n;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, idx);
	/* swap record j and j + 1, for every pair but the trailer */
	for (j = 0; j < self->nr - 2; j++) {
		if (self->recs[j].type == self->recs[j + 1].type)
			continue;	/* FILE FILE, PAGES PAGES: same thing */
		if (j > 20 && j % 5)
			continue;	/* memory records: a sample */
		for (i = 0; i < self->nr; i++)
			idx[i] = i;
		idx[j] = j + 1;
		idx[j + 1] = j;
		img = (struct ckpt_image){ buf, rebuild(self, buf, idx,
							self->nr) };
		ckpt_image_fix_csum(&img);
		try_image(self, buf, img.len, &t);
		account(_metadata, &st, &t, intact_ok(&t),
			"records %d (%s) and %d (%s) swapped", j,
			ckpt_hdr_name(self->recs[j].type), j + 1,
			ckpt_hdr_name(self->recs[j + 1].type));
	}
	/* each record before the memory ones twice, then left out */
	for (j = 0; j < 24 && self->recs[j].type != CKPT_HDR_VMA; j++) {
		for (i = 0, n = 0; i < self->nr; i++) {
			idx[n++] = i;
			if (i == j)
				idx[n++] = i;
		}
		img = (struct ckpt_image){ buf, rebuild(self, buf, idx, n) };
		ckpt_image_fix_csum(&img);
		try_image(self, buf, img.len, &t);
		account(_metadata, &st, &t, intact_ok(&t),
			"record %d (%s) twice", j,
			ckpt_hdr_name(self->recs[j].type));
		for (i = 0, n = 0; i < self->nr; i++)
			if (i != j)
				idx[n++] = i;
		img = (struct ckpt_image){ buf, rebuild(self, buf, idx, n) };
		ckpt_image_fix_csum(&img);
		try_image(self, buf, img.len, &t);
		account(_metadata, &st, &t, intact_ok(&t),
			"record %d (%s) left out", j,
			ckpt_hdr_name(self->recs[j].type));
	}
	free(idx);
	free(buf);
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/*
 * A pipe with both ends inside: its PIPE record (and the FILE and
 * FILE_PIPE records of its ends) damaged or cut, checksum fixed: refused.
 * The intact image restores the pipe with its data.
 */
TEST_F_TIMEOUT(image, pipe_records_damaged, 2 * CK_TIMEOUT)
{
	static const struct field pipe_fields[] = {
		F(PIPE, ckpt_hdr_pipe, objref, 0),
		F(PIPE, ckpt_hdr_pipe, nr_bytes, 0),
		F(PIPE, ckpt_hdr_pipe, nr_bytes, 1),
		F(PIPE, ckpt_hdr_pipe, nr_bytes, 3),
		F(PIPE, ckpt_hdr_pipe, size, 3),
		F(PIPE, ckpt_hdr_pipe, __reserved, 0),
		F(FILE, ckpt_hdr_file, type, 0),
		F(FILE, ckpt_hdr_file, f_flags, 0),	/* access mode 3 */
		F(FILE, ckpt_hdr_file, pos, 0),		/* a pipe has none */
		F(FILE_PIPE, ckpt_hdr_file_pipe, pipe_objref, 0),
		F(FILE_PIPE, ckpt_hdr_file_pipe, pipe_objref, 3),
		F(FILE_PIPE, ckpt_hdr_file_pipe, __reserved, 0),
	};
	struct stats st = { 0 };
	unsigned char *buf;
	unsigned int j;
	struct trial t;
	int i, pipes = 0;

	make_victim(_metadata, self, (void *)1);
	try_image(self, self->img.data, self->img.len, &t);
	EXPECT_EQ((int)OUT_RESUMED, (int)t.out) {
		TH_LOG("intact image with a pipe: %s", outcome_name[t.out]);
		ck_dump(_metadata, "restart", t.status);
	}
	buf = copy_image(self);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < self->nr; i++) {
		const struct rec *r = &self->recs[i];
		const struct ckpt_hdr_file *f = rec_at(self, i);

		if (r->type == CKPT_HDR_PIPE) {
			pipes++;
			/* cut in the middle of the buffered data */
			try_image(self, self->img.data, r->off + r->len / 2, &t);
			account(_metadata, &st, &t, strict_ok(&t),
				"cut inside PIPE record %d", i);
		} else if (r->type == CKPT_HDR_FILE_PIPE) {
			/* a pipe end's FILE_PIPE record (no FIFO here) */
		} else if (r->type != CKPT_HDR_FILE ||
			   f->type != CKPT_FILE_PIPE) {
			continue;
		}
		for (j = 0; j < ARRAY_SIZE(pipe_fields); j++)
			if (pipe_fields[j].type == r->type)
				flip_try(_metadata, self, buf,
					 r->off + pipe_fields[j].off, true,
					 true, &st);
	}
	free(buf);
	EXPECT_EQ(1, pipes) TH_LOG("PIPE records in the image");
	report(_metadata, &st);
	EXPECT_EQ(0, st.failures);
	check_no_splat(_metadata, self);
}

/* ---- the records of a file, extensible records ----------------------- */

/*
 * An edit of the image: record @at replaced by @len bytes of @rec (none:
 * removed), or @len bytes inserted before it.
 */
struct edit {
	int at;
	bool replace;
	const void *rec;
	size_t len;
};

/* The image with @ne edits, checksum fixed; malloc()ed, *@plen bytes */
static unsigned char *edit_image(FIXTURE_DATA(image) *self,
				 const struct edit *e, int ne, size_t *plen)
{
	size_t cap = self->img.len, len = 0;
	unsigned char *buf;
	bool replaced;
	int i, k;

	for (k = 0; k < ne; k++)
		cap += e[k].len;
	buf = malloc(cap);
	if (!buf)
		return NULL;
	for (i = 0; i < self->nr; i++) {
		replaced = false;
		for (k = 0; k < ne; k++) {
			if (e[k].at != i)
				continue;
			replaced |= e[k].replace;
			memcpy(buf + len, e[k].rec, e[k].len);
			len += e[k].len;
		}
		if (!replaced) {
			memcpy(buf + len, rec_at(self, i), self->recs[i].len);
			len += self->recs[i].len;
		}
	}
	ckpt_image_fix_csum(&(struct ckpt_image){ buf, len });
	*plen = len;
	return buf;
}

/*
 * A copy of record @i with @add more bytes (h.len too), zero but for a
 * byte 0x5a at @nz of them (< 0: none); malloc()ed.
 */
static unsigned char *grown_rec(FIXTURE_DATA(image) *self, int i, size_t add,
				long nz)
{
	size_t len = self->recs[i].len;
	unsigned char *r = calloc(1, len + add);

	if (!r)
		return NULL;
	memcpy(r, rec_at(self, i), len);
	((struct ckpt_hdr *)r)->len = len + add;
	if (nz >= 0)
		r[len + nz] = 0x5a;
	return r;
}

static off_t log_size(void)
{
	struct stat st;

	return stat(ck.log, &st) ? 0 : st.st_size;
}

/* What the log got from offset @from on (log_size()), NUL terminated */
static void log_since(off_t from, char *buf, size_t size)
{
	int fd = open(ck.log, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, size - 1, from);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/*
 * Restart the image with @ne edits: refused with @err and a line in the
 * log, or (@err 0) the victim resumes intact.
 */
static void expect_edit_err(struct __test_metadata *_metadata,
			    FIXTURE_DATA(image) *self, const struct edit *e,
			    int ne, int err, const char *what)
{
	off_t logged = log_size();
	unsigned char *buf;
	struct trial t;
	size_t len;

	buf = edit_image(self, e, ne, &len);
	ASSERT_NE(NULL, buf);
	try_image(self, buf, len, &t);
	free(buf);
	if (!err) {
		EXPECT_EQ((int)OUT_RESUMED, (int)t.out) {
			TH_LOG("%s: %s %s", what, outcome_name[t.out],
			       t.out == OUT_ERROR ? strerrorname_np(t.err) ?: "?" : "");
			ck_dump(_metadata, what, t.status);
		}
		return;
	}
	EXPECT_TRUE(t.out == OUT_ERROR && t.err == err) {
		TH_LOG("%s: %s %s, expected %s", what, outcome_name[t.out],
		       t.out == OUT_ERROR ? strerrorname_np(t.err) ?: "?" : "",
		       strerrorname_np(err));
		ck_dump(_metadata, what, t.status);
	}
	/* no wording: that restart() said something */
	EXPECT_LT(logged, log_size()) TH_LOG("%s: nothing logged", what);
}

/*
 * Restart the image with @ne edits: refused with EINVAL and a line in
 * the log (@refused), or the victim resumes intact.
 */
static void expect_edit(struct __test_metadata *_metadata,
			FIXTURE_DATA(image) *self, const struct edit *e,
			int ne, bool refused, const char *what)
{
	expect_edit_err(_metadata, self, e, ne, refused ? EINVAL : 0, what);
}

/* Record @i with @add bytes more (see grown_rec()), restarted */
static void expect_grown(struct __test_metadata *_metadata,
			 FIXTURE_DATA(image) *self, int i, size_t add, long nz,
			 bool refused, const char *what)
{
	unsigned char *r = grown_rec(self, i, add, nz);
	struct edit e = { i, true, r, self->recs[i].len + add };
	char msg[160];

	ASSERT_NE(NULL, r);
	snprintf(msg, sizeof(msg), "%s (record %d, len %u) %s", what, i,
		 self->recs[i].len, refused ? "refused" : "read");
	expect_edit(_metadata, self, &e, 1, refused, msg);
	free(r);
}

/* Record @i with @size bytes at @off set to @val, restarted */
static void expect_field(struct __test_metadata *_metadata,
			 FIXTURE_DATA(image) *self, int i, size_t off,
			 size_t size, uint64_t val, bool refused,
			 const char *what)
{
	unsigned char *r = grown_rec(self, i, 0, -1);
	struct edit e = { i, true, r, self->recs[i].len };

	ASSERT_NE(NULL, r);
	ASSERT_LE(off + size, (size_t)self->recs[i].len);
	memcpy(r + off, &val, size);
	expect_edit(_metadata, self, &e, 1, refused, what);
	free(r);
}

#define FIELD(s, m)	offsetof(struct s, m), sizeof(((struct s *)0)->m)

/* The first record of @type, or -1 */
static int first_rec(FIXTURE_DATA(image) *self, uint32_t type)
{
	int i;

	for (i = 0; i < self->nr; i++)
		if (self->recs[i].type == type)
			return i;
	return -1;
}

static const char *const ftype_name[CKPT_FILE_MAX] = {
	[CKPT_FILE_REG] = "REG", [CKPT_FILE_DIR] = "DIR",
	[CKPT_FILE_CHR] = "CHR", [CKPT_FILE_INHERITED] = "INHERITED",
	[CKPT_FILE_PIPE] = "PIPE", [CKPT_FILE_FIFO] = "FIFO",
	[CKPT_FILE_EVENTFD] = "EVENTFD", [CKPT_FILE_EPOLL] = "EPOLL",
	[CKPT_FILE_SIGNALFD] = "SIGNALFD", [CKPT_FILE_TIMERFD] = "TIMERFD",
	[CKPT_FILE_INOTIFY] = "INOTIFY", [CKPT_FILE_UNIX] = "UNIX",
	[CKPT_FILE_MEMFD] = "MEMFD", [CKPT_FILE_DELETED] = "DELETED",
	[CKPT_FILE_PIDFD] = "PIDFD", [CKPT_FILE_PROC] = "PROC",
	[CKPT_FILE_INET] = "INET",
};

/* the victim's kinds of file (no FIFO) */
static const uint32_t victim_ftypes[] = {
	CKPT_FILE_REG, CKPT_FILE_DIR, CKPT_FILE_CHR, CKPT_FILE_INHERITED,
	CKPT_FILE_PIPE,
};

/*
 * TASK, FILE, the type records of a file and INODE are extensible:
 * longer than the struct, up to CKPT_REC_EXT_MAX, with zeroes past it
 * (what a newer kernel with a field more writes when the field is not in
 * use), they are read as the struct, and the victim resumes intact - one
 * at a time, the FILE records of every kind of file, and all of them at
 * once.
 */
TEST_F_TIMEOUT(image, extensible_records_longer_with_zeroes, 2 * CK_TIMEOUT)
{
	static const uint32_t ext[] = {
		CKPT_HDR_TASK, CKPT_HDR_FILE, CKPT_HDR_FILE_CHR,
		CKPT_HDR_FILE_INHERIT, CKPT_HDR_FILE_PIPE, CKPT_HDR_INODE,
	};
	unsigned char *grown[MAX_RECS];
	struct edit *all;
	unsigned int k;
	char what[96];
	int i, n = 0;

	make_victim(_metadata, self, (void *)1);
	for (k = 0; k < ARRAY_SIZE(victim_ftypes); k++) {
		i = find_file(self, victim_ftypes[k], 0);
		ASSERT_LE(0, i) TH_LOG("no %s FILE", ftype_name[victim_ftypes[k]]);
		snprintf(what, sizeof(what), "FILE (%s) + 8 zero bytes",
			 ftype_name[victim_ftypes[k]]);
		expect_grown(_metadata, self, i, 8, -1, false, what);
	}
	for (k = 0; k < ARRAY_SIZE(ext); k++) {
		i = first_rec(self, ext[k]);
		ASSERT_LE(0, i) TH_LOG("no %s record", ckpt_hdr_name(ext[k]));
		snprintf(what, sizeof(what), "%s + 8 zero bytes",
			 ckpt_hdr_name(ext[k]));
		expect_grown(_metadata, self, i, 8, -1, false, what);
		snprintf(what, sizeof(what), "%s of CKPT_REC_EXT_MAX, zero tail",
			 ckpt_hdr_name(ext[k]));
		expect_grown(_metadata, self, i,
			     CKPT_REC_EXT_MAX - self->recs[i].len, -1, false,
			     what);
	}

	/* every extensible record 8 bytes longer */
	all = calloc(self->nr, sizeof(*all));
	ASSERT_NE(NULL, all);
	for (i = 0; i < self->nr; i++) {
		if (!ckpt_hdr_extensible(self->recs[i].type))
			continue;
		grown[n] = grown_rec(self, i, 8, -1);
		ASSERT_NE(NULL, grown[n]);
		all[n] = (struct edit){ i, true, grown[n],
					self->recs[i].len + 8 };
		n++;
	}
	EXPECT_LE(ARRAY_SIZE(victim_ftypes) + 4, (size_t)n);
	expect_edit(_metadata, self, all, n, false,
		    "every extensible record + 8 zero bytes");
	while (n--)
		free(grown[n]);
	free(all);
	check_no_splat(_metadata, self);
}

/*
 * A byte that is not zero past the struct is a field this kernel does not
 * know, in use: EINVAL, whatever the byte, and so is a record longer than
 * CKPT_REC_EXT_MAX.
 */
TEST_F_TIMEOUT(image, extensible_records_nonzero_tail_refused, 2 * CK_TIMEOUT)
{
	static const uint32_t ext[] = {
		CKPT_HDR_TASK, CKPT_HDR_FILE_CHR, CKPT_HDR_FILE_INHERIT,
		CKPT_HDR_FILE_PIPE, CKPT_HDR_INODE,
	};
	unsigned int k;
	char what[96];
	int i;

	make_victim(_metadata, self, (void *)1);
	for (k = 0; k < ARRAY_SIZE(victim_ftypes); k++) {
		i = find_file(self, victim_ftypes[k], 0);
		ASSERT_LE(0, i) TH_LOG("no %s FILE", ftype_name[victim_ftypes[k]]);
		snprintf(what, sizeof(what), "FILE (%s) + 8 bytes, the first not zero",
			 ftype_name[victim_ftypes[k]]);
		expect_grown(_metadata, self, i, 8, 0, true, what);
	}
	i = find_file(self, CKPT_FILE_REG, 0);
	expect_grown(_metadata, self, i, 8, 7, true,
		     "FILE + 8 bytes, the last not zero");
	expect_grown(_metadata, self, i, CKPT_REC_EXT_MAX - self->recs[i].len,
		     CKPT_REC_EXT_MAX - self->recs[i].len - 1, true,
		     "FILE of CKPT_REC_EXT_MAX, its last byte not zero");
	expect_grown(_metadata, self, i,
		     CKPT_REC_EXT_MAX + 8 - self->recs[i].len, -1, true,
		     "FILE of CKPT_REC_EXT_MAX + 8, zero tail");
	for (k = 0; k < ARRAY_SIZE(ext); k++) {
		i = first_rec(self, ext[k]);
		ASSERT_LE(0, i) TH_LOG("no %s record", ckpt_hdr_name(ext[k]));
		snprintf(what, sizeof(what), "%s + 8 bytes, the first not zero",
			 ckpt_hdr_name(ext[k]));
		expect_grown(_metadata, self, i, 8, 0, true, what);
		snprintf(what, sizeof(what), "%s + 8 bytes, the last not zero",
			 ckpt_hdr_name(ext[k]));
		expect_grown(_metadata, self, i, 8, 7, true, what);
		snprintf(what, sizeof(what), "%s of CKPT_REC_EXT_MAX + 8, zero tail",
			 ckpt_hdr_name(ext[k]));
		expect_grown(_metadata, self, i,
			     CKPT_REC_EXT_MAX + 8 - self->recs[i].len, -1, true,
			     what);
	}
	check_no_splat(_metadata, self);
}

/*
 * A STRING record is not extensible: its len, with the NUL, and h.len
 * agree exactly, the NUL is at len - 1 and nowhere before, and a path
 * starts with '/'. Each broken, in the path of a regular file, of a
 * directory and of /dev/null: EINVAL.
 */
TEST_F_TIMEOUT(image, string_records_malformed, 2 * CK_TIMEOUT)
{
	static const uint32_t owners[] = {
		CKPT_FILE_REG, CKPT_FILE_DIR, CKPT_FILE_CHR,
	};
	const size_t hs = sizeof(struct ckpt_hdr_string);
	const struct ckpt_hdr_string *st;
	unsigned int k;
	char what[96];
	int f, i;

	for (k = 0; k < ARRAY_SIZE(owners); k++) {
		const char *o = ftype_name[owners[k]];

		f = find_file(self, owners[k], 0);
		ASSERT_LE(0, f) TH_LOG("no %s FILE", o);
		i = file_part(self, f, CKPT_HDR_STRING);
		ASSERT_LE(0, i) TH_LOG("no STRING after the %s FILE", o);
		ASSERT_NE(NULL, string_at(self, i));
		st = rec_at(self, i);
		ASSERT_LE(2U, st->len);

		snprintf(what, sizeof(what), "STRING of %s: no NUL", o);
		expect_field(_metadata, self, i, hs + st->len - 1, 1, 'x',
			     true, what);
		snprintf(what, sizeof(what), "STRING of %s: a NUL inside", o);
		expect_field(_metadata, self, i, hs + st->len / 2, 1, 0,
			     true, what);
		snprintf(what, sizeof(what), "STRING of %s: h.len 8 more", o);
		expect_grown(_metadata, self, i, 8, -1, true, what);
		snprintf(what, sizeof(what), "STRING of %s: len 8 more", o);
		expect_field(_metadata, self, i, FIELD(ckpt_hdr_string, len),
			     st->len + 8, true, what);
		snprintf(what, sizeof(what), "STRING of %s: len 0", o);
		expect_field(_metadata, self, i, FIELD(ckpt_hdr_string, len),
			     0, true, what);
		snprintf(what, sizeof(what), "STRING of %s: __reserved", o);
		expect_field(_metadata, self, i,
			     FIELD(ckpt_hdr_string, __reserved), 1, true, what);
		snprintf(what, sizeof(what), "STRING of %s: a relative path", o);
		expect_field(_metadata, self, i, hs, 1, 'x', true, what);
	}
	check_no_splat(_metadata, self);
}

/* Do files of types @a and @b have the same records after FILE? */
static bool same_records(uint32_t a, uint32_t b)
{
	const uint32_t *ra = file_records(a), *rb = file_records(b);

	while (*ra && *ra == *rb) {
		ra++;
		rb++;
	}
	return *ra == *rb;
}

/*
 * Type records left out, in the wrong order, or where they do not belong:
 * @si the STRING of a regular file, @ci the FILE_CHR of /dev/null, @ii
 * the FILE_INHERIT of the report pipe, @pi the FILE_PIPE of the first end
 * of the pipe (FILE PIPE FILE_PIPE), @fs the FS record (before every
 * FILE).
 */
static void misplaced_records(struct __test_metadata *_metadata,
			      FIXTURE_DATA(image) *self, int si, int ci,
			      int ii, int pi, int fs)
{
	/* the PIPE record, right before the FILE_PIPE of the first end */
	const int pp = pi - 1, fp = pi - 2;
	const void *pipe = rec_at(self, pp);
	const size_t plen = self->recs[pp].len;
	const struct edit e[][2] = {
		/* the PIPE before the FILE of its first end (version 2) */
		{ { pp, true, NULL, 0 }, { fp, false, pipe, plen } },
		/* the PIPE after the FILE_PIPE that names it */
		{ { pp, true, NULL, 0 }, { pi + 1, false, pipe, plen } },
		/* a regular file without its path */
		{ { si, true, NULL, 0 } },
		/* /dev/null without its device */
		{ { ci, true, NULL, 0 } },
		/* /dev/null with its path before its device */
		{ { ci, true, NULL, 0 },
		  { ci + 2, false, rec_at(self, ci), self->recs[ci].len } },
		/* an inherited file with a path too */
		{ { ii + 1, false, rec_at(self, si), self->recs[si].len } },
		/* a regular file inherited too */
		{ { si + 1, false, rec_at(self, ii), self->recs[ii].len } },
		/* a pipe end with a path, as a FIFO has */
		{ { pi + 1, false, rec_at(self, si), self->recs[si].len } },
		/* /dev/null with a pipe */
		{ { ci, false, rec_at(self, pi), self->recs[pi].len } },
		/* a path, a pipe, an inherited fd with no FILE */
		{ { fs + 1, false, rec_at(self, si), self->recs[si].len } },
		{ { fs + 1, false, rec_at(self, pi), self->recs[pi].len } },
		{ { fs + 1, false, rec_at(self, ii), self->recs[ii].len } },
	};
	static const char *const names[] = {
		"PIPE before the FILE of its end", "PIPE after the FILE_PIPE",
		"REG without STRING", "CHR without FILE_CHR",
		"CHR: STRING before FILE_CHR", "INHERITED with a STRING",
		"REG with a FILE_INHERIT", "PIPE with a STRING",
		"CHR with a FILE_PIPE", "STRING without a FILE",
		"FILE_PIPE without a FILE", "FILE_INHERIT without a FILE",
	};
	unsigned int k;

	ASSERT_EQ((uint32_t)CKPT_HDR_PIPE, self->recs[pp].type);
	ASSERT_EQ((uint32_t)CKPT_HDR_FILE, self->recs[fp].type);
	for (k = 0; k < ARRAY_SIZE(e); k++)
		expect_edit(_metadata, self, e[k], e[k][1].rec ? 2 : 1, true,
			    names[k]);
}

/*
 * A FILE record must be followed by the records of its type, no fewer,
 * no others: a FILE of each kind given every type whose records differ,
 * type records left out, swapped, or added where they do not belong.
 */
TEST_F_TIMEOUT(image, file_records_out_of_sequence, 2 * CK_TIMEOUT)
{
	const struct ckpt_hdr_file *f;
	int fi, fc, fp, fd, si, ci, ii, pi, fs;
	unsigned int k;
	uint32_t type;
	char what[96];

	make_victim(_metadata, self, (void *)1);
	for (k = 0; k < ARRAY_SIZE(victim_ftypes); k++) {
		fi = find_file(self, victim_ftypes[k], 0);
		ASSERT_LE(0, fi);
		f = rec_at(self, fi);
		for (type = 1; type < CKPT_FILE_MAX; type++) {
			if (same_records(type, f->type))
				continue;
			snprintf(what, sizeof(what), "FILE (%s) of type %s",
				 ftype_name[f->type], ftype_name[type]);
			expect_field(_metadata, self, fi,
				     FIELD(ckpt_hdr_file, type), type, true,
				     what);
		}
	}

	fi = find_file(self, CKPT_FILE_REG, 0);
	fc = find_file(self, CKPT_FILE_CHR, 0);
	fd = find_file(self, CKPT_FILE_INHERITED, 0);
	fp = find_file(self, CKPT_FILE_PIPE, 0);
	si = file_part(self, fi, CKPT_HDR_STRING);
	ci = file_part(self, fc, CKPT_HDR_FILE_CHR);
	ii = file_part(self, fd, CKPT_HDR_FILE_INHERIT);
	pi = file_part(self, fp, CKPT_HDR_FILE_PIPE);
	fs = first_rec(self, CKPT_HDR_FS);
	ASSERT_TRUE(si > 0 && ci > 0 && ii > 0 && pi > 0 && fs > 0);
	misplaced_records(_metadata, self, si, ci, ii, pi, fs);
	check_no_splat(_metadata, self);
}

/*
 * The fields of FILE and of its type records, each given a value its
 * record may not have: EINVAL.
 */
TEST_F_TIMEOUT(image, file_record_fields_rejected, 2 * CK_TIMEOUT)
{
	int reg, dir, chr, inh, p0, p1, c, ih, pp;
	const struct ckpt_hdr_file *f;
	uint32_t flags;

	make_victim(_metadata, self, (void *)1);
	reg = find_file(self, CKPT_FILE_REG, 0);
	dir = find_file(self, CKPT_FILE_DIR, 0);
	chr = find_file(self, CKPT_FILE_CHR, 0);
	inh = find_file(self, CKPT_FILE_INHERITED, 0);
	p0 = find_file(self, CKPT_FILE_PIPE, 0);
	p1 = find_file(self, CKPT_FILE_PIPE, 1);
	ASSERT_TRUE(reg >= 0 && dir >= 0 && chr >= 0 && inh >= 0 &&
		    p0 >= 0 && p1 >= 0);
	c = file_part(self, chr, CKPT_HDR_FILE_CHR);
	ih = file_part(self, inh, CKPT_HDR_FILE_INHERIT);
	pp = file_part(self, p0, CKPT_HDR_FILE_PIPE);
	ASSERT_TRUE(c >= 0 && ih >= 0 && pp >= 0);

	/* FILE: what every file has */
	expect_field(_metadata, self, reg, FIELD(ckpt_hdr_file, objref), 0,
		     true, "FILE.objref 0");
	f = rec_at(self, dir);
	expect_field(_metadata, self, reg, FIELD(ckpt_hdr_file, objref),
		     f->objref, true, "FILE.objref of another FILE");
	expect_field(_metadata, self, reg, FIELD(ckpt_hdr_file, type), 0,
		     true, "FILE.type 0");
	expect_field(_metadata, self, reg, FIELD(ckpt_hdr_file, type),
		     CKPT_FILE_MAX, true, "FILE.type CKPT_FILE_MAX");
	/* inode_objref: an INODE, of a regular file or a directory only */
	f = rec_at(self, chr);
	expect_field(_metadata, self, reg, FIELD(ckpt_hdr_file, inode_objref),
		     f->objref, true, "FILE (REG).inode_objref of a FILE");
	expect_field(_metadata, self, reg, FIELD(ckpt_hdr_file, inode_objref),
		     0xffff, true, "FILE (REG).inode_objref of nothing");
	f = rec_at(self, reg);
	expect_field(_metadata, self, p0, FIELD(ckpt_hdr_file, inode_objref),
		     f->inode_objref, true, "FILE (PIPE).inode_objref of an INODE");
	expect_field(_metadata, self, chr, FIELD(ckpt_hdr_file, inode_objref),
		     f->inode_objref, true, "FILE (CHR).inode_objref of an INODE");
	expect_field(_metadata, self, reg, FIELD(ckpt_hdr_file, pos),
		     (uint64_t)-1, true, "FILE (REG).pos -1");
	expect_field(_metadata, self, inh, FIELD(ckpt_hdr_file, pos), 1, true,
		     "FILE (INHERITED).pos 1");
	expect_field(_metadata, self, p0, FIELD(ckpt_hdr_file, pos), 1, true,
		     "FILE (PIPE).pos 1");
	f = rec_at(self, p0);
	flags = f->f_flags;
	expect_field(_metadata, self, p0, FIELD(ckpt_hdr_file, f_flags),
		     (flags & ~O_ACCMODE) | O_RDWR, true,
		     "FILE (PIPE).f_flags O_RDWR");
	expect_field(_metadata, self, p0, FIELD(ckpt_hdr_file, f_flags),
		     flags | O_APPEND, true, "FILE (PIPE).f_flags O_APPEND");
	/* both ends of the pipe the same end */
	expect_field(_metadata, self, p1, FIELD(ckpt_hdr_file, f_flags),
		     flags, true, "FILE (PIPE): the same end twice");

	/* FILE_CHR: only the memory devices */
	expect_field(_metadata, self, c, FIELD(ckpt_hdr_file_chr, rdev),
		     (1 << 8) | 1, true, "FILE_CHR.rdev (1, 1) /dev/mem");
	expect_field(_metadata, self, c, FIELD(ckpt_hdr_file_chr, rdev),
		     (1 << 8) | 4, true, "FILE_CHR.rdev (1, 4) /dev/port");
	expect_field(_metadata, self, c, FIELD(ckpt_hdr_file_chr, rdev),
		     5 << 8, true, "FILE_CHR.rdev (5, 0) /dev/tty");
	expect_field(_metadata, self, c, FIELD(ckpt_hdr_file_chr, rdev), 0,
		     true, "FILE_CHR.rdev 0");
	/* a memory device, not the one the path leads to */
	expect_field(_metadata, self, c, FIELD(ckpt_hdr_file_chr, rdev),
		     (1 << 8) | 5, true, "FILE_CHR.rdev (1, 5) for /dev/null");

	/* FILE_INHERIT */
	expect_field(_metadata, self, ih, FIELD(ckpt_hdr_file_inherit, fd),
		     CKPT_MAX_FDS, true, "FILE_INHERIT.fd CKPT_MAX_FDS");
	expect_field(_metadata, self, ih, FIELD(ckpt_hdr_file_inherit, fd),
		     0xffffffff, true, "FILE_INHERIT.fd ~0");
	expect_field(_metadata, self, ih, FIELD(ckpt_hdr_file_inherit, kind),
		     0, true, "FILE_INHERIT.kind 0");
	expect_field(_metadata, self, ih, FIELD(ckpt_hdr_file_inherit, kind),
		     CKPT_INHERIT_MAX, true, "FILE_INHERIT.kind CKPT_INHERIT_MAX");

	/* FILE_PIPE: a PIPE record read before */
	expect_field(_metadata, self, pp, FIELD(ckpt_hdr_file_pipe, pipe_objref),
		     0, true, "FILE_PIPE.pipe_objref 0");
	f = rec_at(self, reg);
	expect_field(_metadata, self, pp, FIELD(ckpt_hdr_file_pipe, pipe_objref),
		     f->objref, true, "FILE_PIPE.pipe_objref of a FILE");
	expect_field(_metadata, self, pp, FIELD(ckpt_hdr_file_pipe, pipe_objref),
		     0xffff, true, "FILE_PIPE.pipe_objref of nothing");
	expect_field(_metadata, self, pp, FIELD(ckpt_hdr_file_pipe, __reserved),
		     1, true, "FILE_PIPE.__reserved");
	check_no_splat(_metadata, self);
}

/* ---- epoll: FILE_EPOLL, and the late record EPOLL_ITEMS ---------------- */

/* The FILE record of the victim's fd @fd (by its FDTABLE), or -1 */
static int file_of_fd(FIXTURE_DATA(image) *self, uint32_t fd)
{
	const struct ckpt_hdr_fdtable *h;
	const struct ckpt_fd *e;
	int t = first_rec(self, CKPT_HDR_FDTABLE);
	uint32_t k;

	if (t < 0)
		return -1;
	h = rec_at(self, t);
	e = (const void *)(h + 1);
	for (k = 0; k < h->nr_fds; k++)
		if (e[k].fd == fd)
			return find_objref(self, e[k].objref);
	return -1;
}

static uint32_t objref_of(FIXTURE_DATA(image) *self, int i)
{
	return ((const struct ckpt_hdr_file *)rec_at(self, i))->objref;
}

/* The EPOLL_ITEMS record of the epoll instance of objref @ref, or -1 */
static int items_of(FIXTURE_DATA(image) *self, uint32_t ref)
{
	int i;

	for (i = 0; i < self->nr; i++)
		if (self->recs[i].type == CKPT_HDR_EPOLL_ITEMS &&
		    ((const struct ckpt_hdr_epoll_items *)rec_at(self, i))->objref == ref)
			return i;
	return -1;
}

/* The items of the EPOLL_ITEMS record @i */
static const struct ckpt_epoll_item *items_at(FIXTURE_DATA(image) *self, int i)
{
	return (const void *)((const struct ckpt_hdr_epoll_items *)rec_at(self, i) + 1);
}

/* The item with @data of the EPOLL_ITEMS record @i, or -1 */
static int item_of(FIXTURE_DATA(image) *self, int i, uint64_t data)
{
	const struct ckpt_hdr_epoll_items *h = rec_at(self, i);
	uint32_t k;

	for (k = 0; k < h->nr_items; k++)
		if (items_at(self, i)[k].data == data)
			return k;
	return -1;
}

/* offset and size of field @m of item @k, in an EPOLL_ITEMS record */
#define ITEM(k, m)	sizeof(struct ckpt_hdr_epoll_items) + \
			(k) * sizeof(struct ckpt_epoll_item) + \
			offsetof(struct ckpt_epoll_item, m), \
			sizeof(((struct ckpt_epoll_item *)0)->m)

/* Record @i with @size bytes at @off set to @val: refused with @err */
static void expect_field_err(struct __test_metadata *_metadata,
			     FIXTURE_DATA(image) *self, int i, size_t off,
			     size_t size, uint64_t val, int err,
			     const char *what)
{
	unsigned char *r = grown_rec(self, i, 0, -1);
	struct edit e = { i, true, r, self->recs[i].len };

	ASSERT_NE(NULL, r);
	ASSERT_LE(off + size, (size_t)self->recs[i].len);
	memcpy(r + off, &val, size);
	expect_edit_err(_metadata, self, &e, 1, err, what);
	free(r);
}

/*
 * The EPOLL_ITEMS record @i with one item more, @it (the record given as
 * @rec, or the image's): refused with @err
 */
static void expect_item_added(struct __test_metadata *_metadata,
			      FIXTURE_DATA(image) *self, int i,
			      const struct ckpt_epoll_item *it, int err,
			      const char *what)
{
	unsigned char *r = grown_rec(self, i, sizeof(*it), -1);
	struct ckpt_hdr_epoll_items *h = (void *)r;
	struct edit e = { i, true, r, self->recs[i].len + sizeof(*it) };

	ASSERT_NE(NULL, r);
	memcpy((struct ckpt_epoll_item *)(h + 1) + h->nr_items, it, sizeof(*it));
	h->nr_items++;
	expect_edit_err(_metadata, self, &e, 1, err, what);
	free(r);
}

/*
 * restart(RESTART_VALIDATE | @flags) of the image with @ne edits, by the
 * test process: 0, or the errno (the log gets its lines)
 */
static int validate_edit_flags(FIXTURE_DATA(image) *self,
			       const struct edit *e, int ne,
			       unsigned long flags)
{
	unsigned char *buf;
	int fd, logfd, err = 0;
	size_t len;

	buf = edit_image(self, e, ne, &len);
	if (!buf)
		return ENOMEM;
	fd = open(self->mut, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	logfd = open(ck.log, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len ||
	    lseek(fd, 0, SEEK_SET) != 0)
		err = EIO;
	else if (syscall(__NR_restart, 0, fd, RESTART_VALIDATE | flags, logfd))
		err = errno;
	if (fd >= 0)
		close(fd);
	if (logfd >= 0)
		close(logfd);
	free(buf);
	return err;
}

static int validate_edit(FIXTURE_DATA(image) *self, const struct edit *e,
			 int ne)
{
	return validate_edit_flags(self, e, ne, 0);
}

/* A program of CK_UNPRIV_UID, with an epoll set: an eventfd (data 0x22) */
static void epoll_unpriv_body(void *arg)
{
	uint64_t one = 1;

	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	CK_ASSERT(ck_move_fd(eventfd(0, EFD_NONBLOCK), 35) == 35 &&
		  ck_move_fd(epoll_create1(0), VICTIM_EP_A) == VICTIM_EP_A &&
		  !ep_add(VICTIM_EP_A, 35, EPOLLIN, 0x22), "epoll set");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	if (getuid() != CK_UNPRIV_UID || strcmp(ck_ep_ready(VICTIM_EP_A), "") ||
	    write(35, &one, 8) != 8 || strcmp(ck_ep_ready(VICTIM_EP_A), "22:1"))
		ck_report("RESUMED altered: epoll");
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/*
 * An epoll instance A with items (a pipe end, an edge-triggered eventfd,
 * a one-shot item that fired, a nested instance B with an item of its
 * own): its FILE, FILE_EPOLL and late EPOLL_ITEMS records damaged,
 * misplaced or left out, checksum fixed: refused with EINVAL and a log
 * line; EPOLLWAKEUP for a restarter without CAP_BLOCK_SUSPEND, EPERM. The
 * image as written, and the orders restart takes (a late record earlier
 * among the FILE records, after its targets; a target's FILE records
 * right before the late record, as checkpoint writes a target whose fd
 * was closed; the items in another order), resume with the sets working.
 * An item on an inherited fd is added on the restarter's file; when the
 * restarter leaves that fd closed, the item is dropped with a log line
 * naming the fd ("fd 41") and the restart goes on (the victim finds no
 * item for that fd), and restart(RESTART_VALIDATE), which never looks at
 * the restarter's fds, takes the image.
 */
TEST_F_TIMEOUT(image, epoll_records_damaged, 3 * CK_TIMEOUT)
{
	const size_t hs = sizeof(struct ckpt_hdr_epoll_items);
	const size_t is = sizeof(struct ckpt_epoll_item);
	int ea, eb, fea, feb, ia, ib, fdt, efd, inh, nul, pp, k;
	int k11, k22, k33, k44;
	const struct ckpt_epoll_item *it;
	struct ckpt_epoll_item one;
	uint32_t ra, rb, ev11;
	char text[1024], fdnum[16];
	unsigned char *r;
	struct trial t;
	off_t logged;

	try_inh = INH_EVENTFD;
	make_victim(_metadata, self, VICTIM_EPOLL);
	ea = file_of_fd(self, VICTIM_EP_A);
	eb = file_of_fd(self, VICTIM_EP_B);
	efd = file_of_fd(self, 35);
	inh = file_of_fd(self, VICTIM_INH_FD);
	nul = file_of_fd(self, 31);
	pp = first_rec(self, CKPT_HDR_PIPE);
	fdt = first_rec(self, CKPT_HDR_FDTABLE);
	ASSERT_TRUE(ea >= 0 && eb >= 0 && efd >= 0 && inh >= 0 && nul >= 0 &&
		    pp >= 0 && fdt >= 0);
	ASSERT_EQ((uint32_t)CKPT_FILE_EPOLL,
		  ((const struct ckpt_hdr_file *)rec_at(self, ea))->type);
	ASSERT_EQ((uint32_t)CKPT_FILE_EPOLL,
		  ((const struct ckpt_hdr_file *)rec_at(self, eb))->type);
	ASSERT_EQ((uint32_t)CKPT_FILE_INHERITED,
		  ((const struct ckpt_hdr_file *)rec_at(self, inh))->type);
	EXPECT_EQ((uint32_t)(O_RDWR | O_NONBLOCK),
		  ((const struct ckpt_hdr_file *)rec_at(self, ea))->f_flags);
	fea = file_part(self, ea, CKPT_HDR_FILE_EPOLL);
	feb = file_part(self, eb, CKPT_HDR_FILE_EPOLL);
	ra = objref_of(self, ea);
	rb = objref_of(self, eb);
	ia = items_of(self, ra);
	ib = items_of(self, rb);
	/* after the FILE records of every fd, in the order of the files */
	ASSERT_TRUE(fea == ea + 1 && feb == eb + 1 && ia > inh && ib == ia + 1 &&
		    fdt == ib + 1)
		TH_LOG("records: A %d, B %d, the inherited fd %d, A's items %d, B's %d, FDTABLE %d",
		       ea, eb, inh, ia, ib, fdt);
	ASSERT_EQ(hs + 4 * is, (size_t)self->recs[ia].len);
	ASSERT_EQ(hs + is, (size_t)self->recs[ib].len);
	k11 = item_of(self, ia, 0x11);
	k22 = item_of(self, ia, 0x22);
	k33 = item_of(self, ia, 0x33);
	k44 = item_of(self, ia, 0x44);
	ASSERT_TRUE(k11 >= 0 && k22 >= 0 && k33 >= 0 && k44 >= 0);
	it = items_at(self, ia);
	ev11 = it[k11].events;
	EXPECT_EQ((uint32_t)(EPOLLIN | EPOLLERR | EPOLLHUP), ev11);
	EXPECT_EQ((uint32_t)(EPOLLIN | EPOLLET | EPOLLERR | EPOLLHUP),
		  it[k22].events);
	/* fired: nothing but its private bits */
	EXPECT_EQ((uint32_t)EPOLLONESHOT, it[k33].events);
	EXPECT_EQ(rb, it[k44].objref);
	EXPECT_EQ((uint32_t)VICTIM_EP_B, it[k44].fd);
	EXPECT_EQ(objref_of(self, efd), it[k22].objref);

	/* the image as written */
	try_image(self, self->img.data, self->img.len, &t);
	EXPECT_EQ((int)OUT_RESUMED, (int)t.out) {
		TH_LOG("intact image with epoll sets: %s", outcome_name[t.out]);
		ck_dump(_metadata, "restart", t.status);
	}

	/* FILE and FILE_EPOLL */
	expect_field(_metadata, self, fea, FIELD(ckpt_hdr_file_epoll, __reserved),
		     1, true, "FILE_EPOLL.__reserved");
	expect_field(_metadata, self, ea, FIELD(ckpt_hdr_file, f_flags),
		     O_RDONLY | O_NONBLOCK, true, "FILE (EPOLL).f_flags O_RDONLY");
	expect_field(_metadata, self, ea, FIELD(ckpt_hdr_file, f_flags),
		     O_WRONLY, true, "FILE (EPOLL).f_flags O_WRONLY");
	expect_field(_metadata, self, ea, FIELD(ckpt_hdr_file, f_flags),
		     O_RDWR | O_APPEND, true, "FILE (EPOLL).f_flags O_APPEND");
	expect_field(_metadata, self, ea, FIELD(ckpt_hdr_file, pos), 1, true,
		     "FILE (EPOLL).pos 1");

	/* where the late record is */
	{
		const void *ra_rec = rec_at(self, ia), *rb_rec = rec_at(self, ib);
		const size_t la = self->recs[ia].len, lb = self->recs[ib].len;
		const struct edit e[][2] = {
			{ { ia, true, NULL, 0 } },
			{ { ib, false, ra_rec, la } },
			/* A's before the FILE of B, one of its targets */
			{ { ia, true, NULL, 0 }, { eb, false, ra_rec, la } },
			/* B's before the FILE of B */
			{ { ib, true, NULL, 0 }, { eb, false, rb_rec, lb } },
			/* B's between the FILE of B and its FILE_EPOLL */
			{ { ib, true, NULL, 0 }, { feb, false, rb_rec, lb } },
			/* A's after the FDTABLE */
			{ { ia, true, NULL, 0 }, { fdt + 1, false, ra_rec, la } },
			/* A's where B's is due, B's twice */
			{ { ia, true, rb_rec, lb } },
		};
		static const char *const names[] = {
			"EPOLL_ITEMS of A left out", "EPOLL_ITEMS of A twice",
			"EPOLL_ITEMS of A before the FILE of its target B",
			"EPOLL_ITEMS of B before the FILE of B",
			"EPOLL_ITEMS of B between FILE and FILE_EPOLL",
			"EPOLL_ITEMS of A after the FDTABLE",
			"EPOLL_ITEMS of B twice, none for A",
		};

		for (k = 0; k < (int)ARRAY_SIZE(e); k++)
			expect_edit(_metadata, self, e[k], e[k][1].rec ? 2 : 1,
				    true, names[k]);
	}
	/* for a file that is no epoll set of this process */
	expect_field(_metadata, self, ia, FIELD(ckpt_hdr_epoll_items, objref),
		     objref_of(self, efd), true, "EPOLL_ITEMS for an eventfd");
	expect_field(_metadata, self, ia, FIELD(ckpt_hdr_epoll_items, objref),
		     ((const struct ckpt_hdr_pipe *)rec_at(self, pp))->objref,
		     true, "EPOLL_ITEMS for a PIPE record");
	expect_field(_metadata, self, ia, FIELD(ckpt_hdr_epoll_items, objref),
		     0xffff, true, "EPOLL_ITEMS for nothing");
	/* its length: exactly its items */
	expect_field(_metadata, self, ia, FIELD(ckpt_hdr_epoll_items, nr_items),
		     5, true, "EPOLL_ITEMS.nr_items + 1, len kept");
	expect_field(_metadata, self, ia, FIELD(ckpt_hdr_epoll_items, nr_items),
		     3, true, "EPOLL_ITEMS.nr_items - 1, len kept");
	expect_field(_metadata, self, ia, FIELD(ckpt_hdr_epoll_items, nr_items),
		     CKPT_MAX_EPOLL_ITEMS + 1, true,
		     "EPOLL_ITEMS.nr_items above CKPT_MAX_EPOLL_ITEMS");
	expect_grown(_metadata, self, ia, 8, -1, true,
		     "EPOLL_ITEMS + 8 zero bytes (not extensible)");
	expect_grown(_metadata, self, ia, is, -1, true,
		     "EPOLL_ITEMS + a zero item, nr_items kept");

	/* an item's fields */
	expect_field(_metadata, self, ia, ITEM(k11, __reserved), 1, true,
		     "item.__reserved");
	expect_field(_metadata, self, ia, ITEM(k11, fd), (uint32_t)INT_MAX + 1,
		     true, "item.fd above INT_MAX");
	expect_field(_metadata, self, ia, ITEM(k11, events), ev11 & ~EPOLLERR,
		     true, "item.events without EPOLLERR");
	expect_field(_metadata, self, ia, ITEM(k11, events), ev11 & ~EPOLLHUP,
		     true, "item.events without EPOLLHUP");
	expect_field(_metadata, self, ia, ITEM(k11, events), 0, true,
		     "item.events 0");
	expect_field(_metadata, self, ia, ITEM(k33, events), EPOLLET, true,
		     "item.events: private bits without EPOLLONESHOT");
	expect_field(_metadata, self, ia, ITEM(k33, events),
		     EPOLLONESHOT | EPOLLEXCLUSIVE, true,
		     "item.events: a fired one-shot item, EPOLLEXCLUSIVE");
	expect_field(_metadata, self, ia, ITEM(k11, events),
		     ev11 | EPOLLEXCLUSIVE | EPOLLPRI, true,
		     "item.events: EPOLLEXCLUSIVE with EPOLLPRI");
	expect_field(_metadata, self, ia, ITEM(k44, events),
		     it[k44].events | EPOLLEXCLUSIVE, true,
		     "item.events: EPOLLEXCLUSIVE on an epoll set");
	expect_field(_metadata, self, ia, ITEM(k22, objref), 0xffff, true,
		     "item.objref of nothing");
	expect_field(_metadata, self, ia, ITEM(k22, objref),
		     ((const struct ckpt_hdr_pipe *)rec_at(self, pp))->objref,
		     true, "item.objref of a PIPE record");
	expect_field(_metadata, self, ia, ITEM(k22, objref), ra, true,
		     "item on its own epoll set");
	expect_field(_metadata, self, ia, ITEM(k22, objref),
		     objref_of(self, nul), true,
		     "item on /dev/null, which cannot be polled");
	expect_item_added(_metadata, self, ia, &it[k11], EINVAL,
			  "the same item twice");
	/* B watching A, which watches B */
	expect_field(_metadata, self, ib, ITEM(0, objref), ra, true,
		     "a loop of epoll sets");

	/* what restart takes */
	{
		const void *rb_rec = rec_at(self, ib);
		const struct edit early[] = {
			{ ib, true, NULL, 0 },
			{ feb + 1, false, rb_rec, self->recs[ib].len },
		};
		const struct edit target[] = {
			{ efd, true, NULL, 0 }, { efd + 1, true, NULL, 0 },
			{ ia, false, rec_at(self, efd), self->recs[efd].len },
			{ ia, false, rec_at(self, efd + 1), self->recs[efd + 1].len },
		};

		ASSERT_EQ((uint32_t)CKPT_HDR_FILE_EVENTFD, self->recs[efd + 1].type);
		expect_edit(_metadata, self, early, ARRAY_SIZE(early), false,
			    "EPOLL_ITEMS of B right after B's FILE records");
		expect_edit(_metadata, self, target, ARRAY_SIZE(target), false,
			    "an eventfd's FILE records right before the EPOLL_ITEMS watching it");
	}
	/* the items in another order */
	r = grown_rec(self, ia, 0, -1);
	ASSERT_NE(NULL, r);
	one = ((struct ckpt_epoll_item *)(r + hs))[k11];
	((struct ckpt_epoll_item *)(r + hs))[k11] =
		((struct ckpt_epoll_item *)(r + hs))[k44];
	((struct ckpt_epoll_item *)(r + hs))[k44] = one;
	expect_edit(_metadata, self,
		    &(struct edit){ ia, true, r, self->recs[ia].len }, 1, false,
		    "EPOLL_ITEMS in another order");
	free(r);

	/* an item on an inherited fd: the restarter's file, or closed */
	one = (struct ckpt_epoll_item){
		.objref = objref_of(self, inh), .fd = VICTIM_INH_FD,
		.events = EPOLLIN | EPOLLERR | EPOLLHUP, .data = 0x55,
	};
	expect_item_added(_metadata, self, ia, &one, 0,
			  "an item on the inherited fd, which the restarter gives");
	try_inh = INH_CLOSED;
	logged = log_size();
	expect_item_added(_metadata, self, ia, &one, 0,
			  "an item on the inherited fd, which the restarter leaves closed: dropped");
	log_since(logged, text, sizeof(text));
	snprintf(fdnum, sizeof(fdnum), "fd %d", VICTIM_INH_FD);
	EXPECT_TRUE(strstr(text, fdnum) != NULL)
		TH_LOG("the item dropped for the closed fd %d: no log line names it (log: \"%.300s\")",
		       VICTIM_INH_FD, text);
	expect_edit(_metadata, self, NULL, 0, false,
		    "the image as written, the inherited fd left closed");
	try_inh = INH_NONE;
	/* validation takes it whatever the restarter will hand in */
	r = grown_rec(self, ia, is, -1);
	ASSERT_NE(NULL, r);
	memcpy((struct ckpt_epoll_item *)(r + hs) +
	       ((struct ckpt_hdr_epoll_items *)r)->nr_items, &one, is);
	((struct ckpt_hdr_epoll_items *)r)->nr_items++;
	EXPECT_EQ(0, validate_edit(self, &(struct edit){ ia, true, r,
							 self->recs[ia].len + is }, 1))
		TH_LOG("restart(RESTART_VALIDATE) refuses an item on an inherited fd");
	free(r);

	/* EPOLLWAKEUP: CAP_BLOCK_SUSPEND */
	ck_checkpoint_child(_metadata, NULL, 0, epoll_unpriv_body, NULL);
	load_image(_metadata, self);
	ia = first_rec(self, CKPT_HDR_EPOLL_ITEMS);
	ASSERT_LE(0, ia);
	ASSERT_EQ(hs + is, (size_t)self->recs[ia].len);
	it = items_at(self, ia);
	try_uid = CK_UNPRIV_UID;
	expect_edit(_metadata, self, NULL, 0, false,
		    "an unprivileged restarter, its own image");
	/* a kernel without wakeup sources drops the bit for anybody */
	if (ck_epollwakeup_kept())
		expect_field_err(_metadata, self, ia, ITEM(0, events),
				 it[0].events | EPOLLWAKEUP, EPERM,
				 "EPOLLWAKEUP, a restarter without CAP_BLOCK_SUSPEND");
	else
		expect_field(_metadata, self, ia, ITEM(0, events),
			     it[0].events | EPOLLWAKEUP, false,
			     "EPOLLWAKEUP dropped, no wakeup sources here");
	try_uid = 0;
	expect_field(_metadata, self, ia, ITEM(0, events),
		     it[0].events | EPOLLWAKEUP, false,
		     "EPOLLWAKEUP, root restarting");
	check_no_splat(_metadata, self);
}

/* ---- signalfd and timerfd: FILE_SIGNALFD, FILE_TIMERFD ------------------ */

/*
 * The timer and signal victim (tsig_body()): SIGUSR2 and SIGRTMIN + 1
 * blocked, SIGRTMIN + 1 queued with the value 77; a signalfd of both at
 * TSIG_SFD (O_NONBLOCK); a periodic CLOCK_MONOTONIC timerfd at TSIG_TFD
 * (blocking), every TSIG_PERIOD ns from TSIG_PERIOD after it was set.
 */
#define TSIG_SFD	35
#define TSIG_TFD	36
#define TSIG_PERIOD	50000000
#define TSIG_VALUE	77

/* signal n at bit n - 1, as FILE_SIGNALFD has it */
#define SIGBIT(n)	(1ULL << ((n) - 1))

/*
 * The restored victim: the signalfd reads the queued signal, once, and is
 * still O_NONBLOCK; the timerfd keeps its interval and reports
 * expirations, then more (it was armed again). Every wait is bounded.
 */
static void tsig_check(void)
{
	struct pollfd p = { .fd = TSIG_TFD, .events = POLLIN };
	struct signalfd_siginfo si;
	struct itimerspec its;
	const char *what = NULL;
	uint64_t n = 0;

	if (!(fcntl(TSIG_SFD, F_GETFL) & O_NONBLOCK))
		what = "signalfd O_NONBLOCK";
	else if (read(TSIG_SFD, &si, sizeof(si)) != sizeof(si) ||
		 (int)si.ssi_signo != SIGRTMIN + 1 || si.ssi_int != TSIG_VALUE)
		what = "signalfd: the queued signal";
	else if (read(TSIG_SFD, &si, sizeof(si)) != -1 || errno != EAGAIN)
		what = "signalfd: a signal more";
	else if (fcntl(TSIG_TFD, F_GETFL) & O_NONBLOCK)
		what = "timerfd O_NONBLOCK";
	else if (timerfd_gettime(TSIG_TFD, &its) || its.it_interval.tv_sec ||
		 its.it_interval.tv_nsec != TSIG_PERIOD)
		what = "timerfd interval";
	else if (poll(&p, 1, 2000) != 1 ||
		 read(TSIG_TFD, &n, sizeof(n)) != sizeof(n) || !n)
		what = "timerfd expirations";
	else if (poll(&p, 1, 2000) != 1 ||
		 read(TSIG_TFD, &n, sizeof(n)) != sizeof(n) || !n)
		what = "timerfd: periodic";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/* @arg: NULL, or run as CK_UNPRIV_UID */
static void tsig_body(void *arg)
{
	struct itimerspec its = {
		.it_interval = { 0, TSIG_PERIOD },
		.it_value = { 0, TSIG_PERIOD },
	};
	union sigval v = { .sival_int = TSIG_VALUE };
	sigset_t set;

	if (arg)
		CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	CK_ASSERT(!sigprocmask(SIG_BLOCK, &set, NULL) &&
		  !sigqueue(getpid(), SIGRTMIN + 1, v), "signals");
	CK_ASSERT(ck_move_fd(signalfd(-1, &set, SFD_NONBLOCK), TSIG_SFD) ==
		  TSIG_SFD, "signalfd");
	CK_ASSERT(ck_move_fd(timerfd_create(CLOCK_MONOTONIC, 0), TSIG_TFD) ==
		  TSIG_TFD && !timerfd_settime(TSIG_TFD, 0, &its, NULL),
		  "timerfd");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	tsig_check();
}

/*
 * Restart the image with @ne edits: taken, the victim runs - as it was
 * or not (what the edits say may be what it checks)
 */
static void expect_taken(struct __test_metadata *_metadata,
			 FIXTURE_DATA(image) *self, const struct edit *e,
			 int ne, const char *what)
{
	unsigned char *buf;
	struct trial t;
	size_t len;

	buf = edit_image(self, e, ne, &len);
	ASSERT_NE(NULL, buf);
	try_image(self, buf, len, &t);
	free(buf);
	EXPECT_TRUE(t.out == OUT_RESUMED || t.out == OUT_ALTERED) {
		TH_LOG("%s: %s %s, expected the victim to run", what,
		       outcome_name[t.out],
		       t.out == OUT_ERROR ? strerrorname_np(t.err) ?: "?" : "");
		ck_dump(_metadata, what, t.status);
	}
}

/*
 * The FILE_TIMERFD record @i as @t (the image's, changed), restarted:
 * refused with @err, or (0) the victim resumes intact, or (-1) restart
 * takes it and the victim runs, intact or not
 */
static void expect_timerfd(struct __test_metadata *_metadata,
			   FIXTURE_DATA(image) *self, int i,
			   const struct ckpt_hdr_file_timerfd *t, int err,
			   const char *what)
{
	unsigned char *r = grown_rec(self, i, 0, -1);
	struct edit e = { i, true, r, self->recs[i].len };

	ASSERT_NE(NULL, r);
	memcpy(r, t, sizeof(*t));
	if (err >= 0)
		expect_edit_err(_metadata, self, &e, 1, err, what);
	else
		expect_taken(_metadata, self, &e, 1, what);
	free(r);
}

/*
 * A signalfd and a periodic timerfd: their FILE and type records given
 * each value restart refuses, checksum fixed: EINVAL (the errno only; a
 * log line, whatever it says), and the alarm clocks for a restarter
 * without CAP_WAKE_ALARM, EPERM. FILE: an access mode but O_RDWR, a flag
 * but O_NONBLOCK, an offset. FILE_SIGNALFD: SIGKILL or SIGSTOP in the
 * mask. FILE_TIMERFD: a clock but REALTIME, MONOTONIC, BOOTTIME and
 * their alarms, a flag but CKPT_TFD_*, a negative time, a disarmed timer
 * with a time to fire. Both type records are extensible.
 *
 * The image as written resumes with both working, and so do the values
 * restart takes that the victim cannot tell apart: other signals in the
 * mask, any time that is not negative (a relative timer with no time
 * left is armed 1 ns later; a relative timer's expires is not used), any
 * count of expirations not read, another clock for a relative timer (the
 * alarm ones as root). What restart takes and the victim may see is
 * taken: a timer far away, another interval, a one-shot or a disarmed
 * timer, a count about to wrap, a signalfd that reads nothing.
 */
TEST_F_TIMEOUT(image, timer_signal_records_damaged, 3 * CK_TIMEOUT)
{
	const uint64_t mask = SIGBIT(SIGUSR2) | SIGBIT(SIGRTMIN + 1);
	const struct ckpt_hdr_file_timerfd *t0;
	const struct ckpt_hdr_file_signalfd *s0;
	struct ckpt_hdr_file_timerfd t;
	int sf, tf, si, ti, k;
	uint32_t sfl, tfl;
	char what[128];

	ck_checkpoint_child(_metadata, NULL, 0, tsig_body, NULL);
	load_image(_metadata, self);
	sf = file_of_fd(self, TSIG_SFD);
	tf = file_of_fd(self, TSIG_TFD);
	ASSERT_TRUE(sf >= 0 && tf >= 0);
	ASSERT_EQ((uint32_t)CKPT_FILE_SIGNALFD,
		  ((const struct ckpt_hdr_file *)rec_at(self, sf))->type);
	ASSERT_EQ((uint32_t)CKPT_FILE_TIMERFD,
		  ((const struct ckpt_hdr_file *)rec_at(self, tf))->type);
	si = file_part(self, sf, CKPT_HDR_FILE_SIGNALFD);
	ti = file_part(self, tf, CKPT_HDR_FILE_TIMERFD);
	ASSERT_TRUE(si == sf + 1 && ti == tf + 1);
	sfl = ((const struct ckpt_hdr_file *)rec_at(self, sf))->f_flags;
	tfl = ((const struct ckpt_hdr_file *)rec_at(self, tf))->f_flags;
	EXPECT_EQ((uint32_t)(O_RDWR | O_NONBLOCK), sfl);
	EXPECT_EQ((uint32_t)O_RDWR, tfl);
	s0 = rec_at(self, si);
	EXPECT_EQ(mask, s0->sigmask);
	t0 = rec_at(self, ti);
	EXPECT_EQ(CLOCK_MONOTONIC, t0->clockid);
	EXPECT_EQ((uint32_t)CKPT_TFD_ARMED, t0->flags);
	EXPECT_EQ(TSIG_PERIOD, t0->interval);
	EXPECT_TRUE(t0->remaining >= 0 && t0->remaining <= TSIG_PERIOD &&
		    t0->expires > 0)
		TH_LOG("timerfd: expires %lld, remaining %lld",
		       (long long)t0->expires, (long long)t0->remaining);

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	/* FILE: O_RDWR, O_NONBLOCK or not, no offset */
	for (k = 0; k < 2; k++) {
		int f = k ? tf : sf;
		uint32_t fl = k ? tfl : sfl;
		const char *name = k ? "TIMERFD" : "SIGNALFD";

		snprintf(what, sizeof(what), "FILE (%s).f_flags O_RDONLY", name);
		expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, f_flags),
			     (fl & ~O_ACCMODE) | O_RDONLY, true, what);
		snprintf(what, sizeof(what), "FILE (%s).f_flags O_WRONLY", name);
		expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, f_flags),
			     (fl & ~O_ACCMODE) | O_WRONLY, true, what);
		snprintf(what, sizeof(what), "FILE (%s).f_flags access mode 3", name);
		expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, f_flags),
			     fl | O_ACCMODE, true, what);
		snprintf(what, sizeof(what), "FILE (%s).f_flags O_APPEND", name);
		expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, f_flags),
			     fl | O_APPEND, true, what);
		snprintf(what, sizeof(what), "FILE (%s).pos 1", name);
		expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, pos), 1,
			     true, what);
	}

	/* extensible: zeroes past the struct are read as it, anything else refused */
	expect_grown(_metadata, self, si, 8, -1, false, "FILE_SIGNALFD + 8 zero bytes");
	expect_grown(_metadata, self, si, 8, 0, true,
		     "FILE_SIGNALFD + 8 bytes, the first not zero");
	expect_grown(_metadata, self, ti, CKPT_REC_EXT_MAX - self->recs[ti].len,
		     -1, false, "FILE_TIMERFD of CKPT_REC_EXT_MAX, zero tail");
	expect_grown(_metadata, self, ti, 8, 7, true,
		     "FILE_TIMERFD + 8 bytes, the last not zero");

	/* FILE_SIGNALFD: any signal but SIGKILL and SIGSTOP */
	expect_field(_metadata, self, si, FIELD(ckpt_hdr_file_signalfd, sigmask),
		     mask | SIGBIT(SIGKILL), true, "FILE_SIGNALFD.sigmask with SIGKILL");
	expect_field(_metadata, self, si, FIELD(ckpt_hdr_file_signalfd, sigmask),
		     mask | SIGBIT(SIGSTOP), true, "FILE_SIGNALFD.sigmask with SIGSTOP");
	expect_field(_metadata, self, si, FIELD(ckpt_hdr_file_signalfd, sigmask),
		     SIGBIT(SIGKILL) | SIGBIT(SIGSTOP), true,
		     "FILE_SIGNALFD.sigmask SIGKILL and SIGSTOP alone");
	expect_field(_metadata, self, si, FIELD(ckpt_hdr_file_signalfd, sigmask),
		     ~0ULL, true, "FILE_SIGNALFD.sigmask ~0");
	expect_field(_metadata, self, si, FIELD(ckpt_hdr_file_signalfd, sigmask),
		     ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP)), false,
		     "FILE_SIGNALFD.sigmask every signal but SIGKILL and SIGSTOP");
	expect_field(_metadata, self, si, FIELD(ckpt_hdr_file_signalfd, sigmask),
		     mask | SIGBIT(64) | SIGBIT(SIGCHLD), false,
		     "FILE_SIGNALFD.sigmask with SIGCHLD and signal 64");

	/* FILE_TIMERFD: the clock */
	{
		static const int32_t bad[] = {
			CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
			CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
			CLOCK_MONOTONIC_COARSE, 10 /* CLOCK_SGI_CYCLE */,
			CLOCK_TAI, 12, -1, 0x7fffffff,
		};

		for (k = 0; k < (int)ARRAY_SIZE(bad); k++) {
			snprintf(what, sizeof(what), "FILE_TIMERFD.clockid %d", bad[k]);
			expect_field(_metadata, self, ti,
				     FIELD(ckpt_hdr_file_timerfd, clockid),
				     (uint32_t)bad[k], true, what);
		}
	}
	/* the flags */
	for (k = 3; k < 32; k += 7) {
		snprintf(what, sizeof(what), "FILE_TIMERFD.flags | %#x", 1U << k);
		expect_field(_metadata, self, ti, FIELD(ckpt_hdr_file_timerfd, flags),
			     t0->flags | 1U << k, true, what);
	}
	/* negative times */
	expect_field(_metadata, self, ti, FIELD(ckpt_hdr_file_timerfd, expires),
		     (uint64_t)-1, true, "FILE_TIMERFD.expires -1");
	expect_field(_metadata, self, ti, FIELD(ckpt_hdr_file_timerfd, remaining),
		     (uint64_t)-1, true, "FILE_TIMERFD.remaining -1");
	expect_field(_metadata, self, ti, FIELD(ckpt_hdr_file_timerfd, interval),
		     (uint64_t)-1, true, "FILE_TIMERFD.interval -1");
	expect_field(_metadata, self, ti, FIELD(ckpt_hdr_file_timerfd, interval),
		     1ULL << 63, true, "FILE_TIMERFD.interval INT64_MIN");
	/* disarmed, with a time to fire */
	t = *t0;
	t.flags &= ~CKPT_TFD_ARMED;
	t.remaining = 1000;
	expect_timerfd(_metadata, self, ti, &t, EINVAL,
		       "FILE_TIMERFD disarmed, expires and remaining kept");
	t.remaining = 0;
	expect_timerfd(_metadata, self, ti, &t, EINVAL,
		       "FILE_TIMERFD disarmed, expires kept");
	t.expires = 0;
	t.remaining = 1000;
	expect_timerfd(_metadata, self, ti, &t, EINVAL,
		       "FILE_TIMERFD disarmed, remaining kept");

	/* what restart takes, and the victim cannot tell apart */
	t = *t0;
	t.remaining = 0;
	expect_timerfd(_metadata, self, ti, &t, 0,
		       "FILE_TIMERFD armed with no time left (armed 1 ns later)");
	t = *t0;
	t.expires = 0;
	expect_timerfd(_metadata, self, ti, &t, 0,
		       "FILE_TIMERFD relative, expires 0 (not used)");
	t.expires = INT64_MAX;
	expect_timerfd(_metadata, self, ti, &t, 0,
		       "FILE_TIMERFD relative, expires INT64_MAX (not used)");
	t = *t0;
	t.ticks = 1ULL << 40;
	expect_timerfd(_metadata, self, ti, &t, 0,
		       "FILE_TIMERFD 2^40 expirations not read");
	t = *t0;
	t.flags |= CKPT_TFD_ABSTIME | CKPT_TFD_CANCEL_ON_SET;
	expect_timerfd(_metadata, self, ti, &t, 0,
		       "FILE_TIMERFD CLOCK_MONOTONIC, absolute: armed by remaining");
	/* what restart takes, and the victim sees (no wait is unbounded) */
	t = *t0;
	t.remaining = INT64_MAX;
	expect_timerfd(_metadata, self, ti, &t, -1,
		       "FILE_TIMERFD remaining INT64_MAX");
	t = *t0;
	t.interval = INT64_MAX;
	expect_timerfd(_metadata, self, ti, &t, -1,
		       "FILE_TIMERFD interval INT64_MAX");
	t.interval = 0;
	expect_timerfd(_metadata, self, ti, &t, -1,
		       "FILE_TIMERFD interval 0: one shot");
	t = *t0;
	t.flags = 0;
	t.expires = 0;
	t.remaining = 0;
	expect_timerfd(_metadata, self, ti, &t, -1,
		       "FILE_TIMERFD disarmed, as checkpoint writes one");
	t = *t0;
	t.ticks = ~0ULL;
	expect_timerfd(_metadata, self, ti, &t, -1,
		       "FILE_TIMERFD 2^64 - 1 expirations not read");
	{
		unsigned char *r = grown_rec(self, si, 0, -1);
		struct edit e = { si, true, r, self->recs[si].len };

		ASSERT_NE(NULL, r);
		((struct ckpt_hdr_file_signalfd *)r)->sigmask = 0;
		expect_taken(_metadata, self, &e, 1,
			     "FILE_SIGNALFD.sigmask 0: reads nothing");
		free(r);
	}
	{
		static const int32_t good[] = {
			CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM,
			CLOCK_BOOTTIME_ALARM,
		};

		for (k = 0; k < (int)ARRAY_SIZE(good); k++) {
			snprintf(what, sizeof(what),
				 "FILE_TIMERFD.clockid %d, relative, root restarting",
				 good[k]);
			expect_field(_metadata, self, ti,
				     FIELD(ckpt_hdr_file_timerfd, clockid),
				     (uint32_t)good[k], false, what);
		}
	}

	/* the alarm clocks: CAP_WAKE_ALARM */
	ck_checkpoint_child(_metadata, NULL, 0, tsig_body, (void *)1);
	load_image(_metadata, self);
	tf = file_of_fd(self, TSIG_TFD);
	ASSERT_LE(0, tf);
	ti = file_part(self, tf, CKPT_HDR_FILE_TIMERFD);
	ASSERT_LE(0, ti);
	try_uid = CK_UNPRIV_UID;
	expect_edit(_metadata, self, NULL, 0, false,
		    "an unprivileged restarter, its own image");
	expect_field_err(_metadata, self, ti, FIELD(ckpt_hdr_file_timerfd, clockid),
			 CLOCK_REALTIME_ALARM, EPERM,
			 "CLOCK_REALTIME_ALARM, a restarter without CAP_WAKE_ALARM");
	expect_field_err(_metadata, self, ti, FIELD(ckpt_hdr_file_timerfd, clockid),
			 CLOCK_BOOTTIME_ALARM, EPERM,
			 "CLOCK_BOOTTIME_ALARM, a restarter without CAP_WAKE_ALARM");
	try_uid = 0;
	check_no_splat(_metadata, self);
}

/* ---- inotify: FILE_INOTIFY, INOTIFY_WATCHES, INOTIFY_EVENTS ------------ */

/*
 * The inotify victim (ino_body()): an instance at INO_FD (IN_NONBLOCK)
 * watching, in the test's directory, the directory ino_dir (wd 1,
 * INO_DIR_MASK) and the file ino_file (wd 2, INO_FILE_MASK), with two
 * events queued: INO_NEW created in the directory, the file's mode
 * changed. The next watch descriptor is 3.
 */
#define INO_FD		35
#define INO_NEW		"ino-new"
#define INO_DIR_MASK	(IN_CREATE | IN_DELETE | IN_ATTRIB)
#define INO_FILE_MASK	(IN_ATTRIB | IN_MODIFY | IN_EXCL_UNLINK)
#define INO_QUEUED	"1:100:0:" INO_NEW " 2:4:0:"
#define INO_QMAX	"/proc/sys/fs/inotify/max_queued_events"

static char ino_dir[192], ino_file[192];

/* The paths the victim of @uid watches */
static void ino_names(int uid)
{
	snprintf(ino_dir, sizeof(ino_dir), "%s/ino-dir-%d", ck.dir, uid);
	snprintf(ino_file, sizeof(ino_file), "%s/ino-file-%d", ck.dir, uid);
}

/*
 * The restored victim: still O_NONBLOCK, it reads the events queued,
 * once; its watches see the file and the directory changed; its next
 * watch is wd 3. Nothing blocks.
 */
static void ino_check(void)
{
	const char *what = NULL;

	if (!(fcntl(INO_FD, F_GETFL) & O_NONBLOCK))
		what = "inotify O_NONBLOCK";
	else if (strcmp(ck_inotify_read(INO_FD), INO_QUEUED))
		what = "inotify: the events queued";
	else if (strcmp(ck_inotify_read(INO_FD), ""))
		what = "inotify: an event more";
	else if (chmod(ino_file, 0640) || strcmp(ck_inotify_read(INO_FD), "2:4:0:"))
		what = "inotify: the file's watch";
	else if (chmod(ino_dir, 0755) || strcmp(ck_inotify_read(INO_FD), "1:40000004:0:"))
		what = "inotify: the directory's watch";
	else if (inotify_add_watch(INO_FD, ck.dir, IN_ATTRIB) != 3)
		what = "inotify: the next watch descriptor";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/* @arg: NULL, or run as CK_UNPRIV_UID */
static void ino_body(void *arg)
{
	char path[256];
	int fd;

	if (arg)
		CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	ino_names(getuid());
	snprintf(path, sizeof(path), "%s/" INO_NEW, ino_dir);
	CK_ASSERT(!mkdir(ino_dir, 0755) || errno == EEXIST, "%s", ino_dir);
	unlink(path);
	fd = open(ino_file, O_WRONLY | O_CREAT, 0644);
	CK_ASSERT(fd >= 0 && !fchmod(fd, 0644) && !close(fd), "%s", ino_file);
	CK_ASSERT(ck_move_fd(inotify_init1(IN_NONBLOCK), INO_FD) == INO_FD &&
		  inotify_add_watch(INO_FD, ino_dir, INO_DIR_MASK) == 1 &&
		  inotify_add_watch(INO_FD, ino_file, INO_FILE_MASK) == 2,
		  "inotify");
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	CK_ASSERT(fd >= 0 && !close(fd) && !chmod(ino_file, 0640),
		  "inotify events");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	ino_check();
}

/* offset and size of field @m of the watch at @o, of the event at @o */
#define WATCH(o, m)	(o) + offsetof(struct ckpt_inotify_watch, m), \
			sizeof(((struct ckpt_inotify_watch *)0)->m)
#define EVENT(o, m)	(o) + offsetof(struct inotify_event, m), \
			sizeof(((struct inotify_event *)0)->m)

/* The offset of watch @k in the INOTIFY_WATCHES record @i */
static size_t ino_watch_at(FIXTURE_DATA(image) *self, int i, int k)
{
	const unsigned char *r = rec_at(self, i);
	size_t at = sizeof(struct ckpt_hdr_inotify_watches);

	while (k--)
		at += (sizeof(struct ckpt_inotify_watch) +
		       ((const struct ckpt_inotify_watch *)(r + at))->path_len + 7) & ~7UL;
	return at;
}

/*
 * The INOTIFY_WATCHES record @i with one watch more, at its end (@wd,
 * @mask, @mode, @path): refused with @err, taken (-1), or (0) the victim
 * resumes intact
 */
static void expect_watch_added(struct __test_metadata *_metadata,
			       FIXTURE_DATA(image) *self, int i, int32_t wd,
			       uint32_t mask, uint32_t mode, const char *path,
			       int err, const char *what)
{
	size_t plen = strlen(path) + 1;
	size_t add = (sizeof(struct ckpt_inotify_watch) + plen + 7) & ~7UL;
	unsigned char *r = grown_rec(self, i, add, -1);
	struct ckpt_inotify_watch *w;
	struct edit e = { i, true, r, self->recs[i].len + add };

	ASSERT_NE(NULL, r);
	w = (void *)(r + self->recs[i].len);
	w->wd = wd;
	w->mask = mask;
	w->mode = mode;
	w->path_len = plen;
	memcpy(w + 1, path, plen);
	((struct ckpt_hdr_inotify_watches *)r)->nr_watches++;
	if (err >= 0)
		expect_edit_err(_metadata, self, &e, 1, err, what);
	else
		expect_taken(_metadata, self, &e, 1, what);
	free(r);
}

/*
 * The INOTIFY_EVENTS record @i replaced by @n events @ev (no names):
 * refused with @err, or taken (-1)
 */
static void expect_events(struct __test_metadata *_metadata,
			  FIXTURE_DATA(image) *self, int i,
			  const struct inotify_event *ev, uint32_t n, int err,
			  const char *what)
{
	size_t len = sizeof(struct ckpt_hdr_inotify_events) + n * sizeof(*ev);
	unsigned char *r = calloc(1, len);
	struct ckpt_hdr_inotify_events *h = (void *)r;
	struct edit e = { i, true, r, len };

	ASSERT_NE(NULL, r);
	h->h.type = CKPT_HDR_INOTIFY_EVENTS;
	h->h.len = len;
	h->nr_events = n;
	h->len = n * sizeof(*ev);
	memcpy(h + 1, ev, n * sizeof(*ev));
	if (err >= 0)
		expect_edit_err(_metadata, self, &e, 1, err, what);
	else
		expect_taken(_metadata, self, &e, 1, what);
	free(r);
}

/*
 * An inotify instance watching a directory and a file, two events queued
 * (one with a name): its FILE, FILE_INOTIFY, INOTIFY_WATCHES and
 * INOTIFY_EVENTS records damaged or out of sequence, checksum fixed:
 * refused with EINVAL and a log line. FILE: an access mode but O_RDONLY,
 * a flag but O_NONBLOCK, an offset. FILE_INOTIFY: a next wd above
 * INT_MAX; a queue limit above the restarter's
 * fs.inotify.max_queued_events is ENOSPC, with a line that says so, and
 * one the queued events do not fit in EINVAL. INOTIFY_WATCHES: a wd below
 * 1 or twice, mask bits a watch does not keep, a mode that is no kind of
 * file or not the file's, a relative path, a path_len past the record or
 * not the string's, a count or a length that are not the watches', the
 * same file twice; a path that leads nowhere, ENOENT. INOTIFY_EVENTS: a
 * name not NUL-terminated or not padded with NULs, a len that is not a
 * multiple of 16, a second IN_Q_OVERFLOW or one with a wd, an event with
 * no mask, a mask no event has or wd 0, a count or a length that are not
 * the events'.
 *
 * The image as written resumes with the watches and the queue working,
 * and so do the watches in another order, an extensible FILE_INOTIFY
 * with a zero tail, a queue limit the events fit in, a watch more on a
 * symlink (not followed); what restart takes and the victim sees is
 * taken: another next wd, no events queued, an IN_Q_OVERFLOW alone. A
 * restarter that may not read a watched file: EACCES.
 */
TEST_F_TIMEOUT(image, inotify_records_damaged, 3 * CK_TIMEOUT)
{
	const size_t hw = sizeof(struct ckpt_hdr_inotify_watches);
	const size_t he = sizeof(struct ckpt_hdr_inotify_events);
	const struct ckpt_hdr_file_inotify *fh;
	const struct ckpt_hdr_inotify_watches *wh;
	const struct ckpt_hdr_inotify_events *eh;
	const struct ckpt_inotify_watch *w0, *w1;
	size_t o0, o1, e0, e1;
	int f, fi, wi, ei, k;
	uint32_t fl, qmax = 16384;
	char buf[64], text[2048];
	struct inotify_event ev[2];
	unsigned char *r;
	off_t logged;

	if (ck_read_file(INO_QMAX, buf, sizeof(buf)) > 0)
		qmax = strtoul(buf, NULL, 10);
	ino_names(0);
	ck_checkpoint_child(_metadata, NULL, 0, ino_body, NULL);
	load_image(_metadata, self);
	f = file_of_fd(self, INO_FD);
	ASSERT_LE(0, f);
	ASSERT_EQ((uint32_t)CKPT_FILE_INOTIFY,
		  ((const struct ckpt_hdr_file *)rec_at(self, f))->type);
	fi = file_part(self, f, CKPT_HDR_FILE_INOTIFY);
	wi = file_part(self, f, CKPT_HDR_INOTIFY_WATCHES);
	ei = file_part(self, f, CKPT_HDR_INOTIFY_EVENTS);
	ASSERT_TRUE(fi == f + 1 && wi == f + 2 && ei == f + 3)
		TH_LOG("records: FILE %d, FILE_INOTIFY %d, INOTIFY_WATCHES %d, INOTIFY_EVENTS %d",
		       f, fi, wi, ei);
	fl = ((const struct ckpt_hdr_file *)rec_at(self, f))->f_flags;
	EXPECT_EQ((uint32_t)(O_RDONLY | O_NONBLOCK), fl);
	fh = rec_at(self, fi);
	EXPECT_EQ(qmax, fh->max_events);
	EXPECT_EQ(3U, fh->next_wd);
	wh = rec_at(self, wi);
	ASSERT_EQ(2U, wh->nr_watches);
	o0 = ino_watch_at(self, wi, 0);
	o1 = ino_watch_at(self, wi, 1);
	ASSERT_EQ((size_t)self->recs[wi].len, ino_watch_at(self, wi, 2));
	w0 = (const void *)((const unsigned char *)wh + o0);
	w1 = (const void *)((const unsigned char *)wh + o1);
	/* in the order of the instance's marks: the newest first */
	if (w0->wd == 2) {
		const struct ckpt_inotify_watch *t = w0;
		size_t ot = o0;

		w0 = w1;
		w1 = t;
		o0 = o1;
		o1 = ot;
	}
	EXPECT_EQ(1, w0->wd);
	EXPECT_EQ((uint32_t)INO_DIR_MASK, w0->mask);
	EXPECT_EQ((uint32_t)S_IFDIR, w0->mode);
	EXPECT_STREQ(ino_dir, (const char *)(w0 + 1));
	EXPECT_EQ(2, w1->wd);
	EXPECT_EQ((uint32_t)INO_FILE_MASK, w1->mask);
	EXPECT_EQ((uint32_t)S_IFREG, w1->mode);
	EXPECT_STREQ(ino_file, (const char *)(w1 + 1));
	eh = rec_at(self, ei);
	ASSERT_EQ(2U, eh->nr_events);
	/* IN_CREATE with "ino-new" padded to 16, IN_ATTRIB with no name */
	ASSERT_EQ(2 * sizeof(struct inotify_event) + 16, (size_t)eh->len);
	ASSERT_EQ(he + eh->len, (size_t)self->recs[ei].len);
	e0 = he;
	e1 = he + sizeof(struct inotify_event) + 16;

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	/* FILE: O_RDONLY, O_NONBLOCK or not, no offset */
	expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, f_flags),
		     O_WRONLY | O_NONBLOCK, true, "FILE (INOTIFY).f_flags O_WRONLY");
	expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, f_flags),
		     O_RDWR | O_NONBLOCK, true, "FILE (INOTIFY).f_flags O_RDWR");
	expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, f_flags),
		     fl | O_ACCMODE, true, "FILE (INOTIFY).f_flags access mode 3");
	expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, f_flags),
		     fl | O_APPEND, true, "FILE (INOTIFY).f_flags O_APPEND");
	expect_field(_metadata, self, f, FIELD(ckpt_hdr_file, pos), 1, true,
		     "FILE (INOTIFY).pos 1");

	/* FILE_INOTIFY: the next wd, the queue limit; extensible */
	expect_field(_metadata, self, fi, FIELD(ckpt_hdr_file_inotify, next_wd),
		     (uint32_t)INT_MAX + 1, true, "FILE_INOTIFY.next_wd INT_MAX + 1");
	expect_field(_metadata, self, fi, FIELD(ckpt_hdr_file_inotify, next_wd),
		     0xffffffff, true, "FILE_INOTIFY.next_wd ~0");
	expect_field(_metadata, self, fi, FIELD(ckpt_hdr_file_inotify, max_events),
		     1, true, "FILE_INOTIFY.max_events 1, two events queued");
	logged = log_size();
	expect_field_err(_metadata, self, fi,
			 FIELD(ckpt_hdr_file_inotify, max_events), qmax + 1,
			 ENOSPC, "FILE_INOTIFY.max_events above fs.inotify.max_queued_events");
	log_since(logged, text, sizeof(text));
	EXPECT_TRUE(strstr(text, "max_queued_events") != NULL)
		TH_LOG("a queue over the sysctl: no line names it (log: \"%.300s\")",
		       text);
	expect_grown(_metadata, self, fi, 8, -1, false,
		     "FILE_INOTIFY + 8 zero bytes");
	expect_grown(_metadata, self, fi, 8, 3, true,
		     "FILE_INOTIFY + 8 bytes, one not zero");

	/* INOTIFY_WATCHES: the record */
	expect_field(_metadata, self, wi,
		     FIELD(ckpt_hdr_inotify_watches, nr_watches), 3, true,
		     "INOTIFY_WATCHES.nr_watches + 1, len kept");
	expect_field(_metadata, self, wi,
		     FIELD(ckpt_hdr_inotify_watches, nr_watches), 1, true,
		     "INOTIFY_WATCHES.nr_watches - 1, len kept");
	expect_field(_metadata, self, wi,
		     FIELD(ckpt_hdr_inotify_watches, nr_watches),
		     CKPT_MAX_INOTIFY_WATCHES + 1, true,
		     "INOTIFY_WATCHES.nr_watches above CKPT_MAX_INOTIFY_WATCHES");
	expect_field(_metadata, self, wi,
		     FIELD(ckpt_hdr_inotify_watches, __reserved), 1, true,
		     "INOTIFY_WATCHES.__reserved");
	expect_grown(_metadata, self, wi, 8, -1, true,
		     "INOTIFY_WATCHES + 8 zero bytes (not extensible)");
	/* a watch's fields */
	expect_field(_metadata, self, wi, WATCH(o0, wd), 0, true, "watch.wd 0");
	expect_field(_metadata, self, wi, WATCH(o0, wd), (uint32_t)-1, true,
		     "watch.wd -1");
	expect_field(_metadata, self, wi, WATCH(o1, wd), 1, true,
		     "watch.wd of another watch");
	expect_field(_metadata, self, wi, WATCH(o0, mask),
		     w0->mask | IN_ISDIR, true, "watch.mask with IN_ISDIR");
	expect_field(_metadata, self, wi, WATCH(o0, mask),
		     w0->mask | IN_MASK_ADD, true, "watch.mask with IN_MASK_ADD");
	expect_field(_metadata, self, wi, WATCH(o1, mask),
		     w1->mask | 0x1000, true, "watch.mask with bit 0x1000");
	expect_field(_metadata, self, wi, WATCH(o0, mode), 0, true,
		     "watch.mode 0");
	expect_field(_metadata, self, wi, WATCH(o1, mode), S_IFREG | 0644,
		     true, "watch.mode with permission bits");
	expect_field(_metadata, self, wi, WATCH(o1, mode), S_IFDIR, true,
		     "watch.mode: a directory, the path a file");
	expect_field(_metadata, self, wi, o0 + sizeof(*w0), 1, 'x', true,
		     "watch: a relative path");
	expect_field(_metadata, self, wi, o1 + sizeof(*w1) + w1->path_len - 1,
		     1, 'x', true, "watch: a path without its NUL");
	expect_field(_metadata, self, wi, WATCH(o1, path_len),
		     w1->path_len + 1, true, "watch.path_len + 1");
	expect_field(_metadata, self, wi, WATCH(o1, path_len),
		     self->recs[wi].len, true, "watch.path_len past the record");
	expect_field(_metadata, self, wi, WATCH(o0, path_len), 0, true,
		     "watch.path_len 0");
	expect_field_err(_metadata, self, wi, o1 + sizeof(*w1) + w1->path_len - 2,
			 1, '~', ENOENT, "watch: a path that leads nowhere");
	expect_watch_added(_metadata, self, wi, 5, IN_ATTRIB, S_IFDIR, ino_dir,
			   EINVAL, "a watch more on a directory watched already");
	expect_watch_added(_metadata, self, wi, 1, IN_ATTRIB, S_IFDIR, ck.dir,
			   EINVAL, "a watch more under a wd in use");

	/* INOTIFY_EVENTS: the record */
	expect_field(_metadata, self, ei,
		     FIELD(ckpt_hdr_inotify_events, nr_events), 3, true,
		     "INOTIFY_EVENTS.nr_events + 1, len kept");
	expect_field(_metadata, self, ei,
		     FIELD(ckpt_hdr_inotify_events, nr_events), 1, true,
		     "INOTIFY_EVENTS.nr_events - 1, len kept");
	expect_field(_metadata, self, ei,
		     FIELD(ckpt_hdr_inotify_events, nr_events),
		     CKPT_MAX_INOTIFY_EVENTS + 1, true,
		     "INOTIFY_EVENTS.nr_events above CKPT_MAX_INOTIFY_EVENTS");
	expect_field(_metadata, self, ei, FIELD(ckpt_hdr_inotify_events, len),
		     eh->len - 16, true, "INOTIFY_EVENTS.len - 16, h.len kept");
	expect_grown(_metadata, self, ei, 16, -1, true,
		     "INOTIFY_EVENTS + 16 zero bytes, len kept");
	/* an event's fields */
	r = grown_rec(self, ei, 0, -1);
	ASSERT_NE(NULL, r);
	memset(r + e0 + sizeof(struct inotify_event), 'x', 16);
	expect_edit(_metadata, self, &(struct edit){ ei, true, r, self->recs[ei].len },
		    1, true, "event: a name without a NUL");
	free(r);
	expect_field(_metadata, self, ei, e0 + sizeof(struct inotify_event) + 15,
		     1, 'x', true, "event: a name padded with more than NULs");
	expect_field(_metadata, self, ei, e0 + sizeof(struct inotify_event), 1,
		     0, true, "event: an empty name, len 16");
	expect_field(_metadata, self, ei, EVENT(e0, len), 8, true,
		     "event.len 8, not a multiple of 16");
	expect_field(_metadata, self, ei, EVENT(e0, len), 32, true,
		     "event.len 32, more than the name needs");
	expect_field(_metadata, self, ei, EVENT(e1, wd), 0, true, "event.wd 0");
	expect_field(_metadata, self, ei, EVENT(e1, mask), 0, true,
		     "event.mask 0");
	expect_field(_metadata, self, ei, EVENT(e1, mask),
		     IN_ATTRIB | IN_ONESHOT, true, "event.mask with IN_ONESHOT");
	expect_field(_metadata, self, ei, EVENT(e1, mask),
		     IN_Q_OVERFLOW, true, "event: IN_Q_OVERFLOW with wd 2");
	memset(ev, 0, sizeof(ev));
	ev[0].wd = ev[1].wd = -1;
	ev[0].mask = ev[1].mask = IN_Q_OVERFLOW;
	expect_events(_metadata, self, ei, ev, 2, EINVAL,
		      "INOTIFY_EVENTS: IN_Q_OVERFLOW twice");
	ev[0].cookie = 7;
	expect_events(_metadata, self, ei, ev, 1, EINVAL,
		      "INOTIFY_EVENTS: IN_Q_OVERFLOW with a cookie");

	/* out of sequence */
	{
		const struct edit e[][2] = {
			{ { fi, true, NULL, 0 } },
			{ { wi, true, NULL, 0 } },
			{ { ei, true, NULL, 0 } },
			{ { wi, true, NULL, 0 },
			  { ei + 1, false, rec_at(self, wi), self->recs[wi].len } },
			{ { fi, true, NULL, 0 },
			  { ei + 1, false, rec_at(self, fi), self->recs[fi].len } },
			{ { ei + 1, false, rec_at(self, ei), self->recs[ei].len } },
		};
		static const char *const names[] = {
			"INOTIFY without FILE_INOTIFY",
			"INOTIFY without INOTIFY_WATCHES",
			"INOTIFY without INOTIFY_EVENTS",
			"INOTIFY_WATCHES after INOTIFY_EVENTS",
			"FILE_INOTIFY last",
			"INOTIFY_EVENTS twice",
		};

		for (k = 0; k < (int)ARRAY_SIZE(e); k++)
			expect_edit(_metadata, self, e[k], e[k][1].rec ? 2 : 1,
				    true, names[k]);
	}

	/* what restart takes, and the victim cannot tell apart */
	expect_field(_metadata, self, fi, FIELD(ckpt_hdr_file_inotify, max_events),
		     2, false, "FILE_INOTIFY.max_events 2, the events fit");
	expect_field(_metadata, self, fi, FIELD(ckpt_hdr_file_inotify, next_wd),
		     0, false, "FILE_INOTIFY.next_wd 0: wd 3 is the first free");
	{
		const struct edit swapped[] = {
			{ wi, true, NULL, 0 },
			{ wi, false, wh, hw },
			{ wi, false, (const unsigned char *)wh + o1,
			  (sizeof(*w1) + w1->path_len + 7) & ~7UL },
			{ wi, false, (const unsigned char *)wh + o0,
			  (sizeof(*w0) + w0->path_len + 7) & ~7UL },
		};

		expect_edit(_metadata, self, swapped, ARRAY_SIZE(swapped), false,
			    "INOTIFY_WATCHES in another order");
	}
	ASSERT_EQ(0, symlink(ino_file, ck_path("ino-link")));
	expect_watch_added(_metadata, self, wi, 5, IN_ATTRIB, S_IFLNK,
			   ck_path("ino-link"), 0,
			   "a watch more on a symlink, not followed");
	/* what restart takes, and the victim sees */
	r = grown_rec(self, fi, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_file_inotify *)r)->next_wd = INT_MAX;
	expect_taken(_metadata, self, &(struct edit){ fi, true, r, self->recs[fi].len },
		     1, "FILE_INOTIFY.next_wd INT_MAX");
	free(r);
	expect_events(_metadata, self, ei, ev, 0, -1, "no events queued");
	ev[0].cookie = 0;
	expect_events(_metadata, self, ei, ev, 1, -1,
		      "an IN_Q_OVERFLOW alone queued");

	/* a restarter that may not read a watched file */
	ck_checkpoint_child(_metadata, NULL, 0, ino_body, (void *)1);
	load_image(_metadata, self);
	f = file_of_fd(self, INO_FD);
	ASSERT_LE(0, f);
	wi = file_part(self, f, CKPT_HDR_INOTIFY_WATCHES);
	ASSERT_LE(0, wi);
	ASSERT_EQ(0, ck_touch(ck_path("ino-secret"), 0600));
	try_uid = CK_UNPRIV_UID;
	expect_edit(_metadata, self, NULL, 0, false,
		    "an unprivileged restarter, its own image");
	expect_watch_added(_metadata, self, wi, 5, IN_ATTRIB, S_IFREG,
			   ck_path("ino-secret"), EACCES,
			   "a watch on a file the restarter may not read");
	try_uid = 0;
	check_no_splat(_metadata, self);
}

/*
 * Restart the image with @ne edits: refused with @err, and a log line
 * that says @log
 */
static void expect_edit_logged(struct __test_metadata *_metadata,
			       FIXTURE_DATA(image) *self, const struct edit *e,
			       int ne, int err, const char *log,
			       const char *what)
{
	off_t logged = log_size();
	char text[2048];

	expect_edit_err(_metadata, self, e, ne, err, what);
	log_since(logged, text, sizeof(text));
	EXPECT_TRUE(strstr(text, log) != NULL)
		TH_LOG("%s: no log line says \"%s\" (log: \"%.300s\")", what,
		       log, text);
}

/* A STRING record of @s, malloc()ed, of *@len bytes */
static unsigned char *string_rec(const char *s, size_t *len)
{
	size_t n = strlen(s) + 1;
	struct ckpt_hdr_string *h;

	*len = (sizeof(*h) + n + 7) & ~7UL;
	h = calloc(1, *len);
	if (!h)
		return NULL;
	h->h.type = CKPT_HDR_STRING;
	h->h.len = *len;
	h->len = n;
	memcpy(h + 1, s, n);
	return (unsigned char *)h;
}

/*
 * ---- unix sockets: UNIX_PAIR, FILE_UNIX, UNIX_QUEUE, UNIX_SENDER,
 * UNIX_MSG, UNIX_MSG_FROM ----------------------------------------------
 */

/*
 * The unix socket victim (ux_body()): a stream socket pair, end 0 at
 * UX_S0 (O_NONBLOCK), end 1 at UX_S1 (SO_PASSCRED, so that what either end
 * sends carries the sender's credentials), with data queued both ways:
 * UX_FWD, sent from end 0 in two writes, waits on end 1, and UX_BACK_LEN
 * bytes of a pattern, sent from end 1, on end 0. A datagram pair, end 0
 * at UX_D0, end 1 at UX_D1, with two datagrams queued on end 1: UX_DGRAM
 * and an empty one. An unconnected stream socket at UX_U.
 *
 * And sockets with names: at UX_B a datagram socket bound to the path
 * UX_BNAME in ck.dir, by that relative name from ck.dir, its cwd (what
 * getsockname() reports; the image has where its inode is,
 * ck_path(UX_BNAME)); at UX_L a stream
 * socket listening on the abstract name ux_lname (backlog UX_BACKLOG);
 * at UX_C and UX_A the two ends of a connection: UX_C connect()ed to a
 * listener on the abstract name ux_aname, UX_A what the listener's
 * accept() returned, which has its name; the listener is closed, and
 * UX_ACC waits on UX_A. The abstract names end with the victim's pid,
 * which no other socket has.
 *
 * And a datagram socket that other sockets sent to: at UX_G, bound to the
 * abstract name ux_gname, SO_PASSCRED, the datagrams of two senders the
 * victim opened and closed before the checkpoint queued on it, in this
 * order: UX_FROM_A from a socket bound to the abstract name ux_fname,
 * UX_FROM_U and an empty one from a socket with no name, UX_FROM_A2 from
 * the first again. Its queue: two UNIX_SENDER records (the named one
 * first), four UNIX_MSG_FROM.
 */
#define UX_S0		35
#define UX_S1		36
#define UX_D0		37
#define UX_D1		38
#define UX_U		39
#define UX_B		40
#define UX_L		41
#define UX_C		42
#define UX_A		43
#define UX_G		44
#define UX_BNAME	"ux-bound"
#define UX_BACKLOG	7
#define UX_ACC		"acc"
#define UX_FWD1		"hello "
#define UX_FWD2		"world"
#define UX_FWD		UX_FWD1 UX_FWD2
#define UX_BACK_LEN	1000
#define UX_BACK_SEED	97
#define UX_DGRAM	"dgram-1"	/* 7 bytes: its record has padding */
#define UX_FROM_A	"from-abstract"
#define UX_FROM_U	"from-unnamed"
#define UX_FROM_A2	"abstract-again"
#define UX_NR_FROM	4	/* datagrams queued on UX_G */

/* SO_PEERCRED of @fd: this process, as the restored pair's creator */
static bool ux_peer_is_me(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) &&
	       cr.pid == getpid() && cr.uid == getuid() && cr.gid == getgid();
}

/* the abstract names of the listener and of the accepted end, with a 0 first */
static char ux_lname[CKPT_UNIX_NAME_MAX], ux_aname[CKPT_UNIX_NAME_MAX];
static socklen_t ux_lname_len, ux_aname_len;
/* of the datagram socket UX_G, and of its sender that had a name */
static char ux_gname[CKPT_UNIX_NAME_MAX], ux_fname[CKPT_UNIX_NAME_MAX];
static socklen_t ux_gname_len, ux_fname_len;

/*
 * The abstract name "\0ckpt-ux-@what-@pid" (@pid: the victim's) into
 * @name: its length
 */
static socklen_t ux_abstract(char *name, const char *what, long pid)
{
	int n = snprintf(name + 1, CKPT_UNIX_NAME_MAX - 1, "ckpt-ux-%s-%ld",
			 what, pid);

	name[0] = '\0';
	return 1 + n;
}

/* A sockaddr_un of the name @name (@len bytes): its length */
static socklen_t ux_addr(struct sockaddr_un *sa, const char *name,
			 socklen_t len)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, len);
	return offsetof(struct sockaddr_un, sun_path) + len;
}

/* Does getsockname() (@peer: getpeername()) of @fd say @name (@len bytes)? */
static bool ux_name_is(int fd, bool peer, const char *name, socklen_t len)
{
	struct sockaddr_un sa;
	socklen_t l = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	if ((peer ? getpeername(fd, (struct sockaddr *)&sa, &l) :
		    getsockname(fd, (struct sockaddr *)&sa, &l)) ||
	    sa.sun_family != AF_UNIX)
		return false;
	return l == offsetof(struct sockaddr_un, sun_path) + len &&
	       !memcmp(sa.sun_path, name, len);
}

/*
 * A new socket of @type (O_NONBLOCK: a full backlog does not make it
 * wait) connect()ed to @name: its fd, or -1 (errno)
 */
static int ux_connect(int type, const char *name, socklen_t len)
{
	struct sockaddr_un sa;
	socklen_t l = ux_addr(&sa, name, len);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), err;

	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, l)) {
		err = errno;
		close(fd);
		errno = err;
		fd = -1;
	}
	return fd;
}

/*
 * The restored sockets with names: UX_B bound to its path again (named
 * as it was, a datagram sent to the path arrives), UX_L listening on its
 * name (SO_PEERCRED the process, a connection accepted), UX_A and UX_C
 * connected (UX_ACC queued on UX_A, bytes both ways), UX_A with its
 * listener's name but not bound to it (a connect() to it is refused),
 * UX_C with no name. NULL, or what is not so.
 */
static const char *ux_names_check(void)
{
	struct pollfd pl = { .fd = UX_L, .events = POLLIN };
	const int f = MSG_DONTWAIT | MSG_NOSIGNAL;
	struct sockaddr_un sa;
	socklen_t l;
	char buf[16];
	int v = 0, fd, c;

	if (!ux_name_is(UX_B, false, UX_BNAME, sizeof(UX_BNAME)))
		return "the bound socket: its name";
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	l = ux_addr(&sa, ck_path(UX_BNAME), strlen(ck_path(UX_BNAME)) + 1);
	v = fd >= 0 && sendto(fd, "b", 1, f, (struct sockaddr *)&sa, l) == 1;
	if (fd >= 0)
		close(fd);
	if (!v || recv(UX_B, buf, sizeof(buf), MSG_DONTWAIT) != 1 || buf[0] != 'b')
		return "the bound socket: a datagram to its path";
	if (!ux_name_is(UX_L, false, ux_lname, ux_lname_len))
		return "the listener: its name";
	l = sizeof(int);
	if (getsockopt(UX_L, SOL_SOCKET, SO_ACCEPTCONN, &v, &l) || v != 1 ||
	    !ux_peer_is_me(UX_L))
		return "the listener: listening, SO_PEERCRED";
	c = ux_connect(SOCK_STREAM, ux_lname, ux_lname_len);
	fd = -1;
	if (c >= 0 && poll(&pl, 1, 0) == 1)
		fd = accept4(UX_L, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c >= 0)
		close(c);
	if (fd < 0)
		return "the listener: a connection";
	close(fd);
	if (!ux_name_is(UX_A, false, ux_aname, ux_aname_len) ||
	    !ux_name_is(UX_C, true, ux_aname, ux_aname_len) ||
	    !ux_name_is(UX_C, false, "", 0))
		return "the accepted connection: the names";
	l = sizeof(int);
	if (getsockopt(UX_A, SOL_SOCKET, SO_ACCEPTCONN, &v, &l) || v ||
	    !ux_peer_is_me(UX_A) || !ux_peer_is_me(UX_C))
		return "the accepted connection: not listening, SO_PEERCRED";
	if (recv(UX_A, buf, sizeof(buf), MSG_DONTWAIT) != sizeof(UX_ACC) - 1 ||
	    memcmp(buf, UX_ACC, sizeof(UX_ACC) - 1) ||
	    recv(UX_A, buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN)
		return "the accepted connection: the bytes queued";
	if (send(UX_A, "a", 1, f) != 1 ||
	    recv(UX_C, buf, 2, MSG_DONTWAIT) != 1 || buf[0] != 'a' ||
	    send(UX_C, "c", 1, f) != 1 ||
	    recv(UX_A, buf, 2, MSG_DONTWAIT) != 1 || buf[0] != 'c')
		return "the accepted connection: connected";
	c = ux_connect(SOCK_STREAM, ux_aname, ux_aname_len);
	if (c >= 0 || errno != ECONNREFUSED) {
		if (c >= 0)
			close(c);
		return "the accepted connection: bound to its listener's name";
	}
	return NULL;
}

/*
 * The next datagram on UX_G, read without waiting: @n bytes of @want,
 * from a socket named @name (@len bytes; 0: none, recvmsg() gives no
 * name), with SCM_CREDENTIALS of this process (its sender was the
 * restored one before the checkpoint)
 */
static bool ux_from_is(const char *want, size_t n, const char *name,
		       socklen_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} c;
	struct sockaddr_un sa;
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	struct ucred cr;

	memset(&sa, 0, sizeof(sa));
	if (recvmsg(UX_G, &mh, MSG_DONTWAIT) != (ssize_t)n ||
	    memcmp(buf, want, n) || (mh.msg_flags & MSG_TRUNC))
		return false;
	if (len ? mh.msg_namelen != offsetof(struct sockaddr_un, sun_path) + len ||
		  sa.sun_family != AF_UNIX || memcmp(sa.sun_path, name, len) :
	    mh.msg_namelen != 0)
		return false;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_CREDENTIALS)
		return false;
	memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
	return cr.pid == getpid() && cr.uid == getuid() && cr.gid == getgid();
}

/*
 * The restored datagram socket of other senders: UX_G named as it was,
 * its datagrams in their order, each with its sender's name (as
 * recvfrom() reports it) and credentials, then none; nothing bound to
 * the name of the sender that had one (restart sends from a socket given
 * that name, not bound to it, and closes it). NULL, or what is not so.
 */
static const char *ux_senders_check(void)
{
	struct sockaddr_un sa;
	socklen_t l;
	char buf[16];
	int fd, v;

	if (!ux_name_is(UX_G, false, ux_gname, ux_gname_len))
		return "the datagram socket: its name";
	if (!ux_from_is(UX_FROM_A, sizeof(UX_FROM_A) - 1, ux_fname, ux_fname_len))
		return "the datagram socket: the first datagram, of the named sender";
	if (!ux_from_is(UX_FROM_U, sizeof(UX_FROM_U) - 1, NULL, 0))
		return "the datagram socket: the second, of the sender with no name";
	if (!ux_from_is("", 0, NULL, 0))
		return "the datagram socket: the empty one, of the sender with no name";
	if (!ux_from_is(UX_FROM_A2, sizeof(UX_FROM_A2) - 1, ux_fname, ux_fname_len))
		return "the datagram socket: the last, of the named sender";
	if (recv(UX_G, buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN)
		return "the datagram socket: a datagram more";
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	l = ux_addr(&sa, ux_fname, ux_fname_len);
	v = fd >= 0 && sendto(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
			      (struct sockaddr *)&sa, l) == -1 &&
	    errno == ECONNREFUSED;
	if (fd >= 0)
		close(fd);
	if (!v)
		return "the datagram socket: its sender's name bound";
	return NULL;
}

/*
 * Read what is queued on the stream socket @fd, without waiting, into
 * @buf: its length. *@creds: each read came with SCM_CREDENTIALS of this
 * process (true if none asked)
 */
static ssize_t ux_read_all(int fd, char *buf, size_t size, bool *creds)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} c;
	size_t got = 0;
	ssize_t n;

	for (;;) {
		struct iovec iov = { buf + got, size - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = c.buf,
				     .msg_controllen = sizeof(c.buf) };
		struct cmsghdr *cm;
		struct ucred cr;

		if (got == size)
			return got;
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n <= 0)
			return n < 0 && errno == EAGAIN ? (ssize_t)got : -1;
		got += n;
		if (!creds)
			continue;
		cm = CMSG_FIRSTHDR(&mh);
		if (!cm || cm->cmsg_type != SCM_CREDENTIALS) {
			*creds = false;
			continue;
		}
		memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
		if (cr.pid != getpid() || cr.uid != getuid() || cr.gid != getgid())
			*creds = false;
	}
}

/*
 * The restored victim: the ends as they were (O_NONBLOCK, SO_PASSCRED,
 * SO_PEERCRED), the data queued each way read once with the credentials
 * it was sent with, the datagrams one by one; then each pair still
 * connected. Nothing blocks.
 */
static void ux_check(void)
{
	char buf[2 * UX_BACK_LEN];
	const char *what = NULL;
	socklen_t len = sizeof(int);
	bool creds = true;
	int v = 0;

	if (!(fcntl(UX_S0, F_GETFL) & O_NONBLOCK) ||
	    (fcntl(UX_S1, F_GETFL) & O_NONBLOCK))
		what = "stream pair: O_NONBLOCK";
	else if (getsockopt(UX_S1, SOL_SOCKET, SO_PASSCRED, &v, &len) || !v)
		what = "stream pair: SO_PASSCRED of end 1";
	else if (!ux_peer_is_me(UX_S0) || !ux_peer_is_me(UX_S1) ||
		 !ux_peer_is_me(UX_D0) || !ux_peer_is_me(UX_D1))
		what = "SO_PEERCRED";
	else if (ux_read_all(UX_S1, buf, sizeof(buf), &creds) != sizeof(UX_FWD) - 1 ||
		 memcmp(buf, UX_FWD, sizeof(UX_FWD) - 1))
		what = "stream pair: the bytes queued on end 1";
	else if (!creds)
		what = "stream pair: the credentials of the bytes queued on end 1";
	else if (ux_read_all(UX_S0, buf, sizeof(buf), NULL) != UX_BACK_LEN ||
		 ck_check_fill(buf, UX_BACK_LEN, UX_BACK_SEED) != -1)
		what = "stream pair: the bytes queued on end 0";
	else if (write(UX_S0, "x", 1) != 1 ||
		 recv(UX_S1, buf, 2, MSG_DONTWAIT) != 1 || buf[0] != 'x' ||
		 write(UX_S1, "y", 1) != 1 ||
		 recv(UX_S0, buf, 2, MSG_DONTWAIT) != 1 || buf[0] != 'y')
		what = "stream pair: connected";
	else if (recv(UX_D1, buf, sizeof(buf), MSG_DONTWAIT) != sizeof(UX_DGRAM) - 1 ||
		 memcmp(buf, UX_DGRAM, sizeof(UX_DGRAM) - 1))
		what = "dgram pair: the datagram";
	else if (recv(UX_D1, buf, sizeof(buf), MSG_DONTWAIT) != 0)
		what = "dgram pair: the empty datagram";
	else if (recv(UX_D1, buf, sizeof(buf), MSG_DONTWAIT) != -1 || errno != EAGAIN)
		what = "dgram pair: a datagram more";
	else if (send(UX_D1, "b", 1, 0) != 1 ||
		 recv(UX_D0, buf, sizeof(buf), MSG_DONTWAIT) != 1 || buf[0] != 'b')
		what = "dgram pair: connected";
	else if (getsockopt(UX_U, SOL_SOCKET, SO_TYPE, &v, &len) || v != SOCK_STREAM ||
		 getpeername(UX_U, (struct sockaddr *)buf, &len) != -1 ||
		 errno != ENOTCONN)
		what = "the unconnected socket";
	else
		what = ux_names_check() ?: ux_senders_check();
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/* The sockets with names of the unix victim, see above */
static void ux_names_body(void)
{
	struct sockaddr_un sa;
	socklen_t l;
	int fd;

	/*
	 * bound by a relative name: getsockname() has it, not the path (the
	 * cwd stays ck.dir, which any restarter may search)
	 */
	CK_ASSERT(!chdir(ck.dir), "cd %s", ck.dir);
	l = ux_addr(&sa, UX_BNAME, sizeof(UX_BNAME));
	CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), UX_B) == UX_B &&
		  !bind(UX_B, (struct sockaddr *)&sa, l), "bind %s",
		  ck_path(UX_BNAME));
	ux_lname_len = ux_abstract(ux_lname, "listen", getpid());
	l = ux_addr(&sa, ux_lname, ux_lname_len);
	CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_STREAM, 0), UX_L) == UX_L &&
		  !bind(UX_L, (struct sockaddr *)&sa, l) &&
		  !listen(UX_L, UX_BACKLOG), "listener");
	/* a connection accepted, its listener closed */
	ux_aname_len = ux_abstract(ux_aname, "gone", getpid());
	l = ux_addr(&sa, ux_aname, ux_aname_len);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CK_ASSERT(fd >= 0 && !bind(fd, (struct sockaddr *)&sa, l) &&
		  !listen(fd, 1), "listener to close");
	CK_ASSERT(ck_move_fd(ux_connect(SOCK_STREAM, ux_aname, ux_aname_len),
			     UX_C) == UX_C && !fcntl(UX_C, F_SETFL, 0), "connect");
	CK_ASSERT(ck_move_fd(accept(fd, NULL, NULL), UX_A) == UX_A &&
		  !close(fd), "accept");
	CK_ASSERT(write(UX_C, UX_ACC, strlen(UX_ACC)) == strlen(UX_ACC),
		  "accepted connection data");
}

/*
 * The datagram socket of other senders, see above: its senders closed
 * before the checkpoint
 */
static void ux_senders_body(void)
{
	struct sockaddr_un to, sa;
	socklen_t tl, l;
	int one = 1, a, u;

	ux_gname_len = ux_abstract(ux_gname, "dgram", getpid());
	tl = ux_addr(&to, ux_gname, ux_gname_len);
	CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), UX_G) == UX_G &&
		  !bind(UX_G, (struct sockaddr *)&to, tl) &&
		  !setsockopt(UX_G, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)),
		  "datagram socket of other senders");
	ux_fname_len = ux_abstract(ux_fname, "from", getpid());
	l = ux_addr(&sa, ux_fname, ux_fname_len);
	a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	u = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CK_ASSERT(a >= 0 && u >= 0 && !bind(a, (struct sockaddr *)&sa, l),
		  "senders");
	CK_ASSERT(sendto(a, UX_FROM_A, strlen(UX_FROM_A), 0,
			 (struct sockaddr *)&to, tl) == strlen(UX_FROM_A) &&
		  sendto(u, UX_FROM_U, strlen(UX_FROM_U), 0,
			 (struct sockaddr *)&to, tl) == strlen(UX_FROM_U) &&
		  sendto(u, "", 0, 0, (struct sockaddr *)&to, tl) == 0 &&
		  sendto(a, UX_FROM_A2, strlen(UX_FROM_A2), 0,
			 (struct sockaddr *)&to, tl) == strlen(UX_FROM_A2),
		  "datagrams of other senders");
	CK_ASSERT(!close(a) && !close(u), "senders closed");
}

/* @arg: NULL, or run as CK_UNPRIV_UID */
static void ux_body(void *arg)
{
	char buf[UX_BACK_LEN];
	int one = 1, sv[2];

	if (arg)
		CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	CK_ASSERT(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv) &&
		  ck_move_fd(sv[0], UX_S0) == UX_S0 &&
		  ck_move_fd(sv[1], UX_S1) == UX_S1, "stream pair");
	CK_ASSERT(!setsockopt(UX_S1, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) &&
		  !fcntl(UX_S0, F_SETFL, O_NONBLOCK), "stream pair options");
	ck_fill(buf, sizeof(buf), UX_BACK_SEED);
	CK_ASSERT(write(UX_S0, UX_FWD1, strlen(UX_FWD1)) == strlen(UX_FWD1) &&
		  write(UX_S0, UX_FWD2, strlen(UX_FWD2)) == strlen(UX_FWD2) &&
		  write(UX_S1, buf, sizeof(buf)) == sizeof(buf), "stream data");
	CK_ASSERT(!socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) &&
		  ck_move_fd(sv[0], UX_D0) == UX_D0 &&
		  ck_move_fd(sv[1], UX_D1) == UX_D1, "dgram pair");
	CK_ASSERT(send(UX_D0, UX_DGRAM, strlen(UX_DGRAM), 0) == strlen(UX_DGRAM) &&
		  send(UX_D0, "", 0, 0) == 0, "datagrams");
	CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_STREAM, 0), UX_U) == UX_U,
		  "unconnected socket");
	ux_names_body();
	ux_senders_body();
	ck_report("PID %d", getpid());
	if (ck_checkpoint_self() > 0)
		_exit(0);
	ux_check();
}

/* The unix victim's records, by index */
struct ux_recs {
	long pid;		/* the victim's, as in TREE */
	int f0, pair, fu0, q0;	/* the stream pair's end 0: FILE, ... */
	int f1, fu1, q1;	/* its end 1 (no UNIX_PAIR) */
	int n0, n1;		/* their messages, after the UNIX_QUEUE */
	int fd0, dpair, fud0;	/* the dgram pair's end 0 */
	int fd1, fud1, qd1;	/* its end 1, two datagrams queued */
	int fu, fuu, qu;	/* the unconnected socket */
	/* the bound socket: FILE, INODE, FILE_UNIX, STRING, UNIX_QUEUE */
	int fb, ib, fub, sb, qb;
	int fl, ful, ql;	/* the listener */
	int fc, cpair, fuc, qc;	/* the connect()ed end, first */
	int fa, fua, qa;	/* the accepted end, UX_ACC queued */
	/*
	 * the datagram socket of other senders: FILE, FILE_UNIX, UNIX_QUEUE,
	 * its two UNIX_SENDER (sg, sg + 1), its UX_NR_FROM UNIX_MSG_FROM
	 * (mg, mg + 1...)
	 */
	int fg, fug, qg, sg, mg;
};

/*
 * Checkpoint the unix victim (@arg: as CK_UNPRIV_UID), load its image and
 * find its records, in the order checkpoint_hdr.h documents
 */
static void ux_load(struct __test_metadata *_metadata, FIXTURE_DATA(image) *self,
		    void *arg, struct ux_recs *x)
{
	const struct ckpt_hdr_unix_queue *q;
	int k;

	ck_checkpoint_child(_metadata, NULL, 0, ux_body, arg);
	ASSERT_EQ(0, ck_line_int("PID ", &x->pid));
	load_image(_metadata, self);
	x->f0 = file_of_fd(self, UX_S0);
	x->f1 = file_of_fd(self, UX_S1);
	x->fd0 = file_of_fd(self, UX_D0);
	x->fd1 = file_of_fd(self, UX_D1);
	x->fu = file_of_fd(self, UX_U);
	ASSERT_TRUE(x->f0 >= 0 && x->f1 > x->f0 && x->fd0 > x->f1 &&
		    x->fd1 > x->fd0 && x->fu > x->fd1)
		TH_LOG("FILE records of fds %d-%d: %d %d %d %d %d", UX_S0, UX_U,
		       x->f0, x->f1, x->fd0, x->fd1, x->fu);
	ASSERT_EQ((uint32_t)CKPT_FILE_UNIX,
		  ((const struct ckpt_hdr_file *)rec_at(self, x->f0))->type);
	x->pair = file_part(self, x->f0, CKPT_HDR_UNIX_PAIR);
	x->fu0 = file_part(self, x->f0, CKPT_HDR_FILE_UNIX);
	x->q0 = file_part(self, x->f0, CKPT_HDR_UNIX_QUEUE);
	x->fu1 = file_part(self, x->f1, CKPT_HDR_FILE_UNIX);
	x->q1 = file_part(self, x->f1, CKPT_HDR_UNIX_QUEUE);
	x->dpair = file_part(self, x->fd0, CKPT_HDR_UNIX_PAIR);
	x->fud0 = file_part(self, x->fd0, CKPT_HDR_FILE_UNIX);
	x->fud1 = file_part(self, x->fd1, CKPT_HDR_FILE_UNIX);
	x->qd1 = file_part(self, x->fd1, CKPT_HDR_UNIX_QUEUE);
	x->fuu = file_part(self, x->fu, CKPT_HDR_FILE_UNIX);
	x->qu = file_part(self, x->fu, CKPT_HDR_UNIX_QUEUE);
	/* the pair's record between the FILE and the FILE_UNIX of its first end */
	ASSERT_TRUE(x->pair == x->f0 + 1 && x->fu0 == x->f0 + 2 &&
		    x->q0 == x->f0 + 3 && x->fu1 == x->f1 + 1 &&
		    x->q1 == x->f1 + 2 && x->dpair == x->fd0 + 1 &&
		    x->fud0 == x->fd0 + 2 && x->fud1 == x->fd1 + 1 &&
		    x->qd1 == x->fd1 + 2 && x->fuu == x->fu + 1 &&
		    x->qu == x->fu + 2)
		TH_LOG("records: stream %d %d %d %d, %d %d %d; dgram %d %d %d, %d %d %d; unconnected %d %d %d",
		       x->f0, x->pair, x->fu0, x->q0, x->f1, x->fu1, x->q1,
		       x->fd0, x->dpair, x->fud0, x->fd1, x->fud1, x->qd1,
		       x->fu, x->fuu, x->qu);
	ASSERT_EQ(-1, file_part(self, x->f1, CKPT_HDR_UNIX_PAIR));
	ASSERT_EQ(-1, file_part(self, x->fu, CKPT_HDR_UNIX_PAIR));
	q = rec_at(self, x->q0);
	x->n0 = q->nr_msgs;
	q = rec_at(self, x->q1);
	x->n1 = q->nr_msgs;
	/* at least a message each way, right after its queue */
	ASSERT_TRUE(x->n0 >= 1 && x->n1 >= 1 && x->f1 == x->q0 + x->n0 + 1)
		TH_LOG("UNIX_QUEUE of end 0: %d messages, of end 1: %d", x->n0, x->n1);
	ASSERT_EQ((uint32_t)CKPT_HDR_UNIX_MSG, self->recs[x->q1 + x->n1].type);
	ASSERT_EQ(2U, ((const struct ckpt_hdr_unix_queue *)rec_at(self, x->qd1))->nr_msgs);

	/*
	 * The sockets with names: the bound one's INODE between its FILE and
	 * its FILE_UNIX, its STRING after; a UNIX_PAIR before the FILE_UNIX
	 * of the connect()ed end, the first
	 */
	x->fb = file_of_fd(self, UX_B);
	x->fl = file_of_fd(self, UX_L);
	x->fc = file_of_fd(self, UX_C);
	x->fa = file_of_fd(self, UX_A);
	ASSERT_TRUE(x->fb > x->fu && x->fl > x->fb && x->fc > x->fl &&
		    x->fa > x->fc)
		TH_LOG("FILE records of fds %d-%d: %d %d %d %d", UX_B, UX_A,
		       x->fb, x->fl, x->fc, x->fa);
	x->ib = file_part(self, x->fb, CKPT_HDR_INODE);
	x->fub = file_part(self, x->fb, CKPT_HDR_FILE_UNIX);
	x->sb = file_part(self, x->fb, CKPT_HDR_STRING);
	x->qb = file_part(self, x->fb, CKPT_HDR_UNIX_QUEUE);
	x->ful = file_part(self, x->fl, CKPT_HDR_FILE_UNIX);
	x->ql = file_part(self, x->fl, CKPT_HDR_UNIX_QUEUE);
	x->cpair = file_part(self, x->fc, CKPT_HDR_UNIX_PAIR);
	x->fuc = file_part(self, x->fc, CKPT_HDR_FILE_UNIX);
	x->qc = file_part(self, x->fc, CKPT_HDR_UNIX_QUEUE);
	x->fua = file_part(self, x->fa, CKPT_HDR_FILE_UNIX);
	x->qa = file_part(self, x->fa, CKPT_HDR_UNIX_QUEUE);
	ASSERT_TRUE(x->ib == x->fb + 1 && x->fub == x->fb + 2 &&
		    x->sb == x->fb + 3 && x->qb == x->fb + 4 &&
		    x->ful == x->fl + 1 && x->ql == x->fl + 2 &&
		    x->cpair == x->fc + 1 && x->fuc == x->fc + 2 &&
		    x->qc == x->fc + 3 && x->fua == x->fa + 1 &&
		    x->qa == x->fa + 2)
		TH_LOG("records: bound %d %d %d %d %d; listener %d %d %d; connected %d %d %d %d, accepted %d %d %d",
		       x->fb, x->ib, x->fub, x->sb, x->qb, x->fl, x->ful, x->ql,
		       x->fc, x->cpair, x->fuc, x->qc, x->fa, x->fua, x->qa);
	ASSERT_EQ(-1, file_part(self, x->fl, CKPT_HDR_STRING));
	ASSERT_EQ(-1, file_part(self, x->fa, CKPT_HDR_STRING));
	ASSERT_EQ(-1, file_part(self, x->fl, CKPT_HDR_INODE));
	ASSERT_EQ(1U, ((const struct ckpt_hdr_unix_queue *)rec_at(self, x->qa))->nr_msgs);

	/*
	 * The datagram socket of other senders, bound to an abstract name:
	 * its queue, its senders, then their datagrams
	 */
	x->fg = file_of_fd(self, UX_G);
	ASSERT_TRUE(x->fg > x->fa) TH_LOG("FILE record of fd %d: %d", UX_G, x->fg);
	x->fug = file_part(self, x->fg, CKPT_HDR_FILE_UNIX);
	x->qg = file_part(self, x->fg, CKPT_HDR_UNIX_QUEUE);
	x->sg = x->qg + 1;
	x->mg = x->qg + 3;
	ASSERT_TRUE(x->fug == x->fg + 1 && x->qg == x->fg + 2)
		TH_LOG("records: datagram socket %d %d %d", x->fg, x->fug, x->qg);
	q = rec_at(self, x->qg);
	ASSERT_EQ(sizeof(*q), (size_t)self->recs[x->qg].len);
	ASSERT_EQ(2U, q->nr_senders);
	ASSERT_EQ((uint32_t)UX_NR_FROM, q->nr_msgs);
	ASSERT_LE(x->mg + UX_NR_FROM, self->nr);
	ASSERT_EQ((uint32_t)CKPT_HDR_UNIX_SENDER, self->recs[x->sg].type);
	ASSERT_EQ((uint32_t)CKPT_HDR_UNIX_SENDER, self->recs[x->sg + 1].type);
	for (k = 0; k < UX_NR_FROM; k++)
		ASSERT_EQ((uint32_t)CKPT_HDR_UNIX_MSG_FROM,
			  self->recs[x->mg + k].type) TH_LOG("message %d", k);
}

/* The bytes the UNIX_MSG records @i.. (@n of them) hold */
static uint64_t ux_msg_bytes(FIXTURE_DATA(image) *self, int i, int n)
{
	uint64_t sum = 0;

	while (n--)
		sum += ((const struct ckpt_hdr_unix_msg *)rec_at(self, i++))->len;
	return sum;
}

/*
 * A UNIX_MSG record of @len bytes of 'm' (credentials none), its h.len
 * @len's padded to 8 plus @more; malloc()ed
 */
static struct ckpt_hdr_unix_msg *ux_msg(uint32_t len, uint32_t more)
{
	size_t rlen = CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_msg, len) + more;
	struct ckpt_hdr_unix_msg *m = calloc(1, rlen);

	if (!m)
		return NULL;
	m->h.type = CKPT_HDR_UNIX_MSG;
	m->h.len = rlen;
	m->len = len;
	m->uid = m->gid = (uint32_t)-1;
	memset(m + 1, 'm', len);
	return m;
}

/*
 * Restart the image with @ne edits: refused, whatever the errno (a real
 * one), with a line in the log
 */
static void expect_edit_fails(struct __test_metadata *_metadata,
			      FIXTURE_DATA(image) *self, const struct edit *e,
			      int ne, const char *what)
{
	off_t logged = log_size();
	unsigned char *buf;
	struct trial t;
	size_t len;

	buf = edit_image(self, e, ne, &len);
	ASSERT_NE(NULL, buf);
	try_image(self, buf, len, &t);
	free(buf);
	EXPECT_TRUE(t.out == OUT_ERROR && valid_errno(t.err)) {
		TH_LOG("%s: %s %s, expected an error", what, outcome_name[t.out],
		       t.out == OUT_ERROR ? strerrorname_np(t.err) ?: "?" : "");
		ck_dump(_metadata, what, t.status);
	}
	EXPECT_LT(logged, log_size()) TH_LOG("%s: nothing logged", what);
}

/* A field of a record of the unix victim given a value restart refuses */
struct ux_bad {
	int rec;		/* the record, by index */
	size_t off, size;	/* the field */
	uint64_t val;
	bool loose;		/* any errno, not EINVAL */
	const char *what;
	/*
	 * or refused with this errno (0: EINVAL), and a line "file record
	 * N: @log", N the objref of the FILE the record is of
	 */
	int err;
	const char *log;
};

#define UXF(r, s, m, v, w) { (r), offsetof(struct s, m), \
			     sizeof(((struct s *)0)->m), (uint64_t)(v), false, \
			     (w), 0, NULL }
#define UXL(r, s, m, v, w) { (r), offsetof(struct s, m), \
			     sizeof(((struct s *)0)->m), (uint64_t)(v), true, \
			     (w), 0, NULL }
/* a FILE_UNIX field: restart says "malformed unix socket", EINVAL */
#define UX_MALFORMED	"malformed unix socket"
#define UXM(r, m, v, w) { (r), offsetof(struct ckpt_hdr_file_unix, m), \
			  sizeof(((struct ckpt_hdr_file_unix *)0)->m), \
			  (uint64_t)(v), false, (w), EINVAL, UX_MALFORMED }
/* byte @k of a FILE_UNIX's name */
#define UXN(r, k, v, w) { (r), offsetof(struct ckpt_hdr_file_unix, name) + (k), \
			  1, (uint64_t)(v), false, (w), EINVAL, UX_MALFORMED }

/* The objref of the FILE record that record @i is of (or is), or 0 */
static uint32_t ux_file_objref(FIXTURE_DATA(image) *self, int i)
{
	while (i >= 0 && self->recs[i].type != CKPT_HDR_FILE)
		i--;
	return i >= 0 ? objref_of(self, i) : 0;
}

/*
 * Restart the image with @ne edits: refused with @err, and the line
 * "file record N: @log" for the FILE of record @i
 */
static void ux_expect_logged(struct __test_metadata *_metadata,
			     FIXTURE_DATA(image) *self, int i,
			     const struct edit *e, int ne, int err,
			     const char *log, const char *what)
{
	char line[256];

	snprintf(line, sizeof(line), "file record %u: %s",
		 ux_file_objref(self, i), log);
	expect_edit_logged(_metadata, self, e, ne, err, line, what);
}

static void ux_expect_bad(struct __test_metadata *_metadata,
			  FIXTURE_DATA(image) *self, const struct ux_bad *b,
			  size_t n)
{
	unsigned char *r;
	size_t k;

	for (k = 0; k < n; k++) {
		if (!b[k].loose && !b[k].log) {
			expect_field(_metadata, self, b[k].rec, b[k].off, b[k].size,
				     b[k].val, true, b[k].what);
			continue;
		}
		r = grown_rec(self, b[k].rec, 0, -1);
		ASSERT_NE(NULL, r);
		ASSERT_LE(b[k].off + b[k].size,
			  (size_t)self->recs[b[k].rec].len);
		memcpy(r + b[k].off, &b[k].val, b[k].size);
		if (b[k].log)
			ux_expect_logged(_metadata, self, b[k].rec,
					 &(struct edit){ b[k].rec, true, r,
							 self->recs[b[k].rec].len },
					 1, b[k].err ?: EINVAL, b[k].log,
					 b[k].what);
		else
			expect_edit_fails(_metadata, self,
					  &(struct edit){ b[k].rec, true, r,
							  self->recs[b[k].rec].len },
					  1, b[k].what);
		free(r);
	}
}

/*
 * A stream pair with data queued both ways (with credentials), a dgram
 * pair with a datagram and an empty one queued, an unconnected socket:
 * the image says what the program had, and resumes with all of it. The
 * fields of FILE, UNIX_PAIR, FILE_UNIX, UNIX_QUEUE and UNIX_MSG given a
 * value restart refuses, checksum fixed: EINVAL and a log line (a pid
 * that is no task of the tree: an error, whatever the errno). UNIX_PAIR:
 * a socket type but stream, dgram and seqpacket, or not its sockets';
 * unknown flags; CLOSED while its end 1 follows; a reserved field; objref
 * 0, or a FILE's. FILE_UNIX: a socket type that is no socket's or not
 * its pair's, an end but 0 and 1, an end twice, end 1 of no pair, unknown
 * flags or shutdown bits, a pending error but ECONNRESET (and that one
 * where the peer was not closed, or on an unconnected socket), rcvlowat
 * below 1, peek_off below -1, a reserved field, a pair_objref of nothing
 * or of a FILE, a peer pid out of the tree (or any on an unconnected
 * socket). FILE: an access mode but O_RDWR, a flag but O_NONBLOCK, an
 * offset. UNIX_QUEUE: counts over the limits, a reserved field.
 * UNIX_MSG: a len over CKPT_UNIX_MSG_MAX, a pid out of the tree.
 * FILE_UNIX is extensible; the padding after a message's bytes is not
 * read.
 */
TEST_F_TIMEOUT(image, unix_records_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_unix_pair *ph;
	const struct ckpt_hdr_file_unix *u0, *u1, *uu, *ud;
	const struct ckpt_hdr_unix_queue *q0, *q1, *qu, *qd1;
	const struct ckpt_hdr_unix_msg *md;
	struct ux_recs x;
	uint32_t fl0, fl1, ref0;
	int m0;

	ux_load(_metadata, self, NULL, &x);
	m0 = x.q0 + 1;
	fl0 = ((const struct ckpt_hdr_file *)rec_at(self, x.f0))->f_flags;
	fl1 = ((const struct ckpt_hdr_file *)rec_at(self, x.f1))->f_flags;
	ref0 = objref_of(self, x.f0);
	EXPECT_EQ((uint32_t)(O_RDWR | O_NONBLOCK), fl0);
	EXPECT_EQ((uint32_t)O_RDWR, fl1);
	EXPECT_EQ(0, ((const struct ckpt_hdr_file *)rec_at(self, x.f0))->pos);
	ph = rec_at(self, x.pair);
	EXPECT_EQ((uint32_t)SOCK_STREAM, ph->sock_type);
	EXPECT_EQ(0U, ph->flags);
	EXPECT_EQ(0U, ph->__reserved);
	EXPECT_EQ((uint32_t)SOCK_DGRAM,
		  ((const struct ckpt_hdr_unix_pair *)rec_at(self, x.dpair))->sock_type);
	u0 = rec_at(self, x.fu0);
	u1 = rec_at(self, x.fu1);
	ud = rec_at(self, x.fud0);
	uu = rec_at(self, x.fuu);
	EXPECT_EQ(sizeof(*u0), (size_t)u0->h.len);
	EXPECT_EQ((uint32_t)SOCK_STREAM, u0->sock_type);
	EXPECT_EQ(ph->objref, u0->pair_objref);
	EXPECT_EQ(ph->objref, u1->pair_objref);
	EXPECT_EQ(0U, u0->end);
	EXPECT_EQ(1U, u1->end);
	EXPECT_EQ(0U, u0->flags & CKPT_UNIX_PASSCRED);
	EXPECT_EQ((uint32_t)CKPT_UNIX_PASSCRED, u1->flags & CKPT_UNIX_PASSCRED);
	EXPECT_EQ(0U, u0->shutdown);
	EXPECT_EQ(0, u0->err);
	EXPECT_EQ(1, u0->rcvlowat);
	EXPECT_EQ(-1, u0->peek_off);
	EXPECT_EQ(x.pid, u0->peer_pid);
	EXPECT_EQ(x.pid, u1->peer_pid);
	EXPECT_EQ(((const struct ckpt_hdr_unix_pair *)rec_at(self, x.dpair))->objref,
		  ud->pair_objref);
	EXPECT_EQ(0U, uu->pair_objref);
	EXPECT_EQ(0U, uu->end);
	EXPECT_EQ(0, uu->peer_pid);
	/* the queues: each way what was sent, with the sender's credentials */
	q0 = rec_at(self, x.q0);
	q1 = rec_at(self, x.q1);
	qu = rec_at(self, x.qu);
	qd1 = rec_at(self, x.qd1);
	EXPECT_EQ((uint64_t)UX_BACK_LEN, q0->bytes);
	EXPECT_EQ(ux_msg_bytes(self, x.q0 + 1, x.n0), q0->bytes);
	EXPECT_EQ(sizeof(UX_FWD) - 1, q1->bytes);
	EXPECT_EQ(ux_msg_bytes(self, x.q1 + 1, x.n1), q1->bytes);
	EXPECT_EQ(0U, qu->nr_msgs);
	EXPECT_EQ(0U, qu->bytes);
	EXPECT_EQ(sizeof(UX_DGRAM) - 1, qd1->bytes);
	md = rec_at(self, x.q1 + 1);
	EXPECT_EQ(x.pid, md->pid);
	EXPECT_EQ(0U, md->uid);
	EXPECT_EQ(0U, md->gid);
	EXPECT_EQ(0, memcmp(md + 1, UX_FWD, md->len));
	md = rec_at(self, x.qd1 + 1);
	EXPECT_EQ(sizeof(UX_DGRAM) - 1, (size_t)md->len);
	EXPECT_EQ((size_t)CKPT_REC_MAX_LEN(*md, md->len), (size_t)md->h.len);
	md = rec_at(self, x.qd1 + 2);
	EXPECT_EQ(0U, md->len);
	EXPECT_EQ(sizeof(*md), (size_t)md->h.len);

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	{
		const struct ux_bad bad[] = {
			/* FILE: O_RDWR, O_NONBLOCK or not, no offset */
			UXF(x.f0, ckpt_hdr_file, f_flags, O_RDONLY | O_NONBLOCK,
			    "FILE (UNIX).f_flags O_RDONLY"),
			UXF(x.f1, ckpt_hdr_file, f_flags, O_WRONLY,
			    "FILE (UNIX).f_flags O_WRONLY"),
			UXF(x.f0, ckpt_hdr_file, f_flags, fl0 | O_ACCMODE,
			    "FILE (UNIX).f_flags access mode 3"),
			UXF(x.f0, ckpt_hdr_file, f_flags, fl0 | O_APPEND,
			    "FILE (UNIX).f_flags O_APPEND"),
			UXF(x.f1, ckpt_hdr_file, f_flags, fl1 | O_CLOEXEC,
			    "FILE (UNIX).f_flags O_CLOEXEC"),
			UXF(x.f0, ckpt_hdr_file, pos, 1, "FILE (UNIX).pos 1"),
			/* UNIX_PAIR */
			UXF(x.pair, ckpt_hdr_unix_pair, sock_type, 0,
			    "UNIX_PAIR.sock_type 0"),
			UXF(x.pair, ckpt_hdr_unix_pair, sock_type, SOCK_RAW,
			    "UNIX_PAIR.sock_type SOCK_RAW"),
			UXF(x.pair, ckpt_hdr_unix_pair, sock_type, 0xffffffff,
			    "UNIX_PAIR.sock_type ~0"),
			UXF(x.pair, ckpt_hdr_unix_pair, sock_type, SOCK_SEQPACKET,
			    "UNIX_PAIR.sock_type SOCK_SEQPACKET, its sockets stream"),
			UXF(x.dpair, ckpt_hdr_unix_pair, sock_type, SOCK_STREAM,
			    "UNIX_PAIR.sock_type SOCK_STREAM, its sockets dgram"),
			UXF(x.pair, ckpt_hdr_unix_pair, flags, 0x2,
			    "UNIX_PAIR.flags 0x2"),
			UXF(x.pair, ckpt_hdr_unix_pair, flags, 0x80000000,
			    "UNIX_PAIR.flags 0x80000000"),
			UXF(x.pair, ckpt_hdr_unix_pair, flags, CKPT_UNIX_PAIR_CLOSED,
			    "UNIX_PAIR.flags CLOSED, its end 1 follows"),
			UXF(x.pair, ckpt_hdr_unix_pair, __reserved, 1,
			    "UNIX_PAIR.__reserved"),
			UXF(x.pair, ckpt_hdr_unix_pair, objref, 0,
			    "UNIX_PAIR.objref 0"),
			UXF(x.pair, ckpt_hdr_unix_pair, objref, ref0,
			    "UNIX_PAIR.objref of the FILE before it"),
			/* FILE_UNIX */
			UXF(x.fu0, ckpt_hdr_file_unix, sock_type, 0,
			    "FILE_UNIX.sock_type 0"),
			UXF(x.fu0, ckpt_hdr_file_unix, sock_type, SOCK_RDM,
			    "FILE_UNIX.sock_type SOCK_RDM"),
			UXF(x.fu0, ckpt_hdr_file_unix, sock_type, SOCK_DGRAM,
			    "FILE_UNIX.sock_type SOCK_DGRAM, its pair stream"),
			UXF(x.fuu, ckpt_hdr_file_unix, sock_type, SOCK_PACKET,
			    "FILE_UNIX.sock_type SOCK_PACKET, unconnected"),
			UXF(x.fu0, ckpt_hdr_file_unix, end, 2, "FILE_UNIX.end 2"),
			UXF(x.fu0, ckpt_hdr_file_unix, end, 0xffffffff,
			    "FILE_UNIX.end ~0"),
			UXF(x.fu1, ckpt_hdr_file_unix, end, 0,
			    "FILE_UNIX.end 0 of the pair twice"),
			UXF(x.fu0, ckpt_hdr_file_unix, end, 1,
			    "FILE_UNIX.end 1 of the pair twice"),
			UXF(x.fuu, ckpt_hdr_file_unix, end, 1,
			    "FILE_UNIX.end 1 of no pair"),
			UXF(x.fu0, ckpt_hdr_file_unix, pair_objref, 0xffff,
			    "FILE_UNIX.pair_objref of nothing"),
			UXF(x.fu0, ckpt_hdr_file_unix, pair_objref, ref0,
			    "FILE_UNIX.pair_objref of a FILE"),
			UXF(x.fu0, ckpt_hdr_file_unix, flags, CKPT_UNIX_FLAGS_MASK + 1,
			    "FILE_UNIX.flags past CKPT_UNIX_FLAGS_MASK"),
			UXF(x.fu1, ckpt_hdr_file_unix, flags, u1->flags | 0x80000000,
			    "FILE_UNIX.flags | 0x80000000"),
			UXF(x.fu0, ckpt_hdr_file_unix, shutdown, 4,
			    "FILE_UNIX.shutdown 4"),
			UXF(x.fu0, ckpt_hdr_file_unix, shutdown, 0xffffffff,
			    "FILE_UNIX.shutdown ~0"),
			UXF(x.fu0, ckpt_hdr_file_unix, err, EPIPE,
			    "FILE_UNIX.err EPIPE"),
			UXF(x.fu0, ckpt_hdr_file_unix, err, -ECONNRESET,
			    "FILE_UNIX.err -ECONNRESET"),
			UXF(x.fu0, ckpt_hdr_file_unix, err, 0x7fffffff,
			    "FILE_UNIX.err INT_MAX"),
			UXF(x.fu0, ckpt_hdr_file_unix, err, ECONNRESET,
			    "FILE_UNIX.err ECONNRESET, its peer not closed"),
			UXF(x.fuu, ckpt_hdr_file_unix, err, ECONNRESET,
			    "FILE_UNIX.err ECONNRESET, unconnected"),
			UXF(x.fu0, ckpt_hdr_file_unix, rcvlowat, 0,
			    "FILE_UNIX.rcvlowat 0"),
			UXF(x.fu0, ckpt_hdr_file_unix, rcvlowat, (uint32_t)-1,
			    "FILE_UNIX.rcvlowat -1"),
			UXF(x.fu0, ckpt_hdr_file_unix, peek_off, (uint32_t)-2,
			    "FILE_UNIX.peek_off -2"),
			UXF(x.fu0, ckpt_hdr_file_unix, peek_off, 0x80000000,
			    "FILE_UNIX.peek_off INT_MIN"),
			UXF(x.fu0, ckpt_hdr_file_unix, __reserved, 1,
			    "FILE_UNIX.__reserved"),
			UXL(x.fu0, ckpt_hdr_file_unix, peer_pid, x.pid + 1,
			    "FILE_UNIX.peer_pid of no task of the tree"),
			UXL(x.fu1, ckpt_hdr_file_unix, peer_pid, 1,
			    "FILE_UNIX.peer_pid 1, out of the tree"),
			UXL(x.fuu, ckpt_hdr_file_unix, peer_pid, (uint32_t)-1,
			    "FILE_UNIX.peer_pid -1"),
			UXF(x.fuu, ckpt_hdr_file_unix, peer_pid, x.pid,
			    "FILE_UNIX.peer_pid of the tree, unconnected"),
			/* UNIX_QUEUE: the limits */
			UXF(x.q0, ckpt_hdr_unix_queue, nr_msgs, CKPT_MAX_UNIX_MSGS + 1,
			    "UNIX_QUEUE.nr_msgs above CKPT_MAX_UNIX_MSGS"),
			UXF(x.q0, ckpt_hdr_unix_queue, bytes, CKPT_UNIX_QUEUE_MAX + 1ULL,
			    "UNIX_QUEUE.bytes above CKPT_UNIX_QUEUE_MAX"),
			UXF(x.q1, ckpt_hdr_unix_queue, bytes, ~0ULL,
			    "UNIX_QUEUE.bytes ~0"),
			UXF(x.q0, ckpt_hdr_unix_queue, __reserved, 1,
			    "UNIX_QUEUE.__reserved"),
			/* UNIX_MSG */
			UXF(m0, ckpt_hdr_unix_msg, len, CKPT_UNIX_MSG_MAX + 1,
			    "UNIX_MSG.len above CKPT_UNIX_MSG_MAX"),
			UXF(m0, ckpt_hdr_unix_msg, len, 0xffffffff,
			    "UNIX_MSG.len ~0"),
			UXL(x.q1 + 1, ckpt_hdr_unix_msg, pid, x.pid + 1,
			    "UNIX_MSG.pid of no task of the tree"),
			UXL(x.q1 + 1, ckpt_hdr_unix_msg, pid, (uint32_t)-1,
			    "UNIX_MSG.pid -1"),
			UXL(x.qd1 + 1, ckpt_hdr_unix_msg, pid, 1,
			    "UNIX_MSG.pid 1, of a datagram, out of the tree"),
		};

		ux_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad));
	}

	/* FILE_UNIX and UNIX_QUEUE are extensible, UNIX_PAIR is not */
	expect_grown(_metadata, self, x.fu0, 8, -1, false,
		     "FILE_UNIX + 8 zero bytes");
	expect_grown(_metadata, self, x.fu1, CKPT_REC_EXT_MAX - self->recs[x.fu1].len,
		     -1, false, "FILE_UNIX of CKPT_REC_EXT_MAX, zero tail");
	expect_grown(_metadata, self, x.fu0, 8, 5, true,
		     "FILE_UNIX + 8 bytes, one not zero");
	expect_grown(_metadata, self, x.pair, 8, -1, true,
		     "UNIX_PAIR + 8 zero bytes (not extensible)");
	expect_grown(_metadata, self, x.qu, 8, -1, false,
		     "UNIX_QUEUE + 8 zero bytes");
	expect_grown(_metadata, self, x.qu, 8, 3, true,
		     "UNIX_QUEUE + 8 bytes, one not zero");

	/* what restart takes, and the victim cannot tell apart */
	{
		unsigned char *r = grown_rec(self, x.qd1 + 1, 0, -1);

		ASSERT_NE(NULL, r);
		/* "dgram-1": 7 bytes, one of padding, which is not read */
		ASSERT_LT((size_t)sizeof(struct ckpt_hdr_unix_msg) +
			  sizeof(UX_DGRAM) - 1, (size_t)self->recs[x.qd1 + 1].len);
		r[self->recs[x.qd1 + 1].len - 1] = 0x5a;
		expect_edit(_metadata, self,
			    &(struct edit){ x.qd1 + 1, true, r, self->recs[x.qd1 + 1].len },
			    1, false, "UNIX_MSG padding not zero");
		free(r);
	}
	check_no_splat(_metadata, self);
}

/*
 * The unix victim's records left out, repeated, moved or resized,
 * checksum fixed: EINVAL and a log line. The UNIX_PAIR left out, after
 * the FILE_UNIX of its first end, before that end's FILE, twice; a
 * UNIX_QUEUE left out; a UNIX_MSG left out, twice, or more or fewer than
 * nr_msgs says, a bytes count that is not its messages'; messages queued
 * on the unconnected socket; a UNIX_MSG whose h.len is not its len's
 * padded to 8, or too short for it; an empty message on a stream socket.
 * What restart takes: an empty datagram instead of the first one (the
 * victim reads it), the pair's end 1 closed (CKPT_UNIX_PAIR_CLOSED, end
 * 0 shut down both ways; the victim misses its fd).
 */
TEST_F_TIMEOUT(image, unix_records_out_of_sequence, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_unix_queue *q0;
	struct ckpt_hdr_unix_msg *msg;
	struct ux_recs x;
	unsigned char *r, *qr;
	uint32_t len0;
	int m0, k;

	ux_load(_metadata, self, NULL, &x);
	m0 = x.q0 + 1;
	q0 = rec_at(self, x.q0);
	len0 = ((const struct ckpt_hdr_unix_msg *)rec_at(self, m0))->len;

	{
		const void *pair = rec_at(self, x.pair);
		const size_t plen = self->recs[x.pair].len;
		const struct edit e[][2] = {
			{ { x.pair, true, NULL, 0 } },
			{ { x.pair, true, NULL, 0 }, { x.q0, false, pair, plen } },
			{ { x.pair, true, NULL, 0 }, { x.f0, false, pair, plen } },
			{ { x.pair, false, pair, plen } },
			{ { x.q0, true, NULL, 0 } },
			{ { x.qu, true, NULL, 0 } },
			{ { m0, true, NULL, 0 } },
			{ { m0, false, rec_at(self, m0), self->recs[m0].len } },
			{ { x.q1 + x.n1 + 1, false, rec_at(self, m0),
			    self->recs[m0].len } },
			{ { x.fu1, false, rec_at(self, x.q1), self->recs[x.q1].len } },
		};
		static const char *const names[] = {
			"UNIX_PAIR left out",
			"UNIX_PAIR after the FILE_UNIX of its first end",
			"UNIX_PAIR before the FILE of its first end",
			"UNIX_PAIR twice",
			"UNIX_QUEUE of the stream pair's end 0 left out",
			"UNIX_QUEUE of the unconnected socket left out",
			"UNIX_MSG left out",
			"UNIX_MSG twice",
			"UNIX_MSG of end 0 after the messages of end 1 too",
			"UNIX_QUEUE before the FILE_UNIX",
		};

		for (k = 0; k < (int)ARRAY_SIZE(e); k++)
			expect_edit(_metadata, self, e[k], e[k][1].rec ? 2 : 1,
				    true, names[k]);
	}

	/* the counts: nr_msgs and bytes are the messages' */
	expect_field(_metadata, self, x.q0, FIELD(ckpt_hdr_unix_queue, nr_msgs),
		     x.n0 + 1, true, "UNIX_QUEUE.nr_msgs + 1");
	expect_field(_metadata, self, x.q0, FIELD(ckpt_hdr_unix_queue, nr_msgs),
		     x.n0 - 1, true, "UNIX_QUEUE.nr_msgs - 1");
	expect_field(_metadata, self, x.q0, FIELD(ckpt_hdr_unix_queue, bytes),
		     q0->bytes + 1, true, "UNIX_QUEUE.bytes + 1");
	expect_field(_metadata, self, x.q0, FIELD(ckpt_hdr_unix_queue, bytes),
		     q0->bytes - 1, true, "UNIX_QUEUE.bytes - 1");
	expect_field(_metadata, self, x.q1, FIELD(ckpt_hdr_unix_queue, bytes), 0,
		     true, "UNIX_QUEUE.bytes 0");

	/* messages on the unconnected socket */
	msg = ux_msg(8, 0);
	qr = grown_rec(self, x.qu, 0, -1);
	ASSERT_TRUE(msg && qr);
	((struct ckpt_hdr_unix_queue *)qr)->nr_msgs = 1;
	((struct ckpt_hdr_unix_queue *)qr)->bytes = 8;
	{
		const struct edit e[] = {
			{ x.qu, true, qr, self->recs[x.qu].len },
			{ x.qu + 1, false, msg, msg->h.len },
		};

		expect_edit(_metadata, self, e, ARRAY_SIZE(e), true,
			    "UNIX_QUEUE of a message on the unconnected socket");
	}
	free(msg);
	free(qr);

	/* UNIX_MSG: h.len is len's, padded to 8 */
	expect_grown(_metadata, self, m0, 8, -1, true,
		     "UNIX_MSG + 8 zero bytes, len kept");
	expect_field(_metadata, self, m0, FIELD(ckpt_hdr_unix_msg, len),
		     len0 + 8, true, "UNIX_MSG.len + 8, h.len kept");
	{
		/* the queue's bytes kept right: only the message's record is off */
		unsigned char *q = grown_rec(self, x.q0, 0, -1);
		struct edit e[] = {
			{ x.q0, true, q, self->recs[x.q0].len },
			{ m0, true, NULL, 0 },
		};

		ASSERT_NE(NULL, q);
		msg = ux_msg(len0 + 8, 0);
		ASSERT_NE(NULL, msg);
		msg->h.len -= 8;
		e[1].rec = msg;
		e[1].len = msg->h.len;
		((struct ckpt_hdr_unix_queue *)q)->bytes += 8;
		expect_edit(_metadata, self, e, ARRAY_SIZE(e), true,
			    "UNIX_MSG of len + 8 in a record 8 bytes short, bytes + 8");
		free(msg);
		/* an empty message on a stream socket, the bytes without it */
		msg = ux_msg(0, 0);
		ASSERT_NE(NULL, msg);
		((struct ckpt_hdr_unix_queue *)q)->bytes = q0->bytes - len0;
		e[1].rec = msg;
		e[1].len = msg->h.len;
		expect_edit(_metadata, self, e, ARRAY_SIZE(e), true,
			    "UNIX_MSG of len 0 on a stream socket");
		free(msg);
		free(q);
	}

	/* what restart takes, and the victim sees */
	{
		const struct ckpt_hdr_unix_queue *qd = rec_at(self, x.qd1);
		const int md = x.qd1 + 1;
		unsigned char *q = grown_rec(self, x.qd1, 0, -1);
		struct edit e[] = {
			{ x.qd1, true, q, self->recs[x.qd1].len },
			{ md, true, NULL, 0 },
		};

		msg = ux_msg(0, 0);
		ASSERT_TRUE(q && msg);
		((struct ckpt_hdr_unix_queue *)q)->bytes = qd->bytes -
			((const struct ckpt_hdr_unix_msg *)rec_at(self, md))->len;
		e[1].rec = msg;
		e[1].len = msg->h.len;
		expect_taken(_metadata, self, e, ARRAY_SIZE(e),
			     "UNIX_MSG of len 0 instead of a datagram");
		free(msg);
		free(q);
	}
	{
		/*
		 * End 1 closed with bytes unread, as close() leaves end 0:
		 * shut down both ways, ECONNRESET pending; end 1's records
		 * and its fd gone
		 */
		int fdt = first_rec(self, CKPT_HDR_FDTABLE), n = 0, i;
		const struct ckpt_hdr_fdtable *t;
		struct ckpt_hdr_fdtable *nt;
		struct ckpt_fd *ents;
		struct ckpt_hdr_file_unix *u;
		struct edit *e;
		uint32_t j;

		ASSERT_LE(0, fdt);
		e = calloc(x.fd0 - x.f1 + 3, sizeof(*e));
		r = grown_rec(self, x.pair, 0, -1);
		qr = grown_rec(self, x.fu0, 0, -1);
		t = rec_at(self, fdt);
		nt = calloc(1, self->recs[fdt].len);
		ASSERT_TRUE(e && r && qr && nt);
		((struct ckpt_hdr_unix_pair *)r)->flags = CKPT_UNIX_PAIR_CLOSED;
		u = (void *)qr;
		u->shutdown = CKPT_UNIX_SHUT_RD | CKPT_UNIX_SHUT_WR;
		u->err = ECONNRESET;
		e[n++] = (struct edit){ x.pair, true, r, self->recs[x.pair].len };
		e[n++] = (struct edit){ x.fu0, true, qr, self->recs[x.fu0].len };
		for (i = x.f1; i < x.fd0; i++)
			e[n++] = (struct edit){ i, true, NULL, 0 };
		*nt = *t;
		ents = (struct ckpt_fd *)(nt + 1);
		for (j = 0, nt->nr_fds = 0; j < t->nr_fds; j++)
			if (((const struct ckpt_fd *)(t + 1))[j].fd != UX_S1)
				ents[nt->nr_fds++] = ((const struct ckpt_fd *)(t + 1))[j];
		ASSERT_EQ(t->nr_fds - 1, nt->nr_fds);
		nt->h.len = sizeof(*nt) + nt->nr_fds * sizeof(*ents);
		e[n++] = (struct edit){ fdt, true, nt, nt->h.len };
		expect_taken(_metadata, self, e, n,
			     "UNIX_PAIR CLOSED, end 0 shut down with ECONNRESET, no end 1");
		free(nt);
		free(qr);
		free(r);
		free(e);
	}
	check_no_splat(_metadata, self);
}

/* The FILE_UNIX record @i, as a struct to edit */
static struct ckpt_hdr_file_unix ux_rec(FIXTURE_DATA(image) *self, int i)
{
	return *(const struct ckpt_hdr_file_unix *)rec_at(self, i);
}

/* Are the bytes of the name of @u from @n on all zero? */
static bool ux_name_tail_zero(const struct ckpt_hdr_file_unix *u, size_t n)
{
	while (n < sizeof(u->name) && !u->name[n])
		n++;
	return n == sizeof(u->name);
}

/* net.core.somaxconn, or -1 */
static long ux_somaxconn(void)
{
	char buf[32];

	if (ck_read_file("/proc/sys/net/core/somaxconn", buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * The sockets with names. As written: the bound one's FILE_UNIX has its
 * relative name, CKPT_UNIX_BOUND, the INODE of its socket inode (right
 * before it) and that inode's mode and owner, and a STRING after it, the
 * path from the root; the listener's, its abstract name, BOUND and
 * LISTEN, its backlog and the pid that listened; the accepted end's, its
 * listener's name without BOUND; the connect()ed end's, no name. The
 * image restarts, and the victim finds each as it was (the bound socket
 * takes its inode again).
 *
 * Each rule of a FILE_UNIX's name broken, checksum fixed: EINVAL, "file
 * record N: malformed unix socket", and no task runs: a name_len above
 * CKPT_UNIX_NAME_MAX; a byte after the name; a path name without its
 * NUL, or with one inside; BOUND with no name; a name without BOUND on
 * an unconnected socket or a datagram pair's end; an inode_objref 0 on a
 * path socket, or one on an abstract socket (a path made abstract); mode
 * bits past S_IALLUGO; a mode or owner without a bound path; LISTEN not
 * bound, on a datagram socket, on an end of a pair, with an error; a
 * backlog above INT_MAX with LISTEN, or any without it; connections
 * waiting (nr_embryos) on a socket that is not listening; a peer pid on
 * an unconnected stream socket that is not listening, or one of no task
 * of the tree on the listener. The STRING: relative ("a relative path"),
 * left out, or after a socket without a path: EINVAL. The INODE left
 * out, or named by its FILE's objref: EINVAL; another file's INODE:
 * ESTALE. Refused for what the restarter has, not for the image: the
 * INODE not the socket inode's any more (ESTALE, "was replaced since the
 * checkpoint"; taken with RESTART_ACCEPT_REPLACED), a regular file at the
 * STRING's path (EADDRINUSE, with RESTART_ACCEPT_REPLACED), a backlog
 * above net.core.somaxconn (EPERM). What restart takes: an abstract name
 * of CKPT_UNIX_NAME_MAX bytes, a connect()ed end given the name "\0" as
 * an accepted one has, a backlog of 0 or of net.core.somaxconn, the
 * INODE before the FILE, as a regular file's comes, a peer pid on the
 * bound datagram socket (a socketpair() end connected elsewhere since
 * keeps its SO_PEERCRED).
 */
TEST_F_TIMEOUT(image, unix_names_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_file_unix *ub, *ul, *uc, *ua, *uu, *ud;
	const struct ckpt_hdr_unix_pair *cp;
	const struct ckpt_hdr_inode *ino;
	struct ckpt_hdr_file_unix u;
	char why[256] = "", name[CKPT_UNIX_NAME_MAX], log[512];
	const size_t ulen = sizeof(struct ckpt_hdr_file_unix);
	socklen_t lname_len, aname_len;
	uint32_t ref_other = 0;
	struct ux_recs x;
	struct stat st;
	long somaxconn;
	int k;

	ux_load(_metadata, self, NULL, &x);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	ub = rec_at(self, x.fub);
	ul = rec_at(self, x.ful);
	uc = rec_at(self, x.fuc);
	ua = rec_at(self, x.fua);
	uu = rec_at(self, x.fuu);
	ud = rec_at(self, x.fud0);
	ino = rec_at(self, x.ib);
	cp = rec_at(self, x.cpair);

	/* the bound socket: its name, its inode, where it is */
	EXPECT_EQ(ulen, (size_t)ub->h.len);
	EXPECT_EQ((uint32_t)SOCK_DGRAM, ub->sock_type);
	EXPECT_EQ(0U, ub->pair_objref);
	EXPECT_EQ((uint32_t)CKPT_UNIX_BOUND,
		  ub->flags & (CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN));
	EXPECT_EQ(sizeof(UX_BNAME), (size_t)ub->name_len);
	EXPECT_EQ(0, memcmp(ub->name, UX_BNAME, sizeof(UX_BNAME)));
	EXPECT_TRUE(ux_name_tail_zero(ub, ub->name_len));
	EXPECT_EQ(0U, ub->backlog);
	EXPECT_EQ(0, ub->peer_pid);
	EXPECT_EQ(ino->objref, ub->inode_objref);
	expect_identity(_metadata, self, x.ib, ck_path(UX_BNAME));
	ASSERT_EQ(0, stat(ck_path(UX_BNAME), &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ((uint32_t)(st.st_mode & 07777), ub->mode);
	EXPECT_EQ((uint32_t)st.st_uid, ub->uid);
	EXPECT_EQ((uint32_t)st.st_gid, ub->gid);
	EXPECT_EQ(0U, ub->nr_embryos);
	EXPECT_STREQ(ck_path(UX_BNAME), string_at(self, x.sb) ?: "(none)");
	/* the listener */
	lname_len = ux_abstract(name, "listen", x.pid);
	EXPECT_EQ((uint32_t)SOCK_STREAM, ul->sock_type);
	EXPECT_EQ(0U, ul->pair_objref);
	EXPECT_EQ((uint32_t)(CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN),
		  ul->flags & (CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN));
	EXPECT_EQ((uint32_t)lname_len, ul->name_len);
	EXPECT_EQ(0, memcmp(ul->name, name, lname_len));
	EXPECT_TRUE(ux_name_tail_zero(ul, ul->name_len));
	EXPECT_EQ((uint32_t)UX_BACKLOG, ul->backlog);
	EXPECT_EQ(0U, ul->nr_embryos);
	EXPECT_EQ(x.pid, ul->peer_pid);
	EXPECT_EQ(0U, ul->inode_objref);
	EXPECT_EQ(0U, ul->mode | ul->uid | ul->gid);
	/* the connection: the accepted end has the name, not bound */
	aname_len = ux_abstract(name, "gone", x.pid);
	EXPECT_EQ((uint32_t)SOCK_STREAM, cp->sock_type);
	EXPECT_EQ(cp->objref, uc->pair_objref);
	EXPECT_EQ(cp->objref, ua->pair_objref);
	EXPECT_EQ(0U, uc->end);
	EXPECT_EQ(1U, ua->end);
	EXPECT_EQ(0U, uc->name_len);
	EXPECT_EQ(0U, uc->flags & (CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN));
	EXPECT_EQ(0U, ua->flags & (CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN));
	EXPECT_EQ((uint32_t)aname_len, ua->name_len);
	EXPECT_EQ(0, memcmp(ua->name, name, aname_len));
	EXPECT_TRUE(ux_name_tail_zero(ua, ua->name_len));
	EXPECT_EQ(0U, ua->inode_objref | ua->backlog | ua->mode);
	EXPECT_EQ(x.pid, ua->peer_pid);
	EXPECT_EQ(x.pid, uc->peer_pid);
	/* and the others, none */
	EXPECT_EQ(0U, uu->name_len | uu->backlog | uu->inode_objref);
	EXPECT_EQ(0U, uu->flags & (CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN));
	EXPECT_EQ(0U, ud->name_len);

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	{
		const struct ux_bad bad[] = {
			/* the name: its length, the bytes after it */
			UXM(x.ful, name_len, CKPT_UNIX_NAME_MAX + 1,
			    "FILE_UNIX.name_len 109, abstract"),
			UXM(x.fub, name_len, CKPT_UNIX_NAME_MAX + 1,
			    "FILE_UNIX.name_len 109, a path"),
			UXM(x.ful, name_len, 0xffffffff, "FILE_UNIX.name_len ~0"),
			UXN(x.fub, sizeof(UX_BNAME), 'x',
			    "FILE_UNIX.name: a byte after the path"),
			UXN(x.ful, lname_len, 'x',
			    "FILE_UNIX.name: a byte after the abstract name"),
			UXN(x.fua, CKPT_UNIX_NAME_MAX - 1, 1,
			    "FILE_UNIX.name: its last byte, after the accepted end's name"),
			UXN(x.fuu, 0, '/',
			    "FILE_UNIX.name: a byte, name_len 0"),
			/* a path ends with its only NUL */
			UXM(x.fub, name_len, sizeof(UX_BNAME) - 1,
			    "FILE_UNIX.name_len: a path without its NUL"),
			UXN(x.fub, 2, 0, "FILE_UNIX.name: a NUL inside the path"),
			/* bound: a name; a name not bound: an accepted end's */
			UXM(x.fuu, flags, uu->flags | CKPT_UNIX_BOUND,
			    "FILE_UNIX.flags BOUND, name_len 0"),
			UXM(x.fuu, name_len, 1,
			    "FILE_UNIX.name_len 1, not BOUND, unconnected"),
			UXM(x.fud0, name_len, 1,
			    "FILE_UNIX.name_len 1, not BOUND, a datagram pair's end"),
			UXM(x.fub, flags, ub->flags & ~CKPT_UNIX_BOUND,
			    "FILE_UNIX.flags without BOUND, a path, unconnected"),
			/* the inode of a path, and only of a path */
			UXM(x.fub, inode_objref, 0,
			    "FILE_UNIX.inode_objref 0, a path"),
			UXM(x.ful, inode_objref, ino->objref,
			    "FILE_UNIX.inode_objref of the INODE, abstract"),
			UXM(x.fua, inode_objref, ino->objref,
			    "FILE_UNIX.inode_objref of the INODE, accepted"),
			UXN(x.fub, 0, 0,
			    "FILE_UNIX.name: the path made abstract, its inode kept"),
			/* the mode and owner of a path's inode, and only of it */
			UXM(x.fub, mode, 010000, "FILE_UNIX.mode 010000"),
			UXM(x.fub, mode, S_IFSOCK | 0755,
			    "FILE_UNIX.mode S_IFSOCK | 0755"),
			UXM(x.fub, mode, 0xffffffff, "FILE_UNIX.mode ~0"),
			UXM(x.ful, mode, 0600, "FILE_UNIX.mode 0600, abstract"),
			UXM(x.ful, uid, 1, "FILE_UNIX.uid 1, abstract"),
			UXM(x.fua, gid, 1, "FILE_UNIX.gid 1, accepted"),
			UXM(x.fuu, mode, 0644, "FILE_UNIX.mode 0644, no name"),
			/* listening: bound, not a datagram, no pair, no error */
			UXM(x.fuu, flags, uu->flags | CKPT_UNIX_LISTEN,
			    "FILE_UNIX.flags LISTEN, not bound"),
			UXM(x.ful, flags, ul->flags & ~CKPT_UNIX_BOUND,
			    "FILE_UNIX.flags LISTEN without BOUND"),
			UXM(x.ful, sock_type, SOCK_DGRAM,
			    "FILE_UNIX.sock_type SOCK_DGRAM, listening"),
			UXM(x.fub, flags, ub->flags | CKPT_UNIX_LISTEN,
			    "FILE_UNIX.flags LISTEN, a bound datagram socket"),
			UXM(x.fua, flags, ua->flags | CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			    "FILE_UNIX.flags BOUND | LISTEN, an end of a pair"),
			UXM(x.ful, err, ECONNRESET,
			    "FILE_UNIX.err ECONNRESET, listening"),
			/* the backlog: up to INT_MAX, listening; else none */
			UXM(x.ful, backlog, 0x80000000U,
			    "FILE_UNIX.backlog INT_MAX + 1, listening"),
			UXM(x.ful, backlog, 0xffffffff,
			    "FILE_UNIX.backlog ~0, listening"),
			UXM(x.fub, backlog, 1,
			    "FILE_UNIX.backlog 1, not listening"),
			UXM(x.fuc, backlog, UX_BACKLOG,
			    "FILE_UNIX.backlog, a connected end"),
			UXM(x.fub, nr_embryos, 1,
			    "FILE_UNIX.nr_embryos 1, a path, not listening"),
			UXM(x.fuu, nr_embryos, 0x80000000U,
			    "FILE_UNIX.nr_embryos 0x80000000, no name"),
			/*
			 * a peer pid without a peer: only the listener's, or
			 * a datagram socket's (taken, below)
			 */
			UXM(x.fuu, peer_pid, x.pid,
			    "FILE_UNIX.peer_pid, an unconnected stream socket"),
			UXM(x.ful, peer_pid, x.pid + 1,
			    "FILE_UNIX.peer_pid of no task, listening"),
		};

		ux_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad));
	}

	/*
	 * a datagram socket of no pair that reports a peer: a socketpair()
	 * end connected elsewhere since keeps its SO_PEERCRED
	 */
	u = ux_rec(self, x.fub);
	u.peer_pid = x.pid;
	expect_edit(_metadata, self, &(struct edit){ x.fub, true, &u, ulen }, 1,
		    false, "FILE_UNIX.peer_pid, the bound datagram socket");

	/* the STRING: absolute, there for a path only */
	{
		const struct ckpt_hdr_string *sh = rec_at(self, x.sb);
		const void *srec = rec_at(self, x.sb);
		const size_t slen = self->recs[x.sb].len;
		const struct edit e[][2] = {
			{ { x.sb, true, NULL, 0 } },
			{ { x.ql, false, srec, slen } },
			{ { x.qa, false, srec, slen } },
			{ { x.qu, false, srec, slen } },
			{ { x.sb, true, NULL, 0 }, { x.qb + 1, false, srec, slen } },
		};
		static const char *const names[] = {
			"STRING of the bound socket left out",
			"STRING after the listener's FILE_UNIX",
			"STRING after the accepted end's FILE_UNIX",
			"STRING after the unconnected socket's FILE_UNIX",
			"STRING after the bound socket's UNIX_QUEUE",
		};
		static const char *const logs[] = {
			"expected a string record, found unix_queue",
			"expected a unix_queue record, found string",
			"expected a unix_queue record, found string",
			"expected a unix_queue record, found string",
			"expected a string record, found unix_queue",
		};
		unsigned char *r;

		for (k = 0; k < (int)ARRAY_SIZE(e); k++)
			expect_edit_logged(_metadata, self, e[k],
					   e[k][1].rec ? 2 : 1, EINVAL, logs[k],
					   names[k]);
		ASSERT_EQ('/', ((const char *)(sh + 1))[0]);
		r = grown_rec(self, x.sb, 0, -1);
		ASSERT_NE(NULL, r);
		r[sizeof(*sh)] = 'x';
		ux_expect_logged(_metadata, self, x.sb,
				 &(struct edit){ x.sb, true, r, slen }, 1, EINVAL,
				 "a relative path",
				 "STRING of the bound socket: a relative path");
		free(r);
	}

	/* the INODE: the one of the socket inode, read before */
	{
		const void *irec = rec_at(self, x.ib);
		const size_t ilen = self->recs[x.ib].len;
		const struct edit out = { x.ib, true, NULL, 0 };
		const struct edit before[] = {
			{ x.ib, true, NULL, 0 }, { x.fb, false, irec, ilen },
		};
		const struct edit after[] = {
			{ x.ib, true, NULL, 0 }, { x.sb, false, irec, ilen },
		};
		struct ckpt_hdr_inode *e;
		struct edit ed;

		snprintf(log, sizeof(log), "objref %u: no such object",
			 ino->objref);
		expect_edit_logged(_metadata, self, &out, 1, EINVAL, log,
				   "INODE of the bound socket left out");
		expect_edit_logged(_metadata, self, after, ARRAY_SIZE(after),
				   EINVAL,
				   "expected a string record, found inode",
				   "INODE of the bound socket after its FILE_UNIX");
		expect_edit(_metadata, self, before, ARRAY_SIZE(before), false,
			    "INODE of the bound socket before its FILE");
		u = ux_rec(self, x.fub);
		u.inode_objref = objref_of(self, x.fb);
		snprintf(log, sizeof(log), "objref %u: no such object",
			 u.inode_objref);
		ed = (struct edit){ x.fub, true, &u, ulen };
		expect_edit_logged(_metadata, self, &ed, 1, EINVAL, log,
				   "FILE_UNIX.inode_objref of its FILE");
		/* another file's identity, read before: fd 1's file's */
		for (k = 0; k < x.fb && !ref_other; k++)
			if (self->recs[k].type == CKPT_HDR_INODE)
				ref_other = ((const struct ckpt_hdr_inode *)
					     rec_at(self, k))->objref;
		ASSERT_NE(0U, ref_other);
		u.inode_objref = ref_other;
		snprintf(log, sizeof(log), "%s was replaced since the checkpoint",
			 ck_path(UX_BNAME));
		expect_edit_logged(_metadata, self, &ed, 1, ESTALE, log,
				   "FILE_UNIX.inode_objref of another file's INODE");
		/* the socket inode replaced since */
		e = (void *)grown_rec(self, x.ib, 0, -1);
		ASSERT_NE(NULL, e);
		e->ino++;
		ed = (struct edit){ x.ib, true, e, ilen };
		expect_edit_logged(_metadata, self, &ed, 1, ESTALE, log,
				   "INODE of the bound socket: ino + 1");
		try_flags = RESTART_ACCEPT_REPLACED;
		expect_edit(_metadata, self, &ed, 1, false,
			    "INODE of the bound socket: ino + 1, RESTART_ACCEPT_REPLACED");
		try_flags = 0;
		free(e);
	}

	/* a regular file where the socket was bound */
	{
		size_t slen;
		unsigned char *r = string_rec(ck_path("victim-file"), &slen);
		const struct edit ed = { x.sb, true, r, slen };

		ASSERT_NE(NULL, r);
		ASSERT_EQ(0, stat(ck_path("victim-file"), &st));
		ASSERT_TRUE(S_ISREG(st.st_mode));
		snprintf(log, sizeof(log), "%s was replaced since the checkpoint",
			 ck_path("victim-file"));
		expect_edit_logged(_metadata, self, &ed, 1, ESTALE, log,
				   "STRING of the bound socket: a regular file");
		snprintf(log, sizeof(log),
			 "%s, where the unix socket was bound, is not a socket now",
			 ck_path("victim-file"));
		try_flags = RESTART_ACCEPT_REPLACED;
		ux_expect_logged(_metadata, self, x.sb, &ed, 1, EADDRINUSE, log,
				 "STRING of the bound socket: a regular file, RESTART_ACCEPT_REPLACED");
		try_flags = 0;
		free(r);
	}

	/* the backlog: at most net.core.somaxconn at restart */
	{
		struct edit ed = { x.ful, true, &u, ulen };

		somaxconn = ux_somaxconn();
		ASSERT_LT(0, somaxconn);
		u = ux_rec(self, x.ful);
		u.backlog = somaxconn;
		expect_edit(_metadata, self, &ed, 1, false,
			    "FILE_UNIX.backlog net.core.somaxconn");
		u.backlog = 0;
		expect_edit(_metadata, self, &ed, 1, false,
			    "FILE_UNIX.backlog 0, listening");
		if (somaxconn < INT32_MAX) {
			u.backlog = somaxconn + 1;
			snprintf(log, sizeof(log),
				 "a unix socket listened with a backlog of %u, above net.core.somaxconn (%ld)",
				 u.backlog, somaxconn);
			ux_expect_logged(_metadata, self, x.ful, &ed, 1, EPERM,
					 log, "FILE_UNIX.backlog net.core.somaxconn + 1");
			u.backlog = INT32_MAX;
			snprintf(log, sizeof(log),
				 "a unix socket listened with a backlog of %u, above net.core.somaxconn (%ld)",
				 u.backlog, somaxconn);
			ux_expect_logged(_metadata, self, x.ful, &ed, 1, EPERM,
					 log, "FILE_UNIX.backlog INT_MAX");
		}
	}

	/* what restart takes: names the victim finds changed */
	{
		struct edit ed = { x.ful, true, &u, ulen };

		u = ux_rec(self, x.ful);
		u.name_len = CKPT_UNIX_NAME_MAX;
		expect_taken(_metadata, self, &ed, 1,
			     "FILE_UNIX.name_len 108, abstract");
		u = ux_rec(self, x.fuc);
		u.name_len = 1;
		ed.at = x.fuc;
		expect_taken(_metadata, self, &ed, 1,
			     "FILE_UNIX.name_len 1, not BOUND, a connected stream end");
	}
	check_no_splat(_metadata, self);
}

/*
 * The credentials a message carries: a uid or gid the restarter could not
 * give itself is refused (an unprivileged restarter, its own image: the
 * uid or gid 0), whatever the errno, with a log line; none ((__u32)-1),
 * or its own, is taken; root restarting takes any.
 */
TEST_F_TIMEOUT(image, unix_message_credentials, 2 * CK_TIMEOUT)
{
	const struct ckpt_hdr_unix_msg *md;
	struct ux_recs x;
	int m;

	ux_load(_metadata, self, (void *)1, &x);
	m = x.q1 + 1;
	md = rec_at(self, m);
	EXPECT_EQ(x.pid, md->pid);
	EXPECT_EQ((uint32_t)CK_UNPRIV_UID, md->uid);
	EXPECT_EQ((uint32_t)CK_UNPRIV_UID, md->gid);
	try_uid = CK_UNPRIV_UID;
	expect_edit(_metadata, self, NULL, 0, false,
		    "an unprivileged restarter, its own image");
	{
		const struct ux_bad bad[] = {
			UXL(m, ckpt_hdr_unix_msg, uid, 0,
			    "UNIX_MSG.uid 0, an unprivileged restarter"),
			UXL(m, ckpt_hdr_unix_msg, gid, 0,
			    "UNIX_MSG.gid 0, an unprivileged restarter"),
			UXL(x.q0 + 1, ckpt_hdr_unix_msg, uid, 12345,
			    "UNIX_MSG.uid 12345, an unprivileged restarter"),
		};

		ux_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad));
	}
	{
		unsigned char *r = grown_rec(self, m, 0, -1);
		struct edit e = { m, true, r, self->recs[m].len };

		ASSERT_NE(NULL, r);
		((struct ckpt_hdr_unix_msg *)r)->uid = (uint32_t)-1;
		((struct ckpt_hdr_unix_msg *)r)->gid = (uint32_t)-1;
		expect_taken(_metadata, self, &e, 1,
			     "UNIX_MSG without uid and gid, an unprivileged restarter");
		try_uid = 0;
		((struct ckpt_hdr_unix_msg *)r)->uid = 12345;
		((struct ckpt_hdr_unix_msg *)r)->gid = 0;
		expect_taken(_metadata, self, &e, 1,
			     "UNIX_MSG.uid 12345, gid 0, root restarting");
		free(r);
	}
	try_uid = 0;
	check_no_splat(_metadata, self);
}

/* ---- unix sockets: the other senders of a datagram socket's queue ----- */

/* a UNIX_QUEUE field: restart says "malformed unix socket queue", EINVAL */
#define UX_QUEUE_BAD	"malformed unix socket queue"
#define UXQ(r, m, v, w) { (r), offsetof(struct ckpt_hdr_unix_queue, m), \
			  sizeof(((struct ckpt_hdr_unix_queue *)0)->m), \
			  (uint64_t)(v), false, (w), EINVAL, UX_QUEUE_BAD }
/* a field of UNIX_SENDER @n (from 1): "malformed unix socket sender @n" */
#define UXS(r, n, m, v, w) { (r), offsetof(struct ckpt_hdr_unix_sender, m), \
			     sizeof(((struct ckpt_hdr_unix_sender *)0)->m), \
			     (uint64_t)(v), false, (w), EINVAL, \
			     "malformed unix socket sender " #n }
/* byte @k of the name of UNIX_SENDER @n */
#define UXSN(r, n, k, v, w) { (r), offsetof(struct ckpt_hdr_unix_sender, name) + \
			      (k), 1, (uint64_t)(v), false, (w), EINVAL, \
			      "malformed unix socket sender " #n }
/*
 * a field of message @n of a queue (from 0, as restart counts them, the
 * senders not counted): "malformed unix socket message @n"
 */
#define UXMF(r, n, m, v, w) { (r), offsetof(struct ckpt_hdr_unix_msg_from, m), \
			      sizeof(((struct ckpt_hdr_unix_msg_from *)0)->m), \
			      (uint64_t)(v), false, (w), EINVAL, \
			      "malformed unix socket message " #n }

/* Are the @n bytes at @p from @from on all zero? */
static bool ux_zero_from(const uint8_t *p, size_t from, size_t n)
{
	while (from < n && !p[from])
		from++;
	return from == n;
}

/* A copy of record @i, to edit; malloc()ed, *@len bytes */
static void *ux_copy(FIXTURE_DATA(image) *self, int i, size_t *len)
{
	*len = self->recs[i].len;
	return grown_rec(self, i, 0, -1);
}

/*
 * A UNIX_MSG_FROM record of @len bytes of 'f' from sender @sender,
 * without credentials; malloc()ed
 */
static struct ckpt_hdr_unix_msg_from *ux_from_rec(uint32_t len, uint32_t sender)
{
	size_t rlen = CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_msg_from, len);
	struct ckpt_hdr_unix_msg_from *m = calloc(1, rlen);

	if (!m)
		return NULL;
	m->h.type = CKPT_HDR_UNIX_MSG_FROM;
	m->h.len = rlen;
	m->len = len;
	m->uid = m->gid = (uint32_t)-1;
	m->sender = sender;
	memset(m + 1, 'f', len);
	return m;
}

/*
 * The message record @i made the other kind, its bytes and credentials
 * kept: a UNIX_MSG a UNIX_MSG_FROM from @sender, a UNIX_MSG_FROM a
 * UNIX_MSG (its sender dropped); malloc()ed, *@len bytes
 */
static void *ux_other_kind(FIXTURE_DATA(image) *self, int i, uint32_t sender,
			   size_t *len)
{
	const struct ckpt_hdr_unix_msg *m = rec_at(self, i);
	bool to_from = self->recs[i].type == CKPT_HDR_UNIX_MSG;
	size_t had = to_from ? sizeof(struct ckpt_hdr_unix_msg) :
		     sizeof(struct ckpt_hdr_unix_msg_from);
	size_t hsz = to_from ? sizeof(struct ckpt_hdr_unix_msg_from) :
		     sizeof(struct ckpt_hdr_unix_msg);
	unsigned char *r;

	*len = (hsz + m->len + 7) & ~7UL;
	r = calloc(1, *len);
	if (!r)
		return NULL;
	/* len, pid, uid and gid: where both kinds have them */
	memcpy(r, m, sizeof(*m));
	((struct ckpt_hdr *)r)->type = to_from ? CKPT_HDR_UNIX_MSG_FROM :
						 CKPT_HDR_UNIX_MSG;
	((struct ckpt_hdr *)r)->len = *len;
	if (to_from)
		((struct ckpt_hdr_unix_msg_from *)r)->sender = sender;
	memcpy(r + hsz, (const unsigned char *)m + had, m->len);
	return r;
}

/*
 * The UNIX_QUEUE of the datagram socket of other senders replaced by one
 * of @n senders (copies of its sender with no name) and @n empty
 * datagrams, one from each, checksum fixed: restarted, and refused with
 * @err and a log line, or (0) taken
 */
static void ux_expect_senders(struct __test_metadata *_metadata,
			      FIXTURE_DATA(image) *self, const struct ux_recs *x,
			      uint32_t n, int err, const char *what)
{
	const size_t ssz = sizeof(struct ckpt_hdr_unix_sender);
	const size_t msz = sizeof(struct ckpt_hdr_unix_msg_from);
	struct ckpt_hdr_unix_queue q = ux_queue_at(self, x->qg);
	size_t len = sizeof(q) + n * (ssz + msz);
	unsigned char *b = calloc(1, len), *p;
	struct edit e[3 + UX_NR_FROM];
	uint32_t k;
	int j = 0;

	ASSERT_NE(NULL, b);
	q.h.len = sizeof(q);
	q.nr_senders = n;
	q.nr_msgs = n;
	q.bytes = 0;
	memcpy(b, &q, sizeof(q));
	p = b + sizeof(q);
	for (k = 0; k < n; k++, p += ssz)
		memcpy(p, rec_at(self, x->sg + 1), ssz);
	for (k = 0; k < n; k++, p += msz) {
		struct ckpt_hdr_unix_msg_from *m = (void *)p;

		m->h.type = CKPT_HDR_UNIX_MSG_FROM;
		m->h.len = msz;
		m->uid = m->gid = (uint32_t)-1;
		m->sender = k + 1;
	}
	e[j++] = (struct edit){ x->qg, true, b, len };
	e[j++] = (struct edit){ x->sg, true, NULL, 0 };
	e[j++] = (struct edit){ x->sg + 1, true, NULL, 0 };
	for (k = 0; k < UX_NR_FROM; k++)
		e[j++] = (struct edit){ x->mg + k, true, NULL, 0 };
	if (err)
		ux_expect_logged(_metadata, self, x->qg, e, j, err, UX_QUEUE_BAD,
				 what);
	else
		expect_taken(_metadata, self, e, j, what);
	free(b);
}

/*
 * A datagram socket bound to an abstract name, with the datagrams of two
 * senders the victim closed before the checkpoint queued on it (see
 * ux_senders_body()): the image has a UNIX_QUEUE of two senders and four
 * messages, the UNIX_SENDER records right after it (the one with a name
 * first, as its datagram came first; its sndbuf), then a UNIX_MSG_FROM
 * for each datagram, in queue order, with its sender and credentials;
 * the other sockets' queues have no senders. The image restarts, and the
 * victim reads each datagram with its sender's name.
 *
 * Each rule restart enforces broken, checksum fixed: refused with EINVAL
 * and the line that says what, and nothing of the image runs.
 * UNIX_QUEUE ("malformed unix socket queue"): nr_senders above
 * CKPT_MAX_UNIX_SENDERS (257 with 257 senders and datagrams, where 256
 * are taken) or nr_msgs, on a stream socket; an oob_msg (the message
 * that is an out-of-band byte) on a datagram socket: the socket of
 * senders, the datagram pair's end 1 (naming its datagram, or its empty
 * one; a stream's out-of-band byte: unix_oob_damaged); a sender that
 * no message names (each of its datagrams given another sender, or left
 * out with the counts), a bytes count that is not its messages'.
 * UNIX_SENDER ("malformed unix socket sender N"): a name_len above 108, a
 * byte after the name, a path that does not end with its only NUL, a
 * sndbuf above INT_MAX, a sock_objref (a socket of the tree) with a name
 * or a sndbuf. UNIX_MSG_FROM ("malformed unix socket message N"): a
 * sender 0 or past nr_senders, a pid that is no task of the tree or
 * negative, a len above CKPT_UNIX_MSG_MAX or not its record's,
 * __reserved; one on a pair's end whose queue has no senders.
 * A UNIX_MSG on an unconnected socket: "malformed unix socket message N".
 * The records out of their place: a sender left out, repeated, after the
 * messages, a message before the senders, nr_senders one more or one
 * less than the records ("expected a unix_sender record, found
 * unix_msg_from", "expected a unix socket message, found unix_sender");
 * a UNIX_SENDER of another length. What restart takes: an old UNIX_QUEUE
 * of CKPT_REC_UNIX_QUEUE_MIN bytes without senders (not the one with
 * senders), a longer one with zeroes; a sender with the longest abstract
 * name, or a path; a sndbuf of INT_MAX - 1 (INT_MAX itself SO_SNDBUFFORCE
 * cannot set: EINVAL, as for a sndbuf below what SO_SNDBUF sets); a third
 * sender with a name, named by a datagram; a datagram of a pair's end
 * said to come from a sender; an empty datagram; a datagram left out
 * with the counts.
 */
TEST_F_TIMEOUT(image, unix_senders_damaged, 3 * CK_TIMEOUT)
{
	static const char *const data[UX_NR_FROM] = {
		UX_FROM_A, UX_FROM_U, "", UX_FROM_A2,
	};
	static const uint32_t sender_of[UX_NR_FROM] = { 1, 2, 2, 1 };
	const struct ckpt_hdr_unix_msg_from *mf;
	const struct ckpt_hdr_unix_sender *s1, *s2;
	const struct ckpt_hdr_unix_queue *qg;
	const struct ckpt_hdr_file_unix *ug;
	char why[256] = "", name[CKPT_UNIX_NAME_MAX], log[256];
	socklen_t gname_len, fname_len;
	struct ux_recs x;
	uint64_t bytes = 0;
	size_t len;
	int k;

	ux_load(_metadata, self, NULL, &x);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	ug = rec_at(self, x.fug);
	qg = rec_at(self, x.qg);
	s1 = rec_at(self, x.sg);
	s2 = rec_at(self, x.sg + 1);

	/* the socket: unconnected, bound to its abstract name, SO_PASSCRED */
	gname_len = ux_abstract(name, "dgram", x.pid);
	EXPECT_EQ((uint32_t)SOCK_DGRAM, ug->sock_type);
	EXPECT_EQ(0U, ug->pair_objref);
	EXPECT_EQ((uint32_t)(CKPT_UNIX_BOUND | CKPT_UNIX_PASSCRED),
		  ug->flags & (CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN |
			       CKPT_UNIX_PASSCRED));
	EXPECT_EQ((uint32_t)gname_len, ug->name_len);
	EXPECT_EQ(0, memcmp(ug->name, name, gname_len));
	EXPECT_EQ(0U, ug->inode_objref);
	/* its queue */
	EXPECT_EQ(2U, qg->nr_senders);
	EXPECT_EQ(0U, qg->__reserved | qg->oob_msg);
	/* its senders: the one with a name, the one without */
	fname_len = ux_abstract(name, "from", x.pid);
	EXPECT_EQ(sizeof(*s1), (size_t)s1->h.len);
	EXPECT_EQ((uint32_t)fname_len, s1->name_len);
	EXPECT_EQ(0, memcmp(s1->name, name, fname_len));
	EXPECT_TRUE(ux_zero_from(s1->name, fname_len, sizeof(s1->name)));
	EXPECT_EQ(0U, s2->name_len);
	EXPECT_TRUE(ux_zero_from(s2->name, 0, sizeof(s2->name)));
	EXPECT_LT(0U, s1->sndbuf);
	EXPECT_EQ(s1->sndbuf, s2->sndbuf);
	/* closed since: no socket of the tree */
	EXPECT_EQ(0U, s1->sock_objref | s2->sock_objref);
	/* their datagrams, in queue order, with the victim's credentials */
	for (k = 0; k < UX_NR_FROM; k++) {
		mf = rec_at(self, x.mg + k);
		EXPECT_EQ(strlen(data[k]), (size_t)mf->len) TH_LOG("message %d", k);
		EXPECT_EQ((size_t)CKPT_REC_MAX_LEN(*mf, mf->len), (size_t)mf->h.len);
		EXPECT_EQ(0, memcmp(mf + 1, data[k], strlen(data[k])));
		EXPECT_EQ(sender_of[k], mf->sender) TH_LOG("message %d", k);
		EXPECT_EQ(x.pid, mf->pid);
		EXPECT_EQ((uint32_t)getuid(), mf->uid);
		EXPECT_EQ((uint32_t)getgid(), mf->gid);
		EXPECT_EQ(0U, mf->__reserved);
		bytes += mf->len;
	}
	EXPECT_EQ(bytes, qg->bytes);
	/* and the other sockets' queues: no senders */
	for (k = 0; k < self->nr; k++) {
		uint32_t n;

		if (self->recs[k].type != CKPT_HDR_UNIX_QUEUE || k == x.qg)
			continue;
		n = ux_queue_at(self, k).nr_senders;
		EXPECT_EQ(0U, n) TH_LOG("UNIX_QUEUE record %d", k);
	}

	/* the image as written: each datagram with its sender's name */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	{
		const uint32_t b = qg->bytes;
		const uint32_t len1 = ((const struct ckpt_hdr_unix_msg_from *)
				       rec_at(self, x.mg + 1))->len;
		const struct ux_bad bad[] = {
			/* UNIX_QUEUE: nr_senders, oob_msg, bytes */
			UXQ(x.qg, nr_senders, CKPT_MAX_UNIX_SENDERS + 1,
			    "UNIX_QUEUE.nr_senders 257"),
			UXQ(x.qg, nr_senders, 0xffffffff, "UNIX_QUEUE.nr_senders ~0"),
			UXQ(x.qg, nr_senders, UX_NR_FROM + 1,
			    "UNIX_QUEUE.nr_senders nr_msgs + 1"),
			UXQ(x.q0, nr_senders, 1,
			    "UNIX_QUEUE.nr_senders 1, a stream pair's end"),
			UXQ(x.qu, nr_senders, 1,
			    "UNIX_QUEUE.nr_senders 1, an unconnected stream socket"),
			UXQ(x.qg, oob_msg, 1,
			    "UNIX_QUEUE.oob_msg 1, a datagram socket of senders"),
			UXQ(x.qd1, oob_msg, 1,
			    "UNIX_QUEUE.oob_msg 1, a datagram pair's end, its datagram"),
			UXQ(x.qd1, oob_msg, 2,
			    "UNIX_QUEUE.oob_msg 2, a datagram pair's end, its empty datagram"),
			UXQ(x.qg, bytes, b + 1, "UNIX_QUEUE.bytes + 1, senders"),
			UXQ(x.qg, bytes, b - len1,
			    "UNIX_QUEUE.bytes without a datagram's"),
			/* UNIX_SENDER: a name as FILE_UNIX has one */
			UXS(x.sg, 1, name_len, CKPT_UNIX_NAME_MAX + 1,
			    "UNIX_SENDER.name_len 109, abstract"),
			UXS(x.sg + 1, 2, name_len, CKPT_UNIX_NAME_MAX + 1,
			    "UNIX_SENDER.name_len 109, no name"),
			UXS(x.sg, 1, name_len, 0xffffffff, "UNIX_SENDER.name_len ~0"),
			UXS(x.sg, 1, name_len, fname_len - 1,
			    "UNIX_SENDER.name_len - 1: a byte after the name"),
			UXSN(x.sg, 1, fname_len, 'x',
			     "UNIX_SENDER.name: a byte after the abstract name"),
			UXSN(x.sg + 1, 2, 0, 'x',
			     "UNIX_SENDER.name: a byte, name_len 0"),
			UXSN(x.sg + 1, 2, CKPT_UNIX_NAME_MAX - 1, 1,
			     "UNIX_SENDER.name: its last byte, name_len 0"),
			UXSN(x.sg, 1, 0, '/',
			     "UNIX_SENDER.name: a path without its NUL"),
			/* sndbuf: up to INT_MAX; __reserved */
			UXS(x.sg, 1, sndbuf, (uint32_t)INT32_MAX + 1,
			    "UNIX_SENDER.sndbuf INT_MAX + 1"),
			UXS(x.sg + 1, 2, sndbuf, 0xffffffff,
			    "UNIX_SENDER.sndbuf ~0"),
			/* a socket of the tree: its own name and sndbuf */
			UXS(x.sg, 1, sock_objref, 1,
			    "UNIX_SENDER.sock_objref with a name and a sndbuf"),
			UXS(x.sg + 1, 2, sock_objref, 0x80000000U,
			    "UNIX_SENDER.sock_objref 0x80000000 with a sndbuf"),
			/* UNIX_MSG_FROM: sender 1..nr_senders */
			UXMF(x.mg, 0, sender, 0, "UNIX_MSG_FROM.sender 0"),
			UXMF(x.mg + 1, 1, sender, 3,
			     "UNIX_MSG_FROM.sender nr_senders + 1"),
			UXMF(x.mg + 3, 3, sender, 0xffffffff,
			     "UNIX_MSG_FROM.sender ~0"),
			/* a pid of the tree, len, __reserved */
			UXMF(x.mg, 0, pid, x.pid + 1,
			     "UNIX_MSG_FROM.pid of no task of the tree"),
			UXMF(x.mg + 2, 2, pid, (uint32_t)-1, "UNIX_MSG_FROM.pid -1"),
			UXMF(x.mg + 3, 3, pid, 1, "UNIX_MSG_FROM.pid 1, out of the tree"),
			UXMF(x.mg, 0, len, CKPT_UNIX_MSG_MAX + 1,
			     "UNIX_MSG_FROM.len above CKPT_UNIX_MSG_MAX"),
			UXMF(x.mg + 1, 1, len, len1 + 8,
			     "UNIX_MSG_FROM.len + 8, h.len kept"),
			UXMF(x.mg + 2, 2, len, 1,
			     "UNIX_MSG_FROM.len 1 of an empty datagram, h.len kept"),
			UXMF(x.mg + 3, 3, len, 0xffffffff, "UNIX_MSG_FROM.len ~0"),
			UXMF(x.mg, 0, __reserved, 1, "UNIX_MSG_FROM.__reserved"),
		};

		ux_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad));
	}

	/* a path name ends with its only NUL */
	{
		struct ckpt_hdr_unix_sender s = *s1;
		struct edit e = { x.sg, true, &s, sizeof(s) };

		s.name[0] = '/';
		s.name[4] = '\0';
		ux_expect_logged(_metadata, self, x.sg, &e, 1, EINVAL,
				 "malformed unix socket sender 1",
				 "UNIX_SENDER.name: a path with a NUL inside");
	}

	/* what restart takes of a sender: other names, sndbufs */
	{
		struct ckpt_hdr_unix_sender s;
		struct edit e = { x.sg, true, &s, sizeof(s) };

		s = *s1;
		s.name_len = CKPT_UNIX_NAME_MAX;
		expect_taken(_metadata, self, &e, 1,
			     "UNIX_SENDER.name_len 108, abstract");
		s = *s2;
		memcpy(s.name, "/x", 3);
		s.name_len = 3;
		e.at = x.sg + 1;
		expect_taken(_metadata, self, &e, 1, "UNIX_SENDER.name a path");
		/* SO_SNDBUFFORCE sets up to INT_MAX - 1: root restarts */
		s = *s1;
		s.sndbuf = INT32_MAX - 1;
		e.at = x.sg;
		expect_edit(_metadata, self, &e, 1, false,
			    "UNIX_SENDER.sndbuf INT_MAX - 1");
		s.sndbuf = INT32_MAX;
		snprintf(log, sizeof(log),
			 "cannot give the unix socket its SO_SNDBUF of %u bytes",
			 s.sndbuf);
		expect_edit_logged(_metadata, self, &e, 1, EINVAL, log,
				   "UNIX_SENDER.sndbuf INT_MAX, odd");
		s.sndbuf = 2;
		snprintf(log, sizeof(log),
			 "cannot give the unix socket its SO_SNDBUF of %u bytes",
			 s.sndbuf);
		expect_edit_logged(_metadata, self, &e, 1, EINVAL, log,
				   "UNIX_SENDER.sndbuf 2, below what SO_SNDBUF sets");
	}

	/* the records of the queue out of their place */
	{
		const void *sr1 = rec_at(self, x.sg), *sr2 = rec_at(self, x.sg + 1);
		const void *m0 = rec_at(self, x.mg);
		const size_t ssz = self->recs[x.sg].len;
		const size_t m0len = self->recs[x.mg].len;
		struct ckpt_hdr_unix_queue *q = ux_copy(self, x.qg, &len);
		const struct edit e[][3] = {
			/* nr_senders kept */
			{ { x.sg + 1, true, NULL, 0 } },
			{ { x.sg + 1, false, sr1, ssz } },
			{ { x.sg + 1, true, NULL, 0 },
			  { x.mg + UX_NR_FROM, false, sr2, ssz } },
			{ { x.mg, true, NULL, 0 }, { x.sg, false, m0, m0len } },
			/* nr_senders 3, 1 */
			{ { x.qg, true, q, len } },
		};
		static const char *const names[] = {
			"UNIX_SENDER 2 left out",
			"UNIX_SENDER 1 twice",
			"UNIX_SENDER 2 after the messages",
			"UNIX_MSG_FROM 0 before the senders",
			"UNIX_QUEUE.nr_senders 3, two UNIX_SENDER",
		};
		static const char *const logs[] = {
			"expected a unix_sender record, found unix_msg_from",
			NULL,
			"expected a unix_sender record, found unix_msg_from",
			"expected a unix_sender record, found unix_msg_from",
			"expected a unix_sender record, found unix_msg_from",
		};

		ASSERT_NE(NULL, q);
		q->nr_senders = 3;
		for (k = 0; k < (int)ARRAY_SIZE(e); k++) {
			int ne = e[k][1].rec ? 2 : 1;

			if (logs[k])
				expect_edit_logged(_metadata, self, e[k], ne, EINVAL,
						   logs[k], names[k]);
			else
				ux_expect_logged(_metadata, self, x.qg, e[k], ne,
						 EINVAL,
						 "expected a unix socket message, found unix_sender",
						 names[k]);
		}
		q->nr_senders = 1;
		ux_expect_logged(_metadata, self, x.qg, e[4], 1, EINVAL,
				 "expected a unix socket message, found unix_sender",
				 "UNIX_QUEUE.nr_senders 1, two UNIX_SENDER");
		/* sender 2 left out and not counted: its datagrams name it */
		{
			const struct edit e2[] = {
				{ x.qg, true, q, len }, { x.sg + 1, true, NULL, 0 },
			};

			ux_expect_logged(_metadata, self, x.qg, e2, ARRAY_SIZE(e2),
					 EINVAL, "malformed unix socket message 1",
					 "UNIX_SENDER 2 left out, nr_senders 1");
		}
		/* a third sender, counted: named by nothing, then by a datagram */
		{
			struct ckpt_hdr_unix_sender s3 = *s1;
			struct ckpt_hdr_unix_msg_from *m2;
			size_t m2len;
			struct edit e3[] = {
				{ x.qg, true, q, len },
				{ x.mg, false, &s3, sizeof(s3) },
				{ x.mg + 2, true, NULL, 0 },
			};

			q->nr_senders = 3;
			ux_expect_logged(_metadata, self, x.qg, e3, 2, EINVAL,
					 UX_QUEUE_BAD,
					 "UNIX_SENDER 3, no datagram from it");
			s3.name[2] = 'Z';
			m2 = ux_copy(self, x.mg + 2, &m2len);
			ASSERT_NE(NULL, m2);
			m2->sender = 3;
			e3[2].rec = m2;
			e3[2].len = m2len;
			expect_taken(_metadata, self, e3, ARRAY_SIZE(e3),
				     "UNIX_SENDER 3 of another name, the empty datagram from it");
			free(m2);
		}
		free(q);
	}

	/* every sender named by a datagram, whatever the others say */
	{
		struct ckpt_hdr_unix_msg_from *m1, *m2;
		struct ckpt_hdr_unix_queue *q;
		size_t l1, l2;

		m1 = ux_copy(self, x.mg + 1, &l1);
		m2 = ux_copy(self, x.mg + 2, &l2);
		q = ux_copy(self, x.qg, &len);
		ASSERT_TRUE(m1 && m2 && q);
		m1->sender = 1;
		m2->sender = 1;
		{
			const struct edit e[] = {
				{ x.mg + 1, true, m1, l1 }, { x.mg + 2, true, m2, l2 },
			};

			ux_expect_logged(_metadata, self, x.qg, e, ARRAY_SIZE(e),
					 EINVAL, UX_QUEUE_BAD,
					 "UNIX_MSG_FROM 1 and 2 from sender 1: sender 2 of none");
		}
		/* the datagrams of sender 2 left out with the counts */
		q->nr_msgs -= 2;
		q->bytes -= ((const struct ckpt_hdr_unix_msg_from *)
			     rec_at(self, x.mg + 1))->len;
		{
			const struct edit e[] = {
				{ x.qg, true, q, len }, { x.mg + 1, true, NULL, 0 },
				{ x.mg + 2, true, NULL, 0 },
			};

			ux_expect_logged(_metadata, self, x.qg, e, ARRAY_SIZE(e),
					 EINVAL, UX_QUEUE_BAD,
					 "the datagrams of sender 2 left out, with the counts");
		}
		/* the empty one alone left out: sender 2 sent another */
		q->nr_msgs++;
		q->bytes += ((const struct ckpt_hdr_unix_msg_from *)
			     rec_at(self, x.mg + 1))->len;
		{
			const struct edit e[] = {
				{ x.qg, true, q, len }, { x.mg + 2, true, NULL, 0 },
			};

			expect_taken(_metadata, self, e, ARRAY_SIZE(e),
				     "the empty datagram left out, with the counts");
		}
		free(m1);
		free(m2);
		free(q);
	}

	/* a datagram of a sender made empty, the queue's bytes following */
	{
		struct ckpt_hdr_unix_msg_from *m = ux_from_rec(0, 1);
		struct ckpt_hdr_unix_queue *q = ux_copy(self, x.qg, &len);
		const struct ckpt_hdr_unix_msg_from *m0 = rec_at(self, x.mg);

		ASSERT_TRUE(m && q);
		m->pid = m0->pid;
		m->uid = m0->uid;
		m->gid = m0->gid;
		q->bytes -= m0->len;
		{
			const struct edit e[] = {
				{ x.qg, true, q, len },
				{ x.mg, true, m, m->h.len },
			};

			expect_taken(_metadata, self, e, ARRAY_SIZE(e),
				     "UNIX_MSG_FROM 0 of len 0: an empty datagram");
		}
		free(m);
		free(q);
	}

	/* UNIX_MSG: from the peer of an end of a pair, and only that */
	{
		struct ckpt_hdr_unix_queue *qd = ux_copy(self, x.qd1, &len);
		struct ckpt_hdr_unix_sender s = *s1;
		void *r;
		size_t rl;

		r = ux_other_kind(self, x.mg, 0, &rl);
		ASSERT_NE(NULL, r);
		ux_expect_logged(_metadata, self, x.mg,
				 &(struct edit){ x.mg, true, r, rl }, 1, EINVAL,
				 "malformed unix socket message 0",
				 "UNIX_MSG_FROM 0 made a UNIX_MSG, an unconnected socket");
		free(r);
		r = ux_other_kind(self, x.mg + 3, 0, &rl);
		ASSERT_NE(NULL, r);
		ux_expect_logged(_metadata, self, x.mg,
				 &(struct edit){ x.mg + 3, true, r, rl }, 1, EINVAL,
				 "malformed unix socket message 3",
				 "UNIX_MSG_FROM 3 made a UNIX_MSG, an unconnected socket");
		free(r);
		/* a datagram of the pair's end 1 from a sender */
		r = ux_other_kind(self, x.qd1 + 1, 1, &rl);
		ASSERT_TRUE(r && qd);
		ux_expect_logged(_metadata, self, x.qd1,
				 &(struct edit){ x.qd1 + 1, true, r, rl }, 1, EINVAL,
				 "malformed unix socket message 0",
				 "UNIX_MSG of a pair's end made a UNIX_MSG_FROM, no sender");
		qd->nr_senders = 1;
		{
			const struct edit e[] = {
				{ x.qd1, true, qd, len },
				{ x.qd1 + 1, false, &s, sizeof(s) },
				{ x.qd1 + 1, true, r, rl },
			};

			expect_taken(_metadata, self, e, ARRAY_SIZE(e),
				     "UNIX_MSG of a pair's end made a UNIX_MSG_FROM of a sender");
		}
		free(r);
		free(qd);
		/* and a stream's bytes */
		qd = ux_copy(self, x.q1, &len);
		r = ux_other_kind(self, x.q1 + 1, 1, &rl);
		ASSERT_TRUE(r && qd);
		ux_expect_logged(_metadata, self, x.q1,
				 &(struct edit){ x.q1 + 1, true, r, rl }, 1, EINVAL,
				 "malformed unix socket message 0",
				 "UNIX_MSG of a stream made a UNIX_MSG_FROM, no sender");
		qd->nr_senders = 1;
		{
			const struct edit e[] = {
				{ x.q1, true, qd, len },
				{ x.q1 + 1, false, &s, sizeof(s) },
				{ x.q1 + 1, true, r, rl },
			};

			ux_expect_logged(_metadata, self, x.q1, e, ARRAY_SIZE(e),
					 EINVAL, UX_QUEUE_BAD,
					 "UNIX_MSG of a stream made a UNIX_MSG_FROM of a sender");
		}
		free(r);
		free(qd);
	}

	/* the lengths: UNIX_MSG_FROM's is its len's, UNIX_SENDER's fixed */
	{
		unsigned char *r = grown_rec(self, x.mg, 8, -1);

		ASSERT_NE(NULL, r);
		ux_expect_logged(_metadata, self, x.mg,
				 &(struct edit){ x.mg, true, r, self->recs[x.mg].len + 8 },
				 1, EINVAL, "malformed unix socket message 0",
				 "UNIX_MSG_FROM + 8 zero bytes, len kept");
		free(r);
		r = grown_rec(self, x.sg, 8, -1);
		ASSERT_NE(NULL, r);
		snprintf(log, sizeof(log), "unix_sender record at byte %zu: bad length %u",
			 self->recs[x.sg].off, self->recs[x.sg].len + 8);
		expect_edit_logged(_metadata, self,
				   &(struct edit){ x.sg, true, r, self->recs[x.sg].len + 8 },
				   1, EINVAL, log, "UNIX_SENDER + 8 zero bytes");
		free(r);
	}

	/* UNIX_QUEUE: extensible since nr_senders */
	{
		unsigned char *r = grown_rec(self, x.qg, 0, -1);
		const size_t old = CKPT_REC_UNIX_QUEUE_MIN;

		ASSERT_NE(NULL, r);
		((struct ckpt_hdr *)r)->len = old;
		ux_expect_logged(_metadata, self, x.qg,
				 &(struct edit){ x.qg, true, r, old }, 1, EINVAL,
				 "expected a unix socket message, found unix_sender",
				 "UNIX_QUEUE of an older kernel (24 bytes), senders after it");
		((struct ckpt_hdr *)r)->len = self->recs[x.qg].len;
		free(r);
		r = grown_rec(self, x.qd1, 0, -1);
		ASSERT_NE(NULL, r);
		((struct ckpt_hdr *)r)->len = old;
		expect_edit(_metadata, self, &(struct edit){ x.qd1, true, r, old }, 1,
			    false, "UNIX_QUEUE of an older kernel (24 bytes), a datagram pair's end");
		free(r);
		r = grown_rec(self, x.q0, 0, -1);
		ASSERT_NE(NULL, r);
		((struct ckpt_hdr *)r)->len = old;
		expect_edit(_metadata, self, &(struct edit){ x.q0, true, r, old }, 1,
			    false, "UNIX_QUEUE of an older kernel (24 bytes), a stream pair's end");
		free(r);
		expect_grown(_metadata, self, x.qg, 8, -1, false,
			     "UNIX_QUEUE of senders + 8 zero bytes");
		r = grown_rec(self, x.qg, 8, 2);
		ASSERT_NE(NULL, r);
		expect_edit_logged(_metadata, self,
				   &(struct edit){ x.qg, true, r, self->recs[x.qg].len + 8 },
				   1, EINVAL,
				   "unix_queue record: fields this kernel does not know are set",
				   "UNIX_QUEUE of senders + 8 bytes, one not zero");
		free(r);
	}

	/* CKPT_MAX_UNIX_SENDERS senders, and one more */
	ux_expect_senders(_metadata, self, &x, CKPT_MAX_UNIX_SENDERS, 0,
			  "256 senders, a datagram from each");
	ux_expect_senders(_metadata, self, &x, CKPT_MAX_UNIX_SENDERS + 1, EINVAL,
			  "257 senders, a datagram from each");
	check_no_splat(_metadata, self);
}

/* net.core.wmem_max, or -1 */
static long ux_wmem_max(void)
{
	char buf[32];

	if (ck_read_file("/proc/sys/net/core/wmem_max", buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * The senders of an unprivileged victim's datagrams, restarted by the
 * same user: the image restarts. Their credentials follow UNIX_MSG's
 * rules: a uid or gid the restarter could not give itself (0) is
 * refused with EPERM and a line, none is taken. A sender's sndbuf is set
 * as SO_SNDBUF sets it: up to twice net.core.wmem_max (taken), above it
 * only with SO_SNDBUFFORCE's CAP_NET_ADMIN (EPERM, "cannot give the unix
 * socket its SO_SNDBUF"; taken by root).
 */
TEST_F_TIMEOUT(image, unix_senders_unprivileged, 2 * CK_TIMEOUT)
{
	const struct ckpt_hdr_unix_msg_from *mf;
	struct ckpt_hdr_unix_sender s;
	struct edit e = { 0, true, &s, sizeof(s) };
	struct ux_recs x;
	char log[256];
	long wmax;

	ux_load(_metadata, self, (void *)1, &x);
	mf = rec_at(self, x.mg);
	EXPECT_EQ((uint32_t)CK_UNPRIV_UID, mf->uid);
	EXPECT_EQ((uint32_t)CK_UNPRIV_UID, mf->gid);
	try_uid = CK_UNPRIV_UID;
	expect_edit(_metadata, self, NULL, 0, false,
		    "an unprivileged restarter, its own image");
	{
		const struct ux_bad bad[] = {
			{ x.mg, FIELD(ckpt_hdr_unix_msg_from, uid), 0, false,
			  "UNIX_MSG_FROM.uid 0, an unprivileged restarter", EPERM,
			  "unix socket message 0 carries credentials" },
			{ x.mg + 3, FIELD(ckpt_hdr_unix_msg_from, gid), 0, false,
			  "UNIX_MSG_FROM.gid 0, an unprivileged restarter", EPERM,
			  "unix socket message 3 carries credentials" },
			{ x.mg + 1, FIELD(ckpt_hdr_unix_msg_from, uid), 12345, false,
			  "UNIX_MSG_FROM.uid 12345, an unprivileged restarter", EPERM,
			  "unix socket message 1 carries credentials" },
		};

		ux_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad));
	}
	{
		unsigned char *r = grown_rec(self, x.mg + 1, 0, -1);

		ASSERT_NE(NULL, r);
		((struct ckpt_hdr_unix_msg_from *)r)->uid = (uint32_t)-1;
		((struct ckpt_hdr_unix_msg_from *)r)->gid = (uint32_t)-1;
		expect_taken(_metadata, self,
			     &(struct edit){ x.mg + 1, true, r, self->recs[x.mg + 1].len },
			     1, "UNIX_MSG_FROM without uid and gid, an unprivileged restarter");
		free(r);
	}
	wmax = ux_wmem_max();
	ASSERT_LT(0, wmax);
	if (2 * wmax + 2 <= INT32_MAX) {
		s = *(const struct ckpt_hdr_unix_sender *)rec_at(self, x.sg);
		e.at = x.sg;
		s.sndbuf = 2 * wmax;
		expect_edit(_metadata, self, &e, 1, false,
			    "UNIX_SENDER.sndbuf twice net.core.wmem_max, an unprivileged restarter");
		s.sndbuf = 2 * wmax + 2;
		snprintf(log, sizeof(log),
			 "cannot give the unix socket its SO_SNDBUF of %u bytes",
			 s.sndbuf);
		expect_edit_logged(_metadata, self, &e, 1, EPERM, log,
				   "UNIX_SENDER.sndbuf above twice net.core.wmem_max, an unprivileged restarter");
		try_uid = 0;
		expect_edit(_metadata, self, &e, 1, false,
			    "UNIX_SENDER.sndbuf above twice net.core.wmem_max, root restarting");
	}
	try_uid = 0;
	check_no_splat(_metadata, self);
}

/*
 * ---- unix sockets: connections waiting in a listener's backlog
 * (UNIX_EMBRYO) -------------------------------------------------------
 */

/*
 * The tree of the backlog test (emb_root_body()): its root has a
 * datagram socket pair at EMB_D0 and EMB_D1 and, at EMB_L, a stream
 * socket listening (backlog EMB_BACKLOG) on the abstract name emb_name,
 * which accepts nothing; its child, two clients of that listener: one at
 * EMB_C, which sent EMB_SENT_C and stays open, one that sent EMB_SENT_GONE
 * and was closed. Both then wait, in their cgroup emb_cg. Nothing of the
 * tree leads outside it: its image is restarted without an fd of the
 * test's.
 */
#define EMB_D0		38
#define EMB_D1		39
#define EMB_L		40
#define EMB_C		41
#define EMB_BACKLOG	4
#define EMB_SENT_C	"abc"
#define EMB_SENT_GONE	"xyz"

static char emb_cg[96];		/* the tree's cgroup, while it is there */
static char emb_report[192];	/* the tree's report lines */
static char emb_name[CKPT_UNIX_NAME_MAX];
static socklen_t emb_name_len;

/* the child: its clients connect, one is closed; then it waits */
static __attribute__((noreturn)) void emb_client(int ready)
{
	int gone;

	close(EMB_D0);
	close(EMB_D1);
	close(EMB_L);
	if (ck_move_fd(ux_connect(SOCK_STREAM, emb_name, emb_name_len),
		       EMB_C) != EMB_C ||
	    send(EMB_C, EMB_SENT_C, strlen(EMB_SENT_C), 0) !=
	    (ssize_t)strlen(EMB_SENT_C)) {
		lite_say(emb_report, "CLIENT failed: %s\n", strerror(errno));
		_exit(1);
	}
	gone = ux_connect(SOCK_STREAM, emb_name, emb_name_len);
	if (gone < 0 ||
	    send(gone, EMB_SENT_GONE, strlen(EMB_SENT_GONE), 0) !=
	    (ssize_t)strlen(EMB_SENT_GONE) || close(gone)) {
		lite_say(emb_report, "CLIENT failed: %s\n", strerror(errno));
		_exit(1);
	}
	/* nothing of the sync is left in the image */
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	for (;;)
		pause();
}

/* the root: its sockets, its child, "READY <root> <child>"; then it waits */
static void emb_root_body(void *arg)
{
	struct sockaddr_un sa;
	socklen_t l = ux_addr(&sa, emb_name, emb_name_len);
	int sv[2], p[2];
	pid_t child;
	char c;

	lite_cg_enter(emb_cg);
	/* the test's report pipe: the tree's image names no fd of the test */
	close(CK_REPORT_FD);
	if (chdir(ck.dir) || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) ||
	    ck_move_fd(sv[0], EMB_D0) != EMB_D0 ||
	    ck_move_fd(sv[1], EMB_D1) != EMB_D1 ||
	    ck_move_fd(socket(AF_UNIX, SOCK_STREAM, 0), EMB_L) != EMB_L ||
	    bind(EMB_L, (struct sockaddr *)&sa, l) ||
	    listen(EMB_L, EMB_BACKLOG) || pipe(p)) {
		lite_say(emb_report, "SETUP failed: %s\n", strerror(errno));
		_exit(1);
	}
	child = fork();
	if (child < 0)
		_exit(1);
	if (!child) {
		close(p[0]);
		emb_client(p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		_exit(1);
	close(p[0]);
	lite_say(emb_report, "READY %d %d\n", getpid(), child);
	for (;;)
		pause();
}

/*
 * Kill the tree, if it is there (frozen or not), reap it - the test is
 * its subreaper - and remove its cgroup: nothing of it is left
 */
static void emb_kill(void)
{
	int i;

	if (!emb_cg[0])
		return;
	lite_cg_write(emb_cg, "cgroup.kill", "1");
	lite_cg_write(emb_cg, "cgroup.freeze", "0");
	lite_reap_all();
	/* empty once its tasks are released, which follows their reaping */
	for (i = 0; i < 50 && rmdir(emb_cg) && errno == EBUSY; i++)
		usleep(20000);
	emb_cg[0] = '\0';
}

static void emb_teardown(void)
{
	emb_kill();
}

/* nothing runs that the test started: it has no child left */
static void emb_nothing_left(struct __test_metadata *_metadata,
			     const char *what)
{
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG | __WALL))
		TH_LOG("%s: a child of the test is left", what);
	EXPECT_EQ(ECHILD, errno) TH_LOG("%s: %s", what, strerror(errno));
}

/* The tree's records, by index */
struct emb_recs {
	long root, client;	/* the tree's pids, as in its TREE */
	int fd0, dpair, fud0;	/* the datagram pair's end 0: FILE, ... */
	int fl, ful, ql;	/* the listener: FILE, FILE_UNIX, UNIX_QUEUE */
	/*
	 * its first connection: UNIX_PAIR, UNIX_EMBRYO, UNIX_QUEUE (a
	 * UNIX_MSG after it); its second, the client closed
	 */
	int pa, ea, qa;
	int pb, eb, qb;
	int after;		/* the record after the listener's */
	int fc, fuc, qc;	/* the child's client: FILE, FILE_UNIX, ... */
	uint32_t refl, refc, refd;	/* the objrefs of the FILEs */
	uint32_t refa, refb, refpd;	/* and of the pairs */
};

/* The objref of UNIX_PAIR record @i */
static uint32_t emb_pair_ref(FIXTURE_DATA(image) *self, int i)
{
	return ((const struct ckpt_hdr_unix_pair *)rec_at(self, i))->objref;
}

/*
 * Start the tree, freeze its cgroup, checkpoint it (CHECKPOINT_SUBTREE,
 * through ck_checkpoint_validated(): the kernel validates the image while
 * the tree is there), kill it and load its image; find its records, in
 * the order checkpoint_hdr.h documents: the datagram pair's before the
 * listener's (lower fds), and after the listener's UNIX_QUEUE, for each
 * connection its UNIX_PAIR (the client's FILE comes later, in the
 * child's records), its UNIX_EMBRYO, its UNIX_QUEUE and a UNIX_MSG.
 */
static void emb_load(struct __test_metadata *_metadata,
		     FIXTURE_DATA(image) *self, struct emb_recs *x)
{
	const struct ckpt_hdr_file_unix *u;
	char rep[1024] = "", log[2048] = "";
	int fd, logfd, err, i;
	const char *r;
	pid_t root;
	long ret;

	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	snprintf(emb_report, sizeof(emb_report), "%s/embryo-report", ck.dir);
	snprintf(emb_cg, sizeof(emb_cg), "/sys/fs/cgroup/ckpt-image-%d",
		 getpid());
	rmdir(emb_cg);
	ASSERT_EQ(0, mkdir(emb_cg, 0755))
		TH_LOG("mkdir %s: %s", emb_cg, strerror(errno));
	emb_name_len = ux_abstract(emb_name, "embryo", getpid());
	root = ck_spawn(NULL, 0, emb_root_body, NULL);
	ASSERT_LT(0, root);
	x->root = lite_line_pid(emb_report, "READY ", 30);
	lite_slurp(emb_report, rep, sizeof(rep));
	r = strstr(rep, "READY ");
	ASSERT_TRUE(r && sscanf(r, "READY %ld %ld", &x->root,
				&x->client) == 2 &&
		    x->root == root && x->client > 0)
		TH_LOG("the tree's report: %s", rep);

	ASSERT_EQ(0, lite_cg_write(emb_cg, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(emb_cg, 1, 30));
	fd = open(ck.img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	logfd = open(ck.log, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, logfd);
	ret = sys_checkpoint(root, fd, CHECKPOINT_SUBTREE, logfd);
	err = errno;
	close(fd);
	close(logfd);
	if (ret <= 0)
		ck_read_file(ck.log, log, sizeof(log));
	ASSERT_LT(0, ret) TH_LOG("checkpoint of the tree: %s; log: %s",
				 strerrorname_np(err) ?: "?", log);
	emb_kill();
	emb_nothing_left(_metadata, "the tree killed");
	load_image(_metadata, self);

	x->ful = -1;
	x->dpair = -1;
	x->fuc = -1;
	for (i = 0; i < self->nr; i++) {
		u = rec_at(self, i);
		if (self->recs[i].type == CKPT_HDR_FILE_UNIX &&
		    u->flags & CKPT_UNIX_LISTEN && x->ful < 0)
			x->ful = i;
		if (self->recs[i].type == CKPT_HDR_UNIX_PAIR &&
		    ((const struct ckpt_hdr_unix_pair *)
		     rec_at(self, i))->sock_type == SOCK_DGRAM && x->dpair < 0)
			x->dpair = i;
	}
	ASSERT_LT(0, x->ful) TH_LOG("no FILE_UNIX of a listening socket");
	ASSERT_LT(0, x->dpair) TH_LOG("no UNIX_PAIR of a datagram pair");
	x->fl = x->ful - 1;
	x->ql = x->ful + 1;
	x->pa = x->ql + 1;
	x->ea = x->pa + 1;
	x->qa = x->ea + 1;
	x->pb = x->qa + 2;
	x->eb = x->pb + 1;
	x->qb = x->eb + 1;
	x->after = x->qb + 2;
	x->fd0 = x->dpair - 1;
	x->fud0 = x->dpair + 1;
	ASSERT_LT(x->after, self->nr);
	ASSERT_TRUE(self->recs[x->fl].type == CKPT_HDR_FILE &&
		    self->recs[x->ql].type == CKPT_HDR_UNIX_QUEUE &&
		    self->recs[x->pa].type == CKPT_HDR_UNIX_PAIR &&
		    self->recs[x->ea].type == CKPT_HDR_UNIX_EMBRYO &&
		    self->recs[x->qa].type == CKPT_HDR_UNIX_QUEUE &&
		    self->recs[x->qa + 1].type == CKPT_HDR_UNIX_MSG &&
		    self->recs[x->pb].type == CKPT_HDR_UNIX_PAIR &&
		    self->recs[x->eb].type == CKPT_HDR_UNIX_EMBRYO &&
		    self->recs[x->qb].type == CKPT_HDR_UNIX_QUEUE &&
		    self->recs[x->qb + 1].type == CKPT_HDR_UNIX_MSG &&
		    self->recs[x->after].type == CKPT_HDR_FDTABLE)
		TH_LOG("the listener's records from %d: %s %s %s %s %s %s %s %s %s %s %s %s",
		       x->fl, ckpt_hdr_name(self->recs[x->fl].type),
		       ckpt_hdr_name(self->recs[x->ful].type),
		       ckpt_hdr_name(self->recs[x->ql].type),
		       ckpt_hdr_name(self->recs[x->pa].type),
		       ckpt_hdr_name(self->recs[x->ea].type),
		       ckpt_hdr_name(self->recs[x->qa].type),
		       ckpt_hdr_name(self->recs[x->qa + 1].type),
		       ckpt_hdr_name(self->recs[x->pb].type),
		       ckpt_hdr_name(self->recs[x->eb].type),
		       ckpt_hdr_name(self->recs[x->qb].type),
		       ckpt_hdr_name(self->recs[x->qb + 1].type),
		       ckpt_hdr_name(self->recs[x->after].type));
	/* the datagram pair's end 0, read before the listener */
	ASSERT_TRUE(x->dpair < x->fl &&
		    self->recs[x->fd0].type == CKPT_HDR_FILE &&
		    self->recs[x->fud0].type == CKPT_HDR_FILE_UNIX)
		TH_LOG("the datagram pair's records: %d %d %d, the listener's FILE %d",
		       x->fd0, x->dpair, x->fud0, x->fl);
	x->refl = objref_of(self, x->fl);
	x->refd = objref_of(self, x->fd0);
	x->refa = emb_pair_ref(self, x->pa);
	x->refb = emb_pair_ref(self, x->pb);
	x->refpd = emb_pair_ref(self, x->dpair);
	/* the client: end 1 of the first connection's pair, in the child's */
	for (i = x->after; i < self->nr && x->fuc < 0; i++) {
		u = rec_at(self, i);
		if (self->recs[i].type == CKPT_HDR_FILE_UNIX &&
		    u->pair_objref == x->refa)
			x->fuc = i;
	}
	ASSERT_LT(0, x->fuc)
		TH_LOG("no FILE_UNIX of the client after the listener's");
	x->fc = x->fuc - 1;
	x->qc = x->fuc + 1;
	ASSERT_TRUE(x->qc + 1 < self->nr &&
		    self->recs[x->fc].type == CKPT_HDR_FILE &&
		    self->recs[x->qc].type == CKPT_HDR_UNIX_QUEUE)
		TH_LOG("the client's records: %d %d %d", x->fc, x->fuc, x->qc);
	x->refc = objref_of(self, x->fc);
}

/*
 * restart(RESTART_VALIDATE) of the tree's image with @ne edits (it reads
 * and checks every record as a restart does, and makes no task): refused
 * with @err and a log line that says @log (NULL: a line), or (@err 0)
 * taken
 */
static void emb_expect(struct __test_metadata *_metadata,
		       FIXTURE_DATA(image) *self, const struct edit *e, int ne,
		       int err, const char *log, const char *what)
{
	off_t logged = log_size();
	char text[2048];
	int got;

	got = validate_edit(self, e, ne);
	log_since(logged, text, sizeof(text));
	if (!err) {
		EXPECT_EQ(0, got)
			TH_LOG("%s: refused with %s (log: \"%.300s\")", what,
			       strerrorname_np(got) ?: "?", text);
		return;
	}
	EXPECT_EQ(err, got)
		TH_LOG("%s: %s, expected %s (log: \"%.300s\")", what,
		       got ? strerrorname_np(got) ?: "?" : "taken",
		       strerrorname_np(err), text);
	if (log) {
		EXPECT_TRUE(strstr(text, log) != NULL)
			TH_LOG("%s: no log line says \"%s\" (log: \"%.300s\")",
			       what, log, text);
	} else {
		EXPECT_LT(logged, log_size()) TH_LOG("%s: nothing logged", what);
	}
}

/* A field of a record of the tree's image given another value */
struct emb_bad {
	int rec;		/* the record, by index */
	size_t off, size;	/* the field */
	uint64_t val;
	int err;		/* refused with it (0: taken) */
	const char *log;	/* and a line that says it (NULL: a line) */
	const char *what;
};

#define EMBF(r, s, m, v, e, l, w) { (r), offsetof(struct s, m), \
				    sizeof(((struct s *)0)->m), (uint64_t)(v), \
				    (e), (l), (w) }

static void emb_expect_bad(struct __test_metadata *_metadata,
			   FIXTURE_DATA(image) *self, const struct emb_bad *b,
			   size_t n)
{
	unsigned char *r;
	size_t k;

	for (k = 0; k < n; k++) {
		r = grown_rec(self, b[k].rec, 0, -1);
		ASSERT_NE(NULL, r);
		ASSERT_LE(b[k].off + b[k].size,
			  (size_t)self->recs[b[k].rec].len);
		memcpy(r + b[k].off, &b[k].val, b[k].size);
		emb_expect(_metadata, self,
			   &(struct edit){ b[k].rec, true, r,
					   self->recs[b[k].rec].len },
			   1, b[k].err, b[k].log, b[k].what);
		free(r);
	}
}

/*
 * A listener of the root with two connections of its child waiting in
 * its backlog, not accepted: one whose client sent "abc" and is open, one
 * whose client sent "xyz" and was closed (emb_root_body()), checkpointed
 * with the tree. The image: the listener's FILE_UNIX says 2 connections
 * (nr_embryos), its UNIX_QUEUE is empty, then for each connection a
 * UNIX_PAIR (EMBRYO; the second one CLOSED too), a UNIX_EMBRYO naming it
 * with the child's pid (SO_PEERCRED of the connection), a UNIX_QUEUE and
 * a UNIX_MSG of what the client sent; in the child's records, the open
 * client's FILE_UNIX is end 1 of the first pair, its queue empty. The
 * tree is killed once checkpointed: the image as taken restarts (the
 * tree, then killed), and restart(RESTART_VALIDATE) takes it.
 *
 * Each rule broken, checksum fixed: restart(RESTART_VALIDATE), which
 * reads every record as restart does, refuses with its errno and line.
 * FILE_UNIX.nr_embryos: one less than the records ("expected a file or
 * fdtable record, found unix_pair"), one more ("expected a connection
 * waiting in the backlog, found fdtable"), above CKPT_MAX_UNIX_EMBRYOS
 * or on a socket that is not listening ("malformed unix socket"), above
 * net.core.somaxconn and one (EPERM). UNIX_EMBRYO: a peer pid 0, -1 or
 * of no process of the tree ("malformed unix socket connection waiting
 * in the backlog"); a pair of two files, the other connection's (named
 * twice), one of another type ("unix pair N is not a connection left to
 * wait in its backlog"); a pair_objref 0, of nothing, of a FILE, of a
 * pair read after it; left out, of another length, after a socket that
 * is not listening. UNIX_PAIR: EMBRYO cleared (not a connection left to
 * wait), set on the datagram pair, with an unknown flag ("unix pair
 * record N: malformed"), CLOSED while its client follows. The client's
 * FILE_UNIX: end 0, a listener's name, a pending error ("not an end of
 * unix pair N left"), a message queued on it ("malformed unix socket
 * queue"). What restart takes: a connection's peer pid another process
 * of the tree, its UNIX_QUEUE of an older kernel. Restart makes no task:
 * nothing runs after.
 */
TEST_F_TIMEOUT(image, unix_embryos_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_unix_pair *pa, *pb;
	const struct ckpt_hdr_unix_embryo *ea, *eb;
	const struct ckpt_hdr_unix_queue *ql, *qa, *qb, *qc;
	const struct ckpt_hdr_unix_msg *ma, *mb;
	const struct ckpt_hdr_file_unix *ul, *uc;
	char l_bad[96], l_conn[128], l_more[128], l_nota[128], l_notb[128];
	char l_notd[128], c_bad[96], c_notend[128], d_bad[96], pa_bad[64];
	char pd_bad[64], pb_noend[96], log[256];
	struct emb_recs x;
	long somaxconn;
	int32_t nopid;
	int k, n;

	emb_load(_metadata, self, &x);
	ul = rec_at(self, x.ful);
	ql = rec_at(self, x.ql);
	pa = rec_at(self, x.pa);
	pb = rec_at(self, x.pb);
	ea = rec_at(self, x.ea);
	eb = rec_at(self, x.eb);
	qa = rec_at(self, x.qa);
	qb = rec_at(self, x.qb);
	ma = rec_at(self, x.qa + 1);
	mb = rec_at(self, x.qb + 1);
	uc = rec_at(self, x.fuc);
	qc = rec_at(self, x.qc);

	/* the listener: its name, its backlog, two connections waiting */
	EXPECT_EQ((uint32_t)SOCK_STREAM, ul->sock_type);
	EXPECT_EQ(0U, ul->pair_objref);
	EXPECT_EQ((uint32_t)(CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN),
		  ul->flags & (CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN));
	EXPECT_EQ((uint32_t)emb_name_len, ul->name_len);
	EXPECT_EQ(0, memcmp(ul->name, emb_name, emb_name_len));
	EXPECT_EQ((uint32_t)EMB_BACKLOG, ul->backlog);
	EXPECT_EQ(x.root, ul->peer_pid);
	EXPECT_EQ(2U, ul->nr_embryos);
	EXPECT_EQ(0U, ql->nr_msgs);
	/* the connections, in their order: the first one's client open */
	EXPECT_EQ((uint32_t)SOCK_STREAM, pa->sock_type);
	EXPECT_EQ((uint32_t)CKPT_UNIX_PAIR_EMBRYO, pa->flags);
	EXPECT_EQ((uint32_t)SOCK_STREAM, pb->sock_type);
	EXPECT_EQ((uint32_t)(CKPT_UNIX_PAIR_EMBRYO | CKPT_UNIX_PAIR_CLOSED),
		  pb->flags);
	EXPECT_EQ(sizeof(*ea), (size_t)ea->h.len);
	EXPECT_EQ(x.refa, ea->pair_objref);
	EXPECT_EQ(x.refb, eb->pair_objref);
	EXPECT_EQ(x.client, ea->peer_pid);
	EXPECT_EQ(x.client, eb->peer_pid);
	/* what the clients sent, with the child's credentials */
	EXPECT_EQ(1U, qa->nr_msgs);
	EXPECT_EQ((uint64_t)strlen(EMB_SENT_C), qa->bytes);
	EXPECT_EQ(strlen(EMB_SENT_C), (size_t)ma->len);
	EXPECT_EQ(0, memcmp(ma + 1, EMB_SENT_C, strlen(EMB_SENT_C)));
	EXPECT_EQ(1U, qb->nr_msgs);
	EXPECT_EQ((uint64_t)strlen(EMB_SENT_GONE), qb->bytes);
	EXPECT_EQ(strlen(EMB_SENT_GONE), (size_t)mb->len);
	EXPECT_EQ(0, memcmp(mb + 1, EMB_SENT_GONE, strlen(EMB_SENT_GONE)));
	EXPECT_TRUE(!ma->pid || ma->pid == x.client) TH_LOG("pid %d", ma->pid);
	/* the open client: end 1 of the first pair, nothing queued on it */
	EXPECT_EQ((uint32_t)SOCK_STREAM, uc->sock_type);
	EXPECT_EQ(1U, uc->end);
	EXPECT_EQ(0U, uc->name_len);
	EXPECT_EQ(0, uc->err);
	EXPECT_EQ(0U, uc->nr_embryos);
	EXPECT_EQ(x.root, uc->peer_pid);
	EXPECT_EQ(0U, qc->nr_msgs);
	/* no other connection waits */
	for (k = 0, n = 0; k < self->nr; k++)
		n += self->recs[k].type == CKPT_HDR_UNIX_EMBRYO;
	EXPECT_EQ(2, n) TH_LOG("UNIX_EMBRYO records in the image");

	/* the image as taken restarts: the tree runs, then it is killed */
	{
		off_t logged = log_size();
		int fd = open(ck.img, O_RDONLY | O_CLOEXEC);
		int logfd = open(ck.log, O_WRONLY | O_APPEND | O_CLOEXEC);
		long ret;
		int err;

		ASSERT_LE(0, fd);
		ASSERT_LE(0, logfd);
		ret = syscall(__NR_restart, 0, fd, 0, logfd);
		err = errno;
		close(fd);
		close(logfd);
		log_since(logged, log, sizeof(log));
		EXPECT_EQ(x.root, ret)
			TH_LOG("restart of the image as taken: %s (log: \"%s\")",
			       ret < 0 ? strerrorname_np(err) ?: "?" : "",
			       log);
		if (ret > 0) {
			EXPECT_EQ(0, kill(x.client, 0))
				TH_LOG("the restored client is not there");
			kill(ret, SIGKILL);
			if (ret == x.root)
				kill(x.client, SIGKILL);
		}
		lite_reap_all();
		emb_nothing_left(_metadata, "the restored tree killed");
	}
	emb_expect(_metadata, self, NULL, 0, 0, NULL, "the image as written");

	snprintf(l_bad, sizeof(l_bad), "file record %u: malformed unix socket",
		 x.refl);
	snprintf(c_bad, sizeof(c_bad), "file record %u: malformed unix socket",
		 x.refc);
	snprintf(d_bad, sizeof(d_bad), "file record %u: malformed unix socket",
		 x.refd);
	snprintf(l_conn, sizeof(l_conn),
		 "file record %u: malformed unix socket connection waiting in the backlog",
		 x.refl);
	snprintf(l_more, sizeof(l_more),
		 "file record %u: expected a connection waiting in the backlog, found fdtable",
		 x.refl);
	snprintf(l_nota, sizeof(l_nota),
		 "file record %u: unix pair %u is not a connection left to wait in its backlog",
		 x.refl, x.refa);
	snprintf(l_notb, sizeof(l_notb),
		 "file record %u: unix pair %u is not a connection left to wait in its backlog",
		 x.refl, x.refb);
	snprintf(l_notd, sizeof(l_notd),
		 "file record %u: unix pair %u is not a connection left to wait in its backlog",
		 x.refl, x.refpd);
	snprintf(c_notend, sizeof(c_notend),
		 "file record %u: not an end of unix pair %u left", x.refc,
		 x.refa);
	snprintf(pa_bad, sizeof(pa_bad), "unix pair record %u: malformed",
		 x.refa);
	snprintf(pd_bad, sizeof(pd_bad), "unix pair record %u: malformed",
		 x.refpd);
	snprintf(pb_noend, sizeof(pb_noend),
		 "unix pair record %u: an end of the pair has no file", x.refb);
	/* a pid that is no task of the image */
	for (nopid = x.client + 1; nopid == x.root || nopid == x.client;
	     nopid++)
		;
	{
		const struct emb_bad bad[] = {
			/* FILE_UNIX.nr_embryos: its UNIX_EMBRYO records' */
			EMBF(x.ful, ckpt_hdr_file_unix, nr_embryos, 1, EINVAL,
			     "expected a file or fdtable record, found unix_pair",
			     "FILE_UNIX.nr_embryos - 1"),
			EMBF(x.ful, ckpt_hdr_file_unix, nr_embryos, 3, EINVAL,
			     l_more, "FILE_UNIX.nr_embryos + 1"),
			EMBF(x.ful, ckpt_hdr_file_unix, nr_embryos,
			     CKPT_MAX_UNIX_EMBRYOS + 1, EINVAL, l_bad,
			     "FILE_UNIX.nr_embryos CKPT_MAX_UNIX_EMBRYOS + 1"),
			EMBF(x.ful, ckpt_hdr_file_unix, nr_embryos, 0xffffffff,
			     EINVAL, l_bad, "FILE_UNIX.nr_embryos ~0"),
			/* and only a listener's */
			EMBF(x.fuc, ckpt_hdr_file_unix, nr_embryos, 1, EINVAL,
			     c_bad, "FILE_UNIX.nr_embryos 1, the client"),
			EMBF(x.fud0, ckpt_hdr_file_unix, nr_embryos, 2, EINVAL,
			     d_bad, "FILE_UNIX.nr_embryos 2, a datagram pair's end"),
			/* UNIX_EMBRYO.peer_pid: a process of the tree */
			EMBF(x.ea, ckpt_hdr_unix_embryo, peer_pid, 0, EINVAL,
			     l_conn, "UNIX_EMBRYO.peer_pid 0"),
			EMBF(x.ea, ckpt_hdr_unix_embryo, peer_pid, (uint32_t)-1,
			     EINVAL, l_conn, "UNIX_EMBRYO.peer_pid -1"),
			EMBF(x.eb, ckpt_hdr_unix_embryo, peer_pid, 0x80000000U,
			     EINVAL, l_conn, "UNIX_EMBRYO.peer_pid INT_MIN"),
			EMBF(x.ea, ckpt_hdr_unix_embryo, peer_pid, nopid, EINVAL,
			     l_conn, "UNIX_EMBRYO.peer_pid of no task of the tree"),
			EMBF(x.eb, ckpt_hdr_unix_embryo, peer_pid, x.root, 0,
			     NULL, "UNIX_EMBRYO.peer_pid the root's, another process of the tree"),
			/* UNIX_EMBRYO.pair_objref: an EMBRYO pair, once */
			EMBF(x.ea, ckpt_hdr_unix_embryo, pair_objref, x.refpd,
			     EINVAL, l_notd,
			     "UNIX_EMBRYO.pair_objref of the datagram pair"),
			EMBF(x.eb, ckpt_hdr_unix_embryo, pair_objref, x.refa,
			     EINVAL, l_nota,
			     "UNIX_EMBRYO.pair_objref of the first connection, twice"),
			EMBF(x.ea, ckpt_hdr_unix_embryo, pair_objref, 0, EINVAL,
			     NULL, "UNIX_EMBRYO.pair_objref 0"),
			EMBF(x.ea, ckpt_hdr_unix_embryo, pair_objref, 0xffff,
			     EINVAL, NULL, "UNIX_EMBRYO.pair_objref of nothing"),
			EMBF(x.ea, ckpt_hdr_unix_embryo, pair_objref, x.refl,
			     EINVAL, NULL, "UNIX_EMBRYO.pair_objref of a FILE"),
			EMBF(x.ea, ckpt_hdr_unix_embryo, pair_objref, x.refb,
			     EINVAL, NULL,
			     "UNIX_EMBRYO.pair_objref of the second connection, read after it"),
			/* UNIX_PAIR: EMBRYO, of a stream or seqpacket socket */
			EMBF(x.pa, ckpt_hdr_unix_pair, flags, 0, EINVAL, l_nota,
			     "UNIX_PAIR.flags without EMBRYO, the first connection"),
			EMBF(x.pb, ckpt_hdr_unix_pair, flags,
			     CKPT_UNIX_PAIR_CLOSED, EINVAL, l_notb,
			     "UNIX_PAIR.flags CLOSED without EMBRYO, the second connection"),
			EMBF(x.dpair, ckpt_hdr_unix_pair, flags,
			     CKPT_UNIX_PAIR_EMBRYO, EINVAL, pd_bad,
			     "UNIX_PAIR.flags EMBRYO, the datagram pair"),
			EMBF(x.pa, ckpt_hdr_unix_pair, sock_type, SOCK_DGRAM,
			     EINVAL, pa_bad,
			     "UNIX_PAIR.sock_type SOCK_DGRAM, EMBRYO"),
			EMBF(x.pa, ckpt_hdr_unix_pair, sock_type, SOCK_SEQPACKET,
			     EINVAL, l_nota,
			     "UNIX_PAIR.sock_type SOCK_SEQPACKET, its listener stream"),
			EMBF(x.pa, ckpt_hdr_unix_pair, flags,
			     CKPT_UNIX_PAIR_EMBRYO | (CKPT_UNIX_PAIR_FLAGS_MASK + 1),
			     EINVAL, pa_bad, "UNIX_PAIR.flags EMBRYO and an unknown one"),
			EMBF(x.pa, ckpt_hdr_unix_pair, flags,
			     CKPT_UNIX_PAIR_EMBRYO | CKPT_UNIX_PAIR_CLOSED, EINVAL,
			     c_notend,
			     "UNIX_PAIR.flags EMBRYO | CLOSED, its client follows"),
			/* seen once the image is read, by RESTART_VALIDATE too */
			EMBF(x.pb, ckpt_hdr_unix_pair, flags,
			     CKPT_UNIX_PAIR_EMBRYO, EINVAL, pb_noend,
			     "UNIX_PAIR.flags EMBRYO without CLOSED, its client has no FILE_UNIX"),
			/* the client: end 1, no name, no error */
			EMBF(x.fuc, ckpt_hdr_file_unix, end, 0, EINVAL, c_notend,
			     "FILE_UNIX.end 0, the client"),
			EMBF(x.fuc, ckpt_hdr_file_unix, name_len, 1, EINVAL,
			     c_notend, "FILE_UNIX.name_len 1, the client: an accepted end's name"),
			EMBF(x.fuc, ckpt_hdr_file_unix, err, ECONNRESET, EINVAL,
			     c_notend, "FILE_UNIX.err ECONNRESET, the client"),
		};

		emb_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad));
	}

	/* more waiting than net.core.somaxconn and one: EPERM */
	somaxconn = ux_somaxconn();
	ASSERT_LT(0, somaxconn);
	if (somaxconn + 2 <= CKPT_MAX_UNIX_EMBRYOS) {
		struct ckpt_hdr_file_unix u = ux_rec(self, x.ful);
		const struct edit e = { x.ful, true, &u, sizeof(u) };

		ASSERT_EQ(sizeof(u), (size_t)self->recs[x.ful].len);
		u.nr_embryos = somaxconn + 2;
		snprintf(log, sizeof(log),
			 "file record %u: %u connections waiting in a unix socket's backlog, more than net.core.somaxconn (%ld) and one",
			 x.refl, u.nr_embryos, somaxconn);
		emb_expect(_metadata, self, &e, 1, EPERM, log,
			   "FILE_UNIX.nr_embryos net.core.somaxconn + 2");
		/* as many as listen() and the last connect() let wait */
		u.nr_embryos = somaxconn + 1;
		emb_expect(_metadata, self, &e, 1, EINVAL, l_more,
			   "FILE_UNIX.nr_embryos net.core.somaxconn + 1");
	}

	/* the records of the connections out of their place */
	{
		const void *ear = rec_at(self, x.ea);
		const size_t elen = self->recs[x.ea].len;
		const struct edit e[][1] = {
			{ { x.ea, true, NULL, 0 } },
			{ { x.qa, true, NULL, 0 } },
			{ { x.qa + 1, true, NULL, 0 } },
			{ { x.pb, true, NULL, 0 } },
			{ { x.qc + 1, false, ear, elen } },
		};
		static const char *const names[] = {
			"UNIX_EMBRYO of the first connection left out",
			"UNIX_QUEUE of the first connection left out",
			"UNIX_MSG of the first connection left out",
			"UNIX_PAIR of the second connection left out",
			"a UNIX_EMBRYO after the client's UNIX_QUEUE",
		};
		char logs[ARRAY_SIZE(names)][128];
		unsigned char *r;

		snprintf(logs[0], sizeof(logs[0]),
			 "file record %u: expected a connection waiting in the backlog, found unix_queue",
			 x.refl);
		snprintf(logs[1], sizeof(logs[1]),
			 "expected a unix_queue record, found unix_msg");
		snprintf(logs[2], sizeof(logs[2]),
			 "file record %u: expected a unix socket message, found unix_pair",
			 x.refl);
		logs[3][0] = '\0';
		snprintf(logs[4], sizeof(logs[4]),
			 "expected a file or fdtable record, found unix_embryo");
		for (k = 0; k < (int)ARRAY_SIZE(names); k++)
			emb_expect(_metadata, self, e[k], 1, EINVAL,
				   logs[k][0] ? logs[k] : NULL, names[k]);
		/* not extensible */
		r = grown_rec(self, x.ea, 8, -1);
		ASSERT_NE(NULL, r);
		snprintf(log, sizeof(log),
			 "unix_embryo record at byte %zu: bad length %zu",
			 self->recs[x.ea].off, elen + 8);
		emb_expect(_metadata, self,
			   &(struct edit){ x.ea, true, r, elen + 8 }, 1, EINVAL,
			   log, "UNIX_EMBRYO + 8 zero bytes");
		free(r);
	}

	/* nothing is queued on a client whose connection waits */
	{
		struct ckpt_hdr_unix_queue *q =
			(void *)grown_rec(self, x.qc, 0, -1);
		const struct edit e[] = {
			{ x.qc, true, q, self->recs[x.qc].len },
			{ x.qc + 1, false, ma, self->recs[x.qa + 1].len },
		};

		ASSERT_NE(NULL, q);
		q->nr_msgs = 1;
		q->bytes = ma->len;
		snprintf(log, sizeof(log),
			 "file record %u: malformed unix socket queue", x.refc);
		emb_expect(_metadata, self, e, ARRAY_SIZE(e), EINVAL, log,
			   "UNIX_QUEUE of the client: the first connection's message");
		free(q);
	}

	/* what restart takes: a connection's queue of an older kernel */
	{
		unsigned char *r = grown_rec(self, x.qa, 0, -1);

		ASSERT_NE(NULL, r);
		((struct ckpt_hdr *)r)->len = CKPT_REC_UNIX_QUEUE_MIN;
		emb_expect(_metadata, self,
			   &(struct edit){ x.qa, true, r,
					   CKPT_REC_UNIX_QUEUE_MIN },
			   1, 0, NULL,
			   "UNIX_QUEUE of the first connection, of an older kernel (24 bytes)");
		free(r);
	}
	emb_nothing_left(_metadata, "the restarts refused");
	check_no_splat(_metadata, self);
}

/*
 * ---- unix sockets: datagram sockets named by their sock objref
 * (FILE_UNIX.peer_objref, UNIX_SENDER.sock_objref) ----------------------
 */

/*
 * The victim of the datagram peers test (pr_body()), one process: at PR_V
 * a datagram socket bound to the abstract name pr_vname and connected to
 * nothing, as a syslog daemon's /dev/log; at PR_C a client with no name
 * connect()ed to it, as openlog() does, which sent PR_TO_V; at PR_T a
 * datagram socket bound to the abstract name pr_tname, connected to
 * nothing, which then sent PR_V PR_FROM_T with sendto(), and which PR_V
 * answered PR_TO_T; none of them read. And, named by nothing, a datagram
 * pair at PR_D0 and PR_D1 and an unconnected stream socket at PR_S. The
 * abstract names end with the victim's pid.
 */
#define PR_V		35
#define PR_C		36
#define PR_T		37
#define PR_D0		38
#define PR_D1		39
#define PR_S		40
#define PR_TO_V		"to-the-server"
#define PR_FROM_T	"from-the-tree"
#define PR_TO_T		"answer"

static char pr_vname[CKPT_UNIX_NAME_MAX], pr_tname[CKPT_UNIX_NAME_MAX];
static socklen_t pr_vname_len, pr_tname_len;

/* What @fd's send buffer is charged for (SIOCOUTQ), or -1 */
static int pr_outq(int fd)
{
	int n = -1;

	return ioctl(fd, SIOCOUTQ, &n) ? -1 : n;
}

/* Is @fd connected to nothing (getpeername(): ENOTCONN)? */
static bool pr_unconnected(int fd)
{
	struct sockaddr_un sa;
	socklen_t l = sizeof(sa);

	return getpeername(fd, (struct sockaddr *)&sa, &l) && errno == ENOTCONN;
}

/*
 * The next datagram on @fd, read without waiting: @want, from a socket
 * named @name (@len bytes; 0: none, recvmsg() gives no name)
 */
static bool pr_dgram_is(int fd, const char *want, const char *name,
			socklen_t len)
{
	struct sockaddr_un sa;
	char buf[32];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
			     .msg_iov = &iov, .msg_iovlen = 1 };

	memset(&sa, 0, sizeof(sa));
	if (recvmsg(fd, &mh, MSG_DONTWAIT) != (ssize_t)strlen(want) ||
	    memcmp(buf, want, strlen(want)))
		return false;
	return len ? mh.msg_namelen == offsetof(struct sockaddr_un, sun_path) + len &&
		     sa.sun_family == AF_UNIX && !memcmp(sa.sun_path, name, len) :
		     mh.msg_namelen == 0;
}

/*
 * The restored victim: each socket named as it was; the datagrams
 * queued charged to their senders again (to sockets of restart's own,
 * they would not be); the server's two in order from their senders'
 * names (the client has none), the other's from the server's, then
 * none, and no sender charged any more; the client still connected to
 * the server (a send() with no address reaches it), the other still to
 * nothing; the pair connected, the stream socket unconnected.
 */
static void pr_check(void)
{
	const int f = MSG_DONTWAIT | MSG_NOSIGNAL;
	socklen_t len = sizeof(int);
	const char *what = NULL;
	char buf[16];
	int v = 0;

	if (!ux_name_is(PR_V, false, pr_vname, pr_vname_len) ||
	    !pr_unconnected(PR_V))
		what = "the server: its name, connected to nothing";
	else if (!ux_name_is(PR_C, true, pr_vname, pr_vname_len) ||
		 !ux_name_is(PR_C, false, "", 0))
		what = "the client: connected to the server, no name";
	else if (!ux_name_is(PR_T, false, pr_tname, pr_tname_len) ||
		 !pr_unconnected(PR_T))
		what = "the other: its name, connected to nothing";
	else if (pr_outq(PR_V) <= 0 || pr_outq(PR_C) <= 0 ||
		 pr_outq(PR_T) <= 0)
		what = "the datagrams queued: not charged to their senders";
	else if (!pr_dgram_is(PR_V, PR_TO_V, NULL, 0))
		what = "the server: the client's datagram";
	else if (!pr_dgram_is(PR_V, PR_FROM_T, pr_tname, pr_tname_len))
		what = "the server: the other's datagram";
	else if (recv(PR_V, buf, sizeof(buf), MSG_DONTWAIT) != -1 ||
		 errno != EAGAIN)
		what = "the server: a datagram more";
	else if (!pr_dgram_is(PR_T, PR_TO_T, pr_vname, pr_vname_len))
		what = "the other: the server's answer";
	else if (pr_outq(PR_V) || pr_outq(PR_C) || pr_outq(PR_T))
		what = "the datagrams read: their senders still charged";
	else if (send(PR_C, "c", 1, f) != 1 || !pr_dgram_is(PR_V, "c", NULL, 0))
		what = "the client: a datagram to the server, with no address";
	else if (send(PR_T, "t", 1, f) != -1 || errno != ENOTCONN)
		what = "the other: a datagram with no address";
	else if (send(PR_D0, "d", 1, f) != 1 ||
		 recv(PR_D1, buf, sizeof(buf), MSG_DONTWAIT) != 1 || buf[0] != 'd')
		what = "the datagram pair: connected";
	else if (getsockopt(PR_S, SOL_SOCKET, SO_TYPE, &v, &len) ||
		 v != SOCK_STREAM || !pr_unconnected(PR_S))
		what = "the stream socket";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/* The victim of the datagram peers test, see above */
static void pr_body(void *arg)
{
	struct sockaddr_un v, t;
	socklen_t vl, tl;
	int sv[2];

	pr_vname_len = ux_abstract(pr_vname, "server", getpid());
	pr_tname_len = ux_abstract(pr_tname, "tree", getpid());
	vl = ux_addr(&v, pr_vname, pr_vname_len);
	tl = ux_addr(&t, pr_tname, pr_tname_len);
	CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), PR_V) == PR_V &&
		  !bind(PR_V, (struct sockaddr *)&v, vl), "server");
	CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), PR_C) == PR_C &&
		  !connect(PR_C, (struct sockaddr *)&v, vl), "client");
	CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), PR_T) == PR_T &&
		  !bind(PR_T, (struct sockaddr *)&t, tl), "other");
	CK_ASSERT(send(PR_C, PR_TO_V, strlen(PR_TO_V), 0) == strlen(PR_TO_V) &&
		  sendto(PR_T, PR_FROM_T, strlen(PR_FROM_T), 0,
			 (struct sockaddr *)&v, vl) == strlen(PR_FROM_T) &&
		  sendto(PR_V, PR_TO_T, strlen(PR_TO_T), 0,
			 (struct sockaddr *)&t, tl) == strlen(PR_TO_T),
		  "datagrams");
	CK_ASSERT(!socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) &&
		  ck_move_fd(sv[0], PR_D0) == PR_D0 &&
		  ck_move_fd(sv[1], PR_D1) == PR_D1, "datagram pair");
	CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_STREAM, 0), PR_S) == PR_S,
		  "stream socket");
	ck_report("PID %d", getpid());
	if (ck_checkpoint_self() > 0)
		_exit(0);
	pr_check();
}

/* The peers victim's records, by index, and its sock objrefs */
struct pr_recs {
	long pid;		/* the victim's, as in TREE */
	/*
	 * the server: FILE, FILE_UNIX, UNIX_QUEUE, its two UNIX_SENDER
	 * (qv + 1, + 2), its two UNIX_MSG_FROM (qv + 3, + 4)
	 */
	int fv, fuv, qv;
	int fc, fuc, qc;	/* the client: its queue empty */
	int ft, fut, qt;	/* the other: a UNIX_SENDER, a UNIX_MSG_FROM */
	int fd0, dpair, fud0;	/* the pair's end 0 */
	int fd1, fud1;		/* its end 1 */
	int fs, fus;		/* the stream socket */
	uint32_t v, c, t, d0, d1;	/* the sock objrefs */
};

/*
 * Checkpoint the peers victim, load its image and find its records, in
 * the order checkpoint_hdr.h documents (by fd)
 */
static void pr_load(struct __test_metadata *_metadata,
		    FIXTURE_DATA(image) *self, struct pr_recs *x)
{
	const struct ckpt_hdr_file_unix *u;

	ck_checkpoint_child(_metadata, NULL, 0, pr_body, NULL);
	ASSERT_EQ(0, ck_line_int("PID ", &x->pid));
	load_image(_metadata, self);
	x->fv = file_of_fd(self, PR_V);
	x->fc = file_of_fd(self, PR_C);
	x->ft = file_of_fd(self, PR_T);
	x->fd0 = file_of_fd(self, PR_D0);
	x->fd1 = file_of_fd(self, PR_D1);
	x->fs = file_of_fd(self, PR_S);
	ASSERT_TRUE(x->fv >= 0 && x->fc > x->fv && x->ft > x->fc &&
		    x->fd0 > x->ft && x->fd1 > x->fd0 && x->fs > x->fd1)
		TH_LOG("FILE records of fds %d-%d: %d %d %d %d %d %d", PR_V,
		       PR_S, x->fv, x->fc, x->ft, x->fd0, x->fd1, x->fs);
	x->fuv = file_part(self, x->fv, CKPT_HDR_FILE_UNIX);
	x->qv = file_part(self, x->fv, CKPT_HDR_UNIX_QUEUE);
	x->fuc = file_part(self, x->fc, CKPT_HDR_FILE_UNIX);
	x->qc = file_part(self, x->fc, CKPT_HDR_UNIX_QUEUE);
	x->fut = file_part(self, x->ft, CKPT_HDR_FILE_UNIX);
	x->qt = file_part(self, x->ft, CKPT_HDR_UNIX_QUEUE);
	x->dpair = file_part(self, x->fd0, CKPT_HDR_UNIX_PAIR);
	x->fud0 = file_part(self, x->fd0, CKPT_HDR_FILE_UNIX);
	x->fud1 = file_part(self, x->fd1, CKPT_HDR_FILE_UNIX);
	x->fus = file_part(self, x->fs, CKPT_HDR_FILE_UNIX);
	ASSERT_TRUE(x->fuv == x->fv + 1 && x->qv == x->fv + 2 &&
		    x->fc == x->qv + 5 && x->fuc == x->fc + 1 &&
		    x->qc == x->fc + 2 && x->fut == x->ft + 1 &&
		    x->qt == x->ft + 2 && x->dpair == x->fd0 + 1 &&
		    x->fud0 == x->fd0 + 2 && x->fud1 == x->fd1 + 1 &&
		    x->fus == x->fs + 1)
		TH_LOG("records: server %d %d %d, client %d %d %d, other %d %d %d, pair %d %d %d, %d %d, stream %d %d",
		       x->fv, x->fuv, x->qv, x->fc, x->fuc, x->qc, x->ft,
		       x->fut, x->qt, x->fd0, x->dpair, x->fud0, x->fd1,
		       x->fud1, x->fs, x->fus);
	ASSERT_TRUE(self->recs[x->qv + 1].type == CKPT_HDR_UNIX_SENDER &&
		    self->recs[x->qv + 2].type == CKPT_HDR_UNIX_SENDER &&
		    self->recs[x->qv + 3].type == CKPT_HDR_UNIX_MSG_FROM &&
		    self->recs[x->qv + 4].type == CKPT_HDR_UNIX_MSG_FROM &&
		    self->recs[x->qt + 1].type == CKPT_HDR_UNIX_SENDER &&
		    self->recs[x->qt + 2].type == CKPT_HDR_UNIX_MSG_FROM)
		TH_LOG("the records of the server's and the other's queues");
	u = rec_at(self, x->fuv);
	x->v = u->sock_objref;
	u = rec_at(self, x->fuc);
	x->c = u->sock_objref;
	u = rec_at(self, x->fut);
	x->t = u->sock_objref;
	u = rec_at(self, x->fud0);
	x->d0 = u->sock_objref;
	u = rec_at(self, x->fud1);
	x->d1 = u->sock_objref;
}

/*
 * The image with @ne edits, restarted for real and by
 * restart(RESTART_VALIDATE), which runs the checks made once the image
 * is read too: refused with @err and the line "file record N: @log", N
 * the objref of the FILE of record @i (or, @i < 0, the line @log)
 */
static void pr_expect(struct __test_metadata *_metadata,
		      FIXTURE_DATA(image) *self, int i, const struct edit *e,
		      int ne, int err, const char *log, const char *what)
{
	char line[256];

	if (i >= 0)
		snprintf(line, sizeof(line), "file record %u: %s",
			 ux_file_objref(self, i), log);
	else
		snprintf(line, sizeof(line), "%s", log);
	expect_edit_logged(_metadata, self, e, ne, err, line, what);
	emb_expect(_metadata, self, e, ne, err, line, what);
}

/*
 * The image with @ne edits: validated, and restarted, the victim runs;
 * as it was (@intact), or as the edits say
 */
static void pr_expect_taken(struct __test_metadata *_metadata,
			    FIXTURE_DATA(image) *self, const struct edit *e,
			    int ne, bool intact, const char *what)
{
	emb_expect(_metadata, self, e, ne, 0, NULL, what);
	if (intact)
		expect_edit(_metadata, self, e, ne, false, what);
	else
		expect_taken(_metadata, self, e, ne, what);
}

/* "unix socket @ref, which it names, is no datagram socket of the image" */
static const char *pr_names_none(char *buf, size_t size, uint32_t ref)
{
	snprintf(buf, size,
		 "unix socket %u, which it names, is no datagram socket of the image",
		 ref);
	return buf;
}

/*
 * A datagram server socket bound to an abstract name, a client of the
 * victim connected to it that it is not connected to, and another socket
 * of the victim that sent it a datagram with sendto() and got one back
 * (pr_body()). The image: every datagram socket's FILE_UNIX has a sock
 * objref of its own, of the objref space of the other objects (the
 * pair's ends too; the stream socket none); the client's FILE_UNIX has
 * no pair, and its peer_objref is the server's sock objref; the
 * server's UNIX_QUEUE has two UNIX_SENDER records, the client's sock
 * objref then the other's, with no name and no sndbuf (theirs), and
 * their datagrams in order; the other's, one, the server's. The image
 * validates and restarts, and the victim finds each socket as it was:
 * the datagrams charged to their senders, read with their names, the
 * client still connected to the server.
 *
 * Each rule broken, checksum fixed: refused, restarting for real and by
 * restart(RESTART_VALIDATE), with EINVAL and the line that says what.
 * Once the whole image is read ("unix socket N, which it names, is no
 * datagram socket of the image", for the FILE of the socket that names
 * it): the server's sock objref 0 (its client's peer names nothing; with
 * the client unconnected, the other's sender names nothing), a peer or
 * a sender's sock objref of nothing, or of the stream socket's FILE. As
 * the records are read: a sock objref another socket's ("objref N used
 * twice", at the second), its own FILE's (at the FILE), a later FILE's
 * (that FILE "malformed"), above CKPT_MAX_OBJS ("bad objref"); a sock
 * objref on the stream socket, a peer on it or on an end of the pair
 * ("malformed unix socket"); a sender's sock objref with a name, a byte
 * of a name or a sndbuf ("malformed unix socket sender N"). Restarting
 * for real only (RESTART_VALIDATE only finds the peer): the client's
 * peer an end of the pair, connected to the other end (EPERM, "cannot
 * connect the unix socket to unix socket N again").
 *
 * What restart takes: a sock objref renamed with what names it (the
 * victim finds all as it was); a pair's end's sock objref 0, which
 * nothing names; a peer pid on the client, of no pair (a socketpair()
 * end connected elsewhere since keeps its SO_PEERCRED); the two senders
 * swapped, the client unconnected, connected to the other or to itself
 * (the victim sees it).
 */
TEST_F_TIMEOUT(image, unix_dgram_peers_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_file_unix *uv, *uc, *ut, *ud0, *ud1, *us;
	const struct ckpt_hdr_unix_sender *s1, *s2, *st;
	const struct ckpt_hdr_unix_msg_from *m1, *m2, *mt;
	const struct ckpt_hdr_unix_queue *qv, *qt, *qc;
	const size_t ulen = sizeof(struct ckpt_hdr_file_unix);
	const size_t slen = sizeof(struct ckpt_hdr_unix_sender);
	const uint32_t nothing = 9999;
	char why[256] = "", name[CKPT_UNIX_NAME_MAX], log[256];
	struct ckpt_hdr_file_unix u, u2;
	struct ckpt_hdr_unix_sender s, s_2;
	socklen_t vname_len, tname_len;
	uint32_t refs[5], rs;
	struct pr_recs x;
	int k, j;

	pr_load(_metadata, self, &x);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	uv = rec_at(self, x.fuv);
	uc = rec_at(self, x.fuc);
	ut = rec_at(self, x.fut);
	ud0 = rec_at(self, x.fud0);
	ud1 = rec_at(self, x.fud1);
	us = rec_at(self, x.fus);
	qv = rec_at(self, x.qv);
	qc = rec_at(self, x.qc);
	qt = rec_at(self, x.qt);
	s1 = rec_at(self, x.qv + 1);
	s2 = rec_at(self, x.qv + 2);
	st = rec_at(self, x.qt + 1);
	m1 = rec_at(self, x.qv + 3);
	m2 = rec_at(self, x.qv + 4);
	mt = rec_at(self, x.qt + 2);
	rs = objref_of(self, x.fs);

	/* the sockets: each datagram one a sock objref of its own */
	for (k = 0; k < 6; k++) {
		const struct ckpt_hdr_file_unix *h = k == 0 ? uv : k == 1 ? uc :
			k == 2 ? ut : k == 3 ? ud0 : k == 4 ? ud1 : us;

		EXPECT_EQ(ulen, (size_t)h->h.len) TH_LOG("socket %d", k);
		EXPECT_EQ((uint32_t)(k == 5 ? SOCK_STREAM : SOCK_DGRAM),
			  h->sock_type) TH_LOG("socket %d", k);
	}
	refs[0] = x.v;
	refs[1] = x.c;
	refs[2] = x.t;
	refs[3] = x.d0;
	refs[4] = x.d1;
	for (k = 0; k < 5; k++) {
		EXPECT_NE(0U, refs[k]) TH_LOG("sock objref %d", k);
		EXPECT_GT(0, find_objref(self, refs[k]))
			TH_LOG("sock objref %d: %u, a FILE's", k, refs[k]);
		for (j = 0; j < k; j++)
			EXPECT_NE(refs[j], refs[k])
				TH_LOG("sock objrefs %d and %d", j, k);
	}
	EXPECT_EQ(0U, us->sock_objref);
	EXPECT_GT(0, find_objref(self, nothing));
	for (k = 0; k < 5; k++)
		ASSERT_NE(nothing, refs[k]);
	/* who is connected to whom */
	vname_len = ux_abstract(name, "server", x.pid);
	EXPECT_EQ((uint32_t)vname_len, uv->name_len);
	EXPECT_EQ(0, memcmp(uv->name, name, vname_len));
	EXPECT_EQ(0U, uv->pair_objref | uv->peer_objref);
	EXPECT_EQ(0U, uc->pair_objref);
	EXPECT_EQ(x.v, uc->peer_objref);
	EXPECT_EQ(0U, uc->name_len);
	EXPECT_EQ(0, uc->peer_pid);
	EXPECT_EQ(0U, ut->pair_objref | ut->peer_objref);
	EXPECT_NE(0U, ud0->pair_objref);
	EXPECT_EQ(ud0->pair_objref, ud1->pair_objref);
	EXPECT_EQ(0U, ud0->peer_objref | ud1->peer_objref | us->peer_objref);
	/* the server's queue: from the client, then from the other */
	EXPECT_EQ(2U, qv->nr_senders);
	EXPECT_EQ(2U, qv->nr_msgs);
	EXPECT_EQ(0U, qc->nr_msgs);
	EXPECT_EQ(x.c, s1->sock_objref);
	EXPECT_EQ(x.t, s2->sock_objref);
	EXPECT_EQ(x.v, st->sock_objref);
	for (k = 0; k < 3; k++) {
		const struct ckpt_hdr_unix_sender *h = k == 0 ? s1 : k == 1 ? s2 : st;

		EXPECT_EQ(slen, (size_t)h->h.len);
		EXPECT_EQ(0U, h->name_len | h->sndbuf) TH_LOG("sender %d", k);
		EXPECT_TRUE(ux_zero_from(h->name, 0, sizeof(h->name)))
			TH_LOG("sender %d", k);
	}
	EXPECT_EQ(1U, m1->sender);
	EXPECT_EQ(strlen(PR_TO_V), (size_t)m1->len);
	EXPECT_EQ(0, memcmp(m1 + 1, PR_TO_V, strlen(PR_TO_V)));
	EXPECT_EQ(2U, m2->sender);
	EXPECT_EQ(strlen(PR_FROM_T), (size_t)m2->len);
	EXPECT_EQ(0, memcmp(m2 + 1, PR_FROM_T, strlen(PR_FROM_T)));
	EXPECT_EQ(1U, qt->nr_senders);
	EXPECT_EQ(1U, mt->sender);
	EXPECT_EQ(0, memcmp(mt + 1, PR_TO_T, strlen(PR_TO_T)));

	/* the image as written: validated, restarted as it was */
	emb_expect(_metadata, self, NULL, 0, 0, NULL,
		   "the image as written, validated");
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	/* what a sock objref names: checked once the whole image is read */
	u = ux_rec(self, x.fuv);
	u.sock_objref = 0;
	pr_expect(_metadata, self, x.fuc,
		  &(struct edit){ x.fuv, true, &u, ulen }, 1, EINVAL,
		  pr_names_none(log, sizeof(log), x.v),
		  "FILE_UNIX.sock_objref 0, the server: its client's peer names nothing");
	u2 = ux_rec(self, x.fuc);
	u2.peer_objref = 0;
	{
		const struct edit e[] = {
			{ x.fuv, true, &u, ulen }, { x.fuc, true, &u2, ulen },
		};

		pr_expect(_metadata, self, x.ft, e, ARRAY_SIZE(e), EINVAL,
			  pr_names_none(log, sizeof(log), x.v),
			  "FILE_UNIX.sock_objref 0, the server, its client unconnected: the other's sender names nothing");
	}
	u2.peer_objref = nothing;
	pr_expect(_metadata, self, x.fuc,
		  &(struct edit){ x.fuc, true, &u2, ulen }, 1, EINVAL,
		  pr_names_none(log, sizeof(log), nothing),
		  "FILE_UNIX.peer_objref of nothing");
	u2.peer_objref = rs;
	pr_expect(_metadata, self, x.fuc,
		  &(struct edit){ x.fuc, true, &u2, ulen }, 1, EINVAL,
		  pr_names_none(log, sizeof(log), rs),
		  "FILE_UNIX.peer_objref of the stream socket's FILE");
	s = *s1;
	s.sock_objref = nothing;
	pr_expect(_metadata, self, x.fv,
		  &(struct edit){ x.qv + 1, true, &s, slen }, 1, EINVAL,
		  pr_names_none(log, sizeof(log), nothing),
		  "UNIX_SENDER.sock_objref of nothing");
	s = *s2;
	s.sock_objref = rs;
	pr_expect(_metadata, self, x.fv,
		  &(struct edit){ x.qv + 2, true, &s, slen }, 1, EINVAL,
		  pr_names_none(log, sizeof(log), rs),
		  "UNIX_SENDER.sock_objref of the stream socket's FILE");

	/* a sock objref: one of the objref space, once */
	u = ux_rec(self, x.fut);
	u.sock_objref = x.c;
	snprintf(log, sizeof(log), "objref %u used twice", x.c);
	pr_expect(_metadata, self, -1, &(struct edit){ x.fut, true, &u, ulen },
		  1, EINVAL, log,
		  "FILE_UNIX.sock_objref of the other, the client's");
	u = ux_rec(self, x.fuv);
	u.sock_objref = x.t;
	snprintf(log, sizeof(log), "objref %u used twice", x.t);
	pr_expect(_metadata, self, -1, &(struct edit){ x.fuv, true, &u, ulen },
		  1, EINVAL, log,
		  "FILE_UNIX.sock_objref of the server, the other's");
	u.sock_objref = objref_of(self, x.fv);
	snprintf(log, sizeof(log), "objref %u used twice", u.sock_objref);
	pr_expect(_metadata, self, -1, &(struct edit){ x.fuv, true, &u, ulen },
		  1, EINVAL, log,
		  "FILE_UNIX.sock_objref of the server, its FILE's");
	u.sock_objref = objref_of(self, x.fc);
	pr_expect(_metadata, self, x.fc,
		  &(struct edit){ x.fuv, true, &u, ulen }, 1, EINVAL,
		  "malformed", "FILE_UNIX.sock_objref of the server, the client's FILE's");
	u.sock_objref = 0xffffffff;
	pr_expect(_metadata, self, -1, &(struct edit){ x.fuv, true, &u, ulen },
		  1, EINVAL, "bad objref 4294967295",
		  "FILE_UNIX.sock_objref ~0, above CKPT_MAX_OBJS");

	/* a sock objref, a peer: of a datagram socket of no pair only */
	u = ux_rec(self, x.fus);
	u.sock_objref = nothing;
	pr_expect(_metadata, self, x.fus,
		  &(struct edit){ x.fus, true, &u, ulen }, 1, EINVAL,
		  UX_MALFORMED, "FILE_UNIX.sock_objref on the stream socket");
	u.sock_objref = 0;
	u.peer_objref = x.v;
	pr_expect(_metadata, self, x.fus,
		  &(struct edit){ x.fus, true, &u, ulen }, 1, EINVAL,
		  UX_MALFORMED, "FILE_UNIX.peer_objref on the stream socket");
	u = ux_rec(self, x.fud0);
	u.peer_objref = x.v;
	pr_expect(_metadata, self, x.fud0,
		  &(struct edit){ x.fud0, true, &u, ulen }, 1, EINVAL,
		  UX_MALFORMED, "FILE_UNIX.peer_objref on an end of a pair");

	/* a sender of the tree: its name and sndbuf are its socket's */
	tname_len = ux_abstract(name, "tree", x.pid);
	s = *s2;
	s.name_len = tname_len;
	memcpy(s.name, name, tname_len);
	pr_expect(_metadata, self, x.fv,
		  &(struct edit){ x.qv + 2, true, &s, slen }, 1, EINVAL,
		  "malformed unix socket sender 2",
		  "UNIX_SENDER.sock_objref with a name_len, its socket's name");
	s = *s1;
	s.name[1] = 'x';
	pr_expect(_metadata, self, x.fv,
		  &(struct edit){ x.qv + 1, true, &s, slen }, 1, EINVAL,
		  "malformed unix socket sender 1",
		  "UNIX_SENDER.sock_objref, a byte of a name, name_len 0");
	s = *s1;
	s.sndbuf = 212992;
	pr_expect(_metadata, self, x.fv,
		  &(struct edit){ x.qv + 1, true, &s, slen }, 1, EINVAL,
		  "malformed unix socket sender 1",
		  "UNIX_SENDER.sock_objref with a sndbuf");

	/*
	 * A peer that is an end of a pair: taken (a socket may connect to
	 * one that connected elsewhere since, and restart makes the pair
	 * first), a state the program did not have, which it sees.
	 */
	u = ux_rec(self, x.fuc);
	u.peer_objref = x.d0;
	emb_expect(_metadata, self, &(struct edit){ x.fuc, true, &u, ulen }, 1,
		   0, NULL, "FILE_UNIX.peer_objref of an end of a pair, validated");

	/* what restart takes: a name of nothing else, the same sockets */
	{
		struct ckpt_hdr_unix_sender sw = *st;
		const uint32_t w = 60000;
		const struct edit e[] = {
			{ x.fuv, true, &u, ulen }, { x.fuc, true, &u2, ulen },
			{ x.qt + 1, true, &sw, slen },
		};

		ASSERT_GT(0, find_objref(self, w));
		u = ux_rec(self, x.fuv);
		u.sock_objref = w;
		u2 = ux_rec(self, x.fuc);
		u2.peer_objref = w;
		sw.sock_objref = w;
		pr_expect_taken(_metadata, self, e, ARRAY_SIZE(e), true,
				"the server's sock objref renamed, with its client's peer and the other's sender");
	}
	u = ux_rec(self, x.fud1);
	u.sock_objref = 0;
	pr_expect_taken(_metadata, self,
			&(struct edit){ x.fud1, true, &u, ulen }, 1, true,
			"FILE_UNIX.sock_objref 0, an end of the pair, which nothing names");
	u = ux_rec(self, x.fuc);
	u.peer_pid = x.pid;
	pr_expect_taken(_metadata, self,
			&(struct edit){ x.fuc, true, &u, ulen }, 1, true,
			"FILE_UNIX.peer_pid, the client, of no pair");
	/* and other senders, other peers, which the victim sees */
	s = *s1;
	s_2 = *s2;
	s.sock_objref = x.t;
	s_2.sock_objref = x.c;
	{
		const struct edit e[] = {
			{ x.qv + 1, true, &s, slen }, { x.qv + 2, true, &s_2, slen },
		};

		pr_expect_taken(_metadata, self, e, ARRAY_SIZE(e), false,
				"UNIX_SENDER 1 and 2: each the other socket");
	}
	for (k = 0; k < 3; k++) {
		const uint32_t peer[] = { 0, x.t, x.c };
		static const char *const whats[] = {
			"FILE_UNIX.peer_objref 0, the client unconnected",
			"FILE_UNIX.peer_objref, the client connected to the other",
			"FILE_UNIX.peer_objref, the client connected to itself",
		};

		u = ux_rec(self, x.fuc);
		u.peer_objref = peer[k];
		pr_expect_taken(_metadata, self,
				&(struct edit){ x.fuc, true, &u, ulen }, 1, false,
				whats[k]);
	}
	check_no_splat(_metadata, self);
}

/*
 * ---- unix sockets: a stream's out-of-band byte (UNIX_QUEUE.oob_msg,
 * FILE_UNIX CKPT_UNIX_OOBINLINE) ---------------------------------------
 */

/*
 * The victim of the out-of-band test (ob_body()), one process: a stream
 * pair, end 0 at OB_S0, end 1 at OB_S1, both blocking, on which end 0
 * sent OB_BEFORE, then OB_OOB with MSG_OOB, then OB_AFTER, none of it
 * read: end 1's queue is three messages, the second its out-of-band
 * byte, where reads stop.
 */
#define OB_S0		35
#define OB_S1		36
#define OB_BEFORE	"ab"
#define OB_OOB		'x'
#define OB_AFTER	"cd"

/*
 * What the restored victim reads on OB_S1 (ob_trace()): as it was, the
 * mark at the out-of-band byte; the byte an ordinary one (no mark, read
 * in line); SO_OOBINLINE on OB_S1 (the mark still there, the byte read in
 * line from it)
 */
#define OB_INTACT	"inline 0 0 pri 1 read \"ab\" mark 1 oob 'x' then \"cd\""
#define OB_IN_LINE	"inline 0 0 pri 0 read \"abxcd\" mark 0 oob EINVAL then \"\""
#define OB_OOBINLINE	"inline 0 1 pri 1 read \"ab\" mark 1 oob EINVAL then \"xcd\""

/*
 * What a reader of OB_S1 sees, in a line: SO_OOBINLINE of OB_S0 and
 * OB_S1, POLLPRI, a read, SIOCATMARK then, a recv() with MSG_OOB (the
 * byte, or its errno), then what is left. Nothing waits.
 */
static void ob_trace(char *out, size_t size)
{
	struct pollfd p = { .fd = OB_S1, .events = POLLPRI };
	int in0 = -1, in1 = -1, mark = -1;
	socklen_t l0 = sizeof(int), l1 = sizeof(int);
	char buf[16], rest[16], oob[24], c = 0;
	ssize_t n, o, r;

	getsockopt(OB_S0, SOL_SOCKET, SO_OOBINLINE, &in0, &l0);
	getsockopt(OB_S1, SOL_SOCKET, SO_OOBINLINE, &in1, &l1);
	if (poll(&p, 1, 0) < 0)
		p.revents = 0;
	n = recv(OB_S1, buf, sizeof(buf), MSG_DONTWAIT);
	ioctl(OB_S1, SIOCATMARK, &mark);
	o = recv(OB_S1, &c, 1, MSG_OOB | MSG_DONTWAIT);
	if (o == 1)
		snprintf(oob, sizeof(oob), "'%c'", c);
	else
		snprintf(oob, sizeof(oob), "%s", o < 0 ?
			 strerrorname_np(errno) ?: "?" : "none");
	r = ux_read_all(OB_S1, rest, sizeof(rest), NULL);
	snprintf(out, size, "inline %d %d pri %d read \"%.*s\" mark %d oob %s then \"%.*s\"",
		 in0, in1, !!(p.revents & POLLPRI), n > 0 ? (int)n : 0, buf,
		 mark, oob, r > 0 ? (int)r : 0, rest);
}

/*
 * The restored victim: "OOB <what OB_S1 reads>" (ob_trace()), then
 * "RESUMED intact" if that is OB_INTACT, SO_PEERCRED of both ends is
 * this process, the pair is connected both ways and carries a new
 * out-of-band byte
 */
static void ob_check(void)
{
	const int f = MSG_DONTWAIT | MSG_NOSIGNAL;
	const char *what = NULL;
	char trace[160], buf[4];

	ob_trace(trace, sizeof(trace));
	ck_report("OOB %s", trace);
	if (strcmp(trace, OB_INTACT))
		what = "the out-of-band byte";
	else if (!ux_peer_is_me(OB_S0) || !ux_peer_is_me(OB_S1))
		what = "SO_PEERCRED";
	else if (send(OB_S0, "z", 1, f) != 1 ||
		 recv(OB_S1, buf, sizeof(buf), MSG_DONTWAIT) != 1 || buf[0] != 'z' ||
		 send(OB_S1, "y", 1, f) != 1 ||
		 recv(OB_S0, buf, sizeof(buf), MSG_DONTWAIT) != 1 || buf[0] != 'y')
		what = "the pair: connected";
	else if (send(OB_S0, "o", 1, f | MSG_OOB) != 1 ||
		 recv(OB_S1, buf, 1, MSG_OOB | MSG_DONTWAIT) != 1 || buf[0] != 'o')
		what = "the pair: a new out-of-band byte";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/* The victim of the out-of-band test, see above */
static void ob_body(void *arg)
{
	const char oob = OB_OOB;
	int sv[2];

	CK_ASSERT(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv) &&
		  ck_move_fd(sv[0], OB_S0) == OB_S0 &&
		  ck_move_fd(sv[1], OB_S1) == OB_S1, "stream pair");
	CK_ASSERT(send(OB_S0, OB_BEFORE, strlen(OB_BEFORE), 0) == strlen(OB_BEFORE) &&
		  send(OB_S0, &oob, 1, MSG_OOB) == 1 &&
		  send(OB_S0, OB_AFTER, strlen(OB_AFTER), 0) == strlen(OB_AFTER),
		  "the bytes, one out of band");
	ck_report("PID %d", getpid());
	if (ck_checkpoint_self() > 0)
		_exit(0);
	ob_check();
}

/* The out-of-band victim's records, by index */
struct ob_recs {
	long pid;		/* the victim's, as in TREE */
	int f0, pair, fu0, q0;	/* end 0: FILE, UNIX_PAIR, FILE_UNIX, UNIX_QUEUE */
	int f1, fu1, q1;	/* end 1, its three UNIX_MSG after its queue */
};

/*
 * Checkpoint the out-of-band victim, load its image and find its
 * records, in the order checkpoint_hdr.h documents
 */
static void ob_load(struct __test_metadata *_metadata,
		    FIXTURE_DATA(image) *self, struct ob_recs *x)
{
	int k;

	ck_checkpoint_child(_metadata, NULL, 0, ob_body, NULL);
	ASSERT_EQ(0, ck_line_int("PID ", &x->pid));
	load_image(_metadata, self);
	x->f0 = file_of_fd(self, OB_S0);
	x->f1 = file_of_fd(self, OB_S1);
	ASSERT_TRUE(x->f0 >= 0 && x->f1 > x->f0)
		TH_LOG("FILE records of fds %d and %d: %d %d", OB_S0, OB_S1,
		       x->f0, x->f1);
	x->pair = file_part(self, x->f0, CKPT_HDR_UNIX_PAIR);
	x->fu0 = file_part(self, x->f0, CKPT_HDR_FILE_UNIX);
	x->q0 = file_part(self, x->f0, CKPT_HDR_UNIX_QUEUE);
	x->fu1 = file_part(self, x->f1, CKPT_HDR_FILE_UNIX);
	x->q1 = file_part(self, x->f1, CKPT_HDR_UNIX_QUEUE);
	ASSERT_TRUE(x->pair == x->f0 + 1 && x->fu0 == x->f0 + 2 &&
		    x->q0 == x->f0 + 3 && x->f1 == x->q0 + 1 &&
		    x->fu1 == x->f1 + 1 && x->q1 == x->f1 + 2 &&
		    x->q1 + 3 < self->nr)
		TH_LOG("records: end 0 %d %d %d %d, end 1 %d %d %d", x->f0,
		       x->pair, x->fu0, x->q0, x->f1, x->fu1, x->q1);
	for (k = 1; k <= 3; k++)
		ASSERT_EQ((uint32_t)CKPT_HDR_UNIX_MSG, self->recs[x->q1 + k].type)
			TH_LOG("message %d", k);
}

/*
 * The image with @ne edits: validated, and restarted, the victim runs
 * (@intact: as it was) and reads @trace on OB_S1 (its "OOB" line)
 */
static void ob_expect_taken(struct __test_metadata *_metadata,
			    FIXTURE_DATA(image) *self, const struct edit *e,
			    int ne, bool intact, const char *trace,
			    const char *what)
{
	const char *line;

	emb_expect(_metadata, self, e, ne, 0, NULL, what);
	if (intact)
		expect_edit(_metadata, self, e, ne, false, what);
	else
		expect_taken(_metadata, self, e, ne, what);
	line = ck_line("OOB ");
	EXPECT_TRUE(line && strcspn(line, "\n") == strlen(trace) &&
		    !strncmp(line, trace, strlen(trace)))
		TH_LOG("%s: the victim reads \"%.*s\", expected \"%s\"", what,
		       line ? (int)strcspn(line, "\n") : 6,
		       line ?: "(none)", trace);
}

/*
 * A stream pair whose end 1 holds "ab", an out-of-band "x" (sent with
 * MSG_OOB) and "cd" (ob_body()). The image: end 1's UNIX_QUEUE has three
 * messages, five bytes, oob_msg 2: the UNIX_MSG of the 1 byte "x"; end
 * 0's queue is empty, oob_msg 0; neither FILE_UNIX has
 * CKPT_UNIX_OOBINLINE. The image validates and restarts, and the victim
 * reads as it did: a read stops at the mark ("ab"), SIOCATMARK and
 * POLLPRI report it, recv() with MSG_OOB takes "x", then "cd" is there;
 * and the pair carries a new out-of-band byte.
 *
 * Each rule broken, checksum fixed: refused, restarting for real and by
 * restart(RESTART_VALIDATE), with EINVAL and "malformed unix socket
 * queue". As the UNIX_QUEUE record is read: an oob_msg past nr_msgs (4,
 * ~0; 1 on end 0's empty queue). Once its messages are read: one that
 * is not 1 byte long ("ab", "cd"; "x" made "mm"; "x" left out with the
 * counts, oob_msg then naming "cd"). (On a datagram socket:
 * unix_senders_damaged.)
 *
 * What restart takes, which the victim sees: oob_msg 0 (the byte is an
 * ordinary one, read in line with the others: "abxcd", no mark, nothing
 * out of band), and so a UNIX_QUEUE of an older kernel (24 bytes), which
 * has no oob_msg; another message of 1 byte (the last made "m", oob_msg
 * 3: the mark moves there, "x" is read in line); CKPT_UNIX_OOBINLINE on
 * end 1 (SO_OOBINLINE on: the read still stops at the mark, recv() with
 * MSG_OOB is refused, the byte is read in line: "xcd"), or on end 0
 * (SO_OOBINLINE on there, which end 1 does not see).
 */
TEST_F_TIMEOUT(image, unix_oob_damaged, 3 * CK_TIMEOUT)
{
	static const char *const data[3] = { OB_BEFORE, "x", OB_AFTER };
	const size_t ulen = sizeof(struct ckpt_hdr_file_unix);
	const struct ckpt_hdr_unix_queue *q0, *q1;
	const struct ckpt_hdr_file_unix *u0, *u1;
	const struct ckpt_hdr_unix_pair *ph;
	struct ckpt_hdr_unix_queue *q;
	struct ckpt_hdr_unix_msg *m;
	struct ckpt_hdr_file_unix u;
	char why[256] = "";
	struct ob_recs x;
	size_t len;
	int k;

	ob_load(_metadata, self, &x);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	ph = rec_at(self, x.pair);
	u0 = rec_at(self, x.fu0);
	u1 = rec_at(self, x.fu1);
	q0 = rec_at(self, x.q0);
	q1 = rec_at(self, x.q1);

	/* the pair; no SO_OOBINLINE */
	EXPECT_EQ((uint32_t)SOCK_STREAM, ph->sock_type);
	EXPECT_EQ(ph->objref, u0->pair_objref);
	EXPECT_EQ(ph->objref, u1->pair_objref);
	EXPECT_EQ(ulen, (size_t)u0->h.len);
	EXPECT_EQ(ulen, (size_t)u1->h.len);
	EXPECT_EQ(0U, u0->end);
	EXPECT_EQ(1U, u1->end);
	EXPECT_EQ(0U, (u0->flags | u1->flags) & CKPT_UNIX_OOBINLINE);
	/* end 0's queue: empty; end 1's: "ab", "x" out of band, "cd" */
	EXPECT_EQ(sizeof(*q0), (size_t)self->recs[x.q0].len);
	EXPECT_EQ(0U, q0->nr_msgs | q0->oob_msg | q0->nr_senders);
	EXPECT_EQ(sizeof(*q1), (size_t)self->recs[x.q1].len);
	EXPECT_EQ(3U, q1->nr_msgs);
	EXPECT_EQ(5U, q1->bytes);
	EXPECT_EQ(0U, q1->nr_senders | q1->__reserved);
	EXPECT_EQ(2U, q1->oob_msg);
	for (k = 0; k < 3; k++) {
		const struct ckpt_hdr_unix_msg *h = rec_at(self, x.q1 + 1 + k);

		EXPECT_EQ(strlen(data[k]), (size_t)h->len) TH_LOG("message %d", k);
		EXPECT_EQ(0, memcmp(h + 1, data[k], strlen(data[k])))
			TH_LOG("message %d", k);
	}

	/* the image as written: validated, restarted as it was */
	ob_expect_taken(_metadata, self, NULL, 0, true, OB_INTACT,
			"the image as written");

	/* oob_msg past the messages, or one that is not 1 byte long */
	{
		static const struct {
			bool end0;	/* end 0's queue, not end 1's */
			uint32_t val;
			const char *what;
		} bad[] = {
			{ false, 1, "UNIX_QUEUE.oob_msg 1: \"ab\", 2 bytes" },
			{ false, 3, "UNIX_QUEUE.oob_msg 3: \"cd\", 2 bytes" },
			{ false, 4, "UNIX_QUEUE.oob_msg 4, nr_msgs + 1" },
			{ false, 0xffffffff, "UNIX_QUEUE.oob_msg ~0" },
			{ true, 1, "UNIX_QUEUE.oob_msg 1, end 0's empty queue" },
		};

		for (k = 0; k < (int)ARRAY_SIZE(bad); k++) {
			int i = bad[k].end0 ? x.q0 : x.q1;

			q = ux_copy(self, i, &len);
			ASSERT_NE(NULL, q);
			q->oob_msg = bad[k].val;
			pr_expect(_metadata, self, i,
				  &(struct edit){ i, true, q, len }, 1, EINVAL,
				  UX_QUEUE_BAD, bad[k].what);
			free(q);
		}
	}
	/* the out-of-band message made 2 bytes, or left out */
	q = ux_copy(self, x.q1, &len);
	m = ux_msg(2, 0);
	ASSERT_TRUE(q && m);
	q->bytes++;
	{
		const struct edit e[] = {
			{ x.q1, true, q, len }, { x.q1 + 2, true, m, m->h.len },
		};

		pr_expect(_metadata, self, x.q1, e, ARRAY_SIZE(e), EINVAL,
			  UX_QUEUE_BAD, "UNIX_MSG 2, out of band, made 2 bytes");
	}
	q->bytes -= 2;
	q->nr_msgs--;
	{
		const struct edit e[] = {
			{ x.q1, true, q, len }, { x.q1 + 2, true, NULL, 0 },
		};

		pr_expect(_metadata, self, x.q1, e, ARRAY_SIZE(e), EINVAL,
			  UX_QUEUE_BAD,
			  "UNIX_MSG 2, out of band, left out with the counts: oob_msg 2 names \"cd\"");
	}
	free(m);
	free(q);

	/* no out-of-band byte: read in line */
	q = ux_copy(self, x.q1, &len);
	ASSERT_NE(NULL, q);
	q->oob_msg = 0;
	ob_expect_taken(_metadata, self, &(struct edit){ x.q1, true, q, len },
			1, false, OB_IN_LINE, "UNIX_QUEUE.oob_msg 0");
	{
		struct ckpt_hdr_unix_queue *old = ux_copy(self, x.q1, &len);

		ASSERT_NE(NULL, old);
		old->h.len = CKPT_REC_UNIX_QUEUE_MIN;
		ob_expect_taken(_metadata, self,
				&(struct edit){ x.q1, true, old, old->h.len }, 1,
				false, OB_IN_LINE,
				"UNIX_QUEUE of an older kernel (24 bytes), no oob_msg");
		free(old);
	}
	/* the mark on another message of 1 byte: the last, made "m" */
	m = ux_msg(1, 0);
	ASSERT_NE(NULL, m);
	q->oob_msg = 3;
	q->bytes--;
	{
		const struct edit e[] = {
			{ x.q1, true, q, len }, { x.q1 + 3, true, m, m->h.len },
		};

		ob_expect_taken(_metadata, self, e, ARRAY_SIZE(e), false,
				"inline 0 0 pri 1 read \"abx\" mark 1 oob 'm' then \"\"",
				"UNIX_QUEUE.oob_msg 3, UNIX_MSG 3 made the 1 byte \"m\"");
	}
	free(m);
	free(q);

	/* SO_OOBINLINE, on the end that reads, or on the other */
	u = ux_rec(self, x.fu1);
	u.flags |= CKPT_UNIX_OOBINLINE;
	ob_expect_taken(_metadata, self, &(struct edit){ x.fu1, true, &u, ulen },
			1, false, OB_OOBINLINE,
			"FILE_UNIX.flags CKPT_UNIX_OOBINLINE, end 1");
	u = ux_rec(self, x.fu0);
	u.flags |= CKPT_UNIX_OOBINLINE;
	ob_expect_taken(_metadata, self, &(struct edit){ x.fu0, true, &u, ulen },
			1, false,
			"inline 1 0 pri 1 read \"ab\" mark 1 oob 'x' then \"cd\"",
			"FILE_UNIX.flags CKPT_UNIX_OOBINLINE, end 0");
	check_no_splat(_metadata, self);
}

/*
 * ---- unix sockets: files in flight (UNIX_MSG_FDS, and the late record
 * UNIX_FDS) -------------------------------------------------------------
 */

/*
 * The victim of the files in flight test (fl_body()), one process: a
 * stream pair at FL_S0 and FL_S1, on which end 1 holds FL_MSG, sent by
 * end 0 with two files (SCM_RIGHTS) that the sender closed since: the
 * read end of a pipe whose write end it keeps at FL_PW (FL_PIPE_DATA
 * buffered), and end 1 of another stream pair whose end 0 it keeps at
 * FL_B (FL_TO_FLIGHT queued on the end in flight). And a datagram pair at
 * FL_D0 and FL_D1, on which end 1 holds FL_DGRAM, sent by end 0 with an
 * eventfd of count FL_EV_COUNT, closed since.
 */
#define FL_S0		35
#define FL_S1		36
#define FL_PW		37
#define FL_B		38
#define FL_D0		39
#define FL_D1		40
#define FL_MSG		"fds"
#define FL_DGRAM	"dg"
#define FL_PIPE_DATA	"in the pipe"
#define FL_TO_FLIGHT	"to the end in flight"
#define FL_EV_COUNT	7

/* Send @len bytes of @data on @fd with the @n files @fds: 0 or -1 */
static int fl_send(int fd, const char *data, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} c;
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *cm;

	memset(&c, 0, sizeof(c));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	return sendmsg(fd, &mh, 0) == (ssize_t)strlen(data) ? 0 : -1;
}

/*
 * The next message on @fd, read without waiting, into @buf: its length
 * (or -1), and the files it carries in @fds (*@n of them, at most 4)
 */
static ssize_t fl_recv(int fd, char *buf, size_t size, int *fds, int *n)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} c;
	struct iovec iov = { buf, size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	ssize_t got;

	*n = 0;
	got = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	for (cm = got < 0 ? NULL : CMSG_FIRSTHDR(&mh); cm;
	     cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		*n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (*n > 4)
			*n = 4;
		memcpy(fds, CMSG_DATA(cm), *n * sizeof(int));
	}
	return got;
}

/* Is @fd a @type socket? */
static bool fl_sock_is(int fd, int type)
{
	socklen_t len = sizeof(int);
	int v = 0;

	return !getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) && v == type;
}

/* Did @fd read @want (and then nothing), without waiting? */
static bool fl_reads(int fd, const char *want)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));

	return n == (ssize_t)strlen(want) && !memcmp(buf, want, n) &&
	       read(fd, buf, sizeof(buf)) < 0 && errno == EAGAIN;
}

/*
 * The restored victim: end 1 of the stream pair reads FL_MSG with two
 * files, the read end of the pipe of FL_PW (O_RDONLY, FL_PIPE_DATA in
 * it, then what FL_PW writes) and a stream socket (FL_TO_FLIGHT queued,
 * connected to FL_B both ways), then nothing more; end 1 of the datagram
 * pair FL_DGRAM with one file, an eventfd of count FL_EV_COUNT; both
 * pairs connected. "RESUMED intact", or "RESUMED altered: <what>".
 */
static void fl_check(void)
{
	const int f = MSG_DONTWAIT | MSG_NOSIGNAL;
	int fd[4] = { -1, -1, -1, -1 }, ev[4] = { -1, -1, -1, -1 }, n, ne;
	const char *what = NULL;
	uint64_t v = 0;
	char buf[64];
	ssize_t got;

	got = fl_recv(FL_S1, buf, sizeof(buf), fd, &n);
	if (got != (ssize_t)strlen(FL_MSG) || memcmp(buf, FL_MSG, got) ||
	    n != 2)
		what = "end 1: the message and its two files";
	else if (fl_sock_is(fd[0], SOCK_STREAM) ||
		 (fcntl(fd[0], F_GETFL) & O_ACCMODE) != O_RDONLY ||
		 fcntl(fd[0], F_SETFL, O_NONBLOCK) || !fl_reads(fd[0], FL_PIPE_DATA))
		what = "file 1: the pipe's read end, what it holds";
	else if (write(FL_PW, "w", 1) != 1 || !fl_reads(fd[0], "w"))
		what = "file 1: the pipe's ends";
	else if (!fl_sock_is(fd[1], SOCK_STREAM) ||
		 fcntl(fd[1], F_SETFL, O_NONBLOCK) || !fl_reads(fd[1], FL_TO_FLIGHT))
		what = "file 2: a stream socket, what its queue holds";
	else if (send(FL_B, "b", 1, f) != 1 || !fl_reads(fd[1], "b") ||
		 send(fd[1], "c", 1, f) != 1 ||
		 recv(FL_B, buf, sizeof(buf), MSG_DONTWAIT) != 1 || buf[0] != 'c')
		what = "file 2: connected to the end kept";
	else if (recv(FL_S1, buf, sizeof(buf), MSG_DONTWAIT) != -1 ||
		 errno != EAGAIN)
		what = "end 1: a message more";
	else if (fl_recv(FL_D1, buf, sizeof(buf), ev, &ne) !=
		 (ssize_t)strlen(FL_DGRAM) || memcmp(buf, FL_DGRAM, 2) || ne != 1)
		what = "the datagram and its file";
	else if (read(ev[0], &v, sizeof(v)) != sizeof(v) || v != FL_EV_COUNT)
		what = "the datagram's file: the eventfd's count";
	else if (send(FL_S0, "z", 1, f) != 1 ||
		 recv(FL_S1, buf, sizeof(buf), MSG_DONTWAIT) != 1 || buf[0] != 'z' ||
		 send(FL_D0, "d", 1, f) != 1 ||
		 recv(FL_D1, buf, sizeof(buf), MSG_DONTWAIT) != 1 || buf[0] != 'd')
		what = "the pairs: connected";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/* The victim of the files in flight test, see above */
static void fl_body(void *arg)
{
	int sv[2], p[2], b[2], ev;

	CK_ASSERT(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv) &&
		  ck_move_fd(sv[0], FL_S0) == FL_S0 &&
		  ck_move_fd(sv[1], FL_S1) == FL_S1, "stream pair");
	CK_ASSERT(!pipe(p) && ck_move_fd(p[1], FL_PW) == FL_PW &&
		  write(FL_PW, FL_PIPE_DATA, strlen(FL_PIPE_DATA)) ==
		  (ssize_t)strlen(FL_PIPE_DATA), "the pipe");
	CK_ASSERT(!socketpair(AF_UNIX, SOCK_STREAM, 0, b) &&
		  ck_move_fd(b[0], FL_B) == FL_B &&
		  send(FL_B, FL_TO_FLIGHT, strlen(FL_TO_FLIGHT), 0) ==
		  (ssize_t)strlen(FL_TO_FLIGHT), "the pair of the socket in flight");
	CK_ASSERT(!fl_send(FL_S0, FL_MSG, (const int[]){ p[0], b[1] }, 2) &&
		  !close(p[0]) && !close(b[1]), "two files in flight");
	CK_ASSERT(!socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) &&
		  ck_move_fd(sv[0], FL_D0) == FL_D0 &&
		  ck_move_fd(sv[1], FL_D1) == FL_D1, "datagram pair");
	ev = eventfd(FL_EV_COUNT, EFD_NONBLOCK);
	CK_ASSERT(ev >= 0 && !fl_send(FL_D0, FL_DGRAM, &ev, 1) && !close(ev),
		  "an eventfd in flight");
	ck_report("PID %d", getpid());
	if (ck_checkpoint_self() > 0)
		_exit(0);
	fl_check();
}

/* The files in flight victim's records, by index, and objrefs */
struct fl_recs {
	long pid;		/* the victim's, as in TREE */
	int f0, pair;		/* the stream pair's end 0: FILE, UNIX_PAIR */
	int f1, q1, m1;		/* end 1: FILE, UNIX_QUEUE, its UNIX_MSG_FDS */
	int fw, fb;		/* the FILEs of FL_PW and FL_B */
	int fd1, qd1, md1;	/* the datagram end 1: FILE, UNIX_QUEUE, ... */
	int fu1;		/* the datagram end 1's FILE_UNIX */
	int ux, uxd;		/* the UNIX_FDS of end 1, of the datagram end 1 */
	int frd, ffl, fev;	/* the FILEs of the files in flight */
	int fdt;		/* the FDTABLE */
	uint32_t s0, s1, d1, w;	/* objrefs of FILEs: FL_S0, FL_S1, ... */
	uint32_t rd, fl, ev;	/* and of the files in flight */
	uint32_t pref;		/* the stream pair's UNIX_PAIR */
};

/* The index one past the records of the FILE record @i */
static int fl_group_end(FIXTURE_DATA(image) *self, int i)
{
	for (i++; i < self->nr && (file_type_record(self->recs[i].type) ||
				   self->recs[i].type == CKPT_HDR_PIPE ||
				   self->recs[i].type == CKPT_HDR_UNIX_PAIR ||
				   self->recs[i].type == CKPT_HDR_INODE); i++)
		;
	return i;
}

/* Does the FDTABLE name objref @ref? */
static bool fl_in_fdtable(FIXTURE_DATA(image) *self, uint32_t ref)
{
	const struct ckpt_hdr_fdtable *h;
	const struct ckpt_fd *e;
	int t = first_rec(self, CKPT_HDR_FDTABLE);
	uint32_t k;

	if (t < 0)
		return false;
	h = rec_at(self, t);
	e = (const void *)(h + 1);
	for (k = 0; k < h->nr_fds; k++)
		if (e[k].objref == ref)
			return true;
	return false;
}

/* The objrefs a UNIX_FDS record names */
static const uint32_t *fl_refs(FIXTURE_DATA(image) *self, int i)
{
	return (const void *)((const struct ckpt_hdr_unix_fds *)rec_at(self, i) + 1);
}

/*
 * Checkpoint the files in flight victim, load its image and find its
 * records, in the order checkpoint_hdr.h documents
 */
static void fl_load(struct __test_metadata *_metadata,
		    FIXTURE_DATA(image) *self, struct fl_recs *x)
{
	const struct ckpt_hdr_unix_fds *h;
	int i, n = 0;

	ck_checkpoint_child(_metadata, NULL, 0, fl_body, NULL);
	ASSERT_EQ(0, ck_line_int("PID ", &x->pid));
	load_image(_metadata, self);
	x->f0 = file_of_fd(self, FL_S0);
	x->f1 = file_of_fd(self, FL_S1);
	x->fw = file_of_fd(self, FL_PW);
	x->fb = file_of_fd(self, FL_B);
	x->fd1 = file_of_fd(self, FL_D1);
	x->fdt = first_rec(self, CKPT_HDR_FDTABLE);
	ASSERT_TRUE(x->f0 >= 0 && x->f1 > x->f0 && x->fw > x->f1 &&
		    x->fb > x->fw && x->fd1 > x->fb && x->fdt > x->fd1)
		TH_LOG("FILE records of fds %d-%d: %d %d %d %d, %d; FDTABLE %d",
		       FL_S0, FL_D1, x->f0, x->f1, x->fw, x->fb, x->fd1, x->fdt);
	x->pair = file_part(self, x->f0, CKPT_HDR_UNIX_PAIR);
	x->q1 = file_part(self, x->f1, CKPT_HDR_UNIX_QUEUE);
	x->qd1 = file_part(self, x->fd1, CKPT_HDR_UNIX_QUEUE);
	x->fu1 = file_part(self, x->fd1, CKPT_HDR_FILE_UNIX);
	x->m1 = x->q1 + 1;
	x->md1 = x->qd1 + 1;
	ASSERT_TRUE(x->pair > x->f0 && x->q1 > x->f1 && x->qd1 > x->fd1 &&
		    x->fu1 > x->fd1 && x->md1 < self->nr &&
		    self->recs[x->m1].type == CKPT_HDR_UNIX_MSG_FDS &&
		    self->recs[x->md1].type == CKPT_HDR_UNIX_MSG_FDS)
		TH_LOG("records: pair %d, end 1's queue %d (then %s), the datagram end 1's %d (then %s)",
		       x->pair, x->q1, ckpt_hdr_name(self->recs[x->m1].type),
		       x->qd1, x->md1 < self->nr ?
		       ckpt_hdr_name(self->recs[x->md1].type) : "(end)");
	x->s0 = objref_of(self, x->f0);
	x->s1 = objref_of(self, x->f1);
	x->d1 = objref_of(self, x->fd1);
	x->w = objref_of(self, x->fw);
	x->pref = ((const struct ckpt_hdr_unix_pair *)rec_at(self, x->pair))->objref;
	x->ux = -1;
	x->uxd = -1;
	for (i = 0; i < self->nr; i++) {
		if (self->recs[i].type != CKPT_HDR_UNIX_FDS)
			continue;
		n++;
		h = rec_at(self, i);
		if (h->objref == x->s1 && x->ux < 0)
			x->ux = i;
		else if (h->objref == x->d1 && x->uxd < 0)
			x->uxd = i;
	}
	ASSERT_EQ(2, n) TH_LOG("UNIX_FDS records");
	ASSERT_TRUE(x->ux > 0 && x->uxd > 0 && x->ux < x->fdt && x->uxd < x->fdt)
		TH_LOG("UNIX_FDS of end 1 at %d, of the datagram end 1 at %d, FDTABLE %d",
		       x->ux, x->uxd, x->fdt);
	ASSERT_TRUE(self->recs[x->ux].len >= sizeof(*h) + 8 &&
		    self->recs[x->uxd].len >= sizeof(*h) + 4);
	x->rd = fl_refs(self, x->ux)[0];
	x->fl = fl_refs(self, x->ux)[1];
	x->ev = fl_refs(self, x->uxd)[0];
	x->frd = find_objref(self, x->rd);
	x->ffl = find_objref(self, x->fl);
	x->fev = find_objref(self, x->ev);
	ASSERT_TRUE(x->frd >= 0 && x->ffl >= 0 && x->fev >= 0)
		TH_LOG("the FILEs in flight of objrefs %u %u %u: %d %d %d",
		       x->rd, x->fl, x->ev, x->frd, x->ffl, x->fev);
}

/*
 * An objref from @from on that no record of the image has: no FILE,
 * PIPE, UNIX_PAIR, INODE, MEMFD or DELETED record (their objref is their
 * first field), no datagram socket's sock objref
 */
static uint32_t fl_unused_ref(FIXTURE_DATA(image) *self, uint32_t from)
{
	uint32_t ref;
	int i;

	for (ref = from;; ref++) {
		for (i = 0; i < self->nr; i++) {
			const struct ckpt_hdr_file_unix *u = rec_at(self, i);
			uint32_t t = self->recs[i].type, r;

			memcpy(&r, (const unsigned char *)rec_at(self, i) +
			       sizeof(struct ckpt_hdr), sizeof(r));
			if (((t == CKPT_HDR_FILE || t == CKPT_HDR_PIPE ||
			      t == CKPT_HDR_UNIX_PAIR || t == CKPT_HDR_INODE ||
			      t == CKPT_HDR_MEMFD || t == CKPT_HDR_DELETED) &&
			     r == ref) ||
			    (t == CKPT_HDR_FILE_UNIX &&
			     self->recs[i].len >= sizeof(*u) &&
			     u->sock_objref == ref))
				break;
		}
		if (i == self->nr)
			return ref;
	}
}

/*
 * A UNIX_FDS record for @ref of @n files, @refs, padded with zeroes;
 * malloc()ed, *@len bytes
 */
static struct ckpt_hdr_unix_fds *fl_fds_rec(uint32_t ref, uint32_t n,
					    const uint32_t *refs, size_t *len)
{
	struct ckpt_hdr_unix_fds *h;

	*len = (sizeof(*h) + 4 * (size_t)n + 7) & ~7UL;
	h = calloc(1, *len);
	if (!h)
		return NULL;
	h->h.type = CKPT_HDR_UNIX_FDS;
	h->h.len = *len;
	h->objref = ref;
	h->nr_fds = n;
	memcpy(h + 1, refs, 4 * (size_t)n);
	return h;
}

/*
 * The image with @ne edits, restarted for real and by
 * restart(RESTART_VALIDATE): refused with EINVAL and a log line that says
 * @log
 */
static void fl_expect(struct __test_metadata *_metadata,
		      FIXTURE_DATA(image) *self, const struct edit *e, int ne,
		      const char *log, const char *what)
{
	expect_edit_logged(_metadata, self, e, ne, EINVAL, log, what);
	emb_expect(_metadata, self, e, ne, EINVAL, log, what);
}

/* "file record @ref: @what", into @buf */
static const char *fl_line(char *buf, size_t size, uint32_t ref,
			   const char *what)
{
	snprintf(buf, size, "file record %u: %s", ref, what);
	return buf;
}

/*
 * A stream pair whose end 1 holds a message carrying two files (the read
 * end of a pipe, an end of another stream pair), a datagram pair whose
 * end 1 holds a datagram carrying an eventfd, each file closed by its
 * sender (fl_body()). The image: end 1's UNIX_QUEUE has one message, a
 * UNIX_MSG_FDS from the peer (sender 0) of the 3 bytes FL_MSG, nr_fds 2;
 * the datagram end 1's a UNIX_MSG_FDS of FL_DGRAM, nr_fds 1; exactly two
 * UNIX_FDS, one per socket, before the FDTABLE: end 1's names 2 files in
 * 24 bytes (no padding), the pipe's read end (a FILE_PIPE of the pipe of
 * FL_PW) then the socket (end 1 of the pair of FL_B, FL_TO_FLIGHT in its
 * queue), files of no fd, whose FILE records come right before it; the
 * datagram end's names the eventfd in 24 bytes (4 of padding, zero),
 * its FILE right before it. The image validates and restarts, and the
 * victim finds its messages with their files, each as it was.
 *
 * Each rule broken, checksum fixed: refused, restarting for real and by
 * restart(RESTART_VALIDATE), with EINVAL and the line that says what.
 * "file record N: malformed unix socket message 0": a UNIX_MSG_FDS that
 * carries 0 or 254 files, from sender 1 of a queue of none, of a length
 * its record does not have. "file record N: malformed unix_fds record":
 * a UNIX_FDS of one file less or one more (its record's length and
 * padding as they should be for that count: the count, not the length,
 * is wrong), of more than CKPT_MAX_UNIX_INFLIGHT, of 8 zero bytes more,
 * with a padding byte that is not zero. "file record N: file M in flight
 * is no file of the image": a file that is the UNIX_PAIR's objref, a
 * datagram socket's sock objref, 0, an objref of nothing; all of
 * UNIX_FDS moved before the FILE records of its files. "file record N:
 * no unix_fds record before the fdtable": a UNIX_FDS left out, or moved
 * after the FDTABLE. "unix_fds record for objref N: no such unix
 * socket": a UNIX_FDS for the pipe's write end, for end 0 (whose
 * messages carry no files), for the UNIX_PAIR, or twice. What restart
 * takes: the two files in the other order, which the victim sees.
 * Nothing runs after.
 */
TEST_F_TIMEOUT(image, unix_fds_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_unix_msg_fds *m1, *md1;
	const struct ckpt_hdr_unix_fds *ux, *uxd;
	const struct ckpt_hdr_unix_queue *q1;
	const struct ckpt_hdr_file_unix *u;
	const struct ckpt_hdr_file *ff;
	char why[256] = "", log[256];
	struct ckpt_hdr_unix_fds *r;
	struct fl_recs x;
	size_t len;
	int first, k;

	fl_load(_metadata, self, &x);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	q1 = rec_at(self, x.q1);
	m1 = rec_at(self, x.m1);
	md1 = rec_at(self, x.md1);
	ux = rec_at(self, x.ux);
	uxd = rec_at(self, x.uxd);

	/* the messages: from the peer, with their files */
	EXPECT_EQ(1U, q1->nr_msgs);
	EXPECT_EQ(strlen(FL_MSG), (size_t)q1->bytes);
	EXPECT_EQ(0U, q1->nr_senders | q1->oob_msg);
	EXPECT_EQ(strlen(FL_MSG), (size_t)m1->len);
	EXPECT_EQ(0, memcmp(m1 + 1, FL_MSG, strlen(FL_MSG)));
	EXPECT_EQ((sizeof(*m1) + strlen(FL_MSG) + 7) & ~7UL,
		  (size_t)m1->h.len);
	EXPECT_EQ(0U, m1->sender);
	EXPECT_EQ(2U, m1->nr_fds);
	EXPECT_EQ(strlen(FL_DGRAM), (size_t)md1->len);
	EXPECT_EQ(0U, md1->sender);
	EXPECT_EQ(1U, md1->nr_fds);
	/* their files: in flight only, written right before the UNIX_FDS */
	EXPECT_EQ(2U, ux->nr_fds);
	EXPECT_EQ(sizeof(*ux) + 8, (size_t)ux->h.len);
	EXPECT_EQ(1U, uxd->nr_fds);
	EXPECT_EQ(sizeof(*uxd) + 8, (size_t)uxd->h.len);
	EXPECT_EQ(0U, *(const uint32_t *)((const unsigned char *)uxd +
					  sizeof(*uxd) + 4));
	EXPECT_FALSE(fl_in_fdtable(self, x.rd) || fl_in_fdtable(self, x.fl) ||
		     fl_in_fdtable(self, x.ev));
	first = x.frd < x.ffl ? x.frd : x.ffl;
	EXPECT_TRUE(fl_group_end(self, first) == (first == x.frd ? x.ffl : x.frd) &&
		    fl_group_end(self, x.frd > x.ffl ? x.frd : x.ffl) == x.ux)
		TH_LOG("the FILEs of the files in flight at %d and %d, the UNIX_FDS at %d",
		       x.frd, x.ffl, x.ux);
	EXPECT_EQ(x.uxd, fl_group_end(self, x.fev))
		TH_LOG("the FILE of the eventfd at %d", x.fev);
	ff = rec_at(self, x.frd);
	EXPECT_EQ((uint32_t)CKPT_FILE_PIPE, ff->type);
	EXPECT_EQ((uint32_t)O_RDONLY, ff->f_flags & O_ACCMODE);
	k = file_part(self, x.frd, CKPT_HDR_FILE_PIPE);
	EXPECT_TRUE(k > 0 && file_part(self, x.fw, CKPT_HDR_PIPE) > 0 &&
		    ((const struct ckpt_hdr_file_pipe *)rec_at(self, k))->pipe_objref ==
		    ((const struct ckpt_hdr_pipe *)
		     rec_at(self, file_part(self, x.fw, CKPT_HDR_PIPE)))->objref)
		TH_LOG("the pipe's read end: not of the pipe of fd %d", FL_PW);
	ff = rec_at(self, x.ffl);
	EXPECT_EQ((uint32_t)CKPT_FILE_UNIX, ff->type);
	k = file_part(self, x.ffl, CKPT_HDR_FILE_UNIX);
	ASSERT_LT(0, k);
	u = rec_at(self, k);
	EXPECT_EQ(1U, u->end);
	EXPECT_TRUE(file_part(self, x.fb, CKPT_HDR_UNIX_PAIR) > 0 &&
		    u->pair_objref == ((const struct ckpt_hdr_unix_pair *)
				       rec_at(self, file_part(self, x.fb,
							      CKPT_HDR_UNIX_PAIR)))->objref)
		TH_LOG("the socket in flight: not end 1 of the pair of fd %d", FL_B);
	k = file_part(self, x.ffl, CKPT_HDR_UNIX_QUEUE);
	EXPECT_TRUE(k > 0 && ux_queue_at(self, k).nr_msgs == 1 &&
		    self->recs[k + 1].type == CKPT_HDR_UNIX_MSG &&
		    ux_queue_at(self, k).bytes == strlen(FL_TO_FLIGHT))
		TH_LOG("the queue of the socket in flight");
	EXPECT_EQ((uint32_t)CKPT_FILE_EVENTFD,
		  ((const struct ckpt_hdr_file *)rec_at(self, x.fev))->type);

	/* the image as written: validated, restarted as it was */
	pr_expect_taken(_metadata, self, NULL, 0, true, "the image as written");

	/* UNIX_MSG_FDS: the files it carries, its sender, its length */
	{
		static const struct {
			bool dgram;
			size_t off;
			uint32_t val;
			const char *what;
		} bad[] = {
			{ false, offsetof(struct ckpt_hdr_unix_msg_fds, nr_fds), 0,
			  "UNIX_MSG_FDS.nr_fds 0" },
			{ false, offsetof(struct ckpt_hdr_unix_msg_fds, nr_fds),
			  CKPT_UNIX_SCM_MAX_FD + 1, "UNIX_MSG_FDS.nr_fds 254" },
			{ false, offsetof(struct ckpt_hdr_unix_msg_fds, nr_fds),
			  0xffffffff, "UNIX_MSG_FDS.nr_fds ~0" },
			{ true, offsetof(struct ckpt_hdr_unix_msg_fds, nr_fds), 0,
			  "the datagram's UNIX_MSG_FDS.nr_fds 0" },
			{ false, offsetof(struct ckpt_hdr_unix_msg_fds, sender), 1,
			  "UNIX_MSG_FDS.sender 1, of a queue of no senders" },
			{ true, offsetof(struct ckpt_hdr_unix_msg_fds, sender), 1,
			  "the datagram's UNIX_MSG_FDS.sender 1, of no senders" },
			{ false, offsetof(struct ckpt_hdr_unix_msg_fds, len), 9,
			  "UNIX_MSG_FDS.len 9, its record of 3 bytes" },
		};

		for (k = 0; k < (int)ARRAY_SIZE(bad); k++) {
			int i = bad[k].dgram ? x.md1 : x.m1;
			unsigned char *c = ux_copy(self, i, &len);

			ASSERT_NE(NULL, c);
			memcpy(c + bad[k].off, &bad[k].val, 4);
			fl_line(log, sizeof(log), bad[k].dgram ? x.d1 : x.s1,
				"malformed unix socket message 0");
			fl_expect(_metadata, self, &(struct edit){ i, true, c, len },
				  1, log, bad[k].what);
			free(c);
		}
	}

	/* UNIX_FDS: its count, length and padding */
	fl_line(log, sizeof(log), x.s1, "malformed unix_fds record");
	r = fl_fds_rec(x.s1, 1, &x.rd, &len);
	ASSERT_NE(NULL, r);
	fl_expect(_metadata, self, &(struct edit){ x.ux, true, r, len }, 1, log,
		  "UNIX_FDS of 1 file (24 bytes, zero padding), its message carries 2");
	free(r);
	r = fl_fds_rec(x.s1, 3, (const uint32_t[]){ x.rd, x.fl, x.rd }, &len);
	ASSERT_NE(NULL, r);
	fl_expect(_metadata, self, &(struct edit){ x.ux, true, r, len }, 1, log,
		  "UNIX_FDS of 3 files (32 bytes), its message carries 2");
	free(r);
	r = ux_copy(self, x.ux, &len);
	ASSERT_NE(NULL, r);
	r->nr_fds = CKPT_MAX_UNIX_INFLIGHT + 1;
	fl_expect(_metadata, self, &(struct edit){ x.ux, true, r, len }, 1, log,
		  "UNIX_FDS.nr_fds above CKPT_MAX_UNIX_INFLIGHT, len kept");
	free(r);
	r = (void *)grown_rec(self, x.ux, 8, -1);
	ASSERT_NE(NULL, r);
	fl_expect(_metadata, self,
		  &(struct edit){ x.ux, true, r, self->recs[x.ux].len + 8 }, 1,
		  log, "UNIX_FDS + 8 zero bytes (not extensible)");
	free(r);
	fl_line(log, sizeof(log), x.d1, "malformed unix_fds record");
	r = fl_fds_rec(x.d1, 2, (const uint32_t[]){ x.ev, x.ev }, &len);
	ASSERT_NE(NULL, r);
	fl_expect(_metadata, self, &(struct edit){ x.uxd, true, r, len }, 1, log,
		  "the datagram's UNIX_FDS of 2 files, its message carries 1");
	free(r);
	for (k = 0; k < 4; k++) {
		char what[96];

		r = ux_copy(self, x.uxd, &len);
		ASSERT_NE(NULL, r);
		((unsigned char *)r)[sizeof(*r) + 4 + k] = 0x5a;
		snprintf(what, sizeof(what),
			 "the datagram's UNIX_FDS: padding byte %d not zero", k);
		fl_expect(_metadata, self, &(struct edit){ x.uxd, true, r, len },
			  1, log, what);
		free(r);
	}

	/* UNIX_FDS: a file in flight that is no FILE read before it */
	{
		const struct {
			uint32_t ref;
			const char *what;
		} bad[] = {
			{ x.pref, "the UNIX_PAIR's objref" },
			{ ((const struct ckpt_hdr_file_unix *)rec_at(self, x.fu1))->sock_objref,
			  "the datagram end's sock objref" },
			{ 0, "objref 0" },
			{ fl_unused_ref(self, 1000), "an objref of nothing" },
			{ x.fev > x.ux ? x.ev : fl_unused_ref(self, 2000),
			  x.fev > x.ux ? "the eventfd's, a FILE that comes later" :
			  "another objref of nothing" },
		};

		for (k = 0; k < (int)ARRAY_SIZE(bad); k++) {
			char line[128];

			if (!bad[k].ref && k == 1)
				continue;
			r = fl_fds_rec(x.s1, 2, (const uint32_t[]){ x.rd, bad[k].ref },
				       &len);
			ASSERT_NE(NULL, r);
			snprintf(line, sizeof(line), "file %u in flight is no file of the image",
				 bad[k].ref);
			fl_line(log, sizeof(log), x.s1, line);
			snprintf(line, sizeof(line), "UNIX_FDS: file 2 in flight %s",
				 bad[k].what);
			fl_expect(_metadata, self, &(struct edit){ x.ux, true, r, len },
				  1, log, line);
			free(r);
		}
	}
	{
		/* before the FILE records of the files it names */
		const struct edit e[] = {
			{ x.ux, true, NULL, 0 },
			{ first, false, rec_at(self, x.ux), self->recs[x.ux].len },
		};
		char line[96];

		/* the first it names, which is no file yet */
		snprintf(line, sizeof(line), "file %u in flight is no file of the image",
			 x.rd);
		fl_line(log, sizeof(log), x.s1, line);
		fl_expect(_metadata, self, e, ARRAY_SIZE(e), log,
			  "UNIX_FDS before the FILE records of its files");
	}

	/* UNIX_FDS left out, or after the FDTABLE */
	fl_line(log, sizeof(log), x.s1, "no unix_fds record before the fdtable");
	fl_expect(_metadata, self, &(struct edit){ x.ux, true, NULL, 0 }, 1, log,
		  "UNIX_FDS of end 1 left out");
	{
		const struct edit e[] = {
			{ x.ux, true, NULL, 0 },
			{ x.fdt + 1, false, rec_at(self, x.ux), self->recs[x.ux].len },
		};

		fl_expect(_metadata, self, e, ARRAY_SIZE(e), log,
			  "UNIX_FDS of end 1 after the FDTABLE");
	}
	fl_line(log, sizeof(log), x.d1, "no unix_fds record before the fdtable");
	fl_expect(_metadata, self, &(struct edit){ x.uxd, true, NULL, 0 }, 1, log,
		  "UNIX_FDS of the datagram end 1 left out");

	/* UNIX_FDS for a file whose files in flight are not due */
	{
		const struct {
			uint32_t ref;
			const char *what;
		} bad[] = {
			{ x.w, "UNIX_FDS for the pipe's write end" },
			{ x.s0, "UNIX_FDS for end 0, whose messages carry no files" },
			{ x.pref, "UNIX_FDS for the UNIX_PAIR" },
		};

		for (k = 0; k < (int)ARRAY_SIZE(bad); k++) {
			r = ux_copy(self, x.ux, &len);
			ASSERT_NE(NULL, r);
			r->objref = bad[k].ref;
			snprintf(log, sizeof(log),
				 "unix_fds record for objref %u: no such unix socket",
				 bad[k].ref);
			fl_expect(_metadata, self, &(struct edit){ x.ux, true, r, len },
				  1, log, bad[k].what);
			free(r);
		}
	}
	snprintf(log, sizeof(log),
		 "unix_fds record for objref %u: no such unix socket", x.s1);
	fl_expect(_metadata, self,
		  &(struct edit){ x.ux + 1, false, rec_at(self, x.ux),
				  self->recs[x.ux].len }, 1, log,
		  "UNIX_FDS of end 1 twice");

	/* what restart takes: the files in the other order */
	r = fl_fds_rec(x.s1, 2, (const uint32_t[]){ x.fl, x.rd }, &len);
	ASSERT_NE(NULL, r);
	emb_expect(_metadata, self, &(struct edit){ x.ux, true, r, len }, 1, 0,
		   NULL, "UNIX_FDS: the two files in the other order");
	expect_taken(_metadata, self, &(struct edit){ x.ux, true, r, len }, 1,
		     "UNIX_FDS: the two files in the other order");
	EXPECT_TRUE(ck_line("RESUMED altered: file 1") != NULL)
		TH_LOG("the files in the other order: the victim did not see it (%s)",
		       ck_line("RESUMED") ?: "no line");
	free(r);

	emb_nothing_left(_metadata, "the restarts refused");
	check_no_splat(_metadata, self);
}

/* ---- file locks: LOCKS, right after the FDTABLE ------------------------ */

/* A field of the FDTABLE or the LOCKS record given a value restart refuses */
struct lk_bad {
	int rec;		/* the record, by index */
	size_t off, size;	/* the field */
	uint64_t val;
	const char *what;
	const char *log;	/* what the log line says */
};

#define LKF(r, s, m, v, w, l) { (r), offsetof(struct s, m), \
				sizeof(((struct s *)0)->m), (uint64_t)(v), \
				(w), (l) }
/* field @m of lock @k of the LOCKS record @r */
#define LKL(r, k, m, v, w, l) { (r), sizeof(struct ckpt_hdr_locks) + \
				(k) * sizeof(struct ckpt_file_lock) + \
				offsetof(struct ckpt_file_lock, m), \
				sizeof(((struct ckpt_file_lock *)0)->m), \
				(uint64_t)(v), (w), (l) }

static void lk_expect_bad(struct __test_metadata *_metadata,
			  FIXTURE_DATA(image) *self, const struct lk_bad *b,
			  size_t n)
{
	unsigned char *r;
	size_t k;

	for (k = 0; k < n; k++) {
		r = grown_rec(self, b[k].rec, 0, -1);
		ASSERT_NE(NULL, r);
		ASSERT_LE(b[k].off + b[k].size,
			  (size_t)self->recs[b[k].rec].len);
		memcpy(r + b[k].off, &b[k].val, b[k].size);
		expect_edit_logged(_metadata, self,
				   &(struct edit){ b[k].rec, true, r,
						   self->recs[b[k].rec].len },
				   1, EINVAL, b[k].log, b[k].what);
		free(r);
	}
}

/*
 * Restart the image with @ne edits: taken, and the victim finds that
 * its locks are not what it took
 */
static void expect_locks_altered(struct __test_metadata *_metadata,
				 FIXTURE_DATA(image) *self,
				 const struct edit *e, int ne,
				 const char *what)
{
	const char *line;
	unsigned char *buf;
	struct trial t;
	size_t len;

	buf = edit_image(self, e, ne, &len);
	ASSERT_NE(NULL, buf);
	try_image(self, buf, len, &t);
	free(buf);
	line = ck_line("RESUMED altered: ");
	EXPECT_TRUE(t.out == OUT_ALTERED && line && !strncmp(line, "locks", 5)) {
		TH_LOG("%s: %s %s, expected the victim to miss its locks", what,
		       outcome_name[t.out],
		       t.out == OUT_ERROR ? strerrorname_np(t.err) ?: "?" : "");
		ck_dump(_metadata, what, t.status);
	}
}

/*
 * A child of the test process, another process than the restarted one,
 * with a lock on the victim's file until *@release is closed: a POSIX
 * write lock on bytes 5-6 (@flock_sh: a flock() shared lock). Its pid,
 * or -1.
 */
static pid_t lk_holder(bool flock_sh, int *release)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = 5, .l_len = 2 };
	int ready[2], hold[2];
	char c = 0;
	pid_t pid;
	int fd;

	if (pipe2(ready, O_CLOEXEC))
		return -1;
	if (pipe2(hold, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		fd = open(ck_path("victim-file"), O_RDWR | O_CLOEXEC);
		if (fd < 0 || (flock_sh ? flock(fd, LOCK_SH | LOCK_NB) :
			       fcntl(fd, F_SETLK, &fl)))
			_exit(1);
		if (write(ready[1], "L", 1) != 1)
			_exit(1);
		/* until the test closes its end, or exits */
		if (read(hold[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid > 0 && read(ready[0], &c, 1) == 1) {
		close(ready[0]);
		*release = hold[1];
		return pid;
	}
	close(ready[0]);
	close(hold[1]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return -1;
}

/*
 * The victim's fd 30 with a flock() exclusive lock and a POSIX write
 * lock on bytes 0-9: the FDTABLE says how many locks (nr_locks, at most
 * CKPT_MAX_LOCKS), the LOCKS record right after it holds them. Each
 * field given a value restart refuses, checksum fixed: EINVAL and a log
 * line that says why. The FDTABLE: more locks than CKPT_MAX_LOCKS ("fdtable:
 * malformed record"), a count that is not the LOCKS record's. LOCKS: a
 * count that is not the FDTABLE's or does not fit the length, a
 * reserved field, a length longer than its locks ("locks: malformed
 * record"); a lock of a kind or type restart does not know (F_UNLCK), a
 * flock() lock with a range, a start or length below 0, a range past the
 * last byte ("is malformed"); an fd not in the FDTABLE, of a device, of
 * a directory opened read-only for a write lock ("cannot carry"). The
 * LOCKS record left out, twice, before the FDTABLE or after the SIGHAND:
 * "expected a ... record, found ...".
 *
 * What restart takes: a lock twice, with the counts (the victim cannot
 * tell); no lock at all, the FDTABLE saying so; the flock() lock on the
 * directory at fd 32; the POSIX lock made an OFD lock (the victim misses
 * its locks). And while a child of the test holds a conflicting lock on
 * the file (a POSIX lock on bytes 5-6, a flock() shared lock), the image
 * as written is refused with EBUSY and a line naming the fd, the file,
 * the lock and the range; once the child lets go, it restarts intact.
 */
TEST_F_TIMEOUT(image, locks_records_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_fdtable *t;
	const struct ckpt_hdr_locks *lh;
	const struct ckpt_file_lock *l;
	char mal_f[64], mal_p[64], conflict[256], text[2048], what[96];
	int ft, lk, kf = -1, kp = -1, release = -1, k;
	const void *lrec;
	size_t llen;
	off_t logged;
	pid_t holder;

	ft = first_rec(self, CKPT_HDR_FDTABLE);
	ASSERT_LE(0, ft);
	lk = ft + 1;
	ASSERT_EQ((uint32_t)CKPT_HDR_LOCKS, self->recs[lk].type);
	ASSERT_EQ((uint32_t)CKPT_HDR_SIGHAND, self->recs[lk + 1].type);
	t = rec_at(self, ft);
	lh = rec_at(self, lk);
	l = (const void *)(lh + 1);
	ASSERT_EQ(2U, t->nr_locks);
	ASSERT_EQ(2U, lh->nr_locks);
	for (k = 0; k < 2; k++) {
		if (l[k].kind == CKPT_LOCK_FLOCK)
			kf = k;
		if (l[k].kind == CKPT_LOCK_POSIX)
			kp = k;
	}
	ASSERT_TRUE(kf >= 0 && kp >= 0)
		TH_LOG("locks of kinds %u and %u", l[0].kind, l[1].kind);
	ASSERT_EQ(30U, l[kp].fd);
	ASSERT_EQ(10, l[kp].len);
	snprintf(mal_f, sizeof(mal_f), "locks: lock %d (fd 30) is malformed", kf);
	snprintf(mal_p, sizeof(mal_p), "locks: lock %d (fd 30) is malformed", kp);
	lrec = rec_at(self, lk);
	llen = self->recs[lk].len;

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	{
		const struct lk_bad bad[] = {
			/* FDTABLE.nr_locks: the LOCKS record's, at most CKPT_MAX_LOCKS */
			LKF(ft, ckpt_hdr_fdtable, nr_locks, 1,
			    "FDTABLE.nr_locks 1, LOCKS of 2", "locks: malformed record"),
			LKF(ft, ckpt_hdr_fdtable, nr_locks, 3,
			    "FDTABLE.nr_locks 3, LOCKS of 2", "locks: malformed record"),
			LKF(ft, ckpt_hdr_fdtable, nr_locks, 0,
			    "FDTABLE.nr_locks 0, a LOCKS record after it",
			    "found locks"),
			LKF(ft, ckpt_hdr_fdtable, nr_locks, CKPT_MAX_LOCKS + 1,
			    "FDTABLE.nr_locks above CKPT_MAX_LOCKS",
			    "fdtable: malformed record"),
			LKF(ft, ckpt_hdr_fdtable, nr_locks, 0xffffffff,
			    "FDTABLE.nr_locks ~0", "fdtable: malformed record"),
			/* LOCKS: the FDTABLE's count, its length, a reserved field */
			LKF(lk, ckpt_hdr_locks, nr_locks, 1,
			    "LOCKS.nr_locks 1, len kept", "locks: malformed record"),
			LKF(lk, ckpt_hdr_locks, nr_locks, 3,
			    "LOCKS.nr_locks 3, len kept", "locks: malformed record"),
			LKF(lk, ckpt_hdr_locks, nr_locks, 0,
			    "LOCKS.nr_locks 0", "locks: malformed record"),
			LKF(lk, ckpt_hdr_locks, nr_locks, 0xffffffff,
			    "LOCKS.nr_locks ~0", "locks: malformed record"),
			LKF(lk, ckpt_hdr_locks, __reserved, 1,
			    "LOCKS.__reserved", "locks: malformed record"),
			/* a lock on its own */
			LKL(lk, kp, kind, 0, "lock.kind 0", mal_p),
			LKL(lk, kp, kind, CKPT_LOCK_KIND_MAX,
			    "lock.kind CKPT_LOCK_KIND_MAX", mal_p),
			LKL(lk, kf, kind, 0xffff, "lock.kind 0xffff", mal_f),
			LKL(lk, kp, type, F_UNLCK, "lock.type F_UNLCK", mal_p),
			LKL(lk, kf, type, F_UNLCK, "flock() lock.type F_UNLCK", mal_f),
			LKL(lk, kp, type, 3, "lock.type 3", mal_p),
			LKL(lk, kf, start, 1, "flock() lock.start 1", mal_f),
			LKL(lk, kf, len, 1, "flock() lock.len 1", mal_f),
			LKL(lk, kf, len, -1, "flock() lock.len -1", mal_f),
			LKL(lk, kp, start, -1, "POSIX lock.start -1", mal_p),
			LKL(lk, kp, start, INT64_MIN, "POSIX lock.start INT64_MIN",
			    mal_p),
			LKL(lk, kp, len, -5, "POSIX lock.len -5", mal_p),
			LKL(lk, kp, start, INT64_MAX,
			    "POSIX lock of 10 bytes from INT64_MAX", mal_p),
			LKL(lk, kp, start, INT64_MAX - 8,
			    "POSIX lock of 10 bytes, one past the last", mal_p),
			/* its fd: in the FDTABLE, a file that can carry it */
			LKL(lk, kp, fd, 29, "POSIX lock on fd 29, not in the FDTABLE",
			    "locks: fd 29 cannot carry a POSIX lock (F_SETLK)"),
			LKL(lk, kf, fd, 0xffffffff,
			    "flock() lock on fd ~0, not in the FDTABLE",
			    "locks: fd 4294967295 cannot carry a flock() lock"),
			LKL(lk, kp, fd, 31, "POSIX lock on /dev/null",
			    "locks: fd 31 cannot carry a POSIX lock (F_SETLK)"),
			LKL(lk, kf, fd, 31, "flock() lock on /dev/null",
			    "locks: fd 31 cannot carry a flock() lock"),
			LKL(lk, kp, fd, 32,
			    "POSIX write lock on a directory opened read-only",
			    "locks: fd 32 cannot carry a POSIX lock (F_SETLK)"),
		};

		lk_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad));
	}

	/* the record: exactly its locks, right after the FDTABLE */
	{
		unsigned char *r8 = grown_rec(self, lk, 8, -1);
		unsigned char *r1 = grown_rec(self, lk, sizeof(*l), -1);
		const struct edit e[][2] = {
			{ { lk, true, r8, llen + 8 } },
			{ { lk, true, r1, llen + sizeof(*l) } },
			{ { lk, true, NULL, 0 } },
			{ { lk + 1, false, lrec, llen } },
			{ { lk, true, NULL, 0 }, { ft, false, lrec, llen } },
			{ { lk, true, NULL, 0 }, { lk + 2, false, lrec, llen } },
		};
		static const char *const names[] = {
			"LOCKS + 8 zero bytes (not extensible)",
			"LOCKS + a zero lock, nr_locks kept",
			"LOCKS left out",
			"LOCKS twice",
			"LOCKS before the FDTABLE",
			"LOCKS after the SIGHAND",
		};
		static const char *const logs[] = {
			"locks: malformed record",
			"locks: malformed record",
			"expected a locks record, found sighand",
			"expected a sighand record, found locks",
			"expected a file or fdtable record, found locks",
			"expected a locks record, found sighand",
		};

		ASSERT_TRUE(r8 && r1);
		for (k = 0; k < (int)ARRAY_SIZE(e); k++)
			expect_edit_logged(_metadata, self, e[k],
					   e[k][1].rec ? 2 : 1, EINVAL, logs[k],
					   names[k]);
		free(r8);
		free(r1);
	}

	/* what restart takes */
	{
		unsigned char *tr = grown_rec(self, ft, 0, -1);
		unsigned char *r = grown_rec(self, lk, sizeof(*l), -1);
		struct ckpt_hdr_locks *nh = (void *)r;
		struct ckpt_file_lock *nl = (void *)(nh + 1);
		struct edit e[2] = {
			{ ft, true, tr, self->recs[ft].len },
			{ lk, true, r, llen + sizeof(*l) },
		};

		ASSERT_TRUE(tr && r);
		/* the POSIX lock twice, with the counts */
		nl[2] = nl[kp];
		nh->nr_locks = 3;
		((struct ckpt_hdr_fdtable *)tr)->nr_locks = 3;
		expect_edit(_metadata, self, e, 2, false,
			    "a lock twice, with the counts");
		/* no locks, and the FDTABLE says so */
		((struct ckpt_hdr_fdtable *)tr)->nr_locks = 0;
		e[1] = (struct edit){ lk, true, NULL, 0 };
		expect_locks_altered(_metadata, self, e, 2,
				     "no LOCKS record, FDTABLE.nr_locks 0");
		free(tr);
		free(r);

		/* the flock() lock on the directory; the POSIX lock an OFD lock */
		r = grown_rec(self, lk, 0, -1);
		ASSERT_NE(NULL, r);
		nl = (void *)((struct ckpt_hdr_locks *)r + 1);
		nl[kf].fd = 32;
		e[0] = (struct edit){ lk, true, r, llen };
		expect_locks_altered(_metadata, self, e, 1,
				     "the flock() lock on the directory at fd 32");
		nl[kf].fd = 30;
		nl[kp].kind = CKPT_LOCK_OFD;
		expect_locks_altered(_metadata, self, e, 1,
				     "the POSIX lock as an OFD lock");
		free(r);
	}

	/* another process holds a conflicting lock: EBUSY, and why */
	for (k = 0; k < 2; k++) {
		bool flock_sh = k;

		holder = lk_holder(flock_sh, &release);
		ASSERT_LT(0, holder) TH_LOG("a child holding a lock on %s",
					    ck_path("victim-file"));
		snprintf(conflict, sizeof(conflict),
			 "%s conflicts with a lock another process holds",
			 flock_sh ? "a flock() exclusive lock" :
			 "a POSIX write lock on bytes 0-9");
		snprintf(what, sizeof(what),
			 "the image as written, %s held by another process",
			 flock_sh ? "a flock() shared lock" :
			 "a POSIX lock on bytes 5-6");
		logged = log_size();
		expect_edit_logged(_metadata, self, NULL, 0, EBUSY, conflict,
				   what);
		log_since(logged, text, sizeof(text));
		snprintf(conflict, sizeof(conflict), "fd 30 (%s)",
			 ck_path("victim-file"));
		EXPECT_TRUE(strstr(text, conflict) != NULL)
			TH_LOG("no log line names \"%s\" (log: \"%.300s\")",
			       conflict, text);
		close(release);
		EXPECT_EQ(holder, waitpid(holder, NULL, 0));
		expect_edit(_metadata, self, NULL, 0, false,
			    "the image as written, the other process gone");
	}
	check_no_splat(_metadata, self);
}

/* ---- the TASK record: I/O priority and CPU affinity ------------------- */

#define TASK_BAD	"task: bad scheduling or process attributes"

/* The victim's TASK record, as this kernel writes it; or -1 */
static int task_rec(FIXTURE_DATA(image) *self)
{
	int tk = first_rec(self, CKPT_HDR_TASK);

	if (tk < 0 || self->recs[tk].len != sizeof(struct ckpt_hdr_task))
		return -1;
	return tk;
}

/*
 * A copy of the TASK record @tk with the I/O priority @ioprio and the
 * affinity @nr_cpus, cpus[@word] = @bits (the other words zero);
 * malloc()ed
 */
static struct ckpt_hdr_task *task_with(FIXTURE_DATA(image) *self, int tk,
				       uint32_t ioprio, uint32_t nr_cpus,
				       int word, uint64_t bits)
{
	struct ckpt_hdr_task *h = (void *)grown_rec(self, tk, 0, -1);

	if (!h)
		return NULL;
	h->ioprio = ioprio;
	h->nr_cpus = nr_cpus;
	memset(h->cpus, 0, sizeof(h->cpus));
	h->cpus[word] = bits;
	return h;
}

/*
 * A copy of the TASK record @tk with the job control fields @sig
 * (stop_signal), @code (stop_code), @flags (stop_flags) and @res
 * (__reserved3); malloc()ed
 */
static struct ckpt_hdr_task *task_stop_with(FIXTURE_DATA(image) *self, int tk,
					    uint32_t sig, uint32_t code,
					    uint32_t flags, uint32_t res)
{
	struct ckpt_hdr_task *h = (void *)grown_rec(self, tk, 0, -1);

	if (!h)
		return NULL;
	h->stop_signal = sig;
	h->stop_code = code;
	h->stop_flags = flags;
	h->__reserved3 = res;
	return h;
}

/* What the restored program reported after @prefix, to the line's end */
static const char *reported(const char *prefix)
{
	static char line[128];
	const char *p = ck_line(prefix);

	if (!p)
		return "(nothing)";
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	return line;
}

/* The highest CPU that may ever be online here (nr_cpu_ids - 1), or -1 */
static int last_possible_cpu(void)
{
	char buf[256];
	const char *p;

	if (ck_read_file("/sys/devices/system/cpu/possible", buf,
			 sizeof(buf)) <= 0)
		return -1;
	/* "0-1", "0-3,8-11": the last number */
	p = buf + strcspn(buf, "\n");
	while (p > buf && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return *p >= '0' && *p <= '9' ? atoi(p) : -1;
}

/*
 * The fields a TASK record has had since it is extensible: an I/O
 * priority (ioprio), a CPU affinity (nr_cpus bits of cpus[]). Each given
 * a value that ioprio_set() or sched_setaffinity() would not take, on
 * its own, checksum fixed: EINVAL and the line that says so. nr_cpus
 * above CKPT_MAX_CPUS; a CPU at or above nr_cpus; nr_cpus with no CPU;
 * an I/O priority class but NONE, RT, BE and IDLE; a value above
 * 0xffff; class NONE with a level. Each row sets both fields, whatever
 * the victim's own (no affinity, or the one it inherited).
 *
 * And job control (stop_signal, stop_code, stop_flags, __reserved3),
 * with the victim's own I/O priority and affinity: a stop by a signal
 * that does not stop (SIGKILL, SIGHUP, SIGCONT, 32, ~0); a stop code
 * other than the stop signal, or with no stop; an unknown stop flag;
 * continued and stopped at once; __reserved3 set.
 */
TEST_F_TIMEOUT(image, task_record_fields_rejected, 2 * CK_TIMEOUT)
{
	static const struct {
		uint32_t ioprio, nr_cpus;
		int word;
		uint64_t bits;
		const char *what;
	} bad[] = {
		{ 0, CKPT_MAX_CPUS + 1, 0, 1, "nr_cpus 1025, CPU 0" },
		{ 0, 0xffffffff, 0, 3, "nr_cpus ~0, CPUs 0-1" },
		{ 0, 0, 0, 1, "nr_cpus 0, CPU 0" },
		{ 0, 2, 0, 1 << 2, "nr_cpus 2, CPU 2" },
		{ 0, 2, 0, 3 | 1ULL << 63, "nr_cpus 2, CPUs 0-1 and 63" },
		{ 0, 64, 1, 1, "nr_cpus 64, CPU 64" },
		{ 0, CKPT_MAX_CPUS - 1, CKPT_CPU_WORDS - 1, 1ULL << 63,
		  "nr_cpus 1023, CPU 1023" },
		{ 0, 2, 0, 0, "nr_cpus 2, no CPU" },
		{ 0, CKPT_MAX_CPUS, 0, 0, "nr_cpus 1024, no CPU" },
		{ 4 << 13, 0, 0, 0, "ioprio class 4" },
		{ 7 << 13 | 7, 0, 0, 0, "ioprio class 7, level 7" },
		{ 0x10000, 0, 0, 0, "ioprio 0x10000" },
		{ 0x10000 | 2 << 13, 0, 0, 0, "ioprio 0x14000 (BE, level 0)" },
		{ 0xffffffff, 0, 0, 0, "ioprio ~0" },
		{ 1, 0, 0, 0, "ioprio class NONE, level 1" },
		{ 7, 0, 0, 0, "ioprio class NONE, level 7" },
	};
	static const struct {
		uint32_t sig, code, flags, res;
		const char *what;
	} stop_bad[] = {
		{ SIGKILL, 0, 0, 0, "stop_signal 9 (SIGKILL)" },
		{ SIGKILL, SIGKILL, 0, 0,
		  "stop_signal and stop_code 9 (SIGKILL)" },
		{ 1, 0, 0, 0, "stop_signal 1 (SIGHUP)" },
		{ SIGCONT, 0, 0, 0, "stop_signal SIGCONT" },
		{ 32, 0, 0, 0, "stop_signal 32" },
		{ 0xffffffff, 0, 0, 0, "stop_signal ~0" },
		{ SIGSTOP, SIGTSTP, 0, 0,
		  "stop_signal SIGSTOP, stop_code SIGTSTP" },
		{ SIGTSTP, 0xffffffff, 0, 0,
		  "stop_signal SIGTSTP, stop_code ~0" },
		{ 0, SIGSTOP, 0, 0, "stop_code SIGSTOP, not stopped" },
		{ 0, 0, 2, 0, "stop_flags 2" },
		{ 0, 0, CKPT_STOP_CONTINUED | 2, 0,
		  "stop_flags CONTINUED | 2" },
		{ SIGSTOP, 0, CKPT_STOP_CONTINUED, 0,
		  "stop_signal SIGSTOP, stop_flags CONTINUED" },
		{ SIGSTOP, SIGSTOP, CKPT_STOP_CONTINUED, 0,
		  "stop_signal and stop_code SIGSTOP, stop_flags CONTINUED" },
		{ 0, 0, 0, 1, "__reserved3 1" },
		{ SIGTSTP, SIGTSTP, 0, 0x80000000,
		  "stop_signal and stop_code SIGTSTP, __reserved3 0x80000000" },
	};
	struct ckpt_hdr_task *h;
	unsigned int k;
	int tk;

	tk = task_rec(self);
	ASSERT_LE(0, tk) TH_LOG("no TASK record of %zu bytes",
				sizeof(struct ckpt_hdr_task));
	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		h = task_with(self, tk, bad[k].ioprio, bad[k].nr_cpus,
			      bad[k].word, bad[k].bits);
		ASSERT_NE(NULL, h);
		expect_edit_logged(_metadata, self,
				   &(struct edit){ tk, true, h, sizeof(*h) },
				   1, EINVAL, TASK_BAD, bad[k].what);
		free(h);
	}
	for (k = 0; k < ARRAY_SIZE(stop_bad); k++) {
		h = task_stop_with(self, tk, stop_bad[k].sig, stop_bad[k].code,
				   stop_bad[k].flags, stop_bad[k].res);
		ASSERT_NE(NULL, h);
		expect_edit_logged(_metadata, self,
				   &(struct edit){ tk, true, h, sizeof(*h) },
				   1, EINVAL, TASK_BAD, stop_bad[k].what);
		free(h);
	}
	check_no_splat(_metadata, self);
}

/*
 * An affinity with a CPU this machine lacks (CPU 5 of nr_cpus 8; the
 * guest has two): restart() refuses it with ENODEV and a line naming the
 * CPU. With RESTART_DROP_CPUS the missing CPUs leave the mask: CPUs 0 and
 * 5 restore as CPU 0, CPU 5 alone as no affinity (every CPU, as the
 * victim's Cpus_allowed_list shows); the victim resumes intact.
 */
TEST_F_TIMEOUT(image, task_affinity_with_missing_cpu, 2 * CK_TIMEOUT)
{
	static const char lacks[] =
		"task: its CPU affinity has CPU 5, which this machine lacks (RESTART_DROP_CPUS drops it)";
	char every[64] = "0-1";
	struct ckpt_hdr_task *h05, *h5;
	int tk, last = last_possible_cpu();
	uint32_t ioprio;

	if (last >= 5)
		SKIP(return, "CPU 5 is possible on this machine (CPUs 0-%d)",
		     last);
	if (ck_read_file("/sys/devices/system/cpu/online", every,
			 sizeof(every)) > 0)
		every[strcspn(every, "\n")] = '\0';
	tk = task_rec(self);
	ASSERT_LE(0, tk) TH_LOG("no TASK record of %zu bytes",
				sizeof(struct ckpt_hdr_task));
	/* the victim's own I/O priority; its affinity CPUs 0 and 5, or 5 */
	ioprio = ((const struct ckpt_hdr_task *)rec_at(self, tk))->ioprio;
	h05 = task_with(self, tk, ioprio, 8, 0, 1 << 0 | 1 << 5);
	h5 = task_with(self, tk, ioprio, 8, 0, 1 << 5);
	ASSERT_TRUE(h05 && h5);

	expect_edit_logged(_metadata, self,
			   &(struct edit){ tk, true, h05, sizeof(*h05) }, 1,
			   ENODEV, lacks, "nr_cpus 8, CPUs 0 and 5");
	expect_edit_logged(_metadata, self,
			   &(struct edit){ tk, true, h5, sizeof(*h5) }, 1,
			   ENODEV, lacks, "nr_cpus 8, CPU 5");

	try_flags = RESTART_DROP_CPUS;
	expect_edit(_metadata, self,
		    &(struct edit){ tk, true, h05, sizeof(*h05) }, 1, false,
		    "nr_cpus 8, CPUs 0 and 5, RESTART_DROP_CPUS");
	EXPECT_STREQ("0", reported("CPUS "))
		TH_LOG("CPUs 0 and 5, CPU 5 dropped: the CPUs the victim may run on");
	expect_edit(_metadata, self,
		    &(struct edit){ tk, true, h5, sizeof(*h5) }, 1, false,
		    "nr_cpus 8, CPU 5, RESTART_DROP_CPUS");
	EXPECT_STREQ(every, reported("CPUS "))
		TH_LOG("CPU 5 alone, dropped: the CPUs the victim may run on (every CPU)");
	try_flags = 0;
	free(h05);
	free(h5);
	check_no_splat(_metadata, self);
}

/*
 * A TASK record of an older kernel: CKPT_REC_TASK_MIN bytes, up to
 * dumpable. It is read zero-extended (no I/O priority, no affinity) and
 * the victim resumes intact. Cut after nr_cpus, an affinity of 2 CPUs
 * loses its mask: no CPU, EINVAL.
 */
TEST_F_TIMEOUT(image, task_record_of_an_older_kernel, CK_TIMEOUT)
{
	const size_t cut = offsetof(struct ckpt_hdr_task, cpus);
	struct ckpt_hdr_task *h;
	int tk;

	tk = task_rec(self);
	ASSERT_LE(0, tk) TH_LOG("no TASK record of %zu bytes",
				sizeof(struct ckpt_hdr_task));
	ASSERT_EQ((size_t)CKPT_REC_TASK_MIN,
		  offsetof(struct ckpt_hdr_task, ioprio));
	ASSERT_EQ(0U, cut % 8);
	h = (void *)grown_rec(self, tk, 0, -1);
	ASSERT_NE(NULL, h);
	h->h.len = CKPT_REC_TASK_MIN;
	expect_edit(_metadata, self,
		    &(struct edit){ tk, true, h, CKPT_REC_TASK_MIN }, 1, false,
		    "TASK of CKPT_REC_TASK_MIN bytes");
	h->h.len = cut;
	h->ioprio = 0;
	h->nr_cpus = 2;
	expect_edit_logged(_metadata, self,
			   &(struct edit){ tk, true, h, cut }, 1, EINVAL,
			   TASK_BAD, "TASK cut after nr_cpus 2");
	free(h);
	check_no_splat(_metadata, self);
}

/* The state letter of /proc/@pid/stat ('T': stopped), or '?' */
static char task_state(pid_t pid)
{
	char path[64], st[512];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (ck_read_file(path, st, sizeof(st)) <= 0)
		return '?';
	p = strrchr(st, ')');
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

/*
 * waitpid(@pid, WUNTRACED | WNOHANG) until it reports or, if @silent,
 * until /proc shows @pid stopped, up to @secs; collecting what is
 * reported meanwhile into ck.buf (emptied first). The pid waitpid()
 * returned (0: nothing, -1: an error), the status in *@status. A stop
 * that restart puts back wakes no waiting parent: this polls.
 */
static pid_t wait_stopped_secs(pid_t pid, bool silent, int *status,
			       int secs)
{
	struct timespec start, now;
	bool seen;
	pid_t w;

	ck.len = 0;
	ck.buf[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		seen = silent && task_state(pid) == 'T';
		w = waitpid(pid, status, WUNTRACED | WNOHANG);
		ck_drain();
		if (w && !(w < 0 && errno == EINTR))
			return w;
		if (seen)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000L +
		    (now.tv_nsec - start.tv_nsec) / 1000000 >= secs * 1000L)
			return 0;
		usleep(10000);
	}
}

/*
 * The TASK record stopped by @sig with the stop code @code: the restored
 * victim - the restarter, the test's child (RESTART_TASKSELF) - comes
 * back stopped, waitpid(WUNTRACED) reports it stopped by @code once (not
 * at all with @code 0: /proc shows it stopped), it runs no user code
 * ("RESUMED" is not reported) and stays stopped ('T') until SIGCONT, after
 * which it resumes intact. The child is killed and reaped on any failure.
 */
static void expect_stopped(struct __test_metadata *_metadata,
			   FIXTURE_DATA(image) *self, int tk, uint32_t sig,
			   uint32_t code, const char *what)
{
	struct ckpt_hdr_task *h;
	unsigned char *buf;
	int status = 0;
	bool stopped;
	size_t len;
	pid_t pid, w;

	h = task_stop_with(self, tk, sig, code, 0, 0);
	ASSERT_NE(NULL, h);
	buf = edit_image(self, &(struct edit){ tk, true, h, sizeof(*h) }, 1,
			 &len);
	free(h);
	ASSERT_NE(NULL, buf);
	pid = spawn_image(self, buf, len);
	free(buf);
	ASSERT_LT(0, pid) TH_LOG("%s: the image not written, or no fork",
				 what);

	/* from here on, every way out reaps the child, killed if need be */
	w = wait_stopped_secs(pid, !code, &status, TRY_SECS);
	if (code) {
		stopped = w == pid && WIFSTOPPED(status);
		EXPECT_TRUE(stopped && WSTOPSIG(status) == (int)code) {
			TH_LOG("%s: waitpid(WUNTRACED): %s", what,
			       w == pid ? ck_status_str(status) :
			       "nothing in time");
			ck_dump(_metadata, what, w == pid ? status : -1);
		}
	} else {
		stopped = !w && task_state(pid) == 'T';
		EXPECT_TRUE(stopped) {
			TH_LOG("%s: %s", what,
			       w == pid ? ck_status_str(status) :
			       "not stopped in time");
			ck_dump(_metadata, what, w == pid ? status : -1);
		}
		if (w == pid && WIFSTOPPED(status))
			stopped = true;	/* reported, but stopped */
	}
	if (!stopped) {
		/* w == pid: it ended, and is reaped */
		if (w != pid) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return;
	}
	/* stopped it stays, its stop not reported (again) */
	usleep(200000);
	EXPECT_EQ('T', task_state(pid));
	EXPECT_EQ(0, waitpid(pid, &status, WUNTRACED | WNOHANG))
		TH_LOG("%s: a stop reported%s: %s", what, code ? " again" : "",
		       ck_status_str(status));
	ck_drain();
	EXPECT_EQ(NULL, ck_line("RESUMED"))
		TH_LOG("%s: user code ran while stopped: \"%s\"", what,
		       reported("RESUMED"));

	/* SIGCONT: on it runs, as it was */
	ASSERT_EQ(0, kill(pid, SIGCONT)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	status = ck_wait_secs(pid, TRY_SECS);
	EXPECT_TRUE(status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == CK_EXIT_RESUMED &&
		    ck_line("RESUMED intact")) {
		TH_LOG("%s, then SIGCONT: %s, reported \"%s\"", what,
		       ck_status_str(status), reported("RESUMED"));
		ck_dump(_metadata, what, status);
	}
}

/*
 * Job control in the TASK record, as restart takes it: stopped by SIGTSTP
 * with the stop still to report (stop_code SIGTSTP), stopped by SIGSTOP
 * with the stop reported already (stop_code 0): see expect_stopped().
 * Continued, not yet reported to waitpid(WCONTINUED) (stop_flags
 * CONTINUED): the victim resumes intact.
 */
TEST_F_TIMEOUT(image, task_record_stopped, 3 * CK_TIMEOUT)
{
	struct ckpt_hdr_task *h;
	int tk;

	tk = task_rec(self);
	ASSERT_LE(0, tk) TH_LOG("no TASK record of %zu bytes",
				sizeof(struct ckpt_hdr_task));
	expect_stopped(_metadata, self, tk, SIGTSTP, SIGTSTP,
		       "stop_signal and stop_code SIGTSTP");
	expect_stopped(_metadata, self, tk, SIGSTOP, 0,
		       "stop_signal SIGSTOP, stop_code 0");

	h = task_stop_with(self, tk, 0, 0, CKPT_STOP_CONTINUED, 0);
	ASSERT_NE(NULL, h);
	expect_edit(_metadata, self,
		    &(struct edit){ tk, true, h, sizeof(*h) }, 1, false,
		    "stop_flags CONTINUED");
	free(h);
	check_no_splat(_metadata, self);
}

/* ---- unnamed files: memfds and deleted files ---------------------------- */

/*
 * A memfd (MEMFD, FILE_MEMFD, a MEMFD vma) and a deleted file (DELETED,
 * FILE_DELETED, a DELETED vma) are written alike: the object's record
 * and its PAGES of offsets at its first reference, a type record naming
 * it for each open file. Their records have the same fields at the same
 * places; the edits below are made on these.
 */
struct unn_hdr {
	struct ckpt_hdr h;
	uint32_t objref;
	uint32_t flags;		/* MEMFD: seals; DELETED: CKPT_DELETED_F_* */
	uint64_t size;
	uint32_t mode;
	uint32_t uid, gid;
	uint32_t str_len;	/* MEMFD: name_len; DELETED: path_len */
};

struct unn_file {
	struct ckpt_hdr h;
	uint32_t objref;	/* memfd_objref, deleted_objref */
	uint32_t __reserved;
};

/* the field @m of struct @s is the field @n of struct @u */
#define UNN_SAME(s, m, u, n)						\
	_Static_assert(offsetof(struct s, m) == offsetof(struct u, n) &&	\
		       sizeof(((struct s *)0)->m) ==			\
		       sizeof(((struct u *)0)->n), #s "." #m)
UNN_SAME(ckpt_hdr_memfd, objref, unn_hdr, objref);
UNN_SAME(ckpt_hdr_memfd, seals, unn_hdr, flags);
UNN_SAME(ckpt_hdr_memfd, size, unn_hdr, size);
UNN_SAME(ckpt_hdr_memfd, mode, unn_hdr, mode);
UNN_SAME(ckpt_hdr_memfd, uid, unn_hdr, uid);
UNN_SAME(ckpt_hdr_memfd, gid, unn_hdr, gid);
UNN_SAME(ckpt_hdr_memfd, name_len, unn_hdr, str_len);
UNN_SAME(ckpt_hdr_deleted, objref, unn_hdr, objref);
UNN_SAME(ckpt_hdr_deleted, flags, unn_hdr, flags);
UNN_SAME(ckpt_hdr_deleted, size, unn_hdr, size);
UNN_SAME(ckpt_hdr_deleted, mode, unn_hdr, mode);
UNN_SAME(ckpt_hdr_deleted, uid, unn_hdr, uid);
UNN_SAME(ckpt_hdr_deleted, gid, unn_hdr, gid);
UNN_SAME(ckpt_hdr_deleted, path_len, unn_hdr, str_len);
UNN_SAME(ckpt_hdr_file_memfd, memfd_objref, unn_file, objref);
UNN_SAME(ckpt_hdr_file_memfd, __reserved, unn_file, __reserved);
UNN_SAME(ckpt_hdr_file_deleted, deleted_objref, unn_file, objref);
UNN_SAME(ckpt_hdr_file_deleted, __reserved, unn_file, __reserved);
_Static_assert(sizeof(struct ckpt_hdr_memfd) == sizeof(struct unn_hdr) &&
	       sizeof(struct ckpt_hdr_deleted) == sizeof(struct unn_hdr) &&
	       sizeof(struct ckpt_hdr_file_memfd) == sizeof(struct unn_file) &&
	       sizeof(struct ckpt_hdr_file_deleted) == sizeof(struct unn_file),
	       "unnamed file records");

/* A kind of unnamed file, and its records */
struct unn_kind {
	const char *name;	/* its object record's, for messages */
	const char *fname;	/* its type record's */
	uint32_t obj;		/* its object record */
	uint32_t ftype;		/* the FILE type of its open files */
	uint32_t fobj;		/* their type record */
	uint32_t vtype;		/* the type of its vmas */
};

static const struct unn_kind unn_memfd = {
	"MEMFD", "FILE_MEMFD", CKPT_HDR_MEMFD, CKPT_FILE_MEMFD,
	CKPT_HDR_FILE_MEMFD, CKPT_VMA_MEMFD,
};

static const struct unn_kind unn_deleted = {
	"DELETED", "FILE_DELETED", CKPT_HDR_DELETED, CKPT_FILE_DELETED,
	CKPT_HDR_FILE_DELETED, CKPT_VMA_DELETED,
};

/*
 * The victim (unn_body()): an unnamed file of two pages of
 * ck_fill(UNN_SEED) bytes at UNN_FD (O_RDWR, at offset UNN_POS), mapped
 * MAP_SHARED (both pages). A memfd (UNN_MEMFD): the sealable memfd
 * MFD_NAME, sealed against shrinking. A deleted file (UNN_DELETED): DEL_NAME
 * in the test's directory, mode DEL_MODE, unlinked. With UNN_MAPPED_ONLY
 * the fd is closed before the checkpoint: the mapping alone holds the
 * file, and its object record comes right before the vma's.
 */
#define UNN_MEMFD	0x0
#define UNN_DELETED	0x1
#define UNN_MAPPED_ONLY	0x2
#define UNN_FD		35
#define UNN_SEED	77
#define UNN_POS		100
#define MFD_NAME	"ckpt-image"
#define MFD_LINK	"/memfd:" MFD_NAME " (deleted)"
#define DEL_NAME	"del-victim"
#define DEL_MODE	0640

static const struct unn_kind *unn;	/* the victim's kind */
static char *unn_map;
static bool unn_fd_kept;
static unsigned int mfd_seals;
static mode_t unn_mode;

/*
 * Is @link (a /proc/self/fd link, a path of /proc/self/maps) the name of
 * the victim's file: the memfd's, or a deleted file made again in the
 * test's directory, "DIR/#INO (deleted)"?
 */
static bool unn_link_ok(const char *link)
{
	size_t n = strlen(link), d = strlen(ck.dir);

	if (unn == &unn_memfd)
		return !strcmp(link, MFD_LINK);
	return !strncmp(link, ck.dir, d) && !strncmp(link + d, "/#", 2) &&
	       n > 10 && !strcmp(link + n - 10, " (deleted)");
}

/* Is unn_map (2 pages) a mapping of the victim's file in /proc/self/maps? */
static bool unn_mapped(void)
{
	static char maps[65536];
	unsigned long start, end;
	char *line, *save;

	if (ck_read_file("/proc/self/maps", maps, sizeof(maps)) <= 0)
		return false;
	for (line = strtok_r(maps, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    start == (unsigned long)unn_map)
			return end == start + 2 * PAGE && strchr(line, '/') &&
			       unn_link_ok(strchr(line, '/'));
	return false;
}

/*
 * The restored victim: the mapping's bytes; with its fd, the file's name,
 * size, mode, links, seals, offset and bytes, and the mapping of it
 * (reported: "UNN mode=... size=... seals=..."); without, the mapping
 * named in /proc/self/maps.
 */
static void unn_check(void)
{
	char link[300] = "", path[64];
	const char *what = NULL;
	static char buf[2 * PAGE];
	struct stat st = { 0 };
	ssize_t n;

	if (unn_fd_kept) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", UNN_FD);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		if (!fstat(UNN_FD, &st))
			ck_report("UNN mode=%o size=%lld seals=%#x",
				  st.st_mode & 07777, (long long)st.st_size,
				  unn == &unn_memfd ?
				  fcntl(UNN_FD, F_GET_SEALS) : 0);
	}
	if (ck_check_fill(unn_map, 2 * PAGE, UNN_SEED) != -1)
		what = "the mapping's bytes";
	else if (!unn_fd_kept)
		what = !unn_mapped() ? "the mapping in /proc/self/maps" : NULL;
	else if (!unn_link_ok(link))
		what = "its name";
	else if (st.st_size != 2 * PAGE || st.st_mode != unn_mode ||
		 st.st_nlink)
		what = "its size, mode or links";
	else if (unn == &unn_memfd &&
		 fcntl(UNN_FD, F_GET_SEALS) != (int)mfd_seals)
		what = "its seals";
	else if (lseek(UNN_FD, 0, SEEK_CUR) != UNN_POS ||
		 (fcntl(UNN_FD, F_GETFL) & O_ACCMODE) != O_RDWR)
		what = "its offset or access mode";
	else if (pread(UNN_FD, buf, sizeof(buf), 0) != sizeof(buf) ||
		 ck_check_fill(buf, sizeof(buf), UNN_SEED) != -1)
		what = "its bytes";
	else if (pwrite(UNN_FD, "w", 1, PAGE + 5) != 1 || unn_map[PAGE + 5] != 'w')
		what = "the mapping is not of it";
	if (what)
		ck_report("RESUMED altered: %s: %s", unn->name, what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

static void unn_body(void *arg)
{
	uintptr_t how = (uintptr_t)arg;
	struct stat st;
	int fd;

	unn = how & UNN_DELETED ? &unn_deleted : &unn_memfd;
	unn_fd_kept = !(how & UNN_MAPPED_ONLY);
	if (unn == &unn_memfd)
		fd = memfd_create(MFD_NAME, MFD_ALLOW_SEALING);
	else
		fd = open(ck_path(DEL_NAME), O_RDWR | O_CREAT | O_TRUNC,
			  DEL_MODE);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, UNN_FD) == UNN_FD, "%s", unn->name);
	CK_ASSERT(!ftruncate(UNN_FD, 2 * PAGE), "ftruncate");
	unn_map = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       UNN_FD, 0);
	CK_ASSERT(unn_map != MAP_FAILED, "mmap");
	ck_fill(unn_map, 2 * PAGE, UNN_SEED);
	if (unn == &unn_memfd)
		CK_ASSERT(!fcntl(UNN_FD, F_ADD_SEALS, F_SEAL_SHRINK),
			  "memfd seals");
	else
		CK_ASSERT(!fchmod(UNN_FD, DEL_MODE) && !unlink(ck_path(DEL_NAME)),
			  "unlink");
	CK_ASSERT(!fstat(UNN_FD, &st) &&
		  lseek(UNN_FD, UNN_POS, SEEK_SET) == UNN_POS, "fstat");
	mfd_seals = unn == &unn_memfd ? fcntl(UNN_FD, F_GET_SEALS) : 0;
	unn_mode = st.st_mode;
	if (!unn_fd_kept)
		close(UNN_FD);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	unn_check();
}

/* The records of the victim's image */
struct unn_recs {
	const struct unn_kind *k;
	int f;		/* the FILE of UNN_FD (-1: none) */
	int m;		/* the object record: MEMFD, DELETED */
	int p;		/* its PAGES, of the two pages */
	int pe;		/* its empty PAGES, which ends them */
	int fm;		/* the type record of f: FILE_MEMFD... (-1: none) */
	int v;		/* the vma of the file */
	int ve;		/* the vma's empty PAGES */
	uint32_t ref;	/* the file's objref */
};

/* Checkpoint the victim made as @how says, load its records */
static void unn_load(struct __test_metadata *_metadata,
		     FIXTURE_DATA(image) *self, uintptr_t how,
		     struct unn_recs *r)
{
	const struct unn_kind *k = how & UNN_DELETED ? &unn_deleted :
						      &unn_memfd;
	const struct ckpt_hdr_vma *vh;
	const struct unn_hdr *mh;
	char why[256] = "";
	int i, n = 0;

	r->k = k;
	ck_checkpoint_child(_metadata, NULL, 0, unn_body, (void *)how);
	load_image(_metadata, self);
	EXPECT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	for (i = 0; i < self->nr; i++)
		n += self->recs[i].type == k->obj;
	ASSERT_EQ(1, n) TH_LOG("%s records in the image", k->name);
	r->m = first_rec(self, k->obj);
	mh = rec_at(self, r->m);
	r->ref = mh->objref;
	EXPECT_EQ(2 * PAGE, mh->size);
	EXPECT_EQ(0U, mh->uid);
	EXPECT_EQ(0U, mh->gid);
	/* the two pages in one PAGES record, then the empty one */
	r->p = r->m + 1;
	r->pe = r->m + 2;
	ASSERT_LT(r->pe, self->nr);
	ASSERT_EQ((uint32_t)CKPT_HDR_PAGES, self->recs[r->p].type);
	ASSERT_EQ(2U, ((const struct ckpt_hdr_pages *)rec_at(self, r->p))->nr_pages)
		TH_LOG("the %s's two pages are not in one PAGES record", k->name);
	ASSERT_EQ((uint32_t)CKPT_HDR_PAGES, self->recs[r->pe].type);
	ASSERT_EQ(0U, ((const struct ckpt_hdr_pages *)rec_at(self, r->pe))->nr_pages);
	r->v = -1;
	for (i = 0; i < self->nr && r->v < 0; i++) {
		vh = rec_at(self, i);
		if (self->recs[i].type == CKPT_HDR_VMA && vh->type == k->vtype)
			r->v = i;
	}
	ASSERT_LE(0, r->v) TH_LOG("no %s vma", k->name);
	vh = rec_at(self, r->v);
	EXPECT_EQ(r->ref, vh->shm_objref);
	EXPECT_EQ(0U, vh->shm_size);
	EXPECT_EQ(0U, vh->path_len);
	/* MAP_SHARED, of a file open O_RDWR: it could be made writable */
	EXPECT_EQ((uint32_t)(CKPT_VMA_F_SHARED | CKPT_VMA_F_MAYWRITE),
		  vh->flags & (CKPT_VMA_F_SHARED | CKPT_VMA_F_MAYWRITE));
	/* shared: its pages are the file's, the vma has none */
	r->ve = r->v + 1;
	ASSERT_LT(r->ve, self->nr);
	ASSERT_EQ((uint32_t)CKPT_HDR_PAGES, self->recs[r->ve].type);
	EXPECT_EQ(0U, ((const struct ckpt_hdr_pages *)rec_at(self, r->ve))->nr_pages);
	if (how & UNN_MAPPED_ONLY) {
		r->f = r->fm = -1;
		ASSERT_EQ(r->pe + 1, r->v)
			TH_LOG("the %s is not right before its vma", k->name);
		return;
	}
	r->f = file_of_fd(self, UNN_FD);
	ASSERT_EQ(r->m - 1, r->f)
		TH_LOG("the %s is not right after the FILE of fd %d", k->name,
		       UNN_FD);
	EXPECT_EQ(k->ftype, ((const struct ckpt_hdr_file *)rec_at(self, r->f))->type);
	EXPECT_EQ((int64_t)UNN_POS,
		  ((const struct ckpt_hdr_file *)rec_at(self, r->f))->pos);
	r->fm = r->pe + 1;
	ASSERT_EQ(k->fobj, self->recs[r->fm].type);
	EXPECT_EQ(r->ref, ((const struct unn_file *)rec_at(self, r->fm))->objref);
}

/* Record @i, copied, with @size bytes at @off set to @val; malloc()ed */
static unsigned char *rec_with(FIXTURE_DATA(image) *self, int i, size_t off,
			       size_t size, uint64_t val)
{
	unsigned char *r = grown_rec(self, i, 0, -1);

	if (r)
		memcpy(r + off, &val, size);
	return r;
}

/*
 * The object record @m (MEMFD, DELETED) with @bytes of @s after it (a name,
 * a path), its length field @str_len, the record @len bytes long: refused
 * with @err, or (0) taken (the victim runs)
 */
static void expect_unn_str(struct __test_metadata *_metadata,
			   FIXTURE_DATA(image) *self, int m, const char *s,
			   size_t bytes, uint32_t str_len, size_t len, int err,
			   const char *what)
{
	unsigned char *r = calloc(1, len);
	struct unn_hdr *h = (void *)r;
	struct edit e = { m, true, r, len };

	ASSERT_NE(NULL, r);
	ASSERT_LE(sizeof(*h) + bytes, len);
	memcpy(r, rec_at(self, m), sizeof(*h));
	h->h.len = len;
	h->str_len = str_len;
	memcpy(h + 1, s, bytes);
	if (err)
		expect_edit_err(_metadata, self, &e, 1, err, what);
	else
		expect_taken(_metadata, self, &e, 1, what);
	free(r);
}

/* The object record @m with the string @s and its NUL: see above */
static void expect_unn_path(struct __test_metadata *_metadata,
			    FIXTURE_DATA(image) *self, int m, const char *s,
			    int err, const char *what)
{
	size_t n = strlen(s) + 1;

	expect_unn_str(_metadata, self, m, s, n, n,
		       CKPT_REC_MAX_LEN(struct unn_hdr, n), err, what);
}

/* offset and size of PAGES.addr[k] */
#define PG_ADDR(k)	sizeof(struct ckpt_hdr_pages) + (k) * 8, 8

/*
 * A copy of PAGES record @i with its address @k (not marked) marked
 * CKPT_PAGE_PARENT, the parent's page, and nr_parent one more: that
 * page's contents left out, the record as long as its counts say (what a
 * child's inherited vma has); malloc()ed, *@len bytes
 */
static unsigned char *parent_page_rec(FIXTURE_DATA(image) *self, int i,
				      uint32_t k, size_t *len)
{
	const struct ckpt_hdr_pages *p = rec_at(self, i);
	const uint64_t *addr = (const void *)(p + 1);
	struct ckpt_hdr_pages *h;
	unsigned char *r;
	size_t body;
	uint32_t j, n = 0;

	if (k >= p->nr_pages || addr[k] & CKPT_PAGE_PARENT ||
	    self->recs[i].len < sizeof(*p) + p->nr_pages * 8 + PAGE)
		return NULL;
	/* its contents: after those of the addresses before it not marked */
	for (j = 0; j < k; j++)
		n += !(addr[j] & CKPT_PAGE_PARENT);
	body = sizeof(*p) + p->nr_pages * 8 + n * PAGE;
	if (body + PAGE > self->recs[i].len)
		return NULL;
	*len = self->recs[i].len - PAGE;
	r = malloc(*len);
	if (!r)
		return NULL;
	memcpy(r, p, body);
	memcpy(r + body, (const unsigned char *)p + body + PAGE, *len - body);
	h = (void *)r;
	h->h.len = *len;
	h->nr_parent++;
	((uint64_t *)(h + 1))[k] |= CKPT_PAGE_PARENT;
	return r;
}

/* The restarted victim's "UNN mode=" report: the mode, or -1 */
static long unn_mode_reported(void)
{
	const char *l = ck_line("UNN mode=");

	return l ? strtol(l, NULL, 8) : -1;
}

/*
 * What a memfd and a deleted file share (the victim of @r, with its fd):
 * the object record with objref 0 or an objref in use, a size above
 * MAX_LFS_FILESIZE or below its pages, mode bits outside 07777, an owner
 * with no mapping, the record longer than its string; its PAGES with an
 * offset not page aligned, past the size, offsets not increasing, the
 * empty PAGES left out, a parent's page (nr_parent 1, the length kept;
 * an offset marked CKPT_PAGE_PARENT, without its contents); the type
 * record (FILE_MEMFD, FILE_DELETED) with an objref that is no such file
 * (0, unknown, a FILE's), __reserved, a tail not zero; the vma with a
 * shm_objref of no such file restored before it, a shm_size, a path; the
 * object record left out, after its type record, twice. Refused with
 * EINVAL and a log line, the restored program never runs. Taken: the
 * image as written (the victim finds its file intact), a type record
 * with a zero tail, mode 0600, a size above the pages, the pages left
 * out.
 */
static void unn_damaged(struct __test_metadata *_metadata,
			FIXTURE_DATA(image) *self, const struct unn_recs *r)
{
	const char *K = r->k->name, *FK = r->k->fname;
	unsigned char *a, *b, *c;
	uint32_t other;
	char w[160];
	struct trial t;
	size_t len;
	long mode;
	int k;

#define W(...)	(snprintf(w, sizeof(w), __VA_ARGS__), w)

	/* a FILE record's objref: the FILE of fd 0 */
	ASSERT_LE(0, file_of_fd(self, 0));
	other = objref_of(self, file_of_fd(self, 0));

	expect_edit(_metadata, self, NULL, 0, false,
		    W("%s: the image as written", K));

	/* objref */
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, objref), 0, true,
		     W("%s.objref 0", K));
	for (k = 0; k < 2; k++) {
		/* the objref of a file, and everything that names it */
		uint32_t used = k ? objref_of(self, r->f) : other;
		struct edit e[3];

		a = rec_with(self, r->m, FIELD(unn_hdr, objref), used);
		b = rec_with(self, r->fm, FIELD(unn_file, objref), used);
		c = rec_with(self, r->v, FIELD(ckpt_hdr_vma, shm_objref), used);
		ASSERT_TRUE(a && b && c);
		e[0] = (struct edit){ r->m, true, a, self->recs[r->m].len };
		e[1] = (struct edit){ r->fm, true, b, self->recs[r->fm].len };
		e[2] = (struct edit){ r->v, true, c, self->recs[r->v].len };
		expect_edit(_metadata, self, e, 3, true,
			    k ? W("%s.objref of its own FILE", K) :
			    W("%s.objref of fd 0's FILE", K));
		free(a);
		free(b);
		free(c);
	}
	/* size, mode, owner */
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, size),
		     0x8000000000000000ULL, true,
		     W("%s.size above MAX_LFS_FILESIZE", K));
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, size), ~0ULL, true,
		     W("%s.size ~0", K));
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, size), PAGE, true,
		     W("%s.size one page, a page at offset one page", K));
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, mode),
		     S_IFREG | 0644, true, W("%s.mode with S_IFREG", K));
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, mode),
		     0x10000 | 0600, true, W("%s.mode with bit 0x10000", K));
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, uid), 0xffffffff,
		     true, W("%s.uid -1, no mapping", K));
	expect_grown(_metadata, self, r->m, 8, -1, true,
		     W("%s + 8 zero bytes (not extensible)", K));

	/* its PAGES: the offsets */
	expect_field(_metadata, self, r->p, PG_ADDR(0), 8, true,
		     W("%s PAGES: offset 8, not page aligned", K));
	expect_field(_metadata, self, r->p, PG_ADDR(1), PAGE + 8, true,
		     W("%s PAGES: offset one page + 8", K));
	expect_field(_metadata, self, r->p, PG_ADDR(1), 2 * PAGE, true,
		     W("%s PAGES: offset at the size", K));
	expect_field(_metadata, self, r->p, PG_ADDR(1), 1ULL << 40, true,
		     W("%s PAGES: offset past the size", K));
	expect_field(_metadata, self, r->p, PG_ADDR(1), 0, true,
		     W("%s PAGES: offset 0 twice", K));
	{
		uint64_t swapped[2] = { PAGE, 0 };

		a = grown_rec(self, r->p, 0, -1);
		ASSERT_NE(NULL, a);
		memcpy(a + sizeof(struct ckpt_hdr_pages), swapped, 16);
		expect_edit(_metadata, self,
			    &(struct edit){ r->p, true, a, self->recs[r->p].len },
			    1, true, W("%s PAGES: offsets decreasing", K));
		free(a);
	}
	/* the parent's pages: only in an inherited vma, not in a file's contents */
	expect_field(_metadata, self, r->p, FIELD(ckpt_hdr_pages, nr_parent),
		     1, true, W("%s PAGES.nr_parent 1 (len kept)", K));
	a = parent_page_rec(self, r->p, 0, &len);
	ASSERT_NE(NULL, a);
	expect_edit(_metadata, self, &(struct edit){ r->p, true, a, len }, 1,
		    true, W("%s PAGES: offset 0 the parent's, nr_parent 1", K));
	free(a);

	/* the type record */
	expect_field(_metadata, self, r->fm, FIELD(unn_file, objref), 0, true,
		     W("%s objref 0", FK));
	expect_field(_metadata, self, r->fm, FIELD(unn_file, objref),
		     r->ref + 1000, true, W("%s objref unknown", FK));
	expect_field(_metadata, self, r->fm, FIELD(unn_file, objref), other,
		     true, W("%s objref of fd 0's FILE", FK));
	expect_field(_metadata, self, r->fm, FIELD(unn_file, objref),
		     objref_of(self, r->f), true,
		     W("%s objref of its own FILE", FK));
	expect_field(_metadata, self, r->fm, FIELD(unn_file, __reserved), 1,
		     true, W("%s.__reserved", FK));
	expect_grown(_metadata, self, r->fm, 8, -1, false,
		     W("%s + 8 zero bytes", FK));
	expect_grown(_metadata, self, r->fm, 8, 2, true,
		     W("%s + 8 bytes, one not zero", FK));

	/* the vma */
	expect_field(_metadata, self, r->v, FIELD(ckpt_hdr_vma, shm_objref), 0,
		     true, W("%s vma.shm_objref 0", K));
	expect_field(_metadata, self, r->v, FIELD(ckpt_hdr_vma, shm_objref),
		     r->ref + 1000, true, W("%s vma.shm_objref unknown", K));
	expect_field(_metadata, self, r->v, FIELD(ckpt_hdr_vma, shm_objref),
		     other, true, W("%s vma.shm_objref of fd 0's FILE", K));
	expect_field(_metadata, self, r->v, FIELD(ckpt_hdr_vma, shm_size), PAGE,
		     true, W("%s vma.shm_size one page", K));
	expect_field(_metadata, self, r->v, FIELD(ckpt_hdr_vma, shm_size),
		     2 * PAGE, true, W("%s vma.shm_size, the file's size", K));
	{
		static const char path[] = "/dev/zero";
		size_t vlen = CKPT_REC_MAX_LEN(struct ckpt_hdr_vma, sizeof(path));
		struct ckpt_hdr_vma *vh;

		a = calloc(1, vlen);
		ASSERT_NE(NULL, a);
		memcpy(a, rec_at(self, r->v), sizeof(*vh));
		vh = (void *)a;
		vh->h.len = vlen;
		vh->path_len = sizeof(path);
		memcpy(vh + 1, path, sizeof(path));
		expect_edit(_metadata, self,
			    &(struct edit){ r->v, true, a, vlen }, 1, true,
			    W("%s vma with a path", K));
		free(a);
	}

	/* out of sequence */
	{
		const struct edit e[][6] = {
			/* the object record and its pages left out */
			{ { r->m, true, NULL, 0 }, { r->p, true, NULL, 0 },
			  { r->pe, true, NULL, 0 } },
			/* the type record left out */
			{ { r->fm, true, NULL, 0 } },
			/* the empty PAGES that ends the file's */
			{ { r->pe, true, NULL, 0 } },
			/* the object record and its pages after the type record */
			{ { r->m, true, NULL, 0 }, { r->p, true, NULL, 0 },
			  { r->pe, true, NULL, 0 },
			  { r->fm + 1, false, rec_at(self, r->m), self->recs[r->m].len },
			  { r->fm + 1, false, rec_at(self, r->p), self->recs[r->p].len },
			  { r->fm + 1, false, rec_at(self, r->pe),
			    self->recs[r->pe].len } },
			/* the object record twice */
			{ { r->fm, false, rec_at(self, r->m), self->recs[r->m].len } },
		};
		static const char *const names[] = {
			"%s without its %s", "%s FILE without its %s",
			"%s pages without their end", "%s after the %s that names it",
			"%s twice",
		};
		static const int ne[] = { 3, 1, 1, 6, 1 };
		unsigned int j;

		for (j = 0; j < ARRAY_SIZE(e); j++)
			expect_edit(_metadata, self, e[j], ne[j], true,
				    W(names[j], j ? K : FK, j ? FK : K));
	}

	/* taken, the victim sees what the image says */
	a = rec_with(self, r->m, FIELD(unn_hdr, mode), 0600);
	ASSERT_NE(NULL, a);
	b = edit_image(self, &(struct edit){ r->m, true, a, self->recs[r->m].len },
		       1, &len);
	ASSERT_NE(NULL, b);
	try_image(self, b, len, &t);
	mode = unn_mode_reported();
	EXPECT_TRUE((t.out == OUT_RESUMED || t.out == OUT_ALTERED) && mode == 0600) {
		TH_LOG("%s.mode 0600: %s, mode %lo", K, outcome_name[t.out], mode);
		ck_dump(_metadata, W("%s.mode 0600", K), t.status);
	}
	free(a);
	free(b);
	a = rec_with(self, r->m, FIELD(unn_hdr, size), 3 * PAGE);
	ASSERT_NE(NULL, a);
	expect_taken(_metadata, self,
		     &(struct edit){ r->m, true, a, self->recs[r->m].len }, 1,
		     W("%s.size three pages", K));
	free(a);
	expect_taken(_metadata, self, &(struct edit){ r->p, true, NULL, 0 }, 1,
		     W("the %s's pages left out: holes", K));
#undef W
}

/*
 * The file of @r mapped only: its object record right before the vma.
 * Refused: objref 0, mode 010000, a PAGES offset not page aligned, the
 * vma's shm_objref unknown, the object record after the vma.
 */
static void unn_mapped_damaged(struct __test_metadata *_metadata,
			       FIXTURE_DATA(image) *self,
			       const struct unn_recs *r)
{
	const char *K = r->k->name;
	char w[160];

#define W(...)	(snprintf(w, sizeof(w), __VA_ARGS__), w)
	expect_edit(_metadata, self, NULL, 0, false,
		    W("%s mapped only: the image as written", K));
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, objref), 0, true,
		     W("%s mapped only: objref 0", K));
	expect_field(_metadata, self, r->m, FIELD(unn_hdr, mode), 010000, true,
		     W("%s mapped only: mode 010000", K));
	expect_field(_metadata, self, r->p, PG_ADDR(1), PAGE + 2048, true,
		     W("%s mapped only: PAGES offset not page aligned", K));
	expect_field(_metadata, self, r->v, FIELD(ckpt_hdr_vma, shm_objref),
		     r->ref + 1, true, W("%s mapped only: vma.shm_objref unknown", K));
	{
		/* the object record and its pages right after the vma's */
		const struct edit e[] = {
			{ r->m, true, NULL, 0 }, { r->p, true, NULL, 0 },
			{ r->pe, true, NULL, 0 },
			{ r->ve + 1, false, rec_at(self, r->m), self->recs[r->m].len },
			{ r->ve + 1, false, rec_at(self, r->p), self->recs[r->p].len },
			{ r->ve + 1, false, rec_at(self, r->pe), self->recs[r->pe].len },
		};

		expect_edit(_metadata, self, e, ARRAY_SIZE(e), true,
			    W("%s mapped only: after its vma", K));
	}
#undef W
}

/*
 * A memfd with two pages of data, an fd and a MAP_SHARED mapping: what
 * unn_damaged() edits, and of the MEMFD record: seal bits outside
 * F_SEAL_*, name_len 0 or above CKPT_MEMFD_NAME_MAX, a name not
 * NUL-terminated at name_len - 1, a record length that is not the name's
 * (refused); the longest name (taken). The same memfd mapped only: see
 * unn_mapped_damaged(), and seals 0x40, name_len 0.
 */
TEST_F_TIMEOUT(image, memfd_records_damaged, 3 * CK_TIMEOUT)
{
	const size_t hm = sizeof(struct ckpt_hdr_memfd);
	const struct ckpt_hdr_memfd *mh;
	char name[CKPT_MEMFD_NAME_MAX + 8];
	struct unn_recs r;

	unn_load(_metadata, self, UNN_MEMFD, &r);
	mh = rec_at(self, r.m);
	EXPECT_STREQ(MFD_NAME, (const char *)(mh + 1));
	EXPECT_EQ(strlen(MFD_NAME) + 1, mh->name_len);
	unn_damaged(_metadata, self, &r);

	/* seals */
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_memfd, seals),
		     mh->seals | 0x40, true, "MEMFD.seals with bit 0x40");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_memfd, seals),
		     0x80000000U, true, "MEMFD.seals with bit 31");
	/* the name */
	expect_unn_str(_metadata, self, r.m, "", 0, 0, hm, EINVAL,
		       "MEMFD.name_len 0, no name");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_memfd, name_len), 0,
		     true, "MEMFD.name_len 0, the name kept");
	memset(name, 'n', sizeof(name));
	name[CKPT_MEMFD_NAME_MAX] = '\0';
	expect_unn_str(_metadata, self, r.m, name, CKPT_MEMFD_NAME_MAX + 1,
		       CKPT_MEMFD_NAME_MAX + 1,
		       CKPT_REC_MAX_LEN(struct ckpt_hdr_memfd,
					CKPT_MEMFD_NAME_MAX + 1),
		       EINVAL, "MEMFD.name_len CKPT_MEMFD_NAME_MAX + 1");
	expect_field(_metadata, self, r.m, hm + mh->name_len - 1, 1, 'x', true,
		     "MEMFD: a name without its NUL");
	expect_field(_metadata, self, r.m, hm + 1, 1, 0, true,
		     "MEMFD: a NUL inside the name");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_memfd, name_len),
		     mh->name_len - 1, true, "MEMFD.name_len - 1");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_memfd, name_len),
		     mh->name_len + 8, true, "MEMFD.name_len + 8, past the record");
	/* taken: the longest name */
	memset(name, 'n', sizeof(name));
	name[CKPT_MEMFD_NAME_MAX - 1] = '\0';
	expect_unn_str(_metadata, self, r.m, name, CKPT_MEMFD_NAME_MAX,
		       CKPT_MEMFD_NAME_MAX,
		       CKPT_REC_MAX_LEN(struct ckpt_hdr_memfd, CKPT_MEMFD_NAME_MAX),
		       0, "MEMFD.name_len CKPT_MEMFD_NAME_MAX");

	/* mapped only: the MEMFD right before the vma */
	unn_load(_metadata, self, UNN_MEMFD | UNN_MAPPED_ONLY, &r);
	unn_mapped_damaged(_metadata, self, &r);
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_memfd, seals),
		     0x40, true, "mapped only: MEMFD.seals 0x40");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_memfd, name_len), 0,
		     true, "mapped only: MEMFD.name_len 0");
	check_no_splat(_metadata, self);
}

/*
 * A deleted file with two pages of data, an fd and a MAP_SHARED mapping:
 * what unn_damaged() edits, and of the DELETED record: flags outside
 * CKPT_DELETED_F_MASK, a path not absolute, "/", a path ending in "/", a
 * path not NUL-terminated at path_len - 1 or with a NUL inside it,
 * path_len 0, longer than the record, above CKPT_PATH_MAX (refused with
 * EINVAL); a path whose directory is missing (ENOENT) or no directory
 * (ENOTDIR). Taken: CKPT_DELETED_F_LINKABLE, another name in the same
 * directory, a path in /tmp. The same file mapped only: see
 * unn_mapped_damaged(), and flags 0x2, path_len 0.
 */
TEST_F_TIMEOUT(image, deleted_records_damaged, 3 * CK_TIMEOUT)
{
	const size_t hd = sizeof(struct ckpt_hdr_deleted);
	const struct ckpt_hdr_deleted *dh;
	static char path[CKPT_PATH_MAX + 8];
	const char *saved;
	struct unn_recs r;

	unn_load(_metadata, self, UNN_DELETED, &r);
	dh = rec_at(self, r.m);
	saved = (const char *)(dh + 1);
	EXPECT_STREQ(ck_path(DEL_NAME), saved);
	EXPECT_EQ(strlen(ck_path(DEL_NAME)) + 1, dh->path_len);
	EXPECT_EQ(0U, dh->flags);
	EXPECT_EQ((uint32_t)DEL_MODE, dh->mode);
	unn_damaged(_metadata, self, &r);

	/* flags */
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_deleted, flags),
		     CKPT_DELETED_F_MASK + 1, true, "DELETED.flags with bit 0x2");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_deleted, flags),
		     0x80000000U, true, "DELETED.flags with bit 31");
	/* the path */
	expect_unn_path(_metadata, self, r.m, "tmp/del-victim", EINVAL,
			"DELETED: a relative path");
	expect_unn_path(_metadata, self, r.m, "/", EINVAL, "DELETED: the path /");
	snprintf(path, sizeof(path), "%s/", ck.dir);
	expect_unn_path(_metadata, self, r.m, path, EINVAL,
			"DELETED: a path ending in /");
	expect_unn_str(_metadata, self, r.m, "", 0, 0, hd, EINVAL,
		       "DELETED.path_len 0, no path");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_deleted, path_len), 0,
		     true, "DELETED.path_len 0, the path kept");
	expect_field(_metadata, self, r.m, hd + dh->path_len - 1, 1, 'x', true,
		     "DELETED: a path without its NUL");
	expect_field(_metadata, self, r.m, hd + 4, 1, 0, true,
		     "DELETED: a NUL inside the path");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_deleted, path_len),
		     dh->path_len - 1, true, "DELETED.path_len - 1");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_deleted, path_len),
		     dh->path_len + 8, true, "DELETED.path_len + 8, past the record");
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[CKPT_PATH_MAX] = '\0';
	expect_unn_str(_metadata, self, r.m, path, CKPT_PATH_MAX + 1,
		       CKPT_PATH_MAX + 1,
		       CKPT_REC_MAX_LEN(struct ckpt_hdr_deleted, CKPT_PATH_MAX + 1),
		       EINVAL, "DELETED.path_len CKPT_PATH_MAX + 1");
	/* nowhere to make it again */
	snprintf(path, sizeof(path), "%s/no-such-dir/%s", ck.dir, DEL_NAME);
	expect_unn_path(_metadata, self, r.m, path, ENOENT,
			"DELETED: a path in a missing directory");
	expect_unn_path(_metadata, self, r.m, "/dev/null/" DEL_NAME, ENOTDIR,
			"DELETED: a path under a file");

	/* taken */
	{
		unsigned char *a = rec_with(self, r.m,
					    FIELD(ckpt_hdr_deleted, flags),
					    CKPT_DELETED_F_LINKABLE);

		ASSERT_NE(NULL, a);
		expect_taken(_metadata, self,
			     &(struct edit){ r.m, true, a, self->recs[r.m].len },
			     1, "DELETED.flags CKPT_DELETED_F_LINKABLE");
		free(a);
	}
	snprintf(path, sizeof(path), "%s/another-name", ck.dir);
	expect_unn_path(_metadata, self, r.m, path, 0,
			"DELETED: another name in its directory");
	expect_unn_path(_metadata, self, r.m, "/tmp/x", 0,
			"DELETED: a path in /tmp");

	/* mapped only: the DELETED right before the vma */
	unn_load(_metadata, self, UNN_DELETED | UNN_MAPPED_ONLY, &r);
	unn_mapped_damaged(_metadata, self, &r);
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_deleted, flags),
		     0x2, true, "mapped only: DELETED.flags 0x2");
	expect_field(_metadata, self, r.m, FIELD(ckpt_hdr_deleted, path_len), 0,
		     true, "mapped only: DELETED.path_len 0");
	check_no_splat(_metadata, self);
}

/* ---- pidfds: FILE_PIDFD ------------------------------------------------- */

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK	O_NONBLOCK
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal	424
#endif

/*
 * The pidfd victim (pfd_body()): a pidfd of itself at PFD_FD, a
 * PIDFD_THREAD | PIDFD_NONBLOCK pidfd of its (only) thread at PFD_THR_FD,
 * an epoll set at PFD_EP_FD with an item on PFD_FD (EPOLLIN, data 0x77);
 * SIGUSR2 blocked.
 */
#define PFD_FD		35
#define PFD_THR_FD	36
#define PFD_EP_FD	37

/* the status flags a pidfd may have */
#define PFD_FLAGS	(O_ACCMODE | O_NONBLOCK | PIDFD_THREAD)

/* The "Pid:" line of the pidfd @fd's fdinfo, -2 if there is none */
static long pfd_pid_of(int fd)
{
	char path[64], buf[1024];
	const char *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (ck_read_file(path, buf, sizeof(buf)) <= 0)
		return -2;
	p = strstr(buf, "\nPid:");
	return p ? strtol(p + 5, NULL, 10) : -2;
}

/*
 * The restored victim: both pidfds refer to it (the restarter), with their
 * flags, and do not poll readable; the epoll item is there (and not
 * ready); the thread's pidfd signals it.
 */
static void pfd_check(void)
{
	struct pollfd p[2] = { { .fd = PFD_FD, .events = POLLIN },
			       { .fd = PFD_THR_FD, .events = POLLIN } };
	const char *what = NULL;
	sigset_t set;

	if (pfd_pid_of(PFD_FD) != getpid() || pfd_pid_of(PFD_THR_FD) != getpid())
		what = "pidfd Pid";
	else if ((fcntl(PFD_FD, F_GETFL) & PFD_FLAGS) != O_RDWR)
		what = "pidfd flags";
	else if ((fcntl(PFD_THR_FD, F_GETFL) & PFD_FLAGS) !=
		 (O_RDWR | O_NONBLOCK | PIDFD_THREAD))
		what = "thread pidfd flags";
	else if (poll(p, 2, 0))
		what = "pidfd poll";
	else if (strcmp(ck_ep_ready(PFD_EP_FD), "") ||
		 epoll_ctl(PFD_EP_FD, EPOLL_CTL_DEL, PFD_FD, NULL))
		what = "pidfd epoll item";
	else if (syscall(__NR_pidfd_send_signal, PFD_THR_FD, SIGUSR2, NULL, 0) ||
		 sigpending(&set) || !sigismember(&set, SIGUSR2))
		what = "pidfd signal";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

static void pfd_body(void *arg)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	CK_ASSERT(!sigprocmask(SIG_BLOCK, &set, NULL), "sigprocmask");
	CK_ASSERT(ck_move_fd(syscall(__NR_pidfd_open, getpid(), 0), PFD_FD) ==
		  PFD_FD, "pidfd");
	CK_ASSERT(ck_move_fd(syscall(__NR_pidfd_open, getpid(),
				     PIDFD_THREAD | PIDFD_NONBLOCK),
			     PFD_THR_FD) == PFD_THR_FD, "thread pidfd");
	CK_ASSERT(ck_move_fd(epoll_create1(0), PFD_EP_FD) == PFD_EP_FD &&
		  !ep_add(PFD_EP_FD, PFD_FD, EPOLLIN, 0x77), "epoll");
	ck_report("PID %d", getpid());
	if (ck_checkpoint_self() > 0)
		_exit(0);
	pfd_check();
}

/*
 * Record @i (the FILE_PIDFD or the FILE before it) with @size bytes at
 * @off set to @val: refused with EINVAL and a log line that says @log
 */
static void pfd_expect_bad(struct __test_metadata *_metadata,
			   FIXTURE_DATA(image) *self, int i, size_t off,
			   size_t size, uint64_t val, const char *log,
			   const char *what)
{
	unsigned char *r = grown_rec(self, i, 0, -1);

	ASSERT_NE(NULL, r);
	ASSERT_LE(off + size, (size_t)self->recs[i].len);
	memcpy(r + off, &val, size);
	expect_edit_logged(_metadata, self,
			   &(struct edit){ i, true, r, self->recs[i].len }, 1,
			   EINVAL, log, what);
	free(r);
}

/*
 * Record @i with @size bytes at @off set to @val: taken, and the victim
 * finds "@altered" changed
 */
static void pfd_expect_altered(struct __test_metadata *_metadata,
			       FIXTURE_DATA(image) *self, int i, size_t off,
			       size_t size, uint64_t val, const char *altered,
			       const char *what)
{
	unsigned char *r = grown_rec(self, i, 0, -1);
	const char *line;

	ASSERT_NE(NULL, r);
	memcpy(r + off, &val, size);
	expect_taken(_metadata, self,
		     &(struct edit){ i, true, r, self->recs[i].len }, 1, what);
	free(r);
	line = ck_line("RESUMED altered: ");
	EXPECT_TRUE(line && !strncmp(line, altered, strlen(altered)))
		TH_LOG("%s: the victim says \"%s\", expected it to find %s altered",
		       what, line ?: "(nothing)", altered);
}

/*
 * A pidfd of the victim itself, and a PIDFD_THREAD | PIDFD_NONBLOCK one
 * of its thread, in an epoll set: the image as written resumes with both
 * referring to the restored program. Refused with EINVAL and a line:
 * FILE_PIDFD.flags with a bit but CKPT_PIDFD_F_THREAD and
 * CKPT_PIDFD_F_REAPED (the latter tried by the fuzzer), a pid not above 0
 * ("malformed pidfd"), a pid of no task of the TREE ("which is no
 * process of the tree", "which is no task of the tree" for a thread's);
 * FILE.f_flags an access mode but O_RDWR ("malformed pidfd"), a status
 * flag but O_NONBLOCK (PIDFD_THREAD among them: thread-ness is the
 * record's flag) and an offset ("not of a pidfd"). Extensible: zeroes
 * past the struct are read as it, anything else is refused. Taken, and
 * seen by the victim: CKPT_PIDFD_F_THREAD on the process's pidfd or off
 * the thread's (the one task is both), O_NONBLOCK. A pid of a thread
 * without CKPT_PIDFD_F_THREAD needs a tree with two threads, which a self
 * checkpoint does not have.
 */
TEST_F_TIMEOUT(image, pidfd_records_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_file_pidfd *h;
	const struct ckpt_hdr_file *f;
	char why[256] = "", what[96], log[128];
	int pf, tf, pi, ti, k;
	uint32_t ref, tref;
	long pid;

	ck_checkpoint_child(_metadata, NULL, 0, pfd_body, NULL);
	ASSERT_EQ(0, ck_line_int("PID ", &pid));
	load_image(_metadata, self);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	pf = file_of_fd(self, PFD_FD);
	tf = file_of_fd(self, PFD_THR_FD);
	ASSERT_TRUE(pf >= 0 && tf >= 0 && pf != tf);
	f = rec_at(self, pf);
	ASSERT_EQ((uint32_t)CKPT_FILE_PIDFD, f->type);
	EXPECT_EQ((uint32_t)O_RDWR, f->f_flags);
	EXPECT_EQ(0, f->pos);
	f = rec_at(self, tf);
	ASSERT_EQ((uint32_t)CKPT_FILE_PIDFD, f->type);
	EXPECT_EQ((uint32_t)(O_RDWR | O_NONBLOCK), f->f_flags);
	pi = file_part(self, pf, CKPT_HDR_FILE_PIDFD);
	ti = file_part(self, tf, CKPT_HDR_FILE_PIDFD);
	ASSERT_TRUE(pi == pf + 1 && ti == tf + 1);
	ASSERT_EQ(sizeof(*h), self->recs[pi].len);
	h = rec_at(self, pi);
	EXPECT_EQ(pid, h->pid);
	EXPECT_EQ(0U, h->flags);
	h = rec_at(self, ti);
	EXPECT_EQ(pid, h->pid);
	EXPECT_EQ((uint32_t)CKPT_PIDFD_F_THREAD, h->flags);
	ref = objref_of(self, pf);
	tref = objref_of(self, tf);

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	/* FILE_PIDFD.flags: CKPT_PIDFD_F_THREAD, CKPT_PIDFD_F_REAPED only */
	snprintf(log, sizeof(log), "file record %u: malformed pidfd", ref);
	pfd_expect_bad(_metadata, self, pi, FIELD(ckpt_hdr_file_pidfd, flags),
		       CKPT_PIDFD_F_MASK + 1, log, "FILE_PIDFD.flags 0x4");
	pfd_expect_bad(_metadata, self, pi, FIELD(ckpt_hdr_file_pidfd, flags),
		       0x80000000U, log, "FILE_PIDFD.flags bit 31");
	pfd_expect_bad(_metadata, self, ti, FIELD(ckpt_hdr_file_pidfd, flags),
		       ~0U, "malformed pidfd", "FILE_PIDFD (thread).flags ~0");
	/* FILE_PIDFD.pid: above 0 */
	pfd_expect_bad(_metadata, self, pi, FIELD(ckpt_hdr_file_pidfd, pid), 0,
		       log, "FILE_PIDFD.pid 0");
	pfd_expect_bad(_metadata, self, pi, FIELD(ckpt_hdr_file_pidfd, pid),
		       (uint32_t)-1, log, "FILE_PIDFD.pid -1");
	pfd_expect_bad(_metadata, self, pi, FIELD(ckpt_hdr_file_pidfd, pid),
		       (uint32_t)INT_MIN, log, "FILE_PIDFD.pid INT_MIN");
	/* and of the TREE */
	snprintf(log, sizeof(log),
		 "file record %u: a pidfd of pid %ld, which is no process of the tree",
		 ref, pid + 1);
	pfd_expect_bad(_metadata, self, pi, FIELD(ckpt_hdr_file_pidfd, pid),
		       pid + 1, log, "FILE_PIDFD.pid of no task of the tree");
	snprintf(log, sizeof(log),
		 "file record %u: a pidfd of pid %d, which is no process of the tree",
		 ref, INT_MAX);
	pfd_expect_bad(_metadata, self, pi, FIELD(ckpt_hdr_file_pidfd, pid),
		       INT_MAX, log, "FILE_PIDFD.pid INT_MAX");
	snprintf(log, sizeof(log),
		 "file record %u: a pidfd of pid %ld, which is no task of the tree",
		 tref, pid + 1);
	pfd_expect_bad(_metadata, self, ti, FIELD(ckpt_hdr_file_pidfd, pid),
		       pid + 1, log, "FILE_PIDFD (thread).pid of no task of the tree");

	/* FILE: O_RDWR, O_NONBLOCK or not, no offset */
	snprintf(log, sizeof(log), "file record %u: malformed pidfd", ref);
	pfd_expect_bad(_metadata, self, pf, FIELD(ckpt_hdr_file, f_flags),
		       O_RDONLY, log, "FILE (PIDFD).f_flags O_RDONLY");
	pfd_expect_bad(_metadata, self, pf, FIELD(ckpt_hdr_file, f_flags),
		       O_WRONLY, log, "FILE (PIDFD).f_flags O_WRONLY");
	pfd_expect_bad(_metadata, self, pf, FIELD(ckpt_hdr_file, f_flags),
		       O_ACCMODE, log, "FILE (PIDFD).f_flags access mode 3");
	snprintf(log, sizeof(log), "file record %u: flags %#x or offset not of a pidfd",
		 ref, O_RDWR | O_APPEND);
	pfd_expect_bad(_metadata, self, pf, FIELD(ckpt_hdr_file, f_flags),
		       O_RDWR | O_APPEND, log, "FILE (PIDFD).f_flags O_APPEND");
	snprintf(log, sizeof(log), "file record %u: flags %#x or offset not of a pidfd",
		 tref, O_RDWR | O_NONBLOCK | PIDFD_THREAD);
	pfd_expect_bad(_metadata, self, tf, FIELD(ckpt_hdr_file, f_flags),
		       O_RDWR | O_NONBLOCK | PIDFD_THREAD, log,
		       "FILE (PIDFD, thread).f_flags PIDFD_THREAD");
	pfd_expect_bad(_metadata, self, pf, FIELD(ckpt_hdr_file, pos), 1,
		       "or offset not of a pidfd", "FILE (PIDFD).pos 1");

	/* extensible */
	expect_grown(_metadata, self, pi, 8, -1, false, "FILE_PIDFD + 8 zero bytes");
	expect_grown(_metadata, self, ti, CKPT_REC_EXT_MAX - self->recs[ti].len,
		     -1, false, "FILE_PIDFD (thread) of CKPT_REC_EXT_MAX, zero tail");
	expect_grown(_metadata, self, pi, 8, 0, true,
		     "FILE_PIDFD + 8 bytes, the first not zero");
	expect_grown(_metadata, self, ti, 8, 7, true,
		     "FILE_PIDFD (thread) + 8 bytes, the last not zero");

	/* taken: the one task is a process and a thread */
	pfd_expect_altered(_metadata, self, pi, FIELD(ckpt_hdr_file_pidfd, flags),
			   CKPT_PIDFD_F_THREAD, "pidfd flags",
			   "FILE_PIDFD.flags CKPT_PIDFD_F_THREAD");
	pfd_expect_altered(_metadata, self, ti, FIELD(ckpt_hdr_file_pidfd, flags),
			   0, "thread pidfd flags", "FILE_PIDFD (thread).flags 0");
	pfd_expect_altered(_metadata, self, pf, FIELD(ckpt_hdr_file, f_flags),
			   O_RDWR | O_NONBLOCK, "pidfd flags",
			   "FILE (PIDFD).f_flags O_NONBLOCK");
	/* a FILE of a pidfd without its FILE_PIDFD */
	for (k = 0; k < 2; k++) {
		snprintf(what, sizeof(what), "the FILE_PIDFD of the %s left out",
			 k ? "thread" : "process");
		expect_edit(_metadata, self,
			    &(struct edit){ k ? ti : pi, true, NULL, 0 }, 1, true,
			    what);
	}
	check_no_splat(_metadata, self);
}

/* ---- /proc files: FILE_PROC and its two STRING records ---------------- */

/*
 * The /proc victim (prc_body()): /proc/self/status at PRC_FD, PRC_POS
 * bytes of it read; /proc/self/task/TID/comm of its (only) thread at
 * PRC_THR_FD; an O_PATH | O_DIRECTORY descriptor of /proc/self at
 * PRC_DIR_FD.
 */
#define PRC_FD		35
#define PRC_THR_FD	36
#define PRC_DIR_FD	37
#define PRC_POS		10

/* Does the fd @fd lead to the path @fmt of the victim's pid (twice)? */
static bool prc_link_is(int fd, const char *fmt)
{
	char path[64], link[128], want[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), fmt, getpid(), getpid());
	return !strcmp(link, want);
}

/* What the /proc file at fd @fd reads from its start */
static const char *prc_text(int fd)
{
	static char buf[4096];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static char prc_comm[16];

/*
 * The restored victim: the files are of its own directory, under its
 * pid (the restarter's); the status file at its offset
 */
static void prc_check(void)
{
	const char *what = NULL;
	char want[64], comm[24];

	snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
	snprintf(comm, sizeof(comm), "%s\n", prc_comm);
	if (lseek(PRC_FD, 0, SEEK_CUR) != PRC_POS)
		what = "status offset";
	else if (!prc_link_is(PRC_FD, "/proc/%d/status"))
		what = "status link";
	else if (!strstr(prc_text(PRC_FD), want))
		what = "status Pid";
	else if (!prc_link_is(PRC_THR_FD, "/proc/%d/task/%d/comm"))
		what = "comm link";
	else if (strcmp(prc_text(PRC_THR_FD), comm))
		what = "comm";
	else if (!prc_link_is(PRC_DIR_FD, "/proc/%d") ||
		 !(fcntl(PRC_DIR_FD, F_GETFL) & O_PATH))
		what = "directory";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

static void prc_body(void *arg)
{
	char path[64], head[PRC_POS];

	CK_ASSERT(!prctl(PR_GET_NAME, prc_comm), "PR_GET_NAME");
	CK_ASSERT(ck_move_fd(open("/proc/self/status", O_RDONLY), PRC_FD) ==
		  PRC_FD && read(PRC_FD, head, PRC_POS) == PRC_POS, "status");
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", gettid());
	CK_ASSERT(ck_move_fd(open(path, O_RDONLY), PRC_THR_FD) == PRC_THR_FD,
		  "%s", path);
	CK_ASSERT(ck_move_fd(open("/proc/self", O_PATH | O_DIRECTORY),
			     PRC_DIR_FD) == PRC_DIR_FD, "/proc/self");
	ck_report("PID %d", getpid());
	if (ck_checkpoint_self() > 0)
		_exit(0);
	prc_check();
}

/*
 * The STRING record @i given the string @s: refused with EINVAL and a
 * line that says @log; or (@log NULL) taken, and the victim finds
 * "@altered" changed (NULL: intact)
 */
static void prc_expect_string(struct __test_metadata *_metadata,
			      FIXTURE_DATA(image) *self, int i, const char *s,
			      const char *log, const char *altered,
			      const char *what)
{
	size_t len;
	unsigned char *r = string_rec(s, &len);
	struct edit e = { i, true, r, len };
	const char *line;

	ASSERT_NE(NULL, r);
	if (log) {
		expect_edit_logged(_metadata, self, &e, 1, EINVAL, log, what);
	} else if (!altered) {
		expect_edit(_metadata, self, &e, 1, false, what);
	} else {
		expect_taken(_metadata, self, &e, 1, what);
		line = ck_line("RESUMED altered: ");
		EXPECT_TRUE(line && !strncmp(line, altered, strlen(altered)))
			TH_LOG("%s: the victim says \"%s\", expected it to find %s altered",
			       what, line ?: "(nothing)", altered);
	}
	free(r);
}

/*
 * The STRING record @i given the string @s: read and taken, then the
 * file cannot be made once the task exists - past the point of no
 * return: the restarter dies of SIGKILL, and a line says @log
 */
static void prc_expect_late(struct __test_metadata *_metadata,
			    FIXTURE_DATA(image) *self, int i, const char *s,
			    const char *log, const char *what)
{
	off_t logged = log_size();
	unsigned char *r, *buf;
	char text[2048];
	struct trial t;
	size_t len;

	r = string_rec(s, &len);
	ASSERT_NE(NULL, r);
	buf = edit_image(self, &(struct edit){ i, true, r, len }, 1, &len);
	free(r);
	ASSERT_NE(NULL, buf);
	try_image(self, buf, len, &t);
	free(buf);
	EXPECT_EQ((int)OUT_KILLED, (int)t.out) {
		TH_LOG("%s: %s %s, expected SIGKILL", what, outcome_name[t.out],
		       t.out == OUT_ERROR ? strerrorname_np(t.err) ?: "?" : "");
		ck_dump(_metadata, what, t.status);
	}
	log_since(logged, text, sizeof(text));
	EXPECT_TRUE(strstr(text, log) != NULL)
		TH_LOG("%s: no log line says \"%s\" (log: \"%.300s\")", what,
		       log, text);
}

/*
 * The image with @ne edits, and a TREE (and a HEADER) of two tasks: the
 * victim, and @other - a child process of it, or with @thread a second
 * thread of it - validated by the test itself: restart(RESTART_VALIDATE)
 * reads an image of a tree, which RESTART_TASKSELF does not take. The
 * records of @other are missing: its TREE entry is all it is. Refused
 * with EINVAL, and a line says @log - or (@log NULL) refused for what
 * is missing, and no line says @not.
 */
static void prc_validate_two(struct __test_metadata *_metadata,
			     FIXTURE_DATA(image) *self, const struct edit *e,
			     int ne, pid_t other, bool thread, const char *log,
			     const char *not, const char *what)
{
	int hi = first_rec(self, CKPT_HDR_HEADER);
	int ti = first_rec(self, CKPT_HDR_TREE);
	unsigned char *hdr, *tree, *buf;
	struct ckpt_task_pids *p;
	struct edit all[4];
	int fd, logfd, err;
	char text[2048];
	off_t logged;
	size_t len;
	long ret;

	ASSERT_TRUE(hi >= 0 && ti >= 0 && ne <= 2);
	hdr = grown_rec(self, hi, 0, -1);
	tree = grown_rec(self, ti, sizeof(*p), -1);
	ASSERT_TRUE(hdr && tree);
	((struct ckpt_hdr_header *)hdr)->nr_tasks = 2;
	((struct ckpt_hdr_tree *)tree)->nr_tasks = 2;
	p = (struct ckpt_task_pids *)(tree + sizeof(struct ckpt_hdr_tree));
	ASSERT_EQ(1U,
		  ((const struct ckpt_hdr_tree *)rec_at(self, ti))->nr_tasks);
	p[1] = p[0];
	p[1].pid = other;
	p[1].tgid = thread ? p[0].pid : other;
	p[1].ppid = thread ? p[0].ppid : p[0].pid;
	p[1].flags = 0;
	all[0] = (struct edit){ hi, true, hdr, self->recs[hi].len };
	all[1] = (struct edit){ ti, true, tree,
				self->recs[ti].len + sizeof(*p) };
	memcpy(all + 2, e, ne * sizeof(*e));
	buf = edit_image(self, all, ne + 2, &len);
	free(hdr);
	free(tree);
	ASSERT_NE(NULL, buf);
	fd = open(self->mut, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)len, write(fd, buf, len));
	free(buf);
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	logfd = open(ck.log, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, logfd);
	logged = log_size();
	ret = syscall(__NR_restart, 0, fd, RESTART_VALIDATE, logfd);
	err = errno;
	close(fd);
	close(logfd);
	EXPECT_EQ(-1, ret) TH_LOG("%s: validated", what);
	log_since(logged, text, sizeof(text));
	if (log) {
		EXPECT_EQ(EINVAL, err)
			TH_LOG("%s: %s", what, strerrorname_np(err) ?: "?");
		EXPECT_TRUE(strstr(text, log) != NULL)
			TH_LOG("%s: no log line says \"%s\" (log: \"%.300s\")",
			       what, log, text);
	} else {
		/* refused for the records that are missing, not for this */
		EXPECT_TRUE(strstr(text, not) == NULL)
			TH_LOG("%s: a log line says \"%s\" (log: \"%.300s\")",
			       what, not, text);
	}
}

/*
 * Files of the victim's own directory in /proc: status (read in part),
 * task/TID/comm, and /proc/self itself (O_PATH), each a FILE_PROC and
 * two STRING records - "/proc", then "status", "comm" (with the tid),
 * "" - the image as written resumes with them the restarter's, under
 * its pid. Refused with EINVAL and a line: a pid, or a tid, of no task
 * of the TREE, or a thread of another process ("which is no task of the
 * tree": in an image of two tasks, validated); a procfs mount path that
 * is not absolute, a path below the task's directory that is absolute,
 * has an empty, "." or ".." component or ends with a slash ("a bad
 * /proc path"); a STRING left out ("expected a string record"), the
 * FILE_PROC left out; an extensible tail that is not zero; an
 * inode_objref on the FILE ("malformed"), a status flag no file keeps.
 * Taken, the victim finding it: a tid added or dropped (the same task:
 * /proc/PID/task/PID/status, /proc/PID/comm), another file of the task
 * ("stat"), "/proc/" for "/proc" (the same files: intact). Taken, then
 * failing once the task exists (SIGKILL, a line): a mount path that is
 * not procfs's, a file that does not exist, a file for the O_PATH
 * directory's O_DIRECTORY.
 */
TEST_F_TIMEOUT(image, proc_records_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_file_proc *h;
	const struct ckpt_hdr_file *f;
	int sf, cf, df, si, ci, di, sm, sr, cr, dr, k;
	uint32_t sref, cref;
	char log[160], what[96];
	unsigned char *r;
	long pid;

	ck_checkpoint_child(_metadata, NULL, 0, prc_body, NULL);
	ASSERT_EQ(0, ck_line_int("PID ", &pid));
	load_image(_metadata, self);
	ASSERT_TRUE(order_ok(self, what, sizeof(what))) TH_LOG("%s", what);
	sf = file_of_fd(self, PRC_FD);
	cf = file_of_fd(self, PRC_THR_FD);
	df = file_of_fd(self, PRC_DIR_FD);
	ASSERT_TRUE(sf >= 0 && cf >= 0 && df >= 0);
	f = rec_at(self, sf);
	ASSERT_EQ((uint32_t)CKPT_FILE_PROC, f->type);
	EXPECT_EQ((uint32_t)O_RDONLY, f->f_flags & ~(uint32_t)0100000);
	EXPECT_EQ(PRC_POS, f->pos);
	EXPECT_EQ(0U, f->inode_objref);
	f = rec_at(self, cf);
	ASSERT_EQ((uint32_t)CKPT_FILE_PROC, f->type);
	EXPECT_EQ(0, f->pos);
	f = rec_at(self, df);
	ASSERT_EQ((uint32_t)CKPT_FILE_PROC, f->type);
	EXPECT_EQ((uint32_t)(O_PATH | O_DIRECTORY),
		  f->f_flags & (O_PATH | O_DIRECTORY));
	si = file_part(self, sf, CKPT_HDR_FILE_PROC);
	ci = file_part(self, cf, CKPT_HDR_FILE_PROC);
	di = file_part(self, df, CKPT_HDR_FILE_PROC);
	ASSERT_TRUE(si == sf + 1 && ci == cf + 1 && di == df + 1);
	ASSERT_EQ(sizeof(*h), self->recs[si].len);
	h = rec_at(self, si);
	EXPECT_TRUE(h->pid == pid && h->tid == 0)
		TH_LOG("status: pid %d tid %d", h->pid, h->tid);
	h = rec_at(self, ci);
	EXPECT_TRUE(h->pid == pid && h->tid == pid)
		TH_LOG("comm: pid %d tid %d", h->pid, h->tid);
	h = rec_at(self, di);
	EXPECT_TRUE(h->pid == pid && h->tid == 0)
		TH_LOG("directory: pid %d tid %d", h->pid, h->tid);
	sm = si + 1;
	sr = si + 2;
	cr = ci + 2;
	dr = di + 2;
	ASSERT_TRUE(string_at(self, sm) && string_at(self, sr) &&
		    string_at(self, ci + 1) && string_at(self, cr) &&
		    string_at(self, di + 1) && string_at(self, dr));
	EXPECT_STREQ("/proc", string_at(self, sm));
	EXPECT_STREQ("status", string_at(self, sr));
	EXPECT_STREQ("/proc", string_at(self, ci + 1));
	EXPECT_STREQ("comm", string_at(self, cr));
	EXPECT_STREQ("/proc", string_at(self, di + 1));
	EXPECT_STREQ("", string_at(self, dr));
	sref = objref_of(self, sf);
	cref = objref_of(self, cf);

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	/* FILE_PROC.pid: a task of the TREE */
	snprintf(log, sizeof(log),
		 "file record %u: a /proc file of pid %ld (thread 0), which is no task of the tree",
		 sref, pid + 1);
	pfd_expect_bad(_metadata, self, si, FIELD(ckpt_hdr_file_proc, pid),
		       pid + 1, log, "FILE_PROC.pid of no task of the tree");
	snprintf(log, sizeof(log),
		 "file record %u: a /proc file of pid 0 (thread 0), which is no task of the tree",
		 sref);
	pfd_expect_bad(_metadata, self, si, FIELD(ckpt_hdr_file_proc, pid), 0,
		       log, "FILE_PROC.pid 0");
	snprintf(log, sizeof(log),
		 "file record %u: a /proc file of pid -1 (thread 0), which is no task of the tree",
		 sref);
	pfd_expect_bad(_metadata, self, si, FIELD(ckpt_hdr_file_proc, pid),
		       (uint32_t)-1, log, "FILE_PROC.pid -1");
	snprintf(log, sizeof(log),
		 "file record %u: a /proc file of pid %d (thread 0), which is no task of the tree",
		 sref, INT_MAX);
	pfd_expect_bad(_metadata, self, si, FIELD(ckpt_hdr_file_proc, pid),
		       INT_MAX, log, "FILE_PROC.pid INT_MAX");
	/* FILE_PROC.tid: 0, or a thread of the same process */
	snprintf(log, sizeof(log),
		 "file record %u: a /proc file of pid %ld (thread %ld), which is no task of the tree",
		 cref, pid, pid + 1);
	pfd_expect_bad(_metadata, self, ci, FIELD(ckpt_hdr_file_proc, tid),
		       pid + 1, log, "FILE_PROC.tid of no task of the tree");
	snprintf(log, sizeof(log),
		 "file record %u: a /proc file of pid %ld (thread -1), which is no task of the tree",
		 cref, pid);
	pfd_expect_bad(_metadata, self, ci, FIELD(ckpt_hdr_file_proc, tid),
		       (uint32_t)-1, log, "FILE_PROC.tid -1");
	/* in a tree of two: a thread of the other process, or of its own */
	r = grown_rec(self, ci, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_file_proc *)r)->tid = pid + 1000;
	snprintf(log, sizeof(log),
		 "file record %u: a /proc file of pid %ld (thread %ld), which is no task of the tree",
		 cref, pid, pid + 1000);
	prc_validate_two(_metadata, self,
			 &(struct edit){ ci, true, r, self->recs[ci].len }, 1,
			 pid + 1000, false, log, NULL,
			 "FILE_PROC.tid of another process of the tree");
	prc_validate_two(_metadata, self,
			 &(struct edit){ ci, true, r, self->recs[ci].len }, 1,
			 pid + 1000, true, NULL, "a /proc file of pid",
			 "FILE_PROC.tid of another thread of the process");
	free(r);

	/* the paths */
	snprintf(log, sizeof(log), "file record %u: a bad /proc path", sref);
	prc_expect_string(_metadata, self, sm, "proc", log, NULL,
			  "mount path relative");
	prc_expect_string(_metadata, self, sm, "", log, NULL, "mount path empty");
	prc_expect_string(_metadata, self, sr, "/status", log, NULL,
			  "rest absolute");
	prc_expect_string(_metadata, self, sr, "../1/status", log, NULL,
			  "rest with a .. first");
	prc_expect_string(_metadata, self, sr, "fd/..", log, NULL,
			  "rest with a .. last");
	prc_expect_string(_metadata, self, sr, "..", log, NULL, "rest ..");
	prc_expect_string(_metadata, self, sr, "./status", log, NULL,
			  "rest with a .");
	prc_expect_string(_metadata, self, sr, "fd//0", log, NULL,
			  "rest with an empty component");
	prc_expect_string(_metadata, self, sr, "status/", log, NULL,
			  "rest with a trailing slash");
	snprintf(log, sizeof(log), "file record %u: a bad /proc path", cref);
	prc_expect_string(_metadata, self, cr, "/comm", log, NULL,
			  "rest of the thread's file absolute");

	/* the records of the type, each left out */
	for (k = 0; k < 3; k++) {
		snprintf(what, sizeof(what), "the %s of a /proc file left out",
			 k ? k == 1 ? "mount's STRING" : "rest's STRING" :
			 "FILE_PROC");
		snprintf(log, sizeof(log), "expected a %s record",
			 k ? "string" : "file_proc");
		expect_edit_logged(_metadata, self,
				   &(struct edit){ si + k, true, NULL, 0 }, 1,
				   EINVAL, log, what);
	}
	expect_edit_logged(_metadata, self,
			   (struct edit[]){ { sm, true, NULL, 0 },
					    { sr, true, NULL, 0 } }, 2,
			   EINVAL, "expected a string record",
			   "both STRING records of a /proc file left out");

	/* extensible */
	expect_grown(_metadata, self, si, 8, -1, false, "FILE_PROC + 8 zero bytes");
	expect_grown(_metadata, self, ci, CKPT_REC_EXT_MAX - self->recs[ci].len,
		     -1, false, "FILE_PROC (thread) of CKPT_REC_EXT_MAX, zero tail");
	r = grown_rec(self, si, 8, 0);
	ASSERT_NE(NULL, r);
	expect_edit_logged(_metadata, self,
			   &(struct edit){ si, true, r, self->recs[si].len + 8 },
			   1, EINVAL,
			   "file_proc record: fields this kernel does not know are set",
			   "FILE_PROC + 8 bytes, the first not zero");
	free(r);
	expect_grown(_metadata, self, di, 8, 7, true,
		     "FILE_PROC (directory) + 8 bytes, the last not zero");

	/* FILE: no INODE; the flags a file of the kind keeps */
	snprintf(log, sizeof(log), "file record %u: malformed", sref);
	pfd_expect_bad(_metadata, self, sf, FIELD(ckpt_hdr_file, inode_objref),
		       1, log, "FILE (PROC).inode_objref 1");
	k = first_rec(self, CKPT_HDR_INODE);
	if (k >= 0) {
		const struct ckpt_hdr_inode *ino = rec_at(self, k);

		pfd_expect_bad(_metadata, self, sf,
			       FIELD(ckpt_hdr_file, inode_objref), ino->objref,
			       log, "FILE (PROC).inode_objref of an INODE");
	}
	snprintf(log, sizeof(log),
		 "file record %u: flags %#x or offset not of a /proc file",
		 sref, O_RDONLY | 0100000 | O_CLOEXEC);
	pfd_expect_bad(_metadata, self, sf, FIELD(ckpt_hdr_file, f_flags),
		       O_RDONLY | 0100000 | O_CLOEXEC, log,
		       "FILE (PROC).f_flags O_CLOEXEC");

	/* taken: the same task, another file of it, the same mount */
	pfd_expect_altered(_metadata, self, ci, FIELD(ckpt_hdr_file_proc, tid),
			   0, "comm link", "FILE_PROC (thread).tid 0");
	pfd_expect_altered(_metadata, self, si, FIELD(ckpt_hdr_file_proc, tid),
			   pid, "status link", "FILE_PROC.tid the task's own");
	prc_expect_string(_metadata, self, sr, "stat", NULL, "status link",
			  "rest stat for status");
	prc_expect_string(_metadata, self, sm, "/proc/", NULL, NULL,
			  "mount path /proc/");

	/* no procfs mount there: refused as the record is read */
	prc_expect_string(_metadata, self, sm, "/", "/ is not a procfs mount",
			  NULL, "mount path /");
	prc_expect_string(_metadata, self, sm, "/proc/self",
			  "/proc/self is not a procfs mount", NULL,
			  "mount path /proc/self");

	/* taken, then not made once the task exists */
	prc_expect_late(_metadata, self, sr, "no-such-file", "reopening /proc/",
			"rest naming nothing");
	prc_expect_late(_metadata, self, dr, "status", "reopening /proc/",
			"rest status for the O_PATH | O_DIRECTORY descriptor");
	check_no_splat(_metadata, self);
}

/* ---- TCP and UDP sockets: FILE_INET ----------------------------------- */

/*
 * The inet victim (in_body()): at IN_L a TCP listener on 127.0.0.1 and a
 * port the kernel chose, SO_REUSEADDR, backlog IN_BACKLOG; at IN_U a UDP
 * socket on 127.0.0.1 connected to itself; at IN_6 a UDP socket on ::1,
 * unconnected. Their names before the checkpoint.
 */
#define IN_L		35
#define IN_U		36
#define IN_6		37
#define IN_BACKLOG	5
#define IN_MALFORMED	"malformed inet socket"

/* the kernel's TCP states, as FILE_INET has them */
#define INET_ST_ESTABLISHED	1
#define INET_ST_CLOSE	7
#define INET_ST_LISTEN	10

static struct sockaddr_in in_lname, in_uname;
static struct sockaddr_in6 in_6name;

static bool in_name_is(int fd, bool peer, const void *want, socklen_t wlen)
{
	struct sockaddr_in6 a = {};
	socklen_t len = sizeof(a);

	if (peer ? getpeername(fd, (struct sockaddr *)&a, &len) :
		   getsockname(fd, (struct sockaddr *)&a, &len))
		return false;
	return len == wlen && !memcmp(&a, want, wlen);
}

/* a client of the listener IN_L, accepted within 10 s, and a byte through */
static bool in_listener_serves(void)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	struct pollfd p = { .fd = IN_L, .events = POLLIN };
	int c, s = -1;
	bool ok = false;
	char b = 0;

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c >= 0 && !connect(c, (struct sockaddr *)&in_lname,
			       sizeof(in_lname)) &&
	    poll(&p, 1, 10000) == 1)
		s = accept4(IN_L, NULL, NULL, SOCK_CLOEXEC);
	if (s >= 0 && send(c, "i", 1, 0) == 1) {
		p.fd = s;
		ok = poll(&p, 1, 10000) == 1 && recv(s, &b, 1, 0) == 1 &&
		     b == 'i';
	}
	/* reset: no TIME_WAIT left on the port for the next restart */
	if (c >= 0) {
		setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(c);
	}
	if (s >= 0)
		close(s);
	return ok;
}

/* the UDP socket IN_U sends itself a datagram, and gets it */
static bool in_udp_talks(void)
{
	struct pollfd p = { .fd = IN_U, .events = POLLIN };
	char b[4] = "";

	return send(IN_U, "u", 1, 0) == 1 && poll(&p, 1, 10000) == 1 &&
	       recv(IN_U, b, sizeof(b), MSG_DONTWAIT) == 1 && b[0] == 'u';
}

/*
 * The restored victim: each socket has its name (and the UDP one its
 * peer, itself), the listener listens and accepts a client of its own,
 * the UDP socket talks to itself
 */
static void in_check(void)
{
	const char *what = NULL;
	int v = 0;
	socklen_t len = sizeof(v);

	if (!in_name_is(IN_L, false, &in_lname, sizeof(in_lname)))
		what = "listener name";
	else if (getsockopt(IN_L, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) || !v)
		what = "listener not listening";
	else if (!in_listener_serves())
		what = "listener accepts nothing";
	else if (!in_name_is(IN_U, false, &in_uname, sizeof(in_uname)) ||
		 !in_name_is(IN_U, true, &in_uname, sizeof(in_uname)))
		what = "UDP socket name";
	else if (!in_udp_talks())
		what = "UDP socket talks";
	else if (!in_name_is(IN_6, false, &in_6name, sizeof(in_6name)))
		what = "IPv6 socket name";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

static void in_body(void *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len;
	int one = 1;

	CK_ASSERT(ck_move_fd(socket(AF_INET, SOCK_STREAM, 0), IN_L) == IN_L &&
		  !setsockopt(IN_L, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) &&
		  !bind(IN_L, (struct sockaddr *)&a, sizeof(a)) &&
		  !listen(IN_L, IN_BACKLOG), "TCP listener");
	len = sizeof(in_lname);
	CK_ASSERT(!getsockname(IN_L, (struct sockaddr *)&in_lname, &len),
		  "listener name");
	len = sizeof(in_uname);
	CK_ASSERT(ck_move_fd(socket(AF_INET, SOCK_DGRAM, 0), IN_U) == IN_U &&
		  !bind(IN_U, (struct sockaddr *)&a, sizeof(a)) &&
		  !getsockname(IN_U, (struct sockaddr *)&in_uname, &len) &&
		  !connect(IN_U, (struct sockaddr *)&in_uname, len),
		  "UDP socket connected to itself");
	len = sizeof(in_6name);
	CK_ASSERT(ck_move_fd(socket(AF_INET6, SOCK_DGRAM, 0), IN_6) == IN_6 &&
		  !bind(IN_6, (struct sockaddr *)&a6, sizeof(a6)) &&
		  !getsockname(IN_6, (struct sockaddr *)&in_6name, &len),
		  "UDP socket on ::1");
	ck_report("INETL %d", ntohs(in_lname.sin_port));
	ck_report("INETU %d", ntohs(in_uname.sin_port));
	ck_report("INET6 %d", ntohs(in_6name.sin6_port));
	if (ck_checkpoint_self() > 0)
		_exit(0);
	in_check();
}

/*
 * The image with @ne edits, restarted for real and by
 * restart(RESTART_VALIDATE): refused with EINVAL and the line "file
 * record N: malformed inet socket", N the objref of the FILE of record @i
 */
static void in_expect(struct __test_metadata *_metadata,
		      FIXTURE_DATA(image) *self, int i, const struct edit *e,
		      int ne, const char *what)
{
	char line[128];

	snprintf(line, sizeof(line), "file record %u: %s",
		 ux_file_objref(self, i), IN_MALFORMED);
	expect_edit_logged(_metadata, self, e, ne, EINVAL, line, what);
	emb_expect(_metadata, self, e, ne, EINVAL, line, what);
}

/* A field of a FILE_INET given a value restart refuses */
struct in_bad {
	int rec;		/* the FILE_INET, by index */
	size_t off, size;	/* the field */
	uint64_t val;
	const char *what;
};

#define INF(r, m, v, w) { (r), offsetof(struct ckpt_hdr_file_inet, m), \
			  sizeof(((struct ckpt_hdr_file_inet *)0)->m), \
			  (uint64_t)(v), (w) }
/* byte @k of the address @m */
#define INB(r, m, k, v, w) { (r), offsetof(struct ckpt_hdr_file_inet, m) + (k), \
			     1, (uint64_t)(v), (w) }

static void in_expect_bad(struct __test_metadata *_metadata,
			  FIXTURE_DATA(image) *self, const struct in_bad *b,
			  size_t n)
{
	unsigned char *r;
	size_t k;

	for (k = 0; k < n; k++) {
		r = grown_rec(self, b[k].rec, 0, -1);
		ASSERT_NE(NULL, r);
		ASSERT_LE(b[k].off + b[k].size,
			  (size_t)self->recs[b[k].rec].len);
		memcpy(r + b[k].off, &b[k].val, b[k].size);
		in_expect(_metadata, self, b[k].rec,
			  &(struct edit){ b[k].rec, true, r,
					  self->recs[b[k].rec].len },
			  1, b[k].what);
		free(r);
	}
}

/*
 * A TCP listener on 127.0.0.1, a UDP socket connected to itself and a
 * UDP socket on ::1 (in_body()): the image says what the program had -
 * a FILE_INET of the struct's size after each FILE (O_RDWR, no offset):
 * the listener AF_INET, TCP, LISTEN, bound to 127.0.0.1 (the bytes past
 * the address's 4 zero) and the port bind() chose (so not
 * CKPT_INET_BOUND_PORT), SO_REUSEADDR, its backlog; the UDP
 * socket ESTABLISHED, its peer itself, no backlog, no TCP field; the
 * IPv6 one AF_INET6, CLOSE, ::1 - and resumes with all of it (the
 * listener accepts, the UDP socket talks to itself).
 *
 * Each rule of the record broken, checksum fixed: refused, restarting
 * for real and by restart(RESTART_VALIDATE), with EINVAL and "file
 * record N: malformed inet socket". A family but AF_INET and AF_INET6
 * (the IPv6 socket made AF_INET, whose address has bytes past 4); a
 * protocol but TCP and UDP (the listener made UDP: LISTEN on a UDP
 * socket; the UDP socket made TCP: ESTABLISHED, not saved yet); a TCP
 * state but CLOSE and LISTEN (ESTABLISHED among them), a UDP state but
 * CLOSE and ESTABLISHED; a listener without a port or with a backlog
 * above INT_MAX, a backlog on a socket not listening (the listener made
 * CLOSE); a connected UDP socket without its peer's port or its own; a
 * peer's address or port on a socket not connected (the listener, the
 * IPv6 socket, the UDP one made CLOSE); an unknown flag, IP flag, TCP
 * flag; IPV6_V6ONLY or an IPv6 option on an AF_INET socket; a backlog or
 * any TCP field on a UDP socket; TCP_LINGER2 below -1; a shutdown of a
 * TCP socket; rcvlowat below 1; a bound address that is any, an address
 * bind() did not choose on a socket not connected; IPv6 options on an
 * AF_INET socket; an unknown path MTU
 * discovery mode (IPv4 or IPv6); a TTL but -1 and 1 to 255; hops below
 * -1 or above 255; a linger time above INT_MAX; datagrams
 * (nr_dgrams) on TCP or more than CKPT_MAX_INET_DGRAMS of them on UDP;
 * the reserved field; an IPv4 address (local or peer) with a byte past its 4. FILE_INET is
 * extensible: zeroes past it are read as it, anything else refused; a
 * FILE of a socket without its FILE_INET is refused, and so are its
 * FILE's access modes but O_RDWR, its flags but O_NONBLOCK and an
 * offset.
 */
TEST_F_TIMEOUT(image, inet_records_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_file_inet *hl, *hu, *h6;
	const struct ckpt_hdr_file *f;
	int fl, fu, f6, il, iu, i6, k;
	long lport, uport, port6;
	char why[256] = "", what[96];
	struct ckpt_hdr_file_inet r;
	struct in_addr lo;

	ck_checkpoint_child(_metadata, NULL, 0, in_body, NULL);
	ASSERT_EQ(0, ck_line_int("INETL ", &lport));
	ASSERT_EQ(0, ck_line_int("INETU ", &uport));
	ASSERT_EQ(0, ck_line_int("INET6 ", &port6));
	load_image(_metadata, self);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	fl = file_of_fd(self, IN_L);
	fu = file_of_fd(self, IN_U);
	f6 = file_of_fd(self, IN_6);
	ASSERT_TRUE(fl >= 0 && fu >= 0 && f6 >= 0);
	il = file_part(self, fl, CKPT_HDR_FILE_INET);
	iu = file_part(self, fu, CKPT_HDR_FILE_INET);
	i6 = file_part(self, f6, CKPT_HDR_FILE_INET);
	ASSERT_TRUE(il == fl + 1 && iu == fu + 1 && i6 == f6 + 1);
	for (k = 0; k < 3; k++) {
		f = rec_at(self, k == 0 ? fl : k == 1 ? fu : f6);
		EXPECT_EQ((uint32_t)CKPT_FILE_INET, f->type);
		EXPECT_EQ((uint32_t)O_RDWR, f->f_flags);
		EXPECT_EQ(0, f->pos);
		EXPECT_EQ(sizeof(*hl), (size_t)self->recs[(k == 0 ? il : k == 1 ?
							    iu : i6)].len);
	}
	inet_pton(AF_INET, "127.0.0.1", &lo);
	hl = rec_at(self, il);
	hu = rec_at(self, iu);
	h6 = rec_at(self, i6);
	EXPECT_EQ((uint32_t)AF_INET, hl->family);
	EXPECT_EQ((uint32_t)IPPROTO_TCP, hl->protocol);
	EXPECT_EQ((uint32_t)INET_ST_LISTEN, hl->state);
	EXPECT_EQ(0, memcmp(hl->laddr, &lo, 4));
	EXPECT_TRUE(ck_all_zero(hl->laddr + 4, 12));
	EXPECT_TRUE(ck_all_zero(hl->raddr, 16));
	EXPECT_EQ(lport, hl->lport);
	EXPECT_EQ(0, hl->rport);
	EXPECT_EQ((uint32_t)IN_BACKLOG, hl->backlog);
	/* bind() chose the port (port 0): not CKPT_INET_BOUND_PORT */
	EXPECT_EQ((uint32_t)(CKPT_INET_BOUND_ADDR | CKPT_INET_REUSEADDR),
		  hl->flags & ~(uint32_t)(CKPT_INET_ASYNC_NOSPACE |
					  CKPT_INET_ASYNC_WAITDATA));
	EXPECT_EQ(1, hl->rcvlowat);
	EXPECT_EQ(-1, hl->peek_off);
	EXPECT_EQ(0U, hl->nr_dgrams | hl->__reserved);
	EXPECT_EQ((uint32_t)AF_INET, hu->family);
	EXPECT_EQ((uint32_t)IPPROTO_UDP, hu->protocol);
	EXPECT_EQ((uint32_t)INET_ST_ESTABLISHED, hu->state);
	EXPECT_EQ(uport, hu->lport);
	EXPECT_EQ(uport, hu->rport);
	EXPECT_EQ(0, memcmp(hu->raddr, &lo, 4));
	EXPECT_TRUE(ck_all_zero(hu->raddr + 4, 12));
	EXPECT_EQ(0U, hu->backlog);
	EXPECT_EQ(0U, hu->tcp_flags);
	EXPECT_EQ(0U, hu->nr_dgrams | hu->__reserved);
	EXPECT_EQ((uint32_t)AF_INET6, h6->family);
	EXPECT_EQ((uint32_t)IPPROTO_UDP, h6->protocol);
	EXPECT_EQ((uint32_t)INET_ST_CLOSE, h6->state);
	EXPECT_EQ(port6, h6->lport);
	EXPECT_EQ(0, memcmp(h6->laddr, &in6addr_loopback, 16));
	EXPECT_EQ(0U, h6->nr_dgrams | h6->__reserved);

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");
	emb_expect(_metadata, self, NULL, 0, 0, NULL, "the image as written");

	{
		const struct in_bad bad[] = {
			/* family: AF_INET, AF_INET6 */
			INF(il, family, 0, "FILE_INET.family 0"),
			INF(il, family, AF_UNIX, "FILE_INET.family AF_UNIX"),
			INF(iu, family, AF_PACKET, "FILE_INET.family AF_PACKET"),
			INF(il, family, 0xffffffff, "FILE_INET.family ~0"),
			INF(i6, family, AF_INET,
			    "FILE_INET.family AF_INET on ::1 (bytes past 4)"),
			/* protocol: TCP, UDP */
			INF(il, protocol, 0, "FILE_INET.protocol 0"),
			INF(iu, protocol, IPPROTO_UDPLITE,
			    "FILE_INET.protocol IPPROTO_UDPLITE"),
			INF(il, protocol, IPPROTO_SCTP,
			    "FILE_INET.protocol IPPROTO_SCTP"),
			INF(il, protocol, IPPROTO_ICMP,
			    "FILE_INET.protocol IPPROTO_ICMP"),
			INF(i6, protocol, 0xffffffff, "FILE_INET.protocol ~0"),
			INF(il, protocol, IPPROTO_UDP,
			    "FILE_INET.protocol UDP on the listener"),
			/*
			 * TCP on the connected UDP socket is a TCP connection
			 * without its TCP_CONN: tcp_conn_records_damaged
			 */
			/* TCP: CLOSE, LISTEN */
			INF(il, state, 0, "FILE_INET.state 0 (TCP)"),
			INF(il, state, INET_ST_ESTABLISHED,
			    "FILE_INET.state ESTABLISHED (TCP)"),
			INF(il, state, 2, "FILE_INET.state SYN_SENT (TCP)"),
			INF(il, state, 6, "FILE_INET.state TIME_WAIT (TCP)"),
			INF(il, state, 8, "FILE_INET.state CLOSE_WAIT (TCP)"),
			INF(il, state, 12, "FILE_INET.state NEW_SYN_RECV (TCP)"),
			INF(il, state, 0xffffffff, "FILE_INET.state ~0 (TCP)"),
			/* UDP: CLOSE, ESTABLISHED */
			INF(iu, state, INET_ST_LISTEN, "FILE_INET.state LISTEN (UDP)"),
			INF(i6, state, 2, "FILE_INET.state SYN_SENT (UDP)"),
			INF(iu, state, 0, "FILE_INET.state 0 (UDP)"),
			/* ports, backlog */
			INF(il, lport, 0, "FILE_INET.lport 0 on the listener"),
			INF(il, backlog, 0x80000000,
			    "FILE_INET.backlog above INT_MAX on the listener"),
			INF(il, state, INET_ST_CLOSE,
			    "FILE_INET.state CLOSE with a backlog (TCP)"),
			INF(iu, lport, 0,
			    "FILE_INET.lport 0 on the connected UDP socket"),
			INF(iu, rport, 0,
			    "FILE_INET.rport 0 on the connected UDP socket"),
			INF(iu, state, INET_ST_CLOSE,
			    "FILE_INET.state CLOSE with a peer (UDP)"),
			INF(il, rport, 80, "FILE_INET.rport on the listener"),
			INB(il, raddr, 0, 127, "FILE_INET.raddr on the listener"),
			INF(i6, rport, 53, "FILE_INET.rport, not connected (UDP)"),
			INB(i6, raddr, 15, 1, "FILE_INET.raddr ::1, not connected"),
			/* unknown flags */
			INF(il, flags, hl->flags | (CKPT_INET_FLAGS_MASK + 1),
			    "FILE_INET.flags past CKPT_INET_FLAGS_MASK"),
			INF(iu, flags, hu->flags | 0x80000000,
			    "FILE_INET.flags bit 31"),
			INF(il, ip_flags, CKPT_INET_IP_FLAGS_MASK + 1,
			    "FILE_INET.ip_flags past CKPT_INET_IP_FLAGS_MASK"),
			INF(i6, ip_flags, 0x80000000, "FILE_INET.ip_flags bit 31"),
			INF(il, tcp_flags, CKPT_INET_TCP_FLAGS_MASK + 1,
			    "FILE_INET.tcp_flags past CKPT_INET_TCP_FLAGS_MASK"),
			INF(il, tcp_flags, 0x80000000, "FILE_INET.tcp_flags bit 31"),
			/* IPv6 options on AF_INET */
			INF(il, flags, hl->flags | CKPT_INET_V6ONLY,
			    "FILE_INET.flags CKPT_INET_V6ONLY, AF_INET"),
			INF(iu, ip_flags, CKPT_INET_IPV6_RECVPKTINFO,
			    "FILE_INET.ip_flags IPV6_RECVPKTINFO, AF_INET"),
			INF(iu, ip_flags, CKPT_INET_IPV6_RECVHOPLIMIT,
			    "FILE_INET.ip_flags IPV6_RECVHOPLIMIT, AF_INET"),
			INF(iu, ip_flags, CKPT_INET_IPV6_RECVTCLASS,
			    "FILE_INET.ip_flags IPV6_RECVTCLASS, AF_INET"),
			INF(iu, ip_flags, CKPT_INET_IPV6_ORIGDSTADDR,
			    "FILE_INET.ip_flags IPV6_RECVORIGDSTADDR, AF_INET"),
			INF(il, ip_flags, CKPT_INET_IPV6_RECVERR,
			    "FILE_INET.ip_flags IPV6_RECVERR, AF_INET"),
			/* a backlog or TCP fields on UDP */
			INF(iu, backlog, 1, "FILE_INET.backlog on UDP"),
			INF(i6, tcp_flags, CKPT_INET_TCP_NODELAY,
			    "FILE_INET.tcp_flags TCP_NODELAY on UDP"),
			INF(iu, defer_accept, 1, "FILE_INET.defer_accept on UDP"),
			INF(iu, keepidle, 60, "FILE_INET.keepidle on UDP"),
			INF(iu, keepintvl, 10, "FILE_INET.keepintvl on UDP"),
			INF(iu, keepcnt, 3, "FILE_INET.keepcnt on UDP"),
			INF(i6, user_timeout, 1000, "FILE_INET.user_timeout on UDP"),
			INF(iu, maxseg, 536, "FILE_INET.maxseg on UDP"),
			INF(iu, syncnt, 2, "FILE_INET.syncnt on UDP"),
			INF(iu, linger2, 30, "FILE_INET.linger2 on UDP"),
			INF(i6, linger2, (uint32_t)-1, "FILE_INET.linger2 -1 on UDP"),
			INF(iu, notsent_lowat, 4096,
			    "FILE_INET.notsent_lowat on UDP"),
			INF(iu, window_clamp, 65535,
			    "FILE_INET.window_clamp on UDP"),
			INF(i6, fastopen, 5, "FILE_INET.fastopen on UDP"),
			INF(il, linger2, (uint32_t)-2, "FILE_INET.linger2 -2 (TCP)"),
			/* a shutdown of TCP */
			INF(il, flags, hl->flags | CKPT_INET_SHUT_RD,
			    "FILE_INET.flags CKPT_INET_SHUT_RD on TCP"),
			INF(il, flags, hl->flags | CKPT_INET_SHUT_WR,
			    "FILE_INET.flags CKPT_INET_SHUT_WR on TCP"),
			/* rcvlowat >= 1 */
			INF(il, rcvlowat, 0, "FILE_INET.rcvlowat 0"),
			INF(iu, rcvlowat, (uint32_t)-1, "FILE_INET.rcvlowat -1"),
			INF(i6, rcvlowat, 0x80000000, "FILE_INET.rcvlowat INT_MIN"),
			/* what bind() chose: an address that is not any */
			{ il, offsetof(struct ckpt_hdr_file_inet, laddr), 4, 0,
			  "FILE_INET.laddr any with CKPT_INET_BOUND_ADDR" },
			INF(il, flags, hl->flags & ~CKPT_INET_BOUND_ADDR,
			    "FILE_INET.laddr not bound, not connected"),
			/* IPv6 options on AF_INET */
			INF(il, tclass, 4, "FILE_INET.tclass on AF_INET"),
			INF(iu, hops, 9, "FILE_INET.hops on AF_INET"),
			INF(il, pmtudisc6, 2, "FILE_INET.pmtudisc6 DO on AF_INET"),
			/* path MTU discovery: IP_PMTUDISC_* */
			INF(il, pmtudisc, 6, "FILE_INET.pmtudisc 6"),
			INF(iu, pmtudisc, 255, "FILE_INET.pmtudisc 255"),
			INF(i6, pmtudisc6, 6, "FILE_INET.pmtudisc6 6"),
			INF(il, pmtudisc6, 200, "FILE_INET.pmtudisc6 200, AF_INET"),
			/* ttl: -1, 1 to 255 */
			INF(il, ttl, 0, "FILE_INET.ttl 0"),
			INF(iu, ttl, 256, "FILE_INET.ttl 256"),
			INF(il, ttl, (uint16_t)-2, "FILE_INET.ttl -2"),
			INF(i6, ttl, 0x8000, "FILE_INET.ttl INT16_MIN"),
			/* hops: -1 to 255 */
			INF(i6, hops, (uint16_t)-2, "FILE_INET.hops -2"),
			INF(i6, hops, 256, "FILE_INET.hops 256"),
			INF(il, hops, 0x7fff, "FILE_INET.hops INT16_MAX"),
			/* linger at most INT_MAX */
			INF(il, linger, 0x80000000, "FILE_INET.linger above INT_MAX"),
			/* datagrams: UDP only, at most CKPT_MAX_INET_DGRAMS */
			INF(il, nr_dgrams, 1, "FILE_INET.nr_dgrams 1 on TCP"),
			INF(il, nr_dgrams, 0x80000000,
			    "FILE_INET.nr_dgrams bit 31 on TCP"),
			INF(i6, nr_dgrams, CKPT_MAX_INET_DGRAMS + 1,
			    "FILE_INET.nr_dgrams CKPT_MAX_INET_DGRAMS + 1 on UDP"),
			INF(iu, nr_dgrams, 0xffffffff, "FILE_INET.nr_dgrams ~0 on UDP"),
			/* reserved */
			INF(il, __reserved, 1, "FILE_INET.__reserved"),
			INF(i6, __reserved, 0x80000000, "FILE_INET.__reserved bit 31"),
			/* an IPv4 address: 4 bytes, then zeroes */
			INB(il, laddr, 4, 1, "FILE_INET.laddr byte 4, AF_INET"),
			INB(iu, laddr, 15, 0x80, "FILE_INET.laddr byte 15, AF_INET"),
			INB(iu, raddr, 8, 1, "FILE_INET.raddr byte 8, AF_INET"),
		};

		in_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad));
	}

	/* a listener with a peer too: both rules, the record's own */
	r = *hl;
	r.state = INET_ST_ESTABLISHED;
	r.rport = lport;
	memcpy(r.raddr, &lo, 4);
	in_expect(_metadata, self, il,
		  &(struct edit){ il, true, &r, sizeof(r) }, 1,
		  "FILE_INET of the listener made a TCP connection to itself");

	/* extensible */
	expect_grown(_metadata, self, il, 8, -1, false,
		     "FILE_INET + 8 zero bytes");
	expect_grown(_metadata, self, iu, CKPT_REC_EXT_MAX - self->recs[iu].len,
		     -1, false, "FILE_INET of CKPT_REC_EXT_MAX, zero tail");
	expect_grown(_metadata, self, i6, 8, 3, true,
		     "FILE_INET + 8 bytes, one not zero");

	/* FILE: O_RDWR, O_NONBLOCK or not, no offset */
	expect_field(_metadata, self, fl, FIELD(ckpt_hdr_file, f_flags),
		     O_RDONLY, true, "FILE (INET).f_flags O_RDONLY");
	expect_field(_metadata, self, fu, FIELD(ckpt_hdr_file, f_flags),
		     O_RDWR | O_APPEND, true, "FILE (INET).f_flags O_APPEND");
	expect_field(_metadata, self, f6, FIELD(ckpt_hdr_file, pos), 1, true,
		     "FILE (INET).pos 1");
	/* a FILE of an inet socket without its FILE_INET */
	for (k = 0; k < 2; k++) {
		snprintf(what, sizeof(what), "the FILE_INET of the %s left out",
			 k ? "UDP socket" : "listener");
		expect_edit(_metadata, self,
			    &(struct edit){ k ? iu : il, true, NULL, 0 }, 1, true,
			    what);
	}
	check_no_splat(_metadata, self);
}

/* ---- UDP sockets' datagrams: INET_DGRAM ------------------------------- */

/*
 * The datagram victim (ig_body()): at IG_4 a UDP socket on 127.0.0.1
 * with IP_PKTINFO, IP_RECVTOS, IP_RECVTTL and SO_RCVBUF (so its FILE_INET
 * has CKPT_INET_RCVBUF_LOCK), holding three datagrams of a sender on
 * 127.0.0.1 with IP_TOS IG_TOS: IG_BIG bytes of a pattern, IG_HELLO, and
 * an empty one; at IG_6 a dual-stack UDP socket on :: (no IPV6_V6ONLY)
 * with IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT and IPV6_RECVTCLASS, holding
 * an IPv4 datagram IG_FOUR of that sender, then an IPv6 one IG_SIX of a
 * sender on ::1 with IPV6_TCLASS IG_TCLASS; at IG_L a TCP listener on
 * 127.0.0.1. The senders are closed before the checkpoint.
 */
#define IG_4		42
#define IG_6		43
#define IG_L		44
#define IG_BIG		60000
#define IG_HELLO	"hello"
#define IG_FOUR		"four"
#define IG_SIX		"sixsix"
#define IG_TOS		0x28
#define IG_TCLASS	0x20
#define IG_RCVBUF	131072
#define IG_MALFORMED	"malformed datagram"

static struct sockaddr_in ig_name4, ig_snd4;
static struct sockaddr_in6 ig_name6, ig_snd6;

/* the memory the datagrams queued on @fd take (SO_MEMINFO), or -1 */
static long ig_rmem(int fd)
{
	uint32_t mi[16] = { 0 };
	socklen_t len = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len))
		return -1;
	return mi[0];	/* SK_MEMINFO_RMEM_ALLOC */
}

/* the bytes of datagram @k of IG_4 (0: IG_BIG of a pattern) into @buf */
static size_t ig_bytes4(int k, unsigned char *buf)
{
	if (k == 0) {
		ck_fill(buf, IG_BIG, 0x1d);
		return IG_BIG;
	}
	if (k == 1) {
		memcpy(buf, IG_HELLO, strlen(IG_HELLO));
		return strlen(IG_HELLO);
	}
	return 0;
}

/*
 * Send @len bytes of @buf from @snd to @to, and wait up to 10 s until
 * @fd (nothing reads it) has them queued: its receive memory grows
 */
static bool ig_send_queued(int snd, const void *buf, size_t len,
			   const void *to, socklen_t tolen, int fd)
{
	long before = ig_rmem(fd);
	int i;

	if (before < 0 || sendto(snd, buf, len, 0, to, tolen) != (ssize_t)len)
		return false;
	for (i = 0; i < 1000; i++) {
		if (ig_rmem(fd) > before)
			return true;
		usleep(10000);
	}
	return false;
}

/* a datagram as recvmsg() gives it, with its control messages */
struct ig_dg {
	ssize_t len;
	int mflags;
	struct sockaddr_in6 from;	/* or a struct sockaddr_in */
	socklen_t fromlen;
	int ncmsg, other;
	bool pi, tos, ttl, pi6, hop, tclass;
	struct in_pktinfo ipi;
	struct in6_pktinfo ipi6;
	int tosv, ttlv, hopv, tclassv;
};

static unsigned char ig_buf[65536];

static ssize_t ig_recv(int fd, struct ig_dg *g)
{
	union {
		struct cmsghdr h;
		char buf[512];
	} ctl;
	struct iovec iov = { .iov_base = ig_buf, .iov_len = sizeof(ig_buf) };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *h;

	memset(g, 0, sizeof(*g));
	m.msg_name = &g->from;
	m.msg_namelen = sizeof(g->from);
	g->len = recvmsg(fd, &m, MSG_DONTWAIT);
	if (g->len < 0)
		return -1;
	g->fromlen = m.msg_namelen;
	g->mflags = m.msg_flags;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		const unsigned char *p = CMSG_DATA(h);

		g->ncmsg++;
		if (h->cmsg_level == SOL_IP && h->cmsg_type == IP_PKTINFO) {
			g->pi = true;
			memcpy(&g->ipi, p, sizeof(g->ipi));
		} else if (h->cmsg_level == SOL_IP && h->cmsg_type == IP_TOS) {
			g->tos = true;
			g->tosv = p[0];
		} else if (h->cmsg_level == SOL_IP && h->cmsg_type == IP_TTL) {
			g->ttl = true;
			memcpy(&g->ttlv, p, sizeof(int));
		} else if (h->cmsg_level == SOL_IPV6 &&
			   h->cmsg_type == IPV6_PKTINFO) {
			g->pi6 = true;
			memcpy(&g->ipi6, p, sizeof(g->ipi6));
		} else if (h->cmsg_level == SOL_IPV6 &&
			   h->cmsg_type == IPV6_HOPLIMIT) {
			g->hop = true;
			memcpy(&g->hopv, p, sizeof(int));
		} else if (h->cmsg_level == SOL_IPV6 &&
			   h->cmsg_type == IPV6_TCLASS) {
			g->tclass = true;
			memcpy(&g->tclassv, p, sizeof(int));
		} else {
			g->other++;
		}
	}
	return g->len;
}

/* the same control messages with the same values */
static bool ig_cmsgs_same(const struct ig_dg *a, const struct ig_dg *b)
{
	return a->ncmsg == b->ncmsg && a->other == b->other &&
	       a->pi == b->pi && a->tos == b->tos && a->ttl == b->ttl &&
	       a->pi6 == b->pi6 && a->hop == b->hop && a->tclass == b->tclass &&
	       !memcmp(&a->ipi, &b->ipi, sizeof(a->ipi)) &&
	       !memcmp(&a->ipi6, &b->ipi6, sizeof(a->ipi6)) &&
	       a->tosv == b->tosv && a->ttlv == b->ttlv &&
	       a->hopv == b->hopv && a->tclassv == b->tclassv;
}

/*
 * The restored datagram victim: the datagrams come at once, in order,
 * with their bytes and senders (the IPv4 one on IG_6 from
 * ::ffff:127.0.0.1), IG_4's with IP_PKTINFO (lo, 127.0.0.1), IP_TOS
 * IG_TOS and IP_TTL, IG_6's with IPV6_PKTINFO on lo (and the IPv6 one
 * IPV6_HOPLIMIT and IPV6_TCLASS IG_TCLASS); each with the control
 * messages of a datagram new senders on the same addresses (with the
 * same TOS, traffic class) send now, which comes after them; nothing
 * else.
 */
static void ig_check(void)
{
	static unsigned char want[IG_BIG];
	struct in6_addr mapped, lo6 = IN6ADDR_LOOPBACK_INIT;
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct ig_dg g4[3], g6[2], c4, c64, c6;
	struct pollfd p[2] = { { .fd = IG_4, .events = POLLIN },
			       { .fd = IG_6, .events = POLLIN } };
	int lo = if_nametoindex("lo"), s4, s6, tos = IG_TOS, tc = IG_TCLASS;
	const char *what = NULL;
	size_t n;
	int k;

	inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped);
	for (k = 0; k < 3 && !what; k++) {
		n = ig_bytes4(k, want);
		if (ig_recv(IG_4, &g4[k]) != (ssize_t)n ||
		    memcmp(ig_buf, want, n) || g4[k].mflags ||
		    g4[k].fromlen != sizeof(ig_snd4) ||
		    memcmp(&g4[k].from, &ig_snd4, sizeof(ig_snd4)))
			what = "IPv4 socket's datagrams";
		else if (!g4[k].pi || !g4[k].tos || !g4[k].ttl ||
			 g4[k].ipi.ipi_ifindex != lo ||
			 g4[k].ipi.ipi_addr.s_addr != a4.sin_addr.s_addr ||
			 g4[k].ipi.ipi_spec_dst.s_addr != a4.sin_addr.s_addr ||
			 g4[k].tosv != IG_TOS)
			what = "IPv4 socket's control messages";
	}
	if (!what) {
		struct sockaddr_in6 f = { .sin6_family = AF_INET6,
					  .sin6_port = ig_snd4.sin_port,
					  .sin6_addr = mapped };

		if (ig_recv(IG_6, &g6[0]) != (ssize_t)strlen(IG_FOUR) ||
		    memcmp(ig_buf, IG_FOUR, strlen(IG_FOUR)) ||
		    g6[0].fromlen != sizeof(f) ||
		    memcmp(&g6[0].from, &f, sizeof(f)))
			what = "dual-stack socket's IPv4 datagram";
		else if (!g6[0].pi6 || (int)g6[0].ipi6.ipi6_ifindex != lo ||
			 memcmp(&g6[0].ipi6.ipi6_addr, &mapped, 16))
			what = "dual-stack socket's IPv4 datagram's IPV6_PKTINFO";
		else if (ig_recv(IG_6, &g6[1]) != (ssize_t)strlen(IG_SIX) ||
			 memcmp(ig_buf, IG_SIX, strlen(IG_SIX)) ||
			 g6[1].fromlen != sizeof(ig_snd6) ||
			 memcmp(&g6[1].from, &ig_snd6, sizeof(ig_snd6)))
			what = "dual-stack socket's IPv6 datagram";
		else if (!g6[1].pi6 || !g6[1].hop || !g6[1].tclass ||
			 (int)g6[1].ipi6.ipi6_ifindex != lo ||
			 memcmp(&g6[1].ipi6.ipi6_addr, &lo6, 16) ||
			 g6[1].tclassv != IG_TCLASS)
			what = "dual-stack socket's IPv6 datagram's control messages";
	}
	if (!what && (ig_recv(IG_4, &c4) >= 0 || ig_recv(IG_6, &c4) >= 0))
		what = "a datagram more";
	/* what new senders send now: the same control messages */
	if (!what) {
		struct sockaddr_in b4 = a4;
		struct sockaddr_in6 b6 = { .sin6_family = AF_INET6,
					   .sin6_addr = IN6ADDR_LOOPBACK_INIT };

		s4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		b4.sin_port = ig_name4.sin_port;
		b6.sin6_port = ig_name6.sin6_port;
		if (s4 < 0 || s6 < 0 ||
		    setsockopt(s4, SOL_IP, IP_TOS, &tos, sizeof(tos)) ||
		    setsockopt(s6, SOL_IPV6, IPV6_TCLASS, &tc, sizeof(tc)) ||
		    sendto(s4, "c", 1, 0, (struct sockaddr *)&b4,
			   sizeof(b4)) != 1 ||
		    poll(&p[0], 1, 10000) != 1 || ig_recv(IG_4, &c4) != 1)
			what = "a datagram sent to the IPv4 socket now";
		b4.sin_port = ig_name6.sin6_port;
		if (!what &&
		    (sendto(s4, "c", 1, 0, (struct sockaddr *)&b4,
			    sizeof(b4)) != 1 ||
		     poll(&p[1], 1, 10000) != 1 || ig_recv(IG_6, &c64) != 1 ||
		     sendto(s6, "c", 1, 0, (struct sockaddr *)&b6,
			    sizeof(b6)) != 1 ||
		     poll(&p[1], 1, 10000) != 1 || ig_recv(IG_6, &c6) != 1))
			what = "datagrams sent to the dual-stack socket now";
		for (k = 0; k < 3 && !what; k++)
			if (!ig_cmsgs_same(&g4[k], &c4))
				what = "IPv4 datagram's control messages, not a new one's";
		if (!what && (!ig_cmsgs_same(&g6[0], &c64) ||
			      !ig_cmsgs_same(&g6[1], &c6)))
			what = "dual-stack datagrams' control messages, not new ones'";
	}
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

static void ig_body(void *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	static unsigned char buf[IG_BIG];
	int one = 1, zero = 0, tos = IG_TOS, tc = IG_TCLASS;
	int rcvbuf = IG_RCVBUF, s4, s6, k;
	socklen_t len;
	size_t n;

	CK_ASSERT(ck_move_fd(socket(AF_INET, SOCK_DGRAM, 0), IG_4) == IG_4 &&
		  !setsockopt(IG_4, SOL_IP, IP_PKTINFO, &one, sizeof(one)) &&
		  !setsockopt(IG_4, SOL_IP, IP_RECVTOS, &one, sizeof(one)) &&
		  !setsockopt(IG_4, SOL_IP, IP_RECVTTL, &one, sizeof(one)) &&
		  !setsockopt(IG_4, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			      sizeof(rcvbuf)) &&
		  !bind(IG_4, (struct sockaddr *)&a, sizeof(a)),
		  "IPv4 UDP socket");
	len = sizeof(ig_name4);
	CK_ASSERT(!getsockname(IG_4, (struct sockaddr *)&ig_name4, &len),
		  "its name");
	CK_ASSERT(ck_move_fd(socket(AF_INET6, SOCK_DGRAM, 0), IG_6) == IG_6 &&
		  !setsockopt(IG_6, SOL_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) &&
		  !setsockopt(IG_6, SOL_IPV6, IPV6_RECVPKTINFO, &one,
			      sizeof(one)) &&
		  !setsockopt(IG_6, SOL_IPV6, IPV6_RECVHOPLIMIT, &one,
			      sizeof(one)) &&
		  !setsockopt(IG_6, SOL_IPV6, IPV6_RECVTCLASS, &one,
			      sizeof(one)) &&
		  !bind(IG_6, (struct sockaddr *)&any6, sizeof(any6)),
		  "dual-stack UDP socket");
	len = sizeof(ig_name6);
	CK_ASSERT(!getsockname(IG_6, (struct sockaddr *)&ig_name6, &len),
		  "its name");
	CK_ASSERT(ck_move_fd(socket(AF_INET, SOCK_STREAM, 0), IG_L) == IG_L &&
		  !bind(IG_L, (struct sockaddr *)&a, sizeof(a)) &&
		  !listen(IG_L, 2), "TCP listener");

	s4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CK_ASSERT(s4 >= 0 && s6 >= 0 &&
		  !setsockopt(s4, SOL_IP, IP_TOS, &tos, sizeof(tos)) &&
		  !setsockopt(s6, SOL_IPV6, IPV6_TCLASS, &tc, sizeof(tc)) &&
		  !bind(s4, (struct sockaddr *)&a, sizeof(a)) &&
		  !bind(s6, (struct sockaddr *)&a6, sizeof(a6)), "senders");
	len = sizeof(ig_snd4);
	CK_ASSERT(!getsockname(s4, (struct sockaddr *)&ig_snd4, &len),
		  "sender's name");
	len = sizeof(ig_snd6);
	CK_ASSERT(!getsockname(s6, (struct sockaddr *)&ig_snd6, &len),
		  "IPv6 sender's name");
	for (k = 0; k < 3; k++) {
		n = ig_bytes4(k, buf);
		CK_ASSERT(ig_send_queued(s4, buf, n, &ig_name4,
					 sizeof(ig_name4), IG_4),
			  "datagram %d queued on the IPv4 socket", k);
	}
	a.sin_port = ig_name6.sin6_port;
	a6.sin6_port = ig_name6.sin6_port;
	CK_ASSERT(ig_send_queued(s4, IG_FOUR, strlen(IG_FOUR), &a, sizeof(a),
				 IG_6), "IPv4 datagram queued on the dual-stack socket");
	CK_ASSERT(ig_send_queued(s6, IG_SIX, strlen(IG_SIX), &a6, sizeof(a6),
				 IG_6), "IPv6 datagram queued on the dual-stack socket");
	close(s4);
	close(s6);
	ck_report("IGP4 %d", ntohs(ig_name4.sin_port));
	ck_report("IGP6 %d", ntohs(ig_name6.sin6_port));
	ck_report("IGS4 %d", ntohs(ig_snd4.sin_port));
	ck_report("IGS6 %d", ntohs(ig_snd6.sin6_port));
	if (ck_checkpoint_self() > 0)
		_exit(0);
	ig_check();
}

/*
 * The image with @ne edits, restarted for real and by
 * restart(RESTART_VALIDATE): refused with EINVAL and the line "file
 * record N: @line", N the objref of the FILE of record @i
 */
static void ig_expect(struct __test_metadata *_metadata,
		      FIXTURE_DATA(image) *self, int i, const struct edit *e,
		      int ne, const char *line, const char *what)
{
	char full[160];

	snprintf(full, sizeof(full), "file record %u: %s",
		 ux_file_objref(self, i), line);
	expect_edit_logged(_metadata, self, e, ne, EINVAL, full, what);
	emb_expect(_metadata, self, e, ne, EINVAL, full, what);
}

/* A field of an INET_DGRAM (or FILE_INET) given a value restart refuses */
struct ig_bad {
	int rec;		/* the record, by index */
	size_t off, size;	/* the field */
	uint64_t val;
	int dgram;		/* "malformed datagram @dgram" */
	const char *what;
};

#define IGF(r, m, v, k, w) { (r), offsetof(struct ckpt_hdr_inet_dgram, m), \
			     sizeof(((struct ckpt_hdr_inet_dgram *)0)->m), \
			     (uint64_t)(v), (k), (w) }
/* byte @b of the array @m */
#define IGB(r, m, b, v, k, w) { (r), offsetof(struct ckpt_hdr_inet_dgram, m) + (b), \
				1, (uint64_t)(v), (k), (w) }

/*
 * INET_DGRAM record @i (datagram @k of its socket) replaced by one of
 * @len bytes of the pattern (h.len: ALIGN(88 + @len, 8)), of @family
 */
static unsigned char *ig_resized(FIXTURE_DATA(image) *self, int i,
				 uint32_t len, uint16_t family, size_t *rlen)
{
	struct ckpt_hdr_inet_dgram *d;
	unsigned char *r;

	*rlen = (sizeof(*d) + len + 7) & ~7UL;
	r = calloc(1, *rlen);
	if (!r)
		return NULL;
	memcpy(r, rec_at(self, i), sizeof(*d));
	d = (void *)r;
	d->h.len = *rlen;
	d->len = len;
	d->family = family;
	ck_fill(d + 1, len, 0x77);
	return r;
}

/*
 * A UDP socket on 127.0.0.1 (IP_PKTINFO, IP_RECVTOS, IP_RECVTTL,
 * SO_RCVBUF) with three datagrams queued (60000 bytes, 5, none) and a
 * dual-stack one with an IPv4 and an IPv6 datagram (ig_body()): the image
 * has each FILE_INET's nr_dgrams (3, 2; 0 on the TCP listener) INET_DGRAM
 * records right after it, in order, each of ALIGN(88 + len, 8) bytes,
 * padding zero, with its bytes, family, addresses (IPv4: 4 bytes, then
 * zeroes), ports, TOS (traffic class), TTL (hop limit), lo and its
 * ifindex, IPv4's spec_dst (127.0.0.1), no flow label on IPv4, nothing
 * reserved; restarted, the program gets them (ig_check()), and
 * restart(RESTART_VALIDATE) takes the image.
 *
 * Each rule of INET_DGRAM broken, checksum fixed: refused, restarting
 * for real and by restart(RESTART_VALIDATE), with EINVAL and "file
 * record N: malformed datagram I": a length that is not the record's
 * (longer, shorter, none), more than CKPT_INET_DGRAM_MAX bytes, an IPv4
 * datagram of more than 65507, padding not zero, a record longer than
 * its bytes; a family but AF_INET and AF_INET6, an IPv6 datagram on an
 * IPv4 socket, an IPv4 datagram on an IPv6-only socket (the dual-stack
 * socket's FILE_INET made CKPT_INET_V6ONLY); bytes past an IPv4
 * address's 4; a flow label on IPv4, one of 21 bits on IPv6; an
 * ipi_spec_dst on IPv6; ifindex -1; a device name without its NUL, with
 * bytes after it, without an ifindex, an ifindex without a name; the
 * reserved words. nr_dgrams one more than the records (the next is a
 * FILE: "expected a inet_dgram record"), one less (the last INET_DGRAM
 * where a FILE is due: "expected a file or fdtable record, found
 * inet_dgram"), a datagram left out; nr_dgrams on the TCP listener or
 * above CKPT_MAX_INET_DGRAMS: "malformed inet socket". What
 * RESTART_VALIDATE takes: an IPv6 datagram of CKPT_INET_DGRAM_MAX bytes,
 * a flow label of 20 bits - and a datagram of a device the restarter's
 * network namespace does not have (an ifindex of no device named "lo",
 * lo's ifindex named otherwise), which restart refuses with ENODEV and its line, and an
 * SO_RCVBUF too small for the queue (the least the kernel gives), which
 * it refuses with ENOMEM: the 60000 bytes of datagram 0 are queued (a
 * socket takes one datagram whatever its buffer), datagram 1 "does not
 * fit in the UDP socket's receive buffer again". Not tried: more than
 * CKPT_INET_QUEUE_MAX (64 MiB) in all, an image of over 1000 records of
 * 64 KiB (the KUnit test and ckpt info have the rule).
 */
TEST_F_TIMEOUT(image, inet_dgrams_damaged, 4 * CK_TIMEOUT)
{
	const struct ckpt_hdr_inet_dgram *d;
	const struct ckpt_hdr_file_inet *h4, *h6;
	int f4, f6, fl, i4, i6, il, d4, d6, k, probe, minbuf = 0, nodev;
	char ifn[IF_NAMESIZE];
	long p4, p6, s4, s6;
	char why[256] = "", line[192];
	unsigned char pat[IG_BIG];
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;
	socklen_t len = sizeof(minbuf);
	size_t rlen;
	unsigned char *r;

	ck_checkpoint_child(_metadata, NULL, 0, ig_body, NULL);
	ASSERT_EQ(0, ck_line_int("IGP4 ", &p4));
	ASSERT_EQ(0, ck_line_int("IGP6 ", &p6));
	ASSERT_EQ(0, ck_line_int("IGS4 ", &s4));
	ASSERT_EQ(0, ck_line_int("IGS6 ", &s6));
	load_image(_metadata, self);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	f4 = file_of_fd(self, IG_4);
	f6 = file_of_fd(self, IG_6);
	fl = file_of_fd(self, IG_L);
	ASSERT_TRUE(f4 >= 0 && f6 >= 0 && fl >= 0);
	i4 = file_part(self, f4, CKPT_HDR_FILE_INET);
	i6 = file_part(self, f6, CKPT_HDR_FILE_INET);
	il = file_part(self, fl, CKPT_HDR_FILE_INET);
	ASSERT_TRUE(i4 == f4 + 1 && i6 == f6 + 1 && il == fl + 1);
	h4 = rec_at(self, i4);
	h6 = rec_at(self, i6);
	ASSERT_EQ(3U, h4->nr_dgrams);
	ASSERT_EQ(2U, h6->nr_dgrams);
	EXPECT_EQ(0U, ((const struct ckpt_hdr_file_inet *)rec_at(self, il))->nr_dgrams);
	ASSERT_TRUE(!!(h4->flags & CKPT_INET_RCVBUF_LOCK));
	EXPECT_FALSE(!!(h6->flags & CKPT_INET_V6ONLY));
	d4 = i4 + 1;
	d6 = i6 + 1;
	for (k = 0; k < 5; k++) {
		ASSERT_EQ((uint32_t)CKPT_HDR_INET_DGRAM,
			  self->recs[k < 3 ? d4 + k : d6 + k - 3].type)
			TH_LOG("datagram record %d", k);
	}
	/* what each says */
	for (k = 0; k < 5; k++) {
		int rec = k < 3 ? d4 + k : d6 + k - 3;
		bool v6 = k == 4;
		size_t n = k < 3 ? ig_bytes4(k, pat) :
			   v6 ? strlen(IG_SIX) : strlen(IG_FOUR);

		if (k == 3)
			memcpy(pat, IG_FOUR, n);
		if (k == 4)
			memcpy(pat, IG_SIX, n);
		d = rec_at(self, rec);
		EXPECT_EQ(n, (size_t)d->len) TH_LOG("datagram record %d", rec);
		EXPECT_EQ((uint32_t)((sizeof(*d) + n + 7) & ~7UL), d->h.len);
		if (d->len == n) {
			EXPECT_EQ(0, memcmp(d + 1, pat, n));
			EXPECT_TRUE(ck_all_zero((const unsigned char *)(d + 1) + n,
						d->h.len - sizeof(*d) - n));
		}
		EXPECT_EQ(v6 ? AF_INET6 : AF_INET, (int)d->family);
		EXPECT_EQ(v6 ? IG_TCLASS : IG_TOS, (int)d->tos);
		EXPECT_LT(0, (int)d->ttl);
		EXPECT_EQ(v6 ? s6 : s4, (long)d->sport);
		EXPECT_EQ(k < 3 ? p4 : p6, (long)d->dport);
		EXPECT_EQ((int)if_nametoindex("lo"), d->ifindex);
		EXPECT_STREQ("lo", d->ifname);
		EXPECT_TRUE(ck_all_zero(d->ifname + 2, sizeof(d->ifname) - 2));
		if (v6) {
			EXPECT_EQ(0, memcmp(d->saddr, &lo6, 16));
			EXPECT_EQ(0, memcmp(d->daddr, &lo6, 16));
			EXPECT_GE(0xfffffU, d->flowlabel);
			EXPECT_TRUE(ck_all_zero(d->spec_dst, 4));
		} else {
			EXPECT_EQ(htonl(INADDR_LOOPBACK),
				  *(const uint32_t *)d->saddr);
			EXPECT_EQ(htonl(INADDR_LOOPBACK),
				  *(const uint32_t *)d->daddr);
			EXPECT_EQ(htonl(INADDR_LOOPBACK),
				  *(const uint32_t *)d->spec_dst);
			EXPECT_TRUE(ck_all_zero(d->saddr + 4, 12));
			EXPECT_TRUE(ck_all_zero(d->daddr + 4, 12));
			EXPECT_EQ(0U, d->flowlabel);
		}
		EXPECT_EQ(0U, d->__reserved[0] | d->__reserved[1]);
	}

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");
	emb_expect(_metadata, self, NULL, 0, 0, NULL, "the image as written");

	{
		const struct ig_bad bad[] = {
			/* len: the record's, at most CKPT_INET_DGRAM_MAX */
			IGF(d4 + 1, len, strlen(IG_HELLO) + 8, 1,
			    "INET_DGRAM.len 8 more than its record has"),
			IGF(d4 + 1, len, 0, 1, "INET_DGRAM.len 0 in a record of 96"),
			IGF(d4, len, IG_BIG - 8, 0,
			    "INET_DGRAM.len 8 less than its record has"),
			IGF(d4 + 2, len, 0xffffffff, 2, "INET_DGRAM.len ~0"),
			/* family: AF_INET, AF_INET6 on an AF_INET6 socket */
			IGF(d4 + 1, family, 0, 1, "INET_DGRAM.family 0"),
			IGF(d4 + 1, family, AF_UNIX, 1, "INET_DGRAM.family AF_UNIX"),
			IGF(d6 + 1, family, 0xffff, 1, "INET_DGRAM.family 0xffff"),
			IGF(d4 + 2, family, AF_INET6, 2,
			    "INET_DGRAM.family AF_INET6 on an IPv4 socket"),
			/* an IPv4 address: 4 bytes, then zeroes */
			IGB(d4 + 1, saddr, 4, 1, 1, "INET_DGRAM.saddr byte 4, IPv4"),
			IGB(d6, daddr, 15, 1, 0,
			    "INET_DGRAM.daddr byte 15, IPv4 on the dual-stack socket"),
			/* flow label: IPv6, 20 bits */
			IGF(d4 + 1, flowlabel, 1, 1, "INET_DGRAM.flowlabel on IPv4"),
			IGF(d6 + 1, flowlabel, 0x100000, 1,
			    "INET_DGRAM.flowlabel of 21 bits"),
			/* spec_dst: IPv4 */
			IGB(d6 + 1, spec_dst, 0, 127, 1,
			    "INET_DGRAM.spec_dst on IPv6"),
			/* ifindex >= 0, a name iff an ifindex */
			IGF(d4 + 1, ifindex, -1, 1, "INET_DGRAM.ifindex -1"),
			IGF(d6, ifindex, 0x80000000, 0, "INET_DGRAM.ifindex INT_MIN"),
			IGF(d4 + 1, ifindex, 0, 1,
			    "INET_DGRAM.ifindex 0 with the name lo"),
			IGB(d4 + 1, ifname, 3, 'x', 1,
			    "INET_DGRAM.ifname with a byte after its NUL"),
			IGB(d6 + 1, ifname, 15, 'x', 1,
			    "INET_DGRAM.ifname with a byte at its end"),
			/* reserved */
			IGF(d4, __reserved[0], 1, 0, "INET_DGRAM.__reserved[0]"),
			IGF(d6 + 1, __reserved[1], 0x80000000, 1,
			    "INET_DGRAM.__reserved[1] bit 31"),
		};

		for (k = 0; k < (int)ARRAY_SIZE(bad); k++) {
			r = grown_rec(self, bad[k].rec, 0, -1);
			ASSERT_NE(NULL, r);
			memcpy(r + bad[k].off, &bad[k].val, bad[k].size);
			snprintf(line, sizeof(line), IG_MALFORMED " %d",
				 bad[k].dgram);
			ig_expect(_metadata, self, bad[k].rec,
				  &(struct edit){ bad[k].rec, true, r,
						  self->recs[bad[k].rec].len },
				  1, line, bad[k].what);
			free(r);
		}
	}

	/* no name, with an ifindex */
	r = grown_rec(self, d4 + 1, 0, -1);
	ASSERT_NE(NULL, r);
	memset(((struct ckpt_hdr_inet_dgram *)r)->ifname, 0, 16);
	ig_expect(_metadata, self, d4 + 1,
		  &(struct edit){ d4 + 1, true, r, self->recs[d4 + 1].len }, 1,
		  IG_MALFORMED " 1", "INET_DGRAM.ifname empty with an ifindex");
	free(r);
	/* a name of 16 bytes, no NUL */
	r = grown_rec(self, d4 + 1, 0, -1);
	ASSERT_NE(NULL, r);
	memcpy(((struct ckpt_hdr_inet_dgram *)r)->ifname, "0123456789abcdef", 16);
	ig_expect(_metadata, self, d4 + 1,
		  &(struct edit){ d4 + 1, true, r, self->recs[d4 + 1].len }, 1,
		  IG_MALFORMED " 1", "INET_DGRAM.ifname without its NUL");
	free(r);
	/* padding: zero */
	r = grown_rec(self, d4 + 1, 0, -1);
	ASSERT_NE(NULL, r);
	r[sizeof(*d) + strlen(IG_HELLO) + 1] = 0x5a;
	ig_expect(_metadata, self, d4 + 1,
		  &(struct edit){ d4 + 1, true, r, self->recs[d4 + 1].len }, 1,
		  IG_MALFORMED " 1", "INET_DGRAM padding not zero");
	free(r);
	/* a record 8 bytes longer than its datagram (zeroes) */
	r = grown_rec(self, d4 + 2, 8, -1);
	ASSERT_NE(NULL, r);
	ig_expect(_metadata, self, d4 + 2,
		  &(struct edit){ d4 + 2, true, r, self->recs[d4 + 2].len + 8 },
		  1, IG_MALFORMED " 2", "INET_DGRAM 8 zero bytes longer");
	free(r);
	/* sizes: CKPT_INET_DGRAM_MAX, IPv4's 65507 */
	r = ig_resized(self, d6 + 1, CKPT_INET_DGRAM_MAX + 1, AF_INET6, &rlen);
	ASSERT_NE(NULL, r);
	ig_expect(_metadata, self, d6 + 1,
		  &(struct edit){ d6 + 1, true, r, rlen }, 1, IG_MALFORMED " 1",
		  "IPv6 INET_DGRAM of CKPT_INET_DGRAM_MAX + 1 bytes");
	free(r);
	r = ig_resized(self, d4 + 1, 65508, AF_INET, &rlen);
	ASSERT_NE(NULL, r);
	ig_expect(_metadata, self, d4 + 1,
		  &(struct edit){ d4 + 1, true, r, rlen }, 1, IG_MALFORMED " 1",
		  "IPv4 INET_DGRAM of 65508 bytes");
	free(r);
	r = ig_resized(self, d6 + 1, CKPT_INET_DGRAM_MAX, AF_INET6, &rlen);
	ASSERT_NE(NULL, r);
	emb_expect(_metadata, self, &(struct edit){ d6 + 1, true, r, rlen }, 1,
		   0, NULL, "IPv6 INET_DGRAM of CKPT_INET_DGRAM_MAX bytes");
	free(r);
	r = grown_rec(self, d6 + 1, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_inet_dgram *)r)->flowlabel = 0xfffff;
	emb_expect(_metadata, self,
		   &(struct edit){ d6 + 1, true, r, self->recs[d6 + 1].len }, 1,
		   0, NULL, "INET_DGRAM.flowlabel 0xfffff");
	free(r);

	/* an IPv4 datagram on an IPv6-only socket */
	r = grown_rec(self, i6, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_file_inet *)r)->flags |= CKPT_INET_V6ONLY;
	ig_expect(_metadata, self, i6,
		  &(struct edit){ i6, true, r, self->recs[i6].len }, 1,
		  IG_MALFORMED " 0",
		  "FILE_INET CKPT_INET_V6ONLY with an IPv4 datagram queued");
	free(r);

	/* nr_dgrams: as many records as it says */
	r = grown_rec(self, i4, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_file_inet *)r)->nr_dgrams = 4;
	snprintf(line, sizeof(line), "expected a inet_dgram record, found ");
	expect_edit_logged(_metadata, self,
			   &(struct edit){ i4, true, r, self->recs[i4].len }, 1,
			   EINVAL, line, "FILE_INET.nr_dgrams one more");
	emb_expect(_metadata, self,
		   &(struct edit){ i4, true, r, self->recs[i4].len }, 1,
		   EINVAL, line, "FILE_INET.nr_dgrams one more");
	((struct ckpt_hdr_file_inet *)r)->nr_dgrams = 2;
	snprintf(line, sizeof(line),
		 "expected a file or fdtable record, found inet_dgram");
	expect_edit_logged(_metadata, self,
			   &(struct edit){ i4, true, r, self->recs[i4].len }, 1,
			   EINVAL, line, "FILE_INET.nr_dgrams one less");
	emb_expect(_metadata, self,
		   &(struct edit){ i4, true, r, self->recs[i4].len }, 1,
		   EINVAL, line, "FILE_INET.nr_dgrams one less");
	free(r);
	snprintf(line, sizeof(line), "expected a inet_dgram record, found ");
	expect_edit_logged(_metadata, self,
			   &(struct edit){ d6 + 1, true, NULL, 0 }, 1, EINVAL,
			   line, "the dual-stack socket's last INET_DGRAM left out");
	emb_expect(_metadata, self, &(struct edit){ d6 + 1, true, NULL, 0 }, 1,
		   EINVAL, line, "the dual-stack socket's last INET_DGRAM left out");
	/* nr_dgrams: UDP only, at most CKPT_MAX_INET_DGRAMS */
	r = grown_rec(self, il, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_file_inet *)r)->nr_dgrams = 1;
	ig_expect(_metadata, self, il,
		  &(struct edit){ il, true, r, self->recs[il].len }, 1,
		  IN_MALFORMED, "FILE_INET.nr_dgrams 1 on the TCP listener");
	free(r);
	r = grown_rec(self, i6, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_file_inet *)r)->nr_dgrams = CKPT_MAX_INET_DGRAMS + 1;
	ig_expect(_metadata, self, i6,
		  &(struct edit){ i6, true, r, self->recs[i6].len }, 1,
		  IN_MALFORMED, "FILE_INET.nr_dgrams CKPT_MAX_INET_DGRAMS + 1");
	free(r);

	/* a device the restarter's network namespace does not have */
	for (nodev = 99; if_indextoname(nodev, ifn); nodev += 100)
		;
	r = grown_rec(self, d4 + 1, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_inet_dgram *)r)->ifindex = nodev;
	snprintf(line, sizeof(line),
		 "file record %u: datagram 1 came in by lo (ifindex %d), which the restarter's network namespace does not have",
		 ux_file_objref(self, d4 + 1), nodev);
	expect_edit_logged(_metadata, self,
			   &(struct edit){ d4 + 1, true, r, self->recs[d4 + 1].len },
			   1, ENODEV, line, "INET_DGRAM.ifindex 99, lo");
	emb_expect(_metadata, self,
		   &(struct edit){ d4 + 1, true, r, self->recs[d4 + 1].len }, 1,
		   0, NULL, "INET_DGRAM.ifindex 99, lo (RESTART_VALIDATE)");
	free(r);
	r = grown_rec(self, d6 + 1, 0, -1);
	ASSERT_NE(NULL, r);
	memset(((struct ckpt_hdr_inet_dgram *)r)->ifname, 0, 16);
	memcpy(((struct ckpt_hdr_inet_dgram *)r)->ifname, "nosuchdev0", 10);
	snprintf(line, sizeof(line),
		 "file record %u: datagram 1 came in by nosuchdev0 (ifindex %d), which the restarter's network namespace does not have",
		 ux_file_objref(self, d6 + 1),
		 ((const struct ckpt_hdr_inet_dgram *)rec_at(self, d6 + 1))->ifindex);
	expect_edit_logged(_metadata, self,
			   &(struct edit){ d6 + 1, true, r, self->recs[d6 + 1].len },
			   1, ENODEV, line, "INET_DGRAM of lo's ifindex, another name");
	emb_expect(_metadata, self,
		   &(struct edit){ d6 + 1, true, r, self->recs[d6 + 1].len }, 1,
		   0, NULL, "INET_DGRAM of lo's ifindex, another name (RESTART_VALIDATE)");
	free(r);

	/* a receive buffer too small for the queue: the least there is */
	probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, probe);
	ASSERT_EQ(0, setsockopt(probe, SOL_SOCKET, SO_RCVBUF, &minbuf,
				sizeof(minbuf)));
	ASSERT_EQ(0, getsockopt(probe, SOL_SOCKET, SO_RCVBUF, &minbuf, &len));
	close(probe);
	ASSERT_LT(0, minbuf);
	ASSERT_GT(IG_BIG, minbuf);
	r = grown_rec(self, i4, 0, -1);
	ASSERT_NE(NULL, r);
	((struct ckpt_hdr_file_inet *)r)->rcvbuf = minbuf;
	snprintf(line, sizeof(line),
		 "file record %u: datagram 1 does not fit in the UDP socket's receive buffer again",
		 ux_file_objref(self, i4));
	expect_edit_logged(_metadata, self,
			   &(struct edit){ i4, true, r, self->recs[i4].len }, 1,
			   ENOMEM, line, "FILE_INET.rcvbuf the least there is");
	emb_expect(_metadata, self,
		   &(struct edit){ i4, true, r, self->recs[i4].len }, 1, 0, NULL,
		   "FILE_INET.rcvbuf the least there is (RESTART_VALIDATE)");
	free(r);
	check_no_splat(_metadata, self);
}

/* ---- established TCP connections: TCP_CONN ------------------------------ */

/*
 * The connection victim (tc_body()), a process alone in the cgroup
 * emb_cg: an established TCP connection on 127.0.0.1, its client at TC_C
 * (on a port the kernel chose at connect()), what its listener accepted
 * at TC_S (the listener, on a port the kernel chose, closed since);
 * TC_FWD_LEN bytes of a pattern sent by the client and TC_BACK_LEN by
 * the other end, neither read, both acknowledged (nothing left to send).
 * The lengths are multiples of 8: the TCP_CONN records have no padding,
 * so that a byte more or less in a queue is a record of another length.
 * It waits until it runs with another pid - restarted by try_image()'s
 * restarter, with RESTART_TASKSELF - and checks itself (tc_check()).
 */
#define TC_C		35
#define TC_S		36
#define TC_FWD_LEN	40
#define TC_BACK_LEN	1000
#define TC_FWD_SEED	0x7c
#define TC_BACK_SEED	0x3d
#define TC_MALFORMED	"malformed TCP connection"

static struct sockaddr_in tc_cname, tc_sname;
static pid_t tc_pid;

/* What is queued on @fd is @len bytes of the pattern @seed, no more */
static bool tc_queued(int fd, size_t len, uint64_t seed)
{
	static unsigned char buf[TC_BACK_LEN + 64];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(buf) &&
	       (n = recv(fd, buf + got, sizeof(buf) - got, MSG_DONTWAIT)) > 0)
		got += n;
	return got == len && ck_check_fill(buf, len, seed) == -1 &&
	       recv(fd, buf, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

/* @from sends @to a byte, which comes */
static bool tc_carries(int from, int to, char c)
{
	struct pollfd p = { .fd = to, .events = POLLIN };
	char b = 0;

	return send(from, &c, 1, MSG_NOSIGNAL) == 1 &&
	       poll(&p, 1, 10000) == 1 && recv(to, &b, 1, MSG_DONTWAIT) == 1 &&
	       b == c;
}

/*
 * The restored connection victim: each end has its name and its peer,
 * the other; each has what the other sent queued, and nothing more; a
 * byte goes each way. Both ends reset when it ends (SO_LINGER 0, set
 * first): no TIME_WAIT is left on the addresses for the next restart.
 */
static void tc_check(void)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	const char *what = NULL;

	setsockopt(TC_C, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	setsockopt(TC_S, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	if (!in_name_is(TC_C, false, &tc_cname, sizeof(tc_cname)) ||
	    !in_name_is(TC_C, true, &tc_sname, sizeof(tc_sname)) ||
	    !in_name_is(TC_S, false, &tc_sname, sizeof(tc_sname)) ||
	    !in_name_is(TC_S, true, &tc_cname, sizeof(tc_cname)))
		what = "the connection's names";
	else if (!tc_queued(TC_S, TC_FWD_LEN, TC_FWD_SEED))
		what = "the bytes from the client";
	else if (!tc_queued(TC_C, TC_BACK_LEN, TC_BACK_SEED))
		what = "the bytes from the accepted end";
	else if (!tc_carries(TC_C, TC_S, 't') || !tc_carries(TC_S, TC_C, 'u'))
		what = "the connection carries no byte";
	if (what)
		ck_report("RESUMED altered: %s", what);
	else
		ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

static __attribute__((noreturn)) void tc_setup_failed(const char *what)
{
	lite_say(emb_report, "SETUP failed: %s: %s\n", what, strerror(errno));
	_exit(1);
}

/*
 * The victim: its connection, "READY <pid> <client port> <accepted end's
 * port>"; then it waits to be restarted
 */
static void tc_body(void *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static unsigned char buf[TC_BACK_LEN];
	int l, k, in_c = -1, in_s = -1, out_c = -1, out_s = -1;
	socklen_t len = sizeof(a);

	lite_cg_enter(emb_cg);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&tc_sname, &len))
		tc_setup_failed("listener");
	if (ck_move_fd(socket(AF_INET, SOCK_STREAM, 0), TC_C) != TC_C ||
	    connect(TC_C, (struct sockaddr *)&tc_sname, sizeof(tc_sname)) ||
	    ck_move_fd(accept(l, NULL, NULL), TC_S) != TC_S || close(l))
		tc_setup_failed("connection");
	len = sizeof(tc_cname);
	if (getsockname(TC_C, (struct sockaddr *)&tc_cname, &len))
		tc_setup_failed("client's name");
	ck_fill(buf, TC_FWD_LEN, TC_FWD_SEED);
	if (send(TC_C, buf, TC_FWD_LEN, 0) != TC_FWD_LEN)
		tc_setup_failed("bytes from the client");
	ck_fill(buf, TC_BACK_LEN, TC_BACK_SEED);
	if (send(TC_S, buf, TC_BACK_LEN, 0) != TC_BACK_LEN)
		tc_setup_failed("bytes from the accepted end");
	/* queued on the other end, and acknowledged */
	for (k = 0; k < 1000; k++) {
		if (ioctl(TC_S, SIOCINQ, &in_s) || ioctl(TC_C, SIOCINQ, &in_c) ||
		    ioctl(TC_S, SIOCOUTQ, &out_s) ||
		    ioctl(TC_C, SIOCOUTQ, &out_c))
			tc_setup_failed("SIOCINQ, SIOCOUTQ");
		if (in_s == TC_FWD_LEN && in_c == TC_BACK_LEN && !out_s &&
		    !out_c)
			break;
		usleep(10000);
	}
	if (k == 1000) {
		errno = ETIMEDOUT;
		tc_setup_failed("bytes queued and acknowledged");
	}
	tc_pid = syscall(SYS_getpid);
	lite_say(emb_report, "READY %d %d %d\n", tc_pid,
		 ntohs(tc_cname.sin_port), ntohs(tc_sname.sin_port));
	/* frozen, checkpointed and killed here; restarted: another pid */
	while (syscall(SYS_getpid) == tc_pid)
		usleep(20000);
	tc_check();
}

/* The connection victim's records, by index, and its ports */
struct tc_recs {
	long cport, sport;
	int fc, ic, cc;		/* the client: FILE, FILE_INET, TCP_CONN */
	int fs, is, cs;		/* the accepted end's */
	int ii;			/* the FILE_INHERIT of the report pipe */
};

/*
 * Start the victim in emb_cg, freeze it, checkpoint it with
 * CHECKPOINT_SUBTREE | CHECKPOINT_NET_LOCK - it is killed next, so its
 * connection is kept silent until a restart takes it over - kill it and
 * load its image; find its records
 */
static void tc_load(struct __test_metadata *_metadata,
		    FIXTURE_DATA(image) *self, struct tc_recs *x)
{
	char rep[1024] = "", log[2048] = "", why[256] = "";
	const char *r;
	int fd, logfd, err, f100;
	long root = 0;
	pid_t pid;
	long ret;

	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	snprintf(emb_report, sizeof(emb_report), "%s/tcp-report", ck.dir);
	snprintf(emb_cg, sizeof(emb_cg), "/sys/fs/cgroup/ckpt-image-%d",
		 getpid());
	rmdir(emb_cg);
	ASSERT_EQ(0, mkdir(emb_cg, 0755))
		TH_LOG("mkdir %s: %s", emb_cg, strerror(errno));
	pid = ck_spawn(NULL, 0, tc_body, NULL);
	ASSERT_LT(0, pid);
	lite_line_pid(emb_report, "READY ", 30);
	lite_slurp(emb_report, rep, sizeof(rep));
	r = strstr(rep, "READY ");
	ASSERT_TRUE(r && sscanf(r, "READY %ld %ld %ld", &root, &x->cport,
				&x->sport) == 3 && root == pid)
		TH_LOG("the victim's report: %s", rep);

	ASSERT_EQ(0, lite_cg_write(emb_cg, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(emb_cg, 1, 30));
	fd = open(ck.img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	logfd = open(ck.log, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, logfd);
	ret = sys_checkpoint(pid, fd, CHECKPOINT_SUBTREE | CHECKPOINT_NET_LOCK,
			     logfd);
	err = errno;
	close(fd);
	close(logfd);
	if (ret <= 0)
		ck_read_file(ck.log, log, sizeof(log));
	ASSERT_LT(0, ret) TH_LOG("checkpoint of the victim: %s; log: %s",
				 strerrorname_np(err) ?: "?", log);
	emb_kill();
	emb_nothing_left(_metadata, "the victim killed");
	load_image(_metadata, self);
	ASSERT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);

	x->fc = file_of_fd(self, TC_C);
	x->fs = file_of_fd(self, TC_S);
	f100 = file_of_fd(self, CK_REPORT_FD);
	ASSERT_TRUE(x->fc >= 0 && x->fs >= 0 && f100 >= 0);
	x->ic = x->fc + 1;
	x->cc = x->fc + 2;
	x->is = x->fs + 1;
	x->cs = x->fs + 2;
	x->ii = file_part(self, f100, CKPT_HDR_FILE_INHERIT);
	ASSERT_LT(0, x->ii) TH_LOG("the report pipe is not inherited");
	ASSERT_TRUE(self->recs[x->ic].type == CKPT_HDR_FILE_INET &&
		    self->recs[x->cc].type == CKPT_HDR_TCP_CONN &&
		    self->recs[x->is].type == CKPT_HDR_FILE_INET &&
		    self->recs[x->cs].type == CKPT_HDR_TCP_CONN)
		TH_LOG("the connection's records: %s %s, %s %s",
		       ckpt_hdr_name(self->recs[x->ic].type),
		       ckpt_hdr_name(self->recs[x->cc].type),
		       ckpt_hdr_name(self->recs[x->is].type),
		       ckpt_hdr_name(self->recs[x->cs].type));
}

/*
 * The image with @ne edits, restarted for real and by
 * restart(RESTART_VALIDATE): refused with EINVAL and the line "file
 * record N: @line", N the objref of the FILE of record @i
 */
static void tc_expect(struct __test_metadata *_metadata,
		      FIXTURE_DATA(image) *self, int i, const struct edit *e,
		      int ne, const char *line, const char *what)
{
	char full[160];

	snprintf(full, sizeof(full), "file record %u: %s",
		 ux_file_objref(self, i), line);
	expect_edit_logged(_metadata, self, e, ne, EINVAL, full, what);
	emb_expect(_metadata, self, e, ne, EINVAL, full, what);
}

/* Fields of a record (TCP_CONN, FILE_INET) given other values */
struct tc_set {
	size_t off, size;	/* size 0: none */
	uint64_t val;
};

struct tc_bad {
	int rec;		/* the record, by index */
	struct tc_set set[8];
	const char *what;
};

#define TCS(m, v) { offsetof(struct ckpt_hdr_tcp_conn, m), \
		    sizeof(((struct ckpt_hdr_tcp_conn *)0)->m), (uint64_t)(v) }
#define TIS(m, v) { offsetof(struct ckpt_hdr_file_inet, m), \
		    sizeof(((struct ckpt_hdr_file_inet *)0)->m), (uint64_t)(v) }

/* Record @b->rec with the fields @b->set, malloc()ed */
static unsigned char *tc_with(FIXTURE_DATA(image) *self, const struct tc_bad *b)
{
	unsigned char *r = grown_rec(self, b->rec, 0, -1);
	unsigned int k;

	for (k = 0; r && k < ARRAY_SIZE(b->set) && b->set[k].size; k++)
		memcpy(r + b->set[k].off, &b->set[k].val, b->set[k].size);
	return r;
}

/*
 * Each of @n damages: refused with EINVAL and "file record N: @line",
 * restarting for real and by restart(RESTART_VALIDATE); or (@line NULL)
 * taken by restart(RESTART_VALIDATE)
 */
static void tc_expect_bad(struct __test_metadata *_metadata,
			  FIXTURE_DATA(image) *self, const struct tc_bad *b,
			  size_t n, const char *line)
{
	unsigned char *r;
	size_t k;

	for (k = 0; k < n; k++) {
		r = tc_with(self, &b[k]);
		ASSERT_NE(NULL, r);
		if (line)
			tc_expect(_metadata, self, b[k].rec,
				  &(struct edit){ b[k].rec, true, r,
						  self->recs[b[k].rec].len },
				  1, line, b[k].what);
		else
			emb_expect(_metadata, self,
				   &(struct edit){ b[k].rec, true, r,
						   self->recs[b[k].rec].len },
				   1, 0, NULL, b[k].what);
		free(r);
	}
}

/*
 * An established TCP connection on 127.0.0.1 between two sockets of a
 * process, with bytes not read both ways (40 sent by the client, 1000 by
 * the accepted end), acknowledged (tc_body()), checkpointed from outside
 * with CHECKPOINT_SUBTREE | CHECKPOINT_NET_LOCK and killed. The image:
 * each end's FILE_INET (AF_INET, TCP, ESTABLISHED, 127.0.0.1 both ways,
 * its port and its peer's, no backlog, no datagram) followed by its
 * TCP_CONN: nothing left to send (snd_una, snd_nxt and write_seq the
 * same, the other end's rcv_nxt), what the other end sent received and
 * not read (rcv_nxt - copied_seq, the bytes in the record), a record of
 * the struct and that queue, an MSS of at least 48, options within
 * CKPT_TCP_OPTS_MASK, nothing reserved. Restarted, with
 * RESTART_TASKSELF, the program has its connection again, the bytes
 * queued, and it carries bytes both ways (tc_check());
 * restart(RESTART_VALIDATE) takes the image.
 *
 * Each rule of TCP_CONN broken, checksum fixed: refused, restarting for
 * real and by restart(RESTART_VALIDATE), with EINVAL and "file record N:
 * malformed TCP connection": a queue that does not match the record's
 * length (a byte or 8 more or less), a send or receive queue wrapping
 * backwards (4 GiB) or past CKPT_TCP_QUEUE_MAX, snd_nxt past write_seq
 * or before snd_una, the record 8 bytes longer, 8 bytes shorter, without
 * its queue; an MSS of 0 or 47; an unknown option; the reserved word;
 * a window scale of 15 or 255 with window scaling, one without;
 * max_window below snd_wnd, a window past 65535 << 14 with window
 * scaling, past 65535 without; snd_wl1 after rcv_nxt + rcv_wnd (by 1,
 * by half the sequence space), rcv_wup after rcv_nxt. A record shorter
 * than its struct, or longer than CKPT_REC_TCP_CONN_MAX: "tcp_conn record
 * at byte B: bad length". What RESTART_VALIDATE takes at the bounds: an
 * MSS of 48, scales of 14, snd_wl1 at rcv_nxt + rcv_wnd, rcv_wup at
 * rcv_nxt, no SACK nor timestamps.
 *
 * The FILE_INET of an established TCP connection: without its address,
 * its peer's, its port, its peer's port; another state than ESTABLISHED
 * (0, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE,
 * CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, NEW_SYN_RECV, ~0); a datagram, a
 * backlog, a shutdown: "file record N: malformed inet socket"; made UDP:
 * refused. Structure: a TCP_CONN left out ("expected a tcp_conn record"),
 * twice, or after a file that is no TCP connection ("expected a file or
 * fdtable record, found tcp_conn"), and (RESTART_VALIDATE) after a
 * FILE_INET made a socket never connected, bound.
 *
 * A failed restart leaves nothing running, and nothing that keeps the
 * image as written from restarting again, after all of them.
 */
TEST_F_TIMEOUT(image, tcp_conn_records_damaged, 4 * CK_TIMEOUT)
{
	const struct ckpt_hdr_tcp_conn *c, *s;
	const struct ckpt_hdr_file_inet *hc, *hs;
	const uint32_t ws = CKPT_TCP_WSCALE;
	struct ckpt_hdr_tcp_conn t;
	unsigned char *r;
	struct tc_recs x;
	struct in_addr lo;
	char line[160];
	int k;

	tc_load(_metadata, self, &x);
	inet_pton(AF_INET, "127.0.0.1", &lo);
	hc = rec_at(self, x.ic);
	hs = rec_at(self, x.is);
	c = rec_at(self, x.cc);
	s = rec_at(self, x.cs);
	for (k = 0; k < 2; k++) {
		const struct ckpt_hdr_file_inet *h = k ? hs : hc;

		EXPECT_EQ((uint32_t)AF_INET, h->family);
		EXPECT_EQ((uint32_t)IPPROTO_TCP, h->protocol);
		EXPECT_EQ((uint32_t)INET_ST_ESTABLISHED, h->state);
		EXPECT_EQ(0, memcmp(h->laddr, &lo, 4));
		EXPECT_EQ(0, memcmp(h->raddr, &lo, 4));
		EXPECT_TRUE(ck_all_zero(h->laddr + 4, 12) &&
			    ck_all_zero(h->raddr + 4, 12));
		EXPECT_EQ(k ? x.sport : x.cport, (long)h->lport);
		EXPECT_EQ(k ? x.cport : x.sport, (long)h->rport);
		EXPECT_EQ(0U, h->backlog | h->nr_dgrams | h->__reserved);
	}
	/* nothing to send again; what the other end sent, not read */
	EXPECT_TRUE(c->snd_una == c->write_seq && c->snd_nxt == c->write_seq &&
		    s->snd_una == s->write_seq && s->snd_nxt == s->write_seq);
	EXPECT_EQ(c->write_seq, s->rcv_nxt);
	EXPECT_EQ(s->write_seq, c->rcv_nxt);
	ASSERT_EQ((uint32_t)TC_BACK_LEN, c->rcv_nxt - c->copied_seq);
	ASSERT_EQ((uint32_t)TC_FWD_LEN, s->rcv_nxt - s->copied_seq);
	ASSERT_EQ(sizeof(*c) + TC_BACK_LEN, (size_t)self->recs[x.cc].len);
	ASSERT_EQ(sizeof(*s) + TC_FWD_LEN, (size_t)self->recs[x.cs].len);
	EXPECT_EQ(-1, ck_check_fill(c + 1, TC_BACK_LEN, TC_BACK_SEED));
	EXPECT_EQ(-1, ck_check_fill(s + 1, TC_FWD_LEN, TC_FWD_SEED));
	for (k = 0; k < 2; k++) {
		const struct ckpt_hdr_tcp_conn *h = k ? s : c;

		EXPECT_LE(48, h->mss);
		EXPECT_EQ(0U, h->opts & ~(uint32_t)CKPT_TCP_OPTS_MASK);
		EXPECT_EQ(0U, h->__reserved);
		EXPECT_LE(h->snd_wnd, h->max_window);
	}

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");
	emb_expect(_metadata, self, NULL, 0, 0, NULL, "the image as written");

	{
		const struct tc_bad bad[] = {
			/* the queues: the record's bytes, 32 MiB at most */
			{ x.cc, { TCS(write_seq, c->write_seq + 1) },
			  "TCP_CONN.write_seq one more: a byte to send, not in the record" },
			{ x.cc, { TCS(write_seq, c->write_seq + 8) },
			  "TCP_CONN.write_seq 8 more" },
			{ x.cc, { TCS(write_seq, c->write_seq - 1),
				  TCS(snd_nxt, c->write_seq - 1) },
			  "TCP_CONN.write_seq before snd_una: a send queue of 4 GiB" },
			{ x.cc, { TCS(snd_una, c->snd_una + 1),
				  TCS(snd_nxt, c->snd_una + 1) },
			  "TCP_CONN.snd_una past write_seq" },
			{ x.cc, { TCS(write_seq, c->snd_una + CKPT_TCP_QUEUE_MAX + 1) },
			  "TCP_CONN send queue past CKPT_TCP_QUEUE_MAX" },
			{ x.cc, { TCS(snd_nxt, c->write_seq + 1) },
			  "TCP_CONN.snd_nxt past write_seq" },
			{ x.cs, { TCS(snd_nxt, s->snd_una - 1) },
			  "TCP_CONN.snd_nxt before snd_una" },
			{ x.cs, { TCS(rcv_nxt, s->rcv_nxt + 1),
				  TCS(rcv_wup, s->rcv_nxt + 1) },
			  "TCP_CONN.rcv_nxt one more: a byte received, not in the record" },
			{ x.cs, { TCS(rcv_nxt, s->rcv_nxt - 8) },
			  "TCP_CONN.rcv_nxt 8 less: 8 bytes of the record in no queue" },
			/* (a byte less, 39: the same record, padded) */
			{ x.cs, { TCS(copied_seq, s->copied_seq - 1) },
			  "TCP_CONN.copied_seq one less: a byte more to read, not in the record" },
			{ x.cs, { TCS(copied_seq, s->rcv_nxt + 1) },
			  "TCP_CONN.copied_seq past rcv_nxt: a receive queue of 4 GiB" },
			{ x.cc, { TCS(rcv_nxt, c->copied_seq + CKPT_TCP_QUEUE_MAX + 1),
				  TCS(rcv_wup, c->copied_seq),
				  TCS(snd_wl1, c->copied_seq) },
			  "TCP_CONN receive queue past CKPT_TCP_QUEUE_MAX" },
			/* an MSS TCP can use */
			{ x.cc, { TCS(mss, 0) }, "TCP_CONN.mss 0" },
			{ x.cs, { TCS(mss, 47) }, "TCP_CONN.mss 47" },
			/* options */
			{ x.cc, { TCS(opts, c->opts | 0x8) },
			  "TCP_CONN.opts past CKPT_TCP_OPTS_MASK" },
			{ x.cs, { TCS(opts, s->opts | 0x80000000) },
			  "TCP_CONN.opts bit 31" },
			{ x.cc, { TCS(__reserved, 1) }, "TCP_CONN.__reserved" },
			{ x.cs, { TCS(__reserved, 0x80000000) },
			  "TCP_CONN.__reserved bit 31" },
			/* window scales: 14 at most, none without scaling */
			{ x.cc, { TCS(opts, c->opts | ws), TCS(snd_wscale, 15) },
			  "TCP_CONN.snd_wscale 15" },
			{ x.cs, { TCS(opts, s->opts | ws), TCS(rcv_wscale, 15) },
			  "TCP_CONN.rcv_wscale 15" },
			{ x.cc, { TCS(opts, c->opts | ws), TCS(rcv_wscale, 255) },
			  "TCP_CONN.rcv_wscale 255" },
			{ x.cs, { TCS(opts, s->opts & ~ws), TCS(snd_wscale, 1),
				  TCS(rcv_wscale, 0), TCS(snd_wnd, 0),
				  TCS(max_window, 65535), TCS(rcv_wnd, 0),
				  TCS(snd_wl1, s->rcv_nxt),
				  TCS(rcv_wup, s->rcv_nxt) },
			  "TCP_CONN.snd_wscale 1 without window scaling" },
			/* windows, as TCP_REPAIR_WINDOW takes them */
			{ x.cc, { TCS(snd_wnd, 1000), TCS(max_window, 999) },
			  "TCP_CONN.max_window below snd_wnd" },
			{ x.cs, { TCS(opts, s->opts | ws),
				  TCS(max_window, (65535U << 14) + 1) },
			  "TCP_CONN.max_window past 65535 << 14" },
			{ x.cc, { TCS(opts, c->opts | ws),
				  TCS(rcv_wnd, (65535U << 14) + 1) },
			  "TCP_CONN.rcv_wnd past 65535 << 14" },
			{ x.cs, { TCS(opts, s->opts & ~ws), TCS(snd_wscale, 0),
				  TCS(rcv_wscale, 0), TCS(snd_wnd, 0),
				  TCS(max_window, 65535), TCS(rcv_wnd, 65536),
				  TCS(snd_wl1, s->rcv_nxt),
				  TCS(rcv_wup, s->rcv_nxt) },
			  "TCP_CONN.rcv_wnd 65536 without window scaling" },
			{ x.cc, { TCS(opts, c->opts & ~ws), TCS(snd_wscale, 0),
				  TCS(rcv_wscale, 0), TCS(snd_wnd, 0),
				  TCS(max_window, 65536), TCS(rcv_wnd, 0),
				  TCS(snd_wl1, c->rcv_nxt),
				  TCS(rcv_wup, c->rcv_nxt) },
			  "TCP_CONN.max_window 65536 without window scaling" },
			{ x.cc, { TCS(snd_wl1, c->rcv_nxt + c->rcv_wnd + 1) },
			  "TCP_CONN.snd_wl1 after rcv_nxt + rcv_wnd" },
			{ x.cs, { TCS(snd_wl1, s->rcv_nxt + s->rcv_wnd + 0x7fffffff) },
			  "TCP_CONN.snd_wl1 far after rcv_nxt + rcv_wnd" },
			{ x.cc, { TCS(rcv_wup, c->rcv_nxt + 1) },
			  "TCP_CONN.rcv_wup after rcv_nxt" },
			{ x.cs, { TCS(rcv_wup, s->rcv_nxt + 0x7fffffff) },
			  "TCP_CONN.rcv_wup far after rcv_nxt" },
		};

		tc_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad), TC_MALFORMED);
	}
	/* the record's length: the struct and the queues, rounded up to 8 */
	r = grown_rec(self, x.cc, 8, -1);
	ASSERT_NE(NULL, r);
	tc_expect(_metadata, self, x.cc,
		  &(struct edit){ x.cc, true, r, self->recs[x.cc].len + 8 }, 1,
		  TC_MALFORMED, "TCP_CONN 8 zero bytes longer");
	free(r);
	for (k = 0; k < 2; k++) {
		uint32_t cut = k ? sizeof(t) : self->recs[x.cs].len - 8;

		r = grown_rec(self, x.cs, 0, -1);
		ASSERT_NE(NULL, r);
		((struct ckpt_hdr *)r)->len = cut;
		tc_expect(_metadata, self, x.cs,
			  &(struct edit){ x.cs, true, r, cut }, 1, TC_MALFORMED,
			  k ? "TCP_CONN without the bytes of its queue" :
			  "TCP_CONN cut by 8 bytes");
		free(r);
	}
	/* bounded by the record table: the struct, CKPT_REC_TCP_CONN_MAX */
	for (k = 0; k < 2; k++) {
		uint32_t len = k ? CKPT_REC_TCP_CONN_MAX + 8 : sizeof(t) - 8;
		struct edit e = { x.cs, true, NULL, sizeof(t) - 8 };

		r = grown_rec(self, x.cs, 0, -1);
		ASSERT_NE(NULL, r);
		((struct ckpt_hdr *)r)->len = len;
		e.rec = r;
		snprintf(line, sizeof(line), "bad length %u", len);
		expect_edit_logged(_metadata, self, &e, 1, EINVAL, line,
				   k ? "TCP_CONN.h.len past CKPT_REC_TCP_CONN_MAX" :
				   "TCP_CONN shorter than its struct");
		emb_expect(_metadata, self, &e, 1, EINVAL, line,
			   k ? "TCP_CONN.h.len past CKPT_REC_TCP_CONN_MAX" :
			   "TCP_CONN shorter than its struct");
		free(r);
	}
	/* what restart(RESTART_VALIDATE) takes, at the bounds */
	{
		const struct tc_bad good[] = {
			{ x.cc, { TCS(mss, 48) }, "TCP_CONN.mss 48" },
			{ x.cs, { TCS(opts, s->opts | ws), TCS(snd_wscale, 14),
				  TCS(rcv_wscale, 14) },
			  "TCP_CONN window scales of 14" },
			{ x.cc, { TCS(snd_wl1, c->rcv_nxt + c->rcv_wnd) },
			  "TCP_CONN.snd_wl1 at rcv_nxt + rcv_wnd" },
			{ x.cs, { TCS(rcv_wup, s->rcv_nxt) },
			  "TCP_CONN.rcv_wup at rcv_nxt" },
			{ x.cc, { TCS(opts, c->opts & ws) },
			  "TCP_CONN without SACK nor timestamps" },
		};

		tc_expect_bad(_metadata, self, good, ARRAY_SIZE(good), NULL);
	}

	/* the FILE_INET of an established TCP connection */
	{
		const struct tc_bad bad[] = {
			/* both addresses (IPv4: 4 bytes), both ports */
			{ x.ic, { { offsetof(struct ckpt_hdr_file_inet, laddr), 4, 0 } },
			  "FILE_INET.laddr any on a TCP connection" },
			{ x.is, { { offsetof(struct ckpt_hdr_file_inet, raddr), 4, 0 } },
			  "FILE_INET.raddr any on a TCP connection" },
			{ x.ic, { TIS(lport, 0) }, "FILE_INET.lport 0 on a TCP connection" },
			{ x.is, { TIS(rport, 0) }, "FILE_INET.rport 0 on a TCP connection" },
			/* a TCP state but CLOSE, ESTABLISHED, LISTEN */
			{ x.ic, { TIS(state, 0) }, "FILE_INET.state 0 (TCP_CONN after it)" },
			{ x.is, { TIS(state, 2) }, "FILE_INET.state SYN_SENT" },
			{ x.ic, { TIS(state, 3) }, "FILE_INET.state SYN_RECV" },
			{ x.is, { TIS(state, 4) }, "FILE_INET.state FIN_WAIT1" },
			{ x.ic, { TIS(state, 5) }, "FILE_INET.state FIN_WAIT2" },
			{ x.is, { TIS(state, 6) }, "FILE_INET.state TIME_WAIT" },
			{ x.ic, { TIS(state, 8) }, "FILE_INET.state CLOSE_WAIT" },
			{ x.is, { TIS(state, 9) }, "FILE_INET.state LAST_ACK" },
			{ x.ic, { TIS(state, 11) }, "FILE_INET.state CLOSING" },
			{ x.is, { TIS(state, 12) }, "FILE_INET.state NEW_SYN_RECV" },
			{ x.ic, { TIS(state, 0xffffffff) }, "FILE_INET.state ~0" },
			/* a peer: connected only */
			{ x.ic, { TIS(state, INET_ST_CLOSE) },
			  "FILE_INET.state CLOSE with a peer" },
			{ x.is, { TIS(state, INET_ST_LISTEN) },
			  "FILE_INET.state LISTEN with a peer" },
			/* what a connection has not */
			{ x.ic, { TIS(nr_dgrams, 1) },
			  "FILE_INET.nr_dgrams 1 on a TCP connection" },
			{ x.is, { TIS(backlog, 1) },
			  "FILE_INET.backlog on a TCP connection" },
			{ x.ic, { TIS(flags, hc->flags | CKPT_INET_SHUT_RD) },
			  "FILE_INET.flags CKPT_INET_SHUT_RD on a TCP connection" },
			{ x.is, { TIS(flags, hs->flags | CKPT_INET_SHUT_WR) },
			  "FILE_INET.flags CKPT_INET_SHUT_WR on a TCP connection" },
		};

		tc_expect_bad(_metadata, self, bad, ARRAY_SIZE(bad), IN_MALFORMED);
	}
	/* made UDP: malformed (TCP options), or no TCP_CONN read after it */
	{
		const struct tc_bad udp = { x.ic, { TIS(protocol, IPPROTO_UDP) },
					    "FILE_INET.protocol UDP on a TCP connection" };

		r = tc_with(self, &udp);
		ASSERT_NE(NULL, r);
		expect_edit(_metadata, self,
			    &(struct edit){ x.ic, true, r, self->recs[x.ic].len },
			    1, true, udp.what);
		emb_expect(_metadata, self,
			   &(struct edit){ x.ic, true, r, self->recs[x.ic].len },
			   1, EINVAL, NULL, udp.what);
		free(r);
	}

	/* a TCP_CONN right after an established connection's FILE_INET only */
	{
		const struct {
			struct edit e;
			const char *line, *what;
		} st[] = {
			{ { x.cc, true, NULL, 0 }, "expected a tcp_conn record, found file",
			  "the client's TCP_CONN left out" },
			{ { x.cs, true, NULL, 0 }, "expected a tcp_conn record, found ",
			  "the accepted end's TCP_CONN left out" },
			{ { x.cc, false, rec_at(self, x.cc), self->recs[x.cc].len },
			  "expected a file or fdtable record, found tcp_conn",
			  "the client's TCP_CONN twice" },
			{ { x.ii + 1, false, rec_at(self, x.cs), self->recs[x.cs].len },
			  "expected a file or fdtable record, found tcp_conn",
			  "a TCP_CONN after the inherited report pipe" },
		};

		for (k = 0; k < (int)ARRAY_SIZE(st); k++) {
			expect_edit_logged(_metadata, self, &st[k].e, 1, EINVAL,
					   st[k].line, st[k].what);
			emb_expect(_metadata, self, &st[k].e, 1, EINVAL,
				   st[k].line, st[k].what);
		}
	}
	/* the client a socket never connected, bound: its TCP_CONN stray */
	{
		const struct tc_bad never = { x.ic, {
			TIS(state, INET_ST_CLOSE), TIS(rport, 0),
			{ offsetof(struct ckpt_hdr_file_inet, raddr), 4, 0 },
			TIS(flags, hc->flags | CKPT_INET_BOUND_ADDR) },
			"FILE_INET of the client made a socket never connected, bound" };

		r = tc_with(self, &never);
		ASSERT_NE(NULL, r);
		emb_expect(_metadata, self,
			   &(struct edit){ x.ic, true, r, self->recs[x.ic].len },
			   1, EINVAL, "expected a file or fdtable record, found tcp_conn",
			   never.what);
		free(r);
	}

	/* nothing of the refused restarts is left: the image restarts again */
	emb_nothing_left(_metadata, "after the damaged images");
	expect_edit(_metadata, self, NULL, 0, false,
		    "the image as written, after the refusals");
	emb_nothing_left(_metadata, "after the last restart");
	check_no_splat(_metadata, self);
}

/* ---- inodes: INODE, and the FILE and VMA records that name one -------- */

/* The first VMA record of type @type naming an INODE (@named) or not, or -1 */
static int vma_of(FIXTURE_DATA(image) *self, uint32_t type, bool named)
{
	const struct ckpt_hdr_vma *v;
	int i;

	for (i = 0; i < self->nr; i++) {
		if (self->recs[i].type != CKPT_HDR_VMA)
			continue;
		v = rec_at(self, i);
		if (v->type == type && !!v->shm_objref == named)
			return i;
	}
	return -1;
}

/* The path of the file VMA record @v */
static const char *vma_path(FIXTURE_DATA(image) *self, int v)
{
	const struct ckpt_hdr_vma *h = rec_at(self, v);

	return (const char *)(h + 1);
}

/*
 * Record @i with @size bytes at @off set to @val: refused with @err and a
 * log line that says @log (NULL: any line)
 */
static void ino_expect_bad(struct __test_metadata *_metadata,
			   FIXTURE_DATA(image) *self, int i, size_t off,
			   size_t size, uint64_t val, int err, const char *log,
			   const char *what)
{
	unsigned char *r = grown_rec(self, i, 0, -1);
	struct edit e = { i, true, r, self->recs[i].len };

	ASSERT_NE(NULL, r);
	ASSERT_LE(off + size, (size_t)self->recs[i].len);
	memcpy(r + off, &val, size);
	if (log)
		expect_edit_logged(_metadata, self, &e, 1, err, log, what);
	else
		expect_edit_err(_metadata, self, &e, 1, err, what);
	free(r);
}

/*
 * The identity of a file reopened by path: an INODE record right before
 * the FILE of a regular file or a directory, or the VMA of a mapped file,
 * that names it. Refused with EINVAL and a line: an INODE whose dev is
 * above 32 bits ("inode record N: malformed"), whose objref is 0 or past
 * CKPT_MAX_OBJS ("bad objref"), or another object's ("used twice"); one
 * left out, repeated, or after the FILE that names it; an extensible
 * tail that is not zero. A FILE naming what is no INODE read before (a
 * FILE, nothing, an INODE that comes later: "no such object"); a FILE of
 * another type (a pipe end, /dev/null, an inherited pipe) naming one at
 * all ("file record N: malformed"). A file VMA naming a FILE or nothing
 * ("no such object"), or with a size; an anonymous VMA naming an INODE
 * ("vma record ...: invalid"). A FILE, or a file VMA, naming the INODE
 * of another file read before: ESTALE, the line naming the path. Taken,
 * the victim intact: a FILE or a file VMA naming none (0: no check).
 */
TEST_F_TIMEOUT(image, inode_records_damaged, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_inode *ino;
	const struct ckpt_hdr_file *f;
	int fi, ii, oi, di, pf, nf, rf, v, vi, av, k;
	uint32_t ref, vref;
	char log[512], what[96];

	make_victim(_metadata, self, (void *)1);
	fi = file_of_fd(self, 30);
	oi = file_of_fd(self, 1);		/* ck.out, before fd 30's */
	di = file_of_fd(self, 32);		/* the directory, after it */
	pf = file_of_fd(self, 33);		/* a pipe end */
	nf = file_of_fd(self, 31);		/* /dev/null */
	rf = file_of_fd(self, CK_REPORT_FD);	/* the inherited report pipe */
	ASSERT_TRUE(fi > 0 && oi > 0 && di > 0 && pf > 0 && nf > 0 && rf > 0);
	ASSERT_LT(oi, fi);
	ASSERT_LT(fi, di);
	f = rec_at(self, fi);
	ii = fi - 1;
	ASSERT_EQ((uint32_t)CKPT_HDR_INODE, self->recs[ii].type);
	ino = rec_at(self, ii);
	ref = ino->objref;
	ASSERT_EQ(ref, f->inode_objref);
	v = vma_of(self, CKPT_VMA_FILE, true);
	ASSERT_LT(0, v) TH_LOG("no file vma with an INODE");
	vref = ((const struct ckpt_hdr_vma *)rec_at(self, v))->shm_objref;
	vi = inode_before(self, vref, v);
	ASSERT_EQ(v - 1, vi) TH_LOG("the INODE of the first file vma");
	av = vma_of(self, CKPT_VMA_ANON, false);
	ASSERT_LT(0, av);

	/* the image as written */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");

	/* INODE: dev, objref */
	snprintf(log, sizeof(log), "inode record %u: malformed", ref);
	ino_expect_bad(_metadata, self, ii, FIELD(ckpt_hdr_inode, dev),
		       1ULL << 32, EINVAL, log, "INODE.dev bit 32");
	ino_expect_bad(_metadata, self, ii, FIELD(ckpt_hdr_inode, dev),
		       ~0ULL, EINVAL, log, "INODE.dev ~0");
	ino_expect_bad(_metadata, self, ii, FIELD(ckpt_hdr_inode, objref), 0,
		       EINVAL, "bad objref 0", "INODE.objref 0");
	ino_expect_bad(_metadata, self, ii, FIELD(ckpt_hdr_inode, objref),
		       0xffffffffU, EINVAL, "bad objref 4294967295",
		       "INODE.objref ~0");
	snprintf(log, sizeof(log), "objref %u used twice", objref_of(self, oi));
	ino_expect_bad(_metadata, self, ii, FIELD(ckpt_hdr_inode, objref),
		       objref_of(self, oi), EINVAL, log,
		       "INODE.objref of a FILE read before");
	/* its FILE's objref: the FILE is refused then */
	snprintf(log, sizeof(log), "file record %u: malformed", f->objref);
	ino_expect_bad(_metadata, self, ii, FIELD(ckpt_hdr_inode, objref),
		       f->objref, EINVAL, log,
		       "INODE.objref of the FILE that names it");

	/* INODE: left out, twice, after the FILE that names it */
	snprintf(log, sizeof(log), "objref %u: no such object", ref);
	expect_edit_logged(_metadata, self,
			   &(struct edit){ ii, true, NULL, 0 }, 1, EINVAL, log,
			   "INODE left out");
	snprintf(log, sizeof(log), "objref %u used twice", ref);
	expect_edit_logged(_metadata, self,
			   &(struct edit){ ii, false, rec_at(self, ii),
					   self->recs[ii].len }, 1, EINVAL, log,
			   "INODE twice");
	{
		const struct edit e[2] = {
			{ ii, true, NULL, 0 },
			{ fi + 1, false, rec_at(self, ii), self->recs[ii].len },
		};

		expect_edit_logged(_metadata, self, e, 2, EINVAL,
				   "expected a string record, found inode",
				   "INODE after the FILE that names it");
	}
	snprintf(log, sizeof(log), "objref %u: no such object", vref);
	expect_edit_logged(_metadata, self,
			   &(struct edit){ vi, true, NULL, 0 }, 1, EINVAL, log,
			   "the INODE of a file vma left out");

	/* FILE.inode_objref: 0 is taken, no INODE or another one is not */
	ino_expect_bad(_metadata, self, fi, FIELD(ckpt_hdr_file, inode_objref),
		       0, 0, NULL, "FILE (REG).inode_objref 0");
	ino_expect_bad(_metadata, self, di, FIELD(ckpt_hdr_file, inode_objref),
		       0, 0, NULL, "FILE (DIR).inode_objref 0");
	snprintf(log, sizeof(log), "objref %u: no such object",
		 objref_of(self, oi));
	ino_expect_bad(_metadata, self, fi, FIELD(ckpt_hdr_file, inode_objref),
		       objref_of(self, oi), EINVAL, log,
		       "FILE (REG).inode_objref of a FILE");
	ino_expect_bad(_metadata, self, fi, FIELD(ckpt_hdr_file, inode_objref),
		       0xffff, EINVAL, "objref 65535: no such object",
		       "FILE (REG).inode_objref of nothing");
	f = rec_at(self, di);
	snprintf(log, sizeof(log), "objref %u: no such object", f->inode_objref);
	ino_expect_bad(_metadata, self, fi, FIELD(ckpt_hdr_file, inode_objref),
		       f->inode_objref, EINVAL, log,
		       "FILE (REG).inode_objref of an INODE that comes later");
	f = rec_at(self, oi);
	snprintf(log, sizeof(log), "%s was replaced since the checkpoint",
		 ck_path("victim-file"));
	ino_expect_bad(_metadata, self, fi, FIELD(ckpt_hdr_file, inode_objref),
		       f->inode_objref, ESTALE, log,
		       "FILE (REG).inode_objref of another file's INODE");
	snprintf(log, sizeof(log), "%s was replaced since the checkpoint",
		 ck.dir);
	ino_expect_bad(_metadata, self, di, FIELD(ckpt_hdr_file, inode_objref),
		       ref, ESTALE, log,
		       "FILE (DIR).inode_objref of a regular file's INODE");
	/* on a file that is not reopened by path: any */
	for (k = 0; k < 3; k++) {
		int t = k == 0 ? pf : k == 1 ? nf : rf;

		snprintf(log, sizeof(log), "file record %u: malformed",
			 objref_of(self, t));
		snprintf(what, sizeof(what), "FILE (%s).inode_objref of an INODE",
			 ftype_name[((const struct ckpt_hdr_file *)rec_at(self, t))->type]);
		ino_expect_bad(_metadata, self, t,
			       FIELD(ckpt_hdr_file, inode_objref), ref, EINVAL,
			       log, what);
	}

	/* a file vma's shm_objref: its INODE, or 0 */
	ino_expect_bad(_metadata, self, v, FIELD(ckpt_hdr_vma, shm_objref), 0,
		       0, NULL, "VMA (FILE).shm_objref 0");
	snprintf(log, sizeof(log), "objref %u: no such object",
		 objref_of(self, oi));
	ino_expect_bad(_metadata, self, v, FIELD(ckpt_hdr_vma, shm_objref),
		       objref_of(self, oi), EINVAL, log,
		       "VMA (FILE).shm_objref of a FILE");
	ino_expect_bad(_metadata, self, v, FIELD(ckpt_hdr_vma, shm_objref),
		       0xffff, EINVAL, "objref 65535: no such object",
		       "VMA (FILE).shm_objref of nothing");
	snprintf(log, sizeof(log), "%s was replaced since the checkpoint",
		 vma_path(self, v));
	ino_expect_bad(_metadata, self, v, FIELD(ckpt_hdr_vma, shm_objref), ref,
		       ESTALE, log, "VMA (FILE).shm_objref of another file's INODE");
	ino_expect_bad(_metadata, self, v, FIELD(ckpt_hdr_vma, shm_size), 4096,
		       EINVAL, "vma record", "VMA (FILE) with a shm_size");
	ino_expect_bad(_metadata, self, av, FIELD(ckpt_hdr_vma, shm_objref),
		       vref, EINVAL, "vma record", "VMA (ANON) naming an INODE");
	check_no_splat(_metadata, self);
}

/* The line restart logs for the VMA record @v with @flags: invalid */
static const char *vma_invalid_log(FIXTURE_DATA(image) *self, int v,
				   uint32_t flags, char *buf, size_t len)
{
	const struct ckpt_hdr_vma *h = rec_at(self, v);

	snprintf(buf, len, "vma record %llx-%llx: invalid (type %u, flags %#x, object %u)",
		 (unsigned long long)h->start, (unsigned long long)h->end,
		 h->type, flags, h->shm_objref);
	return buf;
}

/*
 * CKPT_VMA_F_EXE, "this vma's file is the executable" (a deleted one):
 * only a deleted file's vma says it, and only in an mm whose MM record
 * names no executable. Refused with EINVAL and a line: the flag on an
 * anonymous vma and on a file vma ("vma record ...: invalid"); on the
 * deleted file's vma of the deleted file victim, whose MM record names
 * the test program ("vma ...: a second executable").
 */
TEST_F_TIMEOUT(image, vma_exe_flag_refused, 2 * CK_TIMEOUT)
{
	const struct ckpt_hdr_vma *vh;
	struct unn_recs r;
	char log[160];
	uint32_t flags;
	int v, av, mm;

	v = vma_of(self, CKPT_VMA_FILE, true);
	ASSERT_LT(0, v) TH_LOG("no file vma with an INODE");
	av = vma_of(self, CKPT_VMA_ANON, false);
	ASSERT_LT(0, av);
	vh = rec_at(self, av);
	EXPECT_EQ(0U, vh->flags & CKPT_VMA_F_EXE);
	flags = vh->flags | CKPT_VMA_F_EXE;
	ino_expect_bad(_metadata, self, av, FIELD(ckpt_hdr_vma, flags), flags,
		       EINVAL, vma_invalid_log(self, av, flags, log, sizeof(log)),
		       "VMA (ANON) with CKPT_VMA_F_EXE");
	vh = rec_at(self, v);
	EXPECT_EQ(0U, vh->flags & CKPT_VMA_F_EXE);
	flags = vh->flags | CKPT_VMA_F_EXE;
	ino_expect_bad(_metadata, self, v, FIELD(ckpt_hdr_vma, flags), flags,
		       EINVAL, vma_invalid_log(self, v, flags, log, sizeof(log)),
		       "VMA (FILE) with CKPT_VMA_F_EXE");

	/* a deleted file's vma, but the MM record names the executable */
	unn_load(_metadata, self, UNN_DELETED, &r);
	mm = first_rec(self, CKPT_HDR_MM);
	ASSERT_LE(0, mm);
	ASSERT_NE(0U, ((const struct ckpt_hdr_mm *)rec_at(self, mm))->exe_len);
	vh = rec_at(self, r.v);
	EXPECT_EQ(0U, vh->flags & CKPT_VMA_F_EXE);
	snprintf(log, sizeof(log), "vma %llx: a second executable",
		 (unsigned long long)vh->start);
	ino_expect_bad(_metadata, self, r.v, FIELD(ckpt_hdr_vma, flags),
		       vh->flags | CKPT_VMA_F_EXE, EINVAL, log,
		       "VMA (DELETED) with CKPT_VMA_F_EXE, the MM naming the executable");
	check_no_splat(_metadata, self);
}

/*
 * Copy-on-write sharing with a parent: an MM record CKPT_MM_F_FORKED (the
 * mm starts as a copy of the parent's), its vmas CKPT_VMA_F_INHERITED,
 * their PAGES naming the parent's pages (nr_parent, addresses marked
 * CKPT_PAGE_PARENT, without contents). The victim is one process, the
 * image's first task, restarted with RESTART_TASKSELF: it has no parent
 * to share with. Refused with EINVAL and a line: its MM record forked
 * ("mm: bad record"); an anonymous vma and a file vma inherited in its mm,
 * not forked ("vma record ...: invalid"); the PAGES of a plain vma with
 * nr_parent 1, the length kept, or above nr_pages ("vma ...: bad pages
 * record"); one of their addresses marked the parent's and its contents
 * left out, nr_parent 1, the length as the counts say ("vma ...: bad
 * page..."); an address marked, nr_parent 0.
 */
TEST_F_TIMEOUT(image, fork_sharing_refused, 2 * CK_TIMEOUT)
{
	const struct ckpt_hdr_pages *ph;
	const struct ckpt_hdr_vma *vh;
	const uint64_t *addr;
	unsigned char *r;
	char log[160];
	uint32_t flags;
	int i, mm, v, pg;
	size_t len;

	/* the MM record of the first task */
	mm = first_rec(self, CKPT_HDR_MM);
	ASSERT_LE(0, mm);
	flags = ((const struct ckpt_hdr_mm *)rec_at(self, mm))->flags;
	EXPECT_EQ(0U, flags & CKPT_MM_F_FORKED);
	ino_expect_bad(_metadata, self, mm, FIELD(ckpt_hdr_mm, flags),
		       flags | CKPT_MM_F_FORKED, EINVAL, "bad record",
		       "MM with CKPT_MM_F_FORKED, of the image's first task");

	/* inherited vmas of an mm not forked: anonymous, of a file */
	v = vma_of(self, CKPT_VMA_ANON, false);
	ASSERT_LT(0, v);
	for (i = 0; i < 2; i++, v = vma_of(self, CKPT_VMA_FILE, true)) {
		ASSERT_LT(0, v) TH_LOG("no file vma with an INODE");
		vh = rec_at(self, v);
		EXPECT_EQ(0U, vh->flags & CKPT_VMA_F_INHERITED);
		snprintf(log, sizeof(log), "vma record %llx-%llx: invalid",
			 (unsigned long long)vh->start,
			 (unsigned long long)vh->end);
		ino_expect_bad(_metadata, self, v, FIELD(ckpt_hdr_vma, flags),
			       vh->flags | CKPT_VMA_F_INHERITED, EINVAL, log,
			       i ? "VMA (FILE) with CKPT_VMA_F_INHERITED, the mm not forked" :
				   "VMA (ANON) with CKPT_VMA_F_INHERITED, the mm not forked");
	}

	/* the pages of the victim's region: a plain private anonymous vma */
	for (v = -1, i = 0; i < self->nr && v < 0; i++) {
		vh = rec_at(self, i);
		if (self->recs[i].type == CKPT_HDR_VMA &&
		    vh->start <= self->region && self->region < vh->end)
			v = i;
	}
	ASSERT_LE(0, v) TH_LOG("no vma at the region %#lx", self->region);
	vh = rec_at(self, v);
	ASSERT_EQ((uint32_t)CKPT_VMA_ANON, vh->type);
	EXPECT_EQ(0U, vh->flags & (CKPT_VMA_F_SHARED | CKPT_VMA_F_INHERITED));
	pg = v + 1;
	ASSERT_LT(pg, self->nr);
	ASSERT_EQ((uint32_t)CKPT_HDR_PAGES, self->recs[pg].type);
	ph = rec_at(self, pg);
	addr = (const void *)(ph + 1);
	ASSERT_LT(0U, ph->nr_pages);
	EXPECT_EQ(0U, ph->nr_parent);

	snprintf(log, sizeof(log), "vma %llx: bad pages record",
		 (unsigned long long)vh->start);
	ino_expect_bad(_metadata, self, pg, FIELD(ckpt_hdr_pages, nr_parent), 1,
		       EINVAL, log, "PAGES of a plain vma: nr_parent 1 (len kept)");
	ino_expect_bad(_metadata, self, pg, FIELD(ckpt_hdr_pages, nr_parent),
		       ph->nr_pages + 1, EINVAL, log,
		       "PAGES: nr_parent above nr_pages");

	/* a well-formed record of the parent's page: the vma is not inherited */
	r = parent_page_rec(self, pg, 0, &len);
	ASSERT_NE(NULL, r);
	snprintf(log, sizeof(log), "vma %llx: bad page",
		 (unsigned long long)vh->start);
	expect_edit_logged(_metadata, self, &(struct edit){ pg, true, r, len },
			   1, EINVAL, log,
			   "PAGES of a plain vma: addr[0] the parent's, nr_parent 1, its contents left out");
	free(r);

	/* an address marked, not counted (the length kept) */
	ino_expect_bad(_metadata, self, pg, PG_ADDR(0),
		       addr[0] | CKPT_PAGE_PARENT, EINVAL, NULL,
		       "PAGES: addr[0] the parent's, nr_parent 0");
	check_no_splat(_metadata, self);
}

/*
 * A file the image holds by path, replaced since the checkpoint: the
 * INODE record of fd 30's file, or of the victim's program, another
 * file's (its number, its generation or its device changed): restart
 * fails with ESTALE, the caller unharmed, and a line names the path, the
 * inode there and the one the image saw; restart(RESTART_VALIDATE) says
 * ESTALE too. With RESTART_ACCEPT_REPLACED the file is taken as it is:
 * the victim resumes (intact: the file at the path is in fact the one it
 * had), and RESTART_VALIDATE | RESTART_ACCEPT_REPLACED takes the image.
 */
TEST_F_TIMEOUT(image, replaced_file_refused, 3 * CK_TIMEOUT)
{
	const struct ckpt_hdr_inode *ino;
	struct ckpt_hdr_inode *e;
	char log[1024], what[400], path[300];
	int fi, v, ii, vi, k, n;
	struct stat st;
	struct edit ed;

	fi = file_of_fd(self, 30);
	ASSERT_LT(0, fi);
	ii = fi - 1;
	ASSERT_EQ((uint32_t)CKPT_HDR_INODE, self->recs[ii].type);
	v = vma_of(self, CKPT_VMA_FILE, true);
	ASSERT_LT(0, v);
	vi = v - 1;
	ASSERT_EQ((uint32_t)CKPT_HDR_INODE, self->recs[vi].type);

	for (n = 0; n < 2; n++) {
		int i = n ? vi : ii;

		snprintf(path, sizeof(path), "%s",
			 n ? vma_path(self, v) : ck_path("victim-file"));
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		ino = rec_at(self, i);
		ASSERT_EQ((uint64_t)st.st_ino, ino->ino);
		for (k = 0; k < 3; k++) {
			e = (void *)grown_rec(self, i, 0, -1);
			ASSERT_NE(NULL, e);
			if (k == 0)
				e->ino++;
			else if (k == 1)
				e->generation ^= 1;
			else
				e->dev ^= 1;
			ed = (struct edit){ i, true, e, self->recs[i].len };
			snprintf(what, sizeof(what), "%s: INODE.%s changed",
				 path, k == 0 ? "ino" : k == 1 ? "generation" :
				 "dev");
			snprintf(log, sizeof(log),
				 "%s was replaced since the checkpoint: inode %llu on %u:%u, was %llu on %u:%u; RESTART_ACCEPT_REPLACED (ckpt restart --accept-replaced) takes it as it is",
				 path, (unsigned long long)st.st_ino,
				 major(st.st_dev), minor(st.st_dev),
				 (unsigned long long)e->ino,
				 (unsigned int)((e->dev & 0xfff00) >> 8),
				 (unsigned int)((e->dev & 0xff) |
						((e->dev >> 12) & 0xfff00)));
			try_flags = 0;
			expect_edit_logged(_metadata, self, &ed, 1, ESTALE, log,
					   what);
			EXPECT_EQ(ESTALE, validate_edit_flags(self, &ed, 1, 0))
				TH_LOG("%s: RESTART_VALIDATE", what);
			/* taken as it is */
			try_flags = RESTART_ACCEPT_REPLACED;
			expect_edit(_metadata, self, &ed, 1, false, what);
			try_flags = 0;
			EXPECT_EQ(0, validate_edit_flags(self, &ed, 1,
							 RESTART_ACCEPT_REPLACED))
				TH_LOG("%s: RESTART_VALIDATE | RESTART_ACCEPT_REPLACED",
				       what);
			free(e);
		}
	}
	/* the image as written needs no flag, and takes it */
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");
	try_flags = RESTART_ACCEPT_REPLACED;
	expect_edit(_metadata, self, NULL, 0, false,
		    "the image as written, RESTART_ACCEPT_REPLACED");
	try_flags = 0;
	check_no_splat(_metadata, self);
}

/* Files of procfs, sysfs and cgroupfs at fds 35..., and a directory of procfs */
static const char *const pseudo_paths[] = {
	"/proc/version", "/sys/devices/system/cpu/possible",
	"/sys/fs/cgroup/cgroup.controllers", "/proc/sys",
};

static void pseudo_body(void *arg)
{
	unsigned int k;
	int fd;

	for (k = 0; k < ARRAY_SIZE(pseudo_paths); k++) {
		fd = open(pseudo_paths[k], O_RDONLY);
		CK_ASSERT(fd >= 0 && ck_move_fd(fd, 35 + k) == 35 + (int)k,
			  "%s", pseudo_paths[k]);
	}
	if (ck_checkpoint_self() > 0)
		_exit(0);
	ck_report("RESUMED intact");
	_exit(CK_EXIT_RESUMED);
}

/*
 * Files of procfs, sysfs and cgroupfs (and a directory of procfs) are
 * made again as they are looked up, with other inode numbers, and what
 * their path leads to is the same thing: their FILE records name no
 * INODE, and the image restores, with RESTART_ACCEPT_REPLACED or without.
 */
TEST_F_TIMEOUT(image, pseudo_files_name_no_inode, CK_TIMEOUT)
{
	const struct ckpt_hdr_file *f;
	char why[256] = "";
	const char *path;
	unsigned int k;
	int i;

	ck_checkpoint_child(_metadata, NULL, 0, pseudo_body, NULL);
	load_image(_metadata, self);
	EXPECT_TRUE(order_ok(self, why, sizeof(why))) TH_LOG("%s", why);
	for (k = 0; k < ARRAY_SIZE(pseudo_paths); k++) {
		i = file_of_fd(self, 35 + k);
		ASSERT_LE(0, i) TH_LOG("no FILE for %s", pseudo_paths[k]);
		f = rec_at(self, i);
		EXPECT_TRUE(by_path(f->type)) TH_LOG("%s", pseudo_paths[k]);
		EXPECT_EQ(0U, f->inode_objref) TH_LOG("%s", pseudo_paths[k]);
		path = string_at(self, file_part(self, i, CKPT_HDR_STRING));
		EXPECT_TRUE(path && !strcmp(path, pseudo_paths[k]))
			TH_LOG("%s: the path %s", pseudo_paths[k], path ?: "(none)");
	}
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");
	try_flags = RESTART_ACCEPT_REPLACED;
	expect_edit(_metadata, self, NULL, 0, false,
		    "the image as written, RESTART_ACCEPT_REPLACED");
	try_flags = 0;
	check_no_splat(_metadata, self);
}

/* ---- the owner and signal of an open file: FILE.owner... ----------------- */

#define OWN_SIG		34	/* glibc's SIGRTMIN */

/* OWNERS with fd @fd's entry "@fd none 0" followed by @tail */
static const char *owners_with(int fd, const char *tail)
{
	static char buf[160];
	size_t at = 0;
	int k;

	for (k = 30; k <= 34; k++)
		at += snprintf(buf + at, sizeof(buf) - at, "%s%d none 0%s",
			       at ? ", " : "", k, k == fd ? tail : "");
	return buf;
}

/*
 * The FILE record @i given @owner, @type, @sig, O_ASYNC in its f_flags
 * (@async) and @afd (async_fd): refused with EINVAL and restart's line
 * "a bad owner" naming the four (@refused), or @log (not NULL), or the
 * victim resumes intact - and says (@owners not NULL) "OWNERS @owners"
 */
static void own_expect_async(struct __test_metadata *_metadata,
			     FIXTURE_DATA(image) *self, int i, int32_t owner,
			     uint32_t type, uint32_t sig, bool async,
			     int32_t afd, bool refused, const char *log,
			     const char *owners, const char *what)
{
	static const char bad[] =
		"file record %u: a bad owner (pid %d, type %u, signal %u, async fd %d)";
	struct ckpt_hdr_file *f = (void *)grown_rec(self, i, 0, -1);
	struct edit e = { i, true, f, self->recs[i].len };
	char line[160];

	ASSERT_NE(NULL, f);
	ASSERT_LE(sizeof(*f), (size_t)self->recs[i].len);
	f->owner = owner;
	f->owner_type = type;
	f->signum = sig;
	if (async)
		f->f_flags |= O_ASYNC;
	f->async_fd = afd;
	if (refused || log) {
		if (log)
			snprintf(line, sizeof(line), "file record %u: %s",
				 f->objref, log);
		else
			snprintf(line, sizeof(line), bad, f->objref, owner,
				 type, sig, afd);
		expect_edit_logged(_metadata, self, &e, 1, EINVAL, line, what);
	} else {
		expect_edit(_metadata, self, &e, 1, false, what);
		if (owners)
			EXPECT_STREQ(owners, reported("OWNERS "))
				TH_LOG("%s: the victim's owners", what);
	}
	free(f);
}

/* The same, without O_ASYNC */
static void own_expect(struct __test_metadata *_metadata,
		       FIXTURE_DATA(image) *self, int i, int32_t owner,
		       uint32_t type, uint32_t sig, int32_t afd, bool refused,
		       const char *owners, const char *what)
{
	own_expect_async(_metadata, self, i, owner, type, sig, false, afd,
			 refused, NULL, owners, what);
}

/* The FILE record @i given O_ASYNC and @afd, and nothing else */
static void async_expect(struct __test_metadata *_metadata,
			 FIXTURE_DATA(image) *self, int i, int32_t afd,
			 bool refused, const char *log, const char *owners,
			 const char *what)
{
	own_expect_async(_metadata, self, i, 0, 0, 0, true, afd, refused, log,
			 owners, what);
}

/*
 * FILE.owner, owner_type, signum and async_fd: the owner of an open file
 * (F_SETOWN, F_SETOWN_EX) by image pid, its signal (F_SETSIG), and with
 * O_ASYNC in f_flags the fd its signals name. The image as written has
 * none, and the victim sees none. Refused with EINVAL and "a bad owner
 * (pid P, type T, signal S, async fd A)": a signal above 64; an async fd
 * without O_ASYNC (-1 too), one below -1, one past nr_open; a negative owner (a group as F_SETOWN
 * takes it too); an owner type above CKPT_OWNER_PGRP; an owner without a
 * type, a type without an owner; an owner of no task of the TREE, by each
 * type; an owner, a signal or O_ASYNC alone on an inherited file, a pidfd
 * or a /proc file, which restart does not make itself. Refused with "an
 * async fd for a file without a signal list": O_ASYNC with an async fd on
 * the regular file, /dev/null, the directory (no ->fasync), fd 0 too.
 * Taken, the
 * victim resuming intact and reading them with F_GETOWN_EX, F_GETSIG and
 * F_GETFL, by its pid as it is now: itself as the owner of its pipe's
 * read end (a process, with a signal) and write end (a thread), of
 * /dev/null with a signal; a signal alone, up to 64, on the regular file
 * and the directory; O_ASYNC with async fd 7 on the pipe's read end, with
 * fd 0 on its write end, alone (async fd -1: the bare flag of
 * open(O_ASYNC)) on the regular file and the pipe's read end. Its own
 * pid as a group's: taken (a process of the tree; which group it leads is
 * the TREE's business).
 */
TEST_F_TIMEOUT(image, file_owner_fields, 4 * CK_TIMEOUT)
{
	static const char none5[] =
		"30 none 0, 31 none 0, 32 none 0, 33 none 0, 34 none 0";
	int reg, chr, dir, rd, wr, inh, pf, sf, i;
	const struct ckpt_hdr_file *f;
	int32_t pid, stranger;
	long lpid;

	make_victim(_metadata, self, (void *)1);
	pid = self->pid;
	/* the victim is the tree's one task */
	stranger = pid + 1;
	reg = file_of_fd(self, 30);
	chr = file_of_fd(self, 31);
	dir = file_of_fd(self, 32);
	rd = file_of_fd(self, 33);
	wr = file_of_fd(self, 34);
	inh = find_file(self, CKPT_FILE_INHERITED, 0);
	ASSERT_TRUE(reg >= 0 && chr >= 0 && dir >= 0 && rd >= 0 && wr >= 0 &&
		    inh >= 0);
	for (i = 0; i < self->nr; i++) {
		if (self->recs[i].type != CKPT_HDR_FILE)
			continue;
		f = rec_at(self, i);
		ASSERT_LE(sizeof(*f), (size_t)f->h.len);
		EXPECT_TRUE(!f->owner && !f->owner_type && !f->signum &&
			    !f->async_fd && !(f->f_flags & O_ASYNC))
			TH_LOG("FILE #%u: owner %d type %u signal %u flags %#o async fd %d",
			       f->objref, f->owner, f->owner_type, f->signum,
			       f->f_flags, f->async_fd);
	}
	expect_edit(_metadata, self, NULL, 0, false, "the image as written");
	EXPECT_STREQ(none5, reported("OWNERS "));

	/* the record alone says it is wrong */
	own_expect(_metadata, self, reg, 0, 0, CKPT_NSIG + 1, 0, true, NULL,
		   "FILE (REG).signum 65");
	own_expect(_metadata, self, rd, pid, CKPT_OWNER_PID, 0xffffffff, 0,
		   true, NULL, "FILE (PIPE): an owner, signum ~0");
	own_expect(_metadata, self, reg, 0, 0, 0, 1, true, NULL,
		   "FILE (REG).async_fd 1 without O_ASYNC");
	own_expect(_metadata, self, rd, 0, 0, 0, 7, true, NULL,
		   "FILE (PIPE).async_fd 7 without O_ASYNC");
	own_expect(_metadata, self, rd, pid, CKPT_OWNER_PID, OWN_SIG,
		   INT32_MIN, true, NULL,
		   "FILE (PIPE): an owner and a signal, async_fd INT_MIN");
	async_expect(_metadata, self, rd, -2, true, NULL, NULL,
		     "FILE (PIPE): O_ASYNC, async_fd -2");
	async_expect(_metadata, self, rd, INT32_MAX, true, NULL, NULL,
		     "FILE (PIPE): O_ASYNC, async_fd INT_MAX, past nr_open");
	own_expect(_metadata, self, reg, 0, 0, 0, -1, true, NULL,
		   "FILE (REG).async_fd -1 without O_ASYNC");
	own_expect(_metadata, self, rd, -1, CKPT_OWNER_PID, 0, 0, true, NULL,
		   "FILE (PIPE).owner -1");
	own_expect(_metadata, self, rd, -pid, CKPT_OWNER_PGRP, 0, 0, true,
		   NULL, "FILE (PIPE).owner -pid, a group as F_SETOWN takes it");
	own_expect(_metadata, self, rd, INT32_MIN, CKPT_OWNER_TID, 0, 0, true,
		   NULL, "FILE (PIPE).owner INT_MIN");
	own_expect(_metadata, self, rd, pid, CKPT_OWNER_PGRP + 1, 0, 0, true,
		   NULL, "FILE (PIPE).owner_type 4");
	own_expect(_metadata, self, rd, pid, 0xffffffff, 0, 0, true, NULL,
		   "FILE (PIPE).owner_type ~0");
	own_expect(_metadata, self, rd, pid, 0, 0, 0, true, NULL,
		   "FILE (PIPE): an owner without a type");
	own_expect(_metadata, self, rd, pid, 0, OWN_SIG, 0, true, NULL,
		   "FILE (PIPE): an owner without a type, a signal");
	own_expect(_metadata, self, rd, 0, CKPT_OWNER_PID, 0, 0, true, NULL,
		   "FILE (PIPE): a type without an owner");
	own_expect(_metadata, self, wr, 0, CKPT_OWNER_TID, OWN_SIG, 0, true,
		   NULL, "FILE (PIPE): a type without an owner, a signal");
	/* with the TREE's */
	own_expect(_metadata, self, rd, stranger, CKPT_OWNER_PID, 0, 0, true,
		   NULL, "FILE (PIPE): a process owner of no task of the tree");
	own_expect(_metadata, self, wr, stranger, CKPT_OWNER_TID, 0, 0, true,
		   NULL, "FILE (PIPE): a thread owner of no task of the tree");
	own_expect(_metadata, self, chr, stranger, CKPT_OWNER_PGRP, 0, 0, true,
		   NULL, "FILE (CHR): a group owner of no task of the tree");
	/* with its type: a file restart does not make itself */
	own_expect(_metadata, self, inh, pid, CKPT_OWNER_PID, 0, 0, true, NULL,
		   "FILE (INHERITED): owned by the victim");
	own_expect(_metadata, self, inh, 0, 0, OWN_SIG, 0, true, NULL,
		   "FILE (INHERITED): a signal alone");
	async_expect(_metadata, self, inh, 0, true, NULL, NULL,
		     "FILE (INHERITED): O_ASYNC alone");
	/* with the file: one without ->fasync() has no fd to name */
	async_expect(_metadata, self, reg, 3, false,
		     "an async fd for a file without a signal list", NULL,
		     "FILE (REG): O_ASYNC, async_fd 3");
	async_expect(_metadata, self, chr, 3, false,
		     "an async fd for a file without a signal list", NULL,
		     "FILE (CHR /dev/null): O_ASYNC, async_fd 3");
	async_expect(_metadata, self, dir, 0, false,
		     "an async fd for a file without a signal list", NULL,
		     "FILE (DIR): O_ASYNC, async_fd 0");

	/* taken, and seen by the restored victim as it is now */
	own_expect(_metadata, self, rd, pid, CKPT_OWNER_PID, OWN_SIG, 0,
		   false, "30 none 0, 31 none 0, 32 none 0, 33 pid self 34, 34 none 0",
		   "FILE (PIPE): the victim's, as a process, with signal 34");
	own_expect(_metadata, self, wr, pid, CKPT_OWNER_TID, 0, 0, false,
		   "30 none 0, 31 none 0, 32 none 0, 33 none 0, 34 thread self 0",
		   "FILE (PIPE): the victim's, as a thread");
	own_expect(_metadata, self, chr, pid, CKPT_OWNER_PID, SIGUSR1, 0,
		   false, "30 none 0, 31 pid self 10, 32 none 0, 33 none 0, 34 none 0",
		   "FILE (CHR): the victim's, with SIGUSR1");
	own_expect(_metadata, self, reg, 0, 0, CKPT_NSIG, 0, false,
		   "30 none 64, 31 none 0, 32 none 0, 33 none 0, 34 none 0",
		   "FILE (REG): signal 64 alone");
	own_expect(_metadata, self, dir, 0, 0, 1, 0, false,
		   "30 none 0, 31 none 0, 32 none 1, 33 none 0, 34 none 0",
		   "FILE (DIR): signal 1 alone");
	own_expect(_metadata, self, rd, pid, CKPT_OWNER_PGRP, 0, 0, false, NULL,
		   "FILE (PIPE): the victim's pid as a group's");
	async_expect(_metadata, self, rd, 7, false, NULL,
		     owners_with(33, " O_ASYNC"),
		     "FILE (PIPE): O_ASYNC, async_fd 7");
	async_expect(_metadata, self, wr, 0, false, NULL,
		     owners_with(34, " O_ASYNC"),
		     "FILE (PIPE): O_ASYNC on the write end, async_fd 0");
	async_expect(_metadata, self, reg, -1, false, NULL,
		     owners_with(30, " O_ASYNC"),
		     "FILE (REG): O_ASYNC alone, a bare flag");
	async_expect(_metadata, self, rd, -1, false, NULL,
		     owners_with(33, " O_ASYNC"),
		     "FILE (PIPE): O_ASYNC on no list, a bare flag");
	/* the victim's write to its pipe signals it: SIGUSR1, handled */
	own_expect_async(_metadata, self, rd, pid, CKPT_OWNER_PID, SIGUSR1,
			 true, 33, false, NULL,
			 "30 none 0, 31 none 0, 32 none 0, 33 pid self 10 O_ASYNC, 34 none 0",
			 "FILE (PIPE): the victim's, with SIGUSR1, O_ASYNC, async_fd 33");

	/* a pidfd, a /proc file: stand-ins until every task exists */
	ck_checkpoint_child(_metadata, NULL, 0, pfd_body, NULL);
	ASSERT_EQ(0, ck_line_int("PID ", &lpid));
	load_image(_metadata, self);
	pf = file_of_fd(self, PFD_FD);
	ASSERT_LE(0, pf);
	own_expect(_metadata, self, pf, lpid, CKPT_OWNER_PID, 0, 0, true, NULL,
		   "FILE (PIDFD): owned by the victim");
	own_expect(_metadata, self, pf, 0, 0, OWN_SIG, 0, true, NULL,
		   "FILE (PIDFD): a signal alone");
	async_expect(_metadata, self, pf, 0, true, NULL, NULL,
		     "FILE (PIDFD): O_ASYNC alone");
	ck_checkpoint_child(_metadata, NULL, 0, prc_body, NULL);
	ASSERT_EQ(0, ck_line_int("PID ", &lpid));
	load_image(_metadata, self);
	sf = file_of_fd(self, PRC_FD);
	ASSERT_LE(0, sf);
	own_expect(_metadata, self, sf, lpid, CKPT_OWNER_TID, 0, 0, true, NULL,
		   "FILE (PROC): owned by the victim");
	own_expect(_metadata, self, sf, 0, 0, OWN_SIG, 0, true, NULL,
		   "FILE (PROC): a signal alone");
	async_expect(_metadata, self, sf, 0, true, NULL, NULL,
		     "FILE (PROC): O_ASYNC alone");
	check_no_splat(_metadata, self);
}

/*
 * The owner of the victim's pipe, in an image of two tasks (validated,
 * see prc_validate_two(): refused in the end for the other task's missing
 * records): a second thread of the victim as a thread is taken, as a
 * process or a group refused with "a bad owner"; a child process as a
 * process, a thread or a group is taken.
 */
TEST_F_TIMEOUT(image, file_owner_of_another_task, 2 * CK_TIMEOUT)
{
	static const struct {
		bool thread;
		uint32_t type;
		bool refused;
		const char *what;
	} cases[] = {
		{ true, CKPT_OWNER_TID, false, "a thread, as a thread" },
		{ true, CKPT_OWNER_PID, true, "a thread, as a process" },
		{ true, CKPT_OWNER_PGRP, true, "a thread, as a group" },
		{ false, CKPT_OWNER_PID, false, "a child, as a process" },
		{ false, CKPT_OWNER_TID, false, "a child, as a thread" },
		{ false, CKPT_OWNER_PGRP, false, "a child, as a group" },
	};
	struct ckpt_hdr_file *f;
	char log[128], what[96];
	unsigned int k;
	pid_t other;
	int rd;

	make_victim(_metadata, self, (void *)1);
	other = self->pid + 1;
	rd = file_of_fd(self, 33);
	ASSERT_LE(0, rd);
	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		f = (void *)grown_rec(self, rd, 0, -1);
		ASSERT_NE(NULL, f);
		f->owner = other;
		f->owner_type = cases[k].type;
		f->signum = OWN_SIG;
		snprintf(log, sizeof(log),
			 "file record %u: a bad owner (pid %d, type %u, signal %u, async fd 0)",
			 f->objref, other, cases[k].type, OWN_SIG);
		snprintf(what, sizeof(what), "FILE (PIPE) owned by %s",
			 cases[k].what);
		prc_validate_two(_metadata, self,
				 &(struct edit){ rd, true, f, self->recs[rd].len },
				 1, other, cases[k].thread,
				 cases[k].refused ? log : NULL, ": a bad owner",
				 what);
		free(f);
	}
	check_no_splat(_metadata, self);
}

/*
 * A FILE record of an older kernel: up to pos, without the owner fields.
 * Read zero-extended - no owner, no signal - and the victim resumes
 * intact: the FILE of each kind of file cut, and all of them at once.
 */
TEST_F_TIMEOUT(image, file_record_of_an_older_kernel, 2 * CK_TIMEOUT)
{
	const size_t cut = offsetof(struct ckpt_hdr_file, owner);
	unsigned char *recs[MAX_RECS];
	struct edit *all;
	unsigned int k;
	char what[96];
	int i, j, n = 0;

	make_victim(_metadata, self, (void *)1);
	ASSERT_EQ(32U, cut);
	all = calloc(self->nr, sizeof(*all));
	ASSERT_NE(NULL, all);
	for (i = 0; i < self->nr; i++) {
		if (self->recs[i].type != CKPT_HDR_FILE)
			continue;
		recs[n] = grown_rec(self, i, 0, -1);
		ASSERT_NE(NULL, recs[n]);
		((struct ckpt_hdr *)recs[n])->len = cut;
		all[n] = (struct edit){ i, true, recs[n], cut };
		n++;
	}
	for (k = 0; k < ARRAY_SIZE(victim_ftypes); k++) {
		i = find_file(self, victim_ftypes[k], 0);
		ASSERT_LE(0, i);
		snprintf(what, sizeof(what), "FILE (%s) of %zu bytes",
			 ftype_name[victim_ftypes[k]], cut);
		for (j = 0; j < n && all[j].at != i; j++)
			;
		ASSERT_LT(j, n);
		expect_edit(_metadata, self, &all[j], 1, false, what);
	}
	expect_edit(_metadata, self, all, n, false,
		    "every FILE of an older kernel");
	while (n--)
		free(recs[n]);
	free(all);
	check_no_splat(_metadata, self);
}

TEST_HARNESS_MAIN
