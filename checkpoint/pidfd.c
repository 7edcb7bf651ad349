// SPDX-License-Identifier: GPL-2.0-only
/*
 * pidfds: a pidfd of a process of the tree (pidfd_open(), CLONE_PIDFD),
 * or with PIDFD_THREAD of one of its threads, refers to the restored task
 * after restart: it polls for its exit, pidfd_send_signal() and
 * waitid(P_PIDFD) reach it. A pidfd of a zombie of the tree stays one of
 * that zombie until it is reaped. A pidfd of a task already reaped comes
 * back as one of a pid that no task has: it polls as exited, its fdinfo
 * names pid -1, signals and waitid() fail as they did; the pidfds of one
 * reaped task stay pidfds of one pid.
 *
 * The restored task does not exist while the image is read, so the file
 * read from a FILE_PIDFD record is a stand-in (stand_in.c). Once every
 * task exists, the pidfd of the restored task is made as pidfd_open()
 * makes it (pidfs_alloc_file()) and put in the stand-in's place, before
 * any task runs.
 *
 * Refused at checkpoint, with a line: a pidfd of a task outside the tree
 * (for a container a leak, for a subtree a process the restart does not
 * make), and one shared with a process outside the tree.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
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
	bool first;

	/* reaped: one object for all its pidfds */
	if (h.pid == -ESRCH) {
		h.pid = ckpt_obj_lookup_add(ctx, pidfd_pid(e->file),
					    CKPT_OBJ_DEAD_PID, &first);
		if (h.pid < 0)
			return h.pid;
		h.flags |= CKPT_PIDFD_F_REAPED;
	} else if (h.pid <= 0) {
		/* classify() saw it in the tree; frozen, it is still there */
		return ckpt_log_unsupported(ctx, e,
					    "is a pidfd whose task left the tree while it was saved");
	}
	if (e->file->f_flags & PIDFD_THREAD)
		h.flags |= CKPT_PIDFD_F_THREAD;
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_PIDFD, sizeof(h));
}

/* ---- restart ---------------------------------------------------------- */

/**
 * struct ckpt_rpidfd - restart: a pidfd to make once every task exists
 * @pid:	the image pid of the task it refers to; reaped: an objref
 * @thread:	PIDFD_THREAD
 * @reaped:	of a task reaped already
 * @f_flags:	the FILE record's status flags
 */
struct ckpt_rpidfd {
	pid_t pid;
	bool thread;
	bool reaped;
	u32 f_flags;
};

/* The checks that need nothing but the records */
static bool ckpt_pidfd_rec_ok(const struct ckpt_hdr_file_pidfd *h,
			      u32 f_flags)
{
	return h->pid > 0 && !(h->flags & ~CKPT_PIDFD_F_MASK) &&
	       (f_flags & O_ACCMODE) == O_RDWR &&
	       (!(h->flags & CKPT_PIDFD_F_REAPED) || h->pid <= CKPT_MAX_OBJS);
}

/*
 * A pid that no task has, as the pid of a reaped task is: allocated in
 * the pid namespace of the restored tree (pidfd_send_signal() looks at
 * it), as fork() allocates one, and its number given back at once, as
 * when its last task is reaped. One for each objref. Errors: -EINVAL for
 * an objref another object has, -ESRCH when the tree's root died
 * (killed from outside during the restart), -ENOMEM.
 */
static struct pid *ckpt_dead_pid(struct ckpt_ctx *ctx, u32 objref)
{
	struct pid *pid = ckpt_obj_find(ctx, objref, CKPT_OBJ_RDEAD_PID);
	struct task_struct *root;
	int ret;

	if (pid)
		return IS_ERR(pid) ? pid : get_pid(pid);
	root = ckpt_restored_task(ctx, ctx->rss[0].pids.pid);
	if (!root)
		return ERR_PTR(-ESRCH);
	pid = alloc_pid(task_active_pid_ns(root), NULL, 0);
	put_task_struct(root);
	if (IS_ERR(pid))
		return pid;
	get_pid(pid);
	free_pid(pid);
	ret = ckpt_obj_insert(ctx, pid, objref, CKPT_OBJ_RDEAD_PID);
	if (ret) {
		put_pid(pid);
		return ERR_PTR(ret);
	}
	return pid;
}

/*
 * The pidfd of the restored task, as pidfd_open() makes it, or of a pid
 * without a task for a reaped one. Errors: -ESRCH when the task does not
 * exist (it died: killed from outside during the restart), -EINVAL for
 * a reaped one's objref that is another object's, -ENOMEM, -ENFILE...
 */
static struct file *ckpt_pidfd_make(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_rpidfd *r = data;
	struct task_struct *t;
	struct file *file;
	struct pid *pid;

	if (r->reaped) {
		pid = ckpt_dead_pid(ctx, r->pid);
	} else {
		t = ckpt_restored_task(ctx, r->pid);
		if (!t)
			return ERR_PTR(-ESRCH);
		pid = get_task_pid(t, r->thread ? PIDTYPE_PID : PIDTYPE_TGID);
		put_task_struct(t);
		if (!pid)
			pid = ERR_PTR(-ESRCH);
	}
	if (IS_ERR(pid))
		return ERR_CAST(pid);
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
	rs = h.flags & CKPT_PIDFD_F_REAPED ? NULL : ckpt_image_task(ctx, h.pid);
	if (!(h.flags & CKPT_PIDFD_F_REAPED) &&
	    (!rs || !(rs->leader || h.flags & CKPT_PIDFD_F_THREAD))) {
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
	r->reaped = h.flags & CKPT_PIDFD_F_REAPED;
	r->f_flags = hf->f_flags;
	return ckpt_stand_in_file(ckpt_pidfd_make, ckpt_pidfd_free, r);
}

static void ckpt_dead_pid_get(void *ptr)
{
	get_pid(ptr);
}

static void ckpt_dead_pid_put(void *ptr)
{
	put_pid(ptr);
}

/* the struct pid of a reaped task, then of its restored stand-in */
const struct ckpt_obj_ops ckpt_dead_pid_obj_ops = {
	.name = "reaped task",
	.grab = ckpt_dead_pid_get,
	.drop = ckpt_dead_pid_put,
};

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
	{ .desc = "reaped", .pid = 3, .flags = CKPT_PIDFD_F_REAPED,
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "a reaped thread", .pid = 3, .f_flags = O_RDWR,
	  .flags = CKPT_PIDFD_F_REAPED | CKPT_PIDFD_F_THREAD, .ok = true },
	{ .desc = "reaped, the largest objref", .pid = CKPT_MAX_OBJS,
	  .flags = CKPT_PIDFD_F_REAPED, .f_flags = O_RDWR, .ok = true },
	/* refused */
	{ .desc = "pid 0", .f_flags = O_RDWR },
	{ .desc = "reaped, objref 0", .flags = CKPT_PIDFD_F_REAPED,
	  .f_flags = O_RDWR },
	{ .desc = "reaped, an objref too large", .pid = CKPT_MAX_OBJS + 1,
	  .flags = CKPT_PIDFD_F_REAPED, .f_flags = O_RDWR },
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
