// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files reopened by path: regular files, directories, and the mem devices
 * (/dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom), O_PATH
 * descriptors of them included. Restart opens the path with the
 * restarter's permissions, the same access mode and status flags, checks
 * that it is still the same kind of file (the same device; for a regular
 * file or directory the same inode, identity.c), and seeks to the saved
 * offset.
 */
#include <linux/file.h>
#include <linux/kdev_t.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include "internal.h"

/*
 * pidfs makes pidfds regular files: they are pidfd.c's; a task's files
 * in /proc are proc.c's
 */
static bool ckpt_reg_match(struct file *file)
{
	return S_ISREG(file_inode(file)->i_mode) &&
	       !(file->f_mode & FMODE_STREAM) && IS_ERR(pidfd_pid(file)) &&
	       !ckpt_proc_task_file(file);
}

/*
 * A memfd or a deleted file has no path to reopen: it is saved with its
 * contents. An O_PATH descriptor of a deleted file is refused by path.
 */
static int ckpt_reg_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	if (ckpt_is_memfd(e->file))
		e->type = CKPT_FILE_MEMFD;
	else if (ckpt_is_deleted(e->file) && !(e->file->f_mode & FMODE_PATH))
		e->type = CKPT_FILE_DELETED;
	return 0;
}

static bool ckpt_dir_match(struct file *file)
{
	return S_ISDIR(file_inode(file)->i_mode) && !ckpt_proc_task_file(file);
}

static bool ckpt_chr_match(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISCHR(inode->i_mode) && ckpt_chr_reopenable(inode->i_rdev);
}

static int ckpt_chr_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_chr h = {
		.rdev = new_encode_dev(file_inode(e->file)->i_rdev),
	};
	int ret;

	ret = ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_CHR, sizeof(h));
	return ret ?: ckpt_write_fd_path(ctx, e);
}

static struct file *ckpt_reopen(struct ckpt_ctx *ctx,
				const struct ckpt_hdr_file *h, u64 rdev)
{
	int flags = h->f_flags & ~O_PATH;
	struct inode *inode;
	struct file *file;
	char *path;
	bool ok;
	int ret;

	path = ckpt_read_string(ctx);
	if (IS_ERR(path))
		return ERR_CAST(path);
	if (path[0] != '/') {
		ckpt_log(ctx, -EINVAL, "file record %u: a relative path",
			 h->objref);
		file = ERR_PTR(-EINVAL);
		goto out;
	}
	if (h->f_flags & O_PATH)
		flags = O_PATH | (h->f_flags & (O_DIRECTORY | O_NOFOLLOW));
	if (h->type == CKPT_FILE_DIR)
		flags |= O_DIRECTORY;
	file = filp_open(path, flags | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		ckpt_log(ctx, PTR_ERR(file), "reopening %s failed", path);
		goto out;
	}
	inode = file_inode(file);
	switch (h->type) {
	case CKPT_FILE_REG:
		ok = S_ISREG(inode->i_mode);
		break;
	case CKPT_FILE_DIR:
		ok = S_ISDIR(inode->i_mode);
		break;
	default:
		ok = S_ISCHR(inode->i_mode) &&
		     new_encode_dev(inode->i_rdev) == rdev;
		break;
	}
	if (!ok) {
		ckpt_log(ctx, -EINVAL, "%s is not the file it was", path);
		fput(file);
		file = ERR_PTR(-EINVAL);
		goto out;
	}
	/* the same file, not another one renamed over it since */
	ret = ckpt_inode_check(ctx, h->inode_objref, inode, path);
	if (ret) {
		fput(file);
		file = ERR_PTR(ret);
		goto out;
	}
	if (h->pos && !(file->f_mode & FMODE_PATH)) {
		loff_t pos = vfs_llseek(file, h->pos, SEEK_SET);

		if (pos != h->pos) {
			ckpt_log(ctx, -EINVAL, "%s: cannot seek to %lld",
				 path, h->pos);
			fput(file);
			file = ERR_PTR(pos < 0 ? pos : -EINVAL);
		}
	}
out:
	kfree(path);
	return file;
}

static struct file *ckpt_path_restore(struct ckpt_ctx *ctx,
				      const struct ckpt_hdr_file *h)
{
	return ckpt_reopen(ctx, h, 0);
}

static struct file *ckpt_chr_restore(struct ckpt_ctx *ctx,
				     const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_chr h;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_CHR, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.rdev > U32_MAX || !ckpt_chr_reopenable(new_decode_dev(h.rdev))) {
		ckpt_log(ctx, -EINVAL, "file record %u: not a device restart reopens",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	return ckpt_reopen(ctx, hf, h.rdev);
}

const struct ckpt_file_ops ckpt_reg_file_ops = {
	.name = "regular file",
	.match = ckpt_reg_match,
	.classify = ckpt_reg_classify,
	.checkpoint = ckpt_write_fd_path,
	.restore = ckpt_path_restore,
	.f_flags = CKPT_FILE_FLAGS,
	.seekable = true,
	.by_path = true,
};

const struct ckpt_file_ops ckpt_dir_file_ops = {
	.name = "directory",
	.match = ckpt_dir_match,
	.checkpoint = ckpt_write_fd_path,
	.restore = ckpt_path_restore,
	.f_flags = CKPT_FILE_FLAGS,
	.seekable = true,
	.by_path = true,
};

const struct ckpt_file_ops ckpt_chr_file_ops = {
	.name = "mem device",
	.match = ckpt_chr_match,
	.checkpoint = ckpt_chr_checkpoint,
	.restore = ckpt_chr_restore,
	.f_flags = CKPT_FILE_FLAGS,
	.seekable = true,
};
