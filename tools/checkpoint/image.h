/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace reader for checkpoint images: load an image into memory, walk
 * its records with per-type length checks, verify the header and the
 * trailer checksum. Shared by `ckpt info` and the selftests.
 *
 * The image format is defined by include/uapi/linux/checkpoint_hdr.h.
 */
#ifndef CKPT_TOOLS_IMAGE_H
#define CKPT_TOOLS_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/checkpoint_hdr.h>

/* XXH64 of @len bytes at @buf (the image checksum uses seed 0) */
uint64_t ckpt_xxh64(const void *buf, size_t len, uint64_t seed);

/* A whole image in memory; @data is malloc()ed and 8-byte aligned */
struct ckpt_image {
	unsigned char *data;
	size_t len;
};

/* Read a file ("-" is stdin) into @img. 0 or -errno. */
int ckpt_image_load(const char *path, struct ckpt_image *img);
/* Read everything left on @fd into @img. 0 or -errno. */
int ckpt_image_load_fd(int fd, struct ckpt_image *img);
void ckpt_image_free(struct ckpt_image *img);

/*
 * Called for each record with its offset in the image. Return 0 to go on;
 * any other value stops the walk, which then returns that value.
 */
typedef int (*ckpt_rec_fn)(const struct ckpt_hdr *h, size_t off, void *arg);

/*
 * Walk the records from offset 0, calling @fn (may be NULL) for each one
 * that passed the checks, up to and including the first TRAILER, or up to
 * the end of the image. Checks: a whole header fits, len >= 8,
 * len % 8 == 0, the record fits in the image, the type is known and len is
 * within that type's bounds. Returns 0, or -EINVAL with a message naming
 * the record index, offset and reason in @err (if @err is not NULL).
 */
int ckpt_image_walk(const struct ckpt_image *img, ckpt_rec_fn fn, void *arg,
		    char *err, size_t errlen);

/*
 * Full check: the walk succeeds, the first record is a HEADER with the
 * right magic, version and checksum algorithm, the walk ends at a TRAILER
 * with the right magic and nothing follows it, and the trailer's csum is
 * the xxh64 (seed 0) of every byte before the trailer record.
 * 0, or -EINVAL with a message in @err.
 */
int ckpt_image_verify(const struct ckpt_image *img, char *err, size_t errlen);

/*
 * Recompute the trailer checksum in place: the last TRAILER record found
 * by a lenient walk, or else a TRAILER-shaped record at the very end of
 * the image (so an image with a damaged record still gets a good sum).
 * 0, or -EINVAL when no trailer is found.
 */
int ckpt_image_fix_csum(struct ckpt_image *img);

/* "HEADER", "TREE", ... or "?" */
const char *ckpt_hdr_name(uint32_t type);

/* Offset of the n-th (from 0) record of @type, or -1 */
long ckpt_image_find(const struct ckpt_image *img, uint32_t type, int n);

/* Bounds on a record's len for @type (0, 0 for an unknown type) */
void ckpt_hdr_len_bounds(uint32_t type, uint32_t *min, uint32_t *max);

/*
 * Is @type an extensible record (FILE and the FILE_* type records)?
 * Such a record may be longer than its struct, up to CKPT_REC_EXT_MAX, a
 * reader refusing it unless every byte beyond the struct it knows is zero;
 * the minimum of ckpt_hdr_len_bounds() is the struct this tool knows.
 */
int ckpt_hdr_extensible(uint32_t type);

#endif /* CKPT_TOOLS_IMAGE_H */
