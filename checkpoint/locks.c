// SPDX-License-Identifier: GPL-2.0-only
/*
 * File locks, leases and the owner of a file's signals.
 *
 * The locks of the tree are saved with each fd table, in a LOCKS record
 * after its FDTABLE: the POSIX (fcntl) locks the process holds on the
 * inodes of its files, and the flock() and OFD locks of its open files
 * (an open file shared by several tables is listed by each: taking a lock
 * its owner already holds changes nothing). Restart tests every lock
 * against the locks of the restarting system before the point of no
 * return, so that one another process took meanwhile fails the restart
 * cleanly, and takes them in the restored process once its fd table is
 * in place, before any task of the tree runs: a POSIX lock then belongs
 * to that process, and reports its pid.
 *
 * Refused with a line naming the file: a lease; a flock() or OFD lock on
 * an open file the tree also maps (the mapping would keep the lock after
 * the last close, and restart reopens a mapping's file on its own); a
 * lock on anything but a regular file or a directory; a POSIX lock that
 * another process sharing the fd table took; the O_ASYNC, owner or
 * signal of a file only mapped (an fd's are saved: owner.c).
 */
#include <linux/fs.h>
#include <linux/filelock.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/mm.h>
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

/*
 * What of @file's state cannot be saved, or NULL; @flight: the tree has
 * it only in flight (SCM_RIGHTS), with no fd to save its locks with
 */
static const char *ckpt_file_lock_kind(struct ckpt_ctx *ctx, struct file *file,
				       bool mapped, bool flight)
{
	struct file_lock_context *flctx;
	struct file_lock_core *flc;
	const char *kind = NULL;

	flctx = locks_inode_context(file_inode(file));
	if (!flctx)
		return NULL;
	spin_lock(&flctx->flc_lock);
	list_for_each_entry(flc, &flctx->flc_lease, flc_list)
		if (ckpt_lock_of_tree(ctx, file, flc)) {
			kind = "a lease (F_SETLEASE)";
			goto out;
		}
	if (!mapped && !flight)
		goto out;
	list_for_each_entry(flc, &flctx->flc_flock, flc_list)
		if (flc->flc_file == file) {
			kind = flight ?
			       "a flock() lock on a file only in flight (SCM_RIGHTS)" :
			       "a flock() lock on a file the tree also maps";
			goto out;
		}
	list_for_each_entry(flc, &flctx->flc_posix, flc_list)
		if (flc->flc_flags & FL_OFDLCK && flc->flc_file == file) {
			kind = flight ?
			       "an OFD lock (F_OFD_SETLK) on a file only in flight (SCM_RIGHTS)" :
			       "an OFD lock (F_OFD_SETLK) on a file the tree also maps";
			goto out;
		}
out:
	spin_unlock(&flctx->flc_lock);
	return kind;
}

/* An owner and signal are saved with an fd's FILE record (owner.c) */
static const char *ckpt_file_owner_kind(struct file *file, bool in_fds)
{
	struct fown_struct *fown = file_f_owner(file);
	const char *kind = NULL;

	if (in_fds)
		return NULL;
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
 * ckpt_check_file_state() - refuse a file with state that is not saved
 * @ctx: checkpoint context, with the tree collected
 * @file: a file the tree holds (in an fd table, a mapping, or in flight)
 * @mapped: whether a mapping of the tree holds it
 * @in_fds: whether an fd table of the tree holds it (neither: only in
 *	    flight in a unix socket's queue)
 *
 * A lease, a flock() or OFD lock of a file the tree maps or has only in
 * flight, and the O_ASYNC, owner and signal of a file without an fd are
 * refused; the other
 * locks are saved with the fd tables (checkpoint_locks()), an fd's
 * O_ASYNC, owner and signal with its FILE record (ckpt_file_owner()).
 *
 * Return: 0, or -EOPNOTSUPP with a log line naming the file and what it
 * carries.
 */
int ckpt_check_file_state(struct ckpt_ctx *ctx, struct file *file,
			  bool mapped, bool in_fds)
{
	const char *kind;
	char *buf, *name;

	kind = ckpt_file_lock_kind(ctx, file, mapped, !mapped && !in_fds) ?:
	       ckpt_file_owner_kind(file, in_fds);
	if (!kind)
		return 0;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	name = buf ? d_path(&file->f_path, buf, PATH_MAX) : NULL;
	ckpt_log(ctx, -EOPNOTSUPP, "%s: %s is not supported yet",
		 IS_ERR_OR_NULL(name) ? "a file" : name, kind);
	kfree(buf);
	return -EOPNOTSUPP;
}

static void ckpt_lock_of(struct ckpt_file_lock *l, unsigned int fd, u16 kind,
			 struct file_lock_core *flc)
{
	struct file_lock *fl = container_of(flc, struct file_lock, c);

	l->fd = fd;
	l->kind = kind;
	l->type = flc->flc_type;
	if (kind == CKPT_LOCK_FLOCK) {
		l->start = 0;
		l->len = 0;
		return;
	}
	l->start = fl->fl_start;
	l->len = fl->fl_end == OFFSET_MAX ? 0 : fl->fl_end - fl->fl_start + 1;
}

/*
 * The fd of @fds, from @i on, through which a POSIX lock of @type on
 * @inode can be taken again: on that inode, open for reading (F_RDLCK) or
 * writing (F_WRLCK). The file the lock was taken through is such an fd
 * (closing it would have dropped the lock), so one is always found.
 */
static int ckpt_posix_lock_fd(const struct ckpt_fd_ent *fds, unsigned int nr,
			      unsigned int i, struct inode *inode, int type)
{
	fmode_t need = type == F_RDLCK ? FMODE_READ : FMODE_WRITE;

	for (; i < nr; i++)
		if (file_inode(fds[i].file) == inode &&
		    fds[i].file->f_mode & need)
			return fds[i].fd;
	return -1;
}

/*
 * The locks to save for fd @i of @fds (@nr fds, the fd table of @t) into
 * @out, up to @max of them (only counted with @out NULL): the flock() and
 * OFD locks of its file at the file's first fd, the POSIX locks of @t on
 * its inode at the inode's first fd (each through an fd that can take it
 * again). Sets *@foreign when a POSIX lock of the table was taken by
 * another process, *@no_fd when one cannot be taken again through any fd.
 */
static unsigned int ckpt_fd_locks(struct task_struct *t,
				  const struct ckpt_fd_ent *fds, unsigned int nr,
				  unsigned int i, struct ckpt_file_lock *out,
				  unsigned int max, bool *foreign, bool *no_fd)
{
	struct file *file = fds[i].file;
	struct inode *inode = file_inode(file);
	fl_owner_t owner = (fl_owner_t)t->files;
	bool first_file = true, first_inode = true;
	struct file_lock_context *flctx;
	struct file_lock_core *flc;
	unsigned int j, n = 0;

	flctx = locks_inode_context(inode);
	if (!flctx || (list_empty(&flctx->flc_flock) &&
		       list_empty(&flctx->flc_posix)))
		return 0;
	for (j = 0; j < i; j++) {
		if (fds[j].file == file)
			first_file = false;
		if (file_inode(fds[j].file) == inode)
			first_inode = false;
	}
	spin_lock(&flctx->flc_lock);
	list_for_each_entry(flc, &flctx->flc_flock, flc_list)
		if (first_file && flc->flc_file == file) {
			if (out && n < max)
				ckpt_lock_of(&out[n], fds[i].fd,
					     CKPT_LOCK_FLOCK, flc);
			n++;
		}
	list_for_each_entry(flc, &flctx->flc_posix, flc_list) {
		int fd = fds[i].fd;
		u16 kind;

		if (flc->flc_flags & FL_OFDLCK) {
			if (!first_file || flc->flc_file != file)
				continue;
			kind = CKPT_LOCK_OFD;
		} else {
			if (!first_inode || flc->flc_owner != owner)
				continue;
			fd = ckpt_posix_lock_fd(fds, nr, i, inode,
						flc->flc_type);
			*foreign |= flc->flc_pid != task_tgid_nr(t);
			*no_fd |= fd < 0;
			kind = CKPT_LOCK_POSIX;
		}
		if (out && n < max)
			ckpt_lock_of(&out[n], fd, kind, flc);
		n++;
	}
	spin_unlock(&flctx->flc_lock);
	return n;
}

static const char *ckpt_lock_name(u16 kind)
{
	if (kind == CKPT_LOCK_FLOCK)
		return "a flock() lock";
	if (kind == CKPT_LOCK_POSIX)
		return "a POSIX lock (F_SETLK)";
	return "an OFD lock (F_OFD_SETLK)";
}

/**
 * checkpoint_locks() - the locks held through an fd table
 * @ctx: checkpoint context
 * @t: the process whose fd table it is
 * @fds: its fds, classified, in fd order
 * @nr: how many
 * @locks: set to a kvmalloc'ed array of the locks, or NULL for none
 *
 * Return: the number of locks (at most CKPT_MAX_LOCKS), or -EOPNOTSUPP
 * with a log line for a lock on a file that is neither a regular file
 * nor a directory, a POSIX lock another process sharing the table took,
 * or too many locks; -EAGAIN when the locks changed while being read
 * (by a process outside the tree sharing a file), -ENOMEM.
 */
int checkpoint_locks(struct ckpt_ctx *ctx, struct task_struct *t,
		     struct ckpt_fd_ent *fds, unsigned int nr,
		     struct ckpt_file_lock **locks)
{
	struct ckpt_file_lock *out;
	unsigned int i, n, total = 0;
	bool foreign = false, no_fd = false;

	*locks = NULL;
	for (i = 0; i < nr; i++) {
		n = ckpt_fd_locks(t, fds, nr, i, NULL, 0, &foreign, &no_fd);
		if (!n)
			continue;
		if (foreign)
			return ckpt_log_unsupported(ctx, &fds[i],
						    "carries a POSIX lock (F_SETLK) another process sharing its fd table took: not supported yet");
		if (no_fd)
			return ckpt_log_unsupported(ctx, &fds[i],
						    "carries a POSIX lock (F_SETLK) that no fd of the process could take again: not supported");
		if (fds[i].type != CKPT_FILE_REG &&
		    fds[i].type != CKPT_FILE_DIR) {
			struct ckpt_file_lock l;
			char what[128];

			ckpt_fd_locks(t, fds, nr, i, &l, 1, &foreign, &no_fd);
			snprintf(what, sizeof(what),
				 "carries %s: only the locks of regular files and directories are saved",
				 ckpt_lock_name(l.kind));
			return ckpt_log_unsupported(ctx, &fds[i], what);
		}
		total += n;
	}
	if (!total)
		return 0;
	if (total > CKPT_MAX_LOCKS) {
		ckpt_log(ctx, -EOPNOTSUPP, "pid %d holds more than %u file locks: not supported",
			 ctx->cur->pids.pid, CKPT_MAX_LOCKS);
		return -EOPNOTSUPP;
	}
	out = kvcalloc(total, sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	for (i = 0, n = 0; i < nr && n <= total; i++)
		n += ckpt_fd_locks(t, fds, nr, i, out + n, total - n,
				   &foreign, &no_fd);
	if (n != total) {
		kvfree(out);
		ckpt_log(ctx, -EAGAIN, "pid %d: its file locks changed while being saved",
			 ctx->cur->pids.pid);
		return -EAGAIN;
	}
	*locks = out;
	return total;
}

/**
 * checkpoint_write_locks() - write the LOCKS record after an FDTABLE
 * @ctx: checkpoint context
 * @locks: what checkpoint_locks() found
 * @nr: how many, > 0
 *
 * Return: 0 or an error of writing the image.
 */
int checkpoint_write_locks(struct ckpt_ctx *ctx,
			   const struct ckpt_file_lock *locks, unsigned int nr)
{
	struct ckpt_hdr_locks h = { .nr_locks = nr };

	return ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_LOCKS, sizeof(h),
				   locks, nr * sizeof(*locks));
}

/*
 * The checks of one saved lock that depend on nothing else: its kind and
 * type known, flock() without a range, a range within the offsets a
 * lock can cover.
 */
static bool ckpt_lock_ok(const struct ckpt_file_lock *l)
{
	if (l->type != F_RDLCK && l->type != F_WRLCK)
		return false;
	switch (l->kind) {
	case CKPT_LOCK_FLOCK:
		return !l->start && !l->len;
	case CKPT_LOCK_POSIX:
	case CKPT_LOCK_OFD:
		return l->start >= 0 && l->len >= 0 &&
		       (!l->len || l->len - 1 <= OFFSET_MAX - l->start);
	}
	return false;
}

/* "a POSIX write lock on bytes 0-9", "a flock() exclusive lock" */
static void ckpt_lock_desc(char *buf, size_t size,
			   const struct ckpt_file_lock *l)
{
	bool wr = l->type == F_WRLCK;

	if (l->kind == CKPT_LOCK_FLOCK) {
		snprintf(buf, size, "a flock() %s lock",
			 wr ? "exclusive" : "shared");
		return;
	}
	if (l->len)
		snprintf(buf, size, "%s %s lock on bytes %lld-%lld",
			 l->kind == CKPT_LOCK_POSIX ? "a POSIX" : "an OFD",
			 wr ? "write" : "read", l->start,
			 l->start + l->len - 1);
	else
		snprintf(buf, size, "%s %s lock on bytes %lld-EOF",
			 l->kind == CKPT_LOCK_POSIX ? "a POSIX" : "an OFD",
			 wr ? "write" : "read", l->start);
}

/* Log that @l on @file conflicts with @holder's lock (0: unknown) */
static void ckpt_lock_conflict(struct ckpt_ctx *ctx, struct file *file,
			       const struct ckpt_file_lock *l, pid_t holder)
{
	char desc[96], who[24] = "", *buf, *name;

	ckpt_lock_desc(desc, sizeof(desc), l);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	name = buf ? d_path(&file->f_path, buf, PATH_MAX) : NULL;
	if (holder > 0)
		snprintf(who, sizeof(who), " (pid %d)", holder);
	ckpt_log(ctx, -EBUSY,
		 "lock: fd %u (%s): %s conflicts with a lock another process holds%s",
		 l->fd, IS_ERR_OR_NULL(name) ? "?" : name, desc, who);
	kfree(buf);
}

static void ckpt_lock_flock(const struct ckpt_file_lock *l, struct flock *fl)
{
	*fl = (struct flock) {
		.l_type = l->type,
		.l_whence = SEEK_SET,
		.l_start = l->start,
		.l_len = l->len,
	};
}

/*
 * Can @l be taken on @file? A flock() lock is taken and dropped again;
 * a POSIX or OFD lock is tested as F_OFD_GETLK tests it for a new open
 * file, which conflicts with every lock of another owner.
 */
static int ckpt_lock_test(struct ckpt_ctx *ctx, struct file *file,
			  const struct ckpt_file_lock *l)
{
	struct flock fl;
	int ret;

	if (l->kind == CKPT_LOCK_FLOCK) {
		ret = kernel_flock(file, l->type, false);
		if (!ret)
			return kernel_flock(file, F_UNLCK, false);
		if (ret == -EWOULDBLOCK) {
			ckpt_lock_conflict(ctx, file, l, 0);
			return -EBUSY;
		}
		ckpt_log(ctx, ret, "lock: fd %u: flock() failed", l->fd);
		return ret;
	}
	ckpt_lock_flock(l, &fl);
	ret = fcntl_getlk(file, F_OFD_GETLK, &fl);
	if (ret) {
		ckpt_log(ctx, ret, "lock: fd %u: testing it failed", l->fd);
		return ret;
	}
	if (fl.l_type != F_UNLCK) {
		ckpt_lock_conflict(ctx, file, l, fl.l_pid);
		return -EBUSY;
	}
	return 0;
}

/**
 * struct ckpt_rlocks - restart: the locks of an fd table, to take
 * @nr:		how many
 * @files:	the file of each, referenced
 * @locks:	the locks, as read
 */
struct ckpt_rlocks {
	unsigned int nr;
	struct file **files;
	struct ckpt_file_lock *locks;
};

static void ckpt_rlocks_free(void *data)
{
	struct ckpt_rlocks *rl = data;
	unsigned int i;

	for (i = 0; i < rl->nr; i++)
		if (rl->files[i])
			fput(rl->files[i]);
	kvfree(rl->files);
	kvfree(rl->locks);
	kfree(rl);
}

/* In the restored process, its fds in place: take every lock. */
static int ckpt_rlocks_take(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_rlocks *rl = data;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < rl->nr && !ret; i++) {
		const struct ckpt_file_lock *l = &rl->locks[i];
		struct file *file = rl->files[i];
		struct flock fl;

		ckpt_lock_flock(l, &fl);
		if (l->kind == CKPT_LOCK_FLOCK)
			ret = kernel_flock(file, l->type, false);
		else
			ret = fcntl_setlk(l->fd, file, l->kind == CKPT_LOCK_OFD ?
					  F_OFD_SETLK : F_SETLK, &fl);
		if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
			ckpt_lock_conflict(ctx, file, l, 0);
			ret = -EBUSY;
		} else if (ret) {
			ckpt_log(ctx, ret, "lock: fd %u: taking it failed",
				 l->fd);
		}
	}
	return ret;
}

/* The file staged at @fd, or NULL */
static struct file *ckpt_staged_fd(struct ckpt_rstate *rs, unsigned int fd)
{
	unsigned int lo = 0, hi = rs->nr_fds;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (rs->fds[mid].fd == fd)
			return rs->fds[mid].file;
		if (rs->fds[mid].fd < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * May @l be taken through @file? On a regular file or a directory, with
 * the access mode a lock of its type needs (flock(): any but O_PATH).
 */
static bool ckpt_lock_file_ok(const struct ckpt_file_lock *l,
			      struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

	if (!S_ISREG(mode) && !S_ISDIR(mode))
		return false;
	if (l->kind == CKPT_LOCK_FLOCK)
		return file->f_mode & (FMODE_READ | FMODE_WRITE);
	return file->f_mode & (l->type == F_RDLCK ? FMODE_READ : FMODE_WRITE);
}

/**
 * restore_locks() - read the LOCKS record of the fd table just staged
 * @ctx: restart context, with the fds staged in ctx->rs
 * @nr: how many locks the FDTABLE announced, 1..CKPT_MAX_LOCKS
 *
 * Every lock is checked and, but with RESTART_VALIDATE, tested against the
 * locks held now; they are taken in the restored process once its fds are
 * in (ckpt_after_fds_add()).
 *
 * Return: 0; -EINVAL with a log line for a malformed record, a lock of
 * an unknown kind or type, a range out of bounds, an fd not in the table
 * or of a file that cannot carry that lock; -EBUSY with a line naming
 * the file and the range when another process holds a conflicting lock;
 * -ENOMEM, or an error of reading the image or of testing a lock.
 */
int restore_locks(struct ckpt_ctx *ctx, u32 nr)
{
	struct ckpt_hdr_locks *h;
	struct ckpt_rlocks *rl;
	unsigned int i;
	int ret;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_LOCKS, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->nr_locks != nr || h->__reserved ||
	    h->h.len != sizeof(*h) + nr * sizeof(struct ckpt_file_lock)) {
		ckpt_log(ctx, ret, "locks: malformed record");
		goto out_h;
	}
	ret = -ENOMEM;
	rl = kzalloc(sizeof(*rl), GFP_KERNEL);
	if (!rl)
		goto out_h;
	rl->files = kvcalloc(nr, sizeof(*rl->files), GFP_KERNEL);
	rl->locks = kvmemdup(h + 1, nr * sizeof(*rl->locks), GFP_KERNEL);
	if (!rl->files || !rl->locks)
		goto out_rl;
	for (i = 0; i < nr; i++) {
		const struct ckpt_file_lock *l = &rl->locks[i];
		struct file *file;

		ret = -EINVAL;
		if (!ckpt_lock_ok(l)) {
			ckpt_log(ctx, ret, "locks: lock %u (fd %u) is malformed",
				 i, l->fd);
			goto out_rl;
		}
		file = ckpt_staged_fd(ctx->rs, l->fd);
		if (!file || !ckpt_lock_file_ok(l, file)) {
			ckpt_log(ctx, ret, "locks: fd %u cannot carry %s",
				 l->fd, ckpt_lock_name(l->kind));
			goto out_rl;
		}
		/*
		 * RESTART_VALIDATE checks the image, not the world: the tree
		 * it was taken from may still hold these very locks.
		 */
		ret = ctx->flags & RESTART_VALIDATE ? 0 :
		      ckpt_lock_test(ctx, file, l);
		if (ret)
			goto out_rl;
		rl->files[i] = get_file(file);
		rl->nr = i + 1;
	}
	kvfree(h);
	return ckpt_after_fds_add(ctx, ckpt_rlocks_take, ckpt_rlocks_free, rl);
out_rl:
	ckpt_rlocks_free(rl);
out_h:
	kvfree(h);
	return ret;
}

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_lock_test {
	const char *desc;
	struct ckpt_file_lock l;
	bool ok;
};

static const struct ckpt_lock_test ckpt_lock_tests[] = {
	/* accepted */
	{ .desc = "flock() shared", .l = { .kind = CKPT_LOCK_FLOCK,
	  .type = F_RDLCK }, .ok = true },
	{ .desc = "flock() exclusive", .l = { .kind = CKPT_LOCK_FLOCK,
	  .type = F_WRLCK }, .ok = true },
	{ .desc = "POSIX read, bytes 0-9", .l = { .kind = CKPT_LOCK_POSIX,
	  .type = F_RDLCK, .len = 10 }, .ok = true },
	{ .desc = "POSIX write to the end", .l = { .kind = CKPT_LOCK_POSIX,
	  .type = F_WRLCK, .start = 100 }, .ok = true },
	{ .desc = "OFD write, the last byte", .l = { .kind = CKPT_LOCK_OFD,
	  .type = F_WRLCK, .start = OFFSET_MAX, .len = 1 }, .ok = true },
	{ .desc = "OFD read, every byte", .l = { .kind = CKPT_LOCK_OFD,
	  .type = F_RDLCK, .len = OFFSET_MAX }, .ok = true },
	{ .desc = "POSIX, the last byte from 1", .l = {
	  .kind = CKPT_LOCK_POSIX, .type = F_RDLCK, .start = 1,
	  .len = OFFSET_MAX }, .ok = true },
	/* refused */
	{ .desc = "kind 0", .l = { .type = F_RDLCK } },
	{ .desc = "kind past the last", .l = { .kind = CKPT_LOCK_KIND_MAX,
	  .type = F_RDLCK } },
	{ .desc = "F_UNLCK", .l = { .kind = CKPT_LOCK_POSIX,
	  .type = F_UNLCK } },
	{ .desc = "type 3", .l = { .kind = CKPT_LOCK_POSIX, .type = 3 } },
	{ .desc = "flock() with a start", .l = { .kind = CKPT_LOCK_FLOCK,
	  .type = F_WRLCK, .start = 1 } },
	{ .desc = "flock() with a length", .l = { .kind = CKPT_LOCK_FLOCK,
	  .type = F_WRLCK, .len = 1 } },
	{ .desc = "negative start", .l = { .kind = CKPT_LOCK_POSIX,
	  .type = F_WRLCK, .start = -1, .len = 1 } },
	{ .desc = "negative length", .l = { .kind = CKPT_LOCK_OFD,
	  .type = F_WRLCK, .start = 10, .len = -5 } },
	{ .desc = "past the last byte", .l = { .kind = CKPT_LOCK_POSIX,
	  .type = F_WRLCK, .start = OFFSET_MAX, .len = 2 } },
	{ .desc = "every byte from 2", .l = { .kind = CKPT_LOCK_OFD,
	  .type = F_RDLCK, .start = 2, .len = OFFSET_MAX } },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_lock, ckpt_lock_tests, desc);

static void ckpt_test_lock_ok(struct kunit *test)
{
	const struct ckpt_lock_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_lock_ok(&t->l), t->ok);
}

static struct kunit_case ckpt_locks_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_lock_ok, ckpt_lock_gen_params),
	{}
};

static struct kunit_suite ckpt_locks_test_suite = {
	.name = "ckpt_locks",
	.test_cases = ckpt_locks_test_cases,
};

kunit_test_suite(ckpt_locks_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
