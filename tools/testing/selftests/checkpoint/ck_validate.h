/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every image a selftest writes must be one that the kernel restarts:
 * checkpoint() is the judge of what can be saved, so an image it wrote
 * and restart() refuses is a bug of one side or the other. The
 * checkpoint helpers of ckpt_test.h and ck_lite.h go through
 * ck_checkpoint_validated(), which has the kernel read and check the
 * image just written with restart(RESTART_VALIDATE) - nothing is
 * restored, so it is cheap - and turns a refusal into a failed
 * checkpoint.
 */
#ifndef CK_VALIDATE_H
#define CK_VALIDATE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/checkpoint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>


/*
 * Validate the image in the regular file open at @fd from offset @start
 * to the current position: 0, or the errno restart() would return (a
 * line on stderr says so).
 */
static inline int ck_validate_image(int fd, off_t start, int logfd)
{
	char path[64];
	struct stat st;
	int rfd, err = 0;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return 0;	/* a pipe or socket: gone once read */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rfd = open(path, O_RDONLY | O_CLOEXEC);
	/*
	 * No /proc here: a chrooted caller, which could not validate anyway
	 * (the image's paths are from the root of the mount namespace); the
	 * restart the test runs from outside checks its image.
	 */
	if (rfd < 0 && errno == ENOENT)
		return 0;
	if (rfd < 0 || lseek(rfd, start, SEEK_SET) != start)
		err = errno ?: EIO;
	else if (syscall(__NR_restart, 0, rfd, RESTART_VALIDATE, logfd))
		err = errno;
	if (rfd >= 0)
		close(rfd);
	if (err)
		dprintf(2, "checkpoint() wrote an image that restart(RESTART_VALIDATE) refuses: %s\n",
			strerror(err));
	return err;
}

/*
 * checkpoint(), then validate the image it wrote to a regular file.
 * Returns what checkpoint() returned, or -1 with errno EBADMSG when the
 * image does not validate. The restored program (0) does not validate.
 */
static inline long ck_checkpoint_validated(pid_t pid, int fd,
					   unsigned long flags, int logfd)
{
	off_t start = lseek(fd, 0, SEEK_CUR);
	long ret;
	int err;

	ret = syscall(__NR_checkpoint, pid, fd, flags, logfd);
	if (ret <= 0 || start < 0)
		return ret;
	err = errno;
	if (ck_validate_image(fd, start, logfd)) {
		errno = EBADMSG;
		return -1;
	}
	errno = err;
	return ret;
}

#endif /* CK_VALIDATE_H */
