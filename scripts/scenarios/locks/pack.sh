#!/bin/bash
# Pack the locks scenario for the guest: sqlite3 and flock(1) (util-linux)
# from Debian's packages, with their libraries, and the scenario's script.
# Usage: pack.sh DIR
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT=$1
rm -rf "$OUT"
mkdir -p "$OUT"
bash "$ROOT/scripts/pack-programs.sh" "$OUT" sqlite3:/usr/bin/sqlite3 \
	util-linux:/usr/bin/flock
cp "$HERE/../lib.sh" "$HERE/run.sh" "$OUT/"
