// SPDX-License-Identifier: GPL-2.0
/*
 * What checkpoint() relies on from the cgroup v2 freezer: once a cgroup's
 * cgroup.events says "frozen 1", every task below it is frozen. A cgroup
 * with tasks of its own and a child cgroup used to report frozen as soon
 * as either half was (patches/0011); a checkpoint taken on that word
 * found a task still running ("pid N is not frozen").
 *
 * Each round: a task spinning in user mode in the cgroup itself, one
 * asleep in a child cgroup and one asleep in the cgroup; the test
 * freezes the cgroup, reads cgroup.events without sleeping until it says
 * "frozen 1", and at that moment no task may be running ('R' in
 * /proc/PID/stat: a frozen task sleeps in the freezer trap).
 */
#include "ckpt_test.h"

#define CG	"/sys/fs/cgroup/ckpt-freezer-test"
#define SUBCG	CG "/sub"
#define ROUNDS	50

static int cg_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static bool cg_has(const char *file, const char *what)
{
	char buf[512];
	ssize_t n = ck_read_file(file, buf, sizeof(buf));

	return n > 0 && strstr(buf, what);
}

static char task_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (ck_read_file(path, buf, sizeof(buf)) <= 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* A child that moves itself into @cg, then spins or sleeps forever */
static pid_t start_in(const char *cg, bool spin)
{
	char procs[128], me[16];
	pid_t pid;

	pid = fork();
	if (pid)
		return pid;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	snprintf(me, sizeof(me), "%d", getpid());
	if (cg_write(procs, me))
		_exit(90);
	for (;;)
		if (!spin)
			pause();
}

static bool in_cgroup(pid_t pid, const char *cg)
{
	char procs[128], me[16];

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	snprintf(me, sizeof(me), "%d\n", pid);
	return cg_has(procs, me);
}

static void cleanup(void)
{
	cg_write(CG "/cgroup.kill", "1");
	cg_write(CG "/cgroup.freeze", "0");
	while (waitpid(-1, NULL, 0) > 0)
		;
	rmdir(SUBCG);
	rmdir(CG);
}

TEST(frozen_means_every_task_below)
{
	int round, bad = 0, t;

	cleanup();
	for (round = 0; round < ROUNDS; round++) {
		pid_t pids[3];
		char state[4] = "";
		int i;

		ASSERT_EQ(0, mkdir(CG, 0755));
		ASSERT_EQ(0, mkdir(SUBCG, 0755));
		pids[0] = start_in(CG, true);
		pids[1] = start_in(SUBCG, false);
		pids[2] = start_in(CG, false);
		for (i = 0; i < 3; i++) {
			ASSERT_LT(0, pids[i]);
			for (t = 0; t < 3000 && !in_cgroup(pids[i], i == 1 ? SUBCG : CG); t++)
				usleep(1000);
			ASSERT_TRUE(in_cgroup(pids[i], i == 1 ? SUBCG : CG));
		}
		/* the sleepers asleep, the spinner running */
		for (t = 0; t < 3000 && (task_state(pids[1]) != 'S' ||
					 task_state(pids[2]) != 'S'); t++)
			usleep(1000);

		ASSERT_EQ(0, cg_write(CG "/cgroup.freeze", "1"));
		for (t = 0; t < 10000000 && !cg_has(CG "/cgroup.events", "frozen 1"); t++)
			;
		ASSERT_TRUE(cg_has(CG "/cgroup.events", "frozen 1"));
		for (i = 0; i < 3; i++)
			state[i] = task_state(pids[i]);
		if (strchr(state, 'R')) {
			bad++;
			TH_LOG("round %d: \"frozen 1\" with tasks in states %s (spinner, child cgroup, cgroup)",
			       round, state);
		}
		cleanup();
	}
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
