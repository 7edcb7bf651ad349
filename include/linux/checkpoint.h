/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checkpoint/restart: what the rest of the kernel (the arch code) needs.
 *
 * One struct ckpt_ctx lives for one checkpoint() or restart() call. Every
 * resource X has a writer checkpoint_X(ctx, ...) and a reader
 * restore_X(ctx, ...) side by side in the file of that resource. Readers
 * validate a whole record into kernel memory first, and only then apply it.
 * What only checkpoint/ uses is in checkpoint/internal.h.
 */
#ifndef _LINUX_CHECKPOINT_H
#define _LINUX_CHECKPOINT_H

#include <linux/types.h>
#include <linux/fs.h>
#include <linux/path.h>
#include <linux/signal_types.h>
#include <linux/resource.h>
#include <linux/xxhash.h>
#include <linux/hashtable.h>
#include <linux/xarray.h>
#include <uapi/linux/checkpoint.h>
#include <uapi/linux/checkpoint_hdr.h>

struct bio_vec;
struct cred;
struct mm_struct;
struct pt_regs;

/* Flags supported today; the rest of *_FLAGS_MASK is reserved. */
#define CHECKPOINT_FLAGS_SUPPORTED	(CHECKPOINT_SUBTREE)
#define RESTART_FLAGS_SUPPORTED		(RESTART_TASKSELF | RESTART_VALIDATE | \
					 RESTART_DROP_CPUS | \
					 RESTART_ACCEPT_REPLACED)

/**
 * struct ckpt_objhash - shared objects of one operation
 * @by_ptr:	checkpoint: kernel pointer -> entry, to emit each object once
 * @by_ref:	restart: objref -> entry
 * @next_ref:	checkpoint: the next objref to hand out (objrefs start at 1)
 * @count:	number of entries, bounded by CKPT_MAX_OBJS
 *
 * Entries hold a reference on their object (taken by the type's grab op)
 * until the hash is freed with the context.
 */
struct ckpt_objhash {
	DECLARE_HASHTABLE(by_ptr, 8);
	struct xarray by_ref;
	u32 next_ref;
	u32 count;
};

#define CKPT_MAX_OBJS	(CKPT_MAX_FDS + 1024)

/* A file descriptor staged for restart, installed at commit time. */
struct ckpt_fd_slot {
	unsigned int fd;
	bool cloexec;
	struct file *file;	/* NULL: an inherited fd left closed */
};

/* A pending signal staged for restart. */
struct ckpt_pending {
	bool shared;
	kernel_siginfo_t info;
};

/**
 * struct ckpt_rstate - restart: validated state of the task being restored
 *
 * Filled by the restore_X() readers, applied by ckpt_restore_commit() only
 * once the whole image has been read and its checksum verified.
 */
struct ckpt_rstate {
	struct ckpt_hdr_task task;
	struct cred *cred;
	struct rlimit rlim[RLIM_NLIMITS];
	struct ckpt_itimer itimer[CKPT_NITIMERS];
	struct ckpt_posix_timer *timers;
	unsigned int nr_timers;
	int next_timer_id;
	umode_t umask;
	struct path cwd;
	struct path root;
	bool set_root;
	struct ckpt_fd_slot *fds;
	unsigned int nr_fds;
	struct k_sigaction action[_NSIG];
	sigset_t blocked;
	unsigned long sas_ss_sp;
	size_t sas_ss_size;
	unsigned int sas_ss_flags;
	struct ckpt_pending *pending;
	unsigned int nr_pending;
	struct ckpt_hdr_cpu cpu;
	void *xstate;
	unsigned int xstate_size;
	struct mm_struct *new_mm;	/* built, referenced, not installed */
	u32 mm_membarrier;		/* its CKPT_MM_F_MB_*, once installed */
	struct ckpt_task_pids pids;
	int parent;			/* index of the parent process */
	int pgrp;			/* index of its group's leader, or -1 */
	bool pgrp_set;			/* coordinator mode: group made */
	bool leader;
	bool zombie;
	struct task_struct *tsk;	/* coordinator mode: the restored task */
	struct ckpt_late *late;		/* rax, set on the way to user mode */
	struct ckpt_deferred *after_fds; /* to do once the fds are in */
	struct ckpt_deferred *after_tree; /* once every task exists */
};

/**
 * struct ckpt_task_ent - checkpoint: one task of the tree
 * @t:		the task, referenced
 * @pids:	its pids as seen in the root's pid namespace
 * @leader:	thread group leader (a process)
 * @zombie:	exited, not reaped
 * @share_files: a process sharing its parent's fd table (CLONE_FILES)
 * @share_fs:	a process sharing its parent's fs_struct (CLONE_FS)
 */
struct ckpt_task_ent {
	struct task_struct *t;
	struct ckpt_task_pids pids;
	bool leader;
	bool zombie;
	bool share_files;
	bool share_fs;
};

struct ckpt_tfiles;
struct ckpt_deferred;
struct ckpt_rsync;
struct ckpt_late;

/**
 * struct ckpt_ctx - state of one checkpoint() or restart() operation
 * @file:	the image: written by checkpoint, read by restart
 * @ppos:	&@pos for a seekable image file, NULL for a stream
 * @pos:	current position in @file
 * @logfile:	where human-readable error lines go, or NULL
 * @flags:	the syscall's flags
 * @restart:	true for restart(), false for checkpoint()
 * @id:		checkpoint id (checkpoint) / id from the header (restart)
 * @csum:	running xxh64 of every image byte so far
 * @csum_at_hdr: restart: digest before the last record header read
 * @nbytes:	image bytes so far
 * @objhash:	shared objects
 * @root:	checkpoint: the root of the tree (the caller for pid 0)
 * @self:	checkpoint: a self checkpoint
 * @container:	checkpoint: the root is a pid namespace init
 * @pidns:	checkpoint: the root's pid namespace, referenced
 * @tasks:	checkpoint: the tree, in tree order
 * @nr_tasks:	checkpoint: entries in @tasks
 * @cur:	checkpoint: the entry being written
 * @tfiles:	checkpoint: every open file of the tree, for leak and
 *		"other end" checks
 * @rs:		restart: staged state of the task being read
 * @rss:	restart: staged state of every task, in tree order
 * @img_flags:	restart: CKPT_IMG_* of the image
 * @sync:	restart, coordinator mode: task creation and hand-off
 * @pages:	scratch array of CKPT_PAGES_MAX page pointers
 * @addrs:	scratch array of CKPT_PAGES_MAX addresses
 * @bvec:	scratch array of CKPT_PAGES_MAX bio_vecs for page I/O
 * @saved_blocked: checkpoint: the caller's blocked mask before SIGPIPE was
 *		blocked around the image writes
 * @have_saved_blocked: @saved_blocked is valid
 */
struct ckpt_ctx {
	struct file *file;
	loff_t *ppos;
	loff_t pos;
	struct file *logfile;
	unsigned long flags;
	bool restart;
	u64 id;
	struct xxh64_state csum;
	u64 csum_at_hdr;
	u64 nbytes;
	struct ckpt_objhash objhash;
	struct xarray shm_saved;	/* checkpoint: shm objref -> pages saved */
	struct xarray file_late;	/* files whose late record is due */
	struct xarray net_locks;	/* checkpoint: TCP connections locked */
	struct ckpt_deferred *after_read; /* restart: once the image is read */
	struct ckpt_deferred *before_release; /* restart: the last step */
	struct ckpt_deferred *on_release; /* restart: once nothing can fail */
	struct ckpt_deferred *undo;	/* undone unless it succeeds */
	struct task_struct *root;
	bool self;
	bool container;
	struct pid_namespace *pidns;
	struct ckpt_task_ent *tasks;
	unsigned int nr_tasks;
	struct ckpt_task_ent *cur;
	struct ckpt_tfiles *tfiles;
	struct ckpt_rstate *rs;
	struct ckpt_rstate *rss;
	u64 img_flags;
	struct ckpt_rsync *sync;
	struct page **pages;
	__u64 *addrs;
	struct bio_vec *bvec;
	sigset_t saved_blocked;
	bool have_saved_blocked;
};

/* image.c: record I/O, checksum, log */
int ckpt_write(struct ckpt_ctx *ctx, const void *buf, size_t len);
int ckpt_write_obj(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 type,
		   size_t size);
int ckpt_write_obj_data(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 type,
			size_t size, const void *data, size_t dlen);
int ckpt_write_pages(struct ckpt_ctx *ctx, struct page **pages,
		     unsigned int nr);
int ckpt_write_trailer(struct ckpt_ctx *ctx);
int ckpt_read(struct ckpt_ctx *ctx, void *buf, size_t len);
int ckpt_read_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_read_payload(struct ckpt_ctx *ctx, const struct ckpt_hdr *h,
		      void *buf, size_t size);
int ckpt_read_obj(struct ckpt_ctx *ctx, u32 type, void *buf, size_t size);
void *ckpt_read_obj_var(struct ckpt_ctx *ctx, u32 type, size_t size);
void *ckpt_read_payload_var(struct ckpt_ctx *ctx, const struct ckpt_hdr *h,
			    size_t size);
int ckpt_read_pages(struct ckpt_ctx *ctx, struct page **pages,
		    unsigned int nr);
int ckpt_read_trailer(struct ckpt_ctx *ctx, const struct ckpt_hdr *h);
const char *ckpt_check_string(const void *rec, size_t rec_len, size_t off,
			      u32 len);
__printf(3, 4)
void ckpt_log_file(struct file *logfile, const char *who, const char *fmt, ...);
__printf(3, 4)
void ckpt_log(struct ckpt_ctx *ctx, int err, const char *fmt, ...);

/* restart_block.c */
int ckpt_save_restart_block(struct ckpt_ctx *ctx, struct task_struct *t,
			    struct ckpt_restart_block *rb);
int ckpt_check_restart_block(struct ckpt_ctx *ctx,
			     const struct ckpt_restart_block *rb, bool in_rb);
void ckpt_load_restart_block(const struct ckpt_restart_block *rb);

/* arch: arch/x86/checkpoint/cpu.c */
int checkpoint_cpu(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_cpu(struct ckpt_ctx *ctx);
int checkpoint_fpu(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_fpu(struct ckpt_ctx *ctx);
int restore_fpu_load(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
int restore_fpu_check(struct ckpt_ctx *ctx);
int restore_cpu_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
struct ckpt_late *ckpt_take_late(struct ckpt_rstate *rs);
void ckpt_resume_user(struct ckpt_late *late, bool resume_call);
void ckpt_free_late(struct ckpt_rstate *rs);
int ckpt_arch_check_task(struct ckpt_ctx *ctx, struct task_struct *t);
int checkpoint_vdso(struct ckpt_ctx *ctx, struct mm_struct *mm,
		    struct ckpt_hdr_mm *h, struct vm_area_struct *vvar,
		    struct vm_area_struct *vdso);
int restore_vdso(struct ckpt_ctx *ctx, const struct ckpt_hdr_mm *h,
		 u64 vvar_start, u64 vdso_end);
bool ckpt_vma_is_vdso(struct vm_area_struct *vma);
bool ckpt_vma_is_vvar(struct vm_area_struct *vma);

#endif /* _LINUX_CHECKPOINT_H */
