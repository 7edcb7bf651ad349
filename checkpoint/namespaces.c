// SPDX-License-Identifier: GPL-2.0-only
/*
 * Namespaces and cgroups of the checkpointed tasks.
 *
 * Restart creates every task in the restarter's uts, ipc, mount, net,
 * time, cgroup and user namespaces, and in its cgroups (a container image
 * in a new pid namespace). None of them is saved yet, so a task whose own
 * differ from the checkpointer's - or, for cgroups, from the root's - would
 * come back in other ones without a word: checkpoint refuses it, naming
 * the namespace.
 */
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/nsproxy.h>
#include <linux/cred.h>
#include <linux/cgroup.h>
#include <linux/pid_namespace.h>
#include "internal.h"

static const char *ckpt_ns_differs(struct task_struct *t)
{
	struct nsproxy *mine = current->nsproxy, *ns;
	const char *what = NULL;

	task_lock(t);
	ns = t->nsproxy;
	if (!ns)
		;		/* exiting: nothing to restore */
	else if (ns->uts_ns != mine->uts_ns)
		what = "uts";
	else if (ns->ipc_ns != mine->ipc_ns)
		what = "ipc";
	else if (ns->mnt_ns != mine->mnt_ns)
		what = "mount";
	else if (ns->net_ns != mine->net_ns)
		what = "net";
	else if (ns->cgroup_ns != mine->cgroup_ns)
		what = "cgroup";
#ifdef CONFIG_TIME_NS
	else if (ns->time_ns != mine->time_ns ||
		 ns->time_ns_for_children != ns->time_ns)
		what = "time";
#endif
	else if (ns->pid_ns_for_children != task_active_pid_ns(t))
		what = "pid (for its children)";
	task_unlock(t);
	if (!what) {
		rcu_read_lock();
		if (__task_cred(t)->user_ns != current_user_ns())
			what = "user";
		rcu_read_unlock();
	}
	return what;
}

/**
 * ckpt_check_namespaces() - refuse a task restart would put elsewhere
 * @ctx: checkpoint context
 * @t: a live task of the tree
 *
 * Return: 0, or -EOPNOTSUPP with a log line naming the namespace (uts,
 * ipc, mount, net, cgroup, time, user, or the pid namespace of its future
 * children) that differs from the caller's, or saying that @t is in
 * other cgroups than the root of the tree.
 */
int ckpt_check_namespaces(struct ckpt_ctx *ctx, struct task_struct *t)
{
	const char *what = ckpt_ns_differs(t);
	bool other_cg;

	if (what) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "pid %d: its own %s namespace is not supported yet",
			 task_pid_nr_ns(t, ctx->pidns), what);
		return -EOPNOTSUPP;
	}
#ifdef CONFIG_CGROUPS
	rcu_read_lock();
	other_cg = task_css_set(t) != task_css_set(ctx->root);
	rcu_read_unlock();
#else
	other_cg = false;
#endif
	if (other_cg) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "pid %d: in other cgroups than the root of the tree: not supported yet",
			 task_pid_nr_ns(t, ctx->pidns));
		return -EOPNOTSUPP;
	}
	return 0;
}
