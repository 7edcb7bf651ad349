// SPDX-License-Identifier: GPL-2.0-only
/*
 * inotify: the instance (its queue limit, where its next watch descriptor
 * search starts), its watches (INOTIFY_WATCHES: each by watch descriptor,
 * mask with IN_ONESHOT and IN_EXCL_UNLINK, and the path of what it
 * watches) and the events queued (INOTIFY_EVENTS, as read() would return
 * them, an IN_Q_OVERFLOW included).
 *
 * A watch holds an inode, not a path. It is named through the watched
 * inode's dentry and the first mount of the checkpointed process's mount
 * namespace, reachable from its root, that shows it (patches/0016): a
 * path from the root of the namespace, as for files reopened by path. A
 * watched inode with no such name - deleted, on no mount the process
 * sees, or whose dentry the kernel dropped from its cache (a disk
 * filesystem under memory pressure) - refuses the instance with a line
 * naming the watch.
 *
 * Restart makes the instance with its queue limit, which must be within
 * fs.inotify.max_queued_events, and its next watch descriptor, looks each
 * path up without following a last symlink (a watch on a symlink names
 * the symlink), checks that it is the same kind of file, and adds the
 * watch under its watch descriptor (patches/0017) with the restarter's
 * read permission and the LSM's approval, counted against the restarter's
 * max_user_watches, as inotify_add_watch() would. The queued events are
 * queued again, in order, unmerged. What happens to the watched files
 * between checkpoint and restart is not in the image: no event says it.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/fsnotify_backend.h>
#include <linux/inotify.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "internal.h"

#define CKPT_INOTIFY_FLAGS	(O_ACCMODE | O_NONBLOCK)
#define CKPT_INOTIFY_MASK	(IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK)

static bool ckpt_inotify_match(struct file *file)
{
	unsigned int max_events, next_wd;

	return inotify_file_state(file, NULL, 0, &max_events, &next_wd) >= 0;
}

static int ckpt_inotify_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	/* a container's leaks were refused already; this is a subtree's */
	if (ckpt_file_outside(ctx, e->file))
		return ckpt_log_unsupported(ctx, e,
					    "is an inotify instance shared with a process outside the tree: not supported");
	return 0;
}

static void ckpt_inotify_put_watches(struct inotify_watch_state *w, int n)
{
	while (n > 0)
		iput(w[--n].inode);
	kvfree(w);
}

/* The watches of @file, inodes referenced; their number or -errno */
static int ckpt_inotify_get_watches(struct ckpt_ctx *ctx,
				    struct ckpt_fd_ent *e,
				    struct ckpt_hdr_file_inotify *h,
				    struct inotify_watch_state **pw)
{
	struct inotify_watch_state *w = NULL;
	unsigned int max = 0;
	int n;

	/* the frozen tree adds none; an evicted inode can take one away */
	for (;;) {
		n = inotify_file_state(e->file, w, max, &h->max_events,
				       &h->next_wd);
		if (n < 0 || n <= max)
			break;
		ckpt_inotify_put_watches(w, max);
		w = NULL;
		if (n > CKPT_MAX_INOTIFY_WATCHES)
			return ckpt_log_unsupported(ctx, e,
						    "is an inotify instance with more than 65536 watches: not supported");
		max = n;
		w = kvcalloc(max, sizeof(*w), GFP_KERNEL);
		if (!w)
			return -ENOMEM;
	}
	*pw = w;
	return n;
}

/*
 * The path of what watch @w watches, into @buf (PATH_MAX bytes), from
 * the root of the mount namespace of the process, which is @root.
 */
static char *ckpt_inotify_watch_path(struct ckpt_ctx *ctx,
				     struct ckpt_fd_ent *e,
				     const struct path *root,
				     const struct inotify_watch_state *w,
				     char *buf)
{
	struct dentry *d = d_find_alias(w->inode);
	struct path path;
	char what[48];
	char *p;
	int ret;

	if (!d) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: inotify watch %d: inode %lu of %s is deleted or has no name in the dentry cache: not supported",
			 e->fd, ctx->cur->pids.pid, w->wd, w->inode->i_ino,
			 w->inode->i_sb->s_id);
		return ERR_PTR(-EOPNOTSUPP);
	}
	ret = path_of_dentry_in_ns(root, d, &path);
	if (ret) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: inotify watch %d: %pd on %s is on no mount the process sees: not supported",
			 e->fd, ctx->cur->pids.pid, w->wd, d,
			 w->inode->i_sb->s_id);
		dput(d);
		return ERR_PTR(-EOPNOTSUPP);
	}
	dput(d);
	snprintf(what, sizeof(what), "fd %u inotify watch %d", e->fd, w->wd);
	p = ckpt_file_path(ctx, &path, buf, what);
	path_put(&path);
	return p;
}

/*
 * INOTIFY_WATCHES: the watches @w, their paths looked up from the root of
 * the process
 */
static int ckpt_inotify_write_watches(struct ckpt_ctx *ctx,
				      struct ckpt_fd_ent *e,
				      const struct inotify_watch_state *w,
				      int n)
{
	struct ckpt_hdr_inotify_watches h = { .nr_watches = n };
	struct task_struct *t = ctx->cur->t;
	char **paths, *buf, *out = NULL;
	size_t len = 0, off = 0;
	struct path root;
	int i, ret = 0;

	task_lock(t);
	if (!t->fs) {
		task_unlock(t);
		return -ESRCH;
	}
	get_fs_root(t->fs, &root);
	task_unlock(t);

	paths = kvcalloc(n ?: 1, sizeof(*paths), GFP_KERNEL);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!paths || !buf)
		ret = -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		char *p = ckpt_inotify_watch_path(ctx, e, &root, &w[i], buf);

		if (IS_ERR(p)) {
			ret = PTR_ERR(p);
			break;
		}
		len += ALIGN(sizeof(struct ckpt_inotify_watch) + strlen(p) + 1,
			     8);
		if (len > CKPT_INOTIFY_WATCHES_BYTES) {
			ret = ckpt_log_unsupported(ctx, e,
						   "is an inotify instance whose watches' paths take more than 16 MiB: not supported");
			break;
		}
		paths[i] = kstrdup(p, GFP_KERNEL);
		if (!paths[i])
			ret = -ENOMEM;
	}
	if (!ret && len) {
		out = kvzalloc(len, GFP_KERNEL);
		if (!out)
			ret = -ENOMEM;
	}
	for (i = 0; i < n && !ret; i++) {
		struct ckpt_inotify_watch *cw = (void *)(out + off);
		size_t plen = strlen(paths[i]) + 1;

		cw->wd = w[i].wd;
		cw->mask = w[i].mask;
		cw->mode = w[i].inode->i_mode & S_IFMT;
		cw->path_len = plen;
		memcpy(cw + 1, paths[i], plen);
		off += ALIGN(sizeof(*cw) + plen, 8);
	}
	if (!ret)
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_INOTIFY_WATCHES,
					  sizeof(h), out, len);
	for (i = 0; paths && i < n; i++)
		kfree(paths[i]);
	kvfree(paths);
	kvfree(out);
	kfree(buf);
	path_put(&root);
	return ret;
}

/* INOTIFY_EVENTS: the events queued, as read() would return them */
static int ckpt_inotify_write_events(struct ckpt_ctx *ctx,
				     struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_inotify_events h = {};
	size_t size = 0;
	void *buf = NULL;
	ssize_t len;
	int ret;

	/* the queue can grow: a process outside the tree writes a file */
	for (;;) {
		len = inotify_file_events(e->file, buf, size, &h.nr_events);
		if (len < 0 || len <= size)
			break;
		kvfree(buf);
		buf = NULL;
		if (h.nr_events > CKPT_MAX_INOTIFY_EVENTS)
			return ckpt_log_unsupported(ctx, e,
						    "is an inotify instance with more than 65536 events queued: not supported");
		/* room for a few more */
		size = len + 16 * CKPT_INOTIFY_EVENT_MAX;
		buf = kvmalloc(size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	if (len >= 0 && h.nr_events > CKPT_MAX_INOTIFY_EVENTS)
		len = ckpt_log_unsupported(ctx, e,
					   "is an inotify instance with more than 65536 events queued: not supported");
	ret = len;
	if (len >= 0) {
		h.len = len;
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_INOTIFY_EVENTS,
					  sizeof(h), buf, len);
	}
	kvfree(buf);
	return ret;
}

static int ckpt_inotify_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_inotify h = {};
	struct inotify_watch_state *w = NULL;
	int n, ret;

	n = ckpt_inotify_get_watches(ctx, e, &h, &w);
	if (n < 0)
		return n;
	ret = ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_INOTIFY, sizeof(h));
	if (!ret)
		ret = ckpt_inotify_write_watches(ctx, e, w, n);
	if (!ret)
		ret = ckpt_inotify_write_events(ctx, e);
	ckpt_inotify_put_watches(w, n);
	return ret;
}

static bool ckpt_inotify_mode_ok(u32 mode)
{
	switch (mode) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return true;
	}
	return false;
}

/* Look up the path of watch @cw and add it to @file */
static int ckpt_inotify_add_watch(struct ckpt_ctx *ctx, struct file *file,
				  u32 objref,
				  const struct ckpt_inotify_watch *cw,
				  const char *name)
{
	struct path path;
	int ret;

	ret = kern_path(name, 0, &path);
	if (ret) {
		ckpt_log(ctx, ret, "inotify %u: watch %d: %s: lookup failed",
			 objref, cw->wd, name);
		return ret;
	}
	if ((d_inode(path.dentry)->i_mode & S_IFMT) != cw->mode) {
		ret = -EINVAL;
		ckpt_log(ctx, ret, "inotify %u: watch %d: %s is not the file it was",
			 objref, cw->wd, name);
		goto out;
	}
	ret = inotify_file_add_watch(file, &path, cw->mask, cw->wd);
	if (ret) {
		ckpt_log(ctx, ret, "inotify %u: watch %d on %s: cannot add it",
			 objref, cw->wd, name);
		/* a watch descriptor or an inode twice: the image's */
		if (ret == -EEXIST)
			ret = -EINVAL;
	}
out:
	path_put(&path);
	return ret;
}

static int ckpt_inotify_restore_watches(struct ckpt_ctx *ctx,
					struct file *file, u32 objref)
{
	struct ckpt_hdr_inotify_watches *h;
	size_t off = sizeof(*h);
	u32 i;
	int ret = -EINVAL;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_INOTIFY_WATCHES, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (h->nr_watches > CKPT_MAX_INOTIFY_WATCHES || h->__reserved)
		goto bad;
	for (i = 0; i < h->nr_watches; i++) {
		const struct ckpt_inotify_watch *cw;
		const char *name;

		if (h->h.len - off < sizeof(*cw))
			goto bad;
		cw = (const void *)h + off;
		off += sizeof(*cw);
		name = ckpt_check_string(h, h->h.len, off, cw->path_len);
		if (!name || name[0] != '/' || cw->wd < 1 ||
		    cw->mask & ~CKPT_INOTIFY_MASK ||
		    !ckpt_inotify_mode_ok(cw->mode))
			goto bad;
		/* the last entry's padding is the record's */
		off += cw->path_len;
		off = min_t(size_t, ALIGN(off, 8), h->h.len);
		ret = ckpt_inotify_add_watch(ctx, file, objref, cw, name);
		if (ret)
			goto out;
		ret = -EINVAL;
	}
	if (off != h->h.len)
		goto bad;
	ret = 0;
	goto out;
bad:
	ckpt_log(ctx, ret, "inotify %u: malformed watches record", objref);
out:
	kvfree(h);
	return ret;
}

static int ckpt_inotify_restore_events(struct ckpt_ctx *ctx,
				       struct file *file, u32 objref)
{
	struct ckpt_hdr_inotify_events *h;
	int ret = -EINVAL;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_INOTIFY_EVENTS, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (h->nr_events > CKPT_MAX_INOTIFY_EVENTS ||
	    h->len > (size_t)h->nr_events * CKPT_INOTIFY_EVENT_MAX ||
	    ALIGN(sizeof(*h) + (size_t)h->len, 8) != h->h.len)
		goto bad;
	ret = inotify_file_queue_events(file, h + 1, h->len);
	if (ret == h->nr_events) {
		ret = 0;
		goto out;
	}
	if (ret >= 0 || ret == -EINVAL) {
		ret = -EINVAL;
		goto bad;
	}
	ckpt_log(ctx, ret, "inotify %u: cannot queue its events", objref);
	goto out;
bad:
	ckpt_log(ctx, ret, "inotify %u: malformed events record", objref);
out:
	kvfree(h);
	return ret;
}

static struct file *ckpt_inotify_restore(struct ckpt_ctx *ctx,
					 const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_inotify h;
	struct file *file;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_INOTIFY, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.next_wd > INT_MAX || (hf->f_flags & O_ACCMODE) != O_RDONLY) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed inotify",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	file = inotify_file_create(h.max_events, h.next_wd,
				   hf->f_flags & O_NONBLOCK ? IN_NONBLOCK : 0);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		if (ret == -ENOSPC)
			ckpt_log(ctx, ret,
				 "inotify %u: a queue of %u events is over fs.inotify.max_queued_events here",
				 hf->objref, h.max_events);
		else
			ckpt_log(ctx, ret, "inotify %u: cannot make it",
				 hf->objref);
		return file;
	}
	ret = ckpt_inotify_restore_watches(ctx, file, hf->objref);
	if (!ret)
		ret = ckpt_inotify_restore_events(ctx, file, hf->objref);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

/* O_ASYNC: fsnotify_fasync() keeps the group's list */
static struct fasync_struct **ckpt_inotify_fasync_list(struct file *file)
{
	struct fsnotify_group *group = file->private_data;

	return &group->fsn_fa;
}

const struct ckpt_file_ops ckpt_inotify_file_ops = {
	.name = "inotify",
	.match = ckpt_inotify_match,
	.classify = ckpt_inotify_classify,
	.checkpoint = ckpt_inotify_checkpoint,
	.restore = ckpt_inotify_restore,
	.f_flags = CKPT_INOTIFY_FLAGS,
	.fasync_list = ckpt_inotify_fasync_list,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_inotify_mode_test {
	const char *desc;
	u32 mode;
	bool ok;
};

static const struct ckpt_inotify_mode_test ckpt_inotify_mode_tests[] = {
	{ .desc = "S_IFREG", .mode = S_IFREG, .ok = true },
	{ .desc = "S_IFDIR", .mode = S_IFDIR, .ok = true },
	{ .desc = "S_IFLNK", .mode = S_IFLNK, .ok = true },
	{ .desc = "S_IFCHR", .mode = S_IFCHR, .ok = true },
	{ .desc = "S_IFBLK", .mode = S_IFBLK, .ok = true },
	{ .desc = "S_IFIFO", .mode = S_IFIFO, .ok = true },
	{ .desc = "S_IFSOCK", .mode = S_IFSOCK, .ok = true },
	{ .desc = "0", .mode = 0 },
	{ .desc = "unused type 0030000", .mode = 0030000 },
	{ .desc = "unused type 0050000", .mode = 0050000 },
	{ .desc = "unused type 0070000", .mode = 0070000 },
	{ .desc = "unused type 0110000", .mode = 0110000 },
	{ .desc = "unused type 0130000", .mode = 0130000 },
	{ .desc = "unused type 0150000", .mode = 0150000 },
	{ .desc = "unused type 0160000", .mode = 0160000 },
	{ .desc = "S_IFMT", .mode = S_IFMT },
	{ .desc = "S_IFREG with permission bits", .mode = S_IFREG | 0644 },
	{ .desc = "S_IFDIR with S_ISVTX", .mode = S_IFDIR | S_ISVTX },
	{ .desc = "S_IFREG with a bit above S_IFMT", .mode = S_IFREG | 0200000 },
	{ .desc = "U32_MAX", .mode = U32_MAX },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_inotify_mode, ckpt_inotify_mode_tests, desc);

static void ckpt_test_inotify_mode_ok(struct kunit *test)
{
	const struct ckpt_inotify_mode_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_inotify_mode_ok(t->mode), t->ok);
}

static struct kunit_case ckpt_inotify_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_inotify_mode_ok,
			 ckpt_inotify_mode_gen_params),
	{}
};

static struct kunit_suite ckpt_inotify_test_suite = {
	.name = "ckpt_inotify",
	.test_cases = ckpt_inotify_test_cases,
};

kunit_test_suite(ckpt_inotify_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
