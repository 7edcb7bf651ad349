// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deleted files: a regular file the tree holds open or maps after its
 * last link went (an unlinked log or temporary file, an O_TMPFILE file).
 * There is no path to reopen, so its contents go into the image: one
 * DELETED record at the first reference, with size, mode, owner and the
 * path it had, then its data, holes left out (SEEK_DATA/SEEK_HOLE on an
 * open of the checkpointer's own). A file larger than the
 * kernel.ckpt_deleted_max sysctl is refused with a line that says so.
 *
 * Restart makes it again with O_TMPFILE in the directory it was in, with
 * the restarter's permissions there and its RLIMIT_FSIZE and quota, as
 * an unnamed file whose /proc/self/fd link reads "/dir/#ino (deleted)";
 * it is linkable with linkat() again only if it was (an O_TMPFILE file
 * made without O_EXCL). Several open files and mappings of it stay one
 * file, as memfds do (unnamed.c). A deleted executable is saved with the
 * vma that maps it (CKPT_VMA_F_EXE), and that vma's file becomes the
 * restored mm's exe_file again.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/xattr.h>
#include <linux/sched/signal.h>
#include "internal.h"

/* an O_TMPFILE open keeps O_TMPFILE (O_DIRECTORY with it) in its flags */
#define CKPT_DELETED_FLAGS	(CKPT_FILE_FLAGS | __O_TMPFILE)

/* kernel.ckpt_deleted_max: the largest deleted file a checkpoint saves */
unsigned long sysctl_ckpt_deleted_max __read_mostly = 16UL << 20;

/**
 * ckpt_is_deleted() - is @file an open file of a deleted regular file?
 * @file: any file
 *
 * Return: true for a regular file with no link left, on a mount of user
 * space (files of the kernel's internal mounts, memfds among them, are
 * not deleted files).
 */
bool ckpt_is_deleted(struct file *file)
{
	struct inode *inode = file_inode(file);

	return S_ISREG(inode->i_mode) && !inode->i_nlink &&
	       d_unlinked(file->f_path.dentry) &&
	       !(file->f_path.mnt->mnt_flags & MNT_INTERNAL);
}

/*
 * The first extended attribute of @dentry that is not a security label
 * (an ACL, a user attribute), in @buf; or "" for none. Labels are the
 * security modules' business: they label a new file as they would any.
 */
static int ckpt_deleted_xattr(struct dentry *dentry, char *buf, size_t size)
{
	ssize_t len = vfs_listxattr(dentry, buf, size - 1);
	char *p;

	buf[0] = '\0';
	if (len == -EOPNOTSUPP || len == 0)
		return 0;
	if (len < 0)
		return len == -ERANGE ? -E2BIG : len;
	buf[len] = '\0';
	for (p = buf; p < buf + len; p += strlen(p) + 1) {
		if (strncmp(p, XATTR_SECURITY_PREFIX,
			    XATTR_SECURITY_PREFIX_LEN)) {
			memmove(buf, p, strlen(p) + 1);
			return 0;
		}
	}
	buf[0] = '\0';
	return 0;
}

/*
 * Extended attributes other than security labels are not saved: a file
 * with one is refused at checkpoint (@made false), and so at restart is
 * a file made with one it did not have, from a default ACL of its
 * directory (@made true).
 */
static int ckpt_deleted_no_xattrs(struct ckpt_ctx *ctx, struct file *file,
				  const char *path, bool made)
{
	char *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = ckpt_deleted_xattr(file->f_path.dentry, buf, PAGE_SIZE);
	if (ret || buf[0]) {
		ret = ret ?: -EOPNOTSUPP;
		if (made)
			ckpt_log(ctx, ret,
				 "deleted file %s: made there, it gets extended attributes (%s) it did not have: not supported",
				 path, buf[0] ? buf : "?");
		else
			ckpt_log(ctx, ret,
				 "%s (deleted): extended attributes (%s) are not saved: not supported",
				 path, buf[0] ? buf : "?");
	}
	kfree(buf);
	return ret;
}

/* ---- checkpoint --------------------------------------------------------- */

/*
 * The path the file had: its directory's (which must be reachable) and
 * its last name. Written into @buf (PATH_MAX bytes).
 */
static char *ckpt_deleted_path(struct ckpt_ctx *ctx, struct file *file,
			       char *buf)
{
	struct dentry *d = file->f_path.dentry;
	struct path dir = { .mnt = file->f_path.mnt };
	char *p;
	size_t len;

	dir.dentry = dget_parent(d);
	p = ckpt_file_path(ctx, &dir, buf, "the directory of a deleted file");
	dput(dir.dentry);
	if (IS_ERR(p))
		return p;
	len = strlen(p);
	/* the name is stable: a dentry without links is never renamed */
	BUILD_BUG_ON(CKPT_PATH_MAX > PATH_MAX);
	if (len + 1 + d->d_name.len + 1 > CKPT_PATH_MAX) {
		ckpt_log(ctx, -EOPNOTSUPP, "a path longer than %u bytes",
			 CKPT_PATH_MAX);
		return ERR_PTR(-EOPNOTSUPP);
	}
	memmove(buf, p, len + 1);
	if (len > 1)
		buf[len++] = '/';
	memcpy(buf + len, d->d_name.name, d->d_name.len);
	buf[len + d->d_name.len] = '\0';
	return buf;
}

/* Its data below @size, read through @priv, holes left out */
static int ckpt_deleted_pages(struct ckpt_ctx *ctx, struct file *priv,
			      loff_t size)
{
	unsigned int n = 0;
	loff_t pos = 0;
	int ret = 0;

	while (pos < size) {
		loff_t data, hole, off;

		data = vfs_llseek(priv, pos, SEEK_DATA);
		if (data == -ENXIO || data >= size)
			break;
		if (data < 0) {
			ret = data;
			break;
		}
		hole = vfs_llseek(priv, data, SEEK_HOLE);
		if (hole < 0) {
			ret = hole;
			break;
		}
		hole = min(hole, size);
		for (off = round_down(data, PAGE_SIZE); off < hole;
		     off += PAGE_SIZE) {
			struct page *page = alloc_page(GFP_KERNEL);
			loff_t rpos = off;
			ssize_t got;

			if (!page) {
				ret = -ENOMEM;
				break;
			}
			got = kernel_read(priv, page_address(page), PAGE_SIZE,
					  &rpos);
			if (got < 0) {
				__free_page(page);
				ret = got;
				break;
			}
			memset(page_address(page) + got, 0, PAGE_SIZE - got);
			ret = ckpt_contents_add(ctx, &n, page, off);
			if (ret)
				return ret;
		}
		if (ret)
			break;
		pos = round_up(hole, PAGE_SIZE);
	}
	if (ret) {
		ckpt_contents_drop(ctx, n);
		return ret;
	}
	return ckpt_contents_end(ctx, n);
}

static int ckpt_deleted_write(struct ckpt_ctx *ctx, struct file *file,
			      u32 objref)
{
	struct user_namespace *ns = current_user_ns();
	struct inode *inode = file_inode(file);
	struct ckpt_hdr_deleted h = {};
	struct file *priv;
	char *buf, *path;
	int ret;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	path = ckpt_deleted_path(ctx, file, buf);
	if (IS_ERR(path)) {
		ret = PTR_ERR(path);
		goto out;
	}
	h.size = i_size_read(inode);
	if (h.size > READ_ONCE(sysctl_ckpt_deleted_max)) {
		ret = -EOPNOTSUPP;
		ckpt_log(ctx, ret,
			 "%s (deleted): %llu bytes, above the %lu a checkpoint saves of a deleted file (sysctl kernel.ckpt_deleted_max)",
			 path, h.size, READ_ONCE(sysctl_ckpt_deleted_max));
		goto out;
	}
	/* what is not saved must not be there: an ACL, user attributes */
	ret = ckpt_deleted_no_xattrs(ctx, file, path, false);
	if (ret)
		goto out;
	/* read as the checkpointer may: the tree may hold it write-only */
	ret = inode_permission(file_mnt_idmap(file), inode, MAY_READ);
	if (ret) {
		ckpt_log(ctx, ret, "%s (deleted): the checkpointer may not read it",
			 path);
		goto out;
	}
	/* and leave no trace: no access time */
	priv = dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE | O_NOATIME,
			   current_cred());
	if (IS_ERR(priv)) {
		ret = PTR_ERR(priv);
		ckpt_log(ctx, ret, "%s (deleted): cannot open it", path);
		goto out;
	}
	h.objref = objref;
	spin_lock(&inode->i_lock);
	if (inode->i_state & I_LINKABLE)
		h.flags |= CKPT_DELETED_F_LINKABLE;
	spin_unlock(&inode->i_lock);
	h.mode = inode->i_mode & S_IALLUGO;
	h.uid = from_kuid_munged(ns, inode->i_uid);
	h.gid = from_kgid_munged(ns, inode->i_gid);
	h.path_len = strlen(path) + 1;
	ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_DELETED, sizeof(h), path,
				  h.path_len);
	if (!ret)
		ret = ckpt_deleted_pages(ctx, priv, h.size);
	fput(priv);
out:
	kfree(buf);
	return ret;
}

/**
 * ckpt_deleted_ref() - checkpoint: the objref of the deleted file @file
 * @ctx: checkpoint context
 * @file: an open file of a deleted file (ckpt_is_deleted())
 *
 * At the file's first reference in the image its DELETED record and its
 * data are written, right before the record that refers to it.
 *
 * Return: the objref (> 0); -EOPNOTSUPP (with a log line) for a file
 * above kernel.ckpt_deleted_max or whose directory has no path; -EACCES
 * (with a log line) when the checkpointer may not read it; -ENOSPC when
 * the object hash is full; -ENOMEM; or an error of reading the file or
 * writing the image.
 */
int ckpt_deleted_ref(struct ckpt_ctx *ctx, struct file *file)
{
	bool first;
	int ref, ret;

	ref = ckpt_obj_lookup_add(ctx, file_inode(file),
				  CKPT_OBJ_DELETED_INODE, &first);
	if (ref < 0 || !first)
		return ref;
	ret = ckpt_deleted_write(ctx, file, ref);
	return ret ?: ref;
}

static int ckpt_deleted_checkpoint(struct ckpt_ctx *ctx,
				   struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_deleted h = {};
	int ref;

	ref = ckpt_deleted_ref(ctx, e->file);
	if (ref < 0)
		return ref;
	h.deleted_objref = ref;
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_DELETED, sizeof(h));
}

/* ---- restart ------------------------------------------------------------ */

/* A DELETED record, @len bytes long: the checks that need nothing else */
static bool ckpt_deleted_rec_ok(const struct ckpt_hdr_deleted *h, size_t len)
{
	const char *path;

	if (!h->objref || h->flags & ~CKPT_DELETED_F_MASK ||
	    h->size > MAX_LFS_FILESIZE || h->mode & ~S_IALLUGO ||
	    len != ALIGN(sizeof(*h) + (u64)h->path_len, 8))
		return false;
	path = ckpt_check_string(h, len, sizeof(*h), h->path_len);
	/* an absolute path with a last name */
	return path && path[0] == '/' && path[h->path_len - 2] != '/';
}

/* Write the pages read from the image into the file at their offsets */
static int ckpt_deleted_fill(struct ckpt_ctx *ctx, struct file *file,
			     unsigned int n)
{
	unsigned int i, got = 0;
	int ret = 0;

	for (; got < n; got++) {
		ctx->pages[got] = alloc_page(GFP_KERNEL);
		if (!ctx->pages[got]) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = ckpt_read_pages(ctx, ctx->pages, n);
	for (i = 0; i < n && !ret; i++) {
		loff_t pos = ctx->addrs[i];
		/* never past the size: RLIMIT_FSIZE was checked against it */
		size_t len = min_t(u64, PAGE_SIZE, i_size_read(file_inode(file)) - pos);
		ssize_t w;

		w = kernel_write(file, page_address(ctx->pages[i]), len, &pos);
		if (w != len)
			ret = w < 0 ? w : -EIO;
	}
out:
	for (i = 0; i < got; i++)
		__free_page(ctx->pages[i]);
	return ret;
}

/* The directory of @path, the file's own name cut off */
static int ckpt_deleted_dir(struct ckpt_ctx *ctx, const char *path,
			    struct path *dir)
{
	const char *slash = strrchr(path, '/');
	char *name;
	int ret;

	name = kstrndup(path, slash == path ? 1 : slash - path, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	ret = kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, dir);
	if (ret)
		ckpt_log(ctx, ret, "deleted file %s: no directory %s to make it in",
			 path, name);
	kfree(name);
	return ret;
}

/*
 * restore_deleted() - read a DELETED record and its data: make the file
 */
static int restore_deleted(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	struct ckpt_hdr_deleted *h;
	struct file *file, *ro;
	struct path dir;
	const char *path;
	char what[32];
	int ret;

	h = ckpt_read_payload_var(ctx, hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (!ckpt_deleted_rec_ok(h, h->h.len)) {
		ret = -EINVAL;
		ckpt_log(ctx, ret, "deleted file record %u: malformed",
			 h->objref);
		goto out;
	}
	path = (const char *)(h + 1);
	ret = ckpt_deleted_dir(ctx, path, &dir);
	if (ret)
		goto out;
	/* the mode is given below, whatever the umask takes away here */
	file = kernel_tmpfile_open(mnt_idmap(dir.mnt), &dir, S_IFREG | 0600,
				   O_RDWR | O_LARGEFILE |
				   (h->flags & CKPT_DELETED_F_LINKABLE ?
				    0 : O_EXCL),
				   current_cred());
	path_put(&dir);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		ckpt_log(ctx, ret, "deleted file %s: cannot make an O_TMPFILE file there",
			 path);
		goto out;
	}
	snprintf(what, sizeof(what), "deleted file record %u", h->objref);
	ret = ckpt_deleted_no_xattrs(ctx, file, path, true);
	if (ret)
		goto out_put;
	/*
	 * Sized first, to the limits a write would meet, so that the data
	 * is written below the size: never a SIGXFSZ to the restarter.
	 */
	if (h->size > rlimit(RLIMIT_FSIZE)) {
		ret = -EFBIG;
		ckpt_log(ctx, ret,
			 "deleted file %s: %llu bytes, above the restarter's RLIMIT_FSIZE",
			 path, h->size);
		goto out_put;
	}
	ret = vfs_truncate(&file->f_path, h->size);
	if (ret) {
		ckpt_log(ctx, ret, "deleted file %s: cannot size it to %llu bytes",
			 path, h->size);
		goto out_put;
	}
	ret = ckpt_read_contents(ctx, what, h->size, ckpt_deleted_fill, file);
	if (!ret)
		ret = ckpt_restore_mode_owner(ctx, what, &file->f_path, h->mode,
					      h->uid, h->gid);
	if (ret)
		goto out_put;
	/*
	 * Kept open for reading only: a deleted executable, made the
	 * restored mm's exe_file, denies writes as exec does
	 */
	ro = dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE,
			 current_cred());
	if (IS_ERR(ro)) {
		ret = PTR_ERR(ro);
		ckpt_log(ctx, ret, "deleted file %s: cannot open it again",
			 path);
		goto out_put;
	}
	ret = ckpt_obj_insert(ctx, ro, h->objref, CKPT_OBJ_DELETED_FILE);
	fput(ro);
out_put:
	/*
	 * Now, not at the return to user mode as fput() would: its write
	 * access must be gone when the executable denies writes. The only
	 * reference, and no lock or mount depends on its release.
	 */
	__fput_sync(file);
out:
	kvfree(h);
	return ret;
}

/**
 * ckpt_deleted_file() - restart: the file a DELETED record made
 * @ctx: restart context
 * @objref: its objref, from a FILE_DELETED record or a DELETED vma
 *
 * Return: restart's own open of it (no new reference; not for an fd
 * table or a mapping: open it again), or ERR_PTR(-EINVAL) with a log
 * line when @objref names no deleted file restored before.
 */
struct file *ckpt_deleted_file(struct ckpt_ctx *ctx, u32 objref)
{
	return ckpt_obj_fetch(ctx, objref, CKPT_OBJ_DELETED_FILE);
}

static struct file *ckpt_deleted_restore(struct ckpt_ctx *ctx,
					 const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_deleted h;
	struct file *base;
	int ret;

	ret = ckpt_read_ref_ext(ctx, CKPT_HDR_FILE_DELETED, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.__reserved) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed deleted file",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	base = ckpt_deleted_file(ctx, h.deleted_objref);
	if (IS_ERR(base))
		return base;
	return ckpt_reopen_unnamed(ctx, hf, base);
}

/* its inode while checkpointing, restart's own open of it while restarting */
const struct ckpt_obj_ops ckpt_deleted_inode_obj_ops = {
	.name = "deleted file",
	.grab = ckpt_obj_get_inode,
	.drop = ckpt_obj_put_inode,
};

const struct ckpt_obj_ops ckpt_deleted_file_obj_ops = {
	.name = "deleted file",
	.grab = ckpt_obj_get_file,
	.drop = ckpt_obj_put_file,
	.rec_type = CKPT_HDR_DELETED,
	.restore = restore_deleted,
};

/* reached through the regular file type's classify (ckpt_is_deleted()) */
const struct ckpt_file_ops ckpt_deleted_file_ops = {
	.name = "deleted file",
	.checkpoint = ckpt_deleted_checkpoint,
	.restore = ckpt_deleted_restore,
	.f_flags = CKPT_DELETED_FLAGS,
	.seekable = true,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

/* A DELETED record: a valid one of "/tmp/x" unless the row changes it */
struct ckpt_deleted_rec_test {
	const char *desc;
	u32 objref, flags, mode;
	u64 size;
	const char *path;	/* NULL: "/tmp/x" */
	u32 path_len;		/* 0: the path's, with its NUL */
	u32 len;		/* record length; 0: the right one */
	bool ok;
};

#define CKPT_TEST_DEL_LEN(n)	ALIGN(sizeof(struct ckpt_hdr_deleted) + (n), 8)

static const struct ckpt_deleted_rec_test ckpt_deleted_rec_tests[] = {
	/* accepted */
	{ .desc = "empty", .objref = 1, .mode = 0644, .ok = true },
	{ .desc = "linkable (O_TMPFILE)", .objref = 1,
	  .flags = CKPT_DELETED_F_LINKABLE, .path = "/tmp/#123", .ok = true },
	{ .desc = "MAX_LFS_FILESIZE bytes", .objref = 1,
	  .size = MAX_LFS_FILESIZE, .ok = true },
	{ .desc = "every mode bit", .objref = 1, .mode = S_IALLUGO,
	  .ok = true },
	{ .desc = "in /", .objref = 1, .path = "/x", .ok = true },
	/* refused */
	{ .desc = "objref 0" },
	{ .desc = "an unknown flag", .objref = 1,
	  .flags = CKPT_DELETED_F_MASK + 1 },
	{ .desc = "MAX_LFS_FILESIZE + 1 bytes", .objref = 1,
	  .size = (u64)MAX_LFS_FILESIZE + 1 },
	{ .desc = "a file type in the mode", .objref = 1,
	  .mode = S_IFREG | 0644 },
	{ .desc = "a relative path", .objref = 1, .path = "tmp/x" },
	{ .desc = "the root", .objref = 1, .path = "/" },
	{ .desc = "a path ending in a slash", .objref = 1, .path = "/tmp/" },
	{ .desc = "no path", .objref = 1, .path = "", .path_len = 0,
	  .len = CKPT_TEST_DEL_LEN(0) },
	{ .desc = "a path not terminated", .objref = 1, .path_len = 6 },
	{ .desc = "a record longer than its path", .objref = 1,
	  .len = CKPT_TEST_DEL_LEN(7) + 8 },
	{ .desc = "a path of U32_MAX bytes", .objref = 1,
	  .path_len = U32_MAX, .len = CKPT_TEST_DEL_LEN(8) },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_deleted_rec, ckpt_deleted_rec_tests, desc);

static void ckpt_test_deleted_rec_ok(struct kunit *test)
{
	const struct ckpt_deleted_rec_test *t = test->param_value;
	const char *p = t->path ?: "/tmp/x";
	size_t size = CKPT_TEST_DEL_LEN(64);
	struct ckpt_hdr_deleted *h;

	h = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	KUNIT_ASSERT_LT(test, strlen(p), (size_t)64);
	strscpy((char *)(h + 1), p, 64);
	h->h.type = CKPT_HDR_DELETED;
	h->objref = t->objref;
	h->flags = t->flags;
	h->size = t->size;
	h->mode = t->mode;
	h->path_len = t->path_len ?: (t->path && !*t->path ? 0 :
				      strlen(p) + 1);
	h->h.len = t->len ?: CKPT_TEST_DEL_LEN(h->path_len);
	KUNIT_ASSERT_LE(test, (size_t)h->h.len, size);
	KUNIT_EXPECT_EQ(test, ckpt_deleted_rec_ok(h, h->h.len), t->ok);
}

static struct kunit_case ckpt_deleted_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_deleted_rec_ok,
			 ckpt_deleted_rec_gen_params),
	{}
};

static struct kunit_suite ckpt_deleted_test_suite = {
	.name = "ckpt_deleted",
	.test_cases = ckpt_deleted_test_cases,
};

kunit_test_suite(ckpt_deleted_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
