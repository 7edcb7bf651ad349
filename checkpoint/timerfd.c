// SPDX-License-Identifier: GPL-2.0-only
/*
 * timerfd: its clock, whether it is armed, when it fires next, its
 * interval, the expirations not read yet, and the flags of its last
 * timerfd_settime() (patches/0015).
 *
 * The timer is armed again just before the restored tree runs. An
 * absolute timer on CLOCK_REALTIME or CLOCK_REALTIME_ALARM fires at the
 * wall-clock time it was set for: the time spent checkpointed counts, and
 * a periodic one reports the periods it missed as expirations. Any other
 * timer keeps the time it had left, counted from the moment the tree runs
 * (CLOCK_MONOTONIC and CLOCK_BOOTTIME do not go on across machines), as
 * the POSIX timers do. The alarm clocks need CAP_WAKE_ALARM, as for
 * timerfd_create(). A TFD_TIMER_CANCEL_ON_SET timer canceled by a clock
 * change and not read since is refused.
 */
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/timerfd.h>
#include <linux/capability.h>
#include "internal.h"

#define CKPT_TIMERFD_FLAGS	(O_ACCMODE | O_NONBLOCK)

static bool ckpt_timerfd_match(struct file *file)
{
	/* what timerfd_gettime() would do: an expired period moves on */
	struct timerfd_state st;

	return !timerfd_file_state(file, &st);
}

static int ckpt_timerfd_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct timerfd_state st;

	timerfd_file_state(e->file, &st);
	if (st.canceled)
		return ckpt_log_unsupported(ctx, e,
					    "is a timerfd canceled by a change of its clock (TFD_TIMER_CANCEL_ON_SET), not read since: not supported yet");
	/* a container's leaks were refused already; this is a subtree's */
	if (ckpt_file_outside(ctx, e->file))
		return ckpt_log_unsupported(ctx, e,
					    "is a timerfd shared with a process outside the tree: not supported");
	return 0;
}

static int ckpt_timerfd_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_timerfd h = {};
	struct timerfd_state st;

	timerfd_file_state(e->file, &st);
	h.clockid = st.clockid;
	if (st.armed)
		h.flags |= CKPT_TFD_ARMED;
	if (st.settime_flags & TFD_TIMER_ABSTIME)
		h.flags |= CKPT_TFD_ABSTIME;
	if (st.settime_flags & TFD_TIMER_CANCEL_ON_SET)
		h.flags |= CKPT_TFD_CANCEL_ON_SET;
	h.ticks = st.ticks;
	h.expires = st.armed ? st.expires : 0;
	h.remaining = st.armed ? st.remaining : 0;
	h.interval = st.interval;
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_TIMERFD, sizeof(h));
}

/**
 * struct ckpt_timerfd_arm - a restored timerfd to arm as the tree runs
 * @file:	the timerfd, referenced
 * @st:		its saved state
 * @objref:	for the log line
 */
struct ckpt_timerfd_arm {
	struct file *file;
	struct timerfd_state st;
	u32 objref;
};

static int ckpt_timerfd_arm(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_timerfd_arm *a = data;
	int ret = timerfd_file_restore(a->file, &a->st);

	if (ret)
		ckpt_log(ctx, ret, "timerfd of file record %u: cannot arm it",
			 a->objref);
	return ret;
}

static void ckpt_timerfd_arm_release(void *data)
{
	struct ckpt_timerfd_arm *a = data;

	fput(a->file);
	kfree(a);
}

static bool ckpt_timerfd_clock_ok(s32 clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		return true;
	}
	return false;
}

/* A FILE_TIMERFD record, with the f_flags of its FILE record */
static bool ckpt_timerfd_rec_ok(const struct ckpt_hdr_file_timerfd *h,
				u32 f_flags)
{
	if (!ckpt_timerfd_clock_ok(h->clockid) ||
	    h->flags & ~CKPT_TFD_FLAGS_MASK || h->expires < 0 ||
	    h->remaining < 0 || h->interval < 0 ||
	    (!(h->flags & CKPT_TFD_ARMED) && (h->expires || h->remaining)) ||
	    (f_flags & O_ACCMODE) != O_RDWR)
		return false;
	return true;
}

static struct file *ckpt_timerfd_restore(struct ckpt_ctx *ctx,
					 const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_timerfd h;
	struct ckpt_timerfd_arm *a;
	struct file *file;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_TIMERFD, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (!ckpt_timerfd_rec_ok(&h, hf->f_flags)) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed timerfd",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	file = timerfd_file_create(h.clockid, hf->f_flags & O_NONBLOCK);
	if (IS_ERR(file)) {
		ckpt_log(ctx, PTR_ERR(file),
			 "file record %u: cannot make a timerfd on clock %d",
			 hf->objref, h.clockid);
		return file;
	}
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a) {
		fput(file);
		return ERR_PTR(-ENOMEM);
	}
	a->file = get_file(file);
	a->objref = hf->objref;
	a->st.clockid = h.clockid;
	a->st.armed = h.flags & CKPT_TFD_ARMED;
	a->st.settime_flags = (h.flags & CKPT_TFD_ABSTIME ?
			       TFD_TIMER_ABSTIME : 0) |
			      (h.flags & CKPT_TFD_CANCEL_ON_SET ?
			       TFD_TIMER_CANCEL_ON_SET : 0);
	a->st.ticks = h.ticks;
	a->st.expires = h.expires;
	a->st.remaining = h.remaining;
	a->st.interval = h.interval;
	ret = ckpt_before_release_add(ctx, ckpt_timerfd_arm,
				      ckpt_timerfd_arm_release, a);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

const struct ckpt_file_ops ckpt_timerfd_file_ops = {
	.name = "timerfd",
	.match = ckpt_timerfd_match,
	.classify = ckpt_timerfd_classify,
	.checkpoint = ckpt_timerfd_checkpoint,
	.restore = ckpt_timerfd_restore,
	.f_flags = CKPT_TIMERFD_FLAGS,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_timerfd_clock_test {
	const char *desc;
	s32 clockid;
	bool ok;
};

static const struct ckpt_timerfd_clock_test ckpt_timerfd_clock_tests[] = {
	{ .desc = "CLOCK_REALTIME", .clockid = CLOCK_REALTIME, .ok = true },
	{ .desc = "CLOCK_MONOTONIC", .clockid = CLOCK_MONOTONIC, .ok = true },
	{ .desc = "CLOCK_BOOTTIME", .clockid = CLOCK_BOOTTIME, .ok = true },
	{ .desc = "CLOCK_REALTIME_ALARM", .clockid = CLOCK_REALTIME_ALARM,
	  .ok = true },
	{ .desc = "CLOCK_BOOTTIME_ALARM", .clockid = CLOCK_BOOTTIME_ALARM,
	  .ok = true },
	{ .desc = "CLOCK_PROCESS_CPUTIME_ID",
	  .clockid = CLOCK_PROCESS_CPUTIME_ID },
	{ .desc = "CLOCK_THREAD_CPUTIME_ID",
	  .clockid = CLOCK_THREAD_CPUTIME_ID },
	{ .desc = "CLOCK_MONOTONIC_RAW", .clockid = CLOCK_MONOTONIC_RAW },
	{ .desc = "CLOCK_REALTIME_COARSE", .clockid = CLOCK_REALTIME_COARSE },
	{ .desc = "CLOCK_TAI", .clockid = CLOCK_TAI },
	{ .desc = "MAX_CLOCKS", .clockid = MAX_CLOCKS },
	{ .desc = "-1", .clockid = -1 },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_timerfd_clock, ckpt_timerfd_clock_tests, desc);

static void ckpt_test_timerfd_clock_ok(struct kunit *test)
{
	const struct ckpt_timerfd_clock_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_timerfd_clock_ok(t->clockid), t->ok);
}

/* A FILE_TIMERFD record; a zeroed one is a disarmed CLOCK_REALTIME timer */
struct ckpt_timerfd_rec_test {
	const char *desc;
	struct ckpt_hdr_file_timerfd h;
	u32 f_flags;
	bool ok;
};

#define CKPT_TEST_TFD_ABS	(CKPT_TFD_ARMED | CKPT_TFD_ABSTIME)

static const struct ckpt_timerfd_rec_test ckpt_timerfd_rec_tests[] = {
	/* accepted */
	{ .desc = "disarmed", .f_flags = O_RDWR, .ok = true },
	{ .desc = "disarmed, non-blocking", .f_flags = O_RDWR | O_NONBLOCK,
	  .ok = true },
	{ .desc = "disarmed, CLOCK_BOOTTIME_ALARM",
	  .h = { .clockid = CLOCK_BOOTTIME_ALARM }, .f_flags = O_RDWR,
	  .ok = true },
	{ .desc = "disarmed, with an interval", .h = { .interval = 1000 },
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "disarmed, expirations not read", .h = { .ticks = 3 },
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "disarmed, U64_MAX expirations not read",
	  .h = { .ticks = U64_MAX }, .f_flags = O_RDWR, .ok = true },
	{ .desc = "disarmed, the flags of an absolute setting",
	  .h = { .flags = CKPT_TFD_ABSTIME | CKPT_TFD_CANCEL_ON_SET },
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "armed, relative",
	  .h = { .clockid = CLOCK_MONOTONIC, .flags = CKPT_TFD_ARMED,
		 .remaining = NSEC_PER_SEC },
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "armed, relative, periodic",
	  .h = { .clockid = CLOCK_MONOTONIC, .flags = CKPT_TFD_ARMED,
		 .remaining = 5, .interval = NSEC_PER_SEC, .ticks = 2 },
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "armed, nothing left",
	  .h = { .clockid = CLOCK_MONOTONIC, .flags = CKPT_TFD_ARMED },
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "armed, absolute",
	  .h = { .flags = CKPT_TEST_TFD_ABS,
		 .expires = 1700000000 * NSEC_PER_SEC,
		 .remaining = NSEC_PER_SEC },
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "armed, absolute, cancel on set",
	  .h = { .flags = CKPT_TEST_TFD_ABS | CKPT_TFD_CANCEL_ON_SET,
		 .expires = 1700000000 * NSEC_PER_SEC },
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "armed, the longest times",
	  .h = { .flags = CKPT_TEST_TFD_ABS, .expires = S64_MAX,
		 .remaining = S64_MAX, .interval = S64_MAX },
	  .f_flags = O_RDWR, .ok = true },
	/* refused */
	{ .desc = "CLOCK_TAI", .h = { .clockid = CLOCK_TAI },
	  .f_flags = O_RDWR },
	{ .desc = "unknown flag", .h = { .flags = CKPT_TFD_FLAGS_MASK + 1 },
	  .f_flags = O_RDWR },
	{ .desc = "negative expiry",
	  .h = { .flags = CKPT_TEST_TFD_ABS, .expires = -1 },
	  .f_flags = O_RDWR },
	{ .desc = "negative time left",
	  .h = { .flags = CKPT_TFD_ARMED, .remaining = -1 },
	  .f_flags = O_RDWR },
	{ .desc = "negative interval",
	  .h = { .flags = CKPT_TFD_ARMED, .remaining = 1, .interval = -1 },
	  .f_flags = O_RDWR },
	{ .desc = "S64_MIN interval", .h = { .interval = S64_MIN },
	  .f_flags = O_RDWR },
	{ .desc = "disarmed, with an expiry", .h = { .expires = 1 },
	  .f_flags = O_RDWR },
	{ .desc = "disarmed, with time left", .h = { .remaining = 1 },
	  .f_flags = O_RDWR },
	{ .desc = "read-only", .f_flags = O_RDONLY },
	{ .desc = "write-only", .f_flags = O_WRONLY },
	{ .desc = "access mode 3", .f_flags = O_ACCMODE },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_timerfd_rec, ckpt_timerfd_rec_tests, desc);

static void ckpt_test_timerfd_rec_ok(struct kunit *test)
{
	const struct ckpt_timerfd_rec_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_timerfd_rec_ok(&t->h, t->f_flags), t->ok);
}

static struct kunit_case ckpt_timerfd_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_timerfd_clock_ok,
			 ckpt_timerfd_clock_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_timerfd_rec_ok, ckpt_timerfd_rec_gen_params),
	{}
};

static struct kunit_suite ckpt_timerfd_test_suite = {
	.name = "ckpt_timerfd",
	.test_cases = ckpt_timerfd_test_cases,
};

kunit_test_suite(ckpt_timerfd_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
