// SPDX-License-Identifier: GPL-2.0
/*
 * Failures in the middle of checkpoint() and restart().
 *
 * - Every allocation (sanitizer kernel): fail-nth fault injection makes
 *   the N-th slab or page allocation of the calling task fail. A first
 *   call with N out of reach counts the allocations; then N = 1, 2, ...
 *   up to that count (every k-th one when there are more than
 *   CKPT_FAULT_MAX). A checkpoint that failed must return ENOMEM and
 *   leave the task as it was (it checks itself; at the end it checkpoints
 *   successfully, and that image restores); one that succeeded anyway
 *   must have written an image that verifies. A restart that failed must
 *   return the error to a caller that is unharmed, or kill it; one that
 *   succeeded anyway must have restored the state exactly. The guest
 *   fails the run on any splat or kmemleak report from checkpoint code.
 *   Skipped where /proc/self/fail-nth does not exist.
 * - The image fd failing: ENOSPC on a small tmpfs, EPIPE on a pipe or
 *   socket whose reader went away (checkpoint returns EPIPE, the caller
 *   gets no SIGPIPE), end of file in the middle of a restart.
 * - SIGKILL at random points of a checkpoint and of a restart: the task
 *   dies promptly.
 *
 * Environment: CKPT_FAULT_MAX (default 1500) bounds each fail-nth walk;
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
#define WALK_MAX	1500	/* failures made per walk, at most */

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

#define FI_UNREACHED	1000000	/* an N no call gets to */

/*
 * In a restored program, first thing: read what is left of fail-nth and
 * turn it off, so that the program's own system calls do not fail (an
 * open() that fails here has consumed the fault).
 */
static void fi_disarm(void)
{
	long left = -1;
	int fd = -1, i;

	for (i = 0; i < 4 && fd < 0; i++)
		fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		left = fi_get(fd);
		fi_set(fd, 0);
		close(fd);
	}
	ck_report("LEFT %ld", left);
}

/*
 * The checkpoint walk arms its own fail-nth from another process: a
 * self checkpoint refuses a file of /proc/PID (its pid may be another
 * after a restart), so the walker holds no fail-nth fd. The injector, a
 * child, opens /proc/WALKER/task/WALKER/fail-nth and serves requests
 * posted in shared memory; the walker spins in user mode meanwhile,
 * making no system call that could consume the count.
 */
enum { FI_IDLE, FI_SET, FI_GET, FI_EXIT };

struct fi_remote {
	int req;
	long val;
	pid_t pid;
};

static struct fi_remote *fir;

static long fi_remote(int req, long val)
{
	fir->val = val;
	__atomic_store_n(&fir->req, req, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&fir->req, __ATOMIC_SEQ_CST) != FI_IDLE)
		__builtin_ia32_pause();
	return fir->val;
}

static void fi_injector(pid_t walker)
{
	char path[64];
	int fd, req;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/fail-nth", walker,
		 walker);
	fd = open(path, O_RDWR | O_CLOEXEC);
	for (;;) {
		req = __atomic_load_n(&fir->req, __ATOMIC_SEQ_CST);
		if (req == FI_IDLE) {
			usleep(50);
			continue;
		}
		if (req == FI_EXIT)
			_exit(0);
		if (fd < 0)
			fir->val = -1;
		else if (req == FI_SET)
			fir->val = fi_set(fd, fir->val);
		else
			fir->val = fi_get(fd);
		__atomic_store_n(&fir->req, FI_IDLE, __ATOMIC_SEQ_CST);
	}
}

static int fi_start_injector(void)
{
	pid_t walker = getpid();

	fir = mmap(NULL, sizeof(*fir), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fir == MAP_FAILED)
		return -1;
	fir->req = FI_IDLE;
	fir->pid = fork();
	if (fir->pid < 0)
		return -1;
	if (!fir->pid)
		fi_injector(walker);
	return fi_remote(FI_GET, 0) < 0 ? -1 : 0;
}

static void fi_stop_injector(void)
{
	__atomic_store_n(&fir->req, FI_EXIT, __ATOMIC_SEQ_CST);
	waitpid(fir->pid, NULL, 0);
}

/* How to walk @count allocations in at most @max steps */
static long fi_stride(long count, long max)
{
	return count > max ? (count + max - 1) / max : 1;
}

/*
 * A self checkpoint into the emptied image with the @n-th allocation of
 * the call failing (FI_UNREACHED: none, to count them). Returns what
 * checkpoint() returned, its errno in *@err and what was left of fail-nth
 * in *@left. A checkpoint that failed must have failed because of the
 * fault, with ENOMEM: "not supported", "busy"... would send the user
 * astray. Not validated here, that would run with the fault still armed:
 * the walks check the images of the checkpoints that succeeded.
 */
static long fi_checkpoint_nth(long n, int *err, long *left)
{
	long ret;

	CK_ASSERT(ftruncate(CK_IMG_FD, 0) == 0 &&
		  lseek(CK_IMG_FD, 0, SEEK_SET) == 0, "truncate image");
	CK_ASSERT(fi_remote(FI_SET, n) == 0, "write fail-nth");
	ret = syscall(__NR_checkpoint, 0, CK_IMG_FD, 0, CK_LOG_FD);
	*err = errno;
	*left = fi_remote(FI_GET, 0);
	fi_remote(FI_SET, 0);
	CK_ASSERT(ret != 0, "restored from an image of the walk");
	if (ret < 0) {
		CK_EXPECT(*left == 0, "N=%ld: checkpoint failed (%s) but no fault was injected",
			  n, strerrorname_np(*err) ?: "?");
		CK_EXPECT(*err == ENOMEM, "N=%ld: a failed allocation made checkpoint() return %s",
			  n, strerrorname_np(*err) ?: "?");
	}
	return ret;
}

/*
 * A: counts the allocations of a checkpoint (fail-nth set past them),
 * then makes each one fail in turn (every stride-th one if there are more
 * than CKPT_FAULT_MAX). A failed checkpoint must return ENOMEM and leave
 * the process as it was (rep_check()); one that succeeds in spite of the
 * failure (the failed allocation had a fallback) must have written an
 * image that verifies. Then a checkpoint with no fault, into ck.img, for
 * the test to restart.
 */
static void body_ckpt_walk(void *arg)
{
	long max = (long)arg, n, left, failed = 0, tolerated = 0, ret, count;
	long stride, steps = 0;
	int err, errs[134] = {}, i;
	struct ckpt_image img;
	char msg[256], line[600];
	size_t len = 0;

	rep_setup();
	ck_open_image(ck.img);
	CK_ASSERT(fi_start_injector() == 0, "fail-nth injector");
	rep_snapshot(&rep_before);

	ret = fi_checkpoint_nth(FI_UNREACHED, &err, &left);
	count = FI_UNREACHED - left;
	CK_ASSERT(ret > 0, "checkpoint: %s", strerror(err));
	stride = fi_stride(count, max);

	for (n = 1; n <= count + 2; n += stride, steps++) {
		ret = fi_checkpoint_nth(n, &err, &left);
		if (ret < 0) {
			failed++;
			if (err > 0 && err < 134)
				errs[err]++;
			snprintf(msg, sizeof(msg), "N=%ld (%s)", n,
				 strerrorname_np(err) ?: "?");
			if (!rep_check(msg))
				break;
			continue;
		}
		if (left != 0)
			continue;	/* past the last allocation this time */
		/* the failed allocation was not needed: the image must be whole */
		tolerated++;
		CK_ASSERT(lseek(CK_IMG_FD, 0, SEEK_SET) == 0, "lseek");
		if (ckpt_image_load_fd(CK_IMG_FD, &img) == 0) {
			CK_EXPECT(ckpt_image_verify(&img, msg, sizeof(msg)) == 0,
				  "N=%ld: checkpoint succeeded, its image does not verify: %s",
				  n, msg);
			ckpt_image_free(&img);
		}
		CK_EXPECT(ck_validate_image(CK_IMG_FD, 0, CK_LOG_FD) == 0,
			  "N=%ld: checkpoint succeeded, restart would refuse its image", n);
		rep_check("tolerated");
	}
	for (i = 1; i < 134; i++)
		if (errs[i] && len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, " %s:%d",
					strerrorname_np(i) ?: "?", errs[i]);
	ck_report("WALK allocations=%ld stride=%ld steps=%ld failed=%ld tolerated=%ld errnos:%s",
		  count, stride, steps, failed, tolerated, len ? line : " -");

	/* after all that, a good image */
	fi_stop_injector();
	CK_ASSERT(ftruncate(CK_IMG_FD, 0) == 0 &&
		  lseek(CK_IMG_FD, 0, SEEK_SET) == 0, "truncate image");
	if (ck_checkpoint_self() > 0)
		ck_done();
	rep_restored();
}

TEST_F_TIMEOUT(fault, checkpoint_every_allocation_fails, 3600)
{
	int status;
	pid_t pid;

	if (!fi_have_fail_nth())
		SKIP(return, "no /proc/self/fail-nth: a kernel without fault injection");
	fi_setup(_metadata);
	self->injection = true;
	pid = ck_spawn(NULL, 0, body_ckpt_walk, (void *)fi_max());
	ASSERT_LT(0, pid);
	status = ck_wait_secs(pid, WALK_SECS);
	TH_LOG("checkpoint: %s", ck_line("WALK ") ?: "no report");
	if (status != 0) {
		ck_dump(_metadata, "checkpoint walk", status);
		ASSERT_EQ(0, status);
	}
	/* the image of the last round, taken after all those failures */
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, NULL));
}

/* ---- reading pages back from swap, every allocation failing in turn ---- */

#define SWAP_PAGES	16

static char *swap_area;

/* Push all of swap_area out to swap */
static void swap_out_area(void)
{
	ck_push_to_swap(swap_area, SWAP_PAGES * 4096, SWAP_PAGES * 4);
}

/*
 * B: the pages of a region are in swap when checkpoint() starts, and the
 * N-th allocation fails, N = 1, 2, ... over all of the call's: reading a
 * page back from swap fails among them. Every failed checkpoint returns
 * ENOMEM with the region's bytes intact; the log names the page that
 * could not be read back at least once. Then a whole image restores.
 */
static void body_swap_walk(void *arg)
{
	long max = (long)arg, n, left, ret, count, stride, failed = 0;
	char log[65536];
	ssize_t len;
	int err;

	ck_open_image(ck.img);
	CK_ASSERT(fi_start_injector() == 0, "fail-nth injector");
	/* after the fork: pages shared with the injector would stay in */
	swap_area = mmap(NULL, SWAP_PAGES * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(swap_area != MAP_FAILED, "mmap");
	ck_fill(swap_area, SWAP_PAGES * 4096, 41);

	swap_out_area();
	ret = fi_checkpoint_nth(FI_UNREACHED, &err, &left);
	count = FI_UNREACHED - left;
	CK_ASSERT(ret > 0, "checkpoint: %s", strerror(err));
	stride = fi_stride(count, max);

	for (n = 1; n <= count + 2; n += stride) {
		swap_out_area();
		ret = fi_checkpoint_nth(n, &err, &left);
		CK_EXPECT_EQ(-1, ck_check_fill(swap_area, SWAP_PAGES * 4096, 41));
		if (ret < 0) {
			failed++;
			continue;
		}
		if (left != 0)
			continue;	/* fewer allocations this time */
		/* the failed allocation had a fallback: the image is whole */
		CK_EXPECT(ck_validate_image(CK_IMG_FD, 0, CK_LOG_FD) == 0,
			  "N=%ld: a checkpoint that succeeded wrote a bad image", n);
	}
	len = ck_read_file(ck.log, log, sizeof(log));
	CK_EXPECT(len > 0 && strstr(log, "could not be read back from swap"),
		  "no failure to read a page back from swap in %ld failures",
		  failed);
	ck_report("SWAPWALK allocations=%ld stride=%ld failed=%ld", count,
		  stride, failed);

	fi_stop_injector();
	swap_out_area();
	CK_ASSERT(ftruncate(CK_IMG_FD, 0) == 0 &&
		  lseek(CK_IMG_FD, 0, SEEK_SET) == 0, "truncate image");
	if (ck_checkpoint_self() > 0)
		ck_done();
	CK_EXPECT_EQ(-1, ck_check_fill(swap_area, SWAP_PAGES * 4096, 41));
	ck_done();
}

TEST_F_TIMEOUT(fault, checkpoint_swap_read_back_fails, 3600)
{
	int status;
	pid_t pid;

	if (!fi_have_fail_nth())
		SKIP(return, "no /proc/self/fail-nth: a kernel without fault injection");
	fi_setup(_metadata);
	self->injection = true;
	pid = ck_spawn(NULL, 0, body_swap_walk, (void *)fi_max());
	ASSERT_LT(0, pid);
	status = ck_wait_secs(pid, WALK_SECS);
	TH_LOG("checkpoint: %s", ck_line("SWAPWALK ") ?: "no report");
	if (status != 0) {
		ck_dump(_metadata, "swap read-back walk", status);
		ASSERT_EQ(0, status);
	}
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, NULL));
}

/* ---- restart, every allocation failing in turn ------------------------- */

/*
 * A, small: a page of memory, its image at @arg (NULL: ck.img); the
 * restored program disarms, then checks
 */
static char small_area[4096];

static void body_small(void *arg)
{
	if (arg)
		ck_open_image(arg);
	ck_fill(small_area, sizeof(small_area), 51);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	fi_disarm();
	CK_EXPECT_EQ(-1, ck_check_fill(small_area, sizeof(small_area), 51));
	ck_done();
}

/* A, representative */
static void body_rep_walk(void *arg)
{
	rep_setup();
	rep_snapshot(&rep_before);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	fi_disarm();
	rep_restored();
}

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

/* One restart with the n-th allocation failing: its status, and LEFT */
static int restart_once(struct rwalk *w, long *left)
{
	pid_t pid = ck_spawn(NULL, 0, restart_nth, w);

	if (pid < 0)
		return -2;
	*left = -1;
	pid = ck_wait_secs(pid, CK_WAIT_SECS);
	if (ck_line_int("LEFT ", left) && ck_line(" left=0 "))
		*left = 0;
	return pid;
}

static void restart_walk(struct __test_metadata *_metadata, const char *img,
			 const char *what)
{
	long n, max = fi_max(), left, err = 0, failed = 0, tolerated = 0;
	long killed = 0, unreached = 0, count, stride, steps = 0;
	struct rwalk w = { .img = img, .n = FI_UNREACHED };
	struct timespec t0, now;
	const char *harm;
	int status;

	/* how many allocations a restart makes */
	status = restart_once(&w, &left);
	if (status != 0 || left <= 0) {
		ck_dump(_metadata, what, status);
		ASSERT_EQ(0, status);
		ASSERT_LT(0, left);
	}
	count = FI_UNREACHED - left;
	stride = fi_stride(count, max);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 1; n <= count + 2; n += stride, steps++) {
		w.n = n;
		status = restart_once(&w, &left);
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
			if (harm || !strstr(ck.buf, " left=0 ")) {
				ck_dump(_metadata, "failed restart", status);
				EXPECT_EQ(NULL, harm) TH_LOG("%s: N=%ld", what, n);
				/* a valid image refused with no fault injected */
				EXPECT_NE(NULL, strstr(ck.buf, " left=0 "))
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
		if (left)
			unreached++;
		else
			tolerated++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > WALK_SECS) {
			TH_LOG("%s: time is up after N=%ld, walk incomplete", what, n);
			break;
		}
	}
	TH_LOG("restart of %s: %ld allocations, %ld made to fail (every %ld): %ld failed cleanly, %ld killed after the point of no return, %ld survived (%ld not reached)",
	       what, count, steps, stride, failed, killed, tolerated, unreached);
}

TEST_F_TIMEOUT(fault, restart_every_allocation_fails, 3600)
{
	if (!fi_have_fail_nth())
		SKIP(return, "no /proc/self/fail-nth: a kernel without fault injection");
	/*
	 * a small program, then one with a bit of everything; each image in
	 * its own file from the start (a program holds its image open: the
	 * image renamed away, another file at its path, its restart would
	 * find that file replaced)
	 */
	ck_checkpoint_child(_metadata, NULL, 0, body_small,
			    (void *)ck_path("small"));
	ck_checkpoint_child(_metadata, NULL, 0, body_rep_walk, NULL);
	fi_setup(_metadata);
	self->injection = true;
	restart_walk(_metadata, ck_path("small"), "a small program");
	restart_walk(_metadata, ck.img, "a representative program");
}

/* ---- the image fd failing --------------------------------------------- */

/*
 * Memory that a checkpoint has to write: the image outgrows pipes and
 * small filesystems, and takes long enough to be killed in the middle.
 */
#define BIG_SIZE	(32UL << 20)
static char *big_area;

static void big_fill(void)
{
	size_t i;

	big_area = mmap(NULL, BIG_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(big_area != MAP_FAILED, "mmap");
	for (i = 0; i < BIG_SIZE; i += 4096)
		big_area[i] = (char)(i >> 12) | 1;
}

static bool big_check(void)
{
	size_t i;

	for (i = 0; i < BIG_SIZE; i += 4096)
		if (big_area[i] != ((char)(i >> 12) | 1))
			return false;
	return true;
}

/*
 * A: a checkpoint into a tmpfs too small for the image must fail with
 * ENOSPC and leave the process as it was; then a checkpoint into ck.img
 * must work, and that image restore.
 */
static void body_enospc(void *arg)
{
	const char *small = arg;
	long ret;
	int fd, err;

	big_fill();
	rep_setup();
	rep_snapshot(&rep_before);
	fd = open(small, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_IMG_FD) == CK_IMG_FD, "%s", small);
	fd = open(ck.log, O_WRONLY | O_APPEND);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_LOG_FD) == CK_LOG_FD, "log");
	ret = sys_checkpoint(0, CK_IMG_FD, 0, CK_LOG_FD);
	err = errno;
	close(CK_IMG_FD);
	close(CK_LOG_FD);
	CK_ASSERT(ret != 0, "restored from a partial image");
	CK_EXPECT(ret == -1 && err == ENOSPC, "checkpoint returned %ld (%s)", ret,
		  strerrorname_np(err) ?: "?");
	ck_report("FIRST %d", ret < 0 ? err : 0);
	rep_check("after ENOSPC");
	if (ck_checkpoint_self() > 0)
		ck_done();
	CK_EXPECT(big_check(), "big area");
	rep_restored();
}

TEST_F_TIMEOUT(fault, checkpoint_enospc, CK_TIMEOUT * 3)
{
	static const char *const sizes[] = { "4k", "64k", "256k", "1m" };
	char mnt[192], img[256], opts[32];
	unsigned int i;
	int status;

	snprintf(mnt, sizeof(mnt), "%s/small", ck.dir);
	snprintf(img, sizeof(img), "%s/image", mnt);
	ASSERT_EQ(0, mkdir(mnt, 0755));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(opts, sizeof(opts), "size=%s", sizes[i]);
		ASSERT_EQ(0, mount("tmpfs", mnt, "tmpfs", 0, opts))
			TH_LOG("mount tmpfs %s: %s", opts, strerror(errno));
		ck_checkpoint_child(_metadata, NULL, 0, body_enospc, img);
		EXPECT_NE(NULL, ck_line("FIRST 28")) TH_LOG("size %s", sizes[i]);
		umount2(mnt, MNT_DETACH);
		status = ck_restart_status(NULL, 0, NULL);
		ck_expect_restored(_metadata, status);
	}
}

enum { EPIPE_BEFORE, EPIPE_DURING, EPIPE_PENDING, EPIPE_SOCKET };

/*
 * A: checkpoint into a pipe or socket whose reader is gone, or goes away
 * in the middle: EPIPE, no SIGPIPE (the default action would kill us),
 * and a SIGPIPE that was already pending stays pending.
 */
static void body_epipe(void *arg)
{
	int mode = (int)(long)arg, fd, err;
	sigset_t set;
	long ret;

	big_fill();
	rep_setup();
	if (mode == EPIPE_PENDING) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
		raise(SIGPIPE);
	}
	fd = open(ck.log, O_WRONLY | O_APPEND);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_LOG_FD) == CK_LOG_FD, "log");
	rep_snapshot(&rep_before);
	ck_report("READY");
	ret = sys_checkpoint(0, CK_IMG_FD, 0, CK_LOG_FD);
	err = errno;
	CK_ASSERT(ret != 0, "restored?");
	CK_EXPECT(ret == -1 && err == EPIPE, "checkpoint returned %ld (%s)", ret,
		  strerrorname_np(err) ?: "?");
	rep_check("after EPIPE");
	ck_done();
}

static void epipe_case(struct __test_metadata *_metadata, int mode)
{
	struct ck_fdmap map;
	char buf[65536];
	int p[2], status;
	size_t got = 0;
	pid_t pid;

	if (mode == EPIPE_SOCKET) {
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, p));
	} else {
		ASSERT_EQ(0, pipe(p));
	}
	map.src = mode == EPIPE_SOCKET ? p[0] : p[1];
	map.dst = CK_IMG_FD;
	if (mode != EPIPE_DURING)
		close(mode == EPIPE_SOCKET ? p[1] : p[0]);
	pid = ck_spawn(&map, 1, body_epipe, (void *)(long)mode);
	ASSERT_LT(0, pid);
	close(map.src);
	if (mode == EPIPE_DURING) {
		/* read part of the image, then go away */
		while (got < 3 * sizeof(buf)) {
			struct pollfd pf = { .fd = p[0], .events = POLLIN };
			ssize_t n;

			if (poll(&pf, 1, CK_WAIT_SECS * 1000) <= 0)
				break;
			n = read(p[0], buf, sizeof(buf));
			if (n <= 0)
				break;
			got += n;
		}
		close(p[0]);
		EXPECT_LE(3 * sizeof(buf), got);
	}
	status = ck_wait(pid);
	if (status != 0) {
		ck_dump(_metadata, "EPIPE", status);
		EXPECT_EQ(0, status) TH_LOG("mode %d: %s", mode, ck_status_str(status));
	}
}

TEST_F_TIMEOUT(fault, checkpoint_epipe_reader_gone, CK_TIMEOUT)
{
	epipe_case(_metadata, EPIPE_BEFORE);
}

TEST_F_TIMEOUT(fault, checkpoint_epipe_reader_leaves_midway, CK_TIMEOUT)
{
	epipe_case(_metadata, EPIPE_DURING);
}

TEST_F_TIMEOUT(fault, checkpoint_epipe_keeps_pending_sigpipe, CK_TIMEOUT)
{
	epipe_case(_metadata, EPIPE_PENDING);
}

TEST_F_TIMEOUT(fault, checkpoint_epipe_socket_peer_gone, CK_TIMEOUT)
{
	epipe_case(_metadata, EPIPE_SOCKET);
}

/* ---- end of file in the middle of a restart --------------------------- */

struct cuts {
	size_t at[96];
	int n, nrec;
	bool seen[CKPT_HDR_MAX];
};

/*
 * The first records (the HEADER, the task's, its files with the records
 * of their types), then the first record of every other type: at each,
 * and after its header.
 */
static int cut_rec(const struct ckpt_hdr *h, size_t off, void *arg)
{
	struct cuts *c = arg;
	bool first = h->type < CKPT_HDR_MAX && !c->seen[h->type];

	if (h->type < CKPT_HDR_MAX)
		c->seen[h->type] = true;
	if ((c->nrec++ < 20 || first) && c->n < 90) {
		c->at[c->n++] = off;			/* at a record */
		if (h->len > 8)
			c->at[c->n++] = off + 8;	/* after its header */
	}
	return 0;
}

/* Write @len bytes of @data into @fd from a child, then close it */
static pid_t feed(int fd, const void *data, size_t len, bool keep_open)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n <= 0)
			_exit(1);
		data = (const char *)data + n;
		len -= n;
	}
	if (keep_open)
		pause();
	_exit(0);
}

TEST_F_TIMEOUT(fault, restart_image_ends_early, CK_TIMEOUT * 4)
{
	struct ck_restart_args args = { .img_fd_set = true };
	struct ckpt_image img;
	struct cuts c = { .n = 0 };
	struct ck_fdmap map;
	int i, p[2], status, fd;
	pid_t pid, writer;
	char err[128];

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
	ASSERT_EQ(0, ckpt_image_verify(&img, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, ckpt_image_walk(&img, cut_rec, &c, err, sizeof(err)));
	c.at[c.n++] = 1;
	c.at[c.n++] = img.len - 1;
	c.at[c.n++] = img.len - 8;
	for (i = 0; i < c.n; i++) {
		/* through a pipe */
		ASSERT_EQ(0, pipe(p));
		writer = feed(p[1], img.data, c.at[i], false);
		close(p[1]);
		map.src = p[0];
		map.dst = CK_RIMG_FD;
		pid = ck_spawn(&map, 1, ck_restart_child, &args);
		close(p[0]);
		ASSERT_LT(0, pid);
		status = ck_wait(pid);
		waitpid(writer, NULL, 0);
		ck_expect_restart_error(_metadata, status, EINVAL);
		EXPECT_NE(NULL, strstr(ck.buf, " unharmed"))
			TH_LOG("pipe cut at %zu of %zu", c.at[i], img.len);

		/* and from a file */
		fd = open(ck_path("cut"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ASSERT_LE(0, fd);
		ASSERT_EQ((ssize_t)c.at[i], write(fd, img.data, c.at[i]));
		close(fd);
		{
			struct ck_restart_args fa = { .img = ck_path("cut") };

			status = ck_restart_status(NULL, 0, &fa);
		}
		ck_expect_restart_error(_metadata, status, EINVAL);
		EXPECT_NE(NULL, strstr(ck.buf, " unharmed"))
			TH_LOG("file cut at %zu of %zu", c.at[i], img.len);
	}
	ckpt_image_free(&img);
}

/* A restart waiting for the rest of its image dies of SIGKILL */
TEST_F_TIMEOUT(fault, restart_waiting_for_data_is_killable, CK_TIMEOUT)
{
	struct ck_restart_args args = { .img_fd_set = true };
	struct ckpt_image img;
	struct ck_fdmap map;
	char path[64], sc[64] = "";
	int p[2], status;
	pid_t pid, writer;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
	ASSERT_EQ(0, pipe(p));
	writer = feed(p[1], img.data, img.len / 2, true);
	close(p[1]);
	map.src = p[0];
	map.dst = CK_RIMG_FD;
	pid = ck_spawn(&map, 1, ck_restart_child, &args);
	close(p[0]);
	ASSERT_LT(0, pid);
	usleep(500000);
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	ck_read_file(path, sc, sizeof(sc));
	EXPECT_EQ(0, strncmp(sc, "464 ", 4)) TH_LOG("not in restart(): %s", sc);
	kill(pid, SIGKILL);
	status = ck_wait_secs(pid, 10);
	EXPECT_TRUE(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("%s", ck_status_str(status));
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	ckpt_image_free(&img);
}

/* ---- SIGKILL at random points ----------------------------------------- */

#define KILL_ROUNDS	16

static uint64_t kill_rng(void)
{
	static uint64_t s;

	if (!s) {
		const char *e = getenv("CKPT_FAULT_SEED");

		s = e ? strtoull(e, NULL, 0) : 1;
		s = s * 0x9e3779b97f4a7c15ULL + 1;
	}
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A: lots of memory, "READY", then a checkpoint into ck.img */
static void body_big(void *arg)
{
	big_fill();
	rep_setup();
	rep_snapshot(&rep_before);
	ck_open_image(ck.img);
	ck_report("READY");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(big_check(), "big area");
	rep_restored();
}

/* B: "READY", then restart from ck.img */
static void restart_ready(void *arg)
{
	int fd;

	fd = open(ck.img, O_RDONLY);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_RIMG_FD) == CK_RIMG_FD, "image");
	fd = open(ck.log, O_WRONLY | O_APPEND);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_RLOG_FD) == CK_RLOG_FD, "log");
	ck_report("READY");
	sys_restart(0, CK_RIMG_FD, RESTART_TASKSELF, CK_RLOG_FD);
	ck_report("RESTART-ERROR %d", errno);
	_exit(CK_EXIT_RESTART_ERR);
}

/* Wait for "READY" from @pid; false if it did not come */
static bool wait_ready(pid_t pid)
{
	int i;

	ck.len = 0;
	ck.buf[0] = '\0';
	for (i = 0; i < CK_WAIT_SECS * 100 && !ck_line("READY"); i++) {
		struct pollfd p = { .fd = ck.report_r, .events = POLLIN };

		poll(&p, 1, 10);
		ck_drain();
	}
	return ck_line("READY") != NULL;
}

/*
 * Start @fn KILL_ROUNDS times and kill it at a random point of the first
 * half of the time a whole run takes (from "READY" to its exit); it must
 * die at once, of SIGKILL, or have finished normally.
 */
static void kill_rounds(struct __test_metadata *_metadata, void (*fn)(void *),
			const char *what)
{
	int r, status, inside = 0;
	struct timespec t0;
	long full, delay;
	pid_t pid;

	/* how long one takes, uninterrupted */
	pid = ck_spawn(NULL, 0, fn, NULL);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_ready(pid));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	status = ck_wait(pid);
	full = ms_since(&t0);
	ASSERT_EQ(0, status) {
		ck_dump(_metadata, what, status);
	}
	TH_LOG("%s: %ld ms uninterrupted", what, full);

	for (r = 0; r < KILL_ROUNDS; r++) {
		bool done;

		delay = kill_rng() % (full / 2 + 2);
		pid = ck_spawn(NULL, 0, fn, NULL);
		ASSERT_LT(0, pid);
		ASSERT_TRUE(wait_ready(pid));
		usleep(delay * 1000);
		/* not done yet: "CKPT <id>" or the restored program's lines */
		ck_drain();
		done = ck_line("CKPT ") || ck_line("RESUMED") || ck_line("DONE");
		kill(pid, SIGKILL);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		status = ck_wait_secs(pid, 10);
		EXPECT_NE(-1, status) TH_LOG("%s: round %d (%ld ms): SIGKILL did not end it",
					     what, r, delay);
		if (status == -1)
			break;
		EXPECT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
			    (WIFEXITED(status) && WEXITSTATUS(status) == 0))
			TH_LOG("%s: round %d (%ld ms): %s", what, r, delay,
			       ck_status_str(status));
		EXPECT_GT(5000, ms_since(&t0)) TH_LOG("%s: round %d: slow to die", what, r);
		inside += !done && WIFSIGNALED(status);
	}
	TH_LOG("%s: %d of %d kills landed before the call was done", what, inside,
	       KILL_ROUNDS);
}

TEST_F_TIMEOUT(fault, sigkill_during_checkpoint, CK_TIMEOUT * 5)
{
	kill_rounds(_metadata, body_big, "checkpoint");
}

TEST_F_TIMEOUT(fault, sigkill_during_restart, CK_TIMEOUT * 5)
{
	ck_checkpoint_child(_metadata, NULL, 0, body_big, NULL);
	kill_rounds(_metadata, restart_ready, "restart");
}

/* A checkpoint blocked on a full pipe nobody reads dies of SIGKILL */
TEST_F_TIMEOUT(fault, sigkill_checkpoint_blocked_on_pipe, CK_TIMEOUT)
{
	struct ck_fdmap map;
	char path[64], sc[64] = "";
	int p[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	map.src = p[1];
	map.dst = CK_IMG_FD;
	pid = ck_spawn(&map, 1, body_epipe, (void *)(long)EPIPE_DURING);
	close(p[1]);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_ready(pid));
	usleep(500000);
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	ck_read_file(path, sc, sizeof(sc));
	EXPECT_EQ(0, strncmp(sc, "463 ", 4)) TH_LOG("not in checkpoint(): %s", sc);
	kill(pid, SIGKILL);
	status = ck_wait_secs(pid, 10);
	EXPECT_TRUE(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("%s", ck_status_str(status));
	close(p[0]);
}

TEST_HARNESS_MAIN
