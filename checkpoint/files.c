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
 * - O_PATH descriptors of regular files, directories and those devices
 *   are reopened O_PATH by path;
 * - a tty, pipe or socket that a process outside the tree verifiably
 *   holds (the same open file, the pipe's other end, the socket's peer) is
 *   "inherited": restart connects it to the restarter's fd of the same
 *   number, and fails if the restarter has none;
 * - anything else fails the checkpoint with -EOPNOTSUPP and a log line.
 *
 * The stateless files (the mem devices above, and any O_PATH descriptor)
 * are never leaks: nothing a process outside the tree does through its
 * copy changes what the tree sees.
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
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/highmem.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ctype.h>
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

/*
 * Is @dentry, on procfs, inside the directory of a task (/proc/PID/...,
 * which /proc/self and /proc/thread-self lead to)? Its top directory
 * under the root of procfs is named by a number.
 */
static bool ckpt_proc_names_task(struct dentry *dentry)
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

/* ---- checkpoint of files ------------------------------------------------ */

/**
 * struct ckpt_tfile - an open file of the tree
 * @node:	in ckpt_tfiles.hash
 * @file:	the file, referenced
 * @fdrefs:	fd slots of the tree holding it
 * @maprefs:	vmas and executables of the tree's mms holding it
 * @outside:	its reference count shows holders outside the tree (tasks,
 *		or files in flight in a unix socket queue)
 * @held:	a process outside the tree has it in its fd table (set by
 *		ckpt_scan_outside(), only looked for when @outside)
 */
struct ckpt_tfile {
	struct hlist_node node;
	struct file *file;
	unsigned int fdrefs;
	unsigned int maprefs;
	bool outside;
	bool held;
};

enum ckpt_tkey_kind { CKPT_KEY_FILES, CKPT_KEY_PIPE, CKPT_KEY_SOCK };

/**
 * struct ckpt_tkey - something the scan of the outside looks for
 * @node:	in ckpt_tfiles.keys
 * @ptr:	a files_struct of the tree (CKPT_KEY_FILES: tasks using it
 *		are not outside), a pipe of the tree with ends beyond the
 *		tree's files (CKPT_KEY_PIPE), or the peer of a unix socket
 *		of the tree whose file is not the tree's (CKPT_KEY_SOCK,
 *		referenced)
 * @kind:	enum ckpt_tkey_kind
 * @held:	a process outside the tree holds a file of that pipe, or the
 *		file of that peer, in its fd table
 */
struct ckpt_tkey {
	struct hlist_node node;
	const void *ptr;
	enum ckpt_tkey_kind kind;
	bool held;
};

struct ckpt_tfiles {
	DECLARE_HASHTABLE(hash, 8);
	DECLARE_HASHTABLE(keys, 6);
	unsigned int nr;
};

static struct ckpt_tfile *ckpt_tfile_find(struct ckpt_ctx *ctx,
					  struct file *file)
{
	struct ckpt_tfile *tf;

	hash_for_each_possible(ctx->tfiles->hash, tf, node,
			       (unsigned long)file)
		if (tf->file == file)
			return tf;
	return NULL;
}

/**
 * ckpt_free_tfiles() - drop the scan of the tree's files
 * @ctx: checkpoint context
 */
void ckpt_free_tfiles(struct ckpt_ctx *ctx)
{
	struct ckpt_tkey *k;
	struct ckpt_tfile *tf;
	struct hlist_node *tmp;
	int bkt;

	if (!ctx->tfiles)
		return;
	hash_for_each_safe(ctx->tfiles->hash, bkt, tmp, tf, node) {
		fput(tf->file);
		kfree(tf);
	}
	hash_for_each_safe(ctx->tfiles->keys, bkt, tmp, k, node) {
		if (k->kind == CKPT_KEY_SOCK)
			sock_put((struct sock *)k->ptr);
		kfree(k);
	}
	kfree(ctx->tfiles);
	ctx->tfiles = NULL;
}

static struct file *ckpt_next_file(struct task_struct *t, unsigned int *fd);

static int ckpt_scan_task_fds(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_tfile *tf;
	struct file *file;
	unsigned int fd;

	for (fd = 0; (file = ckpt_next_file(t, &fd)); fd++) {
		tf = ckpt_tfile_find(ctx, file);
		if (tf) {
			fput(file);
			tf->fdrefs++;
			continue;
		}
		if (ctx->tfiles->nr >= CKPT_MAX_FDS) {
			fput(file);
			ckpt_log(ctx, -EOPNOTSUPP, "more than %u open files",
				 CKPT_MAX_FDS);
			return -EOPNOTSUPP;
		}
		tf = kzalloc(sizeof(*tf), GFP_KERNEL);
		if (!tf) {
			fput(file);
			return -ENOMEM;
		}
		tf->file = file;
		tf->fdrefs = 1;
		hash_add(ctx->tfiles->hash, &tf->node, (unsigned long)file);
		ctx->tfiles->nr++;
	}
	return 0;
}

/*
 * Count the vmas and executables of @t that hold files of the tree. Shared
 * anonymous memory is counted too, so that memory a task outside the tree
 * maps as well shows as a leak.
 */
static int ckpt_scan_task_maps(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct mm_struct *mm = get_task_mm(t);
	struct vm_area_struct *vma;
	struct ckpt_tfile *tf;
	struct file *exe;
	int ret = 0;

	if (!mm)
		return 0;
	mmap_read_lock(mm);
	{
		VMA_ITERATOR(vmi, mm, 0);

		for_each_vma(vmi, vma) {
			if (!vma->vm_file)
				continue;
			tf = ckpt_tfile_find(ctx, vma->vm_file);
			if (tf) {
				tf->maprefs++;
				continue;
			}
			if (!vma_is_anon_shmem(vma))
				continue;
			tf = kzalloc(sizeof(*tf), GFP_KERNEL);
			if (!tf) {
				ret = -ENOMEM;
				break;
			}
			tf->file = get_file(vma->vm_file);
			tf->maprefs = 1;
			hash_add(ctx->tfiles->hash, &tf->node,
				 (unsigned long)tf->file);
			ctx->tfiles->nr++;
		}
	}
	mmap_read_unlock(mm);
	exe = get_mm_exe_file(mm);
	if (exe) {
		tf = ckpt_tfile_find(ctx, exe);
		if (tf)
			tf->maprefs++;
		fput(exe);
	}
	mmput(mm);
	return ret;
}

static bool ckpt_leak_checks(struct ckpt_ctx *ctx)
{
	return !ctx->self && !(ctx->flags & CHECKPOINT_SUBTREE);
}

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

/*
 * A file whose holders outside the tree cannot change anything the tree
 * observes through it: an O_PATH descriptor (no I/O, no offset), or one
 * of the mem devices that restart reopens (no state; the offset of
 * /dev/null and /dev/zero always reads 0). The open file description is
 * not shared again after restart: status flags a holder outside sets
 * later are not seen, which for these files changes nothing but what
 * F_GETFL returns.
 */
static bool ckpt_file_stateless(struct file *file)
{
	struct inode *inode = file_inode(file);

	return file->f_mode & FMODE_PATH ||
	       (S_ISCHR(inode->i_mode) && ckpt_chr_reopenable(inode->i_rdev));
}

static struct ckpt_tkey *ckpt_tkey_find(struct ckpt_ctx *ctx,
					const void *ptr,
					enum ckpt_tkey_kind kind)
{
	struct ckpt_tkey *k;

	hash_for_each_possible(ctx->tfiles->keys, k, node, (unsigned long)ptr)
		if (k->ptr == ptr && k->kind == kind)
			return k;
	return NULL;
}

/* Look for @ptr outside the tree; @added: it was not looked for yet */
static int ckpt_tkey_add(struct ckpt_ctx *ctx, const void *ptr,
			 enum ckpt_tkey_kind kind, bool *added)
{
	struct ckpt_tkey *k;

	*added = false;
	if (ckpt_tkey_find(ctx, ptr, kind))
		return 0;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->ptr = ptr;
	k->kind = kind;
	hash_add(ctx->tfiles->keys, &k->node, (unsigned long)ptr);
	*added = true;
	return 0;
}

/*
 * How many struct files of the tree read and write @pipe; @outside when
 * the reference count of one of them shows a holder outside the tree (a
 * fork shares the struct file, so the pipe's own counts do not show it),
 * @held when a process outside the tree verifiably holds one of them.
 */
static void ckpt_pipe_ends(struct ckpt_ctx *ctx, struct pipe_inode_info *pipe,
			   unsigned int *r, unsigned int *w, bool *outside,
			   bool *held)
{
	struct ckpt_tfile *tf;
	int bkt;

	*r = 0;
	*w = 0;
	*outside = false;
	*held = false;
	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		if (get_pipe_info(tf->file, false) != pipe)
			continue;
		if (tf->file->f_mode & FMODE_READ)
			(*r)++;
		if (tf->file->f_mode & FMODE_WRITE)
			(*w)++;
		*outside |= tf->outside;
		*held |= tf->held;
	}
}

/* Are there opens of @pipe that are not files of the tree? */
static bool ckpt_pipe_ends_beyond(struct ckpt_ctx *ctx,
				  struct pipe_inode_info *pipe)
{
	unsigned int r, w, readers, writers;
	bool outside, held;

	ckpt_pipe_ends(ctx, pipe, &r, &w, &outside, &held);
	pipe_lock(pipe);
	readers = pipe->readers;
	writers = pipe->writers;
	pipe_unlock(pipe);
	return readers != r || writers != w;
}

#if IS_ENABLED(CONFIG_UNIX)
/* The peer of the unix socket @file, referenced; NULL if not connected */
static struct sock *ckpt_unix_peer(struct file *file)
{
	struct socket *sock = sock_from_file(file);

	if (!sock || !sock->sk || sock->sk->sk_family != AF_UNIX)
		return NULL;
	return unix_peer_get(sock->sk);
}

/*
 * The file of @peer, to compare with the tree's (not referenced); NULL
 * when the peer was closed (a half-closed stream keeps its dead peer).
 */
static struct file *ckpt_peer_file(struct sock *peer)
{
	struct file *file = NULL;

	read_lock_bh(&peer->sk_callback_lock);
	if (peer->sk_socket && !sock_flag(peer, SOCK_DEAD))
		file = READ_ONCE(peer->sk_socket->file);
	read_unlock_bh(&peer->sk_callback_lock);
	return file;
}
#else
static struct sock *ckpt_unix_peer(struct file *file)
{
	return NULL;
}

static struct file *ckpt_peer_file(struct sock *peer)
{
	return NULL;
}
#endif

/* iterate_fd() callback: @file is in the fd table of a task outside */
static int ckpt_mark_held(const void *arg, struct file *file,
			  unsigned int fd)
{
	struct ckpt_ctx *ctx = (struct ckpt_ctx *)arg;
	struct pipe_inode_info *pipe;
	struct ckpt_tfile *tf;
	struct socket *sock;
	struct ckpt_tkey *k;

	tf = ckpt_tfile_find(ctx, file);
	if (tf)
		tf->held = true;
	pipe = get_pipe_info(file, false);
	k = pipe ? ckpt_tkey_find(ctx, pipe, CKPT_KEY_PIPE) : NULL;
	if (k)
		k->held = true;
	sock = sock_from_file(file);
	k = sock && sock->sk ? ckpt_tkey_find(ctx, sock->sk, CKPT_KEY_SOCK) :
			       NULL;
	if (k)
		k->held = true;
	return 0;
}

/*
 * Look through the fd table of every task outside the tree (in the whole
 * system, whatever its pid namespace) for the tree's files and for files
 * of the keys. Only a live process's fd table counts as a holder: a file
 * in flight in a unix socket queue, a released socket or a registered
 * io_uring file is held by nobody who could hand it back at restart.
 * The walk goes pid by pid, dropping the RCU lock between tasks. The
 * tasks outside run on: what it finds is what they held at some point
 * during the checkpoint.
 */
static int ckpt_scan_outside(struct ckpt_ctx *ctx)
{
	struct task_struct *t;
	struct pid *pid;
	int nr = 1;

	for (;;) {
		if (fatal_signal_pending(current))
			return -EINTR;
		rcu_read_lock();
		pid = find_ge_pid(nr, &init_pid_ns);
		if (!pid) {
			rcu_read_unlock();
			return 0;
		}
		nr = pid_nr(pid) + 1;
		t = pid_task(pid, PIDTYPE_PID);
		/* threads sharing their leader's fd table are seen with it */
		if (t && (t->flags & PF_KTHREAD ||
			  (!thread_group_leader(t) &&
			   READ_ONCE(t->files) ==
			   READ_ONCE(t->group_leader->files))))
			t = NULL;
		if (t)
			get_task_struct(t);
		rcu_read_unlock();
		if (!t)
			continue;
		task_lock(t);
		if (t->files && !ckpt_tkey_find(ctx, t->files, CKPT_KEY_FILES))
			iterate_fd(t->files, 0, ckpt_mark_held, ctx);
		task_unlock(t);
		put_task_struct(t);
		cond_resched();
	}
}

/*
 * Which of the tree's terminals, pipes and sockets lead to a live process
 * outside the tree: the same open file, a file of the same pipe, or the
 * file of a socket's peer in its fd table. Only looked for when the
 * reference counts say there may be one.
 */
static int ckpt_find_holders(struct ckpt_ctx *ctx)
{
	struct ckpt_tfile *tf;
	bool need = false, added;
	unsigned int i;
	int bkt, ret;

	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		struct file *file = tf->file;
		struct inode *inode = file_inode(file);
		struct pipe_inode_info *pipe;
		struct sock *peer;
		struct file *pf;

		if (!tf->fdrefs || file->f_mode & FMODE_PATH)
			continue;
		if (S_ISCHR(inode->i_mode) && ckpt_chr_is_tty(inode->i_rdev)) {
			need |= tf->outside;
			continue;
		}
		pipe = get_pipe_info(file, false);
		if (pipe) {
			need |= tf->outside;
			if (ckpt_tkey_find(ctx, pipe, CKPT_KEY_PIPE) ||
			    !ckpt_pipe_ends_beyond(ctx, pipe))
				continue;
			ret = ckpt_tkey_add(ctx, pipe, CKPT_KEY_PIPE, &added);
			if (ret)
				return ret;
			need = true;
			continue;
		}
		if (!S_ISSOCK(inode->i_mode))
			continue;
		peer = ckpt_unix_peer(file);
		if (!peer)
			continue;
		need |= tf->outside;
		pf = ckpt_peer_file(peer);
		ret = 0;
		added = false;
		if (pf && !ckpt_tfile_find(ctx, pf)) {
			ret = ckpt_tkey_add(ctx, peer, CKPT_KEY_SOCK, &added);
			need = true;
		}
		/* an added key keeps the reference on the peer */
		if (!added)
			sock_put(peer);
		if (ret)
			return ret;
	}
	if (!need)
		return 0;
	/* tasks using the tree's fd tables are the tree's */
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task_ent *e = &ctx->tasks[i];
		struct files_struct *files;

		if (!e->leader || e->zombie)
			continue;
		task_lock(e->t);
		files = e->t->files;
		task_unlock(e->t);
		if (!files)
			continue;
		ret = ckpt_tkey_add(ctx, files, CKPT_KEY_FILES, &added);
		if (ret)
			return ret;
	}
	return ckpt_scan_outside(ctx);
}

/**
 * ckpt_scan_files() - find every open file of the tree
 * @ctx: checkpoint context, with the tree collected
 *
 * Pipes and sockets are classified against it ("is the other end in the
 * tree?"), terminals, pipes and sockets that look shared with the outside
 * are looked for in the fd tables of the tasks outside the tree, and
 * without CHECKPOINT_SUBTREE a file that something outside the tree also
 * holds is a leak (a self checkpoint does not check this). Stateless
 * files (O_PATH descriptors, /dev/null and the other mem devices restart
 * reopens) are never leaks.
 *
 * Return: 0, -EBUSY for a leak (with a log line naming the file),
 * -EOPNOTSUPP (with a log line) for more than CKPT_MAX_FDS open files or
 * a file with locks or an owner (ckpt_check_file_state()), -EINTR when
 * the caller got a fatal signal, or -ENOMEM.
 */
int ckpt_scan_files(struct ckpt_ctx *ctx)
{
	struct ckpt_tfile *tf;
	unsigned int i;
	int bkt, ret;

	ctx->tfiles = kzalloc(sizeof(*ctx->tfiles), GFP_KERNEL);
	if (!ctx->tfiles)
		return -ENOMEM;
	hash_init(ctx->tfiles->hash);
	hash_init(ctx->tfiles->keys);
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task_ent *e = &ctx->tasks[i];

		/* a shared fd table is scanned once, with its first user */
		if (!e->leader || e->zombie || e->share_files)
			continue;
		ret = ckpt_scan_task_fds(ctx, e->t);
		if (ret)
			return ret;
	}
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task_ent *e = &ctx->tasks[i];

		if (!e->leader || e->zombie)
			continue;
		ret = ckpt_scan_task_maps(ctx, e->t);
		if (ret)
			return ret;
	}
	/* + 1: the reference the scan holds */
	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		tf->outside = file_count(tf->file) > tf->fdrefs + tf->maprefs + 1;
		ret = ckpt_check_file_state(ctx, tf->file);
		if (ret)
			return ret;
	}
	if (ckpt_leak_checks(ctx)) {
		hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
			char *buf, *name;

			if (!tf->outside || ckpt_file_stateless(tf->file))
				continue;
			buf = kmalloc(PATH_MAX, GFP_KERNEL);
			name = buf ? d_path(&tf->file->f_path, buf, PATH_MAX) :
				     NULL;
			ckpt_log(ctx, -EBUSY,
				 "leak: %s is shared with a task outside the tree",
				 IS_ERR_OR_NULL(name) ? "a file" : name);
			kfree(buf);
			return -EBUSY;
		}
	}
	return ckpt_find_holders(ctx);
}

/* The tree's entry of @file, verified held by a process outside? */
static bool ckpt_file_held(struct ckpt_ctx *ctx, struct file *file)
{
	struct ckpt_tfile *tf = ckpt_tfile_find(ctx, file);

	return tf && tf->held;
}

/* Log "fd N of pid P: NAME @what" and return -EOPNOTSUPP */
static int ckpt_log_unsupported(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
				const char *what)
{
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	char *name = buf ? d_path(&e->file->f_path, buf, PATH_MAX) : NULL;

	ckpt_log(ctx, -EOPNOTSUPP, "fd %u of pid %d: %s %s", e->fd,
		 ctx->cur->pids.pid, IS_ERR_OR_NULL(name) ? "?" : name, what);
	kfree(buf);
	return -EOPNOTSUPP;
}

/*
 * A terminal, pipe or socket whose other end a process outside the tree
 * holds: inherited (self checkpoint, subtree), or a leak (container).
 */
static int ckpt_inherit_or_leak(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
				u32 kind, const char *what, u32 *type,
				u32 *inherit)
{
	if (ckpt_leak_checks(ctx)) {
		ckpt_log(ctx, -EBUSY, "leak: fd %u of pid %d is %s",
			 e->fd, ctx->cur->pids.pid, what);
		return -EBUSY;
	}
	*type = CKPT_FILE_INHERITED;
	*inherit = kind;
	return 0;
}

/*
 * A pipe whose ends are all in the tree is saved with its data (PIPE).
 * One with an end that a process outside the tree holds in its fd table
 * (the same open file, or another open of the pipe) is inherited (self
 * checkpoint, subtree) or a leak (container). One whose other opens are
 * held by no process - in flight in a unix socket queue - is refused.
 */
static int ckpt_classify_pipe(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			      u32 *type, u32 *inherit)
{
	struct pipe_inode_info *pipe = get_pipe_info(e->file, false);
	unsigned int r, w, readers, writers;
	struct ckpt_tkey *k;
	bool outside, held;

	ckpt_pipe_ends(ctx, pipe, &r, &w, &outside, &held);
	pipe_lock(pipe);
	readers = pipe->readers;
	writers = pipe->writers;
	pipe_unlock(pipe);
	if (readers == r && writers == w && !outside) {
		if (e->file->f_flags & O_DIRECT)
			return ckpt_log_unsupported(ctx, e,
						    "is a pipe in O_DIRECT (packet) mode: not supported yet");
		/* a named FIFO: every open of it is reopened by its path */
		if (S_ISFIFO(file_inode(e->file)->i_mode) &&
		    file_inode(e->file)->i_sb->s_magic != PIPEFS_MAGIC) {
			*type = CKPT_FILE_FIFO;
			return 0;
		}
		if (r > 1 || w > 1 ||
		    (e->file->f_mode & (FMODE_READ | FMODE_WRITE)) ==
		    (FMODE_READ | FMODE_WRITE) ||
		    e->file->f_flags & O_DIRECT ||
		    !S_ISFIFO(file_inode(e->file)->i_mode) ||
		    file_inode(e->file)->i_sb->s_magic != PIPEFS_MAGIC)
			return ckpt_log_unsupported(ctx, e,
						    "is a pipe end opened more than once (through /proc): not supported yet");
		*type = CKPT_FILE_PIPE;
		return 0;
	}
	k = ckpt_tkey_find(ctx, pipe, CKPT_KEY_PIPE);
	held |= k && k->held;
	if (!held)
		return ckpt_log_unsupported(ctx, e,
					    "is a pipe with an end that no process outside the tree holds (in flight in a unix socket?): not supported yet");
	return ckpt_inherit_or_leak(ctx, e, CKPT_INHERIT_PIPE,
				    "a pipe with an end outside the tree",
				    type, inherit);
}

/*
 * A connected unix socket whose peer's file a process outside the tree
 * holds in its fd table is inherited (self checkpoint, subtree) or a leak
 * (container). Unconnected, listening and non-unix sockets, socket pairs
 * inside the tree, a socket whose peer was closed or is held by no
 * process are not supported yet.
 */
static int ckpt_classify_socket(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
				u32 *type, u32 *inherit)
{
	struct sock *peer = ckpt_unix_peer(e->file);
	struct ckpt_tkey *k;
	struct file *pf;
	bool held;

	if (!peer)
		return ckpt_log_unsupported(ctx, e,
					    "is not a connected unix socket: not supported yet");
	pf = ckpt_peer_file(peer);
	k = ckpt_tkey_find(ctx, peer, CKPT_KEY_SOCK);
	held = (k && k->held) || ckpt_file_held(ctx, e->file);
	sock_put(peer);
	if (!pf)
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket whose peer was closed: not supported yet");
	if (ckpt_tfile_find(ctx, pf))
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket whose peer is in the tree (a socket pair): not supported yet");
	if (!held)
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket whose peer no process outside the tree holds (in flight in a unix socket?): not supported yet");
	return ckpt_inherit_or_leak(ctx, e, CKPT_INHERIT_SOCKET,
				    "a socket connected outside the tree",
				    type, inherit);
}

/*
 * A terminal is inherited only when a process outside the tree holds the
 * same open file: the terminal the tree was started on. One the tree
 * opened itself (a pty pair from /dev/ptmx, /dev/tty, a controlling
 * terminal opened inside) has state that only the tree holds: not
 * supported yet, and not a leak.
 */
static int ckpt_classify_tty(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			     u32 *type, u32 *inherit)
{
	if (ckpt_file_held(ctx, e->file))
		return ckpt_inherit_or_leak(ctx, e, CKPT_INHERIT_TTY,
					    "a terminal shared with a task outside the tree",
					    type, inherit);
	return ckpt_log_unsupported(ctx, e,
				    "is a terminal the tree opened itself (no process outside the tree holds it): not supported yet");
}

/**
 * ckpt_classify_file() - decide how a file is saved
 * @ctx: checkpoint context, with the tree's files scanned (for "is the
 *	 other end inside?" checks)
 * @e: the fd to classify
 * @type: set to the CKPT_FILE_* type
 * @inherit: set to the CKPT_INHERIT_* type of an INHERITED file
 *
 * Return: 0, -EBUSY for a leak, or -EOPNOTSUPP with a log line naming the
 * file.
 */
static int ckpt_classify_file(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			      u32 *type, u32 *inherit)
{
	struct file *file = e->file;
	struct inode *inode = file_inode(file);
	umode_t mode = inode->i_mode;

	*inherit = 0;
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
	if (file->f_mode & FMODE_PATH) {
		ckpt_log_unsupported(ctx, e,
				     "is an O_PATH descriptor of neither a regular file, a directory nor a mem device: not supported yet");
		return -EOPNOTSUPP;
	}
	if (S_ISCHR(mode) && ckpt_chr_is_tty(inode->i_rdev))
		return ckpt_classify_tty(ctx, e, type, inherit);
	if (S_ISFIFO(mode) && get_pipe_info(file, false))
		return ckpt_classify_pipe(ctx, e, type, inherit);
	if (S_ISSOCK(mode))
		return ckpt_classify_socket(ctx, e, type, inherit);
	ckpt_log_unsupported(ctx, e, "is not supported yet");
	return -EOPNOTSUPP;
}

/* Write the PIPE record of @pipe: its capacity and buffered bytes. */
static int checkpoint_pipe(struct ckpt_ctx *ctx, struct pipe_inode_info *pipe,
			   u32 objref)
{
	struct ckpt_hdr_pipe h = {};
	unsigned int i, head, tail, n = 0;
	char *data = NULL;
	int ret = 0;

	pipe_lock(pipe);
	head = pipe->head;
	tail = pipe->tail;
	for (i = tail; i != head; i++)
		n += pipe_buf(pipe, i)->len;
	if (n > CKPT_PIPE_MAX) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	data = kvmalloc(n ?: 1, GFP_KERNEL);
	if (!data) {
		ret = -ENOMEM;
		goto out;
	}
	n = 0;
	for (i = tail; i != head; i++) {
		struct pipe_buffer *buf = pipe_buf(pipe, i);
		void *p;

		ret = pipe_buf_confirm(pipe, buf);
		if (ret)
			goto out;
		p = kmap_local_page(buf->page);
		memcpy(data + n, p + buf->offset, buf->len);
		kunmap_local(p);
		n += buf->len;
	}
	h.size = pipe->max_usage * PAGE_SIZE;
out:
	pipe_unlock(pipe);
	if (ret == -EOPNOTSUPP)
		ckpt_log(ctx, ret, "a pipe holds more than %u bytes",
			 CKPT_PIPE_MAX);
	if (!ret) {
		h.objref = objref;
		h.nr_bytes = n;
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_PIPE, sizeof(h),
					  data, n);
	}
	kvfree(data);
	return ret;
}

static int checkpoint_file(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			   u32 type, u32 inherit, u32 objref, char *buf)
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
		h.inherit_type = inherit;
	} else if (type == CKPT_FILE_PIPE || type == CKPT_FILE_FIFO) {
		struct pipe_inode_info *pipe = get_pipe_info(file, false);
		bool first;
		int ref, ret;

		ref = ckpt_obj_lookup_add(ctx, pipe, CKPT_OBJ_PIPE, &first);
		if (ref < 0)
			return ref;
		if (first) {
			ret = checkpoint_pipe(ctx, pipe, ref);
			if (ret)
				return ret;
		}
		h.pipe_objref = ref;
	}
	if (type != CKPT_FILE_INHERITED && type != CKPT_FILE_PIPE) {
		snprintf(what, sizeof(what), "fd %u", e->fd);
		path = ckpt_file_path(ctx, &file->f_path, buf, what);
		if (IS_ERR(path))
			return PTR_ERR(path);
		h.path_len = strlen(path) + 1;
		if (type != CKPT_FILE_FIFO)
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
 *
 * Return: 0, -EBUSY for a terminal, pipe or socket that leads outside the
 * tree (a leak), -EOPNOTSUPP for a file that cannot be saved yet (both
 * with a log line), -ENOSPC when the object hash is full, -ENOMEM, or an
 * error of reading a pipe's buffers or of writing the image.
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
		u32 type, inherit;
		bool first;
		int objref;

		ret = ckpt_classify_file(ctx, &fds[i], &type, &inherit);
		if (ret)
			break;
		objref = ckpt_obj_lookup_add(ctx, fds[i].file, CKPT_OBJ_FILE,
					     &first);
		if (objref < 0) {
			ret = objref;
			break;
		}
		if (first)
			ret = checkpoint_file(ctx, &fds[i], type, inherit,
					      objref, buf);
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
	file = filp_open(path, flags | O_LARGEFILE, 0);
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
 * restore_pipe() - read a PIPE record: make a pipe and refill it
 * @ctx: restart context
 * @hdr: the record's header, already read
 *
 * The capacity goes through F_SETPIPE_SZ, so its limits apply to the
 * restarter; the data is written into the new pipe.
 *
 * Return: 0 with the pipe in the object hash, -EINVAL for a malformed
 * record or a bad or reused objref, the errno of F_SETPIPE_SZ (-EPERM
 * above the restarter's pipe limits, ...), -ENOMEM, or another error of
 * creating or filling the pipe or of reading the image.
 */
int restore_pipe(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	struct ckpt_rpipe *rp = NULL;
	struct ckpt_hdr_pipe *h;
	loff_t pos = 0;
	ssize_t n;
	int ret;

	h = ckpt_read_payload_var(ctx, hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->nr_bytes > h->size || h->size > CKPT_PIPE_MAX || !h->size ||
	    h->__reserved ||
	    h->h.len != ALIGN(sizeof(*h) + h->nr_bytes, 8)) {
		ckpt_log(ctx, ret, "pipe record %u: malformed", h->objref);
		goto out;
	}
	ret = -ENOMEM;
	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp)
		goto out;
	ret = create_pipe_files(rp->end, 0);
	if (ret) {
		kfree(rp);
		goto out;
	}
	n = pipe_fcntl(rp->end[1], F_SETPIPE_SZ, h->size);
	if (n < 0) {
		ret = n;
		ckpt_log(ctx, ret, "pipe record %u: cannot size it to %u",
			 h->objref, h->size);
		goto out_put;
	}
	if (n < h->nr_bytes) {
		ret = -EINVAL;
		goto out_put;
	}
	if (h->nr_bytes) {
		n = kernel_write(rp->end[1], h + 1, h->nr_bytes, &pos);
		if (n != h->nr_bytes) {
			ret = n < 0 ? n : -EIO;
			goto out_put;
		}
	}
	rp->nr_bytes = h->nr_bytes;
	ret = ckpt_obj_insert(ctx, rp, h->objref, CKPT_OBJ_RPIPE);
	if (!ret)
		goto out;
out_put:
	fput(rp->end[0]);
	fput(rp->end[1]);
	kfree(rp);
out:
	kvfree(h);
	return ret;
}

/* Open @path and check that it is the named FIFO @rp stands for. */
static struct file *ckpt_fifo_open_path(struct ckpt_ctx *ctx,
					struct ckpt_rpipe *rp, const char *path,
					int flags)
{
	struct inode *inode;
	struct file *file;
	struct path p;
	bool fifo;

	/* never open what is not a FIFO (a device open has effects) */
	if (!kern_path(path, LOOKUP_FOLLOW, &p)) {
		fifo = S_ISFIFO(d_inode(p.dentry)->i_mode);
		path_put(&p);
		if (!fifo) {
			ckpt_log(ctx, -EINVAL, "%s is not the FIFO it was", path);
			return ERR_PTR(-EINVAL);
		}
	}
	/* and check again what was opened */
	file = filp_open(path, flags | O_NONBLOCK | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		ckpt_log(ctx, PTR_ERR(file), "reopening FIFO %s failed", path);
		return file;
	}
	inode = file_inode(file);
	if (!S_ISFIFO(inode->i_mode) || !get_pipe_info(file, false) ||
	    inode->i_sb->s_magic == PIPEFS_MAGIC ||
	    (rp->fifo && file_inode(rp->fifo) != inode)) {
		ckpt_log(ctx, -EINVAL, "%s is not the FIFO it was", path);
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	return file;
}

/*
 * The first open of a named FIFO: open it read-write (so that ends open in
 * any order without blocking), check that nobody else has it open, give
 * it the saved capacity and move the saved bytes into it.
 */
static int ckpt_fifo_fill(struct ckpt_ctx *ctx, struct ckpt_rpipe *rp,
			  const char *path)
{
	struct pipe_inode_info *pipe;
	unsigned int left = rp->nr_bytes;
	struct file *fifo;
	bool alone;
	long size;
	char *buf;
	int ret;

	fifo = ckpt_fifo_open_path(ctx, rp, path, O_RDWR);
	if (IS_ERR(fifo))
		return PTR_ERR(fifo);
	pipe = get_pipe_info(fifo, false);
	pipe_lock(pipe);
	alone = pipe->readers == 1 && pipe->writers == 1 &&
		pipe->head == pipe->tail;
	pipe_unlock(pipe);
	/*
	 * RESTART_VALIDATE checks the image, not the world: a FIFO in use
	 * (by the checkpointed tree itself, often) is a state like a taken
	 * pid, and its data must not be touched.
	 */
	if (!alone && (ctx->flags & RESTART_VALIDATE)) {
		rp->fifo = fifo;
		return 0;
	}
	ret = -EBUSY;
	if (!alone) {
		ckpt_log(ctx, ret, "FIFO %s is in use", path);
		goto fail;
	}
	size = pipe_fcntl(rp->end[1], F_GETPIPE_SZ, 0);
	if (size > 0)
		size = pipe_fcntl(fifo, F_SETPIPE_SZ, size);
	ret = size < 0 ? size : 0;
	if (ret) {
		ckpt_log(ctx, ret, "FIFO %s: cannot size it", path);
		goto fail;
	}
	buf = left ? kmalloc(PAGE_SIZE, GFP_KERNEL) : NULL;
	if (left && !buf)
		ret = -ENOMEM;
	while (!ret && left) {
		loff_t pos = 0;
		ssize_t n = kernel_read(rp->end[0], buf,
					min_t(unsigned int, left, PAGE_SIZE),
					&pos);

		if (n > 0)
			n = kernel_write(fifo, buf, n, &pos);
		if (n <= 0)
			ret = n < 0 ? n : -EIO;
		else
			left -= n;
	}
	kfree(buf);
	if (ret)
		goto fail;
	rp->fifo = fifo;
	return 0;
fail:
	fput(fifo);
	return ret;
}

static struct file *ckpt_open_fifo(struct ckpt_ctx *ctx,
				   const struct ckpt_hdr_file *h,
				   const char *path)
{
	struct ckpt_rpipe *rp;
	struct file *file;
	int ret;

	rp = ckpt_obj_fetch(ctx, h->pipe_objref, CKPT_OBJ_RPIPE);
	if (IS_ERR(rp))
		return ERR_CAST(rp);
	if (!rp->fifo) {
		/* not an anonymous pipe's already */
		if (rp->used[0] || rp->used[1]) {
			ckpt_log(ctx, -EINVAL, "file record %u: pipe %u is not a FIFO",
				 h->objref, h->pipe_objref);
			return ERR_PTR(-EINVAL);
		}
		ret = ckpt_fifo_fill(ctx, rp, path);
		if (ret)
			return ERR_PTR(ret);
		rp->used[0] = true;
		rp->used[1] = true;
	}
	file = ckpt_fifo_open_path(ctx, rp, path, h->f_flags & O_ACCMODE);
	if (IS_ERR(file))
		return file;
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) |
			(h->f_flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
	return file;
}

/* An O_PATH descriptor of /dev/null: "leave the inherited fd closed" */
static bool ckpt_is_close_marker(struct file *file)
{
	struct inode *inode = file_inode(file);

	return file->f_mode & FMODE_PATH && S_ISCHR(inode->i_mode) &&
	       inode->i_rdev == MKDEV(MEM_MAJOR, 3);
}

/*
 * The restarter's file for an INHERITED record: its fd of the same
 * number, referenced, or NULL (leave the fd closed) when that fd is an
 * O_PATH descriptor of /dev/null. A missing fd fails the restart: the
 * restored program would find its terminal, pipe or socket closed.
 */
static struct file *ckpt_inherited_file(struct ckpt_ctx *ctx,
					const struct ckpt_hdr_file *h)
{
	static const char *const what[CKPT_INHERIT_MAX] = {
		[CKPT_INHERIT_TTY] = "a terminal",
		[CKPT_INHERIT_PIPE] = "a pipe",
		[CKPT_INHERIT_SOCKET] = "a socket",
	};
	struct file *file = fget_raw(h->inherit_fd);

	/*
	 * RESTART_VALIDATE checks the image, not the restarter: which fds it
	 * hands in is the caller's business at the real restart.
	 */
	if (ctx->flags & RESTART_VALIDATE) {
		if (file)
			fput(file);
		return NULL;
	}
	if (!file) {
		ckpt_log(ctx, -EBADF,
			 "fd %u of pid %d was inherited (%s) and the restarter has no fd %u (give it one, or an O_PATH /dev/null to leave it closed)",
			 h->inherit_fd, ctx->rs->pids.pid, what[h->inherit_type],
			 h->inherit_fd);
		return ERR_PTR(-EBADF);
	}
	if (!(file->f_mode & FMODE_PATH))
		return file;
	if (ckpt_is_close_marker(file)) {
		fput(file);
		return NULL;
	}
	fput(file);
	ckpt_log(ctx, -EBADF,
		 "fd %u of pid %d was inherited (%s) and the restarter's fd %u is an O_PATH descriptor, not /dev/null",
		 h->inherit_fd, ctx->rs->pids.pid, what[h->inherit_type],
		 h->inherit_fd);
	return ERR_PTR(-EBADF);
}

/**
 * restore_file() - read a FILE record and open the file it describes
 * @ctx: restart context
 * @hdr: the record's header, already read
 *
 * The opened file goes into the object hash under the record's objref.
 *
 * An INHERITED file is the restarter's fd of the number the record
 * names; an O_PATH descriptor of /dev/null there leaves it closed. With
 * RESTART_VALIDATE the restarter's fds are not looked at.
 *
 * Return: 0, -EINVAL for a malformed record, a bad objref or a file that
 * is not what it was (another type or device, or an offset it cannot
 * seek to), -EBADF for an inherited file the restarter has no fd for (or
 * an O_PATH fd other than /dev/null), -EBUSY for a named FIFO that is in
 * use, the errno of opening
 * the file or of refilling a FIFO (-ENOENT, -EACCES, ...), -ENOMEM, or an
 * error of reading the image.
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
	if (h->type == 0 || h->type >= CKPT_FILE_MAX ||
	    (h->type == CKPT_FILE_INHERITED ?
	     !h->inherit_type || h->inherit_type >= CKPT_INHERIT_MAX :
	     h->inherit_type) ||
	    h->__reserved2 || h->f_flags & ~CKPT_FILE_FLAGS || h->pos < 0 ||
	    (h->pipe_objref && h->type != CKPT_FILE_PIPE &&
	     h->type != CKPT_FILE_FIFO))
		goto bad;
	if (h->type == CKPT_FILE_FIFO) {
		path = ckpt_check_string(h, h->h.len, sizeof(*h), h->path_len);
		if (!path || path[0] != '/' || h->inherit_fd || h->pos ||
		    h->rdev || h->h.len != ALIGN(sizeof(*h) + h->path_len, 8) ||
		    h->f_flags & ~(O_ACCMODE | O_NONBLOCK | O_LARGEFILE) ||
		    (h->f_flags & O_ACCMODE) == O_ACCMODE)
			goto bad;
		file = ckpt_open_fifo(ctx, h, path);
		if (IS_ERR(file)) {
			ret = PTR_ERR(file);
			goto out;
		}
		ret = ckpt_obj_insert(ctx, file, h->objref, CKPT_OBJ_FILE);
		fput(file);
		goto out;
	}
	if (h->type == CKPT_FILE_PIPE) {
		struct ckpt_rpipe *rp;
		int end;

		if (h->path_len || h->pos || h->rdev || h->inherit_fd ||
		    h->h.len != sizeof(*h) ||
		    h->f_flags & ~(O_ACCMODE | O_NONBLOCK | O_LARGEFILE))
			goto bad;
		switch (h->f_flags & O_ACCMODE) {
		case O_RDONLY:
			end = 0;
			break;
		case O_WRONLY:
			end = 1;
			break;
		default:
			goto bad;
		}
		rp = ckpt_obj_fetch(ctx, h->pipe_objref, CKPT_OBJ_RPIPE);
		if (IS_ERR(rp)) {
			ret = PTR_ERR(rp);
			goto out;
		}
		if (rp->used[end])
			goto bad;
		rp->used[end] = true;
		file = rp->end[end];
		spin_lock(&file->f_lock);
		file->f_flags = (file->f_flags & ~O_NONBLOCK) |
				(h->f_flags & O_NONBLOCK);
		spin_unlock(&file->f_lock);
		ret = ckpt_obj_insert(ctx, file, h->objref, CKPT_OBJ_FILE);
		goto out;
	}
	if (h->type == CKPT_FILE_INHERITED) {
		if (h->path_len || h->pos || h->rdev ||
		    h->h.len != sizeof(*h) || h->inherit_fd >= CKPT_MAX_FDS)
			goto bad;
		file = ckpt_inherited_file(ctx, h);
		if (IS_ERR(file)) {
			ret = PTR_ERR(file);
			goto out;
		}
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
 *
 * Return: 0 with the fds staged in ctx->rs, -EINVAL for a malformed
 * record, a bad entry or an objref that names no FILE record, -ENOMEM, or
 * an error of reading the image.
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
	ret = 0;
out:
	kvfree(h);
	return ret;
}

/**
 * restore_files_commit() - make current's fd table the image's
 * @ctx: restart context
 * @rs: the process's staged state
 *
 * Runs after unshare_files(), so no other task sees the changes. Every fd
 * the image does not have is closed.
 *
 * Return: 0, or the negative errno of replace_fd() (-ENOMEM when the fd
 * table cannot grow, ...); the fds before the failing one are then
 * already replaced.
 */
int restore_files_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
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
