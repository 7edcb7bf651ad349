// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a file reopened by path was: restart opens the path again, and a
 * file replaced at that path since the checkpoint (a package upgrade
 * that renamed a new library over the old one, a log rotated, a
 * configuration file written anew) would be another file under the same
 * name. Its mappings would show other bytes at the same offsets, its fds
 * another file's data: a silently wrong restart.
 *
 * So the checkpoint writes, once per inode, an INODE record with the
 * inode's identity - the device of its filesystem, its number and its
 * generation - and the FILE records of regular files and directories and
 * the VMA records of mapped files name it. Restart compares the file it
 * opened with it and refuses another one (-ESTALE, with a line naming the
 * path) unless the caller accepts files replaced at their paths
 * (RESTART_ACCEPT_REPLACED: the image was moved to another machine, whose
 * files are the same by content but not by inode).
 *
 * Files of procfs, sysfs and cgroupfs get no INODE record: their inodes
 * are made again as they are looked up, with new numbers, and what the
 * path leads to is the same object.
 */
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/slab.h>
#include "internal.h"

/* Filesystems whose inode numbers do not identify a file over time */
static bool ckpt_inode_unstable(struct inode *inode)
{
	switch (inode->i_sb->s_magic) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
		return true;
	}
	return false;
}

static int ckpt_inode_checkpoint(struct ckpt_ctx *ctx, void *ptr, u32 objref)
{
	struct inode *inode = ptr;
	struct ckpt_hdr_inode h = {
		.objref = objref,
		.generation = inode->i_generation,
		.dev = new_encode_dev(inode->i_sb->s_dev),
		.ino = inode->i_ino,
	};

	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_INODE, sizeof(h));
}

/**
 * ckpt_inode_ref() - checkpoint: the INODE record of a file reopened by path
 * @ctx: checkpoint context
 * @file: the file
 *
 * At the inode's first use its INODE record is written, so it comes
 * right before the record that names it.
 *
 * Return: its objref (> 0), 0 for a file of a filesystem whose inodes do
 * not identify it (procfs, sysfs, cgroupfs), -ENOMEM, or an error of
 * writing the image.
 */
int ckpt_inode_ref(struct ckpt_ctx *ctx, struct file *file)
{
	struct inode *inode = file_inode(file);

	if (ckpt_inode_unstable(inode))
		return 0;
	return ckpt_obj_checkpoint(ctx, inode, CKPT_OBJ_INODE);
}

const struct ckpt_obj_ops ckpt_inode_obj_ops = {
	.name = "inode",
	.grab = ckpt_obj_get_inode,
	.drop = ckpt_obj_put_inode,
	.checkpoint = ckpt_inode_checkpoint,
};

/* ---- restart ---------------------------------------------------------- */

/**
 * struct ckpt_rinode - restart: an INODE record
 * @dev:	new_encode_dev() of the device of its filesystem
 * @ino:	its number
 * @generation:	its generation
 */
struct ckpt_rinode {
	u64 dev;
	u64 ino;
	u32 generation;
};

static void ckpt_rinode_noop(void *ptr)
{
}

static void ckpt_rinode_drop(void *ptr)
{
	kfree(ptr);
}

/* The checks that need nothing but the record (the objref: on insert) */
static bool ckpt_inode_rec_ok(const struct ckpt_hdr_inode *h)
{
	return h->dev <= U32_MAX;
}

/**
 * ckpt_restore_inode() - restart: read an INODE record
 * @ctx: restart context
 * @hdr: its header, read
 *
 * Its place: right before the FILE or VMA record that names it first
 * (restore_files() and ckpt_read_ref_hdr() call this).
 *
 * Return: 0, -EINVAL (with a log line) for a malformed record or a bad
 * objref, -ENOMEM, or an error of reading the image.
 */
int ckpt_restore_inode(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	struct ckpt_hdr_inode h;
	struct ckpt_rinode *ri;
	int ret;

	ret = ckpt_read_payload_ext(ctx, hdr, &h, sizeof(h));
	if (ret)
		return ret;
	if (!ckpt_inode_rec_ok(&h)) {
		ckpt_log(ctx, -EINVAL, "inode record %u: malformed", h.objref);
		return -EINVAL;
	}
	ri = kmalloc(sizeof(*ri), GFP_KERNEL);
	if (!ri)
		return -ENOMEM;
	ri->dev = h.dev;
	ri->ino = h.ino;
	ri->generation = h.generation;
	/* the hash owns it */
	ret = ckpt_obj_insert(ctx, ri, h.objref, CKPT_OBJ_RINODE);
	if (ret)
		kfree(ri);
	return ret;
}

/**
 * ckpt_inode_check() - restart: is @inode the file the image saw?
 * @ctx: restart context
 * @objref: the INODE record the image names for it, 0 for none
 * @inode: the inode of the file restart found at @path
 * @path: for the log line
 *
 * Return: 0 when @inode is that inode, when the image names none, or when
 * the caller accepts replaced files (RESTART_ACCEPT_REPLACED); -ESTALE
 * with a line naming the path when it is another file; -EINVAL when
 * @objref names no INODE record.
 */
int ckpt_inode_check(struct ckpt_ctx *ctx, u32 objref, struct inode *inode,
		     const char *path)
{
	struct ckpt_rinode *ri;
	u64 dev;

	if (!objref)
		return 0;
	ri = ckpt_obj_fetch(ctx, objref, CKPT_OBJ_RINODE);
	if (IS_ERR(ri))
		return PTR_ERR(ri);
	dev = new_encode_dev(inode->i_sb->s_dev);
	if (ri->dev == dev && ri->ino == inode->i_ino &&
	    ri->generation == inode->i_generation)
		return 0;
	if (ctx->flags & RESTART_ACCEPT_REPLACED)
		return 0;
	ckpt_log(ctx, -ESTALE,
		 "%s was replaced since the checkpoint: inode %lu on %u:%u, was %llu on %u:%u; RESTART_ACCEPT_REPLACED (ckpt restart --accept-replaced) takes it as it is",
		 path, inode->i_ino, MAJOR(inode->i_sb->s_dev),
		 MINOR(inode->i_sb->s_dev), ri->ino,
		 MAJOR(new_decode_dev(ri->dev)), MINOR(new_decode_dev(ri->dev)));
	return -ESTALE;
}

const struct ckpt_obj_ops ckpt_rinode_obj_ops = {
	.name = "inode",
	.grab = ckpt_rinode_noop,
	.drop = ckpt_rinode_drop,
	.rec_type = CKPT_HDR_INODE,
	.restore = ckpt_restore_inode,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_inode_rec_test {
	const char *desc;
	u32 objref;
	u64 dev;
	bool ok;
};

static const struct ckpt_inode_rec_test ckpt_inode_rec_tests[] = {
	/* accepted */
	{ .desc = "dev 0", .objref = 1, .ok = true },
	{ .desc = "the largest dev", .objref = 1, .dev = U32_MAX, .ok = true },
	/* refused */
	{ .desc = "dev above 32 bits", .objref = 1, .dev = (u64)U32_MAX + 1 },
	{ .desc = "every dev bit", .objref = 1, .dev = U64_MAX },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_inode_rec, ckpt_inode_rec_tests, desc);

static void ckpt_test_inode_rec_ok(struct kunit *test)
{
	const struct ckpt_inode_rec_test *t = test->param_value;
	struct ckpt_hdr_inode h = {
		.h.type = CKPT_HDR_INODE,
		.h.len = sizeof(h),
		.objref = t->objref,
		.dev = t->dev,
	};

	KUNIT_EXPECT_EQ(test, ckpt_inode_rec_ok(&h), t->ok);
}

static struct kunit_case ckpt_inode_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_inode_rec_ok, ckpt_inode_rec_gen_params),
	{}
};

static struct kunit_suite ckpt_inode_test_suite = {
	.name = "ckpt_inode",
	.test_cases = ckpt_inode_test_cases,
};

kunit_test_suite(ckpt_inode_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
