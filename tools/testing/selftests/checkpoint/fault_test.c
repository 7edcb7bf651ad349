// SPDX-License-Identifier: GPL-2.0
/*
 * Failures in the middle of checkpoint() and restart().
 *
 * - Every allocation (sanitizer kernel): fail-nth fault injection makes
 *   the N-th slab or page allocation of the calling task fail, for
 *   N = 1, 2, ... until the call succeeds without consuming the fault.
 *   A checkpoint that failed must leave the task as it was (it checks
 *   itself, and at the end checkpoints successfully, and that image
 *   restores); a restart that failed must return the error to a caller
 *   that is unharmed, or kill it - and a restart that succeeded in spite
 *   of a failed allocation must have restored the state exactly. The
 *   guest fails the run on any splat or kmemleak report from checkpoint
 *   code. Skipped where /proc/self/fail-nth does not exist.
 * - The image fd failing: ENOSPC on a small tmpfs, EPIPE on a pipe or
 *   socket whose reader went away (checkpoint returns EPIPE, the caller
 *   gets no SIGPIPE), end of file in the middle of a restart.
 * - SIGKILL at random points of a checkpoint and of a restart: the task
 *   dies promptly.
 *
 * Environment: CKPT_FAULT_MAX (default 4000) bounds each fail-nth walk;
 * CKPT_FAULT_SEED seeds the random kill delays.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/ioctl.h>

#include "ckpt_test.h"
#include "image.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define DEBUGFS		"/sys/kernel/debug"
#define WALK_SECS	600	/* time budget of one fail-nth walk */
#define WALK_MAX	4000

/* ---- a representative process ----------------------------------------- */

#define REP_DATA	"pipe contents of the representative process"
#define REP_FILE_POS	777

static char rep_area[8 * 4096] __attribute__((aligned(4096)));
static char *rep_shared, *rep_private;
static int rep_have_pipe;

static volatile int rep_usr1;

static void rep_handler(int sig)
{
	rep_usr1++;
}

/*
 * What a checkpoint saves, a bit of each: memory of three kinds, regular
 * files with an offset, a dup, /dev/null, a pipe with both ends and data
 * in it (when the kernel supports it), a handler and a pending signal.
 */
static void rep_setup(void)
{
	struct sigaction sa = { .sa_handler = rep_handler };
	char path[192];
	sigset_t set;
	int fd, p[2];

	ck_fill(rep_area, sizeof(rep_area), 31);
	rep_shared = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(rep_shared != MAP_FAILED, "shared anon");
	ck_fill(rep_shared, 4096, 32);

	snprintf(path, sizeof(path), "%s/rep-%d", ck.dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CK_ASSERT(fd >= 0, "rep file");
	CK_ASSERT(ftruncate(fd, 4 * 4096) == 0, "ftruncate");
	rep_private = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			   fd, 0);
	CK_ASSERT(rep_private != MAP_FAILED, "private file mapping");
	ck_fill(rep_private + 4096, 4096, 33);
	CK_ASSERT(lseek(fd, REP_FILE_POS, SEEK_SET) == REP_FILE_POS, "lseek");
	CK_ASSERT(dup2(fd, 20) == 20 && dup2(fd, 21) == 21, "dup2");
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	CK_ASSERT(fd >= 0 && dup2(fd, 22) == 22, "null");
	close(fd);
	fd = open(ck.dir, O_RDONLY | O_DIRECTORY);
	CK_ASSERT(fd >= 0 && dup2(fd, 23) == 23, "dir");
	close(fd);
	/* a pipe with both ends inside: checkpoint() refuses it on kernels
	 * that cannot save it yet, then the process goes without
	 */
	rep_have_pipe = 0;
#ifdef CKPT_HDR_PIPE
	CK_ASSERT(pipe(p) == 0, "pipe");
	CK_ASSERT(dup2(p[0], 24) == 24 && dup2(p[1], 25) == 25, "dup2 pipe");
	close(p[0]);
	close(p[1]);
	CK_ASSERT(write(25, REP_DATA, sizeof(REP_DATA)) == sizeof(REP_DATA),
		  "pipe write");
	rep_have_pipe = 1;
#else
	(void)p;
#endif
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
}

static struct {
	sigset_t blocked, pending;
	signed char fd[64];
	off_t pos;
	int pipe_bytes;
	char cwd[256];
} rep_before;

static void rep_snapshot(typeof(rep_before) *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	sigprocmask(SIG_BLOCK, NULL, &s->blocked);
	sigpending(&s->pending);
	for (i = 0; i < 64; i++)
		s->fd[i] = fcntl(i, F_GETFD);
	s->pos = lseek(20, 0, SEEK_CUR);
	if (rep_have_pipe)
		ioctl(24, FIONREAD, &s->pipe_bytes);
	if (!getcwd(s->cwd, sizeof(s->cwd)))
		s->cwd[0] = '\0';
}

/* The process as rep_setup() left it? Reports what differs. */
static bool rep_check(const char *when)
{
	typeof(rep_before) now;
	bool ok = true;
	int i;

	rep_snapshot(&now);
	ok &= CK_EXPECT(!memcmp(&now.blocked, &rep_before.blocked, sizeof(sigset_t)),
			"%s: blocked signals changed", when);
	ok &= CK_EXPECT(!memcmp(&now.pending, &rep_before.pending, sizeof(sigset_t)),
			"%s: pending signals changed (SIGPIPE %d)", when,
			sigismember(&now.pending, SIGPIPE));
	for (i = 0; i < 64; i++)
		if (i != CK_IMG_FD && i != CK_LOG_FD)
			ok &= CK_EXPECT(now.fd[i] == rep_before.fd[i],
					"%s: fd %d changed", when, i);
	ok &= CK_EXPECT_EQ(rep_before.pos, now.pos);
	ok &= CK_EXPECT_EQ(rep_before.pipe_bytes, now.pipe_bytes);
	ok &= CK_EXPECT(!strcmp(now.cwd, rep_before.cwd), "%s: cwd", when);
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(rep_area, sizeof(rep_area), 31));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(rep_shared, 4096, 32));
	ok &= CK_EXPECT(ck_all_zero(rep_shared + 4096, 4096), "%s: shared hole", when);
	ok &= CK_EXPECT(ck_all_zero(rep_private, 4096), "%s: private file", when);
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(rep_private + 4096, 4096, 33));
	return ok;
}

/* In the restored program: everything as it was, then the pipe data */
static __attribute__((noreturn)) void rep_restored(void)
{
	char buf[128] = "";
	sigset_t none;

	rep_check("restored");
	if (rep_have_pipe)
		CK_EXPECT(read(24, buf, sizeof(buf)) == sizeof(REP_DATA) &&
			  !strcmp(buf, REP_DATA), "pipe data");
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	CK_EXPECT_EQ(1, rep_usr1);
	ck_report("RESUMED");
	ck_done();
}

/* A: rep_setup(), a checkpoint into ck.img; the restored copy checks itself */
static void body_rep(void *arg)
{
	rep_setup();
	rep_snapshot(&rep_before);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	rep_restored();
}

/* ---- fault injection setup --------------------------------------------- */

struct fi_knob {
	const char *path;
	const char *value;
	char saved[32];
};

/*
 * fail-nth counts the allocations that pass each attribute's filters:
 * GFP_KERNEL ones (ignore-gfp-wait), user pages (ignore-gfp-highmem) and
 * order-0 pages (min-order) must count, and nothing may be printed (a
 * stack dump per injected failure would read as a splat).
 */
static struct fi_knob fi_knobs[] = {
	{ .path = DEBUGFS "/failslab/ignore-gfp-wait", .value = "N" },
	{ .path = DEBUGFS "/failslab/cache-filter", .value = "N" },
	{ .path = DEBUGFS "/failslab/verbose", .value = "0" },
	{ .path = DEBUGFS "/failslab/probability", .value = "0" },
	{ .path = DEBUGFS "/failslab/times", .value = "-1" },
	{ .path = DEBUGFS "/fail_page_alloc/ignore-gfp-wait", .value = "N" },
	{ .path = DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", .value = "N" },
	{ .path = DEBUGFS "/fail_page_alloc/min-order", .value = "0" },
	{ .path = DEBUGFS "/fail_page_alloc/verbose", .value = "0" },
	{ .path = DEBUGFS "/fail_page_alloc/probability", .value = "0" },
	{ .path = DEBUGFS "/fail_page_alloc/times", .value = "-1" },
};

static bool fi_have_fail_nth(void)
{
	return access("/proc/self/fail-nth", F_OK) == 0;
}

static void fi_setup(struct __test_metadata *_metadata)
{
	unsigned int i;
	char *nl;

	if (access(DEBUGFS "/failslab", F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	ASSERT_EQ(0, access(DEBUGFS "/failslab", F_OK))
		TH_LOG("fail-nth exists, but not %s/failslab", DEBUGFS);
	for (i = 0; i < ARRAY_SIZE(fi_knobs); i++) {
		struct fi_knob *k = &fi_knobs[i];

		if (ck_read_file(k->path, k->saved, sizeof(k->saved)) <= 0) {
			k->saved[0] = '\0';
			continue;
		}
		nl = strchr(k->saved, '\n');
		if (nl)
			*nl = '\0';
		EXPECT_EQ(0, ck_write_file(k->path, k->value))
			TH_LOG("%s = %s", k->path, k->value);
	}
}

static void fi_teardown(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fi_knobs); i++)
		if (fi_knobs[i].saved[0])
			ck_write_file(fi_knobs[i].path, fi_knobs[i].saved);
}

static long fi_max(void)
{
	const char *e = getenv("CKPT_FAULT_MAX");

	return e ? strtol(e, NULL, 0) : WALK_MAX;
}

static int fi_set(int fd, long n)
{
	char s[24];
	int len = snprintf(s, sizeof(s), "%ld", n);

	return pwrite(fd, s, len, 0) == len ? 0 : -1;
}

static long fi_get(int fd)
{
	char s[24] = "";

	if (pread(fd, s, sizeof(s) - 1, 0) <= 0)
		return -1;
	return strtol(s, NULL, 10);
}

FIXTURE(fault) {
	bool injection;
};

FIXTURE_SETUP(fault)
{
	ck_setup(_metadata);
	self->injection = false;
}

FIXTURE_TEARDOWN(fault)
{
	if (self->injection)
		fi_teardown();
	ck_cleanup();
}

/* ---- checkpoint, every allocation failing in turn ---------------------- */

/*
 * A: walks N = 1, 2, ... Each checkpoint() with the N-th allocation
 * failing must fail cleanly (rep_check()), or succeed with an image that
 * verifies; the walk ends with the first N that was not reached. That
 * last, good image is left in ck.img for the test to restart.
 */
static void body_ckpt_walk(void *arg)
{
	long max = (long)arg, n, left, failed = 0, tolerated = 0, ret;
	int fnth, err, errs[134] = {}, i;
	struct ckpt_image img;
	char msg[256], line[600];
	size_t len = 0;

	rep_setup();
	ck_open_image(ck.img);
	fnth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	CK_ASSERT(fnth >= 0, "open %s", FAIL_NTH);
	rep_snapshot(&rep_before);
	for (n = 1; n <= max; n++) {
		CK_ASSERT(ftruncate(CK_IMG_FD, 0) == 0 &&
			  lseek(CK_IMG_FD, 0, SEEK_SET) == 0, "truncate image");
		CK_ASSERT(fi_set(fnth, n) == 0, "write fail-nth");
		ret = sys_checkpoint(0, CK_IMG_FD, 0, CK_LOG_FD);
		err = errno;
		left = fi_get(fnth);
		fi_set(fnth, 0);
		if (ret == 0)
			rep_restored();		/* the image of the last round */
		if (ret < 0) {
			CK_EXPECT(left == 0, "N=%ld: checkpoint failed (%s) but no fault was injected",
				  n, strerrorname_np(err) ?: "?");
			failed++;
			if (err > 0 && err < 134)
				errs[err]++;
			snprintf(msg, sizeof(msg), "N=%ld (%s)", n,
				 strerrorname_np(err) ?: "?");
			if (!rep_check(msg))
				break;
			continue;
		}
		/* a success: the image must be whole */
		CK_ASSERT(lseek(CK_IMG_FD, 0, SEEK_SET) == 0, "lseek");
		if (left == 0) {
			tolerated++;
			if (ckpt_image_load_fd(CK_IMG_FD, &img) == 0) {
				CK_EXPECT(ckpt_image_verify(&img, msg, sizeof(msg)) == 0,
					  "N=%ld: checkpoint succeeded, its image does not verify: %s",
					  n, msg);
				ckpt_image_free(&img);
			}
			rep_check("tolerated");
			continue;
		}
		break;		/* N was past the last allocation */
	}
	for (i = 1; i < 134; i++)
		if (errs[i] && len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, " %s:%d",
					strerrorname_np(i) ?: "?", errs[i]);
	ck_report("WALK allocations=%ld failed=%ld tolerated=%ld errnos:%s", n - 1,
		  failed, tolerated, len ? line : " -");
	CK_EXPECT(n <= max, "the walk did not end within %ld allocations", max);
	close(CK_IMG_FD);
	close(CK_LOG_FD);
	ck_done();
}

TEST_F_TIMEOUT(fault, checkpoint_every_allocation_fails, 1800)
{
	long walked = 0;
	int status;
	pid_t pid;

	if (!fi_have_fail_nth())
		SKIP(return, "no /proc/self/fail-nth: a kernel without fault injection");
	fi_setup(_metadata);
	self->injection = true;
	pid = ck_spawn(NULL, 0, body_ckpt_walk, (void *)fi_max());
	ASSERT_LT(0, pid);
	status = ck_wait_secs(pid, WALK_SECS);
	ck_line_int("WALK allocations=", &walked);
	TH_LOG("checkpoint: %s", ck_line("WALK ") ?: "no report");
	if (status != 0) {
		ck_dump(_metadata, "checkpoint walk", status);
		ASSERT_EQ(0, status);
	}
	EXPECT_LT(0, walked);
	/* the image of the last round, taken after all those failures */
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, NULL));
}

/* ---- restart, every allocation failing in turn ------------------------- */

struct rwalk {
	long n;
	const char *img;
};

/* B: restart with the n-th allocation failing */
static void restart_nth(void *arg)
{
	const struct rwalk *w = arg;
	long ret, left;
	int fd, fnth, err;

	fd = open(w->img, O_RDONLY);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_RIMG_FD) == CK_RIMG_FD, "image");
	fd = open(ck.log, O_WRONLY | O_APPEND);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_RLOG_FD) == CK_RLOG_FD, "log");
	fnth = open(FAIL_NTH, O_RDWR);
	CK_ASSERT(fnth >= 0, "open %s", FAIL_NTH);
	ck_restarter_snapshot();
	CK_ASSERT(fi_set(fnth, w->n) == 0, "write fail-nth");
	ret = sys_restart(0, CK_RIMG_FD, RESTART_TASKSELF, CK_RLOG_FD);
	err = errno;
	left = fi_get(fnth);
	fi_set(fnth, 0);
	ck_report("RESTART-ERROR %d ret=%ld left=%ld %s", err, ret, left,
		  ck_restarter_harm());
	_exit(CK_EXIT_RESTART_ERR);
}

/*
 * Wait up to @secs for @pid to exit (killing it when time is up), with
 * what it reports in ck.buf, but leave it a zombie. Returns true if it
 * had to be killed.
 */
static bool wait_exit(pid_t pid, int secs)
{
	struct timespec t0;
	int pidfd = syscall(__NR_pidfd_open, pid, 0);
	bool killed = false;
	long left;

	ck.len = 0;
	ck.buf[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = ck.report_r, .events = POLLIN },
		};
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = secs * 1000L - ((now.tv_sec - t0.tv_sec) * 1000L +
				       (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 && !killed) {
			kill(pid, SIGKILL);
			killed = true;
			left = 10000;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			secs = 10;
		} else if (left <= 0) {
			break;
		}
		poll(p, 2, left);
		ck_drain();
		if (p[0].revents)
			break;
	}
	close(pidfd);
	ck_drain();
	return killed;
}

/* Wait for @pid, read what was left of its fail-nth, reap it */
static int wait_fail_nth(pid_t pid, int secs, long *left)
{
	char path[64], buf[32];
	int status = -1;
	bool killed;

	killed = wait_exit(pid, secs);
	snprintf(path, sizeof(path), "/proc/%d/fail-nth", pid);
	*left = ck_read_file(path, buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 10) : -1;
	waitpid(pid, &status, 0);
	return killed ? -1 : status;
}

static void restart_walk(struct __test_metadata *_metadata, const char *img,
			 const char *what)
{
	long n, max = fi_max(), left, err = 0, failed = 0, tolerated = 0, killed = 0;
	struct rwalk w = { .img = img };
	struct timespec t0, now;
	const char *harm;
	int status;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 1; n <= max; n++) {
		w.n = n;
		pid = ck_spawn(NULL, 0, restart_nth, &w);
		ASSERT_LT(0, pid);
		status = wait_fail_nth(pid, CK_WAIT_SECS, &left);
		if (status == -1) {
			ck_dump(_metadata, "restart hangs", status);
			ASSERT_NE(-1, status) TH_LOG("%s: N=%ld", what, n);
		}
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			/* after the point of no return */
			killed++;
			continue;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == CK_EXIT_RESTART_ERR) {
			ck_line_int("RESTART-ERROR ", &err);
			harm = strstr(ck.buf, "HARMED");
			if (harm || ck_line("RESTART-ERROR ") == NULL ||
			    !strstr(ck.buf, " left=0 ")) {
				ck_dump(_metadata, "failed restart", status);
				EXPECT_EQ(NULL, harm) TH_LOG("%s: N=%ld", what, n);
				/* a valid image refused with no fault injected */
				EXPECT_TRUE(strstr(ck.buf, " left=0 ") != NULL)
					TH_LOG("%s: N=%ld: restart failed (%s) but no fault was injected",
					       what, n, strerrorname_np(err) ?: "?");
				return;
			}
			failed++;
			continue;
		}
		/* it resumed: with everything as it was, fault or not */
		if (status != 0) {
			ck_dump(_metadata, "restored program", status);
			EXPECT_EQ(0, status) TH_LOG("%s: N=%ld: resumed with wrong state", what, n);
			return;
		}
		if (left != 0)
			break;		/* N was past the last allocation */
		tolerated++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > WALK_SECS) {
			TH_LOG("%s: time is up after N=%ld, walk incomplete", what, n);
			break;
		}
	}
	TH_LOG("restart of %s: %ld allocations walked: %ld failed cleanly, %ld killed after the point of no return, %ld tolerated",
	       what, n - 1, failed, killed, tolerated);
	EXPECT_LE(n, max) TH_LOG("%s: the walk did not end within %ld allocations", what, max);
}

TEST_F_TIMEOUT(fault, restart_every_allocation_fails, 3600)
{
	if (!fi_have_fail_nth())
		SKIP(return, "no /proc/self/fail-nth: a kernel without fault injection");
	/* a small program, then one with a bit of everything */
	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	ASSERT_EQ(0, rename(ck.img, ck_path("simple")));
	ck_checkpoint_child(_metadata, NULL, 0, body_rep, NULL);
	fi_setup(_metadata);
	self->injection = true;
	restart_walk(_metadata, ck_path("simple"), "a small program");
	restart_walk(_metadata, ck.img, "a representative program");
}

TEST_HARNESS_MAIN
