/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checkpoint image format: the records written by checkpoint() and read by
 * restart(). The kernel and userspace tools (ckpt info) share this header.
 *
 * An image is a sequence of records. Each record starts with a struct
 * ckpt_hdr whose @len counts the header and the payload; @len is always a
 * multiple of 8, and every field below is fixed-width with explicit padding,
 * so the layout is the same for every 64-bit architecture. Reserved fields
 * are written as zero and must be zero on restart.
 *
 * Record order:
 *
 *   HEADER TREE
 *   per task, in tree order:
 *     process:  TASK CREDS RLIMITS TIMERS FS (FILE TYPE-RECORDS)*
 *               FDTABLE SIGHAND SIGNAL (no FS, no files and FDTABLE with
 *               CKPT_TASK_SHARE_*)
 *               CPU FPU MM (VMA PAGES* PAGES(nr_pages = 0))*
 *     thread:   TASK CREDS SIGNAL CPU FPU   (shares the leader's mm, files,
 *               fs and handlers)
 *     zombie:   TASK
 *   TRAILER
 *
 * A FILE record holds what every open file has; the records of its type
 * follow it (see enum ckpt_file_type). A type may have a late record,
 * which comes once all the FILE records of the process are written, and
 * before its FDTABLE (an epoll set's items refer to other files; one not
 * written yet is written right before the record).
 * A shared object's record (a PIPE)
 * comes right before the first record that refers to it (a FILE_PIPE):
 * FILE PIPE FILE_PIPE for the first end of a pipe, FILE FILE_PIPE for
 * the other.
 *
 * Extensible records (FILE and the FILE_* type records) follow the rules
 * of copy_struct_from_user(): a record shorter than the reader's struct
 * is zero-extended, a longer one must have only zeroes beyond it. Fields
 * are only ever appended to them, so they grow without a version bump.
 *
 * The TRAILER carries a checksum (named by the header's csum_alg) of every
 * byte of the image before the trailer record.
 *
 * See Documentation/checkpoint/image-format.rst.
 */
#ifndef _UAPI_LINUX_CHECKPOINT_HDR_H
#define _UAPI_LINUX_CHECKPOINT_HDR_H

#include <linux/types.h>

#define CKPT_MAGIC		0x31544b5043584e4cULL	/* "LNXCPKT1" */
#define CKPT_TRAILER_MAGIC	0x444e454b5043584cULL	/* "LXCPKEND" */
#define CKPT_VERSION		3

#define CKPT_ARCH_X86_64	1

#define CKPT_CSUM_XXH64		1	/* xxh64, seed 0 */

/* Limits the reader enforces (also documented in image-format.rst) */
#define CKPT_PATH_MAX		4096	/* a path, with its NUL */
#define CKPT_MAX_TASKS		1024
#define CKPT_MAX_GROUPS		65536
#define CKPT_MAX_FDS		65536
#define CKPT_MAX_PENDING	1024
#define CKPT_PIPE_MAX		(4 << 20)	/* bytes buffered in a pipe */
#define CKPT_MAX_VMAS		65536
#define CKPT_PAGES_MAX		256	/* pages per PAGES record */
#define CKPT_FPU_MAX		65536	/* XSAVE buffer bytes */
#define CKPT_AUXV_MAX		64	/* __u64 words of saved auxv */
#define CKPT_NSIG		64
#define CKPT_RLIM_NLIMITS	16
#define CKPT_MAX_TIMERS		4096	/* POSIX timers per process */
#define CKPT_MAX_EPOLL_ITEMS	65536	/* items of one epoll instance */
#define CKPT_MAX_INOTIFY_WATCHES	65536	/* watches of one instance */
#define CKPT_INOTIFY_WATCHES_BYTES	(16 << 20)	/* and their paths */
#define CKPT_MAX_INOTIFY_EVENTS	65536	/* events queued on one instance */
#define CKPT_INOTIFY_EVENT_MAX	(16 + 256)	/* an event with its name */
#define CKPT_MAX_UNIX_MSGS	65536	/* messages queued on one socket */
#define CKPT_UNIX_QUEUE_MAX	(64 << 20)	/* and their bytes */
#define CKPT_UNIX_MSG_MAX	(8 << 20)	/* bytes of one of them */
#define CKPT_UNIX_NAME_MAX	108	/* bytes of a socket's name (sun_path) */
#define CKPT_MAX_UNIX_SENDERS	256	/* other senders of one queue's datagrams */
#define CKPT_MAX_UNIX_EMBRYOS	65536	/* connections in one listener's backlog */
#define CKPT_UNIX_SCM_MAX_FD	253	/* files one message carries (SCM_MAX_FD) */
#define CKPT_MAX_UNIX_INFLIGHT	65536	/* files in flight on one socket's queues */
#define CKPT_MAX_LOCKS		16384	/* file locks of one fd table */
#define CKPT_MAX_CPUS		1024	/* in a CPU affinity mask */
#define CKPT_MAX_INET_DGRAMS	65536	/* datagrams queued on a UDP socket */
#define CKPT_INET_DGRAM_MAX	65527	/* bytes of one datagram (IPv6) */
#define CKPT_INET_QUEUE_MAX	(64 << 20)	/* bytes of one UDP queue */
#define CKPT_TCP_QUEUE_MAX	(32 << 20)	/* bytes of one TCP queue */
#define CKPT_CPU_WORDS		(CKPT_MAX_CPUS / 64)

struct ckpt_hdr {
	__u32 type;		/* enum ckpt_hdr_type */
	__u32 len;		/* header + payload, a multiple of 8 */
};

enum ckpt_hdr_type {
	CKPT_HDR_HEADER = 1,
	CKPT_HDR_TREE,
	CKPT_HDR_TASK,
	CKPT_HDR_CREDS,
	CKPT_HDR_RLIMITS,
	CKPT_HDR_FS,
	CKPT_HDR_FILE,
	CKPT_HDR_FDTABLE,
	CKPT_HDR_SIGHAND,
	CKPT_HDR_SIGNAL,
	CKPT_HDR_CPU,
	CKPT_HDR_FPU,
	CKPT_HDR_MM,
	CKPT_HDR_VMA,
	CKPT_HDR_PAGES,
	CKPT_HDR_TRAILER,
	CKPT_HDR_PIPE,
	CKPT_HDR_TIMERS,
	CKPT_HDR_STRING,
	CKPT_HDR_FILE_CHR,
	CKPT_HDR_FILE_INHERIT,
	CKPT_HDR_FILE_PIPE,
	CKPT_HDR_FILE_EVENTFD,
	CKPT_HDR_FILE_EPOLL,
	CKPT_HDR_EPOLL_ITEMS,
	CKPT_HDR_FILE_SIGNALFD,
	CKPT_HDR_FILE_TIMERFD,
	CKPT_HDR_FILE_INOTIFY,
	CKPT_HDR_INOTIFY_WATCHES,
	CKPT_HDR_INOTIFY_EVENTS,
	CKPT_HDR_UNIX_PAIR,
	CKPT_HDR_FILE_UNIX,
	CKPT_HDR_UNIX_QUEUE,
	CKPT_HDR_UNIX_MSG,
	CKPT_HDR_LOCKS,
	CKPT_HDR_MEMFD,
	CKPT_HDR_FILE_MEMFD,
	CKPT_HDR_DELETED,
	CKPT_HDR_FILE_DELETED,
	CKPT_HDR_FILE_PIDFD,
	CKPT_HDR_INODE,
	CKPT_HDR_FILE_PROC,
	CKPT_HDR_UNIX_SENDER,
	CKPT_HDR_UNIX_MSG_FROM,
	CKPT_HDR_UNIX_EMBRYO,
	CKPT_HDR_UNIX_MSG_FDS,
	CKPT_HDR_UNIX_FDS,
	CKPT_HDR_FILE_INET,
	CKPT_HDR_INET_DGRAM,
	CKPT_HDR_TCP_CONN,
	CKPT_HDR_MAX		/* one past the last type */
};

/* header flags */
#define CKPT_IMG_SELF		0x1	/* self checkpoint (pid 0) */
#define CKPT_IMG_CONTAINER	0x2	/* root was a pid namespace init */
#define CKPT_IMG_SUBTREE	0x4	/* CHECKPOINT_SUBTREE */
#define CKPT_IMG_FLAGS_MASK	0x7

struct ckpt_hdr_header {
	struct ckpt_hdr h;
	__u64 magic;		/* CKPT_MAGIC */
	__u32 version;		/* CKPT_VERSION */
	__u32 arch;		/* CKPT_ARCH_* */
	__u32 page_size;
	__u32 csum_alg;		/* CKPT_CSUM_* */
	__u64 flags;		/* CKPT_IMG_* */
	__u64 ckpt_id;		/* what checkpoint() returned */
	__s64 time;		/* seconds since the epoch */
	__u32 nr_tasks;
	__u32 __reserved;
	char sysname[65];	/* uname of the checkpointing kernel */
	char nodename[65];
	char release[65];
	char version_str[65];
	char machine[65];
	char __pad[3];
};

struct ckpt_task_pids {
	__s32 pid;		/* as seen in the root's pid namespace */
	__s32 tgid;
	__s32 ppid;
	__s32 pgid;
	__s32 sid;
	__u32 flags;		/* CKPT_PIDS_* */
};

#define CKPT_PIDS_ZOMBIE	0x1	/* exited, not reaped yet */
#define CKPT_PIDS_FLAGS_MASK	0x1

struct ckpt_hdr_tree {
	struct ckpt_hdr h;
	__u32 nr_tasks;
	__u32 __reserved;
	/* followed by nr_tasks struct ckpt_task_pids, in tree order */
};

struct ckpt_hdr_task {
	struct ckpt_hdr h;
	char comm[16];		/* NUL terminated */
	__u32 personality;
	__u32 exit_signal;
	__u64 set_child_tid;
	__u64 clear_child_tid;
	__u64 robust_list;
	__u64 robust_list_len;
	__u64 rseq;		/* 0: no rseq area registered */
	__u32 rseq_len;
	__u32 rseq_sig;
	__u32 task_flags;	/* CKPT_TASK_* */
	__u32 __reserved;
	__u32 exit_code;	/* ZOMBIE: the wait status it exited with */
	__u32 __reserved2;
	/* scheduling, as sched_setattr() sets it */
	__u32 policy;		/* SCHED_NORMAL, _FIFO, _RR, _BATCH or _IDLE */
	__s32 nice;		/* -20..19 */
	__u32 rt_priority;	/* SCHED_FIFO, SCHED_RR: 1..99; else 0 */
	__u32 pdeath_signal;	/* prctl(PR_SET_PDEATHSIG); 0: none */
	__u64 timer_slack_ns;	/* prctl(PR_SET_TIMERSLACK) */
	__s32 oom_score_adj;	/* of the process: -1000..1000 */
	__u32 dumpable;		/* of the mm: prctl(PR_SET_DUMPABLE), 0..2 */
	/* extensible: an older image's record ends here (CKPT_REC_TASK_MIN) */
	__u32 ioprio;		/* ioprio_set() of the thread; 0: none */
	__u32 nr_cpus;		/* bits of cpus[]; 0: no CPU affinity set */
	/* sched_setaffinity() mask: CPU n at bit n % 64 of word n / 64 */
	__u64 cpus[CKPT_CPU_WORDS];
	/*
	 * Job control, of the process: stopped by stop_signal (SIGSTOP,
	 * SIGTSTP, SIGTTIN or SIGTTOU; 0: not stopped), with stop_code
	 * what waitpid(WUNTRACED) has yet to report: stop_signal, or 0 once
	 * reported.
	 */
	__u32 stop_signal;
	__u32 stop_code;
	__u32 stop_flags;	/* CKPT_STOP_* */
	__u32 __reserved3;
};

/* continued by SIGCONT, and waitpid(WCONTINUED) has yet to report it */
#define CKPT_STOP_CONTINUED	0x1
#define CKPT_STOP_FLAGS_MASK	0x1

#define CKPT_TASK_NO_NEW_PRIVS	0x1	/* prctl(PR_SET_NO_NEW_PRIVS) */
#define CKPT_TASK_ZOMBIE	0x2	/* exited, not reaped yet */
/* sharing the parent's fd table (no FILE, PIPE, FDTABLE) or fs (no FS) */
#define CKPT_TASK_SHARE_FILES	0x4
#define CKPT_TASK_SHARE_FS	0x8
#define CKPT_TASK_RESET_ON_FORK	0x10	/* SCHED_FLAG_RESET_ON_FORK */
#define CKPT_TASK_SUBREAPER	0x20	/* prctl(PR_SET_CHILD_SUBREAPER) */
#define CKPT_TASK_THP_DISABLE	0x40	/* prctl(PR_SET_THP_DISABLE) */
#define CKPT_TASK_IO_FLUSHER	0x80	/* prctl(PR_SET_IO_FLUSHER) */
/* prctl(PR_MCE_KILL): a policy of its own, and which (early or late) */
#define CKPT_TASK_MCE_KILL	0x100
#define CKPT_TASK_MCE_EARLY	0x200
#define CKPT_TASK_FLAGS_MASK	0x3ff

struct ckpt_hdr_creds {
	struct ckpt_hdr h;
	__u32 uid, euid, suid, fsuid;	/* in the checkpointer's user ns */
	__u32 gid, egid, sgid, fsgid;
	__u64 cap_inheritable;
	__u64 cap_permitted;
	__u64 cap_effective;
	__u64 cap_bset;
	__u64 cap_ambient;
	__u32 securebits;
	__u32 ngroups;
	/* followed by ngroups __u32 supplementary gids, padded to 8 */
};

struct ckpt_rlimit {
	__u64 rlim_cur;		/* ~0ULL is RLIM_INFINITY */
	__u64 rlim_max;
};

/* an interval timer of setitimer() */
/* value: of process CPU time for ITIMER_VIRTUAL and ITIMER_PROF */
struct ckpt_itimer {
	__s64 value;		/* ns before it fires; 0: disarmed */
	__s64 interval;		/* its period in ns; 0: one shot */
};

#define CKPT_NITIMERS		3	/* ITIMER_REAL, _VIRTUAL, _PROF */

/* per process: resource limits and the interval timers */
struct ckpt_hdr_rlimits {
	struct ckpt_hdr h;
	__u32 nr_limits;	/* CKPT_RLIM_NLIMITS */
	__u32 __reserved;
	struct ckpt_rlimit rlim[CKPT_RLIM_NLIMITS];
	struct ckpt_itimer itimer[CKPT_NITIMERS];	/* by ITIMER_* */
};

/*
 * A POSIX timer (timer_create()) of the process. clockid is one of
 * CLOCK_REALTIME, _MONOTONIC, _BOOTTIME, _TAI or _PROCESS_CPUTIME_ID (the
 * process's own); notify is SIGEV_SIGNAL, _NONE, _THREAD or
 * SIGEV_SIGNAL | SIGEV_THREAD_ID. value is process CPU time for
 * CLOCK_PROCESS_CPUTIME_ID.
 */
struct ckpt_posix_timer {
	__s32 id;		/* the timer_t the program holds */
	__s32 clockid;
	__s32 notify;		/* sigev_notify */
	__s32 signo;		/* sigev_signo */
	__u64 sigval;		/* sigev_value */
	__s32 tid;		/* SIGEV_THREAD_ID: the thread, as in TREE */
	__u32 __reserved;
	__s64 value;		/* ns before it fires; 0: disarmed */
	__s64 interval;		/* its period in ns; 0: one shot */
	__s64 overrun;		/* what timer_getoverrun() returns */
};

struct ckpt_hdr_timers {
	struct ckpt_hdr h;
	__u32 nr_timers;	/* <= CKPT_MAX_TIMERS */
	__s32 next_id;		/* the id the next timer_create() tries */
	/* followed by nr_timers struct ckpt_posix_timer, ids increasing */
};

struct ckpt_hdr_fs {
	struct ckpt_hdr h;
	__u32 umask;
	__u32 cwd_len;		/* bytes of cwd, including its NUL */
	__u32 root_len;		/* bytes of root, including its NUL */
	__u32 __reserved;
	/* followed by cwd then root, NUL terminated, padded to 8 */
};

/*
 * A string (a path), for the records that need one: NUL terminated, no
 * NUL before the end, padded to 8.
 */
struct ckpt_hdr_string {
	struct ckpt_hdr h;
	__u32 len;		/* bytes, including the NUL; <= CKPT_PATH_MAX */
	__u32 __reserved;
	/* followed by the string */
};

/* What an open file is, and the records that follow its FILE record */
enum ckpt_file_type {
	CKPT_FILE_REG = 1,	/* regular file, reopened by path: STRING */
	CKPT_FILE_DIR,		/* directory, reopened by path: STRING */
	CKPT_FILE_CHR,		/* /dev/null, /dev/zero...: FILE_CHR STRING */
	CKPT_FILE_INHERITED,	/* held outside too: FILE_INHERIT */
	CKPT_FILE_PIPE,		/* a pipe end, all ends inside: FILE_PIPE */
	CKPT_FILE_FIFO,		/* a named FIFO: FILE_PIPE STRING */
	CKPT_FILE_EVENTFD,	/* an eventfd: FILE_EVENTFD */
	CKPT_FILE_EPOLL,	/* an epoll instance: FILE_EPOLL, and late:
				 * EPOLL_ITEMS
				 */
	CKPT_FILE_SIGNALFD,	/* a signalfd: FILE_SIGNALFD */
	CKPT_FILE_TIMERFD,	/* a timerfd: FILE_TIMERFD */
	CKPT_FILE_INOTIFY,	/* an inotify instance: FILE_INOTIFY
				 * INOTIFY_WATCHES INOTIFY_EVENTS
				 */
	CKPT_FILE_UNIX,		/* a unix socket: (UNIX_PAIR) (INODE)
				 * FILE_UNIX (STRING) UNIX_QUEUE, then
				 * nr_senders UNIX_SENDER, then nr_msgs
				 * UNIX_MSG, UNIX_MSG_FROM or UNIX_MSG_FDS;
				 * a listener's then nr_embryos times
				 * (UNIX_PAIR) UNIX_EMBRYO UNIX_QUEUE
				 * UNIX_MSG...; and late, when a message
				 * carries files: UNIX_FDS
				 */
	CKPT_FILE_MEMFD,	/* an open file of a memfd: FILE_MEMFD */
	CKPT_FILE_DELETED,	/* an open file of a deleted regular file:
				 * FILE_DELETED
				 */
	CKPT_FILE_PIDFD,	/* a pidfd of a task of the tree: FILE_PIDFD */
	CKPT_FILE_PROC,		/* a file of a task's /proc directory:
				 * FILE_PROC STRING STRING
				 */
	CKPT_FILE_INET,		/* an AF_INET or AF_INET6 socket, TCP or
				 * UDP: FILE_INET
				 */
	CKPT_FILE_MAX
};

/*
 * What an INHERITED file was, for restart's log line when the restarter
 * has no fd to connect it to.
 */
enum ckpt_inherit_type {
	CKPT_INHERIT_TTY = 1,	/* a terminal */
	CKPT_INHERIT_PIPE,	/* a pipe or FIFO with an end held outside */
	CKPT_INHERIT_SOCKET,	/* a socket held outside, or whose peer is */
	CKPT_INHERIT_MAX
};

/* An open file description: what every file has. Extensible. */
struct ckpt_hdr_file {
	struct ckpt_hdr h;
	__u32 objref;		/* > 0, unique per image */
	__u32 type;		/* enum ckpt_file_type */
	__u32 f_flags;		/* O_* access mode and status flags */
	__u32 inode_objref;	/* REG, DIR: its INODE record; 0: none */
	__s64 pos;		/* 0 for a type without an offset */
	/* an older image's record ends here (CKPT_REC_FILE_MIN) */
	/* F_SETOWN: its owner, by image pid (a group: its leader's); 0 */
	__s32 owner;
	__u32 owner_type;	/* CKPT_OWNER_*; 0 without an owner */
	__u32 signum;		/* F_SETSIG; 0: SIGIO */
	/*
	 * O_ASYNC (in f_flags): the fd its signals name (si_fd), on the
	 * file's signal list; -1: the bare flag open(O_ASYNC) sets, on no
	 * list. Without O_ASYNC: 0.
	 */
	__s32 async_fd;
};

/* an open file's owner: F_SETOWN_EX's F_OWNER_PID, _TID, _PGRP */
#define CKPT_OWNER_PID		1	/* a process (F_SETOWN pid) */
#define CKPT_OWNER_TID		2	/* a thread */
#define CKPT_OWNER_PGRP		3	/* a process group (F_SETOWN -pgid) */

/*
 * INODE: the identity of a file reopened by path, once per inode, right
 * before the first FILE or VMA record that names it. Restart refuses a
 * file that is another inode now, unless RESTART_ACCEPT_REPLACED.
 * Extensible.
 */
struct ckpt_hdr_inode {
	struct ckpt_hdr h;
	__u32 objref;
	__u32 generation;	/* i_generation */
	__u64 dev;		/* new_encode_dev() of its filesystem's */
	__u64 ino;
};

/* CHR: the device the path must still lead to. Extensible. */
struct ckpt_hdr_file_chr {
	struct ckpt_hdr h;
	__u64 rdev;		/* new_encode_dev() */
};

/* INHERITED: the restarter's fd to connect it to. Extensible. */
struct ckpt_hdr_file_inherit {
	struct ckpt_hdr h;
	__u32 fd;		/* < CKPT_MAX_FDS */
	__u32 kind;		/* enum ckpt_inherit_type */
};

/* PIPE, FIFO: the PIPE record of its pipe. Extensible. */
struct ckpt_hdr_file_pipe {
	struct ckpt_hdr h;
	__u32 pipe_objref;
	__u32 __reserved;
};

#define CKPT_EFD_SEMAPHORE	0x1

/* EVENTFD: the counter and the flags it was made with. Extensible. */
struct ckpt_hdr_file_eventfd {
	struct ckpt_hdr h;
	__u64 count;		/* < 2^64 - 1 */
	__u32 flags;		/* CKPT_EFD_* */
	__u32 __reserved;
};

/* SIGNALFD: the signals it reads. Extensible. */
struct ckpt_hdr_file_signalfd {
	struct ckpt_hdr h;
	__u64 sigmask;		/* signal n at bit n - 1 */
};

#define CKPT_TFD_ARMED		0x1	/* it will fire */
#define CKPT_TFD_ABSTIME	0x2	/* set with TFD_TIMER_ABSTIME */
#define CKPT_TFD_CANCEL_ON_SET	0x4	/* and TFD_TIMER_CANCEL_ON_SET */
#define CKPT_TFD_FLAGS_MASK	0x7

/*
 * TIMERFD: an armed absolute timer on CLOCK_REALTIME(_ALARM) fires at
 * @expires, any other armed timer @remaining after the restored tree
 * starts running. Extensible.
 */
struct ckpt_hdr_file_timerfd {
	struct ckpt_hdr h;
	__s32 clockid;		/* REALTIME, MONOTONIC, BOOTTIME, or *_ALARM */
	__u32 flags;		/* CKPT_TFD_* */
	__u64 ticks;		/* expirations not read yet */
	__s64 expires;		/* ns on the clock, >= 0 */
	__s64 remaining;	/* ns, >= 0 */
	__s64 interval;		/* ns, >= 0; 0 for a one-shot timer */
};

/* INOTIFY: the instance. Extensible. */
struct ckpt_hdr_file_inotify {
	struct ckpt_hdr h;
	__u32 max_events;	/* the limit of its event queue */
	__u32 next_wd;		/* where the next watch descriptor search
				 * starts, <= INT_MAX
				 */
};

struct ckpt_inotify_watch {
	__s32 wd;		/* > 0, unique in the instance */
	__u32 mask;		/* IN_ALL_EVENTS bits, IN_ONESHOT, IN_EXCL_UNLINK */
	__u32 mode;		/* the S_IFMT bits of what it watches */
	__u32 path_len;		/* with the NUL, <= CKPT_PATH_MAX */
	/* followed by the path of what it watches, padded to 8 */
};

/* The watches of an INOTIFY file, right after its FILE_INOTIFY. */
struct ckpt_hdr_inotify_watches {
	struct ckpt_hdr h;
	__u32 nr_watches;	/* <= CKPT_MAX_INOTIFY_WATCHES */
	__u32 __reserved;
	/* followed by nr_watches struct ckpt_inotify_watch and paths */
};

/*
 * The events queued on an INOTIFY file, after its INOTIFY_WATCHES: as
 * read(2) returns them, each a struct inotify_event and its name padded
 * with NULs to a multiple of 16 bytes.
 */
struct ckpt_hdr_inotify_events {
	struct ckpt_hdr h;
	__u32 nr_events;	/* <= CKPT_MAX_INOTIFY_EVENTS */
	__u32 len;		/* bytes, <= nr_events * EVENT_MAX */
	/* followed by the events, padded to 8 */
};

/* EPOLL: nothing yet besides the items. Extensible. */
struct ckpt_hdr_file_epoll {
	struct ckpt_hdr h;
	__u64 __reserved;
};

struct ckpt_epoll_item {
	__u32 objref;		/* the target's FILE record */
	__u32 fd;		/* the fd number it was added under */
	__u32 events;		/* EPOLL*, private bits included */
	__u32 __reserved;
	__u64 data;
};

/* The late record of an EPOLL file: its items. */
struct ckpt_hdr_epoll_items {
	struct ckpt_hdr h;
	__u32 objref;		/* the EPOLL file */
	__u32 nr_items;		/* <= CKPT_MAX_EPOLL_ITEMS */
	/* followed by nr_items struct ckpt_epoll_item */
};

/*
 * A connected pair of unix sockets whose ends are both files of the tree
 * (or one whose other end was closed), written right before the FILE_UNIX
 * of its first end. Restart makes it with socketpair().
 *
 * CKPT_UNIX_PAIR_EMBRYO: a connection its listener has not accepted yet,
 * written before the FILE_UNIX of its client or the UNIX_EMBRYO of its
 * listener, whichever comes first. End 0 is the connection accept() is
 * to return, which has no file; end 1 the client, whose FILE_UNIX is end
 * 1 (or closed since: CKPT_UNIX_PAIR_CLOSED). Restart makes the client
 * with socket(), and connects it to the listener just before the tree
 * runs, in the listener's order.
 */
struct ckpt_hdr_unix_pair {
	struct ckpt_hdr h;
	__u32 objref;
	__u32 sock_type;	/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	__u32 flags;		/* CKPT_UNIX_PAIR_* */
	__u32 __reserved;
};

/* end 1 was closed: restart closes it again once end 0 is restored */
#define CKPT_UNIX_PAIR_CLOSED	0x1
#define CKPT_UNIX_PAIR_EMBRYO	0x2	/* waiting in a listener's backlog */
#define CKPT_UNIX_PAIR_FLAGS_MASK 0x3

/*
 * UNIX: one unix socket; unconnected (pair_objref 0) or an end of a
 * UNIX_PAIR. What getsockopt() reports is saved, and restored through
 * setsockopt() with its rules. A socket bound to a path is followed by a
 * STRING record: where its socket inode is, from the root. A listening
 * socket's UNIX_QUEUE (empty) is followed by nr_embryos UNIX_EMBRYO
 * records, in its backlog's order. Extensible.
 */
struct ckpt_hdr_file_unix {
	struct ckpt_hdr h;
	__u32 sock_type;	/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	__u32 pair_objref;	/* its UNIX_PAIR, or 0 */
	__u32 end;		/* 0: the end written first, 1: the other */
	__u32 flags;		/* CKPT_UNIX_* */
	__u32 shutdown;		/* CKPT_UNIX_SHUT_RD | CKPT_UNIX_SHUT_WR */
	__s32 err;		/* pending SO_ERROR: 0 or ECONNRESET */
	__u32 sndbuf;		/* SO_SNDBUF */
	__u32 rcvbuf;		/* SO_RCVBUF */
	__s32 rcvlowat;		/* SO_RCVLOWAT, >= 1 */
	__s32 peek_off;		/* SO_PEEK_OFF, -1: off */
	__u64 sndtimeo_us;	/* SO_SNDTIMEO, 0: none */
	__u64 rcvtimeo_us;	/* SO_RCVTIMEO, 0: none */
	__u32 priority;		/* SO_PRIORITY */
	__u32 mark;		/* SO_MARK */
	__s32 peer_pid;		/* SO_PEERCRED: a process of the tree, whose
				 * credentials it reports, or 0: none
				 */
	__u32 __reserved;
	/* an older image's record ends here (CKPT_REC_FILE_UNIX_MIN) */
	/* its name, as getsockname() reports it */
	__u32 name_len;		/* bytes of name[]: 0 (none) to 108 */
	__u32 backlog;		/* CKPT_UNIX_LISTEN: listen()'s backlog */
	__u32 inode_objref;	/* bound to a path: its inode's INODE record */
	__u32 mode;		/* and that inode's permission bits */
	__u32 uid;		/* and owner */
	__u32 gid;
	/* sun_path: a path with its NUL, or an abstract name (name[0] 0) */
	__u8 name[CKPT_UNIX_NAME_MAX];
	__u32 nr_embryos;	/* CKPT_UNIX_LISTEN: connections not accepted
				 * yet, <= CKPT_MAX_UNIX_EMBRYOS
				 */
	__u32 sock_objref;	/* SOCK_DGRAM: how other sockets name it (the
				 * peer they are connected to, the sender of
				 * datagrams they hold), or 0
				 */
	__u32 peer_objref;	/* SOCK_DGRAM, no pair: the sock_objref of the
				 * socket it is connected to, which is not
				 * connected back to it, or 0
				 */
};

#define CKPT_UNIX_PASSCRED	0x1	/* SO_PASSCRED */
#define CKPT_UNIX_PASSSEC	0x2	/* SO_PASSSEC */
#define CKPT_UNIX_PASSPIDFD	0x4	/* SO_PASSPIDFD */
#define CKPT_UNIX_SNDBUF_LOCK	0x8	/* SO_SNDBUF was set */
#define CKPT_UNIX_RCVBUF_LOCK	0x10	/* SO_RCVBUF was set */
/* O_ASYNC: a writer waits for space, a reader for data (SIGIO due) */
#define CKPT_UNIX_ASYNC_NOSPACE	0x20
#define CKPT_UNIX_ASYNC_WAITDATA	0x40
/* bound by bind() or autobind; a name without it is an accepted socket's */
#define CKPT_UNIX_BOUND		0x80
#define CKPT_UNIX_LISTEN	0x100	/* listening */
/* no effect on a unix socket, but getsockopt() reports them */
#define CKPT_UNIX_KEEPALIVE	0x200	/* SO_KEEPALIVE */
#define CKPT_UNIX_REUSEADDR	0x400	/* SO_REUSEADDR */
#define CKPT_UNIX_OOBINLINE	0x800	/* SO_OOBINLINE */
#define CKPT_UNIX_FLAGS_MASK	0xfff

#define CKPT_UNIX_SHUT_RD	0x1	/* no more receptions */
#define CKPT_UNIX_SHUT_WR	0x2	/* no more sends */

/*
 * UNIX_QUEUE: the socket's receive queue, after its FILE_UNIX: what its
 * peer sent and it has not read yet, followed by one UNIX_MSG per
 * message (a datagram, a record, or a stream's buffer), in queue order.
 * Extensible.
 */
struct ckpt_hdr_unix_queue {
	struct ckpt_hdr h;
	__u32 nr_msgs;		/* <= CKPT_MAX_UNIX_MSGS */
	__u32 __reserved;
	__u64 bytes;		/* their sum, <= CKPT_UNIX_QUEUE_MAX */
	/* an older image's record ends here (CKPT_REC_UNIX_QUEUE_MIN) */
	__u32 nr_senders;	/* UNIX_SENDER records right after this one */
	__u32 oob_msg;		/* a stream's: the message (from 1) that is
				 * the out-of-band byte (MSG_OOB) not read
				 * yet, 1 byte long, or 0
				 */
};

/*
 * UNIX_SENDER: a socket that sent datagrams of the queue and is not the
 * socket's peer: a datagram socket of the tree (sock_objref), restored
 * and charged for them again; or closed since, or held outside the tree:
 * restart sends them again from a socket of its own with that name (not
 * bound to it), which it closes once they are queued, as the sender's
 * were. Numbered from 1 in the order they come.
 */
struct ckpt_hdr_unix_sender {
	struct ckpt_hdr h;
	__u32 name_len;		/* bytes of name[]: 0 (none) to 108 */
	__u32 sndbuf;		/* its SO_SNDBUF, which held them all */
	/* sun_path: a path with its NUL, or an abstract name (name[0] 0) */
	__u8 name[CKPT_UNIX_NAME_MAX];
	__u32 sock_objref;	/* a socket of the tree: its FILE_UNIX's
				 * sock_objref (no name, no sndbuf: its
				 * own), or 0
				 */
};

struct ckpt_hdr_unix_msg {
	struct ckpt_hdr h;
	__u32 len;		/* 1..CKPT_UNIX_MSG_MAX (0 for a datagram) */
	__s32 pid;		/* credentials it carries: a process of the
				 * tree, or 0: none
				 */
	__u32 uid;		/* (__u32)-1: none */
	__u32 gid;		/* (__u32)-1: none */
	/* followed by len bytes, padded to 8 */
};

/*
 * UNIX_EMBRYO: a connection waiting in a listener's backlog (end 0 of an
 * EMBRYO UNIX_PAIR), followed by its UNIX_QUEUE and messages: what its
 * client sent before it was accepted.
 */
struct ckpt_hdr_unix_embryo {
	struct ckpt_hdr h;
	__u32 pair_objref;	/* its UNIX_PAIR */
	__s32 peer_pid;		/* SO_PEERCRED: the process of the tree that
				 * connected, whose credentials it reports
				 */
};

/* UNIX_MSG_FROM: a datagram that sender number @sender sent */
struct ckpt_hdr_unix_msg_from {
	struct ckpt_hdr h;
	__u32 len;		/* 0..CKPT_UNIX_MSG_MAX */
	__s32 pid;		/* as UNIX_MSG's */
	__u32 uid;
	__u32 gid;
	__u32 sender;		/* 1..nr_senders of its UNIX_QUEUE */
	__u32 __reserved;
	/* followed by len bytes, padded to 8 */
};

/*
 * UNIX_MSG_FDS: a message that carries files (SCM_RIGHTS), sent by the
 * socket's peer (sender 0: to an end of a pair, or to a connection
 * waiting in a backlog) or by sender number @sender of its UNIX_QUEUE.
 * Its files are named by the socket's late UNIX_FDS record.
 */
struct ckpt_hdr_unix_msg_fds {
	struct ckpt_hdr h;
	__u32 len;		/* as UNIX_MSG_FROM's */
	__s32 pid;
	__u32 uid;
	__u32 gid;
	__u32 sender;		/* 0: the peer, or 1..nr_senders */
	__u32 nr_fds;		/* 1..CKPT_UNIX_SCM_MAX_FD */
	/* followed by len bytes, padded to 8 */
};

/*
 * UNIX_FDS: the late record of a unix socket with messages that carry
 * files (UNIX_MSG_FDS), in its queue or in those of the connections
 * waiting in its backlog: the FILE records of those files, message
 * after message in the order their records came, each message's in the
 * order recvmsg() gives them. It follows the FILE records it names,
 * which may be of files only in flight, and the socket itself.
 */
struct ckpt_hdr_unix_fds {
	struct ckpt_hdr h;
	__u32 objref;		/* the socket's FILE record */
	__u32 nr_fds;		/* the sum of its messages' nr_fds,
				 * <= CKPT_MAX_UNIX_INFLIGHT
				 */
	/* followed by nr_fds __u32 objrefs of FILE records, padded to 8 */
};

/*
 * A pipe (or named FIFO) with all its ends inside the checkpoint, written
 * right before the FILE_PIPE record of the first of its ends: its capacity
 * and the bytes buffered.
 */
struct ckpt_hdr_pipe {
	struct ckpt_hdr h;
	__u32 objref;
	__u32 nr_bytes;		/* <= size, <= CKPT_PIPE_MAX */
	__u32 size;		/* capacity (F_GETPIPE_SZ) */
	__u32 __reserved;
	/* followed by nr_bytes of data, padded to 8 */
};

/*
 * A memfd (memfd_create()), written right before the first record that
 * refers to it (a FILE_MEMFD, or a MEMFD vma): its name, size, seals,
 * mode and owner, then its contents as PAGES records whose addresses are
 * byte offsets in the memfd (increasing, page aligned, below size); a
 * PAGES record with nr_pages == 0 ends them. Holes are not saved.
 */
#define CKPT_MEMFD_NAME_MAX	250	/* 249 bytes and the NUL */

struct ckpt_hdr_memfd {
	struct ckpt_hdr h;
	__u32 objref;
	__u32 seals;		/* F_SEAL_*, applied last */
	__u64 size;		/* <= MAX_LFS_FILESIZE */
	__u32 mode;		/* permission bits, S_IFREG implied */
	__u32 uid, gid;		/* owner, in the checkpointer's user ns */
	__u32 name_len;		/* bytes of name, including NUL, <= 250 */
	/* followed by the name without "memfd:", NUL terminated, padded */
};

/* FILE_MEMFD: the MEMFD record of the memfd it opens. Extensible. */
struct ckpt_hdr_file_memfd {
	struct ckpt_hdr h;
	__u32 memfd_objref;
	__u32 __reserved;
};

/*
 * A deleted regular file (unlinked, no link left) that the tree holds
 * open or maps, written right before the first record that refers to it
 * (a FILE_DELETED, or a DELETED vma), like a MEMFD: its size, mode, owner
 * and the path it had, then its contents as PAGES records of byte
 * offsets. Restart makes it again as an unnamed file (O_TMPFILE) in the
 * directory of that path.
 */
struct ckpt_hdr_deleted {
	struct ckpt_hdr h;
	__u32 objref;
	__u32 flags;		/* CKPT_DELETED_F_* */
	__u64 size;		/* <= MAX_LFS_FILESIZE */
	__u32 mode;		/* permission bits, S_IFREG implied */
	__u32 uid, gid;		/* owner, in the checkpointer's user ns */
	__u32 path_len;		/* bytes of path, including NUL */
	/* followed by the absolute path it had, NUL terminated, padded */
};

/* an O_TMPFILE file made without O_EXCL: linkat() may give it a name */
#define CKPT_DELETED_F_LINKABLE	0x1
#define CKPT_DELETED_F_MASK	0x1

/* FILE_DELETED: the DELETED record of the file it opens. Extensible. */
struct ckpt_hdr_file_deleted {
	struct ckpt_hdr h;
	__u32 deleted_objref;
	__u32 __reserved;
};

/* a pidfd of one thread (PIDFD_THREAD), not of its whole process */
#define CKPT_PIDFD_F_THREAD	0x1
/*
 * of a task already reaped: pid is no pid but an objref, the same for
 * every pidfd of that task; restored as a pidfd of a pid without a task
 */
#define CKPT_PIDFD_F_REAPED	0x2
#define CKPT_PIDFD_F_MASK	0x3

/*
 * FILE_PIDFD: the task it refers to, by its pid in the TREE record: a
 * process, or with CKPT_PIDFD_F_THREAD a thread; with CKPT_PIDFD_F_REAPED
 * a task reaped already. Extensible.
 */
struct ckpt_hdr_file_pidfd {
	struct ckpt_hdr h;
	__s32 pid;
	__u32 flags;		/* CKPT_PIDFD_F_* */
};

/*
 * FILE_PROC: a file in /proc/PID (or /proc/PID/task/TID) of a task of
 * the tree, by its pid in the TREE record; then two STRING records: the
 * path of the procfs mount, and the file's path below the task's (or the
 * thread's) directory ("status", "fd/3", "" for the directory). Restart
 * opens it under the restored task's number in that procfs's pid
 * namespace. Extensible.
 */
struct ckpt_hdr_file_proc {
	struct ckpt_hdr h;
	__s32 pid;		/* the task whose /proc/PID it is in */
	__s32 tid;		/* /proc/PID/task/TID: the thread; else 0 */
};

/*
 * FILE_INET: a TCP or UDP socket of AF_INET or AF_INET6. Addresses are in
 * network order (an IPv4 address in the first 4 bytes), ports in host
 * order. The socket is made again in the restarter's network namespace,
 * with its options set through setsockopt(), bound through bind() and
 * made to listen or connected (UDP) through listen() and connect(), so
 * their permission checks and LSM hooks apply.
 */
struct ckpt_hdr_file_inet {
	struct ckpt_hdr h;
	__u32 family;		/* AF_INET, AF_INET6 */
	__u32 protocol;		/* IPPROTO_TCP (a SOCK_STREAM socket) or
				 * IPPROTO_UDP (SOCK_DGRAM)
				 */
	__u32 state;		/* the kernel's TCP state numbers, as
				 * inet_diag reports them: TCP: CLOSE (7,
				 * never connected) or LISTEN (10); UDP:
				 * CLOSE or ESTABLISHED (1, connected)
				 */
	__u32 flags;		/* CKPT_INET_* */
	__u8 laddr[16];		/* the address it is bound to, or any */
	__u8 raddr[16];		/* UDP, ESTABLISHED: its peer's address */
	__u16 lport;		/* its port, 0: none */
	__u16 rport;		/* UDP, ESTABLISHED: its peer's port */
	__u32 backlog;		/* LISTEN: listen()'s backlog */
	__u32 sndbuf;		/* SO_SNDBUF (CKPT_INET_SNDBUF_LOCK) */
	__u32 rcvbuf;		/* SO_RCVBUF (CKPT_INET_RCVBUF_LOCK) */
	__s32 rcvlowat;		/* SO_RCVLOWAT, >= 1 */
	__s32 peek_off;		/* SO_PEEK_OFF, -1: off */
	__u64 sndtimeo_us;	/* SO_SNDTIMEO, 0: none */
	__u64 rcvtimeo_us;	/* SO_RCVTIMEO, 0: none */
	__u32 priority;		/* SO_PRIORITY */
	__u32 mark;		/* SO_MARK */
	__u32 linger;		/* CKPT_INET_LINGER: SO_LINGER's seconds */
	__u32 ip_flags;		/* CKPT_INET_IP_* */
	__u8 tos;		/* IP_TOS */
	__u8 tclass;		/* IPV6_TCLASS */
	__u8 pmtudisc;		/* IP_MTU_DISCOVER: IP_PMTUDISC_* */
	__u8 pmtudisc6;		/* IPV6_MTU_DISCOVER: IPV6_PMTUDISC_* */
	__s16 ttl;		/* IP_TTL, -1: the sysctl's */
	__s16 hops;		/* IPV6_UNICAST_HOPS, -1: the sysctl's */
	/* TCP; 0: the default */
	__u32 tcp_flags;	/* CKPT_INET_TCP_* */
	__u32 defer_accept;	/* TCP_DEFER_ACCEPT, as getsockopt() reports */
	__u32 keepidle;		/* TCP_KEEPIDLE, seconds */
	__u32 keepintvl;	/* TCP_KEEPINTVL, seconds */
	__u32 keepcnt;		/* TCP_KEEPCNT */
	__u32 user_timeout;	/* TCP_USER_TIMEOUT, ms */
	__u32 maxseg;		/* TCP_MAXSEG */
	__u32 syncnt;		/* TCP_SYNCNT */
	__s32 linger2;		/* TCP_LINGER2, seconds, -1: no FIN_WAIT2 */
	__u32 notsent_lowat;	/* TCP_NOTSENT_LOWAT */
	__u32 window_clamp;	/* TCP_WINDOW_CLAMP */
	__u32 fastopen;		/* TCP_FASTOPEN: a listener's queue length */
	__u32 nr_dgrams;	/* UDP: datagrams queued, INET_DGRAM records
				 * after this one, <= CKPT_MAX_INET_DGRAMS
				 */
	__u32 __reserved;
};

/*
 * INET_DGRAM: a datagram a UDP socket has not read yet, as recvmsg()
 * reports it: its bytes, where it came from, and what IP_PKTINFO,
 * IP_RECVTOS, IP_RECVTTL, IPV6_RECVPKTINFO... report of its packet.
 */
struct ckpt_hdr_inet_dgram {
	struct ckpt_hdr h;
	__u32 len;		/* its bytes, after this struct, <=
				 * CKPT_INET_DGRAM_MAX
				 */
	__u16 family;		/* its packet's: AF_INET or AF_INET6 (an
				 * AF_INET6 socket gets both)
				 */
	__u8 tos;		/* the packet's TOS or traffic class */
	__u8 ttl;		/* its TTL or hop limit */
	__u16 sport;		/* the sender's port, host order */
	__u16 dport;		/* the port it was sent to */
	__u8 saddr[16];		/* the sender's address */
	__u8 daddr[16];		/* the address it was sent to */
	__u32 flowlabel;	/* AF_INET6: the packet's flow label */
	__s32 ifindex;		/* the device it came in by, 0: none known */
	char ifname[16];	/* that device's name, NUL-terminated */
	__u8 spec_dst[4];	/* AF_INET: IP_PKTINFO's ipi_spec_dst */
	__u32 __reserved[2];
	/* followed by the datagram's len bytes */
};

/*
 * TCP_CONN: after the FILE_INET record of a TCP connection (state
 * ESTABLISHED), what the kernel's TCP repair interface reads and sets
 * (TCP_QUEUE_SEQ, TCP_REPAIR_OPTIONS, TCP_TIMESTAMP, TCP_REPAIR_WINDOW),
 * then the bytes of its two queues: the bytes written and not
 * acknowledged by the peer (snd_una to write_seq: sent once, then not
 * sent yet), then the bytes received and not read (copied_seq to
 * rcv_nxt). Sequence numbers are the connection's own, compared modulo
 * 2^32 as TCP does. Restart makes the connection again in repair mode
 * (which needs CAP_NET_ADMIN in the restarter's network namespace), so
 * the peer sees a pause, no new handshake.
 */
struct ckpt_hdr_tcp_conn {
	struct ckpt_hdr h;
	__u32 snd_una;		/* the first byte the peer did not acknowledge */
	__u32 snd_nxt;		/* the first byte never sent */
	__u32 write_seq;	/* after the last byte written */
	__u32 rcv_nxt;		/* after the last byte received in order */
	__u32 copied_seq;	/* the first byte not read */
	__u32 snd_wl1;		/* TCP_REPAIR_WINDOW */
	__u32 snd_wnd;
	__u32 max_window;
	__u32 rcv_wnd;
	__u32 rcv_wup;
	__u32 timestamp;	/* TCP_TIMESTAMP (bit 0: microseconds) */
	__u16 mss;		/* the peer's MSS (TCP_REPAIR_OPTIONS) */
	__u8 snd_wscale;	/* CKPT_TCP_WSCALE: the peer's window scale */
	__u8 rcv_wscale;	/* and ours */
	__u32 opts;		/* CKPT_TCP_*: options the handshake agreed */
	__u32 __reserved;
	/* then write_seq - snd_una bytes, then rcv_nxt - copied_seq bytes */
};

#define CKPT_TCP_WSCALE		0x1	/* window scaling */
#define CKPT_TCP_SACK		0x2	/* selective acknowledgments */
#define CKPT_TCP_TSTAMP		0x4	/* timestamps */
#define CKPT_TCP_OPTS_MASK	0x7

/* the address or port was named to bind(); else the kernel chose it */
#define CKPT_INET_BOUND_ADDR	0x1
#define CKPT_INET_BOUND_PORT	0x2
#define CKPT_INET_REUSEADDR	0x4	/* SO_REUSEADDR */
#define CKPT_INET_REUSEPORT	0x8	/* SO_REUSEPORT */
#define CKPT_INET_KEEPALIVE	0x10	/* SO_KEEPALIVE */
#define CKPT_INET_OOBINLINE	0x20	/* SO_OOBINLINE */
#define CKPT_INET_BROADCAST	0x40	/* SO_BROADCAST */
#define CKPT_INET_LINGER	0x80	/* SO_LINGER on (linger: its seconds) */
#define CKPT_INET_SNDBUF_LOCK	0x100	/* SO_SNDBUF was set */
#define CKPT_INET_RCVBUF_LOCK	0x200	/* SO_RCVBUF was set */
#define CKPT_INET_V6ONLY	0x400	/* IPV6_V6ONLY */
/* O_ASYNC: a writer waits for space, a reader for data (SIGIO due) */
#define CKPT_INET_ASYNC_NOSPACE	0x800
#define CKPT_INET_ASYNC_WAITDATA	0x1000
#define CKPT_INET_SHUT_RD	0x2000	/* UDP: shutdown(SHUT_RD) */
#define CKPT_INET_SHUT_WR	0x4000	/* UDP: shutdown(SHUT_WR) */
#define CKPT_INET_FLAGS_MASK	0x7fff

/* ancillary data asked for, and IP options of the socket */
#define CKPT_INET_IP_PKTINFO		0x1	/* IP_PKTINFO */
#define CKPT_INET_IP_RECVTTL		0x2	/* IP_RECVTTL */
#define CKPT_INET_IP_RECVTOS		0x4	/* IP_RECVTOS */
#define CKPT_INET_IP_RECVOPTS		0x8	/* IP_RECVOPTS */
#define CKPT_INET_IP_RETOPTS		0x10	/* IP_RETOPTS */
#define CKPT_INET_IP_ORIGDSTADDR	0x20	/* IP_RECVORIGDSTADDR */
#define CKPT_INET_IP_RECVERR		0x40	/* IP_RECVERR */
#define CKPT_INET_IP_FREEBIND		0x80	/* IP_FREEBIND */
#define CKPT_INET_IP_TRANSPARENT	0x100	/* IP_TRANSPARENT */
#define CKPT_INET_IP_BIND_NO_PORT	0x200	/* IP_BIND_ADDRESS_NO_PORT */
#define CKPT_INET_IPV6_RECVPKTINFO	0x400	/* IPV6_RECVPKTINFO */
#define CKPT_INET_IPV6_RECVHOPLIMIT	0x800	/* IPV6_RECVHOPLIMIT */
#define CKPT_INET_IPV6_RECVTCLASS	0x1000	/* IPV6_RECVTCLASS */
#define CKPT_INET_IPV6_ORIGDSTADDR	0x2000	/* IPV6_RECVORIGDSTADDR */
#define CKPT_INET_IPV6_RECVERR		0x4000	/* IPV6_RECVERR */
#define CKPT_INET_IP_FLAGS_MASK		0x7fff

#define CKPT_INET_TCP_NODELAY	0x1	/* TCP_NODELAY */
#define CKPT_INET_TCP_CORK	0x2	/* TCP_CORK */
#define CKPT_INET_TCP_FLAGS_MASK	0x3

#define CKPT_FD_CLOEXEC		0x1

struct ckpt_fd {
	__u32 fd;
	__u32 objref;		/* a FILE record earlier in the image */
	__u32 flags;		/* CKPT_FD_* */
	__u32 __reserved;
};

struct ckpt_hdr_fdtable {
	struct ckpt_hdr h;
	__u32 nr_fds;
	__u32 nr_locks;		/* <= CKPT_MAX_LOCKS; not 0: LOCKS follows */
	/* followed by nr_fds struct ckpt_fd, fd numbers increasing */
};

enum ckpt_lock_kind {
	CKPT_LOCK_FLOCK = 1,	/* flock(): owned by the open file */
	CKPT_LOCK_POSIX,	/* fcntl(F_SETLK): owned by the fd table */
	CKPT_LOCK_OFD,		/* fcntl(F_OFD_SETLK): owned by the open file */
	CKPT_LOCK_KIND_MAX	/* one past the last kind */
};

/*
 * A file lock held through an fd of the table: a POSIX lock of the
 * process on the file's inode, or a flock() or OFD lock of the open file
 * (listed by every table that holds that file).
 */
struct ckpt_file_lock {
	__u32 fd;		/* in the FDTABLE before */
	__u16 kind;		/* enum ckpt_lock_kind */
	__u16 type;		/* F_RDLCK or F_WRLCK */
	__s64 start;		/* first byte; flock(): 0 */
	__s64 len;		/* bytes; 0: to the end of the file, and flock() */
};

/* LOCKS: the locks of the FDTABLE before, nr_locks of them */
struct ckpt_hdr_locks {
	struct ckpt_hdr h;
	__u32 nr_locks;		/* the FDTABLE's, > 0 */
	__u32 __reserved;
	/* followed by nr_locks struct ckpt_file_lock */
};

struct ckpt_sigaction {
	__u64 handler;		/* SIG_DFL 0, SIG_IGN 1, or a user address */
	__u64 flags;		/* SA_* */
	__u64 restorer;
	__u64 mask;
};

struct ckpt_hdr_sighand {
	struct ckpt_hdr h;
	__u32 nr_signals;	/* CKPT_NSIG */
	__u32 __reserved;
	struct ckpt_sigaction action[CKPT_NSIG];	/* signal n at [n - 1] */
};

#define CKPT_SIGINFO_SHARED	0x1	/* process-wide pending */

struct ckpt_siginfo {
	__u32 flags;		/* CKPT_SIGINFO_* */
	__u32 __reserved;
	__u8 info[128];		/* siginfo_t as the arch lays it out */
};

struct ckpt_hdr_signal {
	struct ckpt_hdr h;
	__u64 blocked;
	__u64 sas_ss_sp;
	__u64 sas_ss_size;
	__u32 sas_ss_flags;
	__u32 nr_pending;
	/* followed by nr_pending struct ckpt_siginfo */
};

/*
 * A system call to resume through restart_syscall(): kind is CKPT_RB_NONE
 * unless the task left a call with -ERESTART_RESTARTBLOCK (-516). Times
 * are what was left, so a wait resumes with the time it had left.
 *
 * addr: NANOSLEEP the rmtp pointer, FUTEX the futex word, POLL the struct
 * pollfd array. arg: NANOSLEEP 0 without rmtp, 1 with a native timespec;
 * FUTEX CKPT_RB_FUTEX_* flags; POLL nfds.
 */
struct ckpt_restart_block {
	__u32 kind;		/* CKPT_RB_* */
	__s32 clockid;		/* the clock of the timeout */
	__u64 addr;
	__s64 remaining;	/* nanoseconds left; POLL: -1, no timeout */
	__u32 arg;
	__u32 val;		/* FUTEX: the value expected at addr */
	__u32 bitset;		/* FUTEX: the wait bitset, not 0 */
	__u32 __reserved;
};

#define CKPT_RB_NONE		0
#define CKPT_RB_NANOSLEEP	1	/* nanosleep(), clock_nanosleep() */
#define CKPT_RB_FUTEX		2	/* FUTEX_WAIT(_BITSET) with a timeout */
#define CKPT_RB_POLL		3	/* poll() */
#define CKPT_RB_MAX		4

#define CKPT_RB_FUTEX_SHARED	0x1	/* not FUTEX_PRIVATE_FLAG */

/* x86-64 user registers, in struct user_regs_struct order */
struct ckpt_hdr_cpu {
	struct ckpt_hdr h;
	__u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	__u64 ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
	__u64 fs_base, gs_base, ds, es, fs, gs;
	struct ckpt_restart_block rb;
};

struct ckpt_hdr_fpu {
	struct ckpt_hdr h;
	__u32 size;		/* bytes of XSAVE (uabi layout) that follow */
	__u32 __reserved;
	/* followed by the XSAVE buffer, padded to 8 */
};

struct ckpt_hdr_mm {
	struct ckpt_hdr h;
	__u64 start_code, end_code, start_data, end_data;
	__u64 start_brk, brk, start_stack;
	__u64 arg_start, arg_end, env_start, env_end;
	__u64 vdso;		/* vDSO text address, 0 if none */
	__u64 vdso_size;	/* identifies the vDSO image... */
	__u64 vdso_hash;	/* ...with an xxh64 of its text */
	__u32 nr_vmas;
	__u32 nr_auxv;		/* __u64 words used in auxv[] */
	__u64 auxv[CKPT_AUXV_MAX];
	__u32 exe_len;		/* bytes of exe path, including NUL; 0: none */
	__u32 flags;		/* CKPT_MM_F_* */
	/* followed by the executable's path, NUL terminated, padded to 8 */
};

/* mlockall(MCL_FUTURE), and with MCL_ONFAULT: locks mappings made later */
#define CKPT_MM_F_LOCK_FUTURE	0x1
#define CKPT_MM_F_LOCK_ONFAULT	0x2
/* membarrier(MEMBARRIER_CMD_REGISTER_*) registrations of the mm */
#define CKPT_MM_F_MB_GLOBAL_EXPEDITED		0x4
#define CKPT_MM_F_MB_PRIVATE_EXPEDITED		0x8
#define CKPT_MM_F_MB_PRIVATE_EXPEDITED_SYNC_CORE	0x10
#define CKPT_MM_F_MB_PRIVATE_EXPEDITED_RSEQ	0x20
#define CKPT_MM_F_MB_MASK	0x3c
/* prctl(PR_SET_MDWE): PR_MDWE_REFUSE_EXEC_GAIN, and PR_MDWE_NO_INHERIT */
#define CKPT_MM_F_MDWE		0x40
#define CKPT_MM_F_MDWE_NO_INHERIT	0x80
/* prctl(PR_SET_MEMORY_MERGE): KSM merges every mapping it can */
#define CKPT_MM_F_MERGE_ANY	0x100
/*
 * The mm starts as a copy of its parent process's restored mm, as fork()
 * made it (the parent comes before it in the image, with an mm of its
 * own): the vmas marked CKPT_VMA_F_INHERITED keep the pages that copy
 * shares, everything else is mapped from the image as usual
 */
#define CKPT_MM_F_FORKED	0x200
#define CKPT_MM_F_MASK		0x3ff

enum ckpt_vma_type {
	CKPT_VMA_ANON = 1,	/* private anonymous (heap, stack, mmap) */
	CKPT_VMA_SHARED_ANON,	/* MAP_SHARED|MAP_ANONYMOUS */
	CKPT_VMA_FILE,		/* private or shared file mapping */
	CKPT_VMA_VDSO,
	CKPT_VMA_VVAR,
	CKPT_VMA_MEMFD,		/* a memfd's, shared or private */
	CKPT_VMA_DELETED,	/* a deleted file's, shared or private */
	CKPT_VMA_MAX
};

#define CKPT_VMA_F_SHARED	0x1	/* MAP_SHARED */
#define CKPT_VMA_F_GROWSDOWN	0x2
#define CKPT_VMA_F_MAYWRITE	0x4	/* shared file mapping opened rw */
/* madvise() advice, each given again with its madvise() */
#define CKPT_VMA_F_DONTFORK	0x8	/* MADV_DONTFORK */
#define CKPT_VMA_F_WIPEONFORK	0x10	/* MADV_WIPEONFORK: private anon */
#define CKPT_VMA_F_DONTDUMP	0x20	/* MADV_DONTDUMP */
#define CKPT_VMA_F_HUGEPAGE	0x40	/* MADV_HUGEPAGE */
#define CKPT_VMA_F_NOHUGEPAGE	0x80	/* MADV_NOHUGEPAGE */
#define CKPT_VMA_F_MERGEABLE	0x100	/* MADV_MERGEABLE (KSM) */
/* mlock(), MAP_LOCKED or mlockall(MCL_CURRENT); with MLOCK_ONFAULT */
#define CKPT_VMA_F_LOCKED	0x200
#define CKPT_VMA_F_LOCKONFAULT	0x400
/*
 * DELETED: this vma's file is the executable, deleted since the exec
 * (the MM record names no path then); one vma of an mm at most
 */
#define CKPT_VMA_F_EXE		0x800
/*
 * FORKED mm: this private vma is the one fork() copied from the parent's
 * vma at the same addresses (same kind, file, offset, protection and
 * advice); its PAGES may name the parent's pages (CKPT_PAGE_PARENT)
 */
#define CKPT_VMA_F_INHERITED	0x1000
#define CKPT_VMA_F_MASK		0x1fff

struct ckpt_hdr_vma {
	struct ckpt_hdr h;
	__u64 start;
	__u64 end;
	__u64 pgoff;		/* in pages */
	__u32 type;		/* enum ckpt_vma_type */
	__u32 prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC */
	__u32 flags;		/* CKPT_VMA_F_* */
	__u32 path_len;		/* FILE: bytes of path, including NUL */
	__u32 shm_objref;	/* SHARED_ANON, MEMFD, DELETED: its object;
				 * FILE: its INODE record, or 0
				 */
	__u32 __reserved;
	__u64 shm_size;		/* SHARED_ANON: that object's size in bytes */
	/* followed by the path, NUL terminated, padded to 8 */
};

/*
 * Page contents of the preceding VMA: nr_pages addresses (increasing,
 * page aligned, inside the vma), then the pages of page_size bytes.
 * A PAGES record with nr_pages == 0 ends the vma.
 *
 * In a CKPT_VMA_F_INHERITED vma, nr_parent of the addresses carry
 * CKPT_PAGE_PARENT: the page there is the parent's page at the same
 * address, still shared copy-on-write as fork() left it, and no contents
 * follow for it. The contents of the other nr_pages - nr_parent pages
 * follow in address order.
 */
struct ckpt_hdr_pages {
	struct ckpt_hdr h;
	__u32 nr_pages;		/* <= CKPT_PAGES_MAX */
	__u32 nr_parent;	/* <= nr_pages; 0 outside an INHERITED vma */
	/* followed by __u64 addr[nr_pages], then the pages */
};

#define CKPT_PAGE_PARENT	0x1	/* in addr[]: the parent's page */

struct ckpt_hdr_trailer {
	struct ckpt_hdr h;
	__u64 magic;		/* CKPT_TRAILER_MAGIC */
	__u64 csum;		/* of every image byte before this record */
};

/*
 * The bounds of every record's len, in one place for the kernel's reader
 * and the tools (ckpt info, the fuzzer): at least the struct the record
 * starts with, at most CKPT_REC_<TYPE>_MAX, the struct plus the largest
 * variable payload a reader accepts after it, rounded up to 8.
 */
#define CKPT_PAGE_SIZE		4096

/* an extensible record's struct may grow up to this */
#define CKPT_REC_EXT_MAX	512

#define CKPT_REC_MAX_LEN(s, var)					\
	((sizeof(s) + (__u64)(var) + 7) & ~(__u64)7)

#define CKPT_REC_HEADER_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_header, 0)
#define CKPT_REC_TREE_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_tree, \
			 CKPT_MAX_TASKS * sizeof(struct ckpt_task_pids))
#define CKPT_REC_TASK_MIN	128	/* up to dumpable: the first TASK */
#define CKPT_REC_FILE_MIN	32	/* up to pos: the first FILE */
#define CKPT_REC_FILE_UNIX_MIN	80	/* up to __reserved: the first FILE_UNIX */
#define CKPT_REC_TASK_MAX	CKPT_REC_EXT_MAX
#define CKPT_REC_CREDS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_creds, CKPT_MAX_GROUPS * 4)
#define CKPT_REC_RLIMITS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_rlimits, 0)
#define CKPT_REC_FS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_fs, 2 * CKPT_PATH_MAX)
#define CKPT_REC_FILE_MAX	CKPT_REC_EXT_MAX
#define CKPT_REC_FDTABLE_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_fdtable, \
			 CKPT_MAX_FDS * sizeof(struct ckpt_fd))
#define CKPT_REC_SIGHAND_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_sighand, 0)
#define CKPT_REC_SIGNAL_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_signal, \
			 CKPT_MAX_PENDING * sizeof(struct ckpt_siginfo))
#define CKPT_REC_CPU_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_cpu, 0)
#define CKPT_REC_FPU_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_fpu, CKPT_FPU_MAX)
#define CKPT_REC_MM_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_mm, CKPT_PATH_MAX)
#define CKPT_REC_VMA_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_vma, CKPT_PATH_MAX)
#define CKPT_REC_PAGES_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_pages, \
			 CKPT_PAGES_MAX * (8 + CKPT_PAGE_SIZE))
#define CKPT_REC_TRAILER_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_trailer, 0)
#define CKPT_REC_PIPE_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_pipe, CKPT_PIPE_MAX)
#define CKPT_REC_TIMERS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_timers, \
			 CKPT_MAX_TIMERS * sizeof(struct ckpt_posix_timer))
#define CKPT_REC_STRING_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_string, CKPT_PATH_MAX)
#define CKPT_REC_FILE_CHR_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_INHERIT_MAX	CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_PIPE_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_EVENTFD_MAX	CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_EPOLL_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_SIGNALFD_MAX	CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_TIMERFD_MAX	CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_INOTIFY_MAX	CKPT_REC_EXT_MAX
#define CKPT_REC_INOTIFY_WATCHES_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_inotify_watches, \
			 CKPT_INOTIFY_WATCHES_BYTES)
#define CKPT_REC_INOTIFY_EVENTS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_inotify_events, \
			 CKPT_MAX_INOTIFY_EVENTS * CKPT_INOTIFY_EVENT_MAX)
#define CKPT_REC_EPOLL_ITEMS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_epoll_items, \
			 CKPT_MAX_EPOLL_ITEMS * sizeof(struct ckpt_epoll_item))
#define CKPT_REC_UNIX_PAIR_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_pair, 0)
#define CKPT_REC_FILE_UNIX_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_UNIX_QUEUE_MIN		24	/* up to bytes: the first */
#define CKPT_REC_UNIX_QUEUE_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_UNIX_SENDER_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_sender, 0)
#define CKPT_REC_UNIX_EMBRYO_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_embryo, 0)
#define CKPT_REC_UNIX_MSG_FROM_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_msg_from, CKPT_UNIX_MSG_MAX)
#define CKPT_REC_UNIX_MSG_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_msg, CKPT_UNIX_MSG_MAX)
#define CKPT_REC_UNIX_MSG_FDS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_msg_fds, CKPT_UNIX_MSG_MAX)
#define CKPT_REC_UNIX_FDS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_unix_fds, \
			 CKPT_MAX_UNIX_INFLIGHT * sizeof(__u32))
#define CKPT_REC_LOCKS_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_locks, \
			 CKPT_MAX_LOCKS * sizeof(struct ckpt_file_lock))
#define CKPT_REC_MEMFD_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_memfd, CKPT_MEMFD_NAME_MAX)
#define CKPT_REC_FILE_MEMFD_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_DELETED_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_deleted, CKPT_PATH_MAX)
#define CKPT_REC_FILE_DELETED_MAX	CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_PIDFD_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_INODE_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_PROC_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_FILE_INET_MAX		CKPT_REC_EXT_MAX
#define CKPT_REC_INET_DGRAM_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_inet_dgram, CKPT_INET_DGRAM_MAX)
#define CKPT_REC_TCP_CONN_MAX \
	CKPT_REC_MAX_LEN(struct ckpt_hdr_tcp_conn, 2 * CKPT_TCP_QUEUE_MAX)

#endif /* _UAPI_LINUX_CHECKPOINT_HDR_H */
