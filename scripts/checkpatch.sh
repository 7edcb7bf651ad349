#!/bin/bash
# Run the kernel's checkpatch.pl on the project's kernel files and patches.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KSRC=${CKPT_CACHE:-/var/cache/linux-ckpt}/linux-source-6.12
cd "$ROOT"
rc=0
"$KSRC/scripts/checkpatch.pl" --no-tree --quiet --strict -f \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,CONST_STRUCT \
	checkpoint/*.c checkpoint/*.h arch/x86/checkpoint/*.c \
	include/linux/checkpoint.h \
	include/uapi/linux/checkpoint*.h || rc=1
for p in patches/*.patch; do
	"$KSRC/scripts/checkpatch.pl" --no-tree --quiet \
		--ignore EMBEDDED_FILENAME - < "$p" || rc=1
done
exit $rc
