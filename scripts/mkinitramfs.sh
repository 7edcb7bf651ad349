#!/bin/bash
# Build the guest's base initramfs: static busybox, the ckpt tools, the
# selftests and the guest scripts. Usage: mkinitramfs.sh BUILD_DIR
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$1
R=$B/initramfs
rm -rf "$R"
mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,tmp,root,selftests/checkpoint,usr/bin,usr/sbin}
cp /bin/busybox "$R/bin/busybox"
cp "$ROOT/scripts/guest/init" "$R/init"
cp "$ROOT"/scripts/guest/*.sh "$R/bin/"
chmod +x "$R/init" "$R"/bin/*.sh
for t in ckpt ckpt-demo ckpt-demo-container ckpt-bench; do cp "$B/$t" "$R/bin/"; done
[ -n "$TESTS" ] && cp $TESTS "$R/selftests/checkpoint/"
cp "$ROOT/tools/testing/selftests/checkpoint/stress.list" "$R/selftests/checkpoint/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1 > "$B/initramfs.cpio.gz.tmp")
mv "$B/initramfs.cpio.gz.tmp" "$B/initramfs.cpio.gz"
