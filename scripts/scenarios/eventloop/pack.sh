#!/bin/bash
# Pack the event-loop scenario for the guest: python3 with the modules
# loop.py imports, inotifywait (inotify-tools), tail (coreutils), and the
# scenario's own scripts. Usage: pack.sh DIR
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT=$1
PY=/usr/bin/python3.11
rm -rf "$OUT"
mkdir -p "$OUT"
bash "$ROOT/scripts/pack-programs.sh" "$OUT" python3.11-minimal:$PY \
	inotify-tools:/usr/bin/inotifywait coreutils:/usr/bin/tail
# the Python files loop.py imports, found by importing them here
mapfile -t mods < <("$PY" -I -S "$HERE/loop.py" --modules)
bash "$ROOT/scripts/pack-programs.sh" "$OUT" -- "${mods[@]}"
cp "$HERE/loop.py" "$HERE/run.sh" "$OUT/"
