// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace reader for checkpoint images: XXH64, loading, record walk,
 * verification. See image.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "image.h"

/* ---- XXH64 ---------------------------------------------------------- */

#define XXH_P1	11400714785074694791ULL
#define XXH_P2	14029467366897019727ULL
#define XXH_P3	1609587929392839161ULL
#define XXH_P4	9650029242287828579ULL
#define XXH_P5	2870177450012600261ULL

static inline uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* little-endian loads, whatever the alignment */
static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t load32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t xxh_round(uint64_t acc, uint64_t lane)
{
	acc += lane * XXH_P2;
	acc = rotl64(acc, 31);
	return acc * XXH_P1;
}

static inline uint64_t xxh_merge(uint64_t h, uint64_t acc)
{
	h ^= xxh_round(0, acc);
	return h * XXH_P1 + XXH_P4;
}

uint64_t ckpt_xxh64(const void *buf, size_t len, uint64_t seed)
{
	const unsigned char *p = buf;
	const unsigned char *end = p + len;
	uint64_t h;

	if (len >= 32) {
		const unsigned char *limit = end - 32;
		uint64_t a1 = seed + XXH_P1 + XXH_P2;
		uint64_t a2 = seed + XXH_P2;
		uint64_t a3 = seed;
		uint64_t a4 = seed - XXH_P1;

		do {
			a1 = xxh_round(a1, load64(p));
			a2 = xxh_round(a2, load64(p + 8));
			a3 = xxh_round(a3, load64(p + 16));
			a4 = xxh_round(a4, load64(p + 24));
			p += 32;
		} while (p <= limit);

		h = rotl64(a1, 1) + rotl64(a2, 7) + rotl64(a3, 12) +
		    rotl64(a4, 18);
		h = xxh_merge(h, a1);
		h = xxh_merge(h, a2);
		h = xxh_merge(h, a3);
		h = xxh_merge(h, a4);
	} else {
		h = seed + XXH_P5;
	}

	h += (uint64_t)len;

	while (end - p >= 8) {
		h ^= xxh_round(0, load64(p));
		h = rotl64(h, 27) * XXH_P1 + XXH_P4;
		p += 8;
	}
	if (end - p >= 4) {
		h ^= (uint64_t)load32(p) * XXH_P1;
		h = rotl64(h, 23) * XXH_P2 + XXH_P3;
		p += 4;
	}
	while (p < end) {
		h ^= (uint64_t)*p * XXH_P5;
		h = rotl64(h, 11) * XXH_P1;
		p++;
	}

	/* final avalanche */
	h ^= h >> 33;
	h *= XXH_P2;
	h ^= h >> 29;
	h *= XXH_P3;
	h ^= h >> 32;
	return h;
}

/* ---- record types --------------------------------------------------- */

/*
 * Per record type: name, and the bounds of its len, the kernel reader's
 * (CKPT_REC_<TYPE>_MAX in the uapi header). The minimum is the fixed
 * struct; the maximum adds the largest variable part the reader accepts,
 * rounded up to 8, or is CKPT_REC_EXT_MAX for an extensible record (FILE
 * and the FILE_* type records), which a newer writer may make longer.
 * A record type added to the uapi header needs its line here.
 */
#define REC(t, s) [CKPT_HDR_##t] = { #t, sizeof(s), CKPT_REC_##t##_MAX, 0 }
#define REC_EXT(t, s) [CKPT_HDR_##t] = { #t, sizeof(s), CKPT_REC_##t##_MAX, 1 }

static const struct {
	const char *name;
	uint32_t min;
	uint32_t max;
	int ext;	/* extensible: zero-extended, tail of zeroes */
} rec_types[CKPT_HDR_MAX] = {
	REC(HEADER, struct ckpt_hdr_header),
	REC(TREE, struct ckpt_hdr_tree),
	/* extensible since ioprio and nr_cpus: shorter records are older */
	[CKPT_HDR_TASK] = { "TASK", CKPT_REC_TASK_MIN, CKPT_REC_TASK_MAX, 1 },
	REC(CREDS, struct ckpt_hdr_creds),
	REC(RLIMITS, struct ckpt_hdr_rlimits),
	REC(FS, struct ckpt_hdr_fs),
	/* extensible since owner: shorter records are older */
	[CKPT_HDR_FILE] = { "FILE", CKPT_REC_FILE_MIN, CKPT_REC_FILE_MAX, 1 },
	REC(FDTABLE, struct ckpt_hdr_fdtable),
	REC(SIGHAND, struct ckpt_hdr_sighand),
	REC(SIGNAL, struct ckpt_hdr_signal),
	REC(CPU, struct ckpt_hdr_cpu),
	REC(FPU, struct ckpt_hdr_fpu),
	REC(MM, struct ckpt_hdr_mm),
	REC(VMA, struct ckpt_hdr_vma),
	REC(PAGES, struct ckpt_hdr_pages),
	REC(TRAILER, struct ckpt_hdr_trailer),
	REC(PIPE, struct ckpt_hdr_pipe),
	REC(TIMERS, struct ckpt_hdr_timers),
	REC(STRING, struct ckpt_hdr_string),
	REC_EXT(FILE_CHR, struct ckpt_hdr_file_chr),
	REC_EXT(FILE_INHERIT, struct ckpt_hdr_file_inherit),
	REC_EXT(FILE_PIPE, struct ckpt_hdr_file_pipe),
	REC_EXT(FILE_EVENTFD, struct ckpt_hdr_file_eventfd),
	REC_EXT(FILE_EPOLL, struct ckpt_hdr_file_epoll),
	REC(EPOLL_ITEMS, struct ckpt_hdr_epoll_items),
	REC_EXT(FILE_SIGNALFD, struct ckpt_hdr_file_signalfd),
	REC_EXT(FILE_TIMERFD, struct ckpt_hdr_file_timerfd),
	REC_EXT(FILE_INOTIFY, struct ckpt_hdr_file_inotify),
	REC(INOTIFY_WATCHES, struct ckpt_hdr_inotify_watches),
	REC(INOTIFY_EVENTS, struct ckpt_hdr_inotify_events),
	REC(UNIX_PAIR, struct ckpt_hdr_unix_pair),
	/* extensible since name_len: shorter records are older */
	[CKPT_HDR_FILE_UNIX] = { "FILE_UNIX", CKPT_REC_FILE_UNIX_MIN,
				 CKPT_REC_FILE_UNIX_MAX, 1 },
	/* extensible since nr_senders: shorter records are older */
	[CKPT_HDR_UNIX_QUEUE] = { "UNIX_QUEUE", CKPT_REC_UNIX_QUEUE_MIN,
				  CKPT_REC_UNIX_QUEUE_MAX, 1 },
	REC(UNIX_MSG, struct ckpt_hdr_unix_msg),
	REC(LOCKS, struct ckpt_hdr_locks),
	REC(MEMFD, struct ckpt_hdr_memfd),
	REC_EXT(FILE_MEMFD, struct ckpt_hdr_file_memfd),
	REC(DELETED, struct ckpt_hdr_deleted),
	REC_EXT(FILE_DELETED, struct ckpt_hdr_file_deleted),
	REC_EXT(FILE_PIDFD, struct ckpt_hdr_file_pidfd),
	REC_EXT(INODE, struct ckpt_hdr_inode),
	REC_EXT(FILE_PROC, struct ckpt_hdr_file_proc),
	REC(UNIX_SENDER, struct ckpt_hdr_unix_sender),
	REC(UNIX_MSG_FROM, struct ckpt_hdr_unix_msg_from),
	REC(UNIX_EMBRYO, struct ckpt_hdr_unix_embryo),
	REC(UNIX_MSG_FDS, struct ckpt_hdr_unix_msg_fds),
	REC(UNIX_FDS, struct ckpt_hdr_unix_fds),
	REC_EXT(FILE_INET, struct ckpt_hdr_file_inet),
	REC(INET_DGRAM, struct ckpt_hdr_inet_dgram),
	REC(TCP_CONN, struct ckpt_hdr_tcp_conn),
};

/* a type added to the uapi header needs its line above */
_Static_assert(CKPT_HDR_MAX == CKPT_HDR_TCP_CONN + 1,
	       "rec_types[]: a record type without bounds");

const char *ckpt_hdr_name(uint32_t type)
{
	if (type == 0 || type >= CKPT_HDR_MAX)
		return "?";
	return rec_types[type].name;
}

void ckpt_hdr_len_bounds(uint32_t type, uint32_t *min, uint32_t *max)
{
	if (type == 0 || type >= CKPT_HDR_MAX) {
		*min = 0;
		*max = 0;
		return;
	}
	*min = rec_types[type].min;
	*max = rec_types[type].max;
}

int ckpt_hdr_extensible(uint32_t type)
{
	if (type == 0 || type >= CKPT_HDR_MAX)
		return 0;
	return rec_types[type].ext;
}

/* ---- loading -------------------------------------------------------- */

int ckpt_image_load_fd(int fd, struct ckpt_image *img)
{
	size_t cap = 1 << 20, len = 0;
	unsigned char *buf, *nbuf;
	struct stat st;
	ssize_t n;

	img->data = NULL;
	img->len = 0;

	/* a regular file: read it in one buffer of the right size */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		off_t pos = lseek(fd, 0, SEEK_CUR);

		if (pos >= 0 && pos <= st.st_size)
			cap = (size_t)(st.st_size - pos) + 1;
	}

	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;

	for (;;) {
		if (len == cap) {
			if (cap > ((size_t)-1) / 2) {
				free(buf);
				return -EFBIG;
			}
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			free(buf);
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}

	img->data = buf;
	img->len = len;
	return 0;
}

int ckpt_image_load(const char *path, struct ckpt_image *img)
{
	int fd, ret;

	if (strcmp(path, "-") == 0)
		return ckpt_image_load_fd(0, img);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		img->data = NULL;
		img->len = 0;
		return -errno;
	}
	ret = ckpt_image_load_fd(fd, img);
	close(fd);
	return ret;
}

void ckpt_image_free(struct ckpt_image *img)
{
	free(img->data);
	img->data = NULL;
	img->len = 0;
}

/* ---- walking -------------------------------------------------------- */

/*
 * The image data need not be 8-byte aligned (a caller may look at an image
 * that starts inside a larger buffer): read headers with memcpy().
 */
static inline struct ckpt_hdr hdr_at(const void *p)
{
	struct ckpt_hdr h;

	memcpy(&h, p, sizeof(h));
	return h;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Check the record at @off (record number @idx). @strict adds the type and
 * per-type length checks. 0 or -EINVAL with a message in @err.
 */
static int check_rec(const struct ckpt_image *img, size_t off,
		     unsigned int idx, int strict, char *err, size_t errlen)
{
	size_t left = img->len - off;
	struct ckpt_hdr hd, *h = &hd;

	if (left < sizeof(*h)) {
		seterr(err, errlen,
		       "record %u at offset %zu: truncated header (%zu bytes left)",
		       idx, off, left);
		return -EINVAL;
	}
	hd = hdr_at(img->data + off);
	if (h->len < sizeof(*h)) {
		seterr(err, errlen,
		       "record %u at offset %zu: len %u is shorter than a header",
		       idx, off, h->len);
		return -EINVAL;
	}
	if (h->len % 8) {
		seterr(err, errlen,
		       "record %u at offset %zu: len %u is not a multiple of 8",
		       idx, off, h->len);
		return -EINVAL;
	}
	if (h->len > left) {
		seterr(err, errlen,
		       "record %u at offset %zu: len %u runs past the end of the image (%zu bytes left)",
		       idx, off, h->len, left);
		return -EINVAL;
	}
	if (!strict)
		return 0;
	if (h->type == 0 || h->type >= CKPT_HDR_MAX) {
		seterr(err, errlen,
		       "record %u at offset %zu: unknown type %u",
		       idx, off, h->type);
		return -EINVAL;
	}
	if (h->len < rec_types[h->type].min ||
	    h->len > rec_types[h->type].max) {
		seterr(err, errlen,
		       "record %u at offset %zu: %s len %u out of bounds [%u, %u]",
		       idx, off, rec_types[h->type].name, h->len,
		       rec_types[h->type].min, rec_types[h->type].max);
		return -EINVAL;
	}
	return 0;
}

int ckpt_image_walk(const struct ckpt_image *img, ckpt_rec_fn fn, void *arg,
		    char *err, size_t errlen)
{
	unsigned int idx = 0;
	struct ckpt_hdr hd;
	size_t off = 0;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!img->data && img->len) {
		seterr(err, errlen, "no image data");
		return -EINVAL;
	}

	while (off < img->len) {
		ret = check_rec(img, off, idx, 1, err, errlen);
		if (ret)
			return ret;
		hd = hdr_at(img->data + off);
		if (fn) {
			ret = fn((const struct ckpt_hdr *)(img->data + off),
				 off, arg);
			if (ret) {
				if (ret < 0 && err && errlen && !err[0])
					seterr(err, errlen,
					       "record %u at offset %zu (%s): rejected (%s)",
					       idx, off, ckpt_hdr_name(hd.type),
					       strerror(-ret));
				return ret;
			}
		}
		if (hd.type == CKPT_HDR_TRAILER)
			break;
		off += hd.len;
		idx++;
	}
	return 0;
}

/* ---- verification --------------------------------------------------- */

struct verify_state {
	unsigned int nr;
	size_t last_off;
	uint32_t last_type;
};

static int verify_rec(const struct ckpt_hdr *h, size_t off, void *arg)
{
	struct verify_state *vs = arg;

	vs->nr++;
	vs->last_off = off;
	vs->last_type = hdr_at(h).type;
	return 0;
}

int ckpt_image_verify(const struct ckpt_image *img, char *err, size_t errlen)
{
	struct ckpt_hdr_header hdr, *hh = &hdr;
	struct ckpt_hdr_trailer trl, *tr = &trl;
	struct verify_state vs = { 0 };
	uint64_t sum;
	int ret;

	if (img->len == 0) {
		seterr(err, errlen, "empty image");
		return -EINVAL;
	}
	ret = ckpt_image_walk(img, verify_rec, &vs, err, errlen);
	if (ret)
		return ret;

	/* the walk checked the first record's len against its type */
	memcpy(&hdr, img->data, sizeof(struct ckpt_hdr));
	if (hdr.h.type == CKPT_HDR_HEADER)
		memcpy(&hdr, img->data, sizeof(hdr));
	if (hh->h.type != CKPT_HDR_HEADER) {
		seterr(err, errlen,
		       "record 0 at offset 0: first record is %s (type %u), not HEADER",
		       ckpt_hdr_name(hh->h.type), hh->h.type);
		return -EINVAL;
	}
	if (hh->magic != CKPT_MAGIC) {
		seterr(err, errlen,
		       "record 0 at offset 0: bad magic 0x%016llx",
		       (unsigned long long)hh->magic);
		return -EINVAL;
	}
	if (hh->version != CKPT_VERSION) {
		seterr(err, errlen,
		       "record 0 at offset 0: unsupported version %u (this tool reads %u)",
		       hh->version, CKPT_VERSION);
		return -EINVAL;
	}
	if (hh->csum_alg != CKPT_CSUM_XXH64) {
		seterr(err, errlen,
		       "record 0 at offset 0: unknown checksum algorithm %u",
		       hh->csum_alg);
		return -EINVAL;
	}

	if (vs.last_type != CKPT_HDR_TRAILER) {
		seterr(err, errlen,
		       "truncated image: no TRAILER after %u records (%zu bytes)",
		       vs.nr, img->len);
		return -EINVAL;
	}
	memcpy(&trl, img->data + vs.last_off, sizeof(trl));
	if (vs.last_off + tr->h.len != img->len) {
		seterr(err, errlen,
		       "%zu bytes of garbage after the TRAILER (record %u at offset %zu)",
		       img->len - vs.last_off - tr->h.len, vs.nr - 1,
		       vs.last_off);
		return -EINVAL;
	}
	if (tr->magic != CKPT_TRAILER_MAGIC) {
		seterr(err, errlen,
		       "record %u at offset %zu: bad TRAILER magic 0x%016llx",
		       vs.nr - 1, vs.last_off,
		       (unsigned long long)tr->magic);
		return -EINVAL;
	}
	sum = ckpt_xxh64(img->data, vs.last_off, 0);
	if (sum != tr->csum) {
		seterr(err, errlen,
		       "checksum mismatch: TRAILER says 0x%016llx, image has 0x%016llx",
		       (unsigned long long)tr->csum, (unsigned long long)sum);
		return -EINVAL;
	}
	return 0;
}

int ckpt_image_fix_csum(struct ckpt_image *img)
{
	const size_t tlen = sizeof(struct ckpt_hdr_trailer);
	struct ckpt_hdr hd;
	long found = -1;
	size_t off = 0;
	uint64_t sum;

	/* lenient walk: only the generic header checks, every TRAILER */
	while (off < img->len) {
		if (check_rec(img, off, 0, 0, NULL, 0))
			break;
		hd = hdr_at(img->data + off);
		if (hd.type == CKPT_HDR_TRAILER && hd.len == tlen)
			found = off;
		off += hd.len;
	}

	/* a damaged record hid the trailer: take one at the very end */
	if (found < 0 && img->len >= tlen && img->len % 8 == 0) {
		off = img->len - tlen;
		hd = hdr_at(img->data + off);
		if (hd.type == CKPT_HDR_TRAILER && hd.len == tlen)
			found = off;
	}
	if (found < 0)
		return -EINVAL;

	sum = ckpt_xxh64(img->data, found, 0);
	memcpy(img->data + found + offsetof(struct ckpt_hdr_trailer, csum),
	       &sum, sizeof(sum));
	return 0;
}

struct find_state {
	uint32_t type;
	int n;
	long off;
};

static int find_rec(const struct ckpt_hdr *h, size_t off, void *arg)
{
	struct find_state *fs = arg;

	if (hdr_at(h).type != fs->type)
		return 0;
	if (fs->n-- == 0) {
		fs->off = off;
		return 1;
	}
	return 0;
}

long ckpt_image_find(const struct ckpt_image *img, uint32_t type, int n)
{
	struct find_state fs = { .type = type, .n = n, .off = -1 };

	if (n < 0)
		return -1;
	ckpt_image_walk(img, find_rec, &fs, NULL, 0);
	return fs.off;
}
