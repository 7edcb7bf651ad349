// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checkpoint driver: header, task tree, then each task's state in tree
 * order, then the trailer.
 *
 * Today the tree is the caller alone (self checkpoint, pid 0); an external
 * checkpoint of a frozen tree is refused with -EOPNOTSUPP after its
 * permission and freezer checks.
 */
#include <linux/checkpoint.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/pid_namespace.h>
#include <linux/utsname.h>
#include <linux/timekeeping.h>
#include <linux/string.h>

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
	h->flags = CKPT_IMG_SELF;
	h->ckpt_id = ctx->id;
	h->time = ktime_get_real_seconds();
	h->nr_tasks = 1;
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
	struct task_struct *t = ctx->task;
	struct {
		struct ckpt_hdr_tree h;
		struct ckpt_task_pids p;
	} rec = {};

	rec.h.nr_tasks = 1;
	rcu_read_lock();
	rec.p.pid = task_pid_vnr(t);
	rec.p.tgid = task_tgid_vnr(t);
	rec.p.ppid = task_tgid_vnr(rcu_dereference(t->real_parent));
	rec.p.pgid = task_pgrp_vnr(t);
	rec.p.sid = task_session_vnr(t);
	rcu_read_unlock();
	return ckpt_write_obj_data(ctx, &rec.h.h, CKPT_HDR_TREE,
				   sizeof(rec.h), &rec.p, sizeof(rec.p));
}

static int ckpt_check_tree(struct ckpt_ctx *ctx)
{
	struct task_struct *t = ctx->task;

	if (t != current) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "pid %d: external checkpoint is not supported yet",
			 task_pid_vnr(t));
		return -EOPNOTSUPP;
	}
	if (!thread_group_empty(t)) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "multi-threaded processes are not supported yet");
		return -EOPNOTSUPP;
	}
	return ckpt_arch_check_task(ctx, t);
}

/**
 * ckpt_do_checkpoint() - write the image of ctx->task
 * @ctx: checkpoint context, with the image file and the task
 *
 * Nothing of the task is modified; a failure only leaves a partial image
 * behind in the output file. Returns 0 or a negative errno.
 */
long ckpt_do_checkpoint(struct ckpt_ctx *ctx)
{
	struct task_struct *t = ctx->task;
	int ret;

	ret = ckpt_check_tree(ctx);
	if (ret)
		return ret;
	ret = checkpoint_header(ctx);
	if (!ret)
		ret = checkpoint_tree(ctx);
	if (!ret)
		ret = checkpoint_task(ctx, t);
	if (!ret)
		ret = checkpoint_creds(ctx, t);
	if (!ret)
		ret = checkpoint_rlimits(ctx, t);
	if (!ret)
		ret = checkpoint_fs(ctx, t);
	if (!ret)
		ret = checkpoint_files(ctx, t);
	if (!ret)
		ret = checkpoint_sighand(ctx, t);
	if (!ret)
		ret = checkpoint_signal(ctx, t);
	if (!ret)
		ret = checkpoint_cpu(ctx, t);
	if (!ret)
		ret = checkpoint_fpu(ctx, t);
	if (!ret)
		ret = checkpoint_mm(ctx, t);
	if (!ret)
		ret = ckpt_write_trailer(ctx);
	return ret;
}
