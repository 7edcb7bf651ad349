// SPDX-License-Identifier: GPL-2.0-only
/*
 * Credentials. Restart grants only what the restarter could give itself
 * through the ordinary system calls:
 *
 * - uids and gids by the setresuid()/setresgid() rules: any with
 *   CAP_SETUID/CAP_SETGID, else each must be one of the current real,
 *   effective or saved ids;
 * - supplementary groups: unchanged, or CAP_SETGID;
 * - capabilities by the capset() rules: permitted within the current
 *   permitted set, effective within the new permitted set, inheritable
 *   within current inheritable | permitted (or CAP_SETPCAP), bounding set
 *   only lowered, ambient within permitted & inheritable;
 * - securebits: unchanged, or CAP_SETPCAP.
 *
 * The ids are written as seen from the checkpointer's user namespace and
 * mapped into the restarter's. Beside these rules, the LSM hooks of the
 * same system calls run on the staged credentials
 * (security_task_fix_setuid(), security_task_fix_setgid(),
 * security_task_fix_setgroups(), security_capset()), so a security module
 * that forbids a transition forbids the restart that asks for it.
 */
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/user_namespace.h>
#include <linux/securebits.h>
#include <linux/uidgid.h>
#include <linux/slab.h>
#include <linux/security.h>
#include "internal.h"

/**
 * checkpoint_creds() - write the CREDS record of @t
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, -ENOMEM, or an error of writing the image.
 */
int checkpoint_creds(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct user_namespace *ns = current_user_ns();
	const struct cred *cred;
	struct ckpt_hdr_creds h = {};
	struct group_info *gi;
	u32 *groups;
	int i, ret;

	cred = get_task_cred(t);
	h.uid = from_kuid_munged(ns, cred->uid);
	h.euid = from_kuid_munged(ns, cred->euid);
	h.suid = from_kuid_munged(ns, cred->suid);
	h.fsuid = from_kuid_munged(ns, cred->fsuid);
	h.gid = from_kgid_munged(ns, cred->gid);
	h.egid = from_kgid_munged(ns, cred->egid);
	h.sgid = from_kgid_munged(ns, cred->sgid);
	h.fsgid = from_kgid_munged(ns, cred->fsgid);
	h.cap_inheritable = cred->cap_inheritable.val;
	h.cap_permitted = cred->cap_permitted.val;
	h.cap_effective = cred->cap_effective.val;
	h.cap_bset = cred->cap_bset.val;
	h.cap_ambient = cred->cap_ambient.val;
	h.securebits = cred->securebits;
	gi = cred->group_info;
	h.ngroups = gi->ngroups;
	groups = kvmalloc_array(gi->ngroups ?: 1, sizeof(*groups), GFP_KERNEL);
	if (!groups) {
		put_cred(cred);
		return -ENOMEM;
	}
	for (i = 0; i < gi->ngroups; i++)
		groups[i] = from_kgid_munged(ns, gi->gid[i]);
	put_cred(cred);
	ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_CREDS, sizeof(h),
				  groups, h.ngroups * sizeof(*groups));
	kvfree(groups);
	return ret;
}

/**
 * ckpt_uid_allowed() - may the holder of @old take @uid?
 * @old: the restarter's credentials
 * @uid: a uid
 *
 * Return: true by the rules of setresuid(): one of its own uids, or any
 * with CAP_SETUID in its user namespace (also those of SCM_CREDENTIALS).
 */
bool ckpt_uid_allowed(const struct cred *old, kuid_t uid)
{
	return uid_eq(uid, old->uid) || uid_eq(uid, old->euid) ||
	       uid_eq(uid, old->suid) || ns_capable(old->user_ns, CAP_SETUID);
}

/**
 * ckpt_gid_allowed() - may the holder of @old take @gid?
 * @old: the restarter's credentials
 * @gid: a gid
 *
 * Return: true by the rules of setresgid(), as ckpt_uid_allowed().
 */
bool ckpt_gid_allowed(const struct cred *old, kgid_t gid)
{
	return gid_eq(gid, old->gid) || gid_eq(gid, old->egid) ||
	       gid_eq(gid, old->sgid) || ns_capable(old->user_ns, CAP_SETGID);
}

/**
 * ckpt_groups_equal() - are two supplementary group lists the same?
 * @a: one
 * @b: the other
 *
 * Return: true when they hold the same gids in the same order.
 */
bool ckpt_groups_equal(const struct group_info *a,
		       const struct group_info *b)
{
	int i;

	if (a == b)
		return true;
	if (a->ngroups != b->ngroups)
		return false;
	for (i = 0; i < a->ngroups; i++)
		if (!gid_eq(a->gid[i], b->gid[i]))
			return false;
	return true;
}

static int ckpt_map_ids(struct ckpt_ctx *ctx, struct cred *new,
			const struct ckpt_hdr_creds *h)
{
	struct user_namespace *ns = current_user_ns();

	new->uid = make_kuid(ns, h->uid);
	new->euid = make_kuid(ns, h->euid);
	new->suid = make_kuid(ns, h->suid);
	new->fsuid = make_kuid(ns, h->fsuid);
	new->gid = make_kgid(ns, h->gid);
	new->egid = make_kgid(ns, h->egid);
	new->sgid = make_kgid(ns, h->sgid);
	new->fsgid = make_kgid(ns, h->fsgid);
	if (!uid_valid(new->uid) || !uid_valid(new->euid) ||
	    !uid_valid(new->suid) || !uid_valid(new->fsuid) ||
	    !gid_valid(new->gid) || !gid_valid(new->egid) ||
	    !gid_valid(new->sgid) || !gid_valid(new->fsgid)) {
		ckpt_log(ctx, -EINVAL, "creds: id not mapped in this user namespace");
		return -EINVAL;
	}
	return 0;
}

static int ckpt_check_ids(struct ckpt_ctx *ctx, const struct cred *old,
			  const struct cred *new)
{
	if (!ckpt_uid_allowed(old, new->uid) ||
	    !ckpt_uid_allowed(old, new->euid) ||
	    !ckpt_uid_allowed(old, new->suid) ||
	    !ckpt_uid_allowed(old, new->fsuid)) {
		ckpt_log(ctx, -EPERM, "creds: uid %u not allowed without CAP_SETUID",
			 from_kuid_munged(current_user_ns(), new->euid));
		return -EPERM;
	}
	if (!ckpt_gid_allowed(old, new->gid) ||
	    !ckpt_gid_allowed(old, new->egid) ||
	    !ckpt_gid_allowed(old, new->sgid) ||
	    !ckpt_gid_allowed(old, new->fsgid)) {
		ckpt_log(ctx, -EPERM, "creds: gid %u not allowed without CAP_SETGID",
			 from_kgid_munged(current_user_ns(), new->egid));
		return -EPERM;
	}
	if (!ckpt_groups_equal(old->group_info, new->group_info) &&
	    !ns_capable(old->user_ns, CAP_SETGID)) {
		ckpt_log(ctx, -EPERM, "creds: groups differ, need CAP_SETGID");
		return -EPERM;
	}
	return 0;
}

static int ckpt_check_caps(struct ckpt_ctx *ctx, const struct cred *old,
			   const struct cred *new)
{
	bool setpcap = ns_capable(old->user_ns, CAP_SETPCAP);

	if (!cap_issubset(new->cap_permitted, old->cap_permitted) ||
	    !cap_issubset(new->cap_effective, new->cap_permitted) ||
	    !cap_issubset(new->cap_bset, old->cap_bset) ||
	    !cap_issubset(new->cap_ambient,
			  cap_intersect(new->cap_permitted,
					new->cap_inheritable)) ||
	    (!setpcap &&
	     !cap_issubset(new->cap_inheritable,
			   cap_combine(old->cap_inheritable,
				       old->cap_permitted)))) {
		ckpt_log(ctx, -EPERM, "creds: capabilities beyond the restarter's");
		return -EPERM;
	}
	if (new->securebits != old->securebits && !setpcap) {
		ckpt_log(ctx, -EPERM, "creds: securebits differ, need CAP_SETPCAP");
		return -EPERM;
	}
	return 0;
}

/*
 * The LSM hooks of setresuid(), setfsuid(), setresgid(), setfsgid() and
 * setgroups(), for the ids that change: a security module that forbids
 * one of these transitions forbids the restart that asks for it. The
 * capability module's setuid fixup may drop capabilities in @new; the
 * image's are set afterwards and checked by capset()'s rules.
 */
static int ckpt_lsm_ids(struct ckpt_ctx *ctx, struct cred *new,
			const struct cred *old)
{
	int ret = 0;

	if (!uid_eq(new->uid, old->uid) || !uid_eq(new->euid, old->euid) ||
	    !uid_eq(new->suid, old->suid))
		ret = security_task_fix_setuid(new, old, LSM_SETID_RES);
	if (!ret && !uid_eq(new->fsuid, old->fsuid))
		ret = security_task_fix_setuid(new, old, LSM_SETID_FS);
	if (!ret && (!gid_eq(new->gid, old->gid) ||
		     !gid_eq(new->egid, old->egid) ||
		     !gid_eq(new->sgid, old->sgid)))
		ret = security_task_fix_setgid(new, old, LSM_SETID_RES);
	if (!ret && !gid_eq(new->fsgid, old->fsgid))
		ret = security_task_fix_setgid(new, old, LSM_SETID_FS);
	if (!ret && !ckpt_groups_equal(old->group_info, new->group_info))
		ret = security_task_fix_setgroups(new, old);
	if (ret)
		ckpt_log(ctx, ret, "creds: a security module refused the ids");
	return ret;
}

/* capset()'s own hook, which also installs the three sets it checks */
static int ckpt_lsm_caps(struct ckpt_ctx *ctx, struct cred *new,
			 const struct cred *old, const struct ckpt_hdr_creds *h)
{
	kernel_cap_t eff = { .val = h->cap_effective };
	kernel_cap_t inh = { .val = h->cap_inheritable };
	kernel_cap_t perm = { .val = h->cap_permitted };
	int ret;

	ret = security_capset(new, old, &eff, &inh, &perm);
	if (ret) {
		ckpt_log(ctx, ret, "creds: a security module refused the capabilities");
		return ret;
	}
	new->cap_inheritable = inh;
	new->cap_permitted = perm;
	new->cap_effective = eff;
	new->cap_bset.val = h->cap_bset;
	new->cap_ambient.val = h->cap_ambient;
	return 0;
}

/**
 * restore_creds() - read the CREDS record and prepare the new credentials
 * @ctx: restart context
 *
 * Return: 0 with ctx->rs->cred prepared (committed later), -EINVAL for a
 * malformed record or an id not mapped in the restarter's user namespace,
 * -EPERM for credentials the restarter could not get (both with a log
 * line), -ENOMEM, or an error of reading the image.
 */
int restore_creds(struct ckpt_ctx *ctx)
{
	const struct cred *old = current_cred();
	struct ckpt_hdr_creds *h;
	struct group_info *gi;
	struct cred *new;
	const u32 *groups;
	u32 i;
	int ret;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_CREDS, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = -EINVAL;
	if (h->ngroups > CKPT_MAX_GROUPS || h->ngroups > NGROUPS_MAX ||
	    h->h.len != ALIGN(sizeof(*h) + h->ngroups * 4, 8) ||
	    (h->securebits & ~SECUREBITS_DEFAULT & ~SECURE_ALL_BITS &
	     ~SECURE_ALL_LOCKS) ||
	    (h->cap_inheritable | h->cap_permitted | h->cap_effective |
	     h->cap_bset | h->cap_ambient) & ~CAP_VALID_MASK) {
		ckpt_log(ctx, ret, "creds: malformed record");
		goto out;
	}
	ret = -ENOMEM;
	new = prepare_creds();
	if (!new)
		goto out;
	ret = ckpt_map_ids(ctx, new, h);
	if (ret)
		goto out_abort;
	ret = -ENOMEM;
	gi = groups_alloc(h->ngroups);
	if (!gi)
		goto out_abort;
	groups = (const u32 *)(h + 1);
	for (i = 0; i < h->ngroups; i++) {
		gi->gid[i] = make_kgid(current_user_ns(), groups[i]);
		if (!gid_valid(gi->gid[i])) {
			put_group_info(gi);
			ckpt_log(ctx, -EINVAL, "creds: group not mapped");
			ret = -EINVAL;
			goto out_abort;
		}
	}
	groups_sort(gi);
	set_groups(new, gi);
	put_group_info(gi);

	ret = ckpt_check_ids(ctx, old, new);
	if (!ret)
		ret = ckpt_lsm_ids(ctx, new, old);
	if (!ret)
		ret = ckpt_lsm_caps(ctx, new, old, h);
	if (!ret) {
		new->securebits = h->securebits;
		ret = ckpt_check_caps(ctx, old, new);
	}
	if (ret)
		goto out_abort;
	ctx->rs->cred = new;
	kvfree(h);
	return 0;
out_abort:
	abort_creds(new);
out:
	kvfree(h);
	return ret;
}

/**
 * restore_creds_commit() - install the prepared credentials
 * @ctx: restart context
 * @rs: the task's staged state; its credentials are consumed
 */
void restore_creds_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	commit_creds(rs->cred);
	rs->cred = NULL;
}
