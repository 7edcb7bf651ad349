// SPDX-License-Identifier: GPL-2.0-only
/*
 * The restart driver.
 *
 * Every record is read and validated into a struct ckpt_rstate per task
 * first; the memory of each process is built in a fresh mm that the
 * restarter fills as its own for a moment and then sets aside. Nothing is
 * applied until the whole image has been read and its trailer checksum
 * verified.
 *
 * RESTART_TASKSELF: the caller becomes the single task of the image, like
 * execve(). After the trailer, the FPU state is loaded (validated by the
 * kernel, undoable); then comes the point of no return: the built mm
 * replaces the caller's and the staged state is installed. A failure
 * before it returns the error to the caller unharmed; after it the caller
 * is killed and never returns to user mode.
 *
 * Coordinator mode: the whole tree is created in the kernel as children
 * of the caller, each task with its original pid (kernel_clone() with
 * set_tid; a container image in a new pid namespace). Each process creates
 * its threads and children from its own context, installs its own state,
 * and waits. When every task is ready the coordinator lets them all go;
 * if any fails, or the coordinator gets a fatal signal, every task
 * created is killed, before any of them ran user code.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/mm.h>
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/path.h>
#include <linux/wait.h>
#include <linux/syscalls.h>
#include <linux/pid_namespace.h>
#include <linux/wait.h>
#include <uapi/linux/wait.h>
#include "internal.h"

/**
 * struct ckpt_rsync - coordinator mode: hand-off between the tasks
 * @live:	tasks that may still touch the context (the coordinator waits
 *		for none before freeing it)
 * @pending:	tasks not ready yet
 * @error:	first error of any task
 * @grouped:	tasks that did not join their process group yet
 * @go:		0 while restoring, CKPT_GO_GROUPS: every task exists, join
 *		process groups, CKPT_GO_RUN: return to user mode, -1: die
 * @wq:		the coordinator waits here
 * @go_wq:	the restored tasks wait here
 */
#define CKPT_GO_GROUPS	1
#define CKPT_GO_RUN	2

struct ckpt_rsync {
	atomic_t live;
	atomic_t pending;
	atomic_t grouped;
	int error;
	int go;
	wait_queue_head_t wq;
	wait_queue_head_t go_wq;
};

static int restore_header(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_header *h;
	int ret;

	h = kmalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	ret = ckpt_read_obj(ctx, CKPT_HDR_HEADER, h, sizeof(*h));
	if (ret)
		goto out;
	ret = -EINVAL;
	if (h->magic != CKPT_MAGIC) {
		ckpt_log(ctx, ret, "not a checkpoint image (bad magic)");
		goto out;
	}
	if (h->version != CKPT_VERSION) {
		ckpt_log(ctx, ret, "image format version %u, expected %u",
			 h->version, CKPT_VERSION);
		goto out;
	}
	if (h->arch != CKPT_ARCH_X86_64 || h->page_size != PAGE_SIZE) {
		ckpt_log(ctx, ret, "image of another architecture (%u/%u)",
			 h->arch, h->page_size);
		goto out;
	}
	if (h->csum_alg != CKPT_CSUM_XXH64) {
		ckpt_log(ctx, ret, "unknown checksum algorithm %u",
			 h->csum_alg);
		goto out;
	}
	if (h->flags & ~(u64)CKPT_IMG_FLAGS_MASK || h->__reserved) {
		ckpt_log(ctx, ret, "unknown image flags %llx", h->flags);
		goto out;
	}
	if (h->nr_tasks == 0 || h->nr_tasks > CKPT_MAX_TASKS) {
		ckpt_log(ctx, ret, "bad number of tasks %u", h->nr_tasks);
		goto out;
	}
	if ((ctx->flags & RESTART_TASKSELF) && h->nr_tasks != 1) {
		ckpt_log(ctx, ret,
			 "RESTART_TASKSELF needs an image of one task, not %u",
			 h->nr_tasks);
		goto out;
	}
	ret = -ENOMEM;
	ctx->rss = kvcalloc(h->nr_tasks, sizeof(*ctx->rss), GFP_KERNEL);
	if (!ctx->rss)
		goto out;
	ctx->nr_tasks = h->nr_tasks;
	ctx->img_flags = h->flags;
	ctx->id = h->ckpt_id;
	ret = 0;
out:
	kfree(h);
	return ret;
}

static int ckpt_find_pid(const struct ckpt_task_pids *p, unsigned int n,
			 pid_t pid)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (p[i].pid == pid)
			return i;
	return -1;
}

static bool ckpt_pids_live_process(const struct ckpt_task_pids *p)
{
	return p->pid == p->tgid && !(p->flags & CKPT_PIDS_ZOMBIE);
}

/**
 * ckpt_tree_check_task() - can restart rebuild task @i of a tree?
 * @p: the pids of every task, in tree order (the TREE record)
 * @n: number of tasks
 * @i: the task to check
 * @parent: set to the index of its parent process (-1: the root)
 * @pgrp: set to the index of the leader of the process group it joins
 *	  once every task exists (itself for a group leader), or -1 when
 *	  it stays in the group it was created in
 *
 * The rules restart builds a tree by, which checkpoint applies too so
 * that it never writes a tree restart refuses: the root first, every
 * process after its live parent, every thread after its live leader,
 * unique pids. A session is the task's own (setsid() when it is
 * created) or its parent's (inherited). A process group is the task's
 * own, or led by a process of the tree - live or a zombie, anywhere in
 * the tree, of the same session - which it joins with setpgid() once
 * every task exists, or else its parent's (inherited, down from the
 * root, whose group restart does not choose).
 *
 * Return: NULL, or the rule that task @i breaks.
 */
const char *ckpt_tree_check_task(const struct ckpt_task_pids *p,
				 unsigned int n, unsigned int i, int *parent,
				 int *pgrp)
{
	const struct ckpt_task_pids *t = &p[i];
	int j;

	*parent = -1;
	*pgrp = -1;
	if (t->pid <= 0 || t->tgid <= 0 || t->ppid < 0 || t->pgid < 0 ||
	    t->sid < 0 || t->flags & ~CKPT_PIDS_FLAGS_MASK)
		return "bad pid numbers or flags";
	if (ckpt_find_pid(p, i, t->pid) >= 0)
		return "a pid twice";
	if (t->pid != t->tgid) {
		j = ckpt_find_pid(p, i, t->tgid);
		if (j < 0 || !ckpt_pids_live_process(&p[j]))
			return "a thread without a live leader before it";
		if (t->flags & CKPT_PIDS_ZOMBIE)
			return "an exited thread";
		if (t->pgid != p[j].pgid || t->sid != p[j].sid)
			return "a thread in another group or session than its leader";
		if (j)
			*parent = ckpt_find_pid(p, j, p[j].ppid);
		return NULL;
	}
	if (i == 0) {
		if (t->flags & CKPT_PIDS_ZOMBIE)
			return "a zombie root";
	} else {
		j = ckpt_find_pid(p, i, t->ppid);
		if (j < 0 || !ckpt_pids_live_process(&p[j]))
			return "a process without a live parent before it";
		*parent = j;
		if (t->sid != t->pid && t->sid != p[j].sid)
			return "a session led by a process that is not its ancestor";
	}
	if (t->sid == t->pid && t->pgid != t->pid)
		return "a session leader in another process group";
	if (t->pgid == t->pid) {
		*pgrp = i;
		return NULL;
	}
	j = t->pgid ? ckpt_find_pid(p, n, t->pgid) : -1;
	if (j >= 0) {
		if (p[j].pid != p[j].tgid || p[j].pgid != t->pgid ||
		    p[j].sid != t->sid)
			return "a process group led by a task of another group or session";
		*pgrp = j;
		return NULL;
	}
	if (i && t->pgid != p[*parent].pgid)
		return "a process group whose leader is not in the tree";
	return NULL;
}

/* The TREE record holds the @n tasks of the header, and only them */
static bool ckpt_tree_hdr_ok(const struct ckpt_hdr_tree *h, unsigned int n)
{
	return h->nr_tasks == n && !h->__reserved &&
	       h->h.len == sizeof(*h) + n * sizeof(struct ckpt_task_pids);
}

/* The tree must be one that restart can build: ckpt_tree_check_task(). */
static int restore_tree(struct ckpt_ctx *ctx)
{
	struct ckpt_task_pids *p;
	struct ckpt_hdr_tree *h;
	unsigned int i, n = ctx->nr_tasks;
	const char *why = NULL;
	int ret = -EINVAL;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_TREE, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (!ckpt_tree_hdr_ok(h, n)) {
		ckpt_log(ctx, ret, "bad task tree record");
		goto out;
	}
	p = (struct ckpt_task_pids *)(h + 1);
	for (i = 0; i < n; i++) {
		struct ckpt_rstate *rs = &ctx->rss[i];

		why = ckpt_tree_check_task(p, n, i, &rs->parent, &rs->pgrp);
		if (why) {
			ckpt_log(ctx, ret, "bad task tree record: task %u (pid %d): %s",
				 i, p[i].pid, why);
			goto out;
		}
		rs->pids = p[i];
		rs->zombie = p[i].flags & CKPT_PIDS_ZOMBIE;
		rs->leader = p[i].pid == p[i].tgid;
	}
	ret = 0;
out:
	kvfree(h);
	return ret;
}

/*
 * Like execve(), RESTART_TASKSELF replaces the whole process: it must not
 * share its signal handlers or its mm with a vfork parent, and must be
 * the only thread.
 */
static int ckpt_check_restarter(struct ckpt_ctx *ctx)
{
	if (!(ctx->flags & RESTART_TASKSELF))
		return 0;
	if (!thread_group_empty(current) ||
	    refcount_read(&current->sighand->count) != 1) {
		ckpt_log(ctx, -EINVAL,
			 "the restarting task must be single-threaded and own its signal handlers");
		return -EINVAL;
	}
	if (current->vfork_done) {
		ckpt_log(ctx, -EINVAL,
			 "the restarting task is a vfork child");
		return -EINVAL;
	}
	return 0;
}

/**
 * struct ckpt_deferred - restart: something to do at a later phase
 * @next:	the next one, in the order they were added
 * @run:	do it
 * @release:	free @data, run or not
 * @data:	what to do it with
 */
struct ckpt_deferred {
	struct ckpt_deferred *next;
	int (*run)(struct ckpt_ctx *ctx, void *data);
	void (*release)(void *data);
	void *data;
};

static int ckpt_deferred_add(struct ckpt_deferred **list,
			     int (*run)(struct ckpt_ctx *ctx, void *data),
			     void (*release)(void *data), void *data)
{
	struct ckpt_deferred *d = kmalloc(sizeof(*d), GFP_KERNEL);

	if (!d) {
		release(data);
		return -ENOMEM;
	}
	d->next = NULL;
	d->run = run;
	d->release = release;
	d->data = data;
	while (*list)
		list = &(*list)->next;
	*list = d;
	return 0;
}

/**
 * ckpt_after_fds_add() - restart: do something in the process being read
 *			  once its fd table is in place
 * @ctx: restart context, reading the process's records
 * @run: what to do, in the restored process before any task of the tree
 *	 runs (an epoll item whose target polls the state of the task that
 *	 adds it: a signalfd)
 * @release: frees @data when the restart ends, whether @run ran or not
 * @data: for both
 *
 * Return: 0, or -ENOMEM (then @release was called).
 */
int ckpt_after_fds_add(struct ckpt_ctx *ctx,
		       int (*run)(struct ckpt_ctx *ctx, void *data),
		       void (*release)(void *data), void *data)
{
	return ckpt_deferred_add(&ctx->rs->after_fds, run, release, data);
}

/**
 * ckpt_after_tree_add() - restart: do something in the process being read
 *			   once every task of the tree exists
 * @ctx: restart context, reading the process's records
 * @run: what to do, in the restored process, after its fd table is in
 *	 place and every task of the tree exists (so that a restored task
 *	 can be referred to: a pidfd), before any task runs
 * @release: frees @data when the restart ends, whether @run ran or not
 * @data: for both
 *
 * Return: 0, or -ENOMEM (then @release was called).
 */
int ckpt_after_tree_add(struct ckpt_ctx *ctx,
			int (*run)(struct ckpt_ctx *ctx, void *data),
			void (*release)(void *data), void *data)
{
	return ckpt_deferred_add(&ctx->rs->after_tree, run, release, data);
}

/**
 * ckpt_image_has_pid() - restart: is @nr a pid of the image's tree?
 * @ctx: restart context, with the TREE record read
 * @nr: a pid, as records name processes (in the root's pid namespace)
 *
 * Return: true when a task of the tree has that pid.
 */
bool ckpt_image_has_pid(struct ckpt_ctx *ctx, pid_t nr)
{
	return ckpt_image_task(ctx, nr);
}

/**
 * ckpt_image_task() - restart: the staged state of a task of the image
 * @ctx: restart context, with the TREE record read
 * @nr: a pid, as records name tasks (in the root's pid namespace)
 *
 * Return: the task's restart state, or NULL when no task has that pid.
 */
struct ckpt_rstate *ckpt_image_task(struct ckpt_ctx *ctx, pid_t nr)
{
	unsigned int i;

	for (i = 0; nr > 0 && i < ctx->nr_tasks; i++)
		if (ctx->rss[i].pids.pid == nr)
			return &ctx->rss[i];
	return NULL;
}

/**
 * ckpt_restored_task() - restart: the restored task of an image pid
 * @ctx: restart context, once every task of the tree exists (a step
 *	 added with ckpt_after_tree_add() or ckpt_before_release_add())
 * @nr: a pid of the image's tree
 *
 * Return: the task, referenced (put_task_struct() it), or NULL when no
 * task of the tree has that pid.
 */
struct task_struct *ckpt_restored_task(struct ckpt_ctx *ctx, pid_t nr)
{
	unsigned int i;

	for (i = 0; nr > 0 && i < ctx->nr_tasks; i++) {
		struct task_struct *t;

		if (ctx->rss[i].pids.pid != nr)
			continue;
		t = READ_ONCE(ctx->rss[i].tsk);
		/* RESTART_TASKSELF: the caller is the image's one task */
		if (!t && ctx->flags & RESTART_TASKSELF)
			t = current;
		return t ? get_task_struct(t) : NULL;
	}
	return NULL;
}

/**
 * ckpt_after_read_add() - restart: do something once the whole image is
 *			   read, with RESTART_VALIDATE too
 * @ctx: restart context
 * @run: what to do, once every object of the image exists and before any
 *	 task is made (resolve a reference to a record that may come
 *	 later); with RESTART_VALIDATE it checks and changes nothing; an
 *	 error fails the restart
 * @release: frees @data when the restart ends, whether @run ran or not
 * @data: for both
 *
 * Return: 0, or -ENOMEM (then @release was called).
 */
int ckpt_after_read_add(struct ckpt_ctx *ctx,
			int (*run)(struct ckpt_ctx *ctx, void *data),
			void (*release)(void *data), void *data)
{
	return ckpt_deferred_add(&ctx->after_read, run, release, data);
}

/**
 * ckpt_before_release_add() - restart: do something just before the
 *			       restored tree runs
 * @ctx: restart context
 * @run: what to do, once every task is ready (arming a timer, so that
 *	 the time restart takes is not lost from it); an error still fails
 *	 the restart, all or nothing
 * @release: frees @data when the restart ends, whether @run ran or not
 * @data: for both
 *
 * Return: 0, or -ENOMEM (then @release was called).
 */
int ckpt_before_release_add(struct ckpt_ctx *ctx,
			    int (*run)(struct ckpt_ctx *ctx, void *data),
			    void (*release)(void *data), void *data)
{
	return ckpt_deferred_add(&ctx->before_release, run, release, data);
}

/**
 * ckpt_on_release_add() - restart: do something once nothing can fail
 * @ctx: restart context
 * @run: what to do, once every step that may fail the restart succeeded,
 *	 just before the restored tasks run (a TCP connection leaves repair
 *	 mode and speaks to its peer); its error is ignored
 * @release: frees @data when the restart ends, whether @run ran or not
 * @data: for both
 *
 * Return: 0, or -ENOMEM (then @release was called).
 */
int ckpt_on_release_add(struct ckpt_ctx *ctx,
			int (*run)(struct ckpt_ctx *ctx, void *data),
			void (*release)(void *data), void *data)
{
	return ckpt_deferred_add(&ctx->on_release, run, release, data);
}

/**
 * ckpt_undo_add() - undo something unless the checkpoint or restart
 *		     succeeds
 * @ctx: restart context
 * @run: what undoes it (unlinking a socket inode restart made), run
 *	 when the restart fails, or after RESTART_VALIDATE, or when the
 *	 checkpoint fails (a TCP connection leaves repair mode); its error
 *	 is ignored
 * @release: frees @data when the restart ends, whether @run ran or not
 * @data: for both
 *
 * Return: 0, or -ENOMEM (then @release was called, and the caller must
 * undo it itself).
 */
int ckpt_undo_add(struct ckpt_ctx *ctx,
		  int (*run)(struct ckpt_ctx *ctx, void *data),
		  void (*release)(void *data), void *data)
{
	return ckpt_deferred_add(&ctx->undo, run, release, data);
}

/**
 * ckpt_deferred_run() - do what was deferred to this phase, in order
 * @ctx: restart context
 * @list: the list
 *
 * Return: 0, or the first error.
 */
int ckpt_deferred_run(struct ckpt_ctx *ctx, struct ckpt_deferred *list)
{
	int ret;

	for (; list; list = list->next) {
		ret = list->run(ctx, list->data);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ckpt_undo_run() - undo what ckpt_undo_add() was given, in order
 * @ctx: checkpoint or restart context, which failed
 */
void ckpt_undo_run(struct ckpt_ctx *ctx)
{
	struct ckpt_deferred *d;

	for (d = ctx->undo; d; d = d->next)
		d->run(ctx, d->data);
}

/**
 * ckpt_deferred_free() - drop a list of deferred things
 * @list: the list, emptied
 */
void ckpt_deferred_free(struct ckpt_deferred **list)
{
	struct ckpt_deferred *d;

	while ((d = *list)) {
		*list = d->next;
		d->release(d->data);
		kfree(d);
	}
}

static void ckpt_rstate_release(struct ckpt_rstate *rs)
{
	unsigned int i;

	if (rs->cred)
		abort_creds(rs->cred);
	path_put(&rs->cwd);
	path_put(&rs->root);
	for (i = 0; i < rs->nr_fds; i++)
		if (rs->fds[i].file)
			fput(rs->fds[i].file);
	kvfree(rs->fds);
	kvfree(rs->pending);
	kvfree(rs->timers);
	kvfree(rs->xstate);
	if (rs->new_mm)
		mmput(rs->new_mm);
	ckpt_free_late(rs);
	ckpt_deferred_free(&rs->after_fds);
	ckpt_deferred_free(&rs->after_tree);
	if (rs->tsk)
		put_task_struct(rs->tsk);
}

static void ckpt_rss_free(struct ckpt_ctx *ctx)
{
	unsigned int i;

	if (!ctx->rss)
		return;
	for (i = 0; i < ctx->nr_tasks; i++)
		ckpt_rstate_release(&ctx->rss[i]);
	kvfree(ctx->rss);
	ctx->rss = NULL;
}

static int restore_task_records(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = ctx->rs;
	int ret;

	ret = restore_task(ctx);
	if (ret || rs->zombie)
		return ret;
	/* sharing the parent's fd table or fs_struct: a process, not the root */
	if (rs->task.task_flags & (CKPT_TASK_SHARE_FILES | CKPT_TASK_SHARE_FS) &&
	    (!rs->leader || rs->parent < 0)) {
		ckpt_log(ctx, -EINVAL, "task: sharing flags without a parent");
		return -EINVAL;
	}
	ret = restore_creds(ctx);
	if (!ret && rs->leader) {
		ret = restore_rlimits(ctx);
		if (!ret)
			ret = restore_timers(ctx);
		if (!ret && !(rs->task.task_flags & CKPT_TASK_SHARE_FS))
			ret = restore_fs(ctx);
		if (!ret && !(rs->task.task_flags & CKPT_TASK_SHARE_FILES))
			ret = restore_files(ctx);
		if (!ret)
			ret = restore_sighand(ctx);
	}
	if (!ret)
		ret = restore_signal(ctx);
	if (!ret)
		ret = restore_cpu(ctx);
	if (!ret)
		ret = restore_fpu(ctx);
	if (!ret && rs->leader)
		ret = restore_mm(ctx);
	return ret;
}

static int restore_records(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr h;
	unsigned int i;
	int ret;

	ret = restore_header(ctx);
	if (!ret)
		ret = restore_tree(ctx);
	for (i = 0; !ret && i < ctx->nr_tasks; i++) {
		ctx->rs = &ctx->rss[i];
		ret = restore_task_records(ctx);
	}
	ctx->rs = NULL;
	if (!ret)
		ret = ckpt_read_hdr(ctx, &h);
	if (!ret && h.type != CKPT_HDR_TRAILER) {
		ckpt_log(ctx, -EINVAL, "expected the trailer");
		ret = -EINVAL;
	}
	if (!ret)
		ret = ckpt_read_trailer(ctx, &h);
	return ret;
}

/*
 * Install a process's own state (memory, limits, files, fs, handlers) in
 * current. For RESTART_TASKSELF this is past the point of no return.
 */
static int ckpt_commit_process(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	bool share_files = rs->task.task_flags & CKPT_TASK_SHARE_FILES;
	bool share_fs = rs->task.task_flags & CKPT_TASK_SHARE_FS;
	int ret = 0;

	/* a process sharing its parent's was created sharing them */
	if (!share_fs)
		ret = unshare_fs_struct();
	if (!ret && !share_files)
		ret = unshare_files();
	if (ret)
		return ret;
	ret = restore_mm_commit(ctx, rs);
	if (ret)
		return ret;
	restore_task_process_commit(ctx, rs);
	restore_rlimits_commit(ctx, rs);
	if (!share_files) {
		ret = restore_files_commit(ctx, rs);
		if (ret)
			return ret;
	}
	if (!share_fs)
		restore_fs_commit(ctx, rs);
	return 0;
}

static long ckpt_restart_self(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = &ctx->rss[0];
	int ret;

	if (rs->zombie || !rs->leader) {
		ckpt_log(ctx, -EINVAL, "RESTART_TASKSELF needs a live process");
		return -EINVAL;
	}
	/*
	 * Whatever can fail for lack of memory goes before the point of no
	 * return: unsharing, and growing the fd table to the largest fd of
	 * the image (it stays that large once the fd is closed again).
	 */
	ret = unshare_fs_struct();
	if (!ret)
		ret = unshare_files();
	if (!ret && rs->nr_fds) {
		unsigned int max = rs->fds[rs->nr_fds - 1].fd;
		struct file *open = fget_raw(max);

		/* an fd the caller has open means the table is large enough */
		if (open)
			fput(open);
		else if (max < rlimit(RLIMIT_NOFILE))
			ret = replace_fd(max, ctx->file, 0) ?: close_fd(max);
	}
	/* validated by the kernel, and the caller's own state is kept */
	if (!ret)
		ret = restore_fpu_load(ctx, rs);
	/* last: undone by itself when it fails */
	if (!ret)
		ret = restore_task_attrs(ctx, rs);
	if (ret)
		return ret;

	/* the point of no return */
	ret = ckpt_commit_process(ctx, rs);
	if (!ret) {
		restore_sighand_commit(ctx, rs);
		restore_signal_commit(ctx, rs);
		ret = restore_timers_commit(ctx, rs);
	}
	if (!ret) {
		restore_task_commit(ctx, rs);
		restore_creds_commit(ctx, rs);
		restore_task_late_commit(ctx, rs);
		ret = restore_cpu_commit(ctx, rs);
	}
	/* the tree is the caller alone: it exists */
	if (!ret)
		ret = ckpt_deferred_run(ctx, rs->after_tree);
	/* the last step before the program runs: timers armed */
	if (!ret)
		ret = ckpt_deferred_run(ctx, ctx->before_release);
	if (ret) {
		ckpt_log(ctx, ret, "failed after the point of no return");
		force_sig(SIGKILL);
		return ret;
	}
	ckpt_deferred_run(ctx, ctx->on_release);
	/* nobody else knows the task yet: the signal path may restart a call */
	ckpt_resume_user(ckpt_take_late(rs), false);
	return 0;
}

/* ---- coordinator mode ------------------------------------------------- */

struct ckpt_task_arg {
	struct ckpt_ctx *ctx;
	unsigned int index;
};

static void ckpt_task_failed(struct ckpt_ctx *ctx, int err)
{
	struct ckpt_rsync *sync = ctx->sync;

	cmpxchg(&sync->error, 0, err);
	wake_up_all(&sync->wq);
}

static int ckpt_task_fn(void *data);

/*
 * The last thing a restored task does with the context: the coordinator
 * frees it once @live is zero, so drop the count and wake it under the
 * waitqueue's lock, which the coordinator takes before freeing.
 */
static void ckpt_task_leave(struct ckpt_rsync *sync)
{
	unsigned long flags;

	spin_lock_irqsave(&sync->wq.lock, flags);
	atomic_dec(&sync->live);
	wake_up_locked(&sync->wq);
	spin_unlock_irqrestore(&sync->wq.lock, flags);
}

/* Create the task of ctx->rss[index] as a child (or thread) of current. */
static int ckpt_spawn(struct ckpt_ctx *ctx, unsigned int index, bool newns)
{
	struct ckpt_rstate *rs = &ctx->rss[index];
	struct ckpt_task_arg *arg;
	pid_t set_tid = newns ? 1 : rs->pids.pid;
	struct kernel_clone_args args = {
		.flags = CLONE_VM | CLONE_UNTRACED,
		.exit_signal = rs->task.exit_signal,
		.fn = ckpt_task_fn,
		.set_tid = &set_tid,
		.set_tid_size = 1,
	};
	pid_t pid;

	if (!rs->leader) {
		args.flags |= CLONE_THREAD | CLONE_SIGHAND | CLONE_FS |
			      CLONE_FILES | CLONE_SYSVSEM;
		args.exit_signal = 0;
	}
	/* validated: only a process below the root shares with its parent */
	if (rs->task.task_flags & CKPT_TASK_SHARE_FILES)
		args.flags |= CLONE_FILES;
	if (rs->task.task_flags & CKPT_TASK_SHARE_FS)
		args.flags |= CLONE_FS;
	if (newns)
		args.flags |= CLONE_NEWPID;
	if (index == 0)
		args.exit_signal = SIGCHLD;
	if (READ_ONCE(ctx->sync->error) || READ_ONCE(ctx->sync->go) < 0)
		return -EINTR;	/* the restart failed: create nothing more */
	arg = kmalloc(sizeof(*arg), GFP_KERNEL);
	if (!arg)
		return -ENOMEM;
	arg->ctx = ctx;
	arg->index = index;
	args.fn_arg = arg;
	atomic_inc(&ctx->sync->live);
	pid = kernel_clone(&args);
	if (pid < 0) {
		kfree(arg);
		ckpt_task_leave(ctx->sync);
		if (pid == -EEXIST)
			pid = -EBUSY;
		ckpt_log(ctx, pid, "cannot create pid %d", rs->pids.pid);
		return pid;
	}
	return 0;
}

/* A session leader makes its session when it is created, before its children. */
static int ckpt_set_session(struct ckpt_rstate *rs)
{
	long ret;

	if (rs->pids.sid != rs->pids.pid)
		return 0;
	ret = ksys_setsid();
	return ret < 0 ? ret : 0;
}

/*
 * Once every task of the tree exists, each process joins its process
 * group: a group leader makes it (a session leader already has), every
 * other member waits until its leader - live or a zombie, anywhere in the
 * tree - has, then joins with setpgid(). Leaders wait for nobody, so
 * nothing waits in a cycle.
 */
static int ckpt_join_pgrp(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	struct ckpt_rsync *sync = ctx->sync;
	struct ckpt_rstate *leader;
	int ret = 0;

	if (!rs->leader || rs->pgrp < 0)
		return 0;
	leader = &ctx->rss[rs->pgrp];
	if (leader != rs) {
		ret = wait_event_killable(sync->go_wq,
					  READ_ONCE(leader->pgrp_set) ||
					  READ_ONCE(sync->go) < 0);
		if (ret)
			return ret;
		if (READ_ONCE(sync->go) < 0)
			return -EINTR;
	}
	if (task_pgrp_vnr(current) != rs->pids.pgid)
		ret = ksys_setpgid(0, rs->pids.pgid);
	if (!ret && leader == rs) {
		WRITE_ONCE(rs->pgrp_set, true);
		wake_up_all(&sync->go_wq);
	}
	if (ret)
		ckpt_log(ctx, ret, "pid %d: cannot join process group %d",
			 rs->pids.pid, rs->pids.pgid);
	return ret;
}

/* Threads first (they share what the leader just installed), then children. */
static int ckpt_spawn_children(struct ckpt_ctx *ctx, unsigned int me)
{
	unsigned int i;
	int ret;

	for (i = me + 1; i < ctx->nr_tasks; i++) {
		struct ckpt_rstate *rs = &ctx->rss[i];

		if (!rs->leader && rs->pids.tgid == ctx->rss[me].pids.pid) {
			ret = ckpt_spawn(ctx, i, false);
			if (ret)
				return ret;
		}
	}
	for (i = me + 1; i < ctx->nr_tasks; i++) {
		struct ckpt_rstate *rs = &ctx->rss[i];

		if (rs->leader && rs->parent == me) {
			ret = ckpt_spawn(ctx, i, false);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int ckpt_task_restore(struct ckpt_ctx *ctx, unsigned int me)
{
	struct ckpt_rstate *rs = &ctx->rss[me];
	int ret;

	WRITE_ONCE(rs->tsk, get_task_struct(current));
	if (rs->zombie) {
		/* waitpid(-pgid) of its parent finds it in its group */
		current->exit_signal = rs->task.exit_signal;
		return ckpt_set_session(rs);
	}
	if (rs->leader) {
		ret = ckpt_set_session(rs);
		if (!ret)
			ret = ckpt_commit_process(ctx, rs);
		if (ret)
			return ret;
		/* handlers now, so that threads share them */
		restore_sighand_commit(ctx, rs);
		ret = ckpt_spawn_children(ctx, me);
		if (ret)
			return ret;
	}
	restore_signal_commit(ctx, rs);
	if (rs->leader) {
		ret = restore_timers_commit(ctx, rs);
		if (ret)
			return ret;
	}
	ret = restore_task_attrs(ctx, rs);
	if (!ret)
		ret = restore_fpu_load(ctx, rs);
	if (!ret)
		ret = restore_cpu_commit(ctx, rs);
	if (ret)
		return ret;
	restore_task_commit(ctx, rs);
	/* last: children were created with the restarter's privileges */
	restore_creds_commit(ctx, rs);
	restore_task_late_commit(ctx, rs);
	return 0;
}

/*
 * A restored process that dies because the restart failed reaps the
 * children it created, so none is left as a zombie of whatever
 * subreaper would inherit it. They are being killed too; WNOHANG waits
 * work with the fatal signal pending.
 */
static void ckpt_reap_children(void)
{
	long pid;

	while ((pid = kernel_wait4(-1, NULL, __WALL | WNOHANG, NULL)) >= 0)
		if (!pid)
			schedule_timeout_uninterruptible(HZ / 100);
}

static int ckpt_task_fn(void *data)
{
	struct ckpt_task_arg *arg = data;
	struct ckpt_ctx *ctx = arg->ctx;
	unsigned int me = arg->index;
	struct ckpt_rsync *sync = ctx->sync;
	struct ckpt_rstate *rs = &ctx->rss[me];
	struct ckpt_late *late;
	int ret, code;

	kfree(arg);
	ret = ckpt_task_restore(ctx, me);
	if (ret)
		goto fail;
	if (atomic_dec_and_test(&sync->pending))
		wake_up_all(&sync->wq);
	/* every task exists: process groups */
	ret = wait_event_killable(sync->go_wq, READ_ONCE(sync->go));
	if (ret || READ_ONCE(sync->go) < 0)
		goto die;
	ret = ckpt_deferred_run(ctx, rs->after_tree);
	if (!ret)
		ret = ckpt_join_pgrp(ctx, rs);
	if (ret)
		goto fail;
	if (atomic_dec_and_test(&sync->grouped))
		wake_up_all(&sync->wq);
	ret = wait_event_killable(sync->go_wq,
				  READ_ONCE(sync->go) != CKPT_GO_GROUPS);
	if (ret || READ_ONCE(sync->go) < 0)
		goto die;
	if (rs->zombie) {
		code = rs->task.exit_code;
		ckpt_task_leave(sync);
		do_exit(code);
	}
	/*
	 * Nothing fails from here on: restart() reports success once every
	 * task has left. A task stopped in a system call goes back into it
	 * before it returns to user mode, so a signal the caller sends as
	 * soon as restart() returns ends the call as it would have ended it
	 * in the frozen task.
	 */
	late = ckpt_take_late(rs);
	ckpt_task_leave(sync);
	ckpt_resume_user(late, true);
	return 0;	/* to user mode, with the restored registers */
fail:
	ckpt_task_failed(ctx, ret);
die:
	/* killed from outside: the coordinator must not wait for this task */
	if (READ_ONCE(sync->go) >= 0)
		ckpt_task_failed(ctx, -EINTR);
	if (rs->leader)
		ckpt_reap_children();
	ckpt_task_leave(sync);
	do_exit(SIGKILL);
}

static void ckpt_kill_all(struct ckpt_ctx *ctx)
{
	unsigned int i;

	WRITE_ONCE(ctx->sync->go, -1);
	wake_up_all(&ctx->sync->go_wq);
	for (i = 0; i < ctx->nr_tasks; i++)
		if (ctx->rss[i].tsk)
			send_sig(SIGKILL, ctx->rss[i].tsk, 1);
}

/* Wait until every task passed the step that @count counts. */
static int ckpt_wait_tasks(struct ckpt_rsync *sync, atomic_t *count)
{
	int ret;

	ret = wait_event_killable(sync->wq, !atomic_read(count) ||
				  READ_ONCE(sync->error) ||
				  !atomic_read(&sync->live));
	if (!ret)
		ret = READ_ONCE(sync->error);
	if (!ret && atomic_read(count))
		ret = -ECHILD;	/* every task died before the step */
	return ret;
}

static long ckpt_restart_tree(struct ckpt_ctx *ctx)
{
	bool newns = ctx->img_flags & CKPT_IMG_CONTAINER;
	struct ckpt_rsync *sync;
	pid_t root_pid = 0;
	long ret;

	sync = kzalloc(sizeof(*sync), GFP_KERNEL);
	if (!sync)
		return -ENOMEM;
	init_waitqueue_head(&sync->wq);
	init_waitqueue_head(&sync->go_wq);
	atomic_set(&sync->pending, ctx->nr_tasks);
	atomic_set(&sync->grouped, ctx->nr_tasks);
	ctx->sync = sync;

	ret = ckpt_spawn(ctx, 0, newns);
	if (!ret)
		ret = ckpt_wait_tasks(sync, &sync->pending);
	if (!ret) {
		WRITE_ONCE(sync->go, CKPT_GO_GROUPS);
		wake_up_all(&sync->go_wq);
		ret = ckpt_wait_tasks(sync, &sync->grouped);
	}
	/* every task is ready: the last step before they run (timers) */
	if (!ret)
		ret = ckpt_deferred_run(ctx, ctx->before_release);
	if (!ret) {
		rcu_read_lock();
		root_pid = task_pid_vnr(ctx->rss[0].tsk);
		rcu_read_unlock();
		ckpt_deferred_run(ctx, ctx->on_release);
		ckpt_obj_release_all(ctx);
		WRITE_ONCE(sync->go, CKPT_GO_RUN);
		wake_up_all(&sync->go_wq);
	} else {
		ckpt_kill_all(ctx);
	}
	/* nobody touches the context once this returns */
	wait_event(sync->wq, !atomic_read(&sync->live));
	spin_lock_irq(&sync->wq.lock);
	spin_unlock_irq(&sync->wq.lock);
	if (ret && ctx->rss[0].tsk) {
		pid_t pid;

		rcu_read_lock();
		pid = task_pid_vnr(ctx->rss[0].tsk);
		rcu_read_unlock();
		if (pid)
			kernel_wait4(pid, NULL, __WALL, NULL);
	}
	ctx->sync = NULL;
	kfree(sync);
	return ret ? ret : root_pid;
}

/**
 * ckpt_do_restart() - restore the image
 * @ctx: restart context with the image file
 *
 * With RESTART_VALIDATE the whole image is read and validated exactly as
 * a restart would (files reopened, memory built in a scratch mm, the
 * trailer checked, every FPU state passed through the kernel's loader),
 * then everything staged is dropped: nothing of the
 * caller changes and no task is created.
 *
 * Return: with RESTART_VALIDATE, 0 for an image that restart would
 * accept, or the errno it would fail with. With RESTART_TASKSELF, 0 when
 * the caller now is the restored task (the syscall then returns into the
 * restored program), or a negative errno: before the point of no return
 * the caller is unharmed; after it, SIGKILL is pending and the caller
 * dies before reaching user mode. In coordinator mode, the pid of the restored root in the caller's
 * pid namespace, or a negative errno with no restored task left. Errors
 * include -EINVAL for a malformed image, -EPERM for state the caller
 * could not give itself, -EBUSY for a pid in use and -ENOMEM.
 */
long ckpt_do_restart(struct ckpt_ctx *ctx)
{
	long ret;

	ret = ckpt_check_restarter(ctx);
	if (!ret)
		ret = restore_records(ctx);
	if (!ret)
		ret = ckpt_obj_check_all(ctx);
	if (!ret)
		ret = ckpt_deferred_run(ctx, ctx->after_read);
	/*
	 * RESTART_VALIDATE: every record was read and checked; the FPU
	 * states are checked by the kernel's loader, then all is dropped
	 */
	if (!ret && (ctx->flags & RESTART_VALIDATE)) {
		ret = restore_fpu_check(ctx);
	} else if (!ret) {
		if (ctx->flags & RESTART_TASKSELF)
			ret = ckpt_restart_self(ctx);
		else
			ret = ckpt_restart_tree(ctx);
	}
	/* what must not outlive a restart that did not happen */
	if (ret < 0 || (ctx->flags & RESTART_VALIDATE))
		ckpt_undo_run(ctx);
	ckpt_rss_free(ctx);
	ckpt_deferred_free(&ctx->after_read);
	ckpt_deferred_free(&ctx->before_release);
	ckpt_deferred_free(&ctx->on_release);
	ckpt_deferred_free(&ctx->undo);
	ctx->rs = NULL;
	return ret;
}

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

#define CKPT_TEST_TREE_LEN(n) \
	(sizeof(struct ckpt_hdr_tree) + (n) * sizeof(struct ckpt_task_pids))

/* A TREE record's header, read after a HEADER record of @n tasks */
struct ckpt_tree_hdr_test {
	const char *desc;
	unsigned int n;
	u32 nr_tasks;
	u32 reserved;
	u32 len;
	bool ok;
};

static const struct ckpt_tree_hdr_test ckpt_tree_hdr_tests[] = {
	{ .desc = "one task", .n = 1, .nr_tasks = 1,
	  .len = CKPT_TEST_TREE_LEN(1), .ok = true },
	{ .desc = "CKPT_MAX_TASKS tasks", .n = CKPT_MAX_TASKS,
	  .nr_tasks = CKPT_MAX_TASKS, .len = CKPT_TEST_TREE_LEN(CKPT_MAX_TASKS),
	  .ok = true },
	{ .desc = "fewer tasks than the header", .n = 2, .nr_tasks = 1,
	  .len = CKPT_TEST_TREE_LEN(2) },
	{ .desc = "more tasks than the header", .n = 2, .nr_tasks = 3,
	  .len = CKPT_TEST_TREE_LEN(2) },
	{ .desc = "fewer tasks than the header, and their pids", .n = 2,
	  .nr_tasks = 1, .len = CKPT_TEST_TREE_LEN(1) },
	{ .desc = "reserved field set", .n = 1, .nr_tasks = 1, .reserved = 1,
	  .len = CKPT_TEST_TREE_LEN(1) },
	{ .desc = "a task short", .n = 2, .nr_tasks = 2,
	  .len = CKPT_TEST_TREE_LEN(1) },
	{ .desc = "a task too many", .n = 1, .nr_tasks = 1,
	  .len = CKPT_TEST_TREE_LEN(2) },
	{ .desc = "8 bytes too many", .n = 1, .nr_tasks = 1,
	  .len = CKPT_TEST_TREE_LEN(1) + 8 },
	{ .desc = "no pids", .n = 1, .nr_tasks = 1,
	  .len = CKPT_TEST_TREE_LEN(0) },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_tree_hdr, ckpt_tree_hdr_tests, desc);

static void ckpt_test_tree_hdr_ok(struct kunit *test)
{
	const struct ckpt_tree_hdr_test *t = test->param_value;
	struct ckpt_hdr_tree h = {
		.h.type = CKPT_HDR_TREE,
		.h.len = t->len,
		.nr_tasks = t->nr_tasks,
		.__reserved = t->reserved,
	};

	KUNIT_EXPECT_EQ(test, ckpt_tree_hdr_ok(&h, t->n), t->ok);
}

#define CKPT_TEST_TREE_MAX	4

/*
 * The pids of a TREE record, checked task by task as restore_tree() does:
 * accepted, with the parent and process group found for each task, or
 * refused at task @bad because of @why.
 */
struct ckpt_tree_test {
	const char *desc;
	unsigned int n;
	struct ckpt_task_pids p[CKPT_TEST_TREE_MAX];
	int parent[CKPT_TEST_TREE_MAX];
	int pgrp[CKPT_TEST_TREE_MAX];
	unsigned int bad;
	const char *why;
};

static const struct ckpt_tree_test ckpt_tree_tests[] = {
	/* pids: pid, tgid, ppid, pgid, sid, flags */
	{ .desc = "a process in a group and session from outside", .n = 1,
	  .p = { { 100, 100, 1, 50, 50 } },
	  .parent = { -1 }, .pgrp = { -1 } },
	{ .desc = "a container's init (pgid and sid 0)", .n = 1,
	  .p = { { 1, 1, 0, 0, 0 } },
	  .parent = { -1 }, .pgrp = { -1 } },
	{ .desc = "a session leader and its threads", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 101, 100, 1, 100, 100 },
		 { 102, 100, 1, 100, 100 } },
	  .parent = { -1, -1, -1 }, .pgrp = { 0, -1, -1 } },
	{ .desc = "parent, child and grandchild", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 100, 100 },
		 { 300, 300, 200, 300, 100 } },
	  .parent = { -1, 0, 1 }, .pgrp = { 0, 0, 2 } },
	{ .desc = "a thread of a child", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 100, 100 },
		 { 201, 200, 100, 100, 100 } },
	  .parent = { -1, 0, 0 }, .pgrp = { 0, 0, -1 } },
	{ .desc = "a zombie child", .n = 2,
	  .p = { { 100, 100, 1, 100, 100 },
		 { 200, 200, 100, 100, 100, CKPT_PIDS_ZOMBIE } },
	  .parent = { -1, 0 }, .pgrp = { 0, 0 } },
	{ .desc = "a child in a session of its own", .n = 2,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 200, 200 } },
	  .parent = { -1, 0 }, .pgrp = { 0, 1 } },
	{ .desc = "a group led by a zombie", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 },
		 { 200, 200, 100, 200, 100, CKPT_PIDS_ZOMBIE },
		 { 300, 300, 100, 200, 100 } },
	  .parent = { -1, 0, 0 }, .pgrp = { 0, 1, 1 } },
	{ .desc = "a group led by a process later in the tree", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 300, 100 },
		 { 300, 300, 100, 300, 100 } },
	  .parent = { -1, 0, 0 }, .pgrp = { 0, 2, 2 } },
	{ .desc = "the root's group, led from outside", .n = 2,
	  .p = { { 100, 100, 1, 50, 50 }, { 200, 200, 100, 50, 50 } },
	  .parent = { -1, 0 }, .pgrp = { -1, -1 } },
	{ .desc = "the root in a group its child leads", .n = 2,
	  .p = { { 100, 100, 1, 200, 50 }, { 200, 200, 100, 200, 50 } },
	  .parent = { -1, 0 }, .pgrp = { 1, 1 } },
	/* refused */
	{ .desc = "pid 0", .n = 1, .p = { { 0, 100, 1, 100, 100 } },
	  .bad = 0, .why = "bad pid numbers or flags" },
	{ .desc = "negative pid", .n = 1, .p = { { -1, 100, 1, 100, 100 } },
	  .bad = 0, .why = "bad pid numbers or flags" },
	{ .desc = "tgid 0", .n = 1, .p = { { 100, 0, 1, 100, 100 } },
	  .bad = 0, .why = "bad pid numbers or flags" },
	{ .desc = "negative tgid", .n = 1, .p = { { 100, -1, 1, 100, 100 } },
	  .bad = 0, .why = "bad pid numbers or flags" },
	{ .desc = "negative ppid", .n = 1, .p = { { 100, 100, -1, 100, 100 } },
	  .bad = 0, .why = "bad pid numbers or flags" },
	{ .desc = "negative pgid", .n = 1, .p = { { 100, 100, 1, -1, 100 } },
	  .bad = 0, .why = "bad pid numbers or flags" },
	{ .desc = "negative sid", .n = 1, .p = { { 100, 100, 1, 100, -1 } },
	  .bad = 0, .why = "bad pid numbers or flags" },
	{ .desc = "unknown flag", .n = 1,
	  .p = { { 100, 100, 1, 100, 100, CKPT_PIDS_FLAGS_MASK + 1 } },
	  .bad = 0, .why = "bad pid numbers or flags" },
	{ .desc = "a pid twice", .n = 2,
	  .p = { { 100, 100, 1, 100, 100 }, { 100, 100, 1, 100, 100 } },
	  .bad = 1, .why = "a pid twice" },
	{ .desc = "a thread before its leader", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 201, 200, 100, 100, 100 },
		 { 200, 200, 100, 100, 100 } },
	  .bad = 1, .why = "a thread without a live leader before it" },
	{ .desc = "a thread of a zombie", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 },
		 { 200, 200, 100, 100, 100, CKPT_PIDS_ZOMBIE },
		 { 201, 200, 100, 100, 100 } },
	  .bad = 2, .why = "a thread without a live leader before it" },
	{ .desc = "a thread of a thread", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 101, 100, 1, 100, 100 },
		 { 102, 101, 1, 100, 100 } },
	  .bad = 2, .why = "a thread without a live leader before it" },
	{ .desc = "an exited thread", .n = 2,
	  .p = { { 100, 100, 1, 100, 100 },
		 { 101, 100, 1, 100, 100, CKPT_PIDS_ZOMBIE } },
	  .bad = 1, .why = "an exited thread" },
	{ .desc = "a thread in another group", .n = 2,
	  .p = { { 100, 100, 1, 100, 100 }, { 101, 100, 1, 101, 100 } },
	  .bad = 1,
	  .why = "a thread in another group or session than its leader" },
	{ .desc = "a thread in another session", .n = 2,
	  .p = { { 100, 100, 1, 100, 100 }, { 101, 100, 1, 100, 101 } },
	  .bad = 1,
	  .why = "a thread in another group or session than its leader" },
	{ .desc = "a zombie root", .n = 1,
	  .p = { { 100, 100, 1, 100, 100, CKPT_PIDS_ZOMBIE } },
	  .bad = 0, .why = "a zombie root" },
	{ .desc = "a process before its parent", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 300, 300, 200, 100, 100 },
		 { 200, 200, 100, 100, 100 } },
	  .bad = 1, .why = "a process without a live parent before it" },
	{ .desc = "a child of a zombie", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 },
		 { 200, 200, 100, 100, 100, CKPT_PIDS_ZOMBIE },
		 { 300, 300, 200, 100, 100 } },
	  .bad = 2, .why = "a process without a live parent before it" },
	{ .desc = "a child of a thread", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 101, 100, 1, 100, 100 },
		 { 300, 300, 101, 100, 100 } },
	  .bad = 2, .why = "a process without a live parent before it" },
	{ .desc = "a session of a process that is not an ancestor", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 200, 200 },
		 { 300, 300, 100, 200, 200 } },
	  .bad = 2,
	  .why = "a session led by a process that is not its ancestor" },
	{ .desc = "a session leader in another group", .n = 2,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 100, 200 } },
	  .bad = 1, .why = "a session leader in another process group" },
	{ .desc = "a group led by a thread", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 101, 100, 1, 100, 100 },
		 { 200, 200, 100, 101, 100 } },
	  .bad = 2,
	  .why = "a process group led by a task of another group or session" },
	{ .desc = "a group led by a process of another session", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 200, 200 },
		 { 300, 300, 100, 200, 100 } },
	  .bad = 2,
	  .why = "a process group led by a task of another group or session" },
	{ .desc = "two processes in each other's group", .n = 3,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 300, 100 },
		 { 300, 300, 100, 200, 100 } },
	  .bad = 1,
	  .why = "a process group led by a task of another group or session" },
	{ .desc = "a group whose leader is not in the tree", .n = 2,
	  .p = { { 100, 100, 1, 100, 100 }, { 200, 200, 100, 77, 100 } },
	  .bad = 1, .why = "a process group whose leader is not in the tree" },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_tree, ckpt_tree_tests, desc);

static void ckpt_test_tree_check_task(struct kunit *test)
{
	const struct ckpt_tree_test *t = test->param_value;
	const char *why = NULL;
	int parent, pgrp;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		why = ckpt_tree_check_task(t->p, t->n, i, &parent, &pgrp);
		if (why)
			break;
		if (t->why)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, parent, t->parent[i], "task %u", i);
		KUNIT_EXPECT_EQ_MSG(test, pgrp, t->pgrp[i], "task %u", i);
	}
	if (!t->why) {
		KUNIT_EXPECT_NULL(test, why);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, i, t->bad);
	KUNIT_EXPECT_STREQ(test, why, t->why);
}

static struct kunit_case ckpt_tree_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_tree_hdr_ok, ckpt_tree_hdr_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_tree_check_task, ckpt_tree_gen_params),
	{}
};

static struct kunit_suite ckpt_tree_test_suite = {
	.name = "ckpt_tree",
	.test_cases = ckpt_tree_test_cases,
};

kunit_test_suite(ckpt_tree_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
