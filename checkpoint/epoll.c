// SPDX-License-Identifier: GPL-2.0-only
/*
 * epoll: the instance, then - once every file of the process is written -
 * its items (EPOLL_ITEMS, a late record): each target by the objref of
 * its FILE, the fd number it was added under, its events with their
 * private bits (EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE, EPOLLWAKEUP) and
 * its data. A target whose fd was closed but whose file is still open in
 * the tree is saved all the same; one held by nobody in the tree, or that
 * cannot be saved, refuses the epoll fd with lines naming both. Nested
 * epoll instances are items like any other file.
 *
 * Restart adds the items back with their events exactly as they were
 * (patches/0013): a one-shot item that fired stays disarmed. An item on
 * a signalfd is added by the restored process itself once its fds are
 * in: a signalfd's poll follows the signals of the task that adds it. Adding an
 * item polls its target, so what was ready before is ready after; an
 * edge-triggered item whose edge was already reported may report it once
 * more (the program then reads EAGAIN, as after any spurious wakeup).
 * The restored instance counts against the restarter's max_user_watches;
 * EPOLLWAKEUP needs CAP_BLOCK_SUSPEND, as for epoll_ctl(), and is
 * refused rather than dropped (a kernel without wakeup sources drops it,
 * as epoll_ctl() there does for anybody). An item on an inherited fd the
 * restarter leaves closed is dropped, as closing the fd would.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/eventpoll.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "internal.h"

#define CKPT_EPOLL_FLAGS	(O_ACCMODE | O_NONBLOCK)
#define CKPT_EPOLL_PRIVATE	(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | \
				 EPOLLEXCLUSIVE)

static bool ckpt_epoll_match(struct file *file)
{
	bool busy_poll;

	return epoll_file_items(file, NULL, 0, &busy_poll) >= 0;
}

static int ckpt_epoll_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	bool busy_poll;

	epoll_file_items(e->file, NULL, 0, &busy_poll);
	if (busy_poll)
		return ckpt_log_unsupported(ctx, e,
					    "is an epoll instance with busy-poll parameters (EPIOCSPARAMS): not supported yet");
	/* a container's leaks were refused already; this is a subtree's */
	if (ckpt_file_outside(ctx, e->file))
		return ckpt_log_unsupported(ctx, e,
					    "is an epoll instance shared with a process outside the tree: not supported");
	return 0;
}

static int ckpt_epoll_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_epoll h = {};

	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_EPOLL, sizeof(h));
}

/* The items of @file, targets referenced; their number or -errno */
static int ckpt_epoll_get_items(struct ckpt_ctx *ctx, struct file *file,
				struct epoll_item_state **pitems)
{
	struct epoll_item_state *items = NULL;
	unsigned int max = 0;
	bool busy_poll;
	int n;

	/* the frozen tree cannot add items; a closing target can remove one */
	for (;;) {
		n = epoll_file_items(file, items, max, &busy_poll);
		if (n < 0 || n <= max)
			break;
		while (max)
			fput(items[--max].file);
		kvfree(items);
		if (n > CKPT_MAX_EPOLL_ITEMS) {
			ckpt_log(ctx, -EOPNOTSUPP,
				 "an epoll instance of pid %d has more than %u items",
				 ctx->cur->pids.pid, CKPT_MAX_EPOLL_ITEMS);
			return -EOPNOTSUPP;
		}
		max = n;
		items = kvcalloc(max, sizeof(*items), GFP_KERNEL);
		if (!items)
			return -ENOMEM;
	}
	*pitems = items;
	return n;
}

static int ckpt_epoll_checkpoint_late(struct ckpt_ctx *ctx, struct file *file,
				      u32 objref, void *data)
{
	struct ckpt_hdr_epoll_items h = { .objref = objref };
	struct epoll_item_state *items = NULL;
	struct ckpt_epoll_item *out = NULL;
	int i, n, ret = 0;

	n = ckpt_epoll_get_items(ctx, file, &items);
	if (n < 0)
		return n;
	if (n) {
		out = kvcalloc(n, sizeof(*out), GFP_KERNEL);
		if (!out)
			ret = -ENOMEM;
	}
	for (i = 0; i < n && !ret; i++) {
		int ref = ckpt_file_ref(ctx, items[i].file, items[i].fd);

		if (ref < 0) {
			ret = ref;
			ckpt_log(ctx, ret,
				 "the epoll instance of file record %u watches that fd %d: it cannot be saved",
				 objref, items[i].fd);
			break;
		}
		out[i].objref = ref;
		out[i].fd = items[i].fd;
		out[i].events = (__force u32)items[i].events;
		out[i].data = items[i].data;
	}
	if (!ret) {
		h.nr_items = n;
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_EPOLL_ITEMS,
					  sizeof(h), out, n * sizeof(*out));
	}
	for (i = 0; i < n; i++)
		fput(items[i].file);
	kvfree(items);
	kvfree(out);
	return ret;
}

static struct file *ckpt_epoll_restore(struct ckpt_ctx *ctx,
				       const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_epoll h;
	struct file *file;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_EPOLL, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.__reserved || (hf->f_flags & O_ACCMODE) != O_RDWR) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed epoll",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	file = epoll_file_create(0);
	if (IS_ERR(file))
		return file;
	if (hf->f_flags & O_NONBLOCK) {
		spin_lock(&file->f_lock);
		file->f_flags |= O_NONBLOCK;
		spin_unlock(&file->f_lock);
	}
	return file;
}

/*
 * The events of an item as epoll keeps them: EPOLLERR and EPOLLHUP, which
 * epoll_ctl() always adds, or only private bits with EPOLLONESHOT for a
 * one-shot item that fired. Other bits are the program's, as epoll_ctl()
 * takes them.
 */
static bool ckpt_epoll_events_ok(u32 ev)
{
	if (!(ev & ~(__force u32)CKPT_EPOLL_PRIVATE))
		return ev & (__force u32)EPOLLONESHOT;
	return (ev & (__force u32)(EPOLLERR | EPOLLHUP)) ==
	       (__force u32)(EPOLLERR | EPOLLHUP);
}

/**
 * struct ckpt_epoll_add - an item added by the restored process itself
 * @epf:	the epoll file, referenced
 * @tfile:	the target, referenced
 * @fd:		the fd number of the item
 * @objref:	the epoll file's, for log lines
 * @ev:		its events and data
 */
struct ckpt_epoll_add {
	struct file *epf;
	struct file *tfile;
	int fd;
	u32 objref;
	struct epoll_event ev;
};

static int ckpt_epoll_add_now(struct ckpt_ctx *ctx, struct file *epf,
			      u32 objref, struct file *tfile, int fd,
			      struct epoll_event *ev)
{
	int ret = epoll_file_ctl(epf, EPOLL_CTL_ADD, tfile, fd, ev, false);

	if (ret) {
		ckpt_log(ctx, ret, "epoll %u: cannot add the item for fd %d",
			 objref, fd);
		/* a duplicate, a loop, a target that cannot poll: the image's */
		if (ret == -EEXIST || ret == -ELOOP || ret == -EPERM)
			ret = -EINVAL;
	}
	return ret;
}

static int ckpt_epoll_add_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_epoll_add *a = data;

	return ckpt_epoll_add_now(ctx, a->epf, a->objref, a->tfile, a->fd,
				  &a->ev);
}

/* A target made once every task exists: the item is of that file */
static int ckpt_epoll_add_tree_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_epoll_add *a = data;
	struct file *tfile;
	int ret;

	tfile = ckpt_file_from_tree(ctx, a->tfile);
	if (IS_ERR(tfile))
		return PTR_ERR(tfile);
	ret = ckpt_epoll_add_now(ctx, a->epf, a->objref, tfile, a->fd,
				 &a->ev);
	fput(tfile);
	return ret;
}

static void ckpt_epoll_add_release(void *data)
{
	struct ckpt_epoll_add *a = data;

	fput(a->epf);
	fput(a->tfile);
	kfree(a);
}

/*
 * A target whose poll waits on the poller's state (a signalfd follows the
 * signals of the task that added the item) is added by the restored
 * process, once its fds are in; a target that is a stand-in (a pidfd),
 * once every task exists.
 */
static int ckpt_epoll_add_later(struct ckpt_ctx *ctx, struct file *epf,
				u32 objref, struct file *tfile, int fd,
				const struct epoll_event *ev)
{
	struct ckpt_epoll_add *a = kmalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return -ENOMEM;
	a->epf = get_file(epf);
	a->tfile = get_file(tfile);
	a->fd = fd;
	a->objref = objref;
	a->ev = *ev;
	if (ckpt_file_awaits_tree(tfile))
		return ckpt_after_tree_add(ctx, ckpt_epoll_add_tree_run,
					   ckpt_epoll_add_release, a);
	return ckpt_after_fds_add(ctx, ckpt_epoll_add_run,
				  ckpt_epoll_add_release, a);
}

static int ckpt_epoll_add(struct ckpt_ctx *ctx, struct file *epf, u32 objref,
			  const struct ckpt_epoll_item *it)
{
	struct epoll_event ev = {
		.events = (__force __poll_t)it->events,
		.data = it->data,
	};
	struct file *tfile;

	if (it->__reserved || it->fd > INT_MAX ||
	    !ckpt_epoll_events_ok(it->events)) {
		ckpt_log(ctx, -EINVAL, "epoll %u: malformed item for fd %u",
			 objref, it->fd);
		return -EINVAL;
	}
	tfile = ckpt_obj_fetch(ctx, it->objref, CKPT_OBJ_FILE);
	if (IS_ERR(tfile))
		return PTR_ERR(tfile);
	/*
	 * An inherited fd the restarter leaves closed (or, validating, did
	 * not look at): closing a watched file removes its items, so does
	 * leaving it closed.
	 */
	if (!tfile) {
		if (!(ctx->flags & RESTART_VALIDATE))
			ckpt_log(ctx, 0,
				 "epoll %u: fd %u was left closed by the restarter: its item is dropped",
				 objref, it->fd);
		return 0;
	}
	/* without wakeup sources epoll_ctl() drops the bit for anybody */
	if (IS_ENABLED(CONFIG_PM_SLEEP) &&
	    it->events & (__force u32)EPOLLWAKEUP &&
	    !capable(CAP_BLOCK_SUSPEND)) {
		ckpt_log(ctx, -EPERM,
			 "epoll %u: the item for fd %u has EPOLLWAKEUP, which needs CAP_BLOCK_SUSPEND",
			 objref, it->fd);
		return -EPERM;
	}
	if (ckpt_polls_current(tfile) || ckpt_file_awaits_tree(tfile))
		return ckpt_epoll_add_later(ctx, epf, objref, tfile, it->fd,
					    &ev);
	return ckpt_epoll_add_now(ctx, epf, objref, tfile, it->fd, &ev);
}

static int ckpt_epoll_restore_late(struct ckpt_ctx *ctx,
				   const struct ckpt_hdr *hdr)
{
	const struct ckpt_epoll_item *items;
	struct ckpt_hdr_epoll_items *h;
	struct file *epf;
	u32 i;
	int ret;

	h = ckpt_read_payload_var(ctx, hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->nr_items > CKPT_MAX_EPOLL_ITEMS ||
	    h->h.len != sizeof(*h) + h->nr_items * sizeof(*items)) {
		ckpt_log(ctx, ret, "epoll items record %u: malformed", h->objref);
		goto out;
	}
	epf = ckpt_file_late_take(ctx, h->objref, &ckpt_epoll_file_ops, NULL);
	if (IS_ERR(epf)) {
		ret = PTR_ERR(epf);
		goto out;
	}
	items = (const struct ckpt_epoll_item *)(h + 1);
	ret = 0;
	for (i = 0; i < h->nr_items && !ret; i++)
		ret = ckpt_epoll_add(ctx, epf, h->objref, &items[i]);
out:
	kvfree(h);
	return ret;
}

const struct ckpt_file_ops ckpt_epoll_file_ops = {
	.name = "epoll",
	.match = ckpt_epoll_match,
	.classify = ckpt_epoll_classify,
	.checkpoint = ckpt_epoll_checkpoint,
	.restore = ckpt_epoll_restore,
	.checkpoint_late = ckpt_epoll_checkpoint_late,
	.late_rec_type = CKPT_HDR_EPOLL_ITEMS,
	.restore_late = ckpt_epoll_restore_late,
	.f_flags = CKPT_EPOLL_FLAGS,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

#define CKPT_TEST_EV(ev)	((__force u32)(ev))

struct ckpt_epoll_events_test {
	const char *desc;
	u32 ev;
	bool ok;
};

static const struct ckpt_epoll_events_test ckpt_epoll_events_tests[] = {
	/* accepted */
	{ .desc = "EPOLLIN, as epoll_ctl() keeps it",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLERR | EPOLLHUP), .ok = true },
	{ .desc = "no events asked for",
	  .ev = CKPT_TEST_EV(EPOLLERR | EPOLLHUP), .ok = true },
	{ .desc = "EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI |
			     EPOLLERR | EPOLLHUP),
	  .ok = true },
	{ .desc = "edge triggered",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLET | EPOLLERR | EPOLLHUP),
	  .ok = true },
	{ .desc = "one-shot, armed",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLONESHOT | EPOLLERR | EPOLLHUP),
	  .ok = true },
	{ .desc = "exclusive",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLEXCLUSIVE | EPOLLERR | EPOLLHUP),
	  .ok = true },
	{ .desc = "EPOLLWAKEUP",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLWAKEUP | EPOLLERR | EPOLLHUP),
	  .ok = true },
	{ .desc = "a bit epoll does not know (the program's)",
	  .ev = BIT(20) | CKPT_TEST_EV(EPOLLERR | EPOLLHUP), .ok = true },
	{ .desc = "one-shot, fired",
	  .ev = CKPT_TEST_EV(EPOLLONESHOT), .ok = true },
	{ .desc = "one-shot, fired, with all the private bits",
	  .ev = CKPT_TEST_EV(EPOLLONESHOT | EPOLLET | EPOLLWAKEUP |
			     EPOLLEXCLUSIVE),
	  .ok = true },
	/* refused */
	{ .desc = "no bits", .ev = 0 },
	{ .desc = "EPOLLIN without EPOLLERR and EPOLLHUP",
	  .ev = CKPT_TEST_EV(EPOLLIN) },
	{ .desc = "EPOLLIN without EPOLLHUP",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLERR) },
	{ .desc = "EPOLLIN without EPOLLERR",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLHUP) },
	{ .desc = "EPOLLERR alone", .ev = CKPT_TEST_EV(EPOLLERR) },
	{ .desc = "private bits without EPOLLONESHOT",
	  .ev = CKPT_TEST_EV(EPOLLET | EPOLLWAKEUP | EPOLLEXCLUSIVE) },
	{ .desc = "EPOLLET alone", .ev = CKPT_TEST_EV(EPOLLET) },
	{ .desc = "one-shot with EPOLLIN but not EPOLLERR and EPOLLHUP",
	  .ev = CKPT_TEST_EV(EPOLLIN | EPOLLONESHOT) },
	{ .desc = "all bits but EPOLLHUP", .ev = ~CKPT_TEST_EV(EPOLLHUP) },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_epoll_events, ckpt_epoll_events_tests, desc);

static void ckpt_test_epoll_events_ok(struct kunit *test)
{
	const struct ckpt_epoll_events_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_epoll_events_ok(t->ev), t->ok);
}

static struct kunit_case ckpt_epoll_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_epoll_events_ok,
			 ckpt_epoll_events_gen_params),
	{}
};

static struct kunit_suite ckpt_epoll_test_suite = {
	.name = "ckpt_epoll",
	.test_cases = ckpt_epoll_test_cases,
};

kunit_test_suite(ckpt_epoll_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
