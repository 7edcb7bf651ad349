// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checkpoint driver: find the tree, check it (frozen, permitted, no
 * leaks), then write the header, the task tree, each task's state in tree
 * order, and the trailer.
 *
 * A self checkpoint (pid 0) is a tree of one task: the caller. An external
 * checkpoint saves the process tree under the root - every process and
 * every thread - which the cgroup freezer must hold frozen.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/mm.h>
#include <linux/pid_namespace.h>
#include <linux/freezer.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/utsname.h>
#include <linux/timekeeping.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "internal.h"

static int checkpoint_header(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_header *h;
	struct new_utsname *u;
	int ret;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->magic = CKPT_MAGIC;
	h->version = CKPT_VERSION;
	h->arch = CKPT_ARCH_X86_64;
	h->page_size = PAGE_SIZE;
	h->csum_alg = CKPT_CSUM_XXH64;
	if (ctx->self)
		h->flags |= CKPT_IMG_SELF;
	if (ctx->container)
		h->flags |= CKPT_IMG_CONTAINER;
	if (ctx->flags & CHECKPOINT_SUBTREE)
		h->flags |= CKPT_IMG_SUBTREE;
	h->ckpt_id = ctx->id;
	h->time = ktime_get_real_seconds();
	h->nr_tasks = ctx->nr_tasks;
	down_read(&uts_sem);
	u = utsname();
	strscpy(h->sysname, u->sysname, sizeof(h->sysname));
	strscpy(h->nodename, u->nodename, sizeof(h->nodename));
	strscpy(h->release, u->release, sizeof(h->release));
	strscpy(h->version_str, u->version, sizeof(h->version_str));
	strscpy(h->machine, u->machine, sizeof(h->machine));
	up_read(&uts_sem);
	ret = ckpt_write_obj(ctx, &h->h, CKPT_HDR_HEADER, sizeof(*h));
	kfree(h);
	return ret;
}

static int checkpoint_tree(struct ckpt_ctx *ctx)
{
	struct ckpt_task_pids *p;
	struct ckpt_hdr_tree h = {};
	unsigned int i;
	int ret;

	p = kvcalloc(ctx->nr_tasks, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < ctx->nr_tasks; i++)
		p[i] = ctx->tasks[i].pids;
	h.nr_tasks = ctx->nr_tasks;
	ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_TREE, sizeof(h), p,
				  ctx->nr_tasks * sizeof(*p));
	kvfree(p);
	return ret;
}

/* pid numbers as seen in the root's pid namespace; 0 if invisible there */
static void ckpt_task_pids(struct ckpt_ctx *ctx, struct ckpt_task_ent *e)
{
	struct task_struct *t = e->t, *parent;
	struct pid_namespace *ns = ctx->pidns;

	rcu_read_lock();
	e->pids.pid = task_pid_nr_ns(t, ns);
	e->pids.tgid = task_tgid_nr_ns(t, ns);
	parent = rcu_dereference(t->real_parent);
	e->pids.ppid = t == ctx->root ? 0 : task_tgid_nr_ns(parent, ns);
	e->pids.pgid = task_pgrp_nr_ns(t, ns);
	e->pids.sid = task_session_nr_ns(t, ns);
	rcu_read_unlock();
	if (e->zombie)
		e->pids.flags |= CKPT_PIDS_ZOMBIE;
}

static int ckpt_add_task(struct ckpt_ctx *ctx, struct task_struct *t,
			 unsigned int max)
{
	struct ckpt_task_ent *e;

	if (ctx->nr_tasks >= max)
		return -E2BIG;
	e = &ctx->tasks[ctx->nr_tasks++];
	e->t = get_task_struct(t);
	e->leader = thread_group_leader(t);
	e->zombie = t->exit_state != 0;
	return 0;
}

/*
 * Tree order: each process, then its other threads, then its children
 * (breadth first), so a parent always comes before its children and a
 * leader before its threads.
 */
static int ckpt_collect_tree(struct ckpt_ctx *ctx)
{
	unsigned int max = CKPT_MAX_TASKS, i;
	struct task_struct *p, *t, *c;
	int ret = 0;

	ctx->tasks = kvcalloc(max, sizeof(*ctx->tasks), GFP_KERNEL);
	if (!ctx->tasks)
		return -ENOMEM;
	read_lock(&tasklist_lock);
	ret = ckpt_add_task(ctx, ctx->root, max);
	for (i = 0; !ret && i < ctx->nr_tasks; i++) {
		p = ctx->tasks[i].t;
		if (!ctx->tasks[i].leader)
			continue;
		for_each_thread(p, t) {
			if (t == p || t->exit_state)
				continue;
			ret = ckpt_add_task(ctx, t, max);
			if (ret)
				break;
		}
		if (ret || ctx->self)
			break;
		/* children of every thread of the process */
		for_each_thread(p, t) {
			list_for_each_entry(c, &t->children, sibling) {
				if (c->exit_state == EXIT_DEAD)
					continue;
				ret = ckpt_add_task(ctx, c, max);
				if (ret)
					break;
			}
			if (ret)
				break;
		}
	}
	read_unlock(&tasklist_lock);
	if (ret == -E2BIG) {
		ckpt_log(ctx, -EOPNOTSUPP, "more than %u tasks", max);
		ret = -EOPNOTSUPP;
	}
	for (i = 0; i < ctx->nr_tasks; i++)
		ckpt_task_pids(ctx, &ctx->tasks[i]);
	return ret;
}

static int ckpt_check_task(struct ckpt_ctx *ctx, struct ckpt_task_ent *e)
{
	struct task_struct *t = e->t, *leader = t->group_leader;
	int ret;

	if (e->zombie) {
		if (!e->leader || !thread_group_empty(t)) {
			ckpt_log(ctx, -EOPNOTSUPP,
				 "pid %d: exited thread group leader with live threads",
				 e->pids.pid);
			return -EOPNOTSUPP;
		}
		return 0;
	}
	if (!ctx->self) {
		ret = ckpt_may_checkpoint(t);
		if (ret) {
			ckpt_log(ctx, ret, "pid %d: not permitted", e->pids.pid);
			return ret;
		}
		if (!ckpt_task_frozen(t)) {
			ckpt_log(ctx, -EBUSY, "pid %d is not frozen", e->pids.pid);
			return -EBUSY;
		}
	} else if (!thread_group_empty(t)) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "self checkpoint of a multi-threaded process is not supported yet");
		return -EOPNOTSUPP;
	}
	if (!e->pids.pid || !e->pids.tgid) {
		ckpt_log(ctx, -EOPNOTSUPP, "a task is invisible in the root's pid namespace");
		return -EOPNOTSUPP;
	}
	if (t->flags & (PF_KTHREAD | PF_IO_WORKER | PF_USER_WORKER)) {
		ckpt_log(ctx, -EOPNOTSUPP, "pid %d: kernel or io worker threads",
			 e->pids.pid);
		return -EOPNOTSUPP;
	}
	ret = ckpt_check_namespaces(ctx, t);
	if (ret)
		return ret;
	/* threads share all of these with their leader, and only threads */
	if (!e->leader && (t->mm != leader->mm || t->files != leader->files ||
			   t->fs != leader->fs)) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "tid %d: a thread with its own files, fs or mm",
			 e->pids.pid);
		return -EOPNOTSUPP;
	}
	return ckpt_arch_check_task(ctx, t);
}

/**
 * ckpt_parent_ent() - checkpoint: the entry of a task's parent process
 * @ctx: checkpoint context
 * @e: the task's entry
 *
 * Return: the entry of @e's parent process, which comes before @e, or
 * NULL for the root.
 */
struct ckpt_task_ent *ckpt_parent_ent(struct ckpt_ctx *ctx,
				      struct ckpt_task_ent *e)
{
	unsigned int i;

	if (e->t == ctx->root)
		return NULL;
	for (i = 0; i < ctx->nr_tasks && &ctx->tasks[i] != e; i++)
		if (ctx->tasks[i].leader &&
		    ctx->tasks[i].pids.pid == e->pids.ppid)
			return &ctx->tasks[i];
	return NULL;
}

enum ckpt_shared { CKPT_SH_MM, CKPT_SH_SIGHAND, CKPT_SH_FILES, CKPT_SH_FS };

static bool ckpt_same(struct task_struct *a, struct task_struct *b,
		      enum ckpt_shared what)
{
	switch (what) {
	case CKPT_SH_MM:
		return a->mm == b->mm;
	case CKPT_SH_SIGHAND:
		return a->sighand == b->sighand;
	case CKPT_SH_FILES:
		return a->files == b->files;
	default:
		return a->fs == b->fs;
	}
}

/*
 * How many tasks of the tree use @e's resource @what (the threads of
 * every process that shares it); @first: no process before @e does.
 */
static int ckpt_tree_users(struct ckpt_ctx *ctx, struct ckpt_task_ent *e,
			   enum ckpt_shared what, bool *first)
{
	unsigned int i;
	int n = 0;

	*first = true;
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task_ent *o = &ctx->tasks[i];

		if (!o->leader || o->zombie || !ckpt_same(o->t, e->t, what))
			continue;
		n += get_nr_threads(o->t);
		if (o < e)
			*first = false;
	}
	return n;
}

/*
 * A resource of a process that another task also holds. Threads of one
 * process share everything; a process may share its parent's fd table
 * and fs_struct (CLONE_FILES, CLONE_FS), saved once with the first
 * process that uses it. Any other sharing inside the tree is not
 * supported yet; sharing with a task outside the tree is a leak (-EBUSY)
 * without CHECKPOINT_SUBTREE and cannot be saved with it.
 */
static int ckpt_check_sharing(struct ckpt_ctx *ctx, struct ckpt_task_ent *e)
{
	static const char *const names[] = {
		[CKPT_SH_MM] = "its memory (mm)",
		[CKPT_SH_SIGHAND] = "its signal handlers",
		[CKPT_SH_FILES] = "its fd table",
		[CKPT_SH_FS] = "its fs_struct (cwd/root)",
	};
	struct ckpt_task_ent *parent = ckpt_parent_ent(ctx, e);
	struct task_struct *t = e->t;
	int users = get_nr_threads(t);
	enum ckpt_shared what;
	bool first;

	if (e->zombie || !e->leader)
		return 0;
	e->share_files = parent && parent->t->files == t->files;
	e->share_fs = parent && parent->t->fs == t->fs;
	for (what = CKPT_SH_MM; what <= CKPT_SH_FS; what++) {
		int count, tree;

		switch (what) {
		case CKPT_SH_MM:
			count = t->mm ? atomic_read(&t->mm->mm_users) : 0;
			break;
		case CKPT_SH_SIGHAND:
			count = refcount_read(&t->sighand->count);
			break;
		case CKPT_SH_FILES:
			count = t->files ? atomic_read(&t->files->count) : 0;
			break;
		default:
			count = t->fs ? READ_ONCE(t->fs->users) : 0;
			break;
		}
		if (count <= users)
			continue;
		tree = ckpt_tree_users(ctx, e, what, &first);
		if (count > tree) {
			if (!(ctx->flags & CHECKPOINT_SUBTREE) && !ctx->self) {
				ckpt_log(ctx, -EBUSY,
					 "leak: pid %d shares %s with a task outside the tree",
					 e->pids.pid, names[what]);
				return -EBUSY;
			}
			ckpt_log(ctx, -EOPNOTSUPP,
				 "pid %d shares %s with a task outside the tree: not supported",
				 e->pids.pid, names[what]);
			return -EOPNOTSUPP;
		}
		if ((what == CKPT_SH_FILES && (e->share_files || first)) ||
		    (what == CKPT_SH_FS && (e->share_fs || first)))
			continue;
		ckpt_log(ctx, -EOPNOTSUPP,
			 "pid %d shares %s with another process of the tree: not supported yet",
			 e->pids.pid, names[what]);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Restart's own rules (ckpt_tree_check_task()): a tree it cannot rebuild
 * - a process group whose leader was reaped, a session whose leader
 * exited while processes outside its descendants stay in it - is refused
 * here rather than written.
 */
static int ckpt_check_tree_pids(struct ckpt_ctx *ctx)
{
	struct ckpt_task_pids *p;
	unsigned int i;
	const char *why = NULL;
	int parent, pgrp;

	p = kvcalloc(ctx->nr_tasks, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < ctx->nr_tasks; i++)
		p[i] = ctx->tasks[i].pids;
	for (i = 0; i < ctx->nr_tasks && !why; i++)
		why = ckpt_tree_check_task(p, ctx->nr_tasks, i, &parent, &pgrp);
	if (why)
		ckpt_log(ctx, -EOPNOTSUPP,
			 "pid %d (process group %d, session %d): %s: not supported yet",
			 p[i - 1].pid, p[i - 1].pgid, p[i - 1].sid, why);
	kvfree(p);
	return why ? -EOPNOTSUPP : 0;
}

static int ckpt_check_tree(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ctx->nr_tasks; i++) {
		ret = ckpt_check_task(ctx, &ctx->tasks[i]);
		if (!ret)
			ret = ckpt_check_sharing(ctx, &ctx->tasks[i]);
		if (ret)
			return ret;
	}
	ret = ckpt_check_tree_pids(ctx);
	if (ret)
		return ret;
	return ckpt_scan_files(ctx);
}

/**
 * ckpt_tree_pid() - checkpoint: the image pid of a task of the tree
 * @ctx: checkpoint context, with the tree collected
 * @t: a task, or NULL
 *
 * Return: its pid as the TREE record names it, or 0 for a task outside
 * the tree (or NULL).
 */
pid_t ckpt_tree_pid(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned int i;

	for (i = 0; t && i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].t == t)
			return ctx->tasks[i].pids.pid;
	return 0;
}

static int checkpoint_one(struct ckpt_ctx *ctx, struct ckpt_task_ent *e)
{
	struct task_struct *t = e->t;
	int ret;

	ctx->cur = e;
	ret = checkpoint_task(ctx, t);
	if (ret || e->zombie)
		return ret;
	ret = checkpoint_creds(ctx, t);
	if (ret)
		return ret;
	if (e->leader) {
		ret = checkpoint_rlimits(ctx, t);
		if (!ret)
			ret = checkpoint_timers(ctx, t);
		if (!ret && !e->share_fs)
			ret = checkpoint_fs(ctx, t);
		if (!ret && !e->share_files)
			ret = checkpoint_files(ctx, t);
		if (!ret)
			ret = checkpoint_sighand(ctx, t);
	}
	if (!ret)
		ret = checkpoint_signal(ctx, t);
	if (!ret)
		ret = checkpoint_cpu(ctx, t);
	if (!ret)
		ret = checkpoint_fpu(ctx, t);
	if (!ret && e->leader)
		ret = checkpoint_mm(ctx, t);
	return ret;
}

/**
 * ckpt_do_checkpoint() - write the image of the tree under ctx->root
 * @ctx: checkpoint context, with the image file and the root task
 *
 * Nothing of the tasks is modified; a failure only leaves a partial image
 * behind in the output file.
 *
 * Return: 0, or a negative errno: -EBUSY for a task that is not frozen or
 * a resource shared with a task outside the tree, -EOPNOTSUPP for state
 * that cannot be saved yet (both with a log line), -EPERM or -ESRCH for
 * a task the caller may not checkpoint, -ENOMEM, or another error of
 * saving a task's state or of writing the image.
 */
long ckpt_do_checkpoint(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret;

	ret = ckpt_collect_tree(ctx);
	if (!ret)
		ret = ckpt_check_tree(ctx);
	/* CHECKPOINT_NET_LOCK: before any connection is read */
	if (!ret)
		ret = ckpt_tcp_lock_tree(ctx);
	if (ret)
		goto out;
	ret = checkpoint_header(ctx);
	if (!ret)
		ret = checkpoint_tree(ctx);
	for (i = 0; !ret && i < ctx->nr_tasks; i++)
		ret = checkpoint_one(ctx, &ctx->tasks[i]);
	if (!ret)
		ret = ckpt_check_in_flight(ctx);
	if (!ret)
		ret = ckpt_write_trailer(ctx);
out:
	/* a failed checkpoint leaves the tree as it was */
	if (ret)
		ckpt_undo_run(ctx);
	ckpt_deferred_free(&ctx->undo);
	return ret;
}
