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
 * verify(). Refusals (what a type must not save) are TESTs below it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/checkpoint.h>
#include <linux/io_uring.h>

#include "kselftest_harness.h"
#include "ck_lite.h"

#define CG	"/sys/fs/cgroup/ckpt-matrix"
#define IMG	"/tmp/ckpt-matrix.img"
#define REPORT	"/tmp/ckpt-matrix-report"
#define LOG	"/tmp/ckpt-matrix.log"
#define DATA	"/tmp/ckpt-matrix.data"

/* what setup() made, for verify() in the restored program */
static int fds[8];

/* verify()'s complaint, for the report */
static char why[256];

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

/* ---- the fixture --------------------------------------------------------- */

FIXTURE(matrix) {
	pid_t root;
};

FIXTURE_VARIANT(matrix) {
	int (*setup)(void);
	int (*verify)(void);
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

static volatile sig_atomic_t go;
static void on_usr1(int sig) { go = 1; }

static void matrix_root(const FIXTURE_VARIANT(matrix) *variant)
{
	lite_cg_enter(CG);
	lite_block(SIGUSR1);
	signal(SIGUSR1, on_usr1);
	if (variant->setup()) {
		lite_say(REPORT, "SETUP failed: %s\n", strerror(errno));
		_exit(1);
	}
	lite_say(REPORT, "READY %d\n", getpid());
	lite_wait_flag(&go, SIGUSR1);
	if (variant->verify()) {
		lite_say(REPORT, "VERIFY failed: %s\n", why);
		_exit(1);
	}
	lite_say(REPORT, "VERIFY ok\n");
	_exit(0);
}

FIXTURE_SETUP(matrix)
{
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	self->root = fork();
	ASSERT_LE(0, self->root);
	if (!self->root)
		matrix_root(variant);
	ASSERT_EQ(self->root, lite_line_pid(REPORT, "READY ", 30));
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
}

TEST_F_TIMEOUT(matrix, restored_program_verifies_itself, 120)
{
	char rep[1024] = "";
	pid_t got;
	int status;

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
};

FIXTURE_VARIANT(refuse) {
	int (*setup)(void);
	int (*verify)(void);
	bool share_outside;	/* the test keeps fds[0], made before fork */
	int err;
	const char *line;
};

FIXTURE_VARIANT_ADD(refuse, eventfd_held_by_io_uring) {
	.setup = efd_uring_setup, .verify = efd_uring_verify,
	.err = EBUSY, .line = "eventfd that a kernel user holds too",
};

FIXTURE_VARIANT_ADD(refuse, eventfd_shared_with_outside) {
	.setup = efd_count_setup, .verify = efd_count_verify,
	.share_outside = true, .err = EOPNOTSUPP,
	.line = "eventfd shared with a process outside the tree",
};

static void refuse_root(const FIXTURE_VARIANT(refuse) *variant)
{
	lite_cg_enter(CG);
	lite_block(SIGUSR1);
	signal(SIGUSR1, on_usr1);
	if (!variant->share_outside && variant->setup()) {
		lite_say(REPORT, "SETUP failed: %s\n", strerror(errno));
		_exit(1);
	}
	lite_say(REPORT, "READY %d\n", getpid());
	lite_wait_flag(&go, SIGUSR1);
	if (variant->verify()) {
		lite_say(REPORT, "VERIFY failed: %s\n", why);
		_exit(1);
	}
	lite_say(REPORT, "VERIFY ok\n");
	_exit(0);
}

FIXTURE_SETUP(refuse)
{
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
		refuse_root(variant);
	ASSERT_EQ(self->root, lite_line_pid(REPORT, "READY ", 30));
}

FIXTURE_TEARDOWN(refuse)
{
	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_reap_all();
	rmdir(CG);
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
}

TEST_F_TIMEOUT(refuse, checkpoint_refused_tree_untouched, 120)
{
	expect_refused(_metadata, self->root, variant->err, variant->line);
}

TEST_HARNESS_MAIN
