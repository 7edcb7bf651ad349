// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inherited files: a terminal, pipe or socket that a process outside the
 * tree verifiably holds (the same open file, the pipe's other end, the
 * socket's peer). The tree did not make it and cannot take it along: a
 * self checkpoint or a subtree saves "the fd the restarter gives", and
 * restart connects the restarter's fd of the same number. For a container
 * it is a leak. The restarter leaves such an fd closed by handing in an
 * O_PATH descriptor of /dev/null.
 */
#include <linux/file.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <net/sock.h>
#include "internal.h"

/**
 * ckpt_inherit_or_leak() - save a file that leads outside as INHERITED
 * @ctx: checkpoint context
 * @e: the fd
 * @kind: CKPT_INHERIT_* of the file, for restart's log line
 * @what: for the leak's log line ("a pipe with an end outside the tree")
 *
 * Return: 0 with @e saved as INHERITED (self checkpoint, subtree), or
 * -EBUSY with a log line (a container: a leak).
 */
int ckpt_inherit_or_leak(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e,
			 u32 kind, const char *what)
{
	if (ckpt_leak_checks(ctx)) {
		ckpt_log(ctx, -EBUSY, "leak: fd %u of pid %d is %s",
			 e->fd, ctx->cur->pids.pid, what);
		return -EBUSY;
	}
	e->type = CKPT_FILE_INHERITED;
	e->inherit = kind;
	return 0;
}

/*
 * Unix sockets are unix.c's: one connected to a socket that a process
 * outside the tree holds is inherited from there. TCP and UDP sockets are
 * inet.c's. Other families and protocols are not supported yet: refused
 * with their family, type and protocol ("is an AF_INET datagram socket
 * (ICMP)", a ping socket), which say what is missing.
 */
static int ckpt_classify_socket(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	struct socket *sock = sock_from_file(e->file);
	static const char *const families[] = {
		[AF_UNIX] = "AF_UNIX", [AF_INET] = "AF_INET",
		[AF_INET6] = "AF_INET6", [AF_NETLINK] = "AF_NETLINK",
		[AF_PACKET] = "AF_PACKET", [AF_VSOCK] = "AF_VSOCK",
		[AF_ALG] = "AF_ALG", [AF_KEY] = "AF_KEY",
	};
	static const char *const types[] = {
		[SOCK_STREAM] = "stream", [SOCK_DGRAM] = "datagram",
		[SOCK_RAW] = "raw", [SOCK_RDM] = "rdm",
		[SOCK_SEQPACKET] = "seqpacket", [SOCK_PACKET] = "packet",
	};
	const char *family = NULL, *type = NULL, *proto = "";
	char what[128], fbuf[24], tbuf[16];
	const struct sock *sk;

	/* an O_PATH descriptor of a socket inode has no socket */
	if (!sock || !sock->sk)
		return ckpt_log_unsupported(ctx, e,
					    "is a socket that is no unix socket: not supported yet");
	sk = sock->sk;
	if (sk->sk_family < ARRAY_SIZE(families))
		family = families[sk->sk_family];
	if (!family) {
		snprintf(fbuf, sizeof(fbuf), "family %u", sk->sk_family);
		family = fbuf;
	}
	if (sk->sk_type < ARRAY_SIZE(types))
		type = types[sk->sk_type];
	if (!type) {
		snprintf(tbuf, sizeof(tbuf), "type %u", sk->sk_type);
		type = tbuf;
	}
	if (sk->sk_family == AF_INET || sk->sk_family == AF_INET6) {
		if (sk->sk_protocol == IPPROTO_TCP)
			proto = " (TCP)";
		else if (sk->sk_protocol == IPPROTO_UDP)
			proto = " (UDP)";
		else if (sk->sk_protocol == IPPROTO_UDPLITE)
			proto = " (UDP-Lite)";
		else if (sk->sk_protocol == IPPROTO_ICMP ||
			 sk->sk_protocol == IPPROTO_ICMPV6)
			proto = " (ICMP)";
	}
	snprintf(what, sizeof(what), "is an %s %s socket%s: not supported yet",
		 family, type, proto);
	return ckpt_log_unsupported(ctx, e, what);
}

/*
 * A terminal is inherited only when a process outside the tree holds the
 * same open file: the terminal the tree was started on. One the tree
 * opened itself (a pty pair from /dev/ptmx, /dev/tty, a controlling
 * terminal opened inside) has state that only the tree holds: not
 * supported yet, and not a leak.
 */
static int ckpt_classify_tty(struct ckpt_ctx *ctx, struct ckpt_fd_ent *e)
{
	if (ckpt_file_held(ctx, e->file))
		return ckpt_inherit_or_leak(ctx, e, CKPT_INHERIT_TTY,
					    "a terminal shared with a task outside the tree");
	return ckpt_log_unsupported(ctx, e,
				    "is a terminal the tree opened itself (no process outside the tree holds it): not supported yet");
}

/* unix sockets are unix.c's, TCP and UDP sockets inet.c's */
static bool ckpt_inherited_match(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct socket *sock = sock_from_file(file);

	return (S_ISCHR(inode->i_mode) && ckpt_chr_is_tty(inode->i_rdev)) ||
	       (S_ISSOCK(inode->i_mode) &&
		!(sock && sock->sk && sock->sk->sk_family == AF_UNIX) &&
		!ckpt_inet_match(file));
}

static int ckpt_inherited_classify(struct ckpt_ctx *ctx,
				   struct ckpt_fd_ent *e)
{
	if (S_ISSOCK(file_inode(e->file)->i_mode))
		return ckpt_classify_socket(ctx, e);
	return ckpt_classify_tty(ctx, e);
}

static int ckpt_inherited_checkpoint(struct ckpt_ctx *ctx,
				     struct ckpt_fd_ent *e)
{
	struct ckpt_hdr_file_inherit h = {
		.fd = e->fd,
		.kind = e->inherit,
	};

	return ckpt_write_obj(ctx, &h.h, CKPT_HDR_FILE_INHERIT, sizeof(h));
}

/* An O_PATH descriptor of /dev/null: "leave the inherited fd closed" */
static bool ckpt_is_close_marker(struct file *file)
{
	struct inode *inode = file_inode(file);

	return file->f_mode & FMODE_PATH && S_ISCHR(inode->i_mode) &&
	       inode->i_rdev == MKDEV(MEM_MAJOR, 3);
}

/*
 * The restarter's file for an INHERITED record: its fd of the same
 * number, referenced, or NULL (leave the fd closed) when that fd is an
 * O_PATH descriptor of /dev/null. A missing fd fails the restart: the
 * restored program would find its terminal, pipe or socket closed. With
 * RESTART_VALIDATE the restarter's fds are not looked at: which fds it
 * hands in is the caller's business at the real restart.
 */
static struct file *ckpt_inherited_restore(struct ckpt_ctx *ctx,
					   const struct ckpt_hdr_file *hf)
{
	static const char *const what[CKPT_INHERIT_MAX] = {
		[CKPT_INHERIT_TTY] = "a terminal",
		[CKPT_INHERIT_PIPE] = "a pipe",
		[CKPT_INHERIT_SOCKET] = "a socket",
	};
	struct ckpt_hdr_file_inherit h;
	struct file *file;
	int ret;

	ret = ckpt_read_obj_ext(ctx, CKPT_HDR_FILE_INHERIT, &h, sizeof(h));
	if (ret)
		return ERR_PTR(ret);
	if (h.fd >= CKPT_MAX_FDS || !h.kind || h.kind >= CKPT_INHERIT_MAX) {
		ckpt_log(ctx, -EINVAL, "file record %u: bad inherited fd",
			 hf->objref);
		return ERR_PTR(-EINVAL);
	}
	if (ctx->flags & RESTART_VALIDATE)
		return NULL;
	file = fget_raw(h.fd);
	if (!file) {
		ckpt_log(ctx, -EBADF,
			 "fd %u of pid %d was inherited (%s) and the restarter has no fd %u (give it one, or an O_PATH /dev/null to leave it closed)",
			 h.fd, ctx->rs->pids.pid, what[h.kind], h.fd);
		return ERR_PTR(-EBADF);
	}
	if (!(file->f_mode & FMODE_PATH))
		return file;
	if (ckpt_is_close_marker(file)) {
		fput(file);
		return NULL;
	}
	fput(file);
	ckpt_log(ctx, -EBADF,
		 "fd %u of pid %d was inherited (%s) and the restarter's fd %u is an O_PATH descriptor, not /dev/null",
		 h.fd, ctx->rs->pids.pid, what[h.kind], h.fd);
	return ERR_PTR(-EBADF);
}

const struct ckpt_file_ops ckpt_inherited_file_ops = {
	.name = "inherited",
	.match = ckpt_inherited_match,
	.classify = ckpt_inherited_classify,
	.checkpoint = ckpt_inherited_checkpoint,
	.restore = ckpt_inherited_restore,
	.f_flags = CKPT_FILE_FLAGS,
	.ownerless = true,
};
