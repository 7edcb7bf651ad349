// SPDX-License-Identifier: GPL-2.0-only
/*
 * POSIX timers (timer_create()): saved by id with their clock, their
 * notification, the time they had left and their period; restored with
 * the same ids, since the program keeps the timer_t values it holds.
 *
 * A timer signal that was pending when the process was checkpointed is
 * saved with the other pending signals and delivered once after restart;
 * the timer itself is armed again for its next expiry.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/posix-timers.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/time.h>
#include "internal.h"

#ifdef CONFIG_POSIX_TIMERS

static int ckpt_cmp_id(const void *a, const void *b)
{
	timer_t x = *(const timer_t *)a, y = *(const timer_t *)b;

	return x < y ? -1 : x > y;
}

/* The ids of @t's process's timers, increasing; kvfree() them. */
static int ckpt_timer_ids(struct ckpt_ctx *ctx, struct task_struct *t,
			  timer_t **ids)
{
	struct k_itimer *timr;
	unsigned int n = 0, max = 0;

	spin_lock_irq(&t->sighand->siglock);
	hlist_for_each_entry(timr, &t->signal->posix_timers, list)
		max++;
	spin_unlock_irq(&t->sighand->siglock);
	if (!max)
		return 0;
	if (max > CKPT_MAX_TIMERS) {
		ckpt_log(ctx, -EOPNOTSUPP, "more than %u POSIX timers",
			 CKPT_MAX_TIMERS);
		return -EOPNOTSUPP;
	}
	*ids = kvmalloc_array(max, sizeof(**ids), GFP_KERNEL);
	if (!*ids)
		return -ENOMEM;
	/* the tasks are frozen: the list does not change */
	spin_lock_irq(&t->sighand->siglock);
	hlist_for_each_entry(timr, &t->signal->posix_timers, list) {
		if (n == max)
			break;
		(*ids)[n++] = timr->it_id;
	}
	spin_unlock_irq(&t->sighand->siglock);
	sort(*ids, n, sizeof(**ids), ckpt_cmp_id, NULL);
	return n;
}

/* The clock as the image names it, or -EOPNOTSUPP. */
static int ckpt_timer_clock(struct task_struct *t,
			    const struct posix_timer_state *st)
{
	switch (st->clock) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		return st->clock;
	}
	/* a CPU-time clock: only the process's own total is supported */
	if (st->clock < 0 && !CPUCLOCK_PERTHREAD(st->clock) &&
	    CPUCLOCK_WHICH(st->clock) == CPUCLOCK_SCHED &&
	    st->cpu_pid == task_tgid(t))
		return CLOCK_PROCESS_CPUTIME_ID;
	return -EOPNOTSUPP;
}

static int ckpt_save_timer(struct ckpt_ctx *ctx, struct task_struct *t,
			   const struct posix_timer_state *st,
			   struct ckpt_posix_timer *out)
{
	int clock = ckpt_timer_clock(t, st);

	if (clock < 0) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "POSIX timer %d: clock %d not supported yet", st->id,
			 st->clock);
		return -EOPNOTSUPP;
	}
	out->id = st->id;
	out->clockid = clock;
	out->notify = st->sigev_notify;
	out->signo = st->sigev_signo;
	out->sigval = (unsigned long)st->sigev_value.sival_ptr;
	if (st->sigev_notify & SIGEV_THREAD_ID) {
		struct task_struct *target;

		rcu_read_lock();
		target = pid_task(st->pid, PIDTYPE_PID);
		out->tid = target && same_thread_group(target, t) ?
			   task_pid_nr_ns(target, ctx->pidns) : 0;
		rcu_read_unlock();
		if (!out->tid) {
			ckpt_log(ctx, -EBUSY,
				 "POSIX timer %d: its thread is gone", st->id);
			return -EBUSY;
		}
	}
	out->value = timespec64_to_ns(&st->setting.it_value);
	out->interval = timespec64_to_ns(&st->setting.it_interval);
	/* an expired one shot timer reads as disarmed: no period left */
	if (!out->value)
		out->interval = 0;
	out->overrun = st->overrun;
	return 0;
}

/**
 * checkpoint_timers() - write the TIMERS record of @t's process
 * @ctx: checkpoint context
 * @t: the thread group leader
 *
 * Return: 0, -EOPNOTSUPP for more than CKPT_MAX_TIMERS timers or a timer
 * on a clock not supported yet, -EBUSY for a timer that vanished or whose
 * target thread is gone (each with a log line), -ENOMEM, or an error of
 * writing the image.
 */
int checkpoint_timers(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_timers h = {};
	struct ckpt_posix_timer *out = NULL;
	timer_t *ids = NULL;
	int i, n, ret;

	n = ckpt_timer_ids(ctx, t, &ids);
	if (n < 0)
		return n;
	if (n) {
		out = kvcalloc(n, sizeof(*out), GFP_KERNEL);
		ret = -ENOMEM;
		if (!out)
			goto out;
	}
	for (i = 0; i < n; i++) {
		struct posix_timer_state st;

		ret = posix_timer_checkpoint(t->signal, ids[i], &st);
		if (ret) {
			ckpt_log(ctx, -EBUSY, "POSIX timer %d vanished", ids[i]);
			ret = -EBUSY;
			goto out;
		}
		ret = ckpt_save_timer(ctx, t, &st, &out[i]);
		put_pid(st.pid);
		put_pid(st.cpu_pid);
		if (ret)
			goto out;
	}
	h.nr_timers = n;
	h.next_id = READ_ONCE(t->signal->next_posix_timer_id);
	ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_TIMERS, sizeof(h), out,
				  n * sizeof(*out));
out:
	kvfree(out);
	kvfree(ids);
	return ret;
}

static bool ckpt_timer_ok(struct ckpt_ctx *ctx,
			  const struct ckpt_posix_timer *p, s32 prev_id)
{
	const struct ckpt_task_pids *me = &ctx->rs->pids;
	unsigned int i;

	if (p->id <= prev_id || p->__reserved || p->value < 0 ||
	    p->interval < 0 || (p->interval && !p->value) || p->overrun < 0)
		return false;
	switch (p->clockid) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
	case CLOCK_PROCESS_CPUTIME_ID:
		break;
	default:
		return false;
	}
	switch (p->notify) {
	case SIGEV_NONE:
		return !p->tid;
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (p->tid)
			return false;
		break;
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		break;
	default:
		return false;
	}
	if (!valid_signal(p->signo) || p->signo <= 0)
		return false;
	if (!(p->notify & SIGEV_THREAD_ID))
		return true;
	/* the target is a thread of this process, in the image */
	for (i = 0; i < ctx->nr_tasks; i++) {
		const struct ckpt_task_pids *o = &ctx->rss[i].pids;

		if (o->pid == p->tid && o->tgid == me->pid &&
		    !(o->flags & CKPT_PIDS_ZOMBIE))
			return true;
	}
	return false;
}

/**
 * restore_timers() - read and check the TIMERS record of a process
 * @ctx: restart context
 *
 * Return: 0 with the timers staged in ctx->rs, -EINVAL (with a log line)
 * for a malformed record, -EOPNOTSUPP for timers in a kernel without
 * CONFIG_POSIX_TIMERS, -ENOMEM, or an error of reading the image.
 */
int restore_timers(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = ctx->rs;
	const struct ckpt_posix_timer *p;
	struct ckpt_hdr_timers *h;
	s32 prev = -1;
	unsigned int i;
	int ret = -EINVAL;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_TIMERS, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (h->nr_timers > CKPT_MAX_TIMERS ||
	    h->h.len != sizeof(*h) + h->nr_timers * sizeof(*p) ||
	    h->next_id < 0)
		goto bad;
	p = (const struct ckpt_posix_timer *)(h + 1);
	for (i = 0; i < h->nr_timers; i++) {
		if (!ckpt_timer_ok(ctx, &p[i], prev)) {
			ckpt_log(ctx, -EINVAL, "timers: bad POSIX timer %d",
				 p[i].id);
			ret = -EINVAL;
			goto out;
		}
		prev = p[i].id;
	}
	if (h->nr_timers) {
		ret = -ENOMEM;
		rs->timers = kvmemdup(p, h->nr_timers * sizeof(*p),
				      GFP_KERNEL);
		if (!rs->timers)
			goto out;
	}
	rs->nr_timers = h->nr_timers;
	rs->next_timer_id = h->next_id;
	ret = 0;
	goto out;
bad:
	ckpt_log(ctx, ret, "timers: bad record");
out:
	kvfree(h);
	return ret;
}

/**
 * restore_timers_commit() - recreate the POSIX timers in current's process
 * @ctx: restart context
 * @rs: the process's staged state
 *
 * Done once the process's threads exist (a timer may signal one of them)
 * and after its children were created. The restarter's own timers go,
 * as on execve().
 *
 * Return: 0, or the negative errno (with a log line) of recreating a
 * timer, such as -EINVAL for a notification timer_create() refuses; the
 * timers before it are then already armed.
 */
int restore_timers_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	unsigned int i;
	int ret;

	exit_itimers(current);
	for (i = 0; i < rs->nr_timers; i++) {
		const struct ckpt_posix_timer *p = &rs->timers[i];
		struct itimerspec64 set = {
			.it_value = ns_to_timespec64(p->value),
			.it_interval = ns_to_timespec64(p->interval),
		};
		struct sigevent ev = {
			.sigev_notify = p->notify,
			.sigev_signo = p->signo,
			.sigev_value.sival_ptr = u64_to_user_ptr(p->sigval),
		};

		/*
		 * Coordinator mode gives every task its image pid in the
		 * restarter's pid namespace (or the new one, for a
		 * container); RESTART_TASKSELF is one thread: current.
		 */
		if (p->notify & SIGEV_THREAD_ID)
			ev.sigev_notify_thread_id =
				ctx->flags & RESTART_TASKSELF ?
				task_pid_vnr(current) : p->tid;
		ret = posix_timer_restore(p->id, p->clockid, &ev, &set,
					  p->overrun);
		if (ret) {
			ckpt_log(ctx, ret, "POSIX timer %d: cannot recreate it",
				 p->id);
			return ret;
		}
	}
	posix_timers_set_next_id(rs->next_timer_id);
	return 0;
}

#else /* !CONFIG_POSIX_TIMERS */

int checkpoint_timers(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_timers h = {};

	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_TIMERS, sizeof(h));
}

int restore_timers(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_timers h;
	int ret;

	ret = ckpt_read_obj(ctx, CKPT_HDR_TIMERS, &h, sizeof(h));
	if (!ret && h.nr_timers) {
		ckpt_log(ctx, -EOPNOTSUPP, "POSIX timers need CONFIG_POSIX_TIMERS");
		ret = -EOPNOTSUPP;
	}
	return ret;
}

int restore_timers_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	return 0;
}

#endif /* CONFIG_POSIX_TIMERS */

#if defined(CONFIG_CHECKPOINT_KUNIT_TEST) && defined(CONFIG_POSIX_TIMERS)

#include <kunit/test.h>

/*
 * The image's tree for the SIGEV_THREAD_ID rows; the timers are those of
 * the first process, pid 100.
 */
static const struct ckpt_task_pids ckpt_timer_test_tree[] = {
	/* pid, tgid, ppid, pgid, sid, flags */
	{ 100, 100, 1, 100, 100, 0 },
	{ 101, 100, 1, 100, 100, 0 },
	{ 102, 100, 1, 100, 100, CKPT_PIDS_ZOMBIE },
	{ 200, 200, 100, 100, 100, 0 },
	{ 201, 200, 100, 100, 100, 0 },
};

/*
 * A timer, checked after one of id @prev. A zeroed timer is on
 * CLOCK_REALTIME (0) with SIGEV_SIGNAL (0).
 */
struct ckpt_timer_test {
	const char *desc;
	struct ckpt_posix_timer t;
	s32 prev;
	bool ok;
};

#define CKPT_TEST_TID	(SIGEV_SIGNAL | SIGEV_THREAD_ID)

static const struct ckpt_timer_test ckpt_timer_tests[] = {
	/* accepted */
	{ .desc = "the first, id 0", .t = { .id = 0, .signo = SIGALRM },
	  .prev = -1, .ok = true },
	{ .desc = "id INT_MAX", .t = { .id = INT_MAX, .signo = SIGALRM },
	  .prev = INT_MAX - 1, .ok = true },
	{ .desc = "armed, one shot",
	  .t = { .id = 1, .signo = SIGALRM, .value = 1 }, .prev = -1,
	  .ok = true },
	{ .desc = "armed, periodic",
	  .t = { .id = 1, .signo = SIGALRM, .value = 5,
		 .interval = NSEC_PER_SEC },
	  .prev = -1, .ok = true },
	{ .desc = "the longest times",
	  .t = { .id = 1, .signo = SIGALRM, .value = S64_MAX,
		 .interval = S64_MAX },
	  .prev = -1, .ok = true },
	{ .desc = "overrun S64_MAX",
	  .t = { .id = 1, .signo = SIGALRM, .overrun = S64_MAX },
	  .prev = -1, .ok = true },
	{ .desc = "CLOCK_MONOTONIC",
	  .t = { .id = 1, .signo = SIGALRM, .clockid = CLOCK_MONOTONIC },
	  .prev = -1, .ok = true },
	{ .desc = "CLOCK_BOOTTIME",
	  .t = { .id = 1, .signo = SIGALRM, .clockid = CLOCK_BOOTTIME },
	  .prev = -1, .ok = true },
	{ .desc = "CLOCK_TAI",
	  .t = { .id = 1, .signo = SIGALRM, .clockid = CLOCK_TAI },
	  .prev = -1, .ok = true },
	{ .desc = "CLOCK_PROCESS_CPUTIME_ID",
	  .t = { .id = 1, .signo = SIGALRM,
		 .clockid = CLOCK_PROCESS_CPUTIME_ID },
	  .prev = -1, .ok = true },
	{ .desc = "signal 1", .t = { .id = 1, .signo = 1 }, .prev = -1,
	  .ok = true },
	{ .desc = "signal _NSIG", .t = { .id = 1, .signo = _NSIG },
	  .prev = -1, .ok = true },
	{ .desc = "SIGEV_NONE without a signal",
	  .t = { .id = 1, .notify = SIGEV_NONE }, .prev = -1, .ok = true },
	{ .desc = "SIGEV_THREAD",
	  .t = { .id = 1, .signo = SIGALRM, .notify = SIGEV_THREAD },
	  .prev = -1, .ok = true },
	{ .desc = "SIGEV_THREAD_ID: the leader",
	  .t = { .id = 1, .signo = SIGALRM, .notify = CKPT_TEST_TID,
		 .tid = 100 },
	  .prev = -1, .ok = true },
	{ .desc = "SIGEV_THREAD_ID: another thread",
	  .t = { .id = 1, .signo = SIGALRM, .notify = CKPT_TEST_TID,
		 .tid = 101 },
	  .prev = -1, .ok = true },
	/* refused */
	{ .desc = "id equal to the previous one",
	  .t = { .id = 5, .signo = SIGALRM }, .prev = 5 },
	{ .desc = "id below the previous one",
	  .t = { .id = 4, .signo = SIGALRM }, .prev = 5 },
	{ .desc = "negative id", .t = { .id = -1, .signo = SIGALRM },
	  .prev = -1 },
	{ .desc = "reserved field set",
	  .t = { .id = 1, .signo = SIGALRM, .__reserved = 1 }, .prev = -1 },
	{ .desc = "negative value",
	  .t = { .id = 1, .signo = SIGALRM, .value = -1 }, .prev = -1 },
	{ .desc = "negative interval",
	  .t = { .id = 1, .signo = SIGALRM, .value = 1, .interval = -1 },
	  .prev = -1 },
	{ .desc = "an interval, disarmed",
	  .t = { .id = 1, .signo = SIGALRM, .interval = 1 }, .prev = -1 },
	{ .desc = "negative overrun",
	  .t = { .id = 1, .signo = SIGALRM, .overrun = -1 }, .prev = -1 },
	{ .desc = "CLOCK_THREAD_CPUTIME_ID",
	  .t = { .id = 1, .signo = SIGALRM,
		 .clockid = CLOCK_THREAD_CPUTIME_ID },
	  .prev = -1 },
	{ .desc = "CLOCK_MONOTONIC_RAW",
	  .t = { .id = 1, .signo = SIGALRM, .clockid = CLOCK_MONOTONIC_RAW },
	  .prev = -1 },
	{ .desc = "CLOCK_REALTIME_ALARM",
	  .t = { .id = 1, .signo = SIGALRM, .clockid = CLOCK_REALTIME_ALARM },
	  .prev = -1 },
	{ .desc = "clock MAX_CLOCKS",
	  .t = { .id = 1, .signo = SIGALRM, .clockid = MAX_CLOCKS },
	  .prev = -1 },
	{ .desc = "a CPU clock of another process (negative clockid)",
	  .t = { .id = 1, .signo = SIGALRM, .clockid = -6 }, .prev = -1 },
	{ .desc = "notify 3", .t = { .id = 1, .signo = SIGALRM, .notify = 3 },
	  .prev = -1 },
	{ .desc = "SIGEV_THREAD | SIGEV_THREAD_ID",
	  .t = { .id = 1, .signo = SIGALRM,
		 .notify = SIGEV_THREAD | SIGEV_THREAD_ID, .tid = 100 },
	  .prev = -1 },
	{ .desc = "SIGEV_NONE with a thread",
	  .t = { .id = 1, .notify = SIGEV_NONE, .tid = 100 }, .prev = -1 },
	{ .desc = "SIGEV_SIGNAL with a thread",
	  .t = { .id = 1, .signo = SIGALRM, .tid = 100 }, .prev = -1 },
	{ .desc = "SIGEV_THREAD with a thread",
	  .t = { .id = 1, .signo = SIGALRM, .notify = SIGEV_THREAD,
		 .tid = 100 },
	  .prev = -1 },
	{ .desc = "signal 0", .t = { .id = 1 }, .prev = -1 },
	{ .desc = "signal _NSIG + 1", .t = { .id = 1, .signo = _NSIG + 1 },
	  .prev = -1 },
	{ .desc = "negative signal", .t = { .id = 1, .signo = -1 },
	  .prev = -1 },
	{ .desc = "SIGEV_THREAD without a signal",
	  .t = { .id = 1, .notify = SIGEV_THREAD }, .prev = -1 },
	{ .desc = "SIGEV_THREAD_ID without a signal",
	  .t = { .id = 1, .notify = CKPT_TEST_TID, .tid = 100 }, .prev = -1 },
	{ .desc = "SIGEV_THREAD_ID: no thread",
	  .t = { .id = 1, .signo = SIGALRM, .notify = CKPT_TEST_TID },
	  .prev = -1 },
	{ .desc = "SIGEV_THREAD_ID: an exited thread",
	  .t = { .id = 1, .signo = SIGALRM, .notify = CKPT_TEST_TID,
		 .tid = 102 },
	  .prev = -1 },
	{ .desc = "SIGEV_THREAD_ID: a child process",
	  .t = { .id = 1, .signo = SIGALRM, .notify = CKPT_TEST_TID,
		 .tid = 200 },
	  .prev = -1 },
	{ .desc = "SIGEV_THREAD_ID: a thread of another process",
	  .t = { .id = 1, .signo = SIGALRM, .notify = CKPT_TEST_TID,
		 .tid = 201 },
	  .prev = -1 },
	{ .desc = "SIGEV_THREAD_ID: not in the image",
	  .t = { .id = 1, .signo = SIGALRM, .notify = CKPT_TEST_TID,
		 .tid = 999 },
	  .prev = -1 },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_timer, ckpt_timer_tests, desc);

static void ckpt_test_timer_ok(struct kunit *test)
{
	const struct ckpt_timer_test *t = test->param_value;
	unsigned int i, n = ARRAY_SIZE(ckpt_timer_test_tree);
	struct ckpt_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	ctx->restart = true;
	ctx->rss = kunit_kcalloc(test, n, sizeof(*ctx->rss), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->rss);
	for (i = 0; i < n; i++)
		ctx->rss[i].pids = ckpt_timer_test_tree[i];
	ctx->nr_tasks = n;
	ctx->rs = &ctx->rss[0];

	KUNIT_EXPECT_EQ(test, ckpt_timer_ok(ctx, &t->t, t->prev), t->ok);
}

static struct kunit_case ckpt_timers_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_timer_ok, ckpt_timer_gen_params),
	{}
};

static struct kunit_suite ckpt_timers_test_suite = {
	.name = "ckpt_timers",
	.test_cases = ckpt_timers_test_cases,
};

kunit_test_suite(ckpt_timers_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST && CONFIG_POSIX_TIMERS */
