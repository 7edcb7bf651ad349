// SPDX-License-Identifier: GPL-2.0-only
/*
 * Image I/O: typed records with a per-type length table enforced before
 * any allocation, an xxh64 of every byte, page contents written from and
 * read into the pages themselves, and the log lines of the logfd.
 */
#include <linux/bvec.h>
#include <linux/uio.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "internal.h"

/**
 * struct ckpt_rec_desc - what a record type may look like
 * @name:	for log lines
 * @min_len:	smallest valid ckpt_hdr.len
 * @max_len:	largest valid ckpt_hdr.len
 */
struct ckpt_rec_desc {
	const char *name;
	u32 min_len;
	u32 max_len;
};

/*
 * Every record struct is a multiple of 8 bytes, so payloads that follow
 * stay aligned, and holds at least the header.
 */
#define REC(t, n, s)							\
	[CKPT_HDR_##t] = {						\
		n,							\
		sizeof(s) + BUILD_BUG_ON_ZERO(sizeof(s) % 8 ||		\
					      sizeof(s) < sizeof(struct ckpt_hdr)), \
		CKPT_REC_##t##_MAX					\
	}

static_assert(sizeof(struct ckpt_hdr_task) % 8 == 0 &&
	      sizeof(struct ckpt_hdr_task) > CKPT_REC_TASK_MIN &&
	      sizeof(struct ckpt_hdr_task) <= CKPT_REC_TASK_MAX &&
	      offsetof(struct ckpt_hdr_task, ioprio) == CKPT_REC_TASK_MIN);

static_assert(sizeof(struct ckpt_hdr_file) % 8 == 0 &&
	      sizeof(struct ckpt_hdr_file) > CKPT_REC_FILE_MIN &&
	      offsetof(struct ckpt_hdr_file, owner) == CKPT_REC_FILE_MIN);

static_assert(sizeof(struct ckpt_hdr_unix_queue) % 8 == 0 &&
	      sizeof(struct ckpt_hdr_unix_queue) > CKPT_REC_UNIX_QUEUE_MIN &&
	      offsetof(struct ckpt_hdr_unix_queue, nr_senders) ==
	      CKPT_REC_UNIX_QUEUE_MIN);

static_assert(sizeof(struct ckpt_hdr_file_unix) % 8 == 0 &&
	      sizeof(struct ckpt_hdr_file_unix) > CKPT_REC_FILE_UNIX_MIN &&
	      offsetof(struct ckpt_hdr_file_unix, name_len) ==
	      CKPT_REC_FILE_UNIX_MIN);

/* the bounds are the uapi header's, which the tools use as well */
static const struct ckpt_rec_desc ckpt_recs[CKPT_HDR_MAX] = {
	REC(HEADER, "header", struct ckpt_hdr_header),
	REC(TREE, "tree", struct ckpt_hdr_tree),
	/* extensible since ioprio and nr_cpus: shorter records are older */
	[CKPT_HDR_TASK] = { "task", CKPT_REC_TASK_MIN, CKPT_REC_TASK_MAX },
	REC(CREDS, "creds", struct ckpt_hdr_creds),
	REC(RLIMITS, "rlimits", struct ckpt_hdr_rlimits),
	REC(FS, "fs", struct ckpt_hdr_fs),
	/* extensible since owner: shorter records are older */
	[CKPT_HDR_FILE] = { "file", CKPT_REC_FILE_MIN, CKPT_REC_FILE_MAX },
	REC(FDTABLE, "fdtable", struct ckpt_hdr_fdtable),
	REC(SIGHAND, "sighand", struct ckpt_hdr_sighand),
	REC(SIGNAL, "signal", struct ckpt_hdr_signal),
	REC(CPU, "cpu", struct ckpt_hdr_cpu),
	REC(FPU, "fpu", struct ckpt_hdr_fpu),
	REC(MM, "mm", struct ckpt_hdr_mm),
	REC(VMA, "vma", struct ckpt_hdr_vma),
	REC(PAGES, "pages", struct ckpt_hdr_pages),
	REC(TRAILER, "trailer", struct ckpt_hdr_trailer),
	REC(PIPE, "pipe", struct ckpt_hdr_pipe),
	REC(TIMERS, "timers", struct ckpt_hdr_timers),
	REC(STRING, "string", struct ckpt_hdr_string),
	REC(FILE_CHR, "file_chr", struct ckpt_hdr_file_chr),
	REC(FILE_INHERIT, "file_inherit", struct ckpt_hdr_file_inherit),
	REC(FILE_PIPE, "file_pipe", struct ckpt_hdr_file_pipe),
	REC(FILE_EVENTFD, "file_eventfd", struct ckpt_hdr_file_eventfd),
	REC(FILE_EPOLL, "file_epoll", struct ckpt_hdr_file_epoll),
	REC(EPOLL_ITEMS, "epoll_items", struct ckpt_hdr_epoll_items),
	REC(FILE_SIGNALFD, "file_signalfd", struct ckpt_hdr_file_signalfd),
	REC(FILE_TIMERFD, "file_timerfd", struct ckpt_hdr_file_timerfd),
	REC(FILE_INOTIFY, "file_inotify", struct ckpt_hdr_file_inotify),
	REC(INOTIFY_WATCHES, "inotify_watches", struct ckpt_hdr_inotify_watches),
	REC(INOTIFY_EVENTS, "inotify_events", struct ckpt_hdr_inotify_events),
	REC(UNIX_PAIR, "unix_pair", struct ckpt_hdr_unix_pair),
	/* extensible since name_len: shorter records are older */
	[CKPT_HDR_FILE_UNIX] = { "file_unix", CKPT_REC_FILE_UNIX_MIN,
				 CKPT_REC_FILE_UNIX_MAX },
	/* extensible since nr_senders: shorter records are older */
	[CKPT_HDR_UNIX_QUEUE] = { "unix_queue", CKPT_REC_UNIX_QUEUE_MIN,
				  CKPT_REC_UNIX_QUEUE_MAX },
	REC(UNIX_MSG, "unix_msg", struct ckpt_hdr_unix_msg),
	REC(LOCKS, "locks", struct ckpt_hdr_locks),
	REC(MEMFD, "memfd", struct ckpt_hdr_memfd),
	REC(FILE_MEMFD, "file_memfd", struct ckpt_hdr_file_memfd),
	REC(DELETED, "deleted", struct ckpt_hdr_deleted),
	REC(FILE_DELETED, "file_deleted", struct ckpt_hdr_file_deleted),
	REC(FILE_PIDFD, "file_pidfd", struct ckpt_hdr_file_pidfd),
	REC(INODE, "inode", struct ckpt_hdr_inode),
	REC(FILE_PROC, "file_proc", struct ckpt_hdr_file_proc),
	REC(UNIX_SENDER, "unix_sender", struct ckpt_hdr_unix_sender),
	REC(UNIX_MSG_FROM, "unix_msg_from", struct ckpt_hdr_unix_msg_from),
	REC(UNIX_EMBRYO, "unix_embryo", struct ckpt_hdr_unix_embryo),
	REC(UNIX_MSG_FDS, "unix_msg_fds", struct ckpt_hdr_unix_msg_fds),
	REC(UNIX_FDS, "unix_fds", struct ckpt_hdr_unix_fds),
	REC(FILE_INET, "file_inet", struct ckpt_hdr_file_inet),
	REC(INET_DGRAM, "inet_dgram", struct ckpt_hdr_inet_dgram),
	REC(TCP_CONN, "tcp_conn", struct ckpt_hdr_tcp_conn),
};

/**
 * ckpt_records_check() - build-time checks of the record layouts
 *
 * The record structs are checked where the table is built; here: the
 * arrays that follow them, the sizes shared with the kernel's own, and
 * that the table covers every type of the enum.
 */
void __init ckpt_records_check(void)
{
	int i;

	BUILD_BUG_ON(sizeof(struct ckpt_posix_timer) % 8);
	BUILD_BUG_ON(sizeof(struct ckpt_task_pids) % 8);
	BUILD_BUG_ON(sizeof(struct ckpt_fd) % 8);
	BUILD_BUG_ON(sizeof(struct ckpt_epoll_item) % 8);
	BUILD_BUG_ON(sizeof(struct ckpt_inotify_watch) % 8);
	BUILD_BUG_ON(sizeof(struct ckpt_siginfo) % 8);
	BUILD_BUG_ON(sizeof(struct ckpt_siginfo) != 8 + sizeof(siginfo_t));
	BUILD_BUG_ON(CKPT_NSIG != _NSIG);
	BUILD_BUG_ON(CKPT_RLIM_NLIMITS != RLIM_NLIMITS);
	BUILD_BUG_ON(sizeof(struct ckpt_hdr_header) != 392);
	BUILD_BUG_ON(PAGE_SIZE != CKPT_PAGE_SIZE);
	for (i = 1; i < CKPT_HDR_MAX; i++)
		WARN_ON_ONCE(!ckpt_recs[i].name);
}

/**
 * ckpt_rec_name() - the name of a record type, for log lines
 * @type: a CKPT_HDR_* type, maybe out of range
 *
 * Return: the name, or "unknown".
 */
const char *ckpt_rec_name(u32 type)
{
	if (type == 0 || type >= CKPT_HDR_MAX)
		return "unknown";
	return ckpt_recs[type].name;
}

static const char *ckpt_who(struct ckpt_ctx *ctx)
{
	return ctx->restart ? "restart" : "checkpoint";
}

static void ckpt_vlog_file(struct file *logfile, const char *who,
			   const char *fmt, va_list ap)
{
	char *buf;
	int n;

	buf = kmalloc(256, GFP_KERNEL);
	if (!buf)
		return;
	n = scnprintf(buf, 256, "%s: ", who);
	n += vscnprintf(buf + n, 256 - n - 1, fmt, ap);
	buf[n++] = '\n';
	pr_debug("%.*s", n, buf);
	if (logfile) {
		loff_t *ppos = (logfile->f_mode & FMODE_STREAM) ?
				NULL : &logfile->f_pos;

		kernel_write(logfile, buf, n, ppos);
	}
	kfree(buf);
}

/**
 * ckpt_log_file() - write one line to a log file
 * @logfile: the file, or NULL (then the line only goes to pr_debug)
 * @who: "checkpoint" or "restart"
 * @fmt: printf format of the line, without the newline
 *
 * Lines never carry kernel pointers: only %d/%u/%s/%llx of values the
 * user gave or can see.
 */
void ckpt_log_file(struct file *logfile, const char *who, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ckpt_vlog_file(logfile, who, fmt, ap);
	va_end(ap);
}

/**
 * ckpt_log() - explain a refusal on the operation's logfd
 * @ctx: the operation
 * @err: the errno the operation fails with (0 for information)
 * @fmt: printf format of the line
 */
void ckpt_log(struct ckpt_ctx *ctx, int err, const char *fmt, ...)
{
	char line[200];
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (err)
		ckpt_log_file(ctx->logfile, ckpt_who(ctx), "%s (error %d)",
			      line, err);
	else
		ckpt_log_file(ctx->logfile, ckpt_who(ctx), "%s", line);
}

/* ---- writing ---------------------------------------------------------- */

static int ckpt_write_iter(struct ckpt_ctx *ctx, struct iov_iter *iter)
{
	size_t len = iov_iter_count(iter);
	ssize_t n;

	while (iov_iter_count(iter)) {
		n = vfs_iter_write(ctx->file, iter, ctx->ppos, 0);
		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	ctx->nbytes += len;
	return 0;
}

/**
 * ckpt_write() - write bytes of the image and add them to the checksum
 * @ctx: checkpoint context
 * @buf: kernel buffer
 * @len: bytes to write
 *
 * Return: 0, or a negative errno: -EINTR on a fatal signal, -EIO if the
 * image file takes no more bytes, or an error of writing to it.
 */
int ckpt_write(struct ckpt_ctx *ctx, const void *buf, size_t len)
{
	struct iov_iter iter;
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };

	if (!len)
		return 0;
	xxh64_update(&ctx->csum, buf, len);
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return ckpt_write_iter(ctx, &iter);
}

static const u8 ckpt_zeroes[8];

/**
 * ckpt_write_obj_data() - write a record made of a struct and trailing data
 * @ctx: checkpoint context
 * @h: the record's struct, starting with its struct ckpt_hdr
 * @type: CKPT_HDR_* type
 * @size: size of the struct
 * @data: variable part, or NULL
 * @dlen: bytes of @data
 *
 * Fills in @h's type and length (padded to 8) and writes struct, data and
 * padding.
 *
 * Return: 0, -EINVAL (with a warning) for a type or size the record table
 * does not allow, or an error of ckpt_write().
 */
int ckpt_write_obj_data(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 type,
			size_t size, const void *data, size_t dlen)
{
	u64 len = ALIGN((u64)size + dlen, 8);
	int ret;

	if (WARN_ON_ONCE(type == 0 || type >= CKPT_HDR_MAX ||
			 len > ckpt_recs[type].max_len ||
			 size < ckpt_recs[type].min_len))
		return -EINVAL;
	h->type = type;
	h->len = len;
	ret = ckpt_write(ctx, h, size);
	if (!ret)
		ret = ckpt_write(ctx, data, dlen);
	if (!ret)
		ret = ckpt_write(ctx, ckpt_zeroes, len - size - dlen);
	return ret;
}

/**
 * ckpt_write_obj() - write a fixed-size record
 * @ctx: checkpoint context
 * @h: the record's struct, starting with its struct ckpt_hdr
 * @type: CKPT_HDR_* type
 * @size: size of the struct
 *
 * Return: 0, or a negative errno as for ckpt_write_obj_data().
 */
int ckpt_write_obj(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 type,
		   size_t size)
{
	return ckpt_write_obj_data(ctx, h, type, size, NULL, 0);
}

/**
 * ckpt_write_pages() - write page contents straight from the pages
 * @ctx: checkpoint context
 * @pages: pages, each holding a reference
 * @nr: number of pages, at most CKPT_PAGES_MAX
 *
 * The checksum reads each page once; the write goes from the page itself
 * (the context's bio_vec array), with no bounce copy and no allocation.
 *
 * Return: 0, -EINVAL (with a warning) if @nr is above CKPT_PAGES_MAX, or
 * an error of writing the image as for ckpt_write().
 */
int ckpt_write_pages(struct ckpt_ctx *ctx, struct page **pages,
		     unsigned int nr)
{
	struct bio_vec *bv = ctx->bvec;
	struct iov_iter iter;
	unsigned int i;

	if (WARN_ON_ONCE(nr > CKPT_PAGES_MAX))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		void *p = kmap_local_page(pages[i]);

		xxh64_update(&ctx->csum, p, PAGE_SIZE);
		kunmap_local(p);
		bvec_set_page(&bv[i], pages[i], PAGE_SIZE, 0);
	}
	iov_iter_bvec(&iter, ITER_SOURCE, bv, nr, nr * PAGE_SIZE);
	return ckpt_write_iter(ctx, &iter);
}

/**
 * ckpt_write_trailer() - end the image with its checksum
 * @ctx: checkpoint context
 *
 * Return: 0, or a negative errno of writing the image.
 */
int ckpt_write_trailer(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_trailer t = {
		.magic = CKPT_TRAILER_MAGIC,
		.csum = xxh64_digest(&ctx->csum),
	};

	return ckpt_write_obj(ctx, &t.h, CKPT_HDR_TRAILER, sizeof(t));
}

/* ---- reading ---------------------------------------------------------- */

static int ckpt_read_iter(struct ckpt_ctx *ctx, struct iov_iter *iter)
{
	size_t len = iov_iter_count(iter);
	ssize_t n;

	while (iov_iter_count(iter)) {
		n = vfs_iter_read(ctx->file, iter, ctx->ppos, 0);
		if (n < 0)
			return n;
		if (n == 0) {
			ckpt_log(ctx, -EINVAL, "image truncated at byte %llu",
				 ctx->nbytes + len - iov_iter_count(iter));
			return -EINVAL;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	ctx->nbytes += len;
	return 0;
}

/**
 * ckpt_read() - read bytes of the image and add them to the checksum
 * @ctx: restart context
 * @buf: kernel buffer
 * @len: bytes to read
 *
 * Return: 0, -EINVAL (with a log line) if the image ends before @len
 * bytes, -EINTR on a fatal signal, or an error of reading the image file.
 */
int ckpt_read(struct ckpt_ctx *ctx, void *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	int ret;

	if (!len)
		return 0;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	ret = ckpt_read_iter(ctx, &iter);
	if (!ret)
		xxh64_update(&ctx->csum, buf, len);
	return ret;
}

/**
 * ckpt_read_hdr() - read the next record header and check its length
 * @ctx: restart context
 * @h: filled with the header
 *
 * The type must be known and the length within the type's bounds, a
 * multiple of 8.
 *
 * Return: 0, -EINVAL (with a log line) for an unknown type, a bad length
 * or a truncated image, or another error of ckpt_read().
 */
int ckpt_read_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	const struct ckpt_rec_desc *d;
	u64 at = ctx->nbytes;
	int ret;

	/* what a trailer's checksum must match: every byte before it */
	ctx->csum_at_hdr = xxh64_digest(&ctx->csum);
	ret = ckpt_read(ctx, h, sizeof(*h));
	if (ret)
		return ret;
	if (h->type == 0 || h->type >= CKPT_HDR_MAX) {
		ckpt_log(ctx, -EINVAL, "unknown record type %u at byte %llu",
			 h->type, at);
		return -EINVAL;
	}
	d = &ckpt_recs[h->type];
	if (h->len < d->min_len || h->len > d->max_len || h->len % 8) {
		ckpt_log(ctx, -EINVAL, "%s record at byte %llu: bad length %u",
			 d->name, at, h->len);
		return -EINVAL;
	}
	return 0;
}

/* The next record's header, which must be of @type */
static int ckpt_read_hdr_of(struct ckpt_ctx *ctx, u32 type, struct ckpt_hdr *h)
{
	int ret = ckpt_read_hdr(ctx, h);

	if (ret)
		return ret;
	if (h->type != type) {
		ckpt_log(ctx, -EINVAL, "expected a %s record, found %s",
			 ckpt_recs[type].name, ckpt_recs[h->type].name);
		return -EINVAL;
	}
	return 0;
}

/**
 * ckpt_read_payload() - read the rest of a fixed-size record
 * @ctx: restart context
 * @h: the header already read
 * @buf: the record's struct (starting with a struct ckpt_hdr)
 * @size: size of the struct; the record must be exactly this long
 *
 * Return: 0, -EINVAL (with a log line) if the record is not @size bytes
 * long or the image is truncated, or another error of ckpt_read().
 */
int ckpt_read_payload(struct ckpt_ctx *ctx, const struct ckpt_hdr *h,
		      void *buf, size_t size)
{
	if (h->len != size) {
		ckpt_log(ctx, -EINVAL, "%s record: length %u, expected %zu",
			 ckpt_recs[h->type].name, h->len, size);
		return -EINVAL;
	}
	memcpy(buf, h, sizeof(*h));
	return ckpt_read(ctx, buf + sizeof(*h), size - sizeof(*h));
}

/**
 * ckpt_read_obj() - read a fixed-size record of a given type
 * @ctx: restart context
 * @type: the CKPT_HDR_* type the image must hold next
 * @buf: the record's struct
 * @size: its size
 *
 * Return: 0, -EINVAL (with a log line) if the image is truncated or its
 * next record is not a record of type @type, @size bytes long, or another
 * error of reading the image.
 */
int ckpt_read_obj(struct ckpt_ctx *ctx, u32 type, void *buf, size_t size)
{
	struct ckpt_hdr h;
	int ret;

	ret = ckpt_read_hdr_of(ctx, type, &h);
	if (ret)
		return ret;
	return ckpt_read_payload(ctx, &h, buf, size);
}

/**
 * ckpt_read_payload_ext() - read the rest of an extensible record
 * @ctx: restart context
 * @h: the header already read; its length was bounded by ckpt_read_hdr()
 * @buf: the record's struct as this kernel knows it
 * @size: its size
 *
 * The rules of copy_struct_from_user(): a record shorter than @size (an
 * older writer's) is zero-extended; in a longer one (a newer writer's)
 * every byte this kernel does not know must be zero.
 *
 * Return: 0, -EINVAL (with a log line) for a non-zero byte beyond @size
 * or a truncated image, or another error of ckpt_read().
 */
int ckpt_read_payload_ext(struct ckpt_ctx *ctx, const struct ckpt_hdr *h,
			  void *buf, size_t size)
{
	size_t have = min_t(size_t, h->len, size);
	u64 tail[8];
	u32 left;
	int ret;

	memcpy(buf, h, sizeof(*h));
	ret = ckpt_read(ctx, buf + sizeof(*h), have - sizeof(*h));
	if (ret)
		return ret;
	memset(buf + have, 0, size - have);
	for (left = h->len - have; left; left -= have) {
		have = min_t(size_t, left, sizeof(tail));
		ret = ckpt_read(ctx, tail, have);
		if (ret)
			return ret;
		if (memchr_inv(tail, 0, have)) {
			ckpt_log(ctx, -EINVAL,
				 "%s record: fields this kernel does not know are set",
				 ckpt_recs[h->type].name);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * ckpt_read_obj_ext() - read an extensible record of a given type
 * @ctx: restart context
 * @type: the CKPT_HDR_* type the image must hold next
 * @buf: the record's struct as this kernel knows it
 * @size: its size
 *
 * Return: 0, -EINVAL (with a log line) if the next record is not of type
 * @type, else as for ckpt_read_payload_ext().
 */
int ckpt_read_obj_ext(struct ckpt_ctx *ctx, u32 type, void *buf, size_t size)
{
	struct ckpt_hdr h;
	int ret;

	ret = ckpt_read_hdr_of(ctx, type, &h);
	if (ret)
		return ret;
	return ckpt_read_payload_ext(ctx, &h, buf, size);
}

/**
 * ckpt_write_string() - write a STRING record
 * @ctx: checkpoint context
 * @str: the string, at most CKPT_PATH_MAX bytes with its NUL
 *
 * Return: 0, -EOPNOTSUPP (with a log line) for a longer string, or an
 * error of writing the image.
 */
int ckpt_write_string(struct ckpt_ctx *ctx, const char *str)
{
	struct ckpt_hdr_string h = {};
	size_t len = strlen(str) + 1;

	if (len > CKPT_PATH_MAX) {
		ckpt_log(ctx, -EOPNOTSUPP, "a path longer than %u bytes",
			 CKPT_PATH_MAX);
		return -EOPNOTSUPP;
	}
	h.len = len;
	return ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_STRING, sizeof(h),
				   str, len);
}

/**
 * ckpt_read_string() - read a STRING record
 * @ctx: restart context
 *
 * Return: the string in a kmalloc'ed buffer, to kfree(); or
 * ERR_PTR(-EINVAL) (with a log line) when the next record is no STRING,
 * its length disagrees with the record's or the string is not
 * terminated exactly at its end, ERR_PTR(-ENOMEM), or another error of
 * reading the image.
 */
char *ckpt_read_string(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_string *h;
	char *str = ERR_PTR(-EINVAL);

	h = ckpt_read_obj_var(ctx, CKPT_HDR_STRING, sizeof(*h));
	if (IS_ERR(h))
		return ERR_CAST(h);
	if (h->__reserved || h->h.len != ALIGN(sizeof(*h) + h->len, 8) ||
	    !ckpt_check_string(h, h->h.len, sizeof(*h), h->len)) {
		ckpt_log(ctx, -EINVAL, "string record: malformed");
		goto out;
	}
	str = kmemdup((char *)(h + 1), h->len, GFP_KERNEL);
	if (!str)
		str = ERR_PTR(-ENOMEM);
out:
	kvfree(h);
	return str;
}

/**
 * ckpt_read_payload_var() - read a variable-length record into a new buffer
 * @ctx: restart context
 * @h: the header already read; its length was bounded by ckpt_read_hdr()
 * @size: size of the record's fixed struct (at most @h->len)
 *
 * Return: a kvmalloc'ed buffer of @h->len bytes holding the whole record,
 * to free with kvfree(); or ERR_PTR(-EINVAL) if @h->len is below @size
 * or the image is truncated, ERR_PTR(-ENOMEM), or another error of
 * ckpt_read().
 */
void *ckpt_read_payload_var(struct ckpt_ctx *ctx, const struct ckpt_hdr *h,
			    size_t size)
{
	void *buf;
	int ret;

	if (h->len < size)
		return ERR_PTR(-EINVAL);
	buf = kvmalloc(h->len, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	memcpy(buf, h, sizeof(*h));
	ret = ckpt_read(ctx, buf + sizeof(*h), h->len - sizeof(*h));
	if (ret) {
		kvfree(buf);
		return ERR_PTR(ret);
	}
	return buf;
}

/**
 * ckpt_read_obj_var() - read a variable-length record of a given type
 * @ctx: restart context
 * @type: the CKPT_HDR_* type the image must hold next
 * @size: size of the record's fixed struct
 *
 * Return: the whole record in a kvmalloc'ed buffer, to free with
 * kvfree(); or an ERR_PTR: -EINVAL (with a log line) if the next record
 * is not a @type record, else as for ckpt_read_payload_var().
 */
void *ckpt_read_obj_var(struct ckpt_ctx *ctx, u32 type, size_t size)
{
	struct ckpt_hdr h;
	int ret;

	ret = ckpt_read_hdr_of(ctx, type, &h);
	if (ret)
		return ERR_PTR(ret);
	return ckpt_read_payload_var(ctx, &h, size);
}

/**
 * ckpt_check_string() - validate a NUL-terminated string inside a record
 * @rec: the record
 * @rec_len: its length
 * @off: offset of the string
 * @len: its length including the NUL, as the record claims
 *
 * Return: the string, or NULL if it does not fit in the record, is empty,
 * longer than CKPT_PATH_MAX, or not terminated exactly at @len - 1.
 */
const char *ckpt_check_string(const void *rec, size_t rec_len, size_t off,
			      u32 len)
{
	const char *s = rec + off;

	if (len == 0 || len > CKPT_PATH_MAX || off > rec_len ||
	    len > rec_len - off)
		return NULL;
	if (strnlen(s, len) != len - 1)
		return NULL;
	return s;
}

/**
 * ckpt_read_pages_addrs() - read a PAGES record up to its page contents
 * @ctx: restart context
 * @what: what the pages are of, for log lines ("vma 7f0000")
 * @parent_ok: whether addresses may be the parent's (CKPT_PAGE_PARENT:
 *	       no contents follow for them), in an inherited vma
 *
 * The record's header and its addresses, into ctx->addrs; the caller
 * checks the addresses, then reads the contents of those not marked
 * the parent's with ckpt_read_pages().
 *
 * Return: the number of addresses (0: the record that ends them), -EINVAL
 * (with a log line) when the next record is not a well-formed PAGES
 * record, or an error of reading the image.
 */
int ckpt_read_pages_addrs(struct ckpt_ctx *ctx, const char *what,
			  bool parent_ok)
{
	struct ckpt_hdr_pages h;
	unsigned int i, marked = 0;
	int ret;

	ret = ckpt_read_hdr(ctx, &h.h);
	if (ret)
		return ret;
	if (h.h.type != CKPT_HDR_PAGES) {
		ckpt_log(ctx, -EINVAL, "%s: expected pages", what);
		return -EINVAL;
	}
	ret = ckpt_read(ctx, &h.nr_pages, sizeof(h) - sizeof(h.h));
	if (ret)
		return ret;
	if (h.nr_pages > CKPT_PAGES_MAX || h.nr_parent > h.nr_pages ||
	    (h.nr_parent && !parent_ok) ||
	    h.h.len != sizeof(h) + (u64)h.nr_pages * 8 +
		       (u64)(h.nr_pages - h.nr_parent) * PAGE_SIZE)
		goto bad;
	if (!h.nr_pages)
		return 0;
	ret = ckpt_read(ctx, ctx->addrs, h.nr_pages * sizeof(u64));
	if (ret)
		return ret;
	for (i = 0; i < h.nr_pages; i++)
		marked += ctx->addrs[i] & CKPT_PAGE_PARENT;
	if (marked != h.nr_parent)
		goto bad;
	return h.nr_pages;
bad:
	ckpt_log(ctx, -EINVAL, "%s: bad pages record", what);
	return -EINVAL;
}

/**
 * ckpt_read_pages() - read page contents straight into the pages
 * @ctx: restart context
 * @pages: destination pages
 * @nr: number of pages
 *
 * Return: 0, -EINVAL if @nr is above CKPT_PAGES_MAX (with a warning) or
 * the image is truncated (with a log line), -EINTR on a fatal signal, or
 * an error of reading the image file.
 */
int ckpt_read_pages(struct ckpt_ctx *ctx, struct page **pages,
		    unsigned int nr)
{
	struct bio_vec *bv = ctx->bvec;
	struct iov_iter iter;
	unsigned int i;
	int ret;

	if (WARN_ON_ONCE(nr > CKPT_PAGES_MAX))
		return -EINVAL;
	for (i = 0; i < nr; i++)
		bvec_set_page(&bv[i], pages[i], PAGE_SIZE, 0);
	iov_iter_bvec(&iter, ITER_DEST, bv, nr, nr * PAGE_SIZE);
	ret = ckpt_read_iter(ctx, &iter);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		void *p = kmap_local_page(pages[i]);

		xxh64_update(&ctx->csum, p, PAGE_SIZE);
		kunmap_local(p);
	}
	return 0;
}

/**
 * ckpt_read_trailer() - verify the trailer whose header was just read
 * @ctx: restart context
 * @h: its header
 *
 * The checksum covers every byte before the trailer record: ckpt_read_hdr()
 * took the digest just before hashing the trailer's own header.
 *
 * Return: 0, -EINVAL (with a log line) for a malformed trailer, a bad
 * magic or a checksum mismatch, or another error of reading the image.
 */
int ckpt_read_trailer(struct ckpt_ctx *ctx, const struct ckpt_hdr *h)
{
	struct ckpt_hdr_trailer t;
	int ret;

	ret = ckpt_read_payload(ctx, h, &t, sizeof(t));
	if (ret)
		return ret;
	if (t.magic != CKPT_TRAILER_MAGIC) {
		ckpt_log(ctx, -EINVAL, "bad trailer magic");
		return -EINVAL;
	}
	if (t.csum != ctx->csum_at_hdr) {
		ckpt_log(ctx, -EINVAL, "checksum mismatch: image is corrupt");
		return -EINVAL;
	}
	return 0;
}
