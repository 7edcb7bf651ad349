// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files without a name to reopen: memfds (memfd.c) and deleted files
 * (deleted.c). Each is one object of the image, written at its first
 * reference with its contents; what the two share is here:
 *
 * - the contents, as PAGES records whose addresses are byte offsets in
 *   the file (increasing, page aligned, below the size rounded up to a
 *   page), holes left out, a PAGES record of no page at the end;
 * - the check that nothing outside the tree holds the file: after
 *   restart the tree has a file of its own, which they would not share;
 * - at restart, the mode and owner given as fchmod() and fchown() would,
 *   and each open file of the tree made as a new open of the object's
 *   file, as opening /proc/self/fd/N would (own access mode, status
 *   flags and offset).
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/dcache.h>
#include "internal.h"

/* ---- checkpoint --------------------------------------------------------- */

/* Write the n pages collected in ctx->pages at the offsets in ctx->addrs */
static int ckpt_contents_flush(struct ckpt_ctx *ctx, unsigned int n)
{
	struct ckpt_hdr_pages h = {};
	int ret;

	h.h.type = CKPT_HDR_PAGES;
	h.h.len = sizeof(h) + n * (sizeof(u64) + PAGE_SIZE);
	h.nr_pages = n;
	ret = ckpt_write(ctx, &h, sizeof(h));
	if (!ret && n)
		ret = ckpt_write(ctx, ctx->addrs, n * sizeof(u64));
	if (!ret && n)
		ret = ckpt_write_pages(ctx, ctx->pages, n);
	ckpt_contents_drop(ctx, n);
	return ret;
}

/**
 * ckpt_contents_add() - checkpoint: add a page of a file's contents
 * @ctx: checkpoint context
 * @n: pages collected so far in ctx->pages; updated
 * @page: the page, with a reference the batch takes over
 * @off: its byte offset in the file, above the previous page's
 *
 * A full batch is written at once.
 *
 * Return: 0, or an error of writing the image (the batch is dropped).
 */
int ckpt_contents_add(struct ckpt_ctx *ctx, unsigned int *n,
		      struct page *page, u64 off)
{
	int ret;

	ctx->pages[*n] = page;
	ctx->addrs[*n] = off;
	if (++*n < CKPT_PAGES_MAX)
		return 0;
	ret = ckpt_contents_flush(ctx, *n);
	*n = 0;
	cond_resched();
	return ret;
}

/**
 * ckpt_contents_drop() - checkpoint: drop the pages of an unwritten batch
 * @ctx: checkpoint context
 * @n: pages collected in ctx->pages
 */
void ckpt_contents_drop(struct ckpt_ctx *ctx, unsigned int n)
{
	while (n--)
		put_page(ctx->pages[n]);
}

/**
 * ckpt_contents_end() - checkpoint: write the last batch, and the end
 * @ctx: checkpoint context
 * @n: pages collected in ctx->pages
 *
 * Return: 0, or an error of writing the image.
 */
int ckpt_contents_end(struct ckpt_ctx *ctx, unsigned int n)
{
	int ret = 0;

	if (n)
		ret = ckpt_contents_flush(ctx, n);
	return ret ?: ckpt_contents_flush(ctx, 0);
}

/**
 * ckpt_check_unshared() - checkpoint: is an unnamed file of the tree held
 *			   outside it?
 * @ctx: checkpoint context
 * @file: an open file of a memfd or a deleted file that the tree holds
 * @files: how many distinct open files of the tree are opens of it
 * @outside: the reference count of @file shows holders outside the tree
 *
 * Each open of such a file holds its dentry once: more opens than the
 * tree's are held by something outside it.
 *
 * Return: 0, or -EBUSY with a log line.
 */
int ckpt_check_unshared(struct ckpt_ctx *ctx, struct file *file,
			unsigned int files, bool outside)
{
	struct dentry *d = file->f_path.dentry;

	if (!outside && d_count(d) <= files)
		return 0;
	ckpt_log(ctx, -EBUSY,
		 "%pd is shared with a process outside the tree (or held by a mount): not supported",
		 d);
	return -EBUSY;
}

/* ---- restart ------------------------------------------------------------ */

/**
 * ckpt_read_contents() - restart: read a file's contents records
 * @ctx: restart context
 * @what: for log lines ("memfd record 3")
 * @size: the file's size
 * @fill: puts the pages of ctx->pages[0..n) (read from the image by
 *	  it, through ckpt_read_pages()) at the offsets ctx->addrs[0..n)
 * @file: for @fill
 *
 * Return: 0, -EINVAL (with a log line) for a malformed PAGES record or an
 * offset out of order or beyond @size, or the error of @fill or of
 * reading the image.
 */
int ckpt_read_contents(struct ckpt_ctx *ctx, const char *what, u64 size,
		       int (*fill)(struct ckpt_ctx *ctx, struct file *file,
				   unsigned int n),
		       struct file *file)
{
	u64 limit = round_up(size, PAGE_SIZE), last = 0;
	bool first = true;
	unsigned int i, nr;
	int ret;

	for (;;) {
		ret = ckpt_read_pages_addrs(ctx, what, false);
		if (ret <= 0)
			return ret;
		nr = ret;
		for (i = 0; i < nr; i++) {
			u64 off = ctx->addrs[i];

			if (!PAGE_ALIGNED(off) || off >= limit ||
			    (!first && off <= last)) {
				ckpt_log(ctx, -EINVAL, "%s: bad page offset %llx",
					 what, off);
				return -EINVAL;
			}
			first = false;
			last = off;
		}
		ret = fill(ctx, file, nr);
		if (ret)
			return ret;
		cond_resched();
	}
}

/**
 * ckpt_restore_mode_owner() - restart: give a file its mode and owner
 * @ctx: restart context
 * @what: for log lines
 * @path: the file restart made
 * @mode: the permission bits it had
 * @uid: its owner, in the restarter's user namespace
 * @gid: its group
 *
 * Through notify_change(), as fchmod() and fchown() would: the owner or
 * CAP_FOWNER for the mode, CAP_CHOWN for another owner, and the security
 * modules' setattr hook.
 *
 * Return: 0, -EINVAL (with a log line) for ids with no mapping in the
 * restarter's user namespace, or the error of notify_change() (-EPERM).
 */
int ckpt_restore_mode_owner(struct ckpt_ctx *ctx, const char *what,
			    const struct path *path, u32 mode, u32 uid, u32 gid)
{
	struct user_namespace *ns = current_user_ns();
	struct inode *inode = d_inode(path->dentry);
	kuid_t kuid = make_kuid(ns, uid);
	kgid_t kgid = make_kgid(ns, gid);
	struct iattr attr = {};
	int ret;

	if (!uid_valid(kuid) || !gid_valid(kgid)) {
		ckpt_log(ctx, -EINVAL, "%s: owner %u:%u has no mapping here",
			 what, uid, gid);
		return -EINVAL;
	}
	if ((inode->i_mode & S_IALLUGO) != mode) {
		attr.ia_valid |= ATTR_MODE;
		attr.ia_mode = mode | (inode->i_mode & S_IFMT);
	}
	if (!uid_eq(inode->i_uid, kuid)) {
		attr.ia_valid |= ATTR_UID;
		attr.ia_vfsuid = VFSUIDT_INIT(kuid);
	}
	if (!gid_eq(inode->i_gid, kgid)) {
		attr.ia_valid |= ATTR_GID;
		attr.ia_vfsgid = VFSGIDT_INIT(kgid);
	}
	if (!attr.ia_valid)
		return 0;
	attr.ia_valid |= ATTR_CTIME;
	inode_lock(inode);
	ret = notify_change(mnt_idmap(path->mnt), path->dentry, &attr, NULL);
	inode_unlock(inode);
	if (ret)
		ckpt_log(ctx, ret, "%s: cannot give it mode %o and owner %u:%u",
			 what, mode, uid, gid);
	return ret;
}

/**
 * ckpt_reopen_unnamed() - restart: an open file of an unnamed file
 * @ctx: restart context
 * @hf: the FILE record: access mode, status flags, offset
 * @base: the object's own file, made by restart
 *
 * Return: a new open of @base's file, as through /proc/self/fd, at the
 * saved offset; or an ERR_PTR with a log line: the error of opening it,
 * or -EINVAL when it cannot seek to the offset.
 */
struct file *ckpt_reopen_unnamed(struct ckpt_ctx *ctx,
				 const struct ckpt_hdr_file *hf,
				 struct file *base)
{
	struct file *file;
	loff_t pos;

	file = dentry_open(&base->f_path, hf->f_flags | O_LARGEFILE,
			   current_cred());
	if (IS_ERR(file)) {
		ckpt_log(ctx, PTR_ERR(file), "file record %u: cannot open %pd",
			 hf->objref, base->f_path.dentry);
		return file;
	}
	if (hf->pos && !(file->f_mode & FMODE_PATH)) {
		pos = vfs_llseek(file, hf->pos, SEEK_SET);
		if (pos != hf->pos) {
			ckpt_log(ctx, -EINVAL, "file record %u: cannot seek %pd to %lld",
				 hf->objref, base->f_path.dentry, hf->pos);
			fput(file);
			return ERR_PTR(pos < 0 ? pos : -EINVAL);
		}
	}
	return file;
}
