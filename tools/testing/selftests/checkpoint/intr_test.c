// SPDX-License-Identifier: GPL-2.0
/*
 * A signal that reaches a task frozen in a system call stays pending; the
 * call then ends as the kernel decides when the task is thawed: a handler
 * without SA_RESTART makes read() fail with EINTR, one with SA_RESTART
 * makes it go on reading. After a checkpoint and a restart the restored
 * task must do exactly the same, whether the signal was pending in the
 * image or sent right after the restart.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"
#include "ck_lite.h"

#define CG	"/sys/fs/cgroup/ckpt-intr"
#define IMG	"/tmp/ckpt-intr.img"
#define REPORT	"/tmp/ckpt-intr-report"

static volatile sig_atomic_t handled;
static void on_usr1(int sig) { handled++; }

/*
 * R reads its pipe (the writer W is its child, in the tree) with a
 * SIGUSR1 handler, SA_RESTART or not; W writes "late" once it gets
 * SIGUSR2.
 */
static void intr_root(int restart)
{
	struct sigaction sa = { .sa_handler = on_usr1,
				.sa_flags = restart ? SA_RESTART : 0 };
	char buf[16] = "";
	int p[2];
	ssize_t n;
	pid_t w;

	lite_cg_enter(CG);
	if (pipe(p))
		_exit(90);
	w = fork();
	if (!w) {
		sigset_t set;
		int sig;

		close(p[0]);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		lite_say(REPORT, "W %d\n", getpid());
		while (sigwait(&set, &sig))
			;
		_exit(write(p[1], "late", 4) == 4 ? 0 : 1);
	}
	close(p[1]);
	sigaction(SIGUSR1, &sa, NULL);
	lite_say(REPORT, "R %d\n", getpid());
	n = read(p[0], buf, sizeof(buf) - 1);
	lite_say(REPORT, "read %zd errno %d handled %d [%s]\n", n,
		 n < 0 ? errno : 0, (int)handled, n > 0 ? buf : "");
	kill(w, SIGKILL);
	_exit(0);
}

FIXTURE(intr) {
	pid_t root, w;
};

FIXTURE_VARIANT(intr) {
	int sa_restart;
	int pending_in_image;	/* else sent right after the restart */
};

FIXTURE_VARIANT_ADD(intr, eintr_pending_in_image) {
	.sa_restart = 0, .pending_in_image = 1,
};

FIXTURE_VARIANT_ADD(intr, eintr_sent_after_restart) {
	.sa_restart = 0, .pending_in_image = 0,
};

FIXTURE_VARIANT_ADD(intr, sa_restart_pending_in_image) {
	.sa_restart = 1, .pending_in_image = 1,
};

FIXTURE_SETUP(intr)
{
	unlink(REPORT);
	unlink(IMG);
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	self->root = fork();
	ASSERT_LE(0, self->root);
	if (!self->root)
		intr_root(variant->sa_restart);
	self->w = lite_line_pid(REPORT, "W ", 30);
	ASSERT_EQ(self->root, lite_line_pid(REPORT, "R ", 30));
	ASSERT_LT(0, self->w);
}

FIXTURE_TEARDOWN(intr)
{
	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_reap_all();
	rmdir(CG);
	unlink(REPORT);
	unlink(IMG);
}

TEST_F_TIMEOUT(intr, read_ends_as_the_kernel_decides, 180)
{
	char rep[1024] = "";
	int img, status;
	pid_t got;
	long ret;

	usleep(300000);		/* R is in read() */
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	if (variant->pending_in_image)
		ASSERT_EQ(0, kill(self->root, SIGUSR1));	/* stays pending */
	img = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, img);
	ret = ck_checkpoint_validated(self->root, img, CHECKPOINT_SUBTREE, 2);
	close(img);
	ASSERT_LT(0, ret) TH_LOG("checkpoint: %s", strerror(errno));
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.kill", "1"));
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_status(self->root, 30);
	lite_reap_all();
	unlink(REPORT);

	img = open(IMG, O_RDONLY);
	got = syscall(__NR_restart, 0, img, 0, 2);
	close(img);
	ASSERT_EQ(self->root, got) TH_LOG("restart: %s", strerror(errno));
	if (!variant->pending_in_image)
		/* at once: possibly before the task is back in user mode */
		ASSERT_EQ(0, kill(self->root, SIGUSR1));
	if (variant->sa_restart) {
		usleep(300000);
		ASSERT_EQ(0, kill(self->w, SIGUSR2));
	}
	status = lite_status(self->root, 60);
	lite_slurp(REPORT, rep, sizeof(rep));
	TH_LOG("restored R: %s", rep);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (variant->sa_restart) {
		EXPECT_NE(NULL, strstr(rep, "read 4 errno 0 handled 1 [late]\n"));
	} else {
		EXPECT_NE(NULL, strstr(rep, "read -1 errno 4 handled 1 []\n"));
	}
}

TEST_HARNESS_MAIN
