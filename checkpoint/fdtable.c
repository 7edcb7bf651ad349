// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fd table, and what every open file has.
 *
 * Each open file is saved by the entry of its type in ckpt_file_ops[]:
 * the first whose match() takes the file (and whose classify() decides
 * how, for a family with several ways of being saved) writes the records
 * that follow the FILE record, and on restart reads them back and gives
 * the file. This file writes and reads the FILE record itself (objref,
 * type, status flags, offset) and the FDTABLE. A file no type takes fails
 * the checkpoint with -EOPNOTSUPP and a log line naming it.
 *
 * A struct file behind several fds is one FILE record (one objref), so
 * dup'ed fds share one open file description again after restart.
 */
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/magic.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include "internal.h"

/* one entry per enum ckpt_file_type, tried in this order */
static const struct ckpt_file_ops *const ckpt_file_ops[] = {
	[CKPT_FILE_REG] = &ckpt_reg_file_ops,
	[CKPT_FILE_DIR] = &ckpt_dir_file_ops,
	[CKPT_FILE_CHR] = &ckpt_chr_file_ops,
	[CKPT_FILE_INHERITED] = &ckpt_inherited_file_ops,
	[CKPT_FILE_PIPE] = &ckpt_pipe_file_ops,
	[CKPT_FILE_FIFO] = &ckpt_fifo_file_ops,
	[CKPT_FILE_EVENTFD] = &ckpt_eventfd_file_ops,
	[CKPT_FILE_EPOLL] = &ckpt_epoll_file_ops,
	[CKPT_FILE_SIGNALFD] = &ckpt_signalfd_file_ops,
	[CKPT_FILE_TIMERFD] = &ckpt_timerfd_file_ops,
	[CKPT_FILE_INOTIFY] = &ckpt_inotify_file_ops,
	[CKPT_FILE_UNIX] = &ckpt_unix_file_ops,
	[CKPT_FILE_MEMFD] = &ckpt_memfd_file_ops,
	[CKPT_FILE_DELETED] = &ckpt_deleted_file_ops,
	[CKPT_FILE_PIDFD] = &ckpt_pidfd_file_ops,
	[CKPT_FILE_PROC] = &ckpt_proc_file_ops,
	[CKPT_FILE_INET] = &ckpt_inet_file_ops,
};

static_assert(ARRAY_SIZE(ckpt_file_ops) == CKPT_FILE_MAX);

/**
 * ckpt_file_ops_of() - the ops of a file type
 * @type: a CKPT_FILE_* type, checked to be one
 *
 * Return: its entry of ckpt_file_ops[].
 */
const struct ckpt_file_ops *ckpt_file_ops_of(u32 type)
{
	return ckpt_file_ops[type];
}

/**
 * ckpt_file_ops_check() - boot-time check that every type has its ops
 */
void __init ckpt_file_ops_check(void)
{
	int i;

	for (i = 1; i < CKPT_FILE_MAX; i++)
		WARN_ON_ONCE(!ckpt_file_ops[i] || !ckpt_file_ops[i]->name ||
			     !ckpt_file_ops[i]->restore ||
			     (ckpt_file_ops[i]->match &&
			      !ckpt_file_ops[i]->checkpoint) ||
			     !ckpt_file_ops[i]->checkpoint_late !=
			     !ckpt_file_ops[i]->restore_late);
}

/*
 * The entry of a type whose family is compiled out: no file of it can
 * exist to checkpoint, and an image with one cannot be restored here.
 */
static struct file *ckpt_absent_restore(struct ckpt_ctx *ctx,
					const struct ckpt_hdr_file *h)
{
	ckpt_log(ctx, -EOPNOTSUPP,
		 "file record %u: type %u is not built into this kernel",
		 h->objref, h->type);
	return ERR_PTR(-EOPNOTSUPP);
}

const struct ckpt_file_ops ckpt_absent_file_ops = {
	.name = "file type not built in",
	.restore = ckpt_absent_restore,
};

/* a FILE record is written by checkpoint_file() and read by restore_file() */
const struct ckpt_obj_ops ckpt_file_obj_ops = {
	.name = "file",
	.grab = ckpt_obj_get_file,
	.drop = ckpt_obj_put_file,
};

/**
 * ckpt_log_unsupported() - log "fd N of pid P: NAME @what"
 * @ctx: checkpoint context
 * @e: the fd
 * @what: why it cannot be saved
 *
 * Return: -EOPNOTSUPP.
 */
int ckpt_log_unsupported(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
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
 * Families no type takes, refused with more than "not supported yet": by
 * the name of their anonymous inode.
 */
static const struct {
	const char *name;
	const char *why;
} ckpt_refused_anon[] = {
	{
		.name = "[fanotify]",
		/* marks on mounts and filesystems, permission events */
		.why = "is a fanotify instance: not supported",
	},
};

static int ckpt_refuse_file(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct dentry *d = e->file->f_path.dentry;
	int i;

	if (e->file->f_mode & FMODE_PATH)
		return ckpt_log_unsupported(ctx, e,
					    "is an O_PATH descriptor of neither a regular file, a directory nor a mem device: not supported yet");
	if (d->d_sb->s_magic == ANON_INODE_FS_MAGIC)
		for (i = 0; i < ARRAY_SIZE(ckpt_refused_anon); i++)
			if (!strcmp(d->d_name.name, ckpt_refused_anon[i].name))
				return ckpt_log_unsupported(ctx, e,
							    ckpt_refused_anon[i].why);
	return ckpt_log_unsupported(ctx, e, "is not supported yet");
}

/*
 * Decide how @e is saved: the first type whose match() takes it, refined
 * by its classify(). An O_PATH descriptor only goes to a type that keeps
 * O_PATH. The status flags must be ones the type keeps.
 */
static int ckpt_classify_file(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct file *file = e->file;
	const struct ckpt_file_ops *ops;
	u32 extra;
	int i, ret;

	for (i = 1; i < CKPT_FILE_MAX; i++) {
		ops = ckpt_file_ops[i];
		if (!ops->match || !ops->match(file) ||
		    (file->f_mode & FMODE_PATH && !(ops->f_flags & O_PATH)))
			continue;
		e->type = i;
		e->inherit = 0;
		ret = ops->classify ? ops->classify(ctx, e) : 0;
		if (ret)
			return ret;
		ops = ckpt_file_ops[e->type];
		extra = file->f_flags & CKPT_FILE_FLAGS & ~ops->f_flags;
		if (extra) {
			char what[96];

			snprintf(what, sizeof(what),
				 "has status flags %#x that a %s does not keep: not supported yet",
				 extra, ops->name);
			return ckpt_log_unsupported(ctx, e, what);
		}
		return 0;
	}
	return ckpt_refuse_file(ctx, e);
}

/**
 * struct ckpt_late_file - a file whose late record is due
 * @file:	the file (the object hash holds it)
 * @type:	its CKPT_FILE_* type
 * @data:	the type's, for the record
 */
struct ckpt_late_file {
	struct file *file;
	u32 type;
	void *data;
};

static void ckpt_late_data_free(u32 type, void *data)
{
	if (data && ckpt_file_ops[type]->late_free)
		ckpt_file_ops[type]->late_free(data);
}

/**
 * ckpt_file_late_due() - a late record is due for a file
 * @ctx: checkpoint or restart context
 * @file: the file, saved or restored (the object hash holds it)
 * @type: its CKPT_FILE_* type, which has a late record
 * @objref: its FILE record
 * @data: the type's, for its checkpoint_late() or its restore_late()
 *	  (from ckpt_file_late_take()), or NULL; freed with the type's
 *	  late_free() if the record never comes, and on failure here
 *
 * Called by fdtable.c for every file of a type, or by the type's own
 * checkpoint() and restore() for the files that have one when the type
 * has late_if_due.
 *
 * Return: 0, -EBUSY when one is due already, or -ENOMEM.
 */
int ckpt_file_late_due(struct ckpt_ctx *ctx, struct file *file, u32 type,
		       u32 objref, void *data)
{
	struct ckpt_late_file *l = kmalloc(sizeof(*l), GFP_KERNEL);
	int ret;

	if (!l) {
		ckpt_late_data_free(type, data);
		return -ENOMEM;
	}
	l->file = file;
	l->type = type;
	l->data = data;
	ret = xa_insert(&ctx->file_late, objref, l, GFP_KERNEL);
	if (ret) {
		ckpt_late_data_free(type, data);
		kfree(l);
	}
	return ret;
}

/**
 * ckpt_free_file_late() - drop the late records still due
 * @ctx: context
 */
void ckpt_free_file_late(struct ckpt_ctx *ctx)
{
	struct ckpt_late_file *l;
	unsigned long i;

	xa_for_each(&ctx->file_late, i, l) {
		ckpt_late_data_free(l->type, l->data);
		kfree(l);
	}
	xa_destroy(&ctx->file_late);
}

/* The FILE record of @e, then the records of its type. */
static int checkpoint_file(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	const struct ckpt_file_ops *ops = ckpt_file_ops[e->type];
	struct ckpt_hdr_file h = {
		.objref = e->objref,
		.type = e->type,
		.f_flags = e->file->f_flags & ops->f_flags,
		.pos = ops->seekable ? e->file->f_pos : 0,
	};
	int ret;

	ret = ckpt_file_owner(ctx, e, &h);
	if (ret)
		return ret;
	/* a file reopened by path: its INODE record comes first */
	if (ops->by_path) {
		ret = ckpt_inode_ref(ctx, e->file);
		if (ret < 0)
			return ret;
		h.inode_objref = ret;
	}
	ret = ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE, sizeof(h));
	if (!ret)
		ret = ops->checkpoint(ctx, e);
	if (!ret && ops->checkpoint_late && !ops->late_if_due)
		ret = ckpt_file_late_due(ctx, e->file, e->type, e->objref,
					 NULL);
	return ret;
}

/*
 * Classify @e and write its FILE record at the file's first use; its
 * objref in @e. Every fd is classified (the log names the fd that cannot
 * be saved), but a file is written once.
 */
static int ckpt_emit_file(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	bool first;
	int ret;

	ret = ckpt_classify_file(ctx, e);
	if (ret)
		return ret;
	ret = ckpt_obj_lookup_add(ctx, e->file, CKPT_OBJ_FILE, &first);
	if (ret < 0)
		return ret;
	e->objref = ret;
	return first ? checkpoint_file(ctx, e) : 0;
}

/**
 * ckpt_file_ref() - the objref of a file another file refers to
 * @ctx: checkpoint context
 * @file: the file referred to (an epoll item's target...)
 * @fd: the fd number it is known under there, for log lines
 *
 * A file not written yet is written now, the way the fd table writes its
 * files: it must be a file of the tree (in an fd table or mapped),
 * classified like any other.
 *
 * Return: the objref (> 0), -EOPNOTSUPP (with a log line) for a file
 * outside the tree or one that cannot be saved, or the errors of writing
 * a file (see checkpoint_files()).
 */
int ckpt_file_ref(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct ckpt_fd_ent e = { .fd = fd, .file = file };
	int ret;

	ret = ckpt_obj_lookup(ctx, file, CKPT_OBJ_FILE);
	if (ret)
		return ret;
	if (!ckpt_file_in_tree(ctx, file))
		return ckpt_log_unsupported(ctx, &e,
					    "is held by no process of the tree (only by a process outside, or in flight): not supported");
	ret = ckpt_classify_file(ctx, &e);
	/* the restarter's fd of that number would be another file */
	if (!ret && e.type == CKPT_FILE_INHERITED)
		ret = ckpt_log_unsupported(ctx, &e,
					   "leads outside the tree and is not in this process's fd table: not supported yet");
	if (!ret)
		ret = ckpt_emit_file(ctx, &e);
	return ret ?: e.objref;
}

/*
 * Once the task's files are written: the late records due, oldest first,
 * until none is left (writing one may make another due).
 */
static int ckpt_write_late(struct ckpt_ctx *ctx)
{
	struct ckpt_late_file *l;
	unsigned long objref;
	int ret = 0;

	while (!ret) {
		objref = 0;
		l = xa_find(&ctx->file_late, &objref, ULONG_MAX, XA_PRESENT);
		if (!l)
			break;
		xa_erase(&ctx->file_late, objref);
		ret = ckpt_file_ops[l->type]->checkpoint_late(ctx, l->file,
							      objref, l->data);
		kfree(l);
	}
	return ret;
}

/**
 * ckpt_file_late_take() - restart: the file a late record is for
 * @ctx: restart context
 * @objref: the record's objref
 * @ops: the type whose record it is
 * @data: set to the data its restore() gave ckpt_file_late_due(), which
 *	  the caller frees, or NULL (for a type without any)
 *
 * Return: the file (the object hash holds it), or ERR_PTR(-EINVAL) with
 * a log line when @objref names no file of that type whose late record
 * is still due (none, another type's, or one read already).
 */
struct file *ckpt_file_late_take(struct ckpt_ctx *ctx, u32 objref,
				 const struct ckpt_file_ops *ops, void **data)
{
	struct ckpt_late_file *l = xa_load(&ctx->file_late, objref);
	struct file *file;

	if (!l || ckpt_file_ops[l->type] != ops) {
		ckpt_log(ctx, -EINVAL, "%s record for objref %u: no such %s",
			 ckpt_rec_name(ops->late_rec_type), objref, ops->name);
		return ERR_PTR(-EINVAL);
	}
	xa_erase(&ctx->file_late, objref);
	file = l->file;
	if (data)
		*data = l->data;
	else
		ckpt_late_data_free(l->type, l->data);
	kfree(l);
	return file;
}

static void ckpt_put_fds(struct ckpt_fd_ent *fds, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		fput(fds[i].file);
	kvfree(fds);
}

/**
 * ckpt_next_file() - the open file of @t at @fd or the next one above
 * @t: the task
 * @fd: where to start; set to the fd found
 *
 * Return: the file, referenced, or NULL when there is none above.
 */
struct file *ckpt_next_file(struct task_struct *t, unsigned int *fd)
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
 * checkpoint_files() - write the FILE records of @t's files, then FDTABLE
 * @ctx: checkpoint context
 * @t: the task
 *
 * Each file is written at its first use, with the records of its type;
 * the late records of the files that have one (an epoll set's items)
 * follow once all are written.
 *
 * Return: 0, -EBUSY for a terminal, pipe or socket that leads outside the
 * tree (a leak), -EOPNOTSUPP for a file that cannot be saved yet (both
 * with a log line), -ENOSPC when the object hash is full, -ENOMEM, or an
 * error of a type's checkpoint (reading a pipe's buffers...) or of
 * writing the image.
 */
int checkpoint_files(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_fdtable h = {};
	struct ckpt_file_lock *locks = NULL;
	struct ckpt_fd_ent *fds;
	struct ckpt_fd *ents;
	unsigned int i, nr;
	int ret;

	ret = ckpt_collect_fds(ctx, t, &fds, &nr);
	if (ret)
		return ret;
	ents = kvcalloc(nr ?: 1, sizeof(*ents), GFP_KERNEL);
	if (!ents) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nr && !ret; i++) {
		ret = ckpt_emit_file(ctx, &fds[i]);
		ents[i].fd = fds[i].fd;
		ents[i].objref = fds[i].objref;
		ents[i].flags = fds[i].cloexec ? CKPT_FD_CLOEXEC : 0;
	}
	if (!ret)
		ret = ckpt_write_late(ctx);
	if (!ret) {
		ret = checkpoint_locks(ctx, t, fds, nr, &locks);
		h.nr_locks = max(ret, 0);
	}
	if (ret >= 0) {
		h.nr_fds = nr;
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_FDTABLE,
					  sizeof(h), ents, nr * sizeof(*ents));
	}
	if (!ret && h.nr_locks)
		ret = checkpoint_write_locks(ctx, locks, h.nr_locks);
out:
	kvfree(locks);
	kvfree(ents);
	ckpt_put_fds(fds, nr);
	return ret;
}

/*
 * restore_file() - read a FILE record and open the file it describes
 *
 * The common part is checked here, the type's own records by the type's
 * restore(); the file goes into the object hash under the record's
 * objref. Errors: -EINVAL for a malformed record or a bad objref, else
 * those of the type (each listed where it is restored).
 */
static int restore_file(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	const struct ckpt_file_ops *ops;
	struct ckpt_hdr_file h;
	struct file *file;
	u32 async;
	int ret;

	ret = ckpt_read_payload_ext(ctx, hdr, &h, sizeof(h));
	if (ret)
		return ret;
	if (h.type == 0 || h.type >= CKPT_FILE_MAX ||
	    (h.inode_objref && !ckpt_file_ops[h.type]->by_path) ||
	    h.pos < 0 || h.objref == 0 || h.objref > CKPT_MAX_OBJS ||
	    xa_load(&ctx->objhash.by_ref, h.objref)) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed", h.objref);
		return -EINVAL;
	}
	ops = ckpt_file_ops[h.type];
	async = h.f_flags & FASYNC;
	if (h.f_flags & ~(ops->f_flags | FASYNC) ||
	    (h.pos && !ops->seekable)) {
		ckpt_log(ctx, -EINVAL, "file record %u: flags %#x or offset not of a %s",
			 h.objref, h.f_flags, ops->name);
		return -EINVAL;
	}
	ret = ckpt_check_owner(ctx, &h);
	if (ret)
		return ret;
	/* O_ASYNC is set as F_SETFL sets it, by ckpt_restore_owner() */
	h.f_flags &= ~FASYNC;
	file = ops->restore(ctx, &h);
	if (IS_ERR(file))
		return PTR_ERR(file);
	h.f_flags |= async;
	ret = ckpt_restore_owner(ctx, &h, file);
	if (ret) {
		if (file)
			fput(file);
		return ret;
	}
	ret = ckpt_obj_insert(ctx, file, h.objref, CKPT_OBJ_FILE);
	if (!ret && file && ops->restore_late && !ops->late_if_due)
		ret = ckpt_file_late_due(ctx, file, h.type, h.objref, NULL);
	if (file)
		fput(file);
	return ret;
}

/**
 * struct ckpt_fd_await - restart: an fd whose file is made once every task
 *			  exists
 * @fd:		the fd, which holds the stand-in until then
 * @cloexec:	its close-on-exec flag
 * @stand_in:	the stand-in (ckpt_file_awaits_tree())
 */
struct ckpt_fd_await {
	unsigned int fd;
	bool cloexec;
	struct file *stand_in;
};

static int ckpt_fd_await_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_fd_await *a = data;
	struct file *file;
	int ret;

	file = ckpt_file_from_tree(ctx, a->stand_in);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = replace_fd(a->fd, file, a->cloexec ? O_CLOEXEC : 0);
	fput(file);
	return ret < 0 ? ret : 0;
}

static void ckpt_fd_await_release(void *data)
{
	struct ckpt_fd_await *a = data;

	fput(a->stand_in);
	kfree(a);
}

/* Put the file in place of @s's stand-in once every task exists */
static int ckpt_fd_await(struct ckpt_ctx *ctx, const struct ckpt_fd_slot *s)
{
	struct ckpt_fd_await *a = kmalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return -ENOMEM;
	a->fd = s->fd;
	a->cloexec = s->cloexec;
	a->stand_in = get_file(s->file);
	return ckpt_after_tree_add(ctx, ckpt_fd_await_run,
				   ckpt_fd_await_release, a);
}

/*
 * restore_fdtable() - read the FDTABLE record and stage the fds, then
 * read the LOCKS record that follows when the table has locks
 *
 * fd numbers must increase, stay below the image's RLIMIT_NOFILE, and
 * name FILE records read before. Errors: -EINVAL for a malformed record,
 * a bad entry or an objref that names no FILE record, -ENOMEM, or those
 * of restore_locks() (-EBUSY for a lock another process holds...).
 */
static int restore_fdtable(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
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
	if (h->nr_fds > CKPT_MAX_FDS || h->nr_locks > CKPT_MAX_LOCKS ||
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
		if (file && ckpt_file_awaits_tree(file)) {
			ret = ckpt_fd_await(ctx, &rs->fds[i]);
			if (ret)
				goto out;
		}
	}
	ret = h->nr_locks ? restore_locks(ctx, h->nr_locks) : 0;
out:
	kvfree(h);
	return ret;
}

/**
 * restore_files() - read a process's FILE records and its FDTABLE
 * @ctx: restart context
 *
 * Each file's records, then the late records of those that have one (an
 * epoll set's items), then the FDTABLE.
 *
 * Return: 0 with the fds staged in ctx->rs, -EINVAL (with a log line) for
 * a record out of place, a malformed one or a bad objref, -EBADF for
 * an inherited file the restarter has no fd for, -EBUSY for a named FIFO
 * in use or a file lock another process holds, the errno of opening a
 * file or making a pipe (-ENOENT, -EACCES, -EPERM...), -ENOMEM, or an
 * error of reading the image.
 */
int restore_files(struct ckpt_ctx *ctx)
{
	const struct ckpt_file_ops *ops;
	struct ckpt_late_file *l;
	unsigned long objref = 0;
	struct ckpt_hdr h;
	int i, ret;

	for (;;) {
		ret = ckpt_read_hdr(ctx, &h);
		if (ret)
			return ret;
		if (h.type == CKPT_HDR_FDTABLE)
			break;
		/* the INODE record of a file by path comes before its FILE */
		if (h.type == CKPT_HDR_INODE) {
			ret = ckpt_restore_inode(ctx, &h);
			if (ret)
				return ret;
			continue;
		}
		if (h.type == CKPT_HDR_FILE) {
			ret = restore_file(ctx, &h);
			if (ret)
				return ret;
			continue;
		}
		for (i = 1, ops = NULL; i < CKPT_FILE_MAX && !ops; i++)
			if (ckpt_file_ops[i]->restore_late &&
			    ckpt_file_ops[i]->late_rec_type == h.type)
				ops = ckpt_file_ops[i];
		if (!ops) {
			ckpt_log(ctx, -EINVAL,
				 "expected a file or fdtable record, found %s",
				 ckpt_rec_name(h.type));
			return -EINVAL;
		}
		ret = ops->restore_late(ctx, &h);
		if (ret)
			return ret;
	}
	/* every late record of the task's files came before its fd table */
	l = xa_find(&ctx->file_late, &objref, ULONG_MAX, XA_PRESENT);
	if (l) {
		ckpt_log(ctx, -EINVAL, "file record %lu: no %s record before the fdtable",
			 objref, ckpt_rec_name(ckpt_file_ops[l->type]->late_rec_type));
		return -EINVAL;
	}
	return restore_fdtable(ctx, &h);
}

/**
 * restore_files_commit() - make current's fd table the image's
 * @ctx: restart context
 * @rs: the process's staged state
 *
 * Runs after unshare_files(), so no other task sees the changes. Every fd
 * the image does not have is closed. Then what was to be done once the
 * fds are in (ckpt_after_fds_add()) is done, in order.
 *
 * Return: 0, the negative errno of replace_fd() (-ENOMEM when the fd
 * table cannot grow, ...) - the fds before the failing one are then
 * already replaced - or the first error of what was to be done.
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
	return ckpt_deferred_run(ctx, rs->after_fds);
}
