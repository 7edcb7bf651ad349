// SPDX-License-Identifier: GPL-2.0
/*
 * Images through pipes and sockets: checkpoint() into a pipe, restart()
 * from a pipe, both at once (streaming, like `ckpt checkpoint | ckpt
 * restart`), a reader that went away, a stream that ends early.
 */
#define _GNU_SOURCE
#include <sys/socket.h>

#include "ckpt_test.h"
#include "image.h"

#define PAGE 4096UL

FIXTURE(pipe) {
	int unused;
};

FIXTURE_SETUP(pipe)
{
	ck_setup(_metadata);
	/* a restarter that dies early must not take the writer with it */
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(pipe)
{
	ck_cleanup();
}

static char area[16 * PAGE];

/* A: fill memory, checkpoint into whatever CK_IMG_FD is; check after */
static void body_memory(void *arg)
{
	ck_fill(area, sizeof(area), 81);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(-1, ck_check_fill(area, sizeof(area), 81));
	ck_done();
}

/* Read everything from @fd into ck.img; bytes read */
static ssize_t drain_to_file(struct __test_metadata *_metadata, int fd)
{
	char buf[65536];
	ssize_t n, total = 0;
	int out = open(ck.img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (out < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n)
			return -1;
		total += n;
	}
	close(out);
	return total;
}

/*
 * An O_PATH descriptor of /dev/null, which B puts at CK_IMG_FD: A's image
 * pipe led outside, so the restored program's CK_IMG_FD is inherited, and
 * B asks restart() to leave it closed rather than give it one.
 */
static int closed_marker(void)
{
	return open("/dev/null", O_PATH | O_CLOEXEC);
}

/* checkpoint() into a pipe; the image read from it restarts */
TEST_F_TIMEOUT(pipe, checkpoint_into_pipe, CK_TIMEOUT)
{
	struct ck_fdmap map, bmap;
	struct ckpt_image img;
	char err[256] = "";
	int p[2], status;
	long id = 0;
	ssize_t len;
	pid_t a;

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	map = (struct ck_fdmap){ p[1], CK_IMG_FD };
	a = ck_spawn(&map, 1, body_memory, NULL);
	ASSERT_LT(0, a);
	close(p[1]);
	len = drain_to_file(_metadata, p[0]);
	close(p[0]);
	status = ck_wait(a);
	if (status || ck_line_int("CKPT ", &id) || id <= 0) {
		ck_dump(_metadata, "checkpoint into a pipe", status);
		ASSERT_EQ(0, status);
		ASSERT_LT(0, id);
	}
	ASSERT_LT(0, len);
	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
	EXPECT_EQ(0, ckpt_image_verify(&img, err, sizeof(err)))
		TH_LOG("%s", err);
	ckpt_image_free(&img);
	bmap = (struct ck_fdmap){ closed_marker(), CK_IMG_FD };
	ASSERT_LE(0, bmap.src);
	ck_expect_restored(_metadata, ck_restart_status(&bmap, 1, NULL));
	close(bmap.src);
}

static void body_tail(void *arg)
{
	char buf[16] = "";
	ssize_t n;

	ck_fill(area, sizeof(area), 82);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(-1, ck_check_fill(area, sizeof(area), 82));
	/* the restarter's image pipe: right after the image */
	n = read(CK_RIMG_FD, buf, 8);
	CK_EXPECT(n == 8 && !memcmp(buf, "TAILDATA", 8),
		  "read %zd bytes \"%.8s\" after the image, expected TAILDATA",
		  n, buf);
	ck_done();
}

/* Write @len bytes of @data to @fd in @chunk sized pieces */
static int write_all(int fd, const unsigned char *data, size_t len,
		     size_t chunk, useconds_t pause)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = write(fd, data + off, len - off < chunk ? len - off : chunk);
		if (n <= 0)
			return -1;
		off += n;
		if (pause)
			usleep(pause);
	}
	return 0;
}

/*
 * restart() from a pipe written by the test, which then writes TAILDATA:
 * restart consumes exactly the image, and the restored program (whose
 * fd CK_RIMG_FD is inherited from the restarter) reads TAILDATA.
 */
static void restart_from_pipe(struct __test_metadata *_metadata,
			      size_t chunk, useconds_t pause)
{
	struct ck_restart_args args = { .img_fd_set = true };
	struct ck_fdmap amap, bmap;
	struct ckpt_image img;
	int d[2], q[2], status;
	pid_t b;

	/* A's CK_RIMG_FD: a pipe to the outside, to be inherited */
	ASSERT_EQ(0, pipe2(d, O_CLOEXEC));
	amap = (struct ck_fdmap){ d[0], CK_RIMG_FD };
	ck_checkpoint_child(_metadata, &amap, 1, body_tail, NULL);
	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));

	ASSERT_EQ(0, pipe2(q, O_CLOEXEC));
	bmap = (struct ck_fdmap){ q[0], CK_RIMG_FD };
	b = ck_spawn(&bmap, 1, ck_restart_child, &args);
	ASSERT_LT(0, b);
	close(q[0]);
	EXPECT_EQ(0, write_all(q[1], img.data, img.len, chunk, pause))
		TH_LOG("writing the image: %s", strerror(errno));
	EXPECT_EQ(8, write(q[1], "TAILDATA", 8));
	close(q[1]);
	ckpt_image_free(&img);
	status = ck_wait(b);
	ck_expect_restored(_metadata, status);
}

TEST_F_TIMEOUT(pipe, restart_from_pipe, CK_TIMEOUT)
{
	restart_from_pipe(_metadata, 1 << 20, 0);
}

/* short reads: the image arrives in odd-sized pieces, slowly */
TEST_F_TIMEOUT(pipe, restart_from_pipe_in_small_pieces, 2 * CK_TIMEOUT)
{
	restart_from_pipe(_metadata, 1021, 200);
}

/* A stream that ends early: never a resumed program */
TEST_F_TIMEOUT(pipe, restart_from_truncated_pipe, CK_TIMEOUT)
{
	struct ck_restart_args args = { .img_fd_set = true };
	const size_t cuts[] = { 0, 1, 8, 100, 1000, 4096 + 13 };
	struct ck_fdmap bmap;
	struct ckpt_image img;
	int q[2], status;
	unsigned int i;
	size_t len;
	pid_t b;

	ck_checkpoint_child(_metadata, NULL, 0, body_memory, NULL);
	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
	for (i = 0; i <= ARRAY_SIZE(cuts); i++) {
		/* the listed lengths, and the whole image but its last byte */
		len = i < ARRAY_SIZE(cuts) ? cuts[i] : img.len - 1;
		ASSERT_LT(len, img.len);
		ASSERT_EQ(0, pipe2(q, O_CLOEXEC));
		bmap = (struct ck_fdmap){ q[0], CK_RIMG_FD };
		b = ck_spawn(&bmap, 1, ck_restart_child, &args);
		ASSERT_LT(0, b);
		close(q[0]);
		write_all(q[1], img.data, len, 1 << 20, 0);
		close(q[1]);
		status = ck_wait(b);
		if (status != -1 && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGKILL)
			continue;
		if (status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == CK_EXIT_RESTART_ERR &&
		    ck_line("RESTART-ERROR ") &&
		    strstr(ck_line("RESTART-ERROR "), " unharmed"))
			continue;
		TH_LOG("image cut after %zu of %zu bytes", len, img.len);
		ck_dump(_metadata, "restart", status);
		EXPECT_TRUE(0) TH_LOG("neither an error nor SIGKILL");
	}
	ckpt_image_free(&img);
}

FIXTURE(stream) {
	int unused;
};

FIXTURE_VARIANT(stream) {
	bool socket;
};

FIXTURE_VARIANT_ADD(stream, pipe) {
	.socket = false,
};

FIXTURE_VARIANT_ADD(stream, socketpair) {
	.socket = true,
};

FIXTURE_SETUP(stream)
{
	ck_setup(_metadata);
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(stream)
{
	ck_cleanup();
}

/*
 * checkpoint() writes into one end while restart() reads from the other,
 * in another process, at the same time.
 */
TEST_F_TIMEOUT(stream, checkpoint_straight_into_restart, CK_TIMEOUT)
{
	struct ck_restart_args args = { .img_fd_set = true };
	struct ck_fdmap amap, bmap[2];
	int s[2], status, i, ret;
	long id = 0;
	pid_t a, b;

	bmap[1] = (struct ck_fdmap){ closed_marker(), CK_IMG_FD };
	ASSERT_LE(0, bmap[1].src);
	if (variant->socket)
		ret = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s);
	else
		ret = pipe2(s, O_CLOEXEC);
	ASSERT_EQ(0, ret);
	bmap[0] = (struct ck_fdmap){ s[0], CK_RIMG_FD };
	b = ck_spawn(bmap, 2, ck_restart_child, &args);
	ASSERT_LT(0, b);
	amap = (struct ck_fdmap){ s[1], CK_IMG_FD };
	a = ck_spawn(&amap, 1, body_memory, NULL);
	ASSERT_LT(0, a);
	close(s[0]);
	close(s[1]);
	close(bmap[1].src);
	/* B ends last; its wait collects most of what A reported */
	status = ck_wait(b);
	for (i = 0; i < 1000 && waitpid(a, NULL, WNOHANG) == 0; i++)
		usleep(10000);
	if (i == 1000) {
		kill(a, SIGKILL);
		waitpid(a, NULL, 0);
		TH_LOG("the checkpointing child did not end");
	}
	/* A may report after the restored program is done: collect it */
	ck_drain();
	EXPECT_EQ(0, ck_line_int("CKPT ", &id));
	EXPECT_LT(0, id);
	ck_expect_restored(_metadata, status);
}

static void body_epipe(void *arg)
{
	int p[2];
	long ret;
	int err;
	sigset_t pending;

	CK_ASSERT(!pipe(p), "pipe");
	close(p[0]);
	ck_fill(area, sizeof(area), 83);
	errno = 0;
	ret = sys_checkpoint(0, p[1], 0, -1);
	err = errno;
	if (ret == 0)
		_exit(CK_EXIT_FAIL);
	CK_EXPECT(ret == -1 && err == EPIPE, "checkpoint returned %ld (%s)",
		  ret, strerrorname_np(err));
	sigpending(&pending);
	CK_EXPECT(!sigismember(&pending, SIGPIPE), "SIGPIPE left pending");
	CK_EXPECT_EQ(-1, ck_check_fill(area, sizeof(area), 83));
	ck_done();
}

/*
 * A pipe without a reader: EPIPE, and no SIGPIPE the caller did not ask
 * for (its default action would kill it).
 */
TEST_F_TIMEOUT(pipe, checkpoint_reader_gone, CK_TIMEOUT)
{
	int status = ck_wait(ck_spawn(NULL, 0, body_epipe, NULL));

	if (status) {
		ck_dump(_metadata, "checkpoint into a pipe without reader",
			status);
		EXPECT_EQ(0, status);
	}
}

TEST_HARNESS_MAIN
