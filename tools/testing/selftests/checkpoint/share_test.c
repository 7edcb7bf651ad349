// SPDX-License-Identifier: GPL-2.0
/*
 * Processes that share their parent's fd table (CLONE_FILES) or fs_struct
 * (CLONE_FS) without being its threads: the table and the fs_struct are
 * saved once and shared again after a restart, so an fd one of them opens
 * afterwards is the other's too, and a chdir() moves both. Sharing with a
 * process other than the parent is refused with EOPNOTSUPP, and the tree
 * is left as it was.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
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
	ASSERT_EQ(1, leak_mem[1]);
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
	EXPECT_EQ(2, leak_mem[1]);
	munmap((void *)leak_mem, 4096);
	free(stack);
}

TEST_HARNESS_MAIN
