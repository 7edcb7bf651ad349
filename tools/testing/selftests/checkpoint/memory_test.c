// SPDX-License-Identifier: GPL-2.0
/*
 * Memory as a distribution kernel shapes it: pages pushed out to swap,
 * transparent huge pages (anonymous and shmem, "always" and "madvise"),
 * pages merged by KSM, pages migrated to another NUMA node. Each test
 * takes a self checkpoint with the memory in that state; the restored
 * program checks every byte, and counts in the image that the pages it
 * never touched were not saved (nor faulted in).
 *
 * The guest sets up a zram swap device and boots with numa=fake=2 (see
 * scripts/guest/init and scripts/vm.sh); a test whose setup does not take
 * (no page went to swap, no huge page, nothing merged) fails, it never
 * passes without having checked what it is for.
 */
#include "ckpt_test.h"
#include <sys/mman.h>
#include "image.h"

#define PAGE		4096UL
#define HPAGE		(2UL << 20)
#define THP_SYSFS	"/sys/kernel/mm/transparent_hugepage/"
#define KSM_SYSFS	"/sys/kernel/mm/ksm/"

#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE	(1 << 1)
#endif

/* sysfs knobs a test changes, put back by the teardown */
static const char * const mem_knobs[] = {
	THP_SYSFS "enabled", THP_SYSFS "defrag", THP_SYSFS "shmem_enabled",
	KSM_SYSFS "run", KSM_SYSFS "pages_to_scan", KSM_SYSFS "sleep_millisecs",
};

FIXTURE(mem) {
	char saved[6][128];
};

/* "always [madvise] never" -> "madvise" */
static void knob_selected(char *buf)
{
	char *l = strchr(buf, '['), *r = l ? strchr(l, ']') : NULL;

	if (l && r) {
		memmove(buf, l + 1, r - l - 1);
		buf[r - l - 1] = 0;
	}
	buf[strcspn(buf, "\n")] = 0;
}

FIXTURE_SETUP(mem)
{
	size_t i;

	ck_setup(_metadata);
	for (i = 0; i < ARRAY_SIZE(mem_knobs); i++) {
		ASSERT_LT(0, ck_read_file(mem_knobs[i], self->saved[i],
					  sizeof(self->saved[i])));
		knob_selected(self->saved[i]);
	}
}

FIXTURE_TEARDOWN(mem)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mem_knobs); i++)
		ck_write_file(mem_knobs[i], self->saved[i]);
	ck_cleanup();
}

/*
 * Map @len bytes at an address aligned to a huge page (for shmem the
 * object offset is 0, so its huge pages line up with the pmds too)
 */
static char *map_aligned(size_t len, int flags)
{
	char *m = mmap(NULL, len + HPAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a;

	CK_ASSERT(m != MAP_FAILED, "mmap");
	a = (char *)(((unsigned long)m + HPAGE - 1) & ~(HPAGE - 1));
	CK_ASSERT(!munmap(m, len + HPAGE), "munmap");
	m = mmap(a, len, PROT_READ | PROT_WRITE,
		 flags | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CK_ASSERT(m == a, "mmap at %p", a);
	return a;
}

struct page_count {
	uint64_t lo, hi;
	long n;
};

static int count_rec(const struct ckpt_hdr *h, size_t off, void *arg)
{
	const struct ckpt_hdr_pages *p = (const void *)h;
	const uint64_t *addr = (const void *)(p + 1);
	struct page_count *c = arg;
	uint32_t i;

	if (h->type != CKPT_HDR_PAGES)
		return 0;
	for (i = 0; i < p->nr_pages; i++)
		if (addr[i] >= c->lo && addr[i] < c->hi)
			c->n++;
	return 0;
}

/* Pages of [@m, @m + @len) the image holds (run in the restored program) */
static long image_pages(const void *m, size_t len)
{
	struct page_count c = { (unsigned long)m, (unsigned long)m + len, 0 };
	struct ckpt_image img;

	if (ckpt_image_load(ck.img, &img))
		return -1;
	if (ckpt_image_walk(&img, count_rec, &c, NULL, 0))
		c.n = -1;
	ckpt_image_free(&img);
	return c.n;
}

/* ---- swap ----------------------------------------------------------- */

/* Fill @n pages from @m, page i with seed @seed + i, but every fourth */
static void fill_but_every_fourth(char *m, size_t n, uint64_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (i % 4 != 3)
			ck_fill(m + i * PAGE, PAGE, seed + i);
}

/* ...and after restart: the filled pages intact, the others zero */
static void check_but_every_fourth(const char *m, size_t n, uint64_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 4 == 3)
			CK_EXPECT(ck_all_zero(m + i * PAGE, PAGE),
				  "untouched page %zu", i);
		else
			CK_EXPECT(ck_check_fill(m + i * PAGE, PAGE, seed + i) < 0,
				  "page %zu lost its contents", i);
	}
}

static void body_swap_anon(void *arg)
{
	const size_t n = 256;
	char *m;

	m = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	fill_but_every_fourth(m, n, 1000);
	ck_push_to_swap(m, n * PAGE, n / 4 * 3 * PAGE / 1024);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	check_but_every_fourth(m, n, 1000);
	CK_EXPECT_EQ(n / 4 * 3, image_pages(m, n * PAGE));
	ck_done();
}

/*
 * Pages in swap at checkpoint time are read back and saved; pages never
 * touched stay out of the image.
 */
TEST_F_TIMEOUT(mem, swapped_out_private_anonymous, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_swap_anon, NULL);
}

static void body_swap_file_cow(void *arg)
{
	const size_t n = 16;
	char *buf = malloc(n * PAGE), *m;
	size_t i;
	int fd;

	CK_ASSERT(buf, "malloc");
	for (i = 0; i < n; i++)
		ck_fill(buf + i * PAGE, PAGE, 7000 + i);
	fd = open(ck_path("cow"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	CK_ASSERT(fd >= 0, "open");
	CK_ASSERT(write(fd, buf, n * PAGE) == (ssize_t)(n * PAGE), "write");
	m = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	close(fd);
	/* pages 0-7 written (copies of the task's own), 8-15 only read */
	for (i = 0; i < n / 2; i++)
		ck_fill(m + i * PAGE, PAGE, 8000 + i);
	for (i = n / 2; i < n; i++)
		CK_ASSERT(ck_check_fill(m + i * PAGE, PAGE, 7000 + i) < 0,
			  "file page %zu", i);
	ck_push_to_swap(m, n * PAGE, n / 2 * PAGE / 1024);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (i = 0; i < n; i++)
		CK_EXPECT(ck_check_fill(m + i * PAGE, PAGE,
					(i < n / 2 ? 8000 : 7000) + i) < 0,
			  "page %zu", i);
	/* the file's pages are the file's, not the image's */
	CK_EXPECT_EQ(n / 2, image_pages(m, n * PAGE));
	ck_done();
}

/* a private file mapping's written pages, in swap: saved, the rest not */
TEST_F_TIMEOUT(mem, swapped_out_copies_in_private_file_mapping, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_swap_file_cow, NULL);
}

static void body_swap_shared(void *arg)
{
	const size_t n = 64;
	pid_t pid;
	int status;
	char *m;

	m = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	fill_but_every_fourth(m, n, 3000);
	ck_push_to_swap(m, n * PAGE, n / 4 * 3 * PAGE / 1024);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	check_but_every_fourth(m, n, 3000);
	CK_EXPECT_EQ(n / 4 * 3, image_pages(m, n * PAGE));
	/* still one shared object */
	pid = fork();
	CK_ASSERT(pid >= 0, "fork");
	if (pid == 0) {
		strcpy(m + 3 * PAGE, "from the child");
		_exit(0);
	}
	CK_EXPECT(waitpid(pid, &status, 0) == pid && status == 0, "child");
	CK_EXPECT(!strcmp(m + 3 * PAGE, "from the child"), "not shared");
	ck_done();
}

/* MAP_SHARED|MAP_ANONYMOUS pages in swap are read back from shmem */
TEST_F_TIMEOUT(mem, swapped_out_shared_anonymous, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_swap_shared, NULL);
}

/* ---- transparent huge pages ----------------------------------------- */

enum thp_case { THP_MADVISE, THP_ALWAYS, THP_SWAPPED, THP_SHMEM };

static void body_thp(void *arg)
{
	enum thp_case c = (enum thp_case)(long)arg;
	const size_t len = 2 * HPAGE, n = len / PAGE;
	const char *field = c == THP_SHMEM ? "ShmemPmdMapped:" :
					     "AnonHugePages:";
	pid_t pid;
	int status;
	size_t i;
	char *m;

	m = map_aligned(len, c == THP_SHMEM ? MAP_SHARED : MAP_PRIVATE);
	if (c != THP_ALWAYS)
		CK_ASSERT(!madvise(m, len, MADV_HUGEPAGE), "MADV_HUGEPAGE");
	/* a few pages written in each huge page, the rest zero */
	for (i = 0; i < n; i += 37)
		ck_fill(m + i * PAGE, PAGE, 500 + i);
	CK_ASSERT(ck_smaps_kb(m, field) >= (long)(len / 1024),
		  "no huge pages: %s %ld kB", field, ck_smaps_kb(m, field));
	if (c == THP_SWAPPED)
		ck_push_to_swap(m, len, len / 1024);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (i = 0; i < n; i++) {
		if (i % 37)
			CK_EXPECT(ck_all_zero(m + i * PAGE, PAGE),
				  "zero page %zu", i);
		else
			CK_EXPECT(ck_check_fill(m + i * PAGE, PAGE, 500 + i) < 0,
				  "page %zu lost its contents", i);
	}
	/* a huge page is saved as all of its base pages */
	CK_EXPECT_EQ(n, image_pages(m, len));
	if (c == THP_SHMEM) {
		pid = fork();
		CK_ASSERT(pid >= 0, "fork");
		if (pid == 0) {
			strcpy(m + HPAGE + 5, "from the child");
			_exit(0);
		}
		CK_EXPECT(waitpid(pid, &status, 0) == pid && status == 0,
			  "child");
		CK_EXPECT(!strcmp(m + HPAGE + 5, "from the child"),
			  "not shared");
	}
	ck_done();
}

TEST_F_TIMEOUT(mem, thp_anonymous_madvise, CK_TIMEOUT)
{
	ASSERT_EQ(0, ck_write_file(THP_SYSFS "enabled", "madvise"));
	ASSERT_EQ(0, ck_write_file(THP_SYSFS "defrag", "madvise"));
	ck_roundtrip(_metadata, body_thp, (void *)THP_MADVISE);
}

TEST_F_TIMEOUT(mem, thp_anonymous_always, CK_TIMEOUT)
{
	ASSERT_EQ(0, ck_write_file(THP_SYSFS "enabled", "always"));
	ASSERT_EQ(0, ck_write_file(THP_SYSFS "defrag", "always"));
	ck_roundtrip(_metadata, body_thp, (void *)THP_ALWAYS);
}

/* a huge page swapped out whole (THP_SWAP), then checkpointed */
TEST_F_TIMEOUT(mem, thp_swapped_out, CK_TIMEOUT)
{
	ASSERT_EQ(0, ck_write_file(THP_SYSFS "enabled", "madvise"));
	ASSERT_EQ(0, ck_write_file(THP_SYSFS "defrag", "madvise"));
	ck_roundtrip(_metadata, body_thp, (void *)THP_SWAPPED);
}

TEST_F_TIMEOUT(mem, thp_shared_anonymous, CK_TIMEOUT)
{
	ASSERT_EQ(0, ck_write_file(THP_SYSFS "shmem_enabled", "advise"));
	ASSERT_EQ(0, ck_write_file(THP_SYSFS "defrag", "madvise"));
	ck_roundtrip(_metadata, body_thp, (void *)THP_SHMEM);
}

/* ---- KSM ------------------------------------------------------------ */

static long ksm_merging_pages(void)
{
	char buf[64];

	if (ck_read_file("/proc/self/ksm_merging_pages", buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static void body_ksm(void *arg)
{
	const size_t n = 64;
	long merged = 0;
	char *m;
	size_t i;
	int t;

	m = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	/* two contents, each on 28 pages; 8 pages of their own */
	for (i = 0; i < n; i++)
		ck_fill(m + i * PAGE, PAGE, i < 56 ? 600 + i % 2 : 700 + i);
	CK_ASSERT(!madvise(m, n * PAGE, MADV_MERGEABLE), "MADV_MERGEABLE");
	for (t = 0; t < 6000 && merged < 56; t++) {
		usleep(10000);
		merged = ksm_merging_pages();
	}
	CK_ASSERT(merged >= 56, "KSM merged %ld of 56 pages", merged);
	/* and some of the merged pages out to swap */
	CK_ASSERT(!madvise(m, 16 * PAGE, MADV_PAGEOUT), "MADV_PAGEOUT");

	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (i = 0; i < n; i++)
		CK_EXPECT(ck_check_fill(m + i * PAGE, PAGE,
					i < 56 ? 600 + i % 2 : 700 + i) < 0,
			  "page %zu lost its contents", i);
	CK_EXPECT_EQ(n, image_pages(m, n * PAGE));
	/* a page once merged is the task's own: writing it changes no other */
	strcpy(m + 2 * PAGE, "written after restart");
	CK_EXPECT(ck_check_fill(m, PAGE, 600) < 0, "page 0 changed");
	CK_EXPECT(ck_check_fill(m + 4 * PAGE, PAGE, 600) < 0, "page 4 changed");
	ck_done();
}

/* pages KSM merged (some of them in swap) come back with their bytes */
TEST_F_TIMEOUT(mem, ksm_merged_pages, 3 * CK_TIMEOUT)
{
	ASSERT_EQ(0, ck_write_file(KSM_SYSFS "pages_to_scan", "1000"));
	ASSERT_EQ(0, ck_write_file(KSM_SYSFS "sleep_millisecs", "10"));
	ASSERT_EQ(0, ck_write_file(KSM_SYSFS "run", "1"));
	ck_roundtrip(_metadata, body_ksm, NULL);
	ASSERT_EQ(0, ck_write_file(KSM_SYSFS "run", "2"));
}

/* ---- NUMA ----------------------------------------------------------- */

static void body_migrated(void *arg)
{
	const size_t n = 32;
	int nodes[32], status[32];
	void *pages[32];
	char *m;
	size_t i;

	m = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	for (i = 0; i < n; i++) {
		ck_fill(m + i * PAGE, PAGE, 900 + i);
		pages[i] = m + i * PAGE;
		nodes[i] = 1;
		status[i] = -1;
	}
	CK_ASSERT(!syscall(SYS_move_pages, 0, n, pages, nodes, status,
			   MPOL_MF_MOVE), "move_pages");
	for (i = 0; i < n; i++)
		CK_ASSERT(status[i] == 1, "page %zu on node %d", i, status[i]);
	/* half of them on to swap as well */
	ck_push_to_swap(m, n / 2 * PAGE, n / 2 * PAGE / 1024);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (i = 0; i < n; i++)
		CK_EXPECT(ck_check_fill(m + i * PAGE, PAGE, 900 + i) < 0,
			  "page %zu lost its contents", i);
	CK_EXPECT_EQ(n, image_pages(m, n * PAGE));
	ck_done();
}

/* pages moved to the other node with move_pages() */
TEST_F_TIMEOUT(mem, migrated_to_other_node, CK_TIMEOUT)
{
	ASSERT_EQ(0, access("/sys/devices/system/node/node1", F_OK));
	ck_roundtrip(_metadata, body_migrated, NULL);
}

TEST_HARNESS_MAIN
