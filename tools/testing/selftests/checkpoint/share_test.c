// SPDX-License-Identifier: GPL-2.0
/*
 * Processes that share their parent's fd table (CLONE_FILES) or fs_struct
 * (CLONE_FS) without being its threads: the table and the fs_struct are
 * saved once and shared again after a restart, so an fd one of them opens
 * afterwards is the other's too, and a chdir() moves both. Sharing with a
 * process other than the parent is refused with EOPNOTSUPP, and the tree
 * is left as it was. Shared anonymous memory is shared again too, and so
 * are the private pages that forked processes still share copy-on-write:
 * stored once, each process still seeing exactly its own data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

/*
 * TEST_F() keeps a local across its setjmp(); with -Wextra gcc warns about
 * that in every test (as ckpt_test.h says). The harness re-reads it only
 * in the forked child, where it is not clobbered.
 */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"
#include "ck_lite.h"

#define CG		"/sys/fs/cgroup/ckpt-share"
#define IMG		"/tmp/ckpt-share.img"
#define LOG		"/tmp/ckpt-share.log"
#define REPORT		"/tmp/ckpt-share-report"
#define DIR_A		"/tmp/ckpt-share-a"
#define DIR_B		"/tmp/ckpt-share-b"
#define FILE_X		"/tmp/ckpt-share-x"
#define STACK		(256 * 1024)

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { got_usr1 = 1; }

static void wait_usr1(void)
{
	lite_wait_flag(&got_usr1, SIGUSR1);
}

/* F shares the root's fd table: after the restart it opens FILE_X. */
static int files_child(void *arg)
{
	int fd;

	lite_say(REPORT, "F %d\n", getpid());
	wait_usr1();
	fd = open(FILE_X, O_RDONLY);
	lite_say(REPORT, "F opened %d\n", fd);
	return fd >= 0 ? 0 : 1;
}

/* S shares the root's fs_struct: after the restart it moves to DIR_B. */
static int fs_child(void *arg)
{
	lite_say(REPORT, "S %d\n", getpid());
	wait_usr1();
	if (chdir(DIR_B))
		return 1;
	lite_say(REPORT, "S moved\n");
	return 0;
}

static pid_t clone_child(int (*fn)(void *), int flags)
{
	char *stack = malloc(STACK);

	if (!stack)
		return -1;
	return clone(fn, stack + STACK, flags | SIGCHLD, NULL);
}

/*
 * The root opens fd 42, makes F (CLONE_FILES) and S (CLONE_FS) and waits
 * for them; once both are done it checks that it sees F's new fd, that fd
 * 42 is still one file, and that its cwd moved with S's chdir().
 */
static void tree_root(void)
{
	char cwd[256], path[64], link[256];
	int st, ok = 1, fd, i;
	pid_t f, s;
	ssize_t n;

	lite_cg_enter(CG);
	signal(SIGUSR1, on_usr1);
	lite_block(SIGUSR1);
	if (chdir(DIR_A))
		_exit(91);
	fd = open(FILE_X, O_RDONLY);
	if (fd < 0 || dup2(fd, 42) != 42)
		_exit(92);
	close(fd);
	f = clone_child(files_child, CLONE_FILES);
	s = clone_child(fs_child, CLONE_FS);
	if (f < 0 || s < 0)
		_exit(93);
	for (i = 0; i < 2; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			ok = 0;
	/* F's open went into this table: the lowest free fd, 0..2 are ours */
	for (fd = 3; fd < 42; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			break;
		}
	}
	lite_say(REPORT, "root sees fd %d %s\n", fd < 42 ? fd : -1,
	    fd < 42 && !strcmp(link, FILE_X) ? "x" : "?");
	lite_say(REPORT, "root fd42 %s\n", fcntl(42, F_GETFD) >= 0 ? "open" : "closed");
	lite_say(REPORT, "root cwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	lite_say(REPORT, "root done %d\n", ok);
	_exit(ok ? 0 : 3);
}

FIXTURE(share) {
	int unused;
};

FIXTURE_SETUP(share)
{
	int fd;

	unlink(REPORT);
	unlink(IMG);
	rmdir(CG);
	mkdir(DIR_A, 0700);
	mkdir(DIR_B, 0700);
	fd = open(FILE_X, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
}

FIXTURE_TEARDOWN(share)
{
	lite_cg_write(CG, "cgroup.kill", "1");
	lite_cg_write(CG, "cgroup.freeze", "0");
	lite_reap_all();
	rmdir(CG);
	rmdir(DIR_A);
	rmdir(DIR_B);
	unlink(FILE_X);
	unlink(REPORT);
	unlink(IMG);
	unlink(LOG);
}

TEST_F_TIMEOUT(share, fd_table_and_fs_shared_again, 180)
{
	char rep[2048] = "";
	pid_t root, f, s, got;
	int status;

	root = fork();
	ASSERT_LE(0, root);
	if (!root)
		tree_root();
	f = lite_line_pid(REPORT, "F ", 30);
	s = lite_line_pid(REPORT, "S ", 30);
	ASSERT_TRUE(f && s);
	usleep(200000);
	got = lite_migrate(CG, root, IMG);
	ASSERT_EQ(root, got) TH_LOG("step %d: %s", got, strerror(errno));
	/* the restored processes share again what they shared */
	{
		char a[64], b[64];
		struct stat sa, sb;

		snprintf(a, sizeof(a), "/proc/%d/fd", root);
		snprintf(b, sizeof(b), "/proc/%d/fd/42", f);
		EXPECT_EQ(0, stat(b, &sb)) TH_LOG("F lacks the root's fd 42");
		EXPECT_EQ(0, stat(a, &sa));
		snprintf(a, sizeof(a), "/proc/%d/cwd", root);
		snprintf(b, sizeof(b), "/proc/%d/cwd", s);
		EXPECT_EQ(0, stat(a, &sa));
		EXPECT_EQ(0, stat(b, &sb));
		EXPECT_EQ(sa.st_ino, sb.st_ino);
	}
	EXPECT_EQ(0, kill(f, SIGUSR1));
	EXPECT_EQ(0, kill(s, SIGUSR1));
	status = lite_status(root, 60);
	lite_slurp(REPORT, rep, sizeof(rep));
	TH_LOG("tree reported:\n%s", rep);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("root status %#x", status);
	EXPECT_NE(NULL, strstr(rep, "root sees fd 3 x\n"));
	EXPECT_NE(NULL, strstr(rep, "root fd42 open\n"));
	EXPECT_NE(NULL, strstr(rep, "root cwd " DIR_B "\n"));
	EXPECT_NE(NULL, strstr(rep, "root done 1\n"));
}

/* The root makes A (CLONE_FILES) and B (CLONE_PARENT): nothing shared. */
static int sibling_child(void *arg)
{
	lite_say(REPORT, "C %d\n", getpid());
	wait_usr1();
	return 0;
}

static int sibling_maker(void *arg)
{
	char *stack = malloc(STACK);
	pid_t c;

	/* a sibling that shares this process's fd table */
	c = clone(sibling_child, stack + STACK,
		  CLONE_FILES | CLONE_PARENT, NULL);
	lite_say(REPORT, "M %d made %d\n", getpid(), c);
	wait_usr1();
	return 0;
}

static void sibling_root(void)
{
	int st, i;

	lite_cg_enter(CG);
	signal(SIGUSR1, on_usr1);
	lite_block(SIGUSR1);
	if (clone_child(sibling_maker, 0) < 0)
		_exit(93);
	for (i = 0; i < 2; i++)
		if (wait(&st) < 0)
			_exit(4);
	lite_say(REPORT, "root done\n");
	_exit(0);
}

TEST_F_TIMEOUT(share, sharing_with_a_sibling_refused, 120)
{
	char log[1024] = "", rep[1024];
	pid_t root, m, c;
	int img, logfd, status;
	long ret;

	root = fork();
	ASSERT_LE(0, root);
	if (!root)
		sibling_root();
	m = lite_line_pid(REPORT, "M ", 30);
	c = lite_line_pid(REPORT, "C ", 30);
	ASSERT_TRUE(m && c);
	usleep(200000);
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	img = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ret = ck_checkpoint_validated(root, img, CHECKPOINT_SUBTREE, logfd);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EOPNOTSUPP, errno);
	close(img);
	close(logfd);
	lite_slurp(LOG, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "fd table")) TH_LOG("log: %s", log);
	/* untouched: thawed, the tree ends normally */
	EXPECT_TRUE(lite_cg_frozen(CG, 1, 1));
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "0"));
	kill(m, SIGUSR1);
	kill(c, SIGUSR1);
	status = lite_status(root, 30);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("root status %#x", status);
	lite_slurp(REPORT, rep, sizeof(rep));
	EXPECT_NE(NULL, strstr(rep, "root done\n"));
}

/* ---- shared anonymous memory ----------------------------------------- */

#define SHM_PAGES	8

/*
 * The root maps SHM_PAGES pages MAP_SHARED | MAP_ANONYMOUS, fills them and
 * forks K, then unmaps its first two pages (its vma now starts at page 2
 * of the object). K polls the last page for a value the root writes after
 * the restart, and then writes its own into page 3 for the root to see.
 */
static void shm_root(void)
{
	volatile unsigned int *m;
	long pg = sysconf(_SC_PAGESIZE);
	int st, i, ok;
	pid_t k;

	lite_cg_enter(CG);
	signal(SIGUSR1, on_usr1);
	lite_block(SIGUSR1);
	m = mmap(NULL, SHM_PAGES * pg, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		_exit(91);
	for (i = 0; i < SHM_PAGES; i++)
		m[i * pg / 4] = 1000 + i;
	k = fork();
	if (!k) {
		volatile unsigned int *last = m + (SHM_PAGES - 1) * pg / 4;

		lite_say(REPORT, "K %d\n", getpid());
		for (i = 0; i < 3000 && *last != 42; i++)
			usleep(10000);
		m[3 * pg / 4] = 4242;
		lite_say(REPORT, "K saw %u, page 0 %u\n", *last, m[0]);
		_exit(*last == 42 ? 0 : 1);
	}
	if (munmap((void *)m, 2 * pg))
		_exit(92);
	m += 2 * pg / 4;	/* page 2 of the object */
	lite_say(REPORT, "P %d\n", getpid());
	wait_usr1();
	m[(SHM_PAGES - 3) * pg / 4] = 42;	/* the last page */
	lite_say(REPORT, "P wrote 42\n");
	if (waitpid(k, &st, 0) != k)
		_exit(93);
	ok = WIFEXITED(st) && !WEXITSTATUS(st) && m[1 * pg / 4] == 4242 &&
	     m[0] == 1002;
	lite_say(REPORT, "P sees %u %u\n", m[pg / 4], m[0]);
	_exit(ok ? 0 : 3);
}

TEST_F_TIMEOUT(share, shared_anon_memory_shared_again, 180)
{
	char rep[1024] = "";
	pid_t root, k, got;
	int status;

	root = fork();
	ASSERT_LE(0, root);
	if (!root)
		shm_root();
	k = lite_line_pid(REPORT, "K ", 30);
	ASSERT_LT(0, k);
	ASSERT_EQ(root, lite_line_pid(REPORT, "P ", 30));
	usleep(200000);
	got = lite_migrate(CG, root, IMG);
	ASSERT_EQ(root, got) TH_LOG("step %d: %s", got, strerror(errno));
	EXPECT_EQ(0, kill(root, SIGUSR1));
	status = lite_status(root, 60);
	lite_slurp(REPORT, rep, sizeof(rep));
	TH_LOG("tree reported:\n%s", rep);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("root status %#x", status);
	EXPECT_NE(NULL, strstr(rep, "K saw 42, page 0 1000\n"));
	EXPECT_NE(NULL, strstr(rep, "P sees 4242 1002\n"));
}

/*
 * A container whose init maps shared anonymous memory that the test (a
 * task outside it) maps too: a leak, EBUSY with a log line, and the
 * container is left as it was.
 */
static volatile unsigned int *leak_mem;

static int leak_init(void *arg)
{
	int fd = open("/dev/null", O_RDWR);

	/* nothing else leads outside: only the memory */
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	syscall(__NR_close_range, 3, ~0U, 0);
	lite_cg_enter(CG);
	leak_mem[1] = 1;
	while (leak_mem[0] != 7)
		usleep(10000);
	leak_mem[1] = 2;
	return 0;
}

TEST_F_TIMEOUT(share, shared_anon_memory_leak_refused, 120)
{
	char log[1024] = "";
	int img, logfd, status, i;
	char *stack = malloc(STACK);
	pid_t init;
	long ret;

	ASSERT_NE(NULL, stack);
	leak_mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, leak_mem);
	init = clone(leak_init, stack + STACK, CLONE_NEWPID | SIGCHLD, NULL);
	ASSERT_LT(0, init);
	for (i = 0; i < 1500 && leak_mem[1] != 1; i++)
		usleep(20000);
	ASSERT_EQ(1U, leak_mem[1]);
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(CG, 1, 30));
	img = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ret = ck_checkpoint_validated(init, img, 0, logfd);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBUSY, errno);
	close(img);
	close(logfd);
	lite_slurp(LOG, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "leak")) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "dev/zero")) TH_LOG("log: %s", log);
	/* untouched: thawed, it still shares the memory with the test */
	ASSERT_EQ(0, lite_cg_write(CG, "cgroup.freeze", "0"));
	leak_mem[0] = 7;
	status = lite_status(init, 30);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(2U, leak_mem[1]);
	munmap((void *)leak_mem, 4096);
	free(stack);
}

/* ---- private memory shared copy-on-write after fork() ----------------- */

/*
 * A forking server's workers share their parent's pages copy-on-write
 * until they write them. A child's private vma that fork() copied from its
 * parent's, with pages that are still the parent's, is saved once (in the
 * parent's part of the image) and the restart makes the child's mm a
 * fork-like copy of the restored parent's: the pages are shared again. A
 * page a process wrote, dropped or mapped afresh since the fork is its
 * own, as before, and nothing else of the parent's shows through it.
 *
 * Each process of these trees knows what it must see: a view, a list of
 * segments of its buffers, each with the pattern of a seed (0: zeros,
 * SEG_HOLE: not mapped at all). It checks its view before the checkpoint
 * ("<name> p0 ok"), says "pid <name> <pid> at <buffer>" and waits; after
 * the restart the test sends SIGUSR1 to start each phase, and each process
 * reports "<name> p<phase> ok" or "<name> p<phase> bad: <where>" to REPORT.
 * The restored processes have the pids they had (the test checks their
 * parents), and the test moves them into CG, so that the teardown's
 * cgroup.kill ends them if a check failed; each also dies with its parent
 * (fork_kid()), for an ASSERT that leaves the test without its teardown.
 *
 * The buffers get MADV_NOHUGEPAGE: the test kernel has THP in madvise
 * mode, and a huge page would make the smaps numbers depend on how fork()
 * and the writes split it; with base pages, Pss and Shared_Dirty count
 * exactly the pages the processes share. Each buffer has a PROT_NONE page
 * on either side, so that it is a vma of its own that never merges with
 * its neighbours.
 */
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK		18
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define PG		4096L		/* x86-64 */
#define MIB		(1L << 20)
#define SEG_HOLE	(~0ULL)
#define NSEG(v)		((int)(sizeof(v) / sizeof((v)[0])))

struct seg {
	char *buf;
	long from, to;			/* bytes of @buf */
	unsigned long long seed;	/* 0: zeros, SEG_HOLE: not mapped */
};

/* The 64-bit word at byte @off of a buffer filled with @seed */
static uint64_t pat(unsigned long long seed, long off)
{
	uint64_t x;

	if (!seed)
		return 0;
	x = ((uint64_t)off + 1) * 0x9e3779b97f4a7c15ULL ^
	    seed * 0xd6e8feb86659fd93ULL;
	return x ^ x >> 29;
}

static void fill(char *buf, long from, long to, unsigned long long seed)
{
	long off;

	for (off = from; off < to; off += 8)
		*(uint64_t *)(buf + off) = pat(seed, off);
}

/* Make the memory what @v says (its holes are left alone) */
static void fill_view(const struct seg *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].seed != SEG_HOLE)
			fill(v[i].buf, v[i].from, v[i].to, v[i].seed);
}

/* NULL if the memory is what @v says, else where it is not */
static const char *check(const struct seg *v, int n)
{
	static char err[200];
	const struct seg *s;
	long off, start;
	int i;

	for (i = 0; i < n; i++) {
		s = &v[i];
		if (s->seed == SEG_HOLE) {
			for (off = s->from; off < s->to; off += PG) {
				if (msync(s->buf + off, PG, MS_ASYNC) &&
				    errno == ENOMEM)
					continue;
				snprintf(err, sizeof(err),
					 "%p+%#lx: mapped, expected a hole",
					 s->buf, off);
				return err;
			}
			continue;
		}
		start = s->from & ~(PG - 1);
		if (msync(s->buf + start, s->to - start, MS_ASYNC)) {
			snprintf(err, sizeof(err), "%p+%#lx-%#lx: not mapped (%s)",
				 s->buf, s->from, s->to, strerror(errno));
			return err;
		}
		for (off = s->from; off < s->to; off += 8) {
			uint64_t got = *(uint64_t *)(s->buf + off);

			if (got == pat(s->seed, off))
				continue;
			snprintf(err, sizeof(err),
				 "%p+%#lx: %#llx, expected %#llx (seed %llu)",
				 s->buf, off, (unsigned long long)got,
				 (unsigned long long)pat(s->seed, off), s->seed);
			return err;
		}
	}
	return NULL;
}

/* "<name> p<phase> ok" or "... bad: <err>"; true for ok */
static bool say_phase(const char *name, int phase, const char *err)
{
	if (err)
		lite_say(REPORT, "%s p%d bad: %s\n", name, phase, err);
	else
		lite_say(REPORT, "%s p%d ok\n", name, phase);
	return !err;
}

/* The process @name checks @v, says where it is, and waits for phase 1 */
static void ready(const char *name, const struct seg *v, int n, void *at)
{
	say_phase(name, 0, check(v, n));
	lite_say(REPORT, "pid %s %d at %lx\n", name, getpid(),
		 (unsigned long)at);
}

static void next_phase(void)
{
	wait_usr1();
	got_usr1 = 0;
}

/* The root of a tree: in CG, SIGUSR1 blocked but for next_phase() */
static void tree_start(void)
{
	lite_cg_enter(CG);
	signal(SIGUSR1, on_usr1);
	lite_block(SIGUSR1);
}

/* @pages of private anonymous memory, a vma of its own (see above) */
static char *map_guarded(long pages)
{
	char *m = mmap(NULL, (pages + 2) * PG, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED ||
	    mprotect(m + PG, pages * PG, PROT_READ | PROT_WRITE) ||
	    madvise(m + PG, pages * PG, MADV_NOHUGEPAGE))
		_exit(91);
	return m + PG;
}

/* Fresh private anonymous memory at @at, as map_guarded() makes it */
static void map_fresh(char *at, long pages, int how)
{
	if (mmap(at, pages * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | how, -1, 0) != at ||
	    madvise(at, pages * PG, MADV_NOHUGEPAGE))
		_exit(95);
}

/*
 * fork() for the trees and the test: the child dies with its parent. An
 * ASSERT of the test leaves it by abort(), without the teardown (the
 * harness's "child" is clobbered by its longjmp() here), and the tree,
 * restored or not, goes with it. The restart keeps the parent-death
 * signal.
 */
static pid_t fork_kid(void)
{
	pid_t parent = getpid(), pid = fork();

	if (!pid && (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent))
		_exit(96);
	return pid;
}

/* Wait for the children @pids (0 ends): true if each exited 0 */
static bool reap_ok(const pid_t *pids)
{
	bool ok = true;
	int st;

	for (; *pids; pids++)
		if (waitpid(*pids, &st, 0) != *pids || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			ok = false;
	return ok;
}

/*
 * After the restart: 1, check @v1, what the process had; 2, write @v2
 * over it and check that; 3, once every process of the tree wrote its
 * own, check @v2 again: no write reached another process's memory.
 */
static bool three_phases(const char *name, const struct seg *v1, int n1,
			 const struct seg *v2, int n2)
{
	bool ok;

	next_phase();
	ok = say_phase(name, 1, check(v1, n1));
	next_phase();
	fill_view(v2, n2);
	ok &= say_phase(name, 2, check(v2, n2));
	next_phase();
	ok &= say_phase(name, 3, check(v2, n2));
	return ok;
}

/* ---- the test's side ---- */

/* The line of @rep that starts with @prefix, or NULL */
static const char *find_line(const char *rep, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *l;

	for (l = rep; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, prefix, n))
			return l;
	return NULL;
}

/* The line of REPORT that starts with @prefix, waiting up to @secs */
static const char *wait_line(const char *prefix, int secs)
{
	static char rep[16384];
	const char *l;
	int i;

	for (i = 0; i < secs * 50; i++) {
		if (lite_slurp(REPORT, rep, sizeof(rep)) > 0) {
			l = find_line(rep, prefix);
			if (l)
				return l;
		}
		usleep(20000);
	}
	return NULL;
}

/* The pid and buffer address in the "pid <name> <pid> at <addr>" line */
static pid_t wait_pid(const char *name, unsigned long *at)
{
	char prefix[32];
	const char *l;
	int pid;

	snprintf(prefix, sizeof(prefix), "pid %s ", name);
	l = wait_line(prefix, 30);
	if (!l || sscanf(l + strlen(prefix), "%d at %lx", &pid, at) != 2)
		return 0;
	return pid;
}

static void go(const pid_t *pids)
{
	for (; *pids; pids++)
		kill(*pids, SIGUSR1);
}

/*
 * Wait for the "<name> p<phase> " line of each of @names (NULL ends):
 * how many are not "ok", or -1 when one never came.
 */
static int expect_phase(struct __test_metadata *_metadata, int phase,
			const char *const *names)
{
	char prefix[32];
	const char *l;
	int bad = 0;

	for (; *names; names++) {
		snprintf(prefix, sizeof(prefix), "%s p%d ", *names, phase);
		l = wait_line(prefix, 30);
		if (!l) {
			TH_LOG("no \"%s\" line", prefix);
			return -1;
		}
		if (strncmp(l + strlen(prefix), "ok\n", 3)) {
			TH_LOG("%.*s", (int)strcspn(l, "\n"), l);
			bad++;
		}
	}
	return bad;
}

/* Phases 1 to @last: SIGUSR1 to @p, then every "ok" of @names */
static bool run_phases(struct __test_metadata *_metadata, const pid_t *p,
		       const char *const *names, int last)
{
	int phase, bad;

	for (phase = 1; phase <= last; phase++) {
		go(p);
		bad = expect_phase(_metadata, phase, names);
		if (bad < 0)
			return false;
		EXPECT_EQ(0, bad) TH_LOG("phase %d", phase);
	}
	return true;
}

/*
 * The restored process @pid (the pid it had) is the child of @ppid (if
 * not 0): move it into CG, where the teardown ends it.
 */
static bool adopt(pid_t pid, pid_t ppid)
{
	char path[64], buf[4096], *l;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (lite_slurp(path, buf, sizeof(buf)) <= 0)
		return false;
	l = strstr(buf, "\nPPid:");
	if (ppid && (!l || atoi(l + 6) != ppid))
		return false;
	snprintf(buf, sizeof(buf), "%d", pid);
	return !lite_cg_write(CG, "cgroup.procs", buf);
}

/*
 * The kB of @field ("Pss:") that /proc/@pid/@file ("smaps",
 * "smaps_rollup") shows, summed over the vmas that overlap [@lo, @hi);
 * -1 if it cannot be read.
 */
static long proc_kb(pid_t pid, const char *file, unsigned long lo,
		    unsigned long hi, const char *field)
{
	char path[64], line[1024], *sp, *colon;
	unsigned long s, e;
	bool in = false;
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		sp = strchr(line, ' ');
		colon = strchr(line, ':');
		if (sp && (!colon || colon > sp)) {	/* a vma's first line */
			in = sscanf(line, "%lx-%lx", &s, &e) == 2 &&
			     s < hi && e > lo;
			continue;
		}
		if (in && !strncmp(line, field, strlen(field)))
			kb += strtol(line + strlen(field), NULL, 10);
	}
	fclose(f);
	return kb;
}

/*
 * The Pss of the processes @p (0 ends), summed, and each one's
 * Shared_Dirty in [@buf, @buf + @len) in @shared; -1 if unreadable.
 */
static long tree_pss(const pid_t *p, unsigned long buf, long len,
		     long *shared)
{
	long sum = 0, kb;
	int i;

	for (i = 0; p[i]; i++) {
		kb = proc_kb(p[i], "smaps_rollup", 0, ~0UL, "Pss:");
		if (kb < 0)
			return -1;
		sum += kb;
		shared[i] = proc_kb(p[i], "smaps", buf, buf + len,
				    "Shared_Dirty:");
	}
	return sum;
}

/* Does @name share @min kB of its buffer or more (@kb, @when)? */
static bool shares(struct __test_metadata *_metadata, const char *name,
		   long kb, long min, const char *when)
{
	if (kb >= min)
		return true;
	TH_LOG("%s shares %ld kB of its buffer %s (Shared_Dirty, -1: unreadable), %ld kB expected",
	       name, kb, when, min);
	return false;
}

/* The end: the root reaped its children, said @done and exited 0 */
static void expect_done(struct __test_metadata *_metadata, pid_t root,
			const char *done)
{
	static char rep[16384];
	int status = lite_status(root, 60);

	lite_slurp(REPORT, rep, sizeof(rep));
	TH_LOG("tree reported:\n%s", rep);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("root status %#x", status);
	EXPECT_NE(NULL, find_line(rep, done)) TH_LOG("no \"%s\" line", done);
}

/* Checkpoint the tree, restart it, take the restored processes in */
static bool migrate_tree(struct __test_metadata *_metadata, const pid_t *p,
			 const pid_t *parents)
{
	pid_t got;
	int i;

	got = lite_migrate(CG, p[0], IMG);
	EXPECT_EQ(p[0], got) TH_LOG("step %d: %s", got, strerror(errno));
	if (got != p[0])
		return false;
	for (i = 0; p[i]; i++)
		if (!adopt(p[i], parents[i])) {
			TH_LOG("pid %d is not back as the child of %d",
			       p[i], parents[i]);
			return false;
		}
	return true;
}

/* ---- a forking server's workers ---- */

/*
 * The root fills a 16 MiB buffer and forks 4 workers, which only read it
 * but for one page each (worker k's at k MiB, with its own pattern). Taken
 * together they use a little more than 16 MiB, and so must they after a
 * restart: each worker shares 12 MiB or more of the buffer, dirty, and the
 * image holds the buffer once. Then worker 1 writes all its buffer: it
 * sees its new data, the others what they saw.
 */
#define SRV_BUF		(16 * MIB)
#define SRV_WORKERS	4
#define SRV_SHARED_KB	(12 * 1024)	/* a worker's Shared_Dirty, at least */

static void __attribute__((noreturn)) srv_worker(char *buf, int k)
{
	const struct seg mine[] = {
		{ buf, 0, k * MIB, 1 },
		{ buf, k * MIB, k * MIB + PG, 100 + k },
		{ buf, k * MIB + PG, SRV_BUF, 1 },
	};
	const struct seg rewritten[] = { { buf, 0, SRV_BUF, 2 } };
	char name[8];
	bool ok;

	snprintf(name, sizeof(name), "W%d", k);
	fill(buf, k * MIB, k * MIB + PG, 100 + k);
	ready(name, mine, NSEG(mine), buf);
	next_phase();
	ok = say_phase(name, 1, check(mine, NSEG(mine)));
	next_phase();
	if (k == 1) {
		fill_view(rewritten, NSEG(rewritten));
		ok &= say_phase(name, 2, check(rewritten, NSEG(rewritten)));
	} else {
		ok &= say_phase(name, 2, check(mine, NSEG(mine)));
	}
	_exit(ok ? 0 : 1);
}

static void __attribute__((noreturn)) srv_root(void)
{
	pid_t w[SRV_WORKERS + 1] = { 0 };
	char *buf;
	bool ok;
	int k;

	tree_start();
	buf = map_guarded(SRV_BUF / PG);
	{
		const struct seg all[] = { { buf, 0, SRV_BUF, 1 } };

		fill_view(all, NSEG(all));
		for (k = 1; k <= SRV_WORKERS; k++) {
			w[k - 1] = fork_kid();
			if (w[k - 1] < 0)
				_exit(93);
			if (!w[k - 1])
				srv_worker(buf, k);
		}
		ready("R", all, NSEG(all), buf);
		next_phase();
		ok = say_phase("R", 1, check(all, NSEG(all)));
		/* after worker 1 wrote its copy */
		next_phase();
		ok &= say_phase("R", 2, check(all, NSEG(all)));
	}
	ok &= reap_ok(w);
	lite_say(REPORT, "R done %d\n", ok);
	_exit(ok ? 0 : 3);
}

TEST_F_TIMEOUT(share, forked_workers_share_pages_again, 180)
{
	static const char *const names[] = { "R", "W1", "W2", "W3", "W4", NULL };
	long pss[2], shared[2][SRV_WORKERS + 1];
	pid_t p[SRV_WORKERS + 2] = { 0 }, parents[SRV_WORKERS + 2] = { 0 };
	unsigned long buf = 0, at;
	struct stat st;
	int i, bad;

	p[0] = fork_kid();
	ASSERT_LE(0, p[0]);
	if (!p[0])
		srv_root();
	ASSERT_EQ(0, expect_phase(_metadata, 0, names));
	ASSERT_EQ(p[0], wait_pid("R", &buf));
	for (i = 1; names[i]; i++) {
		p[i] = wait_pid(names[i], &at);
		ASSERT_LT(0, p[i]) TH_LOG("no pid line of %s", names[i]);
		parents[i] = p[0];
	}
	usleep(200000);

	pss[0] = tree_pss(p, buf, SRV_BUF, shared[0]);
	ASSERT_LT(0, pss[0]);
	for (i = 1; i <= SRV_WORKERS; i++)
		ASSERT_TRUE(shares(_metadata, names[i], shared[0][i],
				   SRV_SHARED_KB, "before the checkpoint"));

	ASSERT_TRUE(migrate_tree(_metadata, p, parents));
	ASSERT_EQ(0, stat(IMG, &st));
	pss[1] = tree_pss(p, buf, SRV_BUF, shared[1]);
	TH_LOG("Pss of the tree: %ld kB before the checkpoint, %ld kB after the restart; image %lld kB",
	       pss[0], pss[1], (long long)st.st_size / 1024);
	for (i = 1; i <= SRV_WORKERS; i++)
		TH_LOG("%s shares %ld kB of the buffer before, %ld kB after",
		       names[i], shared[0][i], shared[1][i]);
	/* the buffer once in the image: 5 x 16 MiB without the sharing */
	EXPECT_GT(2 * SRV_BUF, (long)st.st_size)
		TH_LOG("an image of %lld bytes for a %ld byte buffer",
		       (long long)st.st_size, SRV_BUF);
	EXPECT_LT(0, pss[1]);
	EXPECT_GT(2 * SRV_BUF / 1024, pss[1]);
	EXPECT_GE(pss[0] / 4, labs(pss[1] - pss[0]))
		TH_LOG("Pss %ld kB after the restart, %ld kB before", pss[1],
		       pss[0]);
	for (i = 1; i <= SRV_WORKERS; i++)
		EXPECT_TRUE(shares(_metadata, names[i], shared[1][i],
				   SRV_SHARED_KB, "after the restart"));

	/* each sees its own data */
	go(p);
	bad = expect_phase(_metadata, 1, names);
	ASSERT_LE(0, bad);
	EXPECT_EQ(0, bad);
	/* worker 1 writes its copy, then the others look again */
	go((pid_t[]){ p[1], 0 });
	bad = expect_phase(_metadata, 2, (const char *const[]){ "W1", NULL });
	ASSERT_LE(0, bad);
	EXPECT_EQ(0, bad);
	go((pid_t[]){ p[0], p[2], p[3], p[4], 0 });
	bad = expect_phase(_metadata, 2,
			   (const char *const[]){ "R", "W2", "W3", "W4", NULL });
	ASSERT_LE(0, bad);
	EXPECT_EQ(0, bad);
	expect_done(_metadata, p[0], "R done 1");
}

/* ---- pages written after the fork ---- */

/*
 * After the fork the parent writes the first half of the buffer and one
 * word of page 400, and drops pages 496-511 (MADV_DONTNEED); the child
 * writes pages 128-383 and drops pages 480-495. Each has pages that were
 * the same page before: the restart gives each exactly its own view.
 */
#define OWN_PAGES	512

static void __attribute__((noreturn)) own_child(char *buf)
{
	const struct seg v1[] = {
		{ buf, 0, 128 * PG, 11 },
		{ buf, 128 * PG, 384 * PG, 13 },
		{ buf, 384 * PG, 480 * PG, 11 },
		{ buf, 480 * PG, 496 * PG, 0 },
		{ buf, 496 * PG, OWN_PAGES * PG, 11 },
	};
	const struct seg v2[] = { { buf, 0, OWN_PAGES * PG, 15 } };

	fill(buf, 128 * PG, 384 * PG, 13);
	if (madvise(buf + 480 * PG, 16 * PG, MADV_DONTNEED))
		_exit(94);
	ready("C", v1, NSEG(v1), buf);
	_exit(three_phases("C", v1, NSEG(v1), v2, NSEG(v2)) ? 0 : 1);
}

static void __attribute__((noreturn)) own_root(void)
{
	pid_t c[2] = { 0 };
	char *buf;
	bool ok;

	tree_start();
	buf = map_guarded(OWN_PAGES);
	fill(buf, 0, OWN_PAGES * PG, 11);
	c[0] = fork_kid();
	if (c[0] < 0)
		_exit(93);
	if (!c[0])
		own_child(buf);
	{
		const struct seg v1[] = {
			{ buf, 0, 256 * PG, 12 },
			{ buf, 256 * PG, 400 * PG, 11 },
			{ buf, 400 * PG, 400 * PG + 8, 12 },
			{ buf, 400 * PG + 8, 496 * PG, 11 },
			{ buf, 496 * PG, OWN_PAGES * PG, 0 },
		};
		const struct seg v2[] = { { buf, 0, OWN_PAGES * PG, 14 } };

		fill(buf, 0, 256 * PG, 12);
		fill(buf, 400 * PG, 400 * PG + 8, 12);
		if (madvise(buf + 496 * PG, 16 * PG, MADV_DONTNEED))
			_exit(94);
		ready("P", v1, NSEG(v1), buf);
		ok = three_phases("P", v1, NSEG(v1), v2, NSEG(v2));
	}
	ok &= reap_ok(c);
	lite_say(REPORT, "P done %d\n", ok);
	_exit(ok ? 0 : 3);
}

/*
 * A parent P (@root) and the child C it forks: both report, the tree is
 * checkpointed, killed and restarted, then each runs its three phases.
 */
static void run_pair(struct __test_metadata *_metadata,
		     void (*root)(void))
{
	static const char *const names[] = { "P", "C", NULL };
	pid_t p[3] = { 0 }, parents[3] = { 0 };
	unsigned long at;

	p[0] = fork_kid();
	ASSERT_LE(0, p[0]);
	if (!p[0])
		root();
	ASSERT_EQ(0, expect_phase(_metadata, 0, names));
	ASSERT_EQ(p[0], wait_pid("P", &at));
	p[1] = wait_pid("C", &at);
	ASSERT_LT(0, p[1]);
	parents[1] = p[0];
	usleep(200000);
	ASSERT_TRUE(migrate_tree(_metadata, p, parents));
	ASSERT_TRUE(run_phases(_metadata, p, names, 3));
	expect_done(_metadata, p[0], "P done 1");
}

TEST_F_TIMEOUT(share, forked_child_own_pages_not_shared, 180)
{
	run_pair(_metadata, own_root);
}

/* ---- memory unmapped and mapped afresh after the fork ---- */

/*
 * Two buffers, X (32 pages) and Y (64). The child replaces all of X by
 * fresh memory of the same shape (same range, protection and advice as
 * the parent's X, none of its pages) and writes its first half; in Y it
 * munmaps pages 16-31 and maps fresh memory there, writing pages 16-23,
 * and maps fresh memory over pages 4-7 (MAP_FIXED, no munmap). None of
 * the fresh memory may show the parent's data after the restart. The
 * parent munmaps pages 40-55 of Y, which the child keeps, with the data
 * it had.
 */
#define RM_X		32
#define RM_Y		64

static void __attribute__((noreturn)) remap_child(char *x, char *y)
{
	const struct seg v1[] = {
		{ x, 0, 16 * PG, 33 },
		{ x, 16 * PG, RM_X * PG, 0 },
		{ y, 0, 4 * PG, 32 },
		{ y, 4 * PG, 8 * PG, 0 },
		{ y, 8 * PG, 16 * PG, 32 },
		{ y, 16 * PG, 24 * PG, 34 },
		{ y, 24 * PG, 32 * PG, 0 },
		{ y, 32 * PG, RM_Y * PG, 32 },
	};
	const struct seg v2[] = {
		{ x, 0, RM_X * PG, 36 },
		{ y, 0, RM_Y * PG, 36 },
	};

	map_fresh(x, RM_X, MAP_FIXED);
	fill(x, 0, 16 * PG, 33);
	if (munmap(y + 16 * PG, 16 * PG))
		_exit(94);
	map_fresh(y + 16 * PG, 16, MAP_FIXED_NOREPLACE);
	fill(y, 16 * PG, 24 * PG, 34);
	map_fresh(y + 4 * PG, 4, MAP_FIXED);
	ready("C", v1, NSEG(v1), x);
	_exit(three_phases("C", v1, NSEG(v1), v2, NSEG(v2)) ? 0 : 1);
}

static void __attribute__((noreturn)) remap_root(void)
{
	pid_t c[2] = { 0 };
	char *x, *y;
	bool ok;

	tree_start();
	x = map_guarded(RM_X);
	y = map_guarded(RM_Y);
	fill(x, 0, RM_X * PG, 31);
	fill(y, 0, RM_Y * PG, 32);
	c[0] = fork_kid();
	if (c[0] < 0)
		_exit(93);
	if (!c[0])
		remap_child(x, y);
	{
		const struct seg v1[] = {
			{ x, 0, RM_X * PG, 31 },
			{ y, 0, 40 * PG, 32 },
			{ y, 40 * PG, 56 * PG, SEG_HOLE },
			{ y, 56 * PG, RM_Y * PG, 32 },
		};
		const struct seg v2[] = {
			{ x, 0, RM_X * PG, 35 },
			{ y, 0, 40 * PG, 35 },
			{ y, 40 * PG, 56 * PG, SEG_HOLE },
			{ y, 56 * PG, RM_Y * PG, 35 },
		};

		if (munmap(y + 40 * PG, 16 * PG))
			_exit(94);
		ready("P", v1, NSEG(v1), x);
		ok = three_phases("P", v1, NSEG(v1), v2, NSEG(v2));
	}
	ok &= reap_ok(c);
	lite_say(REPORT, "P done %d\n", ok);
	_exit(ok ? 0 : 3);
}

TEST_F_TIMEOUT(share, forked_child_after_munmap_and_remap, 180)
{
	run_pair(_metadata, remap_root);
}

/* ---- MADV_DONTFORK and MADV_WIPEONFORK ---- */

/*
 * The parent has N (16 pages, plain), W (8 pages, MADV_WIPEONFORK) and D
 * (8 pages, MADV_DONTFORK), all filled. The child finds W empty and no D
 * (checked before the checkpoint); it writes a page of N, pages 0-1 of W,
 * and maps its own memory where D is, writing pages 0-3 of it. After the
 * restart each sees what it saw (1); a child each of them forks then
 * still finds W empty and, the parent's, no D (2): the advice is each
 * one's as it was; each writes its all memory (2) and finds only its own
 * data afterwards (3, 4).
 */
#define DF_N		16
#define DF_W		8
#define DF_D		8

/* In a child of @name's: check @v, "<name>P p2 ok"; NULL if it was ok */
static const char *probe(const char *name, const struct seg *v, int n)
{
	char pname[8];
	pid_t pid;
	int st;

	snprintf(pname, sizeof(pname), "%sP", name);
	pid = fork_kid();
	if (pid < 0)
		return "fork failed";
	if (!pid)
		_exit(say_phase(pname, 2, check(v, n)) ? 0 : 1);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return "its child saw something else";
	return NULL;
}

static bool df_phases(const char *name, const struct seg *v1, int n1,
		      const struct seg *vp, int np, const struct seg *v2,
		      int n2)
{
	bool ok;

	next_phase();
	ok = say_phase(name, 1, check(v1, n1));
	next_phase();
	ok &= say_phase(name, 2, probe(name, vp, np));
	next_phase();
	fill_view(v2, n2);
	ok &= say_phase(name, 3, check(v2, n2));
	next_phase();
	ok &= say_phase(name, 4, check(v2, n2));
	return ok;
}

static void __attribute__((noreturn)) df_child(char *nb, char *w, char *d)
{
	const struct seg at_fork[] = {
		{ nb, 0, DF_N * PG, 41 },
		{ w, 0, DF_W * PG, 0 },
		{ d, 0, DF_D * PG, SEG_HOLE },
	};
	const struct seg v1[] = {
		{ nb, 0, 3 * PG, 41 },
		{ nb, 3 * PG, 4 * PG, 44 },
		{ nb, 4 * PG, DF_N * PG, 41 },
		{ w, 0, 2 * PG, 45 },
		{ w, 2 * PG, DF_W * PG, 0 },
		{ d, 0, 4 * PG, 46 },
		{ d, 4 * PG, DF_D * PG, 0 },
	};
	const struct seg vp[] = {
		{ nb, 0, 3 * PG, 41 },
		{ nb, 3 * PG, 4 * PG, 44 },
		{ nb, 4 * PG, DF_N * PG, 41 },
		{ w, 0, DF_W * PG, 0 },
		{ d, 0, 4 * PG, 46 },
		{ d, 4 * PG, DF_D * PG, 0 },
	};
	const struct seg v2[] = {
		{ nb, 0, DF_N * PG, 48 },
		{ w, 0, DF_W * PG, 48 },
		{ d, 0, DF_D * PG, 48 },
	};
	const char *err = check(at_fork, NSEG(at_fork));

	if (err) {
		say_phase("C", 0, err);
		_exit(1);
	}
	fill(nb, 3 * PG, 4 * PG, 44);
	fill(w, 0, 2 * PG, 45);
	map_fresh(d, DF_D, MAP_FIXED_NOREPLACE);
	fill(d, 0, 4 * PG, 46);
	ready("C", v1, NSEG(v1), d);
	_exit(df_phases("C", v1, NSEG(v1), vp, NSEG(vp), v2, NSEG(v2)) ?
	      0 : 1);
}

static void __attribute__((noreturn)) df_root(void)
{
	pid_t c[2] = { 0 };
	char *nb, *w, *d;
	bool ok;

	tree_start();
	nb = map_guarded(DF_N);
	w = map_guarded(DF_W);
	d = map_guarded(DF_D);
	fill(nb, 0, DF_N * PG, 41);
	fill(w, 0, DF_W * PG, 42);
	fill(d, 0, DF_D * PG, 43);
	if (madvise(w, DF_W * PG, MADV_WIPEONFORK) ||
	    madvise(d, DF_D * PG, MADV_DONTFORK))
		_exit(94);
	c[0] = fork_kid();
	if (c[0] < 0)
		_exit(93);
	if (!c[0])
		df_child(nb, w, d);
	{
		const struct seg v1[] = {
			{ nb, 0, DF_N * PG, 41 },
			{ w, 0, DF_W * PG, 42 },
			{ d, 0, DF_D * PG, 43 },
		};
		const struct seg vp[] = {
			{ nb, 0, DF_N * PG, 41 },
			{ w, 0, DF_W * PG, 0 },
			{ d, 0, DF_D * PG, SEG_HOLE },
		};
		const struct seg v2[] = {
			{ nb, 0, DF_N * PG, 47 },
			{ w, 0, DF_W * PG, 47 },
			{ d, 0, DF_D * PG, 47 },
		};

		ready("P", v1, NSEG(v1), d);
		ok = df_phases("P", v1, NSEG(v1), vp, NSEG(vp), v2, NSEG(v2));
	}
	ok &= reap_ok(c);
	lite_say(REPORT, "P done %d\n", ok);
	_exit(ok ? 0 : 3);
}

TEST_F_TIMEOUT(share, forked_dontfork_and_wipeonfork, 180)
{
	static const char *const names[] = { "P", "C", NULL };
	pid_t p[3] = { 0 }, parents[3] = { 0 };
	unsigned long at;
	int phase, bad;

	p[0] = fork_kid();
	ASSERT_LE(0, p[0]);
	if (!p[0])
		df_root();
	ASSERT_EQ(0, expect_phase(_metadata, 0, names));
	ASSERT_EQ(p[0], wait_pid("P", &at));
	p[1] = wait_pid("C", &at);
	ASSERT_LT(0, p[1]);
	parents[1] = p[0];
	usleep(200000);
	ASSERT_TRUE(migrate_tree(_metadata, p, parents));
	for (phase = 1; phase <= 4; phase++) {
		go(p);
		bad = expect_phase(_metadata, phase, names);
		ASSERT_LE(0, bad);
		EXPECT_EQ(0, bad) TH_LOG("phase %d", phase);
		if (phase != 2)
			continue;
		bad = expect_phase(_metadata, 2,
				   (const char *const[]){ "PP", "CP", NULL });
		ASSERT_LE(0, bad);
		EXPECT_EQ(0, bad) TH_LOG("the children of the restored processes");
	}
	expect_done(_metadata, p[0], "P done 1");
}

/* ---- a grandchild ---- */

/*
 * The root R fills a 4 MiB buffer and forks W, which forks G and then
 * writes pages 0-127; G writes pages 512-575. G's pages 0-127 are still
 * R's, no longer its parent's: a grandchild shares with its parent only,
 * so they are G's own in the image. After the restart W and G share again
 * the pages they shared, G sees R's data in pages 0-127, and the image
 * does not hold the buffer three times.
 */
#define GC_PAGES	1024
#define GC_BUF		(GC_PAGES * PG)

static void __attribute__((noreturn)) gc_grandchild(char *buf)
{
	const struct seg v1[] = {
		{ buf, 0, 512 * PG, 21 },
		{ buf, 512 * PG, 576 * PG, 23 },
		{ buf, 576 * PG, GC_BUF, 21 },
	};
	const struct seg v2[] = { { buf, 0, GC_BUF, 26 } };

	fill(buf, 512 * PG, 576 * PG, 23);
	ready("G", v1, NSEG(v1), buf);
	_exit(three_phases("G", v1, NSEG(v1), v2, NSEG(v2)) ? 0 : 1);
}

static void __attribute__((noreturn)) gc_child(char *buf)
{
	const struct seg v1[] = {
		{ buf, 0, 128 * PG, 22 },
		{ buf, 128 * PG, GC_BUF, 21 },
	};
	const struct seg v2[] = { { buf, 0, GC_BUF, 25 } };
	pid_t g[2] = { 0 };
	bool ok;

	g[0] = fork_kid();
	if (g[0] < 0)
		_exit(93);
	if (!g[0])
		gc_grandchild(buf);
	fill(buf, 0, 128 * PG, 22);
	ready("W", v1, NSEG(v1), buf);
	ok = three_phases("W", v1, NSEG(v1), v2, NSEG(v2));
	ok &= reap_ok(g);
	_exit(ok ? 0 : 1);
}

static void __attribute__((noreturn)) gc_root(void)
{
	pid_t c[2] = { 0 };
	char *buf;
	bool ok;

	tree_start();
	buf = map_guarded(GC_PAGES);
	fill(buf, 0, GC_BUF, 21);
	c[0] = fork_kid();
	if (c[0] < 0)
		_exit(93);
	if (!c[0])
		gc_child(buf);
	{
		const struct seg v1[] = { { buf, 0, GC_BUF, 21 } };
		const struct seg v2[] = { { buf, 0, GC_BUF, 24 } };

		ready("R", v1, NSEG(v1), buf);
		ok = three_phases("R", v1, NSEG(v1), v2, NSEG(v2));
	}
	ok &= reap_ok(c);
	lite_say(REPORT, "R done %d\n", ok);
	_exit(ok ? 0 : 3);
}

TEST_F_TIMEOUT(share, forked_grandchild_shares_with_its_parent, 180)
{
	static const char *const names[] = { "R", "W", "G", NULL };
	pid_t p[4] = { 0 }, parents[4] = { 0 };
	long shared[2][3];
	unsigned long buf = 0, at;
	struct stat st;
	int i;

	p[0] = fork_kid();
	ASSERT_LE(0, p[0]);
	if (!p[0])
		gc_root();
	ASSERT_EQ(0, expect_phase(_metadata, 0, names));
	ASSERT_EQ(p[0], wait_pid("R", &buf));
	p[1] = wait_pid("W", &at);
	p[2] = wait_pid("G", &at);
	ASSERT_TRUE(p[1] > 0 && p[2] > 0);
	parents[1] = p[0];
	parents[2] = p[1];
	usleep(200000);
	ASSERT_LT(0, tree_pss(p, buf, GC_BUF, shared[0]));
	for (i = 1; i < 3; i++)
		ASSERT_TRUE(shares(_metadata, names[i], shared[0][i],
				   GC_BUF / 2 / 1024, "before the checkpoint"));
	ASSERT_TRUE(migrate_tree(_metadata, p, parents));
	ASSERT_EQ(0, stat(IMG, &st));
	EXPECT_LT(0, tree_pss(p, buf, GC_BUF, shared[1]));
	TH_LOG("image %lld kB; W shares %ld kB of the buffer before, %ld kB after; G %ld kB, %ld kB",
	       (long long)st.st_size / 1024, shared[0][1], shared[1][1],
	       shared[0][2], shared[1][2]);
	/* R's 4 MiB, W's 0.5 MiB, G's 0.75 MiB: 12 MiB without sharing */
	EXPECT_GT(2 * GC_BUF, (long)st.st_size);
	/* W shares 3 MiB with R and G, G 2.75 MiB with W and R */
	for (i = 1; i < 3; i++)
		EXPECT_TRUE(shares(_metadata, names[i], shared[1][i],
				   GC_BUF / 2 / 1024, "after the restart"));
	ASSERT_TRUE(run_phases(_metadata, p, names, 3));
	expect_done(_metadata, p[0], "R done 1");
}

TEST_HARNESS_MAIN
