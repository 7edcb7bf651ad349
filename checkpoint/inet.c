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
 * Saved: TCP sockets never connected (bound or not) and listeners whose
 * accept queue is empty; UDP sockets bound or not, connected or not, with
 * an empty receive queue. Refused with a line: TCP connections, a
 * listener with connections not accepted yet (or being set up), a UDP
 * socket with datagrams queued or data corked, a pending error, options
 * that are not saved (multicast, IP options, timestamps, filters, a bound
 * device, TCP_CONGESTION...), a socket of another network namespace.
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
#include <linux/security.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/inet_connection_sock.h>
#include <net/inet_sock.h>
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
#define CKPT_INET_UDP_QUEUED \
	"is a UDP socket with datagrams queued: not supported yet"
#define CKPT_INET_UDP_CORKED \
	"is a UDP socket with data corked or a UDP option that is not saved: not supported yet"
#define CKPT_INET_NOT_ACCEPTED \
	"is a listening TCP socket with connections not accepted yet: not supported yet"
#define CKPT_INET_SYN_RECV \
	"is a listening TCP socket with a connection being set up (SYN_RECV): not supported yet"
#define CKPT_INET_ENDED \
	"is a TCP socket whose connection ended: not supported yet"

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
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_inet_ip_opts); i++)
		saved |= BIT(ckpt_inet_ip_opts[i].bit);
	if (READ_ONCE(inet->inet_flags) & ~saved)
		return "an IP option such as IP_PASSSEC, IPV6_DONTFRAG or IPV6_AUTOFLOWLABEL";
	mc = READ_ONCE(inet->inet_flags) & (BIT(INET_FLAGS_MC_LOOP) |
		BIT(INET_FLAGS_MC_ALL) | BIT(INET_FLAGS_MC6_LOOP) |
		BIT(INET_FLAGS_MC6_ALL));
	if (rcu_access_pointer(inet->mc_list) ||
	    mc != ckpt_inet_mc_default(sk->sk_family) ||
	    READ_ONCE(inet->mc_ttl) != 1 || READ_ONCE(inet->mc_index) ||
	    READ_ONCE(inet->mc_addr))
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
		    np->mcast_hops != IPV6_DEFAULT_MCASTHOPS || np->mcast_oif)
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
	if (READ_ONCE(sk->sk_ll_usec) || READ_ONCE(sk->sk_prefer_busy_poll))
		return "SO_BUSY_POLL";
#endif
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
		if (!skb_queue_empty_lockless(&sk->sk_receive_queue) ||
		    !skb_queue_empty_lockless(&udp_sk(sk)->reader_queue))
			return CKPT_INET_UDP_QUEUED;
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
		if (sk->sk_dport || READ_ONCE(sk->sk_shutdown) ||
		    !skb_queue_empty_lockless(&sk->sk_receive_queue) ||
		    !skb_queue_empty_lockless(&sk->sk_write_queue))
			return CKPT_INET_ENDED;
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

static int ckpt_inet_checkpoint(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct socket *sock = sock_from_file(e->file);
	struct ckpt_hdr_file_inet h = {};
	struct sock *sk = sock->sk;
	const char *why;
	char buf[64];

	lock_sock(sk);
	/* a connection may have come while the tree was frozen */
	why = ckpt_inet_unsaved_state(sk, buf, sizeof(buf));
	if (why) {
		release_sock(sk);
		return ckpt_log_unsupported(ctx, e, why);
	}
	h.family = sk->sk_family;
	h.protocol = sk->sk_protocol;
	h.state = sk->sk_state;
	ckpt_inet_addrs(sk, &h);
	if (sk->sk_userlocks & SOCK_BINDADDR_LOCK)
		h.flags |= CKPT_INET_BOUND_ADDR;
	if (sk->sk_userlocks & SOCK_BINDPORT_LOCK)
		h.flags |= CKPT_INET_BOUND_PORT;
	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		h.flags |= CKPT_INET_SNDBUF_LOCK;
	if (sk->sk_userlocks & SOCK_RCVBUF_LOCK)
		h.flags |= CKPT_INET_RCVBUF_LOCK;
	if (sk->sk_reuse)
		h.flags |= CKPT_INET_REUSEADDR;
	if (sk->sk_reuseport)
		h.flags |= CKPT_INET_REUSEPORT;
	if (sock_flag(sk, SOCK_KEEPOPEN))
		h.flags |= CKPT_INET_KEEPALIVE;
	if (sock_flag(sk, SOCK_URGINLINE))
		h.flags |= CKPT_INET_OOBINLINE;
	if (sock_flag(sk, SOCK_BROADCAST))
		h.flags |= CKPT_INET_BROADCAST;
	if (sock_flag(sk, SOCK_LINGER)) {
		h.flags |= CKPT_INET_LINGER;
		h.linger = READ_ONCE(sk->sk_lingertime) / HZ;
	}
	/* what sock_wake_async() looks at before it sends SIGIO */
	if (test_bit(SOCKWQ_ASYNC_NOSPACE, &sock->wq.flags))
		h.flags |= CKPT_INET_ASYNC_NOSPACE;
	if (test_bit(SOCKWQ_ASYNC_WAITDATA, &sock->wq.flags))
		h.flags |= CKPT_INET_ASYNC_WAITDATA;
	if (!ckpt_inet_is_tcp(sk)) {
		if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
			h.flags |= CKPT_INET_SHUT_RD;
		if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
			h.flags |= CKPT_INET_SHUT_WR;
	}
	if (sk->sk_state == TCP_LISTEN)
		h.backlog = READ_ONCE(sk->sk_max_ack_backlog);
	h.sndbuf = READ_ONCE(sk->sk_sndbuf);
	h.rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	h.rcvlowat = READ_ONCE(sk->sk_rcvlowat);
	h.peek_off = READ_ONCE(sk->sk_peek_off);
	h.sndtimeo_us = ckpt_sock_timeo_us(READ_ONCE(sk->sk_sndtimeo));
	h.rcvtimeo_us = ckpt_sock_timeo_us(READ_ONCE(sk->sk_rcvtimeo));
	h.priority = READ_ONCE(sk->sk_priority);
	h.mark = READ_ONCE(sk->sk_mark);
	ckpt_inet_ip_opts_save(sk, &h);
	if (ckpt_inet_is_tcp(sk))
		ckpt_inet_tcp_opts_save(sk, &h);
	release_sock(sk);
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_INET, sizeof(h));
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
	    (f_flags & O_ACCMODE) != O_RDWR || h->__reserved)
		return false;
	if (tcp ? h->state != TCP_CLOSE && h->state != TCP_LISTEN :
		  h->state != TCP_CLOSE && !connected)
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
		    !ckpt_inet_zero(h->raddr + 4, 12)))
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
	if (!(h->flags & CKPT_INET_LINGER) && h->linger)
		return false;
	if (h->rcvlowat < 1 || h->peek_off < -1)
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
	if (!ret && h->flags & CKPT_INET_LINGER) {
		struct linger l = { .l_onoff = 1, .l_linger = h->linger };

		what = "SO_LINGER";
		ret = do_sock_setsockopt(sock, false, SOL_SOCKET, SO_LINGER,
					 KERNEL_SOCKPTR(&l), sizeof(l));
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
	if (!ret && h->priority) {
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

/* Make it listen or connect it, as it was; then shut it down */
static int ckpt_inet_activate(struct ckpt_ctx *ctx, struct file *file,
			      u32 objref, const struct ckpt_hdr_file_inet *h)
{
	struct socket *sock = sock_from_file(file);
	struct sockaddr_storage ss;
	int len, ret = 0;

	if (h->state == TCP_LISTEN) {
		ret = __sys_listen_socket(sock, h->backlog);
		if (ret)
			ckpt_log(ctx, ret,
				 "file record %u: cannot make the TCP socket listen on port %u",
				 objref, h->lport);
	} else if (h->state == TCP_ESTABLISHED) {
		len = ckpt_inet_sockaddr(h->family, h->raddr, h->rport, &ss);
		ret = __sys_connect_file(file, &ss, len, 0);
		if (ret) {
			ckpt_log(ctx, ret,
				 "file record %u: cannot connect the UDP socket to port %u",
				 objref, h->rport);
		} else if (!ckpt_inet_laddr_is(sock->sk, h)) {
			ret = -EADDRNOTAVAIL;
			ckpt_log(ctx, ret,
				 "file record %u: the route to the UDP socket's peer gives it another address than it had",
				 objref);
		}
	}
	if (!ret && h->flags & (CKPT_INET_SHUT_RD | CKPT_INET_SHUT_WR)) {
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

/*
 * RESTART_VALIDATE makes the socket and gives it its options, which
 * checks them, but binds and connects nothing: it checks the image, not
 * which ports are free.
 */
static struct file *ckpt_inet_restore(struct ckpt_ctx *ctx,
				      const struct ckpt_hdr_file *hf)
{
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
	if (h.family == AF_INET6 && !IS_ENABLED(CONFIG_IPV6)) {
		ckpt_log(ctx, -EAFNOSUPPORT,
			 "file record %u: an IPv6 socket, and this kernel has no IPv6",
			 hf->objref);
		return ERR_PTR(-EAFNOSUPPORT);
	}
	ret = sock_create(h.family,
			  h.protocol == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM,
			  h.protocol, &sock);
	if (ret) {
		ckpt_log(ctx, ret, "file record %u: cannot make a %s socket",
			 hf->objref, ckpt_inet_proto(&h));
		return ERR_PTR(ret);
	}
	/* sock_alloc_file() releases the socket on failure */
	file = sock_alloc_file(sock, O_RDWR | (hf->f_flags & O_NONBLOCK), NULL);
	if (IS_ERR(file))
		return file;
	ret = ckpt_inet_set_sock_opts(ctx, sock, hf->objref, &h) ?:
	      ckpt_inet_set_proto_opts(ctx, sock, hf->objref, &h);
	/* as the wait for space or data that was under way left them */
	if (h.flags & CKPT_INET_ASYNC_NOSPACE)
		set_bit(SOCKWQ_ASYNC_NOSPACE, &sock->wq.flags);
	if (h.flags & CKPT_INET_ASYNC_WAITDATA)
		set_bit(SOCKWQ_ASYNC_WAITDATA, &sock->wq.flags);
	if (!ret && !(ctx->flags & RESTART_VALIDATE)) {
		if (h.lport || h.flags & CKPT_INET_BOUND_ADDR)
			ret = ckpt_inet_bind(ctx, sock, hf->objref, &h);
		if (!ret)
			ret = ckpt_inet_activate(ctx, file, hf->objref, &h);
	}
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

/* A FILE_INET record: a TCP listener on 127.0.0.1:8080, the defaults */
#define CKPT_TEST_INET(...)						\
	{ .family = AF_INET, .protocol = IPPROTO_TCP,			\
	  .state = TCP_LISTEN, .laddr = { 127, 0, 0, 1 }, .lport = 8080,\
	  .backlog = 128, .rcvlowat = 1, .peek_off = -1, .ttl = -1,	\
	  .hops = -1, __VA_ARGS__ }

/* A connected UDP socket, 127.0.0.1:5000 to 127.0.0.1:53 */
#define CKPT_TEST_UDP(...)						\
	CKPT_TEST_INET(.protocol = IPPROTO_UDP, .state = TCP_ESTABLISHED,\
		       .lport = 5000, .backlog = 0,			\
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
	  CKPT_TEST_INET(.family = AF_INET6, .flags = CKPT_INET_V6ONLY,
			 .laddr = { [15] = 1 }), O_RDWR, true },
	{ "IPv4 address with bytes past 4",
	  CKPT_TEST_INET(.laddr = { 127, 0, 0, 1, 1 }), O_RDWR },
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
			 .laddr = { 0 }), O_RDWR, true },
	{ "TCP never connected, backlog",
	  CKPT_TEST_INET(.state = TCP_CLOSE), O_RDWR },
	{ "TCP ESTABLISHED (not yet)",
	  CKPT_TEST_INET(.state = TCP_ESTABLISHED, .backlog = 0,
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
	  CKPT_TEST_UDP(.state = TCP_CLOSE, .rport = 0, .raddr = { 0 }),
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
	{ "reserved", CKPT_TEST_INET(.__reserved = 1), O_RDWR },
	{ "SO_LINGER 5 s", CKPT_TEST_INET(.flags = CKPT_INET_LINGER,
					  .linger = 5), O_RDWR, true },
	{ "linger seconds without SO_LINGER", CKPT_TEST_INET(.linger = 5), O_RDWR },
	{ "SO_RCVLOWAT 0", CKPT_TEST_INET(.rcvlowat = 0), O_RDWR },
	{ "SO_PEEK_OFF -2", CKPT_TEST_INET(.peek_off = -2), O_RDWR },
	{ "IP_MTU_DISCOVER OMIT",
	  CKPT_TEST_INET(.pmtudisc = IP_PMTUDISC_OMIT), O_RDWR, true },
	{ "IP_MTU_DISCOVER 6", CKPT_TEST_INET(.pmtudisc = 6), O_RDWR },
	{ "IPV6_MTU_DISCOVER 6", CKPT_TEST_INET(.pmtudisc6 = 6), O_RDWR },
	{ "IP_TTL 255", CKPT_TEST_INET(.ttl = 255), O_RDWR, true },
	{ "IP_TTL 0", CKPT_TEST_INET(.ttl = 0), O_RDWR },
	{ "IP_TTL 256", CKPT_TEST_INET(.ttl = 256), O_RDWR },
	{ "IPV6_UNICAST_HOPS 0", CKPT_TEST_INET(.hops = 0), O_RDWR, true },
	{ "IPV6_UNICAST_HOPS -2", CKPT_TEST_INET(.hops = -2), O_RDWR },
	{ "IPV6_UNICAST_HOPS 256", CKPT_TEST_INET(.hops = 256), O_RDWR },
	{ "TCP_LINGER2 -1", CKPT_TEST_INET(.linger2 = -1), O_RDWR, true },
	{ "TCP_LINGER2 -2", CKPT_TEST_INET(.linger2 = -2), O_RDWR },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_inet_rec, ckpt_inet_rec_tests, desc);

static void ckpt_test_inet_rec_ok(struct kunit *test)
{
	const struct ckpt_inet_rec_test *t = test->param_value;

	KUNIT_EXPECT_EQ(test, ckpt_inet_rec_ok(&t->h, t->f_flags), t->ok);
}

static struct kunit_case ckpt_inet_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_inet_rec_ok, ckpt_inet_rec_gen_params),
	{}
};

static struct kunit_suite ckpt_inet_test_suite = {
	.name = "ckpt_inet",
	.test_cases = ckpt_inet_test_cases,
};

kunit_test_suite(ckpt_inet_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
