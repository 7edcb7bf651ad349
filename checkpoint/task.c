// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-task fields: comm, personality, exit signal, the tid and robust
 * futex list pointers, the rseq registration; and the resource limits.
 */
#include <linux/checkpoint.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/personality.h>
#include <linux/resource.h>
#include <linux/rseq.h>
#include <linux/futex.h>
#include <linux/capability.h>
#include <linux/security.h>
#include <linux/posix-timers.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/hrtimer.h>
#include <linux/time.h>
#include <linux/sched/cputime.h>
#include <linux/seccomp.h>

/*
 * What a task may hold that is not saved yet and would make the restored
 * task behave differently: refuse rather than write a wrong image.
 */
static int ckpt_check_task_state(struct ckpt_ctx *ctx, struct task_struct *t)
{
#ifdef CONFIG_SECCOMP
	if (READ_ONCE(t->seccomp.mode) != SECCOMP_MODE_DISABLED) {
		ckpt_log(ctx, -EOPNOTSUPP, "seccomp filters are not supported yet");
		return -EOPNOTSUPP;
	}
#endif
	return 0;
}

/**
 * checkpoint_task() - write the TASK record of @t
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, -EOPNOTSUPP (with a log line) for a task under seccomp,
 * or an error of writing the image.
 */
int checkpoint_task(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_task h = {};
	int ret;

	if (t->exit_state) {
		get_task_comm(h.comm, t);
		h.task_flags = CKPT_TASK_ZOMBIE;
		h.exit_code = t->exit_code;
		h.exit_signal = t->exit_signal < 0 ? 0 : t->exit_signal;
		return ckpt_write_obj(ctx, &h.h, CKPT_HDR_TASK, sizeof(h));
	}
	ret = ckpt_check_task_state(ctx, t);
	if (ret)
		return ret;
	get_task_comm(h.comm, t);
	if (task_no_new_privs(t))
		h.task_flags |= CKPT_TASK_NO_NEW_PRIVS;
	if (ctx->cur && ctx->cur->share_files)
		h.task_flags |= CKPT_TASK_SHARE_FILES;
	if (ctx->cur && ctx->cur->share_fs)
		h.task_flags |= CKPT_TASK_SHARE_FS;
	h.personality = t->personality;
	h.exit_signal = t->exit_signal < 0 ? 0 : t->exit_signal;
	h.set_child_tid = (unsigned long)t->set_child_tid;
	h.clear_child_tid = (unsigned long)t->clear_child_tid;
#ifdef CONFIG_FUTEX
	h.robust_list = (unsigned long)t->robust_list;
	h.robust_list_len = t->robust_list ? sizeof(*t->robust_list) : 0;
#endif
#ifdef CONFIG_RSEQ
	h.rseq = (unsigned long)t->rseq;
	h.rseq_len = t->rseq_len;
	h.rseq_sig = t->rseq_sig;
#endif
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_TASK, sizeof(h));
}

static bool ckpt_user_ptr_ok(u64 addr)
{
	return addr < TASK_SIZE;
}

/**
 * restore_task() - read and validate the TASK record
 * @ctx: restart context
 *
 * Return: 0 with the record in ctx->rs->task, -EINVAL for a malformed
 * record, -EPERM if it would drop the restarter's no_new_privs,
 * -EOPNOTSUPP for an rseq area without CONFIG_RSEQ, or an error of
 * reading the image.
 */
int restore_task(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_task *h = &ctx->rs->task;
	int ret;

	ret = ckpt_read_obj(ctx, CKPT_HDR_TASK, h, sizeof(*h));
	if (ret)
		return ret;
	ret = -EINVAL;
	if (strnlen(h->comm, sizeof(h->comm)) == sizeof(h->comm)) {
		ckpt_log(ctx, ret, "task: comm not terminated");
		return ret;
	}
	if (h->task_flags & ~CKPT_TASK_FLAGS_MASK || h->__reserved ||
	    h->__reserved2 ||
	    !!(h->task_flags & CKPT_TASK_ZOMBIE) != ctx->rs->zombie ||
	    (h->exit_code && !ctx->rs->zombie) || h->exit_code > 0xffff) {
		ckpt_log(ctx, ret, "task: unknown flags %x", h->task_flags);
		return ret;
	}
	if (task_no_new_privs(current) &&
	    !(h->task_flags & CKPT_TASK_NO_NEW_PRIVS)) {
		ckpt_log(ctx, -EPERM, "task: cannot drop no_new_privs");
		return -EPERM;
	}
	if (h->exit_signal >= _NSIG) {
		ckpt_log(ctx, ret, "task: bad exit signal %u", h->exit_signal);
		return ret;
	}
	if (!ckpt_user_ptr_ok(h->set_child_tid) ||
	    !ckpt_user_ptr_ok(h->clear_child_tid) ||
	    !ckpt_user_ptr_ok(h->robust_list)) {
		ckpt_log(ctx, ret, "task: tid or robust list pointer out of range");
		return ret;
	}
#ifdef CONFIG_FUTEX
	if (h->robust_list_len != (h->robust_list ?
				   sizeof(struct robust_list_head) : 0)) {
		ckpt_log(ctx, ret, "task: bad robust list length");
		return ret;
	}
#else
	if (h->robust_list || h->robust_list_len)
		return ret;
#endif
	if (h->rseq) {
#ifdef CONFIG_RSEQ
		if (!ckpt_user_ptr_ok(h->rseq) ||
		    !IS_ALIGNED(h->rseq, 32) || h->rseq_len < 32 ||
		    h->rseq_len > PAGE_SIZE ||
		    h->rseq + h->rseq_len > TASK_SIZE) {
			ckpt_log(ctx, ret, "task: bad rseq area");
			return ret;
		}
#else
		ckpt_log(ctx, -EOPNOTSUPP, "task: rseq needs CONFIG_RSEQ");
		return -EOPNOTSUPP;
#endif
	} else if (h->rseq_len || h->rseq_sig) {
		ckpt_log(ctx, ret, "task: bad rseq area");
		return ret;
	}
	return 0;
}

/**
 * restore_task_commit() - apply the TASK record to current
 * @ctx: restart context
 * @rs: the task's staged state
 *
 * The restarter's own tid pointers, robust list and rseq area pointed
 * into its old mm: they are all replaced, like execve() clears them. The
 * exit signal is not the task's to choose: its parent chose it when it
 * created the task (restart sets it only when it creates a task itself).
 */
void restore_task_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	struct ckpt_hdr_task *h = &rs->task;

	set_task_comm(current, h->comm);
	if (h->task_flags & CKPT_TASK_NO_NEW_PRIVS)
		task_set_no_new_privs(current);
	current->personality = h->personality;
	current->set_child_tid = u64_to_user_ptr(h->set_child_tid);
	current->clear_child_tid = u64_to_user_ptr(h->clear_child_tid);
#ifdef CONFIG_FUTEX
	current->robust_list = u64_to_user_ptr(h->robust_list);
#ifdef CONFIG_COMPAT
	current->compat_robust_list = NULL;
#endif
#endif
#ifdef CONFIG_RSEQ
	current->rseq = u64_to_user_ptr(h->rseq);
	current->rseq_len = h->rseq_len;
	current->rseq_sig = h->rseq_sig;
	if (current->rseq)
		rseq_set_notify_resume(current);
#endif
}

/*
 * The interval timers of setitimer(), as getitimer() reads them: the time
 * left (process CPU time for ITIMER_VIRTUAL and ITIMER_PROF), so that
 * each keeps it after a restart, and the period.
 */
static void ckpt_save_itimers(struct task_struct *t, struct ckpt_itimer *it)
{
	struct signal_struct *sig = t->signal;

	spin_lock_irq(&t->sighand->siglock);
	if (hrtimer_active(&sig->real_timer)) {
		s64 left = ktime_to_ns(hrtimer_get_remaining(&sig->real_timer));

		it[ITIMER_REAL].value = max_t(s64, left, 1);
		it[ITIMER_REAL].interval = ktime_to_ns(sig->it_real_incr);
	}
#ifdef CONFIG_POSIX_TIMERS
	if (sig->it[CPUCLOCK_VIRT].expires || sig->it[CPUCLOCK_PROF].expires) {
		u64 samples[CPUCLOCK_MAX];
		static const int which[] = {
			[CPUCLOCK_VIRT] = ITIMER_VIRTUAL,
			[CPUCLOCK_PROF] = ITIMER_PROF,
		};
		int c;

		thread_group_sample_cputime(t, samples);
		for (c = CPUCLOCK_PROF; c <= CPUCLOCK_VIRT; c++) {
			u64 exp = sig->it[c].expires;

			if (!exp)
				continue;
			/* at or past its expiry: about to fire */
			it[which[c]].value = exp > samples[c] ?
					     exp - samples[c] : TICK_NSEC;
			it[which[c]].interval = sig->it[c].incr;
		}
	}
#endif
	spin_unlock_irq(&t->sighand->siglock);
}

/**
 * checkpoint_rlimits() - write the RLIMITS record of @t
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, or a negative errno of writing the image.
 */
int checkpoint_rlimits(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_rlimits h = {};
	int i;

	h.nr_limits = RLIM_NLIMITS;
	task_lock(t->group_leader);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		struct rlimit *r = &t->signal->rlim[i];

		h.rlim[i].rlim_cur = r->rlim_cur == RLIM_INFINITY ?
				     ~0ULL : r->rlim_cur;
		h.rlim[i].rlim_max = r->rlim_max == RLIM_INFINITY ?
				     ~0ULL : r->rlim_max;
	}
	task_unlock(t->group_leader);
	ckpt_save_itimers(t, h.itimer);
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_RLIMITS, sizeof(h));
}

/**
 * restore_rlimits() - read and check the RLIMITS record
 * @ctx: restart context
 *
 * The rules of setrlimit(): soft <= hard, raising a hard limit needs
 * CAP_SYS_RESOURCE (of the restarter), RLIMIT_NOFILE within nr_open.
 *
 * Return: 0 with limits and interval timers staged in ctx->rs, -EINVAL
 * for a malformed record or a soft limit above its hard one, -EPERM for a
 * limit setrlimit() would refuse the restarter (both with a log line), the
 * errno of the security_task_setrlimit() hook, or an error of reading the
 * image.
 */
int restore_rlimits(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_rlimits h;
	int i, ret;

	ret = ckpt_read_obj(ctx, CKPT_HDR_RLIMITS, &h, sizeof(h));
	if (ret)
		return ret;
	if (h.nr_limits != RLIM_NLIMITS || h.__reserved) {
		ckpt_log(ctx, -EINVAL, "rlimits: bad count %u", h.nr_limits);
		return -EINVAL;
	}
	for (i = 0; i < CKPT_NITIMERS; i++) {
		const struct ckpt_itimer *it = &h.itimer[i];

		if (it->value < 0 || it->interval < 0 ||
		    (!it->value && it->interval) ||
		    (i != ITIMER_REAL && it->value &&
		     !IS_ENABLED(CONFIG_POSIX_TIMERS))) {
			ckpt_log(ctx, -EINVAL, "rlimits: bad interval timer %d",
				 i);
			return -EINVAL;
		}
		ctx->rs->itimer[i] = *it;
	}
	for (i = 0; i < RLIM_NLIMITS; i++) {
		struct rlimit *new = &ctx->rs->rlim[i];
		struct rlimit old;

		new->rlim_cur = h.rlim[i].rlim_cur == ~0ULL ?
				RLIM_INFINITY : h.rlim[i].rlim_cur;
		new->rlim_max = h.rlim[i].rlim_max == ~0ULL ?
				RLIM_INFINITY : h.rlim[i].rlim_max;
		if (new->rlim_cur > new->rlim_max) {
			ckpt_log(ctx, -EINVAL, "rlimit %d: soft above hard", i);
			return -EINVAL;
		}
		if (i == RLIMIT_NOFILE && new->rlim_max > sysctl_nr_open) {
			ckpt_log(ctx, -EPERM, "rlimit NOFILE above nr_open");
			return -EPERM;
		}
		task_lock(current->group_leader);
		old = current->signal->rlim[i];
		task_unlock(current->group_leader);
		if (new->rlim_max > old.rlim_max &&
		    !capable(CAP_SYS_RESOURCE)) {
			ckpt_log(ctx, -EPERM,
				 "rlimit %d: raising the hard limit needs CAP_SYS_RESOURCE",
				 i);
			return -EPERM;
		}
		ret = security_task_setrlimit(current, i, new);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Arm (or disarm: the restarter may have had one running) ITIMER_REAL of
 * current's process, as setitimer() does.
 */
static void ckpt_set_itimer_real(s64 value, s64 interval)
{
	struct hrtimer *timer = &current->signal->real_timer;

again:
	spin_lock_irq(&current->sighand->siglock);
	if (hrtimer_try_to_cancel(timer) < 0) {
		spin_unlock_irq(&current->sighand->siglock);
		hrtimer_cancel_wait_running(timer);
		goto again;
	}
	current->signal->it_real_incr = ns_to_ktime(interval);
	if (value)
		hrtimer_start(timer, ns_to_ktime(value), HRTIMER_MODE_REL);
	spin_unlock_irq(&current->sighand->siglock);
}

/*
 * Arm (or disarm) ITIMER_VIRTUAL or ITIMER_PROF of current's process, as
 * setitimer() does: @value is CPU time from now on.
 */
static void ckpt_set_cpu_itimer(unsigned int clock, u64 value, u64 interval)
{
#ifdef CONFIG_POSIX_TIMERS
	struct cpu_itimer *it = &current->signal->it[clock];
	u64 old;

	spin_lock_irq(&current->sighand->siglock);
	old = it->expires;
	/*
	 * Not the tick setitimer() adds: the saved time left came from an
	 * armed timer, and adding one at each restart would delay it more
	 * with every cycle.
	 */
	if (old || value)
		set_process_cpu_timer(current, clock, &value, &old);
	it->expires = value;
	it->incr = interval;
	spin_unlock_irq(&current->sighand->siglock);
#endif
}

/**
 * restore_rlimits_commit() - apply the checked limits
 * @ctx: restart context
 * @rs: the process's staged state
 */
void restore_rlimits_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	int i;

	for (i = 0; i < RLIM_NLIMITS; i++) {
		task_lock(current->group_leader);
		current->signal->rlim[i] = rs->rlim[i];
		task_unlock(current->group_leader);
	}
	if (rs->rlim[RLIMIT_CPU].rlim_cur != RLIM_INFINITY)
		update_rlimit_cpu(current, rs->rlim[RLIMIT_CPU].rlim_cur);
}

/**
 * restore_itimer_commit() - arm the interval timers with the time left
 * @ctx: restart context
 * @rs: the process's staged state
 *
 * Done with the pending signals, after the process created its children:
 * a SIGALRM pending would make fork fail.
 */
void restore_itimer_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	const struct ckpt_itimer *it = rs->itimer;

	ckpt_set_itimer_real(it[ITIMER_REAL].value, it[ITIMER_REAL].interval);
	ckpt_set_cpu_itimer(CPUCLOCK_VIRT, it[ITIMER_VIRTUAL].value,
			    it[ITIMER_VIRTUAL].interval);
	ckpt_set_cpu_itimer(CPUCLOCK_PROF, it[ITIMER_PROF].value,
			    it[ITIMER_PROF].interval);
}
