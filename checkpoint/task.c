// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-task fields: comm, personality, exit signal, the tid and robust
 * futex list pointers, the rseq registration; and the resource limits.
 */
#include <linux/nospec.h>
#include <linux/prctl.h>
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
#include <linux/oom.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched/mm.h>
#include <linux/sched/coredump.h>
#include <linux/sched/prio.h>
#include <linux/sched/rt.h>
#include <linux/entry-common.h>
#include <linux/iocontext.h>
#include <linux/ioprio.h>
#include <uapi/linux/sched/types.h>
#include "internal.h"

/* what prctl(PR_SET_IO_FLUSHER) sets */
#define CKPT_PF_IO_FLUSHER	(PF_MEMALLOC_NOIO | PF_LOCAL_THROTTLE)

static bool ckpt_rt_policy(unsigned int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/*
 * What a task may hold that is not saved yet and would make the restored
 * task behave differently: refuse rather than write a wrong image. Each
 * line names the state and how a program set it.
 */
static int ckpt_refuse(struct ckpt_ctx *ctx, struct task_struct *t,
		       const char *what)
{
	ckpt_log(ctx, -EOPNOTSUPP, "pid %d: %s is not supported yet",
		 task_pid_nr_ns(t, ctx->pidns), what);
	return -EOPNOTSUPP;
}

static int ckpt_check_mm_state(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	if (!mm)
		return 0;
	/* the one flag without the other: not a state prctl() leaves */
	if (test_bit(MMF_VM_MERGE_ANY, &mm->flags) &&
	    !test_bit(MMF_VM_MERGEABLE, &mm->flags))
		return ckpt_refuse(ctx, t, "a KSM state of the memory");
	return 0;
}

#ifdef CONFIG_NUMA
/* set_mempolicy() with a mode but MPOL_DEFAULT: a restored task has none */
static bool ckpt_task_has_mempolicy(struct task_struct *t)
{
	bool set;

	task_lock(t);
	set = t->mempolicy;
	task_unlock(t);
	return set;
}
#endif

static int ckpt_check_task_state(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned int policy = READ_ONCE(t->policy);

#ifdef CONFIG_SECCOMP
	if (READ_ONCE(t->seccomp.mode) != SECCOMP_MODE_DISABLED)
		return ckpt_refuse(ctx, t, "a seccomp filter or strict mode");
#endif
	if (t->ptrace)
		return ckpt_refuse(ctx, t, "a ptrace()d task");
	if (policy != SCHED_NORMAL && policy != SCHED_BATCH &&
	    policy != SCHED_IDLE && policy != SCHED_FIFO && policy != SCHED_RR)
		return ckpt_refuse(ctx, t, "SCHED_DEADLINE or another scheduling class");
#ifdef CONFIG_UCLAMP_TASK
	if (t->uclamp_req[UCLAMP_MIN].user_defined ||
	    t->uclamp_req[UCLAMP_MAX].user_defined)
		return ckpt_refuse(ctx, t, "sched_setattr() utilization clamping");
#endif
#ifdef CONFIG_SCHED_CORE
	if (t->core_cookie)
		return ckpt_refuse(ctx, t, "prctl(PR_SCHED_CORE)");
#endif
	/* PR_SET_IO_FLUSHER sets both; one alone is a kernel thread's */
	if ((t->flags & CKPT_PF_IO_FLUSHER) &&
	    (t->flags & CKPT_PF_IO_FLUSHER) != CKPT_PF_IO_FLUSHER)
		return ckpt_refuse(ctx, t,
				   "PF_MEMALLOC_NOIO or PF_LOCAL_THROTTLE alone");
	/* L1D flush: on x86, a task's own choice when PR_SPEC_PRCTL says so */
	if (task_spec_ssb_disable(t) || task_spec_ssb_noexec(t) ||
	    task_spec_ib_disable(t) ||
	    arch_prctl_spec_ctrl_get(t, PR_SPEC_L1D_FLUSH) ==
	    (PR_SPEC_PRCTL | PR_SPEC_ENABLE))
		return ckpt_refuse(ctx, t, "prctl(PR_SET_SPECULATION_CTRL)");
#ifdef CONFIG_GENERIC_ENTRY
	if (test_task_syscall_work(t, SYSCALL_USER_DISPATCH))
		return ckpt_refuse(ctx, t, "prctl(PR_SET_SYSCALL_USER_DISPATCH)");
#endif
	if (t->signal->oom_score_adj_min != 0 &&
	    t->signal->oom_score_adj_min != t->signal->oom_score_adj)
		return ckpt_refuse(ctx, t,
				   "an oom_score_adj_min apart from its oom_score_adj");
#ifdef CONFIG_NUMA
	if (ckpt_task_has_mempolicy(t))
		return ckpt_refuse(ctx, t,
				   "a NUMA memory policy (set_mempolicy(), numactl)");
#endif
	return ckpt_check_mm_state(ctx, t);
}

/*
 * The I/O priority ioprio_set() gave the thread: its io_context's own,
 * not the one derived from its nice value. One shared through CLONE_IO
 * is refused: restart would give each thread its own.
 */
static int ckpt_task_ioprio(struct ckpt_ctx *ctx, struct task_struct *t,
			    struct ckpt_hdr_task *h)
{
#ifdef CONFIG_BLOCK
	bool shared = false;

	task_lock(t);
	if (t->io_context) {
		h->ioprio = t->io_context->ioprio;
		shared = atomic_read(&t->io_context->active_ref) > 1;
	}
	task_unlock(t);
	if (h->ioprio != IOPRIO_DEFAULT && shared)
		return ckpt_refuse(ctx, t,
				   "an I/O priority shared with another task (CLONE_IO)");
#endif
	return 0;
}

/*
 * Job control: a process in a group stop (every thread stopped, the
 * parent told) with the stop waitpid(WUNTRACED) has yet to report, or a
 * process continued whose continue WCONTINUED has yet to report. A stop
 * or continue half done (the freezer caught it between its steps: a
 * thread not stopped yet, the parent not told yet) is refused.
 */
static int ckpt_task_stop(struct ckpt_ctx *ctx, struct task_struct *t,
			  struct ckpt_hdr_task *h)
{
	struct signal_struct *sig = t->signal;
	bool half = false;

	spin_lock_irq(&t->sighand->siglock);
	if (sig->flags & SIGNAL_STOP_STOPPED) {
		h->stop_signal = t->jobctl & JOBCTL_STOP_SIGMASK;
		h->stop_code = sig->group_exit_code;
		half = !(t->jobctl & JOBCTL_STOPPED) ||
		       !sig_kernel_stop(h->stop_signal) ||
		       (h->stop_code && h->stop_code != h->stop_signal);
	} else {
		half = t->jobctl & (JOBCTL_STOP_PENDING | JOBCTL_STOPPED);
	}
	if (sig->flags & SIGNAL_STOP_CONTINUED)
		h->stop_flags |= CKPT_STOP_CONTINUED;
	half |= sig->group_stop_count || (sig->flags & SIGNAL_CLD_MASK) ||
		(t->jobctl & JOBCTL_STOP_PENDING);
	spin_unlock_irq(&t->sighand->siglock);
	if (half)
		return ckpt_refuse(ctx, t,
				   "a stop or continue in progress (a thread not stopped yet, or the parent not told)");
	return 0;
}

/*
 * The CPU affinity sched_setaffinity() asked for (the user mask, which
 * the cpuset of the day may narrow further), if the task or an ancestor
 * set one; none is saved as none.
 */
static int ckpt_task_affinity(struct ckpt_ctx *ctx, struct task_struct *t,
			      struct ckpt_hdr_task *h)
{
	unsigned int nbits = min_t(unsigned int, nr_cpu_ids, CKPT_MAX_CPUS);
	unsigned long flags;
	cpumask_var_t mask;
	bool set;
	int ret = 0;

	if (!alloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	raw_spin_lock_irqsave(&t->pi_lock, flags);
	set = t->user_cpus_ptr;
	if (set)
		cpumask_copy(mask, t->user_cpus_ptr);
	raw_spin_unlock_irqrestore(&t->pi_lock, flags);
	if (set && cpumask_last(mask) >= nbits) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "pid %d: a CPU affinity with CPU %u (only CPUs below %u are saved) is not supported",
			 task_pid_nr_ns(t, ctx->pidns), cpumask_last(mask),
			 CKPT_MAX_CPUS);
		ret = -EOPNOTSUPP;
	} else if (set) {
		h->nr_cpus = nbits;
		bitmap_to_arr64(h->cpus, cpumask_bits(mask), nbits);
	}
	free_cpumask_var(mask);
	return ret;
}

/**
 * checkpoint_task() - write the TASK record of @t
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, -EOPNOTSUPP (with a log line) for a task under seccomp or
 * with other state that is not saved yet, -ENOMEM, or an error of
 * writing the image.
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
	ret = ckpt_check_task_state(ctx, t) ?: ckpt_task_ioprio(ctx, t, &h) ?:
	      ckpt_task_affinity(ctx, t, &h) ?: ckpt_task_stop(ctx, t, &h);
	if (ret)
		return ret;
	get_task_comm(h.comm, t);
	if (task_no_new_privs(t))
		h.task_flags |= CKPT_TASK_NO_NEW_PRIVS;
	h.policy = t->policy;
	h.nice = task_nice(t);
	h.rt_priority = ckpt_rt_policy(t->policy) ? t->rt_priority : 0;
	if (t->sched_reset_on_fork)
		h.task_flags |= CKPT_TASK_RESET_ON_FORK;
	h.pdeath_signal = t->pdeath_signal;
	h.timer_slack_ns = t->timer_slack_ns;
	h.oom_score_adj = t->signal->oom_score_adj;
	if (t->signal->is_child_subreaper)
		h.task_flags |= CKPT_TASK_SUBREAPER;
	if (t->flags & CKPT_PF_IO_FLUSHER)
		h.task_flags |= CKPT_TASK_IO_FLUSHER;
	if (t->flags & PF_MCE_PROCESS)
		h.task_flags |= CKPT_TASK_MCE_KILL;
	if (t->flags & PF_MCE_EARLY)
		h.task_flags |= CKPT_TASK_MCE_EARLY;
	if (t->mm) {
		h.dumpable = get_dumpable(t->mm);
		if (test_bit(MMF_DISABLE_THP, &t->mm->flags))
			h.task_flags |= CKPT_TASK_THP_DISABLE;
	}
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

/*
 * An I/O priority of a known class, with a level below IOPRIO_NR_LEVELS
 * (none for IOPRIO_CLASS_NONE): what ioprio_set() takes, but for the
 * permission of IOPRIO_CLASS_RT, checked when it is set.
 */
static bool ckpt_ioprio_ok(u32 ioprio)
{
	u32 class = IOPRIO_PRIO_CLASS(ioprio);

	if (ioprio > U16_MAX)
		return false;
	switch (class) {
	case IOPRIO_CLASS_NONE:
		return !IOPRIO_PRIO_LEVEL(ioprio);
	case IOPRIO_CLASS_RT:
	case IOPRIO_CLASS_BE:
	case IOPRIO_CLASS_IDLE:
		return true;
	}
	return false;
}

/*
 * A CPU affinity: none (nr_cpus 0, no bit set), or at least one CPU
 * below nr_cpus, itself at most CKPT_MAX_CPUS, and no bit from nr_cpus on.
 */
static bool ckpt_cpus_ok(const struct ckpt_hdr_task *h)
{
	unsigned int i;

	if (h->nr_cpus > CKPT_MAX_CPUS)
		return false;
	for (i = 0; i < CKPT_CPU_WORDS; i++) {
		u64 valid;

		if (h->nr_cpus >= (i + 1) * 64)
			continue;
		valid = h->nr_cpus > i * 64 ?
			GENMASK_ULL(h->nr_cpus - i * 64 - 1, 0) : 0;
		if (h->cpus[i] & ~valid)
			return false;
	}
	return !h->nr_cpus || memchr_inv(h->cpus, 0, sizeof(h->cpus));
}

/*
 * Job control: stopped by a stop signal, its stop reported or not, and
 * not also continued; or running, perhaps continued.
 */
static bool ckpt_stop_ok(const struct ckpt_hdr_task *h)
{
	if (h->stop_flags & ~CKPT_STOP_FLAGS_MASK || h->__reserved3)
		return false;
	if (!h->stop_signal)
		return !h->stop_code;
	return h->stop_signal < 32 && sig_kernel_stop(h->stop_signal) &&
	       (!h->stop_code || h->stop_code == h->stop_signal) &&
	       !(h->stop_flags & CKPT_STOP_CONTINUED);
}

/*
 * Scheduling and process attributes, checked like the system calls that
 * set them check their arguments. A zombie has none.
 */
static int ckpt_check_task_attrs(struct ckpt_ctx *ctx,
				 const struct ckpt_hdr_task *h)
{
	bool rt = ckpt_rt_policy(h->policy);

	if (ctx->rs->zombie) {
		if (h->policy || h->nice || h->rt_priority || h->pdeath_signal ||
		    h->timer_slack_ns || h->oom_score_adj || h->dumpable ||
		    h->task_flags & ~CKPT_TASK_ZOMBIE || h->ioprio ||
		    h->nr_cpus || memchr_inv(h->cpus, 0, sizeof(h->cpus)) ||
		    h->stop_signal || h->stop_code || h->stop_flags ||
		    h->__reserved3)
			goto bad;
		return 0;
	}
	if ((h->policy != SCHED_NORMAL && h->policy != SCHED_BATCH &&
	     h->policy != SCHED_IDLE && !rt) ||
	    h->nice < MIN_NICE || h->nice > MAX_NICE ||
	    (rt ? h->rt_priority < 1 || h->rt_priority > MAX_RT_PRIO - 1 :
		  h->rt_priority != 0) ||
	    !valid_signal(h->pdeath_signal) ||
	    h->oom_score_adj < OOM_SCORE_ADJ_MIN ||
	    h->oom_score_adj > OOM_SCORE_ADJ_MAX ||
	    h->dumpable > SUID_DUMP_ROOT || !ckpt_ioprio_ok(h->ioprio) ||
	    !ckpt_cpus_ok(h) || !ckpt_stop_ok(h))
		goto bad;
	/* process-wide: the same in every thread's record */
	if (!ctx->rs->leader) {
		const struct ckpt_hdr_task *l = NULL;
		unsigned int i;

		for (i = 0; i < ctx->nr_tasks; i++)
			if (ctx->rss[i].pids.pid == ctx->rs->pids.tgid)
				l = &ctx->rss[i].task;
		if (!l || l->oom_score_adj != h->oom_score_adj ||
		    l->dumpable != h->dumpable ||
		    l->stop_signal != h->stop_signal ||
		    l->stop_code != h->stop_code ||
		    l->stop_flags != h->stop_flags ||
		    (l->task_flags ^ h->task_flags) &
		    (CKPT_TASK_SUBREAPER | CKPT_TASK_THP_DISABLE))
			goto bad;
	}
	return 0;
bad:
	ckpt_log(ctx, -EINVAL, "task: bad scheduling or process attributes");
	return -EINVAL;
}

/*
 * Every CPU of the affinity must exist here; with RESTART_DROP_CPUS one
 * that does not leaves the mask, and a mask left empty is no affinity.
 */
static int ckpt_cpus_here(struct ckpt_ctx *ctx, struct ckpt_hdr_task *h)
{
	unsigned int cpu;

	for (cpu = 0; cpu < h->nr_cpus; cpu++) {
		if (!(h->cpus[cpu / 64] & BIT_ULL(cpu % 64)) ||
		    (cpu < nr_cpu_ids && cpu_possible(cpu)))
			continue;
		if (!(ctx->flags & RESTART_DROP_CPUS)) {
			ckpt_log(ctx, -ENODEV,
				 "task: its CPU affinity has CPU %u, which this machine lacks (RESTART_DROP_CPUS drops it)",
				 cpu);
			return -ENODEV;
		}
		h->cpus[cpu / 64] &= ~BIT_ULL(cpu % 64);
	}
	if (!memchr_inv(h->cpus, 0, sizeof(h->cpus)))
		h->nr_cpus = 0;
	return 0;
}

/**
 * restore_task() - read and validate the TASK record
 * @ctx: restart context
 *
 * Return: 0 with the record in ctx->rs->task, -EINVAL for a malformed
 * record (scheduling policy, nice, priority, signal, oom_score_adj,
 * dumpable, I/O priority or CPU affinity out of range included), -EPERM
 * if it would drop the restarter's no_new_privs, -ENODEV for a CPU
 * affinity with a CPU this machine lacks (without RESTART_DROP_CPUS),
 * -EOPNOTSUPP for an rseq area without CONFIG_RSEQ, or an error of
 * reading the image.
 */
int restore_task(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_task *h = &ctx->rs->task;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_TASK, h, sizeof(*h));
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
	/* the rule of prctl(PR_SET_IO_FLUSHER), for the restarter */
	if (h->task_flags & CKPT_TASK_IO_FLUSHER &&
	    !capable(CAP_SYS_RESOURCE)) {
		ckpt_log(ctx, -EPERM,
			 "task: prctl(PR_SET_IO_FLUSHER) needs CAP_SYS_RESOURCE");
		return -EPERM;
	}
	if (h->exit_signal >= _NSIG) {
		ckpt_log(ctx, ret, "task: bad exit signal %u", h->exit_signal);
		return ret;
	}
	ret = ckpt_check_task_attrs(ctx, h) ?: ckpt_cpus_here(ctx, h);
	if (ret)
		return ret;
	ret = -EINVAL;
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

/*
 * Put current back into the group stop of its process: with
 * JOBCTL_STOP_PENDING and no JOBCTL_STOP_CONSUME, it stops on its way to
 * user mode without telling the parent again, as a thread that joins a
 * stop already complete; the leader marks the process stopped, with the
 * stop waitpid(WUNTRACED) has yet to report, and wakes a parent already
 * waiting for it (RESTART_TASKSELF: the restarter's parent) without
 * sending it SIGCHLD again. SIGCONT ends the stop as any stop.
 */
static void restore_task_stop(const struct ckpt_hdr_task *h, bool leader)
{
	struct signal_struct *sig = current->signal;

	if (!h->stop_signal && !(h->stop_flags & CKPT_STOP_CONTINUED))
		return;
	spin_lock_irq(&current->sighand->siglock);
	if (h->stop_signal) {
		if (leader) {
			signal_set_stop_flags(sig, SIGNAL_STOP_STOPPED);
			sig->group_exit_code = h->stop_code;
		}
		task_set_jobctl_pending(current,
					JOBCTL_STOP_PENDING | h->stop_signal);
		recalc_sigpending();
	} else if (leader) {
		signal_set_stop_flags(sig, SIGNAL_STOP_CONTINUED);
	}
	spin_unlock_irq(&current->sighand->siglock);
	if (leader && (h->stop_code || h->stop_flags & CKPT_STOP_CONTINUED)) {
		read_lock(&tasklist_lock);
		__wake_up_parent(current, current->parent);
		read_unlock(&tasklist_lock);
	}
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
 * A stopped process is put back into its stop, last.
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
	restore_task_stop(h, rs->leader);
}

static void ckpt_sched_attr_of(struct task_struct *t, struct sched_attr *a)
{
	a->size = sizeof(*a);
	a->sched_policy = t->policy;
	a->sched_nice = task_nice(t);
	a->sched_priority = ckpt_rt_policy(t->policy) ? t->rt_priority : 0;
	a->sched_flags = t->sched_reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0;
}

/*
 * The policy, nice value and priority through sched_setattr(), with its
 * permission checks (CAP_SYS_NICE or RLIMIT_NICE/RLIMIT_RTPRIO to gain
 * priority) and LSM hook. A real-time task's nice value is set first,
 * under SCHED_NORMAL, as a program sets it before switching; if the
 * switch is refused, the first step is undone.
 */
static int ckpt_set_sched(struct ckpt_rstate *rs)
{
	const struct ckpt_hdr_task *h = &rs->task;
	bool rt = ckpt_rt_policy(h->policy);
	struct sched_attr attr = {}, old = {};
	int ret;

	ckpt_sched_attr_of(current, &old);
	attr.size = sizeof(attr);
	attr.sched_policy = rt ? SCHED_NORMAL : h->policy;
	attr.sched_nice = h->nice;
	if (h->task_flags & CKPT_TASK_RESET_ON_FORK)
		attr.sched_flags = SCHED_FLAG_RESET_ON_FORK;
	ret = sched_setattr(current, &attr);
	if (ret || !rt)
		return ret;
	attr.sched_policy = h->policy;
	attr.sched_priority = h->rt_priority;
	ret = sched_setattr(current, &attr);
	if (ret)
		sched_setattr_nocheck(current, &old);
	return ret;
}

/* The I/O priority, as ioprio_set(IOPRIO_WHO_PROCESS, 0) sets it */
static int ckpt_set_ioprio(struct ckpt_ctx *ctx, const struct ckpt_hdr_task *h,
			   int *old)
{
	int ret = 0;

	*old = IOPRIO_DEFAULT;
#ifdef CONFIG_BLOCK
	task_lock(current);
	if (current->io_context)
		*old = current->io_context->ioprio;
	task_unlock(current);
	if (h->ioprio == *old)
		return 0;
	ret = ioprio_check_cap(h->ioprio) ?:
	      set_task_ioprio(current, h->ioprio);
	if (ret)
		ckpt_log(ctx, ret, "task: cannot set I/O priority class %u level %u",
			 (u32)IOPRIO_PRIO_CLASS(h->ioprio),
			 (u32)IOPRIO_PRIO_LEVEL(h->ioprio));
#else
	if (h->ioprio) {
		ret = -EOPNOTSUPP;
		ckpt_log(ctx, ret, "task: an I/O priority needs CONFIG_BLOCK");
	}
#endif
	return ret;
}

/*
 * The CPU affinity, through sched_setaffinity() and the cpuset of the
 * restarter. A task that had none gets none, even from a restarter that
 * has one (its children would inherit it): every CPU.
 */
static int ckpt_set_affinity(struct ckpt_ctx *ctx, const struct ckpt_hdr_task *h)
{
	cpumask_var_t mask;
	int ret;

	/* only a test for NULL; sched_setaffinity() takes the locks */
	if (!h->nr_cpus && !data_race(current->user_cpus_ptr))
		return 0;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	if (h->nr_cpus)
		bitmap_from_arr64(cpumask_bits(mask), h->cpus,
				  min_t(unsigned int, h->nr_cpus, nr_cpu_ids));
	else
		cpumask_copy(mask, cpu_possible_mask);
	ret = sched_setaffinity(0, mask);
	if (ret)
		ckpt_log(ctx, ret, "task: cannot set CPU affinity %*pbl",
			 cpumask_pr_args(mask));
	free_cpumask_var(mask);
	return ret;
}

/**
 * restore_task_attrs() - set scheduling, I/O priority, CPU affinity and
 *			  oom_score_adj as their system calls would
 * @ctx: restart context
 * @rs: the task's staged state
 *
 * Run by the restored task itself, with the restarter's credentials
 * still: gaining priority or lowering oom_score_adj needs what the
 * restarter would need (CAP_SYS_NICE, RLIMIT_NICE or RLIMIT_RTPRIO;
 * CAP_SYS_ADMIN or CAP_SYS_NICE for a real-time I/O priority;
 * CAP_SYS_RESOURCE below oom_score_adj_min), and the affinity stays
 * within the restarter's cpuset. On failure nothing is changed, so that
 * RESTART_TASKSELF can still return the error.
 *
 * Return: 0, or with a log line -EPERM (scheduling, I/O priority),
 * -EACCES (oom_score_adj), -EINVAL (an affinity with no CPU of the
 * cpuset), -EOPNOTSUPP for a non-zero oom_score_adj without procfs or an
 * I/O priority without CONFIG_BLOCK, -ENOMEM.
 */
int restore_task_attrs(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	const struct ckpt_hdr_task *h = &rs->task;
	int old_adj = current->signal->oom_score_adj;
	struct sched_attr old_sched = {};
	int old_ioprio, ret;

	ckpt_sched_attr_of(current, &old_sched);
	if (rs->leader && h->oom_score_adj != old_adj) {
		ret = set_task_oom_score_adj(current, h->oom_score_adj);
		if (ret) {
			ckpt_log(ctx, ret, "task: cannot set oom_score_adj %d",
				 h->oom_score_adj);
			return ret;
		}
	}
	ret = ckpt_set_sched(rs);
	if (ret) {
		ckpt_log(ctx, ret,
			 "task: cannot set scheduling policy %u, nice %d, priority %u",
			 h->policy, h->nice, h->rt_priority);
		goto undo_adj;
	}
	ret = ckpt_set_ioprio(ctx, h, &old_ioprio);
	if (ret)
		goto undo_sched;
	ret = ckpt_set_affinity(ctx, h);
	if (ret)
		goto undo_ioprio;
	if (!ckpt_rt_policy(h->policy))
		current->timer_slack_ns = h->timer_slack_ns ?:
					  current->default_timer_slack_ns;
	return 0;
undo_ioprio:
#ifdef CONFIG_BLOCK
	if (h->ioprio != old_ioprio)
		set_task_ioprio(current, old_ioprio);
#endif
undo_sched:
	sched_setattr_nocheck(current, &old_sched);
undo_adj:
	if (rs->leader && h->oom_score_adj != old_adj)
		set_task_oom_score_adj(current, old_adj);
	return ret;
}

/**
 * restore_task_process_commit() - process attributes set before children
 * @ctx: restart context
 * @rs: the leader's staged state, its mm installed
 *
 * The child subreaper flag goes first, as children created afterwards
 * inherit that they have one, as after prctl(PR_SET_CHILD_SUBREAPER).
 */
void restore_task_process_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	struct mm_struct *mm = current->mm;

	current->signal->is_child_subreaper =
		!!(rs->task.task_flags & CKPT_TASK_SUBREAPER);
	mmap_write_lock(mm);
	if (rs->task.task_flags & CKPT_TASK_THP_DISABLE)
		set_bit(MMF_DISABLE_THP, &mm->flags);
	else
		clear_bit(MMF_DISABLE_THP, &mm->flags);
	mmap_write_unlock(mm);
}

/**
 * restore_task_late_commit() - what installing credentials resets
 * @ctx: restart context
 * @rs: the task's staged state
 *
 * commit_creds() resets the parent-death signal and the dumpable mode
 * when ids change: set them after the restored credentials. Every task
 * of a process sets the same dumpable mode of their mm. The task's
 * PR_SET_IO_FLUSHER and PR_MCE_KILL settings go with them.
 */
void restore_task_late_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	u32 flags = rs->task.task_flags;

	current->pdeath_signal = rs->task.pdeath_signal;
	set_dumpable(current->mm, rs->task.dumpable);
	/*
	 * prctl(PR_SET_IO_FLUSHER) (its privilege checked when the record
	 * was read) and PR_MCE_KILL: set as the image has them, whatever
	 * the restarter passed on to the task it made
	 */
	current->flags &= ~(CKPT_PF_IO_FLUSHER | PF_MCE_PROCESS | PF_MCE_EARLY);
	if (flags & CKPT_TASK_IO_FLUSHER)
		current->flags |= CKPT_PF_IO_FLUSHER;
	if (flags & CKPT_TASK_MCE_KILL)
		current->flags |= PF_MCE_PROCESS;
	if (flags & CKPT_TASK_MCE_EARLY)
		current->flags |= PF_MCE_EARLY;
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

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_ioprio_test {
	const char *desc;
	u32 ioprio;
	bool ok;
};

static const struct ckpt_ioprio_test ckpt_ioprio_tests[] = {
	{ .desc = "none", .ok = true },
	{ .desc = "RT 0", .ioprio = IOPRIO_CLASS_RT << 13, .ok = true },
	{ .desc = "BE 7", .ioprio = IOPRIO_CLASS_BE << 13 | 7, .ok = true },
	{ .desc = "IDLE", .ioprio = IOPRIO_CLASS_IDLE << 13, .ok = true },
	{ .desc = "BE 4 with a hint", .ioprio = IOPRIO_CLASS_BE << 13 | 1 << 3 | 4,
	  .ok = true },
	{ .desc = "NONE with a level", .ioprio = 1 },
	{ .desc = "NONE, level 7", .ioprio = 7 },
	{ .desc = "class 4", .ioprio = 4 << 13 },
	{ .desc = "class 7", .ioprio = 7 << 13 | 7 },
	{ .desc = "above 16 bits", .ioprio = 0x10000 },
	{ .desc = "BE above 16 bits", .ioprio = 0x10000 | IOPRIO_CLASS_BE << 13 },
	{ .desc = "all ones", .ioprio = U32_MAX },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_ioprio, ckpt_ioprio_tests, desc);

static void ckpt_test_ioprio_ok(struct kunit *test)
{
	const struct ckpt_ioprio_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_ioprio_ok(t->ioprio), t->ok);
}

/* nr_cpus and the first two words of the mask */
struct ckpt_cpus_test {
	const char *desc;
	u32 nr_cpus;
	u64 w0, w1, w15;
	bool ok;
};

static const struct ckpt_cpus_test ckpt_cpus_tests[] = {
	{ .desc = "no affinity", .ok = true },
	{ .desc = "CPU 0 of 1", .nr_cpus = 1, .w0 = 1, .ok = true },
	{ .desc = "CPU 1 of 2", .nr_cpus = 2, .w0 = 2, .ok = true },
	{ .desc = "CPUs 0-63 of 64", .nr_cpus = 64, .w0 = U64_MAX, .ok = true },
	{ .desc = "CPU 64 of 65", .nr_cpus = 65, .w1 = 1, .ok = true },
	{ .desc = "CPU 1023 of 1024", .nr_cpus = 1024, .w15 = 1ULL << 63,
	  .ok = true },
	{ .desc = "a CPU with nr_cpus 0", .w0 = 1 },
	{ .desc = "CPU 2 of 2", .nr_cpus = 2, .w0 = 4 },
	{ .desc = "CPU 63 of 2", .nr_cpus = 2, .w0 = 1ULL << 63 },
	{ .desc = "CPU 64 of 64", .nr_cpus = 64, .w1 = 1 },
	{ .desc = "CPU 1023 of 1023", .nr_cpus = 1023, .w15 = 1ULL << 63 },
	{ .desc = "no CPU of 2", .nr_cpus = 2 },
	{ .desc = "no CPU of 1024", .nr_cpus = 1024 },
	{ .desc = "1025 CPUs", .nr_cpus = 1025, .w0 = 1 },
	{ .desc = "U32_MAX CPUs", .nr_cpus = U32_MAX, .w0 = 1 },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_cpus, ckpt_cpus_tests, desc);

static void ckpt_test_cpus_ok(struct kunit *test)
{
	const struct ckpt_cpus_test *t = test->param_value;
	struct ckpt_hdr_task *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	h->nr_cpus = t->nr_cpus;
	h->cpus[0] = t->w0;
	h->cpus[1] = t->w1;
	h->cpus[15] = t->w15;
	KUNIT_EXPECT_EQ(test, ckpt_cpus_ok(h), t->ok);
}

static struct kunit_case ckpt_task_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_ioprio_ok, ckpt_ioprio_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_cpus_ok, ckpt_cpus_gen_params),
	{}
};

static struct kunit_suite ckpt_task_test_suite = {
	.name = "ckpt_task",
	.test_cases = ckpt_task_test_cases,
};

kunit_test_suite(ckpt_task_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
