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
 * file). O_ASYNC,
 * whose delivery goes through the file's fasync list, stays refused
 * (locks.c).
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "internal.h"

/**
 * ckpt_file_owner() - checkpoint: the owner and signal of a file
 * @ctx: checkpoint context, writing the process that holds @e
 * @e: the fd, classified
 * @h: its FILE record, whose owner fields this fills
 *
 * Return: 0, or -EOPNOTSUPP with a line naming the fd for an owner that
 * cannot be saved.
 */
int ckpt_file_owner(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
		    struct ckpt_hdr_file *h)
{
	struct fown_struct *fown = file_f_owner(e->file);
	const char *why = NULL;
	struct task_struct *t;
	enum pid_type type;
	struct pid *pid;
	kuid_t uid, euid;
	const struct cred *cred;
	pid_t nr = 0;

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
	if (!valid_signal(h->signum) || h->__reserved2 || h->owner < 0 ||
	    h->owner_type > CKPT_OWNER_PGRP)
		return false;
	return !h->owner == !h->owner_type;
}

/**
 * ckpt_check_owner() - restart: check a FILE record's owner and signal
 * @ctx: restart context, with the TREE read
 * @h: the FILE record, its type checked
 *
 * Before the file is made: the owner must be a process of the tree (a
 * thread, for a thread's owner; for a group, the process whose pid the
 * group has: F_SETOWN takes any, as the kernel does, members or none),
 * and the type one that takes an owner.
 *
 * Return: 0, or -EINVAL with a line.
 */
int ckpt_check_owner(struct ckpt_ctx *ctx, const struct ckpt_hdr_file *h)
{
	struct ckpt_rstate *rs;

	if (!ckpt_owner_rec_ok(h))
		goto bad;
	if (!h->owner && !h->signum)
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
	ckpt_log(ctx, -EINVAL, "file record %u: a bad owner (pid %d, type %u, signal %u)",
		 h->objref, h->owner, h->owner_type, h->signum);
	return -EINVAL;
}

/**
 * ckpt_restore_owner() - restart: give a file its owner and signal
 * @ctx: restart context, reading the process's files
 * @h: the FILE record, checked by ckpt_check_owner()
 * @file: the file restored from it
 *
 * The signal is set now; the owner once every task exists.
 *
 * Return: 0, or -ENOMEM.
 */
int ckpt_restore_owner(struct ckpt_ctx *ctx, const struct ckpt_hdr_file *h,
		       struct file *file)
{
	struct ckpt_rowner *r;
	int ret;

	if ((!h->owner && !h->signum) || !file)
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
	u32 type, signum, reserved;
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
	/* refused */
	{ .desc = "signal past the last", .signum = _NSIG + 1 },
	{ .desc = "a negative owner", .owner = -1, .type = CKPT_OWNER_PID },
	{ .desc = "an owner without a type", .owner = 1 },
	{ .desc = "a type without an owner", .type = CKPT_OWNER_PID },
	{ .desc = "an unknown type", .owner = 1, .type = CKPT_OWNER_PGRP + 1 },
	{ .desc = "reserved field set", .reserved = 1 },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_owner_rec, ckpt_owner_rec_tests, desc);

static void ckpt_test_owner_rec_ok(struct kunit *test)
{
	const struct ckpt_owner_rec_test *t = test->param_value;
	struct ckpt_hdr_file h = {
		.owner = t->owner,
		.owner_type = t->type,
		.signum = t->signum,
		.__reserved2 = t->reserved,
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
