// SPDX-License-Identifier: GPL-2.0-only
/*
 * pidfds: a pidfd of a process of the tree (pidfd_open(), CLONE_PIDFD),
 * or with PIDFD_THREAD of one of its threads, refers to the restored task
 * after restart: it polls for its exit, pidfd_send_signal() and
 * waitid(P_PIDFD) reach it. A pidfd of a zombie of the tree stays one of
 * that zombie until it is reaped.
 *
 * The restored task does not exist while the image is read, so the file
 * read from a FILE_PIDFD record is a stand-in (stand_in.c). Once every
 * task exists, the pidfd of the restored task is made as pidfd_open()
 * makes it (pidfs_alloc_file()) and put in the stand-in's place, before
 * any task runs.
 *
 * Refused at checkpoint, with a line: a pidfd of a task outside the tree
 * (for a container a leak, for a subtree a process the restart does not
 * make), of a process already reaped (its pid has no task to restore),
 * and one shared with a process outside the tree.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pidfs.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <uapi/linux/pidfd.h>
#include "internal.h"

#define CKPT_PIDFD_FLAGS	(O_ACCMODE | O_NONBLOCK)

static bool ckpt_pidfd_match(struct file *file)
{
	return !IS_ERR(pidfd_pid(file));
}

/*
 * The image pid of the task of the tree @file refers to, 0 for a task
 * outside the tree, -ESRCH for a pid with no task left (reaped).
 */
static pid_t ckpt_pidfd_target(struct ckpt_ctx *ctx, struct file *file)
{
	bool thread = file->f_flags & PIDFD_THREAD;
	struct pid *pid = pidfd_pid(file);
	struct task_struct *t;
	pid_t nr;

	rcu_read_lock();
	t = pid_task(pid, thread ? PIDTYPE_PID : PIDTYPE_TGID);
	nr = t ? ckpt_tree_pid(ctx, t) : -ESRCH;
	rcu_read_unlock();
	return nr;
}

static int ckpt_pidfd_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	pid_t nr = ckpt_pidfd_target(ctx, e->file);

	if (nr == -ESRCH)
		return ckpt_log_unsupported(ctx, e,
					    "is a pidfd of a task already reaped: not supported yet");
	if (!nr) {
		char what[96];

		snprintf(what, sizeof(what),
			 "is a pidfd of pid %d, outside the tree: not supported",
			 pid_nr_ns(pidfd_pid(e->file), ctx->pidns));
		return ckpt_log_unsupported(ctx, e, what);
	}
	/* a container's leaks were refused already; this is a subtree's */
	if (ckpt_file_outside(ctx, e->file))
		return ckpt_log_unsupported(ctx, e,
					    "is a pidfd shared with a process outside the tree: not supported");
	return 0;
}

static int ckpt_pidfd_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_pidfd h = {
		.pid = ckpt_pidfd_target(ctx, e->file),
	};

	/* classify() saw it in the tree; frozen, it is still there */
	if (h.pid <= 0)
		return ckpt_log_unsupported(ctx, e,
					    "is a pidfd whose task left the tree while it was saved");
	if (e->file->f_flags & PIDFD_THREAD)
		h.flags |= CKPT_PIDFD_F_THREAD;
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_PIDFD, sizeof(h));
}

/* ---- restart ---------------------------------------------------------- */

/**
 * struct ckpt_rpidfd - restart: a pidfd to make once every task exists
 * @pid:	the image pid of the task it refers to
 * @thread:	PIDFD_THREAD
 * @f_flags:	the FILE record's status flags
 */
struct ckpt_rpidfd {
	pid_t pid;
	bool thread;
	u32 f_flags;
};

/* The checks that need nothing but the records */
static bool ckpt_pidfd_rec_ok(const struct ckpt_hdr_file_pidfd *h,
			      u32 f_flags)
{
	return h->pid > 0 && !(h->flags & ~CKPT_PIDFD_F_MASK) &&
	       (f_flags & O_ACCMODE) == O_RDWR;
}

/*
 * The pidfd of the restored task, as pidfd_open() makes it. Errors:
 * -ESRCH when the task does not exist (it died: killed from outside
 * during the restart), -ENOMEM, -ENFILE...
 */
static struct file *ckpt_pidfd_make(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_rpidfd *r = data;
	struct task_struct *t;
	struct file *file;
	struct pid *pid;

	t = ckpt_restored_task(ctx, r->pid);
	if (!t)
		return ERR_PTR(-ESRCH);
	pid = get_task_pid(t, r->thread ? PIDTYPE_PID : PIDTYPE_TGID);
	put_task_struct(t);
	if (!pid)
		return ERR_PTR(-ESRCH);
	file = pidfs_alloc_file(pid, O_RDWR | (r->f_flags & O_NONBLOCK));
	put_pid(pid);
	/* dentry_open() keeps only what open() would: PIDFD_THREAD by hand */
	if (!IS_ERR(file) && r->thread)
		file->f_flags |= PIDFD_THREAD;
	return file;
}

static void ckpt_pidfd_free(void *data)
{
	kfree(data);
}

/* A stand-in until every task exists (stand_in.c) */
static struct file *ckpt_pidfd_restore(struct ckpt_ctx *ctx,
				       const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_pidfd h;
	struct ckpt_rpidfd *r;
	struct ckpt_rstate *rs;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_PIDFD, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (!ckpt_pidfd_rec_ok(&h, hf->f_flags)) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed pidfd",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	/* a process is a leader of the tree; a thread pidfd, any task */
	rs = ckpt_image_task(ctx, h.pid);
	if (!rs || !(rs->leader || h.flags & CKPT_PIDFD_F_THREAD)) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: a pidfd of pid %d, which is no %s of the tree",
			 hf->objref, h.pid,
			 h.flags & CKPT_PIDFD_F_THREAD ? "task" : "process");
		return ERR_PTR(-EINVAL);
	}
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->pid = h.pid;
	r->thread = h.flags & CKPT_PIDFD_F_THREAD;
	r->f_flags = hf->f_flags;
	return ckpt_stand_in_file(ckpt_pidfd_make, ckpt_pidfd_free, r);
}

const struct ckpt_file_ops ckpt_pidfd_file_ops = {
	.name = "pidfd",
	.match = ckpt_pidfd_match,
	.classify = ckpt_pidfd_classify,
	.checkpoint = ckpt_pidfd_checkpoint,
	.restore = ckpt_pidfd_restore,
	.f_flags = CKPT_PIDFD_FLAGS,
	.ownerless = true,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_pidfd_rec_test {
	const char *desc;
	s32 pid;
	u32 flags, f_flags;
	bool ok;
};

static const struct ckpt_pidfd_rec_test ckpt_pidfd_rec_tests[] = {
	/* accepted */
	{ .desc = "a process", .pid = 1, .f_flags = O_RDWR, .ok = true },
	{ .desc = "a thread", .pid = 2, .flags = CKPT_PIDFD_F_THREAD,
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "nonblocking", .pid = 1, .f_flags = O_RDWR | O_NONBLOCK,
	  .ok = true },
	{ .desc = "pid INT_MAX", .pid = INT_MAX, .f_flags = O_RDWR,
	  .ok = true },
	/* refused */
	{ .desc = "pid 0", .f_flags = O_RDWR },
	{ .desc = "a negative pid", .pid = -1, .f_flags = O_RDWR },
	{ .desc = "an unknown flag", .pid = 1,
	  .flags = CKPT_PIDFD_F_MASK + 1, .f_flags = O_RDWR },
	{ .desc = "read-only", .pid = 1, .f_flags = O_RDONLY },
	{ .desc = "write-only", .pid = 1, .f_flags = O_WRONLY },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_pidfd_rec, ckpt_pidfd_rec_tests, desc);

static void ckpt_test_pidfd_rec_ok(struct kunit *test)
{
	const struct ckpt_pidfd_rec_test *t = test->param_value;
	struct ckpt_hdr_file_pidfd h = {
		.h.type = CKPT_HDR_FILE_PIDFD,
		.h.len = sizeof(h),
		.pid = t->pid,
		.flags = t->flags,
	};

	KUNIT_EXPECT_EQ(test, ckpt_pidfd_rec_ok(&h, t->f_flags), t->ok);
}

static struct kunit_case ckpt_pidfd_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_pidfd_rec_ok, ckpt_pidfd_rec_gen_params),
	{}
};

static struct kunit_suite ckpt_pidfd_test_suite = {
	.name = "ckpt_pidfd",
	.test_cases = ckpt_pidfd_test_cases,
};

kunit_test_suite(ckpt_pidfd_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
