// SPDX-License-Identifier: GPL-2.0
/*
 * RESTART_TASKSELF replaces the caller's program as execve() does, and
 * releases what the old program held in its memory as execve() does: a
 * robust mutex the caller held is marked owner-dead for the process that
 * shares it (EOWNERDEAD), and a thread waiting on clear_child_tid is
 * woken. Before restart installed the restored mm with exec_mmap(), the
 * mutex stayed locked by a program that no longer existed.
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
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "kselftest_harness.h"

#define IMG	"/tmp/ckpt-exec.img"

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

TEST_HARNESS_MAIN
