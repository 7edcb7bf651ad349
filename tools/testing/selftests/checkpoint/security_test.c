// SPDX-License-Identifier: GPL-2.0
/*
 * What an unprivileged user (uid 65534) can and cannot do with checkpoint()
 * and restart(): no checkpoint of another user's task; no restart into
 * credentials, capabilities, securebits or groups it could not get itself,
 * into files it cannot open, into memory at kernel, non-canonical or
 * overlapping addresses, into registers with kernel selectors,
 * non-canonical addresses or privileged flags, into FPU state the CPU
 * rejects, or into prctl(PR_SET_IO_FLUSHER) without CAP_SYS_RESOURCE;
 * kernel.ckpt_unpriv_allowed = 0 stops both system calls; and no
 * log line ever shows a kernel address.
 *
 * The images are images of uid 65534 taken by uid 65534, edited field by
 * field (the record structs of <linux/checkpoint_hdr.h>, found with
 * ckpt_image_find()), given a good checksum again, and restarted by uid
 * 65534, which must get the error back and be unharmed.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include <linux/securebits.h>

#include "ckpt_test.h"
#include "image.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define ANON_AT		0x50000000UL	/* the body's own anonymous vma */
#define PAGE		4096UL

FIXTURE(sec) {
	char cg[128];
	pid_t frozen[2];
};

FIXTURE_SETUP(sec)
{
	ck_setup(_metadata);
	self->cg[0] = '\0';
	self->frozen[0] = self->frozen[1] = 0;
}

FIXTURE_TEARDOWN(sec)
{
	char path[192];
	int i;

	ck_write_file(CK_SYSCTL_UNPRIV, "1");
	if (self->cg[0]) {
		snprintf(path, sizeof(path), "%s/cgroup.freeze", self->cg);
		ck_write_file(path, "0");
	}
	for (i = 0; i < 2; i++)
		if (self->frozen[i] > 0) {
			kill(self->frozen[i], SIGKILL);
			waitpid(self->frozen[i], NULL, 0);
		}
	if (self->cg[0])
		rmdir(self->cg);
	ck_cleanup();
}

/* ---- log lines ---------------------------------------------------------- */

/* Values the edited images put in front of the kernel, which it may echo */
static uint64_t planted[64];
static int nplanted;

static uint64_t plant(uint64_t v)
{
	if (nplanted < (int)ARRAY_SIZE(planted))
		planted[nplanted++] = v;
	return v;
}

/*
 * The log of everything refused so far: a hex number that looks like a
 * kernel address must be one the images planted (or the end of such a
 * range), never one the kernel leaks.
 */
static void check_log(struct __test_metadata *_metadata)
{
	static char log[65536];
	const char *p = log;
	int i;

	if (ck_read_file(ck.log, log, sizeof(log)) <= 0)
		return;
	while ((p = strstr(p, "ffff"))) {
		const char *q = p;
		size_t digits = 0;
		uint64_t v;
		bool ok = false;

		while (q > log && isxdigit((unsigned char)q[-1]))
			q--;
		while (isxdigit((unsigned char)q[digits]))
			digits++;
		p = q + digits;
		if (digits < 12 || digits > 16)
			continue;
		v = strtoull(q, NULL, 16);
		if (v < 0xffff800000000000ULL)
			continue;
		for (i = 0; i < nplanted; i++)
			ok |= v >= planted[i] && v - planted[i] <= 2 * PAGE;
		EXPECT_TRUE(ok) TH_LOG("log shows a kernel address: %.*s\n%s",
				       (int)digits, q, log);
	}
}

/* ---- the unprivileged program and its image ------------------------- */

static char *own_anon;
static char own_area[PAGE];

/*
 * A, as uid 65534: its own file open and mapped (private and shared
 * writable), its own anonymous mapping at ANON_AT, then a checkpoint.
 * The restored program checks its memory and credentials and reports
 * what it is.
 */
static void body_unpriv(void *arg)
{
	char path[192];
	char *p;
	int fd;

	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	snprintf(path, sizeof(path), "%s/own", ck.dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CK_ASSERT(fd >= 0 && ftruncate(fd, 4 * PAGE) == 0, "own file");
	CK_ASSERT(ck_move_fd(fd, 20) == 20, "dup2");
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 20, 0);
	CK_ASSERT(p != MAP_FAILED, "private file mapping");
	p[0] = 1;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 20, 2 * PAGE);
	CK_ASSERT(p != MAP_FAILED, "shared file mapping");
	own_anon = mmap((void *)ANON_AT, PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CK_ASSERT(own_anon == (void *)ANON_AT, "anon at %#lx", ANON_AT);
	ck_fill(own_anon, PAGE, 5);
	ck_fill(own_area, PAGE, 6);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	{
		uid_t r, e, s;
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2] = {};

		getresuid(&r, &e, &s);
		syscall(SYS_capget, &hdr, d);
		ck_report("RESUMED uid=%u/%u/%u caps=%x/%x", r, e, s,
			  d[0].permitted | d[1].permitted,
			  d[0].effective | d[1].effective);
		CK_EXPECT(r == CK_UNPRIV_UID && e == r && s == r, "uid");
		CK_EXPECT(!(d[0].permitted | d[1].permitted | d[0].effective |
			    d[1].effective), "capabilities");
	}
	CK_EXPECT_EQ(-1, ck_check_fill(own_anon, PAGE, 5));
	CK_EXPECT_EQ(-1, ck_check_fill(own_area, PAGE, 6));
	ck_done();
}

/* An image to edit: the body's, verified, in memory */
static void take_image(struct __test_metadata *_metadata, struct ckpt_image *img)
{
	char err[256];

	ck_checkpoint_child(_metadata, NULL, 0, body_unpriv, NULL);
	ASSERT_EQ(0, ckpt_image_load(ck.img, img));
	ASSERT_EQ(0, ckpt_image_verify(img, err, sizeof(err))) TH_LOG("%s", err);
}

static struct ckpt_image copy_image(const struct ckpt_image *img)
{
	struct ckpt_image c = { .len = img->len };

	c.data = malloc(img->len + CKPT_PATH_MAX + 64);
	if (c.data)
		memcpy(c.data, img->data, img->len);
	return c;
}

#define REC_AT(img, off, T)	((T *)((img)->data + (off)))

static long find(const struct ckpt_image *img, uint32_t type, int n)
{
	return ckpt_image_find(img, type, n);
}

/* The VMA record that starts at @start */
static long find_vma(const struct ckpt_image *img, uint64_t start)
{
	long off;
	int i;

	for (i = 0; (off = find(img, CKPT_HDR_VMA, i)) >= 0; i++)
		if (REC_AT(img, off, struct ckpt_hdr_vma)->start == start)
			return off;
	return -1;
}

/* The VMA record of a file mapping of "own", shared or not */
static long find_file_vma(const struct ckpt_image *img, bool shared)
{
	const struct ckpt_hdr_vma *v;
	long off;
	int i;

	for (i = 0; (off = find(img, CKPT_HDR_VMA, i)) >= 0; i++) {
		v = REC_AT(img, off, struct ckpt_hdr_vma);
		if (v->type == CKPT_VMA_FILE &&
		    !!(v->flags & CKPT_VMA_F_SHARED) == shared &&
		    strstr((const char *)(v + 1), "/own"))
			return off;
	}
	return -1;
}

/*
 * The FILE record of "own", a regular file; *@str: the STRING record of
 * its path, which follows it
 */
static long find_own_file(const struct ckpt_image *img, long *str)
{
	const struct ckpt_hdr_string *s;
	const struct ckpt_hdr_file *f;
	long off;
	int i;

	for (i = 0; (off = find(img, CKPT_HDR_FILE, i)) >= 0; i++) {
		f = REC_AT(img, off, struct ckpt_hdr_file);
		*str = off + f->h.len;
		if (f->type != CKPT_FILE_REG ||
		    *str + sizeof(*s) > img->len)
			continue;
		s = REC_AT(img, *str, struct ckpt_hdr_string);
		if (s->h.type == CKPT_HDR_STRING && s->len &&
		    strstr((const char *)(s + 1), "/own"))
			return off;
	}
	return -1;
}

/* Replace @oldlen bytes at @off by @len bytes of @rec (image grows or shrinks) */
static void img_splice(struct ckpt_image *img, long off, size_t oldlen,
		   const void *rec, size_t len)
{
	unsigned char *d = malloc(img->len - oldlen + len);

	if (!d)
		abort();
	memcpy(d, img->data, off);
	memcpy(d + off, rec, len);
	memcpy(d + off + len, img->data + off + oldlen, img->len - off - oldlen);
	free(img->data);
	img->data = d;
	img->len = img->len - oldlen + len;
}

/*
 * The record at @off with its string at @str_off (of *@str_len bytes)
 * replaced by @s; @tail bytes of another string that follows move along.
 */
static void set_path(struct ckpt_image *img, long off, size_t str_off,
		     size_t len_field, size_t tail, const char *s)
{
	const struct ckpt_hdr *h = REC_AT(img, off, struct ckpt_hdr);
	uint32_t old = *(uint32_t *)(img->data + off + len_field);
	size_t n = strlen(s) + 1, len = (str_off + n + tail + 7) & ~7UL;
	unsigned char *rec = calloc(1, len);

	memcpy(rec, h, str_off);
	memcpy(rec + str_off, s, n);
	memcpy(rec + str_off + n, img->data + off + str_off + old, tail);
	((struct ckpt_hdr *)rec)->len = len;
	*(uint32_t *)(rec + len_field) = n;
	img_splice(img, off, h->len, rec, len);
	free(rec);
}

/*
 * Move the vma group (VMA record, its PAGES records) starting at @off to
 * the end of the vma list, without its pages, at [@start, @end).
 */
static void move_vma_last(struct ckpt_image *img, long off, uint64_t start,
			  uint64_t end)
{
	struct ckpt_hdr_pages term = {
		.h = { .type = CKPT_HDR_PAGES, .len = sizeof(term) },
	};
	struct ckpt_hdr_vma *v = REC_AT(img, off, struct ckpt_hdr_vma);
	size_t vlen = v->h.len, glen = vlen, tlen;
	unsigned char *vrec = malloc(vlen + sizeof(term));
	long trailer = find(img, CKPT_HDR_TRAILER, 0);
	const struct ckpt_hdr *h;

	/* the group: the VMA record and its PAGES up to the empty one */
	for (;;) {
		h = REC_AT(img, off + glen, struct ckpt_hdr);
		glen += h->len;
		if (((const struct ckpt_hdr_pages *)h)->nr_pages == 0)
			break;
	}
	memcpy(vrec, v, vlen);
	((struct ckpt_hdr_vma *)vrec)->start = plant(start);
	((struct ckpt_hdr_vma *)vrec)->end = plant(end);
	memcpy(vrec + vlen, &term, sizeof(term));
	tlen = trailer - (off + glen);
	/* [off, off+glen) out, then the group again right before the trailer */
	memmove(img->data + off, img->data + off + glen, tlen);
	memcpy(img->data + off + tlen, vrec, vlen + sizeof(term));
	memmove(img->data + off + tlen + vlen + sizeof(term), img->data + trailer,
		img->len - trailer);
	img->len = off + tlen + vlen + sizeof(term) + (img->len - trailer);
	free(vrec);
}

/* Fix the checksum and write the image to ck_path("edited") */
static int write_edited(struct ckpt_image *img)
{
	int fd, ret = -1;

	if (ckpt_image_fix_csum(img))
		return -1;
	fd = open(ck_path("edited"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	if (write(fd, img->data, img->len) == (ssize_t)img->len)
		ret = 0;
	close(fd);
	return ret;
}

/*
 * Fix the checksum, write the image, restart it as uid 65534 with
 * RESTART_TASKSELF | @flags: the restart must fail with @err (0: must
 * succeed), the restarter unharmed.
 */
static void restart_edited_flags(struct __test_metadata *_metadata,
				 struct ckpt_image *img, unsigned long flags,
				 int err, const char *what)
{
	struct ck_restart_args args = { .img = ck_path("edited"),
					.uid = CK_UNPRIV_UID,
					.flags = RESTART_TASKSELF | flags,
					.flags_set = true };
	int status;

	ASSERT_EQ(0, write_edited(img));
	status = ck_restart_status(NULL, 0, &args);
	if (!err) {
		ck_expect_restored(_metadata, status);
		return;
	}
	if (ck_line("RESUMED"))
		TH_LOG("%s: RESTORED: %s", what, ck_line("RESUMED"));
	ck_expect_restart_error(_metadata, status, err);
	if (!strstr(ck.buf, " unharmed")) {
		TH_LOG("%s: %s", what, ck.buf);
		EXPECT_TRUE(0);
	}
}

static void restart_edited(struct __test_metadata *_metadata,
			   struct ckpt_image *img, int err, const char *what)
{
	restart_edited_flags(_metadata, img, 0, err, what);
}

/* ---- checkpoint of another user's task -------------------------------- */

static void sleeper(void *arg)
{
	int uid = (int)(long)arg;

	if (uid > 0 && ck_drop_privs(uid))
		_exit(1);
	if ((long)arg < 0)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	for (;;)
		pause();
}

static bool cg_frozen(const char *cg)
{
	char path[192], buf[512];

	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	return ck_read_file(path, buf, sizeof(buf)) > 0 &&
	       strstr(buf, "frozen 1");
}

/* Wait until @pid runs as @uid: a sleeper drops its privileges itself. */
static bool wait_uid(pid_t pid, int uid)
{
	char path[64], buf[2048], want[32];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	snprintf(want, sizeof(want), "\nUid:\t%d\t%d\t%d", uid, uid, uid);
	for (i = 0; i < 500; i++) {
		if (ck_read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, want))
			return true;
		usleep(10000);
	}
	return false;
}

struct ext_targets {
	pid_t root_frozen, user_frozen, root_running, user_undumpable;
};

/* As uid 65534: checkpoint each target, report the errno */
static void body_external(void *arg)
{
	const struct ext_targets *t = arg;
	const struct {
		const char *name;
		pid_t pid;
	} cases[] = {
		{ "root_frozen", t->root_frozen },
		{ "root_running", t->root_running },
		{ "pid1", 1 },
		{ "user_undumpable", t->user_undumpable },
		{ "user_frozen", t->user_frozen },
	};
	unsigned long flags;
	unsigned int i;
	int fd;

	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	fd = open(ck_path("ext"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CK_ASSERT(fd >= 0, "image");
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		for (flags = 0; flags <= CHECKPOINT_SUBTREE; flags++) {
			long ret = sys_checkpoint(cases[i].pid, fd, flags, -1);

			ck_report("CASE %s/%lu %d", cases[i].name, flags,
				  ret < 0 ? errno : 0);
		}
	ck_done();
}

static long case_errno(const char *name)
{
	char prefix[64];
	long v = -1;

	snprintf(prefix, sizeof(prefix), "CASE %s ", name);
	ck_line_int(prefix, &v);
	return v;
}

TEST_F_TIMEOUT(sec, checkpoint_of_another_users_task, CK_TIMEOUT)
{
	struct ext_targets t;
	char path[192], pid[16];
	int i, status;

	snprintf(self->cg, sizeof(self->cg), CGROUP_ROOT "/ckpt-sec-%d", getpid());
	ASSERT_EQ(0, mkdir(self->cg, 0755)) {
		TH_LOG("mkdir %s: %s", self->cg, strerror(errno));
		self->cg[0] = '\0';
	}
	self->frozen[0] = ck_spawn(NULL, 0, sleeper, (void *)0L);
	self->frozen[1] = ck_spawn(NULL, 0, sleeper, (void *)(long)CK_UNPRIV_UID);
	/* frozen before it dropped its privileges, it would still be root's */
	ASSERT_TRUE(wait_uid(self->frozen[1], CK_UNPRIV_UID));
	snprintf(path, sizeof(path), "%s/cgroup.procs", self->cg);
	for (i = 0; i < 2; i++) {
		snprintf(pid, sizeof(pid), "%d", self->frozen[i]);
		ASSERT_EQ(0, ck_write_file(path, pid));
	}
	snprintf(path, sizeof(path), "%s/cgroup.freeze", self->cg);
	ASSERT_EQ(0, ck_write_file(path, "1"));
	for (i = 0; i < 3000 && !cg_frozen(self->cg); i++)
		usleep(10000);
	ASSERT_TRUE(cg_frozen(self->cg));

	t.root_frozen = self->frozen[0];
	t.user_frozen = self->frozen[1];
	t.root_running = getpid();
	t.user_undumpable = ck_spawn(NULL, 0, sleeper, (void *)-(long)CK_UNPRIV_UID);
	ASSERT_LT(0, t.user_undumpable);
	usleep(100000);
	status = ck_wait_secs(ck_spawn(NULL, 0, body_external, &t), CK_WAIT_SECS);
	kill(t.user_undumpable, SIGKILL);
	waitpid(t.user_undumpable, NULL, 0);
	if (status) {
		ck_dump(_metadata, "external checkpoints", status);
		ASSERT_EQ(0, status);
	}
	/* another user's task, frozen or not (EPERM comes before EBUSY) */
	EXPECT_EQ(EPERM, case_errno("root_frozen/0"));
	EXPECT_EQ(EPERM, case_errno("root_frozen/1"));
	EXPECT_EQ(EPERM, case_errno("root_running/0"));
	EXPECT_EQ(EPERM, case_errno("root_running/1"));
	EXPECT_EQ(EPERM, case_errno("pid1/0"));
	EXPECT_EQ(EPERM, case_errno("pid1/1"));
	/* own uid, but not dumpable: ptrace rules */
	EXPECT_EQ(EPERM, case_errno("user_undumpable/1"));
	/* and the same user's frozen task passes the permission check */
	EXPECT_NE(EPERM, case_errno("user_frozen/1"));
	EXPECT_NE(EBUSY, case_errno("user_frozen/1"));
}

/* ---- credentials ------------------------------------------------------ */

struct cred_edit {
	const char *name;
	size_t field;		/* offset in struct ckpt_hdr_creds */
	int size;		/* 4 or 8 */
	uint64_t value;		/* OR'ed into caps, else stored */
};

#define CRED(f) offsetof(struct ckpt_hdr_creds, f), \
		sizeof(((struct ckpt_hdr_creds *)0)->f)

static const struct cred_edit cred_edits[] = {
	{ "uid 0",		CRED(uid), 0 },
	{ "euid 0",		CRED(euid), 0 },
	{ "suid 0",		CRED(suid), 0 },
	{ "fsuid 0",		CRED(fsuid), 0 },
	{ "uid 1000",		CRED(uid), 1000 },
	{ "gid 0",		CRED(gid), 0 },
	{ "egid 0",		CRED(egid), 0 },
	{ "sgid 0",		CRED(sgid), 0 },
	{ "fsgid 0",		CRED(fsgid), 0 },
	{ "permitted CAP_SYS_ADMIN", CRED(cap_permitted), 1ULL << CAP_SYS_ADMIN },
	{ "permitted all",	CRED(cap_permitted), (1ULL << (CAP_LAST_CAP + 1)) - 1 },
	{ "inheritable CAP_NET_RAW", CRED(cap_inheritable), 1ULL << CAP_NET_RAW },
	{ "securebits NOROOT",	CRED(securebits), SECBIT_NOROOT },
	{ "securebits KEEP_CAPS_LOCKED", CRED(securebits), SECBIT_KEEP_CAPS_LOCKED },
	{ "securebits NO_CAP_AMBIENT_RAISE", CRED(securebits),
	  SECBIT_NO_CAP_AMBIENT_RAISE },
};

static void set_field(void *rec, size_t off, int size, uint64_t v, bool or)
{
	if (size == 8) {
		uint64_t *p = (uint64_t *)((char *)rec + off);

		*p = or ? *p | v : v;
	} else {
		uint32_t *p = (uint32_t *)((char *)rec + off);

		*p = or ? *p | (uint32_t)v : (uint32_t)v;
	}
}

TEST_F_TIMEOUT(sec, restart_into_credentials_it_cannot_get, CK_TIMEOUT * 4)
{
	struct ckpt_image img, e;
	struct ckpt_hdr_creds *c;
	unsigned int i;
	long off;

	take_image(_metadata, &img);
	off = find(&img, CKPT_HDR_CREDS, 0);
	ASSERT_LE(0, off);
	c = REC_AT(&img, off, struct ckpt_hdr_creds);
	ASSERT_EQ(CK_UNPRIV_UID, (int)c->uid);
	ASSERT_TRUE(!(c->cap_permitted | c->cap_effective));

	for (i = 0; i < ARRAY_SIZE(cred_edits); i++) {
		const struct cred_edit *ed = &cred_edits[i];

		e = copy_image(&img);
		set_field(e.data + off, ed->field, ed->size, ed->value,
			  ed->size == 8);
		restart_edited(_metadata, &e, EPERM, ed->name);
		ckpt_image_free(&e);
	}

	/* effective and ambient along with permitted (and inheritable) */
	e = copy_image(&img);
	c = REC_AT(&e, off, struct ckpt_hdr_creds);
	c->cap_permitted = c->cap_effective = 1ULL << CAP_SETUID;
	restart_edited(_metadata, &e, EPERM, "effective CAP_SETUID");
	ckpt_image_free(&e);
	e = copy_image(&img);
	c = REC_AT(&e, off, struct ckpt_hdr_creds);
	c->cap_permitted = c->cap_inheritable = c->cap_ambient = 1ULL << CAP_NET_RAW;
	restart_edited(_metadata, &e, EPERM, "ambient CAP_NET_RAW");
	ckpt_image_free(&e);

	/* supplementary groups: root's, and one of its own */
	{
		static const uint32_t gids[] = { 0, CK_UNPRIV_UID };
		size_t len = sizeof(*c) + 8;
		unsigned char rec[sizeof(*c) + 8] = {};

		for (i = 0; i < ARRAY_SIZE(gids); i++) {
			e = copy_image(&img);
			memcpy(rec, e.data + off, sizeof(*c));
			((struct ckpt_hdr_creds *)rec)->h.len = len;
			((struct ckpt_hdr_creds *)rec)->ngroups = 1;
			memcpy(rec + sizeof(*c), &gids[i], 4);
			img_splice(&e, off, sizeof(*c), rec, len);
			restart_edited(_metadata, &e, EPERM, "groups");
			ckpt_image_free(&e);
		}
	}

	/* control: lowering the bounding set is allowed, and works */
	e = copy_image(&img);
	REC_AT(&e, off, struct ckpt_hdr_creds)->cap_bset &= ~(1ULL << CAP_SYS_ADMIN);
	restart_edited(_metadata, &e, 0, "bset lowered");
	ckpt_image_free(&e);
	ckpt_image_free(&img);
	check_log(_metadata);
}

/* ---- files it cannot open --------------------------------------------- */

/* Root's files: one readable by root only, a root-only directory, a file all may read */
static void make_root_files(struct __test_metadata *_metadata)
{
	int fd;

	fd = open(ck_path("secret"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(10, write(fd, "TOP SECRET", 10));
	ASSERT_EQ(0, ftruncate(fd, 4 * PAGE));
	fchmod(fd, 0600);
	close(fd);
	ASSERT_EQ(0, mkdir(ck_path("secretdir"), 0700));
	fd = open(ck_path("secretdir/inner"), O_WRONLY | O_CREAT, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	fd = open(ck_path("rootro"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 * PAGE));
	fchmod(fd, 0644);
	close(fd);
}

TEST_F_TIMEOUT(sec, restart_into_files_it_cannot_open, CK_TIMEOUT * 4)
{
	const size_t sstr = sizeof(struct ckpt_hdr_string);
	const size_t slen = offsetof(struct ckpt_hdr_string, len);
	const size_t vstr = sizeof(struct ckpt_hdr_vma);
	const size_t vlen = offsetof(struct ckpt_hdr_vma, path_len);
	struct ckpt_image img, e;
	char log[8192];
	long off, str;

	make_root_files(_metadata);
	take_image(_metadata, &img);

	/* the open file's path: root's secret; a root-only directory on the way */
	off = find_own_file(&img, &str);
	ASSERT_LE(0, off);
	e = copy_image(&img);
	set_path(&e, str, sstr, slen, 0, ck_path("secret"));
	restart_edited(_metadata, &e, EACCES, "file: secret");
	ckpt_image_free(&e);
	e = copy_image(&img);
	set_path(&e, str, sstr, slen, 0, ck_path("secretdir/inner"));
	restart_edited(_metadata, &e, EACCES, "file: in secretdir");
	ckpt_image_free(&e);
	/* root's file, readable, asked for writing */
	e = copy_image(&img);
	set_path(&e, str, sstr, slen, 0, ck_path("rootro"));
	restart_edited(_metadata, &e, EACCES, "file: rootro O_RDWR");
	ckpt_image_free(&e);
	/*
	 * control: the same file, read-only, may be opened - then it is
	 * another file than the one the image saw at the path (ESTALE),
	 * which RESTART_ACCEPT_REPLACED takes
	 */
	e = copy_image(&img);
	set_path(&e, str, sstr, slen, 0, ck_path("rootro"));
	REC_AT(&e, off, struct ckpt_hdr_file)->f_flags &= ~O_ACCMODE;
	restart_edited(_metadata, &e, ESTALE, "file: rootro O_RDONLY");
	restart_edited_flags(_metadata, &e, RESTART_ACCEPT_REPLACED, 0,
			     "file: rootro O_RDONLY, RESTART_ACCEPT_REPLACED");
	ckpt_image_free(&e);

	/* the private file mapping: root's secret */
	off = find_file_vma(&img, false);
	ASSERT_LE(0, off);
	e = copy_image(&img);
	set_path(&e, off, vstr, vlen, 0, ck_path("secret"));
	restart_edited(_metadata, &e, EACCES, "private mapping: secret");
	ckpt_image_free(&e);
	/* the shared writable mapping: root's read-only file */
	off = find_file_vma(&img, true);
	ASSERT_LE(0, off);
	ASSERT_NE(0, (int)(REC_AT(&img, off, struct ckpt_hdr_vma)->flags &
			   CKPT_VMA_F_MAYWRITE));
	e = copy_image(&img);
	set_path(&e, off, vstr, vlen, 0, ck_path("rootro"));
	restart_edited(_metadata, &e, EACCES, "shared writable mapping: rootro");
	ckpt_image_free(&e);

	/* the executable: root's secret */
	off = find(&img, CKPT_HDR_MM, 0);
	ASSERT_LE(0, off);
	e = copy_image(&img);
	set_path(&e, off, sizeof(struct ckpt_hdr_mm),
		 offsetof(struct ckpt_hdr_mm, exe_len), 0, ck_path("secret"));
	restart_edited(_metadata, &e, EACCES, "exe: secret");
	ckpt_image_free(&e);

	/* cwd in a directory it may not enter; another root */
	off = find(&img, CKPT_HDR_FS, 0);
	ASSERT_LE(0, off);
	e = copy_image(&img);
	set_path(&e, off, sizeof(struct ckpt_hdr_fs),
		 offsetof(struct ckpt_hdr_fs, cwd_len),
		 REC_AT(&img, off, struct ckpt_hdr_fs)->root_len, ck_path("secretdir"));
	restart_edited(_metadata, &e, EACCES, "cwd: secretdir");
	ckpt_image_free(&e);
	e = copy_image(&img);
	set_path(&e, off, sizeof(struct ckpt_hdr_fs) +
		 REC_AT(&img, off, struct ckpt_hdr_fs)->cwd_len,
		 offsetof(struct ckpt_hdr_fs, root_len), 0, "/tmp");
	restart_edited(_metadata, &e, EPERM, "root: /tmp");
	ckpt_image_free(&e);
	ckpt_image_free(&img);

	/* what the refusals logged holds nothing of the secret */
	ASSERT_LT(0, ck_read_file(ck.log, log, sizeof(log)));
	EXPECT_EQ(NULL, strstr(log, "TOP SECRET"));
	check_log(_metadata);
}

/* ---- memory at addresses no user mapping may have --------------------- */

static uint64_t task_size(void)
{
	void *p = mmap((void *)(1UL << 50), PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == (void *)(1UL << 50)) {
		munmap(p, PAGE);
		return (1ULL << 56) - PAGE;
	}
	return 0x7ffffffff000ULL;
}

TEST_F_TIMEOUT(sec, restart_into_kernel_or_overlapping_memory, CK_TIMEOUT * 4)
{
	const uint64_t ts = task_size();
	const struct {
		const char *name;
		uint64_t start, end;
	} moves[] = {
		{ "kernel (direct map)", 0xffff888000000000ULL, 0xffff888000001000ULL },
		{ "kernel (text)", 0xffffffff81000000ULL, 0xffffffff81001000ULL },
		{ "non-canonical", 0x8000000000000000ULL, 0x8000000000001000ULL },
		{ "at TASK_SIZE", ts, ts + PAGE },
		{ "past TASK_SIZE", ts + 16 * PAGE, ts + 32 * PAGE },
		{ "wrapping", 0xfffffffffffff000ULL, 0 },
	};
	struct ckpt_image img, e;
	struct ckpt_hdr_vma *v;
	struct ckpt_hdr_pages *pg;
	unsigned int i;
	long off, prev;
	char log[8192];

	take_image(_metadata, &img);
	off = find_vma(&img, ANON_AT);
	ASSERT_LE(0, off) TH_LOG("no vma at %#lx", ANON_AT);

	for (i = 0; i < ARRAY_SIZE(moves); i++) {
		e = copy_image(&img);
		move_vma_last(&e, off, moves[i].start, moves[i].end);
		restart_edited(_metadata, &e, EINVAL, moves[i].name);
		ckpt_image_free(&e);
	}

	/* overlapping the vma before it */
	for (i = 0; (prev = find(&img, CKPT_HDR_VMA, i)) >= 0; i++)
		if (find(&img, CKPT_HDR_VMA, i + 1) == off)
			break;
	ASSERT_LE(0, prev);
	e = copy_image(&img);
	v = REC_AT(&e, off, struct ckpt_hdr_vma);
	v->start = REC_AT(&e, prev, struct ckpt_hdr_vma)->end - PAGE;
	restart_edited(_metadata, &e, EINVAL, "overlapping");
	ckpt_image_free(&e);

	/* start not page aligned; empty */
	e = copy_image(&img);
	REC_AT(&e, off, struct ckpt_hdr_vma)->start += 8;
	restart_edited(_metadata, &e, EINVAL, "unaligned");
	ckpt_image_free(&e);
	e = copy_image(&img);
	v = REC_AT(&e, off, struct ckpt_hdr_vma);
	v->end = v->start;
	restart_edited(_metadata, &e, EINVAL, "empty");
	ckpt_image_free(&e);

	/* a page outside its vma */
	e = copy_image(&img);
	pg = REC_AT(&e, off + REC_AT(&e, off, struct ckpt_hdr_vma)->h.len,
		    struct ckpt_hdr_pages);
	ASSERT_EQ(CKPT_HDR_PAGES, (int)pg->h.type);
	ASSERT_LT(0, (int)pg->nr_pages);
	*(uint64_t *)(pg + 1) = ANON_AT + PAGE;
	restart_edited(_metadata, &e, EINVAL, "page outside its vma");
	ckpt_image_free(&e);
	ckpt_image_free(&img);

	ASSERT_LT(0, ck_read_file(ck.log, log, sizeof(log)));
	EXPECT_NE(NULL, strstr(log, "vma")) TH_LOG("%s", log);
	check_log(_metadata);
}

/* ---- locked memory ------------------------------------------------------ */

/*
 * An image that locks memory (a vma's mlock(), mlockall(MCL_FUTURE))
 * restarts only as far as the restarter could lock memory itself: its
 * RLIMIT_MEMLOCK, without CAP_IPC_LOCK.
 */
TEST_F_TIMEOUT(sec, restart_cannot_lock_memory_beyond_its_limit, CK_TIMEOUT * 4)
{
	struct ckpt_image img, e;
	struct rlimit old, none;
	char log[8192];
	long off, mm;

	take_image(_metadata, &img);
	off = find_vma(&img, ANON_AT);
	ASSERT_LE(0, off) TH_LOG("no vma at %#lx", ANON_AT);
	mm = find(&img, CKPT_HDR_MM, 0);
	ASSERT_LE(0, mm);

	/* control: a page, and MCL_FUTURE, within the default limit */
	e = copy_image(&img);
	REC_AT(&e, off, struct ckpt_hdr_vma)->flags |= CKPT_VMA_F_LOCKED;
	REC_AT(&e, mm, struct ckpt_hdr_mm)->flags |= CKPT_MM_F_LOCK_FUTURE;
	restart_edited(_metadata, &e, 0, "a locked page");
	ckpt_image_free(&e);

	/* with no RLIMIT_MEMLOCK left, as mlock() and mlockall() refuse */
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &old));
	none = old;
	none.rlim_cur = 0;
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &none));
	e = copy_image(&img);
	REC_AT(&e, off, struct ckpt_hdr_vma)->flags |= CKPT_VMA_F_LOCKED |
						       CKPT_VMA_F_LOCKONFAULT;
	restart_edited(_metadata, &e, EPERM, "a page locked on fault");
	ckpt_image_free(&e);
	e = copy_image(&img);
	REC_AT(&e, mm, struct ckpt_hdr_mm)->flags |= CKPT_MM_F_LOCK_FUTURE;
	restart_edited(_metadata, &e, EPERM, "mlockall(MCL_FUTURE)");
	ckpt_image_free(&e);
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &old));
	ckpt_image_free(&img);

	/* the last refusal's line */
	ASSERT_LT(0, ck_read_file(ck.log, log, sizeof(log)));
	EXPECT_NE(NULL, strstr(log, "mlockall(MCL_FUTURE) refused: the restarter's RLIMIT_MEMLOCK is 0 bytes"))
		TH_LOG("%s", log);
	check_log(_metadata);
}

/* ---- PR_SET_MDWE ---------------------------------------------------------- */

#define PR_SET_MDWE_		65	/* 6.3; older headers lack it */
#define PR_MDWE_REFUSE_EXEC_GAIN_	1

/*
 * A restarter with prctl(PR_SET_MDWE) passes it on, as fork() and
 * execve() would: it cannot restart a program without it, nor one that
 * would not pass it on (PR_MDWE_NO_INHERIT), as prctl() cannot unset it.
 * The harness runs each test in a process of its own: the setting ends
 * with the test.
 */
TEST_F_TIMEOUT(sec, restart_cannot_drop_its_mdwe, CK_TIMEOUT * 4)
{
	struct ckpt_image img, e;
	char log[8192];
	long mm;

	take_image(_metadata, &img);
	mm = find(&img, CKPT_HDR_MM, 0);
	ASSERT_LE(0, mm);
	ASSERT_EQ(0, REC_AT(&img, mm, struct ckpt_hdr_mm)->flags &
		     (CKPT_MM_F_MDWE | CKPT_MM_F_MDWE_NO_INHERIT));

	ASSERT_EQ(0, prctl(PR_SET_MDWE_, PR_MDWE_REFUSE_EXEC_GAIN_, 0, 0, 0));
	/* control: the program had it too */
	e = copy_image(&img);
	REC_AT(&e, mm, struct ckpt_hdr_mm)->flags |= CKPT_MM_F_MDWE;
	restart_edited(_metadata, &e, 0, "MDWE kept");
	ckpt_image_free(&e);
	e = copy_image(&img);
	restart_edited(_metadata, &e, EPERM, "MDWE dropped");
	ckpt_image_free(&e);
	ASSERT_LT(0, ck_read_file(ck.log, log, sizeof(log)));
	EXPECT_NE(NULL, strstr(log, "the restarter's prctl(PR_SET_MDWE) would be lost"))
		TH_LOG("%s", log);
	e = copy_image(&img);
	REC_AT(&e, mm, struct ckpt_hdr_mm)->flags |= CKPT_MM_F_MDWE |
						     CKPT_MM_F_MDWE_NO_INHERIT;
	restart_edited(_metadata, &e, EPERM, "MDWE not inherited");
	ckpt_image_free(&e);
	ckpt_image_free(&img);
	check_log(_metadata);
}

/* ---- PR_SET_IO_FLUSHER ------------------------------------------------ */

#define PR_SET_IO_FLUSHER_	57	/* 5.6; older headers lack it */

#define IO_FLUSHER_REFUSED \
	"task: prctl(PR_SET_IO_FLUSHER) needs CAP_SYS_RESOURCE"

/* The restarter's hook: root, without CAP_SYS_RESOURCE, as prctl() sees */
static void drop_cap_sys_resource(void *arg)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};
	const uint32_t bit = 1U << (CAP_SYS_RESOURCE % 32);

	CK_ASSERT(!syscall(SYS_capget, &hdr, d), "capget");
	d[CAP_SYS_RESOURCE / 32].effective &= ~bit;
	d[CAP_SYS_RESOURCE / 32].permitted &= ~bit;
	d[CAP_SYS_RESOURCE / 32].inheritable &= ~bit;
	CK_ASSERT(!syscall(SYS_capset, &hdr, d), "capset");
	CK_ASSERT(prctl(PR_SET_IO_FLUSHER_, 1, 0, 0, 0) == -1 && errno == EPERM,
		  "prctl(PR_SET_IO_FLUSHER) without CAP_SYS_RESOURCE");
}

/* How many times the log has @line */
static int log_count(const char *line)
{
	static char log[65536];
	const char *p = log;
	int n = 0;

	if (ck_read_file(ck.log, log, sizeof(log)) <= 0)
		return 0;
	while ((p = strstr(p, line))) {
		n++;
		p += strlen(line);
	}
	return n;
}

/* No task the restart made is left: the test is their subreaper */
static void expect_nothing_left(struct __test_metadata *_metadata,
				const char *what)
{
	int status;
	pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);

	EXPECT_EQ(-1, pid) TH_LOG("%s: task %d left behind", what, pid);
	EXPECT_EQ(ECHILD, errno);
}

/*
 * prctl(PR_SET_IO_FLUSHER) needs CAP_SYS_RESOURCE: so does a restart of
 * a task that had it. uid 65534 cannot restart its own image edited to
 * have it, nor can root without that capability; each refusal is logged,
 * leaves the restarter unharmed and nothing running. Root can (control).
 */
TEST_F_TIMEOUT(sec, restart_cannot_set_io_flusher_without_cap_sys_resource,
	       CK_TIMEOUT * 4)
{
	struct ck_restart_args root = { .img = ck_path("edited") };
	struct ck_restart_args no_cap = { .img = ck_path("edited"),
					  .hook = drop_cap_sys_resource };
	struct ckpt_hdr_task *t;
	struct ckpt_image img, e;
	int i, n = 0;
	long off;

	take_image(_metadata, &img);
	e = copy_image(&img);
	ckpt_image_free(&img);
	for (i = 0; (off = find(&e, CKPT_HDR_TASK, i)) >= 0; i++, n++) {
		t = REC_AT(&e, off, struct ckpt_hdr_task);
		ASSERT_EQ(0U, t->task_flags & CKPT_TASK_IO_FLUSHER);
		t->task_flags |= CKPT_TASK_IO_FLUSHER;
	}
	ASSERT_LT(0, n);
	/* whatever a restart made and left is reparented to the test */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));

	/* control: root, with CAP_SYS_RESOURCE */
	ASSERT_EQ(0, write_edited(&e));
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, &root));
	expect_nothing_left(_metadata, "root");
	EXPECT_EQ(0, log_count(IO_FLUSHER_REFUSED));

	/* uid 65534 */
	restart_edited(_metadata, &e, EPERM, "PR_SET_IO_FLUSHER as uid 65534");
	expect_nothing_left(_metadata, "uid 65534");
	EXPECT_EQ(1, log_count(IO_FLUSHER_REFUSED))
		TH_LOG("no line \"" IO_FLUSHER_REFUSED "\"");

	/* root without CAP_SYS_RESOURCE */
	ck_expect_restart_error(_metadata,
				ck_restart_status(NULL, 0, &no_cap), EPERM);
	expect_nothing_left(_metadata, "root without CAP_SYS_RESOURCE");
	EXPECT_EQ(2, log_count(IO_FLUSHER_REFUSED))
		TH_LOG("no line \"" IO_FLUSHER_REFUSED "\"");
	ckpt_image_free(&e);
	check_log(_metadata);
}

/* ---- registers ---------------------------------------------------------- */

#define CPU(f) offsetof(struct ckpt_hdr_cpu, f)

TEST_F_TIMEOUT(sec, restart_into_privileged_registers, CK_TIMEOUT * 4)
{
	const uint64_t ts = task_size();
	const struct {
		const char *name;
		size_t field;
		uint64_t value;
		bool xor;
	} edits[] = {
		{ "cs kernel", CPU(cs), 0x10, false },
		{ "cs 32-bit user", CPU(cs), 0x23, false },
		{ "cs user data", CPU(cs), 0x2b, false },
		{ "ss kernel", CPU(ss), 0x18, false },
		{ "ss user code", CPU(ss), 0x33, false },
		{ "ds kernel", CPU(ds), 0x18, false },
		{ "fs selector", CPU(fs), 0x2b, false },
		{ "gs selector", CPU(gs), 0x2b, false },
		{ "rip kernel", CPU(ip), 0xffffffff81000000ULL, false },
		{ "rip non-canonical", CPU(ip), 0x8000000000000000ULL, false },
		{ "rip at TASK_SIZE", CPU(ip), ts, false },
		{ "rsp kernel", CPU(sp), 0xffff888000000000ULL, false },
		{ "rsp non-canonical", CPU(sp), 0x0000800000000000ULL | (ts >> 56 << 63), false },
		{ "fs_base kernel", CPU(fs_base), 0xffff888000000000ULL, false },
		{ "gs_base non-canonical", CPU(gs_base), 0x8000000000000000ULL, false },
		{ "rflags IOPL 3", CPU(flags), 0x3000, true },
		{ "rflags NT", CPU(flags), 0x4000, true },
		{ "rflags VM", CPU(flags), 0x20000, true },
		{ "rflags VIF VIP", CPU(flags), 0x180000, true },
		{ "rflags IF cleared", CPU(flags), 0x200, true },
		{ "rflags reserved bit 15", CPU(flags), 0x8000, true },
		{ "orig_rax", CPU(orig_ax), 100000, false },
	};
	struct ckpt_image img, e;
	unsigned int i;
	long off;

	take_image(_metadata, &img);
	off = find(&img, CKPT_HDR_CPU, 0);
	ASSERT_LE(0, off);
	ASSERT_EQ(0x33, (int)REC_AT(&img, off, struct ckpt_hdr_cpu)->cs);
	for (i = 0; i < ARRAY_SIZE(edits); i++) {
		uint64_t *f;

		e = copy_image(&img);
		f = (uint64_t *)(e.data + off + edits[i].field);
		*f = edits[i].xor ? *f ^ edits[i].value : plant(edits[i].value);
		restart_edited(_metadata, &e, EINVAL, edits[i].name);
		ckpt_image_free(&e);
	}
	ckpt_image_free(&img);
	check_log(_metadata);
}

/* ---- FPU state ---------------------------------------------------------- */

static uint64_t xcr0(void)
{
	uint32_t eax, edx;

	__asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
	return ((uint64_t)edx << 32) | eax;
}

#define MXCSR_MINE	0x7f80	/* all exceptions masked, round toward zero */

/*
 * B for the FPU tests: its own MXCSR set to MXCSR_MINE, the restart must
 * fail and leave it so (the kernel loads the image's state into the
 * task only once it has validated it).
 */
static void restart_keeps_fpu(void *arg)
{
	uint32_t mxcsr = MXCSR_MINE;
	long ret;
	int fd;

	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	fd = open(ck_path("edited"), O_RDONLY);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_RIMG_FD) == CK_RIMG_FD, "image");
	fd = open(ck.log, O_WRONLY | O_APPEND);
	CK_ASSERT(fd >= 0 && ck_move_fd(fd, CK_RLOG_FD) == CK_RLOG_FD, "log");
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	ret = sys_restart(0, CK_RIMG_FD, RESTART_TASKSELF, CK_RLOG_FD);
	fd = errno;
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	ck_report("RESTART-ERROR %d ret=%ld mxcsr=%#x", fd, ret, mxcsr);
	_exit(CK_EXIT_RESTART_ERR);
}

TEST_F_TIMEOUT(sec, restart_into_fpu_state_the_cpu_rejects, CK_TIMEOUT * 2)
{
	const uint64_t features = xcr0();
	struct ckpt_image img, e;
	struct ckpt_hdr_fpu *f;
	unsigned char *xs;
	uint64_t bad = 0;
	unsigned int i;
	long off, v;
	int bit, status;

	/* a feature this CPU does not have (or no feature at all: bit 63) */
	for (bit = 2; bit < 63 && !bad; bit++)
		if (!(features & (1ULL << bit)) && bit != 8 && bit != 10 && bit != 13 &&
		    !(bit >= 11 && bit <= 16))
			bad = 1ULL << bit;
	take_image(_metadata, &img);
	off = find(&img, CKPT_HDR_FPU, 0);
	ASSERT_LE(0, off);
	f = REC_AT(&img, off, struct ckpt_hdr_fpu);
	ASSERT_LE(576, (int)f->size);

	for (i = 0; i < 7; i++) {
		const char *what;

		e = copy_image(&img);
		f = REC_AT(&e, off, struct ckpt_hdr_fpu);
		xs = (unsigned char *)(f + 1);
		switch (i) {
		case 0:
			*(uint32_t *)(xs + 24) |= 0xffff0000;
			what = "MXCSR reserved bits";
			break;
		case 1:
			*(uint64_t *)(xs + 512) |= 1ULL << 63;
			what = "xfeatures bit 63";
			break;
		case 2:
			*(uint64_t *)(xs + 512) |= bad ?: 1ULL << 62;
			what = "xfeatures the CPU lacks";
			break;
		case 3:
			*(uint64_t *)(xs + 520) = 1ULL << 63 | *(uint64_t *)(xs + 512);
			what = "xcomp_bv (compacted format)";
			break;
		case 4:
			xs[530] = 1;
			what = "xsave header reserved bytes";
			break;
		case 5:
			f->size += 64;
			what = "size and length disagree";
			break;
		default:
			f->__reserved = 1;
			what = "reserved field";
		}
		ASSERT_EQ(0, write_edited(&e));
		ckpt_image_free(&e);
		status = ck_wait(ck_spawn(NULL, 0, restart_keeps_fpu, NULL));
		v = -1;
		ck_line_int("RESTART-ERROR ", &v);
		EXPECT_EQ(EINVAL, v) TH_LOG("%s: %s", what, ck_status_str(status));
		EXPECT_NE(NULL, strstr(ck.buf, "mxcsr=0x7f80"))
			TH_LOG("%s: the restarter's MXCSR changed: %s", what, ck.buf);
	}
	ckpt_image_free(&img);
	check_log(_metadata);
}

/* ---- kernel.ckpt_unpriv_allowed --------------------------------------- */

static void body_unpriv_calls(void *arg)
{
	long ret;
	int fd;

	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	fd = open(ck_path("scratch"), O_RDWR | O_CREAT, 0600);
	CK_ASSERT(fd >= 0, "scratch");
	ret = sys_checkpoint(0, fd, 0, -1);
	ck_report("CHECKPOINT %d", ret < 0 ? errno : 0);
	CK_ASSERT(ret != 0, "restored?");
	fd = open(ck.img, O_RDONLY);
	CK_ASSERT(fd >= 0, "image");
	ret = sys_restart(0, fd, RESTART_TASKSELF, -1);
	ck_report("RESTART %d", ret < 0 ? errno : 0);
	ck_done();
}

TEST_F_TIMEOUT(sec, unpriv_sysctl_zero_stops_both_calls, CK_TIMEOUT)
{
	struct ck_restart_args args = { .uid = CK_UNPRIV_UID };
	char val[16];
	long err;
	int status;

	/* an image it could restart, were it allowed */
	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body,
			    (void *)(long)CK_UNPRIV_UID);
	ASSERT_LT(0, ck_read_file(CK_SYSCTL_UNPRIV, val, sizeof(val)));
	ASSERT_EQ(0, ck_write_file(CK_SYSCTL_UNPRIV, "0"));
	status = ck_wait(ck_spawn(NULL, 0, body_unpriv_calls, NULL));
	EXPECT_EQ(0, status);
	err = -1;
	ck_line_int("CHECKPOINT ", &err);
	EXPECT_EQ(EPERM, err);
	err = -1;
	ck_line_int("RESTART ", &err);
	EXPECT_EQ(EPERM, err);
	/* root is not stopped */
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, NULL));
	ASSERT_EQ(0, ck_write_file(CK_SYSCTL_UNPRIV, "1"));
	/* and with 1 again, the user may */
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, &args));
}

/* ---- the restored program's exit signal ------------------------------- */

static volatile sig_atomic_t parent_got[65];

static void parent_handler(int sig)
{
	parent_got[sig]++;
}

/*
 * H, a root process: forks B, which restarts ck_path("edited") as uid
 * 65534, reaps it whatever its exit signal, and reports every signal
 * other than SIGCHLD that it got.
 */
static void root_parent(void *arg)
{
	struct sigaction sa = { .sa_handler = parent_handler };
	struct ck_restart_args args = { .img = ck_path("edited"),
					.uid = CK_UNPRIV_UID };
	int sig, st = 0;
	pid_t b;

	for (sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	b = fork();
	if (b == 0) {
		for (sig = 1; sig <= 64; sig++)
			signal(sig, SIG_DFL);
		ck_restart_child(&args);
	}
	while (waitpid(b, &st, __WALL) < 0 && errno == EINTR)
		;
	for (sig = 1; sig <= 64; sig++)
		if (parent_got[sig] && sig != SIGCHLD)
			ck_report("PARENT-GOT %d", sig);
	ck_report("CHILD %d", st);
	_exit(0);
}

/*
 * exit_signal is what the parent gets when the task exits; clone() lets
 * only the parent choose it. An unprivileged image must not choose it
 * for a (root) parent: the restored program must end with SIGCHLD to its
 * parent, or the restart be refused.
 */
TEST_F_TIMEOUT(sec, restart_cannot_choose_its_exit_signal, CK_TIMEOUT)
{
	static const int sigs[] = { SIGUSR1, SIGTERM, 42, SIGKILL, SIGSTOP };
	struct ckpt_image img, e;
	unsigned int i;
	long off, v;
	int status;
	pid_t h;

	ck_checkpoint_child(_metadata, NULL, 0, ck_simple_body,
			    (void *)(long)CK_UNPRIV_UID);
	ASSERT_EQ(0, ckpt_image_load(ck.img, &img));
	off = find(&img, CKPT_HDR_TASK, 0);
	ASSERT_LE(0, off);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		e = copy_image(&img);
		REC_AT(&e, off, struct ckpt_hdr_task)->exit_signal = sigs[i];
		ASSERT_EQ(0, write_edited(&e));
		ckpt_image_free(&e);
		h = ck_spawn(NULL, 0, root_parent, NULL);
		ASSERT_LT(0, h);
		/* a stopped parent does not end: give it a few seconds */
		status = ck_wait_secs(h, 10);
		v = -1;
		ck_line_int("PARENT-GOT ", &v);
		EXPECT_TRUE(status == 0 && v == -1)
			TH_LOG("exit_signal %d: the restored program's root parent %s%s",
			       sigs[i], status == 0 ? "got signal " : ck_status_str(status),
			       status == 0 ? strsignal(v) : "");
	}
	ckpt_image_free(&img);
}

TEST_HARNESS_MAIN
