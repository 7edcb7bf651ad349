#!/bin/bash
# Pack programs from Debian's packages for the guest, each with the
# libraries ldd lists, at their own paths under DIR/root (the guest copies
# that tree over its root). Missing packages are installed with apt-get,
# as scripts/deps.sh does for the build.
#
# Usage: pack-programs.sh DIR PACKAGE:PATH... [-- FILE...]
#   PACKAGE:PATH  a program (or library) of a package, with its libraries
#   FILE          a plain file to copy as it is (a Python module...); a
#                 shared object among them brings its libraries too
set -e
OUT=$1
shift
R=$OUT/root
mkdir -p "$R"

progs=()
files=()
need=()
while [ $# -gt 0 ]; do
	if [ "$1" = -- ]; then
		shift
		files=("$@")
		break
	fi
	progs+=("${1#*:}")
	pkg=${1%%:*}
	dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
	shift
done
if [ ${#need[@]} -gt 0 ]; then
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo ">> installing ${need[*]}"
	$SUDO apt-get install -y -q --no-install-recommends "${need[@]}" ||
		{ $SUDO apt-get update -q; $SUDO apt-get install -y -q \
			--no-install-recommends "${need[@]}"; }
fi

# copy FILE to the same path under $R, as the file it leads to
copy() {
	[ -e "$R$1" ] && return 0
	mkdir -p "$R$(dirname "$1")"
	cp -L "$1" "$R$1"
}

# a program or shared object, and the libraries ldd lists for it
with_libs() {
	copy "$1"
	ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
				    $1 ~ /^\// { print $1 }' |
	while read -r lib; do
		copy "$lib"
	done
}

for p in "${progs[@]}"; do
	[ -e "$p" ] || { echo "pack-programs.sh: no $p" >&2; exit 1; }
	with_libs "$p"
done
for f in "${files[@]}"; do
	case "$f" in
	*.so|*.so.*) with_libs "$f" ;;
	*) copy "$f" ;;
	esac
done
