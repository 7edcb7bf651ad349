// SPDX-License-Identifier: GPL-2.0
/*
 * Structure-aware fuzzing of restart().
 *
 * Forked children of several shapes (plain; many files and dup'ed fds, a
 * pipe, eventfds, a signalfd with a signal to read and an epoll instance
 * watching them, a periodic timerfd, an inotify instance with two watches
 * and two events queued, a unix stream socket pair with bytes queued both
 * ways (an out-of-band byte among them, sent with MSG_OOB) and a datagram
 * pair with two datagrams queued, a datagram socket
 * bound to a path, a stream socket listening on an abstract name and an
 * accepted connection whose listener is closed, a datagram socket bound
 * to an abstract name with the datagrams of two senders closed since
 * queued (one with a name, one without), a stream socket listening on an
 * abstract name with two connections waiting in its backlog (one from a
 * client still open that sent bytes, one from a client closed after
 * sending), a datagram server socket bound to an abstract name with a
 * client of the tree connected to it one way and another that sends
 * with sendto(), a datagram of each queued on it, a unix stream pair
 * whose end 1 holds two messages carrying files in flight (a pipe's read
 * end, an eventfd, /dev/null, another socket and end 1 itself: a socket
 * in flight in its own queue), a file with flock(),
 * POSIX and OFD locks, pidfds of itself (one of them a thread's, one
 * watched by the epoll instance), files of its own directory in /proc
 * (one of its thread's, one an O_PATH descriptor of the directory), a
 * TCP listener and a UDP socket connected to itself on the loopback with
 * two datagrams queued, and (root's images only: restart makes it
 * through the TCP repair interface, which needs CAP_NET_ADMIN) an
 * established TCP connection on the loopback with bytes not read both
 * ways, its listener closed;
 * signal handlers, an alternate stack and pending signals; shared
 * anonymous, private and shared file mappings, PROT_NONE, many small
 * vmas; a memfd with a hole, an fd, a shared and a private mapping,
 * another mapped only; a deleted file with a hole, an fd, a shared and a
 * private mapping; changed credentials, limits and interval timers;
 * POSIX timers; a named FIFO opened three times) take a self checkpoint.
 * The images are split into records with ckpt_image_walk(), mutated by
 * meaning (a count, an address, a selector, a flag, a path, a record
 * removed, swapped, duplicated or taken from another image, a record of a
 * file's type left out or added, an extensible record made longer with
 * zeroes or with a field in use, a task's I/O priority, CPU affinity or
 * job control stop, its record cut to an older kernel's, a late record -
 * an epoll set's items - left out, repeated or moved among the FILE
 * records, an inotify watch or event left out, repeated, moved or added,
 * a socket pair's or a unix socket's field, a unix socket's name - its
 * length, its bytes, its NUL - the flags that say it is bound or
 * listening, its backlog, the INODE of its socket inode and that inode's
 * mode and owner, the path of its socket inode, that STRING or that INODE
 * left out or moved, a queued message's length,
 * data or credentials, a message left out or repeated with its queue's
 * counts, a queue's count of senders, the message that is its
 * out-of-band byte, or its record cut to an older kernel's, a sender's
 * name or send buffer, the sender a datagram
 * names, a sender left out, repeated or swapped, a message from the
 * peer made one from a sender (a new one, maybe) or the other way, a
 * listener's count of connections waiting in its backlog, the pair and
 * the peer pid of one, the flag that says a pair is such a connection,
 * the objref by which a datagram socket is named (renamed with what
 * names it, or alone), the socket one is connected to one way, a sender
 * that is a socket of the tree (another one, or none), the files a
 * message carries (its nr_fds, alone or with the late UNIX_FDS record
 * that names them), that record's count, length, padding, socket and
 * files (the socket itself, another FILE, an object that is no FILE, one
 * out of range, a FILE that comes later), and the record left out,
 * repeated or moved, or the FILE records of a file in flight moved
 * after it, a file lock's
 * kind, type, range or fd, a lock left out or
 * repeated, the count of locks, a memfd's name, size, seals, mode or
 * owner, a deleted file's path, size, flags, mode or owner, the offsets
 * of their pages, the memfd or deleted file a FILE_MEMFD, a FILE_DELETED
 * or a vma names, a TCP or UDP socket's family, protocol, state,
 * addresses, ports, flags, options and count of datagrams queued, a
 * queued datagram's length (with its record's or not), bytes, family,
 * addresses, ports, TOS, TTL, flow label, device, ipi_spec_dst, padding
 * or reserved words, two datagrams swapped, a TCP connection's sequence
 * numbers (its queues made to disagree with its record's length, or
 * past 32 MiB), windows, MSS, window scales, options, timestamp clock,
 * the bytes of its queues, its reserved word, its record cut or made
 * longer, a deleted file's vma said to map
 * the executable
 * (CKPT_VMA_F_EXE), an mm said to be a copy of its parent's
 * (CKPT_MM_F_FORKED), a vma said to be inherited from it, a PAGES record
 * naming the parent's pages (nr_parent, CKPT_PAGE_PARENT), a pidfd's pid
 * or flags, a /proc file's pid, thread, procfs mount or path below the
 * task's directory, an inode's identity
 * - its device, number, generation or objref - the INODE a FILE or a
 * file vma names, an INODE record added or moved, a file's owner - its
 * pid and type - or signal), given a good checksum again
 * with ckpt_image_fix_csum() so that the mutation reaches the deep
 * parsers, and restarted in a forked child with RESTART_TASKSELF - and,
 * for a quarter of the mutants, RESTART_ACCEPT_REPLACED, which takes a
 * file reopened by path that is another file than its INODE record says
 * (without it: ESTALE).
 *
 * Every mutation knows which outcomes it allows:
 *
 *   REFUSE  the image breaks a rule restart enforces (a reserved field, an
 *           address above TASK_SIZE, a kernel selector, a count that does
 *           not match a length, a credential the restarter cannot get...):
 *           restart() must return an error, or the child must die of
 *           SIGKILL. A restored program that runs at all is a failure.
 *   MAY     the image is well-formed but says something else (another
 *           register value, fd number, file offset, fewer pages): the
 *           above, or a restored program that runs what the image says -
 *           and may crash or loop in user mode doing so.
 *   VALID   the mutation touches nothing restart or the program looks at
 *           (the checkpoint id, comm, bytes after the trailer): the
 *           restored program must resume and find its state intact.
 *   ACCEPT  the image is well-formed and says something else that restart
 *           must take (a timerfd's interval, a signalfd's signals): the
 *           restored program must resume, and may find that its state
 *           is what the image says rather than what it was.
 *
 * A VALID or ACCEPT mutant whose TASK record says the program was stopped
 * (a job control stop) must come back stopped, its stop reported to
 * waitpid(WUNTRACED) if the record says it is still to be, and not
 * otherwise; its parent then sends SIGCONT, and it must resume.
 *
 * The kernel's own check, restart(RESTART_VALIDATE) by the test process,
 * must accept every image the shapes write (ckpt_test.h validates each
 * checkpoint), every VALID and ACCEPT mutant, and every mutant a restored
 * program ran from.
 *
 * Always: no hang inside restart() (a child still in the system call when
 * its time is up is a failure; so is one that SIGKILL does not end), no
 * errno from the kernel's internal range, and no kernel pointer in the log
 * lines (a value that looks like one must come from the image). One
 * campaign runs as root; the other as uid 65534 with no_new_privs,
 * restarting images of uid 65534: there every restored program that
 * reports in is held while its credentials are read from /proc/PID/status,
 * and they must be exactly the restarter's.
 *
 * The restored program reports "RESUMED shape=N ok=0|1" over the report
 * pipe, then waits (bounded) on an inherited pipe until the test has
 * looked at it.
 *
 * Environment:
 *   CKPT_FUZZ_ITER=N     mutants in all (half per campaign); without it,
 *                        3000, or as many as 120 s per campaign allow
 *   CKPT_FUZZ_SEED=S     PRNG seed (default 1); every mutant i of a
 *                        campaign is drawn from (S, campaign, i) alone
 *   CKPT_FUZZ_ONLY=i     replay mutant i only (use -t to pick a campaign)
 *   CKPT_FUZZ_VERBOSE=1  print every mutant and its outcome
 *
 * The test re-executes itself once with ADDR_NO_RANDOMIZE, so that a
 * seed and an index name the same mutant of the same images on the next
 * run.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <linux/capability.h>
#include <linux/securebits.h>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/sockios.h>

#include "ckpt_test.h"
#include "image.h"

/* enumerators, not macros: give the #ifdefs below something to see */
#define CKPT_HDR_PIPE	CKPT_HDR_PIPE
#define CKPT_FILE_PIPE	CKPT_FILE_PIPE

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define FZ_GO_FD	103	/* children: read end of the "go on" pipe */
#define FZ_EXIT_SETUP	0x53	/* restarter could not set up */
#define FZ_PAGE		4096UL
#define FZ_TIMEOUT_MS	10000	/* per mutant */
#define FZ_KILL_MS	10000	/* SIGKILL must work within this */
#define FZ_DEFAULT_ITER	3000
#define FZ_BUDGET_MS	(120 * 1000)	/* per campaign, without CKPT_FUZZ_ITER */
#define FZ_MAX_DETAILS	20	/* failures described in full */
#define FZ_MAX_IDS	64	/* files reopened by path the rules know */

#define ALIGN8(x)	(((x) + 7UL) & ~7UL)

#ifdef CKPT_IMG_FLAGS_MASK
#define FZ_IMG_FLAGS	CKPT_IMG_FLAGS_MASK
#else
#define FZ_IMG_FLAGS	CKPT_IMG_SELF
#endif

/* ---- ASLR off, so that (seed, index) replays the same mutant ---------- */

__attribute__((constructor))
static void fz_no_aslr(int argc, char **argv, char **envp)
{
	int pers = personality(0xffffffff);

	if (pers == -1 || (pers & ADDR_NO_RANDOMIZE) || getenv("CKPT_FUZZ_ASLR"))
		return;
	if (personality(pers | ADDR_NO_RANDOMIZE) == -1)
		return;
	execve("/proc/self/exe", argv, envp);
	/* go on with ASLR: replays are then less exact */
}

/* ---- PRNG -------------------------------------------------------------- */

static uint64_t fz_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct fz_rng {
	uint64_t s;
};

static uint64_t rnd(struct fz_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return fz_mix(r->s);
}

static uint64_t below(struct fz_rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct fz_rng *r, int percent)
{
	return (int)below(r, 100) < percent;
}

#define PICK(r, arr) ((arr)[below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---- signals of the test process ------------------------------------- */

/*
 * A restored program whose exit_signal was mutated ends by sending that
 * signal to the test process instead of SIGCHLD: the test process takes
 * every signal a child may send it. Children go back to the defaults
 * first thing, so that images hold only what a shape sets up.
 */
static void fz_ignore(int sig)
{
}

static void fz_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = fz_ignore, .sa_flags = SA_RESTART };
	int sig;

	for (sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
			sigaction(sig, &sa, NULL);
}

static void fz_default_signals(void)
{
	int sig;

	for (sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
}

/* ---- the shapes: bodies that run in the checkpointed child ------------ */

enum { SH_PLAIN, SH_FILES, SH_SIGNALS, SH_MEMORY, SH_SHMEM, SH_CREDS,
       SH_TIMERS, SH_FIFO, FZ_SHAPES };

static const char *const fz_shape_name[FZ_SHAPES] = {
	"plain", "files", "signals", "memory", "shmem", "creds", "timers", "fifo",
};

struct fz_body_arg {
	int shape;
	int uid;		/* > 0: drop to it, and set no_new_privs */
	char path[192];		/* where the image goes */
};

static char fz_area[3 * FZ_PAGE] __attribute__((aligned(4096)));
static int fz_uid;		/* the body's uid, for the checks */

/* files */
#define FZ_FILE_POS	1234
#define FZ_PIPE_DATA	"in the pipe, both ends inside"
static char fz_cwd[192];

/*
 * The epoll instance at FZ_EP_FD (O_NONBLOCK) and its items, by data:
 * 0x11 the pipe's read end 50, EPOLLIN (bytes waiting: ready); 0x22 the
 * semaphore eventfd 52, EPOLLIN (ready); 0x33 the pipe's write end 51,
 * EPOLLOUT | EPOLLONESHOT, which fired before the checkpoint (disarmed);
 * 0x44 the eventfd FZ_EP_ET_FD, EPOLLIN | EPOLLET, nothing to read.
 */
#define FZ_EP_FD	53
#define FZ_EP_ET_FD	54

/*
 * SIGUSR2 and SIGRTMIN + 1 blocked, SIGRTMIN + 1 queued with the value
 * FZ_SIG_VALUE; a signalfd of both at FZ_SFD (O_NONBLOCK), in the epoll
 * set: 0x55, EPOLLIN (a signal to read: ready). A periodic
 * CLOCK_MONOTONIC timerfd at FZ_TFD (blocking, in no set), every
 * FZ_TFD_PERIOD ns from FZ_TFD_PERIOD after it was set.
 */
#define FZ_SFD		55
#define FZ_TFD		56
#define FZ_SIG_VALUE	55
#define FZ_TFD_PERIOD	50000000LL
#define FZ_SIGBIT(n)	(1ULL << ((n) - 1))	/* signal n at bit n - 1 */
#define FZ_SFD_SIG	(SIGRTMIN + 1)		/* the queued one */

/*
 * An inotify instance at FZ_IFD (IN_NONBLOCK, in no set) watching, in the
 * cwd, the directory FZ_IN_DIR (wd 1, FZ_IN_DIR_MASK) and the file
 * FZ_IN_FILE (wd 2, FZ_IN_FILE_MASK), with FZ_IN_QUEUED events queued:
 * FZ_IN_NEW created in the directory (a name), the file's mode changed.
 * The next watch descriptor is 3.
 */
#define FZ_IFD		57
#define FZ_IN_DIR	"ino-dir"
#define FZ_IN_FILE	"ino-file"
#define FZ_IN_NEW	"ino-new"
#define FZ_IN_DIR_MASK	(IN_CREATE | IN_DELETE | IN_ATTRIB)
#define FZ_IN_FILE_MASK	(IN_ATTRIB | IN_MODIFY | IN_EXCL_UNLINK)
#define FZ_IN_QUEUED	2

/*
 * A unix stream socket pair, end 0 at FZ_UX_S0 (O_NONBLOCK), end 1 at
 * FZ_UX_S1 (blocking, SO_PASSCRED: the bytes either end sends carry its
 * credentials), FZ_UX_FWD queued on end 1, then FZ_UX_OOB sent with
 * MSG_OOB (its out-of-band byte, where reads stop: its UNIX_QUEUE's
 * oob_msg names it), then FZ_UX_PAST; FZ_UX_BACK on end 0; a datagram
 * pair at FZ_UX_D0 and FZ_UX_D1, FZ_UX_DGRAM and an empty datagram
 * queued on end 1. In no epoll set.
 *
 * And sockets with names: at FZ_UX_B a datagram socket bound to
 * FZ_UX_BNAME in the cwd by that relative name (its image: an INODE, the
 * name, a STRING with the path from the root); at FZ_UX_L a stream socket
 * listening (backlog FZ_UX_BACKLOG) on the abstract name fz_ux_lname; at
 * FZ_UX_C and FZ_UX_A a connection: FZ_UX_C connect()ed to a listener on
 * the abstract name fz_ux_aname, FZ_UX_A what its accept() returned
 * (with that name, not bound to it), FZ_UX_ACC queued on it, the
 * listener closed. The abstract names end with the program's pid.
 *
 * And a datagram socket of other senders: at FZ_UX_G, bound to the
 * abstract name fz_ux_gname, SO_PASSCRED, the datagrams of two sockets
 * closed before the checkpoint queued on it, in this order: FZ_UX_FROM_A
 * from one bound to the abstract name fz_ux_fname, FZ_UX_FROM_U and an
 * empty datagram from one with no name, FZ_UX_FROM_A2 from the first
 * again (its image: a UNIX_QUEUE of two UNIX_SENDER records, the named
 * one first, and four UNIX_MSG_FROM records).
 *
 * And a listener with connections waiting in its backlog: at FZ_UX_E a
 * stream socket listening (backlog FZ_UX_BACKLOG) on the abstract name
 * fz_ux_ename, which accept()ed nothing; at FZ_UX_EC the client of the
 * first connection, which sent FZ_UX_EMB1 and stays open; the client of
 * the second sent FZ_UX_EMB2 and was closed (its image: the listener's
 * FILE_UNIX with nr_embryos 2, after its empty UNIX_QUEUE for each
 * connection a UNIX_PAIR - EMBRYO, the second CLOSED too - a UNIX_EMBRYO
 * and a UNIX_QUEUE of what its client sent; FZ_UX_EC end 1 of the first
 * pair).
 *
 * And a datagram server with clients of the tree, a syslog daemon's
 * /dev/log and its clients: at FZ_UX_V a datagram socket bound to the
 * abstract name fz_ux_vname, connected to nothing; at FZ_UX_VC a
 * client with no name connect()ed to it, which sent FZ_UX_TO_V; at
 * FZ_UX_VS one bound to the abstract name fz_ux_tname, connected to
 * nothing, which then sent it FZ_UX_FROM_T with sendto(); neither
 * datagram read (its image: every datagram socket's FILE_UNIX has a
 * sock_objref; FZ_UX_V's UNIX_QUEUE two UNIX_SENDER records naming the
 * clients' sock_objref, no name, no sndbuf; FZ_UX_VC's FILE_UNIX a
 * peer_objref, FZ_UX_V's sock_objref, and no pair).
 *
 * And files in flight: a stream pair at FZ_UX_F0 and FZ_UX_F1, end 0 of
 * which sent end 1 FZ_UX_FLY1 with three files (SCM_RIGHTS) - the read
 * end of a pipe whose write end is FZ_UX_FPW (FZ_UX_FPIPE in it), end 1
 * itself (a socket in flight in its own queue: a cycle), an eventfd of
 * count FZ_UX_FEV - then FZ_UX_FLY2 with two: /dev/null (fd 14) and the
 * stream socket FZ_UX_S0; the pipe's read end and the eventfd closed
 * since (its image: end 1's UNIX_QUEUE of two UNIX_MSG_FDS, nr_fds 3 and
 * 2, and a late UNIX_FDS of five objrefs, 40 bytes with 4 of padding,
 * the FILE records of the two files only in flight right before it).
 */
#define FZ_UX_S0	58
#define FZ_UX_S1	59
#define FZ_UX_D0	60
#define FZ_UX_D1	61
#define FZ_UX_FWD	"from end 0 to end 1"
#define FZ_UX_OOB	'!'	/* sent with MSG_OOB after FZ_UX_FWD */
#define FZ_UX_PAST	"past the mark"
#define FZ_UX_BACK	"from end 1 to end 0, the other way"
#define FZ_UX_DGRAM	"a datagram"
#define FZ_UX_B		71
#define FZ_UX_L		72
#define FZ_UX_C		73
#define FZ_UX_A		74
#define FZ_UX_BNAME	"ux-bound"
#define FZ_UX_BACKLOG	5
#define FZ_UX_ACC	"accepted"
#define FZ_UX_G		75
#define FZ_UX_FROM_A	"from a named sender"
#define FZ_UX_FROM_U	"from a sender without a name"
#define FZ_UX_FROM_A2	"from the named one again"
#define FZ_UX_E		76
#define FZ_UX_EC	77
#define FZ_UX_EMB1	"waiting, its client open"
#define FZ_UX_EMB2	"waiting, its client closed"
#define FZ_UX_V		78
#define FZ_UX_VC	79
#define FZ_UX_VS	80
#define FZ_UX_TO_V	"from the connected client"
#define FZ_UX_FROM_T	"from a socket of the tree"
#define FZ_UX_F0	81
#define FZ_UX_F1	82
#define FZ_UX_FPW	83
#define FZ_UX_FLY1	"with three files"
#define FZ_UX_FLY2	"with two more"
#define FZ_UX_FPIPE	"in the pipe in flight"
#define FZ_UX_FEV	9
static char fz_ux_lname[CKPT_UNIX_NAME_MAX], fz_ux_aname[CKPT_UNIX_NAME_MAX];
static socklen_t fz_ux_lname_len, fz_ux_aname_len;
static char fz_ux_gname[CKPT_UNIX_NAME_MAX], fz_ux_fname[CKPT_UNIX_NAME_MAX];
static socklen_t fz_ux_gname_len, fz_ux_fname_len;
static char fz_ux_ename[CKPT_UNIX_NAME_MAX];
static socklen_t fz_ux_ename_len;
static char fz_ux_vname[CKPT_UNIX_NAME_MAX], fz_ux_tname[CKPT_UNIX_NAME_MAX];
static socklen_t fz_ux_vname_len, fz_ux_tname_len;

/*
 * The file FZ_LK_FILE in the cwd, open O_RDWR at FZ_LK_FD with a flock()
 * exclusive lock, a POSIX write lock on bytes 0-9 and a POSIX read lock
 * from byte 100 to the end, and O_RDONLY at FZ_LK_OFD_FD with an OFD
 * read lock on bytes 20-29: a LOCKS record of four locks. No fd of the
 * file is closed once the POSIX locks are taken (that would drop them).
 */
#define FZ_LK_FD	62
#define FZ_LK_OFD_FD	63
#define FZ_LK_FILE	"f-lock"

/*
 * A pidfd of the program itself at FZ_PFD (blocking), in the epoll set:
 * 0x66, EPOLLIN (never ready while the program lives); a PIDFD_THREAD |
 * PIDFD_NONBLOCK pidfd of its (only) thread at FZ_PFD_THR, in no set.
 */
#define FZ_PFD		66
#define FZ_PFD_THR	67
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK	O_NONBLOCK
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif
#define FZ_PFD_FLAGS	(O_ACCMODE | O_NONBLOCK | PIDFD_THREAD)

/*
 * Files of the program's own directory in /proc: /proc/self/status at
 * FZ_PROC_FD, FZ_PROC_POS bytes of it read; /proc/self/task/TID/comm of
 * its (only) thread at FZ_PROC_THR; an O_PATH | O_DIRECTORY descriptor
 * of /proc/self at FZ_PROC_DIR. In no epoll set (they cannot poll).
 */
#define FZ_PROC_FD	68
#define FZ_PROC_THR	69
#define FZ_PROC_DIR	70
#define FZ_PROC_POS	10

/*
 * On the loopback, at ports the kernel chose: a TCP listener at FZ_IN_L
 * on 127.0.0.1 (backlog FZ_IN_BACKLOG), SO_REUSEADDR, so that a TIME_WAIT
 * a mutant killed in its check leaves does not keep the next from the
 * port; a UDP socket at FZ_IN_U on 127.0.0.1, connected to itself, with
 * the datagrams FZ_IN_DG1 and FZ_IN_DG2 it sent itself queued. In no
 * epoll set. Their names, for the checks.
 */
#define FZ_IN_L		84
#define FZ_IN_U		85
#define FZ_IN_BACKLOG	4
#define FZ_IN_DG1	"dgram-1"
#define FZ_IN_DG2	"second datagram"
static struct sockaddr_in fz_in_lname, fz_in_uname;

/*
 * Root's images only: an established TCP connection on 127.0.0.1, its
 * client at FZ_IN_TC (a port the kernel chose at connect()), what its
 * listener accept()ed at FZ_IN_TS (the listener, on a port the kernel
 * chose, closed since), FZ_IN_TFWD sent by the client and FZ_IN_TBACK by
 * the other end, neither read, both acknowledged (nothing left to send):
 * each FILE_INET followed by a TCP_CONN whose receive queue holds what
 * the other end sent. In no epoll set. Their names, for the checks.
 */
#define FZ_IN_TC	86
#define FZ_IN_TS	87
#define FZ_IN_TFWD	"from the client, not read"
#define FZ_IN_TBACK	"from the accepted end, not read either"
static struct sockaddr_in fz_in_tcname, fz_in_tsname;

/* the kernel's TCP states, as FILE_INET has them */
#define FZ_INET_ESTABLISHED	1
#define FZ_INET_CLOSE		7
#define FZ_INET_LISTEN		10
#define FZ_INET_PMTUDISC_MAX	5	/* IP_PMTUDISC_OMIT */
#define FZ_INET_IPV6_FLAGS	(CKPT_INET_IPV6_RECVPKTINFO | \
				 CKPT_INET_IPV6_RECVHOPLIMIT | \
				 CKPT_INET_IPV6_RECVTCLASS | \
				 CKPT_INET_IPV6_ORIGDSTADDR | \
				 CKPT_INET_IPV6_RECVERR)

static bool fz_ep_expect(const char *want, const char *when)
{
	const char *got = ck_ep_ready(FZ_EP_FD);

	return CK_EXPECT(!strcmp(got, want), "epoll %s: \"%s\", expected \"%s\"",
			 when, got, want);
}

/* the epoll set, before the pipe and the eventfds are read */
static bool fz_check_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLONESHOT, .data.u64 = 0x33 };
	uint64_t one = 1;
	bool ok = true;

	ok &= CK_EXPECT(fcntl(FZ_EP_FD, F_GETFL) & O_NONBLOCK, "epoll O_NONBLOCK");
	/* ready before, ready after; the one-shot item stays disarmed */
	ok &= fz_ep_expect("11:1 22:1 55:1", "after restart");
	ok &= CK_EXPECT(write(FZ_EP_ET_FD, &one, 8) == 8, "eventfd %d", FZ_EP_ET_FD);
	ok &= fz_ep_expect("11:1 22:1 44:1 55:1", "with an edge");
	ok &= fz_ep_expect("11:1 22:1 55:1", "edge-triggered: reported once");
	/* the item is still known by the fd it was added under */
	ok &= CK_EXPECT(!epoll_ctl(FZ_EP_FD, EPOLL_CTL_MOD, 51, &ev), "re-arm");
	ok &= fz_ep_expect("11:1 22:1 33:4 55:1", "re-armed");
	ok &= fz_ep_expect("11:1 22:1 55:1", "one-shot");
	return ok;
}

/*
 * The signalfd, after the epoll set: still O_NONBLOCK, it reads the
 * queued signal with its value, once; then the set no longer reports it.
 */
static bool fz_check_signalfd(void)
{
	struct signalfd_siginfo si = {};
	bool ok = true;

	ok &= CK_EXPECT(fcntl(FZ_SFD, F_GETFL) & O_NONBLOCK, "signalfd O_NONBLOCK");
	/* not blocking, whatever its flags */
	fcntl(FZ_SFD, F_SETFL, O_NONBLOCK);
	ok &= CK_EXPECT(read(FZ_SFD, &si, sizeof(si)) == sizeof(si) &&
			(int)si.ssi_signo == FZ_SFD_SIG &&
			si.ssi_int == FZ_SIG_VALUE,
			"signalfd read signal %u value %d", si.ssi_signo, si.ssi_int);
	ok &= CK_EXPECT(read(FZ_SFD, &si, sizeof(si)) < 0 && errno == EAGAIN,
			"signalfd: a signal more");
	ok &= fz_ep_expect("11:1 22:1", "the signal read");
	return ok;
}

/*
 * The timerfd: blocking, its interval kept, it reports expirations, and
 * more after those were read (armed again, periodic). Every wait is
 * bounded: a timer the image disarmed or put far away fails the check,
 * it does not hang the program.
 */
static bool fz_check_timerfd(void)
{
	struct pollfd p = { .fd = FZ_TFD, .events = POLLIN };
	struct itimerspec its = {};
	uint64_t n = 0;
	bool ok = true;
	int k;

	ok &= CK_EXPECT(!(fcntl(FZ_TFD, F_GETFL) & O_NONBLOCK), "timerfd blocking");
	ok &= CK_EXPECT(!timerfd_gettime(FZ_TFD, &its) && !its.it_interval.tv_sec &&
			its.it_interval.tv_nsec == FZ_TFD_PERIOD,
			"timerfd interval %lld.%09ld", (long long)its.it_interval.tv_sec,
			its.it_interval.tv_nsec);
	for (k = 0; k < 2 && ok; k++) {
		n = 0;
		ok &= CK_EXPECT(poll(&p, 1, 3000) == 1 && (p.revents & POLLIN) &&
				read(FZ_TFD, &n, sizeof(n)) == sizeof(n) && n,
				"timerfd expirations (%s): %llu", k ? "again" : "first",
				(unsigned long long)n);
	}
	return ok;
}

static bool fz_in_expect(const char *want, const char *when)
{
	const char *got = ck_inotify_read(FZ_IFD);

	return CK_EXPECT(!strcmp(got, want), "inotify %s: \"%s\", expected \"%s\"",
			 when, got, want);
}

/*
 * The inotify instance: still O_NONBLOCK, it reads the events queued,
 * once; its watches see the file and the directory changed, with their
 * watch descriptors; the next watch it is given is wd 3. Nothing blocks.
 */
static bool fz_check_inotify(void)
{
	char path[256];
	bool ok = true;

	ok &= CK_EXPECT(fcntl(FZ_IFD, F_GETFL) & O_NONBLOCK, "inotify O_NONBLOCK");
	fcntl(FZ_IFD, F_SETFL, O_NONBLOCK);
	ok &= fz_in_expect("1:100:0:" FZ_IN_NEW " 2:4:0:", "queued");
	ok &= fz_in_expect("", "read");
	snprintf(path, sizeof(path), "%s/" FZ_IN_FILE, fz_cwd);
	ok &= CK_EXPECT(!chmod(path, 0640), "chmod %s", path);
	ok &= fz_in_expect("2:4:0:", "file watch");
	snprintf(path, sizeof(path), "%s/" FZ_IN_DIR, fz_cwd);
	ok &= CK_EXPECT(!chmod(path, 0755), "chmod %s", path);
	ok &= fz_in_expect("1:40000004:0:", "directory watch");
	ok &= CK_EXPECT_EQ(3, inotify_add_watch(FZ_IFD, fz_cwd, IN_ATTRIB));
	return ok;
}

/* What is queued on the stream socket @fd, read without waiting: its length */
static ssize_t fz_ux_read(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size) {
		n = recv(fd, buf + got, size - got, MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN)
			return -1;
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

/* A sockaddr_un of the name @name (@len bytes): its length */
static socklen_t fz_ux_addr(struct sockaddr_un *sa, const char *name,
			    socklen_t len)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, len);
	return offsetof(struct sockaddr_un, sun_path) + len;
}

/* Does getsockname() (@peer: getpeername()) of @fd say @name (@len bytes)? */
static bool fz_ux_name_is(int fd, bool peer, const char *name, socklen_t len)
{
	struct sockaddr_un sa;
	socklen_t l = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	if (peer ? getpeername(fd, (struct sockaddr *)&sa, &l) :
		   getsockname(fd, (struct sockaddr *)&sa, &l))
		return false;
	return l == offsetof(struct sockaddr_un, sun_path) + len &&
	       !memcmp(sa.sun_path, name, len);
}

/* A new stream socket connect()ed to @name: its fd, or -1 */
static int fz_ux_connect(const char *name, socklen_t len)
{
	struct sockaddr_un sa;
	socklen_t l = fz_ux_addr(&sa, name, len);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, l)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The name of the abstract socket "\0fz-ux-@what-<pid>" into @name: its length */
static socklen_t fz_ux_abstract(char *name, const char *what)
{
	int n = snprintf(name + 1, CKPT_UNIX_NAME_MAX - 1, "fz-ux-%s-%d", what,
			 getpid());

	name[0] = '\0';
	return 1 + n;
}

/*
 * The sockets with names: the bound one named as it was, a datagram sent
 * to its path arriving; the listener named, listening, taking a
 * connection; the accepted end with its listener's name (as its peer
 * sees it), not bound to it, what was queued on it there, the
 * connection working; the connect()ed end with no name. Nothing waits.
 */
static bool fz_check_unix_names(void)
{
	struct pollfd pl = { .fd = FZ_UX_L, .events = POLLIN };
	struct sockaddr_un sa;
	char buf[64] = "", path[256];
	socklen_t l;
	bool ok = true;
	int fd, v = 0;
	ssize_t n;

	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_B, false, FZ_UX_BNAME,
				      sizeof(FZ_UX_BNAME)), "unix bound socket: its name");
	snprintf(path, sizeof(path), "%s/" FZ_UX_BNAME, fz_cwd);
	l = fz_ux_addr(&sa, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ok &= CK_EXPECT(fd >= 0 && sendto(fd, "b", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
					  (struct sockaddr *)&sa, l) == 1 &&
			recv(FZ_UX_B, buf, sizeof(buf), MSG_DONTWAIT) == 1 &&
			buf[0] == 'b', "unix bound socket: a datagram to %s", path);
	if (fd >= 0)
		close(fd);
	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_L, false, fz_ux_lname, fz_ux_lname_len),
			"unix listener: its name");
	l = sizeof(v);
	ok &= CK_EXPECT(!getsockopt(FZ_UX_L, SOL_SOCKET, SO_ACCEPTCONN, &v, &l) &&
			v == 1, "unix listener: listening");
	fd = fz_ux_connect(fz_ux_lname, fz_ux_lname_len);
	ok &= CK_EXPECT(fd >= 0, "unix listener: a connection");
	if (fd >= 0) {
		int a = poll(&pl, 1, 0) == 1 ?
			accept4(FZ_UX_L, NULL, NULL, SOCK_CLOEXEC) : -1;

		ok &= CK_EXPECT(a >= 0, "unix listener: a connection accepted");
		if (a >= 0)
			close(a);
		close(fd);
	}
	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_A, false, fz_ux_aname, fz_ux_aname_len) &&
			fz_ux_name_is(FZ_UX_C, true, fz_ux_aname, fz_ux_aname_len) &&
			fz_ux_name_is(FZ_UX_C, false, "", 0),
			"unix accepted connection: the names");
	n = recv(FZ_UX_A, buf, sizeof(buf), MSG_DONTWAIT);
	ok &= CK_EXPECT(n == sizeof(FZ_UX_ACC) - 1 && !memcmp(buf, FZ_UX_ACC, n),
			"unix accepted end read %zd bytes", n);
	ok &= CK_EXPECT(send(FZ_UX_C, "c", 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1 &&
			recv(FZ_UX_A, buf, 2, MSG_DONTWAIT) == 1 && buf[0] == 'c' &&
			send(FZ_UX_A, "a", 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1 &&
			recv(FZ_UX_C, buf, 2, MSG_DONTWAIT) == 1 && buf[0] == 'a',
			"unix accepted connection connected");
	fd = fz_ux_connect(fz_ux_aname, fz_ux_aname_len);
	ok &= CK_EXPECT(fd < 0, "unix accepted end bound to its name");
	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * The next datagram of @fd, read without waiting: @want, from a socket
 * named @name (@len bytes; 0: recvmsg() gives no name), with (@creds)
 * SCM_CREDENTIALS of the program (which sent it before the checkpoint).
 * NULL, or what differs.
 */
static const char *fz_ux_from_is(int fd, bool creds, const char *want,
				 const char *name, socklen_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} c;
	struct sockaddr_un sa;
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	struct ucred cr;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		return "its bytes";
	if (len ? mh.msg_namelen != offsetof(struct sockaddr_un, sun_path) + len ||
		  memcmp(sa.sun_path, name, len) : mh.msg_namelen != 0)
		return "its sender's name";
	if (!creds)
		return NULL;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_CREDENTIALS)
		return "no credentials";
	memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
	if (cr.pid != getpid() || cr.uid != getuid() || cr.gid != getgid())
		return "its credentials";
	return NULL;
}

/*
 * The datagram socket of other senders: named as it was, its datagrams
 * one by one with their senders' names and credentials, then none.
 * Nothing waits.
 */
static bool fz_check_unix_senders(void)
{
	const char *why;
	char buf[8];
	bool ok = true;

	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_G, false, fz_ux_gname, fz_ux_gname_len),
			"unix datagram socket of senders: its name");
	why = fz_ux_from_is(FZ_UX_G, true, FZ_UX_FROM_A, fz_ux_fname, fz_ux_fname_len);
	ok &= CK_EXPECT(!why, "unix datagram 1 of the named sender: %s", why);
	why = fz_ux_from_is(FZ_UX_G, true, FZ_UX_FROM_U, NULL, 0);
	ok &= CK_EXPECT(!why, "unix datagram 2 of the sender without a name: %s", why);
	why = fz_ux_from_is(FZ_UX_G, true, "", NULL, 0);
	ok &= CK_EXPECT(!why, "unix datagram 3, empty: %s", why);
	why = fz_ux_from_is(FZ_UX_G, true, FZ_UX_FROM_A2, fz_ux_fname, fz_ux_fname_len);
	ok &= CK_EXPECT(!why, "unix datagram 4 of the named sender: %s", why);
	ok &= CK_EXPECT(recv(FZ_UX_G, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
			errno == EAGAIN, "unix datagram socket of senders: one more");
	return ok;
}

/* SO_PEERCRED of @fd: this program, as the one that connected or listened */
static bool fz_ux_peer_is_me(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) &&
	       cr.pid == getpid() && cr.uid == getuid() && cr.gid == getgid();
}

/*
 * The connection waiting first on FZ_UX_E, accept()ed now without
 * waiting: what its client sent, @want, with the listener's name and
 * this program's SO_PEERCRED; then (@closed) the end of the file, or
 * nothing more. Its fd, or -1.
 */
static int fz_ux_accept_is(const char *want, bool closed, const char *what)
{
	struct pollfd pl = { .fd = FZ_UX_E, .events = POLLIN };
	char buf[64] = "";
	ssize_t n;
	int a;

	a = poll(&pl, 1, 0) == 1 ?
	    accept4(FZ_UX_E, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK) : -1;
	if (!CK_EXPECT(a >= 0, "unix listener: %s not waiting", what))
		return -1;
	n = fz_ux_read(a, buf, sizeof(buf) - 1);
	if (!CK_EXPECT(n == (ssize_t)strlen(want) && !memcmp(buf, want, n),
		       "unix listener: %s read %zd bytes \"%.*s\"", what, n,
		       (int)(n > 0 ? n : 0), buf) ||
	    !CK_EXPECT(fz_ux_name_is(a, false, fz_ux_ename, fz_ux_ename_len) &&
		       fz_ux_peer_is_me(a),
		       "unix listener: %s: its name, SO_PEERCRED", what) ||
	    !CK_EXPECT(closed ? recv(a, buf, 1, MSG_DONTWAIT) == 0 :
		       recv(a, buf, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN,
		       "unix listener: %s: %s", what, closed ?
		       "no end of file" : "a byte more")) {
		close(a);
		return -1;
	}
	return a;
}

/*
 * The listener with connections waiting: named, listening, its two
 * connections accept()ed in their order with what their clients sent -
 * the first connected to FZ_UX_EC both ways, the second at its end of
 * file - then none. Nothing waits.
 */
static bool fz_check_unix_embryos(void)
{
	struct pollfd pl = { .fd = FZ_UX_E, .events = POLLIN };
	const int f = MSG_DONTWAIT | MSG_NOSIGNAL;
	char buf[8] = "";
	socklen_t l;
	bool ok = true;
	int a, v = 0;

	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_E, false, fz_ux_ename,
				      fz_ux_ename_len),
			"unix listener with connections waiting: its name");
	l = sizeof(v);
	ok &= CK_EXPECT(!getsockopt(FZ_UX_E, SOL_SOCKET, SO_ACCEPTCONN, &v,
				    &l) && v == 1,
			"unix listener with connections waiting: listening");
	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_EC, true, fz_ux_ename,
				      fz_ux_ename_len) &&
			fz_ux_name_is(FZ_UX_EC, false, "", 0) &&
			fz_ux_peer_is_me(FZ_UX_EC),
			"unix client waiting: its names, SO_PEERCRED");
	a = fz_ux_accept_is(FZ_UX_EMB1, false, "the first connection");
	ok &= a >= 0;
	if (a >= 0) {
		ok &= CK_EXPECT(send(a, "e", 1, f) == 1 &&
				recv(FZ_UX_EC, buf, 2, MSG_DONTWAIT) == 1 &&
				buf[0] == 'e' && send(FZ_UX_EC, "c", 1, f) == 1 &&
				recv(a, buf, 2, MSG_DONTWAIT) == 1 && buf[0] == 'c',
				"unix connection accepted: its client's");
		close(a);
	}
	a = fz_ux_accept_is(FZ_UX_EMB2, true, "the second connection");
	ok &= a >= 0;
	if (a >= 0)
		close(a);
	ok &= CK_EXPECT(poll(&pl, 1, 0) == 0,
			"unix listener: a third connection waiting");
	return ok;
}

/* What @fd's send buffer is charged for (SIOCOUTQ), or -1 */
static int fz_ux_outq(int fd)
{
	int n = -1;

	return ioctl(fd, SIOCOUTQ, &n) ? -1 : n;
}

/* Is @fd connected to nothing (getpeername(): ENOTCONN)? */
static bool fz_ux_unconnected(int fd)
{
	struct sockaddr_un sa;
	socklen_t l = sizeof(sa);

	return getpeername(fd, (struct sockaddr *)&sa, &l) && errno == ENOTCONN;
}

/*
 * The datagram server and its clients of the tree: each named as it
 * was, the server and the sendto() one connected to nothing; each
 * client's datagram charged to its send buffer again (a socket of
 * restart's own would have sent it); the server's two datagrams in
 * their order, the connected client's (no name), then the other's (its
 * name), then none, and the clients charged for nothing more; the
 * client still connected to the server: its peer's name, and a send()
 * with no address reaching it. Nothing waits.
 */
static bool fz_check_unix_peers(void)
{
	const int f = MSG_DONTWAIT | MSG_NOSIGNAL;
	const char *why;
	char buf[8];
	bool ok = true;

	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_V, false, fz_ux_vname,
				      fz_ux_vname_len) &&
			fz_ux_unconnected(FZ_UX_V),
			"unix datagram server: its name, connected to nothing");
	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_VC, true, fz_ux_vname,
				      fz_ux_vname_len) &&
			fz_ux_name_is(FZ_UX_VC, false, "", 0),
			"unix client of the server: its names");
	ok &= CK_EXPECT(fz_ux_name_is(FZ_UX_VS, false, fz_ux_tname,
				      fz_ux_tname_len) &&
			fz_ux_unconnected(FZ_UX_VS),
			"unix sender of the tree: its name, connected to nothing");
	ok &= CK_EXPECT(fz_ux_outq(FZ_UX_VC) > 0 && fz_ux_outq(FZ_UX_VS) > 0,
			"unix clients of the server: charged %d and %d bytes",
			fz_ux_outq(FZ_UX_VC), fz_ux_outq(FZ_UX_VS));
	why = fz_ux_from_is(FZ_UX_V, false, FZ_UX_TO_V, NULL, 0);
	ok &= CK_EXPECT(!why, "unix datagram 1 of the server, of its client: %s", why);
	why = fz_ux_from_is(FZ_UX_V, false, FZ_UX_FROM_T, fz_ux_tname,
			    fz_ux_tname_len);
	ok &= CK_EXPECT(!why, "unix datagram 2 of the server, of the other: %s", why);
	ok &= CK_EXPECT(recv(FZ_UX_V, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
			errno == EAGAIN, "unix datagram server: one more");
	ok &= CK_EXPECT(!fz_ux_outq(FZ_UX_VC) && !fz_ux_outq(FZ_UX_VS),
			"unix clients of the server, read: charged %d and %d bytes",
			fz_ux_outq(FZ_UX_VC), fz_ux_outq(FZ_UX_VS));
	ok &= CK_EXPECT(send(FZ_UX_VC, "v", 1, f) == 1 &&
			!fz_ux_from_is(FZ_UX_V, false, "v", NULL, 0),
			"unix client of the server: still connected to it");
	return ok;
}

/*
 * The out-of-band byte of end 1 of the stream pair, FZ_UX_FWD read: a
 * read stopped at it (at the mark: SIOCATMARK, POLLPRI), recv() with
 * MSG_OOB takes it (SO_OOBINLINE off), then FZ_UX_PAST is there, with
 * no mark left
 */
static bool fz_check_unix_oob(void)
{
	struct pollfd p = { .fd = FZ_UX_S1, .events = POLLPRI };
	char buf[64] = "";
	int v = -1, inl = -1;
	socklen_t l = sizeof(inl);
	bool ok = true;
	ssize_t n;

	ok &= CK_EXPECT(!getsockopt(FZ_UX_S1, SOL_SOCKET, SO_OOBINLINE, &inl, &l) &&
			!inl, "unix stream end 1: SO_OOBINLINE %d", inl);
	ok &= CK_EXPECT(!ioctl(FZ_UX_S1, SIOCATMARK, &v) && v == 1 &&
			poll(&p, 1, 0) == 1 && (p.revents & POLLPRI),
			"unix stream end 1: not at the mark (SIOCATMARK %d, revents %#x)",
			v, p.revents);
	n = recv(FZ_UX_S1, buf, 2, MSG_OOB | MSG_DONTWAIT);
	ok &= CK_EXPECT(n == 1 && buf[0] == FZ_UX_OOB,
			"unix stream end 1: out-of-band byte %zd \"%.*s\" (%s)", n,
			(int)(n > 0 ? n : 0), buf, n < 0 ? strerror(errno) : "");
	n = fz_ux_read(FZ_UX_S1, buf, sizeof(buf) - 1);
	ok &= CK_EXPECT(n == sizeof(FZ_UX_PAST) - 1 && !memcmp(buf, FZ_UX_PAST, n),
			"unix stream end 1 read %zd bytes past the mark \"%.*s\"",
			n, (int)(n > 0 ? n : 0), buf);
	v = -1;
	ok &= CK_EXPECT(!ioctl(FZ_UX_S1, SIOCATMARK, &v) && !v &&
			recv(FZ_UX_S1, buf, 2, MSG_OOB | MSG_DONTWAIT) < 0 &&
			errno == EINVAL, "unix stream end 1: a mark left (SIOCATMARK %d)",
			v);
	return ok;
}

/* Send @data on @fd with the @n files @fds (SCM_RIGHTS): 0 or -1 */
static int fz_ux_send_fds(int fd, const char *data, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} c;
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *cm;

	memset(&c, 0, sizeof(c));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	return sendmsg(fd, &mh, 0) == (ssize_t)strlen(data) ? 0 : -1;
}

/*
 * The next message of the stream socket @fd, read without waiting: is
 * it @want, with @n files (SCM_RIGHTS), put in @fds? Every file it
 * carries is put in @fds (at most 4), or closed.
 */
static bool fz_ux_recv_fds(int fd, const char *want, int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(8 * sizeof(int))];
		struct cmsghdr align;
	} c;
	char buf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	int got = 0, k, nf;
	ssize_t len;

	len = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	for (cm = len < 0 ? NULL : CMSG_FIRSTHDR(&mh); cm;
	     cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		nf = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < nf; k++) {
			int f;

			memcpy(&f, CMSG_DATA(cm) + k * sizeof(int), sizeof(f));
			if (got < 4)
				fds[got] = f;
			else
				close(f);
			got++;
		}
	}
	return len == (ssize_t)strlen(want) && !memcmp(buf, want, len) &&
	       got == n && !(mh.msg_flags & MSG_CTRUNC);
}

/*
 * read() @fd if it has something to read now, whatever file it is (a
 * file a mutant put in flight may block): its result, or -1
 */
static ssize_t fz_read_now(int fd, void *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
		return -1;
	return read(fd, buf, size);
}

/* Are @a and @b the same open socket or file (the same inode)? */
static bool fz_same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static bool fz_is_pipe(int fd, int mode);

/*
 * The files in flight on FZ_UX_F1: its two messages in their order, the
 * first with three files - a pipe's read end (FZ_UX_FPIPE in it, and
 * what FZ_UX_FPW writes), FZ_UX_F1 itself, an eventfd of count
 * FZ_UX_FEV - the second with two, /dev/null and FZ_UX_S0; then none.
 * The files received are closed again. Nothing waits, whatever files a
 * mutant put in flight.
 */
static bool fz_check_unix_fds(void)
{
	int fd[4] = { -1, -1, -1, -1 }, k;
	char buf[64] = "";
	uint64_t v = 0;
	ssize_t n = 0;
	struct stat st;
	bool ok, first;

	first = fz_ux_recv_fds(FZ_UX_F1, FZ_UX_FLY1, fd, 3);
	ok = CK_EXPECT(first, "unix files in flight: the first message, three files");
	if (first) {
		ok &= CK_EXPECT(fz_is_pipe(fd[0], O_RDONLY) &&
				(n = fz_read_now(fd[0], buf, sizeof(buf))) ==
				(ssize_t)strlen(FZ_UX_FPIPE) &&
				!memcmp(buf, FZ_UX_FPIPE, n) &&
				!fcntl(FZ_UX_FPW, F_SETFL, O_NONBLOCK) &&
				write(FZ_UX_FPW, "p", 1) == 1 &&
				fz_read_now(fd[0], buf, sizeof(buf)) == 1 &&
				buf[0] == 'p',
				"unix file in flight 1: the pipe's read end");
		ok &= CK_EXPECT(fz_same_file(fd[1], FZ_UX_F1),
				"unix file in flight 2: the socket itself");
		ok &= CK_EXPECT(fz_read_now(fd[2], &v, sizeof(v)) == sizeof(v) &&
				v == FZ_UX_FEV, "unix file in flight 3: eventfd %llu",
				(unsigned long long)v);
	}
	for (k = 0; k < 4; k++)
		if (fd[k] >= 0)
			close(fd[k]);
	memset(fd, -1, sizeof(fd));
	ok &= CK_EXPECT(fz_ux_recv_fds(FZ_UX_F1, FZ_UX_FLY2, fd, 2) &&
			!fstat(fd[0], &st) && S_ISCHR(st.st_mode) &&
			st.st_rdev == (dev_t)makedev(1, 3) &&
			fz_same_file(fd[1], FZ_UX_S0),
			"unix files in flight: the second message, /dev/null and a socket");
	for (k = 0; k < 4; k++)
		if (fd[k] >= 0)
			close(fd[k]);
	ok &= CK_EXPECT(recv(FZ_UX_F1, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
			errno == EAGAIN, "unix files in flight: a message more");
	return ok;
}

/*
 * The unix sockets: end 0 of the stream pair O_NONBLOCK, what was queued
 * each way read once (end 1's: a read stops at the out-of-band byte,
 * fz_check_unix_oob()), the datagrams one by one, then each pair still
 * connected; the sockets with names; the datagrams of other senders; the
 * connections waiting in a backlog; the datagram server and its clients;
 * the files in flight. Nothing waits, nothing raises SIGPIPE.
 */
static bool fz_check_unix(void)
{
	char buf[256] = "";
	bool ok = true;
	ssize_t n;

	ok &= CK_EXPECT(fcntl(FZ_UX_S0, F_GETFL) & O_NONBLOCK, "unix end 0 O_NONBLOCK");
	/* one read: it stops at the mark */
	n = recv(FZ_UX_S1, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	ok &= CK_EXPECT(n == sizeof(FZ_UX_FWD) - 1 && !memcmp(buf, FZ_UX_FWD, n),
			"unix stream end 1 read %zd bytes \"%.*s\"", n, (int)(n > 0 ? n : 0), buf);
	ok &= fz_check_unix_oob();
	n = fz_ux_read(FZ_UX_S0, buf, sizeof(buf) - 1);
	ok &= CK_EXPECT(n == sizeof(FZ_UX_BACK) - 1 && !memcmp(buf, FZ_UX_BACK, n),
			"unix stream end 0 read %zd bytes \"%.*s\"", n, (int)(n > 0 ? n : 0), buf);
	ok &= CK_EXPECT(send(FZ_UX_S0, "x", 1, MSG_NOSIGNAL) == 1 &&
			recv(FZ_UX_S1, buf, 2, MSG_DONTWAIT) == 1 && buf[0] == 'x',
			"unix stream pair connected");
	n = recv(FZ_UX_D1, buf, sizeof(buf), MSG_DONTWAIT);
	ok &= CK_EXPECT(n == sizeof(FZ_UX_DGRAM) - 1 && !memcmp(buf, FZ_UX_DGRAM, n),
			"unix datagram of %zd bytes", n);
	ok &= CK_EXPECT_EQ(0, recv(FZ_UX_D1, buf, sizeof(buf), MSG_DONTWAIT));
	ok &= CK_EXPECT(recv(FZ_UX_D1, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
			errno == EAGAIN, "unix datagram: one more");
	ok &= CK_EXPECT(send(FZ_UX_D1, "b", 1, MSG_NOSIGNAL) == 1 &&
			recv(FZ_UX_D0, buf, 2, MSG_DONTWAIT) == 1 && buf[0] == 'b',
			"unix datagram pair connected");
	ok &= fz_check_unix_names();
	ok &= fz_check_unix_senders();
	ok &= fz_check_unix_embryos();
	ok &= fz_check_unix_peers();
	ok &= fz_check_unix_fds();
	return ok;
}

/* getsockname() (@peer: getpeername()) of @fd is @want */
static bool fz_in_name_is(int fd, bool peer, const struct sockaddr_in *want)
{
	struct sockaddr_in a = {};
	socklen_t len = sizeof(a);

	if (peer ? getpeername(fd, (struct sockaddr *)&a, &len) :
		   getsockname(fd, (struct sockaddr *)&a, &len))
		return false;
	return len == sizeof(a) && a.sin_family == want->sin_family &&
	       a.sin_port == want->sin_port &&
	       a.sin_addr.s_addr == want->sin_addr.s_addr;
}

/*
 * The inet sockets: each has its name, the UDP socket its peer (itself);
 * the listener listens, and accepts a client of the program's own (then
 * reset: no TIME_WAIT on its port); the UDP socket has the two datagrams
 * it sent itself before the checkpoint queued, in order, at once, and
 * nothing else; it sends itself a datagram and gets it. Nothing waits
 * more than 2 s.
 */
static bool fz_check_inet(void)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	struct pollfd p = { .fd = FZ_IN_L, .events = POLLIN };
	struct sockaddr_in from = {};
	socklen_t len = sizeof(int), flen = sizeof(from);
	int c, s = -1, v = 0;
	char b[64] = "";
	bool ok = true;
	ssize_t n;

	ok &= CK_EXPECT(fz_in_name_is(FZ_IN_L, false, &fz_in_lname),
			"inet listener's name");
	ok &= CK_EXPECT(!getsockopt(FZ_IN_L, SOL_SOCKET, SO_ACCEPTCONN, &v,
				    &len) && v == 1, "inet listener listens");
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c >= 0 && !connect(c, (struct sockaddr *)&fz_in_lname,
			       sizeof(fz_in_lname)) &&
	    poll(&p, 1, 2000) == 1)
		s = accept4(FZ_IN_L, NULL, NULL, SOCK_CLOEXEC);
	ok &= CK_EXPECT(s >= 0, "inet listener accepts");
	if (c >= 0) {
		setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(c);
	}
	if (s >= 0)
		close(s);
	ok &= CK_EXPECT(fz_in_name_is(FZ_IN_U, false, &fz_in_uname) &&
			fz_in_name_is(FZ_IN_U, true, &fz_in_uname),
			"inet UDP socket's name and peer");
	n = recvfrom(FZ_IN_U, b, sizeof(b) - 1, MSG_DONTWAIT,
		     (struct sockaddr *)&from, &flen);
	ok &= CK_EXPECT(n == (ssize_t)strlen(FZ_IN_DG1) &&
			!memcmp(b, FZ_IN_DG1, n) &&
			from.sin_port == fz_in_uname.sin_port &&
			from.sin_addr.s_addr == fz_in_uname.sin_addr.s_addr,
			"inet UDP socket's first datagram: %zd bytes", n);
	n = recv(FZ_IN_U, b, sizeof(b) - 1, MSG_DONTWAIT);
	ok &= CK_EXPECT(n == (ssize_t)strlen(FZ_IN_DG2) &&
			!memcmp(b, FZ_IN_DG2, n),
			"inet UDP socket's second datagram: %zd bytes", n);
	ok &= CK_EXPECT(recv(FZ_IN_U, b, sizeof(b), MSG_DONTWAIT) < 0 &&
			errno == EAGAIN, "inet UDP socket: a datagram more");
	memset(b, 0, sizeof(b));
	p.fd = FZ_IN_U;
	ok &= CK_EXPECT(send(FZ_IN_U, "u", 1, MSG_NOSIGNAL) == 1 &&
			poll(&p, 1, 2000) == 1 &&
			recv(FZ_IN_U, b, sizeof(b), MSG_DONTWAIT) == 1 &&
			b[0] == 'u', "inet UDP socket talks to itself");
	return ok;
}

/* What is queued on @fd is @want, at once; nothing more */
static bool fz_tcp_queued(int fd, const char *want)
{
	char b[64] = "";
	ssize_t n = recv(fd, b, sizeof(b) - 1, MSG_DONTWAIT);

	return n == (ssize_t)strlen(want) && !memcmp(b, want, n) &&
	       recv(fd, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

/* @from sends @to a byte, which comes within 2 s */
static bool fz_tcp_carries(int from, int to, char c)
{
	struct pollfd p = { .fd = to, .events = POLLIN };
	char b = 0;

	return send(from, &c, 1, MSG_NOSIGNAL) == 1 && poll(&p, 1, 2000) == 1 &&
	       recv(to, &b, 1, MSG_DONTWAIT) == 1 && b == c;
}

/*
 * The TCP connection (root's images): each end has its name and its peer,
 * the other, and the bytes the other sent before the checkpoint queued,
 * at once, and nothing else; then it carries a byte each way. Both ends
 * are made to reset when the program ends (SO_LINGER 0, first thing): no
 * TIME_WAIT is left on the addresses of the next mutant's connection. A
 * connection a mutant broke fails the first checks, and nothing waits.
 */
static bool fz_check_tcp(void)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	bool ok = true;

	if (fz_uid)
		return true;
	setsockopt(FZ_IN_TC, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	setsockopt(FZ_IN_TS, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	ok &= CK_EXPECT(fz_in_name_is(FZ_IN_TC, false, &fz_in_tcname) &&
			fz_in_name_is(FZ_IN_TC, true, &fz_in_tsname) &&
			fz_in_name_is(FZ_IN_TS, false, &fz_in_tsname) &&
			fz_in_name_is(FZ_IN_TS, true, &fz_in_tcname),
			"TCP connection's names");
	ok &= CK_EXPECT(fz_tcp_queued(FZ_IN_TS, FZ_IN_TFWD),
			"TCP bytes from the client");
	ok &= CK_EXPECT(fz_tcp_queued(FZ_IN_TC, FZ_IN_TBACK),
			"TCP bytes from the accepted end");
	if (!ok)
		return false;
	if (!CK_EXPECT(fz_tcp_carries(FZ_IN_TC, FZ_IN_TS, 't'),
		       "TCP connection carries a byte to the accepted end"))
		return false;
	return CK_EXPECT(fz_tcp_carries(FZ_IN_TS, FZ_IN_TC, 'u'),
			 "TCP connection carries a byte to the client");
}

/*
 * Root's images: the TCP connection (see FZ_IN_TC), its bytes queued on
 * each end and acknowledged, so that the image has nothing to send again
 */
static void fz_setup_tcp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l, k, in_s = 0, in_c = 0, out_s = -1, out_c = -1;

	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CK_ASSERT(l >= 0 && !bind(l, (struct sockaddr *)&a, sizeof(a)) &&
		  !listen(l, 1) &&
		  !getsockname(l, (struct sockaddr *)&fz_in_tsname, &len),
		  "TCP listener of the connection");
	CK_ASSERT(ck_move_fd(socket(AF_INET, SOCK_STREAM, 0), FZ_IN_TC) ==
		  FZ_IN_TC &&
		  !connect(FZ_IN_TC, (struct sockaddr *)&fz_in_tsname, len),
		  "TCP client");
	CK_ASSERT(ck_move_fd(accept(l, NULL, NULL), FZ_IN_TS) == FZ_IN_TS,
		  "TCP connection accepted");
	close(l);
	len = sizeof(fz_in_tcname);
	CK_ASSERT(!getsockname(FZ_IN_TC, (struct sockaddr *)&fz_in_tcname,
			       &len), "TCP client's name");
	CK_ASSERT(send(FZ_IN_TC, FZ_IN_TFWD, strlen(FZ_IN_TFWD), 0) ==
		  (ssize_t)strlen(FZ_IN_TFWD) &&
		  send(FZ_IN_TS, FZ_IN_TBACK, strlen(FZ_IN_TBACK), 0) ==
		  (ssize_t)strlen(FZ_IN_TBACK), "TCP bytes both ways");
	/* queued on the other end, and acknowledged: up to 10 s */
	for (k = 0; k < 1000; k++) {
		if (ioctl(FZ_IN_TS, SIOCINQ, &in_s) || ioctl(FZ_IN_TC, SIOCINQ, &in_c) ||
		    ioctl(FZ_IN_TS, SIOCOUTQ, &out_s) ||
		    ioctl(FZ_IN_TC, SIOCOUTQ, &out_c))
			break;
		if (in_s == (int)strlen(FZ_IN_TFWD) &&
		    in_c == (int)strlen(FZ_IN_TBACK) && !out_s && !out_c)
			break;
		usleep(10000);
	}
	CK_ASSERT(in_s == (int)strlen(FZ_IN_TFWD) &&
		  in_c == (int)strlen(FZ_IN_TBACK) && !out_s && !out_c,
		  "TCP bytes queued (%d, %d) and acknowledged (%d, %d left)",
		  in_s, in_c, out_s, out_c);
}

/* Set (F_SETLK, F_OFD_SETLK) or test (F_OFD_GETLK) a lock through @fd */
static int fz_lock(int fd, int cmd, struct flock *fl, short type, off_t start,
		   off_t len)
{
	*fl = (struct flock){ .l_type = type, .l_whence = SEEK_SET,
			      .l_start = start, .l_len = len };
	return fcntl(fd, cmd, fl);
}

/*
 * The locks, seen by owners that hold none of them: the open file at
 * FZ_LK_OFD_FD finds the POSIX locks of this process, the one at FZ_LK_FD
 * the OFD lock of the other, and a new open of the file cannot take a
 * flock() lock. That open stays open: closing it would drop the POSIX
 * locks. Nothing waits.
 */
static bool fz_check_locks(void)
{
	struct flock fl;
	char path[256];
	bool ok = true;
	int fd;

	ok &= CK_EXPECT((fcntl(FZ_LK_FD, F_GETFL) & O_ACCMODE) == O_RDWR &&
			(fcntl(FZ_LK_OFD_FD, F_GETFL) & O_ACCMODE) == O_RDONLY,
			"locked file: access modes");
	ok &= CK_EXPECT(!fz_lock(FZ_LK_OFD_FD, F_OFD_GETLK, &fl, F_WRLCK, 0, 10) &&
			fl.l_type == F_WRLCK && fl.l_pid == getpid() &&
			fl.l_start == 0 && fl.l_len == 10,
			"POSIX write lock 0-9: type %d pid %d %lld+%lld", fl.l_type,
			fl.l_pid, (long long)fl.l_start, (long long)fl.l_len);
	ok &= CK_EXPECT(!fz_lock(FZ_LK_OFD_FD, F_OFD_GETLK, &fl, F_WRLCK, 100, 1) &&
			fl.l_type == F_RDLCK && fl.l_pid == getpid() &&
			fl.l_start == 100 && fl.l_len == 0,
			"POSIX read lock 100-EOF: type %d pid %d %lld+%lld", fl.l_type,
			fl.l_pid, (long long)fl.l_start, (long long)fl.l_len);
	ok &= CK_EXPECT(!fz_lock(FZ_LK_FD, F_OFD_GETLK, &fl, F_WRLCK, 20, 10) &&
			fl.l_type == F_RDLCK && fl.l_pid == -1 &&
			fl.l_start == 20 && fl.l_len == 10,
			"OFD read lock 20-29: type %d pid %d %lld+%lld", fl.l_type,
			fl.l_pid, (long long)fl.l_start, (long long)fl.l_len);
	ok &= CK_EXPECT(!fz_lock(FZ_LK_FD, F_OFD_GETLK, &fl, F_WRLCK, 10, 10) &&
			fl.l_type == F_UNLCK, "bytes 10-19 locked: type %d", fl.l_type);
	snprintf(path, sizeof(path), "%s/" FZ_LK_FILE, fz_cwd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ok &= CK_EXPECT(fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 &&
			errno == EWOULDBLOCK, "flock() exclusive lock of %s", path);
	return ok;
}

/* The "Pid:" line of the pidfd @fd's fdinfo, -2 if there is none */
static long fz_pidfd_pid(int fd)
{
	char path[64], buf[1024];
	const char *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (ck_read_file(path, buf, sizeof(buf)) <= 0)
		return -2;
	p = strstr(buf, "\nPid:");
	return p ? strtol(p + 5, NULL, 10) : -2;
}

/*
 * The pidfds: of the restored program (the restarter), with their flags,
 * neither readable. Nothing waits.
 */
static bool fz_check_pidfd(void)
{
	struct pollfd p[2] = { { .fd = FZ_PFD, .events = POLLIN },
			       { .fd = FZ_PFD_THR, .events = POLLIN } };
	bool ok = true;

	ok &= CK_EXPECT_EQ(getpid(), fz_pidfd_pid(FZ_PFD));
	ok &= CK_EXPECT_EQ(getpid(), fz_pidfd_pid(FZ_PFD_THR));
	ok &= CK_EXPECT_EQ(O_RDWR, fcntl(FZ_PFD, F_GETFL) & FZ_PFD_FLAGS);
	ok &= CK_EXPECT_EQ(O_RDWR | O_NONBLOCK | PIDFD_THREAD,
			   fcntl(FZ_PFD_THR, F_GETFL) & FZ_PFD_FLAGS);
	ok &= CK_EXPECT_EQ(0, poll(p, 2, 0));
	return ok;
}

/* Does the fd @fd lead to the path @fmt of the program's pid (twice)? */
static bool fz_proc_link_is(int fd, const char *fmt)
{
	char path[64], link[128], want[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), fmt, getpid(), getpid());
	return CK_EXPECT(!strcmp(link, want), "fd %d is %s", fd, link);
}

/*
 * The /proc files: of the restored program (the restarter), under its
 * pid; the status file at its offset, and showing it
 */
static bool fz_check_proc(void)
{
	char buf[4096], want[64];
	bool ok = true;
	ssize_t n;

	ok &= CK_EXPECT_EQ(FZ_PROC_POS, lseek(FZ_PROC_FD, 0, SEEK_CUR));
	ok &= fz_proc_link_is(FZ_PROC_FD, "/proc/%d/status");
	n = pread(FZ_PROC_FD, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
	ok &= CK_EXPECT(strstr(buf, want), "status: %.80s", buf);
	ok &= fz_proc_link_is(FZ_PROC_THR, "/proc/%d/task/%d/comm");
	ok &= fz_proc_link_is(FZ_PROC_DIR, "/proc/%d");
	ok &= CK_EXPECT(fcntl(FZ_PROC_DIR, F_GETFL) & O_PATH, "O_PATH");
	return ok;
}

static bool fz_check_files(void)
{
	char buf[256], c = 0;
	struct stat st;
	bool ok = true;

	ok &= CK_EXPECT_EQ(FZ_FILE_POS, lseek(10, 0, SEEK_CUR));
	ok &= CK_EXPECT_EQ(O_RDWR, fcntl(10, F_GETFL) & O_ACCMODE);
	ok &= CK_EXPECT_EQ(FZ_FILE_POS, lseek(200, 0, SEEK_CUR));
	ok &= CK_EXPECT(pread(10, &c, 1, 7) == 1 && c == 'x', "file content");
	ok &= CK_EXPECT(fcntl(11, F_GETFL) & O_APPEND, "O_APPEND");
	ok &= CK_EXPECT_EQ(O_RDONLY, fcntl(12, F_GETFL) & O_ACCMODE);
	ok &= CK_EXPECT(fstat(13, &st) == 0 && S_ISDIR(st.st_mode), "dir fd");
	ok &= CK_EXPECT(fstat(14, &st) == 0 && S_ISCHR(st.st_mode) &&
			st.st_rdev == (dev_t)makedev(1, 3), "/dev/null");
	ok &= CK_EXPECT(fstat(15, &st) == 0 && st.st_rdev == (dev_t)makedev(1, 5),
			"/dev/zero");
	ok &= CK_EXPECT(fcntl(16, F_GETFL) & O_NONBLOCK, "O_NONBLOCK");
	ok &= CK_EXPECT(fstat(300, &st) == 0 && S_ISDIR(st.st_mode), "fd 300");
	ok &= CK_EXPECT(getcwd(buf, sizeof(buf)) && !strcmp(buf, fz_cwd),
			"cwd %s", buf);
	ok &= fz_check_epoll();
	ok &= fz_check_signalfd();
	ok &= fz_check_timerfd();
	ok &= fz_check_inotify();
	ok &= fz_check_unix();
	ok &= fz_check_locks();
	ok &= fz_check_pidfd();
	ok &= fz_check_proc();
	ok &= fz_check_inet();
	ok &= fz_check_tcp();
#ifdef CKPT_HDR_PIPE
	memset(buf, 0, sizeof(buf));
	ok &= CK_EXPECT(fcntl(50, F_SETFL, O_NONBLOCK) == 0 &&
			read(50, buf, sizeof(buf) - 1) == sizeof(FZ_PIPE_DATA) &&
			!strcmp(buf, FZ_PIPE_DATA), "pipe data \"%s\"", buf);
#endif
	{
		uint64_t v = 0;

		ok &= CK_EXPECT(read(52, &v, sizeof(v)) == sizeof(v) && v == 1,
				"eventfd semaphore gave %llu",
				(unsigned long long)v);
	}
	return ok;
}

static void fz_setup_files(void)
{
	struct flock fl;
	int fd, i;

	snprintf(fz_cwd, sizeof(fz_cwd), "%s/sub-%d", ck.dir, fz_uid);
	mkdir(fz_cwd, 0755);
	CK_ASSERT(chdir(fz_cwd) == 0, "chdir");
	fd = open("f-rw", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CK_ASSERT(fd >= 0, "f-rw");
	for (i = 0; i < 40; i++)
		CK_ASSERT(write(fd, "0123456xxabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\n", 72) == 72, "w");
	lseek(fd, FZ_FILE_POS, SEEK_SET);
	CK_ASSERT(dup2(fd, 10) == 10 && dup2(fd, 200) == 200, "dup2");
	close(fd);
	fd = open("f-app", O_WRONLY | O_CREAT | O_APPEND, 0644);
	CK_ASSERT(fd >= 0 && dup2(fd, 11) == 11, "f-app");
	close(fd);
	fd = open("f-rw", O_RDONLY);
	CK_ASSERT(fd >= 0 && dup2(fd, 12) == 12, "f-ro");
	close(fd);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	CK_ASSERT(fd >= 0 && dup2(fd, 13) == 13 && dup2(fd, 300) == 300, "dir");
	close(fd);
	fd = open("/dev/null", O_RDWR);
	CK_ASSERT(fd >= 0 && dup2(fd, 14) == 14, "null");
	close(fd);
	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	CK_ASSERT(fd >= 0 && dup2(fd, 15) == 15, "zero");
	fcntl(15, F_SETFD, FD_CLOEXEC);
	close(fd);
	fd = open("/dev/urandom", O_RDONLY | O_NONBLOCK);
	CK_ASSERT(fd >= 0 && dup2(fd, 16) == 16, "urandom");
	close(fd);
	for (i = 20; i < 40; i += 3)
		CK_ASSERT(dup2(14, i) == i, "dup2 %d", i);
#ifdef CKPT_HDR_PIPE
	{
		int p[2];

		CK_ASSERT(pipe(p) == 0 && dup2(p[0], 50) == 50 && dup2(p[1], 51) == 51,
			  "pipe");
		close(p[0]);
		close(p[1]);
		CK_ASSERT(write(51, FZ_PIPE_DATA, sizeof(FZ_PIPE_DATA)) ==
			  sizeof(FZ_PIPE_DATA), "pipe write");
	}
#endif
	fd = eventfd(5, EFD_SEMAPHORE | EFD_NONBLOCK);
	CK_ASSERT(fd >= 0 && dup2(fd, 52) == 52, "eventfd");
	close(fd);
	fd = eventfd(0, EFD_NONBLOCK);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_EP_ET_FD) == FZ_EP_ET_FD, "eventfd");
	{
		union sigval v = { .sival_int = FZ_SIG_VALUE };
		struct itimerspec its = {
			.it_interval = { 0, FZ_TFD_PERIOD },
			.it_value = { 0, FZ_TFD_PERIOD },
		};
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigaddset(&set, FZ_SFD_SIG);
		CK_ASSERT(!sigprocmask(SIG_BLOCK, &set, NULL) &&
			  !sigqueue(getpid(), FZ_SFD_SIG, v), "signals");
		fd = signalfd(-1, &set, SFD_NONBLOCK);
		CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_SFD) == FZ_SFD, "signalfd");
		fd = timerfd_create(CLOCK_MONOTONIC, 0);
		CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_TFD) == FZ_TFD &&
			  !timerfd_settime(FZ_TFD, 0, &its, NULL), "timerfd");
	}
	mkdir(FZ_IN_DIR, 0755);
	unlink(FZ_IN_DIR "/" FZ_IN_NEW);
	fd = open(FZ_IN_FILE, O_WRONLY | O_CREAT, 0644);
	CK_ASSERT(fd >= 0 && !fchmod(fd, 0644) && !close(fd), FZ_IN_FILE);
	fd = inotify_init1(IN_NONBLOCK);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_IFD) == FZ_IFD &&
		  inotify_add_watch(FZ_IFD, FZ_IN_DIR, FZ_IN_DIR_MASK) == 1 &&
		  inotify_add_watch(FZ_IFD, FZ_IN_FILE, FZ_IN_FILE_MASK) == 2,
		  "inotify");
	fd = open(FZ_IN_DIR "/" FZ_IN_NEW, O_WRONLY | O_CREAT, 0644);
	CK_ASSERT(fd >= 0 && !close(fd) && !chmod(FZ_IN_FILE, 0640),
		  "inotify events");
	{
		int sv[2], one = 1;

		CK_ASSERT(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv) &&
			  ck_move_fd(sv[0], FZ_UX_S0) == FZ_UX_S0 &&
			  ck_move_fd(sv[1], FZ_UX_S1) == FZ_UX_S1, "unix stream pair");
		CK_ASSERT(!fcntl(FZ_UX_S0, F_SETFL, O_NONBLOCK) &&
			  !setsockopt(FZ_UX_S1, SOL_SOCKET, SO_PASSCRED, &one,
				      sizeof(one)), "unix stream pair options");
		CK_ASSERT(write(FZ_UX_S0, FZ_UX_FWD, strlen(FZ_UX_FWD)) ==
			  strlen(FZ_UX_FWD) &&
			  write(FZ_UX_S1, FZ_UX_BACK, strlen(FZ_UX_BACK)) ==
			  strlen(FZ_UX_BACK), "unix stream data");
		CK_ASSERT(send(FZ_UX_S0, &(char){ FZ_UX_OOB }, 1, MSG_OOB) == 1 &&
			  send(FZ_UX_S0, FZ_UX_PAST, strlen(FZ_UX_PAST), 0) ==
			  strlen(FZ_UX_PAST), "unix stream out-of-band byte");
		CK_ASSERT(!socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) &&
			  ck_move_fd(sv[0], FZ_UX_D0) == FZ_UX_D0 &&
			  ck_move_fd(sv[1], FZ_UX_D1) == FZ_UX_D1, "unix dgram pair");
		CK_ASSERT(send(FZ_UX_D0, FZ_UX_DGRAM, strlen(FZ_UX_DGRAM), 0) ==
			  strlen(FZ_UX_DGRAM) && send(FZ_UX_D0, "", 0, 0) == 0,
			  "unix datagrams");
	}
	{
		struct sockaddr_un sa;
		socklen_t l;

		/* bound by its name in the cwd, a path relative to it */
		unlink(FZ_UX_BNAME);
		l = fz_ux_addr(&sa, FZ_UX_BNAME, sizeof(FZ_UX_BNAME));
		CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), FZ_UX_B) ==
			  FZ_UX_B && !bind(FZ_UX_B, (struct sockaddr *)&sa, l),
			  "unix bound socket");
		fz_ux_lname_len = fz_ux_abstract(fz_ux_lname, "listen");
		l = fz_ux_addr(&sa, fz_ux_lname, fz_ux_lname_len);
		CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_STREAM, 0), FZ_UX_L) ==
			  FZ_UX_L && !bind(FZ_UX_L, (struct sockaddr *)&sa, l) &&
			  !listen(FZ_UX_L, FZ_UX_BACKLOG), "unix listener");
		/* a connection accepted, its listener closed */
		fz_ux_aname_len = fz_ux_abstract(fz_ux_aname, "gone");
		l = fz_ux_addr(&sa, fz_ux_aname, fz_ux_aname_len);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		CK_ASSERT(fd >= 0 && !bind(fd, (struct sockaddr *)&sa, l) &&
			  !listen(fd, 1), "unix listener to close");
		CK_ASSERT(ck_move_fd(fz_ux_connect(fz_ux_aname, fz_ux_aname_len),
				     FZ_UX_C) == FZ_UX_C &&
			  !fcntl(FZ_UX_C, F_SETFL, 0), "unix connect");
		CK_ASSERT(ck_move_fd(accept(fd, NULL, NULL), FZ_UX_A) == FZ_UX_A &&
			  !close(fd), "unix accept");
		CK_ASSERT(write(FZ_UX_C, FZ_UX_ACC, strlen(FZ_UX_ACC)) ==
			  strlen(FZ_UX_ACC), "unix accepted connection data");
	}
	{
		/* a datagram socket of other senders, closed since */
		struct sockaddr_un to, sa;
		socklen_t tl, l;
		int one = 1, a, u;

		fz_ux_gname_len = fz_ux_abstract(fz_ux_gname, "dgram");
		tl = fz_ux_addr(&to, fz_ux_gname, fz_ux_gname_len);
		CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), FZ_UX_G) ==
			  FZ_UX_G && !bind(FZ_UX_G, (struct sockaddr *)&to, tl) &&
			  !setsockopt(FZ_UX_G, SOL_SOCKET, SO_PASSCRED, &one,
				      sizeof(one)), "unix datagram socket of senders");
		fz_ux_fname_len = fz_ux_abstract(fz_ux_fname, "from");
		l = fz_ux_addr(&sa, fz_ux_fname, fz_ux_fname_len);
		a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		u = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		CK_ASSERT(a >= 0 && u >= 0 && !bind(a, (struct sockaddr *)&sa, l),
			  "unix senders");
		CK_ASSERT(sendto(a, FZ_UX_FROM_A, strlen(FZ_UX_FROM_A), 0,
				 (struct sockaddr *)&to, tl) == strlen(FZ_UX_FROM_A) &&
			  sendto(u, FZ_UX_FROM_U, strlen(FZ_UX_FROM_U), 0,
				 (struct sockaddr *)&to, tl) == strlen(FZ_UX_FROM_U) &&
			  sendto(u, "", 0, 0, (struct sockaddr *)&to, tl) == 0 &&
			  sendto(a, FZ_UX_FROM_A2, strlen(FZ_UX_FROM_A2), 0,
				 (struct sockaddr *)&to, tl) == strlen(FZ_UX_FROM_A2),
			  "unix datagrams of other senders");
		CK_ASSERT(!close(a) && !close(u), "unix senders closed");
	}
	{
		/* a listener with two connections waiting, none accepted */
		struct sockaddr_un sa;
		socklen_t l;
		int gone;

		fz_ux_ename_len = fz_ux_abstract(fz_ux_ename, "embryo");
		l = fz_ux_addr(&sa, fz_ux_ename, fz_ux_ename_len);
		CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_STREAM, 0), FZ_UX_E) ==
			  FZ_UX_E && !bind(FZ_UX_E, (struct sockaddr *)&sa, l) &&
			  !listen(FZ_UX_E, FZ_UX_BACKLOG),
			  "unix listener with connections waiting");
		CK_ASSERT(ck_move_fd(fz_ux_connect(fz_ux_ename, fz_ux_ename_len),
				     FZ_UX_EC) == FZ_UX_EC &&
			  send(FZ_UX_EC, FZ_UX_EMB1, strlen(FZ_UX_EMB1), 0) ==
			  strlen(FZ_UX_EMB1), "unix connection waiting");
		gone = fz_ux_connect(fz_ux_ename, fz_ux_ename_len);
		CK_ASSERT(gone >= 0 &&
			  send(gone, FZ_UX_EMB2, strlen(FZ_UX_EMB2), 0) ==
			  strlen(FZ_UX_EMB2) && !close(gone),
			  "unix connection waiting, its client closed");
	}
	{
		/*
		 * a datagram server and two clients of the tree: one
		 * connected to it (the server is not connected back), one
		 * that sends with sendto(); what they sent is not read
		 */
		struct sockaddr_un to, sa;
		socklen_t tl, l;

		fz_ux_vname_len = fz_ux_abstract(fz_ux_vname, "server");
		tl = fz_ux_addr(&to, fz_ux_vname, fz_ux_vname_len);
		CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), FZ_UX_V) ==
			  FZ_UX_V && !bind(FZ_UX_V, (struct sockaddr *)&to, tl),
			  "unix datagram server");
		CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), FZ_UX_VC) ==
			  FZ_UX_VC &&
			  !connect(FZ_UX_VC, (struct sockaddr *)&to, tl),
			  "unix client connected to the server");
		fz_ux_tname_len = fz_ux_abstract(fz_ux_tname, "tree");
		l = fz_ux_addr(&sa, fz_ux_tname, fz_ux_tname_len);
		CK_ASSERT(ck_move_fd(socket(AF_UNIX, SOCK_DGRAM, 0), FZ_UX_VS) ==
			  FZ_UX_VS && !bind(FZ_UX_VS, (struct sockaddr *)&sa, l),
			  "unix sender of the tree");
		CK_ASSERT(send(FZ_UX_VC, FZ_UX_TO_V, strlen(FZ_UX_TO_V), 0) ==
			  strlen(FZ_UX_TO_V) &&
			  sendto(FZ_UX_VS, FZ_UX_FROM_T, strlen(FZ_UX_FROM_T), 0,
				 (struct sockaddr *)&to, tl) == strlen(FZ_UX_FROM_T),
			  "unix datagrams of the server's clients");
	}
	{
		/*
		 * files in flight: a pipe's read end, end 1 itself and an
		 * eventfd, then /dev/null and a stream socket
		 */
		int sv[2], p[2], ev;

		CK_ASSERT(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv) &&
			  ck_move_fd(sv[0], FZ_UX_F0) == FZ_UX_F0 &&
			  ck_move_fd(sv[1], FZ_UX_F1) == FZ_UX_F1,
			  "unix pair of files in flight");
		CK_ASSERT(!pipe(p) && ck_move_fd(p[1], FZ_UX_FPW) == FZ_UX_FPW &&
			  write(FZ_UX_FPW, FZ_UX_FPIPE, strlen(FZ_UX_FPIPE)) ==
			  (ssize_t)strlen(FZ_UX_FPIPE), "pipe in flight");
		ev = eventfd(FZ_UX_FEV, EFD_NONBLOCK);
		CK_ASSERT(ev >= 0 &&
			  !fz_ux_send_fds(FZ_UX_F0, FZ_UX_FLY1,
					  (const int[]){ p[0], FZ_UX_F1, ev }, 3) &&
			  !fz_ux_send_fds(FZ_UX_F0, FZ_UX_FLY2,
					  (const int[]){ 14, FZ_UX_S0 }, 2) &&
			  !close(p[0]) && !close(ev), "unix files in flight");
	}
	/* every open of the locked file first, then its locks */
	fd = open(FZ_LK_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_LK_FD) == FZ_LK_FD, FZ_LK_FILE);
	fd = open(FZ_LK_FILE, O_RDONLY);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_LK_OFD_FD) == FZ_LK_OFD_FD,
		  FZ_LK_FILE " read-only");
	CK_ASSERT(!flock(FZ_LK_FD, LOCK_EX | LOCK_NB) &&
		  !fz_lock(FZ_LK_FD, F_SETLK, &fl, F_WRLCK, 0, 10) &&
		  !fz_lock(FZ_LK_FD, F_SETLK, &fl, F_RDLCK, 100, 0) &&
		  !fz_lock(FZ_LK_OFD_FD, F_OFD_SETLK, &fl, F_RDLCK, 20, 10),
		  "locks");
	CK_ASSERT(ck_move_fd(syscall(__NR_pidfd_open, getpid(), 0), FZ_PFD) ==
		  FZ_PFD, "pidfd");
	CK_ASSERT(ck_move_fd(syscall(__NR_pidfd_open, getpid(),
				     PIDFD_THREAD | PIDFD_NONBLOCK),
			     FZ_PFD_THR) == FZ_PFD_THR, "thread pidfd");
	{
		char path[64], head[FZ_PROC_POS];

		CK_ASSERT(ck_move_fd(open("/proc/self/status", O_RDONLY),
				     FZ_PROC_FD) == FZ_PROC_FD &&
			  read(FZ_PROC_FD, head, FZ_PROC_POS) == FZ_PROC_POS,
			  "/proc/self/status");
		snprintf(path, sizeof(path), "/proc/self/task/%d/comm", gettid());
		CK_ASSERT(ck_move_fd(open(path, O_RDONLY), FZ_PROC_THR) ==
			  FZ_PROC_THR, "%s", path);
		CK_ASSERT(ck_move_fd(open("/proc/self", O_PATH | O_DIRECTORY),
				     FZ_PROC_DIR) == FZ_PROC_DIR, "/proc/self");
	}
	{
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(a);
		int one = 1;

		CK_ASSERT(ck_move_fd(socket(AF_INET, SOCK_STREAM, 0), FZ_IN_L) ==
			  FZ_IN_L &&
			  !setsockopt(FZ_IN_L, SOL_SOCKET, SO_REUSEADDR, &one,
				      sizeof(one)) &&
			  !bind(FZ_IN_L, (struct sockaddr *)&a, sizeof(a)) &&
			  !listen(FZ_IN_L, FZ_IN_BACKLOG) &&
			  !getsockname(FZ_IN_L, (struct sockaddr *)&fz_in_lname,
				       &len), "inet listener");
		len = sizeof(a);
		CK_ASSERT(ck_move_fd(socket(AF_INET, SOCK_DGRAM, 0), FZ_IN_U) ==
			  FZ_IN_U &&
			  !bind(FZ_IN_U, (struct sockaddr *)&a, sizeof(a)) &&
			  !getsockname(FZ_IN_U, (struct sockaddr *)&fz_in_uname,
				       &len) &&
			  !connect(FZ_IN_U, (struct sockaddr *)&fz_in_uname, len),
			  "inet UDP socket connected to itself");
		/* its datagrams, each queued before the next is sent */
		for (i = 0; i < 2; i++) {
			const char *dg = i ? FZ_IN_DG2 : FZ_IN_DG1;
			uint32_t mi[16], before;
			int k;

			len = sizeof(mi);
			CK_ASSERT(!getsockopt(FZ_IN_U, SOL_SOCKET, SO_MEMINFO, mi,
					      &len), "SO_MEMINFO");
			before = mi[0];	/* SK_MEMINFO_RMEM_ALLOC */
			CK_ASSERT(send(FZ_IN_U, dg, strlen(dg), 0) ==
				  (ssize_t)strlen(dg), "inet UDP datagram %d", i);
			for (k = 0; k < 1000; k++) {
				len = sizeof(mi);
				if (!getsockopt(FZ_IN_U, SOL_SOCKET, SO_MEMINFO,
						mi, &len) && mi[0] > before)
					break;
				usleep(10000);
			}
			CK_ASSERT(k < 1000, "inet UDP datagram %d queued", i);
		}
	}
	/* restart makes a connection through TCP_REPAIR: CAP_NET_ADMIN */
	if (!fz_uid)
		fz_setup_tcp();
	fd = epoll_create1(EPOLL_CLOEXEC);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_EP_FD) == FZ_EP_FD, "epoll");
	CK_ASSERT(!fcntl(FZ_EP_FD, F_SETFL, O_NONBLOCK), "epoll O_NONBLOCK");
	{
		static const struct { int fd; uint32_t events; uint64_t data; } it[] = {
			{ 50, EPOLLIN, 0x11 }, { 52, EPOLLIN, 0x22 },
			{ 51, EPOLLOUT | EPOLLONESHOT, 0x33 },
			{ FZ_EP_ET_FD, EPOLLIN | EPOLLET, 0x44 },
			{ FZ_SFD, EPOLLIN, 0x55 }, { FZ_PFD, EPOLLIN, 0x66 },
		};
		struct epoll_event ev;

		for (i = 0; i < (int)(sizeof(it) / sizeof(it[0])); i++) {
			ev.events = it[i].events;
			ev.data.u64 = it[i].data;
			CK_ASSERT(!epoll_ctl(FZ_EP_FD, EPOLL_CTL_ADD, it[i].fd, &ev),
				  "epoll item for fd %d", it[i].fd);
		}
	}
	/* the one-shot item fires, once */
	CK_ASSERT(!strcmp(ck_ep_ready(FZ_EP_FD), "11:1 22:1 33:4 55:1") &&
		  !strcmp(ck_ep_ready(FZ_EP_FD), "11:1 22:1 55:1"), "epoll set");
	umask(027);
}

/* signals */
static char fz_altstack[4 * 8192] __attribute__((aligned(16)));
static volatile int fz_sig_seen[65];
static volatile int fz_sig_val[65];

static void fz_sig_handler(int sig, siginfo_t *si, void *uc)
{
	if (sig > 0 && sig <= 64) {
		fz_sig_seen[sig]++;
		fz_sig_val[sig] += si->si_value.sival_int;
	}
}

static void fz_plain_handler(int sig)
{
	if (sig > 0 && sig <= 64)
		fz_sig_seen[sig]++;
}

static void fz_setup_signals(void)
{
	struct sigaction sa = { .sa_sigaction = fz_sig_handler };
	stack_t ss = { .ss_sp = fz_altstack, .ss_size = sizeof(fz_altstack) };
	union sigval v;
	sigset_t set;
	int sig;

	CK_ASSERT(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	for (sig = SIGRTMIN; sig <= SIGRTMIN + 4; sig++)
		CK_ASSERT(sigaction(sig, &sa, NULL) == 0, "sigaction %d", sig);
	CK_ASSERT(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	sa.sa_flags = SA_ONSTACK | SA_NODEFER;
	sa.sa_handler = fz_plain_handler;
	CK_ASSERT(sigaction(SIGUSR2, &sa, NULL) == 0, "sigaction");
	CK_ASSERT(sigaction(SIGHUP, &sa, NULL) == 0, "sigaction");
	signal(SIGINT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	for (sig = SIGRTMIN; sig <= SIGRTMIN + 4; sig++)
		sigaddset(&set, sig);
	CK_ASSERT(sigprocmask(SIG_BLOCK, &set, NULL) == 0, "sigprocmask");
	kill(getpid(), SIGUSR1);		/* process-wide */
	raise(SIGUSR2);				/* this thread */
	v.sival_int = 100;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	v.sival_int = 20;
	sigqueue(getpid(), SIGRTMIN + 1, v);
	v.sival_int = 3;
	sigqueue(getpid(), SIGRTMIN + 2, v);
}

static bool fz_check_signals(void)
{
	sigset_t pend, none;
	stack_t ss;
	bool ok = true;

	sigpending(&pend);
	ok &= CK_EXPECT(sigismember(&pend, SIGUSR1) && sigismember(&pend, SIGUSR2) &&
			sigismember(&pend, SIGRTMIN + 1) &&
			sigismember(&pend, SIGRTMIN + 2) && !sigismember(&pend, SIGHUP),
			"pending signals");
	ok &= CK_EXPECT(sigaltstack(NULL, &ss) == 0 && ss.ss_sp == fz_altstack &&
			ss.ss_size == sizeof(fz_altstack), "altstack");
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	ok &= CK_EXPECT_EQ(1, fz_sig_seen[SIGUSR1]);
	ok &= CK_EXPECT_EQ(1, fz_sig_seen[SIGUSR2]);
	ok &= CK_EXPECT_EQ(2, fz_sig_seen[SIGRTMIN + 1]);
	ok &= CK_EXPECT_EQ(120, fz_sig_val[SIGRTMIN + 1]);
	ok &= CK_EXPECT_EQ(3, fz_sig_val[SIGRTMIN + 2]);
	return ok;
}

/* memory */
static struct {
	char *shanon, *pfile, *sfile, *none, *ro, *multi, *brk, *grows;
	char *mfd, *mfd_priv, *mfd_only;
	char *del, *del_priv;
} fz_mem;

/*
 * The shmem shape's memfd FZ_MFD_NAME at FZ_MFD_FD (O_RDWR, at offset
 * FZ_MFD_POS, sealed against shrinking): three pages, the middle one a
 * hole; mapped MAP_SHARED whole, and its first two pages MAP_PRIVATE,
 * the first of them written (the private vma's own page). And a memfd
 * of one page that only its MAP_SHARED mapping holds (its MEMFD record
 * comes right before the vma's).
 */
#define FZ_MFD_FD	64
#define FZ_MFD_POS	777
#define FZ_MFD_NAME	"fz-memfd"
static unsigned int fz_mfd_seals;

/*
 * And a deleted file at FZ_DEL_FD (O_RDWR, at offset FZ_DEL_POS, mode
 * 0640), made in the test's directory and unlinked: FZ_DEL_SIZE bytes,
 * pages 0 and 2 written, page 1 and the tail holes; mapped MAP_SHARED
 * whole, and its first two pages MAP_PRIVATE, the first of them written.
 */
#define FZ_DEL_FD	65
#define FZ_DEL_POS	555
#define FZ_DEL_SIZE	(3 * FZ_PAGE + 100)

static int fz_make_file(const char *name, size_t pages, uint64_t seed)
{
	char *buf = malloc(pages * FZ_PAGE);
	int fd;

	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || !buf)
		return -1;
	ck_fill(buf, pages * FZ_PAGE, seed);
	if (write(fd, buf, pages * FZ_PAGE) != (ssize_t)(pages * FZ_PAGE))
		fd = -1;
	free(buf);
	return fd;
}

static void fz_setup_memory(void)
{
	const int prot = PROT_READ | PROT_WRITE;
	char name[192];
	int fd, i;

	snprintf(name, sizeof(name), "%s/mem-%d", ck.dir, fz_uid);
	mkdir(name, 0755);
	CK_ASSERT(chdir(name) == 0, "chdir");
	fd = fz_make_file("pfile", 8, 22);
	CK_ASSERT(fd >= 0, "pfile");
	fz_mem.pfile = mmap(NULL, 8 * FZ_PAGE, prot, MAP_PRIVATE, fd, 0);
	close(fd);
	CK_ASSERT(fz_mem.pfile != MAP_FAILED, "private file");
	ck_fill(fz_mem.pfile + FZ_PAGE, FZ_PAGE, 23);
	ck_fill(fz_mem.pfile + 5 * FZ_PAGE, FZ_PAGE, 24);

	fd = fz_make_file("sfile", 2, 25);
	CK_ASSERT(fd >= 0, "sfile");
	fz_mem.sfile = mmap(NULL, 2 * FZ_PAGE, prot, MAP_SHARED, fd, 0);
	close(fd);
	CK_ASSERT(fz_mem.sfile != MAP_FAILED, "shared file");
	ck_fill(fz_mem.sfile, FZ_PAGE, 26);

	fz_mem.none = mmap(NULL, 3 * FZ_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(fz_mem.none != MAP_FAILED, "PROT_NONE");

	fz_mem.ro = mmap(NULL, 2 * FZ_PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(fz_mem.ro != MAP_FAILED, "ro");
	ck_fill(fz_mem.ro, 2 * FZ_PAGE, 27);
	mprotect(fz_mem.ro, 2 * FZ_PAGE, PROT_READ);

	fz_mem.multi = mmap(NULL, 16 * FZ_PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(fz_mem.multi != MAP_FAILED, "multi");
	ck_fill(fz_mem.multi, 16 * FZ_PAGE, 28);
	for (i = 0; i < 16; i += 2)
		mprotect(fz_mem.multi + i * FZ_PAGE, FZ_PAGE, PROT_READ);

	fz_mem.brk = sbrk(16 * FZ_PAGE);
	CK_ASSERT(fz_mem.brk != (void *)-1, "sbrk");
	ck_fill(fz_mem.brk, 16 * FZ_PAGE, 29);

	fz_mem.grows = mmap(NULL, 2 * FZ_PAGE, prot,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	CK_ASSERT(fz_mem.grows != MAP_FAILED, "growsdown");
	ck_fill(fz_mem.grows + FZ_PAGE, FZ_PAGE, 30);
}

static bool fz_check_memory(void)
{
	char *file = malloc(8 * FZ_PAGE);
	bool ok = true;

	if (file) {
		ck_fill(file, 8 * FZ_PAGE, 22);
		ck_fill(file + FZ_PAGE, FZ_PAGE, 23);
		ck_fill(file + 5 * FZ_PAGE, FZ_PAGE, 24);
		ok &= CK_EXPECT(!memcmp(file, fz_mem.pfile, 8 * FZ_PAGE),
				"private file mapping");
		free(file);
	}
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.sfile, FZ_PAGE, 26));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.ro, 2 * FZ_PAGE, 27));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.multi, 16 * FZ_PAGE, 28));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.brk, 16 * FZ_PAGE, 29));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.grows + FZ_PAGE, FZ_PAGE, 30));
	return ok;
}

/* shared anonymous memory: written, partly untouched, read-only */
static void fz_setup_shmem(void)
{
	const int prot = PROT_READ | PROT_WRITE;
	char name[192];
	int fd;

	fz_mem.shanon = mmap(NULL, 8 * FZ_PAGE, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(fz_mem.shanon != MAP_FAILED, "shared anon");
	ck_fill(fz_mem.shanon, 4 * FZ_PAGE, 21);
	ck_fill(fz_mem.shanon + 6 * FZ_PAGE, FZ_PAGE, 22);
	fz_mem.ro = mmap(NULL, 2 * FZ_PAGE, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(fz_mem.ro != MAP_FAILED, "shared anon ro");
	ck_fill(fz_mem.ro, FZ_PAGE, 23);
	mprotect(fz_mem.ro, 2 * FZ_PAGE, PROT_READ);
	/* two vmas of one object: the second at pgoff 7 */
	mprotect(fz_mem.shanon + 7 * FZ_PAGE, FZ_PAGE, PROT_READ);

	fd = memfd_create(FZ_MFD_NAME, MFD_ALLOW_SEALING);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_MFD_FD) == FZ_MFD_FD, "memfd");
	CK_ASSERT(!ftruncate(FZ_MFD_FD, 3 * FZ_PAGE), "memfd size");
	fz_mem.mfd = mmap(NULL, 3 * FZ_PAGE, prot, MAP_SHARED, FZ_MFD_FD, 0);
	CK_ASSERT(fz_mem.mfd != MAP_FAILED, "memfd shared");
	ck_fill(fz_mem.mfd, FZ_PAGE, 24);
	ck_fill(fz_mem.mfd + 2 * FZ_PAGE, FZ_PAGE, 25);
	fz_mem.mfd_priv = mmap(NULL, 2 * FZ_PAGE, prot, MAP_PRIVATE, FZ_MFD_FD, 0);
	CK_ASSERT(fz_mem.mfd_priv != MAP_FAILED, "memfd private");
	ck_fill(fz_mem.mfd_priv, FZ_PAGE, 26);
	CK_ASSERT(!fcntl(FZ_MFD_FD, F_ADD_SEALS, F_SEAL_SHRINK) &&
		  lseek(FZ_MFD_FD, FZ_MFD_POS, SEEK_SET) == FZ_MFD_POS, "memfd seal");
	fz_mfd_seals = fcntl(FZ_MFD_FD, F_GET_SEALS);

	fd = memfd_create("fz-mapped", 0);
	CK_ASSERT(fd >= 0 && !ftruncate(fd, FZ_PAGE), "mapped memfd");
	fz_mem.mfd_only = mmap(NULL, FZ_PAGE, prot, MAP_SHARED, fd, 0);
	CK_ASSERT(fz_mem.mfd_only != MAP_FAILED && !close(fd), "memfd mapped only");
	ck_fill(fz_mem.mfd_only, FZ_PAGE, 27);

	snprintf(name, sizeof(name), "%s/fz-deleted-%d", ck.dir, fz_uid);
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0640);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, FZ_DEL_FD) == FZ_DEL_FD, "deleted file");
	CK_ASSERT(!unlink(name) && !fchmod(FZ_DEL_FD, 0640) &&
		  !ftruncate(FZ_DEL_FD, FZ_DEL_SIZE), "deleted file size");
	fz_mem.del = mmap(NULL, 4 * FZ_PAGE, prot, MAP_SHARED, FZ_DEL_FD, 0);
	CK_ASSERT(fz_mem.del != MAP_FAILED, "deleted file shared");
	ck_fill(fz_mem.del, FZ_PAGE, 31);
	ck_fill(fz_mem.del + 2 * FZ_PAGE, FZ_PAGE, 32);
	fz_mem.del_priv = mmap(NULL, 2 * FZ_PAGE, prot, MAP_PRIVATE, FZ_DEL_FD, 0);
	CK_ASSERT(fz_mem.del_priv != MAP_FAILED, "deleted file private");
	ck_fill(fz_mem.del_priv, FZ_PAGE, 33);
	CK_ASSERT(lseek(FZ_DEL_FD, FZ_DEL_POS, SEEK_SET) == FZ_DEL_POS,
		  "deleted file offset");
}

static bool fz_check_shmem(void)
{
	static char page[FZ_PAGE];
	struct stat st;
	bool ok = true;

	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.shanon, 4 * FZ_PAGE, 21));
	ok &= CK_EXPECT(ck_all_zero(fz_mem.shanon + 4 * FZ_PAGE, 2 * FZ_PAGE), "hole");
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.shanon + 6 * FZ_PAGE, FZ_PAGE, 22));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.ro, FZ_PAGE, 23));
	/* the memfd: its pages, the hole (read, not faulted in), its copy */
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.mfd, FZ_PAGE, 24));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.mfd + 2 * FZ_PAGE, FZ_PAGE, 25));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.mfd_priv, FZ_PAGE, 26));
	ok &= CK_EXPECT(pread(FZ_MFD_FD, page, FZ_PAGE, FZ_PAGE) == FZ_PAGE &&
			ck_all_zero(page, FZ_PAGE), "memfd hole");
	ok &= CK_EXPECT(pread(FZ_MFD_FD, page, FZ_PAGE, 0) == FZ_PAGE &&
			ck_check_fill(page, FZ_PAGE, 24) == -1,
			"memfd page 0, under the private copy");
	ok &= CK_EXPECT_EQ(FZ_MFD_POS, lseek(FZ_MFD_FD, 0, SEEK_CUR));
	ok &= CK_EXPECT_EQ(fz_mfd_seals, fcntl(FZ_MFD_FD, F_GET_SEALS));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.mfd_only, FZ_PAGE, 27));
	/* the deleted file: the same, and its size, mode and no link */
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.del, FZ_PAGE, 31));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.del + 2 * FZ_PAGE, FZ_PAGE, 32));
	ok &= CK_EXPECT_EQ(-1, ck_check_fill(fz_mem.del_priv, FZ_PAGE, 33));
	ok &= CK_EXPECT(pread(FZ_DEL_FD, page, FZ_PAGE, FZ_PAGE) == FZ_PAGE &&
			ck_all_zero(page, FZ_PAGE), "deleted file hole");
	ok &= CK_EXPECT(pread(FZ_DEL_FD, page, FZ_PAGE, 3 * FZ_PAGE) == 100 &&
			ck_all_zero(page, 100), "deleted file tail");
	ok &= CK_EXPECT(pread(FZ_DEL_FD, page, FZ_PAGE, 0) == FZ_PAGE &&
			ck_check_fill(page, FZ_PAGE, 31) == -1,
			"deleted file page 0, under the private copy");
	ok &= CK_EXPECT_EQ(FZ_DEL_POS, lseek(FZ_DEL_FD, 0, SEEK_CUR));
	ok &= CK_EXPECT(!fstat(FZ_DEL_FD, &st) && !st.st_nlink &&
			st.st_size == FZ_DEL_SIZE && (st.st_mode & 07777) == 0640,
			"deleted file size, mode, links");
	return ok;
}

/* credentials, limits, interval timers, task fields */
static const gid_t fz_groups[] = { 100, 200, 65534 };

/* long enough never to fire while a restored program runs */
static const struct itimerval fz_itimer[3] = {
	[ITIMER_REAL] = { .it_value = { 3000, 0 } },
	[ITIMER_VIRTUAL] = { .it_value = { 1000, 0 }, .it_interval = { 500, 0 } },
	[ITIMER_PROF] = { .it_value = { 2000, 0 }, .it_interval = { 0, 250000 } },
};

static void fz_setup_creds(void)
{
	struct rlimit r;
	int i;

	if (fz_uid == 0) {
		CK_ASSERT(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS) == 0, "securebits");
		CK_ASSERT(setgroups(3, fz_groups) == 0, "setgroups");
		CK_ASSERT(setresgid(100, 100, 100) == 0, "setresgid");
		CK_ASSERT(setresuid(1000, 1000, 0) == 0, "setresuid");
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	}
	getrlimit(RLIMIT_NOFILE, &r);
	r.rlim_cur = 512;
	if (r.rlim_max > 2048)
		r.rlim_max = 2048;
	CK_ASSERT(setrlimit(RLIMIT_NOFILE, &r) == 0, "RLIMIT_NOFILE");
	r.rlim_cur = r.rlim_max = 0;
	CK_ASSERT(setrlimit(RLIMIT_CORE, &r) == 0, "RLIMIT_CORE");
	for (i = 0; i < 3; i++)
		CK_ASSERT(setitimer(i, &fz_itimer[i], NULL) == 0, "setitimer %d", i);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_NAME, "fz-creds", 0, 0, 0);
	umask(077);
}

static bool fz_check_creds(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs, groups[8];
	struct itimerval it;
	struct rlimit rl;
	bool ok = true;
	int k;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	if (fz_uid == 0) {
		ok &= CK_EXPECT(r == 1000 && e == 1000 && s == 0, "uids %u %u %u", r, e, s);
		ok &= CK_EXPECT(gr == 100 && ge == 100 && gs == 100, "gids");
		ok &= CK_EXPECT(getgroups(8, groups) == 3 && groups[0] == 100,
				"groups");
		ok &= CK_EXPECT_EQ(SECBIT_KEEP_CAPS, prctl(PR_GET_SECUREBITS));
	} else {
		ok &= CK_EXPECT(r == (uid_t)fz_uid && e == r && s == r, "uids");
		ok &= CK_EXPECT_EQ(0, getgroups(0, NULL));
	}
	ok &= CK_EXPECT_EQ(1, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	getrlimit(RLIMIT_NOFILE, &rl);
	ok &= CK_EXPECT_EQ(512, rl.rlim_cur);
	getrlimit(RLIMIT_CORE, &rl);
	ok &= CK_EXPECT(rl.rlim_cur == 0 && rl.rlim_max == 0, "RLIMIT_CORE");
	for (k = 0; k < 3; k++) {
		/*
		 * Armed, with no more time left than set (CPU timers are armed
		 * a tick late, by setitimer() and by restart), the same period.
		 */
		getitimer(k, &it);
		ok &= CK_EXPECT((it.it_value.tv_sec || it.it_value.tv_usec) &&
				it.it_value.tv_sec * 1000000LL + it.it_value.tv_usec <=
				fz_itimer[k].it_value.tv_sec * 1000000LL + 100000 &&
				it.it_interval.tv_sec == fz_itimer[k].it_interval.tv_sec &&
				it.it_interval.tv_usec == fz_itimer[k].it_interval.tv_usec,
				"itimer %d: %ld.%06ld/%ld.%06ld", k, (long)it.it_value.tv_sec,
				(long)it.it_value.tv_usec, (long)it.it_interval.tv_sec,
				(long)it.it_interval.tv_usec);
	}
	return ok;
}

/* POSIX timers: armed far enough not to fire, one disarmed, a gap in ids */
static const struct {
	clockid_t clock;
	int notify, signo;
	long value, interval;	/* seconds */
} fz_ptimer[] = {
	{ CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 3000, 0 },
	{ CLOCK_REALTIME, SIGEV_NONE, 0, 1000, 10 },
	{ CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL | SIGEV_THREAD_ID, 37, 2000, 0 },
	{ CLOCK_BOOTTIME, SIGEV_SIGNAL, SIGUSR2, 0, 0 },
	{ CLOCK_TAI, SIGEV_SIGNAL, SIGHUP, 500, 500 },
	{ CLOCK_MONOTONIC, SIGEV_THREAD, SIGUSR2, 4000, 0 },
};
#define FZ_NPTIMERS	(sizeof(fz_ptimer) / sizeof(fz_ptimer[0]))
static int fz_ptimer_id[FZ_NPTIMERS];

static void fz_setup_timers(void)
{
	unsigned int k;
	int gap;

	for (k = 0; k < FZ_NPTIMERS; k++) {
		struct sigevent ev = {
			.sigev_notify = fz_ptimer[k].notify,
			.sigev_signo = fz_ptimer[k].signo,
			.sigev_value.sival_int = 1000 + k,
		};
		struct itimerspec its = {
			.it_value = { fz_ptimer[k].value, 0 },
			.it_interval = { fz_ptimer[k].interval, 0 },
		};

		if (ev.sigev_notify & SIGEV_THREAD_ID)
			ev.sigev_notify_thread_id = gettid();
		if (k == 3) {
			CK_ASSERT(!syscall(__NR_timer_create, CLOCK_MONOTONIC, NULL, &gap) &&
				  !syscall(__NR_timer_delete, gap), "timer gap");
		}
		CK_ASSERT(!syscall(__NR_timer_create, fz_ptimer[k].clock, &ev,
				   &fz_ptimer_id[k]), "timer_create %u", k);
		CK_ASSERT(!syscall(__NR_timer_settime, fz_ptimer_id[k], 0, &its, NULL),
			  "timer_settime %u", k);
	}
}

static bool fz_check_timers(void)
{
	struct itimerspec its;
	long long left, set;
	unsigned int k;
	bool ok = true;

	for (k = 0; k < FZ_NPTIMERS; k++) {
		if (!CK_EXPECT(!syscall(__NR_timer_gettime, fz_ptimer_id[k], &its),
			       "timer %u (id %d)", k, fz_ptimer_id[k])) {
			ok = false;
			continue;
		}
		left = its.it_value.tv_sec * 1000000000LL + its.it_value.tv_nsec;
		set = fz_ptimer[k].value * 1000000000LL;
		ok &= CK_EXPECT((set ? left > 0 : left == 0) && left <= set + 100000000 &&
				its.it_interval.tv_sec == fz_ptimer[k].interval &&
				!its.it_interval.tv_nsec,
				"timer %u: %lld ns left, period %ld s", k, left,
				(long)its.it_interval.tv_sec);
	}
	return ok;
}

/* a named FIFO, opened three times, with bytes in it */
#define FZ_FIFO_DATA	"in the named FIFO"
static char fz_fifo[192];

static void fz_setup_fifo(void)
{
	int fd;

	snprintf(fz_fifo, sizeof(fz_fifo), "%s/fifo-%d", ck.dir, fz_uid);
	unlink(fz_fifo);
	CK_ASSERT(mkfifo(fz_fifo, 0600) == 0, "mkfifo %s", fz_fifo);
	fd = open(fz_fifo, O_RDWR);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, 60) == 60, "fifo rw");
	fd = open(fz_fifo, O_RDONLY | O_NONBLOCK);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, 61) == 61, "fifo r");
	fd = open(fz_fifo, O_WRONLY);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, 62) == 62, "fifo w");
	CK_ASSERT(write(62, FZ_FIFO_DATA, sizeof(FZ_FIFO_DATA)) ==
		  sizeof(FZ_FIFO_DATA), "fifo write");
}

static bool fz_check_fifo(void)
{
	struct stat st, f[3];
	char buf[64] = "";
	bool ok = true;
	int k;

	ok &= CK_EXPECT(stat(fz_fifo, &st) == 0 && S_ISFIFO(st.st_mode), "%s", fz_fifo);
	for (k = 0; k < 3; k++)
		ok &= CK_EXPECT(fstat(60 + k, &f[k]) == 0 && S_ISFIFO(f[k].st_mode) &&
				f[k].st_ino == st.st_ino && f[k].st_dev == st.st_dev,
				"fd %d is the FIFO", 60 + k);
	ok &= CK_EXPECT_EQ(O_RDWR, fcntl(60, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	ok &= CK_EXPECT_EQ(O_RDONLY | O_NONBLOCK,
			   fcntl(61, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	ok &= CK_EXPECT_EQ(O_WRONLY, fcntl(62, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	ok &= CK_EXPECT(read(61, buf, sizeof(buf) - 1) == sizeof(FZ_FIFO_DATA) &&
			!strcmp(buf, FZ_FIFO_DATA), "fifo data \"%s\"", buf);
	ok &= CK_EXPECT(write(62, "x", 1) == 1 && read(60, buf, 1) == 1 &&
			buf[0] == 'x', "one FIFO");
	return ok;
}

static bool fz_is_pipe(int fd, int mode)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	       (fcntl(fd, F_GETFL) & O_ACCMODE) == mode;
}

/* The restored program: check, report, wait until the test has looked. */
static __attribute__((noreturn)) void fz_resumed(int shape)
{
	struct pollfd p = { .fd = FZ_GO_FD, .events = POLLIN };
	bool ok;

	ok = CK_EXPECT_EQ(-1, ck_check_fill(fz_area, sizeof(fz_area), 11));
	switch (shape) {
	case SH_FILES:
		ok &= fz_check_files();
		break;
	case SH_SIGNALS:
		ok &= fz_check_signals();
		break;
	case SH_MEMORY:
		ok &= fz_check_memory();
		break;
	case SH_SHMEM:
		ok &= fz_check_shmem();
		break;
	case SH_CREDS:
		ok &= fz_check_creds();
		break;
	case SH_TIMERS:
		ok &= fz_check_timers();
		break;
	case SH_FIFO:
		ok &= fz_check_fifo();
		break;
	}
	ck_report("RESUMED shape=%d ok=%d", shape, ok);
	/* hold on while the test reads our credentials, if it can hear us */
	if (fz_is_pipe(CK_REPORT_FD, O_WRONLY) && fz_is_pipe(FZ_GO_FD, O_RDONLY))
		poll(&p, 1, 2000);
	_exit(CK_EXIT_RESUMED);
}

static void fz_body(void *arg)
{
	struct fz_body_arg *a = arg;

	fz_default_signals();
	fz_uid = a->uid;
	if (a->uid > 0) {
		CK_ASSERT(!ck_drop_privs(a->uid), "drop privileges");
		CK_ASSERT(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs");
	}
	ck_fill(fz_area, sizeof(fz_area), 11);
	switch (a->shape) {
	case SH_FILES:
		fz_setup_files();
		break;
	case SH_SIGNALS:
		fz_setup_signals();
		break;
	case SH_MEMORY:
		fz_setup_memory();
		break;
	case SH_SHMEM:
		fz_setup_shmem();
		break;
	case SH_CREDS:
		fz_setup_creds();
		break;
	case SH_TIMERS:
		fz_setup_timers();
		break;
	case SH_FIFO:
		fz_setup_fifo();
		break;
	}
	ck_open_image(a->path);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	fz_resumed(a->shape);
}

/* A place for a mutated rip to land: reports and leaves. */
static __attribute__((noreturn, used)) void fz_landing(void)
{
	ck_report("LANDED");
	_exit(CK_EXIT_RESUMED);
}

/* ---- images as lists of records --------------------------------------- */

struct fz_rec {
	uint32_t type;
	uint32_t len;
	unsigned char *p;	/* len bytes, starting with struct ckpt_hdr */
};

struct fz_img {
	struct fz_rec *r;
	int n, cap;
};

static void img_free(struct fz_img *im)
{
	int i;

	for (i = 0; i < im->n; i++)
		free(im->r[i].p);
	free(im->r);
	memset(im, 0, sizeof(*im));
}

static unsigned char *fz_dup(const void *p, size_t len, size_t cap)
{
	unsigned char *q = calloc(1, cap > len ? cap : len ?: 8);

	if (!q)
		abort();
	memcpy(q, p, len);
	return q;
}

static void img_insert(struct fz_img *im, int at, const void *rec, uint32_t len)
{
	const struct ckpt_hdr *h = rec;

	if (im->n == im->cap) {
		im->cap = im->cap ? 2 * im->cap : 64;
		im->r = realloc(im->r, im->cap * sizeof(*im->r));
		if (!im->r)
			abort();
	}
	memmove(&im->r[at + 1], &im->r[at], (im->n - at) * sizeof(*im->r));
	im->r[at].type = h->type;
	im->r[at].len = len;
	im->r[at].p = fz_dup(rec, len, len);
	im->n++;
}

static void img_remove(struct fz_img *im, int at)
{
	free(im->r[at].p);
	memmove(&im->r[at], &im->r[at + 1], (im->n - at - 1) * sizeof(*im->r));
	im->n--;
}

static int img_add_cb(const struct ckpt_hdr *h, size_t off, void *arg)
{
	struct fz_img *im = arg;

	img_insert(im, im->n, h, h->len);
	return 0;
}

static int img_parse(const struct ckpt_image *raw, struct fz_img *im,
		     char *err, size_t errlen)
{
	memset(im, 0, sizeof(*im));
	return ckpt_image_walk(raw, img_add_cb, im, err, errlen);
}

static void img_copy(struct fz_img *dst, const struct fz_img *src)
{
	int i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->n; i++)
		img_insert(dst, dst->n, src->r[i].p, src->r[i].len);
}

/* Resize record @i to @len bytes (new bytes zero); the header follows. */
static void rec_resize(struct fz_img *im, int i, uint32_t len)
{
	struct fz_rec *r = &im->r[i];
	unsigned char *p = fz_dup(r->p, r->len < len ? r->len : len, len);

	free(r->p);
	r->p = p;
	r->len = len;
	((struct ckpt_hdr *)p)->len = len;
}

static int img_find(const struct fz_img *im, uint32_t type, int nth)
{
	int i;

	for (i = 0; i < im->n; i++)
		if (im->r[i].type == type && nth-- == 0)
			return i;
	return -1;
}

static int img_count(const struct fz_img *im, uint32_t type)
{
	int i, n = 0;

	for (i = 0; i < im->n; i++)
		n += im->r[i].type == type;
	return n;
}

#define REC(im, i, T)	((T *)(im)->r[i].p)

/*
 * The record of an unnamed file, saved with its contents: a memfd's
 * MEMFD, a deleted file's DELETED; each with an objref and a size
 */
static bool unn_rec(uint32_t type)
{
	return type == CKPT_HDR_MEMFD || type == CKPT_HDR_DELETED;
}

/* The objref of MEMFD or DELETED record @j */
static uint32_t unn_ref(const struct fz_img *im, int j)
{
	return im->r[j].type == CKPT_HDR_MEMFD ?
	       REC(im, j, struct ckpt_hdr_memfd)->objref :
	       REC(im, j, struct ckpt_hdr_deleted)->objref;
}

/* The size of MEMFD or DELETED record @j */
static uint64_t unn_size(const struct fz_img *im, int j)
{
	return im->r[j].type == CKPT_HDR_MEMFD ?
	       REC(im, j, struct ckpt_hdr_memfd)->size :
	       REC(im, j, struct ckpt_hdr_deleted)->size;
}

/* The record of the file a vma of @type maps (MEMFD, DELETED), or 0 */
static uint32_t unn_of_vma(uint32_t type)
{
	return type == CKPT_VMA_MEMFD ? CKPT_HDR_MEMFD :
	       type == CKPT_VMA_DELETED ? CKPT_HDR_DELETED : 0;
}

/*
 * The record that owns PAGES record @i: the VMA whose pages they are, or
 * the MEMFD or DELETED whose contents they are (its offsets); -1 if none
 * does (a PAGES after the empty one that ended its group).
 */
static int pages_owner(const struct fz_img *im, int i)
{
	for (i--; i >= 0 && im->r[i].type == CKPT_HDR_PAGES; i--)
		if (!REC(im, i, struct ckpt_hdr_pages)->nr_pages)
			return -1;
	return i >= 0 && (im->r[i].type == CKPT_HDR_VMA ||
			  unn_rec(im->r[i].type)) ? i : -1;
}

/* Is PAGES record @i of a memfd or deleted file (offsets, not addresses)? */
static bool unn_pages(const struct fz_img *im, int i)
{
	int o = pages_owner(im, i);

	return o >= 0 && unn_rec(im->r[o].type);
}

/*
 * Index one past the group that starts at VMA (or MEMFD, DELETED) record
 * @v: the record and its PAGES, to the empty one
 */
static int group_end(const struct fz_img *im, int v)
{
	int i;

	for (i = v + 1; i < im->n; i++) {
		if (im->r[i].type != CKPT_HDR_PAGES)
			return i;
		if (REC(im, i, struct ckpt_hdr_pages)->nr_pages == 0)
			return i + 1;
	}
	return i;
}

static bool group_has_pages(const struct fz_img *im, int v)
{
	int i, end = group_end(im, v);

	for (i = v + 1; i < end; i++)
		if (REC(im, i, struct ckpt_hdr_pages)->nr_pages)
			return true;
	return false;
}

/*
 * The length of PAGES record @p as its counts say: the nr_pages
 * addresses, then the contents of those not marked CKPT_PAGE_PARENT
 * (nr_parent of them are, the parent's pages); 0 (no length) for an
 * nr_parent above nr_pages
 */
static uint64_t pages_len(const struct ckpt_hdr_pages *p)
{
	if (p->nr_parent > p->nr_pages)
		return 0;
	return sizeof(*p) + (uint64_t)p->nr_pages * 8 +
	       (uint64_t)(p->nr_pages - p->nr_parent) * FZ_PAGE;
}

/* The addresses of PAGES record @p (of pages_len()) marked CKPT_PAGE_PARENT */
static uint32_t pages_marked(const struct ckpt_hdr_pages *p)
{
	const uint64_t *addr = (const uint64_t *)(p + 1);
	uint32_t k, n = 0;

	for (k = 0; k < p->nr_pages; k++)
		n += addr[k] & CKPT_PAGE_PARENT;
	return n;
}

/*
 * The contents of address @k of PAGES record @p (of pages_len()): after
 * those of the addresses before it not marked; NULL for a parent's page
 */
static unsigned char *pages_body(struct ckpt_hdr_pages *p, uint32_t k)
{
	uint64_t *addr = (uint64_t *)(p + 1);
	uint32_t j, n = 0;

	if (addr[k] & CKPT_PAGE_PARENT)
		return NULL;
	for (j = 0; j < k; j++)
		n += !(addr[j] & CKPT_PAGE_PARENT);
	return (unsigned char *)(addr + p->nr_pages) + (uint64_t)n * FZ_PAGE;
}

/* Neighbours' bounds of VMA record @v: end of the previous, start of the next */
static void vma_neighbours(const struct fz_img *im, int v, uint64_t *prev_end,
			   uint64_t *next_start)
{
	int i;

	*prev_end = 0;
	*next_start = ~0ULL;
	for (i = v - 1; i >= 0; i--)
		if (im->r[i].type == CKPT_HDR_VMA) {
			*prev_end = REC(im, i, struct ckpt_hdr_vma)->end;
			break;
		}
	for (i = v + 1; i < im->n; i++)
		if (im->r[i].type == CKPT_HDR_VMA) {
			*next_start = REC(im, i, struct ckpt_hdr_vma)->start;
			break;
		}
}

/* The MM record of VMA record @v: the last one before it, or -1 */
static int vma_mm(const struct fz_img *im, int v)
{
	int i;

	for (i = v - 1; i >= 0; i--) {
		if (im->r[i].type == CKPT_HDR_MM)
			return i;
		if (im->r[i].type == CKPT_HDR_TASK)
			break;
	}
	return -1;
}

/*
 * A VMA record of the mm of MM record @mm, other than @v, whose file is
 * the executable (CKPT_VMA_F_EXE); or -1. The mm's records run to the
 * next task's.
 */
static int mm_exe_vma(const struct fz_img *im, int mm, int v)
{
	int i;

	for (i = mm + 1; i < im->n; i++) {
		if (im->r[i].type == CKPT_HDR_TASK || im->r[i].type == CKPT_HDR_MM)
			break;
		if (i != v && im->r[i].type == CKPT_HDR_VMA &&
		    REC(im, i, struct ckpt_hdr_vma)->flags & CKPT_VMA_F_EXE)
			return i;
	}
	return -1;
}

/* Serialize, optionally with a fixed checksum */
static unsigned char *img_build(const struct fz_img *im, size_t extra,
				size_t *plen)
{
	size_t len = 0, off = 0;
	unsigned char *buf;
	int i;

	for (i = 0; i < im->n; i++)
		len += im->r[i].len;
	buf = malloc(len + extra + 8);
	if (!buf)
		abort();
	for (i = 0; i < im->n; i++) {
		memcpy(buf + off, im->r[i].p, im->r[i].len);
		off += im->r[i].len;
	}
	*plen = len;
	return buf;
}

/* ---- a campaign -------------------------------------------------------- */

enum fz_class { FZ_VALID, FZ_MAY, FZ_REFUSE, FZ_ACCEPT, FZ_NCLASS };
static const char *const fz_class_name[FZ_NCLASS] = {
	"VALID", "MAY", "REFUSE", "ACCEPT",
};

struct fz_campaign {
	const char *name;
	int uid;			/* 0 or CK_UNPRIV_UID */
	uint64_t seed;
	long iters, only, budget_ms;
	bool verbose;
	struct fz_img base[FZ_SHAPES];
	bool usable[FZ_SHAPES];
	int nshapes;
	char mutant[192], log[192];
	/* what the rules compare with: the restarter's */
	uint64_t bset;
	struct rlimit rlim[RLIM_NLIMITS];
	unsigned long nr_open;
	uint64_t task_size;
	uint64_t xcr0;
	/* CPUs below nr_cpu_ids exist; the restarter may run on cpus[] */
	uint32_t nr_cpu_ids;
	__u64 cpus[CKPT_CPU_WORDS];
	uint32_t fpu_max;
	size_t image_bytes;
	/* paths for path mutations */
	char p_alt[192], p_dir[192], p_secret[192], p_secretdir[192];
	char p_rootfile[192], p_missing[192], p_fifo[192];
	char hold[192];			/* the mutant's FIFO kept open */
	/* the stop the mutant's TASK record puts back (0: none), its code */
	uint32_t stop_sig, stop_code;
	/* restart()'s flags for the mutant, but RESTART_TASKSELF */
	unsigned long rflags;
	/*
	 * The identity of each file the images reopen by path: its path, and
	 * the device, number and generation of its INODE record
	 */
	struct fz_ident {
		char *path;
		uint64_t dev, ino;
		uint32_t generation;
		bool sock;		/* a socket inode, a unix socket's */
	} ids[FZ_MAX_IDS];
	int nids;
	/* can an epoll item watch a regular file, a directory, here? */
	bool reg_pollable, dir_pollable;
	uint32_t in_max_queued;		/* fs.inotify.max_queued_events */
	uint32_t somaxconn;		/* net.core.somaxconn */
	/* net.core.wmem_default and wmem_max: what SO_SNDBUF sets */
	uint32_t wmem_default, wmem_max;
	/*
	 * where nothing is, in a directory that is: a unix socket bound
	 * there gets a new socket inode, which a failed restart unlinks
	 */
	char p_uxnew[192];
	/* results */
	long n_class[FZ_NCLASS], n_refused[FZ_NCLASS], n_killed[FZ_NCLASS];
	long n_resumed[FZ_NCLASS], n_ran[FZ_NCLASS];
	long n_userloop, n_silent, n_slow, errnos[134];
	char silent[4][200], slow[4][200];
	int failures;
};

struct fz_mut {
	struct fz_campaign *c;
	struct fz_rng rng;
	struct fz_img im;
	int shape;
	int nmut;
	bool any_refuse, local_refuse, any_may, any_accept;
	bool no_csum;			/* leave the checksum as it is */
	bool accept;			/* RESTART_ACCEPT_REPLACED */
	size_t truncate;		/* keep only this many bytes (0: all) */
	size_t append;			/* random bytes after the trailer */
	char hold[192];			/* a FIFO the restarter keeps open */
	char desc[512];
};

static __attribute__((format(printf, 4, 5)))
void note(struct fz_mut *m, enum fz_class cls, bool local, const char *fmt, ...)
{
	size_t n = strlen(m->desc);
	va_list ap;

	if (n && n < sizeof(m->desc) - 3) {
		memcpy(m->desc + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(m->desc + n, sizeof(m->desc) - n, fmt, ap);
	va_end(ap);
	n = strlen(m->desc);
	snprintf(m->desc + n, sizeof(m->desc) - n, " [%s]", fz_class_name[cls]);
	m->nmut++;
	if (cls == FZ_REFUSE) {
		m->any_refuse = true;
		m->local_refuse |= local;
	}
	if (cls == FZ_MAY)
		m->any_may = true;
	if (cls == FZ_ACCEPT)
		m->any_accept = true;
}

/*
 * One mutation: its own class. Several, on different records: REFUSE only
 * if one of them breaks a rule of its record alone (another mutation could
 * have made a cross-record one good again), else MAY if one of them is
 * REFUSE or MAY; else ACCEPT if one of them is (each is taken, so all
 * are), else VALID.
 */
static enum fz_class mut_class(const struct fz_mut *m)
{
	enum fz_class taken = m->any_accept ? FZ_ACCEPT : FZ_VALID;

	if (m->nmut <= 1)
		return m->any_refuse ? FZ_REFUSE : m->any_may ? FZ_MAY : taken;
	if (m->local_refuse)
		return FZ_REFUSE;
	return m->any_refuse || m->any_may ? FZ_MAY : taken;
}

/* ---- values ------------------------------------------------------------ */

/* An address no user mapping or register may hold (above TASK_SIZE) */
static uint64_t bad_uaddr(struct fz_mut *m)
{
	uint64_t ts = m->c->task_size;
	const uint64_t v[] = {
		ts + FZ_PAGE, ts + 8, 1ULL << 47 | 1ULL << 46, 1ULL << 63,
		0xffff800000000000ULL, 0xffff888000000000ULL,
		0xffffc90000000000ULL, 0xffffffff81000000ULL,
		0xffffffffff600000ULL, 0xfffffffffffff000ULL, ~0ULL,
		1ULL << 56,
	};
	uint64_t x;

	do
		x = PICK(&m->rng, v);
	while (x <= ts);
	return x;
}

static uint64_t user_addr(struct fz_mut *m, uint64_t cur)
{
	const uint64_t v[] = {
		0, FZ_PAGE, 0x400000, 0x10000000, m->c->task_size - FZ_PAGE,
		cur + FZ_PAGE, cur - FZ_PAGE, cur + 8,
	};
	uint64_t x = PICK(&m->rng, v);

	return x < m->c->task_size ? x : 0;
}

static uint64_t any_u64(struct fz_mut *m, uint64_t cur)
{
	switch (below(&m->rng, 6)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return cur + 1;
	case 3:
		return cur ^ (1ULL << below(&m->rng, 64));
	case 4:
		return below(&m->rng, 0x10000);
	default:
		return rnd(&m->rng);
	}
}

static uint32_t any_u32(struct fz_mut *m, uint32_t cur)
{
	return (uint32_t)any_u64(m, cur);
}

/* A value other than @cur (a u32 field) */
static uint32_t other_u32(struct fz_mut *m, uint32_t cur)
{
	uint32_t x;

	do
		x = any_u32(m, cur);
	while (x == cur);
	return x;
}

static uint64_t other_u64(struct fz_mut *m, uint64_t cur)
{
	uint64_t x;

	do
		x = any_u64(m, cur);
	while (x == cur);
	return x;
}

/* Set a reserved (must be zero) field to something else */
#define RESERVED(m, ptr, name) do {					\
	(ptr) = other_u32((m), 0) ?: 1;					\
	note((m), FZ_REFUSE, true, "%s=%#llx", (name),			\
	     (unsigned long long)(ptr));				\
} while (0)

/* ---- paths ------------------------------------------------------------- */

enum fz_path_kind { P_FILE, P_DIR, P_MISSING, P_RELATIVE, P_EMPTY, P_DEV,
		    P_SECRET, P_SECRETDIR, P_ROOTFILE, P_NR };

static const char *path_of(struct fz_campaign *c, enum fz_path_kind k)
{
	switch (k) {
	case P_FILE:		return c->p_alt;
	case P_DIR:		return c->p_dir;
	case P_MISSING:		return c->p_missing;
	case P_RELATIVE:	return "relative/name";
	case P_EMPTY:		return "";
	case P_DEV:		return "/dev/null";
	case P_SECRET:		return c->p_secret;
	case P_SECRETDIR:	return c->p_secretdir;
	case P_ROOTFILE:	return c->p_rootfile;
	default:		return "/";
	}
}

/*
 * Replace the string at @off of record @i (*@len_field bytes, with its
 * NUL) by @s, resizing the record and updating *@len_field. @tail bytes
 * after the old string (another string) move along; padding is redone.
 */
static void set_string(struct fz_img *im, int i, size_t off, uint32_t *len_field,
		       size_t tail, const char *s)
{
	struct fz_rec *r = &im->r[i];
	size_t old = *len_field, new = strlen(s) + 1, field_off;
	unsigned char *p;

	field_off = (unsigned char *)len_field - r->p;
	if (off > r->len)
		off = r->len;
	if (old > r->len - off)
		old = r->len - off;
	if (tail > r->len - off - old)
		tail = r->len - off - old;
	p = calloc(1, ALIGN8(off + new + tail) + 8);
	if (!p)
		abort();
	memcpy(p, r->p, off);
	memcpy(p + off, s, new);
	memcpy(p + off + new, r->p + off + old, tail);
	free(r->p);
	r->p = p;
	/* strip the old padding: the new length is the used bytes, aligned */
	r->len = ALIGN8(off + new + tail);
	((struct ckpt_hdr *)p)->len = r->len;
	*(uint32_t *)(p + field_off) = new;
}

/* ---- the rules restart enforces, as documented ------------------------- */

#define CAP_VALID	((1ULL << (CAP_LAST_CAP + 1)) - 1)
#define SECBITS_VALID	0xffU

/* ckpt_hdr_creds against the restarter's credentials */
static enum fz_class creds_rule(struct fz_mut *m, int i, const char **why)
{
	const struct ckpt_hdr_creds *h = REC(&m->im, i, struct ckpt_hdr_creds);
	const uint32_t *ids = &h->uid, *groups = (const uint32_t *)(h + 1);
	struct fz_campaign *c = m->c;
	uint32_t k;

	*why = "";
	if (h->ngroups > CKPT_MAX_GROUPS ||
	    m->im.r[i].len != ALIGN8(sizeof(*h) + (uint64_t)h->ngroups * 4))
		return *why = "ngroups/len", FZ_REFUSE;
	if (h->securebits & ~SECBITS_VALID)
		return *why = "securebits", FZ_REFUSE;
	if ((h->cap_inheritable | h->cap_permitted | h->cap_effective |
	     h->cap_bset | h->cap_ambient) & ~CAP_VALID)
		return *why = "cap bits", FZ_REFUSE;
	for (k = 0; k < 8; k++)
		if (ids[k] == 0xffffffff)
			return *why = "unmapped id", FZ_REFUSE;
	for (k = 0; k < h->ngroups; k++)
		if (groups[k] == 0xffffffff)
			return *why = "unmapped group", FZ_REFUSE;
	if (c->uid) {
		for (k = 0; k < 8; k++)
			if (ids[k] != (uint32_t)c->uid)
				return *why = "id", FZ_REFUSE;
		if (h->ngroups)
			return *why = "groups", FZ_REFUSE;
		if (h->cap_permitted || h->cap_inheritable)
			return *why = "caps", FZ_REFUSE;
		if (h->securebits)
			return *why = "securebits", FZ_REFUSE;
	}
	if (h->cap_effective & ~h->cap_permitted)
		return *why = "effective beyond permitted", FZ_REFUSE;
	if (h->cap_bset & ~c->bset)
		return *why = "bset", FZ_REFUSE;
	if (h->cap_ambient & ~(h->cap_permitted & h->cap_inheritable))
		return *why = "ambient", FZ_REFUSE;
	return FZ_MAY;
}

static uint64_t rlim_of(uint64_t v)
{
	return v == ~0ULL ? RLIM_INFINITY : v;
}

static uint32_t max_fd(const struct fz_img *im)
{
	int i = img_find(im, CKPT_HDR_FDTABLE, 0);
	const struct ckpt_hdr_fdtable *h;
	const struct ckpt_fd *e;

	if (i < 0)
		return 0;
	h = REC(im, i, struct ckpt_hdr_fdtable);
	e = (const struct ckpt_fd *)(h + 1);
	if (!h->nr_fds || im->r[i].len < sizeof(*h) + h->nr_fds * sizeof(*e))
		return 0;
	return e[h->nr_fds - 1].fd;
}

static enum fz_class rlimits_rule(struct fz_mut *m, int i, bool *local)
{
	const struct ckpt_hdr_rlimits *h = REC(&m->im, i, struct ckpt_hdr_rlimits);
	struct fz_campaign *c = m->c;
	uint64_t nofile;
	int k;

	*local = true;
	if (h->nr_limits != RLIM_NLIMITS || h->__reserved)
		return FZ_REFUSE;
	/* setitimer()'s rules: nothing negative, no period without a value */
	for (k = 0; k < CKPT_NITIMERS; k++)
		if (h->itimer[k].value < 0 || h->itimer[k].interval < 0 ||
		    (!h->itimer[k].value && h->itimer[k].interval))
			return FZ_REFUSE;
	for (k = 0; k < RLIM_NLIMITS; k++) {
		uint64_t cur = rlim_of(h->rlim[k].rlim_cur);
		uint64_t max = rlim_of(h->rlim[k].rlim_max);

		if (cur > max)
			return FZ_REFUSE;
		if (k == RLIMIT_NOFILE && max > c->nr_open)
			return FZ_REFUSE;
		if (c->uid && max > c->rlim[k].rlim_max)
			return FZ_REFUSE;
	}
	nofile = rlim_of(h->rlim[RLIMIT_NOFILE].rlim_cur);
	if (nofile > c->nr_open)
		nofile = c->nr_open;
	*local = false;
	if (max_fd(&m->im) >= nofile)
		return FZ_REFUSE;
	return FZ_MAY;
}

static bool altstack_ok(const struct ckpt_hdr_signal *h, uint64_t ts)
{
	uint32_t mode = h->sas_ss_flags & ~(1U << 31);

	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return false;
	if (mode == SS_DISABLE || h->sas_ss_size == 0)
		return h->sas_ss_sp == 0 && h->sas_ss_size == 0;
	return h->sas_ss_size >= 2048 && h->sas_ss_size <= ts &&
	       h->sas_ss_sp <= ts - h->sas_ss_size;
}

static bool mm_ok(const struct ckpt_hdr_mm *h, uint64_t ts, uint32_t auxv_max)
{
	const __u64 *a = &h->start_code;
	int k;

	for (k = 0; k < 11; k++)
		if (a[k] > ts)
			return false;
	return h->vdso <= ts && h->start_code <= h->end_code &&
	       h->start_data <= h->end_data && h->start_brk <= h->brk &&
	       h->arg_start <= h->arg_end && h->env_start <= h->env_end &&
	       h->nr_vmas <= CKPT_MAX_VMAS && h->nr_auxv <= auxv_max &&
	       !(h->nr_auxv % 2) && !(h->flags & ~CKPT_MM_F_MASK) &&
	       (!(h->flags & CKPT_MM_F_LOCK_ONFAULT) ||
		h->flags & CKPT_MM_F_LOCK_FUTURE) &&
	       (!(h->flags & CKPT_MM_F_MDWE_NO_INHERIT) ||
		h->flags & CKPT_MM_F_MDWE) &&
	       /*
		* a copy of the parent's mm: refused in RESTART_TASKSELF,
		* which every mutant restarts with (and in the image's first
		* task, the only one a self checkpoint has)
		*/
	       !(h->flags & CKPT_MM_F_FORKED);
}

#define FZ_MAX_OBJS	(CKPT_MAX_FDS + 1024)	/* the kernel's CKPT_MAX_OBJS */

/*
 * The shm_objref of SHARED_ANON vma @v names no FILE, PIPE, MEMFD,
 * DELETED or INODE (nor a MEMFD or DELETED vma's), and every other vma of
 * that object gives it the same size.
 */
static bool shm_ref_ok(const struct fz_img *im, int v)
{
	const struct ckpt_hdr_vma *h = REC(im, v, struct ckpt_hdr_vma), *o;
	int j;

	for (j = 0; j < im->n; j++) {
		if ((im->r[j].type == CKPT_HDR_FILE &&
		     REC(im, j, struct ckpt_hdr_file)->objref == h->shm_objref) ||
		    (im->r[j].type == CKPT_HDR_PIPE &&
		     REC(im, j, struct ckpt_hdr_pipe)->objref == h->shm_objref) ||
		    (im->r[j].type == CKPT_HDR_INODE &&
		     REC(im, j, struct ckpt_hdr_inode)->objref == h->shm_objref) ||
		    (unn_rec(im->r[j].type) && unn_ref(im, j) == h->shm_objref))
			return false;
		if (j == v || im->r[j].type != CKPT_HDR_VMA)
			continue;
		o = REC(im, j, struct ckpt_hdr_vma);
		if (o->shm_objref != h->shm_objref)
			continue;
		if (unn_of_vma(o->type) ||
		    (o->type == CKPT_VMA_SHARED_ANON && o->shm_size != h->shm_size))
			return false;
	}
	return true;
}

/*
 * ---- unnamed files: memfds (MEMFD, its PAGES, FILE_MEMFD, MEMFD vmas)
 * and deleted files (DELETED, its PAGES, FILE_DELETED, DELETED vmas) ----
 */

/* the seals restart applies: F_SEAL_SEAL, SHRINK, GROW, WRITE, FUTURE_WRITE, EXEC */
#define FZ_SEALS	0x3fU
#define FZ_MAX_LFS	0x7fffffffffffffffULL	/* MAX_LFS_FILESIZE */

/* The record of @type (MEMFD, DELETED) of objref @ref before record @i, or -1 */
static int unn_of(const struct fz_img *im, uint32_t type, uint32_t ref, int i)
{
	int j;

	for (j = 0; j < i && j < im->n; j++)
		if (im->r[j].type == type && unn_ref(im, j) == ref)
			return j;
	return -1;
}

/*
 * @ref is the objref of a record of @type (MEMFD, DELETED) before record
 * @i: a memfd or deleted file restored
 */
static bool unn_before(const struct fz_img *im, uint32_t type, uint32_t ref,
		       int i)
{
	return unn_of(im, type, ref, i) >= 0;
}

/*
 * The sock objref of FILE_UNIX record @j, by which other sockets name a
 * datagram socket, an objref of the one space; as restart reads the
 * record: 0 in an older one, which ends before it
 */
static uint32_t ux_sock_ref(const struct fz_img *im, int j)
{
	return im->r[j].len >= offsetof(struct ckpt_hdr_file_unix, sock_objref) +
			       sizeof(uint32_t) ?
	       REC(im, j, struct ckpt_hdr_file_unix)->sock_objref : 0;
}

/*
 * Is @ref, the objref of record @i (a MEMFD, a DELETED, an INODE, a
 * FILE_UNIX's sock objref), another object's too: a FILE, a PIPE, a
 * UNIX_PAIR, another MEMFD or DELETED, an INODE, a SHARED_ANON vma's
 * memory, another FILE_UNIX's sock objref? (One objref space: restart
 * refuses the second.)
 */
static bool unn_ref_taken(const struct fz_img *im, uint32_t ref, int i)
{
	uint32_t t;
	int j;

	for (j = 0; j < im->n; j++) {
		if (j == i)
			continue;
		t = im->r[j].type;
		if ((t == CKPT_HDR_FILE && REC(im, j, struct ckpt_hdr_file)->objref == ref) ||
		    (t == CKPT_HDR_PIPE && REC(im, j, struct ckpt_hdr_pipe)->objref == ref) ||
		    (t == CKPT_HDR_UNIX_PAIR &&
		     REC(im, j, struct ckpt_hdr_unix_pair)->objref == ref) ||
		    (unn_rec(t) && unn_ref(im, j) == ref) ||
		    (t == CKPT_HDR_INODE &&
		     REC(im, j, struct ckpt_hdr_inode)->objref == ref) ||
		    (t == CKPT_HDR_VMA &&
		     REC(im, j, struct ckpt_hdr_vma)->type == CKPT_VMA_SHARED_ANON &&
		     REC(im, j, struct ckpt_hdr_vma)->shm_objref == ref) ||
		    (t == CKPT_HDR_FILE_UNIX && ux_sock_ref(im, j) == ref))
			return true;
	}
	return false;
}

/*
 * Every FILE_MEMFD and MEMFD vma names a memfd restored before it (a
 * MEMFD record earlier in the image), every FILE_DELETED and DELETED vma
 * a deleted file (a DELETED record)
 */
static bool unn_refs_ok(const struct fz_img *im)
{
	const struct ckpt_hdr_vma *v;
	int j;

	for (j = 0; j < im->n; j++) {
		if (im->r[j].type == CKPT_HDR_FILE_MEMFD &&
		    !unn_before(im, CKPT_HDR_MEMFD,
				REC(im, j, struct ckpt_hdr_file_memfd)->memfd_objref, j))
			return false;
		if (im->r[j].type == CKPT_HDR_FILE_DELETED &&
		    !unn_before(im, CKPT_HDR_DELETED,
				REC(im, j, struct ckpt_hdr_file_deleted)->deleted_objref, j))
			return false;
		v = REC(im, j, struct ckpt_hdr_vma);
		if (im->r[j].type == CKPT_HDR_VMA && unn_of_vma(v->type) &&
		    !unn_before(im, unn_of_vma(v->type), v->shm_objref, j))
			return false;
	}
	return true;
}

/* The end of the pages of a MEMFD or DELETED of @size: rounded up to a page */
static uint64_t unn_pages_end(uint64_t size)
{
	return size > FZ_MAX_LFS ? 0 : (size + FZ_PAGE - 1) & ~(FZ_PAGE - 1);
}

/*
 * ---- inodes: the identity of a file reopened by path (INODE) ----------
 *
 * Restart compares a regular file, a directory or a mapped file it opens
 * by path with the INODE record its FILE or VMA names (device, number,
 * generation), read before it, and refuses another file (ESTALE) unless
 * the restarter passes RESTART_ACCEPT_REPLACED (fz_mut.accept). What is
 * at each path the shapes' images name is what their INODE records say
 * (fz_campaign.ids); a path not among them is another file (there are no
 * hard links here). An INODE record is an object: restart reads it
 * wherever it reads the objects before a record.
 */

static bool late_record(uint32_t type);
static int file_part(const struct fz_img *im, int f, uint32_t type);
static bool ux_file_inode_ok(const struct fz_mut *m, int j);

/* Is a file of @ftype reopened by path, its FILE naming an INODE? */
static bool by_path(uint32_t ftype)
{
	return ftype == CKPT_FILE_REG || ftype == CKPT_FILE_DIR;
}

/* The INODE record of objref @ref among records 0..@before - 1, or -1 */
static int inode_of(const struct fz_img *im, uint32_t ref, int before)
{
	int j;

	for (j = 0; j < before && j < im->n; j++)
		if (im->r[j].type == CKPT_HDR_INODE &&
		    im->r[j].len >= sizeof(struct ckpt_hdr_inode) &&
		    REC(im, j, struct ckpt_hdr_inode)->objref == ref)
			return j;
	return -1;
}

/* INODE record @j alone, as restart reads it: a tail of zeroes, its dev */
static bool inode_rec_ok(const struct fz_img *im, int j)
{
	const struct ckpt_hdr_inode *h = REC(im, j, struct ckpt_hdr_inode);
	uint32_t k;

	if (im->r[j].len < sizeof(*h) || im->r[j].len > CKPT_REC_EXT_MAX)
		return false;
	for (k = sizeof(*h); k < im->r[j].len; k++)
		if (im->r[j].p[k])
			return false;
	return h->objref && h->objref <= FZ_MAX_OBJS && h->dev <= 0xffffffffULL;
}

/*
 * Do the records at @j, past the object records there (and a MEMFD's or
 * DELETED's PAGES), go on with one that restart reads with the objects
 * before it - a FILE, the FDTABLE or a late record among a process's
 * files; a FILE_PIPE, FILE_UNIX, UNIX_EMBRYO, FILE_MEMFD or FILE_DELETED
 * among a FILE's; a VMA? An object record right before @j is then read
 * on the way; anywhere else it stands where another record is due.
 */
static bool obj_pos_ok(const struct fz_img *im, int j)
{
	for (;;) {
		if (j >= im->n)
			return false;
		switch (im->r[j].type) {
		case CKPT_HDR_PIPE:
		case CKPT_HDR_UNIX_PAIR:
		case CKPT_HDR_INODE:
			j++;
			continue;
		case CKPT_HDR_MEMFD:
		case CKPT_HDR_DELETED:
			j = group_end(im, j);
			continue;
		case CKPT_HDR_FILE:
		case CKPT_HDR_FDTABLE:
		case CKPT_HDR_FILE_PIPE:
		case CKPT_HDR_FILE_UNIX:
		case CKPT_HDR_UNIX_EMBRYO:
		case CKPT_HDR_FILE_MEMFD:
		case CKPT_HDR_FILE_DELETED:
		case CKPT_HDR_VMA:
			return true;
		default:
			return late_record(im->r[j].type);
		}
	}
}

/* The path of FILE record @f (its STRING, well-formed), or NULL */
static const char *file_path_of(const struct fz_img *im, int f)
{
	int s = file_part(im, f, CKPT_HDR_STRING);
	const struct ckpt_hdr_string *h;
	const char *p;

	if (s < 0)
		return NULL;
	h = REC(im, s, struct ckpt_hdr_string);
	p = (const char *)(h + 1);
	if (!h->len || h->len > im->r[s].len - sizeof(*h) ||
	    strnlen(p, h->len) != h->len - 1)
		return NULL;
	return p;
}

/* The path of file VMA record @v (well-formed), or NULL */
static const char *vma_path_of(const struct fz_img *im, int v)
{
	const struct ckpt_hdr_vma *h = REC(im, v, struct ckpt_hdr_vma);
	const char *p = (const char *)(h + 1);

	if (!h->path_len || h->path_len > im->r[v].len - sizeof(*h) ||
	    strnlen(p, h->path_len) != h->path_len - 1)
		return NULL;
	return p;
}

/* Is the file at @path the one INODE record @h says? */
static bool ident_same(const struct fz_campaign *c,
		       const struct ckpt_hdr_inode *h, const char *path)
{
	int k;

	for (k = 0; k < c->nids; k++)
		if (!strcmp(c->ids[k].path, path))
			return c->ids[k].dev == h->dev && c->ids[k].ino == h->ino &&
			       c->ids[k].generation == h->generation;
	return false;
}

/*
 * Does record @i (a FILE or a file VMA) name, in @ref, an INODE read
 * before it, of the file at @path - or is any taken (m->accept)?
 */
static bool inode_ref_ok(const struct fz_mut *m, uint32_t ref, int i,
			 const char *path)
{
	int j = inode_of(&m->im, ref, i);

	if (j < 0 || !path)
		return false;
	return m->accept ||
	       ident_same(m->c, REC(&m->im, j, struct ckpt_hdr_inode), path);
}

/*
 * The INODE records of the mutant and what names them, by restart's
 * rules: every INODE readable, its objref no other object's, where
 * restart reads objects; every FILE of a regular file or a directory and
 * every file VMA that names one (not 0) naming an INODE read before it,
 * of the file at its path unless m->accept; no FILE of another type
 * naming one; every FILE_UNIX of a socket bound to a path naming the
 * INODE of the socket inode there (ux_file_inode_ok()), the others none.
 * True when restart takes all of that.
 */
static bool inode_image_ok(const struct fz_mut *m)
{
	const struct fz_img *im = &m->im;
	const struct ckpt_hdr_file *f;
	const struct ckpt_hdr_vma *v;
	int i;

	for (i = 0; i < im->n; i++) {
		switch (im->r[i].type) {
		case CKPT_HDR_INODE:
			if (!inode_rec_ok(im, i) ||
			    unn_ref_taken(im, REC(im, i, struct ckpt_hdr_inode)->objref, i) ||
			    !obj_pos_ok(im, i + 1))
				return false;
			break;
		case CKPT_HDR_FILE:
			f = REC(im, i, struct ckpt_hdr_file);
			if (!f->inode_objref)
				break;
			if (!by_path(f->type) ||
			    !inode_ref_ok(m, f->inode_objref, i, file_path_of(im, i)))
				return false;
			break;
		case CKPT_HDR_VMA:
			v = REC(im, i, struct ckpt_hdr_vma);
			if (v->type == CKPT_VMA_FILE && v->shm_objref &&
			    !inode_ref_ok(m, v->shm_objref, i, vma_path_of(im, i)))
				return false;
			break;
		case CKPT_HDR_FILE_UNIX:
			if (!ux_file_inode_ok(m, i))
				return false;
			break;
		}
	}
	return true;
}

/*
 * Another objref for what names an INODE (record @i): none, another
 * INODE's (before or after @i), another object's, nothing's
 */
static uint32_t inode_other_ref(struct fz_mut *m, int i, uint32_t old)
{
	const struct fz_img *im = &m->im;
	int j, n;

	switch (below(&m->rng, 5)) {
	case 0:
		return 0;
	case 1:
	case 2:
		n = img_count(im, CKPT_HDR_INODE);
		j = img_find(im, CKPT_HDR_INODE, below(&m->rng, n));
		return j < 0 ? 0 : REC(im, j, struct ckpt_hdr_inode)->objref;
	case 3:
		/* a FILE's, a memfd's, a pipe's */
		n = img_count(im, CKPT_HDR_FILE);
		j = img_find(im, CKPT_HDR_FILE, below(&m->rng, n));
		if (chance(&m->rng, 30) && img_find(im, CKPT_HDR_MEMFD, 0) >= 0)
			return unn_ref(im, img_find(im, CKPT_HDR_MEMFD, 0));
		if (chance(&m->rng, 30) && img_find(im, CKPT_HDR_PIPE, 0) >= 0)
			return REC(im, img_find(im, CKPT_HDR_PIPE, 0),
				   struct ckpt_hdr_pipe)->objref;
		return j < 0 ? old + 1 : REC(im, j, struct ckpt_hdr_file)->objref;
	default:
		return PICK(&m->rng, ((const uint32_t[]){ old + 1, 0xffff,
			    FZ_MAX_OBJS, FZ_MAX_OBJS + 1, 0xffffffff }));
	}
}

/* VMA record @v alone: REFUSE (*local), or MAY */
static enum fz_class vma_rule(struct fz_mut *m, int v, bool *local)
{
	const struct ckpt_hdr_vma *h = REC(&m->im, v, struct ckpt_hdr_vma);
	uint64_t ts = m->c->task_size, prev_end, next_start;
	bool shared = h->flags & CKPT_VMA_F_SHARED;
	int i, end;

	*local = true;
	if (h->type == 0 || h->type >= CKPT_VMA_MAX ||
	    h->flags & ~CKPT_VMA_F_MASK || h->prot & ~7U ||
	    h->start % FZ_PAGE || h->end % FZ_PAGE || h->start >= h->end ||
	    h->end > ts ||
	    h->pgoff > (~0ULL >> 12) - ((h->end - h->start) >> 12))
		return FZ_REFUSE;
	if (h->type == CKPT_VMA_FILE) {
		const char *s = (const char *)(h + 1);

		if (!h->path_len || h->path_len > CKPT_PATH_MAX ||
		    m->im.r[v].len != ALIGN8(sizeof(*h) + h->path_len) ||
		    strnlen(s, h->path_len) != h->path_len - 1 || s[0] != '/')
			return FZ_REFUSE;
	} else if (h->path_len || m->im.r[v].len != sizeof(*h)) {
		return FZ_REFUSE;
	} else if (unn_of_vma(h->type)) {
		/* shared or private; MAYWRITE: a shared one that could write */
		if (h->flags & CKPT_VMA_F_MAYWRITE && !shared)
			return FZ_REFUSE;
	} else if (h->flags & CKPT_VMA_F_MAYWRITE ||
		   shared != (h->type == CKPT_VMA_SHARED_ANON)) {
		return FZ_REFUSE;
	}
	if ((h->type == CKPT_VMA_VDSO || h->type == CKPT_VMA_VVAR) &&
	    (h->flags || h->pgoff))
		return FZ_REFUSE;
	/* the advice madvise() takes only so */
	if ((h->flags & CKPT_VMA_F_WIPEONFORK &&
	     (h->type != CKPT_VMA_ANON || shared)) ||
	    (h->flags & CKPT_VMA_F_HUGEPAGE &&
	     h->flags & CKPT_VMA_F_NOHUGEPAGE) ||
	    (h->flags & CKPT_VMA_F_LOCKONFAULT &&
	     !(h->flags & CKPT_VMA_F_LOCKED)))
		return FZ_REFUSE;
	/* only a deleted file's vma says its file is the executable */
	if (h->flags & CKPT_VMA_F_EXE && h->type != CKPT_VMA_DELETED)
		return FZ_REFUSE;
	/*
	 * fork()'s copy of the parent's vma: only in a forked mm (and only
	 * private, anonymous or of a file), which RESTART_TASKSELF refuses
	 * (see mm_ok()): refused whatever the MM record says
	 */
	if (h->flags & CKPT_VMA_F_INHERITED)
		return FZ_REFUSE;
	/*
	 * The object of a shared anonymous vma holds it; a memfd's or a
	 * deleted file's names its file (which has the size); a mapped
	 * file's names its INODE, or nothing; nothing for others
	 */
	if (h->__reserved)
		return FZ_REFUSE;
	if (h->type == CKPT_VMA_SHARED_ANON) {
		if (!h->shm_objref || h->shm_objref > FZ_MAX_OBJS ||
		    h->shm_size % FZ_PAGE || h->shm_size > INT64_MAX ||
		    h->pgoff + ((h->end - h->start) >> 12) > h->shm_size >> 12)
			return FZ_REFUSE;
	} else if (unn_of_vma(h->type)) {
		if (!h->shm_objref || h->shm_objref > FZ_MAX_OBJS || h->shm_size)
			return FZ_REFUSE;
	} else if (h->type == CKPT_VMA_FILE) {
		/* a mapped file's shm_objref: its INODE (0: none), below */
		if (h->shm_size)
			return FZ_REFUSE;
	} else if (h->shm_objref || h->shm_size) {
		return FZ_REFUSE;
	}
	*local = false;
	/* a mapped file's INODE: read before it, of the file at its path */
	if (h->type == CKPT_VMA_FILE && h->shm_objref &&
	    !inode_ref_ok(m, h->shm_objref, v, (const char *)(h + 1)))
		return FZ_REFUSE;
	if (h->type == CKPT_VMA_SHARED_ANON && !shm_ref_ok(&m->im, v))
		return FZ_REFUSE;
	/* its file restored before it: a MEMFD or DELETED record earlier */
	if (unn_of_vma(h->type) &&
	    !unn_before(&m->im, unn_of_vma(h->type), h->shm_objref, v))
		return FZ_REFUSE;
	vma_neighbours(&m->im, v, &prev_end, &next_start);
	if (h->start < prev_end || h->end > next_start)
		return FZ_REFUSE;
	/*
	 * The executable: of an mm whose MM record names none (exe_len 0),
	 * one vma at most; taken, its file may still be refused (in use)
	 */
	if (h->flags & CKPT_VMA_F_EXE) {
		int mm = vma_mm(&m->im, v);

		if (mm < 0 || REC(&m->im, mm, struct ckpt_hdr_mm)->exe_len ||
		    mm_exe_vma(&m->im, mm, v) >= 0)
			return FZ_REFUSE;
	}
	end = group_end(&m->im, v);
	for (i = v + 1; i < end; i++) {
		const struct ckpt_hdr_pages *p = REC(&m->im, i, struct ckpt_hdr_pages);
		const uint64_t *addr = (const uint64_t *)(p + 1);
		uint32_t k;

		/* a PAGES record another mutation broke: no addresses to read */
		if (m->im.r[i].len != pages_len(p))
			return FZ_REFUSE;
		/* the parent's pages: in an inherited vma only */
		if (p->nr_parent || pages_marked(p))
			return FZ_REFUSE;
		/* a shared file's, memfd's... pages are the file's */
		if (p->nr_pages && (h->type == CKPT_VMA_VDSO ||
				    h->type == CKPT_VMA_VVAR ||
				    ((h->type == CKPT_VMA_FILE ||
				      unn_of_vma(h->type)) && shared)))
			return FZ_REFUSE;
		for (k = 0; k < p->nr_pages; k++)
			if ((addr[k] & ~(uint64_t)CKPT_PAGE_PARENT) < h->start ||
			    (addr[k] & ~(uint64_t)CKPT_PAGE_PARENT) >= h->end)
				return FZ_REFUSE;
	}
	return FZ_MAY;
}

/*
 * The page addresses of the group of PAGES record @i: inside its vma, or
 * for a memfd's or deleted file's, offsets below its size rounded up to a
 * page; page aligned, increasing (their CKPT_PAGE_PARENT mark cleared).
 * Each record as long as its counts say, none with the parent's pages:
 * those only in an inherited vma, which no mutant may have (vma_rule()).
 */
static enum fz_class pages_rule(struct fz_mut *m, int i, bool *local)
{
	int v = pages_owner(&m->im, i), end, j;
	uint64_t last = 0, lo, hi;
	bool first = true;

	*local = true;
	if (v < 0)
		return FZ_REFUSE;
	if (unn_rec(m->im.r[v].type)) {
		lo = 0;
		hi = unn_pages_end(unn_size(&m->im, v));
	} else {
		lo = REC(&m->im, v, struct ckpt_hdr_vma)->start;
		hi = REC(&m->im, v, struct ckpt_hdr_vma)->end;
	}
	for (j = v + 1, end = group_end(&m->im, v); j < end; j++) {
		const struct ckpt_hdr_pages *p = REC(&m->im, j, struct ckpt_hdr_pages);
		const uint64_t *addr = (const uint64_t *)(p + 1);
		uint32_t k;

		if (p->nr_pages > CKPT_PAGES_MAX || m->im.r[j].len != pages_len(p))
			return FZ_REFUSE;
		if (p->nr_parent || pages_marked(p))
			return *local = true, FZ_REFUSE;
		for (k = 0; k < p->nr_pages; k++) {
			uint64_t a = addr[k] & ~(uint64_t)CKPT_PAGE_PARENT;

			*local = j == i;
			if (a % FZ_PAGE)
				return *local = true, FZ_REFUSE;
			if (a < lo || a >= hi || (!first && a <= last))
				return *local = false, FZ_REFUSE;
			last = a;
			first = false;
		}
	}
	return FZ_MAY;
}

/*
 * What MEMFD or DELETED record @i must be beyond itself: REFUSE (not
 * *local), or MAY. Its objref in no other object's use; every FILE_MEMFD,
 * FILE_DELETED and vma naming a file restored before it; the pages that
 * follow it below its size.
 */
static enum fz_class unn_rule(struct fz_mut *m, int i, bool *local)
{
	bool pages_local;

	*local = false;
	if (unn_ref_taken(&m->im, unn_ref(&m->im, i), i) || !unn_refs_ok(&m->im))
		return FZ_REFUSE;
	if (i + 1 >= m->im.n || m->im.r[i + 1].type != CKPT_HDR_PAGES ||
	    pages_rule(m, i + 1, &pages_local) == FZ_REFUSE)
		return FZ_REFUSE;
	return FZ_MAY;
}

/*
 * MEMFD record @i: REFUSE (*local: for a reason of its own), or MAY. Its
 * objref not 0 and in no other object's use, seals, size, mode bits
 * restart knows, a name of 1..CKPT_MEMFD_NAME_MAX bytes NUL-terminated
 * at name_len - 1, in a record of just that; every FILE_MEMFD and MEMFD
 * vma naming a memfd restored before it; its pages below its size.
 */
static enum fz_class memfd_rule(struct fz_mut *m, int i, bool *local)
{
	const struct ckpt_hdr_memfd *h = REC(&m->im, i, struct ckpt_hdr_memfd);
	const char *name = (const char *)(h + 1);

	*local = true;
	if (!h->objref || h->objref > FZ_MAX_OBJS || h->seals & ~FZ_SEALS ||
	    h->size > FZ_MAX_LFS || h->mode & ~07777U || !h->name_len ||
	    h->name_len > CKPT_MEMFD_NAME_MAX ||
	    h->name_len > m->im.r[i].len - sizeof(*h) ||
	    m->im.r[i].len != ALIGN8(sizeof(*h) + h->name_len) ||
	    strnlen(name, h->name_len) != h->name_len - 1)
		return FZ_REFUSE;
	return unn_rule(m, i, local);
}

/*
 * Is the directory of the absolute @path (all before its last '/') one?
 * Restart makes a deleted file again there.
 */
static bool dir_of_exists(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[CKPT_PATH_MAX];
	struct stat st;

	snprintf(dir, sizeof(dir), "%.*s",
		 slash == path ? 1 : (int)(slash - path), path);
	return !stat(dir, &st) && S_ISDIR(st.st_mode);
}

/*
 * DELETED record @i: REFUSE (*local: for a reason of its own), or MAY. Its
 * objref not 0 and in no other object's use, flags, size and mode bits
 * restart knows; an absolute path with a last name (not "/", not ending
 * in "/"), NUL-terminated at path_len - 1, in a record of just that, in
 * a directory that exists; every FILE_DELETED and DELETED vma naming a
 * deleted file restored before it; its pages below its size.
 */
static enum fz_class deleted_rule(struct fz_mut *m, int i, bool *local)
{
	const struct ckpt_hdr_deleted *h = REC(&m->im, i, struct ckpt_hdr_deleted);
	const char *path = (const char *)(h + 1);

	*local = true;
	if (!h->objref || h->objref > FZ_MAX_OBJS ||
	    h->flags & ~CKPT_DELETED_F_MASK || h->size > FZ_MAX_LFS ||
	    h->mode & ~07777U || !h->path_len || h->path_len > CKPT_PATH_MAX ||
	    h->path_len > m->im.r[i].len - sizeof(*h) ||
	    m->im.r[i].len != ALIGN8(sizeof(*h) + h->path_len) ||
	    strnlen(path, h->path_len) != h->path_len - 1 ||
	    path[0] != '/' || path[h->path_len - 2] == '/' ||
	    !dir_of_exists(path))
		return FZ_REFUSE;
	return unn_rule(m, i, local);
}

/* ---- field mutations, one function per record type -------------------- */

static void mut_header(struct fz_mut *m, int i)
{
	struct ckpt_hdr_header *h = REC(&m->im, i, struct ckpt_hdr_header);

	switch (below(&m->rng, 10)) {
	case 0:
		h->magic = other_u64(m, h->magic);
		note(m, FZ_REFUSE, true, "HEADER.magic=%#llx", (unsigned long long)h->magic);
		break;
	case 1:
		h->version = other_u32(m, h->version);
		note(m, FZ_REFUSE, true, "HEADER.version=%u", h->version);
		break;
	case 2:
		if (chance(&m->rng, 50)) {
			h->arch = other_u32(m, h->arch);
			note(m, FZ_REFUSE, true, "HEADER.arch=%u", h->arch);
		} else {
			h->page_size = PICK(&m->rng, ((const uint32_t[]){ 0, 8192, 65536, 2048, 4095 }));
			note(m, FZ_REFUSE, true, "HEADER.page_size=%u", h->page_size);
		}
		break;
	case 3:
		h->csum_alg = other_u32(m, h->csum_alg);
		note(m, FZ_REFUSE, true, "HEADER.csum_alg=%u", h->csum_alg);
		break;
	case 4:
		h->flags |= 1ULL << (1 + below(&m->rng, 63));
		note(m, h->flags & ~(uint64_t)FZ_IMG_FLAGS ? FZ_REFUSE : FZ_MAY, true,
		     "HEADER.flags=%#llx", (unsigned long long)h->flags);
		break;
	case 5:
		h->nr_tasks = PICK(&m->rng, ((const uint32_t[]){ 0, 2, 1024, 0xffffffff }));
		note(m, FZ_REFUSE, true, "HEADER.nr_tasks=%u", h->nr_tasks);
		break;
	case 6:
		RESERVED(m, h->__reserved, "HEADER.__reserved");
		break;
	case 7:
		h->flags &= ~(uint64_t)CKPT_IMG_SELF;
		note(m, FZ_MAY, true, "HEADER.flags=0");
		break;
	case 8:
		h->ckpt_id = rnd(&m->rng);
		h->time = (int64_t)rnd(&m->rng);
		note(m, FZ_VALID, true, "HEADER.ckpt_id,time random");
		break;
	default: {
		/* uts strings are informational, even unterminated */
		char *s = h->sysname + 65 * below(&m->rng, 5);

		memset(s, 'A' + below(&m->rng, 26), 65);
		note(m, FZ_VALID, true, "HEADER uts string overwritten");
	}
	}
}

static void mut_tree(struct fz_mut *m, int i)
{
	struct ckpt_hdr_tree *h = REC(&m->im, i, struct ckpt_hdr_tree);
	struct ckpt_task_pids *p = (struct ckpt_task_pids *)(h + 1);
	int32_t v;

	if (m->im.r[i].len < sizeof(*h) + sizeof(*p)) {
		note(m, FZ_REFUSE, true, "TREE short");
		return;
	}
	switch (below(&m->rng, 6)) {
	case 0:
		h->nr_tasks = PICK(&m->rng, ((const uint32_t[]){ 0, 2, 1025, 0xffffffff }));
		note(m, FZ_REFUSE, true, "TREE.nr_tasks=%u", h->nr_tasks);
		break;
	case 1:
		RESERVED(m, h->__reserved, "TREE.__reserved");
		break;
	case 2:
		RESERVED(m, p->flags, "TREE.pids.flags");
		break;
	case 3:
		v = PICK(&m->rng, ((const int32_t[]){ 0, -1, INT32_MIN }));
		p->pid = v;
		p->tgid = v;
		note(m, FZ_REFUSE, true, "TREE.pid=tgid=%d", v);
		break;
	case 4:
		p->tgid = p->pid + 1 + below(&m->rng, 100);
		note(m, FZ_REFUSE, true, "TREE.tgid=%d != pid", p->tgid);
		break;
	default: {
		int32_t *f = &p->ppid + below(&m->rng, 3);

		if (chance(&m->rng, 50)) {
			*f = -1 - (int32_t)below(&m->rng, 1000);
			note(m, FZ_REFUSE, true, "TREE ppid/pgid/sid=%d", *f);
		} else {
			*f = below(&m->rng, 1 << 22);
			note(m, FZ_MAY, true, "TREE ppid/pgid/sid=%d", *f);
		}
	}
	}
}

/* CPU n: bit n % 64 of word n / 64 */
static bool cpu_in(const __u64 *cpus, uint32_t cpu)
{
	return cpus[cpu / 64] >> (cpu % 64) & 1;
}

/*
 * What is wrong with the job control fields of the TASK record @h, as
 * ckpt_stop_ok() sees them; NULL: a stop (or none) restart takes. Stopped
 * by SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU, with stop_code 0 (reported) or
 * the stop signal (to report), not continued; or not stopped, no code,
 * continued or not.
 */
static const char *fz_stop_bad(const struct ckpt_hdr_task *h)
{
	uint32_t sig = h->stop_signal;

	if (h->__reserved3)
		return "__reserved3 set";
	if (h->stop_flags & ~CKPT_STOP_FLAGS_MASK)
		return "unknown stop flags";
	if (!sig)
		return h->stop_code ? "a stop code, not stopped" : NULL;
	if (sig != SIGSTOP && sig != SIGTSTP && sig != SIGTTIN &&
	    sig != SIGTTOU)
		return "stopped by a signal that does not stop";
	if (h->stop_code && h->stop_code != sig)
		return "a stop code other than the stop signal";
	if (h->stop_flags & CKPT_STOP_CONTINUED)
		return "stopped and continued";
	return NULL;
}

/*
 * What restart makes of the fields a TASK record has had since it is
 * extensible - the I/O priority, the CPU affinity (nr_cpus bits of cpus[]),
 * job control (stop_signal, stop_code, stop_flags) - as a record of its
 * own: REFUSE for a value ioprio_set() or sched_setaffinity() would not
 * take (a class but NONE, RT, BE and IDLE, a level with NONE, a value
 * above 0xffff; nr_cpus above CKPT_MAX_CPUS, a CPU at or above it,
 * nr_cpus with no CPU), for a stop no process can be in (see
 * fz_stop_bad()), for __reserved3 set, for a CPU this machine lacks
 * (ENODEV: the fuzzer does not pass RESTART_DROP_CPUS), and for any of
 * them on a zombie. MAY for what privilege decides (an RT class: EPERM
 * unprivileged), for I/O hints, and for CPUs the restarter may not run on
 * (they leave sched_setaffinity() nothing, or less). Else ACCEPT if any is
 * set (the restored program runs as it did, on those CPUs, at that I/O
 * priority, which it never looks at; stopped, it comes back stopped and
 * runs on at SIGCONT: see fz_helper(); continued, it runs on), VALID if
 * none is.
 */
static enum fz_class task_ext_rule(const struct fz_campaign *c,
				   const struct ckpt_hdr_task *h,
				   const char **why)
{
	uint32_t class = h->ioprio >> 13, cpu;
	bool any = false, lacks = false, others = false;

	for (cpu = 0; cpu < CKPT_MAX_CPUS; cpu++) {
		if (!cpu_in(h->cpus, cpu))
			continue;
		if (cpu >= h->nr_cpus)
			return *why = "a CPU at or above nr_cpus", FZ_REFUSE;
		any = true;
		if (cpu >= c->nr_cpu_ids)
			lacks = true;
		else if (!cpu_in(c->cpus, cpu))
			others = true;
	}
	if ((h->task_flags & CKPT_TASK_ZOMBIE) &&
	    (h->ioprio || h->nr_cpus || any || h->stop_signal ||
	     h->stop_code || h->stop_flags))
		return *why = "on a zombie", FZ_REFUSE;
	if (h->nr_cpus > CKPT_MAX_CPUS)
		return *why = "nr_cpus above CKPT_MAX_CPUS", FZ_REFUSE;
	if (h->nr_cpus && !any)
		return *why = "no CPU", FZ_REFUSE;
	if (h->ioprio > 0xffff || class > 3 || (!class && (h->ioprio & 7)))
		return *why = "no I/O priority ioprio_set() takes", FZ_REFUSE;
	if (fz_stop_bad(h))
		return *why = fz_stop_bad(h), FZ_REFUSE;
	if (lacks)
		return *why = "a CPU this machine lacks", FZ_REFUSE;
	if (class == 1)
		return *why = "RT I/O class: CAP_SYS_ADMIN or CAP_SYS_NICE", FZ_MAY;
	if (h->ioprio & 0x1ff8)
		return *why = "I/O hints", FZ_MAY;
	if (others)
		return *why = "a CPU the restarter may not run on", FZ_MAY;
	if (h->stop_signal)
		return *why = h->stop_code ?
		       "stopped, the stop to report: back stopped, on at SIGCONT" :
		       "stopped, the stop reported: back stopped, on at SIGCONT",
		       FZ_ACCEPT;
	if (h->ioprio || h->nr_cpus || h->stop_flags)
		return *why = "taken", FZ_ACCEPT;
	return *why = "none", FZ_VALID;
}

/* The CPU affinity of the TASK record @h: malformed, elsewhere, or good */
static void mut_task_cpus(struct fz_mut *m, struct ckpt_hdr_task *h)
{
	const struct fz_campaign *c = m->c;
	uint32_t cpu, top = 0;
	enum fz_class cls;
	const char *why;

	memset(h->cpus, 0, sizeof(h->cpus));
	switch (below(&m->rng, 6)) {
	case 0:		/* more CPUs than CKPT_MAX_CPUS */
		h->nr_cpus = PICK(&m->rng, ((const uint32_t[]){ CKPT_MAX_CPUS + 1,
				  4096, 0x80000000, 0xffffffff }));
		h->cpus[0] = 1;
		break;
	case 1:		/* a CPU at or above nr_cpus */
		h->nr_cpus = below(&m->rng, CKPT_MAX_CPUS);
		cpu = h->nr_cpus + below(&m->rng, CKPT_MAX_CPUS - h->nr_cpus);
		h->cpus[cpu / 64] |= 1ULL << (cpu % 64);
		if (h->nr_cpus && chance(&m->rng, 50))
			h->cpus[0] |= 1;
		break;
	case 2:		/* nr_cpus, no CPU */
		h->nr_cpus = 1 + below(&m->rng, CKPT_MAX_CPUS);
		break;
	case 3:		/* a CPU this machine lacks, if it lacks one */
		if (c->nr_cpu_ids < CKPT_MAX_CPUS) {
			cpu = c->nr_cpu_ids +
			      below(&m->rng, CKPT_MAX_CPUS - c->nr_cpu_ids);
			h->cpus[cpu / 64] |= 1ULL << (cpu % 64);
			h->nr_cpus = cpu + 1 + below(&m->rng, CKPT_MAX_CPUS - cpu);
			if (chance(&m->rng, 50))
				h->cpus[0] |= c->cpus[0];
			break;
		}
		/* fall through */
	default:	/* some of the CPUs the restarter may run on */
		for (cpu = 0; cpu < c->nr_cpu_ids; cpu++) {
			if (cpu_in(c->cpus, cpu) && chance(&m->rng, 50)) {
				h->cpus[cpu / 64] |= 1ULL << (cpu % 64);
				top = cpu;
			}
		}
		for (cpu = 0; !top && !h->cpus[0] && cpu < c->nr_cpu_ids; cpu++) {
			if (cpu_in(c->cpus, cpu)) {
				h->cpus[cpu / 64] |= 1ULL << (cpu % 64);
				top = cpu;
			}
		}
		/* as checkpoint writes it (nr_cpu_ids), or any count past top */
		h->nr_cpus = PICK(&m->rng, ((const uint32_t[]){ c->nr_cpu_ids,
				  top + 1, CKPT_MAX_CPUS }));
	}
	cls = task_ext_rule(c, h, &why);
	note(m, cls, true, "TASK.nr_cpus=%u cpus[0]=%#llx (%s)", h->nr_cpus,
	     (unsigned long long)h->cpus[0], why);
}

/* The I/O priority of the TASK record @h: class << 13 | hints << 3 | level */
static void mut_task_ioprio(struct fz_mut *m, struct ckpt_hdr_task *h)
{
	enum fz_class cls;
	const char *why;

	switch (below(&m->rng, 6)) {
	case 0:		/* no class ioprio_set() knows */
		h->ioprio = (4 + below(&m->rng, 4)) << 13 | below(&m->rng, 8);
		break;
	case 1:		/* above 0xffff */
		h->ioprio = (1 + below(&m->rng, 0xffff)) << 16 |
			    below(&m->rng, 0x10000);
		break;
	case 2:		/* class NONE with a level */
		h->ioprio = 1 + below(&m->rng, 7);
		break;
	case 3:		/* real-time: privilege decides */
		h->ioprio = 1 << 13 | below(&m->rng, 8);
		break;
	case 4:		/* BE or IDLE with I/O hints */
		h->ioprio = (2 + below(&m->rng, 2)) << 13 |
			    (1 + below(&m->rng, 0x3ff)) << 3 | below(&m->rng, 8);
		break;
	default:	/* best-effort or idle, any level: anyone's */
		h->ioprio = (2 + below(&m->rng, 2)) << 13 | below(&m->rng, 8);
	}
	cls = task_ext_rule(m->c, h, &why);
	note(m, cls, true, "TASK.ioprio=%#x (%s)", h->ioprio, why);
}

/*
 * Job control of the TASK record @h: stopped by a signal that does not
 * stop; a stop code other than the stop signal, or with no stop; unknown
 * stop flags; stopped and continued; __reserved3 set (also on a good
 * stop). Or what restart takes: stopped by SIGSTOP, SIGTSTP, SIGTTIN or
 * SIGTTOU, the stop to report or reported; continued, not reported yet.
 */
static void mut_task_stop(struct fz_mut *m, struct ckpt_hdr_task *h)
{
	static const uint32_t stops[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	uint32_t sig = PICK(&m->rng, stops);
	enum fz_class cls;
	const char *why;

	h->stop_signal = 0;
	h->stop_code = 0;
	h->stop_flags = 0;
	h->__reserved3 = 0;
	switch (below(&m->rng, 9)) {
	case 0:		/* a signal that does not stop */
		h->stop_signal = PICK(&m->rng, ((const uint32_t[]){ SIGHUP,
				      SIGKILL, SIGCONT, SIGCHLD, 32, 64, 65,
				      0xffffffff }));
		if (chance(&m->rng, 50))
			h->stop_code = h->stop_signal;
		break;
	case 1:		/* a stop code that is not the stop signal */
		h->stop_signal = sig;
		do
			h->stop_code = PICK(&m->rng, ((const uint32_t[]){
					    SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU,
					    SIGKILL, 0x80 | SIGSTOP,
					    0xffffffff }));
		while (h->stop_code == sig);
		break;
	case 2:		/* a stop code, not stopped */
		h->stop_code = chance(&m->rng, 50) ? sig : other_u32(m, 0) ?: 1;
		break;
	case 3:		/* a flag but CKPT_STOP_CONTINUED */
		h->stop_flags = 1U << (1 + below(&m->rng, 31));
		if (chance(&m->rng, 50))
			h->stop_flags |= CKPT_STOP_CONTINUED;
		break;
	case 4:		/* stopped and continued */
		h->stop_signal = sig;
		h->stop_code = chance(&m->rng, 50) ? sig : 0;
		h->stop_flags = CKPT_STOP_CONTINUED;
		break;
	case 5:		/* __reserved3 */
		h->__reserved3 = other_u32(m, 0) ?: 1;
		if (chance(&m->rng, 50)) {
			h->stop_signal = sig;
			h->stop_code = sig;
		}
		break;
	case 6:		/* continued, waitpid(WCONTINUED) to tell */
		h->stop_flags = CKPT_STOP_CONTINUED;
		break;
	default:	/* stopped, the stop to report or reported */
		h->stop_signal = sig;
		h->stop_code = chance(&m->rng, 50) ? sig : 0;
	}
	cls = task_ext_rule(m->c, h, &why);
	note(m, cls, true,
	     "TASK.stop_signal=%u stop_code=%u stop_flags=%#x __reserved3=%#x (%s)",
	     h->stop_signal, h->stop_code, h->stop_flags, h->__reserved3, why);
}

static void mut_ext_tail(struct fz_mut *m, int i);

/*
 * The TASK record @i as an older kernel writes it, cut to
 * CKPT_REC_TASK_MIN or to a field after it (read zero-extended: what is
 * cut is as if it were zero), or as a newer one: longer (see
 * mut_ext_tail()).
 */
static void mut_task_len(struct fz_mut *m, int i)
{
	const uint32_t n = (sizeof(struct ckpt_hdr_task) - CKPT_REC_TASK_MIN) / 8;
	struct ckpt_hdr_task z = {};
	uint32_t len, old = m->im.r[i].len;
	enum fz_class cls;
	const char *why;

	if (chance(&m->rng, 50)) {
		mut_ext_tail(m, i);
		return;
	}
	len = CKPT_REC_TASK_MIN;
	if (chance(&m->rng, 50))
		len += 8 * below(&m->rng, n);
	memcpy(&z, m->im.r[i].p, len);
	/* only zeroes cut off: the record says what it said */
	if (!memcmp(&z, m->im.r[i].p, sizeof(z))) {
		cls = FZ_VALID;
		why = "only zeroes cut off";
	} else {
		cls = task_ext_rule(m->c, &z, &why);
	}
	rec_resize(&m->im, i, len);
	note(m, cls, true, "TASK cut to %u of %u bytes (%s)", len, old, why);
}

static void mut_task(struct fz_mut *m, int i)
{
	struct ckpt_hdr_task *h;
	__u64 *ptr;

	/* an older kernel's record reads as this one, zero-extended */
	if (m->im.r[i].len < sizeof(*h))
		rec_resize(&m->im, i, sizeof(*h));
	h = REC(&m->im, i, struct ckpt_hdr_task);

	switch (below(&m->rng, 20)) {
	case 19:
		mut_task_stop(m, h);
		break;
	case 16:
		mut_task_cpus(m, h);
		break;
	case 17:
		mut_task_ioprio(m, h);
		break;
	case 18:
		mut_task_len(m, i);
		break;
	case 12:
		/* scheduling: out of the ranges sched_setattr() accepts */
		switch (below(&m->rng, 4)) {
		case 0:
			h->policy = PICK(&m->rng, ((const uint32_t[]){ 4, 6, 7, 100, 0xffffffff }));
			break;
		case 1:
			h->nice = PICK(&m->rng, ((const int32_t[]){ -21, 20, 1000, INT32_MIN }));
			break;
		case 2:
			h->rt_priority = 1 + below(&m->rng, 99);	/* not RT */
			break;
		default:
			h->policy = 1 + below(&m->rng, 2);		/* FIFO, RR */
			h->rt_priority = PICK(&m->rng, ((const uint32_t[]){ 0, 100, 0xffffffff }));
		}
		note(m, FZ_REFUSE, true, "TASK sched policy %u nice %d prio %u",
		     h->policy, h->nice, h->rt_priority);
		break;
	case 13:
		/*
		 * In range: privilege decides (CAP_SYS_NICE, RLIMIT_NICE).
		 * Not real-time: a restored mutant may spin.
		 */
		h->policy = PICK(&m->rng, ((const uint32_t[]){ 0, 3, 5 }));
		h->rt_priority = 0;
		h->nice = (int32_t)below(&m->rng, 40) - 20;
		note(m, FZ_MAY, true, "TASK sched policy %u nice %d prio %u",
		     h->policy, h->nice, h->rt_priority);
		break;
	case 14:
		switch (below(&m->rng, 3)) {
		case 0:
			h->oom_score_adj = PICK(&m->rng, ((const int32_t[]){ -1001, 1001, INT32_MIN, INT32_MAX }));
			break;
		case 1:
			h->dumpable = 3 + below(&m->rng, 1000);
			break;
		default:
			h->pdeath_signal = 65 + below(&m->rng, 1000);
		}
		note(m, FZ_REFUSE, true, "TASK oom %d dumpable %u pdeath %u",
		     h->oom_score_adj, h->dumpable, h->pdeath_signal);
		break;
	case 15:
		h->oom_score_adj = (int32_t)below(&m->rng, 2001) - 1000;
		h->dumpable = below(&m->rng, 3);
		h->pdeath_signal = below(&m->rng, 65);
		h->timer_slack_ns = rnd(&m->rng);
		h->task_flags ^= PICK(&m->rng, ((const uint32_t[]){
			CKPT_TASK_RESET_ON_FORK, CKPT_TASK_SUBREAPER,
			CKPT_TASK_THP_DISABLE }));
		note(m, FZ_MAY, true, "TASK oom %d dumpable %u pdeath %u flags %#x",
		     h->oom_score_adj, h->dumpable, h->pdeath_signal,
		     h->task_flags);
		break;
	case 11:
		/* the images have one task: the root, which shares with nobody */
		h->task_flags |= PICK(&m->rng, ((const uint32_t[]){ CKPT_TASK_SHARE_FILES,
				      CKPT_TASK_SHARE_FS,
				      CKPT_TASK_SHARE_FILES | CKPT_TASK_SHARE_FS }));
		note(m, FZ_REFUSE, true, "TASK.task_flags=%#x on the root", h->task_flags);
		break;
	case 0:
		memset(h->comm, 'a' + below(&m->rng, 26), sizeof(h->comm));
		note(m, FZ_REFUSE, true, "TASK.comm unterminated");
		break;
	case 1:
		snprintf(h->comm, sizeof(h->comm), "fz%llu",
			 (unsigned long long)below(&m->rng, 1000000));
		note(m, FZ_VALID, true, "TASK.comm=%s", h->comm);
		break;
	case 2:
		h->personality = any_u32(m, h->personality);
		note(m, FZ_MAY, true, "TASK.personality=%#x", h->personality);
		break;
	case 3:
		if (chance(&m->rng, 50)) {
			h->exit_signal = 65 + below(&m->rng, 1000);
			note(m, FZ_REFUSE, true, "TASK.exit_signal=%u", h->exit_signal);
		} else {
			h->exit_signal = below(&m->rng, 64);
			note(m, FZ_MAY, true, "TASK.exit_signal=%u", h->exit_signal);
		}
		break;
	case 4:
		ptr = PICK(&m->rng, ((__u64 *[]){ &h->set_child_tid,
			   &h->clear_child_tid, &h->robust_list }));
		*ptr = bad_uaddr(m);
		note(m, FZ_REFUSE, true, "TASK tid/robust pointer=%#llx",
		     (unsigned long long)*ptr);
		break;
	case 5:
		ptr = chance(&m->rng, 50) ? &h->set_child_tid : &h->clear_child_tid;
		*ptr = user_addr(m, *ptr);
		note(m, FZ_MAY, true, "TASK tid pointer=%#llx", (unsigned long long)*ptr);
		break;
	case 6:
		if (h->robust_list && chance(&m->rng, 50)) {
			h->robust_list_len = other_u64(m, h->robust_list_len);
			note(m, FZ_REFUSE, true, "TASK.robust_list_len=%llu",
			     (unsigned long long)h->robust_list_len);
		} else if (h->robust_list) {
			h->robust_list = 0;
			note(m, FZ_REFUSE, true, "TASK.robust_list=0 with a length");
		} else {
			h->robust_list_len = 24;
			note(m, FZ_REFUSE, true, "TASK.robust_list_len without a list");
		}
		break;
	case 7:
		if (!h->rseq) {
			h->rseq_len = 32;
			note(m, FZ_REFUSE, true, "TASK.rseq_len without rseq");
			break;
		}
		switch (below(&m->rng, 4)) {
		case 0:
			h->rseq += 8;
			note(m, FZ_REFUSE, true, "TASK.rseq misaligned");
			break;
		case 1:
			h->rseq_len = PICK(&m->rng, ((const uint32_t[]){ 0, 16, 31, 4097, 0xffffffff }));
			note(m, FZ_REFUSE, true, "TASK.rseq_len=%u", h->rseq_len);
			break;
		case 2:
			h->rseq = bad_uaddr(m) & ~31ULL;
			note(m, FZ_REFUSE, true, "TASK.rseq=%#llx", (unsigned long long)h->rseq);
			break;
		default:
			h->rseq_sig = rnd(&m->rng);
			note(m, FZ_MAY, true, "TASK.rseq_sig=%#x", h->rseq_sig);
		}
		break;
	case 8:
		h->task_flags |= chance(&m->rng, 20) ? CKPT_TASK_ZOMBIE :
				 1U << (7 + below(&m->rng, 25));
		note(m, FZ_REFUSE, true, "TASK.task_flags=%#x", h->task_flags);
		break;
	case 9:
		RESERVED(m, h->__reserved, "TASK.__reserved");
		break;
	default:
		h->task_flags ^= CKPT_TASK_NO_NEW_PRIVS;
		/* the unprivileged restarter has no_new_privs: it stays */
		note(m, m->c->uid && !(h->task_flags & CKPT_TASK_NO_NEW_PRIVS) ?
		     FZ_REFUSE : FZ_MAY, true, "TASK no_new_privs=%d",
		     h->task_flags & CKPT_TASK_NO_NEW_PRIVS);
	}
}

static void mut_creds(struct fz_mut *m, int i)
{
	struct ckpt_hdr_creds *h = REC(&m->im, i, struct ckpt_hdr_creds);
	const uint32_t ids[] = { 0, 1, 1000, 65533, 65534, 0xffffffff, 100 };
	__u64 *cap;
	const char *why;
	char what[96];
	uint32_t k, g;

	switch (below(&m->rng, 6)) {
	case 0:
	case 1:
		k = below(&m->rng, 8);
		(&h->uid)[k] = PICK(&m->rng, ids);
		snprintf(what, sizeof(what), "CREDS id[%u]=%u", k, (&h->uid)[k]);
		break;
	case 2:
		cap = &h->cap_inheritable + below(&m->rng, 5);
		switch (below(&m->rng, 4)) {
		case 0:
			*cap |= 1ULL << below(&m->rng, CAP_LAST_CAP + 1);
			break;
		case 1:
			*cap &= ~(1ULL << below(&m->rng, CAP_LAST_CAP + 1));
			break;
		case 2:
			*cap |= 1ULL << (CAP_LAST_CAP + 1 + below(&m->rng, 63 - CAP_LAST_CAP));
			break;
		default:
			*cap = chance(&m->rng, 50) ? CAP_VALID : 0;
		}
		snprintf(what, sizeof(what), "CREDS cap[%d]=%#llx",
			 (int)(cap - &h->cap_inheritable), (unsigned long long)*cap);
		break;
	case 3:
		h->securebits = chance(&m->rng, 70) ? 1U << below(&m->rng, 8) :
						       1U << below(&m->rng, 32);
		snprintf(what, sizeof(what), "CREDS.securebits=%#x", h->securebits);
		break;
	case 4:
		h->ngroups = PICK(&m->rng, ((const uint32_t[]){ h->ngroups + 1,
			h->ngroups - 1, h->ngroups + 2, 65537, 0x80000000, 0 }));
		snprintf(what, sizeof(what), "CREDS.ngroups=%u (len kept)", h->ngroups);
		break;
	default:
		/* add or drop a group, with the length */
		if (h->ngroups && chance(&m->rng, 50)) {
			h->ngroups--;
			rec_resize(&m->im, i, ALIGN8(sizeof(*h) + h->ngroups * 4));
			snprintf(what, sizeof(what), "CREDS group dropped");
		} else {
			g = PICK(&m->rng, ((const uint32_t[]){ 0, 65534, 100, 27, 0xffffffff }));
			k = h->ngroups;
			rec_resize(&m->im, i, ALIGN8(sizeof(*h) + (k + 1) * 4));
			h = REC(&m->im, i, struct ckpt_hdr_creds);
			((uint32_t *)(h + 1))[k] = g;
			h->ngroups = k + 1;
			snprintf(what, sizeof(what), "CREDS group %u added", g);
		}
	}
	k = creds_rule(m, i, &why);
	note(m, k, true, "%s%s%s", what, *why ? ": " : "", why);
}

/* An interval timer of the RLIMITS record @i: ns left and period */
static void mut_itimer(struct fz_mut *m, int i)
{
	struct ckpt_hdr_rlimits *h = REC(&m->im, i, struct ckpt_hdr_rlimits);
	const int64_t sane[] = { 1, 1000, 4000000, 250000000, 1000000000,
				 3600 * 1000000000LL, INT64_MAX };
	const int64_t neg[] = { -1, -1000000000, INT64_MIN };
	int k = below(&m->rng, CKPT_NITIMERS);
	struct ckpt_itimer *it = &h->itimer[k];
	enum fz_class cls;
	bool local;

	switch (below(&m->rng, 5)) {
	case 0:
		it->value = PICK(&m->rng, neg);
		break;
	case 1:
		it->interval = PICK(&m->rng, neg);
		break;
	case 2:
		/* a period without a value */
		it->value = 0;
		it->interval = PICK(&m->rng, sane);
		break;
	case 3:
		/* disarmed */
		it->value = 0;
		it->interval = 0;
		break;
	default:
		it->value = PICK(&m->rng, sane);
		it->interval = chance(&m->rng, 50) ? 0 : PICK(&m->rng, sane);
	}
	cls = rlimits_rule(m, i, &local);
	note(m, cls, local, "RLIMITS.itimer[%d]=%lld/%lld", k,
	     (long long)it->value, (long long)it->interval);
}

static void mut_rlimits(struct fz_mut *m, int i)
{
	struct ckpt_hdr_rlimits *h = REC(&m->im, i, struct ckpt_hdr_rlimits);
	const uint64_t v[] = { 0, 1, 3, 64, 512, 1024, 4096, 1 << 20,
			       (1 << 20) + 1, ~0ULL, ~0ULL - 1, 1ULL << 62 };
	enum fz_class cls;
	bool local;
	int k;

	switch (below(&m->rng, 10)) {
	case 0:
		h->nr_limits = other_u32(m, h->nr_limits);
		note(m, FZ_REFUSE, true, "RLIMITS.nr_limits=%u", h->nr_limits);
		return;
	case 1:
		RESERVED(m, h->__reserved, "RLIMITS.__reserved");
		return;
	case 2:
	case 3:
		mut_itimer(m, i);
		return;
	default:
		k = chance(&m->rng, 40) ? RLIMIT_NOFILE : (int)below(&m->rng, RLIM_NLIMITS);
		if (chance(&m->rng, 50))
			h->rlim[k].rlim_cur = PICK(&m->rng, v);
		else
			h->rlim[k].rlim_max = PICK(&m->rng, v);
		cls = rlimits_rule(m, i, &local);
		note(m, cls, local, "RLIMITS[%d]=%#llx/%#llx", k,
		     (unsigned long long)h->rlim[k].rlim_cur,
		     (unsigned long long)h->rlim[k].rlim_max);
	}
}

/* ---- POSIX timers ---- */

#define FZ_PT_SZ	sizeof(struct ckpt_posix_timer)

/* The root's pid in TREE, or 0 if TREE is not sane */
static int32_t tree_root_pid(const struct fz_img *im)
{
	int t = img_find(im, CKPT_HDR_TREE, 0);
	const struct ckpt_hdr_tree *h;
	const struct ckpt_task_pids *p;

	if (t < 0 || im->r[t].len < sizeof(*h) + sizeof(*p))
		return 0;
	h = REC(im, t, struct ckpt_hdr_tree);
	p = (const struct ckpt_task_pids *)(h + 1);
	if (h->nr_tasks != 1 || p->pid <= 0 || p->tgid != p->pid || p->flags)
		return 0;
	return p->pid;
}

/* ckpt_timer_ok() and restore_timers(): REFUSE (*local), or MAY */
static enum fz_class timers_rule(struct fz_mut *m, int i, bool *local)
{
	const struct ckpt_hdr_timers *h = REC(&m->im, i, struct ckpt_hdr_timers);
	const struct ckpt_posix_timer *p = (const void *)(h + 1);
	int32_t prev = -1, root = tree_root_pid(&m->im);
	uint32_t k;

	*local = true;
	if (h->nr_timers > CKPT_MAX_TIMERS ||
	    m->im.r[i].len != sizeof(*h) + (uint64_t)h->nr_timers * FZ_PT_SZ ||
	    h->next_id < 0)
		return FZ_REFUSE;
	for (k = 0; k < h->nr_timers; prev = p[k++].id) {
		const struct ckpt_posix_timer *t = &p[k];

		if (t->id <= prev || t->__reserved || t->value < 0 ||
		    t->interval < 0 || (t->interval && !t->value) || t->overrun < 0)
			return FZ_REFUSE;
		switch (t->clockid) {
		case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME:
		case CLOCK_TAI: case CLOCK_PROCESS_CPUTIME_ID:
			break;
		default:
			return FZ_REFUSE;
		}
		switch (t->notify) {
		case SIGEV_NONE:
			if (t->tid)
				return FZ_REFUSE;
			break;
		case SIGEV_SIGNAL:
		case SIGEV_THREAD:
			if (t->tid || t->signo < 1 || t->signo > 64)
				return FZ_REFUSE;
			break;
		case SIGEV_SIGNAL | SIGEV_THREAD_ID:
			if (t->signo < 1 || t->signo > 64)
				return FZ_REFUSE;
			/* a live thread of this process in TREE: the root */
			if (t->tid != root || !root) {
				*local = t->tid <= 0;
				return FZ_REFUSE;
			}
			break;
		default:
			return FZ_REFUSE;
		}
	}
	*local = false;
	return FZ_MAY;
}

/* A timer that restore accepts, with the id @id */
static void good_timer(struct fz_mut *m, struct ckpt_posix_timer *t, int32_t id)
{
	const int32_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME,
				   CLOCK_TAI, CLOCK_PROCESS_CPUTIME_ID };
	const int32_t notify[] = { SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD,
				   SIGEV_SIGNAL | SIGEV_THREAD_ID };
	const int64_t vals[] = { 0, 1, 1000, 1000000, 1000000000,
				 3600 * 1000000000LL, INT64_MAX };

	memset(t, 0, sizeof(*t));
	t->id = id;
	t->clockid = PICK(&m->rng, clocks);
	t->notify = PICK(&m->rng, notify);
	t->signo = 1 + below(&m->rng, 64);
	t->sigval = rnd(&m->rng);
	if (t->notify == (SIGEV_SIGNAL | SIGEV_THREAD_ID))
		t->tid = tree_root_pid(&m->im);
	t->value = PICK(&m->rng, vals);
	t->interval = t->value ? PICK(&m->rng, vals) : 0;
	t->overrun = chance(&m->rng, 80) ? 0 : below(&m->rng, 1 << 20);
}

static void mut_timers(struct fz_mut *m, int i)
{
	struct ckpt_hdr_timers *h = REC(&m->im, i, struct ckpt_hdr_timers);
	const int64_t neg[] = { -1, -1000000000, INT64_MIN };
	struct ckpt_posix_timer *p, *t;
	uint32_t n = h->nr_timers, k;
	enum fz_class cls;
	char what[128];
	bool local;

	if (m->im.r[i].len != sizeof(*h) + (uint64_t)n * FZ_PT_SZ || n > CKPT_MAX_TIMERS) {
		note(m, FZ_REFUSE, true, "TIMERS already bad");
		return;
	}
	switch (below(&m->rng, n ? 8 : 4)) {
	case 0:
		h->nr_timers = PICK(&m->rng, ((const uint32_t[]){ n + 1, n ? n - 1 : 2,
				    CKPT_MAX_TIMERS + 1, 0xffffffff }));
		note(m, FZ_REFUSE, true, "TIMERS.nr_timers=%u (len kept)", h->nr_timers);
		return;
	case 1:
		h->next_id = chance(&m->rng, 40) ? -1 - (int32_t)below(&m->rng, 1000) :
			     PICK(&m->rng, ((const int32_t[]){ 0, 1, 100, INT32_MAX }));
		note(m, h->next_id < 0 ? FZ_REFUSE : FZ_MAY, true, "TIMERS.next_id=%d",
		     h->next_id);
		return;
	case 2: {
		/* more timers, at the end: good ones, or one field bad */
		uint32_t add = chance(&m->rng, 5) ? CKPT_MAX_TIMERS + 1 - n -
						     below(&m->rng, 2) :
			       1 + below(&m->rng, 4);
		int32_t id = n ? ((struct ckpt_posix_timer *)(h + 1))[n - 1].id + 1 : 0;

		rec_resize(&m->im, i, sizeof(*h) + (n + add) * FZ_PT_SZ);
		h = REC(&m->im, i, struct ckpt_hdr_timers);
		p = (struct ckpt_posix_timer *)(h + 1);
		for (k = n; k < n + add; k++, id += 1 + below(&m->rng, 3))
			good_timer(m, &p[k], id);
		h->nr_timers = n + add;
		snprintf(what, sizeof(what), "TIMERS %u more", add);
		if (add < 8 && chance(&m->rng, 50)) {
			t = &p[n + below(&m->rng, add)];
			goto field;
		}
		break;
	}
	case 3:
		/* room for one more, the count kept */
		rec_resize(&m->im, i, sizeof(*h) + (n + 1) * FZ_PT_SZ);
		note(m, FZ_REFUSE, true, "TIMERS one timer longer, nr_timers=%u", n);
		return;
	case 4:
		/* one fewer */
		k = below(&m->rng, n);
		p = (struct ckpt_posix_timer *)(h + 1);
		memmove(&p[k], &p[k + 1], (n - k - 1) * FZ_PT_SZ);
		h->nr_timers = n - 1;
		rec_resize(&m->im, i, sizeof(*h) + (n - 1) * FZ_PT_SZ);
		snprintf(what, sizeof(what), "TIMERS timer %u removed", k);
		break;
	default:
		p = (struct ckpt_posix_timer *)(h + 1);
		t = &p[below(&m->rng, n)];
		snprintf(what, sizeof(what), "TIMERS timer id %d", t->id);
field:
		switch (below(&m->rng, 11)) {
		case 0:
			t->id = PICK(&m->rng, ((const int32_t[]){ -1, INT32_MIN, 0,
				     t->id - 1, t->id + 1, t->id + 1000, INT32_MAX }));
			snprintf(what + strlen(what), 40, " .id=%d", t->id);
			break;
		case 1:
			t->clockid = PICK(&m->rng, ((const int32_t[]){ 0, 1, 2, 3, 4, 5,
					  6, 7, 8, 9, 10, 11, 12, -1, -6, -2 }));
			snprintf(what + strlen(what), 40, " .clockid=%d", t->clockid);
			break;
		case 2:
			t->notify = PICK(&m->rng, ((const int32_t[]){ 0, 1, 2, 3, 4, 5,
					 6, 8, -1 }));
			snprintf(what + strlen(what), 40, " .notify=%d", t->notify);
			break;
		case 3:
			t->signo = PICK(&m->rng, ((const int32_t[]){ 0, 1, 9, 17, 19,
					34, 64, 65, -1, 1000 }));
			snprintf(what + strlen(what), 40, " .signo=%d", t->signo);
			break;
		case 4:
			t->sigval = any_u64(m, t->sigval);
			snprintf(what + strlen(what), 40, " .sigval=%#llx",
				 (unsigned long long)t->sigval);
			break;
		case 5:
			t->tid = PICK(&m->rng, ((const int32_t[]){ 0, -1, 1,
				      tree_root_pid(&m->im), tree_root_pid(&m->im) + 1 }));
			snprintf(what + strlen(what), 40, " .tid=%d", t->tid);
			break;
		case 6:
			t->__reserved = other_u32(m, 0) ?: 1;
			snprintf(what + strlen(what), 40, " .__reserved=%#x", t->__reserved);
			break;
		case 7:
			t->value = chance(&m->rng, 30) ? PICK(&m->rng, neg) :
				   PICK(&m->rng, ((const int64_t[]){ 0, 1, 1000000,
					INT64_MAX }));
			snprintf(what + strlen(what), 40, " .value=%lld", (long long)t->value);
			break;
		case 8:
			t->interval = chance(&m->rng, 30) ? PICK(&m->rng, neg) :
				      PICK(&m->rng, ((const int64_t[]){ 0, 1, 1000000,
					   INT64_MAX }));
			snprintf(what + strlen(what), 40, " .interval=%lld",
				 (long long)t->interval);
			break;
		case 9:
			t->overrun = chance(&m->rng, 40) ? PICK(&m->rng, neg) :
				     PICK(&m->rng, ((const int64_t[]){ 1, INT32_MAX,
					  INT64_MAX }));
			snprintf(what + strlen(what), 40, " .overrun=%lld",
				 (long long)t->overrun);
			break;
		default:
			good_timer(m, t, t->id);
			snprintf(what + strlen(what), 40, " replaced");
		}
	}
	cls = timers_rule(m, i, &local);
	note(m, cls, local, "%s", what);
}

static void mut_fs(struct fz_mut *m, int i)
{
	struct ckpt_hdr_fs *h = REC(&m->im, i, struct ckpt_hdr_fs);
	const enum fz_path_kind kinds[] = { P_DIR, P_FILE, P_MISSING, P_RELATIVE,
					    P_EMPTY, P_SECRETDIR };
	enum fz_path_kind k;
	enum fz_class cls;

	switch (below(&m->rng, 6)) {
	case 0:
		h->umask = 01000 << below(&m->rng, 20);
		note(m, FZ_REFUSE, true, "FS.umask=%#o", h->umask);
		return;
	case 1:
		h->umask = below(&m->rng, 0777);
		note(m, FZ_MAY, true, "FS.umask=%#o", h->umask);
		return;
	case 2:
		RESERVED(m, h->__reserved, "FS.__reserved");
		return;
	case 3:
		if (chance(&m->rng, 50))
			h->cwd_len = other_u32(m, h->cwd_len);
		else
			h->root_len = other_u32(m, h->root_len);
		note(m, FZ_REFUSE, true, "FS cwd_len/root_len=%u/%u", h->cwd_len,
		     h->root_len);
		return;
	case 4:
		k = PICK(&m->rng, kinds);
		set_string(&m->im, i, sizeof(*h), &h->cwd_len, h->root_len, path_of(m->c, k));
		cls = k == P_DIR ? FZ_MAY :
		      k == P_SECRETDIR ? (m->c->uid ? FZ_REFUSE : FZ_MAY) : FZ_REFUSE;
		note(m, cls, true, "FS.cwd=\"%s\"", path_of(m->c, k));
		return;
	default:
		h = REC(&m->im, i, struct ckpt_hdr_fs);
		if (h->cwd_len > CKPT_PATH_MAX || h->root_len > CKPT_PATH_MAX ||
		    sizeof(*h) + h->cwd_len + h->root_len > m->im.r[i].len) {
			note(m, FZ_REFUSE, true, "FS lengths already bad");
			return;
		}
		k = PICK(&m->rng, ((const enum fz_path_kind[]){ P_DIR, P_MISSING,
			 P_FILE, P_RELATIVE }));
		set_string(&m->im, i, sizeof(*h) + h->cwd_len, &h->root_len, 0,
			   path_of(m->c, k));
		cls = k != P_DIR ? FZ_REFUSE : m->c->uid ? FZ_REFUSE : FZ_MAY;
		note(m, cls, true, "FS.root=\"%s\"", path_of(m->c, k));
	}
}

/* the kernel's O_LARGEFILE: glibc's is 0 on x86_64 */
#define FZ_O_LARGEFILE	0100000
/* O_ASYNC: taken on top of a type's flags, judged by owner_rule() */
#define FILE_FLAGS_OK (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | O_DIRECT | \
		       FZ_O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | \
		       O_SYNC | O_PATH | O_ASYNC)

/*
 * The records that follow a FILE record of @ftype, 0-terminated; or NULL.
 * The PIPE record of a pipe's first end comes right before its FILE_PIPE,
 * the UNIX_PAIR of a socket pair's first end right before its FILE_UNIX,
 * and so does the INODE of a socket bound to a path; a UNIX_QUEUE is
 * followed by its UNIX_SENDER records, then its messages (UNIX_MSG,
 * UNIX_MSG_FROM, UNIX_MSG_FDS: ux_socket_rule()); the MEMFD of the first
 * open of a memfd, and its PAGES, come right before its FILE_MEMFD, the
 * DELETED of a deleted file's first open and its PAGES before its
 * FILE_DELETED. A unix socket bound to a path has a STRING between its
 * FILE_UNIX and its UNIX_QUEUE, as its FILE_UNIX says (ux_has_path(),
 * ux_socket_rule()); a listening one's queue is followed by its
 * connections waiting, each a UNIX_EMBRYO (its UNIX_PAIR before it, if
 * first), a UNIX_QUEUE and its messages (ux_embryos_rule()). A socket
 * whose messages carry files has a late record, UNIX_FDS (ux_fds_rule()).
 * A UDP socket's FILE_INET is followed by its nr_dgrams INET_DGRAM
 * records, an established TCP connection's by its TCP_CONN
 * (inet_conn_rule()).
 */
static const uint32_t *file_records(uint32_t ftype)
{
	static const uint32_t recs[CKPT_FILE_MAX][4] = {
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
		[CKPT_FILE_INOTIFY] = { CKPT_HDR_FILE_INOTIFY,
					CKPT_HDR_INOTIFY_WATCHES,
					CKPT_HDR_INOTIFY_EVENTS },
		[CKPT_FILE_UNIX] = { CKPT_HDR_FILE_UNIX, CKPT_HDR_UNIX_QUEUE },
		[CKPT_FILE_MEMFD] = { CKPT_HDR_FILE_MEMFD },
		[CKPT_FILE_DELETED] = { CKPT_HDR_FILE_DELETED },
		[CKPT_FILE_PIDFD] = { CKPT_HDR_FILE_PIDFD },
		[CKPT_FILE_PROC] = { CKPT_HDR_FILE_PROC, CKPT_HDR_STRING,
				     CKPT_HDR_STRING },
		[CKPT_FILE_INET] = { CKPT_HDR_FILE_INET },
	};

	return ftype && ftype < CKPT_FILE_MAX ? recs[ftype] : NULL;
}

/* Do files of types @a and @b have the same records after FILE? */
static bool same_file_records(uint32_t a, uint32_t b)
{
	const uint32_t *ra = file_records(a), *rb = file_records(b);

	if (!ra || !rb)
		return ra == rb;
	while (*ra && *ra == *rb) {
		ra++;
		rb++;
	}
	return *ra == *rb;
}

/* A type record: one that belongs to the FILE record before it */
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

/*
 * A late record: after the FILE records of the process, before its
 * FDTABLE, FILE records of the files it names (not written yet) between
 * them. An epoll set's items (EPOLL_ITEMS: epoll_image_rule()), a unix
 * socket's files in flight (UNIX_FDS: ux_fds_rule()).
 */
static bool late_record(uint32_t type)
{
	return type == CKPT_HDR_EPOLL_ITEMS || type == CKPT_HDR_UNIX_FDS;
}

/* Among the records of a FILE: its type records, a PIPE, a UNIX_PAIR */
static bool file_group_record(uint32_t type)
{
	return file_type_record(type) || type == CKPT_HDR_PIPE ||
	       type == CKPT_HDR_UNIX_PAIR;
}

/*
 * Is record @i among the records of a FILE: of the types above, or a
 * MEMFD or DELETED right after its FILE and the PAGES of that record, or
 * an INODE right before a FILE_UNIX (a socket bound to a path)? (A MEMFD
 * or DELETED right before a vma, and its PAGES, are not; nor is the INODE
 * right before the FILE of a regular file.)
 */
static bool in_file_group(const struct fz_img *im, int i)
{
	int o;

	switch (im->r[i].type) {
	case CKPT_HDR_INODE:
		return i + 1 < im->n && im->r[i + 1].type == CKPT_HDR_FILE_UNIX;
	case CKPT_HDR_MEMFD:
	case CKPT_HDR_DELETED:
		return i > 0 && im->r[i - 1].type == CKPT_HDR_FILE;
	case CKPT_HDR_PAGES:
		o = pages_owner(im, i);
		return o > 0 && unn_rec(im->r[o].type) &&
		       im->r[o - 1].type == CKPT_HDR_FILE;
	default:
		return file_group_record(im->r[i].type);
	}
}

/* Index one past the records of the FILE record @f */
static int file_end(const struct fz_img *im, int f)
{
	for (f++; f < im->n && in_file_group(im, f); f++)
		;
	return f;
}

/*
 * The FILE record that record @i (a type record, a PIPE, a MEMFD...)
 * belongs to, or -1
 */
static int file_owner(const struct fz_img *im, int i)
{
	while (--i >= 0 && in_file_group(im, i))
		;
	return i >= 0 && im->r[i].type == CKPT_HDR_FILE ? i : -1;
}

/* The record of @type among those of the FILE record @f, or -1 */
static int file_part(const struct fz_img *im, int f, uint32_t type)
{
	int i, end = f < 0 ? f : file_end(im, f);

	for (i = f + 1; i < end; i++)
		if (im->r[i].type == type)
			return i;
	return -1;
}

/* The file type of the FILE that record @i (FILE, type record) is of, or 0 */
static uint32_t file_type_of(const struct fz_img *im, int i)
{
	if (im->r[i].type != CKPT_HDR_FILE)
		i = file_owner(im, i);
	return i < 0 ? 0 : REC(im, i, struct ckpt_hdr_file)->type;
}

static bool objref_used(const struct fz_img *im, uint32_t ref, int except)
{
	int i;

	for (i = 0; i < im->n; i++)
		if (i != except && im->r[i].type == CKPT_HDR_FILE &&
		    REC(im, i, struct ckpt_hdr_file)->objref == ref)
			return true;
	return false;
}

/* @ref is the objref of a PIPE record before record @i */
static bool pipe_ref_ok(const struct fz_img *im, int i, uint32_t ref)
{
	int j;

	for (j = 0; j < i; j++)
		if (im->r[j].type == CKPT_HDR_PIPE &&
		    REC(im, j, struct ckpt_hdr_pipe)->objref == ref)
			return true;
	return false;
}

/*
 * An extensible record (TASK, FILE and the FILE_* type records) as this
 * kernel writes it, made longer: with zeroes past the struct it is read
 * as it was, with any other byte there (a field this kernel does not
 * know, in use), or past CKPT_REC_EXT_MAX, it is refused.
 */
static void mut_ext_tail(struct fz_mut *m, int i)
{
	struct fz_rec *r = &m->im.r[i];
	const char *name = ckpt_hdr_name(r->type);
	uint32_t min, max, len = r->len, add;

	ckpt_hdr_len_bounds(r->type, &min, &max);
	switch (len < max ? below(&m->rng, 3) : 2) {
	case 0:
		add = 8 * (1 + below(&m->rng, (max - len) / 8));
		rec_resize(&m->im, i, len + add);
		note(m, FZ_VALID, true, "%s %u zero bytes longer", name, add);
		return;
	case 1:
		add = 8 * (1 + below(&m->rng, (max - len) / 8));
		rec_resize(&m->im, i, len + add);
		m->im.r[i].p[len + below(&m->rng, add)] = 1 + below(&m->rng, 255);
		note(m, FZ_REFUSE, true, "%s %u bytes longer, not all zero",
		     name, add);
		return;
	default:
		add = max + 8 * (1 + below(&m->rng, 4)) - len;
		rec_resize(&m->im, i, len + add);
		note(m, FZ_REFUSE, true, "%s of %u bytes, past CKPT_REC_EXT_MAX",
		     name, len + add);
	}
}

/* A record of @type (a type record) into @buf, of *@len bytes */
static void type_record(struct fz_mut *m, uint32_t type, unsigned char *buf,
			uint32_t *len)
{
	struct ckpt_hdr_string *s = (void *)buf;
	struct ckpt_hdr_file_inherit *ih = (void *)buf;
	const char *path = NULL;
	uint32_t min, max;
	int i;

	ckpt_hdr_len_bounds(type, &min, &max);
	*len = min;
	if (type == CKPT_HDR_STRING) {
		path = path_of(m->c, PICK(&m->rng, ((const enum fz_path_kind[]){
				P_FILE, P_DIR, P_DEV })));
		*len = ALIGN8(sizeof(*s) + strlen(path) + 1);
	}
	memset(buf, 0, *len);
	((struct ckpt_hdr *)buf)->type = type;
	((struct ckpt_hdr *)buf)->len = *len;
	switch (type) {
	case CKPT_HDR_STRING:
		s->len = strlen(path) + 1;
		memcpy(s + 1, path, s->len);
		break;
	case CKPT_HDR_FILE_CHR:
		((struct ckpt_hdr_file_chr *)buf)->rdev = 0x103;
		break;
	case CKPT_HDR_FILE_INHERIT:
		ih->fd = 1;
		ih->kind = CKPT_INHERIT_PIPE;
		break;
	case CKPT_HDR_FILE_EVENTFD:
		((struct ckpt_hdr_file_eventfd *)buf)->count = 1;
		break;
	case CKPT_HDR_FILE_EPOLL:
		break;
	case CKPT_HDR_FILE_PIDFD:
		((struct ckpt_hdr_file_pidfd *)buf)->pid =
			tree_root_pid(&m->im) ?: 1;
		break;
	case CKPT_HDR_FILE_PROC:
		((struct ckpt_hdr_file_proc *)buf)->pid =
			tree_root_pid(&m->im) ?: 1;
		break;
	case CKPT_HDR_FILE_SIGNALFD:
		((struct ckpt_hdr_file_signalfd *)buf)->sigmask = FZ_SIGBIT(SIGUSR1);
		break;
	case CKPT_HDR_FILE_TIMERFD:
		((struct ckpt_hdr_file_timerfd *)buf)->clockid = CLOCK_MONOTONIC;
		break;
	case CKPT_HDR_FILE_INOTIFY:
		((struct ckpt_hdr_file_inotify *)buf)->max_events = 16;
		break;
	case CKPT_HDR_INOTIFY_WATCHES:
	case CKPT_HDR_INOTIFY_EVENTS:
	case CKPT_HDR_UNIX_QUEUE:
		/* none */
		break;
	case CKPT_HDR_FILE_UNIX:
		((struct ckpt_hdr_file_unix *)buf)->sock_type = SOCK_STREAM;
		((struct ckpt_hdr_file_unix *)buf)->rcvlowat = 1;
		((struct ckpt_hdr_file_unix *)buf)->peek_off = -1;
		break;
	case CKPT_HDR_UNIX_MSG:
		/* an empty message without credentials */
		((struct ckpt_hdr_unix_msg *)buf)->uid = 0xffffffff;
		((struct ckpt_hdr_unix_msg *)buf)->gid = 0xffffffff;
		break;
	case CKPT_HDR_UNIX_MSG_FROM:
		/* an empty datagram of the first sender, no credentials */
		((struct ckpt_hdr_unix_msg_from *)buf)->uid = 0xffffffff;
		((struct ckpt_hdr_unix_msg_from *)buf)->gid = 0xffffffff;
		((struct ckpt_hdr_unix_msg_from *)buf)->sender = 1;
		break;
	case CKPT_HDR_UNIX_MSG_FDS:
		/* an empty message of the peer with a file, no credentials */
		((struct ckpt_hdr_unix_msg_fds *)buf)->uid = 0xffffffff;
		((struct ckpt_hdr_unix_msg_fds *)buf)->gid = 0xffffffff;
		((struct ckpt_hdr_unix_msg_fds *)buf)->nr_fds = 1;
		break;
	case CKPT_HDR_FILE_INET:
		/* an unbound UDP socket, with the defaults */
		((struct ckpt_hdr_file_inet *)buf)->family = AF_INET;
		((struct ckpt_hdr_file_inet *)buf)->protocol = IPPROTO_UDP;
		((struct ckpt_hdr_file_inet *)buf)->state = FZ_INET_CLOSE;
		((struct ckpt_hdr_file_inet *)buf)->rcvlowat = 1;
		((struct ckpt_hdr_file_inet *)buf)->peek_off = -1;
		((struct ckpt_hdr_file_inet *)buf)->ttl = -1;
		((struct ckpt_hdr_file_inet *)buf)->hops = -1;
		break;
	case CKPT_HDR_TCP_CONN: {
		/* a connection with nothing queued, well-formed */
		struct ckpt_hdr_tcp_conn *c = (void *)buf;

		c->snd_una = c->snd_nxt = c->write_seq = 1000;
		c->rcv_nxt = c->copied_seq = c->snd_wl1 = c->rcv_wup = 5000;
		c->snd_wnd = c->max_window = c->rcv_wnd = 65535;
		c->mss = 536;
		break;
	}
	case CKPT_HDR_UNIX_SENDER:
		/* no name, a new socket's send buffer */
		((struct ckpt_hdr_unix_sender *)buf)->sndbuf = m->c->wmem_default;
		break;
	case CKPT_HDR_UNIX_EMBRYO:
		/* a connection of the root, of the image's first pair */
		i = img_find(&m->im, CKPT_HDR_UNIX_PAIR, 0);
		((struct ckpt_hdr_unix_embryo *)buf)->pair_objref = i < 0 ? 1 :
			REC(&m->im, i, struct ckpt_hdr_unix_pair)->objref;
		((struct ckpt_hdr_unix_embryo *)buf)->peer_pid =
			tree_root_pid(&m->im) ?: 1;
		break;
	default:
		((struct ckpt_hdr_file_pipe *)buf)->pipe_objref =
			1 + below(&m->rng, 8);
	}
}

/* What only a FIFO has: its path must name a FIFO nobody has open */
static void mut_fifo(struct fz_mut *m, int f)
{
	struct ckpt_hdr_file *h = REC(&m->im, f, struct ckpt_hdr_file);
	int s = file_part(&m->im, f, CKPT_HDR_STRING);
	int p = file_part(&m->im, f, CKPT_HDR_FILE_PIPE);
	struct ckpt_hdr_string *sh;
	struct ckpt_hdr_file_pipe *ph;

	if (s < 0 || p < 0) {
		note(m, FZ_REFUSE, true, "FIFO without its records");
		return;
	}
	sh = REC(&m->im, s, struct ckpt_hdr_string);
	ph = REC(&m->im, p, struct ckpt_hdr_file_pipe);
	switch (below(&m->rng, 6)) {
	case 5:
		/* in use: the restarter has it open too */
		snprintf(m->hold, sizeof(m->hold), "%.*s",
			 (int)(m->im.r[s].len - sizeof(*sh)), (const char *)(sh + 1));
		note(m, FZ_REFUSE, false, "FIFO %s kept open by the restarter", m->hold);
		return;
	case 0: {
		/* another FIFO, not in use: for this open, or for all */
		uint32_t ref = ph->pipe_objref;
		bool all = chance(&m->rng, 60);
		int j, k;

		for (j = 0; j < m->im.n; j++) {
			if (m->im.r[j].type != CKPT_HDR_FILE ||
			    REC(&m->im, j, struct ckpt_hdr_file)->type != CKPT_FILE_FIFO)
				continue;
			k = file_part(&m->im, j, CKPT_HDR_FILE_PIPE);
			if (j != f && (!all || k < 0 ||
				       REC(&m->im, k, struct ckpt_hdr_file_pipe)->pipe_objref != ref))
				continue;
			k = file_part(&m->im, j, CKPT_HDR_STRING);
			if (k < 0)
				continue;
			sh = REC(&m->im, k, struct ckpt_hdr_string);
			set_string(&m->im, k, sizeof(*sh), &sh->len, 0, m->c->p_fifo);
		}
		note(m, FZ_MAY, true, "STRING(fifo)=%s%s", m->c->p_fifo,
		     all ? ", all its opens" : "");
		return;
	}
	case 1:
		/* not a FIFO: a regular file, a directory, a device, nothing */
		set_string(&m->im, s, sizeof(*sh), &sh->len, 0,
			   path_of(m->c, PICK(&m->rng, ((const enum fz_path_kind[]){
				   P_FILE, P_DIR, P_MISSING, P_DEV, P_RELATIVE,
				   P_EMPTY, P_ROOTFILE }))));
		note(m, FZ_REFUSE, true, "STRING(fifo)=\"%s\"",
		     (char *)(REC(&m->im, s, struct ckpt_hdr_string) + 1));
		return;
	case 2:
		h->f_flags = (h->f_flags & ~O_ACCMODE) | O_ACCMODE;
		note(m, FZ_REFUSE, true, "FILE(fifo).f_flags=%#o", h->f_flags);
		return;
	case 3:
		h->f_flags |= PICK(&m->rng, ((const uint32_t[]){ O_APPEND, O_DSYNC,
				   O_DIRECT, O_NOATIME, O_PATH, O_DIRECTORY, O_SYNC }));
		note(m, FZ_REFUSE, true, "FILE(fifo).f_flags=%#o", h->f_flags);
		return;
	default:
		/* another pipe_objref: a PIPE before it, or none */
		ph->pipe_objref = below(&m->rng, 64);
		note(m, pipe_ref_ok(&m->im, p, ph->pipe_objref) ? FZ_MAY : FZ_REFUSE,
		     ph->pipe_objref == 0, "FILE_PIPE(fifo).pipe_objref=%u",
		     ph->pipe_objref);
	}
}

/*
 * FILE.inode_objref: a regular file's or a directory's INODE (0: none,
 * taken without a check), another INODE, another object's objref,
 * nothing's; on a file of another type, any (malformed)
 */
static void mut_file_inode(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file *h = REC(&m->im, i, struct ckpt_hdr_file);
	uint32_t old = h->inode_objref;
	int j;

	if (!by_path(h->type)) {
		j = img_find(&m->im, CKPT_HDR_INODE, 0);
		h->inode_objref = j >= 0 && chance(&m->rng, 50) ?
				  REC(&m->im, j, struct ckpt_hdr_inode)->objref :
				  other_u32(m, 0) ?: 1;
		note(m, FZ_REFUSE, true, "FILE(type %u).inode_objref=%u", h->type,
		     h->inode_objref);
		return;
	}
	h->inode_objref = inode_other_ref(m, i, old);
	if (h->inode_objref == old) {
		note(m, FZ_VALID, true, "FILE(type %u).inode_objref=%u, as it was",
		     h->type, old);
		return;
	}
	/* the same file is reopened: intact, if restart takes it */
	note(m, inode_image_ok(m) ? FZ_VALID : FZ_REFUSE, false,
	     "FILE(type %u).inode_objref=%u instead of %u", h->type,
	     h->inode_objref, old);
}

static void mut_file_owner(struct fz_mut *m, int i);

/* FILE: what every open file has; and the records of its type */
static void mut_file(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file *h = REC(&m->im, i, struct ckpt_hdr_file);
	bool inherited = h->type == CKPT_FILE_INHERITED;
	bool pipe = h->type == CKPT_FILE_PIPE;
	bool fifo = h->type == CKPT_FILE_FIFO;
	bool efd = h->type == CKPT_FILE_EVENTFD;
	bool epoll = h->type == CKPT_FILE_EPOLL;
	bool sfd = h->type == CKPT_FILE_SIGNALFD;
	bool tfd = h->type == CKPT_FILE_TIMERFD;
	bool ino = h->type == CKPT_FILE_INOTIFY;
	bool ux = h->type == CKPT_FILE_UNIX;
	bool unn = h->type == CKPT_FILE_MEMFD || h->type == CKPT_FILE_DELETED;
	bool pfd = h->type == CKPT_FILE_PIDFD;
	bool proc = h->type == CKPT_FILE_PROC;
	bool inet = h->type == CKPT_FILE_INET;
	enum fz_class cls;
	uint32_t bit;

	if (fifo && chance(&m->rng, 40)) {
		mut_fifo(m, i);
		return;
	}
	switch (below(&m->rng, 9)) {
	case 0: {
		const uint32_t refs[] = { 0, CKPT_MAX_FDS + 1024 + 1, 0xffffffff,
					  h->objref + 1000 };

		h->objref = PICK(&m->rng, refs);
		note(m, FZ_REFUSE, h->objref == 0 || h->objref > CKPT_MAX_FDS + 1024,
		     "FILE.objref=%u", h->objref);
		return;
	}
	case 1: {
		int j = img_find(&m->im, CKPT_HDR_FILE,
				 below(&m->rng, img_count(&m->im, CKPT_HDR_FILE)));
		uint32_t ref = REC(&m->im, j, struct ckpt_hdr_file)->objref;

		if (j == i)
			break;
		h->objref = ref;
		note(m, FZ_REFUSE, false, "FILE.objref=%u, used twice", ref);
		return;
	}
	case 2: {
		/* another type: the records that follow are not its own */
		uint32_t old = h->type;

		h->type = other_u32(m, old) % (CKPT_FILE_MAX + 2);
		if (h->type == old)
			h->type = 0;
		/* an INODE named by a file not reopened by path: malformed */
		note(m, FZ_REFUSE, !file_records(h->type) ||
		     !same_file_records(h->type, old) ||
		     (h->inode_objref && !by_path(h->type)),
		     "FILE.type=%u", h->type);
		return;
	}
	case 3:
		do
			bit = 1U << below(&m->rng, 32);
		while (bit & FILE_FLAGS_OK);
		h->f_flags |= bit;
		note(m, FZ_REFUSE, true, "FILE.f_flags|=%#o", bit);
		return;
	case 4:
		bit = PICK(&m->rng, ((const uint32_t[]){ O_APPEND, O_NONBLOCK, O_DSYNC,
			   O_NOATIME, O_PATH, O_NOFOLLOW, O_DIRECTORY, 1, 2, 3 }));
		h->f_flags ^= bit;
		/* a pipe end: O_NONBLOCK only, and its own end */
		cls = !pipe || bit == O_NONBLOCK ? FZ_MAY : FZ_REFUSE;
		/* a FIFO: any access mode but 3, O_NONBLOCK */
		if (fifo)
			cls = bit == O_NONBLOCK ||
			      (bit <= 3 && (h->f_flags & O_ACCMODE) != O_ACCMODE) ?
			      FZ_MAY : FZ_REFUSE;
		/* an eventfd, an epoll instance: O_RDWR, O_NONBLOCK or not */
		if (efd || epoll)
			cls = bit == O_NONBLOCK ? FZ_MAY : FZ_REFUSE;
		/* a signalfd, a timerfd: the same, and taken */
		if (sfd || tfd)
			cls = bit == O_NONBLOCK ? FZ_ACCEPT : FZ_REFUSE;
		/* an inotify instance: O_RDONLY, O_NONBLOCK or not, taken */
		if (ino)
			cls = bit == O_NONBLOCK ? FZ_ACCEPT : FZ_REFUSE;
		/* a unix socket: O_RDWR, O_NONBLOCK or not, taken */
		if (ux)
			cls = bit == O_NONBLOCK ? FZ_ACCEPT : FZ_REFUSE;
		/* a pidfd: the same (PIDFD_THREAD is FILE_PIDFD's flag) */
		if (pfd)
			cls = bit == O_NONBLOCK ? FZ_ACCEPT : FZ_REFUSE;
		/* a TCP or UDP socket: O_RDWR, O_NONBLOCK or not, taken */
		if (inet)
			cls = bit == O_NONBLOCK ? FZ_ACCEPT : FZ_REFUSE;
		/*
		 * a /proc file: opened again with its flags, which the file
		 * may not take (O_DIRECTORY, an access mode it has not)
		 */
		if (proc && bit == O_NONBLOCK)
			cls = FZ_ACCEPT;
		/*
		 * a memfd's or deleted file's open: an access mode and status
		 * flags, no O_DIRECTORY
		 */
		if (unn && bit == O_DIRECTORY && (h->f_flags & O_DIRECTORY))
			cls = FZ_REFUSE;
		note(m, cls, efd || epoll || sfd || tfd || ino || ux || pfd ||
		     inet || (bit != 1 && bit != 3),
		     "FILE(type %u).f_flags^=%#o", h->type, bit);
		return;
	case 5:
		if (chance(&m->rng, 40)) {
			h->pos = -1 - (int64_t)below(&m->rng, 1 << 20);
			note(m, FZ_REFUSE, true, "FILE.pos=%lld", (long long)h->pos);
		} else {
			h->pos = PICK(&m->rng, ((const int64_t[]){ 1, 4096, 1LL << 40,
				      INT64_MAX, h->pos + 1 }));
			note(m, inherited || pipe || fifo || efd || epoll || sfd ||
			     tfd || ino || ux || pfd || inet ? FZ_REFUSE : FZ_MAY,
			     true,
			     "FILE.pos=%lld",
			     (long long)h->pos);
		}
		return;
	case 6:
		mut_file_inode(m, i);
		return;
	case 7:
		mut_file_owner(m, i);
		return;
	default:
		mut_ext_tail(m, i);
		return;
	}
	mut_file_inode(m, i);
}

static void mut_proc_string(struct fz_mut *m, int f, int i);
static void mut_unix_string(struct fz_mut *m, int i);

/* STRING: the path a file is reopened by, or a unix socket bound to */
static void mut_string(struct fz_mut *m, int i)
{
	struct ckpt_hdr_string *h = REC(&m->im, i, struct ckpt_hdr_string);
	int f = file_owner(&m->im, i);
	uint32_t ftype = f < 0 ? 0 : REC(&m->im, f, struct ckpt_hdr_file)->type;
	uint32_t flags = f < 0 ? 0 : REC(&m->im, f, struct ckpt_hdr_file)->f_flags;
	char *s = (char *)(h + 1);
	enum fz_path_kind k;
	enum fz_class cls;

	if (ftype == CKPT_FILE_FIFO && chance(&m->rng, 40)) {
		mut_fifo(m, f);
		return;
	}
	/* the rules below are for a well-formed record */
	if (!h->len || h->len > m->im.r[i].len - sizeof(*h)) {
		note(m, FZ_REFUSE, true, "STRING already bad");
		return;
	}
	switch (below(&m->rng, 9)) {
	case 0:
		h->len = other_u32(m, h->len);
		note(m, FZ_REFUSE, true, "STRING.len=%u", h->len);
		return;
	case 1:
		RESERVED(m, h->__reserved, "STRING.__reserved");
		return;
	case 2:
		s[h->len - 1] = PICK(&m->rng, ((const char[]){ 'x', '/', '\n' }));
		note(m, FZ_REFUSE, true, "STRING without its NUL");
		return;
	case 3:
		if (h->len < 2)
			break;
		s[below(&m->rng, h->len - 1)] = '\0';
		note(m, FZ_REFUSE, true, "STRING with a NUL inside");
		return;
	case 4:
		/* not extensible: len and h.len agree exactly */
		rec_resize(&m->im, i, m->im.r[i].len + 8 * (1 + below(&m->rng, 4)));
		note(m, FZ_REFUSE, true, "STRING record longer than its string");
		return;
	default:
		break;
	}
	/* a /proc file's: the procfs mount, the path below the task */
	if (ftype == CKPT_FILE_PROC) {
		mut_proc_string(m, f, i);
		return;
	}
	/* a unix socket's: where its socket inode is */
	if (ftype == CKPT_FILE_UNIX) {
		mut_unix_string(m, i);
		return;
	}
	/* another path */
	k = below(&m->rng, P_NR);
	set_string(&m->im, i, sizeof(*h), &h->len, 0, path_of(m->c, k));
	switch (ftype) {
	case CKPT_FILE_REG:
		cls = k == P_FILE ? FZ_MAY :
		      k == P_SECRET ? (m->c->uid ? FZ_REFUSE : FZ_MAY) :
		      k == P_ROOTFILE ? (m->c->uid && (flags & O_ACCMODE) &&
					 !(flags & O_PATH) ? FZ_REFUSE : FZ_MAY) :
		      FZ_REFUSE;
		break;
	case CKPT_FILE_DIR:
		cls = k == P_DIR ? FZ_MAY :
		      k == P_SECRETDIR ? (m->c->uid ? FZ_REFUSE : FZ_MAY) : FZ_REFUSE;
		if (k == P_SECRETDIR && (flags & O_PATH))
			cls = FZ_MAY;
		break;
	case CKPT_FILE_CHR:
		/* /dev/null is what most CHR records already are */
		cls = k == P_DEV ? FZ_MAY : FZ_REFUSE;
		break;
	default:
		cls = FZ_REFUSE;
	}
	/*
	 * Another file at the path than the INODE its FILE names: ESTALE,
	 * unless the restarter takes it (or the FILE is made to name none)
	 */
	if (cls != FZ_REFUSE && by_path(ftype) && !inode_image_ok(m)) {
		note(m, FZ_REFUSE, false, "STRING(type %u)=\"%s\", another file than its INODE",
		     ftype, path_of(m->c, k));
		return;
	}
	note(m, cls, true, "STRING(type %u)=\"%s\"", ftype, path_of(m->c, k));
}

/* FILE_CHR: the device a CHR file's path must still lead to */
static void mut_file_chr(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_chr *h = REC(&m->im, i, struct ckpt_hdr_file_chr);
	uint64_t old = h->rdev;

	if (chance(&m->rng, 30)) {
		mut_ext_tail(m, i);
		return;
	}
	h->rdev = other_u64(m, old);
	if (chance(&m->rng, 50))
		h->rdev = PICK(&m->rng, ((const uint64_t[]){ 0x103, 0x105, 0x107,
			       0x108, 0x109, 0x401, 0x500 }));
	/* another memory device is not the one the path leads to */
	note(m, h->rdev == old ? FZ_VALID : FZ_REFUSE, true,
	     "FILE_CHR.rdev=%#llx", (unsigned long long)h->rdev);
}

/* FILE_INHERIT: the restarter's fd an inherited file is */
static void mut_file_inherit(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_inherit *h = REC(&m->im, i, struct ckpt_hdr_file_inherit);

	switch (below(&m->rng, 4)) {
	case 0:
		h->fd = CKPT_MAX_FDS + below(&m->rng, 1000000);
		note(m, FZ_REFUSE, true, "FILE_INHERIT.fd=%u", h->fd);
		return;
	case 1:
		h->fd = below(&m->rng, 1024);
		note(m, FZ_MAY, true, "FILE_INHERIT.fd=%u", h->fd);
		return;
	case 2: {
		/* what an inherited file was: only its log line changes */
		const uint32_t kinds[] = { 0, CKPT_INHERIT_TTY, CKPT_INHERIT_PIPE,
					   CKPT_INHERIT_SOCKET, CKPT_INHERIT_MAX,
					   0xffffffff };
		uint32_t old = h->kind;

		h->kind = PICK(&m->rng, kinds);
		if (h->kind == old)
			h->kind = 0;
		note(m, h->kind && h->kind < CKPT_INHERIT_MAX ? FZ_VALID : FZ_REFUSE,
		     true, "FILE_INHERIT.kind=%u", h->kind);
		return;
	}
	default:
		mut_ext_tail(m, i);
	}
}

/* FILE_PIPE: the PIPE record of a pipe end or a FIFO */
static void mut_file_pipe(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_pipe *h = REC(&m->im, i, struct ckpt_hdr_file_pipe);
	int f = file_owner(&m->im, i);

	switch (below(&m->rng, 4)) {
	case 0:
		h->pipe_objref = PICK(&m->rng, ((const uint32_t[]){ 0,
				      f < 0 ? 1 : REC(&m->im, f, struct ckpt_hdr_file)->objref,
				      h->pipe_objref + 1, 0xffffffff }));
		break;
	case 1:
		h->pipe_objref = below(&m->rng, 64);
		break;
	case 2:
		RESERVED(m, h->__reserved, "FILE_PIPE.__reserved");
		return;
	default:
		mut_ext_tail(m, i);
		return;
	}
	note(m, pipe_ref_ok(&m->im, i, h->pipe_objref) ? FZ_MAY : FZ_REFUSE,
	     h->pipe_objref == 0, "FILE_PIPE(type %u).pipe_objref=%u",
	     file_type_of(&m->im, i), h->pipe_objref);
}

/* FILE_EVENTFD: an eventfd's counter and flags */
static void mut_file_eventfd(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_eventfd *h = REC(&m->im, i, struct ckpt_hdr_file_eventfd);

	switch (below(&m->rng, 6)) {
	case 0:
		/* the one value a counter cannot hold */
		h->count = ~0ULL;
		note(m, FZ_REFUSE, true, "FILE_EVENTFD.count=2^64-1");
		return;
	case 1:
		h->count = PICK(&m->rng, ((const uint64_t[]){ 0, 1, ~0ULL - 1,
				h->count + 1, 1ULL << 63 }));
		note(m, FZ_MAY, true, "FILE_EVENTFD.count=%llu",
		     (unsigned long long)h->count);
		return;
	case 2:
		h->flags ^= CKPT_EFD_SEMAPHORE;
		note(m, FZ_MAY, true, "FILE_EVENTFD.flags=%#x", h->flags);
		return;
	case 3:
		h->flags |= 1U << (1 + below(&m->rng, 31));
		note(m, FZ_REFUSE, true, "FILE_EVENTFD.flags=%#x", h->flags);
		return;
	case 4:
		RESERVED(m, h->__reserved, "FILE_EVENTFD.__reserved");
		return;
	default:
		mut_ext_tail(m, i);
	}
}

/* ---- pidfds: FILE_PIDFD ------------------------------------------------- */

/*
 * Is @pid, in a FILE_PIDFD, one restart takes: a process of the TREE, or
 * with @thread any task of it?
 */
static bool pfd_task_ok(const struct fz_img *im, int32_t pid, bool thread)
{
	int t = img_find(im, CKPT_HDR_TREE, 0);
	const struct ckpt_hdr_tree *h;
	const struct ckpt_task_pids *p;
	uint32_t k;

	if (t < 0 || pid <= 0)
		return false;
	h = REC(im, t, struct ckpt_hdr_tree);
	p = (const struct ckpt_task_pids *)(h + 1);
	for (k = 0; k < h->nr_tasks &&
	     sizeof(*h) + (k + 1) * sizeof(*p) <= im->r[t].len; k++)
		if (p[k].pid == pid)
			return thread || p[k].pid == p[k].tgid;
	return false;
}

/* A pid of the TREE, any task's; 0 if there is none */
static int32_t pfd_tree_pid(struct fz_mut *m)
{
	int t = img_find(&m->im, CKPT_HDR_TREE, 0);
	const struct ckpt_hdr_tree *h;
	uint32_t n;

	if (t < 0)
		return 0;
	h = REC(&m->im, t, struct ckpt_hdr_tree);
	n = (m->im.r[t].len - sizeof(*h)) / sizeof(struct ckpt_task_pids);
	if (h->nr_tasks < n)
		n = h->nr_tasks;
	return n ? ((const struct ckpt_task_pids *)(h + 1))[below(&m->rng, n)].pid : 0;
}

/*
 * FILE_PIDFD: the task a pidfd refers to, by its pid in the TREE, and
 * its flags. A pid not above 0 or an unknown flag is the record's own
 * fault; a pid of no process of the TREE (of no task, for a thread's
 * pidfd) is refused for the TREE's. Another task of the tree, or
 * CKPT_PIDFD_F_THREAD toggled on the one task (a process and a thread),
 * is taken, and the program may see it. CKPT_PIDFD_F_REAPED makes the
 * pid an objref of a reaped task: taken, or refused when that objref is
 * another object's.
 */
static void mut_file_pidfd(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_pidfd *h = REC(&m->im, i, struct ckpt_hdr_file_pidfd);
	const int32_t old = h->pid;
	enum fz_class cls;

	switch (below(&m->rng, 7)) {
	case 0:
		h->pid = PICK(&m->rng, ((const int32_t[]){ 0, -1, INT_MIN,
				-(old & INT_MAX) }));
		note(m, FZ_REFUSE, true, "FILE_PIDFD.pid=%d", h->pid);
		return;
	case 5:
		h->flags ^= CKPT_PIDFD_F_REAPED;
		note(m, FZ_MAY, false, "FILE_PIDFD.flags=%#x", h->flags);
		return;
	case 1:
	case 2:
		/* another pid: of the tree (the same, in a tree of one), or not */
		h->pid = PICK(&m->rng, ((const int32_t[]){ pfd_tree_pid(m),
				old + 1, old - 1, 1, INT_MAX }));
		cls = !pfd_task_ok(&m->im, h->pid, h->flags & CKPT_PIDFD_F_THREAD) ?
		      FZ_REFUSE : h->pid == old ? FZ_VALID : FZ_ACCEPT;
		note(m, cls, h->pid <= 0, "FILE_PIDFD.pid=%d", h->pid);
		return;
	case 3:
		h->flags ^= CKPT_PIDFD_F_THREAD;
		note(m, pfd_task_ok(&m->im, h->pid, h->flags & CKPT_PIDFD_F_THREAD) ?
		     FZ_ACCEPT : FZ_REFUSE, false, "FILE_PIDFD.flags=%#x", h->flags);
		return;
	case 4:
		h->flags |= 1U << (2 + below(&m->rng, 30));
		note(m, FZ_REFUSE, true, "FILE_PIDFD.flags=%#x", h->flags);
		return;
	default:
		mut_ext_tail(m, i);
	}
}

/* ---- TCP and UDP sockets: FILE_INET ------------------------------------- */

/*
 * Does restart refuse the FILE_INET @h for its own fields, as a
 * malformed record: a family but AF_INET and AF_INET6, a protocol but
 * TCP and UDP, a TCP state but CLOSE, ESTABLISHED and LISTEN, a UDP
 * state but CLOSE and ESTABLISHED, a listener without a port or with a
 * backlog above INT_MAX, a backlog on a socket not listening, a
 * connected socket without its port or its peer's, a TCP connection
 * without its address or its peer's, a peer on a socket not connected,
 * unknown flags, IP flags or TCP flags, IPV6_V6ONLY or an IPv6 option on
 * an AF_INET socket, a TCP field on a UDP socket, TCP_LINGER2 below -1,
 * a shutdown of a TCP socket, rcvlowat below 1, an unknown path
 * MTU discovery mode, a TTL but -1 and 1 to 255, hops out of -1 to 255,
 * IPv6 options on AF_INET, a bound port 0 or bound address any, an
 * address bind() did not choose on a socket not connected,
 * a linger time above INT_MAX, datagrams queued on a TCP socket or
 * more than CKPT_MAX_INET_DGRAMS of them, the reserved field, an IPv4
 * address with a byte
 * past its 4. (That as many INET_DGRAM records follow as nr_dgrams says,
 * and a TCP_CONN an established TCP connection's, are the image's rules:
 * see mut_file_inet(), inet_conn_rule().)
 */
static bool inet_bad(const struct ckpt_hdr_file_inet *h)
{
	static const __u8 zero[16];
	bool v4 = h->family == AF_INET, tcp = h->protocol == IPPROTO_TCP;
	bool udp = h->protocol == IPPROTO_UDP;

	if ((!v4 && h->family != AF_INET6) || (!tcp && !udp))
		return true;
	if (h->state != FZ_INET_CLOSE && h->state != FZ_INET_ESTABLISHED &&
	    (!tcp || h->state != FZ_INET_LISTEN))
		return true;
	if (tcp && h->state == FZ_INET_ESTABLISHED &&
	    (!memcmp(h->laddr, zero, 16) || !memcmp(h->raddr, zero, 16)))
		return true;
	if ((h->state == FZ_INET_LISTEN && (!h->lport || h->backlog > INT_MAX)) ||
	    (h->state == FZ_INET_ESTABLISHED && (!h->rport || !h->lport)) ||
	    (h->state != FZ_INET_LISTEN && h->backlog))
		return true;
	if (h->state != FZ_INET_ESTABLISHED &&
	    (h->rport || memcmp(h->raddr, zero, 16)))
		return true;
	if ((h->flags & ~CKPT_INET_FLAGS_MASK) ||
	    (h->ip_flags & ~CKPT_INET_IP_FLAGS_MASK) ||
	    (h->tcp_flags & ~CKPT_INET_TCP_FLAGS_MASK))
		return true;
	if (v4 && ((h->flags & CKPT_INET_V6ONLY) ||
		   (h->ip_flags & FZ_INET_IPV6_FLAGS)))
		return true;
	if (udp && (h->tcp_flags || h->defer_accept ||
		    h->keepidle || h->keepintvl || h->keepcnt ||
		    h->user_timeout || h->maxseg || h->syncnt || h->linger2 ||
		    h->notsent_lowat || h->window_clamp || h->fastopen))
		return true;
	if (h->linger2 < -1)
		return true;
	if (tcp && (h->flags & (CKPT_INET_SHUT_RD | CKPT_INET_SHUT_WR)))
		return true;
	if (h->rcvlowat < 1 ||
	    h->pmtudisc > FZ_INET_PMTUDISC_MAX ||
	    h->pmtudisc6 > FZ_INET_PMTUDISC_MAX)
		return true;
	if ((h->ttl != -1 && (h->ttl < 1 || h->ttl > 255)) ||
	    h->hops < -1 || h->hops > 255)
		return true;
	if (h->linger > INT_MAX ||
	    h->nr_dgrams > (tcp ? 0 : CKPT_MAX_INET_DGRAMS) || h->__reserved)
		return true;
	/* IPv6 options on AF_INET: their defaults (IPV6_PMTUDISC_WANT 1) */
	if (v4 && (h->tclass || h->hops != -1 || h->pmtudisc6 != 1))
		return true;
	/* what bind() chose: a port, an address that is not any */
	if ((h->flags & CKPT_INET_BOUND_PORT && !h->lport) ||
	    (h->flags & CKPT_INET_BOUND_ADDR && !memcmp(h->laddr, zero, 16)) ||
	    (!(h->flags & CKPT_INET_BOUND_ADDR) &&
	     h->state != FZ_INET_ESTABLISHED && memcmp(h->laddr, zero, 16)))
		return true;
	return v4 && (memcmp(h->laddr + 4, zero, 12) ||
		      memcmp(h->raddr + 4, zero, 12));
}

/* An address for a FILE_INET's laddr or raddr (of @family's bytes) */
static void inet_addr_pick(struct fz_mut *m, __u8 *addr, uint32_t family)
{
	static const char *const v4[] = {
		"127.0.0.1", "127.0.0.2", "0.0.0.0", "10.9.8.7",
		"255.255.255.255", "224.0.0.1",
	};
	static const char *const v6[] = {
		"::1", "::", "::ffff:127.0.0.1", "fe80::1", "2001:db8::1",
		"ff02::1",
	};

	memset(addr, 0, 16);
	if (family == AF_INET6 || (family != AF_INET && chance(&m->rng, 50)))
		inet_pton(AF_INET6, PICK(&m->rng, v6), addr);
	else
		inet_pton(AF_INET, PICK(&m->rng, v4), addr);
	/* now and then a byte past an IPv4 address's 4 */
	if (chance(&m->rng, 20))
		addr[4 + below(&m->rng, 12)] = 1 + below(&m->rng, 255);
}

/* A known flag of @mask, or (now and then) an unknown one */
static uint32_t inet_bit(struct fz_mut *m, uint32_t mask)
{
	uint32_t bit;

	if (chance(&m->rng, 25)) {
		do
			bit = 1U << below(&m->rng, 32);
		while (bit & mask);
		return bit;
	}
	do
		bit = 1U << below(&m->rng, 32);
	while (!(bit & mask));
	return bit;
}

/*
 * Is the FILE_INET record @i followed by what restart reads after it for
 * a TCP connection: a TCP_CONN right after it when (and only when) it is
 * an established TCP connection? (Else restart finds no TCP_CONN where
 * it reads one, "expected a tcp_conn record", or one where it reads
 * another record, "expected a file or fdtable record, found tcp_conn".)
 */
static bool inet_conn_rule(const struct fz_img *im, int i)
{
	const struct ckpt_hdr_file_inet *h = REC(im, i, struct ckpt_hdr_file_inet);
	bool want = im->r[i].len >= sizeof(*h) &&
		    h->protocol == IPPROTO_TCP &&
		    h->state == FZ_INET_ESTABLISHED;
	bool has = i + 1 < im->n && im->r[i + 1].type == CKPT_HDR_TCP_CONN;

	return want == has;
}

/*
 * FILE_INET: a TCP or UDP socket. Its family, protocol, state, an
 * address or a port, a flag, an IP flag or a TCP flag toggled, its
 * backlog, its buffers, rcvlowat or peek_off, its timeouts, priority,
 * mark or linger time, its IP and IPv6 options, a TCP option, its count
 * of datagrams queued, the reserved field, or the record made longer. A
 * record that breaks a rule of its own (inet_bad()) is REFUSE, and so is
 * another count of datagrams than the INET_DGRAM records after it, and a
 * TCP socket made an established connection without a TCP_CONN after it
 * or the other way (inet_conn_rule()); anything else the record may say
 * is MAY: restart may take it, or find the port taken, the address not
 * local, the option beyond the restarter's privileges, a connection to
 * another peer than the image's.
 */
static void mut_file_inet(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_inet *h = REC(&m->im, i, struct ckpt_hdr_file_inet);
	struct ckpt_hdr_file_inet old;
	const char *what = "";
	uint64_t v = 0;

	if (m->im.r[i].len < sizeof(*h) || chance(&m->rng, 10)) {
		mut_ext_tail(m, i);
		return;
	}
	old = *h;
	switch (below(&m->rng, 16)) {
	case 0:
		h->family = PICK(&m->rng, ((const uint32_t[]){ AF_INET, AF_INET6,
				 0, AF_UNIX, AF_PACKET, AF_NETLINK, 0xffff,
				 0xffffffff }));
		what = "family";
		v = h->family;
		break;
	case 1:
		h->protocol = PICK(&m->rng, ((const uint32_t[]){ IPPROTO_TCP,
				   IPPROTO_UDP, 0, IPPROTO_ICMP, IPPROTO_UDPLITE,
				   IPPROTO_SCTP, IPPROTO_RAW, 0xffffffff }));
		what = "protocol";
		v = h->protocol;
		break;
	case 2:
		h->state = PICK(&m->rng, ((const uint32_t[]){ 0,
				FZ_INET_ESTABLISHED, 2, 3, 6, 8, FZ_INET_CLOSE,
				FZ_INET_LISTEN, 11, 12, 0xffffffff }));
		what = "state";
		v = h->state;
		break;
	case 3: {
		__u16 *port = chance(&m->rng, 50) ? &h->lport : &h->rport;
		__u16 other = ntohs(chance(&m->rng, 50) ? fz_in_lname.sin_port :
				    fz_in_uname.sin_port);

		*port = PICK(&m->rng, ((const __u16[]){ 0, 1, 80, 1023, 65535,
				*port + 1, other }));
		what = port == &h->lport ? "lport" : "rport";
		v = *port;
		break;
	}
	case 4:
		if (chance(&m->rng, 50)) {
			inet_addr_pick(m, h->laddr, h->family);
			what = "laddr";
		} else {
			inet_addr_pick(m, h->raddr, h->family);
			what = "raddr";
		}
		break;
	case 5:
		h->flags ^= inet_bit(m, CKPT_INET_FLAGS_MASK);
		what = "flags";
		v = h->flags;
		break;
	case 6:
		h->ip_flags ^= inet_bit(m, CKPT_INET_IP_FLAGS_MASK);
		what = "ip_flags";
		v = h->ip_flags;
		break;
	case 7:
		h->tcp_flags ^= inet_bit(m, CKPT_INET_TCP_FLAGS_MASK);
		what = "tcp_flags";
		v = h->tcp_flags;
		break;
	case 8:
		h->backlog = PICK(&m->rng, ((const uint32_t[]){ 0, 1,
				  h->backlog + 1, 4096, 65535, 0x7fffffff,
				  0xffffffff }));
		what = "backlog";
		v = h->backlog;
		break;
	case 9:
		if (chance(&m->rng, 50)) {
			h->sndbuf = any_u32(m, h->sndbuf);
			h->flags ^= chance(&m->rng, 50) ? CKPT_INET_SNDBUF_LOCK : 0;
			what = "sndbuf";
			v = h->sndbuf;
		} else {
			h->rcvbuf = any_u32(m, h->rcvbuf);
			h->flags ^= chance(&m->rng, 50) ? CKPT_INET_RCVBUF_LOCK : 0;
			what = "rcvbuf";
			v = h->rcvbuf;
		}
		break;
	case 10:
		if (chance(&m->rng, 50)) {
			h->rcvlowat = PICK(&m->rng, ((const int32_t[]){ 1, 2, 0,
					   -1, INT32_MIN, INT32_MAX }));
			what = "rcvlowat";
			v = (uint32_t)h->rcvlowat;
		} else {
			h->peek_off = PICK(&m->rng, ((const int32_t[]){ -1, 0, 5,
					   -2, INT32_MIN, INT32_MAX }));
			what = "peek_off";
			v = (uint32_t)h->peek_off;
		}
		break;
	case 11:
		switch (below(&m->rng, 5)) {
		case 0:
			h->sndtimeo_us = any_u64(m, h->sndtimeo_us);
			what = "sndtimeo_us";
			v = h->sndtimeo_us;
			break;
		case 1:
			h->rcvtimeo_us = any_u64(m, h->rcvtimeo_us);
			what = "rcvtimeo_us";
			v = h->rcvtimeo_us;
			break;
		case 2:
			h->priority = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 6,
					   7, 0xffffffff }));
			what = "priority";
			v = h->priority;
			break;
		case 3:
			h->mark = any_u32(m, h->mark);
			what = "mark";
			v = h->mark;
			break;
		default:
			h->linger = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 60,
					 0xffffffff }));
			if (chance(&m->rng, 50))
				h->flags ^= CKPT_INET_LINGER;
			what = "linger";
			v = h->linger;
		}
		break;
	case 12:
		switch (below(&m->rng, 6)) {
		case 0:
			h->tos = rnd(&m->rng);
			what = "tos";
			v = h->tos;
			break;
		case 1:
			h->tclass = rnd(&m->rng);
			what = "tclass";
			v = h->tclass;
			break;
		case 2:
			h->pmtudisc = below(&m->rng, 8);
			what = "pmtudisc";
			v = h->pmtudisc;
			break;
		case 3:
			h->pmtudisc6 = below(&m->rng, 8);
			what = "pmtudisc6";
			v = h->pmtudisc6;
			break;
		case 4:
			h->ttl = PICK(&m->rng, ((const int16_t[]){ -1, 1, 64, 255,
				      0, 256, -2, INT16_MIN, INT16_MAX }));
			what = "ttl";
			v = (uint16_t)h->ttl;
			break;
		default:
			h->hops = PICK(&m->rng, ((const int16_t[]){ -1, 0, 1, 255,
				       256, -2, INT16_MIN, INT16_MAX }));
			what = "hops";
			v = (uint16_t)h->hops;
		}
		break;
	case 13: {
		/* a TCP field, tcp_flags to fastopen */
		static const struct { size_t off; const char *name; } tf[] = {
			{ offsetof(struct ckpt_hdr_file_inet, defer_accept), "defer_accept" },
			{ offsetof(struct ckpt_hdr_file_inet, keepidle), "keepidle" },
			{ offsetof(struct ckpt_hdr_file_inet, keepintvl), "keepintvl" },
			{ offsetof(struct ckpt_hdr_file_inet, keepcnt), "keepcnt" },
			{ offsetof(struct ckpt_hdr_file_inet, user_timeout), "user_timeout" },
			{ offsetof(struct ckpt_hdr_file_inet, maxseg), "maxseg" },
			{ offsetof(struct ckpt_hdr_file_inet, syncnt), "syncnt" },
			{ offsetof(struct ckpt_hdr_file_inet, linger2), "linger2" },
			{ offsetof(struct ckpt_hdr_file_inet, notsent_lowat), "notsent_lowat" },
			{ offsetof(struct ckpt_hdr_file_inet, window_clamp), "window_clamp" },
			{ offsetof(struct ckpt_hdr_file_inet, fastopen), "fastopen" },
		};
		unsigned int k = below(&m->rng, sizeof(tf) / sizeof(tf[0]));
		uint32_t x = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 3, 60, 536,
				  65535, 0x7fffffff, 0xfffffffe, 0xffffffff }));

		memcpy((unsigned char *)h + tf[k].off, &x, sizeof(x));
		what = tf[k].name;
		v = x;
		break;
	}
	case 14:
		RESERVED(m, h->__reserved, "FILE_INET.__reserved");
		return;
	default: {
		/* restart reads as many INET_DGRAM records as it says */
		uint32_t had = old.nr_dgrams;

		h->nr_dgrams = PICK(&m->rng, ((const uint32_t[]){ had + 1,
				    had - 1, had + 2, 0, 1, CKPT_MAX_INET_DGRAMS,
				    CKPT_MAX_INET_DGRAMS + 1, 0xffffffff }));
		if (h->nr_dgrams == had)
			h->nr_dgrams = had + 1;
		note(m, FZ_REFUSE, true,
		     "FILE_INET(protocol %u).nr_dgrams=%u, %u INET_DGRAM records after it",
		     h->protocol, h->nr_dgrams, had);
		return;
	}
	}
	/* an established TCP connection has its TCP_CONN, nothing else one */
	note(m, inet_bad(h) || !inet_conn_rule(&m->im, i) ? FZ_REFUSE :
	     !memcmp(h, &old, sizeof(old)) ? FZ_VALID : FZ_MAY, true,
	     "FILE_INET(family %u, protocol %u, state %u).%s=%#llx", h->family,
	     h->protocol, h->state, what, (unsigned long long)v);
}

/* ---- a UDP socket's datagrams: INET_DGRAM ------------------------------ */

#define FZ_DG_HDR	sizeof(struct ckpt_hdr_inet_dgram)

/*
 * The rules restart checks on the INET_DGRAM @d (of @len bytes of record)
 * alone: its length, at most CKPT_INET_DGRAM_MAX (an IPv4 one 65507),
 * the record's ALIGN(88 + len, 8) bytes, its padding zero; a family
 * AF_INET or AF_INET6; an IPv4 address of 4 bytes; a flow label on IPv6
 * only, of 20 bits; ipi_spec_dst on IPv4 only; an ifindex >= 0 and a
 * device name NUL-terminated and zero-padded, there iff the ifindex is;
 * the reserved words zero
 */
static bool inet_dgram_bad(const struct ckpt_hdr_inet_dgram *d, uint32_t len)
{
	static const uint8_t zero[16];
	bool v4 = d->family == AF_INET, v6 = d->family == AF_INET6;
	const char *nul = memchr(d->ifname, 0, sizeof(d->ifname));
	const uint8_t *pad;
	uint32_t k;

	if (d->len > CKPT_INET_DGRAM_MAX || (v4 && d->len > 65507) ||
	    len != ((FZ_DG_HDR + (uint64_t)d->len + 7) & ~7ULL))
		return true;
	pad = (const uint8_t *)(d + 1) + d->len;
	for (k = 0; k < len - FZ_DG_HDR - d->len; k++)
		if (pad[k])
			return true;
	if (!v4 && !v6)
		return true;
	if (v4 && (d->flowlabel || memcmp(d->saddr + 4, zero, 12) ||
		   memcmp(d->daddr + 4, zero, 12)))
		return true;
	if (v6 && (d->flowlabel > 0xfffff || memcmp(d->spec_dst, zero, 4)))
		return true;
	if (d->ifindex < 0 || !nul ||
	    memcmp(nul, zero, sizeof(d->ifname) - (nul - d->ifname)) ||
	    !d->ifindex != !d->ifname[0])
		return true;
	return d->__reserved[0] || d->__reserved[1];
}

/*
 * The rules that depend on the socket's FILE_INET @sk too (NULL: none
 * before the record): an IPv6 datagram on an AF_INET6 socket only, an
 * IPv4 one not on an IPv6-only socket
 */
static bool inet_dgram_bad_on(const struct ckpt_hdr_inet_dgram *d,
			      const struct ckpt_hdr_file_inet *sk)
{
	if (!sk)
		return true;
	if (d->family == AF_INET6 && sk->family != AF_INET6)
		return true;
	return d->family == AF_INET && (sk->flags & CKPT_INET_V6ONLY);
}

/*
 * INET_DGRAM: a datagram queued on a UDP socket, after its FILE_INET.
 * Its length (the record's too, or not), a byte of its data, its family,
 * its TOS, TTL or ports, an address (a byte past an IPv4 one's 4 now and
 * then), its flow label, its device (ifindex, name), its ipi_spec_dst, a
 * byte of its padding, a reserved word. A record that breaks a rule of
 * its own (inet_dgram_bad()) is REFUSE, one that breaks a rule of its
 * socket's (inet_dgram_bad_on(): another mutation of the FILE_INET may
 * mend it) too; other data (bytes, TOS, TTL, ports, addresses, flow
 * label) restart must take (ACCEPT: the program finds another datagram
 * than it sent); another length or family, another device (restart
 * refuses one the restarter's network namespace does not have, ENODEV),
 * may be taken or refused (MAY).
 */
static void mut_inet_dgram(struct fz_mut *m, int i)
{
	struct ckpt_hdr_inet_dgram *d = REC(&m->im, i, struct ckpt_hdr_inet_dgram);
	const struct ckpt_hdr_file_inet *sk = NULL;
	enum fz_class taken = FZ_ACCEPT;
	struct ckpt_hdr_inet_dgram old;
	const char *what = "";
	unsigned char *orig;
	uint32_t nlen, olen;
	uint64_t v = 0;
	bool same;
	int j;

	if (m->im.r[i].len < FZ_DG_HDR || m->im.r[i].len < FZ_DG_HDR + d->len) {
		RESERVED(m, d->__reserved[0], "INET_DGRAM.__reserved[0]");
		return;
	}
	for (j = i - 1; j > 0 && m->im.r[j].type == CKPT_HDR_INET_DGRAM; j--)
		;
	if (j >= 0 && m->im.r[j].type == CKPT_HDR_FILE_INET &&
	    m->im.r[j].len >= sizeof(*sk))
		sk = REC(&m->im, j, struct ckpt_hdr_file_inet);
	old = *d;
	olen = m->im.r[i].len;
	orig = fz_dup(m->im.r[i].p, olen, olen);
	switch (below(&m->rng, 13)) {
	case 0:
		/* another length, the record's left as it is */
		d->len = PICK(&m->rng, ((const uint32_t[]){ 0, old.len + 1,
			      old.len + 8, old.len - 1, 65507, 65508,
			      CKPT_INET_DGRAM_MAX + 1, 0xffffffff }));
		what = "len";
		v = d->len;
		taken = FZ_MAY;
		break;
	case 1:
		/* another length, and the record's: its bytes cut or added */
		nlen = PICK(&m->rng, ((const uint32_t[]){ 0, 1,
			    old.len ? old.len - 1 : 0, old.len + 1, old.len + 9,
			    4096, 65507, 65508, CKPT_INET_DGRAM_MAX,
			    CKPT_INET_DGRAM_MAX + 1 }));
		rec_resize(&m->im, i, (FZ_DG_HDR + nlen + 7) & ~7UL);
		d = REC(&m->im, i, struct ckpt_hdr_inet_dgram);
		/* bytes added: 'z'; padding: zero */
		memset((unsigned char *)(d + 1) + (old.len < nlen ? old.len : nlen),
		       'z', nlen > old.len ? nlen - old.len : 0);
		memset((unsigned char *)(d + 1) + nlen, 0,
		       m->im.r[i].len - FZ_DG_HDR - nlen);
		d->len = nlen;
		what = "len (and the record's)";
		v = nlen;
		taken = FZ_MAY;
		break;
	case 2:
		if (!d->len) {
			d->len = 0;
			what = "len (empty: no byte to change)";
			break;
		}
		j = below(&m->rng, d->len);
		((unsigned char *)(d + 1))[j] ^= 1 + below(&m->rng, 255);
		what = "a byte of its data";
		v = j;
		break;
	case 3:
		d->family = PICK(&m->rng, ((const uint16_t[]){ AF_INET, AF_INET6,
				 0, AF_UNIX, AF_PACKET, 0xffff }));
		what = "family";
		v = d->family;
		taken = FZ_MAY;
		break;
	case 4:
		if (chance(&m->rng, 50)) {
			d->tos = rnd(&m->rng);
			what = "tos";
			v = d->tos;
		} else {
			d->ttl = rnd(&m->rng);
			what = "ttl";
			v = d->ttl;
		}
		break;
	case 5:
		if (chance(&m->rng, 50)) {
			d->sport = PICK(&m->rng, ((const uint16_t[]){ 0, 1, 53,
					65535, d->sport + 1 }));
			what = "sport";
			v = d->sport;
		} else {
			d->dport = PICK(&m->rng, ((const uint16_t[]){ 0, 1, 53,
					65535, d->dport + 1 }));
			what = "dport";
			v = d->dport;
		}
		break;
	case 6:
		if (chance(&m->rng, 50)) {
			inet_addr_pick(m, d->saddr, d->family);
			what = "saddr";
		} else {
			inet_addr_pick(m, d->daddr, d->family);
			what = "daddr";
		}
		break;
	case 7:
		d->flowlabel = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 0x12345,
				    0xfffff, 0x100000, 0x80000000, 0xffffffff }));
		what = "flowlabel";
		v = d->flowlabel;
		break;
	case 8: {
		/* its device: an ifindex, a name, or both */
		static const char *const names[] = { "", "lo", "eth0",
			"nosuchdev0", "0123456789abcdef" };
		const char *n = PICK(&m->rng, names);

		if (chance(&m->rng, 60))
			d->ifindex = PICK(&m->rng, ((const int32_t[]){ 0, 1, 2,
					  99, -1, INT32_MIN, INT32_MAX }));
		if (chance(&m->rng, 60)) {
			memset(d->ifname, 0, sizeof(d->ifname));
			memcpy(d->ifname, n, strlen(n));
			/* now and then a byte after its NUL */
			if (chance(&m->rng, 15) && strlen(n) < 15)
				d->ifname[15] = 'x';
		}
		what = "ifindex/ifname";
		v = (uint32_t)d->ifindex;
		taken = FZ_MAY;
		break;
	}
	case 9:
		d->spec_dst[below(&m->rng, 4)] = rnd(&m->rng);
		what = "spec_dst";
		v = d->spec_dst[0] | d->spec_dst[1] << 8 | d->spec_dst[2] << 16 |
		    (uint32_t)d->spec_dst[3] << 24;
		break;
	case 10:
		if (m->im.r[i].len > FZ_DG_HDR + d->len) {
			j = FZ_DG_HDR + d->len +
			    below(&m->rng, m->im.r[i].len - FZ_DG_HDR - d->len);
			m->im.r[i].p[j] = 1 + below(&m->rng, 255);
			what = "a byte of its padding";
			v = j;
		} else {
			d->len = d->len + 1;
			what = "len, past its record (no padding)";
			v = d->len;
		}
		break;
	default:
		if (chance(&m->rng, 50))
			RESERVED(m, d->__reserved[0], "INET_DGRAM.__reserved[0]");
		else
			RESERVED(m, d->__reserved[1], "INET_DGRAM.__reserved[1]");
		free(orig);
		return;
	}
	same = m->im.r[i].len == olen && !memcmp(m->im.r[i].p, orig, olen);
	free(orig);
	if (inet_dgram_bad(d, m->im.r[i].len))
		note(m, FZ_REFUSE, true, "INET_DGRAM(family %u, %u bytes).%s=%#llx",
		     d->family, d->len, what, (unsigned long long)v);
	else if (inet_dgram_bad_on(d, sk))
		note(m, FZ_REFUSE, false,
		     "INET_DGRAM(family %u on a socket of family %u%s).%s=%#llx",
		     d->family, sk ? sk->family : 0,
		     sk && (sk->flags & CKPT_INET_V6ONLY) ? ", IPv6-only" : "",
		     what, (unsigned long long)v);
	else
		note(m, same ? FZ_VALID : taken, true,
		     "INET_DGRAM(family %u, %u bytes).%s=%#llx", d->family,
		     d->len, what, (unsigned long long)v);
}

/* ---- an established TCP connection: TCP_CONN ------------------------- */

#define FZ_TC_HDR	sizeof(struct ckpt_hdr_tcp_conn)
#define FZ_TCP_WINDOW_MAX	(65535U << 14)	/* the field's, scaled by 14 */
#define FZ_TCP_MAX_WSCALE	14
#define FZ_TCP_MIN_MSS		48		/* TCP_MIN_SND_MSS */

/* TCP's comparison of sequence numbers, modulo 2^32: is @a after @b? */
static bool fz_tcp_after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

/*
 * The rules restart checks on the TCP_CONN @c (of @len bytes of record)
 * alone (ckpt_tcp_conn_ok(): "malformed TCP connection"): the struct
 * whole; options within CKPT_TCP_OPTS_MASK, the reserved word zero; the
 * send queue (write_seq - snd_una) and the receive queue (rcv_nxt -
 * copied_seq), modulo 2^32, at most CKPT_TCP_QUEUE_MAX bytes each,
 * snd_nxt - snd_una at most the send queue; the record's length the
 * struct and both queues rounded up to 8; an MSS of at least 48; with
 * CKPT_TCP_WSCALE scales of at most 14, without it none; max_window at
 * least snd_wnd; max_window and rcv_wnd at most 65535 (no window
 * scaling) or 65535 << 14; snd_wl1 not after rcv_nxt + rcv_wnd, rcv_wup
 * not after rcv_nxt. (Padding is not looked at.)
 */
static bool tcp_conn_bad(const struct ckpt_hdr_tcp_conn *c, uint32_t len)
{
	uint32_t sndq, rcvq, wmax;

	if (len < FZ_TC_HDR)
		return true;
	sndq = c->write_seq - c->snd_una;
	rcvq = c->rcv_nxt - c->copied_seq;
	wmax = c->opts & CKPT_TCP_WSCALE ? FZ_TCP_WINDOW_MAX : 65535;
	if ((c->opts & ~(uint32_t)CKPT_TCP_OPTS_MASK) || c->__reserved)
		return true;
	if (sndq > CKPT_TCP_QUEUE_MAX || rcvq > CKPT_TCP_QUEUE_MAX ||
	    c->snd_nxt - c->snd_una > sndq)
		return true;
	if (len != ((FZ_TC_HDR + (uint64_t)sndq + rcvq + 7) & ~7ULL))
		return true;
	if (c->mss < FZ_TCP_MIN_MSS)
		return true;
	if (c->opts & CKPT_TCP_WSCALE ?
	    c->snd_wscale > FZ_TCP_MAX_WSCALE || c->rcv_wscale > FZ_TCP_MAX_WSCALE :
	    c->snd_wscale || c->rcv_wscale)
		return true;
	if (c->max_window < c->snd_wnd || c->max_window > wmax ||
	    c->rcv_wnd > wmax)
		return true;
	return fz_tcp_after(c->snd_wl1, c->rcv_nxt + c->rcv_wnd) ||
	       fz_tcp_after(c->rcv_wup, c->rcv_nxt);
}

/*
 * TCP_CONN: an established TCP connection, after its FILE_INET. Its
 * sequence numbers one at a time (so that the queues disagree with the
 * record's length, pass 32 MiB, wrap backwards, or snd_nxt passes the
 * send queue) or one direction's all together (the queues as they were),
 * its windows, snd_wl1 and rcv_wup, its MSS, its window scales, an
 * option toggled or an unknown one, its timestamp clock, a byte of a
 * queue or of the padding, its receive queue made longer or shorter with
 * its record (bytes added: 'z'), the record alone cut or made longer, its
 * reserved word. A record that breaks a rule of its own (tcp_conn_bad())
 * is REFUSE, and so is one not right after the FILE_INET of an
 * established TCP connection; a byte of a queue restart must take
 * (ACCEPT: the program finds other bytes than were sent); anything else
 * (other sequence numbers, windows, options, clock: a connection the
 * peer may not follow; a padding byte, which restart does not read) MAY
 * be taken or refused.
 */
static void mut_tcp_conn(struct fz_mut *m, int i)
{
	struct ckpt_hdr_tcp_conn *c = REC(&m->im, i, struct ckpt_hdr_tcp_conn);
	const struct ckpt_hdr_file_inet *sk = NULL;
	enum fz_class taken = FZ_MAY;
	struct ckpt_hdr_tcp_conn old;
	uint32_t olen = m->im.r[i].len, sndq, rcvq, n, d;
	const char *what = "";
	unsigned char *orig;
	uint64_t v = 0;
	bool same;

	if (olen < FZ_TC_HDR) {
		rec_resize(&m->im, i, FZ_TC_HDR - 8);
		note(m, FZ_REFUSE, true, "TCP_CONN of %u bytes, shorter than its struct",
		     (unsigned int)(FZ_TC_HDR - 8));
		return;
	}
	if (i > 0 && m->im.r[i - 1].type == CKPT_HDR_FILE_INET &&
	    m->im.r[i - 1].len >= sizeof(*sk))
		sk = REC(&m->im, i - 1, struct ckpt_hdr_file_inet);
	old = *c;
	sndq = old.write_seq - old.snd_una;
	rcvq = old.rcv_nxt - old.copied_seq;
	orig = fz_dup(m->im.r[i].p, olen, olen);
	switch (below(&m->rng, 17)) {
	case 0:
		c->write_seq = PICK(&m->rng, ((const uint32_t[]){
				    old.write_seq + 1, old.write_seq - 1,
				    old.write_seq + 8, old.snd_una,
				    old.snd_una + CKPT_TCP_QUEUE_MAX,
				    old.snd_una + CKPT_TCP_QUEUE_MAX + 1,
				    (uint32_t)rnd(&m->rng) }));
		what = "write_seq";
		v = c->write_seq;
		break;
	case 1:
		c->snd_una = PICK(&m->rng, ((const uint32_t[]){
				  old.snd_una + 1, old.snd_una - 1,
				  old.write_seq + 1, old.snd_nxt + 1,
				  (uint32_t)rnd(&m->rng) }));
		what = "snd_una";
		v = c->snd_una;
		break;
	case 2:
		c->snd_nxt = PICK(&m->rng, ((const uint32_t[]){ old.snd_una,
				  old.write_seq, old.write_seq + 1,
				  old.snd_una - 1, (uint32_t)rnd(&m->rng) }));
		what = "snd_nxt";
		v = c->snd_nxt;
		break;
	case 3:
		c->rcv_nxt = PICK(&m->rng, ((const uint32_t[]){
				  old.rcv_nxt + 1, old.rcv_nxt - 1,
				  old.rcv_nxt + 8, old.rcv_nxt - 8,
				  old.copied_seq, old.copied_seq - 1,
				  old.copied_seq + CKPT_TCP_QUEUE_MAX + 1,
				  (uint32_t)rnd(&m->rng) }));
		what = "rcv_nxt";
		v = c->rcv_nxt;
		break;
	case 4:
		c->copied_seq = PICK(&m->rng, ((const uint32_t[]){
				     old.copied_seq + 1, old.copied_seq - 1,
				     old.rcv_nxt, old.rcv_nxt + 1,
				     old.rcv_nxt - CKPT_TCP_QUEUE_MAX - 1,
				     (uint32_t)rnd(&m->rng) }));
		what = "copied_seq";
		v = c->copied_seq;
		break;
	case 5:
		/* a direction's sequence numbers together: the same queue */
		d = PICK(&m->rng, ((const uint32_t[]){ 1, 0x7fffffff, 0x80000000,
			   0xffffffff, (uint32_t)rnd(&m->rng) | 1 }));
		if (chance(&m->rng, 50)) {
			c->snd_una += d;
			c->snd_nxt += d;
			c->write_seq += d;
			what = "snd_una, snd_nxt, write_seq moved by";
		} else {
			c->rcv_nxt += d;
			c->copied_seq += d;
			c->rcv_wup += d;
			c->snd_wl1 += d;
			what = "rcv_nxt, copied_seq, rcv_wup, snd_wl1 moved by";
		}
		v = d;
		break;
	case 6: {
		uint32_t *w;
		const uint32_t x = PICK(&m->rng, ((const uint32_t[]){ 0, 1,
				   65535, 65536, FZ_TCP_WINDOW_MAX,
				   FZ_TCP_WINDOW_MAX + 1, 0xffffffff }));

		switch (below(&m->rng, 3)) {
		case 0:
			w = &c->snd_wnd;
			what = "snd_wnd";
			break;
		case 1:
			w = &c->max_window;
			what = "max_window";
			break;
		default:
			w = &c->rcv_wnd;
			what = "rcv_wnd";
		}
		*w = chance(&m->rng, 25) ? *w + 1 : chance(&m->rng, 33) ?
		     *w - 1 : x;
		v = *w;
		break;
	}
	case 7:
		if (chance(&m->rng, 50)) {
			c->snd_wl1 = PICK(&m->rng, ((const uint32_t[]){
					  old.rcv_nxt, old.rcv_nxt + old.rcv_wnd,
					  old.rcv_nxt + old.rcv_wnd + 1,
					  old.rcv_nxt + 0x80000000,
					  old.copied_seq - 1,
					  (uint32_t)rnd(&m->rng) }));
			what = "snd_wl1";
			v = c->snd_wl1;
		} else {
			c->rcv_wup = PICK(&m->rng, ((const uint32_t[]){
					  old.rcv_nxt, old.rcv_nxt + 1,
					  old.copied_seq, old.rcv_nxt - 1,
					  old.rcv_nxt + 0x7fffffff,
					  (uint32_t)rnd(&m->rng) }));
			what = "rcv_wup";
			v = c->rcv_wup;
		}
		break;
	case 8:
		c->mss = PICK(&m->rng, ((const uint16_t[]){ 0, 1, 47, 48, 536,
			      1460, 65483, 65535 }));
		what = "mss";
		v = c->mss;
		break;
	case 9: {
		const uint8_t x = PICK(&m->rng, ((const uint8_t[]){ 0, 1, 7, 14,
				  15, 16, 255 }));

		if (chance(&m->rng, 50)) {
			c->snd_wscale = x;
			what = "snd_wscale";
		} else {
			c->rcv_wscale = x;
			what = "rcv_wscale";
		}
		v = x;
		break;
	}
	case 10:
		if (chance(&m->rng, 70))
			c->opts ^= PICK(&m->rng, ((const uint32_t[]){
					CKPT_TCP_WSCALE, CKPT_TCP_SACK,
					CKPT_TCP_TSTAMP }));
		else
			c->opts |= 1U << (3 + below(&m->rng, 29));
		what = "opts";
		v = c->opts;
		break;
	case 11:
		c->timestamp = other_u32(m, c->timestamp);
		what = "timestamp";
		v = c->timestamp;
		break;
	case 12:
		/* a byte of a queue, where the record has them */
		if (sndq + (uint64_t)rcvq == 0 ||
		    FZ_TC_HDR + (uint64_t)sndq + rcvq > olen) {
			what = "(no byte queued to change)";
			break;
		}
		n = below(&m->rng, sndq + rcvq);
		m->im.r[i].p[FZ_TC_HDR + n] ^= 1 + below(&m->rng, 255);
		what = n < sndq ? "a byte of its send queue" :
		       "a byte of its receive queue";
		v = n;
		taken = FZ_ACCEPT;
		break;
	case 13:
		/* a byte of the padding: restart reads only the queues */
		if (FZ_TC_HDR + (uint64_t)sndq + rcvq < olen) {
			n = FZ_TC_HDR + sndq + rcvq +
			    below(&m->rng, olen - FZ_TC_HDR - sndq - rcvq);
			m->im.r[i].p[n] = 1 + below(&m->rng, 255);
			what = "a byte of its padding";
			v = n;
			break;
		}
		/* no padding: 8 zero bytes more */
		rec_resize(&m->im, i, olen + 8);
		c = REC(&m->im, i, struct ckpt_hdr_tcp_conn);
		what = "record 8 zero bytes longer";
		v = olen + 8;
		break;
	case 14:
		/* the record alone cut or made longer */
		n = PICK(&m->rng, ((const uint32_t[]){ olen - 8, olen + 8,
			 FZ_TC_HDR, FZ_TC_HDR - 8, 8, olen + 64 }));
		if (n < 8 || n == olen)
			n = olen + 8;
		rec_resize(&m->im, i, n);
		c = REC(&m->im, i, struct ckpt_hdr_tcp_conn);
		what = "record's length";
		v = n;
		if (n < FZ_TC_HDR) {
			free(orig);
			note(m, FZ_REFUSE, true, "TCP_CONN cut to %u bytes", n);
			return;
		}
		break;
	case 15:
		/* the receive queue longer or shorter, with its record */
		if (FZ_TC_HDR + (uint64_t)sndq + rcvq > olen ||
		    sndq > CKPT_TCP_QUEUE_MAX || rcvq > CKPT_TCP_QUEUE_MAX) {
			what = "(queues past the record)";
			break;
		}
		d = chance(&m->rng, 50) && rcvq ? below(&m->rng, rcvq) + 1 : 0;
		n = d ? 0 : PICK(&m->rng, ((const uint32_t[]){ 1, 7, 8, 4096,
					 65536 }));
		rec_resize(&m->im, i, (FZ_TC_HDR + sndq + rcvq - d + n + 7) & ~7UL);
		c = REC(&m->im, i, struct ckpt_hdr_tcp_conn);
		memset(m->im.r[i].p + FZ_TC_HDR + sndq + rcvq - d, 'z', n);
		memset(m->im.r[i].p + FZ_TC_HDR + sndq + rcvq - d + n, 0,
		       m->im.r[i].len - FZ_TC_HDR - sndq - rcvq + d - n);
		c->rcv_nxt = c->rcv_nxt - d + n;
		what = d ? "receive queue shorter by" : "receive queue longer by";
		v = d ? d : n;
		break;
	default:
		free(orig);
		RESERVED(m, c->__reserved, "TCP_CONN.__reserved");
		return;
	}
	same = m->im.r[i].len == olen && !memcmp(m->im.r[i].p, orig, olen);
	free(orig);
	if (tcp_conn_bad(c, m->im.r[i].len))
		note(m, FZ_REFUSE, true, "TCP_CONN(%u bytes).%s=%#llx",
		     m->im.r[i].len, what, (unsigned long long)v);
	else if (!sk || sk->protocol != IPPROTO_TCP ||
		 sk->state != FZ_INET_ESTABLISHED)
		note(m, FZ_REFUSE, false,
		     "TCP_CONN not after an established TCP connection's FILE_INET; .%s=%#llx",
		     what, (unsigned long long)v);
	else
		note(m, same ? FZ_VALID : taken, true,
		     "TCP_CONN(%u bytes).%s=%#llx", m->im.r[i].len, what,
		     (unsigned long long)v);
}

/* ---- owners of open files: FILE.owner, owner_type, signum, async_fd ---- */

/*
 * O_ASYNC on the file of FILE record @i, of @type, as restart sets it:
 * 1 through the signal list restart knows (a pipe end, a FIFO, a unix
 * socket, an inotify instance: any async fd); 0 a file without
 * ->fasync(); -1 a file whose ->fasync() list restart does not know
 * (/dev/random, /dev/urandom); -2 a CHR without its FILE_CHR (refused
 * anyway). Any file takes the bare flag (async fd -1), only a file of
 * kind 1 an async fd.
 */
static int async_kind(const struct fz_img *im, int i, uint32_t type)
{
	uint64_t rdev;
	int c;

	switch (type) {
	case CKPT_FILE_PIPE:
	case CKPT_FILE_FIFO:
	case CKPT_FILE_UNIX:
	case CKPT_FILE_INET:
	case CKPT_FILE_INOTIFY:
		return 1;
	case CKPT_FILE_CHR:
		c = file_part(im, i, CKPT_HDR_FILE_CHR);
		if (c < 0)
			return -2;
		rdev = REC(im, c, struct ckpt_hdr_file_chr)->rdev;
		return rdev == 0x108 || rdev == 0x109 ? -1 : 0;
	default:
		return 0;
	}
}

/*
 * What restart makes of the owner fields and O_ASYNC of the FILE record
 * @h, record @i (ckpt_check_owner(), ckpt_restore_owner()), *@local set
 * when the record alone decides it. Refused for the record's own fault: a
 * signal above CKPT_NSIG, a negative owner, an owner type above
 * CKPT_OWNER_PGRP, an owner without a type or a type without an owner, a
 * async fd below -1, one of nr_open (1048576) or more, or one without
 * O_ASYNC; an owner, a signal or O_ASYNC on an O_PATH descriptor, which
 * fcntl() never gives one; an owner, a signal or
 * O_ASYNC on an inherited file, a pidfd or a /proc file, which restart
 * does not make itself; an async fd (not -1) on a file without
 * ->fasync(). Refused for the TREE's: an owner that is no process of it
 * (no task, for a thread owner); for the FILE_CHR's: an async fd on a
 * device (on /dev/random or /dev/urandom too, whose list restart does
 * not know). Else taken - but O_ASYNC on a signal list with an owner may
 * end the program at its first read or write (MAY).
 */
static enum fz_class owner_rule(const struct fz_img *im, int i,
				const struct ckpt_hdr_file *h, bool *local)
{
	bool async = h->f_flags & O_ASYNC;
	int kind;

	*local = true;
	if (h->signum > CKPT_NSIG || h->owner < 0 ||
	    h->owner_type > CKPT_OWNER_PGRP || !h->owner != !h->owner_type ||
	    h->async_fd < -1 || h->async_fd >= 1048576 ||
	    (h->async_fd && !async) ||
	    (h->f_flags & O_PATH && (h->owner || h->signum || async)))
		return FZ_REFUSE;
	if (!h->owner && !h->signum && !async)
		return FZ_ACCEPT;
	if (h->type == CKPT_FILE_INHERITED || h->type == CKPT_FILE_PIDFD ||
	    h->type == CKPT_FILE_PROC)
		return FZ_REFUSE;
	*local = false;
	if (h->owner && !pfd_task_ok(im, h->owner,
				     h->owner_type == CKPT_OWNER_TID))
		return FZ_REFUSE;
	if (!async)
		return FZ_ACCEPT;
	kind = async_kind(im, i, h->type);
	/* -1: the bare flag, on any file; an fd only on a known list */
	if (kind == -2 || (kind <= 0 && h->async_fd >= 0)) {
		/* the type alone, but for a device: its FILE_CHR */
		*local = h->type != CKPT_FILE_CHR;
		return FZ_REFUSE;
	}
	return h->owner && kind > 0 && h->async_fd >= 0 ? FZ_MAY : FZ_ACCEPT;
}

/*
 * FILE: the owner of an open file (F_SETOWN, F_SETOWN_EX) by its pid in
 * the TREE, its signal (F_SETSIG), and O_ASYNC in f_flags with the fd its
 * signals name (async_fd): a signal, valid or not; an owner of the tree
 * (a process or a thread), of none, negative, with a type each; a type
 * alone; an owner alone; an async fd alone, valid or not; O_ASYNC
 * toggled, with another async fd or not. Judged by owner_rule(): what
 * restart takes is ACCEPT - the restored program runs on, as nothing
 * signals the owner (no file of a shape has O_ASYNC or an owner, and one
 * mutation gives a record one or the other) - or VALID when nothing
 * changed.
 */
static void mut_file_owner(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file *h, old;
	enum fz_class cls;
	bool local;

	/* an older kernel's record reads as this one, zero-extended */
	if (m->im.r[i].len < sizeof(*h))
		rec_resize(&m->im, i, sizeof(*h));
	h = REC(&m->im, i, struct ckpt_hdr_file);
	old = *h;
	switch (below(&m->rng, 7)) {
	case 0:
		h->signum = chance(&m->rng, 30) ?
			    PICK(&m->rng, ((const uint32_t[]){ CKPT_NSIG + 1,
				 128, 0x80000000, 0xffffffff })) :
			    below(&m->rng, CKPT_NSIG + 1);
		break;
	case 1:
	case 2:
		h->owner = PICK(&m->rng, ((const int32_t[]){ pfd_tree_pid(m),
				pfd_tree_pid(m), pfd_tree_pid(m) + 1, 0, -1,
				INT32_MIN, 1 }));
		h->owner_type = below(&m->rng, CKPT_OWNER_PGRP + 1);
		if (chance(&m->rng, 50))
			h->signum = below(&m->rng, CKPT_NSIG + 1);
		break;
	case 3:
		if (chance(&m->rng, 50))
			h->owner_type = PICK(&m->rng, ((const uint32_t[]){
				CKPT_OWNER_PID, CKPT_OWNER_TID, CKPT_OWNER_PGRP,
				CKPT_OWNER_PGRP + 1, 0xffffffff }));
		else
			h->owner = PICK(&m->rng, ((const int32_t[]){
				pfd_tree_pid(m), -1, INT32_MAX }));
		break;
	case 4:
		/* O_ASYNC on or off, and now and then another async fd */
		h->f_flags ^= O_ASYNC;
		if (chance(&m->rng, 50))
			h->async_fd = PICK(&m->rng, ((const int32_t[]){ 0, 3,
					   40, 1023, INT32_MAX, -1, -1, -2 }));
		break;
	case 5:
		h->async_fd = PICK(&m->rng, ((const int32_t[]){ 1, 3, 40, -1,
				   -2, INT32_MIN, INT32_MAX }));
		break;
	default:
		h->async_fd = (int32_t)(other_u32(m, 0) ?: 1);
	}
	cls = owner_rule(&m->im, i, h, &local);
	if (cls == FZ_ACCEPT && !memcmp(&old, h, sizeof(old)))
		cls = FZ_VALID;
	note(m, cls, local,
	     "FILE(type %u).owner=%d owner_type=%u signum=%u f_flags=%#o async_fd=%d",
	     h->type, h->owner, h->owner_type, h->signum, h->f_flags,
	     h->async_fd);
}

/* ---- /proc files: FILE_PROC and its two STRING records ---------------- */

/*
 * Would restart take a FILE_PROC of @pid, and @tid: a task of the TREE,
 * and no thread (0) or a task of the same process?
 */
static bool proc_tasks_ok(const struct fz_img *im, int32_t pid, int32_t tid)
{
	int t = img_find(im, CKPT_HDR_TREE, 0);
	const struct ckpt_task_pids *p, *tp = NULL, *tt = NULL;
	const struct ckpt_hdr_tree *h;
	uint32_t k;

	if (t < 0 || pid <= 0 || tid < 0)
		return false;
	h = REC(im, t, struct ckpt_hdr_tree);
	p = (const struct ckpt_task_pids *)(h + 1);
	for (k = 0; k < h->nr_tasks &&
	     sizeof(*h) + (k + 1) * sizeof(*p) <= im->r[t].len; k++) {
		if (p[k].pid == pid)
			tp = &p[k];
		if (tid && p[k].pid == tid)
			tt = &p[k];
	}
	return tp && (!tid || (tt && tt->tgid == tp->tgid));
}

/*
 * A path below a task's directory, as restart takes it: relative, no
 * empty, "." or ".." component, no trailing slash ("": the directory)
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

/* The string of the STRING record @s, or NULL if it is not well formed */
static const char *proc_str(const struct fz_img *im, int s)
{
	const struct ckpt_hdr_string *h;

	if (s < 0 || s >= im->n || im->r[s].type != CKPT_HDR_STRING ||
	    im->r[s].len < sizeof(*h))
		return NULL;
	h = REC(im, s, struct ckpt_hdr_string);
	if (!h->len || h->len > im->r[s].len - sizeof(*h) ||
	    ((const char *)(h + 1))[h->len - 1])
		return NULL;
	return (const char *)(h + 1);
}

/*
 * FILE_PROC: the task (and thread) whose directory in /proc the file is
 * in, by image pid. A pid not above 0, a tid below 0, is the record's own
 * fault; a pid of no task of the TREE, a tid of no task or of another
 * process, is refused for the TREE's. The same task is taken, and the
 * program may see it: a tid of the task itself (/proc/PID/task/PID/...)
 * where there was none, none where there was one.
 */
static void mut_file_proc(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_proc *h = REC(&m->im, i, struct ckpt_hdr_file_proc);
	const int32_t old = h->pid, old_tid = h->tid;
	enum fz_class cls;

	switch (below(&m->rng, 6)) {
	case 0:
		h->pid = PICK(&m->rng, ((const int32_t[]){ 0, -1, INT_MIN,
				-(old & INT_MAX) }));
		note(m, FZ_REFUSE, true, "FILE_PROC.pid=%d", h->pid);
		return;
	case 1:
		/* another pid: of the tree (the same, in a tree of one), or not */
		h->pid = PICK(&m->rng, ((const int32_t[]){ pfd_tree_pid(m),
				old + 1, old - 1, 1, INT_MAX }));
		cls = !proc_tasks_ok(&m->im, h->pid, h->tid) ? FZ_REFUSE :
		      h->pid == old ? FZ_VALID : FZ_ACCEPT;
		note(m, cls, h->pid <= 0, "FILE_PROC.pid=%d", h->pid);
		return;
	case 2:
	case 3:
		/* a thread: none, the task's own, another, none there is */
		h->tid = PICK(&m->rng, ((const int32_t[]){ 0, h->pid,
				pfd_tree_pid(m), old_tid + 1, -1, INT_MIN,
				INT_MAX }));
		cls = !proc_tasks_ok(&m->im, h->pid, h->tid) ? FZ_REFUSE :
		      h->tid == old_tid ? FZ_VALID : FZ_ACCEPT;
		note(m, cls, h->tid < 0, "FILE_PROC.tid=%d", h->tid);
		return;
	case 4:
		/* one of its STRING records */
		i = file_part(&m->im, file_owner(&m->im, i), CKPT_HDR_STRING);
		if (i >= 0 && chance(&m->rng, 50) && proc_str(&m->im, i + 1))
			i++;
		if (i >= 0 && proc_str(&m->im, i)) {
			mut_proc_string(m, file_owner(&m->im, i), i);
			return;
		}
		note(m, FZ_REFUSE, true, "FILE_PROC without its STRING records");
		return;
	default:
		mut_ext_tail(m, i);
	}
}

/*
 * The STRING record @i of the /proc file whose FILE record is @f: its
 * first, the path of the procfs mount; its second, the path below the
 * task's directory. Read: a mount path that is not absolute, a path
 * below that is not a plain relative one, is refused. Once the task
 * exists: a mount path that is no procfs mount's root (the root, a
 * directory of the test, /proc/self, nothing), a file that is not
 * there, a file for a descriptor with O_DIRECTORY, fail the restart
 * (SIGKILL); "/proc/" is the same mount; another file of the task is
 * taken ("stat", the task's directory itself "").
 */
static void mut_proc_string(struct fz_mut *m, int f, int i)
{
	struct ckpt_hdr_string *h = REC(&m->im, i, struct ckpt_hdr_string);
	const struct ckpt_hdr_file *fh = f < 0 ? NULL :
					 REC(&m->im, f, struct ckpt_hdr_file);
	int first = f < 0 ? -1 : file_part(&m->im, f, CKPT_HDR_STRING);
	const char *old = proc_str(&m->im, i), *s;
	bool dir = fh && (fh->f_flags & O_DIRECTORY), local;
	char was[64];
	enum fz_class cls;

	snprintf(was, sizeof(was), "%s", old ?: "");
	if (!fh || first < 0 || !old) {
		note(m, FZ_REFUSE, true, "STRING of a /proc file, its FILE malformed");
		return;
	}
	if (i == first) {
		s = PICK(&m->rng, ((const char *const[]){ "/proc", "/proc/",
			 "proc", "", "relative/name", "/", "/proc/self",
			 m->c->p_dir, m->c->p_missing, m->c->p_alt }));
		set_string(&m->im, i, sizeof(*h), &h->len, 0, s);
		/* the same mount, written another way: the same files */
		cls = !strcmp(was, "/proc") &&
		      (!strcmp(s, "/proc") || !strcmp(s, "/proc/")) ?
		      FZ_VALID : FZ_REFUSE;
		note(m, cls, true, "STRING(/proc file's mount)=\"%s\"", s);
		return;
	}
	s = PICK(&m->rng, ((const char *const[]){ "", "stat", "status", "comm",
		 "no-such-file", "/status", "../1/status", "./status", "fd/..",
		 "fd//0", "status/", "..", m->c->p_alt }));
	set_string(&m->im, i, sizeof(*h), &h->len, 0, s);
	local = true;
	if (!proc_rest_ok(s) || !strcmp(s, "no-such-file"))
		cls = FZ_REFUSE;
	else if (!strcmp(s, was))
		cls = FZ_VALID;
	/* a file, where the FILE record says O_DIRECTORY: ENOTDIR */
	else if (*s && dir)
		cls = FZ_REFUSE, local = false;
	else
		cls = FZ_ACCEPT;
	note(m, cls, local, "STRING(/proc file's path)=\"%s\" instead of \"%s\"",
	     s, was);
}

/* ---- signalfd and timerfd: FILE_SIGNALFD, FILE_TIMERFD ---------------- */

/* what a signalfd never reads, and restart refuses in its mask */
#define FZ_SFD_NEVER	(FZ_SIGBIT(SIGKILL) | FZ_SIGBIT(SIGSTOP))

/*
 * FILE_SIGNALFD: the signals it reads. Any mask without SIGKILL and
 * SIGSTOP is taken; one with every signal it had (the queued one among
 * them, nothing else pending) reads the same, one without some of them
 * is what the program sees (ACCEPT).
 */
static void mut_file_signalfd(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_signalfd *h = REC(&m->im, i, struct ckpt_hdr_file_signalfd);
	uint64_t old = h->sigmask, bit;
	enum fz_class cls;

	switch (below(&m->rng, 6)) {
	case 0:
		h->sigmask |= PICK(&m->rng, ((const uint64_t[]){ FZ_SIGBIT(SIGKILL),
				   FZ_SIGBIT(SIGSTOP), FZ_SFD_NEVER }));
		break;
	case 1:
		/* one signal more */
		do
			bit = FZ_SIGBIT(1 + below(&m->rng, 64));
		while (bit & FZ_SFD_NEVER);
		h->sigmask |= bit;
		break;
	case 2:
		/* one signal less */
		h->sigmask &= ~FZ_SIGBIT(1 + below(&m->rng, 64));
		break;
	case 3:
		h->sigmask = PICK(&m->rng, ((const uint64_t[]){ 0, ~0ULL,
				  ~FZ_SFD_NEVER, old | ~FZ_SFD_NEVER,
				  FZ_SIGBIT(FZ_SFD_SIG), FZ_SIGBIT(SIGUSR2),
				  FZ_SIGBIT(64) | FZ_SIGBIT(1) }));
		break;
	case 4:
		h->sigmask = other_u64(m, old);
		break;
	default:
		mut_ext_tail(m, i);
		return;
	}
	if (h->sigmask & FZ_SFD_NEVER)
		cls = FZ_REFUSE;
	else
		cls = (h->sigmask & old) == old ? FZ_VALID : FZ_ACCEPT;
	note(m, cls, true, "FILE_SIGNALFD.sigmask=%#llx (was %#llx)",
	     (unsigned long long)h->sigmask, (unsigned long long)old);
}

/* A clock a timerfd may be on */
static bool tfd_clock_ok(int32_t clockid)
{
	return clockid == CLOCK_REALTIME || clockid == CLOCK_MONOTONIC ||
	       clockid == CLOCK_BOOTTIME || clockid == CLOCK_REALTIME_ALARM ||
	       clockid == CLOCK_BOOTTIME_ALARM;
}

/* the time left that the program's check (two waits of 3 s) surely sees */
#define FZ_TFD_SOON	1000000000LL

/*
 * Restart's rules for the FILE_TIMERFD @h, which was @old in the shape's
 * image: REFUSE for a clock, flag or time it does not take (and an alarm
 * clock for a restarter without CAP_WAKE_ALARM); VALID for a timer the
 * program cannot tell from the one it had (another clock for a relative
 * timer, TFD_TIMER_ABSTIME on a clock where it changes nothing,
 * TFD_TIMER_CANCEL_ON_SET, an expiry that is not used, the time left
 * short, any count of expirations that cannot wrap); ACCEPT for one it can
 * (disarmed, another interval, far away, an absolute wall clock time, a
 * count about to wrap).
 */
static enum fz_class timerfd_rule(struct fz_mut *m,
				  const struct ckpt_hdr_file_timerfd *h,
				  const struct ckpt_hdr_file_timerfd *old)
{
	bool armed = h->flags & CKPT_TFD_ARMED;
	bool wall = h->flags & CKPT_TFD_ABSTIME &&
		    (h->clockid == CLOCK_REALTIME ||
		     h->clockid == CLOCK_REALTIME_ALARM);

	if (!tfd_clock_ok(h->clockid) || h->flags & ~CKPT_TFD_FLAGS_MASK ||
	    h->expires < 0 || h->remaining < 0 || h->interval < 0 ||
	    (!armed && (h->expires || h->remaining)))
		return FZ_REFUSE;
	if ((h->clockid == CLOCK_REALTIME_ALARM ||
	     h->clockid == CLOCK_BOOTTIME_ALARM) && m->c->uid)
		return FZ_REFUSE;
	/*
	 * Armed at 0 on the wall clock: the checks when the record is read
	 * take it, arming it as the tree is about to run fails (the tree is
	 * killed). Either is fine here.
	 */
	if (armed && wall && !h->expires)
		return FZ_MAY;
	if (!armed || h->interval != old->interval || wall ||
	    h->remaining > FZ_TFD_SOON || h->ticks > ~0ULL - (1ULL << 32))
		return FZ_ACCEPT;
	return FZ_VALID;
}

/* FILE_TIMERFD: a timerfd's clock, flags, expirations, times */
static void mut_file_timerfd(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_timerfd *h = REC(&m->im, i, struct ckpt_hdr_file_timerfd);
	const struct ckpt_hdr_file_timerfd old = *h;
	static const int64_t times[] = {
		0, 1, 999, 1000000, FZ_TFD_PERIOD, FZ_TFD_SOON,
		3600LL * 1000000000, INT64_MAX, INT64_MAX - 1, -1, INT64_MIN,
		-1000000000,
	};
	char what[128];

	switch (below(&m->rng, 10)) {
	case 0:
		h->clockid = PICK(&m->rng, ((const int32_t[]){ CLOCK_REALTIME,
				  CLOCK_BOOTTIME, CLOCK_REALTIME_ALARM,
				  CLOCK_BOOTTIME_ALARM, CLOCK_PROCESS_CPUTIME_ID,
				  CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW,
				  CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE,
				  10, CLOCK_TAI, 12, -1, INT32_MIN,
				  (int32_t)any_u32(m, h->clockid) }));
		snprintf(what, sizeof(what), "FILE_TIMERFD.clockid=%d", h->clockid);
		break;
	case 1:
		h->flags ^= PICK(&m->rng, ((const uint32_t[]){ CKPT_TFD_ABSTIME,
				 CKPT_TFD_CANCEL_ON_SET,
				 CKPT_TFD_ABSTIME | CKPT_TFD_CANCEL_ON_SET }));
		snprintf(what, sizeof(what), "FILE_TIMERFD.flags=%#x", h->flags);
		break;
	case 2:
		h->flags |= 1U << (3 + below(&m->rng, 29));
		snprintf(what, sizeof(what), "FILE_TIMERFD.flags=%#x", h->flags);
		break;
	case 3:
		/* disarmed: with its times, or as checkpoint writes one */
		h->flags &= ~CKPT_TFD_ARMED;
		if (chance(&m->rng, 50)) {
			h->expires = 0;
			h->remaining = 0;
		}
		snprintf(what, sizeof(what), "FILE_TIMERFD disarmed, expires %lld remaining %lld",
			 (long long)h->expires, (long long)h->remaining);
		break;
	case 4:
		h->ticks = PICK(&m->rng, ((const uint64_t[]){ 0, 1, 1ULL << 40,
				INT64_MAX, ~0ULL, ~0ULL - 1, h->ticks + 1000,
				any_u64(m, h->ticks) }));
		snprintf(what, sizeof(what), "FILE_TIMERFD.ticks=%llu",
			 (unsigned long long)h->ticks);
		break;
	case 5:
		h->expires = chance(&m->rng, 70) ? PICK(&m->rng, times) :
			     (int64_t)any_u64(m, h->expires);
		snprintf(what, sizeof(what), "FILE_TIMERFD.expires=%lld",
			 (long long)h->expires);
		break;
	case 6:
		h->remaining = chance(&m->rng, 70) ? PICK(&m->rng, times) :
			       (int64_t)any_u64(m, h->remaining);
		snprintf(what, sizeof(what), "FILE_TIMERFD.remaining=%lld",
			 (long long)h->remaining);
		break;
	case 7:
		h->interval = chance(&m->rng, 70) ? PICK(&m->rng, times) :
			      (int64_t)any_u64(m, h->interval);
		snprintf(what, sizeof(what), "FILE_TIMERFD.interval=%lld",
			 (long long)h->interval);
		break;
	case 8: {
		/*
		 * An absolute wall clock timer: due at 0, long past, about
		 * when the image was taken (its HEADER's time), or never
		 */
		int hd = img_find(&m->im, CKPT_HDR_HEADER, 0);
		int64_t taken = hd < 0 ? 0 :
				REC(&m->im, hd, struct ckpt_hdr_header)->time;

		h->clockid = chance(&m->rng, 70) ? CLOCK_REALTIME :
			     CLOCK_REALTIME_ALARM;
		h->flags |= CKPT_TFD_ABSTIME;
		h->expires = PICK(&m->rng, ((const int64_t[]){ 0, 1,
				  taken * 1000000000LL, (taken + 1) * 1000000000LL,
				  INT64_MAX }));
		snprintf(what, sizeof(what), "FILE_TIMERFD clock %d absolute at %lld",
			 h->clockid, (long long)h->expires);
		break;
	}
	default:
		mut_ext_tail(m, i);
		return;
	}
	note(m, timerfd_rule(m, h, &old), true, "%s", what);
}

/* ---- epoll: FILE_EPOLL, and its late record EPOLL_ITEMS ---------------- */

/* the bits epoll keeps for itself; a one-shot item that fired has only these */
#define FZ_EP_PRIVATE	((uint32_t)(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | \
				    EPOLLEXCLUSIVE))
/* what epoll_ctl() lets EPOLLEXCLUSIVE come with */
#define FZ_EP_EXCL_OK	((uint32_t)(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | \
				    EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE))
#define FZ_EP_ITEM	sizeof(struct ckpt_epoll_item)
/* an fd no image of the shapes has, for an item added under it */
#define FZ_EP_SPARE_FD	4000

/*
 * Items on an inherited file: restart() adds them on the file the
 * restarter hands in at that fd (the fuzzer's restarter hands in every
 * inherited fd: a pipe it holds), and drops them, with a log line, when
 * it leaves the fd closed (an O_PATH /dev/null there), as closing a
 * watched fd drops its items; restart(RESTART_VALIDATE), which never
 * looks at the restarter's fds, takes them. Whether the restarter's file
 * can be polled is not for the rules here to say: such an item makes a
 * mutant MAY (ep_pollable() says "it depends"). The mutations make them.
 */
#define FZ_EP_INHERITED_TARGETS	1

/* an item's events alone: EPOLLERR and EPOLLHUP, or a fired one-shot */
static bool ep_events_ok(uint32_t ev)
{
	if (!(ev & ~FZ_EP_PRIVATE))
		return ev & EPOLLONESHOT;
	return (ev & (EPOLLERR | EPOLLHUP)) == (EPOLLERR | EPOLLHUP);
}

/* a one-shot item that fired: private bits only */
static bool ep_fired(uint32_t ev)
{
	return ev && !(ev & ~FZ_EP_PRIVATE);
}

/* The FILE record of objref @ref before record @before, or -1 */
static int file_of_ref(const struct fz_img *im, uint32_t ref, int before)
{
	int i;

	for (i = 0; i < before && i < im->n; i++)
		if (im->r[i].type == CKPT_HDR_FILE &&
		    REC(im, i, struct ckpt_hdr_file)->objref == ref)
			return i;
	return -1;
}

/* Is @ref the target of an item of an EPOLL_ITEMS record? */
static bool ep_target(const struct fz_img *im, uint32_t ref)
{
	const struct ckpt_hdr_epoll_items *h;
	uint32_t k;
	int i;

	for (i = 0; i < im->n; i++) {
		if (im->r[i].type != CKPT_HDR_EPOLL_ITEMS)
			continue;
		h = REC(im, i, struct ckpt_hdr_epoll_items);
		for (k = 0; k < h->nr_items &&
		     sizeof(*h) + (k + 1) * sizeof(struct ckpt_epoll_item) <= im->r[i].len; k++)
			if (((const struct ckpt_epoll_item *)(h + 1))[k].objref == ref)
				return true;
	}
	return false;
}

/* Can restart add an item on the FILE record @f? 1 yes, 0 no, -1 it depends */
/* Does this kernel keep EPOLLWAKEUP (CONFIG_PM_SLEEP)? Asked once. */
static bool fz_wakeup_kept(void)
{
	static int kept = -1;

	if (kept < 0)
		kept = ck_epollwakeup_kept();
	return kept;
}

static int ep_pollable(struct fz_mut *m, int f)
{
	const struct fz_img *im = &m->im;
	int c;

	switch (REC(im, f, struct ckpt_hdr_file)->type) {
	case CKPT_FILE_PIPE:
	case CKPT_FILE_FIFO:
	case CKPT_FILE_EVENTFD:
	case CKPT_FILE_EPOLL:
	case CKPT_FILE_SIGNALFD:
	case CKPT_FILE_TIMERFD:
	case CKPT_FILE_INOTIFY:
	case CKPT_FILE_UNIX:
	case CKPT_FILE_PIDFD:
	case CKPT_FILE_INET:
		return 1;
	case CKPT_FILE_CHR:
		/* of the memory devices, only /dev/random has a poll method */
		c = file_part(im, f, CKPT_HDR_FILE_CHR);
		if (c < 0)
			return -1;
		return REC(im, c, struct ckpt_hdr_file_chr)->rdev == 0x108;
	case CKPT_FILE_MEMFD:
		/* shmem has no poll method: epoll_ctl() says EPERM */
		return 0;
	case CKPT_FILE_REG:
	case CKPT_FILE_DELETED:
		/* a deleted file: made again in the test's directory */
		return m->c->reg_pollable;
	case CKPT_FILE_DIR:
		return m->c->dir_pollable;
	case CKPT_FILE_PROC:
		/* a task's files in /proc have no poll method, but mounts */
		c = file_part(im, f, CKPT_HDR_STRING);
		if (c < 0 || !proc_str(im, c + 1))
			return -1;
		return !(REC(im, f, struct ckpt_hdr_file)->f_flags & O_PATH) &&
		       (!strcmp(proc_str(im, c + 1), "mounts") ||
			!strcmp(proc_str(im, c + 1), "mountinfo"));
	default:
		/* INHERITED: the restarter's file */
		return -1;
	}
}

/*
 * Among the records of a process's files: a FILE, its records, a late
 * record, the INODE before the FILE of a file reopened by path
 */
static bool in_files(const struct fz_img *im, int i)
{
	return im->r[i].type == CKPT_HDR_FILE || in_file_group(im, i) ||
	       late_record(im->r[i].type) || im->r[i].type == CKPT_HDR_INODE;
}

/*
 * The records of a process's files, late records among them, around
 * record @i: the first, and the FDTABLE that ends them (-1: none, another
 * record comes first).
 */
static int files_start(const struct fz_img *im, int i)
{
	while (i > 0 && in_files(im, i - 1))
		i--;
	return i;
}

static int files_end(const struct fz_img *im, int i)
{
	for (i++; i < im->n; i++) {
		if (im->r[i].type == CKPT_HDR_FDTABLE)
			return i;
		if (!in_files(im, i))
			return -1;
	}
	return -1;
}

struct ep_verdict {
	bool ok;	/* restart takes it */
	bool local;	/* if not: for a reason of one record alone, or the restarter's */
	bool depends;	/* if so: unless what the rules here do not see refuses it */
};

static void ep_refuse(struct ep_verdict *v, bool local)
{
	v->ok = false;
	v->local |= local;
}

/*
 * Restart's rules for the EPOLL_ITEMS record @i, where it is: among the
 * records of a process's files (not inside a file's records), before the
 * FDTABLE; for an epoll FILE of this process read before, whose items
 * were not given yet; every item well-formed, naming a FILE read before
 * that is not the instance itself, each (target, fd) once, events
 * epoll_ctl() would take.
 */
static void epoll_items_rule(struct fz_mut *m, int i, struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	const struct ckpt_hdr_epoll_items *h = REC(im, i, struct ckpt_hdr_epoll_items);
	const struct ckpt_epoll_item *it = (const void *)(h + 1);
	int start, ep, j, t, p;
	uint32_t k, l, ev;

	if (h->nr_items > CKPT_MAX_EPOLL_ITEMS ||
	    im->r[i].len != sizeof(*h) + (uint64_t)h->nr_items * FZ_EP_ITEM) {
		ep_refuse(v, true);
		return;
	}
	start = files_start(im, i);
	if (files_end(im, i) < 0 || (i > 0 && im->r[i - 1].type == CKPT_HDR_FILE) ||
	    (i + 1 < im->n && in_file_group(im, i + 1)))
		ep_refuse(v, false);
	ep = file_of_ref(im, h->objref, i);
	if (ep < start || REC(im, ep, struct ckpt_hdr_file)->type != CKPT_FILE_EPOLL)
		ep_refuse(v, !h->objref || h->objref > FZ_MAX_OBJS);
	for (j = ep < 0 ? i : ep + 1; j < i; j++)
		if (im->r[j].type == CKPT_HDR_EPOLL_ITEMS &&
		    REC(im, j, struct ckpt_hdr_epoll_items)->objref == h->objref)
			ep_refuse(v, false);	/* given twice */
	for (k = 0; k < h->nr_items; k++) {
		ev = it[k].events;
		if (it[k].__reserved || it[k].fd > INT_MAX || !ep_events_ok(ev) ||
		    it[k].objref == h->objref ||
		    ((ev & EPOLLEXCLUSIVE) && (ev & ~FZ_EP_EXCL_OK)))
			ep_refuse(v, true);
		/* EPOLLWAKEUP needs CAP_BLOCK_SUSPEND, where it is kept */
		if ((ev & EPOLLWAKEUP) && m->c->uid && fz_wakeup_kept())
			ep_refuse(v, true);
		t = file_of_ref(im, it[k].objref, i);
		if (t < 0) {
			ep_refuse(v, !it[k].objref || it[k].objref > FZ_MAX_OBJS);
			continue;
		}
		if ((ev & EPOLLEXCLUSIVE) &&
		    REC(im, t, struct ckpt_hdr_file)->type == CKPT_FILE_EPOLL)
			ep_refuse(v, false);
		p = ep_pollable(m, t);
		if (!p)
			ep_refuse(v, false);
		/* an inherited target; nested instances (a loop?) */
		if (p < 0 || REC(im, t, struct ckpt_hdr_file)->type == CKPT_FILE_EPOLL)
			v->depends = true;
	}
	/* each (target, fd) once */
	if (h->nr_items > 4096) {
		v->depends = true;
		return;
	}
	for (k = 0; k < h->nr_items; k++)
		for (l = k + 1; l < h->nr_items; l++)
			if (it[k].objref == it[l].objref && it[k].fd == it[l].fd)
				ep_refuse(v, true);
}

/*
 * The late records of the whole image: each one's rules, and every epoll
 * FILE with its EPOLL_ITEMS in the same process's files. On a
 * refusal, *v says whether a record alone broke a rule.
 */
static void epoll_image_rule(struct fz_mut *m, struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	int i, j, end, n;

	v->ok = true;
	v->local = false;
	v->depends = false;
	for (i = 0; i < im->n; i++) {
		if (im->r[i].type == CKPT_HDR_EPOLL_ITEMS) {
			epoll_items_rule(m, i, v);
			continue;
		}
		if (im->r[i].type != CKPT_HDR_FILE ||
		    REC(im, i, struct ckpt_hdr_file)->type != CKPT_FILE_EPOLL)
			continue;
		end = files_end(im, i);
		for (j = i + 1, n = 0; end >= 0 && j < end; j++)
			n += im->r[j].type == CKPT_HDR_EPOLL_ITEMS &&
			     REC(im, j, struct ckpt_hdr_epoll_items)->objref ==
			     REC(im, i, struct ckpt_hdr_file)->objref;
		/* none: refused at the FDTABLE (two: the second, above) */
		if (!n)
			ep_refuse(v, false);
	}
	/* a pipe end's FILE_PIPE after its PIPE, wherever files moved */
	for (i = 0; i < im->n; i++)
		if (im->r[i].type == CKPT_HDR_FILE_PIPE &&
		    !pipe_ref_ok(im, i, REC(im, i, struct ckpt_hdr_file_pipe)->pipe_objref))
			ep_refuse(v, false);
}

/* The class of a mutant whose late records are @v, the mutation @cls if taken */
static enum fz_class ep_class(const struct ep_verdict *v, enum fz_class cls)
{
	if (!v->ok)
		return FZ_REFUSE;
	return v->depends && cls == FZ_VALID ? FZ_MAY : cls;
}

/* FILE_EPOLL: nothing yet but a reserved field */
static void mut_file_epoll(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_epoll *h = REC(&m->im, i, struct ckpt_hdr_file_epoll);

	if (chance(&m->rng, 50)) {
		h->__reserved = chance(&m->rng, 50) ? 1ULL << below(&m->rng, 64) :
			       other_u64(m, 0);
		note(m, FZ_REFUSE, true, "FILE_EPOLL.__reserved=%#llx",
		     (unsigned long long)h->__reserved);
		return;
	}
	mut_ext_tail(m, i);
}

/* A FILE record for an item to watch instead: another target, or not */
static int ep_other_target(struct fz_mut *m, int i)
{
	const struct fz_img *im = &m->im;
	int j, k, n = 0, pick;

	for (j = 0; j < i; j++)
		n += im->r[j].type == CKPT_HDR_FILE;
	for (k = 0; k < 8; k++) {
		pick = below(&m->rng, n);
		for (j = 0; j < i; j++)
			if (im->r[j].type == CKPT_HDR_FILE && !pick--)
				break;
		if (FZ_EP_INHERITED_TARGETS || j >= i ||
		    REC(im, j, struct ckpt_hdr_file)->type != CKPT_FILE_INHERITED)
			return j < i ? j : -1;
	}
	return -1;
}

/* Events for an item that had @old: interesting ones, by the rules */
static uint32_t ep_other_events(struct fz_mut *m, uint32_t old)
{
	static const uint32_t bits[] = {
		EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLRDHUP, EPOLLERR, EPOLLHUP,
		EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE, EPOLLWAKEUP, 1U << 20,
		EPOLLRDNORM,
	};
	static const uint32_t values[] = {
		0, EPOLLONESHOT, EPOLLET, EPOLLONESHOT | EPOLLET,
		EPOLLONESHOT | EPOLLEXCLUSIVE, EPOLLONESHOT | EPOLLWAKEUP,
		EPOLLWAKEUP | EPOLLET, EPOLLERR | EPOLLHUP,
		EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLEXCLUSIVE,
		EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLET,
		EPOLLIN | EPOLLPRI | EPOLLERR | EPOLLHUP | EPOLLEXCLUSIVE,
		EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLONESHOT | EPOLLEXCLUSIVE,
		~0U,
	};

	switch (below(&m->rng, 4)) {
	case 0:
		/* EPOLLERR or EPOLLHUP gone */
		return old & ~(chance(&m->rng, 50) ? EPOLLERR : EPOLLHUP);
	case 1:
		return PICK(&m->rng, values);
	case 2:
		/* disarmed, as a one-shot item is once it fired */
		return EPOLLONESHOT | (old & (EPOLLET | EPOLLWAKEUP));
	default:
		return old ^ PICK(&m->rng, bits);
	}
}

/*
 * Events that change nothing the program sees: the same, EPOLLWAKEUP
 * (which only keeps the system awake) toggled, or a disarmed item kept
 * disarmed (EPOLL_CTL_MOD gives it all its events again).
 */
static bool ep_same_events(uint32_t a, uint32_t b)
{
	if ((a & ~EPOLLWAKEUP) == (b & ~EPOLLWAKEUP))
		return true;
	return ep_fired(a) && ep_fired(b) && ep_events_ok(a) && ep_events_ok(b) &&
	       !(a & EPOLLEXCLUSIVE) && !(b & EPOLLEXCLUSIVE);
}

/* EPOLL_ITEMS: an epoll set's items, after the FILE records */
static void mut_epoll_items(struct fz_mut *m, int i)
{
	struct ckpt_hdr_epoll_items *h = REC(&m->im, i, struct ckpt_hdr_epoll_items);
	struct ckpt_epoll_item *it = (struct ckpt_epoll_item *)(h + 1), one;
	uint32_t n = h->nr_items, k, l, old;
	enum fz_class cls = FZ_MAY;
	struct ep_verdict v;
	char what[160];
	int t;

	if (m->im.r[i].len != sizeof(*h) + (uint64_t)n * FZ_EP_ITEM) {
		note(m, FZ_REFUSE, true, "EPOLL_ITEMS already bad");
		return;
	}
	k = below(&m->rng, n ?: 1);
	l = below(&m->rng, n ?: 1);
	switch (n ? below(&m->rng, 12) : 0) {
	case 0:
		/* the count, the length kept */
		h->nr_items = PICK(&m->rng, ((const uint32_t[]){ n + 1, n - 1,
				   0, CKPT_MAX_EPOLL_ITEMS + 1, 0xffffffff }));
		if (h->nr_items == n)
			h->nr_items = n + 1;
		snprintf(what, sizeof(what), "EPOLL_ITEMS.nr_items=%u (len kept)",
			 h->nr_items);
		break;
	case 1: {
		/* for another file: not an epoll, a pipe, nothing */
		int pp = img_find(&m->im, CKPT_HDR_PIPE, 0);

		t = ep_other_target(m, i);
		old = h->objref;
		h->objref = PICK(&m->rng, ((const uint32_t[]){ 0, 0xffffffff,
				 old + 1000, t < 0 ? 0 :
				 REC(&m->im, t, struct ckpt_hdr_file)->objref,
				 t < 0 ? 0 : REC(&m->im, t, struct ckpt_hdr_file)->objref,
				 pp < 0 ? 0 : REC(&m->im, pp, struct ckpt_hdr_pipe)->objref }));
		snprintf(what, sizeof(what), "EPOLL_ITEMS.objref=%u", h->objref);
		cls = h->objref == old ? FZ_VALID : FZ_MAY;
		break;
	}
	case 2:
		/* an item on another file (itself, an unpollable one...) */
		t = chance(&m->rng, 20) ? -1 : ep_other_target(m, i);
		old = it[k].objref;
		it[k].objref = t < 0 ? h->objref :
			       REC(&m->im, t, struct ckpt_hdr_file)->objref;
		snprintf(what, sizeof(what), "EPOLL_ITEMS[%u].objref=%u (was %u)",
			 k, it[k].objref, old);
		cls = it[k].objref == old ? FZ_VALID : FZ_MAY;
		break;
	case 3:
		/* another fd number: a new key, the key of another item, too big */
		old = it[k].fd;
		it[k].fd = PICK(&m->rng, ((const uint32_t[]){ old + 1, 0, INT_MAX,
				INT_MAX + 1U, 0xffffffff, it[l].fd, FZ_EP_SPARE_FD }));
		snprintf(what, sizeof(what), "EPOLL_ITEMS[%u].fd=%u", k, it[k].fd);
		cls = it[k].fd == old ? FZ_VALID : FZ_MAY;
		break;
	case 4:
	case 5:
		old = it[k].events;
		it[k].events = ep_other_events(m, old);
		snprintf(what, sizeof(what), "EPOLL_ITEMS[%u].events=%#x (was %#x)",
			 k, it[k].events, old);
		cls = ep_same_events(old, it[k].events) ? FZ_VALID : FZ_MAY;
		break;
	case 6:
		it[k].data = other_u64(m, it[k].data);
		snprintf(what, sizeof(what), "EPOLL_ITEMS[%u].data=%#llx", k,
			 (unsigned long long)it[k].data);
		break;
	case 7:
		it[k].__reserved = other_u32(m, 0) ?: 1;
		snprintf(what, sizeof(what), "EPOLL_ITEMS[%u].__reserved=%#x", k,
			 it[k].__reserved);
		break;
	case 8:
		/* one item less, with the length */
		memmove(&it[k], &it[k + 1], (n - k - 1) * FZ_EP_ITEM);
		h->nr_items = n - 1;
		rec_resize(&m->im, i, sizeof(*h) + (n - 1) * FZ_EP_ITEM);
		snprintf(what, sizeof(what), "EPOLL_ITEMS item %u dropped", k);
		break;
	case 9:
	case 10: {
		/* one more: the same item again, or under another fd */
		bool again = chance(&m->rng, 50);

		one = it[k];
		if (!again)
			one.fd = FZ_EP_SPARE_FD + k;
		rec_resize(&m->im, i, sizeof(*h) + (n + 1) * FZ_EP_ITEM);
		h = REC(&m->im, i, struct ckpt_hdr_epoll_items);
		it = (struct ckpt_epoll_item *)(h + 1);
		l = below(&m->rng, n + 1);
		memmove(&it[l + 1], &it[l], (n - l) * FZ_EP_ITEM);
		it[l] = one;
		h->nr_items = n + 1;
		snprintf(what, sizeof(what), "EPOLL_ITEMS item %u again%s, at %u",
			 k, again ? "" : " under another fd", l);
		break;
	}
	default:
		/* the order of the items is the interest set's: any will do */
		one = it[k];
		it[k] = it[l];
		it[l] = one;
		snprintf(what, sizeof(what), "EPOLL_ITEMS items %u and %u swapped",
			 k, l);
		cls = FZ_VALID;
	}
	epoll_image_rule(m, &v);
	note(m, ep_class(&v, cls), v.local, "%s", what);
}

/* ---- inotify: FILE_INOTIFY, INOTIFY_WATCHES, INOTIFY_EVENTS ------------ */

/* what a watch's mask may hold; what a queued event's, IN_Q_OVERFLOW aside */
#define FZ_IN_WATCH_OK	((uint32_t)(IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK))
#define FZ_IN_EVENT_OK	((uint32_t)(IN_ALL_EVENTS | IN_ISDIR | IN_UNMOUNT | \
				    IN_IGNORED))
#define FZ_IN_WATCH	sizeof(struct ckpt_inotify_watch)
#define FZ_IN_EVENT	sizeof(struct inotify_event)
#define FZ_IN_NAME_MAX	256	/* NAME_MAX + 1, padded to FZ_IN_EVENT */
/* the most entries a mutator splits a record into */
#define FZ_IN_SPANS	64

static bool in_mode_ok(uint32_t mode)
{
	switch (mode) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return true;
	}
	return false;
}

/* May the campaign's restarter read what @st is (MAY_READ, by the mode)? */
static bool in_may_read(const struct fz_campaign *c, const struct stat *st)
{
	if (!c->uid)
		return true;
	if (st->st_uid == (uid_t)c->uid)
		return st->st_mode & S_IRUSR;
	/* ck_drop_privs(): its gid is its uid, no other group */
	if (st->st_gid == (gid_t)c->uid)
		return st->st_mode & S_IRGRP;
	return st->st_mode & S_IROTH;
}

/*
 * The entries of the well-formed INOTIFY_WATCHES or INOTIFY_EVENTS record
 * @i, as spans of its bytes (@off, @len; a watch with its path and
 * padding, an event with its name): their number, or -1 when the record
 * does not split that way (or into more than @max).
 */
static int in_spans(const struct fz_img *im, int i, uint32_t *off,
		    uint32_t *len, int max)
{
	const struct fz_rec *r = &im->r[i];
	const struct ckpt_hdr_inotify_events *eh = (const void *)r->p;
	const struct ckpt_hdr_inotify_watches *wh = (const void *)r->p;
	bool events = r->type == CKPT_HDR_INOTIFY_EVENTS;
	uint32_t at = sizeof(*wh), end = r->len, n, k;
	uint64_t size;

	if (events) {
		if ((uint64_t)sizeof(*eh) + eh->len > r->len)
			return -1;
		end = sizeof(*eh) + eh->len;
	}
	n = events ? eh->nr_events : wh->nr_watches;
	if (n > (uint32_t)max)
		return -1;
	for (k = 0; k < n; k++) {
		if (end - at < (events ? FZ_IN_EVENT : FZ_IN_WATCH))
			return -1;
		if (events)
			size = FZ_IN_EVENT + ((const struct inotify_event *)(r->p + at))->len;
		else
			size = ALIGN8(FZ_IN_WATCH + (uint64_t)((const struct ckpt_inotify_watch *)
							       (r->p + at))->path_len);
		if (size > end - at)
			return -1;
		off[k] = at;
		len[k] = size;
		at += size;
	}
	return at == end ? (int)n : -1;
}

/*
 * Record @i made again of its header and the @n spans @off/@len of @src
 * (its old bytes, and any after them), in that order: nr_watches or
 * nr_events @n, an INOTIFY_EVENTS record's len what the spans take.
 */
static void in_rebuild(struct fz_img *im, int i, const unsigned char *src,
		       const uint32_t *off, const uint32_t *len, int n)
{
	struct fz_rec *r = &im->r[i];
	struct ckpt_hdr_inotify_events *eh;
	size_t total = sizeof(*eh), at;
	unsigned char *p;
	int k;

	for (k = 0; k < n; k++)
		total += len[k];
	p = calloc(1, ALIGN8(total) + 8);
	if (!p)
		abort();
	memcpy(p, src, sizeof(*eh));
	for (k = 0, at = sizeof(*eh); k < n; at += len[k], k++)
		memcpy(p + at, src + off[k], len[k]);
	eh = (void *)p;
	eh->h.len = ALIGN8(total);
	eh->nr_events = n;	/* nr_watches, for INOTIFY_WATCHES */
	if (r->type == CKPT_HDR_INOTIFY_EVENTS)
		eh->len = total - sizeof(*eh);
	free(r->p);
	r->p = p;
	r->len = ALIGN8(total);
}

/* A watch entry into @buf (FZ_IN_WATCH + CKPT_PATH_MAX + 8): its size */
static uint32_t in_watch_entry(unsigned char *buf, int32_t wd, uint32_t mask,
			       uint32_t mode, const char *path)
{
	struct ckpt_inotify_watch *w = (void *)buf;
	uint32_t plen = strlen(path) + 1, size = ALIGN8(FZ_IN_WATCH + plen);

	memset(buf, 0, size);
	w->wd = wd;
	w->mask = mask;
	w->mode = mode;
	w->path_len = plen;
	memcpy(w + 1, path, plen);
	return size;
}

/* An event into @buf (FZ_IN_EVENT + FZ_IN_NAME_MAX + 16): its size */
static uint32_t in_event_entry(unsigned char *buf, int32_t wd, uint32_t mask,
			       uint32_t cookie, size_t name_len)
{
	struct inotify_event *e = (void *)buf;

	memset(buf, 0, FZ_IN_EVENT + FZ_IN_NAME_MAX + 16);
	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->len = name_len ? (name_len + FZ_IN_EVENT) & ~(FZ_IN_EVENT - 1) : 0;
	memset(e + 1, 'n', name_len);
	return FZ_IN_EVENT + e->len;
}

/*
 * Restart's rules for the INOTIFY_WATCHES record @i: at most
 * CKPT_MAX_INOTIFY_WATCHES, __reserved zero; each watch fits, its path a
 * string of path_len bytes starting with '/', wd >= 1, mask bits a watch
 * keeps, a mode that is a kind of file; the watches fill the record
 * exactly (the last one's padding is the record's). Then the world, as
 * restart looks: each path leads, without following a last symlink, to a
 * file of that mode that the restarter may read; no wd, no file twice.
 */
static void in_watches_rule(struct fz_mut *m, int i, struct ep_verdict *v)
{
	const struct fz_rec *r = &m->im.r[i];
	const struct ckpt_hdr_inotify_watches *h = (const void *)r->p;
	uint32_t k, l, n, at = sizeof(*h);
	struct stat *seen;
	int32_t *wds;

	if (h->nr_watches > CKPT_MAX_INOTIFY_WATCHES || h->__reserved) {
		ep_refuse(v, true);
		return;
	}
	n = h->nr_watches < r->len / FZ_IN_WATCH ? h->nr_watches :
	    r->len / FZ_IN_WATCH;
	seen = calloc(n ?: 1, sizeof(*seen));
	wds = calloc(n ?: 1, sizeof(*wds));
	if (!seen || !wds)
		abort();
	for (k = 0; k < h->nr_watches; k++) {
		const struct ckpt_inotify_watch *w = (const void *)(r->p + at);
		const char *path = (const char *)(w + 1);

		if (r->len - at < FZ_IN_WATCH)
			break;
		at += FZ_IN_WATCH;
		if (!w->path_len || w->path_len > CKPT_PATH_MAX ||
		    w->path_len > r->len - at ||
		    strnlen(path, w->path_len) != w->path_len - 1 ||
		    path[0] != '/' || w->wd < 1 || w->mask & ~FZ_IN_WATCH_OK ||
		    !in_mode_ok(w->mode))
			break;
		at += w->path_len;
		at = ALIGN8(at) < r->len ? ALIGN8(at) : r->len;
		wds[k] = w->wd;
		if (lstat(path, &seen[k]) ||
		    (seen[k].st_mode & S_IFMT) != w->mode ||
		    !in_may_read(m->c, &seen[k]))
			ep_refuse(v, true);
	}
	if (k < h->nr_watches || at != r->len) {
		ep_refuse(v, true);
		goto out;
	}
	for (k = 0; k < n; k++)
		for (l = k + 1; l < n; l++)
			if (wds[k] == wds[l] || (seen[k].st_ino == seen[l].st_ino &&
						 seen[k].st_dev == seen[l].st_dev &&
						 seen[k].st_ino))
				ep_refuse(v, true);
out:
	free(seen);
	free(wds);
}

/*
 * Restart's rules for the INOTIFY_EVENTS record @i of an instance with a
 * queue of @max_events: at most CKPT_MAX_INOTIFY_EVENTS, len at most
 * CKPT_INOTIFY_EVENT_MAX a count, h.len exactly the events; each event
 * whole, its name NUL-padded to the next multiple of 16 (at most 256
 * bytes, none for len 0); an IN_Q_OVERFLOW alone (wd -1, cookie 0, no
 * name), once; any other with a mask of event bits and a wd >= 1; as many
 * as nr_events. The queue takes each event but IN_Q_OVERFLOW while it
 * holds fewer than @max_events (IN_Q_OVERFLOW counted).
 */
static void in_events_rule(struct fz_mut *m, int i, uint32_t max_events,
			   struct ep_verdict *v)
{
	const struct fz_rec *r = &m->im.r[i];
	const struct ckpt_hdr_inotify_events *h = (const void *)r->p;
	const unsigned char *p = r->p + sizeof(*h);
	uint32_t at = 0, n = 0, queued = 0;
	bool overflow = false, full = false;

	if (h->nr_events > CKPT_MAX_INOTIFY_EVENTS ||
	    h->len > (uint64_t)h->nr_events * CKPT_INOTIFY_EVENT_MAX ||
	    ALIGN8(sizeof(*h) + (uint64_t)h->len) != r->len) {
		ep_refuse(v, true);
		return;
	}
	while (at < h->len) {
		struct inotify_event e;
		const char *name;
		size_t nl, k;

		if (h->len - at < FZ_IN_EVENT)
			goto bad;
		memcpy(&e, p + at, sizeof(e));
		at += FZ_IN_EVENT;
		name = (const char *)(p + at);
		if (e.len > h->len - at || e.len % FZ_IN_EVENT ||
		    e.len > FZ_IN_NAME_MAX)
			goto bad;
		nl = strnlen(name, e.len);
		for (k = nl; k < e.len && !name[k]; k++)
			;
		if (k < e.len || (e.len && (!nl || nl == e.len)) ||
		    e.len != (nl ? (nl + FZ_IN_EVENT) & ~(FZ_IN_EVENT - 1) : 0))
			goto bad;
		at += e.len;
		if (e.mask == IN_Q_OVERFLOW) {
			if (e.wd != -1 || e.cookie || nl || overflow)
				goto bad;
			overflow = true;
		} else if (!e.mask || e.mask & ~FZ_IN_EVENT_OK || e.wd < 1) {
			goto bad;
		} else if (queued >= max_events) {
			full = true;
		}
		queued++;
		n++;
	}
	if (n != h->nr_events)
		goto bad;
	/* the queue's limit is another record's */
	if (full)
		ep_refuse(v, false);
	return;
bad:
	ep_refuse(v, true);
}

/*
 * The inotify files of the whole image: each FILE_INOTIFY with a next
 * watch descriptor up to INT_MAX and a queue within the restarter's
 * fs.inotify.max_queued_events (ENOSPC), its watches and its events.
 */
static void in_image_rule(struct fz_mut *m, struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	const struct ckpt_hdr_file_inotify *h;
	int i, fi, wi, ei;

	v->ok = true;
	v->local = false;
	v->depends = false;
	for (i = 0; i < im->n; i++) {
		if (im->r[i].type != CKPT_HDR_FILE ||
		    REC(im, i, struct ckpt_hdr_file)->type != CKPT_FILE_INOTIFY)
			continue;
		fi = file_part(im, i, CKPT_HDR_FILE_INOTIFY);
		wi = file_part(im, i, CKPT_HDR_INOTIFY_WATCHES);
		ei = file_part(im, i, CKPT_HDR_INOTIFY_EVENTS);
		if (fi < 0 || wi < 0 || ei < 0) {
			ep_refuse(v, true);
			continue;
		}
		h = REC(im, fi, struct ckpt_hdr_file_inotify);
		if (h->next_wd > INT_MAX || h->max_events > m->c->in_max_queued)
			ep_refuse(v, true);
		in_watches_rule(m, wi, v);
		in_events_rule(m, ei, h->max_events, v);
	}
}

/*
 * The watch descriptor the next inotify_add_watch() on the instance of
 * FILE_INOTIFY record @i gets, from @next_wd: the first one free from
 * there (1 for 0), or from 1 past INT_MAX; 0 if its watches do not split.
 */
static int32_t in_next_wd(const struct fz_img *im, int i, uint32_t next_wd)
{
	uint32_t off[FZ_IN_SPANS], len[FZ_IN_SPANS];
	int w = file_part(im, file_owner(im, i), CKPT_HDR_INOTIFY_WATCHES);
	int n = w < 0 ? -1 : in_spans(im, w, off, len, FZ_IN_SPANS), k, tries;
	int64_t wd = next_wd ? next_wd : 1;

	if (n < 0)
		return 0;
	for (tries = 0; tries <= n; tries++) {
		if (wd > INT_MAX)
			wd = 1;
		for (k = 0; k < n; k++)
			if (((const struct ckpt_inotify_watch *)
			     (im->r[w].p + off[k]))->wd == wd)
				break;
		if (k == n)
			return wd;
		wd++;
	}
	return 0;
}

/*
 * FILE_INOTIFY: the queue's limit and the next watch descriptor. A limit
 * that holds the queued events, and the program's one at a time, changes
 * nothing it sees; another next watch descriptor than the one its
 * inotify_add_watch() got is what it sees (ACCEPT).
 */
static void mut_file_inotify(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_inotify *h = REC(&m->im, i, struct ckpt_hdr_file_inotify);
	const uint32_t qmax = m->c->in_max_queued, old = h->next_wd;
	enum fz_class cls;
	struct ep_verdict v;
	char what[96];

	switch (below(&m->rng, 5)) {
	case 0:
	case 1:
		h->max_events = PICK(&m->rng, ((const uint32_t[]){ 0, 1,
				     FZ_IN_QUEUED, FZ_IN_QUEUED + 1, 64, qmax,
				     qmax + 1, 2 * qmax, 0xffffffff,
				     h->max_events - 1, h->max_events + 1 }));
		snprintf(what, sizeof(what), "FILE_INOTIFY.max_events=%u (sysctl %u)",
			 h->max_events, qmax);
		cls = h->max_events >= FZ_IN_QUEUED ? FZ_VALID : FZ_ACCEPT;
		break;
	case 2:
	case 3:
		h->next_wd = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 2, 3, 4,
				  1000, INT_MAX, INT_MAX + 1U, 0xffffffff,
				  any_u32(m, old) }));
		snprintf(what, sizeof(what), "FILE_INOTIFY.next_wd=%u (was %u)",
			 h->next_wd, old);
		cls = in_next_wd(&m->im, i, h->next_wd) ==
		      in_next_wd(&m->im, i, old) ? FZ_VALID : FZ_ACCEPT;
		break;
	default:
		mut_ext_tail(m, i);
		return;
	}
	in_image_rule(m, &v);
	note(m, ep_class(&v, cls), v.local, "%s", what);
}

/*
 * INOTIFY_WATCHES: a field of a watch, a path, a watch left out,
 * repeated, added or moved. Restart takes what its rules take; the
 * watches in another order are the same watches (VALID), anything else
 * it takes is what the program sees (ACCEPT).
 */
static void mut_inotify_watches(struct fz_mut *m, int i)
{
	static const uint32_t bits[] = {
		IN_ACCESS, IN_MODIFY, IN_CREATE, IN_DELETE_SELF, IN_ONESHOT,
		IN_EXCL_UNLINK, IN_ISDIR, IN_ONLYDIR, IN_DONT_FOLLOW,
		IN_MASK_ADD, IN_MASK_CREATE, IN_Q_OVERFLOW, IN_IGNORED,
		IN_UNMOUNT, 0x1000, 1U << 27,
	};
	static const uint32_t modes[] = {
		S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK,
		0, S_IFMT, S_IFREG | 0644, S_IFDIR | 0755, 0x3000,
	};
	struct fz_rec *r = &m->im.r[i];
	struct ckpt_hdr_inotify_watches *h = (void *)r->p;
	uint32_t off[FZ_IN_SPANS + 1], len[FZ_IN_SPANS + 1], t;
	unsigned char *src, *add, *old = fz_dup(r->p, r->len, r->len);
	uint32_t old_len = r->len;
	int n = in_spans(&m->im, i, off, len, FZ_IN_SPANS), k, l;
	struct ckpt_inotify_watch *w;
	enum fz_class cls = FZ_ACCEPT;
	struct ep_verdict v;
	char what[160];
	char *path;

	if (n < 0) {
		note(m, FZ_REFUSE, true, "INOTIFY_WATCHES already bad");
		free(old);
		return;
	}
	/* room for a watch more, after the record's bytes */
	src = fz_dup(r->p, r->len, r->len + FZ_IN_WATCH + CKPT_PATH_MAX + 8);
	add = src + old_len;
	k = below(&m->rng, n ?: 1);
	l = below(&m->rng, n ?: 1);
	w = n ? (void *)(r->p + off[k]) : NULL;
	path = w ? (char *)(w + 1) : NULL;
	switch (n ? below(&m->rng, 13) : 11 + below(&m->rng, 2)) {
	case 0:
		h->nr_watches = PICK(&m->rng, ((const uint32_t[]){ n + 1, n - 1,
				     0, CKPT_MAX_INOTIFY_WATCHES + 1,
				     0xffffffff }));
		if (h->nr_watches == (uint32_t)n)
			h->nr_watches = n + 1;
		snprintf(what, sizeof(what), "INOTIFY_WATCHES.nr_watches=%u (len kept)",
			 h->nr_watches);
		break;
	case 1:
		h->__reserved = other_u32(m, 0) ?: 1;
		snprintf(what, sizeof(what), "INOTIFY_WATCHES.__reserved=%#x",
			 h->__reserved);
		break;
	case 2:
		t = w->wd;
		w->wd = PICK(&m->rng, ((const int32_t[]){ 0, -1, INT32_MIN,
			     ((struct ckpt_inotify_watch *)(r->p + off[l]))->wd,
			     w->wd + 10, INT_MAX }));
		snprintf(what, sizeof(what), "INOTIFY_WATCHES[%d].wd=%d (was %d)",
			 k, w->wd, (int32_t)t);
		break;
	case 3:
		t = w->mask;
		w->mask = chance(&m->rng, 80) ? w->mask ^ PICK(&m->rng, bits) :
			  PICK(&m->rng, ((const uint32_t[]){ 0, ~0U, IN_ALL_EVENTS,
				 FZ_IN_WATCH_OK }));
		snprintf(what, sizeof(what), "INOTIFY_WATCHES[%d].mask=%#x (was %#x)",
			 k, w->mask, t);
		break;
	case 4:
		w->mode = PICK(&m->rng, modes);
		snprintf(what, sizeof(what), "INOTIFY_WATCHES[%d].mode=%#o", k,
			 w->mode);
		break;
	case 5: {
		/* another path: of a file of its kind or not, the other watch's */
		const char *np = chance(&m->rng, 20) ?
				 (const char *)(r->p + off[l] + FZ_IN_WATCH) :
				 path_of(m->c, below(&m->rng, P_NR));
		uint32_t mode = w->mode;
		struct stat st;

		if (chance(&m->rng, 50) && !lstat(np, &st))
			mode = st.st_mode & S_IFMT;
		off[k] = old_len;
		len[k] = in_watch_entry(add, w->wd, w->mask, mode, np);
		snprintf(what, sizeof(what), "INOTIFY_WATCHES[%d] path \"%.80s\" mode %#o",
			 k, np, mode);
		in_rebuild(&m->im, i, src, off, len, n);
		break;
	}
	case 6:
		t = w->path_len;
		w->path_len = PICK(&m->rng, ((const uint32_t[]){ t + 1, t - 1, 0,
				   CKPT_PATH_MAX + 1, 0xffffffff, t + 8 }));
		snprintf(what, sizeof(what), "INOTIFY_WATCHES[%d].path_len=%u (was %u)",
			 k, w->path_len, t);
		break;
	case 7:
		if (chance(&m->rng, 50)) {
			path[w->path_len - 1] = 'x';
			snprintf(what, sizeof(what), "INOTIFY_WATCHES[%d] path without its NUL",
				 k);
		} else {
			path[0] = 'x';
			snprintf(what, sizeof(what), "INOTIFY_WATCHES[%d] path relative", k);
		}
		break;
	case 8:
		memmove(&off[k], &off[k + 1], (n - k - 1) * sizeof(*off));
		memmove(&len[k], &len[k + 1], (n - k - 1) * sizeof(*len));
		in_rebuild(&m->im, i, src, off, len, n - 1);
		snprintf(what, sizeof(what), "INOTIFY_WATCHES watch %d dropped", k);
		break;
	case 9: {
		/* again: the same, or under a new wd (the same file) */
		bool again = chance(&m->rng, 50);
		uint32_t o = off[k], s = len[k];

		if (!again) {
			memcpy(add, src + o, s);
			((struct ckpt_inotify_watch *)add)->wd = 1000 + k;
			o = old_len;
		}
		memmove(&off[l + 1], &off[l], (n - l) * sizeof(*off));
		memmove(&len[l + 1], &len[l], (n - l) * sizeof(*len));
		off[l] = o;
		len[l] = s;
		in_rebuild(&m->im, i, src, off, len, n + 1);
		snprintf(what, sizeof(what), "INOTIFY_WATCHES watch %d again%s, at %d",
			 k, again ? "" : " under another wd", l);
		break;
	}
	case 10:
		t = off[k];
		off[k] = off[l];
		off[l] = t;
		t = len[k];
		len[k] = len[l];
		len[l] = t;
		in_rebuild(&m->im, i, src, off, len, n);
		snprintf(what, sizeof(what), "INOTIFY_WATCHES watches %d and %d swapped",
			 k, l);
		cls = FZ_VALID;
		break;
	case 11:
		/* not extensible: its length is its watches' */
		rec_resize(&m->im, i, r->len + 8 * (1 + below(&m->rng, 4)));
		snprintf(what, sizeof(what), "INOTIFY_WATCHES record longer than its watches");
		break;
	default: {
		/* a watch more: a directory, under a new wd or one in use */
		const char *np = chance(&m->rng, 50) ? "/" : m->c->p_dir;
		int32_t wd = chance(&m->rng, 70) ? 100 : 1 + below(&m->rng, 3);

		l = below(&m->rng, n + 1);
		memmove(&off[l + 1], &off[l], (n - l) * sizeof(*off));
		memmove(&len[l + 1], &len[l], (n - l) * sizeof(*len));
		off[l] = old_len;
		len[l] = in_watch_entry(add, wd, IN_ATTRIB, S_IFDIR, np);
		in_rebuild(&m->im, i, src, off, len, n + 1);
		snprintf(what, sizeof(what), "INOTIFY_WATCHES a watch more, wd %d on %.80s, at %d",
			 wd, np, l);
	}
	}
	r = &m->im.r[i];
	if (r->len == old_len && !memcmp(r->p, old, old_len))
		cls = FZ_VALID;
	in_image_rule(m, &v);
	note(m, ep_class(&v, cls), v.local, "%s", what);
	free(src);
	free(old);
}

/*
 * INOTIFY_EVENTS: a field of an event, its name, an event left out,
 * repeated, added (an IN_Q_OVERFLOW, a long name) or moved. Restart takes
 * what its rules take; the program reads the events exactly, so anything
 * else it takes is what the program sees (ACCEPT).
 */
static void mut_inotify_events(struct fz_mut *m, int i)
{
	static const uint32_t bits[] = {
		IN_ACCESS, IN_CREATE, IN_DELETE, IN_ISDIR, IN_IGNORED,
		IN_UNMOUNT, IN_Q_OVERFLOW, IN_ONESHOT, IN_EXCL_UNLINK,
		IN_ONLYDIR, IN_MASK_ADD, 0x1000, 1U << 20,
	};
	struct fz_rec *r = &m->im.r[i];
	struct ckpt_hdr_inotify_events *h = (void *)r->p;
	uint32_t off[FZ_IN_SPANS + 1], len[FZ_IN_SPANS + 1], t;
	unsigned char *src, *add, *old = fz_dup(r->p, r->len, r->len);
	uint32_t old_len = r->len;
	int n = in_spans(&m->im, i, off, len, FZ_IN_SPANS), k, l;
	enum fz_class cls = FZ_ACCEPT;
	struct inotify_event *e;
	struct ep_verdict v;
	char what[160];
	char *name;

	if (n < 0) {
		note(m, FZ_REFUSE, true, "INOTIFY_EVENTS already bad");
		free(old);
		return;
	}
	src = fz_dup(r->p, r->len, r->len + FZ_IN_EVENT + FZ_IN_NAME_MAX + 16);
	add = src + old_len;
	k = below(&m->rng, n ?: 1);
	l = below(&m->rng, n ?: 1);
	e = n ? (void *)(r->p + off[k]) : NULL;
	name = e ? (char *)(e + 1) : NULL;
	switch (n ? below(&m->rng, 13) : 9 + below(&m->rng, 4)) {
	case 0:
		h->nr_events = PICK(&m->rng, ((const uint32_t[]){ n + 1, n - 1,
				    0, CKPT_MAX_INOTIFY_EVENTS + 1, 0xffffffff }));
		if (h->nr_events == (uint32_t)n)
			h->nr_events = n + 1;
		snprintf(what, sizeof(what), "INOTIFY_EVENTS.nr_events=%u (len kept)",
			 h->nr_events);
		break;
	case 1:
		t = h->len;
		h->len = PICK(&m->rng, ((const uint32_t[]){ t + 16, t - 16, 0,
			      t + 8, 0xffffffff }));
		snprintf(what, sizeof(what), "INOTIFY_EVENTS.len=%u (was %u)",
			 h->len, t);
		break;
	case 2:
		t = e->wd;
		e->wd = PICK(&m->rng, ((const int32_t[]){ 0, -1, INT32_MIN, 1,
			     2, 7, e->wd + 1 }));
		snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d].wd=%d (was %d)",
			 k, e->wd, (int32_t)t);
		break;
	case 3:
		t = e->mask;
		e->mask = chance(&m->rng, 70) ? e->mask ^ PICK(&m->rng, bits) :
			  PICK(&m->rng, ((const uint32_t[]){ 0, IN_Q_OVERFLOW,
				 IN_IGNORED, IN_CREATE | IN_ISDIR, ~0U }));
		snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d].mask=%#x (was %#x)",
			 k, e->mask, t);
		break;
	case 4:
		e->cookie = other_u32(m, e->cookie);
		snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d].cookie=%u", k,
			 e->cookie);
		break;
	case 5:
		if (!e->len) {
			/* a name where there was none, its len kept */
			e->len = FZ_IN_EVENT;
			snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d].len=16, no name bytes",
				 k);
			break;
		}
		switch (below(&m->rng, 4)) {
		case 0:
			memset(name, 'x', e->len);
			snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d] name without a NUL", k);
			break;
		case 1:
			name[e->len - 1] = 'x';
			snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d] name padding not zero", k);
			break;
		case 2:
			name[0] = '\0';
			snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d] name empty, len %u",
				 k, e->len);
			break;
		default:
			name[below(&m->rng, strnlen(name, e->len) ?: 1)] =
				PICK(&m->rng, ((const char[]){ 'y', '/', '.', '\n' }));
			snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d] name \"%.40s\"",
				 k, name);
		}
		break;
	case 6:
		t = e->len;
		e->len = PICK(&m->rng, ((const uint32_t[]){ t + 16, t ? t - 16 : 8,
			      8, 0xffffffff, FZ_IN_NAME_MAX, FZ_IN_NAME_MAX + 16 }));
		snprintf(what, sizeof(what), "INOTIFY_EVENTS[%d].len=%u (was %u)",
			 k, e->len, t);
		break;
	case 7:
		memmove(&off[k], &off[k + 1], (n - k - 1) * sizeof(*off));
		memmove(&len[k], &len[k + 1], (n - k - 1) * sizeof(*len));
		in_rebuild(&m->im, i, src, off, len, n - 1);
		snprintf(what, sizeof(what), "INOTIFY_EVENTS event %d dropped", k);
		break;
	case 8:
		t = chance(&m->rng, 50) ? k : l;
		l = below(&m->rng, n + 1);
		memmove(&off[l + 1], &off[l], (n - l) * sizeof(*off));
		memmove(&len[l + 1], &len[l], (n - l) * sizeof(*len));
		off[l] = off[t < (uint32_t)l ? t : t + 1];
		len[l] = len[t < (uint32_t)l ? t : t + 1];
		in_rebuild(&m->im, i, src, off, len, n + 1);
		snprintf(what, sizeof(what), "INOTIFY_EVENTS event %u again, at %d",
			 t, l);
		break;
	case 9:
	case 10: {
		/* an IN_Q_OVERFLOW, or a long name; or one that breaks the rules */
		bool ovf = chance(&m->rng, 50);
		size_t nl = PICK(&m->rng, ((const size_t[]){ 1, 15, 16, 100, 255,
				 256 }));

		l = below(&m->rng, n + 1);
		memmove(&off[l + 1], &off[l], (n - l) * sizeof(*off));
		memmove(&len[l + 1], &len[l], (n - l) * sizeof(*len));
		off[l] = old_len;
		if (ovf)
			len[l] = in_event_entry(add,
						chance(&m->rng, 80) ? -1 : 0,
						IN_Q_OVERFLOW,
						chance(&m->rng, 80) ? 0 : 1, 0);
		else
			len[l] = in_event_entry(add, 1, IN_CREATE, 0, nl);
		in_rebuild(&m->im, i, src, off, len, n + 1);
		if (ovf)
			snprintf(what, sizeof(what), "INOTIFY_EVENTS an IN_Q_OVERFLOW (wd %d cookie %u) at %d",
				 ((struct inotify_event *)add)->wd,
				 ((struct inotify_event *)add)->cookie, l);
		else
			snprintf(what, sizeof(what), "INOTIFY_EVENTS an event with a name of %zu bytes at %d",
				 nl, l);
		break;
	}
	case 11:
		if (n > 1) {
			t = off[k];
			off[k] = off[l];
			off[l] = t;
			t = len[k];
			len[k] = len[l];
			len[l] = t;
			in_rebuild(&m->im, i, src, off, len, n);
			snprintf(what, sizeof(what), "INOTIFY_EVENTS events %d and %d swapped",
				 k, l);
			break;
		}
		/* fall through */
	default:
		in_rebuild(&m->im, i, src, off, len, 0);
		snprintf(what, sizeof(what), "INOTIFY_EVENTS all %d dropped", n);
	}
	r = &m->im.r[i];
	if (r->len == old_len && !memcmp(r->p, old, old_len))
		cls = FZ_VALID;
	in_image_rule(m, &v);
	note(m, ep_class(&v, cls), v.local, "%s", what);
	free(src);
	free(old);
}

/*
 * ---- unix sockets: UNIX_PAIR, FILE_UNIX, UNIX_QUEUE, UNIX_SENDER,
 * UNIX_MSG, UNIX_MSG_FROM, UNIX_EMBRYO, UNIX_MSG_FDS, and the late
 * UNIX_FDS ---------------------------------------------------------------
 */

#define FZ_UX_SHUT	(CKPT_UNIX_SHUT_RD | CKPT_UNIX_SHUT_WR)
#define FZ_UX_NO_ID	0xffffffffU	/* a message's uid or gid: none */
#define FZ_UX_MSG	sizeof(struct ckpt_hdr_unix_msg)
#define FZ_UX_FROM	sizeof(struct ckpt_hdr_unix_msg_from)
#define FZ_UX_SENDER	sizeof(struct ckpt_hdr_unix_sender)
#define FZ_UX_EMBRYO	sizeof(struct ckpt_hdr_unix_embryo)
#define FZ_UX_MSG_FDS	sizeof(struct ckpt_hdr_unix_msg_fds)
#define FZ_UX_FDS	sizeof(struct ckpt_hdr_unix_fds)
#define FZ_UX_PAIRS	16		/* pairs the rules below follow */
/*
 * A sender's sndbuf at least this (and settable) holds what the images
 * queue from it, however a mutation grows a datagram; below it (but at
 * least the largest SOCK_MIN_SNDBUF), what restart does is not for the
 * rules to say
 */
#define FZ_UX_SNDBUF_ROOM	16384
#define FZ_UX_SNDBUF_MIN	4096	/* below SOCK_MIN_SNDBUF, whatever it is */

static bool ux_type_ok(uint32_t type)
{
	return type == SOCK_STREAM || type == SOCK_DGRAM || type == SOCK_SEQPACKET;
}

static bool ux_rec(uint32_t type)
{
	return type == CKPT_HDR_UNIX_PAIR || type == CKPT_HDR_FILE_UNIX ||
	       type == CKPT_HDR_UNIX_QUEUE || type == CKPT_HDR_UNIX_MSG ||
	       type == CKPT_HDR_UNIX_SENDER || type == CKPT_HDR_UNIX_MSG_FROM ||
	       type == CKPT_HDR_UNIX_EMBRYO || type == CKPT_HDR_UNIX_MSG_FDS;
}

/*
 * A message of a queue: from the peer (UNIX_MSG), from a sender
 * (UNIX_MSG_FROM), or one that carries files (UNIX_MSG_FDS, from either)
 */
static bool ux_msg_rec(uint32_t type)
{
	return type == CKPT_HDR_UNIX_MSG || type == CKPT_HDR_UNIX_MSG_FROM ||
	       type == CKPT_HDR_UNIX_MSG_FDS;
}

/* What follows a UNIX_QUEUE: its senders, then its messages */
static bool ux_queue_part(uint32_t type)
{
	return type == CKPT_HDR_UNIX_SENDER || ux_msg_rec(type);
}

/* The size of the struct of the message record of @type */
static size_t ux_msg_hsz(uint32_t type)
{
	switch (type) {
	case CKPT_HDR_UNIX_MSG_FROM:
		return FZ_UX_FROM;
	case CKPT_HDR_UNIX_MSG_FDS:
		return FZ_UX_MSG_FDS;
	}
	return FZ_UX_MSG;
}

/* UNIX_QUEUE record @i as restart reads it: zero-extended, an older one */
static struct ckpt_hdr_unix_queue ux_queue_at(const struct fz_img *im, int i)
{
	struct ckpt_hdr_unix_queue q = { 0 };

	memcpy(&q, im->r[i].p, im->r[i].len < sizeof(q) ? im->r[i].len :
	       sizeof(q));
	return q;
}

/* Is @pid 0 (none), or a task of the image's TREE? */
static bool ux_pid_ok(const struct fz_img *im, int32_t pid)
{
	int t = img_find(im, CKPT_HDR_TREE, 0);
	const struct ckpt_hdr_tree *h;
	const struct ckpt_task_pids *p;
	uint32_t k;

	if (!pid)
		return true;
	if (t < 0)
		return false;
	h = REC(im, t, struct ckpt_hdr_tree);
	p = (const struct ckpt_task_pids *)(h + 1);
	for (k = 0; k < h->nr_tasks &&
	     sizeof(*h) + (k + 1) * sizeof(*p) <= im->r[t].len; k++)
		if (p[k].pid == pid)
			return true;
	return false;
}

/* A message's uid or gid: none, or one the restarter may give itself */
static bool ux_id_ok(const struct fz_campaign *c, uint32_t id)
{
	return id == FZ_UX_NO_ID || !c->uid || id == (uint32_t)c->uid;
}

/*
 * Is @ref the objref of a FILE, PIPE, UNIX_PAIR or INODE record but
 * @except, or the sock objref of a FILE_UNIX record but @except?
 */
static bool ux_ref_used(const struct fz_img *im, uint32_t ref, int except)
{
	int i;

	for (i = 0; i < im->n; i++) {
		if (i == except)
			continue;
		if ((im->r[i].type == CKPT_HDR_FILE &&
		     REC(im, i, struct ckpt_hdr_file)->objref == ref) ||
		    (im->r[i].type == CKPT_HDR_PIPE &&
		     REC(im, i, struct ckpt_hdr_pipe)->objref == ref) ||
		    (im->r[i].type == CKPT_HDR_UNIX_PAIR &&
		     REC(im, i, struct ckpt_hdr_unix_pair)->objref == ref) ||
		    (im->r[i].type == CKPT_HDR_INODE &&
		     REC(im, i, struct ckpt_hdr_inode)->objref == ref) ||
		    (im->r[i].type == CKPT_HDR_FILE_UNIX &&
		     ux_sock_ref(im, i) == ref))
			return true;
	}
	return false;
}

/*
 * The UNIX_QUEUE record the UNIX_SENDER or message record (UNIX_MSG,
 * UNIX_MSG_FROM, UNIX_MSG_FDS) @i belongs to, or -1
 */
static int ux_queue_of(const struct fz_img *im, int i)
{
	while (--i >= 0 && ux_queue_part(im->r[i].type))
		;
	return i >= 0 && im->r[i].type == CKPT_HDR_UNIX_QUEUE ? i : -1;
}

/* Index one past the senders and messages after the UNIX_QUEUE record @q */
static int ux_queue_end(const struct fz_img *im, int q)
{
	for (q++; q < im->n && ux_queue_part(im->r[q].type); q++)
		;
	return q;
}

/*
 * The FILE_UNIX record of the UNIX_QUEUE record @i or of a record after
 * it, or NULL (a socket bound to a path has a STRING between them)
 */
static const struct ckpt_hdr_file_unix *ux_socket_of(const struct fz_img *im, int i)
{
	int q = im->r[i].type == CKPT_HDR_UNIX_QUEUE ? i : ux_queue_of(im, i);

	if (q > 1 && im->r[q - 1].type == CKPT_HDR_STRING)
		q--;
	return q > 0 && im->r[q - 1].type == CKPT_HDR_FILE_UNIX &&
	       im->r[q - 1].len >= sizeof(struct ckpt_hdr_file_unix) ?
	       REC(im, q - 1, struct ckpt_hdr_file_unix) : NULL;
}

/*
 * A UNIX_PAIR read: bit n of @ends, its end n taken by a FILE_UNIX - or,
 * of a connection waiting in a backlog (EMBRYO), end 0 by the UNIX_EMBRYO
 * of its listener, which accept() is to return
 */
struct ux_pair {
	uint32_t objref, type, flags;
	uint8_t ends;
};

/*
 * Is the socket of FILE_UNIX @u bound to a path? As restart reads it:
 * bound, a name that is not abstract; a STRING follows its FILE_UNIX.
 */
static bool ux_has_path(const struct ckpt_hdr_file_unix *u)
{
	return (u->flags & CKPT_UNIX_BOUND) && u->name[0];
}

/* The path of the STRING right after FILE_UNIX record @j (well-formed), or NULL */
static const char *ux_path_of(const struct fz_img *im, int j)
{
	const struct ckpt_hdr_string *h;
	const char *p;

	if (j + 1 >= im->n || im->r[j + 1].type != CKPT_HDR_STRING)
		return NULL;
	h = REC(im, j + 1, struct ckpt_hdr_string);
	p = (const char *)(h + 1);
	if (im->r[j + 1].len < sizeof(*h) || !h->len || h->len > CKPT_PATH_MAX ||
	    h->__reserved || im->r[j + 1].len != ALIGN8(sizeof(*h) + h->len) ||
	    strnlen(p, h->len) != h->len - 1)
		return NULL;
	return p;
}

/*
 * The name of FILE_UNIX @u, as restart checks it alone: name_len at most
 * CKPT_UNIX_NAME_MAX, zeroes after it; a path ending with its only NUL;
 * bound with a name, a name not bound only on a stream or seqpacket end
 * of a pair (an accepted one's); inode_objref exactly when bound to a
 * path; mode of S_IALLUGO bits, mode and owner only when bound to a
 * path; listening only bound, not a datagram socket, without a pair or
 * an error, with a backlog up to INT_MAX and at most
 * CKPT_MAX_UNIX_EMBRYOS connections waiting; no backlog and none waiting
 * otherwise.
 */
static bool ux_name_ok(const struct ckpt_hdr_file_unix *u)
{
	bool bound = u->flags & CKPT_UNIX_BOUND;
	bool listening = u->flags & CKPT_UNIX_LISTEN;
	bool stream = u->sock_type != SOCK_DGRAM;
	uint32_t n = u->name_len, k;
	bool path;

	if (n > CKPT_UNIX_NAME_MAX)
		return false;
	for (k = n; k < CKPT_UNIX_NAME_MAX; k++)
		if (u->name[k])
			return false;
	path = n && u->name[0];
	if (path && strnlen((const char *)u->name, n) != n - 1)
		return false;
	if (bound ? !n : n && (!u->pair_objref || !stream))
		return false;
	if (!u->inode_objref != !(path && bound) || (u->mode & ~07777U) ||
	    (!(path && bound) && (u->mode || u->uid || u->gid)))
		return false;
	if (listening && (!bound || !stream || u->pair_objref || u->err))
		return false;
	return listening ? u->backlog <= INT32_MAX &&
			   u->nr_embryos <= CKPT_MAX_UNIX_EMBRYOS :
			   !u->backlog && !u->nr_embryos;
}

/*
 * FILE_UNIX record @j and the INODE it names, by restart's rules: none
 * unless bound to a path; bound to a path, where its STRING says: at
 * c->p_uxnew, where nothing is, a new socket inode whatever the INODE
 * (MAY: the mutation that puts it there says so); else the path of a
 * socket inode of the base images, and an INODE read before it, of that
 * inode unless m->accept (ESTALE). Any other path: another file than a
 * socket inode (EADDRINUSE, ESTALE), nothing in a directory that is not
 * (ENOENT), a relative one (EINVAL).
 */
static bool ux_file_inode_ok(const struct fz_mut *m, int j)
{
	const struct fz_img *im = &m->im;
	const struct ckpt_hdr_file_unix *u = REC(im, j, struct ckpt_hdr_file_unix);
	const char *path;
	int k, i;

	if (im->r[j].len < sizeof(*u))
		return false;
	if (!ux_has_path(u))
		return !u->inode_objref;
	path = ux_path_of(im, j);
	if (!path)
		return false;
	if (!strcmp(path, m->c->p_uxnew))
		return true;
	for (k = 0; k < m->c->nids; k++)
		if (m->c->ids[k].sock && !strcmp(m->c->ids[k].path, path))
			break;
	i = inode_of(im, u->inode_objref, j);
	if (k == m->c->nids || i < 0)
		return false;
	return m->accept ||
	       ident_same(m->c, REC(im, i, struct ckpt_hdr_inode), path);
}

/*
 * A name of @n bytes of @name (of CKPT_UNIX_NAME_MAX), as restart checks
 * it alone: at most CKPT_UNIX_NAME_MAX, zeroes after it, a path ending
 * with its only NUL
 */
static bool ux_name_bytes_ok(const uint8_t *name, uint32_t n)
{
	uint32_t k;

	if (n > CKPT_UNIX_NAME_MAX)
		return false;
	for (k = n; k < CKPT_UNIX_NAME_MAX; k++)
		if (name[k])
			return false;
	return !n || !name[0] || strnlen((const char *)name, n) == n - 1;
}

/*
 * A UNIX_SENDER by itself: its name, a sndbuf up to INT_MAX; a socket of
 * the tree (sock_objref) with neither, which are its own
 */
static bool ux_sender_ok(const struct ckpt_hdr_unix_sender *h)
{
	return ux_name_bytes_ok(h->name, h->name_len) &&
	       h->sndbuf <= INT32_MAX &&
	       (!h->sock_objref || (!h->name_len && !h->sndbuf));
}

/*
 * The sndbuf of a sender, which restart gives the socket it sends the
 * sender's datagrams from as SO_SNDBUF sets one, then SO_SNDBUFFORCE
 * (CAP_NET_ADMIN) if that did not, and refuses if neither did: a new
 * socket's (net.core.wmem_default) is not set; else an even value, at
 * least SOCK_MIN_SNDBUF, up to twice net.core.wmem_max for any restarter
 * and above only for root. The datagrams are then charged to it: a
 * small one may not hold them (v->depends).
 */
static void ux_sndbuf_rule(const struct fz_campaign *c, uint32_t sndbuf,
			   struct ep_verdict *v)
{
	if (sndbuf == c->wmem_default)
		return;
	if ((sndbuf & 1) || sndbuf < FZ_UX_SNDBUF_MIN ||
	    (sndbuf > 2 * (uint64_t)c->wmem_max && c->uid))
		ep_refuse(v, true);
	else if (sndbuf < FZ_UX_SNDBUF_ROOM)
		v->depends = true;
}

/*
 * Restart's rules for the object records at *@jp (PIPEs, INODEs and
 * UNIX_PAIRs, which restart reads before a FILE_UNIX or a UNIX_EMBRYO)
 * and the pairs read so far (@p, *@np): each UNIX_PAIR with a socket
 * type, flags within the mask, a connection waiting in a backlog
 * (EMBRYO) not a datagram one, no reserved bits, an objref of nothing
 * else; an INODE well-formed, of an objref of nothing else. *@jp is left
 * at the first record past them. The number of UNIX_PAIR records seen,
 * or -1 when one is of another length.
 */
static int ux_objs_rule(struct fz_mut *m, int *jp, struct ux_pair *p, int *np,
			struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	int j = *jp, seen = 0;

	for (; j < im->n && (im->r[j].type == CKPT_HDR_UNIX_PAIR ||
			     im->r[j].type == CKPT_HDR_PIPE ||
			     im->r[j].type == CKPT_HDR_INODE); j++) {
		const struct ckpt_hdr_unix_pair *ph = REC(im, j, struct ckpt_hdr_unix_pair);

		if (im->r[j].type == CKPT_HDR_PIPE)
			continue;
		/* a socket inode's identity: an object restart reads here */
		if (im->r[j].type == CKPT_HDR_INODE) {
			if (!inode_rec_ok(im, j))
				ep_refuse(v, true);
			else if (unn_ref_taken(im, REC(im, j,
						       struct ckpt_hdr_inode)->objref, j))
				ep_refuse(v, false);
			continue;
		}
		if (im->r[j].len != sizeof(*ph))
			return -1;
		if (!ux_type_ok(ph->sock_type) || ph->__reserved ||
		    ph->flags & ~CKPT_UNIX_PAIR_FLAGS_MASK || !ph->objref ||
		    ph->objref > FZ_MAX_OBJS ||
		    (ph->flags & CKPT_UNIX_PAIR_EMBRYO &&
		     ph->sock_type == SOCK_DGRAM))
			ep_refuse(v, true);
		if (ux_ref_used(im, ph->objref, j))
			ep_refuse(v, false);
		if (*np < FZ_UX_PAIRS)
			p[(*np)++] = (struct ux_pair){ ph->objref, ph->sock_type,
						       ph->flags, 0 };
		else
			v->depends = true;
		seen++;
	}
	*jp = j;
	return seen;
}

/*
 * Restart's rules for the UNIX_QUEUE record at *@jp of a socket of @type
 * (@paired: an end of a pair, or a connection waiting in a backlog) and
 * its records: extensible since nr_senders (zeroes past the struct,
 * nr_senders and oob_msg 0 in an older one), within the limits, no
 * reserved bits, nr_senders at most CKPT_MAX_UNIX_SENDERS and nr_msgs, 0
 * but on a datagram socket; oob_msg at most nr_msgs, 0 but on a stream
 * socket, and the message it names 1 byte long (the out-of-band byte);
 * then its nr_senders UNIX_SENDER (ux_sender_ok(), a
 * sndbuf restart can set, ux_sndbuf_rule(); a socket of the tree named
 * by its sock objref: ux_names_rule()), then its nr_msgs messages:
 * UNIX_MSG only when @paired, UNIX_MSG_FROM of a sender 1 to nr_senders,
 * __reserved 0, UNIX_MSG_FDS as either (sender 0: as a UNIX_MSG) with
 * 1 to CKPT_UNIX_SCM_MAX_FD files (which its socket's UNIX_FDS names:
 * ux_fds_rule()); each at most CKPT_UNIX_MSG_MAX with h.len its len
 * padded to 8, an empty message from the peer only on a dgram or
 * seqpacket socket, a pid of the tree or 0, a uid and gid the restarter
 * may have or none; their lens adding up to bytes, their files to at
 * most CKPT_MAX_UNIX_INFLIGHT, every sender named by one at least. *@jp is
 * left at the queue's last record. The number of records seen, or -1
 * when a record is missing.
 */
static int ux_queue_rule(struct fz_mut *m, int *jp, uint32_t type, bool paired,
			 struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	uint8_t named[CKPT_MAX_UNIX_SENDERS / 8] = { 0 };
	struct ckpt_hdr_unix_queue q;
	int j = *jp, k, seen = 0;
	uint64_t sum = 0, fds = 0;
	uint32_t b, ks;

	if (j >= im->n || im->r[j].type != CKPT_HDR_UNIX_QUEUE ||
	    im->r[j].len < CKPT_REC_UNIX_QUEUE_MIN)
		return -1;
	/* extensible since nr_senders: zeroes past the struct */
	q = ux_queue_at(im, j);
	if (im->r[j].len > CKPT_REC_EXT_MAX || im->r[j].len % 8)
		ep_refuse(v, true);
	for (b = sizeof(q); b < im->r[j].len; b++)
		if (im->r[j].p[b])
			ep_refuse(v, true);
	if (q.nr_msgs > CKPT_MAX_UNIX_MSGS || q.bytes > CKPT_UNIX_QUEUE_MAX ||
	    q.__reserved || q.oob_msg > q.nr_msgs ||
	    q.nr_senders > CKPT_MAX_UNIX_SENDERS || q.nr_senders > q.nr_msgs)
		ep_refuse(v, true);
	/* other senders than the peer: a datagram socket's */
	if (q.nr_senders && type != SOCK_DGRAM)
		ep_refuse(v, false);
	/* an out-of-band byte: a stream socket's */
	if (q.oob_msg && type != SOCK_STREAM)
		ep_refuse(v, false);
	seen++;
	for (ks = 0; ks < q.nr_senders && ks <= CKPT_MAX_UNIX_SENDERS; ks++) {
		const struct ckpt_hdr_unix_sender *hs;

		if (++j >= im->n || im->r[j].type != CKPT_HDR_UNIX_SENDER ||
		    im->r[j].len != FZ_UX_SENDER)
			return -1;
		hs = REC(im, j, struct ckpt_hdr_unix_sender);
		if (!ux_sender_ok(hs))
			ep_refuse(v, true);
		/* a socket of the tree sends them: ux_names_rule() */
		else if (!hs->sock_objref)
			ux_sndbuf_rule(m->c, hs->sndbuf, v);
		seen++;
	}
	if (ks < q.nr_senders)
		return -1;
	for (k = 0; k < (int)q.nr_msgs && k < CKPT_MAX_UNIX_MSGS; k++) {
		const struct ckpt_hdr_unix_msg_fds *hd;
		const struct ckpt_hdr_unix_msg_from *hf;
		const struct ckpt_hdr_unix_msg *h;
		uint32_t t, sender;

		if (++j >= im->n || !ux_msg_rec(im->r[j].type) ||
		    im->r[j].len < ux_msg_hsz(im->r[j].type))
			return -1;
		t = im->r[j].type;
		/* len, pid, uid, gid: where both kinds have them */
		h = REC(im, j, struct ckpt_hdr_unix_msg);
		hf = REC(im, j, struct ckpt_hdr_unix_msg_from);
		hd = REC(im, j, struct ckpt_hdr_unix_msg_fds);
		if (h->len > CKPT_UNIX_MSG_MAX ||
		    im->r[j].len != ALIGN8(ux_msg_hsz(t) + (uint64_t)h->len) ||
		    h->pid < 0 || !ux_id_ok(m->c, h->uid) || !ux_id_ok(m->c, h->gid))
			ep_refuse(v, true);
		/* files in flight: one at least, SCM_MAX_FD at most */
		if (t == CKPT_HDR_UNIX_MSG_FDS &&
		    (!hd->nr_fds || hd->nr_fds > CKPT_UNIX_SCM_MAX_FD))
			ep_refuse(v, true);
		else if (t == CKPT_HDR_UNIX_MSG_FDS)
			fds += hd->nr_fds;
		sender = t == CKPT_HDR_UNIX_MSG_FROM ? hf->sender :
			 t == CKPT_HDR_UNIX_MSG_FDS ? hd->sender : 0;
		if (t == CKPT_HDR_UNIX_MSG ||
		    (t == CKPT_HDR_UNIX_MSG_FDS && !sender)) {
			/* from the peer: only an end of a pair has one */
			if (!paired)
				ep_refuse(v, false);
			if (!h->len && type != SOCK_DGRAM &&
			    type != SOCK_SEQPACKET)
				ep_refuse(v, false);
		} else if (t == CKPT_HDR_UNIX_MSG_FROM &&
			   (hf->__reserved || !sender)) {
			ep_refuse(v, true);
		} else if (sender > q.nr_senders) {
			ep_refuse(v, false);
		} else if (sender <= CKPT_MAX_UNIX_SENDERS) {
			named[(sender - 1) / 8] |= 1U << ((sender - 1) % 8);
		}
		if (!ux_pid_ok(im, h->pid))
			ep_refuse(v, false);
		/* the out-of-band byte: one */
		if ((uint32_t)k + 1 == q.oob_msg && h->len != 1)
			ep_refuse(v, false);
		sum += h->len;
		seen++;
	}
	if (sum != q.bytes)
		ep_refuse(v, false);
	/* the files in flight on one queue: at most CKPT_MAX_UNIX_INFLIGHT */
	if (fds > CKPT_MAX_UNIX_INFLIGHT)
		ep_refuse(v, false);
	/* every sender sent one at least */
	for (ks = 0; ks < q.nr_senders && ks < CKPT_MAX_UNIX_SENDERS; ks++)
		if (!(named[ks / 8] & (1U << (ks % 8))))
			ep_refuse(v, false);
	*jp = j;
	return seen;
}

/*
 * Restart's rules for the nr_embryos connections waiting in the backlog
 * of the listening socket @u of type @type, from record @j on (right
 * after the listener's queue), and the pairs read so far (@p, *@np):
 * each its objects (ux_objs_rule()), a UNIX_EMBRYO (not extensible) with
 * a peer pid above 0 of a process of the tree, naming a pair read before
 * that is a connection waiting in a backlog (EMBRYO), of the listener's
 * type, that no other UNIX_EMBRYO named; then its queue (ux_queue_rule(),
 * paired: its client sent it what it holds). A pair whose client (end 1,
 * not CLOSED) never comes: the rules here do not say (ux_image_rule()).
 * The number of records seen, or -1 when a record is missing.
 */
static int ux_embryos_rule(struct fz_mut *m, int j,
			   const struct ckpt_hdr_file_unix *u,
			   struct ux_pair *p, int *np, struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	const struct ckpt_hdr_unix_embryo *h;
	struct ux_pair *pair;
	int k, seen = 0;
	uint32_t e;

	for (e = 0; e < u->nr_embryos; e++) {
		k = ux_objs_rule(m, &j, p, np, v);
		if (k < 0)
			return -1;
		seen += k;
		if (j >= im->n || im->r[j].type != CKPT_HDR_UNIX_EMBRYO ||
		    im->r[j].len != FZ_UX_EMBRYO)
			return -1;
		h = REC(im, j, struct ckpt_hdr_unix_embryo);
		if (h->peer_pid <= 0)
			ep_refuse(v, true);
		else if (!ux_pid_ok(im, h->peer_pid))
			ep_refuse(v, false);
		for (k = 0; k < *np && p[k].objref != h->pair_objref; k++)
			;
		pair = k < *np ? &p[k] : NULL;
		/* its end 0, the connection accept() is to return */
		if (!pair || !(pair->flags & CKPT_UNIX_PAIR_EMBRYO) ||
		    pair->type != u->sock_type || pair->ends & 1)
			ep_refuse(v, false);
		else
			pair->ends |= 1;
		seen++;
		j++;
		k = ux_queue_rule(m, &j, u->sock_type, true, v);
		if (k < 0)
			return -1;
		seen += k;
		j++;
	}
	return seen;
}

/*
 * Restart's rules for the unix socket whose FILE record is @f, its
 * records, and the pairs read so far (@p, *@np): UNIX_PAIR records (and
 * PIPEs, INODEs: shared objects) only right after the FILE
 * (ux_objs_rule()); then FILE_UNIX (extensible: zeroes past the struct),
 * of a socket type, an end 0 or 1, flags and shutdown bits within
 * theirs, a pending error 0 or ECONNRESET, rcvlowat >= 1, peek_off >=
 * -1, no reserved bits, a peer pid of the tree or 0; without a pair end
 * 0, no error and no peer pid but a listening or a datagram socket's; a
 * sock objref only on a datagram socket, at most CKPT_MAX_OBJS, of no
 * other object; a peer sock only on a datagram socket of no pair (what
 * they name: ux_names_rule()); with one, a pair
 * read before, of its type, an end not taken yet, not end 1 of a CLOSED
 * pair, an error only on end 0 of a CLOSED stream or seqpacket pair; of
 * a connection waiting in a backlog (EMBRYO), only end 1 (its client),
 * without an error or a listener's name, and nothing queued on it; its
 * name (ux_name_ok(), and the INODE records among the objects before
 * it), a listening one's backlog at most net.core.somaxconn and its
 * connections waiting at most one more; the FILE O_RDWR, O_NONBLOCK or
 * not, no offset; for a socket bound to a path, a STRING: well-formed,
 * absolute, where the socket inode it names is (ux_file_inode_ok());
 * then its UNIX_QUEUE and that queue's records (ux_queue_rule()); then,
 * a listener's, its nr_embryos connections waiting (ux_embryos_rule()).
 * The number of records seen, or -1 when a record is missing.
 */
static int ux_socket_rule(struct fz_mut *m, int f, struct ux_pair *p, int *np,
			  struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	const struct ckpt_hdr_file *fh = REC(im, f, struct ckpt_hdr_file);
	const struct ckpt_hdr_file_unix *u;
	struct ux_pair *pair = NULL;
	int j = f + 1, k, qi, seen = 0;
	bool embryo = false, dgram;
	uint32_t b;

	if ((fh->f_flags & O_ACCMODE) != O_RDWR ||
	    (fh->f_flags & ~(uint32_t)(O_ACCMODE | O_NONBLOCK)) || fh->pos)
		ep_refuse(v, true);
	k = ux_objs_rule(m, &j, p, np, v);
	if (k < 0)
		return -1;
	seen += k;
	if (j >= im->n || im->r[j].type != CKPT_HDR_FILE_UNIX ||
	    im->r[j].len < sizeof(*u))
		return -1;
	u = REC(im, j, struct ckpt_hdr_file_unix);
	if (im->r[j].len > CKPT_REC_EXT_MAX)
		ep_refuse(v, true);
	for (b = sizeof(*u); b < im->r[j].len; b++)
		if (im->r[j].p[b])
			ep_refuse(v, true);
	dgram = u->sock_type == SOCK_DGRAM;
	/*
	 * a datagram socket of no pair may have SO_PEERCRED (a socketpair()
	 * end connected elsewhere since); only a datagram socket is named
	 * by a sock objref, and connected one way (no pair)
	 */
	if (!ux_type_ok(u->sock_type) || u->end > 1 ||
	    (!u->pair_objref && (u->end || u->err ||
				 (u->peer_pid && !(u->flags & CKPT_UNIX_LISTEN) &&
				  !dgram))) ||
	    u->flags & ~CKPT_UNIX_FLAGS_MASK ||
	    u->shutdown & ~FZ_UX_SHUT || (u->err && u->err != ECONNRESET) ||
	    u->rcvlowat < 1 || u->peek_off < -1 || u->__reserved ||
	    u->peer_pid < 0 || !ux_name_ok(u) ||
	    (u->sock_objref && !dgram) ||
	    (u->peer_objref && (!dgram || u->pair_objref)))
		ep_refuse(v, true);
	if (!ux_pid_ok(im, u->peer_pid))
		ep_refuse(v, false);
	/* its sock objref: one of the objref space, which restart inserts */
	if (u->sock_objref && dgram) {
		if (u->sock_objref > FZ_MAX_OBJS)
			ep_refuse(v, true);
		else if (unn_ref_taken(im, u->sock_objref, j))
			ep_refuse(v, false);
	}
	/*
	 * listen() takes no more than net.core.somaxconn, and no more than
	 * that and one connect() wait: EPERM
	 */
	if (u->flags & CKPT_UNIX_LISTEN &&
	    (u->backlog > m->c->somaxconn ||
	     u->nr_embryos > m->c->somaxconn + 1ULL))
		ep_refuse(v, false);
	if (u->pair_objref) {
		for (k = 0; k < *np && p[k].objref != u->pair_objref; k++)
			;
		pair = k < *np ? &p[k] : NULL;
		embryo = pair && pair->flags & CKPT_UNIX_PAIR_EMBRYO;
		if (!pair) {
			ep_refuse(v, false);
		} else if (pair->type != u->sock_type || u->end > 1 ||
			   pair->ends & (1U << u->end) ||
			   (u->end == 1 && pair->flags & CKPT_UNIX_PAIR_CLOSED) ||
			   (u->err && (!(pair->flags & CKPT_UNIX_PAIR_CLOSED) ||
				       pair->type == SOCK_DGRAM || embryo)) ||
			   /* a client: not accepted, no listener's name */
			   (embryo && (!u->end ||
				       (u->name_len &&
					!(u->flags & CKPT_UNIX_BOUND))))) {
			ep_refuse(v, false);
		} else {
			pair->ends |= 1U << u->end;
		}
	}
	j++;
	seen++;
	/* bound to a path: where its socket inode is */
	if (ux_has_path(u)) {
		const char *path = ux_path_of(im, j - 1);

		if (j >= im->n || im->r[j].type != CKPT_HDR_STRING)
			return -1;
		if (!path || path[0] != '/')
			ep_refuse(v, true);
		else if (!ux_file_inode_ok(m, j - 1))
			ep_refuse(v, false);
		j++;
	}
	qi = j;
	k = ux_queue_rule(m, &j, u->sock_type, u->pair_objref, v);
	if (k < 0)
		return -1;
	seen += k;
	/* nothing sends to a client whose connection waits */
	if (pair && pair->flags & CKPT_UNIX_PAIR_EMBRYO &&
	    ux_queue_at(im, qi).nr_msgs)
		ep_refuse(v, false);
	/* a listener's connections waiting: restart reads them after it */
	if (u->flags & CKPT_UNIX_LISTEN &&
	    u->nr_embryos <= CKPT_MAX_UNIX_EMBRYOS) {
		k = ux_embryos_rule(m, j + 1, u, p, np, v);
		if (k < 0)
			return -1;
		seen += k;
	}
	return seen;
}

/* the datagram sockets named by a sock objref the rules below follow */
#define FZ_UX_SOCKS	64

/*
 * The FILE_UNIX record of the socket of the UNIX_SENDER or message
 * record @i (whose queue is its own, not a connection's waiting in its
 * backlog), or -1
 */
static int ux_socket_idx(const struct fz_img *im, int i)
{
	int q = ux_queue_of(im, i);

	if (q > 1 && im->r[q - 1].type == CKPT_HDR_STRING)
		q--;
	return q > 0 && im->r[q - 1].type == CKPT_HDR_FILE_UNIX &&
	       im->r[q - 1].len >= sizeof(struct ckpt_hdr_file_unix) ? q - 1 : -1;
}

/* The objref of the FILE of FILE_UNIX record @j (-1: none), or 1 */
static uint32_t ux_file_objref_of(const struct fz_img *im, int j)
{
	int f = j < 0 ? -1 : file_owner(im, j);

	return f < 0 ? 1 : REC(im, f, struct ckpt_hdr_file)->objref;
}

/* The index in @sock (@ns FILE_UNIX records) of sock objref @ref, or -1 */
static int ux_named(const struct fz_img *im, const int *sock, int ns,
		    uint32_t ref)
{
	int k;

	for (k = 0; k < ns; k++)
		if (REC(im, sock[k], struct ckpt_hdr_file_unix)->sock_objref == ref)
			return k;
	return -1;
}

/*
 * Restart's rules for what sock objrefs name, once the whole image is
 * read, in the order of the records (ckpt_unix_senders_run(),
 * ckpt_unix_rconnect_run()): each peer_objref and each UNIX_SENDER's
 * sock_objref the sock objref of a datagram socket of the image. Then,
 * restarting for real, each socket connected to its peer, whatever the
 * peer is connected to (it may have connected elsewhere since), which
 * needs the write permission on a peer bound to a path (the socket inode
 * restart binds to again is the user's: v->depends for an unprivileged
 * restarter); and the datagrams of a sender of the tree sent again from
 * it just before the tree runs, before any socket is shut down, charged
 * to its send buffer, which may not hold them when it is small
 * (v->depends).
 */
static void ux_names_rule(struct fz_mut *m, struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	const struct ckpt_hdr_unix_sender *hs;
	const struct ckpt_hdr_file_unix *u, *t;
	int sock[FZ_UX_SOCKS];
	int i, k, ns = 0;
	bool all = true;

	for (i = 0; i < im->n; i++) {
		if (im->r[i].type != CKPT_HDR_FILE_UNIX ||
		    im->r[i].len < sizeof(*u))
			continue;
		u = REC(im, i, struct ckpt_hdr_file_unix);
		if (u->sock_type != SOCK_DGRAM || !u->sock_objref)
			continue;
		if (ns == FZ_UX_SOCKS) {
			all = false;
			continue;
		}
		sock[ns++] = i;
	}
	if (!all) {
		v->depends = true;
		return;
	}
	for (i = 0; i < im->n; i++) {
		if (im->r[i].type == CKPT_HDR_FILE_UNIX &&
		    im->r[i].len >= sizeof(*u)) {
			u = REC(im, i, struct ckpt_hdr_file_unix);
			if (!u->peer_objref)
				continue;
			k = ux_named(im, sock, ns, u->peer_objref);
			if (k < 0) {
				ep_refuse(v, false);
				continue;
			}
			t = REC(im, sock[k], struct ckpt_hdr_file_unix);
			if (ux_has_path(t) && m->c->uid)
				v->depends = true;
			continue;
		}
		if (im->r[i].type != CKPT_HDR_UNIX_SENDER ||
		    im->r[i].len != FZ_UX_SENDER)
			continue;
		hs = REC(im, i, struct ckpt_hdr_unix_sender);
		if (!hs->sock_objref)
			continue;
		k = ux_named(im, sock, ns, hs->sock_objref);
		if (k < 0) {
			ep_refuse(v, false);
			continue;
		}
		t = REC(im, sock[k], struct ckpt_hdr_file_unix);
		if (t->flags & CKPT_UNIX_SNDBUF_LOCK &&
		    t->sndbuf < FZ_UX_SNDBUF_ROOM)
			v->depends = true;
	}
}

/*
 * The files the messages of the unix socket of FILE record @f carry: the
 * nr_fds of the UNIX_MSG_FDS records among its records (its queue's, and
 * a listener's connections' waiting in its backlog)
 */
static uint64_t ux_fds_due(const struct fz_img *im, int f)
{
	int j, end = file_end(im, f);
	uint64_t n = 0;

	for (j = f + 1; j < end; j++)
		if (im->r[j].type == CKPT_HDR_UNIX_MSG_FDS &&
		    im->r[j].len >= FZ_UX_MSG_FDS)
			n += REC(im, j, struct ckpt_hdr_unix_msg_fds)->nr_fds;
	return n;
}

/*
 * Restart's rules for the late UNIX_FDS records of the image: each where
 * a late record may be (among a process's files, before its FDTABLE, not
 * inside a file's records), at most CKPT_MAX_UNIX_INFLIGHT files, its
 * length exactly its objrefs' padded to 8, with zeroes; for a unix FILE
 * of the same section read before it, whose messages carry files
 * (ux_fds_due()), as many as they carry, once; each of its objrefs the
 * FILE record of a file read before it (any: the socket itself, a file
 * of an fd, a file only in flight written right before it). And every
 * unix socket whose messages carry files has its UNIX_FDS in its
 * section. A file in flight that is INHERITED: the rules here do not say
 * (the restarter hands in a pipe there).
 */
static void ux_fds_rule(struct fz_mut *m, struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	const struct ckpt_hdr_unix_fds *h;
	const uint32_t *ref;
	uint32_t k, n, b;
	int i, j, f, t, end;
	uint64_t due;

	for (i = 0; i < im->n; i++) {
		if (im->r[i].type != CKPT_HDR_UNIX_FDS)
			continue;
		h = REC(im, i, struct ckpt_hdr_unix_fds);
		if (im->r[i].len < FZ_UX_FDS) {
			ep_refuse(v, true);
			continue;
		}
		ref = (const uint32_t *)(h + 1);
		n = (im->r[i].len - FZ_UX_FDS) / 4;
		if (h->nr_fds > CKPT_MAX_UNIX_INFLIGHT ||
		    im->r[i].len != ALIGN8(FZ_UX_FDS + 4ULL * h->nr_fds))
			ep_refuse(v, true);
		else
			n = h->nr_fds;
		for (b = FZ_UX_FDS + 4 * n; b < im->r[i].len; b++)
			if (im->r[i].p[b])
				ep_refuse(v, true);
		if (files_end(im, i) < 0 ||
		    (i > 0 && im->r[i - 1].type == CKPT_HDR_FILE) ||
		    (i + 1 < im->n && in_file_group(im, i + 1)))
			ep_refuse(v, false);
		f = file_of_ref(im, h->objref, i);
		if (f < files_start(im, i) ||
		    REC(im, f, struct ckpt_hdr_file)->type != CKPT_FILE_UNIX) {
			ep_refuse(v, !h->objref || h->objref > FZ_MAX_OBJS);
		} else {
			due = ux_fds_due(im, f);
			if (due != h->nr_fds)
				ep_refuse(v, false);
			/* given twice */
			for (j = f + 1; j < i; j++)
				if (im->r[j].type == CKPT_HDR_UNIX_FDS &&
				    im->r[j].len >= FZ_UX_FDS &&
				    REC(im, j, struct ckpt_hdr_unix_fds)->objref ==
				    h->objref)
					ep_refuse(v, false);
		}
		for (k = 0; k < n; k++) {
			t = file_of_ref(im, ref[k], i);
			if (t < 0)
				ep_refuse(v, !ref[k] || ref[k] > FZ_MAX_OBJS);
			else if (REC(im, t, struct ckpt_hdr_file)->type ==
				 CKPT_FILE_INHERITED)
				v->depends = true;
		}
	}
	/* a socket with files in flight: its UNIX_FDS before its FDTABLE */
	for (f = 0; f < im->n; f++) {
		if (im->r[f].type != CKPT_HDR_FILE ||
		    REC(im, f, struct ckpt_hdr_file)->type != CKPT_FILE_UNIX ||
		    !ux_fds_due(im, f))
			continue;
		end = files_end(im, f);
		for (j = f + 1, n = 0; end >= 0 && j < end; j++)
			n += im->r[j].type == CKPT_HDR_UNIX_FDS &&
			     im->r[j].len >= FZ_UX_FDS &&
			     REC(im, j, struct ckpt_hdr_unix_fds)->objref ==
			     REC(im, f, struct ckpt_hdr_file)->objref;
		if (!n)
			ep_refuse(v, false);
	}
}

/*
 * Restart's rules for the unix sockets of the whole image: each one's
 * (ux_socket_rule()), and no record of theirs anywhere else; what their
 * sock objrefs name (ux_names_rule()); their files in flight
 * (ux_fds_rule()). A pair whose end 0 (a connection
 * waiting: its UNIX_EMBRYO), or end 1 (not CLOSED), never comes: the
 * rules here do not say (restart refuses it only once every task exists,
 * which RESTART_VALIDATE does not see).
 */
static void ux_image_rule(struct fz_mut *m, struct ep_verdict *v)
{
	const struct fz_img *im = &m->im;
	struct ux_pair p[FZ_UX_PAIRS];
	int i, k, np = 0, seen = 0, total = 0;

	v->ok = true;
	v->local = false;
	v->depends = false;
	for (i = 0; i < im->n; i++) {
		total += ux_rec(im->r[i].type);
		if (im->r[i].type != CKPT_HDR_FILE ||
		    REC(im, i, struct ckpt_hdr_file)->type != CKPT_FILE_UNIX)
			continue;
		k = ux_socket_rule(m, i, p, &np, v);
		if (k < 0)
			ep_refuse(v, true);
		else
			seen += k;
	}
	/* records of a socket out of their place, or one too many */
	if (seen != total)
		ep_refuse(v, true);
	ux_names_rule(m, v);
	ux_fds_rule(m, v);
	for (k = 0; k < np; k++)
		if (!(p[k].ends & 1) ||
		    (!(p[k].ends & 2) && !(p[k].flags & CKPT_UNIX_PAIR_CLOSED)))
			v->depends = true;
}

/* Note the mutation @what: by the rules, or @cls if restart takes it */
static void ux_note(struct fz_mut *m, enum fz_class cls, const char *what)
{
	struct ep_verdict v;

	ux_image_rule(m, &v);
	note(m, ep_class(&v, cls), v.local, "%s", what);
}

/*
 * Set the @size bytes at @off of the record @i (a field named @name) to
 * @val and note it: @cls if restart takes it, VALID if it was @val
 */
static void ux_set(struct fz_mut *m, int i, size_t off, size_t size,
		   uint64_t val, enum fz_class cls, const char *name)
{
	unsigned char *p = m->im.r[i].p + off;
	uint64_t old = 0;
	char what[160];

	if (size < 8)
		val &= (1ULL << (8 * size)) - 1;
	memcpy(&old, p, size);
	memcpy(p, &val, size);
	snprintf(what, sizeof(what), "%s.%s=%#llx (was %#llx)",
		 ckpt_hdr_name(m->im.r[i].type), name, (unsigned long long)val,
		 (unsigned long long)old);
	ux_note(m, val == old ? FZ_VALID : cls, what);
}

#define UX_SET(m, i, s, f, val, cls)					\
	ux_set((m), (i), offsetof(struct s, f),				\
	       sizeof(((struct s *)0)->f), (val), (cls), #f)

/* The objref of another UNIX_PAIR than record @i's pair (@ref), or @ref + 1 */
static uint32_t ux_other_pair(const struct fz_img *im, uint32_t ref)
{
	int i;

	for (i = 0; i < im->n; i++)
		if (im->r[i].type == CKPT_HDR_UNIX_PAIR &&
		    REC(im, i, struct ckpt_hdr_unix_pair)->objref != ref)
			return REC(im, i, struct ckpt_hdr_unix_pair)->objref;
	return ref + 1;
}

/*
 * UNIX_PAIR: its type (its sockets' must be the same), its flags (CLOSED
 * while end 1 follows; EMBRYO, a connection waiting in a backlog, on a
 * pair whose end 0 has a file, or taken from one that waits), a reserved
 * field, its objref (that its sockets name, or another object's)
 */
static void mut_unix_pair(struct fz_mut *m, int i)
{
	struct ckpt_hdr_unix_pair *h = REC(&m->im, i, struct ckpt_hdr_unix_pair);
	int f = file_owner(&m->im, i);

	switch (below(&m->rng, 5)) {
	case 0:
		UX_SET(m, i, ckpt_hdr_unix_pair, sock_type,
		       PICK(&m->rng, ((const uint32_t[]){ 0, SOCK_STREAM, SOCK_DGRAM,
			    SOCK_SEQPACKET, SOCK_RAW, SOCK_RDM, SOCK_PACKET,
			    0xffffffff })), FZ_MAY);
		return;
	case 1:
		UX_SET(m, i, ckpt_hdr_unix_pair, flags,
		       h->flags ^ (chance(&m->rng, 40) ? CKPT_UNIX_PAIR_CLOSED :
				   chance(&m->rng, 50) ? CKPT_UNIX_PAIR_EMBRYO :
				   1U << (2 + below(&m->rng, 30))), FZ_MAY);
		return;
	case 2:
		UX_SET(m, i, ckpt_hdr_unix_pair, __reserved, other_u32(m, 0) ?: 1,
		       FZ_MAY);
		return;
	default:
		UX_SET(m, i, ckpt_hdr_unix_pair, objref,
		       PICK(&m->rng, ((const uint32_t[]){ 0, h->objref + 1000,
			    0xffffffff, f < 0 ? 0 :
			    REC(&m->im, f, struct ckpt_hdr_file)->objref,
			    ux_other_pair(&m->im, h->objref) })), FZ_MAY);
	}
}

/*
 * A socket name, @name (CKPT_UNIX_NAME_MAX bytes) and *@len of them, of a
 * @rec record changed: its NUL left out (a path's last byte not 0) or
 * moved (a path or an abstract name shorter or longer, name_len with
 * it), a byte after name_len, a path made abstract or an abstract name a
 * path (name[0]), a byte of the name changed; a name_len above
 * CKPT_UNIX_NAME_MAX brought back under it. @what says which.
 */
static void ux_mut_name(struct fz_mut *m, uint8_t *name, uint32_t *len,
			const char *rec, char *what, size_t wlen)
{
	uint32_t n = *len, n2, k;
	bool path = n && name[0];

	if (n > CKPT_UNIX_NAME_MAX) {
		*len = below(&m->rng, CKPT_UNIX_NAME_MAX + 1);
		snprintf(what, wlen, "%s.name_len=%u (was %u)", rec, *len, n);
		return;
	}
	switch (below(&m->rng, 5)) {
	case 0:
		if (path) {
			name[n - 1] = PICK(&m->rng, ((const char[]){ 'x', '/', '\n' }));
			snprintf(what, wlen, "%s.name: a path without its NUL (name_len %u)",
				 rec, n);
			break;
		}
		/* fall through */
	case 1:
		/* the NUL moved: a name shorter or longer */
		n2 = chance(&m->rng, 50) && n < CKPT_UNIX_NAME_MAX ?
		     n + 1 + below(&m->rng, CKPT_UNIX_NAME_MAX - n) :
		     1 + below(&m->rng, n ?: 1);
		if (path && n2 < 2)
			n2 = 2;
		for (k = n ? n - path : 0; k < n2; k++)
			name[k] = path ? 'x' : 'a' + k % 26;
		for (k = n2; k < CKPT_UNIX_NAME_MAX; k++)
			name[k] = 0;
		if (path)
			name[n2 - 1] = 0;
		*len = n2;
		snprintf(what, wlen, "%s.name_len=%u (was %u), the %s name with it",
			 rec, n2, n, path ? "path" : n ? "abstract" : "new");
		break;
	case 2:
		if (n < CKPT_UNIX_NAME_MAX) {
			k = n + below(&m->rng, CKPT_UNIX_NAME_MAX - n);
			name[k] = 1 + below(&m->rng, 255);
			snprintf(what, wlen, "%s.name[%u]=%#x, after name_len %u",
				 rec, k, name[k], n);
			break;
		}
		/* fall through */
	case 3:
		name[0] = name[0] ? 0 : PICK(&m->rng, ((const char[]){ 'x', '/' }));
		snprintf(what, wlen, "%s.name[0]=%#x: a %s name made %s", rec,
			 name[0], path ? "path" : n ? "abstract" : "empty",
			 name[0] ? "a path" : "abstract");
		break;
	default:
		if (n < (path ? 3U : 2U)) {
			*len = 0;
			snprintf(what, wlen, "%s.name_len=0", rec);
			break;
		}
		/* a byte of a path but its NUL, of an abstract name but its 0 */
		k = path ? below(&m->rng, n - 1) : 1 + below(&m->rng, n - 1);
		name[k] = 'a' + below(&m->rng, 26);
		snprintf(what, wlen, "%s.name[%u]=%c", rec, k, name[k]);
	}
}

/*
 * The bytes of the name of FILE_UNIX record @i (ux_mut_name()). What
 * restart takes is another name (ACCEPT): the socket bound to it again,
 * or an accepted end given it.
 */
static void mut_unix_name(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_unix *h = REC(&m->im, i, struct ckpt_hdr_file_unix);
	char what[160];

	ux_mut_name(m, h->name, &h->name_len, "FILE_UNIX", what, sizeof(what));
	ux_note(m, FZ_ACCEPT, what);
}

/*
 * The sock objref of a datagram socket of the image other than @ref
 * (any, with @ref 0), picked at random; @ref + 1 if there is none
 */
static uint32_t ux_any_sock(struct fz_mut *m, uint32_t ref)
{
	const struct fz_img *im = &m->im;
	uint32_t refs[FZ_UX_SOCKS], r;
	int i, n = 0;

	for (i = 0; i < im->n && n < FZ_UX_SOCKS; i++) {
		if (im->r[i].type != CKPT_HDR_FILE_UNIX ||
		    im->r[i].len < sizeof(struct ckpt_hdr_file_unix) ||
		    REC(im, i, struct ckpt_hdr_file_unix)->sock_type != SOCK_DGRAM)
			continue;
		r = ux_sock_ref(im, i);
		if (r && r != ref)
			refs[n++] = r;
	}
	return n ? refs[below(&m->rng, n)] : ref + 1;
}

/* An objref no object of the image has, near FZ_MAX_OBJS */
static uint32_t ux_free_ref(struct fz_mut *m)
{
	uint32_t ref = FZ_MAX_OBJS - below(&m->rng, 256);

	while (unn_ref_taken(&m->im, ref, -1))
		ref--;
	return ref;
}

/*
 * FILE_UNIX.sock_objref of record @i, by which the records of the image
 * name a datagram socket: renamed with every peer_objref and UNIX_SENDER
 * that names it (VALID: the program sees none of it), or alone - 0,
 * another socket's, its FILE's or another object's objref, one of
 * nothing, CKPT_MAX_OBJS, above it - by restart's rules (a record that
 * named it names nothing now, a sock objref twice, one on a socket that
 * is no datagram one...), VALID if taken.
 */
static void mut_unix_sock(struct fz_mut *m, int i)
{
	struct fz_img *im = &m->im;
	struct ckpt_hdr_file_unix *h = REC(im, i, struct ckpt_hdr_file_unix);
	uint32_t old = h->sock_objref, ref;
	int f = file_owner(im, i), j, n = 0;
	char what[160];

	if (old && chance(&m->rng, 40)) {
		ref = ux_free_ref(m);
		for (j = 0; j < im->n; j++) {
			if (im->r[j].type == CKPT_HDR_FILE_UNIX &&
			    im->r[j].len >= sizeof(*h) &&
			    REC(im, j, struct ckpt_hdr_file_unix)->peer_objref == old) {
				REC(im, j, struct ckpt_hdr_file_unix)->peer_objref = ref;
				n++;
			}
			if (im->r[j].type == CKPT_HDR_UNIX_SENDER &&
			    im->r[j].len == FZ_UX_SENDER &&
			    REC(im, j, struct ckpt_hdr_unix_sender)->sock_objref == old) {
				REC(im, j, struct ckpt_hdr_unix_sender)->sock_objref = ref;
				n++;
			}
		}
		h->sock_objref = ref;
		snprintf(what, sizeof(what),
			 "FILE_UNIX.sock_objref=%u (was %u), the %d records that name it too",
			 ref, old, n);
		ux_note(m, FZ_VALID, what);
		return;
	}
	UX_SET(m, i, ckpt_hdr_file_unix, sock_objref,
	       PICK(&m->rng, ((const uint32_t[]){ 0, ux_any_sock(m, old),
		    f < 0 ? 1 : REC(im, f, struct ckpt_hdr_file)->objref,
		    ux_other_pair(im, 0), old + 1000, FZ_MAX_OBJS,
		    FZ_MAX_OBJS + 1, 0xffffffff })), FZ_VALID);
}

/*
 * FILE_UNIX.peer_objref of record @i, the socket it is connected to one
 * way: none, itself, another datagram socket of the image, its FILE's
 * objref, one of nothing. By restart's rules (ux_names_rule(): a peer
 * that is no datagram socket of the image, or that is connected to
 * another, refused); what it takes, the program sees (ACCEPT).
 */
static void mut_unix_peer(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_unix *h = REC(&m->im, i, struct ckpt_hdr_file_unix);
	int f = file_owner(&m->im, i);

	UX_SET(m, i, ckpt_hdr_file_unix, peer_objref,
	       PICK(&m->rng, ((const uint32_t[]){ 0, h->sock_objref ?: 1,
		    ux_any_sock(m, h->peer_objref), ux_any_sock(m, 0),
		    f < 0 ? 1 : REC(&m->im, f, struct ckpt_hdr_file)->objref,
		    h->peer_objref + 1000, 0xffffffff })), FZ_ACCEPT);
}

/*
 * FILE_UNIX: what the socket is (type, end, pair), its options and state.
 * What restart takes of these is what the program has (ACCEPT); a send
 * or receive buffer must come out of setsockopt() as it was (its clamps,
 * SO_*BUFFORCE's CAP_NET_ADMIN), and an unprivileged restarter may not
 * set a priority above 6 or a mark: MAY. Its name (mut_unix_name()),
 * name_len (0, 1, 107, 108, 109, huge), whether it is bound or listens,
 * the backlog (0, INT_MAX, INT_MAX + 1, around net.core.somaxconn), the
 * INODE it names (none, another INODE's, another object's, nothing's):
 * by restart's rules, ACCEPT (the INODE: VALID, the socket inode is the
 * one at its path) if taken. The mode and owner of a socket inode that
 * restart binds to again are not its to change: VALID if taken. Its
 * count of connections waiting in its backlog (one less or more than its
 * UNIX_EMBRYO records, around net.core.somaxconn and
 * CKPT_MAX_UNIX_EMBRYOS, on a socket that is not listening): by the
 * rules, MAY if taken. Its sock objref (mut_unix_sock()), the socket it
 * is connected to one way (mut_unix_peer()); a reserved field.
 */
static void mut_file_unix(struct fz_mut *m, int i)
{
	struct ckpt_hdr_file_unix *h = REC(&m->im, i, struct ckpt_hdr_file_unix);
	int32_t root = tree_root_pid(&m->im);
	int f = file_owner(&m->im, i);
	uint32_t v;
	uint64_t t;

	if (m->im.r[i].len < sizeof(*h) || chance(&m->rng, 15)) {
		mut_ext_tail(m, i);
		return;
	}
	switch (below(&m->rng, 24)) {
	case 13:
	case 14:
		mut_unix_name(m, i);
		return;
	case 21:
		mut_unix_sock(m, i);
		return;
	case 22:
		mut_unix_peer(m, i);
		return;
	case 15:
		UX_SET(m, i, ckpt_hdr_file_unix, name_len,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, 107, 108, 109,
			    h->name_len + 1, h->name_len - 1, 0x80000000,
			    0xffffffff })), FZ_ACCEPT);
		return;
	case 16:
		UX_SET(m, i, ckpt_hdr_file_unix, flags,
		       h->flags ^ PICK(&m->rng, ((const uint32_t[]){
			    CKPT_UNIX_BOUND, CKPT_UNIX_LISTEN,
			    CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN })), FZ_ACCEPT);
		return;
	case 17:
		UX_SET(m, i, ckpt_hdr_file_unix, backlog,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, h->backlog + 1,
			    m->c->somaxconn, m->c->somaxconn + 1, INT32_MAX,
			    (uint32_t)INT32_MAX + 1, 0xffffffff })), FZ_ACCEPT);
		return;
	case 18:
		UX_SET(m, i, ckpt_hdr_file_unix, inode_objref,
		       inode_other_ref(m, i, h->inode_objref), FZ_VALID);
		return;
	case 19: {
		const uint32_t ids[] = { 0, 1, (uint32_t)m->c->uid, 12345,
					 CK_UNPRIV_UID, 0xffffffff };

		switch (below(&m->rng, 3)) {
		case 0:
			UX_SET(m, i, ckpt_hdr_file_unix, mode,
			       PICK(&m->rng, ((const uint32_t[]){ 0, 0600, 0755,
				    0777, 07777, 010000, S_IFSOCK | 0755,
				    h->mode ^ (1U << below(&m->rng, 32)) })),
			       FZ_VALID);
			return;
		case 1:
			UX_SET(m, i, ckpt_hdr_file_unix, uid, PICK(&m->rng, ids),
			       FZ_VALID);
			return;
		default:
			UX_SET(m, i, ckpt_hdr_file_unix, gid, PICK(&m->rng, ids),
			       FZ_VALID);
			return;
		}
	}
	case 20: {
		/* what its UNIX_EMBRYO records say, or not */
		uint32_t n = h->nr_embryos, mx = m->c->somaxconn;

		UX_SET(m, i, ckpt_hdr_file_unix, nr_embryos,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, n - 1, n + 1,
			    mx + 1, mx + 2, CKPT_MAX_UNIX_EMBRYOS,
			    CKPT_MAX_UNIX_EMBRYOS + 1, 0xffffffff })), FZ_MAY);
		return;
	}
	case 0:
		UX_SET(m, i, ckpt_hdr_file_unix, sock_type,
		       PICK(&m->rng, ((const uint32_t[]){ 0, SOCK_STREAM, SOCK_DGRAM,
			    SOCK_SEQPACKET, SOCK_RAW, SOCK_RDM, SOCK_PACKET,
			    0xffffffff })), FZ_MAY);
		return;
	case 1:
		UX_SET(m, i, ckpt_hdr_file_unix, end,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, 2, 0xffffffff,
			    h->end ^ 1 })), FZ_MAY);
		return;
	case 2:
		UX_SET(m, i, ckpt_hdr_file_unix, pair_objref,
		       PICK(&m->rng, ((const uint32_t[]){ 0, h->pair_objref + 1,
			    0xffff, f < 0 ? 0 : REC(&m->im, f, struct ckpt_hdr_file)->objref,
			    ux_other_pair(&m->im, h->pair_objref) })), FZ_MAY);
		return;
	case 3:
		v = chance(&m->rng, 70) ?
		    PICK(&m->rng, ((const uint32_t[]){ CKPT_UNIX_PASSCRED,
			 CKPT_UNIX_PASSSEC, CKPT_UNIX_PASSPIDFD,
			 CKPT_UNIX_OOBINLINE }))  :
		    1U << below(&m->rng, 32);
		UX_SET(m, i, ckpt_hdr_file_unix, flags, h->flags ^ v,
		       v & (CKPT_UNIX_SNDBUF_LOCK | CKPT_UNIX_RCVBUF_LOCK) ?
		       FZ_MAY : FZ_ACCEPT);
		return;
	case 4:
		UX_SET(m, i, ckpt_hdr_file_unix, shutdown,
		       PICK(&m->rng, ((const uint32_t[]){ 0, CKPT_UNIX_SHUT_RD,
			    CKPT_UNIX_SHUT_WR, FZ_UX_SHUT, 4, 0xffffffff })), FZ_ACCEPT);
		return;
	case 5:
		UX_SET(m, i, ckpt_hdr_file_unix, err,
		       (uint32_t)PICK(&m->rng, ((const int32_t[]){ 0, ECONNRESET,
				      EPIPE, ECONNREFUSED, -ECONNRESET, INT_MAX })),
		       FZ_ACCEPT);
		return;
	case 6:
		v = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 4096, 212992, 1 << 20,
			 INT_MAX, 0xffffffff }));
		if (chance(&m->rng, 50))
			UX_SET(m, i, ckpt_hdr_file_unix, sndbuf, v, FZ_MAY);
		else
			UX_SET(m, i, ckpt_hdr_file_unix, rcvbuf, v, FZ_MAY);
		return;
	case 7:
		UX_SET(m, i, ckpt_hdr_file_unix, rcvlowat,
		       (uint32_t)PICK(&m->rng, ((const int32_t[]){ 1, 2, 1000,
				      INT_MAX, 0, -1, INT_MIN })), FZ_ACCEPT);
		return;
	case 8:
		UX_SET(m, i, ckpt_hdr_file_unix, peek_off,
		       (uint32_t)PICK(&m->rng, ((const int32_t[]){ -1, 0, 3,
				      INT_MAX, -2, INT_MIN })), FZ_ACCEPT);
		return;
	case 9:
		/* a time out: the program never waits on these sockets */
		t = PICK(&m->rng, ((const uint64_t[]){ 0, 1, 1000, 1500000,
			 1ULL << 40, ~0ULL }));
		if (chance(&m->rng, 50))
			UX_SET(m, i, ckpt_hdr_file_unix, sndtimeo_us, t,
			       t <= 1ULL << 40 ? FZ_ACCEPT : FZ_MAY);
		else
			UX_SET(m, i, ckpt_hdr_file_unix, rcvtimeo_us, t,
			       t <= 1ULL << 40 ? FZ_ACCEPT : FZ_MAY);
		return;
	case 10:
		v = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 6, 7, 0x10000,
			 0xffffffff }));
		UX_SET(m, i, ckpt_hdr_file_unix, priority, v,
		       v <= 6 || !m->c->uid ? FZ_ACCEPT : FZ_MAY);
		return;
	case 11:
		v = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 0xffffffff }));
		UX_SET(m, i, ckpt_hdr_file_unix, mark, v,
		       !v || !m->c->uid ? FZ_ACCEPT : FZ_MAY);
		return;
	case 12:
		UX_SET(m, i, ckpt_hdr_file_unix, peer_pid,
		       (uint32_t)PICK(&m->rng, ((const int32_t[]){ 0, root,
				      root + 1, 1, -1, INT_MIN })), FZ_ACCEPT);
		return;
	default:
		UX_SET(m, i, ckpt_hdr_file_unix, __reserved, other_u32(m, 0) ?: 1,
		       FZ_MAY);
	}
}

/*
 * The STRING of a unix socket bound to a path, where its socket inode is:
 * another path - where nothing is, in a directory that is (c->p_uxnew:
 * restart makes a socket inode there, MAY, and unlinks it if it fails),
 * or a path of CKPT_PATH_MAX bytes or one more, or one of path_of()'s
 * (another file, a directory, nothing in a missing directory, relative,
 * empty...): by restart's rules, which refuse all but the first.
 */
static void mut_unix_string(struct fz_mut *m, int i)
{
	struct ckpt_hdr_string *h = REC(&m->im, i, struct ckpt_hdr_string);
	enum fz_class cls = FZ_ACCEPT;
	const char *path;
	char *long_path = NULL;
	char what[160];
	size_t n;

	switch (below(&m->rng, 4)) {
	case 0:
		path = m->c->p_uxnew;
		cls = FZ_MAY;
		break;
	case 1:
		/* one component far too long; one more byte than a STRING has */
		n = chance(&m->rng, 50) ? CKPT_PATH_MAX : CKPT_PATH_MAX + 1;
		long_path = malloc(n);
		if (!long_path)
			abort();
		long_path[0] = '/';
		memset(long_path + 1, 'u', n - 2);
		long_path[n - 1] = '\0';
		path = long_path;
		break;
	default:
		path = path_of(m->c, below(&m->rng, P_NR));
	}
	set_string(&m->im, i, sizeof(*h), &h->len, 0, path);
	snprintf(what, sizeof(what), "STRING(unix)=\"%.60s%s\" (%zu bytes)", path,
		 strlen(path) > 60 ? "..." : "", strlen(path) + 1);
	ux_note(m, cls, what);
	free(long_path);
}

/*
 * A message of more than one byte of the UNIX_QUEUE record @i (from 1),
 * or 1 if it has none
 */
static uint32_t ux_long_msg(const struct fz_img *im, int i)
{
	uint32_t n = ux_queue_at(im, i).nr_msgs, k;
	int j = i + 1;

	while (j < im->n && im->r[j].type == CKPT_HDR_UNIX_SENDER)
		j++;
	for (k = 0; k < n && j + (int)k < im->n &&
	     ux_msg_rec(im->r[j + k].type); k++)
		if (im->r[j + k].len >= FZ_UX_MSG &&
		    REC(im, j + k, struct ckpt_hdr_unix_msg)->len > 1)
			return k + 1;
	return 1;
}

/*
 * UNIX_QUEUE: its counts, which are its messages' and its senders' (or
 * over the limits), its reserved field; the message that is its
 * out-of-band byte (oob_msg: none, the first, the last, one past them,
 * one of more than one byte, on whatever socket the queue is of - by
 * the rules, ACCEPT if taken: the program finds the mark elsewhere, or
 * none); extensible: made longer (with zeroes: VALID), or cut to an
 * older kernel's CKPT_REC_UNIX_QUEUE_MIN bytes, without nr_senders and
 * oob_msg (VALID by the rules: a queue without senders is read as it
 * was; ACCEPT for one with an out-of-band byte, which is then read in
 * line)
 */
static void mut_unix_queue(struct fz_mut *m, int i)
{
	struct ckpt_hdr_unix_queue q = ux_queue_at(&m->im, i);
	uint32_t n = q.nr_msgs, ns = q.nr_senders, o = q.oob_msg;
	uint64_t b = q.bytes;
	char what[128];

	if (m->im.r[i].len < sizeof(q)) {
		/* an older one: its fields past its end are not there */
		mut_ext_tail(m, i);
		return;
	}
	switch (below(&m->rng, 8)) {
	case 0:
		UX_SET(m, i, ckpt_hdr_unix_queue, nr_msgs,
		       PICK(&m->rng, ((const uint32_t[]){ n + 1, n - 1, 0,
			    CKPT_MAX_UNIX_MSGS + 1, 0xffffffff })), FZ_MAY);
		return;
	case 1:
		UX_SET(m, i, ckpt_hdr_unix_queue, bytes,
		       PICK(&m->rng, ((const uint64_t[]){ b + 1, b - 1, 0, b + 8,
			    CKPT_UNIX_QUEUE_MAX + 1ULL, ~0ULL })), FZ_MAY);
		return;
	case 2:
		UX_SET(m, i, ckpt_hdr_unix_queue, nr_senders,
		       PICK(&m->rng, ((const uint32_t[]){ ns + 1, ns - 1, 0, 1,
			    n, n + 1, CKPT_MAX_UNIX_SENDERS,
			    CKPT_MAX_UNIX_SENDERS + 1, 0xffffffff })), FZ_MAY);
		return;
	case 3:
	case 7:
		UX_SET(m, i, ckpt_hdr_unix_queue, oob_msg,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, n, n + 1,
			    ux_long_msg(&m->im, i), o + 1, o - 1,
			    0x80000000, 0xffffffff })), FZ_ACCEPT);
		return;
	case 4:
		rec_resize(&m->im, i, CKPT_REC_UNIX_QUEUE_MIN);
		snprintf(what, sizeof(what),
			 "UNIX_QUEUE of an older kernel (%u bytes), %u senders after it, out-of-band message %u",
			 CKPT_REC_UNIX_QUEUE_MIN, ns, o);
		ux_note(m, o ? FZ_ACCEPT : FZ_VALID, what);
		return;
	case 5:
		mut_ext_tail(m, i);
		return;
	default:
		UX_SET(m, i, ckpt_hdr_unix_queue, __reserved, other_u32(m, 0) ?: 1,
		       FZ_MAY);
	}
}

/* The index of UNIX_SENDER record @i among its queue's (from 1), or 0 */
static uint32_t ux_sender_nr(const struct fz_img *im, int i)
{
	int q = ux_queue_of(im, i);

	return q < 0 ? 0 : i - q;
}

/*
 * UNIX_SENDER: its name (ux_mut_name(), name_len 0, 107, 108, 109...),
 * another sender's name, its sndbuf; the socket of the tree it is
 * (sock_objref: none, another datagram socket's, its queue's own
 * socket's, its FILE's objref, one of nothing); a sender closed since
 * made a socket of the tree (its name and sndbuf cleared) or the other
 * way (given a name and net.core.wmem_default); the record made longer
 * (not extensible). By restart's rules (ux_names_rule() for what a
 * sock_objref names); what it takes is another name the program reads
 * or another socket charged for the datagrams (ACCEPT), a sndbuf it
 * does not see (VALID, but where the rules cannot tell whether the
 * datagrams fit: MAY).
 */
static void mut_unix_sender(struct fz_mut *m, int i)
{
	struct ckpt_hdr_unix_sender *h = REC(&m->im, i, struct ckpt_hdr_unix_sender);
	uint32_t k = ux_sender_nr(&m->im, i), sb, wmax2;
	int r = ux_socket_idx(&m->im, i);
	char what[160];
	int j;

	if (m->im.r[i].len != FZ_UX_SENDER) {
		note(m, FZ_REFUSE, true, "UNIX_SENDER already bad");
		return;
	}
	switch (below(&m->rng, 11)) {
	case 0:
	case 1:
		ux_mut_name(m, h->name, &h->name_len, "UNIX_SENDER", what,
			    sizeof(what));
		ux_note(m, FZ_ACCEPT, what);
		return;
	case 2:
		UX_SET(m, i, ckpt_hdr_unix_sender, name_len,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, 107, 108, 109,
			    h->name_len + 1, h->name_len - 1, 0x80000000,
			    0xffffffff })), FZ_ACCEPT);
		return;
	case 3:
		/* the name of another sender of the image, or its own */
		j = img_find(&m->im, CKPT_HDR_UNIX_SENDER,
			     below(&m->rng, img_count(&m->im, CKPT_HDR_UNIX_SENDER)));
		if (j < 0 || m->im.r[j].len != FZ_UX_SENDER)
			j = i;
		memcpy(h->name, REC(&m->im, j, struct ckpt_hdr_unix_sender)->name,
		       sizeof(h->name));
		h->name_len = REC(&m->im, j, struct ckpt_hdr_unix_sender)->name_len;
		snprintf(what, sizeof(what), "UNIX_SENDER %u: the name of record %d",
			 k, j);
		ux_note(m, j == i ? FZ_VALID : FZ_ACCEPT, what);
		return;
	case 4:
	case 5:
		wmax2 = 2 * m->c->wmem_max;
		sb = PICK(&m->rng, ((const uint32_t[]){ 0, 2, FZ_UX_SNDBUF_MIN,
			  FZ_UX_SNDBUF_ROOM, m->c->wmem_default,
			  m->c->wmem_default + 1, wmax2, wmax2 + 2, 1 << 24,
			  INT32_MAX - 1, INT32_MAX, (uint32_t)INT32_MAX + 1,
			  0xffffffff }));
		/* the program does not see it: taken, it is the same */
		UX_SET(m, i, ckpt_hdr_unix_sender, sndbuf, sb, FZ_VALID);
		return;
	case 6:
		rec_resize(&m->im, i, FZ_UX_SENDER + 8 * (1 + below(&m->rng, 4)));
		snprintf(what, sizeof(what), "UNIX_SENDER %u of %u bytes", k,
			 m->im.r[i].len);
		ux_note(m, FZ_MAY, what);
		return;
	case 7:
	case 8:
		/* a socket of the tree, or one closed since, the other way */
		if (h->sock_objref) {
			h->sock_objref = 0;
			memset(h->name, 0, sizeof(h->name));
			h->name_len = fz_ux_abstract((char *)h->name, "ghost");
			h->sndbuf = m->c->wmem_default;
			snprintf(what, sizeof(what),
				 "UNIX_SENDER %u: a socket of the tree made one closed since, named", k);
		} else {
			h->sock_objref = ux_any_sock(m, 0);
			memset(h->name, 0, sizeof(h->name));
			h->name_len = 0;
			h->sndbuf = 0;
			snprintf(what, sizeof(what),
				 "UNIX_SENDER %u: one closed since made sock %u of the tree",
				 k, h->sock_objref);
		}
		ux_note(m, FZ_ACCEPT, what);
		return;
	default:
		UX_SET(m, i, ckpt_hdr_unix_sender, sock_objref,
		       PICK(&m->rng, ((const uint32_t[]){ 0, ux_any_sock(m, 0),
			    ux_any_sock(m, h->sock_objref),
			    r < 0 ? 1 : ux_sock_ref(&m->im, r),
			    ux_file_objref_of(&m->im, r),
			    h->sock_objref + 1000, 0xffffffff })), FZ_ACCEPT);
	}
}

/*
 * Record @i, a message (UNIX_MSG, _FROM, _FDS), made of @len bytes (its
 * old ones, then 'z'), h.len padded to 8 plus @more; its queue's bytes
 * follow if @fix
 */
static void ux_msg_resize(struct fz_mut *m, int i, uint32_t len, uint32_t more,
			  bool fix)
{
	size_t hsz = ux_msg_hsz(m->im.r[i].type);
	struct ckpt_hdr_unix_msg *h = REC(&m->im, i, struct ckpt_hdr_unix_msg);
	uint32_t old = h->len, have = m->im.r[i].len - hsz;
	int q = ux_queue_of(&m->im, i);

	if (old > have)
		old = have;
	rec_resize(&m->im, i, ALIGN8(hsz + len) + more);
	h = REC(&m->im, i, struct ckpt_hdr_unix_msg);
	if (len > old)
		memset((unsigned char *)h + hsz + old, 'z', len - old);
	h->len = len;
	if (fix && q >= 0 && m->im.r[q].len >= CKPT_REC_UNIX_QUEUE_MIN)
		REC(&m->im, q, struct ckpt_hdr_unix_queue)->bytes += (int64_t)len - old;
}

/*
 * A message, UNIX_MSG, UNIX_MSG_FROM or UNIX_MSG_FDS (their fields up
 * to gid are the same): its length (alone, or with its record and its
 * queue's bytes), its data, its credentials. What restart takes is what
 * the program reads (ACCEPT). Returns false if it did nothing (a case of
 * the caller's).
 */
static bool ux_mut_msg(struct fz_mut *m, int i, unsigned int c)
{
	const char *name = ckpt_hdr_name(m->im.r[i].type);
	size_t hsz = ux_msg_hsz(m->im.r[i].type);
	struct ckpt_hdr_unix_msg *h = REC(&m->im, i, struct ckpt_hdr_unix_msg);
	int32_t root = tree_root_pid(&m->im);
	uint32_t len = h->len;
	char what[128];

	switch (c) {
	case 0:
		UX_SET(m, i, ckpt_hdr_unix_msg, len,
		       PICK(&m->rng, ((const uint32_t[]){ len + 1, len - 1, 0, len + 8,
			    CKPT_UNIX_MSG_MAX + 1, 0xffffffff })), FZ_MAY);
		return true;
	case 1:
		/* not extensible: h.len is len's */
		rec_resize(&m->im, i, m->im.r[i].len + 8 * (1 + below(&m->rng, 4)));
		snprintf(what, sizeof(what), "%s of %u bytes, record of %u",
			 name, len, m->im.r[i].len);
		ux_note(m, FZ_MAY, what);
		return true;
	case 2:
		if (len) {
			((unsigned char *)h + hsz)[below(&m->rng, len)] ^= 0x20;
			snprintf(what, sizeof(what), "%s data byte", name);
			ux_note(m, FZ_ACCEPT, what);
			return true;
		}
		/* fall through */
	case 3:
		/* another length, its record's and its queue's too */
		ux_msg_resize(m, i, PICK(&m->rng, ((const uint32_t[]){ 0, 1,
				     len / 2, len + 100, 4096 })), 0, true);
		h = REC(&m->im, i, struct ckpt_hdr_unix_msg);
		snprintf(what, sizeof(what), "%s.len=%u (was %u), queue's bytes too",
			 name, h->len, len);
		ux_note(m, h->len == len ? FZ_VALID : FZ_ACCEPT, what);
		return true;
	case 4:
		UX_SET(m, i, ckpt_hdr_unix_msg, pid,
		       (uint32_t)PICK(&m->rng, ((const int32_t[]){ 0, root, root + 1,
				      1, -1 })), FZ_ACCEPT);
		return true;
	case 5:
	case 6: {
		const uint32_t ids[] = { FZ_UX_NO_ID, 0, 12345, CK_UNPRIV_UID,
					 (uint32_t)m->c->uid };

		if (chance(&m->rng, 50))
			UX_SET(m, i, ckpt_hdr_unix_msg, uid, PICK(&m->rng, ids),
			       FZ_ACCEPT);
		else
			UX_SET(m, i, ckpt_hdr_unix_msg, gid, PICK(&m->rng, ids),
			       FZ_ACCEPT);
		return true;
	}
	case 7:
		/* on a stream socket, an empty message is refused */
		ux_msg_resize(m, i, 0, 0, true);
		snprintf(what, sizeof(what), "%s emptied (was %u bytes) on a type %u socket",
			 name, len, ux_socket_of(&m->im, i) ?
			 ux_socket_of(&m->im, i)->sock_type : 0);
		ux_note(m, FZ_ACCEPT, what);
		return true;
	}
	return false;
}

/*
 * UNIX_MSG: ux_mut_msg(). (A message left out or repeated is
 * mut_unix_msgs(), one made a UNIX_MSG_FROM mut_unix_senders().)
 */
static void mut_unix_msg(struct fz_mut *m, int i)
{
	if (ux_queue_of(&m->im, i) < 0 || m->im.r[i].len < FZ_UX_MSG ||
	    m->im.r[i].len != ALIGN8(FZ_UX_MSG + (uint64_t)REC(&m->im, i,
					struct ckpt_hdr_unix_msg)->len)) {
		note(m, FZ_REFUSE, true, "UNIX_MSG already bad");
		return;
	}
	ux_mut_msg(m, i, below(&m->rng, 8));
}

/*
 * UNIX_MSG_FROM: what a UNIX_MSG has (ux_mut_msg()), and its sender (0,
 * the others of its queue, one past them) and a reserved field. By
 * restart's rules; a datagram from another sender is taken (ACCEPT: the
 * program reads another name).
 */
static void mut_unix_msg_from(struct fz_mut *m, int i)
{
	struct ckpt_hdr_unix_msg_from *h = REC(&m->im, i, struct ckpt_hdr_unix_msg_from);
	int q = ux_queue_of(&m->im, i);
	uint32_t ns, s;

	if (q < 0 || m->im.r[i].len < FZ_UX_FROM ||
	    m->im.r[i].len != ALIGN8(FZ_UX_FROM + (uint64_t)h->len)) {
		note(m, FZ_REFUSE, true, "UNIX_MSG_FROM already bad");
		return;
	}
	ns = ux_queue_at(&m->im, q).nr_senders;
	s = h->sender;
	switch (below(&m->rng, 11)) {
	case 8:
	case 9:
		UX_SET(m, i, ckpt_hdr_unix_msg_from, sender,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, 2, s - 1, s + 1,
			    ns, ns + 1, CKPT_MAX_UNIX_SENDERS + 1, 0xffffffff })),
		       FZ_ACCEPT);
		return;
	case 10:
		UX_SET(m, i, ckpt_hdr_unix_msg_from, __reserved,
		       other_u32(m, 0) ?: 1, FZ_MAY);
		return;
	default:
		ux_mut_msg(m, i, below(&m->rng, 8));
	}
}

/*
 * The objref of a UNIX_PAIR other than @ref that is (@embryo) a
 * connection waiting in a backlog, or that is not; @ref + 1 if none is
 */
static uint32_t ux_pair_of_kind(const struct fz_img *im, uint32_t ref,
				bool embryo)
{
	const struct ckpt_hdr_unix_pair *h;
	int i;

	for (i = 0; i < im->n; i++) {
		if (im->r[i].type != CKPT_HDR_UNIX_PAIR ||
		    im->r[i].len != sizeof(*h))
			continue;
		h = REC(im, i, struct ckpt_hdr_unix_pair);
		if (h->objref != ref &&
		    !(h->flags & CKPT_UNIX_PAIR_EMBRYO) == !embryo)
			return h->objref;
	}
	return ref + 1;
}

/*
 * UNIX_EMBRYO: the pair it names (the other connection waiting, which
 * another UNIX_EMBRYO names or whose UNIX_PAIR comes later; a pair of
 * two files; 0, nothing's, its listener's FILE), its peer pid (0, the
 * tree's root, one past it, 1, -1...); the record made longer (not
 * extensible). By restart's rules; what it takes is SO_PEERCRED of
 * another process, which the program sees (ACCEPT), or another pair
 * (MAY).
 */
static void mut_unix_embryo(struct fz_mut *m, int i)
{
	struct ckpt_hdr_unix_embryo *h;
	int32_t root = tree_root_pid(&m->im);
	int f = file_owner(&m->im, i);
	uint32_t lref;
	char what[128];

	if (m->im.r[i].len != FZ_UX_EMBRYO) {
		note(m, FZ_REFUSE, true, "UNIX_EMBRYO already bad");
		return;
	}
	h = REC(&m->im, i, struct ckpt_hdr_unix_embryo);
	/* its listener's FILE */
	lref = f < 0 ? 0 : REC(&m->im, f, struct ckpt_hdr_file)->objref;
	switch (below(&m->rng, 5)) {
	case 0:
	case 1:
		UX_SET(m, i, ckpt_hdr_unix_embryo, pair_objref,
		       PICK(&m->rng, ((const uint32_t[]){ 0,
			    h->pair_objref + 1000, 0xffffffff, lref,
			    ux_pair_of_kind(&m->im, h->pair_objref, true),
			    ux_pair_of_kind(&m->im, h->pair_objref, false) })),
		       FZ_MAY);
		return;
	case 2:
	case 3:
		UX_SET(m, i, ckpt_hdr_unix_embryo, peer_pid,
		       (uint32_t)PICK(&m->rng, ((const int32_t[]){ 0, root,
				      root + 1, 1, -1, INT_MIN })), FZ_ACCEPT);
		return;
	default:
		rec_resize(&m->im, i, FZ_UX_EMBRYO + 8 * (1 + below(&m->rng, 4)));
		snprintf(what, sizeof(what), "UNIX_EMBRYO of %u bytes",
			 m->im.r[i].len);
		ux_note(m, FZ_MAY, what);
	}
}

/*
 * The UNIX_FDS record, well-formed, after the FILE record @f that names
 * its objref, or -1
 */
static int ux_fds_of(const struct fz_img *im, int f)
{
	uint32_t ref = REC(im, f, struct ckpt_hdr_file)->objref;
	const struct ckpt_hdr_unix_fds *h;
	int i;

	for (i = f + 1; i < im->n; i++) {
		if (im->r[i].type != CKPT_HDR_UNIX_FDS ||
		    im->r[i].len < FZ_UX_FDS)
			continue;
		h = REC(im, i, struct ckpt_hdr_unix_fds);
		if (h->objref == ref && h->nr_fds <= CKPT_MAX_UNIX_INFLIGHT &&
		    im->r[i].len == ALIGN8(FZ_UX_FDS + 4ULL * h->nr_fds))
			return i;
	}
	return -1;
}

/*
 * The UNIX_FDS record @u with the objref at @k (from 0) left out, or
 * (@add) @ref put there, its count and length following, its padding
 * zero
 */
static void ux_fds_edit(struct fz_mut *m, int u, uint32_t k, bool add,
			uint32_t ref)
{
	struct ckpt_hdr_unix_fds *h = REC(&m->im, u, struct ckpt_hdr_unix_fds);
	uint32_t n = h->nr_fds, nn = add ? n + 1 : n - 1, *r;

	if (add)
		rec_resize(&m->im, u, ALIGN8(FZ_UX_FDS + 4ULL * nn));
	h = REC(&m->im, u, struct ckpt_hdr_unix_fds);
	r = (uint32_t *)(h + 1);
	if (add) {
		memmove(&r[k + 1], &r[k], 4 * (size_t)(n - k));
		r[k] = ref;
	} else {
		memmove(&r[k], &r[k + 1], 4 * (size_t)(n - k - 1));
		r[n - 1] = 0;
		rec_resize(&m->im, u, ALIGN8(FZ_UX_FDS + 4ULL * nn));
		h = REC(&m->im, u, struct ckpt_hdr_unix_fds);
	}
	h->nr_fds = nn;
}

/*
 * UNIX_MSG_FDS: what a UNIX_MSG has (ux_mut_msg()); its sender (0, the
 * peer; the senders of its queue, one past them); the files it carries,
 * nr_fds alone (0, 254...: by the rules, its socket's UNIX_FDS then names
 * another count), or with that UNIX_FDS - its last file left out, or one
 * more, the socket itself - which restart takes if the rules hold: MAY,
 * the program finds other files.
 */
static void mut_unix_msg_fds(struct fz_mut *m, int i)
{
	struct ckpt_hdr_unix_msg_fds *h = REC(&m->im, i, struct ckpt_hdr_unix_msg_fds);
	int q = ux_queue_of(&m->im, i), f = file_owner(&m->im, i), u, j;
	uint32_t ns, n, k = 0;
	char what[160];
	bool add;

	if (q < 0 || f < 0 || m->im.r[i].len < FZ_UX_MSG_FDS ||
	    m->im.r[i].len != ALIGN8(FZ_UX_MSG_FDS + (uint64_t)h->len)) {
		note(m, FZ_REFUSE, true, "UNIX_MSG_FDS already bad");
		return;
	}
	ns = ux_queue_at(&m->im, q).nr_senders;
	n = h->nr_fds;
	switch (below(&m->rng, 13)) {
	case 8:
		UX_SET(m, i, ckpt_hdr_unix_msg_fds, sender,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, ns, ns + 1,
			    CKPT_MAX_UNIX_SENDERS + 1, 0xffffffff })), FZ_ACCEPT);
		return;
	case 9:
	case 10:
		UX_SET(m, i, ckpt_hdr_unix_msg_fds, nr_fds,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 1, n - 1, n + 1,
			    CKPT_UNIX_SCM_MAX_FD, CKPT_UNIX_SCM_MAX_FD + 1,
			    0x80000000, 0xffffffff })), FZ_MAY);
		return;
	case 11:
	case 12:
		/* its files in the socket's UNIX_FDS: those of the messages before */
		u = ux_fds_of(&m->im, f);
		for (j = f + 1; j < i; j++)
			if (m->im.r[j].type == CKPT_HDR_UNIX_MSG_FDS &&
			    m->im.r[j].len >= FZ_UX_MSG_FDS)
				k += REC(&m->im, j, struct ckpt_hdr_unix_msg_fds)->nr_fds;
		if (u < 0 || !n || n > CKPT_UNIX_SCM_MAX_FD ||
		    (uint64_t)k + n > REC(&m->im, u, struct ckpt_hdr_unix_fds)->nr_fds) {
			note(m, FZ_VALID, true, "no UNIX_FDS naming the files of UNIX_MSG_FDS %d",
			     i);
			return;
		}
		add = chance(&m->rng, 50);
		ux_fds_edit(m, u, k + (add ? n : n - 1), add,
			    REC(&m->im, f, struct ckpt_hdr_file)->objref);
		h = REC(&m->im, i, struct ckpt_hdr_unix_msg_fds);
		h->nr_fds = add ? n + 1 : n - 1;
		snprintf(what, sizeof(what), "UNIX_MSG_FDS %d: %s, with its UNIX_FDS (record %d)",
			 i, add ? "the socket itself as a file more" :
			 "its last file left out", u);
		ux_note(m, FZ_MAY, what);
		return;
	default:
		ux_mut_msg(m, i, below(&m->rng, 8));
	}
}

/* The objref of a FILE record before record @i, picked at random, or 0 */
static uint32_t ux_any_file_before(struct fz_mut *m, int i)
{
	int j, n = 0, pick;

	for (j = 0; j < i; j++)
		n += m->im.r[j].type == CKPT_HDR_FILE;
	pick = below(&m->rng, n);
	for (j = 0; j < i; j++)
		if (m->im.r[j].type == CKPT_HDR_FILE && !pick--)
			return REC(&m->im, j, struct ckpt_hdr_file)->objref;
	return 0;
}

/* The objref of the first FILE record after record @i, or 0 */
static uint32_t ux_file_after(const struct fz_img *im, int i)
{
	for (i++; i < im->n; i++)
		if (im->r[i].type == CKPT_HDR_FILE)
			return REC(im, i, struct ckpt_hdr_file)->objref;
	return 0;
}

/*
 * An objref of an object that is no FILE: a PIPE's, a UNIX_PAIR's, an
 * INODE's, a datagram socket's sock objref; or 0 if the image has none
 */
static uint32_t ux_not_a_file(struct fz_mut *m)
{
	const struct fz_img *im = &m->im;
	uint32_t refs[8];
	int i, n = 0;

	for (i = 0; i < im->n && n < 8; i++) {
		if ((im->r[i].type == CKPT_HDR_PIPE ||
		     im->r[i].type == CKPT_HDR_UNIX_PAIR ||
		     im->r[i].type == CKPT_HDR_INODE) && im->r[i].len >= 16 &&
		    chance(&m->rng, 50))
			/* their objref is their first field */
			memcpy(&refs[n++], im->r[i].p + 8, 4);
		else if (im->r[i].type == CKPT_HDR_FILE_UNIX &&
			 ux_sock_ref(im, i) && chance(&m->rng, 30))
			refs[n++] = ux_sock_ref(im, i);
	}
	return n ? refs[below(&m->rng, n)] : 0;
}

/*
 * UNIX_FDS, a unix socket's files in flight: its count alone (the
 * length kept), or with the length (a file less, the last; a file more,
 * the socket itself), or above CKPT_MAX_UNIX_INFLIGHT; its socket (0,
 * nothing's, another FILE, a socket without files in flight, an object
 * that is no FILE); a file in flight (the socket itself: a cycle;
 * another FILE read before; a FILE that comes later; an object that is
 * no FILE; 0, out of range); two files swapped (ACCEPT: the program
 * finds them in another order); a padding byte not zero, the record
 * made longer (not extensible). By restart's rules (ux_fds_rule()); what
 * it takes that changes the files is MAY.
 */
static void mut_unix_fds(struct fz_mut *m, int i)
{
	struct ckpt_hdr_unix_fds *h = REC(&m->im, i, struct ckpt_hdr_unix_fds);
	uint32_t n, k, l, old, *r;
	int f, s;
	char what[160];

	if (m->im.r[i].len < FZ_UX_FDS || h->nr_fds > CKPT_MAX_UNIX_INFLIGHT ||
	    m->im.r[i].len != ALIGN8(FZ_UX_FDS + 4ULL * h->nr_fds)) {
		note(m, FZ_REFUSE, true, "UNIX_FDS already bad");
		return;
	}
	n = h->nr_fds;
	r = (uint32_t *)(h + 1);
	k = below(&m->rng, n ?: 1);
	l = below(&m->rng, n ?: 1);
	f = file_of_ref(&m->im, h->objref, i);
	switch (n ? below(&m->rng, 12) : 0) {
	case 0:
		UX_SET(m, i, ckpt_hdr_unix_fds, nr_fds,
		       PICK(&m->rng, ((const uint32_t[]){ n + 1, n - 1, 0,
			    CKPT_MAX_UNIX_INFLIGHT + 1, 0xffffffff })), FZ_MAY);
		return;
	case 1:
		/* one less (the last) or one more (the socket), the length too */
		if (chance(&m->rng, 50)) {
			ux_fds_edit(m, i, n - 1, false, 0);
			snprintf(what, sizeof(what), "UNIX_FDS of %u files (was %u), length too",
				 n - 1, n);
		} else {
			ux_fds_edit(m, i, n, true, h->objref);
			snprintf(what, sizeof(what), "UNIX_FDS of %u files (was %u), the socket more",
				 n + 1, n);
		}
		ux_note(m, FZ_MAY, what);
		return;
	case 2:
	case 3:
		s = img_find(&m->im, CKPT_HDR_FILE_UNIX, 0);
		UX_SET(m, i, ckpt_hdr_unix_fds, objref,
		       PICK(&m->rng, ((const uint32_t[]){ 0, 0xffffffff,
			    h->objref + 1000, FZ_MAX_OBJS + 1,
			    ux_any_file_before(m, i), ux_any_file_before(m, i),
			    s < 0 ? 0 : ux_file_objref_of(&m->im, s),
			    ux_not_a_file(m) })), FZ_MAY);
		return;
	case 4:
	case 5:
	case 6:
		old = r[k];
		r[k] = PICK(&m->rng, ((const uint32_t[]){ h->objref, h->objref,
			    ux_any_file_before(m, i), ux_any_file_before(m, i),
			    ux_file_after(&m->im, i), ux_not_a_file(m), 0,
			    FZ_MAX_OBJS + 1, 0xffffffff, old + 1000 }));
		snprintf(what, sizeof(what), "UNIX_FDS[%u]=%u (was %u%s)", k, r[k],
			 old, r[k] == h->objref ? ", the socket itself" : "");
		ux_note(m, r[k] == old ? FZ_VALID : FZ_MAY, what);
		return;
	case 7:
		/* their order: files of the same messages, or not */
		old = r[k];
		r[k] = r[l];
		r[l] = old;
		snprintf(what, sizeof(what), "UNIX_FDS[%u] and [%u] swapped", k, l);
		ux_note(m, r[k] == r[l] ? FZ_VALID : FZ_ACCEPT, what);
		return;
	case 8:
		/* the padding, or what would be a file more */
		if (m->im.r[i].len > FZ_UX_FDS + 4 * n) {
			m->im.r[i].p[FZ_UX_FDS + 4 * n +
				     below(&m->rng, m->im.r[i].len - FZ_UX_FDS - 4 * n)] =
				1 + below(&m->rng, 255);
			snprintf(what, sizeof(what), "UNIX_FDS of %u files: padding not zero", n);
			ux_note(m, FZ_REFUSE, what);
			return;
		}
		/* fall through */
	case 9:
		rec_resize(&m->im, i, m->im.r[i].len + 8 * (1 + below(&m->rng, 4)));
		snprintf(what, sizeof(what), "UNIX_FDS of %u files in %u bytes",
			 n, m->im.r[i].len);
		ux_note(m, FZ_MAY, what);
		return;
	default:
		/* for its socket's pair's other end, or another socket */
		UX_SET(m, i, ckpt_hdr_unix_fds, objref,
		       f < 0 ? h->objref + 1 : ux_file_objref_of(&m->im,
			       img_find(&m->im, CKPT_HDR_FILE_UNIX,
					below(&m->rng, img_count(&m->im, CKPT_HDR_FILE_UNIX)))),
		       FZ_MAY);
	}
}

/*
 * A message of a unix socket's queue (UNIX_MSG, UNIX_MSG_FROM or
 * UNIX_MSG_FDS) left out, or repeated right after itself, its queue's
 * counts following: what the program reads (ACCEPT), by the rules (the
 * last datagram of a sender left out: refused; a message with files: its
 * socket's UNIX_FDS then names another count, refused). Records come and
 * go: a structural mutation, alone in its mutant.
 */
static void mut_unix_msgs(struct fz_mut *m)
{
	struct fz_img *im = &m->im;
	int n = img_count(im, CKPT_HDR_UNIX_MSG), nf, nd;
	int i, q;
	struct ckpt_hdr_unix_queue *qh;
	uint32_t len;
	char what[128];

	nf = img_count(im, CKPT_HDR_UNIX_MSG_FROM);
	nd = img_count(im, CKPT_HDR_UNIX_MSG_FDS);
	i = below(&m->rng, n + nf + nd);
	i = i < n ? img_find(im, CKPT_HDR_UNIX_MSG, i) :
	    i < n + nf ? img_find(im, CKPT_HDR_UNIX_MSG_FROM, i - n) :
		    img_find(im, CKPT_HDR_UNIX_MSG_FDS, i - n - nf);
	q = i < 0 ? -1 : ux_queue_of(im, i);
	if (q < 0 || im->r[q].len < CKPT_REC_UNIX_QUEUE_MIN ||
	    im->r[i].len < FZ_UX_MSG) {
		note(m, FZ_VALID, true, "no unix message");
		return;
	}
	qh = REC(im, q, struct ckpt_hdr_unix_queue);
	len = REC(im, i, struct ckpt_hdr_unix_msg)->len;
	if (chance(&m->rng, 50)) {
		qh->nr_msgs--;
		qh->bytes -= len;
		snprintf(what, sizeof(what), "%s left out, with the counts",
			 ckpt_hdr_name(im->r[i].type));
		img_remove(im, i);
	} else {
		qh->nr_msgs++;
		qh->bytes += len;
		img_insert(im, i + 1, im->r[i].p, im->r[i].len);
		snprintf(what, sizeof(what), "%s again, with the counts",
			 ckpt_hdr_name(im->r[i].type));
	}
	ux_note(m, FZ_ACCEPT, what);
}

/*
 * The senders of a queue and the kind of its messages: a UNIX_SENDER left
 * out or repeated right after itself (nr_senders following or not), two
 * senders swapped (their datagrams then name the other), a UNIX_MSG made
 * a UNIX_MSG_FROM of one of the queue's senders (or of one past them, or
 * of a new one added), a UNIX_MSG_FROM made a UNIX_MSG. By restart's
 * rules, ACCEPT if taken (the program reads other names). Records come
 * and go: a structural mutation, alone in its mutant.
 */
static void mut_unix_senders(struct fz_mut *m)
{
	struct fz_img *im = &m->im;
	int ns = img_count(im, CKPT_HDR_UNIX_SENDER);
	int nm = img_count(im, CKPT_HDR_UNIX_MSG) +
		 img_count(im, CKPT_HDR_UNIX_MSG_FROM);
	struct ckpt_hdr_unix_queue *qh;
	struct fz_rec t;
	unsigned char *r;
	char what[160];
	int i, q, e;
	uint32_t k;

	if (ns && (!nm || chance(&m->rng, 50))) {
		i = img_find(im, CKPT_HDR_UNIX_SENDER, below(&m->rng, ns));
		q = ux_queue_of(im, i);
		if (q < 0 || im->r[q].len < CKPT_REC_UNIX_QUEUE_MIN) {
			note(m, FZ_REFUSE, true, "a UNIX_SENDER out of its place");
			return;
		}
		qh = REC(im, q, struct ckpt_hdr_unix_queue);
		k = i - q;
		switch (below(&m->rng, 5)) {
		case 0:
		case 1:
			img_remove(im, i);
			if (chance(&m->rng, 50) && im->r[q].len >= sizeof(*qh))
				qh->nr_senders--;
			snprintf(what, sizeof(what), "UNIX_SENDER %u left out, nr_senders %u",
				 k, ux_queue_at(im, q).nr_senders);
			break;
		case 2:
		case 3:
			img_insert(im, i + 1, im->r[i].p, im->r[i].len);
			if (chance(&m->rng, 50) && im->r[q].len >= sizeof(*qh))
				qh->nr_senders++;
			snprintf(what, sizeof(what), "UNIX_SENDER %u again, nr_senders %u",
				 k, ux_queue_at(im, q).nr_senders);
			break;
		default:
			if (i + 1 >= im->n || im->r[i + 1].type != CKPT_HDR_UNIX_SENDER) {
				note(m, FZ_VALID, true, "no UNIX_SENDER after UNIX_SENDER %u", k);
				return;
			}
			t = im->r[i];
			im->r[i] = im->r[i + 1];
			im->r[i + 1] = t;
			snprintf(what, sizeof(what), "UNIX_SENDER %u and %u swapped",
				 k, k + 1);
		}
		ux_note(m, FZ_ACCEPT, what);
		return;
	}
	if (!nm) {
		note(m, FZ_VALID, true, "no unix message");
		return;
	}
	e = below(&m->rng, nm);
	k = img_count(im, CKPT_HDR_UNIX_MSG);
	i = (uint32_t)e < k ? img_find(im, CKPT_HDR_UNIX_MSG, e) :
			      img_find(im, CKPT_HDR_UNIX_MSG_FROM, e - k);
	q = ux_queue_of(im, i);
	if (q < 0 || im->r[q].len < CKPT_REC_UNIX_QUEUE_MIN ||
	    im->r[i].len < ux_msg_hsz(im->r[i].type)) {
		note(m, FZ_REFUSE, true, "a unix message out of its place");
		return;
	}
	/* the same len, pid, uid, gid and bytes, in the other kind */
	{
		bool to_from = im->r[i].type == CKPT_HDR_UNIX_MSG;
		size_t had = ux_msg_hsz(im->r[i].type);
		size_t hsz = to_from ? FZ_UX_FROM : FZ_UX_MSG;
		size_t data = im->r[i].len - had;
		uint32_t len = hsz + data, s = 0;

		r = calloc(1, len ?: 8);
		if (!r)
			abort();
		memcpy(r, im->r[i].p, FZ_UX_MSG);
		memcpy(r + hsz, im->r[i].p + had, data);
		((struct ckpt_hdr *)r)->type = to_from ? CKPT_HDR_UNIX_MSG_FROM :
							 CKPT_HDR_UNIX_MSG;
		((struct ckpt_hdr *)r)->len = len;
		if (to_from) {
			struct ckpt_hdr_unix_queue qv = ux_queue_at(im, q);

			s = PICK(&m->rng, ((const uint32_t[]){ 1, qv.nr_senders,
				 qv.nr_senders + 1, 0 }));
			/* a sender more, right after the others, named by it */
			if (s == qv.nr_senders + 1 && chance(&m->rng, 50) &&
			    im->r[q].len >= sizeof(qv)) {
				struct ckpt_hdr_unix_sender hs = {
					.h = { .type = CKPT_HDR_UNIX_SENDER,
					       .len = FZ_UX_SENDER },
					.name_len = 3,
					.name = "\0fz",
					.sndbuf = m->c->wmem_default,
				};

				REC(im, q, struct ckpt_hdr_unix_queue)->nr_senders++;
				img_insert(im, q + 1 + qv.nr_senders, &hs, sizeof(hs));
				if (q + 1 + (int)qv.nr_senders <= i)
					i++;
			}
			((struct ckpt_hdr_unix_msg_from *)r)->sender = s;
		}
		if (to_from)
			snprintf(what, sizeof(what), "UNIX_MSG %d made a UNIX_MSG_FROM of sender %u (of %u)",
				 i, s, ux_queue_at(im, q).nr_senders);
		else
			snprintf(what, sizeof(what), "UNIX_MSG_FROM %d made a UNIX_MSG",
				 i);
		free(im->r[i].p);
		im->r[i].p = r;
		im->r[i].len = len;
		im->r[i].type = ((struct ckpt_hdr *)r)->type;
	}
	ux_note(m, FZ_ACCEPT, what);
}

static void mut_fdtable(struct fz_mut *m, int i)
{
	struct ckpt_hdr_fdtable *h = REC(&m->im, i, struct ckpt_hdr_fdtable);
	struct ckpt_fd *e = (struct ckpt_fd *)(h + 1);
	int nfiles = img_count(&m->im, CKPT_HDR_FILE), rl;
	uint32_t k, lo, hi, limit = 1024;
	const struct ckpt_hdr_rlimits *r;

	rl = img_find(&m->im, CKPT_HDR_RLIMITS, 0);
	if (rl >= 0) {
		r = REC(&m->im, rl, struct ckpt_hdr_rlimits);
		limit = rlim_of(r->rlim[RLIMIT_NOFILE].rlim_cur) > m->c->nr_open ?
			m->c->nr_open : rlim_of(r->rlim[RLIMIT_NOFILE].rlim_cur);
	}
	if (!h->nr_fds || m->im.r[i].len != sizeof(*h) + h->nr_fds * sizeof(*e)) {
		h->nr_fds++;
		note(m, FZ_REFUSE, true, "FDTABLE.nr_fds=%u", h->nr_fds);
		return;
	}
	k = below(&m->rng, h->nr_fds);
	switch (below(&m->rng, 9)) {
	case 0:
		h->nr_fds = PICK(&m->rng, ((const uint32_t[]){ h->nr_fds + 1, h->nr_fds - 1,
				 0, 65537, 0xffffffff }));
		note(m, FZ_REFUSE, true, "FDTABLE.nr_fds=%u (len kept)", h->nr_fds);
		return;
	case 1: {
		/* the LOCKS record after it, or its absence, says otherwise */
		uint32_t old = h->nr_locks;

		h->nr_locks = PICK(&m->rng, ((const uint32_t[]){ old + 1, old - 1,
				   0, 1, CKPT_MAX_LOCKS, CKPT_MAX_LOCKS + 1,
				   0xffffffff }));
		if (h->nr_locks == old)
			h->nr_locks = old + 1;
		note(m, FZ_REFUSE, h->nr_locks > CKPT_MAX_LOCKS,
		     "FDTABLE.nr_locks=%u instead of %u", h->nr_locks, old);
		return;
	}
	case 2:
		RESERVED(m, e[k].__reserved, "FDTABLE[k].__reserved");
		return;
	case 3:
		e[k].flags |= 2U << below(&m->rng, 31);
		note(m, FZ_REFUSE, true, "FDTABLE[%u].flags=%#x", k, e[k].flags);
		return;
	case 4:
		e[k].flags ^= CKPT_FD_CLOEXEC;
		note(m, FZ_VALID, true, "FDTABLE[%u] cloexec toggled", k);
		return;
	case 5:
		lo = k ? e[k - 1].fd + 1 : 0;
		hi = k + 1 < h->nr_fds ? e[k + 1].fd : limit;
		if (chance(&m->rng, 50) && hi > lo + 1) {
			e[k].fd = lo + below(&m->rng, hi - lo);
			note(m, FZ_MAY, true, "FDTABLE[%u].fd=%u", k, e[k].fd);
		} else if (k && chance(&m->rng, 50)) {
			e[k].fd = e[k - 1].fd;
			note(m, FZ_REFUSE, true, "FDTABLE[%u].fd=%u repeated", k, e[k].fd);
		} else {
			e[k].fd = PICK(&m->rng, ((const uint32_t[]){ limit, limit + 1, 65536,
				       0x7fffffff, 0xffffffff }));
			if (k + 1 < h->nr_fds)
				note(m, FZ_REFUSE, true, "FDTABLE[%u].fd=%u out of order", k, e[k].fd);
			else
				note(m, FZ_REFUSE, false, "FDTABLE[%u].fd=%u >= RLIMIT_NOFILE",
				     k, e[k].fd);
		}
		return;
	case 6:
		if (chance(&m->rng, 50) && nfiles) {
			int j = img_find(&m->im, CKPT_HDR_FILE, below(&m->rng, nfiles));

			e[k].objref = REC(&m->im, j, struct ckpt_hdr_file)->objref;
			note(m, FZ_MAY, false, "FDTABLE[%u].objref=%u (another file)", k,
			     e[k].objref);
		} else {
			e[k].objref = PICK(&m->rng, ((const uint32_t[]){ 0, 9999, 0xffffffff,
					   66560, 66561 }));
			note(m, objref_used(&m->im, e[k].objref, -1) ? FZ_MAY : FZ_REFUSE,
			     false, "FDTABLE[%u].objref=%u", k, e[k].objref);
		}
		return;
	case 7:
		/* drop an entry, with the length */
		memmove(&e[k], &e[k + 1], (h->nr_fds - k - 1) * sizeof(*e));
		h->nr_fds--;
		rec_resize(&m->im, i, sizeof(*h) + h->nr_fds * sizeof(*e));
		note(m, FZ_MAY, true, "FDTABLE entry %u dropped", k);
		return;
	default: {
		/* one more fd after the last one, sharing a file */
		struct ckpt_fd ne = e[k];
		uint32_t n = h->nr_fds;

		ne.fd = e[n - 1].fd + 1 + below(&m->rng, 64);
		rec_resize(&m->im, i, sizeof(*h) + (n + 1) * sizeof(*e));
		h = REC(&m->im, i, struct ckpt_hdr_fdtable);
		e = (struct ckpt_fd *)(h + 1);
		e[n] = ne;
		h->nr_fds = n + 1;
		note(m, ne.fd >= limit ? FZ_REFUSE : FZ_MAY, false,
		     "FDTABLE fd %u added", ne.fd);
	}
	}
}

#define FZ_LK_SZ	sizeof(struct ckpt_file_lock)

/* The FDTABLE record right before record @i, well-formed, or -1 */
static int lk_fdtable(const struct fz_img *im, int i)
{
	const struct ckpt_hdr_fdtable *h;

	if (i < 1 || im->r[i - 1].type != CKPT_HDR_FDTABLE)
		return -1;
	h = REC(im, i - 1, struct ckpt_hdr_fdtable);
	if (im->r[i - 1].len != sizeof(*h) + (uint64_t)h->nr_fds * sizeof(struct ckpt_fd))
		return -1;
	return i - 1;
}

/* Is @fd an fd of the FDTABLE record @t? */
static bool lk_fd_in(const struct fz_img *im, int t, uint32_t fd)
{
	const struct ckpt_hdr_fdtable *h = REC(im, t, struct ckpt_hdr_fdtable);
	const struct ckpt_fd *e = (const struct ckpt_fd *)(h + 1);
	uint32_t k;

	for (k = 0; k < h->nr_fds; k++)
		if (e[k].fd == fd)
			return true;
	return false;
}

/*
 * A range within the valid one of the POSIX or OFD lock @l: restart takes
 * it, and the program finds another lock than it took
 */
static void lk_smaller(struct fz_mut *m, struct ckpt_file_lock *l)
{
	int64_t end;

	if (!l->len) {
		if (chance(&m->rng, 50) && l->start < INT64_MAX - 1000)
			l->start += 1 + below(&m->rng, 1000);
		else
			l->len = 1 + below(&m->rng, 100);
		return;
	}
	end = l->start + (l->len - 1);
	l->start += below(&m->rng, l->len);
	l->len = 1 + below(&m->rng, end - l->start + 1);
}

/*
 * LOCKS: the file locks of the FDTABLE right before it. Refused: a kind
 * or type restart does not know (F_UNLCK among them), a flock() lock
 * with a range, a POSIX or OFD range below 0 or past the last byte a
 * lock can cover, an fd not in the FDTABLE, a count that is not the
 * FDTABLE's or does not fit the length, a reserved field, a record
 * longer than its locks. May: another valid range, kind or type, another
 * fd of the table (whose file may not carry that lock), a lock left out
 * or repeated with the counts.
 */
static void mut_locks(struct fz_mut *m, int i)
{
	struct fz_img *im = &m->im;
	struct ckpt_hdr_locks *h = REC(im, i, struct ckpt_hdr_locks);
	struct ckpt_file_lock *l = (struct ckpt_file_lock *)(h + 1);
	int t = lk_fdtable(im, i);
	struct ckpt_hdr_fdtable *th = t < 0 ? NULL : REC(im, t, struct ckpt_hdr_fdtable);
	uint32_t k, n = h->nr_locks;

	if (!n || !th || th->nr_locks != n ||
	    im->r[i].len != sizeof(*h) + (uint64_t)n * FZ_LK_SZ) {
		h->nr_locks++;
		note(m, FZ_REFUSE, false, "LOCKS.nr_locks=%u", h->nr_locks);
		return;
	}
	k = below(&m->rng, n);
	switch (below(&m->rng, 11)) {
	case 0:
		l[k].kind = PICK(&m->rng, ((const uint16_t[]){ 0, CKPT_LOCK_KIND_MAX,
				 0xffff }));
		note(m, FZ_REFUSE, true, "LOCKS[%u].kind=%u", k, l[k].kind);
		return;
	case 1:
		/* F_UNLCK is 2 on x86 */
		l[k].type = PICK(&m->rng, ((const uint16_t[]){ F_UNLCK, 3, 0x100,
				 0xffff }));
		note(m, FZ_REFUSE, true, "LOCKS[%u].type=%u", k, l[k].type);
		return;
	case 2:
		/* the other type: the file may not be open for it */
		l[k].type = l[k].type == F_RDLCK ? F_WRLCK : F_RDLCK;
		note(m, FZ_MAY, true, "LOCKS[%u].type=%s", k,
		     l[k].type == F_RDLCK ? "F_RDLCK" : "F_WRLCK");
		return;
	case 3:
		if (l[k].kind == CKPT_LOCK_FLOCK) {
			if (chance(&m->rng, 50))
				l[k].start = PICK(&m->rng, ((const int64_t[]){ 1, -1, 100,
						  INT64_MAX, INT64_MIN }));
			else
				l[k].len = PICK(&m->rng, ((const int64_t[]){ 1, -1, 10,
						INT64_MAX, INT64_MIN }));
		} else {
			static const int64_t bad[][2] = {
				{ -1, 10 }, { INT64_MIN, 0 }, { 0, -1 },
				{ 100, INT64_MIN }, { INT64_MAX, 2 },
				{ 2, INT64_MAX }, { 1LL << 62, (1LL << 62) + 1 },
				{ INT64_MAX - 9, 11 },
			};
			int b = below(&m->rng, sizeof(bad) / sizeof(bad[0]));

			l[k].start = bad[b][0];
			l[k].len = bad[b][1];
		}
		note(m, FZ_REFUSE, true, "LOCKS[%u] (kind %u) start %lld len %lld",
		     k, l[k].kind, (long long)l[k].start, (long long)l[k].len);
		return;
	case 4:
		/* a flock() lock made a whole-file POSIX or OFD lock */
		if (l[k].kind == CKPT_LOCK_FLOCK)
			l[k].kind = chance(&m->rng, 50) ? CKPT_LOCK_POSIX : CKPT_LOCK_OFD;
		else
			lk_smaller(m, &l[k]);
		note(m, FZ_MAY, true, "LOCKS[%u] (kind %u) start %lld len %lld",
		     k, l[k].kind, (long long)l[k].start, (long long)l[k].len);
		return;
	case 5: {
		/* an fd not in the table */
		const uint32_t fds[] = { 0xffffffff, CKPT_MAX_FDS, 9999,
					 l[k].fd + 1, below(&m->rng, 1024) };
		int tries = 0;

		do
			l[k].fd = PICK(&m->rng, fds);
		while (lk_fd_in(im, t, l[k].fd) && ++tries < 20);
		note(m, lk_fd_in(im, t, l[k].fd) ? FZ_MAY : FZ_REFUSE, false,
		     "LOCKS[%u].fd=%u", k, l[k].fd);
		return;
	}
	case 6: {
		/* another fd of the table: its file may not carry that lock */
		const struct ckpt_fd *e = (const struct ckpt_fd *)(th + 1);

		if (!th->nr_fds)
			break;
		l[k].fd = e[below(&m->rng, th->nr_fds)].fd;
		note(m, FZ_MAY, true, "LOCKS[%u].fd=%u (another fd)", k, l[k].fd);
		return;
	}
	case 7:
		h->nr_locks = PICK(&m->rng, ((const uint32_t[]){ n + 1, n - 1, 0,
				   CKPT_MAX_LOCKS + 1, 0xffffffff }));
		note(m, FZ_REFUSE, true, "LOCKS.nr_locks=%u (len kept)", h->nr_locks);
		return;
	case 8: {
		/*
		 * A lock left out or repeated; the FDTABLE told, or not (the
		 * record stays: records do not come and go here)
		 */
		bool told = chance(&m->rng, 60), again = chance(&m->rng, 50);
		struct ckpt_file_lock one = l[k];

		if (n == 1 && told)
			again = true;
		if (again) {
			rec_resize(im, i, im->r[i].len + FZ_LK_SZ);
			h = REC(im, i, struct ckpt_hdr_locks);
			l = (struct ckpt_file_lock *)(h + 1);
			memmove(&l[k + 1], &l[k], (n - k) * FZ_LK_SZ);
			l[k] = one;
			h->nr_locks = n + 1;
		} else {
			memmove(&l[k], &l[k + 1], (n - k - 1) * FZ_LK_SZ);
			rec_resize(im, i, im->r[i].len - FZ_LK_SZ);
			h = REC(im, i, struct ckpt_hdr_locks);
			h->nr_locks = n - 1;
		}
		if (told)
			th->nr_locks = again ? n + 1 : n - 1;
		note(m, told ? FZ_MAY : FZ_REFUSE, false,
		     "LOCKS[%u] %s, the FDTABLE %s", k, again ? "repeated" : "left out",
		     told ? "told" : "not told");
		return;
	}
	case 9:
		/* not extensible: exactly its locks */
		rec_resize(im, i, im->r[i].len + PICK(&m->rng, ((const uint32_t[]){
			   8, FZ_LK_SZ, 2 * FZ_LK_SZ })));
		note(m, FZ_REFUSE, true, "LOCKS record of %u bytes for %u locks",
		     im->r[i].len, n);
		return;
	default:
		break;
	}
	RESERVED(m, h->__reserved, "LOCKS.__reserved");
}

#define SA_KNOWN (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | \
		  SA_RESTART | SA_NODEFER | SA_RESETHAND | 0x800 | 0x04000000)

static void mut_sighand(struct fz_mut *m, int i)
{
	struct ckpt_hdr_sighand *h = REC(&m->im, i, struct ckpt_hdr_sighand);
	int s;
	struct ckpt_sigaction *a;
	uint64_t bit;

	switch (below(&m->rng, 8)) {
	case 0:
		h->nr_signals = other_u32(m, h->nr_signals);
		note(m, FZ_REFUSE, true, "SIGHAND.nr_signals=%u", h->nr_signals);
		return;
	case 1:
		RESERVED(m, h->__reserved, "SIGHAND.__reserved");
		return;
	default:
		break;
	}
	s = PICK(&m->rng, ((const int[]){ SIGKILL, SIGSTOP, SIGUSR1, SIGUSR2, SIGHUP,
		 SIGSEGV, 35, 36, 37, SIGINT, 64 }));
	if (chance(&m->rng, 20))
		s = 1 + below(&m->rng, 64);
	a = &h->action[s - 1];
	switch (below(&m->rng, 6)) {
	case 0:
		if (chance(&m->rng, 50))
			a->handler = bad_uaddr(m);
		else
			a->restorer = bad_uaddr(m);
		note(m, FZ_REFUSE, true, "SIGHAND[%d] handler/restorer kernel address", s);
		return;
	case 1:
		do
			bit = 1ULL << below(&m->rng, 64);
		while (bit & SA_KNOWN);
		a->flags |= bit;
		note(m, FZ_REFUSE, true, "SIGHAND[%d].flags|=%#llx", s,
		     (unsigned long long)bit);
		return;
	case 2:
		a->flags ^= PICK(&m->rng, ((const uint64_t[]){ SA_SIGINFO, SA_RESTART,
				 SA_ONSTACK, SA_NODEFER, SA_RESETHAND, 0x04000000 }));
		note(m, s == SIGKILL || s == SIGSTOP ? FZ_REFUSE : FZ_MAY, true,
		     "SIGHAND[%d].flags=%#llx", s, (unsigned long long)a->flags);
		return;
	case 3:
		a->handler = PICK(&m->rng, ((const uint64_t[]){ 0, 1,
				 (uintptr_t)fz_landing, 0x1000, a->handler + 1 }));
		note(m, (s == SIGKILL || s == SIGSTOP) && a->handler ? FZ_REFUSE : FZ_MAY,
		     true, "SIGHAND[%d].handler=%#llx", s, (unsigned long long)a->handler);
		return;
	case 4:
		a->restorer = user_addr(m, a->restorer);
		note(m, FZ_MAY, true, "SIGHAND[%d].restorer=%#llx", s,
		     (unsigned long long)a->restorer);
		return;
	default:
		a->mask = rnd(&m->rng);
		note(m, FZ_MAY, true, "SIGHAND[%d].mask=%#llx", s,
		     (unsigned long long)a->mask);
	}
}

static void mut_signal(struct fz_mut *m, int i)
{
	struct ckpt_hdr_signal *h = REC(&m->im, i, struct ckpt_hdr_signal);
	struct ckpt_siginfo *si = (struct ckpt_siginfo *)(h + 1);
	uint32_t n = h->nr_pending, k;
	int32_t signo;

	if (m->im.r[i].len != sizeof(*h) + n * sizeof(*si)) {
		note(m, FZ_REFUSE, true, "SIGNAL already bad");
		return;
	}
	k = below(&m->rng, n ?: 1);
	switch (below(&m->rng, n ? 10 : 5)) {
	case 0:
		h->blocked = rnd(&m->rng);
		note(m, FZ_MAY, true, "SIGNAL.blocked=%#llx", (unsigned long long)h->blocked);
		return;
	case 1:
	case 2: {
		const uint64_t sizes[] = { 0, 1, 2047, 2048, 65536, 1ULL << 40, ~0ULL };

		switch (below(&m->rng, 3)) {
		case 0:
			h->sas_ss_flags = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 2, 3, 4,
					      1U << 31, (1U << 31) | 2, 0x7fffffff }));
			break;
		case 1:
			h->sas_ss_size = PICK(&m->rng, sizes);
			break;
		default:
			h->sas_ss_sp = chance(&m->rng, 50) ? bad_uaddr(m) :
				       user_addr(m, h->sas_ss_sp);
		}
		note(m, altstack_ok(h, m->c->task_size) ? FZ_MAY : FZ_REFUSE, true,
		     "SIGNAL altstack sp=%#llx size=%#llx flags=%#x",
		     (unsigned long long)h->sas_ss_sp,
		     (unsigned long long)h->sas_ss_size, h->sas_ss_flags);
		return;
	}
	case 3:
		h->nr_pending = PICK(&m->rng, ((const uint32_t[]){ n + 1, n - 1, 1025,
				     0xffffffff }));
		note(m, FZ_REFUSE, true, "SIGNAL.nr_pending=%u (len kept)", h->nr_pending);
		return;
	case 4: {
		/* one more pending signal, with the length */
		struct ckpt_siginfo ns = {};

		signo = 1 + below(&m->rng, 64);
		memcpy(ns.info, &signo, 4);
		rec_resize(&m->im, i, sizeof(*h) + (n + 1) * sizeof(*si));
		h = REC(&m->im, i, struct ckpt_hdr_signal);
		((struct ckpt_siginfo *)(h + 1))[n] = ns;
		h->nr_pending = n + 1;
		note(m, FZ_MAY, true, "SIGNAL signal %d added", signo);
		return;
	}
	case 5:
		memmove(&si[k], &si[k + 1], (n - k - 1) * sizeof(*si));
		h->nr_pending = n - 1;
		rec_resize(&m->im, i, sizeof(*h) + (n - 1) * sizeof(*si));
		note(m, FZ_MAY, true, "SIGNAL pending %u dropped", k);
		return;
	case 6:
		si[k].flags |= 2U << below(&m->rng, 31);
		note(m, FZ_REFUSE, true, "SIGNAL[%u].flags=%#x", k, si[k].flags);
		return;
	case 7:
		RESERVED(m, si[k].__reserved, "SIGNAL[k].__reserved");
		return;
	case 8:
		signo = PICK(&m->rng, ((const int32_t[]){ 0, 65, -1, 1000, 0x7fffffff }));
		memcpy(si[k].info, &signo, 4);
		note(m, FZ_REFUSE, true, "SIGNAL[%u].si_signo=%d", k, signo);
		return;
	default:
		if (chance(&m->rng, 50)) {
			signo = PICK(&m->rng, ((const int32_t[]){ SIGSEGV, SIGKILL, SIGSTOP,
				     SIGCHLD, SIGUSR2, 64, SIGTERM }));
			memcpy(si[k].info, &signo, 4);
			note(m, FZ_MAY, true, "SIGNAL[%u].si_signo=%d", k, signo);
		} else {
			uint32_t off = 4 + below(&m->rng, 124);

			si[k].info[off] = rnd(&m->rng);
			note(m, FZ_MAY, true, "SIGNAL[%u].info[%u] changed", k, off);
		}
	}
}

#ifdef CKPT_RB_FUTEX
/*
 * What restart blocks of the restored program wait on when the image is
 * well-formed: a futex word with a known value (a wait that matches it
 * times out within the block's few milliseconds), and pollfds on a
 * descriptor that is never open (POLLNVAL: poll() returns at once, even
 * with no timeout).
 */
#define FZ_FUTEX_VAL	0x1234
static uint32_t fz_futex_word = FZ_FUTEX_VAL;
static struct pollfd fz_poll_nval[2] = {
	{ .fd = 1 << 30, .events = POLLIN },
	{ .fd = 1 << 30, .events = POLLIN },
};

static bool rb_addr_ok(const struct fz_mut *m, uint64_t addr, uint64_t align)
{
	return addr && addr < m->c->task_size && !(addr & (align - 1));
}

/* A futex wait with a timeout left to finish (FUTEX_WAIT(_BITSET)) */
static void mut_rb_futex(struct fz_mut *m, struct ckpt_hdr_cpu *h)
{
	uint64_t word = (uintptr_t)&fz_futex_word;
	bool ok;

	h->ax = -516;
	h->orig_ax = 202;	/* futex */
	h->rb.kind = CKPT_RB_FUTEX;
	h->rb.clockid = PICK(&m->rng, ((const int32_t[]){ CLOCK_MONOTONIC,
			     CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_REALTIME,
			     CLOCK_BOOTTIME, CLOCK_TAI, -1 }));
	h->rb.remaining = PICK(&m->rng, ((const int64_t[]){ 0, 1000000, 2000000,
			       -1, INT64_MIN }));
	h->rb.arg = PICK(&m->rng, ((const uint32_t[]){ 0, CKPT_RB_FUTEX_SHARED, 0,
			 CKPT_RB_FUTEX_SHARED, 2, 0x80000000 }));
	h->rb.bitset = PICK(&m->rng, ((const uint32_t[]){ 0xffffffff, 0xffffffff,
			    1, 0x0f0, 0 }));
	h->rb.val = chance(&m->rng, 60) ? FZ_FUTEX_VAL : (uint32_t)rnd(&m->rng);
	h->rb.addr = PICK(&m->rng, ((const uint64_t[]){ word, word, word,
			  (h->sp - 64) & ~7ULL, word + 2, word + 1, 0,
			  bad_uaddr(m) }));
	ok = (h->rb.clockid == CLOCK_MONOTONIC || h->rb.clockid == CLOCK_REALTIME) &&
	     h->rb.remaining >= 0 && !(h->rb.arg & ~CKPT_RB_FUTEX_SHARED) &&
	     h->rb.bitset && rb_addr_ok(m, h->rb.addr, 4);
	note(m, ok ? FZ_MAY : FZ_REFUSE, true,
	     "CPU futex restart block clock %d remaining %lld flags %#x bitset %#x val %#x addr %#llx",
	     h->rb.clockid, (long long)h->rb.remaining, h->rb.arg, h->rb.bitset,
	     h->rb.val, (unsigned long long)h->rb.addr);
}

/* A poll() left to finish, with the time it had left or no timeout */
static void mut_rb_poll(struct fz_mut *m, struct ckpt_hdr_cpu *h)
{
	uint64_t pfd = (uintptr_t)fz_poll_nval, nr_open = m->c->nr_open;
	bool ok;

	h->ax = -516;
	h->orig_ax = 7;		/* poll */
	h->rb.kind = CKPT_RB_POLL;
	h->rb.clockid = PICK(&m->rng, ((const int32_t[]){ CLOCK_MONOTONIC,
			     CLOCK_MONOTONIC, CLOCK_MONOTONIC, CLOCK_REALTIME,
			     CLOCK_BOOTTIME }));
	h->rb.remaining = PICK(&m->rng, ((const int64_t[]){ -1, 0, 1000000, -1,
			       -2, INT64_MIN }));
	/* poll(..., 0, -1) would sleep for good: no timeout, some fds */
	if (h->rb.remaining == -1 || chance(&m->rng, 70))
		h->rb.arg = PICK(&m->rng, ((const uint32_t[]){ 1, 2, 1, 2,
				 nr_open, nr_open + 1, 0xffffffff }));
	if (h->rb.arg)
		h->rb.addr = PICK(&m->rng, ((const uint64_t[]){ pfd, pfd, pfd,
				  pfd + 1, 0, bad_uaddr(m) }));
	else
		h->rb.addr = chance(&m->rng, 80) ? 0 : pfd;
	if (chance(&m->rng, 10))
		h->rb.val = other_u32(m, 0);
	if (chance(&m->rng, 10))
		h->rb.bitset = other_u32(m, 0);
	ok = h->rb.clockid == CLOCK_MONOTONIC && h->rb.remaining >= -1 &&
	     h->rb.arg <= nr_open && !h->rb.val && !h->rb.bitset &&
	     (h->rb.arg ? rb_addr_ok(m, h->rb.addr, 1) : !h->rb.addr);
	note(m, ok ? FZ_MAY : FZ_REFUSE, true,
	     "CPU poll restart block clock %d remaining %lld nfds %u addr %#llx val %#x bitset %#x",
	     h->rb.clockid, (long long)h->rb.remaining, h->rb.arg,
	     (unsigned long long)h->rb.addr, h->rb.val, h->rb.bitset);
}
#endif

static void mut_cpu(struct fz_mut *m, int i)
{
	struct ckpt_hdr_cpu *h = REC(&m->im, i, struct ckpt_hdr_cpu);
	__u64 *reg;
	uint64_t bit;
	int k;

	switch (below(&m->rng, 13)) {
	case 0:
	case 1:
		/* a general purpose register (rip/cs/eflags/rsp/ss are after di) */
		k = below(&m->rng, 16);
		reg = k < 15 ? &h->r15 + k : &h->ax;
		*reg = any_u64(m, *reg);
		note(m, FZ_MAY, true, "CPU gpr %d=%#llx", k, (unsigned long long)*reg);
		return;
	case 2:
		if (chance(&m->rng, 50)) {
			h->ip = bad_uaddr(m);
			note(m, FZ_REFUSE, true, "CPU.ip=%#llx", (unsigned long long)h->ip);
		} else {
			h->ip = PICK(&m->rng, ((const uint64_t[]){ h->ip + 1, h->ip + 2, 0,
				     0x1000, (uintptr_t)fz_landing }));
			note(m, FZ_MAY, true, "CPU.ip=%#llx", (unsigned long long)h->ip);
		}
		return;
	case 3:
		if (chance(&m->rng, 50)) {
			h->sp = bad_uaddr(m);
			note(m, FZ_REFUSE, true, "CPU.sp=%#llx", (unsigned long long)h->sp);
		} else {
			h->sp = PICK(&m->rng, ((const uint64_t[]){ h->sp + 8, h->sp - 8,
				     h->sp - 4096, 0, 0x1000, h->sp + 1 }));
			note(m, FZ_MAY, true, "CPU.sp=%#llx", (unsigned long long)h->sp);
		}
		return;
	case 4:
		if (chance(&m->rng, 50))
			h->cs = PICK(&m->rng, ((const uint64_t[]){ 0x10, 0x23, 0x08, 0x18,
				     0x2b, 0x30, 0x3b, 0, 0xffff, 0x33 | (1ULL << 32) }));
		else
			h->ss = PICK(&m->rng, ((const uint64_t[]){ 0x18, 0x10, 0x33, 0,
				     0x28, 0x2b | (1ULL << 40), 0x2a }));
		note(m, FZ_REFUSE, true, "CPU cs/ss=%#llx/%#llx", (unsigned long long)h->cs,
		     (unsigned long long)h->ss);
		return;
	case 5:
		reg = PICK(&m->rng, ((__u64 *[]){ &h->ds, &h->es, &h->fs, &h->gs }));
		if (chance(&m->rng, 30) && (reg == &h->ds || reg == &h->es)) {
			*reg = *reg ? 0 : 0x2b;
			note(m, FZ_MAY, true, "CPU ds/es=%#llx", (unsigned long long)*reg);
		} else {
			*reg = PICK(&m->rng, ((const uint64_t[]){ 0x10, 0x18, 0x33, 0x23,
				    0x63, 0x2b | 3ULL << 16 }));
			if (reg == &h->fs || reg == &h->gs)
				*reg = *reg ?: 0x2b;
			note(m, FZ_REFUSE, true, "CPU data selector=%#llx",
			     (unsigned long long)*reg);
		}
		return;
	case 6:
	case 7: {
		/* user bits: CF PF AF ZF SF TF DF OF RF AC ID; the rest is not */
		if (chance(&m->rng, 60)) {
			bit = PICK(&m->rng, ((const uint64_t[]){ 0x1000, 0x2000, 0x3000,
				   0x4000, 0x20000, 0x80000, 0x100000, 0x200, 0x2, 0x8,
				   0x20, 0x8000, 1ULL << 22, 1ULL << 32, 1ULL << 63 }));
			h->flags ^= bit;
			note(m, FZ_REFUSE, true, "CPU.flags^=%#llx", (unsigned long long)bit);
		} else {
			bit = PICK(&m->rng, ((const uint64_t[]){ 0x1, 0x4, 0x10, 0x40,
				   0x80, 0x100, 0x400, 0x800, 0x40000, 0x200000, 0x10000 }));
			h->flags ^= bit;
			note(m, FZ_MAY, true, "CPU.flags^=%#llx", (unsigned long long)bit);
		}
		return;
	}
	case 8:
	case 9:
		reg = chance(&m->rng, 50) ? &h->fs_base : &h->gs_base;
		if (chance(&m->rng, 50)) {
			*reg = bad_uaddr(m);
			note(m, FZ_REFUSE, true, "CPU fs/gs base=%#llx", (unsigned long long)*reg);
		} else {
			*reg = user_addr(m, *reg);
			note(m, FZ_MAY, true, "CPU fs/gs base=%#llx", (unsigned long long)*reg);
		}
		return;
#ifdef CKPT_RB_FUTEX
	case 10:
		/* the system call restart state */
		switch (below(&m->rng, 8)) {
		case 0:
			RESERVED(m, h->rb.__reserved, "CPU.rb.__reserved");
			return;
		case 1:
			h->rb.kind = PICK(&m->rng, ((const uint32_t[]){ CKPT_RB_NANOSLEEP,
					  CKPT_RB_FUTEX, CKPT_RB_POLL, CKPT_RB_MAX,
					  0xffffffff }));
			note(m, FZ_REFUSE, true, "CPU.rb.kind=%u without -ERESTART_RESTARTBLOCK",
			     h->rb.kind);
			return;
		case 2:
			switch (below(&m->rng, 6)) {
			case 0:
				h->rb.clockid = 1 + below(&m->rng, 12);
				break;
			case 1:
				h->rb.remaining = PICK(&m->rng, ((const int64_t[]){ 1,
						       1000000, -1 }));
				break;
			case 2:
				h->rb.addr = user_addr(m, 0) | 8;
				break;
			case 3:
				h->rb.arg = 1 + below(&m->rng, 3);
				break;
			case 4:
				h->rb.val = other_u32(m, 0);
				break;
			default:
				h->rb.bitset = PICK(&m->rng, ((const uint32_t[]){ 1,
						    0xffffffff }));
			}
			note(m, FZ_REFUSE, true, "CPU restart block fields without a kind");
			return;
		case 3:
			h->ax = -516;	/* -ERESTART_RESTARTBLOCK */
			h->orig_ax = 35;
			if (chance(&m->rng, 50)) {
				h->rb.kind = PICK(&m->rng, ((const uint32_t[]){ CKPT_RB_MAX,
						  100, 0xffffffff }));
				note(m, FZ_REFUSE, true, "CPU restart block of kind %u",
				     h->rb.kind);
				return;
			}
			note(m, FZ_REFUSE, true, "CPU ax=-ERESTART_RESTARTBLOCK without a block");
			return;
		case 4:
			h->ax = PICK(&m->rng, ((const uint64_t[]){ -512, -513, -514 }));
			h->orig_ax = 35;
			h->ip = below(&m->rng, 2);
			note(m, FZ_REFUSE, true, "CPU ax=%lld to restart at ip %llu",
			     (long long)h->ax, (unsigned long long)h->ip);
			return;
		case 5:
			mut_rb_futex(m, h);
			return;
		case 6:
			mut_rb_poll(m, h);
			return;
		default:
			/* a nanosleep(2) left to finish, as restart_syscall() does */
			h->ax = -516;
			h->orig_ax = 35;
			h->rb.kind = CKPT_RB_NANOSLEEP;
			h->rb.clockid = PICK(&m->rng, ((const int32_t[]){ CLOCK_REALTIME,
					     CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI,
					     CLOCK_PROCESS_CPUTIME_ID, -1, 100 }));
			h->rb.remaining = PICK(&m->rng, ((const int64_t[]){ 0, 1000000, -1,
						2000000 }));
			h->rb.arg = below(&m->rng, 3);
			h->rb.addr = h->rb.arg ? h->sp - 64 : 0;
			if (chance(&m->rng, 10))
				h->rb.addr = h->rb.arg ? 0 : h->sp - 64;
			if (chance(&m->rng, 10))
				h->rb.bitset = 1;
			note(m, (h->rb.clockid == CLOCK_REALTIME ||
				 h->rb.clockid == CLOCK_MONOTONIC ||
				 h->rb.clockid == CLOCK_BOOTTIME ||
				 h->rb.clockid == CLOCK_TAI) &&
			     h->rb.remaining >= 0 && h->rb.arg <= 1 && !h->rb.bitset &&
			     (h->rb.arg ? rb_addr_ok(m, h->rb.addr, 1) : !h->rb.addr) ?
			     FZ_MAY : FZ_REFUSE, true,
			     "CPU nanosleep restart block clock %d remaining %lld type %u addr %#llx bitset %#x",
			     h->rb.clockid, (long long)h->rb.remaining, h->rb.arg,
			     (unsigned long long)h->rb.addr, h->rb.bitset);
			return;
		}
#endif
	default:
		if (chance(&m->rng, 50)) {
			h->orig_ax = PICK(&m->rng, ((const uint64_t[]){ 465, 1000, 0x7fffffff,
					  1ULL << 32, -2ULL, 0x40000000 }));
			note(m, FZ_REFUSE, true, "CPU.orig_ax=%#llx",
			     (unsigned long long)h->orig_ax);
		} else {
			h->orig_ax = PICK(&m->rng, ((const uint64_t[]){ -1ULL, 0, 39, 219,
					  463, 464, 60 }));
			note(m, FZ_MAY, true, "CPU.orig_ax=%lld", (long long)h->orig_ax);
		}
	}
}

/* Offsets in the XSAVE buffer (uabi layout) */
#define XS_MXCSR	24
#define XS_XFEATURES	512
#define XS_XCOMP_BV	520
#define XS_HDR_RSVD	528
#define XS_LEGACY	512

static void mut_fpu(struct fz_mut *m, int i)
{
	struct ckpt_hdr_fpu *h = REC(&m->im, i, struct ckpt_hdr_fpu);
	unsigned char *xs = (unsigned char *)(h + 1);
	uint64_t xfeat, bit;
	uint32_t mxcsr, off;

	if (h->size < 576 || m->im.r[i].len != ALIGN8(sizeof(*h) + h->size)) {
		note(m, FZ_REFUSE, true, "FPU already bad");
		return;
	}
	memcpy(&xfeat, xs + XS_XFEATURES, 8);
	switch (below(&m->rng, 9)) {
	case 0:
		h->size = PICK(&m->rng, ((const uint32_t[]){ 0, 575, h->size + 64,
			       h->size - 8, 65536, 0xffffffff }));
		note(m, FZ_REFUSE, true, "FPU.size=%u (len kept)", h->size);
		return;
	case 1:
		if (chance(&m->rng, 50)) {
			/* a larger buffer than this CPU's */
			uint32_t n = m->c->fpu_max + 64;

			rec_resize(&m->im, i, ALIGN8(sizeof(*h) + n));
			REC(&m->im, i, struct ckpt_hdr_fpu)->size = n;
			note(m, FZ_REFUSE, true, "FPU.size=%u > %u", n, m->c->fpu_max);
		} else {
			uint32_t n = 576 + 64 * below(&m->rng, (h->size - 576) / 64 + 1);

			rec_resize(&m->im, i, ALIGN8(sizeof(*h) + n));
			REC(&m->im, i, struct ckpt_hdr_fpu)->size = n;
			note(m, FZ_MAY, true, "FPU.size=%u (shorter)", n);
		}
		return;
	case 2:
		RESERVED(m, h->__reserved, "FPU.__reserved");
		return;
	case 3:
		mxcsr = 1U << (16 + below(&m->rng, 16));
		*(uint32_t *)(xs + XS_MXCSR) |= mxcsr;
		note(m, xfeat & 7 ? FZ_REFUSE : FZ_MAY, true, "FPU mxcsr|=%#x", mxcsr);
		return;
	case 4:
		*(uint32_t *)(xs + XS_MXCSR) ^= 1U << below(&m->rng, 16);
		note(m, FZ_MAY, true, "FPU mxcsr low bit");
		return;
	case 5:
		do
			bit = 1ULL << below(&m->rng, 64);
		while (bit & m->c->xcr0);
		xfeat |= bit;
		memcpy(xs + XS_XFEATURES, &xfeat, 8);
		note(m, FZ_REFUSE, true, "FPU xfeatures|=%#llx", (unsigned long long)bit);
		return;
	case 6:
		if (chance(&m->rng, 50)) {
			bit = PICK(&m->rng, ((const uint64_t[]){ 1ULL << 63, 1, 0x8000000000000003ULL }));
			memcpy(xs + XS_XCOMP_BV, &bit, 8);
			note(m, FZ_REFUSE, true, "FPU xcomp_bv=%#llx", (unsigned long long)bit);
		} else {
			off = XS_HDR_RSVD + below(&m->rng, 48);
			xs[off] |= 1 << below(&m->rng, 8);
			note(m, FZ_REFUSE, true, "FPU xsave header reserved byte %u", off);
		}
		return;
	case 7:
		xfeat &= rnd(&m->rng);
		memcpy(xs + XS_XFEATURES, &xfeat, 8);
		note(m, FZ_MAY, true, "FPU xfeatures=%#llx", (unsigned long long)xfeat);
		return;
	default:
		/* register contents: x87, xmm, ymm... (not mxcsr, not the header) */
		do
			off = below(&m->rng, h->size);
		while ((off >= XS_MXCSR && off < XS_MXCSR + 4) ||
		       (off >= XS_LEGACY && off < 576));
		xs[off] = rnd(&m->rng);
		note(m, FZ_MAY, true, "FPU byte %u", off);
	}
}

static void mut_mm(struct fz_mut *m, int i)
{
	struct ckpt_hdr_mm *h = REC(&m->im, i, struct ckpt_hdr_mm);
	uint32_t auxv_max = h->nr_auxv;	/* the checkpointing kernel's AT_VECTOR_SIZE */
	__u64 *a;
	enum fz_path_kind k;
	enum fz_class cls;

	if (auxv_max > CKPT_AUXV_MAX)
		auxv_max = CKPT_AUXV_MAX;
	switch (below(&m->rng, 11)) {
	case 0:
	case 1:
		a = &h->start_code + below(&m->rng, 11);
		*a = chance(&m->rng, 40) ? bad_uaddr(m) : user_addr(m, *a);
		note(m, mm_ok(h, m->c->task_size, auxv_max) ? FZ_MAY : FZ_REFUSE, true,
		     "MM layout field %d=%#llx", (int)(a - &h->start_code),
		     (unsigned long long)*a);
		return;
	case 2:
		if (chance(&m->rng, 50))
			h->vdso = PICK(&m->rng, ((const uint64_t[]){ 0, h->vdso + FZ_PAGE,
				       h->vdso - FZ_PAGE, 0x10000000 }));
		else if (chance(&m->rng, 50))
			h->vdso_size = other_u64(m, h->vdso_size);
		else
			h->vdso_hash = other_u64(m, h->vdso_hash);
		note(m, FZ_REFUSE, false, "MM vdso=%#llx size=%llu hash=%#llx",
		     (unsigned long long)h->vdso, (unsigned long long)h->vdso_size,
		     (unsigned long long)h->vdso_hash);
		return;
	case 3:
		h->nr_vmas = PICK(&m->rng, ((const uint32_t[]){ h->nr_vmas + 1,
				  h->nr_vmas - 1, 0, 65537, 0xffffffff }));
		note(m, FZ_REFUSE, h->nr_vmas > CKPT_MAX_VMAS, "MM.nr_vmas=%u",
		     h->nr_vmas);
		return;
	case 4:
		h->nr_auxv = PICK(&m->rng, ((const uint32_t[]){ auxv_max + 2, 1,
				  auxv_max - 1, 64, 0xfffffffe, 0, 2 }));
		note(m, mm_ok(h, m->c->task_size, auxv_max) ? FZ_MAY : FZ_REFUSE, true,
		     "MM.nr_auxv=%u", h->nr_auxv);
		return;
	case 5:
		h->auxv[below(&m->rng, CKPT_AUXV_MAX)] = rnd(&m->rng);
		note(m, FZ_MAY, true, "MM auxv word");
		return;
	case 6:
		/*
		 * mlockall(MCL_FUTURE), MCL_ONFAULT, membarrier() registrations
		 * (SYNC_CORE and RSEQ may be missing from the kernel), unknown bits
		 */
		h->flags ^= 1U << below(&m->rng, chance(&m->rng, 70) ? 8 : 32);
		note(m, mm_ok(h, m->c->task_size, auxv_max) ? FZ_MAY : FZ_REFUSE, true,
		     "MM.flags=%#x", h->flags);
		return;
	case 7:
		h->exe_len = other_u32(m, h->exe_len);
		note(m, FZ_REFUSE, true, "MM.exe_len=%u", h->exe_len);
		return;
	case 8:
		/*
		 * a copy of the parent's mm: the first task has none to copy
		 * (a self checkpoint's one task), and RESTART_TASKSELF
		 * refuses it anyway
		 */
		h->flags |= CKPT_MM_F_FORKED;
		note(m, FZ_REFUSE, true, "MM.flags=%#x, forked, of %s task",
		     h->flags, i == img_find(&m->im, CKPT_HDR_MM, 0) ? "the first" :
		     "a later");
		return;
	default:
		k = PICK(&m->rng, ((const enum fz_path_kind[]){ P_FILE, P_DIR, P_MISSING,
			 P_RELATIVE, P_DEV, P_SECRET, P_ROOTFILE, P_EMPTY }));
		set_string(&m->im, i, sizeof(*h), &h->exe_len, 0, path_of(m->c, k));
		cls = k == P_FILE || k == P_ROOTFILE ? FZ_MAY :
		      k == P_SECRET ? (m->c->uid ? FZ_REFUSE : FZ_MAY) : FZ_REFUSE;
		/* a vma's file is the executable already: a second one */
		if (cls != FZ_REFUSE && mm_exe_vma(&m->im, i, -1) >= 0) {
			note(m, FZ_REFUSE, false, "MM.exe=\"%s\", and a vma's file",
			     path_of(m->c, k));
			return;
		}
		note(m, cls, true, "MM.exe=\"%s\"", path_of(m->c, k));
	}
}

/* objref and size of a vma's shared memory object, and its pgoff in it */
static void mut_vma_shm(struct fz_mut *m, int i, char *what, size_t wlen)
{
	struct ckpt_hdr_vma *h = REC(&m->im, i, struct ckpt_hdr_vma);
	uint64_t pages = (h->end - h->start) / FZ_PAGE;
	int j, n;

	switch (below(&m->rng, 5)) {
	case 0:
		h->__reserved = other_u32(m, 0) ?: 1;
		snprintf(what, wlen, "VMA(type %u).__reserved=%#x", h->type, h->__reserved);
		return;
	case 1:
		/* another object, a new one, another's, a FILE's, out of range */
		h->shm_objref = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 2, 3,
				     1 + below(&m->rng, 200), h->shm_objref + 1,
				     FZ_MAX_OBJS, FZ_MAX_OBJS + 1, 0xffffffff }));
		if (chance(&m->rng, 50)) {
			n = img_count(&m->im, CKPT_HDR_VMA);
			j = img_find(&m->im, CKPT_HDR_VMA, below(&m->rng, n));
			if (REC(&m->im, j, struct ckpt_hdr_vma)->shm_objref)
				h->shm_objref = REC(&m->im, j, struct ckpt_hdr_vma)->shm_objref;
		} else if (chance(&m->rng, 50)) {
			/* a memfd's, a deleted file's, a file's: another kind */
			j = img_find(&m->im, chance(&m->rng, 50) ? CKPT_HDR_MEMFD :
				     CKPT_HDR_DELETED, 0);
			if (j >= 0 && chance(&m->rng, 50))
				h->shm_objref = unn_ref(&m->im, j);
			else if ((j = img_find(&m->im, CKPT_HDR_FILE, 0)) >= 0)
				h->shm_objref = REC(&m->im, j, struct ckpt_hdr_file)->objref;
		}
		snprintf(what, wlen, "VMA(type %u).shm_objref=%u", h->type, h->shm_objref);
		return;
	case 2:
		h->shm_size = PICK(&m->rng, ((const uint64_t[]){ 0, h->shm_size + FZ_PAGE,
				   h->shm_size - FZ_PAGE, h->shm_size + 1, pages * FZ_PAGE,
				   1ULL << 40, (1ULL << 63) - FZ_PAGE, 1ULL << 63,
				   ~0ULL & ~(FZ_PAGE - 1) }));
		snprintf(what, wlen, "VMA(type %u).shm_size=%#llx", h->type,
			 (unsigned long long)h->shm_size);
		return;
	case 3:
		/* another vma's object, with its size */
		n = img_count(&m->im, CKPT_HDR_VMA);
		j = img_find(&m->im, CKPT_HDR_VMA, below(&m->rng, n));
		h->shm_objref = REC(&m->im, j, struct ckpt_hdr_vma)->shm_objref;
		h->shm_size = REC(&m->im, j, struct ckpt_hdr_vma)->shm_size;
		snprintf(what, wlen, "VMA(type %u).shm=%u/%#llx (of record %d)", h->type,
			 h->shm_objref, (unsigned long long)h->shm_size, j);
		return;
	default: {
		/*
		 * the end of the object (a memfd's, a deleted file's: its
		 * size), or a page past it
		 */
		uint64_t size = h->shm_size;

		j = unn_of_vma(h->type) ?
		    unn_of(&m->im, unn_of_vma(h->type), h->shm_objref, i) : -1;
		if (j >= 0)
			size = unn_size(&m->im, j);
		h->pgoff = (size / FZ_PAGE - pages) + below(&m->rng, 2);
		snprintf(what, wlen, "VMA(type %u).pgoff=%#llx of %#llx bytes", h->type,
			 (unsigned long long)h->pgoff, (unsigned long long)size);
	}
	}
}

/*
 * A mapped file's INODE (shm_objref): none (taken without a check),
 * another INODE, another object's objref, nothing's
 */
static void mut_vma_inode(struct fz_mut *m, int i)
{
	struct ckpt_hdr_vma *h = REC(&m->im, i, struct ckpt_hdr_vma);
	uint32_t old = h->shm_objref;
	enum fz_class cls;
	bool local;

	h->shm_objref = inode_other_ref(m, i, old);
	if (h->shm_objref == old) {
		note(m, FZ_VALID, true, "VMA(file).shm_objref=%u, as it was", old);
		return;
	}
	/* the same file is mapped: intact, if restart takes it */
	cls = vma_rule(m, i, &local);
	note(m, cls == FZ_MAY ? FZ_VALID : cls, local,
	     "VMA(file).shm_objref=%u instead of %u", h->shm_objref, old);
}

static void mut_vma(struct fz_mut *m, int i)
{
	struct ckpt_hdr_vma *h = REC(&m->im, i, struct ckpt_hdr_vma);
	uint64_t prev_end, next_start, len = h->end - h->start;
	enum fz_path_kind k;
	enum fz_class cls;
	bool local, sys = h->type == CKPT_VMA_VDSO || h->type == CKPT_VMA_VVAR;
	char what[128];

	if (h->type == CKPT_VMA_FILE && chance(&m->rng, 20)) {
		mut_vma_inode(m, i);
		return;
	}
	vma_neighbours(&m->im, i, &prev_end, &next_start);
	switch ((h->type == CKPT_VMA_SHARED_ANON || unn_of_vma(h->type)) &&
		chance(&m->rng, 30) ? 9 : below(&m->rng, 10)) {
	case 9: {
		struct ckpt_hdr_vma old = *h;

		mut_vma_shm(m, i, what, sizeof(what));
		if (!memcmp(&old, h, sizeof(old))) {
			note(m, FZ_VALID, true, "%s, as it was", what);
			return;
		}
		break;
	}
	case 0:
	case 1:
		switch (below(&m->rng, 8)) {
		case 0:
			h->start += 1 + below(&m->rng, FZ_PAGE - 1);
			break;
		case 1:
			h->end = h->start;
			break;
		case 2:
			h->start = bad_uaddr(m) & ~(FZ_PAGE - 1);
			h->end = h->start + len;
			break;
		case 3:
			h->end = m->c->task_size + FZ_PAGE * (1 + below(&m->rng, 16));
			break;
		case 4:
			h->start = prev_end ? prev_end - FZ_PAGE : 0;
			break;
		case 5:
			h->end += FZ_PAGE * (1 + below(&m->rng, 4));
			break;
		case 6:
			h->start -= FZ_PAGE * (1 + below(&m->rng, 4));
			break;
		default:
			h->end -= FZ_PAGE;
		}
		snprintf(what, sizeof(what), "VMA(type %u) %#llx-%#llx", h->type,
			 (unsigned long long)h->start, (unsigned long long)h->end);
		break;
	case 2:
		h->pgoff = chance(&m->rng, 50) ? ~0ULL - below(&m->rng, 4) :
			   below(&m->rng, 1 << 20);
		snprintf(what, sizeof(what), "VMA(type %u).pgoff=%#llx", h->type,
			 (unsigned long long)h->pgoff);
		break;
	case 3: {
		uint32_t old = h->type;

		h->type = other_u32(m, old) % (CKPT_VMA_MAX + 2);
		if (h->type == old)
			h->type = 0;
		note(m, FZ_REFUSE, true, "VMA.type=%u", h->type);
		return;
	}
	case 4:
		if (chance(&m->rng, 50)) {
			h->prot |= 8U << below(&m->rng, 29);
			note(m, FZ_REFUSE, true, "VMA.prot=%#x", h->prot);
		} else {
			h->prot ^= 1U << below(&m->rng, 3);
			note(m, FZ_MAY, true, "VMA(type %u).prot=%#x", h->type, h->prot);
		}
		return;
	case 5:
		/* a deleted file's: the executable (its MM names one: refused) */
		if (h->type == CKPT_VMA_DELETED && chance(&m->rng, 30)) {
			h->flags ^= CKPT_VMA_F_EXE;
		} else if (chance(&m->rng, 15)) {
			/*
			 * fork()'s copy of the parent's vma, in an mm not
			 * forked (none is: see mm_ok())
			 */
			int mm = vma_mm(&m->im, i);

			h->flags |= CKPT_VMA_F_INHERITED;
			note(m, FZ_REFUSE, true, "VMA(type %u).flags=%#x, inherited in an mm %s",
			     h->type, h->flags, mm >= 0 &&
			     REC(&m->im, mm, struct ckpt_hdr_mm)->flags & CKPT_MM_F_FORKED ?
			     "forked" : "not forked");
			return;
		} else {
			h->flags ^= chance(&m->rng, 20) ? 8U << below(&m->rng, 29) :
				    1U << below(&m->rng, 3);
		}
		snprintf(what, sizeof(what), "VMA(type %u).flags=%#x", h->type, h->flags);
		break;
	case 6:
		h->path_len = other_u32(m, h->path_len);
		note(m, FZ_REFUSE, true, "VMA.path_len=%u", h->path_len);
		return;
	default:
		if (h->type != CKPT_VMA_FILE) {
			uint32_t type = h->type;

			/* set_string() frees the record h points into */
			set_string(&m->im, i, sizeof(*h), &h->path_len, 0, m->c->p_alt);
			note(m, FZ_REFUSE, true, "VMA(type %u) with a path", type);
			return;
		}
		k = below(&m->rng, P_NR);
		set_string(&m->im, i, sizeof(*h), &h->path_len, 0, path_of(m->c, k));
		h = REC(&m->im, i, struct ckpt_hdr_vma);
		cls = k == P_FILE ? FZ_MAY :
		      k == P_SECRET ? (m->c->uid ? FZ_REFUSE : FZ_MAY) :
		      k == P_ROOTFILE ? (m->c->uid && (h->flags & CKPT_VMA_F_MAYWRITE) ?
					 FZ_REFUSE : FZ_MAY) : FZ_REFUSE;
		/* another file than its INODE: ESTALE, unless taken */
		if (cls != FZ_REFUSE && !inode_image_ok(m)) {
			note(m, FZ_REFUSE, false,
			     "VMA.path=\"%s\", another file than its INODE",
			     path_of(m->c, k));
			return;
		}
		note(m, cls, true, "VMA.path=\"%s\"", path_of(m->c, k));
		return;
	}
	cls = vma_rule(m, i, &local);
	/* vdso and vvar must stay exactly where and what they were */
	if (sys && cls == FZ_MAY)
		cls = FZ_REFUSE, local = false;
	note(m, cls, local, "%s", what);
}

static void mut_pages(struct fz_mut *m, int i)
{
	struct ckpt_hdr_pages *h = REC(&m->im, i, struct ckpt_hdr_pages);
	uint64_t *addr = (uint64_t *)(h + 1), start, end;
	const struct ckpt_hdr_vma *vh;
	enum fz_class cls;
	bool local;
	uint32_t k;
	int v = pages_owner(&m->im, i);

	if (v < 0) {
		note(m, FZ_REFUSE, false, "PAGES of no vma, memfd or deleted file");
		return;
	}
	if (unn_rec(m->im.r[v].type)) {
		/* a memfd's, a deleted file's: offsets */
		start = 0;
		end = unn_pages_end(unn_size(&m->im, v));
	} else {
		vh = REC(&m->im, v, struct ckpt_hdr_vma);
		start = vh->start;
		end = vh->end;
	}
	switch (below(&m->rng, h->nr_pages ? 7 : 3)) {
	case 0:
		h->nr_pages = PICK(&m->rng, ((const uint32_t[]){ h->nr_pages + 1,
				   h->nr_pages - 1, 257, 0xffffffff, 0x80000001 }));
		note(m, FZ_REFUSE, true, "PAGES.nr_pages=%u (len kept)", h->nr_pages);
		return;
	case 1: {
		/*
		 * parent's pages that are not there: the length kept, none
		 * marked, more than nr_pages; and in no inherited vma
		 */
		uint32_t old = h->nr_parent;

		h->nr_parent = PICK(&m->rng, ((const uint32_t[]){ 1, h->nr_pages,
				    h->nr_pages + 1, 0x80000000, 0xffffffff }));
		if (h->nr_parent == old)
			h->nr_parent = old + 1;
		note(m, FZ_REFUSE, true, "PAGES.nr_parent=%u of %u pages (len kept)",
		     h->nr_parent, h->nr_pages);
		return;
	}
	case 3:
		/*
		 * an address the parent's page (CKPT_PAGE_PARENT): its
		 * contents left out and nr_parent one more, or the record
		 * kept as it is; of a vma not inherited (none is: see
		 * vma_rule()), or of a memfd's or deleted file's contents
		 */
		k = below(&m->rng, h->nr_pages);
		if (m->im.r[i].len != pages_len(h) || addr[k] & CKPT_PAGE_PARENT) {
			note(m, FZ_REFUSE, true, "PAGES already bad");
			return;
		}
		if (chance(&m->rng, 70)) {
			unsigned char *body = pages_body(h, k);
			size_t at = body - m->im.r[i].p;

			memmove(body, body + FZ_PAGE, m->im.r[i].len - at - FZ_PAGE);
			rec_resize(&m->im, i, m->im.r[i].len - FZ_PAGE);
			h = REC(&m->im, i, struct ckpt_hdr_pages);
			addr = (uint64_t *)(h + 1);
			h->nr_parent++;
		}
		addr[k] |= CKPT_PAGE_PARENT;
		note(m, FZ_REFUSE, true, "PAGES.addr[%u]=%#llx the parent's, nr_parent=%u, %s",
		     k, (unsigned long long)addr[k], h->nr_parent,
		     unn_rec(m->im.r[v].type) ? "of a file's contents" :
		     REC(&m->im, v, struct ckpt_hdr_vma)->flags & CKPT_VMA_F_INHERITED ?
		     "of an inherited vma" : "of a vma not inherited");
		return;
	case 2:
		if (h->nr_pages)
			break;
		/*
		 * a page for a vma that cannot have one, or a page too many:
		 * the record after the group is read as the next PAGES
		 */
		rec_resize(&m->im, i, sizeof(*h) + 8 + FZ_PAGE);
		h = REC(&m->im, i, struct ckpt_hdr_pages);
		h->nr_pages = 1;
		*(uint64_t *)(h + 1) = start;
		note(m, FZ_REFUSE, false, "PAGES terminator given a page");
		return;
	default:
		break;
	}
	k = below(&m->rng, h->nr_pages);
	switch (below(&m->rng, 3)) {
	case 0:
		addr[k] = PICK(&m->rng, ((const uint64_t[]){ addr[k] + 1, addr[k] + FZ_PAGE,
			       addr[k] - FZ_PAGE, end, start - FZ_PAGE, 0, ~0ULL & ~4095ULL,
			       addr[k] + 2048 }));
		cls = pages_rule(m, i, &local);
		note(m, cls, local, "PAGES.addr[%u]=%#llx in %#llx-%#llx", k,
		     (unsigned long long)addr[k], (unsigned long long)start,
		     (unsigned long long)end);
		return;
	default: {
		unsigned char *page = m->im.r[i].len == pages_len(h) ?
				      pages_body(h, k) : NULL;
		uint32_t off = below(&m->rng, FZ_PAGE);

		/* a parent's page has no contents here */
		if (!page) {
			note(m, FZ_REFUSE, true, "PAGES already bad");
			return;
		}
		page[off] ^= 1 + below(&m->rng, 255);
		note(m, FZ_MAY, true, "PAGES page %#llx byte %u",
		     (unsigned long long)addr[k], off);
	}
	}
}

/* MEMFD: a memfd's objref, seals, size, mode, owner and name */
/*
 * What memfds and deleted files have alike: size (smaller than its
 * pages, larger, past MAX_LFS_FILESIZE), permission bits (or a bit past
 * them) and owner (which restart may give or refuse), judged by @rule.
 */
static void mut_unn_attrs(struct fz_mut *m, int i, __u64 *size, __u32 *mode,
			  __u32 *uid, __u32 *gid, const char *kind,
			  enum fz_class (*rule)(struct fz_mut *m, int i, bool *local))
{
	enum fz_class cls;
	bool local;

	switch (below(&m->rng, 3)) {
	case 0:
		*size = PICK(&m->rng, ((const uint64_t[]){ 0, 1, *size + 1,
			     *size - 1, *size + FZ_PAGE, *size - FZ_PAGE,
			     1ULL << 40, FZ_MAX_LFS, FZ_MAX_LFS + 1, ~0ULL }));
		cls = rule(m, i, &local);
		note(m, cls, local, "%s.size=%#llx", kind, (unsigned long long)*size);
		return;
	case 1:
		*mode ^= 1U << below(&m->rng, chance(&m->rng, 70) ? 12 : 32);
		cls = rule(m, i, &local);
		note(m, cls, local, "%s.mode=%#o", kind, *mode);
		return;
	default:
		if (chance(&m->rng, 50))
			*uid = chance(&m->rng, 50) ? 0xffffffff : other_u32(m, *uid);
		else
			*gid = chance(&m->rng, 50) ? 0xffffffff : other_u32(m, *gid);
		note(m, FZ_MAY, true, "%s owner %u:%u", kind, *uid, *gid);
	}
}

static void mut_memfd(struct fz_mut *m, int i)
{
	struct ckpt_hdr_memfd *h = REC(&m->im, i, struct ckpt_hdr_memfd);
	char *name = (char *)(h + 1), s[CKPT_MEMFD_NAME_MAX + 8];
	enum fz_class cls;
	uint32_t k, n;
	bool local;
	int j;

	/* the rules below are for a well-formed record */
	if (memfd_rule(m, i, &local) == FZ_REFUSE && local) {
		note(m, FZ_REFUSE, true, "MEMFD already bad");
		return;
	}
	switch (below(&m->rng, 10)) {
	case 0:
		/* none, out of range, unknown, another object's */
		h->objref = PICK(&m->rng, ((const uint32_t[]){ 0, 0xffffffff,
				 FZ_MAX_OBJS + 1, h->objref + 1000, h->objref }));
		j = img_find(&m->im, CKPT_HDR_FILE,
			     below(&m->rng, img_count(&m->im, CKPT_HDR_FILE)));
		if (j >= 0 && chance(&m->rng, 50))
			h->objref = REC(&m->im, j, struct ckpt_hdr_file)->objref;
		cls = memfd_rule(m, i, &local);
		note(m, cls, local, "MEMFD.objref=%u", h->objref);
		return;
	case 1:
		/* a seal restart knows, or another bit */
		h->seals ^= 1U << below(&m->rng, chance(&m->rng, 70) ? 6 : 32);
		cls = memfd_rule(m, i, &local);
		note(m, cls, local, "MEMFD.seals=%#x", h->seals);
		return;
	case 2:
	case 3:
	case 4:
		mut_unn_attrs(m, i, &h->size, &h->mode, &h->uid, &h->gid, "MEMFD",
			      memfd_rule);
		return;
	case 5:
		h->name_len = PICK(&m->rng, ((const uint32_t[]){ 0, h->name_len + 1,
				   h->name_len - 1, h->name_len + 8,
				   CKPT_MEMFD_NAME_MAX + 1, 0xffffffff }));
		cls = memfd_rule(m, i, &local);
		note(m, cls, local, "MEMFD.name_len=%u (len kept)", h->name_len);
		return;
	case 6:
		/* a byte of the name: its NUL, a NUL inside, another letter */
		k = below(&m->rng, h->name_len);
		name[k] = k == h->name_len - 1 ? 'x' :
			  chance(&m->rng, 50) ? '\0' : 'a' + below(&m->rng, 26);
		cls = memfd_rule(m, i, &local);
		note(m, cls, local, "MEMFD name byte %u=%#x", k, name[k]);
		return;
	case 7:
		/* another name: empty, the longest, too long, with a slash */
		n = PICK(&m->rng, ((const uint32_t[]){ 0, 1, CKPT_MEMFD_NAME_MAX - 1,
			 CKPT_MEMFD_NAME_MAX }));
		memset(s, 'n', n);
		s[n] = '\0';
		if (n == 1 && chance(&m->rng, 50))
			snprintf(s, sizeof(s), "a/b");
		set_string(&m->im, i, sizeof(*h), &h->name_len, 0, s);
		h = REC(&m->im, i, struct ckpt_hdr_memfd);
		cls = memfd_rule(m, i, &local);
		note(m, cls, local, "MEMFD name of %u bytes", h->name_len);
		return;
	case 8:
		/* not extensible: the record is just the name's */
		rec_resize(&m->im, i, m->im.r[i].len + 8 * (1 + below(&m->rng, 4)));
		note(m, FZ_REFUSE, true, "MEMFD record longer than its name");
		return;
	default:
		/* a size its pages do not fit in, or one just above them */
		if (chance(&m->rng, 50)) {
			h->size = 0;
			note(m, memfd_rule(m, i, &local), local, "MEMFD.size=0");
		} else {
			h->size = unn_pages_end(h->size) + FZ_PAGE * below(&m->rng, 4);
			note(m, memfd_rule(m, i, &local), local, "MEMFD.size=%#llx",
			     (unsigned long long)h->size);
		}
	}
}

/*
 * DELETED: a deleted file's objref, flags, size, mode, owner and path.
 * A path in a directory that exists may restart (the file is made
 * there), one whose directory is missing or no directory is refused.
 */
static void mut_deleted(struct fz_mut *m, int i)
{
	struct ckpt_hdr_deleted *h = REC(&m->im, i, struct ckpt_hdr_deleted);
	char *path = (char *)(h + 1), s[CKPT_PATH_MAX + 8];
	struct fz_campaign *c = m->c;
	enum fz_class cls;
	uint32_t k;
	bool local;
	int j;

	/* the rules below are for a well-formed record */
	if (deleted_rule(m, i, &local) == FZ_REFUSE && local) {
		note(m, FZ_REFUSE, true, "DELETED already bad");
		return;
	}
	switch (below(&m->rng, 10)) {
	case 0:
		/* none, out of range, unknown, another object's */
		h->objref = PICK(&m->rng, ((const uint32_t[]){ 0, 0xffffffff,
				 FZ_MAX_OBJS + 1, h->objref + 1000, h->objref }));
		j = img_find(&m->im, chance(&m->rng, 50) ? CKPT_HDR_FILE :
			     CKPT_HDR_MEMFD, 0);
		if (j >= 0 && chance(&m->rng, 50))
			h->objref = m->im.r[j].type == CKPT_HDR_FILE ?
				    REC(&m->im, j, struct ckpt_hdr_file)->objref :
				    unn_ref(&m->im, j);
		cls = deleted_rule(m, i, &local);
		note(m, cls, local, "DELETED.objref=%u", h->objref);
		return;
	case 1:
		/* linkable (O_TMPFILE without O_EXCL) or not, or another bit */
		h->flags ^= 1U << below(&m->rng, chance(&m->rng, 70) ? 1 : 32);
		cls = deleted_rule(m, i, &local);
		note(m, cls, local, "DELETED.flags=%#x", h->flags);
		return;
	case 2:
	case 3:
	case 4:
		mut_unn_attrs(m, i, &h->size, &h->mode, &h->uid, &h->gid, "DELETED",
			      deleted_rule);
		return;
	case 5:
		h->path_len = PICK(&m->rng, ((const uint32_t[]){ 0, h->path_len + 1,
				   h->path_len - 1, h->path_len + 8,
				   CKPT_PATH_MAX + 1, 0xffffffff }));
		cls = deleted_rule(m, i, &local);
		note(m, cls, local, "DELETED.path_len=%u (len kept)", h->path_len);
		return;
	case 6:
		/*
		 * a byte of the path: its NUL, a NUL inside, a slash (another
		 * directory, a path ending in one), another letter
		 */
		k = below(&m->rng, h->path_len);
		if (k == h->path_len - 1)
			path[k] = 'x';
		else if (chance(&m->rng, 25))
			path[k] = 'a' + below(&m->rng, 26);
		else
			path[k] = PICK(&m->rng, ((const char[]){ '\0', '/', '.' }));
		cls = deleted_rule(m, i, &local);
		note(m, cls, local, "DELETED path byte %u=%#x: \"%.*s\"", k,
		     path[k], (int)h->path_len, path);
		return;
	case 7:
		/*
		 * another path: in a directory that exists (the test's, a
		 * directory of its, /), in one missing or that is a file,
		 * relative, empty, "/", ending in "/"
		 */
		switch (below(&m->rng, 6)) {
		case 0:
			snprintf(s, sizeof(s), "%s",
				 path_of(c, (enum fz_path_kind)below(&m->rng, P_NR)));
			break;
		case 1:
			snprintf(s, sizeof(s), "%s/new",
				 PICK(&m->rng, ((const char *const[]){ c->p_dir,
				      c->p_alt, c->p_missing, c->p_secretdir })));
			break;
		case 2:
			snprintf(s, sizeof(s), "%s/", c->p_dir);
			break;
		case 3:
			snprintf(s, sizeof(s), "/fz-deleted");
			break;
		case 4:
			/* the longest: a name of its own in the test's directory */
			snprintf(s, sizeof(s), "%s/", c->p_dir);
			memset(s + strlen(s), 'd', CKPT_PATH_MAX - 1 - strlen(s));
			s[CKPT_PATH_MAX - 1] = '\0';
			break;
		default:
			snprintf(s, sizeof(s), "%s/%s", c->p_dir,
				 chance(&m->rng, 50) ? "#12" : "..");
		}
		set_string(&m->im, i, sizeof(*h), &h->path_len, 0, s);
		h = REC(&m->im, i, struct ckpt_hdr_deleted);
		cls = deleted_rule(m, i, &local);
		note(m, cls, local, "DELETED.path=\"%.64s\" (%u bytes)", s, h->path_len);
		return;
	case 8:
		/* not extensible: the record is just the path's */
		rec_resize(&m->im, i, m->im.r[i].len + 8 * (1 + below(&m->rng, 4)));
		note(m, FZ_REFUSE, true, "DELETED record longer than its path");
		return;
	default:
		/* a size its pages do not fit in, or one just above them */
		if (chance(&m->rng, 50)) {
			h->size = 0;
			note(m, deleted_rule(m, i, &local), local, "DELETED.size=0");
		} else {
			h->size = unn_pages_end(h->size) + FZ_PAGE * below(&m->rng, 4);
			note(m, deleted_rule(m, i, &local), local, "DELETED.size=%#llx",
			     (unsigned long long)h->size);
		}
	}
}

/*
 * FILE_MEMFD, FILE_DELETED: the memfd or the deleted file an open file is
 * of, which a MEMFD or DELETED record before it made
 */
static void mut_file_unn(struct fz_mut *m, int i)
{
	bool del = m->im.r[i].type == CKPT_HDR_FILE_DELETED;
	struct ckpt_hdr_file_memfd *hm = REC(&m->im, i, struct ckpt_hdr_file_memfd);
	struct ckpt_hdr_file_deleted *hd = REC(&m->im, i, struct ckpt_hdr_file_deleted);
	uint32_t *ref = del ? &hd->deleted_objref : &hm->memfd_objref;
	uint32_t obj = del ? CKPT_HDR_DELETED : CKPT_HDR_MEMFD;
	const char *name = ckpt_hdr_name(m->im.r[i].type);
	int f = file_owner(&m->im, i), j;

	switch (below(&m->rng, 5)) {
	case 0:
		/* none, its FILE's objref (no such file), unknown */
		*ref = PICK(&m->rng, ((const uint32_t[]){ 0,
			    f < 0 ? 1 : REC(&m->im, f, struct ckpt_hdr_file)->objref,
			    *ref + 1, FZ_MAX_OBJS + 1, 0xffffffff }));
		break;
	case 1:
		*ref = below(&m->rng, 64);
		break;
	case 2:
		/* the other kind's: a memfd for a deleted file, or back */
		j = img_find(&m->im, del ? CKPT_HDR_MEMFD : CKPT_HDR_DELETED, 0);
		if (j >= 0)
			*ref = unn_ref(&m->im, j);
		break;
	case 3:
		if (del)
			RESERVED(m, hd->__reserved, "FILE_DELETED.__reserved");
		else
			RESERVED(m, hm->__reserved, "FILE_MEMFD.__reserved");
		return;
	default:
		mut_ext_tail(m, i);
		return;
	}
	note(m, unn_before(&m->im, obj, *ref, i) ? FZ_MAY : FZ_REFUSE,
	     !*ref || *ref > FZ_MAX_OBJS, "%s objref=%u", name, *ref);
}

#ifdef CKPT_HDR_PIPE
/* A pipe with both ends inside: capacity, buffered bytes */
static void mut_pipe(struct fz_mut *m, int i)
{
	struct ckpt_hdr_pipe *h = REC(&m->im, i, struct ckpt_hdr_pipe);
	uint32_t n = h->nr_bytes, size;
	bool ok;

	if (m->im.r[i].len != ALIGN8(sizeof(*h) + n)) {
		note(m, FZ_REFUSE, true, "PIPE already bad");
		return;
	}
	switch (below(&m->rng, 6)) {
	case 0:
		h->nr_bytes = PICK(&m->rng, ((const uint32_t[]){ n + 8, n - 1 - (n & 7),
				   h->size + 1, 0xffffffff }));
		note(m, FZ_REFUSE, true, "PIPE.nr_bytes=%u (len kept)", h->nr_bytes);
		return;
	case 1:
		size = PICK(&m->rng, ((const uint32_t[]){ 0, 1, 4096, 8192, 65536,
			    1 << 20, 2 << 20, CKPT_PIPE_MAX, CKPT_PIPE_MAX + 1,
			    0xffffffff, n ? n - 1 : 0 }));
		h->size = size;
		ok = size && size >= n && size <= CKPT_PIPE_MAX;
		/* F_SETPIPE_SZ above pipe-max-size needs CAP_SYS_RESOURCE */
		note(m, !ok ? FZ_REFUSE : FZ_MAY, true, "PIPE.size=%u", size);
		return;
	case 2:
		RESERVED(m, h->__reserved, "PIPE.__reserved");
		return;
	case 3:
		size = h->objref;
		h->objref = PICK(&m->rng, ((const uint32_t[]){ 0, 0xffffffff, h->objref + 500,
				 1 }));
		note(m, h->objref == size ? FZ_VALID : FZ_REFUSE,
		     h->objref == 0 || h->objref == 0xffffffff, "PIPE.objref=%u", h->objref);
		return;
	case 4:
		if (n) {
			((unsigned char *)(h + 1))[below(&m->rng, n)] ^= 0x20;
			note(m, FZ_MAY, true, "PIPE data byte");
			return;
		}
		/* fall through */
	default: {
		/* more data, with the length */
		uint32_t add = 1 + below(&m->rng, 8192);

		rec_resize(&m->im, i, ALIGN8(sizeof(*h) + n + add));
		h = REC(&m->im, i, struct ckpt_hdr_pipe);
		h->nr_bytes = n + add;
		note(m, h->nr_bytes <= h->size ? FZ_MAY : FZ_REFUSE, true,
		     "PIPE %u bytes more", add);
	}
	}
}
#endif

static void mut_trailer(struct fz_mut *m, int i)
{
	struct ckpt_hdr_trailer *h = REC(&m->im, i, struct ckpt_hdr_trailer);

	h->magic = other_u64(m, h->magic);
	note(m, FZ_REFUSE, true, "TRAILER.magic=%#llx", (unsigned long long)h->magic);
}

/*
 * INODE: the identity of a file reopened by path. A dev above 32 bits is
 * refused; another dev, number or generation makes it another file's
 * (ESTALE for what names it, unless the restarter takes it); another
 * objref leaves what names it naming nothing; extensible.
 */
static void mut_inode(struct fz_mut *m, int i)
{
	struct ckpt_hdr_inode *h = REC(&m->im, i, struct ckpt_hdr_inode);
	const char *what;
	uint32_t old;
	uint64_t x;

	if (m->im.r[i].len < sizeof(*h)) {
		note(m, FZ_REFUSE, true, "INODE already bad");
		return;
	}
	switch (below(&m->rng, 6)) {
	case 0:
		h->dev |= 1ULL << (32 + below(&m->rng, 32));
		note(m, FZ_REFUSE, true, "INODE.dev=%#llx", (unsigned long long)h->dev);
		return;
	case 1:
		do
			x = (uint32_t)any_u64(m, h->dev);
		while (x == h->dev);
		h->dev = x;
		what = "dev";
		break;
	case 2:
		h->ino = other_u64(m, h->ino);
		what = "ino";
		break;
	case 3:
		h->generation = other_u32(m, h->generation);
		what = "generation";
		break;
	case 4:
		old = h->objref;
		h->objref = inode_other_ref(m, i, old);
		if (h->objref == old)
			h->objref = old + 1;
		note(m, inode_image_ok(m) ? FZ_VALID : FZ_REFUSE,
		     !h->objref || h->objref > FZ_MAX_OBJS,
		     "INODE.objref=%u instead of %u", h->objref, old);
		return;
	default:
		mut_ext_tail(m, i);
		return;
	}
	/* the file at the path is the same: intact, if restart takes it */
	note(m, inode_image_ok(m) ? FZ_VALID : FZ_REFUSE, false,
	     "INODE #%u: another %s", h->objref, what);
}

typedef void (*fz_field_fn)(struct fz_mut *m, int i);

static const fz_field_fn fz_field[CKPT_HDR_MAX] = {
	[CKPT_HDR_HEADER] = mut_header,
	[CKPT_HDR_TREE] = mut_tree,
	[CKPT_HDR_TASK] = mut_task,
	[CKPT_HDR_CREDS] = mut_creds,
	[CKPT_HDR_RLIMITS] = mut_rlimits,
	[CKPT_HDR_TIMERS] = mut_timers,
	[CKPT_HDR_FS] = mut_fs,
	[CKPT_HDR_FILE] = mut_file,
	[CKPT_HDR_FDTABLE] = mut_fdtable,
	[CKPT_HDR_LOCKS] = mut_locks,
	[CKPT_HDR_SIGHAND] = mut_sighand,
	[CKPT_HDR_SIGNAL] = mut_signal,
	[CKPT_HDR_CPU] = mut_cpu,
	[CKPT_HDR_FPU] = mut_fpu,
	[CKPT_HDR_MM] = mut_mm,
	[CKPT_HDR_VMA] = mut_vma,
	[CKPT_HDR_PAGES] = mut_pages,
	[CKPT_HDR_TRAILER] = mut_trailer,
#ifdef CKPT_HDR_PIPE
	[CKPT_HDR_PIPE] = mut_pipe,
#endif
	[CKPT_HDR_STRING] = mut_string,
	[CKPT_HDR_FILE_CHR] = mut_file_chr,
	[CKPT_HDR_FILE_INHERIT] = mut_file_inherit,
	[CKPT_HDR_FILE_PIPE] = mut_file_pipe,
	[CKPT_HDR_FILE_EVENTFD] = mut_file_eventfd,
	[CKPT_HDR_FILE_EPOLL] = mut_file_epoll,
	[CKPT_HDR_EPOLL_ITEMS] = mut_epoll_items,
	[CKPT_HDR_FILE_SIGNALFD] = mut_file_signalfd,
	[CKPT_HDR_FILE_TIMERFD] = mut_file_timerfd,
	[CKPT_HDR_FILE_INOTIFY] = mut_file_inotify,
	[CKPT_HDR_INOTIFY_WATCHES] = mut_inotify_watches,
	[CKPT_HDR_INOTIFY_EVENTS] = mut_inotify_events,
	[CKPT_HDR_UNIX_PAIR] = mut_unix_pair,
	[CKPT_HDR_FILE_UNIX] = mut_file_unix,
	[CKPT_HDR_UNIX_QUEUE] = mut_unix_queue,
	[CKPT_HDR_UNIX_MSG] = mut_unix_msg,
	[CKPT_HDR_UNIX_SENDER] = mut_unix_sender,
	[CKPT_HDR_UNIX_MSG_FROM] = mut_unix_msg_from,
	[CKPT_HDR_UNIX_EMBRYO] = mut_unix_embryo,
	[CKPT_HDR_UNIX_MSG_FDS] = mut_unix_msg_fds,
	[CKPT_HDR_UNIX_FDS] = mut_unix_fds,
	[CKPT_HDR_MEMFD] = mut_memfd,
	[CKPT_HDR_FILE_MEMFD] = mut_file_unn,
	[CKPT_HDR_DELETED] = mut_deleted,
	[CKPT_HDR_FILE_DELETED] = mut_file_unn,
	[CKPT_HDR_FILE_PIDFD] = mut_file_pidfd,
	[CKPT_HDR_INODE] = mut_inode,
	[CKPT_HDR_FILE_PROC] = mut_file_proc,
	[CKPT_HDR_FILE_INET] = mut_file_inet,
	[CKPT_HDR_INET_DGRAM] = mut_inet_dgram,
	[CKPT_HDR_TCP_CONN] = mut_tcp_conn,
};

/*
 * Records of the newer features: POSIX timers, FIFOs, pipes, eventfds,
 * epoll, signalfds, timerfds, inotify, unix sockets, file locks, shared
 * memory, memfds, deleted files, pidfds, the identity of files reopened
 * by path, /proc files, TCP and UDP sockets
 */
static bool feature_record(const struct fz_img *im, int i)
{
	switch (im->r[i].type) {
	case CKPT_HDR_TIMERS:
		return REC(im, i, struct ckpt_hdr_timers)->nr_timers;
	case CKPT_HDR_FILE:
	case CKPT_HDR_STRING:
		return file_type_of(im, i) == CKPT_FILE_FIFO ||
		       file_type_of(im, i) == CKPT_FILE_EPOLL ||
		       file_type_of(im, i) == CKPT_FILE_SIGNALFD ||
		       file_type_of(im, i) == CKPT_FILE_TIMERFD ||
		       file_type_of(im, i) == CKPT_FILE_INOTIFY ||
		       file_type_of(im, i) == CKPT_FILE_UNIX ||
		       file_type_of(im, i) == CKPT_FILE_MEMFD ||
		       file_type_of(im, i) == CKPT_FILE_DELETED ||
		       file_type_of(im, i) == CKPT_FILE_PIDFD ||
		       file_type_of(im, i) == CKPT_FILE_PROC ||
		       file_type_of(im, i) == CKPT_FILE_INET;
	case CKPT_HDR_PIPE:
	case CKPT_HDR_FILE_PIPE:
	case CKPT_HDR_FILE_EVENTFD:
	case CKPT_HDR_FILE_EPOLL:
	case CKPT_HDR_EPOLL_ITEMS:
	case CKPT_HDR_FILE_SIGNALFD:
	case CKPT_HDR_FILE_TIMERFD:
	case CKPT_HDR_FILE_INOTIFY:
	case CKPT_HDR_INOTIFY_WATCHES:
	case CKPT_HDR_INOTIFY_EVENTS:
	case CKPT_HDR_UNIX_PAIR:
	case CKPT_HDR_FILE_UNIX:
	case CKPT_HDR_UNIX_QUEUE:
	case CKPT_HDR_UNIX_MSG:
	case CKPT_HDR_UNIX_SENDER:
	case CKPT_HDR_UNIX_MSG_FROM:
	case CKPT_HDR_UNIX_EMBRYO:
	case CKPT_HDR_UNIX_MSG_FDS:
	case CKPT_HDR_UNIX_FDS:
	case CKPT_HDR_LOCKS:
	case CKPT_HDR_MEMFD:
	case CKPT_HDR_FILE_MEMFD:
	case CKPT_HDR_DELETED:
	case CKPT_HDR_FILE_DELETED:
	case CKPT_HDR_FILE_PIDFD:
	case CKPT_HDR_INODE:
	case CKPT_HDR_FILE_PROC:
	case CKPT_HDR_FILE_INET:
	case CKPT_HDR_INET_DGRAM:
	case CKPT_HDR_TCP_CONN:
		return true;
	case CKPT_HDR_PAGES:
		return unn_pages(im, i);
	case CKPT_HDR_VMA:
		return REC(im, i, struct ckpt_hdr_vma)->type == CKPT_VMA_SHARED_ANON ||
		       unn_of_vma(REC(im, i, struct ckpt_hdr_vma)->type);
	}
	return false;
}

/* A record to mutate: a type present in the image, then one of its records */
static int pick_record(struct fz_mut *m, const bool *taken)
{
	uint32_t types[CKPT_HDR_MAX];
	int nt = 0, t, i, n, tries;

	/* the shapes made for them: their records more often */
	if (chance(&m->rng, 30)) {
		for (i = 0, n = 0; i < m->im.n; i++)
			n += feature_record(&m->im, i);
		for (i = 0, t = n ? (int)below(&m->rng, n) : -1; n && i < m->im.n; i++)
			if (feature_record(&m->im, i) && !t--) {
				if (!taken || !taken[i])
					return i;
				break;
			}
	}

	for (t = 1; t < CKPT_HDR_MAX; t++)
		if (img_count(&m->im, t) && fz_field[t])
			types[nt++] = t;
	for (tries = 0; tries < 50; tries++) {
		t = types[below(&m->rng, nt)];
		/* the bulk of the format is worth more than the header */
		if (t == CKPT_HDR_TRAILER && chance(&m->rng, 70))
			continue;
		n = img_count(&m->im, t);
		i = img_find(&m->im, t, below(&m->rng, n));
		if (!taken || !taken[i])
			return i;
	}
	return -1;
}

/* ---- structural mutations (alone in their mutant) --------------------- */

static int other_shape(struct fz_mut *m)
{
	int s, tries;

	for (tries = 0; tries < 20; tries++) {
		s = below(&m->rng, FZ_SHAPES);
		if (s != m->shape && m->c->usable[s])
			return s;
	}
	return m->shape;
}

/* Move the @count records at @from to before record @to (not among them) */
static void img_move(struct fz_img *im, int from, int count, int to)
{
	struct fz_rec *t = malloc(count * sizeof(*t));

	if (!t)
		abort();
	memcpy(t, &im->r[from], count * sizeof(*t));
	if (to > from) {
		memmove(&im->r[from], &im->r[from + count],
			(to - from - count) * sizeof(*t));
		memcpy(&im->r[to - count], t, count * sizeof(*t));
	} else {
		memmove(&im->r[to + count], &im->r[to], (from - to) * sizeof(*t));
		memcpy(&im->r[to], t, count * sizeof(*t));
	}
	free(t);
}

/*
 * The rules of the late records, wherever the records of the files are:
 * the epoll sets' (epoll_image_rule()) and the unix sockets', whose
 * files in flight their UNIX_FDS names (ux_image_rule(), ux_fds_rule())
 */
static void late_image_rule(struct fz_mut *m, struct ep_verdict *v)
{
	struct ep_verdict u;

	epoll_image_rule(m, v);
	ux_image_rule(m, &u);
	if (!u.ok) {
		v->ok = false;
		v->local |= u.local;
	}
	v->depends |= u.depends;
}

/*
 * The files a late record names: an epoll set's items' targets, a unix
 * socket's files in flight (and that socket). The objref of one of them
 * (@k), or 0 if it has none or is malformed.
 */
static uint32_t late_target(const struct fz_img *im, int late, uint64_t k)
{
	const struct ckpt_hdr_epoll_items *h =
		REC(im, late, struct ckpt_hdr_epoll_items);
	const struct ckpt_hdr_unix_fds *u =
		REC(im, late, struct ckpt_hdr_unix_fds);
	const struct ckpt_epoll_item *it = (const struct ckpt_epoll_item *)(h + 1);

	if (im->r[late].type == CKPT_HDR_EPOLL_ITEMS) {
		if (!h->nr_items || im->r[late].len !=
		    sizeof(*h) + (uint64_t)h->nr_items * FZ_EP_ITEM)
			return 0;
		return it[k % h->nr_items].objref;
	}
	if (im->r[late].len != ALIGN8(FZ_UX_FDS + 4ULL * u->nr_fds))
		return 0;
	/* one of its files, or the socket itself */
	k %= u->nr_fds + 1ULL;
	return k == u->nr_fds ? u->objref : ((const uint32_t *)(u + 1))[k];
}

/*
 * A late record (an epoll set's items, a unix socket's files in flight)
 * left out, repeated or moved, or the FILE records of one of the files it
 * names moved before or after it: restart takes it where the rules of
 * late records hold (late_image_rule()), and the restored program is
 * then the same.
 */
static void mut_late(struct fz_mut *m)
{
	struct fz_img *im = &m->im;
	int ne = img_count(im, CKPT_HDR_EPOLL_ITEMS);
	int nu = img_count(im, CKPT_HDR_UNIX_FDS);
	int j, t, end, start, fend, late, pick = below(&m->rng, ne + nu);
	const char *name;
	struct ep_verdict v;
	char what[160];
	uint32_t ref;

	late = pick < ne ? img_find(im, CKPT_HDR_EPOLL_ITEMS, pick) :
			   img_find(im, CKPT_HDR_UNIX_FDS, pick - ne);
	if (late < 0) {
		note(m, FZ_VALID, true, "no late record");
		return;
	}
	name = ckpt_hdr_name(im->r[late].type);
	start = files_start(im, late);
	fend = files_end(im, late);
	switch (below(&m->rng, 6)) {
	case 0:
		img_remove(im, late);
		snprintf(what, sizeof(what), "%s (record %d) left out", name,
			 late);
		break;
	case 1:
		/* again, before the FDTABLE or later */
		j = late + 1 + below(&m->rng, im->n - late - 1);
		img_insert(im, j, im->r[late].p, im->r[late].len);
		snprintf(what, sizeof(what), "%s (record %d) again at %d", name,
			 late, j);
		break;
	case 2:
	case 3:
		/* elsewhere among the files (or anywhere before the trailer) */
		if (fend > start && chance(&m->rng, 70))
			j = start + below(&m->rng, fend - start + 1);
		else
			j = below(&m->rng, im->n);
		if (j == late || j == late + 1)
			j = start;
		img_move(im, late, 1, j);
		snprintf(what, sizeof(what), "%s (record %d) moved before record %d",
			 name, late, j);
		break;
	default:
		/* a target's FILE records right before it, or right after */
		ref = late_target(im, late, rnd(&m->rng));
		if (!ref) {
			note(m, FZ_VALID, true, "no file to move of %s", name);
			return;
		}
		t = file_of_ref(im, ref, late);
		if (t < 0) {
			note(m, FZ_VALID, true, "no target to move");
			return;
		}
		end = file_end(im, t);
		j = chance(&m->rng, 50) ? late : late + 1;
		img_move(im, t, end - t, j);
		snprintf(what, sizeof(what),
			 "FILE records %d-%d (type %u), named by %s, moved %s it",
			 t, end - 1, REC(im, j - (end - t), struct ckpt_hdr_file)->type,
			 name, j == late ? "right before" : "right after");
	}
	late_image_rule(m, &v);
	note(m, ep_class(&v, FZ_VALID), true, "%s", what);
}

/*
 * An INODE record moved elsewhere, or one more with an objref of its own
 * (named by nothing): restart reads it wherever it reads objects, and
 * the restored program is then the same; anywhere else, or after what
 * names it, it is refused.
 */
static void mut_inode_place(struct fz_mut *m)
{
	struct fz_img *im = &m->im;
	int n = img_count(im, CKPT_HDR_INODE), i, j;
	struct ckpt_hdr_inode *h;
	uint32_t ref;

	i = img_find(im, CKPT_HDR_INODE, below(&m->rng, n));
	if (i < 0) {
		note(m, FZ_VALID, true, "no INODE");
		return;
	}
	/* before any record but the HEADER, the trailer at the latest */
	j = 1 + below(&m->rng, im->n - 1);
	if (chance(&m->rng, 50)) {
		img_insert(im, j, im->r[i].p, im->r[i].len);
		h = REC(im, j, struct ckpt_hdr_inode);
		ref = FZ_MAX_OBJS - below(&m->rng, 64);
		h->objref = ref;
		note(m, inode_image_ok(m) ? FZ_VALID : FZ_REFUSE, true,
		     "INODE #%u added before record %d", h->objref, j);
		return;
	}
	if (j == i || j == i + 1) {
		note(m, FZ_VALID, true, "INODE (record %d) left where it is", i);
		return;
	}
	img_move(im, i, 1, j);
	note(m, inode_image_ok(m) ? FZ_VALID : FZ_REFUSE, true,
	     "INODE (record %d) moved before record %d", i, j);
}

/*
 * The records of a unix socket bound to a path that others do not have:
 * its STRING left out, moved after its UNIX_QUEUE, or after a socket
 * without a path; its INODE left out, moved after its FILE_UNIX, or
 * before its FILE (where restart reads it too: VALID). Records come and
 * go: a structural mutation, alone in its mutant.
 */
static void mut_unix_path_recs(struct fz_mut *m)
{
	struct fz_img *im = &m->im;
	const struct ckpt_hdr_file_unix *u;
	int b = -1, o = -1, f, i, s, q;
	char what[160];

	for (i = 0; i < im->n; i++) {
		if (im->r[i].type != CKPT_HDR_FILE_UNIX ||
		    im->r[i].len < sizeof(*u))
			continue;
		u = REC(im, i, struct ckpt_hdr_file_unix);
		if (ux_has_path(u) && b < 0)
			b = i;
		else if (!ux_has_path(u) && (o < 0 || chance(&m->rng, 30)))
			o = i;
	}
	if (b < 0 || b + 2 >= im->n || im->r[b + 1].type != CKPT_HDR_STRING) {
		note(m, FZ_VALID, true, "no unix socket bound to a path");
		return;
	}
	f = file_owner(im, b);
	s = b + 1;
	q = s + 1;
	switch (below(&m->rng, 6)) {
	case 0:
		img_remove(im, s);
		snprintf(what, sizeof(what), "STRING of a bound unix socket left out");
		break;
	case 1:
		if (im->r[q].type != CKPT_HDR_UNIX_QUEUE) {
			note(m, FZ_REFUSE, true, "a bound unix socket already bad");
			return;
		}
		/* after its senders and its messages */
		i = ux_queue_end(im, q);
		img_move(im, s, 1, i < im->n ? i : im->n);
		snprintf(what, sizeof(what), "STRING of a bound unix socket after its UNIX_QUEUE");
		break;
	case 2:
		if (o < 0) {
			note(m, FZ_VALID, true, "no unix socket without a path");
			return;
		}
		img_insert(im, o + 1, im->r[s].p, im->r[s].len);
		snprintf(what, sizeof(what), "STRING of a bound unix socket after record %d, a FILE_UNIX without a path",
			 o);
		break;
	default:
		if (b < 1 || im->r[b - 1].type != CKPT_HDR_INODE || f < 0) {
			note(m, FZ_VALID, true, "no INODE before the FILE_UNIX");
			return;
		}
		i = below(&m->rng, 3);
		if (i == 0) {
			img_remove(im, b - 1);
			snprintf(what, sizeof(what), "INODE of a bound unix socket left out");
		} else if (i == 1) {
			img_move(im, b - 1, 1, s);
			snprintf(what, sizeof(what), "INODE of a bound unix socket after its FILE_UNIX");
		} else {
			img_move(im, b - 1, 1, f);
			snprintf(what, sizeof(what), "INODE of a bound unix socket before its FILE");
		}
		ux_note(m, inode_image_ok(m) ? FZ_VALID : FZ_REFUSE, what);
		return;
	}
	ux_note(m, FZ_VALID, what);
}

static void mut_structure(struct fz_mut *m)
{
	struct fz_img *im = &m->im;
	int i, j, n = im->n, s;
	bool local;
	enum fz_class cls;

	switch (below(&m->rng, 21)) {
	case 20:	/* a queue's senders, a message of the other kind */
		mut_unix_senders(m);
		return;
	case 19:	/* a unix socket's path: its STRING, its INODE elsewhere */
		mut_unix_path_recs(m);
		return;
	case 18:	/* an INODE record elsewhere, or one more */
		mut_inode_place(m);
		return;
	case 17:	/* a unix socket's message, with its queue's counts */
		mut_unix_msgs(m);
		return;
	case 16:	/* a late record (epoll items, files in flight), or the
			 * FILE records it needs, elsewhere */
		mut_late(m);
		return;
	case 14: {	/* a type record among the records of a FILE */
		/* (an INODE is an object record: mut_inode_place()) */
		static const uint32_t types[] = { CKPT_HDR_STRING,
			CKPT_HDR_FILE_CHR, CKPT_HDR_FILE_INHERIT, CKPT_HDR_FILE_PIPE,
			CKPT_HDR_FILE_EVENTFD, CKPT_HDR_FILE_EPOLL,
			CKPT_HDR_FILE_SIGNALFD, CKPT_HDR_FILE_TIMERFD,
			CKPT_HDR_FILE_INOTIFY, CKPT_HDR_INOTIFY_WATCHES,
			CKPT_HDR_INOTIFY_EVENTS, CKPT_HDR_FILE_UNIX,
			CKPT_HDR_UNIX_QUEUE, CKPT_HDR_UNIX_MSG,
			CKPT_HDR_UNIX_SENDER, CKPT_HDR_UNIX_MSG_FROM,
			CKPT_HDR_UNIX_EMBRYO, CKPT_HDR_UNIX_MSG_FDS,
			CKPT_HDR_FILE_MEMFD, CKPT_HDR_FILE_DELETED,
			CKPT_HDR_FILE_PIDFD, CKPT_HDR_FILE_PROC,
			CKPT_HDR_FILE_INET, CKPT_HDR_TCP_CONN };
		uint32_t t = PICK(&m->rng, types), len;
		unsigned char rec[512];

		i = img_find(im, CKPT_HDR_FILE,
			     below(&m->rng, img_count(im, CKPT_HDR_FILE)));
		if (i < 0) {
			note(m, FZ_VALID, true, "no FILE");
			return;
		}
		j = i + 1 + below(&m->rng, file_end(im, i) - i);
		type_record(m, t, rec, &len);
		img_insert(im, j, rec, len);
		note(m, FZ_REFUSE, true, "FILE(type %u) with a %s record more",
		     REC(im, i, struct ckpt_hdr_file)->type, ckpt_hdr_name(t));
		return;
	}
	case 15: {	/* one of the records of a FILE left out */
		int end;

		i = img_find(im, CKPT_HDR_FILE,
			     below(&m->rng, img_count(im, CKPT_HDR_FILE)));
		end = i < 0 ? i : file_end(im, i);
		if (end <= i + 1) {
			note(m, FZ_VALID, true, "no FILE with records");
			return;
		}
		j = i + 1 + below(&m->rng, end - i - 1);
		/* a memfd's or deleted file's PAGES with pages: holes */
		cls = im->r[j].type == CKPT_HDR_PAGES &&
		      REC(im, j, struct ckpt_hdr_pages)->nr_pages ? FZ_MAY : FZ_REFUSE;
		note(m, cls, true, "FILE(type %u) without its %s record",
		     REC(im, i, struct ckpt_hdr_file)->type,
		     ckpt_hdr_name(im->r[j].type));
		img_remove(im, j);
		return;
	}
	case 13: {	/* sharing flags, the records the root would share gone */
		int t = img_find(im, CKPT_HDR_TASK, 0);
		uint32_t f = PICK(&m->rng, ((const uint32_t[]){ CKPT_TASK_SHARE_FILES,
				  CKPT_TASK_SHARE_FS,
				  CKPT_TASK_SHARE_FILES | CKPT_TASK_SHARE_FS }));

		REC(im, t, struct ckpt_hdr_task)->task_flags |= f;
		for (j = im->n - 1; j > t; j--)
			if (((f & CKPT_TASK_SHARE_FS) && im->r[j].type == CKPT_HDR_FS) ||
			    ((f & CKPT_TASK_SHARE_FILES) &&
			     (im->r[j].type == CKPT_HDR_FILE ||
			      in_file_group(im, j) ||
			      late_record(im->r[j].type) ||
			      im->r[j].type == CKPT_HDR_FDTABLE ||
			      im->r[j].type == CKPT_HDR_LOCKS)))
				img_remove(im, j);
		note(m, FZ_REFUSE, true, "root TASK.task_flags|=%#x, its records gone", f);
		return;
	}
	case 0:		/* remove a record */
		i = below(&m->rng, n);
		if (im->r[i].type == CKPT_HDR_PAGES &&
		    REC(im, i, struct ckpt_hdr_pages)->nr_pages)
			cls = FZ_MAY;
		else
			cls = FZ_REFUSE;
		note(m, cls, true, "record %d (%s) removed", i, ckpt_hdr_name(im->r[i].type));
		img_remove(im, i);
		if (im->r[im->n - 1].type != CKPT_HDR_TRAILER)
			m->no_csum = true;
		return;
	case 1: {	/* remove a whole vma, and count one vma less */
		int nv = img_count(im, CKPT_HDR_VMA), mm = img_find(im, CKPT_HDR_MM, 0);
		const struct ckpt_hdr_vma *vh;

		i = img_find(im, CKPT_HDR_VMA, below(&m->rng, nv));
		vh = REC(im, i, struct ckpt_hdr_vma);
		cls = vh->type == CKPT_VMA_VDSO || vh->type == CKPT_VMA_VVAR ?
		      FZ_REFUSE : FZ_MAY;
		/* its INODE stays, before what comes after the vma */
		if (i > 0 && im->r[i - 1].type == CKPT_HDR_INODE &&
		    !obj_pos_ok(im, group_end(im, i)))
			cls = FZ_REFUSE;
		note(m, cls, true, "vma %#llx-%#llx (type %u) removed",
		     (unsigned long long)vh->start, (unsigned long long)vh->end, vh->type);
		for (j = group_end(im, i) - 1; j >= i; j--)
			img_remove(im, j);
		REC(im, mm, struct ckpt_hdr_mm)->nr_vmas--;
		return;
	}
	case 2:		/* duplicate a record */
		i = below(&m->rng, n);
		img_insert(im, i + 1, im->r[i].p, im->r[i].len);
		note(m, im->r[i].type == CKPT_HDR_TRAILER ? FZ_VALID : FZ_REFUSE, true,
		     "record %d (%s) duplicated", i, ckpt_hdr_name(im->r[i].type));
		return;
	case 3: {	/* swap neighbours */
		struct fz_rec t;

		i = below(&m->rng, n - 1);
		t = im->r[i];
		im->r[i] = im->r[i + 1];
		im->r[i + 1] = t;
		/*
		 * Every FILE record is followed by its own records: a FILE
		 * or a PIPE never comes right after another FILE, and a
		 * swap in a file's records breaks their order.
		 */
		if (im->r[i].type == im->r[i + 1].type &&
		    im->r[i].len == im->r[i + 1].len &&
		    !memcmp(im->r[i].p, im->r[i + 1].p, im->r[i].len))
			cls = FZ_VALID;
		else if (im->r[i].type == CKPT_HDR_UNIX_MSG &&
			 im->r[i + 1].type == CKPT_HDR_UNIX_MSG)
			/* two messages of a queue: the same counts, in another order */
			cls = FZ_ACCEPT;
		else if (im->r[i].type == CKPT_HDR_INET_DGRAM &&
			 im->r[i + 1].type == CKPT_HDR_INET_DGRAM)
			/*
			 * two datagrams of a UDP socket (nothing else comes
			 * between them): queued in the other order
			 */
			cls = FZ_ACCEPT;
		else if (ux_queue_part(im->r[i].type) &&
			 ux_queue_part(im->r[i + 1].type)) {
			/*
			 * two senders (their datagrams name the other), two
			 * datagrams of senders, a sender and a message: by
			 * the rules
			 */
			struct ep_verdict v;

			ux_image_rule(m, &v);
			cls = ep_class(&v, FZ_ACCEPT);
		}
		else if (late_record(im->r[i].type) &&
			 late_record(im->r[i + 1].type)) {
			/*
			 * two late records: read in any order, each after
			 * the files it names
			 */
			struct ep_verdict v;

			late_image_rule(m, &v);
			cls = ep_class(&v, FZ_VALID);
		}
		else if (im->r[i].type == CKPT_HDR_INODE ||
			 im->r[i + 1].type == CKPT_HDR_INODE)
			/*
			 * an INODE read wherever objects are, before what
			 * names it: the other record's place is the same
			 */
			cls = inode_image_ok(m) ? FZ_VALID : FZ_REFUSE;
		else
			cls = FZ_REFUSE;
		note(m, cls, true, "records %d (%s) and %d (%s) swapped", i,
		     ckpt_hdr_name(im->r[i + 1].type), i + 1,
		     ckpt_hdr_name(im->r[i].type));
		return;
	}
	case 4:		/* a record of the same type from another image */
	case 5: {
		const struct fz_img *o;
		uint32_t t, ftype;
		int k;

		s = other_shape(m);
		o = &m->c->base[s];
		i = pick_record(m, NULL);
		if (i < 0)
			i = 0;
		t = im->r[i].type;
		ftype = t == CKPT_HDR_FILE ? REC(im, i, struct ckpt_hdr_file)->type : 0;
		k = img_count(o, t);
		if (!k) {
			note(m, FZ_VALID, true, "nothing to splice");
			return;
		}
		j = img_find(o, t, below(&m->rng, k));
		free(im->r[i].p);
		im->r[i].len = o->r[j].len;
		im->r[i].p = fz_dup(o->r[j].p, o->r[j].len, o->r[j].len);
		switch (t) {
		case CKPT_HDR_CREDS: {
			const char *why;

			cls = creds_rule(m, i, &why);
			local = true;
			break;
		}
		case CKPT_HDR_RLIMITS:
			cls = rlimits_rule(m, i, &local);
			break;
		case CKPT_HDR_TIMERS:
			cls = timers_rule(m, i, &local);
			break;
		case CKPT_HDR_VMA:
			cls = vma_rule(m, i, &local);
			if (cls == FZ_MAY && group_has_pages(im, i))
				cls = FZ_MAY;
			break;
		case CKPT_HDR_PAGES:
			cls = pages_rule(m, i, &local);
			break;
		case CKPT_HDR_FILE:
			/* another type: not followed by the records of its own */
			local = !same_file_records(ftype,
						   REC(im, i, struct ckpt_hdr_file)->type);
			cls = local || objref_used(im, REC(im, i, struct ckpt_hdr_file)->objref,
						   i) || !inode_image_ok(m) ? FZ_REFUSE : FZ_MAY;
			break;
		case CKPT_HDR_INODE:
		case CKPT_HDR_STRING:
			/* another file's identity, or path */
			cls = !inode_image_ok(m) ? FZ_REFUSE :
			      t == CKPT_HDR_INODE ? FZ_VALID : FZ_MAY;
			local = false;
			break;
		case CKPT_HDR_FILE_PIPE:
			cls = pipe_ref_ok(im, i, REC(im, i, struct ckpt_hdr_file_pipe)->pipe_objref) ?
			      FZ_MAY : FZ_REFUSE;
			local = false;
			break;
		default:
			cls = FZ_MAY;
			local = false;
		}
		note(m, cls, local, "record %d (%s) taken from shape %s", i,
		     ckpt_hdr_name(t), fz_shape_name[s]);
		return;
	}
	case 6: {	/* an extra FILE record from another image, with its records */
		const struct fz_img *o;
		int k, end, fdt = img_find(im, CKPT_HDR_FDTABLE, 0);
		bool alone = chance(&m->rng, 20);

		s = other_shape(m);
		o = &m->c->base[s];
		k = img_count(o, CKPT_HDR_FILE);
		j = img_find(o, CKPT_HDR_FILE, below(&m->rng, k));
		if (j < 0 || fdt < 0) {
			note(m, FZ_VALID, true, "no FILE to add");
			return;
		}
		end = alone ? j + 1 : file_end(o, j);
		for (k = end - 1; k >= j; k--)
			img_insert(im, fdt, o->r[k].p, o->r[k].len);
		cls = alone || objref_used(im, REC(im, fdt, struct ckpt_hdr_file)->objref,
					   fdt) || !inode_image_ok(m) ? FZ_REFUSE : FZ_MAY;
		note(m, cls, alone, "FILE record from shape %s added%s",
		     fz_shape_name[s], alone ? " without its records" : "");
		return;
	}
	case 7: {	/* two FILE records trade objrefs */
		int k = img_count(im, CKPT_HDR_FILE);
		struct ckpt_hdr_file *a, *b;
		uint32_t t;

		if (k < 2) {
			note(m, FZ_VALID, true, "fewer than two FILE records");
			return;
		}
		a = REC(im, img_find(im, CKPT_HDR_FILE, below(&m->rng, k)), struct ckpt_hdr_file);
		b = REC(im, img_find(im, CKPT_HDR_FILE, below(&m->rng, k)), struct ckpt_hdr_file);
		if (!FZ_EP_INHERITED_TARGETS &&
		    ((a->type == CKPT_FILE_INHERITED && ep_target(im, b->objref)) ||
		     (b->type == CKPT_FILE_INHERITED && ep_target(im, a->objref)))) {
			note(m, FZ_VALID, true, "no epoll item on an inherited file");
			return;
		}
		t = a->objref;
		a->objref = b->objref;
		b->objref = t;
		note(m, a == b ? FZ_VALID : FZ_MAY, true, "FILE objrefs %u and %u traded",
		     a->objref, b->objref);
		return;
	}
	case 8: {	/* a record length */
		uint32_t min, max, len;

		i = below(&m->rng, n);
		ckpt_hdr_len_bounds(im->r[i].type, &min, &max);
		len = PICK(&m->rng, ((const uint32_t[]){ 0, 4, 8, 12, im->r[i].len + 8,
			   im->r[i].len - 8, im->r[i].len + 4, im->r[i].len * 2,
			   max + 8, min - 8, 0xfffffff8, 0x80000000 }));
		if (len == im->r[i].len)
			len += 16;
		((struct ckpt_hdr *)im->r[i].p)->len = len;
		note(m, im->r[i].type == CKPT_HDR_FS ? FZ_MAY : FZ_REFUSE, true,
		     "record %d (%s) len=%u instead of %u", i,
		     ckpt_hdr_name(im->r[i].type), len, im->r[i].len);
		if (im->r[i].type == CKPT_HDR_TRAILER)
			m->no_csum = true;
		return;
	}
	case 9: {	/* a record type */
		uint32_t t;

		i = below(&m->rng, n);
		t = PICK(&m->rng, ((const uint32_t[]){ 0, CKPT_HDR_MAX, 0xffffffff, 1, 7,
			 14, 15, 16, CKPT_HDR_STRING, CKPT_HDR_FILE_PIPE,
			 0x10000 + im->r[i].type }));
		if (t == im->r[i].type)
			t = 0;
		((struct ckpt_hdr *)im->r[i].p)->type = t;
		note(m, FZ_REFUSE, true, "record %d (%s) type=%u", i,
		     ckpt_hdr_name(im->r[i].type), t);
		if (im->r[i].type == CKPT_HDR_TRAILER)
			m->no_csum = true;
		return;
	}
	case 10: {	/* cut short */
		size_t len = 0;

		for (i = 0; i < n; i++)
			len += im->r[i].len;
		m->truncate = 1 + below(&m->rng, len - 1);
		if (chance(&m->rng, 30))
			m->truncate = len - 1 - below(&m->rng, 64);
		note(m, FZ_REFUSE, true, "truncated to %zu of %zu bytes", m->truncate, len);
		return;
	}
	case 11:	/* bytes after the image */
		m->append = 1 + below(&m->rng, 8192);
		note(m, FZ_VALID, true, "%zu bytes after the trailer", m->append);
		return;
	default: {	/* a bit flipped anywhere, checksum left alone */
		struct fz_rec *r;

		i = below(&m->rng, n);
		r = &im->r[i];
		j = below(&m->rng, r->len);
		r->p[j] ^= 1 << below(&m->rng, 8);
		if (j < 8)
			r->type = ((struct ckpt_hdr *)r->p)->type;
		m->no_csum = true;
		note(m, FZ_REFUSE, true, "bit flipped in record %d (%s) byte %d, bad checksum",
		     i, ckpt_hdr_name(r->type), j);
	}
	}
}

/* A few random bytes in a record, checksum fixed: no rule to predict */
static void mut_bytes(struct fz_mut *m)
{
	int i = pick_record(m, NULL), k, n = 1 + below(&m->rng, 4);
	struct fz_rec *r;

	if (i < 0)
		return;
	r = &m->im.r[i];
	for (k = 0; k < n; k++)
		r->p[sizeof(struct ckpt_hdr) +
		     below(&m->rng, r->len - sizeof(struct ckpt_hdr))] = rnd(&m->rng);
	note(m, FZ_MAY, true, "%d random bytes in record %d (%s)", n, i,
	     ckpt_hdr_name(r->type));
}

/* Draw mutant @idx of the campaign from the seed alone */
static void fz_make_mutant(struct fz_campaign *c, long idx, struct fz_mut *m)
{
	bool taken[4096] = {};
	int k, n, i, kind;

	memset(m, 0, sizeof(*m));
	m->c = c;
	m->rng.s = fz_mix(c->seed ^ fz_mix(idx * 2 + (c->uid != 0)));
	do
		m->shape = below(&m->rng, FZ_SHAPES);
	while (!c->usable[m->shape]);
	img_copy(&m->im, &c->base[m->shape]);
	/* a quarter of the mutants: another file at a path is taken */
	m->accept = fz_mix(m->rng.s ^ 0xacce97edULL) % 4 == 0;

	kind = below(&m->rng, 100);
	if (idx == 0 || kind < 1) {
		note(m, FZ_VALID, true, "unchanged");
	} else if (kind < 20) {
		mut_structure(m);
	} else if (kind < 25) {
		mut_bytes(m);
	} else {
		n = kind < 85 ? 1 : 2 + below(&m->rng, 2);
		for (k = 0; k < n; k++) {
			i = pick_record(m, taken);
			if (i < 0)
				break;
			if (i < (int)sizeof(taken))
				taken[i] = true;
			fz_field[m->im.r[i].type](m, i);
		}
	}
}

/* ---- running one image ------------------------------------------------- */

struct fz_rargs {
	const char *img, *log;
	const char *hold;	/* a FIFO the restarter keeps open */
	unsigned long flags;	/* restart()'s, but RESTART_TASKSELF */
	int uid;
	uint32_t stop_sig, stop_code;	/* a stop to end with SIGCONT */
};

/* B: restart from the mutant; never returns */
static void fz_restarter(void *arg)
{
	const struct fz_rargs *a = arg;
	long ret;
	int fd;

	fz_default_signals();
	if (a->uid) {
		if (ck_drop_privs(a->uid) ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
			ck_report("SETUP-ERROR drop privileges %d", errno);
			_exit(FZ_EXIT_SETUP);
		}
	}
	fd = open(a->img, O_RDONLY);
	if (fd < 0 || ck_move_fd(fd, CK_RIMG_FD) != CK_RIMG_FD) {
		ck_report("SETUP-ERROR open %s %d", a->img, errno);
		_exit(FZ_EXIT_SETUP);
	}
	fd = open(a->log, O_WRONLY | O_APPEND);
	if (fd < 0 || ck_move_fd(fd, CK_RLOG_FD) != CK_RLOG_FD) {
		ck_report("SETUP-ERROR open %s %d", a->log, errno);
		_exit(FZ_EXIT_SETUP);
	}
	if (a->hold && open(a->hold, O_RDWR | O_NONBLOCK) < 0) {
		ck_report("SETUP-ERROR open %s %d", a->hold, errno);
		_exit(FZ_EXIT_SETUP);
	}
	/* a refused restart leaves the caller as it was */
	ck_restarter_snapshot();
	ret = sys_restart(0, CK_RIMG_FD, RESTART_TASKSELF | a->flags, CK_RLOG_FD);
	fd = errno;
	ck_report("RESTART-ERROR %d ret=%ld %s", fd, ret, ck_restarter_harm());
	_exit(CK_EXIT_RESTART_ERR);
}

struct fz_result {
	int status;		/* wait status; -1: we had to kill it */
	bool resumed, landed;
	int ok;
	long err;		/* errno restart() returned, or -1 */
	bool harmed;		/* ... and the restarter was not as before */
	bool setup_error;
	bool stopped;		/* the restored program stopped (SIGSTOP...) */
	int stop_code;		/* ... so reported (0: seen in /proc) */
	bool timed_out;		/* we had to kill it */
	bool stuck;		/* still inside restart() when its time was up */
	int parent_signal;	/* its parent got this signal, not SIGCHLD */
	bool parent_killed, parent_stopped;	/* ... or was killed, stopped */
	bool unkillable;
	char state[96];		/* where it was when its time was up */
	char creds[256];	/* what was wrong with its credentials */
};

static long fz_ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static unsigned long long fz_status_field(const char *buf, const char *name,
					  int base, int nth)
{
	const char *p = strstr(buf, name);
	unsigned long long v = 0;
	int k;

	if (!p)
		return ~0ULL;
	p += strlen(name);
	for (k = 0; k <= nth; k++) {
		char *end;

		v = strtoull(p, &end, base);
		if (end == p)
			return ~0ULL;
		p = end;
	}
	return v;
}

/* The restored program's credentials must be the unprivileged restarter's */
static void fz_check_status(struct fz_campaign *c, pid_t pid, struct fz_result *r)
{
	static const char *const caps[] = { "CapInh:", "CapPrm:", "CapEff:", "CapAmb:" };
	char path[64], buf[4096], *g;
	size_t n = 0;
	int k;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (ck_read_file(path, buf, sizeof(buf)) <= 0)
		return;
	for (k = 0; k < 4; k++) {
		unsigned long long u = fz_status_field(buf, "\nUid:", 10, k);
		unsigned long long gg = fz_status_field(buf, "\nGid:", 10, k);

		if (u != (unsigned int)c->uid || gg != (unsigned int)c->uid)
			n += snprintf(r->creds + n, sizeof(r->creds) - n,
				      "uid/gid[%d]=%llu/%llu ", k, u, gg);
	}
	for (k = 0; k < 4 && n < sizeof(r->creds); k++)
		if (fz_status_field(buf, caps[k], 16, 0))
			n += snprintf(r->creds + n, sizeof(r->creds) - n, "%s%llx ",
				      caps[k], fz_status_field(buf, caps[k], 16, 0));
	if (n < sizeof(r->creds) &&
	    fz_status_field(buf, "CapBnd:", 16, 0) & ~c->bset)
		n += snprintf(r->creds + n, sizeof(r->creds) - n, "CapBnd:%llx ",
			      fz_status_field(buf, "CapBnd:", 16, 0));
	g = strstr(buf, "\nGroups:");
	if (g && n < sizeof(r->creds)) {
		g += 8;
		while (*g == ' ' || *g == '\t')
			g++;
		if (*g != '\n')
			n += snprintf(r->creds + n, sizeof(r->creds) - n, "groups ");
	}
	if (n < sizeof(r->creds) && fz_status_field(buf, "NoNewPrivs:", 10, 0) != 1)
		snprintf(r->creds + n, sizeof(r->creds) - n, "no_new_privs dropped");
}

/*
 * H, the restarter's parent, between the test process and B: it gets the
 * restored program's exit signal, whatever the image made of it. It forks
 * B, reports B's pid, reaps it (any exit signal: __WALL), kills it if a
 * signal of the image stops it, and reports B's status and every signal
 * other than SIGCHLD it got.
 *
 * The stop of the mutant's TASK record (stop_sig) it ends with SIGCONT
 * instead, once, having reported it ("STOPPED <code>"): as waitpid(WUNTRACED)
 * reports it, or, with no stop code to report, as /proc shows it (state
 * 'T': "STOPPED 0"). A stop that restart puts back wakes no parent that
 * waits already: for those mutants H polls.
 */
static volatile sig_atomic_t fz_h_sig[65], fz_h_code[65];

static void fz_h_handler(int sig, siginfo_t *si, void *uc)
{
	if (sig > 0 && sig <= 64) {
		fz_h_sig[sig]++;
		fz_h_code[sig] = si->si_code;
	}
}

/* The state letter of /proc/@pid/stat ('T': stopped), or '?' */
static char fz_state(pid_t pid)
{
	char path[64], st[256];
	const char *s;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (ck_read_file(path, st, sizeof(st)) <= 0)
		return '?';
	s = strrchr(st, ')');
	return s && s[1] == ' ' && s[2] ? s[2] : '?';
}

static void fz_helper(void *arg)
{
	const struct fz_rargs *a = arg;
	struct sigaction sa = { .sa_sigaction = fz_h_handler,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	int sig, st = 0;
	bool cont = false;
	pid_t b, w;

	fz_default_signals();
	for (sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	b = fork();
	if (b < 0)
		_exit(FZ_EXIT_SETUP);
	if (b == 0)
		fz_restarter(arg);
	ck_report("PID %d", b);
	for (;;) {
		w = waitpid(b, &st, __WALL | WUNTRACED |
			    (a->stop_sig ? WNOHANG : 0));
		/* stopped, no stop code to report: only /proc tells */
		if (!w && !a->stop_code && !cont && fz_state(b) == 'T') {
			/* stopped already: a code would show now */
			w = waitpid(b, &st, __WALL | WUNTRACED | WNOHANG);
			if (!w) {
				ck_report("STOPPED 0");
				kill(b, SIGCONT);
				cont = true;
			}
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (!w) {
			usleep(2000);
			continue;
		}
		if (w == b && WIFSTOPPED(st)) {
			ck_report("STOPPED %d", WSTOPSIG(st));
			if (!cont && WSTOPSIG(st) == (int)a->stop_sig) {
				kill(b, SIGCONT);
				cont = true;
			} else {
				kill(b, SIGKILL);
			}
			continue;
		}
		break;
	}
	for (sig = 1; sig <= 64; sig++)
		if (fz_h_sig[sig] && sig != SIGCHLD)
			ck_report("PARENT-SIGNAL %d code %d", sig, (int)fz_h_code[sig]);
	ck_report("STATUS %d", w == b ? st : -1);
	_exit(0);
}

static void fz_diagnose(pid_t pid, struct fz_result *r)
{
	char path[64], sc[64] = "", st[256] = "", *s;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	ck_read_file(path, sc, sizeof(sc));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	ck_read_file(path, st, sizeof(st));
	s = strrchr(st, ')');
	snprintf(r->state, sizeof(r->state), "state %c, syscall %.40s",
		 s && s[1] ? s[2] : '?', sc);
	/* orig_ax is the image's once restart() has committed */
	r->stuck = !r->resumed && !strncmp(sc, "464 ", 4) &&
		   !(s && s[1] && s[2] == 'T');
}

static void fz_run(struct fz_campaign *c, const unsigned char *img, size_t len,
		   struct fz_result *r)
{
	struct fz_rargs a = { .img = c->mutant, .log = c->log, .uid = c->uid,
			      .hold = c->hold[0] ? c->hold : NULL,
			      .flags = c->rflags,
			      .stop_sig = c->stop_sig,
			      .stop_code = c->stop_code };
	struct timespec t0;
	int go[2], pidfd, fd, hst = 0;
	struct ck_fdmap map;
	long left, v;
	pid_t h, b = 0;
	bool killed = false;

	memset(r, 0, sizeof(*r));
	r->err = -1;
	r->status = -1;
	fd = open(c->mutant, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, img, len) != (ssize_t)len)
		abort();
	close(fd);
	fd = open(c->log, O_WRONLY | O_TRUNC);
	if (fd >= 0)
		close(fd);
	if (pipe2(go, O_CLOEXEC))
		abort();
	map.src = go[0];
	map.dst = FZ_GO_FD;
	ck.len = 0;
	ck.buf[0] = '\0';
	h = ck_spawn(&map, 1, fz_helper, &a);
	close(go[0]);
	if (h < 0)
		abort();
	pidfd = syscall(__NR_pidfd_open, h, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = ck.report_r, .events = POLLIN },
		};
		siginfo_t si = {};

		left = (killed ? FZ_KILL_MS : FZ_TIMEOUT_MS) - fz_ms_since(&t0);
		poll(p, 2, left <= 0 ? 0 : left > 100 ? 100 : left);
		ck_drain();
		if (!b && !ck_line_int("PID ", &v))
			b = v;
		if (!r->resumed && strstr(ck.buf, "RESUMED ")) {
			r->resumed = true;
			if (c->uid && b)
				fz_check_status(c, b, r);
			close(go[1]);
			go[1] = -1;
		}
		if (p[0].revents)
			break;
		/* H stopped: by the restored program's exit signal */
		if (!waitid(P_PID, h, &si, WSTOPPED | WNOHANG | WNOWAIT) &&
		    si.si_pid == h && si.si_code == CLD_STOPPED) {
			r->parent_stopped = true;
			kill(h, SIGKILL);
			if (b)
				kill(b, SIGKILL);
		}
		if (fz_ms_since(&t0) < (killed ? FZ_KILL_MS : FZ_TIMEOUT_MS))
			continue;
		if (killed) {
			/* SIGKILL did not end B within FZ_KILL_MS */
			r->unkillable = true;
			kill(h, SIGKILL);
			break;
		}
		if (b)
			fz_diagnose(b, r);
		r->timed_out = true;
		kill(b ? b : h, SIGKILL);
		killed = true;
		clock_gettime(CLOCK_MONOTONIC, &t0);
	}
	while (waitpid(h, &hst, 0) < 0 && errno == EINTR)
		;
	if (go[1] >= 0)
		close(go[1]);
	if (pidfd >= 0)
		close(pidfd);
	ck_drain();
	if (!WIFEXITED(hst) || WEXITSTATUS(hst))
		r->parent_killed = !r->parent_stopped && !r->unkillable;
	if (!ck_line_int("STATUS ", &v) && !r->timed_out)
		r->status = v;
	r->stopped = ck_line("STOPPED ") != NULL;
	if (!ck_line_int("STOPPED ", &v))
		r->stop_code = v;
	if (ck_line_int("PARENT-SIGNAL ", &v) == 0)
		r->parent_signal = v;
	r->landed = strstr(ck.buf, "LANDED") != NULL;
	if (r->resumed) {
		const char *p = strstr(ck.buf, "RESUMED ");

		r->ok = p && strstr(p, "ok=1") && strstr(p, "ok=1") < strchr(p, '\n');
	}
	if (ck_line_int("RESTART-ERROR ", &r->err) || r->status == -1 ||
	    !WIFEXITED(r->status) || WEXITSTATUS(r->status) != CK_EXIT_RESTART_ERR)
		r->err = -1;
	r->setup_error = ck_line("SETUP-ERROR ") != NULL ||
			 (WIFEXITED(hst) && WEXITSTATUS(hst) == FZ_EXIT_SETUP);
	r->harmed = r->err >= 0 && !strstr(ck.buf, " unharmed");
}

/* A value in a log line that looks like a kernel address must come from the image */
static bool fz_log_leaks(const unsigned char *img, size_t len, const char *log,
			 char *what, size_t wlen)
{
	const char *p = log;

	while ((p = strstr(p, "ffff"))) {
		unsigned long long v;
		const char *q = p;
		size_t digits = 0, k;
		bool found = false;

		while (q > log && isxdigit((unsigned char)q[-1]))
			q--;
		while (isxdigit((unsigned char)q[digits]))
			digits++;
		p = q + digits;
		if (digits < 12 || digits > 16)
			continue;
		v = strtoull(q, NULL, 16);
		if (v < 0xffff800000000000ULL)
			continue;
		for (k = 0; k + 8 <= len && !found; k++)
			found = !memcmp(img + k, &v, 8);
		if (!found) {
			snprintf(what, wlen, "%.*s", (int)digits, q);
			return true;
		}
	}
	return false;
}

/*
 * The kernel's own validation of the mutant: restart(RESTART_VALIDATE),
 * with the mutant's flags, by the test process, restores nothing. 0, or
 * the errno, with the log lines in @log.
 */
static int fz_validate(struct fz_campaign *c, char *log, size_t len)
{
	int fd, lp[2], err = 0;
	ssize_t n;

	log[0] = '\0';
	fd = open(c->mutant, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pipe2(lp, O_NONBLOCK | O_CLOEXEC))
		abort();
	if (syscall(__NR_restart, 0, fd,
		    RESTART_VALIDATE | RESTART_TASKSELF | c->rflags, lp[1]))
		err = errno;
	n = read(lp[0], log, len - 1);
	log[n > 0 ? n : 0] = '\0';
	close(lp[0]);
	close(lp[1]);
	close(fd);
	return err;
}

/* ---- the campaign driver ----------------------------------------------- */

static const char *fz_outcome(const struct fz_result *r)
{
	static char s[160];

	if (r->unkillable)
		snprintf(s, sizeof(s), "did not die of SIGKILL (%s)", r->state);
	else if (r->parent_signal || r->parent_killed || r->parent_stopped)
		snprintf(s, sizeof(s), "its parent got signal %d%s%s", r->parent_signal,
			 r->parent_killed ? ", was killed" : "",
			 r->parent_stopped ? ", was stopped" : "");
	else if (r->stuck)
		snprintf(s, sizeof(s), "hung inside restart() (%s)", r->state);
	else if (r->setup_error)
		snprintf(s, sizeof(s), "restarter could not set up");
	else if (r->err >= 0)
		snprintf(s, sizeof(s), "restart() returned %s",
			 strerrorname_np(r->err) ?: "?");
	else if (r->resumed)
		snprintf(s, sizeof(s), "resumed (ok=%d)%s, then %s", r->ok,
			 r->stopped ? " after a stop and SIGCONT" : "",
			 ck_status_str(r->status));
	else if (r->stopped)
		snprintf(s, sizeof(s), "stopped by a signal of the image");
	else
		snprintf(s, sizeof(s), "%s", ck_status_str(r->status));
	return s;
}

/* Is the outcome allowed for @cls? On no, *why says what was wrong. */
static bool fz_judge(struct fz_campaign *c, enum fz_class cls,
		     const struct fz_result *r, const char **why)
{
	bool sigkilled = r->status != -1 && WIFSIGNALED(r->status) &&
			 WTERMSIG(r->status) == SIGKILL;

	*why = NULL;
	if (r->unkillable)
		return *why = "unkillable", false;
	/*
	 * exit_signal is chosen by the parent at clone() time; an image must
	 * not make the restored program signal (or kill, or stop) a parent
	 * that it has no permission to signal.
	 */
	if (c->uid && (r->parent_signal || r->parent_killed || r->parent_stopped))
		return *why = "the restored program sent its (root) parent a signal other than SIGCHLD",
		       false;
	if (r->stuck)
		return *why = "hang in the kernel", false;
	if (r->setup_error)
		return *why = "restarter setup failed", false;
	if (r->creds[0])
		return *why = "restored program has credentials the restarter has not", false;
	if (r->err >= 0) {
		if (r->err == 0 || r->err > 133)
			return *why = "errno outside the user range", false;
		if (r->harmed)
			return *why = "restart() failed and left the caller changed", false;
		if (cls == FZ_VALID)
			return *why = "a valid image was refused", false;
		if (cls == FZ_ACCEPT)
			return *why = "an image restart must take was refused", false;
		return true;
	}
	if (sigkilled && !r->resumed && !r->landed && !r->stopped) {
		if (cls == FZ_VALID)
			return *why = "a valid image was killed", false;
		if (cls == FZ_ACCEPT)
			return *why = "an image restart must take was killed", false;
		return true;
	}
	/* anything else means user code ran in the restored program */
	if (cls == FZ_REFUSE)
		return *why = "an image that must be refused was restored", false;
	/* put back stopped, the stop reported to waitpid() if still to be */
	if ((cls == FZ_VALID || cls == FZ_ACCEPT) && c->stop_sig) {
		if (!r->stopped && r->timed_out &&
		    !strncmp(r->state, "state T", 7))
			return *why = "a stop to report was not reported",
			       false;
		if (!r->stopped)
			return *why = "a stopped program came back running",
			       false;
		if (r->stop_code != (int)c->stop_code)
			return *why = c->stop_code ?
			       "a stop to report was not reported, or with another signal" :
			       "a stop reported already was reported again",
			       false;
	}
	if (cls == FZ_VALID && !(r->resumed && r->ok &&
				 r->status != -1 && WIFEXITED(r->status) &&
				 WEXITSTATUS(r->status) == CK_EXIT_RESUMED))
		return *why = "a valid image did not resume intact", false;
	/* what the image says may differ from what the program checks */
	if (cls == FZ_ACCEPT && !(r->resumed && r->status != -1 &&
				  WIFEXITED(r->status) &&
				  WEXITSTATUS(r->status) == CK_EXIT_RESUMED))
		return *why = "an image restart must take did not resume", false;
	if (r->timed_out)
		c->n_userloop++;
	return true;
}

static void fz_account(struct fz_campaign *c, enum fz_class cls,
		       const struct fz_result *r, const struct fz_mut *m,
		       const char *log)
{
	c->n_class[cls]++;
	if (r->err > 0 && r->err < 134) {
		c->n_refused[cls]++;
		c->errnos[r->err]++;
		if (!log[0] && r->err != ENOMEM) {
			if (c->n_silent < 4)
				snprintf(c->silent[c->n_silent], sizeof(c->silent[0]),
					 "%s: %.150s", strerrorname_np(r->err) ?: "?",
					 m->desc);
			c->n_silent++;
		}
	} else if (r->resumed || r->landed || r->stopped) {
		c->n_resumed[cls]++;
	} else if (r->status != -1 && WIFSIGNALED(r->status) &&
		   WTERMSIG(r->status) == SIGKILL) {
		c->n_killed[cls]++;
	} else {
		c->n_ran[cls]++;
	}
}

static void fz_failure(struct __test_metadata *_metadata, struct fz_campaign *c,
		       long idx, const struct fz_mut *m, enum fz_class cls,
		       const struct fz_result *r, const char *why, const char *log)
{
	char *line, *save;

	c->failures++;
	if (c->failures > FZ_MAX_DETAILS) {
		if (c->failures == FZ_MAX_DETAILS + 1)
			TH_LOG("more failures: only counted from here on");
		return;
	}
	TH_LOG("FAILURE seed=%llu campaign=%s mutant=%ld shape=%s: %s",
	       (unsigned long long)c->seed, c->name, idx, fz_shape_name[m->shape], why);
	TH_LOG("  replay: CKPT_FUZZ_SEED=%llu CKPT_FUZZ_ONLY=%ld fuzz_test -t %s",
	       (unsigned long long)c->seed, idx,
	       c->uid ? "unprivileged_campaign" : "root_campaign");
	TH_LOG("  mutation [%s]%s: %s", fz_class_name[cls],
	       m->accept ? " with RESTART_ACCEPT_REPLACED" : "", m->desc);
	TH_LOG("  outcome: %s", fz_outcome(r));
	if (r->creds[0])
		TH_LOG("  credentials: %s", r->creds);
	if (log[0])
		TH_LOG("  logfd: %.600s", log);
	for (line = strtok_r(ck.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		TH_LOG("  reported: %.200s", line);
}

/*
 * The stop the TASK record of @im puts back, if restart takes it, into
 * c->stop_sig and c->stop_code (0: none)
 */
static void fz_mutant_stop(struct fz_campaign *c, const struct fz_img *im)
{
	int t = img_find(im, CKPT_HDR_TASK, 0);
	struct ckpt_hdr_task h = {};

	c->stop_sig = 0;
	c->stop_code = 0;
	if (t < 0)
		return;
	memcpy(&h, im->r[t].p, im->r[t].len < sizeof(h) ? im->r[t].len :
	       sizeof(h));
	if (h.stop_signal && !fz_stop_bad(&h)) {
		c->stop_sig = h.stop_signal;
		c->stop_code = h.stop_code;
	}
}

static void fz_one(struct __test_metadata *_metadata, struct fz_campaign *c,
		   long idx)
{
	struct ckpt_image raw;
	struct fz_result r;
	struct fz_mut m;
	enum fz_class cls;
	char log[4096], leak[32], vlog[1024];
	struct timespec t0;
	struct stat st;
	bool uxnew_left;
	int verr;
	const char *why;
	size_t len;
	unsigned char *buf;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fz_make_mutant(c, idx, &m);
	cls = mut_class(&m);
	buf = img_build(&m.im, m.append, &len);
	raw.data = buf;
	raw.len = len;
	if (!m.no_csum && !m.truncate)
		ckpt_image_fix_csum(&raw);
	if (m.append) {
		struct fz_rng g = m.rng;
		size_t k;

		for (k = 0; k < m.append; k++)
			buf[len + k] = rnd(&g);
		len += m.append;
	}
	if (m.truncate && m.truncate < len)
		len = m.truncate;
	if (c->verbose)
		printf("# %s %ld %s [%s]%s: %s\n", c->name, idx,
		       fz_shape_name[m.shape], fz_class_name[cls],
		       m.accept ? " RESTART_ACCEPT_REPLACED" : "", m.desc);

	snprintf(c->hold, sizeof(c->hold), "%s", m.hold);
	fz_mutant_stop(c, &m.im);
	c->rflags = m.accept ? RESTART_ACCEPT_REPLACED : 0;
	fz_run(c, buf, len, &r);
	c->hold[0] = '\0';
	if (ck_read_file(c->log, log, sizeof(log)) < 0)
		log[0] = '\0';
	if (c->verbose)
		printf("#   -> %s%s%.200s (%ld ms)\n", fz_outcome(&r), log[0] ? "; log: " : "",
		       log, fz_ms_since(&t0));
	/*
	 * A socket inode restart made for a unix socket bound to where
	 * nothing was: a failed restart unlinks it again. Gone before the
	 * validation, which must see the paths as restart saw them (else it
	 * finds another inode where the image's was: ESTALE).
	 */
	uxnew_left = !lstat(c->p_uxnew, &st);
	if (uxnew_left)
		unlink(c->p_uxnew);
	/*
	 * What restart accepted, its validation accepts: a VALID or ACCEPT
	 * mutant, and any mutant a restored program ran from (the test process may
	 * restart at least what the restarter may).
	 */
	if ((cls == FZ_VALID || cls == FZ_ACCEPT || r.resumed) &&
	    (verr = fz_validate(c, vlog, sizeof(vlog)))) {
		snprintf(log, sizeof(log), "RESTART_VALIDATE: %s: %.3000s",
			 strerrorname_np(verr) ?: "?", vlog);
		fz_failure(_metadata, c, idx, &m, cls, &r,
			   "restart(RESTART_VALIDATE) refuses what restart accepts",
			   log);
	} else if (!fz_judge(c, cls, &r, &why))
		fz_failure(_metadata, c, idx, &m, cls, &r, why, log);
	else if (fz_log_leaks(buf, len, log, leak, sizeof(leak)))
		fz_failure(_metadata, c, idx, &m, cls, &r,
			   "log line shows a kernel address that is not in the image",
			   log);
	if (uxnew_left && r.err >= 0)
		fz_failure(_metadata, c, idx, &m, cls, &r,
			   "a failed restart left the socket inode it made",
			   log);
	fz_account(c, cls, &r, &m, log);
	if (fz_ms_since(&t0) > 1000) {
		if (c->n_slow < 4)
			snprintf(c->slow[c->n_slow], sizeof(c->slow[0]),
				 "%ld: %ld ms: %.120s", idx, fz_ms_since(&t0), m.desc);
		c->n_slow++;
	}
	c->stop_sig = 0;
	c->stop_code = 0;
	c->rflags = 0;
	free(buf);
	img_free(&m.im);
}

static uint64_t fz_xcr0(void)
{
	uint32_t eax, edx;

	__asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
	return ((uint64_t)edx << 32) | eax;
}

/*
 * The CPUs of this machine: nr_cpu_ids (one past the last possible CPU),
 * and the ones the test process, and so the restarter, may run on.
 */
static void fz_cpus(struct fz_campaign *c)
{
	char buf[256];
	const char *p;
	cpu_set_t set;
	uint32_t cpu;

	c->nr_cpu_ids = sysconf(_SC_NPROCESSORS_CONF);
	if (ck_read_file("/sys/devices/system/cpu/possible", buf,
			 sizeof(buf)) > 0) {
		/* "0-1", "0-3,8-11": the last number */
		p = buf + strcspn(buf, "\n");
		while (p > buf && isdigit((unsigned char)p[-1]))
			p--;
		if (isdigit((unsigned char)*p))
			c->nr_cpu_ids = atoi(p) + 1;
	}
	if (c->nr_cpu_ids < 1 || c->nr_cpu_ids > CKPT_MAX_CPUS)
		c->nr_cpu_ids = CKPT_MAX_CPUS;
	memset(c->cpus, 0, sizeof(c->cpus));
	if (sched_getaffinity(0, sizeof(set), &set)) {
		c->cpus[0] = 1;
		return;
	}
	for (cpu = 0; cpu < c->nr_cpu_ids && cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			c->cpus[cpu / 64] |= 1ULL << (cpu % 64);
}

static void fz_campaign_init(struct __test_metadata *_metadata,
			     struct fz_campaign *c, int uid)
{
	const char *e;
	char buf[64];
	void *p;
	int k, fd;

	memset(c, 0, sizeof(*c));
	c->uid = uid;
	c->name = uid ? "unpriv" : "root";
	e = getenv("CKPT_FUZZ_SEED");
	c->seed = e ? strtoull(e, NULL, 0) : 1;
	e = getenv("CKPT_FUZZ_ITER");
	c->iters = (e ? strtol(e, NULL, 0) : FZ_DEFAULT_ITER);
	c->iters = uid ? c->iters / 2 : c->iters - c->iters / 2;
	/* the default run is bounded in time too; an explicit count is not */
	c->budget_ms = e ? 0 : FZ_BUDGET_MS;
	e = getenv("CKPT_FUZZ_ONLY");
	c->only = e ? strtol(e, NULL, 0) : -1;
	e = getenv("CKPT_FUZZ_VERBOSE");
	c->verbose = e && *e && *e != '0';

	/* TASK_SIZE: 47 bits, or 56 with 5-level paging */
	c->task_size = 0x7ffffffff000ULL;
	p = mmap((void *)(1UL << 50), FZ_PAGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == (void *)(1UL << 50)) {
		c->task_size = (1ULL << 56) - FZ_PAGE;
		munmap(p, FZ_PAGE);
	}
	c->xcr0 = fz_xcr0();
	fz_cpus(c);
	for (k = 0; k < RLIM_NLIMITS; k++)
		getrlimit(k, &c->rlim[k]);
	c->nr_open = 1 << 20;
	if (ck_read_file("/proc/sys/fs/nr_open", buf, sizeof(buf)) > 0)
		c->nr_open = strtoul(buf, NULL, 10);
	c->in_max_queued = 16384;
	if (ck_read_file("/proc/sys/fs/inotify/max_queued_events", buf,
			 sizeof(buf)) > 0)
		c->in_max_queued = strtoul(buf, NULL, 10);
	c->somaxconn = 4096;
	if (ck_read_file("/proc/sys/net/core/somaxconn", buf, sizeof(buf)) > 0)
		c->somaxconn = strtoul(buf, NULL, 10);
	c->wmem_default = c->wmem_max = 212992;
	if (ck_read_file("/proc/sys/net/core/wmem_default", buf, sizeof(buf)) > 0)
		c->wmem_default = strtoul(buf, NULL, 10);
	if (ck_read_file("/proc/sys/net/core/wmem_max", buf, sizeof(buf)) > 0)
		c->wmem_max = strtoul(buf, NULL, 10);
	c->bset = 0;
	for (k = 0; k <= CAP_LAST_CAP; k++)
		if (prctl(PR_CAPBSET_READ, k, 0, 0, 0) == 1)
			c->bset |= 1ULL << k;

	snprintf(c->mutant, sizeof(c->mutant), "%s/mutant-%s", ck.dir, c->name);
	snprintf(c->log, sizeof(c->log), "%s/mutant-%s.log", ck.dir, c->name);
	ASSERT_EQ(0, ck_touch(c->log, 0666));
	snprintf(c->p_alt, sizeof(c->p_alt), "%s/alt", ck.dir);
	snprintf(c->p_dir, sizeof(c->p_dir), "%s/altdir", ck.dir);
	snprintf(c->p_secret, sizeof(c->p_secret), "%s/secret", ck.dir);
	snprintf(c->p_secretdir, sizeof(c->p_secretdir), "%s/secretdir", ck.dir);
	snprintf(c->p_rootfile, sizeof(c->p_rootfile), "%s/rootfile", ck.dir);
	snprintf(c->p_missing, sizeof(c->p_missing), "%s/missing/file", ck.dir);
	snprintf(c->p_uxnew, sizeof(c->p_uxnew), "%s/uxnew-%s", ck.dir, c->name);
	unlink(c->p_uxnew);
	fd = fz_make_file(c->p_alt, 4, 77);
	ASSERT_LE(0, fd);
	fchmod(fd, 0666);
	close(fd);
	mkdir(c->p_dir, 0777);
	chmod(c->p_dir, 0777);
	fd = fz_make_file(c->p_secret, 2, 78);
	ASSERT_LE(0, fd);
	fchmod(fd, 0600);
	close(fd);
	mkdir(c->p_secretdir, 0700);
	fd = fz_make_file(c->p_rootfile, 2, 79);
	ASSERT_LE(0, fd);
	fchmod(fd, 0644);
	close(fd);
	snprintf(c->p_fifo, sizeof(c->p_fifo), "%s/altfifo-%s", ck.dir, c->name);
	unlink(c->p_fifo);
	ASSERT_EQ(0, mkfifo(c->p_fifo, 0666));
	chmod(c->p_fifo, 0666);
	/* an epoll item on the files of this file system: is there a poll? */
	{
		struct epoll_event ev = { .events = EPOLLIN };
		int ep = epoll_create1(EPOLL_CLOEXEC);
		int f = open(c->p_alt, O_RDONLY | O_CLOEXEC);
		int d = open(c->p_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		ASSERT_LE(0, ep);
		c->reg_pollable = f >= 0 && !epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev);
		c->dir_pollable = d >= 0 && !epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev);
		close(ep);
		if (f >= 0)
			close(f);
		if (d >= 0)
			close(d);
	}
}

/* Note that @path is the file INODE record @j of @im says */
static void fz_ident_add(struct __test_metadata *_metadata,
			 struct fz_campaign *c, const struct fz_img *im, int j,
			 const char *path, bool sock)
{
	const struct ckpt_hdr_inode *h;
	struct fz_ident *id;
	int k;

	if (j < 0 || !path)
		return;
	h = REC(im, j, struct ckpt_hdr_inode);
	for (k = 0; k < c->nids; k++) {
		if (strcmp(c->ids[k].path, path))
			continue;
		/* the shapes that restore agree on what is at a path */
		EXPECT_TRUE(c->ids[k].dev == h->dev && c->ids[k].ino == h->ino &&
			    c->ids[k].generation == h->generation &&
			    c->ids[k].sock == sock)
			TH_LOG("%s: two INODE records of the base images differ", path);
		return;
	}
	if (c->nids == FZ_MAX_IDS) {
		TH_LOG("%s: more files reopened by path than FZ_MAX_IDS", path);
		EXPECT_TRUE(0);
		return;
	}
	id = &c->ids[c->nids++];
	id->path = strdup(path);
	ASSERT_NE(NULL, id->path);
	id->dev = h->dev;
	id->ino = h->ino;
	id->generation = h->generation;
	id->sock = sock;
}

/*
 * What is at each path a usable image reopens a file by, or binds a unix
 * socket to, and names an INODE for: c->ids
 */
static void fz_idents(struct __test_metadata *_metadata, struct fz_campaign *c)
{
	const struct ckpt_hdr_file_unix *u;
	const struct ckpt_hdr_file *f;
	const struct ckpt_hdr_vma *v;
	const struct fz_img *im;
	int s, i;

	for (s = 0; s < FZ_SHAPES; s++) {
		if (!c->usable[s])
			continue;
		im = &c->base[s];
		for (i = 0; i < im->n; i++) {
			f = REC(im, i, struct ckpt_hdr_file);
			v = REC(im, i, struct ckpt_hdr_vma);
			u = REC(im, i, struct ckpt_hdr_file_unix);
			if (im->r[i].type == CKPT_HDR_FILE && f->inode_objref)
				fz_ident_add(_metadata, c, im,
					     inode_of(im, f->inode_objref, i),
					     file_path_of(im, i), false);
			if (im->r[i].type == CKPT_HDR_VMA &&
			    v->type == CKPT_VMA_FILE && v->shm_objref)
				fz_ident_add(_metadata, c, im,
					     inode_of(im, v->shm_objref, i),
					     vma_path_of(im, i), false);
			if (im->r[i].type == CKPT_HDR_FILE_UNIX &&
			    im->r[i].len >= sizeof(*u) && ux_has_path(u) &&
			    u->inode_objref)
				fz_ident_add(_metadata, c, im,
					     inode_of(im, u->inode_objref, i),
					     ux_path_of(im, i), true);
		}
	}
}

/*
 * Take the images, then check that each one restores as it is. All of
 * them first: a child carries the test process's heap, which is not to
 * hold the images already loaded.
 */
static void fz_take_images(struct __test_metadata *_metadata, struct fz_campaign *c)
{
	struct fz_body_arg arg[FZ_SHAPES];
	struct ckpt_image raw;
	struct fz_result r;
	int s, go[2], fpu;
	struct ck_fdmap map;
	char err[256], log[2048];
	const char *why;

	for (s = 0; s < FZ_SHAPES; s++) {
		memset(&arg[s], 0, sizeof(arg[s]));
		arg[s].shape = s;
		arg[s].uid = c->uid;
		snprintf(arg[s].path, sizeof(arg[s].path), "%s/image-%s-%s", ck.dir,
			 c->name, fz_shape_name[s]);
		ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
		map.src = go[0];
		map.dst = FZ_GO_FD;
		ck_checkpoint_child(_metadata, &map, 1, fz_body, &arg[s]);
		close(go[0]);
		close(go[1]);
	}
	for (s = 0; s < FZ_SHAPES; s++) {
		ASSERT_EQ(0, ckpt_image_load(arg[s].path, &raw));
		if (ckpt_image_verify(&raw, err, sizeof(err)) ||
		    img_parse(&raw, &c->base[s], err, sizeof(err))) {
			TH_LOG("shape %s: the image does not verify: %s",
			       fz_shape_name[s], err);
			EXPECT_TRUE(0);
			ckpt_image_free(&raw);
			continue;
		}
		/* the image as it is must restore */
		fz_run(c, raw.data, raw.len, &r);
		if (ck_read_file(c->log, log, sizeof(log)) < 0)
			log[0] = '\0';
		if (!fz_judge(c, FZ_VALID, &r, &why)) {
			TH_LOG("shape %s: the unchanged image: %s: %s", fz_shape_name[s],
			       why, fz_outcome(&r));
			if (log[0])
				TH_LOG("  logfd: %s", log);
			ck_dump(_metadata, "restored", r.status);
			EXPECT_TRUE(0);
			ckpt_image_free(&raw);
			continue;
		}
		c->usable[s] = true;
		c->nshapes++;
		c->image_bytes += raw.len;
		fpu = img_find(&c->base[s], CKPT_HDR_FPU, 0);
		if (fpu >= 0)
			c->fpu_max = REC(&c->base[s], fpu, struct ckpt_hdr_fpu)->size;
		ckpt_image_free(&raw);
	}
	fz_idents(_metadata, c);
}

static void fz_campaign(struct __test_metadata *_metadata, int uid)
{
	struct fz_campaign *c = calloc(1, sizeof(*c));
	struct timespec t0;
	long i, k;

	ASSERT_NE(NULL, c);
	fz_catch_signals();
	fz_campaign_init(_metadata, c, uid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fz_take_images(_metadata, c);
	ASSERT_LT(0, c->nshapes) TH_LOG("no shape restores: nothing to fuzz");
	TH_LOG("%s campaign: seed %llu, %ld mutants of %d shapes, %zu KiB (images and baseline: %ld ms)",
	       c->name, (unsigned long long)c->seed, c->only >= 0 ? 1 : c->iters,
	       c->nshapes, c->image_bytes >> 10, fz_ms_since(&t0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < c->iters || (c->only >= 0 && i == 0); i++) {
		if (c->only >= 0) {
			fz_one(_metadata, c, c->only);
			break;
		}
		fz_one(_metadata, c, i);
		if (i && i % 500 == 0)
			TH_LOG("%s: %ld mutants, %ld ms", c->name, i, fz_ms_since(&t0));
		if (c->budget_ms && fz_ms_since(&t0) > c->budget_ms) {
			TH_LOG("%s: time is up after %ld mutants (set CKPT_FUZZ_ITER to run them all)",
			       c->name, i + 1);
			break;
		}
	}
	TH_LOG("%s: done in %ld ms; %d failures", c->name, fz_ms_since(&t0), c->failures);
	for (k = 0; k < FZ_NCLASS; k++)
		TH_LOG("  %-6s %5ld: refused %ld, killed %ld, resumed %ld, ran and died %ld",
		       fz_class_name[k], c->n_class[k], c->n_refused[k], c->n_killed[k],
		       c->n_resumed[k], c->n_ran[k]);
	TH_LOG("  restored programs that ran until their time was up: %ld", c->n_userloop);
	{
		char line[512];
		size_t n = 0;

		for (k = 1; k < 134; k++)
			if (c->errnos[k] && n < sizeof(line))
				n += snprintf(line + n, sizeof(line) - n, " %s:%ld",
					      strerrorname_np(k) ?: "?", c->errnos[k]);
		TH_LOG("  errnos:%s", line);
	}
	if (c->n_slow) {
		TH_LOG("  mutants that took more than a second: %ld, e.g.", c->n_slow);
		for (k = 0; k < 4 && k < c->n_slow; k++)
			TH_LOG("    %s", c->slow[k]);
	}
	if (c->n_silent) {
		TH_LOG("  refusals without a log line: %ld, e.g.", c->n_silent);
		for (k = 0; k < 4 && k < c->n_silent; k++)
			TH_LOG("    %s", c->silent[k]);
	}
	EXPECT_EQ(0, c->failures);
	for (k = 0; k < FZ_SHAPES; k++)
		img_free(&c->base[k]);
	for (k = 0; k < c->nids; k++)
		free(c->ids[k].path);
	free(c);
}

/*
 * Restored programs with mutated registers die of SIGSEGV and #GP in user
 * mode all the time; the kernel's "traps: ... general protection fault"
 * lines for those would read as splats to the guest's log check.
 */
#define FZ_EXCEPTION_TRACE "/proc/sys/debug/exception-trace"

FIXTURE(fuzz) {
	char exception_trace[16];
};

FIXTURE_SETUP(fuzz)
{
	ck_setup(_metadata);
	if (ck_read_file(FZ_EXCEPTION_TRACE, self->exception_trace,
			 sizeof(self->exception_trace)) > 0)
		ck_write_file(FZ_EXCEPTION_TRACE, "0");
}

FIXTURE_TEARDOWN(fuzz)
{
	if (self->exception_trace[0])
		ck_write_file(FZ_EXCEPTION_TRACE, self->exception_trace);
	ck_cleanup();
}

/* root restarts mutants of root's images */
TEST_F_TIMEOUT(fuzz, root_campaign, 86400)
{
	fz_campaign(_metadata, 0);
}

/* uid 65534 restarts mutants of its own images; credentials checked */
TEST_F_TIMEOUT(fuzz, unprivileged_campaign, 86400)
{
	fz_campaign(_metadata, CK_UNPRIV_UID);
}

TEST_HARNESS_MAIN
