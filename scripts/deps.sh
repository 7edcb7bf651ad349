#!/bin/bash
# Install the host packages the build and the guest need, if missing.
# Runs apt-get as root, through sudo otherwise.
set -e
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
for p in linux-source-6.12 qemu-system-x86 busybox-static gcc make bc bison \
	 flex libelf-dev libssl-dev cpio xz-utils rsync libc6-dev python3; do
	have "$p" || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo ">> installing host packages: ${need[*]}"
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q || true
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
