// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket options every family saves the same way: read from the socket
 * at checkpoint, set again through setsockopt() at restart, whose limits,
 * capability checks and LSM hook apply to the restarter.
 */
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/time.h>
#include <net/sock.h>
#include "internal.h"

/**
 * ckpt_sock_timeo_us() - SO_SNDTIMEO/SO_RCVTIMEO as saved
 * @timeo: sk_sndtimeo or sk_rcvtimeo, in jiffies
 *
 * Return: the timeout in microseconds, 0 for none.
 */
u64 ckpt_sock_timeo_us(long timeo)
{
	if (timeo == MAX_SCHEDULE_TIMEOUT)
		return 0;
	return div_u64(jiffies64_to_nsecs(timeo), NSEC_PER_USEC);
}

/**
 * ckpt_sock_setopt() - setsockopt() an int option, from the kernel
 * @sock: the socket
 * @level: SOL_SOCKET, SOL_IP, SOL_IPV6, SOL_TCP...
 * @opt: the option
 * @val: its value
 *
 * Return: 0, or the error setsockopt() gives (-EINVAL, -EPERM, -EACCES,
 * -ENOPROTOOPT, -EOPNOTSUPP...).
 */
int ckpt_sock_setopt(struct socket *sock, int level, int opt, int val)
{
	return do_sock_setsockopt(sock, false, level, opt,
				  KERNEL_SOCKPTR(&val), sizeof(val));
}

/**
 * ckpt_sock_set_timeo() - setsockopt() SO_SNDTIMEO_NEW or SO_RCVTIMEO_NEW
 * @sock: the socket
 * @opt: SO_SNDTIMEO_NEW or SO_RCVTIMEO_NEW
 * @us: the timeout in microseconds, not 0
 *
 * Return: 0, or the error setsockopt() gives (-EDOM, -EINVAL...).
 */
int ckpt_sock_set_timeo(struct socket *sock, int opt, u64 us)
{
	struct __kernel_sock_timeval tv;
	u32 rem;

	tv.tv_sec = div_u64_rem(us, USEC_PER_SEC, &rem);
	tv.tv_usec = rem;
	return do_sock_setsockopt(sock, false, SOL_SOCKET, opt,
				  KERNEL_SOCKPTR(&tv), sizeof(tv));
}

/**
 * ckpt_sock_set_buf() - give a socket a buffer size set by SO_SNDBUF/RCVBUF
 * @sock: the socket
 * @opt: SO_SNDBUF or SO_RCVBUF
 * @force: SO_SNDBUFFORCE or SO_RCVBUFFORCE
 * @cur: &sk->sk_sndbuf or &sk->sk_rcvbuf
 * @want: the size the socket had (twice what was asked, as the kernel
 *	  keeps it)
 *
 * Within the sysctl limit like the call, above it with the *FORCE call,
 * which needs CAP_NET_ADMIN.
 *
 * Return: 0, -EPERM when the size needs CAP_NET_ADMIN, or -EINVAL when
 * the socket does not end up with @want.
 */
int ckpt_sock_set_buf(struct socket *sock, int opt, int force, int *cur,
		      u32 want)
{
	int ret = ckpt_sock_setopt(sock, SOL_SOCKET, opt, want / 2);

	if (!ret && READ_ONCE(*cur) != want)
		ret = ckpt_sock_setopt(sock, SOL_SOCKET, force, want / 2);
	if (!ret && READ_ONCE(*cur) != want)
		ret = -EINVAL;
	return ret;
}
