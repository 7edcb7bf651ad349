// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory: the mm's layout fields, every vma, and page contents.
 *
 * Checkpoint never faults in a page that was never touched: a walk of
 * the page tables finds the pages that exist, and only a page the task
 * has but that sits in swap (or under migration) is read back. Huge
 * pages are written as their base pages. Private mappings save their
 * anonymous pages (for a file mapping: the modified ones), shared
 * anonymous mappings the pages of their shmem object; shared file
 * mappings save nothing, their contents are the file. Pages are written
 * from the pages themselves.
 *
 * Restart builds a fresh mm, like execve(), and maps every vma at its
 * recorded address with MAP_FIXED_NOREPLACE, so overlapping records fail.
 * Page contents are read straight into the restored pages. A forked
 * process whose pages are still its parent's starts instead from a copy
 * of its parent's restored mm, as fork() made it (cow.c).
 */
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagewalk.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>
#include <linux/shmem_fs.h>
#include <linux/sched/mm.h>
#include <uapi/linux/membarrier.h>
#include <linux/sched/signal.h>
#include <linux/sched/coredump.h>
#include <linux/mm_inline.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/ksm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/binfmts.h>
#include <linux/auxvec.h>
#include <asm/mmu_context.h>
#include "internal.h"

/* vma flags that change what a vma means and that restart cannot redo */
#define CKPT_VM_REFUSED (VM_IO | VM_PFNMAP | VM_MIXEDMAP | VM_HUGETLB | \
			 VM_UFFD_MISSING | VM_UFFD_WP | VM_UFFD_MINOR | \
			 VM_SHADOW_STACK)

#define CKPT_VMA_F_ADVICE	(CKPT_VMA_F_DONTFORK | CKPT_VMA_F_WIPEONFORK | \
				 CKPT_VMA_F_DONTDUMP | CKPT_VMA_F_HUGEPAGE | \
				 CKPT_VMA_F_NOHUGEPAGE | CKPT_VMA_F_MERGEABLE)

/* vma flags that madvise() set, and the advice that sets each again */
static const struct {
	vm_flags_t vm_flag;
	u32 flag;
	int advice;
} ckpt_vma_advice[] = {
	{ VM_DONTCOPY, CKPT_VMA_F_DONTFORK, MADV_DONTFORK },
	{ VM_WIPEONFORK, CKPT_VMA_F_WIPEONFORK, MADV_WIPEONFORK },
	{ VM_DONTDUMP, CKPT_VMA_F_DONTDUMP, MADV_DONTDUMP },
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	{ VM_HUGEPAGE, CKPT_VMA_F_HUGEPAGE, MADV_HUGEPAGE },
	{ VM_NOHUGEPAGE, CKPT_VMA_F_NOHUGEPAGE, MADV_NOHUGEPAGE },
#endif
#ifdef CONFIG_KSM
	{ VM_MERGEABLE, CKPT_VMA_F_MERGEABLE, MADV_MERGEABLE },
#endif
};

#ifdef CONFIG_MEMBARRIER
/*
 * membarrier() registrations, by the state each leaves once done (its
 * _READY bit), and the command that makes it again
 */
static const struct {
	int state;
	u32 flag;
	int cmd;
} ckpt_membarrier[] = {
	{ MEMBARRIER_STATE_GLOBAL_EXPEDITED_READY,
	  CKPT_MM_F_MB_GLOBAL_EXPEDITED,
	  MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED },
	{ MEMBARRIER_STATE_PRIVATE_EXPEDITED_READY,
	  CKPT_MM_F_MB_PRIVATE_EXPEDITED,
	  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED },
	{ MEMBARRIER_STATE_PRIVATE_EXPEDITED_SYNC_CORE_READY,
	  CKPT_MM_F_MB_PRIVATE_EXPEDITED_SYNC_CORE,
	  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE },
	{ MEMBARRIER_STATE_PRIVATE_EXPEDITED_RSEQ_READY,
	  CKPT_MM_F_MB_PRIVATE_EXPEDITED_RSEQ,
	  MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ },
};

/* The mm's registrations as CKPT_MM_F_MB_* flags */
static u32 ckpt_membarrier_flags(struct mm_struct *mm)
{
	int state = atomic_read(&mm->membarrier_state);
	u32 flags = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_membarrier); i++)
		if (state & ckpt_membarrier[i].state)
			flags |= ckpt_membarrier[i].flag;
	return flags;
}

/* Register current's new mm again, as membarrier() would */
static int ckpt_membarrier_register(struct ckpt_ctx *ctx, u32 flags)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_membarrier); i++) {
		if (!(flags & ckpt_membarrier[i].flag))
			continue;
		ret = membarrier_register(ckpt_membarrier[i].cmd);
		if (ret) {
			ckpt_log(ctx, ret, "mm: membarrier(%d) registration refused",
				 ckpt_membarrier[i].cmd);
			return ret;
		}
	}
	return 0;
}
#else
static u32 ckpt_membarrier_flags(struct mm_struct *mm)
{
	return 0;
}

static int ckpt_membarrier_register(struct ckpt_ctx *ctx, u32 flags)
{
	if (!flags)
		return 0;
	ckpt_log(ctx, -EOPNOTSUPP, "mm: membarrier() registrations need CONFIG_MEMBARRIER");
	return -EOPNOTSUPP;
}
#endif

/*
 * prctl(PR_SET_MDWE) on the mm being built, by the rules of prctl(): a
 * new mm has what the restarter's passes on (as fork() and execve()
 * pass it), and what is set cannot be unset. Set last, once every vma
 * is mapped: the program mapped them before it set it.
 */
static int ckpt_set_mdwe(struct ckpt_ctx *ctx, struct mm_struct *mm, u32 flags)
{
	bool had = test_bit(MMF_HAS_MDWE, &mm->flags);

	if (!(flags & CKPT_MM_F_MDWE)) {
		if (!had)
			return 0;
		ckpt_log(ctx, -EPERM,
			 "mm: the restarter's prctl(PR_SET_MDWE) would be lost: not allowed");
		return -EPERM;
	}
	if (!arch_memory_deny_write_exec_supported()) {
		ckpt_log(ctx, -EINVAL, "mm: prctl(PR_SET_MDWE) is not supported here");
		return -EINVAL;
	}
	/* the restarter's is inheritable: adding NO_INHERIT would unset it */
	if (had && (flags & CKPT_MM_F_MDWE_NO_INHERIT)) {
		ckpt_log(ctx, -EPERM,
			 "mm: PR_MDWE_NO_INHERIT would change the restarter's prctl(PR_SET_MDWE)");
		return -EPERM;
	}
	if (flags & CKPT_MM_F_MDWE_NO_INHERIT)
		set_bit(MMF_HAS_MDWE_NO_INHERIT, &mm->flags);
	set_bit(MMF_HAS_MDWE, &mm->flags);
	return 0;
}

/*
 * prctl(PR_SET_MEMORY_MERGE) on the fresh mm, before its first vma, as
 * the image has it: every vma mapped then is mergeable, as the program's
 * were; those it had made unmergeable since are made so again
 * (ckpt_advise_vma()). mm_alloc() copied the restarter's flag without
 * registering the mm with KSM (execve() registers it): that copy goes.
 */
static int ckpt_set_merge_any(struct ckpt_ctx *ctx, struct mm_struct *mm,
			      u32 flags)
{
	int ret = 0;

	clear_bit(MMF_VM_MERGE_ANY, &mm->flags);
	if (!(flags & CKPT_MM_F_MERGE_ANY))
		return 0;
	if (!IS_ENABLED(CONFIG_KSM)) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "mm: prctl(PR_SET_MEMORY_MERGE) needs a kernel with KSM");
		return -EOPNOTSUPP;
	}
#ifdef CONFIG_KSM
	mmap_write_lock(mm);
	ret = ksm_enable_merge_any(mm);
	mmap_write_unlock(mm);
	if (ret)
		ckpt_log(ctx, ret, "mm: prctl(PR_SET_MEMORY_MERGE) failed");
#endif
	return ret;
}

/* A mapping of a file: by path, a memfd or a deleted file */
static bool ckpt_vma_is_file(u32 type)
{
	return type == CKPT_VMA_FILE || type == CKPT_VMA_MEMFD ||
	       type == CKPT_VMA_DELETED;
}

/* The object pages a SHARED_ANON vma's PAGES records already hold */
struct ckpt_shm_range {
	pgoff_t start, end;
};

/**
 * ckpt_free_shm_saved() - forget which shared memory pages were saved
 * @ctx: checkpoint context
 */
void ckpt_free_shm_saved(struct ckpt_ctx *ctx)
{
	struct ckpt_shm_range *r;
	unsigned long i;

	xa_for_each(&ctx->shm_saved, i, r)
		kfree(r);
	xa_destroy(&ctx->shm_saved);
}

/*
 * Processes that share memory (a fork) map the same range of its object:
 * its pages are saved with the first such vma only. Returns whether the
 * vma's pages are saved already, after recording the first vma's range.
 */
static int ckpt_shm_pages_saved(struct ckpt_ctx *ctx, u32 objref,
				struct ckpt_vma *v)
{
	pgoff_t end = v->pgoff + ((v->end - v->start) >> PAGE_SHIFT);
	struct ckpt_shm_range *r = xa_load(&ctx->shm_saved, objref);
	int ret;

	if (r)
		return v->pgoff >= r->start && end <= r->end;
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->start = v->pgoff;
	r->end = end;
	ret = xa_insert(&ctx->shm_saved, objref, r, GFP_KERNEL);
	if (ret)
		kfree(r);
	return ret;
}

static int ckpt_vma_classify(struct ckpt_ctx *ctx, struct vm_area_struct *vma,
			     u32 *type)
{
	if (ckpt_vma_is_vdso(vma)) {
		*type = CKPT_VMA_VDSO;
		return 0;
	}
	if (ckpt_vma_is_vvar(vma)) {
		*type = CKPT_VMA_VVAR;
		return 0;
	}
	if (vma->vm_flags & CKPT_VM_REFUSED) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "vma %lx-%lx: flags %lx not supported yet",
			 vma->vm_start, vma->vm_end,
			 vma->vm_flags & CKPT_VM_REFUSED);
		return -EOPNOTSUPP;
	}
#ifdef CONFIG_NUMA
	/* mbind(): a restored vma would follow the task's policy */
	if (vma->vm_policy) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "vma %lx-%lx: a NUMA memory policy (mbind()) is not supported yet",
			 vma->vm_start, vma->vm_end);
		return -EOPNOTSUPP;
	}
#endif
#ifdef CONFIG_ANON_VMA_NAME
	if (anon_vma_name(vma)) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "vma %lx-%lx: a name (PR_SET_VMA_ANON_NAME) is not supported yet",
			 vma->vm_start, vma->vm_end);
		return -EOPNOTSUPP;
	}
#endif
	if (vma_is_anonymous(vma)) {
		*type = CKPT_VMA_ANON;
		return 0;
	}
	/* before: shmem maps a file without links (a memfd) as anonymous */
	if (vma->vm_file && ckpt_is_memfd(vma->vm_file)) {
		*type = CKPT_VMA_MEMFD;
		return 0;
	}
	if (vma->vm_file && ckpt_is_deleted(vma->vm_file)) {
		*type = CKPT_VMA_DELETED;
		return 0;
	}
	if (vma_is_anon_shmem(vma)) {
		*type = CKPT_VMA_SHARED_ANON;
		return 0;
	}
	if (vma->vm_file && !vma->vm_ops->name) {
		*type = CKPT_VMA_FILE;
		return 0;
	}
	ckpt_log(ctx, -EOPNOTSUPP, "vma %lx-%lx: special mapping not supported",
		 vma->vm_start, vma->vm_end);
	return -EOPNOTSUPP;
}

static void ckpt_put_vmas(struct ckpt_vma *v, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (v[i].file)
			fput(v[i].file);
	kvfree(v);
}

static int ckpt_collect_vmas(struct ckpt_ctx *ctx, struct mm_struct *mm,
			     struct ckpt_hdr_mm *h, struct ckpt_vma **pv,
			     unsigned int *pnr)
{
	struct vm_area_struct *vma, *vvar = NULL, *vdso = NULL;
	struct ckpt_vma *v;
	unsigned int nr = 0, max;
	int ret = 0;

	VMA_ITERATOR(vmi, mm, 0);

	mmap_read_lock(mm);
	max = mm->map_count;
	if (max > CKPT_MAX_VMAS) {
		mmap_read_unlock(mm);
		ckpt_log(ctx, -EOPNOTSUPP, "more than %u vmas", CKPT_MAX_VMAS);
		return -EOPNOTSUPP;
	}
	v = kvcalloc(max ?: 1, sizeof(*v), GFP_KERNEL);
	if (!v) {
		mmap_read_unlock(mm);
		return -ENOMEM;
	}
	for_each_vma(vmi, vma) {
		if (WARN_ON_ONCE(nr >= max)) {
			ret = -EINVAL;
			break;
		}
		ret = ckpt_vma_classify(ctx, vma, &v[nr].type);
		if (ret)
			break;
		if (v[nr].type == CKPT_VMA_VVAR)
			vvar = vma;
		else if (v[nr].type == CKPT_VMA_VDSO)
			vdso = vma;
		v[nr].start = vma->vm_start;
		v[nr].end = vma->vm_end;
		v[nr].pgoff = vma->vm_pgoff;
		v[nr].flags = vma->vm_flags;
		if (vma->anon_vma)
			v[nr].anon_root = vma->anon_vma->root;
		if (v[nr].type == CKPT_VMA_FILE ||
		    v[nr].type == CKPT_VMA_SHARED_ANON ||
		    v[nr].type == CKPT_VMA_MEMFD ||
		    v[nr].type == CKPT_VMA_DELETED)
			v[nr].file = get_file(vma->vm_file);
		nr++;
	}

	h->start_code = mm->start_code;
	h->end_code = mm->end_code;
	h->start_data = mm->start_data;
	h->end_data = mm->end_data;
	h->start_brk = mm->start_brk;
	h->brk = mm->brk;
	h->start_stack = mm->start_stack;
	spin_lock(&mm->arg_lock);
	h->arg_start = mm->arg_start;
	h->arg_end = mm->arg_end;
	h->env_start = mm->env_start;
	h->env_end = mm->env_end;
	spin_unlock(&mm->arg_lock);
	BUILD_BUG_ON(AT_VECTOR_SIZE > CKPT_AUXV_MAX);
	h->nr_auxv = AT_VECTOR_SIZE;
	memcpy(h->auxv, mm->saved_auxv, sizeof(mm->saved_auxv));
	if (mm->def_flags & VM_LOCKED)
		h->flags |= CKPT_MM_F_LOCK_FUTURE;
	if (mm->def_flags & VM_LOCKONFAULT)
		h->flags |= CKPT_MM_F_LOCK_ONFAULT;
	h->flags |= ckpt_membarrier_flags(mm);
	if (test_bit(MMF_HAS_MDWE, &mm->flags))
		h->flags |= CKPT_MM_F_MDWE;
	if (test_bit(MMF_HAS_MDWE_NO_INHERIT, &mm->flags))
		h->flags |= CKPT_MM_F_MDWE_NO_INHERIT;
	if (test_bit(MMF_VM_MERGE_ANY, &mm->flags))
		h->flags |= CKPT_MM_F_MERGE_ANY;
	if (!ret && (mm->def_flags & ~VM_LOCKED_MASK)) {
		ckpt_log(ctx, -EOPNOTSUPP, "mm: default vma flags %lx not supported yet",
			 mm->def_flags & ~VM_LOCKED_MASK);
		ret = -EOPNOTSUPP;
	}
	if (!ret)
		ret = checkpoint_vdso(ctx, mm, h, vvar, vdso);
	mmap_read_unlock(mm);
	if (ret) {
		ckpt_put_vmas(v, nr);
		return ret;
	}
	h->nr_vmas = nr;
	*pv = v;
	*pnr = nr;
	return 0;
}

/* What the page table walk of one batch collects */
struct ckpt_page_walk {
	struct ckpt_ctx *ctx;
	bool anon_vma;		/* every normal page of the vma is the task's */
	unsigned int n;
	unsigned long next;	/* first address the walk did not examine */
	unsigned long bad;	/* a page that could not be read back */
};

static bool ckpt_walk_add(struct ckpt_page_walk *w, unsigned long addr,
			  struct page *page)
{
	w->ctx->pages[w->n] = page;
	w->ctx->addrs[w->n] = addr;
	return ++w->n == CKPT_PAGES_MAX;
}

static bool ckpt_page_wanted(struct ckpt_page_walk *w, struct page *page)
{
	/* a file page never written by the task is the file's */
	return page && (w->anon_vma || PageAnon(page));
}

/*
 * One page table (or one huge pmd) of the batch. Present pages are taken
 * with a reference; a swap or migration entry is noted with a NULL page
 * and read back through GUP once the walk is over. None entries are
 * holes: nothing is ever faulted in for them. A huge pmd is never split,
 * its pages are written one by one like any others.
 */
static int ckpt_pmd_entry(pmd_t *pmd, unsigned long addr, unsigned long end,
			  struct mm_walk *walk)
{
	struct ckpt_page_walk *w = walk->private;
	struct vm_area_struct *vma = walk->vma;
	bool full = false;
	pte_t *start, *pte;
	spinlock_t *ptl;	/* the page table's lock, held while it is read */

	ptl = pmd_trans_huge_lock(pmd, vma);
	if (ptl) {
		pmd_t pmdval = pmdp_get(pmd);
		struct page *page = NULL;

		if (pmd_present(pmdval)) {
			page = vm_normal_page_pmd(vma, addr, pmdval);
			if (!ckpt_page_wanted(w, page)) {
				spin_unlock(ptl);
				w->next = end;
				return 0;
			}
			page = nth_page(page, (addr & ~PMD_MASK) >> PAGE_SHIFT);
		}
		for (; addr < end && !full; addr += PAGE_SIZE) {
			if (page) {
				get_page(page);
				full = ckpt_walk_add(w, addr, page);
				page = nth_page(page, 1);
			} else {
				full = ckpt_walk_add(w, addr, NULL);
			}
		}
		spin_unlock(ptl);
		w->next = addr;
		return full;
	}

	start = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);
	pte = start;
	if (!pte) {
		walk->action = ACTION_AGAIN;
		return 0;
	}
	for (; addr < end && !full; addr += PAGE_SIZE, pte++) {
		pte_t ptent = ptep_get(pte);
		struct page *page;

		if (pte_none(ptent))
			continue;
		if (!pte_present(ptent)) {
			full = ckpt_walk_add(w, addr, NULL);
			continue;
		}
		page = vm_normal_page(vma, addr, ptent);
		if (!ckpt_page_wanted(w, page))
			continue;
		get_page(page);
		full = ckpt_walk_add(w, addr, page);
	}
	pte_unmap_unlock(start, ptl);
	w->next = addr;
	return full;
}

static const struct mm_walk_ops ckpt_page_walk_ops = {
	.pmd_entry = ckpt_pmd_entry,
	.walk_lock = PGWALK_RDLOCK,
};

/*
 * A page the walk found swapped out or under migration: fault it back in
 * for reading, as a debugger's read would. Returns the page with a
 * reference, NULL if it turned out not to be the task's own (a file page
 * or the zero page), or an ERR_PTR: a page whose contents cannot be
 * read fails the checkpoint rather than being left out.
 */
static struct page *ckpt_fault_page(struct ckpt_page_walk *w,
				    struct mm_struct *mm, unsigned long addr)
{
	struct page *page;
	long ret;

	ret = get_user_pages_remote(mm, addr, 1, FOLL_FORCE, &page, NULL);
	if (ret != 1) {
		w->bad = addr;
		return ERR_PTR(ret < 0 ? ret : -EFAULT);
	}
	if (is_zero_page(page) || !ckpt_page_wanted(w, page)) {
		put_page(page);
		return NULL;
	}
	return page;
}

/**
 * ckpt_shmem_page() - checkpoint: a page of a shmem file, to save
 * @file: the shmem file (shared anonymous memory, a memfd)
 * @idx: the page's index in it
 *
 * Return: the page with a reference, NULL for a hole (nothing is
 * allocated for it), or an ERR_PTR when a page in swap cannot be read
 * back.
 */
struct page *ckpt_shmem_page(struct file *file, pgoff_t idx)
{
	struct folio *folio;
	void *entry;
	int ret;

	entry = filemap_get_entry(file->f_mapping, idx);
	if (!entry)
		return NULL;
	if (!xa_is_value(entry)) {
		/* the folio reference is the page's */
		return folio_file_page(entry, idx);
	}
	/* in swap: read it back, never allocating for a hole */
	ret = shmem_get_folio(file_inode(file), idx, 0, &folio, SGP_READ);
	if (ret == -EINVAL || (!ret && !folio))
		return NULL;	/* beyond the object's size, or gone */
	if (ret)
		return ERR_PTR(ret);
	folio_unlock(folio);
	return folio_file_page(folio, idx);
}

static void ckpt_put_grabbed(struct ckpt_ctx *ctx, unsigned int n)
{
	while (n--)
		if (ctx->pages[n])
			put_page(ctx->pages[n]);
}

/*
 * Collect up to CKPT_PAGES_MAX pages of @v from @addr on, each with a
 * reference. Returns how many, or a negative errno when a page exists but
 * cannot be read (the references are dropped then); *next is where to
 * continue.
 */
static int ckpt_grab_pages(struct ckpt_ctx *ctx, struct mm_struct *mm,
			   struct ckpt_vma *v, unsigned long addr,
			   unsigned long *next)
{
	struct ckpt_page_walk w = { .ctx = ctx, .next = v->end };
	struct vm_area_struct *vma;
	unsigned int i, n;
	int ret = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, v->start);
	if (!vma || vma->vm_start != v->start || vma->vm_end != v->end)
		goto out;

	if (v->type == CKPT_VMA_SHARED_ANON) {
		for (; addr < v->end && w.n < CKPT_PAGES_MAX; addr += PAGE_SIZE) {
			pgoff_t idx = vma->vm_pgoff +
				      ((addr - vma->vm_start) >> PAGE_SHIFT);
			struct page *page = ckpt_shmem_page(v->file, idx);

			if (IS_ERR(page)) {
				ret = PTR_ERR(page);
				w.bad = addr;
				break;
			}
			if (page)
				ckpt_walk_add(&w, addr, page);
		}
		w.next = addr;
		goto out;
	}

	w.anon_vma = v->type == CKPT_VMA_ANON;
	ret = walk_page_range_vma(vma, addr, v->end, &ckpt_page_walk_ops, &w);
	if (ret < 0)
		goto out;
	if (!ret)
		w.next = v->end;	/* the rest of the vma were holes */
	ret = 0;
	/* read back what is in swap; a NULL left is a page not ours */
	for (i = 0; i < w.n && !ret; i++) {
		struct page *page;

		if (ctx->pages[i])
			continue;
		page = ckpt_fault_page(&w, mm, ctx->addrs[i]);
		if (IS_ERR(page))
			ret = PTR_ERR(page);
		else
			ctx->pages[i] = page;
	}
	if (ret)
		goto out;
	for (i = 0, n = 0; i < w.n; i++) {
		if (!ctx->pages[i])
			continue;
		ctx->pages[n] = ctx->pages[i];
		ctx->addrs[n] = ctx->addrs[i];
		n++;
	}
	w.n = n;
out:
	mmap_read_unlock(mm);
	if (ret) {
		ckpt_put_grabbed(ctx, w.n);
		/* logged without mmap_lock: the log write takes file locks */
		if (w.bad)
			ckpt_log(ctx, ret, "memory: page at %#lx could not be read back from swap",
				 w.bad);
		return ret;
	}
	*next = w.next;
	return w.n;
}

/*
 * A batch of an inherited vma: the pages that are the parent's are marked
 * in ctx->addrs and dropped, the others moved to the front of ctx->pages.
 * Returns how many were the parent's.
 */
static unsigned int ckpt_parent_pages(struct ckpt_ctx *ctx,
				      struct mm_struct *pmm, unsigned int n)
{
	unsigned int i, j, shared;

	shared = ckpt_cow_mark(pmm, ctx->pages, ctx->addrs, n);
	if (!shared)
		return 0;
	for (i = 0, j = 0; i < n; i++) {
		if (ctx->addrs[i] & CKPT_PAGE_PARENT)
			put_page(ctx->pages[i]);
		else
			ctx->pages[j++] = ctx->pages[i];
	}
	return shared;
}

static int checkpoint_vma_pages(struct ckpt_ctx *ctx, struct mm_struct *mm,
				struct mm_struct *pmm, struct ckpt_vma *v)
{
	unsigned long addr = v->start, next;
	struct ckpt_hdr_pages h = {};
	unsigned int shared = 0;
	int n, ret = 0;

	/* the pages of a shared file mapping are the file's */
	if (v->type == CKPT_VMA_VDSO || v->type == CKPT_VMA_VVAR ||
	    (ckpt_vma_is_file(v->type) && (v->flags & VM_MAYSHARE)) ||
	    v->pages_saved)
		goto end;

	while (addr < v->end) {
		n = ckpt_grab_pages(ctx, mm, v, addr, &next);
		if (n < 0)
			return n;
		addr = next;
		if (!n)
			continue;
		if (v->inherited)
			shared = ckpt_parent_pages(ctx, pmm, n);
		/* the record's length counts the pages that follow it */
		h.h.type = CKPT_HDR_PAGES;
		h.h.len = sizeof(h) + n * sizeof(u64) +
			  (n - shared) * PAGE_SIZE;
		h.nr_pages = n;
		h.nr_parent = shared;
		ret = ckpt_write(ctx, &h, sizeof(h));
		if (!ret)
			ret = ckpt_write(ctx, ctx->addrs, n * sizeof(u64));
		if (!ret && n > shared)
			ret = ckpt_write_pages(ctx, ctx->pages, n - shared);
		ckpt_put_grabbed(ctx, n - shared);
		if (ret)
			return ret;
		cond_resched();
	}
end:
	h.nr_pages = 0;
	h.nr_parent = 0;
	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_PAGES, sizeof(h));
}

static int checkpoint_vma(struct ckpt_ctx *ctx, struct ckpt_vma *v, char *buf)
{
	struct ckpt_hdr_vma h = {};
	char *path = NULL;
	unsigned int i;

	h.start = v->start;
	h.end = v->end;
	h.pgoff = v->pgoff;
	h.type = v->type;
	h.prot = (v->flags & VM_READ ? PROT_READ : 0) |
		 (v->flags & VM_WRITE ? PROT_WRITE : 0) |
		 (v->flags & VM_EXEC ? PROT_EXEC : 0);
	if (v->flags & VM_MAYSHARE)
		h.flags |= CKPT_VMA_F_SHARED;
	if (v->flags & VM_GROWSDOWN)
		h.flags |= CKPT_VMA_F_GROWSDOWN;
	if (v->flags & VM_LOCKED)
		h.flags |= CKPT_VMA_F_LOCKED;
	if (v->flags & VM_LOCKONFAULT)
		h.flags |= CKPT_VMA_F_LOCKONFAULT;
	if (v->exe)
		h.flags |= CKPT_VMA_F_EXE;
	if (v->inherited)
		h.flags |= CKPT_VMA_F_INHERITED;
	if (ckpt_vma_is_file(v->type) && (v->flags & VM_MAYSHARE) &&
	    (v->flags & VM_MAYWRITE))
		h.flags |= CKPT_VMA_F_MAYWRITE;
	/* the vdso and vvar are mapped as this kernel maps them */
	for (i = 0; i < ARRAY_SIZE(ckpt_vma_advice) &&
	     v->type != CKPT_VMA_VDSO && v->type != CKPT_VMA_VVAR; i++)
		if (v->flags & ckpt_vma_advice[i].vm_flag)
			h.flags |= ckpt_vma_advice[i].flag;
	if (v->type == CKPT_VMA_SHARED_ANON) {
		struct inode *inode = file_inode(v->file);
		bool first;
		int ref;

		/* one object however many vmas of the tree map it */
		ref = ckpt_obj_lookup_add(ctx, inode, CKPT_OBJ_SHM_INODE,
					  &first);
		if (ref < 0)
			return ref;
		h.shm_objref = ref;
		h.shm_size = i_size_read(inode);
		ref = ckpt_shm_pages_saved(ctx, ref, v);
		if (ref < 0)
			return ref;
		v->pages_saved = ref;
	}
	if (v->type == CKPT_VMA_MEMFD || v->type == CKPT_VMA_DELETED) {
		/* its MEMFD or DELETED record comes first, at first reference */
		int ref = v->type == CKPT_VMA_MEMFD ?
			  ckpt_memfd_ref(ctx, v->file) :
			  ckpt_deleted_ref(ctx, v->file);

		if (ref < 0)
			return ref;
		h.shm_objref = ref;
	}
	if (v->type == CKPT_VMA_FILE) {
		/* its INODE record at its first reference */
		int ref = ckpt_inode_ref(ctx, v->file);

		if (ref < 0)
			return ref;
		h.shm_objref = ref;
		path = ckpt_file_path(ctx, &v->file->f_path, buf,
				      "a mapped file");
		if (IS_ERR(path))
			return PTR_ERR(path);
		h.path_len = strlen(path) + 1;
	}
	return ckpt_write_obj_data(ctx, &h.h, CKPT_HDR_VMA, sizeof(h), path,
				   h.path_len);
}

/*
 * A deleted executable: the vma of @v that maps it (the same open file,
 * else the same file) says so; one that no vma maps has no contents in
 * the image, and is refused.
 */
static int ckpt_mark_exe_vma(struct ckpt_ctx *ctx, struct file *exe,
			     struct ckpt_vma *v, unsigned int nr, char *buf)
{
	struct ckpt_vma *same = NULL;
	unsigned int i;
	char *name;

	for (i = 0; i < nr; i++) {
		if (v[i].type != CKPT_VMA_DELETED ||
		    file_inode(v[i].file) != file_inode(exe))
			continue;
		if (v[i].file == exe) {
			same = &v[i];
			break;
		}
		same = same ?: &v[i];
	}
	if (same) {
		same->exe = true;
		return 0;
	}
	name = d_path(&exe->f_path, buf, PATH_MAX);
	ckpt_log(ctx, -EOPNOTSUPP,
		 "the executable: %s is deleted and not mapped: not supported",
		 IS_ERR(name) ? "the file" : name);
	return -EOPNOTSUPP;
}

/*
 * The vmas fork() copied from the parent process and that still share
 * pages with it. Returns the parent's mm, referenced, if there are any.
 */
static struct mm_struct *ckpt_inherited_vmas(struct ckpt_ctx *ctx,
					     struct mm_struct *mm,
					     struct ckpt_hdr_mm *h,
					     struct ckpt_vma *v,
					     unsigned int nr)
{
	struct mm_struct *pmm;
	unsigned int i, inherited = 0;

	/* restart keeps its copy of the parent's vDSO only when it maps one */
	if (!h->vdso)
		return NULL;
	pmm = ckpt_cow_parent_mm(ctx, mm);
	if (!pmm)
		return NULL;
	mmap_read_lock(pmm);
	for (i = 0; i < nr; i++) {
		v[i].inherited = ckpt_cow_inherits(pmm, &v[i]);
		inherited += v[i].inherited;
	}
	mmap_read_unlock(pmm);
	if (!inherited) {
		mmput(pmm);
		return NULL;
	}
	h->flags |= CKPT_MM_F_FORKED;
	return pmm;
}

/**
 * checkpoint_mm() - write the MM record, then each VMA with its pages
 * @ctx: checkpoint context
 * @t: the task
 *
 * Return: 0, -EOPNOTSUPP (with a log line) for a vma, mapped file or
 * executable that cannot be saved yet, -EINVAL if @t has no mm, -ENOSPC
 * when the object hash is full, -ENOMEM, or an error of writing the
 * image.
 */
int checkpoint_mm(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_mm *h;
	struct mm_struct *mm, *pmm = NULL;
	struct file *exe;
	struct ckpt_vma *v = NULL;
	unsigned int nr = 0, i;
	char *buf, *exe_path = NULL;
	int ret;

	mm = get_task_mm(t);
	if (!mm)
		return -EINVAL;
	ret = -ENOMEM;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!h || !buf)
		goto out;
	ret = ckpt_collect_vmas(ctx, mm, h, &v, &nr);
	if (ret)
		goto out;
	pmm = ckpt_inherited_vmas(ctx, mm, h, v, nr);
	exe = get_mm_exe_file(mm);
	if (exe && ckpt_is_deleted(exe)) {
		/* saved with a vma that maps it: its contents are there */
		ret = ckpt_mark_exe_vma(ctx, exe, v, nr, buf);
		fput(exe);
		if (ret)
			goto out;
	} else if (exe) {
		exe_path = ckpt_file_path(ctx, &exe->f_path, buf,
					  "the executable");
		fput(exe);
		if (IS_ERR(exe_path)) {
			ret = PTR_ERR(exe_path);
			goto out;
		}
		h->exe_len = strlen(exe_path) + 1;
	}
	ret = ckpt_write_obj_data(ctx, &h->h, CKPT_HDR_MM, sizeof(*h),
				  exe_path, h->exe_len);
	for (i = 0; i < nr && !ret; i++) {
		ret = checkpoint_vma(ctx, &v[i], buf);
		if (!ret)
			ret = checkpoint_vma_pages(ctx, mm, pmm, &v[i]);
	}
out:
	if (pmm)
		mmput(pmm);
	if (v)
		ckpt_put_vmas(v, nr);
	kfree(buf);
	kfree(h);
	mmput(mm);
	return ret;
}

/* ---- restart ------------------------------------------------------------ */

/*
 * Lend current the mm being built (vm_mmap() and the fault paths act on
 * current->mm), or give it back its own: exec_mm_switch() (patch 0010).
 */
static struct mm_struct *ckpt_lend_mm(struct mm_struct *mm)
{
	struct mm_struct *old;

	sched_mm_cid_before_execve(current);
	old = exec_mm_switch(mm);
	sched_mm_cid_after_execve(current);
	return old;
}

static bool ckpt_uaddr_ok(u64 a)
{
	return a <= TASK_SIZE;
}

static int ckpt_check_mm(struct ckpt_ctx *ctx, const struct ckpt_hdr_mm *h)
{
	if (!ckpt_uaddr_ok(h->start_code) || !ckpt_uaddr_ok(h->end_code) ||
	    !ckpt_uaddr_ok(h->start_data) || !ckpt_uaddr_ok(h->end_data) ||
	    !ckpt_uaddr_ok(h->start_brk) || !ckpt_uaddr_ok(h->brk) ||
	    !ckpt_uaddr_ok(h->start_stack) || !ckpt_uaddr_ok(h->arg_start) ||
	    !ckpt_uaddr_ok(h->arg_end) || !ckpt_uaddr_ok(h->env_start) ||
	    !ckpt_uaddr_ok(h->env_end) || !ckpt_uaddr_ok(h->vdso) ||
	    h->start_code > h->end_code || h->start_data > h->end_data ||
	    h->start_brk > h->brk || h->arg_start > h->arg_end ||
	    h->env_start > h->env_end || h->nr_vmas > CKPT_MAX_VMAS ||
	    h->nr_auxv > AT_VECTOR_SIZE || h->nr_auxv % 2 ||
	    h->flags & ~CKPT_MM_F_MASK ||
	    (h->flags & CKPT_MM_F_LOCK_ONFAULT &&
	     !(h->flags & CKPT_MM_F_LOCK_FUTURE)) ||
	    (h->flags & CKPT_MM_F_MDWE_NO_INHERIT &&
	     !(h->flags & CKPT_MM_F_MDWE)) ||
	    (h->flags & CKPT_MM_F_FORKED && !h->vdso)) {
		ckpt_log(ctx, -EINVAL, "mm: bad record");
		return -EINVAL;
	}
	return 0;
}

struct ckpt_vma_restore {
	struct ckpt_hdr_vma *h;
	unsigned long last;		/* last page address read */
	bool forked;			/* the mm is a copy of the parent's */
	u64 cut;			/* forked: the copy is gone below */
	u64 keep;			/* inherited vma: its pages are as the
					 * image says below
					 */
	bool seen_vdso, seen_vvar;
	bool has_exe;			/* the MM record's, or a vma's */
	u64 vdso_start, vdso_end, vvar_start, vvar_end;
};

/*
 * A vma whose file is the deleted executable: that open file becomes the
 * mm's exe_file, as exec makes it, writes to it denied (set_mm_exe_file()
 * fails with -EACCES while anything has it open for writing).
 */
static int ckpt_set_exe_of_vma(struct ckpt_ctx *ctx,
			       const struct ckpt_hdr_vma *h)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct file *file = NULL;
	int ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, h->start);
	if (vma && vma->vm_file)
		file = get_file(vma->vm_file);
	mmap_read_unlock(mm);
	ret = file ? set_mm_exe_file(mm, file) : -EINVAL;
	if (file)
		fput(file);
	if (ret)
		ckpt_log(ctx, ret, "vma %llx: cannot make its file the executable",
			 h->start);
	return ret;
}

/*
 * The shared anonymous memory object of a SHARED_ANON vma, referenced:
 * made at its first vma (the size the image gives, accounted like
 * MAP_SHARED | MAP_ANONYMOUS), the same one for every other vma of the
 * tree that maps it.
 */
static struct file *ckpt_shm_file(struct ckpt_ctx *ctx,
				  const struct ckpt_hdr_vma *h)
{
	struct file *file = ckpt_obj_find(ctx, h->shm_objref,
					  CKPT_OBJ_SHM_FILE);
	int ret;

	if (IS_ERR(file))
		return file;
	if (file) {
		if (i_size_read(file_inode(file)) != h->shm_size) {
			ckpt_log(ctx, -EINVAL,
				 "vma %llx: shared memory %u of another size",
				 h->start, h->shm_objref);
			return ERR_PTR(-EINVAL);
		}
		return get_file(file);
	}
	file = shmem_kernel_file_setup("dev/zero", h->shm_size, 0);
	if (IS_ERR(file)) {
		ckpt_log(ctx, PTR_ERR(file),
			 "vma %llx: cannot make shared memory of %llu bytes",
			 h->start, h->shm_size);
		return file;
	}
	ret = ckpt_obj_insert(ctx, file, h->shm_objref, CKPT_OBJ_SHM_FILE);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

/* The vma's advice, through madvise() on the mm being built */
static int ckpt_advise_vma(struct ckpt_ctx *ctx, const struct ckpt_hdr_vma *h)
{
	u32 left = h->flags & CKPT_VMA_F_ADVICE;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_advice) && left; i++) {
		if (!(h->flags & ckpt_vma_advice[i].flag))
			continue;
		left &= ~ckpt_vma_advice[i].flag;
		ret = do_madvise(current->mm, h->start, h->end - h->start,
				 ckpt_vma_advice[i].advice);
		if (ret) {
			ckpt_log(ctx, ret, "vma %llx-%llx: madvise(%d) failed",
				 h->start, h->end, ckpt_vma_advice[i].advice);
			vm_munmap(h->start, h->end - h->start);
			return ret;
		}
	}
	/* PR_SET_MEMORY_MERGE made it mergeable; the program had undone it */
	if (!(h->flags & CKPT_VMA_F_MERGEABLE) &&
	    test_bit(MMF_VM_MERGE_ANY, &current->mm->flags)) {
		ret = do_madvise(current->mm, h->start, h->end - h->start,
				 MADV_UNMERGEABLE);
		if (ret) {
			ckpt_log(ctx, ret, "vma %llx-%llx: madvise(MADV_UNMERGEABLE) failed",
				 h->start, h->end);
			vm_munmap(h->start, h->end - h->start);
			return ret;
		}
	}
	if (left) {
		ckpt_log(ctx, -EOPNOTSUPP,
			 "vma %llx-%llx: advice %#x needs a kernel with THP or KSM",
			 h->start, h->end, left);
		vm_munmap(h->start, h->end - h->start);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * The file a vma record maps, opened as mapping it needs: NULL for
 * private anonymous memory, else the file referenced or an ERR_PTR.
 */
static struct file *ckpt_vma_open(struct ckpt_ctx *ctx,
				  const struct ckpt_hdr_vma *h, const char *path)
{
	struct file *file;
	int ret;

	switch (h->type) {
	case CKPT_VMA_ANON:
		return NULL;
	case CKPT_VMA_SHARED_ANON:
		return ckpt_shm_file(ctx, h);
	case CKPT_VMA_MEMFD:
	case CKPT_VMA_DELETED:
		file = h->type == CKPT_VMA_MEMFD ?
		       ckpt_memfd_file(ctx, h->shm_objref) :
		       ckpt_deleted_file(ctx, h->shm_objref);
		if (IS_ERR(file))
			return file;
		/* opened as needed: a shared mapping writable only if it was */
		file = dentry_open(&file->f_path,
				   ((h->flags & CKPT_VMA_F_MAYWRITE) ? O_RDWR :
				    O_RDONLY) | O_LARGEFILE, current_cred());
		if (IS_ERR(file))
			ckpt_log(ctx, PTR_ERR(file), "vma %llx: cannot open object %u",
				 h->start, h->shm_objref);
		return file;
	case CKPT_VMA_FILE:
		file = filp_open(path, ((h->flags & CKPT_VMA_F_MAYWRITE) ?
					O_RDWR : O_RDONLY) | O_LARGEFILE, 0);
		if (IS_ERR(file)) {
			ckpt_log(ctx, PTR_ERR(file),
				 "vma %llx: cannot open %s", h->start, path);
			return file;
		}
		if (!S_ISREG(file_inode(file)->i_mode)) {
			fput(file);
			ckpt_log(ctx, -EINVAL, "vma %llx: %s is not a file",
				 h->start, path);
			return ERR_PTR(-EINVAL);
		}
		/* the same file, not another one renamed over it since */
		ret = ckpt_inode_check(ctx, h->shm_objref, file_inode(file),
				       path);
		if (ret) {
			fput(file);
			return ERR_PTR(ret);
		}
		return file;
	default:
		return ERR_PTR(-EINVAL);
	}
}

static int ckpt_map_vma(struct ckpt_ctx *ctx, const struct ckpt_hdr_vma *h,
			const char *path)
{
	unsigned long len = h->end - h->start, addr;
	unsigned long flags = MAP_FIXED_NOREPLACE;
	struct file *file;

	if (h->flags & CKPT_VMA_F_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	if (h->type == CKPT_VMA_ANON)
		flags |= MAP_PRIVATE | MAP_ANONYMOUS;
	else
		flags |= (h->flags & CKPT_VMA_F_SHARED) ? MAP_SHARED :
							   MAP_PRIVATE;
	file = ckpt_vma_open(ctx, h, path);
	if (IS_ERR(file))
		return PTR_ERR(file);
	addr = vm_mmap(file, h->start, len, h->prot, flags,
		       file ? h->pgoff << PAGE_SHIFT : 0);
	if (!IS_ERR_VALUE(addr) && h->type == CKPT_VMA_SHARED_ANON) {
		struct vm_area_struct *vma;
		bool anon;

		mmap_read_lock(current->mm);
		vma = vma_lookup(current->mm, addr);
		anon = vma && vma_is_anon_shmem(vma);
		mmap_read_unlock(current->mm);
		if (!anon) {	/* a kernel without shmem: not supported */
			vm_munmap(addr, len);
			addr = -EOPNOTSUPP;
		}
	}
	if (file)
		fput(file);
	if (IS_ERR_VALUE(addr) || addr != h->start) {
		if (!IS_ERR_VALUE(addr))
			vm_munmap(addr, len);
		ckpt_log(ctx, IS_ERR_VALUE(addr) ? (int)addr : -EINVAL,
			 "vma %llx-%llx: cannot map", h->start, h->end);
		return IS_ERR_VALUE(addr) ? (int)addr : -EINVAL;
	}
	return ckpt_advise_vma(ctx, h);
}

/*
 * An inherited vma is in the copy of the parent's mm already: it must be
 * there as its record says. Its advice is given again as a mapped one's.
 */
static int ckpt_inherit_vma(struct ckpt_ctx *ctx,
			    const struct ckpt_hdr_vma *h, const char *path)
{
	vm_flags_t advice = 0;
	struct file *file;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_vma_advice); i++)
		if (h->flags & ckpt_vma_advice[i].flag)
			advice |= ckpt_vma_advice[i].vm_flag;
	file = ckpt_vma_open(ctx, h, path);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = ckpt_cow_check_vma(ctx, h, file, advice);
	if (file)
		fput(file);
	if (ret)
		return ret;
	/* the parent's could be mergeable, or made so by PR_SET_MEMORY_MERGE */
	if (IS_ENABLED(CONFIG_KSM) && !(h->flags & CKPT_VMA_F_MERGEABLE)) {
		ret = do_madvise(current->mm, h->start, h->end - h->start,
				 MADV_UNMERGEABLE);
		if (ret) {
			ckpt_log(ctx, ret, "vma %llx-%llx: madvise(MADV_UNMERGEABLE) failed",
				 h->start, h->end);
			return ret;
		}
	}
	return ckpt_advise_vma(ctx, h);
}

static int ckpt_check_vma(struct ckpt_ctx *ctx, const struct ckpt_hdr_vma *h,
			  u64 prev_end, bool forked, const char **path)
{
	bool shared, shared_anon;

	*path = NULL;
	if (h->type == 0 || h->type >= CKPT_VMA_MAX ||
	    h->flags & ~CKPT_VMA_F_MASK ||
	    h->prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC) ||
	    !PAGE_ALIGNED(h->start) || !PAGE_ALIGNED(h->end) ||
	    h->start >= h->end || h->end > TASK_SIZE || h->start < prev_end ||
	    h->pgoff > (ULONG_MAX >> PAGE_SHIFT) -
		       ((h->end - h->start) >> PAGE_SHIFT))
		goto bad;
	if (h->type == CKPT_VMA_FILE) {
		*path = ckpt_check_string(h, h->h.len, sizeof(*h), h->path_len);
		if (!*path || (*path)[0] != '/' ||
		    h->h.len != ALIGN(sizeof(*h) + h->path_len, 8))
			goto bad;
	} else if (h->path_len || h->h.len != sizeof(*h)) {
		goto bad;
	}
	if (h->flags & CKPT_VMA_F_MAYWRITE &&
	    !(h->type == CKPT_VMA_FILE ||
	      (ckpt_vma_is_file(h->type) && h->flags & CKPT_VMA_F_SHARED)))
		goto bad;
	if (h->flags & CKPT_VMA_F_LOCKONFAULT &&
	    !(h->flags & CKPT_VMA_F_LOCKED))
		goto bad;
	if (h->flags & CKPT_VMA_F_EXE && h->type != CKPT_VMA_DELETED)
		goto bad;
	/* only a forked mm has vmas of its parent's, private ones */
	if (h->flags & CKPT_VMA_F_INHERITED &&
	    (!forked || h->flags & CKPT_VMA_F_SHARED ||
	     !(h->type == CKPT_VMA_ANON || ckpt_vma_is_file(h->type))))
		goto bad;
	/* madvise() takes these only so */
	if ((h->flags & CKPT_VMA_F_WIPEONFORK &&
	     (h->type != CKPT_VMA_ANON || h->flags & CKPT_VMA_F_SHARED)) ||
	    (h->flags & CKPT_VMA_F_HUGEPAGE &&
	     h->flags & CKPT_VMA_F_NOHUGEPAGE))
		goto bad;
	if (h->__reserved)
		goto bad;
	if (h->type == CKPT_VMA_SHARED_ANON) {
		/* the vma lies inside its object */
		if (!h->shm_objref || !PAGE_ALIGNED(h->shm_size) ||
		    h->shm_size > MAX_LFS_FILESIZE ||
		    h->pgoff + ((h->end - h->start) >> PAGE_SHIFT) >
		    (h->shm_size >> PAGE_SHIFT))
			goto bad;
	} else if (h->type == CKPT_VMA_MEMFD || h->type == CKPT_VMA_DELETED) {
		/* the file is restored before; mapping past its end is allowed */
		if (!h->shm_objref || h->shm_size)
			goto bad;
	} else if ((h->shm_objref && h->type != CKPT_VMA_FILE) ||
		   h->shm_size) {
		/* a file's shm_objref is its INODE record */
		goto bad;
	}
	shared = h->flags & CKPT_VMA_F_SHARED;
	shared_anon = h->type == CKPT_VMA_SHARED_ANON;
	if (!ckpt_vma_is_file(h->type) && shared != shared_anon)
		goto bad;
	return 0;
bad:
	ckpt_log(ctx, -EINVAL, "vma record %llx-%llx: invalid (type %u, flags %#x, object %u)",
		 h->start, h->end, h->type, h->flags, h->shm_objref);
	return -EINVAL;
}

/* Get the pages at ctx->addrs[0..n) of the just-mapped vma, referenced. */
static int ckpt_get_restore_pages(struct ckpt_ctx *ctx,
				  const struct ckpt_hdr_vma *h, unsigned int n)
{
	struct mm_struct *mm = current->mm;
	unsigned int i = 0, j;
	long got;

	if (h->type == CKPT_VMA_SHARED_ANON) {
		struct vm_area_struct *vma;
		struct address_space *mapping;
		pgoff_t base;

		mmap_read_lock(mm);
		vma = vma_lookup(mm, h->start);
		if (!vma || !vma->vm_file) {
			mmap_read_unlock(mm);
			return -EINVAL;
		}
		mapping = vma->vm_file->f_mapping;
		base = vma->vm_pgoff;
		mmap_read_unlock(mm);
		for (i = 0; i < n; i++) {
			struct page *page;

			page = shmem_read_mapping_page(mapping, base +
				((ctx->addrs[i] - h->start) >> PAGE_SHIFT));
			if (IS_ERR(page)) {
				for (j = 0; j < i; j++)
					put_page(ctx->pages[j]);
				return PTR_ERR(page);
			}
			ctx->pages[i] = page;
		}
		return 0;
	}

	/* private: a forced write fault gives each address its own page */
	while (i < n) {
		unsigned int run = 1;

		while (i + run < n &&
		       ctx->addrs[i + run] == ctx->addrs[i] + run * PAGE_SIZE)
			run++;
		got = get_user_pages_unlocked(ctx->addrs[i], run,
					      ctx->pages + i,
					      FOLL_WRITE | FOLL_FORCE);
		if (got <= 0) {
			for (j = 0; j < i; j++)
				put_page(ctx->pages[j]);
			return got ? got : -EFAULT;
		}
		i += got;
	}
	return 0;
}

static int restore_vma_pages(struct ckpt_ctx *ctx, struct ckpt_vma_restore *r)
{
	const struct ckpt_hdr_vma *vh = r->h;
	bool may_have_pages = vh->type == CKPT_VMA_ANON ||
			      vh->type == CKPT_VMA_SHARED_ANON ||
			      (ckpt_vma_is_file(vh->type) &&
			       !(vh->flags & CKPT_VMA_F_SHARED));
	bool inherited = vh->flags & CKPT_VMA_F_INHERITED;
	unsigned int i, n, nr;
	char what[32];
	int ret;

	snprintf(what, sizeof(what), "vma %llx", vh->start);
	r->keep = vh->start;
	for (;;) {
		/* a page of the parent's only in an inherited vma */
		ret = ckpt_read_pages_addrs(ctx, what, inherited);
		if (ret < 0)
			return ret;
		/* the end: no page above the last one, as in the child */
		if (!ret)
			return inherited ? ckpt_cow_zap(ctx, r->keep, vh->end) : 0;
		if (!may_have_pages) {
			ckpt_log(ctx, -EINVAL, "%s: bad pages record", what);
			return -EINVAL;
		}
		for (i = 0, nr = ret, n = 0; i < nr; i++) {
			u64 a = ctx->addrs[i] & ~(u64)CKPT_PAGE_PARENT;

			if (!PAGE_ALIGNED(a) || a < vh->start ||
			    a >= vh->end || (r->last && a <= r->last)) {
				ckpt_log(ctx, -EINVAL,
					 "vma %llx: bad page address %llx",
					 vh->start, a);
				return -EINVAL;
			}
			r->last = a;
			if (inherited) {
				/* none between the last and this one */
				ret = ckpt_cow_zap(ctx, r->keep, a);
				if (ret)
					return ret;
				r->keep = a + PAGE_SIZE;
			}
			/* the parent's page is kept, the others are read */
			if (!(ctx->addrs[i] & CKPT_PAGE_PARENT))
				ctx->addrs[n++] = a;
		}
		nr = n;
		if (!nr)
			continue;
		ret = ckpt_get_restore_pages(ctx, vh, nr);
		if (ret) {
			ckpt_log(ctx, ret, "vma %llx: cannot populate",
				 vh->start);
			return ret;
		}
		ret = ckpt_read_pages(ctx, ctx->pages, nr);
		for (i = 0; i < nr; i++) {
			if (vh->type == CKPT_VMA_SHARED_ANON)
				set_page_dirty(ctx->pages[i]);
			put_page(ctx->pages[i]);
		}
		if (ret)
			return ret;
		cond_resched();
	}
}

/*
 * Lock the vma again, once its pages are in, with the checks mlock2()
 * makes: RLIMIT_MEMLOCK and CAP_IPC_LOCK of the restarter.
 */
static int ckpt_mlock_vma(struct ckpt_ctx *ctx, const struct ckpt_hdr_vma *h)
{
	int ret;

	ret = kernel_mlock(h->start, h->end - h->start,
			   h->flags & CKPT_VMA_F_LOCKONFAULT ? MLOCK_ONFAULT : 0);
	if (ret == -ENOMEM || ret == -EPERM)
		ckpt_log(ctx, ret,
			 "vma %llx-%llx: mlock() refused: locked memory beyond the restarter's RLIMIT_MEMLOCK of %lu bytes needs CAP_IPC_LOCK",
			 h->start, h->end, rlimit(RLIMIT_MEMLOCK));
	else if (ret)
		ckpt_log(ctx, ret, "vma %llx-%llx: mlock() failed", h->start,
			 h->end);
	return ret;
}

static int restore_vma(struct ckpt_ctx *ctx, struct ckpt_vma_restore *r,
		       u64 *prev_end)
{
	struct ckpt_hdr_vma *h;
	struct ckpt_hdr hdr;
	const char *path;
	int ret;

	/* a memfd's MEMFD record comes before the first vma that maps it */
	ret = ckpt_read_ref_hdr(ctx, &hdr);
	if (ret)
		return ret;
	if (hdr.type != CKPT_HDR_VMA) {
		ckpt_log(ctx, -EINVAL, "expected a %s record, found %s",
			 ckpt_rec_name(CKPT_HDR_VMA), ckpt_rec_name(hdr.type));
		return -EINVAL;
	}
	h = ckpt_read_payload_var(ctx, &hdr, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = ckpt_check_vma(ctx, h, *prev_end, r->forked, &path);
	if (ret)
		goto out;
	*prev_end = h->end;
	r->h = h;
	r->last = 0;
	/* forked: nothing of the parent's copy below, but what is inherited */
	if (r->forked) {
		ret = ckpt_cow_cut(ctx, r->cut,
				   h->flags & CKPT_VMA_F_INHERITED ? h->start :
								       h->end);
		r->cut = h->end;
		if (ret)
			goto out;
	}
	if (h->type == CKPT_VMA_VDSO || h->type == CKPT_VMA_VVAR) {
		bool *seen = h->type == CKPT_VMA_VDSO ? &r->seen_vdso :
							&r->seen_vvar;
		if (*seen || h->flags || h->pgoff) {
			ret = -EINVAL;
			ckpt_log(ctx, ret, "vdso/vvar record repeated or bad");
			goto out;
		}
		*seen = true;
		if (h->type == CKPT_VMA_VDSO) {
			r->vdso_start = h->start;
			r->vdso_end = h->end;
		} else {
			r->vvar_start = h->start;
			r->vvar_end = h->end;
		}
	} else {
		if (h->flags & CKPT_VMA_F_EXE && r->has_exe) {
			ret = -EINVAL;
			ckpt_log(ctx, ret, "vma %llx: a second executable",
				 h->start);
			goto out;
		}
		if (h->flags & CKPT_VMA_F_INHERITED)
			ret = ckpt_inherit_vma(ctx, h, path);
		else
			ret = ckpt_map_vma(ctx, h, path);
		if (!ret && h->flags & CKPT_VMA_F_EXE) {
			r->has_exe = true;
			ret = ckpt_set_exe_of_vma(ctx, h);
		}
		if (ret)
			goto out;
	}
	ret = restore_vma_pages(ctx, r);
	if (!ret && h->flags & CKPT_VMA_F_LOCKED)
		ret = ckpt_mlock_vma(ctx, h);
out:
	r->h = NULL;
	kvfree(h);
	return ret;
}

/**
 * restore_mm() - build the image's memory in a fresh mm
 * @ctx: restart context
 *
 * Reads the MM record, every VMA record and its pages into a new mm,
 * which the restarter uses as its own only while it fills it. On success
 * ctx->rs->new_mm holds the built mm; restore_mm_commit() installs it.
 *
 * Return: 0, -EINVAL for a malformed MM, VMA or PAGES record or a vDSO
 * that differs from this kernel's, the errno of opening the executable or
 * a mapped file, of mapping a vma or of populating its pages (-ENOENT,
 * -EACCES, ...), -ENOMEM, or an error of reading the image.
 */
int restore_mm(struct ckpt_ctx *ctx)
{
	struct ckpt_rstate *rs = ctx->rs;
	struct ckpt_vma_restore r = {};
	struct mm_struct *mm, *own;
	struct file *exe = NULL;
	struct ckpt_hdr_mm *h;
	u64 prev_end = 0;
	u32 i;
	int ret;

	h = ckpt_read_obj_var(ctx, CKPT_HDR_MM, sizeof(*h));
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = ckpt_check_mm(ctx, h);
	if (ret)
		goto out;
	if (h->exe_len) {
		const char *path = ckpt_check_string(h, h->h.len, sizeof(*h),
						     h->exe_len);

		ret = -EINVAL;
		if (!path || path[0] != '/' ||
		    h->h.len != ALIGN(sizeof(*h) + h->exe_len, 8)) {
			ckpt_log(ctx, ret, "mm: bad executable path");
			goto out;
		}
		exe = filp_open(path, O_RDONLY | O_LARGEFILE, 0);
		if (IS_ERR(exe)) {
			ret = PTR_ERR(exe);
			exe = NULL;
			ckpt_log(ctx, ret, "mm: cannot open executable %s", path);
			goto out;
		}
		if (!S_ISREG(file_inode(exe)->i_mode)) {
			ret = -EINVAL;
			ckpt_log(ctx, ret, "mm: executable %s is not a file", path);
			goto out_exe;
		}
	} else if (h->h.len != sizeof(*h)) {
		ret = -EINVAL;
		ckpt_log(ctx, ret, "mm: bad record length");
		goto out;
	}

	/* forked: a copy of the parent's, as fork() made it */
	if (h->flags & CKPT_MM_F_FORKED) {
		mm = ckpt_cow_dup(ctx);
		ret = PTR_ERR_OR_ZERO(mm);
		if (ret)
			goto out_exe;
		r.forked = true;
	} else {
		ret = -ENOMEM;
		mm = mm_alloc();
		if (!mm)
			goto out_exe;
	}
	mm->task_size = TASK_SIZE;
	ret = set_mm_exe_file(mm, exe);
	if (ret) {
		mmput(mm);
		goto out_exe;
	}
	rs->new_mm = mm;
	own = ckpt_lend_mm(mm);
	arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);
	mm->binfmt = own->binfmt;
	ret = ckpt_set_merge_any(ctx, mm, h->flags);
	if (ret)
		goto out_switch;
	r.has_exe = exe;

	for (i = 0; i < h->nr_vmas && !ret; i++)
		ret = restore_vma(ctx, &r, &prev_end);
	/* and nothing of the copy above the last vma */
	if (!ret && r.forked)
		ret = ckpt_cow_cut(ctx, r.cut, TASK_SIZE);
	if (ret)
		goto out_switch;
	if (r.seen_vdso != r.seen_vvar || r.seen_vdso != !!h->vdso ||
	    (h->vdso && r.vdso_start != h->vdso)) {
		ret = -EINVAL;
		ckpt_log(ctx, ret, "mm: vdso records do not match");
		goto out_switch;
	}
	if (h->vdso) {
		if (r.vvar_end != r.vdso_start) {
			ret = -EINVAL;
			ckpt_log(ctx, ret, "mm: vvar does not precede the vdso");
			goto out_switch;
		}
		ret = restore_vdso(ctx, h, r.vvar_start, r.vdso_end);
		if (ret)
			goto out_switch;
	}
	/* last: the vmas mapped above lock only as their records say */
	ret = ckpt_set_mdwe(ctx, mm, h->flags);
	if (ret)
		goto out_switch;
	if (h->flags & CKPT_MM_F_LOCK_FUTURE) {
		ret = kernel_mlockall(MCL_FUTURE |
				      (h->flags & CKPT_MM_F_LOCK_ONFAULT ?
				       MCL_ONFAULT : 0));
		if (ret) {
			ckpt_log(ctx, ret,
				 "mm: mlockall(MCL_FUTURE) refused: the restarter's RLIMIT_MEMLOCK is %lu bytes",
				 rlimit(RLIMIT_MEMLOCK));
			goto out_switch;
		}
	}

	mmap_write_lock(mm);
	mm->start_code = h->start_code;
	mm->end_code = h->end_code;
	mm->start_data = h->start_data;
	mm->end_data = h->end_data;
	mm->start_brk = h->start_brk;
	mm->brk = h->brk;
	mm->start_stack = h->start_stack;
	spin_lock(&mm->arg_lock);
	mm->arg_start = h->arg_start;
	mm->arg_end = h->arg_end;
	mm->env_start = h->env_start;
	mm->env_end = h->env_end;
	spin_unlock(&mm->arg_lock);
	/* registered once installed: exec_mmap() starts it unregistered */
	rs->mm_membarrier = h->flags & CKPT_MM_F_MB_MASK;
	memset(mm->saved_auxv, 0, sizeof(mm->saved_auxv));
	memcpy(mm->saved_auxv, h->auxv, h->nr_auxv * sizeof(u64));
	/* like prctl(PR_SET_MM_AUXV): always terminated */
	mm->saved_auxv[AT_VECTOR_SIZE - 2] = AT_NULL;
	mm->saved_auxv[AT_VECTOR_SIZE - 1] = AT_NULL;
	mmap_write_unlock(mm);
	ret = 0;
out_switch:
	WARN_ON_ONCE(ckpt_lend_mm(own) != mm);
out_exe:
	if (exe)
		fput(exe);
out:
	kvfree(h);
	return ret;
}

/**
 * restore_mm_commit() - make the built mm current's, for good
 * @ctx: restart context
 * @rs: the process's staged state; its mm is consumed on success
 *
 * With exec_mmap() (patch 0010), as execve() installs a new program's
 * mm: the mm current had (the restarter's, or the one a new task shares
 * with its creator) is released as by exec - robust futexes and the
 * clear_child_tid word of current in it, a vfork parent - and dropped.
 * Then the mm is registered again for the membarrier() commands it was
 * (membarrier_register(), patch 0022): exec_mmap() clears them.
 *
 * Return: 0, -EINTR when a fatal signal is pending, or the error of a
 * membarrier() registration (-EINVAL: a command this kernel lacks,
 * -ENOMEM).
 */
int restore_mm_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs)
{
	int ret;

	sched_mm_cid_before_execve(current);
	ret = exec_mmap(rs->new_mm);
	if (!ret) {
		rs->new_mm = NULL;
		/* no other task can look at current's new mm and old creds yet */
		up_write(&current->signal->exec_update_lock);
	}
	sched_mm_cid_after_execve(current);
	if (ret) {
		ckpt_log(ctx, ret, "mm: cannot install the restored mm");
		return ret;
	}
	return ckpt_membarrier_register(ctx, rs->mm_membarrier);
}

/* shared anonymous memory: saved with the VMA records that map it */
const struct ckpt_obj_ops ckpt_shm_inode_obj_ops = {
	.name = "shared memory",
	.grab = ckpt_obj_get_inode,
	.drop = ckpt_obj_put_inode,
};

const struct ckpt_obj_ops ckpt_shm_file_obj_ops = {
	.name = "shared memory",
	.grab = ckpt_obj_get_file,
	.drop = ckpt_obj_put_file,
};

#ifdef CONFIG_CHECKPOINT_KUNIT_TEST

#include <kunit/test.h>

/* A zeroed restart context: ckpt_log() then only goes to pr_debug() */
static struct ckpt_ctx *ckpt_test_ctx(struct kunit *test)
{
	struct ckpt_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	ctx->restart = true;
	return ctx;
}

struct ckpt_uaddr_test {
	const char *desc;
	u64 addr;
	bool top;		/* addr is an offset from TASK_SIZE */
	bool ok;
};

static const struct ckpt_uaddr_test ckpt_uaddr_tests[] = {
	{ .desc = "0", .addr = 0, .ok = true },
	{ .desc = "a page", .addr = PAGE_SIZE, .ok = true },
	{ .desc = "unaligned", .addr = 0x401001, .ok = true },
	{ .desc = "TASK_SIZE - 1", .addr = -1, .top = true, .ok = true },
	{ .desc = "TASK_SIZE", .addr = 0, .top = true, .ok = true },
	{ .desc = "TASK_SIZE + 1", .addr = 1, .top = true },
	{ .desc = "a kernel address", .addr = 0xffff888000000000ULL },
	{ .desc = "U64_MAX", .addr = U64_MAX },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_uaddr, ckpt_uaddr_tests, desc);

static void ckpt_test_uaddr_ok(struct kunit *test)
{
	const struct ckpt_uaddr_test *t = test->param_value;
	u64 a = t->addr + (t->top ? TASK_SIZE : 0);

	KUNIT_EXPECT_EQ(test, ckpt_uaddr_ok(a), t->ok);
}

/*
 * One address field of a MM record (start_code to vdso, all __u64) set
 * to @val, or with @top to TASK_SIZE + @val
 */
struct ckpt_mm_set {
	size_t off;
	u64 val;
	bool top;
};

#define CKPT_MM_SET(f, v) \
	{ .off = offsetof(struct ckpt_hdr_mm, f), .val = (v) }
#define CKPT_MM_TOP(f, v) \
	{ .off = offsetof(struct ckpt_hdr_mm, f), .val = (v), .top = true }

/* What a row changes in ckpt_test_mm_base()'s record */
struct ckpt_mm_test {
	const char *desc;
	struct ckpt_mm_set set[2];
	u32 nr_vmas, nr_auxv, flags;
	int ret;
};

static const struct ckpt_mm_test ckpt_mm_tests[] = {
	{ .desc = "a small program, no vmas, no auxv" },
	{ .desc = "code ends at TASK_SIZE",
	  .set = { CKPT_MM_TOP(end_code, 0) } },
	{ .desc = "code ends after TASK_SIZE",
	  .set = { CKPT_MM_TOP(end_code, 1) }, .ret = -EINVAL },
	{ .desc = "empty code at TASK_SIZE",
	  .set = { CKPT_MM_TOP(start_code, 0), CKPT_MM_TOP(end_code, 0) } },
	{ .desc = "empty code after TASK_SIZE",
	  .set = { CKPT_MM_TOP(start_code, 1), CKPT_MM_TOP(end_code, 1) },
	  .ret = -EINVAL },
	{ .desc = "empty code at 0",
	  .set = { CKPT_MM_SET(start_code, 0), CKPT_MM_SET(end_code, 0) } },
	{ .desc = "code ends before it starts",
	  .set = { CKPT_MM_SET(start_code, 0x402000) }, .ret = -EINVAL },
	{ .desc = "code ends at U64_MAX",
	  .set = { CKPT_MM_SET(end_code, U64_MAX) }, .ret = -EINVAL },
	{ .desc = "data ends at TASK_SIZE",
	  .set = { CKPT_MM_TOP(end_data, 0) } },
	{ .desc = "data ends after TASK_SIZE",
	  .set = { CKPT_MM_TOP(end_data, 1) }, .ret = -EINVAL },
	{ .desc = "empty data",
	  .set = { CKPT_MM_SET(start_data, 0x601000) } },
	{ .desc = "data ends before it starts",
	  .set = { CKPT_MM_SET(start_data, 0x602000) }, .ret = -EINVAL },
	{ .desc = "brk at TASK_SIZE", .set = { CKPT_MM_TOP(brk, 0) } },
	{ .desc = "brk after TASK_SIZE",
	  .set = { CKPT_MM_TOP(brk, 1) }, .ret = -EINVAL },
	{ .desc = "brk at start_brk", .set = { CKPT_MM_SET(brk, 0x603000) } },
	{ .desc = "brk below start_brk",
	  .set = { CKPT_MM_SET(brk, 0x602fff) }, .ret = -EINVAL },
	{ .desc = "stack at TASK_SIZE",
	  .set = { CKPT_MM_TOP(start_stack, 0) } },
	{ .desc = "stack after TASK_SIZE",
	  .set = { CKPT_MM_TOP(start_stack, 1) }, .ret = -EINVAL },
	{ .desc = "stack below the code (no order)",
	  .set = { CKPT_MM_SET(start_stack, 0x1000) } },
	{ .desc = "arguments end at TASK_SIZE",
	  .set = { CKPT_MM_TOP(arg_end, 0) } },
	{ .desc = "arguments end after TASK_SIZE",
	  .set = { CKPT_MM_TOP(arg_end, 1) }, .ret = -EINVAL },
	{ .desc = "no arguments",
	  .set = { CKPT_MM_SET(arg_end, 0x7ffffffde100) } },
	{ .desc = "arguments end before they start",
	  .set = { CKPT_MM_SET(arg_end, 0x7ffffffde0f8) }, .ret = -EINVAL },
	{ .desc = "environment ends at TASK_SIZE",
	  .set = { CKPT_MM_TOP(env_end, 0) } },
	{ .desc = "environment ends after TASK_SIZE",
	  .set = { CKPT_MM_TOP(env_end, 1) }, .ret = -EINVAL },
	{ .desc = "environment ends before it starts",
	  .set = { CKPT_MM_SET(env_end, 0x7ffffffde1ff) }, .ret = -EINVAL },
	{ .desc = "empty environment",
	  .set = { CKPT_MM_SET(env_end, 0x7ffffffde200) } },
	{ .desc = "no vDSO", .set = { CKPT_MM_SET(vdso, 0) } },
	{ .desc = "vDSO at TASK_SIZE", .set = { CKPT_MM_TOP(vdso, 0) } },
	{ .desc = "vDSO after TASK_SIZE",
	  .set = { CKPT_MM_TOP(vdso, 1) }, .ret = -EINVAL },
	{ .desc = "a vma", .nr_vmas = 1 },
	{ .desc = "CKPT_MAX_VMAS vmas", .nr_vmas = CKPT_MAX_VMAS },
	{ .desc = "CKPT_MAX_VMAS + 1 vmas", .nr_vmas = CKPT_MAX_VMAS + 1,
	  .ret = -EINVAL },
	{ .desc = "U32_MAX vmas", .nr_vmas = U32_MAX, .ret = -EINVAL },
	{ .desc = "auxv of 2 words", .nr_auxv = 2 },
	{ .desc = "auxv of AT_VECTOR_SIZE words", .nr_auxv = AT_VECTOR_SIZE },
	{ .desc = "auxv of AT_VECTOR_SIZE + 2 words",
	  .nr_auxv = AT_VECTOR_SIZE + 2, .ret = -EINVAL },
	{ .desc = "auxv of an odd number of words", .nr_auxv = 3,
	  .ret = -EINVAL },
	{ .desc = "auxv of U32_MAX words", .nr_auxv = U32_MAX, .ret = -EINVAL },
	{ .desc = "mlockall(MCL_FUTURE)", .flags = CKPT_MM_F_LOCK_FUTURE },
	{ .desc = "mlockall(MCL_FUTURE | MCL_ONFAULT)",
	  .flags = CKPT_MM_F_LOCK_FUTURE | CKPT_MM_F_LOCK_ONFAULT },
	{ .desc = "MCL_ONFAULT alone", .flags = CKPT_MM_F_LOCK_ONFAULT,
	  .ret = -EINVAL },
	{ .desc = "every membarrier() registration",
	  .flags = CKPT_MM_F_MB_MASK },
	{ .desc = "PR_SET_MDWE", .flags = CKPT_MM_F_MDWE },
	{ .desc = "PR_SET_MDWE, no inherit",
	  .flags = CKPT_MM_F_MDWE | CKPT_MM_F_MDWE_NO_INHERIT },
	{ .desc = "PR_MDWE_NO_INHERIT alone",
	  .flags = CKPT_MM_F_MDWE_NO_INHERIT, .ret = -EINVAL },
	{ .desc = "PR_SET_MEMORY_MERGE", .flags = CKPT_MM_F_MERGE_ANY },
	{ .desc = "forked, with a vDSO", .flags = CKPT_MM_F_FORKED },
	{ .desc = "forked, without a vDSO", .flags = CKPT_MM_F_FORKED,
	  .set = { CKPT_MM_SET(vdso, 0) }, .ret = -EINVAL },
	{ .desc = "unknown flag", .flags = CKPT_MM_F_MASK + 1,
	  .ret = -EINVAL },
	{ .desc = "every flag bit", .flags = U32_MAX, .ret = -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_mm, ckpt_mm_tests, desc);

/* A valid MM record of a small program, below any TASK_SIZE */
static void ckpt_test_mm_base(struct ckpt_hdr_mm *h)
{
	memset(h, 0, sizeof(*h));
	h->h.type = CKPT_HDR_MM;
	h->h.len = sizeof(*h);
	h->start_code = 0x400000;
	h->end_code = 0x401000;
	h->start_data = 0x600000;
	h->end_data = 0x601000;
	h->start_brk = 0x603000;
	h->brk = 0x624000;
	h->start_stack = 0x7ffffffde000;
	h->arg_start = 0x7ffffffde100;
	h->arg_end = 0x7ffffffde200;
	h->env_start = 0x7ffffffde200;
	h->env_end = 0x7ffffffde300;
	h->vdso = 0x7ffff7fc1000;
}

static void ckpt_test_check_mm(struct kunit *test)
{
	const struct ckpt_mm_test *t = test->param_value;
	struct ckpt_ctx *ctx = ckpt_test_ctx(test);
	struct ckpt_hdr_mm *h;
	unsigned int i;

	h = kunit_kmalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	ckpt_test_mm_base(h);
	for (i = 0; i < ARRAY_SIZE(t->set); i++) {
		const struct ckpt_mm_set *s = &t->set[i];
		u64 v = s->val + (s->top ? TASK_SIZE : 0);

		if (!s->off)
			continue;
		KUNIT_ASSERT_GE(test, s->off,
				offsetof(struct ckpt_hdr_mm, start_code));
		KUNIT_ASSERT_LE(test, s->off,
				offsetof(struct ckpt_hdr_mm, vdso));
		memcpy((char *)h + s->off, &v, sizeof(v));
	}
	h->nr_vmas = t->nr_vmas;
	h->nr_auxv = t->nr_auxv;
	h->flags = t->flags;
	KUNIT_EXPECT_EQ(test, ckpt_check_mm(ctx, h), t->ret);
}

/*
 * A VMA record: @start and @end (with @top: offsets from TASK_SIZE), and
 * the path @path, or one of @path_fill bytes ("/xxx...x"), after it.
 * @path_len and @len are computed from the path unless given.
 */
struct ckpt_vma_test {
	const char *desc;
	u64 start, end;
	bool top;
	u64 prev_end;
	u64 pgoff;
	u32 type, prot, flags;
	const char *path;
	u32 path_fill;
	u32 path_len;
	u32 len;
	u32 shm_objref;
	u64 shm_size;
	u32 reserved;
	bool forked;		/* in a CKPT_MM_F_FORKED mm */
	int ret;
};

#define CKPT_TEST_VMA_LEN(n)	ALIGN(sizeof(struct ckpt_hdr_vma) + (n), 8)
#define CKPT_TEST_PGOFF_MAX	(ULONG_MAX >> PAGE_SHIFT)

static const struct ckpt_vma_test ckpt_vma_tests[] = {
	/* accepted */
	{ .desc = "file: with its INODE record", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/data",
	  .shm_objref = 1 },
	{ .desc = "anon: one page", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .prot = PROT_READ | PROT_WRITE },
	{ .desc = "anon: no access", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000 },
	{ .desc = "anon: read, write and exec", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000,
	  .prot = PROT_READ | PROT_WRITE | PROT_EXEC },
	{ .desc = "anon: a stack", .type = CKPT_VMA_ANON,
	  .start = 0x7ffffffde000, .end = 0x7ffffffff000,
	  .flags = CKPT_VMA_F_GROWSDOWN, .prot = PROT_READ | PROT_WRITE },
	{ .desc = "anon: at 0 (mmap_min_addr is the mapping's)",
	  .type = CKPT_VMA_ANON, .start = 0, .end = PAGE_SIZE },
	{ .desc = "anon: ends at TASK_SIZE", .type = CKPT_VMA_ANON,
	  .start = -PAGE_SIZE, .end = 0, .top = true },
	{ .desc = "anon: starts where the previous one ends",
	  .type = CKPT_VMA_ANON, .start = 0x10000, .end = 0x11000,
	  .prev_end = 0x10000 },
	{ .desc = "anon: the largest pgoff", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .pgoff = CKPT_TEST_PGOFF_MAX - 1 },
	{ .desc = "anon: every advice but NOHUGEPAGE", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000,
	  .flags = CKPT_VMA_F_ADVICE & ~CKPT_VMA_F_NOHUGEPAGE },
	{ .desc = "anon: NOHUGEPAGE", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_NOHUGEPAGE },
	{ .desc = "anon: inherited, in a forked mm", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_INHERITED,
	  .forked = true },
	{ .desc = "file: private, inherited, in a forked mm",
	  .type = CKPT_VMA_FILE, .start = 0x400000, .end = 0x401000,
	  .path = "/data", .shm_objref = 1, .flags = CKPT_VMA_F_INHERITED,
	  .forked = true },
	{ .desc = "deleted: the executable, inherited", .type = CKPT_VMA_DELETED,
	  .start = 0x400000, .end = 0x401000, .shm_objref = 2,
	  .flags = CKPT_VMA_F_INHERITED | CKPT_VMA_F_EXE, .forked = true },
	{ .desc = "anon: in a forked mm, not inherited", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .forked = true },
	{ .desc = "anon: inherited, in an mm not forked", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_INHERITED,
	  .ret = -EINVAL },
	{ .desc = "file: shared, inherited", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/data",
	  .flags = CKPT_VMA_F_SHARED | CKPT_VMA_F_INHERITED, .forked = true,
	  .ret = -EINVAL },
	{ .desc = "shared anon: inherited", .type = CKPT_VMA_SHARED_ANON,
	  .start = 0x10000, .end = 0x11000, .shm_objref = 1,
	  .shm_size = PAGE_SIZE, .flags = CKPT_VMA_F_SHARED |
	  CKPT_VMA_F_INHERITED, .forked = true, .ret = -EINVAL },
	{ .desc = "vdso: inherited", .type = CKPT_VMA_VDSO, .start = 0x10000,
	  .end = 0x11000, .flags = CKPT_VMA_F_INHERITED, .forked = true,
	  .ret = -EINVAL },
	{ .desc = "file: DONTFORK, DONTDUMP, MERGEABLE", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/data",
	  .flags = CKPT_VMA_F_DONTFORK | CKPT_VMA_F_DONTDUMP |
		   CKPT_VMA_F_MERGEABLE },
	{ .desc = "file: private", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x402000, .prot = PROT_READ | PROT_EXEC,
	  .path = "/lib/x86_64-linux-gnu/libc.so.6", .pgoff = 2 },
	{ .desc = "file: shared, opened read-write", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .prot = PROT_READ | PROT_WRITE,
	  .flags = CKPT_VMA_F_SHARED | CKPT_VMA_F_MAYWRITE, .path = "/data" },
	{ .desc = "file: path of one character", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/" },
	{ .desc = "file: path of CKPT_PATH_MAX bytes", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path_fill = CKPT_PATH_MAX },
	{ .desc = "shared anon: the whole object", .type = CKPT_VMA_SHARED_ANON,
	  .start = 0x10000, .end = 0x12000, .flags = CKPT_VMA_F_SHARED,
	  .shm_objref = 1, .shm_size = 2 * PAGE_SIZE },
	{ .desc = "shared anon: the object's last page",
	  .type = CKPT_VMA_SHARED_ANON, .start = 0x10000, .end = 0x11000,
	  .flags = CKPT_VMA_F_SHARED, .shm_objref = 7, .pgoff = 1,
	  .shm_size = 2 * PAGE_SIZE },
	{ .desc = "shared anon: the largest object",
	  .type = CKPT_VMA_SHARED_ANON, .start = 0x10000, .end = 0x11000,
	  .flags = CKPT_VMA_F_SHARED, .shm_objref = 1,
	  .shm_size = (u64)MAX_LFS_FILESIZE & PAGE_MASK },
	{ .desc = "vdso", .type = CKPT_VMA_VDSO, .start = 0x7ffff7fc1000,
	  .end = 0x7ffff7fc3000, .prot = PROT_READ | PROT_EXEC },
	{ .desc = "vvar", .type = CKPT_VMA_VVAR, .start = 0x7ffff7fbd000,
	  .end = 0x7ffff7fc1000, .prot = PROT_READ },
	/* refused: any type */
	{ .desc = "type 0", .type = 0, .start = 0x10000, .end = 0x11000,
	  .ret = -EINVAL },
	{ .desc = "type CKPT_VMA_MAX", .type = CKPT_VMA_MAX, .start = 0x10000,
	  .end = 0x11000, .ret = -EINVAL },
	{ .desc = "unknown flag", .type = CKPT_VMA_ANON, .start = 0x10000,
	  .end = 0x11000, .flags = CKPT_VMA_F_MASK + 1, .ret = -EINVAL },
	{ .desc = "HUGEPAGE and NOHUGEPAGE", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000,
	  .flags = CKPT_VMA_F_HUGEPAGE | CKPT_VMA_F_NOHUGEPAGE,
	  .ret = -EINVAL },
	{ .desc = "file: WIPEONFORK", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/data",
	  .flags = CKPT_VMA_F_WIPEONFORK, .ret = -EINVAL },
	{ .desc = "shared anon: WIPEONFORK", .type = CKPT_VMA_SHARED_ANON,
	  .start = 0x10000, .end = 0x11000, .shm_objref = 1,
	  .shm_size = PAGE_SIZE,
	  .flags = CKPT_VMA_F_SHARED | CKPT_VMA_F_WIPEONFORK,
	  .ret = -EINVAL },
	{ .desc = "PROT_SEM", .type = CKPT_VMA_ANON, .start = 0x10000,
	  .end = 0x11000, .prot = PROT_READ | PROT_SEM, .ret = -EINVAL },
	{ .desc = "start not page aligned", .type = CKPT_VMA_ANON,
	  .start = 0x10800, .end = 0x11000, .ret = -EINVAL },
	{ .desc = "end not page aligned", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11001, .ret = -EINVAL },
	{ .desc = "empty", .type = CKPT_VMA_ANON, .start = 0x10000,
	  .end = 0x10000, .ret = -EINVAL },
	{ .desc = "ends before it starts", .type = CKPT_VMA_ANON,
	  .start = 0x11000, .end = 0x10000, .ret = -EINVAL },
	{ .desc = "ends a page after TASK_SIZE", .type = CKPT_VMA_ANON,
	  .start = -PAGE_SIZE, .end = PAGE_SIZE, .top = true, .ret = -EINVAL },
	{ .desc = "starts at TASK_SIZE", .type = CKPT_VMA_ANON,
	  .start = 0, .end = PAGE_SIZE, .top = true, .ret = -EINVAL },
	{ .desc = "the last page of the address space", .type = CKPT_VMA_ANON,
	  .start = -PAGE_SIZE, .end = 0, .ret = -EINVAL },
	{ .desc = "kernel addresses", .type = CKPT_VMA_ANON,
	  .start = 0xffff888000000000ULL, .end = 0xffff888000001000ULL,
	  .ret = -EINVAL },
	{ .desc = "overlaps the previous one", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x12000, .prev_end = 0x11000,
	  .ret = -EINVAL },
	{ .desc = "pgoff overflows at its end", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .pgoff = CKPT_TEST_PGOFF_MAX,
	  .ret = -EINVAL },
	{ .desc = "pgoff U64_MAX", .type = CKPT_VMA_ANON, .start = 0x10000,
	  .end = 0x11000, .pgoff = U64_MAX, .ret = -EINVAL },
	{ .desc = "reserved field set", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .reserved = 1, .ret = -EINVAL },
	{ .desc = "mlock()ed", .type = CKPT_VMA_ANON, .start = 0x10000,
	  .end = 0x11000, .flags = CKPT_VMA_F_LOCKED },
	{ .desc = "mlock2(MLOCK_ONFAULT)ed", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000,
	  .flags = CKPT_VMA_F_LOCKED | CKPT_VMA_F_LOCKONFAULT },
	{ .desc = "locked on fault but not locked", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_LOCKONFAULT,
	  .ret = -EINVAL },
	{ .desc = "deleted: the executable", .type = CKPT_VMA_DELETED,
	  .start = 0x10000, .end = 0x11000, .shm_objref = 1,
	  .flags = CKPT_VMA_F_EXE },
	{ .desc = "anon: the executable", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_EXE,
	  .ret = -EINVAL },
	{ .desc = "memfd: the executable", .type = CKPT_VMA_MEMFD,
	  .start = 0x10000, .end = 0x11000, .shm_objref = 1,
	  .flags = CKPT_VMA_F_EXE, .ret = -EINVAL },
	/* refused: anonymous and special mappings */
	{ .desc = "anon: with a path", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .path = "/x", .ret = -EINVAL },
	{ .desc = "anon: record longer than its struct", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000,
	  .len = sizeof(struct ckpt_hdr_vma) + 8, .ret = -EINVAL },
	{ .desc = "anon: opened read-write", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_MAYWRITE,
	  .ret = -EINVAL },
	{ .desc = "anon: shared", .type = CKPT_VMA_ANON, .start = 0x10000,
	  .end = 0x11000, .flags = CKPT_VMA_F_SHARED, .ret = -EINVAL },
	{ .desc = "anon: with a memory object", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .shm_objref = 1, .ret = -EINVAL },
	{ .desc = "anon: with an object size", .type = CKPT_VMA_ANON,
	  .start = 0x10000, .end = 0x11000, .shm_size = PAGE_SIZE,
	  .ret = -EINVAL },
	{ .desc = "vdso: shared", .type = CKPT_VMA_VDSO, .start = 0x10000,
	  .end = 0x11000, .flags = CKPT_VMA_F_SHARED, .ret = -EINVAL },
	{ .desc = "vvar: opened read-write", .type = CKPT_VMA_VVAR,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_MAYWRITE,
	  .ret = -EINVAL },
	{ .desc = "shared anon: not shared", .type = CKPT_VMA_SHARED_ANON,
	  .start = 0x10000, .end = 0x11000, .shm_objref = 1,
	  .shm_size = PAGE_SIZE, .ret = -EINVAL },
	{ .desc = "shared anon: objref 0", .type = CKPT_VMA_SHARED_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_SHARED,
	  .shm_size = PAGE_SIZE, .ret = -EINVAL },
	{ .desc = "shared anon: object size not page aligned",
	  .type = CKPT_VMA_SHARED_ANON, .start = 0x10000, .end = 0x11000,
	  .flags = CKPT_VMA_F_SHARED, .shm_objref = 1,
	  .shm_size = PAGE_SIZE + 1, .ret = -EINVAL },
	{ .desc = "shared anon: empty object", .type = CKPT_VMA_SHARED_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_SHARED,
	  .shm_objref = 1, .ret = -EINVAL },
	{ .desc = "shared anon: ends a page past its object",
	  .type = CKPT_VMA_SHARED_ANON, .start = 0x10000, .end = 0x12000,
	  .flags = CKPT_VMA_F_SHARED, .shm_objref = 1, .pgoff = 1,
	  .shm_size = 2 * PAGE_SIZE, .ret = -EINVAL },
	{ .desc = "shared anon: object above MAX_LFS_FILESIZE",
	  .type = CKPT_VMA_SHARED_ANON, .start = 0x10000, .end = 0x11000,
	  .flags = CKPT_VMA_F_SHARED, .shm_objref = 1,
	  .shm_size = (u64)MAX_LFS_FILESIZE + 1, .ret = -EINVAL },
	{ .desc = "shared anon: with a path", .type = CKPT_VMA_SHARED_ANON,
	  .start = 0x10000, .end = 0x11000, .flags = CKPT_VMA_F_SHARED,
	  .shm_objref = 1, .shm_size = PAGE_SIZE, .path = "/dev/zero",
	  .ret = -EINVAL },
	/* refused: file mappings */
	{ .desc = "file: no path", .type = CKPT_VMA_FILE, .start = 0x400000,
	  .end = 0x401000, .ret = -EINVAL },
	{ .desc = "file: empty path", .type = CKPT_VMA_FILE, .start = 0x400000,
	  .end = 0x401000, .path = "", .ret = -EINVAL },
	{ .desc = "file: relative path", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "lib/libc.so.6",
	  .ret = -EINVAL },
	{ .desc = "file: path_len without the NUL", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/data", .path_len = 5,
	  .ret = -EINVAL },
	{ .desc = "file: NUL before the end of path_len",
	  .type = CKPT_VMA_FILE, .start = 0x400000, .end = 0x401000,
	  .path = "/data", .path_len = 7, .ret = -EINVAL },
	{ .desc = "file: path past the record", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/data",
	  .len = sizeof(struct ckpt_hdr_vma), .ret = -EINVAL },
	{ .desc = "file: record longer than its path", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/data",
	  .len = CKPT_TEST_VMA_LEN(6) + 8, .ret = -EINVAL },
	{ .desc = "file: path of CKPT_PATH_MAX + 1 bytes",
	  .type = CKPT_VMA_FILE, .start = 0x400000, .end = 0x401000,
	  .path_fill = CKPT_PATH_MAX + 1, .ret = -EINVAL },
	{ .desc = "file: with an object size", .type = CKPT_VMA_FILE,
	  .start = 0x400000, .end = 0x401000, .path = "/data",
	  .shm_objref = 1, .shm_size = PAGE_SIZE, .ret = -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(ckpt_vma, ckpt_vma_tests, desc);

static void ckpt_test_check_vma(struct kunit *test)
{
	const struct ckpt_vma_test *t = test->param_value;
	struct ckpt_ctx *ctx = ckpt_test_ctx(test);
	size_t size = sizeof(struct ckpt_hdr_vma) + CKPT_PATH_MAX + 16;
	struct ckpt_hdr_vma *h;
	const char *path = "unset";
	char *p;
	u32 n = 0;

	h = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	p = (char *)(h + 1);
	if (t->path) {
		n = strlen(t->path) + 1;
		memcpy(p, t->path, n);
	} else if (t->path_fill) {
		n = t->path_fill;
		memset(p, 'x', n - 1);
		p[0] = '/';
	}
	h->h.type = CKPT_HDR_VMA;
	h->path_len = t->path_len ?: n;
	h->h.len = t->len ?: CKPT_TEST_VMA_LEN(h->path_len);
	KUNIT_ASSERT_LE(test, (size_t)h->h.len, size);
	h->start = t->start + (t->top ? TASK_SIZE : 0);
	h->end = t->end + (t->top ? TASK_SIZE : 0);
	h->pgoff = t->pgoff;
	h->type = t->type;
	h->prot = t->prot;
	h->flags = t->flags;
	h->shm_objref = t->shm_objref;
	h->shm_size = t->shm_size;
	h->__reserved = t->reserved;

	KUNIT_EXPECT_EQ(test, ckpt_check_vma(ctx, h, t->prev_end, t->forked, &path),
			t->ret);
	if (t->ret)
		return;
	if (t->type == CKPT_VMA_FILE)
		KUNIT_EXPECT_PTR_EQ(test, path, (const char *)p);
	else
		KUNIT_EXPECT_NULL(test, path);
}

static struct kunit_case ckpt_memory_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_uaddr_ok, ckpt_uaddr_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_check_mm, ckpt_mm_gen_params),
	KUNIT_CASE_PARAM(ckpt_test_check_vma, ckpt_vma_gen_params),
	{}
};

static struct kunit_suite ckpt_memory_test_suite = {
	.name = "ckpt_memory",
	.test_cases = ckpt_memory_test_cases,
};

kunit_test_suite(ckpt_memory_test_suite);

#endif /* CONFIG_CHECKPOINT_KUNIT_TEST */
