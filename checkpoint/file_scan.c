// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tree's open files as a whole, before any is written: every file of
 * every fd table and mapping, every file in flight (SCM_RIGHTS) in a
 * queue of one of those unix sockets (and of the sockets in flight,
 * recursively), the leaks (a file something outside the tree holds too),
 * and which terminals, pipes and sockets lead to a live process outside
 * the tree (an fd the restarter can hand back).
 */
#include <net/scm.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/pipe_fs_i.h>
#include <linux/net.h>
#include <linux/major.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include <linux/sched/signal.h>
#include <linux/sched/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <net/sock.h>
#include <net/af_unix.h>
#include "internal.h"

/**
 * struct ckpt_tfile - an open file of the tree
 * @node:	in ckpt_tfiles.hash
 * @file:	the file, referenced
 * @fdrefs:	fd slots of the tree holding it
 * @maprefs:	vmas and executables of the tree's mms holding it
 * @flightrefs:	messages queued on unix sockets of the tree (or in
 *		flight themselves) that carry it, once per copy
 * @outside:	its reference count shows holders outside the tree (tasks,
 *		or messages queued on a unix socket outside)
 * @held:	a process outside the tree has it in its fd table (set by
 *		ckpt_scan_outside(), only looked for when @outside)
 * @next_sock:	ckpt_scan_in_flight(): the next unix socket to look into
 */
struct ckpt_tfile {
	struct hlist_node node;
	struct file *file;
	unsigned int fdrefs;
	unsigned int maprefs;
	unsigned int flightrefs;
	bool outside;
	bool held;
	struct ckpt_tfile *next_sock;
};

enum ckpt_tkey_kind {
	CKPT_KEY_FILES, CKPT_KEY_PIPE, CKPT_KEY_SOCK, CKPT_KEY_TREE_SOCK
};

/**
 * struct ckpt_tkey - something the scan of the outside looks for
 * @node:	in ckpt_tfiles.keys
 * @ptr:	a files_struct of the tree (CKPT_KEY_FILES: tasks using it
 *		are not outside), a pipe of the tree with ends beyond the
 *		tree's files (CKPT_KEY_PIPE), or the peer of a unix socket
 *		of the tree whose file is not the tree's (CKPT_KEY_SOCK,
 *		referenced); or the socket of a file of the tree
 *		(CKPT_KEY_TREE_SOCK: not looked for outside, only found by
 *		ckpt_sock_in_tree())
 * @kind:	enum ckpt_tkey_kind
 * @held:	a process outside the tree holds a file of that pipe, or the
 *		file of that peer, in its fd table
 */
struct ckpt_tkey {
	struct hlist_node node;
	const void *ptr;
	enum ckpt_tkey_kind kind;
	bool held;
};

struct ckpt_tfiles {
	DECLARE_HASHTABLE(hash, 8);
	DECLARE_HASHTABLE(keys, 8);
	unsigned int nr;
};

static struct ckpt_tfile *ckpt_tfile_find(struct ckpt_ctx *ctx,
					  struct file *file)
{
	struct ckpt_tfile *tf;

	hash_for_each_possible(ctx->tfiles->hash, tf, node,
			       (unsigned long)file)
		if (tf->file == file)
			return tf;
	return NULL;
}

/**
 * ckpt_free_tfiles() - drop the scan of the tree's files
 * @ctx: checkpoint context
 */
void ckpt_free_tfiles(struct ckpt_ctx *ctx)
{
	struct ckpt_tkey *k;
	struct ckpt_tfile *tf;
	struct hlist_node *tmp;
	int bkt;

	if (!ctx->tfiles)
		return;
	hash_for_each_safe(ctx->tfiles->hash, bkt, tmp, tf, node) {
		fput(tf->file);
		kfree(tf);
	}
	hash_for_each_safe(ctx->tfiles->keys, bkt, tmp, k, node) {
		if (k->kind == CKPT_KEY_SOCK)
			sock_put((struct sock *)k->ptr);
		kfree(k);
	}
	kfree(ctx->tfiles);
	ctx->tfiles = NULL;
}

static int ckpt_scan_task_fds(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_tfile *tf;
	struct file *file;
	unsigned int fd;

	for (fd = 0; (file = ckpt_next_file(t, &fd)); fd++) {
		tf = ckpt_tfile_find(ctx, file);
		if (tf) {
			fput(file);
			tf->fdrefs++;
			continue;
		}
		if (ctx->tfiles->nr >= CKPT_MAX_FDS) {
			fput(file);
			ckpt_log(ctx, -EOPNOTSUPP, "more than %u open files",
				 CKPT_MAX_FDS);
			return -EOPNOTSUPP;
		}
		tf = kzalloc(sizeof(*tf), GFP_KERNEL);
		if (!tf) {
			fput(file);
			return -ENOMEM;
		}
		tf->file = file;
		tf->fdrefs = 1;
		hash_add(ctx->tfiles->hash, &tf->node, (unsigned long)file);
		ctx->tfiles->nr++;
	}
	return 0;
}

/*
 * The open files only mapped that restart reopens by path: what they
 * carry that a reopen would not give back (a flock() or OFD lock, a
 * lease, O_ASYNC, an owner: each outlives the fd it was set through while
 * a mapping holds the file) is refused, as for the files the tree saves.
 * Checked once the mmap lock is dropped: the log takes file locks.
 */
static int ckpt_check_mapped(struct ckpt_ctx *ctx, struct file **files,
			     unsigned int n)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		if (!ret)
			ret = ckpt_check_file_state(ctx, files[i], true, false);
		fput(files[i]);
	}
	return ret;
}

/*
 * Count the vmas and executables of @t that hold files of the tree. Shared
 * anonymous memory is counted too, so that memory a task outside the tree
 * maps as well shows as a leak. The other mapped files are checked by
 * ckpt_check_mapped().
 */
static int ckpt_scan_task_maps(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct mm_struct *mm = get_task_mm(t);
	struct file **mapped, *prev = NULL;
	struct vm_area_struct *vma;
	unsigned int n = 0, max;
	struct ckpt_tfile *tf;
	struct file *exe;
	int ret = 0, err;

	if (!mm)
		return 0;
	/* the tasks are frozen: their mappings stay as counted */
	max = READ_ONCE(mm->map_count);
	mapped = kvmalloc_array(max ?: 1, sizeof(*mapped), GFP_KERNEL);
	if (!mapped) {
		mmput(mm);
		return -ENOMEM;
	}
	mmap_read_lock(mm);
	{
		VMA_ITERATOR(vmi, mm, 0);

		for_each_vma(vmi, vma) {
			if (!vma->vm_file)
				continue;
			tf = ckpt_tfile_find(ctx, vma->vm_file);
			if (tf) {
				tf->maprefs++;
				continue;
			}
			/* objects saved with the tree, as shared memory is */
			if (!vma_is_anon_shmem(vma) &&
			    !ckpt_is_memfd(vma->vm_file) &&
			    !ckpt_is_deleted(vma->vm_file)) {
				/* a library's vmas come one after another */
				if (vma->vm_file != prev && n < max)
					mapped[n++] = get_file(vma->vm_file);
				prev = vma->vm_file;
				continue;
			}
			tf = kzalloc(sizeof(*tf), GFP_KERNEL);
			if (!tf) {
				ret = -ENOMEM;
				break;
			}
			tf->file = get_file(vma->vm_file);
			tf->maprefs = 1;
			hash_add(ctx->tfiles->hash, &tf->node,
				 (unsigned long)tf->file);
			ctx->tfiles->nr++;
		}
	}
	mmap_read_unlock(mm);
	exe = get_mm_exe_file(mm);
	if (exe) {
		tf = ckpt_tfile_find(ctx, exe);
		if (tf)
			tf->maprefs++;
		fput(exe);
	}
	mmput(mm);
	err = ckpt_check_mapped(ctx, mapped, n);
	kvfree(mapped);
	return ret ?: err;
}

/**
 * ckpt_leak_checks() - must the tree's files be the tree's alone?
 * @ctx: checkpoint context
 *
 * Return: true for a container checkpoint; a self checkpoint and a
 * subtree may share files with the outside (they are inherited).
 */
bool ckpt_leak_checks(struct ckpt_ctx *ctx)
{
	return !ctx->self && !(ctx->flags & CHECKPOINT_SUBTREE);
}

/**
 * ckpt_chr_reopenable() - is @rdev a device restart reopens by path?
 * @rdev: a character device number
 *
 * Return: true for /dev/null, /dev/zero, /dev/full, /dev/random and
 * /dev/urandom: no state, the same thing once reopened.
 */
bool ckpt_chr_reopenable(dev_t rdev)
{
	if (MAJOR(rdev) != MEM_MAJOR)
		return false;
	switch (MINOR(rdev)) {
	case 3:		/* null */
	case 5:		/* zero */
	case 7:		/* full */
	case 8:		/* random */
	case 9:		/* urandom */
		return true;
	}
	return false;
}

/**
 * ckpt_chr_is_tty() - is @rdev a terminal?
 * @rdev: a character device number
 *
 * Return: true for the tty, console and pty slave majors.
 */
bool ckpt_chr_is_tty(dev_t rdev)
{
	unsigned int major = MAJOR(rdev);

	return major == TTY_MAJOR || major == TTYAUX_MAJOR ||
	       (major >= UNIX98_PTY_SLAVE_MAJOR &&
		major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT);
}

/*
 * A file whose holders outside the tree cannot change anything the tree
 * observes through it: an O_PATH descriptor (no I/O, no offset), or one
 * of the mem devices that restart reopens (no state; the offset of
 * /dev/null and /dev/zero always reads 0). The open file description is
 * not shared again after restart: status flags a holder outside sets
 * later are not seen, which for these files changes nothing but what
 * F_GETFL returns.
 */
static bool ckpt_file_stateless(struct file *file)
{
	struct inode *inode = file_inode(file);

	return file->f_mode & FMODE_PATH ||
	       (S_ISCHR(inode->i_mode) && ckpt_chr_reopenable(inode->i_rdev));
}

static struct ckpt_tkey *ckpt_tkey_find(struct ckpt_ctx *ctx,
					const void *ptr,
					enum ckpt_tkey_kind kind)
{
	struct ckpt_tkey *k;

	hash_for_each_possible(ctx->tfiles->keys, k, node, (unsigned long)ptr)
		if (k->ptr == ptr && k->kind == kind)
			return k;
	return NULL;
}

/* Look for @ptr outside the tree; @added: it was not looked for yet */
static int ckpt_tkey_add(struct ckpt_ctx *ctx, const void *ptr,
			 enum ckpt_tkey_kind kind, bool *added)
{
	struct ckpt_tkey *k;

	*added = false;
	if (ckpt_tkey_find(ctx, ptr, kind))
		return 0;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->ptr = ptr;
	k->kind = kind;
	hash_add(ctx->tfiles->keys, &k->node, (unsigned long)ptr);
	*added = true;
	return 0;
}

/**
 * ckpt_pipe_ends() - the tree's ends of a pipe
 * @ctx: checkpoint context, with the tree's files scanned
 * @pipe: the pipe
 * @r: set to how many struct files of the tree read @pipe
 * @w: set to how many write it
 * @outside: set when the reference count of one of them shows a holder
 *	     outside the tree (a fork shares the struct file, so the pipe's
 *	     own counts do not show it)
 * @held: set when a process outside the tree verifiably holds one of
 *	  them, or another open of @pipe
 */
void ckpt_pipe_ends(struct ckpt_ctx *ctx, struct pipe_inode_info *pipe,
		    unsigned int *r, unsigned int *w, bool *outside, bool *held)
{
	struct ckpt_tfile *tf;
	struct ckpt_tkey *k;
	int bkt;

	*r = 0;
	*w = 0;
	*outside = false;
	*held = false;
	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		if (get_pipe_info(tf->file, false) != pipe)
			continue;
		if (tf->file->f_mode & FMODE_READ)
			(*r)++;
		if (tf->file->f_mode & FMODE_WRITE)
			(*w)++;
		*outside |= tf->outside;
		*held |= tf->held;
	}
	k = ckpt_tkey_find(ctx, pipe, CKPT_KEY_PIPE);
	*held |= k && k->held;
}

/* Are there opens of @pipe that are not files of the tree? */
static bool ckpt_pipe_ends_beyond(struct ckpt_ctx *ctx,
				  struct pipe_inode_info *pipe)
{
	unsigned int r, w, readers, writers;
	bool outside, held;

	ckpt_pipe_ends(ctx, pipe, &r, &w, &outside, &held);
	pipe_lock(pipe);
	readers = pipe->readers;
	writers = pipe->writers;
	pipe_unlock(pipe);
	return readers != r || writers != w;
}

#if IS_ENABLED(CONFIG_UNIX)
/**
 * ckpt_unix_peer() - the peer of a connected unix socket
 * @file: a file, maybe a socket
 *
 * Return: the peer, referenced (sock_put() it), or NULL when @file is no
 * connected unix socket.
 */
struct sock *ckpt_unix_peer(struct file *file)
{
	struct socket *sock = sock_from_file(file);

	if (!sock || !sock->sk || sock->sk->sk_family != AF_UNIX)
		return NULL;
	return unix_peer_get(sock->sk);
}

/**
 * ckpt_peer_file() - the file of a socket's peer
 * @peer: the peer, referenced by the caller
 *
 * Return: the file, not referenced: only to compare with the tree's;
 * NULL when the peer was closed (a half-closed stream keeps its dead
 * peer).
 */
struct file *ckpt_peer_file(struct sock *peer)
{
	struct file *file = NULL;

	read_lock_bh(&peer->sk_callback_lock);
	if (peer->sk_socket && !sock_flag(peer, SOCK_DEAD))
		file = READ_ONCE(peer->sk_socket->file);
	read_unlock_bh(&peer->sk_callback_lock);
	return file;
}

/*
 * The files messages queued on @sk carry, each copy referenced into @v
 * while there is room (@max); how many there are. Under @sk's io lock
 * (ckpt_sock_files()): a stream reader takes a message's files off it
 * under that lock alone, before it unlinks the message.
 */
static unsigned int ckpt_queue_files(struct sock *sk, struct file **v,
				     unsigned int max)
{
	struct sk_buff_head *head = &sk->sk_receive_queue;
	struct scm_fp_list *fp;
	struct sk_buff *skb;
	unsigned int n = 0;
	int i;

	spin_lock(&head->lock);
	skb_queue_walk(head, skb) {
		fp = UNIXCB(skb).fp;
		for (i = 0; fp && i < fp->count; i++, n++)
			if (n < max)
				v[n] = get_file(fp->fp[i]);
	}
	spin_unlock(&head->lock);
	return n;
}

/*
 * The connections waiting in the backlog of listener @sk, referenced into
 * @v while there is room (@max); how many there are.
 */
static unsigned int ckpt_backlog_socks(struct sock *sk, struct sock **v,
				       unsigned int max)
{
	struct sk_buff_head *head = &sk->sk_receive_queue;
	struct sk_buff *skb;
	unsigned int n = 0;

	spin_lock(&head->lock);
	skb_queue_walk(head, skb) {
		if (n < max) {
			sock_hold(skb->sk);
			v[n] = skb->sk;
		}
		n++;
	}
	spin_unlock(&head->lock);
	return n;
}

/*
 * The files in flight on the queues of unix socket @sk (its own, and for
 * a listener those of the connections waiting in its backlog), each copy
 * referenced, into *@files (NULL: none), their number in *@nr. The tree
 * is frozen, but a socket outside may still send to one of the tree's:
 * a queue that changed between the count and the copy is refused.
 */
static int ckpt_sock_files(struct ckpt_ctx *ctx, struct sock *sk,
			   struct file ***files, unsigned int *nr)
{
	struct sock **emb = NULL;
	struct file **v = NULL;
	unsigned int ne = 0, n, m, i;
	int ret = 0;

	*files = NULL;
	*nr = 0;
	/* a reader outside the tree may be in the middle of a read */
	if (mutex_lock_killable(&unix_sk(sk)->iolock))
		return -EINTR;
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		ne = skb_queue_len_lockless(&sk->sk_receive_queue);
		if (ne > CKPT_MAX_UNIX_EMBRYOS)
			ne = CKPT_MAX_UNIX_EMBRYOS;
		emb = ne ? kvcalloc(ne, sizeof(*emb), GFP_KERNEL) : NULL;
		if (ne && !emb) {
			mutex_unlock(&unix_sk(sk)->iolock);
			return -ENOMEM;
		}
		ne = min(ckpt_backlog_socks(sk, emb, ne), ne);
	}
	/* nobody reads a connection not accepted yet: the tree is frozen */
	n = ckpt_queue_files(sk, NULL, 0);
	for (i = 0; i < ne; i++)
		n += ckpt_queue_files(emb[i], NULL, 0);
	if (!n)
		goto out;
	if (n > CKPT_MAX_UNIX_INFLIGHT) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "a unix socket with more than %u files in flight on its queues: not supported",
			 CKPT_MAX_UNIX_INFLIGHT);
		ret = -EOPNOTSUPP;
		goto out;
	}
	v = kvcalloc(n, sizeof(*v), GFP_KERNEL);
	if (!v) {
		ret = -ENOMEM;
		goto out;
	}
	m = ckpt_queue_files(sk, v, n);
	for (i = 0; i < ne; i++)
		m += ckpt_queue_files(emb[i], m < n ? v + m : NULL,
				      m < n ? n - m : 0);
	if (m != n) {
		for (i = 0; i < min(m, n); i++)
			fput(v[i]);
		kvfree(v);
		ckpt_log(ctx, -EBUSY,
			 "a unix socket's receive queue changed while the tree was frozen");
		ret = -EBUSY;
		goto out;
	}
	*files = v;
	*nr = n;
out:
	mutex_unlock(&unix_sk(sk)->iolock);
	for (i = 0; i < ne; i++)
		sock_put(emb[i]);
	kvfree(emb);
	return ret;
}

static bool ckpt_is_unix_sock(struct file *file)
{
	struct socket *sock = sock_from_file(file);

	return sock && sock->sk && sock->sk->sk_family == AF_UNIX;
}

/*
 * Count the files in flight on the queues of the tree's unix sockets:
 * each copy is a reference the tree holds. A file only in flight is a
 * file of the tree, and a unix socket in flight is looked into too, once
 * (a socket in flight in its own queue is a cycle the walk ends).
 */
static int ckpt_scan_in_flight(struct ckpt_ctx *ctx)
{
	struct ckpt_tfile *tf, *t, *work = NULL;
	struct file **files;
	unsigned int i, n;
	int bkt, ret = 0;

	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		if (!ckpt_is_unix_sock(tf->file))
			continue;
		tf->next_sock = work;
		work = tf;
	}
	while (work && !ret) {
		tf = work;
		work = tf->next_sock;
		ret = ckpt_sock_files(ctx, sock_from_file(tf->file)->sk,
				      &files, &n);
		for (i = 0; i < n; i++) {
			t = ret ? NULL : ckpt_tfile_find(ctx, files[i]);
			if (t || ret) {
				if (t)
					t->flightrefs++;
				fput(files[i]);
				continue;
			}
			if (ctx->tfiles->nr >= CKPT_MAX_FDS) {
				ckpt_log(ctx, -EOPNOTSUPP, "more than %u open files",
					 CKPT_MAX_FDS);
				ret = -EOPNOTSUPP;
			}
			t = ret ? NULL : kzalloc(sizeof(*t), GFP_KERNEL);
			if (!t) {
				ret = ret ?: -ENOMEM;
				fput(files[i]);
				continue;
			}
			/* the copy's reference is the scan's */
			t->file = files[i];
			t->flightrefs = 1;
			hash_add(ctx->tfiles->hash, &t->node,
				 (unsigned long)t->file);
			ctx->tfiles->nr++;
			if (ckpt_is_unix_sock(t->file)) {
				t->next_sock = work;
				work = t;
			}
		}
		kvfree(files);
	}
	return ret;
}
#else
struct sock *ckpt_unix_peer(struct file *file)
{
	return NULL;
}

struct file *ckpt_peer_file(struct sock *peer)
{
	return NULL;
}

static int ckpt_scan_in_flight(struct ckpt_ctx *ctx)
{
	return 0;
}
#endif

/* iterate_fd() callback: @file is in the fd table of a task outside */
static int ckpt_mark_held(const void *arg, struct file *file,
			  unsigned int fd)
{
	struct ckpt_ctx *ctx = (struct ckpt_ctx *)arg;
	struct pipe_inode_info *pipe;
	struct ckpt_tfile *tf;
	struct socket *sock;
	struct ckpt_tkey *k;

	tf = ckpt_tfile_find(ctx, file);
	if (tf)
		tf->held = true;
	pipe = get_pipe_info(file, false);
	k = pipe ? ckpt_tkey_find(ctx, pipe, CKPT_KEY_PIPE) : NULL;
	if (k)
		k->held = true;
	sock = sock_from_file(file);
	k = sock && sock->sk ? ckpt_tkey_find(ctx, sock->sk, CKPT_KEY_SOCK) :
			       NULL;
	if (k)
		k->held = true;
	return 0;
}

/*
 * Look through the fd table of every task outside the tree (in the whole
 * system, whatever its pid namespace) for the tree's files and for files
 * of the keys. Only a live process's fd table counts as a holder: a file
 * in flight in a unix socket queue, a released socket or a registered
 * io_uring file is held by nobody who could hand it back at restart.
 * The walk goes pid by pid, dropping the RCU lock between tasks. The
 * tasks outside run on: what it finds is what they held at some point
 * during the checkpoint.
 */
static int ckpt_scan_outside(struct ckpt_ctx *ctx)
{
	struct task_struct *t;
	struct pid *pid;
	int nr = 1;

	for (;;) {
		if (fatal_signal_pending(current))
			return -EINTR;
		rcu_read_lock();
		pid = find_ge_pid(nr, &init_pid_ns);
		if (!pid) {
			rcu_read_unlock();
			return 0;
		}
		nr = pid_nr(pid) + 1;
		t = pid_task(pid, PIDTYPE_PID);
		/* threads sharing their leader's fd table are seen with it */
		if (t && (t->flags & PF_KTHREAD ||
			  (!thread_group_leader(t) &&
			   READ_ONCE(t->files) ==
			   READ_ONCE(t->group_leader->files))))
			t = NULL;
		if (t)
			get_task_struct(t);
		rcu_read_unlock();
		if (!t)
			continue;
		task_lock(t);
		if (t->files && !ckpt_tkey_find(ctx, t->files, CKPT_KEY_FILES))
			iterate_fd(t->files, 0, ckpt_mark_held, ctx);
		task_unlock(t);
		put_task_struct(t);
		cond_resched();
	}
}

/*
 * Which of the tree's terminals, pipes and sockets lead to a live process
 * outside the tree: the same open file, a file of the same pipe, or the
 * file of a socket's peer in its fd table. Only looked for when the
 * reference counts say there may be one.
 */
static int ckpt_find_holders(struct ckpt_ctx *ctx)
{
	struct ckpt_tfile *tf;
	bool need = false, added;
	unsigned int i;
	int bkt, ret;

	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		struct file *file = tf->file;
		struct inode *inode = file_inode(file);
		struct pipe_inode_info *pipe;
		struct sock *peer;
		struct file *pf;

		if ((!tf->fdrefs && !tf->flightrefs) ||
		    file->f_mode & FMODE_PATH)
			continue;
		if (S_ISCHR(inode->i_mode) && ckpt_chr_is_tty(inode->i_rdev)) {
			need |= tf->outside;
			continue;
		}
		pipe = get_pipe_info(file, false);
		if (pipe) {
			need |= tf->outside;
			if (ckpt_tkey_find(ctx, pipe, CKPT_KEY_PIPE) ||
			    !ckpt_pipe_ends_beyond(ctx, pipe))
				continue;
			ret = ckpt_tkey_add(ctx, pipe, CKPT_KEY_PIPE, &added);
			if (ret)
				return ret;
			need = true;
			continue;
		}
		if (!S_ISSOCK(inode->i_mode))
			continue;
		peer = ckpt_unix_peer(file);
		if (!peer)
			continue;
		need |= tf->outside;
		pf = ckpt_peer_file(peer);
		ret = 0;
		added = false;
		if (pf && !ckpt_tfile_find(ctx, pf)) {
			ret = ckpt_tkey_add(ctx, peer, CKPT_KEY_SOCK, &added);
			need = true;
		}
		/* an added key keeps the reference on the peer */
		if (!added)
			sock_put(peer);
		if (ret)
			return ret;
	}
	if (!need)
		return 0;
	/* tasks using the tree's fd tables are the tree's */
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task_ent *e = &ctx->tasks[i];
		struct files_struct *files;

		if (!e->leader || e->zombie)
			continue;
		task_lock(e->t);
		files = e->t->files;
		task_unlock(e->t);
		if (!files)
			continue;
		ret = ckpt_tkey_add(ctx, files, CKPT_KEY_FILES, &added);
		if (ret)
			return ret;
	}
	return ckpt_scan_outside(ctx);
}

/* Every socket of the tree's files, for ckpt_sock_in_tree() */
static int ckpt_scan_socks(struct ckpt_ctx *ctx)
{
	struct ckpt_tfile *tf;
	struct socket *sock;
	bool added;
	int bkt, ret;

	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		sock = sock_from_file(tf->file);
		if (!sock || !sock->sk)
			continue;
		ret = ckpt_tkey_add(ctx, sock->sk, CKPT_KEY_TREE_SOCK, &added);
		if (ret)
			return ret;
	}
	return 0;
}

/* The distinct open files of the tree that are opens of @file's dentry */
static unsigned int ckpt_tfiles_of_dentry(struct ckpt_ctx *ctx,
					  struct file *file)
{
	struct ckpt_tfile *tf;
	unsigned int n = 0;
	int bkt;

	hash_for_each(ctx->tfiles->hash, bkt, tf, node)
		n += tf->file->f_path.dentry == file->f_path.dentry;
	return n;
}

/**
 * ckpt_scan_files() - find every open file of the tree
 * @ctx: checkpoint context, with the tree collected
 *
 * Pipes and sockets are classified against it ("is the other end in the
 * tree?"), terminals, pipes and sockets that look shared with the outside
 * are looked for in the fd tables of the tasks outside the tree, and
 * without CHECKPOINT_SUBTREE a file that something outside the tree also
 * holds is a leak (a self checkpoint does not check this). Stateless
 * files (O_PATH descriptors, /dev/null and the other mem devices restart
 * reopens) are never leaks. A memfd or deleted file that something
 * outside the tree holds (its file, or another open of it) is refused in
 * every case: restart makes the tree one of its own.
 *
 * A file in flight (SCM_RIGHTS) on a queue of a unix socket of the tree
 * is a file of the tree, and that reference the tree's.
 *
 * Return: 0, -EBUSY for a leak or a memfd or deleted file held outside
 * the tree (with a log line naming the file), or a unix socket's queue
 * that changed while the tree was frozen, -EOPNOTSUPP (with a log line)
 * for more than CKPT_MAX_FDS open files, more than
 * CKPT_MAX_UNIX_INFLIGHT files in flight on one socket's queues, or a
 * file with state that is not saved (ckpt_check_file_state()), -EINTR
 * when the caller got a fatal signal, or -ENOMEM.
 */
int ckpt_scan_files(struct ckpt_ctx *ctx)
{
	struct ckpt_tfile *tf;
	unsigned int i;
	int bkt, ret;

	ctx->tfiles = kzalloc(sizeof(*ctx->tfiles), GFP_KERNEL);
	if (!ctx->tfiles)
		return -ENOMEM;
	hash_init(ctx->tfiles->hash);
	hash_init(ctx->tfiles->keys);
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task_ent *e = &ctx->tasks[i];

		/* a shared fd table is scanned once, with its first user */
		if (!e->leader || e->zombie || e->share_files)
			continue;
		ret = ckpt_scan_task_fds(ctx, e->t);
		if (ret)
			return ret;
	}
	/* before the mappings, which count only the files known then */
	ret = ckpt_scan_in_flight(ctx);
	if (ret)
		return ret;
	for (i = 0; i < ctx->nr_tasks; i++) {
		struct ckpt_task_ent *e = &ctx->tasks[i];

		if (!e->leader || e->zombie)
			continue;
		ret = ckpt_scan_task_maps(ctx, e->t);
		if (ret)
			return ret;
	}
	ret = ckpt_scan_socks(ctx);
	if (ret)
		return ret;
	/* + 1: the reference the scan holds */
	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		tf->outside = file_count(tf->file) >
			      tf->fdrefs + tf->maprefs + tf->flightrefs + 1;
		ret = ckpt_check_file_state(ctx, tf->file, tf->maprefs,
					    tf->fdrefs);
		/* saved as the tree's own, whatever the checkpoint */
		if (!ret && (ckpt_is_memfd(tf->file) ||
			     ckpt_is_deleted(tf->file))) {
			unsigned int n = ckpt_tfiles_of_dentry(ctx, tf->file);

			ret = ckpt_check_unshared(ctx, tf->file, n,
						  tf->outside);
		}
		if (ret)
			return ret;
	}
	if (ckpt_leak_checks(ctx)) {
		hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
			char *buf, *name;

			if (!tf->outside || ckpt_file_stateless(tf->file))
				continue;
			buf = kmalloc(PATH_MAX, GFP_KERNEL);
			name = buf ? d_path(&tf->file->f_path, buf, PATH_MAX) :
				     NULL;
			ckpt_log(ctx, -EBUSY,
				 "leak: %s is shared with a task outside the tree",
				 IS_ERR_OR_NULL(name) ? "a file" : name);
			kfree(buf);
			return -EBUSY;
		}
	}
	return ckpt_find_holders(ctx);
}

/**
 * ckpt_walk_tfiles() - call @fn for every open file of the tree
 * @ctx: checkpoint context, after ckpt_scan_files()
 * @fn: called with each file (in no particular order); an error stops
 * @arg: for @fn
 *
 * Return: 0, or the first error of @fn.
 */
int ckpt_walk_tfiles(struct ckpt_ctx *ctx,
		     int (*fn)(struct ckpt_ctx *, struct file *, void *),
		     void *arg)
{
	struct ckpt_tfile *tf;
	int bkt, ret;

	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		ret = fn(ctx, tf->file, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ckpt_check_in_flight() - were the files only in flight all written?
 * @ctx: checkpoint context, once every task is written
 *
 * A file only in flight is written with the queue that holds it, by the
 * late record of a socket saved with the tree. One in the queue of a
 * socket that is not (inherited: connected to a socket a process outside
 * the tree holds) is not, and a record of the tree may name it (a pair's
 * other end, a sender): the checkpoint is refused rather than written
 * with a record restart would not find.
 *
 * Return: 0, or -EOPNOTSUPP with a log line.
 */
int ckpt_check_in_flight(struct ckpt_ctx *ctx)
{
	struct ckpt_tfile *tf;
	int bkt;

	hash_for_each(ctx->tfiles->hash, bkt, tf, node) {
		char *buf, *name;

		if (tf->fdrefs || tf->maprefs ||
		    ckpt_obj_lookup(ctx, tf->file, CKPT_OBJ_FILE) > 0)
			continue;
		buf = kmalloc(PATH_MAX, GFP_KERNEL);
		name = buf ? d_path(&tf->file->f_path, buf, PATH_MAX) : NULL;
		ckpt_log(ctx, -EOPNOTSUPP,
			 "%s is in flight in the queue of a unix socket that is not saved with the tree (inherited): not supported yet",
			 IS_ERR_OR_NULL(name) ? "a file" : name);
		kfree(buf);
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * ckpt_file_held() - does a process outside the tree hold a file of it?
 * @ctx: checkpoint context, with the tree's files scanned
 * @file: a file of the tree
 *
 * Return: true when a process outside the tree has @file in its fd
 * table (only looked for when its reference count showed a holder).
 */
bool ckpt_file_held(struct ckpt_ctx *ctx, struct file *file)
{
	struct ckpt_tfile *tf = ckpt_tfile_find(ctx, file);

	return tf && tf->held;
}

/**
 * ckpt_file_outside() - may something outside the tree hold @file?
 * @ctx: checkpoint context, with the tree's files scanned
 * @file: a file of the tree
 *
 * Return: true when its reference count shows holders besides the tree's
 * fds and mappings (a task outside, a unix socket queue...).
 */
bool ckpt_file_outside(struct ckpt_ctx *ctx, struct file *file)
{
	struct ckpt_tfile *tf = ckpt_tfile_find(ctx, file);

	return tf && tf->outside;
}

/**
 * ckpt_file_in_tree() - is @file one of the tree's open files?
 * @ctx: checkpoint context, with the tree's files scanned
 * @file: any file
 *
 * Return: true when a task of the tree has it in its fd table or maps it.
 */
bool ckpt_file_in_tree(struct ckpt_ctx *ctx, struct file *file)
{
	return ckpt_tfile_find(ctx, file);
}

/**
 * ckpt_sock_in_tree() - is @sk the socket of one of the tree's files?
 * @ctx: checkpoint context, with the tree's files scanned
 * @sk: any socket, only compared (it may be freed already)
 *
 * Return: true when a file of the tree is a socket whose sock is @sk.
 */
bool ckpt_sock_in_tree(struct ckpt_ctx *ctx, const struct sock *sk)
{
	return ckpt_tkey_find(ctx, sk, CKPT_KEY_TREE_SOCK);
}

/**
 * ckpt_sock_peer_held() - does a process outside the tree hold @peer?
 * @ctx: checkpoint context, with the tree's files scanned
 * @peer: the peer of a unix socket of the tree
 *
 * Return: true when a process outside the tree has the file of @peer in
 * its fd table.
 */
bool ckpt_sock_peer_held(struct ckpt_ctx *ctx, struct sock *peer)
{
	struct ckpt_tkey *k = ckpt_tkey_find(ctx, peer, CKPT_KEY_SOCK);

	return k && k->held;
}

