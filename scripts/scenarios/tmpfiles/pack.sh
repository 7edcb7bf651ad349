#!/bin/bash
# Pack the tmpfiles scenario for the guest: bash (its here-documents go
# through a deleted temporary file), python3 with the modules tmpfile.py
# imports (tempfile), and the scenario's own scripts. Usage: pack.sh DIR
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT=$1
PY=/usr/bin/python3.11
# Debian's bash: /usr/bin/bash on a merged /usr, else /bin/bash (the guest
# has no bash of its own: busybox's sh is /bin/sh)
BASH_BIN=/usr/bin/bash
[ -e "$BASH_BIN" ] || BASH_BIN=/bin/bash
rm -rf "$OUT"
mkdir -p "$OUT"
bash "$ROOT/scripts/pack-programs.sh" "$OUT" bash:$BASH_BIN \
	python3.11-minimal:$PY
# the Python files tmpfile.py imports, found by importing them here
mapfile -t mods < <("$PY" -I -S "$HERE/tmpfile.py" --modules)
bash "$ROOT/scripts/pack-programs.sh" "$OUT" -- "${mods[@]}"
cp "$HERE/../lib.sh" "$HERE/run.sh" "$HERE/heredoc.sh" "$HERE/dlog.sh" \
	"$HERE/tmpfile.py" "$OUT/"
