// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX timers (timer_create()) across checkpoint/restart: each timer
 * keeps its timer_t, its clock, its notification (signal, value, target
 * thread), the time it had left and its period; the next timer_create()
 * gets the id it would have got. Clocks that cannot be saved yet are
 * refused; damaged TIMERS records are refused.
 *
 * The checkpointed child and the restarter share the write end of a pipe
 * to the test at REPORT_FD, so the restored program reports through it.
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
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>
#include <linux/checkpoint_hdr.h>

#include "kselftest_harness.h"
#include "ck_lite.h"
#include "image.h"

#define REPORT_FD	100
#define IMG		"/tmp/ckpt-ptimer-test.img"
#define CG		"/sys/fs/cgroup/ckpt-ptimer"
#define TREPORT		"/tmp/ckpt-ptimer-report"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static volatile sig_atomic_t hits, last_value, last_timerid, last_overrun;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	hits++;
	last_value = si->si_value.sival_int;
	last_timerid = si->si_timerid;
	last_overrun = si->si_overrun;
}

static void catch(int sig)
{
	struct sigaction sa = { .sa_sigaction = on_timer,
				.sa_flags = SA_SIGINFO | SA_RESTART };

	sigaction(sig, &sa, NULL);
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double ts_d(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

/* Checkpoint the caller to IMG: > 0 in the original, 0 once restored. */
static long self_checkpoint(void)
{
	int fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	long r;

	if (fd < 0)
		_exit(11);
	r = ck_checkpoint_validated(0, fd, 0, 2);
	if (r < 0)
		_exit(10);
	if (r > 0)
		close(fd);
	return r;
}

/* Restart IMG (or @path) in a child; its wait status, -1 on a hang. */
static int restart_path(const char *path, int report_fd)
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open(path, O_RDONLY);

		dup2(report_fd, REPORT_FD);
		syscall(__NR_restart, 0, fd, RESTART_TASKSELF, 2);
		_exit(errno == EINVAL ? 98 : 97);	/* restart failed */
	}
	return lite_status(pid, 60);
}

/* Run @child checkpointing itself, restart it; the restored report. */
static int run(struct __test_metadata *_metadata, void (*child)(void),
	       char *buf, size_t len)
{
	int p[2], status;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, pipe(p)) { return -1; }
	pid = fork();
	ASSERT_LE(0, pid) { return -1; }
	if (!pid) {
		dup2(p[1], REPORT_FD);
		child();
		_exit(0);
	}
	status = lite_status(pid, 60);
	EXPECT_EQ(0, status) { return -1; }
	status = restart_path(IMG, p[1]);
	close(p[1]);
	n = read(p[0], buf, len - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = 0;
	TH_LOG("restored program: %s", buf);
	EXPECT_EQ(0, status) { return -1; }
	return n > 0 ? 0 : -1;
}

/*
 * Three timers, the first deleted again so that the ids have a gap: a
 * one-shot CLOCK_MONOTONIC timer of 3 s signalling SIGRTMIN with a value,
 * and a CLOCK_REALTIME SIGEV_NONE timer of 100 s with a period of 1 s.
 * Checkpointed 2 s in: the restored program still holds the same
 * timer_t values, the signal comes about 1 s after it resumes with the
 * value, and a new timer gets the id the original would have got.
 */
static void keeps_child(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGRTMIN };
	struct itimerspec one = { .it_value = { .tv_sec = 3 } };
	struct itimerspec slow = { .it_value = { .tv_sec = 100 },
				   .it_interval = { .tv_sec = 1 } };
	struct itimerspec g1, g2;
	timer_t gap, t1, t2, t3;
	double resumed;

	catch(SIGRTMIN);
	if (timer_create(CLOCK_MONOTONIC, NULL, &gap))
		_exit(2);
	sev.sigev_value.sival_int = 0x1234;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t1))
		_exit(3);
	sev.sigev_notify = SIGEV_NONE;
	if (timer_create(CLOCK_REALTIME, &sev, &t2) || timer_delete(gap))
		_exit(4);
	if (timer_settime(t1, 0, &one, NULL) ||
	    timer_settime(t2, 0, &slow, NULL))
		_exit(5);
	usleep(2000000);
	if (self_checkpoint() > 0)
		_exit(0);
	resumed = mono();
	if (timer_gettime(t1, &g1) || timer_gettime(t2, &g2)) {
		lite_write(REPORT_FD, "timer_gettime: %s\n", strerror(errno));
		_exit(0);
	}
	while (!hits && mono() - resumed < 10)
		usleep(10000);
	/* the deleted one stays deleted; the next id is the original's */
	errno = 0;
	timer_delete(gap);
	if (timer_create(CLOCK_MONOTONIC, NULL, &t3))
		_exit(6);
	lite_write(REPORT_FD, "t1 %.3f t2 %.3f/%.3f hits %d after %.3f value %#x timerid %d t1id %ld gap_errno %d t3 %ld\n",
	       ts_d(&g1.it_value), ts_d(&g2.it_value), ts_d(&g2.it_interval),
	       (int)hits, mono() - resumed, (int)last_value,
	       (int)last_timerid, (long)t1, errno, (long)t3);
	_exit(0);
}

TEST(keeps_ids_time_left_and_value)
{
	double a, b, c, after;
	int hit, value, timerid, gap_errno;
	long t1, t3;
	char buf[512];

	ASSERT_EQ(0, run(_metadata, keeps_child, buf, sizeof(buf)));
	ASSERT_EQ(10, sscanf(buf, "t1 %lf t2 %lf/%lf hits %d after %lf value %x timerid %d t1id %ld gap_errno %d t3 %ld",
			     &a, &b, &c, &hit, &after, &value, &timerid, &t1,
			     &gap_errno, &t3));
	/* 3 s timer checkpointed after 2 s: about 1 s left, not 3, not 0 */
	EXPECT_LT(0.2, a);
	EXPECT_GT(1.5, a);
	EXPECT_LT(95.0, b);
	EXPECT_GE(98.5, b);
	EXPECT_EQ(1.0, c);
	EXPECT_EQ(1, hit);
	EXPECT_LT(0.2, after);
	EXPECT_GT(2.4, after);
	EXPECT_EQ(0x1234, value);
	EXPECT_EQ(t1, timerid);
	EXPECT_EQ(EINVAL, gap_errno);
	/* ids go 0 (deleted), 1, 2: the next one is 3 */
	EXPECT_EQ(1, t1);
	EXPECT_EQ(3, t3);
	unlink(IMG);
}

/* A periodic timer keeps its period and keeps firing. */
static void periodic_child(void)
{
	struct itimerspec it = { .it_value = { .tv_nsec = 150000000 },
				 .it_interval = { .tv_nsec = 100000000 } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGRTMIN + 1,
				.sigev_value.sival_int = 77 };
	struct itimerspec cur;
	double resumed;
	timer_t t;

	catch(SIGRTMIN + 1);
	if (timer_create(CLOCK_BOOTTIME, &sev, &t) ||
	    timer_settime(t, 0, &it, NULL))
		_exit(2);
	if (self_checkpoint() > 0)
		_exit(0);
	hits = 0;
	resumed = mono();
	while (hits < 5 && mono() - resumed < 20)
		pause();
	timer_gettime(t, &cur);
	lite_write(REPORT_FD, "hits %d in %.3f interval %.3f value %d\n", (int)hits,
	       mono() - resumed, ts_d(&cur.it_interval), (int)last_value);
}

TEST(periodic_keeps_period)
{
	double dt, iv;
	int hit, value;
	char buf[256];

	ASSERT_EQ(0, run(_metadata, periodic_child, buf, sizeof(buf)));
	ASSERT_EQ(4, sscanf(buf, "hits %d in %lf interval %lf value %d", &hit,
			    &dt, &iv, &value));
	EXPECT_EQ(5, hit);
	EXPECT_EQ(0.1, iv);
	EXPECT_EQ(77, value);
	/* five expiries of a 100 ms period: not at once, not stopped */
	EXPECT_LT(0.3, dt);
	EXPECT_GT(5.0, dt);
	unlink(IMG);
}

/*
 * SIGEV_THREAD_ID at the checkpointed thread: after RESTART_TASKSELF the
 * thread has the restarter's tid, and the signal goes there.
 */
static void thread_id_child(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID,
				.sigev_signo = SIGUSR1,
				.sigev_value.sival_int = 99 };
	struct itimerspec it = { .it_value = { .tv_nsec = 800000000 } };
	double resumed;
	timer_t t;

	catch(SIGUSR1);
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) ||
	    timer_settime(t, 0, &it, NULL))
		_exit(2);
	if (self_checkpoint() > 0)
		_exit(0);
	resumed = mono();
	while (!hits && mono() - resumed < 10)
		usleep(10000);
	lite_write(REPORT_FD, "hits %d value %d after %.3f\n", (int)hits, (int)last_value,
	       mono() - resumed);
}

TEST(thread_id_follows_the_thread)
{
	double after;
	int hit, value;
	char buf[256];

	ASSERT_EQ(0, run(_metadata, thread_id_child, buf, sizeof(buf)));
	ASSERT_EQ(3, sscanf(buf, "hits %d value %d after %lf", &hit, &value,
			    &after));
	EXPECT_EQ(1, hit);
	EXPECT_EQ(99, value);
	EXPECT_GT(2.0, after);
	unlink(IMG);
}

/*
 * A CLOCK_PROCESS_CPUTIME_ID timer of 0.6 s of CPU, checkpointed after
 * 0.3 s of CPU: the restored program burns about 0.3 s more, not 0.6.
 */
static void cpu_child(void)
{
	struct itimerspec it = { .it_value = { .tv_nsec = 600000000 } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGRTMIN + 2 };
	double start, left;
	struct itimerspec cur;
	timer_t t;

	catch(SIGRTMIN + 2);
	if (timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &t) ||
	    timer_settime(t, 0, &it, NULL))
		_exit(2);
	start = cpu();
	while (cpu() - start < 0.3)
		;
	if (self_checkpoint() > 0)
		_exit(0);
	timer_gettime(t, &cur);
	left = ts_d(&cur.it_value);
	start = cpu();
	while (!hits && cpu() - start < 5)
		;
	lite_write(REPORT_FD, "left %.3f burnt %.3f hits %d\n", left, cpu() - start,
	       (int)hits);
}

TEST(cpu_clock_keeps_cpu_time_left)
{
	double left, burnt;
	int hit;
	char buf[256];

	ASSERT_EQ(0, run(_metadata, cpu_child, buf, sizeof(buf)));
	ASSERT_EQ(3, sscanf(buf, "left %lf burnt %lf hits %d", &left, &burnt,
			    &hit));
	EXPECT_EQ(1, hit);
	EXPECT_LT(0.05, left);
	EXPECT_GT(0.35, left);
	EXPECT_GT(0.5, burnt);
	unlink(IMG);
}

/* A thread CPU-time clock cannot be saved yet: refused and harmless. */
TEST(thread_cpu_clock_refused)
{
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec it = { .it_value = { .tv_sec = 100 } }, cur;
	int logp[2], fd;
	char buf[512] = "";
	timer_t t;
	long r;

	ASSERT_EQ(0, pipe(logp));
	ASSERT_EQ(0, timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &t));
	ASSERT_EQ(0, timer_settime(t, 0, &it, NULL));
	fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	r = ck_checkpoint_validated(0, fd, 0, logp[1]);
	EXPECT_EQ(-1, r);
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_LT(0, read(logp[0], buf, sizeof(buf) - 1));
	EXPECT_NE(NULL, strstr(buf, "POSIX timer")) TH_LOG("log: %s", buf);
	/* still armed: the refusal changed nothing */
	ASSERT_EQ(0, timer_gettime(t, &cur));
	EXPECT_LT(90, cur.it_value.tv_sec);
	EXPECT_EQ(0, timer_delete(t));
	close(fd);
	unlink(IMG);
}

/* ---- damaged TIMERS records ------------------------------------------- */

static void bad_child(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGRTMIN };
	struct itimerspec it = { .it_value = { .tv_sec = 50 },
				 .it_interval = { .tv_sec = 1 } };
	timer_t a, b;

	catch(SIGRTMIN);
	if (timer_create(CLOCK_MONOTONIC, &sev, &a) ||
	    timer_create(CLOCK_MONOTONIC, &sev, &b) ||
	    timer_settime(a, 0, &it, NULL))
		_exit(2);
	if (self_checkpoint() > 0)
		_exit(0);
	lite_write(REPORT_FD, "resumed\n");
}

struct damage {
	const char *what;
	size_t off;		/* in the first ckpt_posix_timer */
	size_t size;
	long long value;
	bool second;		/* in the second timer */
};

#define PT(m)	offsetof(struct ckpt_posix_timer, m), \
		sizeof(((struct ckpt_posix_timer *)0)->m)

static const struct damage damages[] = {
	{ "clock THREAD_CPUTIME", PT(clockid), CLOCK_THREAD_CPUTIME_ID, false },
	{ "clock 42", PT(clockid), 42, false },
	{ "clock -6 (a pid's CPU clock)", PT(clockid), -6, false },
	{ "notify 3", PT(notify), 3, false },
	{ "signo 0", PT(signo), 0, false },
	{ "signo 65", PT(signo), 65, false },
	{ "THREAD_ID to a pid not in the image", PT(notify), SIGEV_THREAD_ID, false },
	{ "tid without THREAD_ID", PT(tid), 1, false },
	{ "reserved", PT(__reserved), 1, false },
	{ "negative time left", PT(value), -1, false },
	{ "negative period", PT(interval), -5, false },
	{ "negative overrun", PT(overrun), -1, false },
	{ "negative id", PT(id), -1, false },
	{ "ids not increasing", PT(id), 0, true },
};

static void poke(unsigned char *p, size_t size, long long v)
{
	int32_t v32 = v;

	if (size == 4)
		memcpy(p, &v32, 4);
	else
		memcpy(p, &v, 8);
}

TEST(damaged_records_refused)
{
	struct ckpt_image img;
	struct ckpt_hdr_timers *h;
	char buf[256];
	unsigned int i;
	long off;
	int p[2];

	ASSERT_EQ(0, run(_metadata, bad_child, buf, sizeof(buf)));
	ASSERT_EQ(0, strcmp(buf, "resumed\n"));
	ASSERT_EQ(0, ckpt_image_load(IMG, &img));
	off = ckpt_image_find(&img, CKPT_HDR_TIMERS, 0);
	ASSERT_LE(0, off);
	h = (struct ckpt_hdr_timers *)(img.data + off);
	ASSERT_EQ(2u, h->nr_timers);
	ASSERT_EQ(2, h->next_id);

	for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
		const struct damage *d = &damages[i];
		struct ckpt_image bad = { malloc(img.len), img.len };
		unsigned char *t;
		int status;

		ASSERT_NE(NULL, bad.data);
		memcpy(bad.data, img.data, img.len);
		t = bad.data + off + sizeof(*h) +
		    (d->second ? sizeof(struct ckpt_posix_timer) : 0);
		poke(t + d->off, d->size, d->value);
		if (d->value == SIGEV_THREAD_ID && d->off ==
		    offsetof(struct ckpt_posix_timer, notify))
			poke(t + offsetof(struct ckpt_posix_timer, tid), 4, 1);
		ASSERT_EQ(0, ckpt_image_fix_csum(&bad));
		{
			int fd = open(IMG ".bad", O_WRONLY | O_CREAT | O_TRUNC,
				      0600);

			ASSERT_LE(0, fd);
			ASSERT_EQ((ssize_t)bad.len, write(fd, bad.data, bad.len));
			close(fd);
		}
		ASSERT_EQ(0, pipe(p));
		status = restart_path(IMG ".bad", p[1]);
		close(p[1]);
		buf[0] = 0;
		if (read(p[0], buf, sizeof(buf) - 1) > 0)
			TH_LOG("%s: resumed!", d->what);
		close(p[0]);
		/* restart() returned EINVAL to the restarter: exit 98 */
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 98)
			TH_LOG("%s: status %#x", d->what, status);
		free(bad.data);
	}
	ckpt_image_free(&img);
	unlink(IMG ".bad");
	unlink(IMG);
}

/* ---- a timer at another thread, in a tree restarted by a coordinator -- */

static volatile sig_atomic_t thr_hits, thr_value, thr_tid_ok;
static pid_t thr_tid;

static void on_thr(int sig, siginfo_t *si, void *uc)
{
	thr_hits++;
	thr_value = si->si_value.sival_int;
	thr_tid_ok = gettid() == thr_tid;
}

static void *thr_main(void *arg)
{
	sigset_t set;

	thr_tid = gettid();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	lite_say(TREPORT, "T2 %d\n", thr_tid);
	while (!thr_hits)
		pause();
	return NULL;
}

/*
 * A process whose main thread blocks SIGUSR1 and whose second thread
 * waits for it; a timer of 2 s signals that thread (SIGEV_THREAD_ID).
 * Checkpointed frozen half a second in, restarted by a coordinator: the
 * signal reaches the same thread (same tid) with its value, on time.
 */
static void thr_root(void)
{
	struct sigaction sa = { .sa_sigaction = on_thr,
				.sa_flags = SA_SIGINFO };
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID,
				.sigev_signo = SIGUSR1,
				.sigev_value.sival_int = 5 };
	struct itimerspec it = { .it_value = { .tv_sec = 2 } };
	char me[16];
	pthread_t th;
	sigset_t set;
	timer_t t;
	double t0;

	snprintf(me, sizeof(me), "%d", getpid());
	if (lite_cg_write(CG, "cgroup.procs", me))
		_exit(90);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&th, NULL, thr_main, NULL))
		_exit(91);
	while (!thr_tid)
		usleep(1000);
	sev.sigev_notify_thread_id = thr_tid;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) ||
	    timer_settime(t, 0, &it, NULL))
		_exit(92);
	t0 = mono();
	lite_say(TREPORT, "armed\n");
	pthread_join(th, NULL);
	lite_say(TREPORT, "T2 hits %d value %d same tid %d after %.3f\n", (int)thr_hits,
	     (int)thr_value, (int)thr_tid_ok, mono() - t0);
	_exit(0);
}

TEST(thread_id_in_a_restored_tree)
{
	char rep[1024] = "";
	pid_t root, got;
	int img, status, i;
	double t_ckpt, t_restart, after;
	const char *l;
	long ret;

	unlink(TREPORT);
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	root = fork();
	ASSERT_LE(0, root);
	if (!root)
		thr_root();
	for (i = 0; i < 1500 && !strstr(rep, "armed\n"); i++) {
		usleep(20000);
		lite_slurp(TREPORT, rep, sizeof(rep));
	}
	ASSERT_NE(NULL, strstr(rep, "armed\n"));
	usleep(500000);
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	t_ckpt = mono();
	img = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, img);
	ret = ck_checkpoint_validated(root, img, CHECKPOINT_SUBTREE, 2);
	close(img);
	ASSERT_LT(0, ret) TH_LOG("checkpoint: %s", strerror(errno));
	kill(root, SIGKILL);
	lite_cg_write(CG, "cgroup.freeze", "0");
	ASSERT_NE(-1, lite_status(root, 30));
	img = open(IMG, O_RDONLY);
	t_restart = mono();
	got = syscall(__NR_restart, 0, img, 0, 2);
	close(img);
	ASSERT_EQ(root, got) TH_LOG("restart: %s", strerror(errno));
	status = lite_status(root, 30);
	lite_slurp(TREPORT, rep, sizeof(rep));
	TH_LOG("restored tree: %s", rep);
	EXPECT_EQ(0, status);
	l = strstr(rep, "T2 hits 1 value 5 same tid 1 after ");
	ASSERT_NE(NULL, l);
	after = atof(l + strlen("T2 hits 1 value 5 same tid 1 after "));
	/* not early: 2 s after arming, the time frozen and dead added */
	EXPECT_LE(1.95 + (t_restart - t_ckpt), after);
	EXPECT_GT(2.0 + (t_restart - t_ckpt) + 3.0, after);
	rmdir(CG);
	unlink(TREPORT);
	unlink(IMG);
}

TEST_HARNESS_MAIN
