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
	if (!ckpt_timerfd_clock_ok(h.clockid) ||
	    h.flags & ~CKPT_TFD_FLAGS_MASK || h.expires < 0 ||
	    h.remaining < 0 || h.interval < 0 ||
	    (!(h.flags & CKPT_TFD_ARMED) && (h.expires || h.remaining)) ||
	    (hf->f_flags & O_ACCMODE) != O_RDWR) {
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
