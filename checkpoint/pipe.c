// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pipes and named FIFOs.
 *
 * A pipe whose ends are all files of the tree is saved with its capacity
 * and the bytes it buffers: one PIPE record, a shared object emitted
 * before the first file that refers to it. An end is a PIPE file (made
 * again with the pipe), an open of a named FIFO a FIFO file (reopened by
 * its path, which must still be a FIFO that nobody else has open). A
 * pipe with an end held outside the tree is inherited (inherit.c).
 */
#include <linux/file.h>
#include <linux/namei.h>
#include <linux/pipe_fs_i.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/slab.h>
#include "internal.h"

/**
 * struct ckpt_rpipe - restart: a restored pipe
 * @end:	read end [0] and write end [1], referenced
 * @used:	which ends a FILE record took already
 * @fifo:	a named FIFO: the FIFO opened read-write, which holds its data
 *		and lets its ends be opened in any order, until the restored
 *		tasks are released; @end then only carried the data
 * @nr_bytes:	bytes the PIPE record put into @end
 */
struct ckpt_rpipe {
	struct file *end[2];
	bool used[2];
	struct file *fifo;
	unsigned int nr_bytes;
};

#define CKPT_PIPE_FLAGS	(O_ACCMODE | O_NONBLOCK | O_LARGEFILE)

static bool ckpt_pipe_match(struct file *file)
{
	return S_ISFIFO(file_inode(file)->i_mode) && get_pipe_info(file, false);
}

/*
 * A pipe whose ends are all in the tree is saved with its data (PIPE).
 * One with an end that a process outside the tree holds in its fd table
 * (the same open file, or another open of the pipe) is inherited (self
 * checkpoint, subtree) or a leak (container). One whose other opens are
 * held by no process - in flight in a unix socket queue - is refused.
 */
static int ckpt_pipe_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct pipe_inode_info *pipe = get_pipe_info(e->file, false);
	struct inode *inode = file_inode(e->file);
	unsigned int r, w, readers, writers;
	bool outside, held;

	ckpt_pipe_ends(ctx, pipe, &r, &w, &outside, &held);
	pipe_lock(pipe);
	readers = pipe->readers;
	writers = pipe->writers;
	pipe_unlock(pipe);
	if (readers == r && writers == w && !outside) {
		if (e->file->f_flags & O_DIRECT)
			return ckpt_log_unsupported(ctx, e,
						    "is a pipe in O_DIRECT (packet) mode: not supported yet");
		/* a named FIFO: every open of it is reopened by its path */
		if (inode->i_sb->s_magic != PIPEFS_MAGIC) {
			e->type = CKPT_FILE_FIFO;
			return 0;
		}
		if (r > 1 || w > 1 ||
		    (e->file->f_mode & (FMODE_READ | FMODE_WRITE)) ==
		    (FMODE_READ | FMODE_WRITE))
			return ckpt_log_unsupported(ctx, e,
						    "is a pipe end opened more than once (through /proc): not supported yet");
		return 0;
	}
	if (!held)
		return ckpt_log_unsupported(ctx, e,
					    "is a pipe with an end that no process outside the tree holds (in flight in a unix socket?): not supported yet");
	return ckpt_inherit_or_leak(ctx, e, CKPT_INHERIT_PIPE,
				    "a pipe with an end outside the tree");
}

/* Write the PIPE record of @pipe: its capacity and buffered bytes. */
static int ckpt_pipe_obj_checkpoint(struct ckpt_ctx *ctx, void *ptr,
				    u32 objref)
{
	struct pipe_inode_info *pipe = ptr;
	struct ckpt_hdr_pipe h = {};
	unsigned int i, head, tail, n = 0;
	char *data = NULL;
	int ret = 0;

	pipe_lock(pipe);
	head = pipe->head;
	tail = pipe->tail;
	for (i = tail; i != head; i++)
		n += pipe_buf(pipe, i)->len;
	if (n > CKPT_PIPE_MAX) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	data = kvmalloc(n ?: 1, GFP_KERNEL);
	if (!data) {
		ret = -ENOMEM;
		goto out;
	}
	n = 0;
	for (i = tail; i != head; i++) {
		struct pipe_buffer *buf = pipe_buf(pipe, i);
		void *p;

		ret = pipe_buf_confirm(pipe, buf);
		if (ret)
			goto out;
		p = kmap_local_page(buf->page);
		memcpy(data + n, p + buf->offset, buf->len);
		kunmap_local(p);
		n += buf->len;
	}
	h.size = pipe->max_usage * PAGE_SIZE;
out:
	pipe_unlock(pipe);
	if (ret == -EOPNOTSUPP)
		ckpt_log(ctx, ret, "a pipe holds more than %u bytes",
			 CKPT_PIPE_MAX);
	if (!ret) {
		h.objref = objref;
		h.nr_bytes = n;
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_PIPE, sizeof(h),
					  data, n);
	}
	kvfree(data);
	return ret;
}

static int ckpt_pipe_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_pipe h = {};
	int ref, ret;

	/* the PIPE record, at the pipe's first use */
	ref = ckpt_obj_checkpoint(ctx, get_pipe_info(e->file, false),
				  CKPT_OBJ_PIPE);
	if (ref < 0)
		return ref;
	h.pipe_objref = ref;
	ret = ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_PIPE, sizeof(h));
	if (ret || e->type != CKPT_FILE_FIFO)
		return ret;
	return ckpt_write_fd_path(ctx, e);
}

/*
 * restore_pipe() - read a PIPE record: make a pipe and refill it
 *
 * The capacity goes through F_SETPIPE_SZ, so its limits apply to the
 * restarter; the data is written into the new pipe.
 */
static int restore_pipe(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	struct ckpt_rpipe *rp = NULL;
	struct ckpt_hdr_pipe *h;
	loff_t pos = 0;
	ssize_t n;
	int ret;

	h = ckpt_read_payload_var(ctx, hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->nr_bytes > h->size || h->size > CKPT_PIPE_MAX || !h->size ||
	    h->__reserved ||
	    h->h.len != ALIGN(sizeof(*h) + h->nr_bytes, 8)) {
		ckpt_log(ctx, ret, "pipe record %u: malformed", h->objref);
		goto out;
	}
	ret = -ENOMEM;
	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp)
		goto out;
	ret = create_pipe_files(rp->end, 0);
	if (ret) {
		kfree(rp);
		goto out;
	}
	n = pipe_fcntl(rp->end[1], F_SETPIPE_SZ, h->size);
	if (n < 0) {
		ret = n;
		ckpt_log(ctx, ret, "pipe record %u: cannot size it to %u",
			 h->objref, h->size);
		goto out_put;
	}
	if (n < h->nr_bytes) {
		ret = -EINVAL;
		goto out_put;
	}
	if (h->nr_bytes) {
		n = kernel_write(rp->end[1], h + 1, h->nr_bytes, &pos);
		if (n != h->nr_bytes) {
			ret = n < 0 ? n : -EIO;
			goto out_put;
		}
	}
	rp->nr_bytes = h->nr_bytes;
	ret = ckpt_obj_insert(ctx, rp, h->objref, CKPT_OBJ_RPIPE);
	if (!ret)
		goto out;
out_put:
	fput(rp->end[0]);
	fput(rp->end[1]);
	kfree(rp);
out:
	kvfree(h);
	return ret;
}

/* Open @path and check that it is the named FIFO @rp stands for. */
static struct file *ckpt_fifo_open_path(struct ckpt_ctx *ctx,
					struct ckpt_rpipe *rp, const char *path,
					int flags)
{
	struct inode *inode;
	struct file *file;
	struct path p;
	bool fifo;

	/* never open what is not a FIFO (a device open has effects) */
	if (!kern_path(path, LOOKUP_FOLLOW, &p)) {
		fifo = S_ISFIFO(d_inode(p.dentry)->i_mode);
		path_put(&p);
		if (!fifo) {
			ckpt_log(ctx, -EINVAL, "%s is not the FIFO it was", path);
			return ERR_PTR(-EINVAL);
		}
	}
	/* and check again what was opened */
	file = filp_open(path, flags | O_NONBLOCK | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		ckpt_log(ctx, PTR_ERR(file), "reopening FIFO %s failed", path);
		return file;
	}
	inode = file_inode(file);
	if (!S_ISFIFO(inode->i_mode) || !get_pipe_info(file, false) ||
	    inode->i_sb->s_magic == PIPEFS_MAGIC ||
	    (rp->fifo && file_inode(rp->fifo) != inode)) {
		ckpt_log(ctx, -EINVAL, "%s is not the FIFO it was", path);
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	return file;
}

/*
 * The first open of a named FIFO: open it read-write (so that ends open in
 * any order without blocking), check that nobody else has it open, give
 * it the saved capacity and move the saved bytes into it.
 */
static int ckpt_fifo_fill(struct ckpt_ctx *ctx, struct ckpt_rpipe *rp,
			  const char *path)
{
	struct pipe_inode_info *pipe;
	unsigned int left = rp->nr_bytes;
	struct file *fifo;
	bool alone;
	long size;
	char *buf;
	int ret;

	fifo = ckpt_fifo_open_path(ctx, rp, path, O_RDWR);
	if (IS_ERR(fifo))
		return PTR_ERR(fifo);
	pipe = get_pipe_info(fifo, false);
	pipe_lock(pipe);
	alone = pipe->readers == 1 && pipe->writers == 1 &&
		pipe->head == pipe->tail;
	pipe_unlock(pipe);
	/*
	 * RESTART_VALIDATE checks the image, not the world: a FIFO in use
	 * (by the checkpointed tree itself, often) is a state like a taken
	 * pid, and its data must not be touched.
	 */
	if (!alone && (ctx->flags & RESTART_VALIDATE)) {
		rp->fifo = fifo;
		return 0;
	}
	ret = -EBUSY;
	if (!alone) {
		ckpt_log(ctx, ret, "FIFO %s is in use", path);
		goto fail;
	}
	size = pipe_fcntl(rp->end[1], F_GETPIPE_SZ, 0);
	if (size > 0)
		size = pipe_fcntl(fifo, F_SETPIPE_SZ, size);
	ret = size < 0 ? size : 0;
	if (ret) {
		ckpt_log(ctx, ret, "FIFO %s: cannot size it", path);
		goto fail;
	}
	buf = left ? kmalloc(PAGE_SIZE, GFP_KERNEL) : NULL;
	if (left && !buf)
		ret = -ENOMEM;
	while (!ret && left) {
		loff_t pos = 0;
		ssize_t n = kernel_read(rp->end[0], buf,
					min_t(unsigned int, left, PAGE_SIZE),
					&pos);

		if (n > 0)
			n = kernel_write(fifo, buf, n, &pos);
		if (n <= 0)
			ret = n < 0 ? n : -EIO;
		else
			left -= n;
	}
	kfree(buf);
	if (ret)
		goto fail;
	rp->fifo = fifo;
	return 0;
fail:
	fput(fifo);
	return ret;
}

static struct file *ckpt_open_fifo(struct ckpt_ctx *ctx,
				   const struct ckpt_hdr_file *h,
				   struct ckpt_rpipe *rp, const char *path)
{
	struct file *file;
	int ret;

	if ((h->f_flags & O_ACCMODE) == O_ACCMODE || path[0] != '/') {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed", h->objref);
		return ERR_PTR(-EINVAL);
	}
	if (!rp->fifo) {
		/* not an anonymous pipe's already */
		if (rp->used[0] || rp->used[1]) {
			ckpt_log(ctx, -EINVAL, "file record %u: pipe is not a FIFO",
				 h->objref);
			return ERR_PTR(-EINVAL);
		}
		ret = ckpt_fifo_fill(ctx, rp, path);
		if (ret)
			return ERR_PTR(ret);
		rp->used[0] = true;
		rp->used[1] = true;
	}
	file = ckpt_fifo_open_path(ctx, rp, path, h->f_flags & O_ACCMODE);
	if (IS_ERR(file))
		return file;
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) |
			(h->f_flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
	return file;
}

/* An end of an anonymous pipe: taken once from the restored pipe. */
static struct file *ckpt_pipe_end(struct ckpt_ctx *ctx,
				  const struct ckpt_hdr_file *h,
				  struct ckpt_rpipe *rp)
{
	struct file *file;
	int end;

	switch (h->f_flags & O_ACCMODE) {
	case O_RDONLY:
		end = 0;
		break;
	case O_WRONLY:
		end = 1;
		break;
	default:
		end = -1;
		break;
	}
	if (end < 0 || rp->used[end]) {
		ckpt_log(ctx, -EINVAL, "file record %u: not an end of the pipe left",
			 h->objref);
		return ERR_PTR(-EINVAL);
	}
	rp->used[end] = true;
	file = get_file(rp->end[end]);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) |
			(h->f_flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
	return file;
}

static struct file *ckpt_pipe_restore(struct ckpt_ctx *ctx,
				      const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_pipe h;
	struct ckpt_rpipe *rp;
	struct file *file;
	char *path;
	int ret;

	/* the PIPE record comes before, at the pipe's first use */
	ret = ckpt_read_ref_ext(ctx, CKPT_HDR_FILE_PIPE, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.__reserved) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed", hf->objref);
		return ERR_PTR(-EINVAL);
	}
	rp = ckpt_obj_fetch(ctx, h.pipe_objref, CKPT_OBJ_RPIPE);
	if (IS_ERR(rp))
		return ERR_CAST(rp);
	if (hf->type == CKPT_FILE_PIPE)
		return ckpt_pipe_end(ctx, hf, rp);
	path = ckpt_read_string(ctx);
	if (IS_ERR(path))
		return ERR_CAST(path);
	file = ckpt_open_fifo(ctx, hf, rp, path);
	kfree(path);
	return file;
}

/* pipes stay alive through the files of the tree the context holds */
static void ckpt_pipe_noop(void *ptr)
{
}

static void ckpt_rpipe_drop(void *ptr)
{
	struct ckpt_rpipe *rp = ptr;

	fput(rp->end[0]);
	fput(rp->end[1]);
	if (rp->fifo)
		fput(rp->fifo);
	kfree(rp);
}

/*
 * Once every restored task holds its own ends, a FIFO lives through them;
 * closing the read-write open restart() made lets readers see the end of
 * file when no writer is left.
 */
static void ckpt_rpipe_release(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_rpipe *rp = ptr;

	if (rp->fifo) {
		fput(rp->fifo);
		rp->fifo = NULL;
	}
}

const struct ckpt_obj_ops ckpt_pipe_obj_ops = {
	.name = "pipe",
	.grab = ckpt_pipe_noop,
	.drop = ckpt_pipe_noop,
	.checkpoint = ckpt_pipe_obj_checkpoint,
};

/* the hash owns a restored pipe: grab takes nothing */
const struct ckpt_obj_ops ckpt_rpipe_obj_ops = {
	.name = "pipe",
	.grab = ckpt_pipe_noop,
	.drop = ckpt_rpipe_drop,
	.rec_type = CKPT_HDR_PIPE,
	.restore = restore_pipe,
	.release = ckpt_rpipe_release,
};

/* O_ASYNC: pipe_fasync() puts a reader on one list, a writer on the other */
static struct fasync_struct **ckpt_pipe_fasync_list(struct file *file)
{
	struct pipe_inode_info *pipe = get_pipe_info(file, false);

	return file->f_mode & FMODE_READ ? &pipe->fasync_readers :
					   &pipe->fasync_writers;
}

const struct ckpt_file_ops ckpt_pipe_file_ops = {
	.name = "pipe",
	.match = ckpt_pipe_match,
	.classify = ckpt_pipe_classify,
	.checkpoint = ckpt_pipe_checkpoint,
	.restore = ckpt_pipe_restore,
	.f_flags = CKPT_PIPE_FLAGS,
	.fasync_list = ckpt_pipe_fasync_list,
};

/* reached through the pipe's classification */
const struct ckpt_file_ops ckpt_fifo_file_ops = {
	.name = "FIFO",
	.checkpoint = ckpt_pipe_checkpoint,
	.restore = ckpt_pipe_restore,
	.f_flags = CKPT_PIPE_FLAGS,
	.fasync_list = ckpt_pipe_fasync_list,
};
