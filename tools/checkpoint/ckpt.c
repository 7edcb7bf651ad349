// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt - checkpoint/restart coordinator.
 *
 *   ckpt info [-f] IMAGE|-          dump an image's records
 *   ckpt checkpoint (--cgroup DIR | PID) [-o FILE|-] [--subtree]
 *                   [--leave-running | --kill] [--log FILE] [-v]
 *                                   freeze, checkpoint, thaw or kill a tree
 *                                   (--kill: with CHECKPOINT_NET_LOCK, the
 *                                   tree's TCP connections kept silent
 *                                   until a restart takes them over)
 *   ckpt restart [-i FILE|-] [--log FILE] [-v] [--accept-replaced]
 *                                   restore a tree, wait for its root
 *   ckpt restart [--log FILE] [--accept-replaced] IMAGE|-
 *                                   become the program saved in a self
 *                                   checkpoint
 *   ckpt validate [--log FILE] [--accept-replaced] IMAGE|-
 *                                   would this kernel restart it?
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/checkpoint.h>

#include "image.h"

static const char *prog = "ckpt";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s COMMAND [ARGS]\n"
		"\n"
		"  info [-f|--force] IMAGE|-\n"
		"        print the records of a checkpoint image; -f dumps even\n"
		"        an image that fails verification\n"
		"  checkpoint (--cgroup DIR | PID) [-o FILE|-] [--subtree]\n"
		"             [--leave-running | --kill] [--log FILE] [-v]\n"
		"        freeze the cgroup DIR (or check that PID's cgroup is\n"
		"        frozen), checkpoint the process tree, then thaw it\n"
		"        (default) or kill it; --kill checkpoints with\n"
		"        CHECKPOINT_NET_LOCK: the tree's TCP connections stay\n"
		"        silent until a restart takes them over; see\n"
		"        `checkpoint --help`\n"
		"  restart [-i FILE|-] [--log FILE] [-v] [--drop-cpus]\n"
		"          [--accept-replaced] [FDS]\n"
		"        restore the process tree of the image as children of\n"
		"        this process, wait for its root and exit with its status\n"
		"        (SIGINT and SIGTERM are passed on to the root);\n"
		"        --drop-cpus: a CPU this machine lacks leaves the CPU\n"
		"        affinities that have it (RESTART_DROP_CPUS) instead of\n"
		"        failing the restart;\n"
		"        --accept-replaced: a file reopened by its path that is\n"
		"        another file than the checkpoint saw there (replaced\n"
		"        since, or the image moved to another machine) is taken\n"
		"        as it is (RESTART_ACCEPT_REPLACED) instead of failing\n"
		"        the restart with ESTALE\n"
		"  restart [--log FILE] [--drop-cpus] [--accept-replaced] [FDS]\n"
		"          IMAGE|-\n"
		"        replace this process by the one saved in a self\n"
		"        checkpoint (restart(0, fd, RESTART_TASKSELF, logfd));\n"
		"        an IMAGE file of a process tree is restored as with -i\n"
		"        FDS: an inherited fd N (a terminal, pipe or socket that\n"
		"        led outside) is this process's fd N, and restart fails\n"
		"        without one; --inherit-fd N=PATH opens PATH there,\n"
		"        --close-fd N leaves it closed (both may repeat; an\n"
		"        epoll item watching a closed one is dropped)\n"
		"  validate [--log FILE] [--accept-replaced] IMAGE|-\n"
		"        ask this kernel whether it would restart the image:\n"
		"        restart(0, fd, RESTART_VALIDATE, logfd) reads and checks\n"
		"        every record and restores nothing; exit 0 if valid;\n"
		"        --accept-replaced: a file replaced at its path is\n"
		"        taken, as restart --accept-replaced takes it\n"
		"  help\n"
		"\n"
		"Kernel log lines go to the --log FILE, or to stderr. A live migration:\n"
		"  ckpt checkpoint --cgroup DIR --kill -o - | ckpt restart -i -\n"
		"(of a tree with TCP connections: to another network namespace or\n"
		"machine; on the same one, through a file once the tree is killed)\n",
		prog);
}

/* ---- ckpt info ------------------------------------------------------ */

struct info {
	const struct ckpt_image *img;
	uint32_t page_size;
	unsigned int nr_records;
	unsigned int nr_tasks;
	unsigned int nr_vmas;
	uint64_t nr_pages;
	uint64_t nr_parent;		/* of nr_pages, the parents' (shared) */
	unsigned int nr_pipes;
	uint64_t pipe_bytes;
	uint64_t trailer_csum;
	/* the VMA whose PAGES records we are counting */
	const struct ckpt_hdr_vma *vma;
	uint64_t vma_pages;
	uint64_t vma_parent;		/* of vma_pages, the parent's */
	/* the last MM's mm starts as a copy of the parent's (CKPT_MM_F_FORKED) */
	bool mm_forked;
	/* the processes whose MM was read, by index in the TREE */
	uint8_t task_mm[CKPT_MAX_TASKS / 8];
	/*
	 * the executable of the last MM's mm: a path in the MM record, a
	 * deleted file's vma (CKPT_VMA_F_EXE) read since
	 */
	bool mm_exe_path, mm_exe_vma;
	/*
	 * the MEMFD or DELETED whose PAGES records (offsets in the file) we
	 * are reading
	 */
	const struct ckpt_hdr *unn;
	uint64_t unn_pages;		/* its pages so far */
	uint64_t unn_next;		/* the lowest offset its next page may have */
	unsigned int nr_memfds, nr_deleted;
	unsigned int nr_inodes;		/* INODE records */
	uint64_t memfd_total;		/* the pages of every memfd */
	uint64_t deleted_total;		/* and of every deleted file */
	/* the FILE record whose type records we are reading */
	const struct ckpt_hdr_file *file;
	unsigned int file_next;		/* index in its file_records[] */
	char file_path[300];
	char file_extra[1200];		/* a signalfd's signals: up to 64; a
					 * unix socket's options and name
					 */
	char file_note[320];		/* unknown fields, after the rest */
	char file_owner[128];		/* its owner, signal and O_ASYNC */
	/* a /proc file: its FILE_PROC, and the procfs mount's path */
	const struct ckpt_hdr_file_proc *proc;
	char proc_mnt[300];
	/* an inotify file's watches and events, printed after its line */
	const struct ckpt_hdr_inotify_watches *ino_watches;
	const struct ckpt_hdr_inotify_events *ino_events;
	uint32_t ino_max_events;	/* its FILE_INOTIFY's queue limit */
	/*
	 * a unix socket's queue: its UNIX_QUEUE, the UNIX_SENDER and the
	 * messages (UNIX_MSG, UNIX_MSG_FROM, UNIX_MSG_FDS) read since; for
	 * a listener, the queue of the last connection waiting in its
	 * backlog read
	 */
	const struct ckpt_hdr_unix_queue *ux_queue;
	uint32_t ux_nr_senders;		/* its nr_senders (0: an older record) */
	uint32_t ux_sock_type;		/* its FILE_UNIX's */
	bool ux_paired;			/* an end of a UNIX_PAIR */
	bool ux_client;			/* end 1 of an EMBRYO pair */
	uint32_t ux_senders;		/* UNIX_SENDER records read */
	uint32_t ux_msgs;		/* messages read */
	uint64_t ux_bytes;		/* their bytes */
	uint64_t ux_fds;		/* the files they carry */
	/*
	 * a listener's connections waiting in its backlog: the socket's own
	 * UNIX_QUEUE (the one its line shows first), how many UNIX_EMBRYO
	 * records restart reads after it (its FILE_UNIX's nr_embryos, when
	 * it listens and they are not too many) and how many were read;
	 * the UNIX_QUEUE of the last one is due
	 */
	const struct ckpt_hdr_unix_queue *ux_file_queue;
	uint32_t ux_nr_embryos, ux_embryos;
	bool ux_queue_due;
	/*
	 * the sock objrefs by which datagram sockets are named, found by a
	 * first walk over the image (ux_scan()), sorted: a line can say
	 * which socket it names, before or after it; the names read so far
	 * (peer_objref, UNIX_SENDER.sock_objref), which restart resolves
	 * once the whole image is read, in this order (unix_socks_end());
	 * the peer_objref of the socket being read, named after its senders
	 * as restart names them
	 */
	struct ux_sock *ux_socks;
	size_t nr_ux_socks, cap_ux_socks;
	struct ux_ref *ux_refs;
	size_t nr_ux_refs, cap_ux_refs;
	uint32_t ux_peer;
	uint32_t scan_file;		/* ux_scan(): the last FILE's objref */
	unsigned int nr_unix;
	uint64_t unix_bytes;
	unsigned int nr_inet;		/* FILE_INET records */
	/*
	 * the FILE_INET being read, and how many INET_DGRAM records restart
	 * reads after it (its nr_dgrams, on a UDP socket and when they are
	 * not too many), how many came and their bytes; the datagrams of
	 * every socket
	 */
	const struct ckpt_hdr_file_inet *inet;
	uint32_t inet_nr_dgrams, inet_dgrams;
	uint64_t inet_bytes;
	uint64_t nr_dgrams, dgram_bytes;
	/*
	 * an established TCP connection's: its TCP_CONN is due right after
	 * its FILE_INET (restart reads one there, and nowhere else), and
	 * the one read; the connections of every socket, their bytes queued
	 */
	bool tcp_due;
	const struct ckpt_hdr_tcp_conn *tcp;
	unsigned int nr_tcp;
	uint64_t tcp_bytes;
	uint64_t nr_inflight;		/* files in flight, by UNIX_FDS records */
	/* the TREE record: the pids a record may name */
	const struct ckpt_hdr_tree *tree;
	/*
	 * the objrefs of FILE, PIPE, UNIX_PAIR, MEMFD, DELETED and INODE
	 * records so far, and the sock objrefs of FILE_UNIX records (one
	 * space, as restart's) (a hash)
	 */
	struct objent *objs;
	size_t nr_objs, cap_objs;
	/*
	 * files of this process whose late record is still due: an epoll
	 * file's EPOLL_ITEMS, the UNIX_FDS of a unix socket whose messages
	 * carry files
	 */
	unsigned int late_due;
	/* the FDTABLE just read, when it announces locks: its LOCKS is next */
	const struct ckpt_hdr_fdtable *locks_fdt;
	unsigned int nr_locks;
	char err[256];
};

/*
 * An objref of the image; FILE: its type and flags, and whether a late
 * record is due (a unix socket's: the files its messages carry, whose
 * UNIX_FDS is then due); UNIX_PAIR: its sockets' type, its flags and
 * the ends read so far; MEMFD, DELETED, INODE: its record; FILE_UNIX:
 * the sock objref of a datagram socket, and its FILE
 */
struct objent {
	uint32_t objref;	/* 0: a free slot */
	uint32_t rec;		/* CKPT_HDR_FILE, _PIPE, _UNIX_PAIR, _MEMFD... */
	uint32_t ftype;		/* FILE: CKPT_FILE_*; UNIX_PAIR: SOCK_*;
				 * FILE_UNIX: its FILE's objref
				 */
	uint32_t f_flags;	/* FILE: its f_flags */
	bool late_due;		/* FILE: its late record has not come yet */
	uint64_t fds;		/* FILE (unix): the nr_fds of its messages */
	uint32_t pair_flags;	/* UNIX_PAIR: CKPT_UNIX_PAIR_* */
	uint8_t ends;		/* UNIX_PAIR: bit n, end n was read (an
				 * EMBRYO pair's end 0: its UNIX_EMBRYO)
				 */
	const struct ckpt_hdr *unn;	/* MEMFD, DELETED, INODE: its record */
};

/*
 * A sock objref of a FILE_UNIX, as the first walk found it (ux_scan()):
 * the socket's FILE, its type, and whether a record names it
 */
struct ux_sock {
	uint32_t sock;
	uint32_t file;
	uint32_t type;
	bool named;
};

/* A sock objref a record of the socket of FILE @file names */
struct ux_ref {
	uint32_t file;
	uint32_t sock;
};

static int bad(struct info *in, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct info *in, size_t off, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(in->err, sizeof(in->err), "record %u at offset %zu: %s",
		 in->nr_records, off, msg);
	return -EINVAL;
}

/* Copy at most @n bytes of @s (up to a NUL) into @dst, escaping oddities */
static const char *str(char *dst, size_t dlen, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && s[i] && o + 5 < dlen; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			dst[o++] = c;
		} else {
			snprintf(dst + o, dlen - o, "\\x%02x", c);
			o += 4;
		}
	}
	dst[o] = '\0';
	return dst;
}

/* A NUL terminated string of exactly @len bytes at @p (len counts NUL) */
static int check_str(const char *p, uint32_t len)
{
	return len >= 1 && p[len - 1] == '\0' &&
	       strnlen(p, len) == len - 1;
}

static const char *const sig_names[] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT",
	[SIGILL] = "ILL", [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",
	[SIGBUS] = "BUS", [SIGFPE] = "FPE", [SIGKILL] = "KILL",
	[SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",
	[SIGSTOP] = "STOP", [SIGTSTP] = "TSTP", [SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH", [SIGIO] = "IO", [SIGPWR] = "PWR",
	[SIGSYS] = "SYS",
};

/* glibc's SIGRTMIN: the C library keeps signals 32 and 33 for itself */
#define RTMIN_LIBC	34

static const char *signame(char *buf, size_t len, unsigned int sig)
{
	if (sig < sizeof(sig_names) / sizeof(sig_names[0]) && sig_names[sig])
		snprintf(buf, len, "SIG%s", sig_names[sig]);
	else if (sig == RTMIN_LIBC)
		snprintf(buf, len, "SIGRTMIN");
	else if (sig > RTMIN_LIBC && sig < CKPT_NSIG)
		snprintf(buf, len, "SIGRTMIN+%u", sig - RTMIN_LIBC);
	else if (sig == CKPT_NSIG)
		snprintf(buf, len, "SIGRTMAX");
	else
		snprintf(buf, len, "SIG%u", sig);
	return buf;
}

/* "SIGUSR1 SIGUSR2" for a mask (bit n - 1 is signal n) */
static const char *sigset_str(char *buf, size_t len, uint64_t mask)
{
	char name[16];
	size_t o = 0;
	int sig;

	buf[0] = '\0';
	for (sig = 1; sig <= CKPT_NSIG && o + 20 < len; sig++) {
		if (!(mask & (1ULL << (sig - 1))))
			continue;
		o += snprintf(buf + o, len - o, "%s%s", o ? " " : "",
			      signame(name, sizeof(name), sig));
	}
	if (!mask)
		snprintf(buf, len, "none");
	return buf;
}

static void flag_add(char *buf, size_t len, const char *name)
{
	size_t o = strlen(buf);

	snprintf(buf + o, len - o, "%s%s", o ? "|" : "", name);
}

static const char *fflags_str(char *buf, size_t len, uint32_t f)
{
	/* kernel f_flags bits (O_LARGEFILE is 0 in 64-bit userspace) */
	static const struct { uint32_t bit; const char *name; } fl[] = {
		{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" },
		{ O_NOCTTY, "O_NOCTTY" }, { O_TRUNC, "O_TRUNC" },
		{ O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
		{ O_DSYNC, "O_DSYNC" }, { FASYNC, "O_ASYNC" },
		{ O_DIRECT, "O_DIRECT" }, { 0100000, "O_LARGEFILE" },
		{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
		{ O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" },
		{ 04000000, "O_SYNC" }, { O_PATH, "O_PATH" },
		{ __O_TMPFILE, "O_TMPFILE" },
	};
	uint32_t rest = f & ~O_ACCMODE;
	size_t i;

	buf[0] = '\0';
	switch (f & O_ACCMODE) {
	case O_RDONLY:
		flag_add(buf, len, "O_RDONLY");
		break;
	case O_WRONLY:
		flag_add(buf, len, "O_WRONLY");
		break;
	case O_RDWR:
		flag_add(buf, len, "O_RDWR");
		break;
	default:
		flag_add(buf, len, "O_ACCMODE");
		break;
	}
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		if (rest & fl[i].bit) {
			flag_add(buf, len, fl[i].name);
			rest &= ~fl[i].bit;
		}
	}
	if (rest) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "|0x%x", rest);
	}
	return buf;
}

static const char *saflags_str(char *buf, size_t len, uint64_t f)
{
	static const struct { uint64_t bit; const char *name; } fl[] = {
		{ SA_NOCLDSTOP, "NOCLDSTOP" }, { SA_NOCLDWAIT, "NOCLDWAIT" },
		{ SA_SIGINFO, "SIGINFO" }, { SA_ONSTACK, "ONSTACK" },
		{ SA_RESTART, "RESTART" }, { SA_NODEFER, "NODEFER" },
		{ SA_RESETHAND, "RESETHAND" }, { 0x04000000, "RESTORER" },
	};
	uint64_t rest = f;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		if (rest & fl[i].bit) {
			flag_add(buf, len, fl[i].name);
			rest &= ~fl[i].bit;
		}
	}
	if (rest) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "%s0x%" PRIx64, o ? "|" : "", rest);
	}
	if (!buf[0])
		snprintf(buf, len, "0");
	return buf;
}

static const char *lim_str(char *buf, size_t len, uint64_t v)
{
	if (v == ~0ULL)
		snprintf(buf, len, "inf");
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static const char *size_str(char *buf, size_t len, uint64_t bytes)
{
	snprintf(buf, len, "%" PRIu64 " KiB", (bytes + 1023) >> 10);
	return buf;
}

/* "exited 3", "killed by SIGTERM", "killed by SIGSEGV (core dumped)" */
static const char *wstatus_str(char *buf, size_t len, uint32_t status)
{
	char sig[16];

	if ((status & 0x7f) == 0)
		snprintf(buf, len, "exited %u", (status >> 8) & 0xff);
	else
		snprintf(buf, len, "killed by %s%s",
			 signame(sig, sizeof(sig), status & 0x7f),
			 (status & 0x80) ? " (core dumped)" : "");
	return buf;
}

static int info_header(struct info *in, const struct ckpt_hdr_header *hh,
		       size_t off)
{
	char sys[80], node[80], rel[80], ver[80], mach[80], tbuf[64], fl[64];
	time_t t = (time_t)hh->time;
	struct tm tm;

	if (off != 0)
		return bad(in, off, "HEADER after the start of the image");
	if (hh->page_size < 4096 || hh->page_size > (1U << 16) ||
	    (hh->page_size & (hh->page_size - 1)))
		return bad(in, off, "bad page size %u", hh->page_size);
	if (hh->page_size != 4096)
		return bad(in, off, "page size %u: this tool reads 4096",
			   hh->page_size);
	in->page_size = hh->page_size;

	if (gmtime_r(&t, &tm))
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(tbuf, sizeof(tbuf), "?");

	printf("header: format version %u, arch %s (%u), page size %u, checksum %s\n",
	       hh->version,
	       hh->arch == CKPT_ARCH_X86_64 ? "x86_64" : "unknown", hh->arch,
	       hh->page_size,
	       hh->csum_alg == CKPT_CSUM_XXH64 ? "xxh64" : "unknown");
	fl[0] = '\0';
	if (hh->flags & CKPT_IMG_SELF)
		flag_add(fl, sizeof(fl), "self");
	if (hh->flags & CKPT_IMG_CONTAINER)
		flag_add(fl, sizeof(fl), "container");
	if (hh->flags & CKPT_IMG_SUBTREE)
		flag_add(fl, sizeof(fl), "subtree");
	if (hh->flags & ~(uint64_t)CKPT_IMG_FLAGS_MASK)
		flag_add(fl, sizeof(fl), "unknown");
	printf("  checkpoint id %" PRIu64 ", flags 0x%" PRIx64 "%s%s%s, %u task%s\n",
	       (uint64_t)hh->ckpt_id, (uint64_t)hh->flags,
	       fl[0] ? " (" : "", fl, fl[0] ? ")" : "",
	       hh->nr_tasks, hh->nr_tasks == 1 ? "" : "s");
	printf("  taken %s (%" PRId64 ")\n", tbuf, (int64_t)hh->time);
	printf("  kernel: %s %s %s %s %s\n",
	       str(sys, sizeof(sys), hh->sysname, sizeof(hh->sysname)),
	       str(node, sizeof(node), hh->nodename, sizeof(hh->nodename)),
	       str(rel, sizeof(rel), hh->release, sizeof(hh->release)),
	       str(ver, sizeof(ver), hh->version_str,
		   sizeof(hh->version_str)),
	       str(mach, sizeof(mach), hh->machine, sizeof(hh->machine)));
	return 0;
}

static int info_tree(struct info *in, const struct ckpt_hdr_tree *t,
		     size_t off)
{
	const struct ckpt_task_pids *p = (const void *)(t + 1);
	uint32_t i, threads = 0, zombies = 0;

	if (t->nr_tasks > CKPT_MAX_TASKS ||
	    sizeof(*t) + (size_t)t->nr_tasks * sizeof(*p) > t->h.len)
		return bad(in, off, "TREE of %u tasks does not fit in %u bytes",
			   t->nr_tasks, t->h.len);
	in->tree = t;
	for (i = 0; i < t->nr_tasks; i++) {
		if (p[i].pid != p[i].tgid)
			threads++;
		else if (p[i].flags & CKPT_PIDS_ZOMBIE)
			zombies++;
	}
	printf("tree: %u task%s: %u process%s (%u zombie%s), %u more thread%s\n",
	       t->nr_tasks, t->nr_tasks == 1 ? "" : "s",
	       t->nr_tasks - threads, t->nr_tasks - threads == 1 ? "" : "es",
	       zombies, zombies == 1 ? "" : "s",
	       threads, threads == 1 ? "" : "s");
	for (i = 0; i < t->nr_tasks; i++) {
		char fl[64] = "";

		if (p[i].flags & CKPT_PIDS_ZOMBIE)
			flag_add(fl, sizeof(fl), "zombie");
		if (p[i].flags & ~CKPT_PIDS_FLAGS_MASK)
			snprintf(fl + strlen(fl), sizeof(fl) - strlen(fl),
				 "%s0x%x", fl[0] ? "|" : "",
				 p[i].flags & ~CKPT_PIDS_FLAGS_MASK);
		printf("  pid %d tgid %d ppid %d pgid %d sid %d%s%s%s\n",
		       p[i].pid, p[i].tgid, p[i].ppid, p[i].pgid, p[i].sid,
		       p[i].pid != p[i].tgid ? " (thread)" : "",
		       fl[0] ? " " : "", fl);
	}
	return 0;
}

/* "0-3,8" for the CPUs of a TASK record's affinity */
static const char *cpus_str(char *buf, size_t len,
			    const struct ckpt_hdr_task *t)
{
	unsigned int cpu, first, n = 0;
	size_t at = 0;

	buf[0] = '\0';
	for (cpu = 0; cpu < t->nr_cpus && cpu < CKPT_MAX_CPUS; cpu++) {
		if (!(t->cpus[cpu / 64] >> (cpu % 64) & 1))
			continue;
		first = cpu;
		while (cpu + 1 < t->nr_cpus && cpu + 1 < CKPT_MAX_CPUS &&
		       t->cpus[(cpu + 1) / 64] >> ((cpu + 1) % 64) & 1)
			cpu++;
		if (at < len)
			at += snprintf(buf + at, len - at, first == cpu ?
				       "%s%u" : "%s%u-%u", n++ ? "," : "",
				       first, cpu);
	}
	return buf;
}

static int info_task(struct info *in, const struct ckpt_hdr_task *rec,
		     size_t off)
{
	char comm[80], sig[16], st[48], cpus[256];
	struct ckpt_hdr_task task = { 0 }, *t = &task;

	/* an older, shorter TASK has no I/O priority and no affinity */
	memcpy(t, rec, rec->h.len < sizeof(*t) ? rec->h.len : sizeof(*t));

	in->nr_tasks++;
	printf("task %u: comm \"%s\", personality 0x%x, exit signal %s%s\n",
	       in->nr_tasks, str(comm, sizeof(comm), t->comm, sizeof(t->comm)),
	       t->personality,
	       t->exit_signal ? signame(sig, sizeof(sig), t->exit_signal) :
				"none",
	       (t->task_flags & CKPT_TASK_NO_NEW_PRIVS) ?
	       ", no_new_privs" : "");
	if (t->task_flags & CKPT_TASK_ZOMBIE) {
		printf("  zombie: %s (wait status 0x%x)\n",
		       wstatus_str(st, sizeof(st), t->exit_code), t->exit_code);
		return 0;
	}
	printf("  clear_child_tid 0x%" PRIx64 ", robust_list 0x%" PRIx64
	       " (%" PRIu64 "), rseq 0x%" PRIx64 " (%u bytes, sig 0x%x)\n",
	       (uint64_t)t->clear_child_tid, (uint64_t)t->robust_list,
	       (uint64_t)t->robust_list_len, (uint64_t)t->rseq, t->rseq_len,
	       t->rseq_sig);
	printf("  sched policy %u%s, nice %d, rt priority %u, timer slack %" PRIu64
	       " ns, parent-death signal %s\n", t->policy,
	       (t->task_flags & CKPT_TASK_RESET_ON_FORK) ? " (reset on fork)" : "",
	       t->nice, t->rt_priority, (uint64_t)t->timer_slack_ns,
	       t->pdeath_signal ? signame(sig, sizeof(sig), t->pdeath_signal) :
				  "none");
	printf("  oom_score_adj %d, dumpable %u%s%s\n", t->oom_score_adj,
	       t->dumpable,
	       (t->task_flags & CKPT_TASK_SUBREAPER) ? ", child subreaper" : "",
	       (t->task_flags & CKPT_TASK_THP_DISABLE) ? ", THP disabled" : "");
	if (t->ioprio)
		printf("  I/O priority class %u level %u\n", t->ioprio >> 13,
		       t->ioprio & 7);
	if (t->nr_cpus > CKPT_MAX_CPUS)
		return bad(in, off, "TASK affinity of %u CPUs (at most %u)",
			   t->nr_cpus, CKPT_MAX_CPUS);
	if (t->nr_cpus)
		printf("  CPU affinity %s (of %u)\n",
		       cpus_str(cpus, sizeof(cpus), t), t->nr_cpus);
	if (t->stop_signal)
		printf("  stopped by %s%s\n",
		       signame(sig, sizeof(sig), t->stop_signal),
		       t->stop_code ? ", not reported to waitpid() yet" : "");
	if (t->stop_flags & CKPT_STOP_CONTINUED)
		printf("  continued, not reported to waitpid() yet\n");
	return 0;
}

static int info_creds(struct info *in, const struct ckpt_hdr_creds *c,
		      size_t off)
{
	const uint32_t *g = (const void *)(c + 1);
	uint32_t i;

	if (c->ngroups > CKPT_MAX_GROUPS ||
	    sizeof(*c) + (size_t)c->ngroups * 4 > c->h.len)
		return bad(in, off, "CREDS with %u groups does not fit in %u bytes",
			   c->ngroups, c->h.len);
	printf("creds: uid %u/%u/%u/%u gid %u/%u/%u/%u (real/eff/saved/fs)\n",
	       c->uid, c->euid, c->suid, c->fsuid,
	       c->gid, c->egid, c->sgid, c->fsgid);
	printf("  caps eff 0x%" PRIx64 " prm 0x%" PRIx64 " inh 0x%" PRIx64
	       " bnd 0x%" PRIx64 " amb 0x%" PRIx64 "\n",
	       (uint64_t)c->cap_effective, (uint64_t)c->cap_permitted,
	       (uint64_t)c->cap_inheritable, (uint64_t)c->cap_bset,
	       (uint64_t)c->cap_ambient);
	printf("  securebits 0x%x, %u supplementary group%s", c->securebits,
	       c->ngroups, c->ngroups == 1 ? "" : "s");
	for (i = 0; i < c->ngroups && i < 12; i++)
		printf("%s%u", i ? " " : ": ", g[i]);
	printf("%s\n", c->ngroups > 12 ? " ..." : "");
	return 0;
}

static const char *const rlim_names[CKPT_RLIM_NLIMITS] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
	"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO",
	"RTTIME",
};

static int info_rlimits(struct info *in, const struct ckpt_hdr_rlimits *r,
			size_t off)
{
	char line[200], cur[24], max[24];
	unsigned int i, shown = 0;
	size_t o;

	if (r->nr_limits > CKPT_RLIM_NLIMITS)
		return bad(in, off, "RLIMITS with %u limits (at most %u)",
			   r->nr_limits, CKPT_RLIM_NLIMITS);
	o = snprintf(line, sizeof(line), "rlimits (cur/max; unlimited ones omitted):");
	for (i = 0; i < r->nr_limits; i++) {
		char item[80];
		int n;

		if (r->rlim[i].rlim_cur == ~0ULL &&
		    r->rlim[i].rlim_max == ~0ULL)
			continue;
		n = snprintf(item, sizeof(item), " %s %s/%s", rlim_names[i],
			     lim_str(cur, sizeof(cur), r->rlim[i].rlim_cur),
			     lim_str(max, sizeof(max), r->rlim[i].rlim_max));
		if (o + n > 78) {
			printf("%s\n", line);
			o = snprintf(line, sizeof(line), " ");
		}
		o += snprintf(line + o, sizeof(line) - o, "%s", item);
		shown++;
	}
	if (!shown)
		o += snprintf(line + o, sizeof(line) - o, " none");
	printf("%s\n", line);
	for (i = 0; i < CKPT_NITIMERS; i++) {
		static const char *const names[CKPT_NITIMERS] = {
			"ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF",
		};

		if (r->itimer[i].value)
			printf("  %s: %.3f s left, period %.3f s\n", names[i],
			       r->itimer[i].value / 1e9,
			       r->itimer[i].interval / 1e9);
	}
	return 0;
}

static int info_timers(struct info *in, const struct ckpt_hdr_timers *t,
		       size_t off)
{
	const struct ckpt_posix_timer *p = (const void *)(t + 1);
	uint32_t i;

	if (t->nr_timers > CKPT_MAX_TIMERS ||
	    sizeof(*t) + (size_t)t->nr_timers * sizeof(*p) > t->h.len)
		return bad(in, off, "TIMERS with %u timers does not fit in %u bytes",
			   t->nr_timers, t->h.len);
	if (!t->nr_timers)
		return 0;
	printf("posix timers: %u, next id %d\n", t->nr_timers, t->next_id);
	for (i = 0; i < t->nr_timers; i++)
		printf("  timer %d: clock %d, notify %d, signal %d, %.3f s left, period %.3f s\n",
		       p[i].id, p[i].clockid, p[i].notify, p[i].signo,
		       p[i].value / 1e9, p[i].interval / 1e9);
	return 0;
}

static int info_fs(struct info *in, const struct ckpt_hdr_fs *f, size_t off)
{
	const char *cwd = (const char *)(f + 1);
	const char *root;
	char b1[256], b2[256];

	if (f->cwd_len > CKPT_PATH_MAX || f->root_len > CKPT_PATH_MAX ||
	    sizeof(*f) + (size_t)f->cwd_len + f->root_len > f->h.len)
		return bad(in, off, "FS paths (%u + %u bytes) do not fit in %u bytes",
			   f->cwd_len, f->root_len, f->h.len);
	root = cwd + f->cwd_len;
	if (!check_str(cwd, f->cwd_len) || !check_str(root, f->root_len))
		return bad(in, off, "FS path not NUL terminated");
	printf("fs: cwd \"%s\", root \"%s\", umask %04o\n",
	       str(b1, sizeof(b1), cwd, f->cwd_len),
	       str(b2, sizeof(b2), root, f->root_len), f->umask);
	return 0;
}

static const char *const file_types[CKPT_FILE_MAX] = {
	[CKPT_FILE_REG] = "regular",
	[CKPT_FILE_DIR] = "directory",
	[CKPT_FILE_CHR] = "chardev",
	[CKPT_FILE_INHERITED] = "inherited",
	[CKPT_FILE_PIPE] = "pipe",
	[CKPT_FILE_FIFO] = "fifo",
	[CKPT_FILE_EVENTFD] = "eventfd",
	[CKPT_FILE_EPOLL] = "epoll",
	[CKPT_FILE_SIGNALFD] = "signalfd",
	[CKPT_FILE_TIMERFD] = "timerfd",
	[CKPT_FILE_INOTIFY] = "inotify",
	[CKPT_FILE_UNIX] = "unix",
	[CKPT_FILE_MEMFD] = "memfd",
	[CKPT_FILE_DELETED] = "deleted",
	[CKPT_FILE_PIDFD] = "pidfd",
	[CKPT_FILE_PROC] = "/proc file",
	[CKPT_FILE_INET] = "inet",
};

static const char *const inherit_types[CKPT_INHERIT_MAX] = {
	[CKPT_INHERIT_TTY] = "tty",
	[CKPT_INHERIT_PIPE] = "pipe",
	[CKPT_INHERIT_SOCKET] = "socket",
};

/*
 * The records that follow a FILE record of each type, in order (and the
 * PIPE record, of a pipe's first end, right before its FILE_PIPE; the
 * UNIX_PAIR of a socket pair's first end, and the INODE of a socket bound
 * to a path, right before its FILE_UNIX; the nr_senders UNIX_SENDER
 * records of a UNIX_QUEUE after it, then its nr_msgs messages, UNIX_MSG,
 * UNIX_MSG_FROM and UNIX_MSG_FDS records in queue order; the MEMFD of
 * the first open of a memfd, and its PAGES, right before its FILE_MEMFD;
 * the DELETED of a deleted file's first open and its PAGES before its
 * FILE_DELETED); a /proc file's two STRING records are the procfs
 * mount's path and its path below the task's directory. A unix socket's
 * STRING, where its socket inode is, is there only when its FILE_UNIX
 * says it is bound to a path (ux_has_path()): otherwise info_file_rec()
 * steps over it. A listening socket's UNIX_QUEUE (and its records) is
 * followed by its nr_embryos connections waiting in its backlog, each a
 * UNIX_EMBRYO (the UNIX_PAIR it names right before it, if it is the
 * first to name it), its UNIX_QUEUE and that queue's messages
 * (info_unix_embryo()). The files a socket's messages carry (a
 * UNIX_MSG_FDS's) are named by its late record, UNIX_FDS. An inet
 * socket's FILE_INET is followed by the nr_dgrams INET_DGRAM records of a
 * UDP socket (info_inet_dgram()), or by the TCP_CONN of an established
 * TCP connection (info_tcp_conn()).
 */
#define FILE_RECS_MAX 3
static const uint32_t file_records[CKPT_FILE_MAX][FILE_RECS_MAX + 1] = {
	[CKPT_FILE_REG] = { CKPT_HDR_STRING },
	[CKPT_FILE_DIR] = { CKPT_HDR_STRING },
	[CKPT_FILE_CHR] = { CKPT_HDR_FILE_CHR, CKPT_HDR_STRING },
	[CKPT_FILE_INHERITED] = { CKPT_HDR_FILE_INHERIT },
	[CKPT_FILE_PIPE] = { CKPT_HDR_FILE_PIPE },
	[CKPT_FILE_FIFO] = { CKPT_HDR_FILE_PIPE, CKPT_HDR_STRING },
	[CKPT_FILE_EVENTFD] = { CKPT_HDR_FILE_EVENTFD },
	[CKPT_FILE_EPOLL] = { CKPT_HDR_FILE_EPOLL },
	[CKPT_FILE_SIGNALFD] = { CKPT_HDR_FILE_SIGNALFD },
	[CKPT_FILE_TIMERFD] = { CKPT_HDR_FILE_TIMERFD },
	[CKPT_FILE_INOTIFY] = { CKPT_HDR_FILE_INOTIFY, CKPT_HDR_INOTIFY_WATCHES,
				CKPT_HDR_INOTIFY_EVENTS },
	[CKPT_FILE_UNIX] = { CKPT_HDR_FILE_UNIX, CKPT_HDR_STRING,
			     CKPT_HDR_UNIX_QUEUE },
	[CKPT_FILE_MEMFD] = { CKPT_HDR_FILE_MEMFD },
	[CKPT_FILE_DELETED] = { CKPT_HDR_FILE_DELETED },
	[CKPT_FILE_PIDFD] = { CKPT_HDR_FILE_PIDFD },
	[CKPT_FILE_PROC] = { CKPT_HDR_FILE_PROC, CKPT_HDR_STRING,
			     CKPT_HDR_STRING },
	[CKPT_FILE_INET] = { CKPT_HDR_FILE_INET },
};

/*
 * The late record of a file type, which comes once the FILE records of
 * the process are written (other FILE records may come between late
 * records), before its FDTABLE; or 0. An epoll file has one always; a
 * unix socket only when messages of its queues carry files (its
 * UNIX_FDS, due from the first UNIX_MSG_FDS on: info_unix_msg()).
 */
static uint32_t file_late_record(uint32_t ftype)
{
	switch (ftype) {
	case CKPT_FILE_EPOLL:
		return CKPT_HDR_EPOLL_ITEMS;
	case CKPT_FILE_UNIX:
		return CKPT_HDR_UNIX_FDS;
	}
	return 0;
}

static bool file_type_record(uint32_t type)
{
	return type == CKPT_HDR_STRING || type == CKPT_HDR_FILE_CHR ||
	       type == CKPT_HDR_FILE_INHERIT || type == CKPT_HDR_FILE_PIPE ||
	       type == CKPT_HDR_FILE_EVENTFD || type == CKPT_HDR_FILE_EPOLL ||
	       type == CKPT_HDR_FILE_SIGNALFD || type == CKPT_HDR_FILE_TIMERFD ||
	       type == CKPT_HDR_FILE_INOTIFY || type == CKPT_HDR_INOTIFY_WATCHES ||
	       type == CKPT_HDR_INOTIFY_EVENTS || type == CKPT_HDR_FILE_UNIX ||
	       type == CKPT_HDR_UNIX_QUEUE || type == CKPT_HDR_UNIX_MSG ||
	       type == CKPT_HDR_UNIX_SENDER || type == CKPT_HDR_UNIX_MSG_FROM ||
	       type == CKPT_HDR_UNIX_EMBRYO || type == CKPT_HDR_UNIX_MSG_FDS ||
	       type == CKPT_HDR_FILE_MEMFD || type == CKPT_HDR_FILE_DELETED ||
	       type == CKPT_HDR_FILE_PIDFD || type == CKPT_HDR_FILE_PROC ||
	       type == CKPT_HDR_FILE_INET || type == CKPT_HDR_INET_DGRAM ||
	       type == CKPT_HDR_TCP_CONN;
}

/* Is the FILE record being read waiting for a record of @type next? */
static bool file_wants(const struct info *in, uint32_t type)
{
	const struct ckpt_hdr_file *f = in->file;

	return f && f->type > 0 && f->type < CKPT_FILE_MAX &&
	       file_records[f->type][in->file_next] == type;
}

/*
 * May a connection waiting in the backlog of the listening socket being
 * read come next, its UNIX_EMBRYO (or the UNIX_PAIR before it)? After
 * the socket's UNIX_QUEUE, or the last connection's, and all of that
 * queue's records, while fewer than nr_embryos were read.
 */
static bool ux_embryo_due(const struct info *in)
{
	const struct ckpt_hdr_file *f = in->file;

	return f && f->type == CKPT_FILE_UNIX && in->ux_queue &&
	       !in->ux_queue_due && in->ux_embryos < in->ux_nr_embryos &&
	       in->ux_senders == in->ux_nr_senders &&
	       in->ux_msgs == in->ux_queue->nr_msgs;
}

/*
 * May the record of a shared object of @type (PIPE, UNIX_PAIR, MEMFD,
 * DELETED, INODE) come here, among the records of a FILE? Restart reads
 * any number of PIPE and UNIX_PAIR records right before a FILE_PIPE, a
 * FILE_UNIX or a UNIX_EMBRYO (the records that may name one; restart
 * reads the objects before a UNIX_EMBRYO as before a FILE_UNIX), a MEMFD
 * (and its PAGES) right before a FILE_MEMFD, a DELETED right before a
 * FILE_DELETED. A MEMFD or a DELETED may also come right before a VMA,
 * outside a FILE; an INODE comes right before the FILE or the VMA that
 * names it, outside the records of a FILE, or, a unix socket's bound to
 * a path, right before the FILE_UNIX that names it; restart reads one
 * wherever it reads the objects before a record (before any of those
 * four, and before a UNIX_EMBRYO).
 */
static bool shared_obj_here(const struct info *in, uint32_t type)
{
	switch (type) {
	case CKPT_HDR_PIPE:
	case CKPT_HDR_UNIX_PAIR:
		return file_wants(in, CKPT_HDR_FILE_PIPE) ||
		       file_wants(in, CKPT_HDR_FILE_UNIX) || ux_embryo_due(in);
	case CKPT_HDR_MEMFD:
		return file_wants(in, CKPT_HDR_FILE_MEMFD);
	case CKPT_HDR_DELETED:
		return file_wants(in, CKPT_HDR_FILE_DELETED);
	case CKPT_HDR_INODE:
		return file_wants(in, CKPT_HDR_FILE_PIPE) ||
		       file_wants(in, CKPT_HDR_FILE_UNIX) ||
		       file_wants(in, CKPT_HDR_FILE_MEMFD) ||
		       file_wants(in, CKPT_HDR_FILE_DELETED) ||
		       ux_embryo_due(in);
	}
	return false;
}

static const char *file_type_name(uint32_t type)
{
	/* a type newer than this tool's tables: no name */
	return type > 0 && type < CKPT_FILE_MAX && file_types[type] ?
	       file_types[type] : "?";
}

/*
 * An extensible record longer than the struct this tool knows: a newer
 * writer's fields, which must be zero for a reader that does not know
 * them. Noted on the file's line.
 */
static void ext_tail(struct info *in, const struct ckpt_hdr *h, size_t known)
{
	const unsigned char *p = (const unsigned char *)h;
	size_t i, o = strlen(in->file_note), nonzero = 0;

	for (i = known; i < h->len; i++)
		nonzero += p[i] != 0;
	if (nonzero)
		snprintf(in->file_note + o, sizeof(in->file_note) - o,
			 " [%s: %u bytes past its known fields, %zu not zero]",
			 ckpt_hdr_name(h->type), h->len - (unsigned int)known,
			 nonzero);
}

/* ---- objrefs: the FILE and PIPE records read so far ---- */

static size_t obj_slot(uint32_t objref, size_t mask)
{
	return (size_t)(objref * 2654435761U) & mask;
}

/* The entry of @objref, or NULL */
static struct objent *obj_find(const struct info *in, uint32_t objref)
{
	size_t i, mask = in->cap_objs - 1;

	if (!in->cap_objs || !objref)
		return NULL;
	for (i = obj_slot(objref, mask); in->objs[i].objref;
	     i = (i + 1) & mask)
		if (in->objs[i].objref == objref)
			return &in->objs[i];
	return NULL;
}

/*
 * Note @objref, the objref of a record of type @rec at @off: refused when
 * it is 0 or was used before (restart refuses both: objrefs of files,
 * pipes, socket pairs and shared memory are one space).
 */
static int obj_add(struct info *in, uint32_t objref, uint32_t rec,
		   uint32_t ftype, size_t off)
{
	struct objent *e;
	size_t i;

	if (!objref)
		return bad(in, off, "%s with objref 0", ckpt_hdr_name(rec));
	if (obj_find(in, objref))
		return bad(in, off, "%s #%u: objref used before",
			   ckpt_hdr_name(rec), objref);
	if (2 * (in->nr_objs + 1) > in->cap_objs) {
		size_t cap = in->cap_objs ? 2 * in->cap_objs : 64;
		struct objent *n = calloc(cap, sizeof(*n));

		if (!n)
			return bad(in, off, "out of memory");
		for (i = 0; i < in->cap_objs; i++) {
			size_t j;

			if (!in->objs[i].objref)
				continue;
			for (j = obj_slot(in->objs[i].objref, cap - 1);
			     n[j].objref; j = (j + 1) & (cap - 1))
				;
			n[j] = in->objs[i];
		}
		free(in->objs);
		in->objs = n;
		in->cap_objs = cap;
	}
	for (i = obj_slot(objref, in->cap_objs - 1); in->objs[i].objref;
	     i = (i + 1) & (in->cap_objs - 1))
		;
	e = &in->objs[i];
	e->objref = objref;
	e->rec = rec;
	e->ftype = ftype;
	/*
	 * an epoll file: its EPOLL_ITEMS before this process's FDTABLE (a
	 * unix socket's UNIX_FDS is due once a message carries files)
	 */
	e->late_due = rec == CKPT_HDR_FILE && ftype == CKPT_FILE_EPOLL;
	in->late_due += e->late_due;
	in->nr_objs++;
	return 0;
}

/*
 * Unnamed files, saved with their contents: a memfd's MEMFD record, a
 * deleted file's DELETED. The record of objref @ref of @type read
 * before, or NULL.
 */
static const struct ckpt_hdr *unn_find(struct info *in, uint32_t ref,
				       uint32_t type)
{
	const struct objent *e = obj_find(in, ref);

	return e && e->rec == type ? e->unn : NULL;
}

/* The objref and the size of the MEMFD or DELETED record @h */
static uint32_t unn_objref(const struct ckpt_hdr *h)
{
	return h->type == CKPT_HDR_MEMFD ?
	       ((const struct ckpt_hdr_memfd *)h)->objref :
	       ((const struct ckpt_hdr_deleted *)h)->objref;
}

static uint64_t unn_size(const struct ckpt_hdr *h)
{
	return h->type == CKPT_HDR_MEMFD ?
	       ((const struct ckpt_hdr_memfd *)h)->size :
	       ((const struct ckpt_hdr_deleted *)h)->size;
}

/* What the file of MEMFD or DELETED record @h is: "memfd", "deleted" */
static const char *unn_kind(const struct ckpt_hdr *h)
{
	return h->type == CKPT_HDR_MEMFD ? "memfd" : "deleted";
}

/*
 * The name of the file of MEMFD or DELETED record @h: a memfd's name
 * (@full: as /proc/PID/maps shows it, "/memfd:NAME"), a deleted file's
 * path (@full: "PATH (deleted)")
 */
static const char *unn_name(char *buf, size_t len, const struct ckpt_hdr *h,
			    bool full)
{
	const struct ckpt_hdr_memfd *m = (const void *)h;
	const struct ckpt_hdr_deleted *d = (const void *)h;
	char s[300];

	if (h->type == CKPT_HDR_MEMFD)
		str(s, sizeof(s), (const char *)(m + 1), m->name_len);
	else
		str(s, sizeof(s), (const char *)(d + 1), d->path_len);
	snprintf(buf, len, "%s%s%s", full && h->type == CKPT_HDR_MEMFD ?
		 "/memfd:" : "", s,
		 full && h->type == CKPT_HDR_DELETED ? " (deleted)" : "");
	return buf;
}

/*
 * At an FDTABLE (@next) or at the end of the image: every file of the
 * process whose late record is due had it.
 */
static int late_check(struct info *in, const struct ckpt_hdr *next,
		      size_t off)
{
	size_t i;

	if (!in->late_due)
		return 0;
	for (i = 0; i < in->cap_objs; i++)
		if (in->objs[i].objref && in->objs[i].late_due)
			break;
	return bad(in, off, "FILE #%u (%s) has no %s record before %s",
		   i < in->cap_objs ? in->objs[i].objref : 0,
		   i < in->cap_objs ? file_type_name(in->objs[i].ftype) : "?",
		   i < in->cap_objs ?
		   ckpt_hdr_name(file_late_record(in->objs[i].ftype)) : "late",
		   next ? "the FDTABLE" : "the end");
}

/* Sort keys: an epoll item's (target, fd), an inotify watch descriptor */
static int item_key_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- inotify: FILE_INOTIFY, INOTIFY_WATCHES, INOTIFY_EVENTS ---- */

/* what a watch's mask may hold: what inotify_add_watch() keeps */
#define INO_WATCH_OK	((uint32_t)(IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK))
/* what a queued event's mask may hold, IN_Q_OVERFLOW (alone) aside */
#define INO_EVENT_OK	((uint32_t)(IN_ALL_EVENTS | IN_ISDIR | IN_UNMOUNT | \
				    IN_IGNORED))
/* an event's name is NUL-padded to a multiple of its struct's size */
#define INO_NAME_ALIGN	sizeof(struct inotify_event)
#define INO_NAME_MAX	256	/* NAME_MAX + 1, so padded */
/* the default fs.inotify.max_queued_events */
#define INO_QUEUED_DEFAULT	16384

/* inotify mask bits, as IN_CREATE|IN_ISDIR|... */
static const char *inotify_mask_str(char *buf, size_t len, uint32_t mask)
{
	static const struct { uint32_t bit; const char *name; } fl[] = {
		{ IN_ACCESS, "IN_ACCESS" }, { IN_MODIFY, "IN_MODIFY" },
		{ IN_ATTRIB, "IN_ATTRIB" }, { IN_CLOSE_WRITE, "IN_CLOSE_WRITE" },
		{ IN_CLOSE_NOWRITE, "IN_CLOSE_NOWRITE" }, { IN_OPEN, "IN_OPEN" },
		{ IN_MOVED_FROM, "IN_MOVED_FROM" }, { IN_MOVED_TO, "IN_MOVED_TO" },
		{ IN_CREATE, "IN_CREATE" }, { IN_DELETE, "IN_DELETE" },
		{ IN_DELETE_SELF, "IN_DELETE_SELF" },
		{ IN_MOVE_SELF, "IN_MOVE_SELF" }, { IN_UNMOUNT, "IN_UNMOUNT" },
		{ IN_Q_OVERFLOW, "IN_Q_OVERFLOW" }, { IN_IGNORED, "IN_IGNORED" },
		{ IN_EXCL_UNLINK, "IN_EXCL_UNLINK" }, { IN_ISDIR, "IN_ISDIR" },
		{ IN_ONESHOT, "IN_ONESHOT" },
	};
	uint32_t rest = mask;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		if (rest & fl[i].bit) {
			flag_add(buf, len, fl[i].name);
			rest &= ~fl[i].bit;
		}
	}
	if (rest) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "%s0x%x", o ? "|" : "", rest);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

/* The kind of file a watch's mode says, or NULL for no kind */
static const char *inotify_mode_name(uint32_t mode)
{
	switch (mode) {
	case S_IFREG:	return "reg";
	case S_IFDIR:	return "dir";
	case S_IFLNK:	return "lnk";
	case S_IFCHR:	return "chr";
	case S_IFBLK:	return "blk";
	case S_IFIFO:	return "fifo";
	case S_IFSOCK:	return "sock";
	}
	return NULL;
}

/*
 * INOTIFY_WATCHES, right after FILE_INOTIFY. Refused as restart refuses
 * them whatever the files: more than CKPT_MAX_INOTIFY_WATCHES, a reserved
 * field, a watch that does not fit, a path that is not a string of
 * path_len bytes or not absolute, a wd below 1 or used twice, mask bits
 * a watch does not keep, a mode that is no kind of file, and watches that
 * do not fill the record exactly (each padded to 8, the last one's
 * padding the record's). Not checked here: restart looks each path up,
 * which must lead to a file of that mode, each file watched once, that
 * the restarter may read.
 */
static int info_inotify_watches(struct info *in,
				const struct ckpt_hdr_inotify_watches *h,
				size_t off)
{
	const unsigned char *p = (const unsigned char *)h;
	size_t at = sizeof(*h);
	uint64_t *wds;
	uint32_t i;
	int ret = 0;

	if (h->nr_watches > CKPT_MAX_INOTIFY_WATCHES)
		return bad(in, off, "INOTIFY_WATCHES of %u watches (at most %u)",
			   h->nr_watches, CKPT_MAX_INOTIFY_WATCHES);
	if (h->__reserved)
		return bad(in, off, "INOTIFY_WATCHES: reserved field not zero");
	wds = malloc((h->nr_watches ?: 1) * sizeof(*wds));
	if (!wds)
		return bad(in, off, "out of memory");
	for (i = 0; i < h->nr_watches && !ret; i++) {
		const struct ckpt_inotify_watch *w = (const void *)(p + at);
		const char *path = (const char *)(w + 1);

		if (h->h.len - at < sizeof(*w)) {
			ret = bad(in, off, "INOTIFY_WATCHES: watch %u of %u does not fit in %u bytes",
				  i, h->nr_watches, h->h.len);
			break;
		}
		at += sizeof(*w);
		if (w->path_len > CKPT_PATH_MAX || w->path_len > h->h.len - at ||
		    !check_str(path, w->path_len))
			ret = bad(in, off, "INOTIFY_WATCHES: watch %u: its path of %u bytes is no string there",
				  i, w->path_len);
		else if (path[0] != '/')
			ret = bad(in, off, "INOTIFY_WATCHES: watch %u: a relative path",
				  i);
		else if (w->wd < 1)
			ret = bad(in, off, "INOTIFY_WATCHES: watch %u: wd %d",
				  i, w->wd);
		else if (w->mask & ~INO_WATCH_OK)
			ret = bad(in, off, "INOTIFY_WATCHES: wd %d: mask 0x%x, bits 0x%x are no watch's",
				  w->wd, w->mask, w->mask & ~INO_WATCH_OK);
		else if (!inotify_mode_name(w->mode))
			ret = bad(in, off, "INOTIFY_WATCHES: wd %d: mode 0%o is no kind of file",
				  w->wd, w->mode);
		wds[i] = (uint32_t)w->wd;
		at += w->path_len;
		at = (at + 7) & ~(size_t)7;
		if (at > h->h.len)
			at = h->h.len;
	}
	if (!ret && at != h->h.len)
		ret = bad(in, off, "INOTIFY_WATCHES: %zu bytes after its %u watches",
			  h->h.len - at, h->nr_watches);
	if (!ret) {
		qsort(wds, h->nr_watches, sizeof(*wds), item_key_cmp);
		for (i = 1; i < h->nr_watches && wds[i] != wds[i - 1]; i++)
			;
		if (i < h->nr_watches)
			ret = bad(in, off, "INOTIFY_WATCHES: wd %u twice",
				  (uint32_t)wds[i]);
	}
	free(wds);
	if (!ret)
		in->ino_watches = h;
	return ret;
}

/* The watches of a checked INOTIFY_WATCHES record, a line each */
static void inotify_print_watches(const struct ckpt_hdr_inotify_watches *h)
{
	const unsigned char *p = (const unsigned char *)h;
	size_t at = sizeof(*h);
	char m[256], path[300];
	uint32_t i;

	printf("  %u watch%s\n", h->nr_watches, h->nr_watches == 1 ? "" : "es");
	for (i = 0; i < h->nr_watches; i++) {
		const struct ckpt_inotify_watch *w = (const void *)(p + at);

		printf("  watch wd %d mask 0x%x (%s) %s %s\n", w->wd, w->mask,
		       inotify_mask_str(m, sizeof(m), w->mask),
		       inotify_mode_name(w->mode),
		       str(path, sizeof(path), (const char *)(w + 1),
			   w->path_len));
		at = (at + sizeof(*w) + w->path_len + 7) & ~(size_t)7;
	}
}

/*
 * INOTIFY_EVENTS, right after INOTIFY_WATCHES: the events as read()
 * returns them. Refused as restart refuses them: more than
 * CKPT_MAX_INOTIFY_EVENTS, more than CKPT_INOTIFY_EVENT_MAX bytes an
 * event, a record whose length is not that of its events; an event cut
 * short, a name that is not NUL-padded to the next multiple of 16 (at
 * most 256 bytes; none, len 0, for no name); an IN_Q_OVERFLOW that is not
 * alone (wd -1, cookie 0, no name) or comes twice; another event with no
 * mask, bits no event has, a wd below 1, or over the queue limit of its
 * FILE_INOTIFY; a count that is not nr_events.
 */
static int info_inotify_events(struct info *in,
			       const struct ckpt_hdr_inotify_events *h,
			       size_t off)
{
	const unsigned char *p = (const unsigned char *)(h + 1);
	uint32_t n = 0, queued = 0, at = 0;
	bool overflow = false;

	if (h->nr_events > CKPT_MAX_INOTIFY_EVENTS ||
	    h->len > (uint64_t)h->nr_events * CKPT_INOTIFY_EVENT_MAX ||
	    ((sizeof(*h) + (uint64_t)h->len + 7) & ~7ULL) != h->h.len)
		return bad(in, off, "INOTIFY_EVENTS of %u events in %u bytes, in a record of %u bytes",
			   h->nr_events, h->len, h->h.len);
	while (at < h->len) {
		struct inotify_event ev;
		const char *name;
		size_t nl, k;

		if (h->len - at < sizeof(ev))
			return bad(in, off, "INOTIFY_EVENTS: event %u cut short",
				   n);
		memcpy(&ev, p + at, sizeof(ev));
		at += sizeof(ev);
		name = (const char *)(p + at);
		if (ev.len > h->len - at || ev.len % INO_NAME_ALIGN ||
		    ev.len > INO_NAME_MAX)
			return bad(in, off, "INOTIFY_EVENTS: event %u: a name of %u bytes",
				   n, ev.len);
		nl = strnlen(name, ev.len);
		for (k = nl; k < ev.len && !name[k]; k++)
			;
		if (k < ev.len || (ev.len && (!nl || nl == ev.len)) ||
		    ev.len != (nl ? (nl + INO_NAME_ALIGN) & ~(INO_NAME_ALIGN - 1) : 0))
			return bad(in, off, "INOTIFY_EVENTS: event %u: its name is not NUL-padded to the next multiple of %zu",
				   n, INO_NAME_ALIGN);
		at += ev.len;
		if (ev.mask == IN_Q_OVERFLOW) {
			if (ev.wd != -1 || ev.cookie || nl || overflow)
				return bad(in, off, "INOTIFY_EVENTS: event %u: %s",
					   n, overflow ? "IN_Q_OVERFLOW twice" :
					   "IN_Q_OVERFLOW with a wd, cookie or name");
			overflow = true;
		} else if (!ev.mask || ev.mask & ~INO_EVENT_OK || ev.wd < 1) {
			return bad(in, off, "INOTIFY_EVENTS: event %u: wd %d mask 0x%x",
				   n, ev.wd, ev.mask);
		} else if (queued >= in->ino_max_events) {
			/* the overflow event counts, as in the queue */
			return bad(in, off, "INOTIFY_EVENTS: event %u over the queue limit of %u",
				   n, in->ino_max_events);
		}
		queued++;
		n++;
	}
	if (n != h->nr_events)
		return bad(in, off, "INOTIFY_EVENTS: %u events, nr_events says %u",
			   n, h->nr_events);
	in->ino_events = h;
	return 0;
}

/* The events of a checked INOTIFY_EVENTS record, a line each */
static void inotify_print_events(const struct ckpt_hdr_inotify_events *h)
{
	const unsigned char *p = (const unsigned char *)(h + 1);
	char m[256], name[300];
	uint32_t at = 0;

	printf("  %u event%s queued\n", h->nr_events,
	       h->nr_events == 1 ? "" : "s");
	while (at < h->len) {
		struct inotify_event ev;

		memcpy(&ev, p + at, sizeof(ev));
		at += sizeof(ev);
		printf("  event wd %d mask 0x%x (%s) cookie %u%s%s%s\n", ev.wd,
		       ev.mask, inotify_mask_str(m, sizeof(m), ev.mask),
		       ev.cookie, ev.len ? " \"" : "",
		       ev.len ? str(name, sizeof(name),
				    (const char *)(p + at), ev.len) : "",
		       ev.len ? "\"" : "");
		at += ev.len;
	}
}

/* the queues of a unix socket, at the end of its records: see below */
static int unix_queue_end(struct info *in, size_t off);
static int unix_file_end(struct info *in, const struct ckpt_hdr_file *f,
			 const struct ckpt_hdr *next, size_t off);
static void unix_print_queues(const struct info *in);
/*
 * the datagrams of a UDP socket, the connection of a TCP one, at the end
 * of its records: see below
 */
static int inet_file_end(struct info *in, const struct ckpt_hdr_file *f,
			 const struct ckpt_hdr *next, size_t off);
static void inet_print_queue(const struct info *in);
static void tcp_print_conn(const struct ckpt_hdr_tcp_conn *c);

/*
 * Print the FILE record we were reading the type records of, once they
 * are all there; @next is the record that follows them (or NULL at the
 * end of the image).
 */
static int file_flush(struct info *in, const struct ckpt_hdr *next,
		      size_t off)
{
	const struct ckpt_hdr_file *f = in->file;
	uint32_t want;
	char fl[200];

	if (!f)
		return 0;
	in->file = NULL;
	want = f->type > 0 && f->type < CKPT_FILE_MAX ?
	       file_records[f->type][in->file_next] : 0;
	if (want)
		return bad(in, off, "FILE #%u (%s) needs a %s record, found %s",
			   f->objref, file_type_name(f->type),
			   ckpt_hdr_name(want),
			   next ? ckpt_hdr_name(next->type) : "the end");
	if (unix_file_end(in, f, next, off) ||
	    inet_file_end(in, f, next, off))
		return -EINVAL;
	printf("file #%u: %s%s%s%s, pos %" PRId64 ", %s%s%s\n", f->objref,
	       file_type_name(f->type), in->file_path[0] ? " " : "",
	       in->file_path, in->file_extra, (int64_t)f->pos,
	       fflags_str(fl, sizeof(fl), f->f_flags), in->file_owner,
	       in->file_note);
	if (in->ino_watches)
		inotify_print_watches(in->ino_watches);
	if (in->ino_events)
		inotify_print_events(in->ino_events);
	if (in->ux_file_queue)
		unix_print_queues(in);
	if (in->inet)
		inet_print_queue(in);
	if (in->tcp)
		tcp_print_conn(in->tcp);
	in->inet = NULL;
	in->tcp_due = false;
	in->tcp = NULL;
	in->ino_watches = NULL;
	in->ino_events = NULL;
	in->ux_queue = NULL;
	in->ux_file_queue = NULL;
	in->ux_nr_embryos = 0;
	in->ux_embryos = 0;
	return 0;
}

/*
 * The INODE record of objref @ref read before, or NULL: the identity of
 * a file reopened by path, which a FILE (regular file, directory) or a
 * file VMA names
 */
static const struct ckpt_hdr_inode *inode_find(struct info *in, uint32_t ref)
{
	const struct objent *e = obj_find(in, ref);

	return e && e->rec == CKPT_HDR_INODE ? (const void *)e->unn : NULL;
}

static const struct ckpt_task_pids *tree_task(const struct info *in,
					      int32_t pid);
static void list_add(char *buf, size_t len, const char *what);

/*
 * A FILE's async_fd: 0 in an older, shorter FILE record (the fields
 * past pos read as zeroes)
 */
static int32_t file_async_fd(const struct ckpt_hdr_file *rec)
{
	return rec->h.len >= offsetof(struct ckpt_hdr_file, async_fd) +
			     sizeof(rec->async_fd) ? rec->async_fd : 0;
}

/* Does restart keep the fd O_ASYNC names for a file of @type? */
static bool file_async_list(uint32_t type)
{
	return type == CKPT_FILE_PIPE || type == CKPT_FILE_FIFO ||
	       type == CKPT_FILE_UNIX || type == CKPT_FILE_INOTIFY ||
	       type == CKPT_FILE_INET;
}

/*
 * A FILE's owner (F_SETOWN, F_SETOWN_EX), signal (F_SETSIG) and O_ASYNC,
 * when set: ", owner pid 12" (a process), ", owner thread 13", ", owner
 * group of 12" (a process group, by its leader's pid), then ", signal 34
 * (SIGRTMIN)", then ", O_ASYNC fd 40" (the fd its signals name, on a
 * pipe end, a FIFO, a socket or an inotify instance) or ", O_ASYNC
 * alone" (async fd -1: the bare flag open(O_ASYNC) sets). What restart
 * refuses of them is noted: a signal above CKPT_NSIG, a negative owner,
 * an unknown owner type, an owner without a type or a type without an
 * owner, an owner that is no process of the TREE (no task, for a
 * thread), an async fd below -1, one past the default nr_open or one
 * without O_ASYNC, any of them on an O_PATH descriptor, an owner, a
 * signal or O_ASYNC on a file restart does not give one (inherited,
 * pidfd, /proc), an async fd on a file without a signal list (a device's
 * is noted with its FILE_CHR).
 */
static void file_owner_str(struct info *in, const struct ckpt_hdr_file *rec)
{
	static const char *const kinds[] = {
		[CKPT_OWNER_PID] = "pid", [CKPT_OWNER_TID] = "thread",
		[CKPT_OWNER_PGRP] = "group of",
	};
	struct ckpt_hdr_file f = { 0 };
	const struct ckpt_task_pids *p;
	char why[256] = "", part[48], sig[16];
	bool async, ownerless;
	size_t o;

	/* an older, shorter FILE has no owner, no signal, no async fd */
	memcpy(&f, rec, rec->h.len < sizeof(f) ? rec->h.len : sizeof(f));
	async = f.f_flags & FASYNC;
	ownerless = f.type == CKPT_FILE_INHERITED ||
		    f.type == CKPT_FILE_PIDFD || f.type == CKPT_FILE_PROC;
	in->file_owner[0] = '\0';
	if (f.owner || f.owner_type) {
		if (f.owner_type >= 1 && f.owner_type <= CKPT_OWNER_PGRP)
			snprintf(in->file_owner, sizeof(in->file_owner),
				 ", owner %s %d", kinds[f.owner_type], f.owner);
		else
			snprintf(in->file_owner, sizeof(in->file_owner),
				 ", owner %d (type %u)", f.owner, f.owner_type);
	}
	if (f.signum) {
		o = strlen(in->file_owner);
		snprintf(in->file_owner + o, sizeof(in->file_owner) - o,
			 ", signal %u (%s)", f.signum,
			 signame(sig, sizeof(sig), f.signum));
	}
	o = strlen(in->file_owner);
	if (async && f.async_fd >= 0)
		snprintf(in->file_owner + o, sizeof(in->file_owner) - o,
			 ", O_ASYNC fd %d", f.async_fd);
	else if (async && f.async_fd == -1)
		snprintf(in->file_owner + o, sizeof(in->file_owner) - o,
			 ", O_ASYNC alone");
	else if (f.async_fd)
		snprintf(in->file_owner + o, sizeof(in->file_owner) - o,
			 ", async fd %d", f.async_fd);
	if (f.signum > CKPT_NSIG) {
		snprintf(part, sizeof(part), "signal %u", f.signum);
		list_add(why, sizeof(why), part);
	}
	if (f.async_fd < -1)
		list_add(why, sizeof(why), "an async fd below -1");
	else if (f.async_fd == -1 && !async)
		list_add(why, sizeof(why), "an async fd without O_ASYNC");
	else if (f.async_fd >= 1048576)
		list_add(why, sizeof(why), "an async fd past nr_open");
	else if (f.async_fd && !async)
		list_add(why, sizeof(why), "an async fd without O_ASYNC");
	else if (async && f.async_fd >= 0 && !ownerless &&
		 !file_async_list(f.type) && f.type != CKPT_FILE_CHR)
		list_add(why, sizeof(why),
			 "an async fd on a file without a signal list");
	if (f.owner < 0)
		list_add(why, sizeof(why), "a negative owner");
	if (f.owner_type > CKPT_OWNER_PGRP) {
		snprintf(part, sizeof(part), "owner type %u", f.owner_type);
		list_add(why, sizeof(why), part);
	}
	if (f.owner && !f.owner_type)
		list_add(why, sizeof(why), "an owner without a type");
	if (!f.owner && f.owner_type)
		list_add(why, sizeof(why), "an owner type without an owner");
	if ((f.owner || f.signum || async) && ownerless)
		list_add(why, sizeof(why),
			 "an owner, a signal or O_ASYNC on a file of this type");
	if ((f.owner || f.signum || async) && f.f_flags & O_PATH)
		list_add(why, sizeof(why),
			 "an owner, a signal or O_ASYNC on an O_PATH descriptor");
	p = tree_task(in, f.owner);
	if (f.owner > 0 && f.owner_type == CKPT_OWNER_TID && !p)
		list_add(why, sizeof(why), "an owner of no task of the tree");
	else if (f.owner > 0 && f.owner_type != CKPT_OWNER_TID &&
		 (!p || p->pid != p->tgid))
		list_add(why, sizeof(why), "an owner of no process of the tree");
	if (why[0]) {
		o = strlen(in->file_note);
		snprintf(in->file_note + o, sizeof(in->file_note) - o,
			 " [owner, signal, O_ASYNC: restart refuses %s]", why);
	}
}

/*
 * FILE: printed once its type records are read. Its inode_objref, for a
 * regular file or a directory, names an INODE read before (0: none, a
 * file of procfs, sysfs or cgroupfs): " (inode #5)" after the path.
 * Refused: an inode_objref of nothing read before. Restart refuses one
 * on a file of another type: said so. Its owner and signal: see
 * file_owner_str().
 */
static int info_file(struct info *in, const struct ckpt_hdr_file *f,
		     size_t off)
{
	bool by_path = f->type == CKPT_FILE_REG || f->type == CKPT_FILE_DIR;
	int ret;

	if (f->inode_objref && by_path && !inode_find(in, f->inode_objref))
		return bad(in, off, "FILE #%u (%s) names inode #%u, no inode read before",
			   f->objref, file_type_name(f->type), f->inode_objref);
	ret = obj_add(in, f->objref, CKPT_HDR_FILE, f->type, off);
	if (ret)
		return ret;
	obj_find(in, f->objref)->f_flags = f->f_flags;
	in->file = f;
	in->file_next = 0;
	in->file_path[0] = '\0';
	in->file_extra[0] = '\0';
	in->file_note[0] = '\0';
	in->ino_watches = NULL;
	in->ino_events = NULL;
	in->ux_queue = NULL;
	in->ux_file_queue = NULL;
	in->ux_nr_embryos = 0;
	in->ux_embryos = 0;
	in->ux_queue_due = false;
	in->ux_client = false;
	in->ux_peer = 0;
	in->proc = NULL;
	in->proc_mnt[0] = '\0';
	in->inet = NULL;
	in->inet_nr_dgrams = 0;
	in->inet_dgrams = 0;
	in->inet_bytes = 0;
	in->tcp_due = false;
	in->tcp = NULL;
	if (f->inode_objref && by_path)
		snprintf(in->file_extra, sizeof(in->file_extra),
			 " (inode #%u)", f->inode_objref);
	else if (f->inode_objref)
		snprintf(in->file_note, sizeof(in->file_note),
			 " [inode #%u: restart refuses one for a file of this type]",
			 f->inode_objref);
	file_owner_str(in, f);
	ext_tail(in, &f->h, sizeof(*f));
	return 0;
}

/* A signalfd's signals, as SIGUSR2|SIGRTMIN+1 (bit n - 1 is signal n) */
static const char *sigmask_str(char *buf, size_t len, uint64_t mask)
{
	char name[16];
	int sig;

	buf[0] = '\0';
	for (sig = 1; sig <= CKPT_NSIG; sig++)
		if (mask & (1ULL << (sig - 1)))
			flag_add(buf, len, signame(name, sizeof(name), sig));
	if (!mask)
		snprintf(buf, len, "no signals");
	return buf;
}

/* A time in ns: "1.500s", or "250ns" below a millisecond */
static const char *ns_str(char *buf, size_t len, int64_t ns)
{
	uint64_t v = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	if (v && v < 1000000)
		snprintf(buf, len, "%s%" PRIu64 "ns", ns < 0 ? "-" : "", v);
	else
		snprintf(buf, len, "%s%" PRIu64 ".%03us", ns < 0 ? "-" : "",
			 v / 1000000000, (unsigned int)(v / 1000000 % 1000));
	return buf;
}

static const char *clock_name(int32_t clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME:		return "CLOCK_REALTIME";
	case CLOCK_MONOTONIC:		return "CLOCK_MONOTONIC";
	case CLOCK_BOOTTIME:		return "CLOCK_BOOTTIME";
	case CLOCK_REALTIME_ALARM:	return "CLOCK_REALTIME_ALARM";
	case CLOCK_BOOTTIME_ALARM:	return "CLOCK_BOOTTIME_ALARM";
	}
	return NULL;
}

/* Append @what to the list in @buf: "a, b" */
static void list_add(char *buf, size_t len, const char *what)
{
	size_t o = strlen(buf);

	snprintf(buf + o, len - o, "%s%s", o ? ", " : "", what);
}

/*
 * A timerfd: " (CLOCK_MONOTONIC, armed, 1.500s left, every 0.050s, 2
 * unread)". An armed absolute timer on CLOCK_REALTIME(_ALARM) fires at
 * @expires (shown in UTC), any other @remaining after the restored tree
 * runs. What restart refuses is said so.
 */
static void timerfd_str(char *buf, size_t len,
			const struct ckpt_hdr_file_timerfd *t)
{
	bool armed = t->flags & CKPT_TFD_ARMED;
	bool wall = t->flags & CKPT_TFD_ABSTIME &&
		    (t->clockid == CLOCK_REALTIME ||
		     t->clockid == CLOCK_REALTIME_ALARM);
	const char *clk = clock_name(t->clockid);
	char d[48], when[32], why[160] = "", part[96];

	if (clk)
		snprintf(buf, len, " (%s", clk);
	else
		snprintf(buf, len, " (clock %d", t->clockid);
	if (armed && wall) {
		time_t sec = (time_t)(t->expires / 1000000000);
		struct tm tm;

		if (t->expires >= 0 && gmtime_r(&sec, &tm) &&
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
			snprintf(part, sizeof(part), "armed, at %s.%03u UTC",
				 when, (unsigned int)(t->expires / 1000000 % 1000));
		else
			snprintf(part, sizeof(part), "armed, at %" PRId64 " ns",
				 (int64_t)t->expires);
		list_add(buf, len, part);
		snprintf(part, sizeof(part), "%s left then",
			 ns_str(d, sizeof(d), t->remaining));
		list_add(buf, len, part);
	} else if (armed) {
		snprintf(part, sizeof(part), "armed, %s left",
			 ns_str(d, sizeof(d), t->remaining));
		list_add(buf, len, part);
	} else {
		list_add(buf, len, "disarmed");
	}
	if (t->flags & CKPT_TFD_ABSTIME)
		list_add(buf, len, "absolute");
	if (t->flags & CKPT_TFD_CANCEL_ON_SET)
		list_add(buf, len, "cancel on set");
	if (t->interval) {
		snprintf(part, sizeof(part), "every %s",
			 ns_str(d, sizeof(d), t->interval));
		list_add(buf, len, part);
	}
	if (t->ticks) {
		snprintf(part, sizeof(part), "%" PRIu64 " unread",
			 (uint64_t)t->ticks);
		list_add(buf, len, part);
	}

	/* what restart refuses */
	if (!clk)
		list_add(why, sizeof(why), "the clock");
	if (t->flags & ~CKPT_TFD_FLAGS_MASK) {
		snprintf(part, sizeof(part), "flags 0x%x",
			 t->flags & ~CKPT_TFD_FLAGS_MASK);
		list_add(why, sizeof(why), part);
	}
	if (t->expires < 0 || t->remaining < 0 || t->interval < 0)
		list_add(why, sizeof(why), "a negative time");
	if (!armed && (t->expires || t->remaining))
		list_add(why, sizeof(why), "a time to fire when disarmed");
	/* when it arms the timer, as the tree is about to run */
	if (armed && wall && !t->expires)
		list_add(why, sizeof(why), "an absolute time of 0");
	if (why[0]) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "; restart refuses %s", why);
	}
	snprintf(buf + strlen(buf), len - strlen(buf), ")");
}

/*
 * FILE_INOTIFY: " (queue of at most 16384 events, next wd 3)". What
 * restart refuses is said so: a next_wd above INT_MAX, and the FILE's
 * f_flags of another access mode than O_RDONLY or with another flag than
 * O_NONBLOCK (O_ASYNC: file_owner_str()). A limit above the default
 * fs.inotify.max_queued_events needs a restarter's machine where the
 * sysctl is as high.
 */
static void inotify_str(char *buf, size_t len,
			const struct ckpt_hdr_file_inotify *h, uint32_t f_flags)
{
	char why[160] = "", part[64];

	snprintf(buf, len, " (queue of at most %u events, next wd %u",
		 h->max_events, h->next_wd);
	if (h->max_events > INO_QUEUED_DEFAULT)
		list_add(buf, len,
			 "over the default fs.inotify.max_queued_events");
	if (h->next_wd > INT_MAX)
		list_add(why, sizeof(why), "a next wd above INT_MAX");
	if ((f_flags & O_ACCMODE) != O_RDONLY ||
	    (f_flags & ~(uint32_t)(O_ACCMODE | O_NONBLOCK | FASYNC))) {
		snprintf(part, sizeof(part), "f_flags 0x%x", f_flags);
		list_add(why, sizeof(why), part);
	}
	if (why[0]) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "; restart refuses %s", why);
	}
	snprintf(buf + strlen(buf), len - strlen(buf), ")");
}

/*
 * ---- unix sockets: UNIX_PAIR, FILE_UNIX, UNIX_QUEUE, UNIX_SENDER,
 * UNIX_MSG, UNIX_MSG_FROM, UNIX_EMBRYO, UNIX_MSG_FDS, and the late
 * UNIX_FDS ----
 */

#define UX_SHUT_MASK	(CKPT_UNIX_SHUT_RD | CKPT_UNIX_SHUT_WR)
#define UX_NO_ID	0xffffffffU	/* a message's uid or gid: none */

static const char *sock_type_name(uint32_t type)
{
	switch (type) {
	case SOCK_STREAM:	return "stream";
	case SOCK_DGRAM:	return "dgram";
	case SOCK_SEQPACKET:	return "seqpacket";
	}
	return NULL;
}

/* Is @pid 0 (none), or a task of the image's TREE? */
static bool tree_pid_ok(const struct info *in, int32_t pid)
{
	const struct ckpt_task_pids *p;
	uint32_t i;

	if (!pid)
		return true;
	if (!in->tree)
		return false;
	p = (const void *)(in->tree + 1);
	for (i = 0; i < in->tree->nr_tasks; i++)
		if (p[i].pid == pid)
			return true;
	return false;
}

/* End @buf (of @len bytes) with "; restart refuses @why)" or ")" */
static void why_close(char *buf, size_t len, const char *why)
{
	size_t o = strlen(buf);

	if (why[0])
		snprintf(buf + o, len - o, "; restart refuses %s", why);
	o = strlen(buf);
	snprintf(buf + o, len - o, ")");
}

/*
 * A pidfd: " (pid 12, thread)", the image pid of the task it refers to,
 * or " (reaped task #5)", an objref shared by the pidfds of that task.
 * What restart refuses is said so: unknown flags, a pid of no process of
 * the TREE (of no task, for a thread's pidfd), an access mode but O_RDWR
 * or status flags but O_NONBLOCK (O_ASYNC: file_owner_str()).
 */
static void pidfd_str(const struct info *in, char *buf, size_t len,
		      const struct ckpt_hdr_file_pidfd *h)
{
	const struct ckpt_hdr_file *f = in->file;
	bool thread = h->flags & CKPT_PIDFD_F_THREAD;
	const struct ckpt_task_pids *p = NULL;
	char why[160] = "", part[48];
	uint32_t i;

	if (h->flags & CKPT_PIDFD_F_REAPED) {
		snprintf(buf, len, " (reaped task #%d%s", h->pid,
			 thread ? ", thread" : "");
		if (h->pid <= 0)
			list_add(why, sizeof(why), "a bad objref");
	} else {
		snprintf(buf, len, " (pid %d%s", h->pid,
			 thread ? ", thread" : "");
	}
	if (in->tree && !(h->flags & CKPT_PIDFD_F_REAPED)) {
		const struct ckpt_task_pids *t = (const void *)(in->tree + 1);

		for (i = 0; i < in->tree->nr_tasks && h->pid > 0; i++)
			if (t[i].pid == h->pid)
				p = &t[i];
	}
	if (h->flags & ~CKPT_PIDFD_F_MASK) {
		snprintf(part, sizeof(part), "flags 0x%x", h->flags);
		list_add(why, sizeof(why), part);
	}
	if (!(h->flags & CKPT_PIDFD_F_REAPED) &&
	    (!p || (!thread && p->pid != p->tgid)))
		list_add(why, sizeof(why), thread ?
			 "a pid of no task of the tree" :
			 "a pid of no process of the tree");
	if ((f->f_flags & O_ACCMODE) != O_RDWR ||
	    (f->f_flags & ~(uint32_t)(O_ACCMODE | O_NONBLOCK | FASYNC))) {
		snprintf(part, sizeof(part), "f_flags 0x%x", f->f_flags);
		list_add(why, sizeof(why), part);
	}
	why_close(buf, len, why);
}

/* The task of image pid @pid in the TREE, or NULL */
static const struct ckpt_task_pids *tree_task(const struct info *in,
					      int32_t pid)
{
	const struct ckpt_task_pids *p;
	uint32_t i;

	if (!in->tree || pid <= 0)
		return NULL;
	p = (const void *)(in->tree + 1);
	for (i = 0; i < in->tree->nr_tasks; i++)
		if (p[i].pid == pid)
			return &p[i];
	return NULL;
}

/*
 * A path below a task's directory in /proc, as restart takes it:
 * relative, without an empty, "." or ".." component ("" is the
 * directory itself)
 */
static bool proc_rest_ok(const char *rest)
{
	const char *c = rest;

	if (*rest == '/')
		return false;
	while (*c) {
		size_t len = strcspn(c, "/");

		if (!len || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += len;
		if (*c == '/' && !*++c)
			return false;
	}
	return true;
}

/*
 * A /proc file, once its second STRING (@rest) is read: " of pid 12
 * (thread 13): /proc/<12>/task/<13>/status", the image pids of the task
 * (and thread) whose directory it is in, in <>: restart opens it under
 * the number the restored task has in that procfs's pid namespace. What
 * restart refuses is said so: a pid of no task of the TREE, a thread of
 * no task or of another process, a mount path that is not absolute, a
 * rest that is not a plain relative path.
 */
static void proc_str(const struct info *in, char *buf, size_t len,
		     const char *rest)
{
	const struct ckpt_hdr_file_proc *h = in->proc;
	const struct ckpt_task_pids *p, *t = NULL;
	char why[160] = "", thr[32] = "";
	size_t o;

	if (!h)
		return;
	p = tree_task(in, h->pid);
	if (h->tid) {
		t = tree_task(in, h->tid);
		snprintf(thr, sizeof(thr), " (thread %d)", h->tid);
	}
	snprintf(buf, len, " of pid %d%s: %s/<%d>", h->pid, thr, in->proc_mnt,
		 h->pid);
	o = strlen(buf);
	if (h->tid)
		snprintf(buf + o, len - o, "/task/<%d>", h->tid);
	o = strlen(buf);
	if (*rest)
		snprintf(buf + o, len - o, "/%s", rest);
	if (!p)
		list_add(why, sizeof(why), "a pid of no task of the tree");
	if (h->tid && !t)
		list_add(why, sizeof(why), "a thread of no task of the tree");
	else if (p && t && t->tgid != p->tgid)
		list_add(why, sizeof(why), "a thread of another process");
	if (in->proc_mnt[0] != '/' || !proc_rest_ok(rest))
		list_add(why, sizeof(why), "a bad /proc path");
	o = strlen(buf);
	if (why[0])
		snprintf(buf + o, len - o, " (restart refuses %s)", why);
}

/*
 * UNIX_PAIR: a socket pair, right before the FILE_UNIX of the first of
 * its ends: "unix pair #5: stream, end 1 closed"; or a connection
 * waiting in a listener's backlog (CKPT_UNIX_PAIR_EMBRYO), right before
 * its client's FILE_UNIX or the listener's UNIX_EMBRYO, whichever comes
 * first: "unix pair #6: stream, waiting in a listener's backlog, its
 * client closed". Refused: where no shared object may come, an objref 0
 * or used before. What restart refuses of its fields is said so: a type
 * but stream, dgram and seqpacket, unknown flags, a datagram connection
 * waiting in a backlog, a reserved field.
 */
static int info_unix_pair(struct info *in, const struct ckpt_hdr_unix_pair *h,
			  size_t off)
{
	const char *type = sock_type_name(h->sock_type);
	bool embryo = h->flags & CKPT_UNIX_PAIR_EMBRYO;
	char line[96], why[160] = "", part[48];
	struct objent *e;

	if (!shared_obj_here(in, CKPT_HDR_UNIX_PAIR))
		return bad(in, off, "UNIX_PAIR #%u not right before the FILE_UNIX of its first end or a UNIX_EMBRYO",
			   h->objref);
	if (obj_add(in, h->objref, CKPT_HDR_UNIX_PAIR, h->sock_type, off))
		return -EINVAL;
	e = obj_find(in, h->objref);
	e->pair_flags = h->flags;
	if (type)
		snprintf(line, sizeof(line), "%s", type);
	else
		snprintf(line, sizeof(line), "socket type %u", h->sock_type);
	if (embryo)
		list_add(line, sizeof(line), "waiting in a listener's backlog");
	if (h->flags & CKPT_UNIX_PAIR_CLOSED)
		list_add(line, sizeof(line),
			 embryo ? "its client closed" : "end 1 closed");
	if (!type)
		list_add(why, sizeof(why), "the socket type");
	/* a datagram socket connects without a listener */
	if (embryo && h->sock_type == SOCK_DGRAM)
		list_add(why, sizeof(why),
			 "a datagram connection waiting in a backlog");
	if (h->flags & ~CKPT_UNIX_PAIR_FLAGS_MASK) {
		snprintf(part, sizeof(part), "flags 0x%x",
			 h->flags & ~CKPT_UNIX_PAIR_FLAGS_MASK);
		list_add(why, sizeof(why), part);
	}
	if (h->__reserved)
		list_add(why, sizeof(why), "a reserved field");
	printf("unix pair #%u: %s%s%s\n", h->objref, line,
	       why[0] ? "; restart refuses " : "", why);
	return 0;
}

/*
 * Is the socket of FILE_UNIX @h bound to a path, so that a STRING record
 * (where its socket inode is) follows its FILE_UNIX? As restart reads it:
 * bound, and a name that is not abstract.
 */
static bool ux_has_path(const struct ckpt_hdr_file_unix *h)
{
	return (h->flags & CKPT_UNIX_BOUND) && h->name[0];
}

/* the default net.core.somaxconn, which caps listen()'s backlog */
#define UX_SOMAXCONN_DEFAULT	4096

/*
 * A socket name of @name_len bytes of @name (sun_path, of
 * CKPT_UNIX_NAME_MAX bytes), as getsockname() or recvfrom() has it: a
 * path in quotes, "ux.sock" (without its NUL), or an abstract name as @
 * and its bytes after the leading 0, "@srv\x00x"; bytes that are not
 * printable, or '\', escaped as \xNN. At most CKPT_UNIX_NAME_MAX bytes
 * of it.
 */
static const char *ux_name_bytes_str(char *buf, size_t len,
				     const uint8_t *name, uint32_t name_len)
{
	uint32_t n = name_len < CKPT_UNIX_NAME_MAX ? name_len :
		     CKPT_UNIX_NAME_MAX;
	bool abstract = !name[0];
	uint32_t i = abstract ? 1 : 0;
	size_t o;

	/* a path's terminating NUL is not shown, a NUL inside it is */
	if (!abstract && n && !name[n - 1])
		n--;
	o = snprintf(buf, len, "%s", abstract ? "@" : "\"");
	for (; i < n && o + 6 < len; i++) {
		unsigned char c = name[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = c;
		else
			o += snprintf(buf + o, len - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	if (!abstract)
		snprintf(buf + o, len - o, "\"");
	return buf;
}

/* The name of FILE_UNIX @h, as ux_name_bytes_str() shows it */
static const char *ux_name_str(char *buf, size_t len,
			       const struct ckpt_hdr_file_unix *h)
{
	return ux_name_bytes_str(buf, len, h->name, h->name_len);
}

/* A FILE_UNIX record @h into @u, zero-extended as restart reads it */
static void ux_file_copy(const struct ckpt_hdr *h, struct ckpt_hdr_file_unix *u)
{
	memset(u, 0, sizeof(*u));
	memcpy(u, h, h->len < sizeof(*u) ? h->len : sizeof(*u));
}

/* the kernel's CKPT_MAX_OBJS: restart takes no objref above it */
#define UX_MAX_OBJS	(CKPT_MAX_FDS + 1024)

static int ux_sock_cmp(const void *a, const void *b)
{
	const struct ux_sock *x = a, *y = b;

	return x->sock < y->sock ? -1 : x->sock > y->sock;
}

/* The socket of sock objref @ref the first walk found, or NULL */
static struct ux_sock *ux_sock_find(const struct info *in, uint32_t ref)
{
	const struct ux_sock key = { .sock = ref };

	if (!ref || !in->nr_ux_socks)
		return NULL;
	return bsearch(&key, in->ux_socks, in->nr_ux_socks, sizeof(key),
		       ux_sock_cmp);
}

/* Note that a record of the socket of FILE @file names sock objref @sock */
static int ux_ref_add(struct info *in, uint32_t file, uint32_t sock)
{
	if (in->nr_ux_refs == in->cap_ux_refs) {
		size_t cap = in->cap_ux_refs ? 2 * in->cap_ux_refs : 16;
		struct ux_ref *n = realloc(in->ux_refs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		in->ux_refs = n;
		in->cap_ux_refs = cap;
	}
	in->ux_refs[in->nr_ux_refs++] = (struct ux_ref){ file, sock };
	return 0;
}

/*
 * The first walk, record @h: the sock objref of each FILE_UNIX (of the
 * FILE before it, of its type), and the sock objrefs named (a
 * peer_objref, a UNIX_SENDER's)
 */
static int ux_scan_rec(const struct ckpt_hdr *h, size_t off, void *arg)
{
	const struct ckpt_hdr_unix_sender *hs = (const void *)h;
	struct info *in = arg;
	struct ckpt_hdr_file_unix u;

	switch (h->type) {
	case CKPT_HDR_FILE:
		in->scan_file = ((const struct ckpt_hdr_file *)h)->objref;
		break;
	case CKPT_HDR_FILE_UNIX:
		ux_file_copy(h, &u);
		if (u.peer_objref && ux_ref_add(in, in->scan_file, u.peer_objref))
			return -ENOMEM;
		if (!u.sock_objref)
			break;
		if (in->nr_ux_socks == in->cap_ux_socks) {
			size_t cap = in->cap_ux_socks ? 2 * in->cap_ux_socks : 16;
			struct ux_sock *n = realloc(in->ux_socks,
						    cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			in->ux_socks = n;
			in->cap_ux_socks = cap;
		}
		in->ux_socks[in->nr_ux_socks++] = (struct ux_sock){
			u.sock_objref, in->scan_file, u.sock_type, false };
		break;
	case CKPT_HDR_UNIX_SENDER:
		/* a fixed size: the walk checked it */
		if (hs->sock_objref &&
		    ux_ref_add(in, in->scan_file, hs->sock_objref))
			return -ENOMEM;
		break;
	}
	return 0;
}

/*
 * Find the sock objrefs of the image, and which are named, before it is
 * printed: a socket may name one whose records come later. Of an image
 * that does not walk to its end (ckpt info -f), those before the damage.
 * 0 or -ENOMEM.
 */
static int ux_scan(struct info *in)
{
	struct ux_sock *so;
	size_t i;

	if (ckpt_image_walk(in->img, ux_scan_rec, in, NULL, 0) == -ENOMEM)
		return -ENOMEM;
	if (in->nr_ux_socks)
		qsort(in->ux_socks, in->nr_ux_socks, sizeof(*in->ux_socks),
		      ux_sock_cmp);
	for (i = 0; i < in->nr_ux_refs; i++) {
		so = ux_sock_find(in, in->ux_refs[i].sock);
		if (so)
			so->named = true;
	}
	/* the second walk notes them again, as it reads them */
	in->nr_ux_refs = 0;
	return 0;
}

/*
 * For a line that names sock objref @ref (a peer, a sender), after "sock
 * #N": the file of the datagram socket it is, " of file #9" (@paren:
 * " (file #9)"), or what restart finds instead, which it refuses
 * (unix_socks_end()): ", no socket of the image", or a socket that is no
 * datagram one (whose FILE_UNIX restart refuses).
 */
static const char *ux_sock_where(const struct info *in, uint32_t ref,
				 bool paren, char *buf, size_t len)
{
	const struct ux_sock *so = ux_sock_find(in, ref);

	if (!so)
		snprintf(buf, len, ", no socket of the image");
	else
		snprintf(buf, len, paren ? " (file #%u%s)" : " of file #%u%s",
			 so->file, so->type != SOCK_DGRAM ?
			 ", no datagram socket" : "");
	return buf;
}

/*
 * Into @why, what restart refuses of a name of @n bytes of @name (of
 * CKPT_UNIX_NAME_MAX bytes), by itself (ckpt_unix_name_bytes_ok()): a
 * name longer than CKPT_UNIX_NAME_MAX or bytes after it; a path name
 * that does not end with its only NUL.
 */
static void ux_name_bytes_why(const uint8_t *name, uint32_t n, char *why,
			      size_t wlen)
{
	char part[48];
	uint32_t i;

	if (n > CKPT_UNIX_NAME_MAX) {
		snprintf(part, sizeof(part), "a name of %u bytes", n);
		list_add(why, wlen, part);
		return;
	}
	for (i = n; i < CKPT_UNIX_NAME_MAX && !name[i]; i++)
		;
	if (i < CKPT_UNIX_NAME_MAX)
		list_add(why, wlen, "bytes after the name");
	if (n && name[0] && strnlen((const char *)name, n) != n - 1)
		list_add(why, wlen,
			 "a path name that does not end with its only NUL");
}

/*
 * The name of FILE_UNIX @h and how the socket has it, for its line:
 * "bound to "ux.sock"" (a path: its inode, mode and owner after; where
 * the inode is comes in the STRING record, printed as the file's path),
 * "bound to @srv" (abstract), "accepted, its listener's name @srv" (a
 * name without CKPT_UNIX_BOUND), "listening, backlog 16", "2 connections
 * waiting" (nr_embryos, whose UNIX_EMBRYO records follow). Into @why,
 * what restart refuses of them (ckpt_unix_name_ok()): a name longer than
 * CKPT_UNIX_NAME_MAX or bytes after it; a path name that does not end
 * with its only NUL; bound without a name; a name but not bound on
 * anything but a stream or seqpacket end of a pair; an inode_objref
 * without a bound path or none with one (or one that names no INODE
 * read before, which restart refuses when something is at the path); a
 * mode with other bits than S_IALLUGO; a mode or owner without a bound
 * path; listening but not bound, on a datagram socket, with a pair or an
 * error; a backlog above INT_MAX, or any without listening; connections
 * waiting above CKPT_MAX_UNIX_EMBRYOS, or any without listening.
 */
static void ux_name_parts(struct info *in, const struct ckpt_hdr_file_unix *h,
			  char *buf, size_t len, char *why, size_t wlen)
{
	bool bound = h->flags & CKPT_UNIX_BOUND;
	bool listening = h->flags & CKPT_UNIX_LISTEN;
	bool dgram = h->sock_type == SOCK_DGRAM;
	uint32_t n = h->name_len;
	bool path = n && h->name[0];
	char nm[4 * CKPT_UNIX_NAME_MAX + 8], part[4 * CKPT_UNIX_NAME_MAX + 64];

	if (n) {
		ux_name_str(nm, sizeof(nm), h);
		snprintf(part, sizeof(part), bound ? "bound to %s" :
			 "accepted, its listener's name %s", nm);
		list_add(buf, len, part);
	} else if (bound) {
		list_add(buf, len, "bound");
	}
	if (listening) {
		snprintf(part, sizeof(part), "listening, backlog %u",
			 h->backlog);
		list_add(buf, len, part);
		if (h->backlog > UX_SOMAXCONN_DEFAULT &&
		    h->backlog <= INT32_MAX)
			list_add(buf, len,
				 "over the default net.core.somaxconn");
	} else if (h->backlog) {
		snprintf(part, sizeof(part), "backlog %u", h->backlog);
		list_add(buf, len, part);
	}
	if (h->nr_embryos) {
		snprintf(part, sizeof(part), "%u connection%s waiting",
			 h->nr_embryos, h->nr_embryos == 1 ? "" : "s");
		list_add(buf, len, part);
		/* restart refuses them, EPERM, under such a somaxconn */
		if (listening && h->nr_embryos > UX_SOMAXCONN_DEFAULT + 1 &&
		    h->nr_embryos <= CKPT_MAX_UNIX_EMBRYOS)
			list_add(buf, len,
				 "more than the default net.core.somaxconn and one");
	}
	if (h->inode_objref) {
		snprintf(part, sizeof(part), "inode #%u", h->inode_objref);
		list_add(buf, len, part);
	}
	if ((bound && path) || h->mode || h->uid || h->gid) {
		snprintf(part, sizeof(part), "mode 0%o, owner %u:%u", h->mode,
			 h->uid, h->gid);
		list_add(buf, len, part);
	}

	/* what restart refuses */
	ux_name_bytes_why(h->name, n, why, wlen);
	if (bound && !n)
		list_add(why, wlen, "bound without a name");
	else if (!bound && n && (!h->pair_objref || dgram))
		list_add(why, wlen,
			 "a name but not bound, on no stream or seqpacket end of a pair");
	if (h->inode_objref && !(bound && path)) {
		list_add(why, wlen, "an inode without a bound path");
	} else if (!h->inode_objref && bound && path) {
		list_add(why, wlen, "a bound path without its inode");
	} else if (h->inode_objref && !inode_find(in, h->inode_objref)) {
		snprintf(part, sizeof(part), "inode #%u, no INODE read before",
			 h->inode_objref);
		list_add(why, wlen, part);
	}
	if (h->mode & ~(uint32_t)07777) {
		snprintf(part, sizeof(part), "mode 0%o", h->mode);
		list_add(why, wlen, part);
	}
	if (!(bound && path) && (h->mode || h->uid || h->gid))
		list_add(why, wlen, "a mode or owner without a bound path");
	if (listening && (!bound || dgram || h->pair_objref || h->err))
		list_add(why, wlen, !bound ? "listening but not bound" :
			 dgram ? "a listening datagram socket" :
			 h->pair_objref ? "listening with a pair" :
			 "listening with an error");
	if (listening ? h->backlog > INT32_MAX : h->backlog != 0) {
		snprintf(part, sizeof(part), listening ?
			 "a backlog of %u, above INT_MAX" :
			 "a backlog of %u without listening", h->backlog);
		list_add(why, wlen, part);
	}
	if (listening ? h->nr_embryos > CKPT_MAX_UNIX_EMBRYOS :
			h->nr_embryos != 0) {
		snprintf(part, sizeof(part), listening ?
			 "nr_embryos %u, above CKPT_MAX_UNIX_EMBRYOS" :
			 "nr_embryos %u without listening", h->nr_embryos);
		list_add(why, wlen, part);
	}
}

/*
 * FILE_UNIX: " (stream, end 0 of pair #5, shut rd, passcred, sndbuf
 * 4096..., bound to "ux.sock", inode #4, mode 0755, owner 0:0)", the
 * options only where they are not a new socket's, then the name (see
 * ux_name_parts()); a datagram socket that others name, " (dgram, sock
 * #7, ...", and one connected one way, " (dgram, connected to sock #3
 * of file #2, ..." (ux_sock_where(): whichever record of the image has
 * that sock objref, before or after). Refused as restart refuses them
 * whatever the world: a pair_objref that names no UNIX_PAIR read
 * before, an end read twice, end 1 of a pair whose end 1 was closed, end
 * 0 of a connection waiting in a backlog (accept() has not returned it:
 * it has no file); a datagram socket's sock objref above CKPT_MAX_OBJS
 * or used before (another socket's, or another object's: objrefs are
 * one space); at the end of the image, a peer sock that is no datagram
 * socket's (unix_socks_end()). What restart refuses of the fields is
 * said so: a type but stream, dgram and seqpacket, or not its pair's; an
 * end but 0 and 1, or but 0 without a pair; unknown flags or shutdown
 * bits; a pending error but ECONNRESET, or one but on end 0 of a stream
 * or seqpacket pair whose end 1 was closed (not on a client whose
 * connection waits); a listener's name on such a client, which was not
 * accepted; rcvlowat below 1; peek_off below -1; a reserved field; a
 * peer pid that is no task of the tree, or one without a pair on a
 * socket that is neither listening (a listening socket's is the process
 * that called listen()) nor a datagram one (a socketpair() end connected
 * elsewhere since keeps it); a sock objref on a socket that is not a
 * datagram one; a peer sock on one, or on an end of a pair; the name, as
 * ux_name_parts() says; the FILE's f_flags of another access mode than
 * O_RDWR or another flag than O_NONBLOCK (O_ASYNC: file_owner_str()); an
 * offset.
 */
static int info_file_unix(struct info *in, const struct ckpt_hdr_file_unix *h,
			  size_t off)
{
	const struct ckpt_hdr_file *f = in->file;
	const char *type = sock_type_name(h->sock_type);
	size_t o = strlen(in->file_extra), len = sizeof(in->file_extra) - o;
	char *buf = in->file_extra + o;
	char why[768] = "", part[96], d[48];
	bool dgram = h->sock_type == SOCK_DGRAM;
	const struct ux_sock *so;
	struct objent *e = NULL;

	if (h->pair_objref) {
		e = obj_find(in, h->pair_objref);
		if (!e || e->rec != CKPT_HDR_UNIX_PAIR)
			return bad(in, off, "FILE_UNIX of pair #%u, which is no UNIX_PAIR read before",
				   h->pair_objref);
		if (!h->end && (e->pair_flags & CKPT_UNIX_PAIR_EMBRYO))
			return bad(in, off, "FILE_UNIX: end 0 of pair #%u, a connection waiting in a backlog, which has no file",
				   h->pair_objref);
		if (h->end <= 1 && (e->ends & (1U << h->end)))
			return bad(in, off, "FILE_UNIX: end %u of pair #%u twice",
				   h->end, h->pair_objref);
		if (h->end == 1 && (e->pair_flags & CKPT_UNIX_PAIR_CLOSED))
			return bad(in, off, "FILE_UNIX: end 1 of pair #%u, which was closed",
				   h->pair_objref);
		if (h->end <= 1)
			e->ends |= 1U << h->end;
	}
	in->ux_sock_type = h->sock_type;
	in->ux_paired = h->pair_objref != 0;
	in->ux_client = e && (e->pair_flags & CKPT_UNIX_PAIR_EMBRYO);
	/* the connections restart reads after the socket's own queue */
	in->ux_nr_embryos = (h->flags & CKPT_UNIX_LISTEN) &&
			    h->nr_embryos <= CKPT_MAX_UNIX_EMBRYOS ?
			    h->nr_embryos : 0;
	in->nr_unix++;

	if (type)
		snprintf(buf, len, " (%s", type);
	else
		snprintf(buf, len, " (socket type %u", h->sock_type);
	/* how others name it: when one does, or where restart refuses it */
	so = ux_sock_find(in, h->sock_objref);
	if (h->sock_objref && (!dgram || (so && so->named))) {
		snprintf(part, sizeof(part), "sock #%u", h->sock_objref);
		list_add(buf, len, part);
	}
	if (h->pair_objref) {
		snprintf(part, sizeof(part), "end %u of pair #%u", h->end,
			 h->pair_objref);
		list_add(buf, len, part);
	}
	/* one way: the socket it names is not connected back to it */
	if (h->peer_objref) {
		if (h->peer_objref == h->sock_objref)
			snprintf(part, sizeof(part), "connected to itself");
		else
			snprintf(part, sizeof(part), "connected to sock #%u%s",
				 h->peer_objref,
				 ux_sock_where(in, h->peer_objref, false, d,
					       sizeof(d)));
		list_add(buf, len, part);
	} else if (!h->pair_objref) {
		list_add(buf, len, "unconnected");
	}
	if (h->shutdown & UX_SHUT_MASK)
		list_add(buf, len, (h->shutdown & UX_SHUT_MASK) == UX_SHUT_MASK ?
			 "shut rd wr" : h->shutdown & CKPT_UNIX_SHUT_RD ?
			 "shut rd" : "shut wr");
	if (h->err == ECONNRESET)
		list_add(buf, len, "ECONNRESET pending");
	if (h->flags & CKPT_UNIX_PASSCRED)
		list_add(buf, len, "passcred");
	if (h->flags & CKPT_UNIX_PASSSEC)
		list_add(buf, len, "passsec");
	if (h->flags & CKPT_UNIX_PASSPIDFD)
		list_add(buf, len, "passpidfd");
	if (h->flags & CKPT_UNIX_ASYNC_NOSPACE)
		list_add(buf, len, "waits for space (SIGIO due)");
	if (h->flags & CKPT_UNIX_ASYNC_WAITDATA)
		list_add(buf, len, "waits for data");
#ifdef CKPT_UNIX_KEEPALIVE
	if (h->flags & CKPT_UNIX_KEEPALIVE)
		list_add(buf, len, "keepalive");
#endif
#ifdef CKPT_UNIX_REUSEADDR
	if (h->flags & CKPT_UNIX_REUSEADDR)
		list_add(buf, len, "reuseaddr");
#endif
#ifdef CKPT_UNIX_OOBINLINE
	if (h->flags & CKPT_UNIX_OOBINLINE)
		list_add(buf, len, "oobinline");
#endif
	if (h->flags & CKPT_UNIX_SNDBUF_LOCK) {
		snprintf(part, sizeof(part), "sndbuf %u", h->sndbuf);
		list_add(buf, len, part);
	}
	if (h->flags & CKPT_UNIX_RCVBUF_LOCK) {
		snprintf(part, sizeof(part), "rcvbuf %u", h->rcvbuf);
		list_add(buf, len, part);
	}
	if (h->rcvlowat != 1) {
		snprintf(part, sizeof(part), "rcvlowat %d", h->rcvlowat);
		list_add(buf, len, part);
	}
	if (h->peek_off != -1) {
		snprintf(part, sizeof(part), "peek_off %d", h->peek_off);
		list_add(buf, len, part);
	}
	if (h->sndtimeo_us) {
		snprintf(part, sizeof(part), "sndtimeo %s",
			 ns_str(d, sizeof(d), h->sndtimeo_us > INT64_MAX / 1000 ?
				INT64_MAX : (int64_t)h->sndtimeo_us * 1000));
		list_add(buf, len, part);
	}
	if (h->rcvtimeo_us) {
		snprintf(part, sizeof(part), "rcvtimeo %s",
			 ns_str(d, sizeof(d), h->rcvtimeo_us > INT64_MAX / 1000 ?
				INT64_MAX : (int64_t)h->rcvtimeo_us * 1000));
		list_add(buf, len, part);
	}
	if (h->priority) {
		snprintf(part, sizeof(part), "priority %u", h->priority);
		list_add(buf, len, part);
	}
	if (h->mark) {
		snprintf(part, sizeof(part), "mark 0x%x", h->mark);
		list_add(buf, len, part);
	}
	if (h->peer_pid) {
		snprintf(part, sizeof(part), "peer pid %d", h->peer_pid);
		list_add(buf, len, part);
	}
	/* its name, and the name's refusals first */
	ux_name_parts(in, h, buf, len, why, sizeof(why));

	/* what restart refuses */
	if (!type)
		list_add(why, sizeof(why), "the socket type");
	else if (e && e->ftype != h->sock_type)
		list_add(why, sizeof(why), "a socket type that is not its pair's");
	if (h->end > 1 || (h->end && !h->pair_objref)) {
		snprintf(part, sizeof(part), "end %u%s", h->end,
			 h->pair_objref ? "" : " of no pair");
		list_add(why, sizeof(why), part);
	}
	if (h->flags & ~CKPT_UNIX_FLAGS_MASK) {
		snprintf(part, sizeof(part), "flags 0x%x",
			 h->flags & ~CKPT_UNIX_FLAGS_MASK);
		list_add(why, sizeof(why), part);
	}
	if (h->shutdown & ~UX_SHUT_MASK) {
		snprintf(part, sizeof(part), "shutdown 0x%x", h->shutdown);
		list_add(why, sizeof(why), part);
	}
	if (h->err && h->err != ECONNRESET) {
		snprintf(part, sizeof(part), "error %d pending", h->err);
		list_add(why, sizeof(why), part);
	} else if (h->err && (!e || !(e->pair_flags & CKPT_UNIX_PAIR_CLOSED) ||
			      e->ftype == SOCK_DGRAM || in->ux_client)) {
		list_add(why, sizeof(why), in->ux_client ?
			 "ECONNRESET pending on a client whose connection waits" :
			 "ECONNRESET pending but on a stream whose peer was closed");
	}
	/* a client whose connection waits was not accepted: no name */
	if (in->ux_client && h->name_len && !(h->flags & CKPT_UNIX_BOUND))
		list_add(why, sizeof(why),
			 "a listener's name on a client whose connection waits");
	if (h->rcvlowat < 1 || h->peek_off < -1) {
		snprintf(part, sizeof(part), "rcvlowat %d, peek_off %d",
			 h->rcvlowat, h->peek_off);
		list_add(why, sizeof(why), part);
	}
	if (h->__reserved)
		list_add(why, sizeof(why), "a reserved field");
	/*
	 * a datagram socket of no pair may report one: a socketpair() end
	 * connected elsewhere since
	 */
	if (!tree_pid_ok(in, h->peer_pid) ||
	    (h->peer_pid && !h->pair_objref &&
	     !(h->flags & CKPT_UNIX_LISTEN) && !dgram))
		list_add(why, sizeof(why), !tree_pid_ok(in, h->peer_pid) ?
			 "a peer pid of no task of the tree" :
			 "a peer pid without a peer");
	/* only a datagram socket is named, and connected one way */
	if (h->sock_objref && !dgram) {
		snprintf(part, sizeof(part), "a sock objref on a %s socket",
			 type ?: "non-datagram");
		list_add(why, sizeof(why), part);
	}
	if (h->peer_objref && (!dgram || h->pair_objref))
		list_add(why, sizeof(why), !dgram ?
			 "a peer sock on a socket that is not a datagram one" :
			 "a peer sock on an end of a pair");
	if ((f->f_flags & O_ACCMODE) != O_RDWR ||
	    (f->f_flags & ~(uint32_t)(O_ACCMODE | O_NONBLOCK | FASYNC))) {
		snprintf(part, sizeof(part), "f_flags 0x%x", f->f_flags);
		list_add(why, sizeof(why), part);
	}
	if (f->pos)
		list_add(why, sizeof(why), "an offset");
	why_close(buf, len, why);

	/*
	 * how other records name it: an objref in the space of the
	 * others, as restart inserts a datagram socket's (the FILE_UNIX of
	 * another it refuses first)
	 */
	if (h->sock_objref && dgram) {
		if (h->sock_objref > UX_MAX_OBJS)
			return bad(in, off, "FILE_UNIX: sock #%u, an objref above %u",
				   h->sock_objref, UX_MAX_OBJS);
		if (obj_find(in, h->sock_objref))
			return bad(in, off, "FILE_UNIX: sock #%u, an objref used before",
				   h->sock_objref);
		if (obj_add(in, h->sock_objref, CKPT_HDR_FILE_UNIX, f->objref,
			    off))
			return -EINVAL;
	}
	/* restart looks for its peer once its queue is read */
	in->ux_peer = h->peer_objref;
	return 0;
}

/* A UNIX_QUEUE record @h into @q, zero-extended as restart reads it */
static void ux_queue_copy(const struct ckpt_hdr_unix_queue *h,
			  struct ckpt_hdr_unix_queue *q)
{
	memset(q, 0, sizeof(*q));
	memcpy(q, h, h->h.len < sizeof(*q) ? h->h.len : sizeof(*q));
}

/*
 * UNIX_QUEUE, right after FILE_UNIX (and its STRING): the socket's
 * receive queue, whose nr_senders UNIX_SENDER records follow, then its
 * nr_msgs messages (UNIX_MSG, UNIX_MSG_FROM); or right after a
 * UNIX_EMBRYO, the queue of that connection waiting in the listener's
 * backlog: what its client sent it. Extensible: an older writer's record
 * ends before nr_senders (CKPT_REC_UNIX_QUEUE_MIN). Refused as restart
 * refuses it: more than CKPT_MAX_UNIX_MSGS messages or
 * CKPT_UNIX_QUEUE_MAX bytes, a reserved field, messages queued on an
 * unconnected socket that is not a datagram one (which no other sender
 * may have sent either; a waiting connection has its client). That the
 * senders and the messages are there, and hold @bytes, is checked once
 * they are read; what restart refuses of nr_senders is said on the
 * queue's line (unix_print_queue()).
 */
static int info_unix_queue(struct info *in, const struct ckpt_hdr_unix_queue *h,
			   size_t off)
{
	bool embryo = in->ux_queue_due;
	struct ckpt_hdr_unix_queue q;

	ux_queue_copy(h, &q);
	if (q.nr_msgs > CKPT_MAX_UNIX_MSGS || q.bytes > CKPT_UNIX_QUEUE_MAX)
		return bad(in, off, "UNIX_QUEUE of %u messages, %" PRIu64 " bytes (at most %u, %u)",
			   q.nr_msgs, (uint64_t)q.bytes, CKPT_MAX_UNIX_MSGS,
			   CKPT_UNIX_QUEUE_MAX);
	if (q.__reserved)
		return bad(in, off, "UNIX_QUEUE: reserved field not zero");
	if (!in->ux_paired && !embryo && in->ux_sock_type != SOCK_DGRAM &&
	    (q.nr_msgs || q.bytes))
		return bad(in, off, "UNIX_QUEUE of %u messages on an unconnected %s socket",
			   q.nr_msgs, sock_type_name(in->ux_sock_type) ?: "?");
	ext_tail(in, &h->h, sizeof(q));
	if (!embryo)
		in->ux_file_queue = h;
	in->ux_queue_due = false;
	in->ux_queue = h;
	in->ux_nr_senders = q.nr_senders;
	in->ux_senders = 0;
	in->ux_msgs = 0;
	in->ux_bytes = 0;
	in->ux_fds = 0;
	return 0;
}

/*
 * UNIX_EMBRYO, one of the nr_embryos connections waiting in the backlog
 * of a listening socket, after its UNIX_QUEUE and that queue's records,
 * or after the one before and its queue's records; its UNIX_QUEUE
 * follows. Refused as restart refuses it whatever the world: one not
 * there, one more than nr_embryos, a pair_objref that names no UNIX_PAIR
 * read before, a pair that is no connection waiting in a backlog
 * (CKPT_UNIX_PAIR_EMBRYO) or that another UNIX_EMBRYO named. What
 * restart refuses of its fields is said on its line (unix_print_embryo()).
 */
static int info_unix_embryo(struct info *in,
			    const struct ckpt_hdr_unix_embryo *h, size_t off)
{
	const struct ckpt_hdr_file *f = in->file;
	struct objent *e;

	if (!f || f->type != CKPT_FILE_UNIX || !in->ux_file_queue)
		return bad(in, off, "UNIX_EMBRYO not after a listening unix socket's UNIX_QUEUE");
	if (in->ux_queue_due)
		return bad(in, off, "UNIX_EMBRYO %u where the UNIX_QUEUE of connection %u is due",
			   in->ux_embryos + 1, in->ux_embryos);
	if (in->ux_embryos >= in->ux_nr_embryos)
		return bad(in, off, "UNIX_EMBRYO %u of a unix socket of %u connections waiting",
			   in->ux_embryos + 1, in->ux_nr_embryos);
	/* the queue before it, the listener's or the last connection's */
	if (unix_queue_end(in, off))
		return -EINVAL;
	e = obj_find(in, h->pair_objref);
	if (!e || e->rec != CKPT_HDR_UNIX_PAIR)
		return bad(in, off, "UNIX_EMBRYO of pair #%u, which is no UNIX_PAIR read before",
			   h->pair_objref);
	if (!(e->pair_flags & CKPT_UNIX_PAIR_EMBRYO))
		return bad(in, off, "UNIX_EMBRYO of pair #%u, which is no connection waiting in a backlog",
			   h->pair_objref);
	/* its end 0, the socket accept() is to return */
	if (e->ends & 1)
		return bad(in, off, "UNIX_EMBRYO of pair #%u, which another UNIX_EMBRYO named",
			   h->pair_objref);
	e->ends |= 1;
	in->ux_embryos++;
	in->ux_queue = NULL;
	in->ux_queue_due = true;
	return 0;
}

/*
 * UNIX_SENDER, one of the nr_senders right after a UNIX_QUEUE, before its
 * messages. Refused as restart refuses it: one not right there, one
 * more than nr_senders; at the end of the image, a socket of the tree
 * (sock_objref) that is no datagram socket's (unix_socks_end()). What
 * restart refuses of its fields is said on its line (unix_print_queue()).
 */
static int info_unix_sender(struct info *in,
			    const struct ckpt_hdr_unix_sender *h, size_t off)
{
	const struct ckpt_hdr_file *f = in->file;

	if (!f || f->type != CKPT_FILE_UNIX || !in->ux_queue)
		return bad(in, off, "UNIX_SENDER not after a UNIX_QUEUE");
	if (in->ux_msgs)
		return bad(in, off, "UNIX_SENDER after message %u of its UNIX_QUEUE",
			   in->ux_msgs);
	if (in->ux_senders >= in->ux_nr_senders)
		return bad(in, off, "UNIX_SENDER %u of a UNIX_QUEUE of %u senders",
			   in->ux_senders + 1, in->ux_nr_senders);
	/* found once the image is read, its FILE_UNIX before or after */
	if (h->sock_objref && ux_ref_add(in, f->objref, h->sock_objref))
		return bad(in, off, "out of memory");
	in->ux_senders++;
	return 0;
}

/* The size of the struct of a message record of @type */
static size_t ux_msg_hsz(uint32_t type)
{
	switch (type) {
	case CKPT_HDR_UNIX_MSG_FROM:
		return sizeof(struct ckpt_hdr_unix_msg_from);
	case CKPT_HDR_UNIX_MSG_FDS:
		return sizeof(struct ckpt_hdr_unix_msg_fds);
	}
	return sizeof(struct ckpt_hdr_unix_msg);
}

/*
 * A message, one of the nr_msgs after a UNIX_QUEUE and its senders: a
 * UNIX_MSG (from the socket's peer), a UNIX_MSG_FROM (from one of the
 * queue's senders) or a UNIX_MSG_FDS (a message that carries files, from
 * the peer or a sender). Refused as restart refuses it: one before the
 * last sender, one more than nr_msgs, more than CKPT_UNIX_MSG_MAX bytes,
 * a record whose length is not the message's padded to 8, an empty one
 * on a socket that is not dgram or seqpacket, the credentials of a pid
 * that is no task of the tree; a UNIX_MSG_FDS carrying no file or more
 * than CKPT_UNIX_SCM_MAX_FD (its socket's UNIX_FDS is due from then on,
 * naming as many files as its messages carry: info_unix_fds()). Not
 * checked here: uid and gid, which the restarter must be able to give
 * itself. What restart refuses of a UNIX_MSG_FROM's or a UNIX_MSG_FDS's
 * sender and reserved field is said on its line, a message from the
 * peer on an unconnected socket on the queue's (unix_print_queue()).
 */
static int info_unix_msg(struct info *in, const struct ckpt_hdr *rec,
			 size_t off)
{
	const struct ckpt_hdr_unix_msg *h = (const void *)rec;
	const struct ckpt_hdr_file *f = in->file;
	const char *name = ckpt_hdr_name(rec->type);
	size_t hsz = ux_msg_hsz(rec->type);
	struct objent *e;

	if (!f || f->type != CKPT_FILE_UNIX || !in->ux_queue)
		return bad(in, off, "%s not after a UNIX_QUEUE", name);
	if (in->ux_senders < in->ux_nr_senders)
		return bad(in, off, "%s where sender %u of %u is due", name,
			   in->ux_senders + 1, in->ux_nr_senders);
	if (in->ux_msgs >= in->ux_queue->nr_msgs)
		return bad(in, off, "%s %u of a UNIX_QUEUE of %u messages",
			   name, in->ux_msgs + 1, in->ux_queue->nr_msgs);
	/* the fields up to gid: the same in all three */
	if (h->len > CKPT_UNIX_MSG_MAX ||
	    (hsz + h->len + 7) / 8 * 8 != h->h.len)
		return bad(in, off, "%s of %u bytes in a record of %u bytes",
			   name, h->len, h->h.len);
	if (!h->len && in->ux_sock_type != SOCK_DGRAM &&
	    in->ux_sock_type != SOCK_SEQPACKET)
		return bad(in, off, "%s: an empty message on a %s socket", name,
			   sock_type_name(in->ux_sock_type) ?: "?");
	if (!tree_pid_ok(in, h->pid))
		return bad(in, off, "%s: the credentials of pid %d, no task of the tree",
			   name, h->pid);
	if (rec->type == CKPT_HDR_UNIX_MSG_FDS) {
		const struct ckpt_hdr_unix_msg_fds *hf = (const void *)rec;

		if (!hf->nr_fds || hf->nr_fds > CKPT_UNIX_SCM_MAX_FD)
			return bad(in, off, "UNIX_MSG_FDS: message %u carries %u files (1 to %u)",
				   in->ux_msgs + 1, hf->nr_fds,
				   CKPT_UNIX_SCM_MAX_FD);
		/*
		 * the socket's (a listener's, for the queue of a connection
		 * waiting in its backlog): its UNIX_FDS is due
		 */
		e = obj_find(in, f->objref);
		if (e && e->rec == CKPT_HDR_FILE) {
			if (!e->late_due)
				in->late_due++;
			e->late_due = true;
			e->fds += hf->nr_fds;
		}
		in->ux_fds += hf->nr_fds;
	}
	in->ux_msgs++;
	in->ux_bytes += h->len;
	return 0;
}

/*
 * At the end of a unix socket's records: its queue had all its senders
 * and its messages, of as many bytes as it says, carrying at most
 * CKPT_MAX_UNIX_INFLIGHT files (restart: "malformed unix socket queue").
 * 0 or -EINVAL.
 */
static int unix_queue_end(struct info *in, size_t off)
{
	const struct ckpt_hdr_unix_queue *q = in->ux_queue;

	if (!q)
		return 0;
	if (in->ux_senders != in->ux_nr_senders)
		return bad(in, off, "UNIX_QUEUE of %u senders followed by %u",
			   in->ux_nr_senders, in->ux_senders);
	if (in->ux_msgs != q->nr_msgs)
		return bad(in, off, "UNIX_QUEUE of %u messages followed by %u",
			   q->nr_msgs, in->ux_msgs);
	if (in->ux_bytes != q->bytes)
		return bad(in, off, "UNIX_QUEUE of %" PRIu64 " bytes, its messages hold %" PRIu64,
			   (uint64_t)q->bytes, in->ux_bytes);
	if (in->ux_fds > CKPT_MAX_UNIX_INFLIGHT)
		return bad(in, off, "UNIX_QUEUE whose messages carry %" PRIu64 " files (at most %u)",
			   in->ux_fds, CKPT_MAX_UNIX_INFLIGHT);
	in->unix_bytes += q->bytes;
	return 0;
}

/*
 * At the end of a unix socket's records: the last queue read is whole
 * (unix_queue_end()), and a listener's connections waiting in its
 * backlog are all there, each with its queue, as restart reads them
 * (restore_unix_embryo(): "expected a connection waiting in the
 * backlog"). 0 or -EINVAL.
 */
static int unix_file_end(struct info *in, const struct ckpt_hdr_file *f,
			 const struct ckpt_hdr *next, size_t off)
{
	const char *found = next ? ckpt_hdr_name(next->type) : "the end";

	if (in->ux_queue_due)
		return bad(in, off, "FILE #%u (unix): connection %u waiting in its backlog needs a UNIX_QUEUE record, found %s",
			   f->objref, in->ux_embryos, found);
	if (unix_queue_end(in, off))
		return -EINVAL;
	if (in->ux_embryos < in->ux_nr_embryos)
		return bad(in, off, "FILE #%u (unix) needs a UNIX_EMBRYO record (connection %u of the %u waiting in its backlog), found %s",
			   f->objref, in->ux_embryos + 1, in->ux_nr_embryos,
			   found);
	/* restart looks for its peer after its senders */
	if (in->ux_peer && ux_ref_add(in, f->objref, in->ux_peer))
		return bad(in, off, "out of memory");
	in->ux_peer = 0;
	return 0;
}

/*
 * At the end of the image: each sock objref a record named - a peer, a
 * sender of datagrams - is a datagram socket's, as restart checks once
 * the whole image is read, in the order the records named them
 * (ckpt_unix_senders_run(), ckpt_unix_rconnect_run(): "unix socket N,
 * which it names, is no datagram socket of the image"). 0 or -EINVAL.
 */
static int unix_socks_end(struct info *in, size_t off)
{
	const struct objent *e;
	const struct ux_ref *r;
	size_t i;

	for (i = 0; i < in->nr_ux_refs; i++) {
		r = &in->ux_refs[i];
		e = obj_find(in, r->sock);
		if (!e || e->rec != CKPT_HDR_FILE_UNIX)
			return bad(in, off, "file #%u names sock #%u, which is no datagram socket of the image",
				   r->file, r->sock);
	}
	return 0;
}

/*
 * At the end of the image: each unix pair has its ends - end 0 a
 * FILE_UNIX, or, a connection waiting in a backlog, the listener's
 * UNIX_EMBRYO; end 1 a FILE_UNIX unless it was closed - as restart
 * checks once every task exists (ckpt_unix_pair_finish(): "an end of the
 * pair has no file"). 0 or -EINVAL.
 */
static int unix_pairs_end(struct info *in, size_t off)
{
	const struct objent *e;
	size_t i;

	for (i = 0; i < in->cap_objs; i++) {
		e = &in->objs[i];
		if (!e->objref || e->rec != CKPT_HDR_UNIX_PAIR)
			continue;
		if (!(e->ends & 1))
			return bad(in, off, (e->pair_flags & CKPT_UNIX_PAIR_EMBRYO) ?
				   "unix pair #%u: a connection waiting in a backlog that no UNIX_EMBRYO names" :
				   "unix pair #%u: no FILE_UNIX of its end 0",
				   e->objref);
		if (!(e->ends & 2) && !(e->pair_flags & CKPT_UNIX_PAIR_CLOSED))
			return bad(in, off, (e->pair_flags & CKPT_UNIX_PAIR_EMBRYO) ?
				   "unix pair #%u: no FILE_UNIX of the client of a connection waiting in a backlog, which was not closed" :
				   "unix pair #%u: no FILE_UNIX of its end 1, which was not closed",
				   e->objref);
	}
	return 0;
}

/* twice the default net.core.wmem_max: what SO_SNDBUF sets at most */
#define UX_SNDBUF_DEFAULT_MAX	(2 * 212992U)

/*
 * The line of sender @k (from 1) of a queue, UNIX_SENDER @h, after @ind:
 * "  sender 1: @srv, sndbuf 212992", "  sender 2: no name, sndbuf
 * 212992"; a datagram socket of the tree, restored and charged for its
 * datagrams again, "  sender 3: sock #7 of the tree (file #9)"
 * (ux_sock_where()). What restart refuses of it is said so
 * (ckpt_unix_sender_rec_ok()): its name, as a FILE_UNIX's
 * (ux_name_bytes_why()); a sndbuf above INT_MAX; a name or a sndbuf with
 * a sock objref (the socket has its own). A sndbuf that SO_SNDBUF cannot
 * set under the default net.core.wmem_max is noted: restart needs
 * CAP_NET_ADMIN then.
 */
static void unix_print_sender(const struct info *in, const char *ind,
			      uint32_t k, const struct ckpt_hdr_unix_sender *h)
{
	char nm[4 * CKPT_UNIX_NAME_MAX + 8] = "no name", why[256] = "";
	char part[48], d[48];

	if (h->name_len)
		ux_name_bytes_str(nm, sizeof(nm), h->name, h->name_len);
	ux_name_bytes_why(h->name, h->name_len, why, sizeof(why));
	if (h->sndbuf > INT32_MAX) {
		snprintf(part, sizeof(part), "a sndbuf of %u, above INT_MAX",
			 h->sndbuf);
		list_add(why, sizeof(why), part);
	}
	if (h->sock_objref && (h->name_len || h->sndbuf))
		list_add(why, sizeof(why), h->name_len ?
			 "a name with a sock objref" :
			 "a sndbuf with a sock objref");
	if (h->sock_objref) {
		/* its name and buffer are its FILE_UNIX's */
		printf("%ssender %u: sock #%u%s%s", ind, k, h->sock_objref,
		       ux_sock_find(in, h->sock_objref) ? " of the tree" : "",
		       ux_sock_where(in, h->sock_objref, true, d, sizeof(d)));
		if (h->name_len)
			printf(", name %s", nm);
		if (h->sndbuf)
			printf(", sndbuf %u", h->sndbuf);
		printf("%s%s\n", why[0] ? "; restart refuses " : "", why);
		return;
	}
	printf("%ssender %u: %s, sndbuf %u%s%s%s\n", ind, k, nm, h->sndbuf,
	       h->sndbuf > UX_SNDBUF_DEFAULT_MAX && h->sndbuf <= INT32_MAX ?
	       ", over twice the default net.core.wmem_max" : "",
	       why[0] ? "; restart refuses " : "", why);
}

/*
 * The credentials a message carries (the fields up to gid: the same in
 * UNIX_MSG and UNIX_MSG_FROM) into @cred: ", pid 12 uid 0 gid 0", or ""
 * for none
 */
static void ux_msg_creds(const struct ckpt_hdr_unix_msg *h, char *cred,
			 size_t size)
{
	cred[0] = '\0';
	if (!h->pid && h->uid == UX_NO_ID && h->gid == UX_NO_ID)
		return;
	snprintf(cred, size, ", pid %d", h->pid);
	if (h->uid != UX_NO_ID)
		snprintf(cred + strlen(cred), size - strlen(cred), " uid %u",
			 h->uid);
	if (h->gid != UX_NO_ID)
		snprintf(cred + strlen(cred), size - strlen(cred), " gid %u",
			 h->gid);
}

/*
 * The line of message @k (from 1) of a queue of @nr_senders senders, the
 * UNIX_MSG_FROM @h, after @ind: "  message 2: 5 bytes, pid 12 uid 0 gid
 * 0, from sender 1", as the queue's line counts a UNIX_MSG (its bytes,
 * its credentials) and the sender that sent it; ", out of band" if the
 * queue's oob_msg names it (@oob: restart refuses that on the queue's
 * line, a datagram socket's). What restart refuses of it is said so
 * (ckpt_unix_msg_from_rec_ok()): a sender 0 or past nr_senders, a
 * reserved field.
 */
static void unix_print_from(const char *ind, uint32_t k,
			    const struct ckpt_hdr_unix_msg_from *h,
			    uint32_t nr_senders, bool oob)
{
	char cred[64], why[128] = "", part[48];

	ux_msg_creds((const void *)h, cred, sizeof(cred));
	if (!h->sender || h->sender > nr_senders) {
		snprintf(part, sizeof(part), "sender %u of %u", h->sender,
			 nr_senders);
		list_add(why, sizeof(why), part);
	}
	if (h->__reserved)
		list_add(why, sizeof(why), "a reserved field");
	printf("%smessage %u: %u byte%s%s, from sender %u%s%s%s\n", ind, k,
	       h->len, h->len == 1 ? "" : "s", cred, h->sender,
	       oob ? ", out of band" : "", why[0] ? "; restart refuses " : "",
	       why);
}

/*
 * The line of the out-of-band byte of a stream's queue, message @k
 * (from 1), the UNIX_MSG @h, after @ind: "  message 3: 1 byte, out of
 * band" (", pid 12 uid 0 gid 0" before ", out of band" if it carries
 * credentials). The other UNIX_MSG records have no line of their own:
 * the queue's line counts them. What restart refuses of it (another
 * length than 1) is said on the queue's line.
 */
static void unix_print_oob(const char *ind, uint32_t k,
			   const struct ckpt_hdr_unix_msg *h)
{
	char cred[64];

	ux_msg_creds(h, cred, sizeof(cred));
	printf("%smessage %u: %u byte%s%s, out of band\n", ind, k, h->len,
	       h->len == 1 ? "" : "s", cred);
}

/*
 * The line of message @k (from 1) of a queue of @nr_senders senders, the
 * UNIX_MSG_FDS @h, after @ind: "  message 1: 3 bytes, pid 12 uid 0 gid
 * 0, 2 files, from the peer" (", from sender 2"), ", out of band" if the
 * queue's oob_msg names it; the files are its socket's UNIX_FDS's, the
 * next nr_fds of them (info_unix_fds()). What restart refuses of it is
 * said so: a sender past nr_senders (the peer, sender 0, on a socket of
 * no pair: on the queue's line).
 */
static void unix_print_fds(const char *ind, uint32_t k,
			   const struct ckpt_hdr_unix_msg_fds *h,
			   uint32_t nr_senders, bool oob)
{
	char cred[64], from[32], why[64] = "";

	ux_msg_creds((const void *)h, cred, sizeof(cred));
	if (h->sender)
		snprintf(from, sizeof(from), "sender %u", h->sender);
	else
		snprintf(from, sizeof(from), "the peer");
	if (h->sender > nr_senders)
		snprintf(why, sizeof(why), "sender %u of %u", h->sender,
			 nr_senders);
	printf("%smessage %u: %u byte%s%s, %u file%s, from %s%s%s%s\n", ind, k,
	       h->len, h->len == 1 ? "" : "s", cred, h->nr_fds,
	       h->nr_fds == 1 ? "" : "s", from, oob ? ", out of band" : "",
	       why[0] ? "; restart refuses " : "", why);
}

/*
 * The queue @h of a checked unix socket, or of a connection waiting in
 * a listener's backlog (@paired: an end of a pair, or such a
 * connection; @client: end 1 of a connection waiting, which nothing can
 * send to), after @ind: "  queue: 2 messages, 100 bytes", ", 1 with
 * credentials", ", 2 senders"; then a line for each sender and each
 * UNIX_MSG_FROM (unix_print_sender(), unix_print_from()), and for the
 * message oob_msg names, the byte sent with MSG_OOB not read yet (a
 * UNIX_MSG: unix_print_oob()), which follow the UNIX_QUEUE record as
 * unix_queue_end() found them; a line for each UNIX_MSG_FDS, a message
 * that carries files (unix_print_fds()). What restart refuses of the
 * queue is said on its line (restore_unix_queue(), ckpt_unix_restore()):
 * nr_senders above CKPT_MAX_UNIX_SENDERS or nr_msgs, on a socket that is
 * not a datagram one; oob_msg past nr_msgs, on a socket that is not a stream
 * one, naming a message that is not 1 byte long; a sender no message
 * names; a message from the peer (a UNIX_MSG, a UNIX_MSG_FDS of sender
 * 0) on a socket that is no end of a pair; messages on a client whose
 * connection waits. Returns where the records after the queue's start.
 */
static const unsigned char *unix_print_queue(const struct info *in,
					     const struct ckpt_hdr_unix_queue *h,
					     bool paired, bool client,
					     const char *ind)
{
	const unsigned char *p = (const unsigned char *)h + h->h.len;
	uint8_t named[CKPT_MAX_UNIX_SENDERS / 8] = { 0 };
	const struct ckpt_hdr_unix_msg_from *mf;
	uint32_t k, peer = 0, unnamed = 0, first = 0, creds = 0, oob_len = 1;
	uint32_t with_fds = 0, sender;
	uint64_t nr_fds = 0;
	const struct ckpt_hdr_unix_msg_fds *md;
	const struct ckpt_hdr_unix_msg *m;
	struct ckpt_hdr_unix_queue q;
	char why[384] = "", part[80];

	ux_queue_copy(h, &q);
	if (q.nr_senders > CKPT_MAX_UNIX_SENDERS) {
		snprintf(part, sizeof(part), "%u senders, above %u",
			 q.nr_senders, CKPT_MAX_UNIX_SENDERS);
		list_add(why, sizeof(why), part);
	}
	if (q.nr_senders > q.nr_msgs)
		list_add(why, sizeof(why), "more senders than messages");
	if (q.nr_senders && in->ux_sock_type != SOCK_DGRAM)
		list_add(why, sizeof(why), "senders on a socket that is not a datagram one");
	/* the out-of-band byte: a stream's, one of its messages */
	if (q.oob_msg > q.nr_msgs) {
		snprintf(part, sizeof(part), "out-of-band message %u of %u",
			 q.oob_msg, q.nr_msgs);
		list_add(why, sizeof(why), part);
	}
	if (q.oob_msg && in->ux_sock_type != SOCK_STREAM)
		list_add(why, sizeof(why),
			 "an out-of-band message on a socket that is not a stream one");
	/*
	 * which senders the messages name, UNIX_MSG without a peer, the
	 * credentials (the fields up to gid: the same in both kinds), the
	 * length of the out-of-band one
	 */
	for (k = 0; k < q.nr_senders; k++)
		p += ((const struct ckpt_hdr *)p)->len;
	for (k = 0; k < q.nr_msgs; k++) {
		const struct ckpt_hdr *r = (const void *)p;

		mf = (const void *)p;
		md = (const void *)p;
		m = (const void *)p;
		creds += m->pid || m->uid != UX_NO_ID || m->gid != UX_NO_ID;
		if (k + 1 == q.oob_msg)
			oob_len = m->len;
		/* a UNIX_MSG_FDS: from the peer (sender 0) or a sender */
		sender = r->type == CKPT_HDR_UNIX_MSG_FROM ? mf->sender :
			 r->type == CKPT_HDR_UNIX_MSG_FDS ? md->sender : 0;
		if (r->type == CKPT_HDR_UNIX_MSG_FDS) {
			with_fds++;
			nr_fds += md->nr_fds;
		}
		if (!sender && r->type != CKPT_HDR_UNIX_MSG_FROM)
			peer++;
		else if (sender && sender <= q.nr_senders &&
			 sender <= CKPT_MAX_UNIX_SENDERS)
			named[(sender - 1) / 8] |= 1U << ((sender - 1) % 8);
		p += r->len;
	}
	for (k = 0; q.nr_senders <= CKPT_MAX_UNIX_SENDERS && k < q.nr_senders; k++)
		if (!(named[k / 8] & (1U << (k % 8))) && !unnamed++)
			first = k + 1;
	if (unnamed) {
		snprintf(part, sizeof(part), unnamed == 1 ?
			 "sender %u, which no message names" :
			 "%u senders no message names (the first %u)",
			 unnamed == 1 ? first : unnamed, first);
		list_add(why, sizeof(why), part);
	}
	if (oob_len != 1) {
		snprintf(part, sizeof(part), "out-of-band message %u of %u bytes, not 1",
			 q.oob_msg, oob_len);
		list_add(why, sizeof(why), part);
	}
	if (peer && !paired) {
		snprintf(part, sizeof(part), "%u message%s from a peer on a socket of no pair",
			 peer, peer == 1 ? "" : "s");
		list_add(why, sizeof(why), part);
	}
	/* its connection waits: nothing accepted it to send to it yet */
	if (q.nr_msgs && client)
		list_add(why, sizeof(why),
			 "messages on a client whose connection waits in a backlog");

	if (!q.nr_msgs && !q.nr_senders && !why[0]) {
		printf("%squeue: empty\n", ind);
		return p;
	}
	printf("%squeue: %u message%s, %" PRIu64 " byte%s", ind, q.nr_msgs,
	       q.nr_msgs == 1 ? "" : "s", (uint64_t)q.bytes,
	       q.bytes == 1 ? "" : "s");
	if (creds)
		printf(", %u with credentials", creds);
	if (with_fds)
		printf(", %u carrying %" PRIu64 " file%s", with_fds, nr_fds,
		       nr_fds == 1 ? "" : "s");
	if (q.nr_senders)
		printf(", %u sender%s", q.nr_senders,
		       q.nr_senders == 1 ? "" : "s");
	printf("%s%s\n", why[0] ? "; restart refuses " : "", why);

	p = (const unsigned char *)h + h->h.len;
	for (k = 0; k < q.nr_senders; k++) {
		unix_print_sender(in, ind, k + 1, (const void *)p);
		p += ((const struct ckpt_hdr *)p)->len;
	}
	for (k = 0; k < q.nr_msgs; k++) {
		const struct ckpt_hdr *r = (const void *)p;

		if (r->type == CKPT_HDR_UNIX_MSG_FROM)
			unix_print_from(ind, k + 1, (const void *)p,
					q.nr_senders, k + 1 == q.oob_msg);
		else if (r->type == CKPT_HDR_UNIX_MSG_FDS)
			unix_print_fds(ind, k + 1, (const void *)p,
				       q.nr_senders, k + 1 == q.oob_msg);
		else if (k + 1 == q.oob_msg)
			unix_print_oob(ind, k + 1, (const void *)p);
		p += r->len;
	}
	return p;
}

/*
 * The line of connection @k (from 1) waiting in the backlog of the
 * listener being printed, UNIX_EMBRYO @h: "  connection 1 waiting: pair
 * #8, peer pid 13; what its client sent:", then the lines of its queue.
 * What restart refuses of it is said so (restore_unix_embryo()): a peer
 * pid that is no process of the tree (SO_PEERCRED of the connection:
 * the process that connected), a pair of another socket type than the
 * listener's.
 */
static void unix_print_embryo(const struct info *in, uint32_t k,
			      const struct ckpt_hdr_unix_embryo *h)
{
	const struct objent *e = obj_find(in, h->pair_objref);
	char why[128] = "";

	if (h->peer_pid <= 0 || !tree_pid_ok(in, h->peer_pid))
		list_add(why, sizeof(why), h->peer_pid <= 0 ? "no peer pid" :
			 "a peer pid of no task of the tree");
	if (e && e->ftype != in->ux_sock_type)
		list_add(why, sizeof(why),
			 "a pair of another socket type than its listener's");
	printf("  connection %u waiting: pair #%u, peer pid %d%s%s; what its client sent:\n",
	       k, h->pair_objref, h->peer_pid,
	       why[0] ? "; restart refuses " : "", why);
}

/*
 * The queues of the unix socket being printed: its own; then, a
 * listener's, each connection waiting in its backlog and its queue, as
 * info_unix_embryo() found them (the objects before a UNIX_EMBRYO have
 * their own lines, printed as they were read).
 */
static void unix_print_queues(const struct info *in)
{
	const unsigned char *p;
	uint32_t k;

	p = unix_print_queue(in, in->ux_file_queue, in->ux_paired,
			     in->ux_client, "  ");
	for (k = 0; k < in->ux_embryos; k++) {
		while (((const struct ckpt_hdr *)p)->type != CKPT_HDR_UNIX_EMBRYO)
			p += ((const struct ckpt_hdr *)p)->len;
		unix_print_embryo(in, k + 1, (const void *)p);
		p += ((const struct ckpt_hdr *)p)->len;
		p = unix_print_queue(in, (const void *)p, true, false, "    ");
	}
}

/*
 * O_ASYNC on a device, once its FILE_CHR says which (new_encode_dev()
 * @rdev): restart refuses it on /dev/random and /dev/urandom, whose
 * signal list it does not keep, and an async fd on the others, which have
 * none. Noted on the file's line.
 */
/* ---- TCP and UDP sockets: FILE_INET ---- */

/* the kernel's TCP states, as inet_diag reports them */
#define INET_ESTABLISHED	1
#define INET_CLOSE		7
#define INET_LISTEN		10

/* the highest IP_PMTUDISC_* and IPV6_PMTUDISC_* (IP_PMTUDISC_OMIT) */
#define INET_PMTUDISC_MAX	5

static const char *inet_state_name(uint32_t state)
{
	/* the others are no state restart makes: named for the refusal */
	static const char *const other[] = {
		[2] = "syn_sent", [3] = "syn_recv", [4] = "fin_wait1",
		[5] = "fin_wait2", [6] = "time_wait", [8] = "close_wait",
		[9] = "last_ack", [11] = "closing", [12] = "new_syn_recv",
	};

	switch (state) {
	case INET_ESTABLISHED:	return "established";
	case INET_CLOSE:	return "close";
	case INET_LISTEN:	return "listen";
	}
	return state < sizeof(other) / sizeof(other[0]) ? other[state] : NULL;
}

/*
 * An address and a port: "127.0.0.1:8080", "[::1]:8080" (an address of
 * another family than AF_INET6 read as an IPv4 one, its first 4 bytes)
 */
static const char *inet_addr_str(char *buf, size_t len, uint32_t family,
				 const uint8_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (family == AF_INET6) {
		inet_ntop(AF_INET6, addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, port);
	} else {
		inet_ntop(AF_INET, addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, port);
	}
	return buf;
}

/* Is @n bytes at @p all zero? */
static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Append "@name @val" to the list in @buf */
static void list_add_u(char *buf, size_t len, const char *name, int64_t val,
		       const char *unit)
{
	char part[64];

	snprintf(part, sizeof(part), "%s %" PRId64 "%s", name, val, unit);
	list_add(buf, len, part);
}

/*
 * A TCP or UDP socket: " (inet tcp, listen, 127.0.0.1:8080, backlog 5,
 * reuseaddr, nodelay)", " (inet6 udp, established, [::1]:4000, peer
 * [::1]:53)": its family, protocol, state, local address and port, its
 * peer's when connected, a listener's backlog, what bind() named (the
 * address, the port: a disconnect gives up the rest), then the options
 * it has that are not the defaults. An established TCP connection's
 * TCP_CONN is printed after it (tcp_print_conn()). What restart refuses
 * is said so (ckpt_inet_rec_ok(): "malformed inet socket"): a family but
 * AF_INET and AF_INET6, a protocol but TCP and UDP, a state of neither a
 * TCP socket never connected, established or listening nor a UDP socket
 * unconnected or connected, a listener without a port or with a backlog
 * above INT_MAX, a backlog on a socket not listening, a connected socket
 * without its port or its peer's, a TCP connection without its address
 * or its peer's, a peer on a socket not connected, a port bound that is
 * 0, an address bound that is any, an address bind() did not name on a
 * socket not connected, unknown flags, IP flags or TCP flags, IPv6
 * options on an AF_INET socket (IPV6_V6ONLY, the IPv6 IP flags, a
 * traffic class, hops, an IPv6 path MTU discovery mode but the default),
 * TCP options on a UDP socket, a TCP_LINGER2 below -1, a shutdown of a
 * TCP socket, rcvlowat below 1, an unknown path MTU discovery mode, a
 * TTL but -1 and 1 to 255, hops below -1 or above 255, a linger time
 * above INT_MAX, datagrams queued (nr_dgrams) on a TCP socket or more
 * than CKPT_MAX_INET_DGRAMS of them, a reserved field, an IPv4 address
 * with bytes past its 4, and the FILE's f_flags of another access mode
 * than O_RDWR or with another flag than O_NONBLOCK (O_ASYNC:
 * file_owner_str()), or an offset.
 */
static void inet_str(char *buf, size_t len, const struct ckpt_hdr_file_inet *h,
		     const struct ckpt_hdr_file *f)
{
	static const struct { uint32_t bit; const char *name; } fl[] = {
		{ CKPT_INET_REUSEADDR, "reuseaddr" },
		{ CKPT_INET_REUSEPORT, "reuseport" },
		{ CKPT_INET_KEEPALIVE, "keepalive" },
		{ CKPT_INET_OOBINLINE, "oobinline" },
		{ CKPT_INET_BROADCAST, "broadcast" },
		{ CKPT_INET_V6ONLY, "v6only" },
		{ CKPT_INET_ASYNC_NOSPACE, "waits for space (SIGIO due)" },
		{ CKPT_INET_ASYNC_WAITDATA, "waits for data" },
	}, ipf[] = {
		{ CKPT_INET_IP_PKTINFO, "pktinfo" },
		{ CKPT_INET_IP_RECVTTL, "recvttl" },
		{ CKPT_INET_IP_RECVTOS, "recvtos" },
		{ CKPT_INET_IP_RECVOPTS, "recvopts" },
		{ CKPT_INET_IP_RETOPTS, "retopts" },
		{ CKPT_INET_IP_ORIGDSTADDR, "recvorigdstaddr" },
		{ CKPT_INET_IP_RECVERR, "recverr" },
		{ CKPT_INET_IP_FREEBIND, "freebind" },
		{ CKPT_INET_IP_TRANSPARENT, "transparent" },
		{ CKPT_INET_IP_BIND_NO_PORT, "bind_address_no_port" },
		{ CKPT_INET_IPV6_RECVPKTINFO, "ipv6 recvpktinfo" },
		{ CKPT_INET_IPV6_RECVHOPLIMIT, "ipv6 recvhoplimit" },
		{ CKPT_INET_IPV6_RECVTCLASS, "ipv6 recvtclass" },
		{ CKPT_INET_IPV6_ORIGDSTADDR, "ipv6 recvorigdstaddr" },
		{ CKPT_INET_IPV6_RECVERR, "ipv6 recverr" },
	};
	const uint32_t ipv6_flags = CKPT_INET_IPV6_RECVPKTINFO |
				    CKPT_INET_IPV6_RECVHOPLIMIT |
				    CKPT_INET_IPV6_RECVTCLASS |
				    CKPT_INET_IPV6_ORIGDSTADDR |
				    CKPT_INET_IPV6_RECVERR;
	bool v4 = h->family == AF_INET, v6 = h->family == AF_INET6;
	bool tcp = h->protocol == IPPROTO_TCP, udp = h->protocol == IPPROTO_UDP;
	const char *state = inet_state_name(h->state);
	char why[768] = "", part[96], a[64], d[48];
	unsigned int k;

	if (v4 || v6)
		snprintf(a, sizeof(a), "%s", v4 ? "inet" : "inet6");
	else
		snprintf(a, sizeof(a), "family %u", h->family);
	if (tcp || udp)
		snprintf(d, sizeof(d), "%s", tcp ? "tcp" : "udp");
	else
		snprintf(d, sizeof(d), "protocol %u", h->protocol);
	snprintf(buf, len, " (%s %s", a, d);
	if (state)
		list_add(buf, len, state);
	else
		list_add_u(buf, len, "state", h->state, "");
	list_add(buf, len, inet_addr_str(a, sizeof(a), h->family, h->laddr,
					 h->lport));
	/* what bind() named; a disconnect gives up the rest */
	if (h->flags & CKPT_INET_BOUND_ADDR)
		list_add(buf, len, "address bound");
	if (h->flags & CKPT_INET_BOUND_PORT)
		list_add(buf, len, "port bound");
	else if (h->lport)
		list_add(buf, len, "port chosen by the kernel");
	if (h->state == INET_ESTABLISHED || h->rport ||
	    !all_zero(h->raddr, sizeof(h->raddr))) {
		snprintf(part, sizeof(part), "peer %s",
			 inet_addr_str(a, sizeof(a), h->family, h->raddr,
				       h->rport));
		list_add(buf, len, part);
	}
	if (h->state == INET_LISTEN || h->backlog)
		list_add_u(buf, len, "backlog", h->backlog, "");
	if (h->flags & CKPT_INET_SHUT_RD)
		list_add(buf, len, (h->flags & CKPT_INET_SHUT_WR) ?
			 "shut rd wr" : "shut rd");
	else if (h->flags & CKPT_INET_SHUT_WR)
		list_add(buf, len, "shut wr");
	for (k = 0; k < sizeof(fl) / sizeof(fl[0]); k++)
		if (h->flags & fl[k].bit)
			list_add(buf, len, fl[k].name);
	if (h->flags & CKPT_INET_LINGER)
		list_add_u(buf, len, "linger", h->linger, "s");
	if (h->flags & CKPT_INET_SNDBUF_LOCK)
		list_add_u(buf, len, "sndbuf", h->sndbuf, "");
	if (h->flags & CKPT_INET_RCVBUF_LOCK)
		list_add_u(buf, len, "rcvbuf", h->rcvbuf, "");
	if (h->rcvlowat != 1)
		list_add_u(buf, len, "rcvlowat", h->rcvlowat, "");
	if (h->peek_off != -1)
		list_add_u(buf, len, "peek_off", h->peek_off, "");
	if (h->sndtimeo_us) {
		snprintf(part, sizeof(part), "sndtimeo %s",
			 ns_str(d, sizeof(d), h->sndtimeo_us > INT64_MAX / 1000 ?
				INT64_MAX : (int64_t)h->sndtimeo_us * 1000));
		list_add(buf, len, part);
	}
	if (h->rcvtimeo_us) {
		snprintf(part, sizeof(part), "rcvtimeo %s",
			 ns_str(d, sizeof(d), h->rcvtimeo_us > INT64_MAX / 1000 ?
				INT64_MAX : (int64_t)h->rcvtimeo_us * 1000));
		list_add(buf, len, part);
	}
	if (h->priority)
		list_add_u(buf, len, "priority", h->priority, "");
	if (h->mark) {
		snprintf(part, sizeof(part), "mark 0x%x", h->mark);
		list_add(buf, len, part);
	}
	for (k = 0; k < sizeof(ipf) / sizeof(ipf[0]); k++)
		if (h->ip_flags & ipf[k].bit)
			list_add(buf, len, ipf[k].name);
	if (h->tos) {
		snprintf(part, sizeof(part), "tos 0x%x", h->tos);
		list_add(buf, len, part);
	}
	if (h->tclass) {
		snprintf(part, sizeof(part), "tclass 0x%x", h->tclass);
		list_add(buf, len, part);
	}
	/* IP_PMTUDISC_WANT (1), the default, not said */
	if (h->pmtudisc != 1)
		list_add_u(buf, len, "pmtudisc", h->pmtudisc, "");
	if (v6 && h->pmtudisc6 != 1)
		list_add_u(buf, len, "ipv6 pmtudisc", h->pmtudisc6, "");
	if (h->ttl != -1)
		list_add_u(buf, len, "ttl", h->ttl, "");
	if (h->hops != -1)
		list_add_u(buf, len, "hops", h->hops, "");
	if (h->tcp_flags & CKPT_INET_TCP_NODELAY)
		list_add(buf, len, "nodelay");
	if (h->tcp_flags & CKPT_INET_TCP_CORK)
		list_add(buf, len, "cork");
	if (h->defer_accept)
		list_add_u(buf, len, "defer_accept", h->defer_accept, "s");
	if (h->keepidle)
		list_add_u(buf, len, "keepidle", h->keepidle, "s");
	if (h->keepintvl)
		list_add_u(buf, len, "keepintvl", h->keepintvl, "s");
	if (h->keepcnt)
		list_add_u(buf, len, "keepcnt", h->keepcnt, "");
	if (h->user_timeout)
		list_add_u(buf, len, "user_timeout", h->user_timeout, "ms");
	if (h->maxseg)
		list_add_u(buf, len, "maxseg", h->maxseg, "");
	if (h->syncnt)
		list_add_u(buf, len, "syncnt", h->syncnt, "");
	if (h->linger2 == -1)
		list_add(buf, len, "linger2 off");
	else if (h->linger2)
		list_add_u(buf, len, "linger2", h->linger2, "s");
	if (h->notsent_lowat)
		list_add_u(buf, len, "notsent_lowat", h->notsent_lowat, "");
	if (h->window_clamp)
		list_add_u(buf, len, "window_clamp", h->window_clamp, "");
	if (h->fastopen)
		list_add_u(buf, len, "fastopen", h->fastopen, "");

	/* what restart refuses */
	if (!v4 && !v6)
		list_add(why, sizeof(why), "the family");
	if (!tcp && !udp)
		list_add(why, sizeof(why), "the protocol");
	/* TCP: never connected, established, listening; UDP: connected or not */
	if ((tcp || udp) && h->state != INET_CLOSE &&
	    h->state != INET_ESTABLISHED && (!tcp || h->state != INET_LISTEN)) {
		snprintf(part, sizeof(part), "state %u on a %s socket",
			 h->state, tcp ? "TCP" : "UDP");
		list_add(why, sizeof(why), part);
	}
	if (h->state == INET_LISTEN && !h->lport)
		list_add(why, sizeof(why), "a listener without a port");
	if (h->state == INET_LISTEN && h->backlog > INT_MAX)
		list_add(why, sizeof(why), "a backlog above INT_MAX");
	if (h->state != INET_LISTEN && h->backlog)
		list_add(why, sizeof(why), "a backlog on a socket not listening");
	if (h->state == INET_ESTABLISHED && (!h->rport || !h->lport))
		list_add(why, sizeof(why), "a connected socket without a port");
	if (tcp && h->state == INET_ESTABLISHED &&
	    (all_zero(h->laddr, sizeof(h->laddr)) ||
	     all_zero(h->raddr, sizeof(h->raddr))))
		list_add(why, sizeof(why),
			 "a TCP connection without its address or its peer's");
	if (h->state != INET_ESTABLISHED &&
	    (h->rport || !all_zero(h->raddr, sizeof(h->raddr))))
		list_add(why, sizeof(why), "a peer on a socket not connected");
	/* what bind() chose: a port, an address; else connect()'s */
	if (h->flags & CKPT_INET_BOUND_PORT && !h->lport)
		list_add(why, sizeof(why), "a port bound that is 0");
	if (h->flags & CKPT_INET_BOUND_ADDR &&
	    all_zero(h->laddr, sizeof(h->laddr)))
		list_add(why, sizeof(why), "an address bound that is any");
	if (!(h->flags & CKPT_INET_BOUND_ADDR) &&
	    h->state != INET_ESTABLISHED &&
	    !all_zero(h->laddr, sizeof(h->laddr)))
		list_add(why, sizeof(why),
			 "an address not bound on a socket not connected");
	if (h->flags & ~CKPT_INET_FLAGS_MASK) {
		snprintf(part, sizeof(part), "flags 0x%x",
			 h->flags & ~CKPT_INET_FLAGS_MASK);
		list_add(why, sizeof(why), part);
	}
	if (h->ip_flags & ~CKPT_INET_IP_FLAGS_MASK) {
		snprintf(part, sizeof(part), "IP flags 0x%x",
			 h->ip_flags & ~CKPT_INET_IP_FLAGS_MASK);
		list_add(why, sizeof(why), part);
	}
	if (h->tcp_flags & ~CKPT_INET_TCP_FLAGS_MASK) {
		snprintf(part, sizeof(part), "TCP flags 0x%x",
			 h->tcp_flags & ~CKPT_INET_TCP_FLAGS_MASK);
		list_add(why, sizeof(why), part);
	}
	if (v4 && ((h->flags & CKPT_INET_V6ONLY) || (h->ip_flags & ipv6_flags) ||
		   h->tclass || h->hops != -1 || h->pmtudisc6 != 1))
		list_add(why, sizeof(why), "IPv6 options on an AF_INET socket");
	if (udp && (h->tcp_flags || h->defer_accept ||
		    h->keepidle || h->keepintvl || h->keepcnt ||
		    h->user_timeout || h->maxseg || h->syncnt || h->linger2 ||
		    h->notsent_lowat || h->window_clamp || h->fastopen))
		list_add(why, sizeof(why), "TCP options on a UDP socket");
	if (h->linger2 < -1)
		list_add_u(why, sizeof(why), "linger2", h->linger2, "");
	if (tcp && (h->flags & (CKPT_INET_SHUT_RD | CKPT_INET_SHUT_WR)))
		list_add(why, sizeof(why), "a shutdown of a TCP socket");
	/* SO_PEEK_OFF takes any value, a negative one is off */
	if (h->rcvlowat < 1)
		list_add_u(why, sizeof(why), "rcvlowat", h->rcvlowat, "");
	if (h->pmtudisc > INET_PMTUDISC_MAX)
		list_add_u(why, sizeof(why), "pmtudisc", h->pmtudisc, "");
	if (h->pmtudisc6 > INET_PMTUDISC_MAX)
		list_add_u(why, sizeof(why), "ipv6 pmtudisc", h->pmtudisc6, "");
	if (h->ttl != -1 && (h->ttl < 1 || h->ttl > 255))
		list_add_u(why, sizeof(why), "ttl", h->ttl, "");
	if (h->hops < -1 || h->hops > 255)
		list_add_u(why, sizeof(why), "hops", h->hops, "");
	if (h->linger > INT_MAX)
		list_add_u(why, sizeof(why), "linger", h->linger, "s");
	if (tcp && h->nr_dgrams) {
		snprintf(part, sizeof(part), "%u datagram%s queued on a TCP socket",
			 h->nr_dgrams, h->nr_dgrams == 1 ? "" : "s");
		list_add(why, sizeof(why), part);
	} else if (h->nr_dgrams > CKPT_MAX_INET_DGRAMS) {
		snprintf(part, sizeof(part), "%u datagrams queued, above %u",
			 h->nr_dgrams, CKPT_MAX_INET_DGRAMS);
		list_add(why, sizeof(why), part);
	}
	if (h->__reserved)
		list_add(why, sizeof(why), "a reserved field");
	if (!v6 && (!all_zero(h->laddr + 4, sizeof(h->laddr) - 4) ||
		    !all_zero(h->raddr + 4, sizeof(h->raddr) - 4)))
		list_add(why, sizeof(why), "an IPv4 address of more than 4 bytes");
	if ((f->f_flags & O_ACCMODE) != O_RDWR ||
	    (f->f_flags & ~(uint32_t)(O_ACCMODE | O_NONBLOCK | FASYNC))) {
		snprintf(part, sizeof(part), "f_flags 0x%x", f->f_flags);
		list_add(why, sizeof(why), part);
	}
	if (f->pos)
		list_add(why, sizeof(why), "an offset");
	why_close(buf, len, why);
}

/*
 * INET_DGRAM, one of the nr_dgrams datagrams a UDP socket's FILE_INET
 * says it has queued, right after it, in the order recvmsg() gives them.
 * Refused as restart refuses it whatever its fields: one not after a
 * FILE_INET, one more than nr_dgrams (restart reads none after the
 * FILE_INET of a TCP socket, nor after one of more than
 * CKPT_MAX_INET_DGRAMS, which it refuses). That they are all there is
 * checked at the end of the socket's records (inet_file_end()); what
 * restart refuses of their fields is said on their lines
 * (inet_print_dgram()).
 */
static int info_inet_dgram(struct info *in,
			   const struct ckpt_hdr_inet_dgram *d, size_t off)
{
	if (!in->inet)
		return bad(in, off, "INET_DGRAM not after a FILE_INET record");
	if (in->inet_dgrams >= in->inet_nr_dgrams)
		return bad(in, off, "INET_DGRAM (datagram %u) after a %s socket of %u datagrams queued",
			   in->inet_dgrams,
			   in->inet->protocol == IPPROTO_TCP ? "TCP" : "UDP",
			   in->inet_nr_dgrams);
	in->inet_dgrams++;
	in->inet_bytes += d->len;
	in->nr_dgrams++;
	in->dgram_bytes += d->len;
	return 0;
}

/*
 * At the end of an inet socket's records: the nr_dgrams INET_DGRAM
 * records its FILE_INET announced came, as restart reads them ("expected
 * a inet_dgram record"), and the TCP_CONN of an established TCP
 * connection ("expected a tcp_conn record"). 0 or -EINVAL.
 */
static int inet_file_end(struct info *in, const struct ckpt_hdr_file *f,
			 const struct ckpt_hdr *next, size_t off)
{
	if (in->inet && in->tcp_due && !in->tcp)
		return bad(in, off, "FILE #%u (inet) needs a TCP_CONN record (an established TCP connection), found %s",
			   f->objref,
			   next ? ckpt_hdr_name(next->type) : "the end");
	if (!in->inet || in->inet_dgrams == in->inet_nr_dgrams)
		return 0;
	return bad(in, off, "FILE #%u (inet) needs an INET_DGRAM record (datagram %u of the %u queued), found %s",
		   f->objref, in->inet_dgrams, in->inet_nr_dgrams,
		   next ? ckpt_hdr_name(next->type) : "the end");
}

/* ---- an established TCP connection: TCP_CONN ---- */

/* TCP's comparison of sequence numbers, modulo 2^32: is @a after @b? */
static bool tcp_after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

/* the largest window: the field's 65535, scaled by at most 14 */
#define TCP_WINDOW_MAX		(65535U << 14)
#define TCP_MAX_WSCALE		14
#define TCP_MIN_SND_MSS		48

/*
 * What restart refuses of the TCP_CONN @c, alone (ckpt_tcp_conn_ok():
 * "malformed TCP connection"), as a list in @why: unknown options, the
 * reserved field, a queue (write_seq - snd_una, rcv_nxt - copied_seq,
 * modulo 2^32) of more than CKPT_TCP_QUEUE_MAX bytes, snd_nxt past the
 * send queue, a record of another length than the struct and both queues
 * rounded up to 8, an MSS below 48, window scales above 14 (with window
 * scaling; any without), max_window below snd_wnd, a window past 65535
 * (without window scaling) or 65535 << 14, snd_wl1 after rcv_nxt +
 * rcv_wnd, rcv_wup after rcv_nxt. Empty if it takes it.
 */
static void tcp_conn_why(const struct ckpt_hdr_tcp_conn *c, char *why,
			 size_t len)
{
	uint32_t sndq = c->write_seq - c->snd_una;
	uint32_t rcvq = c->rcv_nxt - c->copied_seq;
	bool ws = c->opts & CKPT_TCP_WSCALE;
	uint32_t wmax = ws ? TCP_WINDOW_MAX : 65535;
	uint64_t want = (sizeof(*c) + (uint64_t)sndq + rcvq + 7) / 8 * 8;
	char part[128];

	why[0] = '\0';
	if (c->opts & ~(uint32_t)CKPT_TCP_OPTS_MASK) {
		snprintf(part, sizeof(part), "options 0x%x",
			 c->opts & ~(uint32_t)CKPT_TCP_OPTS_MASK);
		list_add(why, len, part);
	}
	if (c->__reserved)
		list_add(why, len, "a reserved field");
	if (sndq > CKPT_TCP_QUEUE_MAX) {
		snprintf(part, sizeof(part), "a send queue of %u bytes, above %u",
			 sndq, (unsigned int)CKPT_TCP_QUEUE_MAX);
		list_add(why, len, part);
	}
	if (rcvq > CKPT_TCP_QUEUE_MAX) {
		snprintf(part, sizeof(part), "a receive queue of %u bytes, above %u",
			 rcvq, (unsigned int)CKPT_TCP_QUEUE_MAX);
		list_add(why, len, part);
	}
	if (c->snd_nxt - c->snd_una > sndq) {
		snprintf(part, sizeof(part), "snd_nxt %u bytes past snd_una, past the send queue of %u",
			 c->snd_nxt - c->snd_una, sndq);
		list_add(why, len, part);
	}
	if (c->h.len != want) {
		snprintf(part, sizeof(part), "a record of %u bytes for queues of %u and %u bytes",
			 c->h.len, sndq, rcvq);
		list_add(why, len, part);
	}
	if (c->mss < TCP_MIN_SND_MSS) {
		snprintf(part, sizeof(part), "an MSS of %u, below %u", c->mss,
			 TCP_MIN_SND_MSS);
		list_add(why, len, part);
	}
	if (ws && (c->snd_wscale > TCP_MAX_WSCALE ||
		   c->rcv_wscale > TCP_MAX_WSCALE)) {
		snprintf(part, sizeof(part), "window scales %u and %u, above %u",
			 c->snd_wscale, c->rcv_wscale, TCP_MAX_WSCALE);
		list_add(why, len, part);
	} else if (!ws && (c->snd_wscale || c->rcv_wscale)) {
		list_add(why, len, "window scales without window scaling");
	}
	if (c->max_window < c->snd_wnd)
		list_add(why, len, "max_window below snd_wnd");
	if (c->max_window > wmax || c->rcv_wnd > wmax) {
		snprintf(part, sizeof(part), "a window above %u", wmax);
		list_add(why, len, part);
	}
	if (tcp_after(c->snd_wl1, c->rcv_nxt + c->rcv_wnd))
		list_add(why, len, "snd_wl1 after rcv_nxt + rcv_wnd");
	if (tcp_after(c->rcv_wup, c->rcv_nxt))
		list_add(why, len, "rcv_wup after rcv_nxt");
}

/*
 * TCP_CONN, the state of an established TCP connection, right after the
 * FILE_INET of its socket (and only there: restart reads one after the
 * FILE_INET of a TCP socket in state ESTABLISHED, and none elsewhere,
 * "expected a file or fdtable record, found tcp_conn"). Refused: one
 * anywhere else, a second one. What restart refuses of its fields is said
 * on its lines (tcp_print_conn()).
 */
static int info_tcp_conn(struct info *in, const struct ckpt_hdr_tcp_conn *c,
			 size_t off)
{
	uint32_t sndq = c->write_seq - c->snd_una;
	uint32_t rcvq = c->rcv_nxt - c->copied_seq;

	if (!in->inet)
		return bad(in, off, "TCP_CONN not after a FILE_INET record");
	if (!in->tcp_due)
		return bad(in, off, "TCP_CONN after the FILE_INET of a %s socket in state %u, not an established TCP connection",
			   in->inet->protocol == IPPROTO_TCP ? "TCP" :
			   in->inet->protocol == IPPROTO_UDP ? "UDP" : "?",
			   in->inet->state);
	if (in->tcp)
		return bad(in, off, "a second TCP_CONN after a FILE_INET");
	/* right after it: a datagram of a TCP socket was refused already */
	in->tcp = c;
	in->nr_tcp++;
	if (sndq <= CKPT_TCP_QUEUE_MAX && rcvq <= CKPT_TCP_QUEUE_MAX)
		in->tcp_bytes += (uint64_t)sndq + rcvq;
	return 0;
}

/*
 * The line of datagram @k (from 0, as restart's log lines count them) of
 * the UDP socket @sk, the INET_DGRAM @d: "  datagram 0: 5 bytes from
 * 127.0.0.1:40000 to 127.0.0.1:5000 by lo (ifindex 1), tos 0x28, ttl 64,
 * spec_dst 127.0.0.1" (", no device" when the socket did not ask for
 * IP_PKTINFO, IPV6_RECVPKTINFO..., and no spec_dst; an IPv6 one:
 * "tclass 0x0, hop limit 64, flow label 0x1234"). What restart refuses
 * of it is said so
 * (ckpt_inet_dgram_rec_ok(): "malformed datagram"): more bytes than
 * CKPT_INET_DGRAM_MAX (an IPv4 datagram: 65507), a record whose length
 * is not the datagram's padded to 8, padding that is not zero, a family
 * but AF_INET and AF_INET6, an IPv6 datagram on an IPv4 socket, an IPv4
 * one on an IPv6-only socket, an IPv4 address of more than 4 bytes, a
 * flow label on an IPv4 datagram or one of more than 20 bits, an
 * ipi_spec_dst on an IPv6 one, a negative ifindex, a device name that is
 * not NUL-terminated and zero-padded, a device without a name or a name
 * without a device, a reserved field. Not checked here: that the device
 * is the same in the restarter's network namespace.
 */
static void inet_print_dgram(uint32_t k, const struct ckpt_hdr_inet_dgram *d,
			     const struct ckpt_hdr_file_inet *sk)
{
	const uint8_t *data = (const uint8_t *)(d + 1);
	bool v4 = d->family == AF_INET, v6 = d->family == AF_INET6;
	uint64_t want = (sizeof(*d) + (uint64_t)d->len + 7) / 8 * 8;
	char why[512] = "", part[96], from[64], to[64], dev[48];
	const char *nul = memchr(d->ifname, 0, sizeof(d->ifname));
	size_t name_len = nul ? (size_t)(nul - d->ifname) : sizeof(d->ifname);
	uint32_t af = v6 ? AF_INET6 : AF_INET;

	if (d->len > CKPT_INET_DGRAM_MAX) {
		snprintf(part, sizeof(part), "%u bytes, above %u", d->len,
			 CKPT_INET_DGRAM_MAX);
		list_add(why, sizeof(why), part);
	} else if (v4 && d->len > 65507) {
		snprintf(part, sizeof(part), "an IPv4 datagram of %u bytes, above 65507",
			 d->len);
		list_add(why, sizeof(why), part);
	}
	if (d->h.len != want) {
		snprintf(part, sizeof(part), "a length of %u in a record of %u bytes",
			 d->len, d->h.len);
		list_add(why, sizeof(why), part);
	} else if (!all_zero(data + d->len, d->h.len - sizeof(*d) - d->len)) {
		list_add(why, sizeof(why), "padding not zero");
	}
	if (!v4 && !v6)
		list_add_u(why, sizeof(why), "family", d->family, "");
	else if (v6 && sk->family != AF_INET6)
		list_add(why, sizeof(why), "an IPv6 datagram on an IPv4 socket");
	else if (v4 && sk->flags & CKPT_INET_V6ONLY)
		list_add(why, sizeof(why),
			 "an IPv4 datagram on an IPv6-only socket");
	if (!v6 && (!all_zero(d->saddr + 4, sizeof(d->saddr) - 4) ||
		    !all_zero(d->daddr + 4, sizeof(d->daddr) - 4)))
		list_add(why, sizeof(why), "an IPv4 address of more than 4 bytes");
	if (!v6 && d->flowlabel)
		list_add(why, sizeof(why), "a flow label on an IPv4 datagram");
	if (v6 && d->flowlabel > 0xfffff) {
		snprintf(part, sizeof(part), "flow label 0x%x, above 20 bits",
			 d->flowlabel);
		list_add(why, sizeof(why), part);
	}
	if (v6 && !all_zero(d->spec_dst, sizeof(d->spec_dst)))
		list_add(why, sizeof(why), "an ipi_spec_dst on an IPv6 datagram");
	if (d->ifindex < 0)
		list_add_u(why, sizeof(why), "ifindex", d->ifindex, "");
	if (!nul)
		list_add(why, sizeof(why), "a device name without its NUL");
	else if (!all_zero((const uint8_t *)nul,
			   sizeof(d->ifname) - name_len))
		list_add(why, sizeof(why), "bytes after the device name's NUL");
	if (d->ifindex && !d->ifname[0])
		list_add(why, sizeof(why), "a device without a name");
	else if (!d->ifindex && d->ifname[0])
		list_add(why, sizeof(why), "a device name without an ifindex");
	if (d->__reserved[0] || d->__reserved[1])
		list_add(why, sizeof(why), "a reserved field");

	inet_addr_str(from, sizeof(from), af, d->saddr, d->sport);
	inet_addr_str(to, sizeof(to), af, d->daddr, d->dport);
	printf("  datagram %u: %u byte%s", k, d->len, d->len == 1 ? "" : "s");
	if (!v4 && !v6)
		printf(" (family %u)", d->family);
	printf(" from %s to %s", from, to);
	if (d->ifname[0])
		printf(" by %s (ifindex %d)",
		       str(dev, sizeof(dev), d->ifname, name_len), d->ifindex);
	else if (d->ifindex)
		printf(" by ifindex %d", d->ifindex);
	else
		printf(", no device");
	if (v6)
		printf(", tclass 0x%x, hop limit %u, flow label 0x%x", d->tos,
		       d->ttl, d->flowlabel);
	else
		printf(", tos 0x%x, ttl %u", d->tos, d->ttl);
	/* IP_PKTINFO's, when the socket asked for it */
	if (!v6 && !all_zero(d->spec_dst, sizeof(d->spec_dst)))
		printf(", spec_dst %u.%u.%u.%u", d->spec_dst[0],
		       d->spec_dst[1], d->spec_dst[2], d->spec_dst[3]);
	printf("%s%s\n", why[0] ? "; restart refuses " : "", why);
}

/*
 * The datagrams queued on the UDP socket being printed, as
 * info_inet_dgram() found them after its FILE_INET: "  queue: 3
 * datagrams queued, 60012 bytes", then a line for each
 * (inet_print_dgram()); nothing for a socket with none. What restart
 * refuses of the queue is said on its line: more than
 * CKPT_INET_QUEUE_MAX bytes in all (the datagram that goes past it is
 * "malformed").
 */
static void inet_print_queue(const struct info *in)
{
	const struct ckpt_hdr_file_inet *h = in->inet;
	const unsigned char *p = (const unsigned char *)h + h->h.len;
	uint64_t bytes = 0;
	int64_t past = -1;
	uint32_t k;

	if (!in->inet_dgrams)
		return;
	for (k = 0; k < in->inet_dgrams; k++) {
		const struct ckpt_hdr_inet_dgram *d = (const void *)p;

		bytes += d->len;
		if (past < 0 && bytes > CKPT_INET_QUEUE_MAX)
			past = k;
		p += d->h.len;
	}
	printf("  queue: %u datagram%s queued, %" PRIu64 " byte%s",
	       in->inet_dgrams, in->inet_dgrams == 1 ? "" : "s", bytes,
	       bytes == 1 ? "" : "s");
	if (past >= 0)
		printf("; restart refuses more than %u bytes (datagram %" PRId64
		       " goes past)", (unsigned int)CKPT_INET_QUEUE_MAX, past);
	printf("\n");
	p = (const unsigned char *)h + h->h.len;
	for (k = 0; k < in->inet_dgrams; k++) {
		inet_print_dgram(k, (const void *)p, h);
		p += ((const struct ckpt_hdr *)p)->len;
	}
}

/* The first bytes of a queue, as a hint of what was in it: ": 68 65 ..." */
static void tcp_print_bytes(const unsigned char *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n && i < 16; i++)
		printf("%s%02x", i ? " " : ": ", p[i]);
	printf("%s\n", n > 16 ? " ..." : "");
}

/*
 * The lines of the established TCP connection whose TCP_CONN is @c,
 * after its socket's: "  connection: 10 bytes written and not
 * acknowledged (4 sent), 6 received and not read; snd_una 1000, snd_nxt
 * 1004, write_seq 1010, rcv_nxt 5006, copied_seq 5000", then its options
 * and windows ("  options: mss 65483, window scaling (peer's 7, ours 7),
 * SACK, timestamps; timestamp 123456; snd_wnd 65535 (snd_wl1 5000),
 * max_window 65535, rcv_wnd 65483 (rcv_wup 5000)"), with what restart
 * refuses of it (tcp_conn_why()), then the first bytes of each queue
 * when the record holds them.
 */
static void tcp_print_conn(const struct ckpt_hdr_tcp_conn *c)
{
	const unsigned char *data = (const unsigned char *)(c + 1);
	uint32_t sndq = c->write_seq - c->snd_una;
	uint32_t rcvq = c->rcv_nxt - c->copied_seq;
	uint32_t sent = c->snd_nxt - c->snd_una;
	char why[640], opts[160] = "", part[64];

	tcp_conn_why(c, why, sizeof(why));
	printf("  connection: %u byte%s written and not acknowledged (%u sent), %u received and not read; snd_una %u, snd_nxt %u, write_seq %u, rcv_nxt %u, copied_seq %u\n",
	       sndq, sndq == 1 ? "" : "s", sent, rcvq, c->snd_una, c->snd_nxt,
	       c->write_seq, c->rcv_nxt, c->copied_seq);
	snprintf(part, sizeof(part), "mss %u", c->mss);
	list_add(opts, sizeof(opts), part);
	if (c->opts & CKPT_TCP_WSCALE) {
		snprintf(part, sizeof(part), "window scaling (peer's %u, ours %u)",
			 c->snd_wscale, c->rcv_wscale);
		list_add(opts, sizeof(opts), part);
	} else {
		list_add(opts, sizeof(opts), "no window scaling");
	}
	if (c->opts & CKPT_TCP_SACK)
		list_add(opts, sizeof(opts), "SACK");
	if (c->opts & CKPT_TCP_TSTAMP)
		list_add(opts, sizeof(opts), "timestamps");
	printf("  options: %s; timestamp %u%s; snd_wnd %u (snd_wl1 %u), max_window %u, rcv_wnd %u (rcv_wup %u)%s%s\n",
	       opts, c->timestamp, c->timestamp & 1 ? " (microseconds)" : "",
	       c->snd_wnd, c->snd_wl1, c->max_window, c->rcv_wnd, c->rcv_wup,
	       why[0] ? "; restart refuses " : "", why);
	/* the bytes, where the record has them */
	if (sizeof(*c) + (uint64_t)sndq + rcvq > c->h.len)
		return;
	if (sndq) {
		printf("  send queue, %u byte%s", sndq, sndq == 1 ? "" : "s");
		tcp_print_bytes(data, sndq);
	}
	if (rcvq) {
		printf("  receive queue, %u byte%s", rcvq, rcvq == 1 ? "" : "s");
		tcp_print_bytes(data + sndq, rcvq);
	}
}

static void chr_async_note(struct info *in, const struct ckpt_hdr_file *f,
			   uint64_t rdev)
{
	size_t o = strlen(in->file_note);
	const char *why = NULL;

	if (!(f->f_flags & FASYNC))
		return;
	if (rdev == 0x108 || rdev == 0x109)
		why = "O_ASYNC on a device whose signal list it does not keep";
	else if (file_async_fd(f))
		why = "an async fd on a file without a signal list";
	if (why)
		snprintf(in->file_note + o, sizeof(in->file_note) - o,
			 " [O_ASYNC: restart refuses %s]", why);
}

/* A record that follows a FILE record: STRING, FILE_CHR, FILE_INHERIT... */
static int info_file_rec(struct info *in, const struct ckpt_hdr *h,
			 size_t off)
{
	const struct ckpt_hdr_file *f = in->file;
	size_t o = strlen(in->file_extra);
	uint32_t want;

	if (!f)
		return bad(in, off, "%s record not after a FILE record",
			   ckpt_hdr_name(h->type));
	/*
	 * a listener's connections waiting in its backlog, after its queue:
	 * each UNIX_EMBRYO right before its own UNIX_QUEUE
	 */
	if (h->type == CKPT_HDR_UNIX_EMBRYO)
		return info_unix_embryo(in, (const void *)h, off);
	if (in->ux_queue_due && h->type != CKPT_HDR_UNIX_QUEUE)
		return bad(in, off, "UNIX_EMBRYO %u needs a UNIX_QUEUE record, found %s",
			   in->ux_embryos, ckpt_hdr_name(h->type));
	if (in->ux_queue_due)
		return info_unix_queue(in, (const void *)h, off);
	/* as many as its UNIX_QUEUE says, after it */
	if (h->type == CKPT_HDR_UNIX_SENDER)
		return info_unix_sender(in, (const void *)h, off);
	if (h->type == CKPT_HDR_UNIX_MSG || h->type == CKPT_HDR_UNIX_MSG_FROM ||
	    h->type == CKPT_HDR_UNIX_MSG_FDS)
		return info_unix_msg(in, h, off);
	/* as many as its FILE_INET says, after it */
	if (h->type == CKPT_HDR_INET_DGRAM)
		return info_inet_dgram(in, (const void *)h, off);
	/* an established TCP connection's, right after its FILE_INET */
	if (h->type == CKPT_HDR_TCP_CONN)
		return info_tcp_conn(in, (const void *)h, off);
	want = f->type > 0 && f->type < CKPT_FILE_MAX ?
	       file_records[f->type][in->file_next] : h->type;
	if (!want)
		return bad(in, off, "FILE #%u (%s) has no %s record",
			   f->objref, file_type_name(f->type),
			   ckpt_hdr_name(h->type));
	if (want != h->type)
		return bad(in, off, "FILE #%u (%s) needs a %s record, found %s",
			   f->objref, file_type_name(f->type),
			   ckpt_hdr_name(want), ckpt_hdr_name(h->type));
	if (in->file_next < FILE_RECS_MAX)
		in->file_next++;

	switch (h->type) {
	case CKPT_HDR_STRING: {
		const struct ckpt_hdr_string *st = (const void *)h;
		const char *path = (const char *)(st + 1);

		if (st->len < 1 || st->len > CKPT_PATH_MAX ||
		    CKPT_REC_MAX_LEN(*st, st->len) != st->h.len)
			return bad(in, off, "STRING of %u bytes in a record of %u bytes",
				   st->len, st->h.len);
		if (!check_str(path, st->len))
			return bad(in, off, "STRING not NUL terminated");
		/* a /proc file's: the procfs mount, then the rest */
		if (f->type == CKPT_FILE_UNIX) {
			/* where a socket bound to a path has its inode */
			str(in->file_path, sizeof(in->file_path), path,
			    st->len);
			if (path[0] != '/') {
				size_t n = strlen(in->file_note);

				snprintf(in->file_note + n,
					 sizeof(in->file_note) - n,
					 " [restart refuses a relative path]");
			}
		} else if (f->type == CKPT_FILE_PROC && in->file_next == 2) {
			str(in->proc_mnt, sizeof(in->proc_mnt), path, st->len);
		} else if (f->type == CKPT_FILE_PROC) {
			char rest[300];

			proc_str(in, in->file_extra + o,
				 sizeof(in->file_extra) - o,
				 str(rest, sizeof(rest), path, st->len));
		} else {
			str(in->file_path, sizeof(in->file_path), path,
			    st->len);
		}
		break;
	}
	case CKPT_HDR_FILE_CHR: {
		const struct ckpt_hdr_file_chr *c = (const void *)h;

		snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
			 " (dev %u:%u)",
			 (unsigned int)((c->rdev & 0xfff00) >> 8),
			 (unsigned int)((c->rdev & 0xff) |
					((c->rdev >> 12) & 0xfff00)));
		chr_async_note(in, f, c->rdev);
		ext_tail(in, h, sizeof(*c));
		break;
	}
	case CKPT_HDR_FILE_INHERIT: {
		const struct ckpt_hdr_file_inherit *ih = (const void *)h;

		snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
			 " %s (restarter's fd %u)",
			 ih->kind > 0 && ih->kind < CKPT_INHERIT_MAX ?
			 inherit_types[ih->kind] : "?", ih->fd);
		ext_tail(in, h, sizeof(*ih));
		break;
	}
	case CKPT_HDR_FILE_PIPE: {
		const struct ckpt_hdr_file_pipe *p = (const void *)h;

		snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
			 " (pipe #%u)", p->pipe_objref);
		ext_tail(in, h, sizeof(*p));
		break;
	}
	case CKPT_HDR_FILE_EVENTFD: {
		const struct ckpt_hdr_file_eventfd *e = (const void *)h;

		snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
			 " (count %" PRIu64 "%s", (uint64_t)e->count,
			 (e->flags & CKPT_EFD_SEMAPHORE) ? ", semaphore" : "");
		o = strlen(in->file_extra);
		if (e->flags & ~CKPT_EFD_SEMAPHORE)
			snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
				 ", flags 0x%x", e->flags);
		o = strlen(in->file_extra);
		snprintf(in->file_extra + o, sizeof(in->file_extra) - o, ")");
		ext_tail(in, h, sizeof(*e));
		break;
	}
	case CKPT_HDR_FILE_EPOLL: {
		const struct ckpt_hdr_file_epoll *ep = (const void *)h;

		/* nothing yet but the items, in the late record */
		if (ep->__reserved)
			snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
				 " (reserved 0x%" PRIx64 ")",
				 (uint64_t)ep->__reserved);
		ext_tail(in, h, sizeof(*ep));
		break;
	}
	case CKPT_HDR_FILE_SIGNALFD: {
		const struct ckpt_hdr_file_signalfd *sf = (const void *)h;
		const uint64_t never = 1ULL << (SIGKILL - 1) |
				       1ULL << (SIGSTOP - 1);
		char sigs[640];

		snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
			 " (%s%s)", sigmask_str(sigs, sizeof(sigs), sf->sigmask),
			 sf->sigmask & never ?
			 "; restart refuses SIGKILL and SIGSTOP" : "");
		ext_tail(in, h, sizeof(*sf));
		break;
	}
	case CKPT_HDR_FILE_TIMERFD:
		timerfd_str(in->file_extra + o, sizeof(in->file_extra) - o,
			    (const void *)h);
		ext_tail(in, h, sizeof(struct ckpt_hdr_file_timerfd));
		break;
	case CKPT_HDR_FILE_INOTIFY: {
		const struct ckpt_hdr_file_inotify *ino = (const void *)h;

		in->ino_max_events = ino->max_events;
		inotify_str(in->file_extra + o, sizeof(in->file_extra) - o,
			    ino, f->f_flags);
		ext_tail(in, h, sizeof(*ino));
		break;
	}
	case CKPT_HDR_INOTIFY_WATCHES:
		return info_inotify_watches(in, (const void *)h, off);
	case CKPT_HDR_INOTIFY_EVENTS:
		return info_inotify_events(in, (const void *)h, off);
	case CKPT_HDR_FILE_UNIX: {
		/* an older one: zero-extended, as restart reads it */
		struct ckpt_hdr_file_unix u;

		ux_file_copy(h, &u);
		ext_tail(in, h, sizeof(u));
		/* no STRING after it unless it is bound to a path */
		if (!ux_has_path(&u) && in->file_next < FILE_RECS_MAX)
			in->file_next++;
		return info_file_unix(in, &u, off);
	}
	case CKPT_HDR_UNIX_QUEUE:
		return info_unix_queue(in, (const void *)h, off);
	case CKPT_HDR_FILE_MEMFD:
	case CKPT_HDR_FILE_DELETED: {
		/* the memfd or deleted file it is an open of */
		const struct ckpt_hdr_file_memfd *fm = (const void *)h;
		const struct ckpt_hdr_file_deleted *fd = (const void *)h;
		bool mfd = h->type == CKPT_HDR_FILE_MEMFD;
		uint32_t ref = mfd ? fm->memfd_objref : fd->deleted_objref;
		uint32_t rsv = mfd ? fm->__reserved : fd->__reserved;
		const struct ckpt_hdr *u;
		char name[320];

		u = unn_find(in, ref, mfd ? CKPT_HDR_MEMFD : CKPT_HDR_DELETED);
		if (!u)
			return bad(in, off, "%s names #%u, no %s read before",
				   ckpt_hdr_name(h->type), ref,
				   mfd ? "memfd" : "deleted file");
		snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
			 " \"%s\" (%s #%u)", unn_name(name, sizeof(name), u, false),
			 unn_kind(u), ref);
		if (rsv) {
			o = strlen(in->file_extra);
			snprintf(in->file_extra + o, sizeof(in->file_extra) - o,
				 " (reserved 0x%x)", rsv);
		}
		ext_tail(in, h, mfd ? sizeof(*fm) : sizeof(*fd));
		break;
	}
	case CKPT_HDR_FILE_PIDFD:
		pidfd_str(in, in->file_extra + o, sizeof(in->file_extra) - o,
			  (const void *)h);
		ext_tail(in, h, sizeof(struct ckpt_hdr_file_pidfd));
		break;
	case CKPT_HDR_FILE_PROC:
		in->proc = (const void *)h;
		ext_tail(in, h, sizeof(struct ckpt_hdr_file_proc));
		break;
	case CKPT_HDR_FILE_INET: {
		const struct ckpt_hdr_file_inet *fi = (const void *)h;

		in->nr_inet++;
		inet_str(in->file_extra + o, sizeof(in->file_extra) - o, fi, f);
		ext_tail(in, h, sizeof(*fi));
		/*
		 * restart reads its datagrams once it takes the record, or
		 * the TCP_CONN of an established TCP connection
		 */
		in->inet = fi;
		in->inet_nr_dgrams = fi->protocol == IPPROTO_UDP &&
				     fi->nr_dgrams <= CKPT_MAX_INET_DGRAMS ?
				     fi->nr_dgrams : 0;
		in->inet_dgrams = 0;
		in->inet_bytes = 0;
		in->tcp_due = fi->protocol == IPPROTO_TCP &&
			      fi->state == INET_ESTABLISHED;
		in->tcp = NULL;
		break;
	}
	}
	return 0;
}

/* epoll events, as EPOLLIN|EPOLLERR|... */
static const char *epoll_events_str(char *buf, size_t len, uint32_t ev)
{
	static const struct { uint32_t bit; const char *name; } fl[] = {
		{ EPOLLIN, "EPOLLIN" }, { EPOLLPRI, "EPOLLPRI" },
		{ EPOLLOUT, "EPOLLOUT" }, { EPOLLERR, "EPOLLERR" },
		{ EPOLLHUP, "EPOLLHUP" }, { 0x20, "EPOLLNVAL" },
		{ EPOLLRDNORM, "EPOLLRDNORM" }, { EPOLLRDBAND, "EPOLLRDBAND" },
		{ EPOLLWRNORM, "EPOLLWRNORM" }, { EPOLLWRBAND, "EPOLLWRBAND" },
		{ EPOLLMSG, "EPOLLMSG" }, { EPOLLRDHUP, "EPOLLRDHUP" },
		{ EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE" },
		{ EPOLLWAKEUP, "EPOLLWAKEUP" }, { EPOLLONESHOT, "EPOLLONESHOT" },
		{ EPOLLET, "EPOLLET" },
	};
	uint32_t rest = ev;
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		if (rest & fl[i].bit) {
			flag_add(buf, len, fl[i].name);
			rest &= ~fl[i].bit;
		}
	}
	if (rest) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "%s0x%x", o ? "|" : "", rest);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

/* the bits epoll keeps for itself; a one-shot item that fired has only these */
#define EP_PRIVATE	((uint32_t)(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | \
				    EPOLLEXCLUSIVE))
/* what EPOLLEXCLUSIVE may come with (epoll_ctl()) */
#define EP_EXCLUSIVE_OK	((uint32_t)(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | \
				    EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE))

/*
 * EPOLL_ITEMS, the late record of an epoll file: for an epoll FILE of
 * this process whose items are due, each item naming a FILE read before
 * it. Refused as restart refuses them whatever the restarter: a reserved
 * field, an fd above INT_MAX, events epoll could not hold, the epoll
 * itself as a target, an (objref, fd) twice, EPOLLEXCLUSIVE where
 * epoll_ctl() refuses it. Not checked here: nested epolls in a loop,
 * targets that cannot poll and EPOLLWAKEUP (the restarter's capability).
 * An item on an inherited target is no error whatever the restarter
 * does: restart drops it when the restarter leaves that fd closed, as
 * closing a watched fd would (noted on the item's line).
 */
static int info_epoll_items(struct info *in,
			    const struct ckpt_hdr_epoll_items *h, size_t off)
{
	const struct ckpt_epoll_item *it = (const void *)(h + 1);
	struct objent *e;
	char evs[200];
	uint64_t *keys;
	uint32_t i;

	if (h->nr_items > CKPT_MAX_EPOLL_ITEMS ||
	    h->h.len != sizeof(*h) + (size_t)h->nr_items * sizeof(*it))
		return bad(in, off, "EPOLL_ITEMS of %u items in %u bytes",
			   h->nr_items, h->h.len);
	e = obj_find(in, h->objref);
	if (!e || e->rec != CKPT_HDR_FILE || e->ftype != CKPT_FILE_EPOLL)
		return bad(in, off, "EPOLL_ITEMS for #%u, which is no epoll FILE read before",
			   h->objref);
	if (!e->late_due)
		return bad(in, off, "EPOLL_ITEMS for epoll #%u: its items came already, or it is another process's",
			   h->objref);
	e->late_due = false;
	in->late_due--;

	/* the key of an item: its target and fd, once in an instance */
	keys = malloc((h->nr_items ?: 1) * sizeof(*keys));
	if (!keys)
		return bad(in, off, "out of memory");
	for (i = 0; i < h->nr_items; i++)
		keys[i] = (uint64_t)it[i].objref << 32 | it[i].fd;
	qsort(keys, h->nr_items, sizeof(*keys), item_key_cmp);
	for (i = 1; i < h->nr_items && keys[i] != keys[i - 1]; i++)
		;
	if (i < h->nr_items) {
		i = (uint32_t)keys[i];
		free(keys);
		return bad(in, off, "EPOLL_ITEMS of epoll #%u: fd %u with the same file twice",
			   h->objref, i);
	}
	free(keys);

	printf("epoll #%u: %u item%s\n", h->objref, h->nr_items,
	       h->nr_items == 1 ? "" : "s");
	for (i = 0; i < h->nr_items; i++) {
		uint32_t ev = it[i].events;
		const struct objent *t = obj_find(in, it[i].objref);
		bool fired = ev && !(ev & ~EP_PRIVATE);

		if (it[i].__reserved || it[i].fd > INT_MAX)
			return bad(in, off, "epoll #%u: item %u: %s",
				   h->objref, i, it[i].__reserved ?
				   "reserved field not zero" :
				   "fd above INT_MAX");
		/* EPOLLERR and EPOLLHUP, or a one-shot item that fired */
		if (fired ? !(ev & EPOLLONESHOT) :
		    (ev & (EPOLLERR | EPOLLHUP)) != (EPOLLERR | EPOLLHUP))
			return bad(in, off, "epoll #%u: item for fd %u: events 0x%x are not what epoll keeps",
				   h->objref, it[i].fd, ev);
		if (!t || t->rec != CKPT_HDR_FILE)
			return bad(in, off, "epoll #%u: item for fd %u: #%u is no FILE read before",
				   h->objref, it[i].fd, it[i].objref);
		if (it[i].objref == h->objref)
			return bad(in, off, "epoll #%u: an item for fd %u watches the epoll itself",
				   h->objref, it[i].fd);
		if ((ev & EPOLLEXCLUSIVE) &&
		    (t->ftype == CKPT_FILE_EPOLL || (ev & ~EP_EXCLUSIVE_OK)))
			return bad(in, off, "epoll #%u: item for fd %u: EPOLLEXCLUSIVE %s",
				   h->objref, it[i].fd,
				   t->ftype == CKPT_FILE_EPOLL ?
				   "on an epoll" : "with other events");
		printf("  fd %u -> file #%u, events 0x%x (%s%s), data 0x%" PRIx64
		       "%s\n", it[i].fd, it[i].objref, ev,
		       epoll_events_str(evs, sizeof(evs), ev),
		       fired ? ", fired" : "", (uint64_t)it[i].data,
		       t->ftype == CKPT_FILE_INHERITED ?
		       " (inherited: dropped if the restarter leaves it closed)" :
		       "");
	}
	return 0;
}

/*
 * UNIX_FDS, the late record of a unix socket whose messages carry files
 * (UNIX_MSG_FDS, in its own queue or in those of the connections waiting
 * in its backlog): for a unix FILE of this process whose files in flight
 * are due (not before its FILE_UNIX and queue records are read), nr_fds
 * objrefs, message after message, each of a FILE read before it (of any
 * type: one written only for this, right before it, or the socket
 * itself), padded to 8 with zeroes. Refused as restart refuses it: a
 * socket that is no unix FILE read before, one whose messages carry no
 * files, whose UNIX_FDS came already or that is another process's
 * ("unix_fds record for objref N: no such unix socket"); more files than
 * CKPT_MAX_UNIX_INFLIGHT, a length that is not theirs padded to 8, a
 * padding that is not zero, another count than its messages carry ("file
 * record N: malformed unix_fds record"); a file that is no FILE read
 * before ("file record N: file M in flight is no file of the image").
 * Its line: "unix #5: 2 files in flight (file->type):", then "#7->pipe
 * #8->unix", several to a line.
 */
static int info_unix_fds(struct info *in, const struct ckpt_hdr_unix_fds *h,
			 size_t off)
{
	const uint32_t *ref = (const void *)(h + 1);
	const unsigned char *p = (const void *)h;
	const struct objent *t;
	struct objent *e;
	size_t i, end;
	uint32_t k;

	e = obj_find(in, h->objref);
	if (!e || e->rec != CKPT_HDR_FILE || e->ftype != CKPT_FILE_UNIX)
		return bad(in, off, "UNIX_FDS for #%u, which is no unix socket FILE read before",
			   h->objref);
	if (!e->fds)
		return bad(in, off, "UNIX_FDS for unix #%u, whose messages carry no files",
			   h->objref);
	if (!e->late_due)
		return bad(in, off, "UNIX_FDS for unix #%u: its files in flight came already, or it is another process's",
			   h->objref);
	end = sizeof(*h) + (size_t)h->nr_fds * sizeof(*ref);
	if (h->nr_fds > CKPT_MAX_UNIX_INFLIGHT || (end + 7) / 8 * 8 != h->h.len)
		return bad(in, off, "UNIX_FDS of unix #%u: %u files in %u bytes",
			   h->objref, h->nr_fds, h->h.len);
	for (i = end; i < h->h.len; i++)
		if (p[i])
			return bad(in, off, "UNIX_FDS of unix #%u: padding not zero",
				   h->objref);
	if (h->nr_fds != e->fds)
		return bad(in, off, "UNIX_FDS of unix #%u: %u files, its messages carry %" PRIu64,
			   h->objref, h->nr_fds, e->fds);
	e->late_due = false;
	in->late_due--;
	for (k = 0; k < h->nr_fds; k++) {
		t = obj_find(in, ref[k]);
		if (!t || t->rec != CKPT_HDR_FILE)
			return bad(in, off, "UNIX_FDS of unix #%u: file %u in flight, #%u, is no FILE read before",
				   h->objref, k + 1, ref[k]);
	}
	in->nr_inflight += h->nr_fds;

	printf("unix #%u: %u file%s in flight (file->type)", h->objref,
	       h->nr_fds, h->nr_fds == 1 ? "" : "s");
	for (k = 0; k < h->nr_fds; k++) {
		t = obj_find(in, ref[k]);
		if (k % 5 == 0)
			printf("\n ");
		printf(" #%u->%s%s", ref[k], file_type_name(t->ftype),
		       ref[k] == h->objref ? "(itself)" : "");
	}
	printf("\n");
	return 0;
}

static int info_pipe(struct info *in, const struct ckpt_hdr_pipe *p,
		     size_t off)
{
	const unsigned char *data = (const unsigned char *)(p + 1);
	char sz[32];
	uint32_t i;

	if (p->nr_bytes > CKPT_PIPE_MAX ||
	    sizeof(*p) + (size_t)p->nr_bytes > p->h.len)
		return bad(in, off, "PIPE with %u bytes does not fit in %u bytes",
			   p->nr_bytes, p->h.len);
	if (obj_add(in, p->objref, CKPT_HDR_PIPE, 0, off))
		return -EINVAL;
	in->nr_pipes++;
	in->pipe_bytes += p->nr_bytes;
	printf("pipe #%u: %u byte%s buffered, size %u (%s)", p->objref,
	       p->nr_bytes, p->nr_bytes == 1 ? "" : "s", p->size,
	       size_str(sz, sizeof(sz), p->size));
	/* the first bytes, as a hint of what was in flight */
	for (i = 0; i < p->nr_bytes && i < 16; i++)
		printf("%s%02x", i ? " " : ": ", data[i]);
	printf("%s\n", p->nr_bytes > 16 ? " ..." : "");
	return 0;
}

/*
 * FDTABLE: the fds of the process, and how many file locks its LOCKS
 * record, right after it, holds. Refused: more fds than CKPT_MAX_FDS or
 * than fit, more locks than CKPT_MAX_LOCKS.
 */
static int info_fdtable(struct info *in, const struct ckpt_hdr_fdtable *t,
			size_t off)
{
	const struct ckpt_fd *fd = (const void *)(t + 1);
	uint32_t i;

	if (t->nr_fds > CKPT_MAX_FDS ||
	    sizeof(*t) + (size_t)t->nr_fds * sizeof(*fd) > t->h.len)
		return bad(in, off, "FDTABLE of %u fds does not fit in %u bytes",
			   t->nr_fds, t->h.len);
	if (t->nr_locks > CKPT_MAX_LOCKS)
		return bad(in, off, "FDTABLE of %u locks (at most %u)",
			   t->nr_locks, CKPT_MAX_LOCKS);
	if (late_check(in, &t->h, off))
		return -EINVAL;
	in->locks_fdt = t->nr_locks ? t : NULL;
	/* "fd -> file objref", several to a line */
	printf("fdtable: %u fd%s", t->nr_fds, t->nr_fds == 1 ? "" : "s");
	if (t->nr_locks)
		printf(", %u lock%s", t->nr_locks, t->nr_locks == 1 ? "" : "s");
	printf(" (fd->file)");
	for (i = 0; i < t->nr_fds; i++) {
		if (i % 5 == 0)
			printf("\n ");
		printf(" %u->#%u%s", fd[i].fd, fd[i].objref,
		       (fd[i].flags & CKPT_FD_CLOEXEC) ? "(cloexec)" : "");
	}
	printf("\n");
	return 0;
}

/*
 * After an FDTABLE that announces locks, the next record (@next, NULL at
 * the end of the image) must be its LOCKS.
 */
static int locks_check(struct info *in, const struct ckpt_hdr *next,
		       size_t off)
{
	const struct ckpt_hdr_fdtable *t = in->locks_fdt;

	if (!t || (next && next->type == CKPT_HDR_LOCKS))
		return 0;
	return bad(in, off, "FDTABLE of %u lock%s needs a LOCKS record, found %s",
		   t->nr_locks, t->nr_locks == 1 ? "" : "s",
		   next ? ckpt_hdr_name(next->type) : "the end");
}

static const char *lock_kind_name(uint16_t kind)
{
	return kind == CKPT_LOCK_FLOCK ? "flock" :
	       kind == CKPT_LOCK_POSIX ? "posix" : "ofd";
}

/*
 * What restart refuses of a lock on its own (ckpt_lock_ok() of the
 * kernel): a kind or type it does not know, a flock() lock with a range,
 * a range that starts or runs below 0 or past the last byte a lock can
 * cover; NULL for a good one
 */
static const char *lock_malformed(const struct ckpt_file_lock *l, char *buf,
				  size_t len)
{
	if (l->kind != CKPT_LOCK_FLOCK && l->kind != CKPT_LOCK_POSIX &&
	    l->kind != CKPT_LOCK_OFD) {
		snprintf(buf, len, "kind %u", l->kind);
		return buf;
	}
	if (l->type != F_RDLCK && l->type != F_WRLCK) {
		snprintf(buf, len, "type %u", l->type);
		return buf;
	}
	if (l->kind == CKPT_LOCK_FLOCK ? !l->start && !l->len :
	    l->start >= 0 && l->len >= 0 &&
	    (!l->len || l->len - 1 <= INT64_MAX - l->start))
		return NULL;
	snprintf(buf, len, "%s range: start %" PRId64 ", len %" PRId64,
		 lock_kind_name(l->kind), (int64_t)l->start, (int64_t)l->len);
	return buf;
}

/*
 * Why the file at @l's fd in the FDTABLE @t cannot carry @l, or NULL: the
 * fd must be there, of a regular file or a directory opened for reading
 * for a read lock and for writing for a write lock (a flock() lock:
 * either, not O_PATH). An inherited file is the restarter's: restart
 * looks at it then.
 */
static const char *lock_fd_refused(const struct info *in,
				   const struct ckpt_hdr_fdtable *t,
				   const struct ckpt_file_lock *l)
{
	const struct ckpt_fd *fd = (const void *)(t + 1);
	const struct objent *e;
	uint32_t i, acc;

	for (i = 0; i < t->nr_fds && fd[i].fd != l->fd; i++)
		;
	if (i == t->nr_fds)
		return "not in the FDTABLE";
	e = obj_find(in, fd[i].objref);
	if (!e || e->rec != CKPT_HDR_FILE || e->ftype == CKPT_FILE_INHERITED)
		return NULL;
	if (e->ftype != CKPT_FILE_REG && e->ftype != CKPT_FILE_DIR)
		return "neither a regular file nor a directory";
	acc = e->f_flags & O_PATH ? 3 : e->f_flags & O_ACCMODE;
	if (l->kind == CKPT_LOCK_FLOCK)
		return acc == O_RDONLY || acc == O_WRONLY || acc == O_RDWR ?
		       NULL : "opened with O_PATH";
	if (l->type == F_RDLCK)
		return acc == O_RDONLY || acc == O_RDWR ? NULL :
		       "not opened for reading";
	return acc == O_WRONLY || acc == O_RDWR ? NULL :
	       "not opened for writing";
}

/* "3 posix write 0-9", "3 flock exclusive", "4 ofd read 100-EOF" */
static const char *lock_str(char *buf, size_t len,
			    const struct ckpt_file_lock *l)
{
	bool wr = l->type == F_WRLCK;

	if (l->kind == CKPT_LOCK_FLOCK)
		snprintf(buf, len, "%u flock %s", l->fd,
			 wr ? "exclusive" : "shared");
	else if (l->len)
		snprintf(buf, len, "%u %s %s %" PRId64 "-%" PRId64, l->fd,
			 lock_kind_name(l->kind), wr ? "write" : "read",
			 (int64_t)l->start, (int64_t)(l->start + (l->len - 1)));
	else
		snprintf(buf, len, "%u %s %s %" PRId64 "-EOF", l->fd,
			 lock_kind_name(l->kind), wr ? "write" : "read",
			 (int64_t)l->start);
	return buf;
}

/*
 * LOCKS, right after the FDTABLE that announces its nr_locks: the file
 * locks held through the process's fds. Refused as restart refuses them:
 * a LOCKS record anywhere else, a count that is not its FDTABLE's, a
 * length that is not that of its locks, a reserved field; a lock of an
 * unknown kind or type, a flock() lock with a range, a POSIX or OFD range
 * below 0 or past the last byte; an fd not in the FDTABLE, or whose file
 * cannot carry that lock. Not checked here: the locks other processes
 * hold, which restart tests its locks against (EBUSY).
 */
static int info_locks(struct info *in, const struct ckpt_hdr_locks *h,
		      size_t off)
{
	const struct ckpt_hdr_fdtable *t = in->locks_fdt;
	const struct ckpt_file_lock *l = (const void *)(h + 1);
	char why[80], desc[80];
	const char *fdwhy;
	uint32_t i;

	if (!t)
		return bad(in, off, "LOCKS not right after an FDTABLE that announces locks");
	in->locks_fdt = NULL;
	if (h->nr_locks != t->nr_locks ||
	    h->h.len != sizeof(*h) + (size_t)h->nr_locks * sizeof(*l))
		return bad(in, off, "LOCKS of %u locks in %u bytes, its FDTABLE announces %u",
			   h->nr_locks, h->h.len, t->nr_locks);
	if (h->__reserved)
		return bad(in, off, "LOCKS: reserved field not zero");
	for (i = 0; i < h->nr_locks; i++) {
		if (lock_malformed(&l[i], why, sizeof(why)))
			return bad(in, off, "LOCKS: lock %u (fd %u): %s", i,
				   l[i].fd, why);
		fdwhy = lock_fd_refused(in, t, &l[i]);
		if (fdwhy)
			return bad(in, off, "LOCKS: lock %u (%s): fd %u is %s", i,
				   lock_str(desc, sizeof(desc), &l[i]),
				   l[i].fd, fdwhy);
	}
	in->nr_locks += h->nr_locks;
	/* "fd kind type range", several to a line */
	printf("locks: %u (fd kind type range)", h->nr_locks);
	for (i = 0; i < h->nr_locks; i++) {
		if (i % 3 == 0)
			printf("\n ");
		printf(" %s%s", lock_str(desc, sizeof(desc), &l[i]),
		       i + 1 < h->nr_locks && (i + 1) % 3 ? "," : "");
	}
	printf("\n");
	return 0;
}

static int info_sighand(struct info *in, const struct ckpt_hdr_sighand *s,
			size_t off)
{
	char name[16], fl[128], mask[256];
	unsigned int i, n = 0;

	if (s->nr_signals > CKPT_NSIG)
		return bad(in, off, "SIGHAND with %u signals (at most %u)",
			   s->nr_signals, CKPT_NSIG);
	for (i = 0; i < s->nr_signals; i++)
		if (s->action[i].handler != 0)
			n++;
	printf("sighand: %u signal%s not at SIG_DFL\n", n, n == 1 ? "" : "s");
	for (i = 0; i < s->nr_signals; i++) {
		const struct ckpt_sigaction *a = &s->action[i];

		if (a->handler == 0)
			continue;
		signame(name, sizeof(name), i + 1);
		if (a->handler == 1) {
			printf("  %-9s ignored\n", name);
			continue;
		}
		printf("  %-9s handler 0x%" PRIx64 " flags %s mask %s\n", name,
		       (uint64_t)a->handler,
		       saflags_str(fl, sizeof(fl), a->flags),
		       sigset_str(mask, sizeof(mask), a->mask));
	}
	return 0;
}

static int info_signal(struct info *in, const struct ckpt_hdr_signal *s,
		       size_t off)
{
	const struct ckpt_siginfo *si = (const void *)(s + 1);
	char mask[512], name[16];
	uint32_t i;

	if (s->nr_pending > CKPT_MAX_PENDING ||
	    sizeof(*s) + (size_t)s->nr_pending * sizeof(*si) > s->h.len)
		return bad(in, off, "SIGNAL with %u pending does not fit in %u bytes",
			   s->nr_pending, s->h.len);
	printf("signal: blocked %s\n",
	       sigset_str(mask, sizeof(mask), s->blocked));
	if (s->sas_ss_size || s->sas_ss_sp)
		printf("  altstack 0x%" PRIx64 " size %" PRIu64 " flags 0x%x\n",
		       (uint64_t)s->sas_ss_sp, (uint64_t)s->sas_ss_size,
		       s->sas_ss_flags);
	else
		printf("  no altstack\n");
	printf("  %u pending signal%s", s->nr_pending,
	       s->nr_pending == 1 ? "" : "s");
	for (i = 0; i < s->nr_pending && i < 8; i++) {
		int32_t signo;

		memcpy(&signo, si[i].info, sizeof(signo));
		printf("%s%s%s", i ? ", " : ": ",
		       signame(name, sizeof(name), (uint32_t)signo),
		       (si[i].flags & CKPT_SIGINFO_SHARED) ? " (shared)" : "");
	}
	printf("%s\n", s->nr_pending > 8 ? ", ..." : "");
	return 0;
}

static int info_cpu(struct info *in, const struct ckpt_hdr_cpu *c, size_t off)
{
	printf("cpu: rip 0x%" PRIx64 " rsp 0x%" PRIx64 " rflags 0x%" PRIx64
	       "\n", (uint64_t)c->ip, (uint64_t)c->sp, (uint64_t)c->flags);
	printf("  rax 0x%" PRIx64 " orig_rax %" PRId64 " cs 0x%" PRIx64
	       " ss 0x%" PRIx64 " fs_base 0x%" PRIx64 " gs_base 0x%" PRIx64
	       "\n", (uint64_t)c->ax, (int64_t)c->orig_ax, (uint64_t)c->cs,
	       (uint64_t)c->ss, (uint64_t)c->fs_base, (uint64_t)c->gs_base);
	switch (c->rb.kind) {
	case CKPT_RB_NONE:
		break;
	case CKPT_RB_NANOSLEEP:
		printf("  in nanosleep: clock %d, %.3f s left\n", c->rb.clockid,
		       c->rb.remaining / 1e9);
		break;
	case CKPT_RB_FUTEX:
		printf("  in a futex wait: futex 0x%" PRIx64 " val %u, clock %d, %.3f s left\n",
		       (uint64_t)c->rb.addr, c->rb.val, c->rb.clockid,
		       c->rb.remaining / 1e9);
		break;
	case CKPT_RB_POLL:
		if (c->rb.remaining < 0)
			printf("  in poll: %u fds, no timeout\n", c->rb.arg);
		else
			printf("  in poll: %u fds, %.3f s left\n", c->rb.arg,
			       c->rb.remaining / 1e9);
		break;
	default:
		return bad(in, off, "CPU restart block of unknown kind %u",
			   c->rb.kind);
	}
	return 0;
}

static int info_fpu(struct info *in, const struct ckpt_hdr_fpu *f, size_t off)
{
	if (f->size > CKPT_FPU_MAX || sizeof(*f) + (size_t)f->size > f->h.len)
		return bad(in, off, "FPU state of %u bytes does not fit in %u bytes",
			   f->size, f->h.len);
	printf("fpu: %u bytes of xsave state\n", f->size);
	return 0;
}

/*
 * The start of the first VMA of the mm of the MM record at @off whose
 * file is the executable (CKPT_VMA_F_EXE, a deleted file's), looked for
 * up to the next task's records; false if none
 */
static bool mm_exe_vma_start(const struct info *in, size_t off,
			     uint64_t *start)
{
	const unsigned char *data = in->img->data;
	const struct ckpt_hdr *h = (const void *)(data + off);
	const struct ckpt_hdr_vma *v;

	for (off += h->len; off + sizeof(*h) <= in->img->len; off += h->len) {
		h = (const void *)(data + off);
		if (h->len < sizeof(*h) || h->len > in->img->len - off ||
		    h->type == CKPT_HDR_TASK || h->type == CKPT_HDR_MM ||
		    h->type == CKPT_HDR_TRAILER)
			return false;
		v = (const void *)h;
		if (h->type == CKPT_HDR_VMA && h->len >= sizeof(*v) &&
		    v->type == CKPT_VMA_DELETED && v->flags & CKPT_VMA_F_EXE) {
			*start = v->start;
			return true;
		}
	}
	return false;
}

/*
 * Why restart refuses the forked mm (CKPT_MM_F_FORKED) of the MM record
 * @m, which belongs to the task of the TASK record read last; NULL if it
 * takes it. Refused: in the image's first task, in a process whose parent
 * comes not before it in the TREE or has no MM record (a zombie), without
 * a vDSO. (Restart refuses one in RESTART_TASKSELF too.)
 */
static const char *mm_forked_refused(const struct info *in,
				     const struct ckpt_hdr_mm *m)
{
	const struct ckpt_task_pids *p;
	unsigned int task = in->nr_tasks - 1, i;

	if (in->nr_tasks <= 1)
		return "a forked mm in the image's first task";
	if (!m->vdso)
		return "a forked mm without a vDSO";
	if (!in->tree || task >= in->tree->nr_tasks)
		return "a forked mm of a task not in the TREE";
	p = (const void *)(in->tree + 1);
	for (i = 0; i < task; i++)
		if (p[i].pid > 0 && p[i].pid == p[task].ppid &&
		    p[i].pid == p[i].tgid)
			break;
	if (i == task)
		return "a forked mm whose parent is not before it in the image";
	if (!(in->task_mm[i / 8] & (1U << (i % 8))))
		return "a forked mm whose parent has no mm";
	return NULL;
}

static int info_mm(struct info *in, const struct ckpt_hdr_mm *m, size_t off)
{
	const char *exe = (const char *)(m + 1);
	const char *forked_why = NULL;
	uint64_t exe_start;
	char p[300];

	if (m->exe_len > CKPT_PATH_MAX ||
	    sizeof(*m) + (size_t)m->exe_len > m->h.len)
		return bad(in, off, "MM exe path of %u bytes does not fit in %u bytes",
			   m->exe_len, m->h.len);
	if (m->exe_len && !check_str(exe, m->exe_len))
		return bad(in, off, "MM exe path not NUL terminated");
	if (m->nr_auxv > CKPT_AUXV_MAX)
		return bad(in, off, "MM with %u auxv words (at most %u)",
			   m->nr_auxv, CKPT_AUXV_MAX);
	in->mm_exe_path = m->exe_len;
	in->mm_exe_vma = false;
	in->mm_forked = m->flags & CKPT_MM_F_FORKED;
	if (in->mm_forked)
		forked_why = mm_forked_refused(in, m);
	/* the mm of the task read last: a parent for the forked ones after it */
	if (in->nr_tasks && in->nr_tasks <= CKPT_MAX_TASKS)
		in->task_mm[(in->nr_tasks - 1) / 8] |=
			1U << ((in->nr_tasks - 1) % 8);
	/* a deleted executable: the file of the vma that says so */
	if (m->exe_len)
		str(p, sizeof(p), exe, m->exe_len);
	else if (mm_exe_vma_start(in, off, &exe_start))
		snprintf(p, sizeof(p), "(deleted, mapped by vma 0x%" PRIx64 ")",
			 exe_start);
	else
		snprintf(p, sizeof(p), "-");
	printf("mm: exe %s, %u vmas, %u auxv words%s%s%s%s%s%s\n", p,
	       m->nr_vmas, m->nr_auxv,
	       m->flags & CKPT_MM_F_LOCK_FUTURE ? ", mlockall(MCL_FUTURE" : "",
	       !(m->flags & CKPT_MM_F_LOCK_FUTURE) ? "" :
	       m->flags & CKPT_MM_F_LOCK_ONFAULT ? " | MCL_ONFAULT)" : ")",
	       in->mm_forked ? ", forked" : "",
	       forked_why ? " (restart refuses " : "",
	       forked_why ? forked_why : "", forked_why ? ")" : "");
	if (m->flags & (CKPT_MM_F_MDWE | CKPT_MM_F_MDWE_NO_INHERIT))
		printf("  prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN%s)\n",
		       m->flags & CKPT_MM_F_MDWE_NO_INHERIT ?
		       " | PR_MDWE_NO_INHERIT" : "");
	if (m->flags & CKPT_MM_F_MB_MASK)
		printf("  membarrier() registered:%s%s%s%s\n",
		       m->flags & CKPT_MM_F_MB_GLOBAL_EXPEDITED ?
		       " global_expedited" : "",
		       m->flags & CKPT_MM_F_MB_PRIVATE_EXPEDITED ?
		       " private_expedited" : "",
		       m->flags & CKPT_MM_F_MB_PRIVATE_EXPEDITED_SYNC_CORE ?
		       " private_expedited_sync_core" : "",
		       m->flags & CKPT_MM_F_MB_PRIVATE_EXPEDITED_RSEQ ?
		       " private_expedited_rseq" : "");
	printf("  code 0x%" PRIx64 "-0x%" PRIx64 " data 0x%" PRIx64 "-0x%"
	       PRIx64 " brk 0x%" PRIx64 "-0x%" PRIx64 "\n",
	       (uint64_t)m->start_code, (uint64_t)m->end_code,
	       (uint64_t)m->start_data, (uint64_t)m->end_data,
	       (uint64_t)m->start_brk, (uint64_t)m->brk);
	printf("  stack 0x%" PRIx64 " args 0x%" PRIx64 "-0x%" PRIx64
	       " env 0x%" PRIx64 "-0x%" PRIx64 "\n",
	       (uint64_t)m->start_stack, (uint64_t)m->arg_start,
	       (uint64_t)m->arg_end, (uint64_t)m->env_start,
	       (uint64_t)m->env_end);
	printf("  vdso 0x%" PRIx64 " (%" PRIu64 " bytes, xxh64 0x%016" PRIx64
	       ")\n", (uint64_t)m->vdso, (uint64_t)m->vdso_size,
	       (uint64_t)m->vdso_hash);
	return 0;
}

static const char *const vma_types[CKPT_VMA_MAX] = {
	[CKPT_VMA_ANON] = "anon",
	[CKPT_VMA_SHARED_ANON] = "shmem",
	[CKPT_VMA_FILE] = "file",
	[CKPT_VMA_VDSO] = "vdso",
	[CKPT_VMA_VVAR] = "vvar",
	[CKPT_VMA_MEMFD] = "memfd",
	[CKPT_VMA_DELETED] = "deleted",
};

/* The record of the file a vma of @type maps (MEMFD, DELETED), or 0 */
static uint32_t unn_of_vma(uint32_t type)
{
	return type == CKPT_VMA_MEMFD ? CKPT_HDR_MEMFD :
	       type == CKPT_VMA_DELETED ? CKPT_HDR_DELETED : 0;
}

/* Print the VMA we were counting pages for */
static void vma_flush(struct info *in, int ended)
{
	const struct ckpt_hdr_vma *v = in->vma;
	const char *path = (const char *)(v + 1);
	char prot[8], p[320], sz[32], extra[256] = "";
	const struct ckpt_hdr *u;
	const char *type = "?", *why = NULL;

	if (!v)
		return;
	in->vma = NULL;
	/* the executable: a deleted file's, of an mm with no other one */
	if (v->flags & CKPT_VMA_F_EXE) {
		if (v->type != CKPT_VMA_DELETED)
			why = "the executable in a vma not of a deleted file";
		else if (in->mm_exe_path)
			why = "a second executable, the MM record names one";
		else if (in->mm_exe_vma)
			why = "a second executable, after another vma's file";
		else
			in->mm_exe_vma = true;
	}
	/*
	 * fork()'s copy of the parent's vma: of a forked mm, private, of
	 * anonymous memory or of a file
	 */
	if (v->flags & CKPT_VMA_F_INHERITED && !why) {
		if (!in->mm_forked)
			why = "an inherited vma in an mm not forked";
		else if (v->flags & CKPT_VMA_F_SHARED ||
			 !(v->type == CKPT_VMA_ANON || v->type == CKPT_VMA_FILE ||
			   unn_of_vma(v->type)))
			why = "an inherited vma shared, or not of anonymous memory or a file";
	}

	snprintf(prot, sizeof(prot), "%c%c%c%c",
		 (v->prot & PROT_READ) ? 'r' : '-',
		 (v->prot & PROT_WRITE) ? 'w' : '-',
		 (v->prot & PROT_EXEC) ? 'x' : '-',
		 (v->flags & CKPT_VMA_F_SHARED) ? 's' : 'p');
	if (v->type > 0 && v->type < CKPT_VMA_MAX)
		type = vma_types[v->type];
	if (v->flags & CKPT_VMA_F_GROWSDOWN)
		strcat(extra, " growsdown");
	if (v->flags & CKPT_VMA_F_MAYWRITE)
		strcat(extra, " maywrite");
	/* the madvise() advice, as /proc/PID/smaps's VmFlags name it */
	if (v->flags & CKPT_VMA_F_DONTFORK)
		strcat(extra, " dc");
	if (v->flags & CKPT_VMA_F_WIPEONFORK)
		strcat(extra, " wf");
	if (v->flags & CKPT_VMA_F_DONTDUMP)
		strcat(extra, " dd");
	if (v->flags & CKPT_VMA_F_HUGEPAGE)
		strcat(extra, " hg");
	if (v->flags & CKPT_VMA_F_NOHUGEPAGE)
		strcat(extra, " nh");
	if (v->flags & CKPT_VMA_F_MERGEABLE)
		strcat(extra, " mg");
	if (v->flags & CKPT_VMA_F_LOCKED)
		strcat(extra, " lo");
	if (v->flags & CKPT_VMA_F_LOCKONFAULT)
		strcat(extra, " lf");
	if (v->flags & CKPT_VMA_F_EXE)
		strcat(extra, " exe");
	if (v->flags & CKPT_VMA_F_INHERITED)
		strcat(extra, " inherited");
	if (in->vma_parent)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " (%" PRIu64 " shared with the parent)", in->vma_parent);
	if (v->type == CKPT_VMA_FILE || unn_of_vma(v->type))
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " +0x%" PRIx64, (uint64_t)v->pgoff * in->page_size);
	if (!ended)
		strcat(extra, " (no end marker)");
	/*
	 * a memfd's, a deleted file's: its name, as /proc/PID/maps shows it,
	 * and its objref
	 */
	u = unn_of_vma(v->type) ?
	    unn_find(in, v->shm_objref, unn_of_vma(v->type)) : NULL;
	if (u) {
		unn_name(p, sizeof(p), u, true);
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " (%s #%u)", unn_kind(u), v->shm_objref);
	}
	/* a mapped file's identity */
	if (v->type == CKPT_VMA_FILE && v->shm_objref)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " (inode #%u)", v->shm_objref);
	if (why)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " (restart refuses %s)", why);
	printf("  %012" PRIx64 "-%012" PRIx64 " %s %-5s %5" PRIu64
	       " pages %10s%s%s%s\n",
	       (uint64_t)v->start, (uint64_t)v->end, prot, type, in->vma_pages,
	       size_str(sz, sizeof(sz), in->vma_pages * in->page_size),
	       v->path_len || u ? " " : "",
	       v->path_len ? str(p, sizeof(p), path, v->path_len) : u ? p : "",
	       extra);
}

/* seals as "seal,shrink,grow,write,future_write,exec", or "none" */
static const char *seals_str(char *buf, size_t len, uint32_t seals)
{
	static const char *const names[] = {
		"seal", "shrink", "grow", "write", "future_write", "exec",
	};
	unsigned int i;
	size_t o = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && o < len; i++)
		if (seals & (1U << i))
			o += snprintf(buf + o, len - o, "%s%s", o ? "," : "",
				      names[i]);
	if (seals >> i && o < len)
		snprintf(buf + o, len - o, "%s0x%x", o ? "," : "", seals >> i << i);
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

/* Print the MEMFD or DELETED whose pages we were reading */
static void unn_flush(struct info *in, int ended)
{
	const struct ckpt_hdr_memfd *m = (const void *)in->unn;
	const struct ckpt_hdr_deleted *d = (const void *)in->unn;
	char name[320], sz[32], psz[32], what[96];
	uint32_t mode, uid, gid;

	if (!in->unn)
		return;
	if (in->unn->type == CKPT_HDR_MEMFD) {
		in->nr_memfds++;
		in->memfd_total += in->unn_pages;
		snprintf(what, sizeof(what), "seals ");
		seals_str(what + 6, sizeof(what) - 6, m->seals);
		mode = m->mode;
		uid = m->uid;
		gid = m->gid;
	} else {
		in->nr_deleted++;
		in->deleted_total += in->unn_pages;
		snprintf(what, sizeof(what), "%slinkable",
			 d->flags & CKPT_DELETED_F_LINKABLE ? "" : "not ");
		if (d->flags & ~CKPT_DELETED_F_LINKABLE)
			snprintf(what + strlen(what), sizeof(what) - strlen(what),
				 ", flags 0x%x", d->flags);
		mode = d->mode;
		uid = d->uid;
		gid = d->gid;
	}
	printf("%s #%u: \"%s\", size %" PRIu64 " (%s), %s, mode %04o, uid %u gid %u, %"
	       PRIu64 " pages (%s)%s\n", unn_kind(in->unn), unn_objref(in->unn),
	       unn_name(name, sizeof(name), in->unn, false),
	       unn_size(in->unn), size_str(sz, sizeof(sz), unn_size(in->unn)),
	       what, mode, uid, gid, in->unn_pages,
	       size_str(psz, sizeof(psz), in->unn_pages * in->page_size),
	       ended ? "" : " (no end marker)");
	in->unn = NULL;
}

/*
 * MEMFD: a memfd, its name, size, seals, mode and owner, then its pages.
 * Refused: a name_len of 0 or above CKPT_MEMFD_NAME_MAX, a record that is
 * not just the name, a name not NUL terminated; an objref 0 or used
 * before. What restart refuses of the other fields is said so.
 */
static int info_memfd(struct info *in, const struct ckpt_hdr_memfd *m,
		      size_t off)
{
	const char *name = (const char *)(m + 1);

	if (!m->name_len || m->name_len > CKPT_MEMFD_NAME_MAX ||
	    CKPT_REC_MAX_LEN(*m, m->name_len) != m->h.len)
		return bad(in, off, "MEMFD name of %u bytes in a record of %u bytes",
			   m->name_len, m->h.len);
	if (!check_str(name, m->name_len))
		return bad(in, off, "MEMFD name not NUL terminated");
	if (obj_add(in, m->objref, CKPT_HDR_MEMFD, 0, off))
		return -EINVAL;
	obj_find(in, m->objref)->unn = &m->h;
	if (m->seals & ~0x3fU || m->mode & ~07777U ||
	    m->size > 0x7fffffffffffffffULL)
		printf("memfd #%u: restart refuses its seals 0x%x, mode 0%o or size %"
		       PRIu64 "\n", m->objref, m->seals, m->mode,
		       (uint64_t)m->size);
	in->unn = &m->h;
	in->unn_pages = 0;
	in->unn_next = 0;
	return 0;
}

/*
 * DELETED: a deleted file, its size, mode, owner, flags and the path it
 * had, then its pages. Refused: a path_len of 0 or above CKPT_PATH_MAX, a
 * record that is not just the path, a path not NUL terminated; an objref
 * 0 or used before. What restart refuses of the other fields (a path not
 * absolute or without a last name...) is said so.
 */
static int info_deleted(struct info *in, const struct ckpt_hdr_deleted *d,
			size_t off)
{
	const char *path = (const char *)(d + 1);

	if (!d->path_len || d->path_len > CKPT_PATH_MAX ||
	    CKPT_REC_MAX_LEN(*d, d->path_len) != d->h.len)
		return bad(in, off, "DELETED path of %u bytes in a record of %u bytes",
			   d->path_len, d->h.len);
	if (!check_str(path, d->path_len))
		return bad(in, off, "DELETED path not NUL terminated");
	if (obj_add(in, d->objref, CKPT_HDR_DELETED, 0, off))
		return -EINVAL;
	obj_find(in, d->objref)->unn = &d->h;
	if (d->flags & ~CKPT_DELETED_F_MASK || d->mode & ~07777U ||
	    d->size > 0x7fffffffffffffffULL)
		printf("deleted #%u: restart refuses its flags 0x%x, mode 0%o or size %"
		       PRIu64 "\n", d->objref, d->flags, d->mode,
		       (uint64_t)d->size);
	if (path[0] != '/' || d->path_len < 3 || path[d->path_len - 2] == '/')
		printf("deleted #%u: restart refuses a path not absolute or without a last name\n",
		       d->objref);
	in->unn = &d->h;
	in->unn_pages = 0;
	in->unn_next = 0;
	return 0;
}

/*
 * INODE: the identity of a file reopened by path, right before the first
 * FILE or VMA that names it: "inode #5: dev 0:21 ino 1234 gen 0x8f3a01c2".
 * Refused: an objref 0 or used before. Restart refuses a dev above
 * U32_MAX and bytes past the struct that are not zero: said so.
 */
static int info_inode(struct info *in, const struct ckpt_hdr_inode *h,
		      size_t off)
{
	const unsigned char *p = (const unsigned char *)h;
	size_t i, nonzero = 0;

	if (obj_add(in, h->objref, CKPT_HDR_INODE, 0, off))
		return -EINVAL;
	obj_find(in, h->objref)->unn = &h->h;
	in->nr_inodes++;
	for (i = sizeof(*h); i < h->h.len; i++)
		nonzero += p[i] != 0;
	printf("inode #%u: dev %u:%u ino %" PRIu64 " gen 0x%x%s", h->objref,
	       (unsigned int)((h->dev & 0xfff00) >> 8),
	       (unsigned int)((h->dev & 0xff) | ((h->dev >> 12) & 0xfff00)),
	       (uint64_t)h->ino, h->generation,
	       h->dev > 0xffffffffULL ? " (restart refuses a dev above 32 bits)" :
	       "");
	if (nonzero)
		printf(" [%u bytes past its known fields, %zu not zero]",
		       h->h.len - (unsigned int)sizeof(*h), nonzero);
	printf("\n");
	return 0;
}

static int info_vma(struct info *in, const struct ckpt_hdr_vma *v, size_t off)
{
	const char *path = (const char *)(v + 1);

	if (v->path_len > CKPT_PATH_MAX ||
	    sizeof(*v) + (size_t)v->path_len > v->h.len)
		return bad(in, off, "VMA path of %u bytes does not fit in %u bytes",
			   v->path_len, v->h.len);
	if (v->path_len && !check_str(path, v->path_len))
		return bad(in, off, "VMA path not NUL terminated");
	if (v->end <= v->start)
		return bad(in, off, "VMA 0x%" PRIx64 "-0x%" PRIx64 " is empty",
			   (uint64_t)v->start, (uint64_t)v->end);
	if (unn_of_vma(v->type)) {
		const char *kind = v->type == CKPT_VMA_MEMFD ? "memfd" :
				   "deleted file";

		if (!unn_find(in, v->shm_objref, unn_of_vma(v->type)))
			return bad(in, off, "VMA 0x%" PRIx64 "-0x%" PRIx64
				   " of %s #%u: no %s read before",
				   (uint64_t)v->start, (uint64_t)v->end,
				   kind, v->shm_objref, kind);
		if (v->shm_size || v->path_len)
			return bad(in, off, "VMA 0x%" PRIx64 "-0x%" PRIx64
				   " of a %s with a size or a path",
				   (uint64_t)v->start, (uint64_t)v->end, kind);
	}
	/* a mapped file's shm_objref: its INODE, read before (0: none) */
	if (v->type == CKPT_VMA_FILE && v->shm_objref &&
	    !inode_find(in, v->shm_objref))
		return bad(in, off, "VMA 0x%" PRIx64 "-0x%" PRIx64
			   " names inode #%u, no inode read before",
			   (uint64_t)v->start, (uint64_t)v->end, v->shm_objref);
	if (!in->nr_vmas)
		printf("vmas: start-end prot type pages size path\n");
	in->nr_vmas++;
	in->vma = v;
	in->vma_pages = 0;
	in->vma_parent = 0;
	return 0;
}

/*
 * PAGES: nr_pages addresses, then the contents of those not marked
 * CKPT_PAGE_PARENT (nr_parent of them are: the parent's page, shared).
 * Refused: more than CKPT_PAGES_MAX pages, nr_parent above nr_pages, a
 * length that is not that of the addresses and the contents, a count of
 * marked addresses that is not nr_parent; the parent's pages anywhere but
 * in an inherited vma (CKPT_VMA_F_INHERITED): not of a memfd's or deleted
 * file's contents; an address (its mark cleared) not page aligned or
 * outside its vma; a memfd's or deleted file's offsets not increasing or
 * past its size.
 */
static int info_pages(struct info *in, const struct ckpt_hdr_pages *p,
		      size_t off)
{
	const uint64_t *addr = (const void *)(p + 1);
	const struct ckpt_hdr_vma *v = in->vma;
	const struct ckpt_hdr *u = in->unn;
	uint32_t i, marked = 0;
	uint64_t a;

	if (p->nr_pages > CKPT_PAGES_MAX || p->nr_parent > p->nr_pages ||
	    sizeof(*p) + (size_t)p->nr_pages * 8 +
	    (size_t)(p->nr_pages - p->nr_parent) * in->page_size != p->h.len)
		return bad(in, off, "PAGES record of %u pages (%u of the parent) has len %u",
			   p->nr_pages, p->nr_parent, p->h.len);
	for (i = 0; i < p->nr_pages; i++)
		marked += addr[i] & CKPT_PAGE_PARENT;
	if (marked != p->nr_parent)
		return bad(in, off, "PAGES record with %u addresses of the parent's pages, nr_parent %u",
			   marked, p->nr_parent);
	if (u) {
		/* a memfd's, a deleted file's: offsets, increasing, below its size */
		uint64_t size = unn_size(u);
		uint64_t end = size > 0x7fffffffffffffffULL ? 0 :
			       (size + in->page_size - 1) /
			       in->page_size * in->page_size;

		if (p->nr_parent)
			return bad(in, off, "%s #%u pages: %u of them the parent's",
				   unn_kind(u), unn_objref(u), p->nr_parent);
		for (i = 0; i < p->nr_pages; i++) {
			if (addr[i] % in->page_size || addr[i] < in->unn_next ||
			    addr[i] >= end)
				return bad(in, off,
					   "%s #%u page offset 0x%" PRIx64
					   " not aligned, not increasing or past its size",
					   unn_kind(u), unn_objref(u),
					   (uint64_t)addr[i]);
			in->unn_next = addr[i] + in->page_size;
		}
		in->unn_pages += p->nr_pages;
		if (p->nr_pages == 0)
			unn_flush(in, 1);
		return 0;
	}
	if (!v)
		return bad(in, off, "PAGES without a VMA, a MEMFD or a DELETED");
	if (p->nr_parent && !(v->flags & CKPT_VMA_F_INHERITED))
		return bad(in, off, "%u pages of the parent in vma 0x%" PRIx64
			   "-0x%" PRIx64 ", not an inherited one", p->nr_parent,
			   (uint64_t)v->start, (uint64_t)v->end);
	for (i = 0; i < p->nr_pages; i++) {
		a = addr[i] & ~(uint64_t)CKPT_PAGE_PARENT;
		if (a < v->start || a >= v->end || a % in->page_size)
			return bad(in, off,
				   "page address 0x%" PRIx64 " outside its vma",
				   (uint64_t)addr[i]);
	}
	in->vma_pages += p->nr_pages;
	in->vma_parent += p->nr_parent;
	in->nr_pages += p->nr_pages;
	in->nr_parent += p->nr_parent;
	if (p->nr_pages == 0)
		vma_flush(in, 1);
	return 0;
}

static int info_rec(const struct ckpt_hdr *h, size_t off, void *arg)
{
	struct info *in = arg;
	int ret = 0;

	if (h->type != CKPT_HDR_PAGES) {
		vma_flush(in, 0);
		unn_flush(in, 0);
	}
	if (off != 0 && !in->page_size)
		return bad(in, off, "the image does not start with a HEADER");
	if (locks_check(in, h, off))
		return -EINVAL;
	/*
	 * A FILE record is printed once the records of its type are read;
	 * the PIPE of a pipe's first end comes among them, and so do the
	 * UNIX_PAIR of a socket pair's first end, the MEMFD of a memfd's
	 * first open and its PAGES, the DELETED of a deleted file's.
	 */
	if (!file_type_record(h->type) && !shared_obj_here(in, h->type) &&
	    !(h->type == CKPT_HDR_PAGES && in->unn && in->file)) {
		ret = file_flush(in, h, off);
		if (ret)
			return ret;
	}

	switch (h->type) {
	case CKPT_HDR_HEADER:
		ret = info_header(in, (const void *)h, off);
		break;
	case CKPT_HDR_TREE:
		ret = info_tree(in, (const void *)h, off);
		break;
	case CKPT_HDR_TASK:
		ret = info_task(in, (const void *)h, off);
		break;
	case CKPT_HDR_CREDS:
		ret = info_creds(in, (const void *)h, off);
		break;
	case CKPT_HDR_RLIMITS:
		ret = info_rlimits(in, (const void *)h, off);
		break;
	case CKPT_HDR_FS:
		ret = info_fs(in, (const void *)h, off);
		break;
	case CKPT_HDR_FILE:
		ret = info_file(in, (const void *)h, off);
		break;
	case CKPT_HDR_STRING:
	case CKPT_HDR_FILE_CHR:
	case CKPT_HDR_FILE_INHERIT:
	case CKPT_HDR_FILE_PIPE:
	case CKPT_HDR_FILE_EVENTFD:
	case CKPT_HDR_FILE_EPOLL:
	case CKPT_HDR_FILE_SIGNALFD:
	case CKPT_HDR_FILE_TIMERFD:
	case CKPT_HDR_FILE_INOTIFY:
	case CKPT_HDR_INOTIFY_WATCHES:
	case CKPT_HDR_INOTIFY_EVENTS:
	case CKPT_HDR_FILE_UNIX:
	case CKPT_HDR_UNIX_QUEUE:
	case CKPT_HDR_UNIX_SENDER:
	case CKPT_HDR_UNIX_MSG:
	case CKPT_HDR_UNIX_MSG_FROM:
	case CKPT_HDR_UNIX_EMBRYO:
	case CKPT_HDR_UNIX_MSG_FDS:
	case CKPT_HDR_FILE_MEMFD:
	case CKPT_HDR_FILE_DELETED:
	case CKPT_HDR_FILE_PIDFD:
	case CKPT_HDR_FILE_PROC:
	case CKPT_HDR_FILE_INET:
	case CKPT_HDR_INET_DGRAM:
	case CKPT_HDR_TCP_CONN:
		ret = info_file_rec(in, h, off);
		break;
	case CKPT_HDR_MEMFD:
		ret = info_memfd(in, (const void *)h, off);
		break;
	case CKPT_HDR_DELETED:
		ret = info_deleted(in, (const void *)h, off);
		break;
	case CKPT_HDR_INODE:
		ret = info_inode(in, (const void *)h, off);
		break;
	case CKPT_HDR_UNIX_PAIR:
		ret = info_unix_pair(in, (const void *)h, off);
		break;
	case CKPT_HDR_EPOLL_ITEMS:
		ret = info_epoll_items(in, (const void *)h, off);
		break;
	case CKPT_HDR_UNIX_FDS:
		ret = info_unix_fds(in, (const void *)h, off);
		break;
	case CKPT_HDR_FDTABLE:
		ret = info_fdtable(in, (const void *)h, off);
		break;
	case CKPT_HDR_LOCKS:
		ret = info_locks(in, (const void *)h, off);
		break;
	case CKPT_HDR_SIGHAND:
		ret = info_sighand(in, (const void *)h, off);
		break;
	case CKPT_HDR_SIGNAL:
		ret = info_signal(in, (const void *)h, off);
		break;
	case CKPT_HDR_CPU:
		ret = info_cpu(in, (const void *)h, off);
		break;
	case CKPT_HDR_FPU:
		ret = info_fpu(in, (const void *)h, off);
		break;
	case CKPT_HDR_MM:
		ret = info_mm(in, (const void *)h, off);
		break;
	case CKPT_HDR_VMA:
		ret = info_vma(in, (const void *)h, off);
		break;
	case CKPT_HDR_PAGES:
		ret = info_pages(in, (const void *)h, off);
		break;
	case CKPT_HDR_PIPE:
		ret = info_pipe(in, (const void *)h, off);
		break;
	case CKPT_HDR_TIMERS:
		ret = info_timers(in, (const void *)h, off);
		break;
	case CKPT_HDR_TRAILER:
		in->trailer_csum = ((const struct ckpt_hdr_trailer *)h)->csum;
		ret = late_check(in, NULL, off);
		break;
	}
	in->nr_records++;
	return ret;
}

static int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ckpt_image img;
	struct info in = { 0 };
	char verr[256], sz[32];
	const char *path;
	int force = 0, c, ret;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	path = argv[optind];

	ret = ckpt_image_load(path, &img);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(-ret));
		return 1;
	}
	ret = ckpt_image_verify(&img, verr, sizeof(verr));
	if (ret && !force) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, verr);
		ckpt_image_free(&img);
		return 1;
	}

	in.img = &img;
	if (ux_scan(&in)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(ENOMEM));
		free(in.ux_socks);
		free(in.ux_refs);
		ckpt_image_free(&img);
		return 1;
	}
	printf("image: %s, %zu bytes\n", strcmp(path, "-") ? path : "(stdin)",
	       img.len);
	c = ckpt_image_walk(&img, info_rec, &in, in.err, sizeof(in.err));
	if (!c) {
		vma_flush(&in, 0);
		unn_flush(&in, 0);
		c = file_flush(&in, NULL, img.len);
	}
	if (!c)
		c = locks_check(&in, NULL, img.len);
	if (!c)
		c = unix_pairs_end(&in, img.len);
	if (!c)
		c = unix_socks_end(&in, img.len);
	fflush(stdout);
	free(in.objs);
	free(in.ux_socks);
	free(in.ux_refs);
	if (c) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, in.err);
		ckpt_image_free(&img);
		return 1;
	}

	printf("totals: %u records, %u task%s, %u vmas, %" PRIu64
	       " pages (%s), ",
	       in.nr_records, in.nr_tasks, in.nr_tasks == 1 ? "" : "s",
	       in.nr_vmas, in.nr_pages,
	       size_str(sz, sizeof(sz), in.nr_pages * in.page_size));
	/* of them, fork()'s copies of a parent's pages: none in the image */
	if (in.nr_parent)
		printf("%" PRIu64 " shared with the parent, ", in.nr_parent);
	printf("%u pipe%s (%" PRIu64 " bytes buffered), ",
	       in.nr_pipes, in.nr_pipes == 1 ? "" : "s", in.pipe_bytes);
	if (in.nr_unix)
		printf("%u unix socket%s (%" PRIu64 " bytes queued), ",
		       in.nr_unix, in.nr_unix == 1 ? "" : "s", in.unix_bytes);
	if (in.nr_inet) {
		printf("%u inet socket%s", in.nr_inet,
		       in.nr_inet == 1 ? "" : "s");
		if (in.nr_dgrams)
			printf(" (%" PRIu64 " datagram%s queued, %" PRIu64
			       " bytes)", in.nr_dgrams,
			       in.nr_dgrams == 1 ? "" : "s", in.dgram_bytes);
		if (in.nr_tcp)
			printf("%s%u TCP connection%s (%" PRIu64
			       " bytes queued)", in.nr_dgrams ? " and " : ", ",
			       in.nr_tcp, in.nr_tcp == 1 ? "" : "s",
			       in.tcp_bytes);
		printf(", ");
	}
	if (in.nr_inflight)
		printf("%" PRIu64 " file%s in flight, ", in.nr_inflight,
		       in.nr_inflight == 1 ? "" : "s");
	if (in.nr_memfds)
		printf("%u memfd%s (%" PRIu64 " pages), ", in.nr_memfds,
		       in.nr_memfds == 1 ? "" : "s", in.memfd_total);
	if (in.nr_deleted)
		printf("%u deleted file%s (%" PRIu64 " pages), ", in.nr_deleted,
		       in.nr_deleted == 1 ? "" : "s", in.deleted_total);
	if (in.nr_inodes)
		printf("%u inode%s, ", in.nr_inodes,
		       in.nr_inodes == 1 ? "" : "s");
	if (in.nr_locks)
		printf("%u file lock%s, ", in.nr_locks,
		       in.nr_locks == 1 ? "" : "s");
	printf("image %zu bytes\n", img.len);
	if (ret)
		printf("checksum: BAD (%s)\n", verr);
	else
		printf("checksum: ok (xxh64 0x%016" PRIx64 ")\n",
		       in.trailer_csum);
	ckpt_image_free(&img);
	if (ret) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, verr);
		return 1;
	}
	return 0;
}

/* ---- ckpt restart --------------------------------------------------- */

static int verbose;

/*
 * Move @fd out of the way, high in the fd space: the restored program's
 * inherited files are taken from the restarter's fds by number, so the
 * image and log fds should not sit on a low number the image may name.
 */
static int move_fd_high(int fd)
{
	struct rlimit rl;
	int nfd;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < 64)
		return fd;
	if (rl.rlim_cur > 4096)
		rl.rlim_cur = 4096;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, (int)rl.rlim_cur - 16);
	if (nfd < 0)
		return fd;
	close(fd);
	return nfd;
}

static int open_log(const char *log)
{
	int fd;

	if (!log)
		return 2;
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, log, strerror(errno));
		return -1;
	}
	return move_fd_high(fd);
}

/*
 * Is the image in the file @fd a self checkpoint? Peeks at its header with
 * pread(), which leaves the file position alone. 1: a self checkpoint,
 * 0: a process tree, -1: cannot tell (not seekable, not an image).
 */
static int image_is_self(int fd)
{
	struct ckpt_hdr_header h;

	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    h.h.type != CKPT_HDR_HEADER || h.magic != CKPT_MAGIC)
		return -1;
	return !!(h.flags & CKPT_IMG_SELF);
}

/*
 * restart() flags the command line asks for: --drop-cpus,
 * --accept-replaced
 */
static unsigned long restart_flags;

/* What restart()'s @err means for the command line, if it has a hint */
static void restart_hint(int err)
{
	if (err == ESTALE && !(restart_flags & RESTART_ACCEPT_REPLACED))
		fprintf(stderr, "%s: a file reopened by its path is another file than the checkpoint saw (see the log); --accept-replaced takes it as it is\n",
			prog);
	/* a TCP connection of the image exists still, or an address is gone */
	if (err == EADDRNOTAVAIL)
		fprintf(stderr, "%s: a socket's address is not available (see the log): a TCP connection of the image still exists if the checkpointed tree still runs (ckpt checkpoint --kill ends it)\n",
			prog);
}

/* RESTART_TASKSELF: become the program of the image; returns on failure */

static int restart_self(int fd, int logfd)
{
	long ret;
	int err;

	fflush(NULL);
	ret = syscall(__NR_restart, 0, fd, RESTART_TASKSELF | restart_flags,
		      logfd);
	/* only on failure: on success this process is the restored one */
	err = errno;
	fprintf(stderr, "%s: restart failed: %s\n", prog,
		ret < 0 ? strerror(err) : "restart() returned");
	if (ret < 0)
		restart_hint(err);
	return 1;
}

/* SIGINT and SIGTERM go to the restored root once there is one */
static volatile sig_atomic_t fwd_root, fwd_pending;

static void fwd_signal(int sig)
{
	int saved = errno;

	if (fwd_root > 0)
		kill(fwd_root, sig);
	else
		fwd_pending = sig;
	errno = saved;
}

/*
 * Coordinator mode: the kernel restores the whole tree as our children
 * and returns the pid of its root; we wait for the root and exit with its
 * status, as a shell does (128 + signal number when it was killed).
 */
static int restart_tree(int fd, int logfd)
{
	struct sigaction sa = { .sa_handler = fwd_signal };
	sigset_t fwd, old;
	int status;
	long pid;

	/* no SA_RESTART: the wait below sees EINTR and waits again */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	fflush(NULL);
	pid = syscall(__NR_restart, 0, fd, restart_flags, logfd);
	if (pid < 0) {
		int err = errno;

		fprintf(stderr, "%s: restart failed: %s\n", prog,
			strerror(err));
		restart_hint(err);
		return 1;
	}
	sigemptyset(&fwd);
	sigaddset(&fwd, SIGINT);
	sigaddset(&fwd, SIGTERM);
	sigprocmask(SIG_BLOCK, &fwd, &old);
	fwd_root = pid;
	if (fwd_pending)
		kill(pid, fwd_pending);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fd);
	if (verbose)
		fprintf(stderr, "%s: restored the tree: root pid %ld\n", prog,
			pid);

	while (waitpid(pid, &status, 0) < 0) {
		if (errno == EINTR)
			continue;
		fprintf(stderr, "%s: waiting for pid %ld: %s\n", prog, pid,
			strerror(errno));
		return 1;
	}
	if (WIFEXITED(status)) {
		if (verbose)
			fprintf(stderr, "%s: root pid %ld exited with status %d\n",
				prog, pid, WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	if (WIFSIGNALED(status)) {
		char sig[16];

		if (verbose)
			fprintf(stderr, "%s: root pid %ld was killed by %s\n",
				prog, pid,
				signame(sig, sizeof(sig), WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}
	return 1;
}

/*
 * --inherit-fd N=PATH and --close-fd N: what the restored program gets at
 * an fd it inherited. restart() connects an inherited fd to the
 * restarter's fd of the same number and fails when there is none; an
 * O_PATH descriptor of /dev/null there asks it to leave the fd closed.
 */
#define MAX_INHERIT 64

struct inherit_fd {
	int fd;
	const char *path;	/* NULL: --close-fd */
};

static struct inherit_fd inherits[MAX_INHERIT];
static int nr_inherits;

static int add_inherit(const char *arg, bool close_it)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || n < 0 || n > 65535 ||
	    (close_it ? *end != '\0' : *end != '=' || !end[1]) ||
	    nr_inherits >= MAX_INHERIT) {
		fprintf(stderr, "%s: bad %s %s\n", prog,
			close_it ? "--close-fd" : "--inherit-fd", arg);
		return -1;
	}
	inherits[nr_inherits].fd = n;
	inherits[nr_inherits].path = close_it ? NULL : end + 1;
	nr_inherits++;
	return 0;
}

/* Open PATH read-write if allowed, else write-only, else read-only */
static int open_inherit(const char *path)
{
	static const int modes[] = { O_RDWR, O_WRONLY, O_RDONLY };
	unsigned int i;
	int fd = -1;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		fd = open(path, modes[i] | O_NOCTTY);
		if (fd >= 0 || (errno != EACCES && errno != EROFS &&
				errno != EISDIR && errno != EPERM))
			break;
	}
	return fd;
}

/* Put the --inherit-fd and --close-fd fds in place; -1 on error */
static int setup_inherits(int imgfd, int logfd)
{
	int i, fd;

	for (i = 0; i < nr_inherits; i++) {
		const struct inherit_fd *in = &inherits[i];

		if (in->fd == imgfd || in->fd == logfd) {
			fprintf(stderr, "%s: fd %d is the image or the log\n",
				prog, in->fd);
			return -1;
		}
		fd = in->path ? open_inherit(in->path) :
				open("/dev/null", O_PATH);
		if (fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog,
				in->path ?: "/dev/null", strerror(errno));
			return -1;
		}
		if (fd != in->fd) {
			if (dup2(fd, in->fd) != in->fd) {
				fprintf(stderr, "%s: fd %d: %s\n", prog, in->fd,
					strerror(errno));
				close(fd);
				return -1;
			}
			close(fd);
		}
		if (verbose)
			fprintf(stderr, "%s: fd %d: %s\n", prog, in->fd,
				in->path ?: "left closed");
	}
	return 0;
}

static int cmd_restart(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "log", required_argument, NULL, 'l' },
		{ "inherit-fd", required_argument, NULL, 'I' },
		{ "close-fd", required_argument, NULL, 'C' },
		{ "drop-cpus", no_argument, NULL, 'D' },
		{ "accept-replaced", no_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *log = NULL, *input = NULL, *path;
	int fd, logfd, c, self;

	while ((c = getopt_long(argc, argv, "+i:l:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case 'I':
		case 'C':
			if (add_inherit(optarg, c == 'C'))
				return 2;
			break;
		case 'l':
			log = optarg;
			break;
		case 'D':
			restart_flags |= RESTART_DROP_CPUS;
			break;
		case 'R':
			restart_flags |= RESTART_ACCEPT_REPLACED;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (input ? optind != argc : optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	path = input ? input : argv[optind];

	logfd = open_log(log);
	if (logfd < 0)
		return 1;

	if (strcmp(path, "-") == 0) {
		/* ckpt restart -: a self image on stdin, as it always was */
		if (!input)
			return setup_inherits(0, logfd) ? 1 :
			       restart_self(0, logfd);
		/*
		 * A tree from stdin: read it from a high fd, and give the
		 * tree /dev/null where its inherited stdin would be the
		 * image stream.
		 */
		fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			fprintf(stderr, "%s: stdin: %s\n", prog,
				strerror(errno));
			return 1;
		}
		fd = move_fd_high(fd);
		c = open("/dev/null", O_RDONLY);
		if (c >= 0 && c != 0) {
			dup2(c, 0);
			close(c);
		}
		if (setup_inherits(fd, logfd))
			return 1;
		return restart_tree(fd, logfd);
	}

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	fd = move_fd_high(fd);
	if (setup_inherits(fd, logfd))
		return 1;
	if (input)
		return restart_tree(fd, logfd);
	/* a positional image: in place if it is a self checkpoint */
	self = image_is_self(fd);
	if (self == 0)
		return restart_tree(fd, logfd);
	return restart_self(fd, logfd);
}

/* ---- ckpt validate -------------------------------------------------- */

static int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "accept-replaced", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *log = NULL, *path;
	int fd, logfd, c;
	long ret;

	while ((c = getopt_long(argc, argv, "+l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			log = optarg;
			break;
		case 'R':
			restart_flags |= RESTART_ACCEPT_REPLACED;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	path = argv[optind];
	logfd = open_log(log);
	if (logfd < 0)
		return 1;
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	ret = syscall(__NR_restart, 0, fd, RESTART_VALIDATE | restart_flags,
		      logfd);
	if (ret) {
		int err = errno;

		fprintf(stderr, "%s: %s: restart would fail: %s\n", prog, path,
			strerror(err));
		restart_hint(err);
		return 1;
	}
	printf("%s: valid\n", strcmp(path, "-") ? path : "(stdin)");
	return 0;
}

/* ---- ckpt checkpoint ------------------------------------------------ */

/* Read a small file into @buf, NUL terminated. Bytes read or -errno. */
static ssize_t read_text(const char *path, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	close(fd);
	return got;
}

static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* The value of "@key N" in @text, or -1 */
static long key_value(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == ' ')
			return strtol(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* Where cgroup v2 is mounted (the first cgroup2 in our mountinfo) */
static const char *cgroup_mount(void)
{
	static char mnt[PATH_MAX];
	char line[4096], *sep, *f[5], *save, *in, *out;
	FILE *fp;
	int i;

	if (mnt[0])
		return mnt;
	snprintf(mnt, sizeof(mnt), "/sys/fs/cgroup");
	fp = fopen("/proc/self/mountinfo", "re");
	if (!fp)
		return mnt;
	while (fgets(line, sizeof(line), fp)) {
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		*sep = '\0';
		f[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 5 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (i < 5 || !f[4])
			continue;
		/* mountinfo escapes space, tab, newline and backslash */
		for (in = out = f[4]; *in; out++) {
			if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' &&
			    in[2] >= '0' && in[2] <= '7' &&
			    in[3] >= '0' && in[3] <= '7') {
				*out = (char)((in[1] - '0') * 64 +
					      (in[2] - '0') * 8 + (in[3] - '0'));
				in += 4;
			} else {
				*out = *in++;
			}
		}
		*out = '\0';
		snprintf(mnt, sizeof(mnt), "%s", f[4]);
		break;
	}
	fclose(fp);
	return mnt;
}

/* The cgroup v2 directory of @pid ("0::/path" in /proc/PID/cgroup) */
static int pid_cgroup(pid_t pid, char *dir, size_t len)
{
	char path[64], text[8192], *p, *nl;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	n = read_text(path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	for (p = text; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(p, "0::", 3))
			continue;
		snprintf(dir, len, "%s%s", cgroup_mount(),
			 strcmp(p + 3, "/") ? p + 3 : "");
		return 0;
	}
	return -ENOENT;
}

static long cg_key(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX + 32], text[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_text(path, text, sizeof(text)) < 0)
		return -1;
	return key_value(text, key);
}

/* ---- the v1 freezer (freezer.state) ------------------------------------ */

static long now_ms(void);
static int cg_write(const char *dir, const char *file, const char *s);

/* Whether @dir is a cgroup of the v1 freezer hierarchy */
static bool cg_is_v1(const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/freezer.state", dir);
	return !access(path, F_OK);
}

/* 1 if the v1 cgroup @dir is FROZEN, 0 if not, -1 if unreadable */
static int cg_v1_frozen(const char *dir)
{
	char path[PATH_MAX + 32], text[64];

	snprintf(path, sizeof(path), "%s/freezer.state", dir);
	if (read_text(path, text, sizeof(text)) < 0)
		return -1;
	return !strncmp(text, "FROZEN", 6);
}

/* Where the v1 freezer hierarchy is mounted, or NULL */
static const char *freezer_v1_mount(void)
{
	static char mnt[PATH_MAX];
	char line[4096], *sep, *f[5], *save, *opts;
	FILE *fp;
	int i;

	if (mnt[0])
		return mnt;
	fp = fopen("/proc/self/mountinfo", "re");
	if (!fp)
		return NULL;
	while (fgets(line, sizeof(line), fp)) {
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup ", 7))
			continue;
		/* "cgroup SOURCE SUPER_OPTIONS": look for the freezer option */
		opts = strrchr(sep + 3, ' ');
		if (!opts || !strstr(opts, "freezer"))
			continue;
		*sep = '\0';
		f[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 5 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (i < 5 || !f[4] || strchr(f[4], '\\'))
			continue;
		snprintf(mnt, sizeof(mnt), "%s", f[4]);
		break;
	}
	fclose(fp);
	return mnt[0] ? mnt : NULL;
}

/* The v1 freezer cgroup of @pid ("N:freezer:/path" in /proc/PID/cgroup) */
static int pid_cgroup_v1(pid_t pid, char *dir, size_t len)
{
	char path[64], text[8192], *p, *nl, *c;
	const char *mnt = freezer_v1_mount();
	ssize_t n;

	if (!mnt)
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	n = read_text(path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	for (p = text; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		c = strchr(p, ':');
		if (!c || strncmp(c + 1, "freezer:", 8))
			continue;
		snprintf(dir, len, "%s%s", mnt,
			 strcmp(c + 9, "/") ? c + 9 : "");
		return 0;
	}
	return -ENOENT;
}

/* Freeze (@on) or thaw a cgroup of either freezer */
static int cg_set_frozen(const char *dir, bool on)
{
	if (cg_is_v1(dir))
		return cg_write(dir, "freezer.state", on ? "FROZEN" : "THAWED");
	return cg_write(dir, "cgroup.freeze", on ? "1" : "0");
}

/* Wait until the v1 cgroup @dir is FROZEN: 0 or -ETIMEDOUT */
static int cg_v1_wait_frozen(const char *dir, int secs)
{
	long deadline = now_ms() + secs * 1000L;

	while (cg_v1_frozen(dir) != 1) {
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(20000);
	}
	return 0;
}

/* The number in @dir/@file (cgroup.freeze), or -1 */
static long cg_num(const char *dir, const char *file)
{
	char path[PATH_MAX + 32], text[64], *end;
	long v;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_text(path, text, sizeof(text)) <= 0)
		return -1;
	v = strtol(text, &end, 10);
	return end == text ? -1 : v;
}

static int cg_write(const char *dir, const char *file, const char *s)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_text(path, s);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/*
 * Wait until cgroup.events of @dir says "@key @want". cgroup.events
 * signals changes with POLLPRI; poll it, and re-read at least every
 * 50 ms. 0, or -ETIMEDOUT.
 */
static int cg_wait(const char *dir, const char *key, long want, int secs)
{
	char path[PATH_MAX + 32], text[4096];
	long deadline = now_ms() + secs * 1000L;
	struct pollfd pfd;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = pread(fd, text, sizeof(text) - 1, 0);
		if (n < 0) {
			n = -errno;
			close(fd);
			return (int)n;
		}
		text[n] = '\0';
		if (key_value(text, key) == want)
			break;
		if (now_ms() >= deadline) {
			close(fd);
			return -ETIMEDOUT;
		}
		pfd.fd = fd;
		pfd.events = POLLPRI;
		poll(&pfd, 1, 50);
	}
	close(fd);
	return 0;
}

struct procs {
	pid_t *pid;
	size_t nr, cap;
};

static int procs_add(struct procs *ps, pid_t pid)
{
	size_t i;

	for (i = 0; i < ps->nr; i++)
		if (ps->pid[i] == pid)
			return 0;
	if (ps->nr == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 64;
		pid_t *n = realloc(ps->pid, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ps->pid = n;
		ps->cap = cap;
	}
	ps->pid[ps->nr++] = pid;
	return 0;
}

static bool procs_has(const struct procs *ps, pid_t pid)
{
	size_t i;

	for (i = 0; i < ps->nr; i++)
		if (ps->pid[i] == pid)
			return true;
	return false;
}

/* The processes of cgroup @dir and of the cgroups below it */
static int cg_procs(const char *dir, struct procs *ps, int depth)
{
	char path[PATH_MAX + 32], *text, *p, *end;
	struct dirent *de;
	DIR *d;
	ssize_t n;
	int ret = 0;

	if (depth > 64)
		return -ELOOP;
	text = malloc(1 << 20);
	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	n = read_text(path, text, 1 << 20);
	if (n < 0) {
		free(text);
		return (int)n;
	}
	for (p = text; *p; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (v > 0 && (ret = procs_add(ps, (pid_t)v)))
			break;
	}
	free(text);
	if (ret)
		return ret;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ret = cg_procs(path, ps, depth + 1);
		if (ret)
			break;
	}
	closedir(d);
	return ret;
}

/* Parent of @pid from /proc/PID/stat, or -1 */
static pid_t proc_ppid(pid_t pid)
{
	char path[64], text[1024], *p;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, text, sizeof(text)) <= 0)
		return -1;
	p = strrchr(text, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* Is @pid the init of a pid namespace below ours? (NSpid ends in 1) */
static bool proc_nsinit(pid_t pid)
{
	char path[64], text[8192], *p, *nl, *save = NULL, *last = NULL;
	int fields = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_text(path, text, sizeof(text)) <= 0)
		return false;
	p = strstr(text, "\nNSpid:");
	if (!p)
		return false;
	p += 7;
	nl = strchr(p, '\n');
	if (nl)
		*nl = '\0';
	for (p = strtok_r(p, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
		fields++;
		last = p;
	}
	/* its pid in the innermost namespace, which it is the init of */
	return fields > 1 && !strcmp(last, "1");
}

/*
 * The root of the processes @ps: the one the others descend from (their
 * parents are in the set, the root's is not). -1 with a message if
 * there is no such single process.
 */
static pid_t find_root(const char *dir, const struct procs *ps)
{
	pid_t root = -1, ppid;
	size_t i, tops = 0;

	for (i = 0; i < ps->nr; i++) {
		ppid = proc_ppid(ps->pid[i]);
		if (ppid > 0 && procs_has(ps, ppid))
			continue;
		if (tops++ == 0) {
			root = ps->pid[i];
			continue;
		}
		if (tops == 2)
			fprintf(stderr,
				"%s: %s holds processes that do not descend from one root: %d",
				prog, dir, root);
		fprintf(stderr, ", %d", ps->pid[i]);
	}
	if (tops > 1) {
		fprintf(stderr, "\n%s: checkpoint one tree with `%s checkpoint PID`\n",
			prog, prog);
		return -1;
	}
	if (tops == 0)
		fprintf(stderr, "%s: %s: no processes\n", prog, dir);
	return root;
}

/* The tree under @root, from the parent links of every process */
static int tree_procs(pid_t root, struct procs *ps)
{
	struct procs all = { 0 };
	pid_t *ppid = NULL;
	struct dirent *de;
	size_t i, done;
	DIR *d;
	int ret = 0;

	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long v = strtol(de->d_name, &end, 10);

		if (*end || v <= 0)
			continue;
		ret = procs_add(&all, (pid_t)v);
		if (ret)
			break;
	}
	closedir(d);
	if (!ret && all.nr && !(ppid = calloc(all.nr, sizeof(*ppid))))
		ret = -ENOMEM;
	for (i = 0; !ret && i < all.nr; i++)
		ppid[i] = proc_ppid(all.pid[i]);
	if (!ret)
		ret = procs_add(ps, root);
	for (done = 0; !ret && done < ps->nr; done++)
		for (i = 0; !ret && i < all.nr; i++)
			if (ppid[i] == ps->pid[done])
				ret = procs_add(ps, all.pid[i]);
	free(ppid);
	free(all.pid);
	return ret;
}

static void checkpoint_usage(FILE *f)
{
	fprintf(f,
		"usage: %s checkpoint (--cgroup DIR | PID) [-o FILE|-] [--subtree]\n"
		"                       [--leave-running | --kill] [--log FILE] [-v]\n"
		"\n"
		"Checkpoint a process tree into FILE (default: stdout, unless it is a\n"
		"terminal).\n"
		"\n"
		"  --cgroup DIR     freeze the cgroup DIR (v2, or a v1 freezer cgroup),\n"
		"                   checkpoint the tree of its processes (the one\n"
		"                   they all descend from)\n"
		"  PID              checkpoint the tree under PID, whose cgroup must\n"
		"                   be frozen already\n"
		"  --subtree        the root need not be a pid namespace init; pipes\n"
		"                   and sockets leading outside are inherited\n"
		"  --leave-running  thaw the tree after the checkpoint (the default);\n"
		"                   its TCP connections go on as they were\n"
		"  --kill           kill the tree after the checkpoint, which is\n"
		"                   taken with CHECKPOINT_NET_LOCK: what the peers\n"
		"                   of the tree's TCP connections send is dropped\n"
		"                   from before each connection is read, and the\n"
		"                   kill sends them neither FIN nor RST (repair\n"
		"                   mode), until a restart in this network namespace\n"
		"                   takes the connections over: the peers see a\n"
		"                   pause (needs CAP_NET_ADMIN if the tree has a\n"
		"                   TCP connection). A restart in this network\n"
		"                   namespace that reads the image while it is\n"
		"                   written (-o - | ckpt restart -i -) finds the\n"
		"                   connections not killed yet (EADDRNOTAVAIL;\n"
		"                   the checkpoint then fails with EPIPE, and the\n"
		"                   tree goes on): write a file, restart it once\n"
		"                   this ends\n"
		"  --log FILE       the kernel's explanations go to FILE, not stderr\n"
		"  --timeout SECS   how long to wait for the freezer (default 60)\n"
		"  -v               say what is done\n"
		"\n"
		"checkpoint() flags: CHECKPOINT_SUBTREE with --subtree,\n"
		"CHECKPOINT_NET_LOCK with --kill.\n",
		prog);
}

static int cmd_checkpoint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cgroup", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "subtree", no_argument, NULL, 's' },
		{ "leave-running", no_argument, NULL, 'r' },
		{ "kill", no_argument, NULL, 'k' },
		{ "log", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool v1 = false;
	const char *cgroup = NULL, *out = NULL, *log = NULL;
	char dir[PATH_MAX], freeze_dir[PATH_MAX] = "", mine[PATH_MAX];
	int c, imgfd, logfd, created = 0, kill_tree = 0, keep = 0, ret = 1;
	int froze_it = 0, image_ok = 0, timeout = 60, err;
	unsigned long flags = 0;
	struct procs ps = { 0 };
	sigset_t quiet, old;
	pid_t root = 0;
	long id;

	while ((c = getopt_long(argc, argv, "+c:o:srkl:t:vh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			cgroup = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			flags |= CHECKPOINT_SUBTREE;
			break;
		case 'r':
			keep = 1;
			break;
		case 'k':
			kill_tree = 1;
			break;
		case 'l':
			log = optarg;
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			checkpoint_usage(stdout);
			return 0;
		default:
			checkpoint_usage(stderr);
			return 2;
		}
	}
	if ((cgroup ? optind != argc : optind != argc - 1) ||
	    (keep && kill_tree) || timeout <= 0) {
		checkpoint_usage(stderr);
		return 2;
	}
	/* the tree is killed next: its TCP connections must stay silent */
	if (kill_tree)
		flags |= CHECKPOINT_NET_LOCK;
	if (!cgroup) {
		char *end;
		long v = strtol(argv[optind], &end, 10);

		if (*end || v <= 0 || v > INT32_MAX) {
			fprintf(stderr, "%s: %s: not a pid\n", prog,
				argv[optind]);
			return 2;
		}
		root = (pid_t)v;
	}

	logfd = open_log(log);
	if (logfd < 0)
		return 1;
	if (!out || !strcmp(out, "-")) {
		if (!out && isatty(1)) {
			fprintf(stderr, "%s: not writing an image to a terminal: use -o FILE\n",
				prog);
			return 2;
		}
		imgfd = 1;
		out = "-";
	} else {
		imgfd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     0600);
		if (imgfd < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, out,
				strerror(errno));
			return 1;
		}
		created = 1;
	}

	/*
	 * a reader of the image that goes away (a restart from the pipe
	 * that failed) fails the checkpoint with EPIPE: the tree is thawed
	 * as after any failure, not left frozen by a SIGPIPE
	 */
	signal(SIGPIPE, SIG_IGN);
	/* a ^C between freezing and thawing waits for the thaw */
	sigemptyset(&quiet);
	sigaddset(&quiet, SIGINT);
	sigaddset(&quiet, SIGTERM);
	sigaddset(&quiet, SIGHUP);
	sigaddset(&quiet, SIGQUIT);
	sigprocmask(SIG_BLOCK, &quiet, &old);

	if (cgroup) {
		size_t l;

		snprintf(dir, sizeof(dir), "%s", cgroup);
		l = strlen(dir);
		while (l > 1 && dir[l - 1] == '/')
			dir[--l] = '\0';
		v1 = cg_is_v1(dir);
		if (!v1 && cg_key(dir, "cgroup.events", "frozen") < 0) {
			fprintf(stderr, "%s: %s is not a cgroup directory with a freezer (v2 cgroup.freeze or v1 freezer.state)\n",
				prog, dir);
			goto out;
		}
		/* never freeze ourselves */
		if (!(v1 ? pid_cgroup_v1(getpid(), mine, sizeof(mine)) :
			   pid_cgroup(getpid(), mine, sizeof(mine))) &&
		    !strncmp(mine, dir, l) &&
		    (mine[l] == '\0' || mine[l] == '/')) {
			fprintf(stderr, "%s: this process is in %s itself\n",
				prog, dir);
			goto out;
		}
		snprintf(freeze_dir, sizeof(freeze_dir), "%s", dir);
		/* frozen by someone else: a failure leaves it frozen */
		froze_it = v1 ? cg_v1_frozen(dir) != 1 :
				cg_num(dir, "cgroup.freeze") != 1;
		err = cg_set_frozen(dir, true);
		if (err) {
			fprintf(stderr, "%s: freezing %s: %s\n", prog, dir,
				strerror(-err));
			goto out;
		}
		err = v1 ? cg_v1_wait_frozen(dir, timeout) :
			   cg_wait(dir, "frozen", 1, timeout);
		if (err) {
			fprintf(stderr, "%s: %s: %s\n", prog, dir,
				err == -ETIMEDOUT ?
				"the cgroup did not freeze in time" :
				strerror(-err));
			goto out_thaw;
		}
		if (verbose)
			fprintf(stderr, "%s: froze %s\n", prog, dir);
		err = cg_procs(dir, &ps, 0);
		if (err) {
			fprintf(stderr, "%s: %s: reading its processes: %s\n",
				prog, dir, strerror(-err));
			goto out_thaw;
		}
		root = find_root(dir, &ps);
		if (root < 0)
			goto out_thaw;
		if (verbose)
			fprintf(stderr, "%s: root of the tree: pid %d%s\n",
				prog, root,
				proc_nsinit(root) ? " (a pid namespace init)" : "");
	} else {
		if (kill(root, 0) && errno == ESRCH) {
			fprintf(stderr, "%s: no process %d\n", prog, root);
			goto out;
		}
		err = pid_cgroup(root, dir, sizeof(dir));
		if (err) {
			fprintf(stderr, "%s: cgroup of pid %d: %s\n", prog,
				root, strerror(-err));
			goto out;
		}
		/* or frozen by the v1 freezer */
		if (cg_key(dir, "cgroup.events", "frozen") != 1 &&
		    !pid_cgroup_v1(root, freeze_dir, sizeof(freeze_dir)) &&
		    cg_v1_frozen(freeze_dir) == 1) {
			v1 = true;
			/* thawed again where it was frozen: its own cgroup */
		} else if (cg_key(dir, "cgroup.events", "frozen") != 1) {
			freeze_dir[0] = '\0';
			fprintf(stderr,
				"%s: pid %d is not frozen: its cgroup %s is not frozen\n"
				"%s: freeze it first (echo 1 > %s/cgroup.freeze, then wait for \"frozen 1\"\n"
				"%s: in cgroup.events), or use %s checkpoint --cgroup DIR\n",
				prog, root, dir, prog, dir, prog, prog);
			goto out;
		}
		/* the cgroup that froze it: its own or an ancestor */
		if (!v1)
			snprintf(freeze_dir, sizeof(freeze_dir), "%s", dir);
		while (!v1 && cg_num(freeze_dir, "cgroup.freeze") != 1) {
			char *slash = strrchr(freeze_dir, '/');

			if (!slash || strlen(freeze_dir) <=
			    strlen(cgroup_mount())) {
				freeze_dir[0] = '\0';
				break;
			}
			*slash = '\0';
		}
	}

	if (verbose)
		fprintf(stderr, "%s: checkpoint of pid %d, flags:%s%s%s\n", prog,
			root, flags & CHECKPOINT_SUBTREE ? " CHECKPOINT_SUBTREE" : "",
			flags & CHECKPOINT_NET_LOCK ? " CHECKPOINT_NET_LOCK" : "",
			flags ? "" : " none");
	id = syscall(__NR_checkpoint, root, imgfd, flags, logfd);
	err = errno;
	if (id < 0) {
		fprintf(stderr, "%s: checkpoint of pid %d failed: %s\n", prog,
			root, strerror(err));
		if (err == EINVAL && !(flags & CHECKPOINT_SUBTREE) &&
		    !proc_nsinit(root))
			fprintf(stderr, "%s: pid %d is not a pid namespace init: use --subtree\n",
				prog, root);
		/* a failed checkpoint left the connections as they were */
		if (err == EPERM && (flags & CHECKPOINT_NET_LOCK))
			fprintf(stderr, "%s: --kill keeps the tree's TCP connections silent (CHECKPOINT_NET_LOCK), which needs CAP_NET_ADMIN in their network namespace; the tree was not killed\n",
				prog);
		goto out_thaw;
	}
	if (created && close(imgfd)) {
		imgfd = -1;
		fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
		goto out_thaw;
	}
	if (created)
		imgfd = -1;
	image_ok = 1;
	ret = 0;
	if (verbose) {
		struct stat st;

		if (created && !stat(out, &st))
			fprintf(stderr, "%s: checkpoint %ld of pid %d: %lld bytes in %s\n",
				prog, id, root, (long long)st.st_size, out);
		else
			fprintf(stderr, "%s: checkpoint %ld of pid %d written to %s\n",
				prog, id, root, out);
	}

	if (kill_tree) {
		if (!cgroup || v1 || cg_write(dir, "cgroup.kill", "1")) {
			struct procs tree = { 0 };
			size_t i;

			err = tree_procs(root, &tree);
			for (i = 0; i < tree.nr; i++)
				kill(tree.pid[i], SIGKILL);
			free(tree.pid);
			if (err) {
				fprintf(stderr, "%s: finding the tree of pid %d: %s\n",
					prog, root, strerror(-err));
				fprintf(stderr, "%s: a process of the tree left running finds its TCP connections in repair mode (CHECKPOINT_NET_LOCK)\n",
					prog);
				ret = 1;
			}
		}
		if (verbose)
			fprintf(stderr, "%s: killed the tree\n", prog);
	}
out_thaw:
	/* after a failure, as it was: thawed only if we froze it */
	if (freeze_dir[0] && (image_ok || froze_it)) {
		err = cg_set_frozen(freeze_dir, false);
		if (err) {
			fprintf(stderr, "%s: thawing %s: %s\n", prog,
				freeze_dir, strerror(-err));
			ret = 1;
		} else if (verbose) {
			fprintf(stderr, "%s: thawed %s\n", prog, freeze_dir);
		}
	}
	if (!ret && kill_tree && cgroup && !v1) {
		/* the killed tasks leave the cgroup when they exit */
		if (cg_wait(dir, "populated", 0, timeout))
			fprintf(stderr, "%s: %s still has processes after the kill\n",
				prog, dir);
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!image_ok && created) {
		/* no half-written image left behind */
		unlink(out);
	}
	if (created && imgfd >= 0)
		close(imgfd);
	free(ps.pid);
	return ret;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "restart"))
		return cmd_restart(argc - 1, argv + 1);
	if (!strcmp(cmd, "checkpoint"))
		return cmd_checkpoint(argc - 1, argv + 1);
	if (!strcmp(cmd, "validate"))
		return cmd_validate(argc - 1, argv + 1);
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
	usage(stderr);
	return 2;
}
