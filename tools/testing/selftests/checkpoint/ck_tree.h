/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness of the selftests that checkpoint a small tree of processes
 * from outside it (unix_test, scm_test, inet_test, tcp_test).
 *
 * The test process, a subreaper, forks the tree's root into a cgroup v2
 * of its own (tree_start()). The root sets its state up, says
 * "READY <pid>" in the report file (ck_lite.h) and waits for SIGUSR1. The
 * test freezes the cgroup and checkpoints the tree (CHECKPOINT_SUBTREE)
 * into an image, with a log file as logfd; kills and reaps it, so that
 * its pids are free again; restarts the image and sends SIGUSR1: the
 * restored root runs its verify() and says "VERIFY ok" or
 * "VERIFY failed: <why>" (tree_finish() reads it). A checkpoint that must
 * refuse is tried on the frozen tree, which is then thawed and goes on
 * (tree_refused()).
 *
 * A root may fork a peer, its child (tree_fork_peer()): it says
 * "PEER <pid>", and once SIGUSR1 comes runs its own verify() and says
 * "PEER ok".
 *
 * A test describes itself in a struct tree_cfg (its name, its cgroup, the
 * root it forks...) and calls tree_init() in its fixture's setup,
 * tree_end() and tree_clean() in its teardown. A test may add checkpoint
 * flags of its own (ckt.ckpt_flags: CHECKPOINT_NET_LOCK) to every
 * checkpoint the harness takes; tree_init() clears them.
 */
#ifndef CK_TREE_H
#define CK_TREE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

/*
 * TEST_F() keeps a local across its setjmp(); with -Wextra gcc warns about
 * that in every test (as ckpt_test.h says).
 */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"
#include "ck_lite.h"

#define TREE_WAIT_SECS		30	/* READY, a freeze, a thaw, a kill */
#define TREE_PEER_SECS		60	/* the root waits for its peer's end */
#define TREE_VERDICT_SECS	90	/* the test waits for the root's */

/* what differs between the tests that use this harness */
struct tree_cfg {
	const char *name;	/* "unix_test": files /tmp/unix_test.PID.* */
	const char *cg;		/* the tree's cgroup v2 directory */
	bool dir;		/* /tmp/NAME.PID.dir, the root's cwd */
	bool peer;		/* a root may fork a peer: tree_end() ends it */
	/* the root, in the child of tree_start(): does not return */
	void (*root)(int (*setup)(void), int (*verify)(void));
	/* a checkpoint's RESTART_VALIDATE must check the image, not this */
	const char *validate_not;
};

/*
 * Set by the test process before the tree is forked, so the tree has them
 * too; root and peer are the tree's own in the tree.
 */
static struct {
	const struct tree_cfg *cfg;
	char dir[64];		/* /tmp/NAME.PID.dir, or "" */
	char report[64];	/* the tree's report lines */
	char img[64];
	char log[64];		/* checkpoint()'s and restart()'s logfd */
	char tag[32];		/* NAME.PID, a prefix for abstract names */
	pid_t root;		/* the tree's root, or -1 */
	pid_t peer;		/* in the tree: the root's child, if any */
	bool peer_going;	/* in the tree: SIGUSR1 sent to the peer */
	unsigned long ckpt_flags; /* with CHECKPOINT_SUBTREE, or 0 */
} ckt = { .root = -1 };

/* verify()'s complaint, for the report */
static char why[4096];

#define NOPE(fmt, ...) ({						\
	snprintf(why, sizeof(why), fmt, ##__VA_ARGS__);			\
	-1;								\
})

/* ---- the tree ------------------------------------------------------------ */

static volatile sig_atomic_t tree_go;
static inline void tree_on_usr1(int sig) { tree_go = 1; }

/* the root, first: into the cgroup, SIGUSR1 blocked until waited for */
static inline void tree_enter(void)
{
	lite_cg_enter(ckt.cfg->cg);
	lite_block(SIGUSR1);
	signal(SIGUSR1, tree_on_usr1);
	ckt.root = getpid();
}

/* the root: @setup (or "SETUP failed"), "READY <pid>", wait for SIGUSR1 */
static inline void tree_ready(int (*setup)(void))
{
	if (setup()) {
		lite_say(ckt.report, "SETUP failed: %s\n",
			 *why ? why : strerror(errno));
		_exit(1);
	}
	lite_say(ckt.report, "READY %d\n", getpid());
	lite_wait_flag(&tree_go, SIGUSR1);
}

/* the root's end, with verify()'s @ret: "VERIFY ok", or why not */
static inline __attribute__((noreturn)) void tree_verdict(int ret)
{
	if (ret) {
		lite_say(ckt.report, "VERIFY failed: %s\n", why);
		_exit(1);
	}
	lite_say(ckt.report, "VERIFY ok\n");
	_exit(0);
}

/*
 * Fork the root's peer: it runs @setup, says "PEER <pid>", and once
 * SIGUSR1 comes @verify, and reports "PEER ok" or what was wrong. Returns
 * its pid once its setup is done, or -1.
 */
static inline pid_t tree_fork_peer(int (*setup)(void), int (*verify)(void))
{
	ssize_t n;
	int p[2];
	char c;

	if (pipe(p))
		return -1;
	ckt.peer = fork();
	if (ckt.peer < 0)
		return -1;
	if (!ckt.peer) {
		close(p[0]);
		if (setup()) {
			lite_say(ckt.report, "PEER setup failed: %s\n",
				 *why ? why : strerror(errno));
			_exit(1);
		}
		lite_say(ckt.report, "PEER %d\n", getpid());
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		/* nothing of the sync is left in the image */
		close(p[1]);
		lite_wait_flag(&tree_go, SIGUSR1);
		if (verify()) {
			lite_say(ckt.report, "PEER failed: %s\n", why);
			_exit(1);
		}
		lite_say(ckt.report, "PEER ok\n");
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], &c, 1);
	close(p[0]);
	return n == 1 ? ckt.peer : -1;
}

/* let the peer run its verify() */
static inline void tree_peer_go(void)
{
	if (ckt.peer > 0 && !ckt.peer_going)
		kill(ckt.peer, SIGUSR1);
	ckt.peer_going = true;
}

/*
 * The root, after its verify() gave @ret: the peer goes (if verify() did
 * not let it go already) and must end well. The verdict.
 */
static inline int tree_peer_end(int ret)
{
	int status;

	if (ckt.peer > 0) {
		tree_peer_go();
		status = lite_status(ckt.peer, TREE_PEER_SECS);
		if (!ret && status)
			ret = NOPE("the peer ended with status %#x", status);
	}
	return ret;
}

/*
 * A root for tree_cfg.root (with .dir): in the test's directory, @setup,
 * say ready, wait for SIGUSR1, then @verify (which lets the peer go when
 * it suits it, or the peer goes after it), and wait for the peer.
 */
static inline void tree_root_in_dir(int (*setup)(void), int (*verify)(void))
{
	tree_enter();
	if (chdir(ckt.dir))
		_exit(91);
	tree_ready(setup);
	tree_verdict(tree_peer_end(verify()));
}

/* ---- the test process ---------------------------------------------------- */

static inline int tree_rm_cb(const char *path, const struct stat *st,
			     int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

/* remove the test's files (the teardown's last step) */
static inline void tree_clean(void)
{
	if (ckt.dir[0])
		nftw(ckt.dir, tree_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	unlink(ckt.report);
	unlink(ckt.img);
	unlink(ckt.log);
}

/* the test's files (clean), its cgroup (new), and we are a subreaper */
static inline void tree_init(struct __test_metadata *_metadata,
			     const struct tree_cfg *cfg)
{
	const char *name = cfg->name;
	pid_t me = getpid();

	ckt.cfg = cfg;
	ckt.root = -1;
	ckt.peer = 0;
	ckt.peer_going = false;
	ckt.ckpt_flags = 0;
	ckt.dir[0] = '\0';
	snprintf(ckt.tag, sizeof(ckt.tag), "%s.%d", name, me);
	if (cfg->dir)
		snprintf(ckt.dir, sizeof(ckt.dir), "/tmp/%s.%d.dir", name, me);
	snprintf(ckt.report, sizeof(ckt.report), "/tmp/%s.%d.report", name,
		 me);
	snprintf(ckt.img, sizeof(ckt.img), "/tmp/%s.%d.img", name, me);
	snprintf(ckt.log, sizeof(ckt.log), "/tmp/%s.%d.log", name, me);
	tree_clean();
	if (cfg->dir)
		ASSERT_EQ(0, mkdir(ckt.dir, 0755));
	rmdir(cfg->cg);
	ASSERT_EQ(0, mkdir(cfg->cg, 0755));
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
}

/* kill and reap @pid if it is a child of ours still running */
static inline void tree_end_child(pid_t pid)
{
	if (pid > 0 && !waitpid(pid, NULL, WNOHANG | __WALL)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
	}
}

/* the number after "PEER " in the report, or 0 */
static inline pid_t tree_reported_peer(void)
{
	char buf[4096], *p;

	if (lite_slurp(ckt.report, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "PEER ");
	return p ? atoi(p + 5) : 0;
}

/*
 * The teardown's first step. The original tree is in the cgroup; a
 * restored one is the test's: its root our child, its peer ours too once
 * the root is gone (we are their subreaper).
 */
static inline void tree_end(void)
{
	lite_cg_write(ckt.cfg->cg, "cgroup.kill", "1");
	lite_cg_write(ckt.cfg->cg, "cgroup.freeze", "0");
	tree_end_child(ckt.root);
	if (ckt.cfg->peer)
		tree_end_child(tree_reported_peer());
	lite_reap_all();
	rmdir(ckt.cfg->cg);
}

/* fork the tree; its root says READY */
static inline void tree_start(struct __test_metadata *_metadata,
			      int (*setup)(void), int (*verify)(void))
{
	char rep[2048] = "";

	ckt.root = fork();
	ASSERT_LE(0, ckt.root);
	if (!ckt.root)
		ckt.cfg->root(setup, verify);
	ASSERT_EQ(ckt.root, lite_line_pid(ckt.report, "READY ",
					  TREE_WAIT_SECS))
		TH_LOG("report: %s",
		       (lite_slurp(ckt.report, rep, sizeof(rep)), rep));
}

static inline void tree_freeze(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, lite_cg_write(ckt.cfg->cg, "cgroup.freeze", "1"));
	ASSERT_TRUE(lite_cg_frozen(ckt.cfg->cg, 1, TREE_WAIT_SECS));
}

static inline void tree_thaw(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, lite_cg_write(ckt.cfg->cg, "cgroup.freeze", "0"));
	ASSERT_TRUE(lite_cg_frozen(ckt.cfg->cg, 0, TREE_WAIT_SECS));
}

/*
 * Freeze the tree and checkpoint it into img, with CHECKPOINT_SUBTREE (and
 * ckt.ckpt_flags) and the log file as logfd: through
 * ck_checkpoint_validated() if @validated, like every checkpoint of the
 * selftests that must succeed, or a bare checkpoint() that must refuse.
 * Its return value, errno kept.
 */
static inline long tree_checkpoint_frozen(struct __test_metadata *_metadata,
					  bool validated)
{
	unsigned long flags = CHECKPOINT_SUBTREE | ckt.ckpt_flags;
	int fd, logfd, err;
	long ret;

	tree_freeze(_metadata);
	fd = open(ckt.img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	logfd = open(ckt.log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, logfd);
	if (validated)
		ret = ck_checkpoint_validated(ckt.root, fd, flags, logfd);
	else
		ret = syscall(__NR_checkpoint, ckt.root, fd, flags, logfd);
	err = errno;
	close(fd);
	close(logfd);
	errno = err;
	return ret;
}

/*
 * Freeze the tree and checkpoint it into img: the kernel validates the
 * image while the tree is still there, frozen (tree_cfg.validate_not).
 */
static inline void tree_checkpoint(struct __test_metadata *_metadata)
{
	char log[4096] = "";
	long ret;
	int err;

	ret = tree_checkpoint_frozen(_metadata, true);
	err = errno;
	if (ret <= 0) {
		lite_slurp(ckt.log, log, sizeof(log));
		TH_LOG("checkpoint: %s; log: %s", strerrorname_np(err), log);
		if (err == EBADMSG)
			TH_LOG("the image does not validate while the tree it was taken from is still there, frozen: RESTART_VALIDATE must check the image, not %s",
			       ckt.cfg->validate_not);
	}
	ASSERT_LT(0, ret);
}

/*
 * Kill the (frozen) original tree and reap it: its pids, and its ports in
 * inet_test, are free again.
 */
static inline void tree_kill(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, lite_cg_write(ckt.cfg->cg, "cgroup.kill", "1"));
	lite_cg_write(ckt.cfg->cg, "cgroup.freeze", "0");
	ASSERT_NE(-1, lite_status(ckt.root, TREE_WAIT_SECS));
	lite_reap_all();
}

static inline void tree_checkpoint_and_kill(struct __test_metadata *_metadata)
{
	tree_checkpoint(_metadata);
	tree_kill(_metadata);
}

/*
 * Checkpoint the frozen tree: it must fail with EOPNOTSUPP and a log line
 * containing @line, and if @then is not NULL a later line containing
 * @then (the log in @log, @size bytes at most); then thaw it.
 */
static inline void tree_refused(struct __test_metadata *_metadata,
				const char *line, const char *then,
				char *log, size_t size)
{
	const char *l1, *l2 = NULL;
	long ret;
	int err;

	ret = tree_checkpoint_frozen(_metadata, false);
	err = errno;
	lite_slurp(ckt.log, log, size);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("checkpoint: %s; log: %s",
					  strerrorname_np(err), log);
	l1 = strstr(log, line);
	EXPECT_NE(NULL, l1) TH_LOG("no \"%s\" in the log: %s", line, log);
	if (then) {
		if (l1)
			l2 = strstr(l1, then);
		EXPECT_NE(NULL, l2)
			TH_LOG("no \"%s\" in the log after \"%s\": %s", then,
			       line, log);
	}
	tree_thaw(_metadata);
}

/*
 * restart(0, img, @flags, logfd), or with RESTART_VALIDATE in @flags the
 * check alone; what it logged in @log. Its return value, errno kept.
 */
static inline long tree_restart_img(unsigned long flags, char *log, size_t len)
{
	int fd = open(ckt.img, O_RDONLY | O_CLOEXEC);
	int logfd = open(ckt.log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			 0600);
	long ret = -1;
	int err = EBADF;

	if (fd >= 0 && logfd >= 0) {
		ret = syscall(__NR_restart, 0, fd, flags, logfd);
		err = errno;
	}
	if (fd >= 0)
		close(fd);
	if (logfd >= 0)
		close(logfd);
	lite_slurp(ckt.log, log, len);
	errno = err;
	return ret;
}

/* restart the image: the restored root, with its pid */
static inline void tree_restart(struct __test_metadata *_metadata)
{
	char log[4096] = "";
	long ret;

	ret = tree_restart_img(0, log, sizeof(log));
	ASSERT_EQ(ckt.root, ret)
		TH_LOG("restart: %s; log: %s", strerrorname_np(errno), log);
}

/* restart() must fail with @err and a log line containing @line */
static inline void tree_restart_fails(struct __test_metadata *_metadata,
				      unsigned long flags, int err,
				      const char *line)
{
	char log[4096] = "";
	long ret;

	ret = tree_restart_img(flags, log, sizeof(log));
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(err, errno)
		TH_LOG("restart: %s, expected %s; log: %s",
		       strerrorname_np(errno), strerrorname_np(err), log);
	EXPECT_NE(NULL, strstr(log, line))
		TH_LOG("no \"%s\" in the log: %s", line, log);
}

/* no child of the test is left: nothing restored runs */
static inline void tree_nothing_left(struct __test_metadata *_metadata)
{
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG | __WALL));
	EXPECT_EQ(ECHILD, errno) TH_LOG("a child of the test is left");
}

/* let the tree go on */
static inline void tree_go_on(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, kill(ckt.root, SIGUSR1));
}

/* wait for the tree's verdict, and with @has_peer its peer's */
static inline void tree_finish(struct __test_metadata *_metadata, bool has_peer)
{
	char rep[4096] = "";
	int status;

	status = lite_status(ckt.root, TREE_VERDICT_SECS);
	lite_slurp(ckt.report, rep, sizeof(rep));
	EXPECT_NE(NULL, strstr(rep, "VERIFY ok\n")) TH_LOG("report: %s", rep);
	if (has_peer)
		EXPECT_NE(NULL, strstr(rep, "PEER ok\n"))
			TH_LOG("report: %s", rep);
	EXPECT_TRUE(status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
		TH_LOG("root: status %#x", status);
	ckt.root = -1;
}

/* the whole round: the tree, checkpointed, killed, restarted, verified */
static inline void tree_round_trip(struct __test_metadata *_metadata,
				   int (*setup)(void), int (*verify)(void),
				   bool has_peer)
{
	tree_start(_metadata, setup, verify);
	tree_checkpoint_and_kill(_metadata);
	tree_restart(_metadata);
	tree_go_on(_metadata);
	tree_finish(_metadata, has_peer);
}

#endif /* CK_TREE_H */
