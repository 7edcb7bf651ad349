// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unix sockets: unconnected, listening, or ends of a connection.
 *
 * A connection whose two ends are files of the tree (or whose other end
 * was closed) is a shared object, UNIX_PAIR, written before the FILE_UNIX
 * of its first end; restart makes it with socketpair(), whether
 * socketpair() or connect() and accept() made it. Each end is saved
 * with what getsockopt() reports (restored through setsockopt(), whose
 * limits and LSM hook apply), its shutdown state, and its receive queue:
 * what the peer sent and it has not read, message by message, with the
 * credentials each carries and without the part of a stream buffer
 * already read. A pair whose end 1 was closed is made whole, and end 1
 * closed again once end 0's queue is back, so end 0 sees the end of file
 * (and ECONNRESET) the way it did.
 *
 * The queues are put back, the peer credentials set and the shutdowns
 * done once every task of the tree exists (the credentials name them),
 * just before the tree runs (patches/0018): an epoll item or a poll on
 * a socket sees the data arrive then, as it does for a pipe refilled.
 *
 * A socket's name is saved as getsockname() reports it. A socket bound
 * by bind() (or autobind) is bound again: to the abstract name, or to
 * the path, where its socket inode is taken again if no socket is bound
 * to it, or made with its mode and owner if it is gone (and unlinked if
 * the restart fails). A stream's out-of-band byte not read yet is
 * queued again in its place and marked (patches/0028). A socket
 * accept() returned gets its listener's name back without being bound
 * to it. A listening socket listens again
 * with its backlog just before the tree runs, and the connections that
 * waited in its backlog are made again then, in their order, by
 * connecting their clients to it (patches/0026), with what the clients
 * had sent; a client closed since is closed again once connected.
 *
 * A datagram socket connected to one that is not connected back to it
 * (a client of a syslog daemon's socket) is connected to it again once
 * every socket exists (patches/0027); the two are named by a sock
 * objref, which also names a socket of the tree that sent datagrams
 * another one holds: they are queued again from the restored sender,
 * charged to it as they were.
 *
 * A message that carries files (SCM_RIGHTS) is written as a UNIX_MSG_FDS
 * with their number; the files themselves are written once every file
 * of the task is, in the socket's late UNIX_FDS record (each file in
 * flight is a file of the tree: file_scan.c), and they travel with the
 * message again when it is queued (patches/0029), counted in flight for
 * the garbage collector and charged to the restarter, as sendmsg() does.
 * A socket in flight in its own queue, a cycle, comes back as one.
 *
 * A socket connected to one that a process outside the tree holds is
 * inherited (self checkpoint, subtree) or a leak (container). Refused
 * with a line: a connection waiting between the tree and a socket
 * outside, a path socket whose inode is no longer at its path, a file in
 * flight that cannot be saved, options that are not saved,
 * credentials naming a process that is not in the tree, and a socket
 * shared with a process outside a subtree.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/security.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <net/af_unix.h>
#include <net/scm.h>
#include <net/sock.h>
#include "internal.h"

#define CKPT_UNIX_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK)

/* socket options a unix socket has no use for, and that are not saved */
#define CKPT_UNIX_UNSAVED_FLAGS						\
	(BIT(SOCK_LINGER) |						\
	 BIT(SOCK_BROADCAST) | BIT(SOCK_TIMESTAMP) | BIT(SOCK_DBG) |	\
	 BIT(SOCK_RCVTSTAMP) | BIT(SOCK_RCVTSTAMPNS) |			\
	 BIT(SOCK_LOCALROUTE) | BIT(SOCK_TIMESTAMPING_RX_SOFTWARE) |	\
	 BIT(SOCK_RXQ_OVFL) | BIT(SOCK_ZEROCOPY) |			\
	 BIT(SOCK_WIFI_STATUS) | BIT(SOCK_NOFCS) |			\
	 BIT(SOCK_FILTER_LOCKED) | BIT(SOCK_SELECT_ERR_QUEUE) |		\
	 BIT(SOCK_TXTIME) | BIT(SOCK_TSTAMP_NEW) | BIT(SOCK_RCVMARK))

/**
 * struct ckpt_unix_msg - one message of a receive queue
 * @len:	its bytes
 * @pid:	the credentials it carries: a pid of the image, or 0
 * @uid:	(u32)-1 for none
 * @gid:	(u32)-1 for none
 * @sender:	0: the socket's peer sent it; n: the queue's sender n
 * @nr_fds:	the files it carries (SCM_RIGHTS), or 0
 * @off:	checkpoint: its bytes at this offset of the snapshot's data
 * @rec:	restart: the UNIX_MSG, UNIX_MSG_FROM or UNIX_MSG_FDS record
 *		holding them
 * @bytes:	restart: where in @rec
 * @files:	restart: its files, referenced, once the socket's UNIX_FDS
 *		record is read
 */
struct ckpt_unix_msg {
	u32 len;
	s32 pid;
	u32 uid;
	u32 gid;
	u32 sender;
	u32 nr_fds;
	union {
		u64 off;
		struct {
			void *rec;
			const void *bytes;
			struct file **files;
		};
	};
};

/**
 * struct ckpt_unix_sender - a socket that sent datagrams of a queue and
 *			     is not the queue's socket's peer
 * @sk:		checkpoint: the sending socket, only to tell it from
 *		another (its memory lives as long as what it sent)
 * @objref:	a socket of the tree: its sock objref (CKPT_OBJ_UNIX_SOCK)
 * @name_len:	else its name, as recvfrom() reports it
 * @name:	sun_path
 * @sndbuf:	its SO_SNDBUF
 * @from:	restart: the socket that sends them again, referenced: the
 *		restored sender of the tree, or one of restart's own,
 *		closed once they are queued
 */
struct ckpt_unix_sender {
	const struct sock *sk;
	u32 objref;
	u32 name_len;
	u8 name[CKPT_UNIX_NAME_MAX];
	u32 sndbuf;
	struct file *from;
};

/**
 * struct ckpt_unix_queue - a receive queue, read or to be refilled
 * @nr:		messages
 * @bytes:	their bytes
 * @msgs:	the messages
 * @data:	checkpoint: their bytes, in order
 * @foreign:	checkpoint: how many messages its other senders sent
 * @nr_senders:	its other senders
 * @max_senders: room in @senders
 * @last:	checkpoint: the sender found last (1-based), or 0
 * @senders:	the other senders
 * @oob:	a stream's: the message (from 1) that is the out-of-band
 *		byte not read yet, or 0
 * @objref:	restart: the FILE record of its socket, for log lines
 * @nr_fds:	the files its messages carry, in all
 * @files:	checkpoint: those files, referenced, message by message
 * @got:	checkpoint: how many of @files are taken
 */
struct ckpt_unix_queue {
	unsigned int nr;
	u64 bytes;
	struct ckpt_unix_msg *msgs;
	char *data;
	unsigned int foreign;
	unsigned int nr_senders;
	unsigned int max_senders;
	unsigned int last;
	struct ckpt_unix_sender *senders;
	u32 oob;
	u32 objref;
	unsigned int nr_fds;
	struct file **files;
	unsigned int got;
};

static void ckpt_unix_put_files(struct file **files, unsigned int n)
{
	unsigned int i;

	for (i = 0; files && i < n; i++)
		if (files[i])
			fput(files[i]);
}

static void ckpt_unix_queue_free(struct ckpt_unix_queue *q)
{
	unsigned int i;

	if (q->msgs && !q->data)
		for (i = 0; i < q->nr; i++) {
			kvfree(q->msgs[i].rec);
			ckpt_unix_put_files(q->msgs[i].files,
					    q->msgs[i].nr_fds);
			kfree(q->msgs[i].files);
		}
	ckpt_unix_put_files(q->files, q->got);
	kvfree(q->files);
	for (i = 0; q->senders && i < q->nr_senders; i++)
		if (q->senders[i].from)
			fput(q->senders[i].from);
	kvfree(q->senders);
	kvfree(q->msgs);
	kvfree(q->data);
	memset(q, 0, sizeof(*q));
}

static struct sock *ckpt_unix_sock(struct file *file)
{
	struct socket *sock = sock_from_file(file);

	return sock ? sock->sk : NULL;
}

static bool ckpt_unix_match(struct file *file)
{
	struct sock *sk = ckpt_unix_sock(file);

	return sk && sk->sk_family == AF_UNIX;
}

/* ---- checkpoint ------------------------------------------------------- */

/* The image pid of a task of the tree whose pid is @pid, or 0 */
static pid_t ckpt_unix_tree_pid(struct ckpt_ctx *ctx, struct pid *pid)
{
	pid_t nr;

	rcu_read_lock();
	nr = ckpt_tree_pid(ctx, pid_task(pid, PIDTYPE_PID));
	rcu_read_unlock();
	return nr;
}

/*
 * SO_PEERCRED: the process that made the pair, a process of the tree
 * that still has the credentials the socket reports (restart gives the
 * socket that process's credentials again).
 */
static int ckpt_unix_peercred(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			      struct sock *sk, s32 *peer_pid)
{
	const struct cred *cred, *tcred;
	struct task_struct *t = NULL;
	struct pid *pid;
	unsigned int i;
	bool same;
	pid_t nr;

	spin_lock(&sk->sk_peer_lock);
	pid = get_pid(sk->sk_peer_pid);
	cred = sk->sk_peer_cred ? get_cred(sk->sk_peer_cred) : NULL;
	spin_unlock(&sk->sk_peer_lock);

	*peer_pid = 0;
	if (!pid && !cred)
		return 0;
	nr = ckpt_unix_tree_pid(ctx, pid);
	for (i = 0; nr && i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].pids.pid == nr)
			t = ctx->tasks[i].t;
	if (!t || !cred) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket: SO_PEERCRED names pid %d, not in the tree: not supported yet",
			 e->fd, ctx->cur->pids.pid,
			 pid ? pid_nr_ns(pid, ctx->pidns) : 0);
		put_pid(pid);
		if (cred)
			put_cred(cred);
		return -EOPNOTSUPP;
	}
	rcu_read_lock();
	tcred = __task_cred(t);
	same = uid_eq(cred->euid, tcred->euid) &&
	       gid_eq(cred->egid, tcred->egid) &&
	       cred->user_ns == tcred->user_ns &&
	       ckpt_groups_equal(cred->group_info, tcred->group_info);
	rcu_read_unlock();
	put_pid(pid);
	put_cred(cred);
	if (!same) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket: SO_PEERCRED names pid %d, whose credentials changed since: not supported yet",
			 e->fd, ctx->cur->pids.pid, nr);
		return -EOPNOTSUPP;
	}
	*peer_pid = nr;
	return 0;
}

enum ckpt_unix_why {
	CKPT_UNIX_OK,
	CKPT_UNIX_CHANGED,
	CKPT_UNIX_OTHER,
	CKPT_UNIX_PID,
	CKPT_UNIX_IDS,
	CKPT_UNIX_BIG,
	CKPT_UNIX_SENDERS,
	CKPT_UNIX_MARK,
};

/*
 * The number (from 1) of @from among the other senders of @q's
 * datagrams, added if new; 0 when there is no room. Under the queue's
 * lock: a queued datagram keeps its sender's memory, and its name.
 */
static unsigned int ckpt_unix_sender_of(struct ckpt_unix_queue *q,
					struct sock *from)
{
	struct ckpt_unix_sender *s;
	struct unix_address *addr;
	unsigned int i;

	/* datagrams come in runs from one sender: the last one first */
	if (q->last && q->senders[q->last - 1].sk == from)
		return q->last;
	for (i = 0; i < q->nr_senders; i++)
		if (q->senders[i].sk == from)
			return q->last = i + 1;
	if (q->nr_senders == q->max_senders)
		return 0;
	s = &q->senders[q->nr_senders++];
	s->sk = from;
	/* pairs with bind()'s smp_store_release(): the name is whole */
	addr = smp_load_acquire(&unix_sk(from)->addr);
	if (addr) {
		s->name_len = min_t(u32, sizeof(s->name), addr->len -
				    offsetof(struct sockaddr_un, sun_path));
		memcpy(s->name, addr->name->sun_path, s->name_len);
	}
	s->sndbuf = READ_ONCE(from->sk_sndbuf);
	return q->last = q->nr_senders;
}

/* The out-of-band byte of a stream socket not read yet, or NULL */
static struct sk_buff *ckpt_unix_oob_skb(struct sock *sk)
{
#if IS_ENABLED(CONFIG_AF_UNIX_OOB)
	return READ_ONCE(unix_sk(sk)->oob_skb);
#else
	return NULL;
#endif
}

/*
 * One walk of @sk's receive queue under its lock: with @q->msgs NULL it
 * counts, else it copies what the count said is there. The tree is
 * frozen and the peer is the tree's, so the queue holds still; a change
 * between the walks fails the checkpoint rather than saving half of it.
 */
static enum ckpt_unix_why ckpt_unix_walk(struct ckpt_ctx *ctx,
					 struct sock *sk, struct sock *peer,
					 struct ckpt_unix_queue *q,
					 pid_t *bad_pid)
{
	struct sk_buff_head *head = &sk->sk_receive_queue;
	struct user_namespace *ns = current_user_ns();
	enum ckpt_unix_why why = CKPT_UNIX_OK;
	bool stream = sk->sk_type == SOCK_STREAM;
	struct sk_buff *skb, *oob;
	unsigned int n = 0;
	u64 bytes = 0;

	spin_lock(&head->lock);
	/* marked under the queue's lock, as queue_oob() does */
	oob = ckpt_unix_oob_skb(sk);
	skb_queue_walk(head, skb) {
		u32 skip = UNIXCB(skb).consumed, len = skb->len - skip;
		struct scm_fp_list *fp = UNIXCB(skb).fp;
		unsigned int nr_fds = fp ? fp->count : 0, i;
		struct ckpt_unix_msg *m;
		struct pid *pid;

		/* a datagram from another socket than the peer: a sender */
		if ((skb->sk != peer || !peer) && sk->sk_type != SOCK_DGRAM) {
			why = CKPT_UNIX_OTHER;
			break;
		}
		/*
		 * Empty, a stream's buffer is what an out-of-band byte read
		 * with MSG_OOB leaves: a mark that reads stop at, and that
		 * SIOCATMARK reports, which restart would not put back
		 */
		if (stream && !len) {
			why = CKPT_UNIX_MARK;
			break;
		}
		if (len > CKPT_UNIX_MSG_MAX) {
			why = CKPT_UNIX_BIG;
			break;
		}
		if (q->msgs && (n == q->nr || bytes + len > q->bytes ||
				nr_fds > q->nr_fds - q->got)) {
			why = CKPT_UNIX_CHANGED;
			break;
		}
		if (!q->msgs && (skb->sk != peer || !peer))
			q->foreign++;
		if (!q->msgs)
			q->nr_fds += nr_fds;
		if (q->msgs) {
			m = &q->msgs[n];
			if (skb->sk != peer || !peer) {
				m->sender = ckpt_unix_sender_of(q, skb->sk);
				if (!m->sender) {
					why = CKPT_UNIX_SENDERS;
					break;
				}
			}
			pid = UNIXCB(skb).pid;
			m->len = len;
			m->off = bytes;
			m->pid = ckpt_unix_tree_pid(ctx, pid);
			if (pid && !m->pid) {
				*bad_pid = pid_nr_ns(pid, ctx->pidns);
				why = CKPT_UNIX_PID;
				break;
			}
			m->uid = uid_valid(UNIXCB(skb).uid) ?
				 from_kuid(ns, UNIXCB(skb).uid) : (u32)-1;
			m->gid = gid_valid(UNIXCB(skb).gid) ?
				 from_kgid(ns, UNIXCB(skb).gid) : (u32)-1;
			if ((uid_valid(UNIXCB(skb).uid) && m->uid == (u32)-1) ||
			    (gid_valid(UNIXCB(skb).gid) && m->gid == (u32)-1)) {
				why = CKPT_UNIX_IDS;
				break;
			}
			if (skb_copy_bits(skb, skip, q->data + bytes, len)) {
				why = CKPT_UNIX_CHANGED;
				break;
			}
			if (skb == oob)
				q->oob = n + 1;
			/* the files it carries, in the order recvmsg() gives */
			m->nr_fds = nr_fds;
			for (i = 0; i < nr_fds; i++)
				q->files[q->got++] = get_file(fp->fp[i]);
		}
		n++;
		bytes += len;
		if (n > CKPT_MAX_UNIX_MSGS || bytes > CKPT_UNIX_QUEUE_MAX)
			break;
	}
	spin_unlock(&head->lock);
	if (why == CKPT_UNIX_OK && q->msgs &&
	    (n != q->nr || bytes != q->bytes || q->got != q->nr_fds))
		why = CKPT_UNIX_CHANGED;
	if (why == CKPT_UNIX_OK && !q->msgs) {
		q->nr = n;
		q->bytes = bytes;
	}
	return why;
}

/*
 * Will @sk, a socket of the tree, have a FILE_UNIX of its own, that other
 * records may name? Not when it is connected to a socket held outside
 * the tree: it is inherited (or a leak).
 */
static bool ckpt_unix_saved(struct ckpt_ctx *ctx, struct sock *sk)
{
	struct sock *peer = unix_peer_get(sk);
	struct file *pf = peer ? ckpt_peer_file(peer) : NULL;
	bool saved = !pf || ckpt_file_in_tree(ctx, pf);

	if (peer)
		sock_put(peer);
	return saved;
}

/*
 * The other senders of datagrams of @q that are sockets of the tree are
 * named by their sock objref: restart sends their datagrams again from
 * the restored socket, charged to it as they were. The others (closed
 * since, or outside the tree: what they sent has arrived) are sent again
 * from sockets of restart's own, which it closes.
 */
static int ckpt_unix_senders_ref(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
				 struct ckpt_unix_queue *q)
{
	struct ckpt_unix_sender *s;
	unsigned int i;
	bool first;
	int ref;

	for (i = 0; i < q->nr_senders; i++) {
		s = &q->senders[i];
		/* a file of the tree holds it: it is alive */
		if (!ckpt_sock_in_tree(ctx, s->sk))
			continue;
		if (!ckpt_unix_saved(ctx, (struct sock *)s->sk))
			return ckpt_log_unsupported(ctx, e,
						    "is a unix socket with datagrams queued from a socket of the tree that is connected outside it: not supported yet");
		ref = ckpt_obj_lookup_add(ctx, (struct sock *)s->sk,
					  CKPT_OBJ_UNIX_SOCK, &first);
		if (ref < 0)
			return ref;
		s->objref = ref;
	}
	return 0;
}

/*
 * The two walks of @sk's receive queue into @q, under its io lock: the
 * reason it cannot be saved in *@why. 0, or an errno with a log line.
 */
static int __ckpt_unix_snapshot(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
				struct sock *sk, struct sock *peer,
				struct ckpt_unix_queue *q,
				enum ckpt_unix_why *why, pid_t *bad_pid)
{
	*why = ckpt_unix_walk(ctx, sk, peer, q, bad_pid);
	if (*why != CKPT_UNIX_OK || !q->nr)
		return 0;
	if (q->nr > CKPT_MAX_UNIX_MSGS || q->bytes > CKPT_UNIX_QUEUE_MAX) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket: more than %u messages or %u bytes queued: not supported",
			 e->fd, ctx->cur->pids.pid, CKPT_MAX_UNIX_MSGS,
			 CKPT_UNIX_QUEUE_MAX);
		return -EOPNOTSUPP;
	}
	if (q->nr_fds > CKPT_MAX_UNIX_INFLIGHT) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket: more than %u files in flight on its queues: not supported",
			 e->fd, ctx->cur->pids.pid, CKPT_MAX_UNIX_INFLIGHT);
		return -EOPNOTSUPP;
	}
	q->msgs = kvcalloc(q->nr, sizeof(*q->msgs), GFP_KERNEL);
	q->data = kvmalloc(q->bytes ?: 1, GFP_KERNEL);
	q->max_senders = min_t(unsigned int, q->foreign,
			       CKPT_MAX_UNIX_SENDERS);
	if (q->max_senders)
		q->senders = kvcalloc(q->max_senders, sizeof(*q->senders),
				      GFP_KERNEL);
	if (q->nr_fds)
		q->files = kvcalloc(q->nr_fds, sizeof(*q->files), GFP_KERNEL);
	if (!q->msgs || !q->data || (q->max_senders && !q->senders) ||
	    (q->nr_fds && !q->files))
		return -ENOMEM;
	*why = ckpt_unix_walk(ctx, sk, peer, q, bad_pid);
	return 0;
}

/* Read @sk's receive queue into @q, or refuse it with a line. */
static int ckpt_unix_snapshot(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			      struct sock *sk, struct sock *peer,
			      struct ckpt_unix_queue *q)
{
	enum ckpt_unix_why why;
	pid_t bad_pid = 0;
	int ret;

	/* a stream reader takes a message's files off under this lock */
	if (mutex_lock_killable(&unix_sk(sk)->iolock))
		return -EINTR;
	ret = __ckpt_unix_snapshot(ctx, e, sk, peer, q, &why, &bad_pid);
	mutex_unlock(&unix_sk(sk)->iolock);
	if (ret)
		return ret;
	switch (why) {
	case CKPT_UNIX_OK:
		return ckpt_unix_senders_ref(ctx, e, q);
	case CKPT_UNIX_SENDERS:
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket has datagrams queued from more than %u sockets: not supported",
			 e->fd, ctx->cur->pids.pid, CKPT_MAX_UNIX_SENDERS);
		return -EOPNOTSUPP;
	case CKPT_UNIX_PID:
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket has data queued sent by pid %d, not in the tree: not supported yet",
			 e->fd, ctx->cur->pids.pid, bad_pid);
		return -EOPNOTSUPP;
	case CKPT_UNIX_CHANGED:
		ckpt_log(ctx, -EBUSY,
			 "fd %u of pid %d: unix socket: its receive queue changed while the tree was frozen",
			 e->fd, ctx->cur->pids.pid);
		return -EBUSY;
	case CKPT_UNIX_OTHER:
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket with data queued from a socket that is not its peer: not supported yet");
	case CKPT_UNIX_MARK:
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket with the mark of an out-of-band byte read before the data ahead of it: not supported yet");
	case CKPT_UNIX_IDS:
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket with data whose credentials the checkpointer's user namespace does not map: not supported");
	default:
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket with a message of more than 8 MiB queued: not supported");
	}
}

/* Options the socket has that restart would not give it again */
static const char *ckpt_unix_unsaved(struct sock *sk)
{
	if (sk->sk_flags & CKPT_UNIX_UNSAVED_FLAGS)
		return "SO_LINGER, SO_TIMESTAMP or another flag";
	if (READ_ONCE(sk->sk_tsflags))
		return "SO_TIMESTAMPING";
	if (rcu_access_pointer(sk->sk_filter))
		return "a socket filter";
	if (READ_ONCE(sk->sk_bound_dev_if))
		return "SO_BINDTODEVICE";
	if (sk->sk_reuseport)
		return "SO_REUSEPORT";
	if (sk->sk_reuse && sk->sk_reuse != SK_CAN_REUSE)
		return "SO_REUSEADDR";
	if (rcu_access_pointer(sk->sk_user_data))
		return "a BPF socket map";
	return NULL;
}

/*
 * A socket connect() made for a listener, which accept() has not
 * returned yet: it has no socket and is not closed. Its listener in
 * *@listener, if asked: only to compare, it is not referenced.
 */
static bool ckpt_unix_embryo(struct sock *sk, const struct sock **listener)
{
	const struct sock *l = NULL;
	bool embryo;

	/* accept() takes the listener off under the state lock */
	unix_state_lock(sk);
	read_lock_bh(&sk->sk_callback_lock);
	embryo = !sk->sk_socket && !sock_flag(sk, SOCK_DEAD);
	if (embryo)
		l = unix_sk(sk)->listener;
	read_unlock_bh(&sk->sk_callback_lock);
	unix_state_unlock(sk);
	if (listener)
		*listener = l;
	return embryo;
}

/*
 * Is @sk's connection to @peer, a socket of the tree, one way: a
 * datagram socket connected to one that is not connected back to it (a
 * client of a syslog daemon's socket), or to itself?
 */
static bool ckpt_unix_oneway(struct sock *sk, struct sock *peer)
{
	bool oneway;

	if (peer == sk)
		return true;
	unix_state_lock(peer);
	oneway = unix_peer(peer) != sk;
	unix_state_unlock(peer);
	return oneway;
}

/*
 * How a unix socket is saved: as a socket of the tree (UNIX), inherited
 * (its peer's file is held by a process outside the tree: self
 * checkpoint, subtree) or refused.
 */
static int ckpt_unix_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct sock *sk = ckpt_unix_sock(e->file);
	struct sock *peer = unix_peer_get(sk);
	struct file *pf = peer ? ckpt_peer_file(peer) : NULL;
	const struct sock *listener = NULL;
	bool embryo, held, oneway, peer_saved;
	const char *opt;

	if (pf && !ckpt_file_in_tree(ctx, pf)) {
		held = ckpt_sock_peer_held(ctx, peer) ||
		       ckpt_file_held(ctx, e->file);
		sock_put(peer);
		if (!held)
			return ckpt_log_unsupported(ctx, e,
						    "is a unix socket whose peer no process outside the tree holds (in flight in a unix socket?): not supported yet");
		return ckpt_inherit_or_leak(ctx, e, CKPT_INHERIT_SOCKET,
					    "a socket connected outside the tree");
	}
	embryo = peer && !pf && ckpt_unix_embryo(peer, &listener);
	oneway = peer && pf && ckpt_unix_oneway(sk, peer);
	peer_saved = !oneway || ckpt_unix_saved(ctx, peer);
	if (peer)
		sock_put(peer);
	/* the listener saves the connection with its backlog */
	if (embryo && !ckpt_sock_in_tree(ctx, listener))
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket whose connection waits in the backlog of a listener outside the tree: not supported yet");
	/* a datagram socket only: connected again to its peer */
	if (oneway && sk->sk_type != SOCK_DGRAM)
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket whose peer is connected elsewhere: not supported");
	if (!peer_saved)
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket connected to a socket of the tree that is connected outside it: not supported yet");
	if (sk->sk_type != SOCK_STREAM && sk->sk_type != SOCK_DGRAM &&
	    sk->sk_type != SOCK_SEQPACKET)
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket of an unknown type");
	if (sock_net(sk) != current->nsproxy->net_ns)
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket of another network namespace: not supported yet");
	opt = ckpt_unix_unsaved(sk);
	if (opt) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket has socket options that are not saved (%s): not supported yet",
			 e->fd, ctx->cur->pids.pid, opt);
		return -EOPNOTSUPP;
	}
	/* a container's leaks were refused already; this is a subtree's */
	if (ckpt_file_outside(ctx, e->file))
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket shared with a process outside the tree (or in flight): not supported");
	return 0;
}

/*
 * The object a pair is hashed by: the same for both ends (the lower
 * sock), or the socket itself when its peer was closed or it has none.
 * A connection waiting in a listener's backlog is hashed by the socket
 * accept() is to return (ckpt_unix_checkpoint(), ckpt_unix_embryos()).
 */
static struct sock *ckpt_unix_pair_key(struct sock *sk, struct sock *peer,
				       bool closed)
{
	if (!peer || closed)
		return sk;
	return sk < peer ? sk : peer;
}

/* Write the UNIX_PAIR record of the pair hashed by @ptr */
static int ckpt_unix_pair_checkpoint(struct ckpt_ctx *ctx, void *ptr,
				     u32 objref)
{
	struct ckpt_hdr_unix_pair h = {};
	struct sock *sk = ptr;
	struct sock *peer = unix_peer_get(sk);

	h.objref = objref;
	h.sock_type = sk->sk_type;
	/* hashed by the socket a listener is to return: its client is end 1 */
	if (ckpt_unix_embryo(sk, NULL))
		h.flags = CKPT_UNIX_PAIR_EMBRYO;
	if (!peer || !ckpt_peer_file(peer))
		h.flags |= CKPT_UNIX_PAIR_CLOSED;
	if (peer)
		sock_put(peer);
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_UNIX_PAIR, sizeof(h));
}

static int ckpt_unix_write_queue(struct ckpt_ctx *ctx,
				 struct ckpt_unix_queue *q)
{
	struct ckpt_hdr_unix_queue hq = {
		.nr_msgs = q->nr,
		.bytes = q->bytes,
		.nr_senders = q->nr_senders,
		.oob_msg = q->oob,
	};
	unsigned int i;
	int ret;

	ret = ckpt_write_obj(ctx, &hq.h, CKPT_HDR_UNIX_QUEUE, sizeof(hq));
	for (i = 0; !ret && i < q->nr_senders; i++) {
		struct ckpt_unix_sender *s = &q->senders[i];
		struct ckpt_hdr_unix_sender hs = {
			.sock_objref = s->objref,
		};

		/* a socket of the tree has its own name and buffer */
		if (!s->objref) {
			hs.name_len = s->name_len;
			hs.sndbuf = s->sndbuf;
			memcpy(hs.name, s->name, s->name_len);
		}
		ret = ckpt_write_obj(ctx, &hs.h, CKPT_HDR_UNIX_SENDER,
				     sizeof(hs));
	}
	for (i = 0; !ret && i < q->nr; i++) {
		struct ckpt_unix_msg *m = &q->msgs[i];
		struct ckpt_hdr_unix_msg hm = {
			.len = m->len,
			.pid = m->pid,
			.uid = m->uid,
			.gid = m->gid,
		};
		struct ckpt_hdr_unix_msg_from hf = {
			.len = m->len,
			.pid = m->pid,
			.uid = m->uid,
			.gid = m->gid,
			.sender = m->sender,
		};
		struct ckpt_hdr_unix_msg_fds hd = {
			.len = m->len,
			.pid = m->pid,
			.uid = m->uid,
			.gid = m->gid,
			.sender = m->sender,
			.nr_fds = m->nr_fds,
		};

		/* its files are named by the socket's late UNIX_FDS */
		if (m->nr_fds)
			ret = ckpt_write_obj_data(ctx, &hd.h,
						  CKPT_HDR_UNIX_MSG_FDS,
						  sizeof(hd), q->data + m->off,
						  m->len);
		else if (m->sender)
			ret = ckpt_write_obj_data(ctx, &hf.h,
						  CKPT_HDR_UNIX_MSG_FROM,
						  sizeof(hf), q->data + m->off,
						  m->len);
		else
			ret = ckpt_write_obj_data(ctx, &hm.h, CKPT_HDR_UNIX_MSG,
						  sizeof(hm), q->data + m->off,
						  m->len);
	}
	return ret;
}

/*
 * The name of @sk into @h: as getsockname() reports it, and how it has
 * it. A socket bound to a path gets the INODE record of its socket
 * inode, its mode and owner, and in @buf (PATH_MAX bytes) where it is,
 * for restart to bind it there again; *@path points into @buf then.
 */
static int ckpt_unix_name(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			  struct sock *sk, struct ckpt_hdr_file_unix *h,
			  char *buf, char **path)
{
	struct unix_sock *u = unix_sk(sk);
	/* pairs with bind()'s smp_store_release(): the name is whole */
	struct unix_address *addr = smp_load_acquire(&u->addr);
	struct user_namespace *ns = current_user_ns();
	struct inode *inode;
	char what[24];
	char *p;
	int ref;

	*path = NULL;
	if (!addr)
		return 0;
	h->name_len = addr->len - offsetof(struct sockaddr_un, sun_path);
	if (h->name_len > sizeof(h->name))
		return ckpt_log_unsupported(ctx, e,
					    "is a unix socket with a name longer than sun_path");
	memcpy(h->name, addr->name->sun_path, h->name_len);
	/* accepted: its listener's name, which it is not bound to */
	if (!unix_sock_bound(sk))
		return 0;
	h->flags |= CKPT_UNIX_BOUND;
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		h->flags |= CKPT_UNIX_LISTEN;
		h->backlog = READ_ONCE(sk->sk_max_ack_backlog);
	}
	if (!h->name[0])
		return 0;
	/* bound to a path: u->path was set before the name, and stays */
	snprintf(what, sizeof(what), "fd %u", e->fd);
	p = ckpt_file_path(ctx, &u->path, buf, what);
	if (IS_ERR(p))
		return PTR_ERR(p);
	inode = d_backing_inode(u->path.dentry);
	h->mode = inode->i_mode & S_IALLUGO;
	h->uid = from_kuid(ns, inode->i_uid);
	h->gid = from_kgid(ns, inode->i_gid);
	if (h->uid == (u32)-1 || h->gid == (u32)-1) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket bound to %s, whose owner the checkpointer's user namespace does not map: not supported",
			 e->fd, ctx->cur->pids.pid, p);
		return -EOPNOTSUPP;
	}
	ref = ckpt_obj_checkpoint(ctx, inode, CKPT_OBJ_INODE);
	if (ref < 0)
		return ref;
	h->inode_objref = ref;
	*path = p;
	return 0;
}

/*
 * The connections waiting in listener @sk's backlog, in its order, each
 * referenced, in *@embryos. The tree is frozen, so none is accepted
 * while the checkpoint runs; one made after the count is not the
 * checkpoint's to save.
 */
static int ckpt_unix_backlog(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			     struct sock *sk, struct sock ***embryos, u32 *nr)
{
	struct sk_buff_head *head = &sk->sk_receive_queue;
	u32 n = skb_queue_len_lockless(head), i = 0;
	struct sk_buff *skb;
	struct sock **v;

	if (!n)
		return 0;
	if (n > CKPT_MAX_UNIX_EMBRYOS) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: listening unix socket with more than %u connections waiting to be accepted: not supported",
			 e->fd, ctx->cur->pids.pid, CKPT_MAX_UNIX_EMBRYOS);
		return -EOPNOTSUPP;
	}
	v = kvcalloc(n, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	/* each is held by the buffer that stands for it in the queue */
	spin_lock(&head->lock);
	skb_queue_walk(head, skb) {
		if (i == n)
			break;
		sock_hold(skb->sk);
		v[i++] = skb->sk;
	}
	spin_unlock(&head->lock);
	*embryos = v;
	*nr = i;
	return 0;
}

/**
 * struct ckpt_unix_late - the files in flight on a socket's queues, for
 *			   its UNIX_FDS record
 * @fd:		checkpoint: the socket's fd, for log lines
 * @nr:		checkpoint: how many
 * @max:	checkpoint: room in @files
 * @files:	checkpoint: each copy, referenced, in the order of the
 *		messages written
 * @nr_qs:	restart: how many queues have messages that carry files
 * @qs:		restart: those queues, in the order they were read (their
 *		owners free them)
 */
struct ckpt_unix_late {
	unsigned int fd;
	unsigned int nr;
	unsigned int max;
	struct file **files;
	unsigned int nr_qs;
	struct ckpt_unix_queue **qs;
};

static void ckpt_unix_late_free(void *data)
{
	struct ckpt_unix_late *l = data;

	ckpt_unix_put_files(l->files, l->nr);
	kvfree(l->files);
	kvfree(l->qs);
	kfree(l);
}

/* Move the files of queue @q, just written, to the end of @l */
static int ckpt_unix_late_take(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			       struct ckpt_unix_late *l,
			       struct ckpt_unix_queue *q)
{
	struct file **v;

	if (!q->got)
		return 0;
	if (l->nr + q->got > CKPT_MAX_UNIX_INFLIGHT) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket: more than %u files in flight on its queues: not supported",
			 e->fd, ctx->cur->pids.pid, CKPT_MAX_UNIX_INFLIGHT);
		return -EOPNOTSUPP;
	}
	/* a listener's connections each bring a few: room grows by half */
	if (l->nr + q->got > l->max) {
		unsigned int room = min(max(l->nr + q->got, l->max * 3 / 2),
					CKPT_MAX_UNIX_INFLIGHT);

		v = kvmalloc_array(room, sizeof(*v), GFP_KERNEL);
		if (!v)
			return -ENOMEM;
		if (l->nr)
			memcpy(v, l->files, l->nr * sizeof(*v));
		kvfree(l->files);
		l->files = v;
		l->max = room;
	}
	memcpy(l->files + l->nr, q->files, q->got * sizeof(*l->files));
	l->nr += q->got;
	q->got = 0;
	return 0;
}

/*
 * The late record of a socket with files in flight: the FILE records of
 * those files first (ckpt_file_ref() writes the ones not written yet,
 * the socket itself is), then UNIX_FDS naming them in order.
 */
static int ckpt_unix_checkpoint_late(struct ckpt_ctx *ctx, struct file *file,
				     u32 objref, void *data)
{
	struct ckpt_hdr_unix_fds h = { .objref = objref };
	struct ckpt_unix_late *l = data;
	u32 *refs;
	unsigned int i;
	int ret = 0;

	refs = kvmalloc_array(l->nr, sizeof(*refs), GFP_KERNEL);
	if (!refs) {
		ckpt_unix_late_free(l);
		return -ENOMEM;
	}
	for (i = 0; i < l->nr; i++) {
		ret = ckpt_file_ref(ctx, l->files[i], l->fd);
		if (ret < 0) {
			ckpt_log(ctx, ret,
				 "file record %u: a unix socket has a file in flight (SCM_RIGHTS) that cannot be saved",
				 objref);
			break;
		}
		refs[i] = ret;
		ret = 0;
	}
	if (!ret) {
		h.nr_fds = l->nr;
		ret = ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_UNIX_FDS,
					  sizeof(h), refs,
					  l->nr * sizeof(*refs));
	}
	kvfree(refs);
	ckpt_unix_late_free(l);
	return ret;
}

/* The late record is due: it takes @l's files */
static int ckpt_unix_late_due(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			      struct ckpt_unix_late *l)
{
	struct ckpt_unix_late *due;

	if (!l->nr)
		return 0;
	due = kmemdup(l, sizeof(*l), GFP_KERNEL);
	if (!due)
		return -ENOMEM;
	l->nr = 0;
	l->files = NULL;
	return ckpt_file_late_due(ctx, e->file, e->type, e->objref, due);
}

static void ckpt_unix_backlog_put(struct sock **embryos, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		sock_put(embryos[i]);
	kvfree(embryos);
}

/*
 * Connection @sk, waiting in the backlog of listener @e: its UNIX_PAIR
 * (hashed by @sk) if it is the first to name it, its UNIX_EMBRYO, and
 * what its client sent. The client is a socket of the tree, or closed.
 */
static int ckpt_unix_embryo_write(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
				  struct sock *sk, struct ckpt_unix_late *late)
{
	struct sock *client = unix_peer_get(sk);
	struct ckpt_hdr_unix_embryo h = {};
	struct ckpt_unix_queue q = {};
	int ret;

	/* not accepted while the tree is frozen, not closed but with it */
	if (!client || !ckpt_unix_embryo(sk, NULL)) {
		ckpt_log(ctx, -EBUSY,
			 "fd %u of pid %d: listening unix socket: its backlog changed while the tree was frozen",
			 e->fd, ctx->cur->pids.pid);
		ret = -EBUSY;
		goto out;
	}
	if (ckpt_peer_file(client) && !ckpt_sock_in_tree(ctx, client)) {
		ret = ckpt_log_unsupported(ctx, e,
					   "is a listening unix socket with a connection from a socket outside the tree waiting to be accepted: not supported yet");
		goto out;
	}
	if (READ_ONCE(sk->sk_err)) {
		ret = ckpt_log_unsupported(ctx, e,
					   "is a listening unix socket with a connection waiting to be accepted that has a pending error: not supported yet");
		goto out;
	}
	ret = ckpt_unix_peercred(ctx, e, sk, &h.peer_pid);
	if (!ret)
		ret = ckpt_unix_snapshot(ctx, e, sk, client, &q);
	if (!ret)
		ret = ckpt_obj_checkpoint(ctx, sk, CKPT_OBJ_UNIX_PAIR);
	if (ret < 0)
		goto out;
	h.pair_objref = ret;
	ret = ckpt_write_obj(ctx, &h.h, CKPT_HDR_UNIX_EMBRYO, sizeof(h)) ?:
	      ckpt_unix_write_queue(ctx, &q) ?:
	      ckpt_unix_late_take(ctx, e, late, &q);
out:
	ckpt_unix_queue_free(&q);
	if (client)
		sock_put(client);
	return ret;
}

static int ckpt_unix_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct socket *sock = sock_from_file(e->file);
	struct sock *sk = sock->sk, *peer = unix_peer_get(sk);
	bool embryo = peer && ckpt_unix_embryo(peer, NULL);
	bool closed = peer && !embryo && !ckpt_peer_file(peer);
	bool oneway = peer && !embryo && !closed &&
		      ckpt_unix_oneway(sk, peer);
	struct ckpt_unix_late late = { .fd = e->fd };
	struct ckpt_hdr_file_unix h = {};
	struct ckpt_unix_queue q = {};
	struct sock **embryos = NULL;
	char *buf, *path;
	bool first;
	int ret, ref;
	u32 i;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	h.sock_type = sk->sk_type;
	/* a datagram socket: others may name it, as their peer or sender */
	if (sk->sk_type == SOCK_DGRAM) {
		ref = ckpt_obj_lookup_add(ctx, sk, CKPT_OBJ_UNIX_SOCK, &first);
		if (ref < 0) {
			ret = ref;
			goto out;
		}
		h.sock_objref = ref;
	}
	if (oneway) {
		ref = ckpt_obj_lookup_add(ctx, peer, CKPT_OBJ_UNIX_SOCK,
					  &first);
		if (ref < 0) {
			ret = ref;
			goto out;
		}
		h.peer_objref = ref;
	} else if (peer) {
		struct sock *key = embryo ? peer :
				   ckpt_unix_pair_key(sk, peer, closed);

		/* end 0 is the end written first; a listener's client end 1 */
		h.end = embryo ||
			ckpt_obj_lookup(ctx, key, CKPT_OBJ_UNIX_PAIR) > 0;
		ref = ckpt_obj_checkpoint(ctx, key, CKPT_OBJ_UNIX_PAIR);
		if (ref < 0) {
			ret = ref;
			goto out;
		}
		h.pair_objref = ref;
	}
	ret = ckpt_unix_peercred(ctx, e, sk, &h.peer_pid);
	if (ret)
		goto out;
	ret = ckpt_unix_name(ctx, e, sk, &h, buf, &path);
	if (ret)
		goto out;
	if (h.flags & CKPT_UNIX_LISTEN)
		ret = ckpt_unix_backlog(ctx, e, sk, &embryos, &h.nr_embryos);
	else
		ret = ckpt_unix_snapshot(ctx, e, sk, oneway ? NULL : peer, &q);
	if (ret)
		goto out;
	if (test_bit(SOCK_PASSCRED, &sock->flags))
		h.flags |= CKPT_UNIX_PASSCRED;
	if (test_bit(SOCK_PASSSEC, &sock->flags))
		h.flags |= CKPT_UNIX_PASSSEC;
	if (test_bit(SOCK_PASSPIDFD, &sock->flags))
		h.flags |= CKPT_UNIX_PASSPIDFD;
	if (sock_flag(sk, SOCK_KEEPOPEN))
		h.flags |= CKPT_UNIX_KEEPALIVE;
	if (sk->sk_reuse)
		h.flags |= CKPT_UNIX_REUSEADDR;
	if (sock_flag(sk, SOCK_URGINLINE))
		h.flags |= CKPT_UNIX_OOBINLINE;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		h.flags |= CKPT_UNIX_SNDBUF_LOCK;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		h.flags |= CKPT_UNIX_RCVBUF_LOCK;
	/* what sock_wake_async() looks at before it sends SIGIO */
	if (test_bit(SOCKWQ_ASYNC_NOSPACE, &sock->wq.flags))
		h.flags |= CKPT_UNIX_ASYNC_NOSPACE;
	if (test_bit(SOCKWQ_ASYNC_WAITDATA, &sock->wq.flags))
		h.flags |= CKPT_UNIX_ASYNC_WAITDATA;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		h.shutdown |= CKPT_UNIX_SHUT_RD;
	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		h.shutdown |= CKPT_UNIX_SHUT_WR;
	h.err = READ_ONCE(sk->sk_err);
	if (h.err && (h.err != ECONNRESET || !closed)) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: unix socket has a pending error %d: not supported yet",
			 e->fd, ctx->cur->pids.pid, h.err);
		ret = -EOPNOTSUPP;
		goto out;
	}
	h.sndbuf = READ_ONCE(sk->sk_sndbuf);
	h.rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	h.rcvlowat = READ_ONCE(sk->sk_rcvlowat);
	h.peek_off = READ_ONCE(sk->sk_peek_off);
	h.sndtimeo_us = ckpt_sock_timeo_us(READ_ONCE(sk->sk_sndtimeo));
	h.rcvtimeo_us = ckpt_sock_timeo_us(READ_ONCE(sk->sk_rcvtimeo));
	h.priority = READ_ONCE(sk->sk_priority);
	h.mark = READ_ONCE(sk->sk_mark);
	ret = ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_UNIX, sizeof(h));
	if (!ret && path)
		ret = ckpt_write_string(ctx, path);
	if (!ret)
		ret = ckpt_unix_write_queue(ctx, &q) ?:
		      ckpt_unix_late_take(ctx, e, &late, &q);
	for (i = 0; !ret && i < h.nr_embryos; i++)
		ret = ckpt_unix_embryo_write(ctx, e, embryos[i], &late);
	/* the files in flight: once every file of the task is written */
	if (!ret)
		ret = ckpt_unix_late_due(ctx, e, &late);
out:
	ckpt_unix_put_files(late.files, late.nr);
	kvfree(late.files);
	ckpt_unix_backlog_put(embryos, h.nr_embryos);
	kfree(buf);
	ckpt_unix_queue_free(&q);
	if (peer)
		sock_put(peer);
	return ret;
}

/* ---- restart ---------------------------------------------------------- */

/**
 * struct ckpt_unix_rend - restart: one end of a restored pair
 * @file:	the socket's file, referenced (NULL once closed again)
 * @used:	a FILE_UNIX took it
 * @err:	ECONNRESET: the closed end had data it never read
 * @peer_pid:	SO_PEERCRED's process, or 0
 * @q:		its receive queue, to refill
 */
struct ckpt_unix_rend {
	struct file *file;
	bool used;
	s32 err;
	s32 peer_pid;
	struct ckpt_unix_queue q;
};

/**
 * struct ckpt_unix_rpair - restart: a restored socket pair
 * @objref:	of its UNIX_PAIR record
 * @type:	SOCK_*
 * @flags:	CKPT_UNIX_PAIR_*
 * @claimed:	EMBRYO: a listener's UNIX_EMBRYO named it
 * @end:	its ends; an EMBRYO's end 0 has no file (its listener's
 *		accept() is to return it), its @q what end 1 sent it
 */
struct ckpt_unix_rpair {
	u32 objref;
	u32 type;
	u32 flags;
	bool claimed;
	struct ckpt_unix_rend end[2];
};

static bool ckpt_unix_type_ok(u32 type)
{
	return type == SOCK_STREAM || type == SOCK_DGRAM ||
	       type == SOCK_SEQPACKET;
}

static bool ckpt_unix_pair_rec_ok(const struct ckpt_hdr_unix_pair *h)
{
	return ckpt_unix_type_ok(h->sock_type) &&
	       !(h->flags & ~CKPT_UNIX_PAIR_FLAGS_MASK) && !h->__reserved &&
	       !(h->flags & CKPT_UNIX_PAIR_EMBRYO &&
		 h->sock_type == SOCK_DGRAM);
}

/* A UNIX_MSG record of a socket of @type, but for its pid and ids */
static bool ckpt_unix_msg_rec_ok(const struct ckpt_hdr_unix_msg *h, u32 type)
{
	return h->len <= CKPT_UNIX_MSG_MAX &&
	       h->h.len == ALIGN(sizeof(*h) + (u64)h->len, 8) &&
	       (h->len || type != SOCK_STREAM) && h->pid >= 0;
}

static struct file *ckpt_unix_file(struct socket *sock)
{
	struct file *file = sock_alloc_file(sock, O_RDWR, NULL);

	/* sock_alloc_file() released the socket on failure */
	return file;
}

static void ckpt_unix_rpair_drop(void *ptr)
{
	struct ckpt_unix_rpair *rp = ptr;
	int i;

	for (i = 0; i < 2; i++) {
		if (rp->end[i].file)
			fput(rp->end[i].file);
		ckpt_unix_queue_free(&rp->end[i].q);
	}
	kfree(rp);
}

static int ckpt_unix_pair_finish(struct ckpt_ctx *ctx, void *data);
static void ckpt_unix_noop(void *ptr);

/* The two ends of @rp, made as socketpair() makes them, with its hooks */
static int ckpt_unix_make_pair(struct ckpt_unix_rpair *rp)
{
	struct socket *sock[2] = {};
	int i, ret;

	ret = sock_create(AF_UNIX, rp->type, 0, &sock[0]);
	if (!ret)
		ret = sock_create(AF_UNIX, rp->type, 0, &sock[1]);
	if (!ret)
		ret = security_socket_socketpair(sock[0], sock[1]);
	if (!ret)
		ret = sock[0]->ops->socketpair(sock[0], sock[1]);
	for (i = 0; i < 2; i++) {
		if (!sock[i])
			continue;
		if (ret) {
			sock_release(sock[i]);
			continue;
		}
		rp->end[i].file = ckpt_unix_file(sock[i]);
		if (IS_ERR(rp->end[i].file)) {
			ret = PTR_ERR(rp->end[i].file);
			rp->end[i].file = NULL;
			if (!i) {
				sock_release(sock[1]);
				break;
			}
		}
	}
	return ret;
}

/*
 * The client of a connection waiting in a listener's backlog, end 1 of
 * @rp, made as socket() makes it: its listener connects it later.
 */
static int ckpt_unix_make_client(struct ckpt_unix_rpair *rp)
{
	struct socket *sock;
	struct file *file;
	int ret;

	ret = sock_create(AF_UNIX, rp->type, 0, &sock);
	if (ret)
		return ret;
	file = ckpt_unix_file(sock);
	if (IS_ERR(file))
		return PTR_ERR(file);
	rp->end[1].file = file;
	return 0;
}

/* restore_unix_pair() - read a UNIX_PAIR record: make the pair */
static int restore_unix_pair(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr)
{
	struct ckpt_hdr_unix_pair h;
	struct ckpt_unix_rpair *rp;
	int ret;

	ret = ckpt_read_payload_ext(ctx, hdr, &h, sizeof(h));
	if (ret)
		return ret;
	if (!ckpt_unix_pair_rec_ok(&h)) {
		ckpt_log(ctx, -EINVAL, "unix pair record %u: malformed",
			 h.objref);
		return -EINVAL;
	}
	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp)
		return -ENOMEM;
	rp->type = h.sock_type;
	rp->flags = h.flags;
	if (h.flags & CKPT_UNIX_PAIR_EMBRYO)
		ret = ckpt_unix_make_client(rp);
	else
		ret = ckpt_unix_make_pair(rp);
	if (!ret)
		ret = ckpt_obj_insert(ctx, rp, h.objref, CKPT_OBJ_RUNIX_PAIR);
	if (ret) {
		ckpt_log(ctx, ret, "unix pair record %u: cannot make the pair",
			 h.objref);
		ckpt_unix_rpair_drop(rp);
		return ret;
	}
	rp->objref = h.objref;
	/* the hash owns it from here */
	return ckpt_before_release_add(ctx, ckpt_unix_pair_finish,
				       ckpt_unix_noop, rp);
}

/* The credentials of a message: those SCM_CREDENTIALS lets one send */
static bool ckpt_unix_id_ok(struct ckpt_unix_msg *m)
{
	const struct cred *c = current_cred();
	kuid_t uid = make_kuid(c->user_ns, m->uid);
	kgid_t gid = make_kgid(c->user_ns, m->gid);

	return (m->uid == (u32)-1 ||
		(uid_valid(uid) && ckpt_uid_allowed(c, uid))) &&
	       (m->gid == (u32)-1 ||
		(gid_valid(gid) && ckpt_gid_allowed(c, gid)));
}

/* A name of @n bytes (checked), as a sockaddr_un of that name's length */
static int ckpt_unix_sockaddr(const u8 *name, u32 n, struct sockaddr_un *sun)
{
	BUILD_BUG_ON(sizeof(sun->sun_path) != CKPT_UNIX_NAME_MAX);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, name, n);
	return offsetof(struct sockaddr_un, sun_path) + n;
}

/* A name of @n bytes: none after them, a path ending with its only NUL */
static bool ckpt_unix_name_bytes_ok(const u8 *name, u32 n)
{
	if (n > CKPT_UNIX_NAME_MAX ||
	    memchr_inv(name + n, 0, CKPT_UNIX_NAME_MAX - n))
		return false;
	return !n || !name[0] || strnlen((const char *)name, n) == n - 1;
}

static bool ckpt_unix_sender_rec_ok(const struct ckpt_hdr_unix_sender *h)
{
	return ckpt_unix_name_bytes_ok(h->name, h->name_len) &&
	       h->sndbuf <= INT_MAX &&
	       (!h->sock_objref || (!h->name_len && !h->sndbuf));
}

/* A UNIX_MSG_FROM record of a queue with @nr_senders senders */
static bool ckpt_unix_msg_from_rec_ok(const struct ckpt_hdr_unix_msg_from *h,
				      u32 nr_senders)
{
	return h->len <= CKPT_UNIX_MSG_MAX &&
	       h->h.len == ALIGN(sizeof(*h) + (u64)h->len, 8) &&
	       h->pid >= 0 && h->sender >= 1 && h->sender <= nr_senders &&
	       !h->__reserved;
}

/*
 * A UNIX_MSG_FDS record of a queue with @nr_senders senders, of a socket
 * of @type (@paired: an end of a pair, which has a peer), but for its pid
 * and ids: a UNIX_MSG (sender 0) or UNIX_MSG_FROM with files
 */
static bool ckpt_unix_msg_fds_rec_ok(const struct ckpt_hdr_unix_msg_fds *h,
				     u32 type, bool paired, u32 nr_senders)
{
	if (!h->nr_fds || h->nr_fds > CKPT_UNIX_SCM_MAX_FD ||
	    h->len > CKPT_UNIX_MSG_MAX || h->pid < 0 ||
	    h->h.len != ALIGN(sizeof(*h) + (u64)h->len, 8))
		return false;
	if (h->sender)
		return h->sender <= nr_senders;
	return paired && (h->len || type != SOCK_STREAM);
}

/*
 * Read message @i of a queue into @m: a UNIX_MSG (from the peer, which
 * only an end of a pair has), a UNIX_MSG_FROM (from one of the queue's
 * @nr_senders senders), or a UNIX_MSG_FDS (from either, with files).
 */
static int restore_unix_msg(struct ckpt_ctx *ctx, u32 objref, u32 type,
			    bool paired, u32 nr_senders, unsigned int i,
			    struct ckpt_unix_msg *m)
{
	struct ckpt_hdr_unix_msg_from *hf;
	struct ckpt_hdr_unix_msg *hm;
	struct ckpt_hdr h;
	bool from, ok;
	size_t size;
	int ret;

	static_assert(offsetof(struct ckpt_hdr_unix_msg_from, gid) ==
		      offsetof(struct ckpt_hdr_unix_msg, gid));
	static_assert(offsetof(struct ckpt_hdr_unix_msg_fds, nr_fds) ==
		      offsetof(struct ckpt_hdr_unix_msg_from, __reserved));
	static_assert(CKPT_UNIX_SCM_MAX_FD == SCM_MAX_FD);

	ret = ckpt_read_hdr(ctx, &h);
	if (ret)
		return ret;
	if (h.type != CKPT_HDR_UNIX_MSG && h.type != CKPT_HDR_UNIX_MSG_FROM &&
	    h.type != CKPT_HDR_UNIX_MSG_FDS) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: expected a unix socket message, found %s",
			 objref, ckpt_rec_name(h.type));
		return -EINVAL;
	}
	from = h.type != CKPT_HDR_UNIX_MSG;
	size = from ? sizeof(*hf) : sizeof(*hm);
	/* both start with the same fields */
	hm = ckpt_read_payload_var(ctx, &h, size);
	if (IS_ERR(hm))
		return PTR_ERR(hm);
	hf = (struct ckpt_hdr_unix_msg_from *)hm;
	m->rec = hm;
	m->bytes = (void *)hm + size;
	m->len = hm->len;
	m->pid = hm->pid;
	m->uid = hm->uid;
	m->gid = hm->gid;
	m->sender = from ? hf->sender : 0;
	if (h.type == CKPT_HDR_UNIX_MSG_FDS) {
		struct ckpt_hdr_unix_msg_fds *hd = (void *)hm;

		m->nr_fds = hd->nr_fds;
		ok = ckpt_unix_msg_fds_rec_ok(hd, type, paired, nr_senders);
	} else {
		ok = from ? ckpt_unix_msg_from_rec_ok(hf, nr_senders) :
			    paired && ckpt_unix_msg_rec_ok(hm, type);
	}
	if (!ok || (m->pid && !ckpt_image_has_pid(ctx, m->pid))) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: malformed unix socket message %u",
			 objref, i);
		return -EINVAL;
	}
	if (!ckpt_unix_id_ok(m)) {
		ckpt_log(ctx, -EPERM,
			 "file record %u: unix socket message %u carries credentials (uid %u, gid %u) the restarter cannot send",
			 objref, i, m->uid, m->gid);
		return -EPERM;
	}
	return 0;
}

/*
 * Read a UNIX_QUEUE record, its UNIX_SENDER records and its messages into
 * @q. Every sender sent one at least.
 */
static int restore_unix_queue(struct ckpt_ctx *ctx, u32 objref, u32 type,
			      bool paired, struct ckpt_unix_queue *q)
{
	struct ckpt_hdr_unix_queue h;
	unsigned long *used = NULL;
	u64 bytes = 0;
	unsigned int i;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_UNIX_QUEUE, &h, sizeof(h));
	if (ret)
		return ret;
	if (h.oob_msg && !IS_ENABLED(CONFIG_AF_UNIX_OOB)) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "file record %u: an out-of-band byte, which this kernel does not have (CONFIG_AF_UNIX_OOB)",
			 objref);
		return -EOPNOTSUPP;
	}
	if (h.nr_msgs > CKPT_MAX_UNIX_MSGS || h.bytes > CKPT_UNIX_QUEUE_MAX ||
	    h.__reserved || h.oob_msg > h.nr_msgs ||
	    (h.oob_msg && type != SOCK_STREAM) ||
	    h.nr_senders > CKPT_MAX_UNIX_SENDERS ||
	    h.nr_senders > h.nr_msgs || (h.nr_senders && type != SOCK_DGRAM) ||
	    (!h.nr_msgs && h.bytes)) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: malformed unix socket queue", objref);
		return -EINVAL;
	}
	if (!h.nr_msgs)
		return 0;
	q->objref = objref;
	q->msgs = kvcalloc(h.nr_msgs, sizeof(*q->msgs), GFP_KERNEL);
	if (h.nr_senders) {
		q->senders = kvcalloc(h.nr_senders, sizeof(*q->senders),
				      GFP_KERNEL);
		used = bitmap_zalloc(h.nr_senders, GFP_KERNEL);
	}
	if (!q->msgs || (h.nr_senders && (!q->senders || !used))) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < h.nr_senders; i++) {
		struct ckpt_unix_sender *s = &q->senders[i];
		struct ckpt_hdr_unix_sender hs;

		ret = ckpt_read_obj(ctx, CKPT_HDR_UNIX_SENDER, &hs,
				    sizeof(hs));
		if (ret)
			goto out;
		if (!ckpt_unix_sender_rec_ok(&hs)) {
			ckpt_log(ctx, -EINVAL,
				 "file record %u: malformed unix socket sender %u",
				 objref, i + 1);
			ret = -EINVAL;
			goto out;
		}
		s->objref = hs.sock_objref;
		s->name_len = hs.name_len;
		memcpy(s->name, hs.name, sizeof(s->name));
		s->sndbuf = hs.sndbuf;
		q->nr_senders++;
	}
	for (i = 0; i < h.nr_msgs; i++) {
		struct ckpt_unix_msg *m = &q->msgs[i];

		ret = restore_unix_msg(ctx, objref, type, paired, h.nr_senders,
				       i, m);
		if (m->rec)
			q->nr++;
		if (ret)
			goto out;
		if (m->sender)
			__set_bit(m->sender - 1, used);
		bytes += m->len;
		q->nr_fds += m->nr_fds;
		if (bytes > h.bytes || q->nr_fds > CKPT_MAX_UNIX_INFLIGHT)
			break;
	}
	/* the out-of-band byte: one byte, from the peer */
	if (bytes != h.bytes || q->nr_fds > CKPT_MAX_UNIX_INFLIGHT ||
	    (h.nr_senders && !bitmap_full(used, h.nr_senders)) ||
	    (h.oob_msg && q->msgs[h.oob_msg - 1].len != 1)) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: malformed unix socket queue", objref);
		ret = -EINVAL;
		goto out;
	}
	q->bytes = bytes;
	q->oob = h.oob_msg;
out:
	bitmap_free(used);
	return ret;
}

/*
 * The files of message @m, named by @refs (its nr_fds objrefs) in the
 * UNIX_FDS record of file record @objref: files read before
 */
static int ckpt_unix_rfiles(struct ckpt_ctx *ctx, u32 objref,
			    struct ckpt_unix_msg *m, const u32 *refs)
{
	struct file *f;
	unsigned int i;

	for (i = 0; i < m->nr_fds; i++) {
		f = ckpt_obj_find(ctx, refs[i], CKPT_OBJ_FILE);
		if (IS_ERR_OR_NULL(f)) {
			ckpt_log(ctx, -EINVAL,
				 "file record %u: file %u in flight is no file of the image",
				 objref, refs[i]);
			return -EINVAL;
		}
		m->files[i] = get_file(f);
	}
	return 0;
}

/*
 * Restart: the queues of @qs (@nr) whose messages carry files wait for
 * the UNIX_FDS record of the socket's @file, FILE record @objref, which
 * names those files; in the order the checkpoint wrote them.
 */
static int ckpt_unix_rlate_due(struct ckpt_ctx *ctx, u32 objref,
			       struct file *file, struct ckpt_unix_queue **qs,
			       unsigned int nr)
{
	struct ckpt_unix_late *l;
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++)
		n += qs[i]->nr_fds > 0;
	if (!n)
		return 0;
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (l)
		l->qs = kvmalloc_array(n, sizeof(*l->qs), GFP_KERNEL);
	if (!l || !l->qs) {
		kfree(l);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++)
		if (qs[i]->nr_fds)
			l->qs[l->nr_qs++] = qs[i];
	return ckpt_file_late_due(ctx, file, CKPT_FILE_UNIX, objref, l);
}

/*
 * Read a UNIX_FDS record: the files in flight of the messages that wait
 * for it, in order. Each names a FILE record read before (the socket
 * itself, or another one in flight: a cycle is allowed, as sendmsg()
 * allows it).
 */
static int ckpt_unix_restore_late(struct ckpt_ctx *ctx,
				  const struct ckpt_hdr *hdr)
{
	struct ckpt_unix_late *l = NULL;
	struct ckpt_hdr_unix_fds *h;
	struct ckpt_unix_msg *m;
	const u32 *refs;
	unsigned int i, j, k;
	struct file *file;
	u64 n = 0;
	int ret;

	h = ckpt_read_payload_var(ctx, hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	file = ckpt_file_late_take(ctx, h->objref, &ckpt_unix_file_ops,
				   (void **)&l);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out;
	}
	for (i = 0; i < l->nr_qs; i++)
		n += l->qs[i]->nr_fds;
	refs = (const u32 *)(h + 1);
	/* the length first: then the padding after an odd count is read */
	if (h->nr_fds != n ||
	    h->h.len != ALIGN(sizeof(*h) + n * sizeof(*refs), 8) ||
	    (n % 2 && refs[n])) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed unix_fds record",
			 h->objref);
		ret = -EINVAL;
		goto out;
	}
	ret = 0;
	for (i = 0, k = 0; !ret && i < l->nr_qs; i++) {
		for (j = 0; !ret && j < l->qs[i]->nr; j++) {
			m = &l->qs[i]->msgs[j];
			if (!m->nr_fds)
				continue;
			m->files = kcalloc(m->nr_fds, sizeof(*m->files),
					   GFP_KERNEL);
			if (!m->files) {
				ret = -ENOMEM;
				break;
			}
			ret = ckpt_unix_rfiles(ctx, h->objref, m,
					       refs + k);
			k += m->nr_fds;
		}
	}
out:
	if (l)
		ckpt_unix_late_free(l);
	kvfree(h);
	return ret;
}

/* a buffer size set with SO_SNDBUF/SO_RCVBUF */
static int ckpt_unix_set_buf(struct ckpt_ctx *ctx, struct socket *sock,
			     u32 objref, int opt, int force, int *cur, u32 want)
{
	int ret = ckpt_sock_set_buf(sock, opt, force, cur, want);

	if (ret)
		ckpt_log(ctx, ret,
			 "file record %u: cannot give the unix socket its %s of %u bytes",
			 objref, opt == SO_SNDBUF ? "SO_SNDBUF" : "SO_RCVBUF",
			 want);
	return ret;
}

/* The options of a FILE_UNIX record, through setsockopt() */
static int ckpt_unix_set_options(struct ckpt_ctx *ctx, struct socket *sock,
				 u32 objref, const struct ckpt_hdr_file_unix *h)
{
	struct sock *sk = sock->sk;
	int ret = 0;

	if (h->flags & CKPT_UNIX_SNDBUF_LOCK)
		ret = ckpt_unix_set_buf(ctx, sock, objref, SO_SNDBUF,
					SO_SNDBUFFORCE, &sk->sk_sndbuf,
					h->sndbuf);
	if (!ret && h->flags & CKPT_UNIX_RCVBUF_LOCK)
		ret = ckpt_unix_set_buf(ctx, sock, objref, SO_RCVBUF,
					SO_RCVBUFFORCE, &sk->sk_rcvbuf,
					h->rcvbuf);
	if (!ret && h->flags & CKPT_UNIX_PASSCRED)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_PASSCRED, 1);
	if (!ret && h->flags & CKPT_UNIX_PASSSEC)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_PASSSEC, 1);
	if (!ret && h->flags & CKPT_UNIX_PASSPIDFD)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_PASSPIDFD, 1);
	if (!ret && h->flags & CKPT_UNIX_KEEPALIVE)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_KEEPALIVE, 1);
	if (!ret && h->flags & CKPT_UNIX_REUSEADDR)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!ret && h->flags & CKPT_UNIX_OOBINLINE)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_OOBINLINE, 1);
	if (!ret && h->rcvlowat != 1)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_RCVLOWAT, h->rcvlowat);
	if (!ret && h->peek_off != -1)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_PEEK_OFF, h->peek_off);
	if (!ret && h->priority)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_PRIORITY, h->priority);
	if (!ret && h->mark)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_MARK, h->mark);
	/* as the wait for space or data that was under way left them */
	if (h->flags & CKPT_UNIX_ASYNC_NOSPACE)
		set_bit(SOCKWQ_ASYNC_NOSPACE, &sock->wq.flags);
	if (h->flags & CKPT_UNIX_ASYNC_WAITDATA)
		set_bit(SOCKWQ_ASYNC_WAITDATA, &sock->wq.flags);
	if (!ret && h->sndtimeo_us)
		ret = ckpt_sock_set_timeo(sock, SO_SNDTIMEO_NEW, h->sndtimeo_us);
	if (!ret && h->rcvtimeo_us)
		ret = ckpt_sock_set_timeo(sock, SO_RCVTIMEO_NEW, h->rcvtimeo_us);
	if (ret)
		ckpt_log(ctx, ret,
			 "file record %u: cannot give the unix socket its options",
			 objref);
	return ret;
}

/**
 * struct ckpt_unix_rsock - restart: something to do to a socket once the
 *			    image is read
 * @file:	the socket's file, referenced
 * @objref:	its FILE record, for log lines
 * @arg:	CKPT_UNIX_SHUT_* to shut it down, or the sock objref of the
 *		socket to connect it to
 * @queued:	handed on to the steps before the tree runs, which free it
 */
struct ckpt_unix_rsock {
	struct file *file;
	u32 objref;
	u32 arg;
	bool queued;
};

static void ckpt_unix_rsock_free(void *data)
{
	struct ckpt_unix_rsock *r = data;

	fput(r->file);
	kfree(r);
}

static void ckpt_unix_rsock_release(void *data)
{
	struct ckpt_unix_rsock *r = data;

	if (!r->queued)
		ckpt_unix_rsock_free(r);
}

/* @run once the image is read, on @file of FILE record @objref */
static int ckpt_unix_rsock_add(struct ckpt_ctx *ctx,
			       int (*run)(struct ckpt_ctx *ctx, void *data),
			       u32 objref, struct file *file, u32 arg)
{
	struct ckpt_unix_rsock *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->file = get_file(file);
	r->objref = objref;
	r->arg = arg;
	return ckpt_after_read_add(ctx, run, ckpt_unix_rsock_release, r);
}

static int ckpt_unix_shut_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_unix_rsock *r = data;
	struct socket *sock = sock_from_file(r->file);
	int how = r->arg == CKPT_UNIX_SHUT_RD ? SHUT_RD :
		  r->arg == CKPT_UNIX_SHUT_WR ? SHUT_WR : SHUT_RDWR;
	int ret = kernel_sock_shutdown(sock, how);

	if (ret)
		ckpt_log(ctx, ret, "file record %u: cannot shut the unix socket down again",
			 r->objref);
	return ret;
}

/*
 * Once the image is read, every step that refills a queue is due: the
 * shutdown goes after them all, since a socket shut down for sending
 * could not send again what it had sent another socket, nor one shut
 * down for receiving be given what it had not read.
 */
static int ckpt_unix_shut_queue(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_unix_rsock *r = data;

	if (ctx->flags & RESTART_VALIDATE)
		return 0;
	r->queued = true;
	/* on -ENOMEM, r is freed */
	return ckpt_before_release_add(ctx, ckpt_unix_shut_run,
				       ckpt_unix_rsock_free, r);
}

/* Shut @file down as @shutdown says, after every queue is back */
static int ckpt_unix_shut(struct ckpt_ctx *ctx, u32 objref, struct file *file,
			  u32 shutdown)
{
	if (!shutdown)
		return 0;
	return ckpt_unix_rsock_add(ctx, ckpt_unix_shut_queue, objref, file,
				   shutdown);
}

static void ckpt_unix_kfree(void *data)
{
	kfree(data);
}

/*
 * The restored datagram socket of sock objref @ref, named by file record
 * @objref: the file, not referenced, or an ERR_PTR with a log line.
 */
static struct file *ckpt_unix_sock_file(struct ckpt_ctx *ctx, u32 objref,
					u32 ref)
{
	struct file *file = ckpt_obj_find(ctx, ref, CKPT_OBJ_RUNIX_SOCK);

	if (IS_ERR_OR_NULL(file)) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: unix socket %u, which it names, is no datagram socket of the image",
			 objref, ref);
		return ERR_PTR(-EINVAL);
	}
	return file;
}

/**
 * struct ckpt_unix_rsenders - restart: the senders of the tree of a queue
 * @q:		the queue, which its socket's owner frees
 * @to:		its socket
 */
struct ckpt_unix_rsenders {
	struct ckpt_unix_queue *q;
	struct socket *to;
};

/*
 * Once the image is read: the restored sockets of the tree that sent
 * datagrams of @q, allowed to send to its socket by the security hook
 * sendmsg() asks.
 */
static int ckpt_unix_senders_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_unix_rsenders *r = data;
	struct ckpt_unix_queue *q = r->q;
	struct ckpt_unix_sender *s;
	struct file *file;
	unsigned int i;
	int ret;

	for (i = 0; i < q->nr_senders; i++) {
		s = &q->senders[i];
		if (!s->objref)
			continue;
		file = ckpt_unix_sock_file(ctx, q->objref, s->objref);
		if (IS_ERR(file))
			return PTR_ERR(file);
		ret = security_unix_may_send(sock_from_file(file), r->to);
		if (ret) {
			ckpt_log(ctx, ret,
				 "file record %u: unix socket %u may not send to it",
				 q->objref, s->objref);
			return ret;
		}
		s->from = get_file(file);
	}
	return 0;
}

/*
 * The sockets that send again what the other senders of @to's queue had
 * sent. Those of restart's own are made while the image is read (a
 * failure stops the restart there): datagram sockets with their names
 * (not bound to them) and send buffers, made as socket() makes one and
 * allowed to send to @to by the security hook sendmsg() asks; the queue
 * closes them once it is refilled. The senders of the tree are found
 * once the image is read (their records may come later).
 */
static int ckpt_unix_ghosts(struct ckpt_ctx *ctx, struct ckpt_unix_queue *q,
			    struct socket *to)
{
	struct ckpt_unix_rsenders *r = NULL;
	struct ckpt_unix_sender *s;
	struct sockaddr_un sun;
	struct socket *sock;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < q->nr_senders; i++) {
		s = &q->senders[i];
		if (s->objref) {
			if (r)
				continue;
			r = kmalloc(sizeof(*r), GFP_KERNEL);
			if (!r)
				return -ENOMEM;
			r->q = q;
			r->to = to;
			/* on -ENOMEM, r is freed */
			ret = ckpt_after_read_add(ctx, ckpt_unix_senders_run,
						  ckpt_unix_kfree, r);
			if (ret)
				return ret;
			continue;
		}
		ret = sock_create(AF_UNIX, SOCK_DGRAM, 0, &sock);
		if (ret)
			break;
		s->from = ckpt_unix_file(sock);
		if (IS_ERR(s->from)) {
			ret = PTR_ERR(s->from);
			s->from = NULL;
			break;
		}
		if (s->name_len)
			ret = unix_restore_addr(sock->sk, &sun,
						ckpt_unix_sockaddr(s->name,
								   s->name_len,
								   &sun));
		if (!ret && s->sndbuf != READ_ONCE(sock->sk->sk_sndbuf))
			ret = ckpt_unix_set_buf(ctx, sock, q->objref,
						SO_SNDBUF, SO_SNDBUFFORCE,
						&sock->sk->sk_sndbuf,
						s->sndbuf);
		if (!ret)
			ret = security_unix_may_send(sock, to);
		if (ret)
			break;
	}
	if (ret)
		ckpt_log(ctx, ret,
			 "file record %u: cannot make unix socket sender %u again",
			 q->objref, i + 1);
	return ret;
}

/*
 * The files of message @m, ready to travel: a file made once every task
 * exists (a pidfd...) is made now, in place of its stand-in.
 */
static int ckpt_unix_files_ready(struct ckpt_ctx *ctx, struct ckpt_unix_msg *m)
{
	struct file *f;
	unsigned int i;

	/* its UNIX_FDS came before its fd table: always there */
	if (!m->files)
		return -EINVAL;
	for (i = 0; i < m->nr_fds; i++) {
		if (!ckpt_file_awaits_tree(m->files[i]))
			continue;
		f = ckpt_file_from_tree(ctx, m->files[i]);
		if (IS_ERR(f))
			return PTR_ERR(f);
		fput(m->files[i]);
		m->files[i] = f;
	}
	return 0;
}

/*
 * Put back the messages of @to's queue: sent by @from, its peer, or by
 * the queue's other senders, with the files they carry.
 */
static int ckpt_unix_refill(struct ckpt_ctx *ctx, struct sock *from,
			    struct sock *to, struct ckpt_unix_queue *q)
{
	struct user_namespace *ns = current_user_ns();
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < q->nr; i++) {
		struct ckpt_unix_msg *m = &q->msgs[i];
		struct task_struct *t = NULL;
		struct sock *by = from;
		struct pid *pid = NULL;
		kuid_t uid;
		kgid_t gid;

		if (m->sender)
			by = sock_from_file(q->senders[m->sender - 1].from)->sk;

		if (m->pid) {
			t = ckpt_restored_task(ctx, m->pid);
			if (!t) {
				ret = -ESRCH;
				break;
			}
			pid = get_task_pid(t, PIDTYPE_PID);
			put_task_struct(t);
		}
		uid = m->uid == (u32)-1 ? INVALID_UID : make_kuid(ns, m->uid);
		gid = m->gid == (u32)-1 ? INVALID_GID : make_kgid(ns, m->gid);
		if (m->nr_fds)
			ret = ckpt_unix_files_ready(ctx, m) ?:
			      unix_queue_restore_fds(by, to, m->bytes, m->len,
						     pid, uid, gid, m->files,
						     m->nr_fds,
						     q->oob == i + 1);
		else if (q->oob == i + 1)
			ret = unix_queue_restore_oob(by, to,
						     *(const u8 *)m->bytes,
						     pid, uid, gid);
		else
			ret = unix_queue_restore(by, to, m->bytes, m->len,
						 pid, uid, gid);
		put_pid(pid);
	}
	if (ret == -ETOOMANYREFS)
		ckpt_log(ctx, ret,
			 "file record %u: more files in flight than the restarter's RLIMIT_NOFILE lets it send",
			 q->objref);
	return ret;
}

static int ckpt_unix_set_peercred(struct ckpt_ctx *ctx, struct sock *sk,
				  s32 nr)
{
	const struct cred *cred;
	struct task_struct *t;
	struct pid *pid;

	if (!nr)
		return 0;
	t = ckpt_restored_task(ctx, nr);
	if (!t)
		return -ESRCH;
	pid = get_task_pid(t, PIDTYPE_TGID);
	cred = get_task_cred(t);
	unix_restore_peercred(sk, pid, cred);
	put_cred(cred);
	put_pid(pid);
	put_task_struct(t);
	return 0;
}

/* the hash owns the pair */
static void ckpt_unix_noop(void *ptr)
{
}

/*
 * Close a socket restart made, that no fd table holds, before the tree
 * runs: its peer must see the end of file (and ECONNRESET) as it did.
 * fput() would leave the close to the restarter's return to user space,
 * after the restored tasks may have run.
 */
static void ckpt_unix_close_now(struct file **file)
{
	__fput_sync(*file);
	*file = NULL;
}

/*
 * The last step of a pair, once every task exists: the queues back (each
 * end's messages sent by the other), the peer credentials, the error a
 * closed end left (by leaving it data it never read, as it had), and the
 * closed end closed again. The shutdowns come after every refill.
 */
static int ckpt_unix_pair_finish(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_unix_rpair *rp = data;
	struct sock *sk[2];
	int i, ret = 0;

	/* its listener connects it (ckpt_unix_listen_run()) */
	if (rp->flags & CKPT_UNIX_PAIR_EMBRYO)
		return 0;
	for (i = 0; i < 2; i++)
		sk[i] = ckpt_unix_sock(rp->end[i].file);
	for (i = 0; !ret && i < 2; i++)
		ret = ckpt_unix_refill(ctx, sk[!i], sk[i], &rp->end[i].q);
	for (i = 0; !ret && i < 2; i++)
		ret = ckpt_unix_set_peercred(ctx, sk[i], rp->end[i].peer_pid);
	if (!ret && rp->end[0].err)
		ret = unix_queue_restore(sk[0], sk[1], "", 1, NULL,
					 INVALID_UID, INVALID_GID);
	if (ret) {
		ckpt_log(ctx, ret, "cannot refill a unix socket pair");
		return ret;
	}
	if (rp->flags & CKPT_UNIX_PAIR_CLOSED)
		ckpt_unix_close_now(&rp->end[1].file);
	for (i = 0; i < 2; i++)
		ckpt_unix_queue_free(&rp->end[i].q);
	return 0;
}

/*
 * Once every record is read: an image whose FILE_UNIX or UNIX_EMBRYO
 * records left an end of the pair out.
 */
static int ckpt_unix_pair_check(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_unix_rpair *rp = ptr;
	bool embryo = rp->flags & CKPT_UNIX_PAIR_EMBRYO;

	if (!(embryo ? rp->claimed : rp->end[0].used) ||
	    !(rp->end[1].used || rp->flags & CKPT_UNIX_PAIR_CLOSED)) {
		ckpt_log(ctx, -EINVAL,
			 "unix pair record %u: an end of the pair has no file",
			 rp->objref);
		return -EINVAL;
	}
	return 0;
}

/*
 * The name of a FILE_UNIX record: no byte after it, a path ending with
 * its only NUL, and had as its flags say: bound (to a path: with its
 * inode, mode and owner), listening (bound, not connected), or else the
 * listener's name of an accepted end of a connection.
 */
static bool ckpt_unix_name_ok(const struct ckpt_hdr_file_unix *h)
{
	u32 n = h->name_len;
	bool bound = h->flags & CKPT_UNIX_BOUND;
	bool listen = h->flags & CKPT_UNIX_LISTEN;
	bool stream = h->sock_type != SOCK_DGRAM;
	bool path;

	if (!ckpt_unix_name_bytes_ok(h->name, n))
		return false;
	path = n && h->name[0];
	if (bound ? !n : n && (!h->pair_objref || !stream))
		return false;
	if (!h->inode_objref != !(path && bound) || (h->mode & ~S_IALLUGO) ||
	    (!(path && bound) && (h->mode || h->uid || h->gid)))
		return false;
	if (listen && (!bound || !stream || h->pair_objref || h->err))
		return false;
	return listen ? h->backlog <= S32_MAX &&
			h->nr_embryos <= CKPT_MAX_UNIX_EMBRYOS :
			!h->backlog && !h->nr_embryos;
}

static bool ckpt_unix_rec_ok(const struct ckpt_hdr_file_unix *h, u32 f_flags)
{
	bool dgram = h->sock_type == SOCK_DGRAM;

	return ckpt_unix_type_ok(h->sock_type) && h->end <= 1 &&
	       (f_flags & O_ACCMODE) == O_RDWR &&
	       !(h->flags & ~CKPT_UNIX_FLAGS_MASK) &&
	       !(h->shutdown & ~(CKPT_UNIX_SHUT_RD | CKPT_UNIX_SHUT_WR)) &&
	       (!h->err || h->err == ECONNRESET) && h->rcvlowat >= 1 &&
	       h->peek_off >= -1 && !h->__reserved && h->peer_pid >= 0 &&
	       ckpt_unix_name_ok(h) &&
	       (!h->sock_objref || dgram) &&
	       (!h->peer_objref || (dgram && !h->pair_objref)) &&
	       (h->pair_objref ||
		(!h->end && !h->err &&
		 (!h->peer_pid || h->flags & CKPT_UNIX_LISTEN || dgram)));
}

/**
 * struct ckpt_unix_node - restart: a socket inode restart made
 * @path:	where, referenced
 *
 * Unlinked again when the restart fails, so that a failed restart
 * leaves no inode behind, which would be in the way of the next one.
 */
struct ckpt_unix_node {
	struct path path;
};

static int ckpt_unix_node_unlink(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_unix_node *n = data;
	struct dentry *dentry = n->path.dentry;
	struct dentry *parent;
	struct inode *dir;

	if (mnt_want_write(n->path.mnt))
		return 0;
	parent = dget_parent(dentry);
	dir = d_inode(parent);
	inode_lock_nested(dir, I_MUTEX_PARENT);
	/* still where restart made it */
	if (dentry->d_parent == parent && !d_unhashed(dentry) &&
	    d_is_positive(dentry))
		vfs_unlink(mnt_idmap(n->path.mnt), dir, dentry, NULL);
	inode_unlock(dir);
	dput(parent);
	mnt_drop_write(n->path.mnt);
	return 0;
}

static void ckpt_unix_node_free(void *data)
{
	struct ckpt_unix_node *n = data;

	path_put(&n->path);
	kfree(n);
}

/*
 * Bind @sock to @path again: to the socket inode there if it is the one
 * the socket had and no socket is bound to it, or to a new one made as
 * bind() makes it, with the mode and owner the old one had.
 * RESTART_VALIDATE checks what is at @path but binds nothing: the
 * checkpointed socket may still be bound to it.
 */
static int ckpt_unix_bind_path(struct ckpt_ctx *ctx, u32 objref,
			       struct socket *sock,
			       const struct ckpt_hdr_file_unix *h,
			       const struct sockaddr_un *sun, int len,
			       const char *path)
{
	struct unix_sock *u = unix_sk(sock->sk);
	struct ckpt_unix_node *n;
	struct inode *inode;
	char what[32];
	struct path p;
	int ret;

	ret = kern_path(path, 0, &p);
	if (!ret) {
		inode = d_backing_inode(p.dentry);
		ret = ckpt_inode_check(ctx, h->inode_objref, inode, path);
		if (!ret && !S_ISSOCK(inode->i_mode)) {
			ret = -EADDRINUSE;
			ckpt_log(ctx, ret,
				 "file record %u: %s, where the unix socket was bound, is not a socket now",
				 objref, path);
		} else if (!ret &&
			   !inode_owner_or_capable(mnt_idmap(p.mnt), inode)) {
			ret = -EPERM;
			ckpt_log(ctx, ret,
				 "file record %u: the socket inode %s is not the restarter's to bind to",
				 objref, path);
		} else if (!ret && !(ctx->flags & RESTART_VALIDATE)) {
			ret = path_permission(&p, MAY_WRITE) ?:
			      unix_bind_inode(sock->sk, sun, len, &p);
			if (ret)
				ckpt_log(ctx, ret,
					 "file record %u: cannot bind the unix socket to %s%s",
					 objref, path, ret == -EADDRINUSE ?
					 ": a socket is bound to it" : "");
		}
		path_put(&p);
		return ret;
	}
	if (ret != -ENOENT) {
		ckpt_log(ctx, ret, "file record %u: cannot look %s up",
			 objref, path);
		return ret;
	}
	if (ctx->flags & RESTART_VALIDATE)
		return 0;
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	ret = unix_bind_restore(sock->sk, sun, len, path, h->mode);
	if (ret) {
		kfree(n);
		ckpt_log(ctx, ret, "file record %u: cannot bind the unix socket to %s",
			 objref, path);
		return ret;
	}
	n->path = u->path;
	path_get(&n->path);
	/* on -ENOMEM, n is freed: the inode is unlinked here */
	ret = ckpt_undo_add(ctx, ckpt_unix_node_unlink, ckpt_unix_node_free,
			    n);
	if (ret) {
		struct ckpt_unix_node tmp = { .path = u->path };

		ckpt_unix_node_unlink(ctx, &tmp);
		return ret;
	}
	snprintf(what, sizeof(what), "file record %u", objref);
	return ckpt_restore_mode_owner(ctx, what, &u->path, h->mode, h->uid,
				       h->gid);
}

/*
 * Give @sock the name of its FILE_UNIX record: bound again (to @path for
 * a path), or, for an accepted socket, its listener's name.
 */
static int ckpt_unix_set_name(struct ckpt_ctx *ctx, u32 objref,
			      struct socket *sock,
			      const struct ckpt_hdr_file_unix *h,
			      const char *path)
{
	struct sockaddr_un sun;
	int len, ret;

	if (!h->name_len)
		return 0;
	len = ckpt_unix_sockaddr(h->name, h->name_len, &sun);
	if (!(h->flags & CKPT_UNIX_BOUND)) {
		ret = unix_restore_addr(sock->sk, &sun, len);
		if (ret)
			ckpt_log(ctx, ret,
				 "file record %u: cannot give the accepted unix socket its listener's name",
				 objref);
		return ret;
	}
	/* as bind() does it, with its security hook */
	ret = security_socket_bind(sock, (struct sockaddr *)&sun, len);
	if (!ret && path)
		return ckpt_unix_bind_path(ctx, objref, sock, h, &sun, len,
					   path);
	/* the checkpointed socket may still hold the name */
	if (!ret && ctx->flags & RESTART_VALIDATE)
		return 0;
	if (!ret)
		ret = kernel_bind(sock, (struct sockaddr *)&sun, len);
	if (ret && path)
		ckpt_log(ctx, ret,
			 "file record %u: cannot bind the unix socket to %s",
			 objref, path);
	else if (ret)
		ckpt_log(ctx, ret,
			 "file record %u: cannot bind the unix socket to the abstract name @%*pE",
			 objref, h->name_len - 1, h->name + 1);
	return ret;
}

/**
 * struct ckpt_unix_listen - restart: a socket to listen once the tree is
 *			     about to run
 * @file:	the socket's file, referenced
 * @backlog:	listen()'s backlog
 * @peer_pid:	the process whose credentials SO_PEERCRED reports
 * @nr:		connections waiting in its backlog
 * @embryos:	their pairs, in the backlog's order (the hash owns them)
 */
struct ckpt_unix_listen {
	struct file *file;
	u32 backlog;
	s32 peer_pid;
	u32 nr;
	struct ckpt_unix_rpair **embryos;
};

/*
 * Connect the client of @rp to listener @lsock, as connect() would,
 * give the connection what the client had sent it, and both ends their
 * SO_PEERCRED; then close a client closed since (its shutdowns come
 * after every refill).
 */
static int ckpt_unix_connect(struct ckpt_ctx *ctx, struct socket *lsock,
			     struct ckpt_unix_rpair *rp)
{
	struct socket *sock = sock_from_file(rp->end[1].file);
	const struct path *path = &unix_sk(lsock->sk)->path;
	struct sock *embryo;
	int ret = 0;

	/* what connect() checks of a listener it finds by its path */
	if (path->dentry)
		ret = path_permission(path, MAY_WRITE);
	if (!ret)
		ret = unix_connect_restore(sock, lsock->sk);
	if (ret)
		return ret;
	embryo = unix_peer_get(sock->sk);
	if (!embryo)
		return -ENOTCONN;
	ret = ckpt_unix_refill(ctx, sock->sk, embryo, &rp->end[0].q) ?:
	      ckpt_unix_set_peercred(ctx, embryo, rp->end[0].peer_pid) ?:
	      ckpt_unix_set_peercred(ctx, sock->sk, rp->end[1].peer_pid);
	sock_put(embryo);
	if (ret)
		return ret;
	if (rp->flags & CKPT_UNIX_PAIR_CLOSED)
		ckpt_unix_close_now(&rp->end[1].file);
	ckpt_unix_queue_free(&rp->end[0].q);
	return 0;
}

/* listen(), with its security hook */
static int ckpt_unix_do_listen(struct ckpt_ctx *ctx, struct socket *sock,
			       u32 backlog)
{
	int ret = security_socket_listen(sock, backlog) ?:
		  kernel_listen(sock, backlog);

	if (ret)
		ckpt_log(ctx, ret, "cannot make a unix socket listen again");
	return ret;
}

/*
 * listen() again, as late as can be: nothing accepts before the tree
 * runs. Then the connections that were waiting, in their order; the
 * backlog may have been lowered below their number by a later listen(),
 * so they are made under the larger one, then listen() as it was last.
 */
static int ckpt_unix_listen_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_unix_listen *l = data;
	struct socket *sock = sock_from_file(l->file);
	u32 backlog = max(l->backlog, l->nr ? l->nr - 1 : 0);
	unsigned int i;
	int ret;

	ret = ckpt_unix_do_listen(ctx, sock, backlog);
	if (!ret)
		ret = ckpt_unix_set_peercred(ctx, sock->sk, l->peer_pid);
	for (i = 0; !ret && i < l->nr; i++) {
		ret = ckpt_unix_connect(ctx, sock, l->embryos[i]);
		if (ret)
			ckpt_log(ctx, ret,
				 "cannot connect unix pair %u to its listener again",
				 l->embryos[i]->objref);
	}
	if (!ret && backlog != l->backlog)
		ret = ckpt_unix_do_listen(ctx, sock, l->backlog);
	return ret;
}

static void ckpt_unix_listen_free(void *data)
{
	struct ckpt_unix_listen *l = data;

	fput(l->file);
	kvfree(l->embryos);
	kfree(l);
}

/*
 * A UNIX_EMBRYO record of listener @objref, of type @type, and its
 * queue: the pair it names is an EMBRYO pair of that type that no
 * other listener named.
 */
static struct ckpt_unix_rpair *restore_unix_embryo(struct ckpt_ctx *ctx,
						   u32 objref, u32 type)
{
	struct ckpt_hdr_unix_embryo h;
	struct ckpt_unix_rpair *rp;
	struct ckpt_hdr hdr;
	int ret;

	ret = ckpt_read_ref_hdr(ctx, &hdr);
	if (!ret && hdr.type != CKPT_HDR_UNIX_EMBRYO) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: expected a connection waiting in the backlog, found %s",
			 objref, ckpt_rec_name(hdr.type));
		ret = -EINVAL;
	}
	if (!ret)
		ret = ckpt_read_payload(ctx, &hdr, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.peer_pid <= 0 || !ckpt_image_has_pid(ctx, h.peer_pid)) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: malformed unix socket connection waiting in the backlog",
			 objref);
		return ERR_PTR(-EINVAL);
	}
	rp = ckpt_obj_fetch(ctx, h.pair_objref, CKPT_OBJ_RUNIX_PAIR);
	if (IS_ERR(rp))
		return rp;
	if (!(rp->flags & CKPT_UNIX_PAIR_EMBRYO) || rp->type != type ||
	    rp->claimed) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: unix pair %u is not a connection left to wait in its backlog",
			 objref, h.pair_objref);
		return ERR_PTR(-EINVAL);
	}
	rp->claimed = true;
	rp->end[0].peer_pid = h.peer_pid;
	ret = restore_unix_queue(ctx, objref, type, true, &rp->end[0].q);
	return ret ? ERR_PTR(ret) : rp;
}

/*
 * A listening socket: its backlog checked and the connections waiting
 * in it read now, listen() deferred
 */
static int ckpt_unix_listen(struct ckpt_ctx *ctx, u32 objref,
			    struct file *file,
			    const struct ckpt_hdr_file_unix *h,
			    struct ckpt_unix_queue *own)
{
	struct net *net = sock_net(sock_from_file(file)->sk);
	u32 max = READ_ONCE(net->core.sysctl_somaxconn);
	struct ckpt_unix_queue **qs;
	struct ckpt_unix_listen *l;
	unsigned int i;
	int ret = 0;

	/* listen() takes no more than net.core.somaxconn */
	if (h->backlog > max) {
		ckpt_log(ctx, -EPERM,
			 "file record %u: a unix socket listened with a backlog of %u, above net.core.somaxconn (%u)",
			 objref, h->backlog, max);
		return -EPERM;
	}
	/* nor can more than that and one wait: the last connect() waits */
	if (h->nr_embryos > (u64)max + 1) {
		ckpt_log(ctx, -EPERM,
			 "file record %u: %u connections waiting in a unix socket's backlog, more than net.core.somaxconn (%u) and one",
			 objref, h->nr_embryos, max);
		return -EPERM;
	}
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	if (h->nr_embryos) {
		l->embryos = kvcalloc(h->nr_embryos, sizeof(*l->embryos),
				      GFP_KERNEL);
		if (!l->embryos) {
			kfree(l);
			return -ENOMEM;
		}
	}
	for (i = 0; i < h->nr_embryos; i++) {
		l->embryos[i] = restore_unix_embryo(ctx, objref, h->sock_type);
		if (IS_ERR(l->embryos[i])) {
			ret = PTR_ERR(l->embryos[i]);
			break;
		}
	}
	/* the files in flight: its queue's, then its connections' */
	qs = ret ? NULL : kvcalloc(h->nr_embryos + 1, sizeof(*qs),
				   GFP_KERNEL);
	if (!ret && !qs)
		ret = -ENOMEM;
	if (!ret) {
		qs[0] = own;
		for (i = 0; i < h->nr_embryos; i++)
			qs[i + 1] = &l->embryos[i]->end[0].q;
		ret = ckpt_unix_rlate_due(ctx, objref, file, qs,
					  h->nr_embryos + 1);
		kvfree(qs);
	}
	if (ret) {
		kvfree(l->embryos);
		kfree(l);
		return ret;
	}
	l->file = get_file(file);
	l->backlog = h->backlog;
	l->peer_pid = h->peer_pid;
	l->nr = h->nr_embryos;
	return ckpt_before_release_add(ctx, ckpt_unix_listen_run,
				       ckpt_unix_listen_free, l);
}

/**
 * struct ckpt_unix_rsingle - restart: a datagram socket not in a pair
 *			      whose queue is refilled (and SO_PEERCRED set)
 *			      just before the tree runs
 * @file:	the socket's file, referenced
 * @peer_pid:	SO_PEERCRED's process (a socketpair() end connected
 *		elsewhere since), or 0
 * @q:		its queue: datagrams of its senders
 */
struct ckpt_unix_rsingle {
	struct file *file;
	s32 peer_pid;
	struct ckpt_unix_queue q;
};

static int ckpt_unix_single_refill(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_unix_rsingle *rs = data;
	struct sock *sk = ckpt_unix_sock(rs->file);
	int ret;

	ret = ckpt_unix_refill(ctx, NULL, sk, &rs->q) ?:
	      ckpt_unix_set_peercred(ctx, sk, rs->peer_pid);
	if (ret)
		ckpt_log(ctx, ret, "cannot refill a unix socket");
	/* the senders are closed: what they sent is queued */
	ckpt_unix_queue_free(&rs->q);
	return ret;
}

static void ckpt_unix_single_free(void *data)
{
	struct ckpt_unix_rsingle *rs = data;

	ckpt_unix_queue_free(&rs->q);
	fput(rs->file);
	kfree(rs);
}

/*
 * Once the image is read, every socket exists: connect the socket to its
 * peer itself (patches/0027), as connect() would, with its hook and the
 * write permission on a peer's socket inode it checks. RESTART_VALIDATE
 * only finds the peer.
 */
static int ckpt_unix_rconnect_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_unix_rsock *c = data;
	struct file *pf = ckpt_unix_sock_file(ctx, c->objref, c->arg);
	struct sock *peer;
	int ret = 0;

	if (IS_ERR(pf))
		return PTR_ERR(pf);
	if (ctx->flags & RESTART_VALIDATE)
		return 0;
	peer = ckpt_unix_sock(pf);
	if (unix_sk(peer)->path.dentry)
		ret = path_permission(&unix_sk(peer)->path, MAY_WRITE);
	if (!ret)
		ret = unix_dgram_connect_restore(sock_from_file(c->file), peer);
	if (ret)
		ckpt_log(ctx, ret,
			 "file record %u: cannot connect the unix socket to unix socket %u again",
			 c->objref, c->arg);
	return ret;
}

/*
 * A socket not in a pair: made with socket(); datagrams of its senders;
 * a datagram socket connected one way
 */
static struct file *ckpt_unix_single(struct ckpt_ctx *ctx,
				     const struct ckpt_hdr_file *hf,
				     const struct ckpt_hdr_file_unix *h,
				     const char *path)
{
	struct ckpt_unix_rsingle *rs;
	struct socket *sock;
	struct file *file;
	int ret;

	rs = kzalloc(sizeof(*rs), GFP_KERNEL);
	if (!rs)
		return ERR_PTR(-ENOMEM);
	ret = restore_unix_queue(ctx, hf->objref, h->sock_type, false, &rs->q);
	if (!ret)
		ret = sock_create(AF_UNIX, h->sock_type, 0, &sock);
	file = ret ? ERR_PTR(ret) : ckpt_unix_file(sock);
	if (IS_ERR(file)) {
		ckpt_unix_queue_free(&rs->q);
		kfree(rs);
		return file;
	}
	/* a socket with a queue is shut down once it is refilled */
	ret = ckpt_unix_ghosts(ctx, &rs->q, sock) ?:
	      ckpt_unix_set_options(ctx, sock, hf->objref, h) ?:
	      ckpt_unix_shut(ctx, hf->objref, file, h->shutdown) ?:
	      ckpt_unix_set_name(ctx, hf->objref, sock, h, path);
	if (!ret && h->flags & CKPT_UNIX_LISTEN) {
		ret = ckpt_unix_listen(ctx, hf->objref, file, h, &rs->q);
	} else if (!ret) {
		struct ckpt_unix_queue *q = &rs->q;

		/* its queue is kept with @rs: it holds messages */
		ret = ckpt_unix_rlate_due(ctx, hf->objref, file, &q, 1);
	}
	if (!ret && h->peer_objref)
		ret = ckpt_unix_rsock_add(ctx, ckpt_unix_rconnect_run,
					  hf->objref, file, h->peer_objref);
	if (!ret && (rs->q.nr || (h->peer_pid &&
				  !(h->flags & CKPT_UNIX_LISTEN)))) {
		rs->file = get_file(file);
		rs->peer_pid = h->peer_pid;
		/* on -ENOMEM, rs was freed */
		ret = ckpt_before_release_add(ctx, ckpt_unix_single_refill,
					      ckpt_unix_single_free, rs);
		rs = NULL;
	}
	if (rs) {
		ckpt_unix_queue_free(&rs->q);
		kfree(rs);
	}
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

static struct file *ckpt_unix_restore(struct ckpt_ctx *ctx,
				      const struct ckpt_hdr_file *hf)
{
	struct ckpt_hdr_file_unix h;
	struct ckpt_unix_rpair *rp;
	struct ckpt_unix_rend *end;
	struct file *file;
	char *path = NULL;
	bool embryo;
	void *ri;
	int ret;

	/* the UNIX_PAIR record comes before, at the pair's first end */
	ret = ckpt_read_ref_ext(ctx, CKPT_HDR_FILE_UNIX, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (!ckpt_unix_rec_ok(&h, hf->f_flags) ||
	    (h.peer_pid && !ckpt_image_has_pid(ctx, h.peer_pid))) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed unix socket",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	/* bound to a path: where its socket inode is */
	if (h.flags & CKPT_UNIX_BOUND && h.name[0]) {
		path = ckpt_read_string(ctx);
		if (IS_ERR(path))
			return ERR_CAST(path);
		if (path[0] != '/') {
			ckpt_log(ctx, -EINVAL,
				 "file record %u: a relative path", hf->objref);
			file = ERR_PTR(-EINVAL);
			goto out;
		}
		/* its INODE record came right before */
		ri = ckpt_obj_fetch(ctx, h.inode_objref, CKPT_OBJ_RINODE);
		if (IS_ERR(ri)) {
			file = ERR_CAST(ri);
			goto out;
		}
	}
	if (!h.pair_objref) {
		file = ckpt_unix_single(ctx, hf, &h, path);
		goto flags;
	}
	rp = ckpt_obj_fetch(ctx, h.pair_objref, CKPT_OBJ_RUNIX_PAIR);
	if (IS_ERR(rp)) {
		file = ERR_CAST(rp);
		goto out;
	}
	end = &rp->end[h.end];
	embryo = rp->flags & CKPT_UNIX_PAIR_EMBRYO;
	if (rp->type != h.sock_type || end->used ||
	    (h.end && rp->flags & CKPT_UNIX_PAIR_CLOSED) ||
	    (h.err && !(rp->flags & CKPT_UNIX_PAIR_CLOSED &&
			rp->type != SOCK_DGRAM && !embryo)) ||
	    /* a client: end 1, not accepted, so with no listener's name */
	    (embryo && (!h.end || (h.name_len &&
				   !(h.flags & CKPT_UNIX_BOUND))))) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: not an end of unix pair %u left",
			 hf->objref, h.pair_objref);
		file = ERR_PTR(-EINVAL);
		goto out;
	}
	end->used = true;
	end->err = h.err;
	end->peer_pid = h.peer_pid;
	ret = restore_unix_queue(ctx, hf->objref, h.sock_type, true, &end->q);
	/* nothing can send to a client whose connection waits */
	if (!ret && embryo && end->q.nr) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: malformed unix socket queue",
			 hf->objref);
		ret = -EINVAL;
	}
	if (!ret)
		ret = ckpt_unix_ghosts(ctx, &end->q, sock_from_file(end->file));
	if (!ret) {
		struct ckpt_unix_queue *q = &end->q;

		ret = ckpt_unix_rlate_due(ctx, hf->objref, end->file, &q, 1);
	}
	if (!ret)
		ret = ckpt_unix_set_options(ctx, sock_from_file(end->file),
					    hf->objref, &h);
	if (!ret)
		ret = ckpt_unix_set_name(ctx, hf->objref,
					 sock_from_file(end->file), &h, path);
	if (!ret)
		ret = ckpt_unix_shut(ctx, hf->objref, end->file, h.shutdown);
	if (ret) {
		file = ERR_PTR(ret);
		goto out;
	}
	file = get_file(end->file);
flags:
	/* how other sockets name it: their peer, or a sender */
	if (!IS_ERR(file) && h.sock_objref) {
		ret = ckpt_obj_insert(ctx, file, h.sock_objref,
				      CKPT_OBJ_RUNIX_SOCK);
		if (ret) {
			fput(file);
			file = ERR_PTR(ret);
		}
	}
	if (!IS_ERR(file)) {
		spin_lock(&file->f_lock);
		file->f_flags = (file->f_flags & ~O_NONBLOCK) |
				(hf->f_flags & O_NONBLOCK);
		spin_unlock(&file->f_lock);
	}
out:
	kfree(path);
	return file;
}

static void ckpt_unix_sock_hold(void *ptr)
{
	sock_hold(ptr);
}

static void ckpt_unix_sock_put(void *ptr)
{
	sock_put(ptr);
}

const struct ckpt_obj_ops ckpt_unix_pair_obj_ops = {
	.name = "unix socket pair",
	.grab = ckpt_unix_sock_hold,
	.drop = ckpt_unix_sock_put,
	.checkpoint = ckpt_unix_pair_checkpoint,
};

const struct ckpt_obj_ops ckpt_unix_sock_obj_ops = {
	.name = "unix socket",
	.grab = ckpt_unix_sock_hold,
	.drop = ckpt_unix_sock_put,
};

const struct ckpt_obj_ops ckpt_runix_sock_obj_ops = {
	.name = "unix socket",
	.grab = ckpt_obj_get_file,
	.drop = ckpt_obj_put_file,
};

const struct ckpt_obj_ops ckpt_runix_pair_obj_ops = {
	.name = "unix socket pair",
	.grab = ckpt_unix_noop,
	.drop = ckpt_unix_rpair_drop,
	.rec_type = CKPT_HDR_UNIX_PAIR,
	.restore = restore_unix_pair,
	.check = ckpt_unix_pair_check,
};

/* O_ASYNC: sock_fasync() keeps the socket's list */
static struct fasync_struct **ckpt_unix_fasync_list(struct file *file)
{
	return &sock_from_file(file)->wq.fasync_list;
}

const struct ckpt_file_ops ckpt_unix_file_ops = {
	.name = "unix socket",
	.match = ckpt_unix_match,
	.classify = ckpt_unix_classify,
	.checkpoint = ckpt_unix_checkpoint,
	.restore = ckpt_unix_restore,
	.checkpoint_late = ckpt_unix_checkpoint_late,
	.late_rec_type = CKPT_HDR_UNIX_FDS,
	.restore_late = ckpt_unix_restore_late,
	.late_if_due = true,
	.late_free = ckpt_unix_late_free,
	.f_flags = CKPT_UNIX_FILE_FLAGS,
	.fasync_list = ckpt_unix_fasync_list,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_unix_pair_test {
	const char *desc;
	struct ckpt_hdr_unix_pair h;
	bool ok;
};

static const struct ckpt_unix_pair_test ckpt_unix_pair_tests[] = {
	{ .desc = "stream", .h = { .sock_type = SOCK_STREAM }, .ok = true },
	{ .desc = "datagram", .h = { .sock_type = SOCK_DGRAM }, .ok = true },
	{ .desc = "seqpacket", .h = { .sock_type = SOCK_SEQPACKET },
	  .ok = true },
	{ .desc = "stream, end 1 closed",
	  .h = { .sock_type = SOCK_STREAM, .flags = CKPT_UNIX_PAIR_CLOSED },
	  .ok = true },
	{ .desc = "type 0", .h = { .sock_type = 0 } },
	{ .desc = "SOCK_RAW", .h = { .sock_type = SOCK_RAW } },
	{ .desc = "SOCK_RDM", .h = { .sock_type = SOCK_RDM } },
	{ .desc = "SOCK_PACKET", .h = { .sock_type = SOCK_PACKET } },
	{ .desc = "type with SOCK_NONBLOCK",
	  .h = { .sock_type = SOCK_STREAM | SOCK_NONBLOCK } },
	{ .desc = "unknown flag",
	  .h = { .sock_type = SOCK_STREAM,
		 .flags = CKPT_UNIX_PAIR_FLAGS_MASK + 1 } },
	{ .desc = "reserved", .h = { .sock_type = SOCK_DGRAM,
				     .__reserved = 1 } },
	{ .desc = "stream waiting in a backlog",
	  .h = { .sock_type = SOCK_STREAM, .flags = CKPT_UNIX_PAIR_EMBRYO },
	  .ok = true },
	{ .desc = "seqpacket waiting in a backlog, client closed",
	  .h = { .sock_type = SOCK_SEQPACKET,
		 .flags = CKPT_UNIX_PAIR_EMBRYO | CKPT_UNIX_PAIR_CLOSED },
	  .ok = true },
	{ .desc = "datagram waiting in a backlog",
	  .h = { .sock_type = SOCK_DGRAM, .flags = CKPT_UNIX_PAIR_EMBRYO } },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_unix_pair, ckpt_unix_pair_tests, desc);

static void ckpt_test_unix_pair_rec_ok(struct kunit *test)
{
	const struct ckpt_unix_pair_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_unix_pair_rec_ok(&t->h), t->ok);
}

/* 107 bytes of a name */
#define CKPT_TEST_X107							\
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"	\
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"	\
	"xxxxxxx"

/* A FILE_UNIX record: end 0 of pair 7, of a stream, with the defaults */
#define CKPT_TEST_UNIX(...)						\
	{ .sock_type = SOCK_STREAM, .pair_objref = 7, .rcvlowat = 1,	\
	  .peek_off = -1, __VA_ARGS__ }

struct ckpt_unix_rec_test {
	const char *desc;
	struct ckpt_hdr_file_unix h;
	u32 f_flags;
	bool ok;
};

static const struct ckpt_unix_rec_test ckpt_unix_rec_tests[] = {
	/* accepted */
	{ .desc = "end 0", .h = CKPT_TEST_UNIX(), .f_flags = O_RDWR,
	  .ok = true },
	{ .desc = "end 1, non-blocking", .h = CKPT_TEST_UNIX(.end = 1),
	  .f_flags = O_RDWR | O_NONBLOCK, .ok = true },
	{ .desc = "every option flag, both shutdowns",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_FLAGS_MASK &
				       ~(CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN),
			      .shutdown = CKPT_UNIX_SHUT_RD |
					  CKPT_UNIX_SHUT_WR),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "ECONNRESET pending", .h = CKPT_TEST_UNIX(.err = ECONNRESET),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "the largest values",
	  .h = CKPT_TEST_UNIX(.rcvlowat = INT_MAX, .peek_off = INT_MAX,
			      .sndtimeo_us = U64_MAX, .rcvtimeo_us = U64_MAX,
			      .priority = U32_MAX, .mark = U32_MAX,
			      .peer_pid = INT_MAX),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "peek offset 0", .h = CKPT_TEST_UNIX(.peek_off = 0),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "unconnected datagram",
	  .h = CKPT_TEST_UNIX(.sock_type = SOCK_DGRAM, .pair_objref = 0),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "unconnected, shut down",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0,
			      .shutdown = CKPT_UNIX_SHUT_WR),
	  .f_flags = O_RDWR, .ok = true },
	/* refused */
	{ .desc = "SOCK_RAW", .h = CKPT_TEST_UNIX(.sock_type = SOCK_RAW),
	  .f_flags = O_RDWR },
	{ .desc = "end 2", .h = CKPT_TEST_UNIX(.end = 2), .f_flags = O_RDWR },
	{ .desc = "unknown flag",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_FLAGS_MASK + 1),
	  .f_flags = O_RDWR },
	{ .desc = "unknown shutdown bit", .h = CKPT_TEST_UNIX(.shutdown = 4),
	  .f_flags = O_RDWR },
	{ .desc = "EPIPE pending", .h = CKPT_TEST_UNIX(.err = EPIPE),
	  .f_flags = O_RDWR },
	{ .desc = "negative error", .h = CKPT_TEST_UNIX(.err = -ECONNRESET),
	  .f_flags = O_RDWR },
	{ .desc = "low water mark 0", .h = CKPT_TEST_UNIX(.rcvlowat = 0),
	  .f_flags = O_RDWR },
	{ .desc = "negative low water mark", .h = CKPT_TEST_UNIX(.rcvlowat = -1),
	  .f_flags = O_RDWR },
	{ .desc = "peek offset -2", .h = CKPT_TEST_UNIX(.peek_off = -2),
	  .f_flags = O_RDWR },
	{ .desc = "negative peer pid", .h = CKPT_TEST_UNIX(.peer_pid = -1),
	  .f_flags = O_RDWR },
	{ .desc = "reserved", .h = CKPT_TEST_UNIX(.__reserved = 1),
	  .f_flags = O_RDWR },
	{ .desc = "unconnected, end 1",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .end = 1), .f_flags = O_RDWR },
	{ .desc = "unconnected, ECONNRESET",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .err = ECONNRESET),
	  .f_flags = O_RDWR },
	{ .desc = "unconnected, a peer pid",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .peer_pid = 1),
	  .f_flags = O_RDWR },
	/* names */
	{ .desc = "bound to an abstract name",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 4,
			      .name = "\0abc"),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "bound to the empty abstract name",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 1),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "bound to a path, its inode, mode and owner",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 7,
			      .name = "/tmp/s", .inode_objref = 3,
			      .mode = 07777, .uid = 1000, .gid = U32_MAX),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "bound to a relative path",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 2,
			      .name = "s", .inode_objref = 3),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "the longest abstract name",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 108,
			      .name = "\0" CKPT_TEST_X107),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "the longest path",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 108,
			      .name = CKPT_TEST_X107, .inode_objref = 3),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "accepted: its listener's name",
	  .h = CKPT_TEST_UNIX(.name_len = 3, .name = "\0ab"),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "accepted: its listener's path, no inode",
	  .h = CKPT_TEST_UNIX(.sock_type = SOCK_SEQPACKET, .name_len = 3,
			      .name = "ab"),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "listening, with the listener's credentials",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .peer_pid = 5,
			      .flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l", .backlog = 128),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "listening seqpacket, the largest backlog, every flag",
	  .h = CKPT_TEST_UNIX(.sock_type = SOCK_SEQPACKET, .pair_objref = 0,
			      .flags = CKPT_UNIX_FLAGS_MASK, .name_len = 2,
			      .name = "l", .inode_objref = 1,
			      .backlog = S32_MAX),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "listening, backlog 0",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0,
			      .flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 1),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "name_len 109",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 109),
	  .f_flags = O_RDWR },
	{ .desc = "name_len U32_MAX",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = U32_MAX),
	  .f_flags = O_RDWR },
	{ .desc = "a byte after the name",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 2,
			      .name = "\0ab"),
	  .f_flags = O_RDWR },
	{ .desc = "a byte in the last place after the name",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 107,
			      .name = "\0" CKPT_TEST_X107),
	  .f_flags = O_RDWR },
	{ .desc = "a path without its NUL",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 2,
			      .name = "ab", .inode_objref = 3),
	  .f_flags = O_RDWR },
	{ .desc = "the longest path without its NUL",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 108,
			      .name = "y" CKPT_TEST_X107, .inode_objref = 3),
	  .f_flags = O_RDWR },
	{ .desc = "a path with a NUL inside",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 4,
			      .name = "a\0b", .inode_objref = 3),
	  .f_flags = O_RDWR },
	{ .desc = "bound without a name",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND), .f_flags = O_RDWR },
	{ .desc = "a name not bound, unconnected",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .name_len = 2, .name = "\0a"),
	  .f_flags = O_RDWR },
	{ .desc = "a listener's name on a datagram",
	  .h = CKPT_TEST_UNIX(.sock_type = SOCK_DGRAM, .name_len = 2,
			      .name = "\0a"),
	  .f_flags = O_RDWR },
	{ .desc = "a path socket without its inode",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 2,
			      .name = "s"),
	  .f_flags = O_RDWR },
	{ .desc = "an inode for an abstract name",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 2,
			      .name = "\0s", .inode_objref = 3),
	  .f_flags = O_RDWR },
	{ .desc = "an inode for a listener's path",
	  .h = CKPT_TEST_UNIX(.name_len = 2, .name = "s", .inode_objref = 3),
	  .f_flags = O_RDWR },
	{ .desc = "an inode without a name",
	  .h = CKPT_TEST_UNIX(.inode_objref = 3), .f_flags = O_RDWR },
	{ .desc = "mode 010000",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 2,
			      .name = "s", .inode_objref = 3, .mode = 010000),
	  .f_flags = O_RDWR },
	{ .desc = "a mode on an abstract socket",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND, .name_len = 2,
			      .name = "\0s", .mode = 0600),
	  .f_flags = O_RDWR },
	{ .desc = "an owner on a socket with no name",
	  .h = CKPT_TEST_UNIX(.uid = 1), .f_flags = O_RDWR },
	{ .desc = "a group on a listener's path",
	  .h = CKPT_TEST_UNIX(.name_len = 2, .name = "s", .gid = 1),
	  .f_flags = O_RDWR },
	{ .desc = "listening, not bound",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .flags = CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l"),
	  .f_flags = O_RDWR },
	{ .desc = "listening datagram",
	  .h = CKPT_TEST_UNIX(.sock_type = SOCK_DGRAM, .pair_objref = 0,
			      .flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l"),
	  .f_flags = O_RDWR },
	{ .desc = "listening end of a pair",
	  .h = CKPT_TEST_UNIX(.flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l"),
	  .f_flags = O_RDWR },
	{ .desc = "listening, ECONNRESET",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .err = ECONNRESET,
			      .flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l"),
	  .f_flags = O_RDWR },
	{ .desc = "backlog above INT_MAX",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0,
			      .flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l",
			      .backlog = (u32)S32_MAX + 1),
	  .f_flags = O_RDWR },
	{ .desc = "a backlog, not listening",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .flags = CKPT_UNIX_BOUND,
			      .name_len = 2, .name = "\0l", .backlog = 1),
	  .f_flags = O_RDWR },
	{ .desc = "bound, unconnected, a peer pid",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .flags = CKPT_UNIX_BOUND,
			      .name_len = 2, .name = "\0l", .peer_pid = 1),
	  .f_flags = O_RDWR },
	{ .desc = "datagram, how others name it",
	  .h = CKPT_TEST_UNIX(.sock_type = SOCK_DGRAM, .sock_objref = 8),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "stream, how others name it",
	  .h = CKPT_TEST_UNIX(.sock_objref = 8), .f_flags = O_RDWR },
	{ .desc = "datagram, connected one way, SO_PEERCRED of a pair",
	  .h = CKPT_TEST_UNIX(.sock_type = SOCK_DGRAM, .pair_objref = 0,
			      .peer_objref = 8, .peer_pid = 1),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "datagram, connected one way and in a pair",
	  .h = CKPT_TEST_UNIX(.sock_type = SOCK_DGRAM, .peer_objref = 8),
	  .f_flags = O_RDWR },
	{ .desc = "stream, connected one way",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .peer_objref = 8),
	  .f_flags = O_RDWR },
	{ .desc = "stream, unconnected, a peer pid",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .peer_pid = 1),
	  .f_flags = O_RDWR },
	{ .desc = "connections waiting, not listening",
	  .h = CKPT_TEST_UNIX(.nr_embryos = 1), .f_flags = O_RDWR },
	{ .desc = "bound, connections waiting, not listening",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0, .flags = CKPT_UNIX_BOUND,
			      .name_len = 2, .name = "\0l", .nr_embryos = 1),
	  .f_flags = O_RDWR },
	{ .desc = "listening, connections waiting",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0,
			      .flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l", .backlog = 4,
			      .nr_embryos = 5),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "listening, CKPT_MAX_UNIX_EMBRYOS connections waiting",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0,
			      .flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l",
			      .nr_embryos = CKPT_MAX_UNIX_EMBRYOS),
	  .f_flags = O_RDWR, .ok = true },
	{ .desc = "listening, one connection too many waiting",
	  .h = CKPT_TEST_UNIX(.pair_objref = 0,
			      .flags = CKPT_UNIX_BOUND | CKPT_UNIX_LISTEN,
			      .name_len = 2, .name = "\0l",
			      .nr_embryos = CKPT_MAX_UNIX_EMBRYOS + 1),
	  .f_flags = O_RDWR },
	{ .desc = "read-only", .h = CKPT_TEST_UNIX(), .f_flags = O_RDONLY },
	{ .desc = "write-only", .h = CKPT_TEST_UNIX(), .f_flags = O_WRONLY },
	{ .desc = "access mode 3", .h = CKPT_TEST_UNIX(), .f_flags = O_ACCMODE },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_unix_rec, ckpt_unix_rec_tests, desc);

static void ckpt_test_unix_rec_ok(struct kunit *test)
{
	const struct ckpt_unix_rec_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_unix_rec_ok(&t->h, t->f_flags), t->ok);
}

#define CKPT_TEST_MSG_LEN(n)	ALIGN(sizeof(struct ckpt_hdr_unix_msg) + (n), 8)

struct ckpt_unix_msg_test {
	const char *desc;
	struct ckpt_hdr_unix_msg h;
	u32 type;
	bool ok;
};

static const struct ckpt_unix_msg_test ckpt_unix_msg_tests[] = {
	{ .desc = "one byte of a stream",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(1), .len = 1 },
	  .type = SOCK_STREAM, .ok = true },
	{ .desc = "eight bytes, no padding",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(8), .len = 8, .pid = 1 },
	  .type = SOCK_STREAM, .ok = true },
	{ .desc = "an empty datagram",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(0) }, .type = SOCK_DGRAM,
	  .ok = true },
	{ .desc = "an empty record",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(0) }, .type = SOCK_SEQPACKET,
	  .ok = true },
	{ .desc = "the largest message",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(CKPT_UNIX_MSG_MAX),
		 .len = CKPT_UNIX_MSG_MAX },
	  .type = SOCK_DGRAM, .ok = true },
	{ .desc = "one byte more than the largest",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(CKPT_UNIX_MSG_MAX + 1),
		 .len = CKPT_UNIX_MSG_MAX + 1 },
	  .type = SOCK_DGRAM },
	{ .desc = "an empty stream buffer",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(0) }, .type = SOCK_STREAM },
	{ .desc = "record shorter than its len",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(0), .len = 9 },
	  .type = SOCK_STREAM },
	{ .desc = "record longer than its len",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(16), .len = 1 },
	  .type = SOCK_STREAM },
	{ .desc = "len U32_MAX",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(0), .len = U32_MAX },
	  .type = SOCK_DGRAM },
	{ .desc = "negative pid",
	  .h = { .h.len = CKPT_TEST_MSG_LEN(1), .len = 1, .pid = -1 },
	  .type = SOCK_STREAM },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_unix_msg, ckpt_unix_msg_tests, desc);

static void ckpt_test_unix_msg_rec_ok(struct kunit *test)
{
	const struct ckpt_unix_msg_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_unix_msg_rec_ok(&t->h, t->type), t->ok);
}

struct ckpt_unix_sender_test {
	const char *desc;
	struct ckpt_hdr_unix_sender h;
	bool ok;
};

static const struct ckpt_unix_sender_test ckpt_unix_sender_tests[] = {
	{ .desc = "no name", .h = { .sndbuf = 212992 }, .ok = true },
	{ .desc = "an abstract name", .h = { .name_len = 3, .name = "\0ab" },
	  .ok = true },
	{ .desc = "a path", .h = { .name_len = 3, .name = "ab" }, .ok = true },
	{ .desc = "the longest abstract name, the largest sndbuf",
	  .h = { .name_len = 108, .name = "\0" CKPT_TEST_X107,
		 .sndbuf = INT_MAX },
	  .ok = true },
	{ .desc = "name_len 109", .h = { .name_len = 109 } },
	{ .desc = "a byte after the name",
	  .h = { .name_len = 1, .name = "\0a" } },
	{ .desc = "a path without its NUL",
	  .h = { .name_len = 2, .name = "ab" } },
	{ .desc = "sndbuf above INT_MAX",
	  .h = { .sndbuf = (u32)INT_MAX + 1 } },
	{ .desc = "a sender of the tree", .h = { .sock_objref = 7 },
	  .ok = true },
	{ .desc = "a sender of the tree with a name",
	  .h = { .sock_objref = 7, .name_len = 3, .name = "\0ab" } },
	{ .desc = "a sender of the tree with a sndbuf",
	  .h = { .sock_objref = 7, .sndbuf = 212992 } },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_unix_sender, ckpt_unix_sender_tests, desc);

static void ckpt_test_unix_sender_rec_ok(struct kunit *test)
{
	const struct ckpt_unix_sender_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_unix_sender_rec_ok(&t->h), t->ok);
}

#define CKPT_TEST_FROM_LEN(n) \
	ALIGN(sizeof(struct ckpt_hdr_unix_msg_from) + (n), 8)

struct ckpt_unix_from_test {
	const char *desc;
	struct ckpt_hdr_unix_msg_from h;
	u32 nr_senders;
	bool ok;
};

static const struct ckpt_unix_from_test ckpt_unix_from_tests[] = {
	{ .desc = "a datagram of sender 1",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(5), .len = 5, .sender = 1 },
	  .nr_senders = 1, .ok = true },
	{ .desc = "an empty datagram of the last sender",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(0), .sender = 256, .pid = 1 },
	  .nr_senders = 256, .ok = true },
	{ .desc = "the largest datagram",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(CKPT_UNIX_MSG_MAX),
		 .len = CKPT_UNIX_MSG_MAX, .sender = 1 },
	  .nr_senders = 1, .ok = true },
	{ .desc = "sender 0",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(1), .len = 1 },
	  .nr_senders = 1 },
	{ .desc = "a sender past the last",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(1), .len = 1, .sender = 3 },
	  .nr_senders = 2 },
	{ .desc = "one byte more than the largest",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(CKPT_UNIX_MSG_MAX + 1),
		 .len = CKPT_UNIX_MSG_MAX + 1, .sender = 1 },
	  .nr_senders = 1 },
	{ .desc = "record shorter than its len",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(0), .len = 9, .sender = 1 },
	  .nr_senders = 1 },
	{ .desc = "negative pid",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(1), .len = 1, .sender = 1,
		 .pid = -1 },
	  .nr_senders = 1 },
	{ .desc = "reserved",
	  .h = { .h.len = CKPT_TEST_FROM_LEN(1), .len = 1, .sender = 1,
		 .__reserved = 1 },
	  .nr_senders = 1 },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_unix_from, ckpt_unix_from_tests, desc);

static void ckpt_test_unix_msg_from_rec_ok(struct kunit *test)
{
	const struct ckpt_unix_from_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_unix_msg_from_rec_ok(&t->h, t->nr_senders),
			t->ok);
}

#define CKPT_TEST_FDS_LEN(n) \
	ALIGN(sizeof(struct ckpt_hdr_unix_msg_fds) + (n), 8)

struct ckpt_unix_fds_test {
	const char *desc;
	struct ckpt_hdr_unix_msg_fds h;
	u32 type;
	bool paired;
	u32 nr_senders;
	bool ok;
};

static const struct ckpt_unix_fds_test ckpt_unix_fds_tests[] = {
	{ .desc = "a stream's message with one file, from the peer",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(5), .len = 5, .nr_fds = 1 },
	  .type = SOCK_STREAM, .paired = true, .ok = true },
	{ .desc = "an empty datagram with the most files, from the peer",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(0),
		 .nr_fds = CKPT_UNIX_SCM_MAX_FD },
	  .type = SOCK_DGRAM, .paired = true, .ok = true },
	{ .desc = "a datagram of sender 2 with files",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(3), .len = 3, .sender = 2,
		 .nr_fds = 2 },
	  .type = SOCK_DGRAM, .nr_senders = 2, .ok = true },
	{ .desc = "no file",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(1), .len = 1 },
	  .type = SOCK_STREAM, .paired = true },
	{ .desc = "one file more than SCM_MAX_FD",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(1), .len = 1,
		 .nr_fds = CKPT_UNIX_SCM_MAX_FD + 1 },
	  .type = SOCK_STREAM, .paired = true },
	{ .desc = "from the peer of a socket without one",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(1), .len = 1, .nr_fds = 1 },
	  .type = SOCK_DGRAM },
	{ .desc = "an empty stream message",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(0), .nr_fds = 1 },
	  .type = SOCK_STREAM, .paired = true },
	{ .desc = "a sender past the last",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(1), .len = 1, .sender = 2,
		 .nr_fds = 1 },
	  .type = SOCK_DGRAM, .nr_senders = 1 },
	{ .desc = "record shorter than its len",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(0), .len = 9, .nr_fds = 1 },
	  .type = SOCK_STREAM, .paired = true },
	{ .desc = "one byte more than the largest",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(CKPT_UNIX_MSG_MAX + 1),
		 .len = CKPT_UNIX_MSG_MAX + 1, .nr_fds = 1 },
	  .type = SOCK_STREAM, .paired = true },
	{ .desc = "negative pid",
	  .h = { .h.len = CKPT_TEST_FDS_LEN(1), .len = 1, .pid = -1,
		 .nr_fds = 1 },
	  .type = SOCK_STREAM, .paired = true },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_unix_fds, ckpt_unix_fds_tests, desc);

static void ckpt_test_unix_msg_fds_rec_ok(struct kunit *test)
{
	const struct ckpt_unix_fds_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_unix_msg_fds_rec_ok(&t->h, t->type,
						       t->paired,
						       t->nr_senders),
			t->ok);
}

static struct kunit_case ckpt_unix_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_unix_msg_fds_rec_ok,
			 ckpt_unix_fds_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_unix_sender_rec_ok,
			 ckpt_unix_sender_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_unix_msg_from_rec_ok,
			 ckpt_unix_from_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_unix_pair_rec_ok, ckpt_unix_pair_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_unix_rec_ok, ckpt_unix_rec_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_unix_msg_rec_ok, ckpt_unix_msg_gen_params),
	{}
};

static struct kunit_suite ckpt_unix_test_suite = {
	.name = "ckpt_unix",
	.test_cases = ckpt_unix_test_cases,
};

kunit_test_suite(ckpt_unix_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
