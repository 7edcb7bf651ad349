// SPDX-License-Identifier: GPL-2.0
/*
 * Interval timers across checkpoint/restart: ITIMER_REAL keeps the time it
 * had left and its period; timers that cannot be saved yet are refused.
 *
 * The checkpointed child and the restarter both have the write end of a
 * pipe to the test at REPORT_FD, so the restored program (whose fd is
 * inherited) reports through it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"

#define REPORT_FD	100
#define IMG		"/tmp/ckpt-timer-test.img"

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { alarms++; }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(REPORT_FD, buf, n) != n)
		_exit(99);
}

/* Wait for a child; returns its wait status, or -1 after @secs. */
static int wait_secs(pid_t pid, int secs)
{
	int status, i;

	for (i = 0; i < secs * 20; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static int restart_image(int report)
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open(IMG, O_RDONLY);

		dup2(report, REPORT_FD);
		syscall(__NR_restart, 0, fd, RESTART_TASKSELF, 2);
		_exit(98);	/* restart failed */
	}
	return wait_secs(pid, 30);
}

/*
 * One-shot ITIMER_REAL of 3 s, checkpointed 2 s after it was armed: the
 * restored program must get SIGALRM about 1 s after it resumes (the time
 * left), not 3 s (the whole timer) and not at once.
 */
TEST(itimer_real_keeps_time_left)
{
	struct itimerval it = { .it_value = { .tv_sec = 3 } };
	int p[2], status, fd;
	char buf[256] = "";
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		double resumed;
		long r;

		dup2(p[1], REPORT_FD);
		signal(SIGALRM, on_alarm);
		setitimer(ITIMER_REAL, &it, NULL);
		usleep(2000000);
		fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		r = syscall(__NR_checkpoint, 0, fd, 0, 2);
		if (r < 0)
			_exit(10);
		if (r > 0)
			_exit(0);	/* the original: the restored one reports */
		resumed = now();
		while (!alarms && now() - resumed < 10)
			usleep(10000);
		report("alarm after %.3f s, count %d\n", now() - resumed,
		       (int)alarms);
		_exit(0);
	}
	status = wait_secs(pid, 30);
	ASSERT_EQ(0, status);
	usleep(500000);	/* the time between checkpoint and restart */
	ASSERT_EQ(0, restart_image(p[1]));
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = 0;
	TH_LOG("restored program: %s", buf);
	{
		double dt;
		int count;

		ASSERT_EQ(2, sscanf(buf, "alarm after %lf s, count %d", &dt,
				    &count));
		EXPECT_EQ(1, count);
		EXPECT_LT(0.4, dt);	/* not at once */
		EXPECT_GT(2.4, dt);	/* not the whole 3 s again */
	}
	close(p[0]);
	unlink(IMG);
}

/* A periodic ITIMER_REAL keeps its period. */
TEST(itimer_real_keeps_period)
{
	struct itimerval it = {
		.it_value = { .tv_usec = 400000 },
		.it_interval = { .tv_usec = 200000 },
	};
	int p[2], status, fd;
	char buf[256] = "";
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct itimerval cur;
		long r;

		dup2(p[1], REPORT_FD);
		signal(SIGALRM, on_alarm);
		setitimer(ITIMER_REAL, &it, NULL);
		fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		r = syscall(__NR_checkpoint, 0, fd, 0, 2);
		if (r < 0)
			_exit(10);
		if (r > 0)
			_exit(0);
		alarms = 0;
		while (alarms < 3)
			pause();
		getitimer(ITIMER_REAL, &cur);
		report("interval %ld us\n", (long)cur.it_interval.tv_usec);
		_exit(0);
	}
	status = wait_secs(pid, 30);
	ASSERT_EQ(0, status);
	ASSERT_EQ(0, restart_image(p[1]));
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = 0;
	TH_LOG("restored program: %s", buf);
	EXPECT_EQ(0, strcmp(buf, "interval 200000 us\n"));
	close(p[0]);
	unlink(IMG);
}

/* What cannot be saved yet is refused, with a log line, and harmless. */
TEST(itimer_virtual_refused)
{
	struct itimerval it = { .it_value = { .tv_sec = 100 } };
	int logp[2], fd;
	char buf[512] = "";
	long r;

	ASSERT_EQ(0, pipe(logp));
	ASSERT_EQ(0, setitimer(ITIMER_VIRTUAL, &it, NULL));
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	r = syscall(__NR_checkpoint, 0, fd, 0, logp[1]);
	EXPECT_EQ(-1, r);
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_LT(0, read(logp[0], buf, sizeof(buf) - 1));
	EXPECT_NE(NULL, strstr(buf, "ITIMER_VIRTUAL"));
	/* still armed: the refusal changed nothing */
	ASSERT_EQ(0, getitimer(ITIMER_VIRTUAL, &it));
	EXPECT_LT(0, it.it_value.tv_sec);
	close(fd);
	unlink(IMG);
}

TEST(posix_timer_refused)
{
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	int logp[2], fd;
	char buf[512] = "";
	timer_t t;
	long r;

	ASSERT_EQ(0, pipe(logp));
	ASSERT_EQ(0, timer_create(CLOCK_MONOTONIC, &sev, &t));
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	r = syscall(__NR_checkpoint, 0, fd, 0, logp[1]);
	EXPECT_EQ(-1, r);
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_LT(0, read(logp[0], buf, sizeof(buf) - 1));
	EXPECT_NE(NULL, strstr(buf, "POSIX timers"));
	close(fd);
	unlink(IMG);
}

TEST_HARNESS_MAIN
