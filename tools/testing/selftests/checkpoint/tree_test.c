// SPDX-License-Identifier: GPL-2.0
/*
 * Process trees: external checkpoint of a frozen tree, coordinator-mode
 * restart (restart(0, fd, 0, logfd)), and the refusals of both.
 *
 * Every test builds a small workload in a cgroup of its own, waits until
 * each of its tasks sleeps in the system call the test is about, freezes
 * the cgroup, checkpoints the tree, kills and reaps the originals, and
 * restarts the image from a restarter child R. R reports the pid restart()
 * returned, reaps that root and reports its wait status.
 *
 * The restored programs check themselves. A subtree image's tasks report
 * over CK_REPORT_FD: it leads outside the tree, so it is saved as
 * inherited and restart connects it to R's CK_REPORT_FD, the same pipe. A
 * container may hold nothing that leads outside (that is a leak), so its
 * tasks write lines to a file of the test's directory instead.
 *
 * After a restart, tasks waiting in pause() are woken with SIGUSR1, sent
 * again every 100 ms until they report: a signal that arrives before a
 * restored task is back inside pause() runs the handler, and then the
 * pause() is restarted, as after any interrupted system call.
 *
 * The test process is a child subreaper: the originals' orphans come back
 * to it, so it reaps every one of them before the restart needs the pids.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sysmacros.h>
#include <linux/futex.h>

#include "ckpt_test.h"
#include "image.h"

#ifndef __NR_clone3
#define __NR_clone3 435
#endif

#define CG_ROOT		"/sys/fs/cgroup"
#define NSEC		1000000000LL
#define MSEC		1000000LL
#define TR_SECS		30	/* a step that takes longer has failed */
#define TR_MAX_TASKS	32

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* ==== the tree's side ================================================== */

/* the cgroup a workload's root moves itself into before it forks */
static char tr_cgpath[128];

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	go = 1;
}

/* SIGUSR1 sets go; SA_RESTART: read(), waitpid()... go on after it */
static void go_handler(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* Sleep in pause() until SIGUSR1 */
static void wait_go(void)
{
	while (!go)
		pause();
}

static void enter_cg(const char *cg)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	CK_ASSERT(ck_write_file(path, "0") == 0, "entering %s", cg);
}

static void set_name(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

static ssize_t full_read(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

static ssize_t full_write(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return done;
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* SIGUSR1 to @pid until it ends; its wait status, or -1 */
static int poke_reap(pid_t pid, int secs)
{
	long long end = mono_ns() + secs * NSEC;
	int status;
	pid_t r;

	while (mono_ns() < end) {
		kill(pid, SIGUSR1);
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		usleep(50000);
	}
	return -1;
}

static bool exited_with(int status, int code)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

/*
 * A family of four: root, its children c1 and c2, and c11, the child of
 * c1. Tree order (breadth first): root, c1, c2, c11. Each reports
 * "F-READY <name> <pid> <ppid>", sleeps in pause() until SIGUSR1, reports
 * "F-AWAKE <name> <pid> <ppid>" and wakes its children the same way; the
 * leaves exit with 2 (c2) and 11 (c11), c1 with 1 if c11 did right, the
 * root with 0 if everybody did.
 */
static void fam_leaf(const char *name, int code)
{
	char comm[16];

	snprintf(comm, sizeof(comm), "fam-%s", name);
	set_name(comm);
	ck_report("F-READY %s %d %d", name, getpid(), getppid());
	wait_go();
	ck_report("F-AWAKE %s %d %d", name, getpid(), getppid());
	_exit(code);
}

static void fam_root(void *arg)
{
	pid_t c1, c2;
	int st1, st2;

	enter_cg(tr_cgpath);
	go_handler();
	set_name("fam-root");
	c1 = fork();
	if (c1 == 0) {
		pid_t c11;
		int st;

		set_name("fam-c1");
		c11 = fork();
		if (c11 == 0)
			fam_leaf("c11", 11);
		ck_report("F-READY c1 %d %d", getpid(), getppid());
		wait_go();
		ck_report("F-AWAKE c1 %d %d", getpid(), getppid());
		st = poke_reap(c11, TR_SECS);
		ck_report("F-REAPED c11 %d status=%d", c11, st);
		_exit(exited_with(st, 11) ? 1 : 99);
	}
	c2 = fork();
	if (c2 == 0)
		fam_leaf("c2", 2);
	ck_report("F-READY root %d %d", getpid(), getppid());
	wait_go();
	ck_report("F-AWAKE root %d %d", getpid(), getppid());
	st1 = poke_reap(c1, TR_SECS);
	st2 = poke_reap(c2, TR_SECS);
	ck_report("F-DONE c1=%d c2=%d", st1, st2);
	_exit((exited_with(st1, 1) ? 0 : 1) | (exited_with(st2, 2) ? 0 : 2));
}

static const char *const fam_names[] = { "root", "c1", "c2", "c11" };
#define FAM_N 4

/* ==== the test's side ================================================== */

static struct {
	char cg[4][128];	/* cgroups this test made */
	int ncg;
} tr;

/* Read what the children reported into ck.buf, waiting up to @ms */
static void tr_drain(int ms)
{
	struct pollfd pfd = { .fd = ck.report_r, .events = POLLIN };

	if (poll(&pfd, 1, ms) > 0)
		ck_drain();
}

/* Forget what was reported so far */
static void tr_reset(void)
{
	ck_drain();
	ck.len = 0;
	ck.buf[0] = '\0';
}

/* Wait up to @secs for a reported line starting with @prefix */
static const char *wait_line(const char *prefix, int secs)
{
	long long end = mono_ns() + secs * NSEC;
	const char *l;

	for (;;) {
		ck_drain();
		l = ck_line(prefix);
		if (l || mono_ns() > end)
			return l;
		tr_drain(20);
	}
}

/* The number after @prefix in the first line starting with it, or -1 */
static long line_num(const char *prefix)
{
	const char *l = ck_line(prefix);

	return l ? strtol(l, NULL, 0) : -1;
}

/*
 * Wait up to @secs for the child @pid to end, collecting reports into
 * ck.buf (kept). Its wait status, or -1 when it had to be killed.
 */
static int tr_wait(pid_t pid, int secs)
{
	long long end = mono_ns() + secs * NSEC;
	int status;
	pid_t r;

	for (;;) {
		ck_drain();
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -2;
		if (mono_ns() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			status = -1;
			break;
		}
		tr_drain(20);
	}
	ck_drain();
	return status;
}

/* SIGUSR1 to @pid every 100 ms until a line starting with @prefix comes */
static bool poke_until(pid_t pid, const char *prefix, int secs)
{
	long long end = mono_ns() + secs * NSEC, next = 0;

	for (;;) {
		ck_drain();
		if (ck_line(prefix))
			return true;
		if (mono_ns() > end)
			return false;
		if (mono_ns() >= next) {
			kill(pid, SIGUSR1);
			next = mono_ns() + 100 * MSEC;
		}
		tr_drain(20);
	}
}

/* The same, until the file @path contains @needle */
static bool poke_until_file(pid_t pid, const char *path, const char *needle,
			    int secs)
{
	static char text[16384];
	long long end = mono_ns() + secs * NSEC;

	for (;;) {
		if (ck_read_file(path, text, sizeof(text)) > 0 &&
		    strstr(text, needle))
			return true;
		if (mono_ns() > end)
			return false;
		if (pid > 0)
			kill(pid, SIGUSR1);
		usleep(100000);
	}
}

/* Wait up to @secs for the file @path to contain @needle */
static bool wait_file(const char *path, const char *needle, int secs)
{
	return poke_until_file(0, path, needle, secs);
}

/* ---- cgroups ---------------------------------------------------------- */

static int cg_write(const char *cg, const char *file, const char *val)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return ck_write_file(path, val);
}

/* "frozen"/"populated" in cgroup.events: 0, 1, or -1 */
static long cg_key(const char *cg, const char *key)
{
	char path[192], text[256], *p;
	size_t n = strlen(key);

	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	if (ck_read_file(path, text, sizeof(text)) <= 0)
		return -1;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return strtol(p + n + 1, NULL, 10);
	return -1;
}

static bool cg_wait_key(const char *cg, const char *key, long want, int secs)
{
	long long end = mono_ns() + secs * NSEC;

	while (cg_key(cg, key) != want) {
		if (mono_ns() > end)
			return false;
		usleep(10000);
	}
	return true;
}

static const char *cg_new(struct __test_metadata *_metadata, const char *name)
{
	char *cg;

	ASSERT_LT(tr.ncg, 4);
	cg = tr.cg[tr.ncg];
	snprintf(cg, sizeof(tr.cg[0]), CG_ROOT "/ckpt-tree-%d-%s", getpid(),
		 name);
	ASSERT_EQ(0, mkdir(cg, 0755))
		TH_LOG("mkdir %s: %s (is cgroup2 mounted?)", cg,
		       strerror(errno));
	tr.ncg++;
	return cg;
}

static void cg_freeze(struct __test_metadata *_metadata, const char *cg)
{
	ASSERT_EQ(0, cg_write(cg, "cgroup.freeze", "1"));
	ASSERT_TRUE(cg_wait_key(cg, "frozen", 1, TR_SECS))
		TH_LOG("%s did not freeze", cg);
}

static void cg_thaw(struct __test_metadata *_metadata, const char *cg)
{
	ASSERT_EQ(0, cg_write(cg, "cgroup.freeze", "0"));
	ASSERT_TRUE(cg_wait_key(cg, "frozen", 0, TR_SECS))
		TH_LOG("%s did not thaw", cg);
}

/* Kill what is left in @cg and remove it */
static void cg_destroy(const char *cg)
{
	if (access(cg, F_OK))
		return;
	cg_write(cg, "cgroup.kill", "1");
	cg_write(cg, "cgroup.freeze", "0");
	cg_wait_key(cg, "populated", 0, 10);
	rmdir(cg);
}

/*
 * Is every thread in @cg asleep (state S) inside a system call, and are
 * there @n of them? /proc/TID/syscall shows the call's number then, and
 * "running" (or -1 outside a call) otherwise.
 */
static bool cg_all_blocked(const char *cg, int n)
{
	char path[192], tids[4096], text[512], *line, *save, *p;
	int count = 0;

	snprintf(path, sizeof(path), "%s/cgroup.threads", cg);
	if (ck_read_file(path, tids, sizeof(tids)) < 0)
		return false;
	for (line = strtok_r(tids, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		count++;
		snprintf(path, sizeof(path), "/proc/%s/stat", line);
		if (ck_read_file(path, text, sizeof(text)) <= 0)
			return false;
		p = strrchr(text, ')');
		if (!p || p[1] != ' ' || p[2] != 'S')
			return false;
		snprintf(path, sizeof(path), "/proc/%s/syscall", line);
		if (ck_read_file(path, text, sizeof(text)) <= 0 ||
		    !isdigit((unsigned char)text[0]))
			return false;
	}
	return count == n;
}

static void wait_blocked(struct __test_metadata *_metadata, const char *cg,
			 int n)
{
	long long end = mono_ns() + TR_SECS * NSEC;
	char path[192], tids[4096] = "";

	while (!cg_all_blocked(cg, n)) {
		if (mono_ns() > end) {
			snprintf(path, sizeof(path), "%s/cgroup.threads", cg);
			ck_read_file(path, tids, sizeof(tids));
			ASSERT_TRUE(false)
				TH_LOG("not all %d threads of %s sleep in a system call; threads:\n%s",
				       n, cg, tids);
		}
		usleep(10000);
	}
}

/* State letter of /proc/@pid/stat and its ppid; 0 if there is no @pid */
static char proc_state(pid_t pid, pid_t *ppid)
{
	char path[64], text[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (ck_read_file(path, text, sizeof(text)) <= 0)
		return 0;
	p = strrchr(text, ')');
	if (!p || strlen(p) < 5)
		return 0;
	if (ppid)
		*ppid = strtol(p + 4, NULL, 10);
	return p[2];
}

/* Reap @pid (our child, or once reparented to us) or see it vanish */
static bool reap_gone(pid_t pid, long long end)
{
	char path[32];
	pid_t r;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	for (;;) {
		r = waitpid(pid, NULL, WNOHANG | __WALL);
		if (r == pid)
			return true;
		if (r < 0 && errno == ECHILD && access(path, F_OK))
			return true;
		if (mono_ns() > end)
			return false;
		usleep(10000);
	}
}

/* Kill and reap every process below us (teardown) */
static void kill_descendants(void)
{
	struct dirent *de;
	int round, found;
	pid_t pid, ppid;
	DIR *d;

	for (round = 0; round < 100; round++) {
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		found = 0;
		d = opendir("/proc");
		if (!d)
			return;
		while ((de = readdir(d))) {
			pid = atoi(de->d_name);
			if (pid <= 0 || proc_state(pid, &ppid) == 0 ||
			    ppid != getpid())
				continue;
			kill(pid, SIGKILL);
			found++;
		}
		closedir(d);
		if (!found)
			return;
		usleep(20000);
	}
}

/* ---- images ----------------------------------------------------------- */

/* The TREE record of the image at @path into @p; the number of tasks */
static int image_tree(const char *path, struct ckpt_task_pids *p, int max,
		      uint64_t *flags)
{
	const struct ckpt_hdr_header *h;
	const struct ckpt_hdr_tree *t;
	struct ckpt_image img;
	long off;
	int n;

	if (ckpt_image_load(path, &img))
		return -1;
	off = ckpt_image_find(&img, CKPT_HDR_TREE, 0);
	if (off < 0 || img.len < sizeof(*h)) {
		ckpt_image_free(&img);
		return -1;
	}
	h = (const void *)img.data;
	if (flags)
		*flags = h->flags;
	t = (const void *)(img.data + off);
	n = t->nr_tasks < (unsigned int)max ? (int)t->nr_tasks : max;
	memcpy(p, t + 1, n * sizeof(*p));
	ckpt_image_free(&img);
	return n;
}

static int tree_index(const struct ckpt_task_pids *p, int n, pid_t pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (p[i].pid == pid)
			return i;
	return -1;
}

/* ---- the standard course: freeze, checkpoint, kill, restart ------------ */

struct flow {
	const char *cg;
	pid_t root;			/* the original root, our child */
	struct ckpt_task_pids pids[TR_MAX_TASKS];	/* from the image */
	int npids;
	uint64_t img_flags;
	long id;
	long long tc_before, tc_after;	/* around checkpoint() */
	pid_t r;			/* the restarter */
	pid_t new_root;			/* what restart() returned */
	long long tr_before, tr_after;	/* around restart() */
};

/* checkpoint(@root) into @img, logging into ck.log; the id or -1, errno */
static long do_checkpoint(pid_t root, int fd, unsigned long flags,
			  long long *before, long long *after)
{
	int logfd = open(ck.log, O_WRONLY | O_APPEND | O_CLOEXEC), err;
	long ret;

	if (before)
		*before = mono_ns();
	ret = sys_checkpoint(root, fd, flags, logfd);
	err = errno;
	if (after)
		*after = mono_ns();
	close(logfd);
	errno = err;
	return ret;
}

static long checkpoint_file(pid_t root, const char *img, unsigned long flags,
			    long long *before, long long *after)
{
	int fd = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	long ret;
	int err;

	if (fd < 0)
		return -1;
	ret = do_checkpoint(root, fd, flags, before, after);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

/* Freeze f->cg, checkpoint f->root into ck.img, read the image's tree */
static void flow_checkpoint(struct __test_metadata *_metadata, struct flow *f,
			    unsigned long flags)
{
	cg_freeze(_metadata, f->cg);
	f->id = checkpoint_file(f->root, ck.img, flags, &f->tc_before,
				&f->tc_after);
	ASSERT_LT(0, f->id) TH_LOG("checkpoint: %s", strerror(errno));
	/* the tree stays frozen */
	EXPECT_EQ(1, cg_key(f->cg, "frozen"));
	f->npids = image_tree(ck.img, f->pids, TR_MAX_TASKS, &f->img_flags);
	ASSERT_LT(0, f->npids);
}

/* Kill the originals (cgroup.kill) and reap every one of them */
static void flow_kill(struct __test_metadata *_metadata, struct flow *f)
{
	long long end = mono_ns() + TR_SECS * NSEC;
	int i;

	ASSERT_EQ(0, cg_write(f->cg, "cgroup.kill", "1"));
	if (!(f->img_flags & CKPT_IMG_CONTAINER)) {
		for (i = 0; i < f->npids; i++)
			ASSERT_TRUE(reap_gone(f->pids[i].pid, end))
				TH_LOG("original pid %d is still there",
				       f->pids[i].pid);
	}
	ASSERT_TRUE(reap_gone(f->root, end));
	ASSERT_TRUE(cg_wait_key(f->cg, "populated", 0, TR_SECS));
}

/*
 * R: restart(0, CK_RIMG_FD, 0, CK_RLOG_FD) from @arg (a path, or NULL for
 * an image already at CK_RIMG_FD). Reports "ROOT <pid> <t0> <t1>",
 * "ROOT-NSPID <NSpid of the root>", "ROOT-CG same|other", reaps the root
 * and reports "ROOT-STATUS <wait status>"; or "RESTART-ERROR <errno>
 * <name> children=none|<pid>" when restart() fails.
 */
static void restarter(void *arg)
{
	const char *img = arg;
	char path[64], text[1024], mine[256], *ns;
	long long t0, t1;
	int fd, err, status;
	long root;
	pid_t pid;

	set_name("restarter");
	if (img) {
		fd = open(img, O_RDONLY);
		CK_ASSERT(fd >= 0, "open %s", img);
		CK_ASSERT(ck_move_fd(fd, CK_RIMG_FD) == CK_RIMG_FD, "dup2");
	}
	fd = open(ck.log, O_WRONLY | O_APPEND);
	CK_ASSERT(fd >= 0, "open %s", ck.log);
	CK_ASSERT(ck_move_fd(fd, CK_RLOG_FD) == CK_RLOG_FD, "dup2");
	t0 = mono_ns();
	root = sys_restart(0, CK_RIMG_FD, 0, CK_RLOG_FD);
	err = errno;
	t1 = mono_ns();
	close(CK_RIMG_FD);
	close(CK_RLOG_FD);
	if (root < 0) {
		pid = waitpid(-1, &status, WNOHANG | __WALL);
		if (pid < 0 && errno == ECHILD)
			snprintf(text, sizeof(text), "none");
		else
			snprintf(text, sizeof(text), "%d", pid);
		ck_report("RESTART-ERROR %d %s ret=%ld children=%s", err,
			  strerrorname_np(err) ?: "?", root, text);
		_exit(CK_EXIT_RESTART_ERR);
	}
	ck_report("ROOT %ld %lld %lld", root, t0, t1);
	snprintf(path, sizeof(path), "/proc/%ld/status", root);
	ns = NULL;
	if (ck_read_file(path, text, sizeof(text)) > 0) {
		ns = strstr(text, "NSpid:");
		if (ns)
			ns[strcspn(ns, "\n")] = '\0';
	}
	ck_report("ROOT-NSPID %s", ns ? ns + 6 : "?");
	snprintf(path, sizeof(path), "/proc/%ld/cgroup", root);
	if (ck_read_file("/proc/self/cgroup", mine, sizeof(mine)) > 0 &&
	    ck_read_file(path, text, sizeof(text)) > 0)
		ck_report("ROOT-CG %s", strcmp(mine, text) ? "other" : "same");
	else
		ck_report("ROOT-CG ?");
	status = wait_child(root);
	ck_report("ROOT-STATUS %d", status);
	_exit(0);
}

/* Start R on the image at @img (NULL: @map holds its CK_RIMG_FD) */
static void flow_restart(struct __test_metadata *_metadata, struct flow *f,
			 const char *img, const struct ck_fdmap *map, int nmap)
{
	const char *l;

	tr_reset();
	f->r = ck_spawn(map, nmap, restarter, (void *)img);
	ASSERT_LT(0, f->r);
	l = wait_line("ROOT ", TR_SECS);
	if (!l) {
		ck_drain();
		ASSERT_NE(NULL, l) TH_LOG("restart did not report a root: %s",
					  ck.buf);
	}
	ASSERT_EQ(3, sscanf(l, "%d %lld %lld", &f->new_root, &f->tr_before,
			    &f->tr_after));
	ASSERT_LT(0, f->new_root);
	/* R's last words before it waits */
	ASSERT_NE(NULL, wait_line("ROOT-CG ", TR_SECS));
}

/* Wait for R; the restored root's wait status (or -1) */
static int flow_finish(struct __test_metadata *_metadata, struct flow *f)
{
	int status = tr_wait(f->r, TR_SECS * 2);

	EXPECT_EQ(0, status) TH_LOG("restarter %s", ck_status_str(status));
	f->r = 0;
	return ck_line("ROOT-STATUS ") ? (int)line_num("ROOT-STATUS ") : -1;
}

/* R must have failed with @err, leaving it no child */
static void expect_restart_error(struct __test_metadata *_metadata, pid_t r,
				 int err)
{
	int status = tr_wait(r, TR_SECS * 2);
	const char *l = ck_line("RESTART-ERROR ");

	EXPECT_TRUE(exited_with(status, CK_EXIT_RESTART_ERR))
		TH_LOG("restarter %s", ck_status_str(status));
	ASSERT_NE(NULL, l) TH_LOG("restart() did not fail");
	EXPECT_EQ(err, strtol(l, NULL, 10)) TH_LOG("RESTART-ERROR %.60s", l);
	EXPECT_NE(NULL, strstr(l, "children=none"))
		TH_LOG("restart left its caller a child: %.80s", l);
}

/* Spawn fam_root in a new cgroup and wait until all four sleep */
static void fam_start(struct __test_metadata *_metadata, struct flow *f,
		      pid_t pids[FAM_N])
{
	char prefix[32];
	int i;

	f->cg = cg_new(_metadata, "fam");
	snprintf(tr_cgpath, sizeof(tr_cgpath), "%s", f->cg);
	tr_reset();
	f->root = ck_spawn(NULL, 0, fam_root, NULL);
	ASSERT_LT(0, f->root);
	for (i = 0; i < FAM_N; i++) {
		snprintf(prefix, sizeof(prefix), "F-READY %s ", fam_names[i]);
		ASSERT_NE(NULL, wait_line(prefix, TR_SECS))
			TH_LOG("no \"%s\"", prefix);
		pids[i] = line_num(prefix);
	}
	ASSERT_EQ(f->root, pids[0]);
	wait_blocked(_metadata, f->cg, FAM_N);
}

/*
 * After the family was woken (a restored one: @restored): everyone
 * reported F-AWAKE with its pid, and the parents they had in @pids; the
 * root's exit status @status says they all exited as they should.
 */
static void fam_check(struct __test_metadata *_metadata, const pid_t pids[FAM_N],
		      int status, bool restored)
{
	static const int parent[FAM_N] = { -1, 0, 0, 1 };
	char prefix[32];
	pid_t pid, ppid;
	const char *l;
	int i;

	for (i = 0; i < FAM_N; i++) {
		snprintf(prefix, sizeof(prefix), "F-AWAKE %s ", fam_names[i]);
		l = ck_line(prefix);
		EXPECT_NE(NULL, l) TH_LOG("no \"%s\"", prefix);
		if (!l)
			continue;
		EXPECT_EQ(2, sscanf(l, "%d %d", &pid, &ppid));
		EXPECT_EQ(pids[i], pid) TH_LOG("%s", fam_names[i]);
		if (parent[i] >= 0)
			EXPECT_EQ(pids[parent[i]], ppid)
				TH_LOG("parent of %s", fam_names[i]);
	}
	EXPECT_TRUE(exited_with(status, 0))
		TH_LOG("%s root: %s", restored ? "restored" : "original",
		       ck_status_str(status));
}

FIXTURE(tree) {
	int unused;
};

FIXTURE_SETUP(tree)
{
	ck_setup(_metadata);
	/* a restarter that dies early must not take the writer with it */
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	tr.ncg = 0;
}

FIXTURE_TEARDOWN(tree)
{
	static char text[8192];
	char *line, *save;
	int i;

	if (!__test_passed(_metadata)) {
		ck_drain();
		for (line = strtok_r(ck.buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			TH_LOG("  reported: %s", line);
		if (ck_read_file(ck.log, text, sizeof(text)) > 0)
			TH_LOG("  logfd:\n%s", text);
		if (ck_read_file(ck.out, text, sizeof(text)) > 0)
			TH_LOG("  stdout/stderr of the tasks:\n%s", text);
		if (ck.dir[0] &&
		    ck_read_file(ck_path("ct.log"), text, sizeof(text)) > 0)
			TH_LOG("  ct.log:\n%s", text);
	}
	for (i = 0; i < tr.ncg; i++)
		cg_destroy(tr.cg[i]);
	kill_descendants();
	for (i = 0; i < tr.ncg; i++)
		rmdir(tr.cg[i]);
	ck_cleanup();
}

/* ==== 1. data in flight in pipes ======================================= */

#define PIPE_N1		40000	/* written before the checkpoint */
#define PIPE_K		10000	/* of which the consumer reads this much */
#define PIPE_N2		100000	/* written after the restart */
#define PIPE_TOTAL	(PIPE_N1 + PIPE_N2)
#define PIPE_SEED	4711
static const char pipe_token[16] = "TOKEN-0123456789";

static void pipes_producer(int wfd, int tokfd)
{
	unsigned char *buf = malloc(PIPE_TOTAL);
	char tok[16] = "";
	ssize_t n;
	bool ok;

	set_name("producer");
	CK_ASSERT(buf, "malloc");
	ck_fill(buf, PIPE_TOTAL, PIPE_SEED);
	CK_ASSERT(full_write(wfd, buf, PIPE_N1) == PIPE_N1, "write");
	ck_report("P-READY %d", getpid());
	wait_go();
	n = full_read(tokfd, tok, sizeof(tok));
	ok = n == sizeof(tok) && !memcmp(tok, pipe_token, sizeof(tok));
	ck_report("P-TOKEN %d %s n=%zd", getpid(), ok ? "ok" : "BAD", n);
	n = full_write(wfd, buf + PIPE_N1, PIPE_N2);
	close(wfd);
	_exit(ok && n == PIPE_N2 ? 0 : 1);
}

static void pipes_consumer(int rfd, int resfd)
{
	unsigned char *buf = malloc(PIPE_TOTAL + 4096);
	uint64_t total;
	ssize_t n;
	long bad;

	set_name("consumer");
	CK_ASSERT(buf, "malloc");
	CK_ASSERT(full_read(rfd, buf, PIPE_K) == PIPE_K, "read");
	ck_report("C-READY %d", getpid());
	wait_go();
	ck_report("C-AWAKE %d", getpid());
	/* everything up to EOF; more than PIPE_TOTAL would be wrong too */
	n = full_read(rfd, buf + PIPE_K, PIPE_TOTAL + 4096 - PIPE_K);
	total = n < 0 ? 0 : PIPE_K + n;
	bad = ck_check_fill(buf, total < PIPE_TOTAL ? total : PIPE_TOTAL,
			    PIPE_SEED);
	ck_report("C-GOT %d total=%llu first-bad=%ld", getpid(),
		  (unsigned long long)total, bad);
	full_write(resfd, &total, sizeof(total));
	_exit(total == PIPE_TOTAL && bad == -1 ? 0 : 1);
}

/*
 * root --d: a 16-byte token--> producer --a: a byte stream--> consumer
 * consumer --b: its byte count--> root
 *
 * At the checkpoint the producer has written PIPE_N1 bytes, the consumer
 * has read PIPE_K of them, and both sleep in pause(); the root sleeps in
 * read(b), the token waits in d.
 */
static void pipes_root(void *arg)
{
	int a[2], b[2], d[2], sp, sc;
	uint64_t total = 0;
	pid_t p, c;
	ssize_t n;

	enter_cg(tr_cgpath);
	go_handler();
	set_name("pipes-root");
	CK_ASSERT(!pipe(a) && !pipe(b) && !pipe(d), "pipe");
	p = fork();
	if (p == 0) {
		close(a[0]);
		close(b[0]);
		close(b[1]);
		close(d[1]);
		pipes_producer(a[1], d[0]);
	}
	c = fork();
	if (c == 0) {
		close(a[1]);
		close(b[0]);
		close(d[0]);
		close(d[1]);
		pipes_consumer(a[0], b[1]);
	}
	close(a[0]);
	close(a[1]);
	close(b[1]);
	close(d[0]);
	CK_ASSERT(full_write(d[1], pipe_token, sizeof(pipe_token)) ==
		  sizeof(pipe_token), "write");
	ck_report("ROOT-READY %d", getpid());
	n = full_read(b[0], &total, sizeof(total));
	ck_report("ROOT-GOT %d n=%zd total=%llu", getpid(), n,
		  (unsigned long long)total);
	sp = wait_child(p);
	sc = wait_child(c);
	ck_report("ROOT-REAPED producer=%d consumer=%d", sp, sc);
	_exit((exited_with(sp, 0) ? 0 : 1) | (exited_with(sc, 0) ? 0 : 2) |
	      (n == sizeof(total) && total == PIPE_TOTAL ? 0 : 4));
}

static int count_pipe_records(const char *path, uint32_t nr_bytes)
{
	const struct ckpt_hdr_pipe *h;
	struct ckpt_image img;
	int i, found = 0;
	long off;

	if (ckpt_image_load(path, &img))
		return -1;
	for (i = 0; (off = ckpt_image_find(&img, CKPT_HDR_PIPE, i)) >= 0; i++) {
		h = (const void *)(img.data + off);
		if (h->nr_bytes == nr_bytes)
			found++;
	}
	ckpt_image_free(&img);
	return found;
}

/*
 * Three processes, three pipes between them, bytes in flight in two: the
 * consumer reads exactly the bytes that were in the pipe, then the rest,
 * in order; the producer reads the token; everybody keeps its pid.
 */
TEST_F_TIMEOUT(tree, pipes_in_flight, CK_TIMEOUT)
{
	struct flow f = { 0 };
	pid_t p, c;
	int status;

	f.cg = cg_new(_metadata, "pipes");
	snprintf(tr_cgpath, sizeof(tr_cgpath), "%s", f.cg);
	f.root = ck_spawn(NULL, 0, pipes_root, NULL);
	ASSERT_LT(0, f.root);
	ASSERT_NE(NULL, wait_line("ROOT-READY ", TR_SECS));
	ASSERT_NE(NULL, wait_line("P-READY ", TR_SECS));
	ASSERT_NE(NULL, wait_line("C-READY ", TR_SECS));
	p = line_num("P-READY ");
	c = line_num("C-READY ");
	wait_blocked(_metadata, f.cg, 3);

	flow_checkpoint(_metadata, &f, CHECKPOINT_SUBTREE);
	EXPECT_EQ(3, f.npids);
	EXPECT_EQ(1, count_pipe_records(ck.img, PIPE_N1 - PIPE_K))
		TH_LOG("no PIPE record with the %d bytes in flight",
		       PIPE_N1 - PIPE_K);
	EXPECT_EQ(1, count_pipe_records(ck.img, sizeof(pipe_token)))
		TH_LOG("no PIPE record with the token");
	flow_kill(_metadata, &f);

	flow_restart(_metadata, &f, ck.img, NULL, 0);
	EXPECT_EQ(f.root, f.new_root);
	EXPECT_TRUE(poke_until(p, "P-TOKEN ", TR_SECS));
	EXPECT_TRUE(poke_until(c, "C-AWAKE ", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));
	EXPECT_EQ(p, line_num("P-TOKEN "));
	EXPECT_NE(NULL, strstr(ck_line("P-TOKEN ") ?: "", " ok "));
	EXPECT_EQ(c, line_num("C-GOT "));
	EXPECT_NE(NULL, strstr(ck_line("C-GOT ") ?: "",
			       "total=140000 first-bad=-1\n"))
		TH_LOG("the consumer did not get every byte in order");
	EXPECT_NE(NULL, strstr(ck_line("ROOT-GOT ") ?: "", "total=140000"));
}

/* ==== 2. threads: mutex, condition variable, TLS ======================== */

#define THR_N		4
#define THR_PHASE1	(THR_N * 6)	/* turns taken before the checkpoint */
#define THR_TOTAL	(THR_N * 15)

static pthread_mutex_t thr_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t thr_cond = PTHREAD_COND_INITIALIZER;
static int thr_turn;		/* whose turn: thr_turn % THR_N */
static int thr_limit;		/* turns allowed so far */
static struct {
	pid_t tid;
	long count;		/* a copy of the thread's TLS counter */
	void *tls_addr;
	int bad;		/* steps where the TLS counter was off */
} thr_rec[THR_N];

static __thread long tls_count;
static __thread uint64_t tls_magic;
static __thread pid_t tls_tid;

/*
 * Thread @idx takes turns @idx, @idx + THR_N, ... in order, under the
 * mutex, waiting on the condition variable for its turn; its TLS counter
 * counts the turns it took, so it must equal turn / THR_N each time.
 */
static void *thr_worker(void *arg)
{
	int idx = (int)(long)arg;
	bool ok;

	tls_tid = gettid();
	tls_magic = 0x5eed0000ULL + idx;
	pthread_mutex_lock(&thr_mtx);
	thr_rec[idx].tid = tls_tid;
	thr_rec[idx].tls_addr = &tls_count;
	for (;;) {
		while (thr_turn < THR_TOTAL &&
		       (thr_turn >= thr_limit || thr_turn % THR_N != idx))
			pthread_cond_wait(&thr_cond, &thr_mtx);
		if (thr_turn >= THR_TOTAL)
			break;
		if (tls_count != thr_turn / THR_N)
			thr_rec[idx].bad++;
		tls_count++;
		thr_rec[idx].count = tls_count;
		thr_turn++;
		pthread_cond_broadcast(&thr_cond);
	}
	pthread_mutex_unlock(&thr_mtx);
	ok = tls_count == THR_TOTAL / THR_N && tls_tid == gettid() &&
	     tls_magic == 0x5eed0000ULL + idx &&
	     thr_rec[idx].tls_addr == (void *)&tls_count && !thr_rec[idx].bad;
	ck_report("T-AFTER %d tid=%d count=%ld bad=%d magic=%s %s", idx,
		  gettid(), tls_count, thr_rec[idx].bad,
		  tls_magic == 0x5eed0000ULL + idx ? "ok" : "BAD",
		  ok ? "ok" : "FAILED");
	return (void *)(long)(ok ? 0 : 1);
}

static void thr_main(void *arg)
{
	pthread_t th[THR_N];
	sigset_t usr1;
	int i, code = 0;
	void *res;

	enter_cg(tr_cgpath);
	go_handler();
	set_name("threads");
	/* only the main thread takes SIGUSR1 */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	for (i = 0; i < THR_N; i++)
		CK_ASSERT(!pthread_create(&th[i], NULL, thr_worker,
					  (void *)(long)i), "pthread_create");
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);

	pthread_mutex_lock(&thr_mtx);
	thr_limit = THR_PHASE1;
	pthread_cond_broadcast(&thr_cond);
	while (thr_turn < THR_PHASE1)
		pthread_cond_wait(&thr_cond, &thr_mtx);
	for (i = 0; i < THR_N; i++)
		ck_report("T-BEFORE %d tid=%d count=%ld bad=%d", i,
			  thr_rec[i].tid, thr_rec[i].count, thr_rec[i].bad);
	pthread_mutex_unlock(&thr_mtx);
	ck_report("T-PHASE1 %d", getpid());

	wait_go();
	ck_report("T-GO %d", getpid());
	pthread_mutex_lock(&thr_mtx);
	thr_limit = THR_TOTAL;
	pthread_cond_broadcast(&thr_cond);
	pthread_mutex_unlock(&thr_mtx);
	for (i = 0; i < THR_N; i++) {
		if (pthread_join(th[i], &res) || res)
			code |= 1 << i;
	}
	ck_report("T-JOINED %d turn=%d code=%d", getpid(), thr_turn, code);
	_exit(code | (thr_turn == THR_TOTAL ? 0 : 0x40));
}

/*
 * A process of five threads taking turns under a mutex and a condition
 * variable, frozen half way: after the restart they carry on, each TLS
 * counter continuing from where it was, each thread with its tid.
 */
TEST_F_TIMEOUT(tree, threads_mutex_condvar_tls, CK_TIMEOUT)
{
	pid_t tids[THR_N] = { 0 };
	struct flow f = { 0 };
	char prefix[32];
	const char *l;
	int i, status, idx;
	long count;
	pid_t tid;

	f.cg = cg_new(_metadata, "threads");
	snprintf(tr_cgpath, sizeof(tr_cgpath), "%s", f.cg);
	f.root = ck_spawn(NULL, 0, thr_main, NULL);
	ASSERT_LT(0, f.root);
	ASSERT_NE(NULL, wait_line("T-PHASE1 ", TR_SECS));
	for (i = 0; i < THR_N; i++) {
		snprintf(prefix, sizeof(prefix), "T-BEFORE %d ", i);
		l = ck_line(prefix);
		ASSERT_NE(NULL, l);
		ASSERT_EQ(2, sscanf(l, "tid=%d count=%ld", &tids[i], &count));
		EXPECT_EQ(THR_PHASE1 / THR_N, count);
	}
	wait_blocked(_metadata, f.cg, THR_N + 1);

	flow_checkpoint(_metadata, &f, CHECKPOINT_SUBTREE);
	EXPECT_EQ(THR_N + 1, f.npids);
	for (i = 0; i < THR_N; i++) {
		idx = tree_index(f.pids, f.npids, tids[i]);
		EXPECT_LE(0, idx) TH_LOG("thread %d not in the image", tids[i]);
		if (idx >= 0)
			EXPECT_EQ(f.root, f.pids[idx].tgid);
	}
	flow_kill(_metadata, &f);

	flow_restart(_metadata, &f, ck.img, NULL, 0);
	EXPECT_EQ(f.root, f.new_root);
	EXPECT_TRUE(poke_until(f.new_root, "T-GO ", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored process %s",
						   ck_status_str(status));
	for (i = 0; i < THR_N; i++) {
		snprintf(prefix, sizeof(prefix), "T-AFTER %d ", i);
		l = ck_line(prefix);
		EXPECT_NE(NULL, l) TH_LOG("thread %d did not finish", i);
		if (!l)
			continue;
		EXPECT_EQ(2, sscanf(l, "tid=%d count=%ld", &tid, &count));
		EXPECT_EQ(tids[i], tid);
		EXPECT_EQ(THR_TOTAL / THR_N, count);
		EXPECT_NE(NULL, strstr(l, "bad=0 magic=ok ok\n"))
			TH_LOG("T-AFTER %d %.80s", i, l);
	}
}

/* ==== 3. a container keeps its pids ===================================== */

/* One line, one write(): several processes share the file */
static __attribute__((format(printf, 2, 3)))
void ct_line(int fd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(fd, line, n) != n)
		_exit(125);
}

static int ct_open_log(void)
{
	int fd = open(ck_path("ct.log"), O_WRONLY | O_CREAT | O_APPEND |
		      O_CLOEXEC, 0644);

	if (fd < 0)
		_exit(124);
	return fd;
}

/*
 * Start @fn as the init of a new pid namespace, in the cgroup @cg: fd 0
 * is /dev/null, 1 and 2 append to ck.out (opened by the container
 * itself), fd 3 is @keep if >= 0; nothing else of the test process.
 */
static pid_t ct_start(const char *cg, void (*fn)(void *), void *arg, int keep)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
	if (pid)
		return pid;
	if (keep >= 0 && dup2(keep, CK_FD_LIMIT) != CK_FD_LIMIT)
		_exit(120);
	syscall(__NR_close_range, 0, CK_FD_LIMIT - 1, 0);
	if (open("/dev/null", O_RDWR) != 0)
		_exit(121);
	if (open(ck.out, O_WRONLY | O_APPEND) != 1 || dup2(1, 2) != 2)
		_exit(122);
	if (keep >= 0 && dup2(CK_FD_LIMIT, 3) != 3)
		_exit(123);
	syscall(__NR_close_range, keep >= 0 ? 4 : 3, ~0U, 0);
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_DFL);
	ck_unmap_harness();
	enter_cg(cg);
	fn(arg);
	_exit(0);
}

/* Write BEFORE, read() a byte from @gofd, write AFTER, reap @c4 if any */
static void ct_child(int log, int gofd, const char *name, int code, pid_t c4)
{
	char c = 0;
	ssize_t n;
	int st;

	ct_line(log, "BEFORE %s %d %d", name, getpid(), getppid());
	do {
		n = read(gofd, &c, 1);
	} while (n < 0 && errno == EINTR);
	ct_line(log, "AFTER %s %d %d", name, getpid(), getppid());
	if (c4) {
		st = wait_child(c4);
		if (!exited_with(st, 4))
			_exit(30 + code);
	}
	_exit(n == 1 ? code : 100 + code);
}

/*
 * init (pid 1) with c2 and c3, and c3's child c4: each writes "BEFORE
 * <name> <getpid()> <getppid()>" to ct.log; the children sleep in read()
 * on a pipe from init, which sleeps in pause(). SIGUSR1 to init: it
 * writes a byte for each, they write "AFTER ..." lines and exit, init
 * reaps them and exits 0 if each exited as it should.
 */
static void ct_pids_init(void *arg)
{
	int log = ct_open_log(), gp[2], st2, st3;
	pid_t c2, c3;

	set_name("ct-init");
	go_handler();
	if (pipe(gp))
		_exit(126);
	c2 = fork();
	if (c2 == 0) {
		close(gp[1]);
		ct_child(log, gp[0], "c2", 2, 0);
	}
	c3 = fork();
	if (c3 == 0) {
		pid_t c4;

		close(gp[1]);
		c4 = fork();
		if (c4 == 0)
			ct_child(log, gp[0], "c4", 4, 0);
		ct_child(log, gp[0], "c3", 3, c4);
	}
	close(gp[0]);
	ct_line(log, "BEFORE init %d %d", getpid(), getppid());
	wait_go();
	full_write(gp[1], "xyz", 3);
	st2 = wait_child(c2);
	st3 = wait_child(c3);
	ct_line(log, "AFTER init %d %d c2=%d c3=%d", getpid(), getppid(), st2,
		st3);
	_exit(exited_with(st2, 2) && exited_with(st3, 3) ? 0 : 1);
}

/* pid and ppid of "<phase> <name> ..." in ct.log; false if missing */
static bool ct_pid_line(const char *text, const char *phase, const char *name,
			pid_t *pid, pid_t *ppid)
{
	char prefix[32];
	const char *p = text;

	snprintf(prefix, sizeof(prefix), "%s %s ", phase, name);
	while (p && *p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			return sscanf(p + strlen(prefix), "%d %d", pid,
				      ppid) == 2;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

/*
 * A container: init in its own pid namespace and cgroup, three more
 * processes. checkpoint(init, fd, 0, logfd) after freezing it, kill it,
 * restart(0, fd, 0, logfd): the root comes back in a new pid namespace,
 * as R's child in R's cgroup, and every process sees the pid and parent
 * it had.
 */
TEST_F_TIMEOUT(tree, container_keeps_pids, CK_TIMEOUT)
{
	static const char *const names[] = { "init", "c2", "c3", "c4" };
	static char text[8192];
	pid_t pid, ppid, pid2, ppid2;
	struct flow f = { 0 };
	const char *l;
	unsigned int i;
	int status;

	f.cg = cg_new(_metadata, "ct");
	f.root = ct_start(f.cg, ct_pids_init, NULL, -1);
	ASSERT_LT(0, f.root);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char needle[32];

		snprintf(needle, sizeof(needle), "BEFORE %s ", names[i]);
		ASSERT_TRUE(wait_file(ck_path("ct.log"), needle, TR_SECS))
			TH_LOG("no \"%s\" in ct.log", needle);
	}
	wait_blocked(_metadata, f.cg, 4);

	flow_checkpoint(_metadata, &f, 0);
	EXPECT_EQ(4, f.npids);
	EXPECT_TRUE((f.img_flags & CKPT_IMG_CONTAINER) != 0);
	EXPECT_EQ(1, f.pids[0].pid);
	flow_kill(_metadata, &f);

	flow_restart(_metadata, &f, ck.img, NULL, 0);
	l = ck_line("ROOT-NSPID ");
	EXPECT_NE(NULL, l);
	if (l) {
		char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		/* "\t<pid in our namespace>\t1": init of a new namespace */
		EXPECT_TRUE(len >= 2 && l[len - 1] == '1' &&
			    isspace((unsigned char)l[len - 2]))
			TH_LOG("NSpid of the restored root:%.*s", (int)len, l);
	}
	EXPECT_NE(NULL, ck_line("ROOT-CG same"))
		TH_LOG("the restored root is not in its restarter's cgroup");
	EXPECT_TRUE(poke_until_file(f.new_root, ck_path("ct.log"),
				    "AFTER init ", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored init %s",
						   ck_status_str(status));

	ASSERT_LT(0, ck_read_file(ck_path("ct.log"), text, sizeof(text)));
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		pid = -1;
		ppid = -1;
		pid2 = -1;
		ppid2 = -1;
		EXPECT_TRUE(ct_pid_line(text, "BEFORE", names[i], &pid, &ppid));
		EXPECT_TRUE(ct_pid_line(text, "AFTER", names[i], &pid2, &ppid2))
			TH_LOG("%s did not run after the restart", names[i]);
		EXPECT_EQ(pid, pid2) TH_LOG("getpid() of %s", names[i]);
		EXPECT_EQ(ppid, ppid2) TH_LOG("getppid() of %s", names[i]);
	}
	EXPECT_TRUE(ct_pid_line(text, "AFTER", "init", &pid, &ppid));
	EXPECT_EQ(1, pid);
	EXPECT_EQ(0, ppid);
}

/* ==== 4. tasks frozen inside system calls =============================== */

#define SLEEP_SECS	3
/*
 * A wait reports its start time t0 right before its system call, which
 * computes its deadline a little later: the time it has left at the
 * checkpoint may exceed t0 + timeout - checkpoint time by that much.
 */
#define START_SLACK	(50 * MSEC)

static void bs_sleeper(void)
{
	struct timespec req = { SLEEP_SECS, 0 }, rem = { 0, 0 };
	long long t0, t1;
	int ret, err;

	set_name("bs-sleep");
	t0 = mono_ns();
	ck_report("S-START %d %lld", getpid(), t0);
	ret = nanosleep(&req, &rem);
	err = errno;
	t1 = mono_ns();
	ck_report("S-WOKE %d ret=%d errno=%d t1=%lld", getpid(), ret,
		  ret ? err : 0, t1);
	_exit(ret ? 1 : 0);
}

static void bs_ps_handler(int sig)
{
	static const char msg[] = "PS-HANDLER\n";

	go = 1;
	if (write(CK_REPORT_FD, msg, sizeof(msg) - 1) < 0)
		go = 2;
}

/* pause() until SIGUSR1, then a byte into @wfd */
static void bs_pauser(int wfd)
{
	struct sigaction sa = { .sa_handler = bs_ps_handler };
	int ret, err;

	set_name("bs-pause");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	ck_report("PS-READY %d", getpid());
	ret = pause();
	err = errno;
	ck_report("PS-WOKE %d ret=%d errno=%d go=%d", getpid(), ret, err,
		  (int)go);
	full_write(wfd, "x", 1);
	_exit(ret == -1 && err == EINTR && go == 1 ? 0 : 1);
}

/* read() a byte from the empty @rfd, then a byte into @wfd */
static void bs_reader(int rfd, int wfd)
{
	char c = 0;
	ssize_t n;

	set_name("bs-read");
	ck_report("RD-READY %d", getpid());
	n = read(rfd, &c, 1);
	ck_report("RD-GOT %d n=%zd c=%c", getpid(), n, c ? c : '0');
	full_write(wfd, "y", 1);
	_exit(n == 1 && c == 'x' ? 0 : 1);
}

/* The child its parent waits for: read() a byte, exit 7 */
static void bs_waited(int rfd)
{
	char c = 0;
	ssize_t n;

	set_name("bs-waited");
	ck_report("W-READY %d", getpid());
	n = read(rfd, &c, 1);
	ck_report("W-GOT %d n=%zd c=%c", getpid(), n, c ? c : '0');
	_exit(n == 1 && c == 'y' ? 7 : 1);
}

static pthread_mutex_t fx_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fx_cond = PTHREAD_COND_INITIALIZER;
static int fx_flag;

static void *fx_waiter(void *arg)
{
	pthread_mutex_lock(&fx_mtx);
	while (!fx_flag)
		pthread_cond_wait(&fx_cond, &fx_mtx);
	pthread_mutex_unlock(&fx_mtx);
	return (void *)42L;
}

/* A thread in pthread_cond_wait(), no timeout; main in pause() */
static void bs_futex(void)
{
	sigset_t usr1;
	pthread_t th;
	void *res = NULL;

	set_name("bs-futex");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	CK_ASSERT(!pthread_create(&th, NULL, fx_waiter, NULL), "pthread_create");
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	go_handler();
	ck_report("FX-READY %d", getpid());
	wait_go();
	pthread_mutex_lock(&fx_mtx);
	fx_flag = 1;
	pthread_cond_signal(&fx_cond);
	pthread_mutex_unlock(&fx_mtx);
	pthread_join(th, &res);
	ck_report("FX-JOINED %d res=%ld", getpid(), (long)res);
	_exit((long)res == 42 ? 0 : 1);
}

/*
 * root: waitpid() on W, which read()s from q
 * PS: pause() --SIGUSR1--> writes p;  RD: read()s p, writes q
 * FX: a thread in pthread_cond_wait(), main in pause()
 * S: nanosleep() for SLEEP_SECS
 */
static void bs_root(void *arg)
{
	int p[2], q[2], sw, srd, sps, sfx, ss;
	pid_t w, rd, ps, fx, s, r;

	enter_cg(tr_cgpath);
	set_name("bs-root");
	CK_ASSERT(!pipe(p) && !pipe(q), "pipe");
	w = fork();
	if (w == 0) {
		close(p[0]);
		close(p[1]);
		close(q[1]);
		bs_waited(q[0]);
	}
	rd = fork();
	if (rd == 0) {
		close(p[1]);
		close(q[0]);
		bs_reader(p[0], q[1]);
	}
	ps = fork();
	if (ps == 0) {
		close(p[0]);
		close(q[0]);
		close(q[1]);
		bs_pauser(p[1]);
	}
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	fx = fork();
	if (fx == 0)
		bs_futex();
	s = fork();
	if (s == 0)
		bs_sleeper();
	ck_report("ROOT-READY %d", getpid());
	do {
		r = waitpid(w, &sw, 0);
	} while (r < 0 && errno == EINTR);
	ck_report("ROOT-WAITED %d w=%d status=%d", getpid(), r, sw);
	srd = wait_child(rd);
	sps = wait_child(ps);
	sfx = wait_child(fx);
	ss = wait_child(s);
	ck_report("ROOT-REAPED rd=%d ps=%d fx=%d s=%d", srd, sps, sfx, ss);
	_exit((r == w && exited_with(sw, 7) ? 0 : 1) |
	      (exited_with(srd, 0) ? 0 : 2) | (exited_with(sps, 0) ? 0 : 4) |
	      (exited_with(sfx, 0) ? 0 : 8) | (exited_with(ss, 0) ? 0 : 16));
}

/* The CPU record of the task at tree index @idx (all tasks alive) */
static bool image_cpu(const char *path, int idx, struct ckpt_hdr_cpu *cpu)
{
	struct ckpt_image img;
	long off;

	if (ckpt_image_load(path, &img))
		return false;
	off = ckpt_image_find(&img, CKPT_HDR_CPU, idx);
	if (off >= 0)
		memcpy(cpu, img.data + off, sizeof(*cpu));
	ckpt_image_free(&img);
	return off >= 0;
}

/*
 * Tasks frozen in waitpid(), read() on an empty pipe, pause(),
 * pthread_cond_wait() and nanosleep(): after the restart each is back
 * in its call; data, signals and exiting children wake them as they
 * would have; the sleeper sleeps only the time it had left.
 */
TEST_F_TIMEOUT(tree, blocked_in_syscalls, CK_TIMEOUT)
{
	static const char *const ready[] = {
		"ROOT-READY ", "W-READY ", "RD-READY ", "PS-READY ",
		"FX-READY ", "S-START ",
	};
	long long t0, t1 = 0, lo, hi, now;
	struct ckpt_hdr_cpu cpu;
	pid_t s, w, ps, fx;
	struct flow f = { 0 };
	const char *l;
	unsigned int i;
	int status, idx;

	f.cg = cg_new(_metadata, "blocked");
	snprintf(tr_cgpath, sizeof(tr_cgpath), "%s", f.cg);
	f.root = ck_spawn(NULL, 0, bs_root, NULL);
	ASSERT_LT(0, f.root);
	for (i = 0; i < ARRAY_SIZE(ready); i++) {
		const char *what = ready[i];

		ASSERT_NE(NULL, wait_line(what, TR_SECS))
			TH_LOG("no \"%s\"", what);
	}
	s = line_num("S-START ");
	w = line_num("W-READY ");
	ps = line_num("PS-READY ");
	fx = line_num("FX-READY ");
	ASSERT_EQ(2, sscanf(ck_line("S-START "), "%d %lld", &s, &t0));
	/* root, W, RD, PS, FX (two threads), S */
	wait_blocked(_metadata, f.cg, 7);

	/* checkpoint half way through the sleep */
	now = mono_ns();
	if (now < t0 + 1500 * MSEC)
		usleep((t0 + 1500 * MSEC - now) / 1000);
	ASSERT_LT(mono_ns(), t0 + 2500 * MSEC)
		TH_LOG("too slow: the sleeper is about to wake up");
	flow_checkpoint(_metadata, &f, CHECKPOINT_SUBTREE);
	EXPECT_EQ(7, f.npids);

	/* the image holds the time the sleeper had left */
	idx = tree_index(f.pids, f.npids, s);
	ASSERT_LE(0, idx);
	ASSERT_TRUE(image_cpu(ck.img, idx, &cpu));
	EXPECT_EQ((__u32)CKPT_RB_NANOSLEEP, cpu.rb.kind);
	EXPECT_LE(t0 + SLEEP_SECS * NSEC - f.tc_after, cpu.rb.remaining);
	EXPECT_GE(t0 + SLEEP_SECS * NSEC - f.tc_before + START_SLACK,
		  cpu.rb.remaining);

	flow_kill(_metadata, &f);
	usleep(500000);		/* the sleeper must not count this */

	flow_restart(_metadata, &f, ck.img, NULL, 0);
	EXPECT_EQ(f.root, f.new_root);
	EXPECT_TRUE(poke_until(ps, "PS-WOKE ", TR_SECS));
	EXPECT_TRUE(poke_until(fx, "FX-JOINED ", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));

	/* waitpid() on a child that exited after the restart */
	l = ck_line("ROOT-WAITED ");
	EXPECT_NE(NULL, l);
	if (l) {
		pid_t r;
		int sw;

		EXPECT_EQ(2, sscanf(l, "%*d w=%d status=%d", &r, &sw));
		EXPECT_EQ(w, r);
		EXPECT_TRUE(exited_with(sw, 7)) TH_LOG("status %d", sw);
	}
	/* read() on an empty pipe, the data coming after the restart */
	EXPECT_NE(NULL, strstr(ck_line("RD-GOT ") ?: "", "n=1 c=x\n"));
	EXPECT_NE(NULL, strstr(ck_line("W-GOT ") ?: "", "n=1 c=y\n"));
	/* pause(): the handler ran, pause() returned EINTR */
	EXPECT_NE(NULL, ck_line("PS-HANDLER"));
	EXPECT_NE(NULL, strstr(ck_line("PS-WOKE ") ?: "",
			       "ret=-1 errno=4 go=1\n"));
	/* futex wait */
	EXPECT_NE(NULL, strstr(ck_line("FX-JOINED ") ?: "", "res=42\n"));

	/* nanosleep(): the time left at the checkpoint, from the restart */
	l = ck_line("S-WOKE ");
	EXPECT_NE(NULL, l);
	if (l) {
		EXPECT_NE(NULL, strstr(l, "ret=0 errno=0 "));
		l = strstr(l, "t1=");
		if (l)
			t1 = strtoll(l + 3, NULL, 10);
	}
	lo = t0 + SLEEP_SECS * NSEC + (f.tr_before - f.tc_after) - 20 * MSEC;
	hi = t0 + SLEEP_SECS * NSEC + (f.tr_after - f.tc_before) + 700 * MSEC;
	EXPECT_LE(lo, t1);
	EXPECT_GE(hi, t1)
		TH_LOG("slept %lld ms in all (%d s asked); frozen at %lld ms, restarted after %lld ms more: %s",
		       (t1 - t0) / MSEC, SLEEP_SECS, (f.tc_before - t0) / MSEC,
		       (f.tr_before - f.tc_after) / MSEC,
		       t1 >= f.tr_before + SLEEP_SECS * NSEC ?
		       "it slept all over again" : "too long");
	TH_LOG("sleeper: slept %lld ms, %lld ms of it after the checkpoint, expected %lld..%lld",
	       (t1 - t0) / MSEC, (t1 - f.tc_after) / MSEC, (lo - t0) / MSEC,
	       (hi - t0) / MSEC);
}

/* ==== 5. timed waits resume after a restart ============================ */

/*
 * A task frozen in a futex wait with a timeout or in poll() leaves the
 * call with -ERESTART_RESTARTBLOCK. The image describes the wait (the
 * clock, the futex word or the pollfd array, the time left when it was
 * checkpointed) and restart_syscall() resumes it: it ends that much time
 * after the restart, and the event it waits for still wakes it before.
 * select() and ppoll() leave with -ERESTARTNOHAND after writing the time
 * left into their argument, and are called again with it.
 *
 * Each waiter reports "<TAG>-START <tid> <t0>" right before its call (t0:
 * CLOCK_MONOTONIC; no wait starts before it), and "<TAG>-DONE ... t1=<ns>"
 * when it returns. A wait that times out must end no earlier than t0 plus
 * its timeout plus the time between checkpoint and restart, and not much
 * later; one that is woken must be woken before its deadline.
 */

#define TW_LONG_SECS	20	/* a wait that something wakes before */
#define TW_DATA		0x5eed

/* what a system call interrupted by the freezer left in ax */
#define TW_ERESTARTNOHAND		-514
#define TW_ERESTART_RESTARTBLOCK	-516

#ifndef FUTEX_BITSET_MATCH_ANY
#define FUTEX_BITSET_MATCH_ANY	0xffffffff
#endif

static long tw_futex(uint32_t *uaddr, int op, uint32_t val,
		     const struct timespec *ts, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

/* Reported as "<tag>-DONE rc=<rc> errno=<e> ... t1=<ns>" by the waiters */
static long long done_t1(const char *done)
{
	const char *l = ck_line(done);

	l = l ? strstr(l, "t1=") : NULL;
	return l ? strtoll(l + 3, NULL, 10) : 0;
}

/* "<tag>-START <tid> <t0>" */
static void start_line(struct __test_metadata *_metadata, const char *start,
		       pid_t *tid, long long *t0)
{
	const char *l = wait_line(start, TR_SECS);

	ASSERT_NE(NULL, l) TH_LOG("no \"%s\"", start);
	ASSERT_EQ(2, sscanf(l, "%d %lld", tid, t0));
}

/*
 * Is @tid asleep inside the system call @nr? After a restart, a task
 * that resumes a wait through restart_syscall() shows its number
 * (__NR_restart_syscall) only once it is back in the wait.
 */
static bool wait_in_syscall(pid_t tid, long nr, int secs)
{
	long long end = mono_ns() + secs * NSEC;
	char path[64], text[512], *p;

	for (;;) {
		snprintf(path, sizeof(path), "/proc/%d/stat", tid);
		if (ck_read_file(path, text, sizeof(text)) > 0) {
			p = strrchr(text, ')');
			if (p && p[1] == ' ' && p[2] == 'S') {
				snprintf(path, sizeof(path), "/proc/%d/syscall",
					 tid);
				if (ck_read_file(path, text, sizeof(text)) > 0 &&
				    isdigit((unsigned char)text[0]) &&
				    strtol(text, NULL, 10) == nr)
					return true;
			}
		}
		if (mono_ns() > end)
			return false;
		usleep(10000);
	}
}

/* The CPU record of the task @tid of the image of @f */
static void tid_cpu(struct __test_metadata *_metadata, const struct flow *f,
		    pid_t tid, struct ckpt_hdr_cpu *cpu)
{
	int idx = tree_index(f->pids, f->npids, tid);

	ASSERT_LE(0, idx) TH_LOG("tid %d is not in the image", tid);
	ASSERT_TRUE(image_cpu(ck.img, idx, cpu));
}

/*
 * The restart block of a wait of @secs that started at @t0 holds the time
 * it had left when checkpoint() looked at it.
 */
static void expect_remaining(struct __test_metadata *_metadata,
			     const struct flow *f, const struct ckpt_hdr_cpu *cpu,
			     long long t0, long long secs)
{
	EXPECT_LE(t0 + secs * NSEC - f->tc_after, cpu->rb.remaining);
	EXPECT_GE(t0 + secs * NSEC - f->tc_before + START_SLACK,
		  cpu->rb.remaining)
		TH_LOG("a wait of %lld s, checkpointed %lld ms after it began, had %lld ms left",
		       secs, (f->tc_before - t0) / MSEC,
		       (long long)cpu->rb.remaining / MSEC);
}

/*
 * A wait of @secs that started at @t0 and timed out at @t1: it waited the
 * time it had left at the checkpoint (or, for select() and ppoll(), at the
 * freeze, @tf) from the restart on. The whole wait is a little longer than
 * @secs: the time between checkpoint and restart is not counted.
 */
static void expect_timed_out(struct __test_metadata *_metadata,
			     const struct flow *f, const char *what,
			     long long t0, long long t1, long long secs,
			     long long tf)
{
	long long lo, hi;

	lo = t0 + secs * NSEC + (f->tr_before - f->tc_after) - 20 * MSEC;
	hi = t0 + secs * NSEC + (f->tr_after - tf) + 700 * MSEC;
	EXPECT_NE(0, t1) TH_LOG("%s: no end time", what);
	EXPECT_LE(SLEEP_SECS * 1000 - 50, (t1 - t0) / MSEC)
		TH_LOG("%s: ended before its timeout", what);
	EXPECT_LE(lo, t1);
	EXPECT_GE(hi, t1)
		TH_LOG("%s: waited %lld ms in all (%lld s asked); frozen at %lld ms, restarted after %lld ms more: %s",
		       what, (t1 - t0) / MSEC, secs, (f->tc_before - t0) / MSEC,
		       (f->tr_before - f->tc_after) / MSEC,
		       t1 >= f->tr_before + secs * NSEC ?
		       "it waited all over again" : "too long");
	TH_LOG("%s: waited %lld ms, %lld ms of it after the restart, expected %lld..%lld",
	       what, (t1 - t0) / MSEC, (t1 - f->tr_after) / MSEC,
	       (lo - t0) / MSEC, (hi - t0) / MSEC);
}

/*
 * Start @fn as the root of a tree in a new cgroup, wait for the lines
 * @ready and for @nthreads threads asleep in system calls.
 */
static void tw_start(struct __test_metadata *_metadata, struct flow *f,
		     const char *name, void (*fn)(void *), void *arg,
		     const char *const *ready, int nready, int nthreads)
{
	int i;

	f->cg = cg_new(_metadata, name);
	snprintf(tr_cgpath, sizeof(tr_cgpath), "%s", f->cg);
	tr_reset();
	f->root = ck_spawn(NULL, 0, fn, arg);
	ASSERT_LT(0, f->root);
	for (i = 0; i < nready; i++)
		ASSERT_NE(NULL, wait_line(ready[i], TR_SECS))
			TH_LOG("no \"%s\"", ready[i]);
	wait_blocked(_metadata, f->cg, nthreads);
}

/*
 * Checkpoint half way through the short waits that began at @t0 (0: no
 * short wait, at once); the time the freeze began goes to @tf.
 */
static void tw_checkpoint(struct __test_metadata *_metadata, struct flow *f,
			  long long t0, long long *tf)
{
	long long now = mono_ns();

	if (t0 && now < t0 + 1500 * MSEC)
		usleep((t0 + 1500 * MSEC - now) / 1000);
	if (t0)
		ASSERT_LT(mono_ns(), t0 + (SLEEP_SECS * 1000 - 500) * MSEC)
			TH_LOG("too slow: the waits are about to time out");
	*tf = mono_ns();
	flow_checkpoint(_metadata, f, CHECKPOINT_SUBTREE);
}

/* Kill the originals, let some time pass, restart the image */
static void tw_restart(struct __test_metadata *_metadata, struct flow *f)
{
	flow_kill(_metadata, f);
	usleep(500000);		/* the waits must not count this */
	flow_restart(_metadata, f, ck.img, NULL, 0);
	EXPECT_EQ(f->root, f->new_root);
}

/* ---- pthread_cond_timedwait() ----------------------------------------- */

static pthread_mutex_t tw_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tw_cond = PTHREAD_COND_INITIALIZER;
static int tw_data;		/* what the signaller set, under tw_mtx */

/* pthread_cond_timedwait() until @arg seconds from now (CLOCK_REALTIME) */
static void *tw_cond_waiter(void *arg)
{
	long secs = (long)arg;
	struct timespec deadline;
	long long t0;
	int rc, data;

	pthread_mutex_lock(&tw_mtx);
	t0 = mono_ns();
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += secs;
	ck_report("CW-START %d %lld", gettid(), t0);
	do {
		rc = pthread_cond_timedwait(&tw_cond, &tw_mtx, &deadline);
	} while (rc == 0 && !tw_data);
	data = tw_data;
	pthread_mutex_unlock(&tw_mtx);
	ck_report("CW-DONE rc=%d data=%#x t1=%lld", rc, data, mono_ns());
	return (void *)(long)rc;
}

/*
 * A thread in pthread_cond_timedwait() for @arg seconds. Short: main
 * waits in pthread_join() for it to time out. Long: main waits in
 * pause() for SIGUSR1, then sets tw_data and signals the condition.
 */
static void tw_cond_root(void *arg)
{
	long secs = (long)arg;
	sigset_t usr1;
	pthread_t th;
	void *res = NULL;

	enter_cg(tr_cgpath);
	set_name("tw-cond");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	CK_ASSERT(!pthread_create(&th, NULL, tw_cond_waiter, (void *)secs),
		  "pthread_create");
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	go_handler();
	ck_report("CW-READY %d", getpid());
	if (secs != SLEEP_SECS) {
		wait_go();
		pthread_mutex_lock(&tw_mtx);
		tw_data = TW_DATA;
		pthread_cond_signal(&tw_cond);
		pthread_mutex_unlock(&tw_mtx);
		ck_report("CW-SIGNALLED");
	}
	pthread_join(th, &res);
	_exit((long)res == (secs == SLEEP_SECS ? ETIMEDOUT : 0) ? 0 : 1);
}

/*
 * The futex wait of pthread_cond_timedwait(): FUTEX_WAIT_BITSET on a word
 * of the condition variable, private, with an absolute CLOCK_REALTIME
 * deadline, any bit.
 */
static void expect_cond_rb(struct __test_metadata *_metadata,
			   const struct ckpt_hdr_cpu *cpu)
{
	uint64_t cond = (uintptr_t)&tw_cond;

	EXPECT_EQ((__u64)TW_ERESTART_RESTARTBLOCK, cpu->ax);
	EXPECT_EQ((__u32)CKPT_RB_FUTEX, cpu->rb.kind);
	EXPECT_EQ(CLOCK_REALTIME, cpu->rb.clockid);
	EXPECT_EQ(0U, cpu->rb.arg) TH_LOG("a process-private condition variable");
	EXPECT_EQ(FUTEX_BITSET_MATCH_ANY, cpu->rb.bitset);
	EXPECT_LE(cond, cpu->rb.addr);
	EXPECT_GT(cond + sizeof(tw_cond), cpu->rb.addr)
		TH_LOG("futex word %#llx, not in the condition variable at %#llx",
		       (unsigned long long)cpu->rb.addr,
		       (unsigned long long)cond);
	EXPECT_EQ(0ULL, cpu->rb.addr & 3);
	EXPECT_EQ(0U, cpu->rb.__reserved);
}

/*
 * pthread_cond_timedwait() checkpointed half way through its timeout
 * returns ETIMEDOUT after the time it had left, counted from the restart.
 */
TEST_F_TIMEOUT(tree, cond_timedwait_times_out, CK_TIMEOUT)
{
	static const char *const ready[] = { "CW-READY ", "CW-START " };
	struct ckpt_hdr_cpu cpu;
	struct flow f = { 0 };
	long long t0, tf;
	const char *l;
	pid_t tid;
	int status;

	tw_start(_metadata, &f, "condtw", tw_cond_root, (void *)SLEEP_SECS,
		 ready, ARRAY_SIZE(ready), 2);
	start_line(_metadata, "CW-START ", &tid, &t0);
	tw_checkpoint(_metadata, &f, t0, &tf);
	EXPECT_EQ(2, f.npids);

	tid_cpu(_metadata, &f, tid, &cpu);
	expect_cond_rb(_metadata, &cpu);
	expect_remaining(_metadata, &f, &cpu, t0, SLEEP_SECS);
	/* main in pthread_join(): a futex wait without a timeout */
	tid_cpu(_metadata, &f, f.root, &cpu);
	EXPECT_EQ((__u32)CKPT_RB_NONE, cpu.rb.kind);

	tw_restart(_metadata, &f);
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));
	l = ck_line("CW-DONE ");
	ASSERT_NE(NULL, l) TH_LOG("the wait did not end");
	EXPECT_NE(NULL, strstr(l, "rc=110 data=0 "))
		TH_LOG("CW-DONE %.60s (expected ETIMEDOUT)", l);
	expect_timed_out(_metadata, &f, "pthread_cond_timedwait", t0,
			 done_t1("CW-DONE "), SLEEP_SECS, f.tc_before);
}

/*
 * pthread_cond_timedwait() with a long timeout, back in its wait after
 * the restart, is woken by pthread_cond_signal(): it returns 0 with the
 * data the signaller set, long before its deadline.
 */
TEST_F_TIMEOUT(tree, cond_timedwait_signalled, CK_TIMEOUT)
{
	static const char *const ready[] = { "CW-READY ", "CW-START " };
	struct ckpt_hdr_cpu cpu;
	struct flow f = { 0 };
	long long t0, t1, tf;
	const char *l;
	pid_t tid;
	int status;

	tw_start(_metadata, &f, "condsig", tw_cond_root, (void *)TW_LONG_SECS,
		 ready, ARRAY_SIZE(ready), 2);
	start_line(_metadata, "CW-START ", &tid, &t0);
	tw_checkpoint(_metadata, &f, 0, &tf);
	EXPECT_EQ(2, f.npids);

	tid_cpu(_metadata, &f, tid, &cpu);
	expect_cond_rb(_metadata, &cpu);
	expect_remaining(_metadata, &f, &cpu, t0, TW_LONG_SECS);

	tw_restart(_metadata, &f);
	/* back in the futex wait, through restart_syscall() */
	EXPECT_TRUE(wait_in_syscall(tid, __NR_restart_syscall, TR_SECS))
		TH_LOG("the waiter is not back in its wait");
	EXPECT_TRUE(poke_until(f.root, "CW-DONE ", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));
	EXPECT_NE(NULL, ck_line("CW-SIGNALLED"));
	l = ck_line("CW-DONE ");
	ASSERT_NE(NULL, l) TH_LOG("the wait did not end");
	EXPECT_NE(NULL, strstr(l, "rc=0 data=0x5eed "))
		TH_LOG("CW-DONE %.60s (expected 0 and the data)", l);
	t1 = done_t1("CW-DONE ");
	EXPECT_LT(f.tr_before, t1);
	EXPECT_GT(t0 + (TW_LONG_SECS - 1) * NSEC, t1)
		TH_LOG("woken %lld ms after it began: by its timeout?",
		       (t1 - t0) / MSEC);
}

/* ---- raw futex waits ---------------------------------------------------- */

/* the futex words, each with the value its waiter expects */
static uint32_t fw_rel = 7, fw_abs = 9, fw_shared = 0x55;

#define FW_BITSET_ABS		0x0ff
#define FW_BITSET_SHARED	0x0f0

/*
 * FW1: FUTEX_WAIT_PRIVATE with a relative timeout (CLOCK_MONOTONIC);
 * FW2: FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME with an absolute
 * deadline; both time out. FW3: FUTEX_WAIT_BITSET, shared (no
 * FUTEX_PRIVATE_FLAG), absolute CLOCK_MONOTONIC deadline far away, bits
 * FW_BITSET_SHARED: woken.
 */
static void *fw_waiter(void *arg)
{
	int which = (int)(long)arg, err;
	struct timespec ts;
	long long t0;
	long ret = -1;

	t0 = mono_ns();
	ck_report("FW%d-START %d %lld", which, gettid(), t0);
	switch (which) {
	case 1:
		ts = (struct timespec){ SLEEP_SECS, 0 };
		ret = tw_futex(&fw_rel, FUTEX_WAIT_PRIVATE, 7, &ts, 0);
		break;
	case 2:
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += SLEEP_SECS;
		ret = tw_futex(&fw_abs, FUTEX_WAIT_BITSET_PRIVATE |
			       FUTEX_CLOCK_REALTIME, 9, &ts, FW_BITSET_ABS);
		break;
	case 3:
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += TW_LONG_SECS;
		ret = tw_futex(&fw_shared, FUTEX_WAIT_BITSET, 0x55, &ts,
			       FW_BITSET_SHARED);
		break;
	}
	err = ret ? errno : 0;
	ck_report("FW%d-DONE ret=%ld errno=%d word=%#x t1=%lld", which, ret,
		  err, which == 3 ? __atomic_load_n(&fw_shared, __ATOMIC_SEQ_CST) : 0,
		  mono_ns());
	return (void *)ret;
}

/*
 * Three waiter threads; main in pause() until SIGUSR1, then it wakes FW3:
 * a wake with other bits and a private wake must not wake it (0), a
 * shared wake with one of its bits does (1).
 */
static void fw_root(void *arg)
{
	long n1, n2, n3;
	sigset_t usr1;
	pthread_t th[3];
	int i;

	enter_cg(tr_cgpath);
	set_name("tw-futex");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	for (i = 0; i < 3; i++)
		CK_ASSERT(!pthread_create(&th[i], NULL, fw_waiter,
					  (void *)(long)(i + 1)),
			  "pthread_create");
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	go_handler();
	ck_report("FW-READY %d", getpid());
	wait_go();
	n1 = tw_futex(&fw_shared, FUTEX_WAKE_BITSET, 1, NULL, 0x100);
	n2 = tw_futex(&fw_shared, FUTEX_WAKE_PRIVATE, 1, NULL, 0);
	__atomic_store_n(&fw_shared, 0x56, __ATOMIC_SEQ_CST);
	n3 = tw_futex(&fw_shared, FUTEX_WAKE_BITSET, 1, NULL, 0x010);
	ck_report("FW-WOKE other-bits=%ld private=%ld shared=%ld", n1, n2, n3);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	_exit(n1 == 0 && n2 == 0 && n3 == 1 ? 0 : 1);
}

/*
 * Raw futex waits keep what they wait on: the word, the value, the bits,
 * private or shared, the clock and the time left. The two with a short
 * timeout time out after the time they had left; the shared one is woken
 * after the restart only by a wake that matches it.
 */
TEST_F_TIMEOUT(tree, futex_waits_resume, CK_TIMEOUT)
{
	static const char *const ready[] = {
		"FW-READY ", "FW1-START ", "FW2-START ", "FW3-START ",
	};
	static const struct {
		uint32_t *word;
		uint32_t val, bitset, arg;
		int clockid;
		long long secs;
	} want[3] = {
		{ &fw_rel, 7, FUTEX_BITSET_MATCH_ANY, 0, CLOCK_MONOTONIC,
		  SLEEP_SECS },
		{ &fw_abs, 9, FW_BITSET_ABS, 0, CLOCK_REALTIME, SLEEP_SECS },
		{ &fw_shared, 0x55, FW_BITSET_SHARED, CKPT_RB_FUTEX_SHARED,
		  CLOCK_MONOTONIC, TW_LONG_SECS },
	};
	long long t0[3], t1, tf;
	struct ckpt_hdr_cpu cpu;
	struct flow f = { 0 };
	char tag[16];
	const char *l;
	pid_t tid[3];
	int i, status;

	tw_start(_metadata, &f, "futex", fw_root, NULL, ready,
		 ARRAY_SIZE(ready), 4);
	for (i = 0; i < 3; i++) {
		snprintf(tag, sizeof(tag), "FW%d-START ", i + 1);
		start_line(_metadata, tag, &tid[i], &t0[i]);
	}
	tw_checkpoint(_metadata, &f, t0[0] < t0[1] ? t0[0] : t0[1], &tf);
	EXPECT_EQ(4, f.npids);

	for (i = 0; i < 3; i++) {
		tid_cpu(_metadata, &f, tid[i], &cpu);
		EXPECT_EQ((__u32)CKPT_RB_FUTEX, cpu.rb.kind) TH_LOG("FW%d", i + 1);
		EXPECT_EQ((uintptr_t)want[i].word, cpu.rb.addr) TH_LOG("FW%d", i + 1);
		EXPECT_EQ(want[i].val, cpu.rb.val) TH_LOG("FW%d", i + 1);
		EXPECT_EQ(want[i].bitset, cpu.rb.bitset) TH_LOG("FW%d", i + 1);
		EXPECT_EQ(want[i].arg, cpu.rb.arg) TH_LOG("FW%d", i + 1);
		EXPECT_EQ(want[i].clockid, cpu.rb.clockid) TH_LOG("FW%d", i + 1);
		EXPECT_EQ(0U, cpu.rb.__reserved);
		expect_remaining(_metadata, &f, &cpu, t0[i], want[i].secs);
	}
	tid_cpu(_metadata, &f, f.root, &cpu);
	EXPECT_EQ((__u32)CKPT_RB_NONE, cpu.rb.kind);

	tw_restart(_metadata, &f);
	EXPECT_TRUE(wait_in_syscall(tid[2], __NR_restart_syscall, TR_SECS))
		TH_LOG("FW3 is not back in its wait");
	EXPECT_TRUE(poke_until(f.root, "FW-WOKE ", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));
	l = ck_line("FW-WOKE ");
	EXPECT_NE(NULL, strstr(l ?: "", "other-bits=0 private=0 shared=1\n"))
		TH_LOG("FW-WOKE %.60s", l ?: "(none)");

	for (i = 0; i < 2; i++) {
		snprintf(tag, sizeof(tag), "FW%d-DONE ", i + 1);
		l = ck_line(tag);
		EXPECT_NE(NULL, strstr(l ?: "", "ret=-1 errno=110 "))
			TH_LOG("%s%.60s (expected ETIMEDOUT)", tag, l ?: "");
		snprintf(tag, sizeof(tag), "FW%d", i + 1);
		expect_timed_out(_metadata, &f, tag, t0[i],
				 done_t1(i ? "FW2-DONE " : "FW1-DONE "),
				 SLEEP_SECS, f.tc_before);
	}
	l = ck_line("FW3-DONE ");
	EXPECT_NE(NULL, strstr(l ?: "", "ret=0 errno=0 word=0x56 "))
		TH_LOG("FW3-DONE %.60s (expected woken)", l ?: "");
	t1 = done_t1("FW3-DONE ");
	EXPECT_LT(f.tr_before, t1);
	EXPECT_GT(t0[2] + (TW_LONG_SECS - 1) * NSEC, t1);
}

/* ---- poll() ------------------------------------------------------------- */

/* each poller's array: its address is in the image */
static struct pollfd pl_fds0[1], pl_fds1[2], pl_fds2[1];

/* poll() @nfds of @fds for @ms; report what it returned and read */
static void pl_poller(const char *tag, struct pollfd *fds, int nfds, int ms)
{
	char buf[64] = "", ev[32] = "";
	long long t0;
	int i, rc, err;
	ssize_t n = 0;

	set_name(tag);
	t0 = mono_ns();
	ck_report("%s-START %d %lld", tag, getpid(), t0);
	rc = poll(fds, nfds, ms);
	err = rc < 0 ? errno : 0;
	for (i = 0; i < nfds; i++)
		snprintf(ev + strlen(ev), sizeof(ev) - strlen(ev), "%s%#x",
			 i ? "," : "", fds[i].revents);
	if (rc > 0 && (fds[nfds - 1].revents & POLLIN))
		n = read(fds[nfds - 1].fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	ck_report("%s-DONE rc=%d errno=%d revents=%s data=%s t1=%lld", tag, rc,
		  err, ev, buf, mono_ns());
	_exit(0);
}

/* pause() until SIGUSR1, then a word into @wfd1 and @wfd2 (if >= 0) */
static void pl_writer(int wfd1, int wfd2)
{
	set_name("tw-writer");
	go_handler();
	ck_report("PW-READY %d", getpid());
	wait_go();
	full_write(wfd1, "DATA-ONE", 8);
	if (wfd2 >= 0)
		full_write(wfd2, "DATA-TWO", 8);
	ck_report("PW-WROTE");
	_exit(0);
}

/*
 * @arg 0: P0 poll()s an empty pipe for SLEEP_SECS.
 * @arg 1: P1 poll()s two pipes for TW_LONG_SECS, P2 one pipe with no
 * timeout; W writes into the second of P1's and into P2's after SIGUSR1.
 * The root waits for its children.
 */
static void pl_root(void *arg)
{
	int woken = (int)(long)arg, e[2], d1[2], d2[2], i, st, bad = 0;
	pid_t c[3];
	int nc = 0;

	enter_cg(tr_cgpath);
	set_name("tw-poll");
	CK_ASSERT(!pipe(e) && !pipe(d1) && !pipe(d2), "pipe");
	if (!woken) {
		c[nc] = fork();
		if (c[nc] == 0) {
			/* it keeps the write end: no POLLHUP */
			pl_fds0[0] = (struct pollfd){ .fd = e[0], .events = POLLIN };
			pl_poller("P0", pl_fds0, 1, SLEEP_SECS * 1000);
		}
		nc++;
	} else {
		c[nc] = fork();
		if (c[nc] == 0) {
			/* write ends kept: the writer's exit is no POLLHUP */
			pl_fds1[0] = (struct pollfd){ .fd = e[0], .events = POLLIN };
			pl_fds1[1] = (struct pollfd){ .fd = d1[0], .events = POLLIN };
			pl_poller("P1", pl_fds1, 2, TW_LONG_SECS * 1000);
		}
		nc++;
		c[nc] = fork();
		if (c[nc] == 0) {
			pl_fds2[0] = (struct pollfd){ .fd = d2[0], .events = POLLIN };
			pl_poller("P2", pl_fds2, 1, -1);
		}
		nc++;
		c[nc] = fork();
		if (c[nc] == 0) {
			close(d1[0]);
			close(d2[0]);
			pl_writer(d1[1], d2[1]);
		}
		nc++;
	}
	close(d1[0]);
	close(d1[1]);
	close(d2[0]);
	close(d2[1]);
	ck_report("PL-READY %d", getpid());
	for (i = 0; i < nc; i++) {
		st = wait_child(c[i]);
		bad |= !exited_with(st, 0) << i;
	}
	ck_report("PL-REAPED bad=%#x", bad);
	_exit(bad);
}

/* What a poller said: "rc=... revents=... data=..." */
static void expect_poll_done(struct __test_metadata *_metadata,
			     const char *done, const char *want)
{
	const char *l = ck_line(done);

	EXPECT_NE(NULL, strstr(l ?: "", want))
		TH_LOG("%s%.80s (expected %s)", done, l ?: "(none)", want);
}

/* The restart block of a poller: its array, nfds, time left */
static void expect_poll_rb(struct __test_metadata *_metadata,
			   const struct flow *f, pid_t pid,
			   const struct pollfd *fds, unsigned int nfds,
			   long long t0, long long secs)
{
	struct ckpt_hdr_cpu cpu;

	tid_cpu(_metadata, f, pid, &cpu);
	EXPECT_EQ((__u64)TW_ERESTART_RESTARTBLOCK, cpu.ax);
	EXPECT_EQ((__u64)__NR_poll, cpu.orig_ax);
	EXPECT_EQ((__u32)CKPT_RB_POLL, cpu.rb.kind);
	EXPECT_EQ(CLOCK_MONOTONIC, cpu.rb.clockid);
	EXPECT_EQ((uintptr_t)fds, cpu.rb.addr);
	EXPECT_EQ(nfds, cpu.rb.arg);
	EXPECT_EQ(0U, cpu.rb.val);
	EXPECT_EQ(0U, cpu.rb.bitset);
	EXPECT_EQ(0U, cpu.rb.__reserved);
	if (secs >= 0)
		expect_remaining(_metadata, f, &cpu, t0, secs);
	else
		EXPECT_EQ(-1, cpu.rb.remaining);
}

/*
 * poll() on an empty pipe with a timeout, checkpointed half way: it
 * returns 0 after the time it had left, counted from the restart.
 */
TEST_F_TIMEOUT(tree, poll_times_out, CK_TIMEOUT)
{
	static const char *const ready[] = { "PL-READY ", "P0-START " };
	struct flow f = { 0 };
	long long t0, tf;
	pid_t p0;
	int status;

	tw_start(_metadata, &f, "poll", pl_root, (void *)0L, ready,
		 ARRAY_SIZE(ready), 2);
	start_line(_metadata, "P0-START ", &p0, &t0);
	tw_checkpoint(_metadata, &f, t0, &tf);
	EXPECT_EQ(2, f.npids);
	expect_poll_rb(_metadata, &f, p0, pl_fds0, 1, t0, SLEEP_SECS);

	tw_restart(_metadata, &f);
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));
	expect_poll_done(_metadata, "P0-DONE ", "rc=0 errno=0 revents=0 data= ");
	expect_timed_out(_metadata, &f, "poll", t0, done_t1("P0-DONE "),
			 SLEEP_SECS, f.tc_before);
}

/*
 * poll() with a long timeout and poll() with none, back in their wait
 * after the restart, are woken by data written into their pipe then:
 * they return 1, with POLLIN on that pipe only, and read the data.
 */
TEST_F_TIMEOUT(tree, poll_woken_by_data, CK_TIMEOUT)
{
	static const char *const ready[] = {
		"PL-READY ", "P1-START ", "P2-START ", "PW-READY ",
	};
	long long t0[2], t1, tf;
	struct flow f = { 0 };
	pid_t p1, p2, w;
	int status;

	tw_start(_metadata, &f, "pollwake", pl_root, (void *)1L, ready,
		 ARRAY_SIZE(ready), 4);
	start_line(_metadata, "P1-START ", &p1, &t0[0]);
	start_line(_metadata, "P2-START ", &p2, &t0[1]);
	w = line_num("PW-READY ");
	tw_checkpoint(_metadata, &f, 0, &tf);
	EXPECT_EQ(4, f.npids);
	expect_poll_rb(_metadata, &f, p1, pl_fds1, 2, t0[0], TW_LONG_SECS);
	expect_poll_rb(_metadata, &f, p2, pl_fds2, 1, t0[1], -1);

	tw_restart(_metadata, &f);
	EXPECT_TRUE(wait_in_syscall(p1, __NR_restart_syscall, TR_SECS))
		TH_LOG("P1 is not back in poll()");
	EXPECT_TRUE(wait_in_syscall(p2, __NR_restart_syscall, TR_SECS))
		TH_LOG("P2 is not back in poll()");
	EXPECT_TRUE(poke_until(w, "PW-WROTE", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));
	expect_poll_done(_metadata, "P1-DONE ",
			 "rc=1 errno=0 revents=0,0x1 data=DATA-ONE ");
	expect_poll_done(_metadata, "P2-DONE ",
			 "rc=1 errno=0 revents=0x1 data=DATA-TWO ");
	t1 = done_t1("P1-DONE ");
	EXPECT_LT(f.tr_before, t1);
	EXPECT_GT(t0[0] + (TW_LONG_SECS - 1) * NSEC, t1);
	EXPECT_LT(f.tr_before, done_t1("P2-DONE "));
}

/* ---- select() and ppoll() ---------------------------------------------- */

/*
 * @which 0: select() on an empty pipe for SLEEP_SECS; 1: ppoll() the
 * same; 2: select() for TW_LONG_SECS, woken by data. Reports the timeval
 * select() left.
 */
static void sl_waiter(int which, int rfd)
{
	static const char *const tags[] = { "S0", "Q0", "S1" };
	struct timeval tv = { which == 2 ? TW_LONG_SECS : SLEEP_SECS, 0 };
	struct timespec ts = { SLEEP_SECS, 0 };
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	char buf[16] = "";
	long long t0;
	fd_set rfds;
	int rc, err;

	set_name(tags[which]);
	FD_ZERO(&rfds);
	FD_SET(rfd, &rfds);
	t0 = mono_ns();
	ck_report("%s-START %d %lld", tags[which], getpid(), t0);
	if (which == 1)
		rc = ppoll(&pfd, 1, &ts, NULL);
	else
		rc = select(rfd + 1, &rfds, NULL, NULL, &tv);
	err = rc < 0 ? errno : 0;
	if (rc > 0 && read(rfd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	ck_report("%s-DONE rc=%d errno=%d set=%d data=%s tv=%lld t1=%lld",
		  tags[which], rc, err,
		  which == 1 ? !!(pfd.revents & POLLIN) : FD_ISSET(rfd, &rfds),
		  buf, (long long)tv.tv_sec * 1000000 + tv.tv_usec, mono_ns());
	_exit(0);
}

/* S0, Q0 and S1 with a writer for S1 */
static void sl_root(void *arg)
{
	int e[2], d[2], i, st, bad = 0;
	pid_t c[4];

	enter_cg(tr_cgpath);
	set_name("tw-select");
	CK_ASSERT(!pipe(e) && !pipe(d), "pipe");
	for (i = 0; i < 3; i++) {
		c[i] = fork();
		if (c[i] == 0) {
			close(d[1]);
			sl_waiter(i, i == 2 ? d[0] : e[0]);
		}
	}
	c[3] = fork();
	if (c[3] == 0) {
		close(d[0]);
		pl_writer(d[1], -1);
	}
	close(d[0]);
	close(d[1]);
	ck_report("SL-READY %d", getpid());
	for (i = 0; i < 4; i++) {
		st = wait_child(c[i]);
		bad |= !exited_with(st, 0) << i;
	}
	_exit(bad);
}

/* A task frozen in select() or ppoll(): no restart block */
static void expect_nohand(struct __test_metadata *_metadata,
			  const struct flow *f, pid_t pid, bool ppoll,
			  struct ckpt_hdr_cpu *cpu)
{
	tid_cpu(_metadata, f, pid, cpu);
	EXPECT_EQ((__u64)TW_ERESTARTNOHAND, cpu->ax);
	if (ppoll) {
		EXPECT_EQ((__u64)__NR_ppoll, cpu->orig_ax);
	} else {
		EXPECT_TRUE(cpu->orig_ax == __NR_select ||
			    cpu->orig_ax == __NR_pselect6)
			TH_LOG("orig_ax %llu", (unsigned long long)cpu->orig_ax);
	}
	EXPECT_EQ((__u32)CKPT_RB_NONE, cpu->rb.kind);
	EXPECT_EQ(0, cpu->rb.remaining);
}

/*
 * select() and ppoll() with a timeout, checkpointed half way, return 0
 * after the time they had left when they were frozen; select() leaves 0
 * in its timeval. A select() with a long timeout, woken by data after the
 * restart, leaves in its timeval the time it had left: the time it waited
 * before the freeze and after the restart is gone from it, the time in
 * between is not.
 */
TEST_F_TIMEOUT(tree, select_ppoll_resume, CK_TIMEOUT)
{
	static const char *const ready[] = {
		"SL-READY ", "S0-START ", "Q0-START ", "S1-START ", "PW-READY ",
	};
	long long t0[3], t1, tf, tb, tv, used, lo, hi;
	struct ckpt_hdr_cpu cpu;
	struct flow f = { 0 };
	pid_t s0, q0, s1, w;
	const char *l;
	long s1_nr;
	int status;

	tw_start(_metadata, &f, "select", sl_root, NULL, ready,
		 ARRAY_SIZE(ready), 5);
	start_line(_metadata, "S0-START ", &s0, &t0[0]);
	start_line(_metadata, "Q0-START ", &q0, &t0[1]);
	start_line(_metadata, "S1-START ", &s1, &t0[2]);
	w = line_num("PW-READY ");
	tw_checkpoint(_metadata, &f, t0[0] < t0[1] ? t0[0] : t0[1], &tf);
	EXPECT_EQ(5, f.npids);
	expect_nohand(_metadata, &f, s0, false, &cpu);
	expect_nohand(_metadata, &f, q0, true, &cpu);
	expect_nohand(_metadata, &f, s1, false, &cpu);
	s1_nr = cpu.orig_ax;

	tw_restart(_metadata, &f);
	EXPECT_TRUE(wait_in_syscall(s1, s1_nr, TR_SECS))
		TH_LOG("S1 is not back in select()");
	tb = mono_ns();
	EXPECT_TRUE(poke_until(w, "PW-WROTE", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));

	l = ck_line("S0-DONE ");
	EXPECT_NE(NULL, strstr(l ?: "", "rc=0 errno=0 set=0 data= tv=0 "))
		TH_LOG("S0-DONE %.80s", l ?: "(none)");
	expect_timed_out(_metadata, &f, "select", t0[0], done_t1("S0-DONE "),
			 SLEEP_SECS, tf);
	l = ck_line("Q0-DONE ");
	EXPECT_NE(NULL, strstr(l ?: "", "rc=0 errno=0 set=0 "))
		TH_LOG("Q0-DONE %.80s", l ?: "(none)");
	expect_timed_out(_metadata, &f, "ppoll", t0[1], done_t1("Q0-DONE "),
			 SLEEP_SECS, tf);

	l = ck_line("S1-DONE ");
	EXPECT_NE(NULL, strstr(l ?: "", "rc=1 errno=0 set=1 data=DATA-ONE "))
		TH_LOG("S1-DONE %.80s", l ?: "(none)");
	l = l ? strstr(l, "tv=") : NULL;
	ASSERT_NE(NULL, l);
	tv = strtoll(l + 3, NULL, 10) * 1000;
	t1 = done_t1("S1-DONE ");
	/* waited: from t0 to the freeze, from the restart to t1 */
	used = TW_LONG_SECS * NSEC - tv;
	lo = (tf - t0[2]) + (t1 - tb) - 100 * MSEC;
	hi = (f.tc_before - t0[2]) + (t1 - f.tr_before) + 100 * MSEC;
	EXPECT_LE(lo, used);
	EXPECT_GE(hi, used);
	TH_LOG("select: %lld ms of its timeout used, expected %lld..%lld; %lld ms from start to end",
	       used / MSEC, lo / MSEC, hi / MSEC, (t1 - t0[2]) / MSEC);
}

/* ---- what cannot be saved yet ------------------------------------------ */

/* root: clock_nanosleep() on the CPU clock of B; B burns CPU after SIGUSR1 */
static void cn_root(void *arg)
{
	struct timespec ts = { 0, 200 * MSEC };
	clockid_t clk;
	long long end;
	pid_t b;
	int ret;

	enter_cg(tr_cgpath);
	set_name("tw-cpuclock");
	b = fork();
	if (b == 0) {
		set_name("tw-burner");
		go_handler();
		ck_report("CB-READY %d", getpid());
		wait_go();
		end = mono_ns() + TR_SECS * NSEC;
		while (mono_ns() < end)
			;
		_exit(1);
	}
	CK_ASSERT(!clock_getcpuclockid(b, &clk), "clock_getcpuclockid");
	ck_report("CN-READY %d", getpid());
	ret = clock_nanosleep(clk, 0, &ts, NULL);
	ck_report("CN-DONE ret=%d", ret);
	kill(b, SIGKILL);
	wait_child(b);
	_exit(ret);
}

/*
 * A relative clock_nanosleep() on a CPU-time clock has a restart block
 * that cannot be saved yet: EOPNOTSUPP with a log line, the tree stays
 * frozen, and once thawed the sleep goes on as if nothing happened.
 */
TEST_F_TIMEOUT(tree, refuse_cpu_clock_nanosleep, CK_TIMEOUT)
{
	static const char *const ready[] = { "CB-READY ", "CN-READY " };
	static char text[4096];
	struct flow f = { 0 };
	const char *l;
	int status;
	long ret;

	tw_start(_metadata, &f, "cpuclock", cn_root, NULL, ready,
		 ARRAY_SIZE(ready), 2);
	cg_freeze(_metadata, f.cg);
	ret = checkpoint_file(f.root, ck.img, CHECKPOINT_SUBTREE, NULL, NULL);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("%s", strerror(errno));
	EXPECT_LT(0, ck_read_file(ck.log, text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "restart block"))
		TH_LOG("no log line about the restart block");
	EXPECT_EQ(1, cg_key(f.cg, "frozen"));
	cg_thaw(_metadata, f.cg);

	EXPECT_TRUE(poke_until(line_num("CB-READY "), "CN-DONE ", TR_SECS));
	status = tr_wait(f.root, TR_SECS);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("after the thaw: %s",
						   ck_status_str(status));
	l = ck_line("CN-DONE ");
	ASSERT_NE(NULL, l) TH_LOG("the sleep did not end");
	EXPECT_NE(NULL, strstr(l, "ret=0\n")) TH_LOG("CN-DONE %.40s", l);
}

/* ==== 6. zombies ======================================================= */

/*
 * root: z1 exited 42, z2 killed by SIGTERM, both unreaped; m, alive, with
 * its own unreaped child z3 (exited 7). After SIGUSR1 the root reaps z1
 * and z2 with WNOHANG (they must be zombies already), wakes m, which
 * reaps z3.
 */
static void zb_root(void *arg)
{
	int st1 = -1, st2 = -1, stm;
	pid_t z1, z2, m, r1, r2;

	enter_cg(tr_cgpath);
	go_handler();
	set_name("zb-root");
	z1 = fork();
	if (z1 == 0)
		_exit(42);
	z2 = fork();
	if (z2 == 0) {
		signal(SIGTERM, SIG_DFL);
		kill(getpid(), SIGTERM);
		_exit(1);
	}
	m = fork();
	if (m == 0) {
		pid_t z3, r;
		int st = -1;

		set_name("zb-m");
		z3 = fork();
		if (z3 == 0)
			_exit(7);
		ck_report("M-READY %d %d", getpid(), z3);
		wait_go();
		r = waitpid(z3, &st, WNOHANG);
		ck_report("M-REAPED %d pid=%d status=%d", getpid(), r, st);
		_exit(r == z3 && exited_with(st, 7) ? 0 : 1);
	}
	ck_report("Z-READY %d %d %d %d", getpid(), z1, z2, m);
	wait_go();
	r1 = waitpid(z1, &st1, WNOHANG);
	r2 = waitpid(z2, &st2, WNOHANG);
	ck_report("Z-REAPED z1=%d status=%d z2=%d status=%d", r1, st1, r2, st2);
	stm = poke_reap(m, TR_SECS);
	ck_report("Z-M status=%d", stm);
	_exit((r1 == z1 && exited_with(st1, 42) ? 0 : 1) |
	      (r2 == z2 && st2 != -1 && WIFSIGNALED(st2) &&
	       WTERMSIG(st2) == SIGTERM ? 0 : 2) |
	      (exited_with(stm, 0) ? 0 : 4));
}

static bool wait_state(pid_t pid, char state, int secs)
{
	long long end = mono_ns() + secs * NSEC;

	while (proc_state(pid, NULL) != state) {
		if (mono_ns() > end)
			return false;
		usleep(10000);
	}
	return true;
}

/*
 * Children that exited and were not reaped at the checkpoint come back
 * as zombies of their parents, and wait() gets their exit statuses.
 */
TEST_F_TIMEOUT(tree, zombies, CK_TIMEOUT)
{
	pid_t root, z1, z2, m, z3, zs[3], ppid;
	int i, idx, status, r, st;
	struct flow f = { 0 };
	const char *l;

	f.cg = cg_new(_metadata, "zombies");
	snprintf(tr_cgpath, sizeof(tr_cgpath), "%s", f.cg);
	f.root = ck_spawn(NULL, 0, zb_root, NULL);
	ASSERT_LT(0, f.root);
	l = wait_line("Z-READY ", TR_SECS);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(4, sscanf(l, "%d %d %d %d", &root, &z1, &z2, &m));
	l = wait_line("M-READY ", TR_SECS);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(1, sscanf(l, "%*d %d", &z3));
	zs[0] = z1;
	zs[1] = z2;
	zs[2] = z3;
	for (i = 0; i < 3; i++) {
		pid_t z = zs[i];

		ASSERT_TRUE(wait_state(z, 'Z', TR_SECS))
			TH_LOG("pid %d is not a zombie", z);
	}
	wait_blocked(_metadata, f.cg, 2);

	flow_checkpoint(_metadata, &f, CHECKPOINT_SUBTREE);
	EXPECT_EQ(5, f.npids);
	for (i = 0; i < 3; i++) {
		idx = tree_index(f.pids, f.npids, zs[i]);
		EXPECT_LE(0, idx) TH_LOG("zombie %d not in the image", zs[i]);
		if (idx < 0)
			continue;
		EXPECT_TRUE((f.pids[idx].flags & CKPT_PIDS_ZOMBIE) != 0);
		EXPECT_EQ(i < 2 ? root : m, f.pids[idx].ppid);
	}
	flow_kill(_metadata, &f);

	flow_restart(_metadata, &f, ck.img, NULL, 0);
	EXPECT_EQ(root, f.new_root);
	/* zombies again, children of the same parents */
	for (i = 0; i < 3; i++) {
		EXPECT_TRUE(wait_state(zs[i], 'Z', 5))
			TH_LOG("restored pid %d is not a zombie (state %c)",
			       zs[i], proc_state(zs[i], NULL) ?: '-');
		ppid = 0;
		proc_state(zs[i], &ppid);
		EXPECT_EQ(i < 2 ? root : m, ppid);
	}
	EXPECT_TRUE(poke_until(root, "Z-M ", TR_SECS));
	status = flow_finish(_metadata, &f);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored root %s",
						   ck_status_str(status));
	l = ck_line("Z-REAPED ");
	EXPECT_NE(NULL, l);
	if (l) {
		pid_t r1, r2;
		int st1, st2;

		ASSERT_EQ(4, sscanf(l, "z1=%d status=%d z2=%d status=%d", &r1,
				    &st1, &r2, &st2));
		EXPECT_EQ(z1, r1);
		EXPECT_TRUE(exited_with(st1, 42)) TH_LOG("z1: %s",
							 ck_status_str(st1));
		EXPECT_EQ(z2, r2);
		EXPECT_TRUE(WIFSIGNALED(st2) && WTERMSIG(st2) == SIGTERM)
			TH_LOG("z2: %s", ck_status_str(st2));
	}
	l = ck_line("M-REAPED ");
	EXPECT_NE(NULL, l);
	if (l) {
		EXPECT_EQ(2, sscanf(l, "%*d pid=%d status=%d", &r, &st));
		EXPECT_EQ(z3, r);
		EXPECT_TRUE(exited_with(st, 7)) TH_LOG("z3: %s",
						       ck_status_str(st));
	}
}

/* ==== 7. refusals that leave the tree running ========================== */

/* Wake the (original, thawed) family and check it finishes */
static void fam_finish_original(struct __test_metadata *_metadata,
				struct flow *f, const pid_t pids[FAM_N])
{
	int status;

	EXPECT_TRUE(poke_until(f->root, "F-DONE ", TR_SECS));
	status = tr_wait(f->root, TR_SECS);
	fam_check(_metadata, pids, status, false);
}

static bool log_has(const char *needle)
{
	static char text[8192];

	return ck_read_file(ck.log, text, sizeof(text)) > 0 &&
	       strstr(text, needle);
}

/* A line of the log with all of @a, @b and @c in it, in any words around */
static bool log_line_has(const char *a, const char *b, const char *c)
{
	static char text[8192];
	char *line, *save;

	if (ck_read_file(ck.log, text, sizeof(text)) <= 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, a) && strstr(line, b) && strstr(line, c))
			return true;
	return false;
}

/*
 * Not frozen: EBUSY, naming the task. Neither a tree that runs nor one
 * with a task in a cgroup that is not frozen; the tree goes on.
 */
TEST_F_TIMEOUT(tree, refuse_not_frozen, CK_TIMEOUT)
{
	struct flow f = { 0 };
	pid_t pids[FAM_N];
	const char *cg2;
	char msg[64];
	long ret;

	fam_start(_metadata, &f, pids);
	ret = checkpoint_file(f.root, ck.img, CHECKPOINT_SUBTREE, NULL, NULL);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBUSY, errno);
	snprintf(msg, sizeof(msg), "pid %d is not frozen", f.root);
	EXPECT_TRUE(log_has(msg)) TH_LOG("no \"%s\" in the log", msg);

	/* c2 in a cgroup of its own, not frozen; the rest frozen */
	cg2 = cg_new(_metadata, "unfrozen");
	snprintf(msg, sizeof(msg), "%d", pids[2]);
	ASSERT_EQ(0, cg_write(cg2, "cgroup.procs", msg));
	cg_freeze(_metadata, f.cg);
	ret = checkpoint_file(f.root, ck.img, CHECKPOINT_SUBTREE, NULL, NULL);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBUSY, errno);
	snprintf(msg, sizeof(msg), "pid %d is not frozen", pids[2]);
	EXPECT_TRUE(log_has(msg)) TH_LOG("no \"%s\" in the log", msg);
	EXPECT_EQ(1, cg_key(f.cg, "frozen"));
	cg_thaw(_metadata, f.cg);
	fam_finish_original(_metadata, &f, pids);
}

/* A root that is not a pid namespace init needs CHECKPOINT_SUBTREE */
TEST_F_TIMEOUT(tree, refuse_subtree_without_flag, CK_TIMEOUT)
{
	struct flow f = { 0 };
	pid_t pids[FAM_N];
	long ret;

	fam_start(_metadata, &f, pids);
	cg_freeze(_metadata, f.cg);
	ret = checkpoint_file(f.root, ck.img, 0, NULL, NULL);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, cg_key(f.cg, "frozen"));
	cg_thaw(_metadata, f.cg);
	fam_finish_original(_metadata, &f, pids);
}

/* A container init with fd 3 leading outside; SIGUSR1: "ALIVE" into it */
static void ct_leak_init(void *arg)
{
	char line[32];
	int n;

	set_name("ct-leak");
	go_handler();
	wait_go();
	n = snprintf(line, sizeof(line), "ALIVE %d\n", getpid());
	_exit(write(3, line, n) == n ? 0 : 1);
}

/*
 * Without CHECKPOINT_SUBTREE, something a container shares with the
 * outside is a leak: EBUSY and a "leak" line; the container stays frozen,
 * and runs on once thawed.
 */
static void refuse_leak(struct __test_metadata *_metadata, bool pipe_leak)
{
	char buf[64] = "";
	struct flow f = { 0 };
	int p[2], keep, status;
	long ret;
	ssize_t n;

	if (pipe_leak) {
		ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
		keep = p[1];
	} else {
		keep = open(ck_path("shared"), O_RDWR | O_CREAT | O_APPEND |
			    O_CLOEXEC, 0644);
		ASSERT_LE(0, keep);
	}
	f.cg = cg_new(_metadata, "leak");
	f.root = ct_start(f.cg, ct_leak_init, NULL, keep);
	ASSERT_LT(0, f.root);
	if (pipe_leak)
		close(p[1]);
	wait_blocked(_metadata, f.cg, 1);
	cg_freeze(_metadata, f.cg);
	ret = checkpoint_file(f.root, ck.img, 0, NULL, NULL);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBUSY, errno) TH_LOG("%s", strerror(errno));
	EXPECT_TRUE(log_has("leak"));
	EXPECT_TRUE(log_has(pipe_leak ? "pipe" : "shared"));
	EXPECT_EQ(1, cg_key(f.cg, "frozen"));
	cg_thaw(_metadata, f.cg);

	if (pipe_leak) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		long long end = mono_ns() + TR_SECS * NSEC;

		while (poll(&pfd, 1, 100) == 0 && mono_ns() < end)
			kill(f.root, SIGUSR1);
		n = read(p[0], buf, sizeof(buf) - 1);
		close(p[0]);
		EXPECT_LT(0, n);
	} else {
		EXPECT_TRUE(poke_until_file(f.root, ck_path("shared"), "ALIVE",
					    TR_SECS));
		ck_read_file(ck_path("shared"), buf, sizeof(buf));
		close(keep);
	}
	EXPECT_STREQ("ALIVE 1\n", buf);
	status = tr_wait(f.root, TR_SECS);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("%s", ck_status_str(status));
}

TEST_F_TIMEOUT(tree, refuse_container_pipe_leak, CK_TIMEOUT)
{
	refuse_leak(_metadata, true);
}

TEST_F_TIMEOUT(tree, refuse_container_file_leak, CK_TIMEOUT)
{
	refuse_leak(_metadata, false);
}

/* ==== 7b. stateless files are never leaks ============================== */

#define SL_CGFD		3	/* O_PATH of the container's cgroup directory */
#define SL_FILEFD	4	/* O_PATH of a regular file */
#define SL_DIRFD	5	/* O_PATH of the test's directory */
#define SL_ZEROFD	6	/* /dev/zero */

static struct stat sl_before[7];

/* Create (or empty) the file @path with the contents @text */
static int put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/*
 * Start @fn as the init of a new pid namespace in @cg, with exactly the
 * fds of @map (test process fd -> container fd): the same open files as
 * the launcher's, as a runtime passes them.
 */
static pid_t ct_start_map(const char *cg, void (*fn)(void *), void *arg,
			  const struct ck_fdmap *map, int nmap)
{
	pid_t pid;
	int i;

	fflush(stdout);
	fflush(stderr);
	pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
	if (pid)
		return pid;
	for (i = 0; i < nmap; i++)
		if (fcntl(map[i].src, F_DUPFD, CK_FD_LIMIT + 1 + i) !=
		    CK_FD_LIMIT + 1 + i)
			_exit(120);
	syscall(__NR_close_range, 0, CK_FD_LIMIT, 0);
	for (i = 0; i < nmap; i++)
		if (dup2(CK_FD_LIMIT + 1 + i, map[i].dst) != map[i].dst)
			_exit(121);
	syscall(__NR_close_range, CK_FD_LIMIT + 1, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	ck_unmap_harness();
	enter_cg(cg);
	fn(arg);
	_exit(0);
}

/* "SL <what> ok" or "SL <what> BAD <errno>" into ct.log; false if bad */
static bool sl_check(int log, const char *what, bool ok)
{
	ct_line(log, "SL %s %s %d", what, ok ? "ok" : "BAD", ok ? 0 : errno);
	return ok;
}

static bool sl_same(int fd, mode_t type)
{
	struct stat st;

	return !fstat(fd, &st) && (st.st_mode & S_IFMT) == type &&
	       st.st_ino == sl_before[fd].st_ino &&
	       st.st_dev == sl_before[fd].st_dev &&
	       st.st_rdev == sl_before[fd].st_rdev;
}

/*
 * The container: fds 0-2 are the launcher's /dev/null, 3-5 O_PATH
 * descriptors it inherited, 6 the launcher's /dev/zero. After SIGUSR1 it
 * checks each from its own side: the same inode and type, still O_PATH
 * (no read()), and working: openat() relative to the cgroup directory
 * (empty now: the restored tree is in its restarter's cgroup),
 * fstatat(AT_EMPTY_PATH) and a reopen through /proc of the file, fchdir()
 * into the directory, reads of /dev/null and /dev/zero.
 */
static void ct_stateless_init(void *arg)
{
	char buf[64] = "", zero[8] = "x";
	int log = ct_open_log(), fd, i;
	bool ok = true;
	struct stat st;

	set_name("ct-stateless");
	go_handler();
	for (i = 0; i < 7; i++)
		if (fstat(i, &sl_before[i]))
			_exit(126);
	ct_line(log, "SL READY");
	wait_go();

	for (i = 0; i < 3; i++) {
		ok &= sl_check(log, "stdio is /dev/null",
			       sl_same(i, S_IFCHR) &&
			       sl_before[i].st_rdev == makedev(1, 3) &&
			       (fcntl(i, F_GETFL) & O_ACCMODE) == O_RDWR);
	}
	ok &= sl_check(log, "stdio reads EOF, takes writes",
		       read(0, buf, sizeof(buf)) == 0 && write(1, "x", 1) == 1);
	for (i = SL_CGFD; i <= SL_DIRFD; i++) {
		ok &= sl_check(log, "O_PATH kept",
			       (fcntl(i, F_GETFL) & O_PATH) &&
			       read(i, buf, 1) == -1 && errno == EBADF);
	}
	ok &= sl_check(log, "cgroup dir", sl_same(SL_CGFD, S_IFDIR));
	/* the restored tree runs in its restarter's cgroup, not this one */
	fd = openat(SL_CGFD, "cgroup.events", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	ok &= sl_check(log, "openat cgroup.events",
		       fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 &&
		       strstr(buf, "populated 0"));
	close(fd);
	ok &= sl_check(log, "regular file", sl_same(SL_FILEFD, S_IFREG) &&
		       !fstatat(SL_FILEFD, "", &st, AT_EMPTY_PATH) &&
		       st.st_size == 5);
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", SL_FILEFD);
	fd = open(buf, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	ok &= sl_check(log, "reopen the file",
		       fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 5 &&
		       !strcmp(buf, "hello"));
	close(fd);
	ok &= sl_check(log, "directory", sl_same(SL_DIRFD, S_IFDIR));
	fd = -1;
	memset(buf, 0, sizeof(buf));
	if (!fchdir(SL_DIRFD))
		fd = open("sl-file", O_RDONLY);
	ok &= sl_check(log, "fchdir and open",
		       fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 5 &&
		       !strcmp(buf, "hello"));
	close(fd);
	ok &= sl_check(log, "/dev/zero", sl_same(SL_ZEROFD, S_IFCHR) &&
		       read(SL_ZEROFD, zero, sizeof(zero)) == sizeof(zero) &&
		       !memcmp(zero, "\0\0\0\0\0\0\0\0", 8));
	ct_line(log, "SL DONE %s", ok ? "ok" : "BAD");
	_exit(ok ? 0 : 1);
}

/*
 * A container started the way usage.rst recommends: its standard streams
 * on the launcher's /dev/null, plus O_PATH descriptors the launcher
 * opened (the cgroup directory of CLONE_INTO_CGROUP, a file, a
 * directory) and its /dev/zero. The launcher keeps them all open: none
 * of them is a leak, the checkpoint succeeds, and the restored container
 * finds each one working, O_PATH ones still O_PATH.
 */
TEST_F_TIMEOUT(tree, container_stateless_files_shared_with_launcher,
	       CK_TIMEOUT)
{
	struct ck_fdmap map[7];
	struct flow f = { 0 };
	int nul, cgfd, filefd, dirfd, zero, status, i;
	static char text[4096];

	ASSERT_EQ(0, put_file(ck_path("sl-file"), "hello"));
	f.cg = cg_new(_metadata, "stateless");
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	cgfd = open(f.cg, O_PATH | O_DIRECTORY | O_CLOEXEC);
	filefd = open(ck_path("sl-file"), O_PATH | O_CLOEXEC);
	dirfd = open(ck.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, nul);
	ASSERT_LE(0, cgfd);
	ASSERT_LE(0, filefd);
	ASSERT_LE(0, dirfd);
	ASSERT_LE(0, zero);
	for (i = 0; i < 3; i++)
		map[i] = (struct ck_fdmap){ nul, i };
	map[3] = (struct ck_fdmap){ cgfd, SL_CGFD };
	map[4] = (struct ck_fdmap){ filefd, SL_FILEFD };
	map[5] = (struct ck_fdmap){ dirfd, SL_DIRFD };
	map[6] = (struct ck_fdmap){ zero, SL_ZEROFD };
	f.root = ct_start_map(f.cg, ct_stateless_init, NULL, map, 7);
	ASSERT_LT(0, f.root);
	ASSERT_TRUE(wait_file(ck_path("ct.log"), "SL READY", TR_SECS));
	wait_blocked(_metadata, f.cg, 1);

	/* the launcher still holds every one of them */
	flow_checkpoint(_metadata, &f, 0);
	EXPECT_TRUE((f.img_flags & CKPT_IMG_CONTAINER) != 0);
	flow_kill(_metadata, &f);
	flow_restart(_metadata, &f, ck.img, NULL, 0);
	EXPECT_TRUE(poke_until_file(f.new_root, ck_path("ct.log"), "SL DONE",
				    TR_SECS));
	status = flow_finish(_metadata, &f);
	ck_read_file(ck_path("ct.log"), text, sizeof(text));
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored init %s:\n%s",
						   ck_status_str(status), text);
	EXPECT_NE(NULL, strstr(text, "SL DONE ok")) TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "BAD")) TH_LOG("%s", text);
	close(nul);
	close(cgfd);
	close(filefd);
	close(dirfd);
	close(zero);
}

/* ==== 7c. an inherited fd needs the restarter's fd ===================== */

#define IH_OUTFD	5	/* a pipe whose read end the test holds */
#define IH_CLOSEDFD	6	/* another one, left closed at restart */

/*
 * A subtree root with nothing of the test's but two pipes' write ends at
 * IH_OUTFD and IH_CLOSEDFD (stdio is its own /dev/null). It waits for
 * the file "ih-go", then writes "HELLO" to IH_OUTFD, says in ih.log
 * whether IH_CLOSEDFD is closed, and exits 0 if it is.
 */
static void ih_root(void *arg)
{
	struct timespec tick = { 0, 20 * MSEC };
	bool closed;
	int n, log;

	set_name("ih-root");
	enter_cg(tr_cgpath);
	syscall(__NR_close_range, 0, 2, 0);
	if (open("/dev/null", O_RDWR) != 0 || dup2(0, 1) != 1 ||
	    dup2(0, 2) != 2)
		_exit(126);
	syscall(__NR_close_range, 3, IH_OUTFD - 1, 0);
	syscall(__NR_close_range, IH_CLOSEDFD + 1, ~0U, 0);
	log = open(ck_path("ih.log"), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		   0644);
	if (log < 0)
		_exit(125);
	ct_line(log, "READY %d", getpid());
	while (access(ck_path("ih-go"), F_OK))
		nanosleep(&tick, NULL);
	n = write(IH_OUTFD, "HELLO", 5);
	closed = fcntl(IH_CLOSEDFD, F_GETFD) == -1 && errno == EBADF;
	ct_line(log, "AFTER wrote=%d fd6=%s", n, closed ? "closed" : "open");
	_exit(n == 5 && closed ? 0 : 1);
}

/*
 * The pipes lead outside (the test holds their read ends): inherited.
 * "ckpt restart" without an fd 5 fails, names fd 5, the pid and "a pipe",
 * and nothing of the tree runs; with --inherit-fd 5=FILE --close-fd 6 it
 * restores, and the program writes into FILE and finds fd 6 closed.
 */
TEST_F_TIMEOUT(tree, inherited_fd_missing_fails_restart_with_ckpt_tool,
	       CK_TIMEOUT)
{
	struct ck_fdmap map[2];
	static char text[4096];
	struct flow f = { 0 };
	char cmd[1024], want[64];
	int p[2], q[2], status;

	if (system("command -v ckpt >/dev/null 2>&1"))
		SKIP(return, "no ckpt tool in PATH");
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(q, O_CLOEXEC));
	f.cg = cg_new(_metadata, "inherit");
	snprintf(tr_cgpath, sizeof(tr_cgpath), "%s", f.cg);
	map[0] = (struct ck_fdmap){ p[1], IH_OUTFD };
	map[1] = (struct ck_fdmap){ q[1], IH_CLOSEDFD };
	f.root = ck_spawn(map, 2, ih_root, NULL);
	ASSERT_LT(0, f.root);
	ASSERT_TRUE(wait_file(ck_path("ih.log"), "READY", TR_SECS));
	wait_blocked(_metadata, f.cg, 1);
	flow_checkpoint(_metadata, &f, CHECKPOINT_SUBTREE);
	flow_kill(_metadata, &f);
	close(p[1]);
	close(q[1]);
	ASSERT_EQ(0, put_file(ck_path("ih-go"), "go"));

	/* no fd 5: refused, naming it; nothing of the tree ran */
	ASSERT_EQ(0, truncate(ck.log, 0));
	snprintf(cmd, sizeof(cmd),
		 "ckpt restart -i %s --log %s 2>>%s 5<&- 6<&-",
		 ck.img, ck.log, ck.out);
	status = system(cmd);
	EXPECT_TRUE(exited_with(status, 1)) TH_LOG("%s: %s", cmd,
						   ck_status_str(status));
	/* the line names the fd, the pid and what the fd was (FILE_INHERIT) */
	snprintf(want, sizeof(want), "pid %d ", f.root);
	EXPECT_TRUE(log_line_has("fd 5 ", want, "pipe"))
		TH_LOG("no line with \"fd 5\", \"%s\" and \"pipe\" in the log",
		       want);
	EXPECT_TRUE(log_has("restart: ")) TH_LOG("no restart line");
	EXPECT_NE(0, kill(f.root, 0)) TH_LOG("pid %d is running", f.root);
	ck_read_file(ck_path("ih.log"), text, sizeof(text));
	EXPECT_EQ(NULL, strstr(text, "AFTER")) TH_LOG("%s", text);

	/* fd 5 into a file, fd 6 explicitly closed */
	snprintf(cmd, sizeof(cmd),
		 "ckpt restart -i %s --log %s --inherit-fd 5=%s --close-fd 6 2>>%s 5<&- 6<&-",
		 ck.img, ck.log, ck_path("ih-out"), ck.out);
	ASSERT_EQ(0, put_file(ck_path("ih-out"), ""));
	status = system(cmd);
	ck_read_file(ck_path("ih.log"), text, sizeof(text));
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("%s: %s\n%s", cmd,
						   ck_status_str(status), text);
	EXPECT_NE(NULL, strstr(text, "AFTER wrote=5 fd6=closed")) TH_LOG("%s",
									text);
	ck_read_file(ck_path("ih-out"), text, sizeof(text));
	EXPECT_STREQ("HELLO", text);
	close(p[0]);
	close(q[0]);
}

/* ==== 8. all or nothing ================================================= */

/*
 * After a failed restart: no task of the tree is left, whether alive or a
 * zombie waiting for us (the test process is a subreaper, so a restored
 * task the restart did not reap itself would come to it).
 */
static void expect_tree_gone(struct __test_metadata *_metadata,
			     const struct flow *f, pid_t except)
{
	long long end = mono_ns() + 3 * NSEC;
	pid_t ppid;
	char state;
	int i;

	for (i = 0; i < f->npids; i++) {
		if (f->pids[i].pid == except)
			continue;
		while ((state = proc_state(f->pids[i].pid, &ppid)) &&
		       mono_ns() < end)
			usleep(10000);
		EXPECT_EQ(0, state)
			TH_LOG("pid %d of the image is still there after the failed restart: state %c, parent %d%s",
			       f->pids[i].pid, state, ppid,
			       ppid == getpid() ? " (us, its subreaper: nobody reaped it)" : "");
		/* go on with the pid free */
		if (state)
			reap_gone(f->pids[i].pid, mono_ns() + TR_SECS * NSEC);
	}
}

enum { BAD_CPU_CS, BAD_COMM, BAD_FPU_MXCSR, BAD_NR };

static const char *const bad_names[BAD_NR] = {
	"cs of the CPU record of c1",
	"unterminated comm in the TASK record of c2",
	"MXCSR reserved bits in the FPU record of c11",
};

/* Damage @img as @kind says, at tree index @idx; false if impossible */
static bool corrupt(struct ckpt_image *img, int kind, int idx)
{
	struct ckpt_hdr_task *task;
	struct ckpt_hdr_cpu *cpu;
	struct ckpt_hdr_fpu *fpu;
	unsigned char *xsave;
	uint32_t mxcsr;
	uint64_t xfeatures;
	long off;

	switch (kind) {
	case BAD_CPU_CS:
		off = ckpt_image_find(img, CKPT_HDR_CPU, idx);
		if (off < 0)
			return false;
		cpu = (void *)(img->data + off);
		cpu->cs ^= 3;	/* 0x33 -> 0x30: RPL 0 */
		break;
	case BAD_COMM:
		off = ckpt_image_find(img, CKPT_HDR_TASK, idx);
		if (off < 0)
			return false;
		task = (void *)(img->data + off);
		memset(task->comm, 'X', sizeof(task->comm));
		break;
	case BAD_FPU_MXCSR:
		off = ckpt_image_find(img, CKPT_HDR_FPU, idx);
		if (off < 0)
			return false;
		fpu = (void *)(img->data + off);
		if (fpu->size < 576)
			return false;
		xsave = (unsigned char *)(fpu + 1);
		/* legacy area: MXCSR at 24; XSAVE header: xfeatures at 512 */
		mxcsr = 0xffffffff;
		memcpy(xsave + 24, &mxcsr, sizeof(mxcsr));
		memcpy(&xfeatures, xsave + 512, sizeof(xfeatures));
		xfeatures |= 0x3;	/* x87 | SSE: MXCSR is in use */
		memcpy(xsave + 512, &xfeatures, sizeof(xfeatures));
		break;
	default:
		return false;
	}
	return ckpt_image_fix_csum(img) == 0;
}

/*
 * A tree image with one damaged record (the checksum fixed up): restart
 * fails with EINVAL and leaves nothing, whether the damage is found while
 * reading the image or only when the damaged task restores its state,
 * after its parents were created. The undamaged image then restarts.
 */
TEST_F_TIMEOUT(tree, corrupt_image_all_or_nothing, CK_TIMEOUT * 2)
{
	static const int victim[BAD_NR] = { 1, 2, 3 };	/* fam_names[] */
	struct ckpt_image img;
	struct flow f = { 0 };
	pid_t pids[FAM_N];
	char err[256];
	int kind, idx, fd, status;
	bool was_ok;

	fam_start(_metadata, &f, pids);
	flow_checkpoint(_metadata, &f, CHECKPOINT_SUBTREE);
	ASSERT_EQ(FAM_N, f.npids);
	flow_kill(_metadata, &f);

	for (kind = 0; kind < BAD_NR; kind++) {
		idx = tree_index(f.pids, f.npids, pids[victim[kind]]);
		ASSERT_LE(0, idx);
		ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
		ASSERT_TRUE(corrupt(&img, kind, idx)) TH_LOG("%s", bad_names[kind]);
		ASSERT_EQ(0, ckpt_image_verify(&img, err, sizeof(err)))
			TH_LOG("%s", err);
		fd = open(ck_path("bad"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ASSERT_LE(0, fd);
		ASSERT_EQ((ssize_t)img.len, write(fd, img.data, img.len));
		close(fd);
		ckpt_image_free(&img);

		tr_reset();
		f.r = ck_spawn(NULL, 0, restarter, (void *)ck_path("bad"));
		ASSERT_LT(0, f.r);
		was_ok = __test_passed(_metadata);
		expect_restart_error(_metadata, f.r, EINVAL);
		expect_tree_gone(_metadata, &f, 0);
		if (was_ok && !__test_passed(_metadata))
			TH_LOG("^ with %s", bad_names[kind]);
	}

	/* the image itself was fine */
	flow_restart(_metadata, &f, ck.img, NULL, 0);
	EXPECT_TRUE(poke_until(f.new_root, "F-DONE ", TR_SECS));
	status = flow_finish(_metadata, &f);
	fam_check(_metadata, pids, status, true);
}

/* ==== 9. a pid already taken =========================================== */

/* The original tree is alive (thawed): its pids are taken */
TEST_F_TIMEOUT(tree, pid_taken_by_original, CK_TIMEOUT)
{
	struct flow f = { 0 };
	pid_t pids[FAM_N];
	char msg[64];

	fam_start(_metadata, &f, pids);
	flow_checkpoint(_metadata, &f, CHECKPOINT_SUBTREE);
	cg_thaw(_metadata, f.cg);

	tr_reset();
	f.r = ck_spawn(NULL, 0, restarter, (void *)ck.img);
	ASSERT_LT(0, f.r);
	expect_restart_error(_metadata, f.r, EBUSY);
	snprintf(msg, sizeof(msg), "cannot create pid %d", f.root);
	EXPECT_TRUE(log_has(msg)) TH_LOG("no \"%s\" in the log", msg);

	/* the originals are untouched */
	tr_reset();
	fam_finish_original(_metadata, &f, pids);
}

struct tr_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* A child that sleeps with pid @want (clone3 with set_tid), or -1 */
static pid_t spawn_with_pid(pid_t want)
{
	pid_t tid = want, pid;
	struct tr_clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&tid,
		.set_tid_size = 1,
	};

	fflush(stdout);
	fflush(stderr);
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/*
 * The pid of c2 is taken by another process: EBUSY, after the root and
 * c1 were created; they are gone again, the other process is unharmed.
 * With that pid free, the image restarts.
 */
TEST_F_TIMEOUT(tree, pid_taken_by_other, CK_TIMEOUT)
{
	struct flow f = { 0 };
	pid_t pids[FAM_N], other;
	int status;

	fam_start(_metadata, &f, pids);
	flow_checkpoint(_metadata, &f, CHECKPOINT_SUBTREE);
	flow_kill(_metadata, &f);
	other = spawn_with_pid(pids[2]);
	ASSERT_EQ(pids[2], other) TH_LOG("clone3 set_tid: %s", strerror(errno));

	tr_reset();
	f.r = ck_spawn(NULL, 0, restarter, (void *)ck.img);
	ASSERT_LT(0, f.r);
	expect_restart_error(_metadata, f.r, EBUSY);
	expect_tree_gone(_metadata, &f, other);
	EXPECT_EQ('S', proc_state(other, NULL));
	EXPECT_EQ(0, kill(other, SIGKILL));
	EXPECT_EQ(other, waitpid(other, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	flow_restart(_metadata, &f, ck.img, NULL, 0);
	EXPECT_EQ(f.root, f.new_root);
	EXPECT_TRUE(poke_until(f.new_root, "F-DONE ", TR_SECS));
	status = flow_finish(_metadata, &f);
	fam_check(_metadata, pids, status, true);
}

/* ==== 10. migration: checkpoint straight into restart =================== */

#define ST_COUNT	500
#define ST_SUM		(ST_COUNT * (ST_COUNT + 1) / 2)

/*
 * A container that works by itself: a producer sends 1..ST_COUNT through
 * a pipe, pausing 20 ms every 5 numbers; a consumer checks that each is
 * the one after the last and logs "CONS <pid> got <n>" every 25; init
 * exits 0 if both did. Lines name their writer's pid in the namespace.
 */
static void ct_stream_init(void *arg)
{
	int log = ct_open_log(), p[2], sp, sc;
	pid_t prod, cons;

	set_name("st-init");
	if (pipe(p))
		_exit(126);
	prod = fork();
	if (prod == 0) {
		struct timespec pace = { 0, 20 * MSEC };
		uint32_t n;

		set_name("st-prod");
		close(p[0]);
		for (n = 1; n <= ST_COUNT; n++) {
			if (full_write(p[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
			if (n % 100 == 0)
				ct_line(log, "PROD %d sent %u", getpid(), n);
			if (n % 5 == 0)
				nanosleep(&pace, NULL);
		}
		_exit(0);
	}
	cons = fork();
	if (cons == 0) {
		uint32_t n, got = 0;
		uint64_t sum = 0;
		bool ok = true;

		set_name("st-cons");
		close(p[1]);
		while (full_read(p[0], &n, sizeof(n)) == sizeof(n)) {
			if (n != got + 1)
				ok = false;
			got = n;
			sum += n;
			if (got % 25 == 0)
				ct_line(log, "CONS %d got %u", getpid(), got);
		}
		ok = ok && got == ST_COUNT && sum == ST_SUM;
		ct_line(log, "CONS %d DONE got=%u sum=%llu %s", getpid(), got,
			(unsigned long long)sum, ok ? "ok" : "BAD");
		_exit(ok ? 0 : 1);
	}
	close(p[0]);
	close(p[1]);
	sp = wait_child(prod);
	sc = wait_child(cons);
	ct_line(log, "INIT %d DONE prod=%d cons=%d", getpid(), sp, sc);
	_exit(exited_with(sp, 0) && exited_with(sc, 0) ? 0 : 1);
}

/*
 * Every line of ct.log from one writer names the same pid, before and
 * after the migration; the consumer got every number once, in order.
 */
static void check_stream_log(struct __test_metadata *_metadata)
{
	static char text[16384];
	pid_t prod = 0, cons = 0, pid;
	char *line, *save, who[8];
	int lines = 0;

	ASSERT_LT(0, ck_read_file(ck_path("ct.log"), text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, " DONE got=500 sum=125250 ok\n"))
		TH_LOG("the consumer did not get all numbers in order");
	EXPECT_NE(NULL, strstr(text, "INIT 1 DONE prod=0 cons=0\n"));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%7s %d", who, &pid) != 2)
			continue;
		lines++;
		if (!strcmp(who, "PROD")) {
			if (!prod)
				prod = pid;
			EXPECT_EQ(prod, pid) TH_LOG("%s", line);
		} else if (!strcmp(who, "CONS")) {
			if (!cons)
				cons = pid;
			EXPECT_EQ(cons, pid) TH_LOG("%s", line);
		}
	}
	EXPECT_LE(20, lines);
}

/*
 * checkpoint() of a container writes into a pipe while R's restart()
 * reads the other end: the copy comes up in a new pid namespace while
 * the frozen original still exists, and finishes the work once the
 * original is killed.
 */
TEST_F_TIMEOUT(tree, migrate_container_through_pipe, CK_TIMEOUT)
{
	struct ck_fdmap map;
	struct flow f = { 0 };
	int p[2], status;

	f.cg = cg_new(_metadata, "migrate");
	f.root = ct_start(f.cg, ct_stream_init, NULL, -1);
	ASSERT_LT(0, f.root);
	ASSERT_TRUE(wait_file(ck_path("ct.log"), "got 100\n", TR_SECS));
	cg_freeze(_metadata, f.cg);

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	map = (struct ck_fdmap){ p[0], CK_RIMG_FD };
	tr_reset();
	f.r = ck_spawn(&map, 1, restarter, NULL);
	ASSERT_LT(0, f.r);
	close(p[0]);
	f.id = do_checkpoint(f.root, p[1], 0, NULL, NULL);
	close(p[1]);
	EXPECT_LT(0, f.id) TH_LOG("checkpoint: %s", strerror(errno));

	/* the original, frozen all along, goes */
	ASSERT_EQ(0, cg_write(f.cg, "cgroup.kill", "1"));
	status = tr_wait(f.root, TR_SECS);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("original init %s", ck_status_str(status));

	status = flow_finish(_metadata, &f);
	EXPECT_LT(0, line_num("ROOT "));
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("restored init %s",
						   ck_status_str(status));
	check_stream_log(_metadata);
}

/*
 * The same with the ckpt tool:
 *   ckpt checkpoint --cgroup DIR -o - --kill | ckpt restart -i -
 */
TEST_F_TIMEOUT(tree, migrate_with_ckpt_tool, CK_TIMEOUT)
{
	char cmd[1024];
	int status;
	pid_t init;
	const char *cg;

	if (system("command -v ckpt >/dev/null 2>&1"))
		SKIP(return, "no ckpt tool in PATH");
	cg = cg_new(_metadata, "tool");
	init = ct_start(cg, ct_stream_init, NULL, -1);
	ASSERT_LT(0, init);
	ASSERT_TRUE(wait_file(ck_path("ct.log"), "got 100\n", TR_SECS));
	snprintf(cmd, sizeof(cmd),
		 "ckpt checkpoint --cgroup %s -o - --kill --log %s 2>>%s | ckpt restart -i - --log %s 2>>%s",
		 cg, ck.log, ck.out, ck.log, ck.out);
	status = system(cmd);
	EXPECT_TRUE(exited_with(status, 0)) TH_LOG("%s: %s", cmd,
						   ck_status_str(status));
	status = tr_wait(init, TR_SECS);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("original init %s", ck_status_str(status));
	check_stream_log(_metadata);
}

TEST_HARNESS_MAIN
