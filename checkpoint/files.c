// SPDX-License-Identifier: GPL-2.0-only
/*
 * Open files, the fd table, and the fs_struct (cwd, root, umask).
 *
 * checkpoint/ classifies each file itself, by its inode type and device
 * number, rather than asking other subsystems for ->checkpoint methods:
 *
 * - regular files and directories are reopened by path on restart, with
 *   the restarter's permissions, the same access mode and status flags,
 *   and the same offset;
 * - /dev/null, /dev/zero, /dev/full, /dev/random and /dev/urandom are
 *   reopened by path, and must still be that device;
 * - a tty, or a pipe or socket whose other end is not part of the
 *   checkpoint, is "inherited": restart connects it to the restarter's fd
 *   of the same number, or leaves it closed if the restarter has none;
 * - anything else fails the checkpoint with -EOPNOTSUPP and a log line.
 *
 * A struct file behind several fds is one FILE record (one objref), so
 * dup'ed fds share one open file description again after restart.
 */
#include <linux/checkpoint.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/pipe_fs_i.h>
#include <linux/net.h>
#include <linux/major.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/sched/signal.h>
#include <net/sock.h>
#include <net/af_unix.h>

/* status flags a reopened file keeps; O_CREAT/O_TRUNC/O_EXCL never */
#define CKPT_FILE_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | \
			 O_NOATIME | __O_SYNC | O_PATH)

struct ckpt_fd_ent {
	unsigned int fd;
	bool cloexec;
	struct file *file;
};

/**
 * ckpt_file_path() - the path of a file or directory, for the image
 * @ctx: context, for the log line
 * @path: what to name
 * @buf: PATH_MAX bytes
 * @what: for the log line ("fd 3", "cwd", ...)
 *
 * Returns the path inside @buf, or an ERR_PTR: -EOPNOTSUPP for a deleted
 * or unreachable file, which cannot be reopened by path.
 */
static char *ckpt_file_path(struct ckpt_ctx *ctx, const struct path *path,
			    char *buf, const char *what)
{
	char *p = d_path(path, buf, PATH_MAX);

	if (IS_ERR(p)) {
		ckpt_log(ctx, -EOPNOTSUPP, "%s: path too long", what);
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (*p != '/' || d_unlinked(path->dentry)) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "%s: %s is deleted or unreachable", what, p);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return p;
}

/**
 * checkpoint_fs() - write the FS record of @t: umask, cwd and root
 * @ctx: checkpoint context
 * @t: the task
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
 * The root is looked up from the restarter's root; changing root needs
 * CAP_SYS_CHROOT like chroot(). The cwd is looked up inside that root and
 * needs search permission like chdir().
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
	ret = vfs_path_lookup(rs->root.dentry, rs->root.mnt, cwd,
			      LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &rs->cwd);
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
 */
void restore_fs_commit(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = ctx->rs;

	current->fs->umask = rs->umask;
	if (rs->set_root)
		set_fs_root(current->fs, &rs->root);
	set_fs_pwd(current->fs, &rs->cwd);
}

/* ---- checkpoint of files ------------------------------------------------ */

static bool ckpt_chr_reopenable(dev_t rdev)
{
	if (MAJOR(rdev) != MEM_MAJOR)
		return false;
	switch (MINOR(rdev)) {
	case 3:		/* null */
	case 5:		/* zero */
	case 7:		/* full */
	case 8:		/* random */
	case 9:		/* urandom */
		return true;
	}
	return false;
}

static bool ckpt_chr_is_tty(dev_t rdev)
{
	unsigned int major = MAJOR(rdev);

	return major == TTY_MAJOR || major == TTYAUX_MAJOR ||
	       (major >= UNIX98_PTY_SLAVE_MAJOR &&
		major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT);
}

static bool ckpt_fds_hold(struct ckpt_fd_ent *fds, unsigned int nr,
			  struct file *file)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (fds[i].file == file)
			return true;
	return false;
}

/*
 * A pipe is inherited when its other end is outside the checkpoint: the
 * task must not hold both a read end and a write end of it.
 */
static bool ckpt_pipe_both_ends(struct ckpt_fd_ent *fds, unsigned int nr,
				struct file *file)
{
	struct pipe_inode_info *pipe = get_pipe_info(file, false);
	fmode_t mode = 0;
	unsigned int i;

	if (!pipe)
		return false;
	for (i = 0; i < nr; i++)
		if (get_pipe_info(fds[i].file, false) == pipe)
			mode |= fds[i].file->f_mode & (FMODE_READ | FMODE_WRITE);
	return mode == (FMODE_READ | FMODE_WRITE);
}

/*
 * A connected unix socket whose peer is not held by the task leads
 * outside: inherited. Unconnected, listening, non-unix sockets and
 * socket pairs inside the task are not supported yet.
 */
static int ckpt_socket_inherited(struct ckpt_fd_ent *fds, unsigned int nr,
				 struct file *file)
{
#if IS_ENABLED(CONFIG_UNIX)
	struct socket *sock = sock_from_file(file);
	struct sock *peer;
	bool inside = false;

	if (!sock || !sock->sk || sock->sk->sk_family != AF_UNIX)
		return -EOPNOTSUPP;
	peer = unix_peer_get(sock->sk);
	if (!peer)
		return -EOPNOTSUPP;
	if (peer->sk_socket && peer->sk_socket->file)
		inside = ckpt_fds_hold(fds, nr, peer->sk_socket->file);
	sock_put(peer);
	return inside ? -EOPNOTSUPP : 0;
#else
	return -EOPNOTSUPP;
#endif
}

/**
 * ckpt_classify_file() - decide how a file is saved
 * @ctx: checkpoint context
 * @fds: all fds of the task, for "other end" checks
 * @nr: their number
 * @e: the fd to classify
 * @type: set to the CKPT_FILE_* type
 *
 * Returns 0 or -EOPNOTSUPP with a log line naming the file.
 */
static int ckpt_classify_file(struct ckpt_ctx *ctx, struct ckpt_fd_ent *fds,
			      unsigned int nr, struct ckpt_fd_ent *e,
			      u32 *type)
{
	struct file *file = e->file;
	struct inode *inode = file_inode(file);
	umode_t mode = inode->i_mode;
	char *buf, *name;

	if (S_ISREG(mode) && !(file->f_mode & FMODE_STREAM)) {
		*type = CKPT_FILE_REG;
		return 0;
	}
	if (S_ISDIR(mode)) {
		*type = CKPT_FILE_DIR;
		return 0;
	}
	if (S_ISCHR(mode) && ckpt_chr_reopenable(inode->i_rdev)) {
		*type = CKPT_FILE_CHR;
		return 0;
	}
	if (S_ISCHR(mode) && ckpt_chr_is_tty(inode->i_rdev)) {
		*type = CKPT_FILE_INHERITED;
		return 0;
	}
	if (S_ISFIFO(mode) && get_pipe_info(file, false) &&
	    !ckpt_pipe_both_ends(fds, nr, file)) {
		*type = CKPT_FILE_INHERITED;
		return 0;
	}
	if (S_ISSOCK(mode) && !ckpt_socket_inherited(fds, nr, file)) {
		*type = CKPT_FILE_INHERITED;
		return 0;
	}

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	name = buf ? d_path(&file->f_path, buf, PATH_MAX) : NULL;
	if (IS_ERR_OR_NULL(name))
		name = "?";
	if (S_ISFIFO(mode))
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u: %s with both ends in the checkpoint is not supported yet",
			 e->fd, name);
	else if (S_ISSOCK(mode))
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u: %s: only connected unix sockets leading outside are supported",
			 e->fd, name);
	else
		ckpt_log(ctx, -EOPNOTSUPP, "fd %u: %s is not supported yet",
			 e->fd, name);
	kfree(buf);
	return -EOPNOTSUPP;
}

static int checkpoint_file(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			   u32 type, u32 objref, char *buf)
{
	struct file *file = e->file;
	struct ckpt_hdr_file h = {};
	char what[24];
	char *path = NULL;

	h.objref = objref;
	h.type = type;
	h.f_flags = file->f_flags & CKPT_FILE_FLAGS;
	if (type == CKPT_FILE_INHERITED) {
		h.inherit_fd = e->fd;
	} else {
		snprintf(what, sizeof(what), "fd %u", e->fd);
		path = ckpt_file_path(ctx, &file->f_path, buf, what);
		if (IS_ERR(path))
			return PTR_ERR(path);
		h.path_len = strlen(path) + 1;
		h.pos = file->f_pos;
		if (type == CKPT_FILE_CHR)
			h.rdev = new_encode_dev(file_inode(file)->i_rdev);
	}
	return ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_FILE, sizeof(h),
				   path, h.path_len);
}

static void ckpt_put_fds(struct ckpt_fd_ent *fds, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		fput(fds[i].file);
	kvfree(fds);
}

static struct file *ckpt_next_file(struct task_struct *t, unsigned int *fd)
{
	struct file *file;

	rcu_read_lock();
	file = task_lookup_next_fdget_rcu(t, fd);
	rcu_read_unlock();
	return file;
}

/* Take a reference on every open file of @t, in fd order. */
static int ckpt_collect_fds(struct ckpt_ctx *ctx, struct task_struct *t,
			    struct ckpt_fd_ent **pfds, unsigned int *pnr)
{
	struct ckpt_fd_ent *fds;
	unsigned int fd, nr = 0, max = 0;
	struct file *file;

	/* count first: no allocation under RCU */
	for (fd = 0; (file = ckpt_next_file(t, &fd)); fd++) {
		fput(file);
		max++;
	}
	if (max > CKPT_MAX_FDS) {
		ckpt_log(ctx, -EOPNOTSUPP, "more than %u open files",
			 CKPT_MAX_FDS);
		return -EOPNOTSUPP;
	}
	fds = kvcalloc(max ?: 1, sizeof(*fds), GFP_KERNEL);
	if (!fds)
		return -ENOMEM;
	for (fd = 0; nr < max &&
	     (file = ckpt_next_file(t, &fd)); fd++) {
		fds[nr].fd = fd;
		fds[nr].file = file;
		task_lock(t);
		if (t->files) {
			spin_lock(&t->files->file_lock);
			fds[nr].cloexec = close_on_exec(fd, t->files);
			spin_unlock(&t->files->file_lock);
		}
		task_unlock(t);
		nr++;
	}
	*pfds = fds;
	*pnr = nr;
	return 0;
}

/**
 * checkpoint_files() - write a FILE record per open file, then the FDTABLE
 * @ctx: checkpoint context
 * @t: the task
 */
int checkpoint_files(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_fdtable h = {};
	struct ckpt_fd_ent *fds;
	struct ckpt_fd *ents;
	unsigned int i, nr;
	char *buf;
	int ret;

	ret = ckpt_collect_fds(ctx, t, &fds, &nr);
	if (ret)
		return ret;
	ret = -ENOMEM;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	ents = kvcalloc(nr ?: 1, sizeof(*ents), GFP_KERNEL);
	if (!buf || !ents)
		goto out;
	ret = 0;
	for (i = 0; i < nr && !ret; i++) {
		bool first;
		u32 type;
		int objref;

		ret = ckpt_classify_file(ctx, fds, nr, &fds[i], &type);
		if (ret)
			break;
		objref = ckpt_obj_lookup_add(ctx, fds[i].file, CKPT_OBJ_FILE,
					     &first);
		if (objref < 0) {
			ret = objref;
			break;
		}
		if (first)
			ret = checkpoint_file(ctx, &fds[i], type, objref, buf);
		ents[i].fd = fds[i].fd;
		ents[i].objref = objref;
		ents[i].flags = fds[i].cloexec ? CKPT_FD_CLOEXEC : 0;
	}
	if (!ret) {
		h.nr_fds = nr;
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_FDTABLE,
					  sizeof(h), ents, nr * sizeof(*ents));
	}
out:
	kvfree(ents);
	kfree(buf);
	ckpt_put_fds(fds, nr);
	return ret;
}

/* ---- restart of files --------------------------------------------------- */

static struct file *ckpt_reopen(struct ckpt_ctx *ctx,
				const struct ckpt_hdr_file *h, const char *path)
{
	int flags = h->f_flags & ~O_PATH;
	struct file *file;
	struct inode *inode;
	bool ok;

	if (h->f_flags & O_PATH)
		flags = O_PATH | (h->f_flags & (O_DIRECTORY | O_NOFOLLOW));
	if (h->type == CKPT_FILE_DIR)
		flags |= O_DIRECTORY;
	file = file_open_root(&ctx->rs->root, path, flags | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		ckpt_log(ctx, PTR_ERR(file), "reopening %s failed", path);
		return file;
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
		     new_encode_dev(inode->i_rdev) == h->rdev;
		break;
	}
	if (!ok) {
		ckpt_log(ctx, -EINVAL, "%s is not the file it was", path);
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	if (h->pos && !(file->f_mode & FMODE_PATH)) {
		loff_t pos = vfs_llseek(file, h->pos, SEEK_SET);

		if (pos != h->pos) {
			ckpt_log(ctx, -EINVAL, "%s: cannot seek to %lld",
				 path, h->pos);
			fput(file);
			return ERR_PTR(pos < 0 ? pos : -EINVAL);
		}
	}
	return file;
}

/**
 * restore_file() - read a FILE record and open the file it describes
 * @ctx: restart context
 * @h: the record's header, already read
 *
 * The opened file goes into the object hash under the record's objref.
 */
int restore_file(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	struct ckpt_hdr_file *h;
	struct file *file = NULL;
	const char *path = NULL;
	int ret;

	h = ckpt_read_payload_var(ctx, hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->type == 0 || h->type >= CKPT_FILE_MAX || h->__reserved ||
	    h->f_flags & ~CKPT_FILE_FLAGS || h->pos < 0)
		goto bad;
	if (h->type == CKPT_FILE_INHERITED) {
		if (h->path_len || h->pos || h->rdev ||
		    h->h.len != sizeof(*h) || h->inherit_fd >= CKPT_MAX_FDS)
			goto bad;
		file = fget(h->inherit_fd);
	} else {
		path = ckpt_check_string(h, h->h.len, sizeof(*h), h->path_len);
		if (!path || path[0] != '/' || h->inherit_fd ||
		    h->h.len != ALIGN(sizeof(*h) + h->path_len, 8))
			goto bad;
		if (h->type == CKPT_FILE_CHR ?
		    !ckpt_chr_reopenable(new_decode_dev(h->rdev)) : h->rdev)
			goto bad;
		file = ckpt_reopen(ctx, h, path);
		if (IS_ERR(file)) {
			ret = PTR_ERR(file);
			goto out;
		}
	}
	ret = ckpt_obj_insert(ctx, file, h->objref, CKPT_OBJ_FILE);
	if (file)
		fput(file);
	goto out;
bad:
	ckpt_log(ctx, ret, "file record %u: malformed", h->objref);
out:
	kvfree(h);
	return ret;
}

/**
 * restore_fdtable() - read the FDTABLE record and stage the fds
 * @ctx: restart context
 * @hdr: the record's header, already read
 *
 * fd numbers must increase, stay below the image's RLIMIT_NOFILE, and
 * name FILE records read before.
 */
int restore_fdtable(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	struct ckpt_rstate *rs = ctx->rs;
	struct ckpt_hdr_fdtable *h;
	const struct ckpt_fd *ents;
	unsigned long limit;
	u32 i;
	int ret;

	h = ckpt_read_payload_var(ctx, hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->nr_fds > CKPT_MAX_FDS || h->__reserved ||
	    h->h.len != sizeof(*h) + h->nr_fds * sizeof(*ents)) {
		ckpt_log(ctx, ret, "fdtable: malformed record");
		goto out;
	}
	ret = -ENOMEM;
	rs->fds = kvcalloc(h->nr_fds ?: 1, sizeof(*rs->fds), GFP_KERNEL);
	if (!rs->fds)
		goto out;
	limit = min_t(unsigned long, rs->rlim[RLIMIT_NOFILE].rlim_cur,
		      sysctl_nr_open);
	ents = (const struct ckpt_fd *)(h + 1);
	for (i = 0; i < h->nr_fds; i++) {
		struct file *file;

		ret = -EINVAL;
		if (ents[i].fd >= limit ||
		    (i && ents[i].fd <= ents[i - 1].fd) ||
		    ents[i].flags & ~CKPT_FD_CLOEXEC || ents[i].__reserved) {
			ckpt_log(ctx, ret, "fdtable: bad entry for fd %u",
				 ents[i].fd);
			goto out;
		}
		file = ckpt_obj_fetch(ctx, ents[i].objref, CKPT_OBJ_FILE);
		if (IS_ERR(file)) {
			ret = PTR_ERR(file);
			goto out;
		}
		rs->fds[i].fd = ents[i].fd;
		rs->fds[i].cloexec = ents[i].flags & CKPT_FD_CLOEXEC;
		rs->fds[i].file = file ? get_file(file) : NULL;
		rs->nr_fds = i + 1;
	}
	rs->have_fdtable = true;
	ret = 0;
out:
	kvfree(h);
	return ret;
}

/**
 * restore_files_commit() - make current's fd table the image's
 * @ctx: restart context
 *
 * Runs after unshare_files(), so no other task sees the changes. Every fd
 * the image does not have is closed.
 */
int restore_files_commit(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = ctx->rs;
	unsigned int i, next = 0;
	int ret;

	for (i = 0; i < rs->nr_fds; i++) {
		struct ckpt_fd_slot *s = &rs->fds[i];

		if (s->fd > next)
			__close_range(next, s->fd - 1, 0);
		next = s->fd + 1;
		if (!s->file) {
			close_fd(s->fd);
			continue;
		}
		ret = replace_fd(s->fd, s->file, s->cloexec ? O_CLOEXEC : 0);
		if (ret < 0)
			return ret;
	}
	__close_range(next, ~0U, 0);
	return 0;
}
