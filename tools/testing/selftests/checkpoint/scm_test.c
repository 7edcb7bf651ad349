// SPDX-License-Identifier: GPL-2.0
/*
 * Files in flight: sent with SCM_RIGHTS on a unix socket of the tree and
 * not received yet, checkpointed with the tree and restarted - a pipe, a
 * regular file at its offset, eventfds, another unix socket with a queue
 * of its own (and more files in it), a pidfd, files waiting in the queue
 * of a connection nobody accepted, sockets in flight in their own queue
 * (cycles the tree keeps an fd of) - and the pidfd SO_PASSPIDFD gives a
 * message's receiver.
 *
 * The root of a small tree (in two tests with a child, its peer) makes
 * the sockets in a fresh directory, its cwd, sends the files and closes
 * its own fds of them, says READY and waits for SIGUSR1. The test freezes
 * the tree's cgroup, checkpoints it, kills it, restarts the image and
 * sends SIGUSR1: the restored root receives the messages and uses what
 * they carry as the program would - reads the pipe, reads the file from
 * its offset, talks through the socket to its peer, signals through the
 * pidfd - and reports "VERIFY ok" (the peer "PEER ok") or what was wrong.
 *
 * Then the checkpoints that must refuse, each with its line, leaving the
 * tree working: it receives the file after the thaw and uses it.
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "ck_tree.h"

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD	76
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD	0x04
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open		434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal	424
#endif

#define CG		"/sys/fs/cgroup/ckpt-scm"
#define WAIT_MS		20000	/* for what a process sends now */
#define MAX_FDS		4	/* files one message of these tests carries */

/* what setup() made, for verify() in the restored program */
static int fds[8];

/* ---- messages ------------------------------------------------------------ */

/*
 * Send @text on @sock (to @to, @tolen bytes, if not NULL), with the @n
 * fds of @fdv as SCM_RIGHTS when @n > 0: 0 or -1.
 */
static int send_fds_to(int sock, const struct sockaddr_un *to,
		       socklen_t tolen, const char *text, const int *fdv,
		       int n)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = (void *)text,
			     .iov_len = strlen(text) };
	struct msghdr m = {
		.msg_name = (void *)to, .msg_namelen = to ? tolen : 0,
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct cmsghdr *h;

	if (n > MAX_FDS)
		return -1;
	if (n > 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(n * sizeof(int));
		h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(h), fdv, n * sizeof(int));
	}
	return sendmsg(sock, &m, 0) == (ssize_t)iov.iov_len ? 0 : -1;
}

static int send_fds(int sock, const char *text, const int *fdv, int n)
{
	return send_fds_to(sock, NULL, 0, text, fdv, n);
}

/* a message received: its bytes, files, pidfd and sender's name */
struct msg {
	char data[256];
	ssize_t len;
	int fd[MAX_FDS];	/* SCM_RIGHTS, in the order they came */
	int nfds;
	int pidfd;		/* SCM_PIDFD, or -1 without one */
	struct sockaddr_un from;
	socklen_t fromlen;	/* 0: an unbound sender (or a stream) */
};

/*
 * recvmsg() on @sock of what is queued already, at most @size bytes (0:
 * as many as @m holds) into @m: 0, or NOPE naming @what. A control
 * message other than SCM_RIGHTS and SCM_PIDFD, or a truncated one, is
 * wrong.
 */
static int recv_fds(int sock, size_t size, struct msg *m, const char *what)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(MAX_FDS * sizeof(int)) +
			 CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = m->data };
	struct msghdr mh = {
		.msg_name = &m->from, .msg_namelen = sizeof(m->from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *h;
	int n;

	memset(m, 0, sizeof(*m));
	memset(&ctl, 0, sizeof(ctl));
	m->pidfd = -1;
	iov.iov_len = size && size < sizeof(m->data) ? size :
		      sizeof(m->data) - 1;
	m->len = recvmsg(sock, &mh, MSG_DONTWAIT);
	if (m->len < 0)
		return NOPE("%s: recvmsg(): %s", what, strerrorname_np(errno));
	m->fromlen = mh.msg_namelen;
	for (h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h)) {
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
			n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			if (m->nfds + n > MAX_FDS)
				return NOPE("%s: %d files, more than sent",
					    what, m->nfds + n);
			memcpy(m->fd + m->nfds, CMSG_DATA(h), n * sizeof(int));
			m->nfds += n;
		} else if (h->cmsg_level == SOL_SOCKET &&
			   h->cmsg_type == SCM_PIDFD) {
			memcpy(&m->pidfd, CMSG_DATA(h), sizeof(int));
		} else {
			return NOPE("%s: a control message of level %d type %d",
				    what, h->cmsg_level, h->cmsg_type);
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return NOPE("%s: truncated (msg_flags %#x)", what,
			    mh.msg_flags);
	return 0;
}

/*
 * The next message of @sock (at most @size bytes, 0: any) is @want with
 * @nfds files: 0, or NOPE.
 */
static int expect_msg(int sock, size_t size, const char *want, int nfds,
		      struct msg *m, const char *what)
{
	if (recv_fds(sock, size, m, what))
		return -1;
	if (m->len != (ssize_t)strlen(want) || memcmp(m->data, want, m->len))
		return NOPE("%s: %zd bytes \"%.*s\", expected \"%s\"", what,
			    m->len, (int)m->len, m->data, want);
	if (m->nfds != nfds)
		return NOPE("%s: \"%s\" comes with %d files, expected %d",
			    what, want, m->nfds, nfds);
	return 0;
}

/* ---- using what came ----------------------------------------------------- */

/* @fd has something to read within @ms */
static bool wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/*
 * Take the next strlen(@want) bytes of @fd (any file; a socket's one
 * record of that size) and expect @want; they are queued already.
 */
static bool took(int fd, const char *want)
{
	size_t len = strlen(want), got = 0;
	char buf[256];
	ssize_t n;

	while (got < len && len <= sizeof(buf)) {
		if (!wait_in(fd, WAIT_MS))
			return false;
		n = read(fd, buf + got, len - got);
		if (n <= 0)
			return false;
		got += n;
	}
	return got == len && !memcmp(buf, want, len);
}

/* one read() of @fd (a pipe) gives @want, all that it holds */
static bool holds(int fd, const char *want)
{
	char buf[256];
	ssize_t n;

	if (!wait_in(fd, WAIT_MS))
		return false;
	n = read(fd, buf, sizeof(buf));
	return n == (ssize_t)strlen(want) && !memcmp(buf, want, n);
}

/* nothing more is queued on the socket @fd */
static bool drained(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN;
}

/* @x and @y are the two ends of one connection: bytes go both ways */
static int talk(int x, int y, const char *what)
{
	if (send(x, "ping", 4, 0) != 4 || !took(y, "ping"))
		return NOPE("%s: nothing goes from one end to the other: %s",
			    what, strerror(errno));
	if (send(y, "pong", 4, 0) != 4 || !took(x, "pong"))
		return NOPE("%s: nothing comes back: %s", what,
			    strerror(errno));
	return 0;
}

static int sock_int(int fd, int opt)
{
	socklen_t len = sizeof(int);
	int v;

	return getsockopt(fd, SOL_SOCKET, opt, &v, &len) ? -1 : v;
}

static int set_int(int fd, int opt, int v)
{
	return setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
}

/* @a and @b are one socket inode (fstat()) */
static bool same_inode(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/*
 * @a and @b are one open file: O_NONBLOCK set through @a shows on @b
 * (then cleared again)
 */
static bool same_file(int a, int b)
{
	int fa = fcntl(a, F_GETFL), fb;

	if (fa < 0 || (fa & O_NONBLOCK) || fcntl(a, F_SETFL, fa | O_NONBLOCK))
		return false;
	fb = fcntl(b, F_GETFL);
	fcntl(a, F_SETFL, fa);
	return fb >= 0 && (fb & O_NONBLOCK);
}

/* the eventfd @fd counts @want (the read resets it) */
static bool counts(int fd, uint64_t want)
{
	uint64_t v = 0;

	return wait_in(fd, WAIT_MS) && read(fd, &v, sizeof(v)) == sizeof(v) &&
	       v == want;
}

/* the pid the "Pid:" line of the pidfd @fd's fdinfo names, or -2 */
static long pidfd_pid(int fd)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (lite_slurp(path, buf, sizeof(buf)) <= 0)
		return -2;
	p = strstr(buf, "Pid:");
	return p ? strtol(p + 4, NULL, 10) : -2;
}

/* this test's abstract name "\0scm_test.PID.@what" */
static socklen_t abs_addr(struct sockaddr_un *a, const char *what)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s.%s",
		     ckt.tag, what);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

/* @path as bind() takes it */
static socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

/* ---- the tree ------------------------------------------------------------ */

/* a setup() or verify() with nothing to do: the peers check nothing */
static int nothing(void)
{
	return 0;
}

/* ---- the test process ---------------------------------------------------- */

/* what a test holds around the tree (ckt has the tree) */
struct tree {
	int outside;		/* an fd the test holds, or -1 */
};

static const struct tree_cfg cfg = {
	.name = "scm_test",
	.cg = CG,
	.dir = true,
	.peer = true,
	.root = tree_root_in_dir,
	.validate_not = "the world",
};

static void world_setup(struct __test_metadata *_metadata, struct tree *t)
{
	t->outside = -1;
	tree_init(_metadata, &cfg);
}

static void world_teardown(struct tree *t)
{
	tree_end();
	if (t->outside >= 0)
		close(t->outside);
	tree_clean();
}

/*
 * Checkpoint the frozen tree: it must refuse with @line, and if @then is
 * not NULL a later line containing @then (8 KiB of the log read); then
 * thaw it.
 */
static void refused(struct __test_metadata *_metadata, const char *line,
		    const char *then)
{
	char log[8192] = "";

	tree_refused(_metadata, line, then, log, sizeof(log));
}

FIXTURE(scm) {
	struct tree t;
};

FIXTURE_SETUP(scm)
{
	world_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(scm)
{
	world_teardown(&self->t);
}

/* ---- three files of three types in one message ---------------------------- */

#define REG	"reg"		/* a regular file in the tree's cwd */
static ino_t reg_ino;

/*
 * A stream pair, fds[0] to fds[1]. On it "hello" with three files, whose
 * fds the root then closed: the read end of a pipe holding "pipe-data"
 * (its write end fds[2]); REG opened O_RDWR, at offset 5 of
 * "0123456789"; and an end of a second pair, whose other end is fds[3].
 * Then "tail" without files. fds[4]: REG opened again, O_RDONLY, at
 * offset 2.
 */
static int three_setup(void)
{
	int p[2], sp[2], sent[3], f;
	struct stat st;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) || pipe(p) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		return -1;
	f = open(REG, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (f < 0 || write(f, "0123456789", 10) != 10 ||
	    lseek(f, 5, SEEK_SET) != 5 || fstat(f, &st))
		return -1;
	reg_ino = st.st_ino;
	fds[4] = open(REG, O_RDONLY);
	if (fds[4] < 0 || lseek(fds[4], 2, SEEK_SET) != 2 ||
	    write(p[1], "pipe-data", 9) != 9)
		return -1;
	sent[0] = p[0];
	sent[1] = f;
	sent[2] = sp[0];
	if (send_fds(fds[0], "hello", sent, 3) ||
	    send_fds(fds[0], "tail", NULL, 0))
		return -1;
	fds[2] = p[1];
	fds[3] = sp[1];
	return close(p[0]) || close(f) || close(sp[0]) ? -1 : 0;
}

static int three_verify(void)
{
	struct stat st;
	char c = 0;
	struct msg m;
	int r, f, x;

	/* a read stops after the message that carries files */
	if (expect_msg(fds[1], 0, "hello", 3, &m, "the first message"))
		return -1;
	r = m.fd[0];
	f = m.fd[1];
	x = m.fd[2];

	if (fstat(r, &st) || !S_ISFIFO(st.st_mode) ||
	    (fcntl(r, F_GETFL) & O_ACCMODE) != O_RDONLY)
		return NOPE("the first file is not a pipe's read end");
	if (!holds(r, "pipe-data"))
		return NOPE("the pipe does not read \"pipe-data\"");
	if (write(fds[2], "more", 4) != 4 || !holds(r, "more"))
		return NOPE("the pipe's write end, kept, does not lead to the read end received");

	if (fstat(f, &st) || !S_ISREG(st.st_mode) || st.st_ino != reg_ino ||
	    (fcntl(f, F_GETFL) & O_ACCMODE) != O_RDWR)
		return NOPE("the second file is not %s opened O_RDWR", REG);
	if (lseek(f, 0, SEEK_CUR) != 5)
		return NOPE("the file received is at offset %ld, expected 5",
			    (long)lseek(f, 0, SEEK_CUR));
	if (!took(f, "56789"))
		return NOPE("the file received does not read \"56789\" from its offset");
	/* its offset is its own: the tree's other open file did not move */
	if (lseek(fds[4], 0, SEEK_CUR) != 2 || !took(fds[4], "23") ||
	    lseek(f, 0, SEEK_CUR) != 10)
		return NOPE("the file received shares its offset with the tree's other open file of %s",
			    REG);
	if (pwrite(f, "X", 1, 0) != 1 || pread(fds[4], &c, 1, 0) != 1 ||
	    c != 'X')
		return NOPE("a write through the file received is not in %s",
			    REG);

	if (sock_int(x, SO_TYPE) != SOCK_STREAM)
		return NOPE("the third file is not a stream socket");
	if (talk(x, fds[3], "the socket received and its peer"))
		return -1;

	if (expect_msg(fds[1], 0, "tail", 0, &m, "the second message"))
		return -1;
	if (!drained(fds[1]))
		return NOPE("more is queued after \"tail\"");
	return talk(fds[0], fds[1], "the pair");
}

/*
 * A pipe, a regular file and a socket in one message: received after
 * restart, each works as before - the pipe has its bytes and its write
 * end, the file its offset of its own, the socket its peer - and the
 * message after it comes on its own.
 */
TEST_F_TIMEOUT(scm, files_in_flight_are_received_after_restart, 120)
{
	tree_round_trip(_metadata, three_setup, three_verify, false);
}

/* ---- records: boundaries and the order of files ------------------------- */

FIXTURE(records) {
	struct tree t;
};

FIXTURE_VARIANT(records) {
	int type;
	bool named;	/* datagrams to a bound socket from two senders */
};

FIXTURE_VARIANT_ADD(records, dgram_pair) {
	.type = SOCK_DGRAM,
};

FIXTURE_VARIANT_ADD(records, seqpacket_pair) {
	.type = SOCK_SEQPACKET,
};

/* messages from senders other than the receiver's peer */
FIXTURE_VARIANT_ADD(records, dgram_two_senders) {
	.type = SOCK_DGRAM, .named = true,
};

FIXTURE_SETUP(records)
{
	world_setup(_metadata, &self->t);
}

FIXTURE_TEARDOWN(records)
{
	world_teardown(&self->t);
}

static int rec_type;
static bool rec_named;

/* the messages, and how many eventfds each carries: counts 1, 2, 3... */
static const struct {
	const char *text;
	int nfds;
	bool second;	/* rec_named: sent by the unbound sender */
} recs[] = {
	{ "one", 2, false }, { "two!", 3, true }, { "three", 0, false },
};

/*
 * fds[1] receives the messages of recs[], each sent with its eventfds
 * (closed since): by its peer fds[0]; or with rec_named, fds[1] is an
 * unconnected datagram socket bound to the abstract name "rcv", and they
 * come from fds[0], bound to "snd", and from fds[2], unbound.
 */
static int rec_setup(void)
{
	struct sockaddr_un rcv, snd;
	socklen_t rlen = abs_addr(&rcv, "rcv"), slen = abs_addr(&snd, "snd");
	uint64_t count = 1;
	int e[MAX_FDS];
	size_t i;
	int j;

	if (!rec_named) {
		if (socketpair(AF_UNIX, rec_type, 0, fds))
			return -1;
	} else {
		fds[0] = socket(AF_UNIX, SOCK_DGRAM, 0);
		fds[1] = socket(AF_UNIX, SOCK_DGRAM, 0);
		fds[2] = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 ||
		    bind(fds[1], (struct sockaddr *)&rcv, rlen) ||
		    bind(fds[0], (struct sockaddr *)&snd, slen))
			return -1;
	}
	for (i = 0; i < ARRAY_SIZE(recs); i++) {
		for (j = 0; j < recs[i].nfds; j++) {
			e[j] = eventfd(count++, 0);
			if (e[j] < 0)
				return -1;
		}
		if (send_fds_to(rec_named && recs[i].second ? fds[2] : fds[0],
				rec_named ? &rcv : NULL, rlen, recs[i].text, e,
				recs[i].nfds))
			return -1;
		for (j = 0; j < recs[i].nfds; j++)
			close(e[j]);
	}
	return 0;
}

static int rec_verify(void)
{
	struct sockaddr_un rcv, snd;
	socklen_t rlen = abs_addr(&rcv, "rcv"), slen = abs_addr(&snd, "snd");
	uint64_t count = 1;
	char what[64];
	struct msg m;
	size_t i;
	int j, e;

	for (i = 0; i < ARRAY_SIZE(recs); i++) {
		snprintf(what, sizeof(what), "message %zu", i + 1);
		/* as large a buffer as can be: one record per recvmsg() */
		if (expect_msg(fds[1], 0, recs[i].text, recs[i].nfds, &m,
			       what))
			return -1;
		if (rec_named && !recs[i].second &&
		    (m.fromlen != slen || memcmp(&m.from, &snd, slen)))
			return NOPE("%s: not from the sender's name (%u bytes)",
				    what, m.fromlen);
		if ((!rec_named || recs[i].second) && m.fromlen)
			return NOPE("%s: from a name (%u bytes), its sender has none",
				    what, m.fromlen);
		/* its files in the order they were sent */
		for (j = 0; j < m.nfds; j++, count++)
			if (!counts(m.fd[j], count))
				return NOPE("%s: file %d is not the eventfd that counted %llu",
					    what, j, (unsigned long long)count);
	}
	if (!drained(fds[1]))
		return NOPE("more is queued after the last message");
	/* and files go on the same way */
	e = eventfd(9, 0);
	if (e < 0 || send_fds_to(fds[0], rec_named ? &rcv : NULL, rlen,
				 "again", &e, 1))
		return NOPE("cannot send a file now: %s", strerror(errno));
	close(e);
	if (expect_msg(fds[1], 0, "again", 1, &m, "a new message"))
		return -1;
	if (!counts(m.fd[0], 9))
		return NOPE("the eventfd sent now does not count 9");
	return 0;
}

/*
 * Three records, with two files, three and none, queued to a datagram
 * or seqpacket socket: after restart each recvmsg() takes one record,
 * whole, with its own files in the order they were sent (eventfds told
 * apart by their counts), and from the name of its sender.
 */
TEST_F_TIMEOUT(records, keep_their_boundaries_and_the_order_of_files, 120)
{
	rec_type = variant->type;
	rec_named = variant->named;
	tree_round_trip(_metadata, rec_setup, rec_verify, false);
}

/* ---- a socket in flight, with a queue of its own -------------------------- */

/*
 * Pairs fds[0] to fds[1], and x (fds[2]) to y. x wrote "queued-on-y" to
 * y, then "inner" with the read end of a pipe holding "deep" (its write
 * end fds[3]); then y went, as "y", from fds[0] to fds[1]. The root
 * closed y and the pipe's read end: both live only in flight, the read
 * end in the queue of y, itself in flight.
 */
static int nest_setup(void)
{
	int xy[2], p[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, xy) || pipe(p) ||
	    write(p[1], "deep", 4) != 4 ||
	    send_fds(xy[0], "queued-on-y", NULL, 0) ||
	    send_fds(xy[0], "inner", &p[0], 1) ||
	    send_fds(fds[0], "y", &xy[1], 1))
		return -1;
	fds[2] = xy[0];
	fds[3] = p[1];
	return close(xy[1]) || close(p[0]) ? -1 : 0;
}

static int nest_verify(void)
{
	struct msg m;
	int y, r;

	if (expect_msg(fds[1], 0, "y", 1, &m, "the message with y"))
		return -1;
	y = m.fd[0];
	if (sock_int(y, SO_TYPE) != SOCK_STREAM)
		return NOPE("y is not a stream socket");
	/* exactly its length: the files of the next message are not its */
	if (expect_msg(y, strlen("queued-on-y"), "queued-on-y", 0, &m,
		       "y's first message"))
		return -1;
	if (expect_msg(y, 0, "inner", 1, &m, "y's second message"))
		return -1;
	r = m.fd[0];
	if (!holds(r, "deep"))
		return NOPE("the pipe in flight in y's queue does not read \"deep\"");
	if (write(fds[3], "deeper", 6) != 6 || !holds(r, "deeper"))
		return NOPE("the pipe's write end does not lead to the read end received from y");
	if (!drained(y) || !drained(fds[1]))
		return NOPE("more is queued");
	return talk(fds[2], y, "x and y");
}

/*
 * A socket in flight carries its own queue, with a file in flight in it:
 * after restart it is received, its queue read in order, the pipe in it
 * received and read, and it still talks with its peer.
 */
TEST_F_TIMEOUT(scm, a_socket_in_flight_carries_its_own_queue, 120)
{
	tree_round_trip(_metadata, nest_setup, nest_verify, false);
}

/* ---- cycles --------------------------------------------------------------- */

/*
 * Make a cycle no fd reaches - g0 in flight in its own queue, its fd
 * closed - and close a socket, so that the unix GC runs: it collects the
 * cycle (g0's peer reads EOF) and must leave alone what the tree still
 * reaches.
 */
static int gc_pass(void)
{
	int g[2], s;
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, g) ||
	    send_fds(g[1], "g", &g[0], 1) || close(g[0]))
		return NOPE("cannot make a garbage cycle: %s", strerror(errno));
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || close(s))
		return NOPE("socket(): %s", strerror(errno));
	if (!wait_in(g[1], WAIT_MS) || read(g[1], &c, 1) != 0)
		return NOPE("the unix GC did not collect a cycle no fd reaches");
	close(g[1]);
	return 0;
}

/*
 * Two cycles, each with an fd of the tree in it (else the unix GC would
 * collect it):
 * - a stream pair fds[0], fds[1]: fds[1] sent fds[0] to fds[0], which is
 *   in flight in its own queue;
 * - pairs p0 to p1 (fds[3]) and q0 (fds[2]) to q1 (fds[4]): p1 sent q0
 *   into p0's queue, q1 sent p0 into q0's queue, and p0 was closed: it
 *   lives only in flight in the queue of q0, in flight in p0's queue.
 */
static int cyc_setup(void)
{
	int p[2], q[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, p) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, q) ||
	    send_fds(fds[1], "self", &fds[0], 1) ||
	    send_fds(p[1], "q0", &q[0], 1) ||
	    send_fds(q[1], "p0", &p[0], 1))
		return -1;
	fds[2] = q[0];
	fds[3] = p[1];
	fds[4] = q[1];
	return close(p[0]);
}

static int cyc_verify(void)
{
	struct msg m;
	int s, p0, q0;

	if (gc_pass())
		return -1;
	if (expect_msg(fds[0], 0, "self", 1, &m, "fds[0]'s message"))
		return -1;
	s = m.fd[0];
	if (!same_inode(s, fds[0]) || !same_file(s, fds[0]))
		return NOPE("the socket received from its own queue is not the same open socket");
	if (talk(s, fds[1], "the socket received from its own queue"))
		return -1;

	if (expect_msg(fds[2], 0, "p0", 1, &m, "q0's message"))
		return -1;
	p0 = m.fd[0];
	if (expect_msg(p0, 0, "q0", 1, &m, "p0's message"))
		return -1;
	q0 = m.fd[0];
	if (!same_inode(q0, fds[2]) || !same_file(q0, fds[2]))
		return NOPE("q0 received from p0's queue is not the tree's q0");
	if (talk(p0, fds[3], "p0, received, and p1") ||
	    talk(q0, fds[4], "q0, received, and q1"))
		return -1;
	return drained(fds[0]) && drained(p0) && drained(fds[2]) ? 0 :
	       NOPE("more is queued");
}

/*
 * A socket in flight in its own queue, and two sockets each in flight in
 * the other's queue (one of them only there), the tree keeping an fd in
 * each cycle: after restart a GC pass collects a new garbage cycle but
 * not these; each is received, is the same socket (and open file) as
 * the tree's fd where it has one, and talks with its peer.
 */
TEST_F_TIMEOUT(scm, sockets_in_flight_in_cycles, 120)
{
	tree_round_trip(_metadata, cyc_setup, cyc_verify, false);
}

/* ---- a listener's backlog ------------------------------------------------- */

#define LSOCK	"l.sock"

/*
 * The root listens on LSOCK (fds[0]) and connected to it twice, nobody
 * accepting: fds[1] sent "with-pipe" carrying the read end of a pipe
 * holding "through-backlog" (its write end fds[2]); the second client
 * sent "closing" carrying an end of a pair (the other end fds[3]) and was
 * closed. The files wait in the queues of connections in the backlog.
 */
static int bl_setup(void)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, LSOCK);
	int p[2], sp[2], c;

	fds[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	fds[1] = socket(AF_UNIX, SOCK_STREAM, 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fds[0] < 0 || fds[1] < 0 || c < 0 ||
	    bind(fds[0], (struct sockaddr *)&a, len) || listen(fds[0], 4) ||
	    connect(fds[1], (struct sockaddr *)&a, len) ||
	    connect(c, (struct sockaddr *)&a, len) || pipe(p) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sp) ||
	    write(p[1], "through-backlog", 15) != 15 ||
	    send_fds(fds[1], "with-pipe", &p[0], 1) ||
	    send_fds(c, "closing", &sp[0], 1))
		return -1;
	fds[2] = p[1];
	fds[3] = sp[1];
	return close(p[0]) || close(sp[0]) || close(c) ? -1 : 0;
}

static int bl_verify(void)
{
	struct msg m;
	int s, r;
	char c;

	if (!wait_in(fds[0], WAIT_MS))
		return NOPE("no connection waits in the backlog");
	s = accept(fds[0], NULL, NULL);
	if (s < 0)
		return NOPE("accept(): %s", strerror(errno));
	if (expect_msg(s, 0, "with-pipe", 1, &m, "the first connection"))
		return -1;
	r = m.fd[0];
	if (!holds(r, "through-backlog"))
		return NOPE("the pipe does not read \"through-backlog\"");
	if (write(fds[2], "after", 5) != 5 || !holds(r, "after"))
		return NOPE("the pipe's write end does not lead to the read end received");
	if (!drained(s) || talk(fds[1], s, "the first connection"))
		return -1;

	if (!wait_in(fds[0], WAIT_MS))
		return NOPE("the second connection does not wait in the backlog");
	s = accept(fds[0], NULL, NULL);
	if (s < 0)
		return NOPE("accept() of the second: %s", strerror(errno));
	if (expect_msg(s, 0, "closing", 1, &m, "the second connection"))
		return -1;
	if (talk(m.fd[0], fds[3], "the socket received and its peer"))
		return -1;
	if (recv(s, &c, 1, MSG_DONTWAIT) != 0)
		return NOPE("the second connection, its client closed, is not at EOF");
	return 0;
}

/*
 * Two connections waiting in a listener's backlog, whose clients sent
 * files before anyone accepted (one client closed since): after restart
 * accept() gives them in order, each with its message and files, which
 * work.
 */
TEST_F_TIMEOUT(scm, files_in_a_connection_waiting_in_the_backlog, 120)
{
	tree_round_trip(_metadata, bl_setup, bl_verify, false);
}

/* ---- a pidfd in flight ---------------------------------------------------- */

/*
 * The peer, a child of the root, waits; fds[0] sent fds[1] "pidfd" with
 * a pidfd of it, which the root closed.
 */
static int pfd_setup(void)
{
	int pfd;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    tree_fork_peer(nothing, nothing) < 0)
		return -1;
	pfd = syscall(__NR_pidfd_open, ckt.peer, 0);
	if (pfd < 0 || send_fds(fds[0], "pidfd", &pfd, 1))
		return -1;
	return close(pfd);
}

/*
 * The pidfd received names the restored peer, signals it (SIGUSR1 lets
 * it end) and says when it has ended.
 */
static int pfd_verify(void)
{
	struct pollfd p = { .events = POLLIN };
	struct msg m;
	long pid;

	if (expect_msg(fds[1], 0, "pidfd", 1, &m, "the message"))
		return -1;
	p.fd = m.fd[0];
	pid = pidfd_pid(p.fd);
	if (pid != ckt.peer)
		return NOPE("the pidfd received names pid %ld, expected the peer %d",
			    pid, ckt.peer);
	if (syscall(__NR_pidfd_send_signal, p.fd, 0, NULL, 0))
		return NOPE("pidfd_send_signal(0): %s", strerror(errno));
	if (poll(&p, 1, 0) != 0)
		return NOPE("the pidfd polls %#x while the peer lives",
			    p.revents);
	if (syscall(__NR_pidfd_send_signal, p.fd, SIGUSR1, NULL, 0))
		return NOPE("pidfd_send_signal(SIGUSR1): %s", strerror(errno));
	ckt.peer_going = true;
	if (poll(&p, 1, WAIT_MS) != 1 || !(p.revents & POLLIN))
		return NOPE("the pidfd does not say that the peer ended");
	return 0;
}

/*
 * A pidfd of a process of the tree in flight: after restart the pidfd
 * received refers to the restored process - fdinfo names its pid,
 * signals reach it, poll() reports its exit and only then.
 */
TEST_F_TIMEOUT(scm, a_pidfd_in_flight_names_the_restored_process, 120)
{
	tree_round_trip(_metadata, pfd_setup, pfd_verify, true);
}

/* ---- SO_PASSPIDFD --------------------------------------------------------- */

/* the peer: "from-peer" on fds[0], with an eventfd counting 7 */
static int pp_peer_setup(void)
{
	int e = eventfd(7, 0);

	return e < 0 || send_fds(fds[0], "from-peer", &e, 1) || close(e) ?
	       -1 : 0;
}

/*
 * A stream pair whose receiving end fds[1] passes pidfds: the peer sent
 * "from-peer" (with a file), then the root "from-root".
 */
static int pp_setup(void)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    set_int(fds[1], SO_PASSPIDFD, 1) ||
	    tree_fork_peer(pp_peer_setup, nothing) < 0)
		return -1;
	return send_fds(fds[0], "from-root", NULL, 0);
}

/* @m came with an SCM_PIDFD naming @pid */
static int pidfd_names(const struct msg *m, pid_t pid, const char *what)
{
	long got;

	if (m->pidfd < 0)
		return NOPE("%s: no SCM_PIDFD (%d)", what, m->pidfd);
	got = pidfd_pid(m->pidfd);
	if (got != pid)
		return NOPE("%s: its SCM_PIDFD names pid %ld, expected %d",
			    what, got, pid);
	return 0;
}

static int pp_verify(void)
{
	struct msg m;

	if (sock_int(fds[1], SO_PASSPIDFD) != 1)
		return NOPE("SO_PASSPIDFD is off");
	if (expect_msg(fds[1], 0, "from-peer", 1, &m, "the peer's message") ||
	    pidfd_names(&m, ckt.peer, "the peer's message"))
		return -1;
	if (!counts(m.fd[0], 7))
		return NOPE("the peer's eventfd does not count 7");
	if (expect_msg(fds[1], 0, "from-root", 0, &m, "the root's message") ||
	    pidfd_names(&m, getpid(), "the root's message"))
		return -1;
	if (send_fds(fds[0], "now", NULL, 0) ||
	    expect_msg(fds[1], 0, "now", 0, &m, "a message sent now") ||
	    pidfd_names(&m, getpid(), "a message sent now"))
		return -1;
	return 0;
}

/*
 * SO_PASSPIDFD on the receiver, messages queued by two processes of the
 * tree: after restart each comes with an SCM_PIDFD naming its restored
 * sender (fdinfo "Pid:"), the peer's with its file too.
 */
TEST_F_TIMEOUT(scm, scm_pidfd_names_the_restored_sender, 120)
{
	tree_round_trip(_metadata, pp_setup, pp_verify, true);
}

/* ---- checkpoints that refuse ---------------------------------------------- */

/*
 * fds[0] to fds[1]: "ts" with y, a datagram socket with SO_TIMESTAMP
 * whose peer is fds[2]; the root closed y.
 */
static int ts_setup(void)
{
	int y[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, y) ||
	    set_int(y[1], SO_TIMESTAMP, 1) || send_fds(fds[0], "ts", &y[1], 1))
		return -1;
	fds[2] = y[0];
	return close(y[1]);
}

/* thawed: y comes, with SO_TIMESTAMP, and receives from its peer */
static int ts_verify(void)
{
	struct msg m;

	if (expect_msg(fds[1], 0, "ts", 1, &m, "the message"))
		return -1;
	if (sock_int(m.fd[0], SO_TIMESTAMP) != 1)
		return NOPE("SO_TIMESTAMP is off on the socket received");
	if (send(fds[2], "hi", 2, 0) != 2 || !took(m.fd[0], "hi"))
		return NOPE("the socket received does not receive from its peer");
	return 0;
}

/*
 * A socket in flight whose options are not saved: its own line first,
 * then the line of the queue it is in flight in.
 */
TEST_F_TIMEOUT(scm, socket_in_flight_with_so_timestamp_is_refused, 120)
{
	tree_start(_metadata, ts_setup, ts_verify);
	refused(_metadata,
		"unix socket has socket options that are not saved (SO_LINGER, SO_TIMESTAMP or another flag)",
		"a unix socket has a file in flight (SCM_RIGHTS) that cannot be saved");
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* a pipe the test made before the tree: it keeps the write end */
static int out_pipe[2] = { -1, -1 };

/*
 * fds[0] to fds[1]: "pipe" with the read end of out_pipe; the root closed
 * both ends, the test its read end.
 */
static int op_setup(void)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    send_fds(fds[0], "pipe", &out_pipe[0], 1))
		return -1;
	return close(out_pipe[0]) || close(out_pipe[1]) ? -1 : 0;
}

/* thawed: the read end comes, and reads what the test wrote */
static int op_verify(void)
{
	struct msg m;

	if (expect_msg(fds[1], 0, "pipe", 1, &m, "the message"))
		return -1;
	if (!holds(m.fd[0], "from-test"))
		return NOPE("the pipe does not read what the test wrote");
	return 0;
}

/*
 * A pipe's read end only in flight, whose write end only the test holds:
 * it leads outside the tree, and no fd of the tree could stand for it.
 */
TEST_F_TIMEOUT(scm, pipe_in_flight_leading_outside_is_refused, 120)
{
	ASSERT_EQ(0, pipe(out_pipe));
	self->t.outside = out_pipe[1];
	tree_start(_metadata, op_setup, op_verify);
	close(out_pipe[0]);
	refused(_metadata,
		"leads outside the tree and is not in this process's fd table",
		NULL);
	ASSERT_EQ((ssize_t)9, write(out_pipe[1], "from-test", 9));
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

/* a pair the test made before the tree: it keeps out_pair[1] */
static int out_pair[2] = { -1, -1 };

/*
 * fds[0] to fds[1], kept; fds[0] also went, as "a", to the test's socket
 * out_pair[1]: a socket of the tree in flight outside it. The root
 * closed its ends of out_pair.
 */
static int oq_setup(void)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
	    send_fds(out_pair[0], "a", &fds[0], 1))
		return -1;
	return close(out_pair[0]) || close(out_pair[1]) ? -1 : 0;
}

/* thawed: the test, which received fds[0], talks with fds[1] */
static int oq_verify(void)
{
	if (!wait_in(fds[1], WAIT_MS) || !took(fds[1], "from-test") ||
	    send(fds[1], "to-test", 7, 0) != 7)
		return NOPE("nothing from the test through the socket it received");
	return 0;
}

/*
 * A socket of the tree also in flight in the queue of a socket the test
 * holds: shared with outside. Thawed, the test receives it and talks
 * through it with the tree.
 */
TEST_F_TIMEOUT(scm, socket_in_flight_outside_the_tree_is_refused, 120)
{
	struct msg m;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, out_pair));
	self->t.outside = out_pair[1];
	tree_start(_metadata, oq_setup, oq_verify);
	close(out_pair[0]);
	refused(_metadata,
		"is a unix socket shared with a process outside the tree (or in flight)",
		NULL);
	ASSERT_EQ(0, expect_msg(out_pair[1], 0, "a", 1, &m, "the test's"))
		TH_LOG("%s", why);
	ASSERT_EQ(0, send_fds(m.fd[0], "from-test", NULL, 0));
	tree_go_on(_metadata);
	EXPECT_TRUE(wait_in(m.fd[0], WAIT_MS) && took(m.fd[0], "to-test"))
		TH_LOG("no answer from the tree");
	close(m.fd[0]);
	tree_finish(_metadata, false);
}

/*
 * A stream pair the test made before the tree: it keeps in_pair[1], the
 * tree in_pair[0] (S), inherited.
 */
static int in_pair[2] = { -1, -1 };

/*
 * fds[0]: S, the root closed the test's end; fds[1]: A, of a pair the
 * root made, whose other end B it sent the test over S ("give") and
 * closed. The test sends B back ("b") and closes it: B is then only in
 * flight in the queue of S.
 */
static int iq_setup(void)
{
	int ab[2];

	fds[0] = in_pair[0];
	if (close(in_pair[1]) || socketpair(AF_UNIX, SOCK_STREAM, 0, ab) ||
	    send_fds(fds[0], "give", &ab[1], 1) || close(ab[1]))
		return NOPE("cannot hand B to the test: %s", strerror(errno));
	fds[1] = ab[0];
	return 0;
}

/*
 * thawed: B comes, A and B talk, and S still talks with the test, which
 * sent "from-test" behind "b"
 */
static int iq_verify(void)
{
	struct msg m;

	if (expect_msg(fds[0], 0, "b", 1, &m, "the message with B"))
		return -1;
	if (sock_int(m.fd[0], SO_TYPE) != SOCK_STREAM)
		return NOPE("B is not a stream socket");
	if (talk(fds[1], m.fd[0], "A and B"))
		return -1;
	if (!took(fds[0], "from-test") || !drained(fds[0]))
		return NOPE("S does not read what the test sent behind \"b\"");
	if (send(fds[0], "to-test", 7, 0) != 7)
		return NOPE("S does not send to the test: %s", strerror(errno));
	return 0;
}

/*
 * A socket only in flight in the queue of an inherited socket (connected
 * to one the test holds), its peer in the root's fd table: the queue is
 * not saved with the tree, so B would not be, though A names it.
 */
TEST_F_TIMEOUT(scm, socket_in_flight_in_an_inherited_queue_is_refused, 120)
{
	struct msg m;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, in_pair));
	self->t.outside = in_pair[1];
	tree_start(_metadata, iq_setup, iq_verify);
	close(in_pair[0]);
	ASSERT_TRUE(wait_in(in_pair[1], WAIT_MS));
	ASSERT_EQ(0, expect_msg(in_pair[1], 0, "give", 1, &m, "B from the tree"))
		TH_LOG("%s", why);
	ASSERT_EQ(0, send_fds(in_pair[1], "b", &m.fd[0], 1));
	ASSERT_EQ(0, close(m.fd[0]));
	refused(_metadata,
		"is in flight in the queue of a unix socket that is not saved with the tree (inherited): not supported yet",
		NULL);
	ASSERT_EQ(0, send_fds(in_pair[1], "from-test", NULL, 0));
	tree_go_on(_metadata);
	EXPECT_TRUE(wait_in(in_pair[1], WAIT_MS) &&
		    took(in_pair[1], "to-test"))
		TH_LOG("no answer from the tree over S");
	tree_finish(_metadata, false);
}

/*
 * fds[0] to fds[1]: "locked" with REG opened and flock()ed, then closed
 * by the root: the lock is held by a file only in flight.
 */
static int fl_setup(void)
{
	int f;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		return -1;
	f = open(REG, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (f < 0 || flock(f, LOCK_EX) || send_fds(fds[0], "locked", &f, 1))
		return -1;
	return close(f);
}

/* thawed: the file comes, its lock still held until it lets it go */
static int fl_verify(void)
{
	struct msg m;
	int o;

	if (expect_msg(fds[1], 0, "locked", 1, &m, "the message"))
		return -1;
	o = open(REG, O_RDONLY);
	if (o < 0)
		return NOPE("open %s: %s", REG, strerror(errno));
	if (flock(o, LOCK_EX | LOCK_NB) != -1 || errno != EWOULDBLOCK)
		return NOPE("the lock of the file in flight is gone");
	if (flock(m.fd[0], LOCK_UN) || flock(o, LOCK_EX | LOCK_NB))
		return NOPE("the file received does not let its lock go: %s",
			    strerror(errno));
	return close(o);
}

/* a flock() lock held by a file only in flight: refused */
TEST_F_TIMEOUT(scm, flock_of_a_file_only_in_flight_is_refused, 120)
{
	tree_start(_metadata, fl_setup, fl_verify);
	refused(_metadata,
		"a flock() lock on a file only in flight (SCM_RIGHTS) is not supported yet",
		NULL);
	tree_go_on(_metadata);
	tree_finish(_metadata, false);
}

TEST_HARNESS_MAIN
