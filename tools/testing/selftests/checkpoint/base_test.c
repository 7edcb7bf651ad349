// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint() and restart(): argument checks, their order, permissions,
 * the ckpt_unpriv_allowed sysctl, logfd messages, unsupported resources
 * (and one once refused, saved now), where on the fd the image goes.
 *
 * A restart() that is expected to fail still runs in a forked child: if
 * it succeeded by mistake it would replace the caller.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <sys/fanotify.h>
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>

#include "ckpt_test.h"
#include "image.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"

/* A child frozen by the cgroup v2 freezer, for external checkpoints */
static struct {
	char cg[128];
	pid_t pid;
} frozen;

FIXTURE(base) {
	int unused;
};

FIXTURE_SETUP(base)
{
	ck_setup(_metadata);
}

static void thaw_frozen(void)
{
	char path[192];

	if (frozen.pid > 0) {
		snprintf(path, sizeof(path), "%s/cgroup.freeze", frozen.cg);
		ck_write_file(path, "0");
		kill(frozen.pid, SIGKILL);
		waitpid(frozen.pid, NULL, 0);
		frozen.pid = 0;
	}
	if (frozen.cg[0]) {
		rmdir(frozen.cg);
		frozen.cg[0] = '\0';
	}
}

FIXTURE_TEARDOWN(base)
{
	thaw_frozen();
	ck_cleanup();
}

/* A writable file for images the tests do not look at */
static int scratch_fd(struct __test_metadata *_metadata, int flags)
{
	int fd = open(ck_path("scratch"), flags | O_CREAT | O_CLOEXEC, 0666);

	ASSERT_LE(0, fd);
	return fd;
}

/* An fd number that is not open */
#define CLOSED_FD 900

static void sleeper(void *arg)
{
	for (;;)
		pause();
}

static bool cgroup_frozen(const char *cg)
{
	char path[192], buf[512];

	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	if (ck_read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	return strstr(buf, "frozen 1") != NULL;
}

/* Start a sleeping child and freeze it in a cgroup of its own */
static void start_frozen(struct __test_metadata *_metadata)
{
	char path[192], pid[32];
	int i;

	snprintf(frozen.cg, sizeof(frozen.cg), CGROUP_ROOT "/ckpt-test-%d",
		 getpid());
	ASSERT_EQ(0, mkdir(frozen.cg, 0755)) {
		TH_LOG("mkdir %s: %s (is cgroup2 mounted?)", frozen.cg,
		       strerror(errno));
		frozen.cg[0] = '\0';
	}
	frozen.pid = ck_spawn(NULL, 0, sleeper, NULL);
	ASSERT_LT(0, frozen.pid);
	snprintf(path, sizeof(path), "%s/cgroup.procs", frozen.cg);
	snprintf(pid, sizeof(pid), "%d", frozen.pid);
	ASSERT_EQ(0, ck_write_file(path, pid));
	snprintf(path, sizeof(path), "%s/cgroup.freeze", frozen.cg);
	ASSERT_EQ(0, ck_write_file(path, "1"));
	for (i = 0; i < 3000 && !cgroup_frozen(frozen.cg); i++)
		usleep(10000);
	ASSERT_TRUE(cgroup_frozen(frozen.cg));
}

/* ---- flags ---------------------------------------------------------- */

static const unsigned long unknown_ckpt_flags[] = {
	1UL << 1, 1UL << 2, 1UL << 31, 1UL << 32, 1UL << 63,
	~CHECKPOINT_FLAGS_MASK,
};

/* 1UL << 4 is RESTART_ACCEPT_REPLACED */
static const unsigned long unknown_restart_flags[] = {
	1UL << 5, 1UL << 6, 1UL << 31, 1UL << 32, 1UL << 63,
	~RESTART_FLAGS_MASK,
};

/* every unknown checkpoint() flag is EINVAL */
TEST_F_TIMEOUT(base, checkpoint_unknown_flags, CK_TIMEOUT)
{
	int fd = scratch_fd(_metadata, O_WRONLY);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(unknown_ckpt_flags); i++) {
		errno = 0;
		EXPECT_EQ(-1, sys_checkpoint(0, fd, unknown_ckpt_flags[i], -1))
			TH_LOG("flags %#lx", unknown_ckpt_flags[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("flags %#lx: %s",
						unknown_ckpt_flags[i],
						strerror(errno));
		/* with the valid bit too */
		errno = 0;
		EXPECT_EQ(-1, sys_checkpoint(0, fd, unknown_ckpt_flags[i] |
					     CHECKPOINT_SUBTREE, -1));
		EXPECT_EQ(EINVAL, errno);
	}
	close(fd);
}

/* flags are checked before anything else: pid, fd, logfd */
TEST_F_TIMEOUT(base, checkpoint_checks_ordering, CK_TIMEOUT)
{
	int rdonly = scratch_fd(_metadata, O_RDONLY);

	errno = 0;
	EXPECT_EQ(-1, sys_checkpoint(0, -1, 1UL << 5, -1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, sys_checkpoint(0, rdonly, 1UL << 5, CLOSED_FD));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, sys_checkpoint(INT_MAX, CLOSED_FD, 1UL << 40, CLOSED_FD));
	EXPECT_EQ(EINVAL, errno);
	/* and with valid flags, the bad fd is what is reported */
	errno = 0;
	EXPECT_EQ(-1, sys_checkpoint(0, rdonly, 0, -1));
	EXPECT_EQ(EBADF, errno);
	close(rdonly);
}

/* restart() in a child, expect @err back */
static void restart_expect(struct __test_metadata *_metadata,
			   struct ck_restart_args *args, int err)
{
	int status = ck_restart_status(NULL, 0, args);

	ck_expect_restart_error(_metadata, status, err);
}

/* every unknown restart() flag is EINVAL, even with a good image */
TEST_F_TIMEOUT(base, restart_unknown_flags, CK_TIMEOUT)
{
	struct ck_restart_args args = { .flags_set = true };
	unsigned int i;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	for (i = 0; i < ARRAY_SIZE(unknown_restart_flags); i++) {
		args.flags = unknown_restart_flags[i] | RESTART_TASKSELF;
		restart_expect(_metadata, &args, EINVAL);
	}
	/* the image itself is fine */
	args.flags = RESTART_TASKSELF;
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, &args));
}

/* RESTART_FROZEN is reserved: EINVAL, with or without RESTART_TASKSELF */
TEST_F_TIMEOUT(base, restart_frozen_reserved, CK_TIMEOUT)
{
	struct ck_restart_args args = { .flags_set = true };

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	args.flags = RESTART_FROZEN | RESTART_TASKSELF;
	restart_expect(_metadata, &args, EINVAL);
	args.flags = RESTART_FROZEN;
	restart_expect(_metadata, &args, EINVAL);
}

/* ---- RESTART_VALIDATE ------------------------------------------------ */

/*
 * RESTART_VALIDATE reads and checks a whole image and restores nothing:
 * 0 for a good image, and the file position is right after it (exactly
 * the image's bytes are consumed, as by a restart); the caller is as it
 * was. Alone, or with RESTART_TASKSELF (then pid may be the caller's).
 */
TEST_F_TIMEOUT(base, restart_validate_good_image, CK_TIMEOUT)
{
	struct stat st;
	pid_t before = getpid();
	int fd;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	ASSERT_EQ(0, stat(ck.img, &st));
	/* bytes after the image are not consumed */
	fd = open(ck.img, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, write(fd, "extra", 5));
	close(fd);
	fd = open(ck.img, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, sys_restart(0, fd, RESTART_VALIDATE, -1));
	EXPECT_EQ(st.st_size, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(0, sys_restart(getpid(), fd,
				 RESTART_VALIDATE | RESTART_TASKSELF, -1));
	EXPECT_EQ(st.st_size, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(before, getpid());
	close(fd);
	/* and the image still restores */
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, NULL));
}

/*
 * restart(RESTART_VALIDATE) of the image at @fd's start must fail with
 * EINVAL and write a log line, returned in @log
 */
static void validate_refused(struct __test_metadata *_metadata, int fd,
			     char *log, size_t size)
{
	int lp[2];

	memset(log, 0, size);
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(0, pipe2(lp, O_NONBLOCK));
	errno = 0;
	EXPECT_EQ(-1, sys_restart(0, fd, RESTART_VALIDATE, lp[1]));
	EXPECT_EQ(EINVAL, errno) TH_LOG("errno %s", strerrorname_np(errno));
	EXPECT_LT(0, read(lp[0], log, size - 1));
	close(lp[0]);
	close(lp[1]);
}

/* a bad image: the error restart would return, with a log line */
TEST_F_TIMEOUT(base, restart_validate_bad_image, CK_TIMEOUT)
{
	char log[1024];
	int fd;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	fd = open(ck.img, O_RDWR);
	ASSERT_LE(0, fd);
	/* the last byte: the trailer's checksum */
	ASSERT_EQ(0, ftruncate(fd, lseek(fd, 0, SEEK_END) - 1));
	validate_refused(_metadata, fd, log, sizeof(log));
	/* a broken magic is EINVAL */
	ASSERT_EQ(1, pwrite(fd, "X", 1, offsetof(struct ckpt_hdr_header,
						 magic)));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	errno = 0;
	EXPECT_EQ(-1, sys_restart(0, fd, RESTART_VALIDATE, -1));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

static unsigned int get_mxcsr(void)
{
	unsigned int v;

	asm volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static void set_mxcsr(unsigned int v)
{
	asm volatile("ldmxcsr %0" : : "m"(v));
}

/*
 * The FPU state is checked by the kernel's own loader (as
 * PTRACE_SETREGSET checks it): an image whose MXCSR has reserved bits set
 * passes every record check and is refused all the same. Validating a
 * good image leaves the caller's own FPU state as it was.
 */
TEST_F_TIMEOUT(base, restart_validate_checks_fpu, CK_TIMEOUT)
{
	unsigned int mine = 0x1f80 | 0x6000, *mxcsr;	/* round to zero */
	struct ckpt_image img;
	char log[1024];
	long off;
	int fd;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	fd = open(ck.img, O_RDONLY);
	ASSERT_LE(0, fd);
	set_mxcsr(mine);
	EXPECT_EQ(0, sys_restart(0, fd, RESTART_VALIDATE, -1));
	EXPECT_EQ(mine, get_mxcsr());
	set_mxcsr(0x1f80);
	close(fd);

	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
	off = ckpt_image_find(&img, CKPT_HDR_FPU, 0);
	ASSERT_LT(0, off);
	/* MXCSR: offset 24 of the legacy area */
	mxcsr = (unsigned int *)(img.data + off +
				 sizeof(struct ckpt_hdr_fpu) + 24);
	*mxcsr = 0xffffffff;
	ASSERT_EQ(0, ckpt_image_fix_csum(&img));
	fd = open(ck.img, O_RDWR | O_TRUNC);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)img.len, write(fd, img.data, img.len));
	ckpt_image_free(&img);
	validate_refused(_metadata, fd, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "fpu: state rejected")) TH_LOG("log: %s", log);
	EXPECT_EQ(0x1f80U, get_mxcsr());
	/* and restart itself refuses it the same way, the caller unharmed */
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	close(fd);
	restart_expect(_metadata, NULL, EINVAL);
}

#define CKPT_TOOL	"/bin/ckpt"

/* Run the ckpt tool, its stdout and stderr to @out; its exit status */
static int run_tool(const char *out, char *const argv[])
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * `ckpt validate IMAGE` (or `-` for stdin): "valid" and status 0 for a
 * good image; status 1, the error restart() would return and the kernel's
 * log line (--log) for a bad one.
 */
TEST_F_TIMEOUT(base, ckpt_validate_tool, CK_TIMEOUT)
{
	const char *out = ck_path("tool.out"), *log = ck_path("tool.log");
	char buf[1024];
	int fd;

	if (access(CKPT_TOOL, X_OK))
		SKIP(return, "no %s in this system", CKPT_TOOL);
	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	EXPECT_EQ(0, run_tool(out, (char *[]){ CKPT_TOOL, "validate", ck.img,
					       NULL }));
	ASSERT_LT(0, ck_read_file(out, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, ": valid")) TH_LOG("said: %s", buf);

	/* from stdin */
	fd = open(ck.img, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ck_move_fd(fd, 0));
	EXPECT_EQ(0, run_tool(out, (char *[]){ CKPT_TOOL, "validate", "-",
					       NULL }));
	ASSERT_LT(0, ck_read_file(out, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "(stdin): valid")) TH_LOG("said: %s", buf);

	/* the trailer's checksum cut short */
	fd = open(ck.img, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, lseek(fd, 0, SEEK_END) - 1));
	close(fd);
	EXPECT_EQ(1, run_tool(out, (char *[]){ CKPT_TOOL, "validate", "--log",
					       (char *)log, ck.img, NULL }));
	ASSERT_LT(0, ck_read_file(out, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "restart would fail: Invalid argument"))
		TH_LOG("said: %s", buf);
	EXPECT_LT(0, ck_read_file(log, buf, sizeof(buf)));
	/* and nothing was restored: the caller is alone */
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG));
	EXPECT_EQ(ECHILD, errno);
}

/*
 * A program holding a data file open at REPL_FD; restored, it reports
 * what it reads there ("READS ...").
 */
#define REPL_FD		40
#define REPL_OLD	"the file the program opened"
#define REPL_NEW	"another file, renamed over it"

static void body_replaced(void *arg)
{
	char buf[64] = "";

	CK_ASSERT(ck_move_fd(open(ck_path("data"), O_RDONLY), REPL_FD) ==
		  REPL_FD, "data");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(pread(REPL_FD, buf, sizeof(buf) - 1, 0) > 0, "read");
	ck_report("READS %s", buf);
	ck_done();
}

/* A child with ck_spawn()'s fds (a restarter's) that execs @arg, an argv */
static void exec_argv(void *arg)
{
	char *const *argv = arg;

	execv(argv[0], argv);
	_exit(127);
}

/* Write @s to the new file @path: 0 or -errno */
static int make_text(const char *path, const char *s)
{
	int ret = ck_touch(path, 0644);

	return ret ?: ck_write_file(path, s);
}

/*
 * The data file of a self checkpoint replaced at its path since (a new
 * file renamed over it): `ckpt validate` and `ckpt restart` fail with
 * status 1, restart() with ESTALE ("Stale file handle"), say that
 * --accept-replaced takes it, and the log line names the path; `ckpt
 * validate --accept-replaced` says "valid", and `ckpt restart
 * --accept-replaced` becomes the program, which reads the new file.
 */
TEST_F_TIMEOUT(base, ckpt_restart_accept_replaced_tool, CK_TIMEOUT)
{
	const char *out = ck_path("tool.out"), *log = ck_path("tool.log");
	const char *data = ck_path("data"), *repl = ck_path("data.new");
	char buf[2048], line[256];
	int status;

	if (access(CKPT_TOOL, X_OK))
		SKIP(return, "no %s in this system", CKPT_TOOL);
	ASSERT_EQ(0, make_text(data, REPL_OLD));
	ck_checkpoint_child(_metadata, NULL, 0, body_replaced, NULL);
	ASSERT_EQ(0, make_text(repl, REPL_NEW));
	ASSERT_EQ(0, rename(repl, data));
	snprintf(line, sizeof(line), "%s was replaced since the checkpoint", data);

	EXPECT_EQ(1, run_tool(out, (char *[]){ CKPT_TOOL, "validate", "--log",
					       (char *)log, ck.img, NULL }));
	ASSERT_LT(0, ck_read_file(out, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "restart would fail: Stale file handle"))
		TH_LOG("said: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "--accept-replaced")) TH_LOG("said: %s", buf);
	ASSERT_LT(0, ck_read_file(log, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, line)) TH_LOG("log: %s", buf);
	EXPECT_EQ(0, run_tool(out, (char *[]){ CKPT_TOOL, "validate",
					       "--accept-replaced", ck.img,
					       NULL }));
	ASSERT_LT(0, ck_read_file(out, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, ": valid")) TH_LOG("said: %s", buf);

	/* a self checkpoint: ckpt restart becomes the program, or fails */
	EXPECT_EQ(1, run_tool(out, (char *[]){ CKPT_TOOL, "restart", "--log",
					       (char *)log, ck.img, NULL }));
	ASSERT_LT(0, ck_read_file(out, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "restart failed: Stale file handle"))
		TH_LOG("said: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "--accept-replaced")) TH_LOG("said: %s", buf);
	status = ck_wait(ck_spawn(NULL, 0, exec_argv,
				  (char *[]){ CKPT_TOOL, "restart",
					      "--accept-replaced", "--log",
					      (char *)log, ck.img, NULL }));
	ck_expect_restored(_metadata, status);
	EXPECT_NE(NULL, ck_line("READS " REPL_NEW)) TH_LOG("reported: %s", ck.buf);
}

/*
 * Its argument checks: the flag check first (RESTART_FROZEN is still
 * reserved with it), then fd and logfd, then pid: 0 alone, 0 or the
 * caller's with RESTART_TASKSELF.
 */
TEST_F_TIMEOUT(base, restart_validate_checks_ordering, CK_TIMEOUT)
{
	int fd;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	fd = open(ck.img, O_RDONLY);
	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, sys_restart(0, fd, RESTART_VALIDATE | RESTART_FROZEN, -1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, sys_restart(12345, CLOSED_FD,
				  RESTART_VALIDATE | 1UL << 40, CLOSED_FD));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, sys_restart(0, CLOSED_FD, RESTART_VALIDATE, -1));
	EXPECT_EQ(EBADF, errno);
	errno = 0;
	EXPECT_EQ(-1, sys_restart(0, fd, RESTART_VALIDATE, CLOSED_FD));
	EXPECT_EQ(EBADF, errno);
	errno = 0;
	EXPECT_EQ(-1, sys_restart(getpid(), fd, RESTART_VALIDATE, -1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, sys_restart(getpid() + 1, fd,
				  RESTART_VALIDATE | RESTART_TASKSELF, -1));
	EXPECT_EQ(EINVAL, errno);
	/* nothing was read by the refused calls */
	EXPECT_EQ(0, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(0, sys_restart(0, fd, RESTART_VALIDATE, -1));
	close(fd);
}

static void restart_raw_child(void *arg)
{
	const long *a = arg;
	long ret;
	int err;

	ck_restarter_snapshot();
	errno = 0;
	ret = sys_restart(a[0], a[1], a[2], a[3]);
	err = errno;
	ck_report("RESTART-ERROR %d ret=%ld %s", err, ret,
		  ck_restarter_harm());
	_exit(CK_EXIT_RESTART_ERR);
}

/* restart(pid, fd, flags, logfd) in a child, with the fd table as is */
static int restart_raw(long pid, long fd, unsigned long flags, long logfd,
		       const struct ck_fdmap *map, int nmap)
{
	long a[4] = { pid, fd, (long)flags, logfd };

	return ck_wait(ck_spawn(map, nmap, restart_raw_child, a));
}

/* flags first: a bad fd and logfd do not hide an unknown flag */
TEST_F_TIMEOUT(base, restart_checks_ordering, CK_TIMEOUT)
{
	int status;

	status = restart_raw(0, -1, 1UL << 5, CLOSED_FD, NULL, 0);
	ck_expect_restart_error(_metadata, status, EINVAL);
	status = restart_raw(0, CLOSED_FD, 1UL << 63 | RESTART_TASKSELF, -1,
			     NULL, 0);
	ck_expect_restart_error(_metadata, status, EINVAL);
	status = restart_raw(12345, CLOSED_FD, 1UL << 40, CLOSED_FD, NULL, 0);
	ck_expect_restart_error(_metadata, status, EINVAL);
}

/* ---- fds ------------------------------------------------------------ */

/* the image fd must be open for writing */
TEST_F_TIMEOUT(base, checkpoint_bad_fd, CK_TIMEOUT)
{
	int rdonly = scratch_fd(_metadata, O_RDONLY);
	int path = open(ck.dir, O_PATH | O_CLOEXEC);
	int dir = open(ck.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const int bad[] = { -1, -1000, CLOSED_FD, rdonly, path, dir };
	unsigned int i;

	ASSERT_LE(0, path);
	ASSERT_LE(0, dir);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, sys_checkpoint(0, bad[i], 0, -1))
			TH_LOG("fd %d (case %u)", bad[i], i);
		EXPECT_EQ(EBADF, errno) TH_LOG("fd %d (case %u): %s", bad[i],
					       i, strerror(errno));
	}
}

/* the image fd must be open for reading */
TEST_F_TIMEOUT(base, restart_bad_fd, CK_TIMEOUT)
{
	struct ck_fdmap map[3];
	int wronly, path, dir, status;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	wronly = open(ck.img, O_WRONLY | O_CLOEXEC);
	path = open(ck.img, O_PATH | O_CLOEXEC);
	dir = open(ck.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, wronly);
	ASSERT_LE(0, path);
	ASSERT_LE(0, dir);
	map[0] = (struct ck_fdmap){ wronly, 20 };
	map[1] = (struct ck_fdmap){ path, 21 };
	map[2] = (struct ck_fdmap){ dir, 22 };

	status = restart_raw(0, -1, RESTART_TASKSELF, -1, map, 3);
	ck_expect_restart_error(_metadata, status, EBADF);
	status = restart_raw(0, CLOSED_FD, RESTART_TASKSELF, -1, map, 3);
	ck_expect_restart_error(_metadata, status, EBADF);
	status = restart_raw(0, 20, RESTART_TASKSELF, -1, map, 3);
	ck_expect_restart_error(_metadata, status, EBADF);
	status = restart_raw(0, 21, RESTART_TASKSELF, -1, map, 3);
	ck_expect_restart_error(_metadata, status, EBADF);
	/* a directory is readable, but reading it fails: any error */
	status = restart_raw(0, 22, RESTART_TASKSELF, -1, map, 3);
	EXPECT_TRUE(WIFEXITED(status) &&
		    WEXITSTATUS(status) == CK_EXIT_RESTART_ERR) {
		ck_dump(_metadata, "restart from a directory fd", status);
	}
}

/* a logfd that is not -1 must be an fd open for writing */
TEST_F_TIMEOUT(base, checkpoint_bad_logfd, CK_TIMEOUT)
{
	int fd = scratch_fd(_metadata, O_WRONLY);
	int rdonly = open(ck.log, O_RDONLY | O_CLOEXEC);
	const int bad[] = { CLOSED_FD, -2, rdonly };
	unsigned int i;

	ASSERT_LE(0, rdonly);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, sys_checkpoint(0, fd, 0, bad[i]))
			TH_LOG("logfd %d", bad[i]);
		EXPECT_EQ(EBADF, errno) TH_LOG("logfd %d: %s", bad[i],
					       strerror(errno));
	}
}

/* a bad logfd fails restart() before it touches the caller */
TEST_F_TIMEOUT(base, restart_bad_logfd, CK_TIMEOUT)
{
	struct ck_restart_args args = { .logfd_set = true };

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	args.logfd = CLOSED_FD;
	restart_expect(_metadata, &args, EBADF);
	args.logfd = -2;
	restart_expect(_metadata, &args, EBADF);
	/* CK_RIMG_FD is the image, open read-only */
	args.logfd = CK_RIMG_FD;
	restart_expect(_metadata, &args, EBADF);
}

static void body_no_logfd(void *arg)
{
	int fd = open(ck.img, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	long ret;

	CK_ASSERT(fd >= 0, "open");
	ret = sys_checkpoint(0, fd, 0, -1);
	close(fd);
	if (ret < 0) {
		ck_report("CKPT-ERROR %d", errno);
		_exit(CK_EXIT_CKPT_ERR);
	}
	if (ret > 0) {
		ck_report("CKPT %ld", ret);
		_exit(0);
	}
	ck_done();
}

/* logfd -1: no log, both calls work */
TEST_F_TIMEOUT(base, logfd_minus_one, CK_TIMEOUT)
{
	struct ck_restart_args args = { .logfd_set = true, .logfd = -1 };
	struct stat st;

	ck_checkpoint_child(_metadata, NULL, 0, body_no_logfd, NULL);
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, &args));
	ASSERT_EQ(0, stat(ck.log, &st));
	EXPECT_EQ(0, st.st_size) TH_LOG("something was logged");
}

/* ---- where the image goes ------------------------------------------- */

static const char prefix[] = "not an image, 29 bytes long.";
static const char suffix[] = "written after the image";

static void body_at_offset(void *arg)
{
	int fd = open(ck.img, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	off_t pos;
	long ret;

	CK_ASSERT(fd >= 0, "open");
	CK_ASSERT(write(fd, prefix, 29) == 29, "write prefix");
	CK_ASSERT(ck_move_fd(fd, CK_IMG_FD) == CK_IMG_FD, "dup2");
	fd = open(ck.log, O_WRONLY | O_APPEND);
	CK_ASSERT(ck_move_fd(fd, CK_LOG_FD) == CK_LOG_FD, "dup2");
	ret = sys_checkpoint(0, CK_IMG_FD, 0, CK_LOG_FD);
	if (ret < 0) {
		ck_report("CKPT-ERROR %d", errno);
		_exit(CK_EXIT_CKPT_ERR);
	}
	if (ret == 0)
		ck_done();
	pos = lseek(CK_IMG_FD, 0, SEEK_CUR);
	ck_report("POS %lld", (long long)pos);
	CK_ASSERT(write(CK_IMG_FD, suffix, sizeof(suffix)) ==
		  sizeof(suffix), "write after");
	ck_report("CKPT %ld", ret);
	ck_done();
}

/*
 * The image is written at the fd's position, which then points past it;
 * restart() reads it from the fd's position.
 */
TEST_F_TIMEOUT(base, image_at_fd_position, CK_TIMEOUT)
{
	struct ck_restart_args args = { .offset = 29 };
	struct ckpt_image img, part;
	char err[256] = "";
	long pos = 0;

	ck_checkpoint_child(_metadata, NULL, 0, body_at_offset, NULL);
	ASSERT_EQ(0, ck_line_int("POS ", &pos));
	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
	ASSERT_EQ(pos + sizeof(suffix), img.len);
	EXPECT_EQ(0, memcmp(img.data, prefix, 29));
	EXPECT_EQ(0, memcmp(img.data + pos, suffix, sizeof(suffix)));
	part.data = img.data + 29;
	part.len = pos - 29;
	EXPECT_EQ(0, ckpt_image_verify(&part, err, sizeof(err)))
		TH_LOG("image between 29 and %ld: %s", pos, err);
	ckpt_image_free(&img);
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, &args));
}

static void body_enospc(void *arg)
{
	static char big[256 * 1024];
	int fd = open(ck_path("small/image"), O_WRONLY | O_CREAT, 0666);
	long ret;
	int err;

	CK_ASSERT(fd >= 0, "open");
	ck_fill(big, sizeof(big), 5);
	ret = sys_checkpoint(0, fd, 0, -1);
	err = errno;
	close(fd);
	umount2(ck_path("small"), MNT_DETACH);
	CK_EXPECT(ret == -1 && err == ENOSPC, "checkpoint returned %ld (%s)",
		  ret, strerrorname_np(err));
	/* the caller is fine, and can checkpoint elsewhere */
	CK_EXPECT_EQ(-1, ck_check_fill(big, sizeof(big), 5));
	if (ck_checkpoint_self() > 0)
		_exit(0);
	ck_done();
}

/* a full filesystem: ENOSPC, and the caller goes on unharmed */
TEST_F_TIMEOUT(base, checkpoint_enospc, CK_TIMEOUT)
{
	ASSERT_EQ(0, mkdir(ck_path("small"), 0777));
	ASSERT_EQ(0, mount("ckpt-small", ck_path("small"), "tmpfs", 0,
			   "size=16k,mode=0777"));
	ck_checkpoint_child(_metadata, NULL, 0, body_enospc, NULL);
	umount2(ck_path("small"), MNT_DETACH);
}

/* ---- pids ----------------------------------------------------------- */

/* external checkpoint of a pid that does not exist: ESRCH */
TEST_F_TIMEOUT(base, checkpoint_no_such_pid, CK_TIMEOUT)
{
	int fd = scratch_fd(_metadata, O_WRONLY);
	char buf[32] = "";
	long pid_max;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	errno = 0;
	EXPECT_EQ(-1, sys_checkpoint(pid, fd, CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(ESRCH, errno);
	ASSERT_LT(0, ck_read_file("/proc/sys/kernel/pid_max", buf,
				  sizeof(buf)));
	pid_max = strtol(buf, NULL, 10);
	errno = 0;
	EXPECT_EQ(-1, sys_checkpoint(pid_max + 1, fd, CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(ESRCH, errno);
}

/* external checkpoint of a task that is not frozen: EBUSY, task untouched */
TEST_F_TIMEOUT(base, checkpoint_not_frozen, CK_TIMEOUT)
{
	int fd = scratch_fd(_metadata, O_WRONLY);
	char path[64], stat[256] = "";
	pid_t pid;

	int i;

	pid = ck_spawn(NULL, 0, sleeper, NULL);
	ASSERT_LT(0, pid);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 1000 && !strstr(stat, ") S "); i++) {
		usleep(10000);
		ck_read_file(path, stat, sizeof(stat));
	}
	ASSERT_NE(NULL, strstr(stat, ") S ")) TH_LOG("stat: %s", stat);
	errno = 0;
	EXPECT_EQ(-1, sys_checkpoint(pid, fd, CHECKPOINT_SUBTREE, -1));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_LT(0, ck_read_file(path, stat, sizeof(stat)));
	EXPECT_NE(NULL, strstr(stat, ") S ")) TH_LOG("stat: %s", stat);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* without CHECKPOINT_SUBTREE the root must be a pid namespace init */
TEST_F_TIMEOUT(base, checkpoint_subtree_needs_flag, CK_TIMEOUT)
{
	int fd = scratch_fd(_metadata, O_WRONLY);

	start_frozen(_metadata);
	errno = 0;
	EXPECT_EQ(-1, sys_checkpoint(frozen.pid, fd, 0, -1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(cgroup_frozen(frozen.cg));
}

/* the control for the next test: root may checkpoint the frozen child */
TEST_F_TIMEOUT(base, checkpoint_frozen_child_as_root, CK_TIMEOUT)
{
	struct ckpt_image img;
	const struct ckpt_hdr_header *h;
	char err[256] = "";
	long id;
	int fd;

	start_frozen(_metadata);
	fd = open(ck.img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	ASSERT_LE(0, fd);
	id = sys_checkpoint(frozen.pid, fd, CHECKPOINT_SUBTREE, -1);
	close(fd);
	ASSERT_LT(0, id) TH_LOG("checkpoint: %s", strerror(errno));
	/* the tree stays frozen */
	EXPECT_TRUE(cgroup_frozen(frozen.cg));
	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
	EXPECT_EQ(0, ckpt_image_verify(&img, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_LE(sizeof(*h), img.len);
	h = (const struct ckpt_hdr_header *)img.data;
	EXPECT_EQ(1U, h->nr_tasks);
	EXPECT_EQ(0ULL, h->flags & CKPT_IMG_SELF);
	EXPECT_EQ((uint64_t)id, h->ckpt_id);
	ckpt_image_free(&img);
}

static void body_external_unpriv(void *arg)
{
	int fd;
	long ret;

	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	fd = open(ck_path("unpriv.img"), O_WRONLY | O_CREAT, 0666);
	CK_ASSERT(fd >= 0, "open");
	ret = sys_checkpoint(frozen.pid, fd, CHECKPOINT_SUBTREE, -1);
	CK_EXPECT(ret == -1 && errno == EPERM, "checkpoint returned %ld (%s)",
		  ret, strerrorname_np(errno));
	ck_done();
}

/* an unprivileged user may not checkpoint root's task: EPERM */
TEST_F_TIMEOUT(base, checkpoint_other_user_eperm, CK_TIMEOUT)
{
	int status;

	start_frozen(_metadata);
	status = ck_wait(ck_spawn(NULL, 0, body_external_unpriv, NULL));
	if (status != 0) {
		ck_dump(_metadata, "unprivileged checkpoint", status);
		EXPECT_EQ(0, status);
	}
	EXPECT_TRUE(cgroup_frozen(frozen.cg));
}

/* RESTART_TASKSELF: pid must be 0 or the caller's own */
TEST_F_TIMEOUT(base, restart_taskself_pid, CK_TIMEOUT)
{
	struct ck_restart_args args = { .pid_set = true };

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	args.pid = getpid();	/* the restarter's parent */
	restart_expect(_metadata, &args, EINVAL);
	args.pid = -1;
	restart_expect(_metadata, &args, EINVAL);
	args.pid = 1;
	restart_expect(_metadata, &args, EINVAL);
	args = (struct ck_restart_args){ .own_pid = true };
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, &args));
}

/* without RESTART_TASKSELF, pid must be 0 */
TEST_F_TIMEOUT(base, restart_coordinator_pid, CK_TIMEOUT)
{
	struct ck_restart_args args = {
		.flags_set = true, .flags = 0, .pid_set = true, .pid = 1,
	};

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	restart_expect(_metadata, &args, EINVAL);
	args.own_pid = true;
	args.pid_set = false;
	restart_expect(_metadata, &args, EINVAL);
}

/* ---- credentials ---------------------------------------------------- */

/*
 * An unprivileged user cannot restart root's image: it could not give
 * itself those credentials. EPERM, and the caller is unharmed.
 */
TEST_F_TIMEOUT(base, restart_root_image_unprivileged, CK_TIMEOUT)
{
	struct ck_restart_args args = { .uid = CK_UNPRIV_UID };

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	ASSERT_EQ(0, chmod(ck.img, 0644));
	restart_expect(_metadata, &args, EPERM);
	/* root can */
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, NULL));
}

/* ---- the ckpt_unpriv_allowed sysctl --------------------------------- */

FIXTURE(sysctl) {
	int unused;
};

FIXTURE_SETUP(sysctl)
{
	ck_setup(_metadata);
}

FIXTURE_TEARDOWN(sysctl)
{
	ck_write_file(CK_SYSCTL_UNPRIV, "1");
	ck_cleanup();
}

static void set_unpriv(struct __test_metadata *_metadata, const char *val)
{
	char buf[8] = "";

	ASSERT_EQ(0, ck_write_file(CK_SYSCTL_UNPRIV, val));
	ASSERT_LT(0, ck_read_file(CK_SYSCTL_UNPRIV, buf, sizeof(buf)));
	ASSERT_EQ(val[0], buf[0]);
}

/* it exists and is 1 by default */
TEST_F_TIMEOUT(sysctl, default_is_one, CK_TIMEOUT)
{
	char buf[8] = "";

	ASSERT_LT(0, ck_read_file(CK_SYSCTL_UNPRIV, buf, sizeof(buf)))
		TH_LOG("%s: %s", CK_SYSCTL_UNPRIV, strerror(errno));
	EXPECT_STREQ("1\n", buf);
}

static void body_write_sysctl(void *arg)
{
	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	CK_EXPECT(open(CK_SYSCTL_UNPRIV, O_WRONLY) == -1 && errno == EACCES,
		  "an unprivileged user can open the sysctl for writing");
	ck_done();
}

/* only root changes it */
TEST_F_TIMEOUT(sysctl, unprivileged_cannot_write, CK_TIMEOUT)
{
	int status = ck_wait(ck_spawn(NULL, 0, body_write_sysctl, NULL));

	if (status) {
		ck_dump(_metadata, "writer", status);
		EXPECT_EQ(0, status);
	}
}

static void body_unpriv_calls(void *arg)
{
	const char *img = ck_path("denied.img");
	long ret;
	int fd;

	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	fd = open(img, O_WRONLY | O_CREAT, 0666);
	CK_ASSERT(fd >= 0, "open");
	errno = 0;
	ret = sys_checkpoint(0, fd, 0, -1);
	CK_EXPECT(ret == -1 && errno == EPERM, "checkpoint returned %ld (%s)",
		  ret, strerrorname_np(errno));
	if (ret == 0)
		_exit(CK_EXIT_FAIL);	/* restarted from a denied image?! */
	/* unknown flags are still checked first */
	errno = 0;
	ret = sys_checkpoint(0, fd, 1UL << 7, -1);
	CK_EXPECT(ret == -1 && errno == EINVAL, "bad flags: %ld (%s)", ret,
		  strerrorname_np(errno));
	close(fd);
	errno = 0;
	ret = sys_restart(0, -1, 1UL << 7, -1);
	CK_EXPECT(ret == -1 && errno == EINVAL, "bad flags: %ld (%s)", ret,
		  strerrorname_np(errno));
	ck_done();
}

/* 0: checkpoint() is EPERM for an unprivileged caller (flags still first) */
TEST_F_TIMEOUT(sysctl, zero_denies_unprivileged_checkpoint, CK_TIMEOUT)
{
	int status;

	set_unpriv(_metadata, "0");
	status = ck_wait(ck_spawn(NULL, 0, body_unpriv_calls, NULL));
	if (status) {
		ck_dump(_metadata, "unprivileged caller", status);
		EXPECT_EQ(0, status);
	}
}

/* 0: restart() is EPERM for an unprivileged caller, even of its own image */
TEST_F_TIMEOUT(sysctl, zero_denies_unprivileged_restart, CK_TIMEOUT)
{
	struct ck_restart_args args = { .uid = CK_UNPRIV_UID };

	set_unpriv(_metadata, "1");
	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body,
			    (void *)(long)CK_UNPRIV_UID);
	set_unpriv(_metadata, "0");
	restart_expect(_metadata, &args, EPERM);
	/* the image was fine: with 1 the same restart works */
	set_unpriv(_metadata, "1");
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, &args));
}

/* 0 does not concern root */
TEST_F_TIMEOUT(sysctl, zero_allows_root, CK_TIMEOUT)
{
	set_unpriv(_metadata, "0");
	ck_roundtrip(_metadata, ck_simple_body, NULL);
}

/* ---- unsupported resources ------------------------------------------ */

#define RES_FD 70	/* where a body puts the resource (and RES_FD + 1) */

struct resource {
	const char *words;	/* the log line names one of these */
	int (*make)(void);	/* the resource at RES_FD; 0, or -errno */
	int (*check)(void);	/* after the failed checkpoint: still works? */
	bool names_fd;		/* the same line says "fd RES_FD of pid " */
};

static int put(int fd, int at)
{
	if (fd < 0)
		return -errno;
	return ck_move_fd(fd, at) == at ? 0 : -errno;
}

static int make_io_uring(void)
{
	struct io_uring_params p = {};

	return put(syscall(__NR_io_uring_setup, 4, &p), RES_FD);
}

static int check_io_uring(void)
{
	struct stat st;

	return fstat(RES_FD, &st);
}

static int make_fanotify(void)
{
	return put(fanotify_init(FAN_CLASS_NOTIF, O_RDONLY), RES_FD);
}

static int check_fd_open(void)
{
	return fcntl(RES_FD, F_GETFD) < 0 ? -1 : 0;
}

/* a pidfd of the parent: a process outside the tree */
static int make_pidfd_parent(void)
{
	return put(syscall(__NR_pidfd_open, getppid(), 0), RES_FD);
}

/*
 * Deleted files are saved with their contents, but not an O_PATH fd of
 * one (there is nothing to open), nor one whose directory was removed
 * too (there is nowhere to make it again). Each holds "p".
 */
static int make_deleted_opath(void)
{
	const char *path = ck_path("deleted");
	int fd = open(path, O_RDWR | O_CREAT, 0666), o;

	if (fd < 0 || write(fd, "p", 1) != 1)
		return -errno;
	o = open(path, O_PATH);
	if (o < 0 || close(fd) || unlink(path))
		return -errno;
	return put(o, RES_FD);
}

static int check_deleted_opath(void)
{
	struct stat st;

	return !fstat(RES_FD, &st) && S_ISREG(st.st_mode) && !st.st_nlink &&
	       st.st_size == 1 ? 0 : -1;
}

static int make_deleted_in_deleted_dir(void)
{
	const char *dir = ck_path("gone"), *path = ck_path("gone/deleted");
	int fd;

	if (mkdir(dir, 0777))
		return -errno;
	fd = open(path, O_RDWR | O_CREAT, 0666);
	if (fd < 0 || write(fd, "p", 1) != 1 || unlink(path) || rmdir(dir))
		return -errno;
	return put(fd, RES_FD);
}

static int check_file(void)
{
	char c = 0;

	return pread(RES_FD, &c, 1, 0) == 1 && c == 'p' ? 0 : -1;
}

/*
 * A pty pair the program opened itself: the master from /dev/ptmx at
 * RES_FD + 1, its slave at RES_FD. Nothing outside holds either.
 */
static int make_pty_pair(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;

	if (m < 0 || grantpt(m) || unlockpt(m))
		return -errno;
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (s < 0)
		return -errno;
	return put(s, RES_FD) ?: put(m, RES_FD + 1);
}

static int check_pty_pair(void)
{
	char c = 0;

	return write(RES_FD, "p", 1) == 1 && read(RES_FD + 1, &c, 1) == 1 &&
	       c == 'p' ? 0 : -1;
}

/*
 * A controlling terminal inside the tree: a new session, a pty slave
 * opened without O_NOCTTY (it becomes the controlling terminal), and
 * /dev/tty at RES_FD; slave and master above it.
 */
static int make_dev_tty(void)
{
	int m, s;

	if (setsid() < 0)
		return -errno;
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return -errno;
	s = open(ptsname(m), O_RDWR);
	if (s < 0)
		return -errno;
	return put(open("/dev/tty", O_RDWR), RES_FD) ?:
	       put(s, RES_FD + 1) ?: put(m, RES_FD + 2);
}

static int check_dev_tty(void)
{
	char c = 0;

	return write(RES_FD, "p", 1) == 1 && read(RES_FD + 2, &c, 1) == 1 &&
	       c == 'p' ? 0 : -1;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'x';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * A pipe's read end received through SCM_RIGHTS, at RES_FD, while
 * another copy of it is still in flight (queued to the socket at
 * RES_FD + 2, whose peer was closed): its reference count says someone
 * else holds it, and no process does but the queue of a socket of the
 * tree, which counts as the tree's. The write end is at RES_FD + 1.
 * Once refused ("a pipe with an end that no process outside the tree
 * holds"); the file in flight is now saved with the socket's queue.
 */
static int make_scm_in_flight(void)
{
	int p[2], sv[2], r;

	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -errno;
	if (send_fd(sv[0], p[0]) || send_fd(sv[0], p[0]))
		return -EIO;
	r = recv_fd(sv[1]);
	if (r < 0)
		return -EIO;
	close(p[0]);
	close(sv[0]);
	return put(r, RES_FD) ?: put(p[1], RES_FD + 1) ?:
	       put(sv[1], RES_FD + 2);
}

/*
 * In the restored program: the copy in flight is received from the
 * socket at RES_FD + 2, and it is the same open file as RES_FD (the
 * O_NONBLOCK set through one shows on the other): what the write end
 * writes is read through either, in turn. Then the socket is at EOF,
 * its peer closed.
 */
static int check_scm_in_flight(void)
{
	struct pollfd p = { .fd = RES_FD + 2, .events = POLLIN };
	char c[2] = "";
	int r, fl;

	/* the message waits: recv_fd() would not block */
	if (!CK_EXPECT(poll(&p, 1, 0) == 1, "nothing is queued to fd %d",
		       RES_FD + 2))
		return -1;
	r = recv_fd(RES_FD + 2);
	if (!CK_EXPECT(r >= 0, "no file comes with the message"))
		return -1;
	fl = fcntl(r, F_GETFL);
	if (!CK_EXPECT(fl >= 0 && !(fl & O_NONBLOCK) &&
		       !fcntl(r, F_SETFL, fl | O_NONBLOCK) &&
		       (fcntl(RES_FD, F_GETFL) & O_NONBLOCK),
		       "the file received is not the same open file as fd %d",
		       RES_FD))
		return -1;
	if (!CK_EXPECT(write(RES_FD + 1, "pq", 2) == 2 &&
		       read(RES_FD, &c[0], 1) == 1 && read(r, &c[1], 1) == 1 &&
		       !memcmp(c, "pq", 2),
		       "the pipe reads \"%.2s\" through fd %d and the file received, expected \"pq\"",
		       c, RES_FD))
		return -1;
	if (!CK_EXPECT(recv(RES_FD + 2, c, 1, MSG_DONTWAIT) == 0,
		       "fd %d: not at EOF after the message (another one, or its closed peer forgotten)",
		       RES_FD + 2))
		return -1;
	return 0;
}

static pid_t proc_child;

/*
 * /proc/PID/stat of a child: a file of a task outside a self
 * checkpoint's tree. The line names the child's pid, which only the body
 * knows: it reports the words the line must have ("WORDS ...").
 */
static int make_proc_child_stat(void)
{
	char path[64];

	proc_child = fork();
	if (proc_child < 0)
		return -errno;
	if (!proc_child) {
		pause();
		_exit(0);
	}
	ck_report("WORDS is a /proc file of pid %d, outside the tree: not supported",
		  proc_child);
	snprintf(path, sizeof(path), "/proc/%d/stat", proc_child);
	return put(open(path, O_RDONLY), RES_FD);
}

static int check_proc_child_stat(void)
{
	char buf[64];
	int ok = pread(RES_FD, buf, sizeof(buf), 0) > 0 ? 0 : -1;

	kill(proc_child, SIGKILL);
	waitpid(proc_child, NULL, 0);
	return ok;
}

/* a cwd in /proc/self is /proc/PID too */
static int make_proc_cwd(void)
{
	if (chdir("/proc/self/fdinfo"))
		return -errno;
	return put(open("/dev/null", O_RDONLY), RES_FD);
}

static int check_proc_cwd(void)
{
	char cwd[64], want[64];

	snprintf(want, sizeof(want), "/proc/%d/fdinfo", getpid());
	if (fcntl(RES_FD, F_GETFD))
		return -1;
	return getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, want) ? 0 : -1;
}

/* the vDSO without its vvar: restart maps them together, refused */
static int make_vvar_unmapped(void)
{
	unsigned long s, e;

	if (!ck_find_mapping("[vvar]", &s, &e))
		return -ENOSYS;
	if (munmap((void *)s, e - s))
		return -errno;
	return put(open("/dev/null", O_RDONLY), RES_FD);
}

static int check_vvar_unmapped(void)
{
	unsigned long s, e;

	return ck_find_mapping("[vdso]", &s, &e) &&
	       !ck_find_mapping("[vvar]", &s, &e) &&
	       !fcntl(RES_FD, F_GETFD) ? 0 : -1;
}

#define MPOL_BIND_	2	/* <linux/mempolicy.h>, without libnuma */

/* set_mempolicy(MPOL_BIND, node 0), as numactl --membind=0 does */
static int make_mempolicy(void)
{
	unsigned long nodes = 1;

	if (syscall(SYS_set_mempolicy, MPOL_BIND_, &nodes, 64))
		return errno == ENOSYS ? -ENOSYS : -errno;
	return put(open("/dev/null", O_RDONLY), RES_FD);
}

static int check_mempolicy(void)
{
	unsigned long nodes = 0;
	int mode = -1;

	if (syscall(SYS_get_mempolicy, &mode, &nodes, 64, NULL, 0))
		return -1;
	return mode == MPOL_BIND_ && nodes == 1 ? 0 : -1;
}

static void *mbind_area;

/* one mapping bound to node 0 with mbind() */
static int make_mbind(void)
{
	unsigned long nodes = 1;

	mbind_area = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mbind_area == MAP_FAILED)
		return -errno;
	if (syscall(SYS_mbind, mbind_area, 4096, MPOL_BIND_, &nodes, 64, 0))
		return errno == ENOSYS ? -ENOSYS : -errno;
	return put(open("/dev/null", O_RDONLY), RES_FD);
}

static int check_mbind(void)
{
	unsigned long nodes = 0;
	int mode = -1;

	/* MPOL_F_ADDR: the policy of the vma at the address */
	if (syscall(SYS_get_mempolicy, &mode, &nodes, 64, mbind_area, 2))
		return -1;
	return mode == MPOL_BIND_ && nodes == 1 ? 0 : -1;
}

FIXTURE(unsupported) {
	int unused;
};

FIXTURE_VARIANT(unsupported) {
	struct resource res;
};

FIXTURE_VARIANT_ADD(unsupported, io_uring) {
	.res = { "io_uring", make_io_uring, check_io_uring },
};

FIXTURE_VARIANT_ADD(unsupported, fanotify) {
	.res = { "is a fanotify instance: not supported", make_fanotify,
		 check_fd_open },
};

/*
 * a pidfd of oneself is saved (self_test.c), and one of a reaped child
 * (matrix_test.c); this one is not
 */
FIXTURE_VARIANT_ADD(unsupported, pidfd_of_a_process_outside_the_tree) {
	.res = { ", outside the tree: not supported", make_pidfd_parent,
		 check_fd_open, true },
};

FIXTURE_VARIANT_ADD(unsupported, pty_pair_opened_inside) {
	.res = { "terminal the tree opened itself",
		 make_pty_pair, check_pty_pair, true },
};

FIXTURE_VARIANT_ADD(unsupported, dev_tty_controlling_terminal_inside) {
	.res = { "/dev/tty is a terminal the tree opened itself",
		 make_dev_tty, check_dev_tty, true },
};

FIXTURE_VARIANT_ADD(unsupported, o_path_fd_of_deleted_file) {
	.res = { "is deleted, unreachable or has no name", make_deleted_opath,
		 check_deleted_opath },
};

FIXTURE_VARIANT_ADD(unsupported, deleted_file_in_deleted_directory) {
	.res = { "the directory of a deleted file", make_deleted_in_deleted_dir,
		 check_file },
};

/*
 * A file of one's own directory in /proc is saved (self_test.c,
 * proc_files_of_oneself); one of another task's is not (the line names
 * its pid: see make_proc_child_stat())
 */
FIXTURE_VARIANT_ADD(unsupported, proc_stat_of_child) {
	.res = { "is a /proc file of pid ", make_proc_child_stat,
		 check_proc_child_stat, true },
};

/* a cwd in /proc/self names the task by its pid: still refused */
FIXTURE_VARIANT_ADD(unsupported, cwd_in_proc_self) {
	.res = { "cwd: /proc/", make_proc_cwd, check_proc_cwd },
};

FIXTURE_VARIANT_ADD(unsupported, numa_memory_policy) {
	.res = { "a numa memory policy (set_mempolicy(), numactl)",
		 make_mempolicy, check_mempolicy },
};

FIXTURE_VARIANT_ADD(unsupported, numa_policy_of_a_mapping) {
	.res = { "a numa memory policy (mbind())", make_mbind, check_mbind },
};

FIXTURE_VARIANT_ADD(unsupported, vdso_without_vvar) {
	.res = { "vdso is mapped without its vvar", make_vvar_unmapped,
		 check_vvar_unmapped },
};

FIXTURE_SETUP(unsupported)
{
	ck_setup(_metadata);
}

FIXTURE_TEARDOWN(unsupported)
{
	ck_cleanup();
}

static void body_unsupported(void *arg)
{
	const struct resource *res = arg;
	long ret;
	int err;

	err = res->make();
	if (err == -ENOSYS) {
		ck_report("SKIP");
		_exit(0);
	}
	CK_ASSERT(!err, "making the resource: %s", strerror(-err));
	ck_open_image(ck.img);
	errno = 0;
	ret = sys_checkpoint(0, CK_IMG_FD, 0, CK_LOG_FD);
	err = errno;
	if (ret == 0)
		_exit(CK_EXIT_FAIL);	/* restarted?! */
	CK_EXPECT(ret == -1 && err == EOPNOTSUPP,
		  "checkpoint returned %ld (%s)", ret, strerrorname_np(err));
	/* a failed checkpoint leaves the caller as it was */
	CK_EXPECT(fcntl(RES_FD, F_GETFD) == 0, "fd %d is gone", RES_FD);
	CK_EXPECT(!res->check(), "the resource no longer works");
	ck_done();
}

/*
 * Does a line of @log contain one of the |-separated @words (any case),
 * and @also if not NULL?
 */
static bool log_names(const char *log, const char *words, const char *also)
{
	char w[64], line[512], *p;
	const char *l = log, *end, *sep;

	while (*l) {
		end = strchr(l, '\n');
		if (!end)
			return false;	/* lines end with a newline */
		snprintf(line, sizeof(line), "%.*s", (int)(end - l), l);
		for (p = line; *p; p++)
			*p = tolower(*p);
		for (sep = words; sep && (!also || strstr(line, also));
		     sep = strchr(sep, '|')) {
			if (*sep == '|')
				sep++;
			snprintf(w, sizeof(w), "%.*s",
				 (int)(strchrnul(sep, '|') - sep), sep);
			if (strstr(line, w))
				return true;
		}
		l = end + 1;
	}
	return false;
}

/*
 * A resource checkpoint cannot save: EOPNOTSUPP, a log line naming it,
 * and the caller goes on as before.
 */
TEST_F_TIMEOUT(unsupported, checkpoint_fails_and_logs, CK_TIMEOUT)
{
	char log[4096] = "", exact[256];
	const char *words;
	int status;

	status = ck_wait(ck_spawn(NULL, 0, body_unsupported,
				  (void *)&variant->res));
	if (ck_line("SKIP"))
		SKIP(return, "the kernel cannot make this resource");
	ck_read_file(ck.log, log, sizeof(log));
	if (status) {
		ck_dump(_metadata, "checkpoint", status);
		EXPECT_EQ(0, status);
	}
	EXPECT_TRUE(log_names(log, variant->res.words,
			      variant->res.names_fd ? "fd 70 of pid " : NULL))
		TH_LOG("no line naming %s%s in the log:\n%s",
		       variant->res.names_fd ? "fd 70 and " : "",
		       variant->res.words, log);
	/* words only the body knows, a pid in them: exactly so */
	words = ck_line("WORDS ");
	if (words) {
		snprintf(exact, sizeof(exact), "%.*s",
			 (int)strcspn(words, "\n"), words);
		EXPECT_NE(NULL, strstr(log, exact))
			TH_LOG("no line says \"%s\" in the log:\n%s", exact, log);
	}
}

/* ---- resources once refused, saved now ------------------------------ */

/*
 * What this file's unsupported fixture once refused and checkpoint now
 * saves (each type has its own tests elsewhere; this one also keeps the
 * shape it was refused in): the body makes it, checkpoints itself, and
 * the restored program checks it, from the inside, with CK_EXPECT().
 */
FIXTURE(supported) {
	int unused;
};

FIXTURE_VARIANT(supported) {
	struct resource res;	/* words and names_fd unused */
};

/* scm_test.c has the files in flight of every kind */
FIXTURE_VARIANT_ADD(supported, scm_rights_file_in_flight) {
	.res = { NULL, make_scm_in_flight, check_scm_in_flight, false },
};

FIXTURE_SETUP(supported)
{
	ck_setup(_metadata);
}

FIXTURE_TEARDOWN(supported)
{
	ck_cleanup();
}

static void body_supported(void *arg)
{
	const struct resource *res = arg;
	int err;

	err = res->make();
	CK_ASSERT(!err, "making the resource: %s", strerror(-err));
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(!res->check(), "the resource does not work after restart");
	ck_done();
}

/* checkpoint saves it; the restored program finds it working */
TEST_F_TIMEOUT(supported, checkpoint_and_restart_keep_it, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_supported, (void *)&variant->res);
}

/* ---- logfd ---------------------------------------------------------- */

/* a refused restart says why on logfd */
TEST_F_TIMEOUT(base, restart_refusal_is_logged, CK_TIMEOUT)
{
	struct ck_restart_args args = { 0 };
	char log[4096] = "";
	int fd;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body, NULL);
	/* break the magic */
	fd = open(ck.img, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, pwrite(fd, "X", 1, offsetof(struct ckpt_hdr_header,
						 magic)));
	close(fd);
	ASSERT_EQ(0, truncate(ck.log, 0));
	restart_expect(_metadata, &args, EINVAL);
	ck_read_file(ck.log, log, sizeof(log));
	EXPECT_LT(0U, strlen(log)) TH_LOG("nothing logged");
	EXPECT_EQ('\n', log[strlen(log) ? strlen(log) - 1 : 0])
		TH_LOG("log does not end a line: \"%s\"", log);
}

TEST_HARNESS_MAIN
