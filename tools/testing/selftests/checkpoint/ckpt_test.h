/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the checkpoint/restart selftests.
 *
 * Most tests look at the restored program from the inside. The shape is
 * always the same:
 *
 *   test process ──fork──> A: sets up some state, checkpoint() into an image,
 *                             reports "CKPT <id>" and exits
 *                ──fork──> B: restart(RESTART_TASKSELF) from that image and
 *                             becomes the restored copy of A, which sees 0
 *                             from its checkpoint() call, checks its own
 *                             state and reports "FAIL ..." lines and a last
 *                             "DONE fails=N" line
 *
 * A and B both hold the write end of the report pipe at CK_REPORT_FD. In A
 * it is a pipe whose reader (the test process) is outside the checkpoint,
 * so restart connects the restored program's CK_REPORT_FD to B's, which is
 * the same pipe: the restored program talks to the test over it.
 *
 * Children get a controlled fd table (ck_spawn()): 0 is /dev/null, 1 and 2
 * append to a capture file in the test's directory (shown when a test
 * fails), CK_REPORT_FD, plus what the test asks for. Nothing else leaks in
 * from the test process, and the harness's own shared mappings are dropped
 * (ck_unmap_harness()), so images only hold what a test put there.
 *
 * Code that runs in A or in the restored program must not use the harness
 * macros (the restored program is not the harness's child any more): it
 * uses CK_EXPECT()/CK_ASSERT() and ck_done(), which talk over the pipe.
 */
#ifndef CKPT_SELFTEST_H
#define CKPT_SELFTEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/checkpoint.h>
#include <linux/checkpoint_hdr.h>

/*
 * TEST_F() keeps a local across its setjmp(); with -Wextra gcc warns about
 * that in every test. Patch 0024 no longer reads it after a longjmp(): a
 * failed ASSERT_*() still runs the teardown, which gcc -O2 skipped.
 */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"
#include "ck_validate.h"
#include "ck_lite.h"

#ifndef __NR_checkpoint
#define __NR_checkpoint 463
#endif
#ifndef __NR_restart
#define __NR_restart 464
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif

/* fd numbers with a fixed meaning in the children */
#define CK_REPORT_FD	100	/* report pipe to the test process */
#define CK_IMG_FD	101	/* A: the image being written */
#define CK_LOG_FD	102	/* A: checkpoint()'s logfd */
#define CK_RIMG_FD	110	/* B: the image being read */
#define CK_RLOG_FD	111	/* B: restart()'s logfd */
#define CK_FD_LIMIT	500	/* ck_spawn() parks fds above this */

/* exit codes of the children */
#define CK_EXIT_OK		0
#define CK_EXIT_FAIL		0x46	/* "F": checks failed */
#define CK_EXIT_CKPT_ERR	0x43	/* "C": checkpoint() failed */
#define CK_EXIT_RESTART_ERR	0x45	/* "E": restart() returned */
#define CK_EXIT_RESUMED		0x52	/* "R": image_test's victim resumed */

#define CK_UNPRIV_UID	65534
#define CK_SYSCTL_UNPRIV	"/proc/sys/kernel/ckpt_unpriv_allowed"

/*
 * Time a child gets before the test kills it, and the harness timeout of
 * a test (QEMU TCG emulation is 10-50x slower than hardware).
 */
#define CK_WAIT_SECS	60
#define CK_TIMEOUT	120

/* every image a test writes is validated (ck_validate.h) */
static inline long sys_checkpoint(pid_t pid, int fd, unsigned long flags,
				  int logfd)
{
	return ck_checkpoint_validated(pid, fd, flags, logfd);
}

static inline long sys_restart(pid_t pid, int fd, unsigned long flags,
			       int logfd)
{
	return syscall(__NR_restart, pid, fd, flags, logfd);
}

struct ck_ctx {
	char dir[64];		/* private directory under /tmp */
	char img[128];		/* default image path */
	char log[128];		/* logfd target of every child */
	char out[128];		/* stdout/stderr of every child */
	int report_r;		/* test process: read end of the report pipe */
	int report_w;		/* test process: write end, given to children */
	char buf[32768];	/* what the last waited-for child reported */
	size_t len;
	int fails;		/* child side: failed CK_EXPECT()s */
};

static struct ck_ctx ck = { .report_r = -1, .report_w = -1 };

/* ---- child side: reporting ------------------------------------------ */

static inline __attribute__((format(printf, 1, 2)))
void ck_report(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write: lines from different processes do not interleave */
	if (write(CK_REPORT_FD, line, n) < 0)
		dprintf(2, "ck_report: %s", line);
}

static inline __attribute__((format(printf, 5, 6)))
void ck_fail(const char *file, int line, const char *what, int err,
	     const char *fmt, ...)
{
	char msg[768] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ck.fails++;
	ck_report("FAIL %s:%d: %s: %s (errno %d %s)", file, line, what,
		  msg, err, strerrorname_np(err) ?: "?");
}

/*
 * Child side checks. They report over CK_REPORT_FD and count; ck_done()
 * ends the child with the verdict.
 */
#define CK_EXPECT(cond, fmt, ...) ({					\
	int __e = errno;						\
	bool __ok = !!(cond);						\
	if (!__ok)							\
		ck_fail(__FILE__, __LINE__, #cond, __e, fmt, ##__VA_ARGS__); \
	__ok;								\
})

#define CK_EXPECT_EQ(expected, seen) ({					\
	long long __x = (long long)(expected);				\
	long long __s = (long long)(seen);				\
	CK_EXPECT(__x == __s, "expected %lld (0x%llx), got %lld (0x%llx)", \
		  __x, __x, __s, __s);					\
})

#define CK_ASSERT(cond, fmt, ...) do {					\
	if (!CK_EXPECT(cond, fmt, ##__VA_ARGS__))			\
		ck_done();						\
} while (0)

#define CK_ASSERT_EQ(expected, seen) do {				\
	if (!CK_EXPECT_EQ(expected, seen))				\
		ck_done();						\
} while (0)

/* End a child: "DONE fails=N", exit 0 if no check failed */
static inline __attribute__((noreturn)) void ck_done(void)
{
	ck_report("DONE fails=%d", ck.fails);
	_exit(ck.fails ? CK_EXIT_FAIL : CK_EXIT_OK);
}

/* ---- small things for bodies ---------------------------------------- */

/* A deterministic byte pattern: page-sized chunks differ by @seed */
static inline void ck_fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)x;
	}
}

/* Offset of the first byte that differs from ck_fill(@seed), or -1 */
static inline long ck_check_fill(const void *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (p[i] != (unsigned char)x)
			return i;
	}
	return -1;
}

static inline bool ck_all_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Read a small file into @buf (NUL terminated); bytes read or -errno */
static inline ssize_t ck_read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

/* kB that the smaps field @field ("Swap:") shows for the vma at @addr */
static inline long ck_smaps_kb(const void *addr, const char *field)
{
	unsigned long start, end, a = (unsigned long)addr;
	char line[512];
	bool in = false;
	long kb = -1;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = start <= a && a < end;
			continue;
		}
		if (in && !strncmp(line, field, strlen(field))) {
			kb = strtol(line + strlen(field), NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

/*
 * Push [@m, @m + @len) out to swap until smaps shows @want_kb of it there.
 * MADV_PAGEOUT skips a page still on a CPU's LRU batch, so it is asked
 * again; the condition, not a count of tries, is what the test needs.
 */
static inline void ck_push_to_swap(void *m, size_t len, long want_kb)
{
	long kb = 0;
	int i;

	for (i = 0; i < 200; i++) {
		CK_ASSERT(!madvise(m, len, MADV_PAGEOUT), "MADV_PAGEOUT");
		kb = ck_smaps_kb(m, "Swap:");
		if (kb >= want_kb)
			return;
		usleep(10000);
	}
	CK_ASSERT(0, "only %ld of %ld kB went to swap (is zram swap on?)",
		  kb, want_kb);
}


/*
 * Does this kernel keep EPOLLWAKEUP on an epoll item (CONFIG_PM_SLEEP)?
 * Without wakeup sources epoll_ctl() drops the bit, for root too; the
 * caller is root. The item's events, from the epoll set's fdinfo.
 */
static inline bool ck_epollwakeup_kept(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLWAKEUP };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int efd = eventfd(0, EFD_CLOEXEC);
	unsigned int events = 0;
	char path[64], buf[512], *p;
	bool kept = false;

	if (ep >= 0 && efd >= 0 && !epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev)) {
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
		if (ck_read_file(path, buf, sizeof(buf)) > 0 &&
		    (p = strstr(buf, "events:")) &&
		    sscanf(p, "events: %x", &events) == 1)
			kept = events & EPOLLWAKEUP;
	}
	if (ep >= 0)
		close(ep);
	if (efd >= 0)
		close(efd);
	return kept;
}

static inline int ck_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* ---- child side: checkpoint and restart ----------------------------- */

static inline int ck_move_fd(int fd, int to)
{
	if (fd == to)
		return to;
	if (dup2(fd, to) != to)
		return -1;
	close(fd);
	return to;
}

/* Open @path as A's image at CK_IMG_FD, and the log at CK_LOG_FD */
static inline void ck_open_image(const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	CK_ASSERT(fd >= 0, "open %s", path);
	fchmod(fd, 0666);
	CK_ASSERT(ck_move_fd(fd, CK_IMG_FD) == CK_IMG_FD, "dup2 image");
	fd = open(ck.log, O_WRONLY | O_CREAT | O_APPEND, 0666);
	CK_ASSERT(fd >= 0, "open %s", ck.log);
	CK_ASSERT(ck_move_fd(fd, CK_LOG_FD) == CK_LOG_FD, "dup2 log");
}

/*
 * Take a self checkpoint into the image opened by ck_open_image() (or
 * into ck.img). The original reports "CKPT <id>" and gets the id back; the
 * restored program gets 0. Both have the image and log fds closed after.
 * A failed checkpoint reports "CKPT-ERROR <errno>" and exits.
 */
static inline long ck_checkpoint_self(void)
{
	long ret;
	int err;

	if (fcntl(CK_IMG_FD, F_GETFD) < 0)
		ck_open_image(ck.img);
	if (fcntl(CK_LOG_FD, F_GETFD) < 0) {
		int fd = open(ck.log, O_WRONLY | O_CREAT | O_APPEND, 0666);

		CK_ASSERT(fd >= 0, "open %s", ck.log);
		CK_ASSERT(ck_move_fd(fd, CK_LOG_FD) == CK_LOG_FD, "dup2 log");
	}
	ret = sys_checkpoint(0, CK_IMG_FD, 0, CK_LOG_FD);
	err = errno;
	close(CK_IMG_FD);
	close(CK_LOG_FD);
	if (ret < 0) {
		ck_report("CKPT-ERROR %d %s", err, strerrorname_np(err) ?: "?");
		_exit(CK_EXIT_CKPT_ERR);
	}
	if (ret > 0)
		ck_report("CKPT %ld", ret);
	errno = 0;	/* what CK_EXPECT() shows is then the checks' */
	return ret;
}

struct ck_restart_args {
	const char *img;	/* default: ck.img */
	bool img_fd_set;	/* the image is already at CK_RIMG_FD */
	off_t offset;		/* where in the file the image starts */
	unsigned long flags;	/* used if flags_set, else RESTART_TASKSELF */
	bool flags_set;
	pid_t pid;		/* used if pid_set, else 0 */
	bool pid_set;
	bool own_pid;		/* pass getpid() */
	int logfd;		/* used if logfd_set, else a log file */
	bool logfd_set;
	int uid;		/* > 0: drop to this uid first */
	void (*hook)(void *);	/* runs first, e.g. to set up fds */
	void *hook_arg;
};

static inline int ck_drop_privs(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -errno;
	/* credential changes clear it; a normal user process has it */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

/*
 * B: restart from an image. Never returns: becomes the restored program,
 * or reports "RESTART-ERROR <errno>" and exits with CK_EXIT_RESTART_ERR.
 */
/*
 * What B looks like right before restart(): a failed restart() must leave
 * all of it as it was.
 */
static struct {
	char area[4096];
	char maps[65536];
	char cwd[PATH_MAX];
	sigset_t blocked;
	struct sigaction usr1;
	mode_t umask;
	uid_t uid;
	signed char fd[CK_FD_LIMIT];	/* F_GETFD of each fd */
} ck_b, ck_b_after;

static inline void ck_restarter_usr1(int sig)
{
}

static inline void ck_restarter_snapshot(void)
{
	struct sigaction sa = { .sa_handler = ck_restarter_usr1 };
	int i;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR1, NULL, &ck_b.usr1);
	sigprocmask(SIG_BLOCK, NULL, &ck_b.blocked);
	ck_fill(ck_b.area, sizeof(ck_b.area), 777);
	if (!getcwd(ck_b.cwd, sizeof(ck_b.cwd)))
		ck_b.cwd[0] = '\0';
	ck_b.umask = umask(0);
	umask(ck_b.umask);
	ck_b.uid = getuid();
	for (i = 0; i < CK_FD_LIMIT; i++)
		ck_b.fd[i] = fcntl(i, F_GETFD);
	/* last: nothing may map or unmap between this and restart() */
	ck_read_file("/proc/self/maps", ck_b.maps, sizeof(ck_b.maps));
}

/* "unharmed", or "HARMED: <what differs>" after a failed restart() */
static inline const char *ck_restarter_harm(void)
{
	static char what[128];
	int i;

	ck_read_file("/proc/self/maps", ck_b_after.maps,
		     sizeof(ck_b_after.maps));
	if (strcmp(ck_b.maps, ck_b_after.maps))
		return "HARMED: memory map changed";
	if (ck_check_fill(ck_b.area, sizeof(ck_b.area), 777) != -1)
		return "HARMED: memory contents changed";
	for (i = 0; i < CK_FD_LIMIT; i++) {
		ck_b_after.fd[i] = fcntl(i, F_GETFD);
		if (ck_b_after.fd[i] != ck_b.fd[i]) {
			snprintf(what, sizeof(what),
				 "HARMED: fd %d: F_GETFD %d, was %d", i,
				 ck_b_after.fd[i], ck_b.fd[i]);
			return what;
		}
	}
	if (!getcwd(ck_b_after.cwd, sizeof(ck_b_after.cwd)) ||
	    strcmp(ck_b.cwd, ck_b_after.cwd))
		return "HARMED: cwd changed";
	ck_b_after.umask = umask(0);
	umask(ck_b_after.umask);
	if (ck_b_after.umask != ck_b.umask)
		return "HARMED: umask changed";
	if (getuid() != ck_b.uid)
		return "HARMED: uid changed";
	sigprocmask(SIG_BLOCK, NULL, &ck_b_after.blocked);
	if (memcmp(&ck_b.blocked, &ck_b_after.blocked, sizeof(sigset_t)))
		return "HARMED: blocked signals changed";
	sigaction(SIGUSR1, NULL, &ck_b_after.usr1);
	if (ck_b_after.usr1.sa_handler != ck_b.usr1.sa_handler ||
	    ck_b_after.usr1.sa_flags != ck_b.usr1.sa_flags)
		return "HARMED: SIGUSR1 action changed";
	return "unharmed";
}

static inline void ck_restart_child(void *arg)
{
	const struct ck_restart_args *a = arg;
	static const struct ck_restart_args defaults;
	const char *img;
	pid_t pid = 0;
	long ret;
	int fd, err, logfd = CK_RLOG_FD;

	if (!a)
		a = &defaults;
	img = a->img ?: ck.img;
	if (a->hook)
		a->hook(a->hook_arg);
	if (a->uid > 0)
		CK_ASSERT(ck_drop_privs(a->uid) == 0, "drop privileges");
	if (!a->img_fd_set) {
		fd = open(img, O_RDONLY);
		CK_ASSERT(fd >= 0, "open %s", img);
		CK_ASSERT(ck_move_fd(fd, CK_RIMG_FD) == CK_RIMG_FD,
			  "dup2 image");
	}
	if (a->offset)
		CK_ASSERT(lseek(CK_RIMG_FD, a->offset, SEEK_SET) == a->offset,
			  "lseek");
	fd = open(ck.log, O_WRONLY | O_CREAT | O_APPEND, 0666);
	CK_ASSERT(fd >= 0, "open %s", ck.log);
	CK_ASSERT(ck_move_fd(fd, CK_RLOG_FD) == CK_RLOG_FD, "dup2 log");
	if (a->logfd_set)
		logfd = a->logfd;
	if (a->pid_set)
		pid = a->pid;
	else if (a->own_pid)
		pid = getpid();
	ck_restarter_snapshot();
	errno = 0;
	ret = sys_restart(pid, CK_RIMG_FD,
			  a->flags_set ? a->flags : RESTART_TASKSELF, logfd);
	err = errno;
	ck_report("RESTART-ERROR %d %s ret=%ld %s", err,
		  strerrorname_np(err) ?: "?", ret, ck_restarter_harm());
	_exit(CK_EXIT_RESTART_ERR);
}

/*
 * A: a small program for tests about the image rather than the state. In
 * the restored program it checks a page of memory and its uid.
 */
static char ck_simple_area[4096];
static uid_t ck_simple_uid;

static inline void ck_simple_body(void *arg)
{
	int uid = (int)(long)arg;

	if (uid > 0)
		CK_ASSERT(!ck_drop_privs(uid), "drop privileges");
	ck_simple_uid = getuid();
	ck_fill(ck_simple_area, sizeof(ck_simple_area), 4242);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(ck_simple_uid, getuid());
	CK_EXPECT_EQ(-1, ck_check_fill(ck_simple_area, sizeof(ck_simple_area),
				       4242));
	ck_done();
}

/*
 * The range of the special mapping @name ("[vdso]", "[vvar]") in
 * /proc/self/maps: true if mapped. Uses no vDSO function.
 */
static inline bool ck_find_mapping(const char *name, unsigned long *start,
				   unsigned long *end)
{
	static char maps[65536];
	char *line, *save;

	if (ck_read_file("/proc/self/maps", maps, sizeof(maps)) <= 0)
		return false;
	for (line = strtok_r(maps, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line), k = strlen(name);

		if (n >= k && !strcmp(line + n - k, name) &&
		    sscanf(line, "%lx-%lx", start, end) == 2)
			return true;
	}
	return false;
}

/* ---- test process side ---------------------------------------------- */

static inline int ck_rm_cb(const char *path, const struct stat *st, int type,
			   struct FTW *ftw)
{
	remove(path);
	return 0;
}

static inline void ck_cleanup(void)
{
	if (ck.dir[0])
		nftw(ck.dir, ck_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	ck.dir[0] = '\0';
	if (ck.report_r >= 0)
		close(ck.report_r);
	if (ck.report_w >= 0)
		close(ck.report_w);
	ck.report_r = ck.report_w = -1;
}

static inline int ck_touch(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, mode);

	if (fd < 0)
		return -errno;
	fchmod(fd, mode);
	close(fd);
	return 0;
}

/*
 * Make the test's directory (world writable: some children drop
 * privileges), its files and the report pipe.
 */
static inline void ck_setup(struct __test_metadata *_metadata)
{
	int p[2];

	snprintf(ck.dir, sizeof(ck.dir), "/tmp/ckpt-test-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(ck.dir));
	ASSERT_EQ(0, chmod(ck.dir, 0777));
	snprintf(ck.img, sizeof(ck.img), "%s/image", ck.dir);
	snprintf(ck.log, sizeof(ck.log), "%s/log", ck.dir);
	snprintf(ck.out, sizeof(ck.out), "%s/out", ck.dir);
	ASSERT_EQ(0, ck_touch(ck.log, 0666));
	ASSERT_EQ(0, ck_touch(ck.out, 0666));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ck.report_r = p[0];
	ck.report_w = p[1];
	ASSERT_EQ(0, fcntl(ck.report_r, F_SETFL, O_NONBLOCK));
	ck.len = 0;
	ck.fails = 0;
}

/* Path of a file in the test's directory (a static buffer per call site) */
#define ck_path(name) ({						\
	static char __p[192];						\
	snprintf(__p, sizeof(__p), "%s/%s", ck.dir, (name));		\
	(const char *)__p;						\
})

/*
 * The harness shares its bookkeeping with the test through MAP_SHARED
 * anonymous mappings that every child inherits. A child does not use
 * them (it reports over the pipe); it drops them, so that a test's image
 * holds the shared memory the test made and nothing else.
 */
static inline void ck_unmap_harness(void)
{
	static char maps[65536];
	unsigned long start, end;
	char perms[8], *line, *save;
	int n;

	if (ck_read_file("/proc/self/maps", maps, sizeof(maps)) <= 0)
		return;
	for (line = strtok_r(maps, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		n = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end,
			   perms, &n) < 3 || !n)
			continue;
		if (perms[3] == 's' && !strcmp(line + n, "/dev/zero (deleted)"))
			munmap((void *)start, end - start);
	}
}

struct ck_fdmap {
	int src;	/* fd in the test process */
	int dst;	/* fd number in the child */
};

/*
 * Fork a child with a controlled fd table: 0 = /dev/null, 1 and 2 append
 * to ck.out, CK_REPORT_FD, and @map[i].src at @map[i].dst. Every other fd
 * is closed. The child runs @fn(@arg), then exits 0.
 */
static inline pid_t ck_spawn(const struct ck_fdmap *map, int nmap,
			     void (*fn)(void *), void *arg)
{
	int parked[16];
	pid_t pid;
	int i, fd;

	if (nmap > 16)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;

	/* park what we keep above CK_FD_LIMIT, close the rest, move back */
	for (i = 0; i < nmap; i++) {
		parked[i] = fcntl(map[i].src, F_DUPFD, CK_FD_LIMIT + 1);
		if (parked[i] < 0)
			_exit(120);
	}
	if (fcntl(ck.report_w, F_DUPFD, CK_FD_LIMIT) != CK_FD_LIMIT)
		_exit(121);
	syscall(__NR_close_range, 0, CK_FD_LIMIT - 1, 0);
	fd = open("/dev/null", O_RDWR);
	if (fd != 0)
		_exit(122);
	fd = open(ck.out, O_WRONLY | O_APPEND);
	if (fd != 1 || dup2(1, 2) != 2)
		_exit(123);
	if (dup2(CK_FD_LIMIT, CK_REPORT_FD) != CK_REPORT_FD)
		_exit(124);
	for (i = 0; i < nmap; i++)
		if (dup2(parked[i], map[i].dst) != map[i].dst)
			_exit(125);
	syscall(__NR_close_range, CK_FD_LIMIT, ~0U, 0);
	/* buffered output from the test process is not ours to flush */
	setvbuf(stdout, NULL, _IONBF, 0);
	/* the test process may ignore it to survive a dead reader */
	signal(SIGPIPE, SIG_DFL);
	ck_unmap_harness();

	fn(arg);
	_exit(0);
}

static inline void ck_drain(void)
{
	ssize_t n;

	while (ck.len < sizeof(ck.buf) - 1) {
		n = read(ck.report_r, ck.buf + ck.len,
			 sizeof(ck.buf) - 1 - ck.len);
		if (n <= 0)
			break;
		ck.len += n;
	}
	ck.buf[ck.len] = '\0';
}

/*
 * Wait up to @secs for @pid to end, collecting what is reported meanwhile
 * into ck.buf (emptied first). Returns the wait status, or -1 when the
 * child had to be killed (timeout).
 */
static inline int ck_wait_secs(pid_t pid, int secs)
{
	struct timespec start, now;
	int pidfd, status = 0, timed_out = 0;

	ck.len = 0;
	ck.buf[0] = '\0';
	pidfd = syscall(__NR_pidfd_open, pid, 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = ck.report_r, .events = POLLIN },
		};
		long left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = secs * 1000L - ((now.tv_sec - start.tv_sec) * 1000L +
				       (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0) {
			timed_out = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (pidfd < 0) {
			/* no pidfd: poll the pipe, check the child often */
			poll(&pfd[1], 1, 20);
			ck_drain();
			if (waitpid(pid, &status, WNOHANG) == pid)
				goto reaped;
			continue;
		}
		if (poll(pfd, 2, left) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			ck_drain();
		if (pfd[0].revents)
			break;
	}
	if (waitpid(pid, &status, 0) != pid)
		status = -1;
reaped:
	if (pidfd >= 0)
		close(pidfd);
	ck_drain();
	return timed_out ? -1 : status;
}

static inline int ck_wait(pid_t pid)
{
	return ck_wait_secs(pid, CK_WAIT_SECS);
}

/* The rest of the line after the first line of ck.buf starting @prefix */
static inline const char *ck_line(const char *prefix)
{
	const char *p = ck.buf;
	size_t n = strlen(prefix);

	while (p && *p) {
		if (!strncmp(p, prefix, n))
			return p + n;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static inline int ck_line_int(const char *prefix, long *val)
{
	const char *p = ck_line(prefix);

	if (!p)
		return -1;
	*val = strtol(p, NULL, 0);
	return 0;
}

static inline const char *ck_status_str(int status)
{
	static char s[64];

	if (status == -1)
		snprintf(s, sizeof(s), "timed out, killed");
	else if (WIFEXITED(status))
		snprintf(s, sizeof(s), "exited with 0x%x", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(s, sizeof(s), "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(s, sizeof(s), "status 0x%x", status);
	return s;
}

/* Log what the children said, the log and their captured output */
static inline void ck_dump(struct __test_metadata *_metadata, const char *why,
			   int status)
{
	static char text[8192];
	char *line, *save;

	TH_LOG("%s: child %s", why, ck_status_str(status));
	for (line = strtok_r(ck.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		TH_LOG("  reported: %s", line);
	/* strtok_r cut ck.buf: the lines are gone after a dump */
	ck.len = 0;
	ck.buf[0] = '\0';
	if (ck_read_file(ck.log, text, sizeof(text)) > 0)
		TH_LOG("  logfd:\n%s", text);
	if (ck_read_file(ck.out, text, sizeof(text)) > 0)
		TH_LOG("  child stdout/stderr:\n%s", text);
}

/*
 * Run @body in A and check that it checkpointed: exited 0 after
 * reporting "CKPT <id>" with id > 0. Returns the id.
 */
static inline long ck_checkpoint_child(struct __test_metadata *_metadata,
				       const struct ck_fdmap *map, int nmap,
				       void (*body)(void *), void *arg)
{
	long id = 0;
	int status;
	pid_t pid;

	pid = ck_spawn(map, nmap, body, arg);
	ASSERT_GT(pid, 0);
	status = ck_wait(pid);
	if (status != 0 || ck_line_int("CKPT ", &id) || id <= 0) {
		ck_dump(_metadata, "checkpoint", status);
		ASSERT_EQ(0, status);
		ASSERT_GT(id, 0) TH_LOG("no \"CKPT <id>\" line");
	}
	return id;
}

/*
 * Run B (ck_restart_child() with @args) and return its wait status, with
 * what it (the restored program) reported in ck.buf.
 */
static inline int ck_restart_status(const struct ck_fdmap *map, int nmap,
				    struct ck_restart_args *args)
{
	pid_t pid = ck_spawn(map, nmap, ck_restart_child, args);

	if (pid < 0)
		return -2;
	return ck_wait(pid);
}

/* B must have become the restored program, and it must be happy */
static inline void ck_expect_restored(struct __test_metadata *_metadata,
				      int status)
{
	long fails = -1;

	if (status != 0 || ck_line_int("DONE fails=", &fails) || fails) {
		long err = 0;

		if (!ck_line_int("RESTART-ERROR ", &err))
			TH_LOG("restart() returned an error: %s",
			       strerrorname_np(err) ?: "?");
		ck_dump(_metadata, "restored program", status);
		EXPECT_EQ(0, status);
		EXPECT_EQ(0, fails);
	}
}

/*
 * B's restart() must have returned @err to it, leaving it able to report
 * that and exit normally.
 */
static inline void ck_expect_restart_error(struct __test_metadata *_metadata,
					   int status, int err)
{
	const char *line = ck_line("RESTART-ERROR ");
	bool exited = status != -1 && WIFEXITED(status) &&
		      WEXITSTATUS(status) == CK_EXIT_RESTART_ERR;
	long seen = -1;

	if (line)
		seen = strtol(line, NULL, 0);
	if (exited && seen == err && strstr(line, " ret=-1 ") &&
	    strstr(line, " unharmed"))
		return;
	TH_LOG("expected restart() to return -1 with errno %s, the caller unharmed",
	       strerrorname_np(err));
	EXPECT_TRUE(exited) TH_LOG("restarter %s", ck_status_str(status));
	EXPECT_EQ(err, seen);
	if (line) {
		EXPECT_NE(NULL, strstr(line, " ret=-1 "))
			TH_LOG("restart() did not return -1");
		EXPECT_NE(NULL, strstr(line, " unharmed"))
			TH_LOG("restart() changed its caller");
	}
	ck_dump(_metadata, "restarter", status);
}

/* checkpoint in A, restart in B, the restored program checks itself */
static inline void ck_roundtrip(struct __test_metadata *_metadata,
				void (*body)(void *), void *arg)
{
	int status;

	ck_checkpoint_child(_metadata, NULL, 0, body, arg);
	status = ck_restart_status(NULL, 0, NULL);
	ck_expect_restored(_metadata, status);
}

#endif /* CKPT_SELFTEST_H */
