#!/bin/bash
# Pack the unixsrv scenario for the guest: redis-server (redis-server)
# and redis-cli (redis-tools), python3 with the modules echo.py imports,
# and the scenario's own files, from Debian's packages with their
# libraries. syslogd and logger are busybox's: the guest's own
# /bin/busybox, Debian's busybox-static, which scripts/mkinitramfs.sh
# copies from the build machine (Debian's busybox package would replace
# busybox-static there, and the guest could not copy a busybox over
# the one it runs); checked here to have them. Usage: pack.sh DIR
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT=$1
PY=/usr/bin/python3.11
for applet in syslogd logger; do
	/bin/busybox --list | grep -qx $applet ||
		{ echo "pack.sh: /bin/busybox has no $applet" >&2; exit 1; }
done
rm -rf "$OUT"
mkdir -p "$OUT"
bash "$ROOT/scripts/pack-programs.sh" "$OUT" \
	redis-server:/usr/bin/redis-server redis-tools:/usr/bin/redis-cli \
	python3.11-minimal:$PY
# the Python files echo.py imports, found by importing them here
mapfile -t mods < <("$PY" -I -S "$HERE/echo.py" --modules)
bash "$ROOT/scripts/pack-programs.sh" "$OUT" -- "${mods[@]}"
cp "$HERE/../lib.sh" "$HERE/echo.py" "$HERE/run.sh" "$OUT/"
