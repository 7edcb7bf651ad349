#!/bin/bash
# Pack the event-loop scenario for the guest: python3 with the modules
# loop.py and aloop.py import (asyncio is in libpython3.11-stdlib),
# inotifywait (inotify-tools), tail (coreutils), and the scenario's own
# scripts. Usage: pack.sh DIR
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT=$1
PY=/usr/bin/python3.11
rm -rf "$OUT"
mkdir -p "$OUT"
bash "$ROOT/scripts/pack-programs.sh" "$OUT" python3.11-minimal:$PY \
	libpython3.11-stdlib:/usr/lib/python3.11/lib-dynload/_asyncio.cpython-311-x86_64-linux-gnu.so \
	inotify-tools:/usr/bin/inotifywait coreutils:/usr/bin/tail
# the Python files the loops import, found by importing them here
mapfile -t mods < <("$PY" -I -S "$HERE/loop.py" --modules;
		     "$PY" -I -S "$HERE/aloop.py" --modules)
bash "$ROOT/scripts/pack-programs.sh" "$OUT" -- "${mods[@]}"
cp "$HERE/../lib.sh" "$HERE/loop.py" "$HERE/aloop.py" "$HERE/run.sh" "$OUT/"
