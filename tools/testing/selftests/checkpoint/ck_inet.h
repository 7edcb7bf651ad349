/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the selftests whose tree has TCP and UDP sockets on the
 * loopback, checkpointed with ck_tree.h's harness (inet_test, tcp_test):
 * a root that may do more between READY and the checkpoint (tree_mid)
 * and reports ports; addresses (union addr: made, shown, compared, a
 * socket's names); sockets bound, listening or connected, their options
 * by value, a close with a reset; and the options FILE_INET saves, read
 * before the checkpoint and compared after the restart.
 *
 * What differs between the tests, each defines before it includes this:
 *   INET_MID_KEY	the word of the root's report of its tree_mid()
 *			("MID": "MID 1", or "MID -1" and why not)
 *   INET_NAME_WAS	how name_is() says what a name should have been
 *			(a format with one %s: "expected %s")
 *   INET_OPTS_CONN	1: opts_read() and opts_same() take the options of
 *			a connection only (opts[].conn); 0: all of them
 */
#ifndef CK_INET_H
#define CK_INET_H

#if !defined(INET_MID_KEY) || !defined(INET_NAME_WAS) || \
	!defined(INET_OPTS_CONN)
#error "define INET_MID_KEY, INET_NAME_WAS and INET_OPTS_CONN before ck_inet.h"
#endif

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "ck_tree.h"

#ifndef __NR_close_range
#define __NR_close_range	436
#endif
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT	24
#endif
#ifndef IPV6_RECVORIGDSTADDR
#define IPV6_RECVORIGDSTADDR	74
#endif
#ifndef TCP_NOTSENT_LOWAT
#define TCP_NOTSENT_LOWAT	25
#endif

/* ---- the tree ------------------------------------------------------------ */

/*
 * What the tree does between READY and the checkpoint, when the test
 * says so (mid_phase()): NULL, none
 */
static int (*tree_mid)(void);

/*
 * The root of the tree: no fd of the test's (but stdio), @setup, say
 * ready, wait for SIGUSR1, then tree_mid() if any, say so and wait
 * again, then @verify, and report.
 */
static inline void inet_root(int (*setup)(void), int (*verify)(void))
{
	tree_enter();
	syscall(__NR_close_range, 3, ~0U, 0);
	tree_ready(setup);
	if (tree_mid) {
		tree_go = 0;
		if (tree_mid()) {
			lite_say(ckt.report,
				 INET_MID_KEY " -1\nVERIFY failed: %s\n", why);
			_exit(1);
		}
		lite_say(ckt.report, INET_MID_KEY " 1\n");
		lite_wait_flag(&tree_go, SIGUSR1);
	}
	tree_verdict(verify());
}

/* report a number: "@key <n>" */
static inline void say_port(const char *key, int port)
{
	lite_say(ckt.report, "%s %d\n", key, port);
}

/* the number the tree reported as "@key <n>" */
static inline int reported(const char *key)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%s ", key);
	return lite_line_pid(ckt.report, prefix, 1);
}

/* let the tree do its tree_mid() (before the checkpoint), and wait for it */
static inline void mid_phase(struct __test_metadata *_metadata)
{
	char rep[4096] = "";

	ASSERT_EQ(0, kill(ckt.root, SIGUSR1));
	ASSERT_EQ(1, lite_line_pid(ckt.report, INET_MID_KEY " ", 30))
		TH_LOG("report: %s",
		       (lite_slurp(ckt.report, rep, sizeof(rep)), rep));
}

/* ---- addresses ----------------------------------------------------------- */

union addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr_storage ss;
};

/* @ip (of @family, NULL: any) and @port into @a: its length */
static inline socklen_t mk_addr(union addr *a, int family, const char *ip,
				int port)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->v4.sin_family = AF_INET;
		a->v4.sin_port = htons(port);
		if (ip)
			inet_pton(AF_INET, ip, &a->v4.sin_addr);
		return sizeof(a->v4);
	}
	a->v6.sin6_family = AF_INET6;
	a->v6.sin6_port = htons(port);
	if (ip)
		inet_pton(AF_INET6, ip, &a->v6.sin6_addr);
	return sizeof(a->v6);
}

static inline int port_of(const union addr *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->v6.sin6_port :
		     a->v4.sin_port);
}

/* "127.0.0.1:80", "[::1]:80" (four buffers, used in turn) */
static inline const char *show(const union addr *a)
{
	static char buf[4][80];
	static int i;
	char *s = buf[i++ % 4], ip[INET6_ADDRSTRLEN] = "?";

	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->v6.sin6_addr, ip, sizeof(ip));
		snprintf(s, sizeof(buf[0]), "[%s]:%d", ip, port_of(a));
	} else if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->v4.sin_addr, ip, sizeof(ip));
		snprintf(s, sizeof(buf[0]), "%s:%d", ip, port_of(a));
	} else {
		snprintf(s, sizeof(buf[0]), "(family %d)", a->sa.sa_family);
	}
	return s;
}

/* the same family, address and port */
static inline bool same_addr(const union addr *a, const union addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->v4.sin_port == b->v4.sin_port &&
		       a->v4.sin_addr.s_addr == b->v4.sin_addr.s_addr;
	return a->sa.sa_family == AF_INET6 &&
	       a->v6.sin6_port == b->v6.sin6_port &&
	       !memcmp(&a->v6.sin6_addr, &b->v6.sin6_addr,
		       sizeof(a->v6.sin6_addr));
}

/* getsockname() of @fd, or with @peer getpeername(): 0 or -1 */
static inline int name_of(int fd, bool peer, union addr *a)
{
	socklen_t len = sizeof(*a);

	memset(a, 0, sizeof(*a));
	return peer ? getpeername(fd, &a->sa, &len) :
		      getsockname(fd, &a->sa, &len);
}

/* the port getsockname() reports for @fd, or -1 */
static inline int port_of_fd(int fd)
{
	union addr a;

	return name_of(fd, false, &a) ? -1 : port_of(&a);
}

/* @fd's name (with @peer its peer's) is @want: 0, or NOPE */
static inline int name_is(int fd, bool peer, const union addr *want,
			  const char *what)
{
	const char *call = peer ? "getpeername()" : "getsockname()";
	union addr a;

	if (name_of(fd, peer, &a))
		return NOPE("%s: %s: %s", what, call, strerror(errno));
	if (!same_addr(&a, want))
		return NOPE("%s: %s reports %s, " INET_NAME_WAS, what, call,
			    show(&a), show(want));
	return 0;
}

/* ---- sockets ------------------------------------------------------------- */

static inline int set_opt(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v));
}

static inline int get_opt(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int v;

	return getsockopt(fd, level, opt, &v, &len) ? -1 : v;
}

/*
 * a socket of @family and @type bound to @ip:@port (any: NULL), or with
 * @conn connected to it: the fd
 */
static inline int sock_at(int family, int type, const char *ip, int port,
			  bool conn)
{
	int fd = socket(family, type, 0);
	union addr a;
	socklen_t len = mk_addr(&a, family, ip, port);

	if (fd >= 0 && (conn ? connect(fd, &a.sa, len) :
			       bind(fd, &a.sa, len))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* a socket of @family and @type bound to @ip:@port (any: NULL): the fd */
static inline int bound(int family, int type, const char *ip, int port)
{
	return sock_at(family, type, ip, port, false);
}

/* a TCP listener on @ip (of @family):@port with @backlog: the fd */
static inline int listener(int family, const char *ip, int port, int backlog)
{
	int fd = bound(family, SOCK_STREAM, ip, port);

	if (fd >= 0 && listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* a socket of @family and @type connected to @ip:@port: the fd */
static inline int connected(int family, int type, const char *ip, int port)
{
	return sock_at(family, type, ip, port, true);
}

/* close @fd with a reset: no FIN_WAIT or TIME_WAIT left behind */
static inline void rst_close(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

/* ---- options ------------------------------------------------------------- */

/*
 * The options FILE_INET saves, as getsockopt() reads them (inet_test
 * compares them all). conn: one a connection's program sets, or reads,
 * that restart gives back as it was (tcp_test compares those: not the
 * buffer sizes the stack tunes itself, nor what the connection computes,
 * TCP_MAXSEG and TCP_WINDOW_CLAMP).
 */
static const struct opt {
	int level, name;
	const char *what;
	bool conn;
} opts[] = {
	{ SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", true },
	{ SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT", false },
	{ SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", true },
	{ SOL_SOCKET, SO_OOBINLINE, "SO_OOBINLINE", true },
	{ SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST", false },
	{ SOL_SOCKET, SO_LINGER, "SO_LINGER", true },
	{ SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF", false },
	{ SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF", false },
	{ SOL_SOCKET, SO_RCVLOWAT, "SO_RCVLOWAT", true },
	{ SOL_SOCKET, SO_PEEK_OFF, "SO_PEEK_OFF", false },
	{ SOL_SOCKET, SO_SNDTIMEO, "SO_SNDTIMEO", true },
	{ SOL_SOCKET, SO_RCVTIMEO, "SO_RCVTIMEO", true },
	{ SOL_SOCKET, SO_PRIORITY, "SO_PRIORITY", true },
	{ SOL_SOCKET, SO_MARK, "SO_MARK", true },
	{ SOL_SOCKET, SO_TYPE, "SO_TYPE", true },
	{ SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL", true },
	{ SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN", true },
	{ SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN", true },
	{ SOL_IP, IP_TOS, "IP_TOS", true },
	{ SOL_IP, IP_TTL, "IP_TTL", true },
	{ SOL_IP, IP_MTU_DISCOVER, "IP_MTU_DISCOVER", false },
	{ SOL_IP, IP_PKTINFO, "IP_PKTINFO", false },
	{ SOL_IP, IP_RECVTTL, "IP_RECVTTL", false },
	{ SOL_IP, IP_RECVTOS, "IP_RECVTOS", false },
	{ SOL_IP, IP_RECVOPTS, "IP_RECVOPTS", false },
	{ SOL_IP, IP_RETOPTS, "IP_RETOPTS", false },
	{ SOL_IP, IP_RECVORIGDSTADDR, "IP_RECVORIGDSTADDR", false },
	{ SOL_IP, IP_RECVERR, "IP_RECVERR", false },
	{ SOL_IP, IP_FREEBIND, "IP_FREEBIND", false },
	{ SOL_IP, IP_TRANSPARENT, "IP_TRANSPARENT", false },
	{ SOL_IP, IP_BIND_ADDRESS_NO_PORT, "IP_BIND_ADDRESS_NO_PORT", false },
	{ SOL_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY", false },
	{ SOL_IPV6, IPV6_TCLASS, "IPV6_TCLASS", false },
	{ SOL_IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS", false },
	{ SOL_IPV6, IPV6_MTU_DISCOVER, "IPV6_MTU_DISCOVER", false },
	{ SOL_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO", false },
	{ SOL_IPV6, IPV6_RECVHOPLIMIT, "IPV6_RECVHOPLIMIT", false },
	{ SOL_IPV6, IPV6_RECVTCLASS, "IPV6_RECVTCLASS", false },
	{ SOL_IPV6, IPV6_RECVORIGDSTADDR, "IPV6_RECVORIGDSTADDR", false },
	{ SOL_IPV6, IPV6_RECVERR, "IPV6_RECVERR", false },
	{ SOL_TCP, TCP_NODELAY, "TCP_NODELAY", true },
	{ SOL_TCP, TCP_CORK, "TCP_CORK", true },
	{ SOL_TCP, TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT", false },
	{ SOL_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE", true },
	{ SOL_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL", true },
	{ SOL_TCP, TCP_KEEPCNT, "TCP_KEEPCNT", true },
	{ SOL_TCP, TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT", true },
	{ SOL_TCP, TCP_MAXSEG, "TCP_MAXSEG", false },
	{ SOL_TCP, TCP_SYNCNT, "TCP_SYNCNT", true },
	{ SOL_TCP, TCP_LINGER2, "TCP_LINGER2", true },
	{ SOL_TCP, TCP_NOTSENT_LOWAT, "TCP_NOTSENT_LOWAT", true },
	{ SOL_TCP, TCP_WINDOW_CLAMP, "TCP_WINDOW_CLAMP", false },
	{ SOL_TCP, TCP_FASTOPEN, "TCP_FASTOPEN", false },
};

#define NR_OPTS	ARRAY_SIZE(opts)

/* the test takes option @k (INET_OPTS_CONN: a connection's only) */
static inline bool opt_taken(unsigned int k)
{
	return !INET_OPTS_CONN || opts[k].conn;
}

/* what getsockopt() gave: its error, or the value */
struct optval {
	int err;
	socklen_t len;
	unsigned char v[32];
};

struct optsnap {
	struct optval o[NR_OPTS];
};

static inline void opt_read(int fd, int k, struct optval *o)
{
	memset(o, 0, sizeof(*o));
	o->len = sizeof(o->v);
	if (getsockopt(fd, opts[k].level, opts[k].name, o->v, &o->len))
		o->err = errno;
}

/* every option of @fd the test takes, as getsockopt() reads it now */
static inline void opts_read(int fd, struct optsnap *s)
{
	unsigned int k;

	for (k = 0; k < NR_OPTS; k++)
		if (opt_taken(k))
			opt_read(fd, k, &s->o[k]);
}

/* an option's value or error, for a message */
static inline const char *opt_str(const struct optval *o)
{
	static char buf[2][96];
	static int i;
	char *s = buf[i++ % 2];
	int n = 0;
	socklen_t k;

	if (o->err)
		snprintf(s, sizeof(buf[0]), "%s", strerrorname_np(o->err) ?: "?");
	else if (o->len == sizeof(int))
		snprintf(s, sizeof(buf[0]), "%d", *(const int *)o->v);
	else
		for (k = 0; k < o->len && n < (int)sizeof(buf[0]) - 3; k++)
			n += snprintf(s + n, sizeof(buf[0]) - n, "%02x", o->v[k]);
	return s;
}

/*
 * every option of @fd the test takes reads as in @s: 0, or NOPE with the
 * first that differs
 */
static inline int opts_same(int fd, const struct optsnap *s, const char *what)
{
	struct optval now;
	unsigned int k;

	for (k = 0; k < NR_OPTS; k++) {
		if (!opt_taken(k))
			continue;
		opt_read(fd, k, &now);
		if (now.err != s->o[k].err || now.len != s->o[k].len ||
		    memcmp(now.v, s->o[k].v, now.len))
			return NOPE("%s: %s reads %s, it read %s before the checkpoint",
				    what, opts[k].what, opt_str(&now),
				    opt_str(&s->o[k]));
	}
	return 0;
}

#endif /* CK_INET_H */
