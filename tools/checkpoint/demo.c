// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt-demo - a stateful program that checkpoints itself.
 *
 * It runs a number of steps over a heap buffer. Its state lives in several
 * places the kernel must save and restore: the heap buffer, a global
 * counter, a thread-local Fibonacci pair (TLS, via the fs base), a double
 * accumulator (FPU state), a signal handler and its count, a blocked
 * signal, and a log file it writes one line per step to.
 *
 * At step C it calls checkpoint(0, fd, 0, 2) into an image file:
 *   > 0  the checkpoint was taken; the program runs a few more steps, then
 *        waits to be killed (the demo script kills it, as a crash would);
 *     0  the program was restarted from the image: it checks the log file
 *        offset, drops what the killed run appended after the checkpoint,
 *        and runs to the end.
 * At the end it recomputes everything from scratch on a fresh buffer and
 * compares: result, signal count, TLS, blocked mask and log contents.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/checkpoint.h>

#define BUF_WORDS	(512 * 1024)	/* 4 MiB of heap */
#define SIG_EVERY	4		/* raise SIGUSR1 every 4th step */
#define EXTRA_STEPS	3		/* steps the original runs after */

/* the state that must survive */
static uint64_t counter;
static __thread uint64_t tls_fib[2] = { 0, 1 };
static volatile sig_atomic_t sig_count;
static size_t log_bytes;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* unbuffered output: nothing may sit in a stdio buffer at checkpoint time */
static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (write(1, buf, n) < 0)
		_exit(4);
}

static void on_usr1(int sig)
{
	sig_count++;
}

/* One step of the workload; returns the step's value */
static uint64_t step(uint64_t *buf, size_t n, uint64_t *cnt, uint64_t *fib,
		     double *acc, int s)
{
	uint64_t x = fib[0] + fib[1], h;
	size_t i;

	fib[0] = fib[1];
	fib[1] = x;

	/* a running hash that rewrites the whole buffer */
	h = *cnt ^ x ^ (uint64_t)s << 32;
	for (i = 0; i < n; i++) {
		h = (h ^ buf[i]) * 0x100000001b3ULL;
		h ^= h >> 29;
		buf[i] = h + (uint64_t)s;
	}
	*cnt += (uint64_t)s * 3 + 1;
	*acc = *acc * 0.75 + (double)(h & 0xfffff) / 1024.0;
	return h;
}

static uint64_t result_of(const uint64_t *buf, size_t n, uint64_t cnt,
			  const uint64_t *fib, double acc)
{
	uint64_t r = cnt * 0x9e3779b97f4a7c15ULL, bits;
	size_t i;

	memcpy(&bits, &acc, sizeof(bits));
	for (i = 0; i < n; i += 7)
		r = (r ^ buf[i]) * 0xff51afd7ed558ccdULL;
	return r ^ fib[0] ^ (fib[1] << 1) ^ bits;
}

static int log_line(char *out, size_t len, int s, uint64_t v)
{
	return snprintf(out, len, "step %3d: %016" PRIx64 "\n", s, v);
}

static void buf_init(uint64_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = i * 2654435761U;
}

/*
 * Run all @steps from scratch on a separate buffer; the expected final
 * result, and (if @logexp) the log file's expected contents.
 */
static uint64_t reference(int steps, char **logexp, size_t *loglen)
{
	uint64_t *buf = malloc(BUF_WORDS * sizeof(uint64_t));
	uint64_t cnt = 0, fib[2] = { 0, 1 }, v, r;
	size_t cap = (size_t)steps * 40 + 1, len = 0;
	char *text = NULL;
	double acc = 0;
	int s;

	if (!buf)
		return 0;
	if (logexp) {
		text = malloc(cap);
		if (!text) {
			free(buf);
			return 0;
		}
	}
	buf_init(buf, BUF_WORDS);
	for (s = 1; s <= steps; s++) {
		v = step(buf, BUF_WORDS, &cnt, fib, &acc, s);
		if (text)
			len += log_line(text + len, cap - len, s, v);
	}
	r = result_of(buf, BUF_WORDS, cnt, fib, acc);
	free(buf);
	if (logexp) {
		*logexp = text;
		*loglen = len;
	}
	return r;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ckpt-demo [-n STEPS] [-c CKPT_STEP] [-i IMAGE] [-l LOG] [-w MARKER]\n"
		"                 [-d DELAY_MS] [-k]\n"
		"  -k  keep going after the checkpoint instead of waiting to be\n"
		"      killed (the original then checks its result too)\n");
	exit(2);
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Check the log file against what a run from scratch writes */
static int check_log(int fd, const char *exp, size_t explen)
{
	char *got = malloc(explen + 2);
	ssize_t n;
	size_t len = 0;

	if (!got)
		return -1;
	while ((n = pread(fd, got + len, explen + 1 - len, len)) > 0)
		len += n;
	n = (len == explen && memcmp(got, exp, explen) == 0) ? 0 : -1;
	if (n)
		say("demo: log file has %zu bytes, expected %zu%s\n", len,
		    explen, len == explen ? " (contents differ)" : "");
	free(got);
	return n;
}

int main(int argc, char **argv)
{
	const char *img_path = "/tmp/demo.img", *log_path = "/tmp/demo.log";
	const char *marker = NULL;
	int steps = 20, at = 8, delay = 50, keep_going = 0;
	uint64_t expected, result, v, *buf;
	int s, c, logfd, imgfd, restored = 0, bad = 0, orig_pid;
	struct sigaction sa;
	sigset_t set;
	double acc = 0;
	char line[64], *logexp = NULL;
	size_t loglen;
	long ret;

	while ((c = getopt(argc, argv, "n:c:i:l:w:d:kh")) != -1) {
		switch (c) {
		case 'n':
			steps = atoi(optarg);
			break;
		case 'c':
			at = atoi(optarg);
			break;
		case 'i':
			img_path = optarg;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'w':
			marker = optarg;
			break;
		case 'd':
			delay = atoi(optarg);
			break;
		case 'k':
			keep_going = 1;
			break;
		default:
			usage();
		}
	}
	if (steps < 1 || steps > 10000 || at < 1 || at > steps ||
	    delay < 0 || optind != argc)
		usage();

	orig_pid = getpid();
	say("demo: pid %d: %d steps over a %d MiB heap buffer, checkpoint after step %d\n",
	    orig_pid, steps, (int)(BUF_WORDS * sizeof(uint64_t) >> 20), at);
	expected = reference(steps, NULL, NULL);
	say("demo: expected final result 0x%016" PRIx64
	    " (computed up front on a separate buffer)\n", expected);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		say("demo: sigaction: %s\n", strerror(errno));
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);

	logfd = open(log_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		say("demo: %s: %s\n", log_path, strerror(errno));
		return 1;
	}
	buf = malloc(BUF_WORDS * sizeof(uint64_t));
	if (!buf) {
		say("demo: out of memory\n");
		return 1;
	}
	buf_init(buf, BUF_WORDS);

	for (s = 1; s <= steps; s++) {
		v = step(buf, BUF_WORDS, &counter, tls_fib, &acc, s);
		if (s % SIG_EVERY == 0)
			kill(getpid(), SIGUSR1);
		c = log_line(line, sizeof(line), s, v);
		if (write(logfd, line, c) != c) {
			say("demo: writing %s: %s\n", log_path,
			    strerror(errno));
			return 1;
		}
		log_bytes += c;
		say("step %3d/%d: value %016" PRIx64 "  counter %-6" PRIu64
		    " fib %-12" PRIu64 " signals %d\n", s, steps, v, counter,
		    tls_fib[1], (int)sig_count);
		if (delay)
			msleep(delay);

		if (s == at && !restored) {
			say("demo: taking a checkpoint to %s\n", img_path);
			imgfd = open(img_path,
				     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				     0600);
			if (imgfd < 0) {
				say("demo: %s: %s\n", img_path,
				    strerror(errno));
				return 1;
			}
			ret = syscall(__NR_checkpoint, 0, imgfd, 0, 2);
			if (ret < 0) {
				say("demo: checkpoint failed: %s\n",
				    strerror(errno));
				return 1;
			}
			/* saved and restored as an open file: not needed */
			close(imgfd);
			if (ret > 0) {
				say("demo: checkpoint taken (id %ld), continuing\n",
				    ret);
				continue;
			}

			/* ret == 0: we are the restored program */
			restored = 1;
			say("demo: restarted from checkpoint: resuming at step %d (pid was %d, now %d)\n",
			    s + 1, orig_pid, (int)getpid());
			{
				off_t pos = lseek(logfd, 0, SEEK_CUR);
				struct stat st;

				if (pos < 0 || (size_t)pos != log_bytes) {
					say("demo: log file offset is %lld, expected %zu\n",
					    (long long)pos, log_bytes);
					bad = 1;
				}
				if (fstat(logfd, &st) == 0 &&
				    (size_t)st.st_size > log_bytes)
					say("demo: log file offset restored (%zu bytes); dropping the %lld bytes written after the checkpoint\n",
					    log_bytes,
					    (long long)st.st_size -
					    (long long)log_bytes);
				if (ftruncate(logfd, log_bytes)) {
					say("demo: ftruncate: %s\n",
					    strerror(errno));
					bad = 1;
				}
			}
		}

		if (s == at + EXTRA_STEPS && !restored && !keep_going) {
			int waited;

			say("demo: original run: waiting to be killed\n");
			if (marker)
				close(open(marker, O_WRONLY | O_CREAT |
					   O_CLOEXEC, 0644));
			for (waited = 0; waited < 600; waited++)
				msleep(100);
			say("demo: not killed after 60 s, giving up\n");
			return 3;
		}
	}

	/* the end: check everything against a run from scratch */
	result = result_of(buf, BUF_WORDS, counter, tls_fib, acc);
	free(buf);
	v = reference(steps, &logexp, &loglen);
	say("demo: final result 0x%016" PRIx64 ", expected 0x%016" PRIx64
	    " (recomputed now: 0x%016" PRIx64 ")\n", result, expected, v);
	if (result != expected || v != expected)
		bad = 1;
	if (sig_count != steps / SIG_EVERY) {
		say("demo: SIGUSR1 handler ran %d times, expected %d\n",
		    (int)sig_count, steps / SIG_EVERY);
		bad = 1;
	}
	sigprocmask(SIG_BLOCK, NULL, &set);
	if (!sigismember(&set, SIGUSR2)) {
		say("demo: SIGUSR2 is no longer blocked\n");
		bad = 1;
	}
	if (logexp && check_log(logfd, logexp, loglen))
		bad = 1;
	free(logexp);
	close(logfd);
	if (bad) {
		say("demo: final result WRONG\n");
		return 1;
	}
	say("demo: signal handler ran %d times, SIGUSR2 still blocked, log file has all %d lines\n",
	    (int)sig_count, steps);
	say("demo: final result OK%s\n", restored ? " (after restart)" : "");
	return 0;
}
