// SPDX-License-Identifier: GPL-2.0-only
/*
 * The owner of an open file (F_SETOWN, F_SETOWN_EX) and its signal
 * (F_SETSIG): who gets SIGIO and SIGURG for the file, and with which
 * signal. An owner that is a process, a thread or a process group of the
 * tree is saved in the FILE record by its image pid, and set again once
 * every task exists (the owner may be a child made after the file), by
 * the restored process that reads the file first, with its credentials:
 * the ones the owner's uid and euid must be, which sigio delivery checks
 * against the receiver's. The signal is set as the record is read.
 *
 * Refused with a line: an owner outside the tree, a process group whose
 * leader is not in the tree, an owner set by a process with other ids
 * than the one that restores it, and an owner or signal on a file
 * restart does not make itself (an inherited file, a pidfd, a /proc
 * file).
 *
 * O_ASYNC puts the file on its driver's fasync list, with the fd number
 * F_SETFL was called on; SIGIO names that fd (si_fd), whichever fds the
 * file has since. The FILE record keeps O_ASYNC and that number, read
 * from the list the type names (@fasync_list: a pipe's, a socket's, an
 * inotify instance's); restart calls the file's ->fasync() with it, as
 * F_SETFL does, and sets the flag. A file whose ->fasync() list is not
 * known (a device) is refused with a line. open(O_ASYNC) sets the bare
 * flag, on no list (and F_SETFL then never puts it on one): so does
 * restart, for a file on no list or without ->fasync() (async fd -1).
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "internal.h"

/*
 * The fd number on @head's entry for @file, as kill_fasync() reads the
 * list (RCU, the entry's lock), or -ENOENT.
 */
static int ckpt_fasync_fd(struct fasync_struct **head, struct file *file)
{
	struct fasync_struct *fa;
	unsigned long flags;
	int fd = -ENOENT;

	rcu_read_lock();
	for (fa = rcu_dereference(*head); fa && fd < 0;
	     fa = rcu_dereference(fa->fa_next)) {
		read_lock_irqsave(&fa->fa_lock, flags);
		if (fa->magic == FASYNC_MAGIC && fa->fa_file == file)
			fd = fa->fa_fd;
		read_unlock_irqrestore(&fa->fa_lock, flags);
	}
	rcu_read_unlock();
	return fd;
}

/* O_ASYNC of @e into @h, or the reason it cannot be saved */
static const char *ckpt_file_async(struct ckpt_fd_ent *e,
				   struct ckpt_hdr_file *h)
{
	const struct ckpt_file_ops *ops = ckpt_file_ops_of(e->type);
	struct file *file = e->file;
	int fd;

	if (!(file->f_flags & FASYNC))
		return NULL;
	if (ops->ownerless)
		return "has O_ASYNC on a file restart does not make: not supported";
	if (file->f_op->fasync && !ops->fasync_list)
		return "has O_ASYNC on a file whose signal list is not saved: not supported yet";
	h->async_fd = -1;	/* the bare flag of open(O_ASYNC) */
	if (file->f_op->fasync) {
		fd = ckpt_fasync_fd(ops->fasync_list(file), file);
		if (fd >= 0)
			h->async_fd = fd;
	}
	h->f_flags |= FASYNC;
	return NULL;
}

/**
 * ckpt_file_owner() - checkpoint: the owner, signal and O_ASYNC of a file
 * @ctx: checkpoint context, writing the process that holds @e
 * @e: the fd, classified
 * @h: its FILE record, whose owner fields and O_ASYNC this fills
 *
 * Return: 0, or -EOPNOTSUPP with a line naming the fd for an owner or an
 * O_ASYNC that cannot be saved.
 */
int ckpt_file_owner(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
		    struct ckpt_hdr_file *h)
{
	struct fown_struct *fown = file_f_owner(e->file);
	const char *why = ckpt_file_async(e, h);
	struct task_struct *t;
	enum pid_type type;
	struct pid *pid;
	kuid_t uid, euid;
	const struct cred *cred;
	pid_t nr = 0;

	if (why)
		return ckpt_log_unsupported(ctx, e, why);
	if (!fown)
		return 0;
	read_lock_irq(&fown->lock);
	pid = get_pid(fown->pid);
	type = fown->pid_type;
	uid = fown->uid;
	euid = fown->euid;
	h->signum = fown->signum;
	read_unlock_irq(&fown->lock);
	if (!pid && !h->signum)
		return 0;
	if (ckpt_file_ops_of(e->type)->ownerless) {
		why = "has an owner or F_SETSIG on a file restart does not make: not supported";
		goto out;
	}
	if (!pid)
		return 0;
	rcu_read_lock();
	/* a group's owner is its leader's pid: a leader of the tree */
	t = pid_task(pid, type == PIDTYPE_PGID ? PIDTYPE_PID : type);
	nr = ckpt_tree_pid(ctx, t);
	cred = __task_cred(ctx->cur->t);
	if (!uid_eq(cred->uid, uid) || !uid_eq(cred->euid, euid))
		why = "has an owner (F_SETOWN) set by a process with other ids: not supported";
	rcu_read_unlock();
	if (!nr && !why)
		why = "has an owner (F_SETOWN) outside the tree: not supported";
	h->owner = nr;
	h->owner_type = type == PIDTYPE_PGID ? CKPT_OWNER_PGRP :
			type == PIDTYPE_PID ? CKPT_OWNER_TID : CKPT_OWNER_PID;
out:
	put_pid(pid);
	return why ? ckpt_log_unsupported(ctx, e, why) : 0;
}

/* ---- restart ---------------------------------------------------------- */

/**
 * struct ckpt_rowner - restart: an owner to set once every task exists
 * @file:	the file, referenced
 * @owner:	the image pid of the owner (a group's: its leader's)
 * @type:	its enum pid_type
 */
struct ckpt_rowner {
	struct file *file;
	pid_t owner;
	enum pid_type type;
};

static int ckpt_owner_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_rowner *r = data;
	struct task_struct *t = ckpt_restored_task(ctx, r->owner);
	struct pid *pid;

	if (!t)
		return -ESRCH;
	pid = get_task_pid(t, r->type == PIDTYPE_TGID ? PIDTYPE_TGID :
			   PIDTYPE_PID);
	put_task_struct(t);
	/* F_SETOWN's own step: the owner's ids are the caller's */
	__f_setown(r->file, pid, r->type, 1);
	put_pid(pid);
	return 0;
}

static void ckpt_owner_free(void *data)
{
	struct ckpt_rowner *r = data;

	fput(r->file);
	kfree(r);
}

/* The checks that need nothing but the record */
static bool ckpt_owner_rec_ok(const struct ckpt_hdr_file *h)
{
	if (!valid_signal(h->signum) || h->owner < 0 ||
	    h->owner_type > CKPT_OWNER_PGRP || h->async_fd < -1 ||
	    (h->async_fd >= 0 &&
	     (unsigned int)h->async_fd >= READ_ONCE(sysctl_nr_open)) ||
	    (h->async_fd && !(h->f_flags & FASYNC)))
		return false;
	/* fcntl() sets none of them on an O_PATH fd */
	if (h->f_flags & O_PATH && (h->owner || h->signum ||
				    h->f_flags & FASYNC))
		return false;
	return !h->owner == !h->owner_type;
}

/**
 * ckpt_check_owner() - restart: check a FILE record's owner, signal and
 *			O_ASYNC
 * @ctx: restart context, with the TREE read
 * @h: the FILE record, its type checked
 *
 * Before the file is made: the owner must be a process of the tree (a
 * thread, for a thread's owner; for a group, the process whose pid the
 * group has: F_SETOWN takes any, as the kernel does, members or none),
 * and the type one that takes an owner and O_ASYNC.
 *
 * Return: 0, or -EINVAL with a line.
 */
int ckpt_check_owner(struct ckpt_ctx *ctx, const struct ckpt_hdr_file *h)
{
	struct ckpt_rstate *rs;

	if (!ckpt_owner_rec_ok(h))
		goto bad;
	if (!h->owner && !h->signum && !(h->f_flags & FASYNC))
		return 0;
	if (ckpt_file_ops_of(h->type)->ownerless)
		goto bad;
	if (!h->owner)
		return 0;
	rs = ckpt_image_task(ctx, h->owner);
	if (!rs || (h->owner_type != CKPT_OWNER_TID && !rs->leader))
		goto bad;
	return 0;
bad:
	ckpt_log(ctx, -EINVAL,
		 "file record %u: a bad owner (pid %d, type %u, signal %u, async fd %d)",
		 h->objref, h->owner, h->owner_type, h->signum, h->async_fd);
	return -EINVAL;
}

/*
 * O_ASYNC, as F_SETFL sets it: the file's ->fasync() puts it on its list
 * under the saved fd, then the flag (which makes the file's release take
 * it off again).
 */
static int ckpt_restore_async(struct ckpt_ctx *ctx,
			      const struct ckpt_hdr_file *h, struct file *file)
{
	const struct ckpt_file_ops *ops = ckpt_file_ops_of(h->type);
	int ret;

	if (h->async_fd >= 0 && (!file->f_op->fasync || !ops->fasync_list)) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: an async fd for a file without a signal list",
			 h->objref);
		return -EINVAL;
	}
	if (h->async_fd >= 0) {
		ret = file->f_op->fasync(h->async_fd, file, 1);
		if (ret < 0) {
			ckpt_log(ctx, ret, "file record %u: cannot set O_ASYNC",
				 h->objref);
			return ret;
		}
	}
	spin_lock(&file->f_lock);
	file->f_flags |= FASYNC;
	spin_unlock(&file->f_lock);
	return 0;
}

/**
 * ckpt_restore_owner() - restart: give a file its owner, signal and
 *			  O_ASYNC
 * @ctx: restart context, reading the process's files
 * @h: the FILE record, checked by ckpt_check_owner()
 * @file: the file restored from it
 *
 * O_ASYNC and the signal are set now; the owner once every task exists.
 *
 * Return: 0, -ENOMEM, -EINVAL for O_ASYNC on a file whose signal list
 * the image does not name, or the error of the file's ->fasync().
 */
int ckpt_restore_owner(struct ckpt_ctx *ctx, const struct ckpt_hdr_file *h,
		       struct file *file)
{
	struct ckpt_rowner *r;
	int ret;

	if (!file)
		return 0;
	if (h->f_flags & FASYNC) {
		ret = ckpt_restore_async(ctx, h, file);
		if (ret)
			return ret;
	}
	if (!h->owner && !h->signum)
		return 0;
	ret = file_f_owner_allocate(file);
	if (ret)
		return ret;
	/* F_SETSIG's own step */
	WRITE_ONCE(file->f_owner->signum, h->signum);
	if (!h->owner)
		return 0;
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->file = get_file(file);
	r->owner = h->owner;
	r->type = h->owner_type == CKPT_OWNER_PGRP ? PIDTYPE_PGID :
		  h->owner_type == CKPT_OWNER_TID ? PIDTYPE_PID : PIDTYPE_TGID;
	return ckpt_after_tree_add(ctx, ckpt_owner_run, ckpt_owner_free, r);
}

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_owner_rec_test {
	const char *desc;
	s32 owner;
	u32 type, signum, f_flags;
	s32 async_fd;
	bool ok;
};

static const struct ckpt_owner_rec_test ckpt_owner_rec_tests[] = {
	/* accepted */
	{ .desc = "none", .ok = true },
	{ .desc = "a process", .owner = 1, .type = CKPT_OWNER_PID, .ok = true },
	{ .desc = "a thread", .owner = 2, .type = CKPT_OWNER_TID, .ok = true },
	{ .desc = "a group", .owner = 1, .type = CKPT_OWNER_PGRP, .ok = true },
	{ .desc = "a signal alone", .signum = SIGRTMIN, .ok = true },
	{ .desc = "the last signal", .owner = 1, .type = CKPT_OWNER_PID,
	  .signum = _NSIG, .ok = true },
	{ .desc = "O_ASYNC on a list, fd 0", .f_flags = FASYNC, .ok = true },
	{ .desc = "O_ASYNC, a bare flag", .f_flags = FASYNC, .async_fd = -1,
	  .ok = true },
	{ .desc = "O_ASYNC naming fd 5", .f_flags = FASYNC, .async_fd = 5,
	  .ok = true },
	/* refused */
	{ .desc = "signal past the last", .signum = _NSIG + 1 },
	{ .desc = "a negative owner", .owner = -1, .type = CKPT_OWNER_PID },
	{ .desc = "an owner without a type", .owner = 1 },
	{ .desc = "a type without an owner", .type = CKPT_OWNER_PID },
	{ .desc = "an unknown type", .owner = 1, .type = CKPT_OWNER_PGRP + 1 },
	{ .desc = "an async fd without O_ASYNC", .async_fd = 3 },
	{ .desc = "async fd -2", .f_flags = FASYNC, .async_fd = -2 },
	{ .desc = "a bare flag's -1 without O_ASYNC", .async_fd = -1 },
	{ .desc = "an async fd past nr_open", .f_flags = FASYNC,
	  .async_fd = INT_MAX },
	{ .desc = "O_ASYNC on O_PATH", .f_flags = FASYNC | O_PATH },
	{ .desc = "an owner on O_PATH", .f_flags = O_PATH, .owner = 1,
	  .type = CKPT_OWNER_PID },
	{ .desc = "a signal on O_PATH", .f_flags = O_PATH, .signum = SIGIO },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_owner_rec, ckpt_owner_rec_tests, desc);

static void ckpt_test_owner_rec_ok(struct kunit *test)
{
	const struct ckpt_owner_rec_test *t = test->param_value;
	struct ckpt_hdr_file h = {
		.owner = t->owner,
		.owner_type = t->type,
		.signum = t->signum,
		.f_flags = t->f_flags,
		.async_fd = t->async_fd,
	};

	KUNIT_EXPECT_EQ(test, ckpt_owner_rec_ok(&h), t->ok);
}

static struct kunit_case ckpt_owner_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_owner_rec_ok, ckpt_owner_rec_gen_params),
	{}
};

static struct kunit_suite ckpt_owner_test_suite = {
	.name = "ckpt_owner",
	.test_cases = ckpt_owner_test_cases,
};

kunit_test_suite(ckpt_owner_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
