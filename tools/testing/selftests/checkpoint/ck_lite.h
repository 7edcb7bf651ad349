/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers of the selftests that drive a tree by hand: the tree
 * reports by appending lines to a regular file (reopened by path after a
 * restart, so no fd leads outside the tree), the test reads it back,
 * freezes a cgroup v2 and waits for its children.
 */
#ifndef CK_LITE_H
#define CK_LITE_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <linux/checkpoint.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "ck_validate.h"

/* Write a formatted line to @fd, or exit 99 (a child reporting). */
static inline void lite_vwrite(int fd, const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0 || n >= (int)sizeof(buf) || write(fd, buf, n) != n)
		_exit(99);
}

static inline __attribute__((format(printf, 2, 3)))
void lite_write(int fd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lite_vwrite(fd, fmt, ap);
	va_end(ap);
}

/* Append a line to the report file @path (from the tree). */
static inline __attribute__((format(printf, 2, 3)))
void lite_say(const char *path, const char *fmt, ...)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	va_list ap;

	if (fd < 0)
		_exit(99);
	va_start(ap, fmt);
	lite_vwrite(fd, fmt, ap);
	va_end(ap);
	close(fd);
}

/* Read a whole (small) file as a string; its length or -1. */
static inline ssize_t lite_slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

/* The number after @prefix in the report file, waiting up to @secs. */
static inline pid_t lite_line_pid(const char *path, const char *prefix,
				  int secs)
{
	char buf[4096], *l;
	int i;

	for (i = 0; i < secs * 50; i++) {
		if (lite_slurp(path, buf, sizeof(buf)) > 0) {
			l = strstr(buf, prefix);
			if (l)
				return atoi(l + strlen(prefix));
		}
		usleep(20000);
	}
	return 0;
}

/* Wait for a child (or, as a subreaper, an orphan): its status or -1. */
static inline int lite_status(pid_t pid, int secs)
{
	int status, i;

	for (i = 0; i < secs * 50; i++) {
		if (waitpid(pid, &status, WNOHANG | __WALL) == pid)
			return status;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, __WALL);
	return -1;
}

/* Reap every child and orphan left (the test is a subreaper). */
static inline void lite_reap_all(void)
{
	int i;

	for (i = 0; i < 500; i++) {
		pid_t p = waitpid(-1, NULL, WNOHANG | __WALL);

		if (p < 0 && errno == ECHILD)
			return;
		if (p <= 0)
			usleep(20000);
	}
}

/* Write @val to @file of cgroup directory @cg: 0 or -1. */
static inline int lite_cg_write(const char *cg, const char *file,
				const char *val)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return ret;
}

/* Move the caller into cgroup @cg, or exit 90. */
static inline void lite_cg_enter(const char *cg)
{
	char me[16];

	snprintf(me, sizeof(me), "%d", getpid());
	if (lite_cg_write(cg, "cgroup.procs", me))
		_exit(90);
}

/* Wait until cgroup v2 @cg reports "frozen @want". */
static inline bool lite_cg_frozen(const char *cg, int want, int secs)
{
	char path[256], buf[256], key[16];
	int i;

	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	snprintf(key, sizeof(key), "frozen %d", want);
	for (i = 0; i < secs * 50; i++) {
		if (lite_slurp(path, buf, sizeof(buf)) > 0 && strstr(buf, key))
			return true;
		usleep(20000);
	}
	return false;
}

/* Block @sig, so that lite_wait_flag() cannot miss it. */
static inline void lite_block(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * Wait until a handler of the blocked signal @sig sets @flag. @sig is
 * unblocked only inside sigsuspend(), so one that comes just before the
 * wait (a pause() loop would sleep through it) ends the wait at once.
 */
static inline void lite_wait_flag(volatile sig_atomic_t *flag, int sig)
{
	sigset_t set;

	sigprocmask(SIG_SETMASK, NULL, &set);
	sigdelset(&set, sig);
	while (!*flag)
		sigsuspend(&set);
}

/*
 * Freeze cgroup @cg, checkpoint the tree under @root into @img with
 * CHECKPOINT_SUBTREE and CHECKPOINT_NET_LOCK (it is killed next: its
 * TCP connections stay silent), kill every task of the cgroup and reap
 * them (the test is their subreaper, so their pids are free again), then
 * restart
 * the image as children of the caller. Returns the restored root's pid,
 * or the step that failed (errno says why): -1 freezing, -2 checkpoint,
 * -3 the original root not reaped, -4 restart.
 */
static inline pid_t lite_migrate(const char *cg, pid_t root, const char *img)
{
	long ret;
	int fd;

	if (lite_cg_write(cg, "cgroup.freeze", "1") ||
	    !lite_cg_frozen(cg, 1, 30))
		return -1;
	fd = open(img, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ret = ck_checkpoint_validated(root, fd,
				      CHECKPOINT_SUBTREE | CHECKPOINT_NET_LOCK,
				      2);
	close(fd);
	if (ret <= 0)
		return -2;
	lite_cg_write(cg, "cgroup.kill", "1");
	lite_cg_write(cg, "cgroup.freeze", "0");
	if (lite_status(root, 30) == -1)
		return -3;
	lite_reap_all();
	fd = open(img, O_RDONLY);
	ret = syscall(__NR_restart, 0, fd, 0, 2);
	close(fd);
	return ret > 0 ? (pid_t)ret : -4;
}

/* what epoll_wait() on @ep reports now: "data:events" words, by data */
static inline const char *ck_ep_ready(int ep)
{
	static char out[128];
	struct epoll_event ev[8], t;
	int i, j, n, len = 0;

	n = epoll_wait(ep, ev, 8, 0);
	if (n < 0)
		return "error";
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && ev[j - 1].data.u64 > ev[j].data.u64; j--) {
			t = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = t;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += snprintf(out + len, sizeof(out) - len, "%s%llx:%x",
				i ? " " : "", (unsigned long long)ev[i].data.u64,
				ev[i].events);
	return out;
}

/*
 * What a read of the inotify fd @fd gives now, as "wd:mask:cookie:name"
 * words separated by spaces ("" when nothing is queued, "error" when the
 * read fails otherwise)
 */
static inline const char *ck_inotify_read(int fd)
{
	static char out[512];
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n = read(fd, buf, sizeof(buf)), at = 0;
	size_t len = 0;

	out[0] = '\0';
	if (n < 0)
		return errno == EAGAIN ? "" : "error";
	while (at + (ssize_t)sizeof(struct inotify_event) <= n && len < sizeof(out)) {
		const struct inotify_event *e = (const void *)(buf + at);

		if (at + (ssize_t)(sizeof(*e) + e->len) > n)
			break;
		len += snprintf(out + len, sizeof(out) - len, "%s%d:%x:%u:%.*s",
				len ? " " : "", e->wd, e->mask, e->cookie,
				(int)e->len, e->len ? e->name : "");
		at += sizeof(*e) + e->len;
	}
	return out;
}

#endif /* CK_LITE_H */
