// SPDX-License-Identifier: GPL-2.0
/*
 * Self checkpoint and RESTART_TASKSELF: what the restored program finds.
 *
 * Every test sets up some state in a child (A), takes a self checkpoint,
 * restarts the image in another child (B), and lets the restored program
 * check its own state from the inside (see ckpt_test.h). The original
 * checks the same things after checkpoint() returned where that makes
 * sense, so a test that fails in the original is a broken test or a
 * checkpoint() that changed its caller, not a restore bug.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <dirent.h>
#include <limits.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/fsuid.h>
#include <sys/sysmacros.h>

#include "ckpt_test.h"
#include "ckpt_regs.h"

#define PAGE	4096UL

#ifndef SS_AUTODISARM
#define SS_AUTODISARM	(1U << 31)
#endif

FIXTURE(restore) {
	int unused;
};

FIXTURE_SETUP(restore)
{
	ck_setup(_metadata);
}

FIXTURE_TEARDOWN(restore)
{
	ck_cleanup();
}

/* Keep the compiler from assuming it knows what @p points to */
static inline void ck_escape(const void *p)
{
	asm volatile("" : : "r"(p) : "memory");
}

/* ---- basic ---------------------------------------------------------- */

static void body_basic(void *arg)
{
	long id = ck_checkpoint_self();

	if (id > 0)
		_exit(0);
	ck_report("PID %d PPID %d", getpid(), getppid());
	ck_done();
}

/*
 * The restored program sees 0 from checkpoint() and, like after execve(),
 * is the restarting process: same pid, same parent.
 */
TEST_F_TIMEOUT(restore, restored_program_is_the_restarter, CK_TIMEOUT)
{
	long pid = 0, ppid = 0;
	int status;
	pid_t b;

	ck_checkpoint_child(_metadata, NULL, 0, body_basic, NULL);
	b = ck_spawn(NULL, 0, ck_restart_child, NULL);
	ASSERT_GT(b, 0);
	status = ck_wait(b);
	ASSERT_EQ(0, ck_line_int("PID ", &pid)) {
		ck_dump(_metadata, "restart", status);
	}
	sscanf(ck_line("PID "), "%ld PPID %ld", &pid, &ppid);
	EXPECT_EQ(b, pid);
	EXPECT_EQ(getpid(), ppid);
	ck_expect_restored(_metadata, status);
}

/* ---- registers ------------------------------------------------------ */

static bool cpu_has_avx(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx");
}

/* Fill ck_regs_in for checkpoint(0, CK_IMG_FD, 0, CK_LOG_FD) */
static void regs_prepare(bool avx)
{
	static const double st0 = 1.25, st1 = -3.5e10;
	int i;

	memset(&ck_regs_in, 0, sizeof(ck_regs_in));
	memset(&ck_regs_out, 0, sizeof(ck_regs_out));
	ck_regs_in.gpr[CK_RAX] = __NR_checkpoint;
	ck_regs_in.gpr[CK_RDI] = 0;
	ck_regs_in.gpr[CK_RSI] = CK_IMG_FD;
	ck_regs_in.gpr[CK_RDX] = 0;
	ck_regs_in.gpr[CK_R10] = CK_LOG_FD;
	ck_regs_in.gpr[CK_RBX] = 0x0123456789abcdefULL;
	ck_regs_in.gpr[CK_RBP] = 0xfedcba9876543210ULL;
	ck_regs_in.gpr[CK_R8] = 0x8888888811111111ULL;
	ck_regs_in.gpr[CK_R9] = 0x9999999922222222ULL;
	ck_regs_in.gpr[CK_R12] = 0xc0c0c0c012121212ULL;
	ck_regs_in.gpr[CK_R13] = 0xd0d0d0d013131313ULL;
	ck_regs_in.gpr[CK_R14] = 0xe0e0e0e014141414ULL;
	ck_regs_in.gpr[CK_R15] = 0xf0f0f0f015151515ULL;
	for (i = 0; i < 16; i++)
		ck_fill(ck_regs_in.vec[i], 32, 1000 + i);
	memcpy(&ck_regs_in.st[0], &st0, 8);
	memcpy(&ck_regs_in.st[1], &st1, 8);
	/* round toward zero, flush to zero, all exceptions masked */
	ck_regs_in.mxcsr = 0x1f80 | (3 << 13) | (1 << 15);
	/* double precision, round toward zero, exceptions masked */
	ck_regs_in.fcw = 0x0e7f;
	ck_regs_in.avx = avx;
}

enum regs_part { REGS_GPR, REGS_SSE_X87, REGS_AVX };

static void regs_check(enum regs_part part, long id)
{
	static const int same[] = {
		CK_RBX, CK_RDX, CK_RSI, CK_RDI, CK_RBP, CK_RSP, CK_R8, CK_R9,
		CK_R10, CK_R12, CK_R13, CK_R14, CK_R15,
	};
	static const char * const names[CK_NR_GPRS] = {
		"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		"rflags",
	};
	/* CF PF AF ZF SF DF OF */
	const uint64_t arith = 0x0cd5;
	const struct ck_regs *in = &ck_regs_in, *out = &ck_regs_out;
	unsigned int i;

	switch (part) {
	case REGS_GPR:
		for (i = 0; i < ARRAY_SIZE(same); i++)
			CK_EXPECT(in->gpr[same[i]] == out->gpr[same[i]],
				  "%s: expected 0x%llx, got 0x%llx",
				  names[same[i]],
				  (unsigned long long)in->gpr[same[i]],
				  (unsigned long long)out->gpr[same[i]]);
		CK_EXPECT((in->gpr[CK_RFLAGS] & arith) ==
			  (out->gpr[CK_RFLAGS] & arith),
			  "rflags: expected 0x%llx, got 0x%llx (mask 0x%llx)",
			  (unsigned long long)in->gpr[CK_RFLAGS],
			  (unsigned long long)out->gpr[CK_RFLAGS],
			  (unsigned long long)arith);
		/* the test set them: make sure they were there to compare */
		CK_EXPECT(in->gpr[CK_RFLAGS] & 0x401, "CF and DF set before");
		break;
	case REGS_SSE_X87:
		for (i = 0; i < 16; i++)
			CK_EXPECT(!memcmp(in->vec[i], out->vec[i], 16),
				  "xmm%u differs", i);
		CK_EXPECT_EQ(in->mxcsr, out->mxcsr);
		CK_EXPECT_EQ(in->fcw, out->fcw);
		CK_EXPECT(in->st[0] == out->st[0], "st(0): 0x%llx vs 0x%llx",
			  (unsigned long long)in->st[0],
			  (unsigned long long)out->st[0]);
		CK_EXPECT(in->st[1] == out->st[1], "st(1): 0x%llx vs 0x%llx",
			  (unsigned long long)in->st[1],
			  (unsigned long long)out->st[1]);
		break;
	case REGS_AVX:
		for (i = 0; i < 16; i++)
			CK_EXPECT(!memcmp(in->vec[i] + 16, out->vec[i] + 16, 16),
				  "upper half of ymm%u differs", i);
		break;
	}
}

static void body_regs(void *arg)
{
	enum regs_part part = (enum regs_part)(long)arg;
	long ret;

	ck_open_image(ck.img);
	regs_prepare(part == REGS_AVX);
	ret = ck_regs_syscall();
	close(CK_IMG_FD);
	close(CK_LOG_FD);
	if (ret < 0) {
		ck_report("CKPT-ERROR %ld %s", -ret,
			  strerrorname_np(-ret) ?: "?");
		_exit(CK_EXIT_CKPT_ERR);
	}
	if (ret > 0)
		ck_report("CKPT %ld", ret);
	/* the original checks too: the test's own sanity */
	regs_check(part, ret);
	ck_done();
}

/*
 * Every general purpose register but rax (0 for the restored program) and
 * rcx/r11 (the syscall instruction's), the stack pointer, the arithmetic
 * flags and DF are what they were when checkpoint() was entered.
 */
TEST_F_TIMEOUT(restore, registers_gpr_rflags, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_regs, (void *)(long)REGS_GPR);
}

/* xmm0-15, MXCSR, the x87 control word and x87 stack registers */
TEST_F_TIMEOUT(restore, registers_sse_x87, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_regs, (void *)(long)REGS_SSE_X87);
}

/* the upper halves of ymm0-15 */
TEST_F_TIMEOUT(restore, registers_avx, CK_TIMEOUT)
{
	if (!cpu_has_avx())
		SKIP(return, "no AVX on this CPU");
	ck_roundtrip(_metadata, body_regs, (void *)(long)REGS_AVX);
}

static __thread uint64_t tls_value = 0x1111;
static uint64_t gs_area[4] = { 0x6a5b4c3d2e1f0011ULL, 2, 3, 4 };

static void body_tls(void *arg)
{
	unsigned long fs_before = 0, fs_after = 0, gs_after = 0;
	uint64_t via_gs = 0;

	tls_value = 0x7e57da7a5eedULL;
	CK_ASSERT(!syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_before),
		  "ARCH_GET_FS");
	CK_ASSERT(!syscall(SYS_arch_prctl, ARCH_SET_GS,
			   (unsigned long)gs_area), "ARCH_SET_GS");
	if (ck_checkpoint_self() > 0)
		_exit(0);

	CK_EXPECT(!syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_after),
		  "ARCH_GET_FS");
	CK_EXPECT_EQ(fs_before, fs_after);
	CK_EXPECT_EQ(0x7e57da7a5eedULL, tls_value);
	/* errno lives in TLS too */
	errno = 0;
	CK_EXPECT(close(-1) == -1 && errno == EBADF, "errno through TLS");
	CK_EXPECT(!syscall(SYS_arch_prctl, ARCH_GET_GS, &gs_after),
		  "ARCH_GET_GS");
	CK_EXPECT_EQ((unsigned long)gs_area, gs_after);
	asm volatile("mov %%gs:0, %0" : "=r"(via_gs));
	CK_EXPECT_EQ(gs_area[0], via_gs);
	ck_done();
}

/*
 * B: restart() with a bogus fs base. A and B are forks of the same
 * process, so they share the TLS address: only if B's fs base is wrong
 * does a restored program show that restart set it. No C library call
 * may come between the two system calls (errno is in TLS).
 */
static void restart_with_bogus_fs(void *arg)
{
	unsigned long saved = 0;
	long ret = -1;
	int fd;

	fd = open(ck.img, O_RDONLY);
	CK_ASSERT(ck_move_fd(fd, CK_RIMG_FD) == CK_RIMG_FD, "image");
	fd = open(ck.log, O_WRONLY | O_APPEND);
	CK_ASSERT(ck_move_fd(fd, CK_RLOG_FD) == CK_RLOG_FD, "log");
	CK_ASSERT(!syscall(SYS_arch_prctl, ARCH_GET_FS, &saved), "GET_FS");
	asm volatile(
		"mov %[nr_prctl], %%eax\n"
		"mov %[set_fs], %%edi\n"
		"mov %[bogus], %%rsi\n"
		"syscall\n"
		"mov %[nr_restart], %%eax\n"
		"xor %%edi, %%edi\n"
		"mov %[fd], %%rsi\n"
		"mov %[flags], %%rdx\n"
		"mov %[logfd], %%r10\n"
		"syscall\n"
		"mov %%rax, %[ret]\n"
		"mov %[nr_prctl], %%eax\n"
		"mov %[set_fs], %%edi\n"
		"mov %[saved], %%rsi\n"
		"syscall\n"
		: [ret] "=m"(ret)
		: [nr_prctl] "i"(SYS_arch_prctl), [set_fs] "i"(ARCH_SET_FS),
		  [bogus] "r"(0x5a5a5000UL), [nr_restart] "i"(__NR_restart),
		  [fd] "r"((long)CK_RIMG_FD), [flags] "r"(RESTART_TASKSELF),
		  [logfd] "r"((long)CK_RLOG_FD), [saved] "m"(saved)
		: "rax", "rdi", "rsi", "rdx", "r10", "rcx", "r11", "memory");
	ck_report("RESTART-ERROR %ld ret=%ld", -ret, ret);
	_exit(CK_EXIT_RESTART_ERR);
}

/* fs base (glibc's TLS, errno) and gs base */
TEST_F_TIMEOUT(restore, tls_fs_and_gs_base, CK_TIMEOUT)
{
	ck_checkpoint_child(_metadata, NULL, 0, body_tls, NULL);
	ck_expect_restored(_metadata,
			   ck_wait(ck_spawn(NULL, 0, restart_with_bogus_fs,
					    NULL)));
}

/* ---- memory --------------------------------------------------------- */

static char bss_area[3 * PAGE];
static char data_area[64] = "initialized data";

static void body_private_anon(void *arg)
{
	char stack_area[2 * PAGE];
	char *small, *big, *brk_area, *brk_end, *m;
	const size_t big_len = 1 << 20, m_len = 64 * PAGE;

	ck_fill(stack_area, sizeof(stack_area), 1);
	ck_escape(stack_area);
	small = malloc(100);
	big = malloc(big_len);
	CK_ASSERT(small && big, "malloc");
	ck_fill(small, 100, 2);
	ck_fill(big, big_len, 3);
	brk_area = sbrk(16 * PAGE);
	CK_ASSERT(brk_area != (void *)-1, "sbrk");
	ck_fill(brk_area, 16 * PAGE, 4);
	brk_end = sbrk(0);
	m = mmap(NULL, m_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	ck_fill(m, m_len, 5);
	ck_fill(bss_area, sizeof(bss_area), 6);
	strcpy(data_area, "changed data");
	ck_escape(bss_area);
	ck_escape(data_area);

	if (ck_checkpoint_self() > 0) {
		/* what the original does now must not show in the image */
		memset(m, 0, m_len);
		_exit(0);
	}
	ck_escape(stack_area);
	CK_EXPECT_EQ(-1, ck_check_fill(stack_area, sizeof(stack_area), 1));
	CK_EXPECT_EQ(-1, ck_check_fill(small, 100, 2));
	CK_EXPECT_EQ(-1, ck_check_fill(big, big_len, 3));
	CK_EXPECT_EQ(-1, ck_check_fill(brk_area, 16 * PAGE, 4));
	CK_EXPECT(sbrk(0) == brk_end, "brk %p, expected %p", sbrk(0), brk_end);
	CK_EXPECT_EQ(-1, ck_check_fill(m, m_len, 5));
	CK_EXPECT_EQ(-1, ck_check_fill(bss_area, sizeof(bss_area), 6));
	CK_EXPECT(!strcmp(data_area, "changed data"), "data: \"%s\"",
		  data_area);
	/* the heap still works */
	free(big);
	free(small);
	small = malloc(200000);
	CK_EXPECT(small != NULL, "malloc after restart");
	if (small)
		memset(small, 1, 200000);
	ck_done();
}

/* stack, bss, data, brk heap, malloc, private anonymous mmap */
TEST_F_TIMEOUT(restore, private_anonymous_memory, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_private_anon, NULL);
}

static void body_untouched(void *arg)
{
	const size_t len = 64 * PAGE;
	char *m, *ro;
	size_t i;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	ck_fill(m + 3 * PAGE, PAGE, 33);
	ck_fill(m + 40 * PAGE, PAGE, 40);
	m[63 * PAGE + PAGE - 1] = 0x5a;
	/* read, never written: the zero page, nothing to restore */
	ro = m + 10 * PAGE;
	ck_escape(ro);
	CK_ASSERT(ro[0] == 0, "fresh page reads zero");

	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (i = 0; i < 64; i++) {
		if (i == 3 || i == 40 || i == 63)
			continue;
		CK_EXPECT(ck_all_zero(m + i * PAGE, PAGE),
			  "untouched page %zu is not zero", i);
	}
	CK_EXPECT_EQ(-1, ck_check_fill(m + 3 * PAGE, PAGE, 33));
	CK_EXPECT_EQ(-1, ck_check_fill(m + 40 * PAGE, PAGE, 40));
	CK_EXPECT(ck_all_zero(m + 63 * PAGE, PAGE - 1), "page 63 head");
	CK_EXPECT_EQ(0x5a, m[63 * PAGE + PAGE - 1]);
	ck_done();
}

/* pages never written read as zero, written ones keep their contents */
TEST_F_TIMEOUT(restore, untouched_pages_read_zero, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_untouched, NULL);
}

static void body_shared_anon(void *arg)
{
	const size_t len = 4 * PAGE;
	char *m;
	pid_t pid;
	int status;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	ck_fill(m, 2 * PAGE, 9);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(-1, ck_check_fill(m, 2 * PAGE, 9));
	CK_EXPECT(ck_all_zero(m + 2 * PAGE, 2 * PAGE), "untouched part");
	/* still MAP_SHARED: a child's write shows in the parent */
	pid = fork();
	CK_ASSERT(pid >= 0, "fork");
	if (pid == 0) {
		strcpy(m + 3 * PAGE, "written by the child");
		_exit(0);
	}
	CK_EXPECT(waitpid(pid, &status, 0) == pid && status == 0, "child");
	CK_EXPECT(!strcmp(m + 3 * PAGE, "written by the child"),
		  "mapping is not shared with a child any more");
	ck_done();
}

/* MAP_SHARED|MAP_ANONYMOUS: contents, and still shared after fork() */
TEST_F_TIMEOUT(restore, shared_anonymous_memory, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_shared_anon, NULL);
}

/* A file of @pages pages filled with ck_fill(@seed) */
static int make_file(const char *path, size_t pages, uint64_t seed)
{
	char *buf = malloc(pages * PAGE);
	int fd, ret = 0;

	if (!buf)
		return -ENOMEM;
	ck_fill(buf, pages * PAGE, seed);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0666);
	if (fd < 0 || write(fd, buf, pages * PAGE) != (ssize_t)(pages * PAGE))
		ret = -errno ?: -EIO;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

static void body_private_file(void *arg)
{
	const char *path = ck_path("private-file");
	char page[PAGE], pattern[3 * PAGE];
	char *m;
	int fd;

	CK_ASSERT(!make_file(path, 3, 21), "make %s", path);
	fd = open(path, O_RDWR);
	CK_ASSERT(fd >= 0, "open");
	m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	close(fd);
	/* page 1 modified (private copy), page 0 read, page 2 untouched */
	strcpy(m + PAGE + 100, "modified private page");
	(void)*(volatile char *)m;	/* page 0 read, not written */
	ck_escape(m);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	ck_fill(pattern, sizeof(pattern), 21);
	CK_EXPECT(!memcmp(m, pattern, PAGE), "page 0 differs from the file");
	CK_EXPECT(!memcmp(m + PAGE, pattern + PAGE, 100), "page 1 head");
	CK_EXPECT(!strcmp(m + PAGE + 100, "modified private page"),
		  "page 1 lost its private change");
	CK_EXPECT(!memcmp(m + 2 * PAGE, pattern + 2 * PAGE, PAGE),
		  "page 2 differs from the file");
	/* the file itself never saw the private change */
	fd = open(path, O_RDONLY);
	CK_ASSERT(fd >= 0, "open");
	CK_EXPECT(pread(fd, page, PAGE, PAGE) == PAGE, "pread");
	CK_EXPECT(!memcmp(page, pattern + PAGE, PAGE),
		  "private change reached the file");
	close(fd);
	/* and it is still private */
	strcpy(m + 2 * PAGE, "another private change");
	fd = open(path, O_RDONLY);
	CK_EXPECT(pread(fd, page, PAGE, 2 * PAGE) == PAGE, "pread");
	CK_EXPECT(!memcmp(page, pattern + 2 * PAGE, PAGE),
		  "mapping writes through to the file after restart");
	close(fd);
	ck_done();
}

/* private file mapping: modified pages restored, others from the file */
TEST_F_TIMEOUT(restore, private_file_mapping, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_private_file, NULL);
}

static void body_shared_file(void *arg)
{
	const char *path = ck_path("shared-file");
	char buf[64] = "";
	char *m;
	int fd;

	CK_ASSERT(!make_file(path, 2, 22), "make %s", path);
	fd = open(path, O_RDWR);
	CK_ASSERT(fd >= 0, "open");
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CK_ASSERT(m != MAP_FAILED, "mmap");
	close(fd);
	strcpy(m + 10, "before checkpoint");
	ck_escape(m);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(!strcmp(m + 10, "before checkpoint"), "contents");
	strcpy(m + PAGE + 20, "after restart");
	CK_EXPECT(!msync(m, 2 * PAGE, MS_SYNC), "msync");
	fd = open(path, O_RDONLY);
	CK_ASSERT(fd >= 0, "open");
	CK_EXPECT(pread(fd, buf, 14, PAGE + 20) == 14, "pread");
	CK_EXPECT(!strcmp(buf, "after restart"),
		  "write to the mapping did not reach the file: \"%.14s\"", buf);
	/* and the other way round */
	close(fd);
	fd = open(path, O_WRONLY);
	CK_EXPECT(pwrite(fd, "from write()", 13, 100) == 13, "pwrite");
	close(fd);
	CK_EXPECT(!strcmp(m + 100, "from write()"),
		  "write() to the file does not show in the mapping");
	ck_done();
}

/* MAP_SHARED file mapping still writes through to the file */
TEST_F_TIMEOUT(restore, shared_file_mapping_writes_through, CK_TIMEOUT)
{
	char buf[32] = "";
	int fd;

	ck_roundtrip(_metadata, body_shared_file, NULL);
	fd = open(ck_path("shared-file"), O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(14, pread(fd, buf, 14, PAGE + 20));
	EXPECT_STREQ("after restart", buf);
	close(fd);
}

static sigjmp_buf probe_env;

static void probe_segv(int sig)
{
	siglongjmp(probe_env, 1);
}

/* Does reading (or writing) @p fault? */
static bool probe_faults(volatile char *p, bool write)
{
	struct sigaction sa = { .sa_handler = probe_segv }, old;
	bool faulted = false;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(probe_env, 1) == 0) {
		if (write)
			*p = *p;
		else
			(void)*p;
	} else {
		faulted = true;
	}
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

/* Perms of the mapping that contains @addr, from /proc/self/maps */
static bool maps_perms(const void *addr, char perms[5])
{
	static char maps[65536];
	unsigned long a = (unsigned long)addr, start, end;
	char *line, *save;

	if (ck_read_file("/proc/self/maps", maps, sizeof(maps)) <= 0)
		return false;
	for (line = strtok_r(maps, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) == 3 &&
		    a >= start && a < end)
			return true;
	}
	return false;
}

static void body_protections(void *arg)
{
	char *ro, *none, *guard;
	char perms[5] = "";

	ro = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	guard = mmap(NULL, 4 * PAGE, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(ro != MAP_FAILED && none != MAP_FAILED &&
		  guard != MAP_FAILED, "mmap");
	ck_fill(ro, 2 * PAGE, 11);
	ck_fill(none, 2 * PAGE, 12);
	CK_ASSERT(!mprotect(ro, 2 * PAGE, PROT_READ), "mprotect");
	CK_ASSERT(!mprotect(none, 2 * PAGE, PROT_NONE), "mprotect");

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(maps_perms(ro, perms) && !strcmp(perms, "r--p"),
		  "read-only region: perms \"%s\"", perms);
	CK_EXPECT_EQ(-1, ck_check_fill(ro, 2 * PAGE, 11));
	CK_EXPECT(probe_faults(ro + PAGE, true),
		  "write to a read-only region did not fault");
	CK_EXPECT(maps_perms(none, perms) && !strcmp(perms, "---p"),
		  "PROT_NONE region: perms \"%s\"", perms);
	CK_EXPECT(probe_faults(none, false),
		  "read of a PROT_NONE region did not fault");
	CK_EXPECT(maps_perms(guard, perms) && !strcmp(perms, "---p"),
		  "PROT_NONE guard: perms \"%s\"", perms);
	CK_EXPECT(probe_faults(guard + 3 * PAGE, false),
		  "read of a PROT_NONE guard did not fault");
	/* PROT_NONE pages kept their contents */
	CK_ASSERT(!mprotect(none, 2 * PAGE, PROT_READ), "mprotect");
	CK_EXPECT_EQ(-1, ck_check_fill(none, 2 * PAGE, 12));
	CK_ASSERT(!mprotect(guard, 4 * PAGE, PROT_READ), "mprotect");
	CK_EXPECT(ck_all_zero(guard, 4 * PAGE), "guard region not zero");
	ck_done();
}

/* read-only and PROT_NONE regions: perms, contents, faults */
TEST_F_TIMEOUT(restore, readonly_and_prot_none_regions, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_protections, NULL);
}

static char maps_before[65536], maps_after[65536];
static char exe_before[PATH_MAX], exe_after[PATH_MAX];

/* One line of /proc/PID/maps without dev and inode: "range perms off path" */
static void maps_norm(const char *line, char *out, size_t size)
{
	char range[64] = "", perms[8] = "", off[32] = "", dev[16] = "";
	unsigned long ino = 0;
	int n = 0;

	sscanf(line, "%63s %7s %31s %15s %lu %n", range, perms, off, dev,
	       &ino, &n);
	snprintf(out, size, "%s %s %s %s", range, perms, off,
		 n > 0 && (size_t)n <= strlen(line) ? line + n : "");
}

/* Compare two maps texts; report the differing lines */
static void maps_compare(const char *before, const char *after)
{
	static char a[sizeof(maps_before)], b[sizeof(maps_after)];
	char *la, *lb, *sa, *sb, na[512], nb[512];
	int diffs = 0;

	strcpy(a, before);
	strcpy(b, after);
	la = strtok_r(a, "\n", &sa);
	lb = strtok_r(b, "\n", &sb);
	while (la || lb) {
		maps_norm(la ?: "", na, sizeof(na));
		maps_norm(lb ?: "", nb, sizeof(nb));
		if (strcmp(na, nb) && diffs++ < 8)
			CK_EXPECT(0, "maps differ:\n  before: %s\n  after:  %s",
				  la ?: "(none)", lb ?: "(none)");
		if (la)
			la = strtok_r(NULL, "\n", &sa);
		if (lb)
			lb = strtok_r(NULL, "\n", &sb);
	}
	CK_EXPECT(!diffs, "%d lines of /proc/self/maps differ", diffs);
	if (!diffs)
		return;
	strcpy(b, after);
	for (lb = strtok_r(b, "\n", &sb); lb; lb = strtok_r(NULL, "\n", &sb))
		ck_report("maps now: %s", lb);
}

static void body_maps(void *arg)
{
	const char *pf = ck_path("maps-private"), *sf = ck_path("maps-shared");
	char *a, *b, *c, *d, *e, *f;
	int fd;

	CK_ASSERT(!make_file(pf, 4, 31) && !make_file(sf, 2, 32), "files");
	fd = open(pf, O_RDWR);
	CK_ASSERT(fd >= 0, "open");
	a = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		 PAGE);
	b = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	fd = open(sf, O_RDWR);
	CK_ASSERT(fd >= 0, "open");
	c = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	d = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	e = mmap(NULL, 7 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	f = mmap(NULL, 9 * PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CK_ASSERT(a != MAP_FAILED && b != MAP_FAILED && c != MAP_FAILED &&
		  d != MAP_FAILED && e != MAP_FAILED && f != MAP_FAILED,
		  "mmap");
	a[PAGE] = 1;
	c[0] = 2;
	d[0] = 3;
	f[4 * PAGE] = 4;
	/* split one vma into three by protection */
	CK_ASSERT(!mprotect(f + 2 * PAGE, PAGE, PROT_READ), "mprotect");
	CK_ASSERT(readlink("/proc/self/exe", exe_before,
			   sizeof(exe_before) - 1) > 0, "readlink exe");
	/* nothing may allocate between reading maps and checkpoint() */
	CK_ASSERT(ck_read_file("/proc/self/maps", maps_before,
			       sizeof(maps_before)) > 0, "read maps");
	ck_checkpoint_self();
	CK_ASSERT(ck_read_file("/proc/self/maps", maps_after,
			       sizeof(maps_after)) > 0, "read maps");
	CK_EXPECT(readlink("/proc/self/exe", exe_after,
			   sizeof(exe_after) - 1) > 0, "readlink exe");
	CK_EXPECT(!strcmp(exe_before, exe_after), "exe: %s, was %s",
		  exe_after, exe_before);
	maps_compare(maps_before, maps_after);
	ck_done();
}

/*
 * /proc/self/maps has the same ranges, perms, offsets and paths (file,
 * [heap], [stack], [vdso], [vvar], shared anonymous), /proc/self/exe the
 * same target.
 */
TEST_F_TIMEOUT(restore, proc_maps_identical, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_maps, NULL);
}

static void body_vdso(void *arg)
{
	struct timespec before, after, real, raw;
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	struct timeval tv;
	char perms[5] = "";

	CK_ASSERT(!clock_gettime(CLOCK_MONOTONIC, &before), "clock_gettime");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	/* glibc calls the vDSO through pointers it cached at startup */
	CK_EXPECT(!clock_gettime(CLOCK_MONOTONIC, &after), "clock_gettime");
	CK_EXPECT(after.tv_sec > before.tv_sec ||
		  (after.tv_sec == before.tv_sec &&
		   after.tv_nsec >= before.tv_nsec),
		  "CLOCK_MONOTONIC went back: %ld.%09ld -> %ld.%09ld",
		  before.tv_sec, before.tv_nsec, after.tv_sec, after.tv_nsec);
	CK_EXPECT(!clock_gettime(CLOCK_REALTIME, &real), "clock_gettime");
	CK_EXPECT(!syscall(SYS_clock_gettime, CLOCK_REALTIME, &raw),
		  "clock_gettime syscall");
	CK_EXPECT(labs(real.tv_sec - raw.tv_sec) <= 2,
		  "vDSO CLOCK_REALTIME %ld, system call %ld", real.tv_sec,
		  raw.tv_sec);
	CK_EXPECT(!gettimeofday(&tv, NULL), "gettimeofday");
	CK_EXPECT(labs(tv.tv_sec - raw.tv_sec) <= 2, "gettimeofday %ld vs %ld",
		  tv.tv_sec, raw.tv_sec);
	CK_EXPECT(labs(time(NULL) - raw.tv_sec) <= 2, "time()");
	CK_EXPECT(vdso != 0, "AT_SYSINFO_EHDR");
	CK_EXPECT_EQ(vdso, getauxval(AT_SYSINFO_EHDR));
	CK_EXPECT(maps_perms((void *)vdso, perms) && !strcmp(perms, "r-xp"),
		  "no r-xp mapping at AT_SYSINFO_EHDR %#lx (\"%s\")", vdso,
		  perms);
	ck_done();
}

/* the vDSO is where glibc expects it and works */
TEST_F_TIMEOUT(restore, vdso_clock_gettime, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_vdso, NULL);
}

/*
 * A program that unmapped its vDSO and vvar comes back without them: no
 * [vdso] or [vvar] in its maps, AT_SYSINFO_EHDR as it was, system calls
 * working, and their range free for other mappings. Nothing here may call into the vDSO (glibc's
 * clock_gettime() and friends would jump into the unmapped text).
 */
static void body_vdso_unmapped(void *arg)
{
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	unsigned long vs, ve, ds, de, s, e;
	struct timespec ts;

	CK_ASSERT(ck_find_mapping("[vvar]", &vs, &ve) &&
		  ck_find_mapping("[vdso]", &ds, &de), "vdso and vvar mapped");
	CK_ASSERT_EQ(vdso, ds);
	CK_ASSERT(!munmap((void *)vs, ve - vs) &&
		  !munmap((void *)ds, de - ds), "munmap vdso and vvar");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(!ck_find_mapping("[vdso]", &s, &e),
		  "[vdso] mapped at %#lx after the restart", s);
	CK_EXPECT(!ck_find_mapping("[vvar]", &s, &e),
		  "[vvar] mapped at %#lx after the restart", s);
	CK_EXPECT_EQ(vdso, getauxval(AT_SYSINFO_EHDR));
	CK_EXPECT(!syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts),
		  "clock_gettime system call");
	/* nothing is left where they were: the range is free */
	CK_EXPECT(mmap((void *)vs, de - vs, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		       0) == (void *)vs, "map over the old vvar and vDSO");
	ck_done();
}

TEST_F_TIMEOUT(restore, vdso_unmapped_stays_unmapped, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_vdso_unmapped, NULL);
}

/* ---- files ---------------------------------------------------------- */

static void body_fd_numbers(void *arg)
{
	int fd, i, open_before[1024] = { 0 };

	fd = open("/dev/null", O_RDWR);
	CK_ASSERT(fd >= 0, "open");
	CK_ASSERT(dup2(fd, 40) == 40, "dup2");
	CK_ASSERT(dup3(fd, 41, O_CLOEXEC) == 41, "dup3");
	CK_ASSERT(dup2(fd, 43) == 43, "dup2");
	CK_ASSERT(dup3(fd, 777, O_CLOEXEC) == 777, "dup3");
	close(fd);
	ck_open_image(ck.img);
	close(CK_IMG_FD);
	close(CK_LOG_FD);
	for (i = 0; i < 1024; i++)
		open_before[i] = fcntl(i, F_GETFD);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(0, fcntl(40, F_GETFD));
	CK_EXPECT_EQ(FD_CLOEXEC, fcntl(41, F_GETFD));
	CK_EXPECT_EQ(0, fcntl(43, F_GETFD));
	CK_EXPECT_EQ(FD_CLOEXEC, fcntl(777, F_GETFD));
	for (i = 0; i < 1024; i++)
		CK_EXPECT(fcntl(i, F_GETFD) == open_before[i],
			  "fd %d: F_GETFD %d, was %d", i, fcntl(i, F_GETFD),
			  open_before[i]);
	ck_done();
}

/* the same fd numbers are open, with the same FD_CLOEXEC, and no others */
TEST_F_TIMEOUT(restore, fd_numbers_and_cloexec, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_fd_numbers, NULL);
}

struct reg_fd {
	int fd;
	int flags;
	off_t pos;
	int fl_before;
};

static void body_regular_files(void *arg)
{
	const char *path = ck_path("regular");
	struct reg_fd fds[] = {
		{ 50, O_RDWR, 100, 0 },
		{ 51, O_RDONLY, 5000, 0 },
		{ 52, O_WRONLY | O_APPEND, 0, 0 },
		{ 53, O_RDONLY | O_NONBLOCK, 0, 0 },
		{ 54, O_RDONLY | O_NOATIME, 8192, 0 },
		{ 55, O_WRONLY, 3 * PAGE + 7, 0 },	/* past EOF */
	};
	char link[PATH_MAX], buf[16], pattern[2 * PAGE];
	struct stat st;
	unsigned int i;
	ssize_t n;
	int fd;

	CK_ASSERT(!make_file(path, 2, 41), "make %s", path);
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		fd = open(path, fds[i].flags);
		CK_ASSERT(fd >= 0, "open %d", fds[i].fd);
		CK_ASSERT(dup2(fd, fds[i].fd) == fds[i].fd, "dup2");
		close(fd);
		CK_ASSERT(lseek(fds[i].fd, fds[i].pos, SEEK_SET) == fds[i].pos,
			  "lseek");
		fds[i].fl_before = fcntl(fds[i].fd, F_GETFL);
	}

	if (ck_checkpoint_self() > 0)
		_exit(0);
	ck_fill(pattern, sizeof(pattern), 41);
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fds[i].fd);
		n = readlink(proc, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		CK_EXPECT(!strcmp(link, path), "fd %d is %s", fds[i].fd, link);
		CK_EXPECT(fcntl(fds[i].fd, F_GETFL) == fds[i].fl_before,
			  "fd %d: F_GETFL 0%o, was 0%o", fds[i].fd,
			  fcntl(fds[i].fd, F_GETFL), fds[i].fl_before);
		CK_EXPECT(lseek(fds[i].fd, 0, SEEK_CUR) == fds[i].pos,
			  "fd %d at %lld, was at %lld", fds[i].fd,
			  (long long)lseek(fds[i].fd, 0, SEEK_CUR),
			  (long long)fds[i].pos);
	}
	CK_EXPECT(read(50, buf, 10) == 10 && !memcmp(buf, pattern + 100, 10),
		  "read at 100");
	CK_EXPECT(read(51, buf, 8) == 8 && !memcmp(buf, pattern + 5000, 8),
		  "read at 5000");
	CK_EXPECT(read(54, buf, 8) == 0, "read at EOF");
	CK_EXPECT(write(51, "x", 1) == -1 && errno == EBADF,
		  "O_RDONLY fd is writable");
	CK_EXPECT(read(52, buf, 1) == -1 && errno == EBADF,
		  "O_WRONLY fd is readable");
	/* O_APPEND still appends */
	CK_EXPECT(write(52, "TAIL", 4) == 4, "append");
	CK_EXPECT(!stat(path, &st) && st.st_size == 2 * PAGE + 4,
		  "size %lld after append", (long long)st.st_size);
	fd = open(path, O_RDONLY);
	CK_EXPECT(pread(fd, buf, 4, 2 * PAGE) == 4 && !memcmp(buf, "TAIL", 4),
		  "appended data");
	close(fd);
	ck_done();
}

/* regular files: reopened by path, same offset, access mode and flags */
TEST_F_TIMEOUT(restore, regular_files_offsets_and_flags, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_regular_files, NULL);
}

static void body_directory(void *arg)
{
	const char *dir = ck_path("dir");
	char link[PATH_MAX], buf[8] = "";
	struct stat before, after;
	int fd, fl;
	ssize_t n;

	CK_ASSERT(!mkdir(dir, 0755), "mkdir");
	fd = open(ck_path("dir/inside"), O_WRONLY | O_CREAT, 0644);
	CK_ASSERT(fd >= 0 && write(fd, "xyz", 3) == 3, "create inside");
	close(fd);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	CK_ASSERT(dup2(fd, 56) == 56, "dup2");
	close(fd);
	CK_ASSERT(!fstat(56, &before), "fstat");
	fl = fcntl(56, F_GETFL);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(!fstat(56, &after) && S_ISDIR(after.st_mode), "not a dir");
	CK_EXPECT(after.st_ino == before.st_ino && after.st_dev == before.st_dev,
		  "another directory");
	CK_EXPECT_EQ(fl, fcntl(56, F_GETFL));
	n = readlink("/proc/self/fd/56", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	CK_EXPECT(!strcmp(link, dir), "fd 56 is %s", link);
	fd = openat(56, "inside", O_RDONLY);
	CK_EXPECT(fd >= 0 && read(fd, buf, 3) == 3 && !strcmp(buf, "xyz"),
		  "openat through the directory fd");
	ck_done();
}

/*
 * Files of procfs that name no task, and of cgroupfs, reopen to the same
 * thing: they come back at their offset and read the same.
 */
static void body_pseudo_files(void *arg)
{
	static const char *const path[] = {
		"/proc/version", "/sys/fs/cgroup/cgroup.controllers",
	};
	char before[2][256], after[256], link[PATH_MAX];
	ssize_t n;
	int fd, i;

	for (i = 0; i < 2; i++) {
		fd = open(path[i], O_RDONLY);
		CK_ASSERT(fd >= 0 && dup2(fd, 60 + i) == 60 + i, "open %s",
			  path[i]);
		close(fd);
		n = pread(60 + i, before[i], sizeof(before[i]) - 1, 0);
		CK_ASSERT(n >= 0, "read %s", path[i]);
		before[i][n] = '\0';
		/* the offset is kept: one byte read by read() */
		CK_ASSERT(read(60 + i, after, 1) == (n ? 1 : 0), "read");
	}
	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (i = 0; i < 2; i++) {
		snprintf(after, sizeof(after), "/proc/self/fd/%d", 60 + i);
		n = readlink(after, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		CK_EXPECT(!strcmp(link, path[i]), "fd %d is %s", 60 + i, link);
		CK_EXPECT_EQ(before[i][0] ? 1 : 0, lseek(60 + i, 0, SEEK_CUR));
		n = pread(60 + i, after, sizeof(after) - 1, 0);
		after[n > 0 ? n : 0] = '\0';
		CK_EXPECT(!strcmp(before[i], after), "%s reads \"%s\", was \"%s\"",
			  path[i], after, before[i]);
	}
	ck_done();
}

TEST_F_TIMEOUT(restore, procfs_and_cgroupfs_files, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_pseudo_files, NULL);
}

/* a directory fd is the same directory and works for openat() */
TEST_F_TIMEOUT(restore, directory_fd, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_directory, NULL);
}

static void body_chardevs(void *arg)
{
	static const struct {
		const char *path;
		int fd, flags, major, minor;
	} devs[] = {
		{ "/dev/null", 57, O_RDWR, 1, 3 },
		{ "/dev/zero", 58, O_RDONLY, 1, 5 },
		{ "/dev/urandom", 59, O_RDONLY | O_NONBLOCK, 1, 9 },
		{ "/dev/null", 60, O_WRONLY | O_APPEND, 1, 3 },
	};
	int fl[ARRAY_SIZE(devs)];
	char buf[64];
	struct stat st;
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(devs); i++) {
		fd = open(devs[i].path, devs[i].flags);
		CK_ASSERT(fd >= 0, "open %s", devs[i].path);
		CK_ASSERT(dup2(fd, devs[i].fd) == devs[i].fd, "dup2");
		close(fd);
		fl[i] = fcntl(devs[i].fd, F_GETFL);
	}

	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (i = 0; i < ARRAY_SIZE(devs); i++) {
		CK_EXPECT(!fstat(devs[i].fd, &st) && S_ISCHR(st.st_mode) &&
			  st.st_rdev == makedev(devs[i].major, devs[i].minor),
			  "fd %d is not %s", devs[i].fd, devs[i].path);
		CK_EXPECT(fcntl(devs[i].fd, F_GETFL) == fl[i],
			  "fd %d: F_GETFL 0%o, was 0%o", devs[i].fd,
			  fcntl(devs[i].fd, F_GETFL), fl[i]);
	}
	memset(buf, 0xff, sizeof(buf));
	CK_EXPECT(read(58, buf, sizeof(buf)) == sizeof(buf) &&
		  ck_all_zero(buf, sizeof(buf)), "/dev/zero");
	CK_EXPECT(read(57, buf, sizeof(buf)) == 0, "/dev/null read");
	CK_EXPECT(write(57, buf, sizeof(buf)) == sizeof(buf), "/dev/null write");
	CK_EXPECT(read(59, buf, 16) == 16, "/dev/urandom");
	CK_EXPECT(write(60, buf, 3) == 3, "/dev/null O_WRONLY");
	ck_done();
}

/* /dev/null, /dev/zero, /dev/urandom with their open flags */
TEST_F_TIMEOUT(restore, character_devices, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_chardevs, NULL);
}

static void body_dup(void *arg)
{
	const char *path = ck_path("dup");
	int fd;

	CK_ASSERT(!make_file(path, 1, 51), "make");
	fd = open(path, O_RDWR);
	CK_ASSERT(dup2(fd, 61) == 61 && dup2(fd, 62) == 62, "dup2");
	CK_ASSERT(fcntl(fd, F_DUPFD_CLOEXEC, 63) == 63, "F_DUPFD_CLOEXEC");
	close(fd);
	/* the same file, opened again: another open file description */
	fd = open(path, O_RDWR);
	CK_ASSERT(dup2(fd, 64) == 64, "dup2");
	close(fd);
	CK_ASSERT(lseek(61, 10, SEEK_SET) == 10, "lseek");
	CK_ASSERT(lseek(64, 20, SEEK_SET) == 20, "lseek");

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(10, lseek(62, 0, SEEK_CUR));
	CK_EXPECT_EQ(10, lseek(63, 0, SEEK_CUR));
	CK_EXPECT_EQ(20, lseek(64, 0, SEEK_CUR));
	CK_EXPECT_EQ(FD_CLOEXEC, fcntl(63, F_GETFD));
	CK_EXPECT_EQ(0, fcntl(62, F_GETFD));
	/* moving one moves the others */
	CK_EXPECT_EQ(777, lseek(61, 777, SEEK_SET));
	CK_EXPECT_EQ(777, lseek(62, 0, SEEK_CUR));
	CK_EXPECT_EQ(777, lseek(63, 0, SEEK_CUR));
	CK_EXPECT_EQ(20, lseek(64, 0, SEEK_CUR));
	/* and so do status flags */
	CK_EXPECT(!fcntl(62, F_SETFL, O_APPEND), "F_SETFL");
	CK_EXPECT(fcntl(61, F_GETFL) & O_APPEND, "O_APPEND not shared");
	CK_EXPECT(!(fcntl(64, F_GETFL) & O_APPEND), "O_APPEND shared too far");
	ck_done();
}

/* dup()ed fds share one open file description again; a reopen does not */
TEST_F_TIMEOUT(restore, dup_fds_share_file_description, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_dup, NULL);
}

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK	O_NONBLOCK
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif

/* the status flags a pidfd may have */
#define PIDFD_FLAGS	(O_ACCMODE | O_NONBLOCK | PIDFD_THREAD)

/* The "Pid:" line of the pidfd @fd's fdinfo, -2 if there is none */
static long pidfd_pid_of(int fd)
{
	char path[64], buf[1024];
	const char *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (ck_read_file(path, buf, sizeof(buf)) <= 0)
		return -2;
	p = strstr(buf, "\nPid:");
	return p ? strtol(p + 5, NULL, 10) : -2;
}

static void body_pidfd_self(void *arg)
{
	struct pollfd p[2] = { { .fd = 61, .events = POLLIN },
			       { .fd = 62, .events = POLLIN } };
	sigset_t set;

	CK_ASSERT(ck_move_fd(syscall(__NR_pidfd_open, getpid(), 0), 61) == 61,
		  "pidfd_open");
	CK_ASSERT(ck_move_fd(syscall(__NR_pidfd_open, getpid(),
				     PIDFD_THREAD | PIDFD_NONBLOCK), 62) == 62,
		  "pidfd_open(PIDFD_THREAD | PIDFD_NONBLOCK)");
	CK_ASSERT(dup2(61, 63) == 63, "dup2");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	CK_ASSERT(!sigprocmask(SIG_BLOCK, &set, NULL), "sigprocmask");

	if (ck_checkpoint_self() > 0)
		_exit(0);
	/* of the restored program: the restarter's pid */
	CK_EXPECT_EQ(getpid(), pidfd_pid_of(61));
	CK_EXPECT_EQ(getpid(), pidfd_pid_of(62));
	CK_EXPECT_EQ(getpid(), pidfd_pid_of(63));
	CK_EXPECT_EQ(O_RDWR, fcntl(61, F_GETFL) & PIDFD_FLAGS);
	CK_EXPECT_EQ(O_RDWR | O_NONBLOCK | PIDFD_THREAD,
		     fcntl(62, F_GETFL) & PIDFD_FLAGS);
	CK_EXPECT_EQ(0, poll(p, 2, 0));
	/* a dup shares the open file description, the other pidfd does not */
	CK_EXPECT(!fcntl(63, F_SETFL, O_NONBLOCK), "F_SETFL");
	CK_EXPECT(fcntl(61, F_GETFL) & O_NONBLOCK, "O_NONBLOCK not shared");
	CK_EXPECT(!fcntl(61, F_SETFL, 0), "F_SETFL");
	CK_EXPECT(fcntl(62, F_GETFL) & O_NONBLOCK, "O_NONBLOCK shared too far");
	/* they signal the restored program: the process, the thread */
	CK_EXPECT(!syscall(__NR_pidfd_send_signal, 61, SIGUSR1, NULL, 0),
		  "pidfd_send_signal(SIGUSR1)");
	CK_EXPECT(!syscall(__NR_pidfd_send_signal, 62, SIGUSR2, NULL, 0),
		  "pidfd_send_signal(SIGUSR2) to the thread");
	CK_EXPECT(!sigpending(&set) && sigismember(&set, SIGUSR1) &&
		  sigismember(&set, SIGUSR2), "the signals are not pending");
	ck_done();
}

/*
 * A pidfd of oneself, its dup, and a PIDFD_THREAD | PIDFD_NONBLOCK one:
 * after the restart they refer to the restored program, keep their flags
 * and signal it
 */
TEST_F_TIMEOUT(restore, pidfd_of_oneself, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_pidfd_self, NULL);
}

/*
 * Files of one's own directory in /proc: /proc/self/status at
 * PROC_STATUS_FD, PROC_POS bytes of it read; /proc/self/task/TID/comm of
 * the (only) thread at PROC_COMM_FD; an O_PATH descriptor of /proc/self
 * at PROC_DIR_FD. /proc/self leads to /proc/PID: the file of the task,
 * by its pid, which the restored program does not have.
 */
#define PROC_STATUS_FD	64
#define PROC_COMM_FD	65
#define PROC_DIR_FD	66
#define PROC_POS	10

/* Where the fd @fd leads, "" if nowhere */
static const char *proc_link(int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void body_proc_self(void *arg)
{
	char head[PROC_POS], next[PROC_POS], buf[4096], want[96], link[128];
	char comm[16] = "", path[64];
	int fl[3], fd, i;
	ssize_t n;

	CK_ASSERT(!prctl(PR_GET_NAME, comm), "PR_GET_NAME");
	CK_ASSERT(ck_move_fd(open("/proc/self/status", O_RDONLY),
			     PROC_STATUS_FD) == PROC_STATUS_FD, "status");
	CK_ASSERT(read(PROC_STATUS_FD, head, PROC_POS) == PROC_POS, "read");
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", gettid());
	CK_ASSERT(ck_move_fd(open(path, O_RDONLY), PROC_COMM_FD) ==
		  PROC_COMM_FD, "%s", path);
	CK_ASSERT(ck_move_fd(open("/proc/self", O_PATH | O_DIRECTORY),
			     PROC_DIR_FD) == PROC_DIR_FD, "/proc/self");
	for (i = 0; i < 3; i++)
		fl[i] = fcntl(PROC_STATUS_FD + i, F_GETFL);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	/* the restored program's files: the restarter's pid */
	for (i = 0; i < 3; i++)
		CK_EXPECT(fcntl(PROC_STATUS_FD + i, F_GETFL) == fl[i],
			  "fd %d: F_GETFL 0%o, was 0%o", PROC_STATUS_FD + i,
			  fcntl(PROC_STATUS_FD + i, F_GETFL), fl[i]);
	snprintf(want, sizeof(want), "/proc/%d/status", getpid());
	CK_EXPECT(!strcmp(proc_link(PROC_STATUS_FD, link, sizeof(link)), want),
		  "status fd is %s, expected %s", link, want);
	/* the offset was kept: the next read goes on from it */
	CK_EXPECT_EQ(PROC_POS, lseek(PROC_STATUS_FD, 0, SEEK_CUR));
	CK_EXPECT(read(PROC_STATUS_FD, next, PROC_POS) == PROC_POS,
		  "read at the offset");
	n = pread(PROC_STATUS_FD, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	CK_EXPECT(n > 2 * PROC_POS && !memcmp(buf, head, PROC_POS) &&
		  !memcmp(buf + PROC_POS, next, PROC_POS),
		  "the status fd read \"%.*s\" at %d, then \"%.*s\"",
		  PROC_POS, head, PROC_POS, PROC_POS, next);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
	CK_EXPECT(strstr(buf, want), "no \"Pid:\t%d\" line in:\n%s", getpid(),
		  buf);
	/* the thread's comm: of the restored thread */
	snprintf(want, sizeof(want), "/proc/%d/task/%d/comm", getpid(),
		 gettid());
	CK_EXPECT(!strcmp(proc_link(PROC_COMM_FD, link, sizeof(link)), want),
		  "comm fd is %s, expected %s", link, want);
	n = pread(PROC_COMM_FD, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%s\n", comm);
	CK_EXPECT(!strcmp(buf, want), "comm reads \"%s\", expected \"%s\"",
		  buf, want);
	/* /proc/PID: an O_PATH descriptor still, to open its files by */
	snprintf(want, sizeof(want), "/proc/%d", getpid());
	CK_EXPECT(!strcmp(proc_link(PROC_DIR_FD, link, sizeof(link)), want),
		  "directory fd is %s, expected %s", link, want);
	CK_EXPECT(read(PROC_DIR_FD, buf, 1) == -1 && errno == EBADF,
		  "an O_PATH descriptor reads");
	fd = openat(PROC_DIR_FD, "status", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
	CK_EXPECT(strstr(buf, want), "openat(\"status\") through it: \"%.60s\"",
		  buf);
	if (fd >= 0)
		close(fd);
	ck_done();
}

/*
 * Files of one's own /proc directory (/proc/self/status read in part,
 * /proc/self/task/TID/comm, an O_PATH descriptor of /proc/self): after
 * the restart they are the restored program's, under its pid - the
 * restarter's - with their flags, the status file at its offset
 */
TEST_F_TIMEOUT(restore, proc_files_of_oneself, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_proc_self, NULL);
}

/*
 * A data file the program holds open at REPL_FD, O_RDWR at offset
 * REPL_POS, and a file of two pages it maps MAP_PRIVATE: page 0 only
 * read (the file's page), page 1 written (its own copy). The restored
 * program, taking the files replaced since, finds the new ones: the fd
 * reads the new data file, page 0 of the mapping is the new file's, page
 * 1 is what it wrote.
 */
#define REPL_FD		57
#define REPL_POS	3
#define REPL_OLD	"the data file the program opened"
#define REPL_NEW	"ANOTHER DATA FILE, renamed over it"
#define REPL_SEED	71	/* the mapped file's pages: 71, 72 */
#define REPL_SEED_NEW	81	/* the new one's: 81, 82 */
#define REPL_SEED_OWN	91	/* what the program writes to page 1 */

static char *repl_map;

static void body_replaced(void *arg)
{
	char buf[64] = "";
	int fd;

	fd = open(ck_path("data"), O_RDWR);
	CK_ASSERT(fd >= 0 && lseek(fd, REPL_POS, SEEK_SET) == REPL_POS &&
		  ck_move_fd(fd, REPL_FD) == REPL_FD, "data");
	fd = open(ck_path("mapped"), O_RDONLY);
	CK_ASSERT(fd >= 0, "mapped");
	repl_map = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			fd, 0);
	close(fd);
	CK_ASSERT(repl_map != MAP_FAILED, "mmap");
	CK_ASSERT(ck_check_fill(repl_map, PAGE, REPL_SEED) == -1, "page 0");
	ck_fill(repl_map + PAGE, PAGE, REPL_SEED_OWN);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(pread(REPL_FD, buf, sizeof(buf) - 1, 0) > 0 &&
		  !strcmp(buf, REPL_NEW), "the fd reads \"%s\"", buf);
	CK_EXPECT_EQ(REPL_POS, lseek(REPL_FD, 0, SEEK_CUR));
	CK_EXPECT_EQ(O_RDWR, fcntl(REPL_FD, F_GETFL) & O_ACCMODE);
	CK_EXPECT_EQ(-1, ck_check_fill(repl_map, PAGE, REPL_SEED_NEW));
	CK_EXPECT_EQ(-1, ck_check_fill(repl_map + PAGE, PAGE, REPL_SEED_OWN));
	ck_done();
}

/* The new file @path: @text, or (NULL) two pages of ck_fill(@seed), (@seed + 1) */
static int repl_make(const char *path, const char *text, int seed)
{
	static char pages[2 * PAGE];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = text ? strlen(text) : sizeof(pages);
	bool ok;

	if (fd < 0)
		return -1;
	if (!text) {
		ck_fill(pages, PAGE, seed);
		ck_fill(pages + PAGE, PAGE, seed + 1);
	}
	ok = write(fd, text ?: pages, len) == (ssize_t)len;
	return close(fd) || !ok ? -1 : 0;
}

/*
 * The files replaced at their paths after the checkpoint (a new file
 * written, then renamed over the old one: the same path, another inode):
 * restart(RESTART_TASKSELF) fails with ESTALE, the restarter unharmed,
 * and the log line names the data file's path, the inode there and the
 * one the image saw. With RESTART_ACCEPT_REPLACED the program is restored
 * and works on the new files.
 */
TEST_F_TIMEOUT(restore, replaced_files_refused_then_taken, CK_TIMEOUT)
{
	struct ck_restart_args args = { .flags = RESTART_TASKSELF,
					.flags_set = true };
	const char *data = ck_path("data"), *map = ck_path("mapped");
	char log[8192], line[512];
	struct stat before, after;

	ASSERT_EQ(0, repl_make(data, REPL_OLD, 0));
	ASSERT_EQ(0, repl_make(map, NULL, REPL_SEED));
	ck_checkpoint_child(_metadata, NULL, 0, body_replaced, NULL);
	ASSERT_EQ(0, stat(data, &before));
	ASSERT_EQ(0, repl_make(ck_path("data.new"), REPL_NEW, 0));
	ASSERT_EQ(0, rename(ck_path("data.new"), data));
	ASSERT_EQ(0, repl_make(ck_path("mapped.new"), NULL, REPL_SEED_NEW));
	ASSERT_EQ(0, rename(ck_path("mapped.new"), map));
	ASSERT_EQ(0, stat(data, &after));
	ASSERT_NE(before.st_ino, after.st_ino);

	ck_expect_restart_error(_metadata, ck_restart_status(NULL, 0, &args),
				ESTALE);
	snprintf(line, sizeof(line),
		 "%s was replaced since the checkpoint: inode %llu on %u:%u, was %llu on %u:%u",
		 data, (unsigned long long)after.st_ino, major(after.st_dev),
		 minor(after.st_dev), (unsigned long long)before.st_ino,
		 major(before.st_dev), minor(before.st_dev));
	ASSERT_LT(0, ck_read_file(ck.log, log, sizeof(log)));
	EXPECT_NE(NULL, strstr(log, line)) TH_LOG("no \"%s\" in the log: %s",
						  line, log);

	args.flags |= RESTART_ACCEPT_REPLACED;
	ck_expect_restored(_metadata, ck_restart_status(NULL, 0, &args));
}

static void body_cwd_umask(void *arg)
{
	const char *dir = ck_path("cwd");
	char cwd[PATH_MAX] = "";
	struct stat st;
	mode_t old;
	int fd;

	CK_ASSERT(!mkdir(dir, 0755) && !chdir(dir), "mkdir/chdir");
	umask(027);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, dir),
		  "cwd \"%s\", expected \"%s\"", cwd, dir);
	old = umask(022);
	CK_EXPECT_EQ(027, old);
	umask(old);
	fd = open("relative", O_WRONLY | O_CREAT | O_EXCL, 0666);
	CK_EXPECT(fd >= 0, "create relative");
	CK_EXPECT(!stat(ck_path("cwd/relative"), &st) &&
		  (st.st_mode & 0777) == 0640, "mode 0%o, expected 0640",
		  st.st_mode & 0777);
	ck_done();
}

/* cwd and umask */
TEST_F_TIMEOUT(restore, cwd_and_umask, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_cwd_umask, NULL);
}

static void body_chroot(void *arg)
{
	struct stat root_before, cwd_before, st;

	CK_ASSERT(!mkdir(ck_path("sub"), 0755), "mkdir");
	/* everything with a path is opened before chroot() */
	ck_open_image(ck.img);
	CK_ASSERT(!chdir(ck_path("sub")), "chdir");
	CK_ASSERT(!chroot(ck.dir), "chroot");
	CK_ASSERT(!stat("/", &root_before) && !stat(".", &cwd_before), "stat");
	CK_ASSERT(!stat("/sub", &st) && st.st_ino == cwd_before.st_ino,
		  "chroot setup");

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(!stat("/", &st) && st.st_ino == root_before.st_ino &&
		  st.st_dev == root_before.st_dev, "root is another directory");
	CK_EXPECT(!stat(".", &st) && st.st_ino == cwd_before.st_ino &&
		  st.st_dev == cwd_before.st_dev, "cwd is another directory");
	CK_EXPECT(!stat("/sub", &st) && st.st_ino == cwd_before.st_ino,
		  "/sub");
	CK_EXPECT(stat(ck.dir, &st) == -1 && errno == ENOENT,
		  "the old root is visible: not chrooted");
	ck_done();
}

/* the root directory (chroot) and the cwd inside it */
TEST_F_TIMEOUT(restore, chroot_root_directory, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_chroot, NULL);
}

static void body_pipe_inside(void *arg)
{
	static char data[70000], back[70000];
	char buf[32] = "";
	int p[2], q[2], size;

	CK_ASSERT(!pipe2(p, 0) && !pipe2(q, O_NONBLOCK), "pipe");
	CK_ASSERT(ck_move_fd(p[0], 70) == 70 && ck_move_fd(p[1], 71) == 71,
		  "fds 70/71");
	CK_ASSERT(ck_move_fd(q[0], 72) == 72, "fd 72");
	CK_ASSERT(dup3(q[1], 73, O_CLOEXEC) == 73 && !close(q[1]), "fd 73");
	CK_ASSERT(fcntl(71, F_SETPIPE_SZ, 128 * 1024) >= 0, "F_SETPIPE_SZ");
	size = fcntl(71, F_GETPIPE_SZ);
	ck_fill(data, sizeof(data), 91);
	CK_ASSERT(write(71, "buffered before checkpoint", 26) == 26 &&
		  write(71, data, sizeof(data)) == sizeof(data), "fill pipe");

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(size, fcntl(70, F_GETPIPE_SZ));
	CK_EXPECT(read(70, buf, 26) == 26 &&
		  !memcmp(buf, "buffered before checkpoint", 26),
		  "buffered data: \"%.26s\"", buf);
	CK_EXPECT(read(70, back, sizeof(back)) == sizeof(back) &&
		  !memcmp(back, data, sizeof(back)), "70000 buffered bytes");
	/* the two ends are one pipe again */
	CK_EXPECT(write(71, "after", 5) == 5 && read(70, buf, 5) == 5 &&
		  !memcmp(buf, "after", 5), "write end to read end");
	CK_EXPECT(fcntl(72, F_GETFL) & O_NONBLOCK, "O_NONBLOCK lost");
	CK_EXPECT(read(72, buf, 1) == -1 && errno == EAGAIN,
		  "empty pipe is not empty");
	CK_EXPECT_EQ(FD_CLOEXEC, fcntl(73, F_GETFD));
	CK_EXPECT(write(73, "x", 1) == 1 && read(72, buf, 1) == 1 &&
		  buf[0] == 'x', "second pipe");
	/* no other write end is left anywhere: EOF */
	close(71);
	close(73);
	CK_EXPECT_EQ(0, read(70, buf, 1));
	CK_EXPECT_EQ(0, read(72, buf, 1));
	ck_done();
}

/*
 * Pipes with both ends inside the checkpoint: one pipe again, with its
 * size, its buffered data and the flags of each end.
 */
TEST_F_TIMEOUT(restore, pipe_inside_checkpoint, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_pipe_inside, NULL);
}

/* ---- inherited fds -------------------------------------------------- */

static void body_inherited_socket(void *arg)
{
	char buf[64] = "";
	int type = 0;
	socklen_t len = sizeof(type);

	CK_ASSERT(fcntl(65, F_GETFD) == 0, "fd 65 missing");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(!getsockopt(65, SOL_SOCKET, SO_TYPE, &type, &len) &&
		  type == SOCK_STREAM, "fd 65 is not a stream socket");
	CK_EXPECT(read(65, buf, sizeof(buf) - 1) == 12 &&
		  !strcmp(buf, "to restarted"),
		  "read \"%s\" from the restarter's socket", buf);
	CK_EXPECT(write(65, "from restarted", 14) == 14, "write");
	ck_done();
}

/*
 * A socket whose peer is outside the checkpoint: the restored program's
 * fd is the restarter's fd of the same number.
 */
TEST_F_TIMEOUT(restore, inherited_socket_is_restarters_fd, CK_TIMEOUT)
{
	int sa[2], sb[2], status;
	struct ck_fdmap amap, bmap;
	char buf[64] = "";

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sa));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sb));
	amap = (struct ck_fdmap){ sa[1], 65 };
	bmap = (struct ck_fdmap){ sb[1], 65 };
	ck_checkpoint_child(_metadata, &amap, 1, body_inherited_socket, NULL);
	ASSERT_EQ(12, write(sb[0], "to restarted", 12));
	status = ck_restart_status(&bmap, 1, NULL);
	ck_expect_restored(_metadata, status);
	ASSERT_EQ(0, fcntl(sb[0], F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, fcntl(sa[0], F_SETFL, O_NONBLOCK));
	EXPECT_EQ(14, read(sb[0], buf, sizeof(buf) - 1));
	EXPECT_STREQ("from restarted", buf);
	EXPECT_EQ(-1, read(sa[0], buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno) TH_LOG("the old socket got data");
}

static void body_inherited_pipes(void *arg)
{
	char buf[64] = "";

	ck_report("CKPT-PID %d", getpid());
	CK_ASSERT(fcntl(66, F_GETFD) == 0 && fcntl(67, F_GETFD) == 0,
		  "fds 66/67 missing");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	/* the restarter asked for fd 66 closed */
	CK_EXPECT(fcntl(66, F_GETFD) == -1 && errno == EBADF,
		  "fd 66 is open, the restarter asked for it closed");
	CK_EXPECT(read(67, buf, sizeof(buf) - 1) == 13 &&
		  !strcmp(buf, "through pipe2"), "read \"%s\"", buf);
	ck_done();
}

/*
 * Pipes leading outside: connected to the restarter's fd of the same
 * number. A restarter with no such fd fails the restart, with a line
 * naming the fd, the pid and what it was, and stays as it was; one with
 * an O_PATH descriptor of /dev/null there gets the fd left closed.
 */
TEST_F_TIMEOUT(restore, inherited_pipes, CK_TIMEOUT)
{
	int p1[2], p2[2], p3[2], status, closed;
	struct ck_fdmap amap[2], bmap[2];
	char log[4096] = "", want[64];
	long a = 0;

	ASSERT_EQ(0, pipe2(p1, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(p2, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(p3, O_CLOEXEC));
	closed = open("/dev/null", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, closed);
	amap[0] = (struct ck_fdmap){ p1[1], 66 };
	amap[1] = (struct ck_fdmap){ p2[0], 67 };
	bmap[0] = (struct ck_fdmap){ p3[0], 67 };
	bmap[1] = (struct ck_fdmap){ closed, 66 };
	ck_checkpoint_child(_metadata, amap, 2, body_inherited_pipes, NULL);
	ASSERT_EQ(0, ck_line_int("CKPT-PID ", &a));
	ASSERT_EQ(13, write(p3[1], "through pipe2", 13));
	ASSERT_EQ(10, write(p2[1], "wrong pipe", 10));

	/* no fd 66: refused, the restarter unharmed */
	ASSERT_EQ(0, truncate(ck.log, 0));
	status = ck_restart_status(bmap, 1, NULL);
	ck_expect_restart_error(_metadata, status, EBADF);
	ck_read_file(ck.log, log, sizeof(log));
	snprintf(want, sizeof(want), "fd 66 of pid %ld was inherited (a pipe)",
		 a);
	EXPECT_NE(NULL, strstr(log, want)) TH_LOG("no \"%s\" in:\n%s", want,
						  log);

	status = ck_restart_status(bmap, 2, NULL);
	ck_expect_restored(_metadata, status);
	close(closed);
}

static char tty_name_before[64];

static void body_inherited_tty(void *arg)
{
	char name[64] = "";

	CK_ASSERT(isatty(68), "fd 68 is not a tty");
	CK_ASSERT(!ttyname_r(68, tty_name_before, sizeof(tty_name_before)),
		  "ttyname");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(isatty(68), "fd 68 is not a tty");
	CK_EXPECT(!ttyname_r(68, name, sizeof(name)) &&
		  !strcmp(name, tty_name_before), "tty %s, was %s", name,
		  tty_name_before);
	CK_EXPECT(write(68, "tty ok\n", 7) == 7, "write to the tty");
	ck_done();
}

/* a tty is inherited from the restarter like a pipe */
TEST_F_TIMEOUT(restore, inherited_tty, CK_TIMEOUT)
{
	char buf[64] = "", *pts;
	struct ck_fdmap map;
	int m, s1, s2, status;
	ssize_t n;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, grantpt(m));
	ASSERT_EQ(0, unlockpt(m));
	pts = ptsname(m);
	ASSERT_NE(NULL, pts);
	s1 = open(pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
	s2 = open(pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, s1);
	ASSERT_LE(0, s2);
	map = (struct ck_fdmap){ s1, 68 };
	ck_checkpoint_child(_metadata, &map, 1, body_inherited_tty, NULL);
	close(s1);
	map = (struct ck_fdmap){ s2, 68 };
	status = ck_restart_status(&map, 1, NULL);
	ck_expect_restored(_metadata, status);
	ASSERT_EQ(0, fcntl(m, F_SETFL, O_NONBLOCK));
	n = read(m, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	EXPECT_NE(NULL, strstr(buf, "tty ok")) TH_LOG("master read \"%s\"", buf);
}

/* ---- signals -------------------------------------------------------- */

struct k_sigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	uint64_t mask;
};

static int k_sigaction_get(int sig, struct k_sigaction *ka)
{
	memset(ka, 0, sizeof(*ka));
	return syscall(SYS_rt_sigaction, sig, NULL, ka, 8);
}

#define MAX_EVENTS 32
static struct sig_event {
	int signo, code, value;
	pid_t pid;
	sigset_t mask;
	unsigned long stack;
} events[MAX_EVENTS];
static volatile int nr_events;

static void record_signal(int sig, siginfo_t *si, void *uc)
{
	struct sig_event *e;
	char local;

	if (nr_events >= MAX_EVENTS)
		return;
	e = &events[nr_events++];
	e->signo = sig;
	e->code = si ? si->si_code : 0;
	e->pid = si ? si->si_pid : 0;
	e->value = si ? si->si_value.sival_int : 0;
	e->stack = (unsigned long)&local;
	sigprocmask(SIG_BLOCK, NULL, &e->mask);
}

static void plain_handler(int sig)
{
	record_signal(sig, NULL, NULL);
}

static int count_events(int sig)
{
	int i, n = 0;

	for (i = 0; i < nr_events; i++)
		n += events[i].signo == sig;
	return n;
}

static const struct sig_event *find_event(int sig, int nth)
{
	int i;

	for (i = 0; i < nr_events; i++)
		if (events[i].signo == sig && nth-- == 0)
			return &events[i];
	return NULL;
}

static struct k_sigaction actions_before[65];

static void body_handlers(void *arg)
{
	struct sigaction sa;
	struct k_sigaction ka;
	const struct sig_event *e;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = record_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaddset(&sa.sa_mask, SIGTERM);
	CK_ASSERT(!sigaction(SIGUSR1, &sa, NULL), "sigaction");
	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, 45);
	CK_ASSERT(!sigaction(SIGCHLD, &sa, NULL), "sigaction");
	sa.sa_handler = plain_handler;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	CK_ASSERT(!sigaction(SIGHUP, &sa, NULL), "sigaction");
	sa.sa_flags = 0;
	CK_ASSERT(!sigaction(40, &sa, NULL), "sigaction");
	CK_ASSERT(signal(SIGPIPE, SIG_IGN) != SIG_ERR, "signal");
	CK_ASSERT(signal(SIGWINCH, SIG_IGN) != SIG_ERR, "signal");
	for (sig = 1; sig <= 64; sig++)
		k_sigaction_get(sig, &actions_before[sig]);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (sig = 1; sig <= 64; sig++) {
		CK_EXPECT(!k_sigaction_get(sig, &ka), "rt_sigaction %d", sig);
		CK_EXPECT(!memcmp(&ka, &actions_before[sig], sizeof(ka)),
			  "signal %d: handler %#lx flags %#lx restorer %#lx mask %#llx, was %#lx %#lx %#lx %#llx",
			  sig, ka.handler, ka.flags, ka.restorer,
			  (unsigned long long)ka.mask,
			  actions_before[sig].handler,
			  actions_before[sig].flags,
			  actions_before[sig].restorer,
			  (unsigned long long)actions_before[sig].mask);
	}
	/* the handlers run, with their masks */
	raise(SIGUSR1);
	e = find_event(SIGUSR1, 0);
	CK_EXPECT(e != NULL, "SIGUSR1 handler did not run");
	if (e)
		CK_EXPECT(sigismember(&e->mask, SIGUSR2) &&
			  sigismember(&e->mask, SIGTERM) &&
			  sigismember(&e->mask, SIGUSR1),
			  "SIGUSR1 handler ran without its sa_mask");
	raise(SIGHUP);
	CK_EXPECT_EQ(1, count_events(SIGHUP));
	CK_EXPECT(!k_sigaction_get(SIGHUP, &ka) && ka.handler == 0,
		  "SA_RESETHAND did not reset");
	raise(40);
	CK_EXPECT_EQ(1, count_events(40));
	raise(SIGPIPE);	/* ignored, or we die */
	raise(SIGWINCH);
	ck_done();
}

/* every signal's handler, flags, restorer and mask; handlers still work */
TEST_F_TIMEOUT(restore, signal_handlers, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_handlers, NULL);
}

static pid_t orig_pid;
static sigset_t blocked_before, pending_before;

static void body_pending(void *arg)
{
	int sigs[] = { SIGUSR1, SIGUSR2, 40, 41, 42, SIGTERM };
	struct sigaction sa;
	sigset_t set, cur;
	siginfo_t si;
	union sigval v;
	const struct sig_event *e;
	unsigned int i;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = record_signal;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		CK_ASSERT(!sigaction(sigs[i], &sa, NULL), "sigaction");
		sigaddset(&set, sigs[i]);
	}
	sigaddset(&set, 50);
	CK_ASSERT(!sigprocmask(SIG_SETMASK, &set, NULL), "sigprocmask");
	orig_pid = getpid();
	/* thread-private, process-wide, queued real-time signals */
	CK_ASSERT(!syscall(SYS_tgkill, orig_pid, gettid(), SIGUSR1), "tgkill");
	CK_ASSERT(!kill(orig_pid, SIGUSR2), "kill");
	v.sival_int = 111;
	CK_ASSERT(!sigqueue(orig_pid, 40, v), "sigqueue");
	v.sival_int = 222;
	CK_ASSERT(!sigqueue(orig_pid, 40, v), "sigqueue");
	memset(&si, 0, sizeof(si));
	si.si_signo = 42;
	si.si_code = SI_QUEUE;
	si.si_pid = orig_pid;
	si.si_uid = getuid();
	si.si_value.sival_int = 333;
	CK_ASSERT(!syscall(SYS_rt_tgsigqueueinfo, orig_pid, gettid(), 42, &si),
		  "rt_tgsigqueueinfo");
	sigprocmask(SIG_BLOCK, NULL, &blocked_before);
	sigpending(&pending_before);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(0, nr_events);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	for (sig = 1; sig <= 64; sig++)
		CK_EXPECT(sigismember(&cur, sig) ==
			  sigismember(&blocked_before, sig),
			  "signal %d: blocked %d, was %d", sig,
			  sigismember(&cur, sig),
			  sigismember(&blocked_before, sig));
	sigpending(&cur);
	for (sig = 1; sig <= 64; sig++)
		CK_EXPECT(sigismember(&cur, sig) ==
			  sigismember(&pending_before, sig),
			  "signal %d: pending %d, was %d", sig,
			  sigismember(&cur, sig),
			  sigismember(&pending_before, sig));
	/* unblock: everything pending is delivered now, once */
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	CK_EXPECT_EQ(1, count_events(SIGUSR1));
	CK_EXPECT_EQ(1, count_events(SIGUSR2));
	CK_EXPECT_EQ(2, count_events(40));
	CK_EXPECT_EQ(0, count_events(41));
	CK_EXPECT_EQ(1, count_events(42));
	CK_EXPECT_EQ(0, count_events(SIGTERM));
	e = find_event(SIGUSR1, 0);
	if (e)
		CK_EXPECT(e->code == SI_TKILL && e->pid == orig_pid,
			  "SIGUSR1 code %d pid %d", e->code, e->pid);
	e = find_event(SIGUSR2, 0);
	if (e)
		CK_EXPECT(e->code == SI_USER && e->pid == orig_pid,
			  "SIGUSR2 code %d pid %d", e->code, e->pid);
	e = find_event(40, 0);
	if (e)
		CK_EXPECT(e->code == SI_QUEUE && e->value == 111,
			  "first signal 40: code %d value %d", e->code,
			  e->value);
	e = find_event(40, 1);
	if (e)
		CK_EXPECT(e->code == SI_QUEUE && e->value == 222,
			  "second signal 40: code %d value %d", e->code,
			  e->value);
	e = find_event(42, 0);
	if (e)
		CK_EXPECT(e->code == SI_QUEUE && e->value == 333,
			  "signal 42: code %d value %d", e->code, e->value);
	ck_done();
}

/*
 * The blocked mask, and pending signals (private and shared, queued
 * real-time ones with their siginfo) delivered after restart.
 */
TEST_F_TIMEOUT(restore, blocked_and_pending_signals, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_pending, NULL);
}

static char altstack[65536] __attribute__((aligned(16)));

static void body_altstack(void *arg)
{
	stack_t ss = {
		.ss_sp = altstack,
		.ss_size = sizeof(altstack),
		.ss_flags = SS_AUTODISARM,
	}, cur;
	struct sigaction sa;
	const struct sig_event *e;

	CK_ASSERT(!sigaltstack(&ss, NULL), "sigaltstack");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = record_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	CK_ASSERT(!sigaction(SIGUSR2, &sa, NULL), "sigaction");

	if (ck_checkpoint_self() > 0)
		_exit(0);
	memset(&cur, 0, sizeof(cur));
	CK_EXPECT(!sigaltstack(NULL, &cur), "sigaltstack");
	CK_EXPECT(cur.ss_sp == altstack, "ss_sp %p, expected %p", cur.ss_sp,
		  altstack);
	CK_EXPECT_EQ(sizeof(altstack), cur.ss_size);
	CK_EXPECT_EQ(SS_AUTODISARM, (unsigned int)cur.ss_flags);
	raise(SIGUSR2);
	e = find_event(SIGUSR2, 0);
	CK_EXPECT(e != NULL, "handler did not run");
	if (e)
		CK_EXPECT(e->stack >= (unsigned long)altstack &&
			  e->stack < (unsigned long)altstack + sizeof(altstack),
			  "handler ran at %#lx, not on the alternate stack",
			  e->stack);
	ck_done();
}

/* sigaltstack (with SS_AUTODISARM), and SA_ONSTACK handlers use it */
TEST_F_TIMEOUT(restore, sigaltstack, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_altstack, NULL);
}

/* ---- task attributes ------------------------------------------------ */

static void body_comm(void *arg)
{
	char name[17] = "", proc[32] = "";

	CK_ASSERT(!prctl(PR_SET_NAME, "ckpt-Comm-42", 0, 0, 0), "PR_SET_NAME");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(!prctl(PR_GET_NAME, name, 0, 0, 0) &&
		  !strcmp(name, "ckpt-Comm-42"), "comm \"%s\"", name);
	CK_EXPECT(ck_read_file("/proc/self/comm", proc, sizeof(proc)) > 0 &&
		  !strcmp(proc, "ckpt-Comm-42\n"), "/proc/self/comm \"%s\"",
		  proc);
	ck_done();
}

TEST_F_TIMEOUT(restore, comm, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_comm, NULL);
}

static void body_personality(void *arg)
{
	unsigned long want = PER_LINUX | ADDR_NO_RANDOMIZE | UNAME26 |
			     SHORT_INODE | WHOLE_SECONDS;

	CK_ASSERT(personality(want) != -1, "personality");
	CK_ASSERT((unsigned long)personality(0xffffffff) == want, "set");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(want, personality(0xffffffff));
	ck_done();
}

TEST_F_TIMEOUT(restore, personality, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_personality, NULL);
}

static void body_no_new_privs(void *arg)
{
	CK_ASSERT(!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "NO_NEW_PRIVS");
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(1, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	ck_done();
}

/* prctl(PR_SET_NO_NEW_PRIVS) sticks */
TEST_F_TIMEOUT(restore, no_new_privs, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_no_new_privs, NULL);
}

static struct rlimit rlim_before[RLIM_NLIMITS];

static void body_rlimits(void *arg)
{
	static const struct {
		int res;
		rlim_t cur, max;
	} set[] = {
		{ RLIMIT_NOFILE, 900, 1000 },
		{ RLIMIT_CORE, 12345 * 4096, RLIM_INFINITY },
		{ RLIMIT_MEMLOCK, 65536, 131072 },
		{ RLIMIT_MSGQUEUE, 1000, 2000 },
		{ RLIMIT_NICE, 5, 10 },
		{ RLIMIT_RTPRIO, 3, 7 },
		{ RLIMIT_SIGPENDING, 500, 600 },
		{ RLIMIT_FSIZE, 1 << 30, RLIM_INFINITY },
		{ RLIMIT_CPU, 3600, 7200 },
		{ RLIMIT_NPROC, 4000, 5000 },
	};
	struct rlimit r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(set); i++) {
		r.rlim_cur = set[i].cur;
		r.rlim_max = set[i].max;
		CK_ASSERT(!setrlimit(set[i].res, &r), "setrlimit %d",
			  set[i].res);
	}
	for (i = 0; i < RLIM_NLIMITS; i++)
		CK_ASSERT(!getrlimit(i, &rlim_before[i]), "getrlimit %u", i);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	for (i = 0; i < RLIM_NLIMITS; i++) {
		CK_EXPECT(!getrlimit(i, &r), "getrlimit %u", i);
		CK_EXPECT(r.rlim_cur == rlim_before[i].rlim_cur &&
			  r.rlim_max == rlim_before[i].rlim_max,
			  "rlimit %u: %llu/%llu, was %llu/%llu", i,
			  (unsigned long long)r.rlim_cur,
			  (unsigned long long)r.rlim_max,
			  (unsigned long long)rlim_before[i].rlim_cur,
			  (unsigned long long)rlim_before[i].rlim_max);
	}
	ck_done();
}

/* all resource limits, soft and hard */
TEST_F_TIMEOUT(restore, rlimits, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_rlimits, NULL);
}

static struct __user_cap_data_struct caps_before[2];
static int securebits_before;

static int get_caps(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	memset(data, 0, 2 * sizeof(*data));
	return syscall(SYS_capget, &hdr, data);
}

static void body_creds(void *arg)
{
	static const gid_t groups[] = { 100, 200, 300 };
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	uid_t r, e, s;
	gid_t rg, eg, sg, gl[8];
	int n;

	CK_ASSERT(!setgroups(3, groups), "setgroups");
	CK_ASSERT(!prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0),
		  "PR_CAPBSET_DROP");
	CK_ASSERT(!prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "PR_SET_KEEPCAPS");
	CK_ASSERT(!setresgid(1001, 1002, 1003), "setresgid");
	CK_ASSERT(!setresuid(2001, 2002, 2003), "setresuid");
	memset(data, 0, sizeof(data));
	data[0].permitted = (1 << CAP_CHOWN) | (1 << CAP_KILL) |
			    (1 << CAP_NET_RAW);
	data[0].effective = (1 << CAP_CHOWN) | (1 << CAP_KILL);
	data[0].inheritable = (1 << CAP_KILL) | (1 << CAP_NET_RAW);
	CK_ASSERT(!syscall(SYS_capset, &hdr, data), "capset");
	CK_ASSERT(!prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW,
			 0, 0), "PR_CAP_AMBIENT_RAISE");
	setfsuid(2003);
	setfsgid(1003);
	CK_ASSERT(setfsuid(-1) == 2003 && setfsgid(-1) == 1003, "setfs*id");
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	CK_ASSERT(!get_caps(caps_before), "capget");
	securebits_before = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT(!getresuid(&r, &e, &s) && r == 2001 && e == 2002 &&
		  s == 2003, "uids %u %u %u", r, e, s);
	CK_EXPECT_EQ(2003, setfsuid(-1));
	CK_EXPECT(!getresgid(&rg, &eg, &sg) && rg == 1001 && eg == 1002 &&
		  sg == 1003, "gids %u %u %u", rg, eg, sg);
	CK_EXPECT_EQ(1003, setfsgid(-1));
	n = getgroups(8, gl);
	CK_EXPECT(n == 3 && gl[0] == 100 && gl[1] == 200 && gl[2] == 300,
		  "%d groups: %u %u %u", n, gl[0], gl[1], gl[2]);
	CK_EXPECT(!get_caps(data), "capget");
	CK_EXPECT(!memcmp(data, caps_before, sizeof(data)),
		  "caps eff %#x/%#x prm %#x/%#x inh %#x/%#x, were %#x/%#x %#x/%#x %#x/%#x",
		  data[0].effective, data[1].effective, data[0].permitted,
		  data[1].permitted, data[0].inheritable, data[1].inheritable,
		  caps_before[0].effective, caps_before[1].effective,
		  caps_before[0].permitted, caps_before[1].permitted,
		  caps_before[0].inheritable, caps_before[1].inheritable);
	CK_EXPECT_EQ(0, prctl(PR_CAPBSET_READ, CAP_SYS_BOOT, 0, 0, 0));
	CK_EXPECT_EQ(1, prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0));
	CK_EXPECT_EQ(1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET,
			      CAP_NET_RAW, 0, 0));
	CK_EXPECT_EQ(0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET,
			      CAP_KILL, 0, 0));
	CK_EXPECT_EQ(securebits_before, prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	CK_EXPECT_EQ(1, prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	ck_done();
}

/*
 * uids, gids (real, effective, saved, fs), supplementary groups,
 * capabilities (effective, permitted, inheritable, bounding, ambient) and
 * securebits, restarted by root.
 */
TEST_F_TIMEOUT(restore, credentials, CK_TIMEOUT)
{
	ck_roundtrip(_metadata, body_creds, NULL);
}

static char unpriv_area[PAGE];

static void body_unpriv(void *arg)
{
	CK_ASSERT(!ck_drop_privs(CK_UNPRIV_UID), "drop privileges");
	ck_fill(unpriv_area, sizeof(unpriv_area), 61);
	if (ck_checkpoint_self() > 0)
		_exit(0);
	CK_EXPECT_EQ(CK_UNPRIV_UID, getuid());
	CK_EXPECT_EQ(CK_UNPRIV_UID, geteuid());
	CK_EXPECT_EQ(CK_UNPRIV_UID, getgid());
	CK_EXPECT_EQ(0, getgroups(0, NULL));
	CK_EXPECT_EQ(-1, ck_check_fill(unpriv_area, sizeof(unpriv_area), 61));
	ck_done();
}

/* an unprivileged user checkpoints and restarts itself */
TEST_F_TIMEOUT(restore, unprivileged_roundtrip, CK_TIMEOUT)
{
	struct ck_restart_args args = { .uid = CK_UNPRIV_UID };
	char val[8] = "";
	int status;

	ASSERT_LT(0, ck_read_file(CK_SYSCTL_UNPRIV, val, sizeof(val)));
	ASSERT_STREQ("1\n", val) TH_LOG("the sysctl is expected to be 1");
	ck_checkpoint_child(_metadata, NULL, 0, body_unpriv, NULL);
	status = ck_restart_status(NULL, 0, &args);
	ck_expect_restored(_metadata, status);
}

/* ---- generations ---------------------------------------------------- */

#define GENERATIONS 3
static int generation;
static char gen_area[3 * PAGE];

static void body_generations(void *arg)
{
	char path[192];
	int gen, i;

	ck_fill(gen_area, 2 * PAGE, 71);
	for (gen = 0; gen < GENERATIONS; gen++) {
		snprintf(path, sizeof(path), "%s/gen%d", ck.dir, gen);
		ck_open_image(path);
		if (ck_checkpoint_self() > 0)
			_exit(0);
		generation++;
		CK_ASSERT_EQ(gen + 1, generation);
		CK_ASSERT(ck_check_fill(gen_area, 2 * PAGE, 71) == -1,
			  "generation %d lost memory", generation);
		/* the marks every earlier generation left */
		for (i = 0; i < gen; i++)
			CK_ASSERT(gen_area[2 * PAGE + i] == i + 1,
				  "generation %d: no mark from generation %d",
				  generation, i + 1);
		gen_area[2 * PAGE + gen] = gen + 1;
		ck_report("GEN %d", generation);
	}
	ck_done();
}

/* a restored program checkpoints itself again: three generations */
TEST_F_TIMEOUT(restore, generations_chain, 3 * CK_TIMEOUT)
{
	struct ck_restart_args args = { 0 };
	char path[192], want[32];
	int gen, status;

	ck_checkpoint_child(_metadata, NULL, 0, body_generations, NULL);
	for (gen = 0; gen < GENERATIONS; gen++) {
		snprintf(path, sizeof(path), "%s/gen%d", ck.dir, gen);
		args.img = path;
		status = ck_restart_status(NULL, 0, &args);
		snprintf(want, sizeof(want), "GEN %d", gen + 1);
		if (gen + 1 < GENERATIONS) {
			long id = 0;

			if (status != 0 || !ck_line(want) ||
			    ck_line_int("CKPT ", &id) || id <= 0) {
				ck_dump(_metadata, want, status);
				ASSERT_EQ(0, status);
				ASSERT_GT(id, 0);
				ASSERT_TRUE(0) TH_LOG("no %s line", want);
			}
		} else {
			EXPECT_NE(NULL, ck_line(want));
			ck_expect_restored(_metadata, status);
		}
	}
}

TEST_HARNESS_MAIN
