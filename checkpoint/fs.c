// SPDX-License-Identifier: GPL-2.0-only
/*
 * Paths and the fs_struct (cwd, root, umask).
 *
 * A file reopened by path, a cwd and a root are named by their path from
 * the root of the mount namespace. What has no such name (a deleted file,
 * a memfd, a file on an internal mount) or would not reopen to the same
 * thing (a task's /proc files, debugfs...) is refused, naming it.
 */
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/ctype.h>
#include "internal.h"

/**
 * ckpt_proc_names_task() - is @dentry, on procfs, inside the directory
 *			    of a task?
 * @dentry: a dentry of procfs
 *
 * /proc/PID/..., which /proc/self and /proc/thread-self lead to: its top
 * directory under the root of procfs is named by a number.
 *
 * Return: true when it is.
 */
bool ckpt_proc_names_task(struct dentry *dentry)
{
	struct dentry *d = dget(dentry), *parent;
	struct name_snapshot n;
	bool task = false;
	const char *c;

	while (!IS_ROOT(d)) {
		parent = dget_parent(d);
		if (IS_ROOT(parent)) {
			dput(parent);
			take_dentry_name_snapshot(&n, d);
			c = n.name.name;
			task = *c != '\0';
			for (; *c; c++)
				task &= isdigit(*c);
			release_dentry_name_snapshot(&n);
			break;
		}
		dput(d);
		d = parent;
	}
	dput(d);
	return task;
}

/*
 * Files of pseudo filesystems that reopening by path would not give
 * back: a procfs file of a task names it by its pid, which the restored
 * task may not have (and the task may not exist yet while the image is
 * read); debugfs, tracefs and the security filesystems keep state per
 * open file (trace_pipe's position, a selinuxfs transaction) or are not
 * stable interfaces; bpffs objects are not opened by path at all. Files
 * of sysfs, cgroupfs and the rest of procfs name the same object when
 * reopened on the same kernel, and are reopened by path.
 */
static const char *ckpt_path_refused(const struct path *path)
{
	switch (path->dentry->d_sb->s_magic) {
	case PROC_SUPER_MAGIC:
		return ckpt_proc_names_task(path->dentry) ?
		       "names a task by its pid in /proc" : NULL;
	case DEBUGFS_MAGIC:
		return "is on debugfs";
	case TRACEFS_MAGIC:
		return "is on tracefs";
	case SECURITYFS_MAGIC:
	case SELINUX_MAGIC:
	case SMACK_MAGIC:
		return "is on a security filesystem";
	case BPF_FS_MAGIC:
		return "is on bpffs";
	}
	return NULL;
}

/**
 * ckpt_file_path() - the path of a file or directory, for the image
 * @ctx: context, for the log line
 * @path: what to name
 * @buf: PATH_MAX bytes
 * @what: for the log line ("fd 3", "cwd", ...)
 *
 * The path is absolute from the root of the mount namespace, not from a
 * chroot. Files with no name in any mount namespace - deleted files,
 * memfds and other files on the kernel's internal mounts, disconnected
 * dentries - cannot be reopened by path and are refused, and so are files
 * of pseudo filesystems that would not reopen to the same thing (a
 * task's /proc files, debugfs...).
 *
 * Return: the path inside @buf, or ERR_PTR(-EOPNOTSUPP) with a log line.
 */
char *ckpt_file_path(struct ckpt_ctx *ctx, const struct path *path,
		     char *buf, const char *what)
{
	struct dentry *d = path->dentry;
	const char *why;
	char *p;

	p = d_absolute_path(path, buf, PATH_MAX);
	if (IS_ERR(p) || *p != '/' || d_unlinked(d) ||
	    path->mnt->mnt_flags & MNT_INTERNAL ||
	    (IS_ROOT(d) && d != path->mnt->mnt_root)) {
		char *name = d_path(path, buf, PATH_MAX);

		ckpt_log(ctx, -EOPNOTSUPP,
			 "%s: %s is deleted, unreachable or has no name",
			 what, IS_ERR(name) ? "the file" : name);
		return ERR_PTR(-EOPNOTSUPP);
	}
	why = ckpt_path_refused(path);
	if (why) {
		ckpt_log(ctx, -EOPNOTSUPP, "%s: %s %s: not supported yet",
			 what, p, why);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return p;
}

/**
 * ckpt_write_fd_path() - write the path of an fd's file, a STRING record
 * @ctx: checkpoint context
 * @e: the fd
 *
 * Return: 0, -EOPNOTSUPP (with a log line) for a file with no path to
 * reopen it by (ckpt_file_path()), -ENOMEM, or an error of writing.
 */
int ckpt_write_fd_path(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	char *buf, *path;
	char what[24];
	int ret;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	snprintf(what, sizeof(what), "fd %u", e->fd);
	path = ckpt_file_path(ctx, &e->file->f_path, buf, what);
	ret = PTR_ERR_OR_ZERO(path);
	if (!ret)
		ret = ckpt_write_string(ctx, path);
	kfree(buf);
	return ret;
}

/**
 * checkpoint_fs() - write the FS record of @t: umask, cwd and root
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, -ESRCH if @t has no fs_struct any more, -EOPNOTSUPP for a
 * cwd or root that cannot be reopened by path, -ENOMEM, or an error of
 * writing the image.
 */
int checkpoint_fs(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_fs h = {};
	struct path pwd, root;
	char *buf, *cwd_p, *root_p, *data;
	int ret;

	buf = kmalloc(3 * PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	task_lock(t);
	if (!t->fs) {
		task_unlock(t);
		kfree(buf);
		return -ESRCH;
	}
	h.umask = t->fs->umask;
	get_fs_pwd(t->fs, &pwd);
	get_fs_root(t->fs, &root);
	task_unlock(t);

	cwd_p = ckpt_file_path(ctx, &pwd, buf, "cwd");
	root_p = ckpt_file_path(ctx, &root, buf + PATH_MAX, "root");
	ret = PTR_ERR_OR_ZERO(cwd_p) ?: PTR_ERR_OR_ZERO(root_p);
	if (!ret) {
		h.cwd_len = strlen(cwd_p) + 1;
		h.root_len = strlen(root_p) + 1;
		data = buf + 2 * PATH_MAX;
		memcpy(data, cwd_p, h.cwd_len);
		if (h.cwd_len + h.root_len > PATH_MAX)
			ret = -EOPNOTSUPP;
		else
			memcpy(data + h.cwd_len, root_p, h.root_len);
	}
	if (!ret)
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_FS, sizeof(h),
					  data, h.cwd_len + h.root_len);
	path_put(&pwd);
	path_put(&root);
	kfree(buf);
	return ret;
}

/**
 * restore_fs() - read the FS record and look up root and cwd
 * @ctx: restart context
 *
 * Paths are absolute from the root of the mount namespace (a chrooted
 * task's root and cwd alike) and looked up from the restarter's root;
 * changing root needs CAP_SYS_CHROOT like chroot(), the cwd needs search
 * permission like chdir().
 *
 * Return: 0 with root and cwd held in ctx->rs, -EINVAL for a malformed
 * record, -EPERM for a change of root without CAP_SYS_CHROOT, the errno
 * of looking up root or cwd or of the cwd's permission check (-ENOENT,
 * -EACCES, ...), or an error of reading the image.
 */
int restore_fs(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = ctx->rs;
	const char *cwd, *root;
	struct path cur_root;
	struct ckpt_hdr_fs *h;
	int ret;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_FS, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->umask & ~0777 || h->__reserved)
		goto bad;
	cwd = ckpt_check_string(h, h->h.len, sizeof(*h), h->cwd_len);
	if (!cwd)
		goto bad;
	root = ckpt_check_string(h, h->h.len, sizeof(*h) + h->cwd_len,
				 h->root_len);
	if (!root || cwd[0] != '/' || root[0] != '/')
		goto bad;
	rs->umask = h->umask;

	ret = kern_path(root, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &rs->root);
	if (ret) {
		ckpt_log(ctx, ret, "root %s: lookup failed", root);
		goto out;
	}
	get_fs_root(current->fs, &cur_root);
	rs->set_root = !path_equal(&cur_root, &rs->root);
	path_put(&cur_root);
	if (rs->set_root && !ns_capable(current_user_ns(), CAP_SYS_CHROOT)) {
		ret = -EPERM;
		ckpt_log(ctx, ret, "root %s: changing root needs CAP_SYS_CHROOT",
			 root);
		goto out;
	}
	ret = kern_path(cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &rs->cwd);
	if (!ret)
		ret = path_permission(&rs->cwd, MAY_EXEC | MAY_CHDIR);
	if (ret)
		ckpt_log(ctx, ret, "cwd %s: cannot change into it", cwd);
	goto out;
bad:
	ckpt_log(ctx, ret, "fs: malformed record");
out:
	kvfree(h);
	return ret;
}

/**
 * restore_fs_commit() - install umask, root and cwd
 * @ctx: restart context
 * @rs: the process's staged state
 */
void restore_fs_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	current->fs->umask = rs->umask;
	if (rs->set_root)
		set_fs_root(current->fs, &rs->root);
	set_fs_pwd(current->fs, &rs->cwd);
}
