// SPDX-License-Identifier: GPL-2.0-only
/*
 * checkpoint() and restart(): argument checks, permission checks, the
 * lifetime of the per-operation context, and the admin sysctl.
 *
 * Arguments are checked in a fixed order, which the selftests pin:
 * unknown flags, the admin sysctl, the image fd, the log fd, then the pid.
 */
#include <linux/syscalls.h>
#include <linux/file.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/ptrace.h>
#include <linux/freezer.h>
#include <linux/capability.h>
#include <linux/sysctl.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include "internal.h"

/* 1: unprivileged callers may use both syscalls; 0: only privileged ones */
int sysctl_ckpt_unpriv_allowed __read_mostly = 1;

static atomic64_t ckpt_last_id = ATOMIC64_INIT(0);

static bool ckpt_capable(void)
{
	return capable(CAP_CHECKPOINT_RESTORE) || capable(CAP_SYS_ADMIN);
}

static int ckpt_check_sysctl(void)
{
	if (!READ_ONCE(sysctl_ckpt_unpriv_allowed) && !ckpt_capable())
		return -EPERM;
	return 0;
}

/*
 * The image fd (with its position locked, in @mode) and the log fd (-1, or
 * open for writing), checked the same way by both system calls.
 */
static int ckpt_get_fds(int fd, fmode_t mode, int logfd, struct fd *f,
			struct file **logfile)
{
	*logfile = NULL;
	*f = fdget_pos(fd);
	if (!fd_file(*f))
		return -EBADF;
	if (!(fd_file(*f)->f_mode & mode))
		goto bad;
	if (logfd == -1)
		return 0;
	*logfile = fget(logfd);
	if (*logfile && (*logfile)->f_mode & FMODE_WRITE)
		return 0;
	if (*logfile)
		fput(*logfile);
	*logfile = NULL;
bad:
	fdput_pos(*f);
	return -EBADF;
}

static struct ckpt_ctx *ckpt_ctx_alloc(struct file *file,
				       struct file *logfile,
				       unsigned long flags, bool restart)
{
	struct ckpt_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return NULL;
	ctx->pages = kcalloc(CKPT_PAGES_MAX, sizeof(*ctx->pages), GFP_KERNEL);
	ctx->addrs = kcalloc(CKPT_PAGES_MAX, sizeof(*ctx->addrs), GFP_KERNEL);
	ctx->bvec = kcalloc(CKPT_PAGES_MAX, sizeof(*ctx->bvec), GFP_KERNEL);
	if (!ctx->pages || !ctx->addrs || !ctx->bvec) {
		kfree(ctx->pages);
		kfree(ctx->addrs);
		kfree(ctx->bvec);
		kfree(ctx);
		return NULL;
	}
	/*
	 * A reference of our own: fdget_pos() may borrow the fd table's,
	 * and a restart replaces the fd table.
	 */
	ctx->file = get_file(file);
	ctx->logfile = logfile;
	ctx->flags = flags;
	ctx->restart = restart;
	if (!(file->f_mode & FMODE_STREAM)) {
		ctx->pos = file->f_pos;
		ctx->ppos = &ctx->pos;
	}
	xxh64_reset(&ctx->csum, 0);
	ckpt_objhash_init(&ctx->objhash);
	xa_init(&ctx->shm_saved);
	xa_init(&ctx->file_late);
	xa_init(&ctx->net_locks);
	return ctx;
}

static void ckpt_ctx_free(struct ckpt_ctx *ctx)
{
	unsigned int i;

	ckpt_free_tfiles(ctx);
	ckpt_objhash_free(&ctx->objhash);
	ckpt_free_shm_saved(ctx);
	ckpt_free_file_late(ctx);
	/* each lock is the undo list's, which frees it */
	xa_destroy(&ctx->net_locks);
	fput(ctx->file);
	for (i = 0; ctx->tasks && i < ctx->nr_tasks; i++)
		put_task_struct(ctx->tasks[i].t);
	kvfree(ctx->tasks);
	if (ctx->pidns)
		put_pid_ns(ctx->pidns);
	if (ctx->root)
		put_task_struct(ctx->root);
	kfree(ctx->pages);
	kfree(ctx->addrs);
	kfree(ctx->bvec);
	kfree(ctx);
}

/*
 * A checkpoint interrupted by a signal must not be restarted by the
 * syscall-restart machinery: part of the image is already written.
 */
static long ckpt_fix_restart_errno(long ret)
{
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	    ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		return -EINTR;
	return ret;
}

/*
 * Writing the image to a pipe or socket whose reader went away raises
 * SIGPIPE in the writer. checkpoint() reports -EPIPE instead: SIGPIPE is
 * blocked around the writes (so it cannot kill the caller), and a SIGPIPE
 * that the image writes raised is dequeued again.
 */
static bool ckpt_block_sigpipe(sigset_t *saved)
{
	sigset_t blocked;
	bool was_pending;

	spin_lock_irq(&current->sighand->siglock);
	was_pending = sigismember(&current->pending.signal, SIGPIPE) ||
		sigismember(&current->signal->shared_pending.signal, SIGPIPE);
	*saved = current->blocked;
	spin_unlock_irq(&current->sighand->siglock);
	blocked = *saved;
	sigaddset(&blocked, SIGPIPE);
	set_current_blocked(&blocked);
	return was_pending;
}

static void ckpt_unblock_sigpipe(sigset_t *saved, bool was_pending)
{
	if (!was_pending) {
		kernel_siginfo_t info;
		enum pid_type type;
		sigset_t mask;

		siginitsetinv(&mask, sigmask(SIGPIPE));
		spin_lock_irq(&current->sighand->siglock);
		while (sigismember(&current->pending.signal, SIGPIPE) ||
		       sigismember(&current->signal->shared_pending.signal,
				   SIGPIPE))
			if (!dequeue_signal(&mask, &info, &type))
				break;
		recalc_sigpending();
		spin_unlock_irq(&current->sighand->siglock);
	}
	set_current_blocked(saved);
}

/*
 * Cross-task permission, as pidfd_getfd() does it: hold exec_update_lock
 * so the task cannot exec into new credentials while we check.
 */
/**
 * ckpt_may_checkpoint() - may the caller checkpoint @t?
 * @t: the task
 *
 * Return: 0, -EPERM if the caller may not ptrace-attach to the task,
 * -ESRCH if it is exiting, or -EINTR if a fatal signal interrupts the
 * wait for its exec_update_lock.
 */
int ckpt_may_checkpoint(struct task_struct *t)
{
	int ret;

	ret = down_read_killable(&t->signal->exec_update_lock);
	if (ret)
		return ret;
	if (!ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS))
		ret = -EPERM;
	else if (t->flags & PF_EXITING)
		ret = -ESRCH;
	up_read(&t->signal->exec_update_lock);
	return ret;
}

/**
 * ckpt_task_frozen() - is @t frozen by the cgroup freezer (v2 or v1)?
 * @t: the task
 *
 * Return: true if @t is frozen, false otherwise.
 */
bool ckpt_task_frozen(struct task_struct *t)
{
	return t->frozen || frozen(t);
}

/**
 * sys_checkpoint - save a process tree as an image
 * @pid: root of the tree in the caller's pid namespace; 0 for the caller
 *       itself (self checkpoint)
 * @fd: file descriptor open for writing; the image is written at its
 *      current position, which advances
 * @flags: %CHECKPOINT_SUBTREE, %CHECKPOINT_NET_LOCK (the caller kills the
 *         tree next: its TCP connections stay silent until a restart
 *         takes them over), or 0
 * @logfd: -1, or a file descriptor that receives human-readable lines
 *         explaining a refusal
 *
 * A failed checkpoint leaves every task as it was. Its errors:
 *
 * - %EINVAL: @flags has unknown bits, @pid is not the init of a pid
 *   namespace and %CHECKPOINT_SUBTREE is not set, or @pid is 0 with
 *   %CHECKPOINT_NET_LOCK;
 * - %EPERM: kernel.ckpt_unpriv_allowed is 0 and the caller lacks
 *   CAP_CHECKPOINT_RESTORE/CAP_SYS_ADMIN, or the caller may not
 *   ptrace-attach to the tree, or %CHECKPOINT_NET_LOCK without
 *   CAP_NET_ADMIN in the network namespace of a TCP connection;
 * - %EBADF: @fd is not open for writing, or @logfd is neither -1 nor open
 *   for writing;
 * - %ESRCH: no task @pid;
 * - %EBUSY: a task of the tree is not frozen by the cgroup freezer, or
 *   (without %CHECKPOINT_SUBTREE) shares a file or other resource with a
 *   task outside the tree;
 * - %EOPNOTSUPP: the tree holds a resource that cannot be saved yet (a log
 *   line names it);
 * - %EINTR: a signal interrupted the checkpoint;
 * - %ENOSPC: %CHECKPOINT_NET_LOCK past 65536 connections locked;
 * - %ENOMEM, and errors of writing to @fd (%ENOSPC, %EPIPE, ...).
 *
 * Return: the checkpoint id (> 0), or a negative errno from the list
 * above. A task restored from a self checkpoint resumes returning 0
 * from this call.
 */
SYSCALL_DEFINE4(checkpoint, pid_t, pid, int, fd, unsigned long, flags,
		int, logfd)
{
	struct task_struct *task = NULL;
	struct file *logfile;
	struct ckpt_ctx *ctx;
	sigset_t saved_blocked;
	bool sigpipe_pending;
	struct fd f;
	long ret;

	if (flags & ~CHECKPOINT_FLAGS_MASK)
		return -EINVAL;
	/* a task that goes on cannot leave its connections locked */
	if (!pid && flags & CHECKPOINT_NET_LOCK)
		return -EINVAL;
	ret = ckpt_check_sysctl();
	if (ret)
		return ret;

	ret = ckpt_get_fds(fd, FMODE_WRITE, logfd, &f, &logfile);
	if (ret)
		return ret;

	if (pid < 0) {
		ret = -ESRCH;
		goto out_logput;
	}
	if (pid) {
		task = find_get_task_by_vpid(pid);
		if (!task) {
			ret = -ESRCH;
			goto out_logput;
		}
		ret = ckpt_may_checkpoint(task);
		if (ret)
			goto out_put_task;
		if (!(flags & CHECKPOINT_SUBTREE) && !is_child_reaper(task_pid(task))) {
			ckpt_log_file(logfile, "checkpoint",
				      "pid %d is not a pid namespace init: use CHECKPOINT_SUBTREE",
				      pid);
			ret = -EINVAL;
			goto out_put_task;
		}
		if (!ckpt_task_frozen(task)) {
			ckpt_log_file(logfile, "checkpoint",
				      "pid %d is not frozen", pid);
			ret = -EBUSY;
			goto out_put_task;
		}
	} else {
		task = get_task_struct(current);
	}

	ret = -ENOMEM;
	ctx = ckpt_ctx_alloc(fd_file(f), logfile, flags, false);
	if (!ctx)
		goto out_put_task;
	ctx->root = task;
	ctx->self = !pid;
	ctx->container = pid && is_child_reaper(task_pid(task));
	ctx->pidns = get_pid_ns(task_active_pid_ns(task));
	task = NULL;
	ctx->id = atomic64_inc_return(&ckpt_last_id);

	sigpipe_pending = ckpt_block_sigpipe(&saved_blocked);
	ctx->saved_blocked = saved_blocked;
	ctx->have_saved_blocked = true;
	ret = ckpt_do_checkpoint(ctx);
	ckpt_unblock_sigpipe(&saved_blocked, sigpipe_pending);
	if (!ret) {
		if (ctx->ppos)
			fd_file(f)->f_pos = ctx->pos;
		ret = ctx->id;
	}
	ckpt_ctx_free(ctx);
	ret = ckpt_fix_restart_errno(ret);
out_put_task:
	if (task)
		put_task_struct(task);
out_logput:
	if (logfile)
		fput(logfile);
	fdput_pos(f);
	return ret;
}

/**
 * sys_restart - restore a process tree from an image
 * @pid: with %RESTART_TASKSELF, 0 or the caller's pid; otherwise 0
 * @fd: file descriptor open for reading; the image is read from its
 *      current position and exactly the image's bytes are consumed
 * @flags: %RESTART_TASKSELF (the caller becomes the single task of the
 *         image, like execve()); %RESTART_VALIDATE (read and check the
 *         whole image as such a restart would, then restore nothing);
 *         %RESTART_DROP_CPUS (a CPU this machine lacks leaves the CPU
 *         affinities that name it, instead of failing the restart);
 *         %RESTART_ACCEPT_REPLACED (a file reopened by path may be
 *         another file than the one the checkpoint saw);
 *         %RESTART_FROZEN is reserved
 * @logfd: -1, or a file descriptor that receives human-readable lines
 *         explaining a refusal
 *
 * With %RESTART_TASKSELF a successful restart does not return to the
 * caller: the restored program resumes, seeing 0 from its checkpoint().
 * On error, before the point of no return, the caller gets:
 *
 * - %EINVAL: unknown or reserved @flags, a bad @pid, or a malformed image
 *   (wrong magic, version, architecture, checksum, or any invalid field);
 * - %EPERM: kernel.ckpt_unpriv_allowed is 0 and the caller is not
 *   privileged, or the image asks for credentials, limits or a root the
 *   caller could not give itself;
 * - %EBADF: @fd is not open for reading, or @logfd is bad;
 * - %EOPNOTSUPP: the image needs something not supported yet;
 * - %EBUSY: without %RESTART_TASKSELF, a pid of the image is in use; a
 *   file lock of the image is held by another process;
 * - %ENODEV: without %RESTART_DROP_CPUS, a CPU affinity of the image has
 *   a CPU this machine lacks;
 * - %ESTALE: without %RESTART_ACCEPT_REPLACED, a file reopened by path is
 *   another file than the checkpoint saw (replaced at its path since);
 * - %ENOMEM, %EINTR, and errors of reading @fd or of reopening files.
 *
 * After the point of no return (the commit of the validated state) a
 * failure kills the caller with SIGKILL.
 *
 * With %RESTART_VALIDATE nothing is restored and the caller is never
 * changed: the call returns what a restart of the image would have
 * failed with (a taken pid is not checked), or 0.
 *
 * Return: with %RESTART_VALIDATE, 0 for a valid image; without
 * %RESTART_TASKSELF, the pid of the restored root process in the caller's
 * pid namespace; with it, nothing on success (the restored program
 * resumes instead). On error, a negative errno from the
 * list above.
 */
SYSCALL_DEFINE4(restart, pid_t, pid, int, fd, unsigned long, flags,
		int, logfd)
{
	struct file *logfile;
	struct ckpt_ctx *ctx;
	struct fd f;
	long ret;

	if (flags & ~RESTART_FLAGS_MASK)
		return -EINVAL;
	if (flags & ~RESTART_FLAGS_SUPPORTED)
		return -EINVAL;
	ret = ckpt_check_sysctl();
	if (ret)
		return ret;

	ret = ckpt_get_fds(fd, FMODE_READ, logfd, &f, &logfile);
	if (ret)
		return ret;

	ret = -EINVAL;
	if (flags & RESTART_TASKSELF) {
		if (pid != 0 && pid != task_pid_vnr(current))
			goto out_logput;
	} else if (pid != 0) {
		goto out_logput;
	}

	ret = -ENOMEM;
	ctx = ckpt_ctx_alloc(fd_file(f), logfile, flags, true);
	if (!ctx)
		goto out_logput;
	ret = ckpt_do_restart(ctx);
	if (!ret && ctx->ppos)
		fd_file(f)->f_pos = ctx->pos;
	/*
	 * The restored fd table may no longer hold the image file: unlock
	 * its position while the context still holds a reference.
	 */
	fdput_pos(f);
	ckpt_ctx_free(ctx);
	if (logfile)
		fput(logfile);
	return ckpt_fix_restart_errno(ret);
out_logput:
	if (logfile)
		fput(logfile);
	fdput_pos(f);
	return ret;
}

static struct ctl_table ckpt_sysctls[] = {
	{
		.procname	= "ckpt_unpriv_allowed",
		.data		= &sysctl_ckpt_unpriv_allowed,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "ckpt_deleted_max",
		.data		= &sysctl_ckpt_deleted_max,
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
};

static int __init ckpt_init(void)
{
	ckpt_records_check();
	ckpt_obj_ops_check();
	ckpt_file_ops_check();
	register_sysctl_init("kernel", ckpt_sysctls);
	return 0;
}
late_initcall(ckpt_init);
