/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw system call with known values in every register it does not use:
 * ck_regs_syscall() loads the general purpose registers, rflags (CF, DF),
 * xmm0-15 or ymm0-15, two x87 stack registers, the x87 control word and
 * MXCSR from ck_regs_in, executes `syscall`, and stores what the registers
 * hold right after it into ck_regs_out. Its return value is rax.
 *
 * For checkpoint() the restored program resumes right after that `syscall`
 * instruction, so ck_regs_out then shows what restart restored.
 *
 * The layout of struct ck_regs is fixed: the assembly uses the offsets.
 */
#ifndef CKPT_SELFTEST_REGS_H
#define CKPT_SELFTEST_REGS_H

#include <stddef.h>
#include <stdint.h>

enum {
	CK_RAX, CK_RBX, CK_RCX, CK_RDX, CK_RSI, CK_RDI, CK_RBP, CK_RSP,
	CK_R8, CK_R9, CK_R10, CK_R11, CK_R12, CK_R13, CK_R14, CK_R15,
	CK_RFLAGS, CK_NR_GPRS,
};

struct ck_regs {
	uint64_t gpr[32];	/* [CK_RAX..CK_RFLAGS] at offset 8 * index */
	uint8_t vec[16][32];	/* offset 256: ymm0-15 (xmm in the low half) */
	uint64_t st[2];		/* offset 768: st(0), st(1) as doubles */
	uint32_t mxcsr;		/* offset 784 */
	uint16_t fcw;		/* offset 788 */
	uint16_t __pad;
	uint32_t avx;		/* offset 792: in: use ymm, not xmm */
	uint32_t __pad2;
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct ck_regs, vec) == 256, "vec");
_Static_assert(offsetof(struct ck_regs, st) == 768, "st");
_Static_assert(offsetof(struct ck_regs, mxcsr) == 784, "mxcsr");
_Static_assert(offsetof(struct ck_regs, fcw) == 788, "fcw");
_Static_assert(offsetof(struct ck_regs, avx) == 792, "avx");

struct ck_regs ck_regs_in __attribute__((used));
struct ck_regs ck_regs_out __attribute__((used));
uint32_t ck_regs_saved_mxcsr __attribute__((used));
uint16_t ck_regs_saved_fcw __attribute__((used));

long ck_regs_syscall(void);

#define CK_VEC16(op, sfx)						\
	op " ck_regs_" sfx "+256(%rip), %xmm0\n"			\
	op " ck_regs_" sfx "+288(%rip), %xmm1\n"			\
	op " ck_regs_" sfx "+320(%rip), %xmm2\n"			\
	op " ck_regs_" sfx "+352(%rip), %xmm3\n"			\
	op " ck_regs_" sfx "+384(%rip), %xmm4\n"			\
	op " ck_regs_" sfx "+416(%rip), %xmm5\n"			\
	op " ck_regs_" sfx "+448(%rip), %xmm6\n"			\
	op " ck_regs_" sfx "+480(%rip), %xmm7\n"			\
	op " ck_regs_" sfx "+512(%rip), %xmm8\n"			\
	op " ck_regs_" sfx "+544(%rip), %xmm9\n"			\
	op " ck_regs_" sfx "+576(%rip), %xmm10\n"			\
	op " ck_regs_" sfx "+608(%rip), %xmm11\n"			\
	op " ck_regs_" sfx "+640(%rip), %xmm12\n"			\
	op " ck_regs_" sfx "+672(%rip), %xmm13\n"			\
	op " ck_regs_" sfx "+704(%rip), %xmm14\n"			\
	op " ck_regs_" sfx "+736(%rip), %xmm15\n"

#define CK_VEC16_ST(op, reg)						\
	op " %" reg "0, ck_regs_out+256(%rip)\n"			\
	op " %" reg "1, ck_regs_out+288(%rip)\n"			\
	op " %" reg "2, ck_regs_out+320(%rip)\n"			\
	op " %" reg "3, ck_regs_out+352(%rip)\n"			\
	op " %" reg "4, ck_regs_out+384(%rip)\n"			\
	op " %" reg "5, ck_regs_out+416(%rip)\n"			\
	op " %" reg "6, ck_regs_out+448(%rip)\n"			\
	op " %" reg "7, ck_regs_out+480(%rip)\n"			\
	op " %" reg "8, ck_regs_out+512(%rip)\n"			\
	op " %" reg "9, ck_regs_out+544(%rip)\n"			\
	op " %" reg "10, ck_regs_out+576(%rip)\n"			\
	op " %" reg "11, ck_regs_out+608(%rip)\n"			\
	op " %" reg "12, ck_regs_out+640(%rip)\n"			\
	op " %" reg "13, ck_regs_out+672(%rip)\n"			\
	op " %" reg "14, ck_regs_out+704(%rip)\n"			\
	op " %" reg "15, ck_regs_out+736(%rip)\n"

/* ymm loads: same offsets, 32 bytes each */
#define CK_YMM16_LD							\
	"vmovdqu ck_regs_in+256(%rip), %ymm0\n"				\
	"vmovdqu ck_regs_in+288(%rip), %ymm1\n"				\
	"vmovdqu ck_regs_in+320(%rip), %ymm2\n"				\
	"vmovdqu ck_regs_in+352(%rip), %ymm3\n"				\
	"vmovdqu ck_regs_in+384(%rip), %ymm4\n"				\
	"vmovdqu ck_regs_in+416(%rip), %ymm5\n"				\
	"vmovdqu ck_regs_in+448(%rip), %ymm6\n"				\
	"vmovdqu ck_regs_in+480(%rip), %ymm7\n"				\
	"vmovdqu ck_regs_in+512(%rip), %ymm8\n"				\
	"vmovdqu ck_regs_in+544(%rip), %ymm9\n"				\
	"vmovdqu ck_regs_in+576(%rip), %ymm10\n"			\
	"vmovdqu ck_regs_in+608(%rip), %ymm11\n"			\
	"vmovdqu ck_regs_in+640(%rip), %ymm12\n"			\
	"vmovdqu ck_regs_in+672(%rip), %ymm13\n"			\
	"vmovdqu ck_regs_in+704(%rip), %ymm14\n"			\
	"vmovdqu ck_regs_in+736(%rip), %ymm15\n"

asm(
	".pushsection .text\n"
	".globl ck_regs_syscall\n"
	".type ck_regs_syscall, @function\n"
	"ck_regs_syscall:\n"
	"push %rbx\n"
	"push %rbp\n"
	"push %r12\n"
	"push %r13\n"
	"push %r14\n"
	"push %r15\n"
	"sub $8, %rsp\n"
	"fnstcw ck_regs_saved_fcw(%rip)\n"
	"stmxcsr ck_regs_saved_mxcsr(%rip)\n"
	"fldcw ck_regs_in+788(%rip)\n"
	"ldmxcsr ck_regs_in+784(%rip)\n"
	"fldl ck_regs_in+776(%rip)\n"	/* becomes st(1) */
	"fldl ck_regs_in+768(%rip)\n"	/* st(0) */
	"cmpl $0, ck_regs_in+792(%rip)\n"
	"je 1f\n"
	CK_YMM16_LD
	"jmp 2f\n"
	"1:\n"
	CK_VEC16("movdqu", "in")
	"2:\n"
	"mov %rsp, ck_regs_in+56(%rip)\n"
	"mov ck_regs_in+8(%rip), %rbx\n"
	"mov ck_regs_in+24(%rip), %rdx\n"
	"mov ck_regs_in+32(%rip), %rsi\n"
	"mov ck_regs_in+40(%rip), %rdi\n"
	"mov ck_regs_in+48(%rip), %rbp\n"
	"mov ck_regs_in+64(%rip), %r8\n"
	"mov ck_regs_in+72(%rip), %r9\n"
	"mov ck_regs_in+80(%rip), %r10\n"
	"mov ck_regs_in+96(%rip), %r12\n"
	"mov ck_regs_in+104(%rip), %r13\n"
	"mov ck_regs_in+112(%rip), %r14\n"
	"mov ck_regs_in+120(%rip), %r15\n"
	"mov ck_regs_in+0(%rip), %rax\n"
	"stc\n"
	"std\n"
	"pushfq\n"
	"popq ck_regs_in+128(%rip)\n"
	"syscall\n"
	"mov %rsp, ck_regs_out+56(%rip)\n"
	"pushfq\n"
	"popq ck_regs_out+128(%rip)\n"
	"cld\n"
	"mov %rax, ck_regs_out+0(%rip)\n"
	"mov %rbx, ck_regs_out+8(%rip)\n"
	"mov %rcx, ck_regs_out+16(%rip)\n"
	"mov %rdx, ck_regs_out+24(%rip)\n"
	"mov %rsi, ck_regs_out+32(%rip)\n"
	"mov %rdi, ck_regs_out+40(%rip)\n"
	"mov %rbp, ck_regs_out+48(%rip)\n"
	"mov %r8, ck_regs_out+64(%rip)\n"
	"mov %r9, ck_regs_out+72(%rip)\n"
	"mov %r10, ck_regs_out+80(%rip)\n"
	"mov %r11, ck_regs_out+88(%rip)\n"
	"mov %r12, ck_regs_out+96(%rip)\n"
	"mov %r13, ck_regs_out+104(%rip)\n"
	"mov %r14, ck_regs_out+112(%rip)\n"
	"mov %r15, ck_regs_out+120(%rip)\n"
	"cmpl $0, ck_regs_in+792(%rip)\n"
	"je 3f\n"
	CK_VEC16_ST("vmovdqu", "ymm")
	"vzeroupper\n"
	"jmp 4f\n"
	"3:\n"
	CK_VEC16_ST("movdqu", "xmm")
	"4:\n"
	"fstpl ck_regs_out+768(%rip)\n"
	"fstpl ck_regs_out+776(%rip)\n"
	"fnstcw ck_regs_out+788(%rip)\n"
	"stmxcsr ck_regs_out+784(%rip)\n"
	"fldcw ck_regs_saved_fcw(%rip)\n"
	"ldmxcsr ck_regs_saved_mxcsr(%rip)\n"
	"mov ck_regs_out+0(%rip), %rax\n"
	"add $8, %rsp\n"
	"pop %r15\n"
	"pop %r14\n"
	"pop %r13\n"
	"pop %r12\n"
	"pop %rbp\n"
	"pop %rbx\n"
	"ret\n"
	".size ck_regs_syscall, .-ck_regs_syscall\n"
	".popsection\n"
);

#endif /* CKPT_SELFTEST_REGS_H */
