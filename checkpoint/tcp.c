// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP connections (ESTABLISHED), after their FILE_INET record (inet.c).
 *
 * Checkpoint reads a connection under its socket lock, where the stack
 * neither receives nor sends for it: its sequence numbers, windows, the
 * options the handshake agreed (MSS, window scaling, SACK, timestamps),
 * its timestamp clock, the bytes written and not acknowledged by the peer
 * and the bytes received and not read. That is one TCP_CONN record.
 *
 * Restart makes the connection again through the kernel's own TCP repair
 * interface, as setsockopt() offers it to a process with CAP_NET_ADMIN in
 * the network namespace: TCP_REPAIR, TCP_QUEUE_SEQ, bind() and connect()
 * (which in repair mode sends nothing and makes the socket ESTABLISHED),
 * TCP_REPAIR_OPTIONS, TCP_TIMESTAMP, the two queues written in repair
 * mode (the receive queue as received, the send queue as sent, so the
 * bytes never sent go out as retransmissions), TCP_REPAIR_WINDOW. The
 * socket leaves repair mode when nothing can fail the restart any more,
 * just before the tree runs; until then it says nothing to the peer, and
 * a failed restart closes it in repair mode, silently.
 *
 * The network lock. The peer goes on sending while the tree is saved,
 * killed and made again. With CHECKPOINT_NET_LOCK (the coordinator kills
 * the tree next), checkpoint first makes the stack drop what arrives for
 * the connection (a netfilter hook at LOCAL_IN of the socket's network
 * namespace, keyed by its addresses and ports), waits until no packet is
 * on its way past that point, then reads the socket: nothing it
 * acknowledges later is missing from the image. It leaves the socket in
 * repair mode, so that the kill closes it without FIN or RST, and leaves
 * the lock in place: the peer's packets are dropped, not answered with a
 * RST by a stack that no longer knows the connection. A restart in that
 * namespace takes the lock over for its new socket, which says nothing
 * until the tree runs, and lifts it then. A restart elsewhere (a
 * migration) locks its new socket the same way while it is made. A lock
 * whose addresses a socket other than the one it keeps now owns lets that
 * socket's packets through and goes away; the others go with their
 * network namespace. A failed checkpoint lifts its locks and takes its
 * sockets out of repair mode: the peer retransmits what was dropped.
 *
 * Not kept, as they are the transport's own and not what a program sees:
 * the congestion state, the RTT estimates, the out-of-order queue (not
 * acknowledged, so sent again by the peer), ECN.
 */
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "internal.h"

/* ---- the network lock -------------------------------------------------- */

/**
 * struct ckpt_tcp_key - a connection as packets name it
 * @net:	its network namespace (not referenced: locks go with it)
 * @laddr:	its address (an IPv4 one as IPv4-mapped)
 * @raddr:	its peer's
 * @lport:	its port, network order
 * @rport:	its peer's
 */
struct ckpt_tcp_key {
	const struct net *net;
	struct in6_addr laddr;
	struct in6_addr raddr;
	__be16 lport;
	__be16 rport;
};

/**
 * struct ckpt_tcp_lock - packets of a connection that the stack drops
 * @node:	in ckpt_tcp_locks
 * @rcu:	freed after a grace period: the hook reads under RCU
 * @key:	the connection
 * @cookie:	the socket kept silent (sock_gen_cookie()); a packet that
 *		another socket owns goes through
 */
struct ckpt_tcp_lock {
	struct hlist_node node;
	struct rcu_head rcu;
	struct ckpt_tcp_key key;
	u64 cookie;
};

/* at most this many locks per network namespace; past it, ENOSPC */
#define CKPT_TCP_MAX_LOCKS	65536

static DEFINE_HASHTABLE(ckpt_tcp_locks, 8);
static DEFINE_SPINLOCK(ckpt_tcp_locks_lock);
static unsigned int ckpt_tcp_nr_locks;
static DEFINE_MUTEX(ckpt_tcp_hook_mutex);
static unsigned int ckpt_tcp_net_id;

/**
 * struct ckpt_tcp_net - the network lock in a network namespace
 * @hooked:	the hook is registered there
 * @nr_locks:	its locks, at most %CKPT_TCP_MAX_LOCKS (one namespace's
 *		cannot keep another's from locking)
 */
struct ckpt_tcp_net {
	bool hooked;
	unsigned int nr_locks;
};

static u32 ckpt_tcp_hash(const struct ckpt_tcp_key *k)
{
	u32 ports = (__force u32)k->lport << 16 | (__force u32)k->rport;

	return jhash2(k->raddr.s6_addr32, 4,
		      jhash2(k->laddr.s6_addr32, 4, ports ^ net_hash_mix(k->net)));
}

static bool ckpt_tcp_key_eq(const struct ckpt_tcp_key *a,
			    const struct ckpt_tcp_key *b)
{
	return a->net == b->net && a->lport == b->lport &&
	       a->rport == b->rport && ipv6_addr_equal(&a->laddr, &b->laddr) &&
	       ipv6_addr_equal(&a->raddr, &b->raddr);
}

static struct ckpt_tcp_lock *ckpt_tcp_lock_find(const struct ckpt_tcp_key *k)
{
	struct ckpt_tcp_lock *l;

	/* under RCU (the hook) or the lock */
	hash_for_each_possible_rcu(ckpt_tcp_locks, l, node, ckpt_tcp_hash(k),
				   lockdep_is_held(&ckpt_tcp_locks_lock))
		if (ckpt_tcp_key_eq(&l->key, k))
			return l;
	return NULL;
}

static void ckpt_tcp_lock_del(struct ckpt_tcp_lock *l)
{
	struct ckpt_tcp_net *tn = net_generic(l->key.net, ckpt_tcp_net_id);

	lockdep_assert_held(&ckpt_tcp_locks_lock);
	tn->nr_locks--;
	hash_del_rcu(&l->node);
	WRITE_ONCE(ckpt_tcp_nr_locks, ckpt_tcp_nr_locks - 1);
	kfree_rcu(l, rcu);
}

/* The connection a packet arriving here belongs to */
static bool ckpt_tcp_pkt_key(struct sk_buff *skb, u8 pf,
			     struct ckpt_tcp_key *k)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int off = 0;

	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		/* fragments were reassembled before LOCAL_IN */
		if (iph->protocol != IPPROTO_TCP)
			return false;
		off = skb_network_offset(skb) + ip_hdrlen(skb);
		ipv6_addr_set_v4mapped(iph->daddr, &k->laddr);
		ipv6_addr_set_v4mapped(iph->saddr, &k->raddr);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		/* a fragment but the first names no port: TCP avoids them */
		if (ipv6_find_hdr(skb, &off, IPPROTO_TCP, NULL, NULL) !=
		    IPPROTO_TCP)
			return false;
		k->laddr = ip6h->daddr;
		k->raddr = ip6h->saddr;
#else
		return false;
#endif
	}
	th = skb_header_pointer(skb, off, sizeof(_th), &_th);
	if (!th)
		return false;
	k->lport = th->dest;
	k->rport = th->source;
	return true;
}

/* The cookie of the socket that owns @k's connection now, 0: none */
static u64 ckpt_tcp_owner(struct net *net, int dif,
			  const struct ckpt_tcp_key *k)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	struct sock *sk = NULL;
	u64 cookie;

	rcu_read_lock();
	if (ipv6_addr_v4mapped(&k->laddr))
		sk = __inet_lookup_established(net, hinfo,
					       k->raddr.s6_addr32[3], k->rport,
					       k->laddr.s6_addr32[3],
					       ntohs(k->lport), dif, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		sk = __inet6_lookup_established(net, hinfo, &k->raddr,
						k->rport, &k->laddr,
						ntohs(k->lport), dif, 0);
#endif
	rcu_read_unlock();
	if (!sk)
		return 0;
	/* never 0: one is made for a socket that had none */
	cookie = sock_gen_cookie(sk);
	sock_gen_put(sk);
	return cookie;
}

static unsigned int ckpt_tcp_lock_hook(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct ckpt_tcp_key k = { .net = state->net };
	struct ckpt_tcp_lock *l;
	u64 owner;
	int dif;

	if (!READ_ONCE(ckpt_tcp_nr_locks) ||
	    !ckpt_tcp_pkt_key(skb, state->pf, &k))
		return NF_ACCEPT;
	l = ckpt_tcp_lock_find(&k);
	if (!l)
		return NF_ACCEPT;
	dif = state->in ? state->in->ifindex : 0;
	owner = ckpt_tcp_owner(state->net, dif, &k);
	if (!owner || owner == READ_ONCE(l->cookie))
		return NF_DROP;
	/* the addresses are another connection's now: the lock is stale */
	spin_lock_bh(&ckpt_tcp_locks_lock);
	if (!hlist_unhashed(&l->node))
		ckpt_tcp_lock_del(l);
	spin_unlock_bh(&ckpt_tcp_locks_lock);
	return NF_ACCEPT;
}

static const struct nf_hook_ops ckpt_tcp_hook_ops[] = {
	{
		.hook = ckpt_tcp_lock_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_FIRST,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = ckpt_tcp_lock_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_FIRST,
	},
#endif
};

/* The hook in @net, registered at the first lock there */
static int ckpt_tcp_hook_net(struct net *net)
{
	struct ckpt_tcp_net *tn = net_generic(net, ckpt_tcp_net_id);
	int ret = 0;

	mutex_lock(&ckpt_tcp_hook_mutex);
	if (!tn->hooked) {
		ret = nf_register_net_hooks(net, ckpt_tcp_hook_ops,
					    ARRAY_SIZE(ckpt_tcp_hook_ops));
		tn->hooked = !ret;
	}
	mutex_unlock(&ckpt_tcp_hook_mutex);
	return ret;
}

/*
 * Lock @k's packets out for the socket of @cookie; with @take, take over
 * a lock there is, else leave it (-EEXIST). The socket it kept before in
 * *@prev (0: a new lock).
 */
static int ckpt_tcp_lock_set(struct net *net, const struct ckpt_tcp_key *k,
			     u64 cookie, bool take, u64 *prev)
{
	struct ckpt_tcp_net *tn = net_generic(net, ckpt_tcp_net_id);
	struct ckpt_tcp_lock *l, *n;
	int ret;

	ret = ckpt_tcp_hook_net(net);
	if (ret)
		return ret;
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	spin_lock_bh(&ckpt_tcp_locks_lock);
	l = ckpt_tcp_lock_find(k);
	if (l && !take) {
		ret = -EEXIST;
	} else if (l) {
		*prev = l->cookie;
		WRITE_ONCE(l->cookie, cookie);
	} else if (tn->nr_locks >= CKPT_TCP_MAX_LOCKS) {
		ret = -ENOSPC;
	} else {
		n->key = *k;
		n->cookie = cookie;
		hash_add_rcu(ckpt_tcp_locks, &n->node, ckpt_tcp_hash(k));
		tn->nr_locks++;
		WRITE_ONCE(ckpt_tcp_nr_locks, ckpt_tcp_nr_locks + 1);
		*prev = 0;
		n = NULL;
	}
	spin_unlock_bh(&ckpt_tcp_locks_lock);
	kfree(n);
	return ret;
}

/* The socket @k's lock keeps, 0: no lock */
static u64 ckpt_tcp_lock_holder(const struct ckpt_tcp_key *k)
{
	struct ckpt_tcp_lock *l;
	u64 cookie = 0;

	rcu_read_lock();
	l = ckpt_tcp_lock_find(k);
	if (l)
		cookie = READ_ONCE(l->cookie);
	rcu_read_unlock();
	return cookie;
}

/* If the socket of @cookie holds @k's lock: give it back to @prev, or lift it */
static void ckpt_tcp_lock_put(const struct ckpt_tcp_key *k, u64 cookie,
			      u64 prev)
{
	struct ckpt_tcp_lock *l;

	spin_lock_bh(&ckpt_tcp_locks_lock);
	l = ckpt_tcp_lock_find(k);
	if (l && l->cookie == cookie) {
		if (prev)
			WRITE_ONCE(l->cookie, prev);
		else
			ckpt_tcp_lock_del(l);
	}
	spin_unlock_bh(&ckpt_tcp_locks_lock);
}

static void __net_exit ckpt_tcp_net_exit(struct net *net)
{
	struct ckpt_tcp_net *tn = net_generic(net, ckpt_tcp_net_id);
	struct ckpt_tcp_lock *l;
	struct hlist_node *tmp;
	int bkt;

	spin_lock_bh(&ckpt_tcp_locks_lock);
	hash_for_each_safe(ckpt_tcp_locks, bkt, tmp, l, node)
		if (l->key.net == net)
			ckpt_tcp_lock_del(l);
	spin_unlock_bh(&ckpt_tcp_locks_lock);
	if (tn->hooked)
		nf_unregister_net_hooks(net, ckpt_tcp_hook_ops,
					ARRAY_SIZE(ckpt_tcp_hook_ops));
}

static struct pernet_operations ckpt_tcp_net_ops = {
	.exit = ckpt_tcp_net_exit,
	.id = &ckpt_tcp_net_id,
	.size = sizeof(struct ckpt_tcp_net),
};

static int __init ckpt_tcp_init(void)
{
	return register_pernet_subsys(&ckpt_tcp_net_ops);
}
device_initcall(ckpt_tcp_init);

/* The key of the connection a FILE_INET record names, in @net */
static void ckpt_tcp_key_of(const struct net *net,
			    const struct ckpt_hdr_file_inet *h,
			    struct ckpt_tcp_key *k)
{
	k->net = net;
	if (h->family == AF_INET) {
		ipv6_addr_set_v4mapped(*(__be32 *)h->laddr, &k->laddr);
		ipv6_addr_set_v4mapped(*(__be32 *)h->raddr, &k->raddr);
	} else {
		memcpy(&k->laddr, h->laddr, sizeof(k->laddr));
		memcpy(&k->raddr, h->raddr, sizeof(k->raddr));
	}
	k->lport = htons(h->lport);
	k->rport = htons(h->rport);
}

/*
 * What TCP_REPAIR_OFF does, with SO_REUSEADDR as it was (repair mode
 * replaced it). Done here, not through setsockopt(): a self restart runs
 * with the restored credentials by then; TCP_REPAIR_ON checked the
 * caller's CAP_NET_ADMIN.
 */
static void ckpt_tcp_repair_off(struct sock *sk, bool reuse, bool probe)
{
	lock_sock(sk);
	tcp_sk(sk)->repair = 0;
	sk->sk_reuse = reuse ? SK_CAN_REUSE : SK_NO_REUSE;
	if (probe)
		tcp_send_window_probe(sk);
	release_sock(sk);
}

/* ---- checkpoint -------------------------------------------------------- */

#define CKPT_TCP_IN_REPAIR \
	"is a TCP connection in repair mode (locked by a checkpoint with CHECKPOINT_NET_LOCK?): not supported"

/**
 * ckpt_tcp_unsaved() - why a TCP connection cannot be saved
 * @sk: an ESTABLISHED TCP socket, locked (lock_sock())
 *
 * Return: a reason for the log line, after "fd N of pid P: socket:[I] ",
 * or NULL.
 */
const char *ckpt_tcp_unsaved(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->repair)
		return CKPT_TCP_IN_REPAIR;
	if (READ_ONCE(sk->sk_shutdown))
		return "is a TCP connection shut down for reading: not supported yet";
	if (tp->urg_data || after(tp->snd_up, tp->snd_una))
		return "is a TCP connection with urgent data: not supported yet";
	if (inet_csk(sk)->icsk_ulp_ops)
		return "is a TCP connection with an upper-layer protocol (kTLS?): not supported";
	if (sk_is_mptcp(sk))
		return "is a subflow of an MPTCP connection: not supported";
#ifdef CONFIG_TCP_MD5SIG
	if (rcu_access_pointer(tp->md5sig_info))
		return "is a TCP connection signed with TCP_MD5SIG: not supported";
#endif
#ifdef CONFIG_TCP_AO
	if (rcu_access_pointer(tp->ao_info))
		return "is a TCP connection authenticated with TCP-AO: not supported";
#endif
	if (tp->fastopen_req || rcu_access_pointer(tp->fastopen_rsk))
		return "is a TCP connection whose Fast Open is under way: not supported yet";
	if (tp->write_seq - tp->snd_una > CKPT_TCP_QUEUE_MAX ||
	    tp->rcv_nxt - tp->copied_seq > CKPT_TCP_QUEUE_MAX)
		return "is a TCP connection with more than 32 MiB queued: not supported";
	return NULL;
}

/*
 * Copy the bytes from @from on of @skb, a segment of @seq to @end_seq
 * (SYN and FIN not counted), to @buf + *@pos, at most @len in all.
 */
static bool ckpt_tcp_copy_seg(struct sk_buff *skb, u32 seq, u32 end_seq,
			      u32 from, u8 *buf, u32 len, u32 *pos)
{
	u32 start = after(from, seq) ? from : seq;
	u32 n;

	if (!after(end_seq, start))
		return true;
	n = end_seq - start;
	if (n > len - *pos)
		return false;
	if (skb_copy_bits(skb, start - seq, buf + *pos, n))
		return false;
	*pos += n;
	return true;
}

static bool ckpt_tcp_copy_sndq(struct sock *sk, u8 *buf, u32 len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	u32 pos = 0;

	skb_rbtree_walk(skb, &sk->tcp_rtx_queue) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (cb->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN) ||
		    !ckpt_tcp_copy_seg(skb, cb->seq, cb->end_seq, tp->snd_una,
				       buf, len, &pos))
			return false;
	}
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (cb->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN) ||
		    !ckpt_tcp_copy_seg(skb, cb->seq, cb->end_seq, tp->snd_una,
				       buf, len, &pos))
			return false;
	}
	return pos == len;
}

static bool ckpt_tcp_copy_rcvq(struct sock *sk, u8 *buf, u32 len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	u32 pos = 0;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
		u32 seq = cb->seq, end_seq = cb->end_seq;

		/* the data of a SYN (Fast Open) starts after it */
		if (cb->tcp_flags & TCPHDR_SYN)
			seq++;
		if (cb->tcp_flags & TCPHDR_FIN)
			return false;
		if (!ckpt_tcp_copy_seg(skb, seq, end_seq, tp->copied_seq, buf,
				       len, &pos))
			return false;
	}
	return pos == len;
}

/**
 * ckpt_tcp_snapshot() - read a TCP connection
 * @sk: an ESTABLISHED TCP socket, locked (lock_sock()), that
 *	ckpt_tcp_unsaved() accepted
 * @snap: filled: the TCP_CONN record, and its queues' bytes in a buffer
 *	  to free with ckpt_tcp_snap_free()
 *
 * Return: 0, -ENOMEM, or -EIO when the queues do not add up to the
 * sequence numbers (never seen: the line names it).
 */
int ckpt_tcp_snapshot(struct sock *sk, struct ckpt_tcp_snap *snap)
{
	struct ckpt_hdr_tcp_conn *c = &snap->c;
	struct tcp_sock *tp = tcp_sk(sk);
	int val = 0, vlen = sizeof(val);
	u32 sndq, rcvq;

	sock_owned_by_me(sk);
	memset(snap, 0, sizeof(*snap));
	c->snd_una = tp->snd_una;
	c->snd_nxt = tp->snd_nxt;
	c->write_seq = tp->write_seq;
	c->rcv_nxt = tp->rcv_nxt;
	c->copied_seq = tp->copied_seq;
	c->snd_wl1 = tp->snd_wl1;
	c->snd_wnd = tp->snd_wnd;
	c->max_window = tp->max_window;
	c->rcv_wnd = tp->rcv_wnd;
	c->rcv_wup = tp->rcv_wup;
	if (!do_tcp_getsockopt(sk, SOL_TCP, TCP_TIMESTAMP,
			       KERNEL_SOCKPTR(&val), KERNEL_SOCKPTR(&vlen)))
		c->timestamp = val;
	c->mss = tp->rx_opt.mss_clamp;
	if (tp->rx_opt.wscale_ok) {
		c->opts |= CKPT_TCP_WSCALE;
		c->snd_wscale = tp->rx_opt.snd_wscale;
		c->rcv_wscale = tp->rx_opt.rcv_wscale;
	}
	if (tcp_is_sack(tp))
		c->opts |= CKPT_TCP_SACK;
	if (tp->rx_opt.tstamp_ok)
		c->opts |= CKPT_TCP_TSTAMP;
	sndq = c->write_seq - c->snd_una;
	rcvq = c->rcv_nxt - c->copied_seq;
	snap->len = sndq + rcvq;
	if (!snap->len)
		return 0;
	snap->data = kvmalloc(snap->len, GFP_KERNEL);
	if (!snap->data)
		return -ENOMEM;
	if (!ckpt_tcp_copy_sndq(sk, snap->data, sndq) ||
	    !ckpt_tcp_copy_rcvq(sk, snap->data + sndq, rcvq))
		return -EIO;
	return 0;
}

/**
 * ckpt_tcp_snap_free() - free what ckpt_tcp_snapshot() took
 * @snap: the snapshot
 */
void ckpt_tcp_snap_free(struct ckpt_tcp_snap *snap)
{
	kvfree(snap->data);
	snap->data = NULL;
}

/**
 * ckpt_tcp_write() - write the TCP_CONN record of a snapshot
 * @ctx: checkpoint context
 * @snap: the snapshot
 *
 * Return: 0, or an error of writing the image.
 */
int ckpt_tcp_write(struct ckpt_ctx *ctx, struct ckpt_tcp_snap *snap)
{
	return ckpt_write_obj_data(ctx, &snap->c.h, CKPT_HDR_TCP_CONN,
				   sizeof(snap->c), snap->data, snap->len);
}

/**
 * struct ckpt_tcp_hold - checkpoint: a connection locked, until it ends
 * @file:	the socket's file, referenced
 * @key:	its connection
 * @cookie:	its socket's cookie
 * @prev:	the socket the lock kept before, 0: none
 * @repair:	put in repair mode
 * @reuse:	SO_REUSEADDR, which repair mode replaced
 */
struct ckpt_tcp_hold {
	struct file *file;
	struct ckpt_tcp_key key;
	u64 cookie;
	u64 prev;
	bool repair;
	bool reuse;
};

/* a failed checkpoint: the connection goes on, the peer retransmits */
static int ckpt_tcp_hold_undo(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_tcp_hold *hd = data;

	/* first: the peer's answer to the window probe must come in */
	ckpt_tcp_lock_put(&hd->key, hd->cookie, hd->prev);
	if (hd->repair)
		ckpt_tcp_repair_off(sock_from_file(hd->file)->sk, hd->reuse,
				    true);
	return 0;
}

static void ckpt_tcp_hold_free(void *data)
{
	struct ckpt_tcp_hold *hd = data;

	fput(hd->file);
	kfree(hd);
}

/* The key of @sk's connection; under lock_sock() */
static void ckpt_tcp_key_of_sk(struct sock *sk, struct ckpt_tcp_key *k)
{
	k->net = sock_net(sk);
	if (sk->sk_family == AF_INET) {
		ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, &k->laddr);
		ipv6_addr_set_v4mapped(sk->sk_daddr, &k->raddr);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		k->laddr = sk->sk_v6_rcv_saddr;
		k->raddr = sk->sk_v6_daddr;
#endif
	}
	k->lport = htons(sk->sk_num);
	k->rport = sk->sk_dport;
}

/*
 * Lock one connection of the tree: an established TCP socket of the
 * checkpointer's network namespace (a socket of another is refused when
 * its fd is reached); *@n counts them
 */
static int ckpt_tcp_lock_one(struct ckpt_ctx *ctx, struct file *file,
			     void *n)
{
	struct ckpt_tcp_hold *hd;
	struct ckpt_tcp_key key;
	u64 cookie, prev;
	struct sock *sk;
	int ret;

	/* one a process outside holds goes on: inherited, or refused */
	if (!ckpt_inet_match(file) || ckpt_file_held(ctx, file) ||
	    ckpt_file_outside(ctx, file))
		return 0;
	sk = sock_from_file(file)->sk;
	if (sk->sk_protocol != IPPROTO_TCP || sk->sk_type != SOCK_STREAM ||
	    READ_ONCE(sk->sk_state) != TCP_ESTABLISHED ||
	    sock_net(sk) != current->nsproxy->net_ns)
		return 0;
	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN)) {
		ckpt_log(ctx, -EPERM,
			 "socket:[%lu]: CHECKPOINT_NET_LOCK puts TCP connections in repair mode, which needs CAP_NET_ADMIN in their network namespace",
			 sock_i_ino(sk));
		return -EPERM;
	}
	hd = kzalloc(sizeof(*hd), GFP_KERNEL);
	if (!hd)
		return -ENOMEM;
	hd->file = get_file(file);
	lock_sock(sk);
	ckpt_tcp_key_of_sk(sk, &hd->key);
	hd->reuse = sk->sk_reuse;
	release_sock(sk);
	hd->cookie = sock_gen_cookie(sk);
	ret = ckpt_tcp_lock_set(sock_net(sk), &hd->key, hd->cookie, true,
				&hd->prev);
	if (ret) {
		if (ret == -ENOSPC)
			ckpt_log(ctx, ret,
				 "socket:[%lu]: more than 65536 TCP connections locked in its network namespace: restart or end some first",
				 sock_i_ino(sk));
		ckpt_tcp_hold_free(hd);
		return ret;
	}
	key = hd->key;
	cookie = hd->cookie;
	prev = hd->prev;
	/* on -ENOMEM, hd was freed */
	ret = ckpt_undo_add(ctx, ckpt_tcp_hold_undo, ckpt_tcp_hold_free, hd);
	if (ret) {
		ckpt_tcp_lock_put(&key, cookie, prev);
		return ret;
	}
	ret = xa_err(xa_store(&ctx->net_locks, (unsigned long)file, hd,
			      GFP_KERNEL));
	if (!ret)
		(*(unsigned int *)n)++;
	return ret;
}

/**
 * ckpt_tcp_lock_tree() - CHECKPOINT_NET_LOCK: make the stack drop what the
 *			  peers of the tree's TCP connections send
 * @ctx: checkpoint context, the tree's files scanned
 *
 * Before any connection is read: once this returns, no packet the stack
 * received before is on its way to one of them but in its backlog (which
 * lock_sock() and sk_flush_backlog() process), and none after will reach
 * them. Each lock is undone if the checkpoint fails. One grace period for
 * all.
 *
 * Return: 0, -EPERM (with a log line) without CAP_NET_ADMIN in a
 * connection's network namespace, -ENOSPC (with a log line) past
 * CKPT_TCP_MAX_LOCKS locks, -ENOMEM, or an error of registering the
 * netfilter hook.
 */
int ckpt_tcp_lock_tree(struct ckpt_ctx *ctx)
{
	unsigned int n = 0;
	int ret;

	if (!(ctx->flags & CHECKPOINT_NET_LOCK))
		return 0;
	ret = ckpt_walk_tfiles(ctx, ckpt_tcp_lock_one, &n);
	/* every packet past the hook before the locks is queued by now */
	if (n)
		synchronize_net();
	return ret;
}

/**
 * ckpt_tcp_hold_of() - the lock ckpt_tcp_lock_tree() took of a socket
 * @ctx: checkpoint context
 * @file: the socket's file
 *
 * Return: the lock, or NULL.
 */
struct ckpt_tcp_hold *ckpt_tcp_hold_of(struct ckpt_ctx *ctx,
				       struct file *file)
{
	return xa_load(&ctx->net_locks, (unsigned long)file);
}

/**
 * ckpt_tcp_hold_repair() - CHECKPOINT_NET_LOCK: a connection read, put
 *			    it in repair mode, so that its close says nothing
 * @ctx: checkpoint context
 * @e: the socket's fd entry
 * @hd: what ckpt_tcp_lock() returned
 *
 * Return: 0, or the error of setsockopt(TCP_REPAIR) (with a log line).
 */
int ckpt_tcp_hold_repair(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			 struct ckpt_tcp_hold *hd)
{
	int ret;

	ret = ckpt_sock_setopt(sock_from_file(e->file), SOL_TCP, TCP_REPAIR,
			       TCP_REPAIR_ON);
	if (ret) {
		ckpt_log(ctx, ret,
			 "fd %u of pid %d: cannot put the TCP connection in repair mode",
			 e->fd, ctx->cur->pids.pid);
		return ret;
	}
	hd->repair = true;
	return 0;
}

/* ---- restart ----------------------------------------------------------- */

/*
 * The largest window a peer can offer or be offered, as the window field
 * scaled by the largest scale.
 */
#define CKPT_TCP_WINDOW_MAX	(65535U << TCP_MAX_WSCALE)

/**
 * ckpt_tcp_conn_ok() - the pure checks of a TCP_CONN record
 * @c: the record, its length checked against its fixed struct
 *
 * The checks the repair interface makes (windows, scales), and what it
 * leaves to its caller: an MSS the stack can use, queues that match the
 * sequence numbers and the record's length.
 *
 * Return: whether restart may use it.
 */
bool ckpt_tcp_conn_ok(const struct ckpt_hdr_tcp_conn *c)
{
	u32 sndq = c->write_seq - c->snd_una;
	u32 rcvq = c->rcv_nxt - c->copied_seq;
	u32 wmax = c->opts & CKPT_TCP_WSCALE ? CKPT_TCP_WINDOW_MAX : 65535;

	if (c->opts & ~CKPT_TCP_OPTS_MASK || c->__reserved)
		return false;
	if (sndq > CKPT_TCP_QUEUE_MAX || rcvq > CKPT_TCP_QUEUE_MAX ||
	    c->snd_nxt - c->snd_una > sndq)
		return false;
	if (c->h.len != ALIGN(sizeof(*c) + (u64)sndq + rcvq, 8))
		return false;
	if (c->mss < TCP_MIN_SND_MSS)
		return false;
	if (c->opts & CKPT_TCP_WSCALE ?
	    c->snd_wscale > TCP_MAX_WSCALE || c->rcv_wscale > TCP_MAX_WSCALE :
	    c->snd_wscale || c->rcv_wscale)
		return false;
	/* as TCP_REPAIR_WINDOW checks them */
	if (c->max_window < c->snd_wnd || c->max_window > wmax ||
	    c->rcv_wnd > wmax)
		return false;
	if (after(c->snd_wl1, c->rcv_nxt + c->rcv_wnd) ||
	    after(c->rcv_wup, c->rcv_nxt))
		return false;
	return true;
}

/**
 * struct ckpt_tcp_rst - restart: a TCP connection being made again
 * @c:		its TCP_CONN record, then its queues' bytes
 * @file:	its socket's file, referenced by ckpt_tcp_restore()
 * @key:	its connection, in the restarter's network namespace
 * @cookie:	its socket's cookie
 * @prev:	the socket the lock kept before (a checkpoint's), 0: none
 * @locked:	the lock is this socket's (else a checkpoint's, to take
 *		over once its socket is gone)
 * @reuse:	SO_REUSEADDR, which repair mode replaced
 */
struct ckpt_tcp_rst {
	struct ckpt_hdr_tcp_conn *c;
	struct file *file;
	struct ckpt_tcp_key key;
	u64 cookie;
	u64 prev;
	bool locked;
	bool reuse;
};

/**
 * ckpt_tcp_read() - read the TCP_CONN record after a FILE_INET record
 * @ctx: restart context
 * @objref: the FILE record's, for log lines
 *
 * Return: the record, to give to ckpt_tcp_prepare() or free with
 * ckpt_tcp_rst_free(); or an ERR_PTR: -EINVAL (with a log line) for a
 * malformed record, or an error of reading the image.
 */
struct ckpt_tcp_rst *ckpt_tcp_read(struct ckpt_ctx *ctx, u32 objref)
{
	struct ckpt_tcp_rst *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->c = ckpt_read_obj_var(ctx, CKPT_HDR_TCP_CONN, sizeof(*r->c));
	if (IS_ERR(r->c)) {
		int ret = PTR_ERR(r->c);

		kfree(r);
		return ERR_PTR(ret);
	}
	if (!ckpt_tcp_conn_ok(r->c)) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed TCP connection",
			 objref);
		kvfree(r->c);
		kfree(r);
		return ERR_PTR(-EINVAL);
	}
	return r;
}

/**
 * ckpt_tcp_rst_free() - drop a TCP connection ckpt_tcp_read() read
 * @r: it, or NULL
 */
void ckpt_tcp_rst_free(struct ckpt_tcp_rst *r)
{
	if (!r)
		return;
	if (r->file)
		fput(r->file);
	kvfree(r->c);
	kfree(r);
}

static int ckpt_tcp_setopt(struct socket *sock, int opt, const void *val,
			   unsigned int len)
{
	return do_sock_setsockopt(sock, false, SOL_TCP, opt,
				  KERNEL_SOCKPTR((void *)val), len);
}

/**
 * struct ckpt_tcp_unlock - restart: a lock to give back if it fails
 * @key:	the connection
 * @cookie:	the new socket's cookie
 * @prev:	the socket the lock kept before (a checkpoint's), 0: none
 */
struct ckpt_tcp_unlock {
	struct ckpt_tcp_key key;
	u64 cookie;
	u64 prev;
};

/* a failed restart: the lock goes back to the checkpoint's socket */
static int ckpt_tcp_unlock_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_tcp_unlock *u = data;

	ckpt_tcp_lock_put(&u->key, u->cookie, u->prev);
	return 0;
}

static void ckpt_tcp_unlock_free(void *data)
{
	kfree(data);
}

/* Lock @r's connection for its socket; undone if the restart fails */
static int ckpt_tcp_rst_lock(struct ckpt_ctx *ctx, struct net *net,
			     u32 objref, struct ckpt_tcp_rst *r, bool take)
{
	struct ckpt_tcp_unlock *u;
	int ret;

	ret = ckpt_tcp_lock_set(net, &r->key, r->cookie, take, &r->prev);
	if (ret) {
		if (ret == -ENOSPC)
			ckpt_log(ctx, ret,
				 "file record %u: more than 65536 TCP connections locked in the restarter's network namespace",
				 objref);
		return ret;
	}
	r->locked = true;
	u = kmalloc(sizeof(*u), GFP_KERNEL);
	if (u) {
		u->key = r->key;
		u->cookie = r->cookie;
		u->prev = r->prev;
	}
	/* on -ENOMEM, u was freed */
	ret = u ? ckpt_undo_add(ctx, ckpt_tcp_unlock_run, ckpt_tcp_unlock_free,
				u) : -ENOMEM;
	if (ret)
		ckpt_tcp_lock_put(&r->key, r->cookie, r->prev);
	return ret;
}

/**
 * ckpt_tcp_repair_on() - put a new TCP socket in repair mode, its packets
 *			  locked out
 * @ctx: restart context
 * @file: the socket's file
 * @objref: its FILE record's, for log lines
 * @h: its FILE_INET record
 * @r: its TCP_CONN record (ckpt_tcp_read())
 *
 * Early, while the image is read: a restarter without the privilege
 * fails before anything is made, and the peer's packets are dropped from
 * now on (not answered with a RST by a stack that has no socket for
 * them yet). A lock a checkpoint in this network namespace left is kept
 * as it is, until its socket is gone (ckpt_tcp_prepare()).
 *
 * Return: 0, or -EPERM (with a log line) without CAP_NET_ADMIN in the
 * restarter's network namespace, -ENOSPC (with a log line) past
 * %CKPT_TCP_MAX_LOCKS locks there, -ENOMEM, or another error of
 * setsockopt().
 */
int ckpt_tcp_repair_on(struct ckpt_ctx *ctx, struct file *file, u32 objref,
		       const struct ckpt_hdr_file_inet *h,
		       struct ckpt_tcp_rst *r)
{
	struct sock *sk = sock_from_file(file)->sk;
	int on = TCP_REPAIR_ON, ret;

	ret = ckpt_tcp_setopt(sock_from_file(file), TCP_REPAIR, &on,
			      sizeof(on));
	if (ret) {
		ckpt_log(ctx, ret,
			 "file record %u: a TCP connection is made again in repair mode (TCP_REPAIR), which needs CAP_NET_ADMIN in the restarter's network namespace",
			 objref);
		return ret;
	}
	r->reuse = h->flags & CKPT_INET_REUSEADDR;
	ckpt_tcp_key_of(sock_net(sk), h, &r->key);
	r->cookie = sock_gen_cookie(sk);
	ret = ckpt_tcp_rst_lock(ctx, sock_net(sk), objref, r, false);
	return ret == -EEXIST ? 0 : ret;
}

/* how long restart waits for the checkpointed connection to be closed */
#define CKPT_TCP_WAIT_MS	10000

/*
 * The checkpointed socket, in repair mode, goes when its tree is killed:
 * a migration through a pipe reaches this point as soon as the image is
 * read, when the checkpoint returns and the coordinator kills the tree.
 * Its lock stays its own until then: packets a live socket would take
 * are dropped.
 */
static int ckpt_tcp_wait_gone(struct ckpt_ctx *ctx, struct net *net,
			      u32 objref, struct ckpt_tcp_rst *r)
{
	unsigned int waited = 0;
	u64 holder;

	while ((holder = ckpt_tcp_lock_holder(&r->key)) &&
	       ckpt_tcp_owner(net, 0, &r->key) == holder) {
		if (waited >= CKPT_TCP_WAIT_MS) {
			ckpt_log(ctx, -EADDRNOTAVAIL,
				 "file record %u: the checkpointed TCP connection is still open after 10 s (was its tree killed?)",
				 objref);
			return -EADDRNOTAVAIL;
		}
		if (msleep_interruptible(20))
			return -EINTR;
		waited += 20;
	}
	return 0;
}

/**
 * ckpt_tcp_prepare() - before bind(): a TCP connection's lock, its sequence
 *			numbers
 * @ctx: restart context
 * @file: the socket's file, in repair mode (ckpt_tcp_repair_on())
 * @objref: its FILE record's, for log lines
 * @r: its TCP_CONN record
 *
 * Once the image was read: the lock a checkpoint in this network
 * namespace left is taken over once the socket it kept is gone; it goes
 * back as it was if the restart fails.
 *
 * Return: 0, -EADDRNOTAVAIL (with a log line) when the checkpointed
 * connection is still open after %CKPT_TCP_WAIT_MS, -EINTR, -ENOSPC
 * (with a log line) past %CKPT_TCP_MAX_LOCKS locks, -ENOMEM, or another
 * error of setsockopt() (with a log line).
 */
int ckpt_tcp_prepare(struct ckpt_ctx *ctx, struct file *file, u32 objref,
		     struct ckpt_tcp_rst *r)
{
	struct socket *sock = sock_from_file(file);
	struct net *net = sock_net(sock->sk);
	int q, ret = 0;

	if (!r->locked)
		ret = ckpt_tcp_wait_gone(ctx, net, objref, r) ?:
		      ckpt_tcp_rst_lock(ctx, net, objref, r, true);
	if (ret)
		return ret;
	q = TCP_SEND_QUEUE;
	ret = ckpt_tcp_setopt(sock, TCP_REPAIR_QUEUE, &q, sizeof(q)) ?:
	      ckpt_tcp_setopt(sock, TCP_QUEUE_SEQ, &r->c->snd_una,
			      sizeof(r->c->snd_una));
	if (!ret) {
		q = TCP_RECV_QUEUE;
		ret = ckpt_tcp_setopt(sock, TCP_REPAIR_QUEUE, &q, sizeof(q)) ?:
		      ckpt_tcp_setopt(sock, TCP_QUEUE_SEQ, &r->c->copied_seq,
				      sizeof(r->c->copied_seq));
	}
	if (ret)
		ckpt_log(ctx, ret,
			 "file record %u: cannot set the TCP connection's sequence numbers",
			 objref);
	return ret;
}

/* Write @len bytes from @buf to the queue repair mode names */
static int ckpt_tcp_fill_queue(struct socket *sock, int queue, u8 *buf,
			       u32 len)
{
	int ret;

	ret = ckpt_tcp_setopt(sock, TCP_REPAIR_QUEUE, &queue, sizeof(queue));
	while (!ret && len) {
		struct kvec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr msg = { .msg_flags = MSG_DONTWAIT };

		ret = kernel_sendmsg(sock, &msg, &iov, 1, len);
		if (ret > 0) {
			buf += ret;
			len -= ret;
			ret = 0;
		} else if (!ret || ret == -EAGAIN) {
			ret = -ENOMEM;
		}
	}
	return ret;
}

/*
 * A buffer never set grows with the connection, up to the sysctl's
 * bound: as far as the queue needs, as the stack's own tuning would.
 */
static void ckpt_tcp_grow_bufs(struct sock *sk,
			       const struct ckpt_hdr_file_inet *h, u32 sndq,
			       u32 rcvq)
{
	const struct net *net = sock_net(sk);
	u64 want;

	lock_sock(sk);
	if (!(h->flags & CKPT_INET_SNDBUF_LOCK)) {
		want = min_t(u64, 2ULL * sndq + h->sndbuf,
			     READ_ONCE(net->ipv4.sysctl_tcp_wmem[2]));
		if (want > sk->sk_sndbuf)
			WRITE_ONCE(sk->sk_sndbuf, want);
	}
	if (!(h->flags & CKPT_INET_RCVBUF_LOCK)) {
		want = min_t(u64, 2ULL * rcvq + h->rcvbuf,
			     READ_ONCE(net->ipv4.sysctl_tcp_rmem[2]));
		if (want > sk->sk_rcvbuf)
			WRITE_ONCE(sk->sk_rcvbuf, want);
	}
	release_sock(sk);
}

/*
 * Just before the tree runs: the connection speaks again, its timers
 * armed as the stack arms them (what it queued as sent is retransmitted
 * after an RTO, unless the window probe's answer acknowledges it first)
 */
static int ckpt_tcp_go(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_tcp_rst *r = data;
	struct sock *sk = sock_from_file(r->file)->sk;

	ckpt_tcp_lock_put(&r->key, r->cookie, 0);
	lock_sock(sk);
	if (tcp_sk(sk)->packets_out)
		tcp_rearm_rto(sk);
	if (sock_flag(sk, SOCK_KEEPOPEN))
		inet_csk_reset_keepalive_timer(sk,
					       keepalive_time_when(tcp_sk(sk)));
	release_sock(sk);
	ckpt_tcp_repair_off(sk, r->reuse, true);
	return 0;
}

static void ckpt_tcp_go_free(void *data)
{
	ckpt_tcp_rst_free(data);
}

/**
 * ckpt_tcp_restore() - a TCP socket connected in repair mode: its state
 * @ctx: restart context
 * @file: the socket's file
 * @objref: its FILE record's, for log lines
 * @h: its FILE_INET record
 * @r: what ckpt_tcp_prepare() set up; owned by the restart from now on
 *
 * The options the handshake agreed, the timestamp clock, the two queues,
 * the windows. The socket leaves repair mode, and its lock is lifted,
 * once nothing can fail the restart any more.
 *
 * Return: 0, -ENOMEM (with a log line) when a queue does not fit in the
 * socket's buffer, or another error of setsockopt() or of queueing
 * (with a log line).
 */
int ckpt_tcp_restore(struct ckpt_ctx *ctx, struct file *file, u32 objref,
		     const struct ckpt_hdr_file_inet *h,
		     struct ckpt_tcp_rst *r)
{
	const struct ckpt_hdr_tcp_conn *c = r->c;
	struct socket *sock = sock_from_file(file);
	struct tcp_repair_window win = {
		.snd_wl1 = c->snd_wl1,
		.snd_wnd = c->snd_wnd,
		.max_window = c->max_window,
		.rcv_wnd = c->rcv_wnd,
		.rcv_wup = c->rcv_wup,
	};
	struct tcp_repair_opt opts[4];
	u32 sndq = c->write_seq - c->snd_una;
	u32 rcvq = c->rcv_nxt - c->copied_seq;
	u8 *data = (u8 *)(c + 1);
	int n = 0, ret;
	const char *what;

	if (READ_ONCE(sock->sk->sk_state) != TCP_ESTABLISHED) {
		ckpt_log(ctx, -EINVAL,
			 "file record %u: the TCP connection is not ESTABLISHED in repair mode",
			 objref);
		ckpt_tcp_rst_free(r);
		return -EINVAL;
	}
	opts[n++] = (struct tcp_repair_opt){ TCPOPT_MSS, c->mss };
	/* without scaling: scales of 0, as a connection without them has */
	opts[n++] = (struct tcp_repair_opt){ TCPOPT_WINDOW,
		c->snd_wscale | (u32)c->rcv_wscale << 16 };
	if (c->opts & CKPT_TCP_SACK)
		opts[n++] = (struct tcp_repair_opt){ TCPOPT_SACK_PERM, 0 };
	if (c->opts & CKPT_TCP_TSTAMP)
		opts[n++] = (struct tcp_repair_opt){ TCPOPT_TIMESTAMP, 0 };
	what = "its options";
	ret = ckpt_tcp_setopt(sock, TCP_REPAIR_OPTIONS, opts,
			      n * sizeof(opts[0])) ?:
	      ckpt_tcp_setopt(sock, TCP_TIMESTAMP, &c->timestamp,
			      sizeof(c->timestamp));
	if (!ret) {
		lock_sock(sock->sk);
		/* scales of 0 stood for none: none, as before */
		if (!(c->opts & CKPT_TCP_WSCALE))
			tcp_sk(sock->sk)->rx_opt.wscale_ok = 0;
		/* segments of the MSS agreed, not of connect()'s default */
		tcp_sync_mss(sock->sk, inet_csk(sock->sk)->icsk_pmtu_cookie);
		release_sock(sock->sk);
		ckpt_tcp_grow_bufs(sock->sk, h, sndq, rcvq);
		what = "the bytes it had received and not read";
		ret = ckpt_tcp_fill_queue(sock, TCP_RECV_QUEUE, data + sndq,
					  rcvq);
	}
	if (!ret) {
		what = "the bytes it had written and the peer not acknowledged";
		ret = ckpt_tcp_fill_queue(sock, TCP_SEND_QUEUE, data, sndq);
	}
	if (!ret) {
		what = "its windows";
		ret = ckpt_tcp_setopt(sock, TCP_REPAIR_WINDOW, &win,
				      sizeof(win));
	}
	/* connect() chose a clamp of its own, as for a new connection */
	if (!ret && h->window_clamp) {
		what = "its window clamp (TCP_WINDOW_CLAMP)";
		ret = ckpt_tcp_setopt(sock, TCP_WINDOW_CLAMP, &h->window_clamp,
				      sizeof(h->window_clamp));
	}
	if (ret) {
		ckpt_log(ctx, ret,
			 "file record %u: cannot give the TCP connection %s again%s",
			 objref, what,
			 ret == -ENOMEM ? " (more than its buffer takes?)" : "");
		ckpt_tcp_rst_free(r);
		return ret;
	}
	/*
	 * Queueing the bytes as sent armed the retransmit timer: nothing is
	 * sent until the tree runs (ckpt_tcp_go() arms it again), nor does
	 * keepalive probe
	 */
	lock_sock(sock->sk);
	inet_csk_clear_xmit_timers(sock->sk);
	inet_csk_delete_keepalive_timer(sock->sk);
	release_sock(sock->sk);
	r->file = get_file(file);
	return ckpt_on_release_add(ctx, ckpt_tcp_go, ckpt_tcp_go_free, r);
}

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST
#include <kunit/test.h>

struct ckpt_tcp_conn_test {
	const char *desc;
	struct ckpt_hdr_tcp_conn c;
	bool ok;
};

/*
 * A TCP_CONN record: 10 bytes written (4 of them sent, none
 * acknowledged), 6 received and not read, all options
 */
#define CKPT_TEST_CONN(...)						\
	{ .h.len = 80, .snd_una = 1000, .snd_nxt = 1004,		\
	  .write_seq = 1010, .rcv_nxt = 5006, .copied_seq = 5000,	\
	  .snd_wl1 = 5000, .snd_wnd = 65535, .max_window = 65535,	\
	  .rcv_wnd = 65483, .rcv_wup = 5000, .mss = 65483,		\
	  .snd_wscale = 7, .rcv_wscale = 7, .opts = CKPT_TCP_OPTS_MASK,	\
	  __VA_ARGS__ }

static const struct ckpt_tcp_conn_test ckpt_tcp_conn_tests[] = {
	{ "a connection", CKPT_TEST_CONN(), true },
	{ "queues empty",
	  CKPT_TEST_CONN(.h.len = 64, .snd_nxt = 1000, .write_seq = 1000,
			 .rcv_nxt = 5000), true },
	{ "sequence numbers wrapping",
	  CKPT_TEST_CONN(.snd_una = 0xfffffffe, .snd_nxt = 2, .write_seq = 8,
			 .rcv_nxt = 2, .copied_seq = 0xfffffffc,
			 .snd_wl1 = 0xfffffffc, .rcv_wup = 0xfffffffc), true },
	{ "length one short", CKPT_TEST_CONN(.h.len = 72) },
	{ "length one long", CKPT_TEST_CONN(.h.len = 88) },
	{ "sent past written", CKPT_TEST_CONN(.snd_nxt = 1011) },
	{ "sent all", CKPT_TEST_CONN(.snd_nxt = 1010), true },
	{ "sent before acknowledged", CKPT_TEST_CONN(.snd_nxt = 999) },
	{ "send queue wrapped backwards",
	  CKPT_TEST_CONN(.write_seq = 999, .snd_nxt = 999) },
	{ "receive queue wrapped backwards",
	  CKPT_TEST_CONN(.rcv_nxt = 4999) },
	{ "send queue of 32 MiB",
	  CKPT_TEST_CONN(.h.len = ALIGN(64 + (32 << 20) + 6, 8),
			 .write_seq = 1000 + (32 << 20)), true },
	{ "send queue past 32 MiB",
	  CKPT_TEST_CONN(.h.len = ALIGN(64 + (32 << 20) + 7, 8),
			 .write_seq = 1001 + (32 << 20)) },
	{ "receive queue past 32 MiB",
	  CKPT_TEST_CONN(.h.len = ALIGN(64 + 10 + (32 << 20) + 1, 8),
			 .rcv_nxt = 5001 + (32 << 20)) },
	{ "MSS 48", CKPT_TEST_CONN(.mss = 48), true },
	{ "MSS 47", CKPT_TEST_CONN(.mss = 47) },
	{ "MSS 0", CKPT_TEST_CONN(.mss = 0) },
	{ "scales 14", CKPT_TEST_CONN(.snd_wscale = 14, .rcv_wscale = 14),
	  true },
	{ "send scale 15", CKPT_TEST_CONN(.snd_wscale = 15) },
	{ "receive scale 15", CKPT_TEST_CONN(.rcv_wscale = 15) },
	{ "scales without scaling",
	  CKPT_TEST_CONN(.opts = CKPT_TCP_SACK | CKPT_TCP_TSTAMP) },
	{ "no scaling, windows of 65535",
	  CKPT_TEST_CONN(.opts = 0, .snd_wscale = 0, .rcv_wscale = 0),
	  true },
	{ "no scaling, a window of 65536",
	  CKPT_TEST_CONN(.opts = 0, .snd_wscale = 0, .rcv_wscale = 0,
			 .rcv_wnd = 65536) },
	{ "scaled windows at the largest",
	  CKPT_TEST_CONN(.snd_wnd = 65535U << 14, .max_window = 65535U << 14,
			 .rcv_wnd = 65535U << 14), true },
	{ "a receive window past the largest",
	  CKPT_TEST_CONN(.rcv_wnd = (65535U << 14) + 1) },
	{ "max_window below snd_wnd", CKPT_TEST_CONN(.max_window = 65534) },
	{ "snd_wl1 past the receive window",
	  CKPT_TEST_CONN(.snd_wl1 = 5006 + 65483 + 1) },
	{ "snd_wl1 at the end of the receive window",
	  CKPT_TEST_CONN(.snd_wl1 = 5006 + 65483), true },
	{ "rcv_wup past rcv_nxt", CKPT_TEST_CONN(.rcv_wup = 5007) },
	{ "rcv_wup at rcv_nxt", CKPT_TEST_CONN(.rcv_wup = 5006), true },
	{ "an unknown option", CKPT_TEST_CONN(.opts = 0x8 | CKPT_TCP_WSCALE) },
	{ "reserved", CKPT_TEST_CONN(.__reserved = 1) },
};

static void ckpt_tcp_conn_desc(const struct ckpt_tcp_conn_test *t,
			       char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ckpt_tcp_conn, ckpt_tcp_conn_tests, ckpt_tcp_conn_desc);

static void ckpt_test_tcp_conn_ok(struct kunit *test)
{
	const struct ckpt_tcp_conn_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_tcp_conn_ok(&t->c), t->ok);
}

static struct kunit_case ckpt_tcp_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_tcp_conn_ok, ckpt_tcp_conn_gen_params),
	{}
};

static struct kunit_suite ckpt_tcp_test_suite = {
	.name = "ckpt_tcp",
	.test_cases = ckpt_tcp_test_cases,
};

kunit_test_suite(ckpt_tcp_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
