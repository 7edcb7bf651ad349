// SPDX-License-Identifier: GPL-2.0-only
/*
 * Restart blocks: a task frozen in nanosleep(), clock_nanosleep(), a futex
 * wait with a timeout or poll() leaves the system call with
 * -ERESTART_RESTARTBLOCK and the arguments to resume it with in
 * current->restart_block. They are saved by what the wait was doing (the
 * clock, the user address, the time left), never as a function pointer,
 * and restart installs the block again, so that restart_syscall() resumes
 * the wait with the time it had left.
 */
#include <linux/sched.h>
#include <linux/restart_block.h>
#include <linux/hrtimer.h>
#include <linux/futex.h>
#include <linux/poll.h>
#include <linux/timekeeping.h>
#include <linux/time_namespace.h>
#include <linux/fs.h>
#include "internal.h"

/*
 * The clocks a timeout may run on: a wait keeps the time it had left,
 * measured against the same clock after restart.
 */
static int ckpt_clock_now(clockid_t clockid, ktime_t *now)
{
	switch (clockid) {
	case CLOCK_MONOTONIC:
		*now = ktime_get();
		return 0;
	case CLOCK_REALTIME:
		*now = ktime_get_real();
		return 0;
	case CLOCK_BOOTTIME:
		*now = ktime_get_boottime();
		return 0;
	case CLOCK_TAI:
		*now = ktime_get_clocktai();
		return 0;
	}
	return -EINVAL;
}

static int ckpt_save_nanosleep(const struct restart_block *r,
			       struct ckpt_restart_block *rb)
{
	ktime_t now;

	if (r->nanosleep.type == TT_COMPAT ||
	    ckpt_clock_now(r->nanosleep.clockid, &now))
		return -EOPNOTSUPP;
	rb->kind = CKPT_RB_NANOSLEEP;
	rb->clockid = r->nanosleep.clockid;
	rb->arg = r->nanosleep.type == TT_NATIVE;
	rb->addr = (unsigned long)r->nanosleep.rmtp;
	rb->remaining = max_t(s64, 0, r->nanosleep.expires - now);
	return 0;
}

#ifdef CONFIG_FUTEX
static int ckpt_save_futex(const struct restart_block *r,
			   struct ckpt_restart_block *rb)
{
	struct futex_wait_restart_info w;
	ktime_t now;

	/* futex_wait() only builds a block for a 32-bit wait with a timeout */
	if (futex_wait_restart_get(r, &w))
		return -EOPNOTSUPP;
	rb->kind = CKPT_RB_FUTEX;
	rb->clockid = w.realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	ckpt_clock_now(rb->clockid, &now);
	rb->arg = w.shared ? CKPT_RB_FUTEX_SHARED : 0;
	rb->addr = (unsigned long)w.uaddr;
	rb->val = w.val;
	rb->bitset = w.bitset;
	rb->remaining = max_t(s64, 0, w.expires - now);
	return 0;
}
#endif

static int ckpt_save_poll(const struct restart_block *r,
			  struct ckpt_restart_block *rb)
{
	rb->kind = CKPT_RB_POLL;
	rb->clockid = CLOCK_MONOTONIC;
	rb->addr = (unsigned long)r->poll.ufds;
	rb->arg = r->poll.nfds;
	rb->remaining = -1;
	if (r->poll.has_timeout) {
		struct timespec64 end = {
			.tv_sec = r->poll.tv_sec,
			.tv_nsec = r->poll.tv_nsec,
		};

		rb->remaining = max_t(s64, 0, timespec64_to_ktime(end) -
					      ktime_get());
	}
	return 0;
}

/**
 * ckpt_save_restart_block() - describe @t's restart block
 * @ctx: checkpoint context
 * @t: a frozen task (or current) leaving a call with -ERESTART_RESTARTBLOCK
 * @rb: filled in
 *
 * Return: 0, or -EOPNOTSUPP with a log line for a block of another kind
 * or one whose clock or flags cannot be saved.
 */
int ckpt_save_restart_block(struct ckpt_ctx *ctx, struct task_struct *t,
			    struct ckpt_restart_block *rb)
{
	const struct restart_block *r = &t->restart_block;
	int ret = -EOPNOTSUPP;

	memset(rb, 0, sizeof(*rb));
	if (r->fn == hrtimer_nanosleep_restart)
		ret = ckpt_save_nanosleep(r, rb);
#ifdef CONFIG_FUTEX
	else if (r->fn == futex_wait_restart)
		ret = ckpt_save_futex(r, rb);
#endif
	else if (r->fn == do_restart_poll)
		ret = ckpt_save_poll(r, rb);
	if (ret)
		ckpt_log(ctx, ret,
			 "pid %d: frozen in a call with a restart block that cannot be saved",
			 task_pid_vnr(t));
	return ret;
}

static bool ckpt_user_addr_ok(u64 addr, u64 align)
{
	return addr && addr < TASK_SIZE_MAX && !(addr & (align - 1));
}

/**
 * ckpt_check_restart_block() - validate a restart block read from an image
 * @ctx: restart context
 * @rb: the block
 * @in_rb: whether the registers say the task left a call to be resumed
 *	   through restart_syscall()
 *
 * Everything that restart_syscall() would act on is checked here; the
 * call itself checks the user memory again when it runs.
 *
 * Return: 0, or -EINVAL with a log line for a malformed block, or when a
 * block is present without @in_rb or missing with it.
 */
int ckpt_check_restart_block(struct ckpt_ctx *ctx,
			     const struct ckpt_restart_block *rb, bool in_rb)
{
	bool has_rb = rb->kind != CKPT_RB_NONE;
	ktime_t now;
	bool ok;

	if (rb->__reserved || in_rb != has_rb)
		goto bad;
	switch (rb->kind) {
	case CKPT_RB_NONE:
		ok = !rb->clockid && !rb->addr && !rb->remaining && !rb->arg &&
		     !rb->val && !rb->bitset;
		break;
	case CKPT_RB_NANOSLEEP:
		ok = !ckpt_clock_now(rb->clockid, &now) && rb->remaining >= 0 &&
		     rb->arg <= 1 && !rb->val && !rb->bitset &&
		     (rb->arg ? ckpt_user_addr_ok(rb->addr, 1) : !rb->addr);
		break;
	case CKPT_RB_FUTEX:
		ok = IS_ENABLED(CONFIG_FUTEX) &&
		     (rb->clockid == CLOCK_MONOTONIC ||
		      rb->clockid == CLOCK_REALTIME) &&
		     rb->remaining >= 0 && !(rb->arg & ~CKPT_RB_FUTEX_SHARED) &&
		     rb->bitset && ckpt_user_addr_ok(rb->addr, sizeof(u32));
		break;
	case CKPT_RB_POLL:
		ok = rb->clockid == CLOCK_MONOTONIC && rb->remaining >= -1 &&
		     rb->arg <= sysctl_nr_open && !rb->val && !rb->bitset &&
		     (rb->arg ? ckpt_user_addr_ok(rb->addr, 1) : !rb->addr);
		break;
	default:
		ok = false;
	}
	if (ok)
		return 0;
bad:
	ckpt_log(ctx, -EINVAL, "cpu: bad restart block (kind %u)", rb->kind);
	return -EINVAL;
}

/**
 * ckpt_load_restart_block() - install a validated restart block in current
 * @rb: checked by ckpt_check_restart_block(), kind other than NONE
 *
 * The time left is turned back into a deadline on the same clock, as the
 * interrupted call had computed it.
 */
void ckpt_load_restart_block(const struct ckpt_restart_block *rb)
{
	struct restart_block *r = &current->restart_block;
	ktime_t now = 0;

	if (rb->kind != CKPT_RB_POLL)
		ckpt_clock_now(rb->clockid, &now);
	switch (rb->kind) {
	case CKPT_RB_NANOSLEEP:
		r->nanosleep.clockid = rb->clockid;
		r->nanosleep.type = rb->arg ? TT_NATIVE : TT_NONE;
		r->nanosleep.rmtp = u64_to_user_ptr(rb->addr);
		r->nanosleep.expires = ktime_add_safe(now, rb->remaining);
		set_restart_fn(r, hrtimer_nanosleep_restart);
		break;
#ifdef CONFIG_FUTEX
	case CKPT_RB_FUTEX: {
		struct futex_wait_restart_info w = {
			.uaddr = u64_to_user_ptr(rb->addr),
			.val = rb->val,
			.bitset = rb->bitset,
			.shared = rb->arg & CKPT_RB_FUTEX_SHARED,
			.realtime = rb->clockid == CLOCK_REALTIME,
			.expires = ktime_add_safe(now, rb->remaining),
		};

		futex_wait_restart_set(r, &w);
		break;
	}
#endif
	case CKPT_RB_POLL: {
		struct timespec64 end;

		r->poll.ufds = u64_to_user_ptr(rb->addr);
		r->poll.nfds = rb->arg;
		r->poll.has_timeout = rb->remaining >= 0;
		if (r->poll.has_timeout) {
			end = ktime_to_timespec64(ktime_add_safe(ktime_get(),
								 rb->remaining));
			r->poll.tv_sec = end.tv_sec;
			r->poll.tv_nsec = end.tv_nsec;
		}
		set_restart_fn(r, do_restart_poll);
		break;
	}
	}
}

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

/* @addr is an offset from TASK_SIZE_MAX when @top */
struct ckpt_user_addr_test {
	const char *desc;
	u64 addr;
	bool top;
	u64 align;
	bool ok;
};

static const struct ckpt_user_addr_test ckpt_user_addr_tests[] = {
	{ .desc = "NULL", .addr = 0, .align = 1 },
	{ .desc = "1, byte aligned", .addr = 1, .align = 1, .ok = true },
	{ .desc = "2, word aligned", .addr = 2, .align = 4 },
	{ .desc = "4, word aligned", .addr = 4, .align = 4, .ok = true },
	{ .desc = "a stack address", .addr = 0x7ffffffde3c4, .align = 4,
	  .ok = true },
	{ .desc = "TASK_SIZE_MAX - 1", .addr = -1, .top = true, .align = 1,
	  .ok = true },
	{ .desc = "TASK_SIZE_MAX - 4, word aligned", .addr = -4, .top = true,
	  .align = 4, .ok = true },
	{ .desc = "TASK_SIZE_MAX", .addr = 0, .top = true, .align = 1 },
	{ .desc = "a kernel address", .addr = 0xffff888000000000ULL,
	  .align = 1 },
	{ .desc = "U64_MAX", .addr = U64_MAX, .align = 1 },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_user_addr, ckpt_user_addr_tests, desc);

static void ckpt_test_user_addr_ok(struct kunit *test)
{
	const struct ckpt_user_addr_test *t = test->param_value;
	u64 addr = t->addr + (t->top ? TASK_SIZE_MAX : 0);

	KUNIT_EXPECT_EQ(test, ckpt_user_addr_ok(addr, t->align), t->ok);
}

/*
 * A restart block and whether the registers say the task left a call
 * through restart_syscall(). @top: rb.addr is an offset from
 * TASK_SIZE_MAX; @nr_open: rb.arg is an offset from sysctl_nr_open;
 * @futex: accepted only with CONFIG_FUTEX.
 */
struct ckpt_rb_test {
	const char *desc;
	struct ckpt_restart_block rb;
	bool in_rb;
	bool top, nr_open, futex;
	int ret;
};

#define CKPT_TEST_SLEEP(clk)	.kind = CKPT_RB_NANOSLEEP, .clockid = (clk)
#define CKPT_TEST_FUTEX(clk)	.kind = CKPT_RB_FUTEX, .clockid = (clk)
#define CKPT_TEST_POLL		.kind = CKPT_RB_POLL, .clockid = CLOCK_MONOTONIC

static const struct ckpt_rb_test ckpt_rb_tests[] = {
	/* accepted */
	{ .desc = "none" },
	{ .desc = "nanosleep, monotonic",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .remaining = 1000 },
	  .in_rb = true },
	{ .desc = "nanosleep, realtime",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_REALTIME), .remaining = 1000 },
	  .in_rb = true },
	{ .desc = "nanosleep, boottime",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_BOOTTIME), .remaining = 1000 },
	  .in_rb = true },
	{ .desc = "nanosleep, TAI",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_TAI), .remaining = 1000 },
	  .in_rb = true },
	{ .desc = "nanosleep, nothing left",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC) }, .in_rb = true },
	{ .desc = "nanosleep, S64_MAX left",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .remaining = S64_MAX },
	  .in_rb = true },
	{ .desc = "nanosleep, rmtp",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .remaining = 1000,
		  .arg = 1, .addr = 0x7ffffffde3c1 },
	  .in_rb = true },
	{ .desc = "nanosleep, rmtp at TASK_SIZE_MAX - 1",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .remaining = 1000,
		  .arg = 1, .addr = -1 },
	  .in_rb = true, .top = true },
	{ .desc = "futex, monotonic",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_MONOTONIC), .remaining = 1000,
		  .addr = 0x601040, .val = 7, .bitset = ~0U },
	  .in_rb = true, .futex = true },
	{ .desc = "futex, realtime, shared, nothing left",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_REALTIME), .arg = CKPT_RB_FUTEX_SHARED,
		  .addr = 0x601040, .bitset = 1 },
	  .in_rb = true, .futex = true },
	{ .desc = "futex, the last word below TASK_SIZE_MAX",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_MONOTONIC), .remaining = 1000,
		  .addr = -4, .bitset = ~0U },
	  .in_rb = true, .top = true, .futex = true },
	{ .desc = "poll, no timeout",
	  .rb = { CKPT_TEST_POLL, .remaining = -1, .arg = 2,
		  .addr = 0x7ffffffde3c0 },
	  .in_rb = true },
	{ .desc = "poll, nothing left",
	  .rb = { CKPT_TEST_POLL, .arg = 2, .addr = 0x7ffffffde3c0 },
	  .in_rb = true },
	{ .desc = "poll, no fds",
	  .rb = { CKPT_TEST_POLL, .remaining = 1000 }, .in_rb = true },
	{ .desc = "poll, nr_open fds",
	  .rb = { CKPT_TEST_POLL, .remaining = -1, .addr = 0x10000000 },
	  .in_rb = true, .nr_open = true },
	/* refused */
	{ .desc = "none, in a restart block", .in_rb = true, .ret = -EINVAL },
	{ .desc = "nanosleep, not in a restart block",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .remaining = 1000 },
	  .ret = -EINVAL },
	{ .desc = "reserved field set",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .__reserved = 1 },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "none with a clock", .rb = { .clockid = CLOCK_MONOTONIC },
	  .ret = -EINVAL },
	{ .desc = "none with an address", .rb = { .addr = 0x1000 },
	  .ret = -EINVAL },
	{ .desc = "none with time left", .rb = { .remaining = -1 },
	  .ret = -EINVAL },
	{ .desc = "none with an argument", .rb = { .arg = 1 }, .ret = -EINVAL },
	{ .desc = "none with a value", .rb = { .val = 1 }, .ret = -EINVAL },
	{ .desc = "none with a bitset", .rb = { .bitset = 1 }, .ret = -EINVAL },
	{ .desc = "kind CKPT_RB_MAX", .rb = { .kind = CKPT_RB_MAX },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "nanosleep, CLOCK_PROCESS_CPUTIME_ID",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_PROCESS_CPUTIME_ID) }, .in_rb = true,
	  .ret = -EINVAL },
	{ .desc = "nanosleep, CLOCK_MONOTONIC_RAW",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC_RAW) }, .in_rb = true,
	  .ret = -EINVAL },
	{ .desc = "nanosleep, CLOCK_REALTIME_ALARM",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_REALTIME_ALARM) }, .in_rb = true,
	  .ret = -EINVAL },
	{ .desc = "nanosleep, clock -1", .rb = { CKPT_TEST_SLEEP(-1) },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "nanosleep, negative time left",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .remaining = -1 },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "nanosleep, arg 2",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .arg = 2, .addr = 0x1000 },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "nanosleep with a value",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .val = 1 }, .in_rb = true,
	  .ret = -EINVAL },
	{ .desc = "nanosleep with a bitset",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .bitset = 1 },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "nanosleep, rmtp NULL",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .arg = 1 }, .in_rb = true,
	  .ret = -EINVAL },
	{ .desc = "nanosleep, an address without rmtp",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .addr = 0x1000 },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "nanosleep, rmtp at TASK_SIZE_MAX",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .arg = 1, .addr = 0 },
	  .in_rb = true, .top = true, .ret = -EINVAL },
	{ .desc = "nanosleep, rmtp a kernel address",
	  .rb = { CKPT_TEST_SLEEP(CLOCK_MONOTONIC), .arg = 1,
		  .addr = 0xffff888000000000ULL },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "futex, CLOCK_BOOTTIME",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_BOOTTIME), .addr = 0x601040,
		  .bitset = ~0U },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "futex, CLOCK_TAI",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_TAI), .addr = 0x601040, .bitset = ~0U },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "futex, negative time left",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_MONOTONIC), .remaining = -1,
		  .addr = 0x601040, .bitset = ~0U },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "futex, unknown flag",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_MONOTONIC), .arg = 2, .addr = 0x601040,
		  .bitset = ~0U },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "futex, bitset 0",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_MONOTONIC), .addr = 0x601040 },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "futex, NULL",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_MONOTONIC), .bitset = ~0U },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "futex, misaligned",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_MONOTONIC), .addr = 0x601042,
		  .bitset = ~0U },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "futex, at TASK_SIZE_MAX",
	  .rb = { CKPT_TEST_FUTEX(CLOCK_MONOTONIC), .addr = 0, .bitset = ~0U },
	  .in_rb = true, .top = true, .ret = -EINVAL },
	{ .desc = "poll, CLOCK_REALTIME",
	  .rb = { .kind = CKPT_RB_POLL, .clockid = CLOCK_REALTIME,
		  .remaining = -1 },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "poll, time left -2",
	  .rb = { CKPT_TEST_POLL, .remaining = -2 }, .in_rb = true,
	  .ret = -EINVAL },
	{ .desc = "poll, nr_open + 1 fds",
	  .rb = { CKPT_TEST_POLL, .remaining = -1, .arg = 1,
		  .addr = 0x10000000 },
	  .in_rb = true, .nr_open = true, .ret = -EINVAL },
	{ .desc = "poll, fds at NULL",
	  .rb = { CKPT_TEST_POLL, .remaining = -1, .arg = 1 }, .in_rb = true,
	  .ret = -EINVAL },
	{ .desc = "poll, an address without fds",
	  .rb = { CKPT_TEST_POLL, .remaining = -1, .addr = 0x1000 },
	  .in_rb = true, .ret = -EINVAL },
	{ .desc = "poll, fds at TASK_SIZE_MAX",
	  .rb = { CKPT_TEST_POLL, .remaining = -1, .arg = 1, .addr = 0 },
	  .in_rb = true, .top = true, .ret = -EINVAL },
	{ .desc = "poll with a value",
	  .rb = { CKPT_TEST_POLL, .remaining = -1, .val = 1 }, .in_rb = true,
	  .ret = -EINVAL },
	{ .desc = "poll with a bitset",
	  .rb = { CKPT_TEST_POLL, .remaining = -1, .bitset = 1 },
	  .in_rb = true, .ret = -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_rb, ckpt_rb_tests, desc);

static void ckpt_test_check_restart_block(struct kunit *test)
{
	const struct ckpt_rb_test *t = test->param_value;
	struct ckpt_restart_block rb = t->rb;
	struct ckpt_ctx *ctx;
	int ret = t->ret;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	ctx->restart = true;
	if (t->top)
		rb.addr += TASK_SIZE_MAX;
	if (t->nr_open)
		rb.arg += sysctl_nr_open;
	if (t->futex && !IS_ENABLED(CONFIG_FUTEX))
		ret = -EINVAL;

	KUNIT_EXPECT_EQ(test, ckpt_check_restart_block(ctx, &rb, t->in_rb),
			ret);
}

static struct kunit_case ckpt_restart_block_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_user_addr_ok, ckpt_user_addr_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_check_restart_block, ckpt_rb_gen_params),
	{}
};

static struct kunit_suite ckpt_restart_block_test_suite = {
	.name = "ckpt_restart_block",
	.test_cases = ckpt_restart_block_test_cases,
};

kunit_test_suite(ckpt_restart_block_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
