// SPDX-License-Identifier: GPL-2.0
/*
 * Interval timers across checkpoint/restart: ITIMER_REAL keeps the time it
 * had left and its period; so do ITIMER_VIRTUAL and ITIMER_PROF, whose time
 * is the process's CPU time (user, and user plus system); a disarmed timer
 * stays disarmed, whatever timers the restarter had. POSIX timers
 * (timer_create()) have their own test, ptimer_test.c.
 *
 * The checkpointed child and the restarter both have the write end of a
 * pipe to the test at REPORT_FD, so the restored program (whose fd is
 * inherited) reports through it. CPU times are read with getitimer(),
 * CLOCK_PROCESS_CPUTIME_ID, and from the image's RLIMITS record.
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

/* TEST_F() keeps a local across its setjmp(); see ckpt_test.h */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"
#include "ck_lite.h"
#include "image.h"

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

/*
 * The restarter's own interval timers, all three periodic and short, with
 * their signals ignored: restart must not leave them to the restored
 * program.
 */
static void arm_restarter_timers(void)
{
	struct itimerval cpu = {
		.it_value = { .tv_usec = 50000 },
		.it_interval = { .tv_usec = 50000 },
	};
	struct itimerval real = {
		.it_value = { .tv_usec = 100000 },
		.it_interval = { .tv_usec = 100000 },
	};

	signal(SIGALRM, SIG_IGN);
	signal(SIGVTALRM, SIG_IGN);
	signal(SIGPROF, SIG_IGN);
	setitimer(ITIMER_VIRTUAL, &cpu, NULL);
	setitimer(ITIMER_PROF, &cpu, NULL);
	setitimer(ITIMER_REAL, &real, NULL);
}

static int restart_image_timers(int report, bool timers)
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open(IMG, O_RDONLY);

		dup2(report, REPORT_FD);
		if (timers)
			arm_restarter_timers();
		syscall(__NR_restart, 0, fd, RESTART_TASKSELF, 2);
		_exit(98);	/* restart failed */
	}
	return lite_status(pid, 30);
}

static int restart_image(int report)
{
	return restart_image_timers(report, false);
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
		r = ck_checkpoint_validated(0, fd, 0, 2);
		if (r < 0)
			_exit(10);
		if (r > 0)
			_exit(0);	/* the original: the restored one reports */
		resumed = now();
		while (!alarms && now() - resumed < 10)
			usleep(10000);
		lite_write(REPORT_FD, "alarm after %.3f s, count %d\n", now() - resumed,
		       (int)alarms);
		_exit(0);
	}
	status = lite_status(pid, 30);
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
		r = ck_checkpoint_validated(0, fd, 0, 2);
		if (r < 0)
			_exit(10);
		if (r > 0)
			_exit(0);
		alarms = 0;
		while (alarms < 3)
			pause();
		getitimer(ITIMER_REAL, &cur);
		lite_write(REPORT_FD, "interval %ld us\n", (long)cur.it_interval.tv_usec);
		_exit(0);
	}
	status = lite_status(pid, 30);
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

/* ---- ITIMER_VIRTUAL and ITIMER_PROF ------------------------------------ */

#define US		1000LL		/* ns */
#define MS		1000000LL	/* ns */
/*
 * Like setitimer(), restart arms a CPU timer one tick later than asked,
 * so that it never fires early: getitimer() may then show up to a tick
 * (HZ >= 100) more than the image holds.
 */
#define TICK_SLACK	(10 * MS)

static volatile sig_atomic_t cpu_sigs;
static long long cpu_sig_at[8];		/* CPU time of each signal, ns */

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_cpu_sig(int sig)
{
	if (cpu_sigs < (int)ARRAY_SIZE(cpu_sig_at))
		cpu_sig_at[cpu_sigs] = cpu_ns();
	cpu_sigs++;
}

/* A little user-mode CPU time (a millisecond or so) */
static void spin(void)
{
	volatile unsigned long x = 0;
	int i;

	for (i = 0; i < 100000; i++)
		x += i;
}

/* Burn CPU until @n signals came, or @max_ns of CPU time went by */
static void burn_until(int n, long long max_ns)
{
	long long start = cpu_ns();

	while (cpu_sigs < n && cpu_ns() - start < max_ns)
		spin();
}

static long long tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * 1000000000LL + tv->tv_usec * US;
}

static long long itimer_left(int which, long long *interval)
{
	struct itimerval it;

	getitimer(which, &it);
	if (interval)
		*interval = tv_ns(&it.it_interval);
	return tv_ns(&it.it_value);
}

/* The interval timer @which of the image at IMG; false if none */
static bool image_itimer(int which, struct ckpt_itimer *it)
{
	const struct ckpt_hdr_rlimits *h;
	struct ckpt_image img;
	long off;

	if (ckpt_image_load(IMG, &img))
		return false;
	off = ckpt_image_find(&img, CKPT_HDR_RLIMITS, 0);
	if (off >= 0) {
		h = (const void *)(img.data + off);
		*it = h->itimer[which];
	}
	ckpt_image_free(&img);
	return off >= 0;
}

/* Read what the restored program reported */
static void read_report(struct __test_metadata *_metadata, int rfd, char *buf,
			size_t size)
{
	ssize_t n = read(rfd, buf, size - 1);

	ASSERT_LT(0, n) TH_LOG("the restored program reported nothing");
	buf[n] = 0;
	TH_LOG("restored program: %s", buf);
}

FIXTURE(cpu_itimer) {
	int p[2];
};

FIXTURE_VARIANT(cpu_itimer) {
	int which;		/* ITIMER_VIRTUAL or ITIMER_PROF */
	int sig;
	long long sys_slack;	/* CPU time of checkpoint() or restart() */
};

FIXTURE_VARIANT_ADD(cpu_itimer, virtual) {
	.which = ITIMER_VIRTUAL,
	.sig = SIGVTALRM,
	.sys_slack = 20 * MS,		/* user time only: a few ticks */
};

FIXTURE_VARIANT_ADD(cpu_itimer, prof) {
	.which = ITIMER_PROF,
	.sig = SIGPROF,
	.sys_slack = 500 * MS,		/* the sanitizer kernel under TCG */
};

FIXTURE_SETUP(cpu_itimer)
{
	ASSERT_EQ(0, pipe(self->p));
}

FIXTURE_TEARDOWN(cpu_itimer)
{
	close(self->p[0]);
	close(self->p[1]);
	unlink(IMG);
}

/*
 * The child: arm @which with @value and @interval (ms), burn CPU until
 * @sigs signals came and at most @left ms are left, then checkpoint
 * itself. The original exits; returns in the restored program, with
 * *@g0 the time left right before the checkpoint.
 */
static void cpu_child(int which, int sig, int value, int interval, int sigs,
		      int left, int report, long long *g0)
{
	struct itimerval it = {
		.it_value = { value / 1000, value % 1000 * 1000 },
		.it_interval = { interval / 1000, interval % 1000 * 1000 },
	};
	long long start;
	long r;
	int fd;

	dup2(report, REPORT_FD);
	signal(sig, on_cpu_sig);
	if (setitimer(which, &it, NULL))
		_exit(11);
	start = cpu_ns();
	while (cpu_sigs < sigs || itimer_left(which, NULL) > left * MS) {
		if (cpu_ns() - start > 10000 * MS)
			_exit(12);	/* the timer does not count */
		spin();
	}
	*g0 = itimer_left(which, NULL);
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	r = ck_checkpoint_validated(0, fd, 0, 2);
	if (r < 0)
		_exit(10);
	if (r > 0)
		_exit(0);	/* the original: the restored one reports */
}

/*
 * A one-shot timer of 1 s of CPU time, checkpointed with about 600 ms
 * left: right after the restart getitimer() shows what the image holds
 * (at most what was left at the checkpoint, and close to it); the signal
 * comes after about that much more CPU time, not after the whole second
 * and not at once; and only once.
 */
TEST_F(cpu_itimer, keeps_time_left)
{
	long long g0 = 0, g1, after, left_ns, interval;
	struct ckpt_itimer saved;
	char buf[512] = "";
	int status, n;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long long c0;

		cpu_child(variant->which, variant->sig, 1000, 0, 0, 600,
			  self->p[1], &g0);
		g1 = itimer_left(variant->which, &interval);
		c0 = cpu_ns();
		burn_until(1, 3000 * MS);
		after = cpu_sigs ? cpu_sig_at[0] - c0 : -1;
		/* a one-shot timer: nothing more */
		burn_until(2, 300 * MS);
		left_ns = itimer_left(variant->which, NULL);
		lite_write(REPORT_FD, "g0=%lld g1=%lld interval=%lld after=%lld count=%d left=%lld\n",
		       g0 / US, g1 / US, interval / US, after / US,
		       (int)cpu_sigs, left_ns / US);
		_exit(0);
	}
	status = lite_status(pid, 30);
	ASSERT_EQ(0, status) TH_LOG("checkpointed child: status %#x", status);
	ASSERT_TRUE(image_itimer(variant->which, &saved));
	ASSERT_EQ(0, restart_image(self->p[1]));
	read_report(_metadata, self->p[0], buf, sizeof(buf));
	n = sscanf(buf, "g0=%lld g1=%lld interval=%lld after=%lld count=%d left=%lld",
		   &g0, &g1, &interval, &after, &status, &left_ns);
	ASSERT_EQ(6, n);
	g0 *= US;
	g1 *= US;
	after *= US;
	TH_LOG("image: %lld us left, interval %lld", (long long)saved.value / US,
	       (long long)saved.interval);

	/*
	 * The image: what was left when checkpoint() looked, no period. For
	 * ITIMER_PROF, the system time of checkpoint() and restart() counts.
	 */
	EXPECT_GE(g0 + US, saved.value) TH_LOG("more than getitimer() showed");
	EXPECT_LE(g0 - variant->sys_slack, saved.value);
	EXPECT_EQ(0, saved.interval);
	/* right after the restart: that, give or take a tick */
	EXPECT_GE(saved.value + TICK_SLACK, g1)
		TH_LOG("%lld us left after the restart, %lld us in the image",
		       g1 / US, (long long)saved.value / US);
	EXPECT_LE(saved.value - variant->sys_slack, g1);
	EXPECT_EQ(0, interval);
	/* the signal after about g1 of CPU time */
	EXPECT_EQ(1, status) TH_LOG("signals after the restart");
	/* CPU timers count in ticks: a few ticks either way */
	EXPECT_LE(g1 - 50 * MS, after) TH_LOG("too early");
	EXPECT_GE(g1 + 100 * MS + g1 / 4, after)
		TH_LOG("%lld ms of CPU time for %lld ms left: %s", after / MS,
		       g1 / MS, after >= 950 * MS ? "the whole timer again" :
		       "too late");
	EXPECT_EQ(0, left_ns) TH_LOG("a one-shot timer still armed");
}

/*
 * A periodic timer (200 ms, then every 100 ms), checkpointed after its
 * first signal: after the restart it has the same period, and four more
 * signals come after the time left plus three periods of CPU time.
 */
TEST_F(cpu_itimer, keeps_period)
{
	long long g0 = 0, g1, interval, at[4], lo, hi;
	struct ckpt_itimer saved;
	char buf[512] = "";
	int status, n, i;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		long long c0;

		cpu_child(variant->which, variant->sig, 200, 100, 1, 1000,
			  self->p[1], &g0);
		g1 = itimer_left(variant->which, &interval);
		c0 = cpu_ns();
		cpu_sigs = 0;
		burn_until(4, 3000 * MS);
		for (i = 0; i < 4; i++)
			at[i] = i < cpu_sigs ? (cpu_sig_at[i] - c0) / US : -1;
		lite_write(REPORT_FD, "g0=%lld g1=%lld interval=%lld count=%d at=%lld,%lld,%lld,%lld\n",
		       g0 / US, g1 / US, interval / US, (int)cpu_sigs, at[0],
		       at[1], at[2], at[3]);
		_exit(0);
	}
	status = lite_status(pid, 30);
	ASSERT_EQ(0, status) TH_LOG("checkpointed child: status %#x", status);
	ASSERT_TRUE(image_itimer(variant->which, &saved));
	ASSERT_EQ(0, restart_image(self->p[1]));
	read_report(_metadata, self->p[0], buf, sizeof(buf));
	n = sscanf(buf, "g0=%lld g1=%lld interval=%lld count=%d at=%lld,%lld,%lld,%lld",
		   &g0, &g1, &interval, &status, &at[0], &at[1], &at[2], &at[3]);
	ASSERT_EQ(8, n);
	g0 *= US;
	g1 *= US;

	/* after its first signal: less than a period left */
	EXPECT_EQ(100 * MS, saved.interval);
	EXPECT_LT(0, saved.value);
	EXPECT_GE(100 * MS, saved.value);
	EXPECT_EQ(100000, interval) TH_LOG("the period after the restart, us");
	EXPECT_GE(saved.value + TICK_SLACK, g1);
	EXPECT_EQ(4, status) TH_LOG("signals after the restart");
	if (status < 4)
		return;
	/* the 4th after what was left plus three periods */
	lo = g1 / US + 300000 - 50000;
	hi = g1 / US + 300000 + 150000 + (g1 / US + 300000) / 4;
	EXPECT_LE(lo, at[3]);
	EXPECT_GE(hi, at[3]);
	/* and they keep coming about every 100 ms */
	for (i = 1; i < 4; i++) {
		EXPECT_LE(100000 - 30000, at[i] - at[i - 1]) TH_LOG("signal %d", i);
		EXPECT_GE(100000 + 60000, at[i] - at[i - 1]) TH_LOG("signal %d", i);
	}
}

static volatile sig_atomic_t real_sigs, virt_sigs, prof_sigs;
static void on_real(int sig) { real_sigs++; }
static void on_virt(int sig) { virt_sigs++; }
static void on_prof(int sig) { prof_sigs++; }

/*
 * Timers armed and disarmed before the checkpoint are disarmed after the
 * restart, though the restarter had all three running: getitimer() shows
 * zeros, and no signal comes while the restored program burns CPU.
 */
TEST(itimers_disarmed_stay_disarmed)
{
	struct itimerval on = { .it_value = { .tv_sec = 1 } }, off = { };
	struct ckpt_itimer it;
	char buf[512] = "";
	int p[2], status, i;
	long long v[6];
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		static const int which[] = {
			ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF,
		};
		long long start;
		long r;
		int fd;

		dup2(p[1], REPORT_FD);
		signal(SIGALRM, on_real);
		signal(SIGVTALRM, on_virt);
		signal(SIGPROF, on_prof);
		for (i = 0; i < 3; i++)
			if (setitimer(which[i], &on, NULL) ||
			    setitimer(which[i], &off, NULL))
				_exit(11);
		fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		r = ck_checkpoint_validated(0, fd, 0, 2);
		if (r < 0)
			_exit(10);
		if (r > 0)
			_exit(0);
		for (i = 0; i < 3; i++)
			v[2 * i] = itimer_left(which[i], &v[2 * i + 1]);
		start = cpu_ns();
		while (cpu_ns() - start < 400 * MS)
			spin();
		lite_write(REPORT_FD, "real=%lld/%lld virtual=%lld/%lld prof=%lld/%lld signals=%d,%d,%d\n",
		       v[0], v[1], v[2], v[3], v[4], v[5], (int)real_sigs,
		       (int)virt_sigs, (int)prof_sigs);
		_exit(0);
	}
	status = lite_status(pid, 30);
	ASSERT_EQ(0, status);
	for (i = 0; i < 3; i++) {
		ASSERT_TRUE(image_itimer(i, &it));
		EXPECT_EQ(0, it.value) TH_LOG("timer %d", i);
		EXPECT_EQ(0, it.interval) TH_LOG("timer %d", i);
	}
	ASSERT_EQ(0, restart_image_timers(p[1], true));
	close(p[1]);
	ASSERT_LT(0, read(p[0], buf, sizeof(buf) - 1));
	TH_LOG("restored program: %s", buf);
	EXPECT_EQ(0, strcmp(buf, "real=0/0 virtual=0/0 prof=0/0 signals=0,0,0\n"));
	close(p[0]);
	unlink(IMG);
}

TEST_HARNESS_MAIN
