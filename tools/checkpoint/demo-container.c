// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt-demo-container - a small container for the checkpoint/restart demo.
 *
 * It starts a pid namespace in a cgroup v2 directory and waits for it:
 *
 *   init      (pid 1 in the namespace) starts the two others and reaps them
 *   producer  writes the numbers 1..COUNT into a pipe, two at a time
 *   consumer  reads them back one at a time, checks that each is the one
 *             after the last, sums them and logs its progress
 *
 * The producer is quicker than the consumer, so the pipe always holds
 * numbers in flight: a checkpoint saves them with the pipe. Every log line
 * names the pid of its writer inside the namespace ("pid-in-ns 3"), so a
 * restarted container shows that it kept its pids. At the end the consumer
 * checks that it saw every number exactly once, in order, and that the
 * sum is COUNT * (COUNT + 1) / 2; init exits 0 only if both did well.
 *
 * Nothing of the container leads outside it: stdin, stdout and stderr are
 * /dev/null and the log is a file the container opens itself, so
 * `ckpt checkpoint --cgroup DIR` saves it without CHECKPOINT_SUBTREE.
 *
 * The two workers pace themselves with select() timeouts: a task frozen in
 * select() is restarted like read() or waitpid(), while nanosleep() needs
 * its restart block saved.
 *
 * usage: ckpt-demo-container [-c CGROUP] [-l LOG] [-n COUNT] [-d DELAY_MS]
 * Exits with init's status (128 + signal when it was killed).
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
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define LOG_FD	3

static const char *cgroup = "/sys/fs/cgroup/demo";
static const char *log_path = "/tmp/ct.log";
static unsigned int count = 120;
static int delay_ms = 40;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line per write(): the three processes share the log file */
static void logf_(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(LOG_FD, line, n) < 0)
		_exit(5);
}

/* A pause that a checkpoint can be taken in (see above) */
static void pace(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	while (select(0, NULL, NULL, NULL, &tv) < 0 && errno == EINTR)
		;
}

static void producer(int wfd)
{
	uint32_t n;

	prctl(PR_SET_NAME, "ct-producer", 0, 0, 0);
	logf_("producer (pid-in-ns %d): sending 1..%u", getpid(), count);
	for (n = 1; n <= count; n++) {
		if (write(wfd, &n, sizeof(n)) != sizeof(n)) {
			logf_("producer (pid-in-ns %d): write: %s", getpid(),
			      strerror(errno));
			_exit(1);
		}
		if (n % 2 == 0)
			pace(delay_ms);
	}
	logf_("producer (pid-in-ns %d): sent all %u numbers", getpid(), count);
	_exit(0);
}

static void consumer(int rfd)
{
	uint64_t sum = 0, want = (uint64_t)count * (count + 1) / 2;
	uint32_t n, got = 0;
	ssize_t r;
	int queued;

	prctl(PR_SET_NAME, "ct-consumer", 0, 0, 0);
	for (;;) {
		r = read(rfd, &n, sizeof(n));
		if (r == 0)
			break;
		if (r != sizeof(n)) {
			logf_("consumer (pid-in-ns %d): read returned %zd (%s)",
			      getpid(), r, r < 0 ? strerror(errno) : "short");
			_exit(1);
		}
		if (n != got + 1) {
			logf_("consumer (pid-in-ns %d): GAP: expected %u, got %u",
			      getpid(), got + 1, n);
			_exit(1);
		}
		got = n;
		sum += n;
		if (got % 10 == 0) {
			if (ioctl(rfd, FIONREAD, &queued))
				queued = 0;
			logf_("consumer (pid-in-ns %d): received %u numbers, sum %llu, %d more in the pipe",
			      getpid(), got, (unsigned long long)sum,
			      queued / (int)sizeof(n));
		}
		pace(delay_ms);
	}
	if (got != count || sum != want) {
		logf_("consumer (pid-in-ns %d): received %u numbers, sum %llu, expected %u and %llu: FAILED",
		      getpid(), got, (unsigned long long)sum, count,
		      (unsigned long long)want);
		_exit(1);
	}
	logf_("consumer (pid-in-ns %d): all %u numbers received in order, sum %llu = %u*%u/2: OK",
	      getpid(), got, (unsigned long long)sum, count, count + 1);
	_exit(0);
}

static const char *status_str(char *buf, size_t len, int status)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "status 0x%x", status);
	return buf;
}

static void container_init(void)
{
	char path[4096], s1[48], s2[48];
	int p[2], fd, status, st_prod = -1, st_cons = -1;
	pid_t prod, cons, pid;

	/* into the cgroup first: everything started later is in it too */
	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		_exit(20);
	close(fd);

	/* nothing of the launcher's: /dev/null and our own log */
	syscall(SYS_close_range, 0, ~0U, 0);
	if (open("/dev/null", O_RDWR) != 0 || dup(0) != 1 || dup(0) != 2)
		_exit(21);
	fd = open(log_path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || dup2(fd, LOG_FD) != LOG_FD)
		_exit(22);
	if (fd != LOG_FD)
		close(fd);
	prctl(PR_SET_NAME, "ct-init", 0, 0, 0);

	if (pipe(p))
		_exit(23);
	prod = fork();
	if (prod == 0) {
		close(p[0]);
		producer(p[1]);
	}
	cons = fork();
	if (cons == 0) {
		close(p[1]);
		consumer(p[0]);
	}
	close(p[0]);
	close(p[1]);
	if (prod < 0 || cons < 0) {
		logf_("init: fork: %s", strerror(errno));
		_exit(1);
	}
	logf_("init (pid-in-ns %d): started producer pid-in-ns %d and consumer pid-in-ns %d",
	      getpid(), prod, cons);

	/* a pid namespace init reaps whatever ends up its child */
	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == prod)
			st_prod = status;
		else if (pid == cons)
			st_cons = status;
	}
	status = st_prod == 0 && st_cons == 0;
	logf_("init (pid-in-ns %d): producer %s, consumer %s: %s", getpid(),
	      status_str(s1, sizeof(s1), st_prod),
	      status_str(s2, sizeof(s2), st_cons), status ? "OK" : "FAILED");
	_exit(status ? 0 : 1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ckpt-demo-container [-c CGROUP] [-l LOG] [-n COUNT] [-d DELAY_MS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char path[4096], procs[64];
	int c, fd, status;
	pid_t pid;

	while ((c = getopt(argc, argv, "c:l:n:d:h")) != -1) {
		switch (c) {
		case 'c':
			cgroup = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'n':
			count = (unsigned int)atoi(optarg);
			break;
		case 'd':
			delay_ms = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || count < 1 || count > 1000000 || delay_ms < 0 ||
	    delay_ms > 10000)
		usage();

	if (mkdir(cgroup, 0755) && errno != EEXIST) {
		fprintf(stderr, "ckpt-demo-container: %s: %s\n", cgroup,
			strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, procs, sizeof(procs)) != 0) {
		fprintf(stderr, "ckpt-demo-container: %s: %s\n", path,
			fd < 0 ? strerror(errno) : "the cgroup is in use");
		return 1;
	}
	close(fd);
	/* the container opens the log itself: no file shared with us */
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "ckpt-demo-container: %s: %s\n", log_path,
			strerror(errno));
		return 1;
	}
	close(fd);

	fflush(NULL);
	/* like fork(), in a new pid namespace */
	pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
	if (pid < 0) {
		fprintf(stderr, "ckpt-demo-container: clone: %s\n",
			strerror(errno));
		return 1;
	}
	if (pid == 0)
		container_init();

	printf("ckpt-demo-container: container init is pid %d (pid 1 in its namespace), cgroup %s, log %s\n",
	       pid, cgroup, log_path);
	fflush(stdout);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
