// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared objects. On checkpoint, a kernel object met a second time (a
 * struct file behind two fds, later an mm shared by threads) is emitted
 * once and referenced by its objref afterwards. On restart, the objref
 * finds the restored object again.
 */
#include <linux/checkpoint.h>
#include <linux/file.h>
#include <linux/slab.h>

struct ckpt_obj {
	struct hlist_node node;
	void *ptr;
	u32 objref;
	int type;
};

/**
 * struct ckpt_obj_ops - how the hash holds an object of one type
 * @grab:	take a reference when the object enters the hash
 * @drop:	drop it when the hash is freed
 */
struct ckpt_obj_ops {
	void (*grab)(void *ptr);
	void (*drop)(void *ptr);
};

static void ckpt_file_grab(void *ptr)
{
	get_file(ptr);
}

static void ckpt_file_drop(void *ptr)
{
	fput(ptr);
}

/* pipes stay alive through the files of the tree the context holds */
static void ckpt_noop(void *ptr)
{
}

static void ckpt_rpipe_drop(void *ptr)
{
	struct ckpt_rpipe *rp = ptr;

	fput(rp->end[0]);
	fput(rp->end[1]);
	if (rp->fifo)
		fput(rp->fifo);
	kfree(rp);
}

static void ckpt_inode_grab(void *ptr)
{
	ihold(ptr);
}

static void ckpt_inode_drop(void *ptr)
{
	iput(ptr);
}

static const struct ckpt_obj_ops ckpt_obj_ops[CKPT_OBJ_MAX] = {
	[CKPT_OBJ_FILE] = { .grab = ckpt_file_grab, .drop = ckpt_file_drop },
	[CKPT_OBJ_SHM_INODE] = { .grab = ckpt_inode_grab,
				 .drop = ckpt_inode_drop },
	[CKPT_OBJ_SHM_FILE] = { .grab = ckpt_file_grab,
				.drop = ckpt_file_drop },
	[CKPT_OBJ_PIPE] = { .grab = ckpt_noop, .drop = ckpt_noop },
	/* the hash owns a restored pipe: grab takes nothing */
	[CKPT_OBJ_RPIPE] = { .grab = ckpt_noop, .drop = ckpt_rpipe_drop },
};

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
			ckpt_obj_ops[obj->type].drop(obj->ptr);
		kfree(obj);
	}
	xa_for_each(&oh->by_ref, idx, obj) {
		if (obj->ptr)
			ckpt_obj_ops[obj->type].drop(obj->ptr);
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
	ckpt_obj_ops[type].grab(ptr);
	hash_add(oh->by_ptr, &obj->node, (unsigned long)ptr);
	oh->count++;
	*first = true;
	return obj->objref;
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
		ckpt_obj_ops[type].grab(ptr);
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
 * ckpt_release_fifos() - close what kept restored named FIFOs open
 * @ctx: restart context
 *
 * Once every restored task holds its own ends, a FIFO lives through them;
 * closing the read-write opens restart() made lets readers see the end of
 * file when no writer is left.
 */
void ckpt_release_fifos(struct ckpt_ctx *ctx)
{
	struct ckpt_obj *obj;
	unsigned long i;

	xa_for_each(&ctx->objhash.by_ref, i, obj) {
		struct ckpt_rpipe *rp = obj->ptr;

		if (obj->type != CKPT_OBJ_RPIPE || !rp->fifo)
			continue;
		fput(rp->fifo);
		rp->fifo = NULL;
	}
}
