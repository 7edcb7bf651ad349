// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt-bench - checkpoint() and restart() throughput.
 *
 * For each memory size, a forked child fills that much anonymous memory
 * with non-zero data and checkpoints itself (a) to a tmpfs file, (b) to a
 * pipe whose reader (the parent) discards the data. The child times the
 * checkpoint() call alone. References measured in the same child: memcpy
 * of the same size, and write() of the same bytes to the same kind of
 * destination. Then a child restarts the tmpfs image with
 * RESTART_TASKSELF; the restored program reports at once through a pipe
 * it inherits as fd 100, with a CLOCK_MONOTONIC timestamp, so the parent
 * gets the time from just before restart() to the restored program
 * running again.
 *
 * A third run checkpoints to tmpfs with a quarter of the memory pushed
 * out to swap first (MADV_PAGEOUT; the guest has zram swap): checkpoint
 * reads it back, and the image must still be the memory and nothing more.
 * For every run the child reports its dirty memory (smaps_rollup
 * Anonymous + Swap: what the image must hold) and the bench prints the
 * image size over it; the aim is 1.003 or less.
 *
 * Last, a process holding about 1,250 fds of mixed types (pipes,
 * eventfds, timerfds, /dev/null) and an epoll set of 1,000 items over
 * them checkpoints itself and is restarted: the time per fd of both.
 *
 * Exits 0 if every run worked, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>
#include "image.h"

#define REPORT_FD	100	/* report pipe of child and restored program */
#define DEST_FD		101	/* where the child writes its image */
#define PIPE_SIZE	(1 << 20)
#define IMG_PATH	"/tmp/ckpt-bench.img"
#define REF_PATH	"/tmp/ckpt-bench.ref"

enum msg_kind {
	M_REFS = 1,	/* a: memcpy ns, b: write ns */
	M_CKPT,		/* a: checkpoint ns, b: image bytes, c: id */
	M_START,	/* a: timestamp just before restart() */
	M_RESTORED,	/* a: timestamp in the restored program */
	M_VERIFY,	/* a: 1 if the memory came back intact */
	M_FAIL,		/* a: errno, b: what failed (enum msg_kind) */
	M_DIRTY,	/* a: dirty bytes just before checkpoint() */
};

struct msg {
	uint32_t kind;
	uint32_t __pad;
	uint64_t a, b, c;
};

struct result {
	int ok;
	uint64_t memcpy_ns, write_ns, ckpt_ns, img_bytes, dirty_bytes;
	uint64_t restart_ns;
	int restart_ok;
};

enum { D_TMPFS, D_PIPE, D_SWAP, NDEST };
static const char *dest_name[NDEST] = { "tmpfs", "pipe", "swap" };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void send_msg(uint32_t kind, uint64_t a, uint64_t b, uint64_t c)
{
	struct msg m = { .kind = kind, .a = a, .b = b, .c = c };

	if (write(REPORT_FD, &m, sizeof(m)) != sizeof(m))
		_exit(3);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static inline uint64_t pattern(size_t i)
{
	return (i * 0x9e3779b97f4a7c15ULL) | 1;
}

static void fill(uint64_t *p, size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		p[i] = pattern(i);
}

/* one word per page, and the last one */
static int intact(const uint64_t *p, size_t words)
{
	size_t i;

	for (i = 0; i < words; i += 512)
		if (p[i] != pattern(i))
			return 0;
	return p[words - 1] == pattern(words - 1);
}

static double mibps(uint64_t bytes, uint64_t ns)
{
	if (!ns)
		return 0;
	return (double)bytes / 1048576.0 / ((double)ns / 1e9);
}

/* The smaps_rollup field @field ("Swap:"), in bytes; 0 if unreadable */
static uint64_t rollup_bytes(const char *field)
{
	char line[256];
	uint64_t kb = 0;
	FILE *f;

	f = fopen("/proc/self/smaps_rollup", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			kb = strtoull(line + strlen(field), NULL, 10);
	fclose(f);
	return kb << 10;
}

/*
 * Push the first quarter of @buf out to swap. MADV_PAGEOUT skips pages
 * still on a CPU's LRU batch, so it is asked again until smaps agrees.
 */
static int push_to_swap(void *buf, size_t size)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (madvise(buf, size / 4, MADV_PAGEOUT))
			return -1;
		if (rollup_bytes("Swap:") >= size / 4)
			return 0;
		usleep(10000);
	}
	errno = EAGAIN;
	return -1;
}

/*
 * The checkpointing child. @dest_fd is already at DEST_FD and the report
 * pipe at REPORT_FD; nothing else but stdio is open.
 */
static void ckpt_child(size_t size, int mode)
{
	int to_pipe = mode == D_PIPE;
	size_t words = size / 8;
	uint64_t *buf, *dst, t0, t1, t_memcpy = 0, t_write;
	long ret;
	int fd;

	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		send_msg(M_FAIL, errno, M_REFS, 0);
		_exit(1);
	}
	fill(buf, words);

	/* reference 1: memcpy into memory already faulted in */
	if (!to_pipe) {
		dst = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (dst == MAP_FAILED) {
			send_msg(M_FAIL, errno, M_REFS, 0);
			_exit(1);
		}
		memset(dst, 0x5a, size);
		t0 = now_ns();
		memcpy(dst, buf, size);
		t1 = now_ns();
		t_memcpy = t1 - t0;
		if (dst[words / 2] != buf[words / 2])
			_exit(1);
		munmap(dst, size);
	}

	/* reference 2: write() the same bytes to the same destination */
	if (to_pipe) {
		fd = DEST_FD;
	} else {
		fd = open(REF_PATH, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
		if (fd < 0) {
			send_msg(M_FAIL, errno, M_REFS, 0);
			_exit(1);
		}
	}
	t0 = now_ns();
	if (write_all(fd, buf, size)) {
		send_msg(M_FAIL, errno, M_REFS, 0);
		_exit(1);
	}
	t1 = now_ns();
	t_write = t1 - t0;
	if (!to_pipe) {
		close(fd);
		unlink(REF_PATH);
	}
	send_msg(M_REFS, t_memcpy, t_write, 0);

	if (mode == D_SWAP && push_to_swap(buf, size)) {
		send_msg(M_FAIL, errno, M_DIRTY, 0);
		_exit(1);
	}
	send_msg(M_DIRTY, rollup_bytes("Anonymous:") + rollup_bytes("Swap:"),
		 0, 0);

	/* the measured call */
	t0 = now_ns();
	ret = syscall(__NR_checkpoint, 0, DEST_FD, 0, 2);
	t1 = now_ns();

	if (ret < 0) {
		send_msg(M_FAIL, errno, M_CKPT, 0);
		_exit(1);
	}
	if (ret > 0) {
		off_t end = to_pipe ? 0 : lseek(DEST_FD, 0, SEEK_CUR);

		send_msg(M_CKPT, t1 - t0, end > 0 ? end : 0, ret);
		_exit(0);
	}

	/* ret == 0: restarted from the image; report first, then check */
	send_msg(M_RESTORED, now_ns(), 0, 0);
	send_msg(M_VERIFY, intact(buf, words), 0, 0);
	_exit(0);
}

/* In a child: put @report at REPORT_FD, @dest at DEST_FD, close the rest */
static int setup_fds(int report, int dest)
{
	if (dup2(report, REPORT_FD) < 0)
		return -1;
	if (dest >= 0 && dup2(dest, DEST_FD) < 0)
		return -1;
	if (close_range(3, REPORT_FD - 1, 0) ||
	    close_range(dest >= 0 ? DEST_FD + 1 : REPORT_FD + 1, ~0U, 0))
		return -1;
	return 0;
}

/* Read one message; 0 at EOF, -1 on error */
static int read_msg(int fd, struct msg *m)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*m)) {
		n = read(fd, (char *)m + got, sizeof(*m) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return got ? -1 : 0;
		got += n;
	}
	return 1;
}

static const char *step_name(uint64_t kind)
{
	switch (kind) {
	case M_REFS:
		return "reference run";
	case M_CKPT:
		return "checkpoint()";
	case M_START:
		return "restart()";
	case M_DIRTY:
		return "MADV_PAGEOUT to swap";
	default:
		return "?";
	}
}

static int wait_child(pid_t pid, const char *what)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		printf("ckpt-bench: %s killed by signal %d\n", what,
		       WTERMSIG(status));
	else
		printf("ckpt-bench: %s exited with status %d\n", what,
		       WEXITSTATUS(status));
	return -1;
}

/* Checkpoint @size bytes to tmpfs, to a pipe, or to tmpfs from swap */
static int run_ckpt(size_t size, int mode, struct result *r)
{
	int rep[2], data[2] = { -1, -1 }, dest = -1, got_ckpt = 0, ret;
	int to_pipe = mode == D_PIPE;
	uint64_t drained = 0;
	struct msg m;
	pid_t pid;

	if (pipe2(rep, O_CLOEXEC))
		return -1;
	if (to_pipe) {
		if (pipe2(data, O_CLOEXEC))
			return -1;
		fcntl(data[1], F_SETPIPE_SZ, PIPE_SIZE);
		dest = data[1];
	} else {
		dest = open(IMG_PATH, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			    0600);
		if (dest < 0) {
			printf("ckpt-bench: %s: %s\n", IMG_PATH,
			       strerror(errno));
			return -1;
		}
	}

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setup_fds(rep[1], dest))
			_exit(2);
		ckpt_child(size, mode);
		_exit(1);
	}
	close(rep[1]);
	close(dest);

	if (to_pipe) {
		static char sink[PIPE_SIZE];
		ssize_t n;

		/* the reference write, then the image, until the child exits */
		for (;;) {
			n = read(data[0], sink, sizeof(sink));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			drained += n;
		}
		close(data[0]);
	}

	while ((ret = read_msg(rep[0], &m)) > 0) {
		switch (m.kind) {
		case M_REFS:
			if (!to_pipe)
				r->memcpy_ns = m.a;
			r->write_ns = m.b;
			break;
		case M_DIRTY:
			r->dirty_bytes = m.a;
			break;
		case M_CKPT:
			r->ckpt_ns = m.a;
			r->img_bytes = to_pipe ? drained - size : m.b;
			got_ckpt = 1;
			break;
		case M_FAIL:
			printf("ckpt-bench: %zu MiB to %s: %s failed: %s\n",
			       size >> 20, dest_name[mode],
			       step_name(m.b), strerror((int)m.a));
			break;
		}
	}
	close(rep[0]);
	if (wait_child(pid, "checkpointing child"))
		got_ckpt = 0;
	return got_ckpt ? 0 : -1;
}

/* Restart the tmpfs image; the time to the restored program's report */
static int run_restart(const char *what, struct result *r)
{
	uint64_t t_start = 0, t_restored = 0;
	int rep[2], ok = 0, verified = -1, ret;
	struct msg m;
	pid_t pid;

	if (pipe2(rep, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd;

		if (setup_fds(rep[1], -1))
			_exit(2);
		fd = open(IMG_PATH, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			send_msg(M_FAIL, errno, M_START, 0);
			_exit(1);
		}
		send_msg(M_START, now_ns(), 0, 0);
		syscall(__NR_restart, 0, fd, RESTART_TASKSELF, 2);
		send_msg(M_FAIL, errno, M_START, 0);
		_exit(1);
	}
	close(rep[1]);

	while ((ret = read_msg(rep[0], &m)) > 0) {
		switch (m.kind) {
		case M_START:
			t_start = m.a;
			break;
		case M_RESTORED:
			t_restored = m.a;
			ok = 1;
			break;
		case M_VERIFY:
			verified = (int)m.a;
			break;
		case M_FAIL:
			printf("ckpt-bench: %s: %s failed: %s\n",
			       what, step_name(m.b), strerror((int)m.a));
			break;
		}
	}
	close(rep[0]);
	if (wait_child(pid, "restarting child"))
		ok = 0;
	if (ok && verified != 1) {
		printf("ckpt-bench: %s: the restored program is %s\n",
		       what, verified == 0 ? "broken" : "unchecked");
		ok = 0;
	}
	if (ok && t_restored >= t_start) {
		r->restart_ns = t_restored - t_start;
		r->restart_ok = 1;
		return 0;
	}
	return -1;
}

/*
 * The checksum's cost, in this guest: the image checksum is computed over
 * every page, so its speed bounds the checkpoint's. Compare xxh64 (what
 * the image uses) with a table-driven CRC32C and with the SSE4.2 crc32
 * instruction, the usual candidates, over the same buffer.
 */
static uint32_t crc32c_table[256];

static uint32_t crc32c_sw(const unsigned char *p, size_t n)
{
	uint32_t c = ~0u;

	while (n--)
		c = crc32c_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint64_t crc32c_hw(const unsigned char *p, size_t n)
{
	uint64_t c = ~0ull;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t v;

		memcpy(&v, p + i, 8);
		__asm__ volatile("crc32q %1, %0" : "+r"(c) : "rm"(v));
	}
	return ~c;
}

static int have_sse42(void)
{
	unsigned int a, b, c, d;

	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(1), "c"(0));
	return !!(c & (1u << 20));
}

static void bench_checksums(void)
{
	size_t n = 64 << 20, i;
	unsigned char *buf = malloc(n);
	volatile uint64_t sink = 0;
	uint64_t t;
	uint32_t k;
	int j;

	if (!buf)
		return;
	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	for (k = 0; k < 256; k++) {
		uint32_t c = k;

		for (j = 0; j < 8; j++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc32c_table[k] = c;
	}
	printf("\nchecksum of 64 MiB in user space, this guest (MiB/s):\n");
	t = now_ns();
	sink += ckpt_xxh64(buf, n, 0);
	printf("  xxh64 (the image's)          %10.1f\n", mibps(n, now_ns() - t));
	t = now_ns();
	sink += crc32c_sw(buf, n);
	printf("  crc32c, table driven         %10.1f\n", mibps(n, now_ns() - t));
	if (have_sse42()) {
		t = now_ns();
		sink += crc32c_hw(buf, n);
		printf("  crc32c, SSE4.2 instruction   %10.1f\n",
		       mibps(n, now_ns() - t));
	}
	(void)sink;
	free(buf);
}

/* ---- many fds ------------------------------------------------------- */

#define NFDS		1000	/* fds of the process, at least */
#define NITEMS		1000	/* items of its epoll set */

/*
 * Open at least NFDS fds of mixed types, until NITEMS of them (all but
 * the /dev/null ones, which cannot be polled) are watched by one epoll
 * set, checkpoint. The restored program checks that the set still
 * reports an eventfd it writes to, with the item's data.
 */
static void fds_child(void)
{
	struct rlimit rl = { 4096, 4096 };
	struct epoll_event ev;
	int ep, n = 0, items = 0, efd = -1, i, fd[2];
	uint64_t t0, t1, one = 1;
	long ret;

	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		send_msg(M_FAIL, errno, M_CKPT, 0);
		_exit(1);
	}
	ep = epoll_create1(0);
	for (i = 0; ep >= 0 && (n < NFDS || items < NITEMS); i++) {
		int k = 0;

		switch (i % 4) {
		case 0:
			if (pipe2(fd, O_NONBLOCK))
				goto fail;
			k = 2;
			break;
		case 1:
			fd[0] = eventfd(0, EFD_NONBLOCK);
			k = 1;
			break;
		case 2: {
			struct itimerspec its = { .it_value = { 3600, 0 },
						  .it_interval = { 60, 0 } };

			fd[0] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
			if (fd[0] >= 0 && timerfd_settime(fd[0], 0, &its, NULL))
				goto fail;
			k = 1;
			break;
		}
		case 3:
			fd[0] = open("/dev/null", O_RDWR);
			k = 1;
			break;
		}
		if (fd[0] < 0)
			goto fail;
		n += k;
		if (i % 4 == 3)
			continue;
		for (k = k - 1; k >= 0 && items < NITEMS; k--) {
			ev.events = EPOLLIN | (i % 8 == 2 ? EPOLLET : 0);
			ev.data.u64 = fd[k];
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fd[k], &ev))
				goto fail;
			items++;
		}
		if (i % 4 == 1)
			efd = fd[0];
	}
	if (ep < 0)
		goto fail;
	send_msg(M_DIRTY, n, items, 0);
	t0 = now_ns();
	ret = syscall(__NR_checkpoint, 0, DEST_FD, 0, 2);
	t1 = now_ns();
	if (ret < 0) {
		send_msg(M_FAIL, errno, M_CKPT, 0);
		_exit(1);
	}
	if (ret > 0) {
		off_t end = lseek(DEST_FD, 0, SEEK_CUR);

		send_msg(M_CKPT, t1 - t0, end > 0 ? end : 0, ret);
		_exit(0);
	}
	send_msg(M_RESTORED, now_ns(), 0, 0);
	send_msg(M_VERIFY, write(efd, &one, 8) == 8 &&
		 epoll_wait(ep, &ev, 1, 1000) == 1 && ev.data.u64 == (uint64_t)efd,
		 0, 0);
	_exit(0);
fail:
	send_msg(M_FAIL, errno, M_DIRTY, 0);
	_exit(1);
}

/* The fds run: checkpoint to tmpfs, then restart; 0 if both worked */
static int run_fds(struct result *r, uint64_t *nfd, uint64_t *nitems)
{
	int rep[2], dest, got = 0;
	struct msg m;
	pid_t pid;

	if (pipe2(rep, O_CLOEXEC))
		return -1;
	dest = open(IMG_PATH, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (dest < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setup_fds(rep[1], dest))
			_exit(2);
		fds_child();
	}
	close(rep[1]);
	close(dest);
	while (read_msg(rep[0], &m) > 0) {
		switch (m.kind) {
		case M_DIRTY:
			*nfd = m.a;
			*nitems = m.b;
			break;
		case M_CKPT:
			r->ckpt_ns = m.a;
			r->img_bytes = m.b;
			got = 1;
			break;
		case M_FAIL:
			printf("ckpt-bench: %d fds: %s failed: %s\n", NFDS,
			       step_name(m.b), strerror((int)m.a));
			break;
		}
	}
	close(rep[0]);
	if (wait_child(pid, "checkpointing child") || !got)
		return -1;
	r->ok = 1;
	printf("ckpt-bench: %d fds restart from tmpfs ...\n", NFDS);
	return run_restart("fds", r);
}

int main(void)
{
	static const size_t sizes_mib[] = { 64, 256 };
	enum { NSIZES = sizeof(sizes_mib) / sizeof(sizes_mib[0]) };
	struct result res[NSIZES][NDEST];
	int i, d, failed = 0;

	memset(res, 0, sizeof(res));
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("ckpt-bench: self checkpoint of a process holding N MiB of anonymous\n"
	       "memory filled with non-zero data; the child times the checkpoint()\n"
	       "call alone; MiB/s = N MiB / wall time. Pipe buffers: %d KiB.\n\n",
	       PIPE_SIZE >> 10);

	for (i = 0; i < NSIZES; i++) {
		size_t size = sizes_mib[i] << 20;

		for (d = 0; d < NDEST; d++) {
			struct result *r = &res[i][d];

			printf("ckpt-bench: %zu MiB -> %s ...\n", sizes_mib[i],
			       dest_name[d]);
			if (d == D_PIPE)
				r->memcpy_ns = res[i][D_TMPFS].memcpy_ns;
			r->ok = run_ckpt(size, d, r) == 0;
			if (!r->ok) {
				failed = 1;
				unlink(IMG_PATH);
				continue;
			}
			if (d != D_PIPE) {
				printf("ckpt-bench: %zu MiB restart from tmpfs ...\n",
				       sizes_mib[i]);
				char what[32];

				snprintf(what, sizeof(what), "%zu MiB",
					 sizes_mib[i]);
				if (run_restart(what, r))
					failed = 1;
				unlink(IMG_PATH);
			}
		}
	}

	printf("\ncheckpoint (MiB/s of process memory; write = write() of the same\n"
	       "bytes to the same destination; memcpy = same size, in memory;\n"
	       "swap = tmpfs with a quarter of the memory in swap first):\n\n");
	printf("%6s %-6s %10s %10s %10s %10s %10s %11s\n", "MiB", "dest",
	       "image MiB", "ckpt", "write", "memcpy", "ckpt/write",
	       "ckpt/memcpy");
	for (i = 0; i < NSIZES; i++) {
		uint64_t size = (uint64_t)sizes_mib[i] << 20;

		for (d = 0; d < NDEST; d++) {
			struct result *r = &res[i][d];
			double c, w, m;

			if (!r->ok) {
				printf("%6zu %-6s %10s\n", sizes_mib[i],
				       dest_name[d], "FAILED");
				continue;
			}
			c = mibps(size, r->ckpt_ns);
			w = mibps(size, r->write_ns);
			m = mibps(size, r->memcpy_ns);
			printf("%6zu %-6s %10.1f %10.1f %10.1f %10.1f %10.2f %11.3f\n",
			       sizes_mib[i], dest_name[d],
			       r->img_bytes / 1048576.0, c, w, m,
			       w > 0 ? c / w : 0, m > 0 ? c / m : 0);
		}
	}

	printf("\nimage size over dirty memory (smaps_rollup Anonymous + Swap just\n"
	       "before checkpoint(); aim: 1.003 or less):\n\n");
	printf("%6s %-6s %10s %10s %10s %8s\n", "MiB", "dest", "dirty MiB",
	       "swap MiB", "image MiB", "ratio");
	for (i = 0; i < NSIZES; i++) {
		for (d = 0; d < NDEST; d++) {
			struct result *r = &res[i][d];

			if (!r->ok || !r->dirty_bytes) {
				printf("%6zu %-6s %10s\n", sizes_mib[i],
				       dest_name[d], "FAILED");
				continue;
			}
			printf("%6zu %-6s %10.1f %10.1f %10.1f %8.4f\n",
			       sizes_mib[i], dest_name[d],
			       r->dirty_bytes / 1048576.0,
			       d == D_SWAP ? sizes_mib[i] / 4.0 : 0.0,
			       r->img_bytes / 1048576.0,
			       (double)r->img_bytes / r->dirty_bytes);
			if ((double)r->img_bytes / r->dirty_bytes > 1.003)
				printf("ckpt-bench: the image is above 1.003 of the memory\n");
		}
	}

	printf("\nrestart with RESTART_TASKSELF from the tmpfs image (from just\n"
	       "before restart() to the restored program running):\n\n");
	printf("%6s %-6s %10s %10s %10s\n", "MiB", "image", "image MiB", "ms",
	       "MiB/s");
	for (i = 0; i < NSIZES; i++) {
		for (d = 0; d < NDEST; d++) {
			struct result *r = &res[i][d];
			uint64_t size = (uint64_t)sizes_mib[i] << 20;

			if (d == D_PIPE)
				continue;
			if (!r->restart_ok) {
				printf("%6zu %-6s %10s\n", sizes_mib[i],
				       dest_name[d], "FAILED");
				continue;
			}
			printf("%6zu %-6s %10.1f %10.1f %10.1f\n", sizes_mib[i],
			       dest_name[d], r->img_bytes / 1048576.0,
			       r->restart_ns / 1e6, mibps(size, r->restart_ns));
		}
	}

	bench_checksums();
	{
		struct result fr = { 0 };
		uint64_t nfd = 0, nitems = 0;

		printf("\nckpt-bench: a process with about %d fds and an epoll set ...\n",
		       NFDS);
		if (run_fds(&fr, &nfd, &nitems))
			failed = 1;
		unlink(IMG_PATH);
		printf("\nmany fds (pipes, eventfds, timerfds, /dev/null; one epoll set)\n");
		printf("%6s %6s %10s %10s %10s %10s %10s\n", "fds", "items",
		       "image KiB", "ckpt ms", "us/fd", "restart ms", "us/fd");
		if (fr.ok && fr.restart_ok && nfd)
			printf("%6" PRIu64 " %6" PRIu64 " %10.1f %10.2f %10.1f %10.2f %10.1f\n",
			       nfd, nitems, fr.img_bytes / 1024.0,
			       fr.ckpt_ns / 1e6, fr.ckpt_ns / 1e3 / nfd,
			       fr.restart_ns / 1e6,
			       fr.restart_ns / 1e3 / nfd);
		else
			printf("%6s %6s %10s\n", "-", "-", "failed");
	}

	printf("\nckpt-bench: %s\n", failed ? "FAILED" : "done");
	return failed;
}
