// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files of a task's directory in /proc (/proc/PID/..., and
 * /proc/PID/task/TID/...; /proc/self and /proc/thread-self lead there)
 * held open by a task of the tree, for a task of the tree: after
 * restart they are files of the restored task, reopened under the
 * number it has in that procfs's pid namespace, which may not be the
 * old one (a container restored in a new pid namespace has other pids
 * on the host). /proc/self/status read through a restored fd shows the
 * restored task.
 *
 * Such a file can only be opened once the restored task exists: its
 * restore() gives a stand-in (stand_in.c), and the restored process
 * opens the file, with its own credentials as the program did, once
 * every task exists, and seeks it to its offset.
 *
 * Refused at checkpoint, with a line: a file of a task outside the tree,
 * or of a task that exited (the file no longer shows anything).
 */
#include <linux/ctype.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "internal.h"

/**
 * ckpt_proc_task_file() - is @file in a task's directory in /proc?
 * @file: an open file
 *
 * Return: true for /proc/PID and what is under it (procfs files of
 * the kernel or of the namespaces are not).
 */
bool ckpt_proc_task_file(struct file *file)
{
	return file->f_path.dentry->d_sb->s_magic == PROC_SUPER_MAGIC &&
	       ckpt_proc_names_task(file->f_path.dentry);
}

static bool ckpt_proc_match(struct file *file)
{
	return ckpt_proc_task_file(file);
}

/*
 * Parse "N[/task/T][/rest]" at @p: the numbers and where rest starts
 * (at its first character, or at the terminating NUL). Return: false
 * for what is not so.
 */
static bool ckpt_proc_parse(const char *p, pid_t *n, pid_t *t,
			    const char **rest)
{
	unsigned long v;
	char num[16];
	size_t len;

	*t = 0;
	len = strcspn(p, "/");
	if (!len || len >= sizeof(num))
		return false;
	memcpy(num, p, len);
	num[len] = '\0';
	if (kstrtoul(num, 10, &v) || !v || v > PID_MAX_LIMIT)
		return false;
	*n = v;
	p += len;
	if (*p == '/')
		p++;
	if (!strncmp(p, "task/", 5)) {
		const char *q = p + 5;

		len = strcspn(q, "/");
		if (len && len < sizeof(num)) {
			memcpy(num, q, len);
			num[len] = '\0';
			if (!kstrtoul(num, 10, &v) && v && v <= PID_MAX_LIMIT) {
				*t = v;
				p = q + len;
				if (*p == '/')
					p++;
			}
		}
	}
	*rest = p;
	return true;
}

/*
 * Did the task of @dentry's directory exit? Its release invalidates
 * /proc/PID (and /proc/PID/task/TID), whose number may then be another
 * task's: a dentry below stays hashed while a file holds it, so look at
 * every directory up to the root of procfs.
 */
static bool ckpt_proc_task_gone(struct dentry *dentry)
{
	struct dentry *d = dget(dentry), *parent;
	bool gone = false;

	while (!IS_ROOT(d) && !gone) {
		gone = d_unhashed(d);
		parent = dget_parent(d);
		dput(d);
		d = parent;
	}
	dput(d);
	return gone;
}

/* The image pid of the task of the tree that @nr is in @ns, or 0 */
static pid_t ckpt_proc_tree_pid(struct ckpt_ctx *ctx, pid_t nr,
				struct pid_namespace *ns)
{
	pid_t ret;

	rcu_read_lock();
	ret = ckpt_tree_pid(ctx, find_task_by_pid_ns(nr, ns));
	rcu_read_unlock();
	return ret;
}

/*
 * The path of @file as the record has it: the procfs mount's path in
 * @mnt_path, the task (and thread) by image pid in @h, the rest of the
 * path from the task's directory at *@rest. Refuses with a line.
 */
static int ckpt_proc_describe(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			      char *buf, char *mbuf, char **mnt_path,
			      struct ckpt_hdr_file_proc *h, const char **rest)
{
	struct path *path = &e->file->f_path;
	struct path root = { .mnt = path->mnt, .dentry = path->mnt->mnt_root };
	struct pid_namespace *ns = proc_pid_ns(path->dentry->d_sb);
	char *full, *m, what[96];
	pid_t n, t;
	size_t len;

	if (ckpt_proc_task_gone(path->dentry))
		return ckpt_log_unsupported(ctx, e,
					    "is a /proc file of a task that exited: not supported");
	full = d_absolute_path(path, buf, PATH_MAX);
	m = d_absolute_path(&root, mbuf, PATH_MAX);
	if (IS_ERR(full) || IS_ERR(m))
		return ckpt_log_unsupported(ctx, e,
					    "is a /proc file with no path: not supported");
	len = strlen(m);
	/* "/" for procfs mounted on the root of a chroot: "/N/..." */
	if (len == 1)
		len = 0;
	if (strncmp(full, m, len) || full[len] != '/' ||
	    !ckpt_proc_parse(full + len + 1, &n, &t, rest))
		return ckpt_log_unsupported(ctx, e,
					    "is a /proc file whose path names no task: not supported");
	h->pid = ckpt_proc_tree_pid(ctx, n, ns);
	h->tid = t ? ckpt_proc_tree_pid(ctx, t, ns) : 0;
	if (!h->pid || (t && !h->tid)) {
		snprintf(what, sizeof(what),
			 "is a /proc file of pid %d, outside the tree: not supported",
			 h->pid ? t : n);
		return ckpt_log_unsupported(ctx, e, what);
	}
	*mnt_path = m;
	return 0;
}

static int ckpt_proc_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_proc h = {};
	char *buf, *mbuf, *mnt_path;
	const char *rest;
	int ret = -ENOMEM;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	mbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf || !mbuf)
		goto out;
	ret = ckpt_proc_describe(ctx, e, buf, mbuf, &mnt_path, &h, &rest);
	if (!ret)
		ret = ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_PROC, sizeof(h));
	if (!ret)
		ret = ckpt_write_string(ctx, mnt_path);
	if (!ret)
		ret = ckpt_write_string(ctx, rest);
out:
	kfree(mbuf);
	kfree(buf);
	return ret;
}

/* classify(): refuse early, so the line names the fd */
static int ckpt_proc_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_proc h = {};
	char *buf, *mbuf, *mnt_path;
	const char *rest;
	int ret = -ENOMEM;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	mbuf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (buf && mbuf)
		ret = ckpt_proc_describe(ctx, e, buf, mbuf, &mnt_path, &h,
					 &rest);
	kfree(mbuf);
	kfree(buf);
	return ret;
}

/* ---- restart ---------------------------------------------------------- */

/**
 * struct ckpt_rproc - restart: a /proc file to open once every task exists
 * @pid:	the image pid of the task whose directory it is in
 * @tid:	with a thread's directory under task/, its image pid; or 0
 * @f_flags:	the FILE record's flags
 * @pos:	its offset
 * @mnt_path:	the procfs mount's path
 * @rest:	the path below the task's (or thread's) directory
 */
struct ckpt_rproc {
	pid_t pid, tid;
	u32 f_flags;
	loff_t pos;
	char *mnt_path;
	char *rest;
};

static void ckpt_proc_free(void *data)
{
	struct ckpt_rproc *r = data;

	kfree(r->mnt_path);
	kfree(r->rest);
	kfree(r);
}

/*
 * The procfs mounted at @mnt_path (its root), referenced. Errors: those
 * of the lookup, -EINVAL (with a line) for a path that is not the root
 * of a procfs mount.
 */
static int ckpt_proc_mount(struct ckpt_ctx *ctx, const char *mnt_path,
			   struct path *mnt)
{
	int ret;

	ret = kern_path(mnt_path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, mnt);
	if (ret) {
		ckpt_log(ctx, ret, "cannot find procfs at %s", mnt_path);
		return ret;
	}
	if (mnt->dentry->d_sb->s_magic != PROC_SUPER_MAGIC ||
	    mnt->dentry != mnt->mnt->mnt_root) {
		path_put(mnt);
		ckpt_log(ctx, -EINVAL, "%s is not a procfs mount", mnt_path);
		return -EINVAL;
	}
	return 0;
}

/* @nr, the image pid of a task of the tree, in @ns; 0 when not there */
static pid_t ckpt_proc_nr(struct ckpt_ctx *ctx, pid_t nr,
			  struct pid_namespace *ns)
{
	struct task_struct *t = ckpt_restored_task(ctx, nr);
	pid_t ret;

	if (!t)
		return 0;
	ret = task_pid_nr_ns(t, ns);
	put_task_struct(t);
	return ret;
}

/*
 * Open the file in the restored task's directory of the procfs mounted
 * at the recorded path, as the restored process, and seek it. Errors:
 * -EINVAL when the path is no procfs mount now, -ESRCH when the restored
 * task is not visible in that procfs's pid namespace, those of opening
 * and seeking the file.
 */
static struct file *ckpt_proc_make(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_rproc *r = data;
	struct pid_namespace *ns;
	pid_t n, t = 0;
	struct file *file;
	struct path mnt;
	char *path;
	int flags, ret;

	ret = ckpt_proc_mount(ctx, r->mnt_path, &mnt);
	if (ret)
		return ERR_PTR(ret);
	ns = proc_pid_ns(mnt.dentry->d_sb);
	n = ckpt_proc_nr(ctx, r->pid, ns);
	if (r->tid)
		t = ckpt_proc_nr(ctx, r->tid, ns);
	path_put(&mnt);
	if (!n || (r->tid && !t)) {
		ckpt_log(ctx, -ESRCH,
			 "pid %d of the image is not in the pid namespace of the procfs at %s",
			 n ? r->tid : r->pid, r->mnt_path);
		return ERR_PTR(-ESRCH);
	}
	if (t)
		path = kasprintf(GFP_KERNEL, "%s/%d/task/%d%s%s", r->mnt_path,
				 n, t, *r->rest ? "/" : "", r->rest);
	else
		path = kasprintf(GFP_KERNEL, "%s/%d%s%s", r->mnt_path, n,
				 *r->rest ? "/" : "", r->rest);
	if (!path)
		return ERR_PTR(-ENOMEM);
	/* as reopen.c opens: O_PATH keeps only what O_PATH takes */
	flags = r->f_flags & ~O_PATH;
	if (r->f_flags & O_PATH)
		flags = O_PATH | (r->f_flags & (O_DIRECTORY | O_NOFOLLOW));
	file = filp_open(path, flags | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		ckpt_log(ctx, PTR_ERR(file), "reopening %s failed", path);
	} else if (r->pos && !(file->f_mode & FMODE_PATH)) {
		loff_t pos = vfs_llseek(file, r->pos, SEEK_SET);

		if (pos != r->pos) {
			ckpt_log(ctx, -EINVAL, "%s: cannot seek to %lld",
				 path, r->pos);
			fput(file);
			file = ERR_PTR(pos < 0 ? pos : -EINVAL);
		}
	}
	kfree(path);
	return file;
}

/* A path below a task's directory: relative, no "." or ".." component */
static bool ckpt_proc_rest_ok(const char *rest)
{
	const char *c = rest;

	if (*rest == '/')
		return false;
	while (*c) {
		size_t len = strcspn(c, "/");

		if (!len || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += len;
		if (*c == '/' && !*++c)
			return false;
	}
	return true;
}

static struct file *ckpt_proc_restore(struct ckpt_ctx *ctx,
				      const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_proc h;
	struct ckpt_rstate *rp, *rt = NULL;
	struct ckpt_rproc *r;
	struct path mnt;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_PROC, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	rp = ckpt_image_task(ctx, h.pid);
	if (h.tid)
		rt = ckpt_image_task(ctx, h.tid);
	/* a thread's directory is under its own process's */
	if (!rp || (h.tid && (!rt || rt->pids.tgid != rp->pids.tgid))) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: a /proc file of pid %d (thread %d), which is no task of the tree",
			 hf->objref, h.pid, h.tid);
		return ERR_PTR(-EINVAL);
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->pid = h.pid;
	r->tid = h.tid;
	r->f_flags = hf->f_flags;
	r->pos = hf->pos;
	r->mnt_path = ckpt_read_string(ctx);
	if (IS_ERR(r->mnt_path)) {
		ret = PTR_ERR(r->mnt_path);
		r->mnt_path = NULL;
		goto bad;
	}
	r->rest = ckpt_read_string(ctx);
	if (IS_ERR(r->rest)) {
		ret = PTR_ERR(r->rest);
		r->rest = NULL;
		goto bad;
	}
	ret = -EINVAL;
	if (r->mnt_path[0] != '/' || !ckpt_proc_rest_ok(r->rest)) {
		ckpt_log(ctx, ret, "file record %u: a bad /proc path",
			 hf->objref);
		goto bad;
	}
	/* what can be checked before the tasks exist: the mount */
	ret = ckpt_proc_mount(ctx, r->mnt_path, &mnt);
	if (ret)
		goto bad;
	path_put(&mnt);
	return ckpt_stand_in_file(ckpt_proc_make, ckpt_proc_free, r);
bad:
	ckpt_proc_free(r);
	return ERR_PTR(ret);
}

const struct ckpt_file_ops ckpt_proc_file_ops = {
	.name = "/proc file of a task",
	.match = ckpt_proc_match,
	.classify = ckpt_proc_classify,
	.checkpoint = ckpt_proc_checkpoint,
	.restore = ckpt_proc_restore,
	.f_flags = CKPT_FILE_FLAGS,
	.seekable = true,
	.ownerless = true,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_proc_rest_test {
	const char *desc;
	const char *rest;
	bool ok;
};

static const struct ckpt_proc_rest_test ckpt_proc_rest_tests[] = {
	/* accepted */
	{ .desc = "the task's directory", .rest = "", .ok = true },
	{ .desc = "a file", .rest = "status", .ok = true },
	{ .desc = "a file below", .rest = "fd/3", .ok = true },
	{ .desc = "a dotted name", .rest = "a..b", .ok = true },
	/* refused */
	{ .desc = "absolute", .rest = "/status" },
	{ .desc = "dot-dot", .rest = "../1/status" },
	{ .desc = "dot-dot at the end", .rest = "fd/.." },
	{ .desc = "dot", .rest = "./status" },
	{ .desc = "an empty component", .rest = "fd//3" },
	{ .desc = "a trailing slash", .rest = "fd/" },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_proc_rest, ckpt_proc_rest_tests, desc);

static void ckpt_test_proc_rest_ok(struct kunit *test)
{
	const struct ckpt_proc_rest_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_proc_rest_ok(t->rest), t->ok);
}

struct ckpt_proc_parse_test {
	const char *desc;
	const char *path;
	bool ok;
	pid_t n, t;
	const char *rest;
};

static const struct ckpt_proc_parse_test ckpt_proc_parse_tests[] = {
	{ .desc = "a task's file", .path = "12/status", .ok = true, .n = 12,
	  .rest = "status" },
	{ .desc = "a task's directory", .path = "12", .ok = true, .n = 12,
	  .rest = "" },
	{ .desc = "a thread's file", .path = "12/task/13/comm", .ok = true,
	  .n = 12, .t = 13, .rest = "comm" },
	{ .desc = "a thread's directory", .path = "12/task/13", .ok = true,
	  .n = 12, .t = 13, .rest = "" },
	{ .desc = "the task directory", .path = "12/task", .ok = true,
	  .n = 12, .rest = "task" },
	{ .desc = "pid 0", .path = "0/status" },
	{ .desc = "not a number", .path = "self/status" },
	{ .desc = "no pid", .path = "/status" },
	{ .desc = "a pid above PID_MAX_LIMIT", .path = "4194305/status" },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_proc_parse, ckpt_proc_parse_tests, desc);

static void ckpt_test_proc_parse(struct kunit *test)
{
	const struct ckpt_proc_parse_test *t = test->param_value;
	const char *rest = NULL;
	pid_t n = 0, tid = 0;
	bool ok = ckpt_proc_parse(t->path, &n, &tid, &rest);

	KUNIT_EXPECT_EQ(test, ok, t->ok);
	if (!ok || !t->ok)
		return;
	KUNIT_EXPECT_EQ(test, n, t->n);
	KUNIT_EXPECT_EQ(test, tid, t->t);
	KUNIT_EXPECT_STREQ(test, rest, t->rest);
}

static struct kunit_case ckpt_proc_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_proc_rest_ok, ckpt_proc_rest_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_proc_parse, ckpt_proc_parse_gen_params),
	{}
};

static struct kunit_suite ckpt_proc_test_suite = {
	.name = "ckpt_proc",
	.test_cases = ckpt_proc_test_cases,
};

kunit_test_suite(ckpt_proc_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
