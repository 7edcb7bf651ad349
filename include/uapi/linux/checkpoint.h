/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * checkpoint() and restart() system calls: flags.
 *
 *   long checkpoint(pid_t pid, int fd, unsigned long flags, int logfd);
 *   long restart(pid_t pid, int fd, unsigned long flags, int logfd);
 *
 * See Documentation/checkpoint/usage.rst.
 */
#ifndef _UAPI_LINUX_CHECKPOINT_H
#define _UAPI_LINUX_CHECKPOINT_H

/* checkpoint() flags */
#define CHECKPOINT_SUBTREE	0x1UL	/* root need not be a pid-ns init */
/*
 * checkpoint: the coordinator kills the tree next. Its TCP connections
 * are left in repair mode, and what their peers send is dropped, until a
 * restart in the same network namespace takes them over: the kill sends
 * neither FIN nor RST, the peers see a pause.
 */
#define CHECKPOINT_NET_LOCK	0x2UL
#define CHECKPOINT_FLAGS_MASK	(CHECKPOINT_SUBTREE | CHECKPOINT_NET_LOCK)

/* restart() flags */
#define RESTART_TASKSELF	0x1UL	/* the caller becomes the restored task */
#define RESTART_FROZEN		0x2UL	/* reserved: leave restored tasks frozen */
#define RESTART_VALIDATE	0x4UL	/* read and check the image, restore nothing */
/* restart: a CPU this machine lacks leaves the affinities that have it */
#define RESTART_DROP_CPUS	0x8UL
/*
 * restart: a file reopened by path may be another file than the one the
 * checkpoint saw (the image moved to another machine)
 */
#define RESTART_ACCEPT_REPLACED	0x10UL
#define RESTART_FLAGS_MASK	(RESTART_TASKSELF | RESTART_FROZEN | \
				 RESTART_VALIDATE | RESTART_DROP_CPUS | \
				 RESTART_ACCEPT_REPLACED)

#if defined(__x86_64__) && !defined(__ILP32__)
#ifndef __NR_checkpoint
#define __NR_checkpoint		463
#endif
#ifndef __NR_restart
#define __NR_restart		464
#endif
#endif

#endif /* _UAPI_LINUX_CHECKPOINT_H */
