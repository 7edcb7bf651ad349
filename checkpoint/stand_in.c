// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files made once every task exists. A file that refers to a restored
 * task (a pidfd, a task's file in /proc) cannot be made while the image
 * is read: no task exists yet. Its type's restore() returns a stand-in
 * instead, which keeps what the type needs to make the file later and
 * holds the fd slots and epoll items that name it. Once every task of
 * the tree exists, the first process that needs the file makes it
 * (ckpt_file_from_tree()), and each puts it in place of the stand-in,
 * in its fd table (fdtable.c) and its epoll sets (epoll.c), from a step
 * added with ckpt_after_tree_add(), before any task runs. No stand-in
 * reaches user space: it has no operation but release.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include "internal.h"

/**
 * struct ckpt_stand_in - restart: a file to be made once every task exists
 * @make:	makes it, in the restored process that first needs it
 * @free:	frees @data
 * @data:	for both
 * @file:	the file, once made (set once, with cmpxchg())
 */
struct ckpt_stand_in {
	struct file *(*make)(struct ckpt_ctx *ctx, void *data);
	void (*free)(void *data);
	void *data;
	struct file *file;
};

static int ckpt_stand_in_release(struct inode *inode, struct file *file)
{
	struct ckpt_stand_in *s = file->private_data;

	if (s->file)
		fput(s->file);
	s->free(s->data);
	kfree(s);
	return 0;
}

static const struct file_operations ckpt_stand_in_fops = {
	.release = ckpt_stand_in_release,
};

/**
 * ckpt_stand_in_file() - restart: a stand-in for a file made later
 * @make: makes the file, once every task exists; returns it referenced,
 *	  or an ERR_PTR() (its errno fails the restart, with a line of its own)
 * @free: frees @data when the stand-in goes (also when this fails)
 * @data: for both
 *
 * Return: the stand-in, or ERR_PTR(-ENOMEM), -ENFILE...
 */
struct file *ckpt_stand_in_file(struct file *(*make)(struct ckpt_ctx *, void *),
				void (*free)(void *data), void *data)
{
	struct ckpt_stand_in *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct file *file;

	if (!s) {
		free(data);
		return ERR_PTR(-ENOMEM);
	}
	s->make = make;
	s->free = free;
	s->data = data;
	file = anon_inode_getfile("[ckpt-stand-in]", &ckpt_stand_in_fops, s,
				  O_RDWR);
	if (IS_ERR(file)) {
		free(data);
		kfree(s);
	}
	return file;
}

/**
 * ckpt_file_awaits_tree() - restart: is @file a stand-in?
 * @file: a file restored from the image
 *
 * Return: true for a stand-in: ckpt_file_from_tree() gives the file to
 * put in its place, from a step added with ckpt_after_tree_add().
 */
bool ckpt_file_awaits_tree(struct file *file)
{
	return file->f_op == &ckpt_stand_in_fops;
}

/**
 * ckpt_file_from_tree() - restart: the file a stand-in stands for
 * @ctx: restart context, once every task of the tree exists
 * @stand_in: a file for which ckpt_file_awaits_tree() is true
 *
 * The first call makes the file; the others give the same one.
 *
 * Return: the file, referenced (fput() it), or the error of making it.
 */
struct file *ckpt_file_from_tree(struct ckpt_ctx *ctx, struct file *stand_in)
{
	struct ckpt_stand_in *s = stand_in->private_data;
	struct file *file, *old;

	file = READ_ONCE(s->file);
	if (file)
		return get_file(file);
	file = s->make(ctx, s->data);
	if (IS_ERR(file))
		return file;
	old = cmpxchg(&s->file, NULL, file);
	if (old) {
		fput(file);
		file = old;
	}
	return get_file(file);
}
