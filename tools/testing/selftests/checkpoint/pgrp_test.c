// SPDX-License-Identifier: GPL-2.0
/*
 * Process groups across a checkpoint and restart of a tree.
 *
 * A zombie may lead a process group that a live process of the tree still
 * belongs to: restart rebuilds it exactly - the zombie makes its group,
 * the member joins it once every task exists, whichever comes first in
 * tree order - and the restored programs see it work: the member's
 * getpgid(), kill(-pgid) reaching the member, waitpid(-pgid) reaping
 * both the zombie leader and the member. A group whose leader was reaped
 * cannot be rebuilt and is refused at checkpoint.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"
#include "ck_lite.h"

#define CG		"/sys/fs/cgroup/ckpt-pgrp"
#define IMG		"/tmp/ckpt-pgrp.img"
#define REPORT		"/tmp/ckpt-pgrp-report"
#define LEADER_CODE	7

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { got_usr1 = 1; }

/* M: a member of L's group; on SIGUSR1 (sent to the group) it reports */
static void member(void)
{
	/* not a writer of L's pipe */
	syscall(__NR_close_range, 3, ~0U, 0);
	lite_wait_flag(&got_usr1, SIGUSR1);
	lite_say(REPORT, "M woke pgid %d\n", getpgid(0));
	_exit(0);
}

/* L: the group leader; exits when told and stays a zombie of R */
static void leader(int gofd)
{
	char c;

	if (read(gofd, &c, 1) < 0)
		_exit(90);
	_exit(LEADER_CODE);
}

/*
 * R, the root: makes L and M (in that order when @leader_first, else M
 * first, so M comes before its group's leader in tree order), puts both in
 * L's group, lets L exit and leaves it a zombie. If @reap, L is reaped
 * instead: M's group then has no leader left. After the restart, R is
 * woken with SIGUSR1 and checks the group from its side.
 */
static void root(bool leader_first, bool reap)
{
	int go[2], st, i, got_l = -1, got_m = -1;
	siginfo_t si;
	pid_t l, m, p;

	lite_cg_enter(CG);
	signal(SIGUSR1, on_usr1);
	lite_block(SIGUSR1);
	if (pipe(go))
		_exit(91);
	if (!leader_first) {
		m = fork();
		if (!m)
			member();
	}
	l = fork();
	if (!l) {
		close(go[1]);
		leader(go[0]);
	}
	if (leader_first) {
		m = fork();
		if (!m)
			member();
	}
	if (l < 0 || m < 0 || setpgid(l, l) || setpgid(m, l))
		_exit(92);
	close(go[0]);
	close(go[1]);
	/* L exits: a zombie until R waits for it */
	if (waitid(P_PID, l, &si, WEXITED | (reap ? 0 : WNOWAIT)))
		_exit(93);
	lite_say(REPORT, "R %d L %d M %d ready\n", getpid(), l, m);
	lite_wait_flag(&got_usr1, SIGUSR1);

	/* restored: L is a zombie leading its group, M is in it */
	lite_say(REPORT, "R sees pgid of L %d of M %d\n", getpgid(l),
		 getpgid(m));
	if (kill(-l, SIGUSR1))
		lite_say(REPORT, "R kill(-L) failed %d\n", errno);
	/* both are children of R in group L: waitpid(-L) reaps each */
	for (i = 0; i < 2; i++) {
		p = waitpid(-l, &st, 0);
		if (p == l && WIFEXITED(st))
			got_l = WEXITSTATUS(st);
		else if (p == m && WIFEXITED(st))
			got_m = WEXITSTATUS(st);
	}
	lite_say(REPORT, "R reaped L %d M %d\n", got_l, got_m);
	_exit(got_l == LEADER_CODE && got_m == 0 ? 0 : 3);
}

FIXTURE(pgrp) {
	int unused;
};

FIXTURE_SETUP(pgrp)
{
	unlink(REPORT);
	unlink(IMG);
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
}

FIXTURE_TEARDOWN(pgrp)
{
	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_reap_all();
	rmdir(CG);
	unlink(REPORT);
	unlink(IMG);
}

static void zombie_leader(struct __test_metadata *_metadata,
			  bool leader_first)
{
	char rep[2048] = "", want[128];
	pid_t r, l, m, got;
	int status;

	r = fork();
	ASSERT_LE(0, r);
	if (!r)
		root(leader_first, false);
	ASSERT_EQ(r, lite_line_pid(REPORT, "R ", 30));
	l = lite_line_pid(REPORT, " L ", 1);
	m = lite_line_pid(REPORT, " M ", 1);
	ASSERT_TRUE(l > 0 && m > 0);
	got = lite_migrate(CG, r, IMG);
	ASSERT_EQ(r, got) TH_LOG("step %d: %s", got, strerror(errno));
	/* the restored member is in the zombie's group, seen from outside */
	EXPECT_EQ(l, getpgid(m));
	EXPECT_EQ(l, getpgid(l));
	EXPECT_EQ(0, kill(r, SIGUSR1));
	status = lite_status(r, 60);
	lite_slurp(REPORT, rep, sizeof(rep));
	TH_LOG("tree reported:\n%s", rep);
	EXPECT_TRUE(status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0) TH_LOG("root status %#x", status);
	snprintf(want, sizeof(want), "R sees pgid of L %d of M %d\n", l, l);
	EXPECT_NE(NULL, strstr(rep, want));
	snprintf(want, sizeof(want), "M woke pgid %d\n", l);
	EXPECT_NE(NULL, strstr(rep, want));
	snprintf(want, sizeof(want), "R reaped L %d M 0\n", LEADER_CODE);
	EXPECT_NE(NULL, strstr(rep, want));
}

/* the zombie leader comes before its member in tree order */
TEST_F_TIMEOUT(pgrp, zombie_leads_group_of_live_member, 120)
{
	zombie_leader(_metadata, true);
}

/* the member comes first: it waits for its leader's group */
TEST_F_TIMEOUT(pgrp, zombie_leader_after_its_member, 120)
{
	zombie_leader(_metadata, false);
}

/* a group whose leader was reaped: refused at checkpoint, with a reason */
TEST_F_TIMEOUT(pgrp, group_without_leader_refused, 120)
{
	char log[1024] = "";
	int lp[2], fd, err;
	pid_t r;
	long ret;

	r = fork();
	ASSERT_LE(0, r);
	if (!r)
		root(true, true);
	ASSERT_EQ(r, lite_line_pid(REPORT, "R ", 30));
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	ASSERT_EQ(0, pipe2(lp, O_NONBLOCK));
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ret = syscall(__NR_checkpoint, r, fd, CHECKPOINT_SUBTREE, lp[1]);
	err = errno;
	close(fd);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EOPNOTSUPP, err);
	EXPECT_LT(0, read(lp[0], log, sizeof(log) - 1));
	EXPECT_NE(NULL, strstr(log, "leader is not in the tree"))
		TH_LOG("log: %s", log);
	close(lp[0]);
	close(lp[1]);
	/* the tree is as it was: thawed, it still runs */
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "0"));
	EXPECT_EQ(0, kill(r, SIGUSR1));
	EXPECT_EQ(0, lite_status(r, 60) == -1);
}

TEST_HARNESS_MAIN
