// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfds (memfd_create()): one object however many open files and
 * mappings of the tree refer to it.
 *
 * Checkpoint writes a MEMFD record at the first reference (a FILE_MEMFD
 * of an fd, or a MEMFD vma): its name, size, seals, mode and owner, then
 * its pages as PAGES records whose addresses are offsets in the memfd.
 * Holes are skipped with SEEK_DATA/SEEK_HOLE, as a reader would; a page
 * in swap is read back. A memfd that a process outside the tree holds
 * too (the same open file, or another open of it through /proc) would
 * stop being shared after restart: refused.
 *
 * Restart makes the memfd with memfd_file_create() (patch 0021), as
 * memfd_create() would for the restarter (vm.memfd_noexec applies), sizes
 * it with truncate, fills its pages, and gives it the saved mode and
 * owner through notify_change(), the rules of fchmod() and fchown(). Each
 * open file is a new open of it (dentry_open(), as opening
 * /proc/self/fd/N would be), with its own flags and offset; a mapping
 * maps it, through a read-only open when the saved mapping could not be
 * made writable. Seals are applied last, once every mapping of the tree
 * exists, just before the tree runs: F_SEAL_FUTURE_WRITE after the
 * writable mappings it lets live, F_SEAL_WRITE when none can write.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/memfd.h>
#include <uapi/linux/memfd.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/cred.h>
#include <linux/fcntl.h>
#include "internal.h"

#define CKPT_MEMFD_PREFIX	"memfd:"
#define CKPT_MEMFD_PREFIX_LEN	(sizeof(CKPT_MEMFD_PREFIX) - 1)

#define CKPT_MEMFD_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
				 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
				 F_SEAL_EXEC)

/* the status flags an open file of a memfd keeps */
#define CKPT_MEMFD_FLAGS	(CKPT_FILE_FLAGS & ~O_DIRECTORY)

/**
 * ckpt_is_memfd() - is @file an open file of a memfd?
 * @file: any file
 *
 * A memfd is a shmem file on the kernel's internal mount, made for user
 * space (not a kernel-private one: shared anonymous memory, SysV shm),
 * named "memfd:...". A hugetlbfs memfd is not one: it is refused as a
 * file without a name.
 *
 * Return: true for a memfd.
 */
bool ckpt_is_memfd(struct file *file)
{
	const struct dentry *d = file->f_path.dentry;

	return shmem_file(file) && !IS_PRIVATE(file_inode(file)) &&
	       file->f_path.mnt->mnt_flags & MNT_INTERNAL &&
	       !strncmp(d->d_name.name, CKPT_MEMFD_PREFIX,
			CKPT_MEMFD_PREFIX_LEN);
}

/* ---- checkpoint --------------------------------------------------------- */

/* The pages of the memfd below @size, holes skipped, then the end */
static int ckpt_memfd_pages(struct ckpt_ctx *ctx, struct file *file,
			    loff_t size)
{
	struct address_space *mapping = file->f_mapping;
	unsigned int n = 0;
	loff_t pos = 0;
	int ret = 0;

	while (pos < size && !ret) {
		loff_t data, hole;
		pgoff_t idx, end;

		data = mapping_seek_hole_data(mapping, pos, size, SEEK_DATA);
		if (data == -ENXIO)
			break;
		if (data < 0)
			return data;
		hole = mapping_seek_hole_data(mapping, data, size, SEEK_HOLE);
		if (hole < 0)
			return hole;
		end = DIV_ROUND_UP(hole, PAGE_SIZE);
		for (idx = data >> PAGE_SHIFT; idx < end; idx++) {
			struct page *page = ckpt_shmem_page(file, idx);

			if (IS_ERR(page)) {
				ret = PTR_ERR(page);
				ckpt_log(ctx, ret,
					 "memfd: page %lu could not be read back from swap",
					 idx);
				break;
			}
			if (!page)
				continue;
			ret = ckpt_contents_add(ctx, &n, page,
						(u64)idx << PAGE_SHIFT);
			if (ret)
				return ret;
		}
		pos = (loff_t)end << PAGE_SHIFT;
	}
	if (ret) {
		ckpt_contents_drop(ctx, n);
		return ret;
	}
	return ckpt_contents_end(ctx, n);
}

static int ckpt_memfd_write(struct ckpt_ctx *ctx, struct file *file,
			    u32 objref)
{
	struct user_namespace *ns = current_user_ns();
	struct inode *inode = file_inode(file);
	const char *name = file->f_path.dentry->d_name.name +
			   CKPT_MEMFD_PREFIX_LEN;
	struct ckpt_hdr_memfd h = {};
	long seals;
	int ret;

	seals = memfd_fcntl(file, F_GET_SEALS, 0);
	if (seals < 0)
		return seals;
	h.objref = objref;
	h.seals = seals;
	h.size = i_size_read(inode);
	h.mode = inode->i_mode & S_IALLUGO;
	h.uid = from_kuid_munged(ns, inode->i_uid);
	h.gid = from_kgid_munged(ns, inode->i_gid);
	h.name_len = strnlen(name, CKPT_MEMFD_NAME_MAX) + 1;
	if (h.name_len > CKPT_MEMFD_NAME_MAX)
		return -EINVAL;	/* memfd_create() takes no longer name */
	ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_MEMFD, sizeof(h), name,
				  h.name_len);
	return ret ?: ckpt_memfd_pages(ctx, file, h.size);
}

/**
 * ckpt_memfd_ref() - checkpoint: the objref of the memfd of @file
 * @ctx: checkpoint context
 * @file: an open file of a memfd (ckpt_is_memfd())
 *
 * At the memfd's first reference in the image its MEMFD record and its
 * pages are written, right before the record that refers to it.
 *
 * Return: the objref (> 0); -ENOSPC when the object hash is full,
 * -ENOMEM, -EIO for a page that could not be read back from swap, or an
 * error of writing the image.
 */
int ckpt_memfd_ref(struct ckpt_ctx *ctx, struct file *file)
{
	bool first;
	int ref, ret;

	ref = ckpt_obj_lookup_add(ctx, file_inode(file), CKPT_OBJ_MEMFD_INODE,
				  &first);
	if (ref < 0 || !first)
		return ref;
	ret = ckpt_memfd_write(ctx, file, ref);
	return ret ?: ref;
}

static int ckpt_memfd_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_memfd h = {};
	int ref;

	ref = ckpt_memfd_ref(ctx, e->file);
	if (ref < 0)
		return ref;
	h.memfd_objref = ref;
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_MEMFD, sizeof(h));
}

/* ---- restart ------------------------------------------------------------ */

/* A MEMFD record, @len bytes long: the checks that need nothing else */
static bool ckpt_memfd_rec_ok(const struct ckpt_hdr_memfd *h, size_t len)
{
	const char *name;

	if (!h->objref || h->seals & ~CKPT_MEMFD_SEALS ||
	    h->size > MAX_LFS_FILESIZE || h->mode & ~S_IALLUGO ||
	    h->name_len > CKPT_MEMFD_NAME_MAX ||
	    len != ALIGN(sizeof(*h) + h->name_len, 8))
		return false;
	name = ckpt_check_string(h, len, sizeof(*h), h->name_len);
	return name;
}

/* The seals to apply once every mapping exists */
struct ckpt_memfd_seal {
	struct file *file;
	u32 objref;
	u32 seals;
};

static int ckpt_memfd_seal(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_memfd_seal *s = data;
	long ret;

	ret = memfd_fcntl(s->file, F_ADD_SEALS, s->seals);
	if (ret)
		ckpt_log(ctx, ret, "memfd record %u: cannot seal it with %#x again",
			 s->objref, s->seals);
	return ret;
}

static void ckpt_memfd_seal_release(void *data)
{
	struct ckpt_memfd_seal *s = data;

	fput(s->file);
	kfree(s);
}

/* Put the pages read from the image in the memfd's page cache */
static int ckpt_memfd_fill(struct ckpt_ctx *ctx, struct file *file,
			   unsigned int n)
{
	unsigned int i, j;
	int ret;

	for (i = 0; i < n; i++) {
		struct page *page;

		page = shmem_read_mapping_page(file->f_mapping,
					       ctx->addrs[i] >> PAGE_SHIFT);
		if (IS_ERR(page)) {
			for (j = 0; j < i; j++)
				put_page(ctx->pages[j]);
			return PTR_ERR(page);
		}
		ctx->pages[i] = page;
	}
	ret = ckpt_read_pages(ctx, ctx->pages, n);
	for (i = 0; i < n; i++) {
		set_page_dirty(ctx->pages[i]);
		put_page(ctx->pages[i]);
	}
	return ret;
}

/*
 * restore_memfd() - read a MEMFD record and its pages: make the memfd
 */
static int restore_memfd(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	struct ckpt_memfd_seal *s;
	struct ckpt_hdr_memfd *h;
	struct file *file;
	unsigned int flags = MFD_ALLOW_SEALING;
	char what[32];
	int ret;

	h = ckpt_read_payload_var(ctx, hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (!ckpt_memfd_rec_ok(h, h->h.len)) {
		ret = -EINVAL;
		ckpt_log(ctx, ret, "memfd record %u: malformed", h->objref);
		goto out;
	}
	/* as it was most likely made: MFD_NOEXEC_SEAL leaves no exec bit */
	flags |= (h->seals & F_SEAL_EXEC) && !(h->mode & 0111) ?
		 MFD_NOEXEC_SEAL : MFD_EXEC;
	file = memfd_file_create((const char *)(h + 1), flags);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		ckpt_log(ctx, ret, "memfd record %u: memfd_create() refused",
			 h->objref);
		goto out;
	}
	ret = vfs_truncate(&file->f_path, h->size);
	if (ret) {
		ckpt_log(ctx, ret, "memfd record %u: cannot size it to %llu bytes",
			 h->objref, h->size);
		goto out_put;
	}
	snprintf(what, sizeof(what), "memfd record %u", h->objref);
	ret = ckpt_read_contents(ctx, what, h->size, ckpt_memfd_fill, file);
	if (!ret)
		ret = ckpt_restore_mode_owner(ctx, what, &file->f_path, h->mode,
					      h->uid, h->gid);
	if (!ret)
		ret = ckpt_obj_insert(ctx, file, h->objref, CKPT_OBJ_MEMFD_FILE);
	if (ret || !h->seals)
		goto out_put;
	ret = -ENOMEM;
	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		goto out_put;
	s->file = file;		/* the reference is the seal's now */
	s->objref = h->objref;
	s->seals = h->seals;
	ret = ckpt_before_release_add(ctx, ckpt_memfd_seal,
				      ckpt_memfd_seal_release, s);
	goto out;
out_put:
	fput(file);
out:
	kvfree(h);
	return ret;
}

/**
 * ckpt_memfd_file() - restart: the memfd a MEMFD record made
 * @ctx: restart context
 * @objref: the memfd's objref, from a FILE_MEMFD record or a MEMFD vma
 *
 * Return: the memfd's own open file (no new reference), or
 * ERR_PTR(-EINVAL) with a log line when @objref names no memfd restored
 * before.
 */
struct file *ckpt_memfd_file(struct ckpt_ctx *ctx, u32 objref)
{
	return ckpt_obj_fetch(ctx, objref, CKPT_OBJ_MEMFD_FILE);
}

static struct file *ckpt_memfd_restore(struct ckpt_ctx *ctx,
				       const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_memfd h;
	struct file *memfd;
	int ret;

	ret = ckpt_read_ref_ext(ctx, CKPT_HDR_FILE_MEMFD, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.__reserved) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed memfd",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	memfd = ckpt_memfd_file(ctx, h.memfd_objref);
	if (IS_ERR(memfd))
		return memfd;
	return ckpt_reopen_unnamed(ctx, hf, memfd);
}

/* the memfd: its inode while checkpointing, its file while restarting */
const struct ckpt_obj_ops ckpt_memfd_inode_obj_ops = {
	.name = "memfd",
	.grab = ckpt_obj_get_inode,
	.drop = ckpt_obj_put_inode,
};

const struct ckpt_obj_ops ckpt_memfd_file_obj_ops = {
	.name = "memfd",
	.grab = ckpt_obj_get_file,
	.drop = ckpt_obj_put_file,
	.rec_type = CKPT_HDR_MEMFD,
	.restore = restore_memfd,
};

/* reached through the regular file type's classify (ckpt_is_memfd()) */
const struct ckpt_file_ops ckpt_memfd_file_ops = {
	.name = "memfd",
	.checkpoint = ckpt_memfd_checkpoint,
	.restore = ckpt_memfd_restore,
	.f_flags = CKPT_MEMFD_FLAGS,
	.seekable = true,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

/* A MEMFD record: a valid one named "x" unless the row changes it */
struct ckpt_memfd_rec_test {
	const char *desc;
	u32 objref, seals, mode, name_len;
	u64 size;
	u32 len;		/* record length; 0: the right one */
	char fill;		/* name byte; 0: 'x' */
	bool unterminated;
	bool ok;
};

#define CKPT_TEST_MEMFD_LEN(n)	ALIGN(sizeof(struct ckpt_hdr_memfd) + (n), 8)

static const struct ckpt_memfd_rec_test ckpt_memfd_rec_tests[] = {
	/* accepted */
	{ .desc = "empty, no seals", .objref = 1, .name_len = 2, .mode = 0777,
	  .ok = true },
	{ .desc = "every seal", .objref = 1, .name_len = 2,
	  .seals = CKPT_MEMFD_SEALS, .mode = 0666, .ok = true },
	{ .desc = "MAX_LFS_FILESIZE bytes", .objref = 1, .name_len = 2,
	  .size = MAX_LFS_FILESIZE, .ok = true },
	{ .desc = "not a whole number of pages", .objref = 1, .name_len = 2,
	  .size = PAGE_SIZE + 1, .ok = true },
	{ .desc = "every mode bit", .objref = 1, .name_len = 2,
	  .mode = S_IALLUGO, .ok = true },
	{ .desc = "an empty name", .objref = 1, .name_len = 1, .ok = true },
	{ .desc = "a name of 249 bytes", .objref = 1,
	  .name_len = CKPT_MEMFD_NAME_MAX, .ok = true },
	{ .desc = "a name with a slash", .objref = 1, .name_len = 2,
	  .fill = '/', .ok = true },
	/* refused */
	{ .desc = "objref 0", .name_len = 2 },
	{ .desc = "an unknown seal", .objref = 1, .name_len = 2,
	  .seals = F_SEAL_EXEC << 1 },
	{ .desc = "every seal bit", .objref = 1, .name_len = 2,
	  .seals = U32_MAX },
	{ .desc = "MAX_LFS_FILESIZE + 1 bytes", .objref = 1, .name_len = 2,
	  .size = (u64)MAX_LFS_FILESIZE + 1 },
	{ .desc = "U64_MAX bytes", .objref = 1, .name_len = 2,
	  .size = U64_MAX },
	{ .desc = "a file type in the mode", .objref = 1, .name_len = 2,
	  .mode = S_IFREG | 0644 },
	{ .desc = "no name at all", .objref = 1, .name_len = 0 },
	{ .desc = "a name of 250 bytes", .objref = 1,
	  .name_len = CKPT_MEMFD_NAME_MAX + 1 },
	{ .desc = "a name of U32_MAX bytes", .objref = 1,
	  .name_len = U32_MAX, .len = CKPT_TEST_MEMFD_LEN(8) },
	{ .desc = "a name not terminated", .objref = 1, .name_len = 2,
	  .unterminated = true },
	{ .desc = "a record longer than its name", .objref = 1,
	  .name_len = 2, .len = CKPT_TEST_MEMFD_LEN(2) + 8 },
	{ .desc = "a record shorter than its name", .objref = 1,
	  .name_len = 16, .len = CKPT_TEST_MEMFD_LEN(8) },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_memfd_rec, ckpt_memfd_rec_tests, desc);

static void ckpt_test_memfd_rec_ok(struct kunit *test)
{
	const struct ckpt_memfd_rec_test *t = test->param_value;
	size_t size = CKPT_TEST_MEMFD_LEN(CKPT_MEMFD_NAME_MAX + 8);
	struct ckpt_hdr_memfd *h;
	char *name;
	u32 n;

	h = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	name = (char *)(h + 1);
	n = min_t(u32, t->name_len, CKPT_MEMFD_NAME_MAX + 8);
	if (n) {
		memset(name, t->fill ?: 'x', n - 1);
		if (t->unterminated)
			name[n - 1] = 'x';
	}
	h->h.type = CKPT_HDR_MEMFD;
	h->objref = t->objref;
	h->seals = t->seals;
	h->size = t->size;
	h->mode = t->mode;
	h->name_len = t->name_len;
	h->h.len = t->len ?: CKPT_TEST_MEMFD_LEN(t->name_len);
	KUNIT_ASSERT_LE(test, (size_t)h->h.len, size);
	KUNIT_EXPECT_EQ(test, ckpt_memfd_rec_ok(h, h->h.len), t->ok);
}

static struct kunit_case ckpt_memfd_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_memfd_rec_ok, ckpt_memfd_rec_gen_params),
	{}
};

static struct kunit_suite ckpt_memfd_test_suite = {
	.name = "ckpt_memfd",
	.test_cases = ckpt_memfd_test_cases,
};

kunit_test_suite(ckpt_memfd_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
