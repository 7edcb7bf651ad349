// SPDX-License-Identifier: GPL-2.0-only
/*
 * File locks, leases and the owner of a file's signals.
 *
 * None of them is saved yet. A restored program that held a lock would
 * come back holding none, and another process could take it at once; a
 * file whose F_SETOWN owner or O_ASYNC delivers SIGIO would stay silent.
 * So checkpoint refuses a file of the tree that carries a flock(),
 * POSIX (fcntl) or OFD lock or a lease held by the tree, and a file with
 * an owner, a signal or O_ASYNC set, naming the file.
 */
#include <linux/fs.h>
#include <linux/filelock.h>
#include <linux/fdtable.h>
#include <linux/slab.h>
#include "internal.h"

/* A POSIX lock is owned by an fd table; flock, OFD locks, leases by a file. */
static bool ckpt_lock_of_tree(struct ckpt_ctx *ctx, struct file *file,
			      struct file_lock_core *flc)
{
	unsigned int i;

	if (flc->flc_file == file)
		return true;
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task_ent *e = &ctx->tasks[i];

		if (e->leader && !e->zombie &&
		    flc->flc_owner == (fl_owner_t)e->t->files)
			return true;
	}
	return false;
}

static const char *ckpt_file_lock_kind(struct ckpt_ctx *ctx, struct file *file)
{
	struct file_lock_context *flctx;
	struct file_lock_core *flc;
	const char *kind = NULL;

	flctx = locks_inode_context(file_inode(file));
	if (!flctx)
		return NULL;
	spin_lock(&flctx->flc_lock);
	list_for_each_entry(flc, &flctx->flc_flock, flc_list)
		if (ckpt_lock_of_tree(ctx, file, flc)) {
			kind = "a flock() lock";
			goto out;
		}
	list_for_each_entry(flc, &flctx->flc_posix, flc_list)
		if (ckpt_lock_of_tree(ctx, file, flc)) {
			kind = flc->flc_flags & FL_OFDLCK ?
				"an OFD lock (F_OFD_SETLK)" :
				"a POSIX lock (F_SETLK)";
			goto out;
		}
	list_for_each_entry(flc, &flctx->flc_lease, flc_list)
		if (ckpt_lock_of_tree(ctx, file, flc)) {
			kind = "a lease (F_SETLEASE)";
			goto out;
		}
out:
	spin_unlock(&flctx->flc_lock);
	return kind;
}

static const char *ckpt_file_owner_kind(struct file *file)
{
	struct fown_struct *fown = file_f_owner(file);
	const char *kind = NULL;

	if (file->f_flags & FASYNC)
		return "O_ASYNC";
	if (!fown)
		return NULL;
	read_lock_irq(&fown->lock);
	if (fown->pid)
		kind = "an owner (F_SETOWN)";
	else if (fown->signum)
		kind = "a signal (F_SETSIG)";
	read_unlock_irq(&fown->lock);
	return kind;
}

/**
 * ckpt_check_file_state() - refuse a file with locks, leases or an owner
 * @ctx: checkpoint context, with the tree collected
 * @file: a file the tree holds (in an fd table or a mapping)
 *
 * Return: 0, or -EOPNOTSUPP with a log line naming the file and what it
 * carries.
 */
int ckpt_check_file_state(struct ckpt_ctx *ctx, struct file *file)
{
	const char *kind;
	char *buf, *name;

	kind = ckpt_file_lock_kind(ctx, file) ?: ckpt_file_owner_kind(file);
	if (!kind)
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	name = buf ? d_path(&file->f_path, buf, PATH_MAX) : NULL;
	ckpt_log(ctx, -EOPNOTSUPP, "%s: %s is not supported yet",
		 IS_ERR_OR_NULL(name) ? "a file" : name, kind);
	kfree(buf);
	return -EOPNOTSUPP;
}
