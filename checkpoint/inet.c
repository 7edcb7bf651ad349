// SPDX-License-Identifier: GPL-2.0-only
/*
 * TCP and UDP sockets of AF_INET and AF_INET6.
 *
 * A socket is saved as getsockname(), getpeername() and getsockopt()
 * would report it: its family and protocol, its state, the address and
 * port it is bound to (and whether bind() or the kernel chose them), the
 * peer of a connected UDP socket, a listener's backlog, and the options
 * a server or a client sets. Restart makes it again in the restarter's
 * network namespace with socket(), gives it its options through
 * setsockopt(), binds it to the same address and port through bind(),
 * and makes it listen or connects it through listen() and connect(): the
 * permission checks (a port below 1024, a mark, a forced buffer size,
 * IP_TRANSPARENT), limits and LSM hooks of those calls apply to the
 * restarter, and a port taken since fails the restart with a line.
 *
 * Saved: TCP sockets never connected (bound or not), listeners whose
 * accept queue is empty and established connections (tcp.c: a TCP_CONN
 * record after the FILE_INET, made again in repair mode just before the
 * tree runs); UDP sockets bound or not, connected or not, with
 * the datagrams they have not read: each an INET_DGRAM record with its
 * bytes and what recvmsg() reports of its packet (sender, IP_PKTINFO,
 * TOS, TTL), queued again before the tree runs as the stack queues a
 * packet, with a header built to report the same. Refused with a line:
 * TCP connections in other states, a listener with connections not
 * accepted yet (or being set up), a UDP socket with data corked, a
 * datagram with IP
 * options or extension headers, a pending error, options that are not
 * saved (multicast, IP options, timestamps, filters, a bound device,
 * TCP_CONGESTION...), a socket of another network namespace.
 *
 * A connection a client completes after its listener was saved is lost
 * with the checkpointed tree when it is killed, as with a crash: the
 * client sees it reset.
 */
#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/security.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/busy_poll.h>
#include <net/dsfield.h>
#include <net/inet_connection_sock.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/sock_reuseport.h>
#include <net/tcp.h>
#include <net/udp.h>
#include "internal.h"

#define CKPT_INET_FILE_FLAGS	(O_ACCMODE | O_NONBLOCK)

/* sk_flags set by setsockopt() that are not saved */
#define CKPT_INET_UNSAVED_FLAGS						\
	(BIT(SOCK_TIMESTAMP) | BIT(SOCK_DBG) | BIT(SOCK_RCVTSTAMP) |	\
	 BIT(SOCK_RCVTSTAMPNS) | BIT(SOCK_LOCALROUTE) |			\
	 BIT(SOCK_TIMESTAMPING_RX_SOFTWARE) | BIT(SOCK_RXQ_OVFL) |	\
	 BIT(SOCK_ZEROCOPY) | BIT(SOCK_WIFI_STATUS) | BIT(SOCK_NOFCS) |	\
	 BIT(SOCK_FILTER_LOCKED) | BIT(SOCK_SELECT_ERR_QUEUE) |		\
	 BIT(SOCK_TXTIME) | BIT(SOCK_TSTAMP_NEW) | BIT(SOCK_RCVMARK))

/* why a socket is refused, after "fd N of pid P: socket:[I] " */
#define CKPT_INET_UDP_CORKED \
	"is a UDP socket with data corked or a UDP option that is not saved: not supported yet"
#define CKPT_INET_NOT_ACCEPTED \
	"is a listening TCP socket with connections not accepted yet: not supported yet"
#define CKPT_INET_SYN_RECV \
	"is a listening TCP socket with a connection being set up (SYN_RECV): not supported yet"
#define CKPT_INET_ENDED \
	"is a TCP socket whose connection ended: not supported yet"

#define CKPT_INET_DGRAM_CSUM \
	"is a UDP socket with a datagram whose checksum is not checked yet: not supported yet"
#define CKPT_INET_DGRAM_BIG \
	"is a UDP socket with a datagram of more than 65527 bytes queued: not supported"
#define CKPT_INET_DGRAM_IPOPT \
	"is a UDP socket with a datagram with IP options queued: not supported yet"
#define CKPT_INET_DGRAM_EXTHDR \
	"is a UDP socket with a datagram with IPv6 extension headers queued: not supported yet"

/* the largest backlog restart accepts; listen() caps it at somaxconn */
#define CKPT_INET_BACKLOG_MAX	INT_MAX

/*
 * The inet_flags bits that are saved, each an option set again with
 * setsockopt(); the multicast ones keep their defaults (else refused),
 * IS_ICSK and REPFLOW are the socket's own.
 */
static const struct {
	u8 bit;
	u16 flag;
	bool ipv6;
	int opt;
} ckpt_inet_ip_opts[] = {
	{ INET_FLAGS_PKTINFO, CKPT_INET_IP_PKTINFO, false, IP_PKTINFO },
	{ INET_FLAGS_TTL, CKPT_INET_IP_RECVTTL, false, IP_RECVTTL },
	{ INET_FLAGS_TOS, CKPT_INET_IP_RECVTOS, false, IP_RECVTOS },
	{ INET_FLAGS_RECVOPTS, CKPT_INET_IP_RECVOPTS, false, IP_RECVOPTS },
	{ INET_FLAGS_RETOPTS, CKPT_INET_IP_RETOPTS, false, IP_RETOPTS },
	{ INET_FLAGS_ORIGDSTADDR, CKPT_INET_IP_ORIGDSTADDR, false,
	  IP_RECVORIGDSTADDR },
	{ INET_FLAGS_RECVERR, CKPT_INET_IP_RECVERR, false, IP_RECVERR },
	{ INET_FLAGS_FREEBIND, CKPT_INET_IP_FREEBIND, false, IP_FREEBIND },
	{ INET_FLAGS_TRANSPARENT, CKPT_INET_IP_TRANSPARENT, false,
	  IP_TRANSPARENT },
	{ INET_FLAGS_BIND_ADDRESS_NO_PORT, CKPT_INET_IP_BIND_NO_PORT, false,
	  IP_BIND_ADDRESS_NO_PORT },
	{ INET_FLAGS_RECVERR6, CKPT_INET_IPV6_RECVERR, true, IPV6_RECVERR },
};

#define CKPT_INET_OWN_FLAGS						\
	(BIT(INET_FLAGS_IS_ICSK) | BIT(INET_FLAGS_REPFLOW) |		\
	 BIT(INET_FLAGS_MC_LOOP) | BIT(INET_FLAGS_MC_ALL) |		\
	 BIT(INET_FLAGS_MC6_LOOP) | BIT(INET_FLAGS_MC6_ALL))

/* the multicast bits of a new socket of @family */
static unsigned long ckpt_inet_mc_default(u32 family)
{
	if (family == AF_INET)
		return BIT(INET_FLAGS_MC_LOOP) | BIT(INET_FLAGS_MC_ALL);
	return BIT(INET_FLAGS_MC_LOOP) | BIT(INET_FLAGS_MC6_LOOP) |
	       BIT(INET_FLAGS_MC6_ALL);
}

static const char *const ckpt_inet_states[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV", [TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2", [TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE", [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK", [TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

/**
 * ckpt_inet_match() - is @file a TCP or UDP socket of AF_INET or AF_INET6?
 * @file: an open file
 *
 * Return: true for the sockets inet.c saves (inherit.c refuses other
 * inet sockets with their protocol).
 */
bool ckpt_inet_match(struct file *file)
{
	struct socket *sock = sock_from_file(file);
	struct sock *sk = sock ? sock->sk : NULL;

	if (!sk || (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return false;
	return (sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP) ||
	       (sk->sk_type == SOCK_DGRAM && sk->sk_protocol == IPPROTO_UDP);
}

static bool ckpt_inet_match_file(struct file *file)
{
	return S_ISSOCK(file_inode(file)->i_mode) && ckpt_inet_match(file);
}

static bool ckpt_inet_is_tcp(const struct sock *sk)
{
	return sk->sk_protocol == IPPROTO_TCP;
}

/* IP and IPv6 options the socket has that restart would not give it */
static const char *ckpt_inet_ip_unsaved(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);
	unsigned long saved = CKPT_INET_OWN_FLAGS, mc;
	bool tcp = ckpt_inet_is_tcp(sk);
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_inet_ip_opts); i++)
		saved |= BIT(ckpt_inet_ip_opts[i].bit);
	if (READ_ONCE(inet->inet_flags) & ~saved)
		return "an IP option such as IP_PASSSEC, IPV6_DONTFRAG or IPV6_AUTOFLOWLABEL";
	mc = READ_ONCE(inet->inet_flags) & (BIT(INET_FLAGS_MC_LOOP) |
		BIT(INET_FLAGS_MC_ALL) | BIT(INET_FLAGS_MC6_LOOP) |
		BIT(INET_FLAGS_MC6_ALL));
	/*
	 * TCP sends no multicast, and the stack sets a connection it accepts
	 * a multicast TTL and device of its own (from its first packet): a
	 * TCP socket's multicast options are not kept, its memberships are
	 * refused
	 */
	if (rcu_access_pointer(inet->mc_list) ||
	    (!tcp && (mc != ckpt_inet_mc_default(sk->sk_family) ||
		      READ_ONCE(inet->mc_ttl) != 1 ||
		      READ_ONCE(inet->mc_index) || READ_ONCE(inet->mc_addr))))
		return "an IP multicast membership or option";
	if (rcu_access_pointer(inet->inet_opt))
		return "IP_OPTIONS";
	if (READ_ONCE(inet->min_ttl))
		return "IP_MINTTL";
	if (READ_ONCE(inet->uc_index))
		return "IP_UNICAST_IF";
	if (READ_ONCE(inet->local_port_range))
		return "IP_LOCAL_PORT_RANGE";
#if IS_ENABLED(CONFIG_IPV6)
	/* a new socket has the namespace's net.ipv6.flowlabel_reflect */
	if (sk->sk_family == AF_INET6 &&
	    inet6_test_bit(REPFLOW, sk) !=
	    !!(READ_ONCE(sock_net(sk)->ipv6.sysctl.flowlabel_reflect) &
	       FLOWLABEL_REFLECT_ESTABLISHED))
		return "IPV6_FLOWLABEL_MGR's IPV6_FL_F_REFLECT";
#endif
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		struct ipv6_pinfo *np = inet6_sk(sk);
		typeof(np->rxopt) saved6 = { .all = 0 };

		saved6.bits.rxinfo = 1;
		saved6.bits.rxhlim = 1;
		saved6.bits.rxtclass = 1;
		saved6.bits.rxorigdstaddr = 1;
		if (READ_ONCE(np->rxopt.all) & ~saved6.all)
			return "an IPv6 ancillary data option such as IPV6_RECVRTHDR";
		if (rcu_access_pointer(np->ipv6_mc_list) || np->ipv6_ac_list ||
		    (!tcp && (np->mcast_hops != IPV6_DEFAULT_MCASTHOPS ||
			      np->mcast_oif)))
			return "an IPv6 multicast or anycast membership or option";
		if (rcu_access_pointer(np->opt))
			return "IPv6 extension headers (IPV6_HOPOPTS...)";
		if (rcu_access_pointer(inet->ipv6_fl_list) || np->flow_label)
			return "an IPv6 flow label";
		if (np->srcprefs)
			return "IPV6_ADDR_PREFERENCES";
		if (np->min_hopcount)
			return "IPV6_MINHOPCOUNT";
		if (np->ucast_oif)
			return "IPV6_UNICAST_IF";
		if (np->frag_size)
			return "IPV6_MTU";
		if (np->sticky_pktinfo.ipi6_ifindex ||
		    !ipv6_addr_any(&np->sticky_pktinfo.ipi6_addr))
			return "IPV6_PKTINFO";
	}
#endif
	return NULL;
}

/* TCP and UDP options the socket has that restart would not give it */
static const char *ckpt_inet_proto_unsaved(struct sock *sk)
{
	if (ckpt_inet_is_tcp(sk)) {
		struct inet_connection_sock *icsk = inet_csk(sk);
		struct tcp_sock *tp = tcp_sk(sk);

		if (icsk->icsk_ca_setsockopt)
			return "TCP_CONGESTION";
		if (icsk->icsk_ulp_ops)
			return "a TCP upper layer protocol (TCP_ULP)";
#ifdef CONFIG_TCP_MD5SIG
		if (rcu_access_pointer(tp->md5sig_info))
			return "TCP_MD5SIG";
#endif
#ifdef CONFIG_TCP_AO
		if (rcu_access_pointer(tp->ao_info))
			return "TCP_AO";
#endif
		if (tp->repair)
			return "TCP_REPAIR";
		if (tp->save_syn)
			return "TCP_SAVE_SYN";
		if (tp->tcp_tx_delay)
			return "TCP_TX_DELAY";
		if (tp->thin_lto)
			return "TCP_THIN_LINEAR_TIMEOUTS";
		if (tp->fastopen_connect || tp->fastopen_no_cookie)
			return "TCP_FASTOPEN_CONNECT or TCP_FASTOPEN_NO_COOKIE";
		if (tp->recvmsg_inq)
			return "TCP_INQ";
		if (tp->bpf_sock_ops_cb_flags)
			return "a BPF sock_ops program";
		if (icsk->icsk_accept_queue.fastopenq.ctx)
			return "TCP_FASTOPEN_KEY";
		/* listen() resets it; before, only TCP_QUICKACK sets it */
		if (sk->sk_state == TCP_CLOSE && icsk->icsk_ack.pingpong)
			return "TCP_QUICKACK";
		return NULL;
	}
	if (READ_ONCE(udp_sk(sk)->udp_flags) || READ_ONCE(udp_sk(sk)->gso_size) ||
	    READ_ONCE(udp_sk(sk)->encap_type))
		return "UDP_GRO, UDP_SEGMENT, UDP_ENCAP or UDP_NO_CHECK6";
	return NULL;
}

/* Options of any socket that restart would not give it again */
static const char *ckpt_inet_unsaved(struct sock *sk)
{
	struct sock_reuseport *reuse;
	bool prog;

	if (sk->sk_flags & CKPT_INET_UNSAVED_FLAGS)
		return "SO_TIMESTAMP or another flag";
	if (READ_ONCE(sk->sk_tsflags))
		return "SO_TIMESTAMPING";
	if (rcu_access_pointer(sk->sk_filter))
		return "a socket filter";
	if (READ_ONCE(sk->sk_bound_dev_if))
		return "SO_BINDTODEVICE or a link-local address";
	if (rcu_access_pointer(sk->sk_user_data))
		return "a BPF socket map or an encapsulation";
	if (READ_ONCE(sk->sk_max_pacing_rate) != ~0UL)
		return "SO_MAX_PACING_RATE";
#ifdef CONFIG_NET_RX_BUSY_POLL
	/* a new socket has net.core.busy_read's */
	if (READ_ONCE(sk->sk_ll_usec) != READ_ONCE(sysctl_net_busy_read) ||
	    READ_ONCE(sk->sk_prefer_busy_poll) ||
	    READ_ONCE(sk->sk_busy_poll_budget))
		return "SO_BUSY_POLL, SO_PREFER_BUSY_POLL or SO_BUSY_POLL_BUDGET";
#endif
#ifdef CONFIG_XFRM
	if (rcu_access_pointer(sk->sk_policy[0]) ||
	    rcu_access_pointer(sk->sk_policy[1]))
		return "an IPsec policy (IP_XFRM_POLICY)";
#endif
	/* a new socket has the namespace's net.core.txrehash */
	if (READ_ONCE(sk->sk_txrehash) !=
	    READ_ONCE(sock_net(sk)->core.sysctl_txrehash))
		return "SO_TXREHASH";
	if (sk->sk_no_check_tx || sk->sk_no_check_rx)
		return "SO_NO_CHECK";
	if (READ_ONCE(sk->sk_reserved_mem))
		return "SO_RESERVE_MEM";
	/* only SO_INCOMING_CPU sets it on a socket that is not connected */
	if (sk->sk_state != TCP_ESTABLISHED &&
	    READ_ONCE(sk->sk_incoming_cpu) != -1)
		return "SO_INCOMING_CPU";
	if (test_bit(SOCK_PASSCRED, &sk->sk_socket->flags) ||
	    test_bit(SOCK_PASSPIDFD, &sk->sk_socket->flags) ||
	    test_bit(SOCK_PASSSEC, &sk->sk_socket->flags))
		return "SO_PASSCRED, SO_PASSPIDFD or SO_PASSSEC";
	rcu_read_lock();
	reuse = rcu_dereference(sk->sk_reuseport_cb);
	prog = reuse && rcu_access_pointer(reuse->prog);
	rcu_read_unlock();
	if (prog)
		return "a reuseport BPF program";
	return ckpt_inet_ip_unsaved(sk) ?: ckpt_inet_proto_unsaved(sk);
}

/* Why the socket's state cannot be saved, or NULL; under lock_sock() */
static const char *ckpt_inet_unsaved_state(struct sock *sk, char *buf,
					   size_t len)
{
	u8 state = READ_ONCE(sk->sk_state);

	if (!ckpt_inet_is_tcp(sk)) {
		if (READ_ONCE(udp_sk(sk)->pending) ||
		    !skb_queue_empty_lockless(&sk->sk_write_queue))
			return CKPT_INET_UDP_CORKED;
		if (state != TCP_CLOSE && state != TCP_ESTABLISHED)
			return "is a UDP socket in an unknown state";
		if (state == TCP_ESTABLISHED && !sk->sk_dport)
			return "is a UDP socket connected to port 0: not supported";
	} else if (state == TCP_LISTEN) {
		if (READ_ONCE(sk->sk_ack_backlog))
			return CKPT_INET_NOT_ACCEPTED;
		if (inet_csk_reqsk_queue_len(sk))
			return CKPT_INET_SYN_RECV;
	} else if (state == TCP_CLOSE) {
		if (READ_ONCE(sk->sk_shutdown) && !sk->sk_dport)
			return "is a TCP socket shut down before it was connected: not supported";
		if (sk->sk_dport ||
		    !skb_queue_empty_lockless(&sk->sk_receive_queue) ||
		    !skb_queue_empty_lockless(&sk->sk_write_queue))
			return CKPT_INET_ENDED;
	} else if (state == TCP_ESTABLISHED) {
		const char *why = ckpt_tcp_unsaved(sk);

		if (why)
			return why;
	} else {
		snprintf(buf, len, "is a TCP connection (%s): not supported yet",
			 state < ARRAY_SIZE(ckpt_inet_states) &&
			 ckpt_inet_states[state] ? ckpt_inet_states[state] :
			 "?");
		return buf;
	}
	if (READ_ONCE(sk->sk_err) || READ_ONCE(sk->sk_err_soft) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		return ckpt_inet_is_tcp(sk) && state == TCP_CLOSE ?
		       CKPT_INET_ENDED :
		       "is a socket with a pending error: not supported yet";
	return NULL;
}

/*
 * How a TCP or UDP socket is saved: as the tree's own, inherited (a
 * process outside the tree holds the same open file: self checkpoint,
 * subtree) or refused.
 */
static int ckpt_inet_classify(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct sock *sk = sock_from_file(e->file)->sk;
	const char *why;
	char buf[64];

	if (ckpt_file_held(ctx, e->file))
		return ckpt_inherit_or_leak(ctx, e, CKPT_INHERIT_SOCKET,
					    "a socket shared with a process outside the tree");
	if (ckpt_file_outside(ctx, e->file))
		return ckpt_log_unsupported(ctx, e,
					    "is a TCP or UDP socket held outside the tree (in flight in a unix socket outside?): not supported");
	if (sock_net(sk) != current->nsproxy->net_ns)
		return ckpt_log_unsupported(ctx, e,
					    "is an inet socket of another network namespace: not supported yet");
	lock_sock(sk);
	why = ckpt_inet_unsaved_state(sk, buf, sizeof(buf));
	release_sock(sk);
	if (why)
		return ckpt_log_unsupported(ctx, e, why);
	why = ckpt_inet_unsaved(sk);
	if (why) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "fd %u of pid %d: inet socket has socket options that are not saved (%s): not supported yet",
			 e->fd, ctx->cur->pids.pid, why);
		return -EOPNOTSUPP;
	}
	return 0;
}

static void ckpt_inet_addrs(struct sock *sk, struct ckpt_hdr_file_inet *h)
{
	if (sk->sk_family == AF_INET) {
		memcpy(h->laddr, &sk->sk_rcv_saddr, 4);
		memcpy(h->raddr, &sk->sk_daddr, 4);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		memcpy(h->laddr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(h->raddr, &sk->sk_v6_daddr, 16);
#endif
	}
	h->lport = sk->sk_num;
	h->rport = ntohs(sk->sk_dport);
	if (h->state != TCP_ESTABLISHED) {
		memset(h->raddr, 0, sizeof(h->raddr));
		h->rport = 0;
	}
}

static void ckpt_inet_ip_opts_save(struct sock *sk,
				   struct ckpt_hdr_file_inet *h)
{
	struct inet_sock *inet = inet_sk(sk);
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_inet_ip_opts); i++)
		if (test_bit(ckpt_inet_ip_opts[i].bit, &inet->inet_flags))
			h->ip_flags |= ckpt_inet_ip_opts[i].flag;
	h->tos = READ_ONCE(inet->tos);
	h->ttl = READ_ONCE(inet->uc_ttl);
	h->pmtudisc = READ_ONCE(inet->pmtudisc);
	h->hops = -1;
	h->pmtudisc6 = IPV6_PMTUDISC_WANT;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		struct ipv6_pinfo *np = inet6_sk(sk);

		if (np->rxopt.bits.rxinfo)
			h->ip_flags |= CKPT_INET_IPV6_RECVPKTINFO;
		if (np->rxopt.bits.rxhlim)
			h->ip_flags |= CKPT_INET_IPV6_RECVHOPLIMIT;
		if (np->rxopt.bits.rxtclass)
			h->ip_flags |= CKPT_INET_IPV6_RECVTCLASS;
		if (np->rxopt.bits.rxorigdstaddr)
			h->ip_flags |= CKPT_INET_IPV6_ORIGDSTADDR;
		if (sk->sk_ipv6only)
			h->flags |= CKPT_INET_V6ONLY;
		h->tclass = READ_ONCE(np->tclass);
		h->hops = READ_ONCE(np->hop_limit);
		h->pmtudisc6 = READ_ONCE(np->pmtudisc);
	}
#endif
}

static void ckpt_inet_tcp_opts_save(struct sock *sk,
				    struct ckpt_hdr_file_inet *h)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int val = 0, len = sizeof(val);

	if (tp->nonagle & TCP_NAGLE_OFF)
		h->tcp_flags |= CKPT_INET_TCP_NODELAY;
	if (tp->nonagle & TCP_NAGLE_CORK)
		h->tcp_flags |= CKPT_INET_TCP_CORK;
	/* in seconds, as TCP_DEFER_ACCEPT takes it again */
	if (!do_tcp_getsockopt(sk, SOL_TCP, TCP_DEFER_ACCEPT,
			       KERNEL_SOCKPTR(&val), KERNEL_SOCKPTR(&len)))
		h->defer_accept = val;
	h->keepidle = READ_ONCE(tp->keepalive_time) / HZ;
	h->keepintvl = READ_ONCE(tp->keepalive_intvl) / HZ;
	h->keepcnt = READ_ONCE(tp->keepalive_probes);
	h->user_timeout = READ_ONCE(icsk->icsk_user_timeout);
	h->maxseg = READ_ONCE(tp->rx_opt.user_mss);
	h->syncnt = READ_ONCE(icsk->icsk_syn_retries);
	val = READ_ONCE(tp->linger2);
	h->linger2 = val < 0 ? -1 : val / HZ;
	h->notsent_lowat = READ_ONCE(tp->notsent_lowat);
	h->window_clamp = READ_ONCE(tp->window_clamp);
	h->fastopen = READ_ONCE(icsk->icsk_accept_queue.fastopenq.max_qlen);
}

/**
 * struct ckpt_inet_queue - checkpoint: the datagrams of a UDP socket
 * @skbs:	each referenced, in the order recvmsg() gives them
 * @nr:		how many
 */
struct ckpt_inet_queue {
	struct sk_buff **skbs;
	u32 nr;
};

static void ckpt_inet_queue_free(struct ckpt_inet_queue *q)
{
	while (q->nr)
		consume_skb(q->skbs[--q->nr]);
	kvfree(q->skbs);
	q->skbs = NULL;
}

/*
 * Take the datagrams queued on @sk (the reader's own queue first, as
 * __skb_recv_udp() does), referenced, up to as many as there were at a
 * first look: the tree is frozen, so nobody takes any, and one that comes
 * later came after the checkpoint.
 */
static int ckpt_inet_snapshot(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			      struct sock *sk, struct ckpt_inet_queue *q)
{
	struct sk_buff_head *rq = &udp_sk(sk)->reader_queue;
	struct sk_buff_head *sq = &sk->sk_receive_queue;
	struct sk_buff *skb;
	u32 want;

	want = skb_queue_len_lockless(rq) + skb_queue_len_lockless(sq);
	if (!want)
		return 0;
	if (want > CKPT_MAX_INET_DGRAMS)
		return ckpt_log_unsupported(ctx, e,
					    "is a UDP socket with more than 65536 datagrams queued: not supported");
	q->skbs = kvmalloc_array(want, sizeof(*q->skbs), GFP_KERNEL);
	if (!q->skbs)
		return -ENOMEM;
	spin_lock_bh(&rq->lock);
	spin_lock(&sq->lock);
	skb_queue_walk(rq, skb) {
		if (q->nr == want)
			break;
		q->skbs[q->nr++] = skb_get(skb);
	}
	skb_queue_walk(sq, skb) {
		if (q->nr == want)
			break;
		q->skbs[q->nr++] = skb_get(skb);
	}
	spin_unlock(&sq->lock);
	spin_unlock_bh(&rq->lock);
	return 0;
}

/*
 * The INET_DGRAM record of a queued datagram, but its bytes; or why it
 * cannot be saved.
 */
static const char *ckpt_inet_dgram_fill(struct sock *sk, struct sk_buff *skb,
					struct ckpt_hdr_inet_dgram *d)
{
	struct net_device *dev;
	struct udphdr *uh;

	if (!udp_skb_csum_unnecessary(skb))
		return CKPT_INET_DGRAM_CSUM;
	if (skb->len > CKPT_INET_DGRAM_MAX)
		return CKPT_INET_DGRAM_BIG;
	d->len = skb->len;
	if (skb->protocol == htons(ETH_P_IP)) {
		struct iphdr *iph = ip_hdr(skb);

		if (iph->ihl != 5)
			return CKPT_INET_DGRAM_IPOPT;
		d->family = AF_INET;
		d->tos = iph->tos;
		d->ttl = iph->ttl;
		memcpy(d->saddr, &iph->saddr, 4);
		memcpy(d->daddr, &iph->daddr, 4);
		d->ifindex = PKTINFO_SKB_CB(skb)->ipi_ifindex;
		memcpy(d->spec_dst, &PKTINFO_SKB_CB(skb)->ipi_spec_dst, 4);
	} else if (IS_ENABLED(CONFIG_IPV6) && sk->sk_family == AF_INET6 &&
		   skb->protocol == htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		if (ip6h->nexthdr != IPPROTO_UDP)
			return CKPT_INET_DGRAM_EXTHDR;
		d->family = AF_INET6;
		d->tos = ipv6_get_dsfield(ip6h);
		d->ttl = ip6h->hop_limit;
		d->flowlabel = ntohl(ip6_flowlabel(ip6h));
		memcpy(d->saddr, &ip6h->saddr, 16);
		memcpy(d->daddr, &ip6h->daddr, 16);
		d->ifindex = IP6CB(skb)->iif;
	} else {
		return "is a UDP socket with a datagram of an unknown protocol queued";
	}
	uh = udp_hdr(skb);
	d->sport = ntohs(uh->source);
	d->dport = ntohs(uh->dest);
	if (d->ifindex <= 0) {
		d->ifindex = 0;
		return NULL;
	}
	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(sk), d->ifindex);
	if (dev)
		strscpy(d->ifname, dev->name, sizeof(d->ifname));
	rcu_read_unlock();
	return dev ? NULL :
	       "is a UDP socket with a datagram queued from a device removed since: not supported";
}

/* The socket's datagrams, each an INET_DGRAM record after its FILE_INET */
static int ckpt_inet_write_queue(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
				 struct sock *sk, struct ckpt_inet_queue *q)
{
	u64 bytes = 0;
	void *buf;
	int ret = 0;
	u32 i;

	if (!q->nr)
		return 0;
	buf = kvmalloc(CKPT_INET_DGRAM_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; !ret && i < q->nr; i++) {
		struct ckpt_hdr_inet_dgram d = {};
		const char *why;

		why = ckpt_inet_dgram_fill(sk, q->skbs[i], &d);
		bytes += d.len;
		if (!why && bytes > CKPT_INET_QUEUE_MAX)
			why = "is a UDP socket with more than 64 MiB queued: not supported";
		if (why) {
			ret = ckpt_log_unsupported(ctx, e, why);
			break;
		}
		ret = skb_copy_bits(q->skbs[i], 0, buf, d.len) ?:
		      ckpt_write_obj_data(ctx, &d.h, CKPT_HDR_INET_DGRAM,
					  sizeof(d), buf, d.len);
	}
	kvfree(buf);
	return ret;
}

/* What a FILE_INET record says of @sock; under lock_sock() */
static void ckpt_inet_fill(struct socket *sock, struct ckpt_hdr_file_inet *h)
{
	struct sock *sk = sock->sk;

	sock_owned_by_me(sk);
	h->family = sk->sk_family;
	h->protocol = sk->sk_protocol;
	h->state = sk->sk_state;
	ckpt_inet_addrs(sk, h);
	if (sk->sk_userlocks & SOCK_BINDADDR_LOCK)
		h->flags |= CKPT_INET_BOUND_ADDR;
	if (sk->sk_userlocks & SOCK_BINDPORT_LOCK)
		h->flags |= CKPT_INET_BOUND_PORT;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		h->flags |= CKPT_INET_SNDBUF_LOCK;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		h->flags |= CKPT_INET_RCVBUF_LOCK;
	if (sk->sk_reuse)
		h->flags |= CKPT_INET_REUSEADDR;
	if (sk->sk_reuseport)
		h->flags |= CKPT_INET_REUSEPORT;
	if (sock_flag(sk, SOCK_KEEPOPEN))
		h->flags |= CKPT_INET_KEEPALIVE;
	if (sock_flag(sk, SOCK_URGINLINE))
		h->flags |= CKPT_INET_OOBINLINE;
	if (sock_flag(sk, SOCK_BROADCAST))
		h->flags |= CKPT_INET_BROADCAST;
	if (sock_flag(sk, SOCK_LINGER))
		h->flags |= CKPT_INET_LINGER;
	/* getsockopt(SO_LINGER) reports it, on or off */
	h->linger = min_t(unsigned long, READ_ONCE(sk->sk_lingertime) / HZ,
			  INT_MAX);
	/* what sock_wake_async() looks at before it sends SIGIO */
	if (test_bit(SOCKWQ_ASYNC_NOSPACE, &sock->wq.flags))
		h->flags |= CKPT_INET_ASYNC_NOSPACE;
	if (test_bit(SOCKWQ_ASYNC_WAITDATA, &sock->wq.flags))
		h->flags |= CKPT_INET_ASYNC_WAITDATA;
	if (!ckpt_inet_is_tcp(sk)) {
		if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
			h->flags |= CKPT_INET_SHUT_RD;
		if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
			h->flags |= CKPT_INET_SHUT_WR;
	}
	if (sk->sk_state == TCP_LISTEN)
		h->backlog = READ_ONCE(sk->sk_max_ack_backlog);
	h->sndbuf = READ_ONCE(sk->sk_sndbuf);
	h->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	h->rcvlowat = READ_ONCE(sk->sk_rcvlowat);
	h->peek_off = READ_ONCE(sk->sk_peek_off);
	h->sndtimeo_us = ckpt_sock_timeo_us(READ_ONCE(sk->sk_sndtimeo));
	h->rcvtimeo_us = ckpt_sock_timeo_us(READ_ONCE(sk->sk_rcvtimeo));
	h->priority = READ_ONCE(sk->sk_priority);
	h->mark = READ_ONCE(sk->sk_mark);
	ckpt_inet_ip_opts_save(sk, h);
	if (ckpt_inet_is_tcp(sk))
		ckpt_inet_tcp_opts_save(sk, h);
}

#define CKPT_INET_TCP_LATE \
	"is a TCP connection that was set up while the checkpoint ran: not supported"
#define CKPT_INET_TCP_QUEUES \
	"is a TCP connection whose queues do not match its sequence numbers: not supported"

static int ckpt_inet_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct socket *sock = sock_from_file(e->file);
	struct ckpt_hdr_file_inet h = {};
	struct ckpt_tcp_hold *hold;
	struct ckpt_inet_queue q = {};
	struct ckpt_tcp_snap snap = {};
	struct sock *sk = sock->sk;
	const char *why;
	char buf[64];
	int ret = 0;

	/* CHECKPOINT_NET_LOCK: locked before the tree's files are read */
	hold = ckpt_tcp_hold_of(ctx, e->file);
	lock_sock(sk);
	/* what came before the lock is the connection's */
	sk_flush_backlog(sk);
	/* a connection may have come while the tree was frozen */
	why = ckpt_inet_unsaved_state(sk, buf, sizeof(buf));
	if (!why && sk->sk_state == TCP_ESTABLISHED && ckpt_inet_is_tcp(sk) &&
	    ctx->flags & CHECKPOINT_NET_LOCK && !hold)
		why = CKPT_INET_TCP_LATE;
	if (why) {
		release_sock(sk);
		return ckpt_log_unsupported(ctx, e, why);
	}
	ckpt_inet_fill(sock, &h);
	if (!ckpt_inet_is_tcp(sk))
		ret = ckpt_inet_snapshot(ctx, e, sk, &q);
	else if (h.state == TCP_ESTABLISHED)
		ret = ckpt_tcp_snapshot(sk, &snap);
	release_sock(sk);
	if (ret == -EIO)
		ret = ckpt_log_unsupported(ctx, e, CKPT_INET_TCP_QUEUES);
	/* read: the kill that comes next must say nothing to the peer */
	if (!ret && hold)
		ret = ckpt_tcp_hold_repair(ctx, e, hold);
	h.nr_dgrams = q.nr;
	if (!ret)
		ret = ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_INET, sizeof(h));
	if (!ret && h.state == TCP_ESTABLISHED && ckpt_inet_is_tcp(sk))
		ret = ckpt_tcp_write(ctx, &snap);
	else if (!ret)
		ret = ckpt_inet_write_queue(ctx, e, sk, &q);
	ckpt_tcp_snap_free(&snap);
	ckpt_inet_queue_free(&q);
	return ret;
}

/* ---- restart ---------------------------------------------------------- */

static bool ckpt_inet_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/*
 * The pure checks of a FILE_INET record: what restart gives only the
 * sockets checkpoint saves, and no field another family or protocol
 * would ignore. setsockopt(), bind(), listen() and connect() check the
 * values themselves.
 */
static bool ckpt_inet_rec_ok(const struct ckpt_hdr_file_inet *h, u32 f_flags)
{
	bool v6 = h->family == AF_INET6, tcp = h->protocol == IPPROTO_TCP;
	bool connected = h->state == TCP_ESTABLISHED;

	if (h->family != AF_INET && !v6)
		return false;
	if (!tcp && h->protocol != IPPROTO_UDP)
		return false;
	/* socket() makes it O_RDWR, as it was */
	if (f_flags & ~CKPT_INET_FILE_FLAGS ||
	    (f_flags & O_ACCMODE) != O_RDWR)
		return false;
	if (h->nr_dgrams > (tcp ? 0 : CKPT_MAX_INET_DGRAMS) || h->__reserved)
		return false;
	if (h->state != TCP_CLOSE && !connected &&
	    (!tcp || h->state != TCP_LISTEN))
		return false;
	/* a TCP connection has both addresses */
	if (tcp && connected && (ckpt_inet_zero(h->laddr, 16) ||
				 ckpt_inet_zero(h->raddr, 16)))
		return false;
	if (h->flags & ~CKPT_INET_FLAGS_MASK ||
	    h->ip_flags & ~CKPT_INET_IP_FLAGS_MASK ||
	    h->tcp_flags & ~CKPT_INET_TCP_FLAGS_MASK)
		return false;
	if (!v6 && (h->flags & CKPT_INET_V6ONLY ||
		    h->ip_flags & (CKPT_INET_IPV6_RECVPKTINFO |
				   CKPT_INET_IPV6_RECVHOPLIMIT |
				   CKPT_INET_IPV6_RECVTCLASS |
				   CKPT_INET_IPV6_ORIGDSTADDR |
				   CKPT_INET_IPV6_RECVERR) ||
		    !ckpt_inet_zero(h->laddr + 4, 12) ||
		    !ckpt_inet_zero(h->raddr + 4, 12) || h->tclass ||
		    h->hops != -1 || h->pmtudisc6 != IPV6_PMTUDISC_WANT))
		return false;
	/*
	 * What bind() chose: a port, an address that is not any; an address
	 * bind() did not choose is connect()'s
	 */
	if ((h->flags & CKPT_INET_BOUND_PORT && !h->lport) ||
	    (h->flags & CKPT_INET_BOUND_ADDR && ckpt_inet_zero(h->laddr, 16)) ||
	    (!(h->flags & CKPT_INET_BOUND_ADDR) && !connected &&
	     !ckpt_inet_zero(h->laddr, 16)))
		return false;
	if (h->state == TCP_LISTEN &&
	    (!h->lport || h->backlog > CKPT_INET_BACKLOG_MAX))
		return false;
	if (h->state != TCP_LISTEN && h->backlog)
		return false;
	if (connected ? !h->rport || !h->lport :
			h->rport || !ckpt_inet_zero(h->raddr, 16))
		return false;
	if (tcp && h->flags & (CKPT_INET_SHUT_RD | CKPT_INET_SHUT_WR))
		return false;
	if (!tcp && (h->tcp_flags || h->defer_accept || h->keepidle ||
		     h->keepintvl || h->keepcnt || h->user_timeout ||
		     h->maxseg || h->syncnt || h->linger2 ||
		     h->notsent_lowat || h->window_clamp || h->fastopen))
		return false;
	/* SO_PEEK_OFF takes any value, a negative one is off */
	if (h->linger > INT_MAX || h->rcvlowat < 1)
		return false;
	if (h->pmtudisc > IP_PMTUDISC_OMIT || h->pmtudisc6 > IPV6_PMTUDISC_OMIT)
		return false;
	if (h->ttl != -1 && (h->ttl < 1 || h->ttl > 255))
		return false;
	if (h->hops < -1 || h->hops > 255 || h->linger2 < -1)
		return false;
	return true;
}

static int ckpt_inet_sockaddr(u32 family, const u8 *addr, u16 port,
			      struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr, 4);
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, addr, 16);
	sin6->sin6_port = htons(port);
	return sizeof(*sin6);
}

/* a protocol's name for log lines */
static const char *ckpt_inet_proto(const struct ckpt_hdr_file_inet *h)
{
	return h->protocol == IPPROTO_TCP ? "TCP" : "UDP";
}

/* SOL_SOCKET options of a FILE_INET record, through setsockopt() */
static int ckpt_inet_set_sock_opts(struct ckpt_ctx *ctx, struct socket *sock,
				   u32 objref,
				   const struct ckpt_hdr_file_inet *h)
{
	static const struct {
		u32 flag;
		int opt;
	} bools[] = {
		{ CKPT_INET_REUSEADDR, SO_REUSEADDR },
		{ CKPT_INET_REUSEPORT, SO_REUSEPORT },
		{ CKPT_INET_KEEPALIVE, SO_KEEPALIVE },
		{ CKPT_INET_OOBINLINE, SO_OOBINLINE },
		{ CKPT_INET_BROADCAST, SO_BROADCAST },
	};
	struct sock *sk = sock->sk;
	const char *what = NULL;
	int i, ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(bools); i++)
		if (h->flags & bools[i].flag)
			ret = ckpt_sock_setopt(sock, SOL_SOCKET, bools[i].opt, 1);
	if (!ret && h->flags & CKPT_INET_SNDBUF_LOCK) {
		what = "SO_SNDBUF";
		ret = ckpt_sock_set_buf(sock, SO_SNDBUF, SO_SNDBUFFORCE,
					&sk->sk_sndbuf, h->sndbuf);
	}
	if (!ret && h->flags & CKPT_INET_RCVBUF_LOCK) {
		what = "SO_RCVBUF";
		ret = ckpt_sock_set_buf(sock, SO_RCVBUF, SO_RCVBUFFORCE,
					&sk->sk_rcvbuf, h->rcvbuf);
	}
	/* the seconds are kept when it is turned off: set them, then that */
	if (!ret && (h->flags & CKPT_INET_LINGER || h->linger)) {
		struct linger l = { .l_onoff = 1, .l_linger = h->linger };

		what = "SO_LINGER";
		ret = do_sock_setsockopt(sock, false, SOL_SOCKET, SO_LINGER,
					 KERNEL_SOCKPTR(&l), sizeof(l));
		l.l_onoff = 0;
		if (!ret && !(h->flags & CKPT_INET_LINGER))
			ret = do_sock_setsockopt(sock, false, SOL_SOCKET,
						 SO_LINGER, KERNEL_SOCKPTR(&l),
						 sizeof(l));
	}
	if (!ret && h->rcvlowat != 1) {
		what = "SO_RCVLOWAT";
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_RCVLOWAT,
				       h->rcvlowat);
	}
	if (!ret && h->peek_off != -1) {
		what = "SO_PEEK_OFF";
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_PEEK_OFF,
				       h->peek_off);
	}
	/* after IP_TOS, which sets it too */
	if (!ret && h->priority != READ_ONCE(sk->sk_priority)) {
		what = "SO_PRIORITY";
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_PRIORITY,
				       h->priority);
	}
	if (!ret && h->mark) {
		what = "SO_MARK";
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_MARK, h->mark);
	}
	if (!ret && h->sndtimeo_us) {
		what = "SO_SNDTIMEO";
		ret = ckpt_sock_set_timeo(sock, SO_SNDTIMEO_NEW, h->sndtimeo_us);
	}
	if (!ret && h->rcvtimeo_us) {
		what = "SO_RCVTIMEO";
		ret = ckpt_sock_set_timeo(sock, SO_RCVTIMEO_NEW, h->rcvtimeo_us);
	}
	if (ret)
		ckpt_log(ctx, ret,
			 "file record %u: cannot give the %s socket its %s",
			 objref, ckpt_inet_proto(h), what ?: "socket options");
	return ret;
}

/* IP, IPv6 and TCP options of a FILE_INET record, through setsockopt() */
static int ckpt_inet_set_proto_opts(struct ckpt_ctx *ctx, struct socket *sock,
				    u32 objref,
				    const struct ckpt_hdr_file_inet *h)
{
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	const struct {
		bool set;
		int level, opt, val;
	} opts[] = {
		{ h->tos != inet->tos, SOL_IP, IP_TOS, h->tos },
		{ h->ttl != inet->uc_ttl, SOL_IP, IP_TTL, h->ttl },
		{ h->pmtudisc != inet->pmtudisc, SOL_IP, IP_MTU_DISCOVER,
		  h->pmtudisc },
#if IS_ENABLED(CONFIG_IPV6)
		{ h->family == AF_INET6 &&
		  !(h->flags & CKPT_INET_V6ONLY) != !sk->sk_ipv6only,
		  SOL_IPV6, IPV6_V6ONLY, !!(h->flags & CKPT_INET_V6ONLY) },
		{ h->family == AF_INET6 && h->tclass, SOL_IPV6, IPV6_TCLASS,
		  h->tclass },
		{ h->family == AF_INET6 && h->hops != -1, SOL_IPV6,
		  IPV6_UNICAST_HOPS, h->hops },
		{ h->family == AF_INET6 && h->pmtudisc6 != IPV6_PMTUDISC_WANT,
		  SOL_IPV6, IPV6_MTU_DISCOVER, h->pmtudisc6 },
		{ h->ip_flags & CKPT_INET_IPV6_RECVPKTINFO, SOL_IPV6,
		  IPV6_RECVPKTINFO, 1 },
		{ h->ip_flags & CKPT_INET_IPV6_RECVHOPLIMIT, SOL_IPV6,
		  IPV6_RECVHOPLIMIT, 1 },
		{ h->ip_flags & CKPT_INET_IPV6_RECVTCLASS, SOL_IPV6,
		  IPV6_RECVTCLASS, 1 },
		{ h->ip_flags & CKPT_INET_IPV6_ORIGDSTADDR, SOL_IPV6,
		  IPV6_RECVORIGDSTADDR, 1 },
#endif
		{ h->tcp_flags & CKPT_INET_TCP_NODELAY, SOL_TCP, TCP_NODELAY, 1 },
		{ h->tcp_flags & CKPT_INET_TCP_CORK, SOL_TCP, TCP_CORK, 1 },
		{ h->defer_accept, SOL_TCP, TCP_DEFER_ACCEPT, h->defer_accept },
		{ h->keepidle, SOL_TCP, TCP_KEEPIDLE, h->keepidle },
		{ h->keepintvl, SOL_TCP, TCP_KEEPINTVL, h->keepintvl },
		{ h->keepcnt, SOL_TCP, TCP_KEEPCNT, h->keepcnt },
		{ h->user_timeout, SOL_TCP, TCP_USER_TIMEOUT, h->user_timeout },
		{ h->maxseg, SOL_TCP, TCP_MAXSEG, h->maxseg },
		{ h->syncnt, SOL_TCP, TCP_SYNCNT, h->syncnt },
		{ h->linger2, SOL_TCP, TCP_LINGER2, h->linger2 },
		{ h->notsent_lowat, SOL_TCP, TCP_NOTSENT_LOWAT,
		  h->notsent_lowat },
		{ h->window_clamp, SOL_TCP, TCP_WINDOW_CLAMP, h->window_clamp },
		{ h->fastopen, SOL_TCP, TCP_FASTOPEN, h->fastopen },
	};
	int i, ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(ckpt_inet_ip_opts); i++)
		if (h->ip_flags & ckpt_inet_ip_opts[i].flag)
			ret = ckpt_sock_setopt(sock, ckpt_inet_ip_opts[i].ipv6 ?
					       SOL_IPV6 : SOL_IP,
					       ckpt_inet_ip_opts[i].opt, 1);
	if (ret) {
		ckpt_log(ctx, ret,
			 "file record %u: cannot give the %s socket its IP options",
			 objref, ckpt_inet_proto(h));
		return ret;
	}
	for (i = 0; !ret && i < ARRAY_SIZE(opts); i++) {
		if (!opts[i].set)
			continue;
		ret = ckpt_sock_setopt(sock, opts[i].level, opts[i].opt,
				       opts[i].val);
		if (ret)
			ckpt_log(ctx, ret,
				 "file record %u: cannot give the %s socket option %d of level %d",
				 objref, ckpt_inet_proto(h), opts[i].opt,
				 opts[i].level);
	}
	return ret;
}

/*
 * Bind the socket where it was bound, with bind()'s checks, then say who
 * chose its address and port as the original says: a port listen() or
 * connect() chose is given up by a later disconnect, as it was. An
 * address connect() chose is left to connect() again (bind() to an IPv6
 * address would make the socket IPv6-only, connect() does not).
 */
static int ckpt_inet_bind(struct ckpt_ctx *ctx, struct socket *sock,
			  u32 objref, const struct ckpt_hdr_file_inet *h)
{
	static const u8 any[16];
	struct sockaddr_storage ss;
	struct sock *sk = sock->sk;
	int len, ret;
	u8 locks;

	len = ckpt_inet_sockaddr(h->family,
				 h->state == TCP_ESTABLISHED &&
				 !(h->flags & CKPT_INET_BOUND_ADDR) ?
				 any : h->laddr, h->lport, &ss);
	ret = __sys_bind_socket(sock, &ss, len);
	if (ret) {
		ckpt_log(ctx, ret,
			 "file record %u: cannot bind the %s socket to port %u",
			 objref, ckpt_inet_proto(h), h->lport);
		return ret;
	}
	locks = (h->flags & CKPT_INET_BOUND_ADDR ? SOCK_BINDADDR_LOCK : 0) |
		(h->flags & CKPT_INET_BOUND_PORT ? SOCK_BINDPORT_LOCK : 0);
	lock_sock(sk);
	sk->sk_userlocks = (sk->sk_userlocks &
			    ~(SOCK_BINDADDR_LOCK | SOCK_BINDPORT_LOCK)) | locks;
	release_sock(sk);
	return 0;
}

/* The pure checks of an INET_DGRAM record of a socket of @family */
static bool ckpt_inet_dgram_rec_ok(const struct ckpt_hdr_inet_dgram *d,
				   u32 family, bool v6only)
{
	bool v4 = d->family == AF_INET;

	if (d->len > CKPT_INET_DGRAM_MAX ||
	    d->h.len != ALIGN(sizeof(*d) + d->len, 8) ||
	    !ckpt_inet_zero((const void *)(d + 1) + d->len,
			    d->h.len - sizeof(*d) - d->len))
		return false;
	if (!v4 && (d->family != AF_INET6 || family != AF_INET6))
		return false;
	/* an IPv6-only socket gets no IPv4 datagram */
	if (v4 && v6only)
		return false;
	if (v4 && (d->len > 0xffff - sizeof(struct iphdr) -
		   sizeof(struct udphdr) || d->flowlabel ||
		   !ckpt_inet_zero(d->saddr + 4, 12) ||
		   !ckpt_inet_zero(d->daddr + 4, 12)))
		return false;
	if (!v4 && (d->flowlabel & ~0xfffff ||
		    !ckpt_inet_zero(d->spec_dst, sizeof(d->spec_dst))))
		return false;
	if (d->ifindex < 0 || d->__reserved[0] || d->__reserved[1])
		return false;
	/* a device's name, NUL-terminated and padded; none without one */
	if (!memchr(d->ifname, 0, sizeof(d->ifname)) ||
	    !ckpt_inet_zero(d->ifname + strlen(d->ifname),
			    sizeof(d->ifname) - strlen(d->ifname)) ||
	    !d->ifindex != !d->ifname[0])
		return false;
	return true;
}

/* A packet as the stack queues it: its bytes, headers before them */
static struct sk_buff *ckpt_inet_dgram_skb(const struct ckpt_hdr_inet_dgram *d)
{
	bool v4 = d->family == AF_INET;
	size_t nh = v4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	struct sk_buff *skb;
	struct udphdr *uh;

	skb = alloc_skb(nh + sizeof(*uh) + d->len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, nh + sizeof(*uh));
	skb_put_data(skb, d + 1, d->len);
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = htons(d->sport);
	uh->dest = htons(d->dport);
	uh->len = htons(sizeof(*uh) + d->len);
	uh->check = 0;
	skb_push(skb, nh);
	skb_reset_network_header(skb);
	if (v4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->version = 4;
		iph->ihl = 5;
		iph->tos = d->tos;
		iph->tot_len = htons(skb->len);
		iph->id = 0;
		iph->frag_off = 0;
		iph->ttl = d->ttl;
		iph->protocol = IPPROTO_UDP;
		memcpy(&iph->saddr, d->saddr, 4);
		memcpy(&iph->daddr, d->daddr, 4);
		ip_send_check(iph);
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6_flow_hdr(ip6h, d->tos, htonl(d->flowlabel));
		ip6h->payload_len = htons(sizeof(*uh) + d->len);
		ip6h->nexthdr = IPPROTO_UDP;
		ip6h->hop_limit = d->ttl;
		memcpy(&ip6h->saddr, d->saddr, 16);
		memcpy(&ip6h->daddr, d->daddr, 16);
		skb->protocol = htons(ETH_P_IPV6);
	}
	__skb_pull(skb, nh + sizeof(*uh));
	/* checked by the stack that queued it first */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	memset(skb->cb, 0, sizeof(skb->cb));
	if (v4) {
		PKTINFO_SKB_CB(skb)->ipi_ifindex = d->ifindex;
		memcpy(&PKTINFO_SKB_CB(skb)->ipi_spec_dst, d->spec_dst, 4);
	} else {
		IP6CB(skb)->iif = d->ifindex;
	}
	UDP_SKB_CB(skb)->cscov = d->len;
	return skb;
}

/*
 * Queue a datagram again on the restored socket, charged to its receive
 * buffer as the stack charges it (__udp_enqueue_schedule_skb()). The
 * device it came by must be the same in the restarter's namespace, or
 * IP_PKTINFO would name another one.
 */
static int ckpt_inet_queue_dgram(struct ckpt_ctx *ctx, struct sock *sk,
				 u32 objref, u32 i,
				 const struct ckpt_hdr_inet_dgram *d)
{
	struct net_device *dev;
	struct sk_buff *skb;
	bool same;
	int ret;

	if (d->ifindex) {
		rcu_read_lock();
		dev = dev_get_by_index_rcu(sock_net(sk), d->ifindex);
		same = dev && !strcmp(dev->name, d->ifname);
		rcu_read_unlock();
		if (!same) {
			ckpt_log(ctx, -ENODEV,
				 "file record %u: datagram %u came in by %s (ifindex %d), which the restarter's network namespace does not have",
				 objref, i, d->ifname, d->ifindex);
			return -ENODEV;
		}
	}
	skb = ckpt_inet_dgram_skb(d);
	if (!skb) {
		ckpt_log(ctx, -ENOMEM,
			 "file record %u: no memory for datagram %u", objref, i);
		return -ENOMEM;
	}
	/* as the stack does, in softirq context: the queue lock is BH-safe */
	local_bh_disable();
	ret = __udp_enqueue_schedule_skb(sk, skb);
	local_bh_enable();
	if (ret) {
		kfree_skb(skb);
		ckpt_log(ctx, ret,
			 "file record %u: datagram %u does not fit in the UDP socket's receive buffer again",
			 objref, i);
	}
	return ret;
}

/* The INET_DGRAM records after a FILE_INET, queued again in their order */
static int ckpt_inet_restore_queue(struct ckpt_ctx *ctx, struct socket *sock,
				   u32 objref,
				   const struct ckpt_hdr_file_inet *h)
{
	bool v6only = h->flags & CKPT_INET_V6ONLY;
	struct ckpt_hdr_inet_dgram *d;
	u64 bytes = 0;
	int ret = 0;
	u32 i;

	for (i = 0; !ret && i < h->nr_dgrams; i++) {
		d = ckpt_read_obj_var(ctx, CKPT_HDR_INET_DGRAM, sizeof(*d));
		if (IS_ERR(d))
			return PTR_ERR(d);
		bytes += d->len;
		if (!ckpt_inet_dgram_rec_ok(d, h->family, v6only) ||
		    bytes > CKPT_INET_QUEUE_MAX) {
			ckpt_log(ctx, -EINVAL,
				 "file record %u: malformed datagram %u",
				 objref, i);
			ret = -EINVAL;
		} else if (!(ctx->flags & RESTART_VALIDATE)) {
			ret = ckpt_inet_queue_dgram(ctx, sock->sk, objref, i, d);
		}
		kvfree(d);
	}
	return ret;
}

/* Does the socket have the local address it was saved with? */
static bool ckpt_inet_laddr_is(struct sock *sk,
			       const struct ckpt_hdr_file_inet *h)
{
	struct ckpt_hdr_file_inet now = { .state = h->state };

	lock_sock(sk);
	ckpt_inet_addrs(sk, &now);
	release_sock(sk);
	return !memcmp(now.laddr, h->laddr, sizeof(h->laddr)) &&
	       now.lport == h->lport;
}

/* Connect it, as it was */
static int ckpt_inet_activate(struct ckpt_ctx *ctx, struct file *file,
			      u32 objref, const struct ckpt_hdr_file_inet *h)
{
	struct socket *sock = sock_from_file(file);
	struct sockaddr_storage ss;
	int len, ret = 0;

	if (h->state == TCP_ESTABLISHED) {
		len = ckpt_inet_sockaddr(h->family, h->raddr, h->rport, &ss);
		ret = __sys_connect_file(file, &ss, len, 0);
		if (ret) {
			ckpt_log(ctx, ret,
				 "file record %u: cannot connect the %s socket to port %u%s",
				 objref, ckpt_inet_proto(h), h->rport,
				 ret == -EADDRNOTAVAIL ?
				 " (the connection exists: does the checkpointed tree still run?)" :
				 "");
		} else if (!ckpt_inet_laddr_is(sock->sk, h)) {
			ret = -EADDRNOTAVAIL;
			ckpt_log(ctx, ret,
				 "file record %u: the route to the %s socket's peer gives it another address than it had",
				 objref, ckpt_inet_proto(h));
		}
	}
	return ret;
}

/* Shut it down as it was, once its datagrams are queued again */
static int ckpt_inet_shutdown(struct ckpt_ctx *ctx, struct socket *sock,
			      u32 objref, const struct ckpt_hdr_file_inet *h)
{
	int ret = 0;

	if (h->flags & (CKPT_INET_SHUT_RD | CKPT_INET_SHUT_WR)) {
		int how = (h->flags & CKPT_INET_SHUT_RD ? 1 : 0) +
			  (h->flags & CKPT_INET_SHUT_WR ? 2 : 0) - 1;

		ret = kernel_sock_shutdown(sock, how);
		/* the call said so to an unconnected one, and did it */
		if (ret == -ENOTCONN && h->state == TCP_CLOSE)
			ret = 0;
		if (ret)
			ckpt_log(ctx, ret,
				 "file record %u: cannot shut the UDP socket down",
				 objref);
	}
	return ret;
}

/* the fields of a FILE_INET record, for the line naming one that differs */
static const struct {
	u16 off;
	const char *name;
} ckpt_inet_fields[] = {
	{ offsetof(struct ckpt_hdr_file_inet, family), "family" },
	{ offsetof(struct ckpt_hdr_file_inet, protocol), "protocol" },
	{ offsetof(struct ckpt_hdr_file_inet, state), "state" },
	{ offsetof(struct ckpt_hdr_file_inet, flags), "flags" },
	{ offsetof(struct ckpt_hdr_file_inet, laddr), "laddr" },
	{ offsetof(struct ckpt_hdr_file_inet, raddr), "raddr" },
	{ offsetof(struct ckpt_hdr_file_inet, lport), "lport" },
	{ offsetof(struct ckpt_hdr_file_inet, rport), "rport" },
	{ offsetof(struct ckpt_hdr_file_inet, backlog), "backlog" },
	{ offsetof(struct ckpt_hdr_file_inet, sndbuf), "sndbuf" },
	{ offsetof(struct ckpt_hdr_file_inet, rcvbuf), "rcvbuf" },
	{ offsetof(struct ckpt_hdr_file_inet, rcvlowat), "rcvlowat" },
	{ offsetof(struct ckpt_hdr_file_inet, peek_off), "peek_off" },
	{ offsetof(struct ckpt_hdr_file_inet, sndtimeo_us), "sndtimeo_us" },
	{ offsetof(struct ckpt_hdr_file_inet, rcvtimeo_us), "rcvtimeo_us" },
	{ offsetof(struct ckpt_hdr_file_inet, priority), "priority" },
	{ offsetof(struct ckpt_hdr_file_inet, mark), "mark" },
	{ offsetof(struct ckpt_hdr_file_inet, linger), "linger" },
	{ offsetof(struct ckpt_hdr_file_inet, ip_flags), "ip_flags" },
	{ offsetof(struct ckpt_hdr_file_inet, tos), "tos" },
	{ offsetof(struct ckpt_hdr_file_inet, tclass), "tclass" },
	{ offsetof(struct ckpt_hdr_file_inet, pmtudisc), "pmtudisc" },
	{ offsetof(struct ckpt_hdr_file_inet, pmtudisc6), "pmtudisc6" },
	{ offsetof(struct ckpt_hdr_file_inet, ttl), "ttl" },
	{ offsetof(struct ckpt_hdr_file_inet, hops), "hops" },
	{ offsetof(struct ckpt_hdr_file_inet, tcp_flags), "tcp_flags" },
	{ offsetof(struct ckpt_hdr_file_inet, defer_accept), "defer_accept" },
	{ offsetof(struct ckpt_hdr_file_inet, keepidle), "keepidle" },
	{ offsetof(struct ckpt_hdr_file_inet, keepintvl), "keepintvl" },
	{ offsetof(struct ckpt_hdr_file_inet, keepcnt), "keepcnt" },
	{ offsetof(struct ckpt_hdr_file_inet, user_timeout), "user_timeout" },
	{ offsetof(struct ckpt_hdr_file_inet, maxseg), "maxseg" },
	{ offsetof(struct ckpt_hdr_file_inet, syncnt), "syncnt" },
	{ offsetof(struct ckpt_hdr_file_inet, linger2), "linger2" },
	{ offsetof(struct ckpt_hdr_file_inet, notsent_lowat), "notsent_lowat" },
	{ offsetof(struct ckpt_hdr_file_inet, window_clamp), "window_clamp" },
	{ offsetof(struct ckpt_hdr_file_inet, fastopen), "fastopen" },
	{ offsetof(struct ckpt_hdr_file_inet, nr_dgrams), NULL },
};

/*
 * Does the restored socket say what the record says? setsockopt() caps
 * some values without an error (SO_RCVLOWAT at half the receive buffer,
 * a listen() backlog at somaxconn), sysctls give others (a listener's
 * Fast Open queue): a socket that would not report what it reported
 * fails the restart with the field's name, never comes back different.
 * Not compared: a buffer size never set (a new socket's, as the sysctl
 * gives it), and, with RESTART_VALIDATE, what bind() would have done.
 */
static int ckpt_inet_differs(struct ckpt_ctx *ctx, struct socket *sock,
			     u32 objref, const struct ckpt_hdr_file_inet *h,
			     bool listening)
{
	const u32 bound = CKPT_INET_BOUND_ADDR | CKPT_INET_BOUND_PORT |
			  CKPT_INET_SHUT_RD | CKPT_INET_SHUT_WR;
	struct ckpt_hdr_file_inet now = {};
	int i;

	lock_sock(sock->sk);
	ckpt_inet_fill(sock, &now);
	/* repair mode stands for SO_REUSEADDR until the tree runs */
	if (ckpt_inet_is_tcp(sock->sk) && tcp_sk(sock->sk)->repair)
		now.flags = (now.flags & ~CKPT_INET_REUSEADDR) |
			    (h->flags & CKPT_INET_REUSEADDR);
	release_sock(sock->sk);
	now.h = h->h;
	now.nr_dgrams = h->nr_dgrams;
	if (!(h->flags & CKPT_INET_SNDBUF_LOCK))
		now.sndbuf = h->sndbuf;
	if (!(h->flags & CKPT_INET_RCVBUF_LOCK))
		now.rcvbuf = h->rcvbuf;
	if (h->state == TCP_LISTEN && !listening) {
		now.state = h->state;
		now.backlog = h->backlog;
		now.fastopen = h->fastopen;
	}
	if (ctx->flags & RESTART_VALIDATE) {
		memcpy(now.laddr, h->laddr, sizeof(now.laddr));
		memcpy(now.raddr, h->raddr, sizeof(now.raddr));
		now.lport = h->lport;
		now.rport = h->rport;
		now.state = h->state;
		now.backlog = h->backlog;
		now.flags = (now.flags & ~bound) | (h->flags & bound);
	}
	/* each field runs to the next one's offset */
	for (i = 0; ckpt_inet_fields[i].name; i++) {
		u16 off = ckpt_inet_fields[i].off;

		if (!memcmp((void *)&now + off, (void *)h + off,
			    ckpt_inet_fields[i + 1].off - off))
			continue;
		ckpt_log(ctx, -EPERM,
			 "file record %u: the restored %s socket does not have the %s it had (capped by a sysctl or a limit of the restarter?)",
			 objref, ckpt_inet_proto(h), ckpt_inet_fields[i].name);
		return -EPERM;
	}
	return 0;
}

/**
 * struct ckpt_inet_listen - restart: a TCP socket to make listen again
 * @file:	the socket's file, referenced
 * @objref:	its FILE record, for log lines
 * @h:		the record
 */
struct ckpt_inet_listen {
	struct file *file;
	u32 objref;
	struct ckpt_hdr_file_inet h;
};

/*
 * Just before the tree runs, once the whole image was read and checked:
 * a listener answers clients from then on, not while a restart that may
 * still fail reads the image.
 */
static int ckpt_inet_listen_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_inet_listen *l = data;
	struct socket *sock = sock_from_file(l->file);
	bool reuse = l->h.flags & CKPT_INET_REUSEADDR;
	int ret;

	/*
	 * The connections it had accepted are bound to its port already (in
	 * repair mode until the tree runs): listen() would see them in the
	 * way of a listener without SO_REUSEADDR, which it never checked
	 * against its own. On for the call, as it was after.
	 */
	ret = reuse ? 0 : ckpt_sock_setopt(sock, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!ret) {
		ret = __sys_listen_socket(sock, l->h.backlog);
		if (!reuse)
			ret = ckpt_sock_setopt(sock, SOL_SOCKET, SO_REUSEADDR,
					       0) ?: ret;
	}
	if (ret) {
		ckpt_log(ctx, ret,
			 "file record %u: cannot make the TCP socket listen on port %u",
			 l->objref, l->h.lport);
		return ret;
	}
	return ckpt_inet_differs(ctx, sock, l->objref, &l->h, true);
}

static void ckpt_inet_listen_free(void *data)
{
	struct ckpt_inet_listen *l = data;

	fput(l->file);
	kfree(l);
}

static int ckpt_inet_listen_add(struct ckpt_ctx *ctx, struct file *file,
				u32 objref, const struct ckpt_hdr_file_inet *h)
{
	struct ckpt_inet_listen *l = kmalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return -ENOMEM;
	l->file = get_file(file);
	l->objref = objref;
	l->h = *h;
	/* on -ENOMEM, l was freed */
	return ckpt_before_release_add(ctx, ckpt_inet_listen_run,
				       ckpt_inet_listen_free, l);
}

/* A new socket of the record's family and protocol, in a file */
static struct file *ckpt_inet_socket(struct ckpt_ctx *ctx,
				     const struct ckpt_hdr_file *hf,
				     const struct ckpt_hdr_file_inet *h)
{
	struct socket *sock;
	struct file *file;
	int ret;

	if (h->family == AF_INET6 && !IS_ENABLED(CONFIG_IPV6)) {
		ckpt_log(ctx, -EAFNOSUPPORT,
			 "file record %u: an IPv6 socket, and this kernel has no IPv6",
			 hf->objref);
		return ERR_PTR(-EAFNOSUPPORT);
	}
	ret = sock_create(h->family,
			  h->protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM,
			  h->protocol, &sock);
	if (ret) {
		ckpt_log(ctx, ret, "file record %u: cannot make a %s socket",
			 hf->objref, ckpt_inet_proto(h));
		return ERR_PTR(ret);
	}
	/* sock_alloc_file() releases the socket on failure */
	file = sock_alloc_file(sock, O_RDWR | (hf->f_flags & O_NONBLOCK), NULL);
	if (IS_ERR(file))
		ckpt_log(ctx, PTR_ERR(file),
			 "file record %u: cannot make a file of the %s socket",
			 hf->objref, ckpt_inet_proto(h));
	return file;
}

/**
 * struct ckpt_inet_conn - restart: a TCP connection to make again
 * @file:	its socket's file, referenced, in repair mode
 * @objref:	its FILE record, for log lines
 * @h:		the record
 * @r:		its TCP_CONN record, until ckpt_tcp_restore() takes it
 */
struct ckpt_inet_conn {
	struct file *file;
	u32 objref;
	struct ckpt_hdr_file_inet h;
	struct ckpt_tcp_rst *r;
};

/*
 * Once the whole image was read and checked (a migration through a pipe:
 * the checkpoint returned, its tree is being killed): the connection
 * taken over, bound and connected in repair mode, its state and queues
 * given back, read back.
 */
static int ckpt_inet_conn_run(struct ckpt_ctx *ctx, void *data)
{
	struct ckpt_inet_conn *cn = data;
	struct socket *sock = sock_from_file(cn->file);
	struct ckpt_tcp_rst *r = cn->r;
	int ret;

	ret = ckpt_tcp_prepare(ctx, cn->file, cn->objref, r) ?:
	      ckpt_inet_bind(ctx, sock, cn->objref, &cn->h) ?:
	      ckpt_inet_activate(ctx, cn->file, cn->objref, &cn->h);
	if (ret)
		return ret;
	/* it takes the record, on failure too */
	cn->r = NULL;
	return ckpt_tcp_restore(ctx, cn->file, cn->objref, &cn->h, r) ?:
	       ckpt_inet_differs(ctx, sock, cn->objref, &cn->h, false);
}

static void ckpt_inet_conn_free(void *data)
{
	struct ckpt_inet_conn *cn = data;

	ckpt_tcp_rst_free(cn->r);
	fput(cn->file);
	kfree(cn);
}

/* Takes @r, on failure too */
static int ckpt_inet_conn_add(struct ckpt_ctx *ctx, struct file *file,
			      u32 objref, const struct ckpt_hdr_file_inet *h,
			      struct ckpt_tcp_rst *r)
{
	struct ckpt_inet_conn *cn = kmalloc(sizeof(*cn), GFP_KERNEL);

	if (!cn) {
		ckpt_tcp_rst_free(r);
		return -ENOMEM;
	}
	cn->file = get_file(file);
	cn->objref = objref;
	cn->h = *h;
	cn->r = r;
	/*
	 * once the image is read (not before: a migration through a pipe
	 * has its checkpointed tree killed then), before the tasks are made
	 * (a self restart commits the restored credentials then); on
	 * -ENOMEM, cn was freed
	 */
	return ckpt_after_read_add(ctx, ckpt_inet_conn_run,
				   ckpt_inet_conn_free, cn);
}

/*
 * RESTART_VALIDATE makes the socket and gives it its options, which
 * checks them, but binds and connects nothing: it checks the image, not
 * which ports are free.
 */
static struct file *ckpt_inet_restore(struct ckpt_ctx *ctx,
				      const struct ckpt_hdr_file *hf)
{
	struct ckpt_tcp_rst *conn = NULL;
	struct ckpt_hdr_file_inet h;
	struct socket *sock;
	struct file *file;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_INET, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (!ckpt_inet_rec_ok(&h, hf->f_flags)) {
		ckpt_log(ctx, -EINVAL, "file record %u: malformed inet socket",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	if (h.protocol == IPPROTO_TCP && h.state == TCP_ESTABLISHED) {
		conn = ckpt_tcp_read(ctx, hf->objref);
		if (IS_ERR(conn))
			return ERR_CAST(conn);
	}
	file = ckpt_inet_socket(ctx, hf, &h);
	if (IS_ERR(file)) {
		ckpt_tcp_rst_free(conn);
		return file;
	}
	sock = sock_from_file(file);
	ret = ckpt_inet_set_proto_opts(ctx, sock, hf->objref, &h) ?:
	      ckpt_inet_set_sock_opts(ctx, sock, hf->objref, &h);
	/* as the wait for space or data that was under way left them */
	if (h.flags & CKPT_INET_ASYNC_NOSPACE)
		set_bit(SOCKWQ_ASYNC_NOSPACE, &sock->wq.flags);
	if (h.flags & CKPT_INET_ASYNC_WAITDATA)
		set_bit(SOCKWQ_ASYNC_WAITDATA, &sock->wq.flags);
	if (!ret && conn && !(ctx->flags & RESTART_VALIDATE)) {
		ret = ckpt_tcp_repair_on(ctx, file, hf->objref, &h, conn);
		if (!ret)
			ret = ckpt_inet_conn_add(ctx, file, hf->objref, &h, conn);
		else
			ckpt_tcp_rst_free(conn);
		if (ret) {
			fput(file);
			return ERR_PTR(ret);
		}
		return file;
	}
	ckpt_tcp_rst_free(conn);
	if (!ret && !(ctx->flags & RESTART_VALIDATE)) {
		if (h.lport || h.flags & CKPT_INET_BOUND_ADDR)
			ret = ckpt_inet_bind(ctx, sock, hf->objref, &h);
		if (!ret)
			ret = ckpt_inet_activate(ctx, file, hf->objref, &h);
	}
	if (!ret)
		ret = ckpt_inet_restore_queue(ctx, sock, hf->objref, &h);
	if (!ret && !(ctx->flags & RESTART_VALIDATE))
		ret = ckpt_inet_shutdown(ctx, sock, hf->objref, &h);
	if (!ret)
		ret = ckpt_inet_differs(ctx, sock, hf->objref, &h, false);
	if (!ret && h.state == TCP_LISTEN && !(ctx->flags & RESTART_VALIDATE))
		ret = ckpt_inet_listen_add(ctx, file, hf->objref, &h);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

static struct fasync_struct **ckpt_inet_fasync_list(struct file *file)
{
	return &sock_from_file(file)->wq.fasync_list;
}

const struct ckpt_file_ops ckpt_inet_file_ops = {
	.name = "inet socket",
	.match = ckpt_inet_match_file,
	.classify = ckpt_inet_classify,
	.checkpoint = ckpt_inet_checkpoint,
	.restore = ckpt_inet_restore,
	.f_flags = CKPT_INET_FILE_FLAGS,
	.fasync_list = ckpt_inet_fasync_list,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

struct ckpt_inet_rec_test {
	const char *desc;
	struct ckpt_hdr_file_inet h;
	u32 f_flags;
	bool ok;
};

/* A FILE_INET record: a TCP listener bound to port 8080, the defaults */
#define CKPT_TEST_INET(...)						\
	{ .family = AF_INET, .protocol = IPPROTO_TCP,			\
	  .state = TCP_LISTEN, .flags = CKPT_INET_BOUND_PORT, .lport = 8080,\
	  .backlog = 128, .rcvlowat = 1, .peek_off = -1, .ttl = -1,	\
	  .hops = -1, .pmtudisc6 = IPV6_PMTUDISC_WANT, __VA_ARGS__ }

/* A connected UDP socket, 127.0.0.1:5000 to 127.0.0.1:53 */
#define CKPT_TEST_UDP(...)						\
	CKPT_TEST_INET(.protocol = IPPROTO_UDP, .state = TCP_ESTABLISHED,\
		       .lport = 5000, .backlog = 0, .flags = 0,		\
		       .laddr = { 127, 0, 0, 1 },			\
		       .raddr = { 127, 0, 0, 1 }, .rport = 53, __VA_ARGS__)

static const struct ckpt_inet_rec_test ckpt_inet_rec_tests[] = {
	{ "TCP listener", CKPT_TEST_INET(), O_RDWR, true },
	{ "TCP listener, O_NONBLOCK", CKPT_TEST_INET(), O_RDWR | O_NONBLOCK,
	  true },
	{ "TCP listener, O_RDONLY", CKPT_TEST_INET(), O_RDONLY },
	{ "TCP listener, O_WRONLY", CKPT_TEST_INET(), O_WRONLY },
	{ "TCP listener, O_APPEND", CKPT_TEST_INET(), O_RDWR | O_APPEND },
	{ "TCP listener, backlog 0", CKPT_TEST_INET(.backlog = 0), O_RDWR, true },
	{ "TCP listener, backlog INT_MAX", CKPT_TEST_INET(.backlog = INT_MAX),
	  O_RDWR, true },
	{ "TCP listener, backlog INT_MAX + 1",
	  CKPT_TEST_INET(.backlog = (u32)INT_MAX + 1), O_RDWR },
	{ "TCP listener on port 0", CKPT_TEST_INET(.lport = 0), O_RDWR },
	{ "TCP listener, IPv6, V6ONLY",
	  CKPT_TEST_INET(.family = AF_INET6,
			 .flags = CKPT_INET_V6ONLY | CKPT_INET_BOUND_ADDR,
			 .laddr = { [15] = 1 }), O_RDWR, true },
	{ "IPv4 address with bytes past 4",
	  CKPT_TEST_INET(.laddr = { 127, 0, 0, 1, 1 },
			 .flags = CKPT_INET_BOUND_ADDR), O_RDWR },
	{ "IPv4 with V6ONLY", CKPT_TEST_INET(.flags = CKPT_INET_V6ONLY), O_RDWR },
	{ "IPv4 with IPV6_RECVPKTINFO",
	  CKPT_TEST_INET(.ip_flags = CKPT_INET_IPV6_RECVPKTINFO), O_RDWR },
	{ "IPv6 with IPV6_RECVPKTINFO",
	  CKPT_TEST_INET(.family = AF_INET6, .laddr = { 0 },
			 .ip_flags = CKPT_INET_IPV6_RECVPKTINFO), O_RDWR, true },
	{ "family AF_UNIX", CKPT_TEST_INET(.family = AF_UNIX), O_RDWR },
	{ "family 0", CKPT_TEST_INET(.family = 0), O_RDWR },
	{ "protocol SCTP", CKPT_TEST_INET(.protocol = IPPROTO_SCTP), O_RDWR },
	{ "protocol UDP-Lite", CKPT_TEST_UDP(.protocol = IPPROTO_UDPLITE), O_RDWR },
	{ "TCP never connected, unbound",
	  CKPT_TEST_INET(.state = TCP_CLOSE, .lport = 0, .backlog = 0,
			 .flags = 0), O_RDWR, true },
	{ "TCP never connected, backlog",
	  CKPT_TEST_INET(.state = TCP_CLOSE), O_RDWR },
	{ "TCP ESTABLISHED",
	  CKPT_TEST_INET(.state = TCP_ESTABLISHED, .backlog = 0,
			 .laddr = { 127, 0, 0, 1 },
			 .raddr = { 127, 0, 0, 1 }, .rport = 80), O_RDWR, true },
	{ "TCP ESTABLISHED, with a backlog",
	  CKPT_TEST_INET(.state = TCP_ESTABLISHED,
			 .laddr = { 127, 0, 0, 1 },
			 .raddr = { 127, 0, 0, 1 }, .rport = 80), O_RDWR },
	{ "TCP ESTABLISHED, no address",
	  CKPT_TEST_INET(.state = TCP_ESTABLISHED, .backlog = 0,
			 .raddr = { 127, 0, 0, 1 }, .rport = 80), O_RDWR },
	{ "TCP ESTABLISHED, no peer address",
	  CKPT_TEST_INET(.state = TCP_ESTABLISHED, .backlog = 0,
			 .laddr = { 127, 0, 0, 1 }, .rport = 80), O_RDWR },
	{ "TCP ESTABLISHED, no peer port",
	  CKPT_TEST_INET(.state = TCP_ESTABLISHED, .backlog = 0,
			 .laddr = { 127, 0, 0, 1 },
			 .raddr = { 127, 0, 0, 1 }), O_RDWR },
	{ "TCP ESTABLISHED, IPv6 v4-mapped",
	  CKPT_TEST_INET(.family = AF_INET6, .state = TCP_ESTABLISHED,
			 .backlog = 0, .flags = 0,
			 .laddr = { [10] = 0xff, 0xff, 127, 0, 0, 1 },
			 .raddr = { [10] = 0xff, 0xff, 127, 0, 0, 1 },
			 .rport = 80), O_RDWR, true },
	{ "TCP ESTABLISHED, shut down",
	  CKPT_TEST_INET(.state = TCP_ESTABLISHED, .backlog = 0,
			 .flags = CKPT_INET_SHUT_RD,
			 .laddr = { 127, 0, 0, 1 },
			 .raddr = { 127, 0, 0, 1 }, .rport = 80), O_RDWR },
	{ "TCP SYN_SENT", CKPT_TEST_INET(.state = TCP_SYN_SENT), O_RDWR },
	{ "TCP state 0", CKPT_TEST_INET(.state = 0), O_RDWR },
	{ "TCP state 12", CKPT_TEST_INET(.state = 12), O_RDWR },
	{ "TCP shut down", CKPT_TEST_INET(.flags = CKPT_INET_SHUT_WR), O_RDWR },
	{ "UDP connected", CKPT_TEST_UDP(), O_RDWR, true },
	{ "UDP connected, shut down",
	  CKPT_TEST_UDP(.flags = CKPT_INET_SHUT_RD | CKPT_INET_SHUT_WR),
	  O_RDWR, true },
	{ "UDP connected to port 0", CKPT_TEST_UDP(.rport = 0), O_RDWR },
	{ "UDP connected from port 0", CKPT_TEST_UDP(.lport = 0), O_RDWR },
	{ "UDP unconnected with a peer port",
	  CKPT_TEST_UDP(.state = TCP_CLOSE), O_RDWR },
	{ "UDP unconnected with a peer address",
	  CKPT_TEST_UDP(.state = TCP_CLOSE, .rport = 0), O_RDWR },
	{ "UDP unconnected",
	  CKPT_TEST_UDP(.state = TCP_CLOSE, .rport = 0, .raddr = { 0 },
			.flags = CKPT_INET_BOUND_ADDR),
	  O_RDWR, true },
	{ "UDP listening", CKPT_TEST_UDP(.state = TCP_LISTEN), O_RDWR },
	{ "UDP with a backlog", CKPT_TEST_UDP(.backlog = 1), O_RDWR },
	{ "UDP with TCP_NODELAY",
	  CKPT_TEST_UDP(.tcp_flags = CKPT_INET_TCP_NODELAY), O_RDWR },
	{ "UDP with TCP_KEEPIDLE", CKPT_TEST_UDP(.keepidle = 60), O_RDWR },
	{ "UDP with TCP_FASTOPEN", CKPT_TEST_UDP(.fastopen = 5), O_RDWR },
	{ "unknown flag", CKPT_TEST_INET(.flags = CKPT_INET_FLAGS_MASK + 1), O_RDWR },
	{ "unknown IP flag",
	  CKPT_TEST_INET(.ip_flags = CKPT_INET_IP_FLAGS_MASK + 1), O_RDWR },
	{ "unknown TCP flag",
	  CKPT_TEST_INET(.tcp_flags = CKPT_INET_TCP_FLAGS_MASK + 1), O_RDWR },
	{ "TCP with datagrams", CKPT_TEST_INET(.nr_dgrams = 1), O_RDWR },
	{ "UDP with 65536 datagrams", CKPT_TEST_UDP(.nr_dgrams = 65536),
	  O_RDWR, true },
	{ "UDP with 65537 datagrams", CKPT_TEST_UDP(.nr_dgrams = 65537),
	  O_RDWR },
	{ "SO_LINGER 5 s", CKPT_TEST_INET(.flags = CKPT_INET_LINGER,
					  .linger = 5), O_RDWR, true },
	{ "linger seconds, SO_LINGER off", CKPT_TEST_INET(.linger = 5), O_RDWR,
	  true },
	{ "linger INT_MAX + 1",
	  CKPT_TEST_INET(.flags = CKPT_INET_LINGER,
			 .linger = (u32)INT_MAX + 1), O_RDWR },
	{ "SO_RCVLOWAT 0", CKPT_TEST_INET(.rcvlowat = 0), O_RDWR },
	{ "SO_PEEK_OFF -2", CKPT_TEST_INET(.peek_off = -2), O_RDWR, true },
	{ "reserved", CKPT_TEST_INET(.__reserved = 1), O_RDWR },
	{ "port bound, none", CKPT_TEST_INET(.state = TCP_CLOSE, .backlog = 0,
					     .lport = 0,
					     .flags = CKPT_INET_BOUND_PORT),
	  O_RDWR },
	{ "address bound, any",
	  CKPT_TEST_INET(.laddr = { 0 }, .flags = CKPT_INET_BOUND_ADDR),
	  O_RDWR },
	{ "IPv4 with IPV6_TCLASS", CKPT_TEST_INET(.tclass = 4), O_RDWR },
	{ "IPv4 with IPV6_UNICAST_HOPS", CKPT_TEST_INET(.hops = 9), O_RDWR },
	{ "IPv4 with IPV6_MTU_DISCOVER",
	  CKPT_TEST_INET(.pmtudisc6 = IPV6_PMTUDISC_DO), O_RDWR },
	{ "UDP unconnected, address chosen by connect()",
	  CKPT_TEST_UDP(.state = TCP_CLOSE, .rport = 0, .raddr = { 0 }),
	  O_RDWR },
	{ "IP_MTU_DISCOVER OMIT",
	  CKPT_TEST_INET(.pmtudisc = IP_PMTUDISC_OMIT), O_RDWR, true },
	{ "IP_MTU_DISCOVER 6", CKPT_TEST_INET(.pmtudisc = 6), O_RDWR },
	{ "IPV6_MTU_DISCOVER 6", CKPT_TEST_INET(.family = AF_INET6, .pmtudisc6 = 6), O_RDWR },
	{ "IP_TTL 255", CKPT_TEST_INET(.ttl = 255), O_RDWR, true },
	{ "IP_TTL 0", CKPT_TEST_INET(.ttl = 0), O_RDWR },
	{ "IP_TTL 256", CKPT_TEST_INET(.ttl = 256), O_RDWR },
	{ "IPV6_UNICAST_HOPS 0",
	  CKPT_TEST_INET(.family = AF_INET6, .hops = 0), O_RDWR, true },
	{ "IPV6_UNICAST_HOPS -2", CKPT_TEST_INET(.family = AF_INET6, .hops = -2), O_RDWR },
	{ "IPV6_UNICAST_HOPS 256", CKPT_TEST_INET(.family = AF_INET6, .hops = 256), O_RDWR },
	{ "TCP_LINGER2 -1", CKPT_TEST_INET(.linger2 = -1), O_RDWR, true },
	{ "TCP_LINGER2 -2", CKPT_TEST_INET(.linger2 = -2), O_RDWR },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_inet_rec, ckpt_inet_rec_tests, desc);

static void ckpt_test_inet_rec_ok(struct kunit *test)
{
	const struct ckpt_inet_rec_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_inet_rec_ok(&t->h, t->f_flags), t->ok);
}

struct ckpt_inet_dgram_test {
	const char *desc;
	struct ckpt_hdr_inet_dgram d;
	u32 family;
	bool v6only;
	bool ok;
};

/* A 5-byte datagram from 127.0.0.1:5000 by lo, its record's length */
#define CKPT_TEST_DGRAM(...)						\
	{ .h.len = 96, .len = 5, .family = AF_INET, .ttl = 64,		\
	  .sport = 5000, .dport = 53, .saddr = { 127, 0, 0, 1 },	\
	  .daddr = { 127, 0, 0, 1 }, .ifindex = 1, .ifname = "lo",	\
	  __VA_ARGS__ }

static const struct ckpt_inet_dgram_test ckpt_inet_dgram_tests[] = {
	{ "IPv4", CKPT_TEST_DGRAM(), AF_INET, false, true },
	{ "IPv4 on an IPv6 socket", CKPT_TEST_DGRAM(), AF_INET6, false, true },
	{ "IPv4 on an IPv6-only socket", CKPT_TEST_DGRAM(), AF_INET6, true },
	{ "IPv6 on an IPv4 socket",
	  CKPT_TEST_DGRAM(.family = AF_INET6), AF_INET },
	{ "IPv6", CKPT_TEST_DGRAM(.family = AF_INET6, .flowlabel = 0xfffff),
	  AF_INET6, true, true },
	{ "IPv6, flow label of 21 bits",
	  CKPT_TEST_DGRAM(.family = AF_INET6, .flowlabel = 0x100000),
	  AF_INET6 },
	{ "IPv6 with ipi_spec_dst",
	  CKPT_TEST_DGRAM(.family = AF_INET6, .spec_dst = { 1 }), AF_INET6 },
	{ "family 0", CKPT_TEST_DGRAM(.family = 0), AF_INET6 },
	{ "IPv4 with a flow label", CKPT_TEST_DGRAM(.flowlabel = 1), AF_INET },
	{ "IPv4 address past 4 bytes", CKPT_TEST_DGRAM(.saddr = { [4] = 1 }),
	  AF_INET },
	{ "empty", CKPT_TEST_DGRAM(.len = 0, .h.len = 88), AF_INET, false,
	  true },
	{ "length not its record's", CKPT_TEST_DGRAM(.len = 9), AF_INET },
	{ "record longer than its bytes", CKPT_TEST_DGRAM(.h.len = 104),
	  AF_INET },
	{ "IPv4, 65507 bytes",
	  CKPT_TEST_DGRAM(.len = 65507, .h.len = ALIGN(88 + 65507, 8)),
	  AF_INET, false, true },
	{ "IPv4, 65508 bytes",
	  CKPT_TEST_DGRAM(.len = 65508, .h.len = ALIGN(88 + 65508, 8)),
	  AF_INET },
	{ "IPv6, 65527 bytes",
	  CKPT_TEST_DGRAM(.family = AF_INET6, .len = 65527,
			  .h.len = ALIGN(88 + 65527, 8)), AF_INET6, false, true },
	{ "IPv6, 65528 bytes",
	  CKPT_TEST_DGRAM(.family = AF_INET6, .len = 65528,
			  .h.len = ALIGN(88 + 65528, 8)), AF_INET6 },
	{ "no device", CKPT_TEST_DGRAM(.ifindex = 0, .ifname = ""), AF_INET,
	  false, true },
	{ "a device without a name", CKPT_TEST_DGRAM(.ifname = ""), AF_INET },
	{ "a name without a device", CKPT_TEST_DGRAM(.ifindex = 0), AF_INET },
	{ "ifindex -1", CKPT_TEST_DGRAM(.ifindex = -1), AF_INET },
	{ "a name with no NUL",
	  CKPT_TEST_DGRAM(.ifname = "0123456789abcdef"), AF_INET },
	{ "bytes after the name's NUL",
	  CKPT_TEST_DGRAM(.ifname = { 'l', 'o', 0, 'x' }), AF_INET },
	{ "reserved", CKPT_TEST_DGRAM(.__reserved = { 0, 1 }), AF_INET },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_inet_dgram, ckpt_inet_dgram_tests, desc);

/* the record with its bytes, as ckpt_read_obj_var() gives it */
static void ckpt_test_inet_dgram_rec_ok(struct kunit *test)
{
	const struct ckpt_inet_dgram_test *t = test->param_value;
	struct ckpt_hdr_inet_dgram *d;
	size_t len = max_t(size_t, t->d.h.len, sizeof(*d));

	d = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	*d = t->d;
	KUNIT_EXPECT_EQ(test, ckpt_inet_dgram_rec_ok(d, t->family, t->v6only),
			t->ok);
}

static struct kunit_case ckpt_inet_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_inet_rec_ok, ckpt_inet_rec_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_inet_dgram_rec_ok,
			 ckpt_inet_dgram_gen_params),
	{}
};

static struct kunit_suite ckpt_inet_test_suite = {
	.name = "ckpt_inet",
	.test_cases = ckpt_inet_test_cases,
};

kunit_test_suite(ckpt_inet_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
