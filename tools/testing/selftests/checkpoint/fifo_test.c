// SPDX-License-Identifier: GPL-2.0
/*
 * Named FIFOs whose opens are all inside the checkpoint: every open is
 * reopened by path with its access mode and O_NONBLOCK, the FIFO gets its
 * capacity and the bytes buffered in it back, and the ends work as before
 * (data, end of file). A FIFO someone else holds open at restart, or a
 * path that is no longer a FIFO, makes the restart fail.
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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"
#include "ck_lite.h"

#define FIFO		"/tmp/ckpt-fifo"
#define IMG		"/tmp/ckpt-fifo.img"
#define REPORT		"/tmp/ckpt-fifo-report"
#define CG		"/sys/fs/cgroup/ckpt-fifo"
#define MSG		"hello through a named fifo"
#define BIG_SIZE	(128 * 1024)
#define NMSG		3

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { got_usr1 = 1; }

/* restart IMG in a child with RESTART_TASKSELF; its wait status */
static int restart_self_image(void)
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open(IMG, O_RDONLY);

		syscall(__NR_restart, 0, fd, RESTART_TASKSELF, 2);
		_exit(errno == EBUSY ? 97 : errno == EINVAL ? 98 : 96);
	}
	return lite_status(pid, 60);
}

/*
 * One process with both ends: the message and the capacity survive,
 * the read end keeps O_NONBLOCK, and closing the write end gives the
 * reader its end of file.
 */
static void self_child(void)
{
	char buf[128] = "";
	int r, w, fd;
	long ret;
	ssize_t n;

	r = open(FIFO, O_RDONLY | O_NONBLOCK);
	w = open(FIFO, O_WRONLY);
	if (r < 0 || w < 0 || fcntl(w, F_SETPIPE_SZ, BIG_SIZE) < BIG_SIZE ||
	    write(w, MSG, strlen(MSG)) != (ssize_t)strlen(MSG))
		_exit(2);
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ret = ck_checkpoint_validated(0, fd, 0, 2);
	if (ret < 0)
		_exit(3);
	if (ret > 0)
		_exit(0);
	/* restored */
	n = read(r, buf, sizeof(buf) - 1);
	lite_say(REPORT, "read %zd [%.*s] size %d nonblock %d wronly %d\n", n,
	    (int)(n > 0 ? n : 0), buf, fcntl(r, F_GETPIPE_SZ),
	    !!(fcntl(r, F_GETFL) & O_NONBLOCK),
	    (fcntl(w, F_GETFL) & O_ACCMODE) == O_WRONLY);
	errno = 0;
	n = read(r, buf, sizeof(buf));
	lite_say(REPORT, "empty %zd errno %d\n", n, errno);
	close(w);
	n = read(r, buf, sizeof(buf));
	lite_say(REPORT, "eof %zd\n", n);
	_exit(0);
}

FIXTURE(fifo) {
	int unused;
};

FIXTURE_SETUP(fifo)
{
	unlink(FIFO);
	unlink(REPORT);
	unlink(IMG);
	ASSERT_EQ(0, mkfifo(FIFO, 0600));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
}

FIXTURE_TEARDOWN(fifo)
{
	unlink(FIFO);
	unlink(REPORT);
	unlink(IMG);
	rmdir(CG);
}

TEST_F_TIMEOUT(fifo, self_keeps_data_and_ends, 120)
{
	char rep[1024];
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		self_child();
	ASSERT_EQ(0, lite_status(pid, 60));
	ASSERT_EQ(0, restart_self_image());
	ASSERT_LT(0, lite_slurp(REPORT, rep, sizeof(rep)));
	TH_LOG("restored program:\n%s", rep);
	EXPECT_NE(NULL, strstr(rep, "read 26 [" MSG "] size 131072 nonblock 1 wronly 1\n"));
	EXPECT_NE(NULL, strstr(rep, "empty -1 errno 11\n"));
	EXPECT_NE(NULL, strstr(rep, "eof 0\n"));
}

TEST_F_TIMEOUT(fifo, refused_when_in_use_or_not_a_fifo, 120)
{
	char rep[1024];
	int keep, status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		self_child();
	ASSERT_EQ(0, lite_status(pid, 60));

	/* another process has the FIFO open: EBUSY, nothing restored */
	keep = open(FIFO, O_RDWR);
	ASSERT_LE(0, keep);
	status = restart_self_image();
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 97)
		TH_LOG("status %#x", status);
	close(keep);

	/* the path is a regular file now: EINVAL */
	unlink(FIFO);
	keep = open(FIFO, O_RDWR | O_CREAT, 0600);
	ASSERT_LE(0, keep);
	close(keep);
	status = restart_self_image();
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 98)
		TH_LOG("status %#x", status);
	EXPECT_GT(0, lite_slurp(REPORT, rep, sizeof(rep)));

	/* a FIFO again, unused: the image resumes */
	unlink(FIFO);
	ASSERT_EQ(0, mkfifo(FIFO, 0600));
	EXPECT_EQ(0, restart_self_image());
	ASSERT_LT(0, lite_slurp(REPORT, rep, sizeof(rep)));
	EXPECT_NE(NULL, strstr(rep, "eof 0\n"));
}

/* ---- a tree: writer and reader processes, data in flight ------------- */

/*
 * root (in the cgroup) makes R, which opens the FIFO for reading, and W,
 * which opens it for writing, writes NMSG messages and waits; R waits for
 * SIGUSR1 before reading. After restart, SIGUSR1 to R and W: R reads the
 * messages written before the checkpoint, W writes one more and exits, R
 * reads it and then its end of file.
 */
static void tree_root(void)
{
	char me[16];
	pid_t r, w;
	int st, ok = 1, i;

	snprintf(me, sizeof(me), "%d", getpid());
	if (lite_cg_write(CG, "cgroup.procs", me))
		_exit(90);
	signal(SIGUSR1, on_usr1);
	lite_block(SIGUSR1);
	r = fork();
	if (!r) {
		char buf[64];
		int fd = open(FIFO, O_RDONLY | O_NONBLOCK), n = 0;
		ssize_t k;

		lite_say(REPORT, "R %d\n", getpid());
		lite_wait_flag(&got_usr1, SIGUSR1);
		fcntl(fd, F_SETFL, 0);	/* blocking reads from now on */
		while ((k = read(fd, buf, sizeof(MSG) - 1)) > 0) {
			if (k != sizeof(MSG) - 1 || memcmp(buf, MSG, k))
				_exit(5);
			n++;
		}
		lite_say(REPORT, "R read %d then %zd\n", n, k);
		_exit(n == NMSG + 1 && k == 0 ? 0 : 6);
	}
	while (!lite_line_pid(REPORT, "R ", 10))
		;
	usleep(100000);
	w = fork();
	if (!w) {
		int fd = open(FIFO, O_WRONLY);

		for (i = 0; i < NMSG; i++)
			if (write(fd, MSG, sizeof(MSG) - 1) != sizeof(MSG) - 1)
				_exit(7);
		lite_say(REPORT, "W %d\n", getpid());
		lite_wait_flag(&got_usr1, SIGUSR1);
		if (write(fd, MSG, sizeof(MSG) - 1) != sizeof(MSG) - 1)
			_exit(8);
		_exit(0);
	}
	for (i = 0; i < 2; i++) {
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			ok = 0;
	}
	lite_say(REPORT, "root done %d\n", ok);
	_exit(ok ? 0 : 3);
}

TEST_F_TIMEOUT(fifo, tree_with_data_in_flight, 180)
{
	pid_t root, r, w, got;
	char rep[2048];
	int status;

	ASSERT_EQ(0, mkdir(CG, 0755));
	root = fork();
	ASSERT_LE(0, root);
	if (!root)
		tree_root();
	r = lite_line_pid(REPORT, "R ", 30);
	w = lite_line_pid(REPORT, "W ", 30);
	ASSERT_TRUE(r && w);
	usleep(200000);
	got = lite_migrate(CG, root, IMG);
	ASSERT_EQ(root, got) TH_LOG("step %d: %s", got, strerror(errno));
	usleep(200000);
	EXPECT_EQ(0, kill(r, SIGUSR1));
	EXPECT_EQ(0, kill(w, SIGUSR1));
	status = lite_status(root, 60);
	ASSERT_LT(0, lite_slurp(REPORT, rep, sizeof(rep)));
	TH_LOG("tree reported:\n%s", rep);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("root status %#x", status);
	EXPECT_NE(NULL, strstr(rep, "R read 4 then 0\n"));
	EXPECT_NE(NULL, strstr(rep, "root done 1\n"));
}

TEST_HARNESS_MAIN
