// SPDX-License-Identifier: GPL-2.0-only
/*
 * signalfd: the mask of signals it reads, and O_NONBLOCK (patches/0014).
 * A signalfd reads the signals pending on whoever reads it; those of the
 * restored tasks are restored with them, so what was there to read is
 * there after restart.
 *
 * Its poll waits on the signal handlers of the task that polls: an epoll
 * item on a signalfd is added back by the restored process itself, once
 * its fd table is in place (not by the restarter, whose signals the item
 * would then follow).
 */
#include <linux/file.h>
#include <linux/signalfd.h>
#include "internal.h"

#define CKPT_SIGNALFD_FLAGS	(O_ACCMODE | O_NONBLOCK)

/**
 * ckpt_polls_current() - does polling @file wait on the poller's state?
 * @file: any file
 *
 * Return: true for a signalfd.
 */
bool ckpt_polls_current(struct file *file)
{
	sigset_t mask;

	return !signalfd_file_mask(file, &mask);
}

static int ckpt_signalfd_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	/* a container's leaks were refused already; this is a subtree's */
	if (ckpt_file_outside(ctx, e->file))
		return ckpt_log_unsupported(ctx, e,
					    "is a signalfd shared with a process outside the tree: not supported");
	return 0;
}

static int ckpt_signalfd_checkpoint(struct ckpt_ctx *ctx,
				    struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_signalfd h = {};
	sigset_t mask;

	signalfd_file_mask(e->file, &mask);
	BUILD_BUG_ON(_NSIG_WORDS != 1);
	h.sigmask = mask.sig[0];
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_SIGNALFD, sizeof(h));
}

static struct file *ckpt_signalfd_restore(struct ckpt_ctx *ctx,
					  const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_signalfd h;
	sigset_t mask;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_SIGNALFD, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	mask.sig[0] = h.sigmask;
	/* signalfd4() leaves them out; so does a saved signalfd */
	if (sigismember(&mask, SIGKILL) || sigismember(&mask, SIGSTOP) ||
	    (hf->f_flags & O_ACCMODE) != O_RDWR) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed signalfd",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	return signalfd_file_create(&mask, hf->f_flags & O_NONBLOCK);
}

const struct ckpt_file_ops ckpt_signalfd_file_ops = {
	.name = "signalfd",
	.match = ckpt_polls_current,
	.classify = ckpt_signalfd_classify,
	.checkpoint = ckpt_signalfd_checkpoint,
	.restore = ckpt_signalfd_restore,
	.f_flags = CKPT_SIGNALFD_FLAGS,
};
