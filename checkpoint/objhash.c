// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared objects. On checkpoint, a kernel object met a second time (a
 * struct file behind two fds, later an mm shared by threads) is emitted
 * once and referenced by its objref afterwards. On restart, the objref
 * finds the restored object again.
 */
#include <linux/file.h>
#include <linux/slab.h>
#include "internal.h"

struct ckpt_obj {
	struct hlist_node node;
	void *ptr;
	u32 objref;
	int type;
};

/* one entry per enum ckpt_obj_type; ckpt_obj_ops_check() finds holes */
static void ckpt_absent_noop(void *ptr)
{
}

/*
 * The entry of a type whose family is compiled out: no such object
 * exists to checkpoint, and its record is unknown to restart here.
 */
/**
 * ckpt_obj_get_file() - grab method of object types that are files
 * @ptr: a struct file
 */
void ckpt_obj_get_file(void *ptr)
{
	get_file(ptr);
}

/**
 * ckpt_obj_put_file() - drop method of object types that are files
 * @ptr: a struct file
 */
void ckpt_obj_put_file(void *ptr)
{
	fput(ptr);
}

/**
 * ckpt_obj_get_inode() - grab method of object types that are inodes
 * @ptr: a struct inode
 */
void ckpt_obj_get_inode(void *ptr)
{
	ihold(ptr);
}

/**
 * ckpt_obj_put_inode() - drop method of object types that are inodes
 * @ptr: a struct inode
 */
void ckpt_obj_put_inode(void *ptr)
{
	iput(ptr);
}

const struct ckpt_obj_ops ckpt_absent_obj_ops = {
	.name = "object type not built in",
	.grab = ckpt_absent_noop,
	.drop = ckpt_absent_noop,
};

static const struct ckpt_obj_ops *const ckpt_obj_ops[] = {
	[CKPT_OBJ_FILE] = &ckpt_file_obj_ops,
	[CKPT_OBJ_PIPE] = &ckpt_pipe_obj_ops,
	[CKPT_OBJ_RPIPE] = &ckpt_rpipe_obj_ops,
	[CKPT_OBJ_SHM_INODE] = &ckpt_shm_inode_obj_ops,
	[CKPT_OBJ_SHM_FILE] = &ckpt_shm_file_obj_ops,
	[CKPT_OBJ_UNIX_PAIR] = &ckpt_unix_pair_obj_ops,
	[CKPT_OBJ_RUNIX_PAIR] = &ckpt_runix_pair_obj_ops,
	[CKPT_OBJ_UNIX_SOCK] = &ckpt_unix_sock_obj_ops,
	[CKPT_OBJ_RUNIX_SOCK] = &ckpt_runix_sock_obj_ops,
	[CKPT_OBJ_MEMFD_INODE] = &ckpt_memfd_inode_obj_ops,
	[CKPT_OBJ_MEMFD_FILE] = &ckpt_memfd_file_obj_ops,
	[CKPT_OBJ_DELETED_INODE] = &ckpt_deleted_inode_obj_ops,
	[CKPT_OBJ_DELETED_FILE] = &ckpt_deleted_file_obj_ops,
	[CKPT_OBJ_INODE] = &ckpt_inode_obj_ops,
	[CKPT_OBJ_RINODE] = &ckpt_rinode_obj_ops,
	[CKPT_OBJ_DEAD_PID] = &ckpt_dead_pid_obj_ops,
	[CKPT_OBJ_RDEAD_PID] = &ckpt_dead_pid_obj_ops,
};

static_assert(ARRAY_SIZE(ckpt_obj_ops) == CKPT_OBJ_MAX);

/**
 * ckpt_obj_ops_check() - boot-time check that every type has its ops
 */
void __init ckpt_obj_ops_check(void)
{
	int i;

	for (i = 1; i < CKPT_OBJ_MAX; i++)
		WARN_ON_ONCE(!ckpt_obj_ops[i] || !ckpt_obj_ops[i]->grab ||
			     !ckpt_obj_ops[i]->drop ||
			     !ckpt_obj_ops[i]->rec_type !=
			     !ckpt_obj_ops[i]->restore);
}

/**
 * ckpt_objhash_init() - set up an empty object hash
 * @oh: the hash
 */
void ckpt_objhash_init(struct ckpt_objhash *oh)
{
	hash_init(oh->by_ptr);
	xa_init(&oh->by_ref);
	oh->next_ref = 1;
	oh->count = 0;
}

/**
 * ckpt_objhash_free() - drop every object and free the hash
 * @oh: the hash
 */
void ckpt_objhash_free(struct ckpt_objhash *oh)
{
	struct ckpt_obj *obj;
	struct hlist_node *tmp;
	unsigned long idx;
	int bkt;

	hash_for_each_safe(oh->by_ptr, bkt, tmp, obj, node) {
		hash_del(&obj->node);
		if (obj->ptr)
			ckpt_obj_ops[obj->type]->drop(obj->ptr);
		kfree(obj);
	}
	xa_for_each(&oh->by_ref, idx, obj) {
		if (obj->ptr)
			ckpt_obj_ops[obj->type]->drop(obj->ptr);
		kfree(obj);
	}
	xa_destroy(&oh->by_ref);
}

/**
 * ckpt_obj_lookup_add() - checkpoint: find or add an object
 * @ctx: checkpoint context
 * @ptr: the kernel object
 * @type: its CKPT_OBJ_* type
 * @first: set to true when the object was not in the hash yet (the caller
 *         then writes its record)
 *
 * Return: the object's objref (> 0), -ENOSPC when the hash already holds
 * CKPT_MAX_OBJS objects, or -ENOMEM.
 */
int ckpt_obj_lookup_add(struct ckpt_ctx *ctx, void *ptr, int type,
			bool *first)
{
	struct ckpt_objhash *oh = &ctx->objhash;
	struct ckpt_obj *obj;

	hash_for_each_possible(oh->by_ptr, obj, node, (unsigned long)ptr) {
		if (obj->ptr == ptr && obj->type == type) {
			*first = false;
			return obj->objref;
		}
	}
	if (oh->count >= CKPT_MAX_OBJS)
		return -ENOSPC;
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->ptr = ptr;
	obj->type = type;
	obj->objref = oh->next_ref++;
	ckpt_obj_ops[type]->grab(ptr);
	hash_add(oh->by_ptr, &obj->node, (unsigned long)ptr);
	oh->count++;
	*first = true;
	return obj->objref;
}

/**
 * ckpt_obj_lookup() - checkpoint: the objref of an object, if in the hash
 * @ctx: checkpoint context
 * @ptr: the kernel object
 * @type: its CKPT_OBJ_* type
 *
 * Return: its objref, or 0 when it was not saved yet.
 */
int ckpt_obj_lookup(struct ckpt_ctx *ctx, void *ptr, int type)
{
	struct ckpt_obj *obj;

	hash_for_each_possible(ctx->objhash.by_ptr, obj, node,
			       (unsigned long)ptr)
		if (obj->ptr == ptr && obj->type == type)
			return obj->objref;
	return 0;
}

/**
 * ckpt_obj_insert() - restart: record the object restored for an objref
 * @ctx: restart context
 * @ptr: the restored object, or NULL (an inherited fd with no file)
 * @objref: its objref from the image
 * @type: its CKPT_OBJ_* type
 *
 * The hash takes its own reference.
 *
 * Return: 0, -EINVAL (with a log line) for an objref that is zero, too
 * large or already used, or when the hash is full, or -ENOMEM.
 */
int ckpt_obj_insert(struct ckpt_ctx *ctx, void *ptr, u32 objref, int type)
{
	struct ckpt_objhash *oh = &ctx->objhash;
	struct ckpt_obj *obj;
	int ret;

	if (objref == 0 || objref > CKPT_MAX_OBJS || oh->count >= CKPT_MAX_OBJS) {
		ckpt_log(ctx, -EINVAL, "bad objref %u", objref);
		return -EINVAL;
	}
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->ptr = ptr;
	obj->type = type;
	obj->objref = objref;
	ret = xa_insert(&oh->by_ref, objref, obj, GFP_KERNEL);
	if (ret) {
		kfree(obj);
		if (ret == -EBUSY) {
			ckpt_log(ctx, -EINVAL, "objref %u used twice", objref);
			return -EINVAL;
		}
		return ret;
	}
	if (ptr)
		ckpt_obj_ops[type]->grab(ptr);
	oh->count++;
	return 0;
}

/**
 * ckpt_obj_fetch() - restart: the object restored for an objref
 * @ctx: restart context
 * @objref: from the image
 * @type: the CKPT_OBJ_* type the caller expects
 *
 * Return: the object (no new reference; may be NULL for an inherited fd
 * with no file), or ERR_PTR(-EINVAL) if there is no such objref of that
 * type.
 */
void *ckpt_obj_fetch(struct ckpt_ctx *ctx, u32 objref, int type)
{
	struct ckpt_obj *obj = xa_load(&ctx->objhash.by_ref, objref);

	if (!obj || obj->type != type) {
		ckpt_log(ctx, -EINVAL, "objref %u: no such object", objref);
		return ERR_PTR(-EINVAL);
	}
	return obj->ptr;
}

/**
 * ckpt_obj_find() - restart: the object of an objref, if restored yet
 * @ctx: restart context
 * @objref: from the image
 * @type: the CKPT_OBJ_* type the caller expects
 *
 * Return: the object (no new reference), NULL if the objref is not used
 * yet, or ERR_PTR(-EINVAL) if it names an object of another type.
 */
void *ckpt_obj_find(struct ckpt_ctx *ctx, u32 objref, int type)
{
	struct ckpt_obj *obj = xa_load(&ctx->objhash.by_ref, objref);

	if (!obj)
		return NULL;
	if (obj->type != type) {
		ckpt_log(ctx, -EINVAL, "objref %u: not the object expected",
			 objref);
		return ERR_PTR(-EINVAL);
	}
	return obj->ptr;
}

/**
 * ckpt_obj_checkpoint() - checkpoint: the objref of an object, saved once
 * @ctx: checkpoint context
 * @ptr: the kernel object
 * @type: its CKPT_OBJ_* type, whose ops have a checkpoint method
 *
 * At the object's first use its record is written, so it comes right
 * before the record that refers to it; later uses only get the objref.
 *
 * Return: the objref (> 0), or as for ckpt_obj_lookup_add() and the
 * type's checkpoint method (-EOPNOTSUPP with a log line, an error of
 * writing the image...).
 */
int ckpt_obj_checkpoint(struct ckpt_ctx *ctx, void *ptr, int type)
{
	bool first;
	int ref, ret;

	ref = ckpt_obj_lookup_add(ctx, ptr, type, &first);
	if (ref < 0 || !first)
		return ref;
	ret = ckpt_obj_ops[type]->checkpoint(ctx, ptr, ref);
	return ret ?: ref;
}

/* The restart ops of the object whose record is @rec_type, or NULL */
static const struct ckpt_obj_ops *ckpt_obj_ops_of_rec(u32 rec_type)
{
	int i;

	for (i = 1; i < CKPT_OBJ_MAX; i++)
		if (ckpt_obj_ops[i]->restore && ckpt_obj_ops[i]->rec_type == rec_type)
			return ckpt_obj_ops[i];
	return NULL;
}

/**
 * ckpt_read_ref_hdr() - restart: read the header of a record that may
 *			 refer to shared objects
 * @ctx: restart context
 * @h: the header of the first record that is no object's
 *
 * The records of objects at their first use (PIPE...) come right before
 * the record that refers to them: each is restored on the way.
 *
 * Return: 0 with @h read, or an error of reading the image or of
 * restoring an object (-EINVAL for a malformed one, ...).
 */
int ckpt_read_ref_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	const struct ckpt_obj_ops *ops;
	int ret;

	for (;;) {
		ret = ckpt_read_hdr(ctx, h);
		if (ret)
			return ret;
		ops = ckpt_obj_ops_of_rec(h->type);
		if (!ops)
			return 0;
		ret = ops->restore(ctx, h);
		if (ret)
			return ret;
	}
}

/**
 * ckpt_read_ref_ext() - restart: read an extensible record of @type, and
 *			 the objects it refers to that come before it
 * @ctx: restart context
 * @type: the CKPT_HDR_* type expected
 * @buf: the record's struct
 * @size: its size
 *
 * Return: 0, -EINVAL (with a log line) when the next record is not an
 * object's or @type, or as for ckpt_read_ref_hdr() and
 * ckpt_read_payload_ext().
 */
int ckpt_read_ref_ext(struct ckpt_ctx *ctx, u32 type, void *buf,
		      size_t size)
{
	struct ckpt_hdr h;
	int ret;

	ret = ckpt_read_ref_hdr(ctx, &h);
	if (ret)
		return ret;
	if (h.type != type) {
		ckpt_log(ctx, -EINVAL, "expected a %s record, found %s",
			 ckpt_rec_name(type), ckpt_rec_name(h.type));
		return -EINVAL;
	}
	return ckpt_read_payload_ext(ctx, &h, buf, size);
}

/**
 * ckpt_obj_check_all() - restart: is every restored object whole?
 * @ctx: restart context, with every record read
 *
 * An object made by one record and completed by others (a socket pair
 * and the FILE records of its ends) is checked once the image is read,
 * so that RESTART_VALIDATE refuses what restart would.
 *
 * Return: 0, or the first error of a type's check method (-EINVAL for a
 * malformed image), with its log line.
 */
int ckpt_obj_check_all(struct ckpt_ctx *ctx)
{
	struct ckpt_obj *obj;
	unsigned long i;
	int ret;

	xa_for_each(&ctx->objhash.by_ref, i, obj) {
		if (!obj->ptr || !ckpt_obj_ops[obj->type]->check)
			continue;
		ret = ckpt_obj_ops[obj->type]->check(ctx, obj->ptr);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ckpt_obj_release_all() - restart: the tree is about to be released
 * @ctx: restart context
 *
 * Every restored object whose type has a release method drops what only
 * restart needed (the read-write open that kept a named FIFO's data).
 */
void ckpt_obj_release_all(struct ckpt_ctx *ctx)
{
	struct ckpt_obj *obj;
	unsigned long i;

	xa_for_each(&ctx->objhash.by_ref, i, obj)
		if (obj->ptr && ckpt_obj_ops[obj->type]->release)
			ckpt_obj_ops[obj->type]->release(ctx, obj->ptr);
}
