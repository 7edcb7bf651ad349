#!/bin/bash
# Pack the tcpsrv scenario for the guest: python3 with the modules
# web.py imports (http.server...), and the scenario's own files, from
# Debian's packages with their libraries. Usage: pack.sh DIR
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT=$1
PY=/usr/bin/python3.11
rm -rf "$OUT"
mkdir -p "$OUT"
bash "$ROOT/scripts/pack-programs.sh" "$OUT" python3.11-minimal:$PY
# the Python files web.py imports, found by importing them here
mapfile -t mods < <("$PY" -I -S "$HERE/web.py" --modules)
bash "$ROOT/scripts/pack-programs.sh" "$OUT" -- "${mods[@]}"
cp "$HERE/../lib.sh" "$HERE/web.py" "$HERE/run.sh" "$OUT/"
