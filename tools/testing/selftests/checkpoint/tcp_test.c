// SPDX-License-Identifier: GPL-2.0
/*
 * Established TCP connections over the loopback (127.0.0.1, ::1, and
 * IPv4 on a dual-stack AF_INET6 socket), checkpointed with their tree and
 * restarted in the test's network namespace through the kernel's TCP
 * repair code, as the program and its peer see them.
 *
 * The root of a small tree (ck_tree.h) makes its connections, writes
 * bytes its peer does not read, reports its ports ("KEY <port>" lines),
 * says READY and waits for SIGUSR1; a test may let it do more before the
 * checkpoint (tree_mid: the root says "MID 1" and waits again). The test
 * process is the outside peer: it connects to the tree's listener or
 * accepts the tree's client on a listener of its own, sends bytes the
 * tree does not read, and checkpoints the frozen tree with
 * CHECKPOINT_NET_LOCK, kills it, and - while the tree is down - sends
 * more and watches its end of the connection: a pause, no error, no end,
 * nothing acknowledged. Restarted, the program's verify() reads every
 * byte that was sent to it exactly once and in order (counter patterns:
 * a lost, doubled or moved byte shows), finds its names, its options and
 * the options the handshake agreed as they were, answers with a count and
 * a checksum of what it read, and ends the connection; the test reads the
 * rest of what the tree wrote and the answer. The image is read too: each
 * connection's FILE_INET record is followed by its TCP_CONN record, whose
 * queues hold what was not read or not acknowledged.
 *
 * Then: both ends in the tree; bytes written and never sent (the peer's
 * window closed); a checkpoint without CHECKPOINT_NET_LOCK, which leaves
 * the tree going on and a restart of its image failing while the
 * connection exists; CHECKPOINT_NET_LOCK refused for a self checkpoint; a
 * checkpoint with CHECKPOINT_NET_LOCK that fails after it locked a
 * connection, which goes on; a restarter without CAP_NET_ADMIN; and the
 * connections still refused (CLOSE_WAIT, urgent data, shut down for
 * reading), each leaving the tree working once thawed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/checkpoint_hdr.h>
#include <linux/sockios.h>

/* this test's words in ck_inet.h's helpers */
#define INET_MID_KEY	"MID"
#define INET_NAME_WAS	"it reported %s before the checkpoint"
#define INET_OPTS_CONN	1	/* a connection's options only */
#include "ck_inet.h"
#include "image.h"

#define CG		"/sys/fs/cgroup/ckpt-tcp"
#define WAIT_MS		20000	/* for what a process sends now */
/*
 * For what the peer's TCP sends again after a pause: its retransmission
 * timer backs off while the connection is locked, doubling each time, so
 * its next try may come about as long after the restart as the pause
 * lasted.
 */
#define RETX_MS		60000
#define PAUSE_MS	300	/* the test watches a locked connection */

/* the kernel's TCP state of a connection, as FILE_INET has it */
#define ST_ESTABLISHED	1

/* the streams, each 32-bit big-endian counters from its seed */
#define SEED_TEST	0x10000000u	/* what the test sends */
#define SEED_TREE	0x70000000u	/* what the tree sends the test */

/* what setup() made, for verify() in the restored program */
static int fds[4];

/* ---- sockets ------------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* poll() @fd for @events for up to @ms: its revents, 0 if none came */
static short wait_for(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long end = now_ms() + ms, left;
	int n;

	do {
		left = end - now_ms();
		n = poll(&p, 1, left > 0 ? (int)left : 0);
	} while (n < 0 && errno == EINTR);
	return n == 1 ? p.revents : 0;
}

/* @fd has something to read (or an end, an error) within @ms */
static bool wait_in(int fd, int ms)
{
	return wait_for(fd, POLLIN, ms) != 0;
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

/* the TCP state TCP_INFO reports for @fd, or -1 */
static int tcp_state(int fd)
{
	struct tcp_info i;
	socklen_t len = sizeof(i);

	return getsockopt(fd, SOL_TCP, TCP_INFO, &i, &len) ? -1 : i.tcpi_state;
}

/* the bytes written on @fd and not acknowledged by the peer, or -1 */
static int outq(int fd)
{
	int v;

	return ioctl(fd, SIOCOUTQ, &v) ? -1 : v;
}

/* wait until the peer acknowledged every byte written on @fd: 0 or -1 */
static int wait_acked(int fd, int ms)
{
	long long end = now_ms() + ms;

	while (outq(fd)) {
		if (now_ms() > end)
			return -1;
		usleep(10000);
	}
	return 0;
}

/*
 * wait until nothing @fd sent is on its way (TCP_INFO's unacked: every
 * segment sent is acknowledged, what is left waits for the peer's window):
 * 0 or -1
 */
static int wait_quiet(int fd, int ms)
{
	long long end = now_ms() + ms;
	struct tcp_info i;
	socklen_t len;

	for (;;) {
		len = sizeof(i);
		if (getsockopt(fd, SOL_TCP, TCP_INFO, &i, &len))
			return -1;
		if (!i.tcpi_unacked)
			return 0;
		if (now_ms() > end)
			return -1;
		usleep(10000);
	}
}

/* wait until @fd is in TCP state @st: 0 or -1 */
static int wait_state(int fd, int st, int ms)
{
	long long end = now_ms() + ms;

	while (tcp_state(fd) != st) {
		if (now_ms() > end)
			return -1;
		usleep(10000);
	}
	return 0;
}

/* ---- streams ------------------------------------------------------------- */

/* byte @off of stream @seed: 32-bit big-endian counters from @seed on */
static unsigned char sbyte(uint32_t seed, uint64_t off)
{
	uint32_t v = seed + (uint32_t)(off >> 2);

	return v >> (8 * (3 - (off & 3)));
}

static void sfill(uint32_t seed, uint64_t off, unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = sbyte(seed, off + i);
}

/* FNV-1a of the first @len bytes of stream @seed */
static uint32_t ssum(uint32_t seed, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ sbyte(seed, i)) * 16777619u;
	return h;
}

/* what a program answers once it read @len bytes of stream @seed */
#define GOT_SIZE	32
static void got_line(char *buf, uint32_t seed, size_t len)
{
	snprintf(buf, GOT_SIZE, "GOT %08x %08x\n", (uint32_t)len,
		 ssum(seed, len));
}

/*
 * Send bytes @off to @off + @len of stream @seed on @fd, waiting up to
 * @ms each time its buffer is full: how many went (errno says why not all)
 */
static size_t send_stream(int fd, uint32_t seed, uint64_t off, size_t len,
			  int ms)
{
	static unsigned char buf[65536];
	size_t done = 0, n;
	ssize_t r;

	while (done < len) {
		n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		sfill(seed, off + done, buf, n);
		r = send(fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0) {
			done += r;
			continue;
		}
		if (r < 0 && errno != EAGAIN)
			break;
		if (!wait_for(fd, POLLOUT, ms)) {
			errno = ETIMEDOUT;
			break;
		}
	}
	return done;
}

/*
 * Read exactly @len bytes of stream @seed from offset @off on @fd, each
 * read within @ms of the last: 0, or NOPE saying what came instead
 */
static int recv_stream(int fd, uint32_t seed, uint64_t off, size_t len,
		       int ms, const char *what)
{
	static unsigned char buf[65536];
	size_t got = 0, n, i;
	ssize_t r;

	while (got < len) {
		if (!wait_in(fd, ms))
			return NOPE("%s: %zu of %zu bytes came, then nothing for %d ms",
				    what, got, len, ms);
		n = len - got < sizeof(buf) ? len - got : sizeof(buf);
		r = recv(fd, buf, n, MSG_DONTWAIT);
		if (!r)
			return NOPE("%s: the stream ends after %zu of %zu bytes",
				    what, got, len);
		if (r < 0) {
			if (errno == EAGAIN)
				continue;
			return NOPE("%s: after %zu of %zu bytes: %s", what, got,
				    len, strerror(errno));
		}
		for (i = 0; i < (size_t)r; i++)
			if (buf[i] != sbyte(seed, off + got + i))
				return NOPE("%s: byte %llu of the stream is %#x, expected %#x: a byte lost, doubled or moved",
					    what,
					    (unsigned long long)(off + got + i),
					    buf[i], sbyte(seed, off + got + i));
		got += r;
	}
	return 0;
}

/*
 * Read stream @seed on @fd up to its end, each read within @ms of the
 * last: 0 with its length in *@n, or NOPE
 */
static int recv_to_end(int fd, uint32_t seed, int ms, size_t *n,
		       const char *what)
{
	static unsigned char buf[65536];
	ssize_t r;
	size_t i;

	*n = 0;
	for (;;) {
		if (!wait_in(fd, ms))
			return NOPE("%s: %zu bytes came, then nothing for %d ms (no end)",
				    what, *n, ms);
		r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (!r)
			return 0;
		if (r < 0) {
			if (errno == EAGAIN)
				continue;
			return NOPE("%s: after %zu bytes: %s", what, *n,
				    strerror(errno));
		}
		for (i = 0; i < (size_t)r; i++)
			if (buf[i] != sbyte(seed, *n + i))
				return NOPE("%s: byte %zu of the stream is %#x, expected %#x: a byte lost, doubled or moved",
					    what, *n + i, buf[i],
					    sbyte(seed, *n + i));
		*n += r;
		if (*n > CKPT_TCP_QUEUE_MAX)
			return NOPE("%s: more than %d bytes", what,
				    CKPT_TCP_QUEUE_MAX);
	}
}

/* nothing more to read on @fd now: 0, or NOPE */
static int nothing_more(int fd, const char *what)
{
	char c;
	ssize_t r = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	if (r < 0 && errno == EAGAIN)
		return 0;
	return NOPE("%s: more to read than was sent: %s", what,
		    r > 0 ? "a byte" : r ? strerror(errno) : "the end");
}

/* send @s on @fd, all of it now: 0, or NOPE */
static int send_str(int fd, const char *s, const char *what)
{
	ssize_t r = send(fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL);

	if (r != (ssize_t)strlen(s))
		return NOPE("%s: cannot send \"%s\": %s", what, s,
			    r < 0 ? strerror(errno) : "a part only");
	return 0;
}

/* @want, sent now by another process, comes on @fd within @ms: 0 or NOPE */
static int expect_str(int fd, const char *want, int ms, const char *what)
{
	size_t len = strlen(want), got = 0;
	char buf[64] = "";
	ssize_t r;

	while (got < len && len < sizeof(buf)) {
		if (!wait_in(fd, ms))
			return NOPE("%s: \"%.*s\" of \"%s\" came, then nothing for %d ms",
				    what, (int)got, buf, want, ms);
		r = recv(fd, buf + got, len - got, MSG_DONTWAIT);
		if (r < 0 && errno == EAGAIN)
			continue;
		if (r <= 0)
			return NOPE("%s: \"%.*s\" of \"%s\" came, then %s", what,
				    (int)got, buf, want,
				    r ? strerror(errno) : "the end");
		got += r;
	}
	if (got != len || memcmp(buf, want, len))
		return NOPE("%s: \"%.*s\" came, expected \"%s\"", what,
			    (int)got, buf, want);
	return 0;
}

/* the peer ends the stream on @fd within @ms (nothing before): 0 or NOPE */
static int eof_within(int fd, int ms, const char *what)
{
	char c;
	ssize_t r;

	for (;;) {
		if (!wait_for(fd, POLLIN | POLLRDHUP, ms))
			return NOPE("%s: no end within %d ms", what, ms);
		r = recv(fd, &c, 1, MSG_DONTWAIT);
		if (!r)
			return 0;
		if (r < 0 && errno == EAGAIN)
			continue;
		return NOPE("%s: expected the end, got %s", what,
			    r > 0 ? "a byte" : strerror(errno));
	}
}

/*
 * @fd, a connection as it was before the checkpoint: its names,
 * ESTABLISHED, out of repair mode, no error pending. 0 or NOPE.
 */
static int conn_ok(int fd, const union addr *name, const union addr *peer,
		   const char *what)
{
	int st = tcp_state(fd), rep = get_opt(fd, SOL_TCP, TCP_REPAIR);
	int err = get_opt(fd, SOL_SOCKET, SO_ERROR);

	if (name_is(fd, false, name, what) || name_is(fd, true, peer, what))
		return -1;
	/* CLOSE_WAIT: the peer has sent all it had to, since */
	if (st != TCP_ESTABLISHED && st != TCP_CLOSE_WAIT)
		return NOPE("%s: TCP state %d, expected ESTABLISHED (%d)",
			    what, st, TCP_ESTABLISHED);
	if (rep)
		return NOPE("%s: TCP_REPAIR reads %d: the socket is still in repair mode",
			    what, rep);
	if (err)
		return NOPE("%s: SO_ERROR is %s", what,
			    err > 0 ? strerrorname_np(err) : "unreadable");
	return 0;
}

/* ---- options ------------------------------------------------------------- */

/* what TCP_INFO says of the options the handshake agreed */
struct agreed {
	int state, options, snd_wscale, rcv_wscale;
};

static int agreed_read(int fd, struct agreed *g)
{
	struct tcp_info i;
	socklen_t len = sizeof(i);

	memset(g, 0, sizeof(*g));
	if (getsockopt(fd, SOL_TCP, TCP_INFO, &i, &len))
		return -1;
	g->state = i.tcpi_state;
	g->options = i.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
				       TCPI_OPT_WSCALE);
	g->snd_wscale = i.tcpi_snd_wscale;
	g->rcv_wscale = i.tcpi_rcv_wscale;
	return 0;
}

/* TCP_INFO of @fd says what @g says: 0, or NOPE */
static int agreed_same(int fd, const struct agreed *g, const char *what)
{
	struct agreed now;

	if (agreed_read(fd, &now))
		return NOPE("%s: TCP_INFO: %s", what, strerror(errno));
	if (memcmp(&now, g, sizeof(now)))
		return NOPE("%s: TCP_INFO reports state %d, options %#x, window scales %d/%d; before the checkpoint state %d, options %#x, window scales %d/%d",
			    what, now.state, now.options, now.snd_wscale,
			    now.rcv_wscale, g->state, g->options,
			    g->snd_wscale, g->rcv_wscale);
	return 0;
}

/* ---- the image ----------------------------------------------------------- */

/* a connection's FILE_INET record in the image, and the TCP_CONN after it */
struct conn_rec {
	int lport, rport;
	bool in;			/* the next record is its TCP_CONN */
	int found;			/* its FILE_INET records */
	int conns;			/* TCP_CONN records right after */
	struct ckpt_hdr_file_inet r;
	struct ckpt_hdr_tcp_conn c;
};

static int conn_cb(const struct ckpt_hdr *h, size_t off, void *arg)
{
	const struct ckpt_hdr_file_inet *r = (const void *)h;
	struct conn_rec *f = arg;
	bool after = f->in;

	f->in = false;
	if (h->type == CKPT_HDR_FILE_INET) {
		if (r->protocol != IPPROTO_TCP || r->state != ST_ESTABLISHED ||
		    (int)r->lport != f->lport || (int)r->rport != f->rport)
			return 0;
		memset(&f->r, 0, sizeof(f->r));
		memcpy(&f->r, r, h->len < sizeof(*r) ? h->len : sizeof(*r));
		f->found++;
		f->in = true;
	} else if (h->type == CKPT_HDR_TCP_CONN && after) {
		memcpy(&f->c, h, h->len < sizeof(f->c) ? h->len : sizeof(f->c));
		f->conns++;
	}
	return 0;
}

/*
 * The records of the image's TCP connection from local port @lport to
 * @rport, into @f: how many FILE_INET records of it the image has (1
 * expected; f->conns counts the TCP_CONN records right after them)
 */
static int conn_rec(int lport, int rport, struct conn_rec *f)
{
	struct ckpt_image im;

	memset(f, 0, sizeof(*f));
	f->lport = lport;
	f->rport = rport;
	if (ckpt_image_load(ckt.img, &im))
		return -1;
	ckpt_image_walk(&im, conn_cb, f, NULL, 0);
	ckpt_image_free(&im);
	return f->found;
}

/* the bytes written and not acknowledged, and those not read */
static uint32_t sndq(const struct ckpt_hdr_tcp_conn *c)
{
	return c->write_seq - c->snd_una;
}

static uint32_t rcvq(const struct ckpt_hdr_tcp_conn *c)
{
	return c->rcv_nxt - c->copied_seq;
}

/* ---- the tree ------------------------------------------------------------ */

/*
 * What the tree of a test connects to, or listens on, and how; set by the
 * test before the fork
 */
static struct {
	int family;		/* the tree's sockets' */
	const char *tree_ip;	/* its listener's address, or its peer's */
	bool dual;		/* AF_INET6 without IPV6_V6ONLY */
	bool listens;		/* the tree accepts the test's client */
	bool reuseaddr;		/* its listener has SO_REUSEADDR */
	int t_family;		/* the test's sockets' */
	const char *t_ip;	/* the test's listener's, or the tree's */
	int port;		/* the test's listener's */
} plan;

/* ---- the test process ---------------------------------------------------- */

enum { T_LISTEN, T_CONN, T_CONN2, T_KNOCK, NR_T };

/* a thread of the test that sends its stream, a little at a time */
struct pump {
	int fd;
	uint64_t off;		/* the stream's next byte */
	int stop;
	bool running;
	pthread_t th;
};

FIXTURE(tcp) {
	int t[NR_T];		/* the test's sockets, or -1 */
	struct pump pump;
};

static const struct tree_cfg cfg = {
	.name = "tcp_test",
	.cg = CG,
	.dir = false,		/* the tree needs no directory */
	.peer = false,		/* the test is the tree's peer */
	.root = inet_root,
	.validate_not = "take the ports or make the connections",
};

/*
 * The pump sends PUMP_CHUNK bytes every 3 ms, PUMP_MAX at most: about a
 * second of it, which the receiver's window takes even if it reads none
 */
#define PUMP_CHUNK	64
#define PUMP_MAX	24000

static void *pump_run(void *arg)
{
	struct pump *p = arg;
	unsigned char buf[PUMP_CHUNK];
	uint64_t end = p->off + PUMP_MAX;
	ssize_t n;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE) && p->off < end) {
		sfill(SEED_TEST, p->off, buf, sizeof(buf));
		n = send(p->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0)
			p->off += n;
		usleep(3000);
	}
	return NULL;
}

/* send stream SEED_TEST on @fd from @off, a little at a time */
static void pump_start(struct __test_metadata *_metadata, struct pump *p,
		       int fd, uint64_t off)
{
	p->fd = fd;
	p->off = off;
	p->stop = 0;
	ASSERT_EQ(0, pthread_create(&p->th, NULL, pump_run, p));
	p->running = true;
}

/* stop the pump: where its stream is */
static uint64_t pump_stop(struct pump *p)
{
	if (p->running) {
		__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
		pthread_join(p->th, NULL);
		p->running = false;
	}
	return p->off;
}

FIXTURE_SETUP(tcp)
{
	int k;

	for (k = 0; k < NR_T; k++)
		self->t[k] = -1;
	memset(&self->pump, 0, sizeof(self->pump));
	memset(&plan, 0, sizeof(plan));
	tree_mid = NULL;
	tree_init(_metadata, &cfg);
}

FIXTURE_TEARDOWN(tcp)
{
	int k;

	pump_stop(&self->pump);
	tree_end();
	for (k = 0; k < NR_T; k++) {
		rst_close(self->t[k]);
		self->t[k] = -1;
	}
	tree_clean();
}

/*
 * The test's listener on @ip (of @family), with SO_RCVBUF @rcvbuf (its
 * connections inherit it) unless 0: in t[T_LISTEN], its port in
 * plan.port; made before the fork, so the tree knows the port
 */
static void t_listener(struct __test_metadata *_metadata, int *t, int family,
		       const char *ip, int rcvbuf)
{
	union addr a;
	socklen_t len = mk_addr(&a, family, ip, 0);

	t[T_LISTEN] = socket(family, SOCK_STREAM, 0);
	ASSERT_LE(0, t[T_LISTEN]);
	if (rcvbuf)
		ASSERT_EQ(0, set_opt(t[T_LISTEN], SOL_SOCKET, SO_RCVBUF,
				     rcvbuf));
	ASSERT_EQ(0, bind(t[T_LISTEN], &a.sa, len))
		TH_LOG("bind to %s: %s", show(&a), strerror(errno));
	ASSERT_EQ(0, listen(t[T_LISTEN], 4));
	plan.port = port_of_fd(t[T_LISTEN]);
	ASSERT_LT(0, plan.port);
}

/* ---- both ends in the tree ----------------------------------------------- */

#define A_BIG		(100 * 1024)	/* the client's, not read */
#define A_SMALL		3000	/* the accepted end's, not read */
#define A_KEEPIDLE	77
#define A_KEEPINTVL	13
#define A_KEEPCNT	4
#define A_TOS		0x10
#define SEED_C		0x20000000u	/* the client's */
#define SEED_A		0x30000000u	/* the accepted end's */

static union addr a_name[2], a_peer[2];
static struct optsnap a_opts[2];
static struct agreed a_agreed[2];

/*
 * fds[0]: a client of a listener of the root's on 127.0.0.1, with
 * TCP_NODELAY, SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT and
 * IP_TOS; fds[1]: the socket the listener accepted (the listener closed
 * since). The client wrote A_BIG bytes, the accepted socket A_SMALL;
 * neither read. Once READY, all of the small ones are received, and of
 * the big ones what the accepted socket's window took (the rest waits in
 * the client's send queue, nothing on its way).
 */
static int a_setup(void)
{
	int l = listener(AF_INET, "127.0.0.1", 0, 1), k;

	if (l < 0)
		return -1;
	fds[0] = connected(AF_INET, SOCK_STREAM, "127.0.0.1", port_of_fd(l));
	fds[1] = fds[0] < 0 ? -1 : accept_in(l, WAIT_MS);
	close(l);
	if (fds[0] < 0 || fds[1] < 0 ||
	    set_opt(fds[0], SOL_TCP, TCP_NODELAY, 1) ||
	    set_opt(fds[0], SOL_SOCKET, SO_KEEPALIVE, 1) ||
	    set_opt(fds[0], SOL_TCP, TCP_KEEPIDLE, A_KEEPIDLE) ||
	    set_opt(fds[0], SOL_TCP, TCP_KEEPINTVL, A_KEEPINTVL) ||
	    set_opt(fds[0], SOL_TCP, TCP_KEEPCNT, A_KEEPCNT) ||
	    set_opt(fds[0], SOL_IP, IP_TOS, A_TOS))
		return -1;
	if (send_stream(fds[0], SEED_C, 0, A_BIG, WAIT_MS) != A_BIG ||
	    send_stream(fds[1], SEED_A, 0, A_SMALL, WAIT_MS) != A_SMALL)
		return NOPE("cannot write: %s", strerror(errno));
	if (wait_acked(fds[1], WAIT_MS))
		return NOPE("the client does not acknowledge the accepted socket's %d bytes",
			    A_SMALL);
	if (wait_quiet(fds[0], WAIT_MS))
		return NOPE("the client's bytes are still on their way");
	for (k = 0; k < 2; k++) {
		if (name_of(fds[k], false, &a_name[k]) ||
		    name_of(fds[k], true, &a_peer[k]) ||
		    agreed_read(fds[k], &a_agreed[k]))
			return -1;
		opts_read(fds[k], &a_opts[k]);
	}
	say_port("PC", port_of(&a_name[0]));
	say_port("PA", port_of(&a_name[1]));
	return 0;
}

/*
 * Restored: both ends have their names, their options, what the handshake
 * agreed, and are out of repair mode; each reads exactly what the other
 * wrote before the checkpoint, byte for byte, and nothing more; a new
 * exchange goes both ways; the client closes, the other end reads the
 * end.
 */
static int a_verify(void)
{
	static const char *const what[2] = { "the client",
					     "the accepted socket" };
	int k;

	for (k = 0; k < 2; k++)
		if (conn_ok(fds[k], &a_name[k], &a_peer[k], what[k]) ||
		    opts_same(fds[k], &a_opts[k], what[k]) ||
		    agreed_same(fds[k], &a_agreed[k], what[k]))
			return -1;
	if (recv_stream(fds[1], SEED_C, 0, A_BIG, RETX_MS,
			"the accepted socket, the client's bytes") ||
	    nothing_more(fds[1], "the accepted socket") ||
	    recv_stream(fds[0], SEED_A, 0, A_SMALL, WAIT_MS,
			"the client, the accepted socket's bytes") ||
	    nothing_more(fds[0], "the client"))
		return -1;
	if (send_str(fds[0], "ping", "the client") ||
	    expect_str(fds[1], "ping", WAIT_MS, "the accepted socket") ||
	    send_str(fds[1], "pong", "the accepted socket") ||
	    expect_str(fds[0], "pong", WAIT_MS, "the client"))
		return -1;
	close(fds[0]);
	return eof_within(fds[1], WAIT_MS,
			  "the accepted socket, once the client closed");
}

/*
 * A connection whose two ends are the tree's, each with bytes the other
 * has not read (100 KiB one way, part of them still in the writer's send
 * queue; 3000 bytes the other way), checkpointed with
 * CHECKPOINT_NET_LOCK, killed, restarted: the image has both ends, each
 * FILE_INET record followed by a TCP_CONN record whose queues hold every
 * byte not read (none acknowledged and missing); the restored program
 * reads them all, once, and the connection carries new bytes both ways
 * and its end.
 */
TEST_F_TIMEOUT(tcp, both_ends_in_the_tree_come_back_with_their_bytes, 120)
{
	struct conn_rec rc, ra;
	int pc, pa;

	ckt.ckpt_flags = CHECKPOINT_NET_LOCK;
	tree_start(_metadata, a_setup, a_verify);
	pc = reported("PC");
	pa = reported("PA");
	ASSERT_TRUE(pc > 0 && pa > 0);
	tree_checkpoint_and_kill(_metadata);

	ASSERT_EQ(1, conn_rec(pc, pa, &rc))
		TH_LOG("the image has no established TCP connection from port %d to %d",
		       pc, pa);
	ASSERT_EQ(1, conn_rec(pa, pc, &ra));
	ASSERT_EQ(1, rc.conns) TH_LOG("no TCP_CONN record after the client's");
	ASSERT_EQ(1, ra.conns);
	EXPECT_EQ((__u32)AF_INET, rc.r.family);
	EXPECT_EQ((uint32_t)A_SMALL, rcvq(&rc.c));
	EXPECT_EQ(0U, sndq(&ra.c));
	EXPECT_LE((uint32_t)A_BIG, sndq(&rc.c) + rcvq(&ra.c))
		TH_LOG("bytes of the client the accepted socket acknowledged are in neither queue of the image");
	EXPECT_EQ(0U, rc.c.__reserved | ra.c.__reserved);

	tree_restart(_metadata);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* ---- the test as the peer ------------------------------------------------ */

#define P_N	20000	/* the test's bytes, before the checkpoint */
#define P_M	5000	/* the tree's, written before the checkpoint */
#define P_K	1000	/* the test's, sent while the tree is down */

static union addr p_name, p_peer;

/*
 * As plan says: fds[0] a listener (for the test to connect to, later), or
 * fds[1] a client of the test's listener
 */
static int p_setup(void)
{
	union addr a;
	socklen_t len;
	int fd;

	fds[0] = fds[1] = -1;
	fd = socket(plan.family, SOCK_STREAM, 0);
	if (fd < 0 || (plan.dual && set_opt(fd, SOL_IPV6, IPV6_V6ONLY, 0)) ||
	    (plan.reuseaddr && set_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1)))
		return -1;
	len = mk_addr(&a, plan.family, plan.tree_ip,
		      plan.listens ? 0 : plan.port);
	if (plan.listens) {
		fds[0] = fd;
		if (bind(fd, &a.sa, len) || listen(fd, 4))
			return -1;
	} else {
		fds[1] = fd;
		if (connect(fd, &a.sa, len))
			return NOPE("connect to %s: %s", show(&a),
				    strerror(errno));
	}
	say_port("PORT", port_of_fd(fd));
	return 0;
}

/*
 * Before the checkpoint, once the test connected and sent P_N bytes: the
 * connection (accepted, if the tree listens) writes P_M bytes, and reads
 * nothing
 */
static int p_mid(void)
{
	if (plan.listens) {
		fds[1] = accept_in(fds[0], WAIT_MS);
		if (fds[1] < 0)
			return NOPE("the listener accepts nothing: %s",
				    strerror(errno));
	}
	if (name_of(fds[1], false, &p_name) || name_of(fds[1], true, &p_peer))
		return NOPE("the connection has no names: %s",
			    strerror(errno));
	if (send_stream(fds[1], SEED_TREE, 0, P_M, WAIT_MS) != P_M)
		return NOPE("cannot write %d bytes: %s", P_M, strerror(errno));
	return 0;
}

/* accept the test's client on @lfd, read @want, answer @reply */
static int serve(int lfd, const char *want, const char *reply,
		 const char *what)
{
	int s = accept_in(lfd, WAIT_MS), ret;

	if (s < 0)
		return NOPE("%s accepts no client: %s", what, strerror(errno));
	ret = expect_str(s, want, WAIT_MS, what) ?:
	      send_str(s, reply, what);
	close(s);
	return ret;
}

/*
 * Restored: the connection as it was; the listener, if any, serves a new
 * client; the P_N bytes sent before the checkpoint and the P_K sent while
 * the tree was down come, once each, in order, nothing more; the program
 * answers their count and checksum, and reads the test's end.
 */
static int p_verify(void)
{
	char line[GOT_SIZE];

	if (conn_ok(fds[1], &p_name, &p_peer, "the connection"))
		return -1;
	if (plan.listens &&
	    serve(fds[0], "hello", "hello back", "the listener"))
		return -1;
	if (recv_stream(fds[1], SEED_TEST, 0, P_N + P_K, RETX_MS,
			"the connection, the test's bytes") ||
	    nothing_more(fds[1], "the connection"))
		return -1;
	got_line(line, SEED_TEST, P_N + P_K);
	return send_str(fds[1], line, "the connection") ?:
	       eof_within(fds[1], WAIT_MS, "the connection, the test's end");
}

/*
 * The tree is down, its connection locked: the test's @fd sends @k more
 * bytes of its stream from @off (send() takes them: for the test the
 * connection goes on), and for PAUSE_MS sees no error, no end, nothing
 * but what is left of the P_M bytes the tree wrote before the checkpoint
 * (counted in *@m_got); the @unacked bytes it sent while the tree is down
 * are not acknowledged (the lock drops them: nobody acknowledges them, nor
 * answers them with a reset)
 */
static void paused(struct __test_metadata *_metadata, int fd, uint64_t off,
		   size_t k, int unacked, size_t *m_got)
{
	const short bad = POLLERR | POLLHUP | POLLRDHUP;
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	unsigned char buf[P_M];
	long long end = now_ms() + PAUSE_MS, left;
	ssize_t n;
	size_t i;
	int err;

	if (k) {
		EXPECT_EQ(k, send_stream(fd, SEED_TEST, off, k, 0))
			TH_LOG("send while the tree is down: %s",
			       strerror(errno));
	}
	while ((left = end - now_ms()) > 0) {
		if (poll(&p, 1, (int)left) != 1)
			continue;
		if (p.revents & bad) {
			err = get_opt(fd, SOL_SOCKET, SO_ERROR);
			EXPECT_EQ(0, p.revents & bad)
				TH_LOG("the test's end saw the connection end while the tree was down: revents %#x, SO_ERROR %s",
				       p.revents, strerrorname_np(err) ?: "0");
			break;
		}
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			continue;
		EXPECT_LT(0, n) TH_LOG("recv while the tree is down: %s",
				       n ? strerror(errno) : "the end");
		if (n <= 0)
			break;
		EXPECT_GE((size_t)P_M, *m_got + n)
			TH_LOG("the test read more than the tree wrote, while the tree was down");
		if (*m_got + n > P_M)
			break;
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != sbyte(SEED_TREE, *m_got + i))
				break;
		EXPECT_EQ((size_t)n, i)
			TH_LOG("byte %zu of the tree's stream is wrong",
			       *m_got + i);
		if (i != (size_t)n)
			break;
		*m_got += n;
	}
	EXPECT_EQ(0, get_opt(fd, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(TCP_ESTABLISHED, tcp_state(fd));
	EXPECT_EQ(unacked, outq(fd))
		TH_LOG("what the test sent while the tree was down is acknowledged, or more is pending");
}

/* the restarter's own capabilities, less CAP_NET_ADMIN in its effective set */
static int drop_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &hdr, d))
		return -1;
	d[CAP_NET_ADMIN / 32].effective &= ~(1U << (CAP_NET_ADMIN % 32));
	return syscall(SYS_capset, &hdr, d) ? -1 : 0;
}

/* what a child of the test tells it */
struct verdict {
	long ret;
	int err;
};

/*
 * Fork a child that runs @fn(@arg) and tells its return value and errno
 * through a pipe; reap it (killed after 60 s). The child does nothing
 * else of the harness's.
 */
static struct verdict in_child(struct __test_metadata *_metadata,
			       long (*fn)(unsigned long), unsigned long arg)
{
	struct verdict v = { -2, ECHILD };
	int p[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(p[0]);
		signal(SIGALRM, SIG_DFL);
		alarm(60);
		v.ret = fn(arg);
		v.err = errno;
		if (write(p[1], &v, sizeof(v)) != sizeof(v))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (wait_in(p[0], 60000) && read(p[0], &v, sizeof(v)) != sizeof(v))
		v.ret = -2;
	close(p[0]);
	EXPECT_EQ(0, lite_status(pid, 60));
	return v;
}

/*
 * In the child: restart the image without CAP_NET_ADMIN (root still,
 * every other capability kept: the restored credentials are within its
 * permitted set). A tree it restored all the same is killed.
 */
static long restart_without_net_admin(unsigned long unused)
{
	char log[256];
	long ret;
	int err;

	if (drop_net_admin())
		return -3;
	ret = tree_restart_img(0, log, sizeof(log));
	err = errno;
	if (ret > 0)
		kill(ret, SIGKILL);
	errno = err;
	return ret;
}

/* the restart without CAP_NET_ADMIN fails with EPERM, and its line */
static void restart_needs_net_admin(struct __test_metadata *_metadata)
{
	const char *line =
		"which needs CAP_NET_ADMIN in the restarter's network namespace";
	char log[4096] = "";
	struct verdict v;

	v = in_child(_metadata, restart_without_net_admin, 0);
	lite_slurp(ckt.log, log, sizeof(log));
	EXPECT_EQ(-1, v.ret) TH_LOG("restart without CAP_NET_ADMIN returned %ld (-3: capset failed)",
				    v.ret);
	EXPECT_EQ(EPERM, v.err)
		TH_LOG("restart without CAP_NET_ADMIN: %s; log: %s",
		       strerrorname_np(v.err) ?: "?", log);
	EXPECT_NE(NULL, strstr(log, line))
		TH_LOG("no \"%s\" in the log: %s", line, log);
	/* the child reaped, the original tree too: nothing restored runs */
	tree_nothing_left(_metadata);
}

/*
 * The round of the tests whose peer is the test, as plan says: connected,
 * P_N bytes of the test's wait in the tree's socket and P_M of the tree's
 * are written; checkpointed with CHECKPOINT_NET_LOCK and killed, the test
 * sends P_K more while the tree is down and sees a pause; (with
 * @no_net_admin, a restart without CAP_NET_ADMIN fails first and the
 * pause goes on;) restarted, the tree reads and counts them all, the test
 * the rest of the tree's bytes and the count, and the connection ends
 * both ways.
 */
static void peer_round(struct __test_metadata *_metadata, int *t,
		       bool no_net_admin)
{
	char line[GOT_SIZE];
	struct conn_rec r;
	size_t m_got = 0;
	int port, rport, s;

	if (!plan.listens)
		t_listener(_metadata, t, plan.t_family, plan.t_ip, 0);
	tree_mid = p_mid;
	ckt.ckpt_flags = CHECKPOINT_NET_LOCK;
	tree_start(_metadata, p_setup, p_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	if (plan.listens)
		t[T_CONN] = connected(plan.t_family, SOCK_STREAM, plan.t_ip,
				      port);
	else
		t[T_CONN] = accept_in(t[T_LISTEN], WAIT_MS);
	s = t[T_CONN];
	ASSERT_LE(0, s) TH_LOG("the test's end: %s", strerror(errno));
	ASSERT_EQ((size_t)P_N, send_stream(s, SEED_TEST, 0, P_N, WAIT_MS));
	ASSERT_EQ(0, wait_acked(s, WAIT_MS))
		TH_LOG("the tree's socket does not acknowledge the test's bytes");
	mid_phase(_metadata);
	tree_checkpoint_and_kill(_metadata);

	rport = plan.listens ? port_of_fd(s) : plan.port;
	ASSERT_EQ(1, conn_rec(port, rport, &r))
		TH_LOG("the image has no established TCP connection from port %d to %d",
		       port, rport);
	ASSERT_EQ(1, r.conns) TH_LOG("no TCP_CONN record after its FILE_INET");
	EXPECT_EQ((__u32)plan.family, r.r.family);
	EXPECT_EQ((uint32_t)P_N, rcvq(&r.c))
		TH_LOG("the image does not have the test's bytes the tree acknowledged");
	EXPECT_GE((uint32_t)P_M, sndq(&r.c));

	paused(_metadata, s, P_N, P_K, P_K, &m_got);
	if (no_net_admin) {
		restart_needs_net_admin(_metadata);
		paused(_metadata, s, 0, 0, P_K, &m_got);
	}
	tree_restart(_metadata);
	if (plan.listens) {
		t[T_KNOCK] = connected(plan.t_family, SOCK_STREAM, plan.t_ip,
				       port);
		ASSERT_LE(0, t[T_KNOCK])
			TH_LOG("the restored listener: %s", strerror(errno));
		ASSERT_EQ(0, send_str(t[T_KNOCK], "hello", "the test's client"));
	}
	tree_go_on(_metadata);
	if (plan.listens) {
		EXPECT_EQ(0, expect_str(t[T_KNOCK], "hello back", WAIT_MS,
					"the restored listener's answer"))
			TH_LOG("%s", why);
	}
	EXPECT_EQ(0, recv_stream(s, SEED_TREE, m_got, P_M - m_got, RETX_MS,
				 "the rest of the tree's bytes"))
		TH_LOG("%s", why);
	got_line(line, SEED_TEST, P_N + P_K);
	EXPECT_EQ(0, expect_str(s, line, RETX_MS,
				"the tree's count of the test's bytes"))
		TH_LOG("%s", why);
	EXPECT_EQ(0, shutdown(s, SHUT_WR));
	EXPECT_EQ(0, eof_within(s, WAIT_MS, "the tree's end")) TH_LOG("%s", why);
	tree_finish(_metadata, false);
}

/*
 * The test connects to the tree's listener on 127.0.0.1 (no
 * SO_REUSEADDR), which accepts: the listener and the connection it
 * accepted, on the same port, come back together; the test sees a pause,
 * no reset; every byte comes once; the listener serves a new client.
 */
TEST_F_TIMEOUT(tcp, ipv4_peer_sees_a_pause_tree_accepted, 120)
{
	plan.family = plan.t_family = AF_INET;
	plan.tree_ip = plan.t_ip = "127.0.0.1";
	plan.listens = true;
	peer_round(_metadata, self->t, false);
}

/* The tree connects to the test's listener on ::1: the same */
TEST_F_TIMEOUT(tcp, ipv6_peer_sees_a_pause_tree_connected, 120)
{
	plan.family = plan.t_family = AF_INET6;
	plan.tree_ip = plan.t_ip = "::1";
	peer_round(_metadata, self->t, false);
}

/*
 * The tree's dual-stack AF_INET6 socket connects to the test's IPv4
 * listener on 127.0.0.1 (as ::ffff:127.0.0.1): the same, the image has an
 * AF_INET6 connection with IPv4-mapped addresses
 */
TEST_F_TIMEOUT(tcp, dual_stack_socket_to_ipv4_peer_sees_a_pause, 120)
{
	plan.family = AF_INET6;
	plan.tree_ip = "::ffff:127.0.0.1";
	plan.dual = true;
	plan.t_family = AF_INET;
	plan.t_ip = "127.0.0.1";
	peer_round(_metadata, self->t, false);
}

/*
 * The test's IPv4 client connects to the tree's dual-stack listener on
 * :: (SO_REUSEADDR, as servers have it): the accepted AF_INET6
 * connection, IPv4-mapped, and the listener come back together; the same
 */
TEST_F_TIMEOUT(tcp, dual_stack_listener_accepted_ipv4_peer_sees_a_pause, 120)
{
	plan.family = AF_INET6;
	plan.tree_ip = "::";
	plan.dual = true;
	plan.listens = true;
	plan.reuseaddr = true;
	plan.t_family = AF_INET;
	plan.t_ip = "127.0.0.1";
	peer_round(_metadata, self->t, false);
}

/*
 * A restarter without CAP_NET_ADMIN (root, every other capability) cannot
 * make the connection again: EPERM and a line, nothing runs, and the
 * connection is still locked for the test (a pause); a restart with it
 * then succeeds, and every byte comes once.
 */
TEST_F_TIMEOUT(tcp, restart_without_cap_net_admin_fails_then_one_with_it_works,
	       120)
{
	plan.family = plan.t_family = AF_INET;
	plan.tree_ip = plan.t_ip = "127.0.0.1";
	peer_round(_metadata, self->t, true);
}

/* ---- bytes written and never sent ---------------------------------------- */

#define C_RCVBUF	16384	/* the test's end's SO_RCVBUF */
#define C_MAX		(16 << 20)	/* the tree writes no more */
#define C_TAIL		10000	/* the tree's, after the restart */

static union addr c_name, c_peer;
static size_t c_wrote;

/*
 * On the non-blocking @fd, write stream @seed until a write would block
 * and stays so for 200 ms (the send buffer full), at most C_MAX bytes:
 * how many went, 0 on an error
 */
static size_t write_full(int fd, uint32_t seed)
{
	static unsigned char buf[65536];
	size_t done = 0, n;
	ssize_t r;

	while (done < C_MAX) {
		n = C_MAX - done < sizeof(buf) ? C_MAX - done : sizeof(buf);
		sfill(seed, done, buf, n);
		r = send(fd, buf, n, MSG_NOSIGNAL);
		if (r > 0) {
			done += r;
			continue;
		}
		if (r < 0 && errno != EAGAIN)
			return 0;
		if (!(wait_for(fd, POLLOUT, 200) & POLLOUT))
			break;
	}
	return done;
}

/*
 * fds[0]: a non-blocking client of the test's listener, whose accepted
 * end has a small SO_RCVBUF and reads nothing: the tree writes until its
 * send buffer is full, most of it never sent (the test's window closed)
 */
static int c_setup(void)
{
	fds[0] = connected(AF_INET, SOCK_STREAM, "127.0.0.1", plan.port);
	if (fds[0] < 0 || fcntl(fds[0], F_SETFL, O_NONBLOCK) ||
	    name_of(fds[0], false, &c_name) || name_of(fds[0], true, &c_peer))
		return -1;
	c_wrote = write_full(fds[0], SEED_TREE);
	if (!c_wrote)
		return NOPE("cannot write: %s", strerror(errno));
	say_port("PORT", port_of(&c_name));
	lite_say(ckt.report, "WROTE %zu\n", c_wrote);
	return 0;
}

/*
 * Restored: the connection as it was, non-blocking still; the tree writes
 * C_TAIL more bytes (its stream going on) as the test reads, ends its
 * side, and reads the test's end.
 */
static int c_verify(void)
{
	if (conn_ok(fds[0], &c_name, &c_peer, "the connection"))
		return -1;
	if (!(fcntl(fds[0], F_GETFL) & O_NONBLOCK))
		return NOPE("the connection lost O_NONBLOCK");
	if (send_stream(fds[0], SEED_TREE, c_wrote, C_TAIL, RETX_MS) != C_TAIL)
		return NOPE("cannot write %d bytes more: %s", C_TAIL,
			    strerror(errno));
	if (shutdown(fds[0], SHUT_WR))
		return NOPE("shutdown(SHUT_WR): %s", strerror(errno));
	return eof_within(fds[0], RETX_MS, "the connection, the test's end");
}

/*
 * The tree writes into a connection whose peer (the test, a small
 * SO_RCVBUF) reads nothing, until its send queue is full: the image has
 * bytes written and never sent, and none the test acknowledged is
 * missing. Restarted, the test reads the whole stream - what it had
 * received, what was sent and not acknowledged, what was never sent,
 * what the tree writes after the restart - in order, each byte once, then
 * the end.
 */
TEST_F_TIMEOUT(tcp, bytes_never_sent_go_out_after_the_restart_in_order, 120)
{
	struct conn_rec r;
	int port, wrote, inq = -1, s;

	t_listener(_metadata, self->t, AF_INET, "127.0.0.1", C_RCVBUF);
	ckt.ckpt_flags = CHECKPOINT_NET_LOCK;
	tree_start(_metadata, c_setup, c_verify);
	port = reported("PORT");
	wrote = reported("WROTE");
	ASSERT_LT(0, port);
	ASSERT_LT(0, wrote);
	s = self->t[T_CONN] = accept_in(self->t[T_LISTEN], WAIT_MS);
	ASSERT_LE(0, s) TH_LOG("accept: %s", strerror(errno));
	tree_checkpoint_and_kill(_metadata);

	ASSERT_EQ(1, conn_rec(port, plan.port, &r));
	ASSERT_EQ(1, r.conns);
	EXPECT_LT(0U, r.c.write_seq - r.c.snd_nxt)
		TH_LOG("the image has no byte written and never sent: the test proves less");
	EXPECT_GE((uint32_t)wrote, sndq(&r.c));
	EXPECT_EQ(0, ioctl(s, SIOCINQ, &inq));
	EXPECT_LE((uint32_t)wrote, sndq(&r.c) + (uint32_t)inq)
		TH_LOG("bytes the test acknowledged are missing from the image (%u in its send queue, %d received by the test, %d written)",
		       sndq(&r.c), inq, wrote);

	tree_restart(_metadata);
	tree_go_on(_metadata);
	EXPECT_EQ(0, recv_stream(s, SEED_TREE, 0, (size_t)wrote + C_TAIL,
				 RETX_MS, "the tree's stream"))
		TH_LOG("%s", why);
	EXPECT_EQ(0, eof_within(s, WAIT_MS, "the tree's end")) TH_LOG("%s", why);
	close(s);
	self->t[T_CONN] = -1;
	tree_finish(_metadata, false);
}

/* ---- without CHECKPOINT_NET_LOCK ----------------------------------------- */

#define D_N	20000	/* the test's bytes, before the checkpoint */
#define D_K	2000	/* the test's, after the thaw */
#define D_M	5000	/* the tree's, before the checkpoint */

static union addr d_name, d_peer;

/* fds[0]: a client of the test's listener on 127.0.0.1; D_M bytes written */
static int d_setup(void)
{
	fds[0] = connected(AF_INET, SOCK_STREAM, "127.0.0.1", plan.port);
	if (fds[0] < 0 || name_of(fds[0], false, &d_name) ||
	    name_of(fds[0], true, &d_peer))
		return -1;
	if (send_stream(fds[0], SEED_TREE, 0, D_M, WAIT_MS) != D_M)
		return NOPE("cannot write: %s", strerror(errno));
	say_port("PORT", port_of(&d_name));
	return 0;
}

/*
 * The original tree, thawed after a checkpoint without
 * CHECKPOINT_NET_LOCK: the connection was left alone (not in repair
 * mode); what the test sent before and after the checkpoint comes once,
 * and is answered; then more both ways, and the end.
 */
static int d_verify(void)
{
	char line[GOT_SIZE];

	if (conn_ok(fds[0], &d_name, &d_peer, "the connection") ||
	    recv_stream(fds[0], SEED_TEST, 0, D_N + D_K, WAIT_MS,
			"the connection, the test's bytes") ||
	    nothing_more(fds[0], "the connection"))
		return -1;
	got_line(line, SEED_TEST, D_N + D_K);
	return send_str(fds[0], line, "the connection") ?:
	       expect_str(fds[0], "two", RETX_MS, "the connection") ?:
	       send_str(fds[0], "two back", "the connection") ?:
	       eof_within(fds[0], WAIT_MS, "the connection, the test's end");
}

/*
 * A checkpoint without CHECKPOINT_NET_LOCK reads the connection and
 * leaves it alone: thawed, the tree goes on, and the connection carries
 * bytes both ways. (A restart of the image while the tree runs fails on
 * its pids first.)
 */
TEST_F_TIMEOUT(tcp, without_net_lock_the_tree_goes_on, 120)
{
	char line[GOT_SIZE];
	struct conn_rec r;
	int port, s;

	t_listener(_metadata, self->t, AF_INET, "127.0.0.1", 0);
	tree_start(_metadata, d_setup, d_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	s = self->t[T_CONN] = accept_in(self->t[T_LISTEN], WAIT_MS);
	ASSERT_LE(0, s) TH_LOG("accept: %s", strerror(errno));
	ASSERT_EQ((size_t)D_N, send_stream(s, SEED_TEST, 0, D_N, WAIT_MS));
	ASSERT_EQ(0, wait_acked(s, WAIT_MS));
	tree_checkpoint(_metadata);
	ASSERT_EQ(1, conn_rec(port, plan.port, &r));
	ASSERT_EQ(1, r.conns);
	EXPECT_EQ((uint32_t)D_N, rcvq(&r.c));
	tree_thaw(_metadata);

	ASSERT_EQ((size_t)D_K, send_stream(s, SEED_TEST, D_N, D_K, WAIT_MS));
	tree_go_on(_metadata);
	EXPECT_EQ(0, recv_stream(s, SEED_TREE, 0, D_M, WAIT_MS,
				 "the tree's bytes"))
		TH_LOG("%s", why);
	got_line(line, SEED_TEST, D_N + D_K);
	EXPECT_EQ(0, expect_str(s, line, WAIT_MS,
				"the tree's count of the test's bytes"))
		TH_LOG("%s", why);

	EXPECT_EQ(0, send_str(s, "two", "the test")) TH_LOG("%s", why);
	EXPECT_EQ(0, expect_str(s, "two back", WAIT_MS, "the tree's answer"))
		TH_LOG("%s", why);
	EXPECT_EQ(0, shutdown(s, SHUT_WR));
	EXPECT_EQ(0, eof_within(s, WAIT_MS, "the tree's end")) TH_LOG("%s", why);
	tree_finish(_metadata, false);
}

/* ---- a self checkpoint --------------------------------------------------- */

static int self_fd;

/* in a child: checkpoint(0, self_fd, @flags, -1) */
static long self_checkpoint(unsigned long flags)
{
	return syscall(__NR_checkpoint, 0, self_fd, flags, -1);
}

/*
 * A process that checkpoints itself goes on: it cannot leave its
 * connections locked. CHECKPOINT_NET_LOCK with pid 0 is EINVAL, nothing
 * written.
 */
TEST_F_TIMEOUT(tcp, net_lock_is_refused_for_a_self_checkpoint, 120)
{
	static const unsigned long flags[] = {
		CHECKPOINT_NET_LOCK,
		CHECKPOINT_NET_LOCK | CHECKPOINT_SUBTREE,
	};
	struct verdict v;
	struct stat st;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(flags); k++) {
		self_fd = open(ckt.img,
			       O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		ASSERT_LE(0, self_fd);
		v = in_child(_metadata, self_checkpoint, flags[k]);
		EXPECT_EQ(-1, v.ret) TH_LOG("flags %#lx", flags[k]);
		EXPECT_EQ(EINVAL, v.err)
			TH_LOG("flags %#lx: %s", flags[k],
			       strerrorname_np(v.err) ?: "?");
		EXPECT_EQ(0, fstat(self_fd, &st));
		EXPECT_EQ(0, st.st_size) TH_LOG("flags %#lx: an image was written",
						flags[k]);
		close(self_fd);
	}
}

/* ---- a checkpoint with CHECKPOINT_NET_LOCK that fails -------------------- */

#define F_N	10000	/* the test's bytes, before the checkpoint */
#define F_M	5000	/* the tree's, before the checkpoint */

static union addr f_name, f_peer;

/*
 * fds[0]: a client of the test's listener, F_M bytes written; fds[1],
 * after it (its fd is higher, so the checkpoint locks fds[0] before it
 * meets it): another, shut down for reading, which the checkpoint refuses
 */
static int f_setup(void)
{
	fds[0] = connected(AF_INET, SOCK_STREAM, "127.0.0.1", plan.port);
	if (fds[0] < 0 || name_of(fds[0], false, &f_name) ||
	    name_of(fds[0], true, &f_peer))
		return -1;
	if (send_stream(fds[0], SEED_TREE, 0, F_M, WAIT_MS) != F_M)
		return NOPE("cannot write: %s", strerror(errno));
	fds[1] = connected(AF_INET, SOCK_STREAM, "127.0.0.1", plan.port);
	if (fds[1] < 0 || shutdown(fds[1], SHUT_RD))
		return -1;
	if (fds[1] < fds[0])
		return NOPE("the second connection has a lower fd");
	say_port("PORT", port_of(&f_name));
	return 0;
}

/*
 * Thawed: the first connection is out of repair mode; what the test sent
 * before, during and after the failed checkpoint comes once each, in
 * order, up to its end; the tree answers the count, and the second
 * connection still writes.
 */
static int f_verify(void)
{
	char line[GOT_SIZE];
	size_t n;

	if (conn_ok(fds[0], &f_name, &f_peer, "the connection") ||
	    recv_to_end(fds[0], SEED_TEST, RETX_MS, &n,
			"the connection, the test's bytes"))
		return -1;
	got_line(line, SEED_TEST, n);
	return send_str(fds[0], line, "the connection") ?:
	       send_str(fds[1], "half", "the connection shut down for reading");
}

/*
 * A checkpoint with CHECKPOINT_NET_LOCK that locked a connection and put
 * it in repair mode, then met a connection it refuses (shut down for
 * reading), fails with EOPNOTSUPP: the lock is lifted, the socket leaves
 * repair mode. The test sends all along (a thread, a little every 3 ms):
 * once thawed, what it sent comes to the tree - what the lock dropped, the
 * test's TCP sends again - each byte once, and the tree's answer comes
 * back.
 */
TEST_F_TIMEOUT(tcp, failed_checkpoint_with_net_lock_leaves_connection_going,
	       120)
{
	char line[GOT_SIZE];
	union addr peer;
	uint64_t total;
	int port, a, b, s, s2;

	t_listener(_metadata, self->t, AF_INET, "127.0.0.1", 0);
	ckt.ckpt_flags = CHECKPOINT_NET_LOCK;
	tree_start(_metadata, f_setup, f_verify);
	port = reported("PORT");
	ASSERT_LT(0, port);
	a = self->t[T_CONN] = accept_in(self->t[T_LISTEN], WAIT_MS);
	b = self->t[T_CONN2] = accept_in(self->t[T_LISTEN], WAIT_MS);
	ASSERT_TRUE(a >= 0 && b >= 0) TH_LOG("accept: %s", strerror(errno));
	ASSERT_EQ(0, name_of(a, true, &peer));
	s = port_of(&peer) == port ? a : b;
	s2 = s == a ? b : a;
	ASSERT_EQ((size_t)F_N, send_stream(s, SEED_TEST, 0, F_N, WAIT_MS));
	ASSERT_EQ(0, wait_acked(s, WAIT_MS));

	pump_start(_metadata, &self->pump, s, F_N);
	usleep(50000);
	{
		char log[4096] = "";

		tree_refused(_metadata,
			     "is a TCP connection shut down for reading: not supported yet",
			     NULL, log, sizeof(log));
	}
	usleep(200000);
	total = pump_stop(&self->pump);
	/*
	 * the tree does not read yet, but its stack takes what the lock
	 * dropped when the test's TCP sends it again
	 */
	EXPECT_EQ(0, wait_acked(s, WAIT_MS))
		TH_LOG("%d bytes of the test's are still not acknowledged: the connection is still locked",
		       outq(s));

	EXPECT_EQ(0, shutdown(s, SHUT_WR));
	tree_go_on(_metadata);
	EXPECT_EQ(0, recv_stream(s, SEED_TREE, 0, F_M, WAIT_MS,
				 "the tree's bytes"))
		TH_LOG("%s", why);
	got_line(line, SEED_TEST, total);
	EXPECT_EQ(0, expect_str(s, line, RETX_MS,
				"the tree's count of the test's bytes"))
		TH_LOG("%s (the test sent %llu bytes)", why,
		       (unsigned long long)total);
	EXPECT_EQ(0, expect_str(s2, "half", WAIT_MS, "the second connection"))
		TH_LOG("%s", why);
	tree_finish(_metadata, false);
}

/* ---- connections still refused ------------------------------------------- */

/*
 * Checkpoint the frozen tree (with CHECKPOINT_NET_LOCK, as a coordinator
 * that kills it next would): it must refuse with @line; then thaw it.
 */
static void refused(struct __test_metadata *_metadata, const char *line)
{
	char log[4096] = "";

	ckt.ckpt_flags = CHECKPOINT_NET_LOCK;
	tree_refused(_metadata, line, NULL, log, sizeof(log));
}

/* fds[0]: a client of the test's listener on 127.0.0.1 */
static int client_setup(void)
{
	fds[0] = connected(AF_INET, SOCK_STREAM, "127.0.0.1", plan.port);
	return fds[0] < 0 ? -1 : 0;
}

/* thawed: the test's bytes, then its end; the tree can still write */
static int cw_verify(void)
{
	return expect_str(fds[0], "last words", WAIT_MS, "the connection") ?:
	       eof_within(fds[0], WAIT_MS, "the connection") ?:
	       send_str(fds[0], "bye", "the connection");
}

/*
 * A connection whose peer (the test) ended its side: CLOSE_WAIT, refused
 * with its state. Thawed, the tree reads the test's bytes and end, and
 * its answer comes.
 */
TEST_F_TIMEOUT(tcp, close_wait_connection_is_refused, 120)
{
	int s;

	t_listener(_metadata, self->t, AF_INET, "127.0.0.1", 0);
	tree_start(_metadata, client_setup, cw_verify);
	s = self->t[T_CONN] = accept_in(self->t[T_LISTEN], WAIT_MS);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, send_str(s, "last words", "the test"));
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	/* the tree's stack acknowledged the FIN: its socket is in CLOSE_WAIT */
	ASSERT_EQ(0, wait_state(s, TCP_FIN_WAIT2, WAIT_MS))
		TH_LOG("the test's end is in state %d", tcp_state(s));
	refused(_metadata, "is a TCP connection (CLOSE_WAIT): not supported yet");
	tree_go_on(_metadata);
	EXPECT_EQ(0, expect_str(s, "bye", WAIT_MS, "the tree's answer"))
		TH_LOG("%s", why);
	EXPECT_EQ(0, eof_within(s, WAIT_MS, "the tree's end")) TH_LOG("%s", why);
	tree_finish(_metadata, false);
}

/* thawed: the urgent byte, the bytes before it, and an answer */
static int urg_verify(void)
{
	char c = 0;

	if (!(wait_for(fds[0], POLLPRI, WAIT_MS) & POLLPRI))
		return NOPE("no urgent data is signalled (POLLPRI)");
	if (recv(fds[0], &c, 1, MSG_OOB | MSG_DONTWAIT) != 1 || c != '!')
		return NOPE("recv(MSG_OOB) gives '%c': %s", c, strerror(errno));
	return expect_str(fds[0], "ab", WAIT_MS, "the bytes before the urgent one") ?:
	       send_str(fds[0], "ok", "the connection");
}

/*
 * A connection with urgent data its peer sent (MSG_OOB) and the program
 * has not read: refused. Thawed, the program reads it, then the bytes
 * before it, and answers.
 */
TEST_F_TIMEOUT(tcp, connection_with_urgent_data_is_refused, 120)
{
	int s;

	t_listener(_metadata, self->t, AF_INET, "127.0.0.1", 0);
	tree_start(_metadata, client_setup, urg_verify);
	s = self->t[T_CONN] = accept_in(self->t[T_LISTEN], WAIT_MS);
	ASSERT_LE(0, s);
	/* "ab" then the urgent '!' */
	ASSERT_EQ(3, send(s, "ab!", 3, MSG_OOB | MSG_NOSIGNAL));
	ASSERT_EQ(0, wait_acked(s, WAIT_MS));
	refused(_metadata, "is a TCP connection with urgent data: not supported yet");
	tree_go_on(_metadata);
	EXPECT_EQ(0, expect_str(s, "ok", WAIT_MS, "the tree's answer"))
		TH_LOG("%s", why);
	tree_finish(_metadata, false);
}

/* fds[0]: a client of the test's listener, shut down for reading */
static int shr_setup(void)
{
	return client_setup() || shutdown(fds[0], SHUT_RD) ? -1 : 0;
}

/* thawed: still shut down for reading (a read gives the end), it writes */
static int shr_verify(void)
{
	ssize_t r;
	char c;

	r = recv(fds[0], &c, 1, MSG_DONTWAIT);
	if (r)
		return NOPE("a read of the connection shut down for reading gives %s, expected the end",
			    r > 0 ? "a byte" : strerror(errno));
	return send_str(fds[0], "still writes", "the connection");
}

/*
 * A connection the program shut down for reading: refused. Thawed, it
 * still is, and writes.
 */
TEST_F_TIMEOUT(tcp, connection_shut_down_for_reading_is_refused, 120)
{
	int s;

	t_listener(_metadata, self->t, AF_INET, "127.0.0.1", 0);
	tree_start(_metadata, shr_setup, shr_verify);
	s = self->t[T_CONN] = accept_in(self->t[T_LISTEN], WAIT_MS);
	ASSERT_LE(0, s);
	refused(_metadata,
		"is a TCP connection shut down for reading: not supported yet");
	tree_go_on(_metadata);
	EXPECT_EQ(0, expect_str(s, "still writes", WAIT_MS, "the tree's bytes"))
		TH_LOG("%s", why);
	tree_finish(_metadata, false);
}

TEST_HARNESS_MAIN
