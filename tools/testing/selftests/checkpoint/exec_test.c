// SPDX-License-Identifier: GPL-2.0
/*
 * RESTART_TASKSELF replaces the caller's program as execve() does, and
 * releases what the old program held in its memory as execve() does: a
 * robust mutex the caller held is marked owner-dead for the process that
 * shares it (EOWNERDEAD), and a thread waiting on clear_child_tid is
 * woken. Before restart installed the restored mm with exec_mmap(), the
 * mutex stayed locked by a program that no longer existed.
 *
 * A program whose executable was deleted after the exec (a binary an
 * upgrade replaced) comes back running the same, deleted, executable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"

#define IMG	"/tmp/ckpt-exec.img"
#define DIMG	"/tmp/ckpt-exec-deleted.img"
#define COPY	"/tmp/ckpt-exec-copy"

/*
 * Run as COPY with CKPT_EXEC_DELETED set (the size of COPY): delete COPY,
 * checkpoint to DIMG and exit 0. Restored: /proc/self/exe is a deleted
 * file of that size, an ELF executable, that nobody may write while the
 * program runs (ETXTBSY), as before; exit 42. Any other exit code says
 * which check failed.
 */
static void __attribute__((constructor)) deleted_exe_child(void)
{
	const char *size = getenv("CKPT_EXEC_DELETED");
	char link[4096], magic[4];
	struct stat st;
	ssize_t n;
	long ret;
	int fd;

	if (!size)
		return;
	if (unlink(COPY))
		_exit(10);
	fd = open(DIMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ret = syscall(__NR_checkpoint, 0, fd, 0, 2);
	if (ret > 0)
		_exit(0);	/* checkpointed */
	if (ret < 0)
		_exit(1);
	n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	if (n < 0)
		_exit(11);
	link[n] = '\0';
	if (!strstr(link, " (deleted)"))
		_exit(12);
	fd = open("/proc/self/exe", O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size != atol(size) ||
	    read(fd, magic, 4) != 4 || memcmp(magic, "\177ELF", 4))
		_exit(13);
	if (open("/proc/self/exe", O_WRONLY) >= 0 || errno != ETXTBSY)
		_exit(14);
	_exit(42);
}

/* A program that checkpoints itself and, restored, exits with 42. */
static void make_image(struct __test_metadata *_metadata)
{
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		long ret = syscall(__NR_checkpoint, 0, fd, 0, 2);

		_exit(ret == 0 ? 42 : ret > 0 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(robust_mutex_of_the_replaced_program_is_released)
{
	struct timespec until;
	pthread_mutexattr_t a;
	pthread_mutex_t *m;
	int status, fd, ret;
	pid_t pid;

	make_image(_metadata);
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	ASSERT_EQ(0, pthread_mutex_init(m, &a));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (pthread_mutex_lock(m))
			_exit(2);
		fd = open(IMG, O_RDONLY);
		syscall(__NR_restart, 0, fd, RESTART_TASKSELF, 2);
		_exit(3);	/* the restart failed */
	}
	/* the restored program exits with 42 */
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42)
		TH_LOG("status %#x", status);

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	ret = pthread_mutex_timedlock(m, &until);
	EXPECT_EQ(EOWNERDEAD, ret) TH_LOG("timedlock: %s", strerror(ret));
	if (ret == EOWNERDEAD) {
		EXPECT_EQ(0, pthread_mutex_consistent(m));
		EXPECT_EQ(0, pthread_mutex_unlock(m));
	}
	unlink(IMG);
}

/* Copy this program to COPY; the size copied, or -1 */
static long copy_self(void)
{
	char buf[65536];
	int in, out;
	long size = 0;
	ssize_t n;

	in = open("/proc/self/exe", O_RDONLY);
	out = open(COPY, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n)
			return -1;
		size += n;
	}
	close(in);
	return close(out) || n < 0 ? -1 : size;
}

TEST(deleted_executable_comes_back)
{
	char size[24];
	int status, fd;
	long len;
	pid_t pid;

	len = copy_self();
	ASSERT_LT(0, len);
	snprintf(size, sizeof(size), "%ld", len);
	/* COPY deletes itself, then checkpoints itself */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		setenv("CKPT_EXEC_DELETED", size, 1);
		execl(COPY, COPY, (char *)NULL);
		_exit(5);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the checkpointed program: status %#x", status);
	ASSERT_EQ(-1, access(COPY, F_OK));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fd = open(DIMG, O_RDONLY);
		syscall(__NR_restart, 0, fd, RESTART_TASKSELF, 2);
		_exit(3);	/* the restart failed */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42)
		TH_LOG("the restored program: status %#x (10-14: a check failed)",
		       status);
	unlink(DIMG);
}

TEST_HARNESS_MAIN
