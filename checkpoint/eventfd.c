// SPDX-License-Identifier: GPL-2.0-only
/*
 * eventfd: the counter, EFD_SEMAPHORE and O_NONBLOCK. Restart makes a new
 * eventfd with them (patches/0012). Its fdinfo "eventfd-id" is a new one:
 * a number for humans, nothing a program can use.
 *
 * An eventfd that a kernel user holds besides its files (AIO, io_uring,
 * KVM's irqfd, a memcg event, vhost) is refused: that user would not hold
 * the restored one, and its signals would stop arriving. So is one that
 * a process outside the tree holds (a self or subtree checkpoint: the
 * restored eventfd would be the tree's alone).
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include "internal.h"

#define CKPT_EVENTFD_FLAGS	(O_ACCMODE | O_NONBLOCK)

static bool ckpt_eventfd_match(struct file *file)
{
	unsigned int flags, users;
	u64 count;

	return !eventfd_file_state(file, &count, &flags, &users);
}

static int ckpt_eventfd_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	unsigned int flags, users;
	u64 count;

	eventfd_file_state(e->file, &count, &flags, &users);
	if (users > 1) {
		ckpt_log(ctx, -EBUSY,
			 "leak: fd %u of pid %d is an eventfd that a kernel user holds too (io_uring, AIO, an irqfd, a memcg event...)",
			 e->fd, ctx->cur->pids.pid);
		return -EBUSY;
	}
	/* a container's leaks were refused already; this is a subtree's */
	if (ckpt_file_outside(ctx, e->file))
		return ckpt_log_unsupported(ctx, e,
					    "is an eventfd shared with a process outside the tree: not supported");
	return 0;
}

static int ckpt_eventfd_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_eventfd h = {};
	unsigned int flags, users;

	eventfd_file_state(e->file, &h.count, &flags, &users);
	h.flags = flags & EFD_SEMAPHORE ? CKPT_EFD_SEMAPHORE : 0;
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_EVENTFD, sizeof(h));
}

static struct file *ckpt_eventfd_restore(struct ckpt_ctx *ctx,
					 const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_eventfd h;
	unsigned int flags;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_EVENTFD, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.flags & ~CKPT_EFD_SEMAPHORE || h.__reserved ||
	    h.count == U64_MAX || (hf->f_flags & O_ACCMODE) != O_RDWR) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed eventfd",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	flags = hf->f_flags & O_NONBLOCK ? EFD_NONBLOCK : 0;
	if (h.flags & CKPT_EFD_SEMAPHORE)
		flags |= EFD_SEMAPHORE;
	return eventfd_file_create(h.count, flags);
}

const struct ckpt_file_ops ckpt_eventfd_file_ops = {
	.name = "eventfd",
	.match = ckpt_eventfd_match,
	.classify = ckpt_eventfd_classify,
	.checkpoint = ckpt_eventfd_checkpoint,
	.restore = ckpt_eventfd_restore,
	.f_flags = CKPT_EVENTFD_FLAGS,
};
