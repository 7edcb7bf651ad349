// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86-64 CPU state: user registers, fs/gs base, FPU/xstate, the vDSO.
 *
 * Restored registers are validated like sigreturn does: user selectors
 * only, canonical user rip/rsp, only the user-changeable rflags bits. FPU
 * state goes through the kernel's xstate uabi copy helper, which rejects
 * unsupported features and reserved bits. The task is current, so
 * registers are set the way sigreturn sets them, never through the ptrace
 * setters.
 */
#include <linux/checkpoint.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/regset.h>
#include <linux/xxhash.h>
#include <linux/task_work.h>
#include <linux/freezer.h>
#include <linux/entry-common.h>
#include <linux/nospec.h>
#include <asm/syscall.h>
#include <asm/syscall_wrapper.h>
#include <asm/unistd.h>
#include <linux/hrtimer.h>
#include <linux/restart_block.h>
#include <linux/timekeeping.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/fsgsbase.h>
#include <asm/proto.h>
#include <asm/prctl.h>
#include <asm/sighandling.h>
#include <asm/vdso.h>
#include <asm/fpu/api.h>
#include <asm/fpu/regset.h>
#include <asm/fpu/xstate.h>
#include <asm/fpu/signal.h>

#define CKPT_USER_EFLAGS	(FIX_EFLAGS | X86_EFLAGS_ID)

/**
 * struct ckpt_late - rax of a restored task, written by task work
 * @cb:	the task work, run on the way out to user mode
 * @ax:	the value
 *
 * The syscall return path (restart) and ret_from_fork() (tasks restart
 * creates) both overwrite rax after the restore; task work runs after
 * them, at the start of the signal path on the way out, and keeps every
 * other register.
 */
struct ckpt_late {
	struct callback_head cb;
	u64 ax;
};

static void ckpt_late_fn(struct callback_head *cb)
{
	struct ckpt_late *l = container_of(cb, struct ckpt_late, cb);

	current_pt_regs()->ax = l->ax;
	kfree(l);
}

/**
 * ckpt_take_late() - take a restored task's struct ckpt_late
 * @rs: the task's staged state
 *
 * Return: the preallocated struct, now owned by the caller (the staged
 * state may be freed before the task returns to user mode).
 */
struct ckpt_late *ckpt_take_late(struct ckpt_rstate *rs)
{
	struct ckpt_late *l = rs->late;

	rs->late = NULL;
	return l;
}

static bool ckpt_interrupted_call(const struct pt_regs *regs)
{
	if ((long)regs->orig_ax < 0)
		return false;
	switch ((long)regs->ax) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return true;
	}
	return false;
}

/*
 * Enter again the system call the task was stopped in, from here, as the
 * signal path would have the task do from user mode when no signal is
 * pending: the same arguments, through the same entry work (seccomp,
 * tracing, audit), and the restart block for -ERESTART_RESTARTBLOCK.
 */
static void ckpt_reenter_call(struct pt_regs *regs)
{
	long nr = regs->orig_ax;

	if ((long)regs->ax == -ERESTART_RESTARTBLOCK) {
		nr = __NR_restart_syscall;
		regs->orig_ax = nr;
	}
	/* what the entry code presets, kept by a call skipped below */
	regs->ax = __x64_sys_ni_syscall(regs);
	nr = syscall_enter_from_user_mode_work(regs, nr);
	if (nr >= 0 && nr < NR_syscalls)
		regs->ax = x64_sys_call(regs, array_index_nospec(nr, NR_syscalls));
	/* -1: skipped by seccomp or a tracer, which set rax */
}

/**
 * ckpt_resume_user() - send a restored task on its way to user mode
 * @late: the task's struct ckpt_late (ckpt_take_late()); freed here
 * @resume_call: resume an interrupted system call in the kernel
 *
 * The registers are loaded already (restore_cpu_commit()). A task that
 * was stopped in a system call (rax holds its -ERESTART* code) goes back
 * into it on the signal path, which restarts the call or, for a handler,
 * ends it with -EINTR as the kernel decides. But the signal path decides
 * once: a signal that comes after it let the call restart and before the
 * task entered the call again runs its handler and the call restarts
 * anyway, as after a thaw. For a tree that restart() hands back, whose
 * caller may signal it the moment restart() returns, that window is a
 * lost -EINTR. With @resume_call, a task with no signal pending therefore
 * enters the call again here, before it leaves the kernel: a signal sent
 * at any later time finds it inside the call, as it was when frozen. A
 * task with a signal pending still takes the signal path first.
 */
void ckpt_resume_user(struct ckpt_late *late, bool resume_call)
{
	struct pt_regs *regs = current_pt_regs();

	if (resume_call && ckpt_interrupted_call(regs) &&
	    !signal_pending(current))
		ckpt_reenter_call(regs);
	late->ax = regs->ax;
	init_task_work(&late->cb, ckpt_late_fn);
	/*
	 * TWA_SIGNAL: run from get_signal(), so that the signal path sees the
	 * restored rax and restarts an interrupted call (or not) after it.
	 */
	if (task_work_add(current, &late->cb, TWA_SIGNAL))
		kfree(late);	/* exiting: the task never returns to user */
}

/**
 * ckpt_free_late() - free an unused struct ckpt_late
 * @rs: the task's staged state
 */
void ckpt_free_late(struct ckpt_rstate *rs)
{
	kfree(rs->late);
	rs->late = NULL;
}

/*
 * The v1 freezer stops a task sleeping in a freezable wait where it is,
 * inside the system call (__set_task_frozen() keeps the sleep's state,
 * TASK_FREEZABLE included, in saved_state; the refrigerator on the
 * signal path leaves TASK_RUNNING there). The v2 freezer always takes a
 * task to the signal path, where rax holds the call's -ERESTART* code.
 * A call frozen in place is restarted from its beginning, which is exact
 * for the waits that can be frozen so and have no side effect before they
 * sleep; a relative timeout starts over. Anything else is refused.
 */
static bool ckpt_frozen_in_syscall(struct task_struct *t,
				   const struct pt_regs *regs)
{
	return t != current && !t->frozen && frozen(t) &&
	       (READ_ONCE(t->saved_state) & TASK_FREEZABLE) &&
	       (long)regs->orig_ax >= 0;
}

static bool ckpt_restartable_in_place(unsigned long nr)
{
	switch (nr) {
	case __NR_nanosleep:
	case __NR_clock_nanosleep:
	case __NR_futex:
	case __NR_futex_waitv:
	case __NR_futex_wait:
	case __NR_wait4:
	case __NR_waitid:
		return true;
	}
	return false;
}

/**
 * ckpt_arch_check_task() - refuse x86 state that cannot be saved yet
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, -EOPNOTSUPP for a 32-bit task, an I/O bitmap, an LDT, fs/gs
 * selectors, a CPU without XSAVE or a restart block that cannot be saved,
 * or -EBUSY for a task the v1 freezer stopped inside a system call that
 * cannot be restarted; each error comes with a log line.
 */
int ckpt_arch_check_task(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct pt_regs *regs = task_pt_regs(t);
	unsigned short fsindex, gsindex;

	if (!user_64bit_mode(regs) || test_tsk_thread_flag(t, TIF_ADDR32)) {
		ckpt_log(ctx, -EOPNOTSUPP, "32-bit tasks are not supported yet");
		return -EOPNOTSUPP;
	}
	if (test_tsk_thread_flag(t, TIF_IO_BITMAP)) {
		ckpt_log(ctx, -EOPNOTSUPP, "ioperm() bitmaps are not supported");
		return -EOPNOTSUPP;
	}
#ifdef CONFIG_MODIFY_LDT_SYSCALL
	if (t->mm && READ_ONCE(t->mm->context.ldt)) {
		ckpt_log(ctx, -EOPNOTSUPP, "an LDT is not supported");
		return -EOPNOTSUPP;
	}
#endif
	if (!cpu_feature_enabled(X86_FEATURE_XSAVE)) {
		ckpt_log(ctx, -EOPNOTSUPP, "CPUs without XSAVE are not supported");
		return -EOPNOTSUPP;
	}
	if (t == current) {
		savesegment(fs, fsindex);
		savesegment(gs, gsindex);
	} else {
		fsindex = t->thread.fsindex;
		gsindex = t->thread.gsindex;
	}
	if (fsindex || gsindex) {
		ckpt_log(ctx, -EOPNOTSUPP, "fs/gs selectors are not supported");
		return -EOPNOTSUPP;
	}
	if (ckpt_frozen_in_syscall(t, regs) &&
	    !ckpt_restartable_in_place(regs->orig_ax)) {
		ckpt_log(ctx, -EBUSY,
			 "pid %d: frozen by the v1 freezer inside system call %lu, which cannot be restarted (the v2 freezer stops it where it can)",
			 task_pid_vnr(t), regs->orig_ax);
		return -EBUSY;
	}
	if ((long)regs->orig_ax >= 0 &&
	    (long)regs->ax == -ERESTART_RESTARTBLOCK) {
		struct ckpt_restart_block rb;

		return ckpt_save_restart_block(ctx, t, &rb);
	}
	return 0;
}

/**
 * checkpoint_cpu() - write the CPU record: user registers, fs/gs base
 * @ctx: checkpoint context
 * @t: the task
 *
 * For a self checkpoint, rax is recorded as 0: the value the restored
 * program sees returned from checkpoint().
 *
 * Return: 0, -EOPNOTSUPP (with a log line) for a restart block that cannot
 * be saved, or an error of writing the image.
 */
int checkpoint_cpu(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct pt_regs *regs = task_pt_regs(t);
	struct ckpt_hdr_cpu h = {};

	h.r15 = regs->r15;
	h.r14 = regs->r14;
	h.r13 = regs->r13;
	h.r12 = regs->r12;
	h.bp = regs->bp;
	h.bx = regs->bx;
	h.r11 = regs->r11;
	h.r10 = regs->r10;
	h.r9 = regs->r9;
	h.r8 = regs->r8;
	h.ax = t == current ? 0 : regs->ax;
	h.cx = regs->cx;
	h.dx = regs->dx;
	h.si = regs->si;
	h.di = regs->di;
	h.orig_ax = regs->orig_ax;
	h.ip = regs->ip;
	h.cs = regs->cs;
	h.flags = regs->flags;
	h.sp = regs->sp;
	h.ss = regs->ss;
	h.fs_base = x86_fsbase_read_task(t);
	h.gs_base = x86_gsbase_read_task(t);
	if (t == current) {
		unsigned short sel;

		savesegment(ds, sel);
		h.ds = sel;
		savesegment(es, sel);
		h.es = sel;
	} else {
		h.ds = t->thread.ds;
		h.es = t->thread.es;
	}
	if (ckpt_frozen_in_syscall(t, regs))
		h.ax = -ERESTARTNOINTR;		/* from its beginning */
	if ((long)regs->orig_ax >= 0 &&
	    (long)regs->ax == -ERESTART_RESTARTBLOCK) {
		int ret = ckpt_save_restart_block(ctx, t, &h.rb);

		if (ret)
			return ret;
	}
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_CPU, sizeof(h));
}

/**
 * restore_cpu() - read and validate the CPU record
 * @ctx: restart context
 *
 * Return: 0 with the registers staged in ctx->rs, -EINVAL (with a log
 * line) for bad segment selectors, addresses, rflags bits, system call
 * restart state or restart block, -ENOMEM, or an error of reading the
 * image.
 */
int restore_cpu(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_cpu *h = &ctx->rs->cpu;
	bool in_rb;
	int ret;

	ret = ckpt_read_obj(ctx, CKPT_HDR_CPU, h, sizeof(*h));
	if (ret)
		return ret;
	if (h->cs != __USER_CS || h->ss != __USER_DS ||
	    (h->ds && h->ds != __USER_DS) || (h->es && h->es != __USER_DS) ||
	    h->fs || h->gs) {
		ckpt_log(ctx, -EINVAL, "cpu: bad segment selectors");
		return -EINVAL;
	}
	if (h->ip >= TASK_SIZE_MAX || h->sp >= TASK_SIZE_MAX ||
	    h->fs_base >= TASK_SIZE_MAX || h->gs_base >= TASK_SIZE_MAX) {
		ckpt_log(ctx, -EINVAL, "cpu: non-canonical or kernel address");
		return -EINVAL;
	}
	if ((h->flags & ~CKPT_USER_EFLAGS) !=
	    (X86_EFLAGS_IF | X86_EFLAGS_FIXED)) {
		ckpt_log(ctx, -EINVAL, "cpu: privileged rflags bits %llx",
			 h->flags);
		return -EINVAL;
	}
	if (h->orig_ax != -1ULL && h->orig_ax >= NR_syscalls) {
		ckpt_log(ctx, -EINVAL, "cpu: bad orig_rax");
		return -EINVAL;
	}
	if ((long)h->orig_ax >= 0 &&
	    ((long)h->ax == -ERESTART_RESTARTBLOCK ||
	     (long)h->ax == -ERESTARTSYS || (long)h->ax == -ERESTARTNOINTR ||
	     (long)h->ax == -ERESTARTNOHAND) && h->ip < 2) {
		ckpt_log(ctx, -EINVAL, "cpu: bad system call restart state");
		return -EINVAL;
	}
	in_rb = (long)h->orig_ax >= 0 &&
		(long)h->ax == -ERESTART_RESTARTBLOCK;
	ret = ckpt_check_restart_block(ctx, &h->rb, in_rb);
	if (ret)
		return ret;
	ctx->rs->late = kzalloc(sizeof(*ctx->rs->late), GFP_KERNEL);
	if (!ctx->rs->late)
		return -ENOMEM;
	return 0;
}

/**
 * restore_cpu_commit() - load the validated registers into current
 * @ctx: restart context
 * @rs: the task's staged state
 *
 * current returns to user mode from restart(), or from a task created by
 * restart(), after ckpt_resume_user(); its return path loads these
 * registers. rax is rewritten on the very last step, by the task work
 * ckpt_resume_user() queues, as both paths overwrite it before. Done
 * before the task reports itself ready, so that nothing can fail once
 * restart() has decided that the tree runs.
 *
 * Return: 0, or the negative errno of setting the fs or gs base (not
 * expected: restore_cpu() checked both).
 */
int restore_cpu_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	struct ckpt_hdr_cpu *h = &rs->cpu;
	struct pt_regs *regs = current_pt_regs();
	long ret;

	regs->r15 = h->r15;
	regs->r14 = h->r14;
	regs->r13 = h->r13;
	regs->r12 = h->r12;
	regs->bp = h->bp;
	regs->bx = h->bx;
	regs->r11 = h->r11;
	regs->r10 = h->r10;
	regs->r9 = h->r9;
	regs->r8 = h->r8;
	regs->ax = h->ax;
	regs->cx = h->cx;
	regs->dx = h->dx;
	regs->si = h->si;
	regs->di = h->di;
	regs->orig_ax = h->orig_ax;
	regs->ip = h->ip;
	/* a call the task was frozen in keeps its -ERESTART* code in rax */
	if ((long)h->orig_ax >= 0 && (long)h->ax == -ERESTART_RESTARTBLOCK)
		ckpt_load_restart_block(&h->rb);	/* validated */
	regs->cs = __USER_CS;
	regs->flags = h->flags;
	regs->sp = h->sp;
	regs->ss = __USER_DS;
	ret = do_arch_prctl_64(current, ARCH_SET_FS, h->fs_base);
	if (!ret)
		ret = do_arch_prctl_64(current, ARCH_SET_GS, h->gs_base);
	return ret;
}

/**
 * checkpoint_fpu() - write the FPU record: the XSAVE buffer, uabi layout
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, -EOPNOTSUPP if this CPU's XSAVE buffer is larger than
 * CKPT_FPU_MAX, -ENOMEM, an error of xstateregs_get(), or an error of
 * writing the image.
 */
int checkpoint_fpu(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned int size = fpu_user_cfg.max_size;
	struct ckpt_hdr_fpu h = {};
	void *buf;
	int ret;

	if (size > CKPT_FPU_MAX)
		return -EOPNOTSUPP;
	buf = kvzalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = xstateregs_get(t, NULL, (struct membuf){ .p = buf, .left = size });
	if (!ret) {
		h.size = size;
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_FPU, sizeof(h),
					  buf, size);
	}
	kvfree(buf);
	return ret;
}

/**
 * restore_fpu() - read the FPU record into a buffer of this CPU's size
 * @ctx: restart context
 *
 * A smaller image buffer is zero-extended. The XSAVE header is checked
 * here; restore_fpu_load() has the kernel validate the rest.
 *
 * Return: 0 with the buffer in ctx->rs->xstate, -EINVAL (with a log line)
 * for a bad size or features this CPU does not have, -ENOMEM, or an error
 * of reading the image.
 */
int restore_fpu(struct ckpt_ctx *ctx)
{
	unsigned int max = fpu_user_cfg.max_size;
	struct xstate_header *xh;
	struct ckpt_hdr_fpu *h;
	int ret = -EINVAL;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_FPU, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (h->size > max || h->size < sizeof(struct xregs_state) ||
	    h->__reserved || h->h.len != ALIGN(sizeof(*h) + h->size, 8)) {
		ckpt_log(ctx, ret, "fpu: bad size %u (this CPU: %u)", h->size,
			 max);
		goto out;
	}
	xh = (void *)(h + 1) + offsetof(struct xregs_state, header);
	if (xh->xfeatures & ~fpu_user_cfg.max_features || xh->xcomp_bv) {
		ckpt_log(ctx, ret, "fpu: features %llx not supported here",
			 xh->xfeatures);
		goto out;
	}
	ret = -ENOMEM;
	ctx->rs->xstate = kvzalloc(max, GFP_KERNEL);
	if (!ctx->rs->xstate)
		goto out;
	memcpy(ctx->rs->xstate, h + 1, h->size);
	ctx->rs->xstate_size = max;
	ret = 0;
out:
	kvfree(h);
	return ret;
}

/**
 * restore_fpu_load() - load the image's FPU state into current
 * @ctx: restart context
 * @rs: the task's staged state
 *
 * Through fpu_load_current_uabi_xstate() (patch 0008), which validates
 * it as PTRACE_SETREGSET does; when it rejects the buffer the caller's
 * state is still intact.
 *
 * Return: 0, or -EINVAL (with a log line) when the kernel rejects the
 * state.
 */
int restore_fpu_load(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	int ret = fpu_load_current_uabi_xstate(rs->xstate);

	if (ret)
		ckpt_log(ctx, ret, "fpu: state rejected by the kernel");
	return ret;
}

/**
 * restore_fpu_check() - have the kernel validate every FPU state of the image
 * @ctx: restart context (%RESTART_VALIDATE), every task's state staged
 *
 * The kernel's own check is the one loading does: each task's state is
 * loaded into current through fpu_load_current_uabi_xstate(), then the
 * caller's own state, saved once before with xstateregs_get(), is loaded
 * back. All of it happens before current returns to user mode, so the
 * caller never runs with an image's state.
 *
 * Return: 0, -EINVAL (with a log line) when the kernel rejects a state,
 * -ENOMEM, or an error of saving or loading the caller's own state.
 */
int restore_fpu_check(struct ckpt_ctx *ctx)
{
	unsigned int size = fpu_user_cfg.max_size, i;
	void *own;
	int ret, err;

	own = kvzalloc(size, GFP_KERNEL);
	if (!own)
		return -ENOMEM;
	ret = xstateregs_get(current, NULL,
			     (struct membuf){ .p = own, .left = size });
	if (ret)
		goto out;
	/* a zombie has no FPU state */
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (ctx->rss[i].xstate)
			ret = restore_fpu_load(ctx, &ctx->rss[i]);
	/* the caller's own state, as the kernel just wrote it */
	err = fpu_load_current_uabi_xstate(own);
	ret = ret ?: err;
out:
	kvfree(own);
	return ret;
}

static u64 ckpt_vdso_hash(void)
{
	static u64 hash;

	if (!hash)
		hash = xxh64(vdso_image_64.data, vdso_image_64.size, 0) | 1;
	return hash;
}

/**
 * checkpoint_vdso() - record where the vDSO is and which one it is
 * @ctx: checkpoint context
 * @mm: the mm, mmap_lock held
 * @h: the MM record being filled
 * @vvar: the [vvar] vma, or NULL if the program unmapped it
 * @vdso: the [vdso] vma, or NULL if the program unmapped it
 *
 * What restart can rebuild: both mapped as exec mapped them (vvar right
 * below the vDSO, wherever mremap() moved the pair), or neither. A
 * program that unmapped both is restored without them (MM.vdso 0): only
 * 32-bit tasks and SGX enclave exception fixups use the stale vDSO
 * address the kernel keeps then, and its AT_SYSINFO_EHDR comes back
 * unchanged with the rest of the auxiliary vector.
 *
 * Return: 0, or -EOPNOTSUPP (with a log line) for a vDSO other than the
 * 64-bit one, or one of vvar and vDSO unmapped or moved apart.
 */
int checkpoint_vdso(struct ckpt_ctx *ctx, struct mm_struct *mm,
		    struct ckpt_hdr_mm *h, struct vm_area_struct *vvar,
		    struct vm_area_struct *vdso)
{
	const struct vdso_image *image = &vdso_image_64;
	const char *why = NULL;

	h->vdso = 0;
	if (!vvar && !vdso)
		return 0;
	if (mm->context.vdso_image != image) {
		ckpt_log(ctx, -EOPNOTSUPP, "only the 64-bit vDSO is supported");
		return -EOPNOTSUPP;
	}
	if (!vdso)
		why = "vvar is mapped without the vDSO";
	else if (!vvar)
		why = "the vDSO is mapped without its vvar";
	else if (vvar->vm_end != vdso->vm_start ||
		 vdso->vm_start - vvar->vm_start != -image->sym_vvar_start ||
		 vdso->vm_end - vdso->vm_start != image->size ||
		 vdso->vm_start != (unsigned long)mm->context.vdso)
		why = "the vDSO and its vvar were moved apart";
	if (why) {
		ckpt_log(ctx, -EOPNOTSUPP, "vDSO: %s: not supported", why);
		return -EOPNOTSUPP;
	}
	h->vdso = vdso->vm_start;
	h->vdso_size = image->size;
	h->vdso_hash = ckpt_vdso_hash();
	return 0;
}

/**
 * restore_vdso() - map the vDSO and vvar at their recorded addresses
 * @ctx: restart context
 * @h: the validated MM record
 * @vvar_start: start of the VVAR vma record
 * @vdso_end: end of the VDSO vma record
 *
 * glibc caches pointers into the vDSO, so it must come back at the same
 * address and be the same vDSO: an image from a kernel with another vDSO
 * is refused.
 *
 * Return: 0, -EINVAL for a vDSO that differs from this kernel's, vdso/vvar
 * records of the wrong size or an address that is taken, or the errno of
 * mapping the vDSO; each error comes with a log line.
 */
int restore_vdso(struct ckpt_ctx *ctx, const struct ckpt_hdr_mm *h,
		 u64 vvar_start, u64 vdso_end)
{
	const struct vdso_image *image = &vdso_image_64;
	int ret;

	if (h->vdso_size != image->size || h->vdso_hash != ckpt_vdso_hash()) {
		ckpt_log(ctx, -EINVAL,
			 "the image's vDSO differs from this kernel's");
		return -EINVAL;
	}
	if (vdso_end - h->vdso != image->size ||
	    h->vdso - vvar_start != -image->sym_vvar_start) {
		ckpt_log(ctx, -EINVAL, "vdso/vvar records have the wrong size");
		return -EINVAL;
	}
	ret = map_vdso_once(image, vvar_start);
	if (ret) {
		ckpt_log(ctx, ret, "cannot map the vDSO");
		return ret;
	}
	if ((unsigned long)current->mm->context.vdso != h->vdso) {
		ckpt_log(ctx, -EINVAL, "vDSO address %llx is taken", h->vdso);
		return -EINVAL;
	}
	return 0;
}

static const char *ckpt_vma_name(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	return NULL;
}

/**
 * ckpt_vma_is_vdso() - is @vma the vDSO text?
 * @vma: the vma
 *
 * Return: true if @vma is the "[vdso]" mapping.
 */
bool ckpt_vma_is_vdso(struct vm_area_struct *vma)
{
	const char *name = ckpt_vma_name(vma);

	return name && !strcmp(name, "[vdso]");
}

/**
 * ckpt_vma_is_vvar() - is @vma the vDSO data (vvar)?
 * @vma: the vma
 *
 * Return: true if @vma is the "[vvar]" mapping.
 */
bool ckpt_vma_is_vvar(struct vm_area_struct *vma)
{
	const char *name = ckpt_vma_name(vma);

	return name && !strcmp(name, "[vvar]");
}
