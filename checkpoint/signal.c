// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signals: the handlers (sighand), and per task the blocked mask, the
 * alternate signal stack and the pending signals with their siginfo.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "internal.h"

/**
 * checkpoint_sighand() - write the SIGHAND record of @t
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, -ENOMEM, or an error of writing the image.
 */
int checkpoint_sighand(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_sighand *h;
	int i, ret;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->nr_signals = _NSIG;
	spin_lock_irq(&t->sighand->siglock);
	for (i = 0; i < _NSIG; i++) {
		struct k_sigaction *k = &t->sighand->action[i];

		h->action[i].handler = (unsigned long)k->sa.sa_handler;
		h->action[i].flags = k->sa.sa_flags;
		h->action[i].restorer = (unsigned long)k->sa.sa_restorer;
		h->action[i].mask = k->sa.sa_mask.sig[0];
	}
	spin_unlock_irq(&t->sighand->siglock);
	ret = ckpt_write_obj(ctx, &h->h, CKPT_HDR_SIGHAND, sizeof(*h));
	kfree(h);
	return ret;
}

/**
 * restore_sighand() - read and validate the SIGHAND record
 * @ctx: restart context
 *
 * Handlers and restorers must be user addresses (or SIG_DFL/SIG_IGN),
 * flags the ones sigaction() accepts; SIGKILL and SIGSTOP stay default.
 *
 * Return: 0 with the handlers staged in ctx->rs, -EINVAL (with a log
 * line) for a malformed record, -ENOMEM, or an error of reading the image.
 */
int restore_sighand(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_sighand *h;
	int i, ret;

	h = kmalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	ret = ckpt_read_obj(ctx, CKPT_HDR_SIGHAND, h, sizeof(*h));
	if (ret)
		goto out;
	ret = -EINVAL;
	if (h->nr_signals != _NSIG || h->__reserved)
		goto bad;
	for (i = 0; i < _NSIG; i++) {
		const struct ckpt_sigaction *a = &h->action[i];
		struct k_sigaction *k = &ctx->rs->action[i];
		int sig = i + 1;

		if (a->handler >= TASK_SIZE || a->restorer >= TASK_SIZE ||
		    a->flags & ~(u64)UAPI_SA_FLAGS)
			goto bad;
		if (sig_kernel_only(sig) &&
		    (a->handler != (unsigned long)SIG_DFL || a->flags))
			goto bad;
		k->sa.sa_handler = (__sighandler_t)(unsigned long)a->handler;
		k->sa.sa_flags = a->flags;
		k->sa.sa_restorer = (__sigrestore_t)(unsigned long)a->restorer;
		k->sa.sa_mask.sig[0] = a->mask;
		sigdelsetmask(&k->sa.sa_mask, sigmask(SIGKILL) | sigmask(SIGSTOP));
	}
	ret = 0;
	goto out;
bad:
	ckpt_log(ctx, ret, "sighand: bad record");
out:
	kfree(h);
	return ret;
}

static void ckpt_fill_pending(struct ckpt_siginfo *out, unsigned int *n,
			      unsigned int max, struct sigpending *p, u32 flags)
{
	struct sigqueue *q;
	sigset_t seen;
	int sig;

	sigemptyset(&seen);
	list_for_each_entry(q, &p->list, list) {
		if (*n < max) {
			out[*n].flags = flags;
			copy_siginfo_to_external((siginfo_t *)out[*n].info,
						 &q->info);
		}
		(*n)++;
		sigaddset(&seen, q->info.si_signo);
	}
	/* a pending bit without a queued siginfo (allocation failed) */
	for (sig = 1; sig <= _NSIG; sig++) {
		kernel_siginfo_t info;

		if (!sigismember(&p->signal, sig) || sigismember(&seen, sig))
			continue;
		if (*n < max) {
			clear_siginfo(&info);
			info.si_signo = sig;
			info.si_code = SI_KERNEL;
			out[*n].flags = flags;
			copy_siginfo_to_external((siginfo_t *)out[*n].info,
						 &info);
		}
		(*n)++;
	}
}

/**
 * checkpoint_signal() - write the SIGNAL record of @t
 * @ctx: checkpoint context
 * @t: the task
 *
 * The blocked mask is the one the task had when checkpoint() was called
 * (self checkpoint blocks SIGPIPE while writing the image).
 *
 * Return: 0, -EOPNOTSUPP (with a log line) for more than CKPT_MAX_PENDING
 * pending signals, -ENOMEM, or an error of writing the image.
 */
int checkpoint_signal(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_signal h = {};
	struct ckpt_siginfo *si;
	unsigned int n = 0, max = 0;
	bool shared = thread_group_leader(t);
	int ret;

	spin_lock_irq(&t->sighand->siglock);
	ckpt_fill_pending(NULL, &max, 0, &t->pending, 0);
	if (shared)
		ckpt_fill_pending(NULL, &max, 0, &t->signal->shared_pending, 0);
	spin_unlock_irq(&t->sighand->siglock);
	if (max > CKPT_MAX_PENDING) {
		ckpt_log(ctx, -EOPNOTSUPP, "more than %u pending signals",
			 CKPT_MAX_PENDING);
		return -EOPNOTSUPP;
	}
	si = kvcalloc(max ?: 1, sizeof(*si), GFP_KERNEL);
	if (!si)
		return -ENOMEM;
	spin_lock_irq(&t->sighand->siglock);
	ckpt_fill_pending(si, &n, max, &t->pending, 0);
	if (shared)
		ckpt_fill_pending(si, &n, max, &t->signal->shared_pending,
				  CKPT_SIGINFO_SHARED);
	/*
	 * In sigsuspend() and friends the blocked mask is temporary; the
	 * task's own is the saved one, and the syscall restarts with its
	 * temporary mask as an argument.
	 */
	if (ctx->have_saved_blocked && t == current)
		h.blocked = ctx->saved_blocked.sig[0];
	else if (test_tsk_restore_sigmask(t))
		h.blocked = t->saved_sigmask.sig[0];
	else
		h.blocked = t->blocked.sig[0];
	h.sas_ss_sp = t->sas_ss_sp;
	h.sas_ss_size = t->sas_ss_size;
	h.sas_ss_flags = t->sas_ss_flags;
	spin_unlock_irq(&t->sighand->siglock);
	h.nr_pending = min(n, max);
	ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_SIGNAL, sizeof(h), si,
				  h.nr_pending * sizeof(*si));
	kvfree(si);
	return ret;
}

static bool ckpt_altstack_ok(const struct ckpt_hdr_signal *h)
{
	u32 mode = h->sas_ss_flags & ~SS_FLAG_BITS;

	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return false;
	if (mode == SS_DISABLE || h->sas_ss_size == 0)
		return h->sas_ss_sp == 0 && h->sas_ss_size == 0;
	return h->sas_ss_size >= MINSIGSTKSZ &&
	       h->sas_ss_size <= TASK_SIZE &&
	       h->sas_ss_sp <= TASK_SIZE - h->sas_ss_size;
}

/**
 * restore_signal() - read and validate the SIGNAL record
 * @ctx: restart context
 *
 * Return: 0 with the blocked mask, altstack and pending signals staged
 * in ctx->rs, -EINVAL (with a log line) for a malformed record, -ENOMEM,
 * or an error of reading the image.
 */
int restore_signal(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = ctx->rs;
	const struct ckpt_siginfo *si;
	struct ckpt_hdr_signal *h;
	unsigned int i;
	int ret;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_SIGNAL, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->nr_pending > CKPT_MAX_PENDING ||
	    h->h.len != sizeof(*h) + h->nr_pending * sizeof(*si) ||
	    !ckpt_altstack_ok(h))
		goto bad;
	rs->blocked.sig[0] = h->blocked;
	sigdelsetmask(&rs->blocked, sigmask(SIGKILL) | sigmask(SIGSTOP));
	rs->sas_ss_sp = h->sas_ss_sp;
	rs->sas_ss_size = h->sas_ss_size;
	rs->sas_ss_flags = h->sas_ss_flags;
	ret = -ENOMEM;
	rs->pending = kvcalloc(h->nr_pending ?: 1, sizeof(*rs->pending),
			       GFP_KERNEL);
	if (!rs->pending)
		goto out;
	si = (const struct ckpt_siginfo *)(h + 1);
	ret = -EINVAL;
	for (i = 0; i < h->nr_pending; i++) {
		struct ckpt_pending *p = &rs->pending[i];

		if (si[i].flags & ~CKPT_SIGINFO_SHARED || si[i].__reserved)
			goto bad;
		memcpy(&p->info, si[i].info, sizeof(p->info));
		if (!valid_signal(p->info.si_signo) || p->info.si_signo == 0)
			goto bad;
		/* a plain signal now: never a request to rearm a timer */
		if (p->info.si_code == SI_TIMER)
			p->info.si_sys_private = 0;
		p->shared = si[i].flags & CKPT_SIGINFO_SHARED;
	}
	rs->nr_pending = h->nr_pending;
	ret = 0;
	goto out;
bad:
	ckpt_log(ctx, ret, "signal: bad record");
out:
	kvfree(h);
	return ret;
}

/**
 * restore_sighand_commit() - install a process's signal handlers
 * @ctx: restart context
 * @rs: the process's staged state
 */
void restore_sighand_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	int sig;

	for (sig = 1; sig <= _NSIG; sig++) {
		if (sig_kernel_only(sig))
			continue;
		do_sigaction(sig, &rs->action[sig - 1], NULL);
	}
}

/**
 * restore_signal_commit() - install blocked mask, altstack and pending
 * @ctx: restart context
 * @rs: the task's staged state
 *
 * The restarter's own pending signals are dropped; the image's pending
 * signals are queued again with their siginfo and get delivered when the
 * restored program returns to user mode. Done after the task created its
 * children: fork fails while a signal is pending.
 */
void restore_signal_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	unsigned int i;

	spin_lock_irq(&current->sighand->siglock);
	flush_sigqueue(&current->pending);
	if (rs->leader)
		flush_sigqueue(&current->signal->shared_pending);
	recalc_sigpending();
	spin_unlock_irq(&current->sighand->siglock);
	set_current_blocked(&rs->blocked);
	current->sas_ss_sp = rs->sas_ss_sp;
	current->sas_ss_size = rs->sas_ss_size;
	current->sas_ss_flags = rs->sas_ss_flags;
	for (i = 0; i < rs->nr_pending; i++) {
		struct ckpt_pending *p = &rs->pending[i];

		do_send_sig_info(p->info.si_signo, &p->info, current,
				 p->shared ? PIDTYPE_TGID : PIDTYPE_PID);
	}
	if (rs->leader)
		restore_itimer_commit(ctx, rs);
}

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>
#include <linux/sizes.h>

/* An altstack; with @sp_top or @size_top that value is TASK_SIZE + it */
struct ckpt_altstack_test {
	const char *desc;
	u32 flags;
	u64 sp, size;
	bool sp_top, size_top;
	bool ok;
};

static const struct ckpt_altstack_test ckpt_altstack_tests[] = {
	/* accepted */
	{ .desc = "disabled", .flags = SS_DISABLE, .ok = true },
	{ .desc = "disabled, SS_AUTODISARM",
	  .flags = SS_DISABLE | SS_AUTODISARM, .ok = true },
	{ .desc = "none, mode 0", .flags = 0, .ok = true },
	{ .desc = "none, SS_ONSTACK", .flags = SS_ONSTACK, .ok = true },
	{ .desc = "a stack", .sp = 0x7f0000000000, .size = SZ_8K, .ok = true },
	{ .desc = "a stack, SS_ONSTACK", .flags = SS_ONSTACK,
	  .sp = 0x7f0000000000, .size = SZ_8K, .ok = true },
	{ .desc = "a stack, SS_AUTODISARM", .flags = SS_AUTODISARM,
	  .sp = 0x7f0000000000, .size = SZ_8K, .ok = true },
	{ .desc = "a stack, SS_ONSTACK | SS_AUTODISARM",
	  .flags = SS_ONSTACK | SS_AUTODISARM, .sp = 0x7f0000000000,
	  .size = SZ_8K, .ok = true },
	{ .desc = "MINSIGSTKSZ bytes", .sp = 0x7f0000000000,
	  .size = MINSIGSTKSZ, .ok = true },
	{ .desc = "at 0", .sp = 0, .size = SZ_8K, .ok = true },
	{ .desc = "unaligned", .sp = 0x7f0000000001, .size = SZ_8K + 1,
	  .ok = true },
	{ .desc = "ends at TASK_SIZE", .sp = -SZ_8K, .sp_top = true,
	  .size = SZ_8K, .ok = true },
	{ .desc = "all of TASK_SIZE", .sp = 0, .size = 0, .size_top = true,
	  .ok = true },
	/* refused */
	{ .desc = "SS_ONSTACK | SS_DISABLE", .flags = SS_ONSTACK | SS_DISABLE },
	{ .desc = "unknown mode 4", .flags = 4, .sp = 0x7f0000000000,
	  .size = SZ_8K },
	{ .desc = "unknown flag bit 30", .flags = BIT(30),
	  .sp = 0x7f0000000000, .size = SZ_8K },
	{ .desc = "disabled with an address", .flags = SS_DISABLE,
	  .sp = 0x7f0000000000 },
	{ .desc = "disabled with a size", .flags = SS_DISABLE, .size = SZ_8K },
	{ .desc = "disabled with a stack", .flags = SS_DISABLE,
	  .sp = 0x7f0000000000, .size = SZ_8K },
	{ .desc = "an address without a size", .sp = 0x7f0000000000 },
	{ .desc = "MINSIGSTKSZ - 1 bytes", .sp = 0x7f0000000000,
	  .size = MINSIGSTKSZ - 1 },
	{ .desc = "one byte", .sp = 0x7f0000000000, .size = 1 },
	{ .desc = "ends a byte after TASK_SIZE", .sp = -SZ_8K + 1,
	  .sp_top = true, .size = SZ_8K },
	{ .desc = "starts at TASK_SIZE", .sp = 0, .sp_top = true,
	  .size = SZ_8K },
	{ .desc = "size TASK_SIZE + 1", .sp = 0, .size = 1,
	  .size_top = true },
	{ .desc = "sp + size wraps", .sp = -SZ_4K, .size = SZ_8K },
	{ .desc = "size U64_MAX", .sp = 0x7f0000000000, .size = U64_MAX },
	{ .desc = "a kernel address", .sp = 0xffff888000000000ULL,
	  .size = SZ_8K },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_altstack, ckpt_altstack_tests, desc);

static void ckpt_test_altstack_ok(struct kunit *test)
{
	const struct ckpt_altstack_test *t = test->param_value;
	struct ckpt_hdr_signal h = {
		.h.type = CKPT_HDR_SIGNAL,
		.h.len = sizeof(h),
		.sas_ss_flags = t->flags,
		.sas_ss_sp = t->sp + (t->sp_top ? TASK_SIZE : 0),
		.sas_ss_size = t->size + (t->size_top ? TASK_SIZE : 0),
	};

	KUNIT_EXPECT_EQ(test, ckpt_altstack_ok(&h), t->ok);
}

static struct kunit_case ckpt_signal_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_altstack_ok, ckpt_altstack_gen_params),
	{}
};

static struct kunit_suite ckpt_signal_test_suite = {
	.name = "ckpt_signal",
	.test_cases = ckpt_signal_test_cases,
};

kunit_test_suite(ckpt_signal_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
