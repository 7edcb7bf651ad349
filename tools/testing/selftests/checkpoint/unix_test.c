// SPDX-License-Identifier: GPL-2.0
/*
 * Unix sockets with names: bound to a path (given relative or absolute)
 * or to an abstract name, autobound, listening, the connections that
 * connect() and accept() made, and datagram sockets with datagrams queued
 * from senders that are not their peer (closed since, or the test's),
 * checkpointed with their tree and restarted.
 *
 * The root of a small tree (and in most tests a peer, its child) sets the
 * sockets up in a fresh directory, its cwd, says READY and waits for
 * SIGUSR1. The test may send the tree's datagram sockets datagrams from
 * sockets of its own, freezes the tree's cgroup, checkpoints it, kills
 * it, does to the world what the test is about (removes the socket inode,
 * takes a name, lowers somaxconn...), restarts the image and sends
 * SIGUSR1: the restored processes look at their sockets from the inside -
 * the names getsockname() and getpeername() report, the data they had
 * not read, the name and SCM_CREDENTIALS each datagram came with,
 * SO_PEERCRED, a client that connects now - and report "VERIFY ok" (the
 * peer "PEER ok") or what was wrong.
 *
 * Then the restarts that must fail, each with its errno and log line,
 * leaving nothing running and no socket inode of their own behind, and
 * the checkpoints that must refuse, leaving the tree working.
 *
 * The harness that forks, checkpoints, restarts and reads the tree is
 * ck_tree.h's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "ck_tree.h"

#define CG		"/sys/fs/cgroup/ckpt-unix"
#define SOMAXCONN_PATH	"/proc/sys/net/core/somaxconn"
#define QLEN_PATH	"/proc/sys/net/unix/max_dgram_qlen"
#define WAIT_MS		20000	/* for what a process sends now */
#define OWNER		65534	/* the socket inode's owner in one test */

/* what setup() made, for verify() in the restored program */
static int fds[8];

/* @name in the test's directory (four buffers, used in turn) */
static const char *at(const char *name)
{
	static char buf[4][128];
	static int i;
	char *p = buf[i++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", ckt.dir, name);
	return p;
}

/* ---- names --------------------------------------------------------------- */

struct name {
	struct sockaddr_un a;
	socklen_t len;
};

/* @path as bind() takes it, with the length getsockname() reports */
static socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

/* this test's abstract name "\0unix_test.PID.@what" */
static socklen_t abs_addr(struct sockaddr_un *a, const char *what)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s.%s",
		     ckt.tag, what);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

/* a name for a message: "path", @abstract, or (no name) */
static const char *show(const struct sockaddr_un *a, socklen_t len)
{
	static char buf[4][160];
	static int i;
	char *s = buf[i++ % 4];
	int n = (int)len - (int)offsetof(struct sockaddr_un, sun_path);

	if (n <= 0)
		return "(no name)";
	if (a->sun_path[0])
		snprintf(s, sizeof(buf[0]), "\"%.*s\"", n, a->sun_path);
	else
		snprintf(s, sizeof(buf[0]), "@%.*s", n - 1, a->sun_path + 1);
	return s;
}

/* getsockname() of @fd, or with @peer getpeername(): 0 or -1 */
static int get_name(int fd, bool peer, struct name *n)
{
	memset(n, 0, sizeof(*n));
	n->len = sizeof(n->a);
	return peer ? getpeername(fd, (struct sockaddr *)&n->a, &n->len) :
		      getsockname(fd, (struct sockaddr *)&n->a, &n->len);
}

/* @fd's name (with @peer its peer's) is @a, @len bytes: 0, or NOPE */
static int name_is(int fd, bool peer, const struct sockaddr_un *a,
		   socklen_t len, const char *what)
{
	const char *call = peer ? "getpeername()" : "getsockname()";
	struct name n;

	if (get_name(fd, peer, &n))
		return NOPE("%s: %s: %s", what, call, strerror(errno));
	if (n.len != len || memcmp(&n.a, a, len))
		return NOPE("%s: %s reports %s (%u bytes), expected %s (%u bytes)",
			    what, call, show(&n.a, n.len), n.len, show(a, len),
			    len);
	return 0;
}

/* @fd (with @peer its peer) has no name */
static int unnamed(int fd, bool peer, const char *what)
{
	struct sockaddr_un none = { .sun_family = AF_UNIX };

	return name_is(fd, peer, &none, sizeof(sa_family_t), what);
}

/* SO_PEERCRED of @fd: @pid, with our uid and gid */
static int peercred_is(int fd, pid_t pid, const char *what)
{
	struct ucred uc = {};
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len))
		return NOPE("%s: SO_PEERCRED: %s", what, strerror(errno));
	if (uc.pid != pid || uc.uid != getuid() || uc.gid != getgid())
		return NOPE("%s: SO_PEERCRED is pid %d uid %u gid %u, expected pid %d uid %u gid %u",
			    what, uc.pid, uc.uid, uc.gid, pid, getuid(),
			    getgid());
	return 0;
}

/* ---- data ---------------------------------------------------------------- */

/* @len bytes that depend on @seed and on their place, so a lost one shows */
static void pattern(char *buf, size_t len, int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(i * 31 + i / 251 + seed * 7);
}

/* @fd has something to read within @ms */
static bool wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/*
 * Take the next @len bytes of @fd (a stream, or one record of @len bytes)
 * and expect @want; they are queued already, nothing waits for them.
 */
static bool took(int fd, const void *want, size_t len)
{
	static char buf[65536];
	size_t got = 0;
	ssize_t n;

	while (got < len && len <= sizeof(buf)) {
		n = recv(fd, buf + got, len - got, MSG_DONTWAIT);
		if (n <= 0)
			return false;
		got += n;
	}
	return got == len && !memcmp(buf, want, len);
}

/* @want, sent now by another process: it comes within WAIT_MS */
static bool awaited(int fd, const char *want)
{
	return wait_in(fd, WAIT_MS) && took(fd, want, strlen(want));
}

/* nothing more is queued on @fd */
static bool drained(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN;
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

/* the records of a connection, each its own pattern */
static const size_t c2s[] = { 12, 1500, 1, 300 };	/* client to server */
static const size_t s2c[] = { 5, 2000, 7 };		/* server to client */
#define C2S_SEED	10
#define S2C_SEED	20

/*
 * Send @sizes' records [0, @n) on @fd: each its own send(), or on a
 * stream with @glued all in one write(), so that a read of the first
 * leaves the rest of one buffer.
 */
static int send_recs(int fd, int type, const size_t *sizes, int n, int seed,
		     bool glued)
{
	static char buf[8192];
	size_t at = 0;
	int i;

	for (i = 0; i < n; i++) {
		pattern(buf + at, sizes[i], seed + i);
		if (!glued || type != SOCK_STREAM) {
			if (send(fd, buf, sizes[i], 0) != (ssize_t)sizes[i])
				return -1;
			continue;
		}
		at += sizes[i];
	}
	if (at && write(fd, buf, at) != (ssize_t)at)
		return -1;
	return 0;
}

/*
 * Expect records [@from, @to) of @sizes on @fd, queued: on a stream the
 * bytes in order; on a seqpacket socket one record per recv(), however
 * large the buffer.
 */
static int expect_recs(int fd, int type, const size_t *sizes, int from,
		       int to, int seed, const char *what)
{
	static char want[8192], buf[8192];
	size_t at = 0;
	ssize_t n;
	int i;

	for (i = from; i < to; i++) {
		pattern(want + at, sizes[i], seed + i);
		if (type == SOCK_STREAM) {
			at += sizes[i];
			continue;
		}
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n != (ssize_t)sizes[i] || memcmp(buf, want, n))
			return NOPE("%s: record %d: %zd bytes (%s), expected its %zu",
				    what, i, n, n < 0 ?
				    strerrorname_np(errno) : "data", sizes[i]);
	}
	if (at && !took(fd, want, at))
		return NOPE("%s: did not read the %zu bytes of records %d to %d",
			    what, at, from, to - 1);
	return 0;
}

/*
 * Take the next datagram of @fd, queued, and expect @len bytes of @want
 * from the name @a, @alen bytes (0: no name at all, as recvfrom()
 * reports an unbound sender), with SCM_CREDENTIALS naming @pid and our
 * uid and gid, or with @pid 0 no credentials.
 */
static int dgram_is(int fd, const void *want, size_t len,
		    const struct sockaddr_un *a, socklen_t alen, pid_t pid,
		    const char *what)
{
	static char buf[4096];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct sockaddr_un from = {};
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *h;
	struct ucred uc;
	ssize_t n;

	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0)
		return NOPE("%s: recvmsg(): %s", what, strerrorname_np(errno));
	if (n != (ssize_t)len || memcmp(buf, want, len) ||
	    (m.msg_flags & MSG_TRUNC))
		return NOPE("%s: %zd bytes \"%.*s\", expected %zu \"%.*s\"",
			    what, n, (int)(n < 64 ? n : 64), buf, len,
			    (int)(len < 64 ? len : 64), (const char *)want);
	if (m.msg_namelen != alen ||
	    (alen && memcmp(&from, a, alen)))
		return NOPE("%s: from %s (%u bytes), expected %s (%u bytes)",
			    what, show(&from, m.msg_namelen), m.msg_namelen,
			    show(a, alen), alen);
	h = CMSG_FIRSTHDR(&m);
	if (!pid)
		return h ? NOPE("%s: comes with a control message (level %d type %d), expected none",
				what, h->cmsg_level, h->cmsg_type) : 0;
	if (!h || h->cmsg_level != SOL_SOCKET ||
	    h->cmsg_type != SCM_CREDENTIALS ||
	    h->cmsg_len != CMSG_LEN(sizeof(uc)))
		return NOPE("%s: no SCM_CREDENTIALS", what);
	memcpy(&uc, CMSG_DATA(h), sizeof(uc));
	if (uc.pid != pid || uc.uid != getuid() || uc.gid != getgid())
		return NOPE("%s: SCM_CREDENTIALS are pid %d uid %u gid %u, expected pid %d uid %u gid %u",
			    what, uc.pid, uc.uid, uc.gid, pid, getuid(),
			    getgid());
	return 0;
}

/* ---- the test process ---------------------------------------------------- */

/* what a test holds or changes around the tree (ckt has the tree) */
struct tree {
	int outside;		/* a socket the test holds, or -1 */
	char somaxconn[32];	/* net.core.somaxconn before the test, or "" */
	char qlen[32];		/* net.unix.max_dgram_qlen before, or "" */
};

static const struct tree_cfg cfg = {
	.name = "unix_test",
	.cg = CG,
	.dir = true,
	.peer = true,
	.root = tree_root_in_dir,
	.validate_not = "the world",
};

static void world_setup(struct __test_metadata *_metadata, struct tree *t)
{
	t->outside = -1;
	t->somaxconn[0] = '\0';
	t->qlen[0] = '\0';
	tree_init(_metadata, &cfg);
}

static void world_teardown(struct tree *t)
{
	tree_end();
	if (t->somaxconn[0])
		lite_cg_write("/proc/sys/net/core", "somaxconn", t->somaxconn);
	if (t->qlen[0])
		lite_cg_write("/proc/sys/net/unix", "max_dgram_qlen", t->qlen);
	if (t->outside >= 0)
		close(t->outside);
	tree_clean();
}

/* a socket of @type connected to @a: the fd */
static int connect_to(const struct sockaddr_un *a, socklen_t len, int type)
{
	int fd = socket(AF_UNIX, type, 0);

	if (fd >= 0 && connect(fd, (const struct sockaddr *)a, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* a socket of @type bound to @a (listening with @backlog > 0): the fd */
static int bound_to(const struct sockaddr_un *a, socklen_t len, int type,
		    int backlog)
{
	int fd = socket(AF_UNIX, type, 0);

	if (fd >= 0 && (bind(fd, (const struct sockaddr *)a, len) ||
			(backlog > 0 && listen(fd, backlog)))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- a listener on a relative path, and the connection it accepted ---- */

#define SRV	"srv.sock"	/* bound relative to the tree's cwd */

static int conn_type;		/* SOCK_STREAM or SOCK_SEQPACKET */
static ino_t srv_ino;		/* SRV's socket inode, before the checkpoint */

/*
 * The peer: the client. Connected to SRV by its relative name (the same
 * cwd), it sent its records in one go; the first is read by the server.
 */
static int cli_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, SRV);

	close(fds[0]);
	fds[2] = connect_to(&a, len, conn_type);
	if (fds[2] < 0)
		return -1;
	return send_recs(fds[2], conn_type, c2s, ARRAY_SIZE(c2s), C2S_SEED,
			 true);
}

/*
 * The client, restored: the server's records it never read, in order and
 * one per recv() on a seqpacket socket, and nothing else; its peer has
 * the listener's name, it has none; SO_PEERCRED is the process that
 * listened; and it talks with the server again.
 */
static int cli_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, SRV);

	if (expect_recs(fds[2], conn_type, s2c, 0, ARRAY_SIZE(s2c), S2C_SEED,
			"the client"))
		return -1;
	if (!drained(fds[2]))
		return NOPE("the client reads more than the server sent");
	if (name_is(fds[2], true, &a, len, "the client's peer") ||
	    unnamed(fds[2], false, "the client") ||
	    peercred_is(fds[2], ckt.root, "the client"))
		return -1;
	if (send(fds[2], "ping", 4, 0) != 4 || !awaited(fds[2], "pong"))
		return NOPE("the client has no answer to its ping: %s",
			    strerror(errno));
	return 0;
}

/*
 * The root: the server. Its listener (fds[0]) is bound to the relative
 * name SRV and accepted the client (fds[1]); it read the client's first
 * record and sent its own, which the client has not read.
 */
static int srv_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, SRV);
	struct stat st;

	fds[0] = bound_to(&a, len, conn_type, 4);
	if (fds[0] < 0 || stat(at(SRV), &st))
		return -1;
	srv_ino = st.st_ino;
	if (tree_fork_peer(cli_setup, cli_verify) < 0)
		return -1;
	fds[1] = accept(fds[0], NULL, NULL);
	if (fds[1] < 0 || !wait_in(fds[1], WAIT_MS) ||
	    expect_recs(fds[1], conn_type, c2s, 0, 1, C2S_SEED, "the server"))
		return -1;
	return send_recs(fds[1], conn_type, s2c, ARRAY_SIZE(s2c), S2C_SEED,
			 false);
}

/*
 * The server, restored: the listener still has its relative name and the
 * same socket inode at its place; the accepted socket has the rest of the
 * client's records, the listener's name, SO_PEERCRED of the client; the
 * client pings, and a new client (the test's) is accepted and served.
 */
static int srv_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, SRV);
	struct stat st;
	int n;

	if (name_is(fds[0], false, &a, len, "the listener"))
		return -1;
	if (stat(at(SRV), &st) || !S_ISSOCK(st.st_mode) ||
	    st.st_ino != srv_ino)
		return NOPE("%s: inode %lu, mode %#o; was the socket inode %lu",
			    at(SRV), (unsigned long)st.st_ino, st.st_mode,
			    (unsigned long)srv_ino);
	if (expect_recs(fds[1], conn_type, c2s, 1, ARRAY_SIZE(c2s), C2S_SEED,
			"the server"))
		return -1;
	if (!drained(fds[1]))
		return NOPE("the server reads more than the client sent");
	if (name_is(fds[1], false, &a, len, "the accepted socket") ||
	    unnamed(fds[1], true, "the accepted socket's peer") ||
	    peercred_is(fds[1], ckt.peer, "the accepted socket"))
		return -1;
	tree_peer_go();
	if (!awaited(fds[1], "ping") || send(fds[1], "pong", 4, 0) != 4)
		return NOPE("no ping from the client");
	n = accept_in(fds[0], WAIT_MS);
	if (n < 0)
		return NOPE("the listener accepts no new client: %s",
			    strerror(errno));
	if (name_is(n, false, &a, len, "the new connection"))
		return -1;
	if (!awaited(n, "new client") || send(n, "welcome", 7, 0) != 7)
		return NOPE("the new client is not served");
	close(n);
	return 0;
}

FIXTURE(listener) {
	struct tree t;
};

FIXTURE_VARIANT(listener) {
	int type;
};

FIXTURE_VARIANT_ADD(listener, stream) {
	.type = SOCK_STREAM,
};

/* the same, with records whose boundaries must stay */
FIXTURE_VARIANT_ADD(listener, seqpacket) {
	.type = SOCK_SEQPACKET,
};

FIXTURE_SETUP(listener)
{
	world_setup(_metadata, &self->t);
	conn_type = variant->type;
}

FIXTURE_TEARDOWN(listener)
{
	world_teardown(&self->t);
}

/*
 * A server bound by a relative name, with the connection it accepted
 * from its child and unread records both ways: restarted, the socket
 * takes its inode again (same st_ino at the absolute path), the two talk
 * on, and a client from outside the tree connects by the absolute path:
 * SO_PEERCRED names the server, getpeername() its relative name.
 */
TEST_F_TIMEOUT(listener, listener_with_accepted_connection_goes_on, 120)
{
	struct sockaddr_un rel, abs;
	socklen_t rlen = path_addr(&rel, SRV);
	socklen_t alen = path_addr(&abs, at(SRV));
	struct stat before, after;
	int c;

	tree_start(_metadata, srv_setup, srv_verify);
	ASSERT_EQ(0, stat(at(SRV), &before));
	tree_checkpoint_and_kill(_metadata);
	/* the original's socket inode stays behind */
	ASSERT_EQ(0, stat(at(SRV), &after));
	tree_restart(_metadata);
	ASSERT_EQ(0, stat(at(SRV), &after));
	EXPECT_TRUE(S_ISSOCK(after.st_mode));
	EXPECT_EQ(before.st_ino, after.st_ino);

	c = connect_to(&abs, alen, variant->type);
	ASSERT_LE(0, c) TH_LOG("connect to %s: %s", at(SRV), strerror(errno));
	EXPECT_EQ(0, peercred_is(c, ckt.root, "the new client"))
		TH_LOG("%s", why);
	EXPECT_EQ(0, name_is(c, true, &rel, rlen, "the new client's peer"))
		TH_LOG("%s", why);
	ASSERT_EQ((ssize_t)10, send(c, "new client", 10, 0));
	tree_go_on(_metadata);
	EXPECT_TRUE(awaited(c, "welcome")) TH_LOG("no welcome from the server");
	close(c);
	tree_finish(_metadata, true);
}

/* ---- the other tests' trees ---------------------------------------------- */

FIXTURE(named) {
	struct tree t;
};

FIXTURE_SETUP(named)
{
	world_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(named)
{
	world_teardown(&self->t);
}

/*
 * A listener on an absolute path (fds[0]), and what a restored one does:
 * it keeps its name, and serves the test's client ("knock", "enter").
 */
#define LSOCK	"l.sock"
static int l_backlog = 4;

static int pl_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(LSOCK));

	fds[0] = bound_to(&a, len, SOCK_STREAM, l_backlog);
	return fds[0] < 0 ? -1 : 0;
}

static int pl_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(LSOCK));
	int n;

	if (name_is(fds[0], false, &a, len, "the listener"))
		return -1;
	n = accept_in(fds[0], WAIT_MS);
	if (n < 0)
		return NOPE("the listener accepts no client: %s",
			    strerror(errno));
	if (!awaited(n, "knock") || send(n, "enter", 5, 0) != 5)
		return NOPE("the client is not served");
	close(n);
	return 0;
}

/* the test's client of pl_verify(): connected, knocked; the fd */
static int knock(struct __test_metadata *_metadata)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(LSOCK));
	int c = connect_to(&a, len, SOCK_STREAM);

	EXPECT_LE(0, c) TH_LOG("connect to %s: %s", at(LSOCK),
			       strerror(errno));
	if (c >= 0)
		EXPECT_EQ((ssize_t)5, send(c, "knock", 5, 0));
	return c;
}

/* ...and the listener lets it in */
static void entered(struct __test_metadata *_metadata, int c)
{
	if (c < 0)
		return;
	EXPECT_TRUE(awaited(c, "enter")) TH_LOG("the listener did not answer");
	close(c);
}

/*
 * The socket inode removed while the tree is down, after a chmod 0640 and
 * a chown: RESTART_VALIDATE makes nothing that stays (the path is still
 * absent after it); the restart makes the inode again with that mode and
 * owner, and the restored listener serves a new client there.
 */
TEST_F_TIMEOUT(named, removed_socket_inode_is_made_again_with_its_mode_and_owner,
	       120)
{
	char log[4096] = "";
	struct stat st;
	int c;

	tree_start(_metadata, pl_setup, pl_verify);
	ASSERT_EQ(0, chmod(at(LSOCK), 0640));
	ASSERT_EQ(0, chown(at(LSOCK), OWNER, OWNER));
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(0, unlink(at(LSOCK)));

	EXPECT_EQ(0, tree_restart_img(RESTART_VALIDATE, log, sizeof(log)))
		TH_LOG("RESTART_VALIDATE: %s; log: %s", strerrorname_np(errno),
		       log);
	EXPECT_EQ(-1, lstat(at(LSOCK), &st))
		TH_LOG("RESTART_VALIDATE left %s behind", at(LSOCK));

	tree_restart(_metadata);
	ASSERT_EQ(0, stat(at(LSOCK), &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ(0640U, st.st_mode & 07777);
	EXPECT_EQ((uid_t)OWNER, st.st_uid);
	EXPECT_EQ((gid_t)OWNER, st.st_gid);
	c = knock(_metadata);
	tree_go_on(_metadata);
	entered(_metadata, c);
	tree_finish(_metadata, false);
}

/* ---- abstract names ------------------------------------------------------ */

/* a datagram socket (fds[0]) and a listener (fds[1]) on abstract names */
static int abs_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "dgram");

	fds[0] = bound_to(&a, len, SOCK_DGRAM, 0);
	len = abs_addr(&a, "listen");
	fds[1] = bound_to(&a, len, SOCK_STREAM, 4);
	if (fds[0] < 0 || fds[1] < 0)
		return -1;
	return name_is(fds[1], false, &a, len, "the listener");
}

/*
 * Restored, both have their names; the datagram socket receives what the
 * test sent to its name (from an unbound socket: no name), the listener
 * accepts the test's client.
 */
static int abs_verify(void)
{
	struct sockaddr_un a, from;
	socklen_t len = abs_addr(&a, "dgram"), flen = sizeof(from);
	char buf[64];
	ssize_t n;
	int s;

	if (name_is(fds[0], false, &a, len, "the datagram socket"))
		return -1;
	if (!wait_in(fds[0], WAIT_MS))
		return NOPE("nothing came to the datagram socket's name");
	n = recvfrom(fds[0], buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&from, &flen);
	if (n != 7 || memcmp(buf, "by name", 7))
		return NOPE("the datagram socket read %zd bytes, expected \"by name\"",
			    n);
	/* an unbound sender: recvfrom() reports no address at all */
	if (flen)
		return NOPE("the datagram came from %s, expected no name",
			    show(&from, flen));
	len = abs_addr(&a, "listen");
	if (name_is(fds[1], false, &a, len, "the listener"))
		return -1;
	s = accept_in(fds[1], WAIT_MS);
	if (s < 0)
		return NOPE("the listener accepts no client: %s",
			    strerror(errno));
	if (name_is(s, false, &a, len, "the accepted socket"))
		return -1;
	if (!awaited(s, "hello") || send(s, "hi back", 7, 0) != 7)
		return NOPE("the client is not served");
	close(s);
	return 0;
}

TEST_F_TIMEOUT(named, abstract_names_receive_and_accept_again, 120)
{
	struct sockaddr_un a;
	socklen_t len;
	int d, c;

	tree_start(_metadata, abs_setup, abs_verify);
	tree_checkpoint_and_kill(_metadata);
	tree_restart(_metadata);

	len = abs_addr(&a, "dgram");
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, d);
	EXPECT_EQ((ssize_t)7, sendto(d, "by name", 7, 0,
				     (struct sockaddr *)&a, len))
		TH_LOG("send to %s: %s", show(&a, len), strerror(errno));
	close(d);
	len = abs_addr(&a, "listen");
	c = connect_to(&a, len, SOCK_STREAM);
	ASSERT_LE(0, c) TH_LOG("connect to %s: %s", show(&a, len),
			       strerror(errno));
	ASSERT_EQ((ssize_t)5, send(c, "hello", 5, 0));
	tree_go_on(_metadata);
	EXPECT_TRUE(awaited(c, "hi back")) TH_LOG("no answer from the listener");
	close(c);
	tree_finish(_metadata, false);
}

/* ---- autobind ------------------------------------------------------------ */

static struct name auto_c, auto_e;

/* an autobound name: '\0' and five hex digits */
static bool autobound(const struct name *n)
{
	return n->len == offsetof(struct sockaddr_un, sun_path) + 6 &&
	       !n->a.sun_path[0];
}

/*
 * SO_PASSCRED autobinds: a stream socket (fds[1]) when it connects to a
 * listener (fds[0], which accepted it: fds[2]), a datagram socket
 * (fds[4]) when it sends to a bound one (fds[3], which read it, and saw
 * its name). Bytes wait both ways on the connection.
 */
static int auto_setup(void)
{
	struct sockaddr_un a, d, from;
	socklen_t len = abs_addr(&a, "autol"), dlen = abs_addr(&d, "autod");
	socklen_t flen = sizeof(from);
	int on = 1;
	char buf[8];

	fds[0] = bound_to(&a, len, SOCK_STREAM, 4);
	fds[1] = socket(AF_UNIX, SOCK_STREAM, 0);
	fds[3] = bound_to(&d, dlen, SOCK_DGRAM, 0);
	fds[4] = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fds[0] < 0 || fds[1] < 0 || fds[3] < 0 || fds[4] < 0 ||
	    setsockopt(fds[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) ||
	    setsockopt(fds[4], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) ||
	    connect(fds[1], (struct sockaddr *)&a, len))
		return -1;
	fds[2] = accept(fds[0], NULL, NULL);
	if (fds[2] < 0 ||
	    sendto(fds[4], "first", 5, 0, (struct sockaddr *)&d, dlen) != 5 ||
	    recvfrom(fds[3], buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &flen) != 5)
		return -1;
	if (get_name(fds[1], false, &auto_c) || !autobound(&auto_c))
		return NOPE("the stream socket is not autobound: %s",
			    show(&auto_c.a, auto_c.len));
	if (get_name(fds[4], false, &auto_e) || !autobound(&auto_e))
		return NOPE("the datagram socket is not autobound: %s",
			    show(&auto_e.a, auto_e.len));
	if (flen != auto_e.len || memcmp(&from, &auto_e.a, flen))
		return NOPE("the datagram came from %s, not %s",
			    show(&from, flen), show(&auto_e.a, auto_e.len));
	return send(fds[1], "up", 2, 0) != 2 ||
	       send(fds[2], "down", 4, 0) != 4 ? -1 : 0;
}

/*
 * Restored, each socket has its autobound name again (and nobody else can
 * take it); the accepted socket's peer has it; the bytes are there; and
 * a datagram sent again comes from that name.
 */
static int auto_verify(void)
{
	struct sockaddr_un a, d, from;
	socklen_t len = abs_addr(&a, "autol"), dlen = abs_addr(&d, "autod");
	socklen_t flen = sizeof(from);
	char buf[8];
	int s, ret;

	if (name_is(fds[1], false, &auto_c.a, auto_c.len, "the stream socket") ||
	    name_is(fds[2], true, &auto_c.a, auto_c.len,
		    "the accepted socket's peer") ||
	    name_is(fds[2], false, &a, len, "the accepted socket") ||
	    name_is(fds[4], false, &auto_e.a, auto_e.len,
		    "the datagram socket"))
		return -1;
	if (!took(fds[2], "up", 2) || !took(fds[1], "down", 4))
		return NOPE("the bytes queued on the connection are lost");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ret = bind(s, (struct sockaddr *)&auto_c.a, auto_c.len);
	close(s);
	if (ret != -1 || errno != EADDRINUSE)
		return NOPE("another socket can bind to the name %s: %s",
			    show(&auto_c.a, auto_c.len),
			    ret ? strerror(errno) : "bound");
	if (sendto(fds[4], "again", 5, 0, (struct sockaddr *)&d, dlen) != 5 ||
	    !wait_in(fds[3], WAIT_MS) ||
	    recvfrom(fds[3], buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&from, &flen) != 5)
		return NOPE("the datagram socket cannot send again: %s",
			    strerror(errno));
	if (flen != auto_e.len || memcmp(&from, &auto_e.a, flen))
		return NOPE("the datagram came from %s, not %s",
			    show(&from, flen), show(&auto_e.a, auto_e.len));
	return 0;
}

TEST_F_TIMEOUT(named, autobound_names_are_kept, 120)
{
	tree_round_trip(_metadata, auto_setup, auto_verify, false);
}

/* ---- a socket pair with a name ------------------------------------------- */

#define PSOCK	"pair.sock"
static ino_t pair_ino;

/* end 0 of a stream pair bound to PSOCK; bytes wait at both ends */
static int pair_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(PSOCK));
	struct stat st;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    bind(fds[0], (struct sockaddr *)&a, len) || stat(at(PSOCK), &st))
		return -1;
	pair_ino = st.st_ino;
	return send(fds[0], "to one", 6, 0) != 6 ||
	       send(fds[1], "to zero", 7, 0) != 7 ? -1 : 0;
}

/*
 * Restored: end 0 has the name, end 1 sees it as its peer's; the bytes
 * are there and more go both ways; the inode is the one it had, and a
 * socket is bound to it (a datagram sent there meets a stream socket:
 * EPROTOTYPE, where an inode with no socket would refuse it).
 */
static int pair_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(PSOCK));
	struct stat st;
	int s, ret;

	if (name_is(fds[0], false, &a, len, "end 0") ||
	    name_is(fds[1], true, &a, len, "end 1's peer") ||
	    unnamed(fds[1], false, "end 1") ||
	    unnamed(fds[0], true, "end 0's peer"))
		return -1;
	if (!took(fds[1], "to one", 6) || !took(fds[0], "to zero", 7) ||
	    !drained(fds[0]) || !drained(fds[1]))
		return NOPE("the bytes queued on the pair are not as sent");
	if (send(fds[0], "more", 4, 0) != 4 || !took(fds[1], "more", 4) ||
	    send(fds[1], "back", 4, 0) != 4 || !took(fds[0], "back", 4))
		return NOPE("the pair does not carry new bytes");
	if (stat(at(PSOCK), &st) || st.st_ino != pair_ino)
		return NOPE("%s is not the socket inode it was", at(PSOCK));
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	ret = sendto(s, "x", 1, 0, (struct sockaddr *)&a, len);
	close(s);
	if (ret != -1 || errno != EPROTOTYPE)
		return NOPE("a datagram to %s: %s, expected EPROTOTYPE",
			    at(PSOCK), ret < 0 ? strerrorname_np(errno) : "sent");
	return 0;
}

TEST_F_TIMEOUT(named, socketpair_end_bound_to_a_path_keeps_its_name, 120)
{
	tree_round_trip(_metadata, pair_setup, pair_verify, false);
}

/* ---- a connection whose listener is gone --------------------------------- */

/*
 * The client (fds[0]) connected to an abstract name, the accepted socket
 * (fds[1]) has it; the listener was closed. Bytes wait both ways.
 */
static int closed_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "closed");
	int l = bound_to(&a, len, SOCK_STREAM, 1);

	fds[0] = connect_to(&a, len, SOCK_STREAM);
	if (l < 0 || fds[0] < 0)
		return -1;
	fds[1] = accept(l, NULL, NULL);
	if (fds[1] < 0 || close(l))
		return -1;
	return send(fds[0], "queued up", 9, 0) != 9 ||
	       send(fds[1], "queued down", 11, 0) != 11 ? -1 : 0;
}

/*
 * Restored: the bytes, the name on the accepted socket and as the
 * client's peer's, SO_PEERCRED; and the name is not bound: nothing
 * listens there, and another socket can take it.
 */
static int closed_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "closed");
	int s, ret;

	if (!took(fds[1], "queued up", 9) || !took(fds[0], "queued down", 11))
		return NOPE("the bytes queued on the connection are lost");
	if (name_is(fds[1], false, &a, len, "the accepted socket") ||
	    name_is(fds[0], true, &a, len, "the client's peer") ||
	    unnamed(fds[0], false, "the client") ||
	    peercred_is(fds[0], getpid(), "the client") ||
	    peercred_is(fds[1], getpid(), "the accepted socket"))
		return -1;
	if (send(fds[0], "ab", 2, 0) != 2 || !took(fds[1], "ab", 2) ||
	    send(fds[1], "cd", 2, 0) != 2 || !took(fds[0], "cd", 2))
		return NOPE("the connection does not carry bytes");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ret = connect(s, (struct sockaddr *)&a, len);
	close(s);
	if (ret != -1 || errno != ECONNREFUSED)
		return NOPE("connect to the closed listener's name: %s, expected ECONNREFUSED",
			    ret ? strerrorname_np(errno) : "connected");
	s = bound_to(&a, len, SOCK_STREAM, 0);
	if (s < 0)
		return NOPE("the name is still taken: %s", strerror(errno));
	close(s);
	return 0;
}

TEST_F_TIMEOUT(named, accepted_connection_outlives_its_closed_listener, 120)
{
	tree_round_trip(_metadata, closed_setup, closed_verify, false);
}

/* ---- datagrams from senders other than a peer ---------------------------- */

/* a datagram socket (fds[0]) bound to @name relative to the tree's cwd */
static int dgram_bound(const char *name)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, name);

	fds[0] = bound_to(&a, len, SOCK_DGRAM, 0);
	return fds[0] < 0 ? -1 : 0;
}

/* @len bytes of @buf from @fd to the name @to, not waiting: 0 or -1 */
static int send_dgram(int fd, const void *buf, size_t len,
		      const struct sockaddr_un *to, socklen_t tlen)
{
	return sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)to,
		      tlen) == (ssize_t)len ? 0 : -1;
}

#define DGSOCK		"dg.sock"	/* the receiver, a relative name */
#define FROMSOCK	"from.sock"	/* the test's sender, at(FROMSOCK) */

enum { BY_ABSTRACT, BY_NONE, BY_PATH };

/*
 * What the test sends the receiver, in this order: before the checkpoint
 * from an abstract name (a socket closed since), from no name (closed
 * too), an empty datagram from FROMSOCK (the test's socket, kept), from
 * the abstract name again (another socket bound to it, the test's while
 * the tree is checkpointed and restarted); and after the restart from
 * FROMSOCK again.
 */
static const struct {
	int by;
	const char *text;
} dg_sent[] = {
	{ BY_ABSTRACT,	"from the abstract name" },
	{ BY_ABSTRACT,	"and more from it" },
	{ BY_NONE,	"from no name" },
	{ BY_PATH,	"" },
	{ BY_ABSTRACT,	"from the abstract name, bound again" },
	{ BY_PATH,	"after the restart" },
};
#define DG_QUEUED	5	/* dg_sent[] queued at the checkpoint */

/* the name dg_sent[@i] comes from, its length (0: no name) */
static socklen_t dg_from(struct sockaddr_un *a, int i)
{
	switch (dg_sent[i].by) {
	case BY_ABSTRACT:
		return abs_addr(a, "from");
	case BY_PATH:
		return path_addr(a, at(FROMSOCK));
	}
	memset(a, 0, sizeof(*a));
	return 0;
}

/* the receiver takes dg_sent[@i], from its sender's name */
static int dg_took(int i)
{
	const char *text = dg_sent[i].text;
	struct sockaddr_un a;
	socklen_t alen = dg_from(&a, i);
	char what[32];

	snprintf(what, sizeof(what), "datagram %d", i);
	return dgram_is(fds[0], text, strlen(text), &a, alen, 0, what);
}

static int dg_setup(void)
{
	return dgram_bound(DGSOCK);
}

/*
 * Restored, the receiver has its name, and the datagrams queued at the
 * checkpoint in order, each its own and from its sender's name; then the
 * one sent since, and nothing more.
 */
static int dg_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, DGSOCK);
	int i;

	if (name_is(fds[0], false, &a, len, "the receiver"))
		return -1;
	for (i = 0; i < DG_QUEUED; i++)
		if (dg_took(i))
			return -1;
	if (!wait_in(fds[0], WAIT_MS))
		return NOPE("nothing came from %s after the restart",
			    at(FROMSOCK));
	if (dg_took(DG_QUEUED))
		return -1;
	if (!drained(fds[0]))
		return NOPE("the receiver reads more than was sent to it");
	return 0;
}

/* the test sends dg_sent[@i] from @fd to the receiver */
static void dg_send(struct __test_metadata *_metadata, int fd, int i)
{
	struct sockaddr_un to;
	socklen_t tlen = path_addr(&to, at(DGSOCK));
	const char *text = dg_sent[i].text;

	EXPECT_EQ(0, send_dgram(fd, text, strlen(text), &to, tlen))
		TH_LOG("datagram %d to %s: %s", i, at(DGSOCK),
		       strerror(errno));
}

/*
 * A datagram socket bound to a relative path with datagrams queued from
 * senders that are no peer of it: closed since, or the test's. Restarted,
 * it reads them in order, boundaries kept (the empty one too), each from
 * the name recvfrom() reported for it (none for the unbound sender) -
 * though the test still holds a socket bound to the abstract name - and
 * the test's sender on a path sends it more.
 */
TEST_F_TIMEOUT(named, datagrams_of_closed_and_outside_senders_come_back, 120)
{
	struct sockaddr_un a;
	socklen_t alen;
	int s, again;

	tree_start(_metadata, dg_setup, dg_verify);
	alen = dg_from(&a, 0);
	s = bound_to(&a, alen, SOCK_DGRAM, 0);
	ASSERT_LE(0, s) TH_LOG("bind %s: %s", show(&a, alen), strerror(errno));
	dg_send(_metadata, s, 0);
	dg_send(_metadata, s, 1);
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, s);
	dg_send(_metadata, s, 2);
	close(s);
	alen = dg_from(&a, 3);
	self->t.outside = bound_to(&a, alen, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->t.outside) TH_LOG("bind %s: %s", at(FROMSOCK),
					     strerror(errno));
	dg_send(_metadata, self->t.outside, 3);
	alen = dg_from(&a, 4);
	again = bound_to(&a, alen, SOCK_DGRAM, 0);
	ASSERT_LE(0, again) TH_LOG("bind %s again: %s", show(&a, alen),
				   strerror(errno));
	dg_send(_metadata, again, 4);

	tree_checkpoint_and_kill(_metadata);
	tree_restart(_metadata);
	dg_send(_metadata, self->t.outside, DG_QUEUED);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
	close(again);
}

#define CSOCK	"cred.sock"

/*
 * The peer: from a socket of its own bound to the abstract name
 * "cred.from", which it closes then, @text to the root's receiver.
 */
static int cred_send(const char *text)
{
	struct sockaddr_un to, a;
	socklen_t tlen = path_addr(&to, CSOCK);
	socklen_t alen = abs_addr(&a, "cred.from");
	int s = bound_to(&a, alen, SOCK_DGRAM, 0), ret, err;

	if (s < 0)
		return NOPE("bind %s: %s", show(&a, alen), strerror(errno));
	ret = send_dgram(s, text, strlen(text), &to, tlen);
	err = errno;
	close(s);
	return ret ? NOPE("send to %s: %s", CSOCK, strerror(err)) : 0;
}

static int cred_peer_setup(void)
{
	close(fds[0]);
	return cred_send("before");
}

/* restored, it sends one more */
static int cred_peer_verify(void)
{
	return cred_send("after");
}

/* the root: a receiver with SO_PASSCRED (fds[0]) its peer sent to */
static int cred_setup(void)
{
	int on = 1;

	if (dgram_bound(CSOCK) ||
	    setsockopt(fds[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)))
		return -1;
	return tree_fork_peer(cred_peer_setup, cred_peer_verify) < 0 ? -1 : 0;
}

/*
 * Restored: the datagram, from the closed socket's name, with the
 * credentials of the peer, which sent it; and so the one it sends now.
 */
static int cred_verify(void)
{
	struct sockaddr_un a;
	socklen_t alen = abs_addr(&a, "cred.from");

	if (dgram_is(fds[0], "before", 6, &a, alen, ckt.peer,
		     "the datagram queued"))
		return -1;
	if (!drained(fds[0]))
		return NOPE("the receiver reads more than was sent to it");
	tree_peer_go();
	if (!wait_in(fds[0], WAIT_MS))
		return NOPE("nothing came from the peer after the restart");
	return dgram_is(fds[0], "after", 5, &a, alen, ckt.peer,
			"the datagram sent after the restart");
}

/*
 * A datagram queued with SCM_CREDENTIALS (the receiver has SO_PASSCRED)
 * from a process of the tree, by a socket it closed: restarted, the
 * credentials name that process, alive in the restored tree.
 */
TEST_F_TIMEOUT(named, datagram_credentials_of_a_process_of_the_tree_are_kept,
	       120)
{
	tree_round_trip(_metadata, cred_setup, cred_verify, true);
}

#define MSOCK		"many.sock"
#define SENDERS_MAX	256	/* the senders of one queue a checkpoint saves */
#define QLEN		"1024"	/* net.unix.max_dgram_qlen, for them all */

static int nr_senders;		/* the sockets the test sends from */

/* sender @i's datagram in @text, its abstract name "s<i>" in @a */
static socklen_t many_from(struct sockaddr_un *a, int i, char *text,
			   size_t size)
{
	char what[16];

	snprintf(text, size, "datagram %d", i);
	snprintf(what, sizeof(what), "s%d", i);
	return abs_addr(a, what);
}

/*
 * The root: a receiver (fds[0]) made once net.unix.max_dgram_qlen lets
 * it queue a datagram from each sender.
 */
static int many_setup(void)
{
	return dgram_bound(MSOCK);
}

/* each sender's datagram in order, from its name, and nothing more */
static int many_verify(void)
{
	char text[32], what[32];
	struct sockaddr_un a;
	socklen_t alen;
	int i;

	for (i = 0; i < nr_senders; i++) {
		alen = many_from(&a, i, text, sizeof(text));
		snprintf(what, sizeof(what), "datagram %d", i);
		if (dgram_is(fds[0], text, strlen(text), &a, alen, 0, what))
			return -1;
	}
	if (!drained(fds[0]))
		return NOPE("the receiver reads more than the %d datagrams sent",
			    nr_senders);
	return 0;
}

/*
 * Raise net.unix.max_dgram_qlen (the queue length of a datagram socket
 * made from now on), start the tree, and send its receiver one datagram
 * from each of @n sockets, bound each to its own abstract name and
 * closed.
 */
static void many_senders(struct __test_metadata *_metadata, struct tree *t,
			 int n)
{
	struct sockaddr_un to, a;
	socklen_t tlen = path_addr(&to, at(MSOCK)), alen;
	char text[32];
	int i, s, ret, err;

	ASSERT_LT(0, lite_slurp(QLEN_PATH, t->qlen, sizeof(t->qlen)));
	ASSERT_EQ(0, lite_cg_write("/proc/sys/net/unix", "max_dgram_qlen",
				   QLEN));
	nr_senders = n;
	tree_start(_metadata, many_setup, many_verify);
	for (i = 0; i < n; i++) {
		alen = many_from(&a, i, text, sizeof(text));
		s = bound_to(&a, alen, SOCK_DGRAM, 0);
		ASSERT_LE(0, s) TH_LOG("bind %s: %s", show(&a, alen),
				       strerror(errno));
		ret = send_dgram(s, text, strlen(text), &to, tlen);
		err = errno;
		close(s);
		ASSERT_EQ(0, ret) TH_LOG("datagram %d to %s: %s", i,
					 at(MSOCK), strerrorname_np(err));
	}
}

/*
 * Datagrams from as many senders (all closed) as a checkpoint saves:
 * restarted, the receiver reads them all in order, each from its name.
 */
TEST_F_TIMEOUT(named, datagrams_of_256_senders_come_back, 120)
{
	many_senders(_metadata, &self->t, SENDERS_MAX);
	tree_checkpoint_and_kill(_metadata);
	tree_restart(_metadata);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* ---- restarts that fail -------------------------------------------------- */

/* a regular file @path with @text: 0 or -1 */
static int make_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * A regular file at the listener's path while the tree is down: another
 * inode than the image saw, so the restart fails with ESTALE; taken as it
 * is (RESTART_ACCEPT_REPLACED) it is not a socket: EADDRINUSE. The file
 * is left as it is, and nothing runs.
 */
TEST_F_TIMEOUT(named, restart_refuses_a_regular_file_at_the_path, 120)
{
	char line[256], buf[64] = "";
	struct stat st;

	tree_start(_metadata, pl_setup, pl_verify);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(0, unlink(at(LSOCK)));
	ASSERT_EQ(0, make_file(at(LSOCK), "not a socket\n"));

	snprintf(line, sizeof(line), "%s was replaced since the checkpoint",
		 at(LSOCK));
	tree_restart_fails(_metadata, 0, ESTALE, line);
	snprintf(line, sizeof(line),
		 "%s, where the unix socket was bound, is not a socket now",
		 at(LSOCK));
	tree_restart_fails(_metadata, RESTART_ACCEPT_REPLACED, EADDRINUSE,
			   line);
	tree_nothing_left(_metadata);
	ASSERT_EQ(0, lstat(at(LSOCK), &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	lite_slurp(at(LSOCK), buf, sizeof(buf));
	EXPECT_STREQ("not a socket\n", buf);
}

/*
 * The listener's socket inode removed while the tree is down, and another
 * socket bound at the path (the test's): another inode, so the restart
 * fails with ESTALE; taken as it is, a socket is bound to it: EADDRINUSE.
 * The test's socket keeps its inode and its clients.
 */
TEST_F_TIMEOUT(named, restart_refuses_a_socket_inode_replaced_since, 120)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(LSOCK));
	struct stat mine, st;
	char line[256];
	int s, c, n;

	tree_start(_metadata, pl_setup, pl_verify);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(0, unlink(at(LSOCK)));
	s = bound_to(&a, len, SOCK_STREAM, 1);
	ASSERT_LE(0, s) TH_LOG("bind %s: %s", at(LSOCK), strerror(errno));
	ASSERT_EQ(0, stat(at(LSOCK), &mine));

	snprintf(line, sizeof(line), "%s was replaced since the checkpoint",
		 at(LSOCK));
	tree_restart_fails(_metadata, 0, ESTALE, line);
	snprintf(line, sizeof(line),
		 "cannot bind the unix socket to %s: a socket is bound to it",
		 at(LSOCK));
	tree_restart_fails(_metadata, RESTART_ACCEPT_REPLACED, EADDRINUSE,
			   line);
	tree_nothing_left(_metadata);

	ASSERT_EQ(0, stat(at(LSOCK), &st));
	EXPECT_EQ(mine.st_ino, st.st_ino);
	c = connect_to(&a, len, SOCK_STREAM);
	EXPECT_LE(0, c) TH_LOG("connect: %s", strerror(errno));
	n = accept_in(s, WAIT_MS);
	EXPECT_LE(0, n) TH_LOG("the test's socket accepts nothing: %s",
			       strerror(errno));
	close(n);
	close(c);
	close(s);
}

/*
 * Restarted while the original tree still runs: its listener is bound to
 * the inode at the path, EADDRINUSE. The inode stays, and the original
 * goes on serving.
 */
TEST_F_TIMEOUT(named, restart_refuses_a_path_the_running_tree_still_holds, 120)
{
	struct stat before, after;
	char line[256];
	int c;

	tree_start(_metadata, pl_setup, pl_verify);
	ASSERT_EQ(0, stat(at(LSOCK), &before));
	tree_checkpoint(_metadata);
	tree_thaw(_metadata);

	snprintf(line, sizeof(line),
		 "cannot bind the unix socket to %s: a socket is bound to it",
		 at(LSOCK));
	tree_restart_fails(_metadata, 0, EADDRINUSE, line);
	ASSERT_EQ(0, stat(at(LSOCK), &after));
	EXPECT_EQ(before.st_ino, after.st_ino);
	c = knock(_metadata);
	tree_go_on(_metadata);
	entered(_metadata, c);
	tree_finish(_metadata, false);
	/* the original root is reaped: nothing else was ever made */
	tree_nothing_left(_metadata);
}

/* a datagram socket (fds[0]) bound to the abstract name "held" */
static int held_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "held");

	fds[0] = bound_to(&a, len, SOCK_DGRAM, 0);
	return fds[0] < 0 ? -1 : 0;
}

/* restored, it has the name and receives what is sent to it */
static int held_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "held");

	if (name_is(fds[0], false, &a, len, "the datagram socket"))
		return -1;
	if (!awaited(fds[0], "by name"))
		return NOPE("nothing came to the name");
	return 0;
}

/*
 * The abstract name taken by the test while the tree is down: EADDRINUSE,
 * and the name is still the test's. Once the test lets it go, the same
 * image restarts.
 */
TEST_F_TIMEOUT(named, restart_refuses_an_abstract_name_taken_since, 120)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "held");
	char line[256];
	int h, d;

	tree_start(_metadata, held_setup, held_verify);
	tree_checkpoint_and_kill(_metadata);
	h = bound_to(&a, len, SOCK_DGRAM, 0);
	ASSERT_LE(0, h) TH_LOG("bind %s: %s", show(&a, len), strerror(errno));

	snprintf(line, sizeof(line),
		 "cannot bind the unix socket to the abstract name @%s.held",
		 ckt.tag);
	tree_restart_fails(_metadata, 0, EADDRINUSE, line);
	tree_nothing_left(_metadata);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, d);
	EXPECT_EQ((ssize_t)4, sendto(d, "mine", 4, 0, (struct sockaddr *)&a,
				     len));
	EXPECT_TRUE(awaited(h, "mine")) TH_LOG("the name is not the test's");
	close(h);

	tree_restart(_metadata);
	EXPECT_EQ((ssize_t)7, sendto(d, "by name", 7, 0,
				     (struct sockaddr *)&a, len))
		TH_LOG("send to %s: %s", show(&a, len), strerror(errno));
	close(d);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

#define FSOCK	"first.sock"

/*
 * A datagram socket bound to FSOCK (fds[0]), and one made after it, so
 * restored after it, bound to the abstract name "second" (fds[1]).
 */
static int two_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(FSOCK));

	fds[0] = bound_to(&a, len, SOCK_DGRAM, 0);
	len = abs_addr(&a, "second");
	fds[1] = bound_to(&a, len, SOCK_DGRAM, 0);
	return fds[0] < 0 || fds[1] < 0 ? -1 : 0;
}

/* restored, each has its name and receives what is sent to it */
static int two_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(FSOCK));

	if (name_is(fds[0], false, &a, len, "the path socket"))
		return -1;
	len = abs_addr(&a, "second");
	if (name_is(fds[1], false, &a, len, "the abstract socket"))
		return -1;
	if (!awaited(fds[0], "one") || !awaited(fds[1], "two"))
		return NOPE("the datagrams sent to the names did not come");
	return 0;
}

/*
 * FSOCK's inode removed while the tree is down, and the name "second"
 * taken: the restart makes a socket inode at FSOCK, then fails on
 * "second" (EADDRINUSE), and removes the inode it made. Once the name is
 * free the same image restarts, and makes it again.
 */
TEST_F_TIMEOUT(named, failed_restart_removes_the_socket_inode_it_made, 120)
{
	struct sockaddr_un a, p;
	socklen_t len = abs_addr(&a, "second");
	socklen_t plen = path_addr(&p, at(FSOCK));
	char line[256];
	struct stat st;
	int h, d;

	tree_start(_metadata, two_setup, two_verify);
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(0, unlink(at(FSOCK)));
	h = bound_to(&a, len, SOCK_DGRAM, 0);
	ASSERT_LE(0, h) TH_LOG("bind %s: %s", show(&a, len), strerror(errno));

	snprintf(line, sizeof(line),
		 "cannot bind the unix socket to the abstract name @%s.second",
		 ckt.tag);
	tree_restart_fails(_metadata, 0, EADDRINUSE, line);
	tree_nothing_left(_metadata);
	EXPECT_EQ(-1, lstat(at(FSOCK), &st))
		TH_LOG("the failed restart left %s behind", at(FSOCK));
	EXPECT_EQ(ENOENT, errno);
	close(h);

	tree_restart(_metadata);
	ASSERT_EQ(0, stat(at(FSOCK), &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	ASSERT_LE(0, d);
	EXPECT_EQ((ssize_t)3, sendto(d, "one", 3, 0, (struct sockaddr *)&p,
				     plen));
	EXPECT_EQ((ssize_t)3, sendto(d, "two", 3, 0, (struct sockaddr *)&a,
				     len));
	close(d);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* ---- the backlog --------------------------------------------------------- */

#define BACKLOG		64
#define BACKLOG_MAX	200

/*
 * Connect non-blocking clients to the listener at @a until one is
 * refused: how many got in (their fds in @c), and the refusal's errno.
 */
static int fill_backlog(const struct sockaddr_un *a, socklen_t len, int *c,
			int *err)
{
	int n;

	*err = 0;
	for (n = 0; n < BACKLOG_MAX; n++) {
		c[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (c[n] < 0 || connect(c[n], (const struct sockaddr *)a, len)) {
			*err = errno;
			if (c[n] >= 0)
				close(c[n]);
			break;
		}
	}
	return n;
}

static void close_all(int *c, int n)
{
	while (n > 0)
		close(c[--n]);
}

static int set_somaxconn(const char *val)
{
	return lite_cg_write("/proc/sys/net/core", "somaxconn", val);
}

/*
 * A listener with a backlog of 64, restarted when net.core.somaxconn is
 * 16: listen() would not take it, EPERM. The socket inode, which the
 * restart did not make, stays. With somaxconn back, the restored listener
 * takes as many clients waiting as a listener made now with a backlog of
 * 64, and serves the first.
 */
TEST_F_TIMEOUT(named, backlog_above_somaxconn_fails_the_restart, 120)
{
	static int ref[BACKLOG_MAX], extra[BACKLOG_MAX];
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at("ref.sock"));
	struct stat before, after;
	int l, n_ref, n, err, c;

	ASSERT_LT(0, lite_slurp(SOMAXCONN_PATH, self->t.somaxconn,
				sizeof(self->t.somaxconn)));
	ASSERT_EQ(0, set_somaxconn("128"));
	/* what a listener with this backlog takes, made now */
	l = bound_to(&a, len, SOCK_STREAM, BACKLOG);
	ASSERT_LE(0, l);
	n_ref = fill_backlog(&a, len, ref, &err);
	EXPECT_EQ(EAGAIN, err);
	close_all(ref, n_ref);
	close(l);

	l_backlog = BACKLOG;
	tree_start(_metadata, pl_setup, pl_verify);
	ASSERT_EQ(0, stat(at(LSOCK), &before));
	tree_checkpoint_and_kill(_metadata);
	ASSERT_EQ(0, set_somaxconn("16"));
	tree_restart_fails(_metadata, 0, EPERM, "above net.core.somaxconn");
	tree_nothing_left(_metadata);
	ASSERT_EQ(0, stat(at(LSOCK), &after))
		TH_LOG("the failed restart removed an inode it did not make");
	EXPECT_EQ(before.st_ino, after.st_ino);

	ASSERT_EQ(0, set_somaxconn("128"));
	tree_restart(_metadata);
	c = knock(_metadata);
	len = path_addr(&a, at(LSOCK));
	n = fill_backlog(&a, len, extra, &err);
	EXPECT_EQ(n_ref, n + 1) TH_LOG("the restored listener took %d clients waiting, one made now %d",
				       n + 1, n_ref);
	EXPECT_EQ(EAGAIN, err);
	tree_go_on(_metadata);
	entered(_metadata, c);
	close_all(extra, n);
	tree_finish(_metadata, false);
}

/* ---- connections waiting in the backlog --------------------------------- */

#define WSOCK	"wait.sock"	/* the listener, bound relative to the cwd */

static int wait_type;		/* SOCK_STREAM or SOCK_SEQPACKET */
static bool wait_lowered;	/* listen() again with a backlog of 1 */

/*
 * The peer: three clients of the root's listener, connected in this
 * order and not accepted before the checkpoint. fds[2] sent its records;
 * fds[3], bound to an abstract name, sent "bye" and shut its writing
 * down; the third sent "gone" and was closed.
 */
static int wcli_setup(void)
{
	struct sockaddr_un a, b;
	socklen_t len = path_addr(&a, WSOCK);
	socklen_t blen = abs_addr(&b, "waiting-b");
	int c;

	close(fds[0]);
	close(fds[4]);
	fds[2] = connect_to(&a, len, wait_type);
	if (fds[2] < 0 || send_recs(fds[2], wait_type, c2s, ARRAY_SIZE(c2s),
				    C2S_SEED, true))
		return -1;
	fds[3] = bound_to(&b, blen, wait_type, 0);
	if (fds[3] < 0 || connect(fds[3], (struct sockaddr *)&a, len) ||
	    send(fds[3], "bye", 3, 0) != 3 || shutdown(fds[3], SHUT_WR))
		return -1;
	c = connect_to(&a, len, wait_type);
	if (c < 0 || send(c, "gone", 4, 0) != 4)
		return -1;
	return close(c);
}

/*
 * The clients, restored: the first is connected to the listener's name,
 * has none, and SO_PEERCRED names the process that listened; each gets
 * the answer of the connection accept() returned for it; the second
 * still cannot send.
 */
static int wcli_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, WSOCK);

	if (name_is(fds[2], true, &a, len, "the first client's peer") ||
	    unnamed(fds[2], false, "the first client") ||
	    peercred_is(fds[2], ckt.root, "the first client"))
		return -1;
	if (!awaited(fds[2], "first"))
		return NOPE("the first client has no answer");
	if (!awaited(fds[3], "second"))
		return NOPE("the second client has no answer");
	if (send(fds[3], "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		return NOPE("the second client sends after its shutdown: %s",
			    strerrorname_np(errno));
	return 0;
}

/*
 * The root: a listener (fds[0]) whose peer's three clients wait, and a
 * fourth client, its own (fds[4]), which sent "self": made before the
 * listener, so its file comes first in the image.
 */
static int wsrv_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, WSOCK);

	fds[4] = socket(AF_UNIX, wait_type, 0);
	fds[0] = bound_to(&a, len, wait_type, 4);
	if (fds[4] < 0 || fds[0] < 0 ||
	    tree_fork_peer(wcli_setup, wcli_verify) < 0)
		return -1;
	if (connect(fds[4], (struct sockaddr *)&a, len) ||
	    send(fds[4], "self", 4, 0) != 4)
		return -1;
	/* lowered below what waits: the four stay */
	return wait_lowered ? listen(fds[0], 1) : 0;
}

/* a connection waiting: accept() returns it at once */
static int accepted_now(const char *what)
{
	int s;

	if (!wait_in(fds[0], 0))
		return NOPE("%s does not wait in the backlog", what);
	s = accept(fds[0], NULL, NULL);
	if (s < 0)
		return NOPE("%s: accept(): %s", what, strerror(errno));
	return s;
}

/* @fd's peer closed or shut its writing down: end of file */
static int at_eof(int fd, const char *what)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);

	return n ? NOPE("%s: recv() returns %zd (%s), expected the end of file",
			what, n, n < 0 ? strerrorname_np(errno) : "data") : 0;
}

/*
 * The server, restored: the three connections wait, in their order, with
 * the listener's name, SO_PEERCRED of the client's process, and what
 * each client sent: the first its records, the second "bye" and the end
 * of file (with its client's name as the peer's), the third "gone" and
 * the end of file, the fourth (the root's own) "self". The next is the
 * test's client ("knock"), served.
 */
static int wsrv_verify(void)
{
	static const char * const what[] = {
		"the first connection", "the second connection",
		"the third connection", "the fourth connection",
	};
	struct sockaddr_un a, b;
	socklen_t len = path_addr(&a, WSOCK);
	socklen_t blen = abs_addr(&b, "waiting-b");
	int s[4], i, n;

	for (i = 0; i < 4; i++) {
		s[i] = accepted_now(what[i]);
		if (s[i] < 0)
			return -1;
		if (name_is(s[i], false, &a, len, what[i]) ||
		    peercred_is(s[i], i < 3 ? ckt.peer : ckt.root, what[i]))
			return -1;
	}
	if (expect_recs(s[0], wait_type, c2s, 0, ARRAY_SIZE(c2s), C2S_SEED,
			"the first connection") ||
	    unnamed(s[0], true, "the first connection's peer"))
		return -1;
	if (!drained(s[0]))
		return NOPE("the first connection reads more than was sent");
	if (!took(s[1], "bye", 3) ||
	    at_eof(s[1], "the second connection") ||
	    name_is(s[1], true, &b, blen, "the second connection's peer"))
		return *why ? -1 : NOPE("the second connection has no \"bye\"");
	if (!took(s[2], "gone", 4) || at_eof(s[2], "the third connection"))
		return *why ? -1 : NOPE("the third connection has no \"gone\"");
	if (!took(s[3], "self", 4) || !drained(s[3]))
		return NOPE("the fourth connection has not just \"self\"");
	if (peercred_is(fds[4], ckt.root, "the root's client") ||
	    name_is(fds[4], true, &a, len, "the root's client's peer"))
		return -1;
	if (send(s[3], "fourth", 6, 0) != 6 || !awaited(fds[4], "fourth"))
		return NOPE("the root's client has no answer");
	if (send(s[0], "first", 5, 0) != 5 || send(s[1], "second", 6, 0) != 6)
		return NOPE("cannot answer the clients: %s", strerror(errno));
	tree_peer_go();
	n = accept_in(fds[0], WAIT_MS);
	if (n < 0)
		return NOPE("the listener accepts no new client: %s",
			    strerror(errno));
	/* and no fourth connection came back from the image */
	if (!awaited(n, "knock") || send(n, "enter", 5, 0) != 5)
		return NOPE("the fourth connection is not the test's client");
	for (i = 0; i < 4; i++)
		close(s[i]);
	close(n);
	return 0;
}

FIXTURE(backlog) {
	struct tree t;
};

FIXTURE_VARIANT(backlog) {
	int type;
	bool lowered;
};

FIXTURE_VARIANT_ADD(backlog, stream) {
	.type = SOCK_STREAM,
};

/* records whose boundaries must stay */
FIXTURE_VARIANT_ADD(backlog, seqpacket) {
	.type = SOCK_SEQPACKET,
};

/* three waiting, above a backlog lowered to 1 since they came */
FIXTURE_VARIANT_ADD(backlog, stream_backlog_lowered) {
	.type = SOCK_STREAM,
	.lowered = true,
};

FIXTURE_SETUP(backlog)
{
	world_setup(_metadata, &self->t);
	wait_type = variant->type;
	wait_lowered = variant->lowered;
}

FIXTURE_TEARDOWN(backlog)
{
	world_teardown(&self->t);
}

/*
 * A listener with four connections its server has not accepted, three
 * from clients of its child, one from a client of its own: restarted,
 * they wait in the same order with what the clients sent, shut down and
 * closed as they were (wsrv_verify(), wcli_verify()). The backlog is the
 * listener's: with 1, a new client finds no room while the four wait;
 * with 4, it waits behind them.
 */
TEST_F_TIMEOUT(backlog, connections_waiting_are_accepted_after_restart, 120)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(WSOCK));
	int c;

	tree_start(_metadata, wsrv_setup, wsrv_verify);
	tree_checkpoint_and_kill(_metadata);
	tree_restart(_metadata);
	c = socket(AF_UNIX, variant->type | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, c);
	if (variant->lowered) {
		EXPECT_EQ(-1, connect(c, (struct sockaddr *)&a, len));
		EXPECT_EQ(EAGAIN, errno)
			TH_LOG("a new client connects to the restored listener: %s, expected no room (EAGAIN)",
			       strerrorname_np(errno));
		close(c);
		tree_go_on(_metadata);
		c = connect_to(&a, len, variant->type);
	} else {
		EXPECT_EQ(0, connect(c, (struct sockaddr *)&a, len))
			TH_LOG("a new client cannot wait in the restored backlog: %s",
			       strerrorname_np(errno));
		tree_go_on(_metadata);
	}
	ASSERT_LE(0, c) TH_LOG("connect to %s: %s", at(WSOCK),
			       strerror(errno));
	EXPECT_EQ((ssize_t)5, send(c, "knock", 5, 0));
	EXPECT_TRUE(awaited(c, "enter")) TH_LOG("the listener did not answer");
	close(c);
	tree_finish(_metadata, true);
}

/* ---- checkpoints that refuse --------------------------------------------- */

/* the root: a listener (fds[0]) on an abstract name */
static int pend_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "pending");

	fds[0] = bound_to(&a, len, SOCK_STREAM, 4);
	return fds[0] < 0 ? -1 : 0;
}

/* thawed, it accepts the connection that waited, and serves it */
static int pend_verify(void)
{
	int s;

	s = accept_in(fds[0], WAIT_MS);
	if (s < 0)
		return NOPE("the listener accepts nothing: %s",
			    strerror(errno));
	if (!awaited(s, "late") || send(s, "ok", 2, 0) != 2)
		return NOPE("the connection that waited carries nothing");
	close(s);
	return 0;
}

/*
 * A listener of the tree with a connection from the test waiting:
 * refused (restart could not connect the test's socket again). Thawed,
 * the listener accepts it and the two talk.
 */
TEST_F_TIMEOUT(named, connection_waiting_from_outside_is_refused, 120)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "pending");
	char log[4096] = "";

	tree_start(_metadata, pend_setup, pend_verify);
	self->t.outside = connect_to(&a, len, SOCK_STREAM);
	ASSERT_LE(0, self->t.outside);
	tree_refused(_metadata,
		"is a listening unix socket with a connection from a socket outside the tree waiting to be accepted",
		NULL, log, sizeof(log));
	tree_go_on(_metadata);
	EXPECT_EQ((ssize_t)4, send(self->t.outside, "late", 4, 0));
	EXPECT_TRUE(awaited(self->t.outside, "ok"))
		TH_LOG("the listener did not answer");
	tree_finish(_metadata, false);
}

/* the test's listener, which the root closes: it is not the tree's */
static int outside_fd = -1;

/* the root's client (fds[0]) of the test's listener */
static int out_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "outside");

	close(outside_fd);
	fds[0] = connect_to(&a, len, SOCK_STREAM);
	return fds[0] < 0 ? -1 : 0;
}

/* thawed and accepted, the connection works */
static int out_verify(void)
{
	if (send(fds[0], "hi", 2, 0) != 2 || !awaited(fds[0], "ho"))
		return NOPE("the connection carries nothing: %s",
			    strerror(errno));
	return 0;
}

/*
 * A client in the tree whose listener, held by the test, has not accepted
 * it: refused. Thawed, the test accepts it and the two talk.
 */
TEST_F_TIMEOUT(named, connection_its_listener_outside_has_not_accepted_is_refused,
	       120)
{
	struct sockaddr_un a;
	socklen_t len = abs_addr(&a, "outside");
	char log[4096] = "";
	int s;

	self->t.outside = bound_to(&a, len, SOCK_STREAM, 4);
	ASSERT_LE(0, self->t.outside);
	outside_fd = self->t.outside;
	tree_start(_metadata, out_setup, out_verify);
	tree_refused(_metadata,
		"is a unix socket whose connection waits in the backlog of a listener outside the tree",
		NULL, log, sizeof(log));
	s = accept_in(self->t.outside, WAIT_MS);
	ASSERT_LE(0, s) TH_LOG("the test accepts nothing: %s", strerror(errno));
	tree_go_on(_metadata);
	EXPECT_TRUE(awaited(s, "hi")) TH_LOG("nothing from the tree's client");
	EXPECT_EQ((ssize_t)2, send(s, "ho", 2, 0));
	close(s);
	tree_finish(_metadata, false);
}

#define DSOCK	"del.sock"

/* the peer: a client (fds[2]) of the root's listener on DSOCK */
static int del_cli_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(DSOCK));

	close(fds[0]);
	fds[2] = connect_to(&a, len, SOCK_STREAM);
	return fds[2] < 0 ? -1 : 0;
}

static int del_cli_verify(void)
{
	if (send(fds[2], "still here", 10, 0) != 10 || !awaited(fds[2], "yes"))
		return NOPE("the connection carries nothing: %s",
			    strerror(errno));
	return 0;
}

/*
 * The root: a listener (fds[0]) bound to DSOCK that accepted its peer
 * (fds[1]), then removed DSOCK.
 */
static int del_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(DSOCK));

	fds[0] = bound_to(&a, len, SOCK_STREAM, 4);
	if (fds[0] < 0 || tree_fork_peer(del_cli_setup, del_cli_verify) < 0)
		return -1;
	fds[1] = accept(fds[0], NULL, NULL);
	return fds[1] < 0 ? -1 : unlink(at(DSOCK));
}

/*
 * Thawed: the listener still reports its name, which leads nowhere now,
 * and the connection works.
 */
static int del_verify(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, at(DSOCK));
	int s, ret;

	if (name_is(fds[0], false, &a, len, "the listener"))
		return -1;
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ret = connect(s, (struct sockaddr *)&a, len);
	close(s);
	if (ret != -1 || errno != ENOENT)
		return NOPE("connect to %s: %s, expected ENOENT", at(DSOCK),
			    ret ? strerrorname_np(errno) : "connected");
	tree_peer_go();
	if (!awaited(fds[1], "still here") || send(fds[1], "yes", 3, 0) != 3)
		return NOPE("the connection carries nothing");
	return 0;
}

TEST_F_TIMEOUT(named, socket_whose_inode_was_unlinked_is_refused, 120)
{
	char log[4096] = "";

	tree_start(_metadata, del_setup, del_verify);
	tree_refused(_metadata, "is deleted, unreachable or has no name", NULL,
		     log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, at(DSOCK)))
		TH_LOG("the log does not name %s: %s", at(DSOCK), log);
	tree_go_on(_metadata);
	tree_finish(_metadata, true);
}

#define TSOCK	"tree.sock"

/*
 * The peer: three datagram clients of the root's server socket TSOCK
 * (fds[0]), like a syslog daemon's: fds[2], bound to an abstract name,
 * and fds[3], unnamed, connected to it (openlog()'s way), and fds[5],
 * unnamed and unconnected, which sends with sendto(). They sent "a1",
 * "b1", "a2", "c1" in this order, none read yet; then the server sent
 * fds[2] "s1" with sendto() (queued at once: the test checkpoints once
 * the root is ready).
 */
static int tcli_setup(void)
{
	struct sockaddr_un to, a;
	socklen_t len = path_addr(&to, TSOCK);
	socklen_t alen = abs_addr(&a, "tree-a");

	close(fds[0]);
	fds[2] = bound_to(&a, alen, SOCK_DGRAM, 0);
	fds[3] = socket(AF_UNIX, SOCK_DGRAM, 0);
	fds[5] = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fds[2] < 0 || fds[3] < 0 || fds[5] < 0 ||
	    connect(fds[2], (struct sockaddr *)&to, len) ||
	    connect(fds[3], (struct sockaddr *)&to, len))
		return -1;
	if (send(fds[2], "a1", 2, 0) != 2 || send(fds[3], "b1", 2, 0) != 2 ||
	    send(fds[2], "a2", 2, 0) != 2)
		return -1;
	return send_dgram(fds[5], "c1", 2, &to, len);
}

/*
 * The clients, restored: fds[2] reads the server's datagram, from the
 * server's name; the connected two are still connected to the server
 * (getpeername(), and send() with no address reaches it: "a3", "b2").
 */
static int tcli_verify(void)
{
	struct sockaddr_un to;
	socklen_t len = path_addr(&to, TSOCK);

	if (dgram_is(fds[2], "s1", 2, &to, len, 0, "the server's answer") ||
	    name_is(fds[2], true, &to, len, "the named client's peer") ||
	    name_is(fds[3], true, &to, len, "the unnamed client's peer"))
		return -1;
	if (send(fds[2], "a3", 2, MSG_DONTWAIT) != 2 ||
	    send(fds[3], "b2", 2, MSG_DONTWAIT) != 2)
		return NOPE("a client cannot send to the server: %s",
			    strerrorname_np(errno));
	/* the unconnected one is still unconnected */
	if (send(fds[5], "c2", 2, MSG_DONTWAIT) != -1 || errno != ENOTCONN)
		return NOPE("the unconnected client sends with no address: %s",
			    strerrorname_np(errno));
	return 0;
}

/* the root: the server (fds[0]), whose clients are its peer's */
static int tsrv_setup(void)
{
	struct sockaddr_un a;
	socklen_t alen = abs_addr(&a, "tree-a");

	if (dgram_bound(TSOCK) ||
	    tree_fork_peer(tcli_setup, tcli_verify) < 0)
		return -1;
	return send_dgram(fds[0], "s1", 2, &a, alen);
}

/*
 * The server, restored: the four datagrams in order, each from its
 * sender's name; then what the connected clients send now.
 */
static int tsrv_verify(void)
{
	struct sockaddr_un none = { .sun_family = AF_UNIX }, a;
	socklen_t alen = abs_addr(&a, "tree-a");

	if (dgram_is(fds[0], "a1", 2, &a, alen, 0, "the first datagram") ||
	    dgram_is(fds[0], "b1", 2, &none, 0, 0, "the second datagram") ||
	    dgram_is(fds[0], "a2", 2, &a, alen, 0, "the third datagram") ||
	    dgram_is(fds[0], "c1", 2, &none, 0, 0, "the fourth datagram"))
		return -1;
	if (!drained(fds[0]))
		return NOPE("the server reads more than its clients sent");
	tree_peer_go();
	if (!wait_in(fds[0], WAIT_MS) ||
	    dgram_is(fds[0], "a3", 2, &a, alen, 0, "the next datagram"))
		return *why ? -1 : NOPE("nothing more from the named client");
	if (!wait_in(fds[0], WAIT_MS) ||
	    dgram_is(fds[0], "b2", 2, &none, 0, 0, "the last datagram"))
		return *why ? -1 : NOPE("nothing more from the unnamed client");
	return 0;
}

/*
 * A datagram server socket of the tree and its clients, two connected to
 * it without it being connected back, one sending with sendto(), all of
 * the tree, with datagrams queued both ways: restarted, each datagram is
 * read in order from its sender's name, and the clients are connected
 * as they were (tsrv_verify(), tcli_verify()).
 */
TEST_F_TIMEOUT(named, datagram_clients_of_a_server_socket_stay_connected, 120)
{
	tree_round_trip(_metadata, tsrv_setup, tsrv_verify, true);
}

/* ---- out-of-band data ---------------------------------------------------- */

/*
 * Send on a stream pair: from @b to @a "abc", "X" with MSG_OOB, "def";
 * from @a to @b, which has SO_OOBINLINE, "12", "Y" with MSG_OOB, "34".
 */
static int oob_fill(int a, int b)
{
	int on = 1;

	if (setsockopt(b, SOL_SOCKET, SO_OOBINLINE, &on, sizeof(on)))
		return -1;
	if (send(b, "abc", 3, 0) != 3 || send(b, "X", 1, MSG_OOB) != 1 ||
	    send(b, "def", 3, 0) != 3)
		return -1;
	if (send(a, "12", 2, 0) != 2 || send(a, "Y", 1, MSG_OOB) != 1 ||
	    send(a, "34", 2, 0) != 2)
		return -1;
	return 0;
}

/*
 * What a reader of @fd sees, in a string: SIOCATMARK and POLLPRI, a
 * read, the mark again, a recv() with MSG_OOB, then reads until none is
 * left. Two sockets with the same queue and options give the same.
 */
static void oob_trace(int fd, char *out, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };
	char buf[64];
	size_t at = 0;
	int mark, i;
	ssize_t n;

#define OOB_SAY(...) (at += snprintf(out + at, at < size ? size - at : 0, \
				     __VA_ARGS__))
	mark = -1;
	ioctl(fd, SIOCATMARK, &mark);
	poll(&p, 1, 0);
	OOB_SAY("mark %d pri %d;", mark, !!(p.revents & POLLPRI));
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	OOB_SAY("read %zd \"%.*s\";", n, n > 0 ? (int)n : 0, buf);
	mark = -1;
	ioctl(fd, SIOCATMARK, &mark);
	OOB_SAY("mark %d;", mark);
	n = recv(fd, buf, 1, MSG_OOB | MSG_DONTWAIT);
	OOB_SAY("oob %zd \"%.*s\" %s;", n, n > 0 ? (int)n : 0, buf,
		n < 0 ? strerrorname_np(errno) : "");
	for (i = 0; i < 4; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		OOB_SAY("read %zd \"%.*s\";", n, n > 0 ? (int)n : 0, buf);
		if (n <= 0)
			break;
	}
#undef OOB_SAY
}

/* the root: a stream pair (fds[0], fds[1]) with out-of-band bytes queued */
static int oob_setup(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	fds[0] = sv[0];
	fds[1] = sv[1];
	return oob_fill(fds[0], fds[1]);
}

/*
 * Restored: each end reads as an end of a pair made now with the same
 * sends reads (the mark, POLLPRI, where reads stop, the byte MSG_OOB
 * takes, SO_OOBINLINE), and the pair still carries out-of-band data.
 */
static int oob_verify(void)
{
	char got[512], want[512];
	int sv[2], on = 0, i;
	socklen_t len = sizeof(on);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || oob_fill(sv[0], sv[1]))
		return NOPE("a reference pair: %s", strerror(errno));
	if (getsockopt(fds[1], SOL_SOCKET, SO_OOBINLINE, &on, &len) || !on)
		return NOPE("SO_OOBINLINE is off after the restart");
	for (i = 0; i < 2; i++) {
		oob_trace(fds[i], got, sizeof(got));
		oob_trace(sv[i], want, sizeof(want));
		if (strcmp(got, want))
			return NOPE("end %d reads %s where a pair made now reads %s",
				    i, got, want);
	}
	if (send(fds[1], "Z", 1, MSG_OOB) != 1 || !wait_in(fds[0], WAIT_MS))
		return NOPE("no out-of-band byte sent after the restart");
	if (recv(fds[0], got, 1, MSG_OOB | MSG_DONTWAIT) != 1 || got[0] != 'Z')
		return NOPE("the out-of-band byte sent after the restart is lost");
	close(sv[0]);
	close(sv[1]);
	return 0;
}

/*
 * A stream pair with a byte sent with MSG_OOB queued each way, one end
 * with SO_OOBINLINE: restarted, both ends read as a pair made now with
 * the same sends does (oob_verify()).
 */
TEST_F_TIMEOUT(named, out_of_band_bytes_wait_at_their_mark, 120)
{
	tree_round_trip(_metadata, oob_setup, oob_verify, false);
}

/* the root: a stream pair whose out-of-band byte was read first */
static int mark_setup(void)
{
	char c;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	fds[0] = sv[0];
	fds[1] = sv[1];
	if (send(fds[1], "ab", 2, 0) != 2 || send(fds[1], "x", 1, MSG_OOB) != 1 ||
	    send(fds[1], "cd", 2, 0) != 2)
		return -1;
	return recv(fds[0], &c, 1, MSG_OOB) == 1 && c == 'x' ? 0 : -1;
}

/* thawed: the read stops at the mark the byte left, then goes on */
static int mark_verify(void)
{
	char buf[8] = "";
	int mark = -1;

	if (recv(fds[0], buf, sizeof(buf), MSG_DONTWAIT) != 2 ||
	    memcmp(buf, "ab", 2))
		return NOPE("the read does not stop at the mark");
	if (ioctl(fds[0], SIOCATMARK, &mark) || mark != 1)
		return NOPE("SIOCATMARK is %d at the mark", mark);
	if (recv(fds[0], buf, sizeof(buf), MSG_DONTWAIT) != 2 ||
	    memcmp(buf, "cd", 2))
		return NOPE("no \"cd\" after the mark");
	return 0;
}

/*
 * An out-of-band byte read with MSG_OOB before the data ahead of it
 * leaves a mark in the stream, which restart would not put back:
 * refused. Thawed, the reader stops at the mark.
 */
TEST_F_TIMEOUT(named, mark_of_an_out_of_band_byte_read_first_is_refused, 120)
{
	char log[4096] = "";

	tree_start(_metadata, mark_setup, mark_verify);
	tree_refused(_metadata,
		"the mark of an out-of-band byte read before the data ahead of it",
		NULL, log, sizeof(log));
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/*
 * Datagrams from 257 senders (all closed), one more than a checkpoint
 * saves: refused. Thawed, the receiver reads them all in order.
 */
TEST_F_TIMEOUT(named, datagrams_of_257_senders_are_refused, 120)
{
	char log[4096] = "";

	many_senders(_metadata, &self->t, SENDERS_MAX + 1);
	tree_refused(_metadata,
		     "has datagrams queued from more than 256 sockets", NULL,
		     log, sizeof(log));
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

TEST_HARNESS_MAIN
