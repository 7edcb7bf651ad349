// SPDX-License-Identifier: GPL-2.0-only
/*
 * The restart driver for RESTART_TASKSELF: the caller becomes the single
 * task of the image, like execve().
 *
 * Every record is read and validated into struct ckpt_rstate first. The
 * memory is built in a fresh mm that replaces the caller's only for the
 * duration of the read; the caller's own mm is kept aside. Only when the
 * whole image has been read and its trailer checksum verified does the
 * commit start (the point of no return): the caller's mm is released and
 * the staged state applied. A failure before the commit switches the
 * caller back to its own mm and returns the error; a failure during the
 * commit kills the caller, which never returns to user mode with partial
 * state.
 */
#include <linux/checkpoint.h>
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
	if (h->flags & ~(u64)CKPT_IMG_SELF || h->__reserved) {
		ckpt_log(ctx, ret, "unknown image flags %llx", h->flags);
		goto out;
	}
	if (h->nr_tasks != 1) {
		ckpt_log(ctx, ret,
			 "RESTART_TASKSELF needs an image of one task, not %u",
			 h->nr_tasks);
		goto out;
	}
	ctx->id = h->ckpt_id;
	ret = 0;
out:
	kfree(h);
	return ret;
}

static int restore_tree(struct ckpt_ctx *ctx)
{
	struct {
		struct ckpt_hdr_tree h;
		struct ckpt_task_pids p;
	} rec;
	int ret;

	ret = ckpt_read_obj(ctx, CKPT_HDR_TREE, &rec, sizeof(rec));
	if (ret)
		return ret;
	if (rec.h.nr_tasks != 1 || rec.h.__reserved || rec.p.flags ||
	    rec.p.pid <= 0 || rec.p.tgid != rec.p.pid || rec.p.ppid < 0 ||
	    rec.p.pgid < 0 || rec.p.sid < 0) {
		ckpt_log(ctx, -EINVAL, "bad task tree record");
		return -EINVAL;
	}
	return 0;
}

/*
 * Like execve(), RESTART_TASKSELF replaces the whole process: it must not
 * share its signal handlers or its mm with a vfork parent, and must be
 * the only thread.
 */
static int ckpt_check_restarter(struct ckpt_ctx *ctx)
{
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

static void ckpt_rstate_free(struct ckpt_rstate *rs)
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
	kvfree(rs->xstate);
	kfree(rs);
}

static int restore_records(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr h;
	int ret;

	ret = restore_header(ctx);
	if (!ret)
		ret = restore_tree(ctx);
	if (!ret)
		ret = restore_task(ctx);
	if (!ret)
		ret = restore_creds(ctx);
	if (!ret)
		ret = restore_rlimits(ctx);
	if (!ret)
		ret = restore_fs(ctx);
	/* FILE records, each at its first use, then the fd table */
	while (!ret) {
		ret = ckpt_read_hdr(ctx, &h);
		if (ret)
			break;
		if (h.type == CKPT_HDR_FDTABLE) {
			ret = restore_fdtable(ctx, &h);
			break;
		}
		if (h.type == CKPT_HDR_FILE) {
			ret = restore_file(ctx, &h);
		} else if (h.type == CKPT_HDR_PIPE) {
			ret = restore_pipe(ctx, &h);
		} else {
			ckpt_log(ctx, -EINVAL, "expected a file or fdtable record");
			ret = -EINVAL;
		}
	}
	if (!ret)
		ret = restore_sighand(ctx);
	if (!ret)
		ret = restore_signal(ctx);
	if (!ret)
		ret = restore_cpu(ctx);
	if (!ret)
		ret = restore_fpu(ctx);
	if (!ret)
		ret = restore_mm(ctx);
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
 * The point of no return. Everything was validated; what can still fail
 * (memory for a larger fd table) kills the task.
 */
static int ckpt_restore_commit(struct ckpt_ctx *ctx)
{
	int ret;

	restore_mm_commit(ctx);
	restore_rlimits_commit(ctx);
	ret = restore_files_commit(ctx);
	if (ret)
		return ret;
	restore_fs_commit(ctx);
	restore_signal_commit(ctx);
	restore_task_commit(ctx);
	restore_creds_commit(ctx);
	return restore_cpu_commit(ctx);
}

/**
 * ckpt_do_restart() - restore the caller from the image (RESTART_TASKSELF)
 * @ctx: restart context with the image file
 *
 * Returns 0 when the caller now is the restored task (the syscall then
 * returns 0 into the restored program), or a negative errno: before the
 * point of no return the caller is unharmed; after it, SIGKILL is pending
 * and the caller dies before reaching user mode.
 */
long ckpt_do_restart(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs;
	int ret;

	ret = ckpt_check_restarter(ctx);
	if (ret)
		return ret;
	rs = kzalloc(sizeof(*rs), GFP_KERNEL);
	if (!rs)
		return -ENOMEM;
	ctx->rs = rs;

	ret = restore_records(ctx);
	if (!ret)
		ret = unshare_fs_struct();
	if (!ret)
		ret = unshare_files();
	/* loading the FPU state is validated by the kernel and undoable */
	if (!ret)
		ret = restore_fpu_load(ctx);
	if (ret) {
		restore_mm_abort(ctx);
		goto out;
	}

	ret = ckpt_restore_commit(ctx);
	if (ret) {
		ckpt_log(ctx, ret, "failed after the point of no return");
		force_sig(SIGKILL);
	}
out:
	ckpt_rstate_free(rs);
	ctx->rs = NULL;
	return ret;
}
