// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copy-on-write sharing between a forked process and its parent.
 *
 * After fork(), parent and child share every private page copy-on-write
 * until one of them writes it. Saved per process, such a page would be
 * stored once per process and restored as that many copies: a forking
 * server of N workers would come back taking N times its memory.
 *
 * Checkpoint: a private vma of a process is *inherited* when its parent
 * process (of the tree, with an mm of its own, saved before it) has one
 * vma holding all of it that fork() copied into it: in the same anon_vma
 * tree, of the same kind, file, offset, protection and advice, and that
 * fork() copies at all (no MADV_DONTFORK, no MADV_WIPEONFORK). Of its
 * pages, those that are the very parent's page at the same address are
 * written as addresses alone (CKPT_PAGE_PARENT); the parent's record
 * holds their contents. The mm is then marked CKPT_MM_F_FORKED.
 *
 * Restart: the mm of such a process starts as dup_mm() of its parent's
 * restored mm, as fork() makes it. Everything outside the inherited
 * vmas is unmapped again, record by record; an inherited vma must be
 * found as its record says. Its pages marked the parent's are kept, its
 * other pages are written from the image (which breaks the sharing for
 * them, as the child's write did), and any page between them is zapped:
 * the child had none there.
 */
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagewalk.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>
#include "internal.h"

/* vm_flags an inherited vma and its parent's have alike */
#define CKPT_COW_SAME_FLAGS	(VM_READ | VM_WRITE | VM_EXEC | VM_MAYSHARE | \
				 VM_GROWSDOWN | VM_DONTDUMP | VM_HUGEPAGE | \
				 VM_NOHUGEPAGE | VM_MERGEABLE | VM_DONTCOPY | \
				 VM_WIPEONFORK)

/* ---- checkpoint --------------------------------------------------------- */

/**
 * ckpt_cow_parent_mm() - checkpoint: the mm a process may share pages with
 * @ctx: checkpoint context, writing a process (ctx->cur)
 * @mm: that process's mm
 *
 * Return: the mm of its parent process, referenced (mmput() it), when
 * that is a live process of the tree saved before it, with an mm other
 * than @mm; else NULL.
 */
struct mm_struct *ckpt_cow_parent_mm(struct ckpt_ctx *ctx,
				     struct mm_struct *mm)
{
	struct ckpt_task_ent *p;
	struct mm_struct *pmm;

	if (!ctx->cur || !ctx->cur->leader)
		return NULL;
	p = ckpt_parent_ent(ctx, ctx->cur);
	if (!p || p->zombie)
		return NULL;
	pmm = get_task_mm(p->t);
	if (pmm == mm) {
		mmput(pmm);
		return NULL;
	}
	return pmm;
}

/**
 * ckpt_cow_inherits() - checkpoint: is a vma one fork() copied and kept?
 * @pmm: the parent's mm (ckpt_cow_parent_mm()), read-locked
 * @v: the child's vma, as snapshotted with its anon_vma root
 *
 * Return: true when @pmm has one vma holding all of @v that fork()
 * copied into the child, of the same anon_vma tree, and that neither
 * side changed since in any way restart restores: kind, file, offset,
 * protection, advice.
 */
bool ckpt_cow_inherits(struct mm_struct *pmm, const struct ckpt_vma *v)
{
	struct vm_area_struct *pv = vma_lookup(pmm, v->start);

	if (!v->anon_root || v->flags & VM_MAYSHARE ||
	    !(v->type == CKPT_VMA_ANON || v->type == CKPT_VMA_FILE ||
	      v->type == CKPT_VMA_MEMFD || v->type == CKPT_VMA_DELETED))
		return false;
	if (!pv || pv->vm_end < v->end || !pv->anon_vma ||
	    pv->anon_vma->root != v->anon_root)
		return false;
	if ((pv->vm_flags ^ v->flags) & CKPT_COW_SAME_FLAGS ||
	    pv->vm_flags & (VM_DONTCOPY | VM_WIPEONFORK))
		return false;
	if (v->type == CKPT_VMA_ANON ? !vma_is_anonymous(pv) :
				       pv->vm_file != v->file)
		return false;
	return pv->vm_pgoff + ((v->start - pv->vm_start) >> PAGE_SHIFT) ==
	       v->pgoff;
}

/* The walk of the parent's page tables over a batch of the child's pages */
struct ckpt_cow_walk {
	struct page **pages;	/* the child's, at... */
	u64 *addrs;		/* ...these increasing addresses */
	unsigned int n, cur;
	unsigned int shared;
};

static void ckpt_cow_same(struct ckpt_cow_walk *w, unsigned long pfn)
{
	if (pfn != page_to_pfn(w->pages[w->cur]))
		return;
	w->addrs[w->cur] |= CKPT_PAGE_PARENT;
	w->shared++;
}

/*
 * One page table (or huge pmd) of the parent: the batch's addresses in
 * [addr, end) whose page is the parent's there. A huge pmd is never
 * split: checkpoint leaves the parent as it was.
 */
static int ckpt_cow_pmd(pmd_t *pmd, unsigned long addr, unsigned long end,
			struct mm_walk *walk)
{
	struct ckpt_cow_walk *w = walk->private;
	pte_t *start;
	spinlock_t *ptl;	/* the page table's lock, held while it is read */

	while (w->cur < w->n && w->addrs[w->cur] < addr)
		w->cur++;
	if (w->cur == w->n)
		return 1;
	ptl = pmd_trans_huge_lock(pmd, walk->vma);
	if (ptl) {
		pmd_t pmdval = pmdp_get(pmd);
		unsigned long base = addr & PMD_MASK;

		for (; w->cur < w->n && w->addrs[w->cur] < end; w->cur++)
			if (pmd_present(pmdval))
				ckpt_cow_same(w, pmd_pfn(pmdval) +
					      ((w->addrs[w->cur] - base) >>
					       PAGE_SHIFT));
		spin_unlock(ptl);
		return 0;
	}
	start = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	if (!start) {
		walk->action = ACTION_AGAIN;
		return 0;
	}
	for (; w->cur < w->n && w->addrs[w->cur] < end; w->cur++) {
		pte_t ptent = ptep_get(start + ((w->addrs[w->cur] - addr) >>
						PAGE_SHIFT));

		if (pte_present(ptent))
			ckpt_cow_same(w, pte_pfn(ptent));
	}
	pte_unmap_unlock(start, ptl);
	return 0;
}

static const struct mm_walk_ops ckpt_cow_walk_ops = {
	.pmd_entry = ckpt_cow_pmd,
	.walk_lock = PGWALK_RDLOCK,
};

/**
 * ckpt_cow_mark() - checkpoint: mark the pages of a batch the parent has
 * @pmm: the parent's mm, not locked
 * @pages: the child's pages of an inherited vma, referenced
 * @addrs: their addresses, increasing; CKPT_PAGE_PARENT is set on those
 *	   whose page is the parent's page at the same address
 * @n: how many
 *
 * The tree is frozen: neither page table changes while this looks.
 *
 * Return: how many were marked.
 */
unsigned int ckpt_cow_mark(struct mm_struct *pmm, struct page **pages,
			   u64 *addrs, unsigned int n)
{
	struct ckpt_cow_walk w = { .pages = pages, .addrs = addrs, .n = n };

	if (!n)
		return 0;
	mmap_read_lock(pmm);
	walk_page_range(pmm, addrs[0], addrs[n - 1] + PAGE_SIZE,
			&ckpt_cow_walk_ops, &w);
	mmap_read_unlock(pmm);
	return w.shared;
}

/* ---- restart ------------------------------------------------------------ */

/**
 * ckpt_cow_dup() - restart: a process's mm, as fork() made it
 * @ctx: restart context, reading the MM record of ctx->rs
 *
 * Called with current's own mm: the copy's flags come from it, as
 * mm_alloc()'s do.
 *
 * Return: a copy of the parent process's restored mm, or ERR_PTR:
 * -EINVAL (with a log line) when the process has no parent process
 * restored before it with an mm of its own, -ENOMEM.
 */
struct mm_struct *ckpt_cow_dup(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = ctx->rs;
	struct mm_struct *pmm = NULL, *mm;

	if (rs->leader && rs->parent >= 0 && rs->parent < rs - ctx->rss)
		pmm = ctx->rss[rs->parent].new_mm;
	if (!pmm) {
		ckpt_log(ctx, -EINVAL,
			 "mm: bad record: forked, without a parent process before it");
		return ERR_PTR(-EINVAL);
	}
	mm = dup_mm(current, pmm);
	return mm ?: ERR_PTR(-ENOMEM);
}

/**
 * ckpt_cow_cut() - restart: unmap what the copy holds in a range
 * @ctx: restart context
 * @from: start, page aligned
 * @to: end, page aligned; nothing is done unless @from < @to
 *
 * Return: 0, or the error of munmap() (-ENOMEM: too many vmas).
 */
int ckpt_cow_cut(struct ckpt_ctx *ctx, u64 from, u64 to)
{
	int ret;

	if (from >= to)
		return 0;
	ret = vm_munmap(from, to - from);
	if (ret)
		ckpt_log(ctx, ret, "mm: cannot unmap %llx-%llx of the parent's copy",
			 from, to);
	return ret;
}

/**
 * ckpt_cow_zap() - restart: drop the pages a range of an inherited vma has
 * @ctx: restart context
 * @from: start, page aligned
 * @to: end, page aligned; nothing is done unless @from < @to
 *
 * The child had no page there (or a file page, which comes back from the
 * file): what the copy gave is dropped, as MADV_DONTNEED does.
 *
 * Return: 0, or the error of madvise().
 */
int ckpt_cow_zap(struct ckpt_ctx *ctx, u64 from, u64 to)
{
	int ret;

	if (from >= to)
		return 0;
	ret = do_madvise(current->mm, from, to - from, MADV_DONTNEED);
	if (ret)
		ckpt_log(ctx, ret, "vma %llx: cannot drop the parent's pages up to %llx",
			 from, to);
	return ret;
}

/**
 * ckpt_cow_check_vma() - restart: is an inherited vma there as its record
 *			  says?
 * @ctx: restart context
 * @h: the validated VMA record, CKPT_VMA_F_INHERITED
 * @file: for a file's vma, the file its record names, as restart opens it
 * @advice: the vm_flags its advice gives
 *
 * Return: 0 when the copy of the parent's mm has one private vma holding
 * all of @h, of its kind, file, offset, protection and advice; else
 * -EINVAL with a log line.
 */
int ckpt_cow_check_vma(struct ckpt_ctx *ctx, const struct ckpt_hdr_vma *h,
		       struct file *file, vm_flags_t advice)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	vm_flags_t want = advice, mask;
	bool ok;

	if (h->prot & PROT_READ)
		want |= VM_READ;
	if (h->prot & PROT_WRITE)
		want |= VM_WRITE;
	if (h->prot & PROT_EXEC)
		want |= VM_EXEC;
	if (h->flags & CKPT_VMA_F_GROWSDOWN)
		want |= VM_GROWSDOWN;
	mask = CKPT_COW_SAME_FLAGS | VM_GROWSDOWN;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, h->start);
	ok = vma && vma->vm_end >= h->end &&
	     !((vma->vm_flags ^ want) & mask) &&
	     (file ? vma->vm_file &&
		     file_inode(vma->vm_file) == file_inode(file) &&
		     vma->vm_pgoff + ((h->start - vma->vm_start) >> PAGE_SHIFT) ==
		     h->pgoff :
		     vma_is_anonymous(vma));
	mmap_read_unlock(mm);
	if (!ok) {
		ckpt_log(ctx, -EINVAL,
			 "vma %llx-%llx: inherited, but the parent's differs",
			 h->start, h->end);
		return -EINVAL;
	}
	return 0;
}
