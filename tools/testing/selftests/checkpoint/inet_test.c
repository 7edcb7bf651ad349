// SPDX-License-Identifier: GPL-2.0
/*
 * TCP and UDP sockets of AF_INET and AF_INET6 on the loopback: listeners
 * (bound to a port the kernel chose, or given one by listen() alone;
 * IPv6 only, dual stack), TCP sockets never connected (unbound, bound),
 * UDP sockets bound or connected, shut down, with their options and
 * the datagrams queued on them (IPv4, IPv6, IPv4 on a dual-stack socket,
 * with their pktinfo, TOS, TTL, hop limit and traffic class),
 * checkpointed with their tree and restarted in the test's network
 * namespace.
 *
 * The root of a small tree makes its sockets, reports the ports the
 * kernel gave them ("PORT-NAME <port>" lines), says READY and waits for
 * SIGUSR1. The test process, outside the tree, is the peer over the
 * loopback (127.0.0.1 and ::1): it freezes the tree's cgroup,
 * checkpoints it, kills it, restarts the image, connects to the restored
 * listeners or sends datagrams to the restored sockets, and sends
 * SIGUSR1: the restored program looks at its sockets from the inside -
 * getsockname(), getpeername(), every saved option through getsockopt()
 * compared with what it read before the checkpoint (the kernel rounds
 * some), O_NONBLOCK, its owner - accepts the test's clients and answers
 * them, sends from its connected UDP sockets, and reports "VERIFY ok" or
 * what was wrong. The test checks what a peer sees: the ports are taken
 * again, the answers come, from the addresses they came from before;
 * and it reads the image: its FILE_INET records say what the program
 * had (who chose each port, the state, the peer, the options). Datagrams
 * the test sends before the checkpoint wait on the tree's UDP sockets
 * (the test waits until /proc/net/udp says each is queued): the image
 * has an INET_DGRAM record of each, and the restored program reads them
 * at once, in order, with their senders and control messages, before
 * what the test sends after the restart.
 *
 * Then the checkpoints that must refuse, each with its line, leaving the
 * tree working once thawed (a datagram with IP options or IPv6 extension
 * headers queued among them); and the restarts that fail because a port
 * is taken, leaving nothing running. Established TCP connections, and
 * those still refused (CLOSE_WAIT, urgent data...), are tcp_test's.
 *
 * The harness that forks, checkpoints, restarts and reads the tree is
 * ck_tree.h's; the helpers this test shares with tcp_test (addresses,
 * sockets, the options FILE_INET saves, a root with a phase before the
 * checkpoint) are ck_inet.h's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>
#include <linux/checkpoint_hdr.h>

/* this test's words in ck_inet.h's helpers */
#define INET_MID_KEY	"PEEKED"
#define INET_NAME_WAS	"expected %s"
#define INET_OPTS_CONN	0	/* all the options FILE_INET saves */
#include "ck_inet.h"
#include "image.h"

#define CG		"/sys/fs/cgroup/ckpt-inet"
#define WAIT_MS		20000	/* for what a process sends now */
#define TCP_LISTEN_ST	0x0a	/* states in /proc/net/tcp and udp */
#define UDP_UNCONN_ST	0x07
#define UDP_CONN_ST	0x01

/* the kernel's TCP states, as FILE_INET has them */
#define ST_ESTABLISHED	1
#define ST_CLOSE	7
#define ST_LISTEN	10

/* what setup() made, for verify() in the restored program */
static int fds[8];

/* the test's own sockets, made before the fork: their ports */
static int t_tcp_port;		/* a TCP listener on 127.0.0.1 */
static int t_udp_port;		/* a UDP socket on 127.0.0.1 */
static int t_udp6_port;		/* a UDP socket on ::1 */
/* the senders of datagrams a test made before the fork: their ports */
#define NR_SND		4
static int snd_port[NR_SND];

/* ---- sockets ------------------------------------------------------------- */

/* @fd has something to read within @ms */
static bool wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* @want, sent now by another process: it comes within WAIT_MS, alone */
static bool awaited(int fd, const char *want)
{
	size_t len = strlen(want), got = 0;
	char buf[256];
	ssize_t n;

	while (got < len && len < sizeof(buf)) {
		if (!wait_in(fd, WAIT_MS))
			return false;
		n = recv(fd, buf + got, len - got, MSG_DONTWAIT);
		if (n <= 0)
			return false;
		got += n;
	}
	return got == len && !memcmp(buf, want, len);
}

/* accept() a client that connects within @ms, or -1 */
static int accept_in(int fd, int ms)
{
	if (!wait_in(fd, ms)) {
		errno = ETIMEDOUT;
		return -1;
	}
	return accept(fd, NULL, NULL);
}

/*
 * The restored program's side of a connection: accept a client of the
 * listener @lfd, whose peer is of @family (and @ip, if not NULL), read
 * @want and answer @reply; the accepted fd in *@s (or -1)
 */
static int serve(int lfd, int family, const char *ip, const char *want,
		 const char *reply, int *s, const char *what)
{
	union addr a, w;

	*s = accept_in(lfd, WAIT_MS);
	if (*s < 0)
		return NOPE("%s accepts no client: %s", what, strerror(errno));
	if (name_of(*s, true, &a))
		return NOPE("%s: getpeername() of its client: %s", what,
			    strerror(errno));
	mk_addr(&w, family, ip, port_of(&a));
	if (a.sa.sa_family != family || (ip && !same_addr(&a, &w)))
		return NOPE("%s: its client is %s, expected one from %s", what,
			    show(&a), ip ? show(&w) : "that family");
	if (!awaited(*s, want))
		return NOPE("%s: the client's \"%s\" did not come", what, want);
	if (send(*s, reply, strlen(reply), 0) != (ssize_t)strlen(reply))
		return NOPE("%s: cannot answer: %s", what, strerror(errno));
	return 0;
}

/* ---- options ------------------------------------------------------------- */

/* @a and @b (a listener and a socket it accepted) read the same @opt */
static int same_opt(int a, int b, int level, int opt, const char *name)
{
	int va = get_opt(a, level, opt), vb = get_opt(b, level, opt);

	if (va != vb)
		return NOPE("the accepted socket's %s is %d, its listener's %d",
			    name, vb, va);
	return 0;
}

/* ---- the image ----------------------------------------------------------- */

struct rec_find {
	uint32_t protocol;
	int port;
	struct ckpt_hdr_file_inet *out;
	int found;
};

static int find_cb(const struct ckpt_hdr *h, size_t off, void *arg)
{
	const struct ckpt_hdr_file_inet *r = (const void *)h;
	struct rec_find *f = arg;

	if (h->type != CKPT_HDR_FILE_INET || r->protocol != f->protocol ||
	    r->lport != f->port)
		return 0;
	memset(f->out, 0, sizeof(*f->out));
	memcpy(f->out, r, h->len < sizeof(*r) ? h->len : sizeof(*r));
	f->found++;
	return 0;
}

/*
 * The FILE_INET record of the image at img of @protocol and local port
 * @port, into @out: how many the image has (1 expected)
 */
static int inet_rec(uint32_t protocol, int port, struct ckpt_hdr_file_inet *out)
{
	struct rec_find f = { protocol, port, out, 0 };
	struct ckpt_image im;

	if (ckpt_image_load(ckt.img, &im))
		return 0;
	ckpt_image_walk(&im, find_cb, &f, NULL, 0);
	ckpt_image_free(&im);
	return f.found;
}

/* an IPv4 address in a FILE_INET: its 4 bytes, network order, then zeroes */
static bool rec_v4_is(const __u8 *addr, const char *ip)
{
	static const __u8 zero[12];
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	return !memcmp(addr, &a, 4) && !memcmp(addr + 4, zero, 12);
}

/* ---- /proc/net ----------------------------------------------------------- */

/*
 * The rx_queue that /proc/net/@file shows for the socket on local port
 * @port in state @st (a listener: its connections not accepted; a UDP
 * socket: the memory its datagrams queued take), or -1. @file: tcp, udp
 * (IPv4) or udp6 (IPv6, a dual-stack socket's too).
 */
static long proc_rxq(const char *file, int port, int st)
{
	char path[64], line[512];
	unsigned int lport, state;
	unsigned long rxq;
	long ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*x:%lx",
			   &lport, &state, &rxq) == 3 &&
		    (int)lport == port && (int)state == st)
			ret = rxq;
	fclose(f);
	return ret;
}

/* wait until proc_rxq() is at least @min: true, or false after 30 s */
static bool rxq_reaches(const char *file, int port, int st, long min)
{
	int i;

	for (i = 0; i < 30 * 50; i++) {
		if (proc_rxq(file, port, st) >= min)
			return true;
		usleep(20000);
	}
	return false;
}

/* ---- the test process ---------------------------------------------------- */

/* the test's sockets around the tree (ckt has the tree) */
struct tree {
	int t_tcp, t_udp, t_udp6;	/* the test's sockets, or -1 */
	int held;			/* a port the test took, or -1 */
	int snd[NR_SND];		/* senders of datagrams, or -1 */
};

static const struct tree_cfg cfg = {
	.name = "inet_test",
	.cg = CG,
	.dir = false,		/* the tree needs no directory of its own */
	.peer = false,		/* the test is the tree's peer */
	.root = inet_root,
	.validate_not = "take the ports",
};

static void world_setup(struct __test_metadata *_metadata, struct tree *t)
{
	int k;

	t->t_tcp = t->t_udp = t->t_udp6 = t->held = -1;
	for (k = 0; k < NR_SND; k++) {
		t->snd[k] = -1;
		snd_port[k] = 0;
	}
	tree_mid = NULL;
	tree_init(_metadata, &cfg);
	/*
	 * the test's peers, made before the fork so that the tree knows
	 * their ports
	 */
	t->t_tcp = listener(AF_INET, "127.0.0.1", 0, 8);
	t->t_udp = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	t->t_udp6 = bound(AF_INET6, SOCK_DGRAM, "::1", 0);
	ASSERT_LE(0, t->t_tcp) TH_LOG("TCP listener: %s", strerror(errno));
	ASSERT_LE(0, t->t_udp) TH_LOG("UDP socket: %s", strerror(errno));
	ASSERT_LE(0, t->t_udp6) TH_LOG("UDP socket on ::1: %s", strerror(errno));
	t_tcp_port = port_of_fd(t->t_tcp);
	t_udp_port = port_of_fd(t->t_udp);
	t_udp6_port = port_of_fd(t->t_udp6);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void world_teardown(struct tree *t)
{
	int k;

	tree_end();
	close_fd(&t->t_tcp);
	close_fd(&t->t_udp);
	close_fd(&t->t_udp6);
	close_fd(&t->held);
	for (k = 0; k < NR_SND; k++)
		close_fd(&t->snd[k]);
	tree_clean();
}

/* no child of the test is left, and the cgroup is empty: nothing runs */
static void nothing_left(struct __test_metadata *_metadata)
{
	char procs[256] = "";

	tree_nothing_left(_metadata);
	lite_slurp(CG "/cgroup.procs", procs, sizeof(procs));
	EXPECT_STREQ("", procs) TH_LOG("the tree's cgroup has tasks");
}

/*
 * The test's client of a restored listener at @ip:@port: connected, @msg
 * sent; the fd (or -1). Its peer is @ip:@port.
 */
static int knock(struct __test_metadata *_metadata, int family,
		 const char *ip, int port, const char *msg)
{
	int c = connected(family, SOCK_STREAM, ip, port);
	union addr want;

	mk_addr(&want, family, ip, port);
	EXPECT_LE(0, c) TH_LOG("connect to %s: %s", show(&want),
			       strerror(errno));
	if (c < 0)
		return -1;
	EXPECT_EQ(0, name_is(c, true, &want, "the test's client"))
		TH_LOG("%s", why);
	EXPECT_EQ((ssize_t)strlen(msg), send(c, msg, strlen(msg), 0));
	return c;
}

/* ...and the listener's program answers @reply */
static void answered(struct __test_metadata *_metadata, int c,
		     const char *reply)
{
	if (c < 0)
		return;
	EXPECT_TRUE(awaited(c, reply)) TH_LOG("no \"%s\" from the listener",
					      reply);
	close(c);
}

/* a socket of @family and @type cannot take @ip:@port: the tree has it */
static void port_taken(struct __test_metadata *_metadata, int family,
		       int type, const char *ip, int port)
{
	int fd = bound(family, type, ip, port);
	union addr a;

	mk_addr(&a, family, ip, port);
	EXPECT_EQ(-1, fd) TH_LOG("the test could bind a %s socket to %s: the restored socket is not bound there",
				 type == SOCK_STREAM ? "TCP" : "UDP", show(&a));
	if (fd >= 0) {
		close(fd);
		return;
	}
	EXPECT_EQ(EADDRINUSE, errno)
		TH_LOG("bind to %s: %s", show(&a), strerror(errno));
}

FIXTURE(inet) {
	struct tree t;
};

FIXTURE_SETUP(inet)
{
	world_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(inet)
{
	world_teardown(&self->t);
}

/* ---- a TCP listener with options ----------------------------------------- */

#define L_BACKLOG	7
#define L_RCVBUF	65536
#define L_KEEPIDLE	77
#define L_KEEPINTVL	13
#define L_KEEPCNT	4
#define L_DEFER		5	/* seconds: getsockopt() reports it rounded */
#define L_RCVTIMEO_US	7500000

static struct optsnap l_opts;
static union addr l_name;

/*
 * fds[0]: bound to 127.0.0.1 and a port the kernel chose, SO_REUSEADDR,
 * TCP_NODELAY, TCP_DEFER_ACCEPT, SO_KEEPALIVE with TCP_KEEPIDLE,
 * TCP_KEEPINTVL and TCP_KEEPCNT, SO_RCVBUF, SO_RCVTIMEO; listening
 */
static int l_setup(void)
{
	struct timeval tv = { L_RCVTIMEO_US / 1000000, L_RCVTIMEO_US % 1000000 };
	union addr a;
	socklen_t len = mk_addr(&a, AF_INET, "127.0.0.1", 0);

	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || set_opt(fds[0], SOL_SOCKET, SO_REUSEADDR, 1) ||
	    set_opt(fds[0], SOL_TCP, TCP_NODELAY, 1) ||
	    set_opt(fds[0], SOL_TCP, TCP_DEFER_ACCEPT, L_DEFER) ||
	    set_opt(fds[0], SOL_SOCKET, SO_KEEPALIVE, 1) ||
	    set_opt(fds[0], SOL_TCP, TCP_KEEPIDLE, L_KEEPIDLE) ||
	    set_opt(fds[0], SOL_TCP, TCP_KEEPINTVL, L_KEEPINTVL) ||
	    set_opt(fds[0], SOL_TCP, TCP_KEEPCNT, L_KEEPCNT) ||
	    set_opt(fds[0], SOL_SOCKET, SO_RCVBUF, L_RCVBUF) ||
	    setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(fds[0], &a.sa, len) || listen(fds[0], L_BACKLOG) ||
	    name_of(fds[0], false, &l_name))
		return -1;
	opts_read(fds[0], &l_opts);
	say_port("PORT", port_of(&l_name));
	return 0;
}

/*
 * Restored: the same name, every option as it was; it accepts the test's
 * client (which it could not without data: TCP_DEFER_ACCEPT), which
 * inherits its options, and answers it
 */
static int l_verify(void)
{
	int s, ret;

	if (name_is(fds[0], false, &l_name, "the listener") ||
	    opts_same(fds[0], &l_opts, "the listener"))
		return -1;
	if (get_opt(fds[0], SOL_SOCKET, SO_ACCEPTCONN) != 1)
		return NOPE("the listener does not listen");
	ret = serve(fds[0], AF_INET, "127.0.0.1", "hello", "hello back", &s,
		    "the listener");
	if (!ret)
		ret = same_opt(fds[0], s, SOL_TCP, TCP_NODELAY, "TCP_NODELAY") ?:
		      same_opt(fds[0], s, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE") ?:
		      same_opt(fds[0], s, SOL_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE") ?:
		      same_opt(fds[0], s, SOL_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL") ?:
		      same_opt(fds[0], s, SOL_TCP, TCP_KEEPCNT, "TCP_KEEPCNT") ?:
		      same_opt(fds[0], s, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF");
	if (s >= 0)
		close(s);
	return ret;
}

/*
 * A listener on 127.0.0.1 with options: the image has it as the program
 * had it; restarted, it listens on the same port again, before the
 * program runs (the test's client connects), every option reads back as
 * before the checkpoint, and the program accepts the client and answers.
 */
TEST_F_TIMEOUT(inet, tcp_listener_keeps_its_port_and_options_and_serves, 120)
{
	struct ckpt_hdr_file_inet r;
	int port, c;

	tree_start(_metadata, l_setup, l_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	tree_checkpoint_and_kill(_metadata);

	ASSERT_EQ(1, inet_rec(IPPROTO_TCP, port, &r))
		TH_LOG("the image has no FILE_INET of the TCP port %d", port);
	EXPECT_EQ((__u32)AF_INET, r.family);
	EXPECT_EQ((__u32)ST_LISTEN, r.state);
	EXPECT_TRUE(rec_v4_is(r.laddr, "127.0.0.1"));
	EXPECT_EQ((__u32)L_BACKLOG, r.backlog);
	/* bind() chose the port (port 0): not CKPT_INET_BOUND_PORT */
	EXPECT_EQ((__u32)(CKPT_INET_BOUND_ADDR | CKPT_INET_REUSEADDR |
			  CKPT_INET_KEEPALIVE | CKPT_INET_RCVBUF_LOCK),
		  r.flags & ~(__u32)(CKPT_INET_ASYNC_NOSPACE |
				     CKPT_INET_ASYNC_WAITDATA));
	EXPECT_EQ((__u32)CKPT_INET_TCP_NODELAY, r.tcp_flags);
	EXPECT_EQ((__u32)L_KEEPIDLE, r.keepidle);
	EXPECT_EQ((__u32)L_KEEPINTVL, r.keepintvl);
	EXPECT_EQ((__u64)L_RCVTIMEO_US, r.rcvtimeo_us);
	EXPECT_EQ((__u32)L_KEEPCNT, r.keepcnt);
	EXPECT_LE((__u32)L_DEFER, r.defer_accept);
	EXPECT_EQ(0, r.rport);
	EXPECT_EQ(0U, r.nr_dgrams);
	EXPECT_EQ(0U, r.__reserved);

	tree_restart(_metadata);
	port_taken(_metadata, AF_INET, SOCK_STREAM, "127.0.0.1", port);
	c = knock(_metadata, AF_INET, "127.0.0.1", port, "hello");
	tree_go_on(_metadata);
	answered(_metadata, c, "hello back");
	tree_finish(_metadata, false);
}

/* ---- IPv6 listeners ------------------------------------------------------ */

static struct optsnap v6_opts[2];
static union addr v6_name[2];

/*
 * fds[0]: IPV6_V6ONLY, on ::1; fds[1]: on :: without IPV6_V6ONLY (an
 * IPv4 client comes as ::ffff:127.0.0.1), O_NONBLOCK. Both on ports the
 * kernel chose.
 */
static int v6_setup(void)
{
	union addr a;
	socklen_t len;
	int k;

	fds[0] = socket(AF_INET6, SOCK_STREAM, 0);
	fds[1] = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fds[0] < 0 || fds[1] < 0 ||
	    set_opt(fds[0], SOL_IPV6, IPV6_V6ONLY, 1) ||
	    set_opt(fds[1], SOL_IPV6, IPV6_V6ONLY, 0))
		return -1;
	len = mk_addr(&a, AF_INET6, "::1", 0);
	if (bind(fds[0], &a.sa, len) || listen(fds[0], 3))
		return -1;
	len = mk_addr(&a, AF_INET6, NULL, 0);
	if (bind(fds[1], &a.sa, len) || listen(fds[1], 5))
		return -1;
	for (k = 0; k < 2; k++) {
		if (name_of(fds[k], false, &v6_name[k]))
			return -1;
		opts_read(fds[k], &v6_opts[k]);
	}
	say_port("P6", port_of(&v6_name[0]));
	say_port("PD", port_of(&v6_name[1]));
	return 0;
}

/*
 * Restored: their names and options; the IPv6-only one accepts a client
 * from ::1, the dual-stack one (still non-blocking) an IPv4 client
 */
static int v6_verify(void)
{
	int s = -1, ret;

	if (name_is(fds[0], false, &v6_name[0], "the IPv6-only listener") ||
	    name_is(fds[1], false, &v6_name[1], "the dual-stack listener") ||
	    opts_same(fds[0], &v6_opts[0], "the IPv6-only listener") ||
	    opts_same(fds[1], &v6_opts[1], "the dual-stack listener"))
		return -1;
	if (!(fcntl(fds[1], F_GETFL) & O_NONBLOCK) ||
	    (fcntl(fds[0], F_GETFL) & O_NONBLOCK))
		return NOPE("O_NONBLOCK changed");
	ret = serve(fds[0], AF_INET6, "::1", "six", "six back", &s,
		    "the IPv6-only listener");
	if (s >= 0)
		close(s);
	if (ret)
		return ret;
	ret = serve(fds[1], AF_INET6, "::ffff:127.0.0.1", "four", "four back",
		    &s, "the dual-stack listener");
	if (s >= 0)
		close(s);
	if (ret)
		return ret;
	s = accept(fds[1], NULL, NULL);
	if (s >= 0 || errno != EAGAIN)
		return NOPE("the dual-stack listener's accept() with nothing waiting: %s, expected EAGAIN",
			    s >= 0 ? "a connection" : strerror(errno));
	return 0;
}

/*
 * An IPv6-only listener on ::1 and a dual-stack one on ::: restarted,
 * each has its port, its IPV6_V6ONLY; a client from ::1 is served by the
 * first, an IPv4 client by the second.
 */
TEST_F_TIMEOUT(inet, tcp6_listeners_v6only_and_dual_stack_serve, 120)
{
	struct ckpt_hdr_file_inet r;
	int p6, pd, c6, c4;

	tree_start(_metadata, v6_setup, v6_verify);
	p6 = reported("P6");
	pd = reported("PD");
	ASSERT_LT(0, p6);
	ASSERT_LT(0, pd);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(1, inet_rec(IPPROTO_TCP, p6, &r));
	EXPECT_EQ((__u32)AF_INET6, r.family);
	EXPECT_TRUE(!!(r.flags & CKPT_INET_V6ONLY));
	ASSERT_EQ(1, inet_rec(IPPROTO_TCP, pd, &r));
	EXPECT_EQ((__u32)AF_INET6, r.family);
	EXPECT_FALSE(!!(r.flags & CKPT_INET_V6ONLY));

	tree_restart(_metadata);
	port_taken(_metadata, AF_INET6, SOCK_STREAM, "::1", p6);
	port_taken(_metadata, AF_INET, SOCK_STREAM, "127.0.0.1", pd);
	c6 = knock(_metadata, AF_INET6, "::1", p6, "six");
	c4 = knock(_metadata, AF_INET, "127.0.0.1", pd, "four");
	tree_go_on(_metadata);
	answered(_metadata, c6, "six back");
	answered(_metadata, c4, "four back");
	tree_finish(_metadata, false);
}

/* ---- a port listen() chose ----------------------------------------------- */

static union addr la_name;

/* fds[0]: listen() without bind(): INADDR_ANY and a port listen() chose */
static int la_setup(void)
{
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || listen(fds[0], 4) || name_of(fds[0], false, &la_name))
		return -1;
	say_port("PORT", port_of(&la_name));
	return 0;
}

static int la_verify(void)
{
	int s = -1, ret;

	if (name_is(fds[0], false, &la_name, "the listener"))
		return -1;
	ret = serve(fds[0], AF_INET, "127.0.0.1", "knock", "enter", &s,
		    "the listener");
	if (s >= 0)
		close(s);
	return ret;
}

/*
 * A listener whose port listen() chose, with no bind(): the image says
 * so (not bound); restarted, it listens on that port again.
 */
TEST_F_TIMEOUT(inet, tcp_listener_port_from_listen_alone_is_kept, 120)
{
	struct ckpt_hdr_file_inet r;
	int port, c;

	tree_start(_metadata, la_setup, la_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(1, inet_rec(IPPROTO_TCP, port, &r));
	EXPECT_EQ((__u32)ST_LISTEN, r.state);
	EXPECT_EQ(0U, r.flags & (CKPT_INET_BOUND_ADDR | CKPT_INET_BOUND_PORT));
	EXPECT_TRUE(rec_v4_is(r.laddr, "0.0.0.0"));
	EXPECT_EQ(4U, r.backlog);

	tree_restart(_metadata);
	port_taken(_metadata, AF_INET, SOCK_STREAM, "127.0.0.1", port);
	c = knock(_metadata, AF_INET, "127.0.0.1", port, "knock");
	tree_go_on(_metadata);
	answered(_metadata, c, "enter");
	tree_finish(_metadata, false);
}

/* ---- TCP sockets never connected ----------------------------------------- */

static union addr nc_name;
static struct optsnap nc_opts[2];

/*
 * fds[0]: a TCP socket as socket() made it, TCP_USER_TIMEOUT and
 * TCP_SYNCNT set; fds[1]: bound to 127.0.0.1 and a port the kernel
 * chose, not listening, SO_LINGER on
 */
static int nc_setup(void)
{
	struct linger l = { .l_onoff = 1, .l_linger = 3 };

	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	fds[1] = bound(AF_INET, SOCK_STREAM, "127.0.0.1", 0);
	if (fds[0] < 0 || fds[1] < 0 ||
	    set_opt(fds[0], SOL_TCP, TCP_USER_TIMEOUT, 15000) ||
	    set_opt(fds[0], SOL_TCP, TCP_SYNCNT, 3) ||
	    setsockopt(fds[1], SOL_SOCKET, SO_LINGER, &l, sizeof(l)) ||
	    name_of(fds[1], false, &nc_name))
		return -1;
	opts_read(fds[0], &nc_opts[0]);
	opts_read(fds[1], &nc_opts[1]);
	say_port("PORT", port_of(&nc_name));
	return 0;
}

/*
 * Restored: the fresh one unbound, the other bound where it was, their
 * options; the bound one listens now and serves the test's client; the
 * fresh one connects to the test's listener, and talks.
 */
static int nc_verify(void)
{
	union addr none;
	int s = -1, ret;

	mk_addr(&none, AF_INET, "0.0.0.0", 0);
	if (name_is(fds[0], false, &none, "the fresh socket") ||
	    name_is(fds[1], false, &nc_name, "the bound socket") ||
	    opts_same(fds[0], &nc_opts[0], "the fresh socket") ||
	    opts_same(fds[1], &nc_opts[1], "the bound socket"))
		return -1;
	if (listen(fds[1], 2))
		return NOPE("the bound socket cannot listen: %s",
			    strerror(errno));
	lite_say(ckt.report, "LISTENING 1\n");
	ret = serve(fds[1], AF_INET, "127.0.0.1", "to bound", "bound back",
		    &s, "the bound socket, listening");
	if (s >= 0)
		close(s);
	if (ret)
		return ret;
	mk_addr(&none, AF_INET, "127.0.0.1", t_tcp_port);
	if (connect(fds[0], &none.sa, sizeof(none.v4)))
		return NOPE("the fresh socket cannot connect to %s: %s",
			    show(&none), strerror(errno));
	if (send(fds[0], "from fresh", 10, 0) != 10 ||
	    !awaited(fds[0], "fresh back"))
		return NOPE("the fresh socket's connection carries nothing");
	return 0;
}

/*
 * A TCP socket never bound and one bound, not listening: restarted, the
 * bound one has its port again (the test cannot take it), listens and
 * serves; the other connects to the test's listener.
 */
TEST_F_TIMEOUT(inet, fresh_and_bound_tcp_sockets_listen_and_connect, 120)
{
	struct ckpt_hdr_file_inet r;
	char rep[2048] = "";
	int port, c, s;

	tree_start(_metadata, nc_setup, nc_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(1, inet_rec(IPPROTO_TCP, port, &r));
	EXPECT_EQ((__u32)ST_CLOSE, r.state);
	EXPECT_EQ((__u32)CKPT_INET_BOUND_ADDR,
		  r.flags & (CKPT_INET_BOUND_ADDR | CKPT_INET_BOUND_PORT));
	EXPECT_TRUE(!!(r.flags & CKPT_INET_LINGER));
	EXPECT_EQ(3U, r.linger);
	EXPECT_EQ(0U, r.backlog);

	tree_restart(_metadata);
	port_taken(_metadata, AF_INET, SOCK_STREAM, "127.0.0.1", port);
	tree_go_on(_metadata);
	ASSERT_EQ(1, lite_line_pid(ckt.report, "LISTENING ", 30))
		TH_LOG("report: %s",
		       (lite_slurp(ckt.report, rep, sizeof(rep)), rep));
	c = knock(_metadata, AF_INET, "127.0.0.1", port, "to bound");
	answered(_metadata, c, "bound back");
	s = accept_in(self->t.t_tcp, WAIT_MS);
	EXPECT_LE(0, s) TH_LOG("the fresh socket does not connect: %s",
			       strerror(errno));
	if (s >= 0) {
		EXPECT_TRUE(awaited(s, "from fresh"));
		EXPECT_EQ((ssize_t)10, send(s, "fresh back", 10, 0));
		close(s);
	}
	tree_finish(_metadata, false);
}

/* ---- UDP sockets ---------------------------------------------------------- */

/*
 * fds[0]: bound to 127.0.0.1, IP_PKTINFO, O_NONBLOCK; fds[1]: connected
 * to the test's UDP socket on 127.0.0.1; fds[2]: bound to ::1,
 * IPV6_RECVPKTINFO, O_ASYNC with the root as its owner (SIGIO ignored);
 * fds[3]: connected to the test's UDP socket on ::1. Their names, peers
 * and options before the checkpoint.
 */
static union addr u_name[4], u_peer[4];
static struct optsnap u_opts[4];

static int u_setup(void)
{
	int k;

	signal(SIGIO, SIG_IGN);
	fds[0] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	fds[1] = connected(AF_INET, SOCK_DGRAM, "127.0.0.1", t_udp_port);
	fds[2] = bound(AF_INET6, SOCK_DGRAM, "::1", 0);
	fds[3] = connected(AF_INET6, SOCK_DGRAM, "::1", t_udp6_port);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0 ||
	    set_opt(fds[0], SOL_IP, IP_PKTINFO, 1) ||
	    set_opt(fds[2], SOL_IPV6, IPV6_RECVPKTINFO, 1) ||
	    fcntl(fds[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(fds[2], F_SETOWN, getpid()) ||
	    fcntl(fds[2], F_SETFL, O_ASYNC))
		return -1;
	for (k = 0; k < 4; k++) {
		if (name_of(fds[k], false, &u_name[k]))
			return -1;
		if ((k == 1 || k == 3) && name_of(fds[k], true, &u_peer[k]))
			return -1;
		opts_read(fds[k], &u_opts[k]);
	}
	say_port("PU", port_of(&u_name[0]));
	say_port("PC", port_of(&u_name[1]));
	say_port("PU6", port_of(&u_name[2]));
	say_port("PC6", port_of(&u_name[3]));
	return 0;
}

/*
 * The next datagram of @fd, within WAIT_MS: @want, from @from, with its
 * IP_PKTINFO (IPV6_PKTINFO) naming @dst as where it went
 */
static int dgram_is(int fd, const char *want, const union addr *from,
		    const char *dst, const char *what)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			 CMSG_SPACE(sizeof(struct in_pktinfo))];
	} ctl;
	char buf[256];
	union addr src;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = {
		.msg_name = &src, .msg_namelen = sizeof(src),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &ctl, .msg_controllen = sizeof(ctl),
	};
	bool v6 = from->sa.sa_family == AF_INET6, info = false;
	struct cmsghdr *h;
	char ip[INET6_ADDRSTRLEN] = "";
	ssize_t n;

	memset(&src, 0, sizeof(src));
	if (!wait_in(fd, WAIT_MS))
		return NOPE("%s: nothing came", what);
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		return NOPE("%s: read %zd bytes, expected \"%s\": %s", what, n,
			    want, n < 0 ? strerror(errno) : "");
	if (!same_addr(&src, from))
		return NOPE("%s: the datagram came from %s, expected %s", what,
			    show(&src), show(from));
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		if (!v6 && h->cmsg_level == SOL_IP && h->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(h), sizeof(pi));
			inet_ntop(AF_INET, &pi.ipi_addr, ip, sizeof(ip));
			info = true;
		}
		if (v6 && h->cmsg_level == SOL_IPV6 &&
		    h->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(h), sizeof(pi));
			inet_ntop(AF_INET6, &pi.ipi6_addr, ip, sizeof(ip));
			info = true;
		}
	}
	if (!info)
		return NOPE("%s: no %s control message", what,
			    v6 ? "IPV6_PKTINFO" : "IP_PKTINFO");
	if (strcmp(ip, dst))
		return NOPE("%s: the datagram went to %s, says its pktinfo, expected %s",
			    what, ip, dst);
	return 0;
}

/*
 * Restored: the names, peers and options as they were, O_NONBLOCK, the
 * owner and O_ASYNC; the bound sockets get the test's datagrams with
 * their pktinfo; the connected ones send to the test.
 */
static int u_verify(void)
{
	static const char *const what[4] = {
		"the bound socket", "the connected socket",
		"the bound IPv6 socket", "the connected IPv6 socket",
	};
	union addr from;
	int k;

	for (k = 0; k < 4; k++)
		if (name_is(fds[k], false, &u_name[k], what[k]) ||
		    ((k == 1 || k == 3) &&
		     name_is(fds[k], true, &u_peer[k], what[k])) ||
		    opts_same(fds[k], &u_opts[k], what[k]))
			return -1;
	if (!(fcntl(fds[0], F_GETFL) & O_NONBLOCK) ||
	    (fcntl(fds[1], F_GETFL) & O_NONBLOCK))
		return NOPE("O_NONBLOCK changed");
	if (fcntl(fds[2], F_GETOWN) != getpid() ||
	    !(fcntl(fds[2], F_GETFL) & O_ASYNC))
		return NOPE("the IPv6 socket's owner is %d (O_ASYNC %s), expected %d",
			    fcntl(fds[2], F_GETOWN),
			    fcntl(fds[2], F_GETFL) & O_ASYNC ? "on" : "off",
			    getpid());
	mk_addr(&from, AF_INET, "127.0.0.1", t_udp_port);
	if (dgram_is(fds[0], "to bound", &from, "127.0.0.1", what[0]))
		return -1;
	mk_addr(&from, AF_INET6, "::1", t_udp6_port);
	if (dgram_is(fds[2], "to bound6", &from, "::1", what[2]))
		return -1;
	if (send(fds[1], "from connected", 14, 0) != 14 ||
	    send(fds[3], "from connected6", 15, 0) != 15)
		return NOPE("a connected socket cannot send: %s",
			    strerror(errno));
	return 0;
}

/* the next datagram of the test's @fd: @want, from @from */
static void came_from(struct __test_metadata *_metadata, int fd,
		      const char *want, const union addr *from)
{
	union addr src;
	socklen_t len = sizeof(src);
	char buf[64] = "";
	ssize_t n = -1;

	memset(&src, 0, sizeof(src));
	if (wait_in(fd, WAIT_MS))
		n = recvfrom(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT, &src.sa,
			     &len);
	EXPECT_EQ((ssize_t)strlen(want), n) TH_LOG("expected \"%s\"", want);
	EXPECT_STREQ(want, buf);
	EXPECT_TRUE(same_addr(&src, from))
		TH_LOG("\"%s\" came from %s, expected %s (as before the checkpoint)",
		       want, show(&src), show(from));
}

/*
 * UDP sockets bound (with IP_PKTINFO, IPV6_RECVPKTINFO) and connected to
 * the test's, over IPv4 and IPv6: the image has the connected ones
 * connected; restarted, the ports are taken again, the bound ones get
 * what the test sends them with their pktinfo, and what the connected
 * ones send comes to the test from the address and port it came from
 * before.
 */
TEST_F_TIMEOUT(inet, udp_sockets_bound_and_connected_keep_their_names, 120)
{
	struct ckpt_hdr_file_inet r;
	int pu, pc, pu6, pc6;
	union addr a;

	tree_start(_metadata, u_setup, u_verify);
	pu = reported("PU");
	pc = reported("PC");
	pu6 = reported("PU6");
	pc6 = reported("PC6");
	ASSERT_TRUE(pu > 0 && pc > 0 && pu6 > 0 && pc6 > 0);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(1, inet_rec(IPPROTO_UDP, pu, &r));
	EXPECT_EQ((__u32)ST_CLOSE, r.state);
	EXPECT_TRUE(!!(r.ip_flags & CKPT_INET_IP_PKTINFO));
	ASSERT_EQ(1, inet_rec(IPPROTO_UDP, pc, &r));
	EXPECT_EQ((__u32)ST_ESTABLISHED, r.state);
	EXPECT_TRUE(rec_v4_is(r.raddr, "127.0.0.1"));
	EXPECT_EQ(t_udp_port, (int)r.rport);
	EXPECT_EQ(0U, r.backlog);
	ASSERT_EQ(1, inet_rec(IPPROTO_UDP, pc6, &r));
	EXPECT_EQ((__u32)AF_INET6, r.family);
	EXPECT_EQ((__u32)ST_ESTABLISHED, r.state);
	EXPECT_EQ(t_udp6_port, (int)r.rport);

	tree_restart(_metadata);
	port_taken(_metadata, AF_INET, SOCK_DGRAM, "127.0.0.1", pu);
	port_taken(_metadata, AF_INET, SOCK_DGRAM, "127.0.0.1", pc);
	port_taken(_metadata, AF_INET6, SOCK_DGRAM, "::1", pu6);
	port_taken(_metadata, AF_INET6, SOCK_DGRAM, "::1", pc6);
	mk_addr(&a, AF_INET, "127.0.0.1", pu);
	EXPECT_EQ((ssize_t)8, sendto(self->t.t_udp, "to bound", 8, 0, &a.sa,
				     sizeof(a.v4)));
	mk_addr(&a, AF_INET6, "::1", pu6);
	EXPECT_EQ((ssize_t)9, sendto(self->t.t_udp6, "to bound6", 9, 0, &a.sa,
				     sizeof(a.v6)));
	tree_go_on(_metadata);
	mk_addr(&a, AF_INET, "127.0.0.1", pc);
	came_from(_metadata, self->t.t_udp, "from connected", &a);
	mk_addr(&a, AF_INET6, "::1", pc6);
	came_from(_metadata, self->t.t_udp6, "from connected6", &a);
	tree_finish(_metadata, false);
}

/* ---- UDP sockets shut down ------------------------------------------------ */

#define POLL_ALL	(POLLIN | POLLOUT | POLLRDHUP | POLLHUP | POLLERR)

static short sh_revents[2];

static short revents(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLL_ALL };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/* fds[0]: connected to the test, shut down for reading; fds[1]: both ways */
static int sh_setup(void)
{
	fds[0] = connected(AF_INET, SOCK_DGRAM, "127.0.0.1", t_udp_port);
	fds[1] = connected(AF_INET6, SOCK_DGRAM, "::1", t_udp6_port);
	if (fds[0] < 0 || fds[1] < 0 || shutdown(fds[0], SHUT_RD) ||
	    shutdown(fds[1], SHUT_RDWR))
		return -1;
	sh_revents[0] = revents(fds[0]);
	sh_revents[1] = revents(fds[1]);
	if (!(sh_revents[0] & POLLRDHUP) || (sh_revents[0] & POLLHUP) ||
	    !(sh_revents[1] & POLLHUP))
		return NOPE("poll() of the sockets shut down: %#x, %#x",
			    sh_revents[0], sh_revents[1]);
	say_port("PS", port_of_fd(fds[0]));
	say_port("PS6", port_of_fd(fds[1]));
	return 0;
}

/* restored: poll() says the same of each */
static int sh_verify(void)
{
	short r0 = revents(fds[0]), r1 = revents(fds[1]);

	if (r0 != sh_revents[0] || r1 != sh_revents[1])
		return NOPE("poll() of the sockets shut down: %#x, %#x; it was %#x, %#x",
			    r0, r1, sh_revents[0], sh_revents[1]);
	return 0;
}

/*
 * A connected UDP socket shut down for reading, another both ways: the
 * image says so; restarted, poll() reports each as before (POLLRDHUP,
 * and POLLHUP for the one shut down both ways).
 */
TEST_F_TIMEOUT(inet, udp_sockets_shut_down_stay_shut_down, 120)
{
	const __u32 shut = CKPT_INET_SHUT_RD | CKPT_INET_SHUT_WR;
	struct ckpt_hdr_file_inet r;
	int ps, ps6;

	tree_start(_metadata, sh_setup, sh_verify);
	ps = reported("PS");
	ps6 = reported("PS6");
	ASSERT_TRUE(ps > 0 && ps6 > 0);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(1, inet_rec(IPPROTO_UDP, ps, &r));
	EXPECT_EQ((__u32)CKPT_INET_SHUT_RD, r.flags & shut);
	ASSERT_EQ(1, inet_rec(IPPROTO_UDP, ps6, &r));
	EXPECT_EQ(shut, r.flags & shut);
	tree_restart(_metadata);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* ---- datagrams queued ------------------------------------------------------ */

/*
 * A datagram as recvmsg() gives it: its length and flags, where it came
 * from, and the control messages of the socket's IP_PKTINFO, IP_RECVTOS,
 * IP_RECVTTL, IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT and IPV6_RECVTCLASS
 * (any other counted in @other)
 */
struct dg {
	ssize_t len;
	int mflags;
	union addr from;
	int ncmsg, other;
	bool pi, tos, ttl, pi6, hop, tclass;
	struct in_pktinfo ipi;
	struct in6_pktinfo ipi6;
	int tosv, ttlv, hopv, tclassv;
};

/* the bytes of the last datagram dg_recv() read */
static unsigned char dg_buf[65536];

/* recvmsg() of @fd with @flags into dg_buf and @g: its length, or -1 */
static ssize_t dg_recv(int fd, int flags, struct dg *g)
{
	union {
		struct cmsghdr h;
		char buf[512];
	} ctl;
	struct iovec iov = { .iov_base = dg_buf, .iov_len = sizeof(dg_buf) };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *h;

	memset(g, 0, sizeof(*g));
	m.msg_name = &g->from;
	m.msg_namelen = sizeof(g->from);
	g->len = recvmsg(fd, &m, flags);
	if (g->len < 0)
		return -1;
	g->mflags = m.msg_flags;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		const unsigned char *p = CMSG_DATA(h);

		g->ncmsg++;
		if (h->cmsg_level == SOL_IP && h->cmsg_type == IP_PKTINFO) {
			g->pi = true;
			memcpy(&g->ipi, p, sizeof(g->ipi));
		} else if (h->cmsg_level == SOL_IP && h->cmsg_type == IP_TOS) {
			g->tos = true;
			g->tosv = p[0];		/* one byte */
		} else if (h->cmsg_level == SOL_IP && h->cmsg_type == IP_TTL) {
			g->ttl = true;
			memcpy(&g->ttlv, p, sizeof(int));
		} else if (h->cmsg_level == SOL_IPV6 &&
			   h->cmsg_type == IPV6_PKTINFO) {
			g->pi6 = true;
			memcpy(&g->ipi6, p, sizeof(g->ipi6));
		} else if (h->cmsg_level == SOL_IPV6 &&
			   h->cmsg_type == IPV6_HOPLIMIT) {
			g->hop = true;
			memcpy(&g->hopv, p, sizeof(int));
		} else if (h->cmsg_level == SOL_IPV6 &&
			   h->cmsg_type == IPV6_TCLASS) {
			g->tclass = true;
			memcpy(&g->tclassv, p, sizeof(int));
		} else {
			g->other++;
		}
	}
	return g->len;
}

/* @g's control messages, for a message (four buffers, used in turn) */
static const char *dg_str(const struct dg *g)
{
	static char buf[4][400];
	static int i;
	char *s = buf[i++ % 4], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int n = 0;

	s[0] = '\0';
	if (g->pi) {
		inet_ntop(AF_INET, &g->ipi.ipi_spec_dst, a, sizeof(a));
		inet_ntop(AF_INET, &g->ipi.ipi_addr, b, sizeof(b));
		n += snprintf(s + n, sizeof(buf[0]) - n,
			      "IP_PKTINFO(ifindex %d, spec_dst %s, addr %s) ",
			      g->ipi.ipi_ifindex, a, b);
	}
	if (g->tos)
		n += snprintf(s + n, sizeof(buf[0]) - n, "IP_TOS %#x ", g->tosv);
	if (g->ttl)
		n += snprintf(s + n, sizeof(buf[0]) - n, "IP_TTL %d ", g->ttlv);
	if (g->pi6) {
		inet_ntop(AF_INET6, &g->ipi6.ipi6_addr, a, sizeof(a));
		n += snprintf(s + n, sizeof(buf[0]) - n,
			      "IPV6_PKTINFO(ifindex %d, addr %s) ",
			      g->ipi6.ipi6_ifindex, a);
	}
	if (g->hop)
		n += snprintf(s + n, sizeof(buf[0]) - n, "IPV6_HOPLIMIT %d ",
			      g->hopv);
	if (g->tclass)
		n += snprintf(s + n, sizeof(buf[0]) - n, "IPV6_TCLASS %#x ",
			      g->tclassv);
	snprintf(s + n, sizeof(buf[0]) - n, "(%d control messages, %d other)",
		 g->ncmsg, g->other);
	return s;
}

/* the same control messages, with the same values */
static bool dg_cmsgs_same(const struct dg *a, const struct dg *b)
{
	return a->ncmsg == b->ncmsg && a->other == b->other &&
	       a->pi == b->pi && a->tos == b->tos && a->ttl == b->ttl &&
	       a->pi6 == b->pi6 && a->hop == b->hop && a->tclass == b->tclass &&
	       (!a->pi || (a->ipi.ipi_ifindex == b->ipi.ipi_ifindex &&
			   a->ipi.ipi_spec_dst.s_addr == b->ipi.ipi_spec_dst.s_addr &&
			   a->ipi.ipi_addr.s_addr == b->ipi.ipi_addr.s_addr)) &&
	       (!a->tos || a->tosv == b->tosv) &&
	       (!a->ttl || a->ttlv == b->ttlv) &&
	       (!a->pi6 || (a->ipi6.ipi6_ifindex == b->ipi6.ipi6_ifindex &&
			    !memcmp(&a->ipi6.ipi6_addr, &b->ipi6.ipi6_addr,
				    sizeof(a->ipi6.ipi6_addr)))) &&
	       (!a->hop || a->hopv == b->hopv) &&
	       (!a->tclass || a->tclassv == b->tclassv);
}

/*
 * A datagram a test sends: from its sender @snd, @len bytes of @text or
 * of a pattern (@text NULL)
 */
struct sent {
	int snd;
	size_t len;
	const char *text;
};

/* the bytes of @s into @buf */
static void sent_bytes(const struct sent *s, unsigned char *buf)
{
	size_t i;

	if (s->text) {
		memcpy(buf, s->text, s->len);
		return;
	}
	for (i = 0; i < s->len; i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 8) * 7 + 3);
}

/* the loopback's ifindex */
static int lo_index(void)
{
	return (int)if_nametoindex("lo");
}

/* the sender @k of the test: its address, of @family (IPv4: 127.0.0.1) */
static void snd_addr(union addr *a, int family, int k)
{
	mk_addr(a, family, family == AF_INET ? "127.0.0.1" : "::1",
		snd_port[k]);
}

/*
 * The next datagram of @fd, read at once (MSG_DONTWAIT) or within
 * WAIT_MS (@wait), into @g: @s's bytes, whole, from @from: 0, or NOPE
 */
static int dg_expect(int fd, bool wait, const struct sent *s,
		     const union addr *from, struct dg *g, const char *what)
{
	static unsigned char want[65536];

	if (wait && !wait_in(fd, WAIT_MS))
		return NOPE("%s: nothing came", what);
	if (dg_recv(fd, MSG_DONTWAIT, g) < 0)
		return NOPE("%s: recvmsg(): %s", what, strerror(errno));
	sent_bytes(s, want);
	if (g->len != (ssize_t)s->len || memcmp(dg_buf, want, s->len))
		return NOPE("%s: read %zd bytes, expected %zu%s", what, g->len,
			    s->len, g->len == (ssize_t)s->len ?
			    ", and they are not the ones sent" : "");
	if (g->mflags & (MSG_TRUNC | MSG_CTRUNC))
		return NOPE("%s: msg_flags %#x", what, g->mflags);
	if (!same_addr(&g->from, from))
		return NOPE("%s: it came from %s, expected %s", what,
			    show(&g->from), show(from));
	return 0;
}

/* nothing more is queued on @fd */
static int dg_none(int fd, const char *what)
{
	struct dg g;

	if (dg_recv(fd, MSG_DONTWAIT, &g) >= 0 || errno != EAGAIN)
		return NOPE("%s: another datagram (%zd bytes from %s), or %s",
			    what, g.len, show(&g.from), strerror(errno));
	return 0;
}

/*
 * Send @s from the test's sender @snd to @to, and wait until the socket
 * on @port in state @st of /proc/net/@file has it queued: its rx_queue
 * grows (nothing reads it). True if it does within 30 s.
 */
static bool send_queued(int snd, const struct sent *s, const union addr *to,
			const char *file, int port, int st)
{
	static unsigned char buf[65536];
	long before = proc_rxq(file, port, st);
	socklen_t len = to->sa.sa_family == AF_INET ? sizeof(to->v4) :
						      sizeof(to->v6);
	int i;

	sent_bytes(s, buf);
	if (before < 0 ||
	    sendto(snd, buf, s->len, 0, &to->sa, len) != (ssize_t)s->len)
		return false;
	for (i = 0; i < 30 * 50; i++) {
		if (proc_rxq(file, port, st) > before)
			return true;
		usleep(20000);
	}
	return false;
}

/* the INET_DGRAM records after the FILE_INET of a port, from the image */
#define MAX_DG	8
struct dg_recs {
	uint32_t protocol;
	int port;
	bool in;			/* the records after it are read */
	int found;			/* FILE_INET records of the port */
	struct ckpt_hdr_file_inet r;
	int n;
	struct ckpt_hdr_inet_dgram d[MAX_DG];
	unsigned char *data[MAX_DG];	/* malloc()ed: each one's bytes */
	uint32_t pad_bad;		/* records whose padding is not zero */
};

static int dg_recs_cb(const struct ckpt_hdr *h, size_t off, void *arg)
{
	const struct ckpt_hdr_file_inet *fi = (const void *)h;
	const struct ckpt_hdr_inet_dgram *d = (const void *)h;
	struct dg_recs *f = arg;
	const unsigned char *p;
	uint32_t k;

	if (h->type == CKPT_HDR_FILE_INET) {
		f->in = fi->protocol == f->protocol && fi->lport == f->port;
		if (f->in) {
			memset(&f->r, 0, sizeof(f->r));
			memcpy(&f->r, fi, h->len < sizeof(f->r) ? h->len :
			       sizeof(f->r));
			f->found++;
		}
		return 0;
	}
	if (h->type != CKPT_HDR_INET_DGRAM || !f->in) {
		f->in = false;
		return 0;
	}
	if (f->n >= MAX_DG || h->len < sizeof(*d) + (size_t)d->len)
		return 0;
	f->d[f->n] = *d;
	f->data[f->n] = malloc(d->len + 1);
	if (f->data[f->n])
		memcpy(f->data[f->n], d + 1, d->len);
	p = (const unsigned char *)(d + 1);
	for (k = d->len; k < h->len - sizeof(*d); k++)
		if (p[k])
			f->pad_bad++;
	f->n++;
	return 0;
}

/* The FILE_INET of @protocol and port @port, and its INET_DGRAM records */
static void dg_recs_read(struct dg_recs *f, uint32_t protocol, int port)
{
	struct ckpt_image im;

	memset(f, 0, sizeof(*f));
	f->protocol = protocol;
	f->port = port;
	if (ckpt_image_load(ckt.img, &im))
		return;
	ckpt_image_walk(&im, dg_recs_cb, f, NULL, 0);
	ckpt_image_free(&im);
}

static void dg_recs_free(struct dg_recs *f)
{
	int k;

	for (k = 0; k < f->n; k++)
		free(f->data[k]);
}

/* the TTL the kernel gives an IPv4 packet (net.ipv4.ip_default_ttl) */
static int default_ttl(void)
{
	char buf[16] = "";

	return lite_slurp("/proc/sys/net/ipv4/ip_default_ttl", buf,
			  sizeof(buf)) > 0 ? atoi(buf) : 64;
}

/*
 * The INET_DGRAM record @k of @f is datagram @s, sent with @tos from the
 * test's sender @s->snd to @dport, over the loopback (by lo: @dev; else
 * no device): its length, bytes, family, addresses, ports, TOS (traffic
 * class), the device, IPv4's spec_dst and TTL, zeroes where a family has
 * no field
 */
static void dg_rec_is(struct __test_metadata *_metadata,
		      const struct dg_recs *f, int k, const struct sent *s,
		      int family, int tos, int dport, bool dev)
{
	static unsigned char want[65536];
	const struct ckpt_hdr_inet_dgram *d = &f->d[k];
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;

	ASSERT_LT(k, f->n) TH_LOG("the image has %d datagrams", f->n);
	sent_bytes(s, want);
	EXPECT_EQ(s->len, (size_t)d->len) TH_LOG("datagram %d", k);
	EXPECT_EQ((uint32_t)((sizeof(*d) + s->len + 7) & ~7UL), d->h.len)
		TH_LOG("datagram %d: its record's length", k);
	if (d->len == s->len && f->data[k]) {
		EXPECT_EQ(0, memcmp(f->data[k], want, s->len))
			TH_LOG("datagram %d: its bytes", k);
	}
	EXPECT_EQ(family, (int)d->family) TH_LOG("datagram %d", k);
	EXPECT_EQ(snd_port[s->snd], (int)d->sport) TH_LOG("datagram %d", k);
	EXPECT_EQ(dport, (int)d->dport) TH_LOG("datagram %d", k);
	EXPECT_EQ(tos, (int)d->tos) TH_LOG("datagram %d: its TOS", k);
	if (family == AF_INET) {
		EXPECT_TRUE(rec_v4_is(d->saddr, "127.0.0.1"))
			TH_LOG("datagram %d: saddr", k);
		EXPECT_TRUE(rec_v4_is(d->daddr, "127.0.0.1"))
			TH_LOG("datagram %d: daddr", k);
		EXPECT_EQ(default_ttl(), (int)d->ttl) TH_LOG("datagram %d", k);
		EXPECT_EQ(0U, d->flowlabel) TH_LOG("datagram %d", k);
		/*
		 * IP_PKTINFO's spec_dst is what the stack computed: the
		 * restored program compares its cmsg with a control's
		 */
	} else {
		EXPECT_EQ(0, memcmp(d->saddr, &lo6, 16))
			TH_LOG("datagram %d: saddr", k);
		EXPECT_EQ(0, memcmp(d->daddr, &lo6, 16))
			TH_LOG("datagram %d: daddr", k);
		EXPECT_GE(0xfffffU, d->flowlabel) TH_LOG("datagram %d", k);
		EXPECT_TRUE(!d->spec_dst[0] && !d->spec_dst[1] &&
			    !d->spec_dst[2] && !d->spec_dst[3])
			TH_LOG("datagram %d: spec_dst on IPv6", k);
	}
	if (dev) {
		EXPECT_EQ(lo_index(), d->ifindex) TH_LOG("datagram %d", k);
		EXPECT_STREQ("lo", d->ifname) TH_LOG("datagram %d", k);
	}
	EXPECT_EQ(0U, d->__reserved[0] | d->__reserved[1]);
}

/*
 * The test's senders: #0 on 127.0.0.1 with IP_TOS DQ_TOS0, #1 on
 * 127.0.0.1 with IP_TOS DQ_TOS1 (a port each); or (@v6) #0 on ::1 with
 * IPV6_TCLASS DQ_TCLASS, #1 on 127.0.0.1 with DQ_TOS0. Made before the
 * fork: the tree knows their ports.
 */
#define DQ_TOS0		0x28
#define DQ_TOS1		0x10
#define DQ_TCLASS	0x20

static void make_senders(struct __test_metadata *_metadata, struct tree *t,
			 bool v6)
{
	int k;

	t->snd[0] = v6 ? bound(AF_INET6, SOCK_DGRAM, "::1", 0) :
			 bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	t->snd[1] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	ASSERT_TRUE(t->snd[0] >= 0 && t->snd[1] >= 0)
		TH_LOG("senders: %s", strerror(errno));
	ASSERT_EQ(0, v6 ? set_opt(t->snd[0], SOL_IPV6, IPV6_TCLASS, DQ_TCLASS) :
			  set_opt(t->snd[0], SOL_IP, IP_TOS, DQ_TOS0));
	ASSERT_EQ(0, set_opt(t->snd[1], SOL_IP, IP_TOS, v6 ? DQ_TOS0 :
			     DQ_TOS1));
	for (k = 0; k < 2; k++)
		snd_port[k] = port_of_fd(t->snd[k]);
}

/*
 * The IPv4 socket's datagrams (fds[0], bound to 127.0.0.1, IP_PKTINFO,
 * IP_RECVTOS, IP_RECVTTL): from sender #0, then #1 (empty), #0 (60000
 * bytes), #1; what sender #0 and #1 send after the restart
 */
#define DQ_BIG		60000
static const struct sent dq_sent[] = {
	{ 0, 5, "first" }, { 1, 0, "" }, { 0, DQ_BIG, NULL },
	{ 1, 6, "fourth" },
};
static const struct sent dq_after[] = {
	{ 0, 6, "after0" }, { 1, 6, "after1" },
};
#define DQ_N	ARRAY_SIZE(dq_sent)

static struct dg dq_peek;	/* datagram 0, peeked before the checkpoint */

static int dq_setup(void)
{
	fds[0] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	if (fds[0] < 0 || set_opt(fds[0], SOL_IP, IP_PKTINFO, 1) ||
	    set_opt(fds[0], SOL_IP, IP_RECVTOS, 1) ||
	    set_opt(fds[0], SOL_IP, IP_RECVTTL, 1) ||
	    set_opt(fds[0], SOL_SOCKET, SO_RCVBUF, 200000))
		return -1;
	say_port("PORT", port_of_fd(fds[0]));
	return 0;
}

/* before the checkpoint: what MSG_PEEK reports of datagram 0 */
static int dq_mid(void)
{
	union addr from;

	snd_addr(&from, AF_INET, dq_sent[0].snd);
	if (dg_recv(fds[0], MSG_PEEK | MSG_DONTWAIT, &dq_peek) < 0)
		return NOPE("MSG_PEEK before the checkpoint: %s",
			    strerror(errno));
	if (dq_peek.len != (ssize_t)dq_sent[0].len ||
	    !same_addr(&dq_peek.from, &from))
		return NOPE("MSG_PEEK before the checkpoint: %zd bytes from %s",
			    dq_peek.len, show(&dq_peek.from));
	return 0;
}

/*
 * IP_PKTINFO, IP_TOS and IP_TTL of an IPv4 datagram that came over the
 * loopback to 127.0.0.1 with @tos: ifindex lo, spec_dst and addr
 * 127.0.0.1
 */
static int dg_v4_info_is(const struct dg *g, int tos, const char *what)
{
	struct in_addr lo;

	inet_pton(AF_INET, "127.0.0.1", &lo);
	if (!g->pi || !g->tos || !g->ttl || g->pi6 || g->hop || g->tclass ||
	    g->other || g->ipi.ipi_ifindex != lo_index() ||
	    g->ipi.ipi_spec_dst.s_addr != lo.s_addr ||
	    g->ipi.ipi_addr.s_addr != lo.s_addr || g->tosv != tos)
		return NOPE("%s: %s; expected IP_PKTINFO(ifindex %d, 127.0.0.1), IP_TOS %#x, IP_TTL",
			    what, dg_str(g), lo_index(), tos);
	return 0;
}

/*
 * Restored: the datagrams come at once, in their order, with their bytes
 * and senders; datagram 0 with the control messages MSG_PEEK read before
 * the checkpoint; each with those of what its sender sent after the
 * restart (which comes after them): ifindex lo, 127.0.0.1, its TOS, the
 * same TTL. Nothing else; the program answers each sender.
 */
static int dq_verify(void)
{
	struct dg g[DQ_N], c[2];
	union addr from;
	char what[64];
	unsigned int k;

	for (k = 0; k < DQ_N; k++) {
		snprintf(what, sizeof(what), "datagram %u of the %zu queued",
			 k, DQ_N);
		snd_addr(&from, AF_INET, dq_sent[k].snd);
		if (dg_expect(fds[0], false, &dq_sent[k], &from, &g[k], what))
			return -1;
	}
	if (!dg_cmsgs_same(&g[0], &dq_peek))
		return NOPE("datagram 0: %s; MSG_PEEK read %s before the checkpoint",
			    dg_str(&g[0]), dg_str(&dq_peek));
	for (k = 0; k < 2; k++) {
		snprintf(what, sizeof(what), "what sender %u sent after the restart",
			 k);
		snd_addr(&from, AF_INET, k);
		if (dg_expect(fds[0], true, &dq_after[k], &from, &c[k], what))
			return -1;
	}
	for (k = 0; k < DQ_N; k++) {
		const struct dg *ctl = &c[dq_sent[k].snd];

		snprintf(what, sizeof(what), "datagram %u", k);
		if (dg_v4_info_is(&g[k], dq_sent[k].snd ? DQ_TOS1 : DQ_TOS0,
				  what))
			return -1;
		if (!dg_cmsgs_same(&g[k], ctl))
			return NOPE("datagram %u: %s; what its sender sent after the restart: %s",
				    k, dg_str(&g[k]), dg_str(ctl));
	}
	if (dg_none(fds[0], "the IPv4 socket, read"))
		return -1;
	for (k = 0; k < 2; k++) {
		snd_addr(&from, AF_INET, k);
		if (sendto(fds[0], "got them", 8, 0, &from.sa,
			   sizeof(from.v4)) != 8)
			return NOPE("cannot answer %s: %s", show(&from),
				    strerror(errno));
	}
	return 0;
}

/*
 * A bound IPv4 UDP socket with IP_PKTINFO, IP_RECVTOS and IP_RECVTTL
 * holds four datagrams of two senders of the test (one empty, one of
 * 60000 bytes, sent with IP_TOS) when checkpointed - after the program
 * peeked at the first (MSG_PEEK moves them to the socket's reader
 * queue): the image has them, in order, each with its bytes, addresses,
 * ports, TOS, TTL, lo and spec_dst; restarted, the program reads them at
 * once, as they were, with the control messages of before and those of
 * what the same senders send after the restart, which comes after them;
 * its answers come to the senders from its port.
 */
TEST_F_TIMEOUT(inet, udp_datagrams_queued_come_back_in_order, 120)
{
	struct dg_recs f;
	union addr a;
	unsigned int k;
	int port;

	make_senders(_metadata, &self->t, false);
	tree_mid = dq_mid;
	tree_start(_metadata, dq_setup, dq_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	mk_addr(&a, AF_INET, "127.0.0.1", port);
	for (k = 0; k < DQ_N; k++) {
		ASSERT_TRUE(send_queued(self->t.snd[dq_sent[k].snd], &dq_sent[k],
					&a, "udp", port, UDP_UNCONN_ST))
			TH_LOG("datagram %u is not queued: %s", k,
			       strerror(errno));
	}
	mid_phase(_metadata);
	tree_checkpoint_and_kill(_metadata);

	dg_recs_read(&f, IPPROTO_UDP, port);
	ASSERT_EQ(1, f.found);
	EXPECT_EQ((__u32)DQ_N, f.r.nr_dgrams);
	EXPECT_EQ((int)DQ_N, f.n);
	EXPECT_EQ(0U, f.pad_bad);
	for (k = 0; k < DQ_N && (int)k < f.n; k++)
		dg_rec_is(_metadata, &f, k, &dq_sent[k], AF_INET,
			  dq_sent[k].snd ? DQ_TOS1 : DQ_TOS0, port, true);
	dg_recs_free(&f);

	tree_restart(_metadata);
	port_taken(_metadata, AF_INET, SOCK_DGRAM, "127.0.0.1", port);
	for (k = 0; k < 2; k++) {
		static unsigned char buf[16];

		sent_bytes(&dq_after[k], buf);
		EXPECT_EQ((ssize_t)dq_after[k].len,
			  sendto(self->t.snd[k], buf, dq_after[k].len, 0, &a.sa,
				 sizeof(a.v4)));
	}
	tree_go_on(_metadata);
	came_from(_metadata, self->t.snd[0], "got them", &a);
	came_from(_metadata, self->t.snd[1], "got them", &a);
	tree_finish(_metadata, false);
}

/*
 * The dual-stack socket's datagrams (fds[0], AF_INET6 on :: without
 * IPV6_V6ONLY, IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS):
 * from sender #0 on ::1, #1 on 127.0.0.1 (as ::ffff:127.0.0.1), #0
 * empty; what each sends after the restart
 */
static const struct sent ds_sent[] = {
	{ 0, 3, "six" }, { 1, 4, "four" }, { 0, 0, "" },
};
static const struct sent ds_after[] = {
	{ 0, 6, "after6" }, { 1, 6, "after4" },
};
#define DS_N	ARRAY_SIZE(ds_sent)

static int ds_setup(void)
{
	fds[0] = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fds[0] < 0 || set_opt(fds[0], SOL_IPV6, IPV6_V6ONLY, 0) ||
	    set_opt(fds[0], SOL_IPV6, IPV6_RECVPKTINFO, 1) ||
	    set_opt(fds[0], SOL_IPV6, IPV6_RECVHOPLIMIT, 1) ||
	    set_opt(fds[0], SOL_IPV6, IPV6_RECVTCLASS, 1))
		return -1;
	{
		union addr a;
		socklen_t len = mk_addr(&a, AF_INET6, NULL, 0);

		if (bind(fds[0], &a.sa, len))
			return -1;
	}
	say_port("PORT", port_of_fd(fds[0]));
	return 0;
}

/* sender @k of the dual-stack test, as the IPv6 socket sees it */
static void ds_from(union addr *a, int k)
{
	if (k == 0)
		mk_addr(a, AF_INET6, "::1", snd_port[0]);
	else
		mk_addr(a, AF_INET6, "::ffff:127.0.0.1", snd_port[1]);
}

/*
 * Restored: the datagrams at once, in order, from ::1 and
 * ::ffff:127.0.0.1, each with the control messages of what its sender
 * sent after the restart (IPV6_PKTINFO on lo to ::1 or ::ffff:127.0.0.1;
 * the IPv6 ones IPV6_HOPLIMIT and IPV6_TCLASS too), which comes after
 * them; the program answers each sender, over IPv6 and IPv4.
 */
static int ds_verify(void)
{
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT, mapped;
	struct dg g[DS_N], c[2];
	union addr from;
	char what[64];
	unsigned int k;

	inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped);
	for (k = 0; k < DS_N; k++) {
		snprintf(what, sizeof(what), "datagram %u of the %zu queued",
			 k, DS_N);
		ds_from(&from, ds_sent[k].snd);
		if (dg_expect(fds[0], false, &ds_sent[k], &from, &g[k], what))
			return -1;
	}
	for (k = 0; k < 2; k++) {
		snprintf(what, sizeof(what), "what sender %u sent after the restart",
			 k);
		ds_from(&from, k);
		if (dg_expect(fds[0], true, &ds_after[k], &from, &c[k], what))
			return -1;
	}
	for (k = 0; k < DS_N; k++) {
		bool v6 = ds_sent[k].snd == 0;
		const struct dg *d = &g[k];

		if (!d->pi6 || (int)d->ipi6.ipi6_ifindex != lo_index() ||
		    memcmp(&d->ipi6.ipi6_addr, v6 ? &lo6 : &mapped, 16) ||
		    (v6 && (!d->hop || !d->tclass || d->tclassv != DQ_TCLASS)))
			return NOPE("datagram %u: %s; expected IPV6_PKTINFO(ifindex %d, %s)%s",
				    k, dg_str(d), lo_index(),
				    v6 ? "::1" : "::ffff:127.0.0.1",
				    v6 ? ", IPV6_HOPLIMIT, IPV6_TCLASS 0x20" : "");
		if (!dg_cmsgs_same(d, &c[ds_sent[k].snd]))
			return NOPE("datagram %u: %s; what its sender sent after the restart: %s",
				    k, dg_str(d), dg_str(&c[ds_sent[k].snd]));
	}
	if (dg_none(fds[0], "the dual-stack socket, read"))
		return -1;
	for (k = 0; k < 2; k++) {
		ds_from(&from, k);
		if (sendto(fds[0], "got them", 8, 0, &from.sa,
			   sizeof(from.v6)) != 8)
			return NOPE("cannot answer %s: %s", show(&from),
				    strerror(errno));
	}
	return 0;
}

/*
 * A dual-stack UDP socket on :: (no IPV6_V6ONLY) with IPV6_RECVPKTINFO,
 * IPV6_RECVHOPLIMIT and IPV6_RECVTCLASS holds an IPv6 datagram from ::1
 * (sent with IPV6_TCLASS), an IPv4 one from 127.0.0.1 (IP_TOS) and an
 * empty IPv6 one: the image has them, of their families; restarted, the
 * program reads them at once, from ::1 and ::ffff:127.0.0.1, with the
 * control messages of what the same senders send after the restart,
 * which comes after them; its answers come to both senders.
 */
TEST_F_TIMEOUT(inet, udp6_dual_stack_datagrams_come_back, 120)
{
	struct dg_recs f;
	union addr a4, a6;
	unsigned int k;
	int port;

	make_senders(_metadata, &self->t, true);
	tree_start(_metadata, ds_setup, ds_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	mk_addr(&a6, AF_INET6, "::1", port);
	mk_addr(&a4, AF_INET, "127.0.0.1", port);
	for (k = 0; k < DS_N; k++) {
		ASSERT_TRUE(send_queued(self->t.snd[ds_sent[k].snd], &ds_sent[k],
					ds_sent[k].snd ? &a4 : &a6, "udp6",
					port, UDP_UNCONN_ST))
			TH_LOG("datagram %u is not queued: %s", k,
			       strerror(errno));
	}
	tree_checkpoint_and_kill(_metadata);

	dg_recs_read(&f, IPPROTO_UDP, port);
	ASSERT_EQ(1, f.found);
	EXPECT_EQ((__u32)AF_INET6, f.r.family);
	EXPECT_FALSE(!!(f.r.flags & CKPT_INET_V6ONLY));
	EXPECT_EQ((__u32)DS_N, f.r.nr_dgrams);
	EXPECT_EQ((int)DS_N, f.n);
	EXPECT_EQ(0U, f.pad_bad);
	for (k = 0; k < DS_N && (int)k < f.n; k++) {
		bool v6 = ds_sent[k].snd == 0;

		dg_rec_is(_metadata, &f, k, &ds_sent[k],
			  v6 ? AF_INET6 : AF_INET, v6 ? DQ_TCLASS : DQ_TOS0,
			  port, true);
	}
	dg_recs_free(&f);

	tree_restart(_metadata);
	port_taken(_metadata, AF_INET6, SOCK_DGRAM, "::1", port);
	port_taken(_metadata, AF_INET, SOCK_DGRAM, "127.0.0.1", port);
	EXPECT_EQ((ssize_t)6, sendto(self->t.snd[0], "after6", 6, 0, &a6.sa,
				     sizeof(a6.v6)));
	EXPECT_EQ((ssize_t)6, sendto(self->t.snd[1], "after4", 6, 0, &a4.sa,
				     sizeof(a4.v4)));
	tree_go_on(_metadata);
	came_from(_metadata, self->t.snd[0], "got them", &a6);
	came_from(_metadata, self->t.snd[1], "got them", &a4);
	tree_finish(_metadata, false);
}

/*
 * The connected socket's datagrams (fds[0], connected to the test's
 * sender #0 on 127.0.0.1, no control message asked for): two from its
 * peer before the checkpoint, one after
 */
static const struct sent cq_sent[] = {
	{ 0, 3, "one" }, { 0, 3, "two" }, { 0, 5, "three" },
};

static int cq_setup(void)
{
	fds[0] = connected(AF_INET, SOCK_DGRAM, "127.0.0.1", snd_port[0]);
	if (fds[0] < 0)
		return -1;
	say_port("PORT", port_of_fd(fds[0]));
	return 0;
}

/*
 * Restored: still connected to its peer; the two datagrams at once, in
 * order, then the one sent after the restart; it sends its peer an
 * answer through send()
 */
static int cq_verify(void)
{
	union addr from;
	struct dg g;
	char what[64];
	unsigned int k;

	snd_addr(&from, AF_INET, 0);
	if (name_is(fds[0], true, &from, "the connected socket"))
		return -1;
	for (k = 0; k < ARRAY_SIZE(cq_sent); k++) {
		snprintf(what, sizeof(what), "datagram %u from the peer", k);
		if (dg_expect(fds[0], k == 2, &cq_sent[k], &from, &g, what))
			return -1;
		if (g.ncmsg)
			return NOPE("%s: %s, and the socket asked for none",
				    what, dg_str(&g));
	}
	if (dg_none(fds[0], "the connected socket, read"))
		return -1;
	if (send(fds[0], "got 3", 5, 0) != 5)
		return NOPE("the connected socket cannot answer: %s",
			    strerror(errno));
	return 0;
}

/*
 * A UDP socket connected to the test's, with two datagrams of its peer
 * queued: the image has it connected, with them (no device: the socket
 * did not ask for IP_PKTINFO); restarted, connected again, the program
 * reads them at once, then what the peer sent after the restart, and
 * its answer comes to the peer from its address and port.
 */
TEST_F_TIMEOUT(inet, connected_udp_socket_keeps_datagrams_of_its_peer, 120)
{
	struct dg_recs f;
	union addr a;
	unsigned int k;
	int port;

	make_senders(_metadata, &self->t, false);
	tree_start(_metadata, cq_setup, cq_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	mk_addr(&a, AF_INET, "127.0.0.1", port);
	for (k = 0; k < 2; k++) {
		ASSERT_TRUE(send_queued(self->t.snd[0], &cq_sent[k], &a, "udp",
					port, UDP_CONN_ST))
			TH_LOG("datagram %u is not queued: %s", k,
			       strerror(errno));
	}
	tree_checkpoint_and_kill(_metadata);

	dg_recs_read(&f, IPPROTO_UDP, port);
	ASSERT_EQ(1, f.found);
	EXPECT_EQ((__u32)ST_ESTABLISHED, f.r.state);
	EXPECT_EQ(snd_port[0], (int)f.r.rport);
	EXPECT_EQ(2U, f.r.nr_dgrams);
	EXPECT_EQ(2, f.n);
	for (k = 0; k < 2 && (int)k < f.n; k++) {
		dg_rec_is(_metadata, &f, k, &cq_sent[k], AF_INET, DQ_TOS0,
			  port, false);
		/* not asked for IP_PKTINFO: no device, no spec_dst */
		EXPECT_EQ(0, f.d[k].ifindex);
		EXPECT_STREQ("", f.d[k].ifname);
	}
	dg_recs_free(&f);

	tree_restart(_metadata);
	EXPECT_EQ((ssize_t)5, sendto(self->t.snd[0], "three", 5, 0, &a.sa,
				     sizeof(a.v4)));
	tree_go_on(_metadata);
	came_from(_metadata, self->t.snd[0], "got 3", &a);
	tree_finish(_metadata, false);
}

/* ---- who chose the port ------------------------------------------------- */

/*
 * fds[0]: a UDP socket connected to the test's (connect() chose its
 * address and port); fds[1]: bound to 127.0.0.1 and port 0 (bind()
 * chose the port), then connected; fds[2]: a TCP listener bound to
 * 127.0.0.1 and port 0; fds[3]: a UDP socket bound to 127.0.0.1 and a
 * port it named, then connected.
 */
static union addr ch_name[4];

static int ch_setup(void)
{
	int port, k;

	fds[0] = connected(AF_INET, SOCK_DGRAM, "127.0.0.1", t_udp_port);
	fds[1] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	fds[2] = listener(AF_INET, "127.0.0.1", 0, 4);
	/* a port nobody has: one the kernel gave, let go */
	fds[3] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	port = fds[3] < 0 ? -1 : port_of_fd(fds[3]);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || port <= 0)
		return -1;
	close(fds[3]);
	fds[3] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", port);
	if (fds[3] < 0)
		return -1;
	for (k = 1; k < 4; k += 2) {
		union addr a;
		socklen_t len = mk_addr(&a, AF_INET, "127.0.0.1", t_udp_port);

		if (connect(fds[k], &a.sa, len))
			return -1;
	}
	for (k = 0; k < 4; k++)
		if (name_of(fds[k], false, &ch_name[k]))
			return -1;
	say_port("P0", port_of(&ch_name[0]));
	say_port("P1", port_of(&ch_name[1]));
	say_port("PL", port_of(&ch_name[2]));
	say_port("P3", port_of(&ch_name[3]));
	return 0;
}

/* connect(@fd, AF_UNSPEC): the socket is disconnected (and stops listening) */
static int disconnect(int fd)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };

	return connect(fd, &sa, sizeof(sa));
}

/*
 * Restored: the names as they were; then each is disconnected, and gives
 * up what bind() did not name, as a socket made so without a restart
 * does: the connected one its address and port (0.0.0.0:0), the one
 * bound to port 0 its port (127.0.0.1:0), the listener its port (another
 * socket can take it); the one bound to a port it named keeps it.
 */
static int ch_verify(void)
{
	union addr want;
	int k, fd, ret;

	for (k = 0; k < 4; k++)
		if (name_is(fds[k], false, &ch_name[k], "a socket"))
			return -1;
	for (k = 0; k < 4; k++)
		if (disconnect(fds[k]))
			return NOPE("disconnect socket %d: %s", k, strerror(errno));
	mk_addr(&want, AF_INET, "0.0.0.0", 0);
	if (name_is(fds[0], false, &want,
		    "the UDP socket connect() gave its address and port, disconnected"))
		return -1;
	mk_addr(&want, AF_INET, "127.0.0.1", 0);
	if (name_is(fds[1], false, &want,
		    "the UDP socket bound to port 0, disconnected"))
		return -1;
	if (name_is(fds[3], false, &ch_name[3],
		    "the UDP socket bound to a port it named, disconnected"))
		return -1;
	fd = bound(AF_INET, SOCK_STREAM, "127.0.0.1", port_of(&ch_name[2]));
	ret = fd < 0 ? NOPE("the listener bound to port 0 keeps port %d once disconnected: %s",
			    port_of(&ch_name[2]), strerror(errno)) : 0;
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * Ports and addresses the kernel chose (connect(), bind() to port 0) and
 * one bind() named: the image says which (CKPT_INET_BOUND_ADDR,
 * CKPT_INET_BOUND_PORT); restarted, a disconnect gives up what the
 * program did not name, as it would have without the restart.
 */
TEST_F_TIMEOUT(inet, ports_the_kernel_chose_are_given_up_as_before, 120)
{
	const __u32 bound_mask = CKPT_INET_BOUND_ADDR | CKPT_INET_BOUND_PORT;
	struct ckpt_hdr_file_inet r;
	int p0, p1, pl, p3;

	tree_start(_metadata, ch_setup, ch_verify);
	p0 = reported("P0");
	p1 = reported("P1");
	pl = reported("PL");
	p3 = reported("P3");
	ASSERT_TRUE(p0 > 0 && p1 > 0 && pl > 0 && p3 > 0);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(1, inet_rec(IPPROTO_UDP, p0, &r));
	EXPECT_EQ(0U, r.flags & bound_mask);
	ASSERT_EQ(1, inet_rec(IPPROTO_UDP, p1, &r));
	EXPECT_EQ((__u32)CKPT_INET_BOUND_ADDR, r.flags & bound_mask);
	ASSERT_EQ(1, inet_rec(IPPROTO_TCP, pl, &r));
	EXPECT_EQ((__u32)CKPT_INET_BOUND_ADDR, r.flags & bound_mask);
	ASSERT_EQ(1, inet_rec(IPPROTO_UDP, p3, &r));
	EXPECT_EQ(bound_mask, r.flags & bound_mask);

	tree_restart(_metadata);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* ---- restarts that fail: a port taken ------------------------------------ */

/* fds[0]: a TCP listener on 127.0.0.1, SO_REUSEADDR */
static int tk_tcp_setup(void)
{
	union addr a;
	socklen_t len = mk_addr(&a, AF_INET, "127.0.0.1", 0);

	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[0] < 0 || set_opt(fds[0], SOL_SOCKET, SO_REUSEADDR, 1) ||
	    bind(fds[0], &a.sa, len) || listen(fds[0], 4))
		return -1;
	say_port("PORT", port_of_fd(fds[0]));
	return 0;
}

/* restored: it serves the test's client */
static int tk_tcp_verify(void)
{
	int s = -1, ret;

	ret = serve(fds[0], AF_INET, "127.0.0.1", "knock", "enter", &s,
		    "the listener");
	if (s >= 0)
		close(s);
	return ret;
}

/*
 * The listener's port taken by the test (a listener of its own) while
 * the tree is down: the restart fails with EADDRINUSE and says which
 * port, nothing of the image runs, and the test's listener keeps the
 * port. Once the test lets it go, the same image restarts and serves.
 */
TEST_F_TIMEOUT(inet, restart_fails_when_the_tcp_port_is_taken, 120)
{
	char line[128];
	int port, c;

	tree_start(_metadata, tk_tcp_setup, tk_tcp_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	tree_checkpoint_and_kill(_metadata);
	self->t.held = listener(AF_INET, "127.0.0.1", port, 1);
	ASSERT_LE(0, self->t.held) TH_LOG("listen on port %d: %s", port,
					  strerror(errno));

	snprintf(line, sizeof(line), "cannot bind the TCP socket to port %d",
		 port);
	tree_restart_fails(_metadata, 0, EADDRINUSE, line);
	nothing_left(_metadata);
	EXPECT_EQ(1, get_opt(self->t.held, SOL_SOCKET, SO_ACCEPTCONN));
	EXPECT_EQ(port, port_of_fd(self->t.held));
	close_fd(&self->t.held);

	tree_restart(_metadata);
	c = knock(_metadata, AF_INET, "127.0.0.1", port, "knock");
	tree_go_on(_metadata);
	answered(_metadata, c, "enter");
	tree_finish(_metadata, false);
}

/* fds[0]: a UDP socket bound to 127.0.0.1 */
static int tk_udp_setup(void)
{
	fds[0] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	if (fds[0] < 0)
		return -1;
	say_port("PORT", port_of_fd(fds[0]));
	return 0;
}

/* restored: the test's datagram comes, from the test's socket */
static int tk_udp_verify(void)
{
	union addr from, src;
	socklen_t len = sizeof(src);
	char buf[16] = "";

	mk_addr(&from, AF_INET, "127.0.0.1", t_udp_port);
	memset(&src, 0, sizeof(src));
	if (!wait_in(fds[0], WAIT_MS) ||
	    recvfrom(fds[0], buf, sizeof(buf) - 1, MSG_DONTWAIT, &src.sa,
		     &len) != 5 || strcmp(buf, "again"))
		return NOPE("the UDP socket did not get \"again\": \"%s\"", buf);
	if (!same_addr(&src, &from))
		return NOPE("\"again\" came from %s, expected %s", show(&src),
			    show(&from));
	return 0;
}

/*
 * The UDP socket's port taken by the test while the tree is down: the
 * restart fails with EADDRINUSE and says which port, nothing runs, and
 * the test's socket still gets what is sent there. Once it is closed, the
 * same image restarts and the restored socket gets it.
 */
TEST_F_TIMEOUT(inet, restart_fails_when_the_udp_port_is_taken, 120)
{
	union addr a;
	char line[128];
	int port;

	tree_start(_metadata, tk_udp_setup, tk_udp_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	tree_checkpoint_and_kill(_metadata);
	self->t.held = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", port);
	ASSERT_LE(0, self->t.held) TH_LOG("bind to port %d: %s", port,
					  strerror(errno));

	snprintf(line, sizeof(line), "cannot bind the UDP socket to port %d",
		 port);
	tree_restart_fails(_metadata, 0, EADDRINUSE, line);
	nothing_left(_metadata);
	mk_addr(&a, AF_INET, "127.0.0.1", port);
	EXPECT_EQ((ssize_t)4, sendto(self->t.t_udp, "mine", 4, 0, &a.sa,
				     sizeof(a.v4)));
	EXPECT_TRUE(awaited(self->t.held, "mine"))
		TH_LOG("the port is not the test's");
	close_fd(&self->t.held);

	tree_restart(_metadata);
	EXPECT_EQ((ssize_t)5, sendto(self->t.t_udp, "again", 5, 0, &a.sa,
				     sizeof(a.v4)));
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* ---- checkpoints that refuse --------------------------------------------- */

/*
 * Checkpoint the frozen tree: it must refuse with @line (4 KiB of the log
 * read); then thaw it.
 */
static void refused(struct __test_metadata *_metadata, const char *line)
{
	char log[4096] = "";

	tree_refused(_metadata, line, NULL, log, sizeof(log));
}

/* the tree of @setup refused with @line; thawed, it goes on to @verify */
static void refused_then_thawed(struct __test_metadata *_metadata,
				int (*setup)(void), int (*verify)(void),
				const char *line)
{
	tree_start(_metadata, setup, verify);
	refused(_metadata, line);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* fds[0]: a listener on 127.0.0.1, which the test connects to */
static int pend_setup(void)
{
	fds[0] = listener(AF_INET, "127.0.0.1", 0, 4);
	if (fds[0] < 0)
		return -1;
	say_port("PORT", port_of_fd(fds[0]));
	return 0;
}

/*
 * A listener with a connection of the test's waiting to be accepted (the
 * listener's queue has it, /proc/net/tcp says): refused. Thawed, the
 * listener accepts it and answers.
 */
TEST_F_TIMEOUT(inet, listener_with_connection_not_accepted_is_refused, 120)
{
	int port, c;

	tree_start(_metadata, pend_setup, tk_tcp_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	c = knock(_metadata, AF_INET, "127.0.0.1", port, "knock");
	ASSERT_LE(0, c);
	ASSERT_TRUE(rxq_reaches("tcp", port, TCP_LISTEN_ST, 1))
		TH_LOG("the connection is not in the listener's queue");
	refused(_metadata,
		"is a listening TCP socket with connections not accepted yet: not supported yet");
	tree_go_on(_metadata);
	answered(_metadata, c, "enter");
	tree_finish(_metadata, false);
}

/*
 * fds[0]: a client whose connection was reset by its peer (accepted,
 * then closed with SO_LINGER 0): CLOSE, with ECONNRESET pending
 */
static int reset_setup(void)
{
	int l, a;

	l = listener(AF_INET, "127.0.0.1", 0, 1);
	if (l < 0)
		return -1;
	fds[0] = connected(AF_INET, SOCK_STREAM, "127.0.0.1", port_of_fd(l));
	a = accept_in(l, WAIT_MS);
	if (fds[0] < 0 || a < 0)
		return -1;
	rst_close(a);
	close(l);
	if (!wait_in(fds[0], WAIT_MS))
		return NOPE("the reset did not come");
	return 0;
}

/* the error pending on fds[0] is @want */
static int so_error_is(int want)
{
	int err = get_opt(fds[0], SOL_SOCKET, SO_ERROR);

	if (err != want)
		return NOPE("SO_ERROR is %d (%s), expected %s", err,
			    strerrorname_np(err) ?: "?", strerrorname_np(want));
	return 0;
}

/* thawed: the error is still there to read */
static int reset_verify(void)
{
	return so_error_is(ECONNRESET);
}

/*
 * A TCP socket whose connection was reset: refused. Thawed, its error
 * is still pending.
 */
TEST_F_TIMEOUT(inet, tcp_connection_reset_is_refused, 120)
{
	refused_then_thawed(_metadata, reset_setup, reset_verify,
			    "is a TCP socket whose connection ended: not supported yet");
}

/*
 * fds[0]: a UDP socket on the loopback of opt_family (127.0.0.1 or ::1),
 * which the test sends a datagram with IP options or IPv6 extension
 * headers
 */
static int opt_family;

static int opt_setup(void)
{
	fds[0] = bound(opt_family, SOCK_DGRAM,
		       opt_family == AF_INET ? "127.0.0.1" : "::1", 0);
	if (fds[0] < 0)
		return -1;
	say_port("PORT", port_of_fd(fds[0]));
	return 0;
}

/* thawed: the datagram that waited is read, and answered */
static int opt_verify(void)
{
	union addr from;
	socklen_t len = sizeof(from);
	char buf[16] = "";

	memset(&from, 0, sizeof(from));
	if (!wait_in(fds[0], WAIT_MS) ||
	    recvfrom(fds[0], buf, sizeof(buf) - 1, MSG_DONTWAIT, &from.sa,
		     &len) != 4 || strcmp(buf, "opts"))
		return NOPE("the datagram that waited is not \"opts\": \"%s\"",
			    buf);
	if (sendto(fds[0], "got it", 6, 0, &from.sa, len) != 6)
		return NOPE("cannot answer %s: %s", show(&from),
			    strerror(errno));
	return 0;
}

/*
 * The datagram "opts" sent from @snd (with its options) to the tree's
 * socket of @family on the loopback, queued there (/proc/net/udp or
 * udp6 says): the checkpoint refuses with @line; thawed, the tree reads
 * the datagram and answers.
 */
static void opt_refused(struct __test_metadata *_metadata, struct tree *t,
			int family, int snd, const char *line)
{
	const char *lo = family == AF_INET ? "127.0.0.1" : "::1";
	const char *file = family == AF_INET ? "udp" : "udp6";
	union addr a;
	socklen_t alen;
	int port;

	opt_family = family;
	tree_start(_metadata, opt_setup, opt_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	alen = mk_addr(&a, family, lo, port);
	ASSERT_EQ((ssize_t)4, sendto(snd, "opts", 4, 0, &a.sa, alen))
		TH_LOG("send: %s", strerror(errno));
	ASSERT_TRUE(rxq_reaches(file, port, UDP_UNCONN_ST, 1))
		TH_LOG("the datagram is not queued");
	refused(_metadata, line);
	tree_go_on(_metadata);
	came_from(_metadata, snd, "got it", &a);
	tree_finish(_metadata, false);
}

/*
 * A UDP socket with a datagram queued that came with IP options (four
 * bytes: NOPs), which restart would not give back: refused. Thawed, the
 * program reads it and answers.
 */
TEST_F_TIMEOUT(inet, udp_socket_with_datagram_with_ip_options_is_refused, 120)
{
	static const unsigned char nops[4] = { IPOPT_NOP, IPOPT_NOP,
					       IPOPT_NOP, IPOPT_END };

	self->t.snd[0] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	ASSERT_LE(0, self->t.snd[0]);
	if (setsockopt(self->t.snd[0], SOL_IP, IP_OPTIONS, nops, sizeof(nops)))
		SKIP(return, "IP_OPTIONS: %s", strerror(errno));
	opt_refused(_metadata, &self->t, AF_INET, self->t.snd[0],
		    "is a UDP socket with a datagram with IP options queued");
}

/*
 * A UDP socket on ::1 with a datagram queued that came with a
 * destination options header (a PadN option alone): refused. Thawed,
 * the program reads it and answers.
 */
TEST_F_TIMEOUT(inet, udp_socket_with_datagram_with_ipv6_ext_headers_is_refused,
	       120)
{
	/* next header (the kernel's), length 0 (8 bytes), PadN of 4 */
	static const unsigned char dst[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };

	self->t.snd[0] = bound(AF_INET6, SOCK_DGRAM, "::1", 0);
	ASSERT_LE(0, self->t.snd[0]);
	if (setsockopt(self->t.snd[0], SOL_IPV6, IPV6_DSTOPTS, dst, sizeof(dst)))
		SKIP(return, "IPV6_DSTOPTS: %s", strerror(errno));
	opt_refused(_metadata, &self->t, AF_INET6, self->t.snd[0],
		    "is a UDP socket with a datagram with IPv6 extension headers queued");
}

/*
 * fds[0]: a UDP socket connected to a port nobody has (IP_RECVERR off):
 * what it sent got an ICMP port unreachable, ECONNREFUSED is pending
 */
static int err_setup(void)
{
	struct pollfd p = { .events = POLLIN };
	int port, gone;

	gone = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	port = gone < 0 ? -1 : port_of_fd(gone);
	if (gone < 0 || port < 0 || close(gone))
		return -1;
	fds[0] = connected(AF_INET, SOCK_DGRAM, "127.0.0.1", port);
	if (fds[0] < 0 || send(fds[0], "anyone?", 7, 0) != 7)
		return -1;
	p.fd = fds[0];
	if (poll(&p, 1, WAIT_MS) != 1 || !(p.revents & POLLERR))
		return NOPE("no error came back (revents %#x)", p.revents);
	return 0;
}

/* thawed: the error is still there to read */
static int err_verify(void)
{
	return so_error_is(ECONNREFUSED);
}

/*
 * A connected UDP socket with an error pending (ECONNREFUSED, from an
 * ICMP port unreachable): refused. Thawed, the error is still pending.
 */
TEST_F_TIMEOUT(inet, udp_socket_with_pending_error_is_refused, 120)
{
	refused_then_thawed(_metadata, err_setup, err_verify,
			    "is a socket with a pending error: not supported yet");
}

/* fds[0]: a UDP socket on 127.0.0.1 with SO_TIMESTAMP */
static int ts_setup(void)
{
	if (tk_udp_setup())
		return -1;
	return set_opt(fds[0], SOL_SOCKET, SO_TIMESTAMP, 1);
}

/* thawed: SO_TIMESTAMP is on, and the test's datagram comes with its time */
static int ts_verify(void)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct timeval))];
	} ctl;
	char buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *h;

	if (get_opt(fds[0], SOL_SOCKET, SO_TIMESTAMP) != 1)
		return NOPE("SO_TIMESTAMP is off");
	if (!wait_in(fds[0], WAIT_MS) || recvmsg(fds[0], &m, MSG_DONTWAIT) != 5)
		return NOPE("the test's datagram did not come");
	h = CMSG_FIRSTHDR(&m);
	if (!h || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_TIMESTAMP)
		return NOPE("the datagram has no SCM_TIMESTAMP");
	return 0;
}

/*
 * A UDP socket with SO_TIMESTAMP, which is not saved: refused. Thawed,
 * datagrams come with their time.
 */
TEST_F_TIMEOUT(inet, udp_socket_with_so_timestamp_is_refused, 120)
{
	union addr a;
	int port;

	tree_start(_metadata, ts_setup, ts_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	refused(_metadata,
		"inet socket has socket options that are not saved (SO_TIMESTAMP or another flag)");
	mk_addr(&a, AF_INET, "127.0.0.1", port);
	EXPECT_EQ((ssize_t)5, sendto(self->t.t_udp, "stamp", 5, 0, &a.sa,
				     sizeof(a.v4)));
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

#define MC_GROUP	"239.255.42.42"

/* the group MC_GROUP on the loopback, for IP_ADD/DROP_MEMBERSHIP */
static struct ip_mreqn mc_req(void)
{
	struct ip_mreqn r = { .imr_ifindex = (int)if_nametoindex("lo") ?: 1 };

	inet_pton(AF_INET, MC_GROUP, &r.imr_multiaddr);
	return r;
}

/* fds[0]: a UDP socket on 127.0.0.1, a member of MC_GROUP on lo */
static int mc_setup(void)
{
	struct ip_mreqn r = mc_req();

	fds[0] = bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 0);
	return fds[0] < 0 || setsockopt(fds[0], SOL_IP, IP_ADD_MEMBERSHIP, &r,
					sizeof(r)) ? -1 : 0;
}

/* thawed: it is still a member (IP_DROP_MEMBERSHIP finds it) */
static int mc_verify(void)
{
	struct ip_mreqn r = mc_req();

	if (setsockopt(fds[0], SOL_IP, IP_DROP_MEMBERSHIP, &r, sizeof(r)))
		return NOPE("the membership is gone: %s", strerror(errno));
	return 0;
}

/*
 * A UDP socket that joined a multicast group on lo, which is not saved:
 * refused. Thawed, it is still a member.
 */
TEST_F_TIMEOUT(inet, udp_socket_with_multicast_membership_is_refused, 120)
{
	struct ip_mreqn r = mc_req();
	int probe = socket(AF_INET, SOCK_DGRAM, 0), ret;

	ASSERT_LE(0, probe);
	ret = setsockopt(probe, SOL_IP, IP_ADD_MEMBERSHIP, &r, sizeof(r));
	close(probe);
	if (ret)
		SKIP(return, "IP_ADD_MEMBERSHIP on lo: %s (so_timestamp has the same refusal)",
		     strerror(errno));
	refused_then_thawed(_metadata, mc_setup, mc_verify,
			    "inet socket has socket options that are not saved (an IP multicast membership");
}

/*
 * fds[0]: a UDP socket made in a new network namespace, which the root
 * entered and left again
 */
static int netns_setup(void)
{
	int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (ns < 0 || unshare(CLONE_NEWNET))
		return -1;
	fds[0] = socket(AF_INET, SOCK_DGRAM, 0);
	if (setns(ns, CLONE_NEWNET))
		return NOPE("cannot go back to the first network namespace: %s",
			    strerror(errno));
	close(ns);
	return fds[0] < 0 ? -1 : 0;
}

/* thawed: the socket is still there */
static int netns_verify(void)
{
	if (get_opt(fds[0], SOL_SOCKET, SO_DOMAIN) != AF_INET ||
	    get_opt(fds[0], SOL_SOCKET, SO_PROTOCOL) != IPPROTO_UDP)
		return NOPE("the socket is not the UDP socket it was");
	return 0;
}

/*
 * A socket of another network namespace than the one restart would make
 * it in: refused. Thawed, it is still there.
 */
TEST_F_TIMEOUT(inet, socket_of_another_network_namespace_is_refused, 120)
{
	int status;
	pid_t p;

	p = fork();
	ASSERT_LE(0, p);
	if (!p)
		_exit(unshare(CLONE_NEWNET) ? 1 : 0);
	ASSERT_EQ(p, waitpid(p, &status, 0));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		SKIP(return, "no new network namespace here");
	refused_then_thawed(_metadata, netns_setup, netns_verify,
			    "is an inet socket of another network namespace: not supported yet");
}

TEST_HARNESS_MAIN
