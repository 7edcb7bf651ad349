// SPDX-License-Identifier: GPL-2.0
/*
 * Per-task and per-process settings a program makes through system calls
 * come back after a checkpoint and a restart, as the program reads them
 * itself: scheduling policy, nice value and priority, CPU affinity and
 * I/O priority (per thread), oom_score_adj, the parent-death signal, timer
 * slack, child-subreaper, dumpable, THP-disable, membarrier()
 * registrations (and what they allow), PR_SET_MDWE (and what it
 * forbids), PR_SET_IO_FLUSHER and PR_MCE_KILL (per thread),
 * PR_SET_MEMORY_MERGE (every mapping mergeable again but one made
 * unmergeable since, and mappings made later mergeable too); and a task
 * that had no affinity, I/O priority, PR_SET_IO_FLUSHER, PR_MCE_KILL or
 * PR_SET_MEMORY_MERGE has none after a restart by a restarter that has
 * them all; a process stopped by SIGSTOP stays stopped until SIGCONT, its
 * stop reported to waitpid() or not as before, and a continue not reported
 * yet is reported; the owner (F_SETOWN) and signal (F_SETSIG) of an open
 * file, as F_GETOWN and F_GETSIG read them. What is not saved yet is
 * refused at checkpoint with a line naming it, and the refused tree runs
 * on untouched: a task in its own uts namespace or in another cgroup, a
 * file with a lease (O_ASYNC: matrix_test).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"
#include "ck_lite.h"
#include "image.h"

#define CG	"/sys/fs/cgroup/ckpt-attrs"
#define SUBCG	CG "/sub"
#define IMG	"/tmp/ckpt-attrs.img"
#define REPORT	"/tmp/ckpt-attrs-report"
#define LOCKF	"/tmp/ckpt-attrs-lock"
#define LOG	"/tmp/ckpt-attrs-log"

/* PR_GET_MDWE, PR_SET_MDWE and its bit (6.3), which older headers lack */
#define PR_SET_MDWE_		65
#define PR_GET_MDWE_		66
#define PR_MDWE_REFUSE_EXEC_GAIN_	1

/* PR_SET_IO_FLUSHER (5.6) and PR_SET_MEMORY_MERGE (6.4), for old headers */
#define PR_SET_IO_FLUSHER_	57
#define PR_GET_IO_FLUSHER_	58
#define PR_SET_MEMORY_MERGE_	67
#define PR_GET_MEMORY_MERGE_	68

/* MEMBARRIER_CMD_GET_REGISTRATIONS (6.7), which older headers lack */
#define MB_GET_REGISTRATIONS	(1 << 9)

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static volatile sig_atomic_t go;
static void on_usr1(int sig) { go = 1; }
static pid_t thread_tid;

/* SET_OWNER: the lock file, owned by the root, with a signal */
static int owner_fd = -1;
#define OWNER_SIG	(SIGRTMIN + 3)

/*
 * What the second thread reads of itself (prctl() has no thread
 * argument): the root bumps thread_asked, the thread answers in
 * thread_flusher and thread_mce, then sets thread_answered to it.
 */
static unsigned int thread_asked, thread_answered;
static int thread_flusher, thread_mce;

/*
 * The second thread: its own nice value, PR_MCE_KILL_LATE if @arg; waits
 * in FUTEX_WAIT with every signal blocked, and answers when asked.
 */
static void *worker(void *arg)
{
	unsigned int seen = 0, now;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (setpriority(PRIO_PROCESS, 0, 7))
		_exit(91);
	if (arg && prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE, 0, 0))
		_exit(91);
	__atomic_store_n(&thread_tid, gettid(), __ATOMIC_SEQ_CST);
	for (;;) {
		syscall(SYS_futex, &thread_asked, FUTEX_WAIT_PRIVATE, seen,
			NULL, NULL, 0);
		now = __atomic_load_n(&thread_asked, __ATOMIC_ACQUIRE);
		if (now == seen)
			continue;
		thread_flusher = prctl(PR_GET_IO_FLUSHER_, 0, 0, 0, 0);
		thread_mce = prctl(PR_MCE_KILL_GET, 0, 0, 0, 0);
		seen = now;
		__atomic_store_n(&thread_answered, now, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Ask the second thread (10 s at most; -9: it did not answer) */
static void ask_thread(void)
{
	unsigned int n;
	int i;

	thread_flusher = thread_mce = -9;
	n = __atomic_add_fetch(&thread_asked, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &thread_asked, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	for (i = 0; i < 10000; i++) {
		if (__atomic_load_n(&thread_answered, __ATOMIC_ACQUIRE) == n)
			return;
		usleep(1000);
	}
	thread_flusher = thread_mce = -9;
}

static int ioprio_of(pid_t tid)
{
	return syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, tid);
}

/* "0-1", "1": the CPUs @tid may run on */
static const char *cpus_of(pid_t tid, char *buf, size_t len)
{
	cpu_set_t set;
	size_t at = 0;
	int cpu, first;

	buf[0] = '\0';
	if (sched_getaffinity(tid, sizeof(set), &set))
		return "error";
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		first = cpu;
		while (cpu + 1 < CPU_SETSIZE && CPU_ISSET(cpu + 1, &set))
			cpu++;
		at += snprintf(buf + at, len - at, first == cpu ? "%s%d" :
			       "%s%d-%d", at ? "," : "", first, cpu);
		if (at >= len)
			break;
	}
	return buf;
}

static int read_oom(void)
{
	char buf[32] = "";
	int fd = open("/proc/self/oom_score_adj", O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		return -9999;
	close(fd);
	return atoi(buf);
}

/*
 * SET_MEMORY_MERGE: a mapping made before PR_SET_MEMORY_MERGE, one made
 * after it, and one made after it and then MADV_UNMERGEABLE
 */
static char *merge_before, *merge_after, *merge_undone;

/* Is the mapping at @addr mergeable ("mg" in its VmFlags)? -1: none there */
static int mergeable(const void *addr)
{
	unsigned long start, end, at = (unsigned long)addr;
	char *line = NULL;
	size_t len = 0;
	bool in = false;
	int ret = -1;
	FILE *f;

	if (!addr)
		return -1;
	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -2;
	while (getline(&line, &len, f) > 0) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start <= at && at < end;
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			/* each flag is two letters and a space */
			ret = !!strstr(line + 8, " mg ");
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

/* One line with everything the program can read back about itself. */
static void report_state(const char *tag)
{
	int sub = -1, pdeath = -1, policy = sched_getscheduler(0);
	struct sched_param sp = { 0 };
	char cpus[64], tcpus[64];
	char *fresh;
	int mg;

	prctl(PR_GET_CHILD_SUBREAPER, &sub);
	prctl(PR_GET_PDEATHSIG, &pdeath);
	sched_getparam(0, &sp);
	/* registered commands, and whether a private expedited one is let */
	long mb = syscall(__NR_membarrier, MB_GET_REGISTRATIONS, 0, 0);
	long mbp = syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
	int mberr = mbp ? -errno : 0;
	/* PR_SET_MDWE, and whether it lets writable memory become executable */
	long mdwe = prctl(PR_GET_MDWE_, 0, 0, 0, 0);
	char *wx = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int wxerr = wx == MAP_FAILED ? -1 :
		    mprotect(wx, 4096, PROT_READ | PROT_EXEC) ? -errno : 0;

	/*
	 * A mapping made now: mergeable with PR_SET_MEMORY_MERGE only.
	 * Read-only, so that it is a vma of its own: 6.12's mmap() extends
	 * a neighbour with the same flags instead, and leaves it
	 * unmergeable if it was (merge_undone, next to which wx may be).
	 */
	fresh = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mg = fresh == MAP_FAILED ? -3 : mergeable(fresh);
	if (fresh != MAP_FAILED)
		munmap(fresh, 4096);
	/* per thread: PR_GET_IO_FLUSHER, PR_MCE_KILL_GET of the second one */
	ask_thread();

	/*
	 * SET_OWNER: the lock file's owner less the pid the root has now
	 * (0: itself, whatever its pid), and its signal
	 */
	lite_say(REPORT,
		 "%s policy %d reset %d prio %d nice %d oom %d pdeath %d slack %ld subreaper %d dumpable %ld thp %ld tpolicy %d tnice %d cpus %s ioprio %d tcpus %s tioprio %d mb %ld mbp %d mdwe %ld wx %d flusher %ld tflusher %d mce %ld tmce %d merge %ld mg %d %d %d %d own %d sig %d\n",
		 tag, policy & ~SCHED_RESET_ON_FORK,
		 !!(policy & SCHED_RESET_ON_FORK), sp.sched_priority,
		 getpriority(PRIO_PROCESS, 0), read_oom(), pdeath,
		 (long)prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), sub,
		 (long)prctl(PR_GET_DUMPABLE, 0, 0, 0, 0),
		 (long)prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0),
		 sched_getscheduler(thread_tid),
		 getpriority(PRIO_PROCESS, thread_tid),
		 cpus_of(0, cpus, sizeof(cpus)), ioprio_of(0),
		 cpus_of(thread_tid, tcpus, sizeof(tcpus)),
		 ioprio_of(thread_tid), mb, mberr, mdwe, wxerr,
		 (long)prctl(PR_GET_IO_FLUSHER_, 0, 0, 0, 0), thread_flusher,
		 (long)prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), thread_mce,
		 (long)prctl(PR_GET_MEMORY_MERGE_, 0, 0, 0, 0),
		 mergeable(merge_before), mergeable(merge_after),
		 mergeable(merge_undone), mg,
		 owner_fd < 0 ? -1 : fcntl(owner_fd, F_GETOWN) - getpid(),
		 owner_fd < 0 ? -1 : fcntl(owner_fd, F_GETSIG));
	if (wx != MAP_FAILED)
		munmap(wx, 4096);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

enum setup {
	SET_ATTRS,		/* everything that is saved */
	SET_RT,			/* SCHED_RR with a nice value kept aside */
	SET_STOPPED,		/* stopped; waitpid() has yet to see it */
	SET_STOPPED_REAPED,	/* stopped; waitpid() saw it */
	SET_CONTINUED,		/* stopped and continued, unreported */
	SET_UTS_NS,
	SET_CHILD_CGROUP,
	SET_LEASE,
	SET_OWNER,		/* F_SETOWN of itself, F_SETSIG */
	SET_MEMBARRIER,
	SET_MDWE,
	SET_IO_FLUSHER,		/* in the root's main thread, not the other */
	SET_MCE_KILL,		/* early in the main thread, late in the other */
	SET_MEMORY_MERGE,
};

/* ioprio_set() values: class << 13 | level */
#define IOPRIO_IDLE	(3 << 13)
#define IOPRIO_BE_2	(2 << 13 | 2)

static int set_cpu(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set);
}

/* the highest CPU the test may run on: the root's, its thread on CPU 0 */
static int last_cpu;

static void attrs_root(enum setup what)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct sched_param sp = { 0 };
	pthread_t th;
	pid_t child;
	int fd;

	lite_cg_enter(CG);
	lite_block(SIGUSR1);
	sigaction(SIGUSR1, &sa, NULL);
	/* created first: it has none of what the main thread sets below */
	if (pthread_create(&th, NULL, worker,
			   what == SET_MCE_KILL ? (void *)1 : NULL))
		_exit(92);
	while (!__atomic_load_n(&thread_tid, __ATOMIC_SEQ_CST))
		usleep(1000);

	switch (what) {
	case SET_ATTRS:
		sp.sched_priority = 0;
		if (sched_setscheduler(0, SCHED_BATCH | SCHED_RESET_ON_FORK, &sp) ||
		    setpriority(PRIO_PROCESS, 0, 5) ||
		    write_str("/proc/self/oom_score_adj", "250") ||
		    prctl(PR_SET_PDEATHSIG, SIGUSR2) ||
		    prctl(PR_SET_TIMERSLACK, 123456) ||
		    prctl(PR_SET_CHILD_SUBREAPER, 1) ||
		    prctl(PR_SET_DUMPABLE, 0) ||
		    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
			_exit(93);
		/*
		 * the root on the last CPU, idle I/O; its thread on CPU 0,
		 * BE 2 (with one CPU, the affinity is only in the image)
		 */
		if (set_cpu(0, last_cpu) || set_cpu(thread_tid, 0) ||
		    syscall(SYS_ioprio_set, 1, 0, IOPRIO_IDLE) ||
		    syscall(SYS_ioprio_set, 1, thread_tid, IOPRIO_BE_2))
			_exit(95);
		break;
	case SET_RT:
		sp.sched_priority = 3;
		if (setpriority(PRIO_PROCESS, 0, 4) ||
		    sched_setscheduler(0, SCHED_RR, &sp))
			_exit(93);
		break;
	case SET_STOPPED:
	case SET_STOPPED_REAPED:
	case SET_CONTINUED:
		break;		/* the test stops it */
	case SET_UTS_NS:
		if (unshare(CLONE_NEWUTS) || sethostname("inner", 5))
			_exit(93);
		break;
	case SET_CHILD_CGROUP:
		child = fork();
		if (!child) {
			lite_cg_enter(SUBCG);
			for (;;)
				pause();
		}
		/* wait until the child has moved */
		for (fd = 0; fd < 500; fd++) {
			char buf[64] = "";

			lite_slurp(SUBCG "/cgroup.procs", buf, sizeof(buf));
			if (atoi(buf) == child)
				break;
			usleep(10000);
		}
		break;
	case SET_LEASE:
	case SET_OWNER:
		fd = open(LOCKF, what == SET_LEASE ? O_RDONLY : O_RDWR);
		if (fd < 0)
			_exit(93);
		if ((what == SET_LEASE && fcntl(fd, F_SETLEASE, F_RDLCK)) ||
		    (what == SET_OWNER && (fcntl(fd, F_SETOWN, getpid()) ||
					   fcntl(fd, F_SETSIG, OWNER_SIG))))
			_exit(94);
		if (what == SET_OWNER)
			owner_fd = fd;
		break;
	case SET_MEMBARRIER:
		if (syscall(__NR_membarrier,
			    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) ||
		    syscall(__NR_membarrier,
			    MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0) ||
		    syscall(__NR_membarrier,
			    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE,
			    0, 0))
			_exit(93);
		break;
	case SET_MDWE:
		if (prctl(PR_SET_MDWE_, PR_MDWE_REFUSE_EXEC_GAIN_, 0, 0, 0))
			_exit(93);
		break;
	case SET_IO_FLUSHER:
		if (prctl(PR_SET_IO_FLUSHER_, 1, 0, 0, 0))
			_exit(93);
		break;
	case SET_MCE_KILL:
		/* the other thread set PR_MCE_KILL_LATE itself */
		if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0))
			_exit(93);
		break;
	case SET_MEMORY_MERGE:
		merge_before = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (merge_before == MAP_FAILED ||
		    prctl(PR_SET_MEMORY_MERGE_, 1, 0, 0, 0))
			_exit(93);
		merge_after = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		merge_undone = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (merge_after == MAP_FAILED || merge_undone == MAP_FAILED)
			_exit(94);
		/* pages to save */
		memset(merge_before, 'b', 2 * 4096);
		memset(merge_after, 'a', 2 * 4096);
		memset(merge_undone, 'u', 2 * 4096);
		if (madvise(merge_undone, 2 * 4096, MADV_UNMERGEABLE))
			_exit(95);
		break;
	}
	report_state("before");
	lite_say(REPORT, "R %d\n", getpid());
	lite_wait_flag(&go, SIGUSR1);
	report_state("after");
	_exit(0);
}

FIXTURE(attrs) {
	pid_t root;
};

FIXTURE_VARIANT(attrs) {
	enum setup setup;
	const char *refused;	/* NULL: saved; else what the log says */
};

FIXTURE_VARIANT_ADD(attrs, saved) { .setup = SET_ATTRS };
FIXTURE_VARIANT_ADD(attrs, saved_rt) { .setup = SET_RT };
FIXTURE_VARIANT_ADD(attrs, stopped) { .setup = SET_STOPPED };
FIXTURE_VARIANT_ADD(attrs, stopped_reaped) { .setup = SET_STOPPED_REAPED };
FIXTURE_VARIANT_ADD(attrs, continued) { .setup = SET_CONTINUED };
FIXTURE_VARIANT_ADD(attrs, uts_ns) {
	.setup = SET_UTS_NS, .refused = "its own uts namespace",
};
FIXTURE_VARIANT_ADD(attrs, child_cgroup) {
	.setup = SET_CHILD_CGROUP, .refused = "in other cgroups than the root",
};
FIXTURE_VARIANT_ADD(attrs, lease) {
	.setup = SET_LEASE, .refused = LOCKF ": a lease",
};
FIXTURE_VARIANT_ADD(attrs, owner) { .setup = SET_OWNER };
FIXTURE_VARIANT_ADD(attrs, membarrier) { .setup = SET_MEMBARRIER };
FIXTURE_VARIANT_ADD(attrs, mdwe) { .setup = SET_MDWE };
FIXTURE_VARIANT_ADD(attrs, io_flusher) { .setup = SET_IO_FLUSHER };
FIXTURE_VARIANT_ADD(attrs, mce_kill) { .setup = SET_MCE_KILL };
FIXTURE_VARIANT_ADD(attrs, memory_merge) { .setup = SET_MEMORY_MERGE };

FIXTURE_SETUP(attrs)
{
	cpu_set_t set;
	int fd;

	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	rmdir(SUBCG);
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	if (variant->setup == SET_CHILD_CGROUP)
		ASSERT_EQ(0, mkdir(SUBCG, 0755));
	fd = open(LOCKF, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(64, write(fd, "0123456789abcdef0123456789abcdef"
				"0123456789abcdef0123456789abcdef", 64));
	close(fd);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(set), &set));
	for (last_cpu = CPU_SETSIZE - 1; !CPU_ISSET(last_cpu, &set); last_cpu--)
		;
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	self->root = fork();
	ASSERT_LE(0, self->root);
	if (!self->root)
		attrs_root(variant->setup);
	ASSERT_EQ(self->root, lite_line_pid(REPORT, "R ", 30));
}

FIXTURE_TEARDOWN(attrs)
{
	kill(self->root, SIGCONT);
	lite_cg_write(SUBCG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_reap_all();
	rmdir(SUBCG);
	rmdir(CG);
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
	unlink(LOCKF);
}

/* Until /proc/PID/stat shows @pid in state @st or not (10 s) */
static bool proc_state(pid_t pid, char st, bool in)
{
	char path[64], buf[512], *p;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 500; i++) {
		buf[0] = '\0';
		lite_slurp(path, buf, sizeof(buf));
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && (p[2] == st) == in)
			return true;
		usleep(20000);
	}
	return false;
}

/* CKPT_TASK_* flags of the @n-th TASK record (0: the root's main thread) */
static uint32_t task_flags_of(const struct ckpt_image *im, int n)
{
	const struct ckpt_hdr_task *t;
	long off = ckpt_image_find(im, CKPT_HDR_TASK, n);

	if (off < 0)
		return ~0U;
	t = (const void *)(im->data + off);
	return t->task_flags;
}

/*
 * The restarter's own PR_SET_IO_FLUSHER, PR_MCE_KILL (early) and
 * PR_SET_MEMORY_MERGE, on or off again: a restored task gets what its
 * image says, never these.
 */
static int restarter_own(bool on)
{
	if (on)
		return prctl(PR_SET_IO_FLUSHER_, 1, 0, 0, 0) ||
		       prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY,
			     0, 0) ||
		       prctl(PR_SET_MEMORY_MERGE_, 1, 0, 0, 0) ? -1 : 0;
	return prctl(PR_SET_IO_FLUSHER_, 0, 0, 0, 0) ||
	       prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0) ||
	       prctl(PR_SET_MEMORY_MERGE_, 0, 0, 0, 0) ? -1 : 0;
}

/* Does the report get an "after" line within @ms? */
static bool reports_after(int ms)
{
	char rep[2048];
	int i;

	for (i = 0; i <= ms / 20; i++) {
		rep[0] = '\0';
		lite_slurp(REPORT, rep, sizeof(rep));
		if (strstr(rep, "after "))
			return true;
		usleep(20000);
	}
	return false;
}

/* The "before"/"after" line of the report, without its tag. */
static void state_line(const char *rep, const char *tag, char *out, size_t n)
{
	const char *l = strstr(rep, tag);
	size_t len;

	out[0] = 0;
	if (!l)
		return;
	l += strlen(tag);
	len = strcspn(l, "\n");
	snprintf(out, n, "%.*s", (int)len, l);
}

TEST_F_TIMEOUT(attrs, come_back_or_refused, 180)
{
	char rep[2048], before[512], after[512], log[1024], want[128];
	char all[64];
	int img, logfd, status;
	bool own;
	long ret;
	pid_t got;

	if (variant->setup == SET_STOPPED ||
	    variant->setup == SET_STOPPED_REAPED ||
	    variant->setup == SET_CONTINUED) {
		ASSERT_EQ(0, kill(self->root, SIGSTOP));
		ASSERT_TRUE(proc_state(self->root, 'T', true));
	}
	if (variant->setup == SET_STOPPED_REAPED ||
	    variant->setup == SET_CONTINUED) {
		ASSERT_EQ(self->root, waitpid(self->root, &status, WUNTRACED));
		ASSERT_TRUE(WIFSTOPPED(status));
	}
	if (variant->setup == SET_CONTINUED) {
		ASSERT_EQ(0, kill(self->root, SIGCONT));
		ASSERT_TRUE(proc_state(self->root, 'T', false));
	}
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	img = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, img);
	ASSERT_LE(0, logfd);
	ret = syscall(__NR_checkpoint, self->root, img, CHECKPOINT_SUBTREE,
		      logfd);
	close(img);
	close(logfd);
	lite_slurp(LOG, log, sizeof(log));

	if (variant->refused) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EOPNOTSUPP, errno);
		EXPECT_NE(NULL, strstr(log, variant->refused))
			TH_LOG("log: %s", log);
		/* the refused tree runs on, untouched */
		lite_cg_write(CG, "cgroup.freeze", "0");
		kill(self->root, SIGCONT);
		ASSERT_EQ(0, kill(self->root, SIGUSR1));
		status = lite_status(self->root, 60);
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		lite_slurp(REPORT, rep, sizeof(rep));
		EXPECT_NE(NULL, strstr(rep, "after "));
		return;
	}
	ASSERT_LT(0, ret) TH_LOG("checkpoint: %s; log: %s", strerror(errno), log);
	if (variant->setup == SET_ATTRS) {
		/* what the image says, which one CPU cannot show otherwise */
		const struct ckpt_hdr_task *t;
		struct ckpt_image im;
		long off;

		ASSERT_EQ(0, ckpt_image_load(IMG, &im));
		off = ckpt_image_find(&im, CKPT_HDR_TASK, 0);
		ASSERT_LE(0, off);
		t = (const void *)(im.data + off);
		ASSERT_LE(sizeof(*t), t->h.len);
		EXPECT_EQ(24576U, t->ioprio);
		EXPECT_LT((uint32_t)last_cpu, t->nr_cpus);
		EXPECT_EQ(1ULL << (last_cpu % 64), t->cpus[last_cpu / 64]);
		ckpt_image_free(&im);
	}
	if (variant->setup == SET_IO_FLUSHER ||
	    variant->setup == SET_MCE_KILL) {
		/* the root's main thread (TASK 0) and its other thread */
		const uint32_t flusher = CKPT_TASK_IO_FLUSHER;
		const uint32_t mce_kill = CKPT_TASK_MCE_KILL;
		const uint32_t mce = mce_kill | CKPT_TASK_MCE_EARLY;
		struct ckpt_image im;
		uint32_t main_flags, other_flags;

		ASSERT_EQ(0, ckpt_image_load(IMG, &im));
		main_flags = task_flags_of(&im, 0);
		other_flags = task_flags_of(&im, 1);
		ckpt_image_free(&im);
		ASSERT_NE(~0U, main_flags);
		ASSERT_NE(~0U, other_flags);
		if (variant->setup == SET_IO_FLUSHER) {
			EXPECT_EQ(flusher, main_flags & flusher);
			EXPECT_EQ(0U, other_flags & flusher);
			EXPECT_EQ(0U, (main_flags | other_flags) & mce);
		} else {
			EXPECT_EQ(mce, main_flags & mce);
			EXPECT_EQ(mce_kill, other_flags & mce);
			EXPECT_EQ(0U, (main_flags | other_flags) & flusher);
		}
	}
	if (variant->setup == SET_OWNER) {
		/* one FILE with an owner: the root, by its pid; the signal */
		const struct ckpt_hdr_file *f, *owned = NULL;
		struct ckpt_image im;
		int n, nr_owned = 0;
		long off;

		ASSERT_EQ(0, ckpt_image_load(IMG, &im));
		for (n = 0; (off = ckpt_image_find(&im, CKPT_HDR_FILE, n)) >= 0;
		     n++) {
			f = (const void *)(im.data + off);
			if (f->h.len >= sizeof(*f) && (f->owner || f->signum)) {
				owned = f;
				nr_owned++;
			}
		}
		ASSERT_EQ(1, nr_owned);
		EXPECT_EQ(self->root, owned->owner);
		EXPECT_EQ((uint32_t)CKPT_OWNER_PID, owned->owner_type);
		EXPECT_EQ((uint32_t)OWNER_SIG, owned->signum);
		EXPECT_EQ(0, owned->async_fd);
		EXPECT_EQ(0U, owned->f_flags & O_ASYNC);
		ckpt_image_free(&im);
	}
	if (variant->setup == SET_MEMORY_MERGE) {
		const uint32_t merge_any = CKPT_MM_F_MERGE_ANY;
		const struct ckpt_hdr_mm *mm;
		struct ckpt_image im;
		long off;

		ASSERT_EQ(0, ckpt_image_load(IMG, &im));
		off = ckpt_image_find(&im, CKPT_HDR_MM, 0);
		ASSERT_LE(0, off);
		mm = (const void *)(im.data + off);
		EXPECT_EQ(merge_any, mm->flags & merge_any);
		ckpt_image_free(&im);
	}
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.kill", "1"));
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_status(self->root, 30);
	lite_reap_all();

	/*
	 * A restarter with an affinity and an I/O priority of its own: the
	 * restored tasks of SET_RT, which had neither, must not inherit them.
	 * Nor PR_SET_IO_FLUSHER, PR_MCE_KILL early or PR_SET_MEMORY_MERGE:
	 * SET_RT had none, the other thread of SET_IO_FLUSHER no
	 * IO_FLUSHER, that of SET_MCE_KILL a late one.
	 */
	cpus_of(0, all, sizeof(all));
	if (variant->setup == SET_RT) {
		ASSERT_EQ(0, set_cpu(0, 0));
		ASSERT_EQ(0, syscall(SYS_ioprio_set, 1, 0, IOPRIO_IDLE));
	}
	own = variant->setup == SET_RT || variant->setup == SET_IO_FLUSHER ||
	      variant->setup == SET_MCE_KILL;
	if (own)
		ASSERT_EQ(0, restarter_own(true))
			TH_LOG("the restarter's prctl(): %s", strerror(errno));
	img = open(IMG, O_RDONLY);
	got = syscall(__NR_restart, 0, img, 0, 2);
	close(img);
	if (own)
		restarter_own(false);
	if (variant->setup == SET_RT) {
		cpu_set_t every;
		int cpu;

		CPU_ZERO(&every);
		for (cpu = 0; cpu <= last_cpu; cpu++)
			CPU_SET(cpu, &every);
		sched_setaffinity(0, sizeof(every), &every);
		syscall(SYS_ioprio_set, 1, 0, 0);
	}
	ASSERT_EQ(self->root, got) TH_LOG("restart: %s", strerror(errno));
	if (variant->setup == SET_STOPPED ||
	    variant->setup == SET_STOPPED_REAPED) {
		/* the stop waitpid() had not seen is there to see, once */
		ret = waitpid(self->root, &status, WUNTRACED | WNOHANG);
		if (variant->setup == SET_STOPPED) {
			ASSERT_EQ(self->root, ret);
			EXPECT_TRUE(WIFSTOPPED(status) &&
				    WSTOPSIG(status) == SIGSTOP)
				TH_LOG("status %#x", status);
			ret = waitpid(self->root, &status, WUNTRACED | WNOHANG);
		}
		EXPECT_EQ(0, ret);
		/* stopped: a signal waits for SIGCONT */
		EXPECT_TRUE(proc_state(self->root, 'T', true));
		ASSERT_EQ(0, kill(self->root, SIGUSR1));
		EXPECT_FALSE(reports_after(300));
		/*
		 * SIGCONT ends the stop and lets the pending SIGUSR1 in: the
		 * root reports and exits (too soon to look for WCONTINUED,
		 * which the continued variant checks)
		 */
		ASSERT_EQ(0, kill(self->root, SIGCONT));
	} else if (variant->setup == SET_CONTINUED) {
		ASSERT_EQ(self->root, waitpid(self->root, &status,
					      WCONTINUED | WNOHANG));
		EXPECT_TRUE(WIFCONTINUED(status));
		EXPECT_EQ(0, waitpid(self->root, &status, WCONTINUED | WNOHANG));
		ASSERT_EQ(0, kill(self->root, SIGUSR1));
	} else {
		ASSERT_EQ(0, kill(self->root, SIGUSR1));
	}
	status = lite_status(self->root, 60);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	lite_slurp(REPORT, rep, sizeof(rep));
	state_line(rep, "before ", before, sizeof(before));
	state_line(rep, "after ", after, sizeof(after));
	TH_LOG("before: %s", before);
	EXPECT_STRNE("", before);
	EXPECT_STREQ(before, after);
	if (variant->setup == SET_ATTRS) {
		EXPECT_NE(NULL, strstr(before,
			  "policy 3 reset 1 prio 0 nice 5 oom 250 pdeath 12 slack 123456 subreaper 1 dumpable 0 thp 1 tpolicy 0 tnice 7"));
		snprintf(want, sizeof(want),
			 " cpus %d ioprio 24576 tcpus 0 tioprio 16386", last_cpu);
		EXPECT_NE(NULL, strstr(before, want)) TH_LOG("want %s", want);
	} else if (variant->setup == SET_MEMBARRIER) {
		snprintf(want, sizeof(want), " mb %d mbp 0",
			 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED |
			 MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED |
			 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE);
		EXPECT_NE(NULL, strstr(before, want)) TH_LOG("want %s", want);
	} else if (variant->setup == SET_MDWE) {
		EXPECT_NE(NULL, strstr(before, " mdwe 1 wx -13"))
			TH_LOG("want mdwe 1 wx -13 (EACCES)");
	} else if (variant->setup == SET_RT) {
		EXPECT_NE(NULL, strstr(before, "policy 2 reset 0 prio 3 nice 4 "));
		snprintf(want, sizeof(want), " cpus %s ioprio 0 ", all);
		EXPECT_NE(NULL, strstr(before, want)) TH_LOG("want %s", want);
	} else if (variant->setup == SET_IO_FLUSHER) {
		/* the other thread has none: not the restarter's either */
		EXPECT_NE(NULL, strstr(before,
			  " flusher 1 tflusher 0 mce 2 tmce 2 merge 0 "))
			TH_LOG("want flusher 1 tflusher 0");
	} else if (variant->setup == SET_MCE_KILL) {
		/* PR_MCE_KILL_EARLY 1, PR_MCE_KILL_LATE 0 */
		EXPECT_NE(NULL, strstr(before,
			  " flusher 0 tflusher 0 mce 1 tmce 0 merge 0 "))
			TH_LOG("want mce 1 tmce 0");
	} else if (variant->setup == SET_MEMORY_MERGE) {
		/* before, after and undone, then one mapped in the report */
		EXPECT_NE(NULL, strstr(before, " merge 1 mg 1 1 0 1"))
			TH_LOG("want merge 1 mg 1 1 0 1");
	}
	/* SET_OWNER: F_GETOWN is the root's pid, F_GETSIG its signal */
	snprintf(want, sizeof(want), " own %d sig %d",
		 variant->setup == SET_OWNER ? 0 : -1,
		 variant->setup == SET_OWNER ? OWNER_SIG : -1);
	EXPECT_NE(NULL, strstr(before, want)) TH_LOG("want%s", want);
	/* the defaults elsewhere (SET_RT: none of the restarter's) */
	if (variant->setup != SET_IO_FLUSHER &&
	    variant->setup != SET_MCE_KILL &&
	    variant->setup != SET_MEMORY_MERGE)
		EXPECT_NE(NULL, strstr(before,
			  " flusher 0 tflusher 0 mce 2 tmce 2 merge 0 mg -1 -1 -1 0"))
			TH_LOG("want flusher 0 tflusher 0 mce 2 tmce 2 merge 0 mg -1 -1 -1 0");
}

TEST_HARNESS_MAIN
