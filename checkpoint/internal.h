/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checkpoint/restart: what only checkpoint/ uses.
 *
 * The unit is the type. An open file is saved by the entry of its type in
 * the table of struct ckpt_file_ops (fdtable.c), a kernel object shared by
 * several files or tasks by the entry of its type in the table of struct
 * ckpt_obj_ops (objhash.c). Documentation/checkpoint/internals.rst, "How
 * to add a resource type", says what a new type needs.
 */
#ifndef _CHECKPOINT_INTERNAL_H
#define _CHECKPOINT_INTERNAL_H

#include <linux/checkpoint.h>

/* ---- shared objects: objhash.c ----------------------------------------- */

enum ckpt_obj_type {
	CKPT_OBJ_FILE = 1,
	CKPT_OBJ_PIPE,		/* checkpoint: a pipe_inode_info */
	CKPT_OBJ_RPIPE,		/* restart: a restored pipe (pipe.c) */
	CKPT_OBJ_SHM_INODE,	/* checkpoint: the inode of shared anon memory */
	CKPT_OBJ_SHM_FILE,	/* restart: the file of shared anon memory */
	CKPT_OBJ_UNIX_PAIR,	/* checkpoint: a unix socket pair (a sock) */
	CKPT_OBJ_RUNIX_PAIR,	/* restart: a restored pair (unix.c) */
	CKPT_OBJ_UNIX_SOCK,	/* checkpoint: a datagram socket other sockets
				 * name (a sock), no record of its own
				 */
	CKPT_OBJ_RUNIX_SOCK,	/* restart: its restored file (unix.c) */
	CKPT_OBJ_MEMFD_INODE,	/* checkpoint: the inode of a memfd */
	CKPT_OBJ_MEMFD_FILE,	/* restart: a restored memfd's file */
	CKPT_OBJ_DELETED_INODE,	/* checkpoint: the inode of a deleted file */
	CKPT_OBJ_DELETED_FILE,	/* restart: restart's open of a remade one */
	CKPT_OBJ_INODE,		/* checkpoint: the inode of a file by path */
	CKPT_OBJ_RINODE,	/* restart: its identity (identity.c) */
	CKPT_OBJ_DEAD_PID,	/* checkpoint: the pid of a reaped task */
	CKPT_OBJ_RDEAD_PID,	/* restart: a pid without a task (pidfd.c) */
	CKPT_OBJ_MAX
};

/**
 * struct ckpt_obj_ops - how one type of shared object is held and saved
 * @name:	for log lines
 * @grab:	take a reference when the object enters the hash
 * @drop:	drop it when the hash is freed
 * @checkpoint:	write the object's record, at its first use (optional:
 *		an object saved as part of another record has none)
 * @rec_type:	restart: the CKPT_HDR_* record that @restore reads
 * @restore:	restart: read that record (its header already read), make
 *		the object and ckpt_obj_insert() it
 * @release:	restart: called for every object of the type just before
 *		the restored tree is released (drop what only restart needed)
 * @check:	restart, optional: once every record is read (with
 *		RESTART_VALIDATE too), is the object whole? 0, or an errno
 *		with a log line (a pair whose end no record took)
 *
 * Checkpoint and restart may use two types for one kind of object when
 * what is hashed differs (the kernel's pipe, the restored pipe).
 */
struct ckpt_obj_ops {
	const char *name;
	void (*grab)(void *ptr);
	void (*drop)(void *ptr);
	int (*checkpoint)(struct ckpt_ctx *ctx, void *ptr, u32 objref);
	u32 rec_type;
	int (*restore)(struct ckpt_ctx *ctx, const struct ckpt_hdr *h);
	void (*release)(struct ckpt_ctx *ctx, void *ptr);
	int (*check)(struct ckpt_ctx *ctx, void *ptr);
};

extern const struct ckpt_obj_ops ckpt_file_obj_ops;
extern const struct ckpt_obj_ops ckpt_pipe_obj_ops;
extern const struct ckpt_obj_ops ckpt_rpipe_obj_ops;
extern const struct ckpt_obj_ops ckpt_shm_inode_obj_ops;
extern const struct ckpt_obj_ops ckpt_shm_file_obj_ops;
extern const struct ckpt_obj_ops ckpt_absent_obj_ops;
extern const struct ckpt_obj_ops ckpt_inode_obj_ops;
extern const struct ckpt_obj_ops ckpt_rinode_obj_ops;
extern const struct ckpt_obj_ops ckpt_dead_pid_obj_ops;
int ckpt_inode_ref(struct ckpt_ctx *ctx, struct file *file);
int ckpt_restore_inode(struct ckpt_ctx *ctx, const struct ckpt_hdr *hdr);
int ckpt_inode_check(struct ckpt_ctx *ctx, u32 objref, struct inode *inode,
		     const char *path);
#if IS_ENABLED(CONFIG_UNIX)
extern const struct ckpt_obj_ops ckpt_unix_pair_obj_ops;
extern const struct ckpt_obj_ops ckpt_runix_pair_obj_ops;
extern const struct ckpt_obj_ops ckpt_unix_sock_obj_ops;
extern const struct ckpt_obj_ops ckpt_runix_sock_obj_ops;
#else
#define ckpt_unix_pair_obj_ops ckpt_absent_obj_ops
#define ckpt_runix_pair_obj_ops ckpt_absent_obj_ops
#define ckpt_unix_sock_obj_ops ckpt_absent_obj_ops
#define ckpt_runix_sock_obj_ops ckpt_absent_obj_ops
#endif

#ifdef CONFIG_MEMFD_CREATE
extern const struct ckpt_obj_ops ckpt_memfd_inode_obj_ops;
extern const struct ckpt_obj_ops ckpt_memfd_file_obj_ops;
#else
#define ckpt_memfd_inode_obj_ops ckpt_absent_obj_ops
#define ckpt_memfd_file_obj_ops ckpt_absent_obj_ops
#endif
extern const struct ckpt_obj_ops ckpt_deleted_inode_obj_ops;
extern const struct ckpt_obj_ops ckpt_deleted_file_obj_ops;

void ckpt_obj_ops_check(void);
void ckpt_obj_get_file(void *ptr);
void ckpt_obj_put_file(void *ptr);
void ckpt_obj_get_inode(void *ptr);
void ckpt_obj_put_inode(void *ptr);

void ckpt_objhash_init(struct ckpt_objhash *oh);
void ckpt_objhash_free(struct ckpt_objhash *oh);
int ckpt_obj_lookup_add(struct ckpt_ctx *ctx, void *ptr, int type,
			bool *first);
int ckpt_obj_lookup(struct ckpt_ctx *ctx, void *ptr, int type);
int ckpt_obj_checkpoint(struct ckpt_ctx *ctx, void *ptr, int type);
int ckpt_obj_insert(struct ckpt_ctx *ctx, void *ptr, u32 objref, int type);
void *ckpt_obj_fetch(struct ckpt_ctx *ctx, u32 objref, int type);
void *ckpt_obj_find(struct ckpt_ctx *ctx, u32 objref, int type);
int ckpt_read_ref_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_read_ref_ext(struct ckpt_ctx *ctx, u32 type, void *buf,
		      size_t size);
void ckpt_obj_release_all(struct ckpt_ctx *ctx);
int ckpt_obj_check_all(struct ckpt_ctx *ctx);

/* ---- open files: fdtable.c and one file per type ----------------------- */

/**
 * struct ckpt_fd_ent - checkpoint: one fd of the task being written
 * @fd:		its number
 * @cloexec:	FD_CLOEXEC
 * @file:	the file, referenced
 * @type:	the CKPT_FILE_* type it is saved as (set by classification)
 * @inherit:	INHERITED: the CKPT_INHERIT_* kind, for restart's log line
 * @objref:	the objref of its FILE record
 */
struct ckpt_fd_ent {
	unsigned int fd;
	bool cloexec;
	struct file *file;
	u32 type;
	u32 inherit;
	u32 objref;
};

/**
 * struct ckpt_file_ops - how one type of open file is saved and restored
 * @name:	for log lines and ckpt info
 * @match:	checkpoint: is @file of this type's family? Tried in the
 *		order of enum ckpt_file_type; NULL for a type only reached
 *		through another's @classify
 * @classify:	checkpoint, optional: decide how a matched file is saved:
 *		set @e->type (and @e->inherit) to this or another type;
 *		0, or -EOPNOTSUPP/-EBUSY with a log line naming the fd
 * @checkpoint:	write the records that follow the FILE record
 * @restore:	read them and return the file, referenced (NULL: an
 *		inherited fd left closed), or an ERR_PTR with a log line
 * @checkpoint_late: optional: write the type's late record, once all the
 *		files of the task are written (an epoll set's items refer to
 *		other files); files it refers to that are not written yet are
 *		written first, with ckpt_file_ref(). It frees @data, which
 *		ckpt_file_late_due() gave
 * @late_rec_type: the CKPT_HDR_* type of that record, which starts with
 *		the objref of the file (__u32, right after the header)
 * @restore_late: read it (its header already read); the file (and the
 *		data its restore() gave ckpt_file_late_due(), to free) come
 *		from ckpt_file_late_take()
 * @late_if_due: every file of the type has a late record, unless this
 *		is set: then its checkpoint() and restore() call
 *		ckpt_file_late_due() for the files that have one
 * @late_free:	optional: frees the data of a late record that never came
 *		(a failed checkpoint or restart)
 * @f_flags:	the status flags the type keeps; a file with others is
 *		refused at checkpoint, an image with others at restart
 * @seekable:	the FILE record's pos is the file's offset (else 0)
 * @by_path:	reopened by path: the FILE record names the file's INODE
 *		record (identity.c), which @restore checks the reopened
 *		file against with ckpt_inode_check()
 * @ownerless:	an owner, signal or O_ASYNC (F_SETOWN, F_SETSIG) on it is
 *		refused: restart does not make the file itself, or makes it
 *		late
 * @fasync_list: optional: the list the file's ->fasync() puts it on, where
 *		O_ASYNC keeps the fd its signals name; a file whose f_op has
 *		->fasync() keeps O_ASYNC only with it
 *
 * The FILE record (objref, type, flags, pos) is written and read by
 * fdtable.c; the type's own state goes in its own, extensible records.
 */
struct ckpt_file_ops {
	const char *name;
	bool (*match)(struct file *file);
	int (*classify)(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e);
	int (*checkpoint)(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e);
	struct file *(*restore)(struct ckpt_ctx *ctx,
				const struct ckpt_hdr_file *h);
	int (*checkpoint_late)(struct ckpt_ctx *ctx, struct file *file,
			       u32 objref, void *data);
	u32 late_rec_type;
	int (*restore_late)(struct ckpt_ctx *ctx, const struct ckpt_hdr *h);
	bool late_if_due;
	void (*late_free)(void *data);
	u32 f_flags;
	bool seekable;
	bool by_path;
	bool ownerless;
	struct fasync_struct **(*fasync_list)(struct file *file);
};

/* status flags a reopened file keeps; O_CREAT/O_TRUNC/O_EXCL never */
#define CKPT_FILE_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | \
			 O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | \
			 O_NOATIME | __O_SYNC | O_PATH)

extern const struct ckpt_file_ops ckpt_reg_file_ops;
extern const struct ckpt_file_ops ckpt_dir_file_ops;
extern const struct ckpt_file_ops ckpt_chr_file_ops;
extern const struct ckpt_file_ops ckpt_inherited_file_ops;
extern const struct ckpt_file_ops ckpt_pipe_file_ops;
extern const struct ckpt_file_ops ckpt_fifo_file_ops;
extern const struct ckpt_file_ops ckpt_absent_file_ops;
extern const struct ckpt_file_ops ckpt_pidfd_file_ops;
bool ckpt_proc_names_task(struct dentry *dentry);
#ifdef CONFIG_PROC_FS
extern const struct ckpt_file_ops ckpt_proc_file_ops;
bool ckpt_proc_task_file(struct file *file);
#else
#define ckpt_proc_file_ops ckpt_absent_file_ops
static inline bool ckpt_proc_task_file(struct file *file)
{
	return false;
}
#endif
/* files made once every task exists (stand_in.c) */
struct file *ckpt_stand_in_file(struct file *(*make)(struct ckpt_ctx *, void *),
				void (*free)(void *data), void *data);
bool ckpt_file_awaits_tree(struct file *file);
struct file *ckpt_file_from_tree(struct ckpt_ctx *ctx, struct file *stand_in);
#ifdef CONFIG_EVENTFD
extern const struct ckpt_file_ops ckpt_eventfd_file_ops;
#else
#define ckpt_eventfd_file_ops ckpt_absent_file_ops
#endif
#ifdef CONFIG_EPOLL
extern const struct ckpt_file_ops ckpt_epoll_file_ops;
#else
#define ckpt_epoll_file_ops ckpt_absent_file_ops
#endif
#ifdef CONFIG_TIMERFD
extern const struct ckpt_file_ops ckpt_timerfd_file_ops;
#else
#define ckpt_timerfd_file_ops ckpt_absent_file_ops
#endif
#ifdef CONFIG_INOTIFY_USER
extern const struct ckpt_file_ops ckpt_inotify_file_ops;
#else
#define ckpt_inotify_file_ops ckpt_absent_file_ops
#endif
#if IS_ENABLED(CONFIG_UNIX)
extern const struct ckpt_file_ops ckpt_unix_file_ops;
#else
#define ckpt_unix_file_ops ckpt_absent_file_ops
#endif
#ifdef CONFIG_INET
extern const struct ckpt_file_ops ckpt_inet_file_ops;
bool ckpt_inet_match(struct file *file);

/* tcp.c: TCP connections, after their FILE_INET record */
/**
 * struct ckpt_tcp_snap - checkpoint: a TCP connection as read
 * @c:		its TCP_CONN record
 * @data:	its queues' bytes, the send queue's first
 * @len:	how many
 */
struct ckpt_tcp_snap {
	struct ckpt_hdr_tcp_conn c;
	u8 *data;
	u32 len;
};

struct sock;
struct ckpt_tcp_hold;
struct ckpt_tcp_rst;
const char *ckpt_tcp_unsaved(struct sock *sk);
int ckpt_tcp_snapshot(struct sock *sk, struct ckpt_tcp_snap *snap);
void ckpt_tcp_snap_free(struct ckpt_tcp_snap *snap);
int ckpt_tcp_write(struct ckpt_ctx *ctx, struct ckpt_tcp_snap *snap);
int ckpt_tcp_lock_tree(struct ckpt_ctx *ctx);
struct ckpt_tcp_hold *ckpt_tcp_hold_of(struct ckpt_ctx *ctx,
				       struct file *file);
int ckpt_tcp_hold_repair(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			 struct ckpt_tcp_hold *hd);
bool ckpt_tcp_conn_ok(const struct ckpt_hdr_tcp_conn *c);
struct ckpt_tcp_rst *ckpt_tcp_read(struct ckpt_ctx *ctx, u32 objref);
void ckpt_tcp_rst_free(struct ckpt_tcp_rst *r);
int ckpt_tcp_repair_on(struct ckpt_ctx *ctx, struct file *file, u32 objref,
		       const struct ckpt_hdr_file_inet *h,
		       struct ckpt_tcp_rst *r);
int ckpt_tcp_prepare(struct ckpt_ctx *ctx, struct file *file, u32 objref,
		     struct ckpt_tcp_rst *r);
int ckpt_tcp_restore(struct ckpt_ctx *ctx, struct file *file, u32 objref,
		     const struct ckpt_hdr_file_inet *h,
		     struct ckpt_tcp_rst *r);
#else
#define ckpt_inet_file_ops ckpt_absent_file_ops
static inline bool ckpt_inet_match(struct file *file)
{
	return false;
}

static inline int ckpt_tcp_lock_tree(struct ckpt_ctx *ctx)
{
	return 0;
}
#endif
#ifdef CONFIG_NET
/* socket options every family saves the same way (sockopt.c) */
struct socket;
u64 ckpt_sock_timeo_us(long timeo);
int ckpt_sock_setopt(struct socket *sock, int level, int opt, int val);
int ckpt_sock_set_timeo(struct socket *sock, int opt, u64 us);
int ckpt_sock_set_buf(struct socket *sock, int opt, int force, int *cur,
		      u32 want);
#endif
#ifdef CONFIG_MEMFD_CREATE
extern const struct ckpt_file_ops ckpt_memfd_file_ops;
bool ckpt_is_memfd(struct file *file);
int ckpt_memfd_ref(struct ckpt_ctx *ctx, struct file *file);
struct file *ckpt_memfd_file(struct ckpt_ctx *ctx, u32 objref);
#else
#define ckpt_memfd_file_ops ckpt_absent_file_ops
static inline bool ckpt_is_memfd(struct file *file)
{
	return false;
}

static inline int ckpt_memfd_ref(struct ckpt_ctx *ctx, struct file *file)
{
	return -EOPNOTSUPP;
}

static inline struct file *ckpt_memfd_file(struct ckpt_ctx *ctx, u32 objref)
{
	ckpt_log(ctx, -EOPNOTSUPP, "memfds need CONFIG_MEMFD_CREATE");
	return ERR_PTR(-EOPNOTSUPP);
}
#endif

/* deleted.c */
extern const struct ckpt_file_ops ckpt_deleted_file_ops;
extern unsigned long sysctl_ckpt_deleted_max;
bool ckpt_is_deleted(struct file *file);
int ckpt_deleted_ref(struct ckpt_ctx *ctx, struct file *file);
struct file *ckpt_deleted_file(struct ckpt_ctx *ctx, u32 objref);

/* unnamed.c: what memfds and deleted files share */
int ckpt_contents_add(struct ckpt_ctx *ctx, unsigned int *n,
		      struct page *page, u64 off);
void ckpt_contents_drop(struct ckpt_ctx *ctx, unsigned int n);
int ckpt_contents_end(struct ckpt_ctx *ctx, unsigned int n);
int ckpt_check_unshared(struct ckpt_ctx *ctx, struct file *file,
			unsigned int files, bool outside);
int ckpt_read_contents(struct ckpt_ctx *ctx, const char *what, u64 size,
		       int (*fill)(struct ckpt_ctx *ctx, struct file *file,
				   unsigned int n),
		       struct file *file);
int ckpt_restore_mode_owner(struct ckpt_ctx *ctx, const char *what,
			    const struct path *path, u32 mode, u32 uid, u32 gid);
struct file *ckpt_reopen_unnamed(struct ckpt_ctx *ctx,
				 const struct ckpt_hdr_file *hf,
				 struct file *base);

#ifdef CONFIG_SIGNALFD
extern const struct ckpt_file_ops ckpt_signalfd_file_ops;
bool ckpt_polls_current(struct file *file);
#else
#define ckpt_signalfd_file_ops ckpt_absent_file_ops
static inline bool ckpt_polls_current(struct file *file)
{
	return false;
}
#endif

/* fdtable.c */
void ckpt_file_ops_check(void);
struct file *ckpt_next_file(struct task_struct *t, unsigned int *fd);
int ckpt_log_unsupported(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			 const char *what);
/* owner.c: an open file's owner and signal */
int ckpt_file_owner(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
		    struct ckpt_hdr_file *h);
int ckpt_check_owner(struct ckpt_ctx *ctx, const struct ckpt_hdr_file *h);
const struct ckpt_file_ops *ckpt_file_ops_of(u32 type);
int ckpt_restore_owner(struct ckpt_ctx *ctx, const struct ckpt_hdr_file *h,
		       struct file *file);
int checkpoint_files(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_files(struct ckpt_ctx *ctx);
int restore_files_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
int ckpt_file_ref(struct ckpt_ctx *ctx, struct file *file, unsigned int fd);
int ckpt_file_late_due(struct ckpt_ctx *ctx, struct file *file, u32 type,
		       u32 objref, void *data);
struct file *ckpt_file_late_take(struct ckpt_ctx *ctx, u32 objref,
				 const struct ckpt_file_ops *ops, void **data);
void ckpt_free_file_late(struct ckpt_ctx *ctx);

/* file_scan.c: the tree's files, leaks, holders outside the tree */
int ckpt_scan_files(struct ckpt_ctx *ctx);
void ckpt_free_tfiles(struct ckpt_ctx *ctx);
int ckpt_walk_tfiles(struct ckpt_ctx *ctx,
		     int (*fn)(struct ckpt_ctx *, struct file *, void *),
		     void *arg);
bool ckpt_leak_checks(struct ckpt_ctx *ctx);
int ckpt_check_in_flight(struct ckpt_ctx *ctx);
bool ckpt_file_held(struct ckpt_ctx *ctx, struct file *file);
bool ckpt_file_outside(struct ckpt_ctx *ctx, struct file *file);
bool ckpt_chr_reopenable(dev_t rdev);
bool ckpt_chr_is_tty(dev_t rdev);
struct pipe_inode_info;
void ckpt_pipe_ends(struct ckpt_ctx *ctx, struct pipe_inode_info *pipe,
		    unsigned int *r, unsigned int *w, bool *outside,
		    bool *held);
struct sock *ckpt_unix_peer(struct file *file);
struct file *ckpt_peer_file(struct sock *peer);
bool ckpt_sock_peer_held(struct ckpt_ctx *ctx, struct sock *peer);
bool ckpt_sock_in_tree(struct ckpt_ctx *ctx, const struct sock *sk);
bool ckpt_file_in_tree(struct ckpt_ctx *ctx, struct file *file);

/* inherit.c */
int ckpt_inherit_or_leak(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			 u32 kind, const char *what);

/* fs.c: paths, cwd, root, umask */
char *ckpt_file_path(struct ckpt_ctx *ctx, const struct path *path,
		     char *buf, const char *what);
int ckpt_write_fd_path(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e);
int checkpoint_fs(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_fs(struct ckpt_ctx *ctx);
void restore_fs_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);

/* ---- the rest, one file per resource ----------------------------------- */

/* checkpoint.c / restart.c: the drivers */
long ckpt_do_checkpoint(struct ckpt_ctx *ctx);
long ckpt_do_restart(struct ckpt_ctx *ctx);
const char *ckpt_tree_check_task(const struct ckpt_task_pids *p,
				 unsigned int n, unsigned int i, int *parent,
				 int *pgrp);
int ckpt_after_fds_add(struct ckpt_ctx *ctx,
		       int (*run)(struct ckpt_ctx *ctx, void *data),
		       void (*release)(void *data), void *data);
int ckpt_after_tree_add(struct ckpt_ctx *ctx,
			int (*run)(struct ckpt_ctx *ctx, void *data),
			void (*release)(void *data), void *data);
int ckpt_after_read_add(struct ckpt_ctx *ctx,
			int (*run)(struct ckpt_ctx *ctx, void *data),
			void (*release)(void *data), void *data);
int ckpt_before_release_add(struct ckpt_ctx *ctx,
			    int (*run)(struct ckpt_ctx *ctx, void *data),
			    void (*release)(void *data), void *data);
int ckpt_on_release_add(struct ckpt_ctx *ctx,
			int (*run)(struct ckpt_ctx *ctx, void *data),
			void (*release)(void *data), void *data);
int ckpt_undo_add(struct ckpt_ctx *ctx,
		  int (*run)(struct ckpt_ctx *ctx, void *data),
		  void (*release)(void *data), void *data);
int ckpt_deferred_run(struct ckpt_ctx *ctx, struct ckpt_deferred *list);
void ckpt_undo_run(struct ckpt_ctx *ctx);
bool ckpt_image_has_pid(struct ckpt_ctx *ctx, pid_t nr);
struct ckpt_rstate *ckpt_image_task(struct ckpt_ctx *ctx, pid_t nr);
pid_t ckpt_tree_pid(struct ckpt_ctx *ctx, struct task_struct *t);
struct ckpt_task_ent *ckpt_parent_ent(struct ckpt_ctx *ctx,
				      struct ckpt_task_ent *e);
struct task_struct *ckpt_restored_task(struct ckpt_ctx *ctx, pid_t nr);
void ckpt_deferred_free(struct ckpt_deferred **list);

/* image.c */
void ckpt_records_check(void);
int ckpt_read_pages_addrs(struct ckpt_ctx *ctx, const char *what,
			  bool parent_ok);
int ckpt_read_payload_ext(struct ckpt_ctx *ctx, const struct ckpt_hdr *h,
			  void *buf, size_t size);
int ckpt_read_obj_ext(struct ckpt_ctx *ctx, u32 type, void *buf,
		      size_t size);
const char *ckpt_rec_name(u32 type);
int ckpt_write_string(struct ckpt_ctx *ctx, const char *s);
char *ckpt_read_string(struct ckpt_ctx *ctx);

/* task.c */
int checkpoint_task(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_task(struct ckpt_ctx *ctx);
int restore_task_attrs(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
void restore_task_process_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
void restore_task_late_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
void restore_task_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
int checkpoint_rlimits(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_rlimits(struct ckpt_ctx *ctx);
void restore_rlimits_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
void restore_itimer_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);

/* timers.c */
int checkpoint_timers(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_timers(struct ckpt_ctx *ctx);
int restore_timers_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);

/* creds.c */
struct group_info;
bool ckpt_uid_allowed(const struct cred *old, kuid_t uid);
bool ckpt_gid_allowed(const struct cred *old, kgid_t gid);
bool ckpt_groups_equal(const struct group_info *a,
		       const struct group_info *b);
int checkpoint_creds(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_creds(struct ckpt_ctx *ctx);
void restore_creds_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);

/* signal.c */
int checkpoint_sighand(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_sighand(struct ckpt_ctx *ctx);
int checkpoint_signal(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_signal(struct ckpt_ctx *ctx);
void restore_sighand_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
void restore_signal_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);

/* memory.c */

/* One vma as snapshotted under mmap_lock. */
struct ckpt_vma {
	unsigned long start, end, pgoff;
	vm_flags_t flags;
	u32 type;
	struct file *file;
	const void *anon_root;	/* its anon_vma's root: compared, not used */
	bool pages_saved;	/* SHARED_ANON: with an earlier vma */
	bool exe;		/* DELETED: its file is the executable */
	bool inherited;		/* ckpt_cow_inherits() */
};

int checkpoint_mm(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_mm(struct ckpt_ctx *ctx);
int restore_mm_commit(struct ckpt_ctx *ctx, struct ckpt_rstate *rs);
void ckpt_free_shm_saved(struct ckpt_ctx *ctx);
struct page *ckpt_shmem_page(struct file *file, pgoff_t idx);

/* cow.c */
struct mm_struct *ckpt_cow_parent_mm(struct ckpt_ctx *ctx,
				     struct mm_struct *mm);
bool ckpt_cow_inherits(struct mm_struct *pmm, const struct ckpt_vma *v);
unsigned int ckpt_cow_mark(struct mm_struct *pmm, struct page **pages,
			   u64 *addrs, unsigned int n);
struct mm_struct *ckpt_cow_dup(struct ckpt_ctx *ctx);
int ckpt_cow_cut(struct ckpt_ctx *ctx, u64 from, u64 to);
int ckpt_cow_zap(struct ckpt_ctx *ctx, u64 from, u64 to);
int ckpt_cow_check_vma(struct ckpt_ctx *ctx, const struct ckpt_hdr_vma *h,
		       struct file *file, vm_flags_t advice);

/* namespaces.c */
int ckpt_check_namespaces(struct ckpt_ctx *ctx, struct task_struct *t);

/* locks.c */
int ckpt_check_file_state(struct ckpt_ctx *ctx, struct file *file,
			  bool mapped, bool in_fds);
int checkpoint_locks(struct ckpt_ctx *ctx, struct task_struct *t,
		     struct ckpt_fd_ent *fds, unsigned int nr,
		     struct ckpt_file_lock **locks);
int checkpoint_write_locks(struct ckpt_ctx *ctx,
			   const struct ckpt_file_lock *locks, unsigned int nr);
int restore_locks(struct ckpt_ctx *ctx, u32 nr);

/* sys.c */
extern int sysctl_ckpt_unpriv_allowed;
int ckpt_may_checkpoint(struct task_struct *t);
bool ckpt_task_frozen(struct task_struct *t);

#endif /* _CHECKPOINT_INTERNAL_H */
