// SPDX-License-Identifier: GPL-2.0
/*
 * External checkpoint of a tree quiesced with the v1 cgroup freezer
 * (freezer.state). Unlike the v2 freezer, v1 stops a task sleeping in a
 * freezable wait where it is, inside the system call: such calls
 * (nanosleep, futex waits, wait4/waitid) are restarted from their
 * beginning after restart; others frozen in place are refused with EBUSY
 * and the tree is left frozen and intact.
 *
 * The tree reports by appending lines to a regular file (reopened by path
 * after restart), so no fd leads outside it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"
#include "ck_lite.h"

#define FZ_ROOT		"/tmp/ckpt-freezer-v1"
#define FZ_GROUP	FZ_ROOT "/tree"
#define REPORT		"/tmp/ckpt-fz-report"
#define IMG		"/tmp/ckpt-fz.img"
#define LOG		"/tmp/ckpt-fz.log"
#define SLEEP_MS	3000

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { got_usr1 = 1; }

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool fz_state_is(const char *want, int secs)
{
	char buf[64];
	int i, fd;
	ssize_t n;

	for (i = 0; i < secs * 50; i++) {
		fd = open(FZ_GROUP "/freezer.state", O_RDONLY);
		if (fd < 0)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		if (!strncmp(buf, want, strlen(want)))
			return true;
		usleep(20000);
	}
	return false;
}

static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

/* Wait until @pid sleeps (S) in its call. */
static bool sleeping(pid_t pid, int secs)
{
	int i;

	for (i = 0; i < secs * 50; i++) {
		if (state_of(pid) == 'S')
			return true;
		usleep(20000);
	}
	return false;
}

/* Reap every descendant (the test is their subreaper). */
/*
 * root: A waits for SIGUSR1 in pause() (leaves the call, frozen on the
 * signal path); B waits in wait4() for its child G, which waits for
 * SIGUSR1 and exits 7 (frozen in place); C sleeps SLEEP_MS in nanosleep()
 * (frozen in place); the root waits for all three (frozen in place).
 */
static void tree_root(void)
{
	pid_t a, b, c;
	int status, ok = 1;

	lite_cg_enter(FZ_GROUP);
	signal(SIGUSR1, on_usr1);
	a = fork();
	if (!a) {
		lite_say(REPORT, "A %d\n", getpid());
		while (!got_usr1)
			pause();
		lite_say(REPORT, "A got SIGUSR1\n");
		_exit(0);
	}
	b = fork();
	if (!b) {
		pid_t g = fork();

		if (!g) {
			lite_say(REPORT, "G %d\n", getpid());
			while (!got_usr1)
				pause();
			_exit(7);
		}
		lite_say(REPORT, "B %d\n", getpid());
		if (waitpid(g, &status, 0) != g)
			_exit(1);
		lite_say(REPORT, "B reaped %d\n", WIFEXITED(status) ?
		    WEXITSTATUS(status) : -1);
		_exit(0);
	}
	c = fork();
	if (!c) {
		struct timespec ts = { SLEEP_MS / 1000, 0 };
		long long t0 = mono_ms();

		lite_say(REPORT, "C %d\n", getpid());
		if (nanosleep(&ts, NULL))
			_exit(1);
		lite_say(REPORT, "C slept %lld until %lld\n", mono_ms() - t0, mono_ms());
		_exit(0);
	}
	while (a || b || c) {
		pid_t p = wait(&status);

		if (p < 0)
			_exit(2);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			ok = 0;
		if (p == a)
			a = 0;
		else if (p == b)
			b = 0;
		else if (p == c)
			c = 0;
	}
	lite_say(REPORT, "root done %d\n", ok);
	_exit(ok ? 0 : 3);
}

static void sigwait_root(void)
{
	struct timespec ts = { 6, 0 };
	sigset_t set;

	lite_cg_enter(FZ_GROUP);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	lite_say(REPORT, "W %d\n", getpid());
	/* times out: EAGAIN */
	if (sigtimedwait(&set, NULL, &ts) < 0 && errno == EAGAIN)
		lite_say(REPORT, "W timed out\n");
	_exit(0);
}

FIXTURE(v1) {
	int unused;
};

FIXTURE_SETUP(v1)
{
	mkdir(FZ_ROOT, 0700);
	if (mount("freezer", FZ_ROOT, "cgroup", 0, "freezer") &&
	    errno != EBUSY)
		ASSERT_EQ(0, errno) TH_LOG("mount the v1 freezer: %s",
					   strerror(errno));
	rmdir(FZ_GROUP);
	ASSERT_EQ(0, mkdir(FZ_GROUP, 0700)) TH_LOG("%s", strerror(errno));
	unlink(REPORT);
	unlink(IMG);
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
}

FIXTURE_TEARDOWN(v1)
{
	lite_cg_write(FZ_GROUP, "freezer.state", "THAWED");
	lite_reap_all();
	rmdir(FZ_GROUP);
	umount(FZ_ROOT);
	rmdir(FZ_ROOT);
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
}

TEST_F_TIMEOUT(v1, tree_restarts_its_calls, 240)
{
	pid_t root, a, b, g, c, r;
	char log[2048] = "", rep[4096] = "";
	int img, logfd, status, fd;
	long long slept, until, t_restart;
	long ret;
	ssize_t n;

	root = fork();
	ASSERT_LE(0, root);
	if (!root)
		tree_root();
	a = lite_line_pid(REPORT, "A ", 30);
	b = lite_line_pid(REPORT, "B ", 30);
	g = lite_line_pid(REPORT, "G ", 30);
	c = lite_line_pid(REPORT, "C ", 30);
	ASSERT_TRUE(a && b && g && c);
	ASSERT_TRUE(sleeping(a, 30) && sleeping(b, 30) && sleeping(g, 30) &&
		    sleeping(c, 30) && sleeping(root, 30));

	ASSERT_EQ(0, lite_cg_write(FZ_GROUP, "freezer.state", "FROZEN"));
	ASSERT_TRUE(fz_state_is("FROZEN", 30));
	img = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, img);
	ret = ck_checkpoint_validated(root, img, CHECKPOINT_SUBTREE, logfd);
	close(img);
	fd = open(LOG, O_RDONLY);
	n = read(fd, log, sizeof(log) - 1);
	close(fd);
	log[n > 0 ? n : 0] = 0;
	ASSERT_LT(0, ret) TH_LOG("checkpoint: %s; log: %s", strerror(errno),
				 log);
	/* the tree stays frozen */
	EXPECT_TRUE(fz_state_is("FROZEN", 1));

	/* the originals go; their pids must be free for the restart */
	kill(root, SIGKILL);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	kill(g, SIGKILL);
	kill(c, SIGKILL);
	ASSERT_EQ(0, lite_cg_write(FZ_GROUP, "freezer.state", "THAWED"));
	lite_reap_all();
	ASSERT_NE(0, kill(root, 0));
	unlink(REPORT);

	img = open(IMG, O_RDONLY);
	ASSERT_LE(0, img);
	t_restart = mono_ms();
	r = syscall(__NR_restart, 0, img, 0, logfd);
	close(img);
	ASSERT_EQ(root, r) TH_LOG("restart: %s", strerror(errno));
	/* the restored calls are waiting again: wake A and G */
	EXPECT_TRUE(sleeping(a, 30));
	EXPECT_TRUE(sleeping(g, 30));
	EXPECT_EQ(0, kill(a, SIGUSR1));
	EXPECT_EQ(0, kill(g, SIGUSR1));
	status = lite_status(root, 60);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("restored root: status %#x", status);
	fd = open(REPORT, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, rep, sizeof(rep) - 1);
	close(fd);
	rep[n > 0 ? n : 0] = 0;
	TH_LOG("restored tree reported:\n%s", rep);
	EXPECT_NE(NULL, strstr(rep, "A got SIGUSR1\n"));
	EXPECT_NE(NULL, strstr(rep, "B reaped 7\n"));
	EXPECT_NE(NULL, strstr(rep, "root done 1\n"));
	ASSERT_NE(NULL, strstr(rep, "C slept "));
	ASSERT_EQ(2, sscanf(strstr(rep, "C slept "), "C slept %lld until %lld",
			    &slept, &until));
	/* restarted from its beginning: the whole sleep again after restart */
	EXPECT_LE(SLEEP_MS, slept);
	EXPECT_LE(t_restart + SLEEP_MS - 50, until);
	close(logfd);
}

TEST_F_TIMEOUT(v1, refuses_a_call_it_cannot_restart, 120)
{
	char log[2048] = "", rep[512] = "";
	int img, logfd, fd, status;
	pid_t w;
	long ret;
	ssize_t n;

	w = fork();
	ASSERT_LE(0, w);
	if (!w)
		sigwait_root();
	ASSERT_EQ(w, lite_line_pid(REPORT, "W ", 30));
	ASSERT_TRUE(sleeping(w, 30));
	ASSERT_EQ(0, lite_cg_write(FZ_GROUP, "freezer.state", "FROZEN"));
	ASSERT_TRUE(fz_state_is("FROZEN", 30));
	img = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ret = ck_checkpoint_validated(w, img, CHECKPOINT_SUBTREE, logfd);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBUSY, errno);
	close(img);
	close(logfd);
	fd = open(LOG, O_RDONLY);
	n = read(fd, log, sizeof(log) - 1);
	close(fd);
	log[n > 0 ? n : 0] = 0;
	EXPECT_NE(NULL, strstr(log, "v1 freezer")) TH_LOG("log: %s", log);
	/* left frozen, and once thawed the wait ends as it would have */
	EXPECT_TRUE(fz_state_is("FROZEN", 1));
	ASSERT_EQ(0, lite_cg_write(FZ_GROUP, "freezer.state", "THAWED"));
	status = lite_status(w, 30);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fd = open(REPORT, O_RDONLY);
	n = read(fd, rep, sizeof(rep) - 1);
	close(fd);
	rep[n > 0 ? n : 0] = 0;
	EXPECT_NE(NULL, strstr(rep, "W timed out\n")) TH_LOG("%s", rep);
}

/* root waits for C, which sleeps a second; the root exits 42 if C is fine */
static void tool_root(void)
{
	struct timespec ts = { 1, 0 };
	int status;
	pid_t c;

	lite_cg_enter(FZ_GROUP);
	c = fork();
	if (!c) {
		lite_say(REPORT, "C %d\n", getpid());
		if (nanosleep(&ts, NULL))
			_exit(1);
		lite_say(REPORT, "C woke\n");
		_exit(0);
	}
	if (waitpid(c, &status, 0) != c)
		_exit(1);
	_exit(WIFEXITED(status) && !WEXITSTATUS(status) ? 42 : 1);
}

/*
 * ckpt checkpoint --cgroup on a v1 freezer cgroup freezes it, saves the
 * tree, kills it and thaws the cgroup; ckpt restart brings the tree back
 * and exits with the root's status.
 */
TEST_F_TIMEOUT(v1, ckpt_tool_freezes_v1, 180)
{
	char cmd[512], rep[512];
	pid_t root, c;
	int status;

	root = fork();
	ASSERT_LE(0, root);
	if (!root)
		tool_root();
	c = lite_line_pid(REPORT, "C ", 30);
	ASSERT_LT(0, c);
	ASSERT_TRUE(sleeping(c, 30));
	snprintf(cmd, sizeof(cmd),
		 "ckpt checkpoint --cgroup %s --subtree --kill -o %s --log %s",
		 FZ_GROUP, IMG, LOG);
	status = system(cmd);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("%s: status %#x", cmd, status);
	/* killed and thawed: the originals are gone, their pids free */
	status = lite_status(root, 30);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("original root: %#x", status);
	lite_status(c, 30);
	EXPECT_TRUE(fz_state_is("THAWED", 5));
	unlink(REPORT);
	snprintf(cmd, sizeof(cmd), "ckpt restart -i %s --log %s", IMG, LOG);
	status = system(cmd);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42)
		TH_LOG("%s: status %#x", cmd, status);
	lite_slurp(REPORT, rep, sizeof(rep));
	EXPECT_NE(NULL, strstr(rep, "C woke\n")) TH_LOG("report: %s", rep);
}

TEST_HARNESS_MAIN
